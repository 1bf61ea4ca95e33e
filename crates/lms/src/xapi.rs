//! xAPI statements from a simulation run, for loading into a learning record store when
//! building or testing dashboards before real learners arrive. Each simulated learner's
//! events become statements (registered, completed, passed / failed / scored) with the
//! rule decisions they led to in `result.extensions`; time starts at the project's last
//! change, one day per simulated day, so the same run gives the same statements.

use std::collections::BTreeMap;

use rules::{EventKind, RuleBody};
use serde_json::{json, Value};

use crate::{cover, json_bytes, Files, Plan, RuleCoverage, Status};

/// Where simulated learners' accounts live (`.invalid` is reserved: it never resolves).
pub const HOME_PAGE: &str = "https://simulation.pathforge.invalid";
/// The result extension holding the rule decisions an event led to.
pub const DECISIONS: &str = "https://simulation.pathforge.invalid/xapi/extensions/decisions";

/// Pathforge's own verbs for what the rule runtime sees but no ADL verb names: a spell
/// without activity, a certificate earned, HR attributes changed. Written only for events
/// that led to decisions, so the decisions (a re-engagement reminder, a recertification)
/// are recorded like every other; readers of real LRS data skip them.
fn own_verb(name: &str, display: &str) -> Value {
    json!({ "id": format!("{HOME_PAGE}/xapi/verbs/{name}"), "display": { "en-US": display } })
}

/// One learner's events as the rule runtime saw them, each with the decisions it led to:
/// what the xAPI export turns into statements. The engine fills it from a simulated
/// journey; nothing here depends on the simulator.
#[derive(Debug, Clone, Copy)]
pub struct Learner<'a> {
    /// The account name (unique per learner).
    pub name: &'a str,
    /// The persona, shown in the agent's name.
    pub segment: &'a str,
    pub events: &'a [(rules::Event, Vec<rules::Decision>)],
}

fn verb(id: &str) -> Value {
    json!({ "id": format!("http://adlnet.gov/expapi/verbs/{id}"), "display": { "en-US": id } })
}

pub(crate) fn compile(plan: &Plan<'_>, learners: &[Learner<'_>]) -> (Files, Vec<RuleCoverage>) {
    let course = plan.course;
    let placement: Vec<&str> = plan
        .rules()
        .iter()
        .filter_map(|r| match &r.body {
            RuleBody::Placement { assessment, .. } => Some(assessment.as_str()),
            _ => None,
        })
        .collect();
    // The score that passes each assessment, as the simulator decides it.
    let pass_marks = rules::pass_marks(plan.rules());
    let course_activity = json!({
        "objectType": "Activity",
        "id": plan.uri("course"),
        "definition": { "name": { "en-US": course.title }, "type": "http://adlnet.gov/expapi/activities/course" },
    });
    let activity = |key: &str| {
        let m = plan.module(key);
        json!({
            "objectType": "Activity",
            "id": plan.uri(&format!("module:{}", plan.ident(key))),
            "definition": { "name": { "en-US": m.title }, "type": "http://adlnet.gov/expapi/activities/module" },
        })
    };
    let start = course.changed.0;
    let mut decided: BTreeMap<&str, usize> = BTreeMap::new();
    let mut statements = Vec::new();
    for j in learners {
        let registration = uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_URL,
            format!("{}/{}", plan.uri("registration"), j.name).as_bytes(),
        );
        let actor = json!({
            "objectType": "Agent",
            "name": format!("Simulated {} ({})", j.name, j.segment),
            "account": { "homePage": HOME_PAGE, "name": j.name },
        });
        for (i, (event, decisions)) in j.events.iter().enumerate() {
            let (verb, object, result) = match &event.kind {
                EventKind::Enrolled { .. } => (verb("registered"), course_activity.clone(), None),
                EventKind::Completed { module } => (
                    verb("completed"),
                    activity(module),
                    Some(json!({ "completion": true })),
                ),
                EventKind::Scored { module, score, .. } => {
                    let score_json =
                        json!({ "scaled": score / 100.0, "raw": score, "min": 0, "max": 100 });
                    if placement.contains(&module.as_str()) {
                        (
                            verb("scored"),
                            activity(module),
                            Some(json!({ "score": score_json })),
                        )
                    } else {
                        let mark = pass_marks
                            .get(module.as_str())
                            .copied()
                            .unwrap_or(rules::DEFAULT_PASS_MARK);
                        let passed = *score >= mark;
                        (
                            verb(if passed { "passed" } else { "failed" }),
                            activity(module),
                            Some(
                                json!({ "score": score_json, "success": passed, "completion": true }),
                            ),
                        )
                    }
                }
                // Idle ticks, launches, certificates and attribute changes are not learner
                // statements — unless the rules decided something on them.
                _ if decisions.is_empty() => continue,
                EventKind::Launched { module } => (verb("launched"), activity(module), None),
                EventKind::IdleTick => (
                    own_verb("was-idle", "was idle"),
                    course_activity.clone(),
                    None,
                ),
                EventKind::Certified { track } => (
                    own_verb("earned-certificate", "earned the certificate"),
                    json!({
                        "objectType": "Activity",
                        "id": plan.uri(&format!("track:{track}")),
                        "definition": { "name": { "en-US": track }, "type": "http://adlnet.gov/expapi/activities/course" },
                    }),
                    None,
                ),
                EventKind::AttributesChanged { .. } => (
                    own_verb("changed-role", "changed role or department"),
                    course_activity.clone(),
                    None,
                ),
            };
            let mut result = result.unwrap_or_else(|| json!({}));
            if !decisions.is_empty() {
                for d in decisions {
                    *decided.entry(d.rule.as_str()).or_default() += 1;
                }
                result["extensions"] = json!({ DECISIONS: decisions });
            }
            let millis = start + i64::from(event.day) * 86_400_000 + i as i64 * 1_000;
            let mut statement = json!({
                "id": uuid::Uuid::new_v5(&registration, i.to_string().as_bytes()).to_string(),
                "actor": actor,
                "verb": verb,
                "object": object,
                "timestamp": timestamp(millis),
                "context": { "registration": registration.to_string(), "platform": "Pathforge simulation" },
            });
            if result.as_object().is_some_and(|o| !o.is_empty()) {
                statement["result"] = result;
            }
            statements.push(statement);
        }
    }
    let coverage = plan
        .rules()
        .iter()
        .map(|r| match decided.get(r.id.as_str()) {
            Some(n) => cover(
                r,
                Status::Expressed,
                format!("{n} decision(s) recorded in the statements' result extensions"),
            ),
            None => cover(
                r,
                Status::NotExported,
                "made no decision for these simulated learners, so no statement records it",
            ),
        })
        .collect();
    let mut files = Files::new();
    files.insert("statements.json".to_owned(), json_bytes(&statements));
    (files, coverage)
}

/// Milliseconds since the epoch as an ISO 8601 UTC time, as xAPI wants it.
pub fn timestamp(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_owned())
}
