//! Rules: the sample covers every kind, checks clean and runs; edits are checked and
//! explained; bundles refuse projects with errors.

use super::*;

#[test]
fn sample_rules_cover_every_kind_check_clean_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let set = p.rules().unwrap();
    let kinds: std::collections::BTreeSet<&str> = set.rules.iter().map(|r| r.body.kind()).collect();
    assert_eq!(
        kinds.len(),
        7,
        "the sample library uses all seven rule kinds: {kinds:?}"
    );
    assert!(
        set.rules.iter().any(|r| r.origin == rules::Origin::Graph),
        "unlock rules are derived from the prerequisite graph"
    );
    let findings = p.check_rules().unwrap();
    assert!(
        findings.is_empty(),
        "the sample rules are consistent: {findings:#?}"
    );

    let text = std::fs::read_to_string(sample_library().join("events.jsonl")).unwrap();
    let events: Vec<rules::Event> = text
        .lines()
        .filter(|l| !l.contains("\"verb\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let decisions = p.run_rules(&events).unwrap();
    let find = |learner: &str, rule: &str| {
        decisions
            .iter()
            .find(|d| d.learner == learner && d.rule == rule)
            .unwrap_or_else(|| panic!("{learner}/{rule}: {decisions:#?}"))
    };
    assert_eq!(
        find("ana", "assign-enterprise-ae").target,
        "enterprise-certification",
        "assignment by role"
    );
    let remedy = find("ana", "remediate-discovery");
    assert_eq!(remedy.day, 12, "remediation on the day of the low score");
    assert!(
        remedy.explanation.contains("scored 62%"),
        "explained: {}",
        remedy.explanation
    );
    assert_eq!(
        find("ben", "reengage-idle-learners").target,
        "learner",
        "idle learners are nudged first"
    );

    // A broken rule is found, and the project's rules stay readable.
    let lib = tmp.path().join("broken-rules");
    write(&lib, "a.md", md("A", 10).as_bytes());
    let rule = "[[rule]]\nid = \"r\"\nkind = \"remediation\"\nexplanation = \"x\"\nassessment = \"a.md\"\nbelow = 140\nassign = [\"zz.md\"]\nretake_after_days = 1\n";
    write(&lib, "pathforge.toml", rule.as_bytes());
    p.import_library(&lib, &ME, Timestamp(3)).unwrap();
    let codes: Vec<model::FindingCode> = p
        .check_rules()
        .unwrap()
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert_eq!(
        codes,
        [
            model::FindingCode::MissingReference,
            model::FindingCode::ThresholdOutOfRange
        ],
        "a missing module and a 140% threshold"
    );
}

#[test]
fn bundles_refuse_projects_with_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let p = loop_project(tmp.path(), false);
    let err = p.bundle_files().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("errors to fix before it can ship"),
        "{err}"
    );
    assert!(
        err.to_string().contains("“A” → “B” → “A”"),
        "the first error is quoted: {err}"
    );
}

#[test]
fn rules_are_edited_checked_and_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = Project::create(&tmp.path().join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&sample_library(), &ME, Timestamp(2))
        .unwrap();
    let mut rule = p
        .rules()
        .unwrap()
        .rules
        .into_iter()
        .find(|r| r.id == "remediate-discovery")
        .unwrap();
    if let rules::RuleBody::Remediation { below, .. } = &mut rule.body {
        *below = 120.0;
    }
    let findings = p.save_rule(rule.clone(), &ME, Timestamp(3)).unwrap();
    assert_eq!(
        findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        [model::FindingCode::ThresholdOutOfRange],
        "saving returns the checker's verdict on the new rule set"
    );
    let findings = p
        .delete_rule("remediate-discovery", &ME, Timestamp(4))
        .unwrap();
    assert!(findings.is_empty(), "deleting the broken rule clears it");
    let derived = p
        .rules()
        .unwrap()
        .rules
        .into_iter()
        .find(|r| r.origin == rules::Origin::Graph)
        .unwrap();
    let err = p.delete_rule(&derived.id, &ME, Timestamp(5)).unwrap_err();
    assert!(
        err.to_string().contains("change the prerequisites instead"),
        "graph rules are edited through the graph: {err}"
    );
    let actions: Vec<String> = p
        .audit_log()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"rule.saved".to_owned()) && actions.contains(&"rule.deleted".to_owned()),
        "both are logged"
    );

    let ae = model::Attributes {
        role: Some("ae".into()),
        ..Default::default()
    };
    let decisions = p
        .why(
            &ae,
            &[("modules/01-product-basics-pre-assessment.md".into(), 90.0)],
        )
        .unwrap();
    let summary: Vec<(rules::DecisionKind, &str)> = decisions
        .iter()
        .map(|d| (d.kind, d.target.as_str()))
        .take(2)
        .collect();
    assert_eq!(
        summary,
        [
            (rules::DecisionKind::Assign, "account-executive"),
            (
                rules::DecisionKind::Skip,
                "modules/02-northwind-platform-overview.md"
            )
        ],
        "an AE scoring 90% is assigned the AE track and skips the basics"
    );
}
