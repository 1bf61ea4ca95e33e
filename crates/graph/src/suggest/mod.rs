//! Suggested prerequisite edges from the content itself, each with a confidence and the
//! evidence behind it, in words.
//!
//! Every ordered pair of modules gets features a person can check — how alike they are
//! (the module vectors auto-tagging caches, word TF-IDF before that), which of the two is
//! the more general, a title inside the other's or named in its text (or named as what
//! comes first), terms one defines and the other uses, library order, levels and shared
//! skills. Two logistic models over them ([`Model`]) say whether the two are related by a
//! prerequisite and which comes first; their weights were fitted on public prerequisite
//! datasets and the sample libraries (`bench --fit-suggest`, see the README), and both are
//! refitted on the prerequisites the graph already has (a project's own convention wins
//! over the fitted one once its edges show it). Edges the graph or
//! stronger suggestions already imply are never suggested, nor a pair a person dismissed,
//! and one that later likely suggestions turn into a shortcut is dropped for the next.
//!
//! Here: the suggestions themselves. `features.rs` holds a pair's features and the model
//! over them, `fit.rs` the fitting, `text.rs` what is read in a text, `order.rs` which
//! pairs a library orders on purpose, `scorer.rs` the features of one library's pairs.

mod features;
mod fit;
mod likeness;
mod order;
mod scorer;
mod text;

use std::collections::HashSet;

use fixedbitset::FixedBitSet;

use model::Level;
use rayon::prelude::*;

use crate::Graph;

pub use self::features::{
    Features, Model, FEATURE_NAMES, LEFT_OUT_DIRECTION, PAIR_FEATURES, PAIR_INPUTS, VECTOR_MODEL,
    WORD_MODEL,
};
pub use self::fit::{fit_logistic, LEARNING_STRENGTH};
use self::scorer::{waves, Rows, BLOCK};
pub use self::scorer::{Neighbourhood, Scorer};

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
    /// Which of the project's libraries holds it (modules of one library come together,
    /// in its order) and where in it (`/`-separated; empty when the library has no
    /// paths): library order says which comes first only where an author chose it, not
    /// where files were merely sorted by name (see [`Scorer`]).
    pub library: usize,
    pub path: &'a str,
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

/// At most this many suggestions end at one module, so one hub does not take all.
pub const PER_MODULE: usize = 3;

/// Suggests up to `limit` edges, best first. Of the two directions of a pair only the
/// likelier is considered; an edge already implied by `graph` or by stronger suggestions
/// (a path either way) is skipped, and a kept one that a likely (confidence ≥ 0.5) weaker
/// suggestion then bridges (a longer path alongside it) is dropped: no suggested edge is
/// redundant beside the graph and the likely suggestions. A pair in `dismissed` (a
/// person said it is no prerequisite) is left out either way round, and implies nothing.
pub fn suggest(
    graph: &Graph,
    modules: &[ModuleText<'_>],
    signals: Signals,
    limit: usize,
    dismissed: &HashSet<(usize, usize)>,
) -> Vec<Suggestion> {
    suggest_watched(graph, modules, signals, limit, dismissed, &mut |_| true)
        .expect("nothing stops it")
}

/// [`suggest`], telling `progress` how far it is (0 to 1) every so often — it compares
/// every pair of modules, which takes seconds from a few thousand on; `None` when
/// `progress` answers false.
pub fn suggest_watched(
    graph: &Graph,
    modules: &[ModuleText<'_>],
    signals: Signals,
    limit: usize,
    dismissed: &HashSet<(usize, usize)>,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Option<Vec<Suggestion>> {
    suggest_remembering(
        graph, modules, signals, limit, dismissed, &mut None, progress,
    )
}

/// [`suggest_watched`], keeping what it works out first about the modules themselves in
/// `known` for the next request: while no module's text or vector has changed (edges,
/// dismissals and the limit may), the next one skips comparing every module with all the
/// others, and gives the same suggestions.
pub fn suggest_remembering(
    graph: &Graph,
    modules: &[ModuleText<'_>],
    signals: Signals,
    limit: usize,
    dismissed: &HashSet<(usize, usize)>,
    known: &mut Option<Neighbourhood>,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Option<Vec<Suggestion>> {
    suggest_about(
        graph, modules, signals, None, limit, dismissed, known, progress,
    )
}

/// [`suggest_remembering`] of the edges into and out of one module, `about` (a node
/// index), or of every module when `None`. One module's is what a designer asks when
/// deciding where it goes: only its pairs are scored, by the same models as every pair
/// is, so a suggestion here has the confidence and evidence [`suggest`] gives the same
/// pair; and as all end at or start from it, the [`PER_MODULE`] bound does not hold (it
/// would stop at three prerequisites). Its pairs take moments; finding each module's
/// nearest, the first time, still compares them all.
#[allow(clippy::too_many_arguments)] // `suggest_remembering`'s, and the module asked about
pub fn suggest_about(
    graph: &Graph,
    modules: &[ModuleText<'_>],
    signals: Signals,
    about: Option<usize>,
    limit: usize,
    dismissed: &HashSet<(usize, usize)>,
    known: &mut Option<Neighbourhood>,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Option<Vec<Suggestion>> {
    let wanted = match about {
        Some(m) => {
            assert!(m < modules.len(), "module {m} is one of the modules");
            limit
        }
        None => limit.saturating_mul(64).max(4096),
    };
    suggest_keeping(
        graph,
        modules,
        signals,
        (limit, wanted),
        about,
        dismissed,
        known,
        progress,
    )
}

/// Of the time [`suggest`] takes, about the share spent finding each module's nearest
/// (the rest goes on scoring the pairs), compared by vectors and by words, measured at
/// 10,000 modules: 2.7 s of about 10.4 by vectors (after 0.4 s of reading texts that
/// reports nothing; 2026-12-04) and 3.7 s of 21.3 by words (`bench --only suggest`). When
/// the nearest are remembered from the request before, that part is skipped and the bar
/// starts at this share.
const NEAREST_SHARE: [f64; 2] = [0.3, 0.2];

/// [`suggest_remembering`] of `limit` suggestions, keeping the `wanted` best pairs at first;
/// only the pairs of the module `about`, when there is one.
#[allow(clippy::too_many_arguments)] // the two public ones', and how they differ
fn suggest_keeping(
    graph: &Graph,
    modules: &[ModuleText<'_>],
    signals: Signals,
    (limit, mut wanted): (usize, usize),
    about: Option<usize>,
    dismissed: &HashSet<(usize, usize)>,
    known: &mut Option<Neighbourhood>,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Option<Vec<Suggestion>> {
    let n = modules.len();
    let whole = n.max(1) as f64;
    let share = NEAREST_SHARE[usize::from(modules.iter().any(|m| m.vector.is_none()))];
    // Learned from the prerequisites the graph already has, so a project that orders its
    // modules its own way is suggested edges its way.
    let scorer = Scorer::watched(modules, signals, known, &mut |done| {
        progress(share * done as f64 / whole)
    })?
    .learning_from(&graph.edges(), LEARNING_STRENGTH);
    let reach = Reach::new(graph);
    if let Some(m) = about {
        let scored = pairs_of(&scorer, (m, n), &reach, dismissed);
        if !progress(1.0) {
            return None;
        }
        return Some(described(&scorer, choose(&reach, scored, n, limit, limit)));
    }
    // Only the best pairs are kept, enough for the choice to reach `limit` (it skips
    // some); should it run out first, more are scored. Either way it sees the same pairs
    // in the same order as it would with every pair.
    let pairs = (n * n.saturating_sub(1) / 2).max(1) as f64;
    let kept = loop {
        let (scored, total) = best_pairs(&scorer, n, &reach, dismissed, wanted, &mut |done| {
            // At most the whole (0.2 + 0.8 is a little over 1 in floating point).
            progress((share + (1.0 - share) * done as f64 / pairs).min(1.0))
        })?;
        let every = scored.len() == total;
        let kept = choose(&reach, scored, n, limit, PER_MODULE);
        if every || kept.len() == limit {
            break kept;
        }
        wanted = wanted.saturating_mul(8);
    };
    Some(described(&scorer, kept))
}

/// The suggestions `kept`, each with its evidence.
fn described(scorer: &Scorer<'_>, kept: Vec<Scored>) -> Vec<Suggestion> {
    kept.into_iter()
        .map(|(confidence, before, after)| Suggestion {
            before,
            after,
            confidence,
            evidence: scorer.evidence(before, after, &scorer.features(before, after)),
        })
        .collect()
}

/// A scored pair: confidence, before, after.
type Scored = (f64, usize, usize);

/// Best first; of two equally likely, the one ending at the earlier module, then starting
/// at the earlier one.
fn best_first(x: &Scored, y: &Scored) -> std::cmp::Ordering {
    y.0.total_cmp(&x.0).then((x.2, x.1).cmp(&(y.2, y.1)))
}

/// The `wanted` best pairs not already joined by the graph nor dismissed, best first, and
/// how many there were in all. Each pair is scored once, in its likelier direction (the
/// earlier module first on a tie): the reverse's features are these reversed, and its
/// direction log-odds negated. Blocks of rows are scored in parallel, a wave at a time;
/// the pairs kept do not depend on how they were split, as `best_first` orders every pair.
/// `progress` hears how many pairs have been scored after each wave; `None` when it
/// answers false.
fn best_pairs(
    scorer: &Scorer<'_>,
    n: usize,
    reach: &Reach,
    dismissed: &HashSet<(usize, usize)>,
    wanted: usize,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Option<(Vec<Scored>, usize)> {
    let best = |mut v: Vec<Scored>| {
        if v.len() > wanted {
            v.select_nth_unstable_by(wanted - 1, best_first);
            v.truncate(wanted);
        }
        v
    };
    let (mut scored, mut total) = (Vec::new(), 0);
    for wave in waves(n.div_ceil(BLOCK)) {
        let end = n.min(wave.end * BLOCK);
        let (v, t) = wave
            .into_par_iter()
            .fold(
                || (Vec::new(), 0usize, Rows::default()),
                |(mut v, mut total, mut rows), k| {
                    let block = k * BLOCK..n.min((k + 1) * BLOCK);
                    scorer.rows(block.clone(), &mut rows);
                    for x in block {
                        for y in x + 1..n {
                            if !open(reach, dismissed, x, y) {
                                continue;
                            }
                            v.push(likelier(scorer, x, y, scorer.features_in(&rows, x, y)));
                            total += 1;
                        }
                        if v.len() >= wanted.saturating_mul(2) {
                            v = best(v);
                        }
                    }
                    (v, total, rows)
                },
            )
            .map(|(v, total, _)| (v, total))
            .reduce(
                || (Vec::new(), 0),
                |(mut v, s), (w, t)| {
                    v.extend(w);
                    (best(v), s + t)
                },
            );
        scored.extend(v);
        scored = best(scored);
        total += t;
        // The pairs of the modules before `end` with the later ones.
        if !progress(end * n - end * (end + 1) / 2) {
            return None;
        }
    }
    scored.sort_unstable_by(best_first);
    Some((scored, total))
}

/// The pairs of module `m` with every other of the `n` not already joined by the graph nor
/// dismissed, each in its likelier direction as in [`best_pairs`], best first.
fn pairs_of(
    scorer: &Scorer<'_>,
    (m, n): (usize, usize),
    reach: &Reach,
    dismissed: &HashSet<(usize, usize)>,
) -> Vec<Scored> {
    let mut scored: Vec<Scored> = (0..n)
        .filter(|&y| y != m)
        .map(|y| (m.min(y), m.max(y)))
        .filter(|&(x, y)| open(reach, dismissed, x, y))
        .map(|(x, y)| likelier(scorer, x, y, scorer.features(x, y)))
        .collect();
    scored.sort_unstable_by(best_first);
    scored
}

/// Whether the pair `x`, `y` may be suggested: not joined by the graph either way, nor
/// dismissed either way round.
fn open(reach: &Reach, dismissed: &HashSet<(usize, usize)>, x: usize, y: usize) -> bool {
    !reach.connected(x, y) && !dismissed.contains(&(x, y)) && !dismissed.contains(&(y, x))
}

/// The pair `x`, `y` with features `f` (read `x` before `y`), scored in its likelier
/// direction: the reverse's features are these reversed, and its direction log-odds negated.
fn likelier(scorer: &Scorer<'_>, x: usize, y: usize, f: Features) -> Scored {
    let (a, b, f) = if scorer.model().direction(&f) >= 0.0 {
        (x, y, f)
    } else {
        (y, x, f.reversed())
    };
    (scorer.confidence(&f), a, b)
}

/// Walks `scored` best first and keeps up to `limit`: it skips what the graph and the
/// stronger suggestions already imply (or would turn into a cycle), and takes at most
/// `per_module` into one module. A later suggestion a → b can make a kept one x → y a
/// shortcut (x → … → a → b → … → y): when a → b is likelier than not, the path is
/// believed and the shortcut dropped (`graph check` would call it redundant; its place
/// goes to the next). A doubtful a → b pushes out nothing; both stay for a person to judge.
fn choose(
    reach: &Reach,
    scored: Vec<Scored>,
    n: usize,
    limit: usize,
    per_module: usize,
) -> Vec<Scored> {
    let mut into = vec![0usize; n];
    let mut added: Vec<(usize, usize)> = Vec::new();
    let mut kept: Vec<Scored> = Vec::new();
    for s in scored {
        if kept.len() == limit {
            break;
        }
        let (confidence, a, b) = s;
        if into[b] == per_module || reach.through(a, b, &added) || reach.through(b, a, &added) {
            continue;
        }
        if confidence >= 0.5 {
            let upstream = reach.around(a, &added, false);
            let downstream = reach.around(b, &added, true);
            let shortcut = |x: usize, y: usize| upstream.contains(&x) && downstream.contains(&y);
            kept.retain(|k| {
                if shortcut(k.1, k.2) {
                    into[k.2] -= 1;
                    return false;
                }
                true
            });
            added.retain(|e| !shortcut(e.0, e.1));
        }
        into[b] += 1;
        added.push((a, b));
        kept.push(s);
    }
    kept
}

/// Reachability for "is there already a path", computed once per node, as one bit per
/// pair (a chain of 10,000 modules is 12.5 MB each way, where sets of numbers took 2 GB).
pub(crate) struct Reach {
    down: Vec<FixedBitSet>,
    up: Vec<FixedBitSet>,
}

impl Reach {
    pub(crate) fn new(graph: &Graph) -> Reach {
        let n = graph.nodes().len();
        let mut next = vec![Vec::new(); n];
        for (before, after) in graph.edges() {
            next[before].push(after);
        }
        let mut down = vec![FixedBitSet::with_capacity(n); n];
        let mut up = vec![FixedBitSet::with_capacity(n); n];
        // A walk from each node, its bits its visits (itself left out, even on a cycle).
        let mut stack = Vec::new();
        for (from, below) in down.iter_mut().enumerate() {
            stack.extend(&next[from]);
            while let Some(x) = stack.pop() {
                if x != from && !below.put(x) {
                    stack.extend(&next[x]);
                    up[x].insert(from);
                }
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
            for y in sets[x].ones() {
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
        self.down[a].contains(b) || self.down[b].contains(a)
    }

    /// Whether `to` can be reached from `from` along the graph's edges and `added` ones.
    fn through(&self, from: usize, to: usize, added: &[(usize, usize)]) -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![from];
        while let Some(x) = stack.pop() {
            if x == to || self.down[x].contains(to) {
                return true;
            }
            if !seen.insert(x) {
                continue;
            }
            for &(s, t) in added {
                if s == x || self.down[x].contains(s) {
                    stack.push(t);
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Edge, Node};
    use model::PrerequisiteGroup;

    /// What `suggest` gave before it kept only the best pairs and read each module's
    /// similarities once: every pair scored anew, sorted, then chosen; with `about`, only
    /// the pairs of that module, and as many into it as the limit.
    fn every_pair(
        graph: &Graph,
        modules: &[ModuleText<'_>],
        limit: usize,
        dismissed: &HashSet<(usize, usize)>,
        about: Option<usize>,
    ) -> Vec<Suggestion> {
        let n = modules.len();
        let scorer = Scorer::new(modules, Signals { titles: true })
            .learning_from(&graph.edges(), LEARNING_STRENGTH);
        let reach = Reach::new(graph);
        let mut scored = Vec::new();
        for x in 0..n {
            for y in x + 1..n {
                if reach.connected(x, y)
                    || dismissed.contains(&(x, y))
                    || dismissed.contains(&(y, x))
                    || about.is_some_and(|m| m != x && m != y)
                {
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
        scored.sort_by(best_first);
        let per_module = if about.is_some() { limit } else { PER_MODULE };
        described(&scorer, choose(&reach, scored, n, limit, per_module))
    }

    /// Repeatable numbers below a bound (xorshift from `seed`), for random libraries.
    fn numbers(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |below| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below as u64) as usize
        }
    }

    #[test]
    fn keeping_only_the_best_pairs_suggests_what_scoring_every_pair_does() {
        let mut next = numbers(0x2545_f491_4f6c_dd1d);
        let vocabulary = [
            "data", "charts", "sql", "joins", "models", "bias", "sampling", "tables",
        ];
        // The last case spans two waves of blocks (more than 512 modules).
        let mut known = None;
        // Cases where more than PER_MODULE suggestions about one module lead into it.
        let mut more_than_the_bound = 0;
        // Suggestions about one module also among those about every module.
        let mut shared = 0;
        for case in 0..61 {
            let n = if case == 60 { 600 } else { 2 + next(40) };
            let by_vectors = case % 2 == 0;
            let titles: Vec<String> = (0..n)
                .map(|_| {
                    (0..1 + next(3))
                        .map(|_| vocabulary[next(vocabulary.len())])
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            let bodies: Vec<String> = (0..n)
                .map(|i| {
                    let mut body: Vec<String> = (0..5 + next(20))
                        .map(|_| vocabulary[next(vocabulary.len())].to_owned())
                        .collect();
                    if next(4) == 0 {
                        body.push(format!(
                            "\nBefore this module: complete {}.",
                            titles[next(n)]
                        ));
                    }
                    if next(5) == 0 {
                        body.push(format!("**{}** is defined here.", vocabulary[i % 8]));
                    }
                    body.join(" ")
                })
                .collect();
            // Few distinct vectors, so that some pairs tie to the bit.
            let vectors: Vec<Vec<f32>> = (0..n)
                .map(|_| {
                    let mut v: Vec<f32> = (0..12).map(|_| next(5) as f32 - 2.0).collect();
                    v[next(12)] += 0.5;
                    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                    v.iter().map(|x| x / norm).collect()
                })
                .collect();
            let tags: Vec<Vec<String>> = (0..n)
                .map(|_| (0..next(3)).map(|_| format!("skill-{}", next(4))).collect())
                .collect();
            let paths: Vec<String> = (0..n).map(|i| format!("{:02}-part", i)).collect();
            let modules: Vec<ModuleText<'_>> = (0..n)
                .map(|i| ModuleText {
                    title: &titles[i],
                    body: &bodies[i],
                    tags: &tags[i],
                    level: [None, Some(Level::Beginner), Some(Level::Advanced)][next(3)],
                    vector: by_vectors.then(|| vectors[i].as_slice()),
                    library: usize::from(i * 3 > n * 2),
                    path: &paths[i],
                })
                .collect();
            let edges: Vec<Edge> = (0..next(n))
                .map(|_| (next(n), next(n)))
                .filter(|(b, a)| b < a)
                .map(|(before, after)| Edge {
                    before,
                    after,
                    group: PrerequisiteGroup::AllOf,
                })
                .collect();
            let nodes = (0..n)
                .map(|i| Node {
                    id: i.to_string(),
                    name: titles[i].clone(),
                })
                .collect();
            let graph = Graph::new(nodes, &edges);
            let dismissed: HashSet<(usize, usize)> =
                (0..next(4)).map(|_| (next(n), next(n))).collect();
            let limit = 1 + next(25);
            let wanted = 1 + next(30);
            let expected = every_pair(&graph, &modules, limit, &dismissed, None);
            // `known` comes from the case before, other modules: it must be worked out
            // anew, then serve the second request as it is.
            for request in ["first", "second"] {
                let found = suggest_keeping(
                    &graph,
                    &modules,
                    Signals { titles: true },
                    (limit, wanted),
                    None,
                    &dismissed,
                    &mut known,
                    &mut |_| true,
                )
                .expect("nothing stops it");
                assert_eq!(
                    found,
                    expected,
                    "case {case} ({n} modules, by {}, limit {limit}, {wanted} pairs kept at first, \
                     {request} request): keeping the best pairs (more when the choice runs out), \
                     reading each module's similarities once and remembering each one's nearest \
                     must suggest exactly what scoring every pair does",
                    if by_vectors { "vectors" } else { "words" }
                );
            }
            let m = next(n);
            let about = suggest_about(
                &graph,
                &modules,
                Signals { titles: true },
                Some(m),
                limit,
                &dismissed,
                &mut known,
                &mut |_| true,
            )
            .expect("nothing stops it");
            assert_eq!(
                about,
                every_pair(&graph, &modules, limit, &dismissed, Some(m)),
                "case {case}: asked about module {m}, the suggestions are what scoring its                  pairs anew and choosing among them alone gives"
            );
            let all = every_pair(&graph, &modules, n * n, &dismissed, None);
            for s in &about {
                assert!(
                    s.before == m || s.after == m,
                    "case {case}: a suggestion about module {m} starts or ends there: {s:?}"
                );
                if let Some(same) = all
                    .iter()
                    .find(|t| (t.before, t.after) == (s.before, s.after))
                {
                    shared += 1;
                    assert_eq!(
                        (same.confidence, &same.evidence),
                        (s.confidence, &s.evidence),
                        "case {case}: a pair is scored and explained the same whether asked                          about one module or all"
                    );
                }
            }
            if about.iter().filter(|s| s.after == m).count() > PER_MODULE {
                more_than_the_bound += 1;
            }
        }
        assert!(
            shared > 0,
            "some suggestions about one module are also suggested about every module, so \
             their scores and evidence were compared"
        );
        assert!(
            more_than_the_bound > 0,
            "in some case more than {PER_MODULE} suggestions lead into the module asked about:              the bound on suggestions into one module is for the whole graph, not for the              prerequisites of the module a designer asks about"
        );
    }

    /// Titles and texts of 600 modules compared by words: two waves of blocks.
    fn wordy() -> (Vec<String>, Vec<String>) {
        let titles = (0..600).map(|i| format!("module {i}")).collect();
        let bodies = (0..600)
            .map(|i| format!("topic{} topic{} shared words", i % 7, i % 11))
            .collect();
        (titles, bodies)
    }

    fn module_texts<'a>(titles: &'a [String], bodies: &'a [String]) -> Vec<ModuleText<'a>> {
        titles
            .iter()
            .zip(bodies)
            .map(|(title, body)| ModuleText {
                title,
                body,
                tags: &[],
                level: None,
                vector: None,
                library: 0,
                path: "",
            })
            .collect()
    }

    fn nodes(titles: &[String]) -> Vec<Node> {
        titles
            .iter()
            .enumerate()
            .map(|(i, name)| Node {
                id: i.to_string(),
                name: name.clone(),
            })
            .collect()
    }

    #[test]
    fn progress_rises_to_the_end_and_stops_the_work_when_it_says_so() {
        let (titles, bodies) = wordy();
        let modules = module_texts(&titles, &bodies);
        let graph = Graph::new(nodes(&titles), &[]);
        let run = |stop_at: Option<usize>| {
            let mut heard: Vec<f64> = Vec::new();
            let found = suggest_watched(
                &graph,
                &modules,
                Signals { titles: true },
                20,
                &HashSet::new(),
                &mut |at| {
                    heard.push(at);
                    Some(heard.len()) != stop_at
                },
            );
            (found, heard)
        };
        let (found, heard) = run(None);
        assert_eq!(
            found.as_deref(),
            Some(
                suggest(
                    &graph,
                    &modules,
                    Signals { titles: true },
                    20,
                    &HashSet::new()
                )
                .as_slice()
            ),
            "watched, the suggestions are the same as unwatched"
        );
        assert!(
            heard.len() >= 4 && heard.windows(2).all(|w| w[0] <= w[1]),
            "progress is told more than once in each pass (600 modules are two waves of \
             blocks), never going back: {heard:?}"
        );
        assert_eq!(
            heard.last().copied(),
            Some(1.0),
            "progress ends at the whole: {heard:?}"
        );
        for stop_at in [1, heard.len() - 1] {
            let (found, told) = run(Some(stop_at));
            assert!(
                found.is_none() && told.len() == stop_at,
                "told to stop at report {stop_at} (of {}), it stops there, with nothing: {told:?}",
                heard.len()
            );
        }
    }

    #[test]
    fn what_is_remembered_of_the_modules_serves_only_those_modules() {
        let (titles, mut bodies) = wordy();
        let nodes = nodes(&titles);
        let drawn = |k: usize| -> Graph {
            let edges: Vec<Edge> = (0..k)
                .map(|i| Edge {
                    before: i,
                    after: i + 300,
                    group: PrerequisiteGroup::AllOf,
                })
                .collect();
            Graph::new(nodes.clone(), &edges)
        };
        let mut known = None;
        // (what changed, the graph, whether the modules' own comparison is remembered)
        for (step, graph, edited, remembered) in [
            ("the first request", drawn(0), false, false),
            ("an edge drawn", drawn(1), false, true),
            ("two more edges", drawn(3), false, true),
            ("one module's text edited", drawn(3), true, false),
            ("nothing", drawn(3), false, true),
        ] {
            if edited {
                bodies[42] = "an edited text about other things entirely".to_owned();
            }
            let modules = module_texts(&titles, &bodies);
            let mut heard: Vec<f64> = Vec::new();
            let found = suggest_remembering(
                &graph,
                &modules,
                Signals { titles: true },
                20,
                &HashSet::new(),
                &mut known,
                &mut |at| {
                    heard.push(at);
                    true
                },
            );
            let fresh = suggest(
                &graph,
                &modules,
                Signals { titles: true },
                20,
                &HashSet::new(),
            );
            assert_eq!(
                found.as_ref(),
                Some(&fresh),
                "after {step}: the same suggestions as worked out from nothing"
            );
            // Comparing every module with the others is the first fifth of the bar by words.
            let compared = heard.iter().any(|at| *at < NEAREST_SHARE[1]);
            assert_eq!(
                compared, !remembered,
                "after {step}: every module is compared with the others again only when a module's text changed (or at first): {heard:?}"
            );
        }
    }

    #[test]
    fn reach_is_every_path_of_the_graph_cycles_included() {
        let mut next = numbers(0x9e37_79b9_7f4a_7c15);
        for case in 0..40 {
            let n = 1 + next(30);
            // Either way round, so that some graphs have cycles.
            let edges: Vec<Edge> = (0..next(2 * n))
                .map(|_| Edge {
                    before: next(n),
                    after: next(n),
                    group: PrerequisiteGroup::AllOf,
                })
                .collect();
            let nodes = (0..n)
                .map(|i| Node {
                    id: i.to_string(),
                    name: i.to_string(),
                })
                .collect();
            let graph = Graph::new(nodes, &edges);
            let reach = Reach::new(&graph);
            for a in 0..n {
                let below = graph.descendants(a);
                for b in 0..n {
                    assert_eq!(
                        (reach.down[a].contains(b), reach.up[b].contains(a)),
                        (below.contains(&b), below.contains(&b)),
                        "case {case}: {a} reaches {b} in the bits (both ways) as in the graph's \
                         own walk, a node on a cycle not counted as its own descendant"
                    );
                }
            }
        }
    }
}
