//! Auto-tagging: embeds what changed (vectors cached in the project), asks `autotag` for
//! skills, keyphrases and a level, and saves them in small logged groups; the model folder
//! the project uses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use model::{
    Actor, LevelSignal, LibraryId, ModuleId, ModuleInsight, SkillId, TagReport, Timestamp,
};
use serde_json::Value;

use crate::audit::Entry;
use crate::settings::MODEL_DIR;
use crate::{AuditAction, Project, Result};

impl Project {
    /// Auto-tags every module whose text, the taxonomy or the model changed since it was
    /// last tagged: skill suggestions with evidence, keyphrases and a level guess.
    ///
    /// Vectors come from the project's cache when it has them, so after an edit only the
    /// changed passages are embedded. Work is saved in small groups of modules, each in
    /// one transaction with its audit entry; `progress(done, total)` is called as it goes
    /// and returning `false` cancels, keeping the groups already saved.
    pub fn tag_modules(
        &mut self,
        encoder: &embed::Encoder,
        now: Timestamp,
        progress: &mut dyn FnMut(u32, u32) -> bool,
    ) -> Result<TagReport> {
        const GROUP: usize = 16;
        let model_id = encoder.info().id();
        let actor = Actor::Model {
            id: encoder.info().name.clone(),
            version: encoder.info().version.clone(),
        };
        let skills = self.store.skills()?;
        let leaves = autotag::leaf_skills(&skills);
        let slug: HashMap<&SkillId, &str> =
            skills.iter().map(|s| (&s.id, s.slug.as_str())).collect();
        let fingerprint = autotag::fingerprint(&model_id, &leaves);
        let mut report = TagReport {
            model: model_id.clone(),
            skills: leaves.len() as u32,
            ..TagReport::default()
        };
        let auto_accept = self.auto_accept()?.map(|t| t as f32);

        let profiles = self.skill_profiles(encoder, &leaves, &mut report)?;
        let todo = self.stale_modules(&fingerprint, &mut report)?;
        let total = todo.len() as u32;
        let spans = |t: &str| encoder.token_spans(t).unwrap_or_default();
        let mut done = 0u32;
        if !progress(0, total) {
            report.cancelled = true;
            return Ok(report);
        }
        for group in todo.chunks(GROUP) {
            let prepared: Vec<autotag::Prepared> = group
                .iter()
                .map(|(m, depth)| {
                    autotag::prepare(
                        &autotag::ModuleInput {
                            id: m.id.clone(),
                            title: &m.title,
                            body: &m.body,
                            depth: *depth,
                        },
                        &spans,
                    )
                })
                .collect();
            let whole: Vec<Vec<&str>> = prepared
                .iter()
                .zip(group)
                .map(|(p, (m, _))| autotag::module_texts(p, &m.title))
                .collect();
            let texts: Vec<&str> = prepared
                .iter()
                .flat_map(|p| p.texts())
                .chain(whole.iter().flatten().copied())
                .collect();
            let n = texts.len().max(1);
            let step = group.len() as u32;
            let mut on_batch =
                |embedded: usize| progress(done + (step as usize * embedded / n) as u32, total);
            let before = (report.embedded, report.cached);
            let Some(vectors) = self.vectors(encoder, &texts, &mut report, &mut on_batch)? else {
                (report.embedded, report.cached) = before;
                report.cancelled = true;
                break;
            };
            let vector = |t: &str| -> &[f32] { &vectors[&autotag::text_hash(t)] };
            let analyses: Vec<autotag::Analysis> = prepared
                .iter()
                .map(|p| autotag::analyse(p, &vector, &profiles))
                .collect();
            let module_vectors: Vec<(String, Vec<f32>)> = prepared
                .iter()
                .zip(&whole)
                .filter_map(|(p, texts)| {
                    let vs: Vec<&[f32]> = texts.iter().map(|t| vector(t)).collect();
                    Some((
                        autotag::module_vector_key(&p.content_hash),
                        autotag::mean_vector(&vs)?,
                    ))
                })
                .collect();
            let tagged = Tagged {
                model_id: &model_id,
                fingerprint: &fingerprint,
                slug: &slug,
                auto_accept,
            };
            let auto_count = self.save_tagged(&tagged, &module_vectors, &analyses, &actor, now)?;
            report.auto_accepted += auto_count;
            report.empty += prepared.iter().filter(|p| p.passages.is_empty()).count() as u32;
            done += step;
            report.analysed += step;
            if !progress(done, total) && done < total {
                report.cancelled = true;
                break;
            }
        }
        report.suggestions = self.store.open_suggestions()?;
        Ok(report)
    }

    /// Each leaf skill's vectors (its texts embedded, or read from the cache).
    fn skill_profiles(
        &mut self,
        encoder: &embed::Encoder,
        leaves: &[autotag::SkillInput<'_>],
        report: &mut TagReport,
    ) -> Result<Vec<autotag::SkillProfile>> {
        let skill_texts: Vec<Vec<String>> = leaves.iter().map(autotag::skill_texts).collect();
        let all: Vec<&str> = skill_texts.iter().flatten().map(String::as_str).collect();
        let Some(skill_vectors) = self.vectors(encoder, &all, report, &mut |_| true)? else {
            unreachable!("a progress callback that never cancels");
        };
        Ok(leaves
            .iter()
            .zip(&skill_texts)
            .map(|(s, texts)| autotag::SkillProfile {
                id: s.id.clone(),
                vectors: texts
                    .iter()
                    .map(|t| skill_vectors[&autotag::text_hash(t)].clone())
                    .collect(),
            })
            .collect())
    }

    /// The modules whose text, the taxonomy or the model changed since they were last
    /// tagged, each with its depth in the prerequisite graph against its library's deepest
    /// (a level signal); the others are counted unchanged.
    fn stale_modules(
        &self,
        fingerprint: &str,
        report: &mut TagReport,
    ) -> Result<Vec<(model::Module, Option<autotag::Depth>)>> {
        let (graph, summaries, _) = self.graph()?;
        let depths = graph.depths();
        let mut max_depth: HashMap<&LibraryId, usize> = HashMap::new();
        if let Some(depths) = &depths {
            for (m, d) in summaries.iter().zip(depths) {
                let e = max_depth.entry(&m.library_id).or_default();
                *e = (*e).max(*d);
            }
        }
        let keys = self.store.insight_keys()?;
        let mut todo = Vec::new();
        for (i, s) in summaries.iter().enumerate() {
            let m = self.store.module(&s.id)?;
            let hash = autotag::content_hash(&m.title, &m.body);
            let fresh = keys
                .get(&m.id)
                .is_some_and(|(h, f)| *h == hash && f == fingerprint);
            if fresh {
                report.unchanged += 1;
            } else {
                let depth = depths.as_ref().map(|d| autotag::Depth {
                    depth: d[i],
                    max: max_depth[&s.library_id],
                });
                todo.push((m, depth));
            }
        }
        report.modules = summaries.len() as u32;
        Ok(todo)
    }

    /// Saves one group's insights, suggestions and vectors with their audit entries, in one
    /// transaction; how many suggestions the threshold accepted.
    fn save_tagged(
        &mut self,
        t: &Tagged<'_>,
        module_vectors: &[(String, Vec<f32>)],
        analyses: &[autotag::Analysis],
        actor: &Actor,
        now: Timestamp,
    ) -> Result<u32> {
        let Tagged {
            model_id,
            fingerprint,
            slug,
            auto_accept,
        } = *t;
        Ok(self.store.write(|tx| {
                for (key, v) in module_vectors {
                    tx.put_vector(model_id, key, v)?;
                }
                let mut log = Vec::new();
                let mut auto = Vec::new();
                for a in analyses {
                    let insight = ModuleInsight {
                        module_id: a.module.clone(),
                        model: Some(model_id.to_owned()),
                        keyphrases: a.keyphrases.clone(),
                        level: Some(a.level.level),
                        level_score: a.level.score,
                        level_signals: a
                            .level
                            .signals
                            .iter()
                            .map(|s| LevelSignal {
                                name: s.name.to_owned(),
                                detail: s.detail.clone(),
                                points: s.points,
                            })
                            .collect(),
                        notes: a.notes.clone(),
                        tags: Vec::new(),
                        level_set_by_hand: false,
                    };
                    tx.save_insight(&insight, &a.content_hash, fingerprint)?;
                    let tags: Vec<(SkillId, f32, Vec<model::Evidence>)> = a
                        .skills
                        .iter()
                        .map(|s| (s.skill.clone(), s.confidence, s.evidence.clone()))
                        .collect();
                    let (_, accepted) =
                        tx.set_model_tags(&a.module, model_id, &a.content_hash, &tags, auto_accept)?;
                    auto.extend(accepted.into_iter().map(|skill| {
                        let confidence = tags.iter().find(|t| t.0 == skill).map(|t| t.1);
                        serde_json::json!({ "module": a.module, "skill": slug.get(&skill), "confidence": confidence })
                    }));
                    log.push(serde_json::json!({
                        "module": a.module,
                        "skills": a.skills.iter().map(|s| serde_json::json!({
                            "skill": slug.get(&s.skill),
                            "confidence": s.confidence,
                        })).collect::<Vec<_>>(),
                        "level": a.level.level.as_str(),
                    }));
                }
                let tagged = serde_json::json!({ "modules": log });
                Entry::new(AuditAction::ModulesTagged, model_id, &Value::Null, &tagged)
                    .append(tx, actor, now)?;
                if !auto.is_empty() {
                    let accepted = serde_json::json!({ "threshold": auto_accept, "tags": auto });
                    Entry::new(AuditAction::TagsAutoAccepted, model_id, &Value::Null, &accepted)
                        .append(tx, actor, now)?;
                }
                Ok(auto.len() as u32)
            })?)
    }

    /// The model folder the user chose for this project, if any.
    pub fn model_dir(&self) -> Result<Option<PathBuf>> {
        Ok(self.store.setting(&MODEL_DIR)?.map(PathBuf::from))
    }

    /// Chooses the model folder for this project (it must load), or clears the choice.
    pub fn set_model_dir(
        &mut self,
        dir: Option<&Path>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Option<embed::ModelInfo>> {
        let info = match dir {
            Some(d) => Some(embed::Encoder::load(d)?.info().clone()),
            None => None,
        };
        let chosen = dir.map(|d| d.display().to_string());
        let value = serde_json::to_value(&chosen).expect("strings serialise");
        self.commit(
            actor,
            now,
            Entry::new(
                AuditAction::ModelChosen,
                MODEL_DIR.key(),
                &Value::Null,
                &value,
            ),
            |tx| {
                tx.set_setting(&MODEL_DIR, chosen.as_ref())?;
                Ok(())
            },
        )?;
        Ok(info)
    }

    /// What auto-tagging found in a module, with all its tags and their evidence.
    pub fn module_insight(&self, id: &ModuleId) -> Result<ModuleInsight> {
        self.store.module(id)?;
        Ok(self.store.insight(id)?)
    }

    /// Vectors of `texts` by hash: from the cache, or embedded now and cached. `None`
    /// when `progress` cancelled the embedding.
    pub(crate) fn vectors(
        &mut self,
        encoder: &embed::Encoder,
        texts: &[&str],
        report: &mut TagReport,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Option<HashMap<String, Vec<f32>>>> {
        let model_id = encoder.info().id();
        let mut by_hash: HashMap<String, &str> = HashMap::new();
        for t in texts {
            by_hash.entry(autotag::text_hash(t)).or_insert(t);
        }
        let hashes: Vec<&str> = by_hash.keys().map(String::as_str).collect();
        let mut vectors = self.store.vectors(&model_id, &hashes)?;
        report.cached += vectors.len() as u32;
        let missing: Vec<(&String, &str)> = by_hash
            .iter()
            .filter(|(h, _)| !vectors.contains_key(*h))
            .map(|(h, t)| (h, *t))
            .collect();
        if missing.is_empty() {
            return Ok(Some(vectors));
        }
        let missing_texts: Vec<&str> = missing.iter().map(|(_, t)| *t).collect();
        let embedded = match encoder.embed_with_progress(&missing_texts, progress) {
            Ok(v) => v,
            Err(embed::EmbedError::Inference(m)) if m == "cancelled" => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        report.embedded += embedded.len() as u32;
        self.store.write(|tx| {
            for ((hash, _), v) in missing.iter().zip(&embedded) {
                tx.put_vector(&model_id, hash, v)?;
            }
            Ok(())
        })?;
        for ((hash, _), v) in missing.into_iter().zip(embedded) {
            vectors.insert(hash.clone(), v);
        }
        Ok(Some(vectors))
    }
}

/// What every group of one tagging run is saved with.
struct Tagged<'a> {
    model_id: &'a str,
    /// The model and taxonomy the suggestions were made with (see `autotag::fingerprint`).
    fingerprint: &'a str,
    slug: &'a HashMap<&'a SkillId, &'a str>,
    auto_accept: Option<f32>,
}
