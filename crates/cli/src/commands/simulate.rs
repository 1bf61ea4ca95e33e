//! `pathforge simulate`: cohorts through the static path, the project's rules, a bundle or
//! two bundle versions, and a learner's trace.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::machine::open;
use crate::print::{name, Output, Progress};

#[derive(Debug, clap::Args)]
pub(crate) struct SimulateArgs {
    file: PathBuf,
    /// A cohort file (JSON or TOML); the project's cohort when omitted.
    #[arg(long)]
    cohort: Option<PathBuf>,
    /// A signed rule bundle to simulate instead of the project's rules, on the curriculum
    /// it carries; give it twice to compare two versions (and list what changed).
    #[arg(long)]
    bundle: Vec<PathBuf>,
    #[arg(long, default_value_t = 1000)]
    learners: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print simulated learner N's journey and rule decisions (the "why" trace) instead,
    /// under the last bundle given (else the project's rules).
    #[arg(long)]
    trace: Option<u64>,
}

/// A cohort file, JSON or TOML.
pub(crate) fn read_cohort(path: &Path) -> anyhow::Result<model::Cohort> {
    let text = crate::machine::read_text(path)?;
    let cohort: model::Cohort = if path.extension().is_some_and(|e| e == "toml") {
        toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: not a cohort: {}", path.display(), e.message()))?
    } else {
        serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: not a cohort: {e}", path.display()))?
    };
    cohort
        .check()
        .map_err(|reason| anyhow::anyhow!("{}: {reason}", path.display()))?;
    Ok(cohort)
}

/// `json` only silences the progress bar.
pub(crate) fn run_simulate(args: &SimulateArgs, json: bool) -> anyhow::Result<Output> {
    let cohort = args.cohort.as_deref().map(read_cohort).transpose()?;
    let project = open(&args.file)?;
    let request = engine::SimulationRequest {
        cohort,
        learners: args.learners,
        seed: args.seed,
        bundles: args.bundle.clone(),
    };
    if let Some(n) = args.trace {
        let journey = project.simulation_journey(&request, true, n)?;
        let seed = args.seed;
        return Ok(Output::new(journey, move |out, journey| {
            trace(out, journey, seed)
        }));
    }
    let mut bar = Progress::new(json, "simulating {bar:40} {pos}/{len} learners, {eta} left");
    let sim = project.run_simulation(&request, &mut |p| {
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        bar.update(clamp(p.done), clamp(p.total), "");
        true
    });
    bar.finish();
    let sim = sim?;
    Ok(Output::new(sim, |out, sim| {
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        let days = |r: &simulate::Report| {
            r.time_to_competency
                .as_ref()
                .map(|p| format!("{:.0} / {:.0} / {:.0}", p.p10, p.p50, p.p90))
                .unwrap_or_else(|| "-".to_owned())
        };
        writeln!(out, "{} learners, seed {}\n", sim.learners, sim.seed)?;
        let row = |out: &mut dyn Write, what: &str, cell: &dyn Fn(&simulate::Report) -> String| {
            write!(out, "{what:<36}")?;
            for run in &sim.runs {
                write!(out, " {:>22}", cell(&run.report))?;
            }
            writeln!(out)
        };
        write!(out, "{:<36}", "")?;
        for run in &sim.runs {
            let label: String = run.label.chars().take(22).collect();
            write!(out, " {label:>22}")?;
        }
        writeln!(out)?;
        row(out, "completion", &|r| pct(r.completion_rate))?;
        row(out, "days to competency (p10/p50/p90)", &days)?;
        row(out, "first-attempt pass rate", &|r| {
            r.first_attempt_pass_rate
                .map_or_else(|| "-".to_owned(), pct)
        })?;
        row(out, "placed / remediated", &|r| {
            format!("{} / {}", pct(r.placement_rate), pct(r.remediation_rate))
        })?;
        row(out, "re-enrolled to recertify", &|r| {
            pct(r.recertification_rate)
        })?;
        row(out, "hours saved by placement", &|r| {
            format!("{:.0} h", r.hours_saved_by_placement)
        })?;
        for run in &sim.runs[1..] {
            writeln!(
                out,
                "\nBottlenecks under {}: {}",
                run.label,
                run.report.bottlenecks.join("; ")
            )?;
            writeln!(out, "Segments under {}:", run.label)?;
            for s in &run.report.segments {
                writeln!(
                    out,
                    "  {:<28} {:>6} learners  completion {:>6}  placed {:>6}  remediated {:>6}",
                    s.name,
                    s.learners,
                    pct(s.completion_rate),
                    pct(s.placement_rate),
                    pct(s.remediation_rate)
                )?;
            }
            fairness(out, run)?;
        }
        if let [_, a, b] = &sim.runs[..] {
            let (a, b) = (&a.report, &b.report);
            let points = |x: f64, y: f64| format!("{:+.1} pts", (y - x) * 100.0);
            let p50 = |r: &simulate::Report| r.time_to_competency.as_ref().map(|t| t.p50);
            writeln!(
                out,
                "\nThe second version against the first: completion {}, median days to competency {}, placed {}, remediated {}, hours saved by placement {:+.0}",
                points(a.completion_rate, b.completion_rate),
                match (p50(a), p50(b)) {
                    (Some(x), Some(y)) => format!("{:+.1}", y - x),
                    _ => "-".to_owned(),
                },
                points(a.placement_rate, b.placement_rate),
                points(a.remediation_rate, b.remediation_rate),
                b.hours_saved_by_placement - a.hours_saved_by_placement
            )?;
        }
        if !sim.changes.is_empty() {
            writeln!(
                out,
                "\nWhat changed from {} to {}:",
                sim.runs[1].label, sim.runs[2].label
            )?;
            for c in &sim.changes {
                writeln!(
                    out,
                    "  {:<7} {:<8} {:<40} {}",
                    c.area, c.change, c.subject, c.explanation
                )?;
            }
        }
        Ok(())
    }))
}

/// Learner N's journey: each step, the decisions it caused, and how it ended.
fn trace(out: &mut dyn Write, journey: &simulate::Journey, seed: u64) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} ({}), seed {seed}",
        journey.learner, journey.segment
    )?;
    // A module by its title; a track, a person or a certification as it is.
    let named = |key: &str| match journey.titles.get(key) {
        Some(title) => format!("“{title}”"),
        None => key.to_owned(),
    };
    for step in &journey.steps {
        writeln!(out, "day {:>5.1}  {}", step.day, step.what)?;
        for d in &step.decisions {
            writeln!(
                out,
                "           → {:<9} {:<44} [{}] {}",
                name(&d.kind),
                named(&d.target),
                d.rule,
                d.explanation
            )?;
        }
    }
    let ending = match &journey.ending {
        simulate::Ending::Competent { day } => format!("competent on day {day:.1}"),
        simulate::Ending::DroppedOut { module, day } => {
            format!("dropped out on day {day:.1}, while on {}", named(module))
        }
        simulate::Ending::NotCompetent { day } => format!(
            "not competent: reached the end of the track on day {day:.1} without passing every assessment"
        ),
    };
    writeln!(out, "ended: {ending}")?;
    Ok(())
}

/// The completion gaps `run`'s rules widen against the static path, or that none is.
fn fairness(out: &mut dyn Write, run: &engine::SimulationRun) -> std::io::Result<()> {
    let words = |g: &simulate::FairnessGap| {
        format!(
            "{} — completion {:.1}% → {:.1}%, gap to the rest of the cohort {:+.1} → {:+.1} pts (widened {:+.1} pts, 95% interval {:+.1} to {:+.1})",
            g.segment,
            g.static_value * 100.0,
            g.rules_value * 100.0,
            g.static_gap * 100.0,
            g.rules_gap * 100.0,
            g.change * 100.0,
            g.low * 100.0,
            g.high * 100.0
        )
    };
    let flagged: Vec<&simulate::FairnessGap> = run.fairness.iter().filter(|g| g.flagged).collect();
    if flagged.is_empty() {
        writeln!(
            out,
            "Fairness: the rules widen no segment's completion gap to the rest of the cohort beyond doubt and by {:.0} points or more ({} segments compared with the static path, 95% intervals over {} batches of learners)",
            simulate::MIN_WIDENING * 100.0,
            run.fairness.len(),
            simulate::BATCHES
        )?;
        let largest = run
            .fairness
            .iter()
            .max_by(|a, b| a.change.total_cmp(&b.change))
            .filter(|g| g.change > 0.0);
        if let Some(g) = largest {
            writeln!(out, "  the largest widening: {}", words(g))?;
        }
        return Ok(());
    }
    for g in flagged {
        writeln!(out, "  ⚑ FAIRNESS: the rules widen a gap: {}", words(g))?;
    }
    Ok(())
}
