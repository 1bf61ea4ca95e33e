//! cmi5 course structure (`cmi5.xml`): a block per track, an assignable unit (AU) per
//! module in prerequisite order, an objective per skill. cmi5 leaves sequencing to the
//! LMS, so what it can carry of the rules is each AU's `moveOn` and `masteryScore`: a
//! scored module must be passed, at the strictest score a rule asks of it. The exported
//! pages send no statements, so AUs no rule scores are `moveOn="NotApplicable"`. An AU
//! carried from a cmi5 package ([`crate::Carried`]) launches from its package's files
//! under `items/` and keeps its own `moveOn`, `masteryScore`, `launchMethod`,
//! `launchParameters` and `entitlementKey`, made stricter where a rule scores it.

use std::collections::BTreeMap;

use rules::RuleBody;

use crate::resources::carried_path;
use crate::xml::Xml;
use crate::{cover, fraction, html_page, Files, Plan, RuleCoverage, Status};

const NS: &str = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd";
const LANG: &str = "en-US";

pub(crate) fn compile(plan: &Plan<'_>) -> (Files, Vec<RuleCoverage>) {
    // One masteryScore per AU: the strictest any rule asks for, worked out first so the
    // coverage report quotes the score the AU really has.
    let mut mastery: BTreeMap<&str, f64> = BTreeMap::new();
    let mut strictest = |key: &str, score: f64| {
        let at = mastery
            .entry(plan.module(key).key.as_str())
            .or_insert(score);
        *at = at.max(score);
    };
    for rule in plan.rules() {
        match &rule.body {
            RuleBody::Unlock {
                requires,
                min_score: Some(min),
                ..
            } => requires.iter().for_each(|r| strictest(r, *min)),
            RuleBody::Placement {
                assessment, bands, ..
            } => {
                if let Some(min) = placing_score(bands) {
                    strictest(assessment, min);
                }
            }
            RuleBody::Remediation {
                assessment, below, ..
            } => strictest(assessment, *below),
            RuleBody::CertificationReadiness { min_scores, .. } => {
                min_scores.iter().for_each(|m| strictest(&m.module, m.min))
            }
            _ => {}
        }
    }
    // A carried AU passes at the stricter of its own masteryScore and the rules'.
    for (key, at) in mastery.iter_mut() {
        let own = plan.carried(plan.module(key)).and_then(|c| c.mastery_score);
        *at = at.max(own.unwrap_or(0.0));
    }
    let passes = |key: &str| {
        let at = mastery[key];
        format!(
            "“{}” passes (moveOn=Passed) at masteryScore {at}%",
            plan.module(key).title
        )
    };
    let mut coverage = Vec::new();
    for rule in plan.rules() {
        let entry = match &rule.body {
            RuleBody::Unlock {
                requires,
                min_score: Some(min),
                ..
            } => cover(
                rule,
                Status::Partial,
                format!(
                    "{} (asked: {min}%); cmi5 has no prerequisites, so the LMS must gate the module (the AU order follows the prerequisites); {}",
                    passes(&requires[0]),
                    crate::placeholder(plan, &requires[0])
                ),
            ),
            RuleBody::Unlock { .. } => cover(
                rule,
                Status::NotExported,
                "cmi5 course structures have no prerequisites: the AU order follows them, gating is the LMS's",
            ),
            RuleBody::Placement {
                assessment, bands, ..
            } => match placing_score(bands) {
                Some(_) => cover(
                    rule,
                    Status::Partial,
                    crate::noting_categories(rule, "cmi5's masteryScore", format!("{}, the lowest score that places a learner past anything; which modules each band skips is for the LMS to apply; {}", passes(assessment), crate::placeholder(plan, assessment))),
                ),
                None => cover(rule, Status::NotExported, "no band skips anything"),
            },
            RuleBody::Remediation {
                assessment, below, ..
            } => cover(
                rule,
                Status::Partial,
                crate::noting_categories(rule, "cmi5's masteryScore", format!("{} (asked: below {below}% remediates), so a lower score is recorded as failed; assigning remediation and the retake delay are the LMS's; {}", passes(assessment), crate::placeholder(plan, assessment))),
            ),
            RuleBody::CertificationReadiness { .. } => cover(
                rule,
                Status::Partial,
                "required scores are the AUs' masteryScore (the strictest any rule asks); scheduling the certification is outside the course",
            ),
            RuleBody::Reengagement { .. } => cover(
                rule,
                Status::NotExported,
                "cmi5 has no idle-time trigger and sends no messages",
            ),
            RuleBody::Assignment { .. } => cover(
                rule,
                Status::NotExported,
                "a course structure cannot choose its learners: the LMS's enrolment assigns it",
            ),
            RuleBody::Recertification { .. } => cover(
                rule,
                Status::NotExported,
                "cmi5 has no calendar: re-enrolment after a certificate ages is the LMS's",
            ),
        };
        coverage.push(entry);
    }

    let mut files = Files::new();
    let mut x = Xml::new();
    x.open("courseStructure", &[("xmlns", NS)]);
    x.open("course", &[("id", plan.uri("course").as_str())]);
    lang(&mut x, "title", &plan.course.title);
    lang(&mut x, "description", &plan.course.description);
    x.close("course");
    let skills: Vec<&exchange::FrameworkSkill> = plan
        .course
        .framework
        .skills
        .iter()
        .filter(|s| plan.order.iter().any(|m| m.skills.contains(&s.slug)))
        .collect();
    if !skills.is_empty() {
        x.open("objectives", &[]);
        for s in &skills {
            x.open(
                "objective",
                &[("id", plan.uri(&format!("skill:{}", s.slug)).as_str())],
            );
            lang(&mut x, "title", &s.name);
            lang(&mut x, "description", &s.description);
            x.close("objective");
        }
        x.close("objectives");
    }
    // AU ids a carried AU's own id may not repeat (the same package carried twice).
    let mut taken = std::collections::BTreeSet::new();
    for (track, modules) in &plan.blocks {
        if let Some(track) = track {
            x.open(
                "block",
                &[("id", plan.uri(&format!("block:{}", track.slug)).as_str())],
            );
            lang(&mut x, "title", &track.name);
            lang(
                &mut x,
                "description",
                &format!("The modules of the {} track.", track.name),
            );
        }
        for m in modules {
            let ident = plan.ident(&m.key);
            let carried = plan.carried(m);
            // A carried AU keeps its own id: its statements are about the same activity
            // as before it was carried.
            let id = match carried.and_then(|c| c.au_id.clone()) {
                Some(own) if taken.insert(own.clone()) => own,
                _ => plan.uri(&format!("au:{ident}")),
            };
            let asked = mastery.get(m.key.as_str()).copied();
            let score = asked
                .or(carried.and_then(|c| c.mastery_score))
                .map(fraction);
            let move_on = move_on(carried.and_then(|c| c.move_on.as_deref()), asked.is_some());
            let mut attrs = vec![("id", id.as_str()), ("moveOn", move_on)];
            if let Some(s) = &score {
                attrs.push(("masteryScore", s.as_str()));
            }
            if let Some(method) = carried.and_then(|c| c.launch_method.as_deref()) {
                attrs.push(("launchMethod", method));
            }
            x.open("au", &attrs);
            lang(&mut x, "title", &m.title);
            lang(&mut x, "description", &summary(&m.body, &m.title));
            if !m.skills.is_empty() {
                x.open("objectives", &[]);
                for s in &m.skills {
                    x.empty(
                        "objective",
                        &[("idref", plan.uri(&format!("skill:{s}")).as_str())],
                    );
                }
                x.close("objectives");
            }
            match carried {
                Some(c) => {
                    x.text("url", &[], &carried_path(&c.package, &c.launch));
                    if let Some(p) = &c.launch_data {
                        x.text("launchParameters", &[], p);
                    }
                    if let Some(key) = &c.entitlement_key {
                        x.text("entitlementKey", &[], key);
                    }
                }
                None => {
                    let url = format!("content/{ident}.html");
                    x.text("url", &[], &url);
                    files.insert(url, html_page(&m.title, &m.body, plan.course.remote_images));
                }
            }
            x.close("au");
        }
        if track.is_some() {
            x.close("block");
        }
    }
    x.close("courseStructure");
    files.insert("cmi5.xml".to_owned(), x.finish());
    (files, coverage)
}

/// An AU's `moveOn`: what satisfies it. An exported page sends no cmi5 statements, so one
/// no rule scores must not hold the course back (`NotApplicable`), and one a rule scores
/// must be passed. A carried AU keeps its own, made to include passing when a rule scores
/// it (`Completed` becomes `CompletedAndPassed`; anything satisfied without a pass,
/// `Passed`).
pub(crate) fn move_on(own: Option<&str>, scored: bool) -> &str {
    match (own, scored) {
        (Some(own), false) => own,
        (Some("Passed" | "CompletedAndPassed"), true) => own.unwrap_or_default(),
        (Some("Completed"), true) => "CompletedAndPassed",
        (_, true) => "Passed",
        (None, false) => "NotApplicable",
    }
}

/// The lowest score at which a placement band skips something.
fn placing_score(bands: &[rules::Band]) -> Option<f64> {
    bands
        .iter()
        .filter(|b| !b.skip.is_empty())
        .map(|b| b.min)
        .min_by(f64::total_cmp)
}

fn lang(x: &mut Xml, element: &str, text: &str) {
    x.open(element, &[])
        .text("langstring", &[("lang", LANG)], text)
        .close(element);
}

/// The first paragraph of a module's text, for an AU's description.
fn summary(body: &str, title: &str) -> String {
    let first = body
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .unwrap_or(title);
    let text: String = first.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}
