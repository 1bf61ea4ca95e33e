//! Simulations of the project and of rule bundles, on the sample library.

use std::collections::HashMap;
use std::path::PathBuf;

use super::*;

const ME: Actor = Actor::System;

fn sample_project(tmp: &Path) -> Project {
    let mut p = Project::create(&tmp.join("p.pathforge"), Timestamp(1)).unwrap();
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
    p.import_library(&library, &ME, Timestamp(2)).unwrap();
    p
}

/// Builds and writes a signed bundle of the project as it stands.
fn write_bundle(p: &Project, dir: &Path, version: &str) -> PathBuf {
    let (id, files) = p.bundle_files().unwrap();
    let key = bundle::generate_key().unwrap();
    let bytes = bundle::build(&id, version, "tests", &files, &key, 0, None).unwrap();
    let path = dir.join(format!("p-{version}.pathforge-bundle.zip"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn request(learners: u32, bundles: Vec<PathBuf>) -> SimulationRequest {
    SimulationRequest {
        cohort: None,
        learners,
        seed: 5,
        bundles,
    }
}

#[test]
fn a_bundle_simulates_exactly_as_the_project_it_was_built_from() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_project(tmp.path());
    let v1 = write_bundle(&p, tmp.path(), "1.0.0");
    let project = p
        .run_simulation(&request(3000, vec![]), &mut |_| true)
        .unwrap();
    let bundled = p
        .run_simulation(&request(3000, vec![v1.clone()]), &mut |_| true)
        .unwrap();
    let labels: Vec<&str> = bundled.runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Static path", "Bundle 1.0.0 (p-1.0.0.pathforge-bundle.zip)"],
        "static path against the bundle, named by version and file"
    );
    for (a, b) in project.runs.iter().zip(&bundled.runs) {
        assert_eq!(
            a.report, b.report,
            "{} vs {}: the bundle carries the same curriculum (levels and requirement \
             groups too) and rules, so the same learners do the same things",
            a.label, b.label
        );
    }
    assert!(
        bundled.changes.is_empty(),
        "one bundle has nothing to be compared with"
    );
}

#[test]
fn two_bundle_versions_are_compared_run_by_run_and_change_by_change() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = sample_project(tmp.path());
    let v1 = write_bundle(&p, tmp.path(), "1.0.0");
    // Version 2 drops both placement tests: nobody skips anything any more.
    for id in ["placement-product-basics", "placement-objection-handling"] {
        p.delete_rule(id, &ME, Timestamp(3)).unwrap();
    }
    let v2 = write_bundle(&p, tmp.path(), "2.0.0");
    let mut seen = Vec::new();
    let s = p
        .run_simulation(&request(4000, vec![v1, v2]), &mut |at| {
            seen.push(at);
            true
        })
        .unwrap();
    assert_eq!(s.runs.len(), 3, "static path, version 1, version 2");
    let (one, two) = (&s.runs[1].report, &s.runs[2].report);
    assert!(
        one.placement_rate > 0.2 && two.placement_rate == 0.0,
        "version 1 places strong starters, version 2 places nobody: {} vs {}",
        one.placement_rate,
        two.placement_rate
    );
    assert!(
        one.hours_saved_by_placement > two.hours_saved_by_placement,
        "so version 2 saves no hours by placement"
    );
    let removed: Vec<&str> = s
        .changes
        .iter()
        .filter(|c| c.area == "rule" && c.change == "removed")
        .map(|c| c.subject.as_str())
        .collect();
    assert_eq!(
        removed,
        ["placement-objection-handling", "placement-product-basics"],
        "the semantic diff names the rules version 2 removed: {:?}",
        s.changes
    );
    assert_eq!(
        seen.last(),
        Some(&SimulationProgress {
            done: 12_000,
            total: 12_000
        }),
        "progress ends at three runs of 4000 learners"
    );
    assert!(
        seen.windows(2).all(|w| w[0].done < w[1].done),
        "progress only goes forward: {seen:?}"
    );
}

#[test]
fn bad_bundles_and_requests_are_refused_with_the_file_and_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_project(tmp.path());
    let good = write_bundle(&p, tmp.path(), "1.0.0");
    let mut bytes = std::fs::read(&good).unwrap();
    // Flip a byte inside the stored (uncompressed or not) content: a hash or the zip
    // itself no longer checks out.
    let at = bytes.len() / 3;
    bytes[at] ^= 0x55;
    let tampered = tmp.path().join("tampered.pathforge-bundle.zip");
    std::fs::write(&tampered, &bytes).unwrap();
    let missing = tmp.path().join("missing.pathforge-bundle.zip");
    let check = |why: &str, req: SimulationRequest, kind: ErrorKind, needle: &str| {
        let err = p.run_simulation(&req, &mut |_| true).unwrap_err();
        assert_eq!(err.kind(), kind, "{why}: {err}");
        assert!(
            err.to_string().contains(needle),
            "{why}: {err} should mention {needle:?}"
        );
    };
    check(
        "a tampered bundle",
        request(10, vec![tampered]),
        ErrorKind::BadInput,
        "tampered.pathforge-bundle.zip",
    );
    check(
        "a bundle that is not there",
        request(10, vec![missing]),
        ErrorKind::NotFound,
        "missing.pathforge-bundle.zip",
    );
    check(
        "no learners",
        request(0, vec![]),
        ErrorKind::BadInput,
        "between 1 and",
    );
    check(
        "three bundles",
        request(10, vec![good.clone(), good.clone(), good]),
        ErrorKind::BadInput,
        "at most two",
    );
    let err = p
        .run_simulation(&request(50_000, vec![]), &mut |_| false)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "a cancel is its own kind");
}

#[test]
fn a_saved_cohort_is_the_default_outlasts_reimports_and_is_logged() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = sample_project(tmp.path());
    let library = p
        .default_cohort()
        .unwrap()
        .expect("the library declares one");
    let mut mine = library.clone();
    mine.segments.truncate(1);
    mine.segments[0].name = "Pilot group".into();
    p.set_cohort(Some(&mine), &ME, Timestamp(3)).unwrap();
    let library_dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
    p.import_library(&library_dir, &ME, Timestamp(4)).unwrap();
    assert_eq!(
        p.default_cohort().unwrap(),
        Some(mine.clone()),
        "a re-import refreshes the library's cohort, not the one a person saved"
    );
    let s = p
        .run_simulation(&request(200, vec![]), &mut |_| true)
        .unwrap();
    assert_eq!(
        s.runs[0].report.segments.len(),
        1,
        "simulations use the saved cohort"
    );
    let mut broken = mine.clone();
    broken.segments[0].prior = 2.0;
    let err = p.set_cohort(Some(&broken), &ME, Timestamp(5)).unwrap_err();
    assert!(
        err.to_string().contains("prior is 2"),
        "a cohort that cannot run is refused: {err}"
    );
    p.set_cohort(None, &ME, Timestamp(6)).unwrap();
    assert_eq!(
        p.default_cohort().unwrap(),
        Some(library),
        "clearing goes back to the library's cohort"
    );
    let logged = p
        .audit_log()
        .unwrap()
        .iter()
        .filter(|e| e.action == "simulation.cohort_set")
        .count();
    assert_eq!(
        logged, 2,
        "each saved change is in the audit log, the refused one is not"
    );
}

#[test]
fn a_journey_follows_the_learner_a_run_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_project(tmp.path());
    let req = request(500, vec![]);
    let s = p.run_simulation(&req, &mut |_| true).unwrap();
    let rules = &s.runs[1].report;
    let worst = rules
        .funnel
        .iter()
        .filter(|m| m.example_learner.is_some())
        .max_by_key(|m| m.dropped + m.failed)
        .expect("some module loses learners");
    let n = worst.example_learner.unwrap();
    let j = p.simulation_journey(&req, true, n).unwrap();
    assert!(
        j.steps.iter().any(|s| s.what.contains(&worst.title)),
        "learner {n}, the example for “{}”, went through it: {:#?}",
        worst.title,
        j.steps
    );
    assert!(
        j.steps.iter().any(|s| !s.decisions.is_empty()),
        "and the rules decided something on the way"
    );
    let titles: HashMap<_, _> = p
        .modules()
        .unwrap()
        .into_iter()
        .flat_map(|m| {
            [
                (m.id.to_string(), m.title.clone()),
                (m.source_path, m.title),
            ]
        })
        .collect();
    let on_modules = |d: &&rules::Decision| {
        matches!(
            d.kind,
            rules::DecisionKind::Unlock | rules::DecisionKind::Skip
        )
    };
    let decisions = || j.steps.iter().flat_map(|s| &s.decisions);
    assert!(
        decisions().any(|d| on_modules(&d)),
        "some decision names a module (the sample's unlock rules)"
    );
    for d in decisions().filter(on_modules) {
        let module = titles.get(&d.target);
        assert!(module.is_some(), "an unlock or skip names a module: {d:?}");
        assert_eq!(
            j.titles.get(&d.target),
            module,
            "a module a decision names comes with its title, to be shown by name: {d:?}"
        );
    }
    let tracks: HashMap<String, String> = p
        .tracks()
        .unwrap()
        .into_iter()
        .map(|t| (t.slug, t.name))
        .collect();
    let assigned: Vec<&rules::Decision> = decisions()
        .filter(|d| tracks.contains_key(&d.target))
        .collect();
    assert!(
        !assigned.is_empty(),
        "the learner was assigned a track: {:#?}",
        j.steps
    );
    for d in assigned {
        assert_eq!(
            j.titles.get(&d.target),
            tracks.get(&d.target),
            "a track a decision names comes with its name: {d:?}"
        );
    }
    assert!(
        j.titles
            .values()
            .all(|t| titles.values().chain(tracks.values()).any(|m| m == t)),
        "and only modules' titles and tracks' names: {:?}",
        j.titles
    );
    let err = p.simulation_journey(&req, true, 500).unwrap_err();
    assert!(
        err.kind() == ErrorKind::BadInput && err.to_string().contains("in a run of 500"),
        "learner numbers are checked: {err}"
    );
}

#[test]
fn every_sample_library_compares_its_static_path_with_its_bundle_from_its_own_cohort() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries");
    for name in ["sales-onboarding", "nurse-onboarding", "data-literacy"] {
        let tmp = tempfile::tempdir().unwrap();
        let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
        p.import_library(&samples.join(name), &ME, Timestamp(2))
            .unwrap();
        assert!(
            p.default_cohort().unwrap().is_some(),
            "{name}: the library's manifest declares a cohort"
        );
        let bundle = write_bundle(&p, tmp.path(), "1.0.0");
        let s = p
            .run_simulation(&request(1000, vec![bundle]), &mut |_| true)
            .unwrap();
        assert_eq!(s.runs.len(), 2, "{name}: static path and bundle");
        for run in &s.runs {
            let r = &run.report;
            assert_eq!(
                r.learners, 1000,
                "{name}, {}: every learner counted",
                run.label
            );
            assert!(
                r.completion_rate > 0.0 && r.completion_rate <= 1.0 && !r.funnel.is_empty(),
                "{name}, {}: learners go through modules and some finish: {}",
                run.label,
                r.completion_rate
            );
        }
        let project = p
            .run_simulation(&request(1000, vec![]), &mut |_| true)
            .unwrap();
        assert_eq!(
            project.runs[1].report, s.runs[1].report,
            "{name}: the bundle simulates as the project it was built from"
        );
    }
}
