//! Canvas: one Canvas module per Pathforge module (Canvas gates whole modules), its
//! prerequisites and completion requirements as REST payloads, MasteryPaths score ranges
//! for placement and remediation, and an IMS Common Cartridge carrying the same
//! prerequisites in Canvas's `course_settings/module_meta.xml`, for course import.
//!
//! Canvas prerequisites are all-of; a minimum score is a `min_score` completion
//! requirement on the prerequisite's item, in points (the quiz is assumed to be out of
//! 100, and the coverage report says so).

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use rules::{Group, RuleBody};
use serde_json::{json, Value};

use crate::xml::Xml;
use crate::{cover, html_page, json_bytes, Files, Plan, RuleCoverage, Status};

pub(crate) fn compile(plan: &Plan<'_>) -> (Files, Vec<RuleCoverage>) {
    let mut prerequisites: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut min_score: BTreeMap<&str, f64> = BTreeMap::new();
    let mut mastery_paths = Vec::new();
    let mut coverage = Vec::new();
    for rule in plan.rules() {
        let entry = match &rule.body {
            RuleBody::Unlock {
                module,
                requires,
                group,
                min_score: min,
            } => {
                if *group != Group::AllOf && requires.len() > 1 {
                    cover(
                        rule,
                        Status::NotExported,
                        "Canvas module prerequisites are all-of: an any-of or n-of group cannot be expressed",
                    )
                } else {
                    // Canvas ignores prerequisites that come later in the course, and a
                    // module that remediates an assessment cannot wait for it to be passed.
                    let at = |k: &str| plan.order.iter().position(|m| m.key == k);
                    let (kept, left): (Vec<&String>, Vec<&String>) = requires
                        .iter()
                        .partition(|r| !plan.remedial(module, r) && at(r) < at(module));
                    prerequisites
                        .entry(module)
                        .or_default()
                        .extend(kept.iter().map(|r| r.as_str()));
                    let mut how =
                        format!("prerequisite_module_ids on “{}”", plan.module(module).title);
                    let mut status = Status::Expressed;
                    if !left.is_empty() {
                        let names: Vec<&str> =
                            left.iter().map(|r| plan.module(r).title.as_str()).collect();
                        how += &format!("; left out: “{}” (the assessment it remediates must not have to be passed, and Canvas only honours earlier modules)", names.join("”, “"));
                        status = Status::Partial;
                    }
                    if let Some(m) = min {
                        for r in &kept {
                            let at = min_score.entry(r.as_str()).or_insert(*m);
                            *at = at.max(*m);
                        }
                        how += &format!(
                            "; the prerequisites' items require min_score {m} (points, assuming quizzes out of 100), which Canvas keeps only on a quiz or assignment: map them to the real quizzes"
                        );
                        status = Status::Partial;
                    }
                    cover(rule, status, how)
                }
            }
            RuleBody::Placement {
                assessment, bands, ..
            } => {
                let ranges: Vec<Value> = bands
                    .iter()
                    .map(|b| {
                        let released: Vec<Value> = plan
                            .order
                            .iter()
                            .filter(|m| m.key != *assessment && !b.skip.contains(&m.key))
                            .filter(|m| {
                                plan.rules().iter().any(|r| matches!(&r.body, RuleBody::Placement { bands, .. } if bands.iter().any(|x| x.skip.contains(&m.key))))
                            })
                            .map(|m| item_ref(plan, &m.key))
                            .collect();
                        // Canvas's upper bound is exclusive; the top band has none.
                        let upper = (b.max < 100.0).then(|| (b.max + 1.0) / 100.0);
                        json!({ "lower_bound": b.min / 100.0, "upper_bound": upper,
                                "assignment_sets": [{ "assignment_set_associations": released }] })
                    })
                    .collect();
                mastery_paths.push(json!({ "rule": rule.id, "trigger": item_ref(plan, assessment), "scoring_ranges": ranges }));
                cover(
                    rule,
                    Status::Partial,
                    crate::noting_categories(rule, "Canvas MasteryPaths", format!("MasteryPaths on “{}” release, per score range, the placement-dependent modules a band does not skip; modules that require a skipped one are not waived (Canvas prerequisites cannot test a score)", plan.module(assessment).title)),
                )
            }
            RuleBody::Remediation {
                assessment,
                below,
                assign,
                retake_after_days,
                ..
            } => {
                let assigned: Vec<Value> = assign.iter().map(|m| item_ref(plan, m)).collect();
                mastery_paths.push(
                    json!({ "rule": rule.id, "trigger": item_ref(plan, assessment),
                    "scoring_ranges": [{ "lower_bound": 0.0, "upper_bound": below / 100.0,
                        "assignment_sets": [{ "assignment_set_associations": assigned }] }] }),
                );
                cover(
                    rule,
                    Status::Partial,
                    crate::noting_categories(rule, "Canvas MasteryPaths", format!("a MasteryPaths range below {below}% on “{}” releases the remediation; the {retake_after_days}-day retake delay is not expressible (quiz attempts have no waiting time)", plan.module(assessment).title)),
                )
            }
            RuleBody::Reengagement { .. } => cover(
                rule,
                Status::NotExported,
                "Canvas has no idle-days trigger: not exported",
            ),
            RuleBody::CertificationReadiness { .. } => cover(
                rule,
                Status::NotExported,
                "Canvas does not schedule certifications: the rule stays in the bundle",
            ),
            RuleBody::Assignment { .. } => cover(
                rule,
                Status::NotExported,
                "Canvas enrols through SIS imports and sections, which cannot match HR attributes",
            ),
            RuleBody::Recertification { .. } => cover(
                rule,
                Status::NotExported,
                "Canvas cannot re-enrol by certificate age",
            ),
        };
        coverage.push(entry);
    }

    let modules: Vec<Value> = plan
        .order
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let requirement = match min_score.get(m.key.as_str()) {
                Some(s) => json!({ "type": "min_score", "min_score": s }),
                None => json!({ "type": "must_view" }),
            };
            let reqs: Vec<Value> = prerequisites
                .get(m.key.as_str())
                .map(|r| r.iter().map(|k| plan.lms_id(k)).collect())
                .unwrap_or_default();
            json!({
                "module": m.key,
                "request": { "method": "PUT", "path": format!("/api/v1/courses/{{{{course_id}}}}/modules/{}", plan.lms_id(&m.key).to_string().trim_matches('"')) },
                "body": { "module": { "name": m.title, "position": i + 1, "prerequisite_module_ids": reqs } },
                "item_completion_requirement": { "module_item": { "completion_requirement": requirement } },
            })
        })
        .collect();
    let mut files = Files::new();
    files.insert("canvas-modules.json".to_owned(), json_bytes(&modules));
    files.insert("mastery-paths.json".to_owned(), json_bytes(&mastery_paths));
    files.insert(
        "course.imscc".to_owned(),
        cartridge(plan, &prerequisites, &min_score),
    );
    (files, coverage)
}

fn item_ref(plan: &Plan<'_>, key: &str) -> Value {
    json!({ "module": key, "canvas_module_id": plan.lms_id(key) })
}

/// An IMS Common Cartridge 1.1 with a Canvas module per Pathforge module.
fn cartridge(
    plan: &Plan<'_>,
    prerequisites: &BTreeMap<&str, Vec<&str>>,
    min_score: &BTreeMap<&str, f64>,
) -> Vec<u8> {
    let mut files = Files::new();
    let mut x = Xml::new();
    let manifest_id = format!(
        "PF-{}",
        crate::identifier(&plan.course.id).trim_start_matches("M-")
    );
    x.open(
        "manifest",
        &[
            ("identifier", manifest_id.as_str()),
            ("xmlns", "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"),
        ],
    );
    x.open("metadata", &[])
        .text("schema", &[], "IMS Common Cartridge")
        .text("schemaversion", &[], "1.1.0")
        .close("metadata");
    x.open("organizations", &[]);
    x.open(
        "organization",
        &[("identifier", "ORG"), ("structure", "rooted-hierarchy")],
    );
    x.open("item", &[("identifier", "ROOT")]);
    for m in &plan.order {
        let ident = plan.ident(&m.key);
        x.open("item", &[("identifier", format!("G-{ident}").as_str())]);
        x.text("title", &[], &m.title);
        x.open(
            "item",
            &[
                ("identifier", format!("I-{ident}").as_str()),
                ("identifierref", format!("R-{ident}").as_str()),
            ],
        );
        x.text("title", &[], &m.title);
        x.close("item").close("item");
    }
    x.close("item").close("organization").close("organizations");
    x.open("resources", &[]);
    for m in &plan.order {
        let ident = plan.ident(&m.key);
        let href = format!("wiki_content/{ident}.html");
        x.open(
            "resource",
            &[
                ("identifier", format!("R-{ident}").as_str()),
                ("type", "webcontent"),
                ("href", href.as_str()),
            ],
        );
        x.empty("file", &[("href", href.as_str())])
            .close("resource");
        files.insert(
            href,
            html_page(&m.title, &m.body, plan.course.remote_images),
        );
    }
    // canvas_export.txt tells Canvas the cartridge is its own, so it reads module_meta.xml.
    x.open(
        "resource",
        &[
            ("identifier", "R-course-settings"),
            (
                "type",
                "associatedcontent/imscc_xmlv1p1/learning-application-resource",
            ),
            ("href", "course_settings/canvas_export.txt"),
        ],
    );
    for f in [
        "course_settings/canvas_export.txt",
        "course_settings/course_settings.xml",
        "course_settings/module_meta.xml",
    ] {
        x.empty("file", &[("href", f)]);
    }
    x.close("resource");
    x.close("resources").close("manifest");
    files.insert("imsmanifest.xml".to_owned(), x.finish());

    let mut meta = Xml::new();
    meta.open(
        "modules",
        &[
            ("xmlns", "http://canvas.instructure.com/xsd/cccv1p0"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://canvas.instructure.com/xsd/cccv1p0 https://canvas.instructure.com/xsd/cccv1p0.xsd",
            ),
        ],
    );
    for (i, m) in plan.order.iter().enumerate() {
        let ident = plan.ident(&m.key);
        meta.open("module", &[("identifier", format!("G-{ident}").as_str())]);
        meta.text("title", &[], &m.title)
            .text("workflow_state", &[], "active")
            .text("position", &[], &(i + 1).to_string())
            .text("require_sequential_progress", &[], "false");
        if let Some(reqs) = prerequisites.get(m.key.as_str()) {
            meta.open("prerequisites", &[]);
            for r in reqs {
                meta.open("prerequisite", &[("type", "context_module")])
                    .text("title", &[], &plan.module(r).title)
                    .text("identifierref", &[], &format!("G-{}", plan.ident(r)))
                    .close("prerequisite");
            }
            meta.close("prerequisites");
        }
        meta.open("completionRequirements", &[]);
        match min_score.get(m.key.as_str()) {
            Some(s) => {
                meta.open("completionRequirement", &[("type", "min_score")])
                    .text("min_score", &[], &s.to_string())
                    .text("identifierref", &[], &format!("I-{ident}"))
                    .close("completionRequirement");
            }
            None => {
                meta.open("completionRequirement", &[("type", "must_view")])
                    .text("identifierref", &[], &format!("I-{ident}"))
                    .close("completionRequirement");
            }
        }
        meta.close("completionRequirements");
        meta.open("items", &[]);
        meta.open("item", &[("identifier", format!("I-{ident}").as_str())])
            .text("content_type", &[], "WikiPage")
            .text("workflow_state", &[], "active")
            .text("title", &[], &m.title)
            .text("identifierref", &[], &format!("R-{ident}"))
            .text("position", &[], "1")
            .text("indent", &[], "0")
            .close("item");
        meta.close("items").close("module");
    }
    meta.close("modules");
    files.insert("course_settings/module_meta.xml".to_owned(), meta.finish());
    files.insert(
        "course_settings/canvas_export.txt".to_owned(),
        b"Exported by Pathforge for Canvas course import.\n".to_vec(),
    );
    let mut settings = Xml::new();
    settings
        .open(
            "course",
            &[
                ("identifier", manifest_id.as_str()),
                ("xmlns", "http://canvas.instructure.com/xsd/cccv1p0"),
            ],
        )
        .text("title", &[], &plan.course.title)
        .close("course");
    files.insert(
        "course_settings/course_settings.xml".to_owned(),
        settings.finish(),
    );
    zip_of(&files)
}

/// A deterministic zip: sorted entries, fixed timestamps.
pub(crate) fn zip_of(files: &Files) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)
            .expect("zipping to memory");
        zip.write_all(bytes).expect("zipping to memory");
    }
    zip.finish().expect("zipping to memory").into_inner()
}
