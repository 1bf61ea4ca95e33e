//! SCORM 2004 4th edition with IMS Simple Sequencing: the target that can say the most.
//!
//! Every module's primary objective writes its status and score to a global objective;
//! modules that depend on it read it back through a local objective and are `disabled` by
//! precondition rules until it is met. Rule conditions are three-valued (a never-attempted
//! objective's "satisfied" is *unknown*, and `not unknown` is still unknown), so each
//! "not satisfied" is paired with "not objective status known". Placement `skip`s modules
//! a pre-test score places learners past, and waives them as requirements; remediation
//! modules are skipped and hidden unless the assessment's score is below the threshold.
//! A group rule ("2 of 3") becomes one `all` rule per way of falling short.

use std::collections::{BTreeMap, BTreeSet};

use rules::RuleBody;

use crate::xml::Xml;
use crate::{cover, fraction, html_page, needed, shortfalls, Files, Plan, RuleCoverage, Status};

/// More precondition rules than this for one requirement set is not worth shipping.
const MAX_RULES: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Cond {
    /// The referenced module's key.
    of: String,
    not: bool,
    condition: &'static str,
    threshold: Option<String>,
}

fn cond(of: &str, not: bool, condition: &'static str, threshold: Option<String>) -> Cond {
    Cond {
        of: of.to_owned(),
        not,
        condition,
        threshold,
    }
}

/// A condition in disjunctive normal form: any of the terms, each all of its conditions.
type Dnf = Vec<Vec<Cond>>;

fn and(a: &Dnf, b: &Dnf) -> Dnf {
    a.iter()
        .flat_map(|x| {
            b.iter().map(move |y| {
                let mut t = x.clone();
                t.extend(y.iter().cloned());
                t
            })
        })
        .collect()
}

#[derive(Debug, Default)]
struct Sequencing {
    /// Precondition rules in evaluation order: (action, combination, conditions).
    rules: Vec<(&'static str, &'static str, Vec<Cond>)>,
    /// Modules whose objective this module reads.
    reads: BTreeSet<String>,
}

impl Sequencing {
    /// Adds rules that take `action` while `dnf` holds: single conditions go into one
    /// `any` rule, longer terms into an `all` rule each.
    fn add(&mut self, action: &'static str, dnf: Dnf) {
        let (single, multi): (Vec<_>, Vec<_>) = dnf.into_iter().partition(|t| t.len() == 1);
        for c in single.iter().chain(&multi).flatten() {
            self.reads.insert(c.of.clone());
        }
        if !single.is_empty() {
            let conds = single.into_iter().flatten().collect();
            self.rules.push((action, "any", conds));
        }
        for t in multi {
            self.rules.push((action, "all", t));
        }
    }
}

pub(crate) fn compile(plan: &Plan<'_>) -> (Files, Vec<RuleCoverage>) {
    let mut seq: BTreeMap<&str, Sequencing> = BTreeMap::new();
    let mut coverage = Vec::new();
    // Placement waivers: module → (pre-test, lowest score that skips it).
    let mut waived: BTreeMap<&str, (&str, f64)> = BTreeMap::new();
    // Modules remediation assigns after an assessment: they open once it has a score.
    let mut remedial: BTreeSet<(&str, &str)> = BTreeSet::new();
    for rule in plan.rules() {
        match &rule.body {
            RuleBody::Placement {
                assessment, bands, ..
            } => {
                for band in bands {
                    for skip in &band.skip {
                        let at = waived.entry(skip).or_insert((assessment, band.min));
                        at.1 = at.1.min(band.min);
                    }
                }
            }
            RuleBody::Remediation {
                assessment, assign, ..
            } => {
                remedial.extend(assign.iter().map(|m| (m.as_str(), assessment.as_str())));
            }
            _ => {}
        }
    }
    let unmet = |module: &str, r: &str, min: Option<f64>| -> Dnf {
        let mut dnf: Dnf = if remedial.contains(&(module, r)) {
            vec![vec![cond(r, true, "objectiveMeasureKnown", None)]]
        } else {
            let mut d = vec![
                vec![cond(r, true, "satisfied", None)],
                vec![cond(r, true, "objectiveStatusKnown", None)],
            ];
            if let Some(min) = min {
                d.push(vec![cond(
                    r,
                    false,
                    "objectiveMeasureLessThan",
                    Some(fraction(min)),
                )]);
                d.push(vec![cond(r, true, "objectiveMeasureKnown", None)]);
            }
            d
        };
        if let Some((pre, at)) = waived.get(r) {
            let below = vec![
                vec![cond(
                    pre,
                    false,
                    "objectiveMeasureLessThan",
                    Some(fraction(*at)),
                )],
                vec![cond(pre, true, "objectiveMeasureKnown", None)],
            ];
            dnf = and(&dnf, &below);
        }
        dnf
    };
    for rule in plan.rules() {
        let entry = match &rule.body {
            RuleBody::Unlock {
                module,
                requires,
                group,
                min_score,
            } => {
                let need = needed(*group, requires.len());
                let groups = shortfalls(requires.len(), need, MAX_RULES);
                let dnf: Option<Dnf> = groups.and_then(|groups| {
                    let mut all = Dnf::new();
                    for g in groups {
                        let mut term: Dnf = vec![Vec::new()];
                        for &i in &g {
                            term = and(&term, &unmet(module, &requires[i], *min_score));
                        }
                        all.extend(term);
                    }
                    (all.iter().filter(|t| t.len() > 1).count() <= MAX_RULES).then_some(all)
                });
                match dnf {
                    Some(dnf) => {
                        seq.entry(module).or_default().add("disabled", dnf);
                        let names: Vec<&str> =
                            requires.iter().map(|r| plan.module(r).title.as_str()).collect();
                        let score = min_score
                            .map(|m| format!(" with a score of at least {m}%"))
                            .unwrap_or_default();
                        let what = match names.as_slice() {
                            [one] => format!("“{one}” is satisfied"),
                            _ if need == names.len() => format!("all of “{}” are satisfied", names.join("”, “")),
                            _ => format!("{need} of “{}” are satisfied", names.join("”, “")),
                        };
                        cover(
                            rule,
                            Status::Expressed,
                            format!(
                                "precondition rules keep “{}” disabled until {what}{score} (each “not satisfied” paired with “objective status unknown”)",
                                plan.module(module).title,
                            ),
                        )
                    }
                    None => cover(
                        rule,
                        Status::NotExported,
                        format!(
                            "needing {need} of {} requirements takes more than {MAX_RULES} precondition rules; the module is not gated",
                            requires.len()
                        ),
                    ),
                }
            }
            RuleBody::Placement {
                assessment,
                category,
                bands,
            } => {
                for band in bands {
                    for skip in &band.skip {
                        let mut term = vec![cond(
                            assessment,
                            true,
                            "objectiveMeasureLessThan",
                            Some(fraction(band.min)),
                        )];
                        if band.max < 100.0 {
                            term.push(cond(
                                assessment,
                                true,
                                "objectiveMeasureGreaterThan",
                                Some(fraction(band.max)),
                            ));
                        }
                        seq.entry(skip).or_default().add("skip", vec![term]);
                    }
                }
                let skipped: usize = bands.iter().map(|b| b.skip.len()).sum();
                let how = format!(
                    "{skipped} module skips by the score of “{}”, which also waive them as requirements; skipping applies to flow navigation",
                    plan.module(assessment).title
                );
                match category {
                    Some(c) => cover(
                        rule,
                        Status::Partial,
                        format!("{how}; SCORM keeps one score per activity, so the whole assessment is scored instead of category {c:?}"),
                    ),
                    None => cover(rule, Status::Expressed, how),
                }
            }
            RuleBody::Remediation {
                assessment,
                category,
                below,
                assign,
                retake_after_days,
            } => {
                let dnf = vec![
                    vec![cond(
                        assessment,
                        true,
                        "objectiveMeasureLessThan",
                        Some(fraction(*below)),
                    )],
                    vec![cond(assessment, true, "objectiveMeasureKnown", None)],
                ];
                for m in assign {
                    let s = seq.entry(m).or_default();
                    s.add("skip", dnf.clone());
                    s.add("hiddenFromChoice", dnf.clone());
                }
                let mut how = format!(
                    "{} remediation module(s) are skipped and hidden unless “{}” scores below {below}%; SCORM 2004 has no waiting time, so the {retake_after_days}-day retake delay is not enforced",
                    assign.len(),
                    plan.module(assessment).title
                );
                if let Some(c) = category {
                    how += &format!("; the whole assessment is scored instead of category {c:?}");
                }
                cover(rule, Status::Partial, how)
            }
            RuleBody::Reengagement { .. } => cover(
                rule,
                Status::NotExported,
                "SCORM 2004 sequencing has no idle-time trigger and sends no messages: set up the LMS's own reminders",
            ),
            RuleBody::CertificationReadiness { .. } => cover(
                rule,
                Status::NotExported,
                "scheduling a certification happens outside the package: the rule stays in the bundle",
            ),
            RuleBody::Assignment { .. } => cover(
                rule,
                Status::NotExported,
                "a package cannot choose its learners: the LMS's enrolment assigns it",
            ),
            RuleBody::Recertification { .. } => cover(
                rule,
                Status::NotExported,
                "SCORM sequencing has no calendar: re-enrolment after a certificate ages is the LMS's",
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
            ("xmlns", "http://www.imsglobal.org/xsd/imscp_v1p1"),
            ("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_v1p3"),
            ("xmlns:adlseq", "http://www.adlnet.org/xsd/adlseq_v1p3"),
            ("xmlns:adlnav", "http://www.adlnet.org/xsd/adlnav_v1p3"),
            ("xmlns:imsss", "http://www.imsglobal.org/xsd/imsss"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd",
            ),
        ],
    );
    x.open("metadata", &[])
        .text("schema", &[], "ADL SCORM")
        .text("schemaversion", &[], "2004 4th Edition")
        .close("metadata");
    x.open("organizations", &[("default", "ORG")]);
    x.open(
        "organization",
        &[
            ("identifier", "ORG"),
            ("adlseq:objectivesGlobalToSystem", "false"),
        ],
    );
    x.text("title", &[], &plan.course.title);
    let empty = Sequencing::default();
    for (track, modules) in &plan.blocks {
        if let Some(track) = track {
            let id = format!(
                "T-{}",
                crate::identifier(&track.slug).trim_start_matches("M-")
            );
            x.open("item", &[("identifier", id.as_str())]);
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
            item_sequencing(&mut x, plan, m, seq.get(m.key.as_str()).unwrap_or(&empty));
            x.close("item");
        }
        if track.is_some() {
            flow(&mut x);
            x.close("item");
        }
    }
    flow(&mut x);
    x.close("organization").close("organizations");
    x.open("resources", &[]);
    for m in &plan.order {
        let ident = plan.ident(&m.key);
        let href = format!("content/{ident}.html");
        x.open(
            "resource",
            &[
                ("identifier", format!("R-{ident}").as_str()),
                ("type", "webcontent"),
                ("adlcp:scormType", "asset"),
                ("href", href.as_str()),
            ],
        );
        x.empty("file", &[("href", href.as_str())]);
        x.close("resource");
        files.insert(href, html_page(&m.title, &m.body));
    }
    x.close("resources").close("manifest");
    files.insert("imsmanifest.xml".to_owned(), x.finish());
    (files, coverage)
}

/// Choice and flow navigation for a cluster (IMS SS defaults to choice only).
fn flow(x: &mut Xml) {
    x.open("imsss:sequencing", &[])
        .empty("imsss:controlMode", &[("choice", "true"), ("flow", "true")])
        .close("imsss:sequencing");
}

fn item_sequencing(x: &mut Xml, plan: &Plan<'_>, m: &crate::CourseModule, s: &Sequencing) {
    let ident = plan.ident(&m.key);
    let local = |key: &str| format!("{}.status", plan.ident(key));
    x.open("imsss:sequencing", &[]);
    if !s.rules.is_empty() {
        x.open("imsss:sequencingRules", &[]);
        for (action, combination, conds) in &s.rules {
            x.open("imsss:preConditionRule", &[]);
            x.open(
                "imsss:ruleConditions",
                &[("conditionCombination", combination)],
            );
            for c in conds {
                let reference = local(&c.of);
                let mut attrs = vec![("referencedObjective", reference.as_str())];
                if let Some(t) = &c.threshold {
                    attrs.push(("measureThreshold", t.as_str()));
                }
                attrs.push(("operator", if c.not { "not" } else { "noOp" }));
                attrs.push(("condition", c.condition));
                x.empty("imsss:ruleCondition", &attrs);
            }
            x.close("imsss:ruleConditions");
            x.empty("imsss:ruleAction", &[("action", action)]);
            x.close("imsss:preConditionRule");
        }
        x.close("imsss:sequencingRules");
    }
    x.open("imsss:objectives", &[]);
    let primary = format!("{ident}.done");
    let global = plan.uri(&format!("module:{ident}"));
    x.open(
        "imsss:primaryObjective",
        &[("objectiveID", primary.as_str())],
    );
    x.empty(
        "imsss:mapInfo",
        &[
            ("targetObjectiveID", global.as_str()),
            ("readSatisfiedStatus", "false"),
            ("readNormalizedMeasure", "false"),
            ("writeSatisfiedStatus", "true"),
            ("writeNormalizedMeasure", "true"),
        ],
    );
    x.close("imsss:primaryObjective");
    for key in &s.reads {
        let id = local(key);
        let global = plan.uri(&format!("module:{}", plan.ident(key)));
        x.open("imsss:objective", &[("objectiveID", id.as_str())]);
        x.empty(
            "imsss:mapInfo",
            &[
                ("targetObjectiveID", global.as_str()),
                ("readSatisfiedStatus", "true"),
                ("readNormalizedMeasure", "true"),
            ],
        );
        x.close("imsss:objective");
    }
    for skill in &m.skills {
        let id = format!("skill.{skill}");
        let global = plan.uri(&format!("skill:{skill}"));
        x.open("imsss:objective", &[("objectiveID", id.as_str())]);
        x.empty(
            "imsss:mapInfo",
            &[
                ("targetObjectiveID", global.as_str()),
                ("readSatisfiedStatus", "false"),
                ("readNormalizedMeasure", "false"),
                ("writeSatisfiedStatus", "true"),
            ],
        );
        x.close("imsss:objective");
    }
    x.close("imsss:objectives");
    x.close("imsss:sequencing");
}
