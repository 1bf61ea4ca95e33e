//! Building, verifying, tampering and diffing, on small in-memory bundles.

use super::*;

fn files(threshold: u32, edges: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    let rules = format!(
        r#"{{"schema": "pathforge.rules/v1", "rules": [
            {{"id": "fix", "kind": "remediation", "explanation": "Low score: review", "assessment": "quiz.md", "below": {threshold}, "assign": ["a.md"], "retake_after_days": 2}}
        ]}}"#
    );
    let graph = GraphDoc {
        modules: ["a.md", "b.md", "quiz.md"]
            .iter()
            .map(|p| GraphModule {
                path: p.to_string(),
                title: p.to_uppercase(),
                duration_minutes: 10,
                skills: vec![],
                level: None,
            })
            .collect(),
        edges: edges
            .iter()
            .map(|(b, a)| (b.to_string(), a.to_string()))
            .collect(),
        tracks: vec![],
        requirements: Default::default(),
    };
    let case = r#"{"CFItems": [{"humanCodingScheme": "x", "fullStatement": "X"}]}"#;
    vec![
        ("rules.json".to_owned(), rules.into_bytes()),
        ("graph.json".to_owned(), serde_json::to_vec(&graph).unwrap()),
        ("taxonomy.case.json".to_owned(), case.as_bytes().to_vec()),
    ]
}

fn ids(bundle: &str) -> Ids {
    Ids {
        bundle: bundle.to_owned(),
        course: "course-1".to_owned(),
    }
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

#[test]
fn bundles_are_deterministic_and_verify() {
    let one = build(
        &ids("b-1"),
        "1.0.0",
        "ana",
        &files(70, &[("a.md", "b.md")]),
        &key(),
        100,
        None,
    )
    .unwrap();
    let two = build(
        &ids("b-1"),
        "1.0.0",
        "ana",
        &files(70, &[("a.md", "b.md")]),
        &key(),
        100,
        None,
    )
    .unwrap();
    assert_eq!(
        one, two,
        "the same content and signing time give byte-identical bundles"
    );
    let (manifest, signer) = verify(&one, None).unwrap();
    assert_eq!(manifest.files.len(), 3, "every content file is hashed");
    assert_eq!(
        signer,
        public_key_text(&key()),
        "the signer's key is reported"
    );
    verify(&one, Some(&public_key_text(&key()))).expect("the trusted key verifies");
    let other = SigningKey::from_bytes(&[9u8; 32]);
    let err = verify(&one, Some(&public_key_text(&other))).unwrap_err();
    assert!(
        matches!(err, Error::Untrusted { .. }),
        "another team's key is not trusted: {err}"
    );
    let text = key_to_text(&key());
    assert_eq!(
        key_from_text(&text).unwrap().to_bytes(),
        key().to_bytes(),
        "keys round-trip through their file form"
    );
}

/// Rewrites one file of a bundle (as someone editing the zip would) and re-zips it.
fn tamper(bundle: &[u8], name: &str, edit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut entries = read(bundle).unwrap();
    edit(entries.entry(name.to_owned()).or_default());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, b) in &entries {
        zip.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn any_change_is_detected() {
    let bundle = build(
        &ids("b-1"),
        "1.0.0",
        "ana",
        &files(70, &[]),
        &key(),
        100,
        None,
    )
    .unwrap();
    type Edit = fn(&mut Vec<u8>);
    let cases: [(&str, Edit, &str); 4] = [
        (
            "rules.json",
            |b| b.extend_from_slice(b" "),
            "rules.json changed",
        ),
        (
            "manifest.json",
            |b| {
                *b = String::from_utf8(b.clone())
                    .unwrap()
                    .replace("1.0.0", "9.9.9")
                    .into_bytes()
            },
            "signature does not match",
        ),
        (
            "signature.json",
            |b| {
                *b = String::from_utf8(b.clone())
                    .unwrap()
                    .replace("\"signature\": \"", "\"signature\": \"00")
                    .into_bytes()
            },
            "malformed signature",
        ),
        (
            "extra.json",
            |b| b.extend_from_slice(b"{}"),
            "extra.json was added",
        ),
    ];
    for (name, edit, needle) in cases {
        let err = verify(&tamper(&bundle, name, edit), None).unwrap_err();
        assert!(
            err.to_string().contains(needle),
            "editing {name} is caught: {err}"
        );
    }
    assert!(verify(b"not a zip", None).is_err(), "garbage is refused");
}

#[test]
fn diffs_are_semantic() {
    let a = read(
        &build(
            &ids("b"),
            "1.0.0",
            "ana",
            &files(70, &[("a.md", "b.md")]),
            &key(),
            1,
            None,
        )
        .unwrap(),
    )
    .unwrap();
    let b = read(
        &build(
            &ids("b"),
            "1.1.0",
            "ana",
            &files(60, &[("b.md", "quiz.md")]),
            &key(),
            2,
            None,
        )
        .unwrap(),
    )
    .unwrap();
    let changes = diff(&a, &b).unwrap();
    let lines: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {} {}: {}", c.area, c.change, c.subject, c.explanation))
        .collect();
    assert_eq!(
        lines,
        [
            "rule changed fix: below: 70.0 → 60.0",
            "edge added b.md → quiz.md: “QUIZ.MD” now requires “B.MD”",
            "edge removed a.md → b.md: “B.MD” no longer requires “A.MD”",
        ],
        "thresholds and edges, each explained"
    );
    assert!(
        diff(&a, &a).unwrap().is_empty(),
        "a bundle does not differ from itself"
    );
}
