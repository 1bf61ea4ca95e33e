//! The window's whole command surface, checked: every command the shell exposes
//! (`src-tauri/build.rs`) is registered (`generate_handler!`) and allowed (the capability)
//! — no more, no less — and has a row in [`CHECKS`] saying how its input is validated.
//! Each row with input feeds the session a bad value (an id that names nothing, a path
//! that is not there, a value out of range) and expects the error kind the UI branches
//! on, with nothing written to the project. A new command without a row fails here. The
//! command map the UI is typed by (`commands.rs`) is checked against the shell's
//! signatures, and its generated TypeScript against the committed file.

use super::*;

/// How a command's input is checked.
enum Check {
    /// It takes no input beyond the open project; without one it says so (this call on a
    /// session with no project must fail with `NoProject`).
    NoInput(fn(&mut Session) -> IpcResult<()>),
    /// It takes no input and works with no project open (why, in the row's comment).
    Free,
    /// Given this bad input, it refuses with this kind and writes nothing.
    Refuses(ErrorKind, fn(&mut Session, &Fixture) -> IpcResult<()>),
}

/// What bad inputs point at.
struct Fixture {
    project: PathBuf,
    missing: PathBuf,
    missing_dir: PathBuf,
    plain_dir: PathBuf,
}

fn id(s: &str) -> ModuleId {
    ModuleId(s.to_owned())
}

const T: Timestamp = Timestamp(9);

const CHECKS: &[(&str, Check)] = &[
    // What the window shows on (re)load, project or not.
    ("session_state", Check::Free),
    (
        "create_project",
        Check::Refuses(ErrorKind::AlreadyExists, |s, f| {
            s.create_project(&f.project, T).map(drop)
        }),
    ),
    (
        "open_project",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.open_project(&f.missing).map(drop)
        }),
    ),
    // The start page's list, before any project is open.
    ("recent_projects", Check::Free),
    (
        "import_library",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.import_library(&f.missing_dir, &Cancel::default(), T, &mut |_| {})
                .map(drop)
        }),
    ),
    (
        "catalog_preview",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.catalog_preview(&f.missing).map(drop)
        }),
    ),
    (
        "map_catalog_columns",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.map_catalog_columns(&f.missing, &model::CatalogColumns::default(), T)
                .map(drop)
        }),
    ),
    ("list_modules", Check::NoInput(|s| s.modules().map(drop))),
    (
        "list_libraries",
        Check::NoInput(|s| s.libraries().map(drop)),
    ),
    (
        "remove_library",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.remove_library(&model::LibraryId("no-such-library".into()), T)
                .map(drop)
        }),
    ),
    (
        "get_module",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.module(&id("no-such-module")).map(drop)
        }),
    ),
    ("audit_log", Check::NoInput(|s| s.audit_log().map(drop))),
    ("check_graph", Check::NoInput(|s| s.check_graph().map(drop))),
    ("list_rules", Check::NoInput(|s| s.rules().map(drop))),
    (
        "save_rule",
        Check::Refuses(ErrorKind::BadInput, |s, _| {
            let rule: rules::Rule = serde_json::from_value(serde_json::json!({
            "id": "", "kind": "reengagement", "explanation": "", "idle_days": 7, "manager_after_days": 7
        })).expect("the rule parses");
            s.save_rule(rule, T).map(drop)
        }),
    ),
    (
        "delete_rule",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.delete_rule("no-such-rule", T).map(drop)
        }),
    ),
    (
        "why",
        Check::Refuses(ErrorKind::BadInput, |s, _| {
            s.why(&SampleLearner {
                attributes: model::Attributes::default(),
                scores: vec![("no/such/module.md".to_owned(), 50.0)],
            })
            .map(drop)
        }),
    ),
    (
        "simulate",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            let request = engine::SimulationRequest {
                cohort: None,
                learners: 10,
                seed: 1,
                bundles: vec![f.missing.clone()],
            };
            s.simulate(&request, &Cancel::default(), &mut |_| {})
                .map(drop)
        }),
    ),
    (
        "simulation_journey",
        Check::Refuses(ErrorKind::BadInput, |s, _| {
            let request = engine::SimulationRequest {
                cohort: None,
                learners: 10,
                seed: 1,
                bundles: vec![],
            };
            s.simulation_journey(&request, true, 10).map(drop)
        }),
    ),
    ("cohort", Check::NoInput(|s| s.cohort().map(drop))),
    (
        "set_cohort",
        Check::Refuses(ErrorKind::BadInput, |s, _| {
            let cohort = model::Cohort {
                segments: vec![],
                bkt: model::Bkt::default(),
            };
            s.set_cohort(Some(cohort), T).map(drop)
        }),
    ),
    (
        "tag_modules",
        Check::NoInput(|s| s.tag_modules(&Cancel::default(), T, &mut |_| {}).map(drop)),
    ),
    // Sets the cancel flag of whatever runs; nothing to validate.
    ("cancel_operation", Check::Free),
    (
        "module_insight",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.module_insight(&id("no-such-module")).map(drop)
        }),
    ),
    // Where the model is: the settings dialog asks before any project is open.
    ("model_status", Check::Free),
    (
        "choose_model",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.choose_model(&f.missing_dir, T).map(drop)
        }),
    ),
    (
        "review_queue",
        Check::Refuses(ErrorKind::BadInput, |s, _| {
            s.review_queue(None, None, Some(1.5)).map(drop)
        }),
    ),
    (
        "decide_tags",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.decide_tags(
                &[(id("no-such-module"), model::SkillId("no-such-skill".into()))],
                model::TagState::Accepted,
                None,
                T,
            )
            .map(drop)
        }),
    ),
    (
        "export_review_pack",
        Check::Refuses(ErrorKind::UnknownId, |s, f| {
            s.export_review_pack(
                &f.plain_dir.join("pack.html"),
                Some("no-such-skill".into()),
                None,
                T,
            )
            .map(drop)
        }),
    ),
    ("calibration", Check::NoInput(|s| s.calibration().map(drop))),
    (
        "set_module_level",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.set_module_level(&id("no-such-module"), Some(model::Level::Advanced), T)
                .map(drop)
        }),
    ),
    (
        "edit_tag",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.edit_tag(&id("no-such-module"), "pricing", "negotiation", None, T)
                .map(drop)
        }),
    ),
    (
        "undo_edit",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.undo_edit(
                &model::TagEdit {
                    module: id("no-such-module"),
                    from: "pricing".into(),
                    to: "negotiation".into(),
                    before: model::TagState::Suggested,
                    added: true,
                },
                T,
            )
        }),
    ),
    // This machine's profile, not the project's.
    ("get_profile", Check::Free),
    (
        "set_profile",
        Check::Refuses(ErrorKind::BadInput, |s, _| {
            s.set_profile(model::Profile {
                name: "  ".into(),
                role: model::Role::Sme,
            })
            .map(drop)
        }),
    ),
    (
        "verify_audit",
        Check::NoInput(|s| s.verify_audit().map(drop)),
    ),
    (
        "export_audit",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.export_audit(&f.missing_dir.join("audit.csv"), model::AuditFormat::Csv)
        }),
    ),
    (
        "backup_project",
        Check::Refuses(ErrorKind::AlreadyExists, |s, f| {
            s.backup_project(&f.project)
        }),
    ),
    (
        "module_preview",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.module_preview(&id("no-such-module")).map(drop)
        }),
    ),
    (
        "restore_project",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.restore_project(&f.missing, T).map(drop)
        }),
    ),
    (
        "set_auto_accept",
        Check::Refuses(ErrorKind::BadInput, |s, _| {
            s.set_auto_accept(Some(1.5), T).map(drop)
        }),
    ),
    (
        "import_review_decisions",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.import_review_decisions(&f.missing, T).map(drop)
        }),
    ),
    (
        "preview_export",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.preview_export(&ExportRequest {
                target: lms::Target::Moodle,
                folder: f.missing_dir.join("out").display().to_string(),
                mapping: Some(f.missing.display().to_string()),
                remote_images: false,
                carry_items: false,
            })
            .map(drop)
        }),
    ),
    (
        "sync_lrs",
        // An address holding a password is refused before anything is read or sent.
        Check::Refuses(ErrorKind::BadInput, |s, _| {
            let request = LrsRequest {
                endpoint: "https://key:secret@lrs.example.com/xAPI/".to_owned(),
                credentials: None,
                source: LrsSource::SimulatedLearners,
                dry_run: true,
            };
            s.sync_lrs(&request, &Cancel::default(), &mut |_| {}, Timestamp(9))
                .map(drop)
        }),
    ),
    (
        "preview_copy_merge",
        // A file that is not there is named.
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.preview_copy_merge(&f.missing).map(drop)
        }),
    ),
    (
        "merge_copy",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.merge_copy(&f.missing, &engine::Resolutions::default(), T)
                .map(drop)
        }),
    ),
    (
        "export_course",
        Check::Refuses(ErrorKind::Conflict, |s, f| {
            s.export(
                &ExportRequest {
                    target: lms::Target::Moodle,
                    folder: f.plain_dir.display().to_string(),
                    mapping: None,
                    remote_images: false,
                    carry_items: false,
                },
                &Cancel::default(),
                &mut |_| {},
                T,
            )
            .map(drop)
        }),
    ),
    ("graph_view", Check::NoInput(|s| s.graph_view().map(drop))),
    (
        "add_prerequisite",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.add_prerequisite(&id("no-such-a"), &id("no-such-b"), None, T)
                .map(drop)
        }),
    ),
    (
        "remove_prerequisite",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.remove_prerequisite(&id("no-such-a"), &id("no-such-b"), T)
                .map(drop)
        }),
    ),
    (
        "cycle_if_added",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.cycle_if_added(&id("no-such-a"), &id("no-such-b"))
                .map(drop)
        }),
    ),
    (
        "suggest_prerequisites",
        Check::Refuses(ErrorKind::BadInput, |s, _| {
            s.suggest_prerequisites(0, None, &Cancel::default(), &mut |_| {})
                .map(drop)
        }),
    ),
    (
        "dismiss_suggestion",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.dismiss_suggestion(&id("no-such-a"), &id("no-such-b"), T)
                .map(drop)
        }),
    ),
    (
        "restore_suggestion",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.restore_suggestion(&id("no-such-a"), &id("no-such-b"), T)
                .map(drop)
        }),
    ),
    (
        "taxonomy_view",
        Check::NoInput(|s| s.taxonomy_view().map(drop)),
    ),
    (
        "add_skill",
        Check::Refuses(ErrorKind::BadInput, |s, _| {
            s.add_skill("Not a slug!", "Name", None, T).map(drop)
        }),
    ),
    (
        "remove_skill",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.remove_skill("no-such-skill", T).map(drop)
        }),
    ),
    (
        "rename_skill",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.rename_skill("no-such-skill", "Name", T).map(drop)
        }),
    ),
    (
        "move_skill",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.move_skill("no-such-skill", None, T).map(drop)
        }),
    ),
    (
        "retire_skill",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.retire_skill("no-such-skill", true, T).map(drop)
        }),
    ),
    (
        "merge_preview",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.merge_preview("no-such-a", "no-such-b").map(drop)
        }),
    ),
    (
        "merge_skill",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.merge_skill("no-such-a", "no-such-b", T).map(drop)
        }),
    ),
    (
        "unmerge_skill",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.unmerge_skill(999_999, T).map(drop)
        }),
    ),
    (
        "track_drafts",
        Check::NoInput(|s| s.track_drafts().map(drop)),
    ),
    (
        "add_track",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            let draft = model::TrackDraft {
                slug: "new".into(),
                name: "New".into(),
                targets: vec![model::TrackTarget {
                    skill: "no-such-skill".into(),
                    level: None,
                }],
                ..Default::default()
            };
            s.add_track(&draft, T).map(drop)
        }),
    ),
    (
        "edit_track",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.edit_track("no-such-track", &model::TrackDraft::default(), T)
                .map(drop)
        }),
    ),
    (
        "remove_track",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.remove_track("no-such-track", T).map(drop)
        }),
    ),
    (
        "track_path",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.track_path("no-such-track").map(drop)
        }),
    ),
    (
        "describe_skill",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.describe_skill("no-such-skill", "text", T).map(drop)
        }),
    ),
    (
        "set_skill_examples",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.set_skill_examples("no-such-skill", vec!["x".into()], T)
                .map(drop)
        }),
    ),
    (
        "import_taxonomy",
        Check::Refuses(ErrorKind::NotFound, |s, f| {
            s.import_taxonomy(&f.missing, T).map(drop)
        }),
    ),
    (
        "add_skill_prerequisite",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.add_skill_prerequisite("no-such-a", "no-such-b", T)
                .map(drop)
        }),
    ),
    (
        "remove_skill_prerequisite",
        Check::Refuses(ErrorKind::UnknownId, |s, _| {
            s.remove_skill_prerequisite("no-such-a", "no-such-b", T)
                .map(drop)
        }),
    ),
];

/// The quoted names in the part of `text` between `start` and the next `end`.
fn names_between(text: &str, start: &str, end: &str) -> Vec<String> {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} is there"))
        + start.len();
    let part = &text[from..from + text[from..].find(end).expect("the list ends")];
    part.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_exposed_command_is_registered_allowed_and_has_a_validation_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src-tauri");
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let mut exposed = names_between(&read("build.rs"), "COMMANDS: &[&str] = &[", "];");
    exposed.sort();
    let shell = read("src/lib.rs");
    let handler = &shell[shell.find("generate_handler![").expect("one handler list")..];
    let handler = &handler[..handler.find(']').unwrap()];
    let mut registered: Vec<String> = handler["generate_handler![".len()..]
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    registered.sort();
    assert_eq!(
        exposed, registered,
        "every command in build.rs is registered with the handler, and only those"
    );
    let capability: serde_json::Value =
        serde_json::from_str(&read("capabilities/main.json")).unwrap();
    let mut allowed: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            p.as_str()?
                .strip_prefix("allow-")
                .map(|c| c.replace('-', "_"))
        })
        .collect();
    allowed.sort();
    assert_eq!(
        exposed, allowed,
        "the window is allowed exactly the commands the shell exposes"
    );
    let mut checked: Vec<String> = CHECKS.iter().map(|(n, _)| (*n).to_owned()).collect();
    checked.sort();
    assert_eq!(
        exposed, checked,
        "every exposed command needs a row in CHECKS (how its input is validated, and a bad \
         input it refuses); commands without one, or rows for commands that are gone"
    );
}

#[test]
fn every_command_refuses_bad_input_with_its_kind_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding");
    let fixture = Fixture {
        project: root.join("p.pathforge"),
        missing: root.join("missing.file"),
        missing_dir: root.join("missing-folder"),
        plain_dir: root.join("notes"),
    };
    std::fs::create_dir(&fixture.plain_dir).unwrap();
    std::fs::write(fixture.plain_dir.join("todo.txt"), "mine").unwrap();
    let mut s = Session::start(Some(&fixture.project), None, Timestamp(1));
    s.set_profile_place(root.join("config"));
    s.import_library(&library, &Cancel::default(), Timestamp(2), &mut |_| {})
        .unwrap();
    let mut wrong = Vec::new();
    for (name, check) in CHECKS {
        let (kind, call) = match check {
            Check::Refuses(kind, call) => (kind, call),
            Check::NoInput(call) => {
                match call(&mut Session::default()) {
                    Err(e) if e.kind == ErrorKind::NoProject => {}
                    other => wrong.push(format!("{name}: with no project open: {other:?}")),
                }
                continue;
            }
            Check::Free => continue,
        };
        let before = s.audit_log().unwrap().len();
        match call(&mut s, &fixture) {
            Ok(()) => wrong.push(format!("{name}: accepted a bad input")),
            Err(e) if e.kind != *kind => wrong.push(format!(
                "{name}: refused as {:?}, want {kind:?}: {}",
                e.kind, e.message
            )),
            Err(e) if e.message.trim().is_empty() => wrong.push(format!("{name}: says no reason")),
            Err(_) => {}
        }
        if s.audit_log().unwrap().len() != before {
            wrong.push(format!("{name}: a refused call wrote to the project"));
        }
    }
    assert!(
        wrong.is_empty(),
        "every bad input is refused with its kind:\n{}",
        wrong.join("\n")
    );
    assert_eq!(
        std::fs::read_to_string(fixture.plain_dir.join("todo.txt")).unwrap(),
        "mine",
        "an export never replaces a folder that is not an export"
    );
}

const COMMANDS_TS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/lib/commands.ts");

#[test]
fn the_ui_command_map_is_up_to_date() {
    let fresh = commands_ts();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(COMMANDS_TS, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(COMMANDS_TS).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/commands.ts is stale: the command map changed. Run `make bindings` and \
         commit the result."
    );
}

#[test]
fn every_type_the_command_map_names_is_in_the_bindings() {
    let commands = commands_ts();
    let names = commands
        .lines()
        .filter(|l| l.ends_with("from './bindings';"))
        .find_map(|l| l.strip_prefix("import type {"))
        .and_then(|l| l.split_once('}'))
        .map(|(names, _)| names)
        .expect("commands.ts imports its types from bindings.ts");
    let bindings = bindings();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        assert!(
            bindings.contains(&format!("export type {name} ")),
            "{name} is named by a command but not declared in bindings.ts: add it to \
             bindings::bindings()"
        );
    }
}

/// A Rust type as written, without spaces and with paths dropped (`model::Profile` →
/// `Profile`), as each side imports its types its own way.
fn unpath(t: &str) -> String {
    let t: String = t.split_whitespace().collect();
    let mut out = String::new();
    let mut word = String::new();
    for c in t.chars().chain([' ']) {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or(&word));
            word.clear();
            if c != ' ' {
                out.push(c);
            }
        }
    }
    out
}

/// A command's name, arguments (name, Rust type) and result type.
type Signature = (String, Vec<(String, String)>, String);

/// The shell's `#[tauri::command]` functions, read from their source: name, arguments
/// other than Tauri's own state (name, Rust type) and the `IpcResult` type (`()` for
/// none). Paths are dropped from types (`model::Profile` → `Profile`), as each side
/// imports them its own way.
fn shell_signatures() -> Vec<Signature> {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../src-tauri/src/lib.rs"
    ))
    .expect("the shell's source is beside the crates");
    let mut out = Vec::new();
    for chunk in src.split("#[tauri::command").skip(1) {
        let after_fn = chunk.split_once("fn ").expect("a command is a function").1;
        let (name, rest) = after_fn.split_once('(').expect("a command has arguments");
        // The argument list ends at the parenthesis that closes the first one.
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .expect("the argument list closes")
            .0;
        let (list, tail) = (&rest[..end], &rest[end + 1..]);
        let mut args = Vec::new();
        let (mut depth, mut part) = (0, String::new());
        for c in list.chars().chain([',']) {
            match c {
                '<' | '(' => depth += 1,
                '>' | ')' => depth -= 1,
                _ => {}
            }
            if c == ',' && depth == 0 {
                if let Some((n, t)) = part.split_once(':') {
                    let t = unpath(t);
                    if !t.starts_with("State<") {
                        args.push((n.trim().to_owned(), t));
                    }
                }
                part.clear();
            } else {
                part.push(c);
            }
        }
        let signature_end = tail.find('{').expect("a command has a body");
        let result = match tail[..signature_end].trim().strip_prefix("->") {
            Some(r) => {
                let r = unpath(r);
                r.strip_prefix("IpcResult<")
                    .and_then(|r| r.strip_suffix('>'))
                    .map(str::to_owned)
                    .unwrap_or(r)
            }
            None => "()".to_owned(),
        };
        out.push((name.trim().to_owned(), args, result));
    }
    out
}

#[test]
fn every_shell_command_runs_off_the_windows_thread() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../src-tauri/src/lib.rs"
    ))
    .expect("the shell's source is beside the crates");
    let on_window: Vec<&str> = src
        .split("#[tauri::command")
        .skip(1)
        .filter(|chunk| !chunk.starts_with("(async)]"))
        .filter_map(|chunk| chunk.split_once("fn ")?.1.split_once('(').map(|(n, _)| n))
        .collect();
    // A command on the window's thread that takes the session waits there while an
    // import, tagging or a suggestion holds it: the window, and the Escape that would
    // cancel, freeze until it ends (seen in the real-window import scenario).
    assert!(
        on_window.is_empty(),
        "every command is #[tauri::command(async)]; these run on the window's thread: {on_window:?}"
    );
}

#[test]
fn the_command_map_matches_the_shells_signatures() {
    let shell = shell_signatures();
    assert_eq!(
        shell.len(),
        73,
        "the shell's 73 commands are read: {shell:?}"
    );
    let map: Vec<Signature> = commands()
        .into_iter()
        .map(|c| {
            (
                c.name.to_owned(),
                c.args
                    .iter()
                    .map(|a| (a.name.to_owned(), a.rust.split_whitespace().collect()))
                    .collect(),
                c.result_rust.split_whitespace().collect(),
            )
        })
        .collect();
    // Compare types with paths dropped on both sides.
    let norm = |v: Vec<Signature>| -> Vec<String> {
        v.into_iter()
            .map(|(n, args, r)| {
                let args: Vec<String> = args
                    .iter()
                    .map(|(a, t)| format!("{a}: {}", unpath(t)))
                    .collect();
                format!("{n}({}) -> {}", args.join(", "), unpath(&r))
            })
            .collect()
    };
    let (shell, map) = (norm(shell), norm(map));
    for (s, m) in shell.iter().zip(&map) {
        assert_eq!(
            s, m,
            "the command map (crates/session/src/commands.rs) declares each command as the \
             shell (src-tauri/src/lib.rs) does, in its order"
        );
    }
    assert_eq!(shell.len(), map.len(), "as many commands on both sides");
}
