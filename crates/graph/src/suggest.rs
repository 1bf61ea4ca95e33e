//! Suggested prerequisite edges from the content itself, each with a confidence and the
//! evidence behind it.
//!
//! Until local embeddings land (Auto-tagging issue), similarity is lexical: TF-IDF cosine of
//! the module texts, plus shared skills. Direction comes from level and library order, and
//! from textual cues: a module that names another by title, or that uses terms another one
//! defines. Edges the graph already implies are never suggested.

use std::collections::{HashMap, HashSet};

use model::Level;

use crate::Graph;

/// What the suggester knows of a module (by node index).
#[derive(Debug)]
pub struct ModuleText<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub tags: &'a [String],
    pub level: Option<Level>,
}

/// Which signals to use; `titles` can be switched off to measure content alone.
#[derive(Debug, Clone, Copy)]
pub struct Signals {
    pub titles: bool,
}

/// A suggested edge `before → after`.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub before: usize,
    pub after: usize,
    pub confidence: f64,
    pub evidence: Vec<String>,
}

const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "are",
    "but",
    "not",
    "you",
    "your",
    "with",
    "this",
    "that",
    "they",
    "their",
    "them",
    "have",
    "has",
    "was",
    "were",
    "will",
    "can",
    "what",
    "when",
    "which",
    "who",
    "how",
    "why",
    "from",
    "into",
    "than",
    "then",
    "there",
    "these",
    "those",
    "about",
    "each",
    "one",
    "two",
    "our",
    "all",
    "any",
    "its",
    "also",
    "more",
    "most",
    "some",
    "such",
    "only",
    "own",
    "same",
    "other",
    "out",
    "use",
    "used",
    "using",
    "just",
    "does",
    "did",
    "doing",
    "should",
    "would",
    "could",
    "may",
    "might",
    "must",
    "been",
    "being",
    "here",
    "over",
    "under",
    "after",
    "before",
    "module",
    "modules",
    "complete",
    "answer",
    "question",
    "questions",
    "guide",
];

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '-')
        .map(|w| w.trim_matches('-').to_lowercase())
        .filter(|w| w.chars().count() >= 3 && !STOPWORDS.contains(&w.as_str()))
}

/// Sparse unit-length TF-IDF vectors.
fn tfidf(texts: &[String]) -> Vec<HashMap<String, f64>> {
    let counts: Vec<HashMap<String, f64>> = texts
        .iter()
        .map(|t| {
            let mut c = HashMap::new();
            for w in words(t) {
                *c.entry(w).or_insert(0.0) += 1.0;
            }
            c
        })
        .collect();
    let mut df: HashMap<&str, f64> = HashMap::new();
    for c in &counts {
        for w in c.keys() {
            *df.entry(w.as_str()).or_insert(0.0) += 1.0;
        }
    }
    let n = texts.len() as f64;
    counts
        .iter()
        .map(|c| {
            let mut v: HashMap<String, f64> = c
                .iter()
                .map(|(w, tf)| {
                    (
                        w.clone(),
                        (1.0 + tf.ln()) * ((1.0 + n) / (1.0 + df[w.as_str()])).ln(),
                    )
                })
                .collect();
            let norm = v.values().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
            v.values_mut().for_each(|x| *x /= norm);
            v
        })
        .collect()
}

fn cosine(a: &HashMap<String, f64>, b: &HashMap<String, f64>) -> f64 {
    let (small, large) = if a.len() < b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .filter_map(|(w, x)| large.get(w).map(|y| x * y))
        .sum()
}

/// Terms a text defines: bold terms (`**term**`) and "X is/means/refers to" openings.
fn defined_terms(body: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for part in body.split("**").skip(1).step_by(2) {
        let term = part.trim().trim_end_matches(':').to_lowercase();
        if (3..40).contains(&term.len()) {
            out.insert(term);
        }
    }
    out
}

/// Suggests up to `limit` edges, best first. Edges already implied by `graph` (a path
/// exists either way) are skipped.
pub fn suggest(
    graph: &Graph,
    modules: &[ModuleText<'_>],
    signals: Signals,
    limit: usize,
) -> Vec<Suggestion> {
    let n = modules.len();
    let texts: Vec<String> = modules
        .iter()
        .map(|m| format!("{} {}", m.title, m.body))
        .collect();
    let vectors = tfidf(&texts);
    let defined: Vec<HashSet<String>> = modules.iter().map(|m| defined_terms(m.body)).collect();
    let lower: Vec<String> = modules.iter().map(|m| m.body.to_lowercase()).collect();
    let reach = Reach::new(graph);
    let mut out = Vec::new();
    for b in 0..n {
        for a in 0..n {
            if a == b || reach.connected(a, b) {
                continue;
            }
            // Direction: a must not be above b in level, and must come first in the library
            // unless its level is lower.
            let (la, lb) = (modules[a].level, modules[b].level);
            let level_order = match (la, lb) {
                (Some(x), Some(y)) if x < y => 1.0,
                (Some(x), Some(y)) if x > y => continue,
                _ => 0.0,
            };
            if a > b && level_order == 0.0 {
                continue;
            }
            let mut evidence = Vec::new();
            let text = cosine(&vectors[a], &vectors[b]);
            let shared: Vec<&String> = modules[a]
                .tags
                .iter()
                .filter(|t| modules[b].tags.contains(t))
                .collect();
            let union = modules[a].tags.len() + modules[b].tags.len() - shared.len();
            let jaccard = if union == 0 {
                0.0
            } else {
                shared.len() as f64 / union as f64
            };
            let mentions = signals.titles && lower[b].contains(&modules[a].title.to_lowercase());
            let uses: Vec<&String> = defined[a]
                .iter()
                .filter(|t| lower[b].contains(t.as_str()) && !defined[b].contains(*t))
                .collect();
            let mut score =
                1.6 * text + 0.8 * jaccard + 0.15 * level_order + 0.1 * uses.len().min(3) as f64;
            if mentions {
                score += 1.0;
                evidence.push(format!(
                    "“{}” names “{}”",
                    modules[b].title, modules[a].title
                ));
            }
            evidence.push(format!("text similarity {text:.2}"));
            if !shared.is_empty() {
                let list: Vec<&str> = shared.iter().map(|s| s.as_str()).collect();
                evidence.push(format!("shared skills: {}", list.join(", ")));
            }
            if level_order > 0.0 {
                evidence.push(format!(
                    "level {} before {}",
                    la.map(Level::as_str).unwrap_or("-"),
                    lb.map(Level::as_str).unwrap_or("-")
                ));
            } else {
                evidence.push("earlier in the library".to_owned());
            }
            if !uses.is_empty() {
                let mut list: Vec<&str> = uses.iter().map(|s| s.as_str()).take(3).collect();
                list.sort_unstable();
                evidence.push(format!("uses terms it defines: {}", list.join(", ")));
            }
            // Nearby modules in the library are likelier to build on each other.
            let distance = (b as f64 - a as f64).abs();
            score *= 1.0 / (1.0 + distance / 8.0);
            out.push(Suggestion {
                before: a,
                after: b,
                confidence: score,
                evidence,
            });
        }
    }
    out.sort_by(|x, y| {
        y.confidence
            .total_cmp(&x.confidence)
            .then((x.after, x.before).cmp(&(y.after, y.before)))
    });
    // Keep only the best incoming suggestions per module, so one hub does not take all.
    let mut per_module = vec![0usize; n];
    out.retain(|s| {
        per_module[s.after] += 1;
        per_module[s.after] <= 3
    });
    out.truncate(limit);
    let top = out.first().map(|s| s.confidence).unwrap_or(1.0).max(1e-9);
    for s in &mut out {
        s.confidence = (s.confidence / top).clamp(0.0, 1.0);
    }
    out
}

/// Reachability for "is there already a path", computed once per node.
struct Reach {
    down: Vec<HashSet<usize>>,
}

impl Reach {
    fn new(graph: &Graph) -> Reach {
        Reach {
            down: (0..graph.nodes().len())
                .map(|n| graph.descendants(n))
                .collect(),
        }
    }

    fn connected(&self, a: usize, b: usize) -> bool {
        self.down[a].contains(&b) || self.down[b].contains(&a)
    }
}
