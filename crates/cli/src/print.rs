//! How the CLI prints: JSON for `--json`, tables and findings for people, and the progress
//! bar (silent under `--json`).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use model::{ModuleSummary, Severity};

/// Prints linter or checker findings; exit status 1 when any is an error.
pub(crate) fn report_findings(
    out: &mut impl Write,
    file: &Path,
    findings: &[model::Finding],
    json: bool,
) -> anyhow::Result<ExitCode> {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if json {
        print_json(out, &findings)?;
    } else {
        for f in findings {
            let severity = serde_json::to_value(f.severity)?;
            let code = serde_json::to_value(f.code)?;
            writeln!(
                out,
                "{}[{}]: {}",
                severity.as_str().unwrap_or("?"),
                code.as_str().unwrap_or("?"),
                f.message
            )?;
            writeln!(out, "  fix: {}", f.fix)?;
        }
        writeln!(
            out,
            "{}: {errors} errors, {} warnings and notes",
            file.display(),
            findings.len() - errors
        )?;
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn print_json(
    out: &mut impl Write,
    value: &impl serde::Serialize,
) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

pub(crate) fn print_modules(
    out: &mut impl Write,
    file: &Path,
    modules: &[ModuleSummary],
) -> anyhow::Result<()> {
    if modules.is_empty() {
        writeln!(
            out,
            "{} has no modules yet; add some with `pathforge import {} FOLDER`.",
            file.display(),
            file.display()
        )?;
        return Ok(());
    }
    let width = modules
        .iter()
        .map(|m| m.title.chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 60);
    writeln!(
        out,
        "{:<width$}  {:>7}  {:<12}  {:>6}  id",
        "title", "minutes", "level", "words"
    )?;
    for m in modules {
        let title: String = m.title.chars().take(width).collect();
        let level = m.level.map(|l| l.as_str()).unwrap_or("-");
        writeln!(
            out,
            "{title:<width$}  {:>7}  {level:<12}  {:>6}  {}",
            m.duration_minutes, m.word_count, m.id
        )?;
    }
    let minutes: u32 = modules.iter().map(|m| m.duration_minutes).sum();
    writeln!(
        out,
        "\n{} modules, {}h {:02}m of learning",
        modules.len(),
        minutes / 60,
        minutes % 60
    )?;
    Ok(())
}

/// Progress of a long command on stderr: a bar on a terminal; on a pipe or in a log, a
/// plain line each time another tenth of the work is done, once the work has taken more
/// than a second (`PATHFORGE_PROGRESS_DELAY_MS` changes that delay); nothing with `--json`.
pub(crate) struct Progress {
    bar: indicatif::ProgressBar,
    /// Off a terminal: what is being done, and the last tenth printed.
    plain: Option<(String, u64)>,
    started: std::time::Instant,
    delay: std::time::Duration,
}

impl Progress {
    pub(crate) fn new(json: bool, template: &str) -> Progress {
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        if json || !terminal {
            let what = template.split_whitespace().next().unwrap_or("working");
            let delay = std::env::var("PATHFORGE_PROGRESS_DELAY_MS")
                .ok()
                .and_then(|ms| ms.parse().ok())
                .unwrap_or(1000);
            return Progress {
                bar: indicatif::ProgressBar::hidden(),
                plain: (!json).then(|| (what.to_owned(), u64::MAX)),
                started: std::time::Instant::now(),
                delay: std::time::Duration::from_millis(delay),
            };
        }
        let style = indicatif::ProgressStyle::with_template(template).expect("a valid template");
        Progress {
            bar: indicatif::ProgressBar::new(0).with_style(style),
            plain: None,
            started: std::time::Instant::now(),
            delay: std::time::Duration::ZERO,
        }
    }

    pub(crate) fn update(&mut self, done: u32, total: u32, message: &str) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        self.bar.set_message(message.to_owned());
        if let Some((what, last)) = &mut self.plain {
            let tenth = (done as u64 * 10).checked_div(total as u64).unwrap_or(0);
            if total > 0 && tenth != *last && self.started.elapsed() >= self.delay {
                *last = tenth;
                eprintln!("{what} {done}/{total}");
            }
        }
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

pub(crate) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub(crate) fn print_insight(
    out: &mut impl Write,
    module: &model::Module,
    insight: &model::ModuleInsight,
) -> anyhow::Result<()> {
    let Some(model) = &insight.model else {
        return Ok(());
    };
    let chars: Vec<char> = module.body.chars().collect();
    writeln!(out, "\nAuto-tags ({model}):")?;
    for t in insight
        .tags
        .iter()
        .filter(|t| t.source == model::TagSource::Model)
    {
        let state = match t.state {
            model::TagState::Suggested => "suggested",
            model::TagState::Accepted => "accepted",
            model::TagState::Rejected => "rejected",
        };
        writeln!(
            out,
            "  {} ({}) {:.2} {state}{}",
            t.skill_name,
            t.skill_slug,
            t.confidence.unwrap_or(0.0),
            if t.rejected_before {
                " · rejected for an earlier version"
            } else {
                ""
            }
        )?;
        for e in t.evidence.iter().take(2) {
            let text: String = chars
                [(e.start as usize).min(chars.len())..(e.end as usize).min(chars.len())]
                .iter()
                .collect();
            writeln!(
                out,
                "      {:.2} “{}” [{}..{}]",
                e.score,
                truncate(&text.replace('\n', " "), 100),
                e.start,
                e.end
            )?;
        }
    }
    if let Some(level) = insight.level {
        writeln!(
            out,
            "  level: {} (score {:+.1})",
            level.as_str(),
            insight.level_score
        )?;
        for s in &insight.level_signals {
            writeln!(out, "      {:+.1} {}: {}", s.points, s.name, s.detail)?;
        }
    }
    if !insight.keyphrases.is_empty() {
        let k: Vec<&str> = insight
            .keyphrases
            .iter()
            .map(|k| k.phrase.as_str())
            .collect();
        writeln!(out, "  keyphrases: {}", k.join(", "))?;
    }
    for n in &insight.notes {
        writeln!(out, "  note: {n}")?;
    }
    Ok(())
}
