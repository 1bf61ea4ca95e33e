//! Merging two copies of a 10,000-module project after 1,000 edits on each: what
//! `pathforge merge` costs when two designers worked offline for weeks.
//!
//! The project: a catalog of 10,000 modules, chained in 100 courses of 100. Each copy then
//! gets 1,000 logged edits through the engine, as a person makes them — ours in the first
//! half of the catalogue, theirs in the second, so nothing collides: 600 prerequisites
//! added, 200 levels set by hand, 200 review-free rule edits (remediation rules saved).
//! The row times the whole command (`pathforge merge ours theirs --json`) on fresh copies,
//! and its peak memory as the kernel counted it. A second row has theirs also import a
//! second 10,000-module catalog ours never saw, which the merge carries whole.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{ensure, Result};
use engine::Project;
use model::{Actor, Level, Timestamp};

use crate::{measure, peak_child_memory, Row};

const MODULES: usize = 10_000;
const COURSE: usize = 100;
const EDITS: usize = 1_000;

fn catalog(dir: &Path) -> Result<std::path::PathBuf> {
    catalog_of(dir, "M")
}

/// A catalog whose module ids start with `prefix` (its file named after it: a library is
/// known by its file's name).
fn catalog_of(dir: &Path, prefix: &str) -> Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let mut csv = String::from("id,title,description,duration,prerequisites\n");
    for i in 0..MODULES {
        let before = if i % COURSE > 0 {
            format!("{prefix}{:05}", i - 1)
        } else {
            String::new()
        };
        writeln!(
            csv,
            "{prefix}{i:05},Module {prefix}{i},What module {i} of course {} teaches.,10,{before}",
            i / COURSE
        )?;
    }
    let file = match prefix {
        "M" => dir.join("catalog.csv"),
        _ => dir.join(format!("catalog-{prefix}.csv")),
    };
    std::fs::write(&file, csv)?;
    Ok(file)
}

/// 1,000 edits on modules `from..from + MODULES / 2`, none closing a cycle (edges go from
/// a lower to a higher number, two courses apart).
fn edit(p: &mut Project, from: usize, who: &Actor) -> Result<()> {
    let ids: Vec<model::ModuleId> = p.modules()?.into_iter().map(|m| m.id).collect();
    ensure!(ids.len() == MODULES, "every module imported");
    let mut at = 1_000;
    let mut next = || {
        at += 1;
        Timestamp(at)
    };
    for k in 0..EDITS * 6 / 10 {
        let b = from + k * 3;
        let a = b + 2 * COURSE + 1;
        p.add_prerequisite(&ids[b], &ids[a], None, who, next())?;
    }
    for k in 0..EDITS * 2 / 10 {
        p.set_module_level(&ids[from + k * 7], Some(Level::Advanced), None, who, next())?;
    }
    for k in 0..EDITS * 2 / 10 {
        let m = from + k * 11;
        let rule: rules::Rule = serde_json::from_value(serde_json::json!({
            "id": format!("fix-{m}"), "kind": "remediation", "explanation": "review",
            "assessment": format!("M{m:05}"), "below": 60, "assign": [format!("M{:05}", m + 1)],
            "retake_after_days": 1
        }))?;
        p.save_rule(rule, who, next())?;
    }
    Ok(())
}

pub(crate) fn merge_rows(cli: &Path, tmp: &Path) -> Result<Vec<Row>> {
    let catalog = catalog(&tmp.join("merge-library"))?;
    let base = tmp.join("merge-base.pathforge");
    let mut p = Project::create(&base, Timestamp(1))?;
    p.import_library(&catalog, &Actor::System, Timestamp(2))?;
    drop(p);
    let ours = tmp.join("merge-ours.pathforge");
    let theirs = tmp.join("merge-theirs.pathforge");
    for (file, from, name) in [(&ours, 0, "Ana"), (&theirs, MODULES / 2, "Ben")] {
        std::fs::copy(&base, file)?;
        let mut p = Project::open(file)?;
        let who = Actor::Person {
            name: name.to_owned(),
            role: None,
        };
        edit(&mut p, from, &who)?;
    }
    // Theirs again, having also imported a library ours never had.
    let theirs_more = tmp.join("merge-theirs-more.pathforge");
    std::fs::copy(&theirs, &theirs_more)?;
    let more = catalog_of(&tmp.join("merge-library-more"), "N")?;
    Project::open(&theirs_more)?.import_library(&more, &Actor::System, Timestamp(5_000))?;
    let fresh = tmp.join("merge-fresh.pathforge");
    let args = |theirs: &Path| -> Vec<std::ffi::OsString> {
        vec![
            "merge".into(),
            fresh.clone().into(),
            theirs.into(),
            "--json".into(),
        ]
    };
    // A fresh copy of ours, merged with `theirs` by the CLI: its JSON report.
    let merge = |theirs: &Path| -> Result<serde_json::Value> {
        std::fs::copy(&ours, &fresh)?;
        let out = std::process::Command::new(cli)
            .args(args(theirs))
            .output()?;
        ensure!(
            out.status.success(),
            "merge failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(serde_json::from_slice(&out.stdout)?)
    };
    // The same merge once more, for its peak memory.
    let peak = |theirs: &Path| -> Result<String> {
        std::fs::copy(&ours, &fresh)?;
        let a = args(theirs);
        peak_child_memory(cli, &a.iter().map(|s| s.as_os_str()).collect::<Vec<_>>())
    };
    let row = measure(
        "`pathforge merge` of two 10,000-module copies, 1,000 edits each (whole command)",
        5,
        || {
            let report = merge(&theirs)?;
            // Each edit is one change, besides the group a first prerequisite gives a
            // module that had none.
            let applied = report["applied"].as_array().map_or(0, Vec::len);
            ensure!(
                report["merged"] == true
                    && report["conflicts"].as_array().is_some_and(Vec::is_empty)
                    && applied >= EDITS,
                "all of theirs' 1,000 edits came in, without conflict: {applied}"
            );
            Ok(())
        },
    )?;
    let edits = Row {
        note: format!("peak {}; theirs' 1,000 edits brought in, no conflict; setup (import, 2,000 logged edits) not timed", peak(&theirs)?),
        ..row
    };

    let row = measure(
        "the same, theirs having also imported a 10,000-module library ours never had (whole command)",
        3,
        || {
            let report = merge(&theirs_more)?;
            let library = report["applied"]
                .as_array()
                .is_some_and(|a| a.iter().any(|c| c["kind"] == "library"));
            ensure!(
                report["merged"] == true && library,
                "theirs' library came in whole: {report}"
            );
            let modules = Project::open(&fresh)?.modules()?.len();
            ensure!(modules == 2 * MODULES, "ours holds both libraries: {modules}");
            Ok(())
        },
    )?;
    let peak = peak(&theirs_more)?;
    Ok(vec![
        edits,
        Row {
            note: format!("peak {peak}; its 10,000 modules, their prerequisites and theirs' 1,000 edits brought in"),
            ..row
        },
    ])
}
