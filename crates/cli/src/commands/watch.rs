//! `pathforge watch`: re-import libraries as their files change.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use engine::Project;
use model::Timestamp;

use crate::machine::me;

pub(crate) fn run_watch(file: &Path, json: bool, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let mut project = Project::open(file)?;
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
    writeln!(
        out,
        "Watching {} libraries of {}; Ctrl-C to stop",
        libraries.len(),
        file.display()
    )?;
    out.flush()?;
    for paths in rx {
        for (_, report) in project.reimport_changed(&paths, &me(), Timestamp::now())? {
            match report {
                Ok(report) if json => writeln!(out, "{}", serde_json::to_string(&report)?)?,
                Ok(r) => writeln!(
                    out,
                    "Re-imported {}: {} added, {} updated, {} retired, {} skipped",
                    r.library.name,
                    r.added,
                    r.updated,
                    r.removed,
                    r.skipped.len()
                )?,
                Err(e) => eprintln!("pathforge: {e}"),
            }
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
