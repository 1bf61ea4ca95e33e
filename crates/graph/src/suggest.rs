//! Suggested prerequisite edges from the content itself, each with a confidence and the
//! evidence behind it, in words.
//!
//! Every ordered pair of modules gets features a person can check — how alike they are
//! (the module vectors auto-tagging caches, word TF-IDF before that), which of the two is
//! the more general, a title inside the other's or named in its text (or named as what
//! comes first), terms one defines and the other uses, library order, levels and shared
//! skills. Two logistic models over them ([`Model`]) say whether the two are related by a
//! prerequisite and which comes first; their weights were fitted on public prerequisite
//! datasets and the sample libraries (`bench --fit-suggest`, see the README). Edges the
//! graph or stronger suggestions already imply are never suggested, and one that later
//! likely suggestions turn into a shortcut is dropped for the next.

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
    /// The module's unit vector from the embedding model (auto-tagging caches it). Used
    /// for similarity only when every module has one; otherwise words are compared.
    pub vector: Option<&'a [f32]>,
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

/// What the model knows of one ordered pair `before → after`.
///
/// The first three are symmetric: they say whether the two modules are related at all.
/// The rest are antisymmetric (swapping the pair negates each): they say which way.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Features {
    /// Cosine similarity of the two modules.
    pub similarity: f64,
    /// Closeness in the library, 1 / (1 + distance / 8); 0 when the library is in
    /// alphabetical order, which says nothing about teaching order.
    pub nearby: f64,
    /// Jaccard similarity of the two modules' skills.
    pub shared_skills: f64,
    /// How much closer `before` is to the whole library than `after` (mean similarity to
    /// every other module, in standard deviations): prerequisites tend to be the general
    /// ones.
    pub generality: f64,
    /// How much higher `before` ranks among `after`'s nearest modules than the reverse
    /// (1 / (1 + rank), nearest 32 only).
    pub neighbours: f64,
    /// How much closer `before` is to `after`'s five nearest modules than the reverse.
    pub local_generality: f64,
    /// RefD: how much more `after` uses `before`'s key terms than the reverse.
    pub refd: f64,
    /// 1 when `before`'s title words are all in `after`'s longer title, −1 the reverse.
    pub title_inside: f64,
    /// 1 when `after`'s text names `before`'s title, −1 the reverse.
    pub mentions: f64,
    /// 1 when `after` names `before`'s title in a line that speaks of order
    /// ("Before this module: complete …", "Prerequisite: …", "builds on …"), −1 the reverse.
    pub stated: f64,
    /// Terms `before` defines that `after` uses, minus the reverse (each at most 3, / 3).
    pub uses: f64,
    /// 1 when `before` comes first in the library, −1 otherwise; 0 in an alphabetical one.
    pub order: f64,
    /// ln of `after`'s title length in words minus ln of `before`'s.
    pub title_length: f64,
    /// 1 when `before`'s level is lower, −1 when higher, 0 when either is unknown.
    pub level: f64,
}

/// The features' names, in [`Features::values`] order (the bench writes them as columns).
pub const FEATURE_NAMES: [&str; 14] = [
    "similarity",
    "nearby",
    "shared_skills",
    "generality",
    "neighbours",
    "local_generality",
    "refd",
    "title_inside",
    "mentions",
    "stated",
    "uses",
    "order",
    "title_length",
    "level",
];

/// How many of [`FEATURE_NAMES`] are symmetric (the pair part); the rest are direction.
pub const PAIR_FEATURES: usize = 3;

impl Features {
    /// The features of the reverse pair: the symmetric ones as they are, the others
    /// negated.
    pub fn reversed(&self) -> Features {
        Features {
            similarity: self.similarity,
            nearby: self.nearby,
            shared_skills: self.shared_skills,
            generality: -self.generality,
            neighbours: -self.neighbours,
            local_generality: -self.local_generality,
            refd: -self.refd,
            title_inside: -self.title_inside,
            mentions: -self.mentions,
            stated: -self.stated,
            uses: -self.uses,
            order: -self.order,
            title_length: -self.title_length,
            level: -self.level,
        }
    }

    pub fn values(&self) -> [f64; 14] {
        [
            self.similarity,
            self.nearby,
            self.shared_skills,
            self.generality,
            self.neighbours,
            self.local_generality,
            self.refd,
            self.title_inside,
            self.mentions,
            self.stated,
            self.uses,
            self.order,
            self.title_length,
            self.level,
        ]
    }
}

/// A two-part logistic model. `direction` weighs the antisymmetric features into the
/// log-odds that, of two related modules, `before` is the prerequisite (no intercept:
/// a pair with no signal is even). `pair` weighs an intercept and [`PAIR_INPUTS`] into the
/// log-odds that the two are related by a prerequisite at all. Confidence is the product
/// of the two probabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    pub pair: [f64; PAIR_INPUTS.len() + 1],
    pub direction: [f64; 14 - PAIR_FEATURES],
}

/// What the pair part reads: the symmetric features; whether either module names the
/// other (at all, and as what comes first), has its title inside the other's, or uses terms the other defines (each
/// direction's signal, either way round); and how clear the direction is.
pub const PAIR_INPUTS: [&str; 8] = [
    "similarity",
    "nearby",
    "shared_skills",
    "named",
    "stated",
    "title_overlap",
    "defined_used",
    "|direction|",
];

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Model {
    /// Log-odds that `before` (not `after`) is the prerequisite, if they are related.
    pub fn direction(&self, f: &Features) -> f64 {
        self.direction_terms(f).iter().sum()
    }

    fn direction_terms(&self, f: &Features) -> [f64; 14 - PAIR_FEATURES] {
        let v = f.values();
        let mut out = [0.0; 14 - PAIR_FEATURES];
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.direction[i] * v[PAIR_FEATURES + i];
        }
        out
    }

    /// The pair part's inputs, in [`PAIR_INPUTS`] order.
    pub fn pair_inputs(&self, f: &Features) -> [f64; PAIR_INPUTS.len()] {
        [
            f.similarity,
            f.nearby,
            f.shared_skills,
            f.mentions.abs(),
            f.stated.abs(),
            f.title_inside.abs(),
            (f.uses != 0.0) as u8 as f64,
            self.direction(f).abs(),
        ]
    }

    /// Log-odds that the two modules are related by a prerequisite, either way.
    pub fn pair(&self, f: &Features) -> f64 {
        self.pair[0]
            + self
                .pair_inputs(f)
                .iter()
                .zip(&self.pair[1..])
                .map(|(x, w)| x * w)
                .sum::<f64>()
    }

    /// The model's probability that `before → after` is a prerequisite edge.
    pub fn confidence(&self, f: &Features) -> f64 {
        sigmoid(self.pair(f)) * sigmoid(self.direction(f))
    }
}

/// The model when modules are compared by their embedding vectors, fitted by
/// `bench --fit-suggest` on the tuning datasets (README, "Suggestion quality"): two
/// public ones and our sample libraries, the only ones with skills, declared levels and
/// defined terms; the held-out LectureBank sets played no part. RefD is left out
/// ([`LEFT_OUT_DIRECTION`]): on sets of names only it measures title overlap, backwards.
pub const VECTOR_MODEL: Model = Model {
    pair: [-6.48, 5.14, 1.20, 1.31, 1.15, 0.91, 0.63, -0.02, 0.39],
    direction: [
        0.72, 1.29, 3.03, 0.00, 2.17, 0.69, 2.64, 1.07, 2.58, 1.12, 1.13,
    ],
};

/// The model when modules are compared by their words (no vectors cached), fitted the
/// same way.
pub const WORD_MODEL: Model = Model {
    pair: [-4.79, 4.15, 1.41, 2.01, 1.53, 0.95, 1.07, -0.02, 0.28],
    direction: [
        0.83, 0.37, 2.06, 0.00, 2.17, 0.41, 3.83, 2.41, 3.16, 2.77, 1.33,
    ],
};

/// Direction weights left at zero (index into [`Model::direction`]): RefD.
pub const LEFT_OUT_DIRECTION: [usize; 1] = [REFD];

/// RefD's index in [`Model::direction`].
const REFD: usize = 3;

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

/// A text's words as sparse unit-length TF-IDF weights, sorted by word number.
type Weights = Vec<(u32, f64)>;

/// The texts' TF-IDF weights, and the words numbered (the number indexes the list).
fn tfidf(texts: &[String]) -> (Vec<Weights>, Vec<String>) {
    let mut vocabulary: Vec<String> = Vec::new();
    let mut number: HashMap<String, u32> = HashMap::new();
    let counts: Vec<HashMap<u32, f64>> = texts
        .iter()
        .map(|t| {
            let mut c = HashMap::new();
            for w in words(t) {
                let id = *number.entry(w).or_insert_with_key(|w| {
                    vocabulary.push(w.clone());
                    vocabulary.len() as u32 - 1
                });
                *c.entry(id).or_insert(0.0) += 1.0;
            }
            c
        })
        .collect();
    let mut df = vec![0.0; vocabulary.len()];
    for c in &counts {
        for w in c.keys() {
            df[*w as usize] += 1.0;
        }
    }
    let n = texts.len() as f64;
    let weights = counts
        .iter()
        .map(|c| {
            let mut v: Weights = c
                .iter()
                .map(|(w, tf)| {
                    (
                        *w,
                        (1.0 + tf.ln()) * ((1.0 + n) / (1.0 + df[*w as usize])).ln(),
                    )
                })
                .collect();
            v.sort_unstable_by_key(|x| x.0);
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt().max(1e-12);
            v.iter_mut().for_each(|x| x.1 /= norm);
            v
        })
        .collect();
    (weights, vocabulary)
}

/// The weight of word `w` in `v`, 0 when absent.
fn weight(v: &Weights, w: u32) -> f64 {
    v.binary_search_by_key(&w, |x| x.0).map_or(0.0, |i| v[i].1)
}

/// Cosine of two unit-length weight lists: one walk along both, by word number.
fn cosine(a: &Weights, b: &Weights) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Words that mark a line as speaking of what comes first.
const ORDER_CUES: &[&str] = &[
    "before",
    "prerequisite",
    "requires",
    "required",
    "complete",
    "after",
    "builds on",
    "build on",
    "assumes",
    "familiar",
    "first",
];

/// The lines (and sentences) of a text that speak of order, lower-cased and joined.
fn order_lines(body: &str) -> String {
    body.to_lowercase()
        .split(['\n', '.'])
        .filter(|l| ORDER_CUES.iter().any(|c| l.contains(c)))
        .collect::<Vec<_>>()
        .join("\n")
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

/// For each text, the modules whose (lower-cased) title of three characters or more
/// occurs in it: one automaton of every title, one pass over each text.
fn titles_in(titles: &[String], texts: &[String]) -> Vec<HashSet<usize>> {
    let mut by_title: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, t) in titles.iter().enumerate() {
        if t.chars().count() >= 3 {
            by_title.entry(t.as_str()).or_default().push(i);
        }
    }
    let patterns: Vec<(&str, Vec<usize>)> = by_title.into_iter().collect();
    if patterns.is_empty() {
        return vec![HashSet::new(); texts.len()];
    }
    let finder = aho_corasick::AhoCorasick::new(patterns.iter().map(|p| p.0))
        .expect("titles make an automaton");
    texts
        .iter()
        .map(|text| {
            finder
                .find_overlapping_iter(text)
                .flat_map(|m| patterns[m.pattern().as_usize()].1.iter().copied())
                .collect()
        })
        .collect()
}

/// Key terms of a text for RefD: its highest-weighted TF-IDF words.
const KEY_TERMS: usize = 8;
/// Nearest modules kept per module for the `neighbours` feature.
const NEAREST: usize = 32;
/// Nearest modules whose closeness makes `local_generality`.
const LOCAL: usize = 5;

/// Scores ordered pairs of one library's modules.
#[derive(Debug)]
pub struct Scorer<'a> {
    modules: &'a [ModuleText<'a>],
    signals: Signals,
    vectors: Option<Vec<&'a [f32]>>,
    words: Vec<Weights>,
    /// Each text's total word weight (RefD's denominator).
    word_totals: Vec<f64>,
    /// Each text's key terms, by word number.
    key_terms: Vec<Vec<u32>>,
    centrality: Vec<f64>,
    /// Every pair's similarity, row by row (n × n), computed once: the features read it
    /// many times per pair.
    similarities: Vec<f64>,
    /// Each module's nearest others, nearest first.
    nearest: Vec<Vec<usize>>,
    /// Whether the library is in alphabetical order of titles (its order then says nothing).
    alphabetical: bool,
    defined: Vec<HashSet<String>>,
    lower: Vec<String>,
    /// The lines of each module's text that speak of order, lower-cased.
    order_lines: Vec<String>,
    /// For each module, the modules whose title its text names, and whose title it names
    /// in a line that speaks of order (titles of three characters or more).
    named: Vec<HashSet<usize>>,
    stated: Vec<HashSet<usize>>,
    titles: Vec<String>,
    /// Whether to work out RefD, which the shipped models give no weight (the bench asks
    /// for it as a baseline): it is the costliest feature.
    refd: bool,
    title_words: Vec<HashSet<String>>,
    title_lengths: Vec<f64>,
    model: Model,
}

impl<'a> Scorer<'a> {
    pub fn new(modules: &'a [ModuleText<'a>], signals: Signals) -> Scorer<'a> {
        let n = modules.len();
        let texts: Vec<String> = modules
            .iter()
            .map(|m| format!("{} {}", m.title, m.body))
            .collect();
        let (weighted, vocabulary) = tfidf(&texts);
        let vectors: Option<Vec<&[f32]>> = modules.iter().map(|m| m.vector).collect();
        let vectors = vectors.filter(|v| !v.is_empty() && v.iter().all(|x| x.len() == v[0].len()));
        let key_terms = weighted
            .iter()
            .map(|w| {
                let mut terms = w.clone();
                terms.sort_by(|a, b| {
                    b.1.total_cmp(&a.1)
                        .then_with(|| vocabulary[a.0 as usize].cmp(&vocabulary[b.0 as usize]))
                });
                terms.truncate(KEY_TERMS);
                terms.into_iter().map(|t| t.0).collect()
            })
            .collect();
        let titles: Vec<String> = modules
            .iter()
            .map(|m| m.title.trim().to_lowercase())
            .collect();
        let in_order = titles.windows(2).filter(|w| w[0] <= w[1]).count();
        let model = if vectors.is_some() {
            VECTOR_MODEL
        } else {
            WORD_MODEL
        };
        let mut scorer = Scorer {
            modules,
            signals,
            vectors,
            word_totals: weighted
                .iter()
                .map(|w| w.iter().map(|x| x.1).sum())
                .collect(),
            words: weighted,
            key_terms,
            centrality: Vec::new(),
            similarities: Vec::new(),
            nearest: Vec::new(),
            alphabetical: n > 2 && in_order * 10 >= (n - 1) * 9,
            defined: modules.iter().map(|m| defined_terms(m.body)).collect(),
            lower: modules.iter().map(|m| m.body.to_lowercase()).collect(),
            order_lines: modules.iter().map(|m| order_lines(m.body)).collect(),
            named: Vec::new(),
            stated: Vec::new(),
            titles,
            refd: false,
            title_words: modules.iter().map(|m| words(m.title).collect()).collect(),
            title_lengths: modules
                .iter()
                .map(|m| (1.0 + m.title.split_whitespace().count() as f64).ln())
                .collect(),
            model,
        };
        scorer.named = titles_in(&scorer.titles, &scorer.lower);
        scorer.stated = titles_in(&scorer.titles, &scorer.order_lines);
        // One pass over all pairs: their similarities, each module's mean similarity to the
        // others, and its nearest ones.
        let mut similarities = vec![0.0; n * n];
        if scorer.vectors.is_some() {
            for a in 0..n {
                for b in a + 1..n {
                    let x = scorer.compare(a, b);
                    similarities[a * n + b] = x;
                    similarities[b * n + a] = x;
                }
            }
        } else {
            // Through the texts each word is in: only pairs that share a word are touched,
            // each sum in word order as `cosine` adds it.
            let mut postings: HashMap<u32, Vec<(usize, f64)>> = HashMap::new();
            for (b, w) in scorer.words.iter().enumerate() {
                for &(word, y) in w {
                    postings.entry(word).or_default().push((b, y));
                }
            }
            for a in 0..n {
                for &(word, x) in &scorer.words[a] {
                    for &(b, y) in &postings[&word] {
                        if b > a {
                            similarities[a * n + b] += x * y;
                        }
                    }
                }
                for b in a + 1..n {
                    similarities[b * n + a] = similarities[a * n + b];
                }
            }
        }
        scorer.similarities = similarities;
        let mut centrality = Vec::with_capacity(n);
        let mut nearest = Vec::with_capacity(n);
        for a in 0..n {
            let mut row: Vec<(f64, usize)> = (0..n)
                .filter(|b| *b != a)
                .map(|b| (scorer.similarity(a, b), b))
                .collect();
            centrality.push(row.iter().map(|x| x.0).sum::<f64>() / row.len().max(1) as f64);
            let keep = NEAREST.min(row.len());
            if keep > 0 && keep < row.len() {
                row.select_nth_unstable_by(keep - 1, |x, y| {
                    y.0.total_cmp(&x.0).then(x.1.cmp(&y.1))
                });
            }
            row.truncate(keep);
            row.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            nearest.push(row.into_iter().map(|x| x.1).collect());
        }
        // In standard deviations, so the weight means the same in a library of ten as of
        // ten thousand, compared by vectors or by words.
        let mean = centrality.iter().sum::<f64>() / n.max(1) as f64;
        let sd = (centrality.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / n.max(1) as f64)
            .sqrt()
            .max(1e-9);
        scorer.centrality = centrality.iter().map(|c| (c - mean) / sd).collect();
        scorer.nearest = nearest;
        scorer
    }

    /// Whether similarity comes from the model's vectors (else from words).
    pub fn uses_vectors(&self) -> bool {
        self.vectors.is_some()
    }

    /// Uses another model (the bench tries the one it fits).
    pub fn with_model(mut self, model: Model) -> Scorer<'a> {
        self.model = model;
        self
    }

    /// Works out RefD for every pair even when the model gives it no weight.
    pub fn with_refd(mut self) -> Scorer<'a> {
        self.refd = true;
        self
    }

    fn similarity(&self, a: usize, b: usize) -> f64 {
        self.similarities[a * self.modules.len() + b]
    }

    /// How alike two modules are: the cosine of their vectors, else of their words.
    fn compare(&self, a: usize, b: usize) -> f64 {
        match &self.vectors {
            Some(v) => v[a].iter().zip(v[b]).map(|(x, y)| (x * y) as f64).sum(),
            None => cosine(&self.words[a], &self.words[b]),
        }
    }

    /// 1 / (1 + rank) of `near` among `of`'s nearest modules; 0 beyond them.
    fn closeness(&self, near: usize, of: usize) -> f64 {
        self.nearest[of]
            .iter()
            .position(|x| *x == near)
            .map_or(0.0, |r| 1.0 / (1.0 + r as f64))
    }

    /// Mean similarity of `a` to `b`'s closest modules (`a` itself left out).
    fn local(&self, a: usize, b: usize) -> f64 {
        let around: Vec<usize> = self.nearest[b]
            .iter()
            .copied()
            .filter(|x| *x != a)
            .take(LOCAL)
            .collect();
        if around.is_empty() {
            return 0.0;
        }
        around.iter().map(|x| self.similarity(a, *x)).sum::<f64>() / around.len() as f64
    }

    /// Share of `from`'s word weight that falls on `to`'s key terms.
    fn refers(&self, from: usize, to: usize) -> f64 {
        let total = self.word_totals[from];
        if total <= 0.0 {
            return 0.0;
        }
        self.key_terms[to]
            .iter()
            .map(|t| weight(&self.words[from], *t))
            .sum::<f64>()
            / total
    }

    fn inside(&self, inner: usize, outer: usize) -> bool {
        let (i, o) = (&self.title_words[inner], &self.title_words[outer]);
        !i.is_empty() && i.len() < o.len() && i.is_subset(o)
    }

    fn names(&self, named: usize, by: usize) -> bool {
        self.signals.titles && self.named[by].contains(&named)
    }

    fn states(&self, first: usize, by: usize) -> bool {
        self.signals.titles && self.stated[by].contains(&first)
    }

    fn uses(&self, definer: usize, user: usize) -> Vec<&String> {
        self.defined[definer]
            .iter()
            .filter(|t| self.lower[user].contains(t.as_str()) && !self.defined[user].contains(*t))
            .collect()
    }

    pub fn features(&self, before: usize, after: usize) -> Features {
        let sign = |x: bool, y: bool| x as i32 as f64 - y as i32 as f64;
        let (mb, ma) = (&self.modules[before], &self.modules[after]);
        let shared = mb.tags.iter().filter(|t| ma.tags.contains(t)).count();
        let union = mb.tags.len() + ma.tags.len() - shared;
        let ordered = !self.alphabetical;
        Features {
            similarity: self.similarity(before, after),
            nearby: if ordered {
                1.0 / (1.0 + (after as f64 - before as f64).abs() / 8.0)
            } else {
                0.0
            },
            shared_skills: if union == 0 {
                0.0
            } else {
                shared as f64 / union as f64
            },
            generality: self.centrality[before] - self.centrality[after],
            neighbours: self.closeness(before, after) - self.closeness(after, before),
            local_generality: self.local(before, after) - self.local(after, before),
            refd: if self.refd || self.model.direction[REFD] != 0.0 {
                self.refers(after, before) - self.refers(before, after)
            } else {
                0.0
            },
            title_inside: sign(self.inside(before, after), self.inside(after, before)),
            mentions: sign(self.names(before, after), self.names(after, before)),
            stated: sign(self.states(before, after), self.states(after, before)),
            uses: (self.uses(before, after).len().min(3) as f64
                - self.uses(after, before).len().min(3) as f64)
                / 3.0,
            order: if !ordered {
                0.0
            } else if before < after {
                1.0
            } else {
                -1.0
            },
            title_length: self.title_lengths[after] - self.title_lengths[before],
            level: match (mb.level, ma.level) {
                (Some(x), Some(y)) => sign(x < y, x > y),
                _ => 0.0,
            },
        }
    }

    pub fn confidence(&self, f: &Features) -> f64 {
        self.model.confidence(f)
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The evidence for a pair in words: similarity first, then each signal that argues
    /// for this direction, strongest first.
    pub fn evidence(&self, before: usize, after: usize, f: &Features) -> Vec<String> {
        let (mb, ma) = (&self.modules[before], &self.modules[after]);
        let mut out = vec![format!(
            "{} similarity {:.2}",
            if self.uses_vectors() {
                "content"
            } else {
                "text"
            },
            f.similarity
        )];
        if f.nearby > 0.0 && self.model.pair[2] * f.nearby > 0.05 {
            out.push(format!("{} apart in the library", after.abs_diff(before)));
        }
        if f.shared_skills > 0.0 {
            let list: Vec<&str> = mb
                .tags
                .iter()
                .filter(|t| ma.tags.contains(t))
                .map(String::as_str)
                .collect();
            out.push(format!("shared skills: {}", list.join(", ")));
        }
        let terms = self.model.direction_terms(f);
        let mut reasons: Vec<(f64, String)> = Vec::new();
        for (i, c) in terms.iter().enumerate() {
            if *c <= 0.05 {
                continue;
            }
            let line = match FEATURE_NAMES[PAIR_FEATURES + i] {
                "generality" => format!(
                    "“{}” is the more general: closer to the whole library",
                    mb.title
                ),
                "neighbours" => format!(
                    "“{}” is among the modules nearest to “{}”",
                    mb.title, ma.title
                ),
                "local_generality" => format!(
                    "“{}” is close to the modules around “{}”",
                    mb.title, ma.title
                ),
                "title_inside" => format!("“{}” is part of the title “{}”", mb.title, ma.title),
                "mentions" => format!("“{}” names “{}”", ma.title, mb.title),
                "stated" => format!("“{}” names “{}” as what comes first", ma.title, mb.title),
                "uses" => {
                    let mut list: Vec<&str> = self
                        .uses(before, after)
                        .into_iter()
                        .map(String::as_str)
                        .take(3)
                        .collect();
                    list.sort_unstable();
                    format!("uses terms it defines: {}", list.join(", "))
                }
                "order" => "earlier in the library".to_owned(),
                "title_length" => "a shorter, more general title".to_owned(),
                "level" => format!(
                    "level {} before {}",
                    mb.level.map(Level::as_str).unwrap_or("-"),
                    ma.level.map(Level::as_str).unwrap_or("-")
                ),
                _ => continue,
            };
            reasons.push((*c, line));
        }
        reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
        out.extend(reasons.into_iter().map(|(_, l)| l));
        out
    }
}

/// At most this many suggestions end at one module, so one hub does not take all.
pub const PER_MODULE: usize = 3;

/// Suggests up to `limit` edges, best first. Of the two directions of a pair only the
/// likelier is considered; an edge already implied by `graph` or by stronger suggestions
/// (a path either way) is skipped, and a kept one that a likely (confidence ≥ 0.5) weaker
/// suggestion then bridges (a longer path alongside it) is dropped: no suggested edge is
/// redundant beside the graph and the likely suggestions.
pub fn suggest(
    graph: &Graph,
    modules: &[ModuleText<'_>],
    signals: Signals,
    limit: usize,
) -> Vec<Suggestion> {
    let n = modules.len();
    let scorer = Scorer::new(modules, signals);
    let reach = Reach::new(graph);
    let mut scored: Vec<(f64, usize, usize)> = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    // Each pair once, in its likelier direction (the earlier module first on a tie): the
    // reverse's features are these reversed, and its direction log-odds negated.
    for x in 0..n {
        for y in x + 1..n {
            if reach.connected(x, y) {
                continue;
            }
            let f = scorer.features(x, y);
            let (a, b, f) = if scorer.model().direction(&f) >= 0.0 {
                (x, y, f)
            } else {
                (y, x, f.reversed())
            };
            scored.push((scorer.confidence(&f), a, b));
        }
    }
    scored.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then((x.2, x.1).cmp(&(y.2, y.1))));
    // Best first, skip what the graph and the stronger suggestions already imply (or
    // would turn into a cycle), and at most PER_MODULE into one module. A later suggestion
    // a → b can make a kept one x → y a shortcut (x → … → a → b → … → y): when a → b is
    // likelier than not, the path is believed and the shortcut dropped (`graph check`
    // would call it redundant; its place goes to the next). A doubtful a → b pushes out
    // nothing; both stay for a person to judge.
    let mut per_module = vec![0usize; n];
    let mut added: Vec<(usize, usize)> = Vec::new();
    let mut kept: Vec<(f64, usize, usize)> = Vec::new();
    for s in scored {
        if kept.len() == limit {
            break;
        }
        let (confidence, a, b) = s;
        if per_module[b] == PER_MODULE || reach.through(a, b, &added) || reach.through(b, a, &added)
        {
            continue;
        }
        if confidence >= 0.5 {
            let upstream = reach.around(a, &added, false);
            let downstream = reach.around(b, &added, true);
            let shortcut = |x: usize, y: usize| upstream.contains(&x) && downstream.contains(&y);
            kept.retain(|k| {
                if shortcut(k.1, k.2) {
                    per_module[k.2] -= 1;
                    return false;
                }
                true
            });
            added.retain(|e| !shortcut(e.0, e.1));
        }
        per_module[b] += 1;
        added.push((a, b));
        kept.push(s);
    }
    let scored = kept;
    scored
        .into_iter()
        .map(|(confidence, before, after)| Suggestion {
            before,
            after,
            confidence,
            evidence: scorer.evidence(before, after, &scorer.features(before, after)),
        })
        .collect()
}

/// Reachability for "is there already a path", computed once per node.
pub(crate) struct Reach {
    down: Vec<HashSet<usize>>,
    up: Vec<HashSet<usize>>,
}

impl Reach {
    pub(crate) fn new(graph: &Graph) -> Reach {
        let down: Vec<HashSet<usize>> = (0..graph.nodes().len())
            .map(|n| graph.descendants(n))
            .collect();
        let mut up = vec![HashSet::new(); down.len()];
        for (from, below) in down.iter().enumerate() {
            for &to in below {
                up[to].insert(from);
            }
        }
        Reach { down, up }
    }

    /// `from` and every node it reaches along the graph's edges and `added` ones
    /// (`forward`), or `from` and every node that reaches it.
    pub(crate) fn around(
        &self,
        from: usize,
        added: &[(usize, usize)],
        forward: bool,
    ) -> HashSet<usize> {
        let sets = if forward { &self.down } else { &self.up };
        let step = |e: &(usize, usize)| if forward { *e } else { (e.1, e.0) };
        let mut seen = HashSet::from([from]);
        let mut stack = vec![from];
        while let Some(x) = stack.pop() {
            // The graph's sets are closed already: a node found in one needs a visit only
            // for the added edges leaving it.
            for &y in &sets[x] {
                if seen.insert(y) && added.iter().any(|e| step(e).0 == y) {
                    stack.push(y);
                }
            }
            for (s, t) in added.iter().map(step) {
                if s == x && seen.insert(t) {
                    stack.push(t);
                }
            }
        }
        seen
    }

    fn connected(&self, a: usize, b: usize) -> bool {
        self.down[a].contains(&b) || self.down[b].contains(&a)
    }

    /// Whether `to` can be reached from `from` along the graph's edges and `added` ones.
    fn through(&self, from: usize, to: usize, added: &[(usize, usize)]) -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![from];
        while let Some(x) = stack.pop() {
            if x == to || self.down[x].contains(&to) {
                return true;
            }
            if !seen.insert(x) {
                continue;
            }
            for &(s, t) in added {
                if s == x || self.down[x].contains(&s) {
                    stack.push(t);
                }
            }
        }
        false
    }
}
