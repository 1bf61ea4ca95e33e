//! The curriculum's tables beside the modules: prerequisite edges and their groups, the
//! prerequisite suggestions people dismissed, tracks, and adaptive rules.

use model::{EdgeOrigin, LibraryId, ModuleId, PrerequisiteEdge, PrerequisiteGroup, Track, TrackId};
use rusqlite::{params, OptionalExtension};

use crate::{bad_value, json_from_sql, Result, Store, Tx};

impl Store {
    /// Stored rules as (id, JSON body), in id order.
    pub fn rules(&self) -> Result<Vec<(String, serde_json::Value)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, body FROM rules ORDER BY id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, json_from_sql(r, 1)?)))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    pub fn tracks(&self) -> Result<Vec<Track>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, slug, name, description, targets FROM tracks ORDER BY name")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Track {
                    id: TrackId(r.get(0)?),
                    slug: r.get(1)?,
                    name: r.get(2)?,
                    description: r.get(3)?,
                    targets: json_from_sql(r, 4)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// The rules `library`'s manifest declares, as (id, kind, JSON body).
    pub fn library_rules(
        &self,
        library: &LibraryId,
    ) -> Result<Vec<(String, String, serde_json::Value)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, kind, body FROM rules WHERE library_id = ?1 ORDER BY id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([library.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, json_from_sql(r, 2)?))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// The tracks `library`'s manifest declares (and no person has edited since).
    pub fn library_tracks(&self, library: &LibraryId) -> Result<Vec<Track>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, slug, name, description, targets FROM tracks
                 WHERE library_id = ?1 ORDER BY name",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([library.as_str()], |r| {
                Ok(Track {
                    id: TrackId(r.get(0)?),
                    slug: r.get(1)?,
                    name: r.get(2)?,
                    description: r.get(3)?,
                    targets: json_from_sql(r, 4)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// The library whose manifest declares track `id`, if one does (and no person has
    /// edited it since).
    pub fn track_library(&self, id: &TrackId) -> Result<Option<model::Library>> {
        let library: Option<Option<String>> = self
            .conn
            .prepare_cached("SELECT library_id FROM tracks WHERE id = ?1")
            .and_then(|mut stmt| stmt.query_row([id.as_str()], |r| r.get(0)).optional())
            .map_err(|e| self.sql(e))?;
        let Some(id) = library.flatten() else {
            return Ok(None);
        };
        Ok(self.libraries()?.into_iter().find(|l| l.id.as_str() == id))
    }

    /// Every prerequisite edge, in a stable order.
    pub fn prerequisites(&self) -> Result<Vec<PrerequisiteEdge>> {
        self.edges(
            "SELECT p.before_id, p.after_id, p.grp, p.origin FROM prerequisites p
             JOIN modules b ON b.id = p.before_id AND b.retired = 0
             JOIN modules a ON a.id = p.after_id AND a.retired = 0
             ORDER BY p.after_id, p.before_id",
        )
    }

    /// Every prerequisite edge, retired modules' too, in the same order, read off one
    /// index without looking modules up: for callers that hold the live modules already
    /// and keep the edges between them (the curriculum snapshot).
    pub fn all_prerequisites(&self) -> Result<Vec<PrerequisiteEdge>> {
        self.edges(
            "SELECT before_id, after_id, grp, origin FROM prerequisites
             ORDER BY after_id, before_id",
        )
    }

    /// The prerequisite suggestions people dismissed, as (before, after) when suggested.
    pub fn dismissed_suggestions(
        &self,
    ) -> Result<std::collections::BTreeSet<(ModuleId, ModuleId)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT before_id, after_id FROM dismissed_suggestions")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| Ok((ModuleId(r.get(0)?), ModuleId(r.get(1)?))))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    fn edges(&self, sql: &str) -> Result<Vec<PrerequisiteEdge>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let origin: String = r.get(3)?;
                Ok(PrerequisiteEdge {
                    before: ModuleId(r.get(0)?),
                    after: ModuleId(r.get(1)?),
                    group: json_from_sql(r, 2)?,
                    origin: match origin.as_str() {
                        "manifest" => EdgeOrigin::Manifest,
                        "person" => EdgeOrigin::Person,
                        other => return Err(bad_value(3, other)),
                    },
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }
}

impl Tx<'_> {
    /// Creates or replaces one rule written in the app (it belongs to no library).
    pub fn upsert_rule(
        &self,
        id: &str,
        kind: &str,
        body: &serde_json::Value,
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO rules (id, kind, body, library_id) VALUES (?1, ?2, ?3, NULL)
                 ON CONFLICT (id) DO UPDATE SET kind = ?2, body = ?3, library_id = NULL",
            )?
            .execute(params![id, kind, body.to_string()])?;
        Ok(())
    }

    /// Removes a rule; returns whether there was one.
    pub fn delete_rule(&self, id: &str) -> rusqlite::Result<bool> {
        Ok(self
            .tx
            .prepare_cached("DELETE FROM rules WHERE id = ?1")?
            .execute([id])?
            == 1)
    }

    /// Replaces the rules `library` declares with `rules` (id, kind, JSON body).
    pub fn replace_library_rules(
        &self,
        library: &LibraryId,
        rules: &[(String, String, serde_json::Value)],
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("DELETE FROM rules WHERE library_id = ?1")?
            .execute([library.as_str()])?;
        for (id, kind, body) in rules {
            self.tx
                .prepare_cached(
                    "INSERT INTO rules (id, kind, body, library_id) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (id) DO UPDATE SET kind = ?2, body = ?3, library_id = ?4",
                )?
                .execute(params![id, kind, body.to_string(), library.as_str()])?;
        }
        Ok(())
    }

    /// Rewrites a track's targets (after a merge re-points them).
    pub fn set_track_targets(
        &self,
        id: &TrackId,
        targets: &[model::TrackTarget],
    ) -> rusqlite::Result<()> {
        let targets = serde_json::to_string(targets).expect("targets serialise");
        self.tx
            .prepare_cached("UPDATE tracks SET targets = ?2 WHERE id = ?1")?
            .execute([id.as_str(), targets.as_str()])?;
        Ok(())
    }

    /// Writes `track` as a person's: a new one, or one edited, which no re-import of a
    /// library that declared it replaces any more.
    pub fn save_track(&self, track: &Track) -> rusqlite::Result<()> {
        let targets = serde_json::to_string(&track.targets).expect("targets serialise");
        self.tx
            .prepare_cached(
                "INSERT INTO tracks (id, slug, name, description, targets, library_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, NULL)
                 ON CONFLICT (id) DO UPDATE SET name = ?3, description = ?4, targets = ?5,
                     library_id = NULL",
            )?
            .execute(params![
                track.id.as_str(),
                track.slug,
                track.name,
                track.description,
                targets
            ])?;
        Ok(())
    }

    pub fn delete_track(&self, id: &TrackId) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("DELETE FROM tracks WHERE id = ?1")?
            .execute([id.as_str()])?;
        Ok(())
    }

    /// Replaces the tracks `library` declares with `tracks`; a track a person edited
    /// (or made) under the same slug stays theirs.
    pub fn replace_library_tracks(
        &self,
        library: &LibraryId,
        tracks: &[Track],
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("DELETE FROM tracks WHERE library_id = ?1")?
            .execute([library.as_str()])?;
        for t in tracks {
            let targets = serde_json::to_string(&t.targets).expect("targets serialise");
            self.tx
                .prepare_cached(
                    "INSERT INTO tracks (id, slug, name, description, targets, library_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (id) DO UPDATE SET name = ?3, description = ?4, targets = ?5,
                         library_id = ?6
                     WHERE tracks.library_id IS NOT NULL",
                )?
                .execute(params![
                    t.id.as_str(),
                    t.slug,
                    t.name,
                    t.description,
                    targets,
                    library.as_str()
                ])?;
        }
        Ok(())
    }

    /// Adds `edge`; an edge between the same modules already there is kept as it is.
    /// Returns whether the edge was added.
    pub fn insert_prerequisite(&self, edge: &PrerequisiteEdge) -> rusqlite::Result<bool> {
        let origin = match edge.origin {
            EdgeOrigin::Manifest => "manifest",
            EdgeOrigin::Person => "person",
        };
        let group = serde_json::to_string(&edge.group).expect("groups serialise");
        let n = self
            .tx
            .prepare_cached(
                "INSERT INTO prerequisites (before_id, after_id, grp, origin) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (before_id, after_id) DO NOTHING",
            )?
            .execute(params![edge.before.as_str(), edge.after.as_str(), group, origin])?;
        Ok(n == 1)
    }

    /// Removes the edge `before → after`; returns whether there was one.
    pub fn delete_prerequisite(
        &self,
        before: &ModuleId,
        after: &ModuleId,
    ) -> rusqlite::Result<bool> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM prerequisites WHERE before_id = ?1 AND after_id = ?2")?
            .execute([before.as_str(), after.as_str()])?;
        Ok(n == 1)
    }

    /// Removes the manifest-declared edges into `library`'s modules (before a re-import
    /// declares them again); edges people added are kept.
    pub fn delete_manifest_prerequisites(&self, library: &LibraryId) -> rusqlite::Result<usize> {
        self.tx
            .prepare_cached(
                "DELETE FROM prerequisites WHERE origin = 'manifest'
                 AND after_id IN (SELECT id FROM modules WHERE library_id = ?1)",
            )?
            .execute([library.as_str()])
    }

    /// Records the suggestion `before → after` as dismissed, or (`dismissed` false) takes
    /// the dismissal back. Returns whether anything changed.
    pub fn set_suggestion_dismissed(
        &self,
        before: &ModuleId,
        after: &ModuleId,
        dismissed: bool,
    ) -> rusqlite::Result<bool> {
        let sql = match dismissed {
            true => {
                "INSERT INTO dismissed_suggestions (before_id, after_id) VALUES (?1, ?2)
                 ON CONFLICT (before_id, after_id) DO NOTHING"
            }
            false => "DELETE FROM dismissed_suggestions WHERE before_id = ?1 AND after_id = ?2",
        };
        let n = self
            .tx
            .prepare_cached(sql)?
            .execute([before.as_str(), after.as_str()])?;
        Ok(n == 1)
    }

    /// Sets the group of every edge into `after` (a module's prerequisites combine one way).
    pub fn set_prerequisite_group(
        &self,
        after: &ModuleId,
        group: PrerequisiteGroup,
    ) -> rusqlite::Result<()> {
        let group = serde_json::to_string(&group).expect("groups serialise");
        self.tx
            .prepare_cached("UPDATE prerequisites SET grp = ?2 WHERE after_id = ?1")?
            .execute([after.as_str(), group.as_str()])?;
        Ok(())
    }
}
