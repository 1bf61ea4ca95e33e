//! xAPI statements, as LMSs export them, read as learner events: the common verbs
//! (launched/initialized, completed, passed, failed, scored) mapped, timestamps turned into
//! days since the first statement.

use serde_json::Value;

use crate::{Event, EventKind};

/// Reads an event log, in any shape Pathforge writes or an LRS returns: one JSON object
/// per line, a JSON array (`pathforge export --target xapi` writes `statements.json` so),
/// or an LRS's `{"statements": [...]}` answer. Each item is an xAPI statement (it has a
/// `verb`) or a native [`Event`]. The events come back in day order. Fails with the line
/// (or the statement's place in an array) and the reason; a score no learner can have
/// (scaled outside −1…1, raw outside min…max, a native score outside 0–100) is refused.
pub fn read_event_log(text: &str) -> Result<Vec<Event>, String> {
    let (xapi, native): (Vec<_>, Vec<_>) = read_statements(text)?
        .into_iter()
        .partition(|(_, v)| v.get("verb").is_some());
    let mut stream = events_from(&xapi)?;
    for (at, v) in native {
        let event: Event =
            serde_json::from_value(v).map_err(|e| format!("{at}: not a learner event: {e}"))?;
        if let EventKind::Scored { score, .. } = &event.kind {
            if !(0.0..=100.0).contains(score) {
                return Err(format!("{at}: score {score} is not a percentage (0–100)"));
            }
        }
        stream.push(event);
    }
    stream.sort_by_key(|e| e.day);
    Ok(stream)
}

/// The items of a statement log, each with where it is ("line 3", "statement 3"): JSON
/// lines, a JSON array, an LRS's `{"statements": [...]}` answer or one object.
pub fn read_statements(text: &str) -> Result<Vec<(String, Value)>, String> {
    let trimmed = text.trim_start();
    let numbered = |items: Vec<Value>| -> Vec<(String, Value)> {
        items
            .into_iter()
            .enumerate()
            .map(|(n, v)| (format!("statement {}", n + 1), v))
            .collect()
    };
    if trimmed.starts_with('[') {
        return match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => Ok(numbered(items)),
            Ok(_) => Err("not a JSON array of statements".to_owned()),
            Err(e) => Err(format!("not JSON: {e}")),
        };
    }
    // A whole document that is one object: an LRS's answer, or one statement pretty-printed.
    if let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(text) {
        match object.remove("statements") {
            Some(Value::Array(items)) => return Ok(numbered(items)),
            Some(_) => return Err("\"statements\" is not an array".to_owned()),
            // One object over several lines; on one line it is read as a line below.
            None if text.trim().lines().count() > 1 => {
                return Ok(vec![("statement 1".to_owned(), Value::Object(object))]);
            }
            None => {}
        }
    }
    let mut items = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: not JSON: {e}", n + 1))?;
        items.push((format!("line {}", n + 1), value));
    }
    Ok(items)
}

/// A statement's score as a percentage: `scaled` × 100, else `raw` of `max`; `None` when it
/// has no score. A score outside what xAPI allows (scaled −1…1, raw within min…max) is an
/// error: no learner scored it, and a rule would act on it.
pub fn score_percent(statement: &Value) -> Result<Option<f64>, String> {
    let score = &statement["result"]["score"];
    if let Some(scaled) = score["scaled"].as_f64() {
        if !(-1.0..=1.0).contains(&scaled) {
            return Err(format!("score scaled {scaled} is outside −1…1"));
        }
        return Ok(Some((scaled * 10_000.0).round() / 100.0));
    }
    let (Some(raw), Some(max)) = (score["raw"].as_f64(), score["max"].as_f64()) else {
        return Ok(None);
    };
    let min = score["min"].as_f64().unwrap_or(0.0);
    if max <= min || !(min..=max).contains(&raw) {
        return Err(format!("score raw {raw} is outside its range {min}…{max}"));
    }
    Ok(Some(((raw - min) / (max - min) * 10_000.0).round() / 100.0))
}

/// Converts statements (in stream order) into events; statements with other verbs are
/// skipped. Fails with the statement's position (from 1) and the reason.
pub fn events_from_xapi(statements: &[Value]) -> Result<Vec<Event>, String> {
    let numbered: Vec<(String, Value)> = statements
        .iter()
        .enumerate()
        .map(|(n, v)| (format!("statement {}", n + 1), v.clone()))
        .collect();
    events_from(&numbered)
}

/// [`events_from_xapi`] over statements that say where they are.
fn events_from(statements: &[(String, Value)]) -> Result<Vec<Event>, String> {
    let mut first: Option<jiff::Timestamp> = None;
    let mut out = Vec::new();
    for (place, s) in statements {
        let at = |what: &str| format!("{place}: {what}");
        let actor = &s["actor"];
        let learner = actor["account"]["name"]
            .as_str()
            .or_else(|| {
                actor["mbox"]
                    .as_str()
                    .map(|m| m.trim_start_matches("mailto:"))
            })
            .or_else(|| actor["name"].as_str())
            .ok_or_else(|| at("no actor account, mbox or name"))?
            .to_owned();
        let verb = s["verb"]["id"].as_str().ok_or_else(|| at("no verb id"))?;
        let verb = verb.rsplit('/').next().unwrap_or(verb);
        let module = s["object"]["id"]
            .as_str()
            .ok_or_else(|| at("no object id"))?
            .to_owned();
        let stamp: jiff::Timestamp = match s["timestamp"].as_str() {
            Some(t) => t
                .parse()
                .map_err(|e| at(&format!("timestamp {t:?}: {e}")))?,
            None => first.unwrap_or(jiff::Timestamp::UNIX_EPOCH),
        };
        let origin = *first.get_or_insert(stamp);
        let day = (stamp.as_second() - origin.as_second()).max(0) as u32 / 86_400;
        let percent = score_percent(s).map_err(|e| at(&e))?;
        let kind = match (verb, percent) {
            ("launched" | "initialized", _) => EventKind::Launched { module },
            ("passed" | "failed" | "scored" | "completed", Some(score)) => EventKind::Scored {
                module,
                score,
                categories: Default::default(),
            },
            ("passed" | "failed" | "completed", None) => EventKind::Completed { module },
            _ => continue,
        };
        out.push(Event { learner, day, kind });
    }
    Ok(out)
}
