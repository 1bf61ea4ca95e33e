//! `pathforge rules`: list, check and dry-run the adaptive rules.

use std::path::PathBuf;

use clap::Subcommand;

use crate::machine::open;
use crate::print::{findings, name, Output};

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

pub(crate) fn run_rules(command: &RulesCommand) -> anyhow::Result<Output> {
    Ok(match command {
        RulesCommand::List { file } => {
            let set = open(file)?.rules()?;
            Output::new(set, |out, set| {
                // The graph's rules are named after their module's file.
                let kind = set.rules.iter().map(|r| r.body.kind().len()).max();
                let kind = kind.unwrap_or(0);
                let rows: Vec<(String, String)> = set
                    .rules
                    .iter()
                    .map(|r| {
                        let origin = if r.origin == rules::Origin::Graph {
                            " (from the graph)"
                        } else {
                            ""
                        };
                        let what = r.body.kind().replace('_', " ");
                        (
                            r.id.clone(),
                            format!("{what:<kind$}  {}{origin}", r.explanation),
                        )
                    })
                    .collect();
                crate::print::keyed(out, "", &rows)?;
                writeln!(out, "{}", crate::print::count(set.rules.len(), "rule"))?;
                Ok(())
            })
        }
        RulesCommand::Check { file } => findings(file, open(file)?.check_rules()?),
        RulesCommand::Run { file, events } => {
            let text = crate::machine::read_text(events)?;
            let stream = rules::read_event_log(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", events.display()))?;
            let decisions = open(file)?.run_rules(&stream)?;
            let events = stream.len();
            Output::new(decisions, move |out, decisions| {
                for d in decisions {
                    writeln!(
                        out,
                        "day {:>3}  {:<12} {:<9} {:<52} [{}] {}",
                        d.day,
                        d.learner,
                        name(&d.kind),
                        d.target,
                        d.rule,
                        d.explanation
                    )?;
                }
                writeln!(
                    out,
                    "{} from {}",
                    crate::print::count(decisions.len(), "decision"),
                    crate::print::count(events, "event")
                )?;
                Ok(())
            })
        }
    })
}
