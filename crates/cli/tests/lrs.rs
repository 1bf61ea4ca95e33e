//! `pathforge sync` and `calibrate --lrs` against a real learning record store: Ralph
//! (PyPI `ralph-malph`), started on 127.0.0.1 by each test from `target/ralph-venv`
//! (`.ci/setup` installs it; the test fails, saying what to run, when it is missing).
//! What the LRS recorded is read from its own storage file, not through our client.

mod common;

use std::io::Write as _;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

const USER: &str = "pathforge-tests";
const PASSWORD: &str = "s3cret-for-ralph";

/// A Ralph LRS running for one test; stopped when dropped.
struct Ralph {
    child: Child,
    endpoint: String,
    dir: PathBuf,
}

impl Ralph {
    fn start(dir: &Path) -> Ralph {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let python = root.join("target/ralph-venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: Ralph, the LRS these tests sync to, is installed by `make setup` (.ci/setup)",
            python.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = dir.join("ralph");
        let log = std::fs::File::create(dir.with_extension("log")).unwrap();
        let mut child = Command::new(python)
            .arg(root.join("tests/lrs/serve_ralph.py"))
            .args([
                "--port",
                &port.to_string(),
                "--user",
                USER,
                "--password",
                PASSWORD,
            ])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("Ralph starts");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                let log = std::fs::read_to_string(dir.with_extension("log")).unwrap_or_default();
                panic!("Ralph exited ({status}) before listening:\n{log}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "Ralph did not listen within a minute"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Ralph {
            child,
            endpoint: format!("http://127.0.0.1:{port}/xAPI/"),
            dir,
        }
    }

    /// Every statement the LRS stored, from its own file.
    fn recorded(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.dir.join("fs_lrs.jsonl")).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str(l).expect("Ralph stores JSON lines"))
            .collect()
    }
}

impl Drop for Ralph {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A credentials file for the test user, outside any project.
fn credentials(dir: &Path, password: &str) -> PathBuf {
    let file = dir.join("lrs-credentials");
    let mut f = std::fs::File::create(&file).unwrap();
    writeln!(f, "# the test LRS\n{USER}:{password}").unwrap();
    file
}

fn json_of(out: &Output, why: &str) -> Value {
    assert!(out.status.success(), "{why}: {}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{why}: not JSON ({e})"))
}

fn abouts(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = report["sent"]
        .as_array()
        .expect("sent is a list")
        .iter()
        .map(|s| s["about"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn a_bundle_reaches_the_lrs_once_and_a_new_version_sends_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let ralph = Ralph::start(tmp.path());
    let creds = credentials(tmp.path(), PASSWORD);
    let library = tmp.path().join("library");
    for entry in walkdir::WalkDir::new(sample_library()) {
        let entry = entry.unwrap();
        let to = library.join(entry.path().strip_prefix(sample_library()).unwrap());
        match entry.file_type().is_dir() {
            true => std::fs::create_dir_all(&to).unwrap(),
            false => drop(std::fs::copy(entry.path(), &to).unwrap()),
        }
    }
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge_in(&config, &[&"init", &file]).status.success());
    assert!(pathforge_in(&config, &[&"import", &file, &library])
        .status
        .success());
    let build = |version: &str| build_bundle(&config, &file, &tmp.path().join("out"), version);
    let sync = |bundle: &Path, extra: &[&str]| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"sync",
            &bundle,
            &"--lrs",
            &ralph.endpoint,
            &"--credentials",
            &creds,
            &"--json",
        ];
        for e in extra {
            args.push(e);
        }
        json_of(&pathforge_in(&config, &args), "sync")
    };

    let v1 = build("1.0.0");
    let dry = sync(&v1, &["--dry-run"]);
    let total = dry["total"].as_u64().unwrap();
    assert!(
        dry["dry_run"] == true && dry["sent"].as_array().unwrap().len() as u64 == total,
        "a dry run lists every statement the LRS lacks: {dry}"
    );
    assert!(ralph.recorded().is_empty(), "a dry run sends nothing");

    let first = sync(&v1, &[]);
    let recorded = ralph.recorded();
    assert_eq!(
        recorded.len() as u64,
        total,
        "the LRS recorded each statement of the bundle once"
    );
    let kinds = abouts(&first);
    let count = |prefix: &str| kinds.iter().filter(|a| a.starts_with(prefix)).count();
    assert_eq!(
        (
            count("course “"),
            count("module “"),
            count("track “") > 0,
            count("rule ") > 0
        ),
        (1, module_count(&file), true, true),
        "one statement for the course, each module, each track and each rule: {kinds:?}"
    );
    let module = recorded
        .iter()
        .find(|s| {
            s["object"]["definition"]["extensions"]
                ["https://pathforge.invalid/xapi/extensions/requires"]
                .is_object()
        })
        .expect("a module with prerequisites");
    assert!(
        module["object"]["id"]
            .as_str()
            .unwrap()
            .contains(":module:M-"),
        "modules are the activities exports name: {}",
        module["object"]["id"]
    );

    let again = sync(&v1, &[]);
    assert_eq!(
        (
            again["sent"].as_array().unwrap().len() as u64,
            again["already"].as_u64().unwrap()
        ),
        (0, total),
        "a second sync sends nothing: every id is already there"
    );
    assert_eq!(
        ralph.recorded().len() as u64,
        total,
        "and the LRS holds no copy"
    );

    // 1.1.0: one module retitled.
    let page = library.join("modules/03-northwind-insight-in-practice.md");
    let text = std::fs::read_to_string(&page).expect("the sample has this module");
    let retitled = text.replacen("title: \"", "title: \"Asking ", 1);
    assert_ne!(text, retitled, "the title line was found");
    std::fs::write(&page, retitled).unwrap();
    assert!(pathforge_in(&config, &[&"import", &file, &library])
        .status
        .success());
    let v2 = build("1.1.0");
    let second = sync(&v2, &[]);
    let sent = abouts(&second);
    let recorded = ralph.recorded();
    assert_eq!(
        recorded.len() as u64,
        total + sent.len() as u64,
        "the LRS recorded just what was sent"
    );
    assert!(
        sent[0].starts_with("course “")
            && sent[1].contains("modules/03-northwind-insight-in-practice.md")
            && sent.len() < 6,
        "1.1.0 sends the course (every version changes it), the retitled module and the few rules that name it: {sent:?}"
    );
    for s in &recorded[total as usize..] {
        let text = s.to_string();
        assert!(
            text.contains("Asking") || s["object"]["id"].as_str().unwrap().ends_with(":course"),
            "each statement sent but the course's carries the new title: {s}"
        );
    }
    for s in ralph.recorded() {
        assert!(
            !s.to_string().contains(PASSWORD),
            "no credential reaches a statement"
        );
    }
}

#[test]
fn wrong_credentials_a_missing_lrs_and_an_address_with_a_password_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let ralph = Ralph::start(tmp.path());
    let file = sample_project(tmp.path());
    let export = tmp.path().join("xapi");
    let out = pathforge_in(
        &config,
        &[&"export", &file, &"--target", &"xapi", &"--out", &export],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let wrong = credentials(tmp.path(), "not-the-password");
    let out = pathforge_in(
        &config,
        &[
            &"sync",
            &export,
            &"--lrs",
            &ralph.endpoint,
            &"--credentials",
            &wrong,
            &"--json",
        ],
    );
    let error: Value = serde_json::from_slice(&out.stderr).expect("a JSON error on stderr");
    let message = error["error"]["message"].as_str().unwrap();
    assert_eq!(error["error"]["kind"], "remote", "the LRS refused: {error}");
    assert!(
        message.contains("HTTP 401")
            && message.contains("credentials file")
            && !message.contains("not-the-password"),
        "the refusal says where to look, without the password: {message}"
    );
    assert!(ralph.recorded().is_empty(), "nothing was recorded");

    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = pathforge_in(
        &config,
        &[
            &"sync",
            &export,
            &"--lrs",
            &format!("http://127.0.0.1:{closed}/xAPI/"),
            &"--retries",
            &"1",
            &"--credentials",
            &wrong,
        ],
    );
    assert!(
        !out.status.success() && stderr(&out).contains("could not be reached (2 attempts)"),
        "a missing LRS is tried again, then named: {}",
        stderr(&out)
    );

    let with_password = format!("http://{USER}:{PASSWORD}@127.0.0.1:1/xAPI/");
    let out = pathforge_in(&config, &[&"sync", &export, &"--lrs", &with_password]);
    assert!(
        !out.status.success()
            && stderr(&out).contains("credentials file")
            && !stderr(&out).contains(PASSWORD),
        "an address holding a password is refused without repeating it: {}",
        stderr(&out)
    );
}

#[test]
fn calibrate_reads_back_from_the_lrs_what_an_export_put_there() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let ralph = Ralph::start(tmp.path());
    let creds = credentials(tmp.path(), PASSWORD);
    let file = sample_project(tmp.path());
    let export = tmp.path().join("xapi");
    let out = pathforge_in(
        &config,
        &[
            &"export",
            &file,
            &"--target",
            &"xapi",
            &"--out",
            &export,
            &"--learners",
            &"25",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let sent = json_of(
        &pathforge_in(
            &config,
            &[
                &"sync",
                &export,
                &"--lrs",
                &ralph.endpoint,
                &"--credentials",
                &creds,
                &"--json",
            ],
        ),
        "sync of an xAPI export",
    );
    assert_eq!(
        ralph.recorded().len() as u64,
        sent["total"].as_u64().unwrap(),
        "every simulated statement is in the LRS"
    );

    let from_lrs = |extra: &[&dyn AsRef<std::ffi::OsStr>]| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"calibrate",
            &file,
            &"--lrs",
            &ralph.endpoint,
            &"--credentials",
            &creds,
        ];
        args.extend_from_slice(extra);
        pathforge_in(&config, &args)
    };
    // Run first: it makes the project's pseudonym secret, which the copy below then
    // shares, so both read the same learners in the same order.
    let later = from_lrs(&[&"--since", &"2999-01-01T00:00:00Z"]);
    assert!(
        !later.status.success() && stderr(&later).contains("no answers to calibrate from"),
        "nothing was stored after --since, so there is nothing to fit: {}",
        stderr(&later)
    );
    let from_file = tmp.path().join("from-file.pathforge");
    std::fs::copy(&file, &from_file).unwrap();
    let by_file = json_of(
        &pathforge_in(
            &config,
            &[
                &"calibrate",
                &from_file,
                &"--events",
                &export.join("statements.json"),
                &"--json",
            ],
        ),
        "calibrate from the file",
    );
    let by_lrs = json_of(&from_lrs(&[&"--json"]), "calibrate from the LRS");
    assert!(
        by_lrs["imported"]["answers"].as_u64().unwrap() > 100,
        "the LRS gave answers back: {}",
        by_lrs["imported"]
    );
    assert_eq!(
        (
            &by_lrs["imported"]["answers"],
            &by_lrs["imported"]["learners"]
        ),
        (
            &by_file["imported"]["answers"],
            &by_file["imported"]["learners"]
        ),
        "the LRS's statements give the same answers as the file it was sent"
    );
    let fits = |v: &Value| -> Vec<(String, [f64; 4])> {
        let mut out: Vec<(String, [f64; 4])> = v["fits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let p = |k: &str| f[k].as_f64().unwrap();
                (
                    f["skill"].as_str().unwrap().to_owned(),
                    [p("prior"), p("learn"), p("guess"), p("slip")],
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    };
    for ((skill, a), (other, b)) in fits(&by_lrs).iter().zip(fits(&by_file).iter()) {
        assert_eq!(skill, other, "the same skills are fitted");
        assert!(
            a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6),
            "{skill}: the same fit from the LRS as from the file: {a:?} vs {b:?}"
        );
    }
    let out = pathforge_in(
        &config,
        &[
            &"calibrate",
            &file,
            &"--lrs",
            &ralph.endpoint,
            &"--since",
            &"yesterday",
        ],
    );
    assert!(
        !out.status.success() && stderr(&out).contains("--since \"yesterday\""),
        "a --since that is no time is named: {}",
        stderr(&out)
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        !bytes
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes()),
        "the LRS password never enters the project"
    );
    let log = stdout(&pathforge(&[&"log", &file, &"--json"]));
    assert!(
        log.contains(&ralph.endpoint),
        "the log names the LRS the answers came from: {log}"
    );
}
