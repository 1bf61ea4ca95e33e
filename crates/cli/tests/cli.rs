//! The `pathforge` binary as a user runs it: real files, real exit codes, real output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pathforge(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("the pathforge binary runs")
}

/// Runs the binary with its config folder (profile, signing key) at `config`.
fn pathforge_in(config: &Path, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(args.iter().map(|a| a.as_ref()))
        .env("PATHFORGE_CONFIG_DIR", config)
        .output()
        .expect("the pathforge binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn sample_library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding")
}

fn module_count(file: &Path) -> usize {
    let out = pathforge(&[&"modules", &file, &"--json"]);
    assert!(out.status.success(), "listing works: {}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    list.as_array().expect("a JSON array of modules").len()
}

/// Runs a command that must fail with exit status 1 and one line on stderr that names
/// `file` and contains `reason`.
fn check_fails(args: &[&dyn AsRef<std::ffi::OsStr>], file: &Path, reason: &str, why: &str) {
    let out = pathforge(args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{why}: exit status 1; stderr: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{why}: the error is one line: {err:?}"
    );
    assert!(
        err.contains(&file.display().to_string()),
        "{why}: names {}: {err}",
        file.display()
    );
    assert!(
        err.contains(reason),
        "{why}: gives the reason {reason:?}: {err}"
    );
}

#[test]
fn init_import_list_show_and_log() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("sales.pathforge");
    let out = pathforge(&[&"init", &file]);
    assert!(out.status.success(), "init succeeds: {}", stderr(&out));
    assert!(
        stdout(&out).contains("Created project \"sales\""),
        "init says what it made"
    );
    assert_eq!(module_count(&file), 0, "a new project is empty");

    let out = pathforge(&[&"import", &file, &sample_library(), &"--json"]);
    assert!(out.status.success(), "import succeeds: {}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let total = report["total"].as_u64().unwrap() as usize;
    assert!(
        total >= 30,
        "the sample library has 30+ modules, got {total}"
    );
    assert_eq!(
        module_count(&file),
        total,
        "every imported module is listed"
    );

    let out = pathforge(&[&"modules", &file]);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("{total} modules")),
        "the table ends with a count: {text}"
    );

    let list: serde_json::Value =
        serde_json::from_slice(&pathforge(&[&"modules", &file, &"--json"]).stdout).unwrap();
    let first = &list[0];
    let id = first["id"].as_str().unwrap();
    let out = pathforge(&[&"show", &file, &id]);
    assert!(out.status.success(), "show succeeds: {}", stderr(&out));
    assert!(
        stdout(&out).starts_with(first["title"].as_str().unwrap()),
        "show starts with the title"
    );

    let out = pathforge(&[&"log", &file, &"--json"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        log[0]["action"], "library.imported",
        "the import is in the audit log"
    );
}

#[test]
fn bad_input_is_named_and_nothing_is_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    let lib = tmp.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    std::fs::write(lib.join("good.md"), "---\ntitle: Good\n---\nText.").unwrap();
    assert!(pathforge(&[&"import", &file, &lib]).status.success());

    let broken = lib.join("broken.md");
    std::fs::write(&broken, "---\ntitle: [oops\nlevel: 3\n---\n").unwrap();
    check_fails(
        &[&"import", &file, &lib],
        &broken,
        "broken front matter",
        "broken front matter",
    );
    std::fs::remove_file(&broken).unwrap();

    let latin1 = lib.join("latin1.md");
    std::fs::write(&latin1, b"caf\xe9 au lait").unwrap();
    check_fails(
        &[&"import", &file, &lib],
        &latin1,
        "not UTF-8",
        "a non-UTF-8 file",
    );
    std::fs::remove_file(&latin1).unwrap();

    let missing = tmp.path().join("no-such-folder");
    check_fails(
        &[&"import", &file, &missing],
        &missing,
        "No such file",
        "a missing folder",
    );
    let not_dir = lib.join("good.md");
    check_fails(
        &[&"import", &file, &not_dir],
        &not_dir,
        "is not a folder",
        "a file as folder",
    );

    assert_eq!(
        module_count(&file),
        1,
        "after every refused import the project still has its module"
    );

    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "my notes, not a project").unwrap();
    check_fails(
        &[&"modules", &notes],
        &notes,
        "not a Pathforge project",
        "a text file as project",
    );
    check_fails(
        &[&"import", &notes, &lib],
        &notes,
        "not a Pathforge project",
        "importing into it",
    );
    check_fails(
        &[&"init", &notes],
        &notes,
        "already exists",
        "init over an existing file",
    );
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "my notes, not a project",
        "a file passed by mistake is never modified"
    );
}

#[test]
fn json_errors_carry_a_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.pathforge");
    let out = pathforge(&[&"modules", &missing, &"--json"]);
    assert_eq!(out.status.code(), Some(1), "a missing project fails");
    let body: serde_json::Value = serde_json::from_slice(&out.stderr).expect("stderr is JSON");
    assert_eq!(
        body["error"]["kind"], "not_found",
        "scripts branch on the kind: {body}"
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("missing.pathforge"));

    let out = pathforge(&[&"frobnicate"]);
    assert_eq!(out.status.code(), Some(2), "usage errors exit with 2");

    // Errors that are not the engine's own still have a kind: an LMS target nobody has,
    // and a flag's value the CLI itself refuses.
    let project = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &project]).status.success());
    let kind_of = |args: &[&dyn AsRef<std::ffi::OsStr>]| -> serde_json::Value {
        let out = pathforge(args);
        assert_eq!(out.status.code(), Some(1), "refused: {}", stderr(&out));
        let body: serde_json::Value = serde_json::from_slice(&out.stderr).expect("JSON");
        body["error"]["kind"].clone()
    };
    let out_dir = tmp.path().join("out");
    assert_eq!(
        kind_of(&[
            &"export",
            &project,
            &"--target",
            &"blackboard",
            &"--out",
            &out_dir,
            &"--json"
        ]),
        "bad_input",
        "an unknown target is the caller's bad input, not a conflict"
    );
    let config = tmp.path().join("config");
    let out = pathforge_in(
        &config,
        &[&"profile", &"--name", &"Ann", &"--role", &"boss", &"--json"],
    );
    let body: serde_json::Value = serde_json::from_slice(&out.stderr).expect("JSON");
    assert_eq!(
        body["error"]["kind"], "bad_input",
        "a role the CLI does not know is bad input, never a null kind: {body}"
    );
}

#[test]
fn graph_check_link_and_unlink() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("g.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    let out = pathforge(&[&"graph", &"check", &file]);
    assert!(
        out.status.success(),
        "the sample graph has no errors: {}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("0 errors, 0 warnings"),
        "and says so: {}",
        stdout(&out)
    );

    let first = "modules/01-product-basics-pre-assessment.md";
    let last = "modules/32-certification-readiness-assessment.md";
    let out = pathforge(&[&"graph", &"link", &file, &last, &first]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "closing a cycle is refused: {}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("would close the prerequisite cycle “Certification Readiness Assessment” → “Product Basics Pre-Assessment” →"),
        "the refusal names the cycle in order: {err}"
    );

    let out = pathforge(&[&"graph", &"link", &file, &first, &last, &"--json"]);
    assert!(
        out.status.success(),
        "an acyclic link is added: {}",
        stderr(&out)
    );
    let out = pathforge(&[&"graph", &"check", &file, &"--json"]);
    assert!(
        out.status.success(),
        "a redundant edge is a warning, not an error"
    );
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings[0]["code"], "redundant_edge",
        "the shortcut is flagged: {findings}"
    );
    assert!(findings[0]["fix"]
        .as_str()
        .unwrap()
        .starts_with("Remove the direct prerequisite"));

    let out = pathforge(&[&"graph", &"unlink", &file, &first, &last]);
    assert!(out.status.success(), "unlink works: {}", stderr(&out));
    let out = pathforge(&[&"graph", &"unlink", &file, &first, &last]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "unlinking twice says there is no such edge"
    );
    let out = pathforge(&[&"graph", &"link", &file, &"No such module", &last]);
    assert!(
        stderr(&out).contains("no module matches \"No such module\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn track_path_and_taxonomy() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("t.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    let out = pathforge(&[&"track", &"path", &file, &"account-executive", &"--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        path["steps"].as_array().unwrap().len() > 10,
        "the AE track has a real path"
    );
    assert!(
        path["critical_path_minutes"].as_u64().unwrap() > 0,
        "with a critical path"
    );
    let text = stdout(&pathforge(&[
        &"track",
        &"path",
        &file,
        &"Account executive onboarding",
    ]));
    assert!(
        text.contains("critical path (*)"),
        "tracks resolve by name too: {text}"
    );
    let out = pathforge(&[&"track", &"path", &file, &"astronaut"]);
    assert_eq!(out.status.code(), Some(1), "an unknown track fails");
    assert!(
        stderr(&out).contains("no track matches \"astronaut\""),
        "{}",
        stderr(&out)
    );
    let tree = stdout(&pathforge(&[&"taxonomy", &"show", &file]));
    assert!(
        tree.starts_with("Selling at Northwind [selling]"),
        "the root heads the tree: {tree}"
    );
    assert!(
        tree.contains("\n    Negotiation [negotiation]  (7 modules)"),
        "leaves are indented under competencies: {tree}"
    );
}

#[test]
fn taxonomy_exports_are_valid_case_and_reimport_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first.pathforge");
    assert!(pathforge(&[&"init", &first]).status.success());
    assert!(pathforge(&[&"import", &first, &sample_library()])
        .status
        .success());
    let case = tmp.path().join("sales.case.json");
    let out = pathforge(&[
        &"taxonomy",
        &"export",
        &first,
        &"--format",
        &"case",
        &"--out",
        &case,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    testkit::validate("case11", &case);

    let second = tmp.path().join("second.pathforge");
    assert!(pathforge(&[&"init", &second]).status.success());
    let out = pathforge(&[
        &"taxonomy",
        &"import",
        &second,
        &case,
        &"--format",
        &"case",
        &"--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["added"].as_u64().unwrap() >= 15,
        "every skill arrives: {report}"
    );
    let again = tmp.path().join("again.case.json");
    assert!(pathforge(&[
        &"taxonomy",
        &"export",
        &second,
        &"--format",
        &"case",
        &"--out",
        &again
    ])
    .status
    .success());
    let strip_times = |p: &Path| {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .filter(|l| !l.contains("lastChangeDateTime"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        strip_times(&again) == strip_times(&case),
        "a re-imported framework exports identically (identifiers included)"
    );

    let csv = tmp.path().join("sales.csv");
    assert!(pathforge(&[
        &"taxonomy",
        &"export",
        &first,
        &"--format",
        &"csv",
        &"--out",
        &csv
    ])
    .status
    .success());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("id,parent_id,name,description\nselling,,Selling at Northwind,"),
        "{text}"
    );
    let out = pathforge(&[
        &"taxonomy",
        &"import",
        &second,
        &csv,
        &"--format",
        &"csv",
        &"--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["added"], 0,
        "the same skills by slug are updated, not duplicated: {report}"
    );

    let moodle = tmp.path().join("sales.moodle.csv");
    let out = pathforge(&[
        &"taxonomy",
        &"export",
        &first,
        &"--format",
        &"moodle-csv",
        &"--out",
        &moodle,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = pathforge(&[
        &"taxonomy",
        &"import",
        &second,
        &moodle,
        &"--format",
        &"moodle-csv",
        &"--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["added"], 0,
        "a Moodle round trip matches every skill by ID number: {report}"
    );

    let broken = tmp.path().join("broken.json");
    std::fs::write(&broken, "{ not json").unwrap();
    let before = stdout(&pathforge(&[&"taxonomy", &"show", &second]));
    let out = pathforge(&[
        &"taxonomy",
        &"import",
        &second,
        &broken,
        &"--format",
        &"case",
    ]);
    assert_eq!(out.status.code(), Some(1), "a broken file is refused");
    assert!(
        stderr(&out).contains("broken.json: not a CASE package"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stdout(&pathforge(&[&"taxonomy", &"show", &second])),
        before,
        "and nothing changed"
    );
}

#[test]
fn graph_suggest_explains_each_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("no-manifest");
    std::fs::create_dir(&lib).unwrap();
    for entry in std::fs::read_dir(sample_library().join("modules")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), lib.join(entry.file_name())).unwrap();
    }
    let file = tmp.path().join("s.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &lib]).status.success());
    let out = pathforge(&[&"graph", &"suggest", &file, &"--limit", &"5", &"--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 5, "the limit is honoured");
    for s in list {
        assert!(
            s["before_title"].is_string() && s["after_title"].is_string(),
            "both modules are named: {s}"
        );
        let c = s["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c), "confidence is in 0..1: {s}");
        assert!(
            !s["evidence"].as_array().unwrap().is_empty(),
            "every suggestion says why: {s}"
        );
    }
}

#[test]
fn rules_check_and_run_on_recorded_events() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("r.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    let out = pathforge(&[&"rules", &"check", &file]);
    assert!(
        out.status.success(),
        "the sample rules check clean: {}",
        stdout(&out)
    );
    let events = sample_library().join("events.jsonl");
    let out = pathforge(&[&"rules", &"run", &file, &"--events", &events, &"--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decisions: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let decisions = decisions.as_array().unwrap();
    let cara: Vec<&serde_json::Value> = decisions
        .iter()
        .filter(|d| d["learner"] == "cara@northwind.example")
        .collect();
    assert_eq!(
        cara[0]["kind"], "skip",
        "the xAPI statement places Cara: {cara:?}"
    );
    assert_eq!(
        cara[0]["target"],
        "modules/14-objection-handling-framework.md"
    );
    assert!(
        decisions
            .iter()
            .all(|d| d["explanation"].as_str().is_some_and(|e| !e.is_empty())),
        "every decision is explained"
    );

    let bad = tmp.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"learner\": \"x\", \"day\": 0, \"type\": \"enrolled\"}\nnot json\n",
    )
    .unwrap();
    let out = pathforge(&[&"rules", &"run", &file, &"--events", &bad]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a broken event stream is refused"
    );
    assert!(
        stderr(&out).contains("bad.jsonl: line 2: not JSON"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bundles_build_verify_detect_tampering_and_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let run = |args: &[&dyn AsRef<std::ffi::OsStr>]| pathforge_in(&config, args);
    let file = tmp.path().join("b.pathforge");
    assert!(run(&[&"init", &file]).status.success());
    assert!(run(&[&"import", &file, &sample_library()]).status.success());
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    for dir in [&one, &two] {
        let out = run(&[&"bundle", &"build", &file, &"--out", dir]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let name = "b-1.0.0.pathforge-bundle.zip";
    let (a, b) = (one.join(name), two.join(name));
    assert!(
        config.join("signing-key").exists(),
        "the key lives in the config folder"
    );
    let out = run(&[&"bundle", &"diff", &a, &b, &"--json"]);
    assert_eq!(
        stdout(&out).trim(),
        "[]",
        "two builds of the same project do not differ"
    );

    let key = stdout(&run(&[&"bundle", &"key"])).trim().to_owned();
    let out = run(&[&"bundle", &"verify", &a, &"--key", &key]);
    assert!(
        out.status.success(),
        "a fresh bundle verifies against the team key: {}",
        stderr(&out)
    );

    let mut bytes = std::fs::read(&a).unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0xff;
    let tampered = tmp.path().join("tampered.zip");
    std::fs::write(&tampered, bytes).unwrap();
    let out = run(&[&"bundle", &"verify", &tampered]);
    assert_eq!(out.status.code(), Some(1), "a changed byte is detected");
    assert!(
        stderr(&out).contains("tampered.zip"),
        "the file is named: {}",
        stderr(&out)
    );

    assert!(run(&[
        &"taxonomy",
        &"rename",
        &file,
        &"negotiation",
        &"Deal negotiation"
    ])
    .status
    .success());
    let out = run(&[
        &"bundle",
        &"build",
        &file,
        &"--out",
        &one,
        &"--version",
        &"1.1.0",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&[
        &"bundle",
        &"diff",
        &a,
        &one.join("b-1.1.0.pathforge-bundle.zip"),
        &"--json",
    ]);
    let changes: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        changes.as_array().unwrap().len(),
        1,
        "only the rename changed: {changes}"
    );
    assert_eq!(
        changes[0]["explanation"],
        "renamed “Negotiation” → “Deal negotiation”"
    );
}

#[test]
fn simulate_compares_static_and_rules_reproducibly() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    let run = || {
        pathforge(&[
            &"simulate",
            &file,
            &"--learners",
            &"500",
            &"--seed",
            &"9",
            &"--json",
        ])
    };
    let (a, b) = (run(), run());
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(
        a.stdout, b.stdout,
        "the same seed gives the same report, byte for byte"
    );
    let report: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let labels: Vec<&str> = report["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["Static path", "Project rules"],
        "without a bundle: the static path against the project's rules"
    );
    for (i, policy) in ["static", "rules"].iter().enumerate() {
        let r = &report["runs"][i]["report"];
        assert_eq!(r["learners"], 500, "{policy}: every learner is counted");
        let c = r["completion_rate"].as_f64().unwrap();
        assert!(
            c > 0.0 && c <= 1.0,
            "{policy}: a completion rate in (0, 1]: {c}"
        );
        assert_eq!(
            r["segments"].as_array().unwrap().len(),
            3,
            "{policy}: the sample cohort's three segments"
        );
    }
    assert_eq!(
        report["runs"][0]["report"]["hours_saved_by_placement"], 0.0,
        "the static path places nobody"
    );
    assert!(
        report["runs"][1]["report"]["hours_saved_by_placement"]
            .as_f64()
            .unwrap()
            > 0.0,
        "the rules place strong starters"
    );
    let out = pathforge(&[&"simulate", &file, &"--trace", &"3", &"--seed", &"9"]);
    let text = stdout(&out);
    assert!(
        text.starts_with("learner-3 (") && text.contains("enrolled (") && text.contains("[assign-"),
        "a learner's why trace starts at enrolment with their assignment: {text}"
    );
    let json = pathforge(&[
        &"simulate",
        &file,
        &"--trace",
        &"3",
        &"--seed",
        &"9",
        &"--json",
    ]);
    let journey: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let last = text.lines().last().unwrap_or_default();
    let said = match journey["ending"]["kind"].as_str() {
        Some("competent") => "ended: competent on day ",
        Some("dropped_out") => "ended: dropped out on day ",
        Some("not_competent") => "ended: not competent",
        other => panic!("a journey ends one of three ways, not {other:?}"),
    };
    assert!(
        last.starts_with(said),
        "the trace's last line says how the learner ended, as the JSON does ({said}): {text}"
    );
}

#[test]
fn simulate_compares_two_bundle_versions_and_names_a_bad_one() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let run = |args: &[&dyn AsRef<std::ffi::OsStr>]| pathforge_in(&config, args);
    let file = tmp.path().join("s.pathforge");
    // A copy of the sample library, whose re-engagement rule version 2 makes slower.
    let library = tmp.path().join("library");
    let copied = Command::new("cp")
        .args(["-r"])
        .arg(sample_library())
        .arg(&library)
        .status()
        .unwrap();
    assert!(copied.success(), "the sample library copies");
    assert!(run(&[&"init", &file]).status.success());
    assert!(run(&[&"import", &file, &library]).status.success());
    let out = run(&[
        &"bundle",
        &"build",
        &file,
        &"--out",
        &tmp.path(),
        &"--version",
        &"1.0.0",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = library.join("pathforge.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(
        text.contains("idle_days = 7\n"),
        "the sample nudges after 7 idle days"
    );
    std::fs::write(
        &manifest,
        text.replace("idle_days = 7\n", "idle_days = 21\n"),
    )
    .unwrap();
    assert!(run(&[&"import", &file, &library]).status.success());
    let out = run(&[
        &"bundle",
        &"build",
        &file,
        &"--out",
        &tmp.path(),
        &"--version",
        &"2.0.0",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (v1, v2) = (
        tmp.path().join("s-1.0.0.pathforge-bundle.zip"),
        tmp.path().join("s-2.0.0.pathforge-bundle.zip"),
    );
    let args = |json: bool| {
        let mut a: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"simulate",
            &file,
            &"--bundle",
            &v1,
            &"--bundle",
            &v2,
            &"--learners",
            &"800",
        ];
        if json {
            a.push(&"--json");
        }
        run(&a)
    };
    let out = args(true);
    assert!(out.status.success(), "{}", stderr(&out));
    let sim: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let labels: Vec<&str> = sim["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Static path",
            "Bundle 1.0.0 (s-1.0.0.pathforge-bundle.zip)",
            "Bundle 2.0.0 (s-2.0.0.pathforge-bundle.zip)"
        ],
        "the static path, then each version"
    );
    assert_eq!(
        sim["changes"][0]["subject"], "reengage-idle-learners",
        "what changed between the versions: {}",
        sim["changes"]
    );
    let p50 = |run: usize| {
        sim["runs"][run]["report"]["time_to_competency"]["p50"]
            .as_f64()
            .unwrap()
    };
    assert!(
        p50(2) >= p50(1),
        "later nudges do not make learners faster: {} then {}",
        p50(1),
        p50(2)
    );
    let text = stdout(&args(false));
    assert!(
        text.contains("What changed from Bundle 1.0.0")
            && text.contains("reengage-idle-learners")
            && text.contains("The second version against the first: completion "),
        "the table view lists the change too: {text}"
    );
    let broken = tmp.path().join("broken.pathforge-bundle.zip");
    std::fs::write(&broken, b"not a zip").unwrap();
    let out = run(&[&"simulate", &file, &"--bundle", &broken, &"--json"]);
    assert_eq!(out.status.code(), Some(1), "a broken bundle is refused");
    assert!(
        stderr(&out).contains("broken.pathforge-bundle.zip")
            && stderr(&out).contains("not a readable bundle"),
        "the error names the file and the reason: {}",
        stderr(&out)
    );
}

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
fn the_profile_is_set_once_and_logged_with_each_decision() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let run = |args: &[&dyn AsRef<std::ffi::OsStr>]| pathforge_in(&config, args);
    let out = run(&[&"profile"]);
    assert!(stdout(&out).contains("No profile yet"), "{}", stdout(&out));
    let out = run(&[&"profile", &"--name", &"Dana Okafor", &"--role", &"chief"]);
    assert!(
        !out.status.success() && stderr(&out).contains("use designer, sme or admin"),
        "{}",
        stderr(&out)
    );
    let out = run(&[&"profile", &"--name", &"Dana Okafor", &"--role", &"sme"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Dana Okafor (SME)"),
        "{}",
        stdout(&out)
    );
    let file = tmp.path().join("p.pathforge");
    assert!(run(&[&"init", &file]).status.success());
    assert!(run(&[&"import", &file, &sample_library()]).status.success());
    let log = stdout(&run(&[&"log", &file]));
    assert!(
        log.contains("Dana Okafor (SME)"),
        "the import is logged under the profile: {log}"
    );
}

#[test]
fn long_commands_print_plain_progress_lines_off_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    let import = |json: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pathforge"));
        cmd.args([
            "import".as_ref(),
            file.as_os_str(),
            sample_library().as_os_str(),
        ]);
        if json {
            cmd.arg("--json");
        }
        cmd.env("PATHFORGE_PROGRESS_DELAY_MS", "0")
            .output()
            .unwrap()
    };
    let out = import(false);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<String> = stderr(&out).lines().map(str::to_owned).collect();
    assert!(
        lines.len() >= 10 && lines.iter().all(|l| l.starts_with("importing ")),
        "stderr is a pipe here: a plain line per tenth of the files, no bar drawing: {lines:?}"
    );
    let total = lines.last().unwrap().rsplit('/').next().unwrap().to_owned();
    assert_eq!(
        lines.last().unwrap(),
        &format!("importing {total}/{total}"),
        "the last line says every file was read"
    );
    let out = import(true);
    assert!(out.status.success());
    assert_eq!(stderr(&out), "", "--json keeps stderr quiet for scripts");
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
    assert!(first.starts_with("Watching 1 libraries"), "{first}");
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
fn embed_keeps_its_stable_interface() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("texts.json");
    let output = tmp.path().join("out.json");
    std::fs::write(
        &input,
        r#"["Handling price objections", "", "Négociation — prix"]"#,
    )
    .unwrap();
    let model = testkit::model_dir();
    let out = pathforge(&[
        &"embed",
        &"--model",
        &model,
        &"--input",
        &input,
        &"--output",
        &output,
    ]);
    assert!(out.status.success(), "embed runs: {}", stderr(&out));
    let items: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&output).unwrap()).unwrap();
    let texts: Vec<&str> = items.iter().map(|i| i["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        ["Handling price objections", "", "Négociation — prix"],
        "same texts, same order"
    );
    for item in &items {
        let v: Vec<f64> = serde_json::from_value(item["embedding"].clone()).unwrap();
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        assert!(
            v.len() == 384 && (norm - 1.0).abs() < 1e-4,
            "384 numbers of unit length, got {} with norm {norm}",
            v.len()
        );
    }
    std::fs::write(&input, r#"{"not": "an array"}"#).unwrap();
    check_fails(
        &[
            &"embed",
            &"--model",
            &model,
            &"--input",
            &input,
            &"--output",
            &output,
        ],
        &input,
        "not a JSON array of strings",
        "bad input is named",
    );
}

#[test]
fn tag_tags_the_sample_library_and_show_explains_it() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    let model = testkit::model_dir();
    let out = pathforge(&[&"tag", &file, &"--model", &model, &"--json"]);
    assert!(out.status.success(), "tag runs: {}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["analysed"], 32,
        "every sample module is tagged: {report}"
    );
    assert!(
        report["suggestions"].as_u64().unwrap() >= 32,
        "at least one suggestion per module on average: {report}"
    );
    let again: serde_json::Value =
        serde_json::from_slice(&pathforge(&[&"tag", &file, &"--model", &model, &"--json"]).stdout)
            .unwrap();
    assert_eq!(
        (again["analysed"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(32)),
        "a second run reads nothing: {again}"
    );

    let modules: serde_json::Value =
        serde_json::from_slice(&pathforge(&[&"modules", &file, &"--json"]).stdout).unwrap();
    let pricing = modules
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["title"] == "Pricing Tiers and Packaging")
        .unwrap();
    let id = pricing["id"].as_str().unwrap();
    let text = stdout(&pathforge(&[&"show", &file, &id]));
    assert!(
        text.contains("Auto-tags (all-MiniLM-L6-v2@"),
        "show lists the auto-tags with the model: {text}"
    );
    assert!(
        text.contains("pricing-and-packaging"),
        "the pricing module is tagged with pricing: {text}"
    );
    assert!(
        text.contains("level:") && text.contains("keyphrases:"),
        "level signals and keyphrases are shown: {text}"
    );

    let missing = tmp.path().join("no-model-here");
    check_fails(
        &[&"tag", &file, &"--model", &missing],
        &missing,
        "missing",
        "a missing model folder is named",
    );
}

#[test]
fn audit_verify_and_export() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    let out = pathforge(&[&"audit", &"verify", &file]);
    assert!(
        out.status.success() && stdout(&out).contains("intact"),
        "a fresh log verifies: {}",
        stdout(&out)
    );
    let csv_file = tmp.path().join("audit.csv");
    assert!(pathforge(&[
        &"audit",
        &"export",
        &file,
        &"--format",
        &"csv",
        &"--out",
        &csv_file
    ])
    .status
    .success());
    let csv = std::fs::read_to_string(&csv_file).unwrap();
    assert!(
        csv.starts_with("seq,at_ms,actor,action,object,before,after,hash"),
        "CSV has a header: {csv}"
    );
    assert!(
        csv.contains("library.imported"),
        "the import is in the export"
    );
    let json_out = pathforge(&[&"audit", &"export", &file]);
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&json_out.stdout).unwrap();
    assert!(
        entries
            .iter()
            .all(|e| e["hash"].as_str().is_some_and(|h| h.len() == 64)),
        "every JSON entry carries its hash"
    );
}

#[test]
fn review_lists_and_decides_with_a_dry_run_first() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    let model = testkit::model_dir();
    assert!(pathforge(&[&"tag", &file, &"--model", &model])
        .status
        .success());
    let queue = |args: &[&dyn AsRef<std::ffi::OsStr>]| -> Vec<serde_json::Value> {
        let out = pathforge(args);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let pricing = queue(&[
        &"review",
        &"list",
        &file,
        &"--skill",
        &"pricing-and-packaging",
        &"--min",
        &"0.9",
        &"--json",
    ]);
    assert!(!pricing.is_empty(), "confident pricing suggestions exist");
    let dry = stdout(&pathforge(&[
        &"review",
        &"accept",
        &file,
        &"--skill",
        &"pricing-and-packaging",
        &"--min",
        &"0.9",
        &"--dry-run",
    ]));
    assert!(
        dry.contains(&format!(
            "{} suggestions match; would accept {}",
            pricing.len(),
            pricing.len()
        )),
        "the dry run previews the count: {dry}"
    );
    assert_eq!(
        queue(&[
            &"review",
            &"list",
            &file,
            &"--state",
            &"accepted",
            &"--json"
        ])
        .len(),
        0,
        "a dry run changes nothing"
    );
    let done = stdout(&pathforge(&[
        &"review",
        &"accept",
        &file,
        &"--skill",
        &"pricing-and-packaging",
        &"--min",
        &"0.9",
        &"--note",
        &"spot-checked",
    ]));
    assert!(
        done.contains(&format!("accept {}", pricing.len())),
        "{done}"
    );
    assert_eq!(
        queue(&[
            &"review",
            &"list",
            &file,
            &"--state",
            &"accepted",
            &"--json"
        ])
        .len(),
        pricing.len(),
        "they are accepted"
    );

    let one = &queue(&[&"review", &"list", &file, &"--json"])[0];
    let (module, skill) = (
        one["module_id"].as_str().unwrap(),
        one["skill_slug"].as_str().unwrap(),
    );
    assert!(pathforge(&[
        &"review",
        &"reject",
        &file,
        &module,
        &skill,
        &"--note",
        &"not covered"
    ])
    .status
    .success());
    let rejected = queue(&[
        &"review",
        &"list",
        &file,
        &"--state",
        &"rejected",
        &"--json",
    ]);
    assert_eq!(rejected.len(), 1, "one rejection: {rejected:?}");
    let unknown = pathforge(&[&"review", &"accept", &file, &"--skill", &"no-such-skill"]);
    assert_eq!(unknown.status.code(), Some(1), "an unknown skill fails");
    assert!(
        stderr(&unknown).contains("\"no-such-skill\""),
        "and is named: {}",
        stderr(&unknown)
    );
    assert!(
        pathforge(&[&"audit", &"verify", &file]).status.success(),
        "decisions keep the chain intact"
    );
}

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

#[test]
fn a_project_another_process_is_changing_is_busy_but_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    // This test process plays the app: it opens the project and makes an edit.
    let mut app = engine::Project::open(&file).unwrap();
    let module = app
        .resolve_module("Northwind Platform Overview")
        .unwrap()
        .id;
    app.set_module_level(
        &module,
        Some(model::Level::Advanced),
        None,
        &model::Actor::local_user(),
        model::Timestamp(1),
    )
    .unwrap();

    check_fails(
        &[&"import", &file, &sample_library()],
        &file,
        &format!(
            "another Pathforge is changing this project ({}, process {})",
            std::env::current_exe()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy(),
            std::process::id()
        ),
        "a second writer is told who holds the project",
    );
    let out = pathforge(&[&"import", &file, &sample_library(), &"--json"]);
    let body: serde_json::Value = serde_json::from_slice(&out.stderr).expect("stderr is JSON");
    assert_eq!(
        body["error"]["kind"], "busy",
        "scripts can branch on it: {body}"
    );
    assert_eq!(
        module_count(&file),
        32,
        "reading a project someone else is changing still works"
    );
    let out = pathforge(&[
        &"backup",
        &file,
        &"--out",
        &tmp.path().join("b.pathforge-backup"),
    ]);
    assert!(
        out.status.success(),
        "so does backing it up: {}",
        stderr(&out)
    );

    drop(app);
    let out = pathforge(&[&"import", &file, &sample_library()]);
    assert!(
        out.status.success(),
        "once the other process closes the project, the command works: {}",
        stderr(&out)
    );
}

#[test]
fn backup_and_restore_put_a_project_back_and_keep_what_it_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    let backup = tmp.path().join("before-link.pathforge-backup");
    let out = pathforge(&[&"backup", &file, &"--out", &backup, &"--json"]);
    assert!(out.status.success(), "backup works: {}", stderr(&out));
    let edges = |f: &Path| {
        let out = pathforge(&[&"graph", &"edges", &f, &"--json"]);
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    let before = edges(&file);
    let first = "modules/01-product-basics-pre-assessment.md";
    let last = "modules/32-certification-readiness-assessment.md";
    assert!(pathforge(&[&"graph", &"link", &file, &first, &last])
        .status
        .success());
    assert_eq!(edges(&file), before + 1, "the edit is made");
    check_fails(
        &[&"backup", &file, &"--out", &backup],
        &backup,
        "already exists",
        "a backup never overwrites a file",
    );

    let out = pathforge(&[&"restore", &file, &backup, &"--json"]);
    assert!(out.status.success(), "restore works: {}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        edges(&file),
        before,
        "the project is back as the backup has it"
    );
    let kept = PathBuf::from(report["kept"].as_str().unwrap());
    assert_eq!(
        edges(&kept),
        before + 1,
        "what the restore replaced is kept, so the restore can be undone"
    );
    let log = stdout(&pathforge(&[&"log", &file]));
    assert!(
        log.contains("project.restored"),
        "the restore is in the restored project's log: {log}"
    );
    assert!(
        pathforge(&[&"audit", &"verify", &file]).status.success(),
        "and the audit chain is whole"
    );

    let not_a_backup = tmp.path().join("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap();
    check_fails(
        &[&"restore", &file, &not_a_backup],
        &not_a_backup,
        "not a SQLite database",
        "a file that is not a project is refused by name",
    );
    assert_eq!(edges(&file), before, "and the project is as it was");
}
