//! What the command-line tests share: running the binary (with or without its own config
//! folder), reading its output, the sample library, and the one-line-error check. Each
//! test file uses only some of these.
#![allow(dead_code)]

pub use std::path::{Path, PathBuf};
pub use std::process::{Command, Output};

pub fn pathforge(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("the pathforge binary runs")
}

/// Runs the binary with its config folder (profile, signing key) at `config`.
pub fn pathforge_in(config: &Path, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(args.iter().map(|a| a.as_ref()))
        .env("PATHFORGE_CONFIG_DIR", config)
        .output()
        .expect("the pathforge binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn sample_library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding")
}

/// A new project at `dir/p.pathforge` with the sample library imported.
pub fn sample_project(dir: &Path) -> PathBuf {
    let file = dir.join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success(), "init works");
    let out = pathforge(&[&"import", &file, &sample_library()]);
    assert!(out.status.success(), "the sample imports: {}", stderr(&out));
    file
}

pub fn module_count(file: &Path) -> usize {
    let out = pathforge(&[&"modules", &file, &"--json"]);
    assert!(out.status.success(), "listing works: {}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    list.as_array().expect("a JSON array of modules").len()
}

/// Runs a command that must fail with exit status 1 and one line on stderr that names
/// `file` and contains `reason`.
pub fn check_fails(args: &[&dyn AsRef<std::ffi::OsStr>], file: &Path, reason: &str, why: &str) {
    let out = pathforge(args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{why}: exit status 1; stderr: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{why}: the error is one line: {err:?}"
    );
    assert!(
        err.contains(&file.display().to_string()),
        "{why}: names {}: {err}",
        file.display()
    );
    assert!(
        err.contains(reason),
        "{why}: gives the reason {reason:?}: {err}"
    );
}

/// `bundle build FILE --out DIR --version VERSION` with the config folder `config`; the
/// bundle's path.
pub fn build_bundle(config: &Path, file: &Path, dir: &Path, version: &str) -> PathBuf {
    let out = pathforge_in(
        config,
        &[
            &"bundle",
            &"build",
            &file,
            &"--out",
            &dir,
            &"--version",
            &version,
            &"--json",
        ],
    );
    assert!(out.status.success(), "bundle build: {}", stderr(&out));
    let built: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    PathBuf::from(built["bundle"].as_str().expect("the bundle's path"))
}
