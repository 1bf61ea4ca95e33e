//! The domain vocabulary of Pathforge: plain data, no IO, no behaviour beyond ids.
//!
//! Every other crate (store, ingest, engine, the CLI and the desktop shell) speaks in
//! these types, and the UI sees them through TypeScript generated from them (`ts-rs`).
//! Ids are stable: derived from what they name where possible (a module's id comes from
//! its library and its path inside it), so re-importing the same content never
//! re-identifies it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// Milliseconds since the Unix epoch (UTC). Time is passed into the engine, never read by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(type = "number")]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The wall clock, for binaries to pass in; engine code never calls it.
    pub fn now() -> Timestamp {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(since_epoch.as_millis() as i64)
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
        #[ts(type = "string")]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A project's id: random, fixed when the project file is created.
    ProjectId
);
id_type!(
    /// A library's id: derived from the project and the library's source name.
    LibraryId
);
id_type!(
    /// A module's id: derived from its library and its relative path in it.
    ModuleId
);
id_type!(
    /// A skill's id: derived from the project and the skill's slug.
    SkillId
);
id_type!(
    /// A track's id: derived from the project and the track's slug.
    TrackId
);

/// Namespace for Pathforge's name-based (v5) ids.
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x7061_7468_666f_7267_6500_0000_0000_0001);

fn derived(parts: &[&str]) -> String {
    // A unit separator cannot appear in paths or slugs, so the joined name is unambiguous.
    Uuid::new_v5(&ID_NAMESPACE, parts.join("\u{1f}").as_bytes()).to_string()
}

impl ProjectId {
    pub fn random() -> ProjectId {
        ProjectId(Uuid::new_v4().to_string())
    }
}

impl LibraryId {
    pub fn derive(project: &ProjectId, source_name: &str) -> LibraryId {
        LibraryId(derived(&["library", project.as_str(), source_name]))
    }
}

impl ModuleId {
    pub fn derive(library: &LibraryId, relative_path: &str) -> ModuleId {
        ModuleId(derived(&["module", library.as_str(), relative_path]))
    }
}

impl SkillId {
    pub fn derive(project: &ProjectId, slug: &str) -> SkillId {
        SkillId(derived(&["skill", project.as_str(), slug]))
    }
}

impl TrackId {
    pub fn derive(project: &ProjectId, slug: &str) -> TrackId {
        TrackId(derived(&["track", project.as_str(), slug]))
    }
}

/// What kind of failure happened, for code (the UI, scripts) to branch on.
/// Messages are for people; kinds are for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A file or folder the user named does not exist.
    NotFound,
    /// Refused to overwrite an existing file.
    AlreadyExists,
    /// The file exists but is not a Pathforge project.
    NotAProject,
    /// The project was written by a newer Pathforge than this one.
    TooNew,
    /// Content could not be read as what it claims to be (front matter, encoding...).
    BadInput,
    /// The operating system refused a read or a write.
    Io,
    /// The project database failed.
    Storage,
    /// An id that names nothing in the project.
    UnknownId,
    /// The operation needs an open project and none is open.
    NoProject,
    /// The edit would break an invariant (e.g. close a prerequisite cycle); refused.
    Conflict,
    /// A failure outside the engine (the window refused a call, a bug): report it.
    Internal,
    /// The user stopped a long operation before it wrote anything; the project is as it was.
    Cancelled,
    /// Another Pathforge (a window or a command) is changing the project; nothing was done.
    Busy,
}

/// What checking the audit log's hash chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditCheck {
    /// Entries read.
    #[ts(type = "number")]
    pub entries: i64,
    /// The first entry that breaks the chain and why, `None` when the log is intact.
    pub broken: Option<BrokenEntry>,
    /// The last entry's hash. Removing entries from the end leaves a valid shorter chain;
    /// compare this with a head recorded elsewhere (an export, a bundle) to detect it.
    pub head: String,
}

/// Formats the audit log exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditFormat {
    Csv,
    Json,
}

/// An audit entry that does not fit the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BrokenEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub reason: String,
}

/// The project file's own record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProjectInfo {
    pub id: ProjectId,
    pub name: String,
    /// Path of the `.pathforge` file as it was opened.
    pub path: String,
    pub created_at: Timestamp,
    /// Schema version of the file (its migration count).
    pub schema_version: u32,
}

/// Where a library came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LibraryFormat {
    /// A folder of Markdown files with YAML front matter.
    MarkdownFolder,
    /// A SCORM 1.2 package (zip or folder).
    Scorm12,
    /// A SCORM 2004 package (zip or folder).
    Scorm2004,
    /// A cmi5 course package (zip or folder).
    Cmi5,
    /// An IMS Common Cartridge (`.imscc`).
    CommonCartridge,
    /// An LMS catalog export (CSV).
    Catalog,
}

impl LibraryFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            LibraryFormat::MarkdownFolder => "markdown_folder",
            LibraryFormat::Scorm12 => "scorm12",
            LibraryFormat::Scorm2004 => "scorm2004",
            LibraryFormat::Cmi5 => "cmi5",
            LibraryFormat::CommonCartridge => "imscc",
            LibraryFormat::Catalog => "catalog_csv",
        }
    }

    pub fn parse(s: &str) -> Option<LibraryFormat> {
        match s {
            "markdown_folder" => Some(LibraryFormat::MarkdownFolder),
            "scorm12" => Some(LibraryFormat::Scorm12),
            "scorm2004" => Some(LibraryFormat::Scorm2004),
            "cmi5" => Some(LibraryFormat::Cmi5),
            "imscc" => Some(LibraryFormat::CommonCartridge),
            "catalog_csv" => Some(LibraryFormat::Catalog),
            _ => None,
        }
    }
}

/// A content library imported into the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Library {
    pub id: LibraryId,
    pub name: String,
    /// The folder or file it was imported from, as given at the last import.
    pub source_path: String,
    pub format: LibraryFormat,
    pub imported_at: Timestamp,
}

/// How hard a module is, as declared by its author or suggested later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Beginner,
    Intermediate,
    Advanced,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Beginner, Level::Intermediate, Level::Advanced];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// One unit of learning content: a lesson, an assessment, a remediation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Module {
    pub id: ModuleId,
    pub library_id: LibraryId,
    /// Path inside the library, with `/` separators.
    pub source_path: String,
    pub title: String,
    pub duration_minutes: u32,
    pub level: Option<Level>,
    pub word_count: u32,
    /// Skill slugs the author declared; they are also recorded as tags.
    pub tags: Vec<String>,
    /// Front-matter keys Pathforge does not interpret yet, kept verbatim (as JSON).
    #[ts(type = "Record<string, unknown>")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The module's text as the author wrote it (Markdown, without front matter).
    pub body: String,
}

/// A module without its body, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModuleSummary {
    pub id: ModuleId,
    pub library_id: LibraryId,
    pub source_path: String,
    pub title: String,
    pub duration_minutes: u32,
    pub level: Option<Level>,
    pub word_count: u32,
    /// The skills it teaches: those its file declares, then suggestions accepted (by a
    /// person or auto-accept) and a person's own tags.
    pub tags: Vec<String>,
}

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
}

/// What one auto-tagging run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TagReport {
    pub model: String,
    /// Modules in the project (not retired).
    pub modules: u32,
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
    /// 0..=1, relative to the strongest suggestion.
    pub confidence: f64,
    /// Why, in plain words: similarity, shared skills, levels, textual cues.
    pub evidence: Vec<String>,
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

/// Who made a decision recorded in the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// A person using the app or the CLI, by their local profile's name and role.
    Person {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        role: Option<Role>,
    },
    /// Pathforge itself (imports, migrations).
    System,
    /// A model, by id and version.
    Model { id: String, version: String },
}

impl Actor {
    /// The person logged in at this machine (`$USER`), for binaries to use when no local
    /// profile was set up.
    pub fn local_user() -> Actor {
        let name = std::env::var("USER").or_else(|_| std::env::var("USERNAME"));
        Actor::Person {
            name: name.unwrap_or_else(|_| "local user".to_owned()),
            role: None,
        }
    }

    /// A person by name, without a role.
    pub fn person(name: impl Into<String>) -> Actor {
        Actor::Person {
            name: name.into(),
            role: None,
        }
    }

    /// How the actor reads in a log: `Dana Okafor (SME)`, `Pathforge`, `model@version`.
    pub fn label(&self) -> String {
        match self {
            Actor::Person { name, role: None } => name.clone(),
            Actor::Person {
                name,
                role: Some(role),
            } => format!("{name} ({})", role.label()),
            Actor::System => "Pathforge".to_owned(),
            Actor::Model { id, version } => format!("{id}@{version}"),
        }
    }
}

/// What a person does in the project, recorded with their decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Builds the curriculum: libraries, graph, rules, exports.
    Designer,
    /// A subject-matter expert reviewing tags.
    Sme,
    /// Runs the LMS side: exports, bundles, settings.
    Admin,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Designer => "designer",
            Role::Sme => "SME",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "designer" => Some(Role::Designer),
            "sme" => Some(Role::Sme),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The person using Pathforge on this machine: kept beside the app's settings (not in a
/// project), recorded as the actor of every decision they make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Profile {
    pub name: String,
    pub role: Role,
}

impl Profile {
    pub fn actor(&self) -> Actor {
        Actor::Person {
            name: self.name.clone(),
            role: Some(self.role),
        }
    }
}

/// One entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditEvent {
    /// Position in the log, from 1.
    #[ts(type = "number")]
    pub seq: i64,
    pub at: Timestamp,
    pub actor: Actor,
    /// What happened, e.g. `library.imported`.
    pub action: String,
    /// What it happened to (an id).
    pub object: String,
    #[ts(type = "unknown")]
    pub before: serde_json::Value,
    #[ts(type = "unknown")]
    pub after: serde_json::Value,
}

/// A file format for skill frameworks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TaxonomyFormat {
    /// 1EdTech CASE CFPackage JSON (1.1 out; 1.1 and 1.0 in).
    Case,
    /// `id,parent_id,name,description`, ids being skill slugs.
    Csv,
    /// Moodle's competency framework import/export CSV (14 columns).
    MoodleCsv,
}

/// What a taxonomy import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TaxonomyImportReport {
    pub added: u32,
    pub updated: u32,
}

/// Which header of a catalog CSV holds each field, for exports whose column names
/// Pathforge does not recognise; `None` leaves the field to recognition by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CatalogColumns {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub duration: Option<String>,
    pub prerequisites: Option<String>,
}

/// A catalog CSV as it would import: its header, the header each field is read from now
/// (mapped or recognised), the first rows, and whether the id and title are found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CatalogPreview {
    pub header: Vec<String>,
    pub columns: CatalogColumns,
    pub rows: Vec<Vec<String>>,
    pub ready: bool,
}

/// An edit of a suggestion, as undoing it needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TagEdit {
    pub module: ModuleId,
    /// The suggested skill replaced (slug).
    pub from: String,
    /// The skill accepted instead (slug).
    pub to: String,
    /// The suggestion's state before the edit.
    pub before: TagState,
    /// The person's tag for `to` was added by the edit (undo removes it).
    pub added: bool,
}

/// What applying an SME's decisions file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DecisionsImport {
    pub pack: String,
    pub reviewer: String,
    /// Decisions recorded now, each in the audit log under the reviewer's name.
    pub applied: u32,
    /// Decisions already in effect (a file applied twice changes nothing).
    pub already: u32,
    /// Decisions left alone for the designer to resolve, with why.
    pub conflicts: Vec<DecisionConflict>,
}

/// A decision from a review pack that was not applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DecisionConflict {
    pub module: String,
    pub title: String,
    pub skill: String,
    pub decision: TagState,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportReport {
    pub library: Library,
    /// Modules seen for the first time.
    pub added: u32,
    /// Modules already in the project whose content changed.
    pub updated: u32,
    /// Modules already in the project, unchanged.
    pub unchanged: u32,
    /// Modules of this library whose files are gone: retired, kept with their tags, edges
    /// and history, and restored if the file comes back.
    pub removed: u32,
    /// Modules in the library after the import.
    pub total: u32,
    /// Prerequisite edges the library's `pathforge.toml` declares.
    pub prerequisites: u32,
    /// Files set aside, each with the reason; modules they held before are kept as they were.
    pub skipped: Vec<SkippedFile>,
}

/// A file an import could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SkippedFile {
    pub path: String,
    pub kind: ErrorKind,
    /// Names the file and says why.
    pub reason: String,
}

mod cohort;
pub use cohort::{Attributes, Bkt, Cohort, Segment};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let p = ProjectId("p".into());
        let lib = LibraryId::derive(&p, "sales");
        assert_eq!(
            lib,
            LibraryId::derive(&p, "sales"),
            "the same library name must map to the same id on every import"
        );
        assert_ne!(
            ModuleId::derive(&lib, "a/b.md"),
            ModuleId::derive(&lib, "a/c.md"),
            "different paths are different modules"
        );
        assert_ne!(
            ModuleId::derive(&lib, "x").0,
            SkillId::derive(&p, "x").0,
            "ids of different kinds never collide even with equal names"
        );
    }

    #[test]
    fn levels_round_trip_through_their_names() {
        for level in Level::ALL {
            assert_eq!(
                Level::parse(level.as_str()),
                Some(level),
                "{level:?} must round-trip"
            );
        }
        assert_eq!(
            Level::parse("expert"),
            None,
            "unknown level names are refused"
        );
    }
}
