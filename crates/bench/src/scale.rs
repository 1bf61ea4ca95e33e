//! A 50,000-module project end to end: import, auto-tag (with the embedding cache), lint,
//! the Graph tab's view and one track, simulate and export — the figures that say whether
//! Pathforge stays usable at the size of a large company's whole catalogue.
//!
//! The library: 500 folders of 100 Markdown modules, each folder a chain of
//! prerequisites and teaching one of 20 skills; 200 distinct texts (so tagging embeds 200
//! modules' passages and finds the other 49,800 in the cache); 10 tracks; a cohort.

use std::path::Path;
use std::time::Instant;

use anyhow::{ensure, Result};
use engine::Project;
use model::{Actor, Timestamp};

use crate::{peak_memory, Row};

const MODULES: usize = 50_000;
const FOLDER: usize = 100;
const SKILLS: usize = 20;
const TEXTS: usize = 200;

const WORDS: [&str; 24] = [
    "pipeline",
    "forecast",
    "discovery",
    "pricing",
    "stakeholder",
    "renewal",
    "objection",
    "procurement",
    "security",
    "value",
    "champion",
    "budget",
    "contract",
    "onboarding",
    "integration",
    "dashboard",
    "escalation",
    "quota",
    "territory",
    "demo",
    "proposal",
    "negotiation",
    "handover",
    "compliance",
];

fn skill(s: usize) -> String {
    format!("skill-{s:02}")
}

fn write_library(dir: &Path) -> Result<()> {
    let mut manifest =
        String::from("[taxonomy]\nscale = [\"Aware\", \"Practised\", \"Expert\"]\n\n");
    for s in 0..SKILLS {
        manifest += &format!(
            "[[skill]]\nslug = \"{}\"\nname = \"{} {}\"\ndescription = \"Working with {} and {} in customer accounts.\"\n\n",
            skill(s),
            WORDS[s].to_uppercase(),
            WORDS[s + 1],
            WORDS[s],
            WORDS[s + 1]
        );
    }
    for t in 0..10 {
        manifest += &format!(
            "[[track]]\nslug = \"track-{t}\"\nname = \"Track {t}\"\ntargets = [{{ skill = \"{}\" }}]\n\n",
            skill(t * 2)
        );
    }
    manifest += "[cohort]\n[[cohort.segments]]\nname = \"Everyone\"\nshare = 1.0\nprior = 0.3\nweekly_minutes = 240\ndropout_per_week = 0.01\n\n";
    for i in 0..MODULES {
        let folder = format!("unit-{:03}", i / FOLDER);
        std::fs::create_dir_all(dir.join(&folder))?;
        let t = i % TEXTS;
        let body: Vec<&str> = (0..150)
            .map(|j| WORDS[(t * 7 + j * 13) % WORDS.len()])
            .collect();
        let text = format!(
            "---\ntitle: \"Topic {t}: {} in practice\"\nduration_minutes: {}\nlevel: intermediate\ntags: [{}]\n---\n{}\n",
            WORDS[t % WORDS.len()],
            5 + t % 20,
            skill((i / FOLDER) % SKILLS),
            body.join(" ")
        );
        let path = format!("{folder}/m{i:05}.md");
        std::fs::write(dir.join(&path), text)?;
        if i % FOLDER > 0 {
            manifest += &format!(
                "[[requires]]\nmodule = \"{path}\"\nafter = [\"{folder}/m{:05}.md\"]\n",
                i - 1
            );
        }
    }
    std::fs::write(dir.join("pathforge.toml"), manifest)?;
    Ok(())
}

/// Times `f` once.
fn once<T>(what: &str, rows: &mut Vec<Row>, f: impl FnOnce() -> Result<(T, String)>) -> Result<T> {
    let start = Instant::now();
    let (value, note) = f()?;
    rows.push(Row {
        what: what.to_owned(),
        runs: 1,
        median: start.elapsed(),
        note,
    });
    Ok(value)
}

pub fn scale_rows(model_dir: &Path, tmp: &Path) -> Result<Vec<Row>> {
    let library = tmp.join("scale-library");
    write_library(&library)?;
    let me = Actor::System;
    let mut rows = Vec::new();
    let file = tmp.join("scale.pathforge");
    let mut p = Project::create(&file, Timestamp(0))?;
    once(
        &format!("scale: import {MODULES} modules, 49,500 prerequisites"),
        &mut rows,
        || {
            let r = p.import_library(&library, &me, Timestamp(1))?;
            ensure!(r.total as usize == MODULES, "every module imported");
            Ok(((), String::new()))
        },
    )?;
    let first = rows.last_mut().expect("a row");
    first.note = format!(
        "{:.0} modules/s",
        MODULES as f64 / first.median.as_secs_f64()
    );
    once("scale: re-import, nothing changed", &mut rows, || {
        let r = p.import_library(&library, &me, Timestamp(2))?;
        Ok(((), format!("{} unchanged", r.unchanged)))
    })?;
    once(
        "scale: list modules (what the Modules tab loads)",
        &mut rows,
        || {
            Ok((
                (),
                format!(
                    "{} summaries; the list draws a screenful at a time",
                    p.modules()?.len()
                ),
            ))
        },
    )?;
    once("scale: lint the graph", &mut rows, || {
        Ok(((), format!("{} findings", p.check_graph()?.len())))
    })?;
    once(
        "scale: the Graph tab's view (modules, edges, layout)",
        &mut rows,
        || {
            let (modules, edges) = (p.modules()?, p.prerequisites()?);
            let positions = engine::graph_layout(&modules, &edges);
            Ok((
                (),
                format!("{} modules, {} edges placed", positions.len(), edges.len()),
            ))
        },
    )?;
    let track = p
        .tracks()?
        .into_iter()
        .next()
        .expect("the library has tracks");
    once(
        "scale: one track's path (the Graph tab filtered to it)",
        &mut rows,
        || {
            let path = p.track_path(&track)?;
            Ok(((), format!("{} modules in order", path.steps.len())))
        },
    )?;
    let encoder = embed::Encoder::load(model_dir)?;
    once("scale: auto-tag, first run", &mut rows, || {
        let r = p.tag_modules(&encoder, Timestamp(3), &mut |_, _| true)?;
        Ok((
            (),
            format!(
                "{} analysed; {TEXTS} distinct texts, so the rest come from the embedding cache",
                r.analysed
            ),
        ))
    })?;
    once("scale: auto-tag again, nothing changed", &mut rows, || {
        let r = p.tag_modules(&encoder, Timestamp(4), &mut |_, _| true)?;
        Ok(((), format!("{} unchanged", r.unchanged)))
    })?;
    once(
        "scale: simulate 1,000 learners, static + rules",
        &mut rows,
        || {
            let (a, b) = p.simulate(None, 1_000, 1)?;
            Ok((
                (),
                format!(
                    "completion {:.1}% / {:.1}%",
                    a.completion_rate * 100.0,
                    b.completion_rate * 100.0
                ),
            ))
        },
    )?;
    for target in [lms::Target::Scorm2004, lms::Target::Moodle] {
        once(&format!("scale: export {target:?}"), &mut rows, || {
            let export = p.export(target, &engine::ExportOptions::default())?;
            let out = tmp.join(format!("scale-{target:?}"));
            p.write_export(&export, &out)?;
            Ok(((), format!("{} files", export.names().count())))
        })?;
    }
    let size = std::fs::metadata(&file)?.len() as f64 / (1 << 20) as f64;
    rows.push(Row {
        what: "scale: peak memory, project file size".to_owned(),
        runs: 1,
        median: std::time::Duration::ZERO,
        note: format!("{} peak; {size:.1} MiB file", peak_memory()),
    });
    Ok(rows)
}
