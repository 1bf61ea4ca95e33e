//! `pathforge graph`: check, list, edit and suggest prerequisites.

use std::path::PathBuf;

use clap::Subcommand;

use model::{PrerequisiteGroup, Timestamp};

use crate::machine::{me, open};
use crate::print::{findings, Output, Progress};

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
        /// Only edges into or out of this module (by id, path or exact title): its likely
        /// prerequisites and what it may unlock, without the bound of three into one.
        #[arg(long)]
        module: Option<String>,
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
    /// Dismiss the suggestion BEFORE → AFTER: it is no prerequisite, and `suggest` leaves
    /// the pair out either way round from now on (logged; carried by merges).
    Dismiss {
        file: PathBuf,
        before: String,
        after: String,
        /// Take the dismissal back: the pair may be suggested again.
        #[arg(long)]
        undo: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
#[allow(clippy::enum_variant_names)] // the names are the CLI values: all-of, any-of, n-of
pub(crate) enum GroupArg {
    AllOf,
    AnyOf,
    NOf,
}

pub(crate) fn run_graph(command: &GraphCommand, json: bool) -> anyhow::Result<Output> {
    Ok(match command {
        GraphCommand::Check { file, each } => findings(file, open(file)?.check_graph_with(*each)?),
        GraphCommand::Suggest {
            file,
            limit,
            module,
        } => {
            let project = open(file)?;
            let about = module
                .as_deref()
                .map(|m| project.resolve_module(m))
                .transpose()?;
            // Every pair of modules is compared: seconds from a few thousand on.
            let mut bar = Progress::new(json, "suggesting {bar:40} {pos}% of the pairs compared");
            let suggestions = project.suggest_prerequisites_about(
                about.as_ref().map(|m| &m.id),
                *limit,
                &mut |at| {
                    bar.update((at * 100.0).round() as u32, 100, "");
                    true
                },
            )?;
            bar.finish();
            let learned = match project.prerequisites()?.len() {
                0 => String::new(),
                1 => " (learned from this project's 1 prerequisite)".to_owned(),
                n => format!(" (learned from this project's {n} prerequisites)"),
            };
            Output::new(suggestions, move |out, suggestions| {
                for s in suggestions {
                    writeln!(
                        out,
                        "{:.2}  “{}” → “{}”",
                        s.confidence, s.before_title, s.after_title
                    )?;
                    writeln!(out, "      {}", s.evidence.join("; "))?;
                }
                let asked = about
                    .as_ref()
                    .map(|m| format!(" for “{}”", m.title))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{}{asked}{learned}; add one with `pathforge graph link`, dismiss one with `pathforge graph dismiss`",
                    crate::print::count(suggestions.len(), "suggestion")
                )?;
                // As the Graph tab says it: asked about one module, a list of unlikely
                // candidates is not advice.
                if about.is_some()
                    && !suggestions.is_empty()
                    && suggestions.iter().all(|s| s.confidence < 0.5)
                {
                    writeln!(
                        out,
                        "none is likelier than not (all under 50%): the content points to no clear prerequisite or follow-up that the graph lacks"
                    )?;
                }
                if suggestions.iter().any(|s| !s.by_vectors) {
                    writeln!(
                        out,
                        "modules were compared by their words, as not every one has been auto-tagged: after `pathforge tag` (which reads only what is new or changed) they are compared by the model's reading of them, which ranks prerequisites markedly better"
                    )?;
                }
                Ok(())
            })
        }
        GraphCommand::Derived { file } => {
            let derived = open(file)?.derived_edges()?;
            Output::new(derived, |out, derived| {
                for d in derived {
                    writeln!(out, "{}", d.because)?;
                }
                writeln!(
                    out,
                    "{} derived orders; add one with `pathforge graph link`",
                    derived.len()
                )?;
                Ok(())
            })
        }
        GraphCommand::Edges { file } => {
            let project = open(file)?;
            let edges = project.prerequisites()?;
            Output::new(edges, move |out, edges| {
                let titles: std::collections::HashMap<_, _> = project
                    .modules()?
                    .into_iter()
                    .map(|m| (m.id, m.title))
                    .collect();
                for e in edges {
                    let origin = match e.origin {
                        model::EdgeOrigin::Manifest => "from the library's manifest",
                        model::EdgeOrigin::Person => "added by a person",
                    };
                    writeln!(
                        out,
                        "{} → {}  ({}, {origin})",
                        titles[&e.before],
                        titles[&e.after],
                        e.group.name(),
                    )?;
                }
                writeln!(out, "{}", crate::print::count(edges.len(), "prerequisite"))?;
                Ok(())
            })
        }
        GraphCommand::Link {
            file,
            before,
            after,
            group,
            n,
        } => {
            let mut project = open(file)?;
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
            Output::new(serde_json::json!({ "added": added }), move |out, _| {
                let now = if added { "now" } else { "already" };
                writeln!(
                    out,
                    "“{}” is {now} a prerequisite of “{}”",
                    b.title, a.title
                )?;
                Ok(())
            })
        }
        GraphCommand::Unlink {
            file,
            before,
            after,
        } => {
            let mut project = open(file)?;
            let (b, a) = (
                project.resolve_module(before)?,
                project.resolve_module(after)?,
            );
            project.remove_prerequisite(&b.id, &a.id, &me(), Timestamp::now())?;
            Output::new(serde_json::json!({ "removed": true }), move |out, _| {
                writeln!(
                    out,
                    "“{}” is no longer a prerequisite of “{}”",
                    b.title, a.title
                )?;
                Ok(())
            })
        }
        GraphCommand::Dismiss {
            file,
            before,
            after,
            undo,
        } => {
            let mut project = open(file)?;
            let (b, a) = (
                project.resolve_module(before)?,
                project.resolve_module(after)?,
            );
            let changed = match undo {
                false => project.dismiss_suggestion(&b.id, &a.id, &me(), Timestamp::now())?,
                true => project.restore_suggestion(&b.id, &a.id, &me(), Timestamp::now())?,
            };
            let json = serde_json::json!({ "dismissed": !undo, "changed": changed });
            let undo = *undo;
            Output::new(json, move |out, _| {
                let pair = format!("“{}” → “{}”", b.title, a.title);
                match (undo, changed) {
                    (false, true) => writeln!(out, "Dismissed {pair}: it is suggested neither way round again (`--undo` takes it back)")?,
                    (false, false) => writeln!(out, "{pair} was already dismissed")?,
                    (true, true) => writeln!(out, "{pair} may be suggested again")?,
                    (true, false) => writeln!(out, "{pair} was not dismissed")?,
                }
                Ok(())
            })
        }
    })
}
