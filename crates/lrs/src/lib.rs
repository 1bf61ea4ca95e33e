//! Talks xAPI to a learning record store (LRS), so that what Pathforge ships reaches the
//! place where learners' data lives: [`Lrs::sync`] pushes statements once each (it asks
//! the LRS which of their deterministic ids it already has and posts only the others), and
//! [`Lrs::statements`] reads learners' statements back for calibration.
//!
//! Blocking, one request at a time, with timeouts and retries with back-off on what can
//! pass (no connection, 429, 502–504). Credentials come from the caller (a file outside
//! any project); they are sent as HTTP Basic authentication and never printed.

pub mod statements;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use statements::Outgoing;

/// The xAPI version every request speaks.
pub const XAPI_VERSION: &str = "1.0.3";
/// Statements per POST.
const BATCH: usize = 50;
/// Statements per page when reading back.
const PAGE: usize = 500;

/// Why talking to the LRS failed. A sync writes nothing to a project, bundle or export,
/// so every failure leaves them as they were (the window logs what the LRS recorded,
/// [`Error::recorded`]); what the LRS had already recorded stays there and a later sync
/// skips it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{url}: not an LRS address: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("the LRS at {url} could not be reached ({attempts} attempts): {reason}")]
    Unreachable {
        url: String,
        attempts: u32,
        reason: String,
    },
    #[error("the LRS at {url} refused {what}: HTTP {status}{}{}", detail_of(.detail), recorded_of(*.recorded))]
    Refused {
        url: String,
        what: String,
        status: u16,
        detail: String,
        /// Statements it had recorded before, this sync.
        recorded: usize,
    },
    #[error("the LRS at {url} answered {what} with something that is not xAPI: {detail}{}", recorded_of(*.recorded))]
    Garbage {
        url: String,
        what: String,
        detail: String,
        recorded: usize,
    },
    #[error("{0}")]
    Statements(String),
    #[error("{}: {reason}", path.display())]
    Credentials {
        path: std::path::PathBuf,
        reason: String,
    },
    #[error("stopped: {recorded} statements had been recorded by the LRS (a later sync skips them); nothing else was sent")]
    Cancelled { recorded: usize },
}

fn detail_of(detail: &str) -> String {
    match detail.trim() {
        "" => String::new(),
        d => format!(" — {}", d.chars().take(300).collect::<String>()),
    }
}

fn recorded_of(recorded: usize) -> String {
    match recorded {
        0 => "; nothing was recorded by this sync".to_owned(),
        n => format!("; {n} statements had been recorded before it (a later sync skips them)"),
    }
}

impl Error {
    pub fn kind(&self) -> model::ErrorKind {
        match self {
            Error::BadUrl { .. } | Error::Statements(_) | Error::Credentials { .. } => {
                model::ErrorKind::BadInput
            }
            Error::Unreachable { .. } | Error::Refused { .. } | Error::Garbage { .. } => {
                model::ErrorKind::Remote
            }
            Error::Cancelled { .. } => model::ErrorKind::Cancelled,
        }
    }

    /// Statements the LRS had recorded, this sync, before it stopped (0 where that is not
    /// known: it could not be reached, or nothing was posted).
    pub fn recorded(&self) -> usize {
        match self {
            Error::Refused { recorded, .. }
            | Error::Garbage { recorded, .. }
            | Error::Cancelled { recorded } => *recorded,
            _ => 0,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A user name and password for HTTP Basic authentication (an LRS's key and secret).
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, ***)", self.username)
    }
}

/// The credentials file's name in the config folder, where it is looked for when none is
/// named.
pub const CREDENTIALS_FILE: &str = "lrs-credentials";

/// The credentials for `endpoint` in the credentials file `path` (see
/// [`credentials_for`]); errors name the file.
pub fn read_credentials(path: &std::path::Path, endpoint: &str) -> Result<Option<Credentials>> {
    let bad = |reason: String| Error::Credentials {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    credentials_for(&text, endpoint).map_err(bad)
}

/// The credentials for `endpoint` in a credentials file's `text`: lines of `USER:PASSWORD`
/// (for any LRS) or `URL USER:PASSWORD` (for endpoints starting with URL; the longest
/// match wins); `#` starts a comment. `None` when no line applies.
pub fn credentials_for(text: &str, endpoint: &str) -> Result<Option<Credentials>, String> {
    let mut best: Option<(usize, Credentials)> = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (prefix, pair) = match line.split_once(char::is_whitespace) {
            Some((url, pair)) if url.contains("://") => (url, pair.trim()),
            _ => ("", line),
        };
        let (username, password) = pair
            .split_once(':')
            .ok_or_else(|| format!("line {}: expected USER:PASSWORD", n + 1))?;
        if !endpoint.starts_with(prefix) {
            continue;
        }
        if best.as_ref().is_none_or(|(len, _)| prefix.len() >= *len) {
            let found = Credentials {
                username: username.to_owned(),
                password: password.to_owned(),
            };
            best = Some((prefix.len(), found));
        }
    }
    Ok(best.map(|(_, c)| c))
}

/// What a sync did, or would do with `dry_run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncReport {
    /// The LRS's statements endpoint (without credentials).
    pub lrs: String,
    pub dry_run: bool,
    /// Statements the source produces.
    pub total: usize,
    /// Of those, the ones the LRS already had (posted by an earlier sync).
    pub already: usize,
    /// The ones posted (or, in a dry run, that would be), in order.
    pub sent: Vec<SentStatement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SentStatement {
    pub id: String,
    pub about: String,
}

/// How patient to be with an LRS.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    /// Per request, connection included.
    pub timeout: Duration,
    /// Retries after the first attempt, on what can pass.
    pub retries: u32,
    /// The first wait; each retry waits twice the one before.
    pub backoff: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Patience {
            timeout: Duration::from_secs(30),
            retries: 3,
            backoff: Duration::from_millis(500),
        }
    }
}

/// One LRS, by its xAPI endpoint (`https://lrs.example.com/xAPI/`).
#[derive(Debug)]
pub struct Lrs {
    endpoint: String,
    authorization: Option<String>,
    agent: ureq::Agent,
    patience: Patience,
}

/// A response: status and body, read whole.
struct Answer {
    status: u16,
    body: String,
}

impl Lrs {
    /// An LRS at `endpoint` (http or https, credentials not in the URL).
    pub fn new(
        endpoint: &str,
        credentials: Option<Credentials>,
        patience: Patience,
    ) -> Result<Lrs> {
        // The address as it may be shown: never with what stands before an `@`.
        let shown = match endpoint.split_once('@') {
            Some((before, after)) => match before.split_once("://") {
                Some((scheme, _)) => format!("{scheme}://…@{after}"),
                None => format!("…@{after}"),
            },
            None => endpoint.to_owned(),
        };
        let bad = |reason: &str| Error::BadUrl {
            url: shown.clone(),
            reason: reason.to_owned(),
        };
        let rest = endpoint
            .strip_prefix("https://")
            .or_else(|| endpoint.strip_prefix("http://"))
            .ok_or_else(|| bad("it must start with http:// or https://"))?;
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.contains('@') {
            return Err(bad("it holds credentials; put them in a credentials file (--credentials), so they never reach a log or a shell history"));
        }
        if authority.is_empty() {
            return Err(bad("it names no host"));
        }
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::NativeTls)
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(patience.timeout))
            .http_status_as_error(false)
            .tls_config(tls)
            .user_agent(concat!("pathforge/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let authorization = credentials.map(|c| {
            let pair = format!("{}:{}", c.username, c.password);
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        });
        Ok(Lrs {
            endpoint: format!("{}/", endpoint.trim_end_matches('/')),
            authorization,
            agent,
            patience,
        })
    }

    /// The xAPI endpoint, as given and normalised (never with credentials).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The statements resource.
    pub fn statements_url(&self) -> String {
        format!("{}statements", self.endpoint)
    }

    /// scheme://host[:port], for the `more` links an LRS gives as absolute paths.
    fn origin(&self) -> &str {
        let after_scheme = self.endpoint.find("://").map_or(0, |i| i + 3);
        let end = self.endpoint[after_scheme..]
            .find('/')
            .map_or(self.endpoint.len(), |i| after_scheme + i);
        &self.endpoint[..end]
    }

    /// One request, retried with back-off while the LRS cannot be reached or says to try
    /// again later (429, 502, 503, 504).
    fn request(&self, method: &str, url: &str, body: Option<&[u8]>) -> Result<Answer> {
        let mut wait = self.patience.backoff;
        let attempts = self.patience.retries + 1;
        let mut last = String::new();
        for attempt in 1..=attempts {
            if attempt > 1 {
                std::thread::sleep(wait);
                wait *= 2;
            }
            let sent = match (method, body) {
                ("POST", Some(body)) => self
                    .with_headers(self.agent.post(url))
                    .content_type("application/json")
                    .send(body),
                ("PUT", Some(body)) => self
                    .with_headers(self.agent.put(url))
                    .content_type("application/json")
                    .send(body),
                _ => self.with_headers(self.agent.get(url)).call(),
            };
            match sent {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let body = response
                        .body_mut()
                        .with_config()
                        .limit(256 * 1024 * 1024)
                        .read_to_string()
                        .unwrap_or_default();
                    if matches!(status, 429 | 502 | 503 | 504) && attempt < attempts {
                        last = format!("HTTP {status}");
                        continue;
                    }
                    return Ok(Answer { status, body });
                }
                // What another try can mend: no connection yet, a timeout, a dropped
                // stream. A certificate or an address that is wrong stays wrong.
                Err(
                    e @ (ureq::Error::Io(_)
                    | ureq::Error::Timeout(_)
                    | ureq::Error::ConnectionFailed
                    | ureq::Error::HostNotFound
                    | ureq::Error::BodyStalled),
                ) => last = e.to_string(),
                Err(e) => {
                    return Err(Error::Unreachable {
                        url: url.split('?').next().unwrap_or(url).to_owned(),
                        attempts: attempt,
                        reason: e.to_string(),
                    })
                }
            }
        }
        Err(Error::Unreachable {
            url: url.split('?').next().unwrap_or(url).to_owned(),
            attempts,
            reason: last,
        })
    }

    /// The xAPI version header, JSON accepted, and the credentials if there are any.
    fn with_headers<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        let request = request
            .header("X-Experience-API-Version", XAPI_VERSION)
            .header("Accept", "application/json");
        match &self.authorization {
            Some(a) => request.header("Authorization", a),
            None => request,
        }
    }

    /// Every statement matching `query` (URL query parameters, already encoded), page by
    /// page along the LRS's `more` links; `seen` is told the count after each page.
    pub fn statements(&self, query: &str, seen: &dyn Fn(usize)) -> Result<Vec<Value>> {
        let mut url = match query {
            "" => format!("{}?limit={PAGE}", self.statements_url()),
            q => format!("{}?{q}&limit={PAGE}", self.statements_url()),
        };
        let mut out = Vec::new();
        let mut pages = 0;
        loop {
            let what = format!("a query for statements ({url})");
            let answer = self.request("GET", &url, None)?;
            if answer.status != 200 {
                return Err(self.refused(&what, &answer, 0));
            }
            let page: Value = serde_json::from_str(&answer.body)
                .map_err(|e| self.garbage(&what, format!("not JSON: {e}"), 0))?;
            let statements = page["statements"]
                .as_array()
                .ok_or_else(|| self.garbage(&what, "no \"statements\" array".to_owned(), 0))?;
            out.extend(statements.iter().cloned());
            seen(out.len());
            pages += 1;
            match page.get("more").and_then(Value::as_str) {
                Some(more) if !more.is_empty() && !statements.is_empty() && pages < 100_000 => {
                    url = match more.starts_with('/') {
                        true => format!("{}{more}", self.origin()),
                        false => more.to_owned(),
                    };
                }
                _ => return Ok(out),
            }
        }
    }

    /// Every statement the LRS stored after `since` (an ISO 8601 time), else all of them.
    pub fn statements_since(
        &self,
        since: Option<&str>,
        seen: &dyn Fn(usize),
    ) -> Result<Vec<Value>> {
        match since {
            Some(t) => self.statements(&format!("since={}", encode(t)), seen),
            None => self.statements("", seen),
        }
    }

    /// The ids among `outgoing` that the LRS already has: one query per distinct actor
    /// (xAPI's `agent` filter), so a sync costs a few requests, not one per statement.
    fn known_ids(&self, outgoing: &[Outgoing], cancel: &AtomicBool) -> Result<HashSet<String>> {
        let mut agents: Vec<Value> = outgoing
            .iter()
            .filter_map(|o| statements::agent_key(&o.statement))
            .collect();
        agents.sort_by_key(|a| a.to_string());
        agents.dedup();
        let mut known = HashSet::new();
        for agent in agents {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled { recorded: 0 });
            }
            let query = format!("agent={}", encode(&agent.to_string()));
            for s in self.statements(&query, &|_| {})? {
                if let Some(id) = s["id"].as_str() {
                    known.insert(id.to_lowercase());
                }
            }
        }
        Ok(known)
    }

    /// Pushes `outgoing` (deterministic ids): asks which the LRS has, then posts the rest
    /// in batches; with `dry_run`, only asks. `progress` is told (done, to send) after each
    /// batch; `cancel` stops between batches.
    pub fn sync(
        &self,
        outgoing: &[Outgoing],
        dry_run: bool,
        progress: &dyn Fn(usize, usize),
        cancel: &AtomicBool,
    ) -> Result<SyncReport> {
        let mut ids = HashSet::new();
        if let Some(twice) = outgoing.iter().find(|o| !ids.insert(o.id.as_str())) {
            return Err(Error::Statements(format!(
                "{} has the id {} of another statement of the same source; an LRS keeps only one",
                twice.about, twice.id
            )));
        }
        let known = self.known_ids(outgoing, cancel)?;
        let to_send: Vec<&Outgoing> = outgoing.iter().filter(|o| !known.contains(&o.id)).collect();
        let report = |sent: &[&Outgoing]| SyncReport {
            lrs: self.statements_url(),
            dry_run,
            total: outgoing.len(),
            already: outgoing.len() - to_send.len(),
            sent: sent
                .iter()
                .map(|o| SentStatement {
                    id: o.id.clone(),
                    about: o.about.clone(),
                })
                .collect(),
        };
        if dry_run {
            return Ok(report(&to_send));
        }
        let mut recorded = 0;
        progress(0, to_send.len());
        for batch in to_send.chunks(BATCH) {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled { recorded });
            }
            self.post(batch, recorded)?;
            recorded += batch.len();
            progress(recorded, to_send.len());
        }
        Ok(report(&to_send))
    }

    /// Posts one batch. When the LRS refuses it, each statement is put on its own, so
    /// that the error names the one it refuses (those before it are then recorded).
    fn post(&self, batch: &[&Outgoing], recorded: usize) -> Result<()> {
        let body: Vec<&Value> = batch.iter().map(|o| &o.statement).collect();
        let body = serde_json::to_vec(&body).expect("JSON values serialise");
        let what = match batch {
            [one] => one.about.clone(),
            _ => format!("{} statements", batch.len()),
        };
        let answer = self.request("POST", &self.statements_url(), Some(&body))?;
        match answer.status {
            200 => {
                let ids: Vec<String> = serde_json::from_str(&answer.body).map_err(|e| {
                    self.garbage(
                        &format!("the post of {what}"),
                        format!("not a list of statement ids: {e}"),
                        recorded,
                    )
                })?;
                if ids.len() != batch.len() {
                    return Err(self.garbage(
                        &format!("the post of {what}"),
                        format!("{} ids for {} statements", ids.len(), batch.len()),
                        recorded,
                    ));
                }
                Ok(())
            }
            400..=499 if batch.len() > 1 && answer.status != 401 && answer.status != 403 => {
                for (recorded, one) in (recorded..).zip(batch) {
                    self.put(one, recorded)?;
                }
                Ok(())
            }
            _ => Err(self.refused(&what, &answer, recorded)),
        }
    }

    /// Puts one statement by its id. An LRS that already has it (a conflict) is fine:
    /// the id is its content.
    fn put(&self, one: &Outgoing, recorded: usize) -> Result<()> {
        let url = format!("{}?statementId={}", self.statements_url(), encode(&one.id));
        let body = serde_json::to_vec(&one.statement).expect("JSON values serialise");
        let answer = self.request("PUT", &url, Some(&body))?;
        match answer.status {
            200 | 204 | 409 => Ok(()),
            _ => Err(self.refused(
                &format!("{} (statement {})", one.about, one.id),
                &answer,
                recorded,
            )),
        }
    }

    fn refused(&self, what: &str, answer: &Answer, recorded: usize) -> Error {
        let detail = serde_json::from_str::<Value>(&answer.body)
            .ok()
            .and_then(|v| match &v["detail"] {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            })
            .unwrap_or_else(|| answer.body.clone());
        let detail = match answer.status {
            401 | 403 => format!("{detail} (check the credentials file for this LRS)"),
            _ => detail,
        };
        Error::Refused {
            url: self.statements_url(),
            what: what.to_owned(),
            status: answer.status,
            detail,
            recorded,
        }
    }

    fn garbage(&self, what: &str, detail: String, recorded: usize) -> Error {
        Error::Garbage {
            url: self.statements_url(),
            what: what.to_owned(),
            detail,
            recorded,
        }
    }
}

/// Percent-encodes a query parameter's value.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests;
