//! Auto-tagging with the real model: suggestions explained, only changes re-read,
//! rejections remembered, cancel and a damaged model leave the project consistent.

use super::*;

#[test]
fn tagging_suggests_explains_and_then_reads_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = tagging_project(tmp.path());
    let first = p
        .tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    assert_eq!(
        (first.modules, first.analysed, first.unchanged, first.empty),
        (3, 3, 0, 1),
        "every module is read once: {first:?}"
    );
    assert!(
        first.embedded > 0 && first.suggestions >= 2,
        "texts were embedded and suggestions made: {first:?}"
    );

    let price = p
        .module_insight(&module_by_title(&p, "Price pushback"))
        .unwrap();
    let top = &price.tags[0];
    assert_eq!(
        top.skill_slug, "objection-handling",
        "the price module is about objections: {:?}",
        price.tags
    );
    assert_eq!(
        top.model.as_deref(),
        Some(encoder().info().id().as_str()),
        "the model id and version are recorded"
    );
    assert!(
        !top.evidence.is_empty() && top.evidence[0].end > top.evidence[0].start,
        "evidence locates a passage"
    );
    assert!(
        price.level.is_some() && !price.keyphrases.is_empty(),
        "level and keyphrases are stored: {price:?}"
    );
    let empty = p
        .module_insight(&module_by_title(&p, "To be written"))
        .unwrap();
    assert!(
        empty.tags.is_empty() && empty.notes.iter().any(|n| n.contains("empty")),
        "an empty module has no tags and a note: {empty:?}"
    );

    let again = p
        .tag_modules(encoder(), Timestamp(4), &mut |_, _| true)
        .unwrap();
    assert_eq!(
        (again.analysed, again.unchanged, again.embedded),
        (0, 3, 0),
        "nothing changed, nothing is read: {again:?}"
    );

    write(&lib, "soc2.md", b"---\ntitle: Security questionnaires\n---\nThe customer's security team sends a questionnaire about encryption and SOC 2; answer it with the trust documentation. Then log the review date in the CRM.\n");
    p.import_library(&lib, &ME, Timestamp(5)).unwrap();
    let after_edit = p
        .tag_modules(encoder(), Timestamp(6), &mut |_, _| true)
        .unwrap();
    assert_eq!(
        (after_edit.analysed, after_edit.unchanged),
        (1, 2),
        "only the edited module is re-read: {after_edit:?}"
    );
    assert!(
        after_edit.embedded > 0 && after_edit.cached > 0,
        "its new passage is embedded, the skills come from the cache: {after_edit:?}"
    );
    let log = p.audit_log().unwrap();
    assert_eq!(
        log.iter().filter(|e| e.action == "modules.tagged").count(),
        2,
        "each run that tagged something is in the audit log"
    );
    assert!(
        matches!(&log.last().unwrap().actor, Actor::Model { id, .. } if id == "all-MiniLM-L6-v2"),
        "the model is the actor"
    );
}

#[test]
fn rejections_are_remembered_until_the_text_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let price = module_by_title(&p, "Price pushback");
    let person = Actor::person("sme");
    p.decide_tag(
        &price,
        "objection-handling",
        TagState::Rejected,
        Some("about pricing, not objections"),
        &person,
        Timestamp(4),
    )
    .unwrap();

    // A taxonomy edit forces a re-analysis of unchanged text: the rejection stands.
    p.edit_skill(
        "forecasting",
        SkillEdit {
            description: Some(
                "Predicting which deals close this quarter and keeping forecasts honest.".into(),
            ),
            ..SkillEdit::default()
        },
        &ME,
        Timestamp(5),
    )
    .unwrap();
    let r = p
        .tag_modules(encoder(), Timestamp(6), &mut |_, _| true)
        .unwrap();
    assert_eq!(
        r.analysed, 3,
        "a changed taxonomy re-reads every module: {r:?}"
    );
    assert!(
        suggested(&p, "Price pushback").contains(&(
            "objection-handling".into(),
            TagState::Rejected,
            false
        )),
        "a rejected tag is not re-suggested for the same text: {:?}",
        suggested(&p, "Price pushback")
    );

    // New text: suggested again, marked as rejected before.
    write(&lib, "price.md", b"---\ntitle: Price pushback\n---\nBuyers often object to the price. When a buyer raises a price objection, ask what they compare it with and restate the value before any discount.\n");
    p.import_library(&lib, &ME, Timestamp(7)).unwrap();
    p.tag_modules(encoder(), Timestamp(8), &mut |_, _| true)
        .unwrap();
    assert!(
        suggested(&p, "Price pushback").contains(&(
            "objection-handling".into(),
            TagState::Suggested,
            true
        )),
        "after an edit it returns, flagged: {:?}",
        suggested(&p, "Price pushback")
    );
    let err = p
        .decide_tag(
            &price,
            "no-such-skill",
            TagState::Accepted,
            None,
            &person,
            Timestamp(9),
        )
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownId,
        "deciding on an unknown skill is refused: {err}"
    );
}

#[test]
fn cancelling_a_run_keeps_the_project_consistent() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _) = tagging_project(tmp.path());
    let mut calls = 0;
    let r = p
        .tag_modules(encoder(), Timestamp(3), &mut |_, _| {
            // Go past the start, then cancel at the first embedding batch.
            calls += 1;
            calls < 2
        })
        .unwrap();
    assert!(
        r.cancelled && r.analysed == 0,
        "cancelled before any module: {r:?}"
    );
    assert!(
        p.audit_log()
            .unwrap()
            .iter()
            .all(|e| e.action != "modules.tagged"),
        "nothing half-tagged is logged"
    );
    let resumed = p
        .tag_modules(encoder(), Timestamp(4), &mut |_, _| true)
        .unwrap();
    assert_eq!(
        (resumed.analysed, resumed.cancelled),
        (3, false),
        "a later run does all the work: {resumed:?}"
    );
}

#[test]
fn a_damaged_model_is_refused_before_the_project_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("all-MiniLM-L6-v2");
    std::fs::create_dir_all(dir.join("1_Pooling")).unwrap();
    for f in [
        "config.json",
        "tokenizer.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
    ] {
        std::fs::copy(testkit::model_dir().join(f), dir.join(f)).unwrap();
    }
    std::fs::write(dir.join("model.safetensors"), b"not weights").unwrap();
    let (mut p, _) = tagging_project(tmp.path());
    let err = p.set_model_dir(Some(&dir), &ME, Timestamp(3)).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::BadInput,
        "a damaged model is bad input: {err}"
    );
    assert!(
        err.to_string().contains("model.safetensors"),
        "the error names the file: {err}"
    );
    assert_eq!(
        p.model_dir().unwrap(),
        None,
        "the project's model choice is unchanged"
    );
}

#[test]
fn prerequisite_suggestions_compare_modules_by_their_vectors_once_tagged() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = tagging_project(tmp.path());
    let untagged = p.suggest_prerequisites(10).unwrap();
    assert!(
        !untagged.is_empty()
            && untagged
                .iter()
                .all(|s| s.evidence[0].starts_with("text similarity") && !s.by_vectors),
        "before auto-tagging, modules are compared by their words, and each suggestion says so: {untagged:#?}"
    );
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let tagged = p.suggest_prerequisites(10).unwrap();
    assert!(
        !tagged.is_empty()
            && tagged
                .iter()
                .all(|s| s.evidence[0].starts_with("content similarity") && s.by_vectors),
        "once tagged, by the vectors tagging cached, and each suggestion says so: {tagged:#?}"
    );
    // The cached vector is the one the benchmark computes: the mean of the module's
    // passages, or its title when it has no text.
    let vector = |title: &str| {
        let m = p.module(&module_by_title(&p, title)).unwrap();
        let spans = |t: &str| encoder().token_spans(t).unwrap_or_default();
        let prepared = autotag::prepare(
            &autotag::ModuleInput {
                id: m.id.clone(),
                title: &m.title,
                body: &m.body,
                depth: None,
            },
            &spans,
        );
        let texts = autotag::module_texts(&prepared, &m.title);
        let vectors = encoder().embed(&texts).unwrap();
        let refs: Vec<&[f32]> = vectors.iter().map(Vec::as_slice).collect();
        autotag::mean_vector(&refs).unwrap()
    };
    let s = &tagged[0];
    let (a, b) = (vector(&s.before_title), vector(&s.after_title));
    let cosine: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    assert_eq!(
        s.evidence[0],
        format!("content similarity {cosine:.2}"),
        "the similarity shown is the cosine of the two modules' own vectors"
    );

    // One module changed since tagging has no vector for its new text: it is compared
    // as tagging last read it (a small edit barely moves its meaning; words for every pair
    // would be far worse), and each suggestion it is in says so, until tagging reads it.
    write(
        &lib,
        "empty.md",
        b"---\ntitle: To be written\n---\nNow it has a price list.\n",
    );
    p.import_library(&lib, &ME, Timestamp(4)).unwrap();
    let changed = p.suggest_prerequisites(10).unwrap();
    let says = |s: &model::PrerequisiteSuggestion| {
        s.evidence.iter().any(|e| {
            e == "“To be written” has changed since it was auto-tagged: compared as it read then"
        })
    };
    assert!(
        changed
            .iter()
            .any(|s| s.before_title == "To be written" || s.after_title == "To be written"),
        "the changed module is in a suggestion: {changed:#?}"
    );
    for s in &changed {
        assert!(s.by_vectors, "still compared by vectors: {s:#?}");
        assert_eq!(
            says(s),
            s.before_title == "To be written" || s.after_title == "To be written",
            "a suggestion says so exactly when the changed module is in it: {s:#?}"
        );
    }
    p.tag_modules(encoder(), Timestamp(5), &mut |_, _| true)
        .unwrap();
    let retagged = p.suggest_prerequisites(10).unwrap();
    assert!(
        !retagged.is_empty() && retagged.iter().all(|s| s.by_vectors && !says(s)),
        "tagged again, every module is compared as it reads now: {retagged:#?}"
    );
}
