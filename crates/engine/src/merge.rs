//! Merging two offline copies of one project. The copies' audit logs hold the same
//! entries up to where they parted (the fork), so the common ancestor is found from the
//! projects themselves, never from a base copy someone had to keep. What each side touched
//! since is read from its own entries after the fork; theirs is brought into ours wherever
//! ours left the same thing alone, and where both changed it differently the two are listed
//! side by side (who, when) to be resolved. Theirs' entries after the fork are carried whole
//! — hashes included, so they still verify as their own chain — in the entry that records
//! the merge, followed by one entry for each conflict resolved.
//!
//! It carries prerequisite edges and their groups, modules' levels set by hand, rules
//! people wrote, the simulation cohort, review decisions on suggestions (accepted,
//! rejected, edited into another skill, undone, accepted by the threshold) and the
//! auto-accept threshold, skills added, edited (renamed, moved, retired), removed or merged
//! into others (done again here) and their prerequisites, tracks with who takes them,
//! libraries imported on one side (carried whole; each import's entry records a
//! fingerprint of what it read, so a version the other side already had is no conflict),
//! catalog column maps, frameworks imported, calibrations, learners' answers (their union),
//! and what an earlier merge brought into the other copy. A copy whose entries since the
//! fork change anything else (a backup restored, a skill merge from before the fork
//! undone) is refused, naming what it changed, so nothing either side did is dropped
//! silently. Each side's state of a thing is given in words here, once, for the CLI and
//! the app alike.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::{Actor, AuditEvent, ModuleId, PrerequisiteEdge, PrerequisiteGroup, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::audit::{AuditAction, Entry};
use crate::settings::{
    AUTO_ACCEPT, CASE_DOCUMENT, CATALOG_COLUMNS, EDITED_COHORT, FITTED, SCALE, SECRET,
};

/// The settings merged whole, by key ([`Key::Setting`]).
const SETTINGS: [&str; 3] = [CASE_DOCUMENT.key(), SCALE.key(), FITTED.key()];
use crate::{Error, Project, Result};

/// Which copy's change stands when both changed the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Ours,
    Theirs,
}

/// How conflicts are resolved: one side for each named thing (by its key), else one side
/// for all, else not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Resolutions {
    pub all: Option<Side>,
    pub each: BTreeMap<String, Side>,
}

impl Resolutions {
    /// One side for every conflict.
    pub fn all(side: Option<Side>) -> Resolutions {
        Resolutions {
            all: side,
            each: BTreeMap::new(),
        }
    }

    fn of(&self, key: &str) -> Option<Side> {
        self.each.get(key).copied().or(self.all)
    }
}

/// Actions of theirs that change nothing a merge carries: shipping and the machine's own
/// choices (a model folder is a path on their machine; auto-tag suggestions are made again
/// from the same content by whoever tags).
const NEUTRAL: [AuditAction; 6] = [
    // What a resolution did is in its merge entry's `applied`.
    AuditAction::MergeResolved,
    AuditAction::BundleBuilt,
    AuditAction::ExportWritten,
    AuditAction::ReviewPackExported,
    AuditAction::ModelChosen,
    AuditAction::ModulesTagged,
];

/// What a merge did, or would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergeReport {
    /// The last entry both logs share (0 when they share none but the project).
    #[ts(type = "number")]
    pub fork: i64,
    /// Theirs' entries since the fork that ours had not carried before.
    pub theirs_entries: usize,
    /// Ours' entries since the fork.
    pub ours_entries: usize,
    /// Theirs' changes brought into ours (without conflicts, or resolved for theirs).
    pub applied: Vec<MergeChange>,
    /// What both sides changed differently.
    pub conflicts: Vec<MergeConflict>,
    /// Whether ours was changed: false when conflicts are unresolved (then nothing is) or
    /// there was nothing to bring.
    pub merged: bool,
}

/// One thing theirs changed, brought into ours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergeChange {
    /// A stable name for the thing (`edge:A->B`, `rule:ID`…).
    pub key: String,
    /// prerequisite, group, level, rule, cohort, tag, own tag, auto-accept, skill, track
    /// or skill prerequisite.
    pub kind: String,
    /// For people: "prerequisite “A” → “B”", "how “B”'s prerequisites combine".
    pub what: String,
    #[ts(type = "unknown")]
    pub ours: Value,
    #[ts(type = "unknown")]
    pub theirs: Value,
    /// Each side's state in words ("there", "2-of", "replaced by sql"…).
    pub ours_words: String,
    pub theirs_words: String,
}

/// One thing both changed differently, side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergeConflict {
    /// A stable name for the thing, as [`Resolutions::each`] names it.
    pub key: String,
    pub kind: String,
    pub what: String,
    #[ts(type = "unknown")]
    pub ours: Value,
    #[ts(type = "unknown")]
    pub theirs: Value,
    pub ours_words: String,
    pub theirs_words: String,
    /// Ours' entries on it since the fork: who did what, when.
    pub ours_by: Vec<MergeEdit>,
    pub theirs_by: Vec<MergeEdit>,
    /// How it was resolved, if it was.
    pub resolved: Option<Side>,
}

/// One logged edit on a conflicting thing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergeEdit {
    pub actor: Actor,
    pub at: Timestamp,
    pub action: String,
}

/// What a merge compares: an edge's presence, how a module's prerequisites combine, a
/// module's level set by hand, a rule, the cohort.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key {
    Edge(ModuleId, ModuleId),
    Group(ModuleId),
    Level(ModuleId),
    Rule(String),
    Cohort,
    /// A review decision on the model's suggestion of a skill (by slug) for a module.
    Tag(ModuleId, String),
    /// A person's own tag of a skill (by slug) on a module, as an edit adds it: its
    /// presence.
    OwnTag(ModuleId, String),
    /// The project's auto-accept threshold.
    AutoAccept,
    /// A library as imported: its modules, what its manifest declares (prerequisites,
    /// tracks, rules, skills).
    Library(model::LibraryId),
    /// How the columns of a catalog file (by its path) map to a module's fields.
    Columns(String),
    /// Learners' answers kept for calibration: their union.
    Answers,
    /// A project setting kept whole: the framework a taxonomy came from, the proficiency
    /// scale, fitted knowledge-tracing parameters (by the setting's key).
    Setting(&'static str),
    /// A skill: its name, place in the tree, description, examples, retirement.
    Skill(model::SkillId),
    /// A track: its name, description and targets (its audience is its rule).
    Track(model::TrackId),
    /// A skill prerequisite's presence.
    SkillEdge(model::SkillId, model::SkillId),
}

impl Key {
    /// A stable name for the thing, for a resolution to point at.
    fn id(&self) -> String {
        match self {
            Key::Edge(b, a) => format!("edge:{b}->{a}"),
            Key::Group(a) => format!("group:{a}"),
            Key::Level(m) => format!("level:{m}"),
            Key::Rule(id) => format!("rule:{id}"),
            Key::Cohort => "cohort".to_owned(),
            Key::Tag(m, slug) => format!("tag:{m}:{slug}"),
            Key::OwnTag(m, slug) => format!("own-tag:{m}:{slug}"),
            Key::AutoAccept => "auto-accept".to_owned(),
            Key::Library(id) => format!("library:{id}"),
            Key::Columns(path) => format!("columns:{path}"),
            Key::Setting(key) => format!("setting:{key}"),
            Key::Answers => "answers".to_owned(),
            Key::Skill(id) => format!("skill:{id}"),
            Key::Track(id) => format!("track:{id}"),
            Key::SkillEdge(b, a) => format!("skill-edge:{b}->{a}"),
        }
    }

    /// The key an [`Key::id`] names, as a merge entry records it.
    fn parse(id: &str) -> Option<Key> {
        let (kind, rest) = id.split_once(':').unwrap_or((id, ""));
        let pair = || {
            rest.split_once("->")
                .map(|(b, a)| (b.to_owned(), a.to_owned()))
        };
        Some(match kind {
            "edge" => pair().map(|(b, a)| Key::Edge(ModuleId(b), ModuleId(a)))?,
            "group" => Key::Group(ModuleId(rest.to_owned())),
            "level" => Key::Level(ModuleId(rest.to_owned())),
            "rule" => Key::Rule(rest.to_owned()),
            "cohort" => Key::Cohort,
            "tag" => {
                let (m, slug) = rest.split_once(':')?;
                Key::Tag(ModuleId(m.to_owned()), slug.to_owned())
            }
            "own-tag" => {
                let (m, slug) = rest.split_once(':')?;
                Key::OwnTag(ModuleId(m.to_owned()), slug.to_owned())
            }
            "auto-accept" => Key::AutoAccept,
            "library" => Key::Library(model::LibraryId(rest.to_owned())),
            "columns" => Key::Columns(rest.to_owned()),
            "setting" => Key::Setting(SETTINGS.iter().find(|k| **k == rest)?),
            "answers" => Key::Answers,
            "skill" => Key::Skill(model::SkillId(rest.to_owned())),
            "track" => Key::Track(model::TrackId(rest.to_owned())),
            "skill-edge" => {
                pair().map(|(b, a)| Key::SkillEdge(model::SkillId(b), model::SkillId(a)))?
            }
            _ => return None,
        })
    }

    /// The kind of thing, as reports name it.
    fn kind(&self) -> &'static str {
        match self {
            Key::Edge(..) => "prerequisite",
            Key::Group(_) => "group",
            Key::Level(_) => "level",
            Key::Rule(_) => "rule",
            Key::Cohort => "cohort",
            Key::Tag(..) => "tag",
            Key::OwnTag(..) => "own tag",
            Key::AutoAccept => "auto-accept",
            Key::Library(_) => "library",
            Key::Columns(_) => "catalog columns",
            Key::Setting(_) => "setting",
            Key::Answers => "answers",
            Key::Skill(_) => "skill",
            Key::Track(_) => "track",
            Key::SkillEdge(..) => "skill prerequisite",
        }
    }
}

/// One side's state of the thing `key` names (its [`State::value`]) in words.
fn words(key: &Key, v: &Value) -> String {
    let there = |v: &Value| match v == &Value::Bool(true) {
        true => "there".to_owned(),
        false => "not there".to_owned(),
    };
    match key {
        Key::Edge(..) | Key::SkillEdge(..) | Key::OwnTag(..) => there(v),
        Key::Group(_) => match (v["kind"].as_str(), v["n"].as_u64()) {
            (Some("n_of"), Some(n)) => format!("{n}-of"),
            (Some(kind), _) => kind.replace('_', "-"),
            _ => "none".to_owned(),
        },
        Key::Level(_) => v
            .as_str()
            .map_or_else(|| "not set by hand".to_owned(), str::to_owned),
        Key::Rule(_) if v.is_null() => "deleted".to_owned(),
        Key::Rule(_) => format!(
            "{} rule: {}",
            v["kind"].as_str().unwrap_or("a"),
            v["explanation"].as_str().unwrap_or_default()
        ),
        Key::Cohort if v.is_null() => "the library's".to_owned(),
        Key::Cohort => format!("{} segments", v["segments"].as_array().map_or(0, Vec::len)),
        Key::Tag(..) => match (v["state"].as_str(), v["replaced_by"].as_str()) {
            (Some(_), Some(by)) => format!("replaced by {by}"),
            (Some(state), None) => state.to_owned(),
            _ => "none".to_owned(),
        },
        Key::AutoAccept => v
            .as_f64()
            .map_or_else(|| "off".to_owned(), |t| format!("at {t:.2}")),
        Key::Library(_) if v.is_null() => "not imported".to_owned(),
        Key::Library(_) => format!(
            "“{}”, {} modules",
            v["name"].as_str().unwrap_or_default(),
            v["modules"].as_u64().unwrap_or_default()
        ),
        Key::Answers => format!("{} answers", v.as_u64().unwrap_or_default()),
        Key::Setting(_) if v.is_null() => "not set".to_owned(),
        Key::Setting(key) if *key == FITTED.key() => format!(
            "fitted for {} skills",
            v.as_object().map_or(0, serde_json::Map::len)
        ),
        Key::Setting(key) if *key == SCALE.key() => v
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" < ")
            })
            .unwrap_or_default(),
        Key::Setting(_) => v["title"]
            .as_str()
            .map_or_else(|| "set".to_owned(), |t| format!("“{t}”")),
        Key::Columns(_) if v.is_null() => "not mapped".to_owned(),
        Key::Columns(_) => "mapped".to_owned(),
        Key::Skill(_) if v.is_null() => "none".to_owned(),
        Key::Skill(_) => format!(
            "“{}”{}",
            v["name"].as_str().unwrap_or_default(),
            if v["retired"] == true {
                " (retired)"
            } else {
                ""
            }
        ),
        Key::Track(_) if v.is_null() => "removed".to_owned(),
        Key::Track(_) => format!(
            "“{}”, {} targets",
            v["name"].as_str().unwrap_or_default(),
            v["targets"].as_array().map_or(0, Vec::len)
        ),
    }
}

/// The fingerprints of what each import of `library` in `log` read (see
/// [`Project::import_library`]), in order, with those an earlier merge carried.
fn imports(log: &[AuditEvent], library: &model::LibraryId) -> Vec<String> {
    let imported = AuditAction::LibraryImported.as_str();
    let mut out = Vec::new();
    for e in log {
        let carried = e.after["carried"]
            .as_array()
            .filter(|_| e.action == AuditAction::ProjectMerged.as_str());
        let entries: Vec<(&str, &str, &Value)> = match carried {
            Some(c) => c
                .iter()
                .filter_map(|x| Some((x["action"].as_str()?, x["object"].as_str()?, &x["after"])))
                .collect(),
            None => vec![(e.action.as_str(), e.object.as_str(), &e.after)],
        };
        out.extend(
            entries
                .into_iter()
                .filter(|(action, object, _)| *action == imported && *object == library.as_str())
                .filter_map(|(_, _, after)| after["content"].as_str().map(str::to_owned)),
        );
    }
    out
}

/// The skills merged into others by `log`'s entries (and not unmerged since), each with
/// the skill it went into.
fn skill_merges_in(log: &[AuditEvent]) -> HashMap<model::SkillId, model::SkillId> {
    let mut merged = HashMap::new();
    for e in log {
        let skill = model::SkillId(e.object.clone());
        match AuditAction::parse(&e.action) {
            Some(AuditAction::SkillMerged) => {
                if let Some(into) = e.after["merged_into"].as_str() {
                    merged.insert(skill, model::SkillId(into.to_owned()));
                }
            }
            Some(AuditAction::SkillUnmerged) => {
                merged.remove(&skill);
            }
            _ => {}
        }
    }
    merged
}

/// The skill `id` finally went into through `merges`, if it was merged.
fn survivor_in(
    merges: &HashMap<model::SkillId, model::SkillId>,
    id: &model::SkillId,
) -> Option<model::SkillId> {
    let mut at = merges.get(id)?;
    for _ in 0..merges.len() {
        match merges.get(at) {
            Some(next) => at = next,
            None => break,
        }
    }
    Some(at.clone())
}

/// The keys an entry touched.
fn touched(e: &AuditEvent) -> Vec<Key> {
    let edge = || {
        e.object
            .split_once("->")
            .map(|(b, a)| (ModuleId(b.to_owned()), ModuleId(a.to_owned())))
    };
    match AuditAction::parse(&e.action) {
        // Adding an edge may set how the module's prerequisites combine: only then does
        // it touch the group.
        Some(AuditAction::PrerequisiteAdded) => edge()
            .map(|(b, a)| match e.before["group"] == e.after["group"] {
                true => vec![Key::Edge(b, a)],
                false => vec![Key::Edge(b, a.clone()), Key::Group(a)],
            })
            .unwrap_or_default(),
        Some(AuditAction::PrerequisiteRemoved) => edge()
            .map(|(b, a)| vec![Key::Edge(b, a)])
            .unwrap_or_default(),
        Some(AuditAction::ModuleLevelSet) => vec![Key::Level(ModuleId(e.object.clone()))],
        Some(AuditAction::RuleSaved | AuditAction::RuleDeleted) => {
            vec![Key::Rule(e.object.clone())]
        }
        Some(AuditAction::CohortSet) => vec![Key::Cohort],
        Some(AuditAction::AutoAcceptSet) => vec![Key::AutoAccept],
        Some(AuditAction::LibraryImported) => {
            vec![Key::Library(model::LibraryId(e.object.clone()))]
        }
        Some(AuditAction::CatalogColumnsMapped) => vec![Key::Columns(e.object.clone())],
        Some(AuditAction::BktCalibrated) => vec![Key::Setting(FITTED.key())],
        Some(AuditAction::AnswersImported) => vec![Key::Answers],
        // The skills and skill prerequisites an import changed are not listed in its entry:
        // they are found by comparing the copies (see `Project::merge_from`).
        Some(AuditAction::TaxonomyImported) => {
            vec![Key::Setting(CASE_DOCUMENT.key()), Key::Setting(SCALE.key())]
        }
        // An edit rejects the model's suggestion for a person's own tag; undoing it puts
        // both back.
        Some(AuditAction::TagEdited | AuditAction::TagEditUndone) => {
            let module = ModuleId(e.object.clone());
            let (from, to) = match AuditAction::parse(&e.action) {
                Some(AuditAction::TagEdited) => (&e.before["skill"], &e.after["skill"]),
                _ => (&e.before["replaces"], &e.before["skill"]),
            };
            match (from.as_str(), to.as_str()) {
                (Some(from), Some(to)) => vec![
                    Key::Tag(module.clone(), from.to_owned()),
                    Key::OwnTag(module, to.to_owned()),
                ],
                _ => Vec::new(),
            }
        }
        Some(AuditAction::TagsAutoAccepted) => e.after["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some(Key::Tag(
                    ModuleId(t["module"].as_str()?.to_owned()),
                    t["skill"].as_str()?.to_owned(),
                ))
            })
            .collect(),
        // A track and the rule that says who takes it.
        Some(AuditAction::TrackAdded | AuditAction::TrackEdited | AuditAction::TrackRemoved) => {
            let draft = match e.after.is_null() {
                true => &e.before,
                false => &e.after,
            };
            let mut keys = vec![Key::Track(model::TrackId(e.object.clone()))];
            if let Some(slug) = draft["slug"].as_str() {
                keys.push(Key::Rule(crate::tracks::audience_rule(slug)));
            }
            keys
        }
        Some(AuditAction::SkillPrerequisiteAdded | AuditAction::SkillPrerequisiteRemoved) => e
            .object
            .split_once("->")
            .map(|(b, a)| {
                vec![Key::SkillEdge(
                    model::SkillId(b.to_owned()),
                    model::SkillId(a.to_owned()),
                )]
            })
            .unwrap_or_default(),
        // An earlier merge touched what it brought in.
        Some(AuditAction::ProjectMerged) => e.after["applied"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| Key::parse(c["key"].as_str()?))
            .collect(),
        Some(
            AuditAction::SkillAdded
            | AuditAction::SkillEdited
            | AuditAction::SkillRemoved
            | AuditAction::SkillMerged
            | AuditAction::SkillUnmerged,
        ) => {
            vec![Key::Skill(model::SkillId(e.object.clone()))]
        }
        Some(AuditAction::TagDecided | AuditAction::TagsDecided) => e.before["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some(Key::Tag(
                    ModuleId(t["module"].as_str()?.to_owned()),
                    t["skill"].as_str()?.to_owned(),
                ))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// One side's state of what a merge carries, by key.
struct State {
    edges: HashMap<(ModuleId, ModuleId), PrerequisiteEdge>,
    groups: HashMap<ModuleId, PrerequisiteGroup>,
    levels: BTreeMap<ModuleId, model::Level>,
    rules: HashMap<String, Value>,
    cohort: Option<model::Cohort>,
    /// The model's suggestions, by (module, skill slug).
    tags: HashMap<(ModuleId, String), ModelTag>,
    /// People's own tags, by (module, skill slug), with the skill's id.
    own_tags: HashMap<(ModuleId, String), model::SkillId>,
    auto_accept: Option<f64>,
    /// Each library with how many live modules it has.
    libraries: HashMap<model::LibraryId, (model::Library, usize)>,
    columns: ingest::ColumnMaps,
    /// The settings merged whole, as JSON, by key.
    settings: HashMap<&'static str, Value>,
    /// Learners' answers: (skill, pseudonym, place, correct).
    answers: BTreeSet<(model::SkillId, String, i64, bool)>,
    skills: BTreeMap<model::SkillId, model::Skill>,
    tracks: HashMap<model::TrackId, model::Track>,
    skill_edges: HashMap<(model::SkillId, model::SkillId), model::EdgeOrigin>,
}

/// A library as theirs holds it, to be written into ours.
struct Carried {
    library: model::Library,
    /// Its live modules with their place, as theirs has them (with the levels ours set by
    /// hand).
    modules: Vec<(model::Module, u32)>,
    /// Ours' live modules of it that theirs' import retired.
    retired: Vec<ModuleId>,
    /// The prerequisites its manifest declares.
    declared: Vec<PrerequisiteEdge>,
    tracks: Vec<model::Track>,
    rules: Vec<(String, String, Value)>,
}

/// A model suggestion as a merge carries it.
struct ModelTag {
    skill: model::SkillId,
    state: model::TagState,
    auto_accepted: bool,
    /// The slug of the skill an edit replaced it by.
    replaced_by: Option<String>,
}

impl State {
    fn of(project: &Project) -> Result<State> {
        let (mut tags, mut own_tags) = (HashMap::new(), HashMap::new());
        for t in project.store.all_tags()? {
            let key = (t.module_id, t.skill_slug);
            match t.source {
                model::TagSource::Model => {
                    let tag = ModelTag {
                        skill: t.skill_id,
                        state: t.state,
                        auto_accepted: t.auto_accepted,
                        replaced_by: t.replaced_by,
                    };
                    tags.insert(key, tag);
                }
                model::TagSource::Person => {
                    own_tags.insert(key, t.skill_id);
                }
                model::TagSource::Declared => {}
            }
        }
        let all = project.store.prerequisites()?;
        let groups = all.iter().map(|e| (e.after.clone(), e.group)).collect();
        let edges = all
            .into_iter()
            .map(|e| ((e.before.clone(), e.after.clone()), e))
            .collect();
        Ok(State {
            edges,
            groups,
            levels: project.store.level_overrides()?,
            rules: project.store.rules()?.into_iter().collect(),
            cohort: project.store.setting(&EDITED_COHORT)?,
            tags,
            own_tags,
            auto_accept: project.store.setting(&AUTO_ACCEPT)?,
            libraries: project
                .store
                .libraries()?
                .into_iter()
                .map(|l| {
                    let n = project.store.library_module_hashes(&l.id)?.len();
                    Ok((l.id.clone(), (l, n)))
                })
                .collect::<Result<_>>()?,
            columns: project.store.setting(&CATALOG_COLUMNS)?.unwrap_or_default(),
            answers: project.store.answer_rows()?.into_iter().collect(),
            settings: SETTINGS
                .iter()
                .map(|&key| {
                    let value = project.store.setting(&store::Setting::<Value>::new(key))?;
                    Ok((key, value.unwrap_or(Value::Null)))
                })
                .collect::<Result<_>>()?,
            skills: project
                .store
                .skills()?
                .into_iter()
                .map(|s| (s.id.clone(), s))
                .collect(),
            tracks: project
                .store
                .tracks()?
                .into_iter()
                .map(|t| (t.id.clone(), t))
                .collect(),
            skill_edges: project
                .store
                .skill_prerequisites()?
                .into_iter()
                .map(|(b, a, origin)| ((b, a), origin))
                .collect(),
        })
    }

    fn value(&self, key: &Key) -> Value {
        match key {
            Key::Edge(b, a) => json!(self.edges.contains_key(&(b.clone(), a.clone()))),
            Key::Group(a) => json!(self.groups.get(a)),
            Key::Level(m) => json!(self.levels.get(m)),
            Key::Rule(id) => self.rules.get(id).cloned().unwrap_or(Value::Null),
            Key::Cohort => json!(self.cohort),
            // Whether the threshold or a person accepted it is not a difference.
            Key::Tag(m, slug) => match self.tags.get(&(m.clone(), slug.clone())) {
                Some(t) => json!({ "state": t.state, "replaced_by": t.replaced_by }),
                None => Value::Null,
            },
            Key::OwnTag(m, slug) => json!(self.own_tags.contains_key(&(m.clone(), slug.clone()))),
            Key::AutoAccept => json!(self.auto_accept),
            Key::Library(id) => match self.libraries.get(id) {
                Some((l, n)) => json!({ "name": l.name, "modules": n }),
                None => Value::Null,
            },
            Key::Columns(path) => json!(self.columns.get(path)),
            Key::Setting(key) => self.settings.get(key).cloned().unwrap_or(Value::Null),
            Key::Answers => json!(self.answers.len()),
            Key::Skill(id) => json!(self.skills.get(id)),
            Key::Track(id) => json!(self.tracks.get(id)),
            Key::SkillEdge(b, a) => json!(self.skill_edges.contains_key(&(b.clone(), a.clone()))),
        }
    }
}

impl Project {
    /// Merges `theirs` — another copy of this project — into this one, three-way, with
    /// the common ancestor found from the two audit logs. Changes only one side made come
    /// in silently; changes both made differently are conflicts, resolved as `resolve`
    /// says, or, where it says nothing, listed with nothing changed. `from` is theirs'
    /// file: errors name it, the log records its name. A merge that would close a cycle
    /// (modules, skills, the skill tree) is refused, naming it. With `dry_run`, everything
    /// is checked and reported, and nothing is written.
    pub fn merge_from(
        &mut self,
        theirs: &Project,
        from: &std::path::Path,
        resolve: &Resolutions,
        dry_run: bool,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<MergeReport> {
        let (ours_info, theirs_info) = (self.store.project()?, theirs.store.project()?);
        if ours_info.id != theirs_info.id {
            return Err(Error::NotCopies(format!(
                "{} is another project (“{}”), not a copy of this one (“{}”)",
                from.display(),
                theirs_info.name,
                ours_info.name
            )));
        }
        let (ours_log, theirs_log) = (self.store.audit_events()?, theirs.store.audit_events()?);
        let (ours_hashes, theirs_hashes) =
            (self.store.audit_hashes()?, theirs.store.audit_hashes()?);
        let shared = ours_hashes
            .iter()
            .zip(&theirs_hashes)
            .take_while(|(a, b)| a == b)
            .count();
        let fork = shared.checked_sub(1).map_or(0, |i| theirs_log[i].seq);
        let ours_since = &ours_log[shared..];
        // Theirs' entries an earlier merge already carried into ours are not new.
        let carried_before: std::collections::HashSet<&str> = ours_since
            .iter()
            .filter(|e| e.action == AuditAction::ProjectMerged.as_str())
            .flat_map(|e| e.after["carried"].as_array().into_iter().flatten())
            .filter_map(|c| c["hash"].as_str())
            .collect();
        let fresh: Vec<(&AuditEvent, &String)> = theirs_log[shared..]
            .iter()
            .zip(&theirs_hashes[shared..])
            .filter(|(_, h)| !carried_before.contains(h.as_str()))
            .collect();
        let theirs_since = &theirs_log[shared..];

        let mut unsupported: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, e) in theirs_since.iter().enumerate() {
            // Undoing a skill merge made before the fork puts back tags and sub-skills no
            // key follows: only one undoing a merge since the fork (which nets out) merges.
            let unmerged_before_fork = e.action == AuditAction::SkillUnmerged.as_str()
                && !theirs_since[..i]
                    .iter()
                    .any(|x| x.action == AuditAction::SkillMerged.as_str() && x.object == e.object);
            let carried = !touched(e).is_empty() && !unmerged_before_fork;
            let neutral = AuditAction::parse(&e.action).is_some_and(|a| NEUTRAL.contains(&a));
            if !carried && !neutral {
                *unsupported.entry(e.action.as_str()).or_default() += 1;
            }
        }
        if !unsupported.is_empty() {
            let list: Vec<String> = unsupported
                .iter()
                .map(|(a, n)| format!("{a} ×{n}"))
                .collect();
            return Err(Error::MergeUnsupported {
                from: from.display().to_string(),
                actions: list.join(", "),
            });
        }

        let by_key = |since: &[AuditEvent]| {
            let mut out: BTreeMap<Key, Vec<MergeEdit>> = BTreeMap::new();
            for e in since {
                for key in touched(e) {
                    out.entry(key).or_default().push(MergeEdit {
                        actor: e.actor.clone(),
                        at: e.at,
                        action: e.action.clone(),
                    });
                }
            }
            out
        };
        // Ours' earlier merges from theirs touched only what theirs had changed: not ours'
        // own edits, so they never collide with theirs' later ones.
        let theirs_hash_set: std::collections::HashSet<&str> =
            theirs_hashes.iter().map(String::as_str).collect();
        let from_theirs = |e: &AuditEvent| {
            e.action == AuditAction::ProjectMerged.as_str()
                && e.after["carried"].as_array().is_some_and(|c| {
                    c.iter().all(|x| {
                        x["hash"]
                            .as_str()
                            .is_some_and(|h| theirs_hash_set.contains(h))
                    })
                })
        };
        let ours_own: Vec<AuditEvent> = ours_since
            .iter()
            .filter(|e| !from_theirs(e))
            .cloned()
            .collect();
        let (mut ours_touched, mut theirs_touched) = (by_key(&ours_own), by_key(theirs_since));
        // Theirs' edit of a suggestion ours decided otherwise collides as a whole: the
        // person's tag it added is in the conflict with the suggestion it replaced.
        for e in theirs_since {
            if let [tag @ Key::Tag(..), own @ Key::OwnTag(..)] = touched(e).as_slice() {
                if let Some(edits) = ours_touched.get(tag).cloned() {
                    ours_touched.entry(own.clone()).or_default().extend(edits);
                }
            }
        }
        let (ours_state, theirs_state) = (State::of(self)?, State::of(theirs)?);
        // A framework imported adds and updates skills and skill prerequisites its entry
        // does not list: each one the importing side holds and the other holds otherwise
        // is taken as the import's (a conflict where the other side edited it too).
        for (since, mine, other, touched) in [
            (
                theirs_since,
                &theirs_state,
                &ours_state,
                &mut theirs_touched,
            ),
            (&ours_own[..], &ours_state, &theirs_state, &mut ours_touched),
        ] {
            for e in since
                .iter()
                .filter(|e| e.action == AuditAction::TaxonomyImported.as_str())
            {
                let edit = MergeEdit {
                    actor: e.actor.clone(),
                    at: e.at,
                    action: e.action.clone(),
                };
                let skills = mine
                    .skills
                    .keys()
                    .map(|id| Key::Skill(id.clone()))
                    .filter(|k| mine.value(k) != other.value(k));
                let links = mine
                    .skill_edges
                    .keys()
                    .filter(|pair| !other.skill_edges.contains_key(*pair))
                    .map(|(b, a)| Key::SkillEdge(b.clone(), a.clone()));
                for key in skills.chain(links).collect::<Vec<_>>() {
                    touched.entry(key).or_default().push(edit.clone());
                }
            }
        }
        // An edge removed on one side and how its module's prerequisites combine changed on
        // the other collide: the group was chosen with the edge there (a 2-of with one
        // edge left can never be met).
        let removed_here: Vec<(Key, Vec<MergeEdit>)> = ours_touched
            .iter()
            .filter_map(|(k, edits)| match k {
                Key::Edge(b, a) if !ours_state.edges.contains_key(&(b.clone(), a.clone())) => {
                    Some((Key::Group(a.clone()), edits.clone()))
                }
                _ => None,
            })
            .collect();
        for (group, edits) in removed_here {
            if theirs_touched.contains_key(&group) {
                ours_touched.entry(group).or_default().extend(edits);
            }
        }
        let removed_there: Vec<(Key, Vec<MergeEdit>)> = theirs_touched
            .keys()
            .filter_map(|k| match k {
                Key::Edge(b, a) if !theirs_state.edges.contains_key(&(b.clone(), a.clone())) => {
                    let edits = ours_touched.get(&Key::Group(a.clone()))?;
                    Some((k.clone(), edits.clone()))
                }
                _ => None,
            })
            .collect();
        for (edge, edits) in removed_there {
            ours_touched.entry(edge).or_default().extend(edits);
        }
        // Titles as ours has them, else as theirs (modules of a library only theirs holds).
        let mut titles: HashMap<ModuleId, String> = theirs
            .store
            .module_summaries()?
            .into_iter()
            .map(|m| (m.id, m.title))
            .collect();
        titles.extend(
            self.store
                .module_summaries()?
                .into_iter()
                .map(|m| (m.id, m.title)),
        );
        let title = |id: &ModuleId| titles.get(id).cloned().unwrap_or_else(|| id.to_string());
        let what = |key: &Key| match key {
            Key::Edge(b, a) => format!("prerequisite “{}” → “{}”", title(b), title(a)),
            Key::Group(a) => format!("how “{}”'s prerequisites combine", title(a)),
            Key::Level(m) => format!("the level of “{}” set by hand", title(m)),
            Key::Rule(id) => format!("rule {id}"),
            Key::Cohort => "the simulation cohort".to_owned(),
            Key::Tag(m, slug) => format!("the suggestion of {slug} for “{}”", title(m)),
            Key::OwnTag(m, slug) => format!("a person's tag {slug} on “{}”", title(m)),
            Key::AutoAccept => "the auto-accept threshold".to_owned(),
            Key::Library(id) => {
                let name = theirs_state
                    .libraries
                    .get(id)
                    .or_else(|| ours_state.libraries.get(id))
                    .map_or(id.as_str(), |(l, _)| l.name.as_str());
                format!("library “{name}”")
            }
            Key::Columns(path) => format!("the columns of catalog {path}"),
            Key::Setting(key) if *key == FITTED.key() => {
                "the fitted knowledge-tracing parameters".to_owned()
            }
            Key::Setting(key) if *key == SCALE.key() => "the proficiency scale".to_owned(),
            Key::Setting(_) => "the framework the taxonomy came from".to_owned(),
            Key::Answers => "learners' answers".to_owned(),
            Key::Skill(id) => {
                let skill = theirs_state
                    .skills
                    .get(id)
                    .or_else(|| ours_state.skills.get(id));
                format!("skill {}", skill.map_or(id.as_str(), |s| s.slug.as_str()))
            }
            Key::Track(id) => {
                let track = theirs_state
                    .tracks
                    .get(id)
                    .or_else(|| ours_state.tracks.get(id));
                format!("track {}", track.map_or(id.as_str(), |t| t.slug.as_str()))
            }
            Key::SkillEdge(b, a) => {
                let slug = |id: &model::SkillId| {
                    theirs_state
                        .skills
                        .get(id)
                        .or_else(|| ours_state.skills.get(id))
                        .map_or(id.to_string(), |s| s.slug.clone())
                };
                format!("skill prerequisite {} → {}", slug(b), slug(a))
            }
        };

        // A library is alike when both hold the same files' content, or theirs' last import
        // read a version ours imported before; ours' import of a version theirs imported
        // before is no conflict (theirs went on from it).
        let mut alike_libraries = BTreeSet::new();
        for key in theirs_touched.keys() {
            let Key::Library(id) = key else { continue };
            let (ours_read, theirs_read) = (imports(&ours_log, id), imports(&theirs_log, id));
            if self.same_library(theirs, id)?
                || theirs_read.last().is_some_and(|v| ours_read.contains(v))
            {
                alike_libraries.insert(id.clone());
            } else if ours_read.last().is_some_and(|v| theirs_read.contains(v)) {
                ours_touched.remove(key);
            }
        }
        let mut applied = Vec::new();
        let mut conflicts = Vec::new();
        let mut take: Vec<Key> = Vec::new();
        for (key, theirs_by) in &theirs_touched {
            let (ours, theirs) = (ours_state.value(key), theirs_state.value(key));
            let alike = match key {
                // The same files imported on each side, or re-imported unchanged.
                Key::Library(id) => alike_libraries.contains(id),
                // Answers add up: nothing to bring when ours has all of theirs.
                Key::Answers => theirs_state.answers.is_subset(&ours_state.answers),
                _ => ours == theirs,
            };
            if alike {
                continue;
            }
            // Answers never collide: theirs join ours'.
            if *key == Key::Answers {
                take.push(key.clone());
                let union = ours_state.answers.union(&theirs_state.answers).count();
                applied.push(MergeChange {
                    key: key.id(),
                    kind: key.kind().to_owned(),
                    what: what(key),
                    ours_words: words(key, &ours),
                    theirs_words: format!("{union} answers with theirs"),
                    ours,
                    theirs: json!(union),
                });
                continue;
            }
            match ours_touched.get(key) {
                Some(ours_by) => {
                    let prefer = resolve.of(&key.id());
                    if prefer == Some(Side::Theirs) {
                        take.push(key.clone());
                    }
                    conflicts.push(MergeConflict {
                        key: key.id(),
                        kind: key.kind().to_owned(),
                        what: what(key),
                        ours_words: words(key, &ours),
                        theirs_words: words(key, &theirs),
                        ours,
                        theirs,
                        ours_by: ours_by.clone(),
                        theirs_by: theirs_by.clone(),
                        resolved: prefer,
                    });
                }
                None => {
                    take.push(key.clone());
                    applied.push(MergeChange {
                        key: key.id(),
                        kind: key.kind().to_owned(),
                        what: what(key),
                        ours_words: words(key, &ours),
                        theirs_words: words(key, &theirs),
                        ours,
                        theirs,
                    });
                }
            }
        }
        // Skills theirs merged into others (and did not unmerge since), each with the skill
        // it finally went into: a merge is done again here, moving ours' tags, sub-skills,
        // aliases, prerequisites and track targets as it moved theirs'.
        let merged_into = skill_merges_in(theirs_since);
        let survivor = |id: &model::SkillId| survivor_in(&merged_into, id);
        // And those ours merged: what theirs hangs on one is hung on its survivor, as the
        // merge would have moved it had it come after.
        let ours_merged = skill_merges_in(&ours_own);
        let here =
            |id: &model::SkillId| survivor_in(&ours_merged, id).unwrap_or_else(|| id.clone());
        let here_slug = |slug: &str| {
            let id = ours_state
                .skills
                .values()
                .chain(theirs_state.skills.values())
                .find(|s| s.slug == slug);
            match id.and_then(|s| survivor_in(&ours_merged, &s.id)) {
                Some(into) => ours_state
                    .skills
                    .get(&into)
                    .map_or(slug.to_owned(), |s| s.slug.clone()),
                None => slug.to_owned(),
            }
        };
        let merged_words = |id: &model::SkillId| {
            let into = survivor(id)?;
            let name = theirs_state
                .skills
                .get(&into)
                .map_or(into.as_str(), |s| s.name.as_str());
            Some(format!("merged into “{name}”"))
        };
        for (key, words) in applied
            .iter_mut()
            .map(|c| (&c.key, &mut c.theirs_words))
            .chain(conflicts.iter_mut().map(|c| (&c.key, &mut c.theirs_words)))
        {
            if let Some(Key::Skill(id)) = Key::parse(key) {
                if let Some(w) = merged_words(&id) {
                    *words = w;
                }
            }
        }
        if conflicts.iter().any(|c| c.resolved.is_none()) {
            return Ok(MergeReport {
                fork,
                theirs_entries: fresh.len(),
                ours_entries: ours_since.len(),
                applied,
                conflicts,
                merged: false,
            });
        }
        for c in conflicts
            .iter()
            .filter(|c| c.resolved == Some(Side::Theirs))
        {
            applied.push(MergeChange {
                key: c.key.clone(),
                kind: c.kind.clone(),
                what: c.what.clone(),
                ours: c.ours.clone(),
                theirs: c.theirs.clone(),
                ours_words: c.ours_words.clone(),
                theirs_words: c.theirs_words.clone(),
            });
        }

        // Libraries taken as theirs has them: modules, what the manifest declares.
        let libraries: Vec<Carried> = take
            .iter()
            .filter_map(|k| match k {
                Key::Library(id) => Some(id),
                _ => None,
            })
            .map(|id| self.carried_library(theirs, id, &ours_state, &theirs_state))
            .collect::<Result<_>>()?;
        // Skills theirs' imports made (none of either side's logged skill edits), and the
        // skill prerequisites its manifests declare.
        let untouched = |k: &Key| !theirs_touched.contains_key(k) && !ours_touched.contains_key(k);
        let imported_skills: Vec<model::Skill> = match libraries.is_empty() {
            true => Vec::new(),
            false => theirs_state
                .skills
                .values()
                .filter(|s| !ours_state.skills.contains_key(&s.id))
                .filter(|s| untouched(&Key::Skill(s.id.clone())))
                .cloned()
                .collect(),
        };
        let imported_skill_edges: Vec<(
            (model::SkillId, model::SkillId),
            Option<model::EdgeOrigin>,
        )> = match libraries.is_empty() {
            true => Vec::new(),
            false => theirs_state
                .skill_edges
                .iter()
                .filter(|(pair, origin)| {
                    **origin == model::EdgeOrigin::Manifest
                        && !ours_state.skill_edges.contains_key(*pair)
                        && untouched(&Key::SkillEdge(pair.0.clone(), pair.1.clone()))
                })
                .map(|(pair, origin)| (pair.clone(), Some(*origin)))
                .collect(),
        };
        let carried_modules: BTreeSet<&ModuleId> = libraries
            .iter()
            .flat_map(|l| l.modules.iter().map(|(m, _)| &m.id))
            .collect();
        // A decision on a suggestion this copy never got comes with the suggestion, when
        // the module's content here will be what theirs was made from; else it cannot be
        // applied: say so.
        let mut tag_rows = Vec::new();
        let mut missing = Vec::new();
        for key in &take {
            let Key::Tag(m, slug) = key else { continue };
            if ours_state.tags.contains_key(&(m.clone(), slug.clone())) {
                continue;
            }
            let same_content = carried_modules.contains(m)
                || match (self.store.module(m), theirs.store.module(m)) {
                    (Ok(a), Ok(b)) => store::module_hash(&a) == store::module_hash(&b),
                    _ => false,
                };
            let skill = theirs_state
                .tags
                .get(&(m.clone(), slug.clone()))
                .map(|t| &t.skill);
            let row =
                theirs.store.model_tag_rows(m)?.into_iter().find(|r| {
                    r.get("skill_id").and_then(Value::as_str) == skill.map(|s| s.as_str())
                });
            match row {
                Some(row) if same_content => tag_rows.push(row),
                _ => missing.push(what(key)),
            }
        }
        if !missing.is_empty() {
            return Err(Error::MergeUnsupported {
                from: from.display().to_string(),
                actions: format!(
                    "decisions on {} suggestions made for content this copy does not have — import the same files and auto-tag here, then merge: {}",
                    missing.len(),
                    missing.into_iter().take(3).collect::<Vec<_>>().join("; ")
                ),
            });
        }

        // The edges ours will have, checked for cycles before anything is written: a
        // library taken brings the prerequisites its manifest declares in place of ours'.
        // An edge ours' people added or removed stays as they left it.
        let mut edges = ours_state.edges.clone();
        let ours_edited = |b: &ModuleId, a: &ModuleId| {
            ours_touched.contains_key(&Key::Edge(b.clone(), a.clone()))
        };
        for l in &libraries {
            let ours_modules = self.store.library_module_hashes(&l.library.id)?;
            edges.retain(|(b, a), e| {
                e.origin != model::EdgeOrigin::Manifest
                    || !ours_modules.contains_key(a)
                    || ours_edited(b, a)
            });
            for e in l
                .declared
                .iter()
                .filter(|e| !ours_edited(&e.before, &e.after))
            {
                edges.insert((e.before.clone(), e.after.clone()), e.clone());
            }
        }
        let mut groups: BTreeMap<ModuleId, PrerequisiteGroup> = BTreeMap::new();
        for key in &take {
            match key {
                Key::Edge(b, a) => {
                    let pair = (b.clone(), a.clone());
                    match theirs_state.edges.get(&pair) {
                        Some(e) => edges.insert(pair, e.clone()),
                        None => edges.remove(&pair),
                    };
                }
                Key::Group(a) => {
                    if let Some(g) = theirs_state.groups.get(a) {
                        groups.insert(a.clone(), *g);
                    }
                }
                Key::Level(_)
                | Key::Rule(_)
                | Key::Cohort
                | Key::Tag(..)
                | Key::OwnTag(..)
                | Key::AutoAccept
                | Key::Library(_)
                | Key::Columns(_)
                | Key::Setting(_)
                | Key::Answers
                | Key::Skill(_)
                | Key::Track(_)
                | Key::SkillEdge(..) => {}
            }
        }
        // Levels with the module as theirs' level makes it (its stored hash moves with it,
        // as an import computing it would).
        let mut levels = Vec::new();
        for key in &take {
            if let Key::Level(m) = key {
                let level = theirs_state.levels.get(m).copied();
                let module = match level {
                    Some(l) => {
                        // A module of a library taken from theirs is not here yet.
                        let mut module = match self.store.module(m) {
                            Ok(module) => module,
                            Err(_) => theirs.store.module(m)?,
                        };
                        module.level = Some(l);
                        let hash = store::module_hash(&module);
                        Some((l, hash))
                    }
                    None => None,
                };
                levels.push((m.clone(), level, module));
            }
        }
        let rules: Vec<(String, Option<Value>)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Rule(id) => Some((id.clone(), theirs_state.rules.get(id).cloned())),
                _ => None,
            })
            .collect();
        let cohort = take
            .contains(&Key::Cohort)
            .then(|| theirs_state.cohort.clone());
        // Skills as theirs has them; the tree they make with ours' must have no loop.
        let mut skills: Vec<model::Skill> = take
            .iter()
            .filter_map(|k| match k {
                Key::Skill(id) => theirs_state.skills.get(id).cloned(),
                _ => None,
            })
            .chain(imported_skills)
            .map(|mut s| {
                s.parent_id = s.parent_id.as_ref().map(here);
                s
            })
            .collect();
        // Skills theirs removed (nothing used them there): ours must not use them either.
        let (merged_skills, mut removed_skills): (Vec<model::Skill>, Vec<model::Skill>) = take
            .iter()
            .filter_map(|k| match k {
                Key::Skill(id) if !theirs_state.skills.contains_key(id) => {
                    ours_state.skills.get(id).cloned()
                }
                _ => None,
            })
            .partition(|s| merged_into.contains_key(&s.id));
        // The skills ours will have.
        let mut final_skills = ours_state.skills.clone();
        for skill in &skills {
            final_skills.insert(skill.id.clone(), skill.clone());
        }
        for skill in removed_skills.iter().chain(&merged_skills) {
            final_skills.remove(&skill.id);
        }
        // Each skill merged goes into its survivor here, which must be a skill ours keeps.
        let mut skill_merges: Vec<(model::Skill, model::SkillId)> = Vec::new();
        for skill in &merged_skills {
            match survivor(&skill.id).filter(|into| final_skills.contains_key(into)) {
                Some(into) => skill_merges.push((skill.clone(), into)),
                None => {
                    return Err(Error::MergeRefused(format!(
                        "{} merges skill “{}” into one this copy removed — add it back here first, or merge the other way round",
                        from.display(),
                        skill.name
                    )))
                }
            }
        }
        // Children before their parents, so none is left naming a parent that is gone.
        removed_skills.sort_by_key(|s| {
            let mut depth = 0;
            let mut at = s.parent_id.as_ref();
            while let Some(p) = at.and_then(|p| ours_state.skills.get(p)) {
                depth += 1;
                at = p.parent_id.as_ref();
                if depth > ours_state.skills.len() {
                    break;
                }
            }
            std::cmp::Reverse(depth)
        });
        if !skills.is_empty() {
            let all = &final_skills;
            let list: Vec<&model::Skill> = all.values().collect();
            let at: HashMap<&model::SkillId, usize> =
                list.iter().enumerate().map(|(i, s)| (&s.id, i)).collect();
            let parents: Vec<Option<usize>> = list
                .iter()
                .map(|s| s.parent_id.as_ref().and_then(|p| at.get(p).copied()))
                .collect();
            let depth = model::tree::depths(&parents);
            let depth_of = |s: &model::Skill| at.get(&s.id).and_then(|&i| depth[i]).unwrap_or(0);
            // Parents before their children, so each exists when a child names it.
            skills.sort_by_key(|s| depth_of(s));
            if let Some(cycle) = model::tree::first_loop(&parents) {
                let names: Vec<String> = cycle
                    .iter()
                    .map(|&i| format!("“{}”", list[i].name))
                    .collect();
                return Err(Error::OwnAncestor(format!(
                    "refused: merging {} would put skills inside each other: {}; nothing was changed",
                    from.display(),
                    names.join(" inside ")
                )));
            }
        }
        let skill_edges: Vec<((model::SkillId, model::SkillId), Option<model::EdgeOrigin>)> = take
            .iter()
            .filter_map(|k| match k {
                Key::SkillEdge(b, a) => {
                    let pair = (b.clone(), a.clone());
                    let origin = theirs_state.skill_edges.get(&pair).copied();
                    Some((pair, origin))
                }
                _ => None,
            })
            .chain(imported_skill_edges)
            // On the survivors of ours' merges; one a merge made self-referring goes, as
            // the merge drops it.
            .map(|((b, a), origin)| ((here(&b), here(&a)), origin))
            .filter(|((b, a), _)| b != a)
            .collect();
        self.refuse_skill_cycles(&ours_state, &skill_edges)?;
        let tracks: Vec<(model::TrackId, Option<model::Track>)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Track(id) => {
                    let track = theirs_state.tracks.get(id).cloned().map(|mut t| {
                        for x in &mut t.targets {
                            x.skill = here_slug(&x.skill);
                        }
                        t
                    });
                    Some((id.clone(), track))
                }
                _ => None,
            })
            .collect();
        let skill_of = |slug: &str| {
            theirs_state
                .skills
                .values()
                .find(|s| s.slug == slug)
                .map(|s| s.id.clone())
        };
        let tags: Vec<(ModuleId, &ModelTag, Option<model::SkillId>)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Tag(m, slug) => {
                    let tag = theirs_state.tags.get(&(m.clone(), slug.clone()))?;
                    let by = tag.replaced_by.as_deref().and_then(skill_of);
                    Some((m.clone(), tag, by))
                }
                _ => None,
            })
            .collect();
        // People's own tags theirs added (with the skill) or removed (ours' skill).
        let own_tags: Vec<(ModuleId, model::SkillId, bool)> = take
            .iter()
            .filter_map(|k| match k {
                Key::OwnTag(m, slug) => {
                    let key = (m.clone(), slug.clone());
                    match theirs_state.own_tags.get(&key) {
                        Some(skill) => Some((m.clone(), here(skill), true)),
                        None => Some((m.clone(), ours_state.own_tags.get(&key)?.clone(), false)),
                    }
                }
                _ => None,
            })
            .collect();
        let auto_accept = take
            .contains(&Key::AutoAccept)
            .then_some(theirs_state.auto_accept);
        let mut columns = ours_state.columns.clone();
        for key in &take {
            if let Key::Columns(path) = key {
                match theirs_state.columns.get(path) {
                    Some(c) => columns.insert(path.clone(), c.clone()),
                    None => columns.remove(path),
                };
            }
        }
        let columns = (columns != ours_state.columns).then_some(columns);
        // Theirs' answers, under the same pseudonym secret as ours' (a copy without answers
        // takes theirs'); a skill they are on must be one ours keeps.
        let mut answers = Vec::new();
        let mut secret = None;
        if take.contains(&Key::Answers) {
            let (ours_secret, theirs_secret) =
                (self.store.setting(&SECRET)?, theirs.store.setting(&SECRET)?);
            match (&ours_secret, &theirs_secret) {
                (Some(a), Some(b)) if a != b => {
                    return Err(Error::MergeRefused(format!(
                        "{}'s learners' answers are under another pseudonym key than this copy's (each copy made its own on its first import) — import the same answer files here instead",
                        from.display()
                    )))
                }
                (None, Some(b)) if ours_state.answers.is_empty() => secret = Some(b.clone()),
                (None, Some(_)) => {
                    return Err(Error::MergeRefused(format!(
                        "{}'s learners' answers are under a pseudonym key this copy does not have",
                        from.display()
                    )))
                }
                _ => {}
            }
            answers = theirs_state
                .answers
                .difference(&ours_state.answers)
                .cloned()
                .collect();
        }
        let settings: Vec<(&'static str, Option<Value>)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Setting(key) => {
                    let value = theirs_state.settings.get(key).filter(|v| !v.is_null());
                    Some((*key, value.cloned()))
                }
                _ => None,
            })
            .collect();
        // What theirs' tags name must be a skill ours keeps.
        let gone = tags
            .iter()
            .filter_map(|(m, _, by)| Some((m, by.as_ref()?)))
            .chain(
                own_tags
                    .iter()
                    .filter(|t| t.2)
                    .map(|(m, skill, _)| (m, skill)),
            )
            .chain(tags.iter().map(|(m, tag, _)| (m, &tag.skill)))
            .find(|(_, skill)| !final_skills.contains_key(*skill));
        // Nor may their skills sit under, or need, a skill ours removed.
        let name_of = |id: &model::SkillId| {
            theirs_state
                .skills
                .get(id)
                .or_else(|| ours_state.skills.get(id))
                .map_or_else(|| id.to_string(), |s| s.name.clone())
        };
        let orphan = skills.iter().find_map(|s| {
            let parent = s.parent_id.as_ref()?;
            (!final_skills.contains_key(parent)).then_some((s, parent))
        });
        if let Some((skill, parent)) = orphan {
            return Err(Error::MergeRefused(format!(
                "{} puts skill “{}” under “{}”, which this copy removed — add it back here first, or merge the other way round",
                from.display(),
                skill.name,
                name_of(parent)
            )));
        }
        let dangling = skill_edges.iter().find(|((b, a), origin)| {
            origin.is_some() && !(final_skills.contains_key(b) && final_skills.contains_key(a))
        });
        if let Some(((b, a), _)) = dangling {
            return Err(Error::MergeRefused(format!(
                "{} adds the skill prerequisite “{}” → “{}”, and this copy removed one of them — add it back here first, or merge the other way round",
                from.display(),
                name_of(b),
                name_of(a)
            )));
        }
        let slugs: BTreeSet<&str> = final_skills.values().map(|s| s.slug.as_str()).collect();
        let aimless = tracks.iter().find_map(|(_, t)| {
            let t = t.as_ref()?;
            let theirs_has = |slug: &str| theirs_state.skills.values().any(|s| s.slug == slug);
            let target = t
                .targets
                .iter()
                .find(|x| !slugs.contains(x.skill.as_str()) && theirs_has(&x.skill))?;
            Some((t, target))
        });
        if let Some((track, target)) = aimless {
            return Err(Error::MergeRefused(format!(
                "{} has track “{}” aim at skill {}, which this copy removed — add it back here first, or merge the other way round",
                from.display(),
                track.name,
                target.skill
            )));
        }
        if let Some((skill, ..)) = answers.iter().find(|(s, ..)| !final_skills.contains_key(s)) {
            return Err(Error::MergeRefused(format!(
                "{} has answers on skill {skill}, which this copy removed — add it back here first, or merge the other way round",
                from.display()
            )));
        }
        if let Some((m, skill)) = gone {
            let name = theirs_state
                .skills
                .get(skill)
                .map_or(skill.as_str(), |s| s.name.as_str());
            return Err(Error::MergeRefused(format!(
                "{} tags “{}” with skill “{name}”, which this copy removed — add the skill back here first, or merge the other way round",
                from.display(),
                title(m)
            )));
        }
        self.refuse_removing_used(
            &removed_skills,
            &final_skills,
            &ours_state,
            &skill_edges,
            &tracks,
            from,
        )?;
        // One group per module: theirs where it was taken, else ours', else the edge's own
        // (a module that had no prerequisites in ours).
        let mut final_groups: BTreeMap<ModuleId, PrerequisiteGroup> = BTreeMap::new();
        for ((_, a), e) in &edges {
            let g = groups
                .get(a)
                .or_else(|| ours_state.groups.get(a))
                .copied()
                .unwrap_or(e.group);
            final_groups.insert(a.clone(), g);
        }
        for ((_, a), e) in edges.iter_mut() {
            e.group = final_groups[a];
        }
        let regrouped: Vec<(ModuleId, PrerequisiteGroup)> = final_groups
            .into_iter()
            .filter(|(a, g)| ours_state.groups.get(a) != Some(g))
            .collect();
        let added: BTreeSet<(ModuleId, ModuleId)> = edges
            .keys()
            .filter(|k| !ours_state.edges.contains_key(*k))
            .cloned()
            .collect();
        self.refuse_cycles(theirs, &edges, &added)?;

        if dry_run || (take.is_empty() && fresh.is_empty()) {
            return Ok(MergeReport {
                fork,
                theirs_entries: fresh.len(),
                ours_entries: ours_since.len(),
                applied,
                conflicts,
                merged: false,
            });
        }
        // Carried from the fork on, so that they chain from `fork_hash` however many were
        // carried before.
        let carried: Vec<Value> = theirs_since
            .iter()
            .zip(&theirs_hashes[shared..])
            .map(|(e, hash)| {
                let mut v = serde_json::to_value(e).expect("entries serialise");
                v["hash"] = json!(hash);
                v
            })
            .collect();
        let after = json!({
            "from": crate::audit::named(from),
            "fork": fork,
            "fork_hash": shared.checked_sub(1).map(|i| theirs_hashes[i].clone()),
            "carried": carried,
            "applied": applied,
            "resolved": conflicts,
        });
        let before = json!({ "ours_entries_since_fork": ours_since.len() });
        let object = ours_info.id.to_string();
        let entry = Entry::new(AuditAction::ProjectMerged, &object, &before, &after);
        let removed: Vec<(ModuleId, ModuleId)> = ours_state
            .edges
            .keys()
            .filter(|k| !edges.contains_key(*k))
            .cloned()
            .collect();
        // One entry for each conflict resolved, after the merge's own.
        let resolutions: Vec<(String, Value, Value)> = conflicts
            .iter()
            .filter_map(|c| {
                let side = c.resolved?;
                Some((
                    c.key.clone(),
                    json!({ "ours": c.ours, "theirs": c.theirs }),
                    json!({ "what": c.what, "kept": side, "from": crate::audit::named(from) }),
                ))
            })
            .collect();
        // Tracks aimed at a skill merged away aim at its survivor, as the merge did theirs.
        let mut retargeted: Vec<(model::TrackId, Vec<model::TrackTarget>)> = Vec::new();
        if !skill_merges.is_empty() {
            let mut all = ours_state.tracks.clone();
            for (id, track) in &tracks {
                match track {
                    Some(t) => all.insert(id.clone(), t.clone()),
                    None => all.remove(id),
                };
            }
            for (id, mut t) in all {
                let mut moved = false;
                for x in &mut t.targets {
                    let merge = skill_merges.iter().find(|(s, _)| s.slug == x.skill);
                    if let Some((_, into)) = merge {
                        x.skill = final_skills[into].slug.clone();
                        moved = true;
                    }
                }
                if moved {
                    retargeted.push((id, t.targets));
                }
            }
        }
        let project = ours_info.id.clone();
        self.store.write(|tx| {
            // Skills first: modules, tags and tracks below may name one theirs added.
            for skill in &skills {
                tx.upsert_skill(skill)?;
                tx.set_skill_retired(&skill.id, skill.retired)?;
            }
            // Then the libraries taken, so edges and tags below find their modules.
            for l in &libraries {
                tx.upsert_library(&l.library)?;
                for (module, position) in &l.modules {
                    tx.upsert_module(&project, module, *position)?;
                }
                for id in &l.retired {
                    tx.retire_module(id)?;
                }
                tx.replace_library_tracks(&l.library.id, &l.tracks)?;
                tx.replace_library_rules(&l.library.id, &l.rules)?;
            }
            for row in &tag_rows {
                tx.put_tag_row(row)?;
            }
            if let Some(columns) = &columns {
                tx.set_setting(&CATALOG_COLUMNS, Some(columns))?;
            }
            for (key, value) in &settings {
                tx.set_setting(&store::Setting::<Value>::new(key), value.as_ref())?;
            }
            if let Some(secret) = &secret {
                tx.set_setting(&SECRET, Some(secret))?;
            }
            for (skill, learner, seq, correct) in &answers {
                tx.insert_answer(skill, learner, *seq, *correct)?;
            }
            for (b, a) in &removed {
                tx.delete_prerequisite(b, a)?;
            }
            for pair in &added {
                tx.insert_prerequisite(&edges[pair])?;
            }
            for (a, g) in &regrouped {
                tx.set_prerequisite_group(a, *g)?;
            }
            for (m, level, module) in &levels {
                tx.set_level_override(m, *level)?;
                if let Some((l, hash)) = module {
                    tx.set_module_level(m, Some(*l), hash)?;
                }
            }
            for (id, body) in &rules {
                match body {
                    Some(body) => {
                        let kind = body["kind"].as_str().unwrap_or_default();
                        tx.upsert_rule(id, kind, body)?;
                    }
                    None => {
                        tx.delete_rule(id)?;
                    }
                }
            }
            if let Some(cohort) = &cohort {
                tx.set_setting(&EDITED_COHORT, cohort.as_ref())?;
            }
            for (m, tag, by) in &tags {
                tx.set_tag_decision(m, &tag.skill, tag.state, tag.auto_accepted, by.as_ref())?;
            }
            for (m, skill, there) in &own_tags {
                match there {
                    true => tx.add_person_tag(m, skill)?,
                    false => tx.remove_person_tag(m, skill)?,
                }
            }
            if let Some(threshold) = &auto_accept {
                tx.set_setting(&AUTO_ACCEPT, threshold.as_ref())?;
            }
            for ((b, a), origin) in &skill_edges {
                match origin {
                    Some(o) => {
                        tx.insert_skill_prerequisite(b, a, *o)?;
                    }
                    None => {
                        tx.delete_skill_prerequisite(b, a)?;
                    }
                }
            }
            for (id, track) in &tracks {
                match track {
                    Some(t) => tx.save_track(t)?,
                    None => tx.delete_track(id)?,
                }
            }
            for (skill, into) in &skill_merges {
                tx.merge_skill(skill, into)?;
            }
            for (id, targets) in &retargeted {
                tx.set_track_targets(id, targets)?;
            }
            for skill in &removed_skills {
                tx.delete_skill(&skill.id)?;
            }
            entry.append(tx, actor, now)?;
            for (key, before, after) in &resolutions {
                Entry::new(AuditAction::MergeResolved, key, before, after)
                    .append(tx, actor, now)?;
            }
            Ok(())
        })?;
        Ok(MergeReport {
            fork,
            theirs_entries: fresh.len(),
            ours_entries: ours_since.len(),
            applied,
            conflicts,
            merged: true,
        })
    }

    /// Refuses removing skills (theirs removed them, unused there) that ours still uses
    /// once the merge is in: tags, aliases, sub-skills, skill prerequisites or tracks.
    fn refuse_removing_used(
        &self,
        removed: &[model::Skill],
        skills: &BTreeMap<model::SkillId, model::Skill>,
        ours: &State,
        skill_edges: &[((model::SkillId, model::SkillId), Option<model::EdgeOrigin>)],
        tracks: &[(model::TrackId, Option<model::Track>)],
        from: &std::path::Path,
    ) -> Result<()> {
        let mut pairs: BTreeSet<(model::SkillId, model::SkillId)> =
            ours.skill_edges.keys().cloned().collect();
        for (pair, origin) in skill_edges {
            match origin {
                Some(_) => pairs.insert(pair.clone()),
                None => pairs.remove(pair),
            };
        }
        let mut final_tracks = ours.tracks.clone();
        for (id, track) in tracks {
            match track {
                Some(t) => final_tracks.insert(id.clone(), t.clone()),
                None => final_tracks.remove(id),
            };
        }
        for skill in removed {
            let snap = self.store.merge_snapshot(skill, &skill.id)?;
            let children = skills
                .values()
                .filter(|s| s.parent_id.as_ref() == Some(&skill.id))
                .count();
            let prerequisites = pairs
                .iter()
                .filter(|(b, a)| *b == skill.id || *a == skill.id)
                .count();
            let in_tracks = final_tracks
                .values()
                .filter(|t| t.targets.iter().any(|x| x.skill == skill.slug))
                .count();
            let uses: Vec<String> = [
                (snap.tags.len(), "tags"),
                (children, "sub-skills"),
                (prerequisites, "skill prerequisites"),
                (snap.aliases.len(), "merged skills"),
                (in_tracks, "tracks"),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
            if !uses.is_empty() {
                return Err(Error::MergeRefused(format!(
                    "{} removed skill “{}”, which this copy still uses ({}) — remove those uses here first, or merge the other way round",
                    from.display(),
                    skill.name,
                    uses.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// Refuses skill prerequisites that, with ours', would make a cycle, naming it.
    fn refuse_skill_cycles(
        &self,
        ours: &State,
        changes: &[((model::SkillId, model::SkillId), Option<model::EdgeOrigin>)],
    ) -> Result<()> {
        if changes.iter().all(|(_, o)| o.is_none()) {
            return Ok(());
        }
        let mut pairs: BTreeSet<(model::SkillId, model::SkillId)> =
            ours.skill_edges.keys().cloned().collect();
        for (pair, origin) in changes {
            match origin {
                Some(_) => pairs.insert(pair.clone()),
                None => pairs.remove(pair),
            };
        }
        let skills = self.store.skills()?;
        let index: HashMap<&model::SkillId, usize> =
            skills.iter().enumerate().map(|(i, s)| (&s.id, i)).collect();
        let at = |(b, a): &(model::SkillId, model::SkillId)| Some((*index.get(b)?, *index.get(a)?));
        let names: Vec<String> = skills.iter().map(|s| s.name.clone()).collect();
        let edges: Vec<(usize, usize)> = pairs.iter().filter_map(at).collect();
        let added: Vec<(usize, usize)> = changes
            .iter()
            .filter(|(_, origin)| origin.is_some())
            .filter_map(|(pair, _)| at(pair))
            .collect();
        refuse_cycle(&names, &edges, &added, "skill ")
    }

    /// `library` as `theirs` holds it, ready to write into this copy.
    fn carried_library(
        &self,
        theirs: &Project,
        library: &model::LibraryId,
        ours: &State,
        theirs_state: &State,
    ) -> Result<Carried> {
        let Some((lib, _)) = theirs_state.libraries.get(library) else {
            return Err(Error::MergeRefused(format!(
                "their copy logs an import of library {library}, which it no longer holds"
            )));
        };
        let live = theirs.store.library_module_hashes(library)?;
        let mut modules = Vec::with_capacity(live.len());
        for (id, stored) in &live {
            let mut module = theirs.store.module(id)?;
            if let Some(level) = ours.levels.get(id) {
                module.level = Some(*level);
            }
            modules.push((module, stored.position));
        }
        modules.sort_by_key(|(_, position)| *position);
        let retired = self
            .store
            .library_module_hashes(library)?
            .into_keys()
            .filter(|id| !live.contains_key(id))
            .collect();
        let declared = theirs
            .store
            .prerequisites()?
            .into_iter()
            .filter(|e| e.origin == model::EdgeOrigin::Manifest && live.contains_key(&e.after))
            .collect();
        Ok(Carried {
            library: lib.clone(),
            modules,
            retired,
            declared,
            tracks: theirs.store.library_tracks(library)?,
            rules: theirs.store.library_rules(library)?,
        })
    }

    /// Whether `library` is alike in both copies: the same live modules at the same
    /// places with the same content (levels aside, which merge on their own), the same
    /// prerequisites, tracks and rules its manifest declares.
    fn same_library(&self, theirs: &Project, library: &model::LibraryId) -> Result<bool> {
        let (ours, other) = (
            self.store.library_module_hashes(library)?,
            theirs.store.library_module_hashes(library)?,
        );
        let levels = |p: &Project| -> Result<BTreeMap<ModuleId, model::Level>> {
            Ok(p.store.level_overrides()?)
        };
        let (ours_levels, theirs_levels) = (levels(self)?, levels(theirs)?);
        // A module with a level set by hand is compared without its level.
        let content = |p: &Project, id: &ModuleId| -> Result<String> {
            let mut module = p.store.module(id)?;
            module.level = None;
            Ok(store::module_hash(&module))
        };
        let mut alike = ours.len() == other.len();
        for (id, m) in &ours {
            let Some(t) = other.get(id).filter(|_| alike) else {
                alike = false;
                break;
            };
            let level_set = ours_levels.contains_key(id) || theirs_levels.contains_key(id);
            alike = t.position == m.position
                && t.source_path == m.source_path
                && match level_set {
                    true => content(self, id)? == content(theirs, id)?,
                    false => t.hash == m.hash,
                };
        }
        if !alike {
            return Ok(false);
        }
        let declared = |p: &Project| -> Result<BTreeSet<(ModuleId, ModuleId)>> {
            Ok(p.store
                .prerequisites()?
                .into_iter()
                .filter(|e| e.origin == model::EdgeOrigin::Manifest && ours.contains_key(&e.after))
                .map(|e| (e.before, e.after))
                .collect())
        };
        let tracks = |p: &Project| p.store.library_tracks(library);
        let rules = |p: &Project| p.store.library_rules(library);
        Ok(declared(self)? == declared(theirs)?
            && tracks(self)? == tracks(theirs)?
            && rules(self)? == rules(theirs)?)
    }

    /// Refuses `edges` if the edges in `added` close a cycle, naming one; `theirs` names
    /// the modules ours does not hold yet.
    fn refuse_cycles(
        &self,
        theirs: &Project,
        edges: &HashMap<(ModuleId, ModuleId), PrerequisiteEdge>,
        added: &BTreeSet<(ModuleId, ModuleId)>,
    ) -> Result<()> {
        // Ours' modules, and those of libraries only theirs holds.
        let mut modules = self.store.module_summaries()?;
        let known: std::collections::HashSet<ModuleId> =
            modules.iter().map(|m| m.id.clone()).collect();
        modules.extend(
            theirs
                .store
                .module_summaries()?
                .into_iter()
                .filter(|m| !known.contains(&m.id)),
        );
        let index: HashMap<&ModuleId, usize> = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (&m.id, i))
            .collect();
        let at = |(b, a): &(ModuleId, ModuleId)| Some((*index.get(b)?, *index.get(a)?));
        let names: Vec<String> = modules.iter().map(|m| m.title.clone()).collect();
        let all: Vec<(usize, usize)> = edges.keys().filter_map(at).collect();
        let added: Vec<(usize, usize)> = added.iter().filter_map(at).collect();
        refuse_cycle(&names, &all, &added, "")
    }
}

/// Refuses `edges` (between the nodes `names`, by index) if they make a cycle, naming one
/// that an edge of `added` closes; `what` says which prerequisites ("", "skill ").
fn refuse_cycle(
    names: &[String],
    edges: &[(usize, usize)],
    added: &[(usize, usize)],
    what: &str,
) -> Result<()> {
    let nodes: Vec<graph::Node> = names
        .iter()
        .enumerate()
        .map(|(i, name)| graph::Node {
            id: i.to_string(),
            name: name.clone(),
        })
        .collect();
    let edge = |&(before, after): &(usize, usize)| graph::Edge {
        before,
        after,
        group: PrerequisiteGroup::AllOf,
    };
    let all: Vec<graph::Edge> = edges.iter().map(edge).collect();
    if graph::Graph::new(nodes.clone(), &all).depths().is_some() {
        return Ok(());
    }
    for e in added {
        let others: Vec<graph::Edge> = edges.iter().filter(|x| *x != e).map(edge).collect();
        let g = graph::Graph::new(nodes.clone(), &others);
        if let Some(cycle) = g.cycle_if_added(e.0, e.1) {
            return Err(Error::Cycle {
                edit: format!("merging their {what}“{}” → “{}”", names[e.0], names[e.1]),
                cycle: g.describe(&cycle),
            });
        }
    }
    Err(Error::CyclicGraph(format!(
        "the merged {what}prerequisites would form a cycle"
    )))
}

/// Whether the entries a merge carried (its entry's `after`) still chain from the fork as
/// they did in their own log: each entry's hash recomputed from the one before.
pub fn carried_entries_verify(after: &Value) -> bool {
    let Some(entries) = after["carried"].as_array() else {
        return false;
    };
    let mut previous = after["fork_hash"]
        .as_str()
        .unwrap_or(store::AUDIT_GENESIS)
        .to_owned();
    for e in entries {
        let text = |v: &Value| v.to_string();
        let hash = store::audit_hash(
            &previous,
            e["seq"].as_i64().unwrap_or_default(),
            e["at"].as_i64().unwrap_or_default(),
            &text(&e["actor"]),
            e["action"].as_str().unwrap_or_default(),
            e["object"].as_str().unwrap_or_default(),
            &text(&e["before"]),
            &text(&e["after"]),
        );
        if Some(hash.as_str()) != e["hash"].as_str() {
            return false;
        }
        previous = hash;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_thing_is_said_in_words_and_its_key_reads_back() {
        let m = || ModuleId("m1".to_owned());
        let check = |key: Key, v: Value, want: &str, why: &str| {
            assert_eq!(words(&key, &v), want, "{why}");
            assert_eq!(
                Key::parse(&key.id()),
                Some(key.clone()),
                "{why}: the key {} a merge entry records reads back",
                key.id()
            );
        };
        let skill = |s: &str| model::SkillId(s.to_owned());
        check(
            Key::Edge(m(), m()),
            json!(true),
            "there",
            "an edge that is there",
        );
        check(
            Key::Edge(m(), m()),
            json!(false),
            "not there",
            "an edge that is not",
        );
        check(
            Key::Group(m()),
            json!({"kind": "n_of", "n": 2}),
            "2-of",
            "an n-of group names its n",
        );
        check(
            Key::Group(m()),
            json!({"kind": "any_of"}),
            "any-of",
            "an any-of group",
        );
        check(
            Key::Level(m()),
            Value::Null,
            "not set by hand",
            "no level set by hand",
        );
        check(
            Key::Rule("r".into()),
            Value::Null,
            "deleted",
            "a deleted rule",
        );
        check(
            Key::Rule("r".into()),
            json!({"kind": "placement", "explanation": "skip ahead"}),
            "placement rule: skip ahead",
            "a rule by its kind and words",
        );
        check(
            Key::Cohort,
            Value::Null,
            "the library's",
            "no cohort of one's own",
        );
        check(
            Key::Skill(skill("s")),
            json!({"name": "Closing", "retired": true}),
            "“Closing” (retired)",
            "a retired skill",
        );
        check(
            Key::Skill(skill("s")),
            Value::Null,
            "none",
            "a skill that is not there",
        );
        check(
            Key::Tag(m(), "sql".into()),
            json!({"state": "rejected", "replaced_by": null}),
            "rejected",
            "a review decision",
        );
        check(
            Key::Tag(m(), "sql".into()),
            json!({"state": "rejected", "replaced_by": "databases"}),
            "replaced by databases",
            "an edit says what replaced the suggestion",
        );
        check(
            Key::OwnTag(m(), "sql".into()),
            json!(true),
            "there",
            "a person's tag",
        );
        check(Key::AutoAccept, json!(0.85), "at 0.85", "a threshold");
        check(Key::AutoAccept, Value::Null, "off", "no threshold");
        check(
            Key::Track(model::TrackId("t".into())),
            json!({"name": "New hires", "targets": [1, 2]}),
            "“New hires”, 2 targets",
            "a track by its name and targets",
        );
        check(
            Key::SkillEdge(skill("a"), skill("b")),
            json!(false),
            "not there",
            "a skill prerequisite removed",
        );
        check(
            Key::Library(model::LibraryId("l".into())),
            json!({"name": "sales", "modules": 12}),
            "“sales”, 12 modules",
            "a library by its name and size",
        );
        check(
            Key::Library(model::LibraryId("l".into())),
            Value::Null,
            "not imported",
            "a library one side never imported",
        );
        check(
            Key::Columns("/x.csv".into()),
            Value::Null,
            "not mapped",
            "no column map",
        );
        check(Key::Answers, json!(42), "42 answers", "answers by how many");
        check(
            Key::Setting(FITTED.key()),
            json!({"a": {}, "b": {}}),
            "fitted for 2 skills",
            "a calibration by how many skills it fits",
        );
        check(
            Key::Setting(SCALE.key()),
            json!(["novice", "expert"]),
            "novice < expert",
            "a scale, lowest first",
        );
        check(
            Key::Setting(CASE_DOCUMENT.key()),
            json!({"title": "Sales framework"}),
            "“Sales framework”",
            "a framework by its title",
        );
    }
}
