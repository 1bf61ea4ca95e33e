//! `pathforge track`: list tracks and show the path one needs.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use engine::Project;

use crate::print::print_json;

#[derive(Subcommand)]
pub(crate) enum TrackCommand {
    /// List the project's tracks.
    List { file: PathBuf },
    /// The modules TRACK needs, in order, with total and critical-path duration.
    Path { file: PathBuf, track: String },
}

pub(crate) fn run_track(
    command: &TrackCommand,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    match command {
        TrackCommand::List { file } => {
            let tracks = Project::open(file)?.tracks()?;
            if json {
                return print_json(out, &tracks);
            }
            if tracks.is_empty() {
                writeln!(out, "{} has no tracks yet.", file.display())?;
            }
            for t in &tracks {
                writeln!(out, "{:<28} {}", t.slug, t.name)?;
            }
        }
        TrackCommand::Path { file, track } => {
            let project = Project::open(file)?;
            let path = project.track_path(&project.resolve_track(track)?)?;
            if json {
                return print_json(out, &path);
            }
            writeln!(out, "{}\n", path.track.name)?;
            for (i, step) in path.steps.iter().enumerate() {
                let m = &step.module;
                let mark = if path.critical_path.contains(&m.id) {
                    "*"
                } else {
                    " "
                };
                writeln!(
                    out,
                    "{:>3}.{mark} {:<60} {:>4} min  {}",
                    i + 1,
                    m.title,
                    m.duration_minutes,
                    step.reason
                )?;
            }
            let hm = |m: u32| format!("{}h {:02}m", m / 60, m % 60);
            writeln!(
                out,
                "\n{} modules, {} in total; critical path (*) {}",
                path.steps.len(),
                hm(path.total_minutes),
                hm(path.critical_path_minutes)
            )?;
            if !path.untaught_targets.is_empty() {
                writeln!(
                    out,
                    "No module teaches: {}",
                    path.untaught_targets.join(", ")
                )?;
            }
        }
    }
    Ok(())
}
