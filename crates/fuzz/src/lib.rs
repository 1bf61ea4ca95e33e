//! What the fuzzers run: one function per parser that reads data from outside the project
//! (packages, documents, catalogs, manifests, skill frameworks, event logs, rule sets,
//! bundles, review decisions, cohorts). Each takes arbitrary bytes and must return —
//! never panic, hang or exhaust memory — and every error it gets back must name the file.
//!
//! `targets/` holds the libFuzzer binaries (`make fuzz`, nightly + cargo-fuzz) that call
//! these functions; `tests/corpus.rs` replays `corpus/TARGET/*` through the same functions
//! in every `make test`, so a crash found once stays fixed.

use std::collections::BTreeMap;
use std::path::Path;

/// A fuzz target: takes any bytes, returns only if all went well.
pub type Target = fn(&[u8]);

/// Every target, by the name of its fuzzer and corpus folder.
pub const TARGETS: &[(&str, Target)] = &[
    ("scorm_manifest", scorm_manifest),
    ("cmi5_manifest", cmi5_manifest),
    ("package_zip", package_zip),
    ("markdown", markdown),
    ("document", document),
    ("catalog_csv", catalog_csv),
    ("library_manifest", library_manifest),
    ("skill_framework", skill_framework),
    ("event_log", event_log),
    ("rule_set", rule_set),
    ("rule_bundle", rule_bundle),
    ("review_decisions", review_decisions),
    ("cohort", cohort),
];

/// The name errors must carry.
const NAME: &str = "fuzz-input";

/// An error must say which file it is about.
fn names_the_file(error: &dyn std::fmt::Display) {
    let text = error.to_string();
    assert!(
        text.contains(NAME),
        "an error about a file must name it, got: {text}"
    );
}

/// The input split at `\0\0` into up to `n` parts (so one input can hold a manifest and
/// the files it points to).
fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while out.len() + 1 < n {
        match rest.windows(2).position(|w| w == b"\0\0") {
            Some(at) => {
                out.push(&rest[..at]);
                rest = &rest[at + 2..];
            }
            None => break,
        }
    }
    out.push(rest);
    out
}

/// A package from its manifest and up to three pages (`a.html`, `b.html`, and the
/// manifest-adjacent file `extra`), read as an unzipped package.
fn package_from(manifest_name: &str, extra_name: &str, data: &[u8]) {
    let p = parts(data, 4);
    let mut files = BTreeMap::new();
    files.insert(manifest_name.to_owned(), p[0].to_vec());
    files.insert("a.html".to_owned(), p.get(1).unwrap_or(&&b""[..]).to_vec());
    files.insert("b.html".to_owned(), p.get(2).unwrap_or(&&b""[..]).to_vec());
    files.insert(
        extra_name.to_owned(),
        p.get(3).unwrap_or(&&b""[..]).to_vec(),
    );
    files.insert("media/video.mp4".to_owned(), Vec::new());
    if let Err(e) = ingest::read_package_parts(Path::new(NAME), files) {
        names_the_file(&e);
    }
}

/// `imsmanifest.xml` (SCORM 1.2/2004, Common Cartridge) with Canvas's `module_meta.xml`.
pub fn scorm_manifest(data: &[u8]) {
    package_from("imsmanifest.xml", "course_settings/module_meta.xml", data);
}

/// `cmi5.xml` with its pages.
pub fn cmi5_manifest(data: &[u8]) {
    package_from("cmi5.xml", "c.html", data);
}

/// A whole zipped package.
pub fn package_zip(data: &[u8]) {
    if let Err(e) = ingest::read_package_zip(Path::new(NAME), data) {
        names_the_file(&e);
    }
}

/// A Markdown module with YAML front matter.
pub fn markdown(data: &[u8]) {
    if let Err(e) = ingest::parse_markdown(Path::new(NAME), "m.md", data) {
        names_the_file(&e);
    }
}

/// A document module: the first byte picks the kind (`h` HTML, `t` text, `p` PDF, `d`
/// .docx, `x` .pptx; anything else HTML), the rest is the file.
pub fn document(data: &[u8]) {
    let (kind, bytes) = data
        .split_first()
        .map_or((b'h', data), |(k, rest)| (*k, rest));
    let ext = match kind {
        b't' => "txt",
        b'p' => "pdf",
        b'd' => "docx",
        b'x' => "pptx",
        _ => "html",
    };
    let path = format!("{NAME}.{ext}");
    if let Err(e) = ingest::parse_document(Path::new(&path), &format!("m.{ext}"), bytes) {
        names_the_file(&e);
    }
}

/// An LMS catalog CSV, with recognised columns and with a mapping; its bytes decoded as
/// a spreadsheet's are ([`exchange::text::decode`]), or as UTF-8 where that refuses them.
pub fn catalog_csv(data: &[u8]) {
    let text = match exchange::text::decode(data) {
        Ok((text, _)) => text,
        Err(_) => String::from_utf8_lossy(data).into_owned(),
    };
    let mapped = model::CatalogColumns {
        id: Some("Code".to_owned()),
        title: Some("Name".to_owned()),
        description: None,
        duration: Some("Hours".to_owned()),
        prerequisites: Some("Requires".to_owned()),
    };
    for columns in [model::CatalogColumns::default(), mapped] {
        if let Err(e) = ingest::parse_catalog(Path::new(NAME), &text, &columns) {
            names_the_file(&e);
        }
    }
}

/// A library's `pathforge.toml` (taxonomy, tracks, rules, cohort, module metadata).
pub fn library_manifest(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let module = |path: &str| ingest::ModuleDraft {
        relative_path: path.to_owned(),
        title: path.to_owned(),
        duration_minutes: 10,
        level: None,
        tags: vec!["sql".to_owned()],
        extra: Default::default(),
        body: String::new(),
        word_count: 0,
    };
    let modules = [module("a.md"), module("b.md"), module("c/d.html")];
    if let Err(e) = ingest::parse_manifest(Path::new(NAME), &text, &modules) {
        names_the_file(&e);
    }
}

/// A skill framework: CASE JSON, Moodle's competency CSV, plain CSV.
pub fn skill_framework(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = Path::new(NAME);
    if let Err(e) = exchange::case_import(path, &text) {
        names_the_file(&e);
    }
    if let Err(e) = exchange::moodle_import(path, &text) {
        names_the_file(&e);
    }
    if let Err(e) = exchange::csv_import(path, &text) {
        names_the_file(&e);
    }
}

/// A tiny curriculum: four modules, one track, prerequisites in a line.
fn with_curriculum(f: impl FnOnce(&[simulate::SimModule], &rules::Curriculum<'_>)) {
    let module =
        |key: &str, skills: &[usize], assessment: bool, placement: bool| simulate::SimModule {
            key: key.to_owned(),
            title: key.to_uppercase(),
            minutes: 20,
            skills: skills.to_vec(),
            assessment,
            placement,
        };
    let modules = [
        module("pre.md", &[0, 1], true, true),
        module("a.md", &[0], false, false),
        module("b.md", &[1], false, false),
        module("quiz.md", &[0, 1], true, false),
    ];
    let infos: Vec<rules::ModuleInfo> = modules
        .iter()
        .map(|m| rules::ModuleInfo {
            key: m.key.clone(),
            id: m.key.clone(),
            title: m.title.clone(),
            tags: vec!["sql".to_owned()],
        })
        .collect();
    let slugs = ["t".to_owned()];
    let edges = [(0, 1), (1, 2), (2, 3)];
    let curriculum = rules::Curriculum {
        modules: &infos,
        tracks: &slugs,
        edges: &edges,
    };
    f(&modules, &curriculum);
}

/// Simulates a few learners of `cohort` under `set`, both policies.
fn simulate_few(cohort: &model::Cohort, set: &rules::RuleSet) {
    with_curriculum(|modules, curriculum| {
        let tracks = [simulate::SimTrack {
            slug: "t".to_owned(),
            name: "T".to_owned(),
            path: vec![0, 1, 2, 3],
            support: vec![],
        }];
        let input = simulate::Input {
            modules,
            tracks: &tracks,
            skills: 2,
            rules: set,
            curriculum,
            cohort,
            skill_bkt: &[],
            pass_mark: rules::DEFAULT_PASS_MARK,
        };
        for policy in [simulate::Policy::Static, simulate::Policy::Rules] {
            simulate::simulate(&input, policy, 8, 7);
        }
        simulate::trace(&input, 7, 3);
    });
}

fn plain_cohort() -> model::Cohort {
    serde_json::from_str(
        r#"{"segments": [{"name": "all", "share": 1, "prior": 0.3, "weekly_minutes": 120,
            "dropout_per_week": 0.05, "reengage_response": 0.5}]}"#,
    )
    .expect("the plain cohort parses")
}

/// A learner event log (xAPI statements and native events, one JSON object per line),
/// run through a rule set.
pub fn event_log(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(events) = rules::read_event_log(&text) else {
        return;
    };
    let set: rules::RuleSet = serde_json::from_str(
        r#"{"schema": "pathforge.rules/v1", "rules": [
        {"id": "place", "kind": "placement", "explanation": "Place", "assessment": "pre.md",
         "bands": [{"min": 0, "max": 59}, {"min": 60, "max": 100, "skip": ["a.md"]}]},
        {"id": "fix", "kind": "remediation", "explanation": "Review", "assessment": "quiz.md",
         "below": 70, "assign": ["b.md"], "retake_after_days": 2},
        {"id": "nudge", "kind": "reengagement", "explanation": "Nudge", "idle_days": 7,
         "manager_after_days": 7}]}"#,
    )
    .expect("the fixed rule set parses");
    with_curriculum(|_, curriculum| {
        let _ = rules::run(&set, curriculum, &events);
    });
}

/// A rule set (as `rules.json` in a library or bundle): checked, run on a few events, and
/// driving a small simulated cohort.
pub fn rule_set(data: &[u8]) {
    let Ok(set) = serde_json::from_slice::<rules::RuleSet>(data) else {
        return;
    };
    with_curriculum(|_, curriculum| {
        rules::check(&set, curriculum);
    });
    simulate_few(&plain_cohort(), &set);
}

/// A signed rule bundle: verified, read, and compared with itself.
pub fn rule_bundle(data: &[u8]) {
    let _ = bundle::verify(data, None);
    if let Ok(files) = bundle::read(data) {
        let _ = bundle::diff(&files, &files);
    }
}

/// A review pack's decisions file.
pub fn review_decisions(data: &[u8]) {
    let _ = reviewpack::parse_decisions(data);
}

/// A cohort file (JSON or TOML), simulated through the tiny curriculum.
pub fn cohort(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let cohort = serde_json::from_str::<model::Cohort>(&text)
        .ok()
        .or_else(|| toml::from_str::<model::Cohort>(&text).ok());
    let Some(cohort) = cohort else {
        return;
    };
    // Every cohort the check lets through must simulate.
    if cohort.check().is_ok() {
        let no_rules = serde_json::from_str(r#"{"schema": "pathforge.rules/v1", "rules": []}"#)
            .expect("the empty rule set parses");
        simulate_few(&cohort, &no_rules);
    }
}
