//! E-learning packages: SCORM 1.2, SCORM 2004 (2nd–4th ed.), IMS Common Cartridge 1.x and
//! cmi5, zipped or unzipped. (A cartridge is read like a SCORM manifest, plus web links,
//! assessment titles and Canvas's `course_settings/module_meta.xml` prerequisites and
//! completion requirements.)
//!
//! An item whose resource is not declared, or whose launch file would lie outside the
//! package, is set aside by name (the rest of the package imports). An item whose launch
//! file is simply absent — a manifest sent ahead of its content — imports as structure
//! only (title, place, sequencing), with a warning naming the file. A launch URL on the web
//! becomes a web-link module.
//!
//! One module per leaf item (SCORM) or AU (cmi5). Titles, launch files and structure come
//! from `imsmanifest.xml` / `cmi5.xml`; a module's text from its launch HTML (scripts and
//! styles dropped). SCORM 1.2 `adlcp:prerequisites` become prerequisite requirements (an
//! expression with only AND is all-of, only OR any-of; anything more intricate is kept
//! verbatim in the module's metadata and treated as all-of; `N*{a,b,c}` is n-of); SCORM
//! 2004 precondition rules that disable an item until other items' global objectives are
//! met become requirements too, and the objectives and cmi5 `moveOn`/`masteryScore` are
//! kept in the module's metadata. What an item's learning-object metadata says (`lom.rs`:
//! learning time, difficulty, description, keywords) is read over the guesses.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use model::PrerequisiteGroup;
use serde_json::{json, Map, Value};

pub use carry::{package_files, PackageFile, PackageSource};

use crate::{
    Error, LibraryContent, Manifest, ModuleDraft, Requirement, Result, Skipped, WORDS_PER_MINUTE,
};

/// Which kind of package a library is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageKind {
    Scorm12,
    Scorm2004,
    Cmi5,
    /// IMS Common Cartridge 1.x (`.imscc`), with Canvas module prerequisites if present.
    CommonCartridge,
}

/// Limits against zip bombs for the parts an import reads: none over 64 MiB, 1 GiB in all,
/// and none that claims to expand more than 200 times.
const MAX_FILE: u64 = crate::MAX_FILE_BYTES;
const MAX_TOTAL: u64 = 1 << 30;
const MAX_RATIO: u64 = 200;

/// The files of a package, by path inside it. Only text parts (manifests, pages, QTI and
/// link XML) are read; media and other assets are listed with no bytes, so a package with
/// a 2 GB video imports without reading it.
struct Files {
    files: BTreeMap<String, Vec<u8>>,
}

/// Whether a file inside a package is one whose text an import uses.
fn is_text_part(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(
        ext.as_deref(),
        Some("xml" | "html" | "htm" | "xhtml" | "txt")
    )
}

impl Files {
    /// The text parts of the package at `path` (see [`Files`]).
    fn open(path: &Path) -> Result<Files> {
        Files::open_with(path, is_text_part)
    }

    /// The package at `path`, with the bytes of the files `wanted` names.
    fn open_with(path: &Path, wanted: fn(&str) -> bool) -> Result<Files> {
        let mut files = BTreeMap::new();
        if path.is_dir() {
            for (rel, entry) in folder_files(path)? {
                let bytes = match wanted(&rel) {
                    true => crate::read_file(entry.path())?,
                    false => Vec::new(),
                };
                files.insert(rel, bytes);
            }
            return Ok(Files { files });
        }
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Files::unzip(path, file, wanted)
    }

    /// The files of a zipped package, with the bytes of those `wanted` names; `path` names
    /// it in errors.
    fn unzip(
        path: &Path,
        reader: impl Read + std::io::Seek,
        wanted: fn(&str) -> bool,
    ) -> Result<Files> {
        let mut files = BTreeMap::new();
        let mut zip = zip::ZipArchive::new(reader)
            .map_err(|e| Error::bad(path, format!("not a readable zip: {e}")))?;
        let mut total = 0u64;
        for i in 0..zip.len() {
            let mut f = zip_entry(path, &mut zip, i)?;
            let Some(name) = zip_name(path, &f)? else {
                continue;
            };
            if !wanted(&name) {
                files.insert(name, Vec::new());
                continue;
            }
            if f.size() > MAX_FILE || total + f.size() > MAX_TOTAL || inflates_too_much(&f) {
                return Err(Error::bad(
                    path,
                    format!("{name} is too large to import (zip bomb guard)"),
                ));
            }
            let mut bytes = Vec::with_capacity(f.size() as usize);
            f.by_ref()
                .take(MAX_FILE + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::bad(path, format!("{name}: {e}")))?;
            total += bytes.len() as u64;
            files.insert(name, bytes);
        }
        Ok(Files { files })
    }

    /// The folder the package's manifest (`imsmanifest.xml`, else `cmi5.xml`) sits in.
    pub(crate) fn base(&self) -> Option<String> {
        self.find("imsmanifest.xml")
            .or_else(|| self.find("cmi5.xml"))
            .map(|(base, _)| base)
    }

    /// The manifest and the folder it sits in (packages are often zipped with a top folder).
    fn find(&self, name: &str) -> Option<(String, &[u8])> {
        self.files
            .iter()
            .filter(|(k, _)| k.rsplit('/').next() == Some(name))
            .min_by_key(|(k, _)| k.matches('/').count())
            .map(|(k, v)| (k[..k.len() - name.len()].to_owned(), v.as_slice()))
    }

    fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// The stored path a manifest's `href` names: as written, without a leading `./`, or
    /// percent-decoded (`my%20page.html`).
    fn resolve(&self, href: &str) -> Option<String> {
        let plain = href.replace("/./", "/");
        let plain = plain.strip_prefix("./").unwrap_or(&plain);
        [plain.to_owned(), percent_decoded(plain)]
            .into_iter()
            .find(|p| self.files.contains_key(p))
    }
}

/// Every file of the unpacked package at `path`, by its path in it (`/`-separated), in
/// name order.
fn folder_files(path: &Path) -> Result<Vec<(String, walkdir::DirEntry)>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::bad(path, format!("unreadable: {e}")))?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(path).unwrap_or(entry.path());
            let rel = rel
                .components()
                .map(|c| crate::name_of(c.as_os_str()))
                .collect::<Vec<_>>()
                .join("/");
            files.push((rel, entry));
        }
    }
    Ok(files)
}

/// Entry `i` of the zipped package at `path`, its contents not yet read; a
/// password-protected one is refused with what to do.
fn zip_entry<'a, R: Read + std::io::Seek>(
    path: &Path,
    zip: &'a mut zip::ZipArchive<R>,
    i: usize,
) -> Result<zip::read::ZipFile<'a, R>> {
    zip.by_index(i).map_err(|e| match e {
        zip::result::ZipError::UnsupportedArchive(zip::result::ZipError::PASSWORD_REQUIRED) => {
            Error::bad(
                path,
                "is a password-protected zip; export the package again without a password",
            )
        }
        e => Error::bad(path, format!("zip entry {i}: {e}")),
    })
}

/// Whether zip entry `f` claims to expand more than [`MAX_RATIO`] times its compressed
/// size (entries under 1 MiB aside): the guard against zip bombs an import and a carrying
/// export share.
fn inflates_too_much<R: Read + ?Sized>(f: &zip::read::ZipFile<'_, R>) -> bool {
    f.size() > 1 << 20 && f.size() / f.compressed_size().max(1) > MAX_RATIO
}

/// The path of zip entry `f` in the package (`/`-separated), or `None` for a folder
/// entry; an entry whose name would lead outside the package is refused, naming it.
fn zip_name<R: Read + ?Sized>(
    path: &Path,
    f: &zip::read::ZipFile<'_, R>,
) -> Result<Option<String>> {
    if f.is_dir() {
        return Ok(None);
    }
    match f.enclosed_name() {
        Some(name) => Ok(Some(name.to_string_lossy().replace('\\', "/"))),
        None => {
            let entry = f.name().map_or_else(|_| "?".to_owned(), |n| n.into_owned());
            Err(Error::bad(
                path,
                format!("zip entry “{entry}” points outside the package"),
            ))
        }
    }
}

/// `%XX` escapes decoded (as URLs in manifests carry them); invalid escapes kept as written.
pub(super) fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// Whether `path` looks like a package (a zip, or a folder with a package manifest).
pub fn is_package(path: &Path) -> bool {
    if path.is_dir() {
        return path.join("imsmanifest.xml").exists() || path.join("cmi5.xml").exists();
    }
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip") || e.eq_ignore_ascii_case("imscc"))
}

/// The package a module comes from, if it comes from one: the library itself when it is
/// a package (a file, or a folder with a package manifest), else the longest leading part
/// of the module's path that is a package (`packages/safety.zip/rights` →
/// `packages/safety.zip`); with the item's id.
pub fn package_of(library: &Path, module_path: &str) -> Option<(PathBuf, String)> {
    // A package file, or an unpacked package imported as a library of its own.
    if library.is_file() || is_package(library) {
        return Some((library.to_path_buf(), module_path.to_owned()));
    }
    let parts: Vec<&str> = module_path.split('/').collect();
    (1..parts.len()).rev().find_map(|k| {
        let candidate = library.join(parts[..k].join("/"));
        is_package(&candidate).then(|| (candidate, parts[k..].join("/")))
    })
}

/// Reads a SCORM or cmi5 package (zip or folder).
pub fn read_package(path: &Path) -> Result<(PackageKind, LibraryContent)> {
    read_files(path, Files::open(path)?)
}

/// Files of a package (zip or folder) by the paths its manifest gives, relative to the
/// manifest's folder, the package opened once: what a module's page preview shows (a
/// launcher and the pages it shows).
pub(crate) fn read_parts(path: &Path, hrefs: &[&str]) -> Result<Vec<Vec<u8>>> {
    let files = Files::open(path)?;
    let base = files.base().unwrap_or_default();
    hrefs
        .iter()
        .map(|href| {
            let href = href.split(['?', '#']).next().unwrap_or(href);
            let found = files
                .resolve(&format!("{base}{href}"))
                .or_else(|| files.resolve(href))
                .ok_or_else(|| Error::bad(path, format!("has no file {href}")))?;
            Ok(files.get(&found).unwrap_or_default().to_vec())
        })
        .collect()
}

/// Reads a zipped package held in memory; `path` names it in errors.
pub fn read_package_zip(path: &Path, bytes: &[u8]) -> Result<(PackageKind, LibraryContent)> {
    read_files(
        path,
        Files::unzip(path, std::io::Cursor::new(bytes), is_text_part)?,
    )
}

/// Reads a package given as its parts (path inside the package → bytes; empty bytes for
/// parts an import does not read); `path` names it in errors.
pub fn read_package_parts(
    path: &Path,
    parts: BTreeMap<String, Vec<u8>>,
) -> Result<(PackageKind, LibraryContent)> {
    read_files(path, Files { files: parts })
}

fn read_files(path: &Path, files: Files) -> Result<(PackageKind, LibraryContent)> {
    let (kind, mut content) = if let Some((base, xml)) = files.find("imsmanifest.xml") {
        scorm::read(path, &files, &base, xml)?
    } else if let Some((base, xml)) = files.find("cmi5.xml") {
        cmi5::read(path, &files, &base, xml)?
    } else {
        return Err(Error::bad(
            path,
            "holds neither imsmanifest.xml (SCORM) nor cmi5.xml (cmi5)",
        ));
    };
    content.warnings.extend(assets::warning(&files));
    Ok((kind, content))
}

/// The text of the package's XML file `name`, in the encoding its mark or declaration
/// names ([`exchange::text::decode_xml`]).
fn xml_text(path: &Path, name: &str, bytes: &[u8]) -> Result<String> {
    exchange::text::decode_xml(bytes)
        .map(|(text, _)| text)
        .map_err(|reason| Error::bad(path, format!("{name} {reason}")))
}

fn parse_xml<'a>(path: &Path, name: &str, text: &'a str) -> Result<roxmltree::Document<'a>> {
    // DTDs are refused: no entity expansion, no external fetches, ever.
    roxmltree::Document::parse(text).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            Error::bad(path, format!("{name} declares a DTD; Pathforge refuses DTDs (entity expansion, external fetches)"))
        }
        e => Error::bad(path, format!("{name} is malformed XML: {e}")),
    })
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

fn text_of(node: Option<roxmltree::Node<'_, '_>>) -> String {
    node.map(|n| {
        n.descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect::<String>()
    })
    .unwrap_or_default()
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

/// Visible text of a package's HTML page, read in the encoding it declares (Word's web
/// pages declare Windows-1252).
fn html_text(bytes: &[u8]) -> String {
    crate::documents::html_to_text(crate::page_text(bytes, true).as_bytes()).unwrap_or_default()
}

/// `body` led by `description` (a package's word for what an item is about), unless the
/// body already holds it.
fn led_by(description: &str, body: String) -> String {
    match body.contains(description) {
        true => body,
        false => format!("{description}\n\n{body}").trim().to_owned(),
    }
}

fn draft(
    relative_path: String,
    title: String,
    body: String,
    extra: Map<String, Value>,
) -> ModuleDraft {
    let word_count = body.split_whitespace().count() as u32;
    ModuleDraft {
        relative_path,
        title,
        duration_minutes: word_count.div_ceil(WORDS_PER_MINUTE).max(1),
        level: None,
        tags: Vec::new(),
        extra,
        body,
        word_count,
    }
}

mod assets;
mod carry;
mod cmi5;
mod lom;
mod scorm;

#[cfg(test)]
mod tests;
