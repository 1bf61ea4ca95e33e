//! Skill tags on modules — declared, suggested, decided — with the evidence, keyphrases and
//! level signals behind each suggestion, and the calibration of confidences.

use super::*;

/// Who proposed a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TagSource {
    /// Declared in the content itself (front matter, manifest metadata).
    Declared,
    /// Suggested by the embedding model.
    Model,
    /// Added by a person in the app.
    Person,
}

/// Where a tag stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TagState {
    Suggested,
    Accepted,
    Rejected,
}

/// A claim that a module teaches a skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Tag {
    pub module_id: ModuleId,
    pub skill_id: SkillId,
    pub skill_slug: String,
    pub skill_name: String,
    pub source: TagSource,
    pub state: TagState,
    /// Model confidence in 0..=1; `None` for declared and personal tags.
    pub confidence: Option<f64>,
    /// `name@version` of the model that suggested it.
    pub model: Option<String>,
    /// The passages of the module's text that earned the suggestion, best first.
    pub evidence: Vec<Evidence>,
    /// A person rejected this skill for an earlier version of the module's text.
    pub rejected_before: bool,
    /// Accepted by the project's auto-accept threshold, not (yet) by a person.
    pub auto_accepted: bool,
    /// A person edited this suggestion: rejected it for this other skill (slug), which
    /// they accepted instead.
    pub replaced_by: Option<String>,
}

/// A passage of a module's body behind a suggestion: char offsets (Unicode scalar
/// values, as `Array.from(body)` indexes them) and its similarity to the skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Evidence {
    pub start: u32,
    pub end: u32,
    pub score: f32,
}

/// A phrase from a module's text that sums it up, with its similarity to the module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Keyphrase {
    pub phrase: String,
    pub score: f32,
}

/// One reason behind a level guess; negative points push towards beginner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LevelSignal {
    pub name: String,
    pub detail: String,
    pub points: f32,
}

/// What auto-tagging found in one module, with every tag it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ModuleInsight {
    pub module_id: ModuleId,
    /// `name@version` of the model, `None` before the module was first tagged.
    pub model: Option<String>,
    pub keyphrases: Vec<Keyphrase>,
    pub level: Option<Level>,
    pub level_score: f32,
    pub level_signals: Vec<LevelSignal>,
    /// Why a module got fewer suggestions than usual (empty, cut short…).
    pub notes: Vec<String>,
    pub tags: Vec<Tag>,
    /// Whether a person set the module's level (over its file's and the guess); clearing
    /// it gives the file's back.
    #[serde(default)]
    pub level_set_by_hand: bool,
}

/// What one auto-tagging run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TagReport {
    pub model: String,
    /// Modules in the project (not retired).
    pub modules: u32,
    /// Skills the modules were matched against (the taxonomy's leaves): with none, there
    /// is nothing to suggest, and the report says how to get some.
    pub skills: u32,
    /// Modules (re-)analysed because they were new, edited, or the taxonomy changed.
    pub analysed: u32,
    /// Modules whose text and taxonomy were unchanged since their last analysis.
    pub unchanged: u32,
    /// Passages and phrases run through the model in this run.
    pub embedded: u32,
    /// Passages and phrases whose embedding came from the project's cache.
    pub cached: u32,
    /// Skill suggestions now open for review.
    pub suggestions: u32,
    /// Modules with no text to tag.
    pub empty: u32,
    /// Suggestions accepted automatically by the project's auto-accept threshold (logged
    /// as the model's acceptances).
    pub auto_accepted: u32,
    /// The run was cancelled; the modules finished before that are saved.
    pub cancelled: bool,
}

/// How people decided the model's suggestions, by confidence band and by skill: the
/// evidence for choosing an auto-accept threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Calibration {
    /// Bands of confidence, lowest first (0.5–0.6 … 0.9–1.0).
    pub bands: Vec<CalibrationRow>,
    /// Skills with at least one suggestion, most decided first.
    pub skills: Vec<CalibrationRow>,
    /// The project's auto-accept threshold, if one is set.
    pub auto_accept: Option<f64>,
}

/// Suggestions in one band or of one skill, by how people decided them. Suggestions the
/// threshold accepted are counted apart: they are not a person's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CalibrationRow {
    /// The band (`0.80–0.90`) or the skill's name.
    pub label: String,
    pub accepted: u32,
    pub rejected: u32,
    pub open: u32,
    pub auto_accepted: u32,
}
