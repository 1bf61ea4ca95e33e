//! Scores the pairs of one library's modules: everything the features need is worked
//! out once per library (each module's nearest others and closeness to the whole, titles
//! named), then each pair's features are read from it, and said in words for the evidence.

use std::collections::{BTreeSet, HashSet};
use std::ops::Range;

use model::Level;
use rayon::prelude::*;

use super::features::{
    Features, Model, FEATURE_NAMES, PAIR_FEATURES, PAIR_INPUTS, REFD, VECTOR_MODEL, WORD_MODEL,
};
use super::likeness::{Likeness, Near};
use super::order::Places;
use super::text::{defined_terms, order_lines, tfidf, titles_in, weight, words};
use super::{ModuleText, Signals};

/// Key terms of a text for RefD: its highest-weighted TF-IDF words.
const KEY_TERMS: usize = 8;
/// Nearest modules kept per module for the `neighbours` feature.
const NEAREST: usize = 32;
/// Nearest modules whose closeness makes `local_generality`.
const LOCAL: usize = 5;
/// At most about this many unlinked pairs teach the pair part what is not a prerequisite
/// ([`Scorer::learning_from`]).
const UNLINKED_SAMPLE: usize = 50_000;

/// Modules compared with all the others a block at a time ([`Likeness::rows`]).
pub(super) const BLOCK: usize = 16;

/// Blocks run in parallel between two reports of progress (512 modules: work enough for
/// many cores, and a report about every half second at 10,000 modules on two).
const WAVE: usize = 32;

/// Blocks `0..blocks` in waves: each wave's blocks run in parallel, and progress is told
/// between two waves (from the calling thread, so it need not be shared across threads).
pub(super) fn waves(blocks: usize) -> impl Iterator<Item = Range<usize>> {
    (0..blocks)
        .step_by(WAVE)
        .map(move |first| first..blocks.min(first + WAVE))
}

/// A block of modules' similarities, worked out once to score all their pairs
/// ([`Scorer::rows`]).
#[derive(Debug, Default)]
pub(super) struct Rows {
    start: usize,
    similarities: Vec<Vec<f64>>,
    /// Each module's summed similarity to the block's modules' first [`LOCAL`] nearest.
    near: Vec<Vec<f64>>,
    /// The block's modules' summed similarity to each module's first [`LOCAL`] nearest.
    toward: Vec<Vec<f64>>,
    scratch: Vec<f64>,
}

/// Scores ordered pairs of one library's modules.
#[derive(Debug)]
pub struct Scorer<'a> {
    modules: &'a [ModuleText<'a>],
    signals: Signals,
    /// How alike two modules are (by the model's vectors, else by their words).
    likeness: Likeness,
    /// Each text's total word weight (RefD's denominator).
    word_totals: Vec<f64>,
    /// Each text's key terms, by word number.
    key_terms: Vec<Vec<u32>>,
    centrality: Vec<f64>,
    /// Each module's nearest others, nearest first.
    nearest: Vec<Vec<usize>>,
    /// Each module's first [`LOCAL`] nearest, to compare others with all of them at once.
    around: Vec<Near>,
    /// Whether the library is in alphabetical order of titles (its order then says nothing).
    alphabetical: bool,
    /// Where each module is, and which pairs' order was chosen, not sorted.
    places: Places,
    defined: Vec<HashSet<String>>,
    lower: Vec<String>,
    /// For each module, the modules whose title its text names, and whose title it names
    /// in a line that speaks of order (titles of three characters or more).
    named: Vec<HashSet<usize>>,
    stated: Vec<HashSet<usize>>,
    /// Whether to work out RefD, which the shipped models give no weight (the bench asks
    /// for it as a baseline): it is the costliest feature.
    refd: bool,
    title_words: Vec<HashSet<String>>,
    title_lengths: Vec<f64>,
    /// Of the prerequisites the project already has ([`Scorer::learning_from`]), how many
    /// each module leads to and is led to by; empty before it learns.
    leads_to: Vec<u32>,
    led_to_by: Vec<u32>,
    model: Model,
}

/// Each module's words by TF-IDF weight, their total, and its key terms for RefD.
#[derive(Default)]
struct Words {
    weighted: Vec<super::text::Weights>,
    totals: Vec<f64>,
    key_terms: Vec<Vec<u32>>,
}

impl Words {
    fn of(modules: &[ModuleText<'_>]) -> Words {
        let texts: Vec<String> = modules
            .iter()
            .map(|m| format!("{} {}", m.title, m.body))
            .collect();
        let (weighted, vocabulary) = tfidf(&texts);
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
        Words {
            totals: weighted
                .iter()
                .map(|w| w.iter().map(|x| x.1).sum())
                .collect(),
            weighted,
            key_terms,
        }
    }
}

/// What scoring works out first, comparing every module with all the others: each one's
/// mean similarity to the rest and its nearest ones. It depends only on how alike the
/// modules are, so it is kept between two requests for suggestions while no module's text
/// or vector changes (the graph's edges may): at 10,000 modules about a quarter of the
/// work (2.7 s of 10.5 by vectors). It knows which modules it was worked out for, and is
/// worked out anew for others.
#[derive(Debug, Clone)]
pub struct Neighbourhood {
    /// A hash of what similarity reads of every module, in order ([`fingerprint`]).
    of: u64,
    centrality: Vec<f64>,
    nearest: Vec<Vec<usize>>,
}

/// A hash of everything similarity reads of `modules` (titles, texts and vectors, in
/// order), so a [`Neighbourhood`] is used only for the modules it was worked out for.
fn fingerprint(modules: &[ModuleText<'_>]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    modules.len().hash(&mut h);
    for m in modules {
        m.title.hash(&mut h);
        m.body.hash(&mut h);
        match m.vector {
            Some(v) => {
                v.len().hash(&mut h);
                for x in v {
                    x.to_bits().hash(&mut h);
                }
            }
            None => usize::MAX.hash(&mut h),
        }
    }
    h.finish()
}

impl<'a> Scorer<'a> {
    pub fn new(modules: &'a [ModuleText<'a>], signals: Signals) -> Scorer<'a> {
        Scorer::watched(modules, signals, &mut None, &mut |_| true).expect("nothing stops it")
    }

    /// [`Scorer::new`], telling `progress` how many modules have been compared with all
    /// the others after each wave of blocks; `None` when it answers false. `known` is
    /// used when it was worked out for these modules, and otherwise set to what is.
    pub(super) fn watched(
        modules: &'a [ModuleText<'a>],
        signals: Signals,
        known: &mut Option<Neighbourhood>,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Option<Scorer<'a>> {
        let n = modules.len();
        let vectors: Option<Vec<&[f32]>> = modules.iter().map(|m| m.vector).collect();
        let vectors = vectors.filter(|v| !v.is_empty() && v.iter().all(|x| x.len() == v[0].len()));
        // Compared by vectors, words serve only RefD, which the shipped models give no
        // weight: they are read when asked for ([`Scorer::with_refd`]), not on every
        // request (0.5–0.8 s at 10,000 modules).
        let read = match vectors {
            Some(_) => Words::default(),
            None => Words::of(modules),
        };
        let titles: Vec<String> = modules
            .iter()
            .map(|m| m.title.trim().to_lowercase())
            .collect();
        let in_order = titles.windows(2).filter(|w| w[0] <= w[1]).count();
        let lower: Vec<String> = modules.iter().map(|m| m.body.to_lowercase()).collect();
        let order: Vec<String> = modules.iter().map(|m| order_lines(m.body)).collect();
        let model = if vectors.is_some() {
            VECTOR_MODEL
        } else {
            WORD_MODEL
        };
        let mut scorer = Scorer {
            modules,
            signals,
            word_totals: read.totals,
            likeness: Likeness::new(vectors, read.weighted),
            key_terms: read.key_terms,
            centrality: Vec::new(),
            nearest: Vec::new(),
            around: Vec::new(),
            alphabetical: n > 2 && in_order * 10 >= (n - 1) * 9,
            places: Places::new(modules.iter().map(|m| (m.library, m.path))),
            defined: modules.iter().map(|m| defined_terms(m.body)).collect(),
            named: titles_in(&titles, &lower),
            stated: titles_in(&titles, &order),
            lower,
            refd: false,
            title_words: modules.iter().map(|m| words(m.title).collect()).collect(),
            title_lengths: modules
                .iter()
                .map(|m| (1.0 + m.title.split_whitespace().count() as f64).ln())
                .collect(),
            leads_to: Vec::new(),
            led_to_by: Vec::new(),
            model,
        };
        let of = fingerprint(modules);
        if known.as_ref().is_none_or(|k| k.of != of) {
            let (centrality, nearest) = Scorer::neighbourhood(&scorer.likeness, n, progress)?;
            *known = Some(Neighbourhood {
                of,
                centrality,
                nearest,
            });
        }
        let Neighbourhood {
            centrality,
            nearest,
            ..
        } = known.as_ref().expect("worked out above").clone();
        let likeness = &scorer.likeness;
        scorer.around = nearest
            .iter()
            .map(|near| likeness.near(&near[..LOCAL.min(near.len())]))
            .collect();
        // In standard deviations, so the weight means the same in a library of ten as of
        // ten thousand, compared by vectors or by words.
        let mean = centrality.iter().sum::<f64>() / n.max(1) as f64;
        let sd = (centrality.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / n.max(1) as f64)
            .sqrt()
            .max(1e-9);
        scorer.centrality = centrality.iter().map(|c| (c - mean) / sd).collect();
        scorer.nearest = nearest;
        Some(scorer)
    }

    /// Each module's mean similarity to the others, and its nearest ones: a block of
    /// modules against all at a time, blocks in parallel (each row is its own, so the
    /// result is the same on any number of threads).
    fn neighbourhood(
        likeness: &Likeness,
        n: usize,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Option<(Vec<f64>, Vec<Vec<usize>>)> {
        let blocks = n.div_ceil(BLOCK);
        let mut compared: Vec<(f64, Vec<usize>)> = Vec::with_capacity(n);
        for wave in waves(blocks) {
            let done: Vec<Vec<(f64, Vec<usize>)>> = wave
                .into_par_iter()
                .map_init(Vec::new, |all: &mut Vec<Vec<f64>>, k| {
                    let block = k * BLOCK..n.min((k + 1) * BLOCK);
                    all.resize(block.len(), vec![0.0; n]);
                    likeness.rows(block.clone(), 0, all);
                    block
                        .zip(all.iter())
                        .map(|(a, all)| {
                            let mut row: Vec<(f64, usize)> =
                                (0..n).filter(|b| *b != a).map(|b| (all[b], b)).collect();
                            let centrality =
                                row.iter().map(|x| x.0).sum::<f64>() / row.len().max(1) as f64;
                            let keep = NEAREST.min(row.len());
                            if keep > 0 && keep < row.len() {
                                row.select_nth_unstable_by(keep - 1, |x, y| {
                                    y.0.total_cmp(&x.0).then(x.1.cmp(&y.1))
                                });
                            }
                            row.truncate(keep);
                            row.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
                            // Read, not taken: collecting `row` itself would keep its
                            // whole allocation (a row of every module) for 32 numbers.
                            (centrality, row.iter().map(|x| x.1).collect())
                        })
                        .collect()
                })
                .collect();
            compared.extend(done.into_iter().flatten());
            if !progress(compared.len()) {
                return None;
            }
        }
        Some(compared.into_iter().unzip())
    }

    /// Whether similarity comes from the model's vectors (else from words).
    pub fn uses_vectors(&self) -> bool {
        self.likeness.by_vectors()
    }

    /// Uses another model (the bench tries the one it fits).
    pub fn with_model(mut self, model: Model) -> Scorer<'a> {
        self.model = model;
        if model.direction[REFD] != 0.0 {
            self.read_words();
        }
        self
    }

    /// Learns from `edges` (`before → after` by module), the prerequisites the project
    /// already has: which comes first ([`Model::learned_from`]), then what marks two
    /// modules as related, the edges' pairs against the others ([`Model::learned_pairs_from`];
    /// of many modules, every how-manyth unlinked pair, weighted as the ones it stands for).
    pub fn learning_from(mut self, edges: &[(usize, usize)], strength: f64) -> Scorer<'a> {
        if edges.is_empty() {
            return self;
        }
        let n = self.modules.len();
        // In order, so the fit sums its rows the same way every time; an edge drawn twice
        // counts once.
        let drawn: BTreeSet<(usize, usize)> =
            edges.iter().copied().filter(|(b, a)| b != a).collect();
        self.leads_to = vec![0; n];
        self.led_to_by = vec![0; n];
        for &(b, a) in &drawn {
            self.leads_to[b] += 1;
            self.led_to_by[a] += 1;
        }
        // Each edge as if it were not drawn yet: what the project's graph says of a pair
        // must not count the very edge it is asked to predict.
        let features: Vec<Features> = drawn
            .iter()
            .map(|&(b, a)| self.features_leaving_out(b, a))
            .collect();
        self.model = self.model.learned_from(&features, strength);
        let linked: BTreeSet<(usize, usize)> =
            drawn.iter().map(|&(b, a)| (b.min(a), b.max(a))).collect();
        let unlinked = (n * n.saturating_sub(1) / 2).saturating_sub(linked.len());
        let every = unlinked.div_ceil(UNLINKED_SAMPLE).max(1);
        let mut pairs: Vec<(Features, bool, f64)> = linked
            .iter()
            .map(|&(x, y)| {
                let f = match drawn.contains(&(x, y)) {
                    true => self.features_leaving_out(x, y),
                    false => self.features_leaving_out(y, x).reversed(),
                };
                (f, true, 1.0)
            })
            .collect();
        // A pair joined only through others counts as unlinked: an edge there would be
        // redundant, which is not what a suggestion should look like.
        let mut k = 0usize;
        for x in 0..n {
            let mut links = linked.range((x, x + 1)..(x + 1, 0)).map(|p| p.1).peekable();
            for y in x + 1..n {
                if links.peek() == Some(&y) {
                    links.next();
                    continue;
                }
                if k.is_multiple_of(every) {
                    pairs.push((self.features(x, y), false, every as f64));
                }
                k += 1;
            }
        }
        self.model = self.model.learned_pairs_from(&pairs, strength);
        self
    }

    /// The features of `before → after` with that edge taken out of the project's
    /// prerequisites ([`Features::linked`], [`Features::role`]).
    fn features_leaving_out(&self, before: usize, after: usize) -> Features {
        let (linked, role) = self.drawn_terms(before, after, 1);
        Features {
            linked,
            role,
            ..self.features(before, after)
        }
    }

    /// [`Features::linked`] and [`Features::role`] of `before → after`, with `less` of
    /// the edges from `before` to `after` left out.
    fn drawn_terms(&self, before: usize, after: usize, less: u32) -> (f64, f64) {
        if self.leads_to.is_empty() {
            return (0.0, 0.0);
        }
        let (out_b, in_b) = (self.leads_to[before] - less, self.led_to_by[before]);
        let (out_a, in_a) = (self.leads_to[after], self.led_to_by[after] - less);
        let l = |k: u32| f64::from(k).ln_1p();
        // The symmetric and antisymmetric halves of ln(1 + from before) + ln(1 + into after),
        // summed per module first so the reverse pair gets the same sums to the bit.
        let (sum_b, sum_a) = (l(out_b) + l(in_b), l(out_a) + l(in_a));
        let (lead_b, lead_a) = (l(out_b) - l(in_b), l(out_a) - l(in_a));
        (0.5 * (sum_b + sum_a), 0.5 * (lead_b - lead_a))
    }

    /// Works out RefD for every pair even when the model gives it no weight.
    pub fn with_refd(mut self) -> Scorer<'a> {
        self.refd = true;
        self.read_words();
        self
    }

    /// Reads each module's words for RefD, when comparing by vectors left them unread.
    fn read_words(&mut self) {
        if self.key_terms.len() != self.modules.len() {
            let read = Words::of(self.modules);
            self.word_totals = read.totals;
            self.key_terms = read.key_terms;
            self.likeness.set_words(read.weighted);
        }
    }

    fn similarity(&self, a: usize, b: usize) -> f64 {
        self.likeness.pair(a, b)
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
        let first = self.likeness.with_near(a, &self.around[b]);
        self.local_from(a, b, first, |c| self.similarity(a, c))
    }

    /// [`Scorer::local`] from `a`'s summed similarity to `b`'s first [`LOCAL`] nearest:
    /// when `a` is among them, it is taken out and the next one put in.
    fn local_from(&self, a: usize, b: usize, first: f64, similarity: impl Fn(usize) -> f64) -> f64 {
        let near = &self.nearest[b];
        let count = LOCAL.min(near.len());
        let (total, count) = if !near[..count].contains(&a) {
            (first, count)
        } else if let Some(&next) = near.get(LOCAL) {
            (first - similarity(a) + similarity(next), count)
        } else {
            (first - similarity(a), count - 1)
        };
        match count {
            0 => 0.0,
            _ => total / count as f64,
        }
    }

    /// Share of `from`'s word weight that falls on `to`'s key terms.
    fn refers(&self, from: usize, to: usize) -> f64 {
        let total = self.word_totals[from];
        if total <= 0.0 {
            return 0.0;
        }
        self.key_terms[to]
            .iter()
            .map(|t| weight(&self.likeness.words()[from], *t))
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
        self.assemble(
            before,
            after,
            self.similarity(before, after),
            self.local(before, after) - self.local(after, before),
        )
    }

    /// What scoring the pairs of `block`'s modules with the later ones needs, for
    /// [`Scorer::features_in`]: their similarities, and the summed similarities `local`
    /// reads both ways. Scoring a pair then costs look-ups where [`Scorer::features`]
    /// compares anew.
    pub(super) fn rows(&self, block: Range<usize>, rows: &mut Rows) {
        let n = self.modules.len();
        rows.start = block.start;
        for v in [&mut rows.similarities, &mut rows.near, &mut rows.toward] {
            v.resize(block.len(), Vec::new());
            v.iter_mut().for_each(|r| r.resize(n, 0.0));
        }
        rows.scratch.resize(n, 0.0);
        let from = block.start + 1;
        self.likeness
            .rows(block.clone(), from, &mut rows.similarities);
        let around: Vec<&Near> = block.clone().map(|x| &self.around[x]).collect();
        self.likeness
            .near_rows(&around, from, &mut rows.near, &mut rows.scratch);
        self.likeness.toward_rows(
            block,
            &self.around,
            from,
            &rows.similarities,
            &mut rows.toward,
        );
    }

    /// The features of `x → after` (`x` of the block `rows` holds, `after` a later module),
    /// the same to the bit as [`Scorer::features`].
    pub(super) fn features_in(&self, rows: &Rows, x: usize, after: usize) -> Features {
        let i = x - rows.start;
        let similarities = &rows.similarities[i];
        // The row holds the later modules' (every module's, by words).
        let similarity = |c: usize| match c > rows.start || !self.likeness.by_vectors() {
            true => similarities[c],
            false => self.similarity(x, c),
        };
        let here = self.local_from(x, after, rows.toward[i][after], similarity);
        let there = self.local_from(after, x, rows.near[i][after], |c| self.similarity(after, c));
        self.assemble(x, after, similarities[after], here - there)
    }

    /// A pair's features given its similarity and `local(before, after) − local(after, before)`.
    fn assemble(
        &self,
        before: usize,
        after: usize,
        similarity: f64,
        local_generality: f64,
    ) -> Features {
        let sign = |x: bool, y: bool| x as i32 as f64 - y as i32 as f64;
        let (mb, ma) = (&self.modules[before], &self.modules[after]);
        let shared = mb.tags.iter().filter(|t| ma.tags.contains(t)).count();
        let union = mb.tags.len() + ma.tags.len() - shared;
        let ordered = !self.alphabetical && self.places.ordered(before, after);
        let (linked, role) = self.drawn_terms(before, after, 0);
        Features {
            similarity,
            nearby: if !self.alphabetical && self.places.together(before, after) {
                1.0 / (1.0 + (after as f64 - before as f64).abs() / 8.0)
            } else {
                0.0
            },
            shared_skills: if union == 0 {
                0.0
            } else {
                shared as f64 / union as f64
            },
            linked,
            generality: self.centrality[before] - self.centrality[after],
            neighbours: self.closeness(before, after) - self.closeness(after, before),
            local_generality,
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
            role,
        }
    }

    /// A module's place in the project's prerequisites, in words.
    fn drawn_around(&self, m: usize) -> String {
        let (out, led) = (self.leads_to[m], self.led_to_by[m]);
        let modules = |k: u32| match k {
            1 => "1 module".to_owned(),
            k => format!("{k} modules"),
        };
        format!(
            "“{}” leads to {}, follows {}",
            self.modules[m].title,
            modules(out),
            modules(led)
        )
    }

    pub fn confidence(&self, f: &Features) -> f64 {
        self.model.confidence(f)
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The evidence for a pair in words: similarity first (and what else says they are
    /// related), then whether the direction is unsure, then each signal that argues for
    /// this direction, strongest first.
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
        if f.linked > 0.0 && self.model.pair[PAIR_INPUTS.len()] * f.linked > 0.05 {
            out.push(format!(
                "both already in the graph: {}",
                [before, after]
                    .iter()
                    .map(|&m| self.drawn_around(m))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
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
            // A weight learned from the project's own prerequisites can be negative: the
            // signal then points at `after`, which this project's edges put second.
            let flipped = self.model.direction[i] < 0.0;
            let (x, y, xi, yi) = match flipped {
                false => (mb, ma, before, after),
                true => (ma, mb, after, before),
            };
            let line = match FEATURE_NAMES[PAIR_FEATURES + i] {
                "generality" => format!(
                    "“{}” is the more general: closer to the whole library",
                    x.title
                ),
                "neighbours" => format!(
                    "“{}” is among the modules nearest to “{}”",
                    x.title, y.title
                ),
                "local_generality" => {
                    format!("“{}” is close to the modules around “{}”", x.title, y.title)
                }
                "title_inside" => format!("“{}” is part of the title “{}”", x.title, y.title),
                "mentions" => format!("“{}” names “{}”", y.title, x.title),
                "stated" => format!("“{}” names “{}” as what comes first", y.title, x.title),
                "uses" => {
                    let mut list: Vec<&str> = self
                        .uses(xi, yi)
                        .into_iter()
                        .map(String::as_str)
                        .take(3)
                        .collect();
                    list.sort_unstable();
                    format!(
                        "“{}” uses terms “{}” defines: {}",
                        y.title,
                        x.title,
                        list.join(", ")
                    )
                }
                // Learned the other way round, as where a project's edges grow chains
                // at their ends: the module that so far comes first less often goes first.
                "role" if flipped => {
                    reasons.push((
                        *c,
                        format!(
                            "in the graph so far “{}” comes first less often than “{}” ({}; {}) \
                             — in this project's own prerequisites, that one tends to go first",
                            mb.title,
                            ma.title,
                            self.drawn_around(before),
                            self.drawn_around(after)
                        ),
                    ));
                    continue;
                }
                "role" => format!(
                    "in the graph so far “{}” comes first more often than “{}” ({}; {})",
                    x.title,
                    y.title,
                    self.drawn_around(xi),
                    self.drawn_around(yi)
                ),
                "order" if flipped => "later in the library".to_owned(),
                "order" => "earlier in the library".to_owned(),
                "title_length" if flipped => "a longer, more specific title".to_owned(),
                "title_length" => "a shorter, more general title".to_owned(),
                "level" => format!(
                    "level {} before {}",
                    mb.level.map(Level::as_str).unwrap_or("-"),
                    ma.level.map(Level::as_str).unwrap_or("-")
                ),
                _ => continue,
            };
            let line = match flipped {
                true => {
                    format!("{line} — this project's own prerequisites go this way")
                }
                false => line,
            };
            reasons.push((*c, line));
        }
        reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
        // Direction is where suggestions most often go wrong (README, "Suggestion quality"):
        // say so when the model puts this way round at less than two to one.
        let this_way = self.model.first(f);
        if this_way < 2.0 / 3.0 {
            out.push(format!(
                "which comes first is unsure: {:.0}% this way round",
                100.0 * this_way
            ));
        }
        out.extend(reasons.into_iter().map(|(_, l)| l));
        out
    }
}
