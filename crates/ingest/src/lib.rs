//! Turns content on disk into module drafts, and nothing else: no database, no ids.
//!
//! Each format gets its own module; all of them return [`ModuleDraft`]s or an [`Error`]
//! naming the file and the reason, so that the engine can refuse a whole import before
//! it writes anything.

mod catalog;
mod documents;
mod manifest;
mod markdown;
mod package;

use std::io;
use std::path::{Path, PathBuf};

use model::{ErrorKind, Level};

pub use catalog::{is_catalog, read_catalog};
pub use documents::{is_document, parse_document};
pub use manifest::{
    parse_manifest, read_manifest, Manifest, Requirement, SkillDecl, TrackDecl, MANIFEST,
};
pub use markdown::{parse_markdown, read_markdown_folder, WORDS_PER_MINUTE};
pub use package::{is_package, read_package, PackageKind};

/// Everything a library folder holds: its modules and, if it has one, its manifest.
#[derive(Debug)]
pub struct LibraryContent {
    pub modules: Vec<ModuleDraft>,
    pub manifest: Option<Manifest>,
    /// Files that could not be read, each with why; the rest still imports.
    pub skipped: Vec<Skipped>,
}

/// A file set aside during an import, and why.
#[derive(Debug)]
pub struct Skipped {
    /// Path inside the library.
    pub relative_path: String,
    pub error: Error,
}

/// Reads a library folder: every Markdown module, then `pathforge.toml` if present.
pub fn read_library(dir: &Path) -> Result<LibraryContent> {
    let (modules, skipped) = read_markdown_folder(dir)?;
    let manifest = read_manifest(dir, &modules).map_err(|e| match e {
        // A manifest naming a module that was set aside says why it was.
        Error::BadInput { path, reason } => match skipped
            .iter()
            .find(|s| reason.contains(&format!("{:?}", s.relative_path)))
        {
            Some(s) => Error::BadInput {
                path,
                reason: format!("{reason} ({} was skipped: {})", s.relative_path, s.error),
            },
            None => Error::BadInput { path, reason },
        },
        e => e,
    })?;
    Ok(LibraryContent {
        modules,
        manifest,
        skipped,
    })
}

/// One module as read from its source, before it belongs to a project.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleDraft {
    /// Path inside the library, with `/` separators.
    pub relative_path: String,
    pub title: String,
    pub duration_minutes: u32,
    pub level: Option<Level>,
    pub tags: Vec<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub body: String,
    pub word_count: u32,
}

/// Why content could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {reason}", path.display())]
    BadInput { path: PathBuf, reason: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::BadInput { .. } => ErrorKind::BadInput,
            Error::Io { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                ErrorKind::NotFound
            }
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    fn bad(path: &Path, reason: impl Into<String>) -> Error {
        Error::BadInput {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }

    fn io(path: &Path, source: io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
