// Generated from the Rust types in crates/model and crates/session by
// `make bindings` (UPDATE_BINDINGS=1 cargo test -p session). Do not edit.

export type Timestamp = number;

export type ProjectId = string;

export type LibraryId = string;

export type ModuleId = string;

export type SkillId = string;

export type TrackId = string;

export type ErrorKind = "not_found" | "already_exists" | "not_a_project" | "too_new" | "bad_input" | "io" | "storage" | "unknown_id" | "no_project" | "conflict" | "internal" | "cancelled" | "busy" | "read_only" | "remote";

export type ProjectInfo = { id: ProjectId, name: string, 
/**
 * Path of the `.pathforge` file as it was opened.
 */
path: string, created_at: Timestamp, 
/**
 * Schema version of the file (its migration count).
 */
schema_version: number, };

export type Restored = { project: ProjectInfo, kept: string, };

export type LibraryFormat = "markdown_folder" | "scorm12" | "scorm2004" | "cmi5" | "common_cartridge" | "catalog";

export type Library = { id: LibraryId, name: string, 
/**
 * The folder or file it was imported from, as given at the last import.
 */
source_path: string, format: LibraryFormat, imported_at: Timestamp, 
/**
 * When it was removed from the project: its modules are retired, and importing it
 * again brings them back. `None` while it is in the project.
 */
removed_at: Timestamp | null, };

export type Level = "beginner" | "intermediate" | "advanced";

export type Module = { id: ModuleId, library_id: LibraryId, 
/**
 * Path inside the library, with `/` separators.
 */
source_path: string, title: string, duration_minutes: number, level: Level | null, word_count: number, 
/**
 * Skill slugs the author declared; they are also recorded as tags.
 */
tags: Array<string>, 
/**
 * Front-matter keys Pathforge does not interpret yet, kept verbatim (as JSON).
 */
extra: Record<string, unknown>, 
/**
 * The module's text as the author wrote it (Markdown, without front matter).
 */
body: string, };

export type ModuleSummary = { id: ModuleId, library_id: LibraryId, source_path: string, title: string, duration_minutes: number, level: Level | null, word_count: number, 
/**
 * The skills it teaches: those its file declares, then suggestions accepted (by a
 * person or auto-accept) and a person's own tags.
 */
tags: Array<string>, };

export type LibrarySummary = { library: Library, 
/**
 * Modules whose files were there at the last import.
 */
modules: number, 
/**
 * Modules whose files were gone: kept with their tags, edges and history.
 */
retired: number, 
/**
 * Whether the folder or file it was last imported from is still there.
 */
source_found: boolean, };

export type LibraryRemoved = { 
/**
 * The library as it is now, removed.
 */
library: Library, 
/**
 * Its modules retired: out of the graph, tracks, simulation and exports, their tags,
 * reviews and prerequisites kept for when it is imported again.
 */
modules: number, 
/**
 * The tracks and rules its manifest (`pathforge.toml`) declared, removed with it; its
 * next import declares them again.
 */
tracks: number, rules: number, };

export type Skill = { id: SkillId, slug: string, name: string, parent_id: SkillId | null, description: string, 
/**
 * Short examples of the skill in action, for reviewers and learners.
 */
examples: Array<string>, 
/**
 * Kept for history; out of tracks, suggestions and checks.
 */
retired: boolean, };

export type SkillPrerequisite = { before: string, after: string, origin: EdgeOrigin, };

export type DerivedEdge = { before: ModuleId, after: ModuleId, 
/**
 * “B” teaches “Y”, which requires “X”, which “A” teaches.
 */
because: string, };

export type TrackTarget = { 
/**
 * The skill's slug.
 */
skill: string, 
/**
 * The highest level of module the track includes; `None` means every level.
 */
level: Level | null, };

export type Track = { id: TrackId, slug: string, name: string, description: string, targets: Array<TrackTarget>, };

export type TrackDraft = { slug: string, name: string, description: string, targets: Array<TrackTarget>, 
/**
 * Learners with this role take the track.
 */
role: string | null, 
/**
 * Learners in this department take the track (with `role`, both must hold).
 */
department: string | null, };

export type TrackStep = { module: ModuleSummary, 
/**
 * "teaches negotiation" or "required by “Closing with Mutual Action Plans”".
 */
reason: string, };

export type TrackPath = { track: Track, steps: Array<TrackStep>, total_minutes: number, 
/**
 * The longest chain of prerequisites, by duration: the least calendar time the
 * track takes even if modules could be taken in parallel.
 */
critical_path_minutes: number, critical_path: Array<ModuleId>, 
/**
 * Target skills that no module on any path teaches.
 */
untaught_targets: Array<string>, };

export type TagSource = "declared" | "model" | "person";

export type TagState = "suggested" | "accepted" | "rejected";

export type Tag = { module_id: ModuleId, skill_id: SkillId, skill_slug: string, skill_name: string, source: TagSource, state: TagState, 
/**
 * Model confidence in 0..=1; `None` for declared and personal tags.
 */
confidence: number | null, 
/**
 * `name@version` of the model that suggested it.
 */
model: string | null, 
/**
 * The passages of the module's text that earned the suggestion, best first.
 */
evidence: Array<Evidence>, 
/**
 * A person rejected this skill for an earlier version of the module's text.
 */
rejected_before: boolean, 
/**
 * Accepted by the project's auto-accept threshold, not (yet) by a person.
 */
auto_accepted: boolean, 
/**
 * A person edited this suggestion: rejected it for this other skill (slug), which
 * they accepted instead.
 */
replaced_by: string | null, };

export type PrerequisiteGroup = { "kind": "all_of" } | { "kind": "any_of" } | { "kind": "n_of", n: number, };

export type EdgeOrigin = "manifest" | "person";

export type PrerequisiteEdge = { before: ModuleId, after: ModuleId, group: PrerequisiteGroup, origin: EdgeOrigin, };

export type PrerequisiteSuggestion = { before: ModuleId, before_title: string, after: ModuleId, after_title: string, 
/**
 * 0..=1: the model's probability that this is a prerequisite edge.
 */
confidence: number, 
/**
 * Why, in plain words: similarity, shared skills, levels, textual cues.
 */
evidence: Array<string>, 
/**
 * Whether modules were compared by the embedding model's vectors (every module
 * auto-tagged with one model) or, before that, by their words, which rank
 * prerequisites less well (README, "Suggestion quality on public data").
 */
by_vectors: boolean, };

export type Severity = "error" | "warning" | "info";

export type FindingCode = "cycle" | "self_loop" | "redundant_edge" | "unreachable_module" | "orphan_module" | "single_member_any_of" | "mixed_group" | "unsatisfiable_n_of" | "track_without_path" | "long_critical_path" | "untaught_skill" | "orphan_skill" | "skill_cycle" | "redundant_skill_edge" | "requires_untaught_skill" | "skill_order_violated" | "duplicate_rule_id" | "missing_reference" | "threshold_out_of_range" | "band_overlap" | "band_gap" | "unassessed_skip" | "unlock_contradicts_graph" | "unreachable_by_rules" | "notification_loop" | "assignment_overlap";

export type Finding = { code: FindingCode, severity: Severity, 
/**
 * Ids of the modules involved, in the order the message names them.
 */
objects: Array<string>, 
/**
 * What is wrong, in plain words, naming the modules.
 */
message: string, 
/**
 * What to do about it.
 */
fix: string, };

export type Actor = { "kind": "person", name: string, role?: Role, } | { "kind": "system" } | { "kind": "model", id: string, version: string, };

export type AuditEvent = { 
/**
 * Position in the log, from 1.
 */
seq: number, at: Timestamp, actor: Actor, 
/**
 * What happened, e.g. `library.imported`.
 */
action: string, 
/**
 * What it happened to (an id).
 */
object: string, before: unknown, after: unknown, };

export type RecentProject = { 
/**
 * Full path of the `.pathforge` file.
 */
path: string, 
/**
 * The file's name without its extension.
 */
name: string, 
/**
 * Whether the file is still there.
 */
exists: boolean, };

export type AuditLine = { summary: string, 
/**
 * Position in the log, from 1.
 */
seq: number, at: Timestamp, actor: Actor, 
/**
 * What happened, e.g. `library.imported`.
 */
action: string, 
/**
 * What it happened to (an id).
 */
object: string, before: unknown, after: unknown, };

export type SkippedFile = { path: string, kind: ErrorKind, 
/**
 * Names the file and says why.
 */
reason: string, };

export type ImportWarning = { 
/**
 * The file, inside the library.
 */
path: string, 
/**
 * Where in the file ("line 7: "), what was wrong and what the import did instead.
 */
message: string, };

export type ImportReport = { library: Library, 
/**
 * Where the library was last imported from, when this import found it elsewhere
 * (its folder moved, or renamed where it was): the same library, updated in place.
 */
moved_from: string | null, 
/**
 * Modules seen for the first time.
 */
added: number, 
/**
 * Modules already in the project whose content changed.
 */
updated: number, 
/**
 * Modules already in the project, unchanged.
 */
unchanged: number, 
/**
 * Modules of this library whose files are gone: retired, kept with their tags, edges
 * and history, and restored if the file comes back.
 */
removed: number, 
/**
 * Modules in the library after the import.
 */
total: number, 
/**
 * Prerequisite edges the library's `pathforge.toml` declares.
 */
prerequisites: number, 
/**
 * Files set aside, each with the reason; modules they held before are kept as they were.
 */
skipped: Array<SkippedFile>, 
/**
 * What was read but not as written: a catalog row with too few or too many fields, a
 * prerequisite naming no module. Each names the file (and line) and what was done.
 */
warnings: Array<ImportWarning>, };

export type Origin = "graph" | "person";

export type Group = "all-of" | "any-of" | { "n-of": number };

export type Band = { min: number, max: number, start_at?: string | null, skip?: Array<string>, };

export type MinScore = { module: string, min: number, };

export type Match = { role?: string | null, department?: string | null, location?: string | null, 
/**
 * ISO date (YYYY-MM-DD): learners hired on or after it.
 */
hired_on_or_after?: string | null, };

export type Attributes = { role?: string | null, department?: string | null, location?: string | null, 
/**
 * ISO date (YYYY-MM-DD).
 */
hire_date?: string | null, };

export type RuleBody = { "kind": "placement", 
/**
 * The pre-assessment module.
 */
assessment: string, 
/**
 * Score a question category instead of the whole assessment.
 */
category?: string | null, bands: Array<Band>, } | { "kind": "unlock", module: string, requires: Array<string>, group: Group, 
/**
 * Minimum score (%) on each scored prerequisite.
 */
min_score?: number | null, } | { "kind": "remediation", assessment: string, category?: string | null, 
/**
 * Scores strictly below this (%) trigger the rule.
 */
below: number, assign: Array<string>, retake_after_days: number, } | { "kind": "reengagement", 
/**
 * Days without activity before the learner is notified.
 */
idle_days: number, 
/**
 * Further days before the manager is notified.
 */
manager_after_days: number, } | { "kind": "certification_readiness", required: Array<string>, min_scores: Array<MinScore>, } | { "kind": "assignment", when: Match, track: string, } | { "kind": "recertification", 
/**
 * The track whose certificate ages.
 */
track: string, older_than_months: number, refresher: Array<string>, };

export type Rule = { 
/**
 * Unique within the rule set.
 */
id: string, 
/**
 * What the rule does, in plain words; repeated in every decision it makes.
 */
explanation: string, 
/**
 * Where the rule came from.
 */
origin: Origin, } & ({ "kind": "placement", 
/**
 * The pre-assessment module.
 */
assessment: string, 
/**
 * Score a question category instead of the whole assessment.
 */
category?: string | null, bands: Array<Band>, } | { "kind": "unlock", module: string, requires: Array<string>, group: Group, 
/**
 * Minimum score (%) on each scored prerequisite.
 */
min_score?: number | null, } | { "kind": "remediation", assessment: string, category?: string | null, 
/**
 * Scores strictly below this (%) trigger the rule.
 */
below: number, assign: Array<string>, retake_after_days: number, } | { "kind": "reengagement", 
/**
 * Days without activity before the learner is notified.
 */
idle_days: number, 
/**
 * Further days before the manager is notified.
 */
manager_after_days: number, } | { "kind": "certification_readiness", required: Array<string>, min_scores: Array<MinScore>, } | { "kind": "assignment", when: Match, track: string, } | { "kind": "recertification", 
/**
 * The track whose certificate ages.
 */
track: string, older_than_months: number, refresher: Array<string>, });

export type RuleSet = { 
/**
 * Always `pathforge.rules/v1`.
 */
schema: string, rules: Array<Rule>, };

export type DecisionKind = "assign" | "unlock" | "skip" | "notify" | "schedule" | "reenroll";

export type Decision = { learner: string, day: number, kind: DecisionKind, 
/**
 * A module path, a track slug, `learner`/`manager` for notices, or `certification`.
 */
target: string, 
/**
 * The rule that fired.
 */
rule: string, 
/**
 * Why, in plain words.
 */
explanation: string, };

export type RulesView = { set: RuleSet, findings: Array<Finding>, tracks: Array<Track>, };

export type SampleLearner = { attributes: Attributes, 
/**
 * (module path, score %) in the order the learner takes them.
 */
scores: Array<[string, number]>, };

export type IpcError = { kind: ErrorKind, message: string, };

export type SessionState = { project: ProjectInfo | null, startup_error: IpcError | null, 
/**
 * A library the app was started with, for the window to import with its progress
 * bar; cleared by the next import.
 */
pending_import: string | null, 
/**
 * Another copy of the project the app was started with (`--merge`), for the window to
 * preview and merge; cleared by the next preview.
 */
pending_merge: string | null, };

export type Evidence = { start: number, end: number, score: number, };

export type Keyphrase = { phrase: string, score: number, };

export type LevelSignal = { name: string, detail: string, points: number, };

export type ModuleInsight = { module_id: ModuleId, 
/**
 * `name@version` of the model, `None` before the module was first tagged.
 */
model: string | null, keyphrases: Array<Keyphrase>, level: Level | null, level_score: number, level_signals: Array<LevelSignal>, 
/**
 * Why a module got fewer suggestions than usual (empty, cut short…).
 */
notes: Array<string>, tags: Array<Tag>, 
/**
 * Whether a person set the module's level (over its file's and the guess); clearing
 * it gives the file's back.
 */
level_set_by_hand: boolean, };

export type TagReport = { model: string, 
/**
 * Modules in the project (not retired).
 */
modules: number, 
/**
 * Skills the modules were matched against (the taxonomy's leaves): with none, there
 * is nothing to suggest, and the report says how to get some.
 */
skills: number, 
/**
 * Modules (re-)analysed because they were new, edited, or the taxonomy changed.
 */
analysed: number, 
/**
 * Modules whose text and taxonomy were unchanged since their last analysis.
 */
unchanged: number, 
/**
 * Passages and phrases run through the model in this run.
 */
embedded: number, 
/**
 * Passages and phrases whose embedding came from the project's cache.
 */
cached: number, 
/**
 * Skill suggestions now open for review.
 */
suggestions: number, 
/**
 * Modules with no text to tag.
 */
empty: number, 
/**
 * Suggestions accepted automatically by the project's auto-accept threshold (logged
 * as the model's acceptances).
 */
auto_accepted: number, 
/**
 * The run was cancelled; the modules finished before that are saved.
 */
cancelled: boolean, };

export type ModelStatus = { 
/**
 * The folder in use (the first place that has a model), if any.
 */
dir: string | null, 
/**
 * `name@version` once the model has been loaded.
 */
id: string | null, 
/**
 * The folder chosen for this project, if the user chose one.
 */
chosen: string | null, 
/**
 * What to do when there is no model: where Pathforge looked and how to get one.
 */
help: string | null, };

export type TagProgress = { done: number, total: number, };

export type ImportProgress = { done: number, total: number, file: string, };

export type CatalogColumns = { id: string | null, title: string | null, description: string | null, duration: string | null, prerequisites: string | null, };

export type CatalogPreview = { header: Array<string>, columns: CatalogColumns, rows: Array<Array<string>>, ready: boolean, };

export type DecisionsImport = { pack: string, reviewer: string, 
/**
 * Decisions recorded now, each in the audit log under the reviewer's name.
 */
applied: number, 
/**
 * Decisions already in effect (a file applied twice changes nothing).
 */
already: number, 
/**
 * Decisions left alone for the designer to resolve, with why.
 */
conflicts: Array<DecisionConflict>, };

export type Calibration = { 
/**
 * Bands of confidence, lowest first (0.5–0.6 … 0.9–1.0).
 */
bands: Array<CalibrationRow>, 
/**
 * Skills with at least one suggestion, most decided first.
 */
skills: Array<CalibrationRow>, 
/**
 * The project's auto-accept threshold, if one is set.
 */
auto_accept: number | null, };

export type TagEdit = { module: ModuleId, 
/**
 * The suggested skill replaced (slug).
 */
from: string, 
/**
 * The skill accepted instead (slug).
 */
to: string, 
/**
 * The suggestion's state before the edit.
 */
before: TagState, 
/**
 * The person's tag for `to` was added by the edit (undo removes it).
 */
added: boolean, };

export type AuditCheck = { 
/**
 * Entries read.
 */
entries: number, 
/**
 * The first entry that breaks the chain and why, `None` when the log is intact.
 */
broken: BrokenEntry | null, 
/**
 * The last entry's hash (empty when the chain is broken before the end).
 */
head: string, 
/**
 * The public key (hex) that signed the log's recorded head, `None` when the head is
 * not signed (written where no signing key was at hand, or from before heads were
 * signed). Whose key it is — this machine's, a trusted colleague's — is for the
 * caller to say.
 */
signed_by: string | null, };

export type Profile = { name: string, role: Role, };

export type Role = "designer" | "sme" | "admin";

export type BrokenEntry = { seq: number, reason: string, };

export type AuditFormat = "csv" | "json";

export type CalibrationRow = { 
/**
 * The band (`0.80–0.90`) or the skill's name.
 */
label: string, accepted: number, rejected: number, open: number, auto_accepted: number, };

export type DecisionConflict = { module: string, title: string, skill: string, decision: TagState, reason: string, };

export type LibrariesChanged = { reports: Array<ImportReport>, errors: Array<IpcError>, };

export type Target = "moodle" | "canvas" | "scorm2004" | "scorm12" | "cmi5" | "case" | "openedx" | "xapi" | "bundle";

export type Status = "expressed" | "partial" | "not_exported";

export type RuleCoverage = { rule: string, kind: string, status: Status, 
/**
 * How the rule was expressed, or why it could not be.
 */
how: string, };

export type TextOnly = { module: string, title: string, 
/**
 * What it was at its source.
 */
was: string, 
/**
 * Whether this target speaks the item's standard, so an export that carries items
 * ([`Carried`]) would carry it as it is.
 */
carriable: boolean, };

export type Coverage = { target: Target, rules: Array<RuleCoverage>, 
/**
 * Modules with no LMS id in the mapping: their references are placeholders to fill.
 */
unmapped: Array<string>, 
/**
 * Modules that were interactive at their source and are exported as a page of their
 * text only (no questions, no score): replace each with the authored content.
 */
text_only: Array<TextOnly>, };

export type ExportDiff = { added: Array<string>, changed: Array<string>, removed: Array<string>, unchanged: number, };

export type ExportRequest = { target: Target, 
/**
 * The folder to write, or a `.zip` file: the same files in one zip, ready to upload to
 * an LMS. Either is replaced only if it holds an earlier export of this project.
 */
folder: string, 
/**
 * A `module,lms_id` CSV, if the admin has one.
 */
mapping: string | null, 
/**
 * Let pages show `https:` images from the web (off: a page fetches nothing).
 */
remote_images: boolean, 
/**
 * Carry package items as they are, into their own standard (SCORM 2004, SCORM 1.2,
 * cmi5; off: each is a page of its text).
 */
carry_items: boolean, };

export type Position = { x: number, y: number, };

export type GraphView = { modules: Array<ModuleSummary>, edges: Array<PrerequisiteEdge>, findings: Array<Finding>, 
/**
 * Where to draw each module (same order as `modules`): a layered layout, left to right.
 */
positions: Array<Position>, 
/**
 * The taxonomy and the tracks, to filter and group the drawing by.
 */
skills: Array<Skill>, tracks: Array<Track>, };

export type ExportPreview = { coverage: Coverage, files: Array<string>, diff: ExportDiff, written: boolean, };

export type LrsSource = "curriculum" | "simulated_learners";

export type LrsRequest = { 
/**
 * The LRS's xAPI endpoint (`https://lrs.example.com/xAPI/`), without credentials.
 */
endpoint: string, 
/**
 * A credentials file (`USER:PASSWORD` or `URL USER:PASSWORD` lines), outside any
 * project; none: `lrs-credentials` in the config folder if there is one.
 */
credentials: string | null, source: LrsSource, 
/**
 * Only ask the LRS what it has and list what would be sent.
 */
dry_run: boolean, };

export type LrsProgress = { done: number, total: number, };

export type ExportProgress = { done: number, total: number, bytes_done: number, bytes_total: number, };

export type SentStatement = { id: string, about: string, };

export type SyncReport = { 
/**
 * The LRS's statements endpoint (without credentials).
 */
lrs: string, dry_run: boolean, 
/**
 * Statements the source produces.
 */
total: number, 
/**
 * Of those, the ones the LRS already had (posted by an earlier sync).
 */
already: number, 
/**
 * The ones posted (or, in a dry run, that would be), in order.
 */
sent: Array<SentStatement>, };

export type Side = "ours" | "theirs";

export type Resolutions = { all: Side | null, each: { [key in string]: Side }, };

export type MergeEdit = { actor: Actor, at: Timestamp, action: string, };

export type MergeChange = { 
/**
 * A stable name for the thing (`edge:A->B`, `rule:ID`…).
 */
key: string, 
/**
 * prerequisite, group, level, rule, cohort, tag, own tag, auto-accept, library,
 * catalog columns, setting, answers, review pack, skill, track, skill prerequisite or
 * dismissed suggestion.
 */
kind: string, 
/**
 * For people: "prerequisite “A” → “B”", "how “B”'s prerequisites combine".
 */
what: string, ours: unknown, theirs: unknown, 
/**
 * Each side's state in words ("there", "2-of", "replaced by sql"…).
 */
ours_words: string, theirs_words: string, };

export type MergeConflict = { 
/**
 * A stable name for the thing, as [`Resolutions::each`] names it.
 */
key: string, kind: string, what: string, ours: unknown, theirs: unknown, ours_words: string, theirs_words: string, 
/**
 * Ours' entries on it since the fork: who did what, when.
 */
ours_by: Array<MergeEdit>, theirs_by: Array<MergeEdit>, 
/**
 * How it was resolved, if it was.
 */
resolved: Side | null, };

export type MergeReport = { 
/**
 * The last entry both logs share (0 when they share none but the project).
 */
fork: number, 
/**
 * Theirs' entries since the fork that ours had not carried before.
 */
theirs_entries: number, 
/**
 * Ours' entries since the fork.
 */
ours_entries: number, 
/**
 * Theirs' changes brought into ours (without conflicts, or resolved for theirs).
 */
applied: Array<MergeChange>, 
/**
 * What both sides changed differently.
 */
conflicts: Array<MergeConflict>, 
/**
 * Whether ours was changed: false when conflicts are unresolved (then nothing is) or
 * there was nothing to bring.
 */
merged: boolean, };

export type SkillUse = { skill: SkillId, taught: Array<ModuleId>, suggested: Array<ModuleId>, };

export type MergePreview = { from: Skill, into: Skill, 
/**
 * Tags that move to `into` (a module can carry a skill from several sources).
 */
tags: number, 
/**
 * Modules whose tags move to `into`.
 */
modules: Array<ModuleId>, 
/**
 * Tags dropped because `into` already tags the same module the same way.
 */
duplicates: number, 
/**
 * Sub-skills that move under `into`.
 */
children: Array<string>, 
/**
 * Tracks whose targets name `from` and will name `into`.
 */
tracks: Array<string>, 
/**
 * Skill prerequisites of `from` that pass to `into`.
 */
prerequisites: number, };

export type SkillMerge = { tags: number, children: number, tracks: number, 
/**
 * Position of the merge in the audit log; `unmerge_skill` takes it.
 */
audit: number, };

export type TaxonomyView = { skills: Array<Skill>, uses: Array<SkillUse>, modules: Array<ModuleSummary>, 
/**
 * Skill `before` must be mastered before skill `after` (slugs).
 */
prerequisites: Array<SkillPrerequisite>, 
/**
 * Where to draw each skill in the skill-prerequisite graph (same order as `skills`).
 */
positions: Array<Position>, };

export type Bkt = { learn: number, guess: number, slip: number, forget: number, };

export type Segment = { name: string, 
/**
 * Relative weight; shares need not sum to 1.
 */
share: number, attributes: Attributes, 
/**
 * Probability each skill is already known at the start.
 */
prior: number, 
/**
 * Multiplies module durations (1.0 = as designed).
 */
speed: number, weekly_minutes: number, 
/**
 * Probability per week of study that the learner stops coming.
 */
dropout_per_week: number, 
/**
 * Probability that a re-engagement notice brings an idle learner back.
 */
reengage_response: number, };

export type Cohort = { segments: Array<Segment>, bkt: Bkt, };

export type Policy = "static" | "rules";

export type Percentiles = { p10: number, p50: number, p90: number, };

export type ModuleStat = { key: string, title: string, 
/**
 * Learners who started it.
 */
started: number, 
/**
 * Failed attempts (assessments).
 */
failed: number, 
/**
 * Learners who dropped out on it.
 */
dropped: number, 
/**
 * Learners placed out of it by a placement rule.
 */
skipped: number, 
/**
 * Average days spent on it by those who took it.
 */
mean_days: number, 
/**
 * Average days spent waiting on it (retake delays, idle spells) by those who took it.
 */
mean_wait_days: number, 
/**
 * Per segment (cohort order): learners who started it.
 */
started_by_segment: Array<number>, 
/**
 * Per segment: learners who dropped out on it or failed it at least once.
 */
struggled_by_segment: Array<number>, 
/**
 * The lowest learner number who dropped out on it or failed it, to open their trace.
 */
example_learner: number | null, };

export type SegmentStat = { name: string, learners: number, completion_rate: number, placement_rate: number, remediation_rate: number, };

export type Report = { policy: Policy, learners: number, completed: number, completion_rate: number, 
/**
 * Among first attempts at assessments; `None` when nobody took one (no rule scores
 * any module).
 */
first_attempt_pass_rate: number | null, placement_rate: number, remediation_rate: number, 
/**
 * Share of learners a recertification rule re-enrolled in a refresher within the
 * simulated horizon (certified, then their certificate aged).
 */
recertification_rate: number, 
/**
 * Days to competency among learners who got there.
 */
time_to_competency: Percentiles | null, 
/**
 * Learners reaching competency on each day (index = whole days; the last entry also
 * counts everyone later than [`MAX_DAYS`]).
 */
competent_per_day: Array<number>, 
/**
 * Every module anyone started, in track order of first appearance.
 */
funnel: Array<ModuleStat>, 
/**
 * The modules losing the most learners (drop-outs plus failures), worst first.
 */
bottlenecks: Array<string>, hours_saved_by_placement: number, segments: Array<SegmentStat>, };

export type FairnessGap = { segment: string, 
/**
 * The segment's own rate on the static path and under the rules.
 */
static_value: number, rules_value: number, 
/**
 * The segment minus the rest of the cohort, on the static path and under the rules.
 */
static_gap: number, rules_gap: number, 
/**
 * How much wider the gap to the rest is under the rules (|rules gap| − |static
 * gap|): the mean over batches, with its 95% interval.
 */
change: number, low: number, high: number, 
/**
 * The rules widen this gap beyond doubt and by at least [`MIN_WIDENING`].
 */
flagged: boolean, };

export type Ending = { "kind": "competent", day: number, } | { "kind": "dropped_out", module: string, day: number, } | { "kind": "not_competent", day: number, };

export type JourneyStep = { day: number, what: string, decisions: Array<Decision>, };

export type Journey = { learner: string, segment: string, ending: Ending, 
/**
 * What the learner did, in words, each with the rule decisions it led to.
 */
steps: Array<JourneyStep>, events: Array<[Event, Array<Decision>]>, 
/**
 * The title of each module and the name of each track the journey names by key (a
 * decision's target, the module a learner stopped on), so they can be shown by name.
 */
titles: { [key in string]: string }, };

export type EventKind = { "type": "enrolled", attributes: Attributes, } | { "type": "attributes_changed", attributes: Attributes, } | { "type": "launched", module: string, } | { "type": "completed", module: string, } | { "type": "scored", module: string, score: number, categories: { [key in string]: number }, } | { "type": "certified", track: string, } | { "type": "idle_tick" };

export type Event = { learner: string, day: number, } & ({ "type": "enrolled", attributes: Attributes, } | { "type": "attributes_changed", attributes: Attributes, } | { "type": "launched", module: string, } | { "type": "completed", module: string, } | { "type": "scored", module: string, score: number, categories: { [key in string]: number }, } | { "type": "certified", track: string, } | { "type": "idle_tick" });

export type Change = { 
/**
 * rule, edge, module, track or skill.
 */
area: string, 
/**
 * added, removed or changed.
 */
change: string, subject: string, 
/**
 * What changed, in words.
 */
explanation: string, };

export type SimulationRequest = { 
/**
 * The cohort; the project's default cohort when `None`.
 */
cohort: Cohort | null, learners: number, 
/**
 * (The window's seeds stay below 2^53, which a JavaScript number holds exactly.)
 */
seed: number, 
/**
 * No bundle: static path vs the project's rules. One: static path vs that bundle.
 * Two: the static path, the first and the second, and what changed between them.
 */
bundles: Array<string>, };

export type SimulationRun = { 
/**
 * "Static path", "Project rules" or "Bundle VERSION (FILE)".
 */
label: string, report: Report, 
/**
 * Each segment's outcome gaps to the rest of the cohort under these rules against the
 * same gaps on the static path (the first run), flagged where the rules widen them;
 * empty for the static path itself.
 */
fairness: Array<FairnessGap>, };

export type Simulation = { learners: number, 
/**
 * (The window's seeds stay below 2^53, which a JavaScript number holds exactly.)
 */
seed: number, cohort: Cohort, runs: Array<SimulationRun>, 
/**
 * With two bundles: what changed from the first to the second.
 */
changes: Array<Change>, };

export type SimulationProgress = { done: number, total: number, };
