//! Tracks: the sample curriculum runs, its tracks have valid paths, a cyclic graph
//! refuses them, and people add, edit and remove them.

use super::*;

#[test]
fn the_sample_library_declares_a_runnable_curriculum() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    let report = p
        .import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    assert!(
        report.prerequisites >= 31,
        "every module but the first has prerequisites: {}",
        report.prerequisites
    );
    let findings = p.check_graph().unwrap();
    assert!(
        findings.is_empty(),
        "the sample curriculum is lint-clean: {findings:#?}"
    );
}

#[test]
fn sample_tracks_have_valid_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let skills = p.skills().unwrap();
    assert!(
        skills.len() >= 15,
        "the sample declares its taxonomy: {}",
        skills.len()
    );
    assert!(skills[0].parent_id.is_none(), "the root comes first");
    let tracks = p.tracks().unwrap();
    assert!(tracks.len() >= 2, "the sample has at least two tracks");
    let edges = p.prerequisites().unwrap();
    let mut sizes = Vec::new();
    for track in &tracks {
        let path = p.track_path(track).unwrap();
        assert!(!path.steps.is_empty(), "{}: has a path", track.name);
        assert!(
            path.untaught_targets.is_empty(),
            "{}: every target is taught",
            track.name
        );
        let at: HashMap<&ModuleId, usize> = path
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (&s.module.id, i))
            .collect();
        for e in &edges {
            if let (Some(b), Some(a)) = (at.get(&e.before), at.get(&e.after)) {
                assert!(b < a, "{}: prerequisites come first", track.name);
            }
        }
        let total: u32 = path.steps.iter().map(|s| s.module.duration_minutes).sum();
        assert_eq!(
            path.total_minutes, total,
            "{}: the total is the sum",
            track.name
        );
        assert!(
            path.critical_path_minutes <= total && path.critical_path_minutes > 0,
            "{}: the critical path is part of the whole",
            track.name
        );
        sizes.push((track.slug.clone(), path.steps.len()));
    }
    sizes.sort_by_key(|(_, n)| *n);
    assert_eq!(
        sizes.last().unwrap().0,
        "enterprise-certification",
        "the certification track, aimed at the root skill, is the longest: {sizes:?}"
    );
}

#[test]
fn track_paths_are_refused_on_a_cyclic_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let p = loop_project(tmp.path(), true);
    let track = p.resolve_track("t").unwrap();
    let err = p.track_path(&track).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("“A” → “B” → “A”"),
        "the blocking cycle is named: {err}"
    );
}

fn draft(slug: &str, name: &str, targets: &[&str]) -> model::TrackDraft {
    model::TrackDraft {
        slug: slug.into(),
        name: name.into(),
        description: String::new(),
        targets: targets
            .iter()
            .map(|s| model::TrackTarget {
                skill: (*s).into(),
                level: None,
            })
            .collect(),
        role: None,
        department: None,
    }
}

fn audience(p: &Project, slug: &str) -> Option<rules::Match> {
    p.rules()
        .unwrap()
        .rules
        .into_iter()
        .find_map(|r| match r.body {
            rules::RuleBody::Assignment { when, track } if track == slug => Some(when),
            _ => None,
        })
}

fn path_modules(p: &Project, slug: &str) -> Vec<String> {
    let track = p.resolve_track(slug).unwrap();
    let path = p.track_path(&track).unwrap();
    path.steps.into_iter().map(|s| s.module.title).collect()
}

fn last_action(p: &Project) -> String {
    p.audit_log().unwrap().last().unwrap().action.clone()
}

#[test]
fn people_add_edit_and_remove_tracks_logged_with_their_audience() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = skill_project(
        tmp.path(),
        &[("a", "x"), ("b", "y")],
        &[("a", "b")],
        &["x", "y", "z"],
        &[],
    );
    assert!(
        p.tracks().unwrap().is_empty(),
        "the library declares no track"
    );

    let mut analyst = draft(" analyst ", " Analyst ", &["x"]);
    analyst.role = Some("analyst".into());
    let track = p.add_track(&analyst, &ME, Timestamp(3)).unwrap();
    assert_eq!(track.slug, "analyst", "the slug is trimmed");
    assert_eq!(last_action(&p), "track.added", "adding is logged");
    assert_eq!(
        path_modules(&p, "analyst"),
        ["a"],
        "the new track has a path"
    );
    assert_eq!(
        audience(&p, "analyst").and_then(|m| m.role),
        Some("analyst".to_owned()),
        "its role is an assignment rule the exports and simulations follow"
    );

    let check =
        |p: &mut Project, d: model::TrackDraft, kind: ErrorKind, needle: &str, why: &str| {
            let before = p.audit_log().unwrap().len();
            let err = p.add_track(&d, &ME, Timestamp(4)).expect_err(why);
            assert_eq!(err.kind(), kind, "{why}: {err}");
            assert!(
                err.to_string().contains(needle),
                "{why}: {err} should say {needle:?}"
            );
            assert_eq!(
                p.audit_log().unwrap().len(),
                before,
                "{why}: nothing is logged"
            );
        };
    check(
        &mut p,
        draft("t", " ", &["x"]),
        ErrorKind::BadInput,
        "a slug and a name",
        "a blank name",
    );
    check(
        &mut p,
        draft("Two Words", "T", &["x"]),
        ErrorKind::BadInput,
        "not a slug",
        "a slug with spaces",
    );
    check(
        &mut p,
        draft("t", "T", &[]),
        ErrorKind::BadInput,
        "at least one target",
        "no target",
    );
    check(
        &mut p,
        draft("t", "T", &["nope"]),
        ErrorKind::UnknownId,
        "\"nope\"",
        "an unknown skill",
    );
    check(
        &mut p,
        draft("t", "T", &["x", "x"]),
        ErrorKind::BadInput,
        "twice",
        "a target twice",
    );
    check(
        &mut p,
        draft("analyst", "Again", &["y"]),
        ErrorKind::Conflict,
        "already exists",
        "a taken slug",
    );
    assert_eq!(p.tracks().unwrap().len(), 1, "no refused track was added");

    let mut edited = draft("analyst", "Data analyst", &["x", "y"]);
    edited.department = Some("ops".into());
    p.edit_track("analyst", &edited, &ME, Timestamp(5)).unwrap();
    assert_eq!(last_action(&p), "track.edited", "editing is logged");
    assert_eq!(
        path_modules(&p, "Data analyst"),
        ["a", "b"],
        "the new target brings b"
    );
    let who = audience(&p, "analyst").expect("still assigned");
    assert_eq!(
        (who.role, who.department),
        (None, Some("ops".to_owned())),
        "the audience follows the edit"
    );
    let err = p
        .edit_track("analyst", &draft("renamed", "R", &["x"]), &ME, Timestamp(6))
        .expect_err("a slug is the track's identity");
    assert_eq!(err.kind(), ErrorKind::BadInput, "{err}");

    // Another rule naming the track keeps it.
    let recert: rules::Rule = serde_json::from_value(serde_json::json!({
        "id": "recert-analyst", "kind": "recertification",
        "explanation": "Every year.", "track": "analyst",
        "older_than_months": 12, "refresher": ["a.md"]
    }))
    .unwrap();
    p.save_rule(recert, &ME, Timestamp(7)).unwrap();
    let err = p
        .remove_track("analyst", &ME, Timestamp(8))
        .expect_err("a rule needs it");
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("recert-analyst"),
        "names the rule: {err}"
    );
    p.delete_rule("recert-analyst", &ME, Timestamp(9)).unwrap();

    let removed = p.remove_track("analyst", &ME, Timestamp(10)).unwrap();
    assert_eq!(last_action(&p), "track.removed", "removing is logged");
    assert!(p.tracks().unwrap().is_empty(), "the track is gone");
    assert!(
        audience(&p, "analyst").is_none(),
        "and its assignment rule with it"
    );
    // Undo: what removing returned puts it back as it was.
    p.add_track(&removed, &ME, Timestamp(11)).unwrap();
    assert_eq!(
        p.track_draft("analyst").unwrap(),
        removed,
        "undoing a removal restores the track and its audience"
    );
}

#[test]
fn an_edited_library_track_outlives_reimports_and_a_declared_one_is_not_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/nurse-onboarding");
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let mut d = p.track_draft("experienced-rn").unwrap();
    d.name = "Experienced nurse (local practice)".into();
    p.edit_track("experienced-rn", &d, &ME, Timestamp(3))
        .unwrap();
    p.import_library(&lib, &ME, Timestamp(4)).unwrap();
    assert_eq!(
        p.resolve_track("experienced-rn").unwrap().name,
        "Experienced nurse (local practice)",
        "a re-import does not undo a person's edit"
    );
    let err = p
        .remove_track("new-graduate", &ME, Timestamp(5))
        .expect_err("the manifest would bring it back");
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("nurse-onboarding") && err.to_string().contains("pathforge.toml"),
        "says where to remove it: {err}"
    );
    assert_eq!(p.tracks().unwrap().len(), 2, "both tracks are still there");
}
