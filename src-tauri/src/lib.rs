//! The desktop shell: Tauri commands that each translate one IPC call into one call on the
//! window's [`session::Session`]. No logic lives here; see `crates/session` and `crates/engine`.
//!
//! Every command is `async`: it runs on Tauri's worker threads, never on the window's. An
//! import, auto-tagging or a suggestion holds the session for seconds; a command run on the
//! window's thread would wait for it there, and the window (its progress bar, and the
//! Escape that cancels) would freeze until it was done. The UI sends its commands one at a
//! time, in order (`ui/src/lib/api.ts`), so they still run as they were asked; only
//! `cancel_operation`, which does not take the session, goes at once.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use model::{
    AuditLine, Finding, ImportReport, MergePreview, Module, ModuleId, ModuleSummary, ProjectInfo,
    SkillMerge, Timestamp,
};
use session::{
    Cancel, ExportPreview, ExportProgress, ExportRequest, GraphView, ImportProgress, IpcResult,
    LrsProgress, LrsRequest, ModelStatus, RulesView, SampleLearner, Session, SessionState,
    TagProgress, TaxonomyView,
};
use tauri::ipc::Channel;
use tauri::{Emitter, Manager, State};

type Shared = Mutex<Session>;

fn session<'a>(state: &'a State<'_, Shared>) -> MutexGuard<'a, Session> {
    // A panic in one command must not lock the user out of their project.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[tauri::command(async)]
fn session_state(state: State<'_, Shared>) -> IpcResult<SessionState> {
    session(&state).state()
}

#[tauri::command(async)]
fn create_project(state: State<'_, Shared>, path: PathBuf) -> IpcResult<ProjectInfo> {
    session(&state).create_project(&path, Timestamp::now())
}

#[tauri::command(async)]
fn open_project(state: State<'_, Shared>, path: PathBuf) -> IpcResult<ProjectInfo> {
    session(&state).open_project(&path)
}

#[tauri::command(async)]
fn recent_projects(state: State<'_, Shared>) -> IpcResult<Vec<model::RecentProject>> {
    session(&state).recent_projects()
}

#[tauri::command(async)]
fn import_library(
    state: State<'_, Shared>,
    cancel: State<'_, Cancel>,
    path: PathBuf,
    on_progress: Channel<ImportProgress>,
) -> IpcResult<ImportReport> {
    session(&state).import_library(&path, &cancel, Timestamp::now(), &mut |p| {
        drop(on_progress.send(p))
    })
}

#[tauri::command(async)]
fn catalog_preview(state: State<'_, Shared>, path: PathBuf) -> IpcResult<model::CatalogPreview> {
    session(&state).catalog_preview(&path)
}

#[tauri::command(async)]
fn map_catalog_columns(
    state: State<'_, Shared>,
    path: PathBuf,
    columns: model::CatalogColumns,
) -> IpcResult<model::CatalogPreview> {
    session(&state).map_catalog_columns(&path, &columns, Timestamp::now())
}

#[tauri::command(async)]
fn verify_audit(state: State<'_, Shared>) -> IpcResult<model::AuditCheck> {
    session(&state).verify_audit()
}

#[tauri::command(async)]
fn export_audit(
    state: State<'_, Shared>,
    path: PathBuf,
    format: model::AuditFormat,
) -> IpcResult<()> {
    session(&state).export_audit(&path, format)
}

#[tauri::command(async)]
fn module_preview(state: State<'_, Shared>, id: ModuleId) -> IpcResult<String> {
    session(&state).module_preview(&id)
}

#[tauri::command(async)]
fn backup_project(state: State<'_, Shared>, dest: PathBuf) -> IpcResult<()> {
    session(&state).backup_project(&dest)
}

#[tauri::command(async)]
fn restore_project(state: State<'_, Shared>, from: PathBuf) -> IpcResult<session::Restored> {
    session(&state).restore_project(&from, Timestamp::now())
}

#[tauri::command(async)]
fn get_profile(state: State<'_, Shared>) -> IpcResult<Option<model::Profile>> {
    session(&state).profile()
}

#[tauri::command(async)]
fn set_profile(state: State<'_, Shared>, profile: model::Profile) -> IpcResult<model::Profile> {
    session(&state).set_profile(profile)
}

#[tauri::command(async)]
fn edit_tag(
    state: State<'_, Shared>,
    module: ModuleId,
    from: String,
    to: String,
    note: Option<String>,
) -> IpcResult<model::TagEdit> {
    session(&state).edit_tag(&module, &from, &to, note.as_deref(), Timestamp::now())
}

#[tauri::command(async)]
fn undo_edit(state: State<'_, Shared>, edit: model::TagEdit) -> IpcResult<()> {
    session(&state).undo_edit(&edit, Timestamp::now())
}

#[tauri::command(async)]
fn set_module_level(
    state: State<'_, Shared>,
    module: ModuleId,
    level: Option<model::Level>,
) -> IpcResult<Module> {
    session(&state).set_module_level(&module, level, Timestamp::now())
}

#[tauri::command(async)]
fn calibration(state: State<'_, Shared>) -> IpcResult<model::Calibration> {
    session(&state).calibration()
}

#[tauri::command(async)]
fn set_auto_accept(
    state: State<'_, Shared>,
    threshold: Option<f64>,
) -> IpcResult<model::Calibration> {
    session(&state).set_auto_accept(threshold, Timestamp::now())
}

#[tauri::command(async)]
fn export_review_pack(
    state: State<'_, Shared>,
    path: PathBuf,
    skill: Option<String>,
    min_confidence: Option<f64>,
) -> IpcResult<u32> {
    session(&state).export_review_pack(&path, skill, min_confidence, Timestamp::now())
}

#[tauri::command(async)]
fn import_review_decisions(
    state: State<'_, Shared>,
    path: PathBuf,
) -> IpcResult<model::DecisionsImport> {
    session(&state).import_review_decisions(&path, Timestamp::now())
}

#[tauri::command(async)]
fn list_modules(state: State<'_, Shared>) -> IpcResult<Vec<ModuleSummary>> {
    session(&state).modules()
}

#[tauri::command(async)]
fn list_libraries(state: State<'_, Shared>) -> IpcResult<Vec<model::LibrarySummary>> {
    session(&state).libraries()
}

#[tauri::command(async)]
fn remove_library(
    state: State<'_, Shared>,
    library: model::LibraryId,
) -> IpcResult<model::LibraryRemoved> {
    session(&state).remove_library(&library, Timestamp::now())
}

#[tauri::command(async)]
fn get_module(state: State<'_, Shared>, id: ModuleId) -> IpcResult<Module> {
    session(&state).module(&id)
}

#[tauri::command(async)]
fn check_graph(state: State<'_, Shared>) -> IpcResult<Vec<Finding>> {
    session(&state).check_graph()
}

#[tauri::command(async)]
fn list_rules(state: State<'_, Shared>) -> IpcResult<RulesView> {
    session(&state).rules()
}

#[tauri::command(async)]
fn save_rule(state: State<'_, Shared>, rule: rules::Rule) -> IpcResult<Vec<Finding>> {
    session(&state).save_rule(rule, Timestamp::now())
}

#[tauri::command(async)]
fn delete_rule(state: State<'_, Shared>, id: String) -> IpcResult<Vec<Finding>> {
    session(&state).delete_rule(&id, Timestamp::now())
}

#[tauri::command(async)]
fn why(state: State<'_, Shared>, learner: SampleLearner) -> IpcResult<Vec<rules::Decision>> {
    session(&state).why(&learner)
}

/// Runs a simulation; progress goes to `on_progress`.
#[tauri::command(async)]
fn simulate(
    state: State<'_, Shared>,
    cancel: State<'_, Cancel>,
    request: engine::SimulationRequest,
    on_progress: Channel<engine::SimulationProgress>,
) -> IpcResult<engine::Simulation> {
    session(&state).simulate(&request, &cancel, &mut |p| drop(on_progress.send(p)))
}

#[tauri::command(async)]
fn simulation_journey(
    state: State<'_, Shared>,
    request: engine::SimulationRequest,
    rules: bool,
    learner: u64,
) -> IpcResult<simulate::Journey> {
    session(&state).simulation_journey(&request, rules, learner)
}

#[tauri::command(async)]
fn cohort(state: State<'_, Shared>) -> IpcResult<Option<model::Cohort>> {
    session(&state).cohort()
}

#[tauri::command(async)]
fn set_cohort(
    state: State<'_, Shared>,
    cohort: Option<model::Cohort>,
) -> IpcResult<Option<model::Cohort>> {
    session(&state).set_cohort(cohort, Timestamp::now())
}

#[tauri::command(async)]
fn tag_modules(
    state: State<'_, Shared>,
    cancel: State<'_, Cancel>,
    on_progress: Channel<TagProgress>,
) -> IpcResult<model::TagReport> {
    // A progress message the window has gone away for is not an error.
    session(&state).tag_modules(&cancel, Timestamp::now(), &mut |p| {
        drop(on_progress.send(p))
    })
}

/// Stops the long operation in progress: an import, auto-tagging, a simulation, a send to
/// an LRS or suggesting prerequisites (each checks between steps).
#[tauri::command(async)]
fn cancel_operation(cancel: State<'_, Cancel>) {
    cancel.request()
}

#[tauri::command(async)]
fn module_insight(state: State<'_, Shared>, id: ModuleId) -> IpcResult<model::ModuleInsight> {
    session(&state).module_insight(&id)
}

#[tauri::command(async)]
fn review_queue(
    state: State<'_, Shared>,
    tag_state: Option<model::TagState>,
    skill: Option<String>,
    min_confidence: Option<f64>,
) -> IpcResult<Vec<model::Tag>> {
    session(&state).review_queue(tag_state, skill.as_deref(), min_confidence)
}

#[tauri::command(async)]
fn decide_tags(
    state: State<'_, Shared>,
    tags: Vec<(ModuleId, model::SkillId)>,
    tag_state: model::TagState,
    note: Option<String>,
) -> IpcResult<usize> {
    session(&state).decide_tags(&tags, tag_state, note.as_deref(), Timestamp::now())
}

#[tauri::command(async)]
fn model_status(state: State<'_, Shared>) -> IpcResult<ModelStatus> {
    session(&state).model_status()
}

#[tauri::command(async)]
fn choose_model(state: State<'_, Shared>, path: PathBuf) -> IpcResult<ModelStatus> {
    session(&state).choose_model(&path, Timestamp::now())
}

#[tauri::command(async)]
fn audit_log(state: State<'_, Shared>) -> IpcResult<Vec<AuditLine>> {
    session(&state).audit_log()
}

#[tauri::command(async)]
fn graph_view(state: State<'_, Shared>) -> IpcResult<GraphView> {
    session(&state).graph_view()
}

#[tauri::command(async)]
fn add_prerequisite(
    state: State<'_, Shared>,
    before: ModuleId,
    after: ModuleId,
    group: Option<model::PrerequisiteGroup>,
) -> IpcResult<GraphView> {
    session(&state).add_prerequisite(&before, &after, group, Timestamp::now())
}

#[tauri::command(async)]
fn remove_prerequisite(
    state: State<'_, Shared>,
    before: ModuleId,
    after: ModuleId,
) -> IpcResult<GraphView> {
    session(&state).remove_prerequisite(&before, &after, Timestamp::now())
}

#[tauri::command(async)]
fn cycle_if_added(
    state: State<'_, Shared>,
    before: ModuleId,
    after: ModuleId,
) -> IpcResult<Option<Vec<ModuleId>>> {
    session(&state).cycle_if_added(&before, &after)
}

/// Compares every pair of modules (seconds on thousands). Progress goes to
/// `on_progress`, and `cancel_operation` stops it.
#[tauri::command(async)]
fn suggest_prerequisites(
    state: State<'_, Shared>,
    cancel: State<'_, Cancel>,
    limit: u32,
    about: Option<ModuleId>,
    on_progress: Channel<f64>,
) -> IpcResult<Vec<model::PrerequisiteSuggestion>> {
    session(&state).suggest_prerequisites(limit, about.as_ref(), &cancel, &mut |p| {
        drop(on_progress.send(p))
    })
}

#[tauri::command(async)]
fn dismiss_suggestion(
    state: State<'_, Shared>,
    before: ModuleId,
    after: ModuleId,
) -> IpcResult<bool> {
    session(&state).dismiss_suggestion(&before, &after, Timestamp::now())
}

#[tauri::command(async)]
fn restore_suggestion(
    state: State<'_, Shared>,
    before: ModuleId,
    after: ModuleId,
) -> IpcResult<bool> {
    session(&state).restore_suggestion(&before, &after, Timestamp::now())
}

#[tauri::command(async)]
fn taxonomy_view(state: State<'_, Shared>) -> IpcResult<TaxonomyView> {
    session(&state).taxonomy_view()
}

#[tauri::command(async)]
fn add_skill(
    state: State<'_, Shared>,
    slug: String,
    name: String,
    parent: Option<String>,
) -> IpcResult<TaxonomyView> {
    session(&state).add_skill(&slug, &name, parent.as_deref(), Timestamp::now())
}

#[tauri::command(async)]
fn remove_skill(state: State<'_, Shared>, slug: String) -> IpcResult<TaxonomyView> {
    session(&state).remove_skill(&slug, Timestamp::now())
}

#[tauri::command(async)]
fn rename_skill(state: State<'_, Shared>, slug: String, name: String) -> IpcResult<TaxonomyView> {
    session(&state).rename_skill(&slug, &name, Timestamp::now())
}

#[tauri::command(async)]
fn move_skill(
    state: State<'_, Shared>,
    slug: String,
    parent: Option<String>,
) -> IpcResult<TaxonomyView> {
    session(&state).move_skill(&slug, parent, Timestamp::now())
}

#[tauri::command(async)]
fn retire_skill(state: State<'_, Shared>, slug: String, retired: bool) -> IpcResult<TaxonomyView> {
    session(&state).retire_skill(&slug, retired, Timestamp::now())
}

#[tauri::command(async)]
fn merge_preview(state: State<'_, Shared>, from: String, into: String) -> IpcResult<MergePreview> {
    session(&state).merge_preview(&from, &into)
}

#[tauri::command(async)]
fn merge_skill(state: State<'_, Shared>, from: String, into: String) -> IpcResult<SkillMerge> {
    session(&state).merge_skill(&from, &into, Timestamp::now())
}

#[tauri::command(async)]
fn unmerge_skill(state: State<'_, Shared>, audit: i64) -> IpcResult<TaxonomyView> {
    session(&state).unmerge_skill(audit, Timestamp::now())
}

#[tauri::command(async)]
fn import_taxonomy(state: State<'_, Shared>, path: PathBuf) -> IpcResult<TaxonomyView> {
    session(&state).import_taxonomy(&path, Timestamp::now())
}

#[tauri::command(async)]
fn set_skill_examples(
    state: State<'_, Shared>,
    slug: String,
    examples: Vec<String>,
) -> IpcResult<TaxonomyView> {
    session(&state).set_skill_examples(&slug, examples, Timestamp::now())
}

#[tauri::command(async)]
fn describe_skill(
    state: State<'_, Shared>,
    slug: String,
    description: String,
) -> IpcResult<TaxonomyView> {
    session(&state).describe_skill(&slug, &description, Timestamp::now())
}

#[tauri::command(async)]
fn add_skill_prerequisite(
    state: State<'_, Shared>,
    before: String,
    after: String,
) -> IpcResult<TaxonomyView> {
    session(&state).add_skill_prerequisite(&before, &after, Timestamp::now())
}

#[tauri::command(async)]
fn remove_skill_prerequisite(
    state: State<'_, Shared>,
    before: String,
    after: String,
) -> IpcResult<TaxonomyView> {
    session(&state).remove_skill_prerequisite(&before, &after, Timestamp::now())
}

#[tauri::command(async)]
fn track_drafts(state: State<'_, Shared>) -> IpcResult<Vec<model::TrackDraft>> {
    session(&state).track_drafts()
}

#[tauri::command(async)]
fn add_track(
    state: State<'_, Shared>,
    draft: model::TrackDraft,
) -> IpcResult<Vec<model::TrackDraft>> {
    session(&state).add_track(&draft, Timestamp::now())
}

#[tauri::command(async)]
fn edit_track(
    state: State<'_, Shared>,
    slug: String,
    draft: model::TrackDraft,
) -> IpcResult<Vec<model::TrackDraft>> {
    session(&state).edit_track(&slug, &draft, Timestamp::now())
}

#[tauri::command(async)]
fn remove_track(state: State<'_, Shared>, slug: String) -> IpcResult<Vec<model::TrackDraft>> {
    session(&state).remove_track(&slug, Timestamp::now())
}

#[tauri::command(async)]
fn track_path(state: State<'_, Shared>, track: String) -> IpcResult<model::TrackPath> {
    session(&state).track_path(&track)
}

#[tauri::command(async)]
fn preview_export(state: State<'_, Shared>, request: ExportRequest) -> IpcResult<ExportPreview> {
    session(&state).preview_export(&request)
}

/// Writes an export; progress goes to `on_progress`, and
/// `cancel_operation` stops it before the folder is put in place.
#[tauri::command(async)]
fn export_course(
    state: State<'_, Shared>,
    cancel: State<'_, Cancel>,
    request: ExportRequest,
    on_progress: Channel<ExportProgress>,
) -> IpcResult<ExportPreview> {
    session(&state).export(
        &request,
        &cancel,
        &mut |p| drop(on_progress.send(p)),
        Timestamp::now(),
    )
}

/// Sends the curriculum or simulated statements to an LRS;
/// progress goes to `on_progress`, and `cancel_operation` stops it between batches.
#[tauri::command(async)]
fn sync_lrs(
    state: State<'_, Shared>,
    cancel: State<'_, Cancel>,
    request: LrsRequest,
    on_progress: Channel<LrsProgress>,
) -> IpcResult<lrs::SyncReport> {
    session(&state).sync_lrs(
        &request,
        &cancel,
        &mut |p| drop(on_progress.send(p)),
        Timestamp::now(),
    )
}

#[tauri::command(async)]
fn preview_copy_merge(state: State<'_, Shared>, path: PathBuf) -> IpcResult<engine::MergeReport> {
    session(&state).preview_copy_merge(&path)
}

#[tauri::command(async)]
fn merge_copy(
    state: State<'_, Shared>,
    path: PathBuf,
    resolutions: engine::Resolutions,
) -> IpcResult<engine::MergeReport> {
    session(&state).merge_copy(&path, &resolutions, Timestamp::now())
}

/// The event the window hears when a watched library changed on disk and was re-imported;
/// its payload is an [`session::LibrariesChanged`].
const LIBRARIES_CHANGED: &str = "libraries-changed";

/// Opens the main window on `session` and runs until it closes. While it runs, the open
/// project's libraries are watched: a saved file is re-imported and the window told.
pub fn run(mut started: Session) {
    let (changes, changed) = std::sync::mpsc::channel();
    started.watch_libraries(changes);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Mutex::new(started))
        .manage(Cancel::default())
        .setup(move |app| {
            let app = app.handle().clone();
            std::thread::spawn(move || {
                for paths in changed {
                    let state = app.state::<Shared>();
                    let changes = session(&state).reimport_changed(&paths, Timestamp::now());
                    if !changes.is_empty() {
                        // The window may be closing; a lost notice is not an error.
                        drop(app.emit(LIBRARIES_CHANGED, changes));
                    }
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            session_state,
            create_project,
            open_project,
            recent_projects,
            import_library,
            catalog_preview,
            map_catalog_columns,
            list_modules,
            list_libraries,
            remove_library,
            get_module,
            audit_log,
            check_graph,
            list_rules,
            save_rule,
            delete_rule,
            why,
            simulate,
            simulation_journey,
            cohort,
            set_cohort,
            tag_modules,
            cancel_operation,
            module_insight,
            model_status,
            choose_model,
            review_queue,
            decide_tags,
            export_review_pack,
            import_review_decisions,
            calibration,
            set_module_level,
            edit_tag,
            undo_edit,
            get_profile,
            set_profile,
            set_auto_accept,
            verify_audit,
            export_audit,
            backup_project,
            module_preview,
            restore_project,
            preview_export,
            export_course,
            sync_lrs,
            preview_copy_merge,
            merge_copy,
            graph_view,
            add_prerequisite,
            remove_prerequisite,
            cycle_if_added,
            suggest_prerequisites,
            dismiss_suggestion,
            restore_suggestion,
            taxonomy_view,
            add_skill,
            remove_skill,
            rename_skill,
            move_skill,
            retire_skill,
            merge_preview,
            merge_skill,
            unmerge_skill,
            track_drafts,
            add_track,
            edit_track,
            remove_track,
            track_path,
            add_skill_prerequisite,
            remove_skill_prerequisite,
            describe_skill,
            set_skill_examples,
            import_taxonomy,
        ])
        .run(tauri::generate_context!())
        .expect("the Pathforge window failed to start");
}
