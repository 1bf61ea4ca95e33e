//! The semantic diff of two bundles: rules added, removed or changed (field by field),
//! prerequisite edges, modules, tracks and skills — each change explained in words.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use curriculum::{GraphDoc, GraphModule, GraphTrack};

use crate::{Error, Result};

/// One difference between two bundles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Change {
    /// rule, edge, module, track or skill.
    pub area: String,
    /// added, removed or changed.
    pub change: String,
    pub subject: String,
    /// What changed, in words.
    pub explanation: String,
}

fn json<T: for<'de> Deserialize<'de>>(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Result<T> {
    let bytes = files
        .get(name)
        .ok_or_else(|| Error::Unreadable(format!("no {name}")))?;
    serde_json::from_slice(bytes).map_err(|e| Error::Unreadable(format!("{name}: {e}")))
}

fn change(area: &str, kind: &str, subject: &str, explanation: String) -> Change {
    Change {
        area: area.to_owned(),
        change: kind.to_owned(),
        subject: subject.to_owned(),
        explanation,
    }
}

/// What changed from bundle `a` to bundle `b` (their files, as [`crate::read`] returns).
pub fn diff(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Result<Vec<Change>> {
    let mut out = Vec::new();
    if let (Some(sa), Some(sb)) = (crate::signer_of(a), crate::signer_of(b)) {
        if sa != sb {
            out.push(change(
                "bundle",
                "changed",
                "signer",
                format!("signed by key {sa}, now by key {sb}: a different person or machine signed the second"),
            ));
        }
    }
    let (ra, rb): (rules::RuleSet, rules::RuleSet) =
        (json(a, "rules.json")?, json(b, "rules.json")?);
    let by_id = |s: &rules::RuleSet| -> BTreeMap<String, Value> {
        s.rules
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    serde_json::to_value(r).expect("rules serialise"),
                )
            })
            .collect()
    };
    let (ma, mb) = (by_id(&ra), by_id(&rb));
    for (id, rule) in &mb {
        match ma.get(id) {
            None => out.push(change(
                "rule",
                "added",
                id,
                format!(
                    "new {} rule: {}",
                    rule["kind"].as_str().unwrap_or("?"),
                    rule["explanation"].as_str().unwrap_or("")
                ),
            )),
            Some(old) if old != rule => {
                let keys: BTreeSet<&String> = old
                    .as_object()
                    .into_iter()
                    .flat_map(|o| o.keys())
                    .chain(rule.as_object().into_iter().flat_map(|o| o.keys()))
                    .collect();
                let parts: Vec<String> = keys
                    .into_iter()
                    .filter(|k| old.get(*k) != rule.get(*k))
                    .map(|k| format!("{k}: {} → {}", show(old.get(k)), show(rule.get(k))))
                    .collect();
                out.push(change("rule", "changed", id, parts.join("; ")));
            }
            Some(_) => {}
        }
    }
    for (id, rule) in ma.iter().filter(|(id, _)| !mb.contains_key(*id)) {
        out.push(change(
            "rule",
            "removed",
            id,
            format!(
                "no longer applies: {}",
                rule["explanation"].as_str().unwrap_or("")
            ),
        ));
    }

    let (ga, gb): (GraphDoc, GraphDoc) = (json(a, "graph.json")?, json(b, "graph.json")?);
    let title = |path: &str| {
        gb.modules
            .iter()
            .chain(&ga.modules)
            .find(|m| m.path == path)
            .map(|m| m.title.clone())
            .unwrap_or_else(|| path.to_owned())
    };
    let ea: BTreeSet<&(String, String)> = ga.edges.iter().collect();
    let eb: BTreeSet<&(String, String)> = gb.edges.iter().collect();
    for e in eb.difference(&ea) {
        out.push(change(
            "edge",
            "added",
            &format!("{} → {}", e.0, e.1),
            format!("“{}” now requires “{}”", title(&e.1), title(&e.0)),
        ));
    }
    for e in ea.difference(&eb) {
        out.push(change(
            "edge",
            "removed",
            &format!("{} → {}", e.0, e.1),
            format!("“{}” no longer requires “{}”", title(&e.1), title(&e.0)),
        ));
    }
    let modules = |g: &GraphDoc| -> BTreeMap<String, GraphModule> {
        g.modules
            .iter()
            .map(|m| (m.path.clone(), m.clone()))
            .collect()
    };
    let (mods_a, mods_b) = (modules(&ga), modules(&gb));
    for (path, m) in &mods_b {
        match mods_a.get(path) {
            None => out.push(change(
                "module",
                "added",
                path,
                format!(
                    "“{}” ({} min) joins the curriculum",
                    m.title, m.duration_minutes
                ),
            )),
            Some(old) if old != m => {
                let mut parts = Vec::new();
                if old.title != m.title {
                    parts.push(format!("title “{}” → “{}”", old.title, m.title));
                }
                if old.duration_minutes != m.duration_minutes {
                    parts.push(format!(
                        "duration {} → {} min",
                        old.duration_minutes, m.duration_minutes
                    ));
                }
                if old.skills != m.skills {
                    parts.push(format!(
                        "skills [{}] → [{}]",
                        old.skills.join(", "),
                        m.skills.join(", ")
                    ));
                }
                out.push(change("module", "changed", path, parts.join("; ")));
            }
            Some(_) => {}
        }
    }
    for (path, m) in mods_a.iter().filter(|(p, _)| !mods_b.contains_key(*p)) {
        out.push(change(
            "module",
            "removed",
            path,
            format!("“{}” leaves the curriculum", m.title),
        ));
    }
    let tracks = |g: &GraphDoc| -> BTreeMap<String, GraphTrack> {
        g.tracks
            .iter()
            .map(|t| (t.slug.clone(), t.clone()))
            .collect()
    };
    let (ta, tb) = (tracks(&ga), tracks(&gb));
    for (slug, t) in &tb {
        match ta.get(slug) {
            None => out.push(change(
                "track",
                "added",
                slug,
                format!("new track “{}”", t.name),
            )),
            Some(old) if old != t => out.push(change(
                "track",
                "changed",
                slug,
                format!(
                    "targets {} → {}",
                    show(Some(
                        &serde_json::to_value(&old.targets).expect("serialises")
                    )),
                    show(Some(&serde_json::to_value(&t.targets).expect("serialises")))
                ),
            )),
            Some(_) => {}
        }
    }
    for slug in ta.keys().filter(|s| !tb.contains_key(*s)) {
        out.push(change(
            "track",
            "removed",
            slug,
            format!("track “{}” is gone", ta[slug].name),
        ));
    }

    let skills = |files: &BTreeMap<String, Vec<u8>>| -> Result<BTreeMap<String, String>> {
        let case: Value = json(files, "taxonomy.case.json")?;
        Ok(case["CFItems"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| {
                (
                    i["humanCodingScheme"].as_str().unwrap_or("").to_owned(),
                    i["fullStatement"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect())
    };
    let (sa, sb) = (skills(a)?, skills(b)?);
    for (slug, name) in &sb {
        match sa.get(slug) {
            None => out.push(change(
                "skill",
                "added",
                slug,
                format!("new skill “{name}”"),
            )),
            Some(old) if old != name => out.push(change(
                "skill",
                "changed",
                slug,
                format!("renamed “{old}” → “{name}”"),
            )),
            Some(_) => {}
        }
    }
    for (slug, name) in sa.iter().filter(|(s, _)| !sb.contains_key(*s)) {
        out.push(change(
            "skill",
            "removed",
            slug,
            format!("skill “{name}” is gone"),
        ));
    }
    Ok(out)
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "(none)".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
