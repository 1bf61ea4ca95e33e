//! Rules, bundles and simulations from the command line: checks and dry runs on recorded
//! events, signed bundles (tampering, diff), static path against rules, two bundle
//! versions.

mod common;

use common::*;

#[test]
fn rules_check_and_run_on_recorded_events() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("r.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    let list = stdout(&pathforge(&[&"rules", &"list", &file]));
    let kind_at: std::collections::BTreeSet<usize> = list
        .lines()
        .filter(|l| l.contains("  "))
        .map(|l| {
            let id = l.split(' ').next().unwrap_or_default();
            id.chars().count() + l[id.len()..].chars().take_while(|c| *c == ' ').count()
        })
        .collect();
    assert_eq!(
        kind_at.len(),
        1,
        "the list's kinds line up, the graph's long rule ids included: {list}"
    );
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
    // `--out` ending in .zip names the bundle itself rather than a folder for it.
    let named = tmp.path().join("release").join("onboarding.zip");
    let out = run(&[&"bundle", &"build", &file, &"--out", &named]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        named.is_file(),
        "--out release/onboarding.zip writes that file, not a folder of that name"
    );
    let out = run(&[&"bundle", &"verify", &named]);
    assert!(out.status.success(), "and it verifies: {}", stderr(&out));
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
    assert_eq!(
        report["runs"][0]["fairness"].as_array().map(Vec::len),
        Some(0),
        "the static path is the baseline fairness is measured against, not compared itself"
    );
    let gaps = report["runs"][1]["fairness"].as_array().unwrap();
    assert_eq!(
        gaps.len(),
        3,
        "the rules' run compares each of the three segments' completion gap"
    );
    for g in gaps {
        let (low, high, w) = (g["low"].as_f64(), g["high"].as_f64(), g["change"].as_f64());
        assert!(
            matches!((low, high, w), (Some(l), Some(h), Some(w)) if l <= w && w <= h),
            "each gap's widening lies in its interval: {g}"
        );
    }
    let text = stdout(&pathforge(&[
        &"simulate",
        &file,
        &"--learners",
        &"500",
        &"--seed",
        &"9",
    ]));
    let flagged = gaps.iter().filter(|g| g["flagged"] == true).count();
    assert_eq!(
        text.matches("⚑ FAIRNESS").count(),
        flagged,
        "the text flags exactly the gaps the JSON flags: {text}"
    );
    if flagged == 0 {
        assert!(
            text.contains("Fairness: the rules widen no segment's completion gap"),
            "and says so when there are none: {text}"
        );
    }
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
    let titles = journey["titles"].as_object().expect("a journey's titles");
    assert!(
        !titles.is_empty(),
        "the rules opened modules for learner 3, so the journey names some: {journey}"
    );
    for (key, title) in titles {
        let shown = format!("“{}”", title.as_str().unwrap_or_default());
        assert!(
            text.contains(&shown) && !text.contains(&format!(" {key} ")),
            "the trace names {key} by its title, {shown}, not by its path: {text}"
        );
    }
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
fn our_own_xapi_export_feeds_back_into_a_dry_run() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample_project(tmp.path());
    let dir = tmp.path().join("xapi");
    let out = pathforge(&[&"export", &file, &"--target", &"xapi", &"--out", &dir]);
    assert!(out.status.success(), "xAPI export: {}", stderr(&out));
    let statements = dir.join("statements.json");
    let out = pathforge(&[&"rules", &"run", &file, &"--events", &statements, &"--json"]);
    assert!(
        out.status.success(),
        "what `export --target xapi` writes is read back: {}",
        stderr(&out)
    );
    let decisions: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        decisions.iter().any(|d| d["kind"] == "unlock"),
        "the simulated learners' completions unlock modules again: {} decisions",
        decisions.len()
    );
    let out = pathforge(&[&"calibrate", &file, &"--events", &statements, &"--json"]);
    assert!(
        out.status.success(),
        "calibration reads the same statements: {}",
        stderr(&out)
    );
}

/// A bundle edited and re-signed with a fresh key was "valid" (#25 item 5): now only keys
/// trusted here pass, an unknown signer is named with the way to trust it, and a diff
/// says when the signer changed.
#[test]
fn bundles_from_an_unknown_signer_are_refused_until_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let (ana, ben) = (tmp.path().join("ana"), tmp.path().join("ben"));
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge_in(&ana, &[&"init", &file]).status.success());
    assert!(pathforge_in(&ana, &[&"import", &file, &sample_library()])
        .status
        .success());
    let build = |config: &Path, dir: &str| -> PathBuf {
        let out_dir = tmp.path().join(dir);
        let out = pathforge_in(
            config,
            &[&"bundle", &"build", &file, &"--out", &out_dir, &"--json"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let made: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        PathBuf::from(made["bundle"].as_str().unwrap())
    };
    let from_ana = build(&ana, "a");
    let ana_key = stdout(&pathforge_in(&ana, &[&"bundle", &"key"]))
        .trim()
        .to_owned();
    assert!(
        pathforge_in(&ana, &[&"bundle", &"verify", &from_ana])
            .status
            .success(),
        "this machine's own bundles are trusted"
    );
    let out = pathforge_in(&ben, &[&"bundle", &"verify", &from_ana]);
    assert_eq!(out.status.code(), Some(1), "another machine refuses it");
    assert!(
        stderr(&out).contains(&format!("signed by an unknown key {ana_key}"))
            && stderr(&out).contains("pathforge bundle trust add"),
        "the signer is named with the way to trust it: {}",
        stderr(&out)
    );
    let simulate = |config: &Path| {
        pathforge_in(
            config,
            &[
                &"simulate",
                &file,
                &"--bundle",
                &from_ana,
                &"--learners",
                &"50",
                &"--json",
            ],
        )
    };
    let out = simulate(&ben);
    assert!(
        !out.status.success() && stderr(&out).contains("unknown key"),
        "nor is it simulated: {}",
        stderr(&out)
    );
    let out = pathforge_in(
        &ben,
        &[
            &"bundle",
            &"trust",
            &"add",
            &ana_key,
            &"--who",
            &"Ana's laptop",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        pathforge_in(&ben, &[&"bundle", &"verify", &from_ana])
            .status
            .success(),
        "once trusted it verifies"
    );
    assert!(simulate(&ben).status.success(), "and simulates");
    let from_ben = build(&ben, "b");
    let out = pathforge_in(&ben, &[&"bundle", &"diff", &from_ana, &from_ben]);
    assert!(
        stdout(&out).contains("signer") && stdout(&out).contains(&ana_key),
        "a diff says the signer changed: {}",
        stdout(&out)
    );
    let out = pathforge_in(&ben, &[&"bundle", &"trust", &"add", &"not-a-key"]);
    assert!(
        !out.status.success() && stderr(&out).contains("64 hexadecimal digits"),
        "a malformed key is refused: {}",
        stderr(&out)
    );
}
