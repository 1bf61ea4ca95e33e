//! Operations on real project files and real folders.

use super::*;
use std::path::PathBuf;

const ME: Actor = Actor::System;

fn write(dir: &Path, rel: &str, text: &[u8]) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn md(title: &str, minutes: u32) -> String {
    format!("---\ntitle: {title}\nduration_minutes: {minutes}\ntags: [skill-{minutes}]\n---\nBody of {title}.\n")
}

fn titles(p: &Project) -> Vec<String> {
    p.modules().unwrap().into_iter().map(|m| m.title).collect()
}

fn sample_library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding")
}

#[test]
fn import_then_reimport_keeps_the_library_in_step() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    write(&lib, "a.md", md("Alpha", 10).as_bytes());
    write(&lib, "b.md", md("Beta", 20).as_bytes());
    write(&lib, "c.md", md("Gamma", 30).as_bytes());
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();

    let first = p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    assert_eq!(
        (first.added, first.total),
        (3, 3),
        "a first import adds every module"
    );
    let alpha_id = p.modules().unwrap()[0].id.clone();

    write(&lib, "b.md", md("Beta revised", 25).as_bytes());
    std::fs::remove_file(lib.join("c.md")).unwrap();
    write(&lib, "d.md", md("Delta", 40).as_bytes());
    let second = p.import_library(&lib, &ME, Timestamp(3)).unwrap();
    assert_eq!(
        (
            second.added,
            second.updated,
            second.unchanged,
            second.removed,
            second.total
        ),
        (1, 1, 1, 1, 3),
        "one added (d), one updated (b), one unchanged (a), one removed (c)"
    );
    assert_eq!(
        titles(&p),
        ["Alpha", "Beta revised", "Delta"],
        "the project mirrors the folder"
    );
    assert_eq!(
        p.modules().unwrap()[0].id,
        alpha_id,
        "an unchanged module keeps its id"
    );
    assert_eq!(
        p.libraries().unwrap().len(),
        1,
        "re-importing a folder does not duplicate it"
    );

    let log = p.audit_log().unwrap();
    assert_eq!(log.len(), 2, "each import is one audit entry");
    assert_eq!(
        log[1].action, "library.imported",
        "the entry says what happened"
    );
    assert_eq!(log[1].after["removed"], 1, "and records the outcome");
}

#[test]
fn a_bad_file_refuses_the_whole_import_and_keeps_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("p.pathforge");
    let good = tmp.path().join("good");
    write(&good, "a.md", md("Alpha", 10).as_bytes());
    let mut p = Project::create(&path, Timestamp(1)).unwrap();
    p.import_library(&good, &ME, Timestamp(2)).unwrap();

    let cases: [(&str, &[u8], ErrorKind, &str); 3] = [
        (
            "broken.md",
            b"---\ntitle: [oops\n---\n",
            ErrorKind::BadInput,
            "broken front matter",
        ),
        ("latin1.md", b"caf\xe9", ErrorKind::BadInput, "not UTF-8"),
        (
            "unclosed.md",
            b"---\ntitle: x\n",
            ErrorKind::BadInput,
            "never closed",
        ),
    ];
    for (name, bytes, kind, needle) in cases {
        // The bad file sits in the already-imported library, after a changed good file.
        write(&good, "a.md", md("Alpha changed", 11).as_bytes());
        write(&good, name, bytes);
        let err = p.import_library(&good, &ME, Timestamp(3)).unwrap_err();
        assert_eq!(err.kind(), kind, "{name}: {err}");
        let msg = err.to_string();
        assert!(
            msg.contains(name) && msg.contains(needle),
            "{name}: names file and reason: {msg}"
        );
        assert_eq!(
            titles(&p),
            ["Alpha"],
            "{name}: nothing of the refused import landed"
        );
        std::fs::remove_file(good.join(name)).unwrap();
    }
    drop(p);
    let p = Project::open(&path).unwrap();
    assert_eq!(
        titles(&p),
        ["Alpha"],
        "the file on disk still holds the earlier import"
    );
    assert_eq!(
        p.audit_log().unwrap().len(),
        1,
        "refused imports leave no audit entry"
    );
}

#[test]
fn missing_and_unreadable_folders_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    let err = p
        .import_library(&tmp.path().join("nowhere"), &ME, Timestamp(2))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string().contains("nowhere"),
        "the folder is named: {err}"
    );
}

#[test]
fn the_sample_library_imports_completely() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    let report = p
        .import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    assert!(
        report.total >= 30,
        "the sample library has at least 30 modules: {}",
        report.total
    );
    let modules = p.modules().unwrap();
    for m in &modules {
        assert!(
            !m.tags.is_empty(),
            "{}: every sample module declares skills",
            m.source_path
        );
        assert!(
            m.level.is_some(),
            "{}: every sample module declares a level",
            m.source_path
        );
        assert!(
            m.word_count >= 150,
            "{}: sample modules carry real text",
            m.source_path
        );
    }
    let again = p
        .import_library(&sample_library(), &ME, Timestamp(3))
        .unwrap();
    assert_eq!(
        again.unchanged, report.total,
        "re-importing unchanged content changes nothing"
    );
}
