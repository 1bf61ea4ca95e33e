//! `docs/architecture.md` says which workspace crate depends on which; this holds its
//! codemap to what `cargo metadata` reads from the manifests, so the map a newcomer
//! trusts cannot drift from the code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Each workspace package's folder (relative to the root, no trailing slash) → its name
/// and the workspace packages it depends on (normal and build dependencies; tests' own
/// dev-dependencies are not part of the architecture).
fn manifests() -> BTreeMap<String, (String, BTreeSet<String>)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let root = std::fs::canonicalize(root()).expect("the root exists");
    let packages = meta["packages"].as_array().expect("packages");
    let names: BTreeSet<String> = packages
        .iter()
        .map(|p| p["name"].as_str().expect("a name").to_owned())
        .collect();
    packages
        .iter()
        .map(|p| {
            let manifest = Path::new(p["manifest_path"].as_str().expect("a manifest path"));
            let dir = manifest
                .parent()
                .expect("a folder")
                .strip_prefix(&root)
                .expect("members live in the workspace")
                .to_string_lossy()
                .into_owned();
            let deps = p["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter(|d| d["kind"].is_null() || d["kind"] == "build")
                .map(|d| d["name"].as_str().expect("a name").to_owned())
                .filter(|d| names.contains(d))
                .collect();
            (dir, (p["name"].as_str().expect("a name").to_owned(), deps))
        })
        .collect()
}

/// The codemap's rows: path (no trailing slash) → the workspace crates its "depends on"
/// column names. Only the first word of each comma-separated entry counts, so notes in
/// parentheses and external crates (`candle-core/nn/transformers`) can stay.
fn codemap(names: &BTreeSet<String>) -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(root().join("docs/architecture.md")).expect("readable");
    let section = text
        .split("## Codemap")
        .nth(1)
        .expect("docs/architecture.md has a Codemap section")
        .split("\n## ")
        .next()
        .expect("some text");
    let mut rows = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        let path = cells[0]
            .trim()
            .trim_matches('`')
            .trim_end_matches('/')
            .to_owned();
        let deps = cells
            .last()
            .expect("a last cell")
            .split(',')
            .filter_map(|entry| {
                let word = entry
                    .trim()
                    .split(|c: char| c.is_whitespace() || c == '(')
                    .next()?;
                names.contains(word).then(|| word.to_owned())
            })
            .collect();
        rows.insert(path, deps);
    }
    rows
}

#[test]
fn the_codemap_names_each_crates_workspace_dependencies_as_the_manifests_do() {
    let packages = manifests();
    let names: BTreeSet<String> = packages.values().map(|(n, _)| n.clone()).collect();
    let rows = codemap(&names);
    let mut wrong = Vec::new();
    for (dir, (name, deps)) in &packages {
        match rows.get(dir) {
            None => wrong.push(format!("{dir} ({name}) has no row in the codemap")),
            Some(said) if said != deps => wrong.push(format!(
                "{dir}: the codemap says it depends on {said:?}, its Cargo.toml on {deps:?}"
            )),
            Some(_) => {}
        }
    }
    assert!(
        wrong.is_empty(),
        "docs/architecture.md's codemap is out of step with the manifests:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn the_codemap_check_reads_the_table_it_claims_to() {
    // The check above is only as good as its parsing: a codemap it failed to read would
    // compare nothing. The engine's row must be found and name the store.
    let packages = manifests();
    let names: BTreeSet<String> = packages.values().map(|(n, _)| n.clone()).collect();
    let rows = codemap(&names);
    assert!(
        rows.get("crates/engine")
            .is_some_and(|d| d.contains("store")),
        "the codemap's engine row should be read, and list store among its dependencies"
    );
    assert!(
        rows.len() >= packages.len(),
        "every package should have been read as a row ({} rows, {} packages)",
        rows.len(),
        packages.len()
    );
}
