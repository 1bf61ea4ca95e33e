//! The graph linter: every problem a prerequisite graph can have that makes a curriculum
//! wrong or confusing, each explained with the modules involved and a fix.

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use model::{Finding, FindingCode, PrerequisiteGroup, Severity};

use crate::Graph;

/// Every finding in `graph`, most serious first; what a cause (a cycle, a self-loop, an
/// impossible requirement) blocks downstream is one finding per cause.
pub fn lint(graph: &Graph) -> Vec<Finding> {
    lint_with(graph, false)
}

/// [`lint`], with `each`: one finding per blocked module instead of one per cause.
pub fn lint_with(graph: &Graph, each: bool) -> Vec<Finding> {
    let g = &graph.g;
    let mut out = Vec::new();
    let finding = |code, severity, nodes: &[usize], message: String, fix: String| Finding {
        code,
        severity,
        objects: nodes.iter().map(|&i| graph.nodes[i].id.clone()).collect(),
        message,
        fix,
    };
    let name = |i: usize| format!("“{}”", graph.nodes[i].name);

    // Self-loops.
    for e in g.edge_references().filter(|e| e.source() == e.target()) {
        let n = e.source().index();
        out.push(finding(
            FindingCode::SelfLoop,
            Severity::Error,
            &[n],
            format!("{} requires itself, so it can never be started.", name(n)),
            format!("Remove the prerequisite from {} to itself.", name(n)),
        ));
    }

    // Cycles: one finding per strongly connected component, naming one cycle through it.
    // kosaraju_scc is iterative (petgraph's tarjan_scc recurses and overflows the stack on
    // long chains) and yields components in reverse topological order, which gives every
    // node a position such that edges between components go forwards.
    let (sccs, component, position) = components(graph);
    debug_assert!(
        g.edge_references().all(
            |e| component[e.source().index()] == component[e.target().index()]
                || position[e.source().index()] < position[e.target().index()]
        ),
        "edges between components go forwards in topological position"
    );
    // What each cycle is called in the findings of the modules it blocks, by component.
    let mut cycle_names: std::collections::HashMap<usize, String> = Default::default();
    for scc in sccs.iter().filter(|s| s.len() > 1) {
        let cycle = cycle_in(graph, scc, &component);
        cycle_names.insert(
            component[scc[0].index()],
            format!("the cycle {}", graph.describe(&cycle)),
        );
        let more = scc.len() + 1 - cycle.len();
        let tail = if more > 0 {
            format!(" ({more} more modules are caught in the same loop)")
        } else {
            String::new()
        };
        out.push(finding(
            FindingCode::Cycle,
            Severity::Error,
            &cycle[..cycle.len() - 1],
            format!("Prerequisite cycle: {}{tail}; none of these modules can ever be started.", graph.describe(&cycle)),
            "Remove one edge of the cycle — usually the one from a later, more advanced module back to an earlier one.".to_owned(),
        ));
    }

    // Requirement groups: the edges into a module must agree on how they combine.
    let mut need = vec![0usize; g.node_count()];
    for n in g.node_indices() {
        let incoming = graph.incoming_groups(n);
        let Some(&(_, first)) = incoming.first() else {
            continue;
        };
        let i = n.index();
        need[i] = incoming.len();
        if incoming.iter().any(|&(_, group)| group != first) {
            let mut kinds: Vec<&str> = incoming.iter().map(|(_, g)| g.name()).collect();
            kinds.sort_unstable();
            kinds.dedup();
            out.push(finding(
                FindingCode::MixedGroup,
                Severity::Error,
                &[i],
                format!(
                    "The prerequisites of {} mix {}; it is unclear how they combine.",
                    name(i),
                    kinds.join(" and ")
                ),
                format!("Give every prerequisite of {} the same group.", name(i)),
            ));
            continue;
        }
        match first {
            PrerequisiteGroup::AllOf => {}
            PrerequisiteGroup::AnyOf => {
                need[i] = 1;
                if incoming.len() == 1 {
                    let only = incoming[0].0.index();
                    out.push(finding(
                        FindingCode::SingleMemberAnyOf,
                        Severity::Warning,
                        &[i, only],
                        format!("{} requires “any of” a single module, {}; that is simply a requirement.", name(i), name(only)),
                        format!("Add the alternatives to {}, or make its prerequisite all-of.", name(i)),
                    ));
                }
            }
            PrerequisiteGroup::NOf { n: k } => {
                need[i] = k as usize;
                if k as usize > incoming.len() {
                    out.push(finding(
                        FindingCode::UnsatisfiableNOf,
                        Severity::Error,
                        &[i],
                        format!(
                            "{} requires {k} of its prerequisites but has only {}.",
                            name(i),
                            incoming.len()
                        ),
                        format!(
                            "Lower the number to at most {}, or add prerequisites.",
                            incoming.len()
                        ),
                    ));
                }
            }
        }
    }

    // Modules that can never be started: propagate "startable" from modules that need
    // nothing, honouring all-of / any-of / n-of.
    let mut satisfied = vec![0usize; g.node_count()];
    let mut startable = vec![false; g.node_count()];
    let mut queue: Vec<NodeIndex> = g.node_indices().filter(|n| need[n.index()] == 0).collect();
    for n in &queue {
        startable[n.index()] = true;
    }
    while let Some(n) = queue.pop() {
        for w in g.neighbors_directed(n, Direction::Outgoing) {
            let wi = w.index();
            if startable[wi] {
                continue;
            }
            satisfied[wi] += 1;
            if satisfied[wi] >= need[wi] {
                startable[wi] = true;
                queue.push(w);
            }
        }
    }
    // Everything downstream of a module that can never start is blocked by it too. Report
    // one finding per cause — a cycle, a self-loop, a requirement asking for more modules
    // than it has — naming the modules it blocks (the cause itself has its own finding);
    // a module behind several causes is counted with the first, in graph order.
    let self_loop = |n: NodeIndex| g.contains_edge(n, n);
    let in_cycle = |i: usize| sccs_len(&sccs, component[i]) > 1;
    let is_cause = |n: NodeIndex| {
        let i = n.index();
        !startable[i] && (in_cycle(i) || self_loop(n) || graph.incoming_groups(n).len() < need[i])
    };
    let mut causes: Vec<NodeIndex> = g.node_indices().filter(|&n| is_cause(n)).collect();
    causes.sort_by_key(|n| position[n.index()]);
    let mut blamed = vec![false; g.node_count()];
    for &n in &causes {
        blamed[n.index()] = true;
    }
    // Positions run component by component, so a cycle's modules are one run of `causes`:
    // each run is one cause, searched from all its modules at once.
    for starts in causes.chunk_by(|a, b| component[a.index()] == component[b.index()]) {
        let cause = starts[0];
        let c = cause.index();
        let mut blocked = Vec::new();
        let mut stack = starts.to_vec();
        while let Some(n) = stack.pop() {
            for w in g.neighbors_directed(n, Direction::Outgoing) {
                let wi = w.index();
                if !startable[wi] && !blamed[wi] {
                    blamed[wi] = true;
                    blocked.push(wi);
                    stack.push(w);
                }
            }
        }
        if blocked.is_empty() {
            continue;
        }
        blocked.sort_unstable();
        let what = match cycle_names.get(&component[c]) {
            Some(cycle) if in_cycle(c) => cycle.clone(),
            _ if self_loop(cause) => format!("{}, which requires itself,", name(c)),
            _ => format!(
                "{}, whose requirement asks for more modules than it has,",
                name(c)
            ),
        };
        if each {
            for &i in &blocked {
                out.push(finding(
                    FindingCode::UnreachableModule,
                    Severity::Error,
                    &[i],
                    format!("{} can never be started: {what} blocks it.", name(i)),
                    "Fix the cycle or the requirement upstream; this module follows.".to_owned(),
                ));
            }
            continue;
        }
        let shown: Vec<String> = blocked.iter().take(10).map(|&i| name(i)).collect();
        let more = match blocked.len() {
            n if n > 10 => format!(" and {} more", n - 10),
            _ => String::new(),
        };
        out.push(finding(
            FindingCode::UnreachableModule,
            Severity::Error,
            &blocked,
            format!(
                "{}{} blocks {} downstream, which can never be started: {}{more}.",
                capitalised(&what),
                if in_cycle(c) { "" } else { "," },
                match blocked.len() {
                    1 => "1 module".to_owned(),
                    n => format!("{n} modules"),
                },
                shown.join(", ")
            ),
            "Fix the cycle or the requirement upstream; the blocked modules follow.".to_owned(),
        ));
    }

    // Orphans: modules with no prerequisite and needed by nothing, in a graph that has edges.
    if g.edge_count() > 0 {
        for n in g.node_indices() {
            let connected = g.neighbors_undirected(n).next().is_some();
            if !connected {
                let i = n.index();
                out.push(finding(
                    FindingCode::OrphanModule,
                    Severity::Info,
                    &[i],
                    format!("{} is connected to no other module: nothing leads to it and it leads nowhere.", name(i)),
                    format!("Add prerequisites to or from {}, or leave it as a standalone module.", name(i)),
                ));
            }
        }
    }

    out.extend(redundant_edges(graph, &component, &position));
    out.sort_by(|a, b| (a.severity, a.code, &a.message).cmp(&(b.severity, b.code, &b.message)));
    out
}

/// One cycle through each strongly connected component of two or more nodes, as node
/// indices starting and ending at the same node (self-loops are not included).
pub(crate) fn cycles(graph: &Graph) -> Vec<Vec<usize>> {
    let sccs = petgraph::algo::kosaraju_scc(&graph.g);
    let mut component = vec![0usize; graph.g.node_count()];
    for (c, scc) in sccs.iter().enumerate() {
        for n in scc {
            component[n.index()] = c;
        }
    }
    sccs.iter()
        .filter(|s| s.len() > 1)
        .map(|scc| cycle_in(graph, scc, &component))
        .collect()
}

/// `text` with its first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn sccs_len(sccs: &[Vec<NodeIndex>], reversed_index: usize) -> usize {
    sccs[sccs.len() - 1 - reversed_index].len()
}

/// A cycle through the lowest-numbered node of a strongly connected component, as indices
/// starting and ending with that node.
fn cycle_in(graph: &Graph, scc: &[NodeIndex], component: &[usize]) -> Vec<usize> {
    let start = *scc.iter().min().expect("components are not empty");
    let c = component[start.index()];
    let mut parent: std::collections::HashMap<NodeIndex, NodeIndex> = Default::default();
    let mut queue = std::collections::VecDeque::from([start]);
    parent.insert(start, start);
    while let Some(n) = queue.pop_front() {
        for w in graph.g.neighbors_directed(n, Direction::Outgoing) {
            if w == start {
                let mut path = vec![start.index()];
                let mut at = n;
                while at != start {
                    path.push(at.index());
                    at = parent[&at];
                }
                path.push(start.index());
                path.reverse();
                return path;
            }
            if component[w.index()] == c && !parent.contains_key(&w) {
                parent.insert(w, n);
                queue.push_back(w);
            }
        }
    }
    unreachable!("a strongly connected component of two or more nodes has a cycle through each")
}

/// [`redundant_edges`] on a graph of its own — the skill prerequisites — with the same
/// bounded search as the module linter's: no transitive closure.
pub(crate) fn redundant(graph: &Graph) -> Vec<Finding> {
    let (_, component, position) = components(graph);
    redundant_edges(graph, &component, &position)
}

/// The strongly connected components (petgraph's order: reverse topological), each node's
/// component in topological order, and a position per node such that edges between
/// components go forwards.
fn components(graph: &Graph) -> (Vec<Vec<NodeIndex>>, Vec<usize>, Vec<usize>) {
    let sccs = petgraph::algo::kosaraju_scc(&graph.g);
    let mut component = vec![0usize; graph.g.node_count()];
    let mut position = vec![0usize; graph.g.node_count()];
    let mut next = 0;
    for (c, scc) in sccs.iter().rev().enumerate() {
        for n in scc {
            component[n.index()] = c;
            position[n.index()] = next;
            next += 1;
        }
    }
    (sccs, component, position)
}

/// All-of edges `u → v` already implied by a longer all-of path `u → … → v`.
///
/// For each `u`, its children are visited in topological order; a search from each child
/// marks what it reaches, bounded by the position of `u`'s last child (no path to a child
/// can pass a later node). A child already marked when its turn comes is reachable through
/// an earlier sibling, so its direct edge is redundant. No transitive closure is built.
fn redundant_edges(graph: &Graph, component: &[usize], position: &[usize]) -> Vec<Finding> {
    let g = &graph.g;
    let all_of = |e: &petgraph::graph::EdgeReference<'_, PrerequisiteGroup>| {
        *e.weight() == PrerequisiteGroup::AllOf
            && component[e.source().index()] != component[e.target().index()]
    };
    let mut stamp = vec![u32::MAX; g.node_count()];
    let mut parent = vec![0u32; g.node_count()];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    for u in g.node_indices() {
        let mut children: Vec<NodeIndex> = g
            .edges_directed(u, Direction::Outgoing)
            .filter(&all_of)
            .map(|e| e.target())
            .collect();
        if children.len() < 2 {
            continue;
        }
        children.sort_unstable_by_key(|c| position[c.index()]);
        children.dedup();
        let limit = position[children.last().expect("two or more").index()];
        let mark = u.index() as u32;
        for &child in &children {
            if stamp[child.index()] == mark {
                let mut path = vec![child.index()];
                let mut at = child.index();
                while parent[at] as usize != u.index() {
                    at = parent[at] as usize;
                    path.push(at);
                }
                path.push(u.index());
                path.reverse();
                let (ui, ci) = (u.index(), child.index());
                out.push(Finding {
                    code: FindingCode::RedundantEdge,
                    severity: Severity::Warning,
                    objects: path.iter().map(|&i| graph.nodes[i].id.clone()).collect(),
                    message: format!(
                        "{} → {} is redundant: {} already leads there.",
                        graph.describe(&[ui]),
                        graph.describe(&[ci]),
                        graph.describe(&path)
                    ),
                    fix: format!(
                        "Remove the direct prerequisite {} → {}.",
                        graph.describe(&[ui]),
                        graph.describe(&[ci])
                    ),
                });
                continue;
            }
            stamp[child.index()] = mark;
            parent[child.index()] = u.index() as u32;
            stack.push(child);
            while let Some(n) = stack.pop() {
                for e in g.edges_directed(n, Direction::Outgoing).filter(&all_of) {
                    let w = e.target();
                    if position[w.index()] <= limit && stamp[w.index()] != mark {
                        stamp[w.index()] = mark;
                        parent[w.index()] = n.index() as u32;
                        stack.push(w);
                    }
                }
            }
        }
    }
    out
}
