//! The linter on small graphs built for each problem class, and the algorithms at scale.

use super::*;
use model::{FindingCode as C, Severity};

/// Builds a graph from node names and edges written `a>b`, `a>b:any` or `a>b:n2`.
fn build(nodes: &str, edges: &[&str]) -> Graph {
    let names: Vec<&str> = nodes.split_whitespace().collect();
    let at = |n: &str| {
        names
            .iter()
            .position(|&x| x == n)
            .unwrap_or_else(|| panic!("no node {n}"))
    };
    let edges: Vec<Edge> = edges
        .iter()
        .map(|spec| {
            let (pair, group) = spec.split_once(':').unwrap_or((spec, ""));
            let (a, b) = pair.split_once('>').expect("edges are written a>b");
            let group = match group {
                "" => PrerequisiteGroup::AllOf,
                "any" => PrerequisiteGroup::AnyOf,
                n => PrerequisiteGroup::NOf {
                    n: n.trim_start_matches('n').parse().unwrap(),
                },
            };
            Edge {
                before: at(a),
                after: at(b),
                group,
            }
        })
        .collect();
    let nodes = names
        .iter()
        .map(|n| Node {
            id: n.to_string(),
            name: n.to_string(),
        })
        .collect();
    Graph::new(nodes, &edges)
}

/// Lints and compares (code, objects) pairs; every finding must have a message and a fix
/// that name the first object.
fn check(nodes: &str, edges: &[&str], expected: &[(C, &str)], why: &str) {
    let findings = lint(&build(nodes, edges));
    for f in &findings {
        let first = &f.objects[0];
        assert!(
            f.message.contains(&format!("“{first}”")),
            "{why}: message names {first}: {}",
            f.message
        );
        assert!(!f.fix.is_empty(), "{why}: every finding suggests a fix");
    }
    let got: Vec<(C, String)> = findings
        .iter()
        .map(|f| (f.code, f.objects.join(" ")))
        .collect();
    let want: Vec<(C, String)> = expected.iter().map(|(c, o)| (*c, o.to_string())).collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(
        got_sorted, want_sorted,
        "{why}\nfull findings: {findings:#?}"
    );
}

#[test]
fn a_clean_curriculum_has_no_findings() {
    check(
        "a b c d",
        &["a>b", "b>c", "a>d", "d>c"],
        &[],
        "a diamond is fine: no edge is implied by another",
    );
    check(
        "a",
        &[],
        &[],
        "a lone module in a graph without edges is not an orphan",
    );
}

#[test]
fn every_problem_class_is_found() {
    check(
        "a",
        &["a>a"],
        &[(C::SelfLoop, "a"), (C::UnreachableModule, "a")],
        "self-loop",
    );
    check(
        "a b c d",
        &["a>b", "b>c", "c>a", "c>d"],
        &[
            (C::Cycle, "a b c"),
            (C::UnreachableModule, "a"),
            (C::UnreachableModule, "b"),
            (C::UnreachableModule, "c"),
            (C::UnreachableModule, "d"),
        ],
        "a cycle is named in order, and everything behind it is blocked",
    );
    check(
        "a b c",
        &["a>b", "b>c", "a>c"],
        &[(C::RedundantEdge, "a b c")],
        "a→c is implied by a→b→c",
    );
    check(
        "a b c d e",
        &["a>b", "b>c", "c>d", "d>e", "a>e"],
        &[(C::RedundantEdge, "a b c d e")],
        "the redundant edge names the whole longer path",
    );
    check(
        "a b c x",
        &["a>b", "b>c"],
        &[(C::OrphanModule, "x")],
        "x is connected to nothing while others are",
    );
    check(
        "a b",
        &["a>b:any"],
        &[(C::SingleMemberAnyOf, "b a")],
        "any-of with one member",
    );
    check(
        "a b c",
        &["a>c", "b>c:any"],
        &[(C::MixedGroup, "c")],
        "mixed groups are ambiguous (counted as all-of; both members can start, so c can too)",
    );
}

#[test]
fn groups_change_what_can_be_started() {
    check(
        "a b c",
        &["a>c:any", "b>c:any"],
        &[],
        "any-of with two members is fine",
    );
    check(
        "a b c d",
        &["a>b", "b>a", "a>d:any", "c>d:any"],
        &[
            (C::Cycle, "a b"),
            (C::UnreachableModule, "a"),
            (C::UnreachableModule, "b"),
        ],
        "d can start through c even though its other alternative is stuck in a cycle",
    );
    check(
        "a b c",
        &["a>c:n3", "b>c:n3"],
        &[(C::UnsatisfiableNOf, "c"), (C::UnreachableModule, "c")],
        "3 of 2 can never be met",
    );
    check("a b c", &["a>c:n1", "b>c:n1"], &[], "1 of 2 is fine");
    check(
        "a b c d",
        &["a>b:any", "c>b:any", "b>d", "a>d"],
        &[],
        "an edge is not redundant when the longer path runs through an any-of group",
    );
}

#[test]
fn cycle_checks_for_edits_name_the_cycle() {
    let g = build("a b c", &["a>b", "b>c"]);
    assert_eq!(g.cycle_if_added(0, 2), None, "a→c adds no cycle");
    let cycle = g.cycle_if_added(2, 0).expect("c→a closes a→b→c→a");
    assert_eq!(
        g.describe(&cycle),
        "“c” → “a” → “b” → “c”",
        "the cycle is named in order"
    );
    assert_eq!(
        g.cycle_if_added(1, 1),
        Some(vec![1, 1]),
        "a self-loop is a cycle of one"
    );
}

#[test]
fn long_chains_do_not_overflow_the_stack() {
    let n = 100_000;
    let nodes: Vec<Node> = (0..n)
        .map(|i| Node {
            id: i.to_string(),
            name: i.to_string(),
        })
        .collect();
    let mut edges: Vec<Edge> = (1..n)
        .map(|i| Edge {
            before: i - 1,
            after: i,
            group: PrerequisiteGroup::AllOf,
        })
        .collect();
    let g = Graph::new(nodes.clone(), &edges);
    assert!(lint(&g).is_empty(), "a long chain is a valid curriculum");
    assert!(
        g.cycle_if_added(n - 1, 0).is_some(),
        "closing the chain is seen across 100k nodes"
    );

    edges.push(Edge {
        before: n - 1,
        after: 0,
        group: PrerequisiteGroup::AllOf,
    });
    let findings = lint(&Graph::new(nodes, &edges));
    let cycle = findings
        .iter()
        .find(|f| f.code == C::Cycle)
        .expect("the closed chain is a cycle");
    assert_eq!(
        cycle.objects.len(),
        n,
        "the cycle names all 100,000 modules"
    );
    assert_eq!(cycle.severity, Severity::Error, "cycles are errors");
}
