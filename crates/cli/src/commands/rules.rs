//! `pathforge rules`: list, check and dry-run the adaptive rules.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use engine::Project;

use crate::print::{print_json, report_findings};

#[derive(Subcommand)]
pub(crate) enum RulesCommand {
    /// The rule set (pathforge.rules/v1): declared rules plus unlock rules from the graph.
    List { file: PathBuf },
    /// Check the rules against the curriculum; exits 1 when there are errors.
    Check { file: PathBuf },
    /// Dry-run the rules on a stream of learner events (JSON lines: Pathforge events or
    /// xAPI statements) and print every decision with its explanation.
    Run {
        file: PathBuf,
        #[arg(long)]
        events: PathBuf,
    },
}

pub(crate) fn run_rules(
    command: &RulesCommand,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::List { file } => {
            let set = Project::open(file)?.rules()?;
            if json {
                print_json(out, &set)?;
            } else {
                for r in &set.rules {
                    let origin = if r.origin == rules::Origin::Graph {
                        " (from the graph)"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "{:<40} {:<24} {}{origin}",
                        r.id,
                        r.body.kind(),
                        r.explanation
                    )?;
                }
                writeln!(out, "{} rules", set.rules.len())?;
            }
        }
        RulesCommand::Check { file } => {
            let findings = Project::open(file)?.check_rules()?;
            return report_findings(out, file, &findings, json);
        }
        RulesCommand::Run { file, events } => {
            let text = std::fs::read_to_string(events)
                .map_err(|e| anyhow::anyhow!("{}: {e}", events.display()))?;
            let stream = rules::read_event_log(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", events.display()))?;
            let decisions = Project::open(file)?.run_rules(&stream)?;
            if json {
                print_json(out, &decisions)?;
            } else {
                for d in &decisions {
                    let kind = serde_json::to_value(d.kind)?;
                    writeln!(
                        out,
                        "day {:>3}  {:<12} {:<9} {:<52} [{}] {}",
                        d.day,
                        d.learner,
                        kind.as_str().unwrap_or("?"),
                        d.target,
                        d.rule,
                        d.explanation
                    )?;
                }
                writeln!(
                    out,
                    "{} decisions from {} events",
                    decisions.len(),
                    stream.len()
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
