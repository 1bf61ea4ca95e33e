//! Turns content on disk into module drafts, and nothing else: no database, no ids.
//!
//! Each format gets its own module; all of them return [`ModuleDraft`]s or an [`Error`]
//! naming the file and the reason, so that the engine can refuse a whole import before
//! it writes anything.

mod catalog;
mod documents;
mod folder;
mod manifest;
mod markdown;
mod package;
mod preview;

use std::io;
use std::path::{Path, PathBuf};

use model::{ErrorKind, Level};

pub use catalog::{is_catalog, parse_catalog, preview_catalog, read_catalog, read_catalog_with};
pub use documents::{is_document, parse_document};
pub use folder::{read_folder, read_folder_with};
pub use manifest::{
    parse_manifest, read_manifest, Manifest, ModuleMeta, Requirement, SkillDecl, TrackDecl,
    MANIFEST,
};
pub use markdown::{parse_markdown, MAX_TAGS, WORDS_PER_MINUTE};
pub use package::{
    is_package, package_files, package_of, read_package, read_package_parts, read_package_zip,
    PackageFile, PackageKind, PackageSource,
};
pub use preview::{preview_page, sanitise};

/// Everything a library folder holds: its modules and, if it has one, its manifest.
#[derive(Debug)]
pub struct LibraryContent {
    pub modules: Vec<ModuleDraft>,
    pub manifest: Option<Manifest>,
    /// Files that could not be read, each with why; the rest still imports.
    pub skipped: Vec<Skipped>,
    /// What was read but not as written, each naming the file (see [`Warning`]).
    pub warnings: Vec<Warning>,
}

/// Something read but not as written: a catalog row with the wrong number of fields, a
/// prerequisite that names no module. The import goes on; the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Path inside the library.
    pub relative_path: String,
    /// "line 7: …": what was wrong and what the import did instead.
    pub message: String,
}

/// A file set aside during an import, and why.
#[derive(Debug)]
pub struct Skipped {
    /// Path inside the library.
    pub relative_path: String,
    pub error: Error,
}

/// Column mappings of catalog CSVs, by the catalog's canonical path.
pub type ColumnMaps = std::collections::BTreeMap<String, model::CatalogColumns>;

/// The mapping `maps` holds for the catalog at `path`, or none (recognition by name).
pub fn columns_for(maps: &ColumnMaps, path: &Path) -> model::CatalogColumns {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    maps.get(&key.display().to_string())
        .cloned()
        .unwrap_or_default()
}

/// Reads a library folder: every module in it (see [`read_folder`]), then its
/// `pathforge.toml` if present, whose paths may name modules inside packages and catalogs.
pub fn read_library(dir: &Path) -> Result<LibraryContent> {
    read_library_with(dir, &ColumnMaps::new(), &mut |_, _| true)
}

/// [`read_library`] with catalog column mappings, progress and cancel, as
/// [`read_folder_with`].
pub fn read_library_with(
    dir: &Path,
    columns: &ColumnMaps,
    progress: &mut dyn FnMut(&str, (u32, u32)) -> bool,
) -> Result<LibraryContent> {
    let LibraryContent {
        mut modules,
        manifest: nested,
        skipped,
        warnings,
    } = read_folder_with(dir, columns, progress)?;
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
    let by_path: std::collections::HashMap<String, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, d)| (d.relative_path.clone(), i))
        .collect();
    for meta in manifest.iter().flat_map(|m| &m.modules) {
        if let Some(&i) = by_path.get(&meta.path) {
            meta.apply(&mut modules[i]);
        }
    }
    // A manifest that lists every module gives the library its order, the author's: a
    // folder read by name gives none. (A partial list is metadata for some files only.)
    if let Some(m) = &manifest {
        let mut listed: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, meta) in m.modules.iter().enumerate() {
            listed.entry(meta.path.as_str()).or_insert(i);
        }
        if !modules.is_empty()
            && modules
                .iter()
                .all(|d| listed.contains_key(d.relative_path.as_str()))
        {
            modules.sort_by_key(|d| listed[d.relative_path.as_str()]);
        }
    }
    // Prerequisites packages and catalogs declare join those of the folder's manifest.
    let manifest = match (manifest, nested) {
        (Some(mut m), Some(n)) => {
            m.requires.extend(n.requires);
            Some(m)
        }
        (m, n) => m.or(n),
    };
    Ok(LibraryContent {
        modules,
        manifest,
        skipped,
        warnings,
    })
}

/// A file or folder name as text: valid UTF-8 as it is, each byte that is not as `%XX`.
/// A lossy conversion turned `caf\xE9.md` and `caf\xE8.md` into one `caf�.md` — one
/// module, and one file's content lost.
pub(crate) fn name_of(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write as _;
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                let _ = write!(out, "%{b:02X}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
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
    /// The progress callback asked to stop; nothing was read into the project.
    #[error("the import was cancelled before anything was written")]
    Cancelled,
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::BadInput { .. } => ErrorKind::BadInput,
            Error::Io { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                ErrorKind::NotFound
            }
            Error::Io { .. } => ErrorKind::Io,
            Error::Cancelled => ErrorKind::Cancelled,
        }
    }

    /// What went wrong, without the path (for lists that name each file themselves).
    pub fn reason(&self) -> String {
        match self {
            Error::BadInput { reason, .. } => reason.clone(),
            Error::Io { source, .. } => source.to_string(),
            Error::Cancelled => self.to_string(),
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

/// The largest file an import reads whole: a document, a catalog, or a text part of a
/// package. Course text is far smaller; a bigger file is refused by name, not read into
/// memory.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads a file of at most [`MAX_FILE_BYTES`], refusing a bigger one before reading it.
/// A text file's text as [`exchange::text`] reads it — `html`: a page, its declared
/// charset heeded — with the encoding it was read in when that was not UTF-8 (kept as the
/// module's `encoding`, and said in the import's warnings); a file that is not text is
/// refused naming it.
pub(crate) fn text_of(
    path: &Path,
    bytes: &[u8],
    html: bool,
) -> Result<(String, Option<&'static str>)> {
    decoded(bytes, html).map_err(|reason| Error::bad(path, reason))
}

/// [`text_of`] where a page is shown, not imported (a package page's words, a preview):
/// what the decoding refuses is read as UTF-8 with the bad bytes replaced.
pub(crate) fn page_text(bytes: &[u8], html: bool) -> String {
    decoded(bytes, html).map_or_else(
        |_| String::from_utf8_lossy(bytes).into_owned(),
        |(text, _)| text,
    )
}

fn decoded(
    bytes: &[u8],
    html: bool,
) -> std::result::Result<(String, Option<&'static str>), String> {
    match html {
        true => exchange::text::decode_html(bytes),
        false => exchange::text::decode(bytes),
    }
}

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let too_big = || {
        Error::bad(
            path,
            format!(
                "is larger than {} MiB, the most Pathforge reads from one file",
                MAX_FILE_BYTES >> 20
            ),
        )
    };
    if len > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    // The file may have grown since its size was read.
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}
