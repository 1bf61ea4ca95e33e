//! The statements a sync pushes: a signed bundle's curriculum as "published" statements
//! (one per course, module, track and rule), or the statements an xAPI export wrote. Every
//! statement's id is derived from what it says, so the same content always has the same
//! id: a second sync finds it in the LRS and posts nothing twice, and a new bundle version
//! posts only what changed.

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// Pathforge's own IRIs, for what no ADL vocabulary names (`.invalid` never resolves).
pub const HOME: &str = "https://pathforge.invalid";

fn extension(name: &str) -> String {
    format!("{HOME}/xapi/extensions/{name}")
}

/// The verb of curriculum statements: the bundle's signer published this activity as
/// its definition says.
pub fn published() -> Value {
    json!({ "id": format!("{HOME}/xapi/verbs/published"), "display": { "en-US": "published" } })
}

/// The id a statement gets from its content: a name-based UUID over its verb, object,
/// result and context (not its actor, time or id), so the same thing said again is the
/// same statement. serde_json's maps are ordered by key, which makes the bytes canonical.
pub fn content_id(statement: &Value) -> String {
    let content = json!({
        "verb": statement["verb"],
        "object": statement["object"],
        "result": statement["result"],
        "context": statement["context"],
    });
    let bytes = serde_json::to_vec(&content).expect("JSON values serialise");
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, &bytes).to_string()
}

/// One statement to push, with what to call it in messages and listings.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub id: String,
    /// What it is about, for people: "module “Intro” (modules/intro.md)", "statement 12".
    pub about: String,
    pub statement: Value,
}

/// The curriculum statements of a bundle's `files` (as [`bundle::read`] gives them; the
/// caller verifies the signature first). Sorted by id.
pub fn of_bundle(files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<Outgoing>, String> {
    let file = |name: &str| {
        files
            .get(name)
            .ok_or_else(|| format!("the bundle has no {name}"))
    };
    let manifest: bundle::Manifest = serde_json::from_slice(file("manifest.json")?)
        .map_err(|e| format!("manifest.json: {e}"))?;
    let graph: curriculum::GraphDoc =
        serde_json::from_slice(file("graph.json")?).map_err(|e| format!("graph.json: {e}"))?;
    let rules: rules::RuleSet =
        serde_json::from_slice(file("rules.json")?).map_err(|e| format!("rules.json: {e}"))?;
    let title = files
        .get("taxonomy.case.json")
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
        .and_then(|case| case["CFDocument"]["title"].as_str().map(str::to_owned))
        .unwrap_or_else(|| manifest.bundle_id.clone());
    let signer = bundle::signer_of(files).ok_or("the bundle has no readable signature")?;
    let signed_at = bundle::signed_at(files).unwrap_or(0);
    let course_id = manifest.course_id.as_deref().unwrap_or(&manifest.bundle_id);

    let keys: Vec<&str> = graph.modules.iter().map(|m| m.path.as_str()).collect();
    let activity_of = lms::module_activities(course_id, &keys);
    let course = lms::activity_uri(course_id, "course");
    let actor = json!({
        "objectType": "Agent",
        "name": manifest.author,
        "account": { "homePage": format!("{HOME}/signers"), "name": signer },
    });
    let timestamp = lms::xapi_timestamp(signed_at);
    let in_course =
        json!({ "contextActivities": { "parent": [{ "objectType": "Activity", "id": course }] } });
    let mut out = Vec::new();
    let mut push = |about: String, object: Value, context: Value| {
        let mut statement = json!({
            "actor": actor,
            "verb": published(),
            "object": object,
            "context": context,
            "timestamp": timestamp,
        });
        let id = content_id(&statement);
        statement["id"] = json!(id);
        out.push(Outgoing {
            id,
            about,
            statement,
        });
    };

    // The course: what the whole bundle is, so it changes with every version that does.
    push(
        format!("course “{title}”"),
        json!({
            "objectType": "Activity",
            "id": course,
            "definition": {
                "name": { "en-US": title },
                "type": "http://adlnet.gov/expapi/activities/course",
                "extensions": {
                    extension("modules"): graph.modules.len(),
                    extension("rules"): rules.rules.len(),
                },
            },
        }),
        json!({ "extensions": {
            extension("bundle"): { "id": manifest.bundle_id, "version": manifest.version, "source_hash": manifest.source_hash },
        } }),
    );

    let mut requires: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (before, after) in &graph.edges {
        requires
            .entry(after.as_str())
            .or_default()
            .push(activity_of[before.as_str()].as_str());
    }
    for m in &graph.modules {
        let mut extensions = serde_json::Map::new();
        extensions.insert(extension("path"), json!(m.path));
        extensions.insert(extension("duration-minutes"), json!(m.duration_minutes));
        extensions.insert(extension("skills"), json!(m.skills));
        if let Some(level) = m.level {
            extensions.insert(extension("level"), json!(level));
        }
        if let Some(before) = requires.get_mut(m.path.as_str()) {
            before.sort_unstable();
            let group = graph
                .requirements
                .get(&m.path)
                .copied()
                .unwrap_or(model::PrerequisiteGroup::AllOf);
            extensions.insert(
                extension("requires"),
                json!({ "group": group, "activities": before }),
            );
        }
        push(
            format!("module “{}” ({})", m.title, m.path),
            json!({
                "objectType": "Activity",
                "id": activity_of[m.path.as_str()],
                "definition": {
                    "name": { "en-US": m.title },
                    "type": "http://adlnet.gov/expapi/activities/module",
                    "extensions": extensions,
                },
            }),
            in_course.clone(),
        );
    }
    for t in &graph.tracks {
        push(
            format!("track “{}”", t.name),
            json!({
                "objectType": "Activity",
                "id": lms::activity_uri(course_id, &format!("track:{}", t.slug)),
                "definition": {
                    "name": { "en-US": t.name },
                    "type": format!("{HOME}/xapi/activities/track"),
                    "extensions": { extension("targets"): t.targets },
                },
            }),
            in_course.clone(),
        );
    }
    for r in &rules.rules {
        push(
            format!("rule {} ({})", r.id, r.body.kind()),
            json!({
                "objectType": "Activity",
                "id": lms::activity_uri(course_id, &format!("rule:{}", r.id)),
                "definition": {
                    "name": { "en-US": r.id },
                    "description": { "en-US": r.explanation },
                    "type": format!("{HOME}/xapi/activities/rule"),
                    "extensions": { extension("rule"): r },
                },
            }),
            in_course.clone(),
        );
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The statements of an xAPI file (`export --target xapi`'s statements.json, JSON lines
/// or an LRS's `{"statements": […]}`). A statement without an id gets its content id; one
/// whose id is not a UUID is refused, naming it, since no LRS would take it.
pub fn of_file(text: &str) -> Result<Vec<Outgoing>, String> {
    let mut out = Vec::new();
    for (label, mut statement) in rules::read_statements(text)? {
        if !statement.is_object() {
            return Err(format!("{label} is not a JSON object"));
        }
        let id = match statement.get("id") {
            None | Some(Value::Null) => content_id(&statement),
            Some(Value::String(id)) if uuid::Uuid::parse_str(id).is_ok() => id.to_lowercase(),
            Some(other) => return Err(format!("{label}: its id {other} is not a UUID")),
        };
        statement["id"] = json!(id);
        out.push(Outgoing {
            id,
            about: label,
            statement,
        });
    }
    Ok(out)
}

/// The statement's actor as an xAPI `agent` query parameter: its identifier only (an
/// LRS matches agents by it, not by name).
pub(crate) fn agent_key(statement: &Value) -> Option<Value> {
    let actor = statement.get("actor")?;
    ["account", "mbox", "mbox_sha1sum", "openid"]
        .into_iter()
        .find_map(|ifi| {
            actor
                .get(ifi)
                .map(|v| json!({ "objectType": "Agent", ifi: v }))
        })
}
