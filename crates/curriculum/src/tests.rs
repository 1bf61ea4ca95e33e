use std::collections::HashMap;

use model::{PrerequisiteGroup, TrackTarget};

use super::*;

fn module(key: &str, minutes: u32, skills: &[&str]) -> Module {
    Module {
        id: format!("id-{key}"),
        key: key.to_owned(),
        title: key.to_uppercase(),
        library: "lib".to_owned(),
        minutes,
        level: None,
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn edge<'a>(before: &'a str, after: &'a str, group: PrerequisiteGroup) -> EdgeById<'a> {
    EdgeById {
        before,
        after,
        group,
    }
}

/// c ← a, c ← b (any of), d ← c; one track to skill "z".
fn sample() -> Curriculum {
    Curriculum::new(
        vec![
            module("c.md", 30, &["y"]),
            module("a.md", 10, &["x"]),
            module("b.md", 20, &["x"]),
            module("d.md", 40, &["z"]),
        ],
        [
            edge("id-a.md", "id-c.md", PrerequisiteGroup::AnyOf),
            edge("id-b.md", "id-c.md", PrerequisiteGroup::AnyOf),
            edge("id-c.md", "id-d.md", PrerequisiteGroup::AllOf),
        ],
        vec![Track {
            slug: "t".to_owned(),
            name: "T".to_owned(),
            targets: vec![TrackTarget {
                skill: "z".to_owned(),
                level: None,
            }],
        }],
        HashMap::from([("z".to_owned(), "y".to_owned())]),
        no_rules(),
    )
    .expect("every edge names a listed module")
}

fn no_rules() -> rules::RuleSet {
    rules::RuleSet {
        schema: rules::SCHEMA.to_owned(),
        rules: Vec::new(),
    }
}

#[test]
fn indexes_modules_once_by_key_and_by_id() {
    let c = sample();
    let check = |got: Option<usize>, want: Option<usize>, why: &str| assert_eq!(got, want, "{why}");
    check(
        c.by_key("a.md"),
        Some(1),
        "a module is found by its library path",
    );
    check(c.by_id("id-d.md"), Some(3), "and by its project id");
    check(c.by_key("id-a.md"), None, "an id is not a path");
    check(
        c.by_key("nowhere.md"),
        None,
        "an unknown path is absent, not a default",
    );
}

#[test]
fn the_graph_names_modules_by_title_and_a_shared_title_with_its_path() {
    let mut c = sample();
    c.modules[1].title = "Quiz".to_owned();
    c.modules[2].title = "Quiz".to_owned();
    let names = |c: &Curriculum| -> Vec<String> {
        c.graph().nodes().iter().map(|n| n.name.clone()).collect()
    };
    assert_eq!(
        names(&c),
        ["C.MD", "Quiz (a.md)", "Quiz (b.md)", "D.MD"],
        "a title of its own names a module; two modules called “Quiz” are told apart by their \
         paths, or a finding about one would read as about either"
    );
    c.modules[2].key = "a.md".to_owned();
    c.modules[2].library = "golf".to_owned();
    assert_eq!(
        names(&c),
        ["C.MD", "Quiz (a.md in lib)", "Quiz (a.md in golf)", "D.MD"],
        "the same course imported twice shares title and path: its library tells them apart"
    );
}

#[test]
fn orders_every_module_after_its_prerequisites() {
    assert_eq!(
        sample().order(),
        vec![1, 2, 0, 3],
        "a and b (library positions 1, 2) come before c (0), which comes before d"
    );
}

#[test]
fn refuses_an_edge_to_a_module_it_does_not_list() {
    let err = Curriculum::new(
        vec![module("a.md", 1, &[])],
        [edge("id-a.md", "id-gone.md", PrerequisiteGroup::AllOf)],
        Vec::new(),
        HashMap::new(),
        no_rules(),
    )
    .expect_err("an edge to an unlisted module cannot be indexed");
    assert!(
        err.to_string().contains("id-gone.md"),
        "the error names the missing module: {err}"
    );
}

#[test]
fn a_bundle_document_reads_back_into_the_same_curriculum() {
    let c = sample();
    let doc = c.graph_doc();
    assert_eq!(
        doc.requirements.get("c.md"),
        Some(&PrerequisiteGroup::AnyOf),
        "an any-of group is written where it is not all-of"
    );
    assert!(
        !doc.requirements.contains_key("d.md"),
        "all-of, the default, is not written (older bundles have no requirements at all)"
    );
    let back = doc
        .clone()
        .into_curriculum(c.parents.clone(), c.rules.clone())
        .expect("a written document reads back");
    assert_eq!(
        back.graph_doc(),
        doc,
        "writing what was read gives the same document"
    );
    let keys = |c: &Curriculum| {
        c.edges
            .iter()
            .map(|e| {
                (
                    c.modules[e.before].key.clone(),
                    c.modules[e.after].key.clone(),
                    e.group,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&back),
        keys(&c),
        "the same edges, by path, with their groups"
    );
    assert_eq!(
        back.by_id("a.md"),
        Some(1),
        "a bundle's modules are identified by path"
    );
}

#[test]
fn a_bundle_missing_a_file_or_with_a_broken_one_is_named() {
    let c = sample();
    let graph = serde_json::to_vec(&c.graph_doc()).expect("documents serialise");
    let rules = serde_json::to_vec(&c.rules).expect("rule sets serialise");
    let check = |files: &[(&str, &[u8])], names: &str, why: &str| {
        let files = files
            .iter()
            .map(|(n, b)| ((*n).to_owned(), b.to_vec()))
            .collect();
        let err = Curriculum::from_bundle(&files).expect_err(why);
        assert!(err.to_string().starts_with(names), "{why}: {err}");
        assert_eq!(err.kind(), model::ErrorKind::BadInput, "{why}: bad input");
    };
    check(
        &[("rules.json", &rules)],
        "graph.json",
        "a bundle without its graph",
    );
    check(
        &[("graph.json", b"{"), ("rules.json", &rules)],
        "graph.json",
        "a graph that is not JSON",
    );
    check(
        &[("graph.json", &graph), ("rules.json", &rules)],
        "taxonomy.case.json",
        "a bundle without its taxonomy",
    );
}
