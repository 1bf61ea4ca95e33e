//! `pathforge track`: list, add, edit and remove tracks, and show the path one needs.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use model::{Level, Timestamp, TrackDraft, TrackTarget};

use crate::machine::{me, open};
use crate::print::Output;

#[derive(Subcommand)]
pub(crate) enum TrackCommand {
    /// List the project's tracks.
    List { file: PathBuf },
    /// The modules TRACK needs, in order, with total and critical-path duration.
    Path { file: PathBuf, track: String },
    /// Add a track: the skills its learners must master, and who takes it; logged.
    Add {
        file: PathBuf,
        /// Short id (lower-case letters, digits, '-'), kept for good.
        slug: String,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        fields: TrackFields,
    },
    /// Change TRACK's name, description, targets (all replaced when any is given) or
    /// audience; logged. A track a library declares becomes yours and later imports of
    /// that library leave it as edited.
    Edit {
        file: PathBuf,
        track: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: TrackFields,
        /// Remove the role condition.
        #[arg(long, conflicts_with = "role")]
        no_role: bool,
        /// Remove the department condition.
        #[arg(long, conflicts_with = "department")]
        no_department: bool,
    },
    /// Remove TRACK and its assignment rule; logged (`track add` with the same fields
    /// puts it back).
    Remove { file: PathBuf, track: String },
}

#[derive(Args)]
pub(crate) struct TrackFields {
    #[arg(long)]
    description: Option<String>,
    /// A target skill, SKILL or SKILL:LEVEL (the highest module level the track takes:
    /// beginner, intermediate, advanced); repeat for each.
    #[arg(long = "target", value_name = "SKILL[:LEVEL]", value_parser = parse_target)]
    targets: Vec<TrackTarget>,
    /// Learners with this role take the track (an assignment rule).
    #[arg(long)]
    role: Option<String>,
    /// Learners in this department take the track (with --role, both must hold).
    #[arg(long)]
    department: Option<String>,
}

fn parse_target(text: &str) -> Result<TrackTarget, String> {
    let (skill, level) = match text.split_once(':') {
        Some((skill, level)) => {
            let level = Level::parse(level).ok_or_else(|| {
                format!("{level:?} is not a level: use beginner, intermediate or advanced")
            })?;
            (skill, Some(level))
        }
        None => (text, None),
    };
    Ok(TrackTarget {
        skill: skill.to_owned(),
        level,
    })
}

fn print_draft(out: &mut dyn Write, verb: &str, d: &TrackDraft) -> std::io::Result<()> {
    let targets: Vec<String> = d
        .targets
        .iter()
        .map(|t| match t.level {
            Some(l) => format!("{}:{}", t.skill, l.as_str()),
            None => t.skill.clone(),
        })
        .collect();
    writeln!(
        out,
        "{verb} track “{}” [{}]: {}",
        d.name,
        d.slug,
        targets.join(", ")
    )?;
    let who: Vec<String> = [
        d.role.as_ref().map(|r| format!("role {r}")),
        d.department.as_ref().map(|d| format!("department {d}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !who.is_empty() {
        writeln!(out, "Taken by learners with {}", who.join(" in "))?;
    }
    Ok(())
}

/// A track as saved, said as `verb` (Added, Saved, Removed).
fn draft(verb: &'static str, saved: TrackDraft) -> Output {
    Output::new(saved, move |out, d| Ok(print_draft(out, verb, d)?))
}

pub(crate) fn run_track(command: &TrackCommand) -> anyhow::Result<Output> {
    Ok(match command {
        TrackCommand::List { file } => {
            let tracks = open(file)?.tracks()?;
            let file = file.clone();
            Output::new(tracks, move |out, tracks| {
                if tracks.is_empty() {
                    writeln!(out, "{} has no tracks yet.", file.display())?;
                }
                for t in tracks {
                    writeln!(out, "{:<28} {}", t.slug, t.name)?;
                }
                Ok(())
            })
        }
        TrackCommand::Add {
            file,
            slug,
            name,
            fields,
        } => {
            let new = TrackDraft {
                slug: slug.clone(),
                name: name.clone(),
                description: fields.description.clone().unwrap_or_default(),
                targets: fields.targets.clone(),
                role: fields.role.clone(),
                department: fields.department.clone(),
            };
            let mut project = open(file)?;
            project.add_track(&new, &me(), Timestamp::now())?;
            draft("Added", project.track_draft(slug.trim())?)
        }
        TrackCommand::Edit {
            file,
            track,
            name,
            fields,
            no_role,
            no_department,
        } => {
            let mut project = open(file)?;
            let mut edited = project.track_draft(track)?;
            if let Some(name) = name {
                edited.name = name.clone();
            }
            if let Some(description) = &fields.description {
                edited.description = description.clone();
            }
            if !fields.targets.is_empty() {
                edited.targets = fields.targets.clone();
            }
            if fields.role.is_some() || *no_role {
                edited.role = fields.role.clone();
            }
            if fields.department.is_some() || *no_department {
                edited.department = fields.department.clone();
            }
            project.edit_track(track, &edited, &me(), Timestamp::now())?;
            draft("Saved", project.track_draft(&edited.slug)?)
        }
        TrackCommand::Remove { file, track } => draft(
            "Removed",
            open(file)?.remove_track(track, &me(), Timestamp::now())?,
        ),
        TrackCommand::Path { file, track } => {
            let project = open(file)?;
            let path = project.track_path(&project.resolve_track(track)?)?;
            Output::new(path, |out, path| {
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
                    "\n{}, {} in total; critical path (*) {}",
                    crate::print::count(path.steps.len(), "module"),
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
                Ok(())
            })
        }
    })
}
