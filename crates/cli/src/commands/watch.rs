//! `pathforge watch`: re-import libraries as their files change.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use model::Timestamp;

use crate::machine::{me, open};
use crate::print::Output;

/// A stream, not one result: each re-import is printed as it happens (a JSON line each
/// under `--json`), through [`Output`] like every other result.
pub(crate) fn run_watch(file: &Path, json: bool, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let mut project = open(file)?;
    let libraries = project.libraries()?;
    if libraries.is_empty() {
        anyhow::bail!(
            "{}: no libraries to watch; import one first",
            file.display()
        );
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let paths: Vec<PathBuf> = libraries
        .iter()
        .map(|l| PathBuf::from(&l.source_path))
        .collect();
    let (_watch, refused) = watch::watch(&paths, move |changed| drop(tx.send(changed)))?;
    if let Some((path, e)) = refused.into_iter().next() {
        anyhow::bail!("{}: cannot watch: {e}", path.display());
    }
    let (count, project_file) = (libraries.len(), file.to_owned());
    Output::new(
        serde_json::json!({ "watching": libraries, "project": file }),
        move |out, _| {
            writeln!(
                out,
                "Watching {} of {}; Ctrl-C to stop",
                lms::count_as(count, "library", "libraries"),
                project_file.display()
            )?;
            Ok(())
        },
    )
    .print_line(out, json)?;
    for paths in rx {
        for (_, report) in project.reimport_changed(&paths, &me(), Timestamp::now())? {
            match report {
                Ok(report) => Output::new(report, |out, r| {
                    writeln!(
                        out,
                        "Re-imported {}: {} added, {} updated, {} retired, {} skipped",
                        r.library.name,
                        r.added,
                        r.updated,
                        r.removed,
                        r.skipped.len()
                    )?;
                    Ok(())
                })
                .print_line(out, json)?,
                Err(e) => eprintln!("pathforge: {e}"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
