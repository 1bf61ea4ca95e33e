//! Open edX: an OLX course (a chapter per track, a subsection per module holding one HTML
//! unit) plus a Studio script for subsection prerequisites, which OLX import drops.
//!
//! Open edX gates a subsection on *one* prerequisite subsection with a minimum score and
//! completion; usage keys follow from the OLX names, so no id mapping is needed. A module
//! with several requirements is gated on the last of them in delivery order, which the
//! coverage report calls partial.

use rules::{Group, RuleBody};
use serde_json::{json, Value};

use crate::xml::Xml;
use crate::{cover, html_page, json_bytes, Files, Plan, RuleCoverage, Status};

pub(crate) const ORG: &str = "Pathforge";
pub(crate) const RUN: &str = "export";

pub(crate) fn compile(plan: &Plan<'_>) -> (Files, Vec<RuleCoverage>) {
    let course = course_code(plan);
    let key = |ident: &str| format!("block-v1:{ORG}+{course}+{RUN}+type@sequential+block@{ident}");
    let position = |k: &str| plan.order.iter().position(|m| m.key == k).unwrap_or(0);
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
                } else {
                    let last = requires
                        .iter()
                        .max_by_key(|r| position(r))
                        .expect("unlock rules name requirements");
                    gates.push(json!({
                        "gated": key(plan.ident(module)),
                        "prerequisite": key(plan.ident(last)),
                        "min_score": min_score.unwrap_or(0.0),
                        "min_completion": 100,
                    }));
                    let how = format!(
                        "“{}” is gated on “{}” (min score {}%, completion 100%)",
                        plan.module(module).title,
                        plan.module(last).title,
                        min_score.unwrap_or(0.0)
                    );
                    if requires.len() > 1 {
                        cover(rule, Status::Partial, format!("{how}; Open edX allows one prerequisite, so the other {} are not enforced", requires.len() - 1))
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
                html_page(&m.title, &m.body),
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
# them). Import course/ first (tar it: tar czf course.tar.gz course), enable
# "Enable Subsection Prerequisites" in Advanced Settings, then run:
#   STUDIO_URL=https://studio.example.org STUDIO_TOKEN=... ./studio-gating.sh
# DRY_RUN=1 prints the requests instead. Needs: curl, jq.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${STUDIO_URL:?set STUDIO_URL}"
post() {
  if [[ -n "${DRY_RUN:-}" ]]; then echo "POST $STUDIO_URL/xblock/$1 $2"; return; fi
  : "${STUDIO_TOKEN:?set STUDIO_TOKEN}"
  curl -fsS -X POST "$STUDIO_URL/xblock/$1" -H "Authorization: Bearer $STUDIO_TOKEN" \
    -H 'Content-Type: application/json' --data "$2" >/dev/null
}
count=$(jq length "$here/gating.json")
for ((i = 0; i < count; i++)); do
  gate=$(jq -c ".[$i]" "$here/gating.json")
  pre=$(jq -r .prerequisite <<<"$gate")
  post "$pre" '{"isPrereq": true}'
  post "$(jq -r .gated <<<"$gate")" "$(jq -c '{prereqUsageKey: .prerequisite, prereqMinScore: .min_score, prereqMinCompletion: .min_completion}' <<<"$gate")"
done
"#;
