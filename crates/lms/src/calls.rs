//! The calls that would apply an export to a live Moodle or Canvas, listed one by one for
//! `pathforge sync --target moodle|canvas --dry-run`. They are read from the export's own
//! call plans (Moodle's `webservice-calls.json` and `availability.json`, Canvas's
//! `canvas-modules.json`), so the listing is exactly what the shipped scripts send. Nothing
//! here sends anything: no live Moodle or Canvas was reachable to test against.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::{Export, Target};

/// One HTTP call (or, where the LMS has no web service, the server-side step instead).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Call {
    /// `POST`, `PUT`, or `php` for a step run on the Moodle server.
    pub method: String,
    /// The path on the LMS (`/webservice/rest/server.php`, `/api/v1/courses/…`).
    pub path: String,
    /// The body as sent: form-encoded for Moodle, JSON for Canvas.
    pub body: String,
    /// What the call does, for people.
    pub about: String,
}

/// The calls `export` (a Moodle or Canvas export) would make, in order; `{{name}}` marks
/// a value the LMS gives (a course module id nobody mapped, an id an earlier call returns).
pub fn calls(export: &Export) -> Vec<Call> {
    let json = |name: &str| -> Vec<Value> {
        export
            .files
            .get(name)
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    match export.target {
        Target::Moodle => {
            for call in json("webservice-calls.json") {
                let function = call["wsfunction"].as_str().unwrap_or_default().to_owned();
                let mut form = vec![
                    "wstoken={{MOODLE_TOKEN}}".to_owned(),
                    "moodlewsrestformat=json".to_owned(),
                    format!("wsfunction={function}"),
                ];
                flatten(&call["params"], String::new(), &mut form);
                let about = match call["save_as"].as_str() {
                    Some(saved) => format!("{function} (its id is {{{{{saved}}}}})"),
                    None => function,
                };
                out.push(Call {
                    method: "POST".to_owned(),
                    path: "/webservice/rest/server.php".to_owned(),
                    body: form.join("&"),
                    about,
                });
            }
            for activity in json("availability.json") {
                out.push(Call {
                    method: "php".to_owned(),
                    path: "availability.php".to_owned(),
                    body: serde_json::json!({ "cm": activity["cm"], "availability": activity["availability"] }).to_string(),
                    about: format!(
                        "restrict access to “{}”: Moodle has no web service that sets availability, so availability.php applies it on the server",
                        activity["title"].as_str().unwrap_or_default()
                    ),
                });
            }
        }
        Target::Canvas => {
            for module in json("canvas-modules.json") {
                let path = module["request"]["path"].as_str().unwrap_or_default();
                let title = module["body"]["module"]["name"]
                    .as_str()
                    .unwrap_or_default();
                out.push(Call {
                    method: module["request"]["method"]
                        .as_str()
                        .unwrap_or("PUT")
                        .to_owned(),
                    path: path.to_owned(),
                    body: module["body"].to_string(),
                    about: format!("module “{title}”: position and prerequisites"),
                });
                if !module["item_completion_requirement"].is_null() {
                    out.push(Call {
                        method: "PUT".to_owned(),
                        path: format!("{path}/items/{{{{item of {title}}}}}"),
                        body: module["item_completion_requirement"].to_string(),
                        about: format!("module “{title}”: what completes its item"),
                    });
                }
            }
        }
        _ => {}
    }
    out
}

/// Moodle's form encoding of nested parameters (`a[b][0]=v`), as webservice-calls.sh
/// writes it; values percent-encoded.
fn flatten(value: &Value, key: String, out: &mut Vec<String>) {
    let child = |k: &str| match key.is_empty() {
        true => k.to_owned(),
        false => format!("{key}[{k}]"),
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(v, child(k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(v, child(&i.to_string()), out);
            }
        }
        Value::Null => {}
        Value::String(s) => out.push(format!("{key}={}", encode(s))),
        other => out.push(format!("{key}={other}")),
    }
}

fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while !rest.is_empty() {
        // `{{name}}` placeholders stay as they are: the script fills them before encoding.
        if let Some(end) = rest.strip_prefix("{{").and_then(|r| r.find("}}")) {
            out.push_str(&rest[..end + 4]);
            rest = &rest[end + 4..];
            continue;
        }
        let c = rest.chars().next().expect("not empty");
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    out.push(char::from(b))
                }
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}
