//! `pathforge merge`: brings another copy of the project into this one, three-way, with
//! the common ancestor found from the two audit logs.

use std::path::PathBuf;

use clap::Args;

use model::Timestamp;

use crate::machine::{me, open};
use crate::print::Output;

#[derive(Args)]
pub(crate) struct MergeArgs {
    /// This copy: the one that changes.
    ours: PathBuf,
    /// The other copy (read only).
    theirs: PathBuf,
    /// Where both changed the same thing differently, keep this side's change (ours or
    /// theirs); without it, conflicts are listed and nothing changes.
    #[arg(long, value_parser = ["ours", "theirs"])]
    prefer: Option<String>,
    /// One conflict's side, by the key the listing shows: KEY=ours or KEY=theirs.
    /// Repeat for each; over --prefer for that conflict.
    #[arg(long, value_name = "KEY=SIDE")]
    resolve: Vec<String>,
}

pub(crate) fn run_merge(args: &MergeArgs) -> anyhow::Result<Output> {
    let mut ours = open(&args.ours)?;
    let theirs = engine::Project::open(&args.theirs)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.theirs.display()))?;
    let side = |s: &str| match s {
        "ours" => Some(engine::Side::Ours),
        "theirs" => Some(engine::Side::Theirs),
        _ => None,
    };
    let mut resolutions = engine::Resolutions::all(args.prefer.as_deref().and_then(side));
    for r in &args.resolve {
        let (key, s) = r
            .rsplit_once('=')
            .and_then(|(k, s)| Some((k, side(s)?)))
            .ok_or_else(|| anyhow::anyhow!("--resolve {r:?}: write KEY=ours or KEY=theirs"))?;
        resolutions.each.insert(key.to_owned(), s);
    }
    let report = ours.merge_from(
        &theirs,
        &args.theirs,
        &resolutions,
        false,
        &me(),
        Timestamp::now(),
    )?;
    let unresolved = report.conflicts.iter().any(|c| c.resolved.is_none());
    let ours_name = args.ours.display().to_string();
    Ok(Output::new(report, move |out, r| {
        writeln!(
            out,
            "The copies parted after entry {}: {} entries of theirs since, {} of ours.",
            r.fork, r.theirs_entries, r.ours_entries
        )?;
        // Conflicts resolved for theirs are in `applied` too; they are shown below.
        let conflicting: std::collections::HashSet<&str> =
            r.conflicts.iter().map(|c| c.what.as_str()).collect();
        for c in r.applied.iter().filter(|c| !conflicting.contains(c.what.as_str())) {
            writeln!(out, "  merged      {}: {}", c.what, change(&c.kind, &c.ours, &c.theirs))?;
        }
        for c in &r.conflicts {
            let by = |edits: &[engine::MergeEdit]| -> String {
                edits
                    .iter()
                    .map(|e| {
                        let at = jiff::Timestamp::from_millisecond(e.at.0)
                            .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
                            .unwrap_or_else(|_| e.at.0.to_string());
                        format!("{} at {at} ({})", e.actor.label(), e.action)
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let state = match c.resolved {
                Some(engine::Side::Ours) => "kept ours",
                Some(engine::Side::Theirs) => "took theirs",
                None => "CONFLICT",
            };
            writeln!(out, "  {state:<11} {}  [{}]", c.what, c.key)?;
            writeln!(out, "              ours:   {} — {}", state_of(&c.kind, &c.ours), by(&c.ours_by))?;
            writeln!(out, "              theirs: {} — {}", state_of(&c.kind, &c.theirs), by(&c.theirs_by))?;
        }
        match (r.merged, r.conflicts.iter().any(|c| c.resolved.is_none())) {
            (_, true) => writeln!(
                out,
                "{} conflicts: nothing was changed. Choose with --prefer ours|theirs, or --resolve KEY=ours|theirs for each.",
                r.conflicts.len()
            )?,
            (true, false) => writeln!(
                out,
                "Merged into {ours_name}: {} changes of theirs; their log is kept in the merge entry.",
                r.applied.len()
            )?,
            (false, false) => writeln!(out, "Nothing to merge: {ours_name} already has everything of theirs.")?,
        }
        Ok(())
    })
    .failing_if(unresolved))
}

/// A merged thing's state in words, by its kind.
fn state_of(kind: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    match (kind, v) {
        ("prerequisite" | "skill prerequisite", Value::Bool(true)) => "there".to_owned(),
        ("prerequisite" | "skill prerequisite", _) => "not there".to_owned(),
        ("group", g) => match (g["kind"].as_str(), g["n"].as_u64()) {
            (Some("n_of"), Some(n)) => format!("{n}-of"),
            (Some(kind), _) => kind.replace('_', "-"),
            _ => "none".to_owned(),
        },
        ("level", Value::String(level)) => level.clone(),
        ("level", _) => "not set by hand".to_owned(),
        ("rule", Value::Null) => "deleted".to_owned(),
        ("rule", rule) => format!(
            "{} rule: {}",
            rule["kind"].as_str().unwrap_or("a"),
            rule["explanation"].as_str().unwrap_or_default()
        ),
        ("skill", Value::Null) => "none".to_owned(),
        ("skill", skill) => format!(
            "“{}”{}",
            skill["name"].as_str().unwrap_or_default(),
            if skill["retired"] == true {
                " (retired)"
            } else {
                ""
            }
        ),
        ("tag", Value::String(state)) => state.clone(),
        ("track", Value::Null) => "removed".to_owned(),
        ("track", t) => format!(
            "“{}”, {} targets",
            t["name"].as_str().unwrap_or_default(),
            t["targets"].as_array().map_or(0, Vec::len)
        ),
        ("cohort", Value::Null) => "the library's".to_owned(),
        ("cohort", c) => format!("{} segments", c["segments"].as_array().map_or(0, Vec::len)),
        (_, v) => v.to_string(),
    }
}

/// What a merge did to one thing.
fn change(kind: &str, ours: &serde_json::Value, theirs: &serde_json::Value) -> String {
    match (kind, ours.is_null(), theirs.is_null()) {
        ("prerequisite" | "skill prerequisite", _, _)
            if theirs == &serde_json::Value::Bool(true) =>
        {
            "added".to_owned()
        }
        ("prerequisite" | "skill prerequisite", _, _) => "removed".to_owned(),
        ("rule", true, false) => format!("added ({})", state_of(kind, theirs)),
        ("rule", false, true) => "deleted".to_owned(),
        _ => format!("{} (was {})", state_of(kind, theirs), state_of(kind, ours)),
    }
}
