//! The session as the window drives it, and the generated bindings.

use super::*;

const BINDINGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/lib/bindings.ts");

#[test]
fn typescript_bindings_are_up_to_date() {
    let fresh = bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(BINDINGS, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(BINDINGS).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is stale: the Rust IPC types changed. Run `make bindings` \
         and commit the result."
    );
}

#[test]
fn errors_cross_as_kind_and_message() {
    let mut s = Session::default();
    let err = s.modules().unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::NoProject,
        "listing needs an open project"
    );
    let tmp = tempfile::tempdir().unwrap();
    let err = s
        .open_project(&tmp.path().join("missing.pathforge"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{}", err.message);
    assert!(
        err.message.contains("missing.pathforge"),
        "the message names the file"
    );
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(
        json["kind"], "not_found",
        "kinds are snake_case strings on the wire"
    );
}

#[test]
fn suggestions_report_progress_and_a_cancel_stops_them_until_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = std::fs::canonicalize(tmp.path()).unwrap().join("lib");
    std::fs::create_dir(&lib).unwrap();
    for (name, text) in [
        ("a.md", "# Charts\n\nCharts show data."),
        ("b.md", "# Dashboards\n\nDashboards combine charts of data."),
        ("c.md", "# Knitting\n\nYarn and needles."),
    ] {
        std::fs::write(lib.join(name), text).unwrap();
    }
    let mut s = Session::start(Some(&tmp.path().join("p")), None, Timestamp(1));
    s.import_library(&lib, &Cancel::default(), Timestamp(2), &mut |_| {})
        .unwrap();

    let cancel = Cancel::default();
    let err = s
        .suggest_prerequisites(20, None, &cancel, &mut |_| cancel.request())
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Cancelled,
        "a cancel while suggesting stops it: {}",
        err.message
    );
    let mut heard = Vec::new();
    let found = s
        .suggest_prerequisites(20, None, &cancel, &mut |at| heard.push(at))
        .expect("a cancel request is forgotten by the next suggestion");
    assert!(!found.is_empty(), "three related modules give suggestions");
    assert_eq!(
        heard.last(),
        Some(&1.0),
        "progress is told, ending at the whole: {heard:?}"
    );
    let m = &found[0].before;
    let about = s
        .suggest_prerequisites(20, Some(m), &cancel, &mut |_| {})
        .unwrap();
    assert!(
        !about.is_empty() && about.iter().all(|x| &x.before == m || &x.after == m),
        "asked about one module, it suggests edges into or out of that one: {about:?}"
    );
    let err = s
        .suggest_prerequisites(20, Some(&ModuleId("no-such".into())), &cancel, &mut |_| {})
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::UnknownId,
        "a module the project does not have is refused as unknown: {}",
        err.message
    );
}

#[test]
fn imports_report_progress_cancel_and_then_follow_the_library_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = std::fs::canonicalize(tmp.path()).unwrap().join("lib");
    std::fs::create_dir(&lib).unwrap();
    std::fs::write(lib.join("a.md"), "# Alpha\n\ntext").unwrap();
    std::fs::write(lib.join("b.md"), "# Beta\n\ntext").unwrap();
    let mut s = Session::start(Some(&tmp.path().join("p")), None, Timestamp(1));
    let (tx, rx) = std::sync::mpsc::channel();
    s.watch_libraries(tx);

    let cancel = Cancel::default();
    let err = s
        .import_library(&lib, &cancel, Timestamp(2), &mut |_| cancel.request())
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Cancelled,
        "cancel during the read: {}",
        err.message
    );
    assert_eq!(
        s.modules().unwrap().len(),
        0,
        "a cancelled import writes nothing"
    );

    let mut seen = Vec::new();
    let report = s
        .import_library(&lib, &cancel, Timestamp(3), &mut |p| seen.push(p))
        .expect("a cancel request is forgotten by the next import");
    assert_eq!(report.added, 2);
    assert_eq!(
        seen.iter().map(|p| (p.done, p.total)).collect::<Vec<_>>(),
        [(0, 2), (1, 2), (2, 2), (1, 1)],
        "each file as it is read, then the last step before writing: {seen:?}"
    );
    assert_eq!(seen[1].file, "b.md", "the file being read is named");

    std::fs::write(lib.join("b.md"), "# Beta, saved again\n\ntext").unwrap();
    let changed = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the imported library is watched: a saved file is reported");
    let reports = s.reimport_changed(&changed, Timestamp(4)).reports;
    assert_eq!(reports.len(), 1, "its library is re-imported: {changed:?}");
    assert_eq!(reports[0].updated, 1, "the saved module is updated");
    assert!(
        s.modules()
            .unwrap()
            .iter()
            .any(|m| m.title == "Beta, saved again"),
        "the window's next listing has it"
    );
    assert!(
        s.reimport_changed(&changed, Timestamp(5)).is_empty(),
        "nothing changed since: no notice"
    );
    std::fs::write(
        lib.join("pathforge.toml"),
        "[[requires]]\nmodule = \"nope.md\"\n",
    )
    .unwrap();
    let broken = s.reimport_changed(&[lib.join("pathforge.toml")], Timestamp(6));
    assert_eq!(
        broken.errors.len(),
        1,
        "a manifest the import refuses is reported"
    );
    assert!(
        broken.errors[0].message.contains("pathforge.toml"),
        "naming the file: {}",
        broken.errors[0].message
    );
}

#[test]
fn starting_with_a_project_and_a_library_opens_and_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    std::fs::write(lib.join("a.md"), "# Alpha\n\ntext").unwrap();
    let file = tmp.path().join("new");

    let s = Session::start(Some(&file), Some(&lib), Timestamp(1));
    let state = s.state().unwrap();
    assert_eq!(state.startup_error, None, "a clean start reports no error");
    assert!(
        state.project.unwrap().path.ends_with("new.pathforge"),
        "a missing project is created, with the .pathforge extension added"
    );
    assert_eq!(
        s.modules().unwrap().len(),
        1,
        "the library was imported at start"
    );

    // Start again on the same file: it is opened, not re-created.
    let s = Session::start(Some(&tmp.path().join("new.pathforge")), None, Timestamp(2));
    assert_eq!(
        s.modules().unwrap().len(),
        1,
        "the existing project is opened as it was"
    );

    let s = Session::start(Some(&file), Some(&tmp.path().join("nope")), Timestamp(3));
    let state = s.state().unwrap();
    assert_eq!(
        state.startup_error.map(|e| e.kind),
        Some(ErrorKind::NotFound),
        "a failed start-up import is kept for the window to show"
    );
    assert!(
        state.project.is_some(),
        "the project stays open even though the import failed"
    );
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding")
}

#[test]
fn the_window_tags_with_progress_and_can_cancel() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = Session::start(
        Some(&tmp.path().join("p.pathforge")),
        Some(&sample()),
        Timestamp(1),
    );
    assert_eq!(s.state().unwrap().startup_error, None);
    s.set_model_places(ModelPlaces {
        env: Some(testkit::model_dir()),
        data_dir: None,
    });
    let status = s.model_status().unwrap();
    assert!(
        status.dir.is_some() && status.help.is_none(),
        "the model is found: {status:?}"
    );

    // Cancel at the first progress report after the start: nothing is half-written.
    let cancel = Cancel::default();
    let mut seen = Vec::new();
    let r = s
        .tag_modules(&cancel, Timestamp(2), &mut |p| {
            seen.push(p);
            if p.done > 0 || seen.len() > 1 {
                cancel.request();
            }
        })
        .unwrap();
    assert!(
        r.cancelled && r.analysed < 32,
        "the run stopped early: {r:?}"
    );
    assert_eq!(
        seen[0],
        TagProgress { done: 0, total: 32 },
        "progress starts at 0 of all modules"
    );

    // A new run resets the request and finishes the rest.
    let mut last = None;
    let r = s
        .tag_modules(&cancel, Timestamp(3), &mut |p| last = Some(p))
        .unwrap();
    assert!(
        !r.cancelled && r.analysed + r.unchanged == 32,
        "the second run completes: {r:?}"
    );
    assert_eq!(
        last.map(|p| p.done == p.total),
        Some(true),
        "the last report is complete"
    );
    let first = &s.modules().unwrap()[0];
    let insight = s.module_insight(&first.id).unwrap();
    assert!(
        insight
            .tags
            .iter()
            .any(|t| t.source == model::TagSource::Model && !t.evidence.is_empty()),
        "suggestions with evidence reach the window: {insight:?}"
    );
    assert!(
        s.model_status().unwrap().id.is_some(),
        "the loaded model's id is reported"
    );
}

#[test]
fn without_a_model_the_window_is_told_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = Session::start(Some(&tmp.path().join("p.pathforge")), None, Timestamp(1));
    let nowhere = tmp.path().join("nowhere");
    // Only the repo's folder is always a candidate: pretend it is absent by choosing a
    // project folder that fails to load instead.
    let err = s.choose_model(&nowhere, Timestamp(2)).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::NotFound,
        "a missing folder is not found: {}",
        err.message
    );
    assert!(
        err.message.contains("nowhere"),
        "the message names the folder: {}",
        err.message
    );
    s.set_model_places(ModelPlaces {
        env: Some(nowhere.clone()),
        data_dir: Some(nowhere),
    });
    let status = s.model_status().unwrap();
    assert_eq!(status.chosen, None, "a failed choice is not recorded");
}

#[test]
fn the_export_wizard_previews_without_writing_then_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
    let mut s = Session::start(
        Some(&tmp.path().join("p.pathforge")),
        Some(&library),
        Timestamp(1),
    );
    assert!(
        s.state().unwrap().startup_error.is_none(),
        "the sample opens"
    );
    let folder = tmp.path().join("out");
    let request = ExportRequest {
        target: lms::Target::Cmi5,
        folder: folder.display().to_string(),
        mapping: None,
        remote_images: false,
        carry_items: false,
    };
    let preview = s.preview_export(&request).unwrap();
    assert!(
        !preview.written && !folder.exists(),
        "a preview writes nothing"
    );
    assert_eq!(
        preview.diff.added.len(),
        preview.files.len(),
        "into an empty place, every file is new"
    );
    assert!(
        preview
            .coverage
            .rules
            .iter()
            .any(|r| r.status == lms::Status::NotExported),
        "cmi5 cannot carry every rule, and the preview says so"
    );
    // Cancel, pressed while the files are written: nothing is put in place or logged.
    let cancel = Cancel::default();
    let logged = s.audit_log().unwrap().len();
    let err = s
        .export(&request, &cancel, &mut |_| cancel.request(), Timestamp(2))
        .expect_err("cancelled");
    assert_eq!(err.kind, ErrorKind::Cancelled, "{}", err.message);
    assert!(!folder.exists(), "a cancelled export leaves no folder");
    assert_eq!(s.audit_log().unwrap().len(), logged, "and logs nothing");
    let mut heard = Vec::new();
    let done = s
        .export(&request, &cancel, &mut |p| heard.push(p), Timestamp(2))
        .unwrap();
    assert!(
        done.written && folder.join("cmi5.xml").is_file(),
        "export writes the folder"
    );
    let files = done.files.len() as u32 + 1; // and the marker naming the project
    fn size_of(path: &Path) -> u64 {
        match path.is_dir() {
            true => std::fs::read_dir(path)
                .unwrap()
                .map(|e| size_of(&e.unwrap().path()))
                .sum(),
            false => std::fs::metadata(path).unwrap().len(),
        }
    }
    let bytes = size_of(&folder);
    assert_eq!(
        (heard.first(), heard.last()),
        (
            Some(&ExportProgress {
                done: 0,
                total: files,
                bytes_done: 0,
                bytes_total: bytes,
            }),
            Some(&ExportProgress {
                done: files,
                total: files,
                bytes_done: bytes,
                bytes_total: bytes,
            })
        ),
        "progress runs from none to every file and every byte written: {heard:?}"
    );
    let again = s.preview_export(&request).unwrap();
    assert_eq!(
        again.diff.unchanged as usize,
        again.files.len(),
        "right after exporting, nothing would change"
    );
    for (bad, why) in [
        (
            ExportRequest {
                folder: String::new(),
                ..request.clone()
            },
            "no folder",
        ),
        (
            ExportRequest {
                target: lms::Target::Bundle,
                ..request.clone()
            },
            "bundles need the CLI's signing key",
        ),
        (
            ExportRequest {
                mapping: Some(tmp.path().join("none.csv").display().to_string()),
                ..request.clone()
            },
            "a missing mapping file",
        ),
    ] {
        let err = s.preview_export(&bad).unwrap_err();
        assert!(
            matches!(err.kind, ErrorKind::BadInput | ErrorKind::NotFound),
            "{why} is refused with a kind the wizard shows in place: {err:?}"
        );
    }
}

#[test]
fn the_graph_editor_adds_removes_and_names_the_cycle_it_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
    let mut s = Session::start(
        Some(&tmp.path().join("p.pathforge")),
        Some(&library),
        Timestamp(1),
    );
    let view = s.graph_view().unwrap();
    let id = |prefix: &str| {
        view.modules
            .iter()
            .find(|m| m.title.starts_with(prefix))
            .unwrap()
            .id
            .clone()
    };
    let (landscape, preparation, pricing) = (
        id("Competitive Landscape"),
        id("Negotiation Preparation"),
        id("Pricing Tiers"),
    );
    let n = view.edges.len();
    let added = s
        .add_prerequisite(&landscape, &preparation, None, Timestamp(2))
        .unwrap();
    assert_eq!(
        added.edges.len(),
        n + 1,
        "the edge is added and the view comes back"
    );
    let err = s
        .add_prerequisite(&preparation, &pricing, None, Timestamp(3))
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Conflict,
        "a cycle is refused: {}",
        err.message
    );
    let cycle = s.cycle_if_added(&preparation, &pricing).unwrap().unwrap();
    assert_eq!(
        (cycle.first(), cycle.last()),
        (Some(&preparation), Some(&preparation)),
        "the cycle runs from the new edge's start round to it again"
    );
    assert!(
        cycle.contains(&landscape) && cycle.contains(&pricing),
        "through the edge just added"
    );
    assert_eq!(
        s.graph_view().unwrap().edges.len(),
        n + 1,
        "the refusal changed nothing"
    );
    let removed = s
        .remove_prerequisite(&landscape, &preparation, Timestamp(4))
        .unwrap();
    assert_eq!(removed.edges.len(), n, "removing (undo) restores the graph");
    let after = s.cycle_if_added(&preparation, &pricing).unwrap().unwrap();
    assert!(
        !after.windows(2).any(|w| w[0] == landscape && w[1] == preparation),
        "the removed edge is no longer part of any cycle found (the older path through pricing remains)"
    );
}

#[test]
fn the_graph_view_places_every_module_right_of_what_it_needs() {
    let tmp = tempfile::tempdir().unwrap();
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
    let s = Session::start(
        Some(&tmp.path().join("p.pathforge")),
        Some(&library),
        Timestamp(1),
    );
    let view = s.graph_view().unwrap();
    assert_eq!(
        view.positions.len(),
        view.modules.len(),
        "one position per module, in the same order"
    );
    let at: std::collections::HashMap<_, _> = view
        .modules
        .iter()
        .zip(&view.positions)
        .map(|(m, p)| (&m.id, *p))
        .collect();
    for e in &view.edges {
        assert!(
            at[&e.before].x < at[&e.after].x,
            "a prerequisite is drawn left of the module it unlocks"
        );
    }
    assert!(
        view.tracks.iter().any(|t| t.slug == "account-executive") && !view.skills.is_empty(),
        "the view carries the tracks and skills to filter by"
    );
    let path = s.track_path("account-executive").unwrap();
    let minutes: u32 = path.steps.iter().map(|s| s.module.duration_minutes).sum();
    assert!(
        !path.steps.is_empty() && minutes == path.total_minutes,
        "the track view lists the path and its total duration"
    );
    let err = s.track_path("no-such-track").unwrap_err();
    assert_eq!(err.kind, ErrorKind::UnknownId, "{}", err.message);
}

#[test]
fn the_taxonomy_editor_edits_previews_merges_and_undoes() {
    let tmp = tempfile::tempdir().unwrap();
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
    let mut s = Session::start(
        Some(&tmp.path().join("p.pathforge")),
        Some(&library),
        Timestamp(1),
    );
    let start = s.taxonomy_view().unwrap();
    let skill = |v: &TaxonomyView, slug: &str| v.skills.iter().find(|k| k.slug == slug).cloned();
    let teaching = |v: &TaxonomyView, slug: &str| {
        let id = skill(v, slug).unwrap().id;
        v.uses
            .iter()
            .find(|u| u.skill == id)
            .map_or(0, |u| u.taught.len())
    };
    assert!(
        teaching(&start, "closing") > 0,
        "the view says which modules teach a skill"
    );
    let x = |slug: &str| {
        let i = start.skills.iter().position(|k| k.slug == slug).unwrap();
        start.positions[i].x
    };
    for p in &start.prerequisites {
        assert!(
            x(&p.before) < x(&p.after),
            "the skill graph draws a required skill left of the skill needing it"
        );
    }

    let v = s
        .add_skill("coaching", "Coaching", Some("selling"), Timestamp(2))
        .unwrap();
    assert!(skill(&v, "coaching").is_some(), "added");
    let v = s
        .rename_skill("coaching", "Peer coaching", Timestamp(3))
        .unwrap();
    assert_eq!(
        skill(&v, "coaching").unwrap().name,
        "Peer coaching",
        "renamed"
    );
    let v = s
        .describe_skill("coaching", " Helping peers improve. ", Timestamp(3))
        .unwrap();
    assert_eq!(
        skill(&v, "coaching").unwrap().description,
        "Helping peers improve.",
        "described (trimmed)"
    );
    let v = s
        .set_skill_examples(
            "coaching",
            vec!["Gives feedback after a call".into(), "  ".into()],
            Timestamp(3),
        )
        .unwrap();
    assert_eq!(
        skill(&v, "coaching").unwrap().examples,
        vec!["Gives feedback after a call".to_owned()],
        "examples are kept, blank lines dropped"
    );
    let v = s.move_skill("coaching", None, Timestamp(4)).unwrap();
    assert_eq!(
        skill(&v, "coaching").unwrap().parent_id,
        None,
        "moved to the top level"
    );
    let v = s.retire_skill("coaching", true, Timestamp(5)).unwrap();
    assert!(skill(&v, "coaching").unwrap().retired, "retired");
    let v = s.remove_skill("coaching", Timestamp(6)).unwrap();
    assert!(
        skill(&v, "coaching").is_none(),
        "an unused skill is removed (undo of add)"
    );
    let err = s
        .move_skill("selling", Some("closing".into()), Timestamp(7))
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Conflict,
        "a loop is refused: {}",
        err.message
    );
    let err = s.rename_skill("nope", "X", Timestamp(7)).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::UnknownId,
        "an unknown slug is named: {}",
        err.message
    );

    let n = start.prerequisites.len();
    let v = s
        .add_skill_prerequisite("product-knowledge", "crm-hygiene", Timestamp(7))
        .unwrap();
    assert_eq!(
        v.prerequisites.len(),
        n + 1,
        "a skill prerequisite is added"
    );
    let err = s
        .add_skill_prerequisite("crm-hygiene", "product-knowledge", Timestamp(7))
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Conflict,
        "a skill cycle is refused: {}",
        err.message
    );
    let v = s
        .remove_skill_prerequisite("product-knowledge", "crm-hygiene", Timestamp(7))
        .unwrap();
    assert_eq!(v.prerequisites.len(), n, "and removed (its undo)");

    let preview = s.merge_preview("closing", "negotiation").unwrap();
    let merged = s
        .merge_skill("closing", "negotiation", Timestamp(8))
        .unwrap();
    assert_eq!(
        preview.tags, merged.tags,
        "the preview announced what moved"
    );
    let v = s.taxonomy_view().unwrap();
    assert!(skill(&v, "closing").is_none(), "merged away");
    let v = s.unmerge_skill(merged.audit, Timestamp(9)).unwrap();
    assert_eq!(
        teaching(&v, "closing"),
        teaching(&start, "closing"),
        "undoing the merge gives the skill its modules back"
    );
    assert_eq!(
        teaching(&v, "negotiation"),
        teaching(&start, "negotiation"),
        "and takes them off the survivor"
    );
}

#[test]
fn the_profile_names_the_actor_of_every_decision() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    std::fs::write(lib.join("a.md"), "# Alpha\n\ntext").unwrap();
    let mut s = Session::start(Some(&tmp.path().join("p")), Some(&lib), Timestamp(1));
    let config = tmp.path().join("config");
    s.set_profile_place(config.clone());
    assert_eq!(s.profile().unwrap(), None, "no profile yet");
    let err = s
        .set_profile(model::Profile {
            name: "   ".into(),
            role: model::Role::Sme,
        })
        .unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::BadInput,
        "a blank name is bad input; a profile needs a name: {}",
        err.message
    );
    s.set_profile(model::Profile {
        name: "Dana Okafor".into(),
        role: model::Role::Sme,
    })
    .unwrap();
    s.set_auto_accept(Some(0.9), Timestamp(2)).unwrap();
    let last = s.audit_log().unwrap().pop().unwrap();
    assert_eq!(
        last.summary, "Set automatic acceptance to suggestions at 90% or more",
        "the window reads each entry in words"
    );
    assert_eq!(
        last.event.actor,
        Actor::Person {
            name: "Dana Okafor".into(),
            role: Some(model::Role::Sme)
        },
        "the window's next decision is hers, with her role"
    );
    // A new window on this machine reads the same profile.
    let mut again = Session::default();
    again.set_profile_place(config);
    assert_eq!(again.profile().unwrap().unwrap().name, "Dana Okafor");
}

#[test]
fn two_windows_on_one_project_one_edits_the_other_is_told_it_is_busy() {
    let tmp = tempfile::tempdir().unwrap();
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
    let file = tmp.path().join("p.pathforge");
    let mut first = Session::start(Some(&file), Some(&library), Timestamp(1));
    let mut second = Session::default();
    second
        .open_project(&file)
        .expect("a second window opens the project");
    let cancel = Cancel::default();
    first
        .import_library(&library, &cancel, Timestamp(2), &mut |_| {})
        .expect("the first window edits the project");
    let err = second
        .import_library(&library, &cancel, Timestamp(3), &mut |_| {})
        .expect_err("the second window may not change it meanwhile");
    assert_eq!(
        err.kind,
        ErrorKind::Busy,
        "the UI branches on the kind: {err:?}"
    );
    assert_eq!(
        second.modules().unwrap().len(),
        first.modules().unwrap().len(),
        "the second window still reads the project"
    );
    drop(first);
    second
        .import_library(&library, &cancel, Timestamp(4), &mut |_| {})
        .expect("once the first window closes the project, the second may edit it");
}

#[test]
fn the_window_backs_up_and_restores_its_project() {
    let tmp = tempfile::tempdir().unwrap();
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
    let file = tmp.path().join("p.pathforge");
    let mut s = Session::start(Some(&file), Some(&library), Timestamp(1));
    let backup = tmp.path().join("p.1.pathforge-backup");
    s.backup_project(&backup).unwrap();
    let edges = |s: &Session| s.graph_view().unwrap().edges.len();
    let before = edges(&s);
    let view = s.graph_view().unwrap();
    let id = |prefix: &str| {
        view.modules
            .iter()
            .find(|m| m.title.starts_with(prefix))
            .unwrap()
            .id
            .clone()
    };
    s.add_prerequisite(
        &id("Competitive Landscape"),
        &id("Negotiation Preparation"),
        None,
        Timestamp(2),
    )
    .unwrap();
    assert_eq!(edges(&s), before + 1, "the edit is made");

    let restored = s.restore_project(&backup, Timestamp(3)).unwrap();
    assert_eq!(
        edges(&s),
        before,
        "the window sees the restored project at once"
    );
    assert_eq!(
        restored.project.path,
        file.display().to_string(),
        "it is the same project file"
    );
    assert!(
        Path::new(&restored.kept).exists() && restored.kept.ends_with(".pathforge-backup"),
        "the project as it was is kept beside it: {}",
        restored.kept
    );
    let last = s.audit_log().unwrap().pop().unwrap();
    assert_eq!(
        last.event.action, "project.restored",
        "the restore is logged"
    );
}

#[test]
fn a_project_the_app_was_started_with_is_signed_with_this_machines_key() {
    // The shell opens `--project FILE` before it knows the config folder; the head of
    // every change made in the window is still signed with this machine's key.
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let mut s = Session::start(Some(&tmp.path().join("p")), None, Timestamp(1));
    s.set_profile_place(config.clone());
    s.set_auto_accept(Some(0.9), Timestamp(2)).unwrap();
    let key = engine::machine_key(&config).unwrap().0;
    assert_eq!(
        s.verify_audit().unwrap().signed_by,
        Some(bundle::public_key_text(&key)),
        "the change's head is signed by this machine"
    );
    // And it trusts only this machine's signers: a bundle signed elsewhere is refused.
    let lib = tmp.path().join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::write(lib.join("a.md"), "---\ntitle: A\n---\nText of A.\n").unwrap();
    s.import_library(&lib, &Cancel::default(), Timestamp(3), &mut drop)
        .unwrap();
    let (ids, files) = Project::open(&tmp.path().join("p.pathforge"))
        .unwrap()
        .bundle_files()
        .unwrap();
    let elsewhere = bundle::generate_key().unwrap();
    let bytes = bundle::build(&ids, "1.0.0", "Sam", &files, &elsewhere, 4, None).unwrap();
    let foreign = tmp.path().join("foreign.pathforge-bundle.zip");
    std::fs::write(&foreign, bytes).unwrap();
    let cohort: model::Cohort = serde_json::from_value(serde_json::json!({
        "segments": [{ "name": "All", "share": 1.0, "prior": 0.2, "weekly_minutes": 120, "dropout_per_week": 0.01 }]
    }))
    .unwrap();
    let request = engine::SimulationRequest {
        cohort: Some(cohort),
        learners: 10,
        seed: 1,
        bundles: vec![foreign],
    };
    let err = s
        .simulate(&request, &Cancel::default(), &mut drop)
        .unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::BadInput | ErrorKind::Conflict)
            && err.message.contains("foreign.pathforge-bundle.zip")
            && err.message.contains("unknown key"),
        "a bundle from an untrusted signer is refused, naming the file: {}",
        err.message
    );
}

#[test]
fn projects_opened_here_are_offered_again_newest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let mut s = Session::start(Some(&tmp.path().join("first")), None, Timestamp(1));
    s.set_profile_place(config.clone());
    s.create_project(&tmp.path().join("second"), Timestamp(2))
        .unwrap();
    let first = tmp.path().join("first.pathforge");
    s.open_project(&first).unwrap();
    std::fs::remove_file(tmp.path().join("second.pathforge")).unwrap();
    let recent = Session::default().recent_projects().unwrap();
    assert!(
        recent.is_empty(),
        "a window with no config folder lists none"
    );
    let mut window = Session::default();
    window.set_profile_place(config);
    let listed: Vec<(String, bool)> = window
        .recent_projects()
        .unwrap()
        .into_iter()
        .map(|r| (r.name, r.exists))
        .collect();
    assert_eq!(
        listed,
        [("first".to_owned(), true), ("second".to_owned(), false)],
        "the one opened last first, the one started with once, a removed file said to be gone"
    );
}
