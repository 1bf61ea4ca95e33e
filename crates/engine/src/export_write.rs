//! Writing an export where the admin asked — a folder, replaced in one step, or one zip
//! file ready to upload to the LMS — after comparing it with the earlier export there:
//! only an earlier export of the same project is ever replaced, and a carried package's
//! files are copied as they are written, never held in memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lms::ExportDiff;

use crate::{Error, Project, Result};

/// The file that marks a folder (or a zip) as a Pathforge export: which project and target
/// wrote it, and the files it wrote. Only such a folder or zip, of the same project,
/// holding nothing else, is ever replaced.
pub const MARKER: &str = ".pathforge-export.json";

#[derive(serde::Serialize, serde::Deserialize)]
struct Marker {
    project: String,
    target: String,
    files: Vec<String>,
}

impl Project {
    /// Writes the export as the folder `out`, replacing an earlier export of this project
    /// there. The folder is complete (files synced) before it takes the name; if the swap
    /// fails, the earlier export is put back. When `out` names a `.zip` (and is not a
    /// folder), the same files go into that one zip instead, the manifest at its root,
    /// ready to upload to an LMS; it too is written beside and renamed into place.
    pub fn write_export(&self, export: &lms::Export, out: &Path) -> Result<ExportDiff> {
        self.write_export_with(export, out, &mut |_| true)
    }

    /// [`Project::write_export`], calling `progress` with how far it is ([`Written`]) every
    /// few hundred files and every 16 MiB of a large file copied from a carried package;
    /// `progress` returning false stops it (kind `cancelled`) before the
    /// folder is put in place: `out` stays as it was.
    pub fn write_export_with(
        &self,
        export: &lms::Export,
        out: &Path,
        progress: &mut dyn FnMut(Written) -> bool,
    ) -> Result<ExportDiff> {
        let project = self.store.project()?.id.to_string();
        let mut earlier = Earlier::at(out, &project)?;
        for name in export.names() {
            let plain = Path::new(name)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !plain || name == MARKER {
                return Err(Error::ExportFolder {
                    path: PathBuf::from(name),
                    reason: "an export may not write this name".to_owned(),
                });
            }
        }
        let marker = Marker {
            project,
            target: export.target.name().to_owned(),
            files: export.names().cloned().collect(),
        };
        let mut json = serde_json::to_vec_pretty(&marker).expect("plain data serialises");
        json.push(b'\n');
        let mut sources = Sources::default();
        let diff = diff_against(export, earlier.as_mut(), &mut sources)?;
        let replace = earlier.is_some();
        drop(earlier);
        // The marker is written after the export's files, which are not copied for it.
        let files = bodies(export).chain([(MARKER, Body::Bytes(json.as_slice()))]);
        let all = Written {
            files: 0,
            of_files: marker.files.len() as u32 + 1,
            bytes: 0,
            of_bytes: bodies(export).map(|(_, b)| b.len()).sum::<u64>() + json.len() as u64,
        };
        match as_zip(out) {
            true => write_zip(files, all, out, &mut sources, progress)?,
            false => write_folder(files, all, out, replace, &mut sources, progress)?,
        }
        Ok(diff)
    }

    /// What writing the export as `out` would change, without writing anything (refused,
    /// like writing, when `out` holds something other than this project's export).
    pub fn export_diff(&self, export: &lms::Export, out: &Path) -> Result<ExportDiff> {
        let project = self.store.project()?.id.to_string();
        let mut earlier = Earlier::at(out, &project)?;
        diff_against(export, earlier.as_mut(), &mut Sources::default())
    }
}

/// How far writing an export is: files written of all of them, and bytes written of all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub files: u32,
    pub of_files: u32,
    pub bytes: u64,
    pub of_bytes: u64,
}

/// Whether the export at `out` is one zip file: `out` ends in `.zip` and is not a folder.
fn as_zip(out: &Path) -> bool {
    out.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        && !out.is_dir()
}

/// An earlier export of this project at the place an export is written, which the new
/// one is compared with and replaces.
enum Earlier {
    /// Each file of the folder, by its path in it.
    Folder(BTreeMap<String, PathBuf>),
    /// The zip, and each of its files' entry number and size.
    Zip {
        archive: zip::ZipArchive<std::fs::File>,
        files: BTreeMap<String, (usize, u64)>,
    },
}

impl Earlier {
    /// The earlier export at `out` (a folder, or a zip when [`as_zip`]); `None` when
    /// nothing is there. Refused, naming `out`: anything but an earlier export of
    /// `project` holding only the files it wrote.
    fn at(out: &Path, project: &str) -> Result<Option<Earlier>> {
        if !as_zip(out) {
            return Ok(previous_export(out, project)?.map(Earlier::Folder));
        }
        let refuse = |reason: String| Error::ExportFolder {
            path: out.to_path_buf(),
            reason,
        };
        let file = match std::fs::symlink_metadata(out) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(out)(e)),
            Ok(m) if m.file_type().is_symlink() => {
                return Err(refuse("is a symbolic link; give the real file".to_owned()))
            }
            Ok(_) => std::fs::File::open(out).map_err(io(out))?,
        };
        let not_ours =
            || refuse("holds no earlier Pathforge export: choose another name".to_owned());
        let mut archive = zip::ZipArchive::new(file).map_err(|_| not_ours())?;
        let mut files = BTreeMap::new();
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).map_err(|_| not_ours())?;
            if !entry.is_dir() {
                let name = entry.name().map_err(|_| not_ours())?.into_owned();
                files.insert(name, (i, entry.size()));
            }
        }
        let Some(&(at, _)) = files.get(MARKER) else {
            return Err(not_ours());
        };
        let mut json = Vec::new();
        std::io::Read::read_to_end(
            &mut archive.by_index(at).map_err(|_| not_ours())?,
            &mut json,
        )
        .map_err(io(out))?;
        files.remove(MARKER);
        let marker: Marker = serde_json::from_slice(&json)
            .map_err(|e| refuse(format!("unreadable {MARKER}: {e}")))?;
        check_marker(out, project, &marker, files.keys(), "choose another name")?;
        Ok(Some(Earlier::Zip { archive, files }))
    }

    fn names(&self) -> Vec<&String> {
        match self {
            Earlier::Folder(files) => files.keys().collect(),
            Earlier::Zip { files, .. } => files.keys().collect(),
        }
    }

    /// The size of its file `name`, if it has one.
    fn size(&self, name: &str) -> Result<Option<u64>> {
        match self {
            Earlier::Folder(files) => match files.get(name) {
                Some(path) => Ok(Some(std::fs::metadata(path).map_err(io(path))?.len())),
                None => Ok(None),
            },
            Earlier::Zip { files, .. } => Ok(files.get(name).map(|(_, size)| *size)),
        }
    }

    /// Its file `name` (one [`Earlier::size`] found), to be read.
    fn read(&mut self, name: &str) -> Result<Box<dyn std::io::Read + '_>> {
        match self {
            Earlier::Folder(files) => {
                let path = &files[name];
                Ok(Box::new(std::fs::File::open(path).map_err(io(path))?))
            }
            Earlier::Zip { archive, files } => {
                let entry = archive.by_index(files[name].0).map_err(|e| Error::Io {
                    path: PathBuf::from(name),
                    source: e.into(),
                })?;
                Ok(Box::new(entry))
            }
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { path, source }
}

/// Temporary folders an export makes beside its destination; the process id follows, so
/// a later export can tell the leftovers of a killed one from another export's work.
const STAGING: &str = ".pathforge-export-";
const OLD: &str = ".pathforge-old-";

/// Swaps two folders in one step: a reader (or a crash) sees one or the other at each path.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// One file an export writes: compiled bytes, or a copy of a carried package's file.
#[derive(Clone, Copy)]
enum Body<'a> {
    Bytes(&'a [u8]),
    Copy(&'a lms::Copied),
}

impl Body<'_> {
    fn len(&self) -> u64 {
        match self {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::Copy(copied) => copied.size,
        }
    }
}

/// Every file of `export` in path order, bytes or copies.
fn bodies(export: &lms::Export) -> impl Iterator<Item = (&str, Body<'_>)> {
    let mut all: Vec<(&str, Body<'_>)> = export
        .files
        .iter()
        .map(|(name, bytes)| (name.as_str(), Body::Bytes(bytes)))
        .chain(
            export
                .copied
                .iter()
                .map(|(name, copied)| (name.as_str(), Body::Copy(copied))),
        )
        .collect();
    all.sort_by_key(|(name, _)| *name);
    all.into_iter()
}

/// The carried package an export is copying from, kept open from one of its files to the
/// next (an export's copies come package by package, in path order).
#[derive(Default)]
struct Sources {
    open: Option<ingest::PackageSource>,
}

impl Sources {
    /// The package file `copied`, to be read as it is.
    fn read(&mut self, copied: &lms::Copied) -> Result<Box<dyn std::io::Read + '_>> {
        let package = copied.package.as_path();
        if self.open.as_ref().is_none_or(|open| open.path() != package) {
            let opened = ingest::PackageSource::open(package)
                .map_err(|e| changed(package, e.reason().to_owned()))?;
            self.open = Some(opened);
        }
        let source = self.open.as_mut().expect("opened above");
        let file = ingest::PackageFile {
            path: copied.path.clone(),
            size: copied.size,
        };
        source
            .read(&file)
            .map_err(|e| changed(package, e.reason().to_owned()))
    }
}

/// A carried package that no longer reads as it did when the export was compiled.
fn changed(package: &Path, why: String) -> Error {
    ingest::Error::BadInput {
        path: package.to_owned(),
        reason: format!("{why}: the package changed since this export was prepared; export again"),
    }
    .into()
}

/// Copies `from` (a carried file of `package`) into `to` (at `path`), asking `progress`
/// every 16 MiB (with the bytes copied so far) whether to go on, so a long video shows
/// its progress and can be cancelled part way.
fn copy_file(
    from: &mut dyn std::io::Read,
    to: &mut dyn std::io::Write,
    package: &Path,
    path: &Path,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<()> {
    let mut buf = vec![0u8; 1 << 16];
    let mut since = 0usize;
    let mut copied = 0u64;
    loop {
        let n = from
            .read(&mut buf)
            .map_err(|e| changed(package, e.to_string()))?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buf[..n]).map_err(io(path))?;
        since += n;
        copied += n as u64;
        if since >= 16 << 20 {
            since = 0;
            if !progress(copied) {
                return Err(ingest::Error::Cancelled.into());
            }
        }
    }
}

/// Writes the export's `files` (`count` of them) as one zip at `out`: built beside it under
/// a temporary name, synced, then renamed over it, so a kill at any point leaves the earlier
/// zip or the new one whole. The same files give the same bytes (fixed times), and what is
/// already compressed (video, images, zips) is stored rather than squeezed again.
fn write_zip<'a>(
    files: impl Iterator<Item = (&'a str, Body<'a>)>,
    all: Written,
    out: &Path,
    sources: &mut Sources,
    progress: &mut dyn FnMut(Written) -> bool,
) -> Result<()> {
    use std::io::Write;
    let parent = parent_of(out)?;
    let staging = tempfile::Builder::new()
        .prefix(&store::staging_prefix(STAGING))
        .suffix(".zip")
        .tempfile_in(&parent)
        .map_err(io(&parent))?;
    let zip_error = |e: zip::result::ZipError| io(out)(e.into());
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(staging.as_file()));
    // Stopping drops the temporary file, so nothing is left.
    each_file(files, all, sources, progress, &mut |name, body, fill| {
        let method = match body {
            Body::Copy(_) if compressed(name) => zip::CompressionMethod::Stored,
            _ => zip::CompressionMethod::Deflated,
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(if name.ends_with(".sh") { 0o755 } else { 0o644 })
            .large_file(body.len() >= u64::from(u32::MAX));
        zip.start_file(name, options).map_err(zip_error)?;
        fill(&mut zip, out)
    })?;
    let mut written = zip.finish().map_err(zip_error)?;
    written.flush().map_err(io(out))?;
    drop(written);
    staging.as_file().sync_all().map_err(io(out))?;
    #[cfg(unix)]
    {
        // A temporary file is private (0600); an export is an ordinary file.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(io(staging.path()))?;
    }
    staging.persist(out).map_err(|e| io(out)(e.error))?;
    if let Ok(dir) = std::fs::File::open(&parent) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Whether a file named `name` is already compressed (video, audio, images, fonts, zips),
/// so a zip stores it as it is.
fn compressed(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(
        ext.as_deref(),
        Some(
            "mp4"
                | "m4v"
                | "mov"
                | "webm"
                | "mkv"
                | "mp3"
                | "m4a"
                | "aac"
                | "ogg"
                | "oga"
                | "ogv"
                | "jpg"
                | "jpeg"
                | "png"
                | "gif"
                | "webp"
                | "woff"
                | "woff2"
                | "zip"
                | "gz"
                | "pdf"
        )
    )
}

/// The folder `out` goes into, made if missing, with what killed exports left there
/// removed.
fn parent_of(out: &Path) -> Result<PathBuf> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    store::remove_leftovers(&parent, &[STAGING, OLD]);
    Ok(parent)
}

/// Writes one file's body into the writer given (`path` names it in errors).
type Fill<'a> = dyn FnMut(&mut dyn std::io::Write, &Path) -> Result<()> + 'a;

/// Writes each of `files` (`all` says how many and how large) by `put`, which makes the
/// file named and has `fill` write the body into it — asking `progress` before the first,
/// every 256 files and every 16 MiB of a copy, and once more when all are written: the
/// last chance to stop before the export is put in place.
fn each_file<'a>(
    files: impl Iterator<Item = (&'a str, Body<'a>)>,
    all: Written,
    sources: &mut Sources,
    progress: &mut dyn FnMut(Written) -> bool,
    put: &mut dyn FnMut(&str, Body<'_>, &mut Fill<'_>) -> Result<()>,
) -> Result<()> {
    let mut at = all;
    if !progress(at) {
        return Err(ingest::Error::Cancelled.into());
    }
    for (i, (name, body)) in files.enumerate() {
        at.files = i as u32;
        if i % 256 == 255 && !progress(at) {
            return Err(ingest::Error::Cancelled.into());
        }
        let before = at;
        let mut fill = |to: &mut dyn std::io::Write, path: &Path| -> Result<()> {
            match body {
                Body::Bytes(bytes) => to.write_all(bytes).map_err(io(path)),
                Body::Copy(copied) => {
                    let mut from = sources.read(copied)?;
                    let mut go_on = |done: u64| {
                        progress(Written {
                            bytes: before.bytes + done,
                            ..before
                        })
                    };
                    copy_file(&mut from, to, &copied.package, path, &mut go_on)
                }
            }
        };
        put(name, body, &mut fill)?;
        at.bytes += body.len();
    }
    at.files = all.of_files;
    if !progress(at) {
        return Err(ingest::Error::Cancelled.into());
    }
    Ok(())
}

/// Builds the folder beside `out` and renames it into place (on Linux, an existing export
/// is exchanged with the new one in one step, so a kill at any point leaves one whole
/// export at `out`).
fn write_folder<'a>(
    files: impl Iterator<Item = (&'a str, Body<'a>)>,
    all: Written,
    out: &Path,
    replace: bool,
    sources: &mut Sources,
    progress: &mut dyn FnMut(Written) -> bool,
) -> Result<()> {
    let parent = parent_of(out)?;
    let staging = tempfile::Builder::new()
        .prefix(&store::staging_prefix(STAGING))
        .tempdir_in(&parent)
        .map_err(io(&parent))?;
    // Stopping drops the staging folder, so nothing is left.
    each_file(files, all, sources, progress, &mut |name, _, fill| {
        let path = staging.path().join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let mut file = std::fs::File::create(&path).map_err(io(&path))?;
        fill(&mut file, &path)?;
        // Every file reaches the disk before the folder is renamed into place: on Linux
        // with one syncfs below (an fsync per file took most of a 50,000-file export).
        #[cfg(not(target_os = "linux"))]
        file.sync_all().map_err(io(&path))?;
        #[cfg(unix)]
        if name.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .map_err(io(&path))?;
        }
        Ok(())
    })?;
    #[cfg(target_os = "linux")]
    {
        let dir = std::fs::File::open(staging.path()).map_err(io(staging.path()))?;
        rustix::fs::syncfs(&dir)
            .map_err(std::io::Error::from)
            .map_err(io(staging.path()))?;
    }
    #[cfg(unix)]
    {
        // A temporary folder is private (0700); an export is an ordinary folder.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(io(staging.path()))?;
    }
    #[cfg(target_os = "linux")]
    if replace {
        exchange(staging.path(), out).map_err(io(out))?;
        // The staging folder now holds the previous export; removing it (on drop) is
        // housekeeping, and a failure there loses nothing.
        drop(staging);
        if let Ok(dir) = std::fs::File::open(&parent) {
            let _ = dir.sync_all();
        }
        return Ok(());
    }
    if replace {
        let old = tempfile::Builder::new()
            .prefix(&store::staging_prefix(OLD))
            .tempdir_in(&parent)
            .map_err(io(&parent))?;
        let old_path = old.path().join("export");
        std::fs::rename(out, &old_path).map_err(io(out))?;
        if let Err(e) = std::fs::rename(staging.path(), out) {
            // Put the earlier export back; the staging folder is removed on drop.
            let _ = std::fs::rename(&old_path, out);
            return Err(io(out)(e));
        }
        // The new export is in place; removing the old one is housekeeping (`old` is
        // removed on drop, and a failure there loses nothing).
        drop(old);
    } else {
        std::fs::rename(staging.path(), out).map_err(io(out))?;
    }
    // The staging folder now has the export's name: nothing is left to remove.
    std::mem::forget(staging);
    if let Ok(dir) = std::fs::File::open(&parent) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// The files of this project's earlier export in `out`; `None` when there is nothing
/// there. Refused: a symlink, a file, a folder with content but no marker, another
/// project's export, and files the export did not write.
fn previous_export(out: &Path, project: &str) -> Result<Option<BTreeMap<String, PathBuf>>> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(out)(e)),
    };
    let refuse = |reason: String| {
        Err(Error::ExportFolder {
            path: out.to_path_buf(),
            reason,
        })
    };
    if meta.file_type().is_symlink() {
        return refuse("is a symbolic link; give the real folder".to_owned());
    }
    if !meta.is_dir() {
        return refuse("exists and is not a folder".to_owned());
    }
    let mut files = list_tree(out)?;
    let Some(marker) = files.remove(MARKER) else {
        if files.is_empty() {
            return Ok(Some(files));
        }
        return refuse(
            "is not empty and holds no earlier Pathforge export: choose another folder".to_owned(),
        );
    };
    let marker = std::fs::read(&marker).map_err(io(&marker))?;
    let marker: Marker = serde_json::from_slice(&marker).map_err(|e| Error::ExportFolder {
        path: out.to_path_buf(),
        reason: format!("unreadable {MARKER}: {e}"),
    })?;
    check_marker(
        out,
        project,
        &marker,
        files.keys(),
        "move them out or choose another folder",
    )?;
    Ok(Some(files))
}

/// Refuses to replace the export at `out`, whose marker is `marker` and which holds the
/// files `names`, unless `project` wrote it and it holds only what it wrote (`else_do` says
/// what to do about files it did not write).
fn check_marker<'a>(
    out: &Path,
    project: &str,
    marker: &Marker,
    names: impl Iterator<Item = &'a String>,
    else_do: &str,
) -> Result<()> {
    let refuse = |reason: String| {
        Err(Error::ExportFolder {
            path: out.to_path_buf(),
            reason,
        })
    };
    if marker.project != project {
        return refuse(format!(
            "holds an export of another project ({}): choose another {}",
            marker.project,
            match as_zip(out) {
                true => "name",
                false => "folder",
            }
        ));
    }
    let foreign: Vec<&str> = names
        .filter(|f| !marker.files.contains(f))
        .take(3)
        .map(String::as_str)
        .collect();
    if !foreign.is_empty() {
        return refuse(format!(
            "holds files this export did not write ({}): {else_do}",
            foreign.join(", ")
        ));
    }
    Ok(())
}

fn diff_against(
    export: &lms::Export,
    mut earlier: Option<&mut Earlier>,
    sources: &mut Sources,
) -> Result<ExportDiff> {
    let mut diff = ExportDiff::default();
    for (name, body) in bodies(export) {
        let Some(earlier) = earlier.as_deref_mut() else {
            diff.added.push(name.to_owned());
            continue;
        };
        match earlier.size(name)? {
            None => diff.added.push(name.to_owned()),
            Some(len) => match len == body.len() && same(body, earlier, name, sources)? {
                true => diff.unchanged += 1,
                false => diff.changed.push(name.to_owned()),
            },
        }
    }
    if let Some(earlier) = earlier {
        diff.removed = earlier
            .names()
            .into_iter()
            .filter(|k| !export.files.contains_key(*k) && !export.copied.contains_key(*k))
            .cloned()
            .collect();
    }
    Ok(diff)
}

/// Whether `earlier`'s file `name`, of the same size, holds what `body` would write, read
/// a piece at a time (a carried video is compared without holding either copy).
fn same(body: Body<'_>, earlier: &mut Earlier, name: &str, sources: &mut Sources) -> Result<bool> {
    let mut was = earlier.read(name)?;
    let (mut now, package): (Box<dyn std::io::Read + '_>, Option<&Path>) = match body {
        Body::Bytes(bytes) => (Box::new(bytes), None),
        Body::Copy(copied) => (sources.read(copied)?, Some(copied.package.as_path())),
    };
    let (mut a, mut b) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        // Only a copy's read can fail: bytes in memory always read.
        let n = fill(&mut now, &mut a).map_err(|e| match package {
            Some(package) => changed(package, e.to_string()),
            None => io(Path::new(name))(e),
        })?;
        let m = fill(&mut was, &mut b).map_err(io(Path::new(name)))?;
        if a[..n] != b[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Reads into `buf` until it is full or `from` ends; how much was read.
fn fill(from: &mut dyn std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match from.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Every file under `dir`, by its path there, none of them read; a symbolic link is refused.
fn list_tree(dir: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        let entries = std::fs::read_dir(&at).map_err(|source| Error::Io {
            path: at.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io {
                path: at.clone(),
                source,
            })?;
            let path = entry.path();
            let kind = entry.file_type().map_err(io(&path))?;
            if kind.is_symlink() {
                return Err(Error::ExportFolder {
                    path,
                    reason: "a symbolic link inside an export folder; Pathforge never writes one"
                        .to_owned(),
                });
            }
            if kind.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("walked from dir")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, path);
            }
        }
    }
    Ok(out)
}
