//! The curriculum from the command line: the prerequisite graph and its checks, tracks, the
//! taxonomy and its CASE round trip, prerequisite suggestions.

mod common;

use common::*;

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
    assert!(
        pathforge(&[&"taxonomy", &"retire", &file, &"forecasting"])
            .status
            .success(),
        "a skill retires"
    );
    let tree = stdout(&pathforge(&[&"taxonomy", &"show", &file]));
    assert!(
        tree.contains("\n    Forecasting [forecasting]  (3 modules)  retired\n")
            && !tree.contains("[negotiation]  (7 modules)  retired"),
        "the tree says which skills are retired, and only those: {tree}"
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
        assert_eq!(
            s["by_vectors"], false,
            "an untagged project's modules are compared by their words, and it says so: {s}"
        );
    }

    // The top suggestion dismissed, by title: gone from every later `suggest`, either way
    // round, until `--undo`.
    let pair = |s: &serde_json::Value| {
        (
            s["before_title"].as_str().unwrap().to_owned(),
            s["after_title"].as_str().unwrap().to_owned(),
        )
    };
    let suggested = || -> Vec<(String, String)> {
        let out = pathforge(&[&"graph", &"suggest", &file, &"--limit", &"50", &"--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        list.as_array().unwrap().iter().map(pair).collect()
    };
    let before = suggested();
    let (b, a) = before[0].clone();
    let out = pathforge(&[&"graph", &"dismiss", &file, &b, &a, &"--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        said,
        serde_json::json!({ "dismissed": true, "changed": true }),
        "the dismissal is reported"
    );
    let after = suggested();
    assert!(
        !after.contains(&(b.clone(), a.clone())) && !after.contains(&(a.clone(), b.clone())),
        "a dismissed suggestion is not suggested again, either way round: {after:?}"
    );
    let out = pathforge(&[&"graph", &"dismiss", &file, &b, &a]);
    assert!(
        stdout(&out).contains("was already dismissed"),
        "dismissing twice says so: {}",
        stdout(&out)
    );
    let out = pathforge(&[&"graph", &"dismiss", &file, &b, &a, &"--undo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        suggested(),
        before,
        "taken back, the suggestions are as they were, it at the top"
    );
    // Said in words: what the suggestions learned from, once the project has a prerequisite.
    let words = |file: &Path| {
        let out = pathforge(&[&"graph", &"suggest", &file, &"--limit", &"3"]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    assert!(
        !words(&file).contains("learned from"),
        "a project without prerequisites has nothing to learn from: {}",
        words(&file)
    );
    assert!(
        words(&file).contains("compared by their words, as not every one has been auto-tagged:"),
        "before auto-tagging, the summary says how to get the model's comparison: {}",
        words(&file)
    );
    let out = pathforge(&[&"graph", &"link", &file, &b, &a]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        words(&file).contains("(learned from this project's 1 prerequisite)"),
        "with one, the summary says so: {}",
        words(&file)
    );
    let out = pathforge(&[&"graph", &"dismiss", &file, &b, &"no such module"]);
    assert!(
        !out.status.success() && stderr(&out).contains("no such module"),
        "an unknown module is refused, named: {}",
        stderr(&out)
    );
    // About one module, by title: only edges into or out of it.
    let about = |limit: &str, json: bool| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
            vec![&"graph", &"suggest", &file, &"--module", &a, &"--limit"];
        args.push(&limit);
        if json {
            args.push(&"--json");
        }
        pathforge(&args)
    };
    let out = about("6", true);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert!(
        !list.is_empty()
            && list
                .iter()
                .all(|s| s["before_title"] == a.as_str() || s["after_title"] == a.as_str()),
        "asked about “{a}”, every suggestion starts or ends there: {list:?}"
    );
    // Said in words when none of them is likely, and only then: not of “{a}”, whose
    // list leads with likely ones; but of a module about something else entirely.
    assert!(
        list[0]["confidence"].as_f64().unwrap() >= 0.5
            && !stdout(&about("6", false)).contains("none is likelier than not"),
        "“{a}” has a likely suggestion, and its list does not say none is: {list:?}"
    );
    let other = tmp.path().join("hobbies");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(
        other.join("knitting.md"),
        "# Knitting\n\nYarn, needles, casting on and purl stitches for a winter scarf.",
    )
    .unwrap();
    assert!(pathforge(&[&"import", &file, &other]).status.success());
    let knitting = pathforge(&[&"graph", &"suggest", &file, &"--module", &"Knitting"]);
    assert!(
        stdout(&knitting).contains("none is likelier than not (all under 50%)"),
        "a module unlike all the others has no likely prerequisite or follow-up, and the \
         list says so: {}",
        stdout(&knitting)
    );
    let out = about("1", false);
    assert!(
        stdout(&out).contains(&format!("1 suggestion for “{a}”")),
        "the summary names the module, in the singular for one: {}",
        stdout(&out)
    );
    let out = pathforge(&[&"graph", &"suggest", &file, &"--module", &"no such module"]);
    assert!(
        !out.status.success() && stderr(&out).contains("no such module"),
        "an unknown module is refused, named: {}",
        stderr(&out)
    );
}

#[test]
fn one_cycle_is_one_finding_not_one_per_module_behind_it() {
    // A 1,500-module chain whose first two modules require each other.
    let n = 1_500;
    let mut lib = testkit::Library::new();
    for i in 0..n {
        lib = lib.module(&format!("m{i:04}.md"), &format!("M{i}"), 5, &[]);
        if i > 0 {
            lib = lib.requires(&format!("m{i:04}.md"), &[&format!("m{:04}.md", i - 1)]);
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let lib = lib
        .requires("m0000.md", &["m0001.md"])
        .write(&tmp.path().join("chain"));
    let file = tmp.path().join("c.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    let import = pathforge(&[&"import", &file, &lib]);
    assert!(import.status.success(), "{}", stderr(&import));
    let findings = |each: bool| -> Vec<serde_json::Value> {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"graph", &"check", &file, &"--json"];
        if each {
            args.push(&"--each");
        }
        let out = pathforge(&args);
        assert_eq!(out.status.code(), Some(1), "a cycle is an error");
        serde_json::from_slice(&out.stdout).expect("--json prints JSON")
    };
    let grouped = findings(false);
    let codes: Vec<&str> = grouped.iter().filter_map(|f| f["code"].as_str()).collect();
    assert_eq!(
        codes,
        ["cycle", "unreachable_module"],
        "the cycle, and one finding for everything it blocks (was one per module: {n})"
    );
    assert_eq!(
        grouped[1]["objects"].as_array().map(Vec::len),
        Some(n - 2),
        "the finding still names every blocked module, for the app to show them"
    );
    assert!(
        grouped[1]["message"].as_str().is_some_and(|m| m
            .contains("blocks 1498 modules downstream")
            && m.ends_with("and 1488 more.")),
        "it counts them and names the first ten: {}",
        grouped[1]["message"]
    );
    assert_eq!(
        findings(true).len(),
        1 + (n - 2),
        "--each gives one finding per blocked module"
    );
}

#[test]
fn merge_brings_another_copys_prerequisites_and_lists_collisions_until_resolved() {
    let tmp = tempfile::tempdir().unwrap();
    let base = sample_project(tmp.path());
    let (ours, theirs) = (
        tmp.path().join("ours.pathforge"),
        tmp.path().join("theirs.pathforge"),
    );
    std::fs::copy(&base, &ours).unwrap();
    std::fs::copy(&base, &theirs).unwrap();
    let link = |file: &Path, before: &str, after: &str, group: &[&str]| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
            vec![&"graph", &"link", &file, &before, &after];
        for g in group {
            args.push(g);
        }
        let out = pathforge(&args);
        assert!(out.status.success(), "link: {}", stderr(&out));
    };
    let target = "modules/16-competitor-and-status-quo-objections.md";
    link(
        &ours,
        "modules/01-product-basics-pre-assessment.md",
        "modules/07-discovery-call-structure.md",
        &[],
    );
    link(
        &theirs,
        "modules/02-northwind-platform-overview.md",
        "modules/08-open-questions-and-active-listening.md",
        &[],
    );
    link(
        &ours,
        "modules/06-competitive-landscape.md",
        target,
        &["--group", "any-of"],
    );
    link(
        &theirs,
        "modules/14-objection-handling-framework.md",
        target,
        &["--group", "n-of", "--n", "1"],
    );

    let out = pathforge(&[&"merge", &ours, &theirs]);
    let words = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "unresolved conflicts fail the command: {words}"
    );
    assert!(
        words.contains("CONFLICT")
            && words.contains("ours:   any-of")
            && words.contains("theirs: 1-of"),
        "the collision is shown side by side: {words}"
    );
    assert!(
        words.contains("1 conflict: nothing was changed"),
        "and nothing changed, said of one conflict in the singular: {words}"
    );

    let key = words
        .lines()
        .find(|l| l.contains("CONFLICT"))
        .and_then(|l| l.rsplit_once('[')?.1.strip_suffix(']').map(str::to_owned))
        .expect("the listing shows each conflict's key");
    let resolve = format!("{key}=theirs");
    let out = pathforge(&[&"merge", &ours, &theirs, &"--resolve", &resolve, &"--json"]);
    assert!(
        out.status.success(),
        "resolved, it merges: {}",
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["merged"], true, "{report}");
    assert_eq!(
        report["conflicts"][0]["resolved"], "theirs",
        "how it was resolved is recorded"
    );
    let edges = stdout(&pathforge(&[&"graph", &"edges", &ours, &"--json"]));
    let edges: Vec<serde_json::Value> = serde_json::from_str(&edges).unwrap();
    let count = |e: &[serde_json::Value]| e.len();
    let base_edges: Vec<serde_json::Value> =
        serde_json::from_slice(&pathforge(&[&"graph", &"edges", &base, &"--json"]).stdout).unwrap();
    assert_eq!(
        count(&edges),
        count(&base_edges) + 2,
        "ours' new edge and theirs' are both there (the links into module 16 regrouped edges it had)"
    );
    assert!(
        edges
            .iter()
            .filter(|e| e["group"]["kind"] == "n_of")
            .count()
            >= 2,
        "every edge into module 16 combines as theirs said (1-of): {edges:?}"
    );
    let verify = pathforge(&[&"audit", &"verify", &ours]);
    assert!(
        verify.status.success(),
        "the merged log verifies: {}",
        stdout(&verify)
    );

    let again = pathforge(&[&"merge", &ours, &theirs]);
    assert!(
        again.status.success() && stdout(&again).contains("Nothing to merge"),
        "merging the same copy again adds nothing: {}",
        stdout(&again)
    );

    let edit = pathforge(&[&"taxonomy", &"merge", &theirs, &"closing", &"negotiation"]);
    assert!(edit.status.success(), "{}", stderr(&edit));
    let merged = pathforge(&[&"merge", &ours, &theirs]);
    assert!(
        merged.status.success() && stdout(&merged).contains("merged into “Negotiation”"),
        "a skill merged there is merged here, said so: {}{}",
        stdout(&merged),
        stderr(&merged)
    );

    let backup = tmp.path().join("theirs-backup.pathforge");
    let out = pathforge(&[&"backup", &theirs, &"--out", &backup]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = pathforge(&[&"restore", &theirs, &backup]);
    assert!(out.status.success(), "{}", stderr(&out));
    check_fails(
        &[&"merge", &ours, &theirs],
        &theirs,
        "project.restored ×1",
        "a copy that changed what merge cannot carry yet is refused, naming it",
    );
}
