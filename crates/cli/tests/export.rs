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
