//! Round trips, refusals, and CASE exports checked by the official schema.

use super::*;
use model::Timestamp;
use std::path::Path;

fn skill(slug: &str, parent: Option<&str>, n: u128) -> FrameworkSkill {
    FrameworkSkill {
        identifier: uuid::Uuid::from_u128(n).to_string(),
        slug: slug.to_owned(),
        name: format!("Name of {slug}, with \"quotes\""),
        description: if n.is_multiple_of(2) {
            format!("About {slug}.\nSecond line.")
        } else {
            String::new()
        },
        parent: parent.map(str::to_owned),
        requires: Vec::new(),
        examples: if n == 13 {
            vec!["Asks “what happens if you do nothing?”".to_owned()]
        } else {
            Vec::new()
        },
    }
}

fn framework() -> Framework {
    Framework {
        identifier: uuid::Uuid::from_u128(1).to_string(),
        title: "Sales".into(),
        creator: "Pathforge".into(),
        scale: vec!["Aware".into(), "Practising".into(), "Proficient".into()],
        skills: vec![
            skill("selling", None, 10),
            skill("discovery", Some("selling"), 11),
            skill("negotiation", Some("selling"), 12),
            // Parents first: depth 1, then depth 2.
            FrameworkSkill {
                requires: vec!["questions".into(), "discovery".into()],
                ..skill("negotiation-2", Some("selling"), 14)
            },
            FrameworkSkill {
                requires: vec!["discovery".into()],
                ..skill("questions", Some("discovery"), 13)
            },
        ],
    }
}

/// Checks `json` against the official schema for `kind`.
fn validate(kind: &str, json: &serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("package.json");
    std::fs::write(&file, serde_json::to_string_pretty(json).unwrap()).unwrap();
    testkit::validate(kind, &file);
}

#[test]
fn case_exports_pass_the_official_schema_and_reimport_identically() {
    let fw = framework();
    let package = case_export(&fw, Timestamp(1_795_442_721_694));
    validate("case11", &package);
    assert_eq!(
        package["CFAssociations"].as_array().unwrap().len(),
        5 + 3 * 2,
        "one isChildOf per skill, and precedes + ext:isPrerequisiteOf per skill prerequisite"
    );
    let text = serde_json::to_string(&package).unwrap();
    let back = case_import(Path::new("f.json"), &text).unwrap();
    assert_eq!(back, fw, "export then import gives the same framework");
    assert_eq!(
        case_export(&back, Timestamp(1_795_442_721_694)),
        package,
        "and the same package again"
    );
}

#[test]
fn case_1_0_packages_import() {
    // A CASE 1.0 package as 1.0 publishers write it (CFPackageURI, CFDocumentURI on items).
    let package = serde_json::json!({
        "CFDocument": {
            "identifier": "c1b6a6a4-1111-4a5b-9c3d-000000000001",
            "uri": "https://example.org/uri/c1b6a6a4-1111-4a5b-9c3d-000000000001",
            "creator": "State board", "title": "Communication", "lastChangeDateTime": "2020-01-01T00:00:00+00:00",
            "CFPackageURI": { "title": "Communication", "identifier": "c1b6a6a4-1111-4a5b-9c3d-000000000001", "uri": "https://example.org/uri/p" }
        },
        "CFItems": [
            { "identifier": "c1b6a6a4-1111-4a5b-9c3d-000000000002", "uri": "https://example.org/uri/2",
              "fullStatement": "Listens actively to understand", "abbreviatedStatement": "Active listening",
              "lastChangeDateTime": "2020-01-01T00:00:00+00:00" },
            { "identifier": "c1b6a6a4-1111-4a5b-9c3d-000000000003", "uri": "https://example.org/uri/3",
              "fullStatement": "Paraphrases what was heard", "humanCodingScheme": "COM.1.1",
              "lastChangeDateTime": "2020-01-01T00:00:00+00:00" }
        ],
        "CFAssociations": [
            { "identifier": "c1b6a6a4-1111-4a5b-9c3d-000000000004", "uri": "https://example.org/uri/4", "associationType": "isChildOf",
              "originNodeURI": { "title": "Paraphrases", "identifier": "c1b6a6a4-1111-4a5b-9c3d-000000000003", "uri": "https://example.org/uri/3" },
              "destinationNodeURI": { "title": "Active listening", "identifier": "c1b6a6a4-1111-4a5b-9c3d-000000000002", "uri": "https://example.org/uri/2" },
              "lastChangeDateTime": "2020-01-01T00:00:00+00:00" }
        ]
    });
    validate("case10", &package);
    let fw = case_import(Path::new("old.json"), &package.to_string()).unwrap();
    let rows: Vec<(&str, &str, Option<&str>)> = fw
        .skills
        .iter()
        .map(|s| (s.slug.as_str(), s.name.as_str(), s.parent.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            ("active-listening", "Active listening", None),
            (
                "COM.1.1",
                "Paraphrases what was heard",
                Some("active-listening")
            )
        ],
        "codes come from humanCodingScheme, else from the statement; the tree from isChildOf"
    );
}

#[test]
fn plain_csv_round_trips() {
    let fw = framework();
    let text = csv_export(&fw.skills);
    assert!(
        text.starts_with("id,parent_id,name,description\n"),
        "the header is fixed: {text}"
    );
    let back = csv_import(Path::new("t.csv"), &text).unwrap();
    let strip = |s: &[FrameworkSkill]| -> Vec<(String, Option<String>, String, String)> {
        s.iter()
            .map(|k| {
                (
                    k.slug.clone(),
                    k.parent.clone(),
                    k.name.clone(),
                    k.description.clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        strip(&back),
        strip(&fw.skills),
        "quotes, commas and newlines survive the round trip"
    );
}

fn check_err<T: std::fmt::Debug>(result: Result<T>, needle: &str, why: &str) {
    let err = result.expect_err(why).to_string();
    assert!(
        err.starts_with("bad.x: "),
        "{why}: the file is named: {err}"
    );
    assert!(
        err.contains(needle),
        "{why}: {err:?} should mention {needle:?}"
    );
}

#[test]
fn bad_frameworks_are_refused_with_the_reason() {
    let p = Path::new("bad.x");
    check_err(
        case_import(p, "{"),
        "not a CASE package (line 1",
        "broken JSON",
    );
    check_err(
        case_import(p, "{\"CFItems\": []}"),
        "CFDocument",
        "no document",
    );
    let mut two_parents = case_export(&framework(), Timestamp(0));
    let mut extra = two_parents["CFAssociations"][3].clone();
    extra["destinationNodeURI"] = two_parents["CFAssociations"][2]["originNodeURI"].clone();
    two_parents["CFAssociations"]
        .as_array_mut()
        .unwrap()
        .push(extra);
    check_err(
        case_import(p, &two_parents.to_string()),
        "two parents",
        "a DAG is not a tree",
    );
    let mut dangling = case_export(&framework(), Timestamp(0));
    dangling["CFAssociations"][1]["destinationNodeURI"]["identifier"] = "nowhere".into();
    check_err(
        case_import(p, &dangling.to_string()),
        "neither an item nor the document",
        "dangling",
    );

    check_err(
        csv_import(p, "code,name\nx,y\n"),
        "the header must be",
        "wrong header",
    );
    check_err(
        csv_import(p, "id,parent_id,name,description\na,zz,A,\n"),
        "\"zz\", which is not in the file",
        "unknown parent",
    );
    check_err(
        csv_import(p, "id,parent_id,name,description\na,b,A,\nb,a,B,\n"),
        "loops",
        "a loop",
    );
    check_err(
        csv_import(p, "id,parent_id,name,description\na,,A,\na,,B,\n"),
        "used by two skills",
        "duplicate id",
    );
    check_err(
        csv_import(p, "id,parent_id,name,description\na,,,\n"),
        "line 2: every skill needs",
        "no name",
    );
}

#[test]
fn moodle_csv_round_trips_in_moodles_layout() {
    let fw = framework();
    let text = moodle_export(&fw);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap().split(',').count(),
        14,
        "Moodle's import tool has 14 columns"
    );
    let framework_row = lines.next().unwrap();
    assert!(
        framework_row.contains(",1,\"domain,competency,skill\""),
        "the framework row says so and names a taxonomy per depth: {framework_row}"
    );
    assert!(
        framework_row.contains("scaleid"),
        "and carries the default competence scale: {framework_row}"
    );
    let back = moodle_import(Path::new("m.csv"), &text).unwrap();
    assert_eq!(
        back.title, fw.title,
        "the framework's short name comes back"
    );
    let rows = |f: &Framework| -> Vec<(String, Option<String>, String, String)> {
        f.skills
            .iter()
            .map(|k| {
                (
                    k.slug.clone(),
                    k.parent.clone(),
                    k.name.clone(),
                    k.description.clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        rows(&back),
        rows(&fw),
        "competencies, parents and descriptions survive"
    );
    check_err(
        moodle_import(Path::new("bad.x"), "a,b\n1,2\n"),
        "no \"Parent ID number\" column",
        "not Moodle",
    );
    let no_framework: String = text
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    check_err(
        moodle_import(Path::new("bad.x"), &no_framework),
        "no framework row",
        "framework row missing",
    );
}
