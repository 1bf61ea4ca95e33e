//! `pathforge track add|edit|remove` on a catalog import, which declares no tracks: the
//! track a person makes gets a path, its audience becomes an assignment rule, each change
//! is logged, and bad input is refused naming the reason with nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pathforge(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("the pathforge binary runs")
}

fn ok(args: &[&dyn AsRef<std::ffi::OsStr>], why: &str) -> String {
    let out = pathforge(args);
    assert!(
        out.status.success(),
        "{why}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries")
}

fn log_actions(file: &Path) -> Vec<String> {
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&[&"log", &file, &"--json"], "log")).unwrap();
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn tracks_are_made_edited_and_removed_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("data.pathforge");
    ok(&[&"init", &file], "init");
    ok(
        &[&"import", &file, &samples().join("data-literacy")],
        "import",
    );
    ok(
        &[
            &"taxonomy",
            &"import",
            &file,
            &samples().join("taxonomies/data-literacy.csv"),
            &"--format",
            &"csv",
        ],
        "taxonomy",
    );
    assert!(
        ok(&[&"track", &"list", &file], "list").contains("has no tracks yet"),
        "a catalog import brings no track"
    );

    let added: serde_json::Value = serde_json::from_str(&ok(
        &[
            &"track",
            &"add",
            &file,
            &"csm",
            &"--name",
            &"Customer success",
            &"--target",
            &"data-quality",
            &"--target",
            &"reading-charts:beginner",
            &"--role",
            &"csm",
            &"--json",
        ],
        "add",
    ))
    .unwrap();
    assert_eq!(
        added["targets"][1]["level"], "beginner",
        "SKILL:LEVEL is read"
    );
    assert_eq!(added["role"], "csm", "the audience is kept");
    assert!(
        ok(&[&"track", &"list", &file], "list").contains("Customer success"),
        "the track is listed"
    );
    ok(
        &[&"track", &"path", &file, &"csm"],
        "the new track has a path to show",
    );
    let rules = ok(&[&"rules", &"list", &file], "rules");
    assert!(
        rules.contains("assign-csm"),
        "who takes it is an assignment rule: {rules}"
    );

    let edited: serde_json::Value = serde_json::from_str(&ok(
        &[
            &"track",
            &"edit",
            &file,
            &"csm",
            &"--name",
            &"CS managers",
            &"--no-role",
            &"--department",
            &"customer-success",
            &"--json",
        ],
        "edit",
    ))
    .unwrap();
    assert_eq!(
        (&edited["name"], &edited["role"], &edited["department"]),
        (
            &serde_json::json!("CS managers"),
            &serde_json::Value::Null,
            &serde_json::json!("customer-success")
        ),
        "the edit changes what it names and keeps the rest"
    );
    assert_eq!(
        edited["targets"].as_array().unwrap().len(),
        2,
        "targets kept"
    );

    let before = std::fs::read(&file).unwrap();
    for (args, reason) in [
        (
            vec!["track", "add", "x", "--name", "X", "--target", "nope"],
            "no skill has the slug \"nope\"",
        ),
        (
            vec!["track", "add", "csm", "--name", "X", "--target", "sampling"],
            "already exists",
        ),
        (
            vec!["track", "add", "x", "--name", "X"],
            "at least one target",
        ),
        (vec!["track", "remove", "nope"], "no track matches"),
    ] {
        let mut argv: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&args[0], &args[1], &file];
        argv.extend(args[2..].iter().map(|a| a as &dyn AsRef<std::ffi::OsStr>));
        let out = pathforge(&argv);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?} is refused: {err}");
        assert!(err.contains(reason), "{args:?}: says {reason:?}: {err}");
    }
    let err = String::from_utf8_lossy(
        &pathforge(&[
            &"track",
            &"add",
            &file,
            &"x",
            &"--name",
            &"X",
            &"--target",
            &"a:expert",
        ])
        .stderr,
    )
    .into_owned();
    assert!(err.contains("not a level"), "a bad level is named: {err}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "refused commands write nothing"
    );

    ok(&[&"track", &"remove", &file, &"csm"], "remove");
    assert!(
        ok(&[&"track", &"list", &file], "list").contains("has no tracks yet"),
        "the track is gone"
    );
    assert!(
        !ok(&[&"rules", &"list", &file], "rules").contains("assign-csm"),
        "and its assignment rule with it"
    );
    let actions = log_actions(&file);
    assert_eq!(
        actions[actions.len() - 3..],
        ["track.added", "track.edited", "track.removed"],
        "each change is one audit entry"
    );
}
