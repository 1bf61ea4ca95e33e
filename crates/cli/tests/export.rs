//! LMS exports from the command line: a folder written with its coverage report and the
//! diff against the previous export.

mod common;

use common::*;

#[test]
fn export_writes_a_folder_with_coverage_and_reports_the_diff() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("s.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success(), "init works");
    assert!(
        pathforge(&[&"import", &file, &sample_library()])
            .status
            .success(),
        "import works"
    );
    let mapping = tmp.path().join("mapping.csv");
    std::fs::write(
        &mapping,
        "module,lms_id\nmodules/02-northwind-platform-overview.md,4102\n",
    )
    .expect("writes");
    let out_dir = tmp.path().join("moodle");
    let out = pathforge(&[
        &"export",
        &file,
        &"--target",
        &"moodle",
        &"--out",
        &out_dir,
        &"--mapping",
        &mapping,
        &"--json",
    ]);
    assert!(out.status.success(), "export works: {}", stderr(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    assert_eq!(
        report["coverage"]["unmapped"].as_array().map(Vec::len),
        Some(31),
        "one of 32 modules is mapped; the rest are listed: {report}"
    );
    assert!(
        report["diff"]["added"]
            .as_array()
            .is_some_and(|a| a.len() >= 6),
        "a first export adds every file: {report}"
    );
    for file in [
        "coverage.json",
        "competency-framework.csv",
        "availability.json",
        "webservice-calls.sh",
    ] {
        assert!(out_dir.join(file).is_file(), "the folder holds {file}");
    }
    let again = pathforge(&[
        &"export",
        &file,
        &"--target",
        &"moodle",
        &"--out",
        &out_dir,
        &"--mapping",
        &mapping,
    ]);
    assert!(
        stdout(&again).contains("0 added, 0 changed, 0 removed"),
        "exporting an unchanged project changes nothing: {}",
        stdout(&again)
    );
    let log = stdout(&pathforge(&[&"log", &file]));
    assert_eq!(
        log.matches("Exported to Moodle: ").count(),
        2,
        "each export is logged, naming the LMS as people know it: {log}"
    );
    assert!(
        log.contains(" in “moodle”  [export.written]")
            && !log.contains(&tmp.path().display().to_string()),
        "and the folder by its name alone: {log}"
    );
    check_fails(
        &[
            &"export",
            &file,
            &"--target",
            &"moodle",
            &"--out",
            &out_dir,
            &"--mapping",
            &tmp.path().join("none.csv"),
        ],
        &tmp.path().join("none.csv"),
        "No such file",
        "a missing mapping file is named",
    );
    let bad = pathforge(&[
        &"export",
        &file,
        &"--target",
        &"blackboard",
        &"--out",
        &out_dir,
    ]);
    assert!(
        !bad.status.success() && stderr(&bad).contains("\"blackboard\""),
        "an unknown target is named: {}",
        stderr(&bad)
    );
}

#[test]
fn an_empty_project_exports_nothing_and_says_what_is_missing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("empty.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success(), "init works");
    for (target, missing) in [
        ("scorm2004", "no modules yet"),
        ("cmi5", "no modules yet"),
        ("case", "no skills yet"),
        ("moodle", "no modules or skills yet"),
    ] {
        let out_dir = tmp.path().join(target);
        let out = pathforge(&[
            &"export",
            &file,
            &"--target",
            &target,
            &"--out",
            &out_dir,
            &"--json",
        ]);
        assert!(!out.status.success(), "{target}: refused");
        let error: serde_json::Value =
            serde_json::from_str(&stderr(&out)).expect("--json prints the error as JSON on stderr");
        assert_eq!(
            error["error"]["kind"], "conflict",
            "{target}: a refusal, by kind"
        );
        let message = error["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(missing),
            "{target}: the message says what is missing: {message}"
        );
        assert!(!out_dir.exists(), "{target}: nothing is written");
    }
}

#[test]
fn sync_dry_runs_list_the_moodle_and_canvas_calls_a_bundle_needs() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let file = sample_project(tmp.path());
    let bundle = build_bundle(&config, &file, &tmp.path().join("b"), "1.0.0");
    let modules: Vec<serde_json::Value> =
        serde_json::from_slice(&pathforge(&[&"modules", &file, &"--json"]).stdout).unwrap();
    let path_of = |id: &str| {
        modules.iter().find(|m| m["id"] == id).unwrap()["source_path"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let edges: Vec<serde_json::Value> =
        serde_json::from_slice(&pathforge(&[&"graph", &"edges", &file, &"--json"]).stdout).unwrap();
    let first = modules[0]["source_path"].as_str().unwrap().to_owned();
    let second = modules[1]["source_path"].as_str().unwrap().to_owned();
    let mapping = tmp.path().join("mapping.csv");
    std::fs::write(
        &mapping,
        format!("module,lms_id\n{first},101\n{second},102\n"),
    )
    .unwrap();

    let calls = |target: &str, extra: &[&dyn AsRef<std::ffi::OsStr>]| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"sync",
            &bundle,
            &"--target",
            &target,
            &"--dry-run",
            &"--json",
        ];
        args.extend_from_slice(extra);
        let out = pathforge_in(&config, &args);
        assert!(out.status.success(), "{target} dry run: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["calls"].as_array().unwrap().clone()
    };

    let canvas = calls("canvas", &[&"--mapping", &mapping]);
    let puts: Vec<&serde_json::Value> = canvas
        .iter()
        .filter(|c| {
            c["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/modules/{}", "102"))
        })
        .collect();
    assert_eq!(
        puts.len(),
        1,
        "the mapped module is named by its Canvas id: {canvas:?}"
    );
    let body: serde_json::Value = serde_json::from_str(puts[0]["body"].as_str().unwrap()).unwrap();
    let wanted: Vec<String> = edges
        .iter()
        .filter(|e| path_of(e["after"].as_str().unwrap()) == second)
        .map(|e| path_of(e["before"].as_str().unwrap()))
        .collect();
    let got = body["module"]["prerequisite_module_ids"]
        .as_array()
        .unwrap();
    assert_eq!(
        got.len(),
        wanted.len(),
        "the call sets exactly the module's prerequisites ({wanted:?}): {body}"
    );
    if wanted == [first.clone()] {
        assert_eq!(got[0], 101, "a mapped prerequisite is its Canvas id");
    }
    assert!(
        canvas
            .iter()
            .all(|c| c["method"] == "PUT"
                && c["path"].as_str().unwrap().starts_with("/api/v1/courses/")),
        "Canvas calls are the documented module endpoints"
    );

    let moodle = calls("moodle", &[]);
    assert!(
        moodle[0]["body"]
            .as_str()
            .unwrap()
            .contains("wsfunction=core_competency_create_competency_framework"),
        "Moodle starts with the competency framework: {}",
        moodle[0]
    );
    let gated = edges
        .iter()
        .map(|e| e["after"].as_str().unwrap())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let availability = moodle.iter().filter(|c| c["method"] == "php").count();
    assert_eq!(
        availability, gated,
        "one restrict-access step per module with prerequisites (Moodle has no web service for it)"
    );

    let out = pathforge_in(&config, &[&"sync", &bundle, &"--target", &"canvas"]);
    assert!(
        !out.status.success() && stderr(&out).contains("--dry-run"),
        "without --dry-run nothing is called, and the message says why: {}",
        stderr(&out)
    );
    let out = pathforge_in(
        &config,
        &[&"sync", &file, &"--target", &"moodle", &"--dry-run"],
    );
    assert!(
        !out.status.success() && stderr(&out).contains("not a bundle"),
        "a project is not a bundle: {}",
        stderr(&out)
    );
}

#[test]
fn package_items_are_carried_only_when_asked_and_only_into_their_own_standard() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("n.pathforge");
    let nurse = sample_library().with_file_name("nurse-onboarding");
    assert!(pathforge(&[&"init", &file]).status.success(), "init works");
    assert!(
        pathforge(&[&"import", &file, &nurse]).status.success(),
        "import works"
    );
    let export = |target: &str, dir: &str, carry: bool| {
        let out_dir = tmp.path().join(dir);
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
            vec![&"export", &file, &"--target", &target, &"--out", &out_dir];
        if carry {
            args.push(&"--carry-items");
        }
        let out = pathforge(&args);
        assert!(out.status.success(), "export works: {}", stderr(&out));
        (stdout(&out), stderr(&out), out_dir)
    };
    let (said, _, dir) = export("scorm2004", "plain", false);
    assert!(
        said.contains("text only: “Medication Safety Pre-Assessment”")
            && said.contains("export with --carry-items to carry the item itself")
            && !dir.join("items").exists(),
        "by default the package's items are text, and the report names the flag: {said}"
    );
    let (said, _, dir) = export("scorm2004", "carried", true);
    assert!(
        !said.contains("text only") && dir.join("items/medication-safety").is_dir(),
        "with --carry-items they are carried: {said}"
    );
    let (_, note, dir) = export("openedx", "openedx", true);
    assert!(
        note.contains("--carry-items carries package items into scorm2004, scorm12 and cmi5 only")
            && !dir.join("items").exists(),
        "a target that cannot carry them says so instead of ignoring the flag silently: {note}"
    );
    let (said, note, dir) = export("cmi5", "cmi5", true);
    assert!(
        note.is_empty()
            && said.contains("text only: “Medication Safety Pre-Assessment”")
            && !dir.join("items").exists(),
        "cmi5 carries cmi5 AUs, not SCORM items: these stay text: {said}"
    );
}
