//! Importing libraries: re-imports in step, mixed libraries, catalogs, watched changes, bad
//! files named and skipped, manifests, module references.

use super::*;

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
fn a_library_renamed_or_moved_is_still_the_same_library() {
    // (what happens to the library's folder, what the import finds, why)
    #[derive(Debug)]
    enum Then {
        /// The same library: the modules keep their ids; `added` new files.
        Same { renamed: bool, added: u32 },
        /// A new library beside the old one.
        New,
    }
    let check = |name: &str, change: &dyn Fn(&Path) -> PathBuf, want: Then, why: &str| {
        let tmp = tempfile::tempdir().unwrap();
        let lib = tmp.path().join("sales");
        for (i, t) in ["Alpha", "Beta", "Gamma", "Delta"].iter().enumerate() {
            write(
                &lib,
                &format!("m{i}.md"),
                md(t, 10 * (i as u32 + 1)).as_bytes(),
            );
        }
        let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
        p.import_library(&lib, &ME, Timestamp(2)).unwrap();
        let ids: Vec<ModuleId> = p.modules().unwrap().into_iter().map(|m| m.id).collect();
        // Work done on the library in the project, which a new library would not carry.
        p.add_prerequisite(&ids[0], &ids[1], None, &ME, Timestamp(3))
            .unwrap();
        let now = change(tmp.path());
        let report = p.import_library(&now, &ME, Timestamp(4)).unwrap();
        let libraries = p.libraries().unwrap();
        let edges = p.prerequisites().unwrap();
        match want {
            Then::Same { renamed, added } => {
                assert_eq!(libraries.len(), 1, "{name}: {why}: still one library");
                assert_eq!(
                    (report.added, report.unchanged),
                    (added, 4),
                    "{name}: {why}: every module found again"
                );
                let now_ids: Vec<ModuleId> =
                    p.modules().unwrap().into_iter().map(|m| m.id).collect();
                assert_eq!(
                    now_ids[..4],
                    ids[..],
                    "{name}: {why}: the modules keep their ids"
                );
                assert_eq!(edges.len(), 1, "{name}: {why}: and the edge drawn on them");
                let was = std::fs::canonicalize(tmp.path()).unwrap().join("sales");
                assert_eq!(
                    report.moved_from.as_deref(),
                    Some(was.to_str().unwrap()),
                    "{name}: {why}: the report says where it was"
                );
                let words = &p.audit_lines().unwrap().last().unwrap().summary.clone();
                assert_eq!(
                    words.contains("it was “sales”, renamed"),
                    renamed,
                    "{name}: {why}: the log names the old name when it changed: {words}"
                );
            }
            Then::New => {
                assert_eq!(libraries.len(), 2, "{name}: {why}: a second library");
                assert_eq!(report.added, 4, "{name}: {why}: its modules are new");
                assert_eq!(report.moved_from, None, "{name}: {why}: nothing moved");
                assert_eq!(
                    p.modules().unwrap().len(),
                    8,
                    "{name}: {why}: the first library's modules stay as they were"
                );
            }
        }
    };
    let renamed = |root: &Path| {
        std::fs::rename(root.join("sales"), root.join("sales-2027")).unwrap();
        root.join("sales-2027")
    };
    check(
        "renamed",
        &renamed,
        Then::Same {
            renamed: true,
            added: 0,
        },
        "the folder renamed where it was",
    );
    let moved = |root: &Path| {
        std::fs::create_dir(root.join("shared")).unwrap();
        std::fs::rename(root.join("sales"), root.join("shared/sales")).unwrap();
        root.join("shared/sales")
    };
    check(
        "moved",
        &moved,
        Then::Same {
            renamed: false,
            added: 0,
        },
        "the folder moved under the same name",
    );
    check(
        "renamed, a file added",
        &|root: &Path| {
            let now = renamed(root);
            write(&now, "m4.md", md("Epsilon", 50).as_bytes());
            now
        },
        Then::Same {
            renamed: true,
            added: 1,
        },
        "most of its files are there",
    );
    let copied = |root: &Path| {
        copy_tree(&root.join("sales"), &root.join("sales-copy"));
        root.join("sales-copy")
    };
    check(
        "copied",
        &copied,
        Then::New,
        "a copy while the original is still there is another library",
    );
    check(
        "the same name elsewhere, other files",
        &|root: &Path| {
            let other = root.join("other/sales");
            for (i, t) in ["One", "Two", "Three", "Four"].iter().enumerate() {
                write(&other, &format!("n{i}.md"), md(t, 5).as_bytes());
            }
            other
        },
        Then::New,
        "another folder that only shares the name is another library, the first one kept",
    );
    check(
        "the same name elsewhere, the same files",
        &|root: &Path| {
            copy_tree(&root.join("sales"), &root.join("mirror/sales"));
            root.join("mirror/sales")
        },
        Then::Same {
            renamed: false,
            added: 0,
        },
        "the same library kept in a second place",
    );
    let replaced = |root: &Path| {
        std::fs::remove_dir_all(root.join("sales")).unwrap();
        let other = root.join("marketing");
        for (i, t) in ["One", "Two", "Three", "Four"].iter().enumerate() {
            write(&other, &format!("n{i}.md"), md(t, 5).as_bytes());
        }
        other
    };
    check(
        "unrelated",
        &replaced,
        Then::New,
        "another folder with none of its files is not it, though it is gone",
    );
}

#[test]
fn library_summaries_count_live_and_retired_modules_and_see_a_missing_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    for (i, t) in ["Alpha", "Beta", "Gamma"].iter().enumerate() {
        write(&lib, &format!("m{i}.md"), md(t, 10).as_bytes());
    }
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    assert!(
        p.library_summaries().unwrap().is_empty(),
        "a new project has no library"
    );
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    std::fs::remove_file(lib.join("m2.md")).unwrap();
    p.import_library(&lib, &ME, Timestamp(3)).unwrap();
    let summary = |p: &Project| {
        let all = p.library_summaries().unwrap();
        assert_eq!(all.len(), 1, "one library");
        let s = &all[0];
        (s.library.name.clone(), s.modules, s.retired, s.source_found)
    };
    assert_eq!(
        summary(&p),
        ("lib".to_owned(), 2, 1, true),
        "two modules live, the one whose file went retired, the folder there"
    );
    std::fs::remove_dir_all(&lib).unwrap();
    assert!(!summary(&p).3, "a library whose folder is gone says so");
}

#[test]
fn a_removed_library_leaves_the_project_and_an_import_brings_it_back_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _) = chain_project(tmp.path());
    let sales = testkit::Library::new()
        .module("s0.md", "S0", 15, &["selling"])
        .module("s1.md", "S1", 15, &["selling"])
        .skill("selling", &[])
        .track("seller", &["selling"])
        .write(&std::fs::canonicalize(tmp.path()).unwrap().join("sales"));
    p.import_library(&sales, &ME, Timestamp(3)).unwrap();
    let (a, s0) = (id(&p, "a.md"), id(&p, "s0.md"));
    p.add_prerequisite(&a, &s0, None, &ME, Timestamp(4))
        .unwrap();
    p.set_module_level(&s0, Some(model::Level::Advanced), None, &ME, Timestamp(5))
        .unwrap();
    let library = p.resolve_library("sales").unwrap();
    assert_eq!(
        p.resolve_library(library.id.as_str()).unwrap(),
        library,
        "a library is found by its id as by its name"
    );
    let edges = |p: &Project| -> Vec<(ModuleId, ModuleId)> {
        let c = p.curriculum().unwrap();
        c.edges
            .iter()
            .map(|e| {
                (
                    ModuleId(c.modules[e.before].id.clone()),
                    ModuleId(c.modules[e.after].id.clone()),
                )
            })
            .collect()
    };
    let tracks =
        |p: &Project| -> Vec<String> { p.tracks().unwrap().into_iter().map(|t| t.slug).collect() };

    let removed = p.remove_library(&library.id, &ME, Timestamp(6)).unwrap();
    assert_eq!(
        (
            removed.modules,
            removed.tracks,
            removed.rules,
            removed.library.removed_at
        ),
        (2, 1, 0, Some(Timestamp(6))),
        "both its modules retired and the track its manifest declares gone, said in the report"
    );
    assert_eq!(titles(&p), ["A", "B", "C"], "its modules leave the lists");
    assert!(
        !edges(&p).iter().any(|(_, after)| after == &s0),
        "and the curriculum the graph, simulation and exports read: {:?}",
        edges(&p)
    );
    assert!(
        tracks(&p).is_empty(),
        "its declared track went: {:?}",
        tracks(&p)
    );
    let listed: Vec<(String, u32, u32, bool)> = p
        .library_summaries()
        .unwrap()
        .into_iter()
        .map(|s| {
            (
                s.library.name,
                s.modules,
                s.retired,
                s.library.removed_at.is_some(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("chain".to_owned(), 3, 0, false),
            ("sales".to_owned(), 0, 2, true)
        ],
        "it is still listed, as removed, so it can be imported again"
    );
    assert_eq!(
        p.audit_lines().unwrap().last().unwrap().summary,
        "Removed the library “sales”: 2 modules retired, and the 1 track its manifest declares",
        "the log says what went"
    );
    write(&sales, "s1.md", md("S1 revised", 15).as_bytes());
    assert!(
        p.reimport_changed(&[sales.join("s1.md")], &ME, Timestamp(7))
            .unwrap()
            .is_empty(),
        "a removed library is no longer followed"
    );
    let again = p
        .remove_library(&library.id, &ME, Timestamp(8))
        .unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict, "removed twice: {again}");
    for (reference, kind) in [
        ("marketing", ErrorKind::UnknownId),
        ("", ErrorKind::UnknownId),
    ] {
        let err = p.resolve_library(reference).unwrap_err();
        assert_eq!(err.kind(), kind, "{reference:?} names no library: {err}");
    }
    let unknown = p
        .remove_library(&model::LibraryId("nope".into()), &ME, Timestamp(8))
        .unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::UnknownId, "{unknown}");

    let back = p.import_library(&sales, &ME, Timestamp(9)).unwrap();
    assert_eq!(
        (back.library.id.clone(), back.added, back.library.removed_at),
        (library.id.clone(), 2, None),
        "imported again from its place, it is the same library, in the project again"
    );
    assert_eq!(
        titles(&p),
        ["A", "B", "C", "S0", "S1 revised"],
        "with its files as they are now"
    );
    assert!(
        edges(&p).contains(&(a, s0.clone())),
        "the prerequisite a person drew to it is back"
    );
    assert_eq!(
        p.module(&s0).unwrap().level,
        Some(model::Level::Advanced),
        "and the level a person set"
    );
    assert_eq!(tracks(&p), ["seller"], "and its manifest's track");
    assert_eq!(
        p.reimport_changed(&[sales.join("s0.md")], &ME, Timestamp(10))
            .unwrap()
            .len(),
        1,
        "and it is followed again"
    );

    // Removed again, and imported from a copy of its folder elsewhere (a designer's own
    // copy): its files are the removed library's, so it is that library, back.
    p.remove_library(&library.id, &ME, Timestamp(11)).unwrap();
    let copy = sales.with_file_name("elsewhere").join("sales");
    copy_tree(&sales, &copy);
    let back = p.import_library(&copy, &ME, Timestamp(12)).unwrap();
    assert_eq!(
        (back.library.id, back.added, back.moved_from.is_some()),
        (library.id, 2, true),
        "a copy of a removed library's files brings that library back, said as moved"
    );
}

#[test]
fn a_removed_librarys_auto_tags_and_review_decisions_come_back_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let first = suggested(&p, "Price pushback")
        .into_iter()
        .next()
        .expect("the price module has a suggestion");
    let price = module_by_title(&p, "Price pushback");
    p.decide_tag(
        &price,
        &first.0,
        TagState::Accepted,
        None,
        &ME,
        Timestamp(4),
    )
    .unwrap();
    let before = suggested(&p, "Price pushback");
    let library = p.resolve_library("lib").unwrap().id;
    p.remove_library(&library, &ME, Timestamp(5)).unwrap();
    assert!(
        p.review_queue(None, None, None).unwrap().is_empty(),
        "a removed library's suggestions leave the review queue"
    );
    p.import_library(&lib, &ME, Timestamp(6)).unwrap();
    assert_eq!(
        suggested(&p, "Price pushback"),
        before,
        "imported again, its suggestions are back, the accepted one still accepted"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::create_dir_all(to).unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
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
fn a_watched_library_whose_folder_went_says_so_and_keeps_its_modules() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = std::fs::canonicalize(tmp.path()).unwrap().join("sales");
    write(&lib, "a.md", md("Alpha", 10).as_bytes());
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    std::fs::rename(&lib, tmp.path().join("sales-2027")).unwrap();
    // The watcher reports the old folder's paths as changed (removed).
    let done = p
        .reimport_changed(&[lib.join("a.md")], &ME, Timestamp(3))
        .unwrap();
    assert_eq!(done.len(), 1, "the library whose files changed is named");
    let err = done[0].1.as_ref().unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::NotFound,
        "a gone folder is not found"
    );
    let said = err.to_string();
    assert!(
        said.contains("“sales” is no longer at") && said.contains("Import it from where it is now"),
        "it says the folder went and what to do, not only 'no such file': {said}"
    );
    assert_eq!(titles(&p), ["Alpha"], "its modules are as they were");
}

#[test]
fn a_page_saved_in_windows_1252_imports_previews_and_says_how_it_was_read() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    write(
        &lib,
        "service.htm",
        b"<html><head><meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">\
          <title>Caf\xe9 service</title></head><body><p>Serve \x93hot\x94 drinks.</p></body></html>",
    );
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    let report = p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let warned: Vec<(&str, &str)> = report
        .warnings
        .iter()
        .map(|w| (w.path.as_str(), w.message.as_str()))
        .collect();
    assert!(
        warned.len() == 1
            && warned[0].0 == "service.htm"
            && warned[0].1.contains("read as windows-1252"),
        "Word's web page on Windows imports, and the report names the file and how it was \
         read, so a person can check its accents: {warned:?}"
    );
    let module = p.resolve_module("Café service").expect("titled as written");
    let page = p.module_preview(&module.id).unwrap();
    assert!(
        page.contains("Serve \u{201c}hot\u{201d} drinks."),
        "the preview reads it the same way, not as “Caf�”: {page}"
    );
    assert!(
        !page.contains('\u{fffd}'),
        "no replacement character: {page}"
    );
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
        ("broken-utf8.md", b"\xc3\xa9t\xe9", "not UTF-8"),
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
fn a_launcher_packages_items_read_and_preview_the_pages_their_launcher_shows() {
    let Some(shared) = testkit::shared() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    let package =
        shared.join("fixtures/real-packages/SequencingSimpleRemediation_SCORM20043rdEdition.zip");
    p.import_library(&package, &ME, Timestamp(2)).unwrap();
    let playing = p.resolve_module("Playing the Game").unwrap();
    assert!(
        playing.duration_minutes >= 5,
        "its time comes from the five pages its launcher shows, not the launcher's dozen \
         words: {} min",
        playing.duration_minutes
    );
    let page = p.module_preview(&playing.id).unwrap();
    assert!(
        page.contains("<h1>Par</h1>") && page.contains("Rules of Golf"),
        "the preview shows those pages too, as the import read them: {page:.300}"
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
fn a_reimport_keeps_how_a_person_chose_a_modules_prerequisites_combine() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = chain_project(tmp.path());
    let (a, b, c) = (id(&p, "a.md"), id(&p, "b.md"), id(&p, "c.md"));
    // c needs b (the manifest's); a person adds a and makes c need either.
    p.add_prerequisite(&a, &c, Some(PrerequisiteGroup::AnyOf), &ME, Timestamp(3))
        .unwrap();
    let groups = |p: &Project| -> Vec<(ModuleId, PrerequisiteGroup)> {
        let mut g: Vec<(ModuleId, PrerequisiteGroup)> = p
            .prerequisites()
            .unwrap()
            .into_iter()
            .filter(|e| e.after == c)
            .map(|e| (e.before, e.group))
            .collect();
        g.sort_by(|x, y| x.0.cmp(&y.0));
        g
    };
    let mut want = vec![
        (a.clone(), PrerequisiteGroup::AnyOf),
        (b.clone(), PrerequisiteGroup::AnyOf),
    ];
    want.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(groups(&p), want, "both of c's prerequisites are any-of");
    for (step, why) in [
        ("saved", "a file saved and re-imported"),
        ("removed", "the library removed and imported again"),
    ] {
        if step == "removed" {
            let library = p.resolve_library("chain").unwrap().id;
            p.remove_library(&library, &ME, Timestamp(4)).unwrap();
        }
        write(&lib, "a.md", md(&format!("A, {step}"), 10).as_bytes());
        p.import_library(&lib, &ME, Timestamp(5)).unwrap();
        assert_eq!(
            groups(&p),
            want,
            "{why}: c stays any-of, the manifest's edge rewritten as the person chose"
        );
    }
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

#[test]
fn a_cancel_while_the_import_is_written_rolls_it_back() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    for i in 0..1200 {
        write(
            &lib,
            &format!("m{i:04}.md"),
            md(&format!("M{i}"), 5).as_bytes(),
        );
    }
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    // Every file read, and the last check before writing, answer "go on"; the first check
    // made while writing (after the 512th module) cancels.
    let mut reading_done = false;
    let mut asked_while_writing = 0;
    let err = p
        .import_library_with(&lib, &ME, Timestamp(2), &mut |file, _| {
            if reading_done {
                asked_while_writing += 1;
                return false;
            }
            reading_done |= file.is_empty();
            true
        })
        .expect_err("cancelled while writing");
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    assert_eq!(
        asked_while_writing, 1,
        "the write asked, and stopped at once"
    );
    assert!(
        p.modules().unwrap().is_empty(),
        "no module of the cancelled import is kept"
    );
    assert!(p.audit_log().unwrap().is_empty(), "nor its audit entry");
    let report = p.import_library(&lib, &ME, Timestamp(3)).unwrap();
    assert_eq!(report.added, 1200, "the library imports whole afterwards");
}
