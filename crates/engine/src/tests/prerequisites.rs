//! Prerequisite edits and the linter: cycles refused and named, declared edges on re-
//! import, imported cycles flagged.

use std::collections::BTreeSet;

use super::*;

#[test]
fn findings_tell_apart_modules_that_share_a_title() {
    let tmp = tempfile::tempdir().unwrap();
    let course = |name: &str| {
        testkit::Library::new()
            .module("intro.md", "Intro", 10, &["golf"])
            .module("rules.md", "Rules", 10, &["golf"])
            .module("quiz.md", "Quiz", 10, &["golf"])
            .requires("rules.md", &["intro.md"])
            .write(&tmp.path().join(name))
    };
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&course("golf"), &ME, Timestamp(2))
        .unwrap();
    p.import_library(&course("golf-copy"), &ME, Timestamp(3))
        .unwrap();
    assert_eq!(
        p.libraries().unwrap().len(),
        2,
        "two libraries, both folders in place"
    );
    let words: Vec<String> = p
        .check_graph()
        .unwrap()
        .into_iter()
        .map(|f| f.message)
        .collect();
    let named = |needle: &str| words.iter().any(|w| w.contains(needle));
    assert!(
        named("“Quiz (quiz.md in golf)”") && named("“Quiz (quiz.md in golf-copy)”"),
        "the same course imported twice: each finding names which library's “Quiz” it means: \
         {words:#?}"
    );
}

#[test]
fn edits_that_close_a_cycle_are_refused_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _) = chain_project(tmp.path());
    let (a, c) = (id(&p, "a.md"), id(&p, "C"));
    let log_before = p.audit_log().unwrap().len();

    let err = p
        .add_prerequisite(&c, &a, None, &ME, Timestamp(3))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert_eq!(
        err.to_string(),
        "refused: “C” → “A” would close the prerequisite cycle “C” → “A” → “B” → “C”",
        "the refusal names the cycle in order, by title"
    );
    let err = p
        .add_prerequisite(&a, &a, None, &ME, Timestamp(3))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Conflict,
        "a module cannot require itself: {err}"
    );
    assert_eq!(
        p.prerequisites().unwrap().len(),
        2,
        "refused edits write no edge"
    );
    assert_eq!(
        p.audit_log().unwrap().len(),
        log_before,
        "and no audit entry"
    );

    assert!(
        p.add_prerequisite(&a, &c, None, &ME, Timestamp(4)).unwrap(),
        "a → c is acyclic"
    );
    let findings = p.check_graph().unwrap();
    assert_eq!(
        findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        [model::FindingCode::RedundantEdge],
        "the new edge is accepted but flagged as implied by a → b → c"
    );
    p.remove_prerequisite(&a, &c, &ME, Timestamp(5)).unwrap();
    assert!(
        p.check_graph().unwrap().is_empty(),
        "removing it clears the finding"
    );
    let actions: Vec<String> = p
        .audit_log()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions[log_before..],
        ["prerequisite.added", "prerequisite.removed"],
        "both edits are on record"
    );
    let err = p
        .remove_prerequisite(&a, &c, &ME, Timestamp(6))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownId,
        "removing a missing edge says so: {err}"
    );
}

#[test]
fn reimport_replaces_declared_edges_and_keeps_personal_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = chain_project(tmp.path());
    write(&lib, "d.md", md("D", 40).as_bytes());
    p.import_library(&lib, &ME, Timestamp(3)).unwrap();
    let (a, d) = (id(&p, "a.md"), id(&p, "d.md"));
    p.add_prerequisite(&a, &d, Some(PrerequisiteGroup::AllOf), &ME, Timestamp(4))
        .unwrap();

    // The manifest changes: c now follows a directly; b → c is dropped.
    let manifest = toml_requires("b.md", &["a.md"]) + &toml_requires("c.md", &["a.md"]);
    write(&lib, "pathforge.toml", manifest.as_bytes());
    p.import_library(&lib, &ME, Timestamp(5)).unwrap();
    let mut edges: Vec<(String, String, EdgeOrigin)> = p
        .prerequisites()
        .unwrap()
        .into_iter()
        .map(|e| {
            let title = |id: &ModuleId| p.module(id).unwrap().title;
            (title(&e.before), title(&e.after), e.origin)
        })
        .collect();
    edges.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    assert_eq!(
        edges,
        [
            ("A".into(), "B".into(), EdgeOrigin::Manifest),
            ("A".into(), "C".into(), EdgeOrigin::Manifest),
            ("A".into(), "D".into(), EdgeOrigin::Person),
        ],
        "declared edges follow the manifest; the edge a person added survives"
    );
}

#[test]
fn a_reimport_keeps_a_modules_prerequisites_combining_the_way_a_person_chose() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = chain_project(tmp.path());
    let (a, c) = (id(&p, "a.md"), id(&p, "c.md"));
    // C needs B by the manifest; a person adds A as an alternative: either will do.
    p.add_prerequisite(&a, &c, Some(PrerequisiteGroup::AnyOf), &ME, Timestamp(4))
        .unwrap();
    p.import_library(&lib, &ME, Timestamp(5)).unwrap();
    let groups: BTreeSet<String> = p
        .prerequisites()
        .unwrap()
        .into_iter()
        .filter(|e| e.after == c)
        .map(|e| serde_json::to_string(&e.group).unwrap())
        .collect();
    assert_eq!(
        groups.into_iter().collect::<Vec<_>>(),
        [r#"{"kind":"any_of"}"#],
        "the declared edge into C combines as the person chose, not as the manifest's default"
    );
}

#[test]
fn imported_cycles_load_and_are_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let p = loop_project(tmp.path(), false);
    let findings = p.check_graph().unwrap();
    let cycle = findings
        .iter()
        .find(|f| f.code == model::FindingCode::Cycle)
        .expect("flagged");
    assert!(
        cycle.message.contains("“A” → “B” → “A”"),
        "the cycle is named: {}",
        cycle.message
    );
}

#[test]
fn suggestions_refuse_a_project_too_large_to_compare_every_pair() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    let mut csv = String::from("course_id,title\n");
    for i in 0..=MAX_SUGGEST_MODULES {
        csv.push_str(&format!("C{i},Course {i}\n"));
    }
    write(&lib, "catalog.csv", csv.as_bytes());
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    assert_eq!(
        p.modules().unwrap().len(),
        MAX_SUGGEST_MODULES + 1,
        "the catalog is one module over the ceiling"
    );
    let err = p.suggest_prerequisites(20).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::BadInput,
        "too many modules is the request's limit, not a failure: {err}"
    );
    assert!(
        err.to_string().contains("at most 10000, not 10001"),
        "the refusal says the ceiling and the project's count: {err}"
    );
}

#[test]
fn suggesting_tells_how_far_it_is_and_stops_when_cancelled() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    let mut csv = String::from("course_id,title,description\n");
    for i in 0..600 {
        csv.push_str(&format!(
            "C{i},Course {i},Topic {} with topic {} and shared words\n",
            i % 7,
            i % 11
        ));
    }
    write(&lib, "catalog.csv", csv.as_bytes());
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let mut heard = Vec::new();
    let all = p
        .suggest_prerequisites_with(20, &mut |at| {
            heard.push(at);
            true
        })
        .unwrap();
    assert_eq!(
        all,
        p.suggest_prerequisites(20).unwrap(),
        "told how far it is, it suggests the same"
    );
    assert!(
        heard.len() >= 2 && heard.last() == Some(&1.0),
        "600 modules take more than one report, the last at the whole: {heard:?}"
    );
    let mut told = 0;
    let err = p
        .suggest_prerequisites_with(20, &mut |_| {
            told += 1;
            false
        })
        .unwrap_err();
    assert_eq!(
        (err.kind(), told),
        (ErrorKind::Cancelled, 1),
        "answered false at the first report, it stops there as cancelled: {err}"
    );
}

#[test]
fn suggestions_after_an_edit_read_the_modules_as_they_now_are() {
    // One open project keeps what it worked out about its modules between requests; an
    // edge drawn keeps it, an edited module must not be compared as it read before.
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    let catalogue = |edited: bool| {
        let mut csv = String::from("course_id,title,description\n");
        for i in 0..40 {
            let text = match (edited, i) {
                (true, 7) => "Spreadsheets and formulas for budgets, then pivot charts".to_owned(),
                _ => format!("Topic {} with topic {} and shared words", i % 5, i % 3),
            };
            csv.push_str(&format!("C{i},Course {i},{text}\n"));
        }
        csv
    };
    write(&lib, "catalog.csv", catalogue(false).as_bytes());
    let file = tmp.path().join("p.pathforge");
    let mut p = Project::create(&file, Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let first = p.suggest_prerequisites(30).unwrap();
    let (b, a) = (first[0].before.clone(), first[0].after.clone());
    p.add_prerequisite(&b, &a, None, &ME, Timestamp(3)).unwrap();
    write(&lib, "catalog.csv", catalogue(true).as_bytes());
    p.import_library(&lib, &ME, Timestamp(4)).unwrap();
    let again = p.suggest_prerequisites(30).unwrap();
    let fresh = Project::open(&file)
        .unwrap()
        .suggest_prerequisites(30)
        .unwrap();
    assert_eq!(
        again, fresh,
        "after an edge and an edited module, the same suggestions as a project opened anew"
    );
    assert_ne!(
        again, first,
        "the edge and the edit change what is suggested (else this test shows nothing)"
    );
}

#[test]
fn a_dismissed_suggestion_stays_dismissed_either_way_round_until_taken_back() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    let mut p = Project::create(&file, Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let pairs = |p: &Project| -> Vec<(ModuleId, ModuleId)> {
        p.suggest_prerequisites(500)
            .unwrap()
            .into_iter()
            .map(|s| (s.before, s.after))
            .collect()
    };
    let first = pairs(&p);
    let (b, a) = first.first().cloned().expect("the sample has a suggestion");
    let entries = p.audit_log().unwrap().len();

    assert!(
        p.dismiss_suggestion(&b, &a, &ME, Timestamp(3)).unwrap(),
        "a suggestion not dismissed before is dismissed"
    );
    assert!(
        !p.dismiss_suggestion(&b, &a, &ME, Timestamp(4)).unwrap(),
        "dismissing it again changes nothing"
    );
    let log = p.audit_log().unwrap();
    assert_eq!(
        log[entries..]
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["suggestion.dismissed"],
        "the dismissal is logged once, the repeat not at all"
    );
    drop(p);
    let mut p = Project::open(&file).unwrap();
    let after = pairs(&p);
    assert!(
        !after.contains(&(b.clone(), a.clone())) && !after.contains(&(a.clone(), b.clone())),
        "reopened, the dismissed pair is suggested neither way round: {after:?}"
    );

    assert!(
        p.restore_suggestion(&b, &a, &ME, Timestamp(5)).unwrap(),
        "the dismissal is taken back"
    );
    assert_eq!(
        pairs(&p),
        first,
        "taken back, the suggestions are as before, the pair in its place"
    );
    assert_eq!(
        p.audit_log().unwrap().last().unwrap().action,
        "suggestion.restored",
        "taking it back is logged"
    );
    let err = p
        .dismiss_suggestion(&b, &ModuleId("no-such-module".into()), &ME, Timestamp(6))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownId,
        "a module the project does not have is refused as unknown: {err}"
    );
    assert!(
        p.dismissed_suggestions().unwrap().is_empty(),
        "the failed call dismissed nothing"
    );
}

#[test]
fn suggestions_read_order_only_where_someone_chose_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (course, extras) = (tmp.path().join("course"), tmp.path().join("extras"));
    let page = |title: &str, body: &str| format!("---\ntitle: {title}\n---\n{body}\n");
    // Numbered files: their order is the author's. Unnumbered ones are only read in name
    // order, and a second library is in no order with the first.
    for (dir, file, title, body) in [
        (
            &course,
            "01-cells.md",
            "Spreadsheet cells",
            "Cells, rows, columns and formulas in a spreadsheet.",
        ),
        (
            &course,
            "02-charts.md",
            "Spreadsheet charts",
            "Turn spreadsheet cells, rows and formulas into charts.",
        ),
        (
            &extras,
            "formulas.md",
            "Spreadsheet formulas",
            "Formulas over spreadsheet cells, rows and columns.",
        ),
        (
            &extras,
            "pivots.md",
            "Pivot tables",
            "Pivot spreadsheet rows and columns with formulas and charts.",
        ),
    ] {
        write(dir, file, page(title, body).as_bytes());
    }
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&course, &ME, Timestamp(2)).unwrap();
    p.import_library(&extras, &ME, Timestamp(3)).unwrap();
    let suggestions = p.suggest_prerequisites(20).unwrap();
    let course_titles = ["Spreadsheet cells", "Spreadsheet charts"];
    let in_course = |t: &String| course_titles.contains(&t.as_str());
    let mut seen = BTreeSet::new();
    for s in &suggestions {
        let (x, y) = (in_course(&s.before_title), in_course(&s.after_title));
        let kind = match (x, y) {
            (true, true) => "numbered",
            (false, false) => "sorted by name",
            _ => "two libraries",
        };
        seen.insert(kind);
        let said = |what: &str| s.evidence.iter().any(|e| e.contains(what));
        assert_eq!(
            said("earlier in the library") || said("later in the library"),
            kind == "numbered",
            "{} → {} ({kind}): only the numbered files' order is evidence: {:?}",
            s.before_title,
            s.after_title,
            s.evidence
        );
        assert!(
            kind != "two libraries" || !said("apart in the library"),
            "{} → {}: modules of two libraries are not near or far in either: {:?}",
            s.before_title,
            s.after_title,
            s.evidence
        );
    }
    assert_eq!(
        seen.len(),
        3,
        "a suggestion of each kind was checked: {suggestions:?}"
    );
}

#[test]
fn suggestions_about_one_module_are_its_pairs_scored_as_among_all() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    let mut csv = String::from("course_id,title,description\n");
    for i in 0..40 {
        csv.push_str(&format!(
            "C{i},Course {i},Topic {} with topic {} and shared words\n",
            i % 5,
            i % 3
        ));
    }
    write(&lib, "catalog.csv", csv.as_bytes());
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let m = id(&p, "Course 12");
    let first = p
        .suggest_prerequisites_about(Some(&m), 10, &mut |_| true)
        .unwrap();
    assert_eq!(
        first.len(),
        10,
        "39 other modules give ten suggestions about one: {first:?}"
    );
    // One of its pairs drawn and one dismissed: neither is suggested again.
    let (drawn, dismissed) = (&first[0], &first[1]);
    p.add_prerequisite(&drawn.before, &drawn.after, None, &ME, Timestamp(3))
        .unwrap();
    p.dismiss_suggestion(&dismissed.before, &dismissed.after, &ME, Timestamp(4))
        .unwrap();
    let about = p
        .suggest_prerequisites_about(Some(&m), 10, &mut |_| true)
        .unwrap();
    let all = p.suggest_prerequisites(500).unwrap();
    let mut shared = 0;
    for s in &about {
        assert!(
            s.before == m || s.after == m,
            "a suggestion about “Course 12” starts or ends there: {s:?}"
        );
        for gone in [drawn, dismissed] {
            assert!(
                (&s.before, &s.after) != (&gone.before, &gone.after)
                    && (&s.before, &s.after) != (&gone.after, &gone.before),
                "a pair drawn or dismissed is not suggested about the module either: {s:?}"
            );
        }
        if let Some(same) = all
            .iter()
            .find(|t| (&t.before, &t.after) == (&s.before, &s.after))
        {
            shared += 1;
            assert_eq!(
                (same.confidence, &same.evidence),
                (s.confidence, &s.evidence),
                "a pair is scored and explained the same asked about one module or all"
            );
        }
    }
    assert!(
        shared > 0,
        "some of the suggestions about the module are among those about all, so the two were compared: {about:?}"
    );
    let err = p
        .suggest_prerequisites_about(Some(&ModuleId("nowhere".into())), 10, &mut |_| true)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownId,
        "a module the project does not have is refused as unknown: {err}"
    );
    let err = p
        .suggest_prerequisites_about(Some(&m), 10, &mut |_| false)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Cancelled,
        "told to stop, it stops as cancelled: {err}"
    );
}
