//! The operations API: every action a person takes on a project, as plain functions on
//! [`Project`], shared by the `pathforge` CLI and the desktop app.
//!
//! The engine never knows it runs in a window or a terminal: callers pass in the time,
//! the acting person and the paths the user chose, and get plain data or an [`Error`]
//! with a [`model::ErrorKind`] back. Every operation that changes the project validates
//! all its input first and then writes once, in one transaction, with an audit entry.

use std::path::{Path, PathBuf};

use std::collections::HashMap;

use model::{
    Actor, AuditEvent, DerivedEdge, EdgeOrigin, ErrorKind, Finding, ImportReport, LevelSignal,
    Library, LibraryFormat, LibraryId, MergePreview, Module, ModuleId, ModuleInsight,
    ModuleSummary, PrerequisiteEdge, PrerequisiteGroup, PrerequisiteSuggestion, ProjectId,
    ProjectInfo, Severity, Skill, SkillId, SkillMerge, SkillPrerequisite, SkillUse, TagReport,
    TagSource, TagState, TaxonomyFormat, TaxonomyImportReport, Timestamp, Track, TrackId,
    TrackPath, TrackStep,
};
use store::{NewProject, Store};

/// Why an operation failed; `Display` names the file and the reason, in one line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Ingest(#[from] ingest::Error),
    #[error(transparent)]
    Exchange(#[from] exchange::Error),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("refused: {edit} would close the prerequisite cycle {cycle}")]
    Cycle { edit: String, cycle: String },
    #[error("no module matches {0:?}; give its id, its path in the library or its exact title")]
    UnknownModule(String),
    #[error("{0:?} matches several modules ({1}); give its id or its path instead")]
    AmbiguousModule(String, String),
    #[error("there is no prerequisite {0} → {1}")]
    NoSuchPrerequisite(String, String),
    #[error("no track matches {0:?}; give its slug, id or exact name")]
    UnknownTrack(String),
    #[error("no skill has the slug {0:?}")]
    UnknownSkill(String),
    #[error("there is no rule {0:?}")]
    UnknownRule(String),
    #[error("{}: {reason}", path.display())]
    BadFile { path: PathBuf, reason: String },
    #[error("refused: {0}")]
    Refused(String),
    #[error("refused: tracks need a prerequisite graph without cycles, and it has one: {0}")]
    CyclicGraph(String),
    #[error(transparent)]
    Embed(#[from] embed::EmbedError),
    #[error("no model suggestion tags module {module} with skill {skill:?}")]
    NoSuchTag { module: String, skill: String },
    #[error("cancelled")]
    Cancelled,
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Store(e) => e.kind(),
            Error::Ingest(e) => e.kind(),
            Error::Exchange(e) => e.kind(),
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                ErrorKind::NotFound
            }
            Error::Io { .. } => ErrorKind::Io,
            Error::Cycle { .. } => ErrorKind::Conflict,
            Error::CyclicGraph(_) | Error::Refused(_) => ErrorKind::Conflict,
            Error::UnknownSkill(_) | Error::UnknownRule(_) => ErrorKind::UnknownId,
            Error::UnknownModule(_) | Error::NoSuchPrerequisite(..) | Error::UnknownTrack(_) => {
                ErrorKind::UnknownId
            }
            Error::AmbiguousModule(..) | Error::BadFile { .. } => ErrorKind::BadInput,
            Error::Embed(embed::EmbedError::Missing(_)) => ErrorKind::NotFound,
            Error::Embed(embed::EmbedError::Inference(_)) => ErrorKind::Internal,
            Error::Embed(_) => ErrorKind::BadInput,
            Error::NoSuchTag { .. } => ErrorKind::UnknownId,
            Error::Cancelled => ErrorKind::Cancelled,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The file extension of project files.
pub const EXTENSION: &str = "pathforge";

/// An open project.
#[derive(Debug)]
pub struct Project {
    store: Store,
}

impl Project {
    /// Creates a new, empty project file at `path` (never overwriting anything).
    pub fn create(path: &Path, now: Timestamp) -> Result<Project> {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Untitled".to_owned());
        let new = NewProject {
            id: ProjectId::random(),
            name,
            created_at: now,
        };
        Ok(Project {
            store: Store::create(path, &new)?,
        })
    }

    /// Opens an existing project file.
    pub fn open(path: &Path) -> Result<Project> {
        Ok(Project {
            store: Store::open(path)?,
        })
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Writes a consistent copy of the project to `dest` (never over an existing file).
    pub fn backup(&self, dest: &Path) -> Result<()> {
        Ok(self.store.backup_to(dest)?)
    }

    /// Puts the project back as the copy at `from` has it. The project as it is now is
    /// first copied to `keep`, so a restore can itself be undone; the restore is logged
    /// (in the restored log) with both paths.
    pub fn restore(
        &mut self,
        from: &Path,
        keep: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        self.store.restore_from(from, Some(keep))?;
        let after = serde_json::json!({
            "from": from.display().to_string(),
            "kept": keep.display().to_string(),
        });
        self.store.write(|tx| {
            tx.append_audit(
                now,
                actor,
                "project.restored",
                "project",
                &serde_json::Value::Null,
                &after,
            )
        })?;
        Ok(())
    }

    pub fn info(&self) -> Result<ProjectInfo> {
        Ok(self.store.project()?)
    }

    /// Imports (or re-imports) a library: a folder of documents, packages and catalogs, or
    /// one package or catalog file.
    ///
    /// The library is identified by the folder's (or file's) name, so importing it again
    /// — from anywhere — updates it in place: modules whose content hash changed are
    /// rewritten, new ones added, those whose files are gone retired. Every file is read
    /// before anything is written, and everything is written in one transaction: a file
    /// that cannot be read is set aside and named in the report, and a failure leaves the
    /// project as it was.
    pub fn import_library(
        &mut self,
        dir: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<ImportReport> {
        self.import_library_with(dir, actor, now, &mut |_, _| true)
    }

    /// [`Project::import_library`], calling `progress(file, (done, total))` as it reads;
    /// `progress` returning false cancels the import before it writes anything (the error
    /// has kind `Cancelled`).
    pub fn import_library_with(
        &mut self,
        dir: &Path,
        actor: &Actor,
        now: Timestamp,
        progress: &mut dyn FnMut(&str, (u32, u32)) -> bool,
    ) -> Result<ImportReport> {
        let single = |progress: &mut dyn FnMut(&str, (u32, u32)) -> bool| match progress(
            &dir.display().to_string(),
            (0, 1),
        ) {
            true => Ok(()),
            false => Err(ingest::Error::Cancelled),
        };
        let columns = self.column_maps()?;
        let (format, content) = if ingest::is_catalog(dir) {
            single(progress)?;
            let mapped = ingest::columns_for(&columns, dir);
            (
                LibraryFormat::Catalog,
                ingest::read_catalog_with(dir, &mapped)?,
            )
        } else if ingest::is_package(dir) {
            single(progress)?;
            let (kind, content) = ingest::read_package(dir)?;
            let format = match kind {
                ingest::PackageKind::Scorm12 => LibraryFormat::Scorm12,
                ingest::PackageKind::Scorm2004 => LibraryFormat::Scorm2004,
                ingest::PackageKind::Cmi5 => LibraryFormat::Cmi5,
                ingest::PackageKind::CommonCartridge => LibraryFormat::CommonCartridge,
            };
            (format, content)
        } else {
            (
                LibraryFormat::MarkdownFolder,
                ingest::read_library_with(dir, &columns, progress)?,
            )
        };
        // The last chance to cancel: past this point the import is written.
        if !progress("", (1, 1)) {
            return Err(ingest::Error::Cancelled.into());
        }
        let drafts = content.modules;
        let project = self.store.project()?;
        let source = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let name = match format {
            LibraryFormat::MarkdownFolder => source.file_name(),
            _ if source.is_file() => source.file_stem(),
            _ => source.file_name(),
        }
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.display().to_string());
        let library = Library {
            id: LibraryId::derive(&project.id, &name),
            name,
            source_path: source.display().to_string(),
            format,
            imported_at: now,
        };
        let mut existing = self.store.library_module_hashes(&library.id)?;
        // A level a person set in the project outranks what the file says (or not).
        let levels = self.level_overrides()?;
        let modules: Vec<Module> = drafts
            .into_iter()
            .map(|d| {
                let id = ModuleId::derive(&library.id, &d.relative_path);
                Module {
                    level: levels.get(id.as_str()).copied().or(d.level),
                    id,
                    library_id: library.id.clone(),
                    source_path: d.relative_path,
                    title: d.title,
                    duration_minutes: d.duration_minutes,
                    word_count: d.word_count,
                    tags: d.tags,
                    extra: d.extra,
                    body: d.body,
                }
            })
            .collect();

        let (mut added, mut updated, mut unchanged) = (0, 0, 0);
        // Only new modules, changed ones and those that moved in the library are written.
        let mut to_write = Vec::new();
        for (position, m) in modules.iter().enumerate() {
            let position = position as u32;
            match existing.remove(&m.id) {
                None => added += 1,
                Some(old) if old.hash != store::module_hash(m) => updated += 1,
                Some(old) => {
                    unchanged += 1;
                    if old.position == position {
                        continue;
                    }
                }
            }
            to_write.push((position, m));
        }
        // A module whose file could not be read this time is kept as it was, not removed;
        // so are the modules of a package or catalog that could not be read.
        let kept = |id: &ModuleId| {
            let path = existing[id].source_path.as_str();
            content.skipped.iter().any(|s| {
                path == s.relative_path
                    || path
                        .strip_prefix(s.relative_path.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        };
        let removed: Vec<ModuleId> = existing.keys().filter(|id| !kept(id)).cloned().collect();
        let skipped: Vec<model::SkippedFile> = content
            .skipped
            .iter()
            .map(|s| model::SkippedFile {
                path: s.relative_path.clone(),
                kind: s.error.kind(),
                reason: s.error.to_string(),
            })
            .collect();
        // Existing skills keep their ids; slugs merged away resolve to the survivor.
        let aliases = self.store.skill_aliases()?;
        let mut known: HashMap<String, SkillId> = self
            .store
            .skills()?
            .into_iter()
            .map(|s| (s.slug, s.id))
            .collect();
        // Skills the project already has keep the project's version: once imported, the
        // taxonomy is edited in the project (and logged there); a re-import, such as one
        // the watcher starts when a module is saved, must not undo those edits.
        let stored: std::collections::HashSet<SkillId> = known.values().cloned().collect();
        known.extend(aliases.iter().map(|(slug, id)| (slug.clone(), id.clone())));
        let skill_id = |slug: &str| {
            known
                .get(slug)
                .cloned()
                .unwrap_or_else(|| SkillId::derive(&project.id, slug))
        };
        let skills: Vec<Skill> = content
            .manifest
            .iter()
            .flat_map(|m| &m.skills)
            .filter(|s| !aliases.contains_key(&s.slug))
            .map(|s| Skill {
                id: skill_id(&s.slug),
                slug: s.slug.clone(),
                name: s.name.clone(),
                parent_id: s.parent.as_deref().map(skill_id),
                description: s.description.clone(),
                examples: s.examples.clone(),
                retired: false,
            })
            .collect();
        let scale = content
            .manifest
            .as_ref()
            .map(|m| m.scale.clone())
            .unwrap_or_default();
        let cohort = content.manifest.as_ref().and_then(|m| m.cohort.clone());
        let declared_rules: Vec<(String, String, serde_json::Value)> = content
            .manifest
            .iter()
            .flat_map(|m| &m.rules)
            .map(|r| {
                let body = serde_json::to_value(r).expect("rules serialise");
                (r.id.clone(), r.body.kind().to_owned(), body)
            })
            .collect();
        let skill_requires: Vec<(SkillId, SkillId)> = content
            .manifest
            .iter()
            .flat_map(|m| &m.skills)
            .filter(|s| !aliases.contains_key(&s.slug))
            .flat_map(|s| s.requires.iter().map(|r| (skill_id(r), skill_id(&s.slug))))
            .filter(|(b, a)| b != a)
            .collect();
        let tracks: Vec<Track> = content
            .manifest
            .iter()
            .flat_map(|m| &m.tracks)
            .map(|t| Track {
                id: TrackId::derive(&project.id, &t.slug),
                slug: t.slug.clone(),
                name: t.name.clone(),
                description: t.description.clone(),
                targets: t.targets.clone(),
            })
            .collect();
        let library_id = &library.id;
        let declared: Vec<PrerequisiteEdge> = content
            .manifest
            .iter()
            .flat_map(|m| &m.requires)
            .flat_map(|r| {
                let after = ModuleId::derive(library_id, &r.module);
                r.after.iter().map(move |b| PrerequisiteEdge {
                    before: ModuleId::derive(library_id, b),
                    after: after.clone(),
                    group: r.group,
                    origin: EdgeOrigin::Manifest,
                })
            })
            .collect();
        let report = ImportReport {
            library: library.clone(),
            added,
            updated,
            unchanged,
            removed: removed.len() as u32,
            total: modules.len() as u32,
            prerequisites: declared.len() as u32,
            skipped,
        };
        let before = serde_json::json!({ "modules": unchanged + updated + report.removed });
        let after = serde_json::json!({
            "source_path": library.source_path,
            "added": report.added,
            "updated": report.updated,
            "removed": report.removed,
            "modules": report.total,
            "prerequisites": report.prerequisites,
        });
        self.store.write(|tx| {
            tx.upsert_library(&library)?;
            for (position, m) in &to_write {
                tx.upsert_module(&project.id, m, *position)?;
            }
            for id in &removed {
                tx.retire_module(id)?;
            }
            for skill in skills.iter().filter(|s| !stored.contains(&s.id)) {
                tx.upsert_skill(skill)?;
            }
            let declared_skills: Vec<SkillId> = skills.iter().map(|s| s.id.clone()).collect();
            tx.delete_manifest_skill_prerequisites(&declared_skills)?;
            for (before, after) in &skill_requires {
                tx.insert_skill_prerequisite(before, after, EdgeOrigin::Manifest)?;
            }
            tx.replace_library_tracks(&library.id, &tracks)?;
            tx.replace_library_rules(&library.id, &declared_rules)?;
            if let Some(cohort) = &cohort {
                tx.set_setting(
                    COHORT,
                    &serde_json::to_value(cohort).expect("cohorts serialise"),
                )?;
            }
            if !scale.is_empty() {
                tx.set_setting(SCALE, &serde_json::json!(scale))?;
            }
            tx.delete_manifest_prerequisites(&library.id)?;
            for edge in &declared {
                tx.insert_prerequisite(edge)?;
            }
            tx.append_audit(
                now,
                actor,
                "library.imported",
                library.id.as_str(),
                &before,
                &after,
            )?;
            Ok(())
        })?;
        Ok(report)
    }

    fn column_maps(&self) -> Result<ingest::ColumnMaps> {
        Ok(self
            .store
            .setting(CATALOG_COLUMNS)?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default())
    }

    /// How the catalog CSV at `path` would import with its saved column mapping, if any.
    pub fn catalog_preview(&self, path: &Path) -> Result<model::CatalogPreview> {
        let mapped = ingest::columns_for(&self.column_maps()?, path);
        Ok(ingest::preview_catalog(path, &mapped)?)
    }

    /// Saves which columns of the catalog CSV at `path` hold which fields, for this and
    /// every later import of it (a folder holding it included); refused unless the id and
    /// title columns are then found. Logged.
    pub fn map_catalog_columns(
        &mut self,
        path: &Path,
        columns: &model::CatalogColumns,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<model::CatalogPreview> {
        let preview = ingest::preview_catalog(path, columns)?;
        if !preview.ready {
            return Err(ingest::Error::BadInput {
                path: path.to_path_buf(),
                reason: "the mapping names no id or no title column; both are needed".into(),
            }
            .into());
        }
        let key = std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string();
        let mut maps = self.column_maps()?;
        let before = serde_json::to_value(maps.get(&key)).expect("mappings serialise");
        maps.insert(key.clone(), columns.clone());
        let value = serde_json::to_value(&maps).expect("mappings serialise");
        let after = serde_json::to_value(columns).expect("mappings serialise");
        self.store.write(|tx| {
            tx.set_setting(CATALOG_COLUMNS, &value)?;
            tx.append_audit(now, actor, "catalog.columns_mapped", &key, &before, &after)?;
            Ok(())
        })?;
        Ok(preview)
    }

    /// Re-imports each library holding one of `changed` (paths a file watcher reported),
    /// one result per library touched. Paths that no import reads are ignored: the
    /// project's own files (a project saved inside its library would otherwise re-import
    /// itself forever) and hidden files such as editors' swap files.
    pub fn reimport_changed(
        &mut self,
        changed: &[PathBuf],
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<(Library, Result<ImportReport>)>> {
        let own = std::fs::canonicalize(self.path()).unwrap_or_else(|_| self.path().into());
        // The project file and its -wal, -shm and -journal companions.
        let ours = |p: &Path| {
            p.parent() == own.parent()
                && p.file_name()
                    .zip(own.file_name())
                    .is_some_and(|(name, file)| {
                        name.to_string_lossy().starts_with(&*file.to_string_lossy())
                    })
        };
        let read_by_import = |p: &Path, source: &Path| {
            p.strip_prefix(source).is_ok_and(|inside| {
                !inside
                    .components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            }) && !ours(p)
        };
        let mut out = Vec::new();
        for library in self.libraries()? {
            let source = Path::new(&library.source_path);
            if changed.iter().any(|p| read_by_import(p, source)) {
                let report = self.import_library(source, actor, now);
                out.push((library, report));
            }
        }
        Ok(out)
    }

    pub fn libraries(&self) -> Result<Vec<Library>> {
        Ok(self.store.libraries()?)
    }

    /// Every module, without bodies, in library and file order.
    pub fn modules(&self) -> Result<Vec<ModuleSummary>> {
        Ok(self.store.module_summaries()?)
    }

    pub fn module(&self, id: &ModuleId) -> Result<Module> {
        Ok(self.store.module(id)?)
    }

    /// The module's page as the window previews it: its source HTML (or Markdown) read
    /// from the library and sanitised — nothing in it can run or fetch anything.
    pub fn module_preview(&self, id: &ModuleId) -> Result<String> {
        let module = self.store.module(id)?;
        let library = self
            .store
            .libraries()?
            .into_iter()
            .find(|l| l.id == module.library_id)
            .ok_or_else(|| store::Error::UnknownId {
                what: "library",
                id: module.library_id.to_string(),
            })?;
        let launch = module.extra.get("launch").and_then(|v| v.as_str());
        Ok(ingest::preview_page(
            Path::new(&library.source_path),
            &module.source_path,
            launch,
            &module.body,
        )?)
    }

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
            ..TagReport::default()
        };
        let auto_accept = self.auto_accept()?.map(|t| t as f32);

        let skill_texts: Vec<Vec<String>> = leaves.iter().map(autotag::skill_texts).collect();
        let all: Vec<&str> = skill_texts.iter().flatten().map(String::as_str).collect();
        let Some(skill_vectors) = self.vectors(encoder, &all, &mut report, &mut |_| true)? else {
            unreachable!("a progress callback that never cancels");
        };
        let profiles: Vec<autotag::SkillProfile> = leaves
            .iter()
            .zip(&skill_texts)
            .map(|(s, texts)| autotag::SkillProfile {
                id: s.id.clone(),
                vectors: texts
                    .iter()
                    .map(|t| skill_vectors[&autotag::text_hash(t)].clone())
                    .collect(),
            })
            .collect();

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
                .is_some_and(|(h, f)| *h == hash && *f == fingerprint);
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
            let texts: Vec<&str> = prepared.iter().flat_map(|p| p.texts()).collect();
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
            let auto_count = self.store.write(|tx| {
                let mut log = Vec::new();
                let mut auto = Vec::new();
                for a in &analyses {
                    let insight = ModuleInsight {
                        module_id: a.module.clone(),
                        model: Some(model_id.clone()),
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
                    };
                    tx.save_insight(&insight, &a.content_hash, &fingerprint)?;
                    let tags: Vec<(SkillId, f32, Vec<model::Evidence>)> = a
                        .skills
                        .iter()
                        .map(|s| (s.skill.clone(), s.confidence, s.evidence.clone()))
                        .collect();
                    let (_, accepted) =
                        tx.set_model_tags(&a.module, &model_id, &a.content_hash, &tags, auto_accept)?;
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
                tx.append_audit(
                    now,
                    &actor,
                    "modules.tagged",
                    &model_id,
                    &serde_json::Value::Null,
                    &serde_json::json!({ "modules": log }),
                )?;
                if !auto.is_empty() {
                    tx.append_audit(
                        now,
                        &actor,
                        "tags.auto_accepted",
                        &model_id,
                        &serde_json::Value::Null,
                        &serde_json::json!({ "threshold": auto_accept, "tags": auto }),
                    )?;
                }
                Ok(auto.len() as u32)
            })?;
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

    /// The project's auto-accept threshold, if set: suggestions at or above it are
    /// accepted as they are made (logged as the model's acceptances).
    pub fn auto_accept(&self) -> Result<Option<f64>> {
        Ok(self.store.setting(AUTO_ACCEPT)?.and_then(|v| v.as_f64()))
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
                return Err(Error::Refused(format!(
                    "an auto-accept threshold is between 0.5 and 1 (suggestions start at 0.5), not {t}"
                )));
            }
        }
        let before = serde_json::json!(self.auto_accept()?);
        let after = serde_json::json!(threshold);
        self.store.write(|tx| {
            tx.set_setting(AUTO_ACCEPT, &after)?;
            tx.append_audit(
                now,
                actor,
                "review.auto_accept_set",
                AUTO_ACCEPT,
                &before,
                &after,
            )?;
            Ok(())
        })?;
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

    /// The model folder the user chose for this project, if any.
    pub fn model_dir(&self) -> Result<Option<PathBuf>> {
        Ok(self
            .store
            .setting("model.dir")?
            .and_then(|v| v.as_str().map(PathBuf::from)))
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
        let value = dir.map_or(serde_json::Value::Null, |d| d.display().to_string().into());
        self.store.write(|tx| {
            tx.set_setting("model.dir", &value)?;
            tx.append_audit(
                now,
                actor,
                "model.chosen",
                "model.dir",
                &serde_json::Value::Null,
                &value,
            )?;
            Ok(())
        })?;
        Ok(info)
    }

    /// What auto-tagging found in a module, with all its tags and their evidence.
    pub fn module_insight(&self, id: &ModuleId) -> Result<ModuleInsight> {
        self.store.module(id)?;
        Ok(self.store.insight(id)?)
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
            return Err(Error::Refused(format!(
                "a minimum confidence is between 0 and 1, not {m}"
            )));
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

    fn level_overrides(&self) -> Result<HashMap<String, model::Level>> {
        Ok(self
            .store
            .setting(LEVELS)?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default())
    }

    /// Sets a module's level by a person's decision (e.g. over the level guess), kept over
    /// what its file says on every later import; `None` gives the level back to the file
    /// from the next import on.
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
        let mut levels = self.level_overrides()?;
        let before = serde_json::json!({ "level": m.level, "guess": guess, "set": levels.get(module.as_str()) });
        match level {
            Some(l) => {
                levels.insert(module.to_string(), l);
                m.level = Some(l);
            }
            None => {
                levels.remove(module.as_str());
            }
        }
        let value = serde_json::to_value(&levels).expect("levels serialise");
        // The stored hash moves with the level, as an import computing it would.
        let hash = store::module_hash(&m);
        self.store.write(|tx| {
            tx.set_setting(LEVELS, &value)?;
            if level.is_some() {
                tx.set_module_level(module, m.level, &hash)?;
            }
            tx.append_audit(
                now,
                actor,
                "module.level_set",
                module.as_str(),
                &before,
                &serde_json::json!({ "level": level, "note": note }),
            )?;
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
            return Err(Error::Refused(format!(
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
        let added = self.store.write(|tx| {
            let added = tx.replace_tag(module, &from_id, &to_id)?;
            tx.append_audit(
                now,
                actor,
                "tag.edited",
                module.as_str(),
                &serde_json::json!({ "skill": from, "state": tag.state, "confidence": tag.confidence }),
                &serde_json::json!({ "skill": to, "state": "accepted", "replaces": from, "note": note }),
            )?;
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
        self.store.write(|tx| {
            tx.set_tag_state(&edit.module, &from_id, edit.before)?;
            if edit.added {
                tx.remove_person_tag(&edit.module, &to_id)?;
            }
            tx.append_audit(
                now,
                actor,
                "tag.edit_undone",
                edit.module.as_str(),
                &serde_json::json!({ "skill": edit.to, "replaces": edit.from }),
                &serde_json::json!({ "skill": edit.from, "state": edit.before }),
            )?;
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
        let mut items: Vec<serde_json::Value> = Vec::with_capacity(changes.len());
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
        self.store.write(|tx| {
            for t in &changes {
                tx.set_tag_state(&t.module_id, &t.skill_id, state)?;
            }
            tx.append_audit(
                now,
                actor,
                if changes.len() == 1 {
                    "tag.decided"
                } else {
                    "tags.decided"
                },
                &changes[0].module_id.to_string(),
                &serde_json::json!({ "tags": items }),
                &serde_json::json!({ "state": state, "note": note, "count": changes.len() }),
            )?;
            Ok(())
        })?;
        Ok(changes.len())
    }

    fn skill_by_slug(&self, slug: &str) -> Result<SkillId> {
        Ok(self
            .store
            .skills()?
            .into_iter()
            .find(|s| s.slug == slug)
            .ok_or_else(|| Error::UnknownSkill(slug.to_owned()))?
            .id)
    }

    /// Vectors of `texts` by hash: from the cache, or embedded now and cached. `None`
    /// when `progress` cancelled the embedding.
    fn vectors(
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

    /// Checks the audit log's hash chain (see [`store::Store::verify_audit`]).
    pub fn verify_audit(&self) -> Result<model::AuditCheck> {
        Ok(self.store.verify_audit()?)
    }

    /// The audit log as CSV (one row per entry; actor, before and after as JSON text)
    /// or as a JSON array, each entry with its chain hash.
    pub fn export_audit(&self, format: model::AuditFormat) -> Result<String> {
        let events = self.store.audit_events()?;
        let hashes = self.store.audit_hashes()?;
        match format {
            model::AuditFormat::Json => {
                let rows: Vec<serde_json::Value> = events
                    .iter()
                    .zip(&hashes)
                    .map(|(e, h)| {
                        let mut v = serde_json::to_value(e).expect("audit events serialise");
                        v["hash"] = h.clone().into();
                        v
                    })
                    .collect();
                Ok(serde_json::to_string_pretty(&rows).expect("JSON serialises"))
            }
            model::AuditFormat::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                let csv_err = |e: csv::Error| Error::Refused(format!("CSV: {e}"));
                w.write_record([
                    "seq", "at_ms", "actor", "action", "object", "before", "after", "hash",
                ])
                .map_err(csv_err)?;
                for (e, h) in events.iter().zip(&hashes) {
                    w.write_record([
                        e.seq.to_string(),
                        e.at.0.to_string(),
                        serde_json::to_string(&e.actor).expect("actors serialise"),
                        e.action.clone(),
                        e.object.clone(),
                        e.before.to_string(),
                        e.after.to_string(),
                        h.clone(),
                    ])
                    .map_err(csv_err)?;
                }
                let bytes = w
                    .into_inner()
                    .map_err(|e| Error::Refused(format!("CSV: {e}")))?;
                Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
            }
        }
    }

    pub fn audit_log(&self) -> Result<Vec<AuditEvent>> {
        Ok(self.store.audit_events()?)
    }

    pub fn prerequisites(&self) -> Result<Vec<PrerequisiteEdge>> {
        Ok(self.store.prerequisites()?)
    }

    /// Finds a module by id, by path in its library, or by exact title (if unique).
    pub fn resolve_module(&self, reference: &str) -> Result<ModuleSummary> {
        let modules = self.store.module_summaries()?;
        let by = |f: &dyn Fn(&ModuleSummary) -> bool| -> Vec<&ModuleSummary> {
            modules.iter().filter(|m| f(m)).collect()
        };
        for matches in [
            by(&|m| m.id.as_str() == reference),
            by(&|m| m.source_path == reference),
            by(&|m| m.title == reference),
        ] {
            match matches.as_slice() {
                [] => continue,
                [one] => return Ok((*one).clone()),
                many => {
                    let ids = many
                        .iter()
                        .map(|m| m.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    return Err(Error::AmbiguousModule(reference.to_owned(), ids));
                }
            }
        }
        Err(Error::UnknownModule(reference.to_owned()))
    }

    /// The project's rule set: the rules people wrote (or libraries declared), plus one
    /// unlock rule per module with prerequisites, derived from the graph.
    pub fn rules(&self) -> Result<rules::RuleSet> {
        let mut set = rules::RuleSet {
            schema: rules::SCHEMA.to_owned(),
            rules: Vec::new(),
        };
        for (id, body) in self.store.rules()? {
            let rule: rules::Rule = serde_json::from_value(body)
                .map_err(|e| Error::Refused(format!("stored rule {id:?} no longer reads: {e}")))?;
            set.rules.push(rule);
        }
        let modules = self.store.module_summaries()?;
        let key: HashMap<&ModuleId, &str> = modules
            .iter()
            .map(|m| (&m.id, m.source_path.as_str()))
            .collect();
        let title: HashMap<&ModuleId, &str> =
            modules.iter().map(|m| (&m.id, m.title.as_str())).collect();
        let mut by_module: Vec<(&ModuleId, Vec<&ModuleId>, PrerequisiteGroup)> = Vec::new();
        let edges = self.store.prerequisites()?;
        for e in &edges {
            match by_module.iter_mut().find(|(m, _, _)| *m == &e.after) {
                Some((_, reqs, _)) => reqs.push(&e.before),
                None => by_module.push((&e.after, vec![&e.before], e.group)),
            }
        }
        by_module.sort_by_key(|(m, _, _)| key[m]);
        for (module, requires, group) in by_module {
            let id = format!("unlock:{}", key[module]);
            if set.rules.iter().any(|r| r.id == id) {
                continue; // a person's rule for this module wins
            }
            let names: Vec<String> = requires.iter().map(|r| format!("“{}”", title[r])).collect();
            let (group, how) = match group {
                PrerequisiteGroup::AllOf => (rules::Group::AllOf, "all of"),
                PrerequisiteGroup::AnyOf => (rules::Group::AnyOf, "any of"),
                PrerequisiteGroup::NOf { n } => (rules::Group::NOf(n), "enough of"),
            };
            set.rules.push(rules::Rule {
                id,
                explanation: format!("“{}” opens after {how} {}", title[module], names.join(", ")),
                origin: rules::Origin::Graph,
                body: rules::RuleBody::Unlock {
                    module: key[module].to_owned(),
                    requires: requires.iter().map(|r| key[r].to_owned()).collect(),
                    group,
                    min_score: None,
                },
            });
        }
        Ok(set)
    }

    /// Saves a rule written or edited by a person (replacing any rule with its id; an
    /// edited graph-derived rule becomes the person's). Returns the checker's findings
    /// for the whole rule set afterwards, so an editor can show them live.
    pub fn save_rule(
        &mut self,
        mut rule: rules::Rule,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<Finding>> {
        if rule.id.trim().is_empty() {
            return Err(Error::Refused("a rule needs an id".to_owned()));
        }
        rule.origin = rules::Origin::Person;
        let before = self
            .store
            .rules()?
            .into_iter()
            .find(|(id, _)| *id == rule.id)
            .map(|(_, body)| body)
            .unwrap_or(serde_json::Value::Null);
        let body = serde_json::to_value(&rule).expect("rules serialise");
        self.store.write(|tx| {
            tx.upsert_rule(&rule.id, rule.body.kind(), &body)?;
            tx.append_audit(now, actor, "rule.saved", &rule.id, &before, &body)?;
            Ok(())
        })?;
        self.check_rules()
    }

    /// Deletes a rule a person or a library wrote. Rules derived from the graph cannot be
    /// deleted here: change the prerequisites instead.
    pub fn delete_rule(&mut self, id: &str, actor: &Actor, now: Timestamp) -> Result<Vec<Finding>> {
        let before = self
            .store
            .rules()?
            .into_iter()
            .find(|(r, _)| r == id)
            .map(|(_, body)| body);
        let Some(before) = before else {
            return Err(if self.rules()?.rules.iter().any(|r| r.id == id) {
                Error::Refused(format!("rule {id:?} follows from the prerequisite graph; change the prerequisites instead"))
            } else {
                Error::UnknownRule(id.to_owned())
            });
        };
        self.store.write(|tx| {
            tx.delete_rule(id)?;
            tx.append_audit(
                now,
                actor,
                "rule.deleted",
                id,
                &before,
                &serde_json::Value::Null,
            )?;
            Ok(())
        })?;
        self.check_rules()
    }

    /// Which rules would fire for a sample learner: enrolled with `attributes`, then
    /// scoring `scores` (module path → %) on day 1, in that order.
    pub fn why(
        &self,
        attributes: &rules::Attributes,
        scores: &[(String, f64)],
    ) -> Result<Vec<rules::Decision>> {
        let learner = "sample learner".to_owned();
        let mut events = vec![rules::Event {
            learner: learner.clone(),
            day: 0,
            kind: rules::EventKind::Enrolled {
                attributes: attributes.clone(),
            },
        }];
        events.extend(scores.iter().map(|(module, score)| rules::Event {
            learner: learner.clone(),
            day: 1,
            kind: rules::EventKind::Scored {
                module: module.clone(),
                score: *score,
                categories: Default::default(),
            },
        }));
        self.run_rules(&events)
    }

    /// Every problem in the rule set, against the modules, tracks and graph.
    pub fn check_rules(&self) -> Result<Vec<Finding>> {
        let set = self.rules()?;
        let (modules, tracks, edges) = self.rule_context()?;
        Ok(rules::check(
            &set,
            &rules::Curriculum {
                modules: &modules,
                tracks: &tracks,
                edges: &edges,
            },
        ))
    }

    /// Dry-runs the rule set on `events` and returns every decision, explained.
    pub fn run_rules(&self, events: &[rules::Event]) -> Result<Vec<rules::Decision>> {
        let set = self.rules()?;
        let (modules, tracks, edges) = self.rule_context()?;
        rules::run(
            &set,
            &rules::Curriculum {
                modules: &modules,
                tracks: &tracks,
                edges: &edges,
            },
            events,
        )
        .map_err(Error::Refused)
    }

    fn rule_context(&self) -> Result<RuleContext> {
        let modules = self.store.module_summaries()?;
        let index: HashMap<&ModuleId, usize> = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (&m.id, i))
            .collect();
        let edges = self
            .store
            .prerequisites()?
            .iter()
            .map(|e| (index[&e.before], index[&e.after]))
            .collect();
        let tracks = self.store.tracks()?.into_iter().map(|t| t.slug).collect();
        let infos = modules
            .into_iter()
            .map(|m| rules::ModuleInfo {
                key: m.source_path,
                id: m.id.0,
                title: m.title,
                tags: m.tags,
            })
            .collect();
        Ok((infos, tracks, edges))
    }

    /// The content files of a rule bundle — `rules.json`, `taxonomy.case.json`,
    /// `graph.json` — and the bundle id. Refused while the graph or the rules have errors:
    /// nothing ships that cannot run. Time inside the files is the project's last change,
    /// so the same project always gives the same bytes.
    pub fn bundle_files(&self) -> Result<BundleContent> {
        self.refuse_errors()?;
        let project = self.store.project()?;
        // Building a bundle is itself logged; that must not change the next build.
        let last_change = self.last_change()?;
        let rules = serde_json::to_vec_pretty(&self.rules()?).expect("rules serialise");
        let case =
            serde_json::to_vec_pretty(&exchange::case_export(&self.framework()?, last_change))
                .expect("JSON values serialise");
        let modules = self.store.module_summaries()?;
        let key: HashMap<&ModuleId, &str> = modules
            .iter()
            .map(|m| (&m.id, m.source_path.as_str()))
            .collect();
        let prerequisites = self.store.prerequisites()?;
        let graph = bundle::GraphDoc {
            edges: prerequisites
                .iter()
                .map(|e| (key[&e.before].to_owned(), key[&e.after].to_owned()))
                .collect(),
            requirements: prerequisites
                .iter()
                .filter(|e| e.group != PrerequisiteGroup::AllOf)
                .map(|e| (key[&e.after].to_owned(), e.group))
                .collect(),
            modules: modules
                .iter()
                .map(|m| bundle::GraphModule {
                    path: m.source_path.clone(),
                    title: m.title.clone(),
                    duration_minutes: m.duration_minutes,
                    skills: m.tags.clone(),
                    level: m.level,
                })
                .collect(),
            tracks: self
                .store
                .tracks()?
                .into_iter()
                .map(|t| bundle::GraphTrack {
                    slug: t.slug,
                    name: t.name,
                    targets: t.targets,
                })
                .collect(),
        };
        let graph = serde_json::to_vec_pretty(&graph).expect("graphs serialise");
        let id = SkillId::derive(&project.id, "\u{1f}bundle").0;
        Ok((
            id,
            vec![
                ("graph.json".to_owned(), graph),
                ("rules.json".to_owned(), rules),
                ("taxonomy.case.json".to_owned(), case),
            ],
        ))
    }

    /// Records that a bundle was built (the audit log is the history of what shipped).
    pub fn record_bundle(
        &mut self,
        version: &str,
        path: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let project = self.store.project()?;
        let after = serde_json::json!({ "version": version, "file": path.display().to_string() });
        self.store.write(|tx| {
            tx.append_audit(
                now,
                actor,
                "bundle.built",
                project.id.as_str(),
                &serde_json::Value::Null,
                &after,
            )?;
            Ok(())
        })?;
        Ok(())
    }

    /// The proficiency scale skills are rated on, lowest first (empty until declared).
    pub fn proficiency_scale(&self) -> Result<Vec<String>> {
        Ok(self
            .store
            .setting(SCALE)?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default())
    }

    /// The skill taxonomy, parents before children.
    pub fn skills(&self) -> Result<Vec<Skill>> {
        Ok(self.store.skills()?)
    }

    pub fn tracks(&self) -> Result<Vec<Track>> {
        Ok(self.store.tracks()?)
    }

    /// Every problem in the prerequisite graph, the tracks and the taxonomy, most serious
    /// first. Tracks are only checked on a graph without cycles.
    pub fn check_graph(&self) -> Result<Vec<Finding>> {
        let (graph, modules, _) = self.graph()?;
        let mut findings = graph::lint(&graph);
        if !findings.iter().any(is_cycle) {
            let skills = self.store.skills()?;
            let tracks = self.store.tracks()?;
            let parents = parent_slugs(&skills);
            let data = CurriculumData::new(&modules);
            let skill_specs: Vec<graph::SkillSpec<'_>> = skills
                .iter()
                .filter(|s| !s.retired)
                .map(|s| graph::SkillSpec {
                    id: s.id.as_str(),
                    slug: &s.slug,
                    name: &s.name,
                })
                .collect();
            let track_specs: Vec<graph::TrackSpec<'_>> = tracks
                .iter()
                .map(|t| graph::TrackSpec {
                    id: t.id.as_str(),
                    name: &t.name,
                    targets: &t.targets,
                })
                .collect();
            findings.extend(graph::lint_curriculum(
                &graph,
                &data.curriculum(&parents),
                &skill_specs,
                &track_specs,
            ));
            let (specs, requires) = self.skill_specs(&skills)?;
            findings.extend(graph::lint_skills(
                &graph,
                &data.curriculum(&parents),
                &specs,
                &requires,
            ));
            findings.sort_by(|a, b| {
                (a.severity, a.code, &a.message).cmp(&(b.severity, b.code, &b.message))
            });
        }
        Ok(findings)
    }

    /// Adds a skill to the taxonomy, under `parent` (a slug) or at the root.
    pub fn add_skill(
        &mut self,
        slug: &str,
        name: &str,
        parent: Option<&str>,
        description: &str,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Skill> {
        let skills = self.store.skills()?;
        let slug = slug.trim();
        if slug.is_empty() || name.trim().is_empty() {
            return Err(Error::Refused("a skill needs a slug and a name".to_owned()));
        }
        let slug_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c);
        if !slug.chars().all(slug_char) || !slug.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(Error::Refused(format!(
                "{slug:?} is not a slug: use lower-case letters, digits, '-', '_' or '.' (e.g. data-quality)"
            )));
        }
        if skills.iter().any(|s| s.slug == slug) {
            return Err(Error::Refused(format!(
                "a skill with the slug {slug:?} already exists"
            )));
        }
        let parent_id = parent
            .map(|p| find_skill(&skills, p).map(|s| s.id.clone()))
            .transpose()?;
        let project = self.store.project()?;
        let skill = Skill {
            id: SkillId::derive(&project.id, slug),
            slug: slug.to_owned(),
            name: name.trim().to_owned(),
            parent_id,
            description: description.to_owned(),
            examples: Vec::new(),
            retired: false,
        };
        let after = serde_json::to_value(&skill).expect("skills serialise");
        self.store.write(|tx| {
            tx.upsert_skill(&skill)?;
            tx.append_audit(
                now,
                actor,
                "skill.added",
                skill.id.as_str(),
                &serde_json::Value::Null,
                &after,
            )?;
            Ok(())
        })?;
        Ok(skill)
    }

    /// Renames, moves (`Some(None)` = to the root) or retires/reinstates a skill. Moving a
    /// skill under itself or one of its descendants is refused, naming the loop.
    pub fn edit_skill(
        &mut self,
        slug: &str,
        edit: SkillEdit,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Skill> {
        let skills = self.store.skills()?;
        let before = find_skill(&skills, slug)?.clone();
        let mut after = before.clone();
        if let Some(name) = edit.name {
            if name.trim().is_empty() {
                return Err(Error::Refused("a skill's name cannot be empty".to_owned()));
            }
            after.name = name.trim().to_owned();
        }
        if let Some(parent) = edit.parent {
            after.parent_id = match parent {
                None => None,
                Some(p) => {
                    let target = find_skill(&skills, &p)?;
                    let mut chain = vec![target.name.clone()];
                    let mut at = Some(&target.id);
                    while let Some(id) = at {
                        if *id == before.id {
                            chain.reverse();
                            return Err(Error::Refused(format!(
                                "moving “{}” under “{}” would make it its own ancestor ({})",
                                before.name,
                                target.name,
                                chain.join(" → ")
                            )));
                        }
                        let s = skills.iter().find(|s| &s.id == id).expect("parents exist");
                        at = s.parent_id.as_ref();
                        if let Some(pid) = at {
                            chain.push(
                                skills
                                    .iter()
                                    .find(|s| &s.id == pid)
                                    .expect("parents exist")
                                    .name
                                    .clone(),
                            );
                        }
                    }
                    Some(target.id.clone())
                }
            };
        }
        if let Some(retired) = edit.retired {
            after.retired = retired;
        }
        if let Some(description) = edit.description {
            after.description = description.trim().to_owned();
        }
        if let Some(examples) = edit.examples {
            after.examples = examples
                .iter()
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty())
                .collect();
        }
        let (b, a) = (
            serde_json::to_value(&before).expect("serialises"),
            serde_json::to_value(&after).expect("serialises"),
        );
        self.store.write(|tx| {
            tx.upsert_skill(&after)?;
            tx.set_skill_retired(&after.id, after.retired)?;
            tx.append_audit(now, actor, "skill.edited", after.id.as_str(), &b, &a)?;
            Ok(())
        })?;
        Ok(after)
    }

    /// Removes a skill nothing uses (no tags, sub-skills, skill prerequisites, aliases or
    /// track targets): the undo of adding one. A skill in use is retired or merged instead.
    pub fn remove_skill(&mut self, slug: &str, actor: &Actor, now: Timestamp) -> Result<()> {
        let skills = self.store.skills()?;
        let skill = find_skill(&skills, slug)?.clone();
        let snap = self.store.merge_snapshot(&skill, &skill.id)?;
        let in_tracks = self
            .store
            .tracks()?
            .iter()
            .any(|t| t.targets.iter().any(|x| x.skill == skill.slug));
        let uses = [
            (snap.tags.len(), "tags"),
            (snap.children.len(), "sub-skills"),
            (snap.prerequisites.len(), "skill prerequisites"),
            (snap.aliases.len(), "merged skills"),
            (usize::from(in_tracks), "tracks"),
        ];
        let used: Vec<String> = uses
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        if !used.is_empty() {
            return Err(Error::Refused(format!(
                "“{}” is in use ({}); retire it or merge it into another skill instead",
                skill.name,
                used.join(", ")
            )));
        }
        let before = serde_json::to_value(&skill).expect("serialises");
        self.store.write(|tx| {
            tx.delete_skill(&skill.id)?;
            tx.append_audit(
                now,
                actor,
                "skill.removed",
                skill.id.as_str(),
                &before,
                &serde_json::Value::Null,
            )?;
            Ok(())
        })?;
        Ok(())
    }

    /// The modules each skill is taught by and suggested for (skills without tags omitted).
    pub fn skill_uses(&self) -> Result<Vec<SkillUse>> {
        let mut uses: Vec<SkillUse> = Vec::new();
        let mut at: HashMap<SkillId, usize> = HashMap::new();
        for tag in self.store.all_tags()? {
            let taught = match (tag.source, tag.state) {
                (_, TagState::Rejected) => continue,
                (TagSource::Model, TagState::Suggested) => false,
                _ => true,
            };
            let i = *at.entry(tag.skill_id.clone()).or_insert_with(|| {
                uses.push(SkillUse {
                    skill: tag.skill_id.clone(),
                    taught: Vec::new(),
                    suggested: Vec::new(),
                });
                uses.len() - 1
            });
            let list = if taught {
                &mut uses[i].taught
            } else {
                &mut uses[i].suggested
            };
            if !list.contains(&tag.module_id) {
                list.push(tag.module_id);
            }
        }
        Ok(uses)
    }

    /// What [`Project::merge_skill`] would change, without changing anything.
    pub fn merge_preview(&self, from: &str, into: &str) -> Result<MergePreview> {
        let skills = self.store.skills()?;
        let (source, target) = merge_pair(&skills, from, into)?;
        let snap = self.store.merge_snapshot(source, &target.id)?;
        let mut modules = Vec::new();
        let (mut tags, mut duplicates) = (0, 0);
        for row in &snap.tags {
            let field = |k: &str| row.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            let (module, origin) = (field("module_id"), field("source"));
            if snap
                .into_tags
                .iter()
                .any(|(m, s)| m == module && s == origin)
            {
                duplicates += 1;
            } else {
                tags += 1;
                if !modules.iter().any(|m: &ModuleId| m.as_str() == module) {
                    modules.push(ModuleId(module.to_owned()));
                }
            }
        }
        let name = |id: &SkillId| {
            skills
                .iter()
                .find(|s| &s.id == id)
                .map_or_else(|| id.to_string(), |s| s.name.clone())
        };
        Ok(MergePreview {
            from: source.clone(),
            into: target.clone(),
            tags,
            modules,
            duplicates,
            children: snap.children.iter().map(name).collect(),
            tracks: self
                .store
                .tracks()?
                .into_iter()
                .filter(|t| t.targets.iter().any(|x| x.skill == source.slug))
                .map(|t| t.name)
                .collect(),
            prerequisites: snap.prerequisites.len() as u32,
        })
    }

    /// Undoes the merge logged at audit position `audit`: the merged skill comes back with
    /// its tags, sub-skills, aliases, skill prerequisites and track targets as they were.
    /// Refused when the survivor is gone or the skill already exists again.
    pub fn unmerge_skill(&mut self, audit: i64, actor: &Actor, now: Timestamp) -> Result<Skill> {
        let event = self
            .store
            .audit_events()?
            .into_iter()
            .find(|e| e.seq == audit && e.action == "skill.merged")
            .ok_or_else(|| {
                Error::Refused(format!("audit entry {audit} is not a merge of skills"))
            })?;
        let (snap, tracks): (store::MergeSnapshot, Vec<Track>) =
            serde_json::from_value(event.before["snapshot"].clone())
                .ok()
                .zip(serde_json::from_value(event.before["tracks"].clone()).ok())
                .ok_or_else(|| {
                    Error::Refused(format!(
                "the merge at audit entry {audit} was recorded without what undoing it needs"
            ))
                })?;
        let skills = self.store.skills()?;
        if skills
            .iter()
            .any(|s| s.id == snap.skill.id || s.slug == snap.skill.slug)
        {
            return Err(Error::Refused(format!(
                "“{}” exists again; the merge is already undone",
                snap.skill.name
            )));
        }
        if !skills.iter().any(|s| s.id == snap.into) {
            return Err(Error::Refused(format!(
                "the skill “{}” was merged into no longer exists",
                snap.skill.name
            )));
        }
        let after = serde_json::to_value(&snap.skill).expect("serialises");
        self.store.write(|tx| {
            tx.unmerge_skill(&snap)?;
            for t in &tracks {
                tx.set_track_targets(&t.id, &t.targets)?;
            }
            let before = serde_json::json!({ "merge": audit });
            tx.append_audit(
                now,
                actor,
                "skill.unmerged",
                snap.skill.id.as_str(),
                &before,
                &after,
            )?;
            Ok(())
        })?;
        Ok(snap.skill)
    }

    /// Merges skill `from` into `into`: its tags, sub-skills and track targets move to
    /// `into`, its slug becomes an alias (content tagged with it lands on `into` on
    /// re-import), and it is removed. The audit entry keeps what undoing it needs
    /// ([`Project::unmerge_skill`]).
    pub fn merge_skill(
        &mut self,
        from: &str,
        into: &str,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<SkillMerge> {
        let skills = self.store.skills()?;
        let (source, target) = merge_pair(&skills, from, into)?;
        let (source, target) = (source.clone(), target.clone());
        let old_tracks: Vec<Track> = self
            .store
            .tracks()?
            .into_iter()
            .filter(|t| t.targets.iter().any(|x| x.skill == source.slug))
            .collect();
        let tracks: Vec<Track> = old_tracks
            .iter()
            .cloned()
            .map(|mut t| {
                for x in &mut t.targets {
                    if x.skill == source.slug {
                        x.skill = target.slug.clone();
                    }
                }
                t
            })
            .collect();
        let moved = self.store.write(|tx| {
            let snapshot = tx.merge_snapshot(&source, &target.id)?;
            let before = serde_json::json!({ "skill": source, "snapshot": snapshot, "tracks": old_tracks });
            let (tags, children) = tx.merge_skill(&source, &target.id)?;
            for t in &tracks {
                tx.set_track_targets(&t.id, &t.targets)?;
            }
            let after = serde_json::json!({ "merged_into": target.id, "tags": tags, "children": children, "tracks": tracks.len() });
            let audit =
                tx.append_audit(now, actor, "skill.merged", source.id.as_str(), &before, &after)?;
            Ok(SkillMerge {
                tags: tags as u32,
                children: children as u32,
                tracks: tracks.len() as u32,
                audit,
            })
        })?;
        Ok(moved)
    }

    /// Skill prerequisites, by slug.
    pub fn skill_prerequisites(&self) -> Result<Vec<SkillPrerequisite>> {
        let skills = self.store.skills()?;
        let slug: HashMap<&SkillId, &str> =
            skills.iter().map(|s| (&s.id, s.slug.as_str())).collect();
        Ok(self
            .store
            .skill_prerequisites()?
            .into_iter()
            .map(|(b, a, origin)| SkillPrerequisite {
                before: slug[&b].to_owned(),
                after: slug[&a].to_owned(),
                origin,
            })
            .collect())
    }

    /// Makes skill `before` a prerequisite of skill `after` (slugs), refusing cycles (the
    /// error names the cycle). Returns false when it was already there.
    pub fn add_skill_prerequisite(
        &mut self,
        before: &str,
        after: &str,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<bool> {
        let skills = self.store.skills()?;
        let (b, a) = (
            find_skill(&skills, before)?.clone(),
            find_skill(&skills, after)?.clone(),
        );
        let (graph, index) = self.skill_graph(&skills)?;
        if let Some(cycle) = graph.cycle_if_added(index[&b.id], index[&a.id]) {
            return Err(Error::Cycle {
                edit: format!("“{}” → “{}”", b.name, a.name),
                cycle: graph.describe(&cycle),
            });
        }
        let object = format!("{}->{}", b.id, a.id);
        let after_json = serde_json::json!({ "before": before, "after": after });
        Ok(self.store.write(|tx| {
            let added = tx.insert_skill_prerequisite(&b.id, &a.id, EdgeOrigin::Person)?;
            tx.append_audit(
                now,
                actor,
                "skill_prerequisite.added",
                &object,
                &serde_json::Value::Null,
                &after_json,
            )?;
            Ok(added)
        })?)
    }

    /// Removes the skill prerequisite `before → after` (slugs).
    pub fn remove_skill_prerequisite(
        &mut self,
        before: &str,
        after: &str,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let skills = self.store.skills()?;
        let (b, a) = (
            find_skill(&skills, before)?.clone(),
            find_skill(&skills, after)?.clone(),
        );
        let object = format!("{}->{}", b.id, a.id);
        let before_json = serde_json::json!({ "before": before, "after": after });
        let removed = self.store.write(|tx| {
            let removed = tx.delete_skill_prerequisite(&b.id, &a.id)?;
            if removed {
                tx.append_audit(
                    now,
                    actor,
                    "skill_prerequisite.removed",
                    &object,
                    &before_json,
                    &serde_json::Value::Null,
                )?;
            }
            Ok(removed)
        })?;
        if !removed {
            return Err(Error::NoSuchPrerequisite(
                before.to_owned(),
                after.to_owned(),
            ));
        }
        Ok(())
    }

    /// Module orders implied by skill prerequisites that the graph does not have yet
    /// (either way), each explained.
    pub fn derived_edges(&self) -> Result<Vec<DerivedEdge>> {
        let (graph, modules, _) = self.graph()?;
        let skills = self.store.skills()?;
        let parents = parent_slugs(&skills);
        let data = CurriculumData::new(&modules);
        let (specs, requires) = self.skill_specs(&skills)?;
        Ok(
            graph::derived_edges(&graph, &data.curriculum(&parents), &specs, &requires)
                .into_iter()
                .map(|(a, b, x, y)| DerivedEdge {
                    before: modules[a].id.clone(),
                    after: modules[b].id.clone(),
                    because: format!(
                        "“{}” teaches “{}”, which requires “{}”, which “{}” teaches",
                        modules[b].title, skills[y].name, skills[x].name, modules[a].title
                    ),
                })
                .collect(),
        )
    }

    /// Skills as the graph crate sees them and skill prerequisites by index.
    fn skill_specs<'a>(&self, skills: &'a [Skill]) -> Result<SkillSpecs<'a>> {
        let index: HashMap<&SkillId, usize> =
            skills.iter().enumerate().map(|(i, s)| (&s.id, i)).collect();
        let specs = skills
            .iter()
            .map(|s| graph::SkillSpec {
                id: s.id.as_str(),
                slug: &s.slug,
                name: &s.name,
            })
            .collect();
        let requires = self
            .store
            .skill_prerequisites()?
            .iter()
            .filter_map(|(b, a, _)| Some((*index.get(b)?, *index.get(a)?)))
            .collect();
        Ok((specs, requires))
    }

    fn skill_graph(&self, skills: &[Skill]) -> Result<(graph::Graph, HashMap<SkillId, usize>)> {
        let index: HashMap<SkillId, usize> = skills
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let nodes = skills
            .iter()
            .map(|s| graph::Node {
                id: s.id.to_string(),
                name: s.name.clone(),
            })
            .collect();
        let edges: Vec<graph::Edge> = self
            .store
            .skill_prerequisites()?
            .iter()
            .filter_map(|(b, a, _)| {
                Some(graph::Edge {
                    before: *index.get(b)?,
                    after: *index.get(a)?,
                    group: PrerequisiteGroup::AllOf,
                })
            })
            .collect();
        Ok((graph::Graph::new(nodes, &edges), index))
    }

    /// Up to `limit` prerequisite edges the content suggests (none the graph already
    /// implies), best first.
    pub fn suggest_prerequisites(&self, limit: usize) -> Result<Vec<PrerequisiteSuggestion>> {
        let (graph, summaries, _) = self.graph()?;
        let modules: Vec<Module> = summaries
            .iter()
            .map(|m| self.store.module(&m.id))
            .collect::<store::Result<_>>()?;
        let texts: Vec<graph::ModuleText<'_>> = modules
            .iter()
            .map(|m| graph::ModuleText {
                title: &m.title,
                body: &m.body,
                tags: &m.tags,
                level: m.level,
            })
            .collect();
        let signals = graph::Signals { titles: true };
        Ok(graph::suggest(&graph, &texts, signals, limit)
            .into_iter()
            .map(|s| PrerequisiteSuggestion {
                before: modules[s.before].id.clone(),
                before_title: modules[s.before].title.clone(),
                after: modules[s.after].id.clone(),
                after_title: modules[s.after].title.clone(),
                confidence: s.confidence,
                evidence: s.evidence,
            })
            .collect())
    }

    /// The taxonomy in `format`, ready to write to a file.
    pub fn export_taxonomy(&self, format: TaxonomyFormat, now: Timestamp) -> Result<String> {
        let framework = self.framework()?;
        Ok(match format {
            TaxonomyFormat::Case => {
                let package = exchange::case_export(&framework, now);
                serde_json::to_string_pretty(&package).expect("JSON values serialise") + "\n"
            }
            TaxonomyFormat::Csv => exchange::csv_export(&framework.skills),
            TaxonomyFormat::MoodleCsv => exchange::moodle_export(&framework),
        })
    }

    /// Merges the framework in `path` into the taxonomy: skills are matched by slug
    /// (CASE `humanCodingScheme`), updated in place, or added. Nothing is written unless the
    /// whole file reads as a valid tree.
    /// Imports a skill framework file, telling its format from its content: CASE JSON, a
    /// Moodle competency framework CSV (by its header), or the plain `id,parent_id,name,
    /// description` CSV.
    pub fn import_taxonomy_file(
        &mut self,
        path: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<TaxonomyImportReport> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let start = text.trim_start_matches('\u{feff}').trim_start();
        let format = if start.starts_with('{') {
            TaxonomyFormat::Case
        } else if start.starts_with(&format!("\"{}\"", exchange::MOODLE_HEADER[0]))
            || start.starts_with(exchange::MOODLE_HEADER[0])
        {
            TaxonomyFormat::MoodleCsv
        } else {
            TaxonomyFormat::Csv
        };
        self.import_taxonomy_text(path, &text, format, actor, now)
    }

    pub fn import_taxonomy(
        &mut self,
        path: &Path,
        format: TaxonomyFormat,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<TaxonomyImportReport> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        self.import_taxonomy_text(path, &text, format, actor, now)
    }

    /// Imports `text`, read from `path` (named in errors), as a framework in `format`.
    fn import_taxonomy_text(
        &mut self,
        path: &Path,
        text: &str,
        format: TaxonomyFormat,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<TaxonomyImportReport> {
        let (document, scale, skills) = match format {
            TaxonomyFormat::Case => {
                let fw = exchange::case_import(path, text)?;
                let doc = serde_json::json!({ "identifier": fw.identifier, "title": fw.title, "creator": fw.creator });
                (Some(doc), fw.scale, fw.skills)
            }
            TaxonomyFormat::Csv => (None, Vec::new(), exchange::csv_import(path, text)?),
            TaxonomyFormat::MoodleCsv => (
                None,
                Vec::new(),
                exchange::moodle_import(path, text)?.skills,
            ),
        };
        let project = self.store.project()?;
        let existing = self.store.skills()?;
        let mut ids: HashMap<String, SkillId> = existing
            .iter()
            .map(|s| (s.slug.clone(), s.id.clone()))
            .collect();
        let taken: std::collections::HashSet<&str> =
            existing.iter().map(|s| s.id.as_str()).collect();
        let (mut added, mut updated) = (0, 0);
        let mut rows = Vec::with_capacity(skills.len());
        for s in &skills {
            let id = match ids.get(&s.slug) {
                Some(id) => {
                    updated += 1;
                    id.clone()
                }
                None => {
                    added += 1;
                    let id =
                        match uuid_like(&s.identifier) && !taken.contains(s.identifier.as_str()) {
                            true => SkillId(s.identifier.clone()),
                            false => SkillId::derive(&project.id, &s.slug),
                        };
                    ids.insert(s.slug.clone(), id.clone());
                    id
                }
            };
            rows.push(Skill {
                id,
                slug: s.slug.clone(),
                name: s.name.clone(),
                parent_id: s.parent.as_ref().map(|p| ids[p].clone()),
                description: s.description.clone(),
                examples: s.examples.clone(),
                retired: false,
            });
        }
        let report = TaxonomyImportReport { added, updated };
        let after = serde_json::json!({ "file": path.display().to_string(), "added": added, "updated": updated });
        self.store.write(|tx| {
            for skill in &rows {
                tx.upsert_skill(skill)?;
            }
            for (s, row) in skills.iter().zip(&rows) {
                for r in &s.requires {
                    tx.insert_skill_prerequisite(&ids[r], &row.id, EdgeOrigin::Person)?;
                }
            }
            if let Some(doc) = &document {
                tx.set_setting(CASE_DOCUMENT, doc)?;
            }
            if !scale.is_empty() {
                tx.set_setting(SCALE, &serde_json::json!(scale))?;
            }
            tx.append_audit(
                now,
                actor,
                "taxonomy.imported",
                project.id.as_str(),
                &serde_json::Value::Null,
                &after,
            )?;
            Ok(())
        })?;
        Ok(report)
    }

    /// The project's taxonomy as an exchange framework.
    fn framework(&self) -> Result<exchange::Framework> {
        let project = self.store.project()?;
        let doc = self.store.setting(CASE_DOCUMENT)?.unwrap_or_default();
        let text = |key: &str| doc.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let skills = self.store.skills()?;
        let slug: HashMap<&SkillId, &str> =
            skills.iter().map(|s| (&s.id, s.slug.as_str())).collect();
        let mut requires: HashMap<SkillId, Vec<String>> = HashMap::new();
        for (b, a, _) in self.store.skill_prerequisites()? {
            requires.entry(a).or_default().push(slug[&b].to_owned());
        }
        Ok(exchange::Framework {
            identifier: text("identifier")
                .unwrap_or_else(|| SkillId::derive(&project.id, "\u{1f}case-document").0),
            title: text("title").unwrap_or(project.name),
            creator: text("creator").unwrap_or_else(|| "Pathforge".to_owned()),
            skills: skills
                .iter()
                .map(|s| exchange::FrameworkSkill {
                    identifier: s.id.to_string(),
                    slug: s.slug.clone(),
                    name: s.name.clone(),
                    description: s.description.clone(),
                    parent: s.parent_id.as_ref().map(|p| slug[p].to_owned()),
                    requires: requires.get(&s.id).cloned().unwrap_or_default(),
                    examples: s.examples.clone(),
                })
                .collect(),
            scale: self.proficiency_scale()?,
        })
    }

    /// Finds a track by slug, id or exact name.
    pub fn resolve_track(&self, reference: &str) -> Result<Track> {
        self.store
            .tracks()?
            .into_iter()
            .find(|t| t.slug == reference || t.id.as_str() == reference || t.name == reference)
            .ok_or_else(|| Error::UnknownTrack(reference.to_owned()))
    }

    /// The modules `track` needs, in a valid order, with total and critical-path duration.
    /// Refused while the prerequisite graph has a cycle.
    pub fn track_path(&self, track: &Track) -> Result<TrackPath> {
        let (graph, modules, _) = self.graph()?;
        if let Some(cycle) = graph::lint(&graph).into_iter().find(is_cycle) {
            return Err(Error::CyclicGraph(cycle.message));
        }
        let skills = self.store.skills()?;
        let parents = parent_slugs(&skills);
        let data = CurriculumData::new(&modules);
        let path = graph::track_path(&graph, &data.curriculum(&parents), &track.targets);
        let skill_name = |slug: &str| {
            skills
                .iter()
                .find(|s| s.slug == slug)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| slug.to_owned())
        };
        let steps = path
            .steps
            .iter()
            .map(|(i, reason)| TrackStep {
                module: modules[*i].clone(),
                reason: match reason {
                    graph::Reason::Teaches(skill) => format!("teaches {}", skill_name(skill)),
                    graph::Reason::RequiredBy(m) => format!("required by “{}”", modules[*m].title),
                },
            })
            .collect();
        Ok(TrackPath {
            track: track.clone(),
            steps,
            total_minutes: path.total_minutes,
            critical_path_minutes: path.critical_path_minutes,
            critical_path: path
                .critical_path
                .iter()
                .map(|&i| modules[i].id.clone())
                .collect(),
            untaught_targets: path.untaught,
        })
    }

    /// Makes `before` a prerequisite of `after`, refusing any edge that would close a cycle
    /// (the error names it). `group`, when given, becomes how all of `after`'s
    /// prerequisites combine; otherwise they keep theirs (all-of for a first one).
    /// Returns false when the edge was already there.
    pub fn add_prerequisite(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        group: Option<PrerequisiteGroup>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<bool> {
        let (graph, modules, index) = self.graph()?;
        let (b, a) = (position(&index, before)?, position(&index, after)?);
        let edit = format!("“{}” → “{}”", modules[b].title, modules[a].title);
        if let Some(cycle) = graph.cycle_if_added(b, a) {
            return Err(Error::Cycle {
                edit,
                cycle: graph.describe(&cycle),
            });
        }
        let edges = self.store.prerequisites()?;
        let current = edges.iter().find(|e| &e.after == after).map(|e| e.group);
        let group = group.or(current).unwrap_or(PrerequisiteGroup::AllOf);
        let edge = PrerequisiteEdge {
            before: before.clone(),
            after: after.clone(),
            group,
            origin: EdgeOrigin::Person,
        };
        let after_json = serde_json::json!({ "edge": edit, "group": group });
        self.store
            .write(|tx| {
                let added = tx.insert_prerequisite(&edge)?;
                tx.set_prerequisite_group(after, group)?;
                let object = format!("{before}->{after}");
                let before_json = serde_json::json!({ "group": current });
                tx.append_audit(
                    now,
                    actor,
                    "prerequisite.added",
                    &object,
                    &before_json,
                    &after_json,
                )?;
                Ok(added)
            })
            .map_err(Error::from)
    }

    /// Removes the prerequisite `before → after`.
    pub fn remove_prerequisite(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let edge = self
            .store
            .prerequisites()?
            .into_iter()
            .find(|e| &e.before == before && &e.after == after)
            .ok_or_else(|| Error::NoSuchPrerequisite(before.to_string(), after.to_string()))?;
        let before_json = serde_json::to_value(&edge).expect("edges serialise");
        self.store.write(|tx| {
            tx.delete_prerequisite(before, after)?;
            let object = format!("{before}->{after}");
            tx.append_audit(
                now,
                actor,
                "prerequisite.removed",
                &object,
                &before_json,
                &serde_json::Value::Null,
            )?;
            Ok(())
        })?;
        Ok(())
    }

    /// The prerequisite graph over every module, with the modules in node order.
    /// The cycle adding `before → after` would close, from `before` round to `before`;
    /// `None` when the edge is safe. For editors that show the cycle where it is.
    pub fn cycle_if_added(
        &self,
        before: &ModuleId,
        after: &ModuleId,
    ) -> Result<Option<Vec<ModuleId>>> {
        let (graph, modules, index) = self.graph()?;
        let (b, a) = (position(&index, before)?, position(&index, after)?);
        Ok(graph
            .cycle_if_added(b, a)
            .map(|c| c.into_iter().map(|i| modules[i].id.clone()).collect()))
    }

    fn graph(&self) -> Result<(graph::Graph, Vec<ModuleSummary>, HashMap<ModuleId, usize>)> {
        let modules = self.store.module_summaries()?;
        let index: HashMap<ModuleId, usize> = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        let edges = self.prerequisite_edges(&modules)?;
        let nodes = modules
            .iter()
            .map(|m| graph::Node {
                id: m.id.to_string(),
                name: m.title.clone(),
            })
            .collect();
        Ok((graph::Graph::new(nodes, &edges), modules, index))
    }
}

/// Where to draw each module of a prerequisite graph, left to right, in the order of
/// `modules`: (x, y) centres in pixels for nodes about 150 × 44, each layer centred on y = 0.
pub fn graph_layout(modules: &[ModuleSummary], edges: &[PrerequisiteEdge]) -> Vec<(f64, f64)> {
    let index: HashMap<&ModuleId, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (&m.id, i))
        .collect();
    let pairs: Vec<(usize, usize)> = edges
        .iter()
        .filter_map(|e| Some((*index.get(&e.before)?, *index.get(&e.after)?)))
        .collect();
    positions(modules.len(), &pairs)
}

/// Where to draw each skill of the skill-prerequisite graph, as [`graph_layout`] does for
/// modules, in the order of `skills`.
pub fn skill_layout(skills: &[Skill], edges: &[SkillPrerequisite]) -> Vec<(f64, f64)> {
    let index: HashMap<&str, usize> = skills
        .iter()
        .enumerate()
        .map(|(i, s)| (s.slug.as_str(), i))
        .collect();
    let pairs: Vec<(usize, usize)> = edges
        .iter()
        .filter_map(|e| {
            Some((
                *index.get(e.before.as_str())?,
                *index.get(e.after.as_str())?,
            ))
        })
        .collect();
    positions(skills.len(), &pairs)
}

fn positions(n: usize, pairs: &[(usize, usize)]) -> Vec<(f64, f64)> {
    const COLUMN: f64 = 210.0;
    const ROW: f64 = 56.0;
    let slots = graph::layered(n, pairs);
    let mut deepest: HashMap<usize, usize> = HashMap::new();
    for s in &slots {
        let d = deepest.entry(s.layer).or_default();
        *d = (*d).max(s.rank);
    }
    slots
        .iter()
        .map(|s| {
            (
                s.layer as f64 * COLUMN,
                (s.rank as f64 - deepest[&s.layer] as f64 / 2.0) * ROW,
            )
        })
        .collect()
}

/// A bundle's id and its content files (name, bytes).
pub type BundleContent = (String, Vec<(String, Vec<u8>)>);

/// Modules, track slugs and prerequisite index pairs, as the rules crate sees them.
type RuleContext = (Vec<rules::ModuleInfo>, Vec<String>, Vec<(usize, usize)>);

/// Skills as the graph crate sees them, and skill prerequisites as index pairs.
type SkillSpecs<'a> = (Vec<graph::SkillSpec<'a>>, Vec<(usize, usize)>);

/// A change to one skill; `None` fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct SkillEdit {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Short examples of the skill in action; blank lines are dropped.
    pub examples: Option<Vec<String>>,
    /// `Some(None)` moves the skill to the root.
    pub parent: Option<Option<String>>,
    pub retired: Option<bool>,
}

/// The two skills of a merge, refused when they are one skill or `into` lies under `from`.
fn merge_pair<'a>(skills: &'a [Skill], from: &str, into: &str) -> Result<(&'a Skill, &'a Skill)> {
    let (source, target) = (find_skill(skills, from)?, find_skill(skills, into)?);
    if source.id == target.id {
        return Err(Error::Refused(
            "a skill cannot be merged into itself".to_owned(),
        ));
    }
    let mut at = target.parent_id.as_ref();
    while let Some(id) = at {
        if *id == source.id {
            return Err(Error::Refused(format!(
                "“{}” lies under “{}”; move it out before merging its parent into it",
                target.name, source.name
            )));
        }
        at = skills
            .iter()
            .find(|s| &s.id == id)
            .and_then(|s| s.parent_id.as_ref());
    }
    Ok((source, target))
}

fn find_skill<'a>(skills: &'a [Skill], slug: &str) -> Result<&'a Skill> {
    skills
        .iter()
        .find(|s| s.slug == slug)
        .ok_or_else(|| Error::UnknownSkill(slug.to_owned()))
}

/// Settings key of the default simulation cohort.
const COHORT: &str = "simulation.cohort";
/// Levels people set on modules, by module id, kept over their files' on import.
const LEVELS: &str = "modules.levels";
/// The project's auto-accept threshold for suggestions (a number in 0.5..=1, or absent).
const AUTO_ACCEPT: &str = "review.auto_accept";
/// Column mappings of catalog CSVs, by canonical path (`ingest::ColumnMaps`).
const CATALOG_COLUMNS: &str = "import.catalog_columns";

/// Settings key of the proficiency scale.
const SCALE: &str = "taxonomy.scale";

/// Settings key of the CASE document a taxonomy was imported from (identity kept so that
/// exports re-identify the same framework).
const CASE_DOCUMENT: &str = "case.document";

fn uuid_like(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// crash never leaves a partial file behind.
/// The text of an evidence passage in a module body (as chars: offsets count Unicode
/// scalar values), clamped to the body.
fn passage_text(body: &[char], e: &model::Evidence) -> String {
    let end = (e.end as usize).min(body.len());
    body[(e.start as usize).min(end)..end].iter().collect()
}

/// A free name for a backup beside the project at `file`:
/// `NAME.{label}YYYYMMDD-HHMMSS.pathforge-backup` (UTC), `-2`, `-3`… added when taken.
pub fn backup_path(file: &Path, label: &str, now: Timestamp) -> PathBuf {
    let stamp = jiff::Timestamp::from_millisecond(now.0)
        .map(|t| t.strftime("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_else(|_| now.0.to_string());
    let label = format!("{label}{stamp}");
    std::iter::once(label.clone())
        .chain((2..).map(|n| format!("{label}-{n}")))
        .map(|l| file.with_extension(format!("{l}.pathforge-backup")))
        .find(|p| p.symlink_metadata().is_err())
        .expect("some name is free")
}

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

fn is_cycle(f: &Finding) -> bool {
    f.severity == Severity::Error
        && matches!(
            f.code,
            model::FindingCode::Cycle | model::FindingCode::SelfLoop
        )
}

impl Project {
    /// The prerequisite edges by index into `modules` (every module's summary, in store
    /// order).
    pub(crate) fn prerequisite_edges(&self, modules: &[ModuleSummary]) -> Result<Vec<graph::Edge>> {
        let index: HashMap<&ModuleId, usize> = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (&m.id, i))
            .collect();
        Ok(self
            .store
            .prerequisites()?
            .iter()
            .map(|e| graph::Edge {
                before: index[&e.before],
                after: index[&e.after],
                group: e.group,
            })
            .collect())
    }
}

fn parent_slugs(skills: &[Skill]) -> HashMap<String, String> {
    let slug: HashMap<&SkillId, &str> = skills.iter().map(|s| (&s.id, s.slug.as_str())).collect();
    skills
        .iter()
        .filter_map(|s| Some((s.slug.clone(), slug.get(s.parent_id.as_ref()?)?.to_string())))
        .collect()
}

/// Per-module columns for the graph crate's curriculum algorithms.
struct CurriculumData {
    minutes: Vec<u32>,
    levels: Vec<Option<model::Level>>,
    tags: Vec<Vec<String>>,
}

impl CurriculumData {
    fn new(modules: &[ModuleSummary]) -> CurriculumData {
        CurriculumData {
            minutes: modules.iter().map(|m| m.duration_minutes).collect(),
            levels: modules.iter().map(|m| m.level).collect(),
            tags: modules.iter().map(|m| m.tags.clone()).collect(),
        }
    }

    fn curriculum<'a>(&'a self, parents: &'a HashMap<String, String>) -> graph::Curriculum<'a> {
        graph::Curriculum {
            minutes: &self.minutes,
            levels: &self.levels,
            tags: &self.tags,
            parents,
        }
    }
}

fn position(index: &HashMap<ModuleId, usize>, id: &ModuleId) -> Result<usize> {
    index
        .get(id)
        .copied()
        .ok_or_else(|| Error::UnknownModule(id.to_string()))
}

mod calibrate;
mod export;
mod profile;
mod review;
mod simulation;
pub use calibrate::{AnswersImport, SkillFit};
pub use export::{read_mapping, MARKER};
pub use profile::{load_profile, save_profile};
pub use review::PackFilter;
pub use simulation::{Simulation, SimulationProgress, SimulationRequest, SimulationRun};

#[cfg(test)]
mod export_tests;
#[cfg(test)]
mod simulation_tests;
#[cfg(test)]
mod tests;
