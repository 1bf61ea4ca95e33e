//! How each rule reached a target, in words: the verdict helpers every target uses, and
//! the coverage matrix the README carries (one typical rule of each kind, compiled).

use super::*;

pub(crate) fn cover(rule: &rules::Rule, status: Status, how: impl Into<String>) -> RuleCoverage {
    RuleCoverage {
        rule: rule.id.clone(),
        kind: rule.body.kind().to_owned(),
        status,
        how: how.into(),
    }
}

/// `how`, saying — where `rule` is a placement or remediation on one question category —
/// that `target` keeps one score for the whole assessment, so the rule's threshold is
/// applied to the overall score instead. Every target that keeps one score per assessment
/// reports category rules through this.
pub(crate) fn noting_categories(rule: &rules::Rule, target: &str, how: String) -> String {
    match &rule.body {
        RuleBody::Placement {
            category: Some(c), ..
        }
        | RuleBody::Remediation {
            category: Some(c), ..
        } => format!(
            "{how}; {target} keeps one score for the whole assessment, not one for question category {c:?}: the rule's threshold is applied to the overall score, so learners who score well overall but not in {c:?} are treated as passing"
        ),
        _ => how,
    }
}

/// What a score-reading rule needs from the LMS content: the exported page for an
/// assessment is a placeholder that reports no score.
pub(crate) fn placeholder(plan: &Plan<'_>, key: &str) -> String {
    let m = plan.module(key);
    if plan.carried(m).is_some() {
        return format!(
            "“{}” is carried as its source's item, which asks its own questions and reports the score the rule reads",
            m.title
        );
    }
    match &m.interactive {
        Some(was) => format!(
            "it takes effect once “{}” reports a score, which its exported page cannot: at its source it is {was}, whose questions the export does not carry (it is listed under text_only) — replace the page with that item or the authored assessment",
            m.title
        ),
        None => format!(
            "it takes effect once “{}” reports a score: the exported page is a placeholder, to be replaced by the authored assessment",
            m.title
        ),
    }
}

/// The coverage matrix as a Markdown table: one typical rule of each kind through every
/// compiled target. The README carries this table; a test fails when they differ.
pub fn coverage_matrix() -> String {
    let course = probe();
    let mut rows: Vec<(String, Vec<&'static str>)> = course
        .rules
        .rules
        .iter()
        .map(|r| {
            let label = match r.id.as_str() {
                "gate" => "unlock with a minimum score".to_owned(),
                "after-quiz" => "unlock after the assessment it remediates".to_owned(),
                _ => r.body.kind().replace('_', " "),
            };
            (label, Vec::new())
        })
        .collect();
    for target in Target::COMPILED {
        let export = compile(&course, target).expect("the probe course compiles");
        for (rule, (_, cells)) in course.rules.rules.iter().zip(&mut rows) {
            let status = export
                .coverage
                .rules
                .iter()
                .find(|c| c.rule == rule.id)
                .map_or(Status::NotExported, |c| c.status);
            cells.push(status.symbol());
        }
    }
    let mut out = String::from("| rule kind |");
    for t in Target::COMPILED {
        out += &format!(" {} |", t.label());
    }
    out += "\n|---|";
    out += &"---|".repeat(Target::COMPILED.len());
    out.push('\n');
    for (label, cells) in rows {
        out += &format!("| {label} | {} |\n", cells.join(" | "));
    }
    out
}

/// A small course with one rule of every kind, for the coverage matrix.
pub(crate) fn probe() -> Course {
    let module = |key: &str| CourseModule {
        key: key.to_owned(),
        title: key.to_owned(),
        duration_minutes: 10,
        skills: vec!["s".to_owned()],
        body: String::new(),
        interactive: None,
        speaks: None,
        carried: None,
    };
    let rules: RuleSet = serde_json::from_value(serde_json::json!({
        "schema": rules::SCHEMA,
        "rules": [
            { "id": "place", "explanation": "", "kind": "placement", "assessment": "pre",
              "bands": [{ "min": 0, "max": 69 }, { "min": 70, "max": 100, "skip": ["a"] }] },
            { "id": "unlock", "explanation": "", "kind": "unlock", "module": "b", "requires": ["a"] },
            { "id": "gate", "explanation": "", "kind": "unlock", "module": "next", "requires": ["quiz"],
              "min_score": 60 },
            { "id": "after-quiz", "explanation": "", "kind": "unlock", "module": "rem", "requires": ["quiz"] },
            { "id": "remediate", "explanation": "", "kind": "remediation", "assessment": "quiz",
              "below": 60, "assign": ["rem"], "retake_after_days": 2 },
            { "id": "nudge", "explanation": "", "kind": "reengagement", "idle_days": 7,
              "manager_after_days": 7 },
            { "id": "ready", "explanation": "", "kind": "certification_readiness",
              "required": ["b"], "min_scores": [{ "module": "quiz", "min": 80 }] },
            { "id": "assign", "explanation": "", "kind": "assignment",
              "when": { "role": "ae" }, "track": "t" },
            { "id": "recert", "explanation": "", "kind": "recertification", "track": "t",
              "older_than_months": 12, "refresher": ["b"] }
        ]
    }))
    .expect("the probe rules read");
    Course {
        id: "probe".to_owned(),
        title: "Probe".to_owned(),
        description: String::new(),
        modules: ["a", "b", "next", "pre", "quiz", "rem"]
            .map(module)
            .to_vec(),
        tracks: vec![CourseTrack {
            slug: "t".to_owned(),
            name: "T".to_owned(),
            modules: vec!["pre".into(), "a".into(), "b".into(), "quiz".into()],
        }],
        rules,
        framework: exchange::Framework {
            identifier: "00000000-0000-4000-8000-000000000000".to_owned(),
            title: "Probe".to_owned(),
            creator: "Pathforge".to_owned(),
            scale: Vec::new(),
            skills: vec![exchange::FrameworkSkill {
                identifier: "00000000-0000-4000-8000-000000000001".to_owned(),
                slug: "s".to_owned(),
                name: "S".to_owned(),
                description: String::new(),
                parent: None,
                requires: Vec::new(),
                examples: Vec::new(),
            }],
        },
        changed: Timestamp(0),
        mapping: BTreeMap::new(),
        remote_images: false,
        packages: BTreeMap::new(),
    }
}
