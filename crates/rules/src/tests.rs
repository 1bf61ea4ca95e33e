//! The checker on rule sets built for each problem class, the runtime on a recorded event
//! stream, and the published schema.

use super::*;
use model::FindingCode as C;

fn modules() -> Vec<ModuleInfo> {
    [
        ("pre", "basics,pricing"),
        ("a", "basics"),
        ("b", "pricing"),
        ("c", "negotiation"),
        ("quiz", "negotiation"),
        ("fix", "negotiation"),
    ]
    .iter()
    .map(|(k, tags)| ModuleInfo {
        key: format!("{k}.md"),
        id: format!("id-{k}"),
        title: k.to_uppercase(),
        tags: tags.split(',').map(str::to_owned).collect(),
    })
    .collect()
}

const TRACKS: [&str; 2] = ["ae", "sdr"];
/// a → b → c → quiz
const EDGES: [(usize, usize); 3] = [(1, 2), (2, 3), (3, 4)];

fn parse(json: &str) -> RuleSet {
    serde_json::from_str(&format!(
        r#"{{"schema": "pathforge.rules/v1", "rules": [{json}]}}"#
    ))
    .expect("valid rule JSON")
}

/// Checks `rules_json` and compares the (code, first object) pairs found.
fn check_rules(rules_json: &str, expected: &[(C, &str)], why: &str) {
    let modules = modules();
    let tracks: Vec<String> = TRACKS.iter().map(|t| t.to_string()).collect();
    let c = Curriculum {
        modules: &modules,
        tracks: &tracks,
        edges: &EDGES,
    };
    let findings = check(&parse(rules_json), &c);
    for f in &findings {
        assert!(
            !f.message.is_empty() && !f.fix.is_empty(),
            "{why}: findings explain themselves"
        );
    }
    let mut got: Vec<(C, String)> = findings
        .iter()
        .map(|f| (f.code, f.objects.first().cloned().unwrap_or_default()))
        .collect();
    got.sort();
    let mut want: Vec<(C, String)> = expected.iter().map(|(c, o)| (*c, o.to_string())).collect();
    want.sort();
    assert_eq!(got, want, "{why}\n{findings:#?}");
}

const GOOD: &str = r#"
  {"id": "place", "kind": "placement", "explanation": "Place by pre-assessment", "assessment": "pre.md",
   "bands": [{"min": 0, "max": 59, "start_at": "a.md"}, {"min": 60, "max": 100, "skip": ["a.md", "b.md"], "start_at": "c.md"}]},
  {"id": "open-c", "kind": "unlock", "explanation": "C after B", "module": "c.md", "requires": ["b.md"]},
  {"id": "open-quiz", "kind": "unlock", "explanation": "Quiz after C", "module": "quiz.md", "requires": ["c.md"]},
  {"id": "remedy", "kind": "remediation", "explanation": "Low quiz score: review", "assessment": "quiz.md", "below": 70, "assign": ["fix.md"], "retake_after_days": 3},
  {"id": "nudge", "kind": "reengagement", "explanation": "Nudge idle learners", "idle_days": 7, "manager_after_days": 7},
  {"id": "ready", "kind": "certification_readiness", "explanation": "Ready to certify", "required": ["c.md", "quiz.md"], "min_scores": [{"module": "quiz.md", "min": 70}]},
  {"id": "assign-ae", "kind": "assignment", "explanation": "AEs take the AE track", "when": {"role": "ae"}, "track": "ae"},
  {"id": "assign-sdr", "kind": "assignment", "explanation": "SDRs take the SDR track", "when": {"role": "sdr"}, "track": "sdr"},
  {"id": "recert", "kind": "recertification", "explanation": "Yearly refresher", "track": "ae", "older_than_months": 12, "refresher": ["quiz.md"]}
"#;

#[test]
fn a_consistent_rule_set_with_all_seven_kinds_passes() {
    let set = parse(GOOD);
    let kinds: std::collections::BTreeSet<&str> = set.rules.iter().map(|r| r.body.kind()).collect();
    assert_eq!(kinds.len(), 7, "the fixture uses every kind: {kinds:?}");
    check_rules(GOOD, &[], "no findings on a consistent set");
}

#[test]
fn every_problem_class_is_found() {
    let place = |bands: &str| {
        format!(
            r#"{{"id": "p", "kind": "placement", "explanation": "x", "assessment": "pre.md", "bands": [{bands}]}}"#
        )
    };
    check_rules(
        &place(r#"{"min": 0, "max": 60}, {"min": 50, "max": 100}"#),
        &[(C::BandOverlap, "p")],
        "overlapping bands",
    );
    check_rules(
        &place(r#"{"min": 0, "max": 40}, {"min": 60, "max": 100}"#),
        &[(C::BandGap, "p")],
        "a gap between bands",
    );
    check_rules(
        &place(r#"{"min": 10, "max": 100}"#),
        &[(C::BandGap, "p")],
        "a gap below the first band",
    );
    check_rules(
        &place(r#"{"min": 0, "max": 120}"#),
        &[(C::ThresholdOutOfRange, "p")],
        "over 100%",
    );
    check_rules(
        &place(r#"{"min": 0, "max": 100, "skip": ["c.md"]}"#),
        &[(C::UnassessedSkip, "p")],
        "skipping a module whose skills the pre-assessment does not assess",
    );
    check_rules(
        r#"{"id": "u", "kind": "unlock", "explanation": "x", "module": "gone.md", "requires": ["a.md"]}"#,
        &[(C::MissingReference, "u")],
        "a rule naming a missing module",
    );
    check_rules(
        r#"{"id": "t", "kind": "assignment", "explanation": "x", "when": {}, "track": "astronaut"}"#,
        &[(C::MissingReference, "t")],
        "a rule naming a missing track",
    );
    check_rules(
        r#"{"id": "u", "kind": "unlock", "explanation": "x", "module": "a.md", "requires": ["c.md"]}"#,
        &[(C::UnlockContradictsGraph, "u")],
        "unlocking a before c while the graph puts a first",
    );
    check_rules(
        r#"{"id": "u1", "kind": "unlock", "explanation": "x", "module": "fix.md", "requires": ["pre.md"]},
           {"id": "u2", "kind": "unlock", "explanation": "x", "module": "pre.md", "requires": ["fix.md"]}"#,
        &[(C::UnreachableByRules, "id-pre")],
        "unlock rules waiting on each other",
    );
    check_rules(
        r#"{"id": "u", "kind": "unlock", "explanation": "x", "module": "fix.md", "requires": ["pre.md"], "group": {"n-of": 2}}"#,
        &[(C::UnreachableByRules, "u")],
        "2 of 1 can never be met",
    );
    check_rules(
        r#"{"id": "n", "kind": "reengagement", "explanation": "x", "idle_days": 0, "manager_after_days": 3}"#,
        &[(C::NotificationLoop, "n")],
        "a notice on every tick",
    );
    check_rules(
        r#"{"id": "n1", "kind": "reengagement", "explanation": "x", "idle_days": 5, "manager_after_days": 3},
           {"id": "n2", "kind": "reengagement", "explanation": "x", "idle_days": 9, "manager_after_days": 3}"#,
        &[(C::NotificationLoop, "n1")],
        "two rules nagging the same learner",
    );
    check_rules(
        r#"{"id": "x1", "kind": "assignment", "explanation": "x", "when": {"department": "sales"}, "track": "ae"},
           {"id": "x2", "kind": "assignment", "explanation": "x", "when": {"role": "sdr"}, "track": "sdr"}"#,
        &[(C::AssignmentOverlap, "x1")],
        "an SDR in sales matches both",
    );
    check_rules(
        r#"{"id": "d", "kind": "reengagement", "explanation": "x", "idle_days": 5, "manager_after_days": 3},
           {"id": "d", "kind": "assignment", "explanation": "x", "when": {}, "track": "ae"}"#,
        &[(C::DuplicateRuleId, "d")],
        "two rules with one id",
    );
    check_rules(
        r#"{"id": "r", "kind": "remediation", "explanation": "x", "assessment": "quiz.md", "below": -5, "assign": [], "retake_after_days": 1}"#,
        &[(C::ThresholdOutOfRange, "r")],
        "a negative threshold",
    );
}

#[test]
fn the_runtime_decides_from_a_recorded_event_stream() {
    let modules = modules();
    let tracks: Vec<String> = TRACKS.iter().map(|t| t.to_string()).collect();
    let c = Curriculum {
        modules: &modules,
        tracks: &tracks,
        edges: &EDGES,
    };
    let events: Vec<Event> = [
        r#"{"learner": "ana", "day": 0, "type": "enrolled", "attributes": {"role": "ae"}}"#,
        r#"{"learner": "ana", "day": 1, "type": "scored", "module": "pre.md", "score": 82}"#,
        r#"{"learner": "ana", "day": 2, "type": "completed", "module": "c.md"}"#,
        r#"{"learner": "ana", "day": 3, "type": "scored", "module": "quiz.md", "score": 55}"#,
        r#"{"learner": "ana", "day": 6, "type": "idle_tick"}"#,
        r#"{"learner": "ana", "day": 8, "type": "scored", "module": "quiz.md", "score": 90}"#,
        r#"{"learner": "ben", "day": 0, "type": "enrolled", "attributes": {"role": "sdr"}}"#,
        r#"{"learner": "ben", "day": 7, "type": "idle_tick"}"#,
        r#"{"learner": "ben", "day": 14, "type": "idle_tick"}"#,
        r#"{"learner": "ben", "day": 15, "type": "idle_tick"}"#,
        r#"{"learner": "ana", "day": 20, "type": "certified", "track": "ae"}"#,
        r#"{"learner": "ana", "day": 380, "type": "idle_tick"}"#,
    ]
    .iter()
    .map(|e| serde_json::from_str(e).unwrap())
    .collect();
    let decisions = run(&parse(GOOD), &c, &events).unwrap();
    let got: Vec<String> = decisions
        .iter()
        .map(|d| {
            format!(
                "{} d{} {:?} {} by {}",
                d.learner, d.day, d.kind, d.target, d.rule
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "ana d0 Assign ae by assign-ae",
            "ana d1 Skip a.md by place",
            "ana d1 Skip b.md by place",
            "ana d1 Unlock c.md by place",
            "ana d2 Unlock quiz.md by open-quiz",
            "ana d3 Assign fix.md by remedy",
            "ana d6 Unlock quiz.md by remedy",
            "ana d8 Schedule certification by ready",
            "ben d0 Assign sdr by assign-sdr",
            "ben d7 Notify learner by nudge",
            "ben d14 Notify manager by nudge",
            "ana d380 Reenroll quiz.md by recert",
        ],
        "each event leads to exactly the expected decisions, in order"
    );
    assert!(
        decisions[1].explanation.contains("scored 82% on “PRE”"),
        "a decision explains itself: {}",
        decisions[1].explanation
    );
    assert!(
        decisions[5].explanation.contains("below 70%"),
        "{}",
        decisions[5].explanation
    );
    let err = run(
        &parse(GOOD),
        &c,
        &[serde_json::from_str(
            r#"{"learner": "x", "day": 0, "type": "completed", "module": "nope.md"}"#,
        )
        .unwrap()],
    )
    .unwrap_err();
    assert_eq!(
        err, "event 1: unknown module \"nope.md\"",
        "unknown modules are named with the event"
    );
}

const SCHEMA_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../assets/schemas/pathforge.rules.v1.schema.json"
);

#[test]
fn the_published_json_schema_is_up_to_date() {
    let fresh = json_schema();
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::create_dir_all(std::path::Path::new(SCHEMA_FILE).parent().unwrap()).unwrap();
        std::fs::write(SCHEMA_FILE, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
    assert!(
        committed == fresh,
        "assets/schemas/pathforge.rules.v1.schema.json is stale: run `make bindings` and commit it"
    );
}

#[test]
fn xapi_statements_become_events() {
    let statements: Vec<serde_json::Value> = serde_json::from_str(
        r#"[
        {"actor": {"mbox": "mailto:ana@example.com"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/launched"},
         "object": {"id": "https://lms.example/activities/quiz"}, "timestamp": "2026-03-01T09:00:00Z"},
        {"actor": {"account": {"homePage": "https://lms.example", "name": "ana"}}, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"},
         "object": {"id": "https://lms.example/activities/quiz"}, "result": {"score": {"scaled": 0.55}}, "timestamp": "2026-03-04T10:00:00Z"},
        {"actor": {"name": "Ana"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
         "object": {"id": "https://lms.example/activities/c.md"}, "timestamp": "2026-03-05T10:00:00Z"},
        {"actor": {"name": "Ana"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/commented"},
         "object": {"id": "https://lms.example/activities/c.md"}, "timestamp": "2026-03-05T11:00:00Z"}
    ]"#,
    )
    .unwrap();
    let events = events_from_xapi(&statements).unwrap();
    let got: Vec<String> = events
        .iter()
        .map(|e| format!("{} d{} {:?}", e.learner, e.day, e.kind))
        .collect();
    assert_eq!(
        got,
        [
            "ana@example.com d0 Launched { module: \"https://lms.example/activities/quiz\" }",
            "ana d3 Scored { module: \"https://lms.example/activities/quiz\", score: 55.0, categories: {} }",
            "Ana d4 Completed { module: \"https://lms.example/activities/c.md\" }",
        ],
        "verbs map to events, scores to percent, timestamps to days; other verbs are skipped"
    );
    let modules = modules();
    let tracks: Vec<String> = vec![];
    let c = Curriculum {
        modules: &modules,
        tracks: &tracks,
        edges: &[],
    };
    assert_eq!(
        c.resolve("https://lms.example/activities/quiz"),
        Some(4),
        "activity IRIs resolve by file name"
    );
    let err = events_from_xapi(&[serde_json::json!({"verb": {"id": "x"}})]).unwrap_err();
    assert!(err.starts_with("statement 1: no actor"), "{err}");
}

#[test]
fn an_assessment_passes_at_the_highest_threshold_the_rules_set_on_it() {
    let set = parse(
        r#"{"id": "fix", "kind": "remediation", "explanation": "Review", "assessment": "quiz.md",
            "below": 75, "assign": ["b.md"], "retake_after_days": 2},
           {"id": "fix-price", "kind": "remediation", "explanation": "Price", "assessment": "quiz.md",
            "category": "price", "below": 95, "assign": ["b.md"], "retake_after_days": 2},
           {"id": "open-c", "kind": "unlock", "explanation": "After quiz", "module": "c.md",
            "requires": ["quiz.md", "a.md"], "min_score": 60},
           {"id": "ready", "kind": "certification_readiness", "explanation": "Ready",
            "required": ["quiz.md"], "min_scores": [{"module": "quiz.md", "min": 80}]}"#,
    );
    let marks = pass_marks(&set.rules);
    let check = |module: &str, want: Option<f64>, why: &str| {
        assert_eq!(marks.get(module).copied(), want, "{module}: {why}");
    };
    check(
        "quiz.md",
        Some(80.0),
        "the certification's 80 outranks the remediation's 75 and the unlock's 60; the price category's 95 is the category's, not the whole quiz's",
    );
    check(
        "a.md",
        Some(60.0),
        "an unlock's min_score applies to each prerequisite",
    );
    check("b.md", None, "no rule sets a threshold on a lesson");
}

#[test]
fn event_logs_read_in_every_shape_we_write_or_an_lrs_returns() {
    let statement = |verb: &str, scaled: f64| {
        serde_json::json!({
            "actor": {"account": {"homePage": "https://lms.example", "name": "ana"}},
            "verb": {"id": format!("http://adlnet.gov/expapi/verbs/{verb}")},
            "object": {"id": "https://lms.example/activities/quiz.md"},
            "result": {"score": {"scaled": scaled}},
            "timestamp": "2026-03-04T10:00:00Z"
        })
    };
    let two = [statement("failed", 0.55), statement("passed", 0.8)];
    let lines = format!("{}\n\n{}\n", two[0], two[1]);
    let array = serde_json::to_string_pretty(&two).unwrap();
    let lrs = serde_json::json!({ "statements": two, "more": "" }).to_string();
    for (shape, text) in [
        ("JSON lines", &lines),
        ("an array", &array),
        ("an LRS answer", &lrs),
    ] {
        let events = read_event_log(text).unwrap_or_else(|e| panic!("{shape}: {e}"));
        let scores: Vec<String> = events.iter().map(|e| format!("{:?}", e.kind)).collect();
        assert_eq!(
            scores.len(),
            2,
            "{shape}: both statements are read: {scores:?}"
        );
        assert!(
            scores[0].contains("score: 55.0") && scores[1].contains("score: 80.0"),
            "{shape}: {scores:?}"
        );
    }
    let check_refused = |text: String, want: &str, why: &str| {
        let err = read_event_log(&text).expect_err(why);
        assert!(err.starts_with(want), "{why}: {err}");
    };
    check_refused(
        format!("{}\n{}\n", two[0], statement("passed", 1.5)),
        "line 2: score scaled 1.5 is outside −1…1",
        "an impossible scaled score is refused with its line",
    );
    let mut raw = statement("scored", 0.0);
    raw["result"]["score"] = serde_json::json!({"raw": 12, "max": 10});
    check_refused(
        serde_json::to_string_pretty(&[raw]).unwrap(),
        "statement 1: score raw 12 is outside its range 0…10",
        "a raw score above its maximum is refused with its place in the array",
    );
    check_refused(
        "{\"learner\": \"ana\", \"day\": 1, \"type\": \"scored\", \"module\": \"quiz.md\", \"score\": 140}\n".to_owned(),
        "line 1: score 140 is not a percentage",
        "a native event's score is a percentage",
    );
    check_refused(
        "{\"statements\": {\"id\": 1}}".to_owned(),
        "\"statements\" is not an array",
        "an LRS answer whose statements are not a list says so",
    );
}
