//! Moodle: the skill framework as the competency framework import CSV, every rule Moodle
//! can enforce as a restrict-access ("availability") tree per activity, a reviewable
//! web-service call plan for the framework, and, for re-engagement rules, the settings of
//! the mod_reengagement plugin's activities that come closest (added by hand; see coverage).
//!
//! Availability trees reference course module ids (`cm`) from the admin's mapping; an
//! unmapped module is written as `"{{M-…}}"` and listed in the coverage report. Grade
//! conditions name the activity's grade item, which only Moodle knows: they are written
//! as `"grade-item-of:{cm}"` and resolved by `availability.php` when it applies them.

use std::collections::BTreeMap;

use rules::RuleBody;
use serde_json::{json, Value};

use crate::{cover, json_bytes, needed, shortfalls, Files, Plan, RuleCoverage, Status};

/// At most this many alternatives in one "n of m" tree.
const MAX_BRANCHES: usize = 20;

pub(crate) fn compile(plan: &Plan<'_>) -> (Files, Vec<RuleCoverage>) {
    // Conditions that must all hold for an activity to open, by module key.
    let mut conditions: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut coverage = Vec::new();
    let mut reengagement = Vec::new();
    let completion = |key: &str| json!({ "type": "completion", "cm": plan.lms_id(key), "e": 1 });
    let grade = |key: &str, min: Option<f64>, max: Option<f64>| {
        let mut c = json!({ "type": "grade", "id": format!("grade-item-of:{}", plan.lms_id(key).to_string().trim_matches('"')) });
        if let Some(min) = min {
            c["min"] = json!(min);
        }
        if let Some(max) = max {
            c["max"] = json!(max);
        }
        c
    };
    // A requirement holds when met, or when the placement grade skips it; the modules a
    // remediation assigns need only a grade on the assessment (a fail is why they open).
    let met = |module: &str, r: &str, min: Option<f64>| -> Value {
        let done = if plan.remedial(module, r) {
            grade(r, None, None)
        } else {
            match min {
                Some(min) => json!({ "op": "&", "c": [completion(r), grade(r, Some(min), None)] }),
                None => completion(r),
            }
        };
        let mut either = vec![done];
        for w in plan.waivers(r) {
            for range in &w.ranges {
                either.push(grade(w.assessment, Some(range.min), range.below));
            }
        }
        if either.len() == 1 {
            either.remove(0)
        } else {
            json!({ "op": "|", "c": either })
        }
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
                let tree = if need == requires.len() {
                    Some(requires.iter().map(|r| met(module, r, *min_score)).collect::<Vec<_>>())
                } else {
                    // Opens when some `need` of them are met: an "or" of "and"s.
                    shortfalls(requires.len(), requires.len() - need + 1, MAX_BRANCHES).map(
                        |sets| {
                            let branches: Vec<Value> = sets
                                .iter()
                                .map(|s| json!({ "op": "&", "c": s.iter().map(|&i| met(module, &requires[i], *min_score)).collect::<Vec<_>>() }))
                                .collect();
                            vec![json!({ "op": "|", "c": branches })]
                        },
                    )
                };
                match tree {
                    Some(c) => {
                        conditions.entry(module).or_default().extend(c);
                        let waivers = requires.iter().filter(|r| !plan.waivers(r).is_empty()).count();
                        let remedial = requires.iter().filter(|r| plan.remedial(module, r)).count();
                        let names: Vec<&str> =
                            requires.iter().map(|r| plan.module(r).title.as_str()).collect();
                        let what = match names.as_slice() {
                            [one] => format!("“{one}” completed"),
                            _ if need == names.len() => format!("all of “{}” completed", names.join("”, “")),
                            _ => format!("{need} of “{}” completed", names.join("”, “")),
                        };
                        let mut how = format!(
                            "restrict access on “{}”: {what}",
                            plan.module(module).title
                        );
                        if let Some(m) = min_score {
                            how += &format!(" with a grade of at least {m}%");
                        }
                        if waivers > 0 {
                            how += &format!("; {waivers} waived by the placement grade");
                        }
                        if remedial > 0 {
                            how += "; the assessment it remediates needs only a grade, not a pass";
                        }
                        cover(rule, Status::Expressed, how)
                    }
                    None => cover(
                        rule,
                        Status::NotExported,
                        format!("{need} of {} needs more than {MAX_BRANCHES} alternative branches in a restrict-access tree", requires.len()),
                    ),
                }
            }
            RuleBody::Placement {
                assessment,
                category,
                bands,
            } => {
                let skipped: usize = bands.iter().map(|b| b.skip.len()).sum();
                let mut how = format!(
                    "a grade condition on “{}” waives {} wherever required (“completed OR grade in the band”); start points are reached by what the bands skip",
                    plan.module(assessment).title,
                    crate::count(skipped, "skipped module")
                );
                let jumps = bands.iter().any(|b| crate::jumps(plan, assessment, b));
                if jumps {
                    how += "; a band whose start point its skips do not reach has no restriction to express it";
                }
                let status = match category.is_some() || jumps {
                    true => Status::Partial,
                    false => Status::Expressed,
                };
                cover(rule, status, crate::noting_categories(rule, "Moodle's grade condition", how))
            }
            RuleBody::Remediation {
                assessment,
                below,
                assign,
                retake_after_days,
                ..
            } => {
                for m in assign {
                    conditions
                        .entry(m.as_str())
                        .or_default()
                        .push(grade(assessment, None, Some(*below)));
                }
                cover(
                    rule,
                    Status::Partial,
                    crate::noting_categories(rule, "Moodle's grade condition", format!("{} only below {below}% on “{}” (grade condition, max is exclusive); the {retake_after_days}-day retake delay needs the quiz's own attempt settings (\"enforced delay\")", match assign.len() { 1 => "1 remediation activity opens".to_owned(), n => format!("{n} remediation activities open") }, plan.module(assessment).title)),
                )
            }
            RuleBody::Reengagement {
                idle_days,
                manager_after_days,
            } => {
                // mod_reengagement's own fields (db/install.xml, lib.php): emailuser 2 = "after
                // a delay", emailrecipient 0 = the learner, 1 = their manager (as the plugin
                // finds them); times in seconds. No address is invented: the plugin resolves
                // the manager itself.
                let instance = |who: &str, recipient: u32, days: u32| {
                    json!({
                        "name": format!("{} ({who})", rule.id),
                        "emailuser": 2,
                        "emailrecipient": recipient,
                        "emaildelay": u64::from(days) * 86_400,
                        "duration": u64::from(days) * 86_400,
                        "remindercount": 1,
                        "emailsubject": "We miss you",
                        "emailcontent": rule.explanation,
                        "emailsubjectmanager": "A learner has not been active",
                        "emailcontentmanager": rule.explanation,
                    })
                };
                reengagement.push(json!({
                    "rule": rule.id,
                    "plugin": "mod_reengagement",
                    "activities": [
                        instance("learner", 0, *idle_days),
                        instance("manager", 1, idle_days + manager_after_days),
                    ],
                }));
                cover(
                    rule,
                    Status::NotExported,
                    format!("not applied: core Moodle has no idle trigger. reengagement-plan.json holds the two activities of the mod_reengagement plugin (not part of core Moodle) that come closest — the learner emailed after {idle_days} days, their manager after {} — for an admin to add to the course by hand (no shipped script creates activities); the plugin counts the days from when a learner reaches the activity, not from their last activity", idle_days + manager_after_days),
                )
            }
            RuleBody::CertificationReadiness { .. } => cover(
                rule,
                Status::NotExported,
                "core Moodle does not schedule certifications (Moodle Workplace's certifications can): the rule stays in the bundle",
            ),
            RuleBody::Assignment { .. } => cover(
                rule,
                Status::NotExported,
                "Moodle assigns courses through cohorts or enrolment methods, which cannot match HR attributes: create a cohort per track",
            ),
            RuleBody::Recertification { .. } => cover(
                rule,
                Status::NotExported,
                "recertification needs Moodle Workplace certifications; core Moodle cannot re-enrol by certificate age",
            ),
        };
        coverage.push(entry);
    }

    let activities: Vec<Value> = plan
        .order
        .iter()
        .filter_map(|m| {
            let c = conditions.get(m.key.as_str())?;
            let showc = vec![true; c.len()];
            Some(json!({
                "module": m.key,
                "title": m.title,
                "cm": plan.lms_id(&m.key),
                "availability": { "op": "&", "c": c, "showc": showc },
            }))
        })
        .collect();
    let mut files = Files::new();
    files.insert(
        "competency-framework.csv".to_owned(),
        exchange::moodle_export(&plan.course.framework).into_bytes(),
    );
    files.insert("availability.json".to_owned(), json_bytes(&activities));
    files.insert(
        "availability.php".to_owned(),
        AVAILABILITY_PHP.as_bytes().to_vec(),
    );
    files.insert("webservice-calls.json".to_owned(), json_bytes(&calls(plan)));
    files.insert(
        "webservice-calls.sh".to_owned(),
        CALLS_SH.as_bytes().to_vec(),
    );
    if !reengagement.is_empty() {
        files.insert(
            "reengagement-plan.json".to_owned(),
            json_bytes(&reengagement),
        );
    }
    (files, coverage)
}

/// The web-service calls that build the competency framework and link it to the course,
/// in order. `{{name}}` values are filled from earlier calls' results (`"save_as"`).
fn calls(plan: &Plan<'_>) -> Vec<Value> {
    let fw = &plan.course.framework;
    let mut calls = vec![json!({
        "wsfunction": "core_competency_create_competency_framework",
        "params": { "competencyframework": {
            "shortname": fw.title, "idnumber": fw.identifier, "description": "",
            "scaleid": 2,
            "scaleconfiguration": r#"[{"scaleid":"2"},{"id":1,"scaledefault":0,"proficient":0},{"id":2,"scaledefault":1,"proficient":1}]"#,
            "contextid": 1, "visible": 1,
        }},
        "save_as": "framework",
    })];
    for s in &fw.skills {
        let parent = s
            .parent
            .as_ref()
            .map_or(json!(0), |p| json!(format!("{{{{competency:{p}}}}}")));
        calls.push(json!({
            "wsfunction": "core_competency_create_competency",
            "params": { "competency": {
                "shortname": s.name, "idnumber": s.slug, "description": s.description,
                "competencyframeworkid": "{{framework}}", "parentid": parent,
            }},
            "save_as": format!("competency:{}", s.slug),
        }));
    }
    let taught: std::collections::BTreeSet<&str> = plan
        .order
        .iter()
        .flat_map(|m| m.skills.iter().map(String::as_str))
        .collect();
    for slug in taught {
        calls.push(json!({
            "wsfunction": "core_competency_add_competency_to_course",
            "params": { "courseid": "{{courseid}}", "competencyid": format!("{{{{competency:{slug}}}}}") },
        }));
    }
    calls
}

const CALLS_SH: &str = r#"#!/usr/bin/env bash
# Runs webservice-calls.json against a Moodle site, in order, filling {{name}} values from
# earlier results. Review the JSON first; DRY_RUN=1 prints the requests instead.
# Usage: MOODLE_URL=https://lms.example.org MOODLE_TOKEN=... COURSE_ID=42 ./webservice-calls.sh
# Needs: bash 4 or later, curl, jq.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${MOODLE_URL:?set MOODLE_URL}" "${COURSE_ID:?set COURSE_ID}"
declare -A saved=([courseid]="$COURSE_ID")
count=$(jq length "$here/webservice-calls.json")
for ((i = 0; i < count; i++)); do
  call=$(jq -c ".[$i]" "$here/webservice-calls.json")
  for name in "${!saved[@]}"; do
    call=${call//"\"{{$name}}\""/${saved[$name]}}
  done
  if [[ "$call" == *'{{'* ]]; then
    echo "call $i still has an unfilled {{value}}: $call" >&2
    exit 1
  fi
  fn=$(jq -r .wsfunction <<<"$call")
  form=$(jq -r '.params | paths(scalars) as $p
    | ($p[0] + ($p[1:] | map("[\(.)]") | join(""))) + "=" + (getpath($p) | tostring | @uri)' <<<"$call" | paste -sd '&' -)
  if [[ -n "${DRY_RUN:-}" ]]; then
    echo "POST $MOODLE_URL/webservice/rest/server.php wsfunction=$fn&$form"
    result="{\"id\":$((1000 + i))}"  # stands in for the id Moodle would return
  else
    : "${MOODLE_TOKEN:?set MOODLE_TOKEN}"
    result=$(curl -fsS "$MOODLE_URL/webservice/rest/server.php" \
      --data "wstoken=$MOODLE_TOKEN&moodlewsrestformat=json&wsfunction=$fn&$form")
    if jq -e 'type == "object" and has("exception")' <<<"$result" >/dev/null; then
      echo "$fn failed: $result" >&2
      exit 1
    fi
  fi
  save=$(jq -r '.save_as // empty' <<<"$call")
  if [[ -n "$save" ]]; then saved[$save]=$(jq -r .id <<<"$result"); fi
done
"#;

const AVAILABILITY_PHP: &str = r#"<?php
// Applies availability.json (restrict access) to a Moodle course: Moodle has no web
// service for it. Review the JSON, then run from the Moodle folder:
//   php /path/to/availability.php /path/to/availability.json
// Every "cm" must be a course module id (map modules with `pathforge export --mapping`);
// "grade-item-of:CM" is replaced by that activity's grade item id.
define('CLI_SCRIPT', true);
require(getcwd() . '/config.php');
require_once($CFG->libdir . '/gradelib.php');

$activities = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
$resolve = function ($node) use (&$resolve) {
    if (is_array($node)) {
        foreach ($node as $k => $v) {
            $node[$k] = $resolve($v);
        }
        return $node;
    }
    if (is_string($node) && str_starts_with($node, 'grade-item-of:')) {
        $cm = get_coursemodule_from_id('', (int)substr($node, 14), 0, false, MUST_EXIST);
        $item = grade_item::fetch(['itemtype' => 'mod', 'itemmodule' => $cm->modname,
            'iteminstance' => $cm->instance, 'itemnumber' => 0]);
        if (!$item) {
            throw new moodle_exception('No grade item for course module ' . $cm->id);
        }
        return (int)$item->id;
    }
    return $node;
};
// Every course module id, at any depth, must be a real one: refuse before writing anything.
$check = function ($node, $where) use (&$check, $DB) {
    if (!is_array($node)) {
        return;
    }
    if (array_key_exists('cm', $node) && !(is_int($node['cm']) && $DB->record_exists('course_modules', ['id' => $node['cm']]))) {
        throw new moodle_exception("$where: " . json_encode($node['cm']) . ' is not a course module id of this site (map modules with `pathforge export --mapping`)');
    }
    foreach ($node as $v) {
        $check($v, $where);
    }
};
$trees = [];
foreach ($activities as $a) {
    $check($a, $a['module']);
    $tree = $resolve($a['availability']);
    new \core_availability\tree(json_decode(json_encode($tree))); // throws on a malformed tree
    $trees[] = [$a, $tree];
}
$courses = [];
$transaction = $DB->start_delegated_transaction();
foreach ($trees as [$a, $tree]) {
    $DB->set_field('course_modules', 'availability', json_encode($tree), ['id' => $a['cm']]);
    $courses[$DB->get_field('course_modules', 'course', ['id' => $a['cm']])] = true;
    echo "restricted {$a['title']} (cm {$a['cm']})\n";
}
$transaction->allow_commit();
foreach (array_keys($courses) as $courseid) {
    rebuild_course_cache($courseid, true);
}
"#;
