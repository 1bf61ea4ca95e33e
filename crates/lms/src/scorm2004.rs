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
use crate::{cover, fraction, needed, shortfalls, Files, Plan, RuleCoverage, Status};

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
    let below = |of: &str, percent: f64| {
        cond(
            of,
            false,
            "objectiveMeasureLessThan",
            Some(fraction(percent)),
        )
    };
    let at_least = |of: &str, percent: f64| {
        cond(
            of,
            true,
            "objectiveMeasureLessThan",
            Some(fraction(percent)),
        )
    };
    // Outside every waiving range (or no score yet): the requirement still holds.
    let not_waived = |r: &str| -> Dnf {
        let mut dnf: Dnf = vec![Vec::new()];
        for w in plan.waivers(r) {
            for range in &w.ranges {
                let mut outside = vec![
                    vec![below(w.assessment, range.min)],
                    vec![cond(w.assessment, true, "objectiveMeasureKnown", None)],
                ];
                if let Some(b) = range.below {
                    outside.push(vec![at_least(w.assessment, b)]);
                }
                dnf = and(&dnf, &outside);
            }
        }
        dnf
    };
    let unmet = |module: &str, r: &str, min: Option<f64>| -> Dnf {
        let dnf: Dnf = if plan.remedial(module, r) {
            vec![vec![cond(r, true, "objectiveMeasureKnown", None)]]
        } else {
            let mut d = vec![
                vec![cond(r, true, "satisfied", None)],
                vec![cond(r, true, "objectiveStatusKnown", None)],
            ];
            if let Some(min) = min {
                d.push(vec![below(r, min)]);
                d.push(vec![cond(r, true, "objectiveMeasureKnown", None)]);
            }
            d
        };
        and(&dnf, &not_waived(r))
    };
    // Placement skips, one rule per waiving score range.
    for m in &plan.order {
        for w in plan.waivers(&m.key) {
            for range in &w.ranges {
                let mut term = vec![at_least(w.assessment, range.min)];
                if let Some(b) = range.below {
                    term.push(below(w.assessment, b));
                }
                seq.entry(m.key.as_str())
                    .or_default()
                    .add("skip", vec![term]);
            }
        }
    }
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
                        let remedial: Vec<&String> =
                            requires.iter().filter(|r| plan.remedial(module, r)).collect();
                        let gated: Vec<&str> = requires
                            .iter()
                            .filter(|r| !plan.remedial(module, r))
                            .map(|r| plan.module(r).title.as_str())
                            .collect();
                        let score = min_score
                            .map(|m| format!(" with a score of at least {m}%"))
                            .unwrap_or_default();
                        let mut parts = Vec::new();
                        match gated.as_slice() {
                            [] => {}
                            [one] => parts.push(format!("“{one}” is satisfied{score}")),
                            _ if need == requires.len() => parts.push(format!(
                                "all of “{}” are satisfied{score}",
                                gated.join("”, “")
                            )),
                            _ => parts.push(format!(
                                "{need} of “{}” are satisfied{score}",
                                gated.join("”, “")
                            )),
                        }
                        for r in &remedial {
                            parts.push(format!("“{}” has a score", plan.module(r).title));
                        }
                        let how = format!(
                            "precondition rules keep “{}” disabled until {} (each “not satisfied” paired with “objective status unknown”)",
                            plan.module(module).title,
                            parts.join(" and ")
                        );
                        let needs_scores: Vec<&String> = requires
                            .iter()
                            .filter(|r| min_score.is_some() || plan.remedial(module, r))
                            .collect();
                        // Met only once a score arrives: from a carried item, which
                        // reports one, or a page, which cannot.
                        let page = needs_scores.iter().find(|r| plan.carried(plan.module(r)).is_none());
                        match (page, needs_scores.first()) {
                            (Some(r), _) => cover(rule, Status::Partial, format!("{how}; {}", crate::placeholder(plan, r))),
                            (None, Some(r)) => cover(rule, Status::Expressed, format!("{how}; {}", crate::placeholder(plan, r))),
                            (None, None) => cover(rule, Status::Expressed, how),
                        }
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
                assessment, bands, ..
            } => {
                let skipped: usize = bands.iter().map(|b| b.skip.len()).sum();
                let mut how = format!(
                    "the score of “{}” skips {} (start points are reached by skipping what comes before them), also waived as requirements; skipping applies to flow navigation; {}",
                    plan.module(assessment).title,
                    crate::count(skipped, "module"),
                    crate::placeholder(plan, assessment)
                );
                let jumps = bands.iter().any(|b| crate::jumps(plan, assessment, b));
                if jumps {
                    how += "; a band whose start point its skips do not reach cannot be expressed (sequencing cannot jump)";
                }
                cover(rule, Status::Partial, crate::noting_categories(rule, "SCORM", how))
            }
            RuleBody::Remediation {
                assessment,
                below: under,
                assign,
                retake_after_days,
                ..
            } => {
                let dnf = vec![
                    vec![at_least(assessment, *under)],
                    vec![cond(assessment, true, "objectiveMeasureKnown", None)],
                ];
                for m in assign {
                    let s = seq.entry(m).or_default();
                    s.add("skip", dnf.clone());
                    s.add("hiddenFromChoice", dnf.clone());
                }
                let how = format!(
                    "{} skipped and hidden unless “{}” scores below {under}%; SCORM 2004 has no waiting time, so the {retake_after_days}-day retake delay is not enforced; {}",
                    match assign.len() {
                        1 => "1 remediation module is".to_owned(),
                        n => format!("{n} remediation modules are"),
                    },
                    plan.module(assessment).title,
                    crate::placeholder(plan, assessment)
                );
                cover(rule, Status::Partial, crate::noting_categories(rule, "SCORM", how))
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
            if let Some(c) = plan.carried(m) {
                // As its LMS launched it: the same time-limit behaviour and launch data.
                if let Some(action) = &c.time_limit_action {
                    x.text("adlcp:timeLimitAction", &[], action);
                }
                if let Some(data) = &c.launch_data {
                    x.text("adlcp:dataFromLMS", &[], data);
                }
            }
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
    crate::resources::write(plan, &mut x, &mut files, "adlcp:scormType");
    x.close("manifest");
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
    if let Some(c) = plan.carried(m) {
        if c.completion_set_by_content || c.objective_set_by_content {
            let flag = |b: bool| if b { "true" } else { "false" };
            x.empty(
                "imsss:deliveryControls",
                &[
                    ("completionSetByContent", flag(c.completion_set_by_content)),
                    ("objectiveSetByContent", flag(c.objective_set_by_content)),
                ],
            );
        }
    }
    x.close("imsss:sequencing");
}
