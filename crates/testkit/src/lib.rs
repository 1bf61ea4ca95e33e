//! Helpers for tests only (a dev-dependency everywhere): reaching `../shared`, the
//! read-only folder beside the repository that holds the official schemas and real
//! packages, and running its schema checks; writing library folders ([`Library`]).
//!
//! A test that needs `../shared` fails loudly when it is missing, unless
//! `PATHFORGE_NO_SHARED=1` says the person running the tests knows and accepts the gap.

use std::path::{Path, PathBuf};

mod library;
mod pdf;
pub use library::Library;
pub use pdf::{pdf, pdf_with_password};

/// `../shared`, if present; panics with an explanation when it is missing and
/// `PATHFORGE_NO_SHARED` is unset; `None` when it is missing and the gap is accepted.
pub fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.join("schemas/validate").exists() {
        return Some(dir);
    }
    if std::env::var_os("PATHFORGE_NO_SHARED").is_some() {
        eprintln!("SKIPPED: ../shared is absent (PATHFORGE_NO_SHARED is set)");
        return None;
    }
    panic!(
        "../shared is missing beside the repository: the official schema checks cannot run. \
         Put shared/ next to the checkout, or set PATHFORGE_NO_SHARED=1 to skip them knowingly."
    );
}

/// Runs `../shared/schemas/validate KIND FILE` and panics with the schema's complaints if
/// the file is invalid. KIND: scorm2004, scorm12, cmi5, case11, case10.
pub fn validate(kind: &str, file: &Path) {
    let Some(shared) = shared() else { return };
    let out = std::process::Command::new("bash")
        .arg(shared.join("schemas/validate"))
        .arg(kind)
        .arg(file)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{} is not valid {kind}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The embedding model set-up installs (`.ci/fetch-model`, run by `make setup`); panics
/// with what to run when it is missing — a tagging test never silently skips.
pub fn model_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/models/all-MiniLM-L6-v2");
    assert!(
        dir.join("model.safetensors").is_file(),
        "the embedding model is not installed at {}: run `make setup` (or .ci/fetch-model) first",
        dir.display()
    );
    dir
}
