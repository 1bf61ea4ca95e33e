//! The audit log in words: the entries a reviewer looks for, each read back as a person
//! would say what was done and to what, by the names the project uses.

use super::*;

#[test]
fn each_entry_reads_as_what_was_done_to_what_by_its_names() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _) = tagging_project(tmp.path());
    let dana = Actor::person("Dana");
    let price = module_by_title(&p, "Price pushback");
    let soc2 = module_by_title(&p, "Security questionnaires");
    let draft = module_by_title(&p, "To be written");
    let mut want: Vec<(&str, String)> = vec![(
        "library.imported",
        "Imported “lib”: 3 added, 0 updated, 0 retired (3 modules in all)".into(),
    )];

    let report = p
        .tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    want.push((
        "modules.tagged",
        format!("Auto-tagged {} modules", report.analysed),
    ));
    p.set_auto_accept(Some(0.95), &dana, Timestamp(4)).unwrap();
    want.push((
        "review.auto_accept_set",
        "Set automatic acceptance to suggestions at 95% or more".into(),
    ));
    p.set_auto_accept(None, &dana, Timestamp(4)).unwrap();
    want.push((
        "review.auto_accept_set",
        "Turned automatic acceptance off".into(),
    ));

    let open = p
        .review_queue(Some(TagState::Suggested), None, None)
        .unwrap();
    let first = open
        .iter()
        .find(|t| t.module_id == price)
        .expect("the price module has a suggestion");
    let skills: HashMap<String, String> = p
        .skills()
        .unwrap()
        .into_iter()
        .map(|s| (s.slug, s.name))
        .collect();
    let skill_name = |slug: &str| skills[slug].clone();
    let (first_slug, first_name) = (first.skill_slug.clone(), skill_name(&first.skill_slug));
    let every: Vec<(ModuleId, SkillId)> = open
        .iter()
        .map(|t| (t.module_id.clone(), t.skill_id.clone()))
        .collect();
    assert!(every.len() >= 2, "suggestions to decide together: {open:?}");
    p.decide_tags(
        &every,
        TagState::Rejected,
        Some("Not yet"),
        &dana,
        Timestamp(5),
    )
    .unwrap();
    want.push((
        "tags.decided",
        format!("Rejected {} tags — “Not yet”", every.len()),
    ));
    p.decide_tag(
        &price,
        &first_slug,
        TagState::Accepted,
        None,
        &dana,
        Timestamp(6),
    )
    .unwrap();
    want.push((
        "tag.decided",
        format!(
            "Accepted “{first_name}” on “Price pushback” (suggested at {:.0}%)",
            first.confidence.unwrap() * 100.0
        ),
    ));

    let to = ["objection-handling", "security-review", "forecasting"]
        .into_iter()
        .find(|s| *s != first_slug)
        .unwrap();
    let edit = p
        .edit_tag(&price, &first_slug, to, None, &dana, Timestamp(7))
        .unwrap();
    let to_name = skill_name(to);
    want.push((
        "tag.edited",
        format!("Changed “{first_name}” to “{to_name}” on “Price pushback”"),
    ));
    p.undo_edit(&edit, &dana, Timestamp(8)).unwrap();
    want.push((
        "tag.edit_undone",
        format!("Undid the change of “{first_name}” to “{to_name}” on “Price pushback”"),
    ));
    p.set_module_level(
        &draft,
        Some(model::Level::Advanced),
        Some("checked with the author"),
        &dana,
        Timestamp(9),
    )
    .unwrap();
    want.push((
        "module.level_set",
        "Set the level of “To be written” to advanced — “checked with the author”".into(),
    ));

    p.add_skill("negotiation", "Negotiation", None, "", &dana, Timestamp(10))
        .unwrap();
    want.push(("skill.added", "Added the skill “Negotiation”".into()));
    p.edit_skill(
        "negotiation",
        SkillEdit {
            name: Some("Negotiating".into()),
            ..SkillEdit::default()
        },
        &dana,
        Timestamp(11),
    )
    .unwrap();
    want.push((
        "skill.edited",
        "Renamed the skill “Negotiation” to “Negotiating”".into(),
    ));
    let edits = [
        (
            SkillEdit {
                parent: Some(Some("objection-handling".into())),
                ..SkillEdit::default()
            },
            "Moved the skill “Negotiating” under “Objection handling”",
        ),
        (
            SkillEdit {
                parent: Some(None),
                ..SkillEdit::default()
            },
            "Moved the skill “Negotiating” to the top of the taxonomy",
        ),
        (
            SkillEdit {
                retired: Some(true),
                ..SkillEdit::default()
            },
            "Retired the skill “Negotiating”",
        ),
        (
            SkillEdit {
                retired: Some(false),
                ..SkillEdit::default()
            },
            "Brought back the skill “Negotiating”",
        ),
        (
            SkillEdit {
                description: Some("Trading concessions".into()),
                ..SkillEdit::default()
            },
            "Edited the skill “Negotiating”",
        ),
    ];
    for (edit, said) in edits {
        p.edit_skill("negotiation", edit, &dana, Timestamp(11))
            .unwrap();
        want.push(("skill.edited", said.into()));
    }
    p.add_skill_prerequisite("objection-handling", "negotiation", &dana, Timestamp(12))
        .unwrap();
    want.push((
        "skill_prerequisite.added",
        "Added the skill prerequisite “Objection handling” → “Negotiating”".into(),
    ));

    p.add_prerequisite(&price, &soc2, None, &dana, Timestamp(13))
        .unwrap();
    want.push((
        "prerequisite.added",
        "Added the prerequisite “Price pushback” → “Security questionnaires”".into(),
    ));
    p.remove_prerequisite(&price, &soc2, &dana, Timestamp(14))
        .unwrap();
    want.push((
        "prerequisite.removed",
        "Removed the prerequisite “Price pushback” → “Security questionnaires”".into(),
    ));
    p.dismiss_suggestion(&soc2, &draft, &dana, Timestamp(15))
        .unwrap();
    want.push((
        "suggestion.dismissed",
        "Dismissed the suggested prerequisite “Security questionnaires” → “To be written”".into(),
    ));

    let track = model::TrackDraft {
        slug: "closers".into(),
        name: "Closers".into(),
        description: String::new(),
        targets: vec![model::TrackTarget {
            skill: "objection-handling".into(),
            level: None,
        }],
        role: None,
        department: None,
    };
    p.add_track(&track, &dana, Timestamp(16)).unwrap();
    want.push(("track.added", "Added the track “Closers”".into()));
    p.remove_track("closers", &dana, Timestamp(17)).unwrap();
    want.push(("track.removed", "Removed the track “Closers”".into()));

    let lines = p.audit_lines().unwrap();
    let said: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l.event.action.as_str(), l.summary.as_str()))
        .collect();
    let want: Vec<(&str, &str)> = want.iter().map(|(a, s)| (*a, s.as_str())).collect();
    assert_eq!(
        said, want,
        "each entry, oldest first, says what was done and to what, by name"
    );
    assert_eq!(
        lines.iter().map(|l| &l.event).collect::<Vec<_>>(),
        p.audit_log().unwrap().iter().collect::<Vec<_>>(),
        "the words come beside the entries, which are the log's own"
    );

    // Names follow the project: a skill in it by the name it has now; one removed by what
    // its entries kept (its name, or the slug it was given by).
    p.remove_skill_prerequisite("objection-handling", "negotiation", &dana, Timestamp(18))
        .unwrap();
    let err = p.remove_skill("objection-handling", &dana, Timestamp(19));
    let err = err.unwrap_err().to_string();
    assert!(
        err.contains("(1 tag)"),
        "a skill in use says what uses it, in the singular where it is one: {err}"
    );
    p.remove_skill("negotiation", &dana, Timestamp(20)).unwrap();
    let lines = p.audit_lines().unwrap();
    let said: Vec<&str> = lines
        .iter()
        .rev()
        .take(2)
        .map(|l| l.summary.as_str())
        .collect();
    assert_eq!(
        said,
        [
            "Removed the skill “Negotiating”",
            "Removed the skill prerequisite “Objection handling” → “negotiation”",
        ],
        "a removed skill is named by what its entries kept"
    );
    let added = lines
        .iter()
        .find(|l| l.event.action == "skill_prerequisite.added")
        .unwrap();
    assert_eq!(
        added.summary, "Added the skill prerequisite “Objection handling” → “negotiation”",
        "never by an id"
    );
}
