//! Auto-tagging figures: quality against the labelled evaluation sets, throughput next to
//! sentence-transformers, incremental re-tag, and memory.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use engine::Project;
use model::{Actor, TagSource, Timestamp};

/// One labelled evaluation set (`sample-libraries/eval/*.toml`).
#[derive(serde::Deserialize)]
struct EvalSet {
    library: String,
    #[serde(default)]
    taxonomy: String,
    modules: HashMap<String, Vec<String>>,
}

/// Quality on one evaluation set.
pub struct Quality {
    pub name: String,
    pub modules: usize,
    pub precision_at_3: f64,
    pub recall: f64,
    /// Level guesses equal to the declared level, over modules that declare one.
    pub level_agreement: Option<(usize, usize)>,
    pub took: Duration,
}

/// Where an evaluation set's library is: a folder, or the catalog file inside it.
fn library_path(samples: &Path, name: &str) -> std::path::PathBuf {
    let dir = samples.join(name);
    let catalog = dir.join("catalog.csv");
    if catalog.is_file() {
        catalog
    } else {
        dir
    }
}

/// Imports the set's library (and seed taxonomy) into a new project, tags it, and
/// scores the suggestions: precision@3 over modules with a suggestion, recall over all.
pub fn quality(
    eval_file: &Path,
    samples: &Path,
    encoder: &embed::Encoder,
    tmp: &Path,
) -> Result<Quality> {
    let set: EvalSet = toml::from_str(&std::fs::read_to_string(eval_file)?)
        .with_context(|| eval_file.display().to_string())?;
    let file = tmp.join(format!("eval-{}.pathforge", set.library));
    let mut p = Project::create(&file, Timestamp(0))?;
    let me = Actor::System;
    p.import_library(&library_path(samples, &set.library), &me, Timestamp(1))?;
    if !set.taxonomy.is_empty() {
        let path = samples.join(&set.taxonomy);
        p.import_taxonomy(&path, model::TaxonomyFormat::Csv, &me, Timestamp(2))?;
    }
    let start = Instant::now();
    p.tag_modules(encoder, Timestamp(3), &mut |_, _| true)?;
    let took = start.elapsed();
    let mut precision = Vec::new();
    let mut recall = Vec::new();
    let mut levels = (0, 0);
    for m in p.modules()? {
        let expected: HashSet<&str> = set
            .modules
            .get(&m.source_path)
            .with_context(|| {
                format!(
                    "{} has no labels for {}",
                    eval_file.display(),
                    m.source_path
                )
            })?
            .iter()
            .map(String::as_str)
            .collect();
        let insight = p.module_insight(&m.id)?;
        let suggested: Vec<&str> = insight
            .tags
            .iter()
            .filter(|t| t.source == TagSource::Model)
            .map(|t| t.skill_slug.as_str())
            .collect();
        let top: Vec<&str> = suggested.iter().take(3).copied().collect();
        if !top.is_empty() {
            precision.push(
                top.iter().filter(|s| expected.contains(*s)).count() as f64 / top.len() as f64,
            );
        }
        recall.push(
            suggested.iter().filter(|s| expected.contains(*s)).count() as f64
                / expected.len() as f64,
        );
        if let (Some(declared), Some(guessed)) = (m.level, insight.level) {
            levels.1 += 1;
            if declared == guessed {
                levels.0 += 1;
            }
        }
    }
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    Ok(Quality {
        name: set.library,
        modules: set.modules.len(),
        precision_at_3: mean(&precision),
        recall: mean(&recall),
        level_agreement: (levels.1 > 0).then_some(levels),
        took,
    })
}

/// `count` module-length texts made from the sample libraries' own sentences, of
/// varied length (40–400 words), deterministic.
pub fn module_texts(samples: &Path, count: usize) -> Result<Vec<String>> {
    let mut sentences = Vec::new();
    for entry in walk(&samples.join("sales-onboarding/modules"))? {
        let text = std::fs::read_to_string(&entry)?;
        let body = text.splitn(3, "---").nth(2).unwrap_or(&text);
        sentences.extend(
            body.split(['.', '\n'])
                .map(str::trim)
                .filter(|s| s.split_whitespace().count() >= 4)
                .map(|s| format!("{s}.")),
        );
    }
    anyhow::ensure!(!sentences.is_empty(), "no sentences in the sample library");
    Ok((0..count)
        .map(|i| {
            let words = 40 + (i * 97) % 360;
            let mut out = String::new();
            let mut j = i * 31;
            while out.split_whitespace().count() < words {
                out.push_str(&sentences[j % sentences.len()]);
                out.push(' ');
                j += 7;
            }
            out.trim_end().to_owned()
        })
        .collect())
}

fn walk(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut out: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    out.sort();
    Ok(out)
}

/// Texts per second for Pathforge's encoder on `texts` (one call, as tagging does).
pub fn throughput(encoder: &embed::Encoder, texts: &[String]) -> Result<f64> {
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    encoder.embed(&refs[..refs.len().min(16)])?; // warm-up, as the Python side does
    let start = Instant::now();
    let v = encoder.embed(&refs)?;
    anyhow::ensure!(v.len() == texts.len(), "one vector per text");
    Ok(texts.len() as f64 / start.elapsed().as_secs_f64())
}

/// Writes `count` short Markdown modules (one paragraph each, from the sample sentences)
/// for the re-tag and memory figures.
pub fn synthesize_library(dir: &Path, samples: &Path, count: usize) -> Result<()> {
    let texts = module_texts(samples, count)?;
    for (i, t) in texts.iter().enumerate() {
        let short: String = t.split_whitespace().take(60).collect::<Vec<_>>().join(" ");
        let folder = dir.join(format!("unit-{:02}", i % 40));
        std::fs::create_dir_all(&folder)?;
        std::fs::write(
            folder.join(format!("m{i:05}.md")),
            format!("---\ntitle: Module {i}\n---\n{short}\n"),
        )?;
    }
    Ok(())
}

/// Fits the confidence calibration (Platt scaling: a logistic curve over the raw
/// similarity) on one evaluation set: every (module, leaf skill) pair, labelled by the
/// set. Prints the midpoint and scale that `autotag::MIDPOINT`/`SCALE` hold.
pub fn fit_calibration(
    eval_file: &Path,
    samples: &Path,
    encoder: &embed::Encoder,
    tmp: &Path,
) -> Result<(f64, f64, usize)> {
    let set: EvalSet = toml::from_str(&std::fs::read_to_string(eval_file)?)?;
    let mut p = Project::create(&tmp.join("fit.pathforge"), Timestamp(0))?;
    p.import_library(
        &library_path(samples, &set.library),
        &Actor::System,
        Timestamp(1),
    )?;
    if !set.taxonomy.is_empty() {
        p.import_taxonomy(
            &samples.join(&set.taxonomy),
            model::TaxonomyFormat::Csv,
            &Actor::System,
            Timestamp(2),
        )?;
    }
    let skills = p.skills()?;
    let leaves = autotag::leaf_skills(&skills);
    let slugs: HashMap<_, _> = skills
        .iter()
        .map(|s| (s.id.clone(), s.slug.clone()))
        .collect();
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    for m in p.modules()? {
        let module = p.module(&m.id)?;
        let prepared = autotag::prepare(
            &autotag::ModuleInput {
                id: m.id.clone(),
                title: &module.title,
                body: &module.body,
                depth: None,
            },
            &|t| encoder.token_spans(t).unwrap_or_default(),
        );
        let mut texts: Vec<String> = prepared.texts().map(str::to_owned).collect();
        texts.extend(leaves.iter().flat_map(autotag::skill_texts));
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let vectors = autotag::embed_all(encoder, &refs)?;
        let profiles: Vec<autotag::SkillProfile> = leaves
            .iter()
            .map(|s| autotag::SkillProfile {
                id: s.id.clone(),
                vectors: autotag::skill_texts(s)
                    .iter()
                    .map(|t| vectors[t].clone())
                    .collect(),
            })
            .collect();
        let a = autotag::analyse(&prepared, &|t| &vectors[t], &profiles);
        let expected = &set.modules[&m.source_path];
        for (skill, score) in a.ranking {
            pairs.push((
                score as f64,
                if expected.contains(&slugs[&skill]) {
                    1.0
                } else {
                    0.0
                },
            ));
        }
    }
    // Newton's method on the logistic log-likelihood, p = 1 / (1 + e^-(a·s + b)).
    let (mut a, mut b) = (10.0f64, -5.0f64);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for &(s, y) in &pairs {
            let p = 1.0 / (1.0 + (-(a * s + b)).exp());
            let w = p * (1.0 - p);
            ga += (p - y) * s;
            gb += p - y;
            haa += w * s * s;
            hab += w * s;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        a -= (hbb * ga - hab * gb) / det;
        b -= (haa * gb - hab * ga) / det;
    }
    Ok((-b / a, 1.0 / a, pairs.len()))
}
