//! Tags on modules — declared, the model's suggestions and people's decisions — with their
//! evidence, the auto-tagger's insights and the embedding cache.

use model::{Level, LibraryId, ModuleId, ModuleInsight, SkillId, Tag, TagSource, TagState};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{bad_value, Result, Store, Tx};

impl Store {
    /// Cached vectors of `model` for those of `hashes` it has.
    pub fn vectors(
        &self,
        model: &str,
        hashes: &[&str],
    ) -> Result<std::collections::HashMap<String, Vec<f32>>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT vector FROM embeddings WHERE model = ?1 AND hash = ?2")
            .map_err(|e| self.sql(e))?;
        let mut out = std::collections::HashMap::new();
        for &hash in hashes {
            let blob: Option<Vec<u8>> = stmt
                .query_row([model, hash], |r| r.get(0))
                .optional()
                .map_err(|e| self.sql(e))?;
            if let Some(blob) = blob {
                let v = blob
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                out.insert(hash.to_owned(), v);
            }
        }
        Ok(out)
    }

    /// Model suggestions awaiting review, over all modules in use.
    pub fn open_suggestions(&self) -> Result<u32> {
        self.conn
            .query_row(
                "SELECT count(*) FROM tags t JOIN modules m ON m.id = t.module_id
                 WHERE t.source = 'model' AND t.state = 'suggested' AND m.retired = 0",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.sql(e))
    }

    /// Per module last analysed: the content hash and fingerprint it was analysed with.
    pub fn insight_keys(&self) -> Result<std::collections::HashMap<ModuleId, (String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT module_id, content_hash, fingerprint FROM module_insights")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| Ok((ModuleId(r.get(0)?), (r.get(1)?, r.get(2)?))))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// A module's model suggestions as stored, every column: what a merge carries into a
    /// copy that lacks them.
    pub fn model_tag_rows(
        &self,
        module: &ModuleId,
    ) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
        Ok(
            crate::skills::select_rows(&self.conn, "tags", "module_id", module.as_str())
                .map_err(|e| self.sql(e))?
                .into_iter()
                .filter(|r| r.get("source").and_then(|v| v.as_str()) == Some("model"))
                .collect(),
        )
    }

    /// Every tag on modules in use, whatever its source and state.
    pub fn all_tags(&self) -> Result<Vec<Tag>> {
        self.query_tags(None)
    }

    /// Every tag on `module` with its skill, declared first, then by confidence.
    pub fn tags(&self, module: &ModuleId) -> Result<Vec<Tag>> {
        self.query_tags(Some(module))
    }

    /// Every model suggestion on modules in use, whatever its state, best first.
    pub fn model_tags(&self) -> Result<Vec<Tag>> {
        Ok(self
            .query_tags(None)?
            .into_iter()
            .filter(|t| t.source == TagSource::Model)
            .collect())
    }

    pub(crate) fn query_tags(&self, module: Option<&ModuleId>) -> Result<Vec<Tag>> {
        // One statement per case, so one module's tags are found by the primary key
        // rather than by reading every tag.
        let mut stmt = self
            .conn
            .prepare_cached(match module {
                Some(_) => {
                    "SELECT t.module_id, t.skill_id, s.slug, s.name, t.source, t.state, t.confidence,
                            t.model, t.evidence, t.rejected_before, t.auto_accepted,
                            (SELECT slug FROM skills WHERE id = t.replaced_by)
                     FROM tags t JOIN skills s ON s.id = t.skill_id
                     WHERE t.module_id = ?1
                     ORDER BY t.source = 'declared' DESC, t.confidence DESC, t.position, s.name"
                }
                None => {
                    "SELECT t.module_id, t.skill_id, s.slug, s.name, t.source, t.state, t.confidence,
                            t.model, t.evidence, t.rejected_before, t.auto_accepted,
                            (SELECT slug FROM skills WHERE id = t.replaced_by)
                     FROM tags t JOIN skills s ON s.id = t.skill_id
                     JOIN modules m ON m.id = t.module_id
                     WHERE ?1 IS NULL AND m.retired = 0
                     ORDER BY t.source = 'declared' DESC, t.confidence DESC, t.position, s.name"
                }
            })
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([module.map(|m| m.as_str())], |r| {
                let source: String = r.get(4)?;
                let state: String = r.get(5)?;
                let evidence: String = r.get(8)?;
                Ok(Tag {
                    module_id: ModuleId(r.get(0)?),
                    skill_id: SkillId(r.get(1)?),
                    skill_slug: r.get(2)?,
                    skill_name: r.get(3)?,
                    source: match source.as_str() {
                        "declared" => TagSource::Declared,
                        "model" => TagSource::Model,
                        "person" => TagSource::Person,
                        other => return Err(bad_value(4, other)),
                    },
                    state: match state.as_str() {
                        "suggested" => TagState::Suggested,
                        "accepted" => TagState::Accepted,
                        "rejected" => TagState::Rejected,
                        other => return Err(bad_value(5, other)),
                    },
                    confidence: r.get(6)?,
                    model: r.get(7)?,
                    evidence: serde_json::from_str(&evidence)
                        .map_err(|_| bad_value(8, &evidence))?,
                    rejected_before: r.get(9)?,
                    auto_accepted: r.get(10)?,
                    replaced_by: r.get(11)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// What auto-tagging last found in `module`, with all its tags.
    pub fn insight(&self, module: &ModuleId) -> Result<ModuleInsight> {
        let tags = self.tags(module)?;
        let row = self
            .conn
            .query_row(
                "SELECT model, keyphrases, level, level_score, level_signals, notes
                 FROM module_insights WHERE module_id = ?1",
                [module.as_str()],
                |r| {
                    let json = |i: usize| -> rusqlite::Result<serde_json::Value> {
                        let text: String = r.get(i)?;
                        serde_json::from_str(&text).map_err(|_| bad_value(i, &text))
                    };
                    let level: Option<String> = r.get(2)?;
                    Ok((
                        r.get::<_, String>(0)?,
                        json(1)?,
                        level,
                        r.get::<_, f64>(3)?,
                        json(4)?,
                        json(5)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let mut insight = ModuleInsight {
            module_id: module.clone(),
            model: None,
            keyphrases: Vec::new(),
            level: None,
            level_score: 0.0,
            level_signals: Vec::new(),
            notes: Vec::new(),
            tags,
            level_set_by_hand: self
                .conn
                .query_row(
                    "SELECT 1 FROM module_levels WHERE module_id = ?1",
                    [module.as_str()],
                    |_| Ok(()),
                )
                .optional()
                .map_err(|e| self.sql(e))?
                .is_some(),
        };
        if let Some((model, keyphrases, level, score, signals, notes)) = row {
            insight.model = Some(model);
            insight.keyphrases = serde_json::from_value(keyphrases).unwrap_or_default();
            insight.level = level.as_deref().and_then(Level::parse);
            insight.level_score = score as f32;
            insight.level_signals = serde_json::from_value(signals).unwrap_or_default();
            insight.notes = serde_json::from_value(notes).unwrap_or_default();
        }
        Ok(insight)
    }

    /// The skill slugs each module teaches (see [`taught_tags_of`]).
    pub(crate) fn taught_tags(&self) -> Result<std::collections::HashMap<ModuleId, Vec<String>>> {
        taught_tags_of(&self.conn).map_err(|e| self.sql(e))
    }

    /// Declared tag slugs per module, in declaration order, for one library or one module
    /// (or all, with neither).
    pub(crate) fn declared_tags(
        &self,
        library: Option<&LibraryId>,
        module: Option<&ModuleId>,
    ) -> Result<std::collections::HashMap<ModuleId, Vec<String>>> {
        declared_tags_of(&self.conn, library, module).map_err(|e| self.sql(e))
    }
}

impl Tx<'_> {
    /// Caches the unit vector of a text (by hash) for `model`.
    pub fn put_vector(&self, model: &str, hash: &str, vector: &[f32]) -> rusqlite::Result<()> {
        let blob: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO embeddings (model, hash, vector) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![model, hash, blob])?;
        Ok(())
    }

    /// Records what auto-tagging found in a module (not its tags: see
    /// [`Tx::set_model_tags`]), and the content hash and fingerprint it read.
    pub fn save_insight(
        &self,
        insight: &ModuleInsight,
        content_hash: &str,
        fingerprint: &str,
    ) -> rusqlite::Result<()> {
        let json = |v: serde_json::Value| v.to_string();
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO module_insights (module_id, model, content_hash,
                    fingerprint, keyphrases, level, level_score, level_signals, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                insight.module_id.as_str(),
                insight.model.as_deref().unwrap_or(""),
                content_hash,
                fingerprint,
                json(serde_json::json!(insight.keyphrases)),
                insight.level.map(Level::as_str),
                insight.level_score as f64,
                json(serde_json::json!(insight.level_signals)),
                json(serde_json::json!(insight.notes)),
            ])?;
        Ok(())
    }

    /// Replaces the model's suggestions on `module` with `suggestions` (skill,
    /// confidence, evidence), keeping every human decision:
    /// - a skill rejected for this same text stays rejected and is not suggested again;
    /// - a skill rejected for an earlier text is suggested again, marked `rejected_before`;
    /// - an accepted skill stays accepted, with fresh confidence and evidence;
    /// - an open suggestion the model no longer makes is withdrawn.
    ///
    /// Returns the number of open suggestions on the module afterwards.
    pub fn set_model_tags(
        &self,
        module: &ModuleId,
        model: &str,
        content_hash: &str,
        suggestions: &[(SkillId, f32, Vec<model::Evidence>)],
        auto_accept: Option<f32>,
    ) -> rusqlite::Result<(usize, Vec<SkillId>)> {
        let mut existing: std::collections::HashMap<String, (String, Option<String>)> = self
            .tx
            .prepare_cached(
                "SELECT skill_id, state, content_hash FROM tags
                 WHERE module_id = ?1 AND source = 'model'",
            )?
            .query_map([module.as_str()], |r| {
                Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut open = 0;
        let mut accepted = Vec::new();
        for (position, (skill, confidence, evidence)) in suggestions.iter().enumerate() {
            // A match by the title alone (a module with no text) has no passage behind it.
            let explained = !evidence.is_empty();
            let evidence = serde_json::to_string(evidence).expect("evidence serialises");
            let mut auto = false;
            let (state, rejected_before) = match existing.remove(skill.as_str()) {
                Some((state, hash))
                    if state == "rejected" && hash.as_deref() == Some(content_hash) =>
                {
                    continue;
                }
                Some((state, _)) if state == "rejected" => ("suggested", true),
                Some((state, _)) if state == "accepted" => ("accepted", false),
                // The project's auto-accept threshold: never for a skill a person rejected,
                // nor for a suggestion with no passage behind it — a person reads those.
                _ if explained && auto_accept.is_some_and(|t| *confidence >= t) => {
                    accepted.push(skill.clone());
                    auto = true;
                    ("accepted", false)
                }
                _ => ("suggested", false),
            };
            if state == "suggested" {
                open += 1;
            }
            self.tx
                .prepare_cached(
                    "INSERT INTO tags (module_id, skill_id, source, state, confidence, position,
                        model, evidence, content_hash, rejected_before, auto_accepted)
                     VALUES (?1, ?2, 'model', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (module_id, skill_id, source) DO UPDATE SET
                        state = excluded.state, confidence = excluded.confidence,
                        position = excluded.position, model = excluded.model,
                        evidence = excluded.evidence, content_hash = excluded.content_hash,
                        rejected_before = excluded.rejected_before OR tags.rejected_before,
                        auto_accepted = CASE WHEN tags.state = 'accepted'
                            AND excluded.state = 'accepted' THEN tags.auto_accepted
                            ELSE excluded.auto_accepted END",
                )?
                .execute(params![
                    module.as_str(),
                    skill.as_str(),
                    state,
                    (*confidence as f64).clamp(0.0, 1.0),
                    position as i64,
                    model,
                    evidence,
                    content_hash,
                    rejected_before,
                    auto,
                ])?;
        }
        for (skill, (state, _)) in existing {
            if state == "suggested" {
                self.tx
                    .prepare_cached(
                        "DELETE FROM tags WHERE module_id = ?1 AND skill_id = ?2 AND source = 'model'",
                    )?
                    .execute([module.as_str(), skill.as_str()])?;
            }
        }
        Ok((open, accepted))
    }

    /// Records a review decision on a model suggestion (accept or reject).
    /// A person's edit of a suggestion: the model's tag for `from` is rejected in favour
    /// of `to`, which becomes the person's own accepted tag on the module.
    /// Returns whether the person's tag for `to` is new (an undo then removes it).
    pub fn replace_tag(
        &self,
        module: &ModuleId,
        from: &SkillId,
        to: &SkillId,
    ) -> rusqlite::Result<bool> {
        let existed = self
            .tx
            .prepare_cached(
                "SELECT 1 FROM tags WHERE module_id = ?1 AND skill_id = ?2 AND source = 'person'",
            )?
            .exists([module.as_str(), to.as_str()])?;
        self.tx
            .prepare_cached(
                "UPDATE tags SET state = 'rejected', auto_accepted = 0, replaced_by = ?3
                 WHERE module_id = ?1 AND skill_id = ?2 AND source = 'model'",
            )?
            .execute([module.as_str(), from.as_str(), to.as_str()])?;
        self.tx
            .prepare_cached(
                "INSERT INTO tags (module_id, skill_id, source, state) VALUES (?1, ?2, 'person', 'accepted')
                 ON CONFLICT (module_id, skill_id, source) DO UPDATE SET state = 'accepted'",
            )?
            .execute([module.as_str(), to.as_str()])?;
        Ok(!existed)
    }

    /// Puts a model suggestion in the state another copy of the project has it in: its
    /// state, whether the auto-accept threshold accepted it, and the person's tag an edit
    /// replaced it by (a merge carrying a review decision).
    pub fn set_tag_decision(
        &self,
        module: &ModuleId,
        skill: &SkillId,
        state: TagState,
        auto_accepted: bool,
        replaced_by: Option<&SkillId>,
    ) -> rusqlite::Result<bool> {
        let n = self
            .tx
            .prepare_cached(
                "UPDATE tags SET state = ?3, auto_accepted = ?4, replaced_by = ?5
                 WHERE module_id = ?1 AND skill_id = ?2 AND source = 'model'",
            )?
            .execute(params![
                module.as_str(),
                skill.as_str(),
                tag_state_sql(state),
                auto_accepted,
                replaced_by.map(SkillId::as_str),
            ])?;
        Ok(n == 1)
    }

    /// Adds a person's own accepted tag (an edit's replacement, carried by a merge).
    pub fn add_person_tag(&self, module: &ModuleId, skill: &SkillId) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO tags (module_id, skill_id, source, state) VALUES (?1, ?2, 'person', 'accepted')
                 ON CONFLICT (module_id, skill_id, source) DO UPDATE SET state = 'accepted'",
            )?
            .execute([module.as_str(), skill.as_str()])?;
        Ok(())
    }

    /// Writes a tag row as another copy of the project stores it (see
    /// [`Store::model_tag_rows`]), over this copy's row for the same tag.
    pub fn put_tag_row(
        &self,
        row: &serde_json::Map<String, serde_json::Value>,
    ) -> rusqlite::Result<()> {
        crate::skills::insert_row(self.tx, "tags", row)
    }

    /// Removes a person's own tag (undoing an edit that added it).
    pub fn remove_person_tag(&self, module: &ModuleId, skill: &SkillId) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "DELETE FROM tags WHERE module_id = ?1 AND skill_id = ?2 AND source = 'person'",
            )?
            .execute([module.as_str(), skill.as_str()])?;
        Ok(())
    }

    pub fn set_tag_state(
        &self,
        module: &ModuleId,
        skill: &SkillId,
        state: TagState,
    ) -> rusqlite::Result<bool> {
        let n = self
            .tx
            .prepare_cached(
                "UPDATE tags SET state = ?3, auto_accepted = 0, replaced_by = NULL
                 WHERE module_id = ?1 AND skill_id = ?2 AND source = 'model'",
            )?
            .execute(params![
                module.as_str(),
                skill.as_str(),
                tag_state_sql(state)
            ])?;
        Ok(n == 1)
    }
}

/// The skill slugs each module teaches: those its file declares, in their order, then the
/// suggestions accepted (by a person or the auto-accept threshold) and a person's own tags
/// (an edited suggestion's replacement), each slug once. Open and rejected suggestions
/// teach nothing.
pub(crate) fn taught_tags_of(
    conn: &Connection,
) -> rusqlite::Result<std::collections::HashMap<ModuleId, Vec<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.module_id, s.slug FROM tags t
         JOIN skills s ON s.id = t.skill_id
         WHERE t.state <> 'rejected' AND NOT (t.source = 'model' AND t.state = 'suggested')
         ORDER BY t.module_id, t.source <> 'declared', t.position, s.slug",
    )?;
    let mut out: std::collections::HashMap<ModuleId, Vec<String>> = Default::default();
    // Rows come grouped by module: one set of the current module's slugs keeps the
    // de-duplication linear in a module's tags (a module may hold tens of thousands).
    let mut current: Option<String> = None;
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let module: String = r.get(0)?;
        let slug: String = r.get(1)?;
        if current.as_deref() != Some(module.as_str()) {
            seen.clear();
            current = Some(module.clone());
        }
        if seen.insert(slug.clone()) {
            out.entry(ModuleId(module)).or_default().push(slug);
        }
    }
    Ok(out)
}

/// The skill slugs modules declare, by module, in their order.
pub(crate) fn declared_tags_of(
    conn: &Connection,
    library: Option<&LibraryId>,
    module: Option<&ModuleId>,
) -> rusqlite::Result<std::collections::HashMap<ModuleId, Vec<String>>> {
    // One statement per case: `(?2 IS NULL OR t.module_id = ?2)` would keep SQLite from
    // using the tags' primary key, and read every tag for each module (quadratic at scale).
    let mut stmt = conn.prepare_cached(match module {
        Some(_) => {
            "SELECT t.module_id, s.slug FROM tags t
             JOIN skills s ON s.id = t.skill_id
             JOIN modules m ON m.id = t.module_id
             WHERE t.module_id = ?2 AND t.source = 'declared' AND (?1 IS NULL OR m.library_id = ?1)
             ORDER BY t.position"
        }
        None => {
            "SELECT t.module_id, s.slug FROM tags t
             JOIN skills s ON s.id = t.skill_id
             JOIN modules m ON m.id = t.module_id
             WHERE t.source = 'declared' AND (?1 IS NULL OR m.library_id = ?1) AND ?2 IS NULL
             ORDER BY t.module_id, t.position"
        }
    })?;
    let mut out: std::collections::HashMap<ModuleId, Vec<String>> = Default::default();
    let mut rows = stmt.query([library.map(|l| l.as_str()), module.map(|m| m.as_str())])?;
    while let Some(r) = rows.next()? {
        out.entry(ModuleId(r.get(0)?)).or_default().push(r.get(1)?);
    }
    Ok(out)
}

pub(crate) fn tag_source_sql(source: TagSource) -> &'static str {
    match source {
        TagSource::Declared => "declared",
        TagSource::Model => "model",
        TagSource::Person => "person",
    }
}

pub(crate) fn tag_state_sql(state: TagState) -> &'static str {
    match state {
        TagState::Suggested => "suggested",
        TagState::Accepted => "accepted",
        TagState::Rejected => "rejected",
    }
}
