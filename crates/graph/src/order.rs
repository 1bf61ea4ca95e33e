//! The one topological order: every module after its prerequisites, the earliest library
//! position first among those ready, so the order is stable and reads like the library.
//! Layouts, track paths, simulated catalogue walks and LMS exports all use it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use petgraph::visit::EdgeRef;

use crate::Graph;

/// Nodes `0..n` with each after its prerequisites (`pairs` are (before, after)), by Kahn's
/// algorithm taking the lowest index among the nodes ready; nodes on a cycle, or behind
/// one, follow in index order. Pairs naming a node outside `0..n`, and self-loops, are
/// ignored.
pub fn order(n: usize, pairs: &[(usize, usize)]) -> Vec<usize> {
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(b, a) in pairs {
        if b < n && a < n && b != a {
            succs[b].push(a);
        }
    }
    kahn(&succs, &vec![true; n])
}

/// Each node's place among the graph's strongly connected components in topological order
/// (a cycle is one place): a path `a → … → b` exists only if `ranks[a] <= ranks[b]`, so a
/// search for one can stop at once, or skip whatever lies past `b`.
pub fn ranks(n: usize, pairs: &[(usize, usize)]) -> Vec<usize> {
    let mut g = petgraph::graph::DiGraph::<(), (), u32>::with_capacity(n, pairs.len());
    for _ in 0..n {
        g.add_node(());
    }
    for &(b, a) in pairs {
        if b < n && a < n {
            g.add_edge(
                petgraph::graph::NodeIndex::new(b),
                petgraph::graph::NodeIndex::new(a),
                (),
            );
        }
    }
    // kosaraju_scc is iterative and yields components in reverse topological order.
    let sccs = petgraph::algo::kosaraju_scc(&g);
    let mut rank = vec![0; n];
    for (at, scc) in sccs.iter().rev().enumerate() {
        for node in scc {
            rank[node.index()] = at;
        }
    }
    rank
}

impl Graph {
    /// The graph's nodes in [`order`].
    pub fn order(&self) -> Vec<usize> {
        self.order_within(&vec![true; self.nodes.len()])
    }

    /// The nodes marked in `keep`, in [`order`] over the edges between them.
    pub(crate) fn order_within(&self, keep: &[bool]) -> Vec<usize> {
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for e in self.g.edge_references() {
            let (b, a) = (e.source().index(), e.target().index());
            if b != a {
                succs[b].push(a);
            }
        }
        kahn(&succs, keep)
    }
}

fn kahn(succs: &[Vec<usize>], keep: &[bool]) -> Vec<usize> {
    let n = succs.len();
    let mut waiting = vec![0usize; n];
    for (b, next) in succs.iter().enumerate() {
        if keep[b] {
            for &a in next.iter().filter(|&&a| keep[a]) {
                waiting[a] += 1;
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..n)
        .filter(|&i| keep[i] && waiting[i] == 0)
        .map(Reverse)
        .collect();
    let mut out = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    while let Some(Reverse(v)) = ready.pop() {
        out.push(v);
        placed[v] = true;
        for &w in succs[v].iter().filter(|&&w| keep[w]) {
            waiting[w] -= 1;
            if waiting[w] == 0 {
                ready.push(Reverse(w));
            }
        }
    }
    out.extend((0..n).filter(|&i| keep[i] && !placed[i]));
    out
}

#[cfg(test)]
mod tests {
    use super::order;

    fn check(n: usize, pairs: &[(usize, usize)], expected: &[usize], why: &str) {
        assert_eq!(order(n, pairs), expected, "{why}");
    }

    #[test]
    fn ranks_put_a_cycle_in_one_place_and_paths_only_forwards() {
        let pairs = [(0, 1), (1, 2), (2, 1), (2, 3), (4, 0)];
        let r = super::ranks(5, &pairs);
        assert_eq!(r[1], r[2], "a cycle's modules share one place");
        for &(b, a) in &pairs {
            assert!(r[b] <= r[a], "every edge runs forwards: {b} → {a} in {r:?}");
        }
        assert!(
            r[4] < r[0] && r[0] < r[1] && r[2] < r[3],
            "in the chain's order: {r:?}"
        );
    }

    #[test]
    fn puts_each_node_after_its_prerequisites_earliest_first() {
        check(
            3,
            &[],
            &[0, 1, 2],
            "without prerequisites the order is the library's",
        );
        check(
            3,
            &[(2, 0)],
            &[1, 2, 0],
            "a prerequisite comes first; ties by lowest index",
        );
        check(
            4,
            &[(0, 3), (1, 2)],
            &[0, 1, 2, 3],
            "a node ready sooner but later in the library waits its turn by index",
        );
        check(
            4,
            &[(1, 2), (2, 1), (0, 3)],
            &[0, 3, 1, 2],
            "nodes on a cycle follow the others in index order",
        );
        check(
            2,
            &[(0, 0), (0, 9)],
            &[0, 1],
            "self-loops and pairs out of range are ignored",
        );
    }
}
