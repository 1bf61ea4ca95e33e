//! What people decide about the model's suggestions: the review queue, accept / reject /
//! edit (and undo), module levels set by hand, auto-accept, and how decisions fell by
//! confidence.

use std::collections::HashMap;

use model::{Actor, Module, ModuleId, SkillId, TagSource, TagState, Timestamp};
use serde_json::Value;

use crate::audit::Entry;
use crate::settings::AUTO_ACCEPT;
use crate::{AuditAction, Error, Project, Result};

impl Project {
    /// The project's auto-accept threshold, if set: suggestions at or above it are
    /// accepted as they are made (logged as the model's acceptances).
    pub fn auto_accept(&self) -> Result<Option<f64>> {
        Ok(self.store.setting(&AUTO_ACCEPT)?)
    }

    /// Sets (between 0.5 and 1) or clears the auto-accept threshold; logged. It applies
    /// to suggestions made from now on, never to ones already decided or rejected before.
    pub fn set_auto_accept(
        &mut self,
        threshold: Option<f64>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        if let Some(t) = threshold {
            if !(0.5..=1.0).contains(&t) {
                return Err(Error::OutOfRange {
                    what: "an auto-accept threshold",
                    range: "between 0.5 and 1 (suggestions start at 0.5)".to_owned(),
                    value: t.to_string(),
                });
            }
        }
        let before = serde_json::json!(self.auto_accept()?);
        let after = serde_json::json!(threshold);
        self.commit(
            actor,
            now,
            Entry::new(
                AuditAction::AutoAcceptSet,
                AUTO_ACCEPT.key(),
                &before,
                &after,
            ),
            |tx| {
                tx.set_setting(&AUTO_ACCEPT, threshold.as_ref())?;
                Ok(())
            },
        )?;
        Ok(())
    }

    /// How people decided the model's suggestions, by confidence band and by skill.
    pub fn calibration(&self) -> Result<model::Calibration> {
        let tags = self.store.model_tags()?;
        let count = |row: &mut model::CalibrationRow, t: &model::Tag| match t.state {
            _ if t.auto_accepted => row.auto_accepted += 1,
            TagState::Accepted => row.accepted += 1,
            TagState::Rejected => row.rejected += 1,
            TagState::Suggested => row.open += 1,
        };
        let empty = |label: String| model::CalibrationRow {
            label,
            accepted: 0,
            rejected: 0,
            open: 0,
            auto_accepted: 0,
        };
        let mut bands: Vec<model::CalibrationRow> = (5..10)
            .map(|i| {
                empty(format!(
                    "{:.2}–{:.2}",
                    i as f64 / 10.0,
                    (i + 1) as f64 / 10.0
                ))
            })
            .collect();
        let mut skills: Vec<(String, model::CalibrationRow)> = Vec::new();
        for t in &tags {
            let c = t.confidence.unwrap_or(0.0);
            let band = (((c * 10.0).floor() as usize).clamp(5, 9)) - 5;
            count(&mut bands[band], t);
            let at = match skills.iter().position(|(slug, _)| *slug == t.skill_slug) {
                Some(at) => at,
                None => {
                    skills.push((t.skill_slug.clone(), empty(t.skill_name.clone())));
                    skills.len() - 1
                }
            };
            count(&mut skills[at].1, t);
        }
        let mut skills: Vec<model::CalibrationRow> = skills.into_iter().map(|(_, r)| r).collect();
        skills.sort_by(|a, b| {
            (b.accepted + b.rejected)
                .cmp(&(a.accepted + a.rejected))
                .then_with(|| a.label.cmp(&b.label))
        });
        Ok(model::Calibration {
            bands,
            skills,
            auto_accept: self.auto_accept()?,
        })
    }

    /// The model's suggestions, best first, narrowed by state, skill slug and lowest
    /// confidence: the SME's review queue.
    pub fn review_queue(
        &self,
        state: Option<TagState>,
        skill: Option<&str>,
        min_confidence: Option<f64>,
    ) -> Result<Vec<model::Tag>> {
        if let Some(slug) = skill {
            self.skill_by_slug(slug)?;
        }
        if let Some(m) = min_confidence.filter(|m| !(0.0..=1.0).contains(m)) {
            return Err(Error::OutOfRange {
                what: "a minimum confidence",
                range: "between 0 and 1".to_owned(),
                value: m.to_string(),
            });
        }
        Ok(self
            .store
            .model_tags()?
            .into_iter()
            .filter(|t| state.is_none_or(|s| t.state == s))
            .filter(|t| skill.is_none_or(|s| t.skill_slug == s))
            .filter(|t| min_confidence.is_none_or(|m| t.confidence.unwrap_or(0.0) >= m))
            .collect())
    }

    /// Accepts or rejects the model's suggestion of `skill` (a slug) for `module`.
    pub fn decide_tag(
        &mut self,
        module: &ModuleId,
        skill: &str,
        state: TagState,
        note: Option<&str>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let skill_id = self.skill_by_slug(skill)?;
        let found = self
            .store
            .tags(module)?
            .into_iter()
            .any(|t| t.skill_id == skill_id && t.source == TagSource::Model);
        if !found {
            return Err(Error::NoSuchTag {
                module: module.to_string(),
                skill: skill.to_owned(),
            });
        }
        self.decide_tags(&[(module.clone(), skill_id)], state, note, actor, now)?;
        Ok(())
    }

    /// Sets a module's level by a person's decision (e.g. over the level guess), kept over
    /// what its file says on every later import; `None` gives the level back to the file
    /// at once (for a level set before files' levels were kept: from the next import on).
    /// Logged with the guess it was made against.
    pub fn set_module_level(
        &mut self,
        module: &ModuleId,
        level: Option<model::Level>,
        note: Option<&str>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Module> {
        let mut m = self.store.module(module)?;
        let guess = self.store.insight(module)?.level;
        let set = self.store.level_overrides()?.get(module).copied();
        let before = serde_json::json!({ "level": m.level, "guess": guess, "set": set });
        let file = self.store.file_level(module)?;
        match (level, file) {
            (Some(l), _) => m.level = Some(l),
            (None, Some(from_file)) => m.level = from_file,
            (None, None) => {}
        }
        let rewrite = level.is_some() || file.is_some();
        // The stored hash moves with the level, as an import computing it would.
        let hash = store::module_hash(&m);
        let after = serde_json::json!({ "level": level, "note": note });
        let entry = Entry::new(
            AuditAction::ModuleLevelSet,
            module.as_str(),
            &before,
            &after,
        );
        self.commit(actor, now, entry, |tx| {
            tx.set_level_override(module, level)?;
            if rewrite {
                tx.set_module_level(module, m.level, &hash)?;
            }
            Ok(())
        })?;
        Ok(m)
    }

    /// Edits a suggestion: the model's `from` skill on `module` is rejected in favour of
    /// `to`, which becomes the person's accepted tag — one decision, one audit entry
    /// (`tag.edited`) with the note. A decided suggestion can be edited too. Returns what
    /// [`Project::undo_edit`] needs: the suggestion's state before, and whether the
    /// person's tag is new.
    pub fn edit_tag(
        &mut self,
        module: &ModuleId,
        from: &str,
        to: &str,
        note: Option<&str>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<model::TagEdit> {
        let (from_id, to_id) = (self.skill_by_slug(from)?, self.skill_by_slug(to)?);
        if from_id == to_id {
            return Err(Error::SameSkill(format!(
                "an edit replaces {from:?} by another skill, not by itself"
            )));
        }
        let tag = self
            .store
            .tags(module)?
            .into_iter()
            .find(|t| t.skill_id == from_id && t.source == TagSource::Model)
            .ok_or_else(|| Error::NoSuchTag {
                module: module.to_string(),
                skill: from.to_owned(),
            })?;
        let before =
            serde_json::json!({ "skill": from, "state": tag.state, "confidence": tag.confidence });
        let after =
            serde_json::json!({ "skill": to, "state": "accepted", "replaces": from, "note": note });
        let entry = Entry::new(AuditAction::TagEdited, module.as_str(), &before, &after);
        let added = self.commit(actor, now, entry, |tx| {
            let added = tx.replace_tag(module, &from_id, &to_id)?;
            Ok(added)
        })?;
        Ok(model::TagEdit {
            module: module.clone(),
            from: from.to_owned(),
            to: to.to_owned(),
            before: tag.state,
            added,
        })
    }

    /// Undoes an edit: the suggestion goes back to its state before, and the person's
    /// tag the edit added is removed (one it found already there stays). Logged.
    pub fn undo_edit(
        &mut self,
        edit: &model::TagEdit,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let (from_id, to_id) = (
            self.skill_by_slug(&edit.from)?,
            self.skill_by_slug(&edit.to)?,
        );
        let before = serde_json::json!({ "skill": edit.to, "replaces": edit.from });
        let after = serde_json::json!({ "skill": edit.from, "state": edit.before });
        let entry = Entry::new(
            AuditAction::TagEditUndone,
            edit.module.as_str(),
            &before,
            &after,
        );
        self.commit(actor, now, entry, |tx| {
            tx.set_tag_state(&edit.module, &from_id, edit.before)?;
            if edit.added {
                tx.remove_person_tag(&edit.module, &to_id)?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Records one decision on many suggestions (a bulk accept or reject), in one
    /// transaction with one audit entry listing each tag's state before. Returns how many
    /// changed state.
    pub fn decide_tags(
        &mut self,
        tags: &[(ModuleId, SkillId)],
        state: TagState,
        note: Option<&str>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<usize> {
        let current: HashMap<(ModuleId, SkillId), model::Tag> = self
            .store
            .model_tags()?
            .into_iter()
            .map(|t| ((t.module_id.clone(), t.skill_id.clone()), t))
            .collect();
        // A pair that is not a model suggestion means the caller's list is stale: refuse
        // the whole batch rather than decide part of it.
        if let Some((module, skill)) = tags.iter().find(|k| !current.contains_key(k)) {
            return Err(Error::NoSuchTag {
                module: module.to_string(),
                skill: skill.to_string(),
            });
        }
        let changes: Vec<&model::Tag> = tags
            .iter()
            .filter_map(|k| current.get(k))
            .filter(|t| t.state != state)
            .collect();
        if changes.is_empty() {
            return Ok(0);
        }
        // The explanation as the person saw it: the passages behind each suggestion.
        let mut bodies: HashMap<ModuleId, Vec<char>> = HashMap::new();
        let mut items: Vec<Value> = Vec::with_capacity(changes.len());
        for t in &changes {
            if !bodies.contains_key(&t.module_id) {
                let body = self.store.module(&t.module_id)?.body.chars().collect();
                bodies.insert(t.module_id.clone(), body);
            }
            let body = &bodies[&t.module_id];
            let passages: Vec<String> = t
                .evidence
                .iter()
                .take(3)
                .map(|e| passage_text(body, e))
                .collect();
            items.push(serde_json::json!({
                "module": t.module_id,
                "skill": t.skill_slug,
                "before": t.state,
                "confidence": t.confidence,
                "model": t.model,
                "passages": passages,
            }));
        }
        let action = match changes.len() {
            1 => AuditAction::TagDecided,
            _ => AuditAction::TagsDecided,
        };
        let before = serde_json::json!({ "tags": items });
        let after = serde_json::json!({ "state": state, "note": note, "count": changes.len() });
        let entry = Entry::new(action, changes[0].module_id.as_str(), &before, &after);
        self.commit(actor, now, entry, |tx| {
            for t in &changes {
                tx.set_tag_state(&t.module_id, &t.skill_id, state)?;
            }
            Ok(())
        })?;
        Ok(changes.len())
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// crash never leaves a partial file behind.
/// The text of an evidence passage in a module body (as chars: offsets count Unicode
/// scalar values), clamped to the body.
pub(crate) fn passage_text(body: &[char], e: &model::Evidence) -> String {
    let end = (e.end as usize).min(body.len());
    body[(e.start as usize).min(end)..end].iter().collect()
}
