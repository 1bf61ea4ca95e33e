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
mod order;
mod scorer;
mod text;

use std::collections::HashSet;

use model::Level;

use crate::Graph;

pub use self::features::{
    Features, Model, FEATURE_NAMES, LEFT_OUT_DIRECTION, PAIR_FEATURES, PAIR_INPUTS, VECTOR_MODEL,
    WORD_MODEL,
};
pub use self::fit::{fit_logistic, LEARNING_STRENGTH};
pub use self::scorer::Scorer;

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
    let n = modules.len();
    // Learned from the prerequisites the graph already has, so a project that orders its
    // modules its own way is suggested edges its way.
    let scorer = Scorer::new(modules, signals).learning_from(&graph.edges(), LEARNING_STRENGTH);
    let reach = Reach::new(graph);
    let mut scored: Vec<(f64, usize, usize)> = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    // Each pair once, in its likelier direction (the earlier module first on a tie): the
    // reverse's features are these reversed, and its direction log-odds negated.
    for x in 0..n {
        for y in x + 1..n {
            if reach.connected(x, y) || dismissed.contains(&(x, y)) || dismissed.contains(&(y, x)) {
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
    kept.into_iter()
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
