//! How the CLI prints. A command runs and hands back an [`Output`] — the value `--json`
//! prints, the words people read, warnings and the exit status — and `main` prints it:
//! the one place a command's result reaches stdout, so `--json` holds for every command
//! and no command decides between JSON and text itself. Also the shared word renderings
//! (modules, findings, a module's auto-tags) and the progress bar (silent under `--json`).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use model::{ModuleSummary, Severity};

/// What a command has to say.
pub(crate) struct Output {
    said: Box<dyn Said>,
    /// One line each on stderr, in both modes: what was set aside, not the result.
    warnings: Vec<String>,
    failed: bool,
}

/// A value and its words, with the value's type erased so every command returns one kind.
trait Said {
    fn json(&self, out: &mut dyn Write, one_line: bool) -> anyhow::Result<()>;
    fn words(self: Box<Self>, out: &mut dyn Write) -> anyhow::Result<()>;
}

struct Value<T, F> {
    value: T,
    words: F,
}

impl<T, F> Said for Value<T, F>
where
    T: serde::Serialize,
    F: FnOnce(&mut dyn Write, &T) -> anyhow::Result<()>,
{
    fn json(&self, out: &mut dyn Write, one_line: bool) -> anyhow::Result<()> {
        if one_line {
            serde_json::to_writer(&mut *out, &self.value)?;
        } else {
            serde_json::to_writer_pretty(&mut *out, &self.value)?;
        }
        writeln!(out)?;
        Ok(())
    }

    fn words(self: Box<Self>, out: &mut dyn Write) -> anyhow::Result<()> {
        let Value { value, words } = *self;
        words(out, &value)
    }
}

/// Text a command writes as it is in both modes (an audit export to stdout is already in
/// the format asked for).
struct Verbatim(String);

impl Said for Verbatim {
    fn json(&self, out: &mut dyn Write, _: bool) -> anyhow::Result<()> {
        out.write_all(self.0.as_bytes())?;
        Ok(())
    }

    fn words(self: Box<Self>, out: &mut dyn Write) -> anyhow::Result<()> {
        out.write_all(self.0.as_bytes())?;
        Ok(())
    }
}

impl Output {
    /// `value` as `--json` prints it, and how to say it in words. The words may use more
    /// than the value (titles for ids, say): whatever the closure captures; they are
    /// written only when no `--json` was asked for.
    pub(crate) fn new<T, F>(value: T, words: F) -> Output
    where
        T: serde::Serialize + 'static,
        F: FnOnce(&mut dyn Write, &T) -> anyhow::Result<()> + 'static,
    {
        Output {
            said: Box::new(Value { value, words }),
            warnings: Vec::new(),
            failed: false,
        }
    }

    /// Text written as it is, with or without `--json`.
    pub(crate) fn verbatim(text: String) -> Output {
        Output {
            said: Box::new(Verbatim(text)),
            warnings: Vec::new(),
            failed: false,
        }
    }

    /// Exit status 1 when `failed` (a check found errors, a file was set aside), the
    /// output printed all the same.
    pub(crate) fn failing_if(mut self, failed: bool) -> Output {
        self.failed |= failed;
        self
    }

    /// A line for stderr, `pathforge: ` before it.
    pub(crate) fn warn(mut self, warning: String) -> Output {
        self.warnings.push(warning);
        self
    }

    /// Prints the output to `out` (JSON or words) and its warnings to stderr.
    pub(crate) fn print(self, out: &mut dyn Write, json: bool) -> anyhow::Result<ExitCode> {
        let failed = self.failed;
        self.emit(out, json, false)?;
        Ok(if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        })
    }

    /// Prints the output as one item of a stream: a JSON line, or its words.
    pub(crate) fn print_line(self, out: &mut dyn Write, json: bool) -> anyhow::Result<()> {
        self.emit(out, json, true)
    }

    fn emit(self, out: &mut dyn Write, json: bool, one_line: bool) -> anyhow::Result<()> {
        if json {
            self.said.json(out, one_line)?;
        } else {
            self.said.words(out)?;
        }
        out.flush()?;
        for w in &self.warnings {
            eprintln!("pathforge: {w}");
        }
        Ok(())
    }
}

/// clap's usage error as one line (its "Usage:" block dropped): a list after a colon
/// joins with spaces, a further sentence (clap's "tip: …") with a semicolon.
pub(crate) fn usage_error(e: &clap::Error) -> String {
    let text = e.to_string();
    let what = text.split("\n\nUsage:").next().unwrap_or_default();
    let mut message = String::new();
    for line in what.strip_prefix("error: ").unwrap_or(what).lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !message.is_empty() {
            let list = message.ends_with(':') || line.starts_with('<') || line.starts_with('-');
            message += if list { " " } else { "; " };
        }
        message += line;
    }
    message
}

/// A result `--json` prints as `value` and people read as one line of `words`.
pub(crate) fn said(value: impl serde::Serialize + 'static, words: String) -> Output {
    Output::new(value, move |out, _| {
        writeln!(out, "{words}")?;
        Ok(())
    })
}

/// Linter or checker findings; exit status 1 when any is an error.
pub(crate) fn findings(file: &Path, findings: Vec<model::Finding>) -> Output {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let file = file.to_owned();
    Output::new(findings, move |out, findings| {
        for f in findings {
            writeln!(
                out,
                "{}[{}]: {}",
                name(&f.severity),
                name(&f.code),
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
        Ok(())
    })
    .failing_if(errors > 0)
}

/// The modules table `pathforge modules` prints, or how to add the first ones.
pub(crate) fn modules_table(
    out: &mut dyn Write,
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
        "\n{}, {}h {:02}m of learning",
        count(modules.len(), "module"),
        minutes / 60,
        minutes % 60
    )?;
    Ok(())
}

/// How a unit enum is spelt in JSON (severities, finding codes, decision kinds): the
/// words use the same names.
pub(crate) fn name(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "?".to_owned(),
    }
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
        // The message first: a redraw between the two would pair the new position with the
        // old message.
        self.bar.set_message(message.to_owned());
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
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

/// "1 conflict", "3 conflicts".
pub(crate) use lms::count;

/// How wide a column of keys may grow before a longer key gets a line to itself.
const KEY_COLUMN: usize = 42;

/// The libraries as `pathforge libraries` lists them: name, modules, format and when, then
/// where from (or that it is gone).
pub(crate) fn libraries(
    out: &mut dyn Write,
    file: &Path,
    libraries: &[model::LibrarySummary],
) -> std::io::Result<()> {
    if libraries.is_empty() {
        return writeln!(
            out,
            "{} has no libraries yet; add one with `pathforge import {} FOLDER`.",
            file.display(),
            file.display()
        );
    }
    let when = |at: model::Timestamp| {
        jiff::Timestamp::from_millisecond(at.0)
            .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default()
    };
    for s in libraries {
        if let Some(removed) = s.library.removed_at {
            writeln!(
                out,
                "{}  removed {} ({} retired), {}",
                s.library.name,
                when(removed),
                count(s.retired as usize, "module"),
                s.library.format.as_str()
            )?;
            writeln!(
                out,
                "  import it again to bring it back: `pathforge import {} {}`",
                file.display(),
                s.library.source_path
            )?;
            continue;
        }
        let at = when(s.library.imported_at);
        let retired = match s.retired {
            0 => String::new(),
            n => format!(" (and {n} retired)"),
        };
        writeln!(
            out,
            "{}  {}{retired}, {}, imported {at}",
            s.library.name,
            count(s.modules as usize, "module"),
            s.library.format.as_str()
        )?;
        match s.source_found {
            true => writeln!(out, "  from {}", s.library.source_path)?,
            false => writeln!(
                out,
                "  from {}, which is gone: import it from where it is now to follow its files",
                s.library.source_path
            )?,
        }
    }
    Ok(())
}

/// What `pathforge libraries --remove` did, and how to undo it.
pub(crate) fn library_removed(
    out: &mut dyn Write,
    file: &Path,
    removed: &model::LibraryRemoved,
) -> std::io::Result<()> {
    let library = &removed.library;
    writeln!(
        out,
        "Removed “{}” from {}: {} retired{}.",
        library.name,
        file.display(),
        count(removed.modules as usize, "module"),
        engine::manifest_declared(removed.tracks.into(), removed.rules.into())
    )?;
    writeln!(
        out,
        "Their tags, reviews and prerequisites are kept: `pathforge import {} {}` brings it back.",
        file.display(),
        library.source_path
    )
}

/// Writes `indent key  rest` lines, the keys in one column as wide as the widest key of at most
/// [`KEY_COLUMN`] characters; a longer key (a graph rule is named after its module's path)
/// gets its line to itself and its rest goes on the next, under the column.
pub(crate) fn keyed(
    out: &mut dyn Write,
    indent: &str,
    rows: &[(String, String)],
) -> std::io::Result<()> {
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .filter(|n| *n <= KEY_COLUMN)
        .max()
        .unwrap_or(0);
    for (key, rest) in rows {
        if key.chars().count() > width {
            writeln!(out, "{indent}{key}")?;
            writeln!(out, "{indent}{:<width$}  {rest}", "")?;
        } else {
            writeln!(out, "{indent}{key:<width$}  {rest}")?;
        }
    }
    Ok(())
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

/// What a module's source said of it, as the window's detail says it: the section of a
/// package it sits in, its metadata's learning time and keywords, the pages a launcher's
/// text came from, an encoding other than UTF-8; nothing for a source that says none.
pub(crate) fn source_facts(
    out: &mut dyn Write,
    extra: &serde_json::Map<String, serde_json::Value>,
) -> std::io::Result<()> {
    if let Some(section) = extra.get("section").and_then(|v| v.as_str()) {
        writeln!(out, "section: {section}")?;
    }
    if let Some(minutes) = extra.get("typical_learning_time").and_then(|v| v.as_u64()) {
        writeln!(out, "time: {minutes} min, as its metadata says")?;
    }
    if let Some(pages) = extra.get("pages").and_then(|v| v.as_array()) {
        let pages: Vec<&str> = pages.iter().filter_map(|p| p.as_str()).collect();
        writeln!(out, "text from its launch page and: {}", pages.join(", "))?;
    }
    if let Some(keywords) = extra.get("keywords").and_then(|v| v.as_array()) {
        let keywords: Vec<&str> = keywords.iter().filter_map(|k| k.as_str()).collect();
        writeln!(out, "keywords: {}", keywords.join(", "))?;
    }
    if let Some(encoding) = extra.get("encoding").and_then(|v| v.as_str()) {
        writeln!(out, "read as {encoding}, not UTF-8: check its accents")?;
    }
    Ok(())
}

pub(crate) fn insight(
    out: &mut dyn Write,
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

#[cfg(test)]
mod tests {
    #[test]
    fn keyed_rows_share_a_column_and_a_long_key_gets_its_own_line() {
        let check = |rows: &[(&str, &str)], want: &str, why: &str| {
            let rows: Vec<(String, String)> = rows
                .iter()
                .map(|(k, r)| ((*k).to_owned(), (*r).to_owned()))
                .collect();
            let mut out = Vec::new();
            super::keyed(&mut out, "  ", &rows).expect("writes to memory");
            assert_eq!(String::from_utf8(out).expect("text"), want, "{why}");
        };
        check(
            &[("a", "one"), ("bbb", "three")],
            "  a    one\n  bbb  three\n",
            "the column is as wide as the widest key",
        );
        let long = "k".repeat(super::KEY_COLUMN + 1);
        check(
            &[("a", "one"), (long.as_str(), "long")],
            &format!("  a  one\n  {long}\n     long\n"),
            "a key past the column's limit does not widen it: its rest goes under the column",
        );
        check(&[], "", "no rows, nothing written");
    }
}
