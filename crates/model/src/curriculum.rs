//! The curriculum's vocabulary: skills and their tree, merges and skill prerequisites,
//! tracks and their paths, prerequisite edges between modules, and the linter's findings.

use super::*;

/// A node of the skill taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Skill {
    pub id: SkillId,
    pub slug: String,
    pub name: String,
    pub parent_id: Option<SkillId>,
    pub description: String,
    /// Short examples of the skill in action, for reviewers and learners.
    pub examples: Vec<String>,
    /// Kept for history; out of tracks, suggestions and checks.
    pub retired: bool,
}

/// The modules tagged with a skill: those that teach it (declared, or accepted by a
/// person) and those the model suggests and nobody has decided on yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SkillUse {
    pub skill: SkillId,
    pub taught: Vec<ModuleId>,
    pub suggested: Vec<ModuleId>,
}

/// What merging skill `from` into `into` will change, shown before it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MergePreview {
    pub from: Skill,
    pub into: Skill,
    /// Tags that move to `into` (a module can carry a skill from several sources).
    pub tags: u32,
    /// Modules whose tags move to `into`.
    pub modules: Vec<ModuleId>,
    /// Tags dropped because `into` already tags the same module the same way.
    pub duplicates: u32,
    /// Sub-skills that move under `into`.
    pub children: Vec<String>,
    /// Tracks whose targets name `from` and will name `into`.
    pub tracks: Vec<String>,
    /// Skill prerequisites of `from` that pass to `into`.
    pub prerequisites: u32,
}

/// A merge done: what moved, and the audit entry that undoes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SkillMerge {
    pub tags: u32,
    pub children: u32,
    pub tracks: u32,
    /// Position of the merge in the audit log; `unmerge_skill` takes it.
    #[ts(type = "number")]
    pub audit: i64,
}

/// Skill `before` must be mastered before skill `after` (by slug).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SkillPrerequisite {
    pub before: String,
    pub after: String,
    pub origin: EdgeOrigin,
}

/// A module order implied by skill prerequisites: `after` teaches a skill that requires a
/// skill `before` teaches. Shown, not enforced; a person turns it into an edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DerivedEdge {
    pub before: ModuleId,
    pub after: ModuleId,
    /// “B” teaches “Y”, which requires “X”, which “A” teaches.
    pub because: String,
}

/// A skill a track aims at: modules teaching it (or a skill under it in the taxonomy) up
/// to `level` are on the track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TrackTarget {
    /// The skill's slug.
    pub skill: String,
    /// The highest level of module the track includes; `None` means every level.
    pub level: Option<Level>,
}

/// A named learning track (per role, department or certification).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Track {
    pub id: TrackId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub targets: Vec<TrackTarget>,
}

/// A track as a person writes it in the Tracks panel or with `pathforge track add|edit`:
/// everything but its id, and who takes it (kept as the assignment rule
/// `assign-{slug}`, which exports and simulations already follow).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TrackDraft {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub targets: Vec<TrackTarget>,
    /// Learners with this role take the track.
    pub role: Option<String>,
    /// Learners in this department take the track (with `role`, both must hold).
    pub department: Option<String>,
}

/// One module of a track's path, and why it is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TrackStep {
    pub module: ModuleSummary,
    /// "teaches negotiation" or "required by “Closing with Mutual Action Plans”".
    pub reason: String,
}

/// A track's path: the modules needed, in a valid order, with its durations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TrackPath {
    pub track: Track,
    pub steps: Vec<TrackStep>,
    pub total_minutes: u32,
    /// The longest chain of prerequisites, by duration: the least calendar time the
    /// track takes even if modules could be taken in parallel.
    pub critical_path_minutes: u32,
    pub critical_path: Vec<ModuleId>,
    /// Target skills that no module on any path teaches.
    pub untaught_targets: Vec<String>,
}

/// How a set of prerequisites combines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrerequisiteGroup {
    AllOf,
    AnyOf,
    NOf { n: u32 },
}

impl PrerequisiteGroup {
    /// `all-of`, `any-of` or `n-of` (with `n` stored beside it).
    pub fn name(self) -> &'static str {
        match self {
            PrerequisiteGroup::AllOf => "all-of",
            PrerequisiteGroup::AnyOf => "any-of",
            PrerequisiteGroup::NOf { .. } => "n-of",
        }
    }
}

/// Where a prerequisite edge came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EdgeOrigin {
    /// Declared by the library's `pathforge.toml`; replaced on re-import.
    Manifest,
    /// Added by a person; kept across re-imports.
    Person,
}

/// `before` must be completed before `after` (modules). All the edges into one module form
/// its requirement, combined by their `group`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PrerequisiteEdge {
    pub before: ModuleId,
    pub after: ModuleId,
    pub group: PrerequisiteGroup,
    pub origin: EdgeOrigin,
}

/// A prerequisite edge the content suggests, with the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PrerequisiteSuggestion {
    pub before: ModuleId,
    pub before_title: String,
    pub after: ModuleId,
    pub after_title: String,
    /// 0..=1: the model's probability that this is a prerequisite edge.
    pub confidence: f64,
    /// Why, in plain words: similarity, shared skills, levels, textual cues.
    pub evidence: Vec<String>,
    /// Whether modules were compared by the embedding model's vectors (every module
    /// auto-tagged with one model) or, before that, by their words, which rank
    /// prerequisites less well (README, "Suggestion quality on public data").
    pub by_vectors: bool,
}

/// How serious a linter finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The curriculum cannot be run as it stands; downstream work refuses it.
    Error,
    /// Probably a mistake; worth a look.
    Warning,
    /// Worth knowing.
    Info,
}

/// The kinds of problem the graph linter reports; stable codes for scripts and the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    Cycle,
    SelfLoop,
    RedundantEdge,
    UnreachableModule,
    OrphanModule,
    SingleMemberAnyOf,
    MixedGroup,
    UnsatisfiableNOf,
    TrackWithoutPath,
    LongCriticalPath,
    UntaughtSkill,
    OrphanSkill,
    SkillCycle,
    /// A skill prerequisite a longer chain of skill prerequisites already implies.
    RedundantSkillEdge,
    RequiresUntaughtSkill,
    SkillOrderViolated,
    DuplicateRuleId,
    MissingReference,
    ThresholdOutOfRange,
    BandOverlap,
    BandGap,
    UnassessedSkip,
    UnlockContradictsGraph,
    UnreachableByRules,
    NotificationLoop,
    AssignmentOverlap,
}

/// One problem in the prerequisite graph, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    /// Ids of the modules involved, in the order the message names them.
    pub objects: Vec<String>,
    /// What is wrong, in plain words, naming the modules.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}
