//! The audit log from the engine's side: the one way a change is committed with its entry,
//! the actions an entry can record, and reading, checking and exporting the chain.

use model::{Actor, AuditEvent, Timestamp};
use serde_json::Value;
use store::{Tx, TxResult};

use crate::{Project, Result};

/// Declares [`AuditAction`] from one list of `Variant => "family.verb"` pairs, so the
/// enum, [`AuditAction::ALL`] and the stored texts cannot disagree.
macro_rules! audit_actions {
    ($($variant:ident => $text:literal,)*) => {
        /// What an audit entry says was done. Its text (`family.verb`) is what the log
        /// stores and what the chain's hashes cover, so a case's text never changes once
        /// shipped.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($variant,)*
        }

        impl AuditAction {
            /// Every action, in declaration order.
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)*];

            /// The text stored in the log.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $text,)*
                }
            }
        }
    };
}

audit_actions! {
    ProjectRestored => "project.restored",
    LibraryImported => "library.imported",
    LibraryRemoved => "library.removed",
    CatalogColumnsMapped => "catalog.columns_mapped",
    ModulesTagged => "modules.tagged",
    TagsAutoAccepted => "tags.auto_accepted",
    AutoAcceptSet => "review.auto_accept_set",
    ModelChosen => "model.chosen",
    ModuleLevelSet => "module.level_set",
    TagDecided => "tag.decided",
    TagsDecided => "tags.decided",
    TagEdited => "tag.edited",
    TagEditUndone => "tag.edit_undone",
    ReviewPackExported => "review.pack_exported",
    RuleSaved => "rule.saved",
    RuleDeleted => "rule.deleted",
    BundleBuilt => "bundle.built",
    ExportWritten => "export.written",
    SkillAdded => "skill.added",
    SkillEdited => "skill.edited",
    SkillRemoved => "skill.removed",
    SkillMerged => "skill.merged",
    SkillUnmerged => "skill.unmerged",
    SkillPrerequisiteAdded => "skill_prerequisite.added",
    SkillPrerequisiteRemoved => "skill_prerequisite.removed",
    TaxonomyImported => "taxonomy.imported",
    PrerequisiteAdded => "prerequisite.added",
    PrerequisiteRemoved => "prerequisite.removed",
    SuggestionDismissed => "suggestion.dismissed",
    SuggestionRestored => "suggestion.restored",
    AnswersImported => "answers.imported",
    BktCalibrated => "bkt.calibrated",
    CohortSet => "simulation.cohort_set",
    TrackAdded => "track.added",
    TrackEdited => "track.edited",
    TrackRemoved => "track.removed",
    ProjectMerged => "project.merged",
    MergeResolved => "merge.resolved",
    LrsSynced => "lrs.synced",
}

impl AuditAction {
    /// The action an entry's stored text names, if it is one of ours.
    pub fn parse(text: &str) -> Option<AuditAction> {
        AuditAction::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == text)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One audit entry before it is written: what was done, to which object, and the state
/// before and after (JSON, as the log stores it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub action: AuditAction,
    pub object: &'a str,
    pub before: &'a Value,
    pub after: &'a Value,
}

impl<'a> Entry<'a> {
    pub(crate) fn new(
        action: AuditAction,
        object: &'a str,
        before: &'a Value,
        after: &'a Value,
    ) -> Entry<'a> {
        Entry {
            action,
            object,
            before,
            after,
        }
    }

    /// Appends the entry to the log inside `tx`; its position in the log. The only place
    /// the engine writes to the audit log.
    pub(crate) fn append(&self, tx: &Tx<'_>, actor: &Actor, now: Timestamp) -> TxResult<i64> {
        tx.append_audit(
            now,
            actor,
            self.action.as_str(),
            self.object,
            self.before,
            self.after,
        )
    }
}

impl Project {
    /// Applies `change` and appends `entry`, in one transaction: both are written or
    /// neither is. How the engine commits every change that has one entry.
    pub(crate) fn commit<T>(
        &mut self,
        actor: &Actor,
        now: Timestamp,
        entry: Entry<'_>,
        change: impl FnOnce(&Tx<'_>) -> TxResult<T>,
    ) -> Result<T> {
        Ok(self.store.write(|tx| {
            let value = change(tx)?;
            entry.append(tx, actor, now)?;
            Ok(value)
        })?)
    }
}

impl Project {
    /// Signs the audit log's head with `key` after every change from now on (see
    /// [`machine_key`](crate::machine_key)): a cut or rewrite of the log then shows.
    pub fn sign_audit_with(&mut self, key: bundle::SigningKey) {
        self.store.sign_audit_with(key);
    }

    /// Simulates only bundles signed by one of `keys` (hex public keys: this machine's and
    /// those its user trusts, see [`trusted_keys`](crate::trusted_keys)); another signer
    /// is refused, named.
    pub fn trust_signers(&mut self, keys: Vec<String>) {
        self.trusted = Some(keys);
    }

    /// The audit log's head as recorded beside it (mirrored into bundles).
    pub fn audit_head(&self) -> Result<Option<model::AuditHead>> {
        Ok(self.store.audit_head()?)
    }

    /// [`Project::verify_audit`], then holds the log to `copy`, a head kept outside the
    /// project (a bundle's, a backup's): the log must still hold that entry with that
    /// hash, so entries cut or rewritten since the copy was made show even if the
    /// project's own head was forged with the key that signs it.
    pub fn verify_audit_against(&self, copy: &model::AuditHead) -> Result<model::AuditCheck> {
        let mut check = self.verify_audit()?;
        if check.broken.is_some() {
            return Ok(check);
        }
        let broken = |reason: String| {
            Some(model::BrokenEntry {
                seq: copy.seq,
                reason,
            })
        };
        check.broken = if !self.store.audit_head_signed(copy)? {
            broken("the copied head's signature does not hold for this project: it is another project's, or was edited".to_owned())
        } else {
            match self.store.audit_hash_at(copy.seq)? {
                None => broken(format!(
                    "entries {}–{} were cut since the copy was made: the copied head records {} entries, the log holds {}",
                    check.entries + 1,
                    copy.seq,
                    copy.seq,
                    check.entries
                )),
                Some(hash) if hash != copy.hash => broken(format!(
                    "the log was rewritten since the copy was made: entry {}'s hash is not the one the copied head records",
                    copy.seq
                )),
                Some(_) => None,
            }
        };
        Ok(check)
    }

    /// Checks the audit log's hash chain (see [`store::Store::verify_audit`]).
    pub fn verify_audit(&self) -> Result<model::AuditCheck> {
        Ok(self.store.verify_audit()?)
    }

    /// The audit log as CSV (one row per entry; actor, before and after as JSON text)
    /// or as a JSON array, each entry with its chain hash and what it did in words
    /// (`summary`, a reading of the entry that its hash does not cover). Where an entry
    /// holds a full path of the designer's machine ([`shorten_paths`]), the export gives
    /// the name alone and lists what it shortened (`shortened`), since such an entry no
    /// longer matches its hash as exported.
    pub fn export_audit(&self, format: model::AuditFormat) -> Result<String> {
        let mut events = self.store.audit_events()?;
        let shortened: Vec<Vec<String>> = events.iter_mut().map(shorten_paths).collect();
        let hashes = self.store.audit_hashes()?;
        let names = self.names()?;
        let words = |e: &AuditEvent| crate::audit_words::summary(e, &names);
        match format {
            model::AuditFormat::Json => {
                let rows: Vec<Value> = events
                    .iter()
                    .zip(&hashes)
                    .zip(&shortened)
                    .map(|((e, h), short)| {
                        let mut v = serde_json::to_value(e).expect("audit events serialise");
                        v["hash"] = h.clone().into();
                        v["summary"] = words(e).into();
                        if !short.is_empty() {
                            v["shortened"] = short.clone().into();
                        }
                        v
                    })
                    .collect();
                Ok(serde_json::to_string_pretty(&rows).expect("JSON serialises"))
            }
            model::AuditFormat::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record([
                    "seq",
                    "at_ms",
                    "actor",
                    "action",
                    "object",
                    "before",
                    "after",
                    "hash",
                    "shortened",
                    "summary",
                ])?;
                for ((e, h), short) in events.iter().zip(&hashes).zip(&shortened) {
                    w.write_record([
                        e.seq.to_string(),
                        e.at.0.to_string(),
                        serde_json::to_string(&e.actor).expect("actors serialise"),
                        e.action.clone(),
                        e.object.clone(),
                        e.before.to_string(),
                        e.after.to_string(),
                        h.clone(),
                        short.join(" "),
                        words(e),
                    ])?;
                }
                let bytes = w
                    .into_inner()
                    .map_err(|e| csv::Error::from(e.into_error()))?;
                Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
            }
        }
    }

    pub fn audit_log(&self) -> Result<Vec<AuditEvent>> {
        Ok(self.store.audit_events()?)
    }
}

/// How the log names a file or folder of this machine: by its name alone. The log
/// travels — audit exports, bundles, copies merged elsewhere — and where a designer keeps
/// files is not its business; the project keeps a library's full path where re-imports
/// need it, outside the log.
pub(crate) fn named(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The last part of a path this or another machine wrote (`/` or `\` separated).
pub(crate) fn file_name(path: &str) -> &str {
    path.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
}

/// Full paths of the designer's machine that an entry holds, reduced to their last part:
/// those entries written before [`named`] recorded (a library's source, a bundle or export
/// written, a restore, a taxonomy file), and the two the log keeps whole because the
/// project finds the thing by it — the model folder chosen, and the catalog file a column
/// map is for (its object) — as well as those in the entries a merge carried from another
/// copy. Returns where it shortened (`after.source_path`, `object`,
/// `after.carried[2].object`…).
fn shorten_paths(event: &mut AuditEvent) -> Vec<String> {
    const KEYS: [&str; 5] = ["source_path", "file", "folder", "from", "kept"];
    let absolute =
        |s: &str| s.starts_with('/') || s.starts_with('\\') || s.get(1..3) == Some(":\\");
    let last = |s: &str| file_name(s).to_owned();
    let mut out = Vec::new();
    if event.action == AuditAction::CatalogColumnsMapped.as_str() && absolute(&event.object) {
        event.object = last(&event.object);
        out.push("object".to_owned());
    }
    let model_dir = event.object == crate::settings::MODEL_DIR.key();
    for (side, value) in [("before", &mut event.before), ("after", &mut event.after)] {
        match value {
            Value::String(s) if model_dir && absolute(s) => {
                *s = last(s);
                out.push(side.to_owned());
            }
            Value::Object(map) => {
                for key in KEYS {
                    if let Some(Value::String(s)) = map.get_mut(key) {
                        if absolute(s) {
                            *s = last(s);
                            out.push(format!("{side}.{key}"));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if event.action == AuditAction::ProjectMerged.as_str() {
        if let Some(carried) = event.after.get_mut("carried").and_then(Value::as_array_mut) {
            for (i, entry) in carried.iter_mut().enumerate() {
                let Ok(mut inner) = serde_json::from_value::<AuditEvent>(entry.clone()) else {
                    continue;
                };
                let short = shorten_paths(&mut inner);
                if short.is_empty() {
                    continue;
                }
                entry["object"] = inner.object.into();
                entry["before"] = inner.before;
                entry["after"] = inner.after;
                out.extend(short.iter().map(|s| format!("after.carried[{i}].{s}")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;

    use model::{Actor, ErrorKind, TagState, Timestamp};

    use super::AuditAction;
    use crate::Project;

    #[test]
    fn every_action_has_its_own_text_that_reads_back() {
        let mut seen = HashSet::new();
        for &a in AuditAction::ALL {
            assert!(seen.insert(a.as_str()), "{a} is the text of two actions");
            assert_eq!(
                AuditAction::parse(a.as_str()),
                Some(a),
                "{a}'s stored text reads back as itself"
            );
            assert!(
                a.as_str()
                    .split_once('.')
                    .is_some_and(|(family, verb)| !family.is_empty() && !verb.is_empty()),
                "{a} is family.verb, as the log's filters expect"
            );
        }
        assert_eq!(
            AuditAction::parse("skill.renamed"),
            None,
            "a text no action has is not taken for one"
        );
    }

    #[test]
    fn the_log_tab_names_every_kind_of_action() {
        let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/audit.ts");
        let text = std::fs::read_to_string(&ui).unwrap();
        for &a in AuditAction::ALL {
            let (family, _) = a.as_str().split_once('.').unwrap();
            assert!(
                text.contains(&format!("\n  {family}: '")),
                "{}: KIND_LABELS has no words for {family} (of {a}), so the Log tab's filter would show it as stored",
                ui.display()
            );
        }
    }

    #[test]
    fn a_working_session_logs_only_actions_the_engine_knows_each_in_the_edits_transaction() {
        let tmp = tempfile::tempdir().unwrap();
        let me = Actor::System;
        let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
        let library =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
        p.import_library(&library, &me, Timestamp(2)).unwrap();
        p.add_skill(
            "negotiation-basics",
            "Negotiation basics",
            None,
            "",
            &me,
            Timestamp(3),
        )
        .unwrap();
        p.set_auto_accept(Some(0.9), &me, Timestamp(4)).unwrap();
        p.remove_skill("negotiation-basics", &me, Timestamp(5))
            .unwrap();
        let before = p.audit_log().unwrap().len();
        // A refused edit writes nothing: neither its change nor an entry.
        let err = p.set_auto_accept(Some(2.0), &me, Timestamp(6)).unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::BadInput,
            "2.0 is out of range: {err}"
        );
        assert!(
            p.review_queue(Some(TagState::Suggested), None, Some(1.5))
                .is_err_and(|e| e.kind() == ErrorKind::BadInput),
            "a confidence above 1 is out of range"
        );
        let log = p.audit_log().unwrap();
        assert_eq!(log.len(), before, "refusals add no entry");
        let actions: Vec<AuditAction> = log
            .iter()
            .map(|e| {
                AuditAction::parse(&e.action).unwrap_or_else(|| {
                    panic!("entry {} has an unknown action {:?}", e.seq, e.action)
                })
            })
            .collect();
        assert_eq!(
            actions,
            [
                AuditAction::LibraryImported,
                AuditAction::SkillAdded,
                AuditAction::AutoAcceptSet,
                AuditAction::SkillRemoved,
            ],
            "one entry per change, in order"
        );
        assert_eq!(
            p.auto_accept().unwrap(),
            Some(0.9),
            "the refused 2.0 changed nothing"
        );
        assert!(
            p.verify_audit().unwrap().broken.is_none(),
            "the chain verifies"
        );
    }

    #[test]
    fn paths_in_entries_a_merge_carried_are_shortened_too() {
        let carried = serde_json::json!({
            "seq": 4, "at": 1, "actor": { "kind": "system" },
            "action": "catalog.columns_mapped", "object": "/home/sam/exports/courses.csv",
            "before": null, "after": { "id": "Code" }, "hash": "ab"
        });
        let mut merged = model::AuditEvent {
            seq: 9,
            at: Timestamp(2),
            actor: Actor::System,
            action: AuditAction::ProjectMerged.as_str().to_owned(),
            object: "p".to_owned(),
            before: serde_json::Value::Null,
            after: serde_json::json!({ "from": "sam.pathforge", "carried": [{ "seq": 3 }, carried] }),
        };
        assert_eq!(
            super::shorten_paths(&mut merged),
            ["after.carried[1].object"],
            "the other copy's catalog path is theirs' machine's, shortened like ours"
        );
        assert_eq!(
            (
                merged.after["carried"][1]["object"].as_str(),
                merged.after["carried"][1]["hash"].as_str()
            ),
            (Some("courses.csv"), Some("ab")),
            "by name, the rest of the carried entry as it was"
        );
    }

    #[test]
    fn the_log_names_files_without_where_this_machine_keeps_them() {
        let tmp = tempfile::tempdir().unwrap();
        let me = Actor::System;
        let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
        let library = std::fs::canonicalize(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding"),
        )
        .unwrap();
        p.import_library(&library, &me, Timestamp(2)).unwrap();
        p.record_bundle(
            "1.0.0",
            &tmp.path().join("out/sales-1.0.0.pfbundle"),
            &me,
            Timestamp(3),
        )
        .unwrap();
        // An entry as builds before this one wrote it: the full path of the library.
        let old =
            serde_json::json!({ "source_path": library.display().to_string(), "modules": 32 });
        p.commit(
            &me,
            Timestamp(4),
            super::Entry::new(
                AuditAction::LibraryImported,
                "old",
                &serde_json::Value::Null,
                &old,
            ),
            |_| Ok(()),
        )
        .unwrap();

        // The two paths the log keeps whole, as the project finds the thing by them: a
        // catalog's column map, and the model folder.
        let folder = tmp.path().join("catalogs");
        std::fs::create_dir_all(&folder).unwrap();
        let csv = folder.join("courses.csv");
        std::fs::write(&csv, "Code,Course\nC1,Charts\n").unwrap();
        let columns = model::CatalogColumns {
            id: Some("Code".into()),
            title: Some("Course".into()),
            ..Default::default()
        };
        p.map_catalog_columns(&csv, &columns, &me, Timestamp(5))
            .unwrap();
        let model = std::fs::canonicalize(testkit::model_dir()).unwrap();
        p.set_model_dir(Some(&model), &me, Timestamp(6)).unwrap();

        let machine = [
            library.parent().unwrap().display().to_string(),
            tmp.path().display().to_string(),
            model.parent().unwrap().display().to_string(),
        ];
        for format in [model::AuditFormat::Json, model::AuditFormat::Csv] {
            let text = p.export_audit(format).unwrap();
            for place in &machine {
                assert!(
                    !text.contains(place.as_str()),
                    "{format:?}: no folder of this machine ({place}) in the export:\n{text}"
                );
            }
            assert!(
                text.contains("sales-onboarding")
                    && text.contains("sales-1.0.0.pfbundle")
                    && text.contains("courses.csv"),
                "{format:?}: files are still named, by name"
            );
        }
        let json: serde_json::Value =
            serde_json::from_str(&p.export_audit(model::AuditFormat::Json).unwrap()).unwrap();
        let shortened: Vec<&serde_json::Value> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["shortened"])
            .collect();
        assert_eq!(
            shortened,
            [
                &serde_json::Value::Null,
                &serde_json::Value::Null,
                &serde_json::json!(["after.source_path"]),
                &serde_json::json!(["object"]),
                &serde_json::json!(["after"]),
            ],
            "new entries hold no path to shorten but the two the project finds things by; each shortened one says what the export changed (it no longer matches its hash)"
        );
        assert!(
            p.verify_audit().unwrap().broken.is_none(),
            "the log itself is untouched by exporting it"
        );
    }
}
