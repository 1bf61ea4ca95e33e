use super::*;

fn check<T: PartialEq + std::fmt::Debug>(got: T, want: T, why: &str) {
    assert_eq!(got, want, "{why}");
}

fn text(export: &Export, file: &str) -> String {
    String::from_utf8(export.files[file].clone()).expect("outputs are UTF-8")
}

#[test]
fn identifiers_are_xml_ids_derived_from_paths() {
    for (key, want, why) in [
        (
            "modules/02-intro.md",
            "M-02-intro",
            "the folder and the extension go",
        ),
        (
            "DL-110",
            "M-DL-110",
            "catalog ids keep their dots and dashes",
        ),
        ("a b/c.d/e", "M-e", "only the file name counts"),
        (
            "Über uns.html",
            "M-ber-uns",
            "non-ASCII characters are dropped (dashes inside a name)",
        ),
        (
            "32-certification-readiness-assessment.md",
            "M-32-certification-readine",
            "cut at 26 characters",
        ),
    ] {
        check(identifier(key).as_str(), want, why);
    }
}

#[test]
fn shortfalls_enumerate_the_ways_to_fall_short() {
    for (n, need, want, why) in [
        (
            3,
            3,
            Some(vec![vec![0], vec![1], vec![2]]),
            "all of 3: any one unmet blocks",
        ),
        (
            2,
            1,
            Some(vec![vec![0, 1]]),
            "any of 2: blocked only when both are unmet",
        ),
        (
            3,
            2,
            Some(vec![vec![0, 1], vec![0, 2], vec![1, 2]]),
            "2 of 3: any two unmet block",
        ),
        (0, 0, Some(vec![]), "nothing required: never blocked"),
        (10, 5, None, "C(10,6) = 210 groups is over the cap"),
    ] {
        check(shortfalls(n, need, 64), want, why);
    }
}

#[test]
fn every_compiled_target_is_deterministic_and_reports_every_rule() {
    let course = probe();
    for target in Target::COMPILED {
        let a = compile(&course, target).expect("the probe compiles");
        let b = compile(&course, target).expect("the probe compiles");
        check(
            &a.files,
            &b.files,
            "the same course gives byte-identical files",
        );
        check(
            a.coverage.rules.len(),
            course.rules.rules.len(),
            "every rule appears once in the coverage report",
        );
        let written: Coverage =
            serde_json::from_slice(&a.files["coverage.json"]).expect("coverage.json reads");
        check(written, a.coverage.clone(), "coverage.json is the report");
        for c in &a.coverage.rules {
            assert!(
                !c.how.is_empty(),
                "{target:?} {}: every verdict says how or why",
                c.rule
            );
        }
    }
}

#[test]
fn the_readme_documents_the_coverage_matrix() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md reads");
    let matrix = coverage_matrix();
    assert!(
        readme.contains(&matrix),
        "README.md's coverage matrix is stale; it should contain:\n{matrix}"
    );
}

#[test]
fn scorm_2004_pairs_not_satisfied_with_status_unknown_and_validates() {
    let export = compile(&probe(), Target::Scorm2004).expect("compiles");
    let manifest = text(&export, "imsmanifest.xml");
    let start = manifest.find(r#"identifier="M-b""#).expect("b is an item");
    let gate = &manifest[start..start + manifest[start..].find("</item>").expect("closed")];
    assert!(
        gate.contains(r#"action="disabled""#),
        "b is disabled until a is satisfied: {gate}"
    );
    for condition in [
        r#"operator="not" condition="satisfied""#,
        r#"operator="not" condition="objectiveStatusKnown""#,
    ] {
        assert!(
            gate.contains(condition),
            "an unattempted prerequisite must also block: {condition} in {gate}"
        );
    }
    assert!(
        manifest.contains(r#"condition="objectiveMeasureLessThan""#)
            && manifest.contains(r#"action="skip""#),
        "placement skips by the pre-test's score"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("imsmanifest.xml");
    std::fs::write(&path, manifest).expect("writes");
    testkit::validate("scorm2004", &path);
}

#[test]
fn scorm_12_and_cmi5_validate() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (target, file, kind) in [
        (Target::Scorm12, "imsmanifest.xml", "scorm12"),
        (Target::Cmi5, "cmi5.xml", "cmi5"),
    ] {
        let export = compile(&probe(), target).expect("compiles");
        let path = dir.path().join(kind);
        std::fs::write(&path, &export.files[file]).expect("writes");
        testkit::validate(kind, &path);
    }
}

#[test]
fn module_pages_show_raw_html_as_text() {
    let page = String::from_utf8(html_page(
        "A <b>",
        "Hi <script>alert(1)</script>\n\n<img src=x onerror=y>",
    ))
    .expect("UTF-8");
    assert!(
        !page.contains("<script>") && !page.contains("<img"),
        "imported HTML must not run in the LMS: {page}"
    );
    assert!(
        page.contains("&lt;script&gt;"),
        "it is shown as text instead: {page}"
    );
    assert!(
        page.contains("<title>A &lt;b&gt;</title>"),
        "titles are escaped too: {page}"
    );
}

#[test]
fn unknown_targets_and_modules_are_refused_by_name() {
    let err = "blackboard".parse::<Target>().expect_err("not a target");
    assert!(
        err.to_string().contains("\"blackboard\""),
        "the error names what was asked: {err}"
    );
    let mut course = probe();
    course.rules.rules[1].body = RuleBody::Unlock {
        module: "b".into(),
        requires: vec!["ghost".into()],
        group: Group::AllOf,
        min_score: None,
    };
    let err = compile(&course, Target::Scorm12).expect_err("a rule names a missing module");
    assert!(
        err.to_string().contains("\"ghost\""),
        "the error names the module: {err}"
    );
}
