//! Writing a merge: everything it changes and its log entries, in one transaction, so a
//! merge is either all in the project or not at all.

use serde_json::{json, Value};

use super::changes::Changes;
use super::compare::Plan;
use super::reading::Reading;
use crate::audit::{AuditAction, Entry};
use crate::settings::{AUTO_ACCEPT, CATALOG_COLUMNS, EDITED_COHORT, PACKS, SECRET};
use crate::{Project, Result};
use model::{Actor, Timestamp};

impl Project {
    /// Writes `changes`, then the merge's entry (carrying theirs' entries since the fork,
    /// hashes included) and one entry for each conflict resolved.
    pub(super) fn write_merge(
        &mut self,
        project: &model::ProjectId,
        reading: &Reading<'_>,
        plan: &Plan,
        changes: &Changes<'_>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let after = json!({
            "from": crate::audit::named(reading.from),
            "fork": reading.fork,
            "fork_hash": reading.fork_hash(),
            "carried": reading.carried(),
            "applied": plan.applied,
            "resolved": plan.conflicts,
        });
        let before = json!({ "ours_entries_since_fork": reading.ours_since() });
        let object = project.to_string();
        let entry = Entry::new(AuditAction::ProjectMerged, &object, &before, &after);
        // One entry for each conflict resolved, after the merge's own.
        let resolutions: Vec<(String, Value, Value)> = plan
            .conflicts
            .iter()
            .filter_map(|c| {
                let side = c.resolved?;
                Some((
                    c.key.clone(),
                    json!({ "ours": c.ours, "theirs": c.theirs }),
                    json!({ "what": c.what, "kept": side, "from": crate::audit::named(reading.from) }),
                ))
            })
            .collect();
        let c = changes;
        self.store.write(|tx| {
            // Skills first: modules, tags and tracks below may name one theirs added.
            for skill in &c.skills {
                tx.upsert_skill(skill)?;
                tx.set_skill_retired(&skill.id, skill.retired)?;
            }
            // Then the libraries taken, so edges and tags below find their modules.
            for l in &c.libraries {
                tx.upsert_library(&l.library)?;
                for (module, position) in &l.modules {
                    tx.upsert_module(project, module, *position)?;
                }
                for id in &l.retired {
                    tx.retire_module(id)?;
                }
                tx.replace_library_tracks(&l.library.id, &l.tracks)?;
                tx.replace_library_rules(&l.library.id, &l.rules)?;
            }
            for row in &c.tag_rows {
                tx.put_tag_row(row)?;
            }
            if let Some(columns) = &c.columns {
                tx.set_setting(&CATALOG_COLUMNS, Some(columns))?;
            }
            if let Some(packs) = &c.packs {
                tx.set_setting(&PACKS, Some(packs))?;
            }
            for (key, value) in &c.settings {
                tx.set_setting(&store::Setting::<Value>::new(key), value.as_ref())?;
            }
            if let Some(secret) = &c.secret {
                tx.set_setting(&SECRET, Some(secret))?;
            }
            for (skill, learner, seq, correct) in &c.answers {
                tx.insert_answer(skill, learner, *seq, *correct)?;
            }
            for (b, a) in &c.removed {
                tx.delete_prerequisite(b, a)?;
            }
            for pair in &c.added {
                tx.insert_prerequisite(&c.edges[pair])?;
            }
            for (a, g) in &c.regrouped {
                tx.set_prerequisite_group(a, *g)?;
            }
            for (m, level, module) in &c.levels {
                tx.set_level_override(m, *level)?;
                if let Some((l, hash)) = module {
                    tx.set_module_level(m, *l, hash)?;
                }
            }
            for (id, body) in &c.rules {
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
            if let Some(cohort) = &c.cohort {
                tx.set_setting(&EDITED_COHORT, cohort.as_ref())?;
            }
            for (m, tag, by) in &c.tags {
                tx.set_tag_decision(m, &tag.skill, tag.state, tag.auto_accepted, by.as_ref())?;
            }
            for (m, skill, there) in &c.own_tags {
                match there {
                    true => tx.add_person_tag(m, skill)?,
                    false => tx.remove_person_tag(m, skill)?,
                }
            }
            if let Some(threshold) = &c.auto_accept {
                tx.set_setting(&AUTO_ACCEPT, threshold.as_ref())?;
            }
            for (b, a, dismissed) in &c.dismissed {
                tx.set_suggestion_dismissed(b, a, *dismissed)?;
            }
            for ((b, a), origin) in &c.skill_edges {
                match origin {
                    Some(o) => {
                        tx.insert_skill_prerequisite(b, a, *o)?;
                    }
                    None => {
                        tx.delete_skill_prerequisite(b, a)?;
                    }
                }
            }
            for (id, track) in &c.tracks {
                match track {
                    Some(t) => tx.save_track(t)?,
                    None => tx.delete_track(id)?,
                }
            }
            for (skill, into) in &c.skill_merges {
                tx.merge_skill(skill, into)?;
            }
            for (id, targets) in &c.retargeted {
                tx.set_track_targets(id, targets)?;
            }
            for skill in &c.removed_skills {
                tx.delete_skill(&skill.id)?;
            }
            entry.append(tx, actor, now)?;
            for (key, before, after) in &resolutions {
                Entry::new(AuditAction::MergeResolved, key, before, after)
                    .append(tx, actor, now)?;
            }
            Ok(())
        })?;
        Ok(())
    }
}
