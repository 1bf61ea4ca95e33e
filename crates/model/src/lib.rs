//! The domain vocabulary of Pathforge: plain data, no IO, no behaviour beyond ids (and
//! the taxonomy's one tree walk, [`tree::depths`]).
//!
//! Every other crate (store, ingest, engine, the CLI and the desktop shell) speaks in
//! these types, and the UI sees them through TypeScript generated from them (`ts-rs`).
//! Ids are stable: derived from what they name where possible (a module's id comes from
//! its library and its path inside it), so re-importing the same content never
//! re-identifies it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// Milliseconds since the Unix epoch (UTC). Time is passed into the engine, never read by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(type = "number")]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The wall clock, for binaries to pass in; engine code never calls it.
    pub fn now() -> Timestamp {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(since_epoch.as_millis() as i64)
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
        #[ts(type = "string")]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A project's id: random, fixed when the project file is created.
    ProjectId
);
id_type!(
    /// A library's id: derived from the project and the library's source name.
    LibraryId
);
id_type!(
    /// A module's id: derived from its library and its relative path in it.
    ModuleId
);
id_type!(
    /// A skill's id: derived from the project and the skill's slug.
    SkillId
);
id_type!(
    /// A track's id: derived from the project and the track's slug.
    TrackId
);

/// Namespace for Pathforge's name-based (v5) ids.
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x7061_7468_666f_7267_6500_0000_0000_0001);

fn derived(parts: &[&str]) -> String {
    // A unit separator cannot appear in paths or slugs, so the joined name is unambiguous.
    Uuid::new_v5(&ID_NAMESPACE, parts.join("\u{1f}").as_bytes()).to_string()
}

impl ProjectId {
    pub fn random() -> ProjectId {
        ProjectId(Uuid::new_v4().to_string())
    }
}

impl LibraryId {
    pub fn derive(project: &ProjectId, source_name: &str) -> LibraryId {
        LibraryId(derived(&["library", project.as_str(), source_name]))
    }

    /// For a second library of the same name, imported from elsewhere while the first's
    /// place is still there with other files: told apart by where it is.
    pub fn derive_at(project: &ProjectId, source_name: &str, source_path: &str) -> LibraryId {
        LibraryId(derived(&[
            "library",
            project.as_str(),
            source_name,
            source_path,
        ]))
    }
}

impl ModuleId {
    pub fn derive(library: &LibraryId, relative_path: &str) -> ModuleId {
        ModuleId(derived(&["module", library.as_str(), relative_path]))
    }
}

impl SkillId {
    pub fn derive(project: &ProjectId, slug: &str) -> SkillId {
        SkillId(derived(&["skill", project.as_str(), slug]))
    }
}

impl TrackId {
    pub fn derive(project: &ProjectId, slug: &str) -> TrackId {
        TrackId(derived(&["track", project.as_str(), slug]))
    }
}

/// What kind of failure happened, for code (the UI, scripts) to branch on.
/// Messages are for people; kinds are for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A file or folder the user named does not exist.
    NotFound,
    /// Refused to overwrite an existing file.
    AlreadyExists,
    /// The file exists but is not a Pathforge project.
    NotAProject,
    /// The project was written by a newer Pathforge than this one.
    TooNew,
    /// Content could not be read as what it claims to be (front matter, encoding...).
    BadInput,
    /// The operating system refused a read or a write.
    Io,
    /// The project database failed.
    Storage,
    /// An id that names nothing in the project.
    UnknownId,
    /// The operation needs an open project and none is open.
    NoProject,
    /// The edit would break an invariant (e.g. close a prerequisite cycle); refused.
    Conflict,
    /// A failure outside the engine (the window refused a call, a bug): report it.
    Internal,
    /// The user stopped a long operation before it wrote anything; the project is as it was.
    Cancelled,
    /// Another Pathforge (a window or a command) is changing the project; nothing was done.
    Busy,
    /// The project is somewhere Pathforge cannot write, so it was opened to read only;
    /// the change was refused and nothing was done.
    ReadOnly,
    /// A server outside Pathforge (a learning record store) could not be reached, refused
    /// the request or answered something that is not what it should; nothing in the
    /// project changed.
    Remote,
}

/// The project file's own record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProjectInfo {
    pub id: ProjectId,
    pub name: String,
    /// Path of the `.pathforge` file as it was opened.
    pub path: String,
    pub created_at: Timestamp,
    /// Schema version of the file (its migration count).
    pub schema_version: u32,
}

/// A project opened on this machine before, for the window's start page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RecentProject {
    /// Full path of the `.pathforge` file.
    pub path: String,
    /// The file's name without its extension.
    pub name: String,
    /// Whether the file is still there.
    pub exists: bool,
}

/// Where a library came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LibraryFormat {
    /// A folder of Markdown files with YAML front matter.
    MarkdownFolder,
    /// A SCORM 1.2 package (zip or folder).
    Scorm12,
    /// A SCORM 2004 package (zip or folder).
    Scorm2004,
    /// A cmi5 course package (zip or folder).
    Cmi5,
    /// An IMS Common Cartridge (`.imscc`).
    CommonCartridge,
    /// An LMS catalog export (CSV).
    Catalog,
}

impl LibraryFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            LibraryFormat::MarkdownFolder => "markdown_folder",
            LibraryFormat::Scorm12 => "scorm12",
            LibraryFormat::Scorm2004 => "scorm2004",
            LibraryFormat::Cmi5 => "cmi5",
            LibraryFormat::CommonCartridge => "imscc",
            LibraryFormat::Catalog => "catalog_csv",
        }
    }

    pub fn parse(s: &str) -> Option<LibraryFormat> {
        match s {
            "markdown_folder" => Some(LibraryFormat::MarkdownFolder),
            "scorm12" => Some(LibraryFormat::Scorm12),
            "scorm2004" => Some(LibraryFormat::Scorm2004),
            "cmi5" => Some(LibraryFormat::Cmi5),
            "imscc" => Some(LibraryFormat::CommonCartridge),
            "catalog_csv" => Some(LibraryFormat::Catalog),
            _ => None,
        }
    }
}

/// A library as the project holds it: how many of its modules are live, and whether the
/// place it was last imported from is still there (a library whose folder is gone can no
/// longer follow its files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LibrarySummary {
    pub library: Library,
    /// Modules whose files were there at the last import.
    pub modules: u32,
    /// Modules whose files were gone: kept with their tags, edges and history.
    pub retired: u32,
    /// Whether the folder or file it was last imported from is still there.
    pub source_found: bool,
}

/// What removing a library from the project did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LibraryRemoved {
    /// The library as it is now, removed.
    pub library: Library,
    /// Its modules retired: out of the graph, tracks, simulation and exports, their tags,
    /// reviews and prerequisites kept for when it is imported again.
    pub modules: u32,
    /// The tracks and rules its manifest (`pathforge.toml`) declared, removed with it; its
    /// next import declares them again.
    pub tracks: u32,
    pub rules: u32,
}

/// A content library imported into the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Library {
    pub id: LibraryId,
    pub name: String,
    /// The folder or file it was imported from, as given at the last import.
    pub source_path: String,
    pub format: LibraryFormat,
    pub imported_at: Timestamp,
    /// When it was removed from the project: its modules are retired, and importing it
    /// again brings them back. `None` while it is in the project.
    #[serde(default)]
    pub removed_at: Option<Timestamp>,
}

/// How hard a module is, as declared by its author or suggested later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Beginner,
    Intermediate,
    Advanced,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Beginner, Level::Intermediate, Level::Advanced];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// One unit of learning content: a lesson, an assessment, a remediation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Module {
    pub id: ModuleId,
    pub library_id: LibraryId,
    /// Path inside the library, with `/` separators.
    pub source_path: String,
    pub title: String,
    pub duration_minutes: u32,
    pub level: Option<Level>,
    pub word_count: u32,
    /// Skill slugs the author declared; they are also recorded as tags.
    pub tags: Vec<String>,
    /// Front-matter keys Pathforge does not interpret yet, kept verbatim (as JSON).
    #[ts(type = "Record<string, unknown>")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The module's text as the author wrote it (Markdown, without front matter).
    pub body: String,
}

/// A module without its body, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModuleSummary {
    pub id: ModuleId,
    pub library_id: LibraryId,
    pub source_path: String,
    pub title: String,
    pub duration_minutes: u32,
    pub level: Option<Level>,
    pub word_count: u32,
    /// The skills it teaches: those its file declares, then suggestions accepted (by a
    /// person or auto-accept) and a person's own tags.
    pub tags: Vec<String>,
}

/// A file format for skill frameworks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TaxonomyFormat {
    /// 1EdTech CASE CFPackage JSON (1.1 out; 1.1 and 1.0 in).
    Case,
    /// `id,parent_id,name,description`, ids being skill slugs.
    Csv,
    /// Moodle's competency framework import/export CSV (14 columns).
    MoodleCsv,
}

/// What a taxonomy import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TaxonomyImportReport {
    pub added: u32,
    /// Skills already in the taxonomy that the file changes.
    pub updated: u32,
    /// Skills already in the taxonomy as the file has them.
    pub unchanged: u32,
}

/// Which header of a catalog CSV holds each field, for exports whose column names
/// Pathforge does not recognise; `None` leaves the field to recognition by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CatalogColumns {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub duration: Option<String>,
    pub prerequisites: Option<String>,
}

/// A catalog CSV as it would import: its header, the header each field is read from now
/// (mapped or recognised), the first rows, and whether the id and title are found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CatalogPreview {
    pub header: Vec<String>,
    pub columns: CatalogColumns,
    pub rows: Vec<Vec<String>>,
    pub ready: bool,
}

/// An edit of a suggestion, as undoing it needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TagEdit {
    pub module: ModuleId,
    /// The suggested skill replaced (slug).
    pub from: String,
    /// The skill accepted instead (slug).
    pub to: String,
    /// The suggestion's state before the edit.
    pub before: TagState,
    /// The person's tag for `to` was added by the edit (undo removes it).
    pub added: bool,
}

/// What applying an SME's decisions file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DecisionsImport {
    pub pack: String,
    pub reviewer: String,
    /// Decisions recorded now, each in the audit log under the reviewer's name.
    pub applied: u32,
    /// Decisions already in effect (a file applied twice changes nothing).
    pub already: u32,
    /// Decisions left alone for the designer to resolve, with why.
    pub conflicts: Vec<DecisionConflict>,
}

/// A decision from a review pack that was not applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DecisionConflict {
    pub module: String,
    pub title: String,
    pub skill: String,
    pub decision: TagState,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportReport {
    pub library: Library,
    /// Where the library was last imported from, when this import found it elsewhere
    /// (its folder moved, or renamed where it was): the same library, updated in place.
    pub moved_from: Option<String>,
    /// Modules seen for the first time.
    pub added: u32,
    /// Modules already in the project whose content changed.
    pub updated: u32,
    /// Modules already in the project, unchanged.
    pub unchanged: u32,
    /// Modules of this library whose files are gone: retired, kept with their tags, edges
    /// and history, and restored if the file comes back.
    pub removed: u32,
    /// Modules in the library after the import.
    pub total: u32,
    /// Prerequisite edges the library's `pathforge.toml` declares.
    pub prerequisites: u32,
    /// Files set aside, each with the reason; modules they held before are kept as they were.
    pub skipped: Vec<SkippedFile>,
    /// What was read but not as written: a catalog row with too few or too many fields, a
    /// prerequisite naming no module. Each names the file (and line) and what was done.
    pub warnings: Vec<ImportWarning>,
}

/// Something an import read but could not take as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportWarning {
    /// The file, inside the library.
    pub path: String,
    /// Where in the file ("line 7: "), what was wrong and what the import did instead.
    pub message: String,
}

/// A file an import could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SkippedFile {
    pub path: String,
    pub kind: ErrorKind,
    /// Names the file and says why.
    pub reason: String,
}

mod audit;
mod cohort;
mod curriculum;
mod tags;
pub mod tree;

pub use audit::*;
pub use cohort::{Attributes, Bkt, Cohort, Segment};
pub use curriculum::*;
pub use tags::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let p = ProjectId("p".into());
        let lib = LibraryId::derive(&p, "sales");
        assert_eq!(
            lib,
            LibraryId::derive(&p, "sales"),
            "the same library name must map to the same id on every import"
        );
        assert_ne!(
            ModuleId::derive(&lib, "a/b.md"),
            ModuleId::derive(&lib, "a/c.md"),
            "different paths are different modules"
        );
        assert_ne!(
            ModuleId::derive(&lib, "x").0,
            SkillId::derive(&p, "x").0,
            "ids of different kinds never collide even with equal names"
        );
    }

    #[test]
    fn levels_round_trip_through_their_names() {
        for level in Level::ALL {
            assert_eq!(
                Level::parse(level.as_str()),
                Some(level),
                "{level:?} must round-trip"
            );
        }
        assert_eq!(
            Level::parse("expert"),
            None,
            "unknown level names are refused"
        );
    }
}
