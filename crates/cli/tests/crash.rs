//! The CLI killed with SIGKILL at random points of imports, tagging, graph edits, exports
//! and backups, over and over: after every kill the project passes SQLite's integrity
//! check and opens with its audit chain intact, no output is half there, and running the
//! same command again completes the work. Kill times are drawn from a fixed seed, within
//! how long each command takes when it is left alone, so most kills land inside its work.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SEED: u64 = 0x5EED_C0DE;
const ROUNDS: usize = 11;
const MODULES: usize = 300;
const TAGGED: usize = 16;

fn pathforge(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("the pathforge binary runs")
}

/// Runs `args` to the end, which must succeed; how long it took.
fn run_ok(args: &[&dyn AsRef<std::ffi::OsStr>], why: &str) -> Duration {
    let start = Instant::now();
    let out = pathforge(args);
    assert!(
        out.status.success(),
        "{why}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed()
}

/// Starts `args` and kills it with SIGKILL after `after`.
fn kill_after(args: &[&dyn AsRef<std::ffi::OsStr>], after: Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pathforge"))
        .args(args.iter().map(|a| a.as_ref()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the pathforge binary starts");
    std::thread::sleep(after);
    // `kill` is SIGKILL on Unix: no handler, no cleanup, as when the power goes.
    let _ = child.kill();
    child.wait().expect("the killed process is reaped");
}

/// When to kill `op`: up to half as long again as it last took alone, so most kills land
/// inside its work and some after it finished.
fn delay(took: &BTreeMap<&str, Duration>, draw: &mut Draw, op: &str) -> Duration {
    took[op].mul_f64(1.5 * draw.fraction())
}

/// A small deterministic generator (SplitMix64), so a failing run can be replayed.
struct Draw(u64);

impl Draw {
    fn fraction(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Writes `count` Markdown modules into `dir`, each carrying `mark` in its text.
fn write_library(dir: &Path, count: usize, mark: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..count {
        let body = format!(
            "---\ntitle: \"Module {i}\"\nduration_minutes: 15\nlevel: beginner\ntags: [pricing]\n---\n\
             # Module {i}\n\nRevision {mark}. Discount approval needs a manager above fifteen percent; \
             quote the list price first, then the bundle price, and record why the customer qualifies.\n"
        );
        std::fs::write(dir.join(format!("m{i:04}.md")), body).unwrap();
    }
}

/// The project is intact: SQLite's integrity check, and it opens with its audit chain
/// whole (`audit verify` opens it as every command does).
fn check_intact(file: &Path, why: &str) {
    let conn = rusqlite::Connection::open(file).expect("the project opens in SQLite");
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(verdict, "ok", "{why}: SQLite's integrity check passes");
    drop(conn);
    let out = pathforge(&[&"audit", &"verify", &file]);
    assert!(
        out.status.success(),
        "{why}: the project opens and its audit chain is whole: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Names in `dir` that only a write cut short would leave.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".pathforge-"))
        .collect()
}

fn count_json(args: &[&dyn AsRef<std::ffi::OsStr>]) -> usize {
    let out = pathforge(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    value.as_array().expect("a JSON list").len()
}

#[test]
fn sigkill_at_random_points_never_damages_a_project_or_leaves_half_an_output() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let file = root.join("p.pathforge");
    let library = root.join("library");
    let tagged_file = root.join("t.pathforge");
    let tagged_library = root.join("tagged");
    let exports = root.join("exports");
    let backups = root.join("backups");
    std::fs::create_dir_all(&exports).unwrap();
    std::fs::create_dir_all(&backups).unwrap();
    let model = testkit::model_dir();
    let out = exports.join("scorm2004");
    let first = "m0000.md";
    let last = format!("m{:04}.md", MODULES - 1);

    // Warm-up: each command once, left alone, to learn how long it takes.
    write_library(&library, MODULES, 0);
    write_library(&tagged_library, TAGGED, 0);
    run_ok(&[&"init", &file], "init");
    run_ok(&[&"init", &tagged_file], "init");
    let mut took = BTreeMap::new();
    took.insert("import", run_ok(&[&"import", &file, &library], "import"));
    run_ok(&[&"import", &tagged_file, &tagged_library], "import");
    took.insert(
        "tag",
        run_ok(&[&"tag", &tagged_file, &"--model", &model], "tag"),
    );
    took.insert(
        "link",
        run_ok(&[&"graph", &"link", &file, &first, &last], "link"),
    );
    run_ok(&[&"graph", &"unlink", &file, &first, &last], "unlink");
    let export_args = |dest: &Path| -> Vec<std::ffi::OsString> {
        [
            "export".into(),
            file.clone().into_os_string(),
            "--target".into(),
            "scorm2004".into(),
            "--out".into(),
            dest.into(),
        ]
        .into_iter()
        .collect()
    };
    let export_of = |dest: &Path| {
        let args = export_args(dest);
        let args: Vec<&dyn AsRef<std::ffi::OsStr>> = args.iter().map(|a| a as _).collect();
        let start = Instant::now();
        let outcome = pathforge(&args);
        assert!(
            outcome.status.success(),
            "export: {}",
            String::from_utf8_lossy(&outcome.stderr)
        );
        start.elapsed()
    };
    took.insert("export", export_of(&out));
    took.insert(
        "backup",
        run_ok(
            &[
                &"backup",
                &file,
                &"--out",
                &backups.join("warm.pathforge-backup"),
            ],
            "backup",
        ),
    );
    let base_edges = count_json(&[&"graph", &"edges", &file, &"--json"]);

    let mut draw = Draw(SEED);
    let mut kills = 0;
    let mut previous_export = tree(&out);
    // How often the kill came before the command had finished.
    let mut cut_short: BTreeMap<&str, usize> = BTreeMap::new();
    for round in 1..=ROUNDS {
        // Import: every module changed, so the import rewrites them all.
        write_library(&library, MODULES, round);
        let why = format!("round {round}, import");
        kill_after(
            &[&"import", &file, &library],
            delay(&took, &mut draw, "import"),
        );
        check_intact(&file, &why);
        let shown = pathforge(&[&"show", &file, &last]);
        let done = String::from_utf8_lossy(&shown.stdout).contains(&format!("Revision {round}."));
        *cut_short.entry("import").or_insert(0) += usize::from(!done);
        // The re-run's time, as the machine is now, sets the next kill's range: a warm-up
        // timed while the machine was busy put every kill after the work was done.
        took.insert("import", run_ok(&[&"import", &file, &library], &why));
        assert_eq!(
            count_json(&[&"modules", &file, &"--json"]),
            MODULES,
            "{why}: re-running leaves every module imported once"
        );
        let shown = pathforge(&[&"show", &file, &last]);
        assert!(
            String::from_utf8_lossy(&shown.stdout).contains(&format!("Revision {round}.")),
            "{why}: re-running brings in the new text"
        );

        // Tagging: every text changed, so each is embedded again.
        write_library(&tagged_library, TAGGED, round);
        run_ok(&[&"import", &tagged_file, &tagged_library], "import to tag");
        let why = format!("round {round}, tag");
        kill_after(
            &[&"tag", &tagged_file, &"--model", &model],
            delay(&took, &mut draw, "tag"),
        );
        check_intact(&tagged_file, &why);
        let again = pathforge(&[&"tag", &tagged_file, &"--model", &model, &"--json"]);
        assert!(again.status.success(), "{why}: re-running tag works");
        let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(
            report["analysed"].as_u64().unwrap() + report["unchanged"].as_u64().unwrap(),
            TAGGED as u64,
            "{why}: re-running accounts for every module: {report}"
        );
        let after: serde_json::Value = serde_json::from_slice(
            &pathforge(&[&"tag", &tagged_file, &"--model", &model, &"--json"]).stdout,
        )
        .unwrap();
        assert_eq!(
            after["analysed"], 0,
            "{why}: after the re-run every module is tagged and cached: {after}"
        );

        // A graph edit, then its undo.
        for (verb, edges) in [("link", base_edges + 1), ("unlink", base_edges)] {
            let why = format!("round {round}, graph {verb}");
            kill_after(
                &[&"graph", &verb, &file, &first, &last],
                delay(&took, &mut draw, "link"),
            );
            check_intact(&file, &why);
            let rerun = pathforge(&[&"graph", &verb, &file, &first, &last]);
            assert!(
                rerun.status.success()
                    || String::from_utf8_lossy(&rerun.stderr).contains("there is no prerequisite"),
                "{why}: re-running completes the edit (or finds it done): {}",
                String::from_utf8_lossy(&rerun.stderr)
            );
            assert_eq!(
                count_json(&[&"graph", &"edges", &file, &"--json"]),
                edges,
                "{why}: the edit is there once"
            );
            kills += 1;
        }

        // Export over the previous one: at every instant the folder is the old export or
        // the new one, whole.
        let why = format!("round {round}, export");
        let args = export_args(&out);
        let args: Vec<&dyn AsRef<std::ffi::OsStr>> = args.iter().map(|a| a as _).collect();
        kill_after(&args, delay(&took, &mut draw, "export"));
        check_intact(&file, &why);
        let seen = tree(&out);
        took.insert("export", export_of(&out));
        let fresh = tree(&out);
        *cut_short.entry("export").or_insert(0) += usize::from(seen != fresh);
        assert!(
            seen == previous_export || seen == fresh,
            "{why}: the folder was the previous export or the new one, never a mix"
        );
        assert!(
            leftovers(&exports).is_empty(),
            "{why}: the re-run removes what the killed export left: {:?}",
            leftovers(&exports)
        );
        previous_export = fresh;

        // Backup: the copy is whole or absent.
        let why = format!("round {round}, backup");
        let dest = backups.join(format!("{round}.pathforge-backup"));
        kill_after(
            &[&"backup", &file, &"--out", &dest],
            delay(&took, &mut draw, "backup"),
        );
        if dest.exists() {
            check_intact(&dest, &format!("{why} (the copy)"));
        } else {
            run_ok(&[&"backup", &file, &"--out", &dest], &why);
        }
        check_intact(&dest, &why);
        if !leftovers(&backups).is_empty() {
            let next = backups.join(format!("{round}b.pathforge-backup"));
            run_ok(&[&"backup", &file, &"--out", &next], &why);
        }
        assert!(
            leftovers(&backups).is_empty(),
            "{why}: the next backup removes what a killed one left: {:?}",
            leftovers(&backups)
        );
        kills += 4;
    }
    assert!(kills >= 50, "at least 50 kills ({kills})");
    eprintln!("{kills} kills (seed {SEED:#x}); cut short: {cut_short:?}; times alone (the last measured): {took:?}");
    for op in ["import", "export"] {
        assert!(
            cut_short.get(op).copied().unwrap_or(0) > 0,
            "some {op} kills land before the work is done, or the test proves nothing"
        );
    }
}
