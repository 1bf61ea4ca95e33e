//! Each thing theirs changed since the fork, set against ours: alike (nothing to do),
//! brought in (only theirs changed it), or a conflict (both did, differently), resolved as
//! the person said or left to them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::key::{words, Key};
use super::reading::Reading;
use super::{MergeChange, MergeConflict, Resolutions, Side};
use crate::{Project, Result};

/// What a merge will do, in keys and in words.
pub(super) struct Plan {
    /// Theirs' changes brought into ours (without conflicts, or resolved for theirs once
    /// [`Plan::resolved`] says all are).
    pub(super) applied: Vec<MergeChange>,
    pub(super) conflicts: Vec<MergeConflict>,
    /// The keys taken as theirs has them.
    pub(super) take: Vec<Key>,
}

impl Plan {
    /// Whether every conflict is resolved.
    pub(super) fn resolved(&self) -> bool {
        self.conflicts.iter().all(|c| c.resolved.is_some())
    }

    /// Lists the conflicts resolved for theirs among the changes applied.
    pub(super) fn apply_resolutions(&mut self) {
        for c in self
            .conflicts
            .iter()
            .filter(|c| c.resolved == Some(Side::Theirs))
        {
            self.applied.push(MergeChange {
                key: c.key.clone(),
                kind: c.kind.clone(),
                what: c.what.clone(),
                ours: c.ours.clone(),
                theirs: c.theirs.clone(),
                ours_words: c.ours_words.clone(),
                theirs_words: c.theirs_words.clone(),
            });
        }
    }
}

impl Reading<'_> {
    /// Sets each thing theirs changed against ours; `ours` is this copy's project.
    pub(super) fn compare(&self, ours: &Project, resolve: &Resolutions) -> Result<Plan> {
        let (ours_state, theirs_state) = (&self.ours_state, &self.theirs_state);
        let mut plan = Plan {
            applied: Vec::new(),
            conflicts: Vec::new(),
            take: Vec::new(),
        };
        let mut library_conflicts = BTreeSet::new();
        for (key, theirs_by) in &self.theirs_touched {
            let (ours_value, theirs_value) = (ours_state.value(key), theirs_state.value(key));
            let alike = match key {
                // The same files imported on each side, or re-imported unchanged.
                Key::Library(id) => self.alike_libraries.contains(id),
                // Answers add up: nothing to bring when ours has all of theirs.
                Key::Answers => theirs_state.answers.is_subset(&ours_state.answers),
                _ => ours_value == theirs_value,
            };
            if alike {
                continue;
            }
            // Answers never collide: theirs join ours'.
            let change = self.change(key, ours_value, theirs_value);
            if *key == Key::Answers {
                plan.take.push(key.clone());
                let union = ours_state.answers.union(&theirs_state.answers).count();
                plan.applied.push(MergeChange {
                    theirs_words: format!("{union} answers with theirs"),
                    theirs: json!(union),
                    ..change
                });
                continue;
            }
            match self.ours_touched.get(key) {
                Some(ours_by) => {
                    let prefer = resolve.of(&key.id());
                    if prefer == Some(Side::Theirs) {
                        plan.take.push(key.clone());
                    }
                    if let Key::Library(id) = key {
                        library_conflicts.insert(id.clone());
                    }
                    plan.conflicts.push(MergeConflict {
                        key: change.key,
                        kind: change.kind,
                        what: change.what,
                        ours_words: change.ours_words,
                        theirs_words: change.theirs_words,
                        ours: change.ours,
                        theirs: change.theirs,
                        ours_by: ours_by.clone(),
                        theirs_by: theirs_by.clone(),
                        resolved: prefer,
                    });
                }
                None => {
                    plan.take.push(key.clone());
                    plan.applied.push(change);
                }
            }
        }
        self.say_merged_skills(&mut plan);
        self.keep_decisions_with_their_library(ours, &mut plan, &library_conflicts);
        Ok(plan)
    }

    /// What changed of `key`, from ours' value to theirs', in words too.
    fn change(&self, key: &Key, ours: serde_json::Value, theirs: serde_json::Value) -> MergeChange {
        MergeChange {
            key: key.id(),
            kind: key.kind().to_owned(),
            what: self.what(key),
            ours_words: words(key, &ours),
            theirs_words: words(key, &theirs),
            ours,
            theirs,
        }
    }

    /// A skill theirs merged into another is said as such: the merge is done again here,
    /// moving ours' tags, sub-skills, aliases, prerequisites and track targets as it moved
    /// theirs'.
    fn say_merged_skills(&self, plan: &mut Plan) {
        let merged_words = |id: &model::SkillId| {
            let into = self.survivor(id)?;
            let name = self
                .theirs_state
                .skills
                .get(&into)
                .map_or(into.as_str(), |s| s.name.as_str());
            Some(format!("merged into “{name}”"))
        };
        for (key, words) in plan
            .applied
            .iter_mut()
            .map(|c| (&c.key, &mut c.theirs_words))
            .chain(
                plan.conflicts
                    .iter_mut()
                    .map(|c| (&c.key, &mut c.theirs_words)),
            )
        {
            if let Some(Key::Skill(id)) = Key::parse(key) {
                if let Some(w) = merged_words(&id) {
                    *words = w;
                }
            }
        }
    }

    /// Theirs' review decisions on the text of a library in conflict go with theirs'
    /// version of it: brought when that is taken, left behind when ours' is kept (the
    /// suggestions were made on text this copy will not have), and said in the conflict
    /// either way, so whoever resolves it knows.
    fn keep_decisions_with_their_library(
        &self,
        ours: &Project,
        plan: &mut Plan,
        library_conflicts: &BTreeSet<model::LibraryId>,
    ) {
        if library_conflicts.is_empty() {
            return;
        }
        let mut with_library: BTreeMap<model::LibraryId, Vec<Key>> = BTreeMap::new();
        for key in &plan.take {
            let Key::Tag(m, _) = key else { continue };
            let Ok(module) = self.theirs.store.module(m) else {
                continue;
            };
            if !library_conflicts.contains(&module.library_id) {
                continue;
            }
            let same = ours
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
        for c in plan.conflicts.iter_mut() {
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
                        plan.take.retain(|k| !keys.contains(k));
                        plan.applied.retain(|a| !ids.contains(&a.key));
                    }
                }
            }
        }
    }
}
