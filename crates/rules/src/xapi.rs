//! xAPI statements, as LMSs export them, read as learner events: the common verbs
//! (launched/initialized, completed, passed, failed, scored) mapped, timestamps turned into
//! days since the first statement.

use serde_json::Value;

use crate::{Event, EventKind};

/// Reads an event log: one JSON object per line, each an xAPI statement (it has a `verb`)
/// or a native [`Event`]; blank lines are skipped. The events come back in day order.
/// Fails with the line (or statement) and the reason.
pub fn read_event_log(text: &str) -> Result<Vec<Event>, String> {
    let mut values = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: not JSON: {e}", n + 1))?;
        values.push((n + 1, value));
    }
    let (xapi, native): (Vec<_>, Vec<_>) = values
        .into_iter()
        .partition(|(_, v)| v.get("verb").is_some());
    let mut stream = events_from_xapi(&xapi.into_iter().map(|(_, v)| v).collect::<Vec<_>>())?;
    for (line, v) in native {
        stream.push(
            serde_json::from_value(v)
                .map_err(|e| format!("line {line}: not a learner event: {e}"))?,
        );
    }
    stream.sort_by_key(|e| e.day);
    Ok(stream)
}

/// Converts statements (in stream order) into events; statements with other verbs are
/// skipped. Fails with the statement's position (from 1) and the reason.
pub fn events_from_xapi(statements: &[Value]) -> Result<Vec<Event>, String> {
    let mut first: Option<jiff::Timestamp> = None;
    let mut out = Vec::new();
    for (n, s) in statements.iter().enumerate() {
        let at = |what: &str| format!("statement {}: {what}", n + 1);
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
        let score = &s["result"]["score"];
        let percent = score["scaled"]
            .as_f64()
            .map(|x| x * 100.0)
            .or_else(|| {
                let (raw, max) = (score["raw"].as_f64()?, score["max"].as_f64()?);
                (max > 0.0).then(|| raw / max * 100.0)
            })
            .map(|p| (p * 100.0).round() / 100.0);
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
