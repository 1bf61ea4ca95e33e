//! Every project setting the engine keeps, each with the type its value must have, so a
//! newcomer sees them in one place and a damaged value is an error naming its key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use store::Setting;

/// The simulation cohort a library's manifest declares (replaced on each import).
pub(crate) const COHORT: Setting<model::Cohort> = Setting::new("simulation.cohort");
/// The cohort a person saved; preferred over the declared one.
pub(crate) const EDITED_COHORT: Setting<model::Cohort> = Setting::new("simulation.cohort.edited");
/// The auto-accept threshold for suggestions (0.5..=1), absent when off.
pub(crate) const AUTO_ACCEPT: Setting<f64> = Setting::new("review.auto_accept");
/// Column mappings of catalog CSVs, by canonical path.
pub(crate) const CATALOG_COLUMNS: Setting<ingest::ColumnMaps> =
    Setting::new("import.catalog_columns");
/// The proficiency scale skills are rated on, lowest first.
pub(crate) const SCALE: Setting<Vec<String>> = Setting::new("taxonomy.scale");
/// The CASE document a taxonomy was imported from, kept so exports re-identify the same
/// framework.
pub(crate) const CASE_DOCUMENT: Setting<CaseDocument> = Setting::new("case.document");
/// Every review pack issued: id → its items as they were, so a decisions file can be
/// checked against its own pack.
pub(crate) const PACKS: Setting<BTreeMap<String, Vec<crate::review_pack::IssuedItem>>> =
    Setting::new("review.packs");
/// The embedding model folder chosen for this project (as the path displays).
pub(crate) const MODEL_DIR: Setting<String> = Setting::new("model.dir");
/// Knowledge-tracing parameters fitted per skill slug.
pub(crate) const FITTED: Setting<BTreeMap<String, bkt::Params>> = Setting::new("simulation.bkt");
/// The secret learners' ids are pseudonymised with (never exported).
pub(crate) const SECRET: Setting<String> = Setting::new("privacy.pseudonym_secret");

/// The identity of an imported CASE framework document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CaseDocument {
    pub identifier: String,
    pub title: String,
    pub creator: String,
}
