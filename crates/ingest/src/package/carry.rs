//! A package's files as an export that carries its items takes them: listed without
//! reading them, then copied out one at a time as the export is written, so a package of
//! any size — a long video included — is never held in memory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use super::{folder_files, inflates_too_much, zip_entry, zip_name, Files, MAX_RATIO};
use crate::{Error, Result};

/// One file of a package: its path in the package (a zip entry, or a file under the
/// unpacked package's folder) and its size when it was listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    pub path: String,
    pub size: u64,
}

/// Every file of the package at `path` (zip or folder) by its path under the manifest's
/// folder (`imsmanifest.xml` or `cmi5.xml`), and that folder: what an export carries when
/// it takes a package's items as they are. Only listed — a zip's directory, a folder's
/// entries — so a package holding a 2 GB video lists as quickly as any other. A zip entry
/// claiming to expand more than the import allows (200 times) is refused, naming it.
pub fn package_files(path: &Path) -> Result<(String, BTreeMap<String, PackageFile>)> {
    let listed = list(path)?;
    let names = Files {
        files: listed.keys().map(|k| (k.clone(), Vec::new())).collect(),
    };
    let base = names.base().ok_or_else(|| {
        Error::bad(
            path,
            "holds neither imsmanifest.xml (SCORM) nor cmi5.xml (cmi5)",
        )
    })?;
    let under = listed
        .into_iter()
        .filter_map(|(name, size)| {
            let under = name.strip_prefix(&base)?.to_owned();
            Some((under, PackageFile { path: name, size }))
        })
        .collect();
    Ok((base, under))
}

/// The files of the package at `path` with their sizes, none of them read.
fn list(path: &Path) -> Result<BTreeMap<String, u64>> {
    let mut sizes = BTreeMap::new();
    if path.is_dir() {
        for (name, entry) in folder_files(path)? {
            let size = entry
                .metadata()
                .map_err(|e| Error::bad(path, format!("{name}: {e}")))?
                .len();
            sizes.insert(name, size);
        }
        return Ok(sizes);
    }
    let index = zip_index(path, &mut open_zip(path)?)?;
    Ok(index
        .into_iter()
        .map(|(name, (_, size))| (name, size))
        .collect())
}

/// A zipped package's files by their path in it: each one's entry number and size.
type ZipIndex = BTreeMap<String, (usize, u64)>;

/// Each file of the zip `zip` (the package at `path`) by its path in the package, with
/// its entry number and size. No size limit (a copy is never held), but the import's guard
/// against zip bombs: what is copied out is then at most [`MAX_RATIO`] times the zip.
fn zip_index(path: &Path, zip: &mut zip::ZipArchive<File>) -> Result<ZipIndex> {
    let mut index = BTreeMap::new();
    for i in 0..zip.len() {
        let f = zip_entry(path, zip, i)?;
        let Some(name) = zip_name(path, &f)? else {
            continue;
        };
        if inflates_too_much(&f) {
            return Err(Error::bad(
                path,
                format!(
                    "{name} claims to expand more than {MAX_RATIO} times its size in the zip \
                     (zip bomb guard)"
                ),
            ));
        }
        index.insert(name, (i, f.size()));
    }
    Ok(index)
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<File>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    zip::ZipArchive::new(file).map_err(|e| Error::bad(path, format!("not a readable zip: {e}")))
}

/// A package opened to copy its files out one at a time.
pub struct PackageSource {
    path: PathBuf,
    /// A zipped package's archive, with each file's entry number and size; `None` for a
    /// folder.
    zip: Option<(zip::ZipArchive<File>, ZipIndex)>,
}

impl std::fmt::Debug for PackageSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackageSource")
            .field("path", &self.path)
            .field("zipped", &self.zip.is_some())
            .finish()
    }
}

impl PackageSource {
    /// Opens the package at `path` (zip or folder), reading only a zip's directory.
    pub fn open(path: &Path) -> Result<PackageSource> {
        let zip = match path.is_dir() {
            true => None,
            false => {
                let mut zip = open_zip(path)?;
                let index = zip_index(path, &mut zip)?;
                Some((zip, index))
            }
        };
        Ok(PackageSource {
            path: path.to_owned(),
            zip,
        })
    }

    /// The package's zip or folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// File `file` of the package (as [`package_files`] listed it), to be read as it is.
    /// Reading fails with an error naming the file if it holds more or fewer bytes than
    /// listed — the package changed since, or a zip entry inflates past what its
    /// directory said — so a copy is never silently cut short or blown up.
    pub fn read(&mut self, file: &PackageFile) -> Result<Box<dyn Read + '_>> {
        let gone = || Error::bad(&self.path, format!("no longer holds {}", file.path));
        let inner: Box<dyn Read + '_> = match &mut self.zip {
            Some((zip, entries)) => {
                let (i, _) = *entries.get(&file.path).ok_or_else(gone)?;
                Box::new(zip_entry(&self.path, zip, i)?)
            }
            None => {
                // Listed paths stay inside the package; anything else is not one of them.
                let inside = Path::new(&file.path)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_)));
                if !inside {
                    return Err(gone());
                }
                let at = self.path.join(&file.path);
                match File::open(&at) {
                    Ok(f) => Box::new(f),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(gone()),
                    Err(e) => return Err(Error::io(&at, e)),
                }
            }
        };
        Ok(Box::new(Exact {
            inner,
            left: file.size,
            name: file.path.clone(),
        }))
    }
}

/// `inner`, which must hold exactly `left` more bytes.
struct Exact<R> {
    inner: R,
    left: u64,
    name: String,
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // Read on to the end: a zip entry's checksum is checked there.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} is larger than when it was listed", self.name),
                )),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{} is smaller than when it was listed", self.name),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zipped(dir: &Path, files: &[(&str, &[u8])]) -> PathBuf {
        let path = dir.join("p.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        for (name, bytes) in files {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    fn read_all(source: &mut PackageSource, file: &PackageFile) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        source.read(file).unwrap().read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn a_package_is_listed_without_reading_it_and_copied_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        let content: &[(&str, &[u8])] = &[
            ("course/imsmanifest.xml", b"<manifest/>"),
            ("course/media/intro.mp4", &[7u8; 70_000]),
            ("course/index.html", b"<p>Hi</p>"),
            ("readme.txt", b"outside the manifest's folder"),
        ];
        let zip = zipped(dir.path(), content);
        let folder = dir.path().join("unpacked");
        for (name, bytes) in content {
            let at = folder.join(name);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::fs::write(at, bytes).unwrap();
        }
        for package in [&zip, &folder] {
            let (base, files) = package_files(package).unwrap();
            assert_eq!(
                (
                    base.as_str(),
                    files.keys().map(String::as_str).collect::<Vec<_>>()
                ),
                (
                    "course/",
                    vec!["imsmanifest.xml", "index.html", "media/intro.mp4"]
                ),
                "{}: files are listed under the manifest's folder, and nothing outside it",
                package.display()
            );
            let video = &files["media/intro.mp4"];
            assert_eq!(
                (video.path.as_str(), video.size),
                ("course/media/intro.mp4", 70_000),
                "{}: each file keeps its place in the package and its size",
                package.display()
            );
            let mut source = PackageSource::open(package).unwrap();
            assert_eq!(
                read_all(&mut source, video).unwrap(),
                vec![7u8; 70_000],
                "{}: a file reads back as it is",
                package.display()
            );
            assert_eq!(
                read_all(&mut source, &files["index.html"]).unwrap(),
                b"<p>Hi</p>",
                "{}: the same opened package serves the next file",
                package.display()
            );
        }
    }

    #[test]
    fn a_file_that_changed_since_it_was_listed_fails_its_read_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let check = |listed: u64, why: &str| {
            for zipped_package in [false, true] {
                let folder = dir.path().join("p");
                std::fs::create_dir_all(&folder).unwrap();
                std::fs::write(folder.join("imsmanifest.xml"), b"<manifest/>").unwrap();
                std::fs::write(folder.join("a.bin"), [1u8; 100]).unwrap();
                let package = match zipped_package {
                    true => zipped(
                        dir.path(),
                        &[("imsmanifest.xml", b"<manifest/>"), ("a.bin", &[1u8; 100])],
                    ),
                    false => folder,
                };
                let mut source = PackageSource::open(&package).unwrap();
                let file = PackageFile {
                    path: "a.bin".to_owned(),
                    size: listed,
                };
                let err = read_all(&mut source, &file).unwrap_err().to_string();
                assert!(
                    err.contains("a.bin is") && err.contains("than when it was listed"),
                    "{why} ({}): {err}",
                    package.display()
                );
            }
        };
        check(60, "a file grown since: the copy is not cut short silently");
        check(
            140,
            "a file shrunk since: the copy is not passed off as whole",
        );
    }

    #[test]
    fn a_file_no_longer_in_the_package_or_outside_it_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let zip = zipped(dir.path(), &[("imsmanifest.xml", b"<manifest/>")]);
        std::fs::write(dir.path().join("secret.txt"), b"not the package's").unwrap();
        let folder = dir.path().join("unpacked");
        std::fs::create_dir_all(&folder).unwrap();
        for (package, asked, why) in [
            (&zip, "gone.mp4", "a zip entry removed since it was listed"),
            (&folder, "gone.mp4", "a file removed since it was listed"),
            (
                &folder,
                "../secret.txt",
                "a path leading out of the package is none of its files",
            ),
        ] {
            let mut source = PackageSource::open(package).unwrap();
            let file = PackageFile {
                path: asked.to_owned(),
                size: 1,
            };
            let err = source.read(&file).err().expect(why).to_string();
            assert!(
                err.contains(&format!("no longer holds {asked}")),
                "{why}: {err}"
            );
        }
    }
}
