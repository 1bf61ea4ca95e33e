//! Libraries from the command line: real SCORM and cmi5 packages, catalog columns mapped
//! once, `watch`, the mixed and catalog sample libraries.

mod common;

use common::*;

#[test]
fn real_scorm_and_cmi5_packages_import_and_bad_ones_are_named() {
    let Some(shared) = testkit::shared() else {
        return;
    };
    let packages = shared.join("fixtures/real-packages");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    for (name, modules, prerequisites) in [
        ("PrerequisitesTest_SCORM12.zip", 4, 6),
        ("cmi5.zip", 1, 0),
        ("scorm2004.zip", 1, 0),
    ] {
        let out = pathforge(&[&"import", &file, &packages.join(name), &"--json"]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            report["total"], modules,
            "{name}: one module per leaf item or AU"
        );
        assert_eq!(
            report["prerequisites"], prerequisites,
            "{name}: declared prerequisites"
        );
    }
    let golf = stdout(&pathforge(&[&"show", &file, &"Golf Explained"]));
    assert!(
        golf.contains("time: 10 min, as its metadata says")
            && golf.contains("keywords: golf, golf etiquette, golf handicap"),
        "show says what the package's metadata said of the item, as the window does: {:.600}",
        golf
    );
    let out = pathforge(&[
        &"import",
        &file,
        &packages.join("SequencingSimpleRemediation_SCORM20043rdEdition.zip"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let playing = stdout(&pathforge(&[&"show", &file, &"Playing the Game"]));
    assert!(
        playing.contains("text from its launch page and: ")
            && playing.contains("/Playing/Par.html"),
        "and which pages a launcher's text came from: {:.600}",
        playing
    );

    let before = module_count(&file);
    let bad = packages.join("MalformedXml_SCORM12.zip");
    check_fails(
        &[&"import", &file, &bad],
        &bad,
        "imsmanifest.xml is malformed XML",
        "a malformed package",
    );
    assert_eq!(
        module_count(&file),
        before,
        "a refused package changes nothing"
    );

    // A new version of a package replacing the old file under a new name is the same
    // library: no module added, and the report says where it was.
    let v1 = tmp.path().join("prerequisites-v1.zip");
    std::fs::copy(packages.join("PrerequisitesTest_SCORM12.zip"), &v1).unwrap();
    assert!(pathforge(&[&"import", &file, &v1]).status.success());
    let before = module_count(&file);
    let v2 = tmp.path().join("prerequisites-v2.zip");
    std::fs::rename(&v1, &v2).unwrap();
    let out = pathforge(&[&"import", &file, &v2, &"--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["added"].as_u64(), report["unchanged"].as_u64()),
        (Some(0), Some(4)),
        "the renamed package's items are found again, none added: {report}"
    );
    assert!(
        report["moved_from"]
            .as_str()
            .is_some_and(|p| p.ends_with("prerequisites-v1.zip")),
        "the report names where it was: {report}"
    );
    assert_eq!(module_count(&file), before, "no module twice");
}

#[test]
fn catalog_columns_are_mapped_once_and_remembered() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("c.pathforge");
    let csv = tmp.path().join("lms-export.csv");
    std::fs::write(
        &csv,
        "Course Code,Course Name,Hours\nA1,First aid,30\nA2,Fire safety,20\n",
    )
    .unwrap();
    assert!(pathforge(&[&"init", &file]).status.success());
    check_fails(
        &[&"import", &file, &csv],
        &csv,
        "Map yours to id and title",
        "unknown columns are named, with what to do",
    );
    check_fails(
        &[&"import", &file, &csv, &"--column", &"code=Course Code"],
        &csv,
        "\"code\" is not a field",
        "a field Pathforge does not have",
    );
    let out = pathforge(&[
        &"import",
        &file,
        &csv,
        &"--column",
        &"id=Course Code",
        &"--column",
        &"title=Course Name",
        &"--column",
        &"duration=Hours",
        &"--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["added"], 2, "both rows import with the mapping");
    std::fs::write(&csv, "Course Code,Course Name,Hours\nA1,First aid,30\nA2,Fire safety,20\nA3,Manual handling,25\n").unwrap();
    let out = pathforge(&[&"import", &file, &csv, &"--json"]);
    assert!(
        out.status.success(),
        "the saved mapping is used: {}",
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["added"].as_u64(), report["unchanged"].as_u64()),
        (Some(1), Some(2))
    );
}

#[test]
fn watch_reimports_a_library_when_a_file_changes() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    std::fs::write(lib.join("a.md"), "# Alpha\n\nFirst version.").unwrap();
    let file = tmp.path().join("w.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &lib]).status.success());

    let mut child = Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(["watch".as_ref(), file.as_os_str()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let pipe = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait = std::time::Duration::from_secs(20);
    let first = rx.recv_timeout(wait).expect("watch starts");
    assert!(
        first.starts_with("Watching 1 library of"),
        "it says what it watches, one library in the singular: {first}"
    );
    std::fs::write(lib.join("a.md"), "# Alpha, revised\n\nSecond version.").unwrap();
    let line = rx.recv_timeout(wait);
    // The re-import reads every file; reads are not changes, so nothing follows.
    let echo = rx.recv_timeout(std::time::Duration::from_secs(2));
    child.kill().unwrap();
    child.wait().unwrap();
    let line = line.expect("a saved file is re-imported within seconds");
    assert!(
        line.contains("1 updated"),
        "the changed module is updated: {line}"
    );
    assert!(
        echo.is_err(),
        "a re-import does not set off another (it only reads): {echo:?}"
    );
    let out = pathforge(&[&"modules", &file, &"--json"]);
    assert!(
        stdout(&out).contains("Alpha, revised"),
        "the project has the new title"
    );

    // Under --json the stream is JSON lines, its first saying what is watched.
    let mut child = Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(["watch".as_ref(), file.as_os_str(), "--json".as_ref()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("watch starts").unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let first: serde_json::Value = serde_json::from_str(&first)
        .unwrap_or_else(|e| panic!("--json's first line is JSON ({e}): {first}"));
    assert_eq!(
        first["watching"].as_array().map(Vec::len),
        Some(1),
        "it lists the one library watched: {first}"
    );
}

#[test]
fn the_mixed_sample_libraries_import_from_the_command_line() {
    let check = |name: &str, total: u64, prerequisites: u64| {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("p.pathforge");
        assert!(pathforge(&[&"init", &file]).status.success());
        let dir = sample_library().with_file_name(name);
        let out = pathforge(&[&"import", &file, &dir, &"--json"]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            report["total"], total,
            "{name}: every module of every format"
        );
        assert_eq!(
            report["prerequisites"], prerequisites,
            "{name}: declared and packaged prerequisites"
        );
        assert_eq!(
            report["skipped"],
            serde_json::json!([]),
            "{name}: nothing set aside"
        );
        let out = pathforge(&[&"graph", &"check", &file]);
        assert!(
            out.status.success(),
            "{name}: the graph has no errors: {}",
            stdout(&out)
        );
    };
    // Edges: nurse-onboarding's pathforge.toml declares 12, the package's sequencing 5;
    // data-literacy's catalog 16, the cartridge's module_meta.xml 7 (week 1 in sequence,
    // each week 2 item after both week 1 labs).
    check("nurse-onboarding", 16, 17);
    check("data-literacy", 17, 23);
}

#[test]
fn the_data_literacy_catalog_imports_with_its_prerequisites() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("d.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../sample-libraries/data-literacy/catalog.csv");
    let out = pathforge(&[&"import", &file, &catalog, &"--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["total"], 12, "one module per course");
    assert_eq!(
        report["prerequisites"], 16,
        "every prerequisite the catalog names resolves, by id or by title"
    );
    let out = pathforge(&[&"graph", &"check", &file]);
    assert!(
        out.status.success(),
        "the catalog's graph has no errors: {}",
        stdout(&out)
    );
}

#[test]
fn a_catalogs_short_rows_and_unknown_prerequisites_are_warned_by_line() {
    let tmp = tempfile::tempdir().unwrap();
    let catalog = tmp.path().join("catalog.csv");
    std::fs::write(
        &catalog,
        "id,title,prerequisites\nA,First,\nB,Second,\"A; Ghost course\"\nC,Third\n",
    )
    .unwrap();
    let file = tmp.path().join("c.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    let out = pathforge(&[&"import", &file, &catalog, &"--json"]);
    assert!(
        out.status.success(),
        "the catalog imports: {}",
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings: Vec<String> = report["warnings"]
        .as_array()
        .expect("the report lists warnings")
        .iter()
        .map(|w| {
            format!(
                "{}: {}",
                w["path"].as_str().unwrap(),
                w["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        warnings,
        [
            "catalog.csv: line 4: 2 fields where the header has 3: the missing ones are read as empty",
            "catalog.csv: line 3: prerequisite \"Ghost course\" of \"B\" matches no id or title in the catalog: left out",
        ],
        "each names the file and the line; nothing is dropped silently"
    );
    assert_eq!(report["prerequisites"], 1, "B → A still imports");
    let again = pathforge(&[&"import", &file, &catalog]);
    assert!(
        stdout(&again).contains("warning: catalog.csv: line 3: prerequisite \"Ghost course\""),
        "people see the warnings too: {}",
        stdout(&again)
    );
}

#[test]
fn a_library_removed_from_the_project_comes_back_when_imported_again() {
    let tmp = tempfile::tempdir().unwrap();
    let library = tmp.path().join("sales");
    std::fs::create_dir(&library).unwrap();
    for (name, title) in [("a.md", "Alpha"), ("b.md", "Beta")] {
        std::fs::write(library.join(name), format!("# {title}\n\nAbout {title}.\n")).unwrap();
    }
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &library]).status.success());

    let out = pathforge(&[&"libraries", &file, &"--remove", &"sales", &"--json"]);
    assert!(out.status.success(), "remove succeeds: {}", stderr(&out));
    let removed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            removed["modules"].as_u64(),
            removed["library"]["name"].as_str()
        ),
        (Some(2), Some("sales")),
        "--json gives what was removed: {removed}"
    );
    assert_eq!(
        module_count(&file),
        0,
        "its modules left the project's list"
    );
    let listed = stdout(&pathforge(&[&"libraries", &file]));
    assert!(
        listed.starts_with("sales  removed ")
            && listed.contains("(2 modules retired)")
            && listed.contains(&format!("`pathforge import {} ", file.display())),
        "a removed library is listed as removed, with how to bring it back: {listed}"
    );
    for (name, reason, why) in [
        (
            "sales",
            "the library “sales” is already removed",
            "removing it twice",
        ),
        (
            "marketing",
            "no library is called \"marketing\"",
            "a name no library has",
        ),
    ] {
        let out = pathforge(&[&"libraries", &file, &"--remove", &name]);
        assert!(
            out.status.code() == Some(1) && stderr(&out).contains(reason),
            "{why}: refused with {reason:?}: {}",
            stderr(&out)
        );
    }
    let log = stdout(&pathforge(&[&"log", &file, &"--last", &"1"]));
    assert!(
        log.contains("Removed the library “sales”: 2 modules retired"),
        "the removal is logged in words: {log}"
    );

    let out = pathforge(&[&"import", &file, &library, &"--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["added"].as_u64(), module_count(&file)),
        (Some(2), 2),
        "imported again, its modules are back: {report}"
    );
    assert!(
        stdout(&pathforge(&[&"libraries", &file])).starts_with("sales  2 modules, "),
        "and it is listed as in the project again"
    );
}
