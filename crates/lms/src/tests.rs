use super::*;
use crate::coverage::probe;

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
fn a_rule_on_one_question_category_is_never_reported_as_fully_expressed() {
    let mut course = probe();
    for r in &mut course.rules.rules {
        if let RuleBody::Placement { category, .. } | RuleBody::Remediation { category, .. } =
            &mut r.body
        {
            *category = Some("pricing".to_owned());
        }
    }
    for target in Target::COMPILED {
        let export = compile(&course, target).expect("the probe compiles");
        for c in export
            .coverage
            .rules
            .iter()
            .filter(|c| c.rule == "place" || c.rule == "remediate")
        {
            assert!(
                c.status == Status::NotExported
                    || (c.status == Status::Partial && c.how.contains("\"pricing\"")),
                "{target:?} {}: a rule read on category scores is not exported, or partial \
                 saying the category is scored as a whole: {c:?}",
                c.rule
            );
        }
    }
}

#[test]
fn open_edx_counts_requirements_its_one_prerequisite_enforces_through_its_own_gate() {
    let mut course = probe();
    course.rules = serde_json::from_value(serde_json::json!({
        "schema": rules::SCHEMA,
        "rules": [
            { "id": "next", "explanation": "", "kind": "unlock", "module": "next", "requires": ["a", "b"] },
            { "id": "b", "explanation": "", "kind": "unlock", "module": "b", "requires": ["a"] },
            { "id": "quiz", "explanation": "", "kind": "unlock", "module": "quiz", "requires": ["pre", "a", "rem"] },
            { "id": "rem", "explanation": "", "kind": "unlock", "module": "rem", "requires": ["a", "b"], "min_score": 50 }
        ]
    }))
    .unwrap();
    let export = compile(&course, Target::Openedx).expect("compiles");
    let verdict = |id: &str| {
        let c = export.coverage.rules.iter().find(|c| c.rule == id).unwrap();
        (c.status, c.how.clone())
    };
    check(
        verdict("next"),
        (
            Status::Expressed,
            "“next” is gated on “b” (min score 0%, completion 100%), which is itself gated, in \
             turn, on “a”: one prerequisite enforces them all"
                .to_owned(),
        ),
        "a redundant requirement (a → b → next, and a → next) is enforced by the one gate \
         Open edX allows: b cannot be completed before a, even though b's rule comes later",
    );
    check(
        verdict("quiz"),
        (
            Status::Partial,
            "“quiz” is gated on “rem” (min score 0%, completion 100%); Open edX allows one \
             prerequisite, so “pre” is not enforced"
                .to_owned(),
        ),
        "“a” is held through rem's gate (rem ← b ← a); “pre” is on no gate's way, and is \
         named, in the singular",
    );
    check(
        verdict("rem").0,
        Status::Partial,
        "a minimum score still needs a graded subsection, held requirements or not",
    );
    check(
        verdict("b").0,
        Status::Expressed,
        "a single requirement is its gate",
    );
}

#[test]
fn modules_interactive_at_their_source_are_listed_where_a_target_writes_only_their_text() {
    let mut course = probe();
    let was = "a SCORM 2004 item (launch pre.html) of packages/p.zip";
    for m in &mut course.modules {
        if m.key == "pre" {
            m.interactive = Some(was.to_owned());
        }
    }
    for target in Target::COMPILED {
        let export = compile(&course, target).expect("the probe compiles");
        let listed: Vec<&str> = export
            .coverage
            .text_only
            .iter()
            .map(|t| t.module.as_str())
            .collect();
        let pages = !matches!(target, Target::Moodle | Target::Case);
        check(
            listed,
            if pages { vec!["pre"] } else { vec![] },
            &format!("{target:?}: the pre-test is listed where the target writes module pages (Moodle links the LMS's own activities; CASE has no modules)"),
        );
        let placement = export
            .coverage
            .rules
            .iter()
            .find(|c| c.rule == "place")
            .expect("the placement rule is reported");
        // Packages read the score from their own page; Canvas and Open edX reference the
        // LMS's mapped quiz, so their rules do not depend on the page.
        let scored_by_page = matches!(target, Target::Scorm2004 | Target::Scorm12 | Target::Cmi5);
        if scored_by_page && placement.status != Status::NotExported {
            assert!(
                placement.how.contains(was),
                "{target:?}: a placement read from the pre-test says what the pre-test was: {}",
                placement.how
            );
        }
    }
}

#[test]
fn carried_items_launch_as_their_source_did_and_only_into_their_own_standard() {
    let mut course = probe();
    for m in &mut course.modules {
        if m.key == "quiz" {
            m.interactive = Some("a SCORM 2004 item (launch q/launch.html) of golf.zip".into());
            m.speaks = Some(Standard::Scorm2004);
            m.carried = Some(Carried {
                package: "golf".to_owned(),
                launch: "q/launch.html?content=quiz".to_owned(),
                pages: vec!["q/questions.html".to_owned()],
                sco: true,
                completion_set_by_content: true,
                objective_set_by_content: true,
                launch_data: Some("level=2".to_owned()),
                time_limit_action: Some("exit,message".to_owned()),
                max_time_allowed: Some("00:30:00".to_owned()),
                mastery_score: Some(80.0),
                au_id: None,
                move_on: None,
                launch_method: None,
                entitlement_key: None,
            });
        }
    }
    let package: BTreeMap<String, Copied> = [
        "imsmanifest.xml",
        "q/launch.html",
        "q/quiz.js",
        "q/questions.html",
    ]
    .into_iter()
    .map(|p| {
        let file = Copied {
            package: "lib/golf.zip".into(),
            path: format!("golf/{p}"),
            size: p.len() as u64,
        };
        (p.to_owned(), file)
    })
    .collect();
    course.packages.insert("golf".to_owned(), package.clone());

    let export = compile(&course, Target::Scorm2004).expect("compiles");
    let manifest = text(&export, "imsmanifest.xml");
    let at = manifest
        .find(r#"identifier="R-M-quiz""#)
        .expect("the quiz's resource");
    let resource = &manifest[at..at + manifest[at..].find("</resource>").unwrap()];
    for (part, why) in [
        (
            r#"adlcp:scormType="sco""#,
            "a SCO: it talks to the run-time",
        ),
        (
            r#"href="items/golf/q/launch.html?content=quiz""#,
            "launched with its parameters",
        ),
        (
            r#"<file href="items/golf/q/launch.html"/>"#,
            "its launch file listed",
        ),
        (
            r#"<dependency identifierref="P-golf"/>"#,
            "its package's files listed once",
        ),
    ] {
        assert!(resource.contains(part), "{why}: {resource}");
    }
    let at = manifest
        .find(r#"<item identifier="M-quiz""#)
        .expect("the quiz's item");
    let item = &manifest[at..at + manifest[at..].find("</item>").unwrap()];
    assert!(
        item.contains("<adlcp:timeLimitAction>exit,message</adlcp:timeLimitAction>")
            && item.contains("<adlcp:dataFromLMS>level=2</adlcp:dataFromLMS>"),
        "the item gets the launch data and time-limit behaviour its LMS gave it: {item}"
    );
    assert!(
        item.contains(r#"<imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>"#),
        "the item reports its own completion and success, as its source said: the LMS must \
         not count it satisfied merely because an attempt ended: {item}"
    );
    let at = manifest
        .find(r#"identifier="P-golf""#)
        .expect("the package's resource");
    let asset = &manifest[at..at + manifest[at..].find("</resource>").unwrap()];
    check(
        (asset.contains("quiz.js"), asset.contains("questions.html")),
        (true, false),
        "the package's resource lists the files no item lists as its own, so an import reads \
         each page as its item's",
    );
    check(
        (
            export.copied.get("items/golf/q/quiz.js"),
            export.copied.contains_key("items/golf/imsmanifest.xml"),
            export.files.contains_key("content/M-quiz.html"),
            export.files.keys().any(|f| f.starts_with("items/")),
        ),
        (Some(&package["q/quiz.js"]), false, false, false),
        "the package's files are copied from it under items/ (not held as bytes), but not its \
         own manifest (the export's is the only one), and the quiz has no text page",
    );
    check(
        export.coverage.text_only.iter().any(|t| t.module == "quiz"),
        false,
        "a carried item is not text only",
    );
    let mut uncarried = course.clone();
    uncarried.modules.iter_mut().for_each(|m| m.carried = None);
    let text_only = compile(&uncarried, Target::Scorm2004)
        .unwrap()
        .coverage
        .text_only;
    check(
        text_only
            .iter()
            .map(|t| (t.module.as_str(), t.carriable))
            .collect(),
        vec![("quiz", true)],
        "not carried, it is text only, and the report can say that carrying would take it",
    );
    let gate = export
        .coverage
        .rules
        .iter()
        .find(|c| c.rule == "gate")
        .unwrap();
    check(
        gate.status,
        Status::Expressed,
        &format!(
            "the 60% gate reads a score the carried quiz reports: {}",
            gate.how
        ),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("imsmanifest.xml");
    std::fs::write(&path, &manifest).expect("writes");
    testkit::validate("scorm2004", &path); // a carried SCO and its package's asset too

    let export = compile(&course, Target::Scorm12).expect("compiles");
    check(
        (
            export
                .coverage
                .text_only
                .iter()
                .map(|t| (t.module.as_str(), t.carriable))
                .collect(),
            export.names().any(|f| f.starts_with("items/")),
        ),
        (vec![("quiz", false)], false),
        "a SCORM 2004 SCO would look for an API a SCORM 1.2 LMS does not offer: it reaches \
         SCORM 1.2 as its text, listed so",
    );

    for m in &mut course.modules {
        if m.carried.is_some() {
            m.speaks = Some(Standard::Scorm12);
        }
    }
    let export = compile(&course, Target::Scorm12).expect("compiles");
    let manifest = text(&export, "imsmanifest.xml");
    check(
        (
            manifest
                .contains(r#"adlcp:scormtype="sco" href="items/golf/q/launch.html?content=quiz""#),
            export.copied.contains_key("items/golf/q/quiz.js"),
        ),
        (true, true),
        "a SCORM 1.2 item is carried into SCORM 1.2 the same way",
    );
    let at = manifest
        .find(r#"<item identifier="M-quiz""#)
        .expect("the quiz's item");
    let item = &manifest[at..at + manifest[at..].find("</item>").unwrap()];
    for (part, why) in [
        (
            "<adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>",
            "its time limit",
        ),
        (
            "<adlcp:timelimitaction>exit,message</adlcp:timelimitaction>",
            "what happens then",
        ),
        (
            "<adlcp:datafromlms>level=2</adlcp:datafromlms>",
            "its launch data",
        ),
        (
            "<adlcp:masteryscore>80</adlcp:masteryscore>",
            "its own pass mark, 80, stricter than the gate rule's 60% minimum",
        ),
    ] {
        assert!(item.contains(part), "{why}: {item}");
    }
    std::fs::write(&path, &manifest).expect("writes");
    testkit::validate("scorm12", &path);
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
        false,
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

/// The hostile-input trial's links and images (#25): a page runs inside the learner's
/// LMS, so nothing in it may run script or, unless the admin opts in, fetch anything.
#[test]
fn module_pages_keep_only_safe_links_and_fetch_nothing_unless_asked() {
    let check = |markdown: &str, remote: bool, has: &[&str], lacks: &[&str], why: &str| {
        let page = String::from_utf8(html_page("T", markdown, remote)).expect("UTF-8");
        let body = page.split("<body>").nth(1).expect("a body");
        for h in has {
            assert!(body.contains(h), "{why}: the page has {h:?}: {body}");
        }
        for l in lacks {
            assert!(
                !body.to_ascii_lowercase().contains(&l.to_ascii_lowercase()),
                "{why}: the page has no {l:?}: {body}"
            );
        }
    };
    let scripted = ["javascript:", "vbscript:", "data:", "href=\"j"];
    check(
        "[click](javascript:alert(1))",
        false,
        &["click"],
        &scripted,
        "a javascript: link keeps its words, not its target",
    );
    check(
        "[click](JaVaScRiPt:alert(1))",
        false,
        &["click"],
        &scripted,
        "schemes are matched in any case",
    );
    check(
        "[click](&#106;avascript:alert(1))",
        false,
        &["click"],
        &scripted,
        "an entity-encoded scheme is decoded before it is judged",
    );
    check(
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        false,
        &["click"],
        &scripted,
        "a data: link could carry a whole page of script",
    );
    check(
        "[click](vbscript:msgbox(1))",
        false,
        &["click"],
        &scripted,
        "vbscript: runs in old browsers",
    );
    check(
        "<a href=\"javascript:alert(1)\">raw</a>",
        false,
        &["&lt;a href="],
        &["<a "],
        "a raw HTML link is shown as text",
    );
    check(
        "[guide](https://example.org/guide) · [mail](mailto:help@example.org) · [below](#part-2) · [next](next.html)",
        false,
        &[
            "href=\"https://example.org/guide\"",
            "href=\"mailto:help@example.org\"",
            "href=\"#part-2\"",
            "href=\"next.html\"",
        ],
        &scripted,
        "web, mail and relative links stay links",
    );
    check(
        "![tracking pixel](https://tracker.example/pixel.png)",
        false,
        &["[image: tracking pixel]"],
        &["<img", "tracker.example"],
        "without the admin's opt-in a remote image is its alt text: nothing is fetched",
    );
    check(
        "![chart](https://cdn.example/chart.png)",
        true,
        &["<img src=\"https://cdn.example/chart.png\" alt=\"chart\""],
        &[],
        "with the opt-in an https: image is shown",
    );
    for source in [
        "http://cdn.example/p.png",
        "//cdn.example/p.png",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "javascript:alert(1)",
        "p.png",
    ] {
        check(
            &format!("![p]({source})"),
            true,
            &["[image: p]"],
            &["<img"],
            &format!("even with the opt-in only https: images are fetched, not {source}"),
        );
    }
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

/// Where a module's status lives in a SCORM 2004 export of the probe course.
fn global(key: &str) -> String {
    format!("urn:pathforge:probe:module:{}", identifier(key))
}

/// One global objective's state: `None` is unknown (never attempted, or no score).
#[derive(Debug, Clone, Copy, Default)]
struct Objective {
    satisfied: Option<bool>,
    measure: Option<f64>,
}

/// A small IMS Simple Sequencing precondition evaluator, three-valued as the standard
/// says (a condition on an unknown status is unknown, `not unknown` is unknown, and a rule
/// acts only when its conditions are true): the actions that apply to `item`.
fn actions(manifest: &str, item: &str, state: &[(&str, Objective)]) -> BTreeSet<String> {
    let doc = roxmltree::Document::parse(manifest).expect("the manifest parses");
    let state: HashMap<String, Objective> = state.iter().map(|(k, o)| (global(k), *o)).collect();
    let node = doc
        .descendants()
        .find(|n| n.tag_name().name() == "item" && n.attribute("identifier") == Some(item))
        .expect("the item exists");
    let seq = node
        .children()
        .find(|n| n.tag_name().name() == "sequencing")
        .expect("the item has sequencing");
    let mut local: HashMap<&str, Objective> = HashMap::new();
    for o in seq
        .descendants()
        .filter(|n| n.tag_name().name() == "objective")
    {
        let map = o
            .children()
            .find(|n| n.tag_name().name() == "mapInfo")
            .expect("mapped");
        if map.attribute("readSatisfiedStatus") != Some("false") {
            let target = map.attribute("targetObjectiveID").expect("a target");
            local.insert(
                o.attribute("objectiveID").expect("an id"),
                state.get(target).copied().unwrap_or_default(),
            );
        }
    }
    let mut out = BTreeSet::new();
    for rule in seq
        .descendants()
        .filter(|n| n.tag_name().name() == "preConditionRule")
    {
        let conditions = rule
            .children()
            .find(|n| n.tag_name().name() == "ruleConditions")
            .unwrap();
        let values: Vec<Option<bool>> = conditions
            .children()
            .filter(|n| n.tag_name().name() == "ruleCondition")
            .map(|c| {
                let o = local[c
                    .attribute("referencedObjective")
                    .expect("references an objective")];
                let t: f64 = c
                    .attribute("measureThreshold")
                    .map_or(0.0, |t| t.parse().unwrap());
                let v = match c.attribute("condition").unwrap() {
                    "satisfied" => o.satisfied,
                    "objectiveStatusKnown" => Some(o.satisfied.is_some()),
                    "objectiveMeasureKnown" => Some(o.measure.is_some()),
                    "objectiveMeasureLessThan" => o.measure.map(|m| m < t),
                    "objectiveMeasureGreaterThan" => o.measure.map(|m| m > t),
                    other => panic!("the evaluator does not know {other}"),
                };
                if c.attribute("operator") == Some("not") {
                    v.map(|b| !b)
                } else {
                    v
                }
            })
            .collect();
        let value = if conditions.attribute("conditionCombination") == Some("any") {
            if values.contains(&Some(true)) {
                Some(true)
            } else if values.iter().all(|v| *v == Some(false)) {
                Some(false)
            } else {
                None
            }
        } else if values.contains(&Some(false)) {
            Some(false)
        } else if values.iter().all(|v| *v == Some(true)) {
            Some(true)
        } else {
            None
        };
        if value == Some(true) {
            let action = rule
                .descendants()
                .find(|n| n.tag_name().name() == "ruleAction")
                .unwrap();
            out.insert(action.attribute("action").unwrap().to_owned());
        }
    }
    out
}

#[test]
fn scorm_2004_sequencing_does_what_the_rules_say() {
    let export = compile(&probe(), Target::Scorm2004).expect("compiles");
    let manifest = text(&export, "imsmanifest.xml");
    let unknown = Objective::default();
    let passed = |score: f64| Objective {
        satisfied: Some(true),
        measure: Some(score),
    };
    let failed = |score: f64| Objective {
        satisfied: Some(false),
        measure: Some(score),
    };
    let done = Objective {
        satisfied: Some(true),
        measure: None,
    };
    let none: &[&str] = &[];
    #[allow(clippy::type_complexity)]
    let cases: &[(&str, &[(&str, Objective)], &[&str], &str)] = &[
        (
            "b",
            &[("a", unknown), ("pre", unknown)],
            &["disabled"],
            "a prerequisite never attempted blocks (three-valued pairing)",
        ),
        (
            "b",
            &[("a", failed(0.3)), ("pre", unknown)],
            &["disabled"],
            "a prerequisite not satisfied blocks",
        ),
        (
            "b",
            &[("a", done), ("pre", unknown)],
            none,
            "a satisfied prerequisite opens the module",
        ),
        (
            "b",
            &[("a", unknown), ("pre", passed(0.8))],
            none,
            "placement past a waives it as a requirement",
        ),
        (
            "b",
            &[("a", unknown), ("pre", passed(0.5))],
            &["disabled"],
            "a low pre-test score waives nothing",
        ),
        (
            "M-a",
            &[("pre", passed(0.7))],
            &["skip"],
            "70% is in the 70–100 band: a is skipped",
        ),
        (
            "M-a",
            &[("pre", passed(0.695))],
            none,
            "69.5% counts in the 0–69 band, as the runtime does: not skipped",
        ),
        (
            "M-a",
            &[("pre", unknown)],
            none,
            "no pre-test score: nothing is skipped",
        ),
        (
            "rem",
            &[("quiz", unknown)],
            &["disabled", "hiddenFromChoice", "skip"],
            "remediation waits for the quiz and is hidden until then",
        ),
        (
            "rem",
            &[("quiz", failed(0.5))],
            none,
            "a fail below 60% opens the remediation",
        ),
        (
            "rem",
            &[("quiz", passed(0.9))],
            &["hiddenFromChoice", "skip"],
            "a pass skips and hides it",
        ),
        (
            "next",
            &[("quiz", passed(0.55))],
            &["disabled"],
            "a pass below the 60% minimum does not open it",
        ),
        (
            "next",
            &[("quiz", passed(0.65))],
            none,
            "a pass at 65% does",
        ),
        (
            "next",
            &[("quiz", unknown)],
            &["disabled"],
            "an untaken quiz does not",
        ),
    ];
    for (item, state, want, why) in cases {
        let item = if item.starts_with("M-") {
            item.to_string()
        } else {
            identifier(item)
        };
        let got = actions(&manifest, &item, state);
        let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
        check(got, want, why);
    }
}

#[test]
fn a_course_is_its_curriculum_with_pages_and_track_paths() {
    let module = |key: &str, skills: &[&str]| curriculum::Module {
        id: format!("id-{key}"),
        key: key.to_owned(),
        title: key.to_uppercase(),
        library: String::new(),
        minutes: 5,
        level: None,
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
    };
    let c = curriculum::Curriculum::new(
        vec![
            module("b.md", &["y"]),
            module("a.md", &["x"]),
            module("z.md", &[]),
        ],
        [curriculum::EdgeById {
            before: "id-a.md",
            after: "id-b.md",
            group: model::PrerequisiteGroup::AllOf,
        }],
        vec![curriculum::Track {
            slug: "t".to_owned(),
            name: "T".to_owned(),
            targets: vec![model::TrackTarget {
                skill: "y".to_owned(),
                level: None,
            }],
        }],
        Default::default(),
        probe().rules,
    )
    .expect("the edge names listed modules");
    let pages = ["B text", "A text", "Z text"]
        .map(|body| Page {
            body: body.to_owned(),
            ..Page::default()
        })
        .to_vec();
    let about = About {
        id: "p".to_owned(),
        title: "P".to_owned(),
        description: String::new(),
        framework: probe().framework,
        changed: Timestamp(0),
        mapping: BTreeMap::new(),
        remote_images: false,
        packages: BTreeMap::new(),
    };
    let course = Course::of(&c, pages, about);
    check(
        course
            .modules
            .iter()
            .map(|m| (m.key.as_str(), m.body.as_str()))
            .collect::<Vec<_>>(),
        vec![("b.md", "B text"), ("a.md", "A text"), ("z.md", "Z text")],
        "every module with its own page, in the curriculum's order",
    );
    check(
        course.tracks[0].modules.clone(),
        vec!["a.md".to_owned(), "b.md".to_owned()],
        "a track's modules are its path: the prerequisite first, nothing it does not need",
    );
    check(
        course.rules,
        c.rules,
        "the whole rule set travels with the course",
    );
}

#[test]
fn moodle_reengagement_uses_the_plugins_fields_and_invents_no_address() {
    let export = compile(&probe(), Target::Moodle).expect("the probe compiles");
    let plan: serde_json::Value =
        serde_json::from_slice(&export.files["reengagement-plan.json"]).expect("JSON");
    let activities = plan[0]["activities"].as_array().expect("two activities");
    let field = |i: usize, f: &str| activities[i][f].as_u64();
    check(
        (field(0, "emailrecipient"), field(1, "emailrecipient")),
        (Some(0), Some(1)),
        "the learner's activity emails the learner, the second their manager (as the plugin finds them)",
    );
    check(
        (field(0, "emaildelay"), field(1, "emaildelay")),
        (Some(7 * 86_400), Some(14 * 86_400)),
        "after the idle days, then the manager's days on top, in seconds",
    );
    let text = String::from_utf8_lossy(&export.files["reengagement-plan.json"]).into_owned();
    assert!(
        !text.contains('@') && !text.contains("profile field"),
        "no placeholder address: {text}"
    );
    let verdict = export
        .coverage
        .rules
        .iter()
        .find(|c| c.rule == "nudge")
        .expect("the re-engagement rule is reported");
    check(
        verdict.status,
        Status::NotExported,
        "nothing applies the plan, so the rule is not reported as exported",
    );
}

#[test]
fn a_course_with_nothing_a_target_carries_is_refused_naming_what_is_missing() {
    let full = probe();
    let mut skills_only = probe();
    skills_only.modules.clear();
    skills_only.tracks.clear();
    skills_only.rules.rules.clear();
    let mut empty = skills_only.clone();
    empty.framework.skills.clear();
    assert!(
        !full.modules.is_empty() && !skills_only.framework.skills.is_empty(),
        "the probe has modules and skills to take away"
    );
    use Target::*;
    let cases: Vec<(&Course, Target, Option<&str>, &str)> = vec![
        (
            &empty,
            Scorm2004,
            Some("no modules"),
            "a SCORM 2004 organization needs an item",
        ),
        (
            &empty,
            Scorm12,
            Some("no modules"),
            "an empty SCORM 1.2 package launches nothing",
        ),
        (
            &empty,
            Cmi5,
            Some("no modules"),
            "a cmi5 course structure needs an AU",
        ),
        (&empty, Canvas, Some("no modules"), "an empty Canvas course"),
        (
            &empty,
            Openedx,
            Some("no modules"),
            "an empty Open edX course",
        ),
        (
            &empty,
            Case,
            Some("no skills"),
            "a CASE framework with no item",
        ),
        (
            &empty,
            Moodle,
            Some("no modules or skills"),
            "Moodle carries either",
        ),
        (&skills_only, Case, None, "CASE needs skills only"),
        (
            &skills_only,
            Moodle,
            None,
            "Moodle's competency framework has the skills",
        ),
        (
            &skills_only,
            Scorm2004,
            Some("no modules"),
            "skills alone make no package",
        ),
    ];
    for (course, target, refused, why) in cases {
        let got = compile(course, target).err().map(|e| e.to_string());
        match refused {
            Some(what) => {
                let message = got.unwrap_or_else(|| panic!("{target:?} refused: {why}"));
                assert!(
                    message.contains(what) && message.contains(target.label()),
                    "{target:?}: the refusal names the target and what is missing ({why}): {message}"
                );
            }
            None => assert_eq!(got, None, "{target:?} compiles: {why}"),
        }
    }
    for target in Target::COMPILED {
        assert!(
            compile(&full, target).is_ok(),
            "{target:?}: the full probe compiles"
        );
    }
    let err = xapi(&empty, &[]).expect_err("no modules, no statements about them");
    assert_eq!(
        err.kind(),
        ErrorKind::Conflict,
        "a refusal the Export tab shows in place"
    );
}

#[test]
fn counts_say_one_in_the_singular_and_irregular_plurals_as_given() {
    check(count(1, "module"), "1 module".to_owned(), "one is singular");
    check(count(0, "module"), "0 modules".to_owned(), "none is plural");
    check(count(3, "module"), "3 modules".to_owned(), "many take an s");
    check(
        count_as(1, "library", "libraries"),
        "1 library".to_owned(),
        "one is singular",
    );
    check(
        count_as(2, "library", "libraries"),
        "2 libraries".to_owned(),
        "a plural that is not the singular and an s, as given",
    );
}

#[test]
fn a_carried_cmi5_au_launches_from_its_package_and_keeps_its_own_settings() {
    let mut course = probe();
    let au = |launch: &str, own: Option<f64>, move_on: &str| Carried {
        package: "geo".to_owned(),
        launch: launch.to_owned(),
        pages: Vec::new(),
        sco: true,
        completion_set_by_content: false,
        objective_set_by_content: false,
        launch_data: Some("level=2".to_owned()),
        time_limit_action: None,
        max_time_allowed: None,
        mastery_score: own,
        au_id: Some("https://example.org/geo/au".to_owned()),
        move_on: Some(move_on.to_owned()),
        launch_method: Some("OwnWindow".to_owned()),
        entitlement_key: Some("k-1".to_owned()),
    };
    for m in &mut course.modules {
        let carried = match m.key.as_str() {
            // The rules ask 80% of the quiz (its strictest); the AU itself asks 90%.
            "quiz" => au("post1.html", Some(90.0), "Completed"),
            // No rule scores "a".
            "a" => au("index.html?pages=1", None, "CompletedOrPassed"),
            _ => continue,
        };
        m.speaks = Some(Standard::Cmi5);
        m.interactive = Some(format!("a cmi5 AU (launch {}) of geo.zip", carried.launch));
        m.carried = Some(carried);
    }
    let package: BTreeMap<String, Copied> =
        ["cmi5.xml", "post1.html", "index.html", "js/cmi5.min.js"]
            .into_iter()
            .map(|p| {
                let file = Copied {
                    package: "lib/geo.zip".into(),
                    path: p.to_owned(),
                    size: 1,
                };
                (p.to_owned(), file)
            })
            .collect();
    course.packages.insert("geo".to_owned(), package);

    let export = compile(&course, Target::Cmi5).expect("compiles");
    let xml = text(&export, "cmi5.xml");
    let au_of = |title: &str| {
        let at = xml
            .find(&format!("<langstring lang=\"en-US\">{title}</langstring>"))
            .expect("the AU");
        let start = xml[..at].rfind("<au ").unwrap();
        xml[start..at + xml[at..].find("</au>").unwrap()].to_owned()
    };
    let quiz = au_of("quiz");
    let a = au_of("a");
    for (au, part, why) in [
        (
            &quiz,
            r#"moveOn="CompletedAndPassed""#,
            "a rule scores the quiz, so completing it is not enough: it must be passed too",
        ),
        (
            &quiz,
            r#"masteryScore="0.9""#,
            "the stricter of its own 90% and the rules' 80%",
        ),
        (
            &a,
            r#"<au id="https://example.org/geo/au""#,
            "its own id: its statements are about the same activity as before",
        ),
        (
            &quiz,
            r#"<au id="urn:"#,
            "an id already taken (the same AU carried twice) is not repeated",
        ),
        (
            &quiz,
            r#"launchMethod="OwnWindow""#,
            "it opens as its source said",
        ),
        (
            &quiz,
            "<url>items/geo/post1.html</url>",
            "launched from its package's files",
        ),
        (
            &a,
            r#"moveOn="CompletedOrPassed""#,
            "no rule scores it: its own moveOn stands",
        ),
        (
            &a,
            "<url>items/geo/index.html?pages=1</url>",
            "its own query kept",
        ),
        (
            &a,
            "<launchParameters>level=2</launchParameters>",
            "what its LMS handed it",
        ),
        (
            &a,
            "<entitlementKey>k-1</entitlementKey>",
            "the key a licensed AU checks",
        ),
    ] {
        assert!(au.contains(part), "{why}: {au}");
    }
    check(
        (
            a.contains("masteryScore"),
            export.copied.contains_key("items/geo/js/cmi5.min.js"),
            export.copied.contains_key("items/geo/cmi5.xml"),
            export.files.keys().any(|f| f.starts_with("content/M-quiz")),
            export.coverage.text_only.iter().any(|t| t.module == "quiz"),
        ),
        (false, true, false, false, false),
        "an AU with no pass mark gets none; the package's files are copied but not its own \
         cmi5.xml (the export's is the only one); a carried AU has no page of its text and \
         is not text only",
    );
    let remediate = export
        .coverage
        .rules
        .iter()
        .find(|r| r.rule == "remediate")
        .unwrap();
    assert!(
        remediate.how.contains("masteryScore 90%")
            && remediate.how.contains("is carried as its source's item"),
        "the coverage quotes the masteryScore the AU really has, and that the AU reports \
         its own score: {}",
        remediate.how
    );
}

#[test]
fn a_cmi5_aus_move_on_is_its_own_made_to_include_a_pass_a_rule_asks() {
    for (own, scored, want, why) in [
        (
            None,
            false,
            "NotApplicable",
            "a page sends nothing: it must not hold the course back",
        ),
        (None, true, "Passed", "a scored page must be passed"),
        (
            Some("Completed"),
            false,
            "Completed",
            "a carried AU keeps its own",
        ),
        (
            Some("Completed"),
            true,
            "CompletedAndPassed",
            "and adds the pass a rule needs",
        ),
        (
            Some("CompletedOrPassed"),
            true,
            "Passed",
            "completing alone no longer satisfies it",
        ),
        (
            Some("NotApplicable"),
            true,
            "Passed",
            "nor does nothing at all",
        ),
        (
            Some("CompletedAndPassed"),
            true,
            "CompletedAndPassed",
            "a pass is already asked",
        ),
        (Some("Passed"), true, "Passed", "likewise"),
    ] {
        check(cmi5::move_on(own, scored), want, why);
    }
}
