//! Privacy by construction: learners' answers imported for calibration (xAPI statements
//! and a CSV, with e-mail addresses, names and LMS account ids) are stored under
//! pseudonyms, and nothing the project produces — every LMS export target, the signed
//! bundle, the audit log and its exports — carries a learner identifier from the input,
//! nor even a pseudonym. Zips inside outputs are opened and searched too.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

const TARGETS: [&str; 9] = [
    "scorm2004",
    "scorm12",
    "cmi5",
    "case",
    "moodle",
    "canvas",
    "openedx",
    "xapi",
    "bundle",
];

/// What the input says about learners, which must never come out.
const IDENTIFIERS: [&str; 6] = [
    "dana.okafor@northwind.example",
    "Dana Okafor",
    "emp-48213",
    "lms.northwind.example",
    "Rafael Mendes",
    "r.mendes",
];

fn pathforge(config: &Path, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(args.iter().map(|a| a.as_ref()))
        .env("PATHFORGE_CONFIG_DIR", config)
        .output()
        .expect("the pathforge binary runs");
    assert!(
        out.status.success(),
        "{:?}: {}",
        args.iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every text a file holds: itself, and each entry when it is a zip (recursively).
fn texts(name: &str, bytes: &[u8], out: &mut Vec<(String, Vec<u8>)>) {
    if bytes.starts_with(b"PK\x03\x04") {
        if let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).expect("zip entries open");
                let entry_name = format!("{name}!{}", entry.name().unwrap_or_default());
                let mut inner = Vec::new();
                entry.read_to_end(&mut inner).expect("zip entries read");
                texts(&entry_name, &inner, out);
            }
            return;
        }
    }
    out.push((name.to_owned(), bytes.to_vec()));
}

#[test]
fn learner_identifiers_never_leave_the_project_nor_reach_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let config = root.join("config");
    let file = root.join("p.pathforge");
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
    pathforge(&config, &[&"init", &file]);
    pathforge(&config, &[&"import", &file, &library]);

    // Answers as an LMS exports them: xAPI (mbox and name; account) and a CSV.
    let activity = |path: &str| format!("https://lms.northwind.example/activities/{path}");
    let mut statements = Vec::new();
    for (i, (actor, module, ok)) in [
        (
            serde_json::json!({"mbox": "mailto:dana.okafor@northwind.example", "name": "Dana Okafor"}),
            "modules/01-product-basics-pre-assessment.md",
            false,
        ),
        (
            serde_json::json!({"mbox": "mailto:dana.okafor@northwind.example", "name": "Dana Okafor"}),
            "modules/01-product-basics-pre-assessment.md",
            true,
        ),
        (
            serde_json::json!({"account": {"homePage": "https://lms.northwind.example", "name": "emp-48213"}}),
            "modules/01-product-basics-pre-assessment.md",
            true,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        statements.push(serde_json::json!({
            "actor": actor,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": activity(module)},
            "result": {"success": ok},
            "timestamp": format!("2026-11-0{}T10:00:00Z", i + 1),
        }));
    }
    let xapi = root.join("statements.json");
    std::fs::write(&xapi, serde_json::to_string(&statements).unwrap()).unwrap();
    let skills = pathforge(&config, &[&"taxonomy", &"show", &file, &"--json"]);
    let skills: serde_json::Value = serde_json::from_slice(&skills.stdout).unwrap();
    let slug = skills[0]["slug"].as_str().unwrap().to_owned();
    let csv = root.join("answers.csv");
    std::fs::write(
        &csv,
        format!("learner,skill,correct,order\nRafael Mendes,{slug},0,1\nRafael Mendes,{slug},1,2\nr.mendes,{slug},1,3\n"),
    )
    .unwrap();
    pathforge(&config, &[&"calibrate", &file, &"--events", &xapi]);
    pathforge(&config, &[&"calibrate", &file, &"--events", &csv]);

    // The pseudonyms stored, which must not come out either.
    let conn = rusqlite::Connection::open(&file).unwrap();
    let pseudonyms: Vec<String> = conn
        .prepare("SELECT DISTINCT learner FROM answers")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);
    assert_eq!(
        pseudonyms.len(),
        4,
        "four learners, each under a pseudonym: {pseudonyms:?}"
    );

    // Everything the project produces.
    let mut outputs = Vec::new();
    for target in TARGETS {
        let out = root.join("exports").join(target);
        pathforge(
            &config,
            &[&"export", &file, &"--target", &target, &"--out", &out],
        );
        for entry in walkdir::WalkDir::new(&out).into_iter().map(|e| e.unwrap()) {
            if entry.file_type().is_file() {
                let bytes = std::fs::read(entry.path()).unwrap();
                texts(
                    &format!(
                        "{target}/{}",
                        entry.path().strip_prefix(&out).unwrap().display()
                    ),
                    &bytes,
                    &mut outputs,
                );
            }
        }
    }
    let bundles = root.join("bundles");
    pathforge(&config, &[&"bundle", &"build", &file, &"--out", &bundles]);
    for entry in std::fs::read_dir(&bundles).unwrap() {
        let path = entry.unwrap().path();
        texts(
            &path.display().to_string(),
            &std::fs::read(&path).unwrap(),
            &mut outputs,
        );
    }
    for format in ["csv", "json"] {
        let path = root.join(format!("audit.{format}"));
        pathforge(
            &config,
            &[
                &"audit",
                &"export",
                &file,
                &"--format",
                &format,
                &"--out",
                &path,
            ],
        );
        texts(
            &path.display().to_string(),
            &std::fs::read(&path).unwrap(),
            &mut outputs,
        );
    }
    let log = pathforge(&config, &[&"log", &file, &"--json"]);
    texts("pathforge log --json", &log.stdout, &mut outputs);

    // The search works: the curriculum is in there, inside zips too.
    let all: Vec<String> = outputs
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(
        outputs
            .iter()
            .any(|(n, b)| n.contains('!') && String::from_utf8_lossy(b).contains("Northwind")),
        "the search reaches inside zipped outputs (e.g. the bundle)"
    );
    assert!(
        all.iter().any(|t| t.contains(&slug)),
        "and finds the curriculum"
    );
    for id in IDENTIFIERS
        .iter()
        .map(|s| s.to_string())
        .chain(pseudonyms.clone())
    {
        for ((name, _), text) in outputs.iter().zip(&all) {
            assert!(
                !text.to_lowercase().contains(&id.to_lowercase()),
                "{name} carries the learner identifier {id:?}"
            );
        }
    }

    // And the project file holds pseudonyms only (closed, so the WAL is folded in).
    let bytes = std::fs::read(&file).unwrap();
    let text = String::from_utf8_lossy(&bytes).to_lowercase();
    for id in IDENTIFIERS {
        assert!(
            !text.contains(&id.to_lowercase()),
            "the project file stores {id:?}"
        );
    }
}
