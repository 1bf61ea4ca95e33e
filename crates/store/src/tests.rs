//! Store behaviour on real SQLite files in temporary folders.

use super::*;
use crate::file::migrations;
use model::{
    Actor, Level, Library, LibraryFormat, LibraryId, Module, ModuleId, ProjectId, Timestamp,
};
use serde_json::json;
use std::path::{Path, PathBuf};

fn new_project() -> NewProject {
    NewProject {
        id: ProjectId("p-1".into()),
        name: "Test".into(),
        created_at: Timestamp(42),
    }
}

fn library() -> Library {
    Library {
        id: LibraryId("lib-1".into()),
        name: "lib".into(),
        source_path: "/content/lib".into(),
        format: LibraryFormat::MarkdownFolder,
        imported_at: Timestamp(7),
        removed_at: None,
    }
}

fn module(id: &str, tags: &[&str]) -> Module {
    Module {
        id: ModuleId(id.into()),
        library_id: LibraryId("lib-1".into()),
        source_path: format!("{id}.md"),
        title: format!("Module {id}"),
        duration_minutes: 10,
        level: Some(Level::Beginner),
        word_count: 3,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        extra: serde_json::Map::from_iter([("kind".to_owned(), json!("lesson"))]),
        body: "three little words".into(),
    }
}

/// Asserts that opening `path` fails with `kind`, a message naming the file and containing
/// `needle`, and that the file was not modified.
fn check_refused(path: &Path, kind: ErrorKind, needle: &str, why: &str) {
    let before = std::fs::read(path).ok();
    let err = Store::open(path).expect_err(why);
    assert_eq!(err.kind(), kind, "{why}: {err}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&path.display().to_string()),
        "{why}: names the file: {msg}"
    );
    assert!(
        msg.contains(needle),
        "{why}: {msg:?} should mention {needle:?}"
    );
    assert_eq!(
        std::fs::read(path).ok(),
        before,
        "{why}: a refused file is left untouched"
    );
}

#[test]
fn create_then_open_round_trips_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pathforge");
    let store = Store::create(&path, &new_project()).unwrap();
    let info = store.project().unwrap();
    assert_eq!(info.name, "Test", "the name given at creation is stored");
    assert_eq!(
        info.schema_version, SCHEMA_VERSION,
        "a new file is at the latest schema"
    );
    drop(store);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        leftovers,
        ["a.pathforge"],
        "a closed project is one file: no WAL, no staging file"
    );
    let reopened = Store::open(&path).unwrap();
    assert_eq!(
        reopened.project().unwrap().id,
        ProjectId("p-1".into()),
        "id survives reopening"
    );
}

#[test]
fn create_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "precious").unwrap();
    let err = Store::create(&path, &new_project()).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::AlreadyExists,
        "existing files are refused: {err}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "precious",
        "and left as they were"
    );
    let err = Store::create(&dir.path().join("missing/x.pathforge"), &new_project()).unwrap_err();
    assert!(
        err.to_string().contains("missing"),
        "a missing folder is named: {err}"
    );
}

#[test]
fn open_refuses_what_is_not_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.pathforge");
    std::fs::write(
        &text,
        "just some text, long enough to not be a header at all...",
    )
    .unwrap();
    check_refused(
        &text,
        ErrorKind::NotAProject,
        "not a SQLite database",
        "a text file",
    );

    let empty = dir.path().join("empty.pathforge");
    std::fs::write(&empty, "").unwrap();
    check_refused(
        &empty,
        ErrorKind::NotAProject,
        "not a SQLite database",
        "an empty file",
    );

    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    check_refused(
        &other,
        ErrorKind::NotAProject,
        "another program",
        "a foreign SQLite file",
    );

    check_refused(
        &dir.path().join("gone.pathforge"),
        ErrorKind::NotFound,
        "no such file",
        "gone",
    );
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::NotAProject,
        "a folder is not a project: {err}"
    );
}

#[test]
fn open_refuses_files_from_a_newer_pathforge() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.pathforge");
    drop(Store::create(&path, &new_project()).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    conn.close().unwrap();
    check_refused(
        &path,
        ErrorKind::TooNew,
        "newer Pathforge",
        "a future schema",
    );
}

#[test]
fn the_schema_version_counts_the_migrations() {
    let conn = Connection::open_in_memory().unwrap();
    let mut conn = conn;
    migrations().to_latest(&mut conn).unwrap();
    let version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(
        version, SCHEMA_VERSION,
        "SCHEMA_VERSION must move with every new migration, or newer files pass as current"
    );
}

/// What each migration after the first added, undone: turns a current file back into
/// what an earlier version wrote. A new migration adds its line here (a test says so).
const UNDO_MIGRATION: &[(u32, &str)] = &[
    (2, "ALTER TABLE modules DROP COLUMN content_hash;"),
    (3, "ALTER TABLE tags DROP COLUMN auto_accepted;"),
    (4, "ALTER TABLE tags DROP COLUMN replaced_by;"),
    (5, "DROP TABLE answers;"),
    (
        6,
        "INSERT INTO settings (key, value)
             SELECT 'modules.levels', json_group_object(module_id, level) FROM module_levels;
         DROP TABLE module_levels;
         DROP TABLE skill_merges;",
    ),
    (7, "DROP TABLE audit_head;"),
    (
        8,
        "DROP INDEX skill_prerequisites_after; DROP INDEX skills_parent;
         DROP INDEX tags_skill; DROP INDEX skill_aliases_skill; DROP INDEX modules_live;
         DROP INDEX prerequisites_after; CREATE INDEX prerequisites_after ON prerequisites (after_id);
         DROP INDEX modules_order;",
    ),
    (9, "DROP TABLE dismissed_suggestions;"),
    (10, "ALTER TABLE module_levels DROP COLUMN file_level;"),
    (11, "ALTER TABLE libraries DROP COLUMN removed_at;"),
];

fn skill(slug: &str) -> model::Skill {
    model::Skill {
        id: model::SkillId(format!("s-{slug}")),
        slug: slug.into(),
        name: slug.into(),
        parent_id: None,
        description: String::new(),
        examples: Vec::new(),
        retired: false,
    }
}

#[test]
fn a_file_from_every_earlier_version_is_migrated_with_its_data() {
    assert_eq!(
        UNDO_MIGRATION.len() as u32 + 1,
        SCHEMA_VERSION,
        "each migration needs its way back in UNDO_MIGRATION so this test covers it"
    );
    for version in 1..SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.pathforge");
        let mut store = Store::create(&path, &new_project()).unwrap();
        let project = store.project().unwrap().id;
        let (from, into) = (skill("discounts"), skill("sales"));
        let (merge, snapshot) = store
            .write(|tx| {
                tx.upsert_library(&library())?;
                tx.upsert_module(&project, &module("a", &["pricing"]), 0)?;
                tx.set_level_override(&ModuleId("a".into()), Some(Level::Advanced))?;
                tx.upsert_skill(&from)?;
                tx.upsert_skill(&into)?;
                let snapshot = tx.merge_snapshot(&from, &into.id)?;
                // As the engine logs a merge: the snapshot and tracks in the entry's `before`.
                let before = json!({ "skill": from, "snapshot": snapshot, "tracks": [] });
                let seq = tx.append_audit(
                    Timestamp(1),
                    &Actor::System,
                    "skill.merged",
                    from.id.as_str(),
                    &before,
                    &json!({}),
                )?;
                tx.record_skill_merge(seq, &snapshot, &[])?;
                Ok((seq, snapshot))
            })
            .unwrap();
        drop(store);
        let conn = Connection::open(&path).unwrap();
        for (_, sql) in UNDO_MIGRATION.iter().rev().filter(|(n, _)| *n > version) {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", version).unwrap();
        drop(conn);

        let store =
            Store::open(&path).unwrap_or_else(|e| panic!("a version {version} file opens: {e}"));
        assert_eq!(
            store.project().unwrap().schema_version,
            SCHEMA_VERSION,
            "version {version} is migrated"
        );
        let stored = store
            .library_module_hashes(&LibraryId("lib-1".into()))
            .unwrap();
        assert_eq!(
            stored[&ModuleId("a".into())].hash,
            module_hash(&module("a", &["pricing"])),
            "version {version}: modules are hashed as an import would, tags included"
        );
        assert_eq!(
            store.module(&ModuleId("a".into())).unwrap(),
            module("a", &["pricing"]),
            "version {version}: the module is read back whole"
        );
        assert_eq!(
            store.level_overrides().unwrap(),
            std::collections::BTreeMap::from([(ModuleId("a".into()), Level::Advanced)]),
            "version {version}: the level a person set is kept"
        );
        let file_level = store.file_level(&ModuleId("a".into())).unwrap();
        match version {
            ..10 => assert_eq!(
                file_level,
                None,
                "version {version}: the file's level beside it was not kept then, so it is unknown (the next import fills it in)"
            ),
            _ => assert_eq!(
                file_level,
                Some(module("a", &[]).level),
                "version {version}: the file's level beside the person's is kept"
            ),
        }
        assert_eq!(
            store.libraries().unwrap(),
            [library()],
            "version {version}: the library reads back whole, in the project (none was removed then)"
        );
        assert_eq!(
            store.skill_merge(merge).unwrap(),
            Some((snapshot, Vec::new())),
            "version {version}: the merge can still be undone"
        );
        assert_eq!(
            store.verify_audit().unwrap().broken,
            None,
            "version {version}: the log's head is recorded from the log as it was"
        );
        drop(store);
        let copy = upgrade_backup_path(&path, version);
        let header = std::fs::read(&copy)
            .unwrap_or_else(|e| panic!("version {version}: a copy is kept before migrating: {e}"));
        assert_eq!(
            u32::from_be_bytes(header[60..64].try_into().unwrap()),
            version,
            "version {version}: the copy is the file as it was, unmigrated"
        );
        let copy_conn = Connection::open(&copy).unwrap();
        let titles: String = copy_conn
            .query_row("SELECT title FROM modules", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            titles, "Module a",
            "version {version}: the copy holds the data"
        );
    }
}

#[test]
fn a_backup_is_a_consistent_copy_and_a_restore_puts_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.pathforge");
    let mut store = Store::create(&path, &new_project()).unwrap();
    let project = store.project().unwrap().id;
    store
        .write(|tx| {
            tx.upsert_library(&library())?;
            tx.upsert_module(&project, &module("a", &[]), 0)
        })
        .unwrap();
    let backup = dir.path().join("p.1.pathforge-backup");
    store.backup_to(&backup).unwrap();
    assert!(
        matches!(store.backup_to(&backup), Err(Error::AlreadyExists { .. })),
        "a backup never overwrites a file"
    );
    store
        .write(|tx| tx.upsert_module(&project, &module("b", &[]), 1))
        .unwrap();
    // A reader in another connection, as another process would be.
    let reader = Connection::open(&path).unwrap();
    let count = |c: &Connection| -> i64 {
        c.query_row("SELECT count(*) FROM modules", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(&reader), 2, "the reader sees both modules first");

    store.restore_from(&backup, None).unwrap();
    assert_eq!(
        store.module_summaries().unwrap().len(),
        1,
        "the restore puts back the project as the backup has it"
    );
    assert_eq!(
        count(&reader),
        1,
        "an open reader sees the restored project, not a mix"
    );
    let check: String = reader
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "the restored file is intact");
}

#[test]
fn a_restore_refuses_what_is_not_an_intact_project_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.pathforge");
    let mut store = Store::create(&path, &new_project()).unwrap();
    let project = store.project().unwrap().id;
    store
        .write(|tx| {
            tx.upsert_library(&library())?;
            tx.upsert_module(&project, &module("a", &[]), 0)
        })
        .unwrap();
    let good = dir.path().join("good.pathforge-backup");
    store.backup_to(&good).unwrap();
    let mut damaged = std::fs::read(&good).unwrap();
    // Scribble over the second page (the first table's root), keeping the header.
    for b in &mut damaged[4096..4096 + 512] {
        *b = 0xA5;
    }
    let mut check = |why: &str, bytes: &[u8], needle: &str| {
        let bad = dir.path().join("bad.pathforge-backup");
        std::fs::write(&bad, bytes).unwrap();
        let err = store
            .restore_from(&bad, None)
            .expect_err(&format!("{why}: the restore must be refused"));
        let text = err.to_string();
        assert!(
            text.contains("bad.pathforge-backup") && text.contains(needle),
            "{why}: {text:?} names the file and says {needle:?}"
        );
        assert_eq!(
            store.module_summaries().unwrap().len(),
            1,
            "{why}: the project is as it was"
        );
        std::fs::remove_file(&bad).unwrap();
    };
    check("a text file", b"hello", "not a SQLite database");
    check("a damaged copy", &damaged, "damaged");
    let mut newer = std::fs::read(&good).unwrap();
    newer[60..64].copy_from_slice(&(SCHEMA_VERSION + 1).to_be_bytes());
    check("a copy from a newer Pathforge", &newer, "newer Pathforge");
}

#[test]
fn one_process_at_a_time_changes_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.pathforge");
    let mut first = Store::create(&path, &new_project()).unwrap();
    let mut second = Store::open(&path).unwrap();
    assert!(
        !lock_path(&path).exists(),
        "opening to read takes no lock, so others may still write"
    );
    first.write(|tx| tx.upsert_library(&library())).unwrap();
    assert!(lock_path(&path).exists(), "the first write takes the lock");
    let err = second
        .write(|tx| tx.upsert_library(&library()))
        .expect_err("a second writer is refused while the first holds the lock");
    assert_eq!(err.kind(), ErrorKind::Busy, "the refusal is a Busy error");
    let text = err.to_string();
    assert!(
        text.contains("p.pathforge") && text.contains(&format!("process {}", std::process::id())),
        "the message names the project and who holds it: {text}"
    );
    assert_eq!(
        second.libraries().unwrap().len(),
        1,
        "the refused writer can still read what the first wrote"
    );
    drop(first);
    assert!(!lock_path(&path).exists(), "closing removes the lock file");
    second
        .write(|tx| tx.upsert_library(&library()))
        .expect("once the first writer closes, the second may write");
}

#[test]
fn module_hashes_change_with_content_only() {
    let base = module("a", &["pricing"]);
    let check = |changed: Module, same: bool, why: &str| {
        assert_eq!(module_hash(&changed) == module_hash(&base), same, "{why}");
    };
    check(
        module("a", &["pricing"]),
        true,
        "the same content hashes the same",
    );
    check(
        Module {
            body: "three little words!".into(),
            ..base.clone()
        },
        false,
        "body",
    );
    check(
        Module {
            title: "Other".into(),
            ..base.clone()
        },
        false,
        "title",
    );
    check(module("a", &["closing"]), false, "declared tags");
    check(
        Module {
            duration_minutes: 11,
            ..base.clone()
        },
        false,
        "duration",
    );
    check(
        Module {
            title: "Module athree".into(),
            body: " little words".into(),
            ..base.clone()
        },
        false,
        "text shifted between fields",
    );
}

#[test]
fn modules_and_tags_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("p.pathforge"), &new_project()).unwrap();
    let project = store.project().unwrap().id;
    store
        .write(|tx| {
            tx.upsert_library(&library())?;
            tx.upsert_module(&project, &module("b", &["pricing", "negotiation"]), 1)?;
            tx.upsert_module(&project, &module("a", &["pricing"]), 0)
        })
        .unwrap();
    let summaries = store.module_summaries().unwrap();
    let ids: Vec<_> = summaries.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"], "modules list in library position order");
    assert_eq!(
        summaries[1].tags,
        ["pricing", "negotiation"],
        "tag order is kept"
    );
    let full = store.module(&ModuleId("b".into())).unwrap();
    assert_eq!(
        full,
        module("b", &["pricing", "negotiation"]),
        "every field round-trips"
    );
    let err = store.module(&ModuleId("zzz".into())).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownId,
        "unknown ids are reported as such: {err}"
    );

    store
        .write(|tx| tx.upsert_module(&project, &module("b", &["closing"]), 1))
        .unwrap();
    let b = store.module(&ModuleId("b".into())).unwrap();
    assert_eq!(
        b.tags,
        ["closing"],
        "re-upserting replaces declared tags, not appends"
    );
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("p.pathforge"), &new_project()).unwrap();
    let project = store.project().unwrap().id;
    store.write(|tx| tx.upsert_library(&library())).unwrap();
    let mut orphan = module("orphan", &[]);
    orphan.library_id = LibraryId("no-such-library".into());
    let err = store
        .write(|tx| {
            tx.upsert_module(&project, &module("ok", &["x"]), 0)?;
            tx.upsert_module(&project, &orphan, 1)
        })
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Storage,
        "foreign keys are enforced: {err}"
    );
    assert!(
        store.module_summaries().unwrap().is_empty(),
        "the module written before the failure was rolled back with it"
    );
}

#[test]
fn the_audit_log_is_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("p.pathforge"), &new_project()).unwrap();
    let seq = store
        .write(|tx| {
            tx.append_audit(
                Timestamp(1),
                &Actor::System,
                "x.done",
                "obj",
                &json!(null),
                &json!(1),
            )
        })
        .unwrap();
    assert_eq!(seq, 1, "the first entry is number 1");
    let events = store.audit_events().unwrap();
    assert_eq!(events[0].actor, Actor::System, "the actor round-trips");
    assert_eq!(events[0].after, json!(1), "the after-state round-trips");
    for sql in [
        "UPDATE audit_events SET action = 'forged'",
        "DELETE FROM audit_events",
    ] {
        let err = store
            .write(|tx| tx.tx.execute(sql, []).map(|_| ()))
            .unwrap_err();
        assert!(
            err.to_string().contains("append-only"),
            "{sql} must be refused: {err}"
        );
    }
    assert_eq!(
        store.audit_events().unwrap().len(),
        1,
        "the entry is still there"
    );
}

#[test]
fn the_audit_log_is_a_hash_chain_that_catches_edits_and_removals() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("p.pathforge");
    let mut store = Store::create(&path, &new_project()).unwrap();
    for i in 1..=4 {
        store
            .write(|tx| {
                tx.append_audit(
                    Timestamp(i),
                    &Actor::System,
                    "test.event",
                    &format!("obj-{i}"),
                    &json!(null),
                    &json!({ "n": i }),
                )
            })
            .unwrap();
    }
    let intact = store.verify_audit().unwrap();
    assert_eq!(
        (intact.entries, intact.broken.clone()),
        (4, None),
        "an untouched log verifies"
    );
    assert_eq!(intact.head.len(), 64, "the head is a sha256");
    drop(store);

    // Someone with the file edits an entry directly in SQLite, past the append-only trigger.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER audit_events_append_only_update; UPDATE audit_events SET after = '{\"n\":99}' WHERE seq = 2;").unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    let edited = store.verify_audit().unwrap();
    let broken = edited.broken.expect("the edit is caught");
    assert_eq!(
        broken.seq, 2,
        "the first broken entry is the edited one: {broken:?}"
    );
    assert!(
        broken.reason.contains("changed after it was written"),
        "{}",
        broken.reason
    );
    drop(store);

    // Recomputing the edited entry's hash does not help: the next entry chains from the old one.
    let conn = Connection::open(&path).unwrap();
    let row: (String, String, String, String, String) = conn
        .query_row("SELECT (SELECT hash FROM audit_events WHERE seq = 1), actor, action, object, before FROM audit_events WHERE seq = 2", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap();
    let forged = audit_hash(&row.0, 2, 2, &row.1, &row.2, &row.3, &row.4, "{\"n\":99}");
    conn.execute("UPDATE audit_events SET hash = ?1 WHERE seq = 2", [forged])
        .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.verify_audit().unwrap().broken.map(|b| b.seq),
        Some(3),
        "a re-hashed edit breaks the next link"
    );
    drop(store);

    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER audit_events_append_only_delete; DELETE FROM audit_events WHERE seq IN (2, 3);").unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    let removed = store
        .verify_audit()
        .unwrap()
        .broken
        .expect("the removal is caught");
    assert!(
        removed.reason.contains("entries 2–3 are missing"),
        "the gap is named: {}",
        removed.reason
    );
}

/// The hostile-input trial's attacks on the log (#25 item 2), each on a fresh project of
/// four entries whose head this machine's key signed: every one is caught and named.
#[test]
fn the_signed_head_catches_cuts_rewrites_and_forged_heads() {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let public = hex::encode(key.verifying_key().as_bytes());
    let project = |dir: &Path| -> PathBuf {
        let path = dir.join("p.pathforge");
        let mut store = Store::create(&path, &new_project()).unwrap();
        store.sign_audit_with(key.clone());
        for i in 1..=4 {
            store
                .write(|tx| {
                    tx.append_audit(
                        Timestamp(i),
                        &Actor::System,
                        "test.event",
                        &format!("obj-{i}"),
                        &json!(null),
                        &json!({ "n": i }),
                    )
                })
                .unwrap();
        }
        let check = store.verify_audit().unwrap();
        assert_eq!(
            (check.broken, check.signed_by.as_deref()),
            (None, Some(public.as_str())),
            "an untouched log verifies, its head signed by the writer's key"
        );
        path
    };
    // Rewrites entry 2 and every hash after it, as someone who knows the (unkeyed)
    // chain would: the chain itself verifies again afterwards.
    let rewrite = |conn: &Connection, head_too: bool| {
        conn.execute_batch("DROP TRIGGER audit_events_append_only_update")
            .unwrap();
        conn.execute(
            "UPDATE audit_events SET after = '{\"n\":99}' WHERE seq = 2",
            [],
        )
        .unwrap();
        let mut previous = AUDIT_GENESIS.to_owned();
        for seq in 1..=4i64 {
            let (at, actor, action, object, before, after): (i64, String, String, String, String, String) = conn
                .query_row(
                    "SELECT at, actor, action, object, before, after FROM audit_events WHERE seq = ?1",
                    [seq],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
                )
                .unwrap();
            previous = audit_hash(
                &previous, seq, at, &actor, &action, &object, &before, &after,
            );
            conn.execute(
                "UPDATE audit_events SET hash = ?1 WHERE seq = ?2",
                rusqlite::params![previous, seq],
            )
            .unwrap();
        }
        if head_too {
            conn.execute("UPDATE audit_head SET hash = ?1", [previous])
                .unwrap();
        }
    };
    type Attack = Box<dyn Fn(&Connection)>;
    let attacks: Vec<(&str, Attack, &str)> = vec![
        (
            "the newest entries deleted",
            Box::new(|c: &Connection| {
                c.execute_batch("DROP TRIGGER audit_events_append_only_delete; DELETE FROM audit_events WHERE seq > 2").unwrap()
            }),
            "entries 3–4 were cut from the end of the log: its head records 4 entries",
        ),
        (
            "every hash recomputed after an edit",
            Box::new(move |c: &Connection| rewrite(c, false)),
            "the log was rewritten: entry 4's hash is not the one its head records",
        ),
        (
            "the head's hash forged to match a rewrite",
            Box::new(move |c: &Connection| rewrite(c, true)),
            "the head's signature does not hold",
        ),
        (
            "the head record deleted",
            Box::new(|c: &Connection| c.execute_batch("DELETE FROM audit_head").unwrap()),
            "the log's head record is missing",
        ),
    ];
    for (what, attack, want) in attacks {
        let tmp = tempfile::tempdir().unwrap();
        let path = project(tmp.path());
        let conn = Connection::open(&path).unwrap();
        attack(&conn);
        drop(conn);
        let store = Store::open(&path).unwrap();
        let broken = store.verify_audit().unwrap().broken;
        assert!(
            broken.as_ref().is_some_and(|b| b.reason.contains(want)),
            "{what}: verify says {want:?}, not {broken:?}"
        );
    }

    // After a cut, the next entry does not take a freed number: the gap stays visible.
    let tmp = tempfile::tempdir().unwrap();
    let path = project(tmp.path());
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_events_append_only_delete; DELETE FROM audit_events WHERE seq > 2",
    )
    .unwrap();
    drop(conn);
    let mut store = Store::open(&path).unwrap();
    store.sign_audit_with(key.clone());
    let seq = store
        .write(|tx| {
            tx.append_audit(
                Timestamp(9),
                &Actor::System,
                "test.event",
                "after",
                &json!(null),
                &json!(null),
            )
        })
        .unwrap();
    assert_eq!(
        seq, 5,
        "the next entry is 5, after the head's 4, never a reused 3"
    );
    let broken = store
        .verify_audit()
        .unwrap()
        .broken
        .expect("the cut still shows");
    assert!(
        broken.reason.contains("entries 3–4 are missing"),
        "the gap is named: {}",
        broken.reason
    );

    // A head written without a key verifies, and says it is not signed.
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::create(&tmp.path().join("q.pathforge"), &new_project()).unwrap();
    store
        .write(|tx| {
            tx.append_audit(
                Timestamp(1),
                &Actor::System,
                "test.event",
                "o",
                &json!(null),
                &json!(null),
            )
        })
        .unwrap();
    let check = store.verify_audit().unwrap();
    assert_eq!(
        (check.broken, check.signed_by),
        (None, None),
        "an unsigned head is reported as unsigned, not as broken"
    );
}

#[test]
fn a_setting_that_no_longer_reads_as_its_type_is_an_error_naming_it() {
    const THRESHOLD: Setting<f64> = Setting::new("review.auto_accept");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.pathforge");
    let mut store = Store::create(&path, &new_project()).unwrap();
    let mut check = |stored: Option<&str>, expected: Result<Option<f64>, &str>, why: &str| {
        store
            .write(|tx| {
                tx.tx
                    .execute("DELETE FROM settings WHERE key = ?1", [THRESHOLD.key()])?;
                if let Some(text) = stored {
                    tx.tx.execute(
                        "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                        [THRESHOLD.key(), text],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        match (store.setting(&THRESHOLD), expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{why}"),
            (Err(e), Err(needle)) => {
                let msg = e.to_string();
                assert_eq!(e.kind(), ErrorKind::Storage, "{why}: {msg}");
                assert!(
                    msg.contains("`review.auto_accept`") && msg.contains(needle),
                    "{why}: the error names the key and says what is wrong: {msg}"
                );
                assert!(
                    msg.starts_with(&path.display().to_string()),
                    "{why}: names the file: {msg}"
                );
            }
            (got, want) => panic!("{why}: got {got:?}, expected {want:?}"),
        }
    };
    check(None, Ok(None), "a setting never set is absent");
    check(Some("null"), Ok(None), "null is how older files said unset");
    check(
        Some("0.8"),
        Ok(Some(0.8)),
        "a number reads as the threshold",
    );
    check(
        Some("0.8x"),
        Err("not JSON"),
        "text that is not JSON is damage, not a default",
    );
    check(
        Some("\"high\""),
        Err("expected f64"),
        "a value of the wrong type is damage, not a default",
    );

    store
        .write(|tx| tx.set_setting(&THRESHOLD, Some(&0.9)))
        .unwrap();
    assert_eq!(
        store.setting(&THRESHOLD).unwrap(),
        Some(0.9),
        "a set value reads back"
    );
    store.write(|tx| tx.set_setting(&THRESHOLD, None)).unwrap();
    assert_eq!(
        store.setting(&THRESHOLD).unwrap(),
        None,
        "clearing removes it"
    );
}
