//! Libraries and their modules: the project row, libraries, modules (with the content hash
//! re-imports compare), their levels and retirement.

use model::{
    Level, Library, LibraryFormat, LibraryId, Module, ModuleId, ModuleSummary, ProjectId,
    ProjectInfo, TagSource, TagState, Timestamp,
};
use rusqlite::{params, OptionalExtension, Row};

use crate::tags::{tag_source_sql, tag_state_sql};
use crate::{bad_value, json_from_sql, Error, Result, Store, Tx};

impl Store {
    /// The levels people set on modules, by module (see [`Tx::set_level_override`]).
    pub fn level_overrides(&self) -> Result<std::collections::BTreeMap<ModuleId, Level>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT module_id, level FROM module_levels ORDER BY module_id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let level = level_from_sql(r, 1)?.ok_or_else(|| bad_value(1, ""))?;
                Ok((ModuleId(r.get(0)?), level))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// The level `module`'s file gives, kept beside the level a person set for it:
    /// `Some(None)` when the file gives none; `None` when no level is set by hand, or it
    /// was set before files' levels were kept and no import has run since.
    pub fn file_level(&self, module: &ModuleId) -> Result<Option<Option<Level>>> {
        let value: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT file_level FROM module_levels WHERE module_id = ?1",
                [module.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        match value.flatten().as_deref() {
            None => Ok(None),
            Some("none") => Ok(Some(None)),
            Some(text) => match Level::parse(text) {
                Some(l) => Ok(Some(Some(l))),
                None => Err(self.sql(bad_value(0, text))),
            },
        }
    }

    pub fn project(&self) -> Result<ProjectInfo> {
        let version: u32 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        self.conn
            .query_row(
                "SELECT id, name, created_at FROM project WHERE singleton = 1",
                [],
                |r| {
                    Ok(ProjectInfo {
                        id: ProjectId(r.get(0)?),
                        name: r.get(1)?,
                        path: self.path.display().to_string(),
                        created_at: Timestamp(r.get(2)?),
                        schema_version: version,
                    })
                },
            )
            .map_err(|e| self.sql(e))
    }

    /// Each library's modules: (live, retired), by library id.
    pub fn library_module_counts(
        &self,
    ) -> Result<std::collections::HashMap<LibraryId, (u32, u32)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT library_id, SUM(retired = 0), SUM(retired <> 0) FROM modules
                 GROUP BY library_id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| Ok((LibraryId(r.get(0)?), (r.get(1)?, r.get(2)?))))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    pub fn libraries(&self) -> Result<Vec<Library>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, name, source_path, format, imported_at, removed_at FROM libraries
                 ORDER BY name, id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], library_from_row)
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// All modules, in library then file order, without their bodies; each with the skills
    /// it teaches, declared or accepted (what tracks, checks, simulation and exports read).
    pub fn module_summaries(&self) -> Result<Vec<ModuleSummary>> {
        let mut tags = self.taught_tags()?;
        // Read in (library id, position) order straight off an index, then the libraries
        // put in name order here: sorting 50,000 rows by a joined library name in SQL was a
        // third of `graph check` on a 50,000-module catalogue.
        let rank: std::collections::HashMap<LibraryId, usize> = self
            .libraries()?
            .into_iter()
            .enumerate()
            .map(|(i, l)| (l.id, i))
            .collect();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT m.id, m.library_id, m.source_path, m.title, m.duration_minutes, m.level,
                        m.word_count
                 FROM modules m
                 WHERE m.retired = 0
                 ORDER BY m.library_id, m.position",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let id = ModuleId(r.get(0)?);
                Ok(ModuleSummary {
                    tags: tags.remove(&id).unwrap_or_default(),
                    id,
                    library_id: LibraryId(r.get(1)?),
                    source_path: r.get(2)?,
                    title: r.get(3)?,
                    duration_minutes: r.get(4)?,
                    level: level_from_sql(r, 5)?,
                    word_count: r.get(6)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        let mut modules: Vec<ModuleSummary> = rows
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))?;
        // Stable: each library's modules keep their position order.
        modules.sort_by_key(|m| rank.get(&m.library_id).copied().unwrap_or(usize::MAX));
        Ok(modules)
    }

    /// Every module of `library`, retired ones too.
    pub fn library_module_ids(
        &self,
        library: &LibraryId,
    ) -> Result<std::collections::HashSet<ModuleId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM modules WHERE library_id = ?1")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([library.as_str()], |r| Ok(ModuleId(r.get(0)?)))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// Each live module of `library` as a re-import compares it, without reading the
    /// modules back.
    pub fn library_module_hashes(
        &self,
        library: &LibraryId,
    ) -> Result<std::collections::HashMap<ModuleId, StoredModule>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, content_hash, position, source_path FROM modules
                 WHERE library_id = ?1 AND retired = 0",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([library.as_str()], |r| {
                Ok((
                    ModuleId(r.get(0)?),
                    StoredModule {
                        hash: r.get(1)?,
                        position: r.get(2)?,
                        source_path: r.get(3)?,
                    },
                ))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    pub fn module(&self, id: &ModuleId) -> Result<Module> {
        let mut tags = self.declared_tags(None, Some(id))?;
        self.conn
            .query_row(
                &format!("{MODULE_SELECT} WHERE id = ?1"),
                [id.as_str()],
                |r| module_from_row(r, &mut tags),
            )
            .optional()
            .map_err(|e| self.sql(e))?
            .ok_or_else(|| Error::UnknownId {
                what: "module",
                id: id.to_string(),
            })
    }
}

impl Tx<'_> {
    pub fn upsert_library(&self, library: &Library) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO libraries (id, name, source_path, format, imported_at, removed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, source_path = ?3, format = ?4,
                     imported_at = ?5, removed_at = ?6",
            )?
            .execute(params![
                library.id.as_str(),
                library.name,
                library.source_path,
                library.format.as_str(),
                library.imported_at.0,
                library.removed_at.map(|t| t.0),
            ])?;
        Ok(())
    }

    /// Inserts or replaces a module and its declared tags, creating missing skills.
    pub fn upsert_module(
        &self,
        project: &ProjectId,
        module: &Module,
        position: u32,
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO modules (id, library_id, source_path, position, title,
                     duration_minutes, level, word_count, extra, body, content_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (id) DO UPDATE SET library_id = ?2, source_path = ?3,
                     position = ?4, title = ?5, duration_minutes = ?6, level = ?7,
                     word_count = ?8, extra = ?9, body = ?10, content_hash = ?11,
                     retired = 0",
            )?
            .execute(params![
                module.id.as_str(),
                module.library_id.as_str(),
                module.source_path,
                position,
                module.title,
                module.duration_minutes,
                module.level.map(Level::as_str),
                module.word_count,
                serde_json::Value::Object(module.extra.clone()).to_string(),
                module.body,
                module_hash(module),
            ])?;
        self.tx
            .prepare_cached("DELETE FROM tags WHERE module_id = ?1 AND source = 'declared'")?
            .execute([module.id.as_str()])?;
        for (position, slug) in module.tags.iter().enumerate() {
            let skill = self.skill_for_slug(project, slug)?;
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO tags (module_id, skill_id, source, state, position)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    module.id.as_str(),
                    skill.as_str(),
                    tag_source_sql(TagSource::Declared),
                    tag_state_sql(TagState::Accepted),
                    position as i64,
                ])?;
        }
        Ok(())
    }

    /// Retires a module whose file left its library: its tags, edges and history stay, and
    /// it comes back as it was if the file returns.
    pub fn retire_module(&self, id: &ModuleId) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("UPDATE modules SET retired = 1 WHERE id = ?1")?
            .execute([id.as_str()])?;
        Ok(())
    }

    /// Keeps `level` as a person's decision for `module` over what its file says on every
    /// later import; `None` gives the level back to the file. A first decision keeps the
    /// module's level as it was, the file's, beside it ([`Store::file_level`]).
    pub fn set_level_override(
        &self,
        module: &ModuleId,
        level: Option<Level>,
    ) -> rusqlite::Result<()> {
        match level {
            Some(l) => self
                .tx
                .prepare_cached(
                    "INSERT INTO module_levels (module_id, level, file_level)
                     VALUES (?1, ?2, (SELECT COALESCE(level, 'none') FROM modules WHERE id = ?1))
                     ON CONFLICT (module_id) DO UPDATE SET level = ?2",
                )?
                .execute([module.as_str(), l.as_str()])?,
            None => self
                .tx
                .prepare_cached("DELETE FROM module_levels WHERE module_id = ?1")?
                .execute([module.as_str()])?,
        };
        Ok(())
    }

    /// Keeps the level `module`'s file gives (an import's reading) beside the level a person
    /// set for it; nothing when none is set.
    pub fn set_file_level(&self, module: &ModuleId, level: Option<Level>) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("UPDATE module_levels SET file_level = ?2 WHERE module_id = ?1")?
            .execute([module.as_str(), level.map_or("none", Level::as_str)])?;
        Ok(())
    }

    /// Sets a module's level and the content hash that goes with it.
    pub fn set_module_level(
        &self,
        module: &ModuleId,
        level: Option<Level>,
        hash: &str,
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("UPDATE modules SET level = ?2, content_hash = ?3 WHERE id = ?1")?
            .execute(params![module.as_str(), level.map(Level::as_str), hash])?;
        Ok(())
    }
}

/// A module as stored, in the terms a re-import compares: its [`module_hash`], its
/// position in the library and the path it came from.
#[derive(Debug, Clone)]
pub struct StoredModule {
    pub hash: String,
    pub position: u32,
    pub source_path: String,
}

/// What makes a module's imported content: a re-import rewrites a module only when this
/// changes. Fields are length-prefixed so no two modules hash alike by shifting text.
pub fn module_hash(m: &Module) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(m.source_path.as_bytes());
    field(m.title.as_bytes());
    field(&m.duration_minutes.to_le_bytes());
    field(m.level.map(Level::as_str).unwrap_or("").as_bytes());
    field(&m.word_count.to_le_bytes());
    field(
        serde_json::Value::Object(m.extra.clone())
            .to_string()
            .as_bytes(),
    );
    field(m.body.as_bytes());
    field(&(m.tags.len() as u64).to_le_bytes());
    for tag in &m.tags {
        field(tag.as_bytes());
    }
    format!("{:x}", h.finalize())
}

pub(crate) const MODULE_SELECT: &str =
    "SELECT id, library_id, source_path, title, duration_minutes, level,
    word_count, extra, body FROM modules";

pub(crate) fn module_from_row(
    r: &Row<'_>,
    tags: &mut std::collections::HashMap<ModuleId, Vec<String>>,
) -> rusqlite::Result<Module> {
    let id = ModuleId(r.get(0)?);
    Ok(Module {
        tags: tags.remove(&id).unwrap_or_default(),
        id,
        library_id: LibraryId(r.get(1)?),
        source_path: r.get(2)?,
        title: r.get(3)?,
        duration_minutes: r.get(4)?,
        level: level_from_sql(r, 5)?,
        word_count: r.get(6)?,
        extra: json_from_sql(r, 7)?,
        body: r.get(8)?,
    })
}

pub(crate) fn library_from_row(r: &Row<'_>) -> rusqlite::Result<Library> {
    let format: String = r.get(3)?;
    Ok(Library {
        id: LibraryId(r.get(0)?),
        name: r.get(1)?,
        source_path: r.get(2)?,
        format: LibraryFormat::parse(&format).ok_or_else(|| bad_value(3, &format))?,
        imported_at: Timestamp(r.get(4)?),
        removed_at: r.get::<_, Option<i64>>(5)?.map(Timestamp),
    })
}

pub(crate) fn level_from_sql(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Level>> {
    match r.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(s) => Level::parse(&s).map(Some).ok_or_else(|| bad_value(idx, &s)),
    }
}
