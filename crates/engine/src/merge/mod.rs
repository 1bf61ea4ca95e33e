//! Merging two offline copies of one project. The copies' audit logs hold the same
//! entries up to where they parted (the fork), so the common ancestor is found from the
//! projects themselves, never from a base copy someone had to keep. What each side touched
//! since is read from its own entries after the fork; theirs is brought into ours wherever
//! ours left the same thing alone, and where both changed it differently the two are listed
//! side by side (who, when) to be resolved. Theirs' entries after the fork are carried whole
//! — hashes included, so they still verify as their own chain — in the entry that records
//! the merge, followed by one entry for each conflict resolved.
//!
//! It carries prerequisite edges and their groups, prerequisite suggestions dismissed
//! (or taken back), modules' levels set by hand, rules
//! people wrote, the simulation cohort, review decisions on suggestions (accepted,
//! rejected, edited into another skill, undone, accepted by the threshold) and the
//! auto-accept threshold, skills added, edited (renamed, moved, retired), removed or merged
//! into others (done again here) and their prerequisites, tracks with who takes them,
//! libraries imported on one side (carried whole; each import's entry records a
//! fingerprint of what it read, so a version the other side already had is no conflict),
//! catalog column maps, frameworks imported, calibrations, learners' answers (their union),
//! review packs issued, and what an earlier merge brought into the other copy. A copy whose entries since the
//! fork change anything else (a backup restored, a skill merge from before the fork
//! undone) is refused, naming what it changed, so nothing either side did is dropped
//! silently. Each side's state of a thing is given in words here, once, for the CLI and
//! the app alike.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::{Actor, AuditEvent, ModuleId, PrerequisiteGroup, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::audit::{AuditAction, Entry};
use crate::settings::{
    AUTO_ACCEPT, CASE_DOCUMENT, CATALOG_COLUMNS, EDITED_COHORT, FITTED, PACKS, SCALE, SECRET,
};
use crate::{Error, Project, Result};
use key::{imports, skill_merges_in, survivor_in, touched, words, Key};
use state::{Carried, ModelTag, State};

mod key;
mod refuse;
mod state;

/// The settings merged whole, by key ([`Key::Setting`]).
const SETTINGS: [&str; 3] = [CASE_DOCUMENT.key(), SCALE.key(), FITTED.key()];

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
    AuditAction::LrsSynced,
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
    /// prerequisite, group, level, rule, cohort, tag, own tag, auto-accept, library,
    /// catalog columns, setting, answers, review pack, skill, track, skill prerequisite or
    /// dismissed suggestion.
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
        // A framework imported before its entry listed the skills and skill prerequisites
        // it changed: each one the importing side holds and the other holds otherwise is
        // taken as the import's (a conflict where the other side edited it too, even one
        // the file left alone — which the entries since avoid).
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
                .filter(|e| e.after.get("skills").is_none())
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
            Key::Pack(id) => format!("review pack {id}"),
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
            Key::Dismissed(b, a) => {
                format!("the dismissed suggestion “{}” → “{}”", title(b), title(a))
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
        let mut library_conflicts = BTreeSet::new();
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
                    if let Key::Library(id) = key {
                        library_conflicts.insert(id.clone());
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
        // Theirs' review decisions on the text of a library in conflict go with theirs'
        // version of it: brought when that is taken, left behind when ours' is kept (the
        // suggestions were made on text this copy will not have), and said in the conflict
        // either way, so whoever resolves it knows.
        let mut with_library: BTreeMap<model::LibraryId, Vec<Key>> = BTreeMap::new();
        for key in take.iter().filter(|_| !library_conflicts.is_empty()) {
            let Key::Tag(m, _) = key else { continue };
            let Ok(module) = theirs.store.module(m) else {
                continue;
            };
            if !library_conflicts.contains(&module.library_id) {
                continue;
            }
            let same = self
                .store
                .module(m)
                .is_ok_and(|a| store::module_hash(&a) == store::module_hash(&module));
            if !same {
                with_library
                    .entry(module.library_id.clone())
                    .or_default()
                    .push(key.clone());
            }
        }
        for c in conflicts.iter_mut() {
            if let Some(Key::Library(id)) = Key::parse(&c.key) {
                if let Some(keys) = with_library.get(&id) {
                    c.theirs_words = format!(
                        "{}, with {} review decision{} on its text",
                        c.theirs_words,
                        keys.len(),
                        if keys.len() == 1 { "" } else { "s" }
                    );
                    if c.resolved == Some(Side::Ours) {
                        let ids: BTreeSet<String> = keys.iter().map(Key::id).collect();
                        take.retain(|k| !keys.contains(k));
                        applied.retain(|a| !ids.contains(&a.key));
                    }
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
                | Key::Pack(_)
                | Key::Skill(_)
                | Key::Track(_)
                | Key::SkillEdge(..)
                | Key::Dismissed(..) => {}
            }
        }
        // Levels with the module as theirs' level makes it (its stored hash moves with it,
        // as an import computing it would); a level theirs cleared gives the module the
        // level its file gives here, where that is known.
        let mut levels = Vec::new();
        for key in &take {
            if let Key::Level(m) = key {
                let level = theirs_state.levels.get(m).copied();
                let becomes = match level {
                    Some(l) => Some(Some(l)),
                    None => self.store.file_level(m)?,
                };
                let module = match becomes {
                    Some(l) => {
                        // A module of a library taken from theirs is not here yet.
                        let mut module = match self.store.module(m) {
                            Ok(module) => module,
                            Err(_) => theirs.store.module(m)?,
                        };
                        module.level = l;
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
        let dismissed: Vec<(&ModuleId, &ModuleId, bool)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Dismissed(b, a) => Some((
                    b,
                    a,
                    theirs_state.dismissed.contains(&(b.clone(), a.clone())),
                )),
                _ => None,
            })
            .collect();
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
        // Packs theirs issued join ours' (each has its own id).
        let mut packs = None;
        for key in &take {
            if let Key::Pack(id) = key {
                let all = packs.get_or_insert_with(|| ours_state.packs.clone());
                if let Some(items) = theirs_state.packs.get(id) {
                    all.insert(id.clone(), items.clone());
                }
            }
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
            if let Some(packs) = &packs {
                tx.set_setting(&PACKS, Some(packs))?;
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
                    tx.set_module_level(m, *l, hash)?;
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
            for (b, a, dismissed) in &dismissed {
                tx.set_suggestion_dismissed(b, a, *dismissed)?;
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
