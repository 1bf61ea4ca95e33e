//! Auto-tagging and review from the command line, with the real model: `embed`'s stable
//! interface, `tag` and `show`, the review queue with dry runs.

mod common;

use common::*;

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
    let file = sample_project(tmp.path());
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
fn tag_says_what_to_do_when_the_project_has_no_skills() {
    let tmp = tempfile::tempdir().unwrap();
    let library = testkit::Library::new()
        .module("par.md", "Par", 10, &[])
        .module("birdie.md", "Birdie", 10, &[])
        .write(&tmp.path().join("golf"));
    let file = tmp.path().join("golf.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &library]).status.success());
    let model = testkit::model_dir();
    let out = pathforge(&[&"tag", &file, &"--model", &model]);
    let text = stdout(&out);
    assert!(
        out.status.success() && text.contains("has no skills yet, so there is none to suggest"),
        "modules but no taxonomy: the run is no failure, and it says why nothing is suggested \
         and how to get skills, not just “0 suggestions”: {text}{}",
        stderr(&out)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&pathforge(&[&"tag", &file, &"--model", &model, &"--json"]).stdout)
            .unwrap();
    assert_eq!(
        (report["skills"].as_u64(), report["modules"].as_u64()),
        (Some(0), Some(2)),
        "the report counts the skills matched against, so the window can say the same: {report}"
    );
    let sample = sample_project(tmp.path());
    let text = stdout(&pathforge(&[&"tag", &sample, &"--model", &model]));
    assert!(
        !text.contains("no skills yet"),
        "a project with a taxonomy is not told it has none: {text}"
    );
}

#[test]
fn review_lists_and_decides_with_a_dry_run_first() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample_project(tmp.path());
    let model = testkit::model_dir();
    assert!(pathforge(&[&"tag", &file, &"--model", &model])
        .status
        .success());
    let queue = |args: &[&dyn AsRef<std::ffi::OsStr>]| -> Vec<serde_json::Value> {
        let out = pathforge(args);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // How many suggestions are in `state`.
    let in_state =
        |state: &str| queue(&[&"review", &"list", &file, &"--state", &state, &"--json"]).len();
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
    let matched = match pricing.len() {
        1 => "1 suggestion matches".to_owned(),
        n => format!("{n} suggestions match"),
    };
    assert!(
        dry.contains(&format!("{matched}; would accept {}", pricing.len())),
        "the dry run previews the count, in the singular for one: {dry}"
    );
    assert_eq!(in_state("accepted"), 0, "a dry run changes nothing");
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
    assert_eq!(in_state("accepted"), pricing.len(), "they are accepted");

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
    assert_eq!(in_state("rejected"), 1, "one rejection");
    // Taken back: the suggestion is open again, and the log says so in words.
    let out = pathforge(&[&"review", &"reopen", &file, &module, &skill]);
    assert!(
        stdout(&out).contains("1 suggestion matches; reopen 1"),
        "reopen says what it did: {}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(in_state("rejected"), 0, "no rejection is left");
    assert!(
        queue(&[&"review", &"list", &file, &"--json"])
            .iter()
            .any(|t| t["module_id"] == module && t["skill_slug"] == skill),
        "the suggestion is back in the open queue"
    );
    let log = stdout(&pathforge(&[&"log", &file, &"--match", &"reopened"]));
    assert!(log.contains("Reopened “"), "logged in words: {log}");
    let accepted = in_state("accepted");
    let out = pathforge(&[
        &"review",
        &"reopen",
        &file,
        &"--skill",
        &"pricing-and-packaging",
        &"--min",
        &"0.9",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        in_state("accepted"),
        accepted - pricing.len(),
        "a filter reopens the decided suggestions it matches"
    );
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
fn every_review_command_answers_json_under_json_and_words_without() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample_project(tmp.path());
    let model = testkit::model_dir();
    assert!(pathforge(&[&"tag", &file, &"--model", &model])
        .status
        .success());
    let out = pathforge(&[&"review", &"list", &file, &"--json"]);
    let queue: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let first = &queue[0];
    let module = first["module_id"].as_str().unwrap().to_owned();
    let from = first["skill_slug"].as_str().unwrap().to_owned();
    let to = if from == "active-listening" {
        "pricing-and-packaging"
    } else {
        "active-listening"
    };
    // Each command once with --json (one JSON document, the fields a script reads) and
    // once without (words, never JSON), on a project both runs change alike.
    let check = |args: &[&dyn AsRef<std::ffi::OsStr>], field: &str, want: serde_json::Value| {
        let args_text: Vec<String> = args
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect();
        let label = args_text[..2].join(" ");
        let mut with_json = args.to_vec();
        with_json.push(&"--json");
        let out = pathforge(&with_json);
        assert!(out.status.success(), "{label}: {}", stderr(&out));
        let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{label} --json prints one JSON document ({e}): {}",
                stdout(&out)
            )
        });
        assert_eq!(
            body[field], want,
            "{label} --json: {field} says what was done"
        );
        let out = pathforge(args);
        assert!(out.status.success(), "{label}: {}", stderr(&out));
        assert!(
            serde_json::from_slice::<serde_json::Value>(&out.stdout).is_err()
                && !stdout(&out).trim().is_empty(),
            "{label} without --json says it in words: {}",
            stdout(&out)
        );
    };
    // The module's level as its file gives it, before anyone sets one.
    let file_level = || {
        let out = pathforge(&[&"modules", &file, &"--json"]);
        let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        list.into_iter()
            .find(|m| m["id"] == module.as_str())
            .map(|m| m["level"].clone())
            .unwrap()
    };
    let from_file = file_level();
    assert_ne!(
        from_file, "advanced",
        "the file gives another level than the one set below, or clearing would show nothing"
    );
    check(
        &[&"review", &"level", &file, &module, &"advanced"],
        "level",
        "advanced".into(),
    );
    check(
        &[&"review", &"level", &file, &module, &"--clear"],
        "level",
        serde_json::Value::Null,
    );
    assert_eq!(
        file_level(),
        from_file,
        "cleared, the module has its file's level again at once"
    );
    check(
        &[&"review", &"auto-accept", &file, &"0.95"],
        "auto_accept",
        0.95.into(),
    );
    check(
        &[&"review", &"auto-accept", &file, &"--off"],
        "auto_accept",
        serde_json::Value::Null,
    );
    // An edit can be made once (the suggestion is then rejected in favour of the other
    // skill), so the words run on a second suggestion.
    let mut edit = vec![
        &"review" as &dyn AsRef<std::ffi::OsStr>,
        &"edit",
        &file,
        &module,
        &from,
        &"--to",
        &to,
        &"--json",
    ];
    let out = pathforge(&edit);
    assert!(out.status.success(), "edit: {}", stderr(&out));
    let body: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("edit --json prints JSON ({e}): {}", stdout(&out)));
    assert_eq!(
        (body["rejected"].as_str(), body["accepted"].as_str()),
        (Some(from.as_str()), Some(to)),
        "edit --json names both skills"
    );
    edit.pop();
    let second = queue
        .iter()
        .find(|t| t["module_id"] != first["module_id"])
        .expect("suggestions on two modules");
    let (module2, from2) = (
        second["module_id"].as_str().unwrap(),
        second["skill_slug"].as_str().unwrap(),
    );
    let to2 = if from2 == "active-listening" {
        "pricing-and-packaging"
    } else {
        "active-listening"
    };
    let out = pathforge(&[&"review", &"edit", &file, &module2, &from2, &"--to", &to2]);
    assert!(
        stdout(&out).contains(&format!("{from2} rejected in favour of {to2}")),
        "edit says it in words: {}",
        stdout(&out)
    );
}
