//! Hermetic tests: statement ids, bundles' statements, credentials files, and how the
//! client meets an LRS that fails (a socket scripted to answer badly — fault injection,
//! not a stand-in LRS: the real one, Ralph, is exercised by the CLI's tests).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::*;

fn graph(title_of_b: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "modules": [
            { "path": "a.md", "title": "Basics", "duration_minutes": 20, "skills": ["basics"] },
            { "path": "b.md", "title": title_of_b, "duration_minutes": 30, "skills": ["advanced"] },
            { "path": "c.md", "title": "Practice", "duration_minutes": 15, "skills": [] },
        ],
        "edges": [["a.md", "b.md"], ["b.md", "c.md"]],
        "tracks": [],
    }))
    .unwrap()
}

fn rules(threshold: u32) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "schema": "pathforge.rules/v1",
        "rules": [{ "id": "fix", "kind": "remediation", "explanation": "Low score: review", "assessment": "c.md", "below": threshold, "assign": ["a.md"], "retake_after_days": 2 }],
    }))
    .unwrap()
}

fn bundle_of(version: &str, title_of_b: &str, threshold: u32) -> BTreeMap<String, Vec<u8>> {
    let files = vec![
        ("graph.json".to_owned(), graph(title_of_b)),
        ("rules.json".to_owned(), rules(threshold)),
    ];
    let ids = bundle::Ids {
        bundle: "b-1".to_owned(),
        course: "course-1".to_owned(),
    };
    let key = bundle::SigningKey::from_bytes(&[7u8; 32]);
    let bytes = bundle::build(&ids, version, "ana", &files, &key, 1_700_000_000_000, None).unwrap();
    bundle::read(&bytes).unwrap()
}

fn abouts(statements: &[Outgoing]) -> Vec<String> {
    let mut out: Vec<String> = statements.iter().map(|o| o.about.clone()).collect();
    out.sort();
    out
}

#[test]
fn a_statements_id_is_its_content_not_its_time_or_actor() {
    let one = json!({
        "actor": { "account": { "homePage": "https://x.invalid", "name": "ana" } },
        "verb": { "id": "http://adlnet.gov/expapi/verbs/completed" },
        "object": { "id": "urn:pathforge:c:module:M-a" },
        "timestamp": "2026-01-01T00:00:00.000Z",
    });
    let mut later = one.clone();
    later["timestamp"] = json!("2027-01-01T00:00:00.000Z");
    later["actor"]["account"]["name"] = json!("ben");
    let mut other = one.clone();
    other["object"]["id"] = json!("urn:pathforge:c:module:M-b");
    let check = |a: &Value, b: &Value, same: bool, why: &str| {
        assert_eq!(
            statements::content_id(a) == statements::content_id(b),
            same,
            "{why}"
        );
    };
    check(
        &one,
        &later,
        true,
        "time and actor are not what a statement says",
    );
    check(&one, &other, false, "another activity is another statement");
    assert_eq!(
        statements::content_id(&one),
        "48e4b9a5-b938-5bde-9526-5b1d694bfd18",
        "ids must not drift between builds: an LRS would get every statement again"
    );
}

#[test]
fn a_new_bundle_version_changes_only_the_statements_of_what_changed() {
    let v1 = statements::of_bundle(&bundle_of("1.0.0", "Advanced", 60)).unwrap();
    assert_eq!(
        abouts(&v1),
        [
            "course “b-1”",
            "module “Advanced” (b.md)",
            "module “Basics” (a.md)",
            "module “Practice” (c.md)",
            "rule fix (remediation)",
        ],
        "one statement per course, module and rule"
    );
    let again = statements::of_bundle(&bundle_of("1.0.0", "Advanced", 60)).unwrap();
    assert_eq!(v1, again, "the same bundle gives the same statements");

    let v2 = statements::of_bundle(&bundle_of("1.1.0", "Advanced topics", 70)).unwrap();
    let old: HashSet<&str> = v1.iter().map(|o| o.id.as_str()).collect();
    let new: Vec<Outgoing> = v2
        .into_iter()
        .filter(|o| !old.contains(o.id.as_str()))
        .collect();
    assert_eq!(
        abouts(&new),
        [
            "course “b-1”",
            "module “Advanced topics” (b.md)",
            "rule fix (remediation)"
        ],
        "a retitled module and a changed threshold are new; the course changes with every version; the rest is as it was"
    );
    let b = new.iter().find(|o| o.about.contains("b.md")).unwrap();
    assert_eq!(
        b.statement["object"]["id"], "urn:pathforge:course-1:module:M-b",
        "activity ids are the ones the course's exports write"
    );
    assert_eq!(
        b.statement["object"]["definition"]["extensions"]
            ["https://pathforge.invalid/xapi/extensions/requires"],
        json!({ "group": { "kind": "all_of" }, "activities": ["urn:pathforge:course-1:module:M-a"] }),
        "a module's statement says what it requires"
    );
}

#[test]
fn statements_files_keep_their_ids_and_refuse_ids_no_lrs_takes() {
    let text = r#"[{"id": "6690E6C9-3EF0-4ED3-8B37-7F3964730BEE", "verb": {"id": "v"}, "object": {"id": "o"}}, {"verb": {"id": "v"}, "object": {"id": "o"}}]"#;
    let read = statements::of_file(text).unwrap();
    assert_eq!(
        read[0].id, "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "an id is kept, in the lower case LRSs answer with"
    );
    assert_eq!(
        read[1].id,
        statements::content_id(&read[1].statement),
        "a statement without an id gets its content id"
    );
    let err = statements::of_file(r#"[{"id": "42", "verb": {}}]"#).unwrap_err();
    assert!(
        err.contains("statement 1") && err.contains("not a UUID"),
        "the statement and the reason are named: {err}"
    );
}

#[test]
fn credentials_files_match_the_longest_address() {
    let text = "# team LRS\nfallback:one\nhttps://lrs.example.com/xAPI/ key:se:cret\nhttps://lrs.example.com/ wide:two\n";
    let check = |endpoint: &str, want: Option<(&str, &str)>, why: &str| {
        let got = credentials_for(text, endpoint).unwrap();
        let got = got
            .as_ref()
            .map(|c| (c.username.as_str(), c.password.as_str()));
        assert_eq!(got, want, "{why}");
    };
    check(
        "https://lrs.example.com/xAPI/",
        Some(("key", "se:cret")),
        "the longest prefix wins; a password may hold colons",
    );
    check(
        "https://lrs.example.com/other/",
        Some(("wide", "two")),
        "a shorter prefix still applies",
    );
    check(
        "http://elsewhere/",
        Some(("fallback", "one")),
        "a line without an address applies to any LRS",
    );
    assert_eq!(
        credentials_for("https://x/ nocolon", "https://x/").unwrap_err(),
        "line 1: expected USER:PASSWORD",
        "a bad line is named"
    );
    let shown = format!(
        "{:?}",
        Credentials {
            username: "key".into(),
            password: "secret".into()
        }
    );
    assert!(
        !shown.contains("secret"),
        "debug output hides the password: {shown}"
    );
}

#[test]
fn addresses_with_credentials_in_them_are_refused() {
    let err = Lrs::new(
        "https://key:secret@lrs.example.com/xAPI/",
        None,
        Patience::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("credentials file") && !err.to_string().contains("secret@"),
        "the way out is named: {err}"
    );
    assert!(
        Lrs::new("ftp://lrs.example.com/", None, Patience::default()).is_err(),
        "only http and https"
    );
}

/// A socket that answers each request with the next scripted (status, body), recording
/// the request lines; it stops after the script.
fn scripted(script: Vec<(u16, &'static str)>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/xAPI/", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for (status, body) in script {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut length = 0;
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                if header.trim().is_empty() {
                    break;
                }
                if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut content = vec![0; length];
            reader.read_exact(&mut content).unwrap();
            log.lock().unwrap().push(line.trim().to_owned());
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, seen)
}

fn quick() -> Patience {
    Patience {
        timeout: Duration::from_secs(5),
        retries: 2,
        backoff: Duration::from_millis(10),
    }
}

fn two_statements() -> Vec<Outgoing> {
    statements::of_file(
        r#"[{"actor": {"account": {"homePage": "https://x.invalid", "name": "ana"}}, "verb": {"id": "v"}, "object": {"id": "urn:a"}},
            {"actor": {"account": {"homePage": "https://x.invalid", "name": "ana"}}, "verb": {"id": "v"}, "object": {"id": "urn:b"}}]"#,
    )
    .unwrap()
}

#[test]
fn failures_of_the_lrs_are_named_with_what_was_recorded() {
    let never = AtomicBool::new(false);
    let check = |script: Vec<(u16, &'static str)>, want: &[&str], why: &str| {
        let (url, _) = scripted(script);
        let lrs = Lrs::new(&url, None, quick()).unwrap();
        let err = lrs
            .sync(&two_statements(), false, &|_, _| {}, &never)
            .unwrap_err();
        let text = err.to_string();
        for w in want {
            assert!(text.contains(w), "{why}: {w:?} missing from {text:?}");
        }
        assert_eq!(err.kind(), model::ErrorKind::Remote, "{why}: kind");
    };
    check(
        vec![(200, "<html>hello</html>")],
        &["not xAPI", "not JSON", "agent="],
        "an answer that is not JSON names the query",
    );
    check(
        vec![(200, r#"{"statements": []}"#), (200, r#"{"ok": true}"#)],
        &["not a list of statement ids", "nothing was recorded"],
        "a post answered with something else than ids",
    );
    check(
        vec![
            (200, r#"{"statements": []}"#),
            (400, r#"{"detail": "bad verb"}"#),
            (204, ""),
            (400, r#"{"detail": "verb.id is not an IRI"}"#),
        ],
        &[
            "statement 2",
            "HTTP 400",
            "verb.id is not an IRI",
            "1 statements had been recorded",
        ],
        "a refused batch is sent one by one to name the statement it refuses",
    );
    check(
        vec![(401, r#"{"detail": "Invalid authentication credentials"}"#)],
        &["HTTP 401", "check the credentials file"],
        "wrong credentials say where to look",
    );
}

#[test]
fn the_client_retries_what_can_pass_and_gives_up_on_what_cannot() {
    let never = AtomicBool::new(false);
    let (url, seen) = scripted(vec![
        (503, ""),
        (200, r#"{"statements": [{"id": "NOT-ours"}]}"#),
        (200, r#"["a", "b"]"#),
    ]);
    let lrs = Lrs::new(&url, None, quick()).unwrap();
    let done = Mutex::new(Vec::new());
    let report = lrs
        .sync(
            &two_statements(),
            false,
            &|n, of| done.lock().unwrap().push((n, of)),
            &never,
        )
        .unwrap();
    assert_eq!(report.sent.len(), 2, "both were posted after the retry");
    assert_eq!(
        *done.lock().unwrap(),
        [(0, 2), (2, 2)],
        "progress is told before and after the batch"
    );
    let seen = seen.lock().unwrap();
    assert!(
        seen[0].starts_with("GET") && seen[1].starts_with("GET") && seen[2].starts_with("POST"),
        "a 503 is retried: {seen:?}"
    );

    // Nothing listens on a port just released.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let lrs = Lrs::new(&format!("http://127.0.0.1:{port}/xAPI"), None, quick()).unwrap();
    let err = lrs
        .sync(&two_statements(), false, &|_, _| {}, &never)
        .unwrap_err();
    assert!(
        matches!(err, Error::Unreachable { attempts: 3, .. }),
        "a closed port is tried 1 + 2 retries times, then named: {err}"
    );

    // A server that speaks no TLS to an https address: the handshake fails, and
    // trying again would fail the same way.
    let (url, _) = scripted(vec![(200, "")]);
    let lrs = Lrs::new(&url.replace("http://", "https://"), None, quick()).unwrap();
    let err = lrs
        .sync(&two_statements(), false, &|_, _| {}, &never)
        .unwrap_err();
    assert!(
        matches!(err, Error::Unreachable { attempts: 1, .. }),
        "a failed TLS handshake is not retried: {err}"
    );

    let (url, _) = scripted(vec![(200, r#"{"statements": []}"#)]);
    let lrs = Lrs::new(&url, None, quick()).unwrap();
    let stop = AtomicBool::new(false);
    let report = lrs
        .sync(&two_statements(), true, &|_, _| {}, &stop)
        .unwrap();
    assert!(
        report.dry_run && report.sent.len() == 2,
        "a dry run asks, lists, and sends nothing (the script has no answer for a post)"
    );
    stop.store(true, Ordering::Relaxed);
    let err = lrs
        .sync(&two_statements(), false, &|_, _| {}, &stop)
        .unwrap_err();
    assert!(
        matches!(err, Error::Cancelled { recorded: 0 }),
        "a cancel before the first request sends nothing: {err}"
    );
}
