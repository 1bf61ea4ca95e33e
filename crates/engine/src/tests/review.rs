//! Review: the queue and bulk decisions, review packs, decision calibration and auto-
//! accept, edits, levels set by a person, calibrated parameters in simulations.

use super::*;

#[test]
fn the_review_queue_filters_and_bulk_decisions_are_one_logged_step() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let all = p
        .review_queue(Some(TagState::Suggested), None, None)
        .unwrap();
    assert!(
        all.len() >= 2,
        "both written modules have suggestions: {all:?}"
    );
    assert!(
        all.windows(2).all(|w| w[0].confidence >= w[1].confidence),
        "best first"
    );
    let confident = p.review_queue(None, None, Some(0.9)).unwrap();
    assert!(
        confident.iter().all(|t| t.confidence.unwrap() >= 0.9),
        "the confidence floor holds"
    );
    let err = p
        .review_queue(None, Some("no-such-skill"), None)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnknownId,
        "an unknown skill filter is named: {err}"
    );

    let keys: Vec<(ModuleId, SkillId)> = all
        .iter()
        .map(|t| (t.module_id.clone(), t.skill_id.clone()))
        .collect();
    let person = Actor::person("sme");
    let before = p.audit_log().unwrap().len();
    let n = p
        .decide_tags(
            &keys,
            TagState::Accepted,
            Some("checked"),
            &person,
            Timestamp(4),
        )
        .unwrap();
    assert_eq!(n, keys.len(), "every open suggestion is accepted");
    assert!(
        p.review_queue(Some(TagState::Suggested), None, None)
            .unwrap()
            .is_empty(),
        "nothing left to review"
    );
    let log = p.audit_log().unwrap();
    assert_eq!(log.len(), before + 1, "a bulk decision is one audit entry");
    assert_eq!(
        log.last().unwrap().after["note"],
        "checked",
        "the note is recorded"
    );
    let first = &log.last().unwrap().before["tags"][0];
    let passage = first["passages"][0].as_str().unwrap_or("");
    assert!(
        passage.split_whitespace().count() >= 3 && first["model"].is_string(),
        "each tag's explanation is kept as it was seen: the passages' text and the model: {first}"
    );
    assert_eq!(
        p.decide_tags(&keys, TagState::Accepted, None, &person, Timestamp(5))
            .unwrap(),
        0,
        "deciding again changes nothing and logs nothing"
    );
    assert_eq!(p.audit_log().unwrap().len(), before + 1);
    assert!(
        p.verify_audit().unwrap().broken.is_none(),
        "the chain stays intact"
    );
}

#[test]
fn review_pack_decisions_apply_once_and_conflicts_are_listed_not_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let open = p
        .review_queue(Some(TagState::Suggested), None, None)
        .unwrap();
    assert!(open.len() >= 2, "two suggestions to review: {open:?}");
    let (html, count) = p
        .export_review_pack(&PackFilter::default(), &ME, Timestamp(4))
        .unwrap();
    assert_eq!(count, open.len(), "every open suggestion is in the pack");
    let project = p.info().unwrap().id.to_string();
    let (a, b) = (&open[0], &open[1]);
    let file = tmp.path().join("decisions.json");
    std::fs::write(
        &file,
        decisions_file(
            &html,
            &project,
            &[
                (a.module_id.as_str(), &a.skill_slug, "accepted", "right on"),
                (b.module_id.as_str(), &b.skill_slug, "rejected", ""),
            ],
        ),
    )
    .unwrap();

    // Before it comes back, someone decides b in the project and a's module is unchanged.
    p.decide_tag(
        &b.module_id,
        &b.skill_slug,
        TagState::Accepted,
        None,
        &ME,
        Timestamp(5),
    )
    .unwrap();
    let r = p.import_review_decisions(&file, Timestamp(6)).unwrap();
    assert_eq!((r.applied, r.already), (1, 0), "a applies: {r:?}");
    assert_eq!(r.conflicts.len(), 1, "b was decided since the pack: {r:?}");
    assert!(
        r.conflicts[0]
            .reason
            .contains("decided in the project since"),
        "{r:?}"
    );
    let state_of = |p: &Project, t: &model::Tag| {
        p.review_queue(None, None, None)
            .unwrap()
            .into_iter()
            .find(|x| x.module_id == t.module_id && x.skill_id == t.skill_id)
            .unwrap()
            .state
    };
    assert_eq!(
        state_of(&p, a),
        TagState::Accepted,
        "the SME's decision is recorded"
    );
    assert_eq!(
        state_of(&p, b),
        TagState::Accepted,
        "the conflict did not overwrite b"
    );
    let entry = p
        .audit_log()
        .unwrap()
        .into_iter()
        .rev()
        .find(|e| e.action == "tag.decided")
        .unwrap();
    assert_eq!(
        entry.actor,
        Actor::Person {
            name: "Dana (SME)".into(),
            role: Some(model::Role::Sme),
        },
        "logged under the reviewer's name from the pack, as an SME"
    );
    assert_eq!(entry.after["note"], "right on", "with their note");

    let again = p.import_review_decisions(&file, Timestamp(7)).unwrap();
    assert_eq!(
        (again.applied, again.already),
        (0, 1),
        "a replay changes nothing"
    );

    // Refused whole, naming the file: another project, an edited file, an unknown pack.
    let mut check = |bytes: Vec<u8>, needle: &str, why: &str| {
        let f = tmp.path().join("bad.json");
        std::fs::write(&f, bytes).unwrap();
        let before = p.audit_log().unwrap().len();
        let err = p
            .import_review_decisions(&f, Timestamp(8))
            .expect_err(why)
            .to_string();
        assert!(
            err.contains("bad.json") && err.contains(needle),
            "{why}: {err}"
        );
        assert_eq!(
            p.audit_log().unwrap().len(),
            before,
            "{why}: nothing applied"
        );
    };
    let choice = [(a.module_id.as_str(), a.skill_slug.as_str(), "rejected", "")];
    check(
        decisions_file(&html, "another-project", &choice),
        "another project",
        "other project",
    );
    let edited = String::from_utf8(decisions_file(&html, &project, &choice))
        .unwrap()
        .replace("rejected", "accepted");
    check(edited.into_bytes(), "was changed after", "edited by hand");
    let foreign = decisions_file(&html, &project, &choice);
    let foreign = String::from_utf8(foreign).unwrap();
    let pack_id = foreign
        .split("\"pack\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let mut d: reviewpack::Decisions = serde_json::from_str(&foreign).unwrap();
    d.pack = "0000".into();
    d.checksum = reviewpack::sha256_hex(&reviewpack::canonical(&d));
    check(
        serde_json::to_vec(&d).unwrap(),
        "never exported",
        "unknown pack",
    );
    assert_ne!(pack_id, "0000");
    check(
        b"{\"format\":\"pathforge.review-decisions/v1\",\"pack\":".to_vec(),
        "incomplete",
        "truncated",
    );

    // A module whose text changed since the pack: its decision is a conflict.
    write(&lib, "price.md", b"---\ntitle: Price pushback\n---\nRewritten entirely: a new text about pricing conversations.\n");
    p.import_library(&lib, &ME, Timestamp(9)).unwrap();
    let price = module_by_title(&p, "Price pushback");
    let t = open
        .iter()
        .find(|t| t.module_id == price)
        .expect("the price module has a suggestion in the pack");
    let f = tmp.path().join("late.json");
    let late = decisions_file(
        &html,
        &project,
        &[(t.module_id.as_str(), &t.skill_slug, "rejected", "")],
    );
    std::fs::write(&f, late).unwrap();
    let r = p.import_review_decisions(&f, Timestamp(10)).unwrap();
    assert_eq!(r.applied, 0, "{r:?}");
    assert!(
        r.conflicts
            .iter()
            .any(|c| c.reason.contains("text changed") || c.reason.contains("no longer exists")),
        "a decision about text that changed is not applied: {r:?}"
    );
}

#[test]
fn calibration_counts_decisions_and_auto_accept_never_overrides_a_person() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, lib) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let open = p
        .review_queue(Some(TagState::Suggested), None, None)
        .unwrap();
    assert!(open.len() >= 2, "{open:?}");
    let (a, b) = (&open[0], &open[1]);
    p.decide_tag(
        &a.module_id,
        &a.skill_slug,
        TagState::Accepted,
        None,
        &ME,
        Timestamp(4),
    )
    .unwrap();
    p.decide_tag(
        &b.module_id,
        &b.skill_slug,
        TagState::Rejected,
        None,
        &ME,
        Timestamp(5),
    )
    .unwrap();
    let c = p.calibration().unwrap();
    let total = |rows: &[model::CalibrationRow]| {
        rows.iter().fold((0, 0, 0), |s, r| {
            (s.0 + r.accepted, s.1 + r.rejected, s.2 + r.open)
        })
    };
    assert_eq!(c.bands.len(), 5, "bands of 0.1 from 0.5 to 1.0");
    assert_eq!(
        total(&c.bands),
        (1, 1, open.len() as u32 - 2),
        "every suggestion counted once, in its band"
    );
    assert_eq!(
        total(&c.skills),
        total(&c.bands),
        "and once under its skill"
    );
    let band_of =
        |t: &model::Tag| (((t.confidence.unwrap() * 10.0).floor() as usize).clamp(5, 9)) - 5;
    assert!(
        c.bands[band_of(a)].accepted >= 1,
        "the accepted one sits in its confidence band"
    );

    let err = p.set_auto_accept(Some(0.3), &ME, Timestamp(6)).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::BadInput,
        "below the suggestion floor is out of range, refused: {err}"
    );
    p.set_auto_accept(Some(0.5), &ME, Timestamp(7)).unwrap();
    // Every module's text changes, so everything is suggested afresh.
    for (file, title) in [
        ("price.md", "Price pushback"),
        ("soc2.md", "Security questionnaires"),
    ] {
        let text = std::fs::read_to_string(lib.join(file)).unwrap();
        write(
            &lib,
            file,
            format!("{text}\nRevised for {title}.\n").as_bytes(),
        );
    }
    // And a new module arrives, with nothing decided about it yet; and a quiz with no text
    // of its own (its questions in script), matched by its title alone.
    write(&lib, "forecast.md", b"---\ntitle: Forecast calls\n---\nEvery Friday, predict which deals close this quarter. Keep the forecast accurate: commit only deals with a signed mutual plan, and review the pipeline each week.\n");
    write(
        &lib,
        "quiz.md",
        b"---\ntitle: Security questionnaire quiz\n---\n",
    );
    p.import_library(&lib, &ME, Timestamp(8)).unwrap();
    let r = p
        .tag_modules(encoder(), Timestamp(9), &mut |_, _| true)
        .unwrap();
    assert!(
        r.auto_accepted >= 1,
        "suggestions at or above 0.5 are accepted as made: {r:?}"
    );
    let now = p.review_queue(None, None, None).unwrap();
    let t = now
        .iter()
        .find(|t| t.module_id == b.module_id && t.skill_id == b.skill_id)
        .expect("a rejected tag stays on record");
    assert!(
        t.state != TagState::Accepted,
        "a skill a person rejected is never auto-accepted, even for new text: {t:?}"
    );
    let quiz = p.resolve_module("Security questionnaire quiz").unwrap();
    let by_title: Vec<&model::Tag> = now.iter().filter(|t| t.module_id == quiz.id).collect();
    assert!(
        !by_title.is_empty()
            && by_title
                .iter()
                .all(|t| t.evidence.is_empty() && t.state == TagState::Suggested),
        "the empty quiz is suggested a skill by its title, with no passage behind it, and so \
         left for a person to read, whatever the threshold: {by_title:?}"
    );
    let entry = p
        .audit_log()
        .unwrap()
        .into_iter()
        .find(|e| e.action == "tags.auto_accepted")
        .expect("automatic acceptances are logged");
    assert!(
        matches!(entry.actor, Actor::Model { .. }),
        "as the model's, not a person's"
    );
    assert_eq!(entry.after["threshold"], 0.5);
    let c = p.calibration().unwrap();
    assert_eq!(
        c.bands.iter().map(|b| b.auto_accepted).sum::<u32>(),
        r.auto_accepted,
        "automatic acceptances are counted apart from people's"
    );
    assert_eq!(c.auto_accept, Some(0.5));
}

#[test]
fn an_edit_rejects_a_suggestion_for_another_skill_in_one_logged_decision() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut p, _) = tagging_project(tmp.path());
    p.tag_modules(encoder(), Timestamp(3), &mut |_, _| true)
        .unwrap();
    let t = p
        .review_queue(Some(TagState::Suggested), None, None)
        .unwrap()[0]
        .clone();
    let other = ["objection-handling", "security-review", "forecasting"]
        .into_iter()
        .find(|s| *s != t.skill_slug)
        .unwrap();
    let err = p
        .edit_tag(
            &t.module_id,
            &t.skill_slug,
            &t.skill_slug,
            None,
            &ME,
            Timestamp(4),
        )
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::BadInput,
        "replacing a skill by itself is a malformed edit: {err}"
    );
    let err = p
        .edit_tag(
            &t.module_id,
            &t.skill_slug,
            "no-such-skill",
            None,
            &ME,
            Timestamp(4),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownId, "{err}");

    let edit = p
        .edit_tag(
            &t.module_id,
            &t.skill_slug,
            other,
            Some("wrong focus"),
            &ME,
            Timestamp(5),
        )
        .unwrap();
    assert!(edit.added && edit.before == TagState::Suggested, "{edit:?}");
    let tags = p.module_insight(&t.module_id).unwrap().tags;
    let was = tags
        .iter()
        .find(|x| x.skill_slug == t.skill_slug && x.source == TagSource::Model)
        .unwrap();
    assert_eq!(
        (was.state, was.replaced_by.as_deref()),
        (TagState::Rejected, Some(other)),
        "the suggestion is rejected, naming its replacement"
    );
    assert!(
        tags.iter().any(|x| x.skill_slug == other
            && x.source == TagSource::Person
            && x.state == TagState::Accepted),
        "the replacement is the person's accepted tag: {tags:?}"
    );
    let entry = p.audit_log().unwrap().pop().unwrap();
    assert_eq!(entry.action, "tag.edited");
    assert_eq!(
        (entry.after["skill"].as_str(), entry.after["note"].as_str()),
        (Some(other), Some("wrong focus"))
    );

    // Undone: the suggestion is open again and the person's tag the edit added is gone.
    p.undo_edit(&edit, &ME, Timestamp(6)).unwrap();
    let tags = p.module_insight(&t.module_id).unwrap().tags;
    let back = tags
        .iter()
        .find(|x| x.skill_slug == t.skill_slug && x.source == TagSource::Model)
        .unwrap();
    assert_eq!(
        (back.state, back.replaced_by.clone()),
        (TagState::Suggested, None),
        "as before the edit"
    );
    assert!(
        !tags
            .iter()
            .any(|x| x.skill_slug == other && x.source == TagSource::Person),
        "the added tag is removed: {tags:?}"
    );
    assert_eq!(
        p.audit_log().unwrap().pop().unwrap().action,
        "tag.edit_undone"
    );
    assert!(
        p.verify_audit().unwrap().broken.is_none(),
        "the chain holds"
    );
}

#[test]
fn a_level_set_by_a_person_outlasts_reimports_until_cleared_and_clearing_gives_the_files_back() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    write(
        &lib,
        "a.md",
        b"---\nlevel: beginner\n---\n# Alpha\n\nText.\n",
    );
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let id = p.modules().unwrap()[0].id.clone();
    let level = |p: &Project| p.module(&id).unwrap().level;
    let person = Actor::person("sme");
    p.set_module_level(
        &id,
        Some(model::Level::Advanced),
        Some("assumes the basics"),
        &person,
        Timestamp(3),
    )
    .unwrap();
    assert_eq!(level(&p), Some(model::Level::Advanced), "set at once");
    assert!(
        p.module_insight(&id).unwrap().level_set_by_hand,
        "the module's insight says a person set its level (the app offers the file's back)"
    );
    let again = p.import_library(&lib, &ME, Timestamp(4)).unwrap();
    assert_eq!(
        again.unchanged, 1,
        "a re-import of the same file sees nothing new"
    );
    assert_eq!(
        level(&p),
        Some(model::Level::Advanced),
        "the person's level stays"
    );
    write(
        &lib,
        "a.md",
        b"---\nlevel: beginner\n---\n# Alpha\n\nText, revised.\n",
    );
    p.import_library(&lib, &ME, Timestamp(5)).unwrap();
    assert_eq!(
        level(&p),
        Some(model::Level::Advanced),
        "even when the file changes"
    );
    let entry = p
        .audit_log()
        .unwrap()
        .into_iter()
        .find(|e| e.action == "module.level_set")
        .unwrap();
    assert_eq!(
        entry.before["level"], "beginner",
        "logged with the level it replaced"
    );
    assert_eq!(entry.after["note"], "assumes the basics");

    // The file now says intermediate; the person's level still stands.
    write(
        &lib,
        "a.md",
        b"---\nlevel: intermediate\n---\n# Alpha\n\nText, revised.\n",
    );
    p.import_library(&lib, &ME, Timestamp(6)).unwrap();
    assert_eq!(
        level(&p),
        Some(model::Level::Advanced),
        "still the person's"
    );
    let cleared = p
        .set_module_level(&id, None, None, &person, Timestamp(7))
        .unwrap();
    assert_eq!(
        (cleared.level, level(&p)),
        (
            Some(model::Level::Intermediate),
            Some(model::Level::Intermediate)
        ),
        "cleared, the level the file gives now returns at once, not at the next import"
    );
    assert!(
        !p.module_insight(&id).unwrap().level_set_by_hand,
        "and no level is set by hand any more"
    );
    let again = p.import_library(&lib, &ME, Timestamp(8)).unwrap();
    assert_eq!(
        (again.unchanged, level(&p)),
        (1, Some(model::Level::Intermediate)),
        "and the next import finds the module as its file has it: nothing changed"
    );

    // A file that gives no level: cleared, the module has none.
    write(&lib, "a.md", b"# Alpha\n\nText, revised.\n");
    p.import_library(&lib, &ME, Timestamp(9)).unwrap();
    p.set_module_level(
        &id,
        Some(model::Level::Beginner),
        None,
        &person,
        Timestamp(10),
    )
    .unwrap();
    p.set_module_level(&id, None, None, &person, Timestamp(11))
        .unwrap();
    assert_eq!(level(&p), None, "the file gives none, so none");
}

#[test]
fn calibrated_parameters_drive_the_simulation() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let before = p.simulate(None, 2000, 7).unwrap();
    // Answers drawn from learners who rarely know or learn anything (prior 0.05, learn
    // 0.02, guess 0.1, slip 0.1): every skill calibrates to a small learning rate.
    let mut state = 99u64;
    let mut draw = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut csv = String::from("learner,skill,correct,order\n");
    let mut order = 0;
    for skill in p.skills().unwrap() {
        for learner in 0..300 {
            let mut known = draw() < 0.05;
            for _ in 0..10 {
                order += 1;
                let correct = if known { draw() >= 0.1 } else { draw() < 0.1 };
                known = known || draw() < 0.02;
                csv += &format!("l{learner},{},{},{order}\n", skill.slug, u8::from(correct));
            }
        }
    }
    let log = tmp.path().join("answers.csv");
    std::fs::write(&log, csv).unwrap();
    p.import_answers(&log, &ME, Timestamp(3)).unwrap();
    let fits = p.calibrate(false, &ME, Timestamp(4)).unwrap();
    assert!(
        fits.iter().all(|f| f.learn < 0.1),
        "the log says nobody learns: {:?}",
        fits.iter().map(|f| f.learn).collect::<Vec<_>>()
    );
    let after = p.simulate(None, 2000, 7).unwrap();
    assert!(
        after.0.first_attempt_pass_rate.unwrap() < before.0.first_attempt_pass_rate.unwrap(),
        "with calibrated (slow) learning fewer assessments pass first time: {:?} then {:?}",
        before.0.first_attempt_pass_rate,
        after.0.first_attempt_pass_rate
    );
    assert_eq!(
        p.simulate(None, 2000, 7).unwrap().0,
        after.0,
        "and the calibrated run is reproducible"
    );
}

/// The skills `track` leaves untaught, and whether lint has an error that a module should
/// teach one of `skills`.
fn untaught(p: &Project, skills: &[&str]) -> (Vec<String>, bool) {
    let track = p.tracks().unwrap().remove(0);
    let path = p.track_path(&track).unwrap();
    let lint = p.check_graph().unwrap().into_iter().any(|f| {
        f.code == model::FindingCode::TrackWithoutPath
            || (f.code == model::FindingCode::UntaughtSkill
                && skills.iter().any(|s| f.message.contains(s)))
    });
    (path.untaught_targets, lint)
}

#[test]
fn accepted_auto_accepted_and_edited_tags_teach_like_declared_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    write(
        &lib,
        "pathforge.toml",
        (TAGGING_SKILLS.to_owned()
            + r#"
[[skill]]
slug = "trust-centre"
name = "Trust centre"
description = "Keeping the public trust centre page current."

[[track]]
slug = "closer"
name = "Closer"
targets = [{ skill = "forecasting" }, { skill = "objection-handling" }, { skill = "trust-centre" }]

[cohort]
bkt = { learn = 0.3, guess = 0.25, slip = 0.1, forget = 0.01 }

[[cohort.segments]]
name = "Account executives"
share = 1.0
prior = 0.2
speed = 1.0
weekly_minutes = 120
dropout_per_week = 0.0
reengage_response = 0.5
"#)
        .as_bytes(),
    );
    write(&lib, "forecast.md", b"---\ntitle: Forecast calls\n---\nEvery week, predict which deals will close this quarter. Keep the forecast accurate by updating the close date and the amount of each deal, and commit only to deals with a signed next step.\n");
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let all = ["Forecasting", "Objection handling", "Trust centre"];
    let (missing, lint) = untaught(&p, &all);
    assert_eq!(
        missing.len(),
        3,
        "before tagging, no module teaches a target"
    );
    assert!(lint, "and the linter says so");
    assert!(
        p.export(lms::Target::Scorm2004, &ExportOptions::default())
            .is_err(),
        "and an export is refused"
    );

    // Auto-accepted: suggestions made while a threshold is set.
    p.set_auto_accept(Some(0.5), &ME, Timestamp(3)).unwrap();
    p.tag_modules(encoder(), Timestamp(4), &mut |_, _| true)
        .unwrap();
    p.set_auto_accept(None, &ME, Timestamp(5)).unwrap();
    let forecast = module_by_title(&p, "Forecast calls");
    assert!(
        p.modules()
            .unwrap()
            .iter()
            .any(|m| m.id == forecast && m.tags.contains(&"forecasting".to_owned())),
        "the auto-accepted tag is one the module teaches"
    );

    write(&lib, "price.md", PRICE_MD);
    write(&lib, "soc2.md", SOC2_MD);
    p.import_library(&lib, &ME, Timestamp(6)).unwrap();
    p.tag_modules(encoder(), Timestamp(7), &mut |_, _| true)
        .unwrap();
    let (price, soc2) = (
        module_by_title(&p, "Price pushback"),
        module_by_title(&p, "Security questionnaires"),
    );
    let (missing, _) = untaught(&p, &all);
    assert_eq!(
        missing,
        ["objection-handling", "trust-centre"],
        "open suggestions teach nothing yet"
    );
    // Accepted by a person, and edited into a skill the model did not suggest.
    p.decide_tag(
        &price,
        "objection-handling",
        TagState::Accepted,
        None,
        &ME,
        Timestamp(8),
    )
    .unwrap();
    p.edit_tag(
        &soc2,
        "security-review",
        "trust-centre",
        Some("it is about the trust page"),
        &ME,
        Timestamp(9),
    )
    .unwrap();

    let (missing, lint) = untaught(&p, &all);
    assert!(
        missing.is_empty(),
        "every target is taught now: {missing:?}"
    );
    assert!(!lint, "the linter agrees");
    let track = p.tracks().unwrap().remove(0);
    let path: Vec<ModuleId> = p
        .track_path(&track)
        .unwrap()
        .steps
        .into_iter()
        .map(|s| s.module.id)
        .collect();
    for m in [&forecast, &price, &soc2] {
        assert!(
            path.contains(m),
            "{m} teaches a target, so it is on the path"
        );
    }
    let taught = |m: &ModuleId| {
        p.modules()
            .unwrap()
            .into_iter()
            .find(|x| &x.id == m)
            .unwrap()
            .tags
    };
    assert!(
        !taught(&soc2).contains(&"security-review".to_owned()),
        "the edited-away suggestion is rejected and teaches nothing"
    );
    let (_, rules) = p.simulate(None, 200, 1).unwrap();
    let simulated: Vec<&str> = rules.funnel.iter().map(|m| m.key.as_str()).collect();
    for key in ["forecast.md", "price.md", "soc2.md"] {
        assert!(
            simulated.contains(&key),
            "the simulation walks {key}: {simulated:?}"
        );
    }
    let export = p
        .export(lms::Target::Scorm2004, &ExportOptions::default())
        .expect("the curriculum ships once every target is taught");
    let manifest = export
        .files
        .get("imsmanifest.xml")
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .expect("a SCORM export has a manifest");
    for title in [
        "Forecast calls",
        "Price pushback",
        "Security questionnaires",
    ] {
        assert!(manifest.contains(title), "the export carries {title}");
    }

    // A person rejecting an accepted tag takes it back out of everything.
    p.decide_tag(
        &price,
        "objection-handling",
        TagState::Rejected,
        None,
        &ME,
        Timestamp(10),
    )
    .unwrap();
    let (missing, lint) = untaught(&p, &all);
    assert_eq!(
        missing,
        ["objection-handling"],
        "rejected, it teaches nothing"
    );
    assert!(lint, "and the linter says so again");
}
