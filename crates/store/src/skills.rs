//! The skill taxonomy's tables: skills, aliases left by merges, skill prerequisites, and
//! the snapshot a merge keeps so it can be undone.

use model::{EdgeOrigin, ProjectId, Skill, SkillId};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{bad_value, json_from_sql, Result, Store, Tx};

impl Store {
    /// What undoing the merge logged at audit position `audit` needs, if that entry is a
    /// recorded merge: the snapshot and the tracks as they were.
    pub fn skill_merge(&self, audit: i64) -> Result<Option<(MergeSnapshot, Vec<model::Track>)>> {
        self.conn
            .prepare_cached("SELECT snapshot, tracks FROM skill_merges WHERE audit_seq = ?1")
            .and_then(|mut stmt| {
                stmt.query_row([audit], |r| {
                    Ok((json_from_sql(r, 0)?, json_from_sql(r, 1)?))
                })
                .optional()
            })
            .map_err(|e| self.sql(e))
    }

    /// The taxonomy, parents before children, then by name.
    pub fn skills(&self) -> Result<Vec<Skill>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, slug, name, parent_id, description, retired, examples FROM skills",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Skill {
                    id: SkillId(r.get(0)?),
                    slug: r.get(1)?,
                    name: r.get(2)?,
                    parent_id: r.get::<_, Option<String>>(3)?.map(SkillId),
                    description: r.get(4)?,
                    retired: r.get(5)?,
                    examples: json_from_sql(r, 6)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        let skills: Vec<Skill> = rows
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))?;
        Ok(parents_first(skills))
    }

    /// Slugs of skills merged into others, with the survivor's id.
    pub fn skill_aliases(&self) -> Result<std::collections::HashMap<String, SkillId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT slug, skill_id FROM skill_aliases")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, SkillId(r.get(1)?))))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// Skill prerequisites by skill id: (before, after, origin).
    pub fn skill_prerequisites(&self) -> Result<Vec<(SkillId, SkillId, EdgeOrigin)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT before_id, after_id, origin FROM skill_prerequisites ORDER BY after_id, before_id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let origin: String = r.get(2)?;
                Ok((
                    SkillId(r.get(0)?),
                    SkillId(r.get(1)?),
                    if origin == "manifest" {
                        EdgeOrigin::Manifest
                    } else {
                        EdgeOrigin::Person
                    },
                ))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// What merging `from` into `into` would change, as it is now (see [`MergeSnapshot`]).
    pub fn merge_snapshot(&self, from: &Skill, into: &SkillId) -> Result<MergeSnapshot> {
        MergeSnapshot::capture(&self.conn, from, into).map_err(|e| self.sql(e))
    }
}

impl Tx<'_> {
    /// The skill a tag slug means: a skill merged away resolves to the one it was merged
    /// into; an unknown slug becomes a new skill named after it.
    pub(crate) fn skill_for_slug(
        &self,
        project: &ProjectId,
        slug: &str,
    ) -> rusqlite::Result<SkillId> {
        let known: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT skill_id FROM skill_aliases WHERE slug = ?1
                 UNION ALL SELECT id FROM skills WHERE slug = ?1 LIMIT 1",
            )?
            .query_row([slug], |r| r.get(0))
            .optional()?;
        if let Some(id) = known {
            return Ok(SkillId(id));
        }
        let id = SkillId::derive(project, slug);
        self.tx
            .prepare_cached("INSERT INTO skills (id, slug, name) VALUES (?1, ?2, ?2)")?
            .execute(params![id.as_str(), slug])?;
        Ok(id)
    }

    /// Moves every tag, child skill and alias of `from` onto `into`, records `from`'s slug
    /// as an alias of `into`, and deletes `from`. Returns (tags moved, children moved).
    pub fn merge_skill(&self, from: &Skill, into: &SkillId) -> rusqlite::Result<(usize, usize)> {
        let tags = self
            .tx
            .prepare_cached("UPDATE OR IGNORE tags SET skill_id = ?2 WHERE skill_id = ?1")?
            .execute([from.id.as_str(), into.as_str()])?;
        self.tx
            .prepare_cached("DELETE FROM tags WHERE skill_id = ?1")?
            .execute([from.id.as_str()])?;
        let children = self
            .tx
            .prepare_cached("UPDATE skills SET parent_id = ?2 WHERE parent_id = ?1")?
            .execute([from.id.as_str(), into.as_str()])?;
        self.tx
            .prepare_cached("UPDATE skill_aliases SET skill_id = ?2 WHERE skill_id = ?1")?
            .execute([from.id.as_str(), into.as_str()])?;
        for column in ["before_id", "after_id"] {
            self.tx
                .prepare_cached(&format!(
                    "UPDATE OR IGNORE skill_prerequisites SET {column} = ?2 WHERE {column} = ?1"
                ))?
                .execute([from.id.as_str(), into.as_str()])?;
        }
        // What could not move duplicated an edge the survivor has, or would require itself.
        self.tx
            .prepare_cached(
                "DELETE FROM skill_prerequisites WHERE before_id = ?1 OR after_id = ?1
                 OR (before_id = ?2 AND after_id = ?2)",
            )?
            .execute([from.id.as_str(), into.as_str()])?;
        self.tx
            .prepare_cached("DELETE FROM skills WHERE id = ?1")?
            .execute([from.id.as_str()])?;
        self.tx
            .prepare_cached(
                "INSERT INTO skill_aliases (slug, skill_id) VALUES (?1, ?2)
                 ON CONFLICT (slug) DO UPDATE SET skill_id = ?2",
            )?
            .execute([from.slug.as_str(), into.as_str()])?;
        Ok((tags, children))
    }

    /// Keeps what undoing the merge logged at audit position `audit` needs.
    pub fn record_skill_merge(
        &self,
        audit: i64,
        snapshot: &MergeSnapshot,
        tracks: &[model::Track],
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO skill_merges (audit_seq, snapshot, tracks) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                audit,
                serde_json::to_string(snapshot).expect("snapshots serialise"),
                serde_json::to_string(tracks).expect("tracks serialise"),
            ])?;
        Ok(())
    }

    /// What merging `from` into `into` would change, captured in this transaction.
    pub fn merge_snapshot(&self, from: &Skill, into: &SkillId) -> rusqlite::Result<MergeSnapshot> {
        MergeSnapshot::capture(self.tx, from, into)
    }

    /// Puts back what a merge changed, from the snapshot taken before it: the skill, its
    /// tags (dropping the copies that moved to the survivor), sub-skills, aliases and skill
    /// prerequisites. The caller checks that the survivor exists and the skill does not.
    pub fn unmerge_skill(&self, snap: &MergeSnapshot) -> rusqlite::Result<()> {
        let (from, into) = (snap.skill.id.as_str(), snap.into.as_str());
        self.upsert_skill(&snap.skill)?;
        self.set_skill_retired(&snap.skill.id, snap.skill.retired)?;
        match &snap.slug_alias {
            Some(owner) => self
                .tx
                .prepare_cached("UPDATE skill_aliases SET skill_id = ?2 WHERE slug = ?1")?
                .execute([snap.skill.slug.as_str(), owner.as_str()])?,
            None => self
                .tx
                .prepare_cached("DELETE FROM skill_aliases WHERE slug = ?1")?
                .execute([snap.skill.slug.as_str()])?,
        };
        for slug in &snap.aliases {
            self.tx
                .prepare_cached("UPDATE skill_aliases SET skill_id = ?2 WHERE slug = ?1")?
                .execute([slug.as_str(), from])?;
        }
        for row in &snap.tags {
            let module = row
                .get("module_id")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let source = row
                .get("source")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let survivor_had_it = snap
                .into_tags
                .iter()
                .any(|(m, s)| m == module && s == source);
            if !survivor_had_it {
                self.tx
                    .prepare_cached(
                        "DELETE FROM tags WHERE module_id = ?1 AND skill_id = ?2 AND source = ?3",
                    )?
                    .execute([module, into, source])?;
            }
            insert_row(self.tx, "tags", row)?;
        }
        for child in &snap.children {
            self.tx
                .prepare_cached("UPDATE skills SET parent_id = ?2 WHERE id = ?1")?
                .execute([child.as_str(), from])?;
        }
        for (before, after, origin) in &snap.prerequisites {
            let (b, a) = (
                if before.as_str() == from {
                    into
                } else {
                    before.as_str()
                },
                if after.as_str() == from {
                    into
                } else {
                    after.as_str()
                },
            );
            let survivor_had_it = snap
                .into_prerequisites
                .iter()
                .any(|(x, y)| x.as_str() == b && y.as_str() == a);
            if !survivor_had_it {
                self.tx
                    .prepare_cached(
                        "DELETE FROM skill_prerequisites WHERE before_id = ?1 AND after_id = ?2",
                    )?
                    .execute([b, a])?;
            }
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO skill_prerequisites (before_id, after_id, origin)
                     VALUES (?1, ?2, ?3)",
                )?
                .execute([before.as_str(), after.as_str(), origin.as_str()])?;
        }
        Ok(())
    }

    /// Deletes a skill row (the caller has checked nothing uses it).
    pub fn delete_skill(&self, id: &SkillId) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("DELETE FROM skills WHERE id = ?1")?
            .execute([id.as_str()])?;
        Ok(())
    }

    /// Marks a skill retired (kept for history, out of tracks and checks) or active again.
    pub fn set_skill_retired(&self, id: &SkillId, retired: bool) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("UPDATE skills SET retired = ?2 WHERE id = ?1")?
            .execute(params![id.as_str(), retired])?;
        Ok(())
    }

    /// Adds a skill prerequisite; returns whether it was new.
    pub fn insert_skill_prerequisite(
        &self,
        before: &SkillId,
        after: &SkillId,
        origin: EdgeOrigin,
    ) -> rusqlite::Result<bool> {
        let origin = if origin == EdgeOrigin::Manifest {
            "manifest"
        } else {
            "person"
        };
        let n = self
            .tx
            .prepare_cached(
                "INSERT INTO skill_prerequisites (before_id, after_id, origin) VALUES (?1, ?2, ?3)
                 ON CONFLICT (before_id, after_id) DO NOTHING",
            )?
            .execute([before.as_str(), after.as_str(), origin])?;
        Ok(n == 1)
    }

    /// Removes a skill prerequisite; returns whether there was one.
    pub fn delete_skill_prerequisite(
        &self,
        before: &SkillId,
        after: &SkillId,
    ) -> rusqlite::Result<bool> {
        let n = self
            .tx
            .prepare_cached(
                "DELETE FROM skill_prerequisites WHERE before_id = ?1 AND after_id = ?2",
            )?
            .execute([before.as_str(), after.as_str()])?;
        Ok(n == 1)
    }

    /// Makes the manifest-declared prerequisites of `skills` exactly `edges` (before →
    /// after): the ones no longer declared go, new ones come, the rest are left alone —
    /// so re-importing an unchanged library of 100,000 skills writes nothing here. An edge
    /// a person added stays theirs.
    pub fn replace_manifest_skill_prerequisites(
        &self,
        skills: &[SkillId],
        edges: &[(SkillId, SkillId)],
    ) -> rusqlite::Result<()> {
        use std::collections::HashSet;
        let declared: HashSet<&str> = skills.iter().map(SkillId::as_str).collect();
        let wanted: HashSet<(&str, &str)> = edges
            .iter()
            .map(|(b, a)| (b.as_str(), a.as_str()))
            .collect();
        let mut stored: Vec<(SkillId, SkillId)> = Vec::new();
        {
            let mut stmt = self.tx.prepare_cached(
                "SELECT before_id, after_id FROM skill_prerequisites WHERE origin = 'manifest'",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (before, after): (String, String) = (r.get(0)?, r.get(1)?);
                if declared.contains(after.as_str()) {
                    stored.push((SkillId(before), SkillId(after)));
                }
            }
        }
        let have: HashSet<(&str, &str)> = stored
            .iter()
            .map(|(b, a)| (b.as_str(), a.as_str()))
            .collect();
        for (before, after) in &stored {
            if !wanted.contains(&(before.as_str(), after.as_str())) {
                self.delete_skill_prerequisite(before, after)?;
            }
        }
        for (before, after) in edges {
            if !have.contains(&(before.as_str(), after.as_str())) {
                self.insert_skill_prerequisite(before, after, EdgeOrigin::Manifest)?;
            }
        }
        Ok(())
    }

    /// Creates or updates a skill (its parent must exist already).
    pub fn upsert_skill(&self, skill: &Skill) -> rusqlite::Result<()> {
        let examples = serde_json::to_string(&skill.examples).expect("strings serialise");
        self.tx
            .prepare_cached(
                "INSERT INTO skills (id, slug, name, parent_id, description, examples)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET name = ?3, parent_id = ?4, description = ?5,
                     examples = ?6",
            )?
            .execute(params![
                skill.id.as_str(),
                skill.slug,
                skill.name,
                skill.parent_id.as_ref().map(SkillId::as_str),
                skill.description,
                examples
            ])?;
        Ok(())
    }
}

/// Everything merging one skill into another changes, as it was before: enough to undo the
/// merge exactly, and to preview it. Kept in the audit entry of the merge.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MergeSnapshot {
    /// The skill merged away.
    pub skill: Skill,
    /// The survivor.
    pub into: SkillId,
    /// The merged skill's tag rows, every column as stored.
    pub tags: Vec<serde_json::Map<String, serde_json::Value>>,
    /// (module, source) of the survivor's own tags: a merged tag with the same key is
    /// dropped, not moved.
    pub into_tags: Vec<(String, String)>,
    /// Sub-skills that move to the survivor.
    pub children: Vec<SkillId>,
    /// Slugs of skills merged into this one earlier.
    pub aliases: Vec<String>,
    /// What the merged skill's own slug aliased before (normally nothing).
    pub slug_alias: Option<SkillId>,
    /// Skill prerequisites touching the merged skill: (before, after, origin).
    pub prerequisites: Vec<(SkillId, SkillId, String)>,
    /// Skill prerequisites touching the survivor, before the merge.
    pub into_prerequisites: Vec<(SkillId, SkillId)>,
}

impl MergeSnapshot {
    pub(crate) fn capture(
        conn: &Connection,
        from: &Skill,
        into: &SkillId,
    ) -> rusqlite::Result<MergeSnapshot> {
        let (f, i) = (from.id.as_str(), into.as_str());
        let strings = |sql: &str, arg: &str| -> rusqlite::Result<Vec<String>> {
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([arg], |r| r.get(0))?;
            rows.collect()
        };
        let pairs = |sql: &str, arg: &str| -> rusqlite::Result<Vec<(String, String, String)>> {
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([arg], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        };
        Ok(MergeSnapshot {
            skill: from.clone(),
            into: into.clone(),
            tags: select_rows(conn, "tags", "skill_id", f)?,
            into_tags: pairs(
                "SELECT module_id, source, '' FROM tags WHERE skill_id = ?1",
                i,
            )?
            .into_iter()
            .map(|(m, s, _)| (m, s))
            .collect(),
            children: strings("SELECT id FROM skills WHERE parent_id = ?1 ORDER BY id", f)?
                .into_iter()
                .map(SkillId)
                .collect(),
            aliases: strings(
                "SELECT slug FROM skill_aliases WHERE skill_id = ?1 ORDER BY slug",
                f,
            )?,
            slug_alias: strings(
                "SELECT skill_id FROM skill_aliases WHERE slug = ?1",
                &from.slug,
            )?
            .into_iter()
            .next()
            .map(SkillId),
            prerequisites: pairs(
                "SELECT before_id, after_id, origin FROM skill_prerequisites
                 WHERE before_id = ?1 OR after_id = ?1",
                f,
            )?
            .into_iter()
            .map(|(b, a, o)| (SkillId(b), SkillId(a), o))
            .collect(),
            into_prerequisites: pairs(
                "SELECT before_id, after_id, '' FROM skill_prerequisites
                 WHERE before_id = ?1 OR after_id = ?1",
                i,
            )?
            .into_iter()
            .map(|(b, a, _)| (SkillId(b), SkillId(a)))
            .collect(),
        })
    }
}

/// Every row of `table` whose `column` is `value`, each column as stored (no blobs).
pub(crate) fn select_rows(
    conn: &Connection,
    table: &str,
    column: &str,
    value: &str,
) -> rusqlite::Result<Vec<serde_json::Map<String, serde_json::Value>>> {
    use rusqlite::types::ValueRef;
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE {column} = ?1"))?;
    let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let rows = stmt.query_map([value], |r| {
        let mut row = serde_json::Map::new();
        for (i, name) in names.iter().enumerate() {
            let v = match r.get_ref(i)? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(x) => serde_json::Number::from_f64(x)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(_) => return Err(bad_value(i, "a blob")),
            };
            row.insert(name.clone(), v);
        }
        Ok(row)
    })?;
    rows.collect()
}

/// Inserts (or replaces) one row captured by [`select_rows`].
pub(crate) fn insert_row(
    conn: &Connection,
    table: &str,
    row: &serde_json::Map<String, serde_json::Value>,
) -> rusqlite::Result<()> {
    use rusqlite::types::Value;
    let columns: Vec<&str> = row.keys().map(String::as_str).collect();
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let values: Vec<Value> = row
        .values()
        .map(|v| match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Number(n) => n
                .as_i64()
                .map_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0)), Value::Integer),
            serde_json::Value::String(s) => Value::Text(s.clone()),
            other => Value::Text(other.to_string()),
        })
        .collect();
    conn.prepare(&format!(
        "INSERT OR REPLACE INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        marks.join(", ")
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    Ok(())
}

/// Skills by depth in the tree (roots first), by name within a depth — computed here in
/// linear time (a recursive SQL query over `parent_id` was quadratic at 100,000 skills).
/// A skill whose parents loop, which the writers never allow, comes last, not nowhere.
fn parents_first(skills: Vec<Skill>) -> Vec<Skill> {
    let index: std::collections::HashMap<&str, usize> = skills
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let parent: Vec<Option<usize>> = skills
        .iter()
        .map(|s| {
            s.parent_id
                .as_ref()
                .and_then(|p| index.get(p.as_str()).copied())
        })
        .collect();
    let depth = model::tree::depths(&parent);
    let mut ordered: Vec<(usize, Skill)> = depth
        .into_iter()
        .map(|d| d.unwrap_or(usize::MAX))
        .zip(skills)
        .collect();
    ordered.sort_by(|(da, a), (db, b)| (da, &a.name, &a.id.0).cmp(&(db, &b.name, &b.id.0)));
    ordered.into_iter().map(|(_, s)| s).collect()
}
