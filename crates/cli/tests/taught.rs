//! What a reviewer accepts changes the curriculum: a library whose files declare no
//! skills, tagged by the real model and accepted with `review accept`, gets a track path,
//! a clean `graph check`, a simulation and an export, as a declared tag would. Before,
//! all four read declared tags only and still said "No module teaches…".

mod common;

use common::*;

/// Runs a command that must succeed; its stdout.
fn ok(args: &[&dyn AsRef<std::ffi::OsStr>], why: &str) -> String {
    let out = pathforge(args);
    assert!(out.status.success(), "{why}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn accepted_suggestions_feed_tracks_checks_simulation_and_export() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = testkit::Library::new()
        .manifest(
            r#"
[[skill]]
slug = "charts"
name = "Charts"
description = "Choosing and reading bar charts, line charts and scatter plots."

[[skill]]
slug = "stats"
name = "Descriptive statistics"
description = "Mean, median, standard deviation and the spread of a data set."

[[requires]]
module = "stats.md"
after = ["charts.md"]

[[track]]
slug = "analyst"
name = "Analyst"
targets = [{ skill = "charts" }, { skill = "stats" }]

[cohort]
bkt = { learn = 0.3, guess = 0.25, slip = 0.1, forget = 0.01 }

[[cohort.segments]]
name = "Analysts"
share = 1.0
prior = 0.2
speed = 1.0
weekly_minutes = 120
dropout_per_week = 0.0
reengage_response = 0.5
"#,
        )
        .module_text("charts.md", "Reading charts", None, &[], "A bar chart compares categories; a line chart shows a trend over time; a scatter plot shows how two measures move together. Choose the chart for the question, label both axes, and start a bar chart's axis at zero.")
        .module_text("stats.md", "Summary statistics", None, &[], "The mean is the average of a data set and the median its middle value. The standard deviation measures the spread of the values around the mean: a small one means most values lie close to it.")
        .write(&tmp.path().join("analytics"));
    let file = tmp.path().join("analytics.pathforge");
    ok(&[&"init", &file], "init");
    ok(&[&"import", &file, &lib], "import");

    let path = |why: &str| ok(&[&"track", &"path", &file, &"analyst"], why);
    assert!(
        path("before").contains("No module teaches: charts, stats"),
        "before anything is accepted, the track has nothing to teach its targets"
    );

    let model = testkit::model_dir();
    ok(&[&"tag", &file, &"--model", &model], "tag");
    for skill in ["charts", "stats"] {
        let queue: Vec<serde_json::Value> = serde_json::from_str(&ok(
            &[&"review", &"list", &file, &"--skill", &skill, &"--json"],
            "list",
        ))
        .unwrap();
        assert!(!queue.is_empty(), "the model suggests {skill}");
        // The module written for the skill, by its path in the library.
        let module = format!("{skill}.md");
        ok(
            &[
                &"review", &"accept", &file, &module, &skill, &"--note", &"checked",
            ],
            "the model suggested the skill for the module written for it",
        );
    }

    let after = path("after");
    assert!(
        !after.contains("No module teaches"),
        "accepted tags teach their skills: {after}"
    );
    for title in ["Reading charts", "Summary statistics"] {
        assert!(after.contains(title), "{title} is on the path: {after}");
    }
    let findings: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&[&"graph", &"check", &file, &"--json"], "check")).unwrap();
    let errors: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(
        errors.is_empty(),
        "graph check finds nothing to refuse: {errors:?}"
    );
    let sim: serde_json::Value =
        serde_json::from_str(&ok(&[&"simulate", &file, &"--json"], "simulate")).unwrap();
    let funnel = sim.to_string();
    assert!(
        funnel.contains("charts.md") && funnel.contains("stats.md"),
        "the simulation walks both modules: {sim}"
    );
    let out = tmp.path().join("scorm");
    ok(
        &[&"export", &file, &"--target", &"scorm2004", &"--out", &out],
        "an export is no longer refused",
    );
    let manifest = std::fs::read_to_string(out.join("imsmanifest.xml")).unwrap();
    assert!(
        manifest.contains("Reading charts") && manifest.contains("Summary statistics"),
        "both modules ship"
    );
}
