//! The taxonomy: edits checked and logged, skill prerequisites against the modules,
//! framework files of any format.

use super::*;

#[test]
fn taxonomy_edits_are_checked_and_logged() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let slug_of_parent = |p: &Project, slug: &str| {
        let skills = p.skills().unwrap();
        let s = skills.iter().find(|s| s.slug == slug).unwrap();
        s.parent_id
            .as_ref()
            .map(|id| skills.iter().find(|k| &k.id == id).unwrap().slug.clone())
    };

    p.add_skill(
        "coaching",
        "Coaching",
        Some("selling"),
        "Helping peers improve.",
        &ME,
        Timestamp(3),
    )
    .unwrap();
    let err = p.remove_skill("selling", &ME, Timestamp(3)).unwrap_err();
    assert!(
        err.to_string().contains("in use"),
        "a skill with tags and sub-skills is retired or merged, never removed: {err}"
    );
    p.add_skill("scratch", "Scratch", None, "", &ME, Timestamp(3))
        .unwrap();
    p.remove_skill("scratch", &ME, Timestamp(3)).unwrap();
    assert!(
        p.skills().unwrap().iter().all(|s| s.slug != "scratch"),
        "a skill nothing uses can be removed (the undo of adding it)"
    );
    let err = p
        .add_skill("coaching", "Again", None, "", &ME, Timestamp(3))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "slugs are unique: {err}");
    assert!(
        p.check_graph()
            .unwrap()
            .iter()
            .any(|f| f.code == model::FindingCode::UntaughtSkill),
        "a new leaf nothing teaches is flagged"
    );
    p.edit_skill(
        "coaching",
        SkillEdit {
            retired: Some(true),
            ..Default::default()
        },
        &ME,
        Timestamp(4),
    )
    .unwrap();
    assert!(
        p.check_graph().unwrap().is_empty(),
        "retired skills are out of the checks"
    );

    let edit = SkillEdit {
        parent: Some(Some("negotiation".into())),
        ..Default::default()
    };
    let err = p
        .edit_skill("deal-progression", edit, &ME, Timestamp(5))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("its own ancestor"),
        "the loop is refused and explained: {err}"
    );
    let edit = SkillEdit {
        name: Some("Deal negotiation".into()),
        parent: Some(Some("discovery".into())),
        ..Default::default()
    };
    p.edit_skill("negotiation", edit, &ME, Timestamp(6))
        .unwrap();
    assert_eq!(
        slug_of_parent(&p, "negotiation").as_deref(),
        Some("discovery"),
        "moved"
    );

    // Merge closing into negotiation: tags, track targets and future imports follow.
    let teaching = |p: &Project, slug: &str| {
        p.modules()
            .unwrap()
            .iter()
            .filter(|m| m.tags.iter().any(|t| t == slug))
            .count()
    };
    let either = p
        .modules()
        .unwrap()
        .iter()
        .filter(|m| m.tags.iter().any(|t| t == "negotiation" || t == "closing"))
        .count();
    let state = |p: &Project| {
        let mut uses = p.skill_uses().unwrap();
        uses.sort_by(|a, b| a.skill.cmp(&b.skill));
        let mut prereqs = p.skill_prerequisites().unwrap();
        prereqs.sort_by(|a, b| (&a.before, &a.after).cmp(&(&b.before, &b.after)));
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}",
            p.skills().unwrap(),
            uses,
            prereqs,
            p.tracks().unwrap()
        )
    };
    let untouched = state(&p);
    let preview = p.merge_preview("closing", "negotiation").unwrap();
    assert_eq!(state(&p), untouched, "a preview changes nothing");
    let merge = p
        .merge_skill("closing", "negotiation", &ME, Timestamp(7))
        .unwrap();
    assert!(merge.tags > 0, "tags moved");
    assert_eq!(
        (
            preview.tags,
            preview.children.len() as u32,
            preview.tracks.len() as u32
        ),
        (merge.tags, merge.children, merge.tracks),
        "the preview announced exactly what the merge moved: {preview:?}"
    );
    assert_ne!(state(&p), untouched, "the merge changed the taxonomy");
    p.unmerge_skill(merge.audit, &ME, Timestamp(7)).unwrap();
    assert_eq!(
        state(&p),
        untouched,
        "undoing the merge puts back the skill, its tags, prerequisites and track targets"
    );
    let err = p.unmerge_skill(merge.audit, &ME, Timestamp(7)).unwrap_err();
    assert!(
        err.to_string().contains("already undone"),
        "a merge is undone once: {err}"
    );
    let merge = p
        .merge_skill("closing", "negotiation", &ME, Timestamp(7))
        .unwrap();
    assert!(merge.tags > 0, "the merge can be redone");
    assert_eq!(
        teaching(&p, "closing"),
        0,
        "nothing is tagged with the merged skill"
    );
    assert_eq!(
        teaching(&p, "negotiation"),
        either,
        "every module that taught either now teaches the survivor"
    );
    p.import_library(&sample_library(), &ME, Timestamp(8))
        .unwrap();
    assert!(
        p.skills().unwrap().iter().all(|s| s.slug != "closing"),
        "re-importing content tagged `closing` does not bring the skill back"
    );
    assert_eq!(teaching(&p, "closing"), 0, "its tags land on the survivor");
    let actions: Vec<String> = p
        .audit_log()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "skill.added",
        "skill.edited",
        "skill.merged",
        "skill.unmerged",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} is in the audit log"
        );
    }
    let err = p
        .merge_skill("selling", "negotiation", &ME, Timestamp(9))
        .unwrap_err();
    assert!(
        err.to_string().contains("lies under"),
        "merging a skill into its own descendant is refused: {err}"
    );
}

#[test]
fn skill_prerequisites_are_checked_against_the_modules() {
    let codes = |p: &Project| -> Vec<model::FindingCode> {
        p.check_graph()
            .unwrap()
            .into_iter()
            .map(|f| f.code)
            .collect()
    };
    let tmp = tempfile::tempdir().unwrap();
    // m2 teaches y, y requires x, but x is taught only by m3, which comes after m2.
    let p = skill_project(
        tmp.path(),
        &[("m1", "w"), ("m2", "y"), ("m3", "x")],
        &[("m1", "m2"), ("m2", "m3")],
        &["w", "x", "y"],
        &[("x", "y")],
    );
    assert_eq!(
        codes(&p),
        [model::FindingCode::SkillOrderViolated],
        "m2 needs x before anything teaches it"
    );

    let tmp = tempfile::tempdir().unwrap();
    let p = skill_project(tmp.path(), &[("m1", "y")], &[], &["x", "y"], &[("x", "y")]);
    let findings = p.check_graph().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f.code == model::FindingCode::RequiresUntaughtSkill
                && f.message.contains("no module teaches “X”")),
        "a required skill nothing teaches is named: {findings:#?}"
    );

    // The module linter's redundancy check applies to skill edges too.
    let tmp = tempfile::tempdir().unwrap();
    let p = skill_project(
        tmp.path(),
        &[("m1", "x"), ("m2", "y"), ("m3", "z")],
        &[("m1", "m2"), ("m2", "m3")],
        &["x", "y", "z"],
        &[("x", "y"), ("y", "z"), ("x", "z")],
    );
    let findings = p.check_graph().unwrap();
    let redundant: Vec<&model::Finding> = findings
        .iter()
        .filter(|f| f.code == model::FindingCode::RedundantSkillEdge)
        .collect();
    assert_eq!(
        redundant.len(),
        1,
        "x → z is implied by x → y → z: {findings:#?}"
    );
    assert_eq!(
        redundant[0].message,
        "Skill prerequisite “X” → “Z” is redundant: “X” → “Y” → “Z” already leads there.",
        "named like a redundant module edge, as a skill prerequisite"
    );
    let slugs: Vec<String> = redundant[0]
        .objects
        .iter()
        .map(|id| {
            p.skills()
                .unwrap()
                .into_iter()
                .find(|s| s.id.as_str() == id)
                .unwrap()
                .slug
        })
        .collect();
    assert_eq!(
        slugs,
        ["x", "y", "z"],
        "its objects are the skills of the path"
    );
    assert_eq!(
        findings.len(),
        1,
        "nothing else is wrong here: {findings:#?}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let mut p = skill_project(
        tmp.path(),
        &[("m1", "x"), ("m2", "y"), ("m3", "z")],
        &[],
        &["x", "y", "z"],
        &[("x", "y"), ("y", "z")],
    );
    let err = p
        .add_skill_prerequisite("z", "x", &ME, Timestamp(3))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("“Z” → “X” → “Y” → “Z”"),
        "the skill cycle is named in order: {err}"
    );
    let derived = p.derived_edges().unwrap();
    let pairs: Vec<(String, String)> = derived
        .iter()
        .map(|d| {
            (
                p.module(&d.before).unwrap().title,
                p.module(&d.after).unwrap().title,
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("m1".to_owned(), "m2".to_owned()),
            ("m2".to_owned(), "m3".to_owned())
        ],
        "each skill order implies a module order"
    );
    assert!(
        derived[0]
            .because
            .contains("“m2” teaches “Y”, which requires “X”, which “m1” teaches"),
        "{}",
        derived[0].because
    );
    p.remove_skill_prerequisite("x", "y", &ME, Timestamp(4))
        .unwrap();
    assert_eq!(
        p.derived_edges().unwrap().len(),
        1,
        "removing the skill prerequisite removes what it implied"
    );
}

#[test]
fn a_framework_file_is_imported_whatever_its_format_told_by_its_content() {
    let tmp = tempfile::tempdir().unwrap();
    let mut source = Project::create(&tmp.path().join("source.pathforge"), Timestamp(1)).unwrap();
    source
        .import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let skills = source.skills().unwrap().len();
    let check = |format: TaxonomyFormat, file: &str| {
        let path = tmp.path().join(file);
        std::fs::write(&path, source.export_taxonomy(format, Timestamp(3)).unwrap()).unwrap();
        let mut p =
            Project::create(&tmp.path().join(format!("{file}.pathforge")), Timestamp(1)).unwrap();
        let report = p.import_taxonomy_file(&path, &ME, Timestamp(4)).unwrap();
        assert_eq!(
            (report.added as usize, p.skills().unwrap().len()),
            (skills, skills),
            "{file}: every skill of the framework arrives, its format told from the content"
        );
        let again = p.import_taxonomy_file(&path, &ME, Timestamp(5)).unwrap();
        assert_eq!(
            (again.added, again.updated, again.unchanged as usize),
            (0, 0, skills),
            "{file}: the same file again changes no skill, and says so"
        );
        let log = p.audit_lines().unwrap();
        assert!(
            log.last()
                .unwrap()
                .summary
                .ends_with(": 0 skills added, 0 updated"),
            "{file}: as its log entry does: {}",
            log.last().unwrap().summary
        );
    };
    check(TaxonomyFormat::Case, "framework.json");
    check(TaxonomyFormat::MoodleCsv, "moodle.csv");
    check(TaxonomyFormat::Csv, "plain.csv");

    // The plain CSV as Excel on Windows saves it where the comma is the decimal point:
    // Windows-1252 (é is the byte E9) and semicolons.
    let path = tmp.path().join("excel.csv");
    std::fs::write(
        &path,
        b"id;parent_id;name;description\r\ncafe;;Caf\xe9 service;Serving, with care\r\n",
    )
    .unwrap();
    let mut p = Project::create(&tmp.path().join("excel.pathforge"), Timestamp(1)).unwrap();
    p.import_taxonomy_file(&path, &ME, Timestamp(2)).unwrap();
    let names: Vec<(String, String)> = p
        .skills()
        .unwrap()
        .into_iter()
        .map(|s| (s.name, s.description))
        .collect();
    assert_eq!(
        names,
        [("Café service".to_owned(), "Serving, with care".to_owned())],
        "read as Windows-1252 and split on semicolons: the accent and the comma in a field survive"
    );
}
