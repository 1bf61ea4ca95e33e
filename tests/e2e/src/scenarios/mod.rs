//! One file per real-window scenario; `main.rs` runs them in order and holds what they
//! share (launching the app, waiting, typing, dragging, the CLI).

mod auto_tag;
mod catalog_columns;
mod catalogue_at_scale;
mod empty_state;
mod export_wizard;
mod graph_at_scale;
mod graph_editor;
mod graph_filters;
mod graph_problems;
mod import_and_watch;
mod lrs_sync;
mod merge_copies;
mod not_a_project;
mod other_sample_libraries;
mod review;
mod review_pack;
mod rule_editor;
mod sample_library;
mod simulation_dashboard;
mod taxonomy_editor;
mod tracks_panel;
mod untrusted_page;

pub(crate) use auto_tag::auto_tag;
pub(crate) use catalog_columns::catalog_columns;
pub(crate) use catalogue_at_scale::catalogue_at_scale;
pub(crate) use empty_state::empty_state;
pub(crate) use export_wizard::export_wizard;
pub(crate) use graph_at_scale::graph_at_scale;
pub(crate) use graph_editor::graph_editor;
pub(crate) use graph_filters::graph_filters;
pub(crate) use graph_problems::graph_problems;
pub(crate) use import_and_watch::import_and_watch;
pub(crate) use lrs_sync::lrs_sync;
pub(crate) use merge_copies::merge_copies;
pub(crate) use not_a_project::not_a_project;
pub(crate) use other_sample_libraries::other_sample_libraries;
pub(crate) use review::review;
pub(crate) use review_pack::review_pack;
pub(crate) use rule_editor::rule_editor;
pub(crate) use sample_library::sample_library;
pub(crate) use simulation_dashboard::simulation_dashboard;
pub(crate) use taxonomy_editor::taxonomy_editor;
pub(crate) use tracks_panel::tracks_panel;
pub(crate) use untrusted_page::untrusted_page;
