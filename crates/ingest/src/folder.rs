//! A library folder as teams keep them: documents, Markdown, SCORM/cmi5 packages (zipped
//! or unpacked) and LMS catalog exports side by side, in any sub-folders. Each file is read
//! by its own format; a package's or catalog's modules are named under its path, so
//! `packages/safety.zip/item-3` cannot collide with a document.

use std::path::Path;

use crate::{Error, LibraryContent, Manifest, Requirement, Result, Skipped};

/// Reads every module under `dir`, in path order, setting aside the files that cannot be
/// read (each with its error) so the rest can still be imported. Prerequisites that
/// packages and catalogs declare come back in the manifest, under their prefixed paths.
/// Fails only when the folder itself is unusable or holds no readable module at all.
pub fn read_folder(dir: &Path) -> Result<LibraryContent> {
    read_folder_with(dir, &crate::ColumnMaps::new(), &mut |_, _| true)
}

/// [`read_folder`], reading catalogs with the column mappings in `columns`, and calling
/// `progress(file, (done, total))` before each file it reads (packages and catalogs count
/// as one file); `progress` returning false stops the walk and the read fails as
/// [`Error::Cancelled`].
pub fn read_folder_with(
    dir: &Path,
    columns: &crate::ColumnMaps,
    progress: &mut dyn FnMut(&str, (u32, u32)) -> bool,
) -> Result<LibraryContent> {
    let meta = std::fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
    if !meta.is_dir() {
        return Err(Error::bad(
            dir,
            "is not a folder; give the folder that holds the modules",
        ));
    }
    let root = std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
    let relative_of = |path: &Path| {
        path.strip_prefix(dir)
            .unwrap_or(path)
            .components()
            .map(|c| crate::name_of(c.as_os_str()))
            .collect::<Vec<_>>()
            .join("/")
    };
    let sources = sources(dir, &root, &relative_of);
    let total = sources.len() as u32;
    let mut modules = Vec::new();
    let mut requires = Vec::new();
    let mut skipped = Vec::new();
    let mut warnings = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (done, source) in sources.into_iter().enumerate() {
        let relative = match &source {
            Source::Unreadable(s) => s.relative_path.clone(),
            Source::Document(p) | Source::Package(p) | Source::Catalog(p) => relative_of(p),
        };
        // Only a name with bytes that are not UTF-8 can meet another here (written `%XX`,
        // it can equal a name really spelt that way): set the second aside, never merge.
        if !names.insert(relative.clone()) {
            if let Source::Document(p) | Source::Package(p) | Source::Catalog(p) = &source {
                skipped.push(Skipped {
                    relative_path: relative.clone(),
                    error: Error::bad(
                        p,
                        format!(
                            "reads as {relative:?}, like another file of the library \
                             (bytes that are not UTF-8 are written as %XX); rename one of them"
                        ),
                    ),
                });
                continue;
            }
        }
        // A package's or catalog's modules are named under its path; a document is one.
        let nested = matches!(source, Source::Package(_) | Source::Catalog(_));
        if !progress(&relative, (done as u32, total)) {
            return Err(Error::Cancelled);
        }
        let read = match source {
            Source::Unreadable(s) => Err(s.error),
            Source::Document(path) => crate::read_file(&path)
                .and_then(|bytes| match crate::documents::is_document(&path) {
                    true => crate::documents::parse_document(&path, &relative, &bytes),
                    false => crate::markdown::parse_markdown(&path, &relative, &bytes),
                })
                .map(|draft| LibraryContent {
                    warnings: (draft.extra.get("encoding").and_then(|e| e.as_str()))
                        .map(|e| crate::Warning {
                            relative_path: relative.clone(),
                            message: exchange::text::read_as(e),
                        })
                        .into_iter()
                        .collect(),
                    modules: vec![draft],
                    manifest: None,
                    skipped: Vec::new(),
                }),
            Source::Package(path) => crate::package::read_package(&path).map(|(_, c)| c),
            Source::Catalog(path) => {
                crate::catalog::read_catalog_with(&path, &crate::columns_for(columns, &path))
            }
        };
        match read {
            Ok(content) if nested => {
                let prefix = |p: &str| format!("{relative}/{p}");
                modules.extend(content.modules.into_iter().map(|mut m| {
                    m.relative_path = prefix(&m.relative_path);
                    m
                }));
                requires.extend(
                    content
                        .manifest
                        .into_iter()
                        .flat_map(|m| m.requires)
                        .map(|r| Requirement {
                            module: prefix(&r.module),
                            after: r.after.iter().map(|a| prefix(a)).collect(),
                            group: r.group,
                        }),
                );
                skipped.extend(content.skipped.into_iter().map(|s| Skipped {
                    relative_path: prefix(&s.relative_path),
                    error: s.error,
                }));
                // A package's or catalog's own warnings are about the file itself.
                warnings.extend(content.warnings.into_iter().map(|w| crate::Warning {
                    relative_path: match w.relative_path.as_str() {
                        "" => relative.clone(),
                        p => prefix(p),
                    },
                    message: w.message,
                }));
            }
            Ok(content) => {
                warnings.extend(content.warnings);
                modules.extend(content.modules);
            }
            Err(error) => skipped.push(Skipped {
                relative_path: relative,
                error,
            }),
        }
    }
    let _ = progress("", (total, total));
    if modules.is_empty() {
        return Err(match skipped.len() {
            1 => skipped.remove(0).error,
            n @ 2.. => {
                const SHOWN: usize = 10;
                let each: Vec<String> = skipped
                    .iter()
                    .take(SHOWN)
                    .map(|s| format!("{}: {}", s.relative_path, s.error.reason()))
                    .collect();
                let more = match n.saturating_sub(SHOWN) {
                    0 => String::new(),
                    m => format!("; and {m} more"),
                };
                Error::bad(
                    dir,
                    format!(
                        "has no module that could be read: all {n} of its files were refused — {}{more}",
                        each.join("; ")
                    ),
                )
            }
            0 => Error::bad(
                dir,
                "holds no modules (Markdown, HTML, PDF, Word, PowerPoint or text files, \
                 SCORM/cmi5/Common Cartridge packages, or catalog CSV exports)",
            ),
        });
    }
    let manifest = (!requires.is_empty()).then(|| Manifest {
        requires,
        ..Manifest::default()
    });
    Ok(LibraryContent {
        modules,
        manifest,
        skipped,
        warnings,
    })
}

/// What one entry of a library folder is read as.
enum Source {
    Document(std::path::PathBuf),
    Package(std::path::PathBuf),
    Catalog(std::path::PathBuf),
    Unreadable(Skipped),
}

fn is_single_document(path: &Path) -> bool {
    crate::documents::is_document(path) || crate::markdown::is_markdown(path)
}

/// Lists what a library folder holds, in path order, without reading any of it (so
/// progress can say "n of total"). Package folders are one source, not walked into.
fn sources(dir: &Path, root: &Path, relative_of: &dyn Fn(&Path) -> String) -> Vec<Source> {
    let mut out = Vec::new();
    // Links inside the library are followed (walkdir stops loops); a link leading outside
    // it is refused, so a library cannot pull in files from elsewhere on the machine.
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let source = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("link loop"));
                out.push(Source::Unreadable(Skipped {
                    relative_path: relative_of(&path),
                    error: Error::Io { path, source },
                }));
                continue;
            }
        };
        let path = entry.path();
        if entry.path_is_symlink() {
            let inside = std::fs::canonicalize(path).map(|real| real.starts_with(root));
            if let Ok(false) = inside {
                let error = Error::bad(
                    path,
                    "is a link to a file outside the library; copy the file in instead",
                );
                out.push(Source::Unreadable(Skipped {
                    relative_path: relative_of(path),
                    error,
                }));
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        if entry.file_type().is_dir() {
            if entry.depth() > 0 && crate::package::is_package(path) {
                out.push(Source::Package(path.to_path_buf()));
                walker.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() || crate::markdown::is_readme(path) {
            continue;
        }
        if is_single_document(path) {
            out.push(Source::Document(path.to_path_buf()));
        } else if crate::package::is_package(path) {
            out.push(Source::Package(path.to_path_buf()));
        } else if crate::catalog::is_catalog(path) {
            out.push(Source::Catalog(path.to_path_buf()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCORM: &str = r#"<manifest identifier="m" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><metadata><schemaversion>1.2</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>
        <item identifier="i1" identifierref="r1"><title>One</title></item>
        <item identifier="i2" identifierref="r2"><title>Two</title><adlcp:prerequisites type="aicc_script">i1</adlcp:prerequisites></item>
        </organization></organizations>
        <resources><resource identifier="r1" href="one.html"/><resource identifier="r2" href="two.html"/></resources></manifest>"#;

    fn write(dir: &Path, files: &[(&str, &[u8])]) {
        for (name, bytes) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (n, b) in entries {
            z.start_file(*n, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(b).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    #[test]
    fn a_manifest_listing_every_module_gives_the_library_its_order() {
        fn check(listed: &[&str], order: &[&str], why: &str) {
            let dir = tempfile::tempdir().unwrap();
            let manifest: String = listed
                .iter()
                .map(|p| format!("[[module]]\npath = {p:?}\n"))
                .collect();
            write(
                dir.path(),
                &[
                    ("guides/hygiene.md", b"# Hygiene"),
                    ("orientation/welcome.md", b"# Welcome"),
                    ("wards/falls.md", b"# Falls"),
                    ("pathforge.toml", manifest.as_bytes()),
                ],
            );
            let content = crate::read_library(dir.path()).unwrap();
            let got: Vec<&str> = content
                .modules
                .iter()
                .map(|m| m.relative_path.as_str())
                .collect();
            assert_eq!(got, order, "{why}");
        }
        check(
            &[
                "orientation/welcome.md",
                "guides/hygiene.md",
                "wards/falls.md",
            ],
            &[
                "orientation/welcome.md",
                "guides/hygiene.md",
                "wards/falls.md",
            ],
            "every module listed: the manifest's order, the author's",
        );
        check(
            &["wards/falls.md"],
            &[
                "guides/hygiene.md",
                "orientation/welcome.md",
                "wards/falls.md",
            ],
            "one module listed is metadata for it, not an order: the folder's",
        );
        check(
            &[],
            &[
                "guides/hygiene.md",
                "orientation/welcome.md",
                "wards/falls.md",
            ],
            "nothing listed: the folder's order",
        );
    }

    #[test]
    fn a_mixed_folder_reads_documents_packages_and_catalogs_under_their_paths() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = testkit::pdf("Hand hygiene", &["Five moments."]);
        let zipped = zip(&[
            ("imsmanifest.xml", SCORM.as_bytes()),
            ("one.html", b"<p>First page</p>"),
            ("two.html", b"<p>Second page</p>"),
        ]);
        write(
            dir.path(),
            &[
                ("intro.md", b"# Welcome"),
                ("guides/hygiene.pdf", &pdf),
                ("course/imsmanifest.xml", SCORM.as_bytes()),
                ("course/one.html", b"<p>Unzipped one</p>"),
                ("course/two.html", b"<p>Unzipped two</p>"),
                ("packages/safety.zip", &zipped),
                ("packages/broken.zip", b"PK not really"),
                (
                    "catalog.csv",
                    b"id,title,prerequisites\nC1,Charts,\nC2,Dashboards,C1\n",
                ),
            ],
        );
        let mut seen = Vec::new();
        let content = read_folder_with(
            dir.path(),
            &Default::default(),
            &mut |file, (done, total)| {
                seen.push((file.to_owned(), done, total));
                true
            },
        )
        .unwrap();
        let paths: Vec<&str> = content
            .modules
            .iter()
            .map(|m| m.relative_path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "catalog.csv/C1",
                "catalog.csv/C2",
                "course/i1",
                "course/i2",
                "guides/hygiene.pdf",
                "intro.md",
                "packages/safety.zip/i1",
                "packages/safety.zip/i2",
            ],
            "every source read by its format, nested modules named under their source's path"
        );
        assert_eq!(
            content.modules[3].body.trim(),
            "Unzipped two",
            "an unpacked package's pages"
        );
        let requires: Vec<(String, Vec<String>)> = content
            .manifest
            .expect("packages and the catalog declare prerequisites")
            .requires
            .into_iter()
            .map(|r| (r.module, r.after))
            .collect();
        for (module, after) in [
            ("catalog.csv/C2", "catalog.csv/C1"),
            ("course/i2", "course/i1"),
            ("packages/safety.zip/i2", "packages/safety.zip/i1"),
        ] {
            assert!(
                requires.contains(&(module.to_owned(), vec![after.to_owned()])),
                "{module} after {after}, with both paths prefixed: {requires:?}"
            );
        }
        assert_eq!(content.skipped.len(), 1, "only the broken zip is set aside");
        assert_eq!(content.skipped[0].relative_path, "packages/broken.zip");
        assert!(
            content.skipped[0]
                .error
                .to_string()
                .contains("not a readable zip"),
            "named with the reason: {}",
            content.skipped[0].error
        );
        assert_eq!(
            seen.iter()
                .map(|s| s.2)
                .collect::<std::collections::BTreeSet<_>>(),
            [6].into(),
            "six sources, the total known before reading: {seen:?}"
        );
        assert_eq!(
            seen.last().map(|s| s.1),
            Some(6),
            "progress ends at the total"
        );

        let mut calls = 0;
        let cancelled = read_folder_with(dir.path(), &Default::default(), &mut |_, _| {
            calls += 1;
            calls < 3
        });
        assert!(
            matches!(cancelled, Err(Error::Cancelled)),
            "a progress callback returning false stops the read"
        );
    }

    #[test]
    fn folders_are_read_in_order_skipping_readme_and_hidden() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b")).unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join("README.md"), "# About").unwrap();
        std::fs::write(dir.path().join("b/02.md"), "# Two").unwrap();
        std::fs::write(dir.path().join("01.markdown"), "# One").unwrap();
        std::fs::write(dir.path().join(".git/x.md"), "# Hidden").unwrap();
        std::fs::write(dir.path().join("notes.dat"), "not a document").unwrap();
        let LibraryContent {
            modules: drafts,
            skipped,
            ..
        } = read_folder(dir.path()).unwrap();
        assert!(skipped.is_empty(), "nothing here is unreadable");
        let paths: Vec<_> = drafts.iter().map(|d| d.relative_path.as_str()).collect();
        assert_eq!(
            paths,
            ["01.markdown", "b/02.md"],
            "README, hidden folders and files that are not documents are skipped; order is by path"
        );
    }

    #[test]
    fn names_that_are_not_utf8_stay_apart() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = |bytes: &[u8]| dir.path().join(std::ffi::OsStr::from_bytes(bytes));
        std::fs::write(name(b"caf\xe9.md"), "# Latin-1 e-acute").unwrap();
        std::fs::write(name(b"caf\xe8.md"), "# Latin-1 e-grave").unwrap();
        std::fs::write(name(b"caf%E9.md"), "# Spelt with a percent sign").unwrap();
        let content = read_folder(dir.path()).unwrap();
        let read: Vec<(&str, &str)> = content
            .modules
            .iter()
            .map(|d| (d.relative_path.as_str(), d.title.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                ("caf%E9.md", "Spelt with a percent sign"),
                ("caf%E8.md", "Latin-1 e-grave"),
            ],
            "each byte that is not UTF-8 is written %XX, so two such names are two modules \
             (files are read in byte order: `%` before 0xE8 before 0xE9)"
        );
        assert_eq!(content.skipped.len(), 1, "{:?}", content.skipped);
        let err = content.skipped[0].error.to_string();
        assert!(
            err.contains("reads as \"caf%E9.md\", like another file") && err.contains("rename"),
            "the one name that meets another after escaping is set aside, never merged: {err}"
        );
    }

    #[test]
    fn a_library_of_only_bad_files_names_each_of_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "---\nlevel: expert\n---\n").unwrap();
        std::fs::write(dir.path().join("b.md"), "---\ntitle: [open\n---\n").unwrap();
        std::fs::write(dir.path().join("c.zip"), "not a zip").unwrap();
        let err = read_folder(dir.path()).unwrap_err();
        let text = err.to_string();
        for (file, why) in [
            ("a.md: front matter `level`", "the first refusal"),
            (
                "b.md: broken front matter",
                "the second, not dropped after the first",
            ),
            ("c.zip: ", "the broken package too"),
            ("all 3 of its files were refused", "the count"),
        ] {
            assert!(text.contains(file), "{why}: {text}");
        }
        assert_eq!(err.kind(), model::ErrorKind::BadInput, "{text}");

        std::fs::remove_file(dir.path().join("b.md")).unwrap();
        std::fs::remove_file(dir.path().join("c.zip")).unwrap();
        let one = read_folder(dir.path()).unwrap_err().to_string();
        assert!(
            one.ends_with("a.md: front matter `level` must be beginner, intermediate or advanced, not \"expert\""),
            "one bad file alone is reported as itself: {one}"
        );
    }

    #[test]
    fn unreadable_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "# A").unwrap();
        std::os::unix::fs::symlink(dir.path().join("gone.md"), dir.path().join("b.md")).unwrap();
        let mut skipped = read_folder(dir.path()).unwrap().skipped;
        assert_eq!(
            skipped.len(),
            1,
            "the dangling link is set aside, a.md still reads"
        );
        let err = skipped.remove(0).error;
        assert!(
            err.to_string().contains("b.md"),
            "a dangling link names the link: {err}"
        );

        assert_eq!(
            err.kind(),
            model::ErrorKind::NotFound,
            "its target is missing: {err}"
        );
    }

    #[test]
    fn oversized_files_are_refused_without_being_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "# A").unwrap();
        // A sparse file: its size says 65 MiB, nothing is written to disk.
        let big = std::fs::File::create(dir.path().join("huge.pdf")).unwrap();
        big.set_len(crate::MAX_FILE_BYTES + (1 << 20)).unwrap();
        let LibraryContent {
            modules: drafts,
            skipped,
            ..
        } = read_folder(dir.path()).unwrap();
        assert_eq!(drafts.len(), 1, "a.md still reads beside the refused file");
        let err = skipped[0].error.to_string();
        assert!(
            err.contains("huge.pdf: is larger than 64 MiB"),
            "the oversized file is named with the limit: {err}"
        );
    }

    #[test]
    fn links_outside_the_library_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "# Secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "# A").unwrap();
        std::fs::write(dir.path().join("inner.md"), "# Inner").unwrap();
        std::os::unix::fs::symlink(dir.path().join("inner.md"), dir.path().join("b.md")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.md"), dir.path().join("c.md"))
            .unwrap();
        let LibraryContent {
            modules: drafts,
            skipped,
            ..
        } = read_folder(dir.path()).unwrap();
        let paths: Vec<&str> = drafts.iter().map(|d| d.relative_path.as_str()).collect();
        assert_eq!(
            paths,
            ["a.md", "b.md", "inner.md"],
            "a link inside the library is followed"
        );
        assert_eq!(skipped.len(), 1, "the link leading outside is set aside");
        assert!(
            skipped[0].error.to_string().contains("outside the library"),
            "{}",
            skipped[0].error
        );
    }

    #[test]
    fn unusable_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_folder(dir.path()).unwrap_err();
        assert!(
            err.to_string().contains("holds no modules"),
            "empty folder: {err}"
        );
        let missing = dir.path().join("nope");
        let err = read_folder(&missing).unwrap_err();
        assert_eq!(
            err.kind(),
            model::ErrorKind::NotFound,
            "a missing folder is not found: {err}"
        );
        assert!(
            err.to_string().contains("nope"),
            "the error names the folder: {err}"
        );
        let file = dir.path().join("f.md");
        std::fs::write(&file, "# x").unwrap();
        let err = read_folder(&file).unwrap_err();
        assert!(
            err.to_string().contains("is not a folder"),
            "a file is not a library: {err}"
        );
    }
}
