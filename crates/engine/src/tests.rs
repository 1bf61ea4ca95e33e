//! Operations on real project files and real folders.

use super::*;
use model::{ModuleId, Severity, SkillId, TagSource, TagState, TaxonomyFormat};
use std::collections::HashMap;
use std::path::PathBuf;

use model::{EdgeOrigin, PrerequisiteGroup};

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
fn a_mixed_library_rewrites_only_what_changed_and_keeps_a_broken_package() {
    const SCORM: &str = r#"<manifest identifier="m" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><metadata><schemaversion>1.2</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>
        <item identifier="i1" identifierref="r1"><title>One</title></item>
        <item identifier="i2" identifierref="r2"><title>Two</title><adlcp:prerequisites type="aicc_script">i1</adlcp:prerequisites></item>
        </organization></organizations>
        <resources><resource identifier="r1" href="one.html"/><resource identifier="r2" href="two.html"/></resources></manifest>"#;
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    write(&lib, "a.md", md("Alpha", 10).as_bytes());
    write(
        &lib,
        "guide.pdf",
        &testkit::pdf("Guide", &["A guide in a PDF."]),
    );
    write(&lib, "pkg/imsmanifest.xml", SCORM.as_bytes());
    write(&lib, "pkg/one.html", b"<p>Page one</p>");
    write(&lib, "pkg/two.html", b"<p>Page two</p>");
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    let first = p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    assert_eq!(
        (first.added, first.prerequisites),
        (4, 1),
        "documents, package items and the package's prerequisite"
    );
    assert_eq!(
        titles(&p),
        ["Alpha", "Guide", "One", "Two"],
        "one library of a Markdown file, a PDF and an unpacked SCORM package"
    );
    let edges = p.prerequisites().unwrap();
    assert_eq!(
        (edges[0].before.clone(), edges[0].after.clone()),
        (id(&p, "pkg/i1"), id(&p, "pkg/i2")),
        "the package's own prerequisite joins the graph"
    );

    let again = p.import_library(&lib, &ME, Timestamp(3)).unwrap();
    assert_eq!(
        (again.unchanged, again.updated, again.added),
        (4, 0, 0),
        "the same files hash the same: nothing is rewritten"
    );

    write(&lib, "pkg/two.html", b"<p>Page two, revised</p>");
    let changed = p.import_library(&lib, &ME, Timestamp(4)).unwrap();
    assert_eq!(
        (changed.unchanged, changed.updated),
        (3, 1),
        "one page changed"
    );

    write(&lib, "pkg/imsmanifest.xml", b"<manifest");
    let broken = p.import_library(&lib, &ME, Timestamp(5)).unwrap();
    assert_eq!(broken.skipped.len(), 1, "the package is set aside");
    assert_eq!(broken.skipped[0].path, "pkg", "named by its folder");
    assert_eq!(
        broken.removed, 0,
        "its modules are not retired for a broken manifest"
    );
    assert_eq!(titles(&p).len(), 4, "and stay in the project as they were");

    let entries = p.audit_log().unwrap().len();
    let mut calls = 0;
    let err = p
        .import_library_with(&lib, &ME, Timestamp(6), &mut |_, _| {
            calls += 1;
            calls < 2
        })
        .expect_err("cancelled");
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    assert_eq!(
        p.audit_log().unwrap().len(),
        entries,
        "a cancelled import writes nothing"
    );
}

#[test]
fn a_catalog_with_unknown_columns_imports_once_they_are_mapped() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    let csv = lib.join("exports/courses.csv");
    write(&lib, "intro.md", md("Intro", 10).as_bytes());
    write(
        &lib,
        "exports/courses.csv",
        b"Code,Course,Needs\nC1,Charts,\nC2,Dashboards,C1\n",
    );
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();

    let first = p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    assert_eq!(
        first.skipped.len(),
        1,
        "the catalog cannot be read unmapped"
    );
    assert_eq!(first.skipped[0].path, "exports/courses.csv");
    assert!(
        !p.catalog_preview(&csv).unwrap().ready,
        "its id and title are not recognised"
    );

    let bad = model::CatalogColumns {
        id: Some("Code".into()),
        ..Default::default()
    };
    let err = p
        .map_catalog_columns(&csv, &bad, &ME, Timestamp(3))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::BadInput,
        "a mapping without a title is refused: {err}"
    );

    let columns = model::CatalogColumns {
        id: Some("Code".into()),
        title: Some("Course".into()),
        prerequisites: Some("Needs".into()),
        ..Default::default()
    };
    let preview = p
        .map_catalog_columns(&csv, &columns, &ME, Timestamp(4))
        .unwrap();
    assert!(preview.ready);
    assert_eq!(
        p.audit_log().unwrap().last().unwrap().action,
        "catalog.columns_mapped",
        "the mapping is a logged decision"
    );
    let second = p.import_library(&lib, &ME, Timestamp(5)).unwrap();
    assert!(second.skipped.is_empty(), "{:?}", second.skipped);
    assert_eq!(
        second.added, 2,
        "the folder's catalog now imports with the saved mapping"
    );
    assert_eq!(
        second.prerequisites, 1,
        "its mapped prerequisites column too"
    );
    assert_eq!(
        p.catalog_preview(&csv).unwrap().columns,
        columns,
        "the saved mapping is what a preview shows next time"
    );
    let alone = p.import_library(&csv, &ME, Timestamp(6)).unwrap();
    assert_eq!(alone.total, 2, "and the same file imported on its own");
}

#[test]
fn a_reimport_keeps_the_taxonomy_as_edited_in_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    write(&lib, "a.md", b"---\ntags: [pricing]\n---\n# Alpha\n");
    write(
        &lib,
        "pathforge.toml",
        b"[[skill]]\nslug = \"pricing\"\nname = \"Pricing\"\ndescription = \"As declared.\"\n",
    );
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    p.edit_skill(
        "pricing",
        SkillEdit {
            name: Some("Pricing and packaging".into()),
            ..SkillEdit::default()
        },
        &ME,
        Timestamp(3),
    )
    .unwrap();
    // A saved module re-imports the library (the watcher does this); the manifest also
    // gained a skill.
    write(
        &lib,
        "a.md",
        b"---\ntags: [pricing]\n---\n# Alpha, revised\n",
    );
    write(
        &lib,
        "pathforge.toml",
        b"[[skill]]\nslug = \"pricing\"\nname = \"Pricing\"\ndescription = \"As declared.\"\n\
          [[skill]]\nslug = \"discounts\"\nname = \"Discounts\"\nparent = \"pricing\"\n",
    );
    p.import_library(&lib, &ME, Timestamp(4)).unwrap();
    let skills = p.skills().unwrap();
    let name = |slug: &str| {
        skills
            .iter()
            .find(|s| s.slug == slug)
            .map(|s| s.name.clone())
    };
    assert_eq!(
        name("pricing").as_deref(),
        Some("Pricing and packaging"),
        "the rename made in the project survives the re-import"
    );
    assert_eq!(
        name("discounts").as_deref(),
        Some("Discounts"),
        "a new skill is added"
    );
}

#[test]
fn watched_changes_reimport_their_library_and_ignore_the_project_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = std::fs::canonicalize(tmp.path()).unwrap().join("lib");
    write(&lib, "a.md", md("Alpha", 10).as_bytes());
    // A project saved inside its own library: its writes must not look like edits.
    let file = lib.join("course.pathforge");
    let mut p = Project::create(&file, Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let check = |p: &mut Project, paths: &[PathBuf], expected: usize, why: &str| {
        let done = p.reimport_changed(paths, &ME, Timestamp(3)).unwrap();
        assert_eq!(done.len(), expected, "{why}");
        done
    };
    check(
        &mut p,
        &[
            file.clone(),
            lib.join("course.pathforge-wal"),
            lib.join(".a.md.swp"),
        ],
        0,
        "the project's own files and hidden files are not library edits",
    );
    check(
        &mut p,
        &[tmp.path().join("elsewhere.md")],
        0,
        "a path outside every library",
    );
    write(&lib, "a.md", md("Alpha revised", 10).as_bytes());
    let done = check(
        &mut p,
        &[lib.join("a.md")],
        1,
        "an edited module re-imports its library",
    );
    let report = done[0].1.as_ref().unwrap();
    assert_eq!(report.updated, 1, "and the change lands");
    assert_eq!(titles(&p), ["Alpha revised"]);
}

#[test]
fn bad_files_are_skipped_and_named_and_the_rest_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("p.pathforge");
    let lib = tmp.path().join("lib");
    write(&lib, "a.md", md("Alpha", 10).as_bytes());
    write(&lib, "b.md", md("Beta", 20).as_bytes());
    let mut p = Project::create(&path, Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();

    let cases: [(&str, &[u8], &str); 4] = [
        (
            "broken.md",
            b"---\ntitle: [oops\n---\n",
            "broken front matter",
        ),
        ("latin1.md", b"caf\xe9", "not UTF-8"),
        ("unclosed.md", b"---\ntitle: x\n", "never closed"),
        // A module imported before whose file breaks: it is kept as it was.
        ("b.md", b"---\nlevel: guru\n---\n", "\"guru\""),
    ];
    for (name, bytes, needle) in cases {
        write(&lib, "a.md", md("Alpha changed", 11).as_bytes());
        write(&lib, name, bytes);
        let report = p.import_library(&lib, &ME, Timestamp(3)).unwrap();
        assert_eq!(report.skipped.len(), 1, "{name}: one file is set aside");
        let skipped = &report.skipped[0];
        assert_eq!(skipped.path, name, "{name}: it is named");
        assert_eq!(skipped.kind, ErrorKind::BadInput, "{name}");
        assert!(
            skipped.reason.contains(needle),
            "{name}: the reason says why: {}",
            skipped.reason
        );
        let titles = titles(&p);
        assert!(
            titles.contains(&"Alpha changed".to_owned()),
            "{name}: the good file was still imported"
        );
        assert!(
            titles.contains(&"Beta".to_owned()),
            "{name}: an earlier module is never lost to a broken file"
        );
        if name != "b.md" {
            std::fs::remove_file(lib.join(name)).unwrap();
        }
    }
    drop(p);
    let p = Project::open(&path).unwrap();
    assert_eq!(
        p.modules().unwrap().len(),
        2,
        "the file on disk holds both modules"
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
fn each_sample_library_imports_clean_in_all_its_formats() {
    let check = |name: &str, modules: usize, formats: &[&str], tracks: usize| {
        let tmp = tempfile::tempdir().unwrap();
        let dir = sample_library().with_file_name(name);
        let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
        let report = p.import_library(&dir, &ME, Timestamp(2)).unwrap();
        assert!(
            report.skipped.is_empty(),
            "{name}: every file reads: {:?}",
            report.skipped
        );
        assert_eq!(report.total as usize, modules, "{name}: module count");
        let all = p.modules().unwrap();
        for format in formats {
            assert!(
                all.iter().any(|m| {
                    let full = p.module(&m.id).unwrap();
                    full.extra
                        .get("document")
                        .or(full.extra.get("package"))
                        .and_then(|v| v.as_str())
                        == Some(*format)
                        || (*format == "md" && m.source_path.ends_with(".md"))
                        || (*format == "csv" && m.source_path.starts_with("catalog.csv/"))
                }),
                "{name}: holds {format} modules"
            );
        }
        for m in &all {
            let full = p.module(&m.id).unwrap();
            // A web link or a quiz is its title (and URL); everything else has a text.
            let text =
                !full.extra.contains_key("web_link") && !full.extra.contains_key("assessment");
            assert!(
                !text || m.word_count >= 15,
                "{name}: {} carries real text",
                m.source_path
            );
        }
        let errors: Vec<_> = p
            .check_graph()
            .unwrap()
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(
            errors.is_empty(),
            "{name}: the graph lints clean: {errors:?}"
        );
        let rule_errors: Vec<_> = p
            .check_rules()
            .unwrap()
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(
            rule_errors.is_empty(),
            "{name}: the rules check clean: {rule_errors:?}"
        );
        let declared = p.tracks().unwrap();
        assert_eq!(declared.len(), tracks, "{name}: tracks");
        for t in declared {
            let path = p.track_path(&t).unwrap();
            assert!(
                !path.steps.is_empty(),
                "{name}: track {} has a path",
                t.slug
            );
        }
        let again = p.import_library(&dir, &ME, Timestamp(3)).unwrap();
        assert_eq!(
            again.unchanged as usize, modules,
            "{name}: a re-import changes nothing"
        );
    };
    check("sales-onboarding", 32, &["md"], 3);
    check("nurse-onboarding", 16, &["html", "pdf", "scorm2004"], 2);
    check("data-literacy", 17, &["csv", "imscc"], 0);
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

fn toml_requires(module: &str, after: &[&str]) -> String {
    let after: Vec<String> = after.iter().map(|a| format!("{a:?}")).collect();
    format!(
        "[[requires]]\nmodule = {module:?}\nafter = [{}]\n\n",
        after.join(", ")
    )
}

/// A library a.md → b.md → c.md declared in its manifest, imported into a new project.
fn chain_project(tmp: &Path) -> (Project, PathBuf) {
    let lib = tmp.join("chain");
    for (name, minutes) in [("a", 10), ("b", 20), ("c", 30)] {
        write(
            &lib,
            &format!("{name}.md"),
            md(&name.to_uppercase(), minutes).as_bytes(),
        );
    }
    let manifest = toml_requires("b.md", &["a.md"]) + &toml_requires("c.md", &["b.md"]);
    write(&lib, "pathforge.toml", manifest.as_bytes());
    let mut p = Project::create(&tmp.join("p.pathforge"), Timestamp(1)).unwrap();
    let report = p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    assert_eq!(
        report.prerequisites, 2,
        "the manifest's two edges are declared"
    );
    (p, lib)
}

fn id(p: &Project, reference: &str) -> ModuleId {
    p.resolve_module(reference).unwrap().id
}

#[test]
fn edits_that_close_a_cycle_are_refused_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _) = chain_project(tmp.path());
    let (a, c) = (id(&p, "a.md"), id(&p, "C"));
    let log_before = p.audit_log().unwrap().len();

    let err = p
        .add_prerequisite(&c, &a, None, &ME, Timestamp(3))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert_eq!(
        err.to_string(),
        "refused: “C” → “A” would close the prerequisite cycle “C” → “A” → “B” → “C”",
        "the refusal names the cycle in order, by title"
    );
    let err = p
        .add_prerequisite(&a, &a, None, &ME, Timestamp(3))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Conflict,
        "a module cannot require itself: {err}"
    );
    assert_eq!(
        p.prerequisites().unwrap().len(),
        2,
        "refused edits write no edge"
    );
    assert_eq!(
        p.audit_log().unwrap().len(),
        log_before,
        "and no audit entry"
    );

    assert!(
        p.add_prerequisite(&a, &c, None, &ME, Timestamp(4)).unwrap(),
        "a → c is acyclic"
    );
    let findings = p.check_graph().unwrap();
    assert_eq!(
        findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        [model::FindingCode::RedundantEdge],
        "the new edge is accepted but flagged as implied by a → b → c"
    );
    p.remove_prerequisite(&a, &c, &ME, Timestamp(5)).unwrap();
    assert!(
        p.check_graph().unwrap().is_empty(),
        "removing it clears the finding"
    );
    let actions: Vec<String> = p
        .audit_log()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions[log_before..],
        ["prerequisite.added", "prerequisite.removed"],
        "both edits are on record"
    );
    let err = p
        .remove_prerequisite(&a, &c, &ME, Timestamp(6))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownId,
        "removing a missing edge says so: {err}"
    );
}

#[test]
fn reimport_replaces_declared_edges_and_keeps_personal_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = chain_project(tmp.path());
    write(&lib, "d.md", md("D", 40).as_bytes());
    p.import_library(&lib, &ME, Timestamp(3)).unwrap();
    let (a, d) = (id(&p, "a.md"), id(&p, "d.md"));
    p.add_prerequisite(&a, &d, Some(PrerequisiteGroup::AllOf), &ME, Timestamp(4))
        .unwrap();

    // The manifest changes: c now follows a directly; b → c is dropped.
    let manifest = toml_requires("b.md", &["a.md"]) + &toml_requires("c.md", &["a.md"]);
    write(&lib, "pathforge.toml", manifest.as_bytes());
    p.import_library(&lib, &ME, Timestamp(5)).unwrap();
    let mut edges: Vec<(String, String, EdgeOrigin)> = p
        .prerequisites()
        .unwrap()
        .into_iter()
        .map(|e| {
            let title = |id: &ModuleId| p.module(id).unwrap().title;
            (title(&e.before), title(&e.after), e.origin)
        })
        .collect();
    edges.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    assert_eq!(
        edges,
        [
            ("A".into(), "B".into(), EdgeOrigin::Manifest),
            ("A".into(), "C".into(), EdgeOrigin::Manifest),
            ("A".into(), "D".into(), EdgeOrigin::Person),
        ],
        "declared edges follow the manifest; the edge a person added survives"
    );
}

#[test]
fn imported_cycles_load_and_are_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("loop");
    write(&lib, "a.md", md("A", 10).as_bytes());
    write(&lib, "b.md", md("B", 10).as_bytes());
    let manifest = toml_requires("b.md", &["a.md"]) + &toml_requires("a.md", &["b.md"]);
    write(&lib, "pathforge.toml", manifest.as_bytes());
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2))
        .expect("a cycle in the data does not block loading");
    let findings = p.check_graph().unwrap();
    let cycle = findings
        .iter()
        .find(|f| f.code == model::FindingCode::Cycle)
        .expect("flagged");
    assert!(
        cycle.message.contains("“A” → “B” → “A”"),
        "the cycle is named: {}",
        cycle.message
    );
}

#[test]
fn a_bad_manifest_refuses_the_import() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = chain_project(tmp.path());
    write(
        &lib,
        "pathforge.toml",
        toml_requires("c.md", &["gone.md"]).as_bytes(),
    );
    let err = p.import_library(&lib, &ME, Timestamp(3)).unwrap_err();
    assert!(
        err.to_string().contains("pathforge.toml") && err.to_string().contains("gone.md"),
        "{err}"
    );
    assert_eq!(
        p.prerequisites().unwrap().len(),
        2,
        "the earlier edges are untouched"
    );
}

#[test]
fn modules_resolve_by_id_path_or_title() {
    let tmp = tempfile::tempdir().unwrap();
    let (p, _) = chain_project(tmp.path());
    let a = p.resolve_module("a.md").unwrap();
    assert_eq!(p.resolve_module("A").unwrap().id, a.id, "by exact title");
    assert_eq!(p.resolve_module(a.id.as_str()).unwrap().id, a.id, "by id");
    let err = p.resolve_module("Z").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownId, "{err}");
}

#[test]
fn the_sample_library_declares_a_runnable_curriculum() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    let report = p
        .import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    assert!(
        report.prerequisites >= 31,
        "every module but the first has prerequisites: {}",
        report.prerequisites
    );
    let findings = p.check_graph().unwrap();
    assert!(
        findings.is_empty(),
        "the sample curriculum is lint-clean: {findings:#?}"
    );
}

#[test]
fn sample_tracks_have_valid_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let skills = p.skills().unwrap();
    assert!(
        skills.len() >= 15,
        "the sample declares its taxonomy: {}",
        skills.len()
    );
    assert!(skills[0].parent_id.is_none(), "the root comes first");
    let tracks = p.tracks().unwrap();
    assert!(tracks.len() >= 2, "the sample has at least two tracks");
    let edges = p.prerequisites().unwrap();
    let mut sizes = Vec::new();
    for track in &tracks {
        let path = p.track_path(track).unwrap();
        assert!(!path.steps.is_empty(), "{}: has a path", track.name);
        assert!(
            path.untaught_targets.is_empty(),
            "{}: every target is taught",
            track.name
        );
        let at: HashMap<&ModuleId, usize> = path
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (&s.module.id, i))
            .collect();
        for e in &edges {
            if let (Some(b), Some(a)) = (at.get(&e.before), at.get(&e.after)) {
                assert!(b < a, "{}: prerequisites come first", track.name);
            }
        }
        let total: u32 = path.steps.iter().map(|s| s.module.duration_minutes).sum();
        assert_eq!(
            path.total_minutes, total,
            "{}: the total is the sum",
            track.name
        );
        assert!(
            path.critical_path_minutes <= total && path.critical_path_minutes > 0,
            "{}: the critical path is part of the whole",
            track.name
        );
        sizes.push((track.slug.clone(), path.steps.len()));
    }
    sizes.sort_by_key(|(_, n)| *n);
    assert_eq!(
        sizes.last().unwrap().0,
        "enterprise-certification",
        "the certification track, aimed at the root skill, is the longest: {sizes:?}"
    );
}

#[test]
fn track_paths_are_refused_on_a_cyclic_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("loop");
    write(&lib, "a.md", md("A", 10).as_bytes());
    write(&lib, "b.md", md("B", 10).as_bytes());
    let manifest = toml_requires("b.md", &["a.md"])
        + &toml_requires("a.md", &["b.md"])
        + "[[track]]\nslug = \"t\"\nname = \"T\"\ntargets = [{ skill = \"skill-10\" }]\n";
    write(&lib, "pathforge.toml", manifest.as_bytes());
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let track = p.resolve_track("t").unwrap();
    let err = p.track_path(&track).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("“A” → “B” → “A”"),
        "the blocking cycle is named: {err}"
    );
}

#[test]
fn taxonomy_edits_are_checked_and_logged() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let slug_of_parent = |p: &Project, slug: &str| {
        let skills = p.skills().unwrap();
        let s = skills.iter().find(|s| s.slug == slug).unwrap();
        s.parent_id
            .as_ref()
            .map(|id| skills.iter().find(|k| &k.id == id).unwrap().slug.clone())
    };

    p.add_skill(
        "coaching",
        "Coaching",
        Some("selling"),
        "Helping peers improve.",
        &ME,
        Timestamp(3),
    )
    .unwrap();
    let err = p.remove_skill("selling", &ME, Timestamp(3)).unwrap_err();
    assert!(
        err.to_string().contains("in use"),
        "a skill with tags and sub-skills is retired or merged, never removed: {err}"
    );
    p.add_skill("scratch", "Scratch", None, "", &ME, Timestamp(3))
        .unwrap();
    p.remove_skill("scratch", &ME, Timestamp(3)).unwrap();
    assert!(
        p.skills().unwrap().iter().all(|s| s.slug != "scratch"),
        "a skill nothing uses can be removed (the undo of adding it)"
    );
    let err = p
        .add_skill("coaching", "Again", None, "", &ME, Timestamp(3))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "slugs are unique: {err}");
    assert!(
        p.check_graph()
            .unwrap()
            .iter()
            .any(|f| f.code == model::FindingCode::UntaughtSkill),
        "a new leaf nothing teaches is flagged"
    );
    p.edit_skill(
        "coaching",
        SkillEdit {
            retired: Some(true),
            ..Default::default()
        },
        &ME,
        Timestamp(4),
    )
    .unwrap();
    assert!(
        p.check_graph().unwrap().is_empty(),
        "retired skills are out of the checks"
    );

    let edit = SkillEdit {
        parent: Some(Some("negotiation".into())),
        ..Default::default()
    };
    let err = p
        .edit_skill("deal-progression", edit, &ME, Timestamp(5))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("its own ancestor"),
        "the loop is refused and explained: {err}"
    );
    let edit = SkillEdit {
        name: Some("Deal negotiation".into()),
        parent: Some(Some("discovery".into())),
        ..Default::default()
    };
    p.edit_skill("negotiation", edit, &ME, Timestamp(6))
        .unwrap();
    assert_eq!(
        slug_of_parent(&p, "negotiation").as_deref(),
        Some("discovery"),
        "moved"
    );

    // Merge closing into negotiation: tags, track targets and future imports follow.
    let teaching = |p: &Project, slug: &str| {
        p.modules()
            .unwrap()
            .iter()
            .filter(|m| m.tags.iter().any(|t| t == slug))
            .count()
    };
    let either = p
        .modules()
        .unwrap()
        .iter()
        .filter(|m| m.tags.iter().any(|t| t == "negotiation" || t == "closing"))
        .count();
    let state = |p: &Project| {
        let mut uses = p.skill_uses().unwrap();
        uses.sort_by(|a, b| a.skill.cmp(&b.skill));
        let mut prereqs = p.skill_prerequisites().unwrap();
        prereqs.sort_by(|a, b| (&a.before, &a.after).cmp(&(&b.before, &b.after)));
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}",
            p.skills().unwrap(),
            uses,
            prereqs,
            p.tracks().unwrap()
        )
    };
    let untouched = state(&p);
    let preview = p.merge_preview("closing", "negotiation").unwrap();
    assert_eq!(state(&p), untouched, "a preview changes nothing");
    let merge = p
        .merge_skill("closing", "negotiation", &ME, Timestamp(7))
        .unwrap();
    assert!(merge.tags > 0, "tags moved");
    assert_eq!(
        (
            preview.tags,
            preview.children.len() as u32,
            preview.tracks.len() as u32
        ),
        (merge.tags, merge.children, merge.tracks),
        "the preview announced exactly what the merge moved: {preview:?}"
    );
    assert_ne!(state(&p), untouched, "the merge changed the taxonomy");
    p.unmerge_skill(merge.audit, &ME, Timestamp(7)).unwrap();
    assert_eq!(
        state(&p),
        untouched,
        "undoing the merge puts back the skill, its tags, prerequisites and track targets"
    );
    let err = p.unmerge_skill(merge.audit, &ME, Timestamp(7)).unwrap_err();
    assert!(
        err.to_string().contains("already undone"),
        "a merge is undone once: {err}"
    );
    let merge = p
        .merge_skill("closing", "negotiation", &ME, Timestamp(7))
        .unwrap();
    assert!(merge.tags > 0, "the merge can be redone");
    assert_eq!(
        teaching(&p, "closing"),
        0,
        "nothing is tagged with the merged skill"
    );
    assert_eq!(
        teaching(&p, "negotiation"),
        either,
        "every module that taught either now teaches the survivor"
    );
    p.import_library(&sample_library(), &ME, Timestamp(8))
        .unwrap();
    assert!(
        p.skills().unwrap().iter().all(|s| s.slug != "closing"),
        "re-importing content tagged `closing` does not bring the skill back"
    );
    assert_eq!(teaching(&p, "closing"), 0, "its tags land on the survivor");
    let actions: Vec<String> = p
        .audit_log()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "skill.added",
        "skill.edited",
        "skill.merged",
        "skill.unmerged",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} is in the audit log"
        );
    }
    let err = p
        .merge_skill("selling", "negotiation", &ME, Timestamp(9))
        .unwrap_err();
    assert!(
        err.to_string().contains("lies under"),
        "merging a skill into its own descendant is refused: {err}"
    );
}

/// A library of modules `name:tags` in order, with `requires` module edges and a manifest
/// declaring skills with their skill prerequisites (`slug>slug`).
fn skill_project(
    tmp: &Path,
    modules: &[(&str, &str)],
    edges: &[(&str, &str)],
    skills: &[&str],
    skill_edges: &[(&str, &str)],
) -> Project {
    let lib = tmp.join("skills-lib");
    for (name, tags) in modules {
        let text = format!("---\ntitle: {name}\ntags: [{tags}]\n---\n{name} body text.\n");
        write(&lib, &format!("{name}.md"), text.as_bytes());
    }
    let mut manifest = String::new();
    for (before, after) in edges {
        manifest += &toml_requires(&format!("{after}.md"), &[&format!("{before}.md")]);
    }
    for slug in skills {
        let requires: Vec<String> = skill_edges
            .iter()
            .filter(|(_, a)| a == slug)
            .map(|(b, _)| format!("{b:?}"))
            .collect();
        manifest += &format!(
            "[[skill]]\nslug = {slug:?}\nname = {:?}\nrequires = [{}]\n\n",
            slug.to_uppercase(),
            requires.join(", ")
        );
    }
    write(&lib, "pathforge.toml", manifest.as_bytes());
    let mut p = Project::create(&tmp.join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    p
}

#[test]
fn skill_prerequisites_are_checked_against_the_modules() {
    let codes = |p: &Project| -> Vec<model::FindingCode> {
        p.check_graph()
            .unwrap()
            .into_iter()
            .map(|f| f.code)
            .collect()
    };
    let tmp = tempfile::tempdir().unwrap();
    // m2 teaches y, y requires x, but x is taught only by m3, which comes after m2.
    let p = skill_project(
        tmp.path(),
        &[("m1", "w"), ("m2", "y"), ("m3", "x")],
        &[("m1", "m2"), ("m2", "m3")],
        &["w", "x", "y"],
        &[("x", "y")],
    );
    assert_eq!(
        codes(&p),
        [model::FindingCode::SkillOrderViolated],
        "m2 needs x before anything teaches it"
    );

    let tmp = tempfile::tempdir().unwrap();
    let p = skill_project(tmp.path(), &[("m1", "y")], &[], &["x", "y"], &[("x", "y")]);
    let findings = p.check_graph().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f.code == model::FindingCode::RequiresUntaughtSkill
                && f.message.contains("no module teaches “X”")),
        "a required skill nothing teaches is named: {findings:#?}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let mut p = skill_project(
        tmp.path(),
        &[("m1", "x"), ("m2", "y"), ("m3", "z")],
        &[],
        &["x", "y", "z"],
        &[("x", "y"), ("y", "z")],
    );
    let err = p
        .add_skill_prerequisite("z", "x", &ME, Timestamp(3))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("“Z” → “X” → “Y” → “Z”"),
        "the skill cycle is named in order: {err}"
    );
    let derived = p.derived_edges().unwrap();
    let pairs: Vec<(String, String)> = derived
        .iter()
        .map(|d| {
            (
                p.module(&d.before).unwrap().title,
                p.module(&d.after).unwrap().title,
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("m1".to_owned(), "m2".to_owned()),
            ("m2".to_owned(), "m3".to_owned())
        ],
        "each skill order implies a module order"
    );
    assert!(
        derived[0]
            .because
            .contains("“m2” teaches “Y”, which requires “X”, which “m1” teaches"),
        "{}",
        derived[0].because
    );
    p.remove_skill_prerequisite("x", "y", &ME, Timestamp(4))
        .unwrap();
    assert_eq!(
        p.derived_edges().unwrap().len(),
        1,
        "removing the skill prerequisite removes what it implied"
    );
}

#[test]
fn sample_rules_cover_every_kind_check_clean_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let set = p.rules().unwrap();
    let kinds: std::collections::BTreeSet<&str> = set.rules.iter().map(|r| r.body.kind()).collect();
    assert_eq!(
        kinds.len(),
        7,
        "the sample library uses all seven rule kinds: {kinds:?}"
    );
    assert!(
        set.rules.iter().any(|r| r.origin == rules::Origin::Graph),
        "unlock rules are derived from the prerequisite graph"
    );
    let findings = p.check_rules().unwrap();
    assert!(
        findings.is_empty(),
        "the sample rules are consistent: {findings:#?}"
    );

    let text = std::fs::read_to_string(sample_library().join("events.jsonl")).unwrap();
    let events: Vec<rules::Event> = text
        .lines()
        .filter(|l| !l.contains("\"verb\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let decisions = p.run_rules(&events).unwrap();
    let find = |learner: &str, rule: &str| {
        decisions
            .iter()
            .find(|d| d.learner == learner && d.rule == rule)
            .unwrap_or_else(|| panic!("{learner}/{rule}: {decisions:#?}"))
    };
    assert_eq!(
        find("ana", "assign-enterprise-ae").target,
        "enterprise-certification",
        "assignment by role"
    );
    let remedy = find("ana", "remediate-discovery");
    assert_eq!(remedy.day, 12, "remediation on the day of the low score");
    assert!(
        remedy.explanation.contains("scored 62%"),
        "explained: {}",
        remedy.explanation
    );
    assert_eq!(
        find("ben", "reengage-idle-learners").target,
        "learner",
        "idle learners are nudged first"
    );

    // A broken rule is found, and the project's rules stay readable.
    let lib = tmp.path().join("broken-rules");
    write(&lib, "a.md", md("A", 10).as_bytes());
    let rule = "[[rule]]\nid = \"r\"\nkind = \"remediation\"\nexplanation = \"x\"\nassessment = \"a.md\"\nbelow = 140\nassign = [\"zz.md\"]\nretake_after_days = 1\n";
    write(&lib, "pathforge.toml", rule.as_bytes());
    p.import_library(&lib, &ME, Timestamp(3)).unwrap();
    let codes: Vec<model::FindingCode> = p
        .check_rules()
        .unwrap()
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert_eq!(
        codes,
        [
            model::FindingCode::MissingReference,
            model::FindingCode::ThresholdOutOfRange
        ],
        "a missing module and a 140% threshold"
    );
}

#[test]
fn bundles_refuse_projects_with_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("loop");
    write(&lib, "a.md", md("A", 10).as_bytes());
    write(&lib, "b.md", md("B", 10).as_bytes());
    let manifest = toml_requires("b.md", &["a.md"]) + &toml_requires("a.md", &["b.md"]);
    write(&lib, "pathforge.toml", manifest.as_bytes());
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let err = p.bundle_files().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("errors to fix before it can ship"),
        "{err}"
    );
    assert!(
        err.to_string().contains("“A” → “B” → “A”"),
        "the first error is quoted: {err}"
    );
}

#[test]
fn rules_are_edited_checked_and_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let mut rule = p
        .rules()
        .unwrap()
        .rules
        .into_iter()
        .find(|r| r.id == "remediate-discovery")
        .unwrap();
    if let rules::RuleBody::Remediation { below, .. } = &mut rule.body {
        *below = 120.0;
    }
    let findings = p.save_rule(rule.clone(), &ME, Timestamp(3)).unwrap();
    assert_eq!(
        findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        [model::FindingCode::ThresholdOutOfRange],
        "saving returns the checker's verdict on the new rule set"
    );
    let findings = p
        .delete_rule("remediate-discovery", &ME, Timestamp(4))
        .unwrap();
    assert!(findings.is_empty(), "deleting the broken rule clears it");
    let derived = p
        .rules()
        .unwrap()
        .rules
        .into_iter()
        .find(|r| r.origin == rules::Origin::Graph)
        .unwrap();
    let err = p.delete_rule(&derived.id, &ME, Timestamp(5)).unwrap_err();
    assert!(
        err.to_string().contains("change the prerequisites instead"),
        "graph rules are edited through the graph: {err}"
    );
    let actions: Vec<String> = p
        .audit_log()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"rule.saved".to_owned()) && actions.contains(&"rule.deleted".to_owned()),
        "both are logged"
    );

    let ae = rules::Attributes {
        role: Some("ae".into()),
        ..Default::default()
    };
    let decisions = p
        .why(
            &ae,
            &[("modules/01-product-basics-pre-assessment.md".into(), 90.0)],
        )
        .unwrap();
    let summary: Vec<(rules::DecisionKind, &str)> = decisions
        .iter()
        .map(|d| (d.kind, d.target.as_str()))
        .take(2)
        .collect();
    assert_eq!(
        summary,
        [
            (rules::DecisionKind::Assign, "account-executive"),
            (
                rules::DecisionKind::Skip,
                "modules/02-northwind-platform-overview.md"
            )
        ],
        "an AE scoring 90% is assigned the AE track and skips the basics"
    );
}

#[test]
fn removed_files_retire_their_modules_and_returning_files_restore_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = chain_project(tmp.path());
    let (a, c) = (id(&p, "a.md"), id(&p, "c.md"));
    p.add_prerequisite(&a, &c, None, &ME, Timestamp(3)).unwrap();
    let saved = std::fs::read(lib.join("c.md")).unwrap();
    std::fs::remove_file(lib.join("c.md")).unwrap();
    write(
        &lib,
        "pathforge.toml",
        toml_requires("b.md", &["a.md"]).as_bytes(),
    );
    let report = p.import_library(&lib, &ME, Timestamp(4)).unwrap();
    assert_eq!(report.removed, 1, "the missing file's module is retired");
    assert_eq!(titles(&p), ["A", "B"], "retired modules leave the lists");
    let findings = p.check_graph().unwrap();
    assert!(
        findings
            .iter()
            .all(|f| !f.objects.contains(&c.0) && f.severity != Severity::Error),
        "and the graph: no finding about it, no dangling edge: {findings:#?}"
    );
    assert_eq!(
        p.module(&c).unwrap().title,
        "C",
        "but the module and its history are kept"
    );

    std::fs::write(lib.join("c.md"), saved).unwrap();
    let report = p.import_library(&lib, &ME, Timestamp(5)).unwrap();
    assert_eq!(report.added, 1, "the returning file brings the module back");
    let edges: Vec<(ModuleId, ModuleId)> = p
        .prerequisites()
        .unwrap()
        .into_iter()
        .map(|e| (e.before, e.after))
        .collect();
    assert!(
        edges.contains(&(a, c)),
        "with the edge a person added before it was retired"
    );
}

fn encoder() -> &'static embed::Encoder {
    static ENCODER: std::sync::OnceLock<embed::Encoder> = std::sync::OnceLock::new();
    ENCODER.get_or_init(|| embed::Encoder::load(&testkit::model_dir()).expect("the model loads"))
}

/// A project with a three-skill taxonomy and three modules written for them.
fn tagging_project(tmp: &Path) -> (Project, PathBuf) {
    let lib = tmp.join("lib");
    write(
        &lib,
        "pathforge.toml",
        br#"
[[skill]]
slug = "objection-handling"
name = "Objection handling"
description = "Responding when a buyer raises concerns about price, risk or competitors."

[[skill]]
slug = "security-review"
name = "Security review"
description = "Answering security questionnaires, data protection and compliance reviews."

[[skill]]
slug = "forecasting"
name = "Forecasting"
description = "Predicting which deals close this quarter and keeping the forecast accurate."
"#,
    );
    write(&lib, "price.md", b"---\ntitle: Price pushback\n---\nBuyers often object to the price. When a buyer raises a price objection, acknowledge the concern, ask what they compare it with, and restate the value before offering any discount.\n");
    write(&lib, "soc2.md", b"---\ntitle: Security questionnaires\n---\nEnterprise customers send a security questionnaire about encryption, data protection and compliance. Answer the security review with the trust documentation.\n");
    write(&lib, "empty.md", b"---\ntitle: To be written\n---\n");
    let mut p = Project::create(&tmp.join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    (p, lib)
}

fn module_by_title(p: &Project, title: &str) -> ModuleId {
    p.modules()
        .unwrap()
        .into_iter()
        .find(|m| m.title == title)
        .unwrap()
        .id
}

fn suggested(p: &Project, title: &str) -> Vec<(String, TagState, bool)> {
    p.module_insight(&module_by_title(p, title))
        .unwrap()
        .tags
        .into_iter()
        .filter(|t| t.source == TagSource::Model)
        .map(|t| (t.skill_slug, t.state, t.rejected_before))
        .collect()
}

#[test]
fn tagging_suggests_explains_and_then_reads_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = tagging_project(tmp.path());
    let first = p
        .tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    assert_eq!(
        (first.modules, first.analysed, first.unchanged, first.empty),
        (3, 3, 0, 1),
        "every module is read once: {first:?}"
    );
    assert!(
        first.embedded > 0 && first.suggestions >= 2,
        "texts were embedded and suggestions made: {first:?}"
    );

    let price = p
        .module_insight(&module_by_title(&p, "Price pushback"))
        .unwrap();
    let top = &price.tags[0];
    assert_eq!(
        top.skill_slug, "objection-handling",
        "the price module is about objections: {:?}",
        price.tags
    );
    assert_eq!(
        top.model.as_deref(),
        Some(encoder().info().id().as_str()),
        "the model id and version are recorded"
    );
    assert!(
        !top.evidence.is_empty() && top.evidence[0].end > top.evidence[0].start,
        "evidence locates a passage"
    );
    assert!(
        price.level.is_some() && !price.keyphrases.is_empty(),
        "level and keyphrases are stored: {price:?}"
    );
    let empty = p
        .module_insight(&module_by_title(&p, "To be written"))
        .unwrap();
    assert!(
        empty.tags.is_empty() && empty.notes.iter().any(|n| n.contains("empty")),
        "an empty module has no tags and a note: {empty:?}"
    );

    let again = p
        .tag_modules(encoder(), Timestamp(4), &mut |_, _| true)
        .unwrap();
    assert_eq!(
        (again.analysed, again.unchanged, again.embedded),
        (0, 3, 0),
        "nothing changed, nothing is read: {again:?}"
    );

    write(&lib, "soc2.md", b"---\ntitle: Security questionnaires\n---\nThe customer's security team sends a questionnaire about encryption and SOC 2; answer it with the trust documentation. Then log the review date in the CRM.\n");
    p.import_library(&lib, &ME, Timestamp(5)).unwrap();
    let after_edit = p
        .tag_modules(encoder(), Timestamp(6), &mut |_, _| true)
        .unwrap();
    assert_eq!(
        (after_edit.analysed, after_edit.unchanged),
        (1, 2),
        "only the edited module is re-read: {after_edit:?}"
    );
    assert!(
        after_edit.embedded > 0 && after_edit.cached > 0,
        "its new passage is embedded, the skills come from the cache: {after_edit:?}"
    );
    let log = p.audit_log().unwrap();
    assert_eq!(
        log.iter().filter(|e| e.action == "modules.tagged").count(),
        2,
        "each run that tagged something is in the audit log"
    );
    assert!(
        matches!(&log.last().unwrap().actor, Actor::Model { id, .. } if id == "all-MiniLM-L6-v2"),
        "the model is the actor"
    );
}

#[test]
fn rejections_are_remembered_until_the_text_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let price = module_by_title(&p, "Price pushback");
    let person = Actor::person("sme");
    p.decide_tag(
        &price,
        "objection-handling",
        TagState::Rejected,
        Some("about pricing, not objections"),
        &person,
        Timestamp(4),
    )
    .unwrap();

    // A taxonomy edit forces a re-analysis of unchanged text: the rejection stands.
    p.edit_skill(
        "forecasting",
        SkillEdit {
            description: Some(
                "Predicting which deals close this quarter and keeping forecasts honest.".into(),
            ),
            ..SkillEdit::default()
        },
        &ME,
        Timestamp(5),
    )
    .unwrap();
    let r = p
        .tag_modules(encoder(), Timestamp(6), &mut |_, _| true)
        .unwrap();
    assert_eq!(
        r.analysed, 3,
        "a changed taxonomy re-reads every module: {r:?}"
    );
    assert!(
        suggested(&p, "Price pushback").contains(&(
            "objection-handling".into(),
            TagState::Rejected,
            false
        )),
        "a rejected tag is not re-suggested for the same text: {:?}",
        suggested(&p, "Price pushback")
    );

    // New text: suggested again, marked as rejected before.
    write(&lib, "price.md", b"---\ntitle: Price pushback\n---\nBuyers often object to the price. When a buyer raises a price objection, ask what they compare it with and restate the value before any discount.\n");
    p.import_library(&lib, &ME, Timestamp(7)).unwrap();
    p.tag_modules(encoder(), Timestamp(8), &mut |_, _| true)
        .unwrap();
    assert!(
        suggested(&p, "Price pushback").contains(&(
            "objection-handling".into(),
            TagState::Suggested,
            true
        )),
        "after an edit it returns, flagged: {:?}",
        suggested(&p, "Price pushback")
    );
    let err = p
        .decide_tag(
            &price,
            "no-such-skill",
            TagState::Accepted,
            None,
            &person,
            Timestamp(9),
        )
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownId,
        "deciding on an unknown skill is refused: {err}"
    );
}

#[test]
fn cancelling_a_run_keeps_the_project_consistent() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _) = tagging_project(tmp.path());
    let mut calls = 0;
    let r = p
        .tag_modules(encoder(), Timestamp(3), &mut |_, _| {
            // Go past the start, then cancel at the first embedding batch.
            calls += 1;
            calls < 2
        })
        .unwrap();
    assert!(
        r.cancelled && r.analysed == 0,
        "cancelled before any module: {r:?}"
    );
    assert!(
        p.audit_log()
            .unwrap()
            .iter()
            .all(|e| e.action != "modules.tagged"),
        "nothing half-tagged is logged"
    );
    let resumed = p
        .tag_modules(encoder(), Timestamp(4), &mut |_, _| true)
        .unwrap();
    assert_eq!(
        (resumed.analysed, resumed.cancelled),
        (3, false),
        "a later run does all the work: {resumed:?}"
    );
}

#[test]
fn a_damaged_model_is_refused_before_the_project_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("all-MiniLM-L6-v2");
    std::fs::create_dir_all(dir.join("1_Pooling")).unwrap();
    for f in [
        "config.json",
        "tokenizer.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
    ] {
        std::fs::copy(testkit::model_dir().join(f), dir.join(f)).unwrap();
    }
    std::fs::write(dir.join("model.safetensors"), b"not weights").unwrap();
    let (mut p, _) = tagging_project(tmp.path());
    let err = p.set_model_dir(Some(&dir), &ME, Timestamp(3)).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::BadInput,
        "a damaged model is bad input: {err}"
    );
    assert!(
        err.to_string().contains("model.safetensors"),
        "the error names the file: {err}"
    );
    assert_eq!(
        p.model_dir().unwrap(),
        None,
        "the project's model choice is unchanged"
    );
}

#[test]
fn the_review_queue_filters_and_bulk_decisions_are_one_logged_step() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let all = p
        .review_queue(Some(TagState::Suggested), None, None)
        .unwrap();
    assert!(
        all.len() >= 2,
        "both written modules have suggestions: {all:?}"
    );
    assert!(
        all.windows(2).all(|w| w[0].confidence >= w[1].confidence),
        "best first"
    );
    let confident = p.review_queue(None, None, Some(0.9)).unwrap();
    assert!(
        confident.iter().all(|t| t.confidence.unwrap() >= 0.9),
        "the confidence floor holds"
    );
    let err = p
        .review_queue(None, Some("no-such-skill"), None)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownId,
        "an unknown skill filter is named: {err}"
    );

    let keys: Vec<(ModuleId, SkillId)> = all
        .iter()
        .map(|t| (t.module_id.clone(), t.skill_id.clone()))
        .collect();
    let person = Actor::person("sme");
    let before = p.audit_log().unwrap().len();
    let n = p
        .decide_tags(
            &keys,
            TagState::Accepted,
            Some("checked"),
            &person,
            Timestamp(4),
        )
        .unwrap();
    assert_eq!(n, keys.len(), "every open suggestion is accepted");
    assert!(
        p.review_queue(Some(TagState::Suggested), None, None)
            .unwrap()
            .is_empty(),
        "nothing left to review"
    );
    let log = p.audit_log().unwrap();
    assert_eq!(log.len(), before + 1, "a bulk decision is one audit entry");
    assert_eq!(
        log.last().unwrap().after["note"],
        "checked",
        "the note is recorded"
    );
    let first = &log.last().unwrap().before["tags"][0];
    let passage = first["passages"][0].as_str().unwrap_or("");
    assert!(
        passage.split_whitespace().count() >= 3 && first["model"].is_string(),
        "each tag's explanation is kept as it was seen: the passages' text and the model: {first}"
    );
    assert_eq!(
        p.decide_tags(&keys, TagState::Accepted, None, &person, Timestamp(5))
            .unwrap(),
        0,
        "deciding again changes nothing and logs nothing"
    );
    assert_eq!(p.audit_log().unwrap().len(), before + 1);
    assert!(
        p.verify_audit().unwrap().broken.is_none(),
        "the chain stays intact"
    );
}

#[test]
fn a_framework_file_is_imported_whatever_its_format_told_by_its_content() {
    let tmp = tempfile::tempdir().unwrap();
    let mut source = Project::create(&tmp.path().join("source.pathforge"), Timestamp(1)).unwrap();
    source
        .import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let skills = source.skills().unwrap().len();
    let check = |format: TaxonomyFormat, file: &str| {
        let path = tmp.path().join(file);
        std::fs::write(&path, source.export_taxonomy(format, Timestamp(3)).unwrap()).unwrap();
        let mut p =
            Project::create(&tmp.path().join(format!("{file}.pathforge")), Timestamp(1)).unwrap();
        let report = p.import_taxonomy_file(&path, &ME, Timestamp(4)).unwrap();
        assert_eq!(
            (report.added as usize, p.skills().unwrap().len()),
            (skills, skills),
            "{file}: every skill of the framework arrives, its format told from the content"
        );
    };
    check(TaxonomyFormat::Case, "framework.json");
    check(TaxonomyFormat::MoodleCsv, "moodle.csv");
    check(TaxonomyFormat::Csv, "plain.csv");
}

/// A decisions file as the pack's page saves it, for these (module, skill, state) choices.
fn decisions_file(pack_html: &str, project: &str, choices: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let data = pack_html
        .split("id=\"pack\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let pack: reviewpack::Pack = serde_json::from_str(data).unwrap();
    let mut d = reviewpack::Decisions {
        format: reviewpack::DECISIONS_FORMAT.into(),
        pack: pack.id.clone(),
        project: project.into(),
        reviewer: "Dana (SME)".into(),
        decisions: choices
            .iter()
            .map(|(module, skill, state, note)| {
                let item = pack
                    .items
                    .iter()
                    .find(|i| i.module == *module && i.skill == *skill)
                    .unwrap();
                reviewpack::Decision {
                    module: item.module.clone(),
                    skill: item.skill.clone(),
                    text_hash: item.text_hash.clone(),
                    state: (*state).into(),
                    note: (*note).into(),
                }
            })
            .collect(),
        checksum: String::new(),
    };
    d.checksum = reviewpack::sha256_hex(&reviewpack::canonical(&d));
    serde_json::to_vec(&d).unwrap()
}

#[test]
fn review_pack_decisions_apply_once_and_conflicts_are_listed_not_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let open = p
        .review_queue(Some(TagState::Suggested), None, None)
        .unwrap();
    assert!(open.len() >= 2, "two suggestions to review: {open:?}");
    let (html, count) = p
        .export_review_pack(&PackFilter::default(), &ME, Timestamp(4))
        .unwrap();
    assert_eq!(count, open.len(), "every open suggestion is in the pack");
    let project = p.info().unwrap().id.to_string();
    let (a, b) = (&open[0], &open[1]);
    let file = tmp.path().join("decisions.json");
    std::fs::write(
        &file,
        decisions_file(
            &html,
            &project,
            &[
                (a.module_id.as_str(), &a.skill_slug, "accepted", "right on"),
                (b.module_id.as_str(), &b.skill_slug, "rejected", ""),
            ],
        ),
    )
    .unwrap();

    // Before it comes back, someone decides b in the project and a's module is unchanged.
    p.decide_tag(
        &b.module_id,
        &b.skill_slug,
        TagState::Accepted,
        None,
        &ME,
        Timestamp(5),
    )
    .unwrap();
    let r = p.import_review_decisions(&file, Timestamp(6)).unwrap();
    assert_eq!((r.applied, r.already), (1, 0), "a applies: {r:?}");
    assert_eq!(r.conflicts.len(), 1, "b was decided since the pack: {r:?}");
    assert!(
        r.conflicts[0]
            .reason
            .contains("decided in the project since"),
        "{r:?}"
    );
    let state_of = |p: &Project, t: &model::Tag| {
        p.review_queue(None, None, None)
            .unwrap()
            .into_iter()
            .find(|x| x.module_id == t.module_id && x.skill_id == t.skill_id)
            .unwrap()
            .state
    };
    assert_eq!(
        state_of(&p, a),
        TagState::Accepted,
        "the SME's decision is recorded"
    );
    assert_eq!(
        state_of(&p, b),
        TagState::Accepted,
        "the conflict did not overwrite b"
    );
    let entry = p
        .audit_log()
        .unwrap()
        .into_iter()
        .rev()
        .find(|e| e.action == "tag.decided")
        .unwrap();
    assert_eq!(
        entry.actor,
        Actor::Person {
            name: "Dana (SME)".into(),
            role: Some(model::Role::Sme),
        },
        "logged under the reviewer's name from the pack, as an SME"
    );
    assert_eq!(entry.after["note"], "right on", "with their note");

    let again = p.import_review_decisions(&file, Timestamp(7)).unwrap();
    assert_eq!(
        (again.applied, again.already),
        (0, 1),
        "a replay changes nothing"
    );

    // Refused whole, naming the file: another project, an edited file, an unknown pack.
    let mut check = |bytes: Vec<u8>, needle: &str, why: &str| {
        let f = tmp.path().join("bad.json");
        std::fs::write(&f, bytes).unwrap();
        let before = p.audit_log().unwrap().len();
        let err = p
            .import_review_decisions(&f, Timestamp(8))
            .expect_err(why)
            .to_string();
        assert!(
            err.contains("bad.json") && err.contains(needle),
            "{why}: {err}"
        );
        assert_eq!(
            p.audit_log().unwrap().len(),
            before,
            "{why}: nothing applied"
        );
    };
    let choice = [(a.module_id.as_str(), a.skill_slug.as_str(), "rejected", "")];
    check(
        decisions_file(&html, "another-project", &choice),
        "another project",
        "other project",
    );
    let edited = String::from_utf8(decisions_file(&html, &project, &choice))
        .unwrap()
        .replace("rejected", "accepted");
    check(edited.into_bytes(), "was changed after", "edited by hand");
    let foreign = decisions_file(&html, &project, &choice);
    let foreign = String::from_utf8(foreign).unwrap();
    let pack_id = foreign
        .split("\"pack\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let mut d: reviewpack::Decisions = serde_json::from_str(&foreign).unwrap();
    d.pack = "0000".into();
    d.checksum = reviewpack::sha256_hex(&reviewpack::canonical(&d));
    check(
        serde_json::to_vec(&d).unwrap(),
        "never exported",
        "unknown pack",
    );
    assert_ne!(pack_id, "0000");
    check(
        b"{\"format\":\"pathforge.review-decisions/v1\",\"pack\":".to_vec(),
        "incomplete",
        "truncated",
    );

    // A module whose text changed since the pack: its decision is a conflict.
    write(&lib, "price.md", b"---\ntitle: Price pushback\n---\nRewritten entirely: a new text about pricing conversations.\n");
    p.import_library(&lib, &ME, Timestamp(9)).unwrap();
    let price = module_by_title(&p, "Price pushback");
    let t = open
        .iter()
        .find(|t| t.module_id == price)
        .expect("the price module has a suggestion in the pack");
    let f = tmp.path().join("late.json");
    let late = decisions_file(
        &html,
        &project,
        &[(t.module_id.as_str(), &t.skill_slug, "rejected", "")],
    );
    std::fs::write(&f, late).unwrap();
    let r = p.import_review_decisions(&f, Timestamp(10)).unwrap();
    assert_eq!(r.applied, 0, "{r:?}");
    assert!(
        r.conflicts
            .iter()
            .any(|c| c.reason.contains("text changed") || c.reason.contains("no longer exists")),
        "a decision about text that changed is not applied: {r:?}"
    );
}

#[test]
fn calibration_counts_decisions_and_auto_accept_never_overrides_a_person() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let open = p
        .review_queue(Some(TagState::Suggested), None, None)
        .unwrap();
    assert!(open.len() >= 2, "{open:?}");
    let (a, b) = (&open[0], &open[1]);
    p.decide_tag(
        &a.module_id,
        &a.skill_slug,
        TagState::Accepted,
        None,
        &ME,
        Timestamp(4),
    )
    .unwrap();
    p.decide_tag(
        &b.module_id,
        &b.skill_slug,
        TagState::Rejected,
        None,
        &ME,
        Timestamp(5),
    )
    .unwrap();
    let c = p.calibration().unwrap();
    let total = |rows: &[model::CalibrationRow]| {
        rows.iter().fold((0, 0, 0), |s, r| {
            (s.0 + r.accepted, s.1 + r.rejected, s.2 + r.open)
        })
    };
    assert_eq!(c.bands.len(), 5, "bands of 0.1 from 0.5 to 1.0");
    assert_eq!(
        total(&c.bands),
        (1, 1, open.len() as u32 - 2),
        "every suggestion counted once, in its band"
    );
    assert_eq!(
        total(&c.skills),
        total(&c.bands),
        "and once under its skill"
    );
    let band_of =
        |t: &model::Tag| (((t.confidence.unwrap() * 10.0).floor() as usize).clamp(5, 9)) - 5;
    assert!(
        c.bands[band_of(a)].accepted >= 1,
        "the accepted one sits in its confidence band"
    );

    let err = p.set_auto_accept(Some(0.3), &ME, Timestamp(6)).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::BadInput,
        "below the suggestion floor is out of range, refused: {err}"
    );
    p.set_auto_accept(Some(0.5), &ME, Timestamp(7)).unwrap();
    // Every module's text changes, so everything is suggested afresh.
    for (file, title) in [
        ("price.md", "Price pushback"),
        ("soc2.md", "Security questionnaires"),
    ] {
        let text = std::fs::read_to_string(lib.join(file)).unwrap();
        write(
            &lib,
            file,
            format!("{text}\nRevised for {title}.\n").as_bytes(),
        );
    }
    // And a new module arrives, with nothing decided about it yet.
    write(&lib, "forecast.md", b"---\ntitle: Forecast calls\n---\nEvery Friday, predict which deals close this quarter. Keep the forecast accurate: commit only deals with a signed mutual plan, and review the pipeline each week.\n");
    p.import_library(&lib, &ME, Timestamp(8)).unwrap();
    let r = p
        .tag_modules(encoder(), Timestamp(9), &mut |_, _| true)
        .unwrap();
    assert!(
        r.auto_accepted >= 1,
        "suggestions at or above 0.5 are accepted as made: {r:?}"
    );
    let now = p.review_queue(None, None, None).unwrap();
    let t = now
        .iter()
        .find(|t| t.module_id == b.module_id && t.skill_id == b.skill_id)
        .expect("a rejected tag stays on record");
    assert!(
        t.state != TagState::Accepted,
        "a skill a person rejected is never auto-accepted, even for new text: {t:?}"
    );
    let entry = p
        .audit_log()
        .unwrap()
        .into_iter()
        .find(|e| e.action == "tags.auto_accepted")
        .expect("automatic acceptances are logged");
    assert!(
        matches!(entry.actor, Actor::Model { .. }),
        "as the model's, not a person's"
    );
    assert_eq!(entry.after["threshold"], 0.5);
    let c = p.calibration().unwrap();
    assert_eq!(
        c.bands.iter().map(|b| b.auto_accepted).sum::<u32>(),
        r.auto_accepted,
        "automatic acceptances are counted apart from people's"
    );
    assert_eq!(c.auto_accept, Some(0.5));
}

#[test]
fn an_edit_rejects_a_suggestion_for_another_skill_in_one_logged_decision() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let t = p
        .review_queue(Some(TagState::Suggested), None, None)
        .unwrap()[0]
        .clone();
    let other = ["objection-handling", "security-review", "forecasting"]
        .into_iter()
        .find(|s| *s != t.skill_slug)
        .unwrap();
    let err = p
        .edit_tag(
            &t.module_id,
            &t.skill_slug,
            &t.skill_slug,
            None,
            &ME,
            Timestamp(4),
        )
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::BadInput,
        "replacing a skill by itself is a malformed edit: {err}"
    );
    let err = p
        .edit_tag(
            &t.module_id,
            &t.skill_slug,
            "no-such-skill",
            None,
            &ME,
            Timestamp(4),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownId, "{err}");

    let edit = p
        .edit_tag(
            &t.module_id,
            &t.skill_slug,
            other,
            Some("wrong focus"),
            &ME,
            Timestamp(5),
        )
        .unwrap();
    assert!(edit.added && edit.before == TagState::Suggested, "{edit:?}");
    let tags = p.module_insight(&t.module_id).unwrap().tags;
    let was = tags
        .iter()
        .find(|x| x.skill_slug == t.skill_slug && x.source == TagSource::Model)
        .unwrap();
    assert_eq!(
        (was.state, was.replaced_by.as_deref()),
        (TagState::Rejected, Some(other)),
        "the suggestion is rejected, naming its replacement"
    );
    assert!(
        tags.iter().any(|x| x.skill_slug == other
            && x.source == TagSource::Person
            && x.state == TagState::Accepted),
        "the replacement is the person's accepted tag: {tags:?}"
    );
    let entry = p.audit_log().unwrap().pop().unwrap();
    assert_eq!(entry.action, "tag.edited");
    assert_eq!(
        (entry.after["skill"].as_str(), entry.after["note"].as_str()),
        (Some(other), Some("wrong focus"))
    );

    // Undone: the suggestion is open again and the person's tag the edit added is gone.
    p.undo_edit(&edit, &ME, Timestamp(6)).unwrap();
    let tags = p.module_insight(&t.module_id).unwrap().tags;
    let back = tags
        .iter()
        .find(|x| x.skill_slug == t.skill_slug && x.source == TagSource::Model)
        .unwrap();
    assert_eq!(
        (back.state, back.replaced_by.clone()),
        (TagState::Suggested, None),
        "as before the edit"
    );
    assert!(
        !tags
            .iter()
            .any(|x| x.skill_slug == other && x.source == TagSource::Person),
        "the added tag is removed: {tags:?}"
    );
    assert_eq!(
        p.audit_log().unwrap().pop().unwrap().action,
        "tag.edit_undone"
    );
    assert!(
        p.verify_audit().unwrap().broken.is_none(),
        "the chain holds"
    );
}

#[test]
fn a_level_set_by_a_person_outlasts_reimports_until_cleared() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    write(
        &lib,
        "a.md",
        b"---\nlevel: beginner\n---\n# Alpha\n\nText.\n",
    );
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let id = p.modules().unwrap()[0].id.clone();
    let level = |p: &Project| p.module(&id).unwrap().level;
    let person = Actor::person("sme");
    p.set_module_level(
        &id,
        Some(model::Level::Advanced),
        Some("assumes the basics"),
        &person,
        Timestamp(3),
    )
    .unwrap();
    assert_eq!(level(&p), Some(model::Level::Advanced), "set at once");
    let again = p.import_library(&lib, &ME, Timestamp(4)).unwrap();
    assert_eq!(
        again.unchanged, 1,
        "a re-import of the same file sees nothing new"
    );
    assert_eq!(
        level(&p),
        Some(model::Level::Advanced),
        "the person's level stays"
    );
    write(
        &lib,
        "a.md",
        b"---\nlevel: beginner\n---\n# Alpha\n\nText, revised.\n",
    );
    p.import_library(&lib, &ME, Timestamp(5)).unwrap();
    assert_eq!(
        level(&p),
        Some(model::Level::Advanced),
        "even when the file changes"
    );
    let entry = p
        .audit_log()
        .unwrap()
        .into_iter()
        .find(|e| e.action == "module.level_set")
        .unwrap();
    assert_eq!(
        entry.before["level"], "beginner",
        "logged with the level it replaced"
    );
    assert_eq!(entry.after["note"], "assumes the basics");

    p.set_module_level(&id, None, None, &person, Timestamp(6))
        .unwrap();
    p.import_library(&lib, &ME, Timestamp(7)).unwrap();
    assert_eq!(
        level(&p),
        Some(model::Level::Beginner),
        "cleared, the file's level returns"
    );
}

#[test]
fn calibrated_parameters_drive_the_simulation() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let before = p.simulate(None, 2000, 7).unwrap();
    // Answers drawn from learners who rarely know or learn anything (prior 0.05, learn
    // 0.02, guess 0.1, slip 0.1): every skill calibrates to a small learning rate.
    let mut state = 99u64;
    let mut draw = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut csv = String::from("learner,skill,correct,order\n");
    let mut order = 0;
    for skill in p.skills().unwrap() {
        for learner in 0..300 {
            let mut known = draw() < 0.05;
            for _ in 0..10 {
                order += 1;
                let correct = if known { draw() >= 0.1 } else { draw() < 0.1 };
                known = known || draw() < 0.02;
                csv += &format!("l{learner},{},{},{order}\n", skill.slug, u8::from(correct));
            }
        }
    }
    let log = tmp.path().join("answers.csv");
    std::fs::write(&log, csv).unwrap();
    p.import_answers(&log, &ME, Timestamp(3)).unwrap();
    let fits = p.calibrate(false, &ME, Timestamp(4)).unwrap();
    assert!(
        fits.iter().all(|f| f.learn < 0.1),
        "the log says nobody learns: {:?}",
        fits.iter().map(|f| f.learn).collect::<Vec<_>>()
    );
    let after = p.simulate(None, 2000, 7).unwrap();
    assert!(
        after.0.first_attempt_pass_rate.unwrap() < before.0.first_attempt_pass_rate.unwrap(),
        "with calibrated (slow) learning fewer assessments pass first time: {:?} then {:?}",
        before.0.first_attempt_pass_rate,
        after.0.first_attempt_pass_rate
    );
    assert_eq!(
        p.simulate(None, 2000, 7).unwrap().0,
        after.0,
        "and the calibrated run is reproducible"
    );
}
