//! `pathforge export`: the curriculum and its rules into an LMS's own model.

use std::path::PathBuf;

use crate::commands::read_cohort;

use model::{Actor, Timestamp};

use crate::machine::{me, open, signing_key};
use crate::print::{Output, Progress};

/// `pathforge export`'s arguments.
#[derive(clap::Args)]
pub(crate) struct ExportArgs {
    file: PathBuf,
    /// moodle, canvas, scorm2004, scorm12, cmi5, case, openedx, xapi or bundle.
    #[arg(long)]
    target: String,
    /// The folder to write, or a .zip file (the same files in one zip, ready to upload to an
    /// LMS); replaced, in one step, only if it holds an earlier export of this project.
    #[arg(long)]
    out: PathBuf,
    /// A CSV of `module,lms_id` (module: id, path or exact title) so the export
    /// references real LMS objects.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// The bundle's version (target bundle).
    #[arg(long, default_value = "1.0.0")]
    version: String,
    /// Simulated learners whose statements to write (target xapi).
    #[arg(long, default_value_t = 20)]
    learners: u64,
    /// The simulation's seed (target xapi).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A cohort file (target xapi; else the library's default cohort).
    #[arg(long)]
    cohort: Option<PathBuf>,
    /// Let module pages show https: images from the web. Without it an exported page
    /// fetches nothing when a learner opens it: each image is its alt text.
    #[arg(long)]
    remote_images: bool,
    /// Carry the items of packages as they are (SCORM 2004 items into scorm2004, 1.2 items
    /// into scorm12, cmi5 AUs into cmi5): their own files and scripts, so they ask their
    /// questions and report their scores. Without it each reaches the export as a page of
    /// its text.
    #[arg(long)]
    carry_items: bool,
}

/// `json` only silences the progress bar.
pub(crate) fn run_export(args: &ExportArgs, json: bool) -> anyhow::Result<Output> {
    let target: lms::Target = args.target.parse()?;
    if args.carry_items && target.carries().is_none() {
        eprintln!(
            "note: --carry-items carries package items into scorm2004, scorm12 and cmi5 only; \
             {} gets each module as its text",
            target.name()
        );
    }
    let dir = args.out.as_path();
    let mut project = open(&args.file)?;
    let signing = match target {
        lms::Target::Bundle => Some(engine::Signing {
            key: signing_key()?,
            version: args.version.clone(),
            author: match me() {
                Actor::Person { name, .. } => name,
                _ => "pathforge".to_owned(),
            },
        }),
        _ => None,
    };
    let options = engine::ExportOptions {
        mapping: match &args.mapping {
            Some(path) => project.read_mapping(path)?,
            None => Vec::new(),
        },
        signing,
        cohort: args.cohort.as_deref().map(read_cohort).transpose()?,
        learners: args.learners,
        seed: args.seed,
        remote_images: args.remote_images,
        carry_items: args.carry_items,
    };
    let export = project.export(target, &options)?;
    // By bytes: a carried video moves them while the file count waits for it.
    let mut bar = Progress::new(json, "writing {bar:40} {pos}% {msg}");
    let diff = project.write_export_with(&export, dir, &mut |w| {
        let percent = (w.bytes * 100).checked_div(w.of_bytes).unwrap_or(100);
        let message = format!("{}/{} files", w.files, w.of_files);
        bar.update(percent as u32, 100, &message);
        true
    })?;
    bar.finish();
    project.record_export(&export, dir, &me(), Timestamp::now())?;
    let folder = dir.to_owned();
    let files = export.names().count();
    let value = serde_json::json!({ "folder": dir.display().to_string(), "coverage": export.coverage, "diff": diff });
    Ok(Output::new(value, move |out, _| {
        writeln!(
            out,
            "Wrote {} ({files} files) for {}",
            folder.display(),
            target.label()
        )?;
        let coverage = &export.coverage;
        let rows: Vec<(String, String)> = coverage
            .rules
            .iter()
            .map(|c| {
                (
                    format!("{:<8} {}", c.status.symbol(), c.rule),
                    c.how.clone(),
                )
            })
            .collect();
        crate::print::keyed(out, "  ", &rows)?;
        for t in &coverage.text_only {
            writeln!(
                out,
                "  text only: “{}” is {} at its source; the export carries its text, not the item (nothing interactive, no score reported): {}",
                t.title,
                t.was,
                match t.carriable {
                    true => "export with --carry-items to carry the item itself",
                    false => "replace the page with the item or the authored content",
                }
            )?;
        }
        if !coverage.unmapped.is_empty() {
            let n = coverage.unmapped.len();
            writeln!(
                out,
                "  {} {} no LMS id: {} references are placeholders (give --mapping)",
                lms::count(n, "module"),
                if n == 1 { "has" } else { "have" },
                if n == 1 { "its" } else { "their" }
            )?;
        }
        writeln!(
            out,
            "Since the previous export: {} added, {} changed, {} removed, {} unchanged",
            diff.added.len(),
            diff.changed.len(),
            diff.removed.len(),
            diff.unchanged
        )?;
        Ok(())
    }))
}
