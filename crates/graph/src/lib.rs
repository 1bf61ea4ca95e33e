//! The prerequisite graph as algorithms: cycle checks for edits and the linter, on a
//! petgraph built from plain nodes and edges. No database, no ids beyond what it is given.
//!
//! Every algorithm here is iterative (a 100,000-module chain must not overflow the stack)
//! and avoids building a transitive closure (cubic on deep graphs): redundant edges are
//! found by searches bounded by topological position.

mod layout;
mod lint;
mod order;
mod suggest;
mod track;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use model::PrerequisiteGroup;

pub use layout::{layered, Slot};
pub use lint::{lint, lint_with};
pub use order::{order, ranks};
pub use suggest::{
    fit_logistic, suggest, suggest_about, suggest_remembering, suggest_watched, Features, Model,
    ModuleText, Neighbourhood, Scorer, Signals, Suggestion, FEATURE_NAMES, LEARNING_STRENGTH,
    LEFT_OUT_DIRECTION, PAIR_FEATURES, PAIR_INPUTS, PER_MODULE, VECTOR_MODEL, WORD_MODEL,
};
pub use track::{
    derived_edges, lint_curriculum, lint_skills, track_path, Curriculum, Path, Reason, SkillSpec,
    TrackSpec, LONG_CRITICAL_PATH_MINUTES,
};

/// Whether `f` is a cycle (or a self-loop): the findings that leave a graph with no valid
/// order, which tracks, simulations and exports refuse to run on.
pub fn is_cycle(f: &model::Finding) -> bool {
    f.severity == model::Severity::Error
        && matches!(
            f.code,
            model::FindingCode::Cycle | model::FindingCode::SelfLoop
        )
}

/// A module as the graph sees it.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub name: String,
}

/// `before` → `after`, by index into the node list.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    pub before: usize,
    pub after: usize,
    pub group: PrerequisiteGroup,
}

/// A prerequisite graph ready to be checked.
#[derive(Debug)]
pub struct Graph {
    nodes: Vec<Node>,
    g: DiGraph<(), PrerequisiteGroup, u32>,
}

impl Graph {
    pub fn new(nodes: Vec<Node>, edges: &[Edge]) -> Graph {
        let mut g = DiGraph::with_capacity(nodes.len(), edges.len());
        for _ in &nodes {
            g.add_node(());
        }
        for e in edges {
            g.add_edge(NodeIndex::new(e.before), NodeIndex::new(e.after), e.group);
        }
        Graph { nodes, g }
    }

    /// Each node's depth: the longest chain of prerequisites before it (0 for a node
    /// with none). `None` when the graph has a cycle, where depth means nothing.
    pub fn depths(&self) -> Option<Vec<usize>> {
        let order = petgraph::algo::toposort(&self.g, None).ok()?;
        let mut depth = vec![0usize; self.nodes.len()];
        for n in order {
            let d = self
                .g
                .edges_directed(n, Direction::Incoming)
                .map(|e| depth[e.source().index()] + 1)
                .max()
                .unwrap_or(0);
            depth[n.index()] = d;
        }
        Some(depth)
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Every edge as (before, after) node indices.
    pub fn edges(&self) -> Vec<(usize, usize)> {
        self.g
            .edge_references()
            .map(|e| (e.source().index(), e.target().index()))
            .collect()
    }

    /// If adding `before → after` would close a cycle, the cycle it would close, as node
    /// indices from `before` round to `before` again; `None` when the edge is safe.
    pub fn cycle_if_added(&self, before: usize, after: usize) -> Option<Vec<usize>> {
        if before == after {
            return Some(vec![before, before]);
        }
        // The edge closes a cycle exactly when `before` is already reachable from `after`.
        let path = self.path(NodeIndex::new(after), NodeIndex::new(before))?;
        let mut cycle = vec![before];
        cycle.extend(path.into_iter().map(NodeIndex::index));
        Some(cycle)
    }

    /// A shortest path from `from` to `to` (both included), by breadth-first search.
    fn path(&self, from: NodeIndex, to: NodeIndex) -> Option<Vec<NodeIndex>> {
        let mut parent = vec![u32::MAX; self.g.node_count()];
        parent[from.index()] = from.index() as u32;
        let mut queue = std::collections::VecDeque::from([from]);
        while let Some(n) = queue.pop_front() {
            if n == to {
                let mut path = vec![to];
                let mut at = to;
                while at != from {
                    at = NodeIndex::new(parent[at.index()] as usize);
                    path.push(at);
                }
                path.reverse();
                return Some(path);
            }
            for next in self.g.neighbors_directed(n, Direction::Outgoing) {
                if parent[next.index()] == u32::MAX {
                    parent[next.index()] = n.index() as u32;
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// "A → B → C", by node names.
    pub fn describe(&self, path: &[usize]) -> String {
        path.iter()
            .map(|&i| format!("“{}”", self.nodes[i].name))
            .collect::<Vec<_>>()
            .join(" → ")
    }

    /// Every node reachable from `from` (not including it), by iterative search.
    pub fn descendants(&self, from: usize) -> std::collections::HashSet<usize> {
        use petgraph::visit::{Dfs, Walker};
        Dfs::new(&self.g, NodeIndex::new(from))
            .iter(&self.g)
            .map(|n| n.index())
            .filter(|&n| n != from)
            .collect()
    }

    fn incoming_groups(&self, n: NodeIndex) -> Vec<(NodeIndex, PrerequisiteGroup)> {
        self.g
            .edges_directed(n, Direction::Incoming)
            .map(|e| (e.source(), *e.weight()))
            .collect()
    }
}

#[cfg(test)]
mod tests;
