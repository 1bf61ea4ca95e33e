//! Tracks: the sample curriculum runs, its tracks have valid paths, and a cyclic graph
//! refuses them.

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
    let lib = tmp.path().join("loop");
    write(&lib, "a.md", md("A", 10).as_bytes());
    write(&lib, "b.md", md("B", 10).as_bytes());
    let manifest = toml_requires("b.md", &["a.md"])
        + &toml_requires("a.md", &["b.md"])
        + "[[track]]\nslug = \"t\"\nname = \"T\"\ntargets = [{ skill = \"skill-10\" }]\n";
    write(&lib, "pathforge.toml", manifest.as_bytes());
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let track = p.resolve_track("t").unwrap();
    let err = p.track_path(&track).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("“A” → “B” → “A”"),
        "the blocking cycle is named: {err}"
    );
}
