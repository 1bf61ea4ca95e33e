//! SCORM 1.2: no sequencing, but `adlcp:prerequisites` in the AICC script syntax that
//! Moodle and most players evaluate — `A&B`, `A|B`, and `2*{A,B,C}` for "2 of 3". A
//! minimum score becomes the required module's `adlcp:masteryscore` (one per module, so
//! the strictest wins).

use std::collections::BTreeMap;

use rules::RuleBody;

use crate::xml::Xml;
use crate::{cover, needed, Files, Plan, RuleCoverage, Status};

/// `adlcp:prerequisites` is at most 200 characters.
const MAX_SCRIPT: usize = 200;

pub(crate) fn compile(plan: &Plan<'_>) -> (Files, Vec<RuleCoverage>) {
    let mut prerequisites: BTreeMap<&str, String> = BTreeMap::new();
    let mut mastery: BTreeMap<&str, f64> = BTreeMap::new();
    let mut coverage = Vec::new();
    for rule in plan.rules() {
        let entry = match &rule.body {
            RuleBody::Unlock {
                module,
                requires,
                group,
                min_score,
            } => {
                // A failed assessment counts as unmet in SCORM 1.2, so the modules that
                // remediate it cannot require it.
                let kept: Vec<&String> =
                    requires.iter().filter(|r| !plan.remedial(module, r)).collect();
                let dropped = requires.len() - kept.len();
                let ids: Vec<&str> = kept.iter().map(|r| plan.ident(r)).collect();
                let need = needed(*group, ids.len());
                let script = if need == ids.len() {
                    ids.join("&")
                } else if need == 1 {
                    ids.join("|")
                } else {
                    format!("{need}*{{{}}}", ids.join(","))
                };
                // Several rules on one module must all hold.
                let script = match prerequisites.get(module.as_str()) {
                    Some(old) if !script.is_empty() => format!("({old})&({script})"),
                    Some(old) => old.clone(),
                    None => script,
                };
                if script.len() > MAX_SCRIPT {
                    coverage.push(cover(
                        rule,
                        Status::NotExported,
                        format!("the prerequisite script for “{}” would be {} characters; SCORM 1.2 allows {MAX_SCRIPT}", plan.module(module).title, script.len()),
                    ));
                    continue;
                }
                if ids.is_empty() {
                    coverage.push(cover(
                        rule,
                        Status::NotExported,
                        "it only requires the assessment this module remediates, and SCORM 1.2 counts a failed assessment as unmet",
                    ));
                    continue;
                }
                prerequisites.insert(module, script.clone());
                let mut how = format!("adlcp:prerequisites \"{script}\" on “{}”", plan.module(module).title);
                let mut status = Status::Expressed;
                if dropped > 0 {
                    how += "; the requirement on the assessment it remediates is left out (SCORM 1.2 counts a failed assessment as unmet)";
                    status = Status::Partial;
                }
                if let Some(min) = min_score {
                    for r in &kept {
                        let at = mastery.entry(r.as_str()).or_insert(*min);
                        *at = at.max(*min);
                    }
                    how += &format!(
                        "; the {min}% minimum is each prerequisite's adlcp:masteryscore (the strictest wins when rules differ); {}",
                        crate::placeholder(plan, kept[0])
                    );
                    if kept.iter().any(|r| plan.carried(plan.module(r)).is_none()) {
                        status = Status::Partial;
                    }
                }
                cover(rule, status, how)
            }
            RuleBody::Placement { .. } => cover(
                rule,
                Status::NotExported,
                "SCORM 1.2 has no sequencing rules: a score cannot skip modules",
            ),
            RuleBody::Remediation { .. } => cover(
                rule,
                Status::NotExported,
                "SCORM 1.2 prerequisites only test completion, not a low score: remediation stays in the bundle",
            ),
            RuleBody::Reengagement { .. } => cover(
                rule,
                Status::NotExported,
                "SCORM 1.2 has no idle-time trigger and sends no messages",
            ),
            RuleBody::CertificationReadiness { .. } => cover(
                rule,
                Status::NotExported,
                "scheduling a certification happens outside the package",
            ),
            RuleBody::Assignment { .. } => cover(
                rule,
                Status::NotExported,
                "a package cannot choose its learners: the LMS's enrolment assigns it",
            ),
            RuleBody::Recertification { .. } => cover(
                rule,
                Status::NotExported,
                "SCORM 1.2 has no calendar: re-enrolment after a certificate ages is the LMS's",
            ),
        };
        coverage.push(entry);
    }

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
            ("version", "1"),
            ("xmlns", "http://www.imsproject.org/xsd/imscp_rootv1p1p2"),
            ("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_rootv1p2"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd",
            ),
        ],
    );
    x.open("metadata", &[])
        .text("schema", &[], "ADL SCORM")
        .text("schemaversion", &[], "1.2")
        .close("metadata");
    x.open("organizations", &[("default", "ORG")]);
    x.open("organization", &[("identifier", "ORG")]);
    x.text("title", &[], &plan.course.title);
    for (track, modules) in &plan.blocks {
        if let Some(track) = track {
            x.open("item", &[("identifier", plan.track_ident(&track.slug))]);
            x.text("title", &[], &track.name);
        }
        for m in modules {
            let ident = plan.ident(&m.key);
            let resource = format!("R-{ident}");
            x.open(
                "item",
                &[("identifier", ident), ("identifierref", resource.as_str())],
            );
            x.text("title", &[], &m.title);
            if let Some(script) = prerequisites.get(m.key.as_str()) {
                x.text("adlcp:prerequisites", &[("type", "aicc_script")], script);
            }
            let carried = plan.carried(m);
            // A carried SCO as its LMS launched it: its time limit and launch data.
            for (element, value) in [
                (
                    "adlcp:maxtimeallowed",
                    carried.and_then(|c| c.max_time_allowed.as_ref()),
                ),
                (
                    "adlcp:timelimitaction",
                    carried.and_then(|c| c.time_limit_action.as_ref()),
                ),
                (
                    "adlcp:datafromlms",
                    carried.and_then(|c| c.launch_data.as_ref()),
                ),
            ] {
                if let Some(value) = value {
                    x.text(element, &[], value);
                }
            }
            // Its own pass mark and a rule's minimum: the stricter.
            let own = carried.and_then(|c| c.mastery_score);
            let pass = match (mastery.get(m.key.as_str()).copied(), own) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            if let Some(min) = pass {
                x.text("adlcp:masteryscore", &[], &format!("{}", min.round()));
            }
            x.close("item");
        }
        if track.is_some() {
            x.close("item");
        }
    }
    x.close("organization").close("organizations");
    crate::resources::write(plan, &mut x, &mut files, "adlcp:scormtype");
    x.close("manifest");
    files.insert("imsmanifest.xml".to_owned(), x.finish());
    (files, coverage)
}
