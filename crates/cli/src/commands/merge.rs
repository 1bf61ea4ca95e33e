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
    // The engine's error names the file already.
    let theirs = engine::Project::open(&args.theirs)?;
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
            writeln!(out, "  merged      {}: {}", c.what, change(c))?;
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
            writeln!(out, "              ours:   {} — {}", c.ours_words, by(&c.ours_by))?;
            writeln!(out, "              theirs: {} — {}", c.theirs_words, by(&c.theirs_by))?;
        }
        match (r.merged, r.conflicts.iter().any(|c| c.resolved.is_none())) {
            (_, true) => writeln!(
                out,
                "{}: nothing was changed. Choose with --prefer ours|theirs, or --resolve KEY=ours|theirs for each.",
                crate::print::count(r.conflicts.len(), "conflict")
            )?,
            (true, false) => writeln!(
                out,
                "Merged into {ours_name}: {} of theirs; their log is kept in the merge entry.",
                crate::print::count(r.applied.len(), "change")
            )?,
            (false, false) => writeln!(out, "Nothing to merge: {ours_name} already has everything of theirs.")?,
        }
        Ok(())
    })
    .failing_if(unresolved))
}

/// What a merge did to one thing.
fn change(c: &engine::MergeChange) -> String {
    match (c.kind.as_str(), c.ours.is_null(), c.theirs.is_null()) {
        ("prerequisite" | "skill prerequisite" | "own tag", _, _) if c.theirs == true => {
            "added".to_owned()
        }
        ("prerequisite" | "skill prerequisite" | "own tag", _, _) => "removed".to_owned(),
        ("rule", true, false) => format!("added ({})", c.theirs_words),
        ("rule", false, true) => "deleted".to_owned(),
        ("skill", false, true) if c.theirs_words == "none" => "removed".to_owned(),
        _ => format!("{} (was {})", c.theirs_words, c.ours_words),
    }
}
