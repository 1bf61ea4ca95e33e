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
//! libraries imported or removed on one side (carried whole; each import's entry records a
//! fingerprint of what it read, so a version the other side already had is no conflict),
//! catalog column maps, frameworks imported, calibrations, learners' answers (their union),
//! review packs issued, and what an earlier merge brought into the other copy. A copy whose entries since the
//! fork change anything else (a backup restored, a skill merge from before the fork
//! undone) is refused, naming what it changed, so nothing either side did is dropped
//! silently. Each side's state of a thing is given in words here, once, for the CLI and
//! the app alike.
//!
//! Here: [`Project::merge_from`], the steps in order. `reading.rs` reads both copies
//! (where they parted, what each touched since, by key), `compare.rs` sets theirs' changes
//! against ours (alike, brought in, or in conflict), `changes.rs` works out everything the
//! merge writes and refuses what would break the project, `write.rs` writes it in one
//! transaction with its log entries. `key.rs` names what is compared, `state.rs` reads one
//! side's state of it, `refuse.rs` holds the cycle checks.

use std::collections::BTreeMap;

use model::{Actor, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::audit::AuditAction;
use crate::settings::{CASE_DOCUMENT, FITTED, SCALE};
use crate::{Error, Project, Result};
use compare::Plan;
use reading::Reading;

mod changes;
mod compare;
mod key;
mod reading;
mod refuse;
mod state;
mod write;

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
        let reading = Reading::new(self, theirs, from)?;
        let mut plan = reading.compare(self, resolve)?;
        let report = |plan: Plan, merged: bool| MergeReport {
            fork: reading.fork,
            theirs_entries: reading.fresh,
            ours_entries: reading.ours_since(),
            applied: plan.applied,
            conflicts: plan.conflicts,
            merged,
        };
        if !plan.resolved() {
            return Ok(report(plan, false));
        }
        plan.apply_resolutions();
        let changes = reading.changes(self, &plan.take)?;
        if dry_run || (plan.take.is_empty() && reading.fresh == 0) {
            return Ok(report(plan, false));
        }
        self.write_merge(&ours_info.id, &reading, &plan, &changes, actor, now)?;
        Ok(report(plan, true))
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
