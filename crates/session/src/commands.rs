//! The window's command map: every command the shell registers, with its arguments and
//! result as Rust types. From it comes `ui/src/lib/commands.ts`, which types the UI's one
//! `call` (a wrong command name, argument or result is a type error in the UI), and
//! against it the shell's own signatures are checked (`src-tauri/src/lib.rs`), so the
//! three cannot drift apart. Generated with the bindings (`make bindings`).

use std::path::PathBuf;

use super::*;

/// One command: its name, its arguments (as the UI names them, camelCase, with the Rust
/// type the shell declares and the TypeScript type it becomes) and its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandDecl {
    pub name: &'static str,
    pub args: Vec<ArgDecl>,
    /// The Rust type of the `IpcResult` the shell returns (`()` for none).
    pub result_rust: &'static str,
    pub result_ts: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    /// As the shell names it (snake_case); the UI sends it camelCase.
    pub name: &'static str,
    pub rust: &'static str,
    pub ts: String,
}

/// TypeScript for `T` as a command carries it: JSON numbers stay `number` (ts-rs writes
/// 64-bit integers as `bigint`; the window's values stay below 2^53) and no result is
/// `void`.
fn ts<T: TS + ?Sized>(cfg: &ts_rs::Config) -> String {
    match T::name(cfg).as_str() {
        "null" => "void".to_owned(),
        name => name.replace("bigint", "number"),
    }
}

macro_rules! commands {
    ( $( $name:ident ( $( $arg:ident : $ty:ty ),* $( ; progress : $progress:ty )? ) -> $ret:ty ; )* ) => {
        /// Every command the window may call, in the shell's order.
        pub fn commands() -> Vec<CommandDecl> {
            let cfg = ts_rs::Config::default();
            vec![ $( CommandDecl {
                name: stringify!($name),
                args: {
                    #[allow(unused_mut)]
                    let mut args = vec![ $( ArgDecl {
                        name: stringify!($arg),
                        rust: stringify!($ty),
                        ts: ts::<$ty>(&cfg),
                    } ),* ];
                    $( args.push(ArgDecl {
                        name: "on_progress",
                        rust: concat!("Channel<", stringify!($progress), ">"),
                        ts: format!("Channel<{}>", ts::<$progress>(&cfg)),
                    }); )?
                    args
                },
                result_rust: stringify!($ret),
                result_ts: ts::<$ret>(&cfg),
            } ),* ]
        }
    };
}

// `; progress: T` is the `on_progress: Channel<T>` a long command reports through.
commands! {
    session_state() -> SessionState;
    create_project(path: PathBuf) -> ProjectInfo;
    open_project(path: PathBuf) -> ProjectInfo;
    recent_projects() -> Vec<model::RecentProject>;
    import_library(path: PathBuf; progress: ImportProgress) -> ImportReport;
    catalog_preview(path: PathBuf) -> model::CatalogPreview;
    map_catalog_columns(path: PathBuf, columns: model::CatalogColumns) -> model::CatalogPreview;
    verify_audit() -> model::AuditCheck;
    export_audit(path: PathBuf, format: model::AuditFormat) -> ();
    module_preview(id: ModuleId) -> String;
    backup_project(dest: PathBuf) -> ();
    restore_project(from: PathBuf) -> Restored;
    get_profile() -> Option<model::Profile>;
    set_profile(profile: model::Profile) -> model::Profile;
    edit_tag(module: ModuleId, from: String, to: String, note: Option<String>) -> model::TagEdit;
    undo_edit(edit: model::TagEdit) -> ();
    set_module_level(module: ModuleId, level: Option<model::Level>) -> Module;
    calibration() -> model::Calibration;
    set_auto_accept(threshold: Option<f64>) -> model::Calibration;
    export_review_pack(path: PathBuf, skill: Option<String>, min_confidence: Option<f64>) -> u32;
    import_review_decisions(path: PathBuf) -> model::DecisionsImport;
    list_modules() -> Vec<ModuleSummary>;
    list_libraries() -> Vec<model::LibrarySummary>;
    remove_library(library: model::LibraryId) -> model::LibraryRemoved;
    get_module(id: ModuleId) -> Module;
    check_graph() -> Vec<Finding>;
    list_rules() -> RulesView;
    save_rule(rule: rules::Rule) -> Vec<Finding>;
    delete_rule(id: String) -> Vec<Finding>;
    why(learner: SampleLearner) -> Vec<rules::Decision>;
    simulate(request: engine::SimulationRequest; progress: engine::SimulationProgress) -> engine::Simulation;
    simulation_journey(request: engine::SimulationRequest, rules: bool, learner: u64) -> simulate::Journey;
    cohort() -> Option<model::Cohort>;
    set_cohort(cohort: Option<model::Cohort>) -> Option<model::Cohort>;
    tag_modules(; progress: TagProgress) -> model::TagReport;
    cancel_operation() -> ();
    module_insight(id: ModuleId) -> model::ModuleInsight;
    review_queue(tag_state: Option<model::TagState>, skill: Option<String>, min_confidence: Option<f64>) -> Vec<model::Tag>;
    decide_tags(tags: Vec<(ModuleId, model::SkillId)>, tag_state: model::TagState, note: Option<String>) -> usize;
    model_status() -> ModelStatus;
    choose_model(path: PathBuf) -> ModelStatus;
    audit_log() -> Vec<model::AuditLine>;
    graph_view() -> GraphView;
    add_prerequisite(before: ModuleId, after: ModuleId, group: Option<model::PrerequisiteGroup>) -> GraphView;
    remove_prerequisite(before: ModuleId, after: ModuleId) -> GraphView;
    cycle_if_added(before: ModuleId, after: ModuleId) -> Option<Vec<ModuleId>>;
    suggest_prerequisites(limit: u32, about: Option<ModuleId>; progress: f64) -> Vec<model::PrerequisiteSuggestion>;
    dismiss_suggestion(before: ModuleId, after: ModuleId) -> bool;
    restore_suggestion(before: ModuleId, after: ModuleId) -> bool;
    taxonomy_view() -> TaxonomyView;
    add_skill(slug: String, name: String, parent: Option<String>) -> TaxonomyView;
    remove_skill(slug: String) -> TaxonomyView;
    rename_skill(slug: String, name: String) -> TaxonomyView;
    move_skill(slug: String, parent: Option<String>) -> TaxonomyView;
    retire_skill(slug: String, retired: bool) -> TaxonomyView;
    merge_preview(from: String, into: String) -> model::MergePreview;
    merge_skill(from: String, into: String) -> model::SkillMerge;
    unmerge_skill(audit: i64) -> TaxonomyView;
    import_taxonomy(path: PathBuf) -> TaxonomyView;
    set_skill_examples(slug: String, examples: Vec<String>) -> TaxonomyView;
    describe_skill(slug: String, description: String) -> TaxonomyView;
    add_skill_prerequisite(before: String, after: String) -> TaxonomyView;
    remove_skill_prerequisite(before: String, after: String) -> TaxonomyView;
    track_drafts() -> Vec<model::TrackDraft>;
    add_track(draft: model::TrackDraft) -> Vec<model::TrackDraft>;
    edit_track(slug: String, draft: model::TrackDraft) -> Vec<model::TrackDraft>;
    remove_track(slug: String) -> Vec<model::TrackDraft>;
    track_path(track: String) -> model::TrackPath;
    preview_export(request: ExportRequest) -> ExportPreview;
    export_course(request: ExportRequest; progress: ExportProgress) -> ExportPreview;
    sync_lrs(request: LrsRequest; progress: LrsProgress) -> lrs::SyncReport;
    preview_copy_merge(path: PathBuf) -> engine::MergeReport;
    merge_copy(path: PathBuf, resolutions: engine::Resolutions) -> engine::MergeReport;
}

/// `snake_case` → `camelCase`, as Tauri names a command's arguments on the JavaScript side.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// `ui/src/lib/commands.ts`: the command map as a TypeScript type.
pub fn commands_ts() -> String {
    let commands = commands();
    let mut names: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut body = String::new();
    for c in &commands {
        let args: Vec<String> = c
            .args
            .iter()
            .map(|a| format!("{}: {}", camel(a.name), a.ts))
            .collect();
        let args = match args.is_empty() {
            true => "{}".to_owned(),
            false => format!("{{ {} }}", args.join("; ")),
        };
        body.push_str(&format!(
            "  {}: {{ args: {args}; result: {} }};\n",
            c.name, c.result_ts
        ));
        let types = c
            .args
            .iter()
            .map(|a| a.ts.as_str())
            .chain([c.result_ts.as_str()]);
        for t in types {
            for word in t.split(|ch: char| !ch.is_alphanumeric() && ch != '_') {
                if word.starts_with(|ch: char| ch.is_ascii_uppercase())
                    && !matches!(word, "Array" | "Channel" | "Record")
                {
                    names.insert(word.to_owned());
                }
            }
        }
    }
    let imports: Vec<String> = names.into_iter().collect();
    format!(
        "// Generated from crates/session/src/commands.rs by `make bindings`\n\
         // (UPDATE_BINDINGS=1 cargo test -p session). Do not edit.\n\n\
         import type {{ Channel }} from '@tauri-apps/api/core';\n\
         import type {{ {} }} from './bindings';\n\n\
         /** Every command the window may call: its arguments and its result. */\n\
         export type Commands = {{\n{body}}};\n",
        imports.join(", ")
    )
}
