//! Adaptive rules, defined once: the `pathforge.rules/v1` model (JSON Schema generated from
//! these types into `assets/schemas/`), the checker that proves a rule set consistent with
//! the curriculum, and the deterministic runtime that turns learner events into decisions.
//!
//! Modules are referred to by their path in the library (or their id); scores are
//! percentages. Nothing here reads files or the clock: days are numbers in the events.

mod check;
mod runtime;
mod xapi;

use model::Attributes;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use check::{check, Curriculum, ModuleInfo};
pub use runtime::{run, Compiled, Decision, DecisionKind, Event, EventKind, Runner};
pub use xapi::{events_from_xapi, read_event_log, read_statements, score_percent};

/// The schema identifier every rule set carries.
pub const SCHEMA: &str = "pathforge.rules/v1";

/// A rule set as stored, exchanged and bundled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Always `pathforge.rules/v1`.
    pub schema: String,
    pub rules: Vec<Rule>,
}

/// One adaptive rule. (Unknown fields cannot be refused here: serde does not combine that
/// with the flattened, kind-tagged body.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
pub struct Rule {
    /// Unique within the rule set.
    pub id: String,
    /// What the rule does, in plain words; repeated in every decision it makes.
    pub explanation: String,
    /// Where the rule came from.
    #[serde(default = "Origin::person")]
    pub origin: Origin,
    #[serde(flatten)]
    pub body: RuleBody,
}

/// Who made a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Derived from the prerequisite graph or the tags.
    Graph,
    /// Written by a person.
    Person,
}

impl Origin {
    fn person() -> Origin {
        Origin::Person
    }
}

/// The seven kinds of rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleBody {
    /// A pre-assessment's score bands decide where a learner starts and what they skip.
    Placement {
        /// The pre-assessment module.
        assessment: String,
        /// Score a question category instead of the whole assessment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
        bands: Vec<Band>,
    },
    /// A module opens when its prerequisites are complete (and scored well enough).
    Unlock {
        module: String,
        requires: Vec<String>,
        #[serde(default)]
        group: Group,
        /// Minimum score (%) on each scored prerequisite.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_score: Option<f64>,
    },
    /// A low score assigns supplementary modules and allows a retake after a delay.
    Remediation {
        assessment: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
        /// Scores strictly below this (%) trigger the rule.
        below: f64,
        assign: Vec<String>,
        retake_after_days: u32,
    },
    /// Idle learners are nudged, then their manager is told.
    Reengagement {
        /// Days without activity before the learner is notified.
        idle_days: u32,
        /// Further days before the manager is notified.
        manager_after_days: u32,
    },
    /// Required modules complete and scores met: schedule the certification.
    CertificationReadiness {
        required: Vec<String>,
        #[serde(default)]
        min_scores: Vec<MinScore>,
    },
    /// HR attributes decide the learner's track; re-evaluated when they change.
    Assignment { when: Match, track: String },
    /// A certificate older than N months re-enrols the learner in a refresher.
    Recertification {
        /// The track whose certificate ages.
        track: String,
        older_than_months: u32,
        refresher: Vec<String>,
    },
}

impl RuleBody {
    pub fn kind(&self) -> &'static str {
        match self {
            RuleBody::Placement { .. } => "placement",
            RuleBody::Unlock { .. } => "unlock",
            RuleBody::Remediation { .. } => "remediation",
            RuleBody::Reengagement { .. } => "reengagement",
            RuleBody::CertificationReadiness { .. } => "certification_readiness",
            RuleBody::Assignment { .. } => "assignment",
            RuleBody::Recertification { .. } => "recertification",
        }
    }
}

/// A score band of a placement rule: scores in `min..=max` (%) start at `start_at` and
/// skip `skip`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min: f64,
    pub max: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_at: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip: Vec<String>,
}

/// How an unlock rule's requirements combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    #[default]
    AllOf,
    AnyOf,
    /// `n` of them.
    NOf(u32),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct MinScore {
    pub module: String,
    pub min: f64,
}

/// What an assignment rule asks of a learner's HR attributes; an absent field matches
/// anything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct Match {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// ISO date (YYYY-MM-DD): learners hired on or after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hired_on_or_after: Option<String>,
}

impl Match {
    /// Whether a learner with `a` matches. ISO dates compare as text.
    pub fn matches(&self, a: &Attributes) -> bool {
        let eq = |want: &Option<String>, have: &Option<String>| want.is_none() || want == have;
        eq(&self.role, &a.role)
            && eq(&self.department, &a.department)
            && eq(&self.location, &a.location)
            && match (&self.hired_on_or_after, &a.hire_date) {
                (None, _) => true,
                (Some(from), Some(hired)) => hired >= from,
                (Some(_), None) => false,
            }
    }
}

/// The JSON Schema of [`RuleSet`], as published in `assets/schemas/`.
/// The score (%) that passes an assessment no rule sets a threshold on.
pub const DEFAULT_PASS_MARK: f64 = 70.0;

/// Every score threshold the rules set on a module, as (module key, %): a remediation's
/// `below` on its assessment (overall only; a category threshold is the category's), an
/// unlock's `min_score` on each prerequisite, a certification's minimum. An assessment
/// passes at the highest threshold set on it, else [`DEFAULT_PASS_MARK`]: the simulator
/// and the xAPI export both read it here.
pub fn thresholds(rules: &[Rule]) -> impl Iterator<Item = (&str, f64)> {
    rules.iter().flat_map(|r| -> Vec<(&str, f64)> {
        match &r.body {
            RuleBody::Remediation {
                assessment,
                category: None,
                below,
                ..
            } => vec![(assessment.as_str(), *below)],
            RuleBody::Unlock {
                requires,
                min_score: Some(min),
                ..
            } => requires.iter().map(|q| (q.as_str(), *min)).collect(),
            RuleBody::CertificationReadiness { min_scores, .. } => min_scores
                .iter()
                .map(|m| (m.module.as_str(), m.min))
                .collect(),
            _ => Vec::new(),
        }
    })
}

/// The score that passes each module the rules set a threshold on (see [`thresholds`]).
pub fn pass_marks(rules: &[Rule]) -> std::collections::HashMap<&str, f64> {
    let mut marks = std::collections::HashMap::new();
    for (module, score) in thresholds(rules) {
        let mark = marks.entry(module).or_insert(score);
        *mark = f64::max(*mark, score);
    }
    marks
}

pub fn json_schema() -> String {
    let schema = schemars::schema_for!(RuleSet);
    serde_json::to_string_pretty(&schema).expect("schemas serialise") + "\n"
}

#[cfg(test)]
mod tests;
