//! LMS exports from the sample libraries: every target, valid against the official
//! schemas, deterministic, atomic, and round-tripping through import where the format
//! carries modules, prerequisites or the taxonomy.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::*;
use model::{ModuleId, SkillId, TaxonomyFormat};

const ME: Actor = Actor::System;

fn library(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../sample-libraries")
        .join(name)
}

fn project(dir: &Path, name: &str) -> Project {
    let mut p = Project::create(&dir.join(format!("{name}.pathforge")), Timestamp(1)).unwrap();
    p.import_library(&library(name), &ME, Timestamp(2)).unwrap();
    p
}

/// (before title, after title, group) for every prerequisite edge.
fn edges(p: &Project) -> BTreeSet<(String, String, String)> {
    let title: BTreeMap<ModuleId, String> = p
        .modules()
        .unwrap()
        .into_iter()
        .map(|m| (m.id, m.title))
        .collect();
    p.prerequisites()
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                title[&e.before].clone(),
                title[&e.after].clone(),
                format!("{:?}", e.group),
            )
        })
        .collect()
}

/// Options signing a bundle with `key`.
fn signed(key: &bundle::SigningKey) -> ExportOptions {
    ExportOptions {
        signing: Some(Signing {
            key: key.clone(),
            version: "1.0.0".to_owned(),
            author: "tester".to_owned(),
        }),
        ..Default::default()
    }
}

/// Options for `learners` xAPI learners simulated with `seed`.
fn xapi(learners: u64, seed: u64) -> ExportOptions {
    ExportOptions {
        learners,
        seed,
        ..Default::default()
    }
}

/// Options referencing the LMS ids in `mapping`.
fn mapped(mapping: Vec<(String, String)>) -> ExportOptions {
    ExportOptions {
        mapping,
        ..Default::default()
    }
}

fn titles(p: &Project) -> BTreeSet<String> {
    p.modules().unwrap().into_iter().map(|m| m.title).collect()
}

#[test]
fn every_target_exports_from_each_sample_library_and_validates() {
    let tmp = tempfile::tempdir().unwrap();
    let key = bundle::generate_key().unwrap();
    for name in ["sales-onboarding", "data-literacy", "nurse-onboarding"] {
        let mut p = project(tmp.path(), name);
        let rules: Vec<String> = p.rules().unwrap().rules.into_iter().map(|r| r.id).collect();
        let build = |p: &Project, target| match target {
            lms::Target::Bundle => p.export(target, &signed(&key)).unwrap(),
            // data-literacy declares no cohort: the generic one stands in.
            lms::Target::Xapi => p.export(target, &xapi(12, 7)).unwrap(),
            _ => p.export(target, &ExportOptions::default()).unwrap(),
        };
        for target in lms::Target::ALL {
            // data-literacy (a catalog and packages) declares no skills: a CASE framework
            // of it would frame nothing, and is refused saying so.
            if target == lms::Target::Case && p.skills().unwrap().is_empty() {
                let err = p
                    .export(target, &ExportOptions::default())
                    .expect_err("no skills, no framework");
                assert!(
                    err.to_string().contains("has no skills yet"),
                    "{name}: the refusal says what is missing: {err}"
                );
                continue;
            }
            let export = build(&p, target);
            let reported: Vec<String> = export
                .coverage
                .rules
                .iter()
                .map(|c| c.rule.clone())
                .collect();
            assert_eq!(
                reported, rules,
                "{name} → {target:?}: the coverage report names every rule once, in order"
            );
            let out = tmp.path().join(format!("{name}-{}", target.name()));
            let diff = p.write_export(&export, &out).unwrap();
            assert_eq!(
                diff.added.len(),
                export.files.len(),
                "{name} → {target:?}: a first export adds every file"
            );
            for (kind, file) in match target {
                lms::Target::Scorm2004 => vec![("scorm2004", "imsmanifest.xml")],
                lms::Target::Scorm12 => vec![("scorm12", "imsmanifest.xml")],
                lms::Target::Cmi5 => vec![("cmi5", "cmi5.xml")],
                lms::Target::Case => vec![("case11", "case.json")],
                lms::Target::Xapi => vec![("xapi", "statements.json")],
                _ => vec![],
            } {
                match kind {
                    "xapi" => validate_xapi(&out.join(file)),
                    _ => testkit::validate(kind, &out.join(file)),
                }
            }
            // Logging the export, or a sync to an LRS, is not a change: the next export
            // is byte-identical, time stamps (CASE, xAPI, bundle signature) included.
            p.record_export(&export, &out, &ME, Timestamp(1_000_000 + target as i64))
                .unwrap();
            p.record_sync(
                "https://lrs.example.com/xAPI/",
                "curriculum",
                3,
                Some(0),
                &ME,
                Timestamp(2_000_000 + target as i64),
            )
            .unwrap();
            let again = build(&p, target);
            let diff = p.write_export(&again, &out).unwrap();
            assert!(
                diff.added.is_empty() && diff.changed.is_empty() && diff.removed.is_empty(),
                "{name} → {target:?}: the same project exports byte-identical files: {diff:?}"
            );
        }
    }
}

/// Checks statements with the npm package `xapi-validation` (installed in ui/ by set-up).
fn validate_xapi(file: &Path) {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui");
    assert!(
        ui.join("node_modules/xapi-validation").is_dir(),
        "ui/node_modules/xapi-validation is missing: run `make setup` (npm ci in ui/)"
    );
    let out = std::process::Command::new("node")
        .arg(ui.join("scripts/validate-xapi.cjs"))
        .arg(file)
        .output()
        .expect("node runs (installed by set-up)");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{} is not valid xAPI:\n{report}{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains(", 0 problems"),
        "the validator saw the statements: {report}"
    );
}

#[test]
fn xapi_statements_follow_simulated_learners_and_carry_rule_decisions() {
    let tmp = tempfile::tempdir().unwrap();
    let p = project(tmp.path(), "sales-onboarding");
    let export = p.export(lms::Target::Xapi, &xapi(30, 3)).unwrap();
    let statements: Vec<Value> = serde_json::from_slice(&export.files["statements.json"]).unwrap();
    let verbs: BTreeSet<&str> = statements
        .iter()
        .filter_map(|s| s["verb"]["display"]["en-US"].as_str())
        .collect();
    for verb in ["registered", "completed", "passed", "scored"] {
        assert!(
            verbs.contains(verb),
            "30 learners produce {verb:?} statements: {verbs:?}"
        );
    }
    let learners: BTreeSet<&str> = statements
        .iter()
        .filter_map(|s| s["actor"]["account"]["name"].as_str())
        .collect();
    assert_eq!(learners.len(), 30, "every simulated learner has statements");
    let placed = statements.iter().any(|s| {
        s["result"]["extensions"][lms::XAPI_DECISIONS]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["kind"] == "skip"))
    });
    assert!(
        placed,
        "placement decisions travel with the pre-test's statement"
    );
    let reminded = statements.iter().any(|s| {
        s["verb"]["display"]["en-US"] == "was idle"
            && s["result"]["extensions"][lms::XAPI_DECISIONS]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["kind"] == "notify"))
    });
    assert!(
        reminded,
        "a spell without activity that led to a re-engagement reminder is recorded with it"
    );
    let reengagement = export
        .coverage
        .rules
        .iter()
        .find(|c| c.kind == "reengagement")
        .expect("the sample has a re-engagement rule");
    assert_eq!(
        reengagement.status,
        lms::Status::Expressed,
        "its reminders reach the statements, so it is not reported as deciding nothing: {}",
        reengagement.how
    );
    let ids: BTreeSet<&str> = statements.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids.len(), statements.len(), "statement ids are unique");
    assert!(
        export
            .coverage
            .rules
            .iter()
            .any(|c| c.status == lms::Status::Expressed),
        "rules that decided something are reported as recorded"
    );
    assert_eq!(
        p.export(lms::Target::Xapi, &xapi(30, 3)).unwrap().files,
        export.files,
        "the same seed gives the same statements"
    );
}

#[test]
fn scorm_cmi5_canvas_and_case_exports_import_back_to_the_same_curriculum() {
    let tmp = tempfile::tempdir().unwrap();
    let original = project(tmp.path(), "sales-onboarding");
    let (want_titles, want_edges) = (titles(&original), edges(&original));
    // SCORM 1.2 and Canvas cannot make a remediation module wait for the assessment it
    // remediates (a fail counts as unmet), so they leave those requirements out.
    let title: BTreeMap<String, String> = original
        .modules()
        .unwrap()
        .into_iter()
        .map(|m| (m.source_path, m.title))
        .collect();
    let remedial: BTreeSet<(String, String)> = original
        .rules()
        .unwrap()
        .rules
        .iter()
        .filter_map(|r| match &r.body {
            rules::RuleBody::Remediation {
                assessment, assign, ..
            } => Some(
                assign
                    .iter()
                    .map(|m| (title[assessment].clone(), title[m].clone()))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(
        remedial.len() >= 3,
        "the sample library remediates: {remedial:?}"
    );
    assert!(
        want_edges.len() > 30,
        "the sample library has a real graph to carry"
    );
    for (target, path, carries_edges) in [
        (lms::Target::Scorm2004, "", true),
        (lms::Target::Scorm12, "", true),
        (lms::Target::Canvas, "course.imscc", true),
        (lms::Target::Cmi5, "", false),
    ] {
        let out = tmp.path().join(target.name());
        original
            .write_export(
                &original.export(target, &ExportOptions::default()).unwrap(),
                &out,
            )
            .unwrap();
        let mut back = Project::create(
            &tmp.path().join(format!("back-{}.pathforge", target.name())),
            Timestamp(1),
        )
        .unwrap();
        back.import_library(&out.join(path), &ME, Timestamp(2))
            .unwrap_or_else(|e| panic!("{target:?}: our own export imports: {e}"));
        assert_eq!(
            titles(&back),
            want_titles,
            "{target:?}: the same modules come back"
        );
        if carries_edges {
            let want: BTreeSet<_> = want_edges
                .iter()
                .filter(|(before, after, _)| {
                    target == lms::Target::Scorm2004
                        || !remedial.contains(&(before.clone(), after.clone()))
                })
                .cloned()
                .collect();
            assert_eq!(
                edges(&back),
                want,
                "{target:?}: the same prerequisites come back, groups included"
            );
        }
    }

    let out = tmp.path().join("case");
    original
        .write_export(
            &original
                .export(lms::Target::Case, &ExportOptions::default())
                .unwrap(),
            &out,
        )
        .unwrap();
    let mut back = Project::create(&tmp.path().join("back-case.pathforge"), Timestamp(1)).unwrap();
    back.import_taxonomy(
        &out.join("case.json"),
        TaxonomyFormat::Case,
        &ME,
        Timestamp(2),
    )
    .unwrap();
    let shape = |p: &Project| {
        let skills = p.skills().unwrap();
        let slug: BTreeMap<SkillId, String> = skills
            .iter()
            .map(|s| (s.id.clone(), s.slug.clone()))
            .collect();
        let tree: BTreeSet<(String, String, Option<String>)> = skills
            .iter()
            .map(|s| {
                (
                    s.slug.clone(),
                    s.name.clone(),
                    s.parent_id.as_ref().map(|p| slug[p].clone()),
                )
            })
            .collect();
        let prereqs: BTreeSet<(String, String)> = p
            .skill_prerequisites()
            .unwrap()
            .into_iter()
            .map(|e| (e.before, e.after))
            .collect();
        (tree, prereqs)
    };
    assert_eq!(
        shape(&back),
        shape(&original),
        "CASE carries the taxonomy and skill prerequisites back"
    );
}

#[test]
fn group_rules_round_trip_through_scorm() {
    // Any-of and n-of groups need the DNF precondition rules (2004) and the AICC `|` and
    // `N*{…}` forms (1.2); the sample library only has all-of.
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    for (file, title) in [
        ("a.md", "A"),
        ("b.md", "B"),
        ("c.md", "C"),
        ("d.md", "D"),
        ("e.md", "E"),
    ] {
        std::fs::write(lib.join(file), format!("# {title}\n\nText of {title}.\n")).unwrap();
    }
    std::fs::write(
        lib.join("pathforge.toml"),
        "[[requires]]\nmodule = \"d.md\"\nafter = [\"a.md\", \"b.md\"]\ngroup = \"any-of\"\n\n\
         [[requires]]\nmodule = \"e.md\"\nafter = [\"a.md\", \"b.md\", \"c.md\"]\ngroup = \"n-of\"\nn = 2\n",
    )
    .unwrap();
    let mut p = Project::create(&tmp.path().join("g.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let want = edges(&p);
    assert!(
        want.iter().any(|e| e.2 == "AnyOf") && want.iter().any(|e| e.2.contains("NOf")),
        "the library declares both groups: {want:?}"
    );
    for target in [lms::Target::Scorm2004, lms::Target::Scorm12] {
        let out = tmp.path().join(target.name());
        p.write_export(&p.export(target, &ExportOptions::default()).unwrap(), &out)
            .unwrap();
        testkit::validate(target.name(), &out.join("imsmanifest.xml"));
        let mut back = Project::create(
            &tmp.path().join(format!("{}.pathforge", target.name())),
            Timestamp(1),
        )
        .unwrap();
        back.import_library(&out, &ME, Timestamp(2)).unwrap();
        assert_eq!(
            edges(&back),
            want,
            "{target:?}: any-of and 2-of-3 come back as they were"
        );
    }
}

#[test]
fn exports_replace_only_this_projects_earlier_exports_and_report_the_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let p = project(tmp.path(), "sales-onboarding");
    let export = p
        .export(lms::Target::Cmi5, &ExportOptions::default())
        .unwrap();
    let refused = |out: &Path, needle: &str, why: &str| {
        let err = p.write_export(&export, out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Conflict, "{why}: refused");
        assert!(
            err.to_string().contains(&out.display().to_string())
                && err.to_string().contains(needle),
            "{why}: the refusal names the folder and says {needle:?}: {err}"
        );
    };

    let precious = tmp.path().join("precious");
    std::fs::create_dir_all(&precious).unwrap();
    std::fs::write(precious.join("coverage.json"), "not ours").unwrap();
    refused(
        &precious,
        "no earlier Pathforge export",
        "a folder that merely has a coverage.json",
    );
    assert_eq!(
        std::fs::read_to_string(precious.join("coverage.json")).unwrap(),
        "not ours",
        "nothing in a refused folder is touched"
    );

    let out = tmp.path().join("out");
    let first = p.write_export(&export, &out).unwrap();
    assert!(
        out.join(MARKER).is_file(),
        "an export folder carries its marker"
    );
    assert!(
        !first.added.contains(&MARKER.to_owned()),
        "the marker is not part of the diff"
    );

    std::fs::write(out.join("notes.txt"), "the admin's notes").unwrap();
    refused(&out, "notes.txt", "a file the export did not write");
    assert!(out.join("notes.txt").is_file(), "and it is kept");
    std::fs::remove_file(out.join("notes.txt")).unwrap();

    std::fs::create_dir_all(tmp.path().join("other")).unwrap();
    let other = project(&tmp.path().join("other"), "sales-onboarding");
    let err = other.write_export(&export, &out).unwrap_err();
    assert!(
        err.to_string().contains("another project"),
        "another project's export is never replaced: {err}"
    );

    #[cfg(unix)]
    {
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&out, &link).unwrap();
        refused(&link, "symbolic link", "a symlinked folder");
    }

    let (mut changed, first_page) = first_page_edited(&export);
    let gone = changed
        .files
        .keys()
        .find(|k| k.starts_with("content/") && **k != first_page)
        .unwrap()
        .clone();
    changed.files.remove(&gone);
    let preview = p.export_diff(&changed, &out).unwrap();
    let diff = p.write_export(&changed, &out).unwrap();
    assert_eq!(
        preview, diff,
        "the preview is exactly what writing then reports"
    );
    assert_eq!(
        diff.changed,
        vec![first_page.clone()],
        "the diff names the file that changed"
    );
    assert_eq!(
        diff.removed,
        vec![gone.clone()],
        "and the file that went away"
    );
    assert!(
        !out.join(&gone).exists(),
        "the folder is exactly the new export"
    );
    assert_eq!(
        std::fs::read(out.join(&first_page)).unwrap(),
        b"<p>edited</p>",
        "with the new content"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".pathforge-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folder is left behind: {leftovers:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o755,
            "an export is an ordinary folder, not a private temp one"
        );
    }
}

#[test]
fn an_export_named_as_a_zip_is_one_file_ready_to_upload_replaced_only_when_ours() {
    let tmp = tempfile::tempdir().unwrap();
    let p = project(tmp.path(), "sales-onboarding");
    let export = p
        .export(lms::Target::Scorm2004, &ExportOptions::default())
        .unwrap();
    let folder = tmp.path().join("folder");
    p.write_export(&export, &folder).unwrap();
    let zip = tmp.path().join("course.zip");
    let first = p.write_export(&export, &zip).unwrap();
    check(
        (unzipped(&zip), first.added.len()),
        (read_tree(&folder), export.names().count()),
        "the zip holds exactly what the folder does, the manifest at its root (what an LMS \
         upload wants), marker included",
    );
    let bytes = std::fs::read(&zip).unwrap();
    let again = p.write_export(&export, &zip).unwrap();
    check(
        (
            again.unchanged as usize,
            again.changed.len(),
            std::fs::read(&zip).unwrap() == bytes,
        ),
        (export.names().count(), 0, true),
        "written again, nothing has changed, to the byte: the same project gives the same zip",
    );

    let (changed, page) = first_page_edited(&export);
    let preview = p.export_diff(&changed, &zip).unwrap();
    let diff = p.write_export(&changed, &zip).unwrap();
    check(
        (&preview, &diff.changed, &unzipped(&zip)[&page]),
        (&diff, &vec![page.clone()], &b"<p>edited</p>".to_vec()),
        "the preview is what writing reports, and the zip is replaced by the new export",
    );

    let mut stopped = 0;
    let cancelled = p.write_export_with(&export, &zip, &mut |_| {
        stopped += 1;
        stopped < 2
    });
    check(
        (
            cancelled.map_err(|e| e.kind()).err(),
            &unzipped(&zip)[&page],
        ),
        (Some(ErrorKind::Cancelled), &b"<p>edited</p>".to_vec()),
        "a cancelled write leaves the earlier zip as it was",
    );

    let refused = |out: &Path, needle: &str, why: &str| {
        let before = std::fs::read(out).ok();
        let err = p.write_export(&export, out).unwrap_err();
        check(
            (
                err.kind(),
                err.to_string().contains(&out.display().to_string())
                    && err.to_string().contains(needle),
                std::fs::read(out).ok() == before,
            ),
            (ErrorKind::Conflict, true, true),
            &format!("{why}: refused, naming the file and saying {needle:?}, untouched: {err}"),
        );
    };
    let theirs = tmp.path().join("theirs.zip");
    zipped(&theirs, &[("imsmanifest.xml", b"<manifest/>")]);
    refused(
        &theirs,
        "holds no earlier Pathforge export",
        "a zip someone else made",
    );
    let notes = tmp.path().join("notes.zip");
    std::fs::write(&notes, "not a zip at all").unwrap();
    refused(
        &notes,
        "holds no earlier Pathforge export",
        "a file that is not a zip",
    );
    std::fs::create_dir_all(tmp.path().join("other")).unwrap();
    let other = project(&tmp.path().join("other"), "sales-onboarding");
    let err = other.write_export(&export, &zip).unwrap_err();
    check(
        err.to_string().contains("another project"),
        true,
        &format!("another project's zip is never replaced: {err}"),
    );

    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".pathforge-"))
        .collect();
    check(leftovers.len(), 0, "no temporary zip is left behind");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&zip).unwrap().permissions().mode() & 0o777;
        check(
            mode,
            0o644,
            "an exported zip is an ordinary file, not a private temp one",
        );
    }
}

/// `export` with its first module page's text replaced by `<p>edited</p>`, and that page.
fn first_page_edited(export: &lms::Export) -> (lms::Export, String) {
    let mut changed = export.clone();
    let page = changed
        .files
        .keys()
        .find(|k| k.starts_with("content/"))
        .unwrap()
        .clone();
    changed
        .files
        .insert(page.clone(), b"<p>edited</p>".to_vec());
    (changed, page)
}

/// Every file of the zip at `path`, by its name in it.
fn unzipped(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
            (f.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// Every file under the folder `dir`, by its `/`-separated path in it.
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(dir.join(&rel)).unwrap() {
            let entry = entry.unwrap();
            let path = rel.join(entry.file_name());
            match entry.file_type().unwrap().is_dir() {
                true => stack.push(path),
                false => {
                    let name = path.to_string_lossy().replace('\\', "/");
                    files.insert(name, std::fs::read(entry.path()).unwrap());
                }
            }
        }
    }
    files
}

#[test]
fn mappings_put_lms_ids_into_exports_and_unknown_modules_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let p = project(tmp.path(), "sales-onboarding");
    let mapping = vec![
        (
            "modules/02-northwind-platform-overview.md".to_owned(),
            "4102".to_owned(),
        ),
        (
            "Northwind Insight in Practice: Dashboards, Metrics and Sharing".to_owned(),
            "4103".to_owned(),
        ),
    ];
    let export = p.export(lms::Target::Moodle, &mapped(mapping)).unwrap();
    let availability: Value = serde_json::from_slice(&export.files["availability.json"]).unwrap();
    let module3 = availability
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["cm"] == 4103)
        .expect("the mapped module carries its course module id");
    assert!(
        module3["availability"].to_string().contains("\"cm\":4102"),
        "its restriction references the prerequisite's course module id: {module3}"
    );
    assert_eq!(
        export.coverage.unmapped.len(),
        30,
        "the 30 unmapped modules are listed for the admin"
    );
    let err = p
        .export(
            lms::Target::Moodle,
            &mapped(vec![("No such module".to_owned(), "1".to_owned())]),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("No such module"),
        "a bad mapping row is named: {err}"
    );
}

/// Runs a shipped script with DRY_RUN=1 and returns the requests it would send. Needs
/// bash and jq (installed by `.ci/setup`); fails loudly without them.
fn dry_run(script: &Path, env: &[(&str, &str)]) -> Vec<String> {
    let out = std::process::Command::new("bash")
        .arg(script)
        .env("DRY_RUN", "1")
        .envs(env.iter().copied())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{} runs in dry-run mode (needs jq: run .ci/setup): {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_shipped_call_scripts_send_one_request_per_planned_call() {
    let tmp = tempfile::tempdir().unwrap();
    let p = project(tmp.path(), "sales-onboarding");

    let moodle = tmp.path().join("moodle");
    p.write_export(
        &p.export(lms::Target::Moodle, &ExportOptions::default())
            .unwrap(),
        &moodle,
    )
    .unwrap();
    let calls: Vec<Value> =
        serde_json::from_slice(&std::fs::read(moodle.join("webservice-calls.json")).unwrap())
            .unwrap();
    let sent = dry_run(
        &moodle.join("webservice-calls.sh"),
        &[("MOODLE_URL", "https://lms.test"), ("COURSE_ID", "42")],
    );
    assert_eq!(
        sent.len(),
        calls.len(),
        "one POST per planned call: {sent:?}"
    );
    // The id the dry run hands out for call i is 1000 + i.
    for (i, call) in calls.iter().enumerate() {
        if call["wsfunction"] != "core_competency_add_competency_to_course" {
            continue;
        }
        let slug = call["params"]["competencyid"]
            .as_str()
            .unwrap()
            .trim_start_matches("{{competency:")
            .trim_end_matches("}}");
        let created = calls
            .iter()
            .position(|c| c["save_as"] == format!("competency:{slug}"))
            .unwrap();
        assert!(
            sent[i].ends_with(&format!("&competencyid={}&courseid=42", 1000 + created)),
            "{{{{courseid}}}} comes from COURSE_ID and {slug}'s id from the call that created it: {}",
            sent[i]
        );
    }
    assert!(
        sent[2].contains("competency[idnumber]=deal-progression")
            && sent[2].contains("competency[parentid]=1001")
            && sent[2].contains("competencyframeworkid]=1000"),
        "a child competency names its parent and the framework by the ids they were given: {}",
        sent[2]
    );
    assert!(
        sent[1].contains("competency[shortname]=Selling%20at%20Northwind"),
        "nested parameters are flattened and URL-encoded the way Moodle's REST server reads them: {}",
        sent[1]
    );

    let edx = tmp.path().join("openedx");
    p.write_export(
        &p.export(lms::Target::Openedx, &ExportOptions::default())
            .unwrap(),
        &edx,
    )
    .unwrap();
    let gates: Vec<Value> =
        serde_json::from_slice(&std::fs::read(edx.join("gating.json")).unwrap()).unwrap();
    let sent = dry_run(
        &edx.join("studio-gating.sh"),
        &[
            ("STUDIO_URL", "https://studio.test"),
            ("COURSE_KEY", "course-v1:Acme+Sales+2026"),
        ],
    );
    assert_eq!(
        sent.len(),
        2 * gates.len(),
        "each gate marks a prerequisite and gates a subsection"
    );
    assert!(
        sent[1].contains("\"prereqUsageKey\":\"block-v1:Acme+Sales+2026+type@sequential+block@M-"),
        "the gate names the prerequisite's usage key: {}",
        sent[1]
    );
}

#[test]
fn lms_errors_reach_callers_with_their_own_kind() {
    // The UI branches on the kind: an unknown target is the caller's bad input, and a
    // target the engine builds itself asked of the compiler is a bug — neither a conflict.
    let unknown = Error::from("blackboard".parse::<lms::Target>().unwrap_err());
    assert_eq!(
        unknown.kind(),
        ErrorKind::BadInput,
        "an unknown target is bad input: {unknown}"
    );
    assert!(
        unknown.to_string().contains("blackboard"),
        "the message names what was asked: {unknown}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let p = project(tmp.path(), "sales-onboarding");
    let err = p
        .export(lms::Target::Bundle, &ExportOptions::default())
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::BadInput,
        "a bundle is signed, and nothing here gave a key: {err}"
    );
    assert!(
        err.to_string().contains("pathforge bundle build"),
        "the refusal says where bundles are built: {err}"
    );
}

#[test]
fn xapi_statements_pass_an_assessment_at_the_rules_threshold() {
    let tmp = tempfile::tempdir().unwrap();
    let p = project(tmp.path(), "sales-onboarding");
    let export = p.export(lms::Target::Xapi, &xapi(60, 3)).unwrap();
    let statements: Vec<Value> = serde_json::from_slice(&export.files["statements.json"]).unwrap();
    // The discovery assessment's remediation fires below 75: a 70 fails it, as the
    // simulator decided; before, the export passed everything from 70.
    let graded: Vec<(f64, bool)> = statements
        .iter()
        .filter(|s| {
            s["object"]["definition"]["name"]["en-US"] == "Discovery and Qualification Assessment"
        })
        .filter_map(|s| {
            Some((
                s["result"]["score"]["raw"].as_f64()?,
                s["result"]["success"].as_bool()?,
            ))
        })
        .collect();
    assert!(
        graded.iter().any(|(score, _)| (70.0..75.0).contains(score)),
        "some simulated learner scores 70 there: {graded:?}"
    );
    for (score, success) in &graded {
        assert_eq!(
            *success,
            *score >= 75.0,
            "a {score}% is {} at 75",
            if *success { "passed" } else { "failed" }
        );
    }
}

/// The hostile-input trial's module (#25 item 1): links that run script and an image
/// that tracks whoever opens the page.
const HOSTILE: &str = "See [the guide](javascript:alert(1)), [this](JaVaScRiPt:alert(2)), \
[that](data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==) and \
[old](vbscript:msgbox(4)).\n\n![pixel](https://tracker.example/pixel.png)\n\n\
<a href=\"javascript:alert(5)\">raw</a>\n\n[Safe](https://example.org/guide)\n";

#[test]
fn exported_pages_run_no_script_and_fetch_nothing_unless_the_admin_opts_in() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = testkit::Library::new()
        .module_text("hostile.md", "Hostile", Some(10), &["s"], HOSTILE)
        .write(&tmp.path().join("lib"));
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    let page_of = |export: &lms::Export| -> String {
        // Canvas carries its pages inside the cartridge.
        let mut files: Vec<(String, Vec<u8>)> = export
            .files
            .iter()
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        if let Some(cartridge) = export.files.get("course.imscc") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(cartridge)).unwrap();
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).unwrap();
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
                files.push((entry.name().unwrap().into_owned(), bytes));
            }
        }
        let pages: Vec<String> = files
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
            .filter(|text| text.contains("Hostile"))
            .collect();
        assert_eq!(
            pages.len(),
            1,
            "{:?}: the module has one page: {:?}",
            export.target,
            export.files.keys().collect::<Vec<_>>()
        );
        pages.into_iter().next().unwrap()
    };
    for target in [
        lms::Target::Scorm2004,
        lms::Target::Scorm12,
        lms::Target::Cmi5,
        lms::Target::Openedx,
        lms::Target::Canvas,
    ] {
        let page = page_of(&p.export(target, &ExportOptions::default()).unwrap());
        // Shown as text (the raw HTML link) is harmless; in a tag it would run or fetch.
        // Text cannot hold a bare "<", so every "<" opens a real tag.
        let tags: Vec<String> = page
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or("").to_ascii_lowercase())
            .collect();
        for bad in [
            "javascript:",
            "vbscript:",
            "data:",
            "tracker.example",
            "img ",
        ] {
            assert!(
                !tags.iter().any(|t| t.contains(bad)),
                "{target:?}: no tag of a page in the learner's LMS holds {bad:?}: {page}"
            );
        }
        assert!(
            page.contains("[image: pixel]") && page.contains("href=\"https://example.org/guide\""),
            "{target:?}: the image is its alt text and the safe link stays a link: {page}"
        );
        let opted_in = ExportOptions {
            remote_images: true,
            ..Default::default()
        };
        let page = page_of(&p.export(target, &opted_in).unwrap());
        assert!(
            page.contains("<img src=\"https://tracker.example/pixel.png\"")
                && !page.contains("<a href=\"javascript:"),
            "{target:?}: with the opt-in the https: image is shown, the script links still go: {page}"
        );
    }
}

#[test]
fn a_mapping_file_is_read_against_the_project_naming_the_file_and_line_of_a_bad_row() {
    let tmp = tempfile::tempdir().unwrap();
    let p = project(tmp.path(), "sales-onboarding");
    let check = |text: &str, want: std::result::Result<usize, &str>, why: &str| {
        let file = tmp.path().join("mapping.csv");
        std::fs::write(&file, text).unwrap();
        match (p.read_mapping(&file), want) {
            (Ok(pairs), Ok(n)) => assert_eq!(pairs.len(), n, "{why}"),
            (Err(e), Err(said)) => {
                let message = e.to_string();
                assert!(
                    message.contains("mapping.csv") && message.contains(said),
                    "{why}: {message}"
                );
                assert_eq!(e.kind(), ErrorKind::BadInput, "{why}: a bad file, by kind");
            }
            (got, want) => panic!("{why}: got {got:?}, want {want:?}"),
        }
    };
    check(
        "module,lms_id\nmodules/02-northwind-platform-overview.md,4102\nThe Objection Handling Framework,4103\n",
        Ok(2),
        "a path and an exact title each find their module; the header is no row",
    );
    check(
        "module,lms_id\nmodules/02-northwind-platform-overview.md,4102\nmodules/nope.md,12\n",
        Err("line 3: no module matches \"modules/nope.md\""),
        "a module the project lacks is named with its line",
    );
    check(
        "just one column\n",
        Err("line 1: expected module,lms_id"),
        "a row without an id",
    );
    check(
        "\u{feff}module;lms_id\r\nmodules/02-northwind-platform-overview.md;4102\r\nThe Objection Handling Framework;4103\r\n",
        Ok(2),
        "saved from Excel where the comma is the decimal point: its mark, semicolons and \
         CRLF read as the same mapping, the header still no row",
    );
}

#[test]
fn package_items_are_carried_as_they_are_when_the_admin_asks() {
    let Some(shared) = testkit::shared() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (source, p) = real_package(
        &shared,
        tmp.path(),
        "SequencingSimpleRemediation_SCORM20043rdEdition.zip",
    );

    let plain = p
        .export(lms::Target::Scorm2004, &ExportOptions::default())
        .unwrap();
    let listed = text_only(&plain);
    assert!(
        listed.len() == 8 && listed.iter().all(|(_, carriable)| *carriable),
        "by default each of the public package's eight SCOs is a page of its text, and the \
         report says carrying would take it: {listed:?}"
    );
    assert!(
        plain.coverage.text_only[0]
            .was
            .ends_with("of SequencingSimpleRemediation_SCORM20043rdEdition.zip"),
        "a package imported as a library of its own is named by its file, not by the item: {}",
        plain.coverage.text_only[0].was
    );
    assert!(
        !plain.names().any(|f| f.starts_with("items/")),
        "nothing of the package's own is in a default export"
    );

    let carry = ExportOptions {
        carry_items: true,
        ..Default::default()
    };
    let export = p.export(lms::Target::Scorm2004, &carry).unwrap();
    assert_eq!(export.coverage.text_only.len(), 0, "every item is carried");
    let manifest = String::from_utf8(export.files["imsmanifest.xml"].clone()).unwrap();
    for (part, why) in [
        (
            r#"adlcp:scormType="sco" href="items/SequencingSimpleRemediation_SCORM20043rdEdition/shared/launchpage.html?content=playing""#,
            "Playing the Game launches as the package launched it: the shared launcher told which content to show",
        ),
        (
            r#"href="items/SequencingSimpleRemediation_SCORM20043rdEdition/shared/launchpage.html?content=assessment1""#,
            "the quiz's parameters come from its item",
        ),
    ] {
        assert!(manifest.contains(part), "{why}: {manifest}");
    }
    assert!(
        export.copied.contains_key(
            "items/SequencingSimpleRemediation_SCORM20043rdEdition/Playing/Playing.html"
        ) && !export
            .copied
            .contains_key("items/SequencingSimpleRemediation_SCORM20043rdEdition/imsmanifest.xml"),
        "the package's files are carried, its own manifest is not: {:?}",
        export.copied.keys().take(12).collect::<Vec<_>>()
    );
    let out = tmp.path().join("export");
    p.write_export(&export, &out).unwrap();
    testkit::validate("scorm2004", &out.join("imsmanifest.xml"));
    let (_, again) = ingest::read_package(&out).unwrap();
    let playing = again
        .modules
        .iter()
        .find(|m| m.title == "Playing the Game")
        .expect("the export imports back");
    assert!(
        again.modules.len() == 8 && playing.word_count > 1000,
        "imported back, the export is the same eight items, and Playing the Game reads its \
         five pages through the carried launcher again: {} modules, {} words",
        again.modules.len(),
        playing.word_count
    );

    // SCORM 1.2: the public golf package's items are assets (pages that never call the
    // run-time), carried as assets into SCORM 1.2, never into SCORM 2004.
    let (_, p12) = real_package(&shared, tmp.path(), "scorm12.zip");
    let export = p12.export(lms::Target::Scorm12, &carry).unwrap();
    let manifest = String::from_utf8(export.files["imsmanifest.xml"].clone()).unwrap();
    assert!(
        export.coverage.text_only.is_empty()
            && manifest
                .contains(r#"adlcp:scormtype="asset" href="items/scorm12/Playing/Playing.html""#)
            && !manifest.contains(r#"adlcp:scormtype="sco""#),
        "every item carried, each an asset as its package made it: {manifest}"
    );
    let out12 = tmp.path().join("export12");
    p12.write_export(&export, &out12).unwrap();
    testkit::validate("scorm12", &out12.join("imsmanifest.xml"));
    let into_2004 = p12.export(lms::Target::Scorm2004, &carry).unwrap();
    assert!(
        into_2004.coverage.text_only.len() == p12.modules().unwrap().len()
            && !into_2004.names().any(|f| f.starts_with("items/")),
        "SCORM 1.2 items do not go into SCORM 2004 as they are (another run-time API): text only"
    );

    // The public prerequisites test: its SCOs' launch data, time limits and pass marks
    // reach the export that carries them.
    let (_, pre) = real_package(&shared, tmp.path(), "PrerequisitesTest_SCORM12.zip");
    let export = pre.export(lms::Target::Scorm12, &carry).unwrap();
    let manifest = String::from_utf8(export.files["imsmanifest.xml"].clone()).unwrap();
    for (part, why) in [
        (
            "<adlcp:datafromlms>custom_data_for_module2</adlcp:datafromlms>",
            "module 2's launch data",
        ),
        (
            "<adlcp:maxtimeallowed>02:30:00</adlcp:maxtimeallowed>",
            "module 1's time limit",
        ),
        (
            "<adlcp:timelimitaction>exit,message</adlcp:timelimitaction>",
            "module 3's",
        ),
        (
            "<adlcp:masteryscore>90</adlcp:masteryscore>",
            "module 4's pass mark",
        ),
    ] {
        assert!(manifest.contains(part), "{why} is carried: {manifest}");
    }
    let out_pre = tmp.path().join("export-pre");
    pre.write_export(&export, &out_pre).unwrap();
    testkit::validate("scorm12", &out_pre.join("imsmanifest.xml"));

    // The same package unpacked, imported as a library of its own: its items are carried
    // from the folder, and its pages preview from there too.
    let unpacked = tmp.path().join("golf-unpacked");
    zip::ZipArchive::new(std::fs::File::open(&source).unwrap())
        .unwrap()
        .extract(&unpacked)
        .unwrap();
    let root = unpacked.join("SequencingSimpleRemediation_SCORM20043rdEdition");
    let mut up = Project::create(&tmp.path().join("unpacked.pathforge"), Timestamp(1)).unwrap();
    up.import_library(&root, &ME, Timestamp(2)).unwrap();
    let export = up.export(lms::Target::Scorm2004, &carry).unwrap();
    assert!(
        export.coverage.text_only.is_empty()
            && export.copied.contains_key(
                "items/SequencingSimpleRemediation_SCORM20043rdEdition/shared/launchpage.html"
            ),
        "an unpacked package is carried like a zipped one: {:?}",
        export.coverage.text_only
    );
    let playing = up
        .modules()
        .unwrap()
        .into_iter()
        .find(|m| m.title == "Playing the Game")
        .unwrap();
    let preview = up.module_preview(&playing.id).unwrap();
    assert!(
        !preview.contains("could not be read") && preview.contains("handicap"),
        "its preview reads the launcher's pages from the folder: {:.200}",
        preview
    );

    // In a library folder, the package file itself gone.
    let folder = tmp.path().join("golf-library");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(&source, folder.join("golf.zip")).unwrap();
    let mut in_folder =
        Project::create(&tmp.path().join("folder.pathforge"), Timestamp(1)).unwrap();
    in_folder
        .import_library(&folder, &ME, Timestamp(2))
        .unwrap();
    std::fs::remove_file(folder.join("golf.zip")).unwrap();
    let err = in_folder
        .export(lms::Target::Scorm2004, &carry)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "golf.zip: “Playing the Game” cannot be carried: its package is no longer there"
        ),
        "the missing package is named, and why: {err}"
    );

    std::fs::remove_file(&source).unwrap();
    let err = p.export(lms::Target::Scorm2004, &carry).unwrap_err();
    assert!(
        err.to_string()
            .contains("SequencingSimpleRemediation_SCORM20043rdEdition.zip"),
        "a package gone from where it was imported refuses a carrying export, naming it: {err}"
    );
    assert!(
        p.export(lms::Target::Scorm2004, &ExportOptions::default())
            .is_ok(),
        "an export of text pages still works: the project holds the text"
    );
}

#[test]
fn a_cmi5_package_is_carried_into_cmi5_as_it_is() {
    // ADL's public CATAPULT pre/post-test package (Apache-2.0, in tests/fixtures).
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/catapult/pre_post_test_framed.zip");
    let tmp = tempfile::tempdir().unwrap();
    let package = tmp.path().join("pre_post_test_framed.zip");
    std::fs::copy(&source, &package).unwrap();
    let mut p = Project::create(&tmp.path().join("geo.pathforge"), Timestamp(1)).unwrap();
    let report = p.import_library(&package, &ME, Timestamp(2)).unwrap();
    check(
        (report.added, report.warnings.len()),
        (6, 0),
        "six AUs, the two launched with a query (index.html?pages=N) read like the rest",
    );

    let plain = p
        .export(lms::Target::Cmi5, &ExportOptions::default())
        .unwrap();
    check(
        text_only(&plain)
            .iter()
            .filter(|(_, carriable)| *carriable)
            .count(),
        6,
        "by default each AU is a page of its text, and the report says carrying would take it",
    );
    let carry = ExportOptions {
        carry_items: true,
        ..Default::default()
    };
    let export = p.export(lms::Target::Cmi5, &carry).unwrap();
    let xml = String::from_utf8(export.files["cmi5.xml"].clone()).unwrap();
    check(
        (
            export.coverage.text_only.len(),
            xml.contains("<url>items/pre_post_test_framed/index.html?pages=2</url>"),
            xml.contains(
                r#"<au id="https://w3id.org/xapi/cmi5/catapult/lts/course/geology-intro-preposttest/block1/pre""#
            ),
            export
                .copied
                .contains_key("items/pre_post_test_framed/js/cmi5.min.js"),
            export.files.keys().any(|f| f.starts_with("content/")),
        ),
        (0, true, true, true, false),
        "every AU is carried: launched from the package's files with its own query and its \
         publisher's id, the package's cmi5 client beside it, and no page of text written",
    );
    let out = tmp.path().join("export");
    p.write_export(&export, &out).unwrap();
    testkit::validate("cmi5", &out.join("cmi5.xml"));

    let into_scorm = p.export(lms::Target::Scorm2004, &carry).unwrap();
    check(
        (
            text_only(&into_scorm).iter().filter(|(_, c)| !c).count(),
            into_scorm.copied.len(),
        ),
        (6, 0),
        "cmi5 AUs do not go into SCORM as they are (they speak xAPI, not a SCORM run-time): \
         text only, and not said to be carriable",
    );
}

#[test]
fn an_item_on_the_web_is_never_carried() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = r#"<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
        <metadata><schemaversion>2004 4th Edition</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>
          <item identifier="here" identifierref="r1"><title>Here</title></item>
          <item identifier="there" identifierref="r2"><title>There</title></item>
        </organization></organizations>
        <resources>
          <resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="here.html"><file href="here.html"/></resource>
          <resource identifier="r2" type="webcontent" adlcp:scormType="sco" href="https://vendor.example/there"/>
        </resources></manifest>"#;
    let package = zipped(
        &tmp.path().join("mixed.zip"),
        &[
            ("imsmanifest.xml", manifest.as_bytes()),
            ("here.html", b"<p>Words here.</p>"),
        ],
    );
    let mut p = Project::create(&tmp.path().join("mixed.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&package, &ME, Timestamp(2)).unwrap();
    let carry = ExportOptions {
        carry_items: true,
        ..Default::default()
    };
    let export = p.export(lms::Target::Scorm2004, &carry).unwrap();
    let text_only = text_only(&export);
    assert!(
        export.copied.contains_key("items/mixed/here.html"),
        "the item in the package is carried"
    );
    assert_eq!(
        text_only,
        [("There", false)],
        "the item on the web is not carried, nor said to be carriable: its files are not in \
         the package"
    );
}

#[test]
fn a_package_past_the_zip_bomb_guard_refuses_a_carrying_export_naming_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    // 4 MiB that deflate to a few KiB: past the guard against zip bombs (200× at most).
    let (_, p) = video_course(
        tmp.path(),
        &vec![0u8; 4 << 20],
        zip::CompressionMethod::Deflated,
    );
    let carry = ExportOptions {
        carry_items: true,
        ..Default::default()
    };
    let err = p
        .export(lms::Target::Scorm2004, &carry)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("“Intro” cannot be carried: its package could not be read")
            && err.contains("media/intro.mp4 claims to expand more than 200 times"),
        "carrying copies every file, within the import's guard against zip bombs; the file \
         past it is named: {err}"
    );
    assert!(
        p.export(lms::Target::Scorm2004, &ExportOptions::default())
            .is_ok(),
        "without carrying, the export of its text still works"
    );
}

#[test]
fn a_package_larger_than_anything_an_import_reads_is_carried_by_copying_it() {
    let tmp = tempfile::tempdir().unwrap();
    // Past the 64 MiB an import reads of one file; a video does not compress, so it is
    // stored. Its bytes vary, so a copy out of place or cut short cannot pass for it.
    let video: Vec<u8> = (0..(ingest::MAX_FILE_BYTES + (1 << 20)) as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let (package, p) = video_course(tmp.path(), &video, zip::CompressionMethod::Stored);
    let carry = ExportOptions {
        carry_items: true,
        ..Default::default()
    };
    let export = p.export(lms::Target::Scorm2004, &carry).unwrap();
    let out = tmp.path().join("export");
    let first = p.write_export(&export, &out).unwrap();
    let written = std::fs::read(out.join("items/course/media/intro.mp4")).unwrap();
    check(
        (written.len(), written == video, first.added.len()),
        (video.len(), true, export.names().count()),
        "the video, past what an import reads, is copied byte for byte out of the zip",
    );
    drop(written);
    let zip_out = tmp.path().join("course-export.zip");
    p.write_export(&export, &zip_out).unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_out).unwrap()).unwrap();
    let mut entry = zip.by_name("items/course/media/intro.mp4").unwrap();
    let stored = entry.compression() == zip::CompressionMethod::Stored;
    let mut zipped_video = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut zipped_video).unwrap();
    check(
        (stored, zipped_video == video),
        (true, true),
        "written as a zip, the video is copied in as it is, stored rather than squeezed again",
    );
    drop(zipped_video);

    let mut heard = Vec::new();
    p.write_export_with(&export, &tmp.path().join("watched"), &mut |w| {
        heard.push(w);
        true
    })
    .unwrap();
    let last = *heard.last().unwrap();
    let copying: Vec<u64> = heard
        .iter()
        .filter(|w| w.files < w.of_files && w.bytes > 0)
        .map(|w| w.bytes)
        .collect();
    check(
        (
            (last.files, last.bytes),
            last.of_bytes > video.len() as u64,
            copying.len(),
            copying.windows(2).all(|w| w[0] < w[1]),
        ),
        ((last.of_files, last.of_bytes), true, 4, true),
        "progress counts bytes as well as files, and moves every 16 MiB inside the 65 MiB \
         video's copy: a long copy does not look stuck",
    );

    // Five files: the only chance to stop between the first and the last is inside the
    // video's copy.
    let mut asked = Vec::new();
    let stopped = p.write_export_with(&export, &tmp.path().join("stopped"), &mut |w| {
        asked.push(w.files < w.of_files && w.bytes > 0);
        asked.len() < 2
    });
    check(
        (
            stopped.map_err(|e| e.kind()).err(),
            asked,
            tmp.path().join("stopped").exists(),
        ),
        (Some(ErrorKind::Cancelled), vec![false, true], false),
        "a long copy can be cancelled part way (asked inside it), and leaves nothing behind",
    );

    let again = p.write_export(&export, &out).unwrap();
    check(
        (again.changed.len(), again.unchanged as usize),
        (0, export.names().count()),
        "written again, every file — the video compared a piece at a time — is unchanged",
    );

    // The package replaced between preparing the export and writing it: the video shorter.
    let prepared = p.export(lms::Target::Scorm2004, &carry).unwrap();
    video_package(&package, b"a trailer", zip::CompressionMethod::Stored);
    let err = p.write_export(&prepared, &out).unwrap_err().to_string();
    check(
        (
            err.contains("course.zip")
                && err.contains("media/intro.mp4 is smaller than when it was listed")
                && err.contains("export again"),
            std::fs::read(out.join("items/course/media/intro.mp4")).unwrap() == video,
        ),
        (true, true),
        &format!(
            "a package that changed after the export was prepared is named with what changed, \
             and the export already there is left as it was, not half-written: {err}"
        ),
    );
    let fresh = p.export(lms::Target::Scorm2004, &carry).unwrap();
    let diff = p.write_export(&fresh, &out).unwrap();
    check(
        (
            diff.changed,
            std::fs::read(out.join("items/course/media/intro.mp4")).unwrap(),
        ),
        (
            vec!["items/course/media/intro.mp4".to_owned()],
            b"a trailer".to_vec(),
        ),
        "prepared again, the export takes the package as it is now",
    );
}

fn check<T: PartialEq + std::fmt::Debug>(got: T, want: T, why: &str) {
    assert_eq!(got, want, "{why}");
}

/// A SCORM 2004 package in `dir` (`course.zip`) whose one SCO shows `video`, zipped with
/// `method`, and a project in `dir` that imported it.
fn video_course(dir: &Path, video: &[u8], method: zip::CompressionMethod) -> (PathBuf, Project) {
    let package = dir.join("course.zip");
    video_package(&package, video, method);
    let mut p = Project::create(&dir.join("course.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&package, &ME, Timestamp(2))
        .expect("the import reads text parts only: the video is never read");
    (package, p)
}

/// Writes [`video_course`]'s package at `package`.
fn video_package(package: &Path, video: &[u8], method: zip::CompressionMethod) {
    use std::io::Write;
    let manifest = r#"<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
        <metadata><schemaversion>2004 4th Edition</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>
          <item identifier="intro" identifierref="r1"><title>Intro</title></item>
        </organization></organizations>
        <resources>
          <resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="intro.html"><file href="intro.html"/><file href="media/intro.mp4"/></resource>
        </resources></manifest>"#;
    let mut z = zip::ZipWriter::new(std::fs::File::create(package).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(true);
    for (name, bytes) in [
        ("imsmanifest.xml", manifest.as_bytes()),
        ("intro.html", b"<p>Welcome.</p>"),
        ("media/intro.mp4", video),
    ] {
        z.start_file(name, options).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

/// A zip at `path` holding `entries` (deflated), as a package arrives.
fn zipped(path: &Path, entries: &[(&str, &[u8])]) -> PathBuf {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        z.start_file(
            *name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
    path.to_owned()
}

/// A copy in `dir` of the public package `name` from `../shared`, and a project in `dir`
/// that imported it as a library of its own.
fn real_package(shared: &Path, dir: &Path, name: &str) -> (PathBuf, Project) {
    let copy = dir.join(name);
    std::fs::copy(shared.join("fixtures/real-packages").join(name), &copy).unwrap();
    let file = dir.join(format!("{name}.pathforge"));
    let mut p = Project::create(&file, Timestamp(1)).unwrap();
    p.import_library(&copy, &ME, Timestamp(2)).unwrap();
    (copy, p)
}

/// Each module an export carries as text only: its title, and whether carrying would take it.
fn text_only(export: &lms::Export) -> Vec<(&str, bool)> {
    export
        .coverage
        .text_only
        .iter()
        .map(|t| (t.title.as_str(), t.carriable))
        .collect()
}
