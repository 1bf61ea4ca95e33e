//! Reading libraries into the project: imports and re-imports (documents, packages,
//! catalogs), catalog column mappings, and the modules they give.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use model::{
    Actor, EdgeOrigin, ImportReport, Library, LibraryFormat, LibraryId, Module, ModuleId,
    ModuleSummary, PrerequisiteEdge, Skill, SkillId, Timestamp, Track, TrackId,
};
use serde_json::Value;

use crate::audit::Entry;
use crate::settings::{CATALOG_COLUMNS, COHORT, SCALE};
use crate::{AuditAction, Error, Project, Result};

impl Project {
    /// Imports (or re-imports) a library: a folder of documents, packages and catalogs, or
    /// one package or catalog file.
    ///
    /// The library is found again by its place, its name or its files (see
    /// `library_updated_by`: moved, renamed, or kept in two places), so importing it again
    /// updates it in place: modules whose content hash changed are rewritten, new ones
    /// added, those whose files are gone retired, and every module keeps its tags,
    /// reviews and edges. Every file is read before anything is written, and everything is
    /// written in one transaction: a file that cannot be read is set aside and named in
    /// the report, and a failure leaves the project as it was.
    pub fn import_library(
        &mut self,
        dir: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<ImportReport> {
        self.import_library_with(dir, actor, now, &mut |_, _| true)
    }

    /// [`Project::import_library`], calling `progress(file, (done, total))` as it reads;
    /// `progress` returning false cancels the import (the error has kind `Cancelled`) and
    /// nothing is written: it is asked while files are read, then every few hundred modules
    /// written, and a cancel during the write rolls the transaction back.
    pub fn import_library_with(
        &mut self,
        dir: &Path,
        actor: &Actor,
        now: Timestamp,
        progress: &mut dyn FnMut(&str, (u32, u32)) -> bool,
    ) -> Result<ImportReport> {
        let (format, content) = read_library(dir, &self.column_maps()?, progress)?;
        // The last chance to cancel before writing; the write asks again as it goes.
        if !progress("", (1, 1)) {
            return Err(ingest::Error::Cancelled.into());
        }
        let project = self.store.project()?;
        let source = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let found = library_of(&project.id, format, &source, now);
        let paths: HashSet<&str> = content
            .modules
            .iter()
            .map(|m| m.relative_path.as_str())
            .collect();
        let (library, was) = self.library_updated_by(&project.id, found, &paths)?;
        let read = self.modules_read(&library.id, content.modules)?;
        let changed = self.changed_modules(&library.id, &read.modules, &content.skipped)?;
        let declared = self.declared(&project.id, &library.id, content.manifest.as_ref())?;
        let skipped: Vec<model::SkippedFile> = content
            .skipped
            .iter()
            .map(|s| model::SkippedFile {
                path: s.relative_path.clone(),
                kind: s.error.kind(),
                reason: s.error.to_string(),
            })
            .collect();
        let report = ImportReport {
            library: library.clone(),
            moved_from: was.as_ref().map(|w| w.source_path.clone()),
            added: changed.added,
            updated: changed.updated,
            unchanged: changed.unchanged,
            removed: changed.removed.len() as u32,
            total: read.modules.len() as u32,
            prerequisites: declared.requires.len() as u32,
            skipped,
            warnings: content
                .warnings
                .iter()
                .map(|w| model::ImportWarning {
                    // A library that is one file (a catalog, a package) warns about itself.
                    path: match w.relative_path.as_str() {
                        "" => dir
                            .file_name()
                            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                        p => p.to_owned(),
                    },
                    message: w.message.clone(),
                })
                .collect(),
        };
        let before = serde_json::json!({
            "modules": changed.unchanged + changed.updated + report.removed
        });
        let after = serde_json::json!({
            "content": fingerprint(&read, &declared, &content.skipped),
            "source": crate::audit::named(&source),
            // Renamed: the name it had (never its full path, as for "source").
            "was": was.as_ref().filter(|w| w.name != library.name).map(|w| w.name.clone()),
            "added": report.added,
            "updated": report.updated,
            "removed": report.removed,
            "modules": report.total,
            "prerequisites": report.prerequisites,
        });
        let files = changed.to_write.len() as u32;
        let mut cancelled = false;
        let written = self.commit(
            actor,
            now,
            Entry::new(
                AuditAction::LibraryImported,
                library.id.as_str(),
                &before,
                &after,
            ),
            |tx| {
                tx.upsert_library(&library)?;
                for (i, (position, at)) in changed.to_write.iter().enumerate() {
                    if i % 512 == 511 && !progress("", (files, files)) {
                        cancelled = true;
                        // Rolls the whole import back; told apart from a failure below.
                        return Err(store::abandon());
                    }
                    tx.upsert_module(&project.id, &read.modules[*at], *position)?;
                }
                for id in &changed.removed {
                    tx.retire_module(id)?;
                }
                for (id, level) in &read.file_levels {
                    tx.set_file_level(id, *level)?;
                }
                let d = &declared;
                for skill in d.skills.iter().filter(|s| !d.stored.contains(&s.id)) {
                    tx.upsert_skill(skill)?;
                }
                let declared_skills: Vec<SkillId> = d.skills.iter().map(|s| s.id.clone()).collect();
                tx.replace_manifest_skill_prerequisites(&declared_skills, &d.skill_requires)?;
                tx.replace_library_tracks(&library.id, &d.tracks)?;
                tx.replace_library_rules(&library.id, &d.rules)?;
                if let Some(cohort) = &d.cohort {
                    tx.set_setting(&COHORT, Some(cohort))?;
                }
                if !d.scale.is_empty() {
                    tx.set_setting(&SCALE, Some(&d.scale))?;
                }
                tx.delete_manifest_prerequisites(&library.id)?;
                for edge in &d.requires {
                    tx.insert_prerequisite(edge)?;
                }
                Ok(())
            },
        );
        match written {
            Err(_) if cancelled => Err(ingest::Error::Cancelled.into()),
            Err(e) => Err(e),
            Ok(()) => Ok(report),
        }
    }

    /// The library an import of `found` (with files at `paths`) updates, and the one it
    /// was when it is recognised elsewhere than where it was last imported from. Its id
    /// decides every module's id, so this is what keeps a library's tags, reviews and
    /// edges when its folder moves or is renamed. In order:
    /// - the library last imported from this very place;
    /// - the library of this name, if its place is gone (its folder moved) or it shares
    ///   most of these files (the same library kept in two places);
    /// - a library of the same format whose place is gone and that shares most of these
    ///   files (its folder renamed, `course-v1.zip` replaced by `course-v2.zip`).
    ///
    /// "Most": at least half of its modules' paths are among these files, and they are at
    /// least half of them. Otherwise the library is new — a copy imported while the
    /// original is still there, or another folder that only shares its name, which gets
    /// an id of its own rather than retiring the other's modules.
    fn library_updated_by(
        &self,
        project: &model::ProjectId,
        found: Library,
        paths: &HashSet<&str>,
    ) -> Result<(Library, Option<Library>)> {
        let libraries = self.store.libraries()?;
        let gone = |l: &Library| !Path::new(&l.source_path).exists();
        // How many of its live modules' files are among these, when that is most of both;
        // for a library removed from the project, of the modules it had (all retired). A
        // module's id is its library's and its path's, so a file is found by the id it gives.
        let shares_most = |l: &Library| -> Result<Option<usize>> {
            let had: HashSet<ModuleId> = match l.removed_at {
                None => self
                    .store
                    .library_module_hashes(&l.id)?
                    .into_keys()
                    .collect(),
                Some(_) => self.store.library_module_ids(&l.id)?,
            };
            let kept = paths
                .iter()
                .filter(|p| had.contains(&ModuleId::derive(&l.id, p)))
                .count();
            Ok((kept > 0 && kept * 2 >= had.len() && kept * 2 >= paths.len()).then_some(kept))
        };
        let same = |l: &Library, found: Library| {
            let was = (l.source_path != found.source_path).then(|| l.clone());
            (
                Library {
                    id: l.id.clone(),
                    ..found
                },
                was,
            )
        };
        if let Some(l) = libraries
            .iter()
            .find(|l| l.source_path == found.source_path)
        {
            return Ok(same(l, found));
        }
        let named = libraries.iter().find(|l| l.id == found.id);
        if let Some(l) = named {
            if gone(l) || shares_most(l)?.is_some() {
                return Ok(same(l, found));
            }
        }
        let mut best: Option<(usize, &Library)> = None;
        for l in libraries
            .iter()
            .filter(|l| l.format == found.format && gone(l))
        {
            if let Some(kept) = shares_most(l)? {
                if best.is_none_or(|(n, _)| kept > n) {
                    best = Some((kept, l));
                }
            }
        }
        if let Some((_, l)) = best {
            return Ok(same(l, found));
        }
        let id = match named {
            Some(_) => LibraryId::derive_at(project, &found.name, &found.source_path),
            None => found.id.clone(),
        };
        Ok((Library { id, ..found }, None))
    }

    /// The modules an import read, with the levels people set in the project over what
    /// the files say.
    fn modules_read(&self, library: &LibraryId, drafts: Vec<ingest::ModuleDraft>) -> Result<Read> {
        // A level a person set in the project outranks what the file says (or not).
        let levels = self.store.level_overrides()?;
        let mut read = Read {
            modules: Vec::with_capacity(drafts.len()),
            file_hashes: Vec::with_capacity(drafts.len()),
            file_levels: Vec::new(),
        };
        for d in drafts {
            let id = ModuleId::derive(library, &d.relative_path);
            let mut module = Module {
                level: d.level,
                id,
                library_id: library.clone(),
                source_path: d.relative_path,
                title: d.title,
                duration_minutes: d.duration_minutes,
                word_count: d.word_count,
                tags: d.tags,
                extra: d.extra,
                body: d.body,
            };
            read.file_hashes.push(store::module_hash(&module));
            if let Some(set) = levels.get(&module.id) {
                read.file_levels.push((module.id.clone(), module.level));
                module.level = Some(*set);
            }
            read.modules.push(module);
        }
        Ok(read)
    }

    /// What an import changes among `library`'s modules: only new modules, changed ones
    /// and those that moved in the library are written; those whose files are gone are
    /// retired — but a module whose file could not be read this time is kept as it was,
    /// not removed, and so are the modules of a package or catalog that could not be read.
    fn changed_modules(
        &self,
        library: &LibraryId,
        modules: &[Module],
        skipped: &[ingest::Skipped],
    ) -> Result<Changed> {
        let mut existing = self.store.library_module_hashes(library)?;
        let mut changed = Changed {
            to_write: Vec::new(),
            removed: Vec::new(),
            added: 0,
            updated: 0,
            unchanged: 0,
        };
        for (at, m) in modules.iter().enumerate() {
            let position = at as u32;
            match existing.remove(&m.id) {
                None => changed.added += 1,
                Some(old) if old.hash != store::module_hash(m) => changed.updated += 1,
                Some(old) => {
                    changed.unchanged += 1;
                    if old.position == position {
                        continue;
                    }
                }
            }
            changed.to_write.push((position, at));
        }
        let kept = |id: &ModuleId| {
            let path = existing[id].source_path.as_str();
            skipped.iter().any(|s| {
                path == s.relative_path
                    || path
                        .strip_prefix(s.relative_path.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        };
        changed.removed = existing.keys().filter(|id| !kept(id)).cloned().collect();
        Ok(changed)
    }

    /// What a library's manifest declares, in the project's ids: skills, skill
    /// prerequisites, tracks, rules, module prerequisites, the proficiency scale and the
    /// cohort.
    fn declared(
        &self,
        project: &model::ProjectId,
        library_id: &LibraryId,
        manifest: Option<&ingest::Manifest>,
    ) -> Result<Declared> {
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
        let stored: HashSet<SkillId> = known.values().cloned().collect();
        known.extend(aliases.iter().map(|(slug, id)| (slug.clone(), id.clone())));
        let skill_id = |slug: &str| {
            known
                .get(slug)
                .cloned()
                .unwrap_or_else(|| SkillId::derive(project, slug))
        };
        let skills: Vec<Skill> = manifest
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
        let rules: Vec<(String, String, Value)> = manifest
            .iter()
            .flat_map(|m| &m.rules)
            .map(|r| {
                let body = serde_json::to_value(r).expect("rules serialise");
                (r.id.clone(), r.body.kind().to_owned(), body)
            })
            .collect();
        let skill_requires: Vec<(SkillId, SkillId)> = manifest
            .iter()
            .flat_map(|m| &m.skills)
            .filter(|s| !aliases.contains_key(&s.slug))
            .flat_map(|s| s.requires.iter().map(|r| (skill_id(r), skill_id(&s.slug))))
            .filter(|(b, a)| b != a)
            .collect();
        let tracks: Vec<Track> = manifest
            .iter()
            .flat_map(|m| &m.tracks)
            .map(|t| Track {
                id: TrackId::derive(project, &t.slug),
                slug: t.slug.clone(),
                name: t.name.clone(),
                description: t.description.clone(),
                targets: t.targets.clone(),
            })
            .collect();
        // A module's prerequisites combine one way: where people added some of them, as
        // they chose, over what the manifest says — retired modules' too, so a library
        // removed and imported again keeps the choice.
        let chosen: HashMap<ModuleId, model::PrerequisiteGroup> = self
            .store
            .all_prerequisites()?
            .into_iter()
            .filter(|e| e.origin != EdgeOrigin::Manifest)
            .map(|e| (e.after, e.group))
            .collect();
        let requires: Vec<PrerequisiteEdge> = manifest
            .iter()
            .flat_map(|m| &m.requires)
            .flat_map(|r| {
                let after = ModuleId::derive(library_id, &r.module);
                let group = chosen.get(&after).copied().unwrap_or(r.group);
                r.after.iter().map(move |b| PrerequisiteEdge {
                    before: ModuleId::derive(library_id, b),
                    after: after.clone(),
                    group,
                    origin: EdgeOrigin::Manifest,
                })
            })
            .collect();
        Ok(Declared {
            skills,
            stored,
            skill_requires,
            tracks,
            rules,
            requires,
            scale: manifest.map(|m| m.scale.clone()).unwrap_or_default(),
            cohort: manifest.and_then(|m| m.cohort.clone()),
        })
    }

    pub(crate) fn column_maps(&self) -> Result<ingest::ColumnMaps> {
        Ok(self.store.setting(&CATALOG_COLUMNS)?.unwrap_or_default())
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
        let after = serde_json::to_value(columns).expect("mappings serialise");
        self.commit(
            actor,
            now,
            Entry::new(AuditAction::CatalogColumnsMapped, &key, &before, &after),
            |tx| {
                tx.set_setting(&CATALOG_COLUMNS, Some(&maps))?;
                Ok(())
            },
        )?;
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
                // Its folder moved or was renamed: said so, rather than "no such file".
                let report = match source.exists() {
                    true => self.import_library(source, actor, now),
                    false => Err(Error::LibraryGone {
                        name: library.name.clone(),
                        path: source.to_path_buf(),
                    }),
                };
                out.push((library, report));
            }
        }
        Ok(out)
    }

    /// The libraries in the project: those removed from it are left out (they are not
    /// watched; [`Project::library_summaries`] lists them too).
    pub fn libraries(&self) -> Result<Vec<Library>> {
        let mut libraries = self.store.libraries()?;
        libraries.retain(|l| l.removed_at.is_none());
        Ok(libraries)
    }

    /// Every library by name, with its live and retired modules and whether the place it
    /// was last imported from is still there.
    pub fn library_summaries(&self) -> Result<Vec<model::LibrarySummary>> {
        let counts = self.store.library_module_counts()?;
        Ok(self
            .store
            .libraries()?
            .into_iter()
            .map(|library| {
                let (modules, retired) = counts.get(&library.id).copied().unwrap_or((0, 0));
                model::LibrarySummary {
                    source_found: Path::new(&library.source_path).exists(),
                    library,
                    modules,
                    retired,
                }
            })
            .collect())
    }

    /// The library `reference` names: its id, else its name.
    pub fn resolve_library(&self, reference: &str) -> Result<Library> {
        let libraries = self.store.libraries()?;
        if let Some(l) = libraries.iter().find(|l| l.id.as_str() == reference) {
            return Ok(l.clone());
        }
        let named: Vec<&Library> = libraries.iter().filter(|l| l.name == reference).collect();
        match named.as_slice() {
            [] => Err(Error::UnknownLibrary(reference.to_owned())),
            [one] => Ok((*one).clone()),
            many => Err(Error::AmbiguousLibrary(
                reference.to_owned(),
                many.iter()
                    .map(|l| format!("{} at {}", l.id, l.source_path))
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
        }
    }

    /// Removes a library from the project: its modules are retired (out of the graph,
    /// tracks, simulation and exports), the tracks and rules its manifest declared go,
    /// and it is no longer watched. Nothing else is deleted: its modules keep their tags,
    /// reviews and prerequisites, and importing it again from its place brings it back as
    /// it was. Logged, with how many modules it had.
    pub fn remove_library(
        &mut self,
        id: &LibraryId,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<model::LibraryRemoved> {
        let library = self
            .store
            .libraries()?
            .into_iter()
            .find(|l| &l.id == id)
            .ok_or_else(|| Error::UnknownLibrary(id.to_string()))?;
        if library.removed_at.is_some() {
            return Err(Error::LibraryRemoved(library.name));
        }
        let live: Vec<ModuleId> = self.store.library_module_hashes(id)?.into_keys().collect();
        let removed = model::LibraryRemoved {
            library: Library {
                removed_at: Some(now),
                ..library
            },
            modules: live.len() as u32,
            tracks: self.store.library_tracks(id)?.len() as u32,
            rules: self.store.library_rules(id)?.len() as u32,
        };
        let source = crate::audit::named(Path::new(&removed.library.source_path));
        let before = serde_json::json!({
            "name": removed.library.name,
            "source": source,
            "modules": removed.modules,
        });
        let after = serde_json::json!({
            "removed": true,
            "modules": 0,
            "retired": removed.modules,
            "tracks": removed.tracks,
            "rules": removed.rules,
        });
        let entry = Entry::new(AuditAction::LibraryRemoved, id.as_str(), &before, &after);
        self.commit(actor, now, entry, |tx| {
            tx.upsert_library(&removed.library)?;
            for module in &live {
                tx.retire_module(module)?;
            }
            tx.replace_library_tracks(id, &[])?;
            tx.replace_library_rules(id, &[])?;
            Ok(())
        })?;
        Ok(removed)
    }

    /// Every module, without bodies, in library and file order.
    pub fn modules(&self) -> Result<Vec<ModuleSummary>> {
        Ok(self.store.module_summaries()?)
    }

    pub fn module(&self, id: &ModuleId) -> Result<Module> {
        Ok(self.store.module(id)?)
    }

    /// The module's page as the window previews it: its source HTML (or Markdown) read
    /// from the library, a launcher's pages after it, and sanitised — nothing in it can
    /// run or fetch anything.
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
        let pages: Vec<&str> = module
            .extra
            .get("pages")
            .and_then(|v| v.as_array())
            .map_or_else(Vec::new, |p| p.iter().filter_map(|v| v.as_str()).collect());
        Ok(ingest::preview_page(
            Path::new(&library.source_path),
            &module.source_path,
            launch,
            &pages,
            &module.body,
        )?)
    }

    /// Finds a module by id, by path in its library, or by exact title (if unique).
    pub fn resolve_module(&self, reference: &str) -> Result<ModuleSummary> {
        let modules = self.store.module_summaries()?;
        find_module(&modules, reference).cloned()
    }
}

/// [`Project::resolve_module`] among `modules`, read once by a caller resolving many.
pub(crate) fn find_module<'m>(
    modules: &'m [ModuleSummary],
    reference: &str,
) -> Result<&'m ModuleSummary> {
    let by = |f: &dyn Fn(&ModuleSummary) -> bool| -> Vec<&'m ModuleSummary> {
        modules.iter().filter(|m| f(m)).collect()
    };
    for matches in [
        by(&|m| m.id.as_str() == reference),
        by(&|m| m.source_path == reference),
        by(&|m| m.title == reference),
    ] {
        match matches.as_slice() {
            [] => continue,
            [one] => return Ok(one),
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

/// Reads a library: a catalog file, a package, or a folder of documents (and packages and
/// catalogs), calling `progress` as it goes.
fn read_library(
    dir: &Path,
    columns: &ingest::ColumnMaps,
    progress: &mut dyn FnMut(&str, (u32, u32)) -> bool,
) -> Result<(LibraryFormat, ingest::LibraryContent)> {
    let mut single = || match progress(&dir.display().to_string(), (0, 1)) {
        true => Ok(()),
        false => Err(ingest::Error::Cancelled),
    };
    if ingest::is_catalog(dir) {
        single()?;
        let mapped = ingest::columns_for(columns, dir);
        return Ok((
            LibraryFormat::Catalog,
            ingest::read_catalog_with(dir, &mapped)?,
        ));
    }
    if ingest::is_package(dir) {
        single()?;
        let (kind, content) = ingest::read_package(dir)?;
        let format = match kind {
            ingest::PackageKind::Scorm12 => LibraryFormat::Scorm12,
            ingest::PackageKind::Scorm2004 => LibraryFormat::Scorm2004,
            ingest::PackageKind::Cmi5 => LibraryFormat::Cmi5,
            ingest::PackageKind::CommonCartridge => LibraryFormat::CommonCartridge,
        };
        return Ok((format, content));
    }
    Ok((
        LibraryFormat::MarkdownFolder,
        ingest::read_library_with(dir, columns, progress)?,
    ))
}

/// The library read from `source`, named by its folder (or by its file, without the
/// extension), with the id that name gives; `library_updated_by` decides whether it is one
/// the project already has.
fn library_of(
    project: &model::ProjectId,
    format: LibraryFormat,
    source: &Path,
    now: Timestamp,
) -> Library {
    let name = match format {
        LibraryFormat::MarkdownFolder => source.file_name(),
        _ if source.is_file() => source.file_stem(),
        _ => source.file_name(),
    }
    .map(|n| n.to_string_lossy().into_owned())
    .unwrap_or_else(|| source.display().to_string());
    Library {
        id: LibraryId::derive(project, &name),
        name,
        source_path: source.display().to_string(),
        format,
        imported_at: now,
        removed_at: None,
    }
}

/// The modules an import read, in the library's order.
struct Read {
    modules: Vec<Module>,
    /// Each module's hash as its file gives it (levels people set aside), for the
    /// fingerprint of what this import read.
    file_hashes: Vec<String>,
    /// What the file says where a person's level outranks it, kept beside theirs.
    file_levels: Vec<(ModuleId, Option<model::Level>)>,
}

/// What an import changes among a library's modules.
struct Changed {
    /// (place in the library, index in [`Read::modules`]) of each module written.
    to_write: Vec<(u32, usize)>,
    removed: Vec<ModuleId>,
    added: u32,
    updated: u32,
    unchanged: u32,
}

/// What a library's manifest declares, in the project's ids.
struct Declared {
    skills: Vec<Skill>,
    /// The skills the project already has: they keep the project's version.
    stored: HashSet<SkillId>,
    skill_requires: Vec<(SkillId, SkillId)>,
    tracks: Vec<Track>,
    rules: Vec<(String, String, Value)>,
    requires: Vec<PrerequisiteEdge>,
    /// The proficiency scale, lowest first; empty when the manifest sets none.
    scale: Vec<String>,
    cohort: Option<model::Cohort>,
}

/// What an import read — the same files give the same fingerprint on any copy of the
/// project — so that a merge can tell a version the other copy already had.
fn fingerprint(read: &Read, declared: &Declared, skipped: &[ingest::Skipped]) -> String {
    use sha2::{Digest, Sha256};
    let read = serde_json::json!({
        "modules": read.modules.iter().zip(&read.file_hashes).map(|(m, h)| (&m.id, h)).collect::<Vec<_>>(),
        "skills": declared.skills,
        "skill_requires": declared.skill_requires,
        "tracks": declared.tracks,
        "rules": declared.rules,
        "requires": declared.requires,
        "skipped": skipped.iter().map(|s| &s.relative_path).collect::<Vec<_>>(),
    });
    format!("{:x}", Sha256::digest(read.to_string().as_bytes()))
}
