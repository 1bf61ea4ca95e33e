//! Open edX: an OLX course (a chapter per track, a subsection per module holding one HTML
//! unit) plus a Studio script for subsection prerequisites, which OLX import drops.
//!
//! Open edX gates a subsection on *one* prerequisite subsection with a minimum score and
//! completion; usage keys follow from the course key Studio gives the imported course and
//! the OLX block names, so no id mapping is needed. A module with several requirements is
//! gated on the last of them in delivery order, which the coverage report calls partial
//! unless that one's own gates, in turn, already need the others.

use rules::{Group, RuleBody};
use serde_json::{json, Value};

use crate::xml::Xml;
use crate::{cover, html_page, json_bytes, Files, Plan, RuleCoverage, Status};

pub(crate) const ORG: &str = "Pathforge";
pub(crate) const RUN: &str = "export";

pub(crate) fn compile(plan: &Plan<'_>) -> (Files, Vec<RuleCoverage>) {
    let course = course_code(plan);
    let gate = gates_of(plan);
    let mut gates: Vec<Value> = Vec::new();
    let mut coverage = Vec::new();
    for rule in plan.rules() {
        let entry = match &rule.body {
            RuleBody::Unlock {
                module,
                requires,
                group,
                min_score,
            } => {
                if *group != Group::AllOf && requires.len() > 1 {
                    cover(rule, Status::NotExported, "Open edX gates a subsection on one prerequisite: an any-of or n-of group cannot be expressed")
                } else if gate.get(module.as_str()).map(|g| g.rule) != Some(rule.id.as_str()) {
                    cover(rule, Status::NotExported, format!("“{}” is already gated by another rule, and Open edX allows one prerequisite per subsection", plan.module(module).title))
                } else {
                    let last = gate[module.as_str()].prerequisite;
                    gates.push(json!({
                        "gated": plan.ident(module),
                        "prerequisite": plan.ident(last),
                        "min_score": min_score.unwrap_or(0.0),
                        "min_completion": 100,
                    }));
                    let how = format!(
                        "“{}” is gated on “{}” (min score {}%, completion 100%)",
                        plan.module(module).title,
                        plan.module(last).title,
                        min_score.unwrap_or(0.0)
                    );
                    // Gated on `last`, a learner has also completed whatever `last`'s own
                    // gate, and that one's, asked for: those requirements hold too.
                    let before_last = chain(&gate, last);
                    let names = |keys: &[&str]| -> String {
                        let quoted: Vec<String> = keys
                            .iter()
                            .map(|k| format!("“{}”", plan.module(k).title))
                            .collect();
                        quoted.join(", ")
                    };
                    let (held, loose): (Vec<&str>, Vec<&str>) = requires
                        .iter()
                        .map(String::as_str)
                        .filter(|r| *r != last)
                        .partition(|r| before_last.contains(r));
                    if !loose.is_empty() {
                        let verb = if loose.len() == 1 { "is" } else { "are" };
                        cover(rule, Status::Partial, format!("{how}; Open edX allows one prerequisite, so {} {verb} not enforced", names(&loose)))
                    } else if min_score.is_some() {
                        cover(rule, Status::Partial, format!("{how}; a minimum score needs “{}” to be a graded subsection: the exported one is an HTML placeholder", plan.module(last).title))
                    } else if !held.is_empty() {
                        cover(rule, Status::Expressed, format!("{how}, which is itself gated, in turn, on {}: one prerequisite enforces them all", names(&held)))
                    } else {
                        cover(rule, Status::Expressed, how)
                    }
                }
            }
            RuleBody::Placement { .. } => cover(
                rule,
                Status::NotExported,
                "Open edX cannot skip subsections by a score; entrance exams gate the whole course only",
            ),
            RuleBody::Remediation { .. } => cover(
                rule,
                Status::NotExported,
                "Open edX has no score-triggered assignment of content",
            ),
            RuleBody::Reengagement { .. } => cover(
                rule,
                Status::NotExported,
                "Open edX has no idle-days trigger",
            ),
            RuleBody::CertificationReadiness { .. } => cover(
                rule,
                Status::NotExported,
                "Open edX certificates follow the course grade, not a rule; the rule stays in the bundle",
            ),
            RuleBody::Assignment { .. } => cover(
                rule,
                Status::NotExported,
                "Open edX enrolment cannot match HR attributes",
            ),
            RuleBody::Recertification { .. } => cover(
                rule,
                Status::NotExported,
                "Open edX cannot re-enrol by certificate age",
            ),
        };
        coverage.push(entry);
    }

    let mut files = Files::new();
    let mut root = Xml::new();
    root.empty(
        "course",
        &[("url_name", RUN), ("org", ORG), ("course", course.as_str())],
    );
    files.insert("course/course.xml".to_owned(), root.finish());
    let mut top = Xml::new();
    top.open("course", &[("display_name", plan.course.title.as_str())]);
    for (i, (track, modules)) in plan.blocks.iter().enumerate() {
        let chapter = format!("chapter-{}", i + 1);
        top.empty("chapter", &[("url_name", chapter.as_str())]);
        let name = track.map_or("More modules", |t| t.name.as_str());
        let mut c = Xml::new();
        c.open("chapter", &[("display_name", name)]);
        for m in modules {
            let ident = plan.ident(&m.key);
            c.empty("sequential", &[("url_name", ident)]);
            let mut s = Xml::new();
            s.open("sequential", &[("display_name", m.title.as_str())])
                .empty("vertical", &[("url_name", ident)])
                .close("sequential");
            files.insert(format!("course/sequential/{ident}.xml"), s.finish());
            let mut v = Xml::new();
            v.open("vertical", &[("display_name", m.title.as_str())])
                .empty("html", &[("url_name", ident)])
                .close("vertical");
            files.insert(format!("course/vertical/{ident}.xml"), v.finish());
            let mut h = Xml::new();
            h.empty(
                "html",
                &[("filename", ident), ("display_name", m.title.as_str())],
            );
            files.insert(format!("course/html/{ident}.xml"), h.finish());
            files.insert(
                format!("course/html/{ident}.html"),
                html_page(&m.title, &m.body, plan.course.remote_images),
            );
        }
        c.close("chapter");
        files.insert(format!("course/chapter/{chapter}.xml"), c.finish());
    }
    top.close("course");
    files.insert(format!("course/course/{RUN}.xml"), top.finish());
    files.insert("gating.json".to_owned(), json_bytes(&gates));
    files.insert("studio-gating.sh".to_owned(), GATING_SH.as_bytes().to_vec());
    (files, coverage)
}

/// The course code inside usage keys: letters, digits and `_` from the course title.
fn course_code(plan: &Plan<'_>) -> String {
    let code: String = plan
        .course
        .title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let code = code.trim_matches('_').to_owned();
    if code.is_empty() {
        "course".to_owned()
    } else {
        code
    }
}

const GATING_SH: &str = r#"#!/usr/bin/env bash
# Sets the subsection prerequisites of gating.json in Open edX Studio (OLX import drops
# them). Import course/ into your course first (tar czf course.tar.gz course), enable
# "Enable Subsection Prerequisites" in its Advanced Settings, then run, with the course
# key Studio shows and a JWT access token of a staff user:
#   STUDIO_URL=https://studio.example.org COURSE_KEY=course-v1:Org+Code+Run \
#     STUDIO_TOKEN=... ./studio-gating.sh
# DRY_RUN=1 prints the requests instead. Needs: bash, curl, jq.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${STUDIO_URL:?set STUDIO_URL}" "${COURSE_KEY:?set COURSE_KEY (course-v1:Org+Code+Run)}"
[[ "$COURSE_KEY" == course-v1:* ]] || { echo "COURSE_KEY must look like course-v1:Org+Code+Run" >&2; exit 2; }
usage_key() { echo "block-v1:${COURSE_KEY#course-v1:}+type@sequential+block@$1"; }
post() {
  if [[ -n "${DRY_RUN:-}" ]]; then echo "POST $STUDIO_URL/api/contentstore/v1/xblock/$1 $2"; return; fi
  : "${STUDIO_TOKEN:?set STUDIO_TOKEN}"
  status=$(curl -sS -o /dev/stderr -w '%{http_code}' -X POST "$STUDIO_URL/api/contentstore/v1/xblock/$1" \
    -H "Authorization: JWT $STUDIO_TOKEN" -H 'Content-Type: application/json' --data "$2")
  [[ "$status" == 200 ]] || { echo "Studio answered $status for $1" >&2; exit 1; }
}
count=$(jq length "$here/gating.json")
for ((i = 0; i < count; i++)); do
  gate=$(jq -c ".[$i]" "$here/gating.json")
  pre=$(usage_key "$(jq -r .prerequisite <<<"$gate")")
  gated=$(usage_key "$(jq -r .gated <<<"$gate")")
  post "$pre" '{"isPrereq": true}'
  post "$gated" "$(jq -c --arg pre "$pre" '{prereqUsageKey: $pre, prereqMinScore: .min_score, prereqMinCompletion: .min_completion}' <<<"$gate")"
done
"#;

/// The rule that gates a module in Open edX, and the one prerequisite it gates it on.
struct Gate<'p> {
    rule: &'p str,
    prerequisite: &'p str,
}

/// The one prerequisite Open edX gates each module on, for the unlock rules it can
/// express (all-of, the first rule of a module): the requirement last in delivery order,
/// the one most likely to need the others itself.
fn gates_of<'p>(plan: &'p Plan<'_>) -> std::collections::BTreeMap<&'p str, Gate<'p>> {
    let position = |k: &str| plan.order.iter().position(|m| m.key == k).unwrap_or(0);
    let mut gate = std::collections::BTreeMap::new();
    for rule in plan.rules() {
        if let RuleBody::Unlock {
            module,
            requires,
            group,
            ..
        } = &rule.body
        {
            if *group == Group::AllOf || requires.len() == 1 {
                let last = requires
                    .iter()
                    .max_by_key(|r| position(r))
                    .expect("unlock rules name requirements");
                gate.entry(module.as_str()).or_insert(Gate {
                    rule: rule.id.as_str(),
                    prerequisite: last.as_str(),
                });
            }
        }
    }
    gate
}

/// The modules a learner must have completed to reach `module` through the gates: its
/// gate's prerequisite, that one's, and so on (a cycle ends the walk).
fn chain<'p>(
    gate: &std::collections::BTreeMap<&'p str, Gate<'p>>,
    module: &'p str,
) -> Vec<&'p str> {
    let mut before = Vec::new();
    let mut at = module;
    while let Some(next) = gate.get(at).map(|g| g.prerequisite) {
        if next == module || before.contains(&next) {
            break;
        }
        before.push(next);
        at = next;
    }
    before
}
