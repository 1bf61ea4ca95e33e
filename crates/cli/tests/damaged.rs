//! A project whose settings were edited outside Pathforge (a stray tool, a bad merge by
//! hand): the command that reads a damaged setting fails naming the file and the setting,
//! instead of quietly carrying on with a default, and leaves the file as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pathforge(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("the pathforge binary runs")
}

fn sample_library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding")
}

/// Stores `value` as the raw text of setting `key`, as a tool outside Pathforge would.
fn damage(file: &Path, key: &str, value: &str) {
    let conn = rusqlite::Connection::open(file).expect("the project opens in SQLite");
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = ?2",
        [key, value],
    )
    .expect("the setting is written");
}

#[test]
fn a_damaged_setting_is_named_not_replaced_by_a_default() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("sales.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    let check = |key: &str, value: &str, args: &[&dyn AsRef<std::ffi::OsStr>], why: &str| {
        damage(&file, key, value);
        let before = std::fs::read(&file).unwrap();
        let out = pathforge(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{why}: the command fails: {err}"
        );
        assert!(
            err.contains(&file.display().to_string()) && err.contains(&format!("`{key}`")),
            "{why}: the error names the file and the setting: {err}"
        );
        assert_eq!(
            std::fs::read(&file).unwrap(),
            before,
            "{why}: nothing was written"
        );
    };
    // Before, each of these silently became "not calibrated" / "no cohort" / "no scale".
    check(
        "simulation.bkt",
        r#"{"pricing": "high"}"#,
        &[&"simulate", &file],
        "fitted parameters that are not parameters",
    );
    damage(&file, "simulation.bkt", "null");
    check(
        "simulation.cohort",
        "[1, 2",
        &[&"simulate", &file],
        "a cohort that is not JSON",
    );
    damage(&file, "simulation.cohort", "null");
    check(
        "taxonomy.scale",
        "7",
        &[
            &"taxonomy",
            &"export",
            &file,
            &"--format",
            &"case",
            &"--out",
            &tmp.path().join("case.json"),
        ],
        "a proficiency scale that is a number",
    );
}
