//! The project file from the command line: init, import and list, bad input named with
//! nothing lost, `--json` errors with a kind, the profile, plain progress off a terminal, a
//! project another process is changing, backups and restores, the audit log.

mod common;

use common::*;

#[test]
fn init_import_list_show_and_log() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("sales.pathforge");
    let out = pathforge(&[&"init", &file]);
    assert!(out.status.success(), "init succeeds: {}", stderr(&out));
    assert!(
        stdout(&out).contains("Created project \"sales\""),
        "init says what it made"
    );
    assert_eq!(module_count(&file), 0, "a new project is empty");
    let tree = stdout(&pathforge(&[&"taxonomy", &"show", &file]));
    assert!(
        tree.contains("has no skills yet") && tree.contains("pathforge taxonomy import"),
        "an empty taxonomy says so and how to fill it, rather than printing nothing: {tree:?}"
    );

    let out = pathforge(&[&"import", &file, &sample_library(), &"--json"]);
    assert!(out.status.success(), "import succeeds: {}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let total = report["total"].as_u64().unwrap() as usize;
    assert!(
        total >= 30,
        "the sample library has 30+ modules, got {total}"
    );
    assert_eq!(
        module_count(&file),
        total,
        "every imported module is listed"
    );

    let out = pathforge(&[&"modules", &file]);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("{total} modules")),
        "the table ends with a count: {text}"
    );

    let libraries = stdout(&pathforge(&[&"libraries", &file]));
    assert!(
        libraries.starts_with(&format!(
            "sales-onboarding  {total} modules, markdown_folder, imported "
        )) && libraries.contains("  from ")
            && !libraries.contains("gone"),
        "the library is listed with its modules, format, time and place: {libraries}"
    );

    let list: serde_json::Value =
        serde_json::from_slice(&pathforge(&[&"modules", &file, &"--json"]).stdout).unwrap();
    let first = &list[0];
    let id = first["id"].as_str().unwrap();
    let out = pathforge(&[&"show", &file, &id]);
    assert!(out.status.success(), "show succeeds: {}", stderr(&out));
    assert!(
        stdout(&out).starts_with(first["title"].as_str().unwrap()),
        "show starts with the title"
    );

    let out = pathforge(&[&"log", &file, &"--json"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        log[0]["action"], "library.imported",
        "the import is in the audit log"
    );
    assert!(
        log[0]["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("Imported “sales-onboarding”: ")),
        "with what it did in words: {}",
        log[0]
    );
    // Narrowed as the Log tab's filter narrows it, and to the newest few.
    let entries = |args: &[&dyn AsRef<std::ffi::OsStr>]| -> usize {
        let out = pathforge(args);
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        list.as_array().map_or(0, Vec::len)
    };
    let all = log.as_array().map_or(0, Vec::len);
    assert_eq!(
        entries(&[&"log", &file, &"--match", &"IMPORTED", &"--json"]),
        1,
        "--match finds the import by its words, whatever the case ({all} entries in all)"
    );
    assert_eq!(
        entries(&[&"log", &file, &"--match", &"nothing like this", &"--json"]),
        0,
        "and nothing else"
    );
    assert_eq!(
        entries(&[&"log", &file, &"--last", &"1", &"--json"]),
        1,
        "--last 1 keeps the newest"
    );
    assert!(
        stdout(&pathforge(&[
            &"log",
            &file,
            &"--match",
            &"nothing like this"
        ]))
        .contains("No entry matches"),
        "an empty result says so"
    );
}

#[test]
fn counts_of_one_read_as_one() {
    let tmp = tempfile::tempdir().unwrap();
    let library = tmp.path().join("one");
    std::fs::create_dir(&library).unwrap();
    std::fs::write(
        library.join("intro.md"),
        "# Introduction\n\nWhat the course covers and how to work through it.\n",
    )
    .unwrap();
    let file = tmp.path().join("one.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    let imported = stdout(&pathforge(&[&"import", &file, &library]));
    let listed = stdout(&pathforge(&[&"modules", &file]));
    // (what was printed, what it must say, why)
    let check = |text: &str, want: &str, why: &str| {
        assert!(text.contains(want), "{why}: want {want:?} in {text:?}");
        assert!(
            !text.contains("1 modules") && !text.contains(" 1 declared prerequisites"),
            "{why}: no plural after one in {text:?}"
        );
    };
    check(
        &imported,
        ": 1 module (1 added",
        "the import report counts one module",
    );
    check(
        &imported,
        "0 declared prerequisites",
        "none is still plural",
    );
    check(
        &listed,
        "\n1 module, ",
        "the table's total counts one module",
    );
    std::fs::remove_dir_all(&library).unwrap();
    let libraries = stdout(&pathforge(&[&"libraries", &file]));
    check(
        &libraries,
        "one  1 module, ",
        "the library list counts one module",
    );
    assert!(
        libraries.contains("which is gone: import it from where it is now"),
        "a library whose folder is gone says so and what to do: {libraries}"
    );
}

#[test]
fn bad_input_is_named_and_nothing_is_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    let lib = tmp.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    std::fs::write(lib.join("good.md"), "---\ntitle: Good\n---\nText.").unwrap();
    assert!(pathforge(&[&"import", &file, &lib]).status.success());

    let broken = lib.join("broken.md");
    std::fs::write(&broken, "---\ntitle: [oops\nlevel: 3\n---\n").unwrap();
    check_fails(
        &[&"import", &file, &lib],
        &broken,
        "broken front matter",
        "broken front matter",
    );
    std::fs::remove_file(&broken).unwrap();

    let latin1 = lib.join("broken-utf8.md");
    std::fs::write(&latin1, b"caf\xc3\xa9 au lait \xe9").unwrap();
    check_fails(
        &[&"import", &file, &lib],
        &latin1,
        "not UTF-8",
        "a UTF-8 file with a broken byte (one with none read as Windows-1252 imports)",
    );
    std::fs::remove_file(&latin1).unwrap();

    let missing = tmp.path().join("no-such-folder");
    check_fails(
        &[&"import", &file, &missing],
        &missing,
        "No such file",
        "a missing folder",
    );
    let not_dir = lib.join("good.md");
    check_fails(
        &[&"import", &file, &not_dir],
        &not_dir,
        "is not a folder",
        "a file as folder",
    );

    assert_eq!(
        module_count(&file),
        1,
        "after every refused import the project still has its module"
    );

    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "my notes, not a project").unwrap();
    check_fails(
        &[&"modules", &notes],
        &notes,
        "not a Pathforge project",
        "a text file as project",
    );
    check_fails(
        &[&"import", &notes, &lib],
        &notes,
        "not a Pathforge project",
        "importing into it",
    );
    check_fails(
        &[&"init", &notes],
        &notes,
        "already exists",
        "init over an existing file",
    );
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "my notes, not a project",
        "a file passed by mistake is never modified"
    );
}

#[test]
fn json_errors_carry_a_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.pathforge");
    let out = pathforge(&[&"modules", &missing, &"--json"]);
    assert_eq!(out.status.code(), Some(1), "a missing project fails");
    let body: serde_json::Value = serde_json::from_slice(&out.stderr).expect("stderr is JSON");
    assert_eq!(
        body["error"]["kind"], "not_found",
        "scripts branch on the kind: {body}"
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("missing.pathforge"));

    let out = pathforge(&[&"frobnicate"]);
    assert_eq!(out.status.code(), Some(2), "usage errors exit with 2");
    for (args, says) in [
        (
            vec!["frobnicate", "--json"],
            "unrecognized subcommand 'frobnicate'; tip: a similar subcommand exists: 'calibrate'",
        ),
        (
            vec!["import", "--json"],
            "the following required arguments were not provided: <FILE> <PATH>",
        ),
    ] {
        let args: Vec<&dyn AsRef<std::ffi::OsStr>> = args
            .iter()
            .map(|a| a as &dyn AsRef<std::ffi::OsStr>)
            .collect();
        let out = pathforge(&args);
        assert_eq!(out.status.code(), Some(2), "still exit status 2");
        let body: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
            panic!(
                "under --json a usage error is JSON too ({e}): {}",
                stderr(&out)
            )
        });
        assert_eq!(
            (&body["error"]["kind"], body["error"]["message"].as_str()),
            (&serde_json::json!("bad_input"), Some(says)),
            "a wrong command line is bad input, said in one line: {body}"
        );
    }

    // Errors that are not the engine's own still have a kind: an LMS target nobody has,
    // and a flag's value the CLI itself refuses.
    let project = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &project]).status.success());
    let kind_of = |args: &[&dyn AsRef<std::ffi::OsStr>]| -> serde_json::Value {
        let out = pathforge(args);
        assert_eq!(out.status.code(), Some(1), "refused: {}", stderr(&out));
        let body: serde_json::Value = serde_json::from_slice(&out.stderr).expect("JSON");
        body["error"]["kind"].clone()
    };
    let out_dir = tmp.path().join("out");
    assert_eq!(
        kind_of(&[
            &"export",
            &project,
            &"--target",
            &"blackboard",
            &"--out",
            &out_dir,
            &"--json"
        ]),
        "bad_input",
        "an unknown target is the caller's bad input, not a conflict"
    );
    // A file the user names that is not there is not_found, wherever it is read, and
    // the message names it once.
    let gone = tmp.path().join("gone.json");
    for args in [
        vec![
            &"simulate" as &dyn AsRef<std::ffi::OsStr>,
            &project,
            &"--cohort",
            &gone,
            &"--json",
        ],
        vec![&"merge", &project, &missing, &"--json"],
        vec![&"bundle", &"verify", &gone, &"--json"],
    ] {
        let out = pathforge(&args);
        let body: serde_json::Value = serde_json::from_slice(&out.stderr).expect("JSON");
        assert_eq!(
            body["error"]["kind"], "not_found",
            "a missing file, by kind: {body}"
        );
        let message = body["error"]["message"].as_str().unwrap_or_default();
        let name = if message.contains("gone.json") {
            "gone.json"
        } else {
            "missing.pathforge"
        };
        assert_eq!(
            message.matches(name).count(),
            1,
            "the file is named once: {message}"
        );
    }
    let config = tmp.path().join("config");
    let out = pathforge_in(
        &config,
        &[&"profile", &"--name", &"Ann", &"--role", &"boss", &"--json"],
    );
    let body: serde_json::Value = serde_json::from_slice(&out.stderr).expect("JSON");
    assert_eq!(
        body["error"]["kind"], "bad_input",
        "a role the CLI does not know is bad input, never a null kind: {body}"
    );
}

#[test]
fn the_profile_is_set_once_and_logged_with_each_decision() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let run = |args: &[&dyn AsRef<std::ffi::OsStr>]| pathforge_in(&config, args);
    let out = run(&[&"profile"]);
    assert!(stdout(&out).contains("No profile yet"), "{}", stdout(&out));
    let out = run(&[&"profile", &"--name", &"Dana Okafor", &"--role", &"chief"]);
    assert!(
        !out.status.success() && stderr(&out).contains("use designer, sme or admin"),
        "{}",
        stderr(&out)
    );
    let out = run(&[&"profile", &"--name", &"Dana Okafor", &"--role", &"sme"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Dana Okafor (SME)"),
        "{}",
        stdout(&out)
    );
    let file = tmp.path().join("p.pathforge");
    assert!(run(&[&"init", &file]).status.success());
    assert!(run(&[&"import", &file, &sample_library()]).status.success());
    let log = stdout(&run(&[&"log", &file]));
    assert!(
        log.contains("Dana Okafor (SME)"),
        "the import is logged under the profile: {log}"
    );
}

#[test]
fn long_commands_print_plain_progress_lines_off_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    // The command `args`, with `--json` or not, its progress lines printed at once.
    let run = |args: &[&std::ffi::OsStr], json: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pathforge"));
        cmd.args(args);
        if json {
            cmd.arg("--json");
        }
        cmd.env("PATHFORGE_PROGRESS_DELAY_MS", "0")
            .output()
            .unwrap()
    };
    let library = sample_library();
    let import = |json: bool| {
        run(
            &["import".as_ref(), file.as_os_str(), library.as_os_str()],
            json,
        )
    };
    let out = import(false);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<String> = stderr(&out).lines().map(str::to_owned).collect();
    assert!(
        lines.len() >= 10 && lines.iter().all(|l| l.starts_with("importing ")),
        "stderr is a pipe here: a plain line per tenth of the files, no bar drawing: {lines:?}"
    );
    let total = lines.last().unwrap().rsplit('/').next().unwrap().to_owned();
    assert_eq!(
        lines.last().unwrap(),
        &format!("importing {total}/{total}"),
        "the last line says every file was read"
    );
    let out = import(true);
    assert!(out.status.success());
    assert_eq!(stderr(&out), "", "--json keeps stderr quiet for scripts");

    // Writing an export counts by bytes (a carried video moves them while the file count
    // waits), as a percentage.
    let zip = tmp.path().join("course.zip");
    let export = |json: bool| {
        let args: [&std::ffi::OsStr; 6] = [
            "export".as_ref(),
            file.as_os_str(),
            "--target".as_ref(),
            "scorm2004".as_ref(),
            "--out".as_ref(),
            zip.as_os_str(),
        ];
        run(&args, json)
    };
    let out = export(false);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<String> = stderr(&out).lines().map(str::to_owned).collect();
    assert!(
        lines.first().map(String::as_str) == Some("writing 0/100")
            && lines.last().map(String::as_str) == Some("writing 100/100"),
        "writing an export reports from none to all of it: {lines:?}"
    );
    let out = export(true);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "",
        "--json keeps the export's stderr quiet too"
    );
}

#[test]
fn a_project_another_process_is_changing_is_busy_but_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample_project(tmp.path());
    // This test process plays the app: it opens the project and makes an edit.
    let mut app = engine::Project::open(&file).unwrap();
    let module = app
        .resolve_module("Northwind Platform Overview")
        .unwrap()
        .id;
    app.set_module_level(
        &module,
        Some(model::Level::Advanced),
        None,
        &model::Actor::local_user(),
        model::Timestamp(1),
    )
    .unwrap();

    check_fails(
        &[&"import", &file, &sample_library()],
        &file,
        &format!(
            "another Pathforge is changing this project ({}, process {})",
            std::env::current_exe()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy(),
            std::process::id()
        ),
        "a second writer is told who holds the project",
    );
    let out = pathforge(&[&"import", &file, &sample_library(), &"--json"]);
    let body: serde_json::Value = serde_json::from_slice(&out.stderr).expect("stderr is JSON");
    assert_eq!(
        body["error"]["kind"], "busy",
        "scripts can branch on it: {body}"
    );
    assert_eq!(
        module_count(&file),
        32,
        "reading a project someone else is changing still works"
    );
    let out = pathforge(&[
        &"backup",
        &file,
        &"--out",
        &tmp.path().join("b.pathforge-backup"),
    ]);
    assert!(
        out.status.success(),
        "so does backing it up: {}",
        stderr(&out)
    );

    drop(app);
    let out = pathforge(&[&"import", &file, &sample_library()]);
    assert!(
        out.status.success(),
        "once the other process closes the project, the command works: {}",
        stderr(&out)
    );
}

#[test]
fn backup_and_restore_put_a_project_back_and_keep_what_it_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample_project(tmp.path());
    let backup = tmp.path().join("before-link.pathforge-backup");
    let out = pathforge(&[&"backup", &file, &"--out", &backup, &"--json"]);
    assert!(out.status.success(), "backup works: {}", stderr(&out));
    let edges = |f: &Path| {
        let out = pathforge(&[&"graph", &"edges", &f, &"--json"]);
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    let before = edges(&file);
    let first = "modules/01-product-basics-pre-assessment.md";
    let last = "modules/32-certification-readiness-assessment.md";
    assert!(pathforge(&[&"graph", &"link", &file, &first, &last])
        .status
        .success());
    assert_eq!(edges(&file), before + 1, "the edit is made");
    check_fails(
        &[&"backup", &file, &"--out", &backup],
        &backup,
        "already exists",
        "a backup never overwrites a file",
    );

    let out = pathforge(&[&"restore", &file, &backup, &"--json"]);
    assert!(out.status.success(), "restore works: {}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        edges(&file),
        before,
        "the project is back as the backup has it"
    );
    let kept = PathBuf::from(report["kept"].as_str().unwrap());
    assert_eq!(
        edges(&kept),
        before + 1,
        "what the restore replaced is kept, so the restore can be undone"
    );
    let log = stdout(&pathforge(&[&"log", &file]));
    assert!(
        log.contains("Restored the project from ") && log.contains("[project.restored]"),
        "the restore is in the restored project's log, in words: {log}"
    );
    assert!(
        pathforge(&[&"audit", &"verify", &file]).status.success(),
        "and the audit chain is whole"
    );

    let not_a_backup = tmp.path().join("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap();
    check_fails(
        &[&"restore", &file, &not_a_backup],
        &not_a_backup,
        "not a SQLite database",
        "a file that is not a project is refused by name",
    );
    assert_eq!(edges(&file), before, "and the project is as it was");
}

#[test]
fn audit_verify_and_export() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sample_project(tmp.path());
    let out = pathforge(&[&"audit", &"verify", &file]);
    assert!(
        out.status.success() && stdout(&out).contains("intact"),
        "a fresh log verifies: {}",
        stdout(&out)
    );
    let csv_file = tmp.path().join("audit.csv");
    assert!(pathforge(&[
        &"audit",
        &"export",
        &file,
        &"--format",
        &"csv",
        &"--out",
        &csv_file
    ])
    .status
    .success());
    let csv = std::fs::read_to_string(&csv_file).unwrap();
    assert!(
        csv.starts_with("seq,at_ms,actor,action,object,before,after,hash"),
        "CSV has a header: {csv}"
    );
    assert!(
        csv.contains("library.imported"),
        "the import is in the export"
    );
    let json_out = pathforge(&[&"audit", &"export", &file]);
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&json_out.stdout).unwrap();
    assert!(
        entries
            .iter()
            .all(|e| e["hash"].as_str().is_some_and(|h| h.len() == 64)),
        "every JSON entry carries its hash"
    );
    assert!(
        entries[0]["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("Imported “"))
            && csv
                .lines()
                .nth(1)
                .is_some_and(|l| l.contains("Imported “sales-onboarding”: ")),
        "and what it did in words, in both formats: {}",
        entries[0]
    );
}

/// The hostile-input trial cut the newest entries of a project's log (#25 item 2): against
/// the signed head, and against the head a bundle carried out, the cut is named.
#[test]
fn a_log_cut_short_is_caught_by_its_signed_head_and_by_a_bundles_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let file = tmp.path().join("p.pathforge");
    let run = |args: &[&dyn AsRef<std::ffi::OsStr>]| pathforge_in(&config, args);
    assert!(run(&[&"init", &file]).status.success());
    assert!(run(&[&"import", &file, &sample_library()]).status.success());
    for threshold in ["0.9", "0.95", "0.97"] {
        assert!(run(&[&"review", &"auto-accept", &file, &threshold])
            .status
            .success());
    }
    let out = run(&[&"bundle", &"build", &file, &"--out", &tmp.path()]);
    assert!(out.status.success(), "bundle: {}", stderr(&out));
    let bundle = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".pathforge-bundle.zip"))
        .expect("the bundle was written");
    let out = run(&[&"audit", &"verify", &file]);
    assert!(
        out.status.success() && stdout(&out).contains("signed by this machine's key"),
        "an untouched log is intact and its head signed here: {}",
        stdout(&out)
    );
    let entries = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT MAX(seq) FROM audit_events", [], |r| r.get(0))
            .unwrap()
    };
    // Someone with the file drops the trigger and deletes the two newest entries.
    let conn = rusqlite::Connection::open(&file).unwrap();
    let last = entries(&conn);
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_events_append_only_delete; DELETE FROM audit_events WHERE seq >= {};",
        last - 1
    ))
    .unwrap();
    drop(conn);
    let out = run(&[&"audit", &"verify", &file]);
    assert_eq!(out.status.code(), Some(1), "a cut log fails verify");
    assert!(
        stdout(&out).contains(&format!(
            "the audit log is broken: entries {}–{last} were cut from the end of the log",
            last - 1
        )),
        "it says what was cut: {}",
        stdout(&out)
    );
    // Someone who knows the format writes a head that matches the cut log, unsigned:
    // verify can no longer see the cut, but says the head is not signed.
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.execute_batch(
        "UPDATE audit_head SET seq = (SELECT MAX(seq) FROM audit_events),
             hash = (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1),
             signer = NULL, signature = NULL",
    )
    .unwrap();
    drop(conn);
    let out = run(&[&"audit", &"verify", &file]);
    assert!(
        stdout(&out).contains("not signed"),
        "a head nobody signed is said to be so: {}",
        stdout(&out)
    );
    // The next change here signs whatever head it extends; the bundle's copy, made before
    // the cut, still shows it.
    assert!(run(&[&"review", &"auto-accept", &file, &"--off"])
        .status
        .success());
    let out = run(&[&"audit", &"verify", &file, &"--against", &bundle]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("the log was rewritten since the copy was made"),
        "the bundle's head shows the cut: {}",
        stdout(&out)
    );
    // A removed head record is named as such.
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.execute_batch("DELETE FROM audit_head").unwrap();
    drop(conn);
    let out = run(&[&"audit", &"verify", &file, &"--json"]);
    let check: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        check["broken"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("the log's head record is missing")),
        "a removed head is named: {check}"
    );
}

/// Runs the CLI as a user who cannot write where root can: as `nobody` (through
/// util-linux's `setpriv`) when the tests run as root — root writes into any folder,
/// whatever its mode — and as ourselves otherwise. The binary is linked into `bin` first,
/// so `nobody` can run it wherever the repository lives.
fn unprivileged(bin: &Path, config: &Path, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let me = Command::new("id").arg("-u").output().expect("id runs");
    let mut cmd = if stdout(&me).trim() == "0" {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(args.iter().map(|a| a.as_ref()))
        .env("PATHFORGE_CONFIG_DIR", config)
        .output()
        .expect("setpriv (util-linux) runs the binary")
}

#[test]
fn a_project_in_a_folder_pathforge_cannot_write_opens_to_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    mode(tmp.path(), 0o755);
    let bin = tmp.path().join("pathforge");
    let exe = Path::new(env!("CARGO_BIN_EXE_pathforge"));
    std::fs::hard_link(exe, &bin)
        .or_else(|_| std::fs::copy(exe, &bin).map(|_| ()))
        .unwrap();
    let config = tmp.path().join("config");
    std::fs::create_dir(&config).unwrap();
    mode(&config, 0o777);
    let shared = tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let file = shared.join("p.pathforge");
    assert!(pathforge(&[&"init", &file]).status.success());
    assert!(pathforge(&[&"import", &file, &sample_library()])
        .status
        .success());
    mode(&file, 0o644);
    mode(&shared, 0o555);
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(&shared)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = (std::fs::read(&file).unwrap(), listing());
    let run = |args: &[&dyn AsRef<std::ffi::OsStr>]| unprivileged(&bin, &config, args);

    let out = run(&[&"modules", &file, &"--json"]);
    assert!(
        out.status.success(),
        "listing reads a read-only folder's project: {}",
        stderr(&out)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(32),
        "every module is read"
    );
    for args in [
        vec!["graph", "check"],
        vec!["audit", "verify"],
        vec!["show", "Northwind Platform Overview"],
    ] {
        let mut all: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&args[0]];
        if args.len() > 1 && args[0] != "show" {
            all.push(&args[1]);
        }
        all.push(&file);
        if args[0] == "show" {
            all.push(&args[1]);
        }
        let out = run(&all);
        assert!(
            out.status.success(),
            "{args:?} only reads, so it works: {}",
            stderr(&out)
        );
    }

    let out = run(&[&"import", &file, &sample_library(), &"--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a change is refused: {}",
        stderr(&out)
    );
    let body: serde_json::Value = serde_json::from_slice(&out.stderr).expect("stderr is JSON");
    assert_eq!(
        body["error"]["kind"], "read_only",
        "scripts can branch on it: {body}"
    );
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&file.display().to_string())
            && message.contains(
                "opened to read only (its folder cannot be written); nothing was changed"
            ),
        "the refusal names the file, why, and that nothing changed: {message}"
    );
    assert_eq!(
        (std::fs::read(&file).unwrap(), listing()),
        before,
        "the file is byte for byte as it was, and nothing (no -wal, -shm or lock) was left beside it"
    );

    // A read-only file in a folder the user can write says so.
    mode(&shared, 0o755);
    if stdout(&Command::new("id").arg("-u").output().unwrap()).trim() == "0" {
        std::os::unix::fs::chown(&shared, Some(65534), Some(65534)).unwrap();
    }
    mode(&file, 0o444);
    let out = run(&[&"import", &file, &sample_library()]);
    assert!(
        stderr(&out).contains("opened to read only (the file is read-only)"),
        "a read-only file is named as the reason: {}",
        stderr(&out)
    );
    mode(&file, 0o644);
}
