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
//! people wrote, the simulation cohort, review decisions on suggestions, and skills added
//! or edited (renamed, moved, retired) and their prerequisites, tracks with who takes
//! them, and what an earlier merge brought into the other copy. A copy whose entries
//! since the fork change anything else (skills removed or merged, edited tags, a library
//! imported on one side only) is refused, naming what it changed, so
//! nothing either side did is dropped silently.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::{Actor, AuditEvent, ModuleId, PrerequisiteEdge, PrerequisiteGroup, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::audit::{AuditAction, Entry};
use crate::settings::EDITED_COHORT;
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
    /// prerequisite, group, level, rule, cohort, tag, skill, track or skill prerequisite.
    pub kind: String,
    /// For people: "prerequisite “A” → “B”", "how “B”'s prerequisites combine".
    pub what: String,
    #[ts(type = "unknown")]
    pub ours: Value,
    #[ts(type = "unknown")]
    pub theirs: Value,
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
            Key::Skill(_) => "skill",
            Key::Track(_) => "track",
            Key::SkillEdge(..) => "skill prerequisite",
        }
    }
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
        Some(AuditAction::SkillAdded | AuditAction::SkillEdited) => {
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
    /// The model's suggestions: their state and skill id, by (module, skill slug).
    tags: HashMap<(ModuleId, String), (model::TagState, model::SkillId)>,
    skills: BTreeMap<model::SkillId, model::Skill>,
    tracks: HashMap<model::TrackId, model::Track>,
    skill_edges: HashMap<(model::SkillId, model::SkillId), model::EdgeOrigin>,
}

impl State {
    fn of(project: &Project) -> Result<State> {
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
            tags: project
                .store
                .model_tags()?
                .into_iter()
                .map(|t| ((t.module_id, t.skill_slug), (t.state, t.skill_id)))
                .collect(),
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
            Key::Tag(m, slug) => json!(self.tags.get(&(m.clone(), slug.clone())).map(|t| t.0)),
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
        for e in theirs_since {
            let carried = !touched(e).is_empty();
            let neutral = AuditAction::parse(&e.action).is_some_and(|a| NEUTRAL.contains(&a));
            // A library both copies hold alike (the same files imported on each side, or
            // re-imported unchanged) brings nothing to merge.
            let same_library = e.action == AuditAction::LibraryImported.as_str()
                && self.same_library(theirs, &model::LibraryId(e.object.clone()))?;
            if !carried && !neutral && !same_library {
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
        let (ours_touched, theirs_touched) = (by_key(&ours_own), by_key(theirs_since));
        let (ours_state, theirs_state) = (State::of(self)?, State::of(theirs)?);
        let titles: HashMap<ModuleId, String> = self
            .store
            .module_summaries()?
            .into_iter()
            .map(|m| (m.id, m.title))
            .collect();
        let title = |id: &ModuleId| titles.get(id).cloned().unwrap_or_else(|| id.to_string());
        let what = |key: &Key| match key {
            Key::Edge(b, a) => format!("prerequisite “{}” → “{}”", title(b), title(a)),
            Key::Group(a) => format!("how “{}”'s prerequisites combine", title(a)),
            Key::Level(m) => format!("the level of “{}” set by hand", title(m)),
            Key::Rule(id) => format!("rule {id}"),
            Key::Cohort => "the simulation cohort".to_owned(),
            Key::Tag(m, slug) => format!("the suggestion of {slug} for “{}”", title(m)),
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

        // A decision on a suggestion this copy never got cannot be applied: say so.
        let missing: Vec<String> = theirs_touched
            .keys()
            .filter_map(|k| match k {
                Key::Tag(m, slug) if !ours_state.tags.contains_key(&(m.clone(), slug.clone())) => {
                    Some(what(k))
                }
                _ => None,
            })
            .collect();
        if !missing.is_empty() {
            return Err(Error::MergeUnsupported {
                from: from.display().to_string(),
                actions: format!(
                    "decisions on {} suggestions this copy does not have — auto-tag it first, then merge: {}",
                    missing.len(),
                    missing.into_iter().take(3).collect::<Vec<_>>().join("; ")
                ),
            });
        }

        let mut applied = Vec::new();
        let mut conflicts = Vec::new();
        let mut take: Vec<Key> = Vec::new();
        for (key, theirs_by) in &theirs_touched {
            let (ours, theirs) = (ours_state.value(key), theirs_state.value(key));
            if ours == theirs {
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
                        ours,
                        theirs,
                    });
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
            });
        }

        // The edges ours will have, checked for cycles before anything is written.
        let mut edges = ours_state.edges.clone();
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
                        let mut module = self.store.module(m)?;
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
            .collect();
        if !skills.is_empty() {
            let mut all = ours_state.skills.clone();
            for skill in &skills {
                all.insert(skill.id.clone(), skill.clone());
            }
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
            .collect();
        self.refuse_skill_cycles(&ours_state, &skill_edges)?;
        let tracks: Vec<(model::TrackId, Option<model::Track>)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Track(id) => Some((id.clone(), theirs_state.tracks.get(id).cloned())),
                _ => None,
            })
            .collect();
        let tags: Vec<(ModuleId, model::SkillId, model::TagState)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Tag(m, slug) => {
                    let (state, skill) = theirs_state.tags.get(&(m.clone(), slug.clone()))?;
                    Some((m.clone(), skill.clone(), *state))
                }
                _ => None,
            })
            .collect();
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
        self.refuse_cycles(&edges, &added)?;

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
        self.store.write(|tx| {
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
            for (m, skill, state) in &tags {
                tx.set_tag_state(m, skill, *state)?;
            }
            for skill in &skills {
                tx.upsert_skill(skill)?;
                tx.set_skill_retired(&skill.id, skill.retired)?;
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

    /// Whether `library` is alike in both copies: the same live modules at the same
    /// places with the same content (levels aside, which merge on their own), the same
    /// prerequisites its manifest declares, and the same tracks.
    fn same_library(&self, theirs: &Project, library: &model::LibraryId) -> Result<bool> {
        let (ours, other) = (
            self.store.library_module_hashes(library)?,
            theirs.store.library_module_hashes(library)?,
        );
        let levels = |p: &Project| -> Result<BTreeMap<ModuleId, model::Level>> {
            Ok(p.store.level_overrides()?)
        };
        let (ours_levels, theirs_levels) = (levels(self)?, levels(theirs)?);
        let alike = ours.len() == other.len()
            && ours.iter().all(|(id, m)| {
                other.get(id).is_some_and(|t| {
                    let level_set = ours_levels.contains_key(id) || theirs_levels.contains_key(id);
                    t.position == m.position
                        && t.source_path == m.source_path
                        && (level_set || t.hash == m.hash)
                })
            });
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
        let tracks = |p: &Project| -> Result<Vec<Value>> {
            let mut t: Vec<Value> = p
                .store
                .tracks()?
                .into_iter()
                .map(|t| serde_json::to_value(t).expect("tracks serialise"))
                .collect();
            t.sort_by_key(|v| v.to_string());
            Ok(t)
        };
        Ok(declared(self)? == declared(theirs)? && tracks(self)? == tracks(theirs)?)
    }

    /// Refuses `edges` if the edges in `added` close a cycle, naming one.
    fn refuse_cycles(
        &self,
        edges: &HashMap<(ModuleId, ModuleId), PrerequisiteEdge>,
        added: &BTreeSet<(ModuleId, ModuleId)>,
    ) -> Result<()> {
        let modules = self.store.module_summaries()?;
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
