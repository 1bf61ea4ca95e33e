//! The operations API: every action a person takes on a project, as plain functions on
//! [`Project`], shared by the `pathforge` CLI and the desktop app.
//!
//! The engine never knows it runs in a window or a terminal: callers pass in the time,
//! the acting person and the paths the user chose, and get plain data or an [`Error`]
//! with a [`model::ErrorKind`] back. Every operation that changes the project validates
//! all its input first and then writes once, in one transaction, with an audit entry.

use std::path::Path;

use model::{
    Actor, AuditEvent, ErrorKind, ImportReport, Library, LibraryFormat, LibraryId, Module,
    ModuleId, ModuleSummary, ProjectId, ProjectInfo, Timestamp,
};
use store::{NewProject, Store};

/// Why an operation failed; `Display` names the file and the reason, in one line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Ingest(#[from] ingest::Error),
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Store(e) => e.kind(),
            Error::Ingest(e) => e.kind(),
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

    pub fn info(&self) -> Result<ProjectInfo> {
        Ok(self.store.project()?)
    }

    /// Imports (or re-imports) a folder of Markdown modules as one library.
    ///
    /// The library is identified by the folder's name, so importing the same folder again
    /// — from anywhere — updates it in place: changed modules are updated, new ones added,
    /// those whose files are gone removed. Every file is read and checked before anything
    /// is written; one bad file refuses the whole import and leaves the project as it was.
    pub fn import_library(
        &mut self,
        dir: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<ImportReport> {
        let drafts = ingest::read_markdown_folder(dir)?;
        let project = self.store.project()?;
        let source = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let name = source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| source.display().to_string());
        let library = Library {
            id: LibraryId::derive(&project.id, &name),
            name,
            source_path: source.display().to_string(),
            format: LibraryFormat::MarkdownFolder,
            imported_at: now,
        };
        let mut existing = self.store.library_modules(&library.id)?;
        let modules: Vec<Module> = drafts
            .into_iter()
            .map(|d| Module {
                id: ModuleId::derive(&library.id, &d.relative_path),
                library_id: library.id.clone(),
                source_path: d.relative_path,
                title: d.title,
                duration_minutes: d.duration_minutes,
                level: d.level,
                word_count: d.word_count,
                tags: d.tags,
                extra: d.extra,
                body: d.body,
            })
            .collect();

        let (mut added, mut updated, mut unchanged) = (0, 0, 0);
        for m in &modules {
            match existing.remove(&m.id) {
                None => added += 1,
                Some(old) if old == *m => unchanged += 1,
                Some(_) => updated += 1,
            }
        }
        let removed: Vec<ModuleId> = existing.into_keys().collect();
        let report = ImportReport {
            library: library.clone(),
            added,
            updated,
            unchanged,
            removed: removed.len() as u32,
            total: modules.len() as u32,
        };
        let before = serde_json::json!({ "modules": unchanged + updated + report.removed });
        let after = serde_json::json!({
            "source_path": library.source_path,
            "added": report.added,
            "updated": report.updated,
            "removed": report.removed,
            "modules": report.total,
        });
        self.store.write(|tx| {
            tx.upsert_library(&library)?;
            for (position, m) in modules.iter().enumerate() {
                tx.upsert_module(&project.id, m, position as u32)?;
            }
            for id in &removed {
                tx.delete_module(id)?;
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

    pub fn audit_log(&self) -> Result<Vec<AuditEvent>> {
        Ok(self.store.audit_events()?)
    }
}

#[cfg(test)]
mod tests;
