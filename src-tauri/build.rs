//! Tauri's build step, with the app's own commands listed so that each needs an explicit
//! permission in `capabilities/` (nothing is allowed by default).

const COMMANDS: &[&str] = &[
    "session_state",
    "create_project",
    "open_project",
    "import_library",
    "catalog_preview",
    "map_catalog_columns",
    "list_modules",
    "get_module",
    "audit_log",
    "check_graph",
    "list_rules",
    "save_rule",
    "delete_rule",
    "why",
    "tag_modules",
    "cancel_operation",
    "module_insight",
    "model_status",
    "choose_model",
    "review_queue",
    "decide_tags",
    "export_review_pack",
    "calibration",
    "verify_audit",
    "export_audit",
    "set_auto_accept",
    "import_review_decisions",
    "preview_export",
    "export_course",
    "graph_view",
    "add_prerequisite",
    "remove_prerequisite",
    "cycle_if_added",
    "taxonomy_view",
    "add_skill",
    "remove_skill",
    "rename_skill",
    "move_skill",
    "retire_skill",
    "merge_preview",
    "merge_skill",
    "unmerge_skill",
    "track_path",
    "describe_skill",
    "set_skill_examples",
    "import_taxonomy",
    "add_skill_prerequisite",
    "remove_skill_prerequisite",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("Tauri build step failed");
}
