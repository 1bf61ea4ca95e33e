//! Auto-tagging: which skills of the project's taxonomy a module teaches, its
//! keyphrases and its level — each suggestion with the evidence that produced it.
//!
//! Pure functions in two steps so the caller keeps the IO (the cache lives in the
//! project): [`prepare`] splits a module into passages and candidate phrases and lists
//! the texts that need vectors; the caller fetches cached vectors or embeds the rest;
//! [`analyse`] scores them. Skills are matched passage by passage, so a skill taught in
//! one section of a long module is found, and the best passages are its evidence.

pub mod keyphrases;
pub mod level;
pub mod passages;

use std::collections::HashMap;

use model::{Evidence, Keyphrase, ModuleId, SkillId};
use sha2::{Digest, Sha256};

pub use level::Depth;
pub use passages::Passage;

/// Bumped when tagging changes in a way that makes earlier results stale. 2: each
/// module's own vector is cached too (prerequisite suggestions compare modules by it).
/// 3: a module with no text is matched by its title.
pub const TAGGER_VERSION: u32 = 3;

/// Passage budget in tokens: what the model was trained on (128) minus room for the
/// title that prefixes every passage.
pub const PASSAGE_TOKENS: usize = 112;

/// Bound on passages read per module (≈ 25,000 words): a gigantic module costs at most
/// this much, and says it was cut short.
pub const MAX_PASSAGES: usize = 256;

/// Suggestions kept per module.
pub const MAX_SUGGESTIONS: usize = 5;

/// Confidence below which a skill is not suggested.
pub const SUGGEST_AT: f32 = 0.5;

/// Calibration of raw cosine similarity to a confidence in [0, 1]: a logistic curve
/// `1 / (1 + e^(-(s - MIDPOINT) / SCALE))`, fitted (Platt scaling) on the sales-onboarding
/// evaluation set by `bench --fit-calibration sample-libraries/eval/sales-onboarding.toml`;
/// data-literacy is held out. Global, never per module.
pub const MIDPOINT: f32 = 0.523;
pub const SCALE: f32 = 0.066;

/// Keyphrases kept per module, and how much MMR favours variety over relevance.
pub const KEYPHRASES: usize = 5;
pub const DIVERSITY: f32 = 0.5;

/// Short stable hash of a text: the cache key of its vector (with the model id).
pub fn text_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// What tagging needs of a module.
#[derive(Debug, Clone)]
pub struct ModuleInput<'a> {
    pub id: ModuleId,
    pub title: &'a str,
    pub body: &'a str,
    pub depth: Option<Depth>,
}

/// What tagging needs of a skill. Only leaf skills are suggested: a parent groups
/// its children and is implied by them.
#[derive(Debug, Clone)]
pub struct SkillInput<'a> {
    pub id: SkillId,
    pub name: &'a str,
    pub description: &'a str,
    pub examples: &'a [String],
}

/// The skills tagging suggests: leaves of the taxonomy in use (not retired, and no
/// child in use), since a parent groups its children and is implied by them.
pub fn leaf_skills(skills: &[model::Skill]) -> Vec<SkillInput<'_>> {
    let parents: std::collections::HashSet<&SkillId> = skills
        .iter()
        .filter(|s| !s.retired)
        .filter_map(|s| s.parent_id.as_ref())
        .collect();
    skills
        .iter()
        .filter(|s| !s.retired && !parents.contains(&s.id))
        .map(|s| SkillInput {
            id: s.id.clone(),
            name: &s.name,
            description: &s.description,
            examples: &s.examples,
        })
        .collect()
}

/// The texts that stand for a skill: its name alone, its name with its description, and
/// each example. A passage matches a skill by its closest text; the bare name matters for
/// short passages (on ESCO's job-ad sentences, R-Precision@5 0.370 → 0.406).
pub fn skill_texts(skill: &SkillInput<'_>) -> Vec<String> {
    let mut out = vec![skill.name.to_owned()];
    if !skill.description.is_empty() {
        out.push(format!("{}: {}", skill.name, skill.description));
    }
    out.extend(
        skill
            .examples
            .iter()
            .map(|e| format!("{}: {e}", skill.name)),
    );
    out
}

/// A skill ready for matching: its texts' unit vectors.
#[derive(Debug, Clone)]
pub struct SkillProfile {
    pub id: SkillId,
    pub vectors: Vec<Vec<f32>>,
}

/// Hash of everything besides a module's own text that its result depends on: the
/// model, the tagger version and the skills' texts. A module is re-analysed when this
/// or its content hash changes.
pub fn fingerprint(model_id: &str, skills: &[SkillInput<'_>]) -> String {
    let mut all = format!("{model_id}\n{TAGGER_VERSION}\n");
    for s in skills {
        all.push_str(s.id.as_str());
        for t in skill_texts(s) {
            all.push('\n');
            all.push_str(&t);
        }
        all.push('\u{1e}');
    }
    text_hash(&all)
}

/// Hash of a module's text as tagging reads it.
pub fn content_hash(title: &str, body: &str) -> String {
    text_hash(&format!("{title}\u{1f}{body}"))
}

/// A module split up and ready for vectors.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub module: ModuleId,
    pub content_hash: String,
    pub passages: Vec<Passage>,
    /// What each passage is embedded as: the title, then the passage; for a module with
    /// no text, its title alone (with no passage: a suggestion from it has no evidence in
    /// the text, and a note says so).
    pub passage_texts: Vec<String>,
    pub candidates: Vec<String>,
    pub level: level::Guess,
    pub notes: Vec<String>,
}

impl Prepared {
    /// Every text that needs a vector for [`analyse`].
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.passage_texts
            .iter()
            .chain(&self.candidates)
            .map(String::as_str)
    }
}

/// Splits a module into passages and candidate keyphrases; `token_spans` is the
/// model's tokeniser (char spans of a text's tokens).
pub fn prepare(
    module: &ModuleInput<'_>,
    token_spans: &dyn Fn(&str) -> Vec<(usize, usize)>,
) -> Prepared {
    let mut notes = Vec::new();
    let (passages, cut) = if module.body.trim().is_empty() {
        notes.push(
            "no text to tag: the module is empty, so it is matched by its title alone, and a \
             suggestion has no passage behind it"
                .to_owned(),
        );
        (Vec::new(), false)
    } else {
        passages::passages(
            module.body,
            &token_spans(module.body),
            PASSAGE_TOKENS,
            MAX_PASSAGES,
        )
    };
    if cut {
        let end = passages.last().map_or(0, |p| p.end);
        notes.push(format!(
            "long module: only its first {MAX_PASSAGES} passages (up to character {end}) were read"
        ));
    }
    let passage_texts = match passages.is_empty() {
        // A quiz whose questions are in script, a package item before its content arrives:
        // its title still says what it is about.
        true if !module.title.trim().is_empty() => vec![module.title.to_owned()],
        true => Vec::new(),
        false => passages
            .iter()
            .map(|p| format!("{}. {}", module.title, p.text))
            .collect(),
    };
    let read_to = passages.last().map_or(0, |p| p.end);
    let read: String = module.body.chars().take(read_to).collect();
    let candidates = if passages.is_empty() {
        Vec::new()
    } else {
        keyphrases::candidates(&format!("{}.\n{read}", module.title))
    };
    Prepared {
        module: module.id.clone(),
        content_hash: content_hash(module.title, module.body),
        passages,
        passage_texts,
        candidates,
        level: level::guess(module.title, module.body, module.depth),
        notes,
    }
}

/// The texts whose mean vector stands for the whole module when modules are compared
/// with each other (prerequisite suggestions): its passages, or its title when it has no
/// text.
pub fn module_texts<'p>(prepared: &'p Prepared, title: &'p str) -> Vec<&'p str> {
    if prepared.passage_texts.is_empty() {
        vec![title]
    } else {
        prepared.passage_texts.iter().map(String::as_str).collect()
    }
}

/// The cache key of a module's own vector (see [`module_texts`]), by its content hash.
pub fn module_vector_key(content_hash: &str) -> String {
    text_hash(&format!("module vector\n{content_hash}"))
}

/// The unit-length mean of `vectors`; `None` when there are none.
pub fn mean_vector(vectors: &[&[f32]]) -> Option<Vec<f32>> {
    let first = vectors.first()?;
    let mut mean = vec![0f32; first.len()];
    for v in vectors {
        for (m, x) in mean.iter_mut().zip(v.iter()) {
            *m += x;
        }
    }
    let norm = mean.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    mean.iter_mut().for_each(|x| *x /= norm);
    Some(mean)
}

/// A skill the module seems to teach.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillMatch {
    pub skill: SkillId,
    /// Best cosine similarity between a passage and one of the skill's texts.
    pub score: f32,
    pub confidence: f32,
    pub evidence: Vec<Evidence>,
}

/// What tagging found in one module.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub module: ModuleId,
    pub content_hash: String,
    /// Suggestions at or above [`SUGGEST_AT`], best first, at most [`MAX_SUGGESTIONS`].
    pub skills: Vec<SkillMatch>,
    /// Every leaf skill's score, best first, for evaluation and calibration.
    pub ranking: Vec<(SkillId, f32)>,
    pub keyphrases: Vec<Keyphrase>,
    pub level: level::Guess,
    pub notes: Vec<String>,
}

/// Maps a raw similarity to a confidence in [0, 1].
pub fn confidence(score: f32) -> f32 {
    1.0 / (1.0 + (-(score - MIDPOINT) / SCALE).exp())
}

/// Scores a prepared module against the skills; `vector` returns the unit vector of a
/// text listed by [`Prepared::texts`].
pub fn analyse<'v>(
    p: &Prepared,
    vector: &dyn Fn(&str) -> &'v [f32],
    skills: &[SkillProfile],
) -> Analysis {
    let passage_vectors: Vec<&[f32]> = p.passage_texts.iter().map(|t| vector(t)).collect();
    let mut ranking = Vec::new();
    let mut skills_found = Vec::new();
    for skill in skills {
        let mut per_passage: Vec<(usize, f32)> = passage_vectors
            .iter()
            .enumerate()
            .map(|(i, pv)| {
                let best = skill
                    .vectors
                    .iter()
                    .map(|sv| embed::dot(pv, sv))
                    .fold(f32::MIN, f32::max);
                (i, best)
            })
            .collect();
        per_passage.sort_by(|a, b| b.1.total_cmp(&a.1));
        let Some(&(_, score)) = per_passage.first() else {
            continue;
        };
        ranking.push((skill.id.clone(), score));
        let confidence = confidence(score);
        if confidence >= SUGGEST_AT {
            skills_found.push(SkillMatch {
                skill: skill.id.clone(),
                score,
                confidence,
                // A title-only match (no passages) has no span of the text to show.
                evidence: per_passage
                    .iter()
                    .take(3)
                    .filter_map(|&(i, s)| {
                        let passage = p.passages.get(i)?;
                        Some(Evidence {
                            start: passage.start as u32,
                            end: passage.end as u32,
                            score: s,
                        })
                    })
                    .collect(),
            });
        }
    }
    ranking.sort_by(|a, b| b.1.total_cmp(&a.1));
    skills_found.sort_by(|a, b| b.score.total_cmp(&a.score));
    skills_found.truncate(MAX_SUGGESTIONS);

    let keyphrases = if passage_vectors.is_empty() {
        Vec::new()
    } else {
        let mut doc = vec![0f32; passage_vectors[0].len()];
        for pv in &passage_vectors {
            doc.iter_mut().zip(pv.iter()).for_each(|(d, x)| *d += x);
        }
        embed::normalise(&mut doc);
        let candidates: Vec<&[f32]> = p.candidates.iter().map(|c| vector(c)).collect();
        keyphrases::mmr(&doc, &candidates, KEYPHRASES, DIVERSITY)
            .into_iter()
            .map(|(i, score)| Keyphrase {
                phrase: p.candidates[i].clone(),
                score,
            })
            .collect()
    };
    let mut notes = p.notes.clone();
    if skills_found.is_empty() && !p.passages.is_empty() {
        notes.push(match ranking.first() {
            Some((_, best)) => format!(
                "no skill matched well enough to suggest (best confidence {:.2}, needed {SUGGEST_AT})",
                confidence(*best)
            ),
            None => "the taxonomy has no skills to suggest".to_owned(),
        });
    }
    Analysis {
        module: p.module.clone(),
        content_hash: p.content_hash.clone(),
        skills: skills_found,
        ranking,
        keyphrases,
        level: p.level.clone(),
        notes,
    }
}

/// Vectors for `texts` from `encoder`, deduplicated, as a map from text to vector.
pub fn embed_all(
    encoder: &embed::Encoder,
    texts: &[&str],
) -> Result<HashMap<String, Vec<f32>>, embed::EmbedError> {
    let mut unique: Vec<&str> = texts.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let vectors = encoder.embed(&unique)?;
    Ok(unique.into_iter().map(str::to_owned).zip(vectors).collect())
}

#[cfg(test)]
mod tests;
