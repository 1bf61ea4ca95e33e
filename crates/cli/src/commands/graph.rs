//! `pathforge graph`: check, list, edit and suggest prerequisites.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use engine::Project;
use model::{PrerequisiteGroup, Timestamp};

use crate::machine::me;
use crate::print::{print_json, report_findings};

#[derive(Subcommand)]
pub(crate) enum GraphCommand {
    /// Lint the prerequisite graph; exits 1 when it has errors.
    Check {
        file: PathBuf,
        /// What a cycle or an impossible requirement blocks, one finding per module
        /// (by default one per cause, naming the first ten).
        #[arg(long)]
        each: bool,
    },
    /// List the prerequisite edges.
    Edges { file: PathBuf },
    /// Module orders implied by skill prerequisites and not yet in the graph.
    Derived { file: PathBuf },
    /// Suggest prerequisite edges from the content, with confidence and evidence.
    Suggest {
        file: PathBuf,
        /// How many suggestions at most.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Make BEFORE a prerequisite of AFTER (modules by id, path or exact title).
    Link {
        file: PathBuf,
        before: String,
        after: String,
        /// How AFTER's prerequisites combine.
        #[arg(long, value_enum)]
        group: Option<GroupArg>,
        /// With `--group n-of`: how many are needed.
        #[arg(long, required_if_eq("group", "n-of"))]
        n: Option<u32>,
    },
    /// Remove the prerequisite BEFORE → AFTER.
    Unlink {
        file: PathBuf,
        before: String,
        after: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
#[allow(clippy::enum_variant_names)] // the names are the CLI values: all-of, any-of, n-of
pub(crate) enum GroupArg {
    AllOf,
    AnyOf,
    NOf,
}

pub(crate) fn run_graph(
    command: &GraphCommand,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    match command {
        GraphCommand::Check { file, each } => {
            let findings = Project::open(file)?.check_graph_with(*each)?;
            return report_findings(out, file, &findings, json);
        }
        GraphCommand::Suggest { file, limit } => {
            let suggestions = Project::open(file)?.suggest_prerequisites(*limit)?;
            if json {
                print_json(out, &suggestions)?;
            } else {
                for s in &suggestions {
                    writeln!(
                        out,
                        "{:.2}  “{}” → “{}”",
                        s.confidence, s.before_title, s.after_title
                    )?;
                    writeln!(out, "      {}", s.evidence.join("; "))?;
                }
                writeln!(
                    out,
                    "{} suggestions; add one with `pathforge graph link`",
                    suggestions.len()
                )?;
            }
        }
        GraphCommand::Derived { file } => {
            let project = Project::open(file)?;
            let derived = project.derived_edges()?;
            if json {
                print_json(out, &derived)?;
            } else {
                for d in &derived {
                    writeln!(out, "{}", d.because)?;
                }
                writeln!(
                    out,
                    "{} derived orders; add one with `pathforge graph link`",
                    derived.len()
                )?;
            }
        }
        GraphCommand::Edges { file } => {
            let project = Project::open(file)?;
            let edges = project.prerequisites()?;
            if json {
                print_json(out, &edges)?;
            } else {
                let titles: std::collections::HashMap<_, _> = project
                    .modules()?
                    .into_iter()
                    .map(|m| (m.id, m.title))
                    .collect();
                for e in &edges {
                    writeln!(
                        out,
                        "{} → {}  ({}, {:?})",
                        titles[&e.before],
                        titles[&e.after],
                        e.group.name(),
                        e.origin
                    )?;
                }
                writeln!(out, "{} prerequisites", edges.len())?;
            }
        }
        GraphCommand::Link {
            file,
            before,
            after,
            group,
            n,
        } => {
            let mut project = Project::open(file)?;
            let (b, a) = (
                project.resolve_module(before)?,
                project.resolve_module(after)?,
            );
            let group = group.map(|g| match g {
                GroupArg::AllOf => PrerequisiteGroup::AllOf,
                GroupArg::AnyOf => PrerequisiteGroup::AnyOf,
                GroupArg::NOf => PrerequisiteGroup::NOf { n: n.unwrap_or(1) },
            });
            let added = project.add_prerequisite(&b.id, &a.id, group, &me(), Timestamp::now())?;
            if json {
                print_json(out, &serde_json::json!({ "added": added }))?;
            } else if added {
                writeln!(out, "“{}” is now a prerequisite of “{}”", b.title, a.title)?;
            } else {
                writeln!(
                    out,
                    "“{}” was already a prerequisite of “{}”",
                    b.title, a.title
                )?;
            }
        }
        GraphCommand::Unlink {
            file,
            before,
            after,
        } => {
            let mut project = Project::open(file)?;
            let (b, a) = (
                project.resolve_module(before)?,
                project.resolve_module(after)?,
            );
            project.remove_prerequisite(&b.id, &a.id, &me(), Timestamp::now())?;
            if json {
                print_json(out, &serde_json::json!({ "removed": true }))?;
            } else {
                writeln!(
                    out,
                    "“{}” is no longer a prerequisite of “{}”",
                    b.title, a.title
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
