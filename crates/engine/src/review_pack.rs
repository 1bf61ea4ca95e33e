//! Offline review packs from the project's side: which suggestions a pack holds, the
//! record of each pack issued, and how an SME's decisions file applies — conflicts are
//! listed for the designer and never overwrite anything; a file applied twice changes
//! nothing the second time.

use std::collections::HashMap;
use std::path::Path;

use model::{Actor, ModuleId, TagState, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::audit::Entry;
use crate::review::passage_text;
use crate::settings::PACKS;
use crate::{AuditAction, Error, Project, Result};

/// Which open suggestions go into a pack.
#[derive(Debug, Clone, Default)]
pub struct PackFilter {
    pub skill: Option<String>,
    pub min_confidence: Option<f64>,
}

/// One suggestion as a pack issued it (kept in [`PACKS`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IssuedItem {
    module: String,
    skill: String,
    text_hash: String,
    state: String,
}

impl Project {
    /// Writes the open suggestions `filter` selects as a review pack (self-contained
    /// HTML) and records the pack, logged; returns the HTML and how many suggestions it
    /// holds.
    pub fn export_review_pack(
        &mut self,
        filter: &PackFilter,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<(String, usize)> {
        let project = self.store.project()?;
        let tags = self.review_queue(
            Some(TagState::Suggested),
            filter.skill.as_deref(),
            filter.min_confidence,
        )?;
        if tags.is_empty() {
            return Err(Error::NothingToReview);
        }
        let id = uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_OID,
            format!("{}:review-pack:{}", project.id, now.0).as_bytes(),
        )
        .to_string();
        let mut items = Vec::with_capacity(tags.len());
        let mut issued = Vec::with_capacity(tags.len());
        for t in &tags {
            let m = self.store.module(&t.module_id)?;
            let chars: Vec<char> = m.body.chars().collect();
            let text_hash = autotag::content_hash(&m.title, &m.body);
            let state = serde_json::to_value(t.state).expect("states serialise");
            let state = state.as_str().unwrap_or("suggested").to_owned();
            issued.push(IssuedItem {
                module: m.id.to_string(),
                skill: t.skill_slug.clone(),
                text_hash: text_hash.clone(),
                state: state.clone(),
            });
            items.push(reviewpack::PackItem {
                module: m.id.to_string(),
                title: m.title.clone(),
                skill: t.skill_slug.clone(),
                skill_name: t.skill_name.clone(),
                confidence: t.confidence.unwrap_or(0.0),
                state,
                text_hash,
                passages: t.evidence.iter().map(|e| passage_text(&chars, e)).collect(),
                excerpt: chars.iter().take(600).collect(),
            });
        }
        let created = jiff::Timestamp::from_millisecond(now.0)
            .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default();
        let pack = reviewpack::Pack {
            format: reviewpack::PACK_FORMAT.into(),
            id: id.clone(),
            project_id: project.id.to_string(),
            project_name: project.name.clone(),
            created,
            items,
        };
        let mut packs = self.store.setting(&PACKS)?.unwrap_or_default();
        let count = issued.len();
        packs.insert(id.clone(), issued);
        let after = serde_json::json!({ "suggestions": count, "skill": filter.skill, "min_confidence": filter.min_confidence });
        let entry = Entry::new(AuditAction::ReviewPackExported, &id, &Value::Null, &after);
        self.commit(actor, now, entry, |tx| {
            tx.set_setting(&PACKS, Some(&packs))?;
            Ok(())
        })?;
        Ok((reviewpack::render(&pack), count))
    }

    /// Applies the decisions file at `file`, saved from one of this project's packs: each
    /// decision about a suggestion unchanged since the pack is recorded as the reviewer's
    /// (with their note), in one transaction; one whose module text changed, or that
    /// someone decided since, is listed as a conflict and left alone; one already in
    /// effect is counted, not repeated. A file that is not ours, damaged, edited, or from
    /// another project or an unknown pack is refused whole, naming the file.
    pub fn import_review_decisions(
        &mut self,
        file: &Path,
        now: Timestamp,
    ) -> Result<model::DecisionsImport> {
        let bad = |reason: String| -> Error {
            ingest::Error::BadInput {
                path: file.to_path_buf(),
                reason,
            }
            .into()
        };
        let bytes = std::fs::read(file).map_err(|e| ingest::Error::Io {
            path: file.to_path_buf(),
            source: e,
        })?;
        let d = reviewpack::parse_decisions(&bytes).map_err(|e| bad(e.to_string()))?;
        let project = self.store.project()?;
        if d.project != project.id.to_string() {
            return Err(bad(format!(
                "was made for another project ({}), not {:?}",
                d.project, project.name
            )));
        }
        let issued: Vec<IssuedItem> = self
            .store
            .setting(&PACKS)?
            .and_then(|mut packs| packs.remove(&d.pack))
            .ok_or_else(|| {
                bad(format!(
                    "comes from review pack {}, which this project never exported",
                    d.pack
                ))
            })?;
        let tags: HashMap<(String, String), model::Tag> = self
            .store
            .model_tags()?
            .into_iter()
            .map(|t| ((t.module_id.to_string(), t.skill_slug.clone()), t))
            .collect();
        let mut report = model::DecisionsImport {
            pack: d.pack.clone(),
            reviewer: d.reviewer.clone(),
            applied: 0,
            already: 0,
            conflicts: Vec::new(),
        };
        let mut apply: Vec<(&reviewpack::Decision, &model::Tag, TagState)> = Vec::new();
        for x in &d.decisions {
            let state = if x.state == "accepted" {
                TagState::Accepted
            } else {
                TagState::Rejected
            };
            // Read once: its title names a conflict, its text tells whether it changed.
            let module = self.store.module(&ModuleId(x.module.clone())).ok();
            let title = module
                .as_ref()
                .map_or_else(|| x.module.clone(), |m| m.title.clone());
            let mut conflict = |reason: &str| {
                report.conflicts.push(model::DecisionConflict {
                    module: x.module.clone(),
                    title: title.clone(),
                    skill: x.skill.clone(),
                    decision: state,
                    reason: reason.to_owned(),
                })
            };
            let Some(item) = issued
                .iter()
                .find(|i| i.module == x.module && i.skill == x.skill)
            else {
                conflict("this suggestion was not in the pack");
                continue;
            };
            let Some(tag) = tags.get(&(x.module.clone(), x.skill.clone())) else {
                conflict("the suggestion no longer exists (the module or the skill is gone)");
                continue;
            };
            let Some(text) = &module else {
                conflict("the suggestion no longer exists (the module or the skill is gone)");
                continue;
            };
            if autotag::content_hash(&text.title, &text.body) != item.text_hash
                || x.text_hash != item.text_hash
            {
                conflict("the module's text changed since the pack was made");
                continue;
            }
            if tag.state == state {
                report.already += 1;
                continue;
            }
            let was = serde_json::to_value(tag.state).expect("states serialise");
            if was.as_str() != Some(item.state.as_str()) {
                conflict(&format!(
                    "it was decided in the project since the pack was made ({})",
                    was.as_str().unwrap_or("?")
                ));
                continue;
            }
            apply.push((x, tag, state));
        }
        if !apply.is_empty() {
            // Review packs are for subject-matter experts without the app.
            let reviewer = Actor::Person {
                name: d.reviewer.clone(),
                role: Some(model::Role::Sme),
            };
            self.store.write(|tx| {
                for (x, tag, state) in &apply {
                    tx.set_tag_state(&tag.module_id, &tag.skill_id, *state)?;
                    let before = serde_json::json!({ "tags": [{ "module": tag.module_id, "skill": tag.skill_slug, "before": tag.state, "confidence": tag.confidence }] });
                    let after = serde_json::json!({ "state": state, "note": (!x.note.is_empty()).then_some(&x.note), "count": 1, "pack": d.pack });
                    Entry::new(AuditAction::TagDecided, tag.module_id.as_str(), &before, &after)
                        .append(tx, &reviewer, now)?;
                }
                Ok(())
            })?;
            report.applied = apply.len() as u32;
        }
        Ok(report)
    }
}
