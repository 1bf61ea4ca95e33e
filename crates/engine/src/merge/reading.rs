//! What a merge reads before it decides anything: where the two copies parted, what each
//! has done since (by key, with who and when), both sides' state, and the names people
//! know things by.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use model::{AuditEvent, ModuleId};
use serde_json::{json, Value};

use super::key::{imports, skill_merges_in, survivor_in, touched, Key};
use super::state::State;
use super::{MergeEdit, NEUTRAL};
use crate::audit::AuditAction;
use crate::settings::{FITTED, SCALE};
use crate::{Error, Project, Result};

/// Who changed each thing since the fork, and when.
pub(super) type Touched = BTreeMap<Key, Vec<MergeEdit>>;

/// Both copies as a merge reads them.
pub(super) struct Reading<'a> {
    pub(super) theirs: &'a Project,
    /// Theirs' file: errors name it, the log records its name.
    pub(super) from: &'a Path,
    pub(super) ours_log: Vec<AuditEvent>,
    theirs_log: Vec<AuditEvent>,
    theirs_hashes: Vec<String>,
    /// How many entries the two logs share from the start.
    shared: usize,
    /// The last entry both logs share (0 when they share none but the project).
    pub(super) fork: i64,
    /// Theirs' entries since the fork that ours had not carried before.
    pub(super) fresh: usize,
    pub(super) ours_state: State,
    pub(super) theirs_state: State,
    pub(super) ours_touched: Touched,
    pub(super) theirs_touched: Touched,
    /// Libraries both hold alike: the same files' content, or theirs' last import read a
    /// version ours imported before.
    pub(super) alike_libraries: BTreeSet<model::LibraryId>,
    /// Module titles as ours has them, else as theirs (modules of a library only theirs
    /// holds).
    titles: HashMap<ModuleId, String>,
    /// Skills theirs merged into others since the fork (and did not unmerge), each with
    /// the skill it went into; and those ours merged.
    pub(super) merged_into: HashMap<model::SkillId, model::SkillId>,
    pub(super) ours_merged: HashMap<model::SkillId, model::SkillId>,
}

impl<'a> Reading<'a> {
    /// Reads both copies; refuses theirs when its entries since the fork change something a
    /// merge does not carry.
    pub(super) fn new(ours: &Project, theirs: &'a Project, from: &'a Path) -> Result<Reading<'a>> {
        let (ours_log, theirs_log) = (ours.store.audit_events()?, theirs.store.audit_events()?);
        let (ours_hashes, theirs_hashes) =
            (ours.store.audit_hashes()?, theirs.store.audit_hashes()?);
        let shared = ours_hashes
            .iter()
            .zip(&theirs_hashes)
            .take_while(|(a, b)| a == b)
            .count();
        let fork = shared.checked_sub(1).map_or(0, |i| theirs_log[i].seq);
        let ours_since = &ours_log[shared..];
        // Theirs' entries an earlier merge already carried into ours are not new.
        let carried_before: HashSet<&str> = ours_since
            .iter()
            .filter(|e| e.action == AuditAction::ProjectMerged.as_str())
            .flat_map(|e| e.after["carried"].as_array().into_iter().flatten())
            .filter_map(|c| c["hash"].as_str())
            .collect();
        let fresh = theirs_hashes[shared..]
            .iter()
            .filter(|h| !carried_before.contains(h.as_str()))
            .count();
        let theirs_since = &theirs_log[shared..];
        refuse_unsupported(theirs_since, from)?;

        // Ours' earlier merges from theirs touched only what theirs had changed: not ours'
        // own edits, so they never collide with theirs' later ones.
        let theirs_hash_set: HashSet<&str> = theirs_hashes.iter().map(String::as_str).collect();
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
        let (ours_state, theirs_state) = (State::of(ours)?, State::of(theirs)?);
        let (ours_touched, theirs_touched) =
            touched_by_each(&ours_own, theirs_since, &ours_state, &theirs_state);
        let mut titles: HashMap<ModuleId, String> = theirs
            .store
            .module_summaries()?
            .into_iter()
            .map(|m| (m.id, m.title))
            .collect();
        titles.extend(
            ours.store
                .module_summaries()?
                .into_iter()
                .map(|m| (m.id, m.title)),
        );
        let merged_into = skill_merges_in(theirs_since);
        let ours_merged = skill_merges_in(&ours_own);
        let mut reading = Reading {
            theirs,
            from,
            ours_log,
            theirs_log,
            theirs_hashes,
            shared,
            fork,
            fresh,
            ours_state,
            theirs_state,
            ours_touched,
            theirs_touched,
            alike_libraries: BTreeSet::new(),
            titles,
            merged_into,
            ours_merged,
        };
        reading.compare_libraries(ours)?;
        Ok(reading)
    }

    /// Theirs' entries since the fork.
    pub(super) fn theirs_since(&self) -> &[AuditEvent] {
        &self.theirs_log[self.shared..]
    }

    /// How many entries ours has since the fork.
    pub(super) fn ours_since(&self) -> usize {
        self.ours_log.len() - self.shared
    }

    /// Theirs' entries from the fork on, each with its hash, as the merge entry carries
    /// them — so that they chain from the fork's hash however many were carried before.
    pub(super) fn carried(&self) -> Vec<Value> {
        self.theirs_since()
            .iter()
            .zip(&self.theirs_hashes[self.shared..])
            .map(|(e, hash)| {
                let mut v = serde_json::to_value(e).expect("entries serialise");
                v["hash"] = json!(hash);
                v
            })
            .collect()
    }

    /// The hash of the last entry both logs share.
    pub(super) fn fork_hash(&self) -> Option<String> {
        self.shared
            .checked_sub(1)
            .map(|i| self.theirs_hashes[i].clone())
    }

    /// A library is alike when both hold the same files' content, or theirs' last import
    /// read a version ours imported before; ours' import of a version theirs imported
    /// before is no conflict (theirs went on from it).
    fn compare_libraries(&mut self, ours: &Project) -> Result<()> {
        let libraries: Vec<Key> = self
            .theirs_touched
            .keys()
            .filter(|k| matches!(k, Key::Library(_)))
            .cloned()
            .collect();
        for key in libraries {
            let Key::Library(id) = &key else { continue };
            let (ours_read, theirs_read) =
                (imports(&self.ours_log, id), imports(&self.theirs_log, id));
            if ours.same_library(self.theirs, id)?
                || theirs_read.last().is_some_and(|v| ours_read.contains(v))
            {
                self.alike_libraries.insert(id.clone());
            } else if ours_read.last().is_some_and(|v| theirs_read.contains(v)) {
                self.ours_touched.remove(&key);
            }
        }
        Ok(())
    }

    /// A module's title, as ours has it, else theirs, else its id.
    pub(super) fn title(&self, id: &ModuleId) -> String {
        self.titles
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// A skill as theirs has it, else as ours does.
    pub(super) fn skill(&self, id: &model::SkillId) -> Option<&model::Skill> {
        self.theirs_state
            .skills
            .get(id)
            .or_else(|| self.ours_state.skills.get(id))
    }

    /// A skill's name, as theirs has it, else ours, else its id.
    pub(super) fn skill_name(&self, id: &model::SkillId) -> String {
        self.skill(id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    }

    /// The skill `id` finally went into through theirs' merges, if theirs merged it.
    pub(super) fn survivor(&self, id: &model::SkillId) -> Option<model::SkillId> {
        survivor_in(&self.merged_into, id)
    }

    /// The skill `id` is here: the survivor of ours' merges, else itself. What theirs hangs
    /// on a skill ours merged is hung on its survivor, as the merge would have moved it had
    /// it come after — unless ours added a skill of that slug again since (the same id):
    /// then it is that skill.
    pub(super) fn here(&self, id: &model::SkillId) -> model::SkillId {
        match self.ours_state.skills.contains_key(id) {
            true => id.clone(),
            false => survivor_in(&self.ours_merged, id).unwrap_or_else(|| id.clone()),
        }
    }

    /// [`Reading::here`] by slug.
    pub(super) fn here_slug(&self, slug: &str) -> String {
        let id = self
            .ours_state
            .skills
            .values()
            .chain(self.theirs_state.skills.values())
            .find(|s| s.slug == slug);
        match id
            .filter(|s| !self.ours_state.skills.contains_key(&s.id))
            .and_then(|s| survivor_in(&self.ours_merged, &s.id))
        {
            Some(into) => self
                .ours_state
                .skills
                .get(&into)
                .map_or(slug.to_owned(), |s| s.slug.clone()),
            None => slug.to_owned(),
        }
    }

    /// What a key is, for people: "prerequisite “A” → “B”", "how “B”'s prerequisites
    /// combine".
    pub(super) fn what(&self, key: &Key) -> String {
        let title = |id: &ModuleId| self.title(id);
        match key {
            Key::Edge(b, a) => format!("prerequisite “{}” → “{}”", title(b), title(a)),
            Key::Group(a) => format!("how “{}”'s prerequisites combine", title(a)),
            Key::Level(m) => format!("the level of “{}” set by hand", title(m)),
            Key::Rule(id) => format!("rule {id}"),
            Key::Cohort => "the simulation cohort".to_owned(),
            Key::Tag(m, slug) => format!("the suggestion of {slug} for “{}”", title(m)),
            Key::OwnTag(m, slug) => format!("a person's tag {slug} on “{}”", title(m)),
            Key::AutoAccept => "the auto-accept threshold".to_owned(),
            Key::Library(id) => {
                let name = self
                    .theirs_state
                    .libraries
                    .get(id)
                    .or_else(|| self.ours_state.libraries.get(id))
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
                format!(
                    "skill {}",
                    self.skill(id).map_or(id.as_str(), |s| s.slug.as_str())
                )
            }
            Key::Track(id) => {
                let track = self
                    .theirs_state
                    .tracks
                    .get(id)
                    .or_else(|| self.ours_state.tracks.get(id));
                format!("track {}", track.map_or(id.as_str(), |t| t.slug.as_str()))
            }
            Key::SkillEdge(b, a) => {
                let slug =
                    |id: &model::SkillId| self.skill(id).map_or(id.to_string(), |s| s.slug.clone());
                format!("skill prerequisite {} → {}", slug(b), slug(a))
            }
            Key::Dismissed(b, a) => {
                format!("the dismissed suggestion “{}” → “{}”", title(b), title(a))
            }
        }
    }
}

/// Refuses theirs when an entry since the fork changes something a merge does not carry
/// (a backup restored, a skill merge from before the fork undone), naming what.
fn refuse_unsupported(theirs_since: &[AuditEvent], from: &Path) -> Result<()> {
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
    if unsupported.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = unsupported
        .iter()
        .map(|(a, n)| format!("{a} ×{n}"))
        .collect();
    Err(Error::MergeUnsupported {
        from: from.display().to_string(),
        actions: list.join(", "),
    })
}

/// What each side touched since the fork, by key, with who and when: ours' own entries
/// and theirs'.
fn touched_by_each(
    ours_own: &[AuditEvent],
    theirs_since: &[AuditEvent],
    ours_state: &State,
    theirs_state: &State,
) -> (Touched, Touched) {
    let by_key = |since: &[AuditEvent]| {
        let mut out = Touched::new();
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
    let (mut ours_touched, mut theirs_touched) = (by_key(ours_own), by_key(theirs_since));
    // Theirs' edit of a suggestion ours decided otherwise collides as a whole: the
    // person's tag it added is in the conflict with the suggestion it replaced.
    for e in theirs_since {
        if let [tag @ Key::Tag(..), own @ Key::OwnTag(..)] = touched(e).as_slice() {
            if let Some(edits) = ours_touched.get(tag).cloned() {
                ours_touched.entry(own.clone()).or_default().extend(edits);
            }
        }
    }
    // A framework imported before its entry listed the skills and skill prerequisites
    // it changed: each one the importing side holds and the other holds otherwise is
    // taken as the import's (a conflict where the other side edited it too, even one
    // the file left alone — which the entries since avoid).
    for (since, mine, other, touched) in [
        (theirs_since, theirs_state, ours_state, &mut theirs_touched),
        (ours_own, ours_state, theirs_state, &mut ours_touched),
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
    // edge left can never be met). Unless theirs changed that very edge too: then the
    // edge is the conflict, and theirs' group comes with theirs' edge if it is taken (as
    // the other way round lists it).
    let removed_here: Vec<(Key, Vec<MergeEdit>)> = ours_touched
        .iter()
        .filter_map(|(k, edits)| match k {
            Key::Edge(b, a)
                if !ours_state.edges.contains_key(&(b.clone(), a.clone()))
                    && !theirs_touched.contains_key(k) =>
            {
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
    (ours_touched, theirs_touched)
}
