//! The session as the window drives it, and the generated bindings.

use super::*;

const BINDINGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/lib/bindings.ts");

#[test]
fn typescript_bindings_are_up_to_date() {
    let fresh = bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(BINDINGS, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(BINDINGS).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is stale: the Rust IPC types changed. Run `make bindings` \
         and commit the result."
    );
}

#[test]
fn errors_cross_as_kind_and_message() {
    let mut s = Session::default();
    let err = s.modules().unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::NoProject,
        "listing needs an open project"
    );
    let tmp = tempfile::tempdir().unwrap();
    let err = s
        .open_project(&tmp.path().join("missing.pathforge"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{}", err.message);
    assert!(
        err.message.contains("missing.pathforge"),
        "the message names the file"
    );
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(
        json["kind"], "not_found",
        "kinds are snake_case strings on the wire"
    );
}

#[test]
fn starting_with_a_project_and_a_library_opens_and_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    std::fs::write(lib.join("a.md"), "# Alpha\n\ntext").unwrap();
    let file = tmp.path().join("new");

    let s = Session::start(Some(&file), Some(&lib), Timestamp(1));
    let state = s.state().unwrap();
    assert_eq!(state.startup_error, None, "a clean start reports no error");
    assert!(
        state.project.unwrap().path.ends_with("new.pathforge"),
        "a missing project is created, with the .pathforge extension added"
    );
    assert_eq!(
        s.modules().unwrap().len(),
        1,
        "the library was imported at start"
    );

    // Start again on the same file: it is opened, not re-created.
    let s = Session::start(Some(&tmp.path().join("new.pathforge")), None, Timestamp(2));
    assert_eq!(
        s.modules().unwrap().len(),
        1,
        "the existing project is opened as it was"
    );

    let s = Session::start(Some(&file), Some(&tmp.path().join("nope")), Timestamp(3));
    let state = s.state().unwrap();
    assert_eq!(
        state.startup_error.map(|e| e.kind),
        Some(ErrorKind::NotFound),
        "a failed start-up import is kept for the window to show"
    );
    assert!(
        state.project.is_some(),
        "the project stays open even though the import failed"
    );
}
