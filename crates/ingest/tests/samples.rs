//! The sample libraries' binary files — PDFs, a SCORM 2004 package, a Common Cartridge —
//! are built from text kept in `sample-libraries/sources/`, so anyone can read and change
//! them. This test rebuilds each and fails when a committed file differs from its source;
//! `make samples` (UPDATE_SAMPLES=1) writes them.

use std::io::Write;
use std::path::{Path, PathBuf};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries")
}

/// Every built file, by path under `sample-libraries/`, with its bytes.
fn built() -> Vec<(String, Vec<u8>)> {
    let root = samples();
    let mut out = Vec::new();
    for name in [
        "hand-hygiene",
        "infection-prevention-ppe",
        "recognising-deterioration",
    ] {
        let source = root.join(format!("sources/nurse-onboarding/{name}.txt"));
        let text = std::fs::read_to_string(&source).unwrap();
        let (title, rest) = text.split_once('\n').unwrap();
        let paragraphs: Vec<&str> = rest
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        out.push((
            format!("nurse-onboarding/guides/{name}.pdf"),
            testkit::pdf(title.trim(), &paragraphs),
        ));
    }
    out.push((
        "nurse-onboarding/packages/medication-safety.zip".to_owned(),
        zip_folder(&root.join("sources/nurse-onboarding/medication-safety")),
    ));
    out.push((
        "data-literacy/packages/northwind-data-lab.imscc".to_owned(),
        zip_folder(&root.join("sources/data-literacy/cartridge")),
    ));
    out
}

/// A zip of `dir` that is the same bytes for the same files: entries in path order,
/// stored (not compressed, so no compressor version changes them), one fixed timestamp.
fn zip_folder(dir: &Path) -> Vec<u8> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for file in files {
        let name = file
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        zip.start_file(name, options).unwrap();
        zip.write_all(&std::fs::read(&file).unwrap()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn sample_files_are_built_from_their_sources() {
    let update = std::env::var_os("UPDATE_SAMPLES").is_some();
    let mut stale = Vec::new();
    for (path, bytes) in built() {
        let file = samples().join(&path);
        if update {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &bytes).unwrap();
        }
        if std::fs::read(&file).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "these sample files differ from their sources in sample-libraries/sources/: {stale:?}. \
         Run `make samples` and commit the result."
    );
}

#[test]
fn the_built_packages_are_valid_and_read_as_designed() {
    // The SCORM manifest against ADL's official schemas.
    testkit::validate(
        "scorm2004",
        &samples().join("sources/nurse-onboarding/medication-safety/imsmanifest.xml"),
    );

    let (kind, scorm) =
        ingest::read_package(&samples().join("nurse-onboarding/packages/medication-safety.zip"))
            .unwrap();
    assert_eq!(kind, ingest::PackageKind::Scorm2004);
    assert!(scorm.skipped.is_empty(), "{:?}", scorm.skipped);
    let ids: Vec<&str> = scorm
        .modules
        .iter()
        .map(|m| m.relative_path.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "pretest",
            "rights",
            "high-alert",
            "calculations",
            "posttest",
            "review"
        ],
        "one module per SCO"
    );
    assert!(
        scorm.modules.iter().all(|m| m.word_count > 150),
        "each SCO's page has its text"
    );
    let mut requires: Vec<(String, Vec<String>)> = scorm
        .manifest
        .unwrap()
        .requires
        .into_iter()
        .map(|r| (r.module, r.after))
        .collect();
    requires.sort();
    let owned = |m: &str, a: &[&str]| (m.to_owned(), a.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        requires,
        [
            owned("calculations", &["rights"]),
            owned("high-alert", &["rights"]),
            owned("posttest", &["high-alert", "calculations"]),
            owned("review", &["posttest"]),
        ],
        "the sequencing's disabled-until rules read back as prerequisites"
    );

    let (kind, cc) =
        ingest::read_package(&samples().join("data-literacy/packages/northwind-data-lab.imscc"))
            .unwrap();
    assert_eq!(kind, ingest::PackageKind::CommonCartridge);
    let titles: Vec<&str> = cc.modules.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(
        titles.len(),
        5,
        "three labs, a web link and a quiz: {titles:?}"
    );
    let check = cc
        .modules
        .iter()
        .find(|m| m.title == "Data Lab Check")
        .unwrap();
    assert_eq!(
        check.extra["completion"]["min_score"], 70.0,
        "Canvas's completion requirement is kept"
    );
    let mut requires: Vec<(String, Vec<String>)> = cc
        .manifest
        .unwrap()
        .requires
        .into_iter()
        .map(|r| (r.module, r.after))
        .collect();
    requires.sort();
    let week_1 = &["item-lab-1", "item-lab-2"][..];
    assert_eq!(
        requires,
        [
            owned("item-chart-chooser", week_1),
            owned("item-lab-2", &["item-lab-1"]),
            owned("item-lab-3", week_1),
            owned("item-lab-check", week_1),
        ],
        "week 1 is sequential; week 2 (not sequential) opens after every item of week 1"
    );
}
