//! `pathforge review`: the SME review queue from a terminal — list suggestions, accept,
//! reject or edit one or many, and offline review packs.

use std::path::PathBuf;

use clap::Subcommand;

use model::{ModuleId, Timestamp};

use crate::machine::{me, open};
use crate::print::{said, truncate, Output};

#[derive(clap::Args)]
pub(crate) struct ReviewFilter {
    /// Only suggestions of this skill (slug).
    #[arg(long)]
    skill: Option<String>,
    /// Only suggestions with at least this confidence (0–1).
    #[arg(long)]
    min: Option<f64>,
}

#[derive(Subcommand)]
pub(crate) enum ReviewCommand {
    /// The review queue, best first (open suggestions unless --state says otherwise).
    List {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "suggested")]
        state: StateArg,
        #[command(flatten)]
        filter: ReviewFilter,
    },
    /// Accept one suggestion (MODULE SKILL) or every open one the filter matches.
    Accept(Decision),
    /// Reject one suggestion (MODULE SKILL) or every open one the filter matches.
    Reject(Decision),
    /// Put a decided suggestion (MODULE SKILL), or every decided one the filter matches,
    /// back in the queue: what Ctrl+Z does in the window's Review tab, logged.
    Reopen(Decision),
    /// Write the open suggestions the filter matches as an offline review pack: one HTML
    /// file an SME opens in any browser, decides in, and saves a decisions file from.
    Pack {
        file: PathBuf,
        #[command(flatten)]
        filter: ReviewFilter,
        /// Where to write the pack (an .html file; never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Apply a decisions file saved from a review pack; conflicts are listed, not applied.
    Import { file: PathBuf, decisions: PathBuf },
    /// Acceptance by confidence band and by skill: the evidence for an auto-accept threshold.
    Calibration { file: PathBuf },
    /// Set MODULE's level (beginner, intermediate, advanced) over its file's and the level
    /// guess, kept on re-import; --clear gives the file's back at once.
    Level {
        file: PathBuf,
        module: String,
        level: Option<String>,
        #[arg(long, conflicts_with = "level")]
        clear: bool,
        #[arg(long)]
        note: Option<String>,
    },
    /// Edit a suggestion: reject SKILL on MODULE in favour of --to OTHER, accepted instead.
    Edit {
        file: PathBuf,
        /// Module id, path in its library, or exact title.
        module: String,
        skill: String,
        #[arg(long)]
        to: String,
        /// Why, for the audit log.
        #[arg(long)]
        note: Option<String>,
    },
    /// Accept new suggestions at or above THRESHOLD (0.5–1) as they are made, or --off.
    AutoAccept {
        file: PathBuf,
        threshold: Option<f64>,
        #[arg(long, conflicts_with = "threshold")]
        off: bool,
    },
}

#[derive(clap::Args)]
pub(crate) struct Decision {
    file: PathBuf,
    /// Module id, path in its library, or exact title; with SKILL, decides that one tag.
    module: Option<String>,
    /// Skill slug of the one tag to decide.
    #[arg(value_name = "SKILL")]
    tag_skill: Option<String>,
    #[command(flatten)]
    filter: ReviewFilter,
    /// Why, for the audit log.
    #[arg(long)]
    note: Option<String>,
    /// Show what would be decided, change nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StateArg {
    Suggested,
    Accepted,
    Rejected,
    All,
}

pub(crate) fn run_review(command: &ReviewCommand) -> anyhow::Result<Output> {
    Ok(match command {
        ReviewCommand::List {
            file,
            state,
            filter,
        } => {
            let project = open(file)?;
            let queue =
                project.review_queue(state_of(*state), filter.skill.as_deref(), filter.min)?;
            Output::new(queue, move |out, queue| {
                let titles: std::collections::HashMap<ModuleId, String> = project
                    .modules()?
                    .into_iter()
                    .map(|m| (m.id, m.title))
                    .collect();
                for t in queue {
                    writeln!(
                        out,
                        "{:>4.0}%  {:<24} {:<44} {}{}",
                        t.confidence.unwrap_or(0.0) * 100.0,
                        t.skill_slug,
                        truncate(titles.get(&t.module_id).map_or("?", String::as_str), 44),
                        t.module_id,
                        if t.rejected_before {
                            "  (rejected before)"
                        } else {
                            ""
                        }
                    )?;
                }
                writeln!(out, "{}", crate::print::count(queue.len(), "suggestion"))?;
                Ok(())
            })
        }
        ReviewCommand::Accept(d) => decide(d, model::TagState::Accepted)?,
        ReviewCommand::Reject(d) => decide(d, model::TagState::Rejected)?,
        ReviewCommand::Reopen(d) => decide(d, model::TagState::Suggested)?,
        ReviewCommand::Pack {
            file,
            filter,
            out: to,
        } => {
            anyhow::ensure!(
                !to.exists(),
                "{}: already exists; Pathforge never overwrites a file",
                to.display()
            );
            let mut project = open(file)?;
            let (html, count) = project.export_review_pack(
                &engine::PackFilter {
                    skill: filter.skill.clone(),
                    min_confidence: filter.min,
                },
                &me(),
                Timestamp::now(),
            )?;
            engine::write_atomically(to, html.as_bytes())?;
            let to = to.clone();
            Output::new(
                serde_json::json!({ "pack": to, "suggestions": count }),
                move |out, _| {
                    writeln!(
                        out,
                        "Wrote a review pack of {count} suggestions to {}: send it to the SME; they open it in any browser and send back the decisions file for `pathforge review import`.",
                        to.display()
                    )?;
                    Ok(())
                },
            )
        }
        ReviewCommand::Edit {
            file,
            module,
            skill,
            to,
            note,
        } => {
            let mut project = open(file)?;
            let m = project.resolve_module(module)?;
            project.edit_tag(&m.id, skill, to, note.as_deref(), &me(), Timestamp::now())?;
            let words = format!(
                "“{}”: {skill} rejected in favour of {to}, accepted.",
                m.title
            );
            said(
                serde_json::json!({ "module": m.id, "rejected": skill, "accepted": to }),
                words,
            )
        }
        ReviewCommand::Level {
            file,
            module,
            level,
            clear,
            note,
        } => {
            let level = match (level, clear) {
                (Some(l), false) => Some(model::Level::parse(l).ok_or_else(|| {
                    anyhow::anyhow!("{l:?} is not a level: use beginner, intermediate or advanced")
                })?),
                (None, true) => None,
                _ => anyhow::bail!("give a level (beginner, intermediate, advanced) or --clear"),
            };
            let mut project = open(file)?;
            let m = project.resolve_module(module)?;
            let now =
                project.set_module_level(&m.id, level, note.as_deref(), &me(), Timestamp::now())?;
            let is = now.level.map_or("no level", |l| l.as_str());
            Output::new(
                serde_json::json!({
                    "module": m.id,
                    "level": level.map(|l| l.as_str()),
                    "now": now.level.map(|l| l.as_str()),
                }),
                move |out, _| {
                    match level {
                        Some(l) => writeln!(
                            out,
                            "“{}” is {} (kept over its file on re-import).",
                            m.title,
                            l.as_str()
                        )?,
                        None => writeln!(
                            out,
                            "“{}” takes its level from its file again: {is}.",
                            m.title
                        )?,
                    }
                    Ok(())
                },
            )
        }
        ReviewCommand::Calibration { file } => Output::new(open(file)?.calibration()?, |out, c| {
            let rate = |r: &model::CalibrationRow| match r.accepted + r.rejected {
                0 => "     -".to_owned(),
                n => format!("{:5.0}%", 100.0 * r.accepted as f64 / n as f64),
            };
            for (title, rows) in [("confidence", &c.bands), ("skill", &c.skills)] {
                writeln!(
                    out,
                    "{title:<32} accepted rejected   open  auto  acceptance"
                )?;
                for r in rows {
                    writeln!(
                        out,
                        "{:<32} {:>8} {:>8} {:>6} {:>5}  {}",
                        truncate(&r.label, 32),
                        r.accepted,
                        r.rejected,
                        r.open,
                        r.auto_accepted,
                        rate(r)
                    )?;
                }
                writeln!(out)?;
            }
            match c.auto_accept {
                Some(t) => writeln!(out, "Auto-accept: suggestions at {t:.2} or above")?,
                None => writeln!(out, "Auto-accept: off")?,
            }
            Ok(())
        }),
        ReviewCommand::AutoAccept {
            file,
            threshold,
            off,
        } => {
            anyhow::ensure!(
                threshold.is_some() || *off,
                "{}: give a threshold between 0.5 and 1, or --off",
                file.display()
            );
            let mut project = open(file)?;
            project.set_auto_accept(*threshold, &me(), Timestamp::now())?;
            let threshold = *threshold;
            Output::new(
                serde_json::json!({ "auto_accept": threshold }),
                move |out, _| {
                    match threshold {
                        Some(t) => writeln!(out, "New suggestions at {t:.2} or above will be accepted as they are made (logged as the model's).")?,
                        None => writeln!(out, "Auto-accept is off: every suggestion waits for a person.")?,
                    }
                    Ok(())
                },
            )
        }
        ReviewCommand::Import { file, decisions } => {
            let mut project = open(file)?;
            let r = project.import_review_decisions(decisions, Timestamp::now())?;
            Output::new(r, |out, r| {
                writeln!(
                    out,
                    "{} by {} from pack {}: {} applied, {} already in effect, {}",
                    crate::print::count(
                        (r.applied + r.already) as usize + r.conflicts.len(),
                        "decision"
                    ),
                    r.reviewer,
                    r.pack,
                    r.applied,
                    r.already,
                    crate::print::count(r.conflicts.len(), "conflict")
                )?;
                for c in &r.conflicts {
                    writeln!(out, "  conflict: {} / {}: {}", c.title, c.skill, c.reason)?;
                }
                Ok(())
            })
        }
    })
}

fn state_of(s: StateArg) -> Option<model::TagState> {
    match s {
        StateArg::Suggested => Some(model::TagState::Suggested),
        StateArg::Accepted => Some(model::TagState::Accepted),
        StateArg::Rejected => Some(model::TagState::Rejected),
        StateArg::All => None,
    }
}

/// `review accept`, `reject` and `reopen`: one tag, or every suggestion a filter matches
/// that is open (accept, reject) or decided (reopen).
fn decide(decision: &Decision, state: model::TagState) -> anyhow::Result<Output> {
    let reopening = state == model::TagState::Suggested;
    let mut project = open(&decision.file)?;
    let targets: Vec<model::Tag> = match (&decision.module, &decision.tag_skill) {
        (Some(module), Some(skill)) => {
            let id = project.resolve_module(module)?.id;
            project
                .review_queue(None, Some(skill), None)?
                .into_iter()
                .filter(|t| t.module_id == id)
                .collect()
        }
        (None, None) if decision.filter.skill.is_some() || decision.filter.min.is_some() => {
            let (skill, min) = (decision.filter.skill.as_deref(), decision.filter.min);
            match reopening {
                false => project.review_queue(Some(model::TagState::Suggested), skill, min)?,
                true => project
                    .review_queue(None, skill, min)?
                    .into_iter()
                    .filter(|t| t.state != model::TagState::Suggested)
                    .collect(),
            }
        }
        _ => anyhow::bail!(
            "give MODULE and SKILL, or --skill and/or --min to decide every suggestion they match"
        ),
    };
    if targets.is_empty() {
        anyhow::bail!("{}: no model suggestion matches", decision.file.display());
    }
    let keys: Vec<(ModuleId, model::SkillId)> = targets
        .iter()
        .map(|t| (t.module_id.clone(), t.skill_id.clone()))
        .collect();
    let verb = match state {
        model::TagState::Accepted => "accept",
        model::TagState::Rejected => "reject",
        model::TagState::Suggested => "reopen",
    };
    let changed = if decision.dry_run {
        targets.iter().filter(|t| t.state != state).count()
    } else {
        project.decide_tags(
            &keys,
            state,
            decision.note.as_deref(),
            &me(),
            Timestamp::now(),
        )?
    };
    let (matched, dry_run) = (targets.len(), decision.dry_run);
    Ok(Output::new(
        serde_json::json!({ "matched": matched, "changed": changed, "dry_run": dry_run }),
        move |out, _| {
            let would = if dry_run { "would " } else { "" };
            let matches = if matched == 1 { "matches" } else { "match" };
            let suggestions = crate::print::count(matched, "suggestion");
            writeln!(out, "{suggestions} {matches}; {would}{verb} {changed}")?;
            Ok(())
        },
    ))
}
