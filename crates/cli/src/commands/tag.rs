//! `pathforge tag` and `pathforge embed`: auto-tagging with the local model, and the
//! embedding diagnostic.

use std::path::Path;

use model::Timestamp;

use crate::machine::{find_model, open};
use crate::print::{said, truncate, Output, Progress};

/// `json` only silences the progress bar.
pub(crate) fn run_tag(file: &Path, model: Option<&Path>, json: bool) -> anyhow::Result<Output> {
    let mut project = open(file)?;
    let dir = find_model(model, Some(&project))?;
    let encoder = embed::Encoder::load(&dir).map_err(engine::Error::from)?;
    let mut bar = Progress::new(json, "tagging {bar:40} {pos}/{len} modules, {eta} left");
    let report = project.tag_modules(&encoder, Timestamp::now(), &mut |done, total| {
        bar.update(done, total, "");
        true
    });
    bar.finish();
    let report = report?;
    let name = file.display().to_string();
    Ok(Output::new(report, move |out, report| {
        writeln!(
            out,
            "Tagged with {}: {} of {} analysed ({} unchanged, {} empty); {} embedded, {} from the cache; {} open for review",
            report.model,
            report.analysed,
            crate::print::count(report.modules as usize, "module"),
            report.unchanged,
            report.empty,
            crate::print::count(report.embedded as usize, "text"),
            report.cached,
            crate::print::count(report.suggestions as usize, "suggestion")
        )?;
        if report.modules == 0 {
            writeln!(
                out,
                "{} has no modules yet: import a library first (`pathforge import`).",
                name
            )?;
        } else if report.skills == 0 {
            writeln!(
                out,
                "{name} has no skills yet, so there is none to suggest (levels are guessed all \
                 the same): import a framework (`pathforge taxonomy import`), a library whose \
                 manifest declares skills, or add them (`pathforge taxonomy add`), then tag again."
            )?;
        }
        for m in project.modules()? {
            let insight = project.module_insight(&m.id)?;
            let suggested: Vec<String> = insight
                .tags
                .iter()
                .filter(|t| {
                    t.source == model::TagSource::Model && t.state != model::TagState::Rejected
                })
                .map(|t| format!("{} {:.2}", t.skill_slug, t.confidence.unwrap_or(0.0)))
                .collect();
            let level = insight.level.map_or("-", |l| l.as_str());
            writeln!(
                out,
                "  {:<44} {:<13} {}",
                truncate(&m.title, 44),
                level,
                if suggested.is_empty() {
                    "(no suggestion)".to_owned()
                } else {
                    suggested.join(", ")
                }
            )?;
        }
        Ok(())
    }))
}

pub(crate) fn run_embed(model: &Path, input: &Path, output: &Path) -> anyhow::Result<Output> {
    let encoder = embed::Encoder::load(model).map_err(engine::Error::from)?;
    let bytes = crate::machine::read(input)?;
    let texts: Vec<String> = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: not a JSON array of strings: {e}", input.display()))?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = encoder.embed(&refs).map_err(engine::Error::from)?;
    let items: Vec<serde_json::Value> = texts
        .iter()
        .zip(&vectors)
        .map(|(t, v)| serde_json::json!({ "text": t, "embedding": v }))
        .collect();
    engine::write_atomically(output, serde_json::to_string(&items)?.as_bytes())?;
    let words = format!(
        "Embedded {} texts with {} into {}",
        texts.len(),
        encoder.info().id(),
        output.display()
    );
    Ok(said(
        serde_json::json!({ "model": encoder.info().id(), "texts": texts.len(), "output": output }),
        words,
    ))
}
