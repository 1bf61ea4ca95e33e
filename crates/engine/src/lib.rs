//! The operations API: every action a person takes on a project, as plain functions on
//! [`Project`], shared by the `pathforge` CLI and the desktop app. This file holds the
//! project itself (create, open, back up, restore) and the error type; each capability
//! has its own module, listed at the end.
//!
//! The engine never knows it runs in a window or a terminal: callers pass in the time,
//! the acting person and the paths the user chose, and get plain data or an [`Error`]
//! with a [`model::ErrorKind`] back. Every operation that changes the project validates
//! all its input first and then writes once, in one transaction, with an audit entry.

use std::path::{Path, PathBuf};

use model::{Actor, ErrorKind, ProjectId, ProjectInfo, Timestamp};
use serde_json::Value;
use store::{NewProject, Store};

/// Why an operation failed; `Display` names the file and the reason, in one line, and
/// [`Error::kind`] says which of [`ErrorKind`]'s cases it is, so callers branch on that and
/// never on the message. Each crate's own error comes through whole (`#[from]`), keeping
/// its kind.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Ingest(#[from] ingest::Error),
    #[error(transparent)]
    Exchange(#[from] exchange::Error),
    #[error(transparent)]
    Embed(#[from] embed::EmbedError),
    #[error(transparent)]
    Lms(#[from] lms::Error),
    #[error(transparent)]
    Bundle(#[from] bundle::Error),
    #[error(transparent)]
    Curriculum(#[from] curriculum::Error),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {reason}", path.display())]
    BadFile { path: PathBuf, reason: String },
    #[error("{}: {} of the log's skills are not skills of the project ({answers} answers): {}; add them to the taxonomy, map them to skills it has, or leave their answers out", path.display(), skills.len(), first_of(skills, 10))]
    UnknownSkills {
        path: PathBuf,
        skills: Vec<String>,
        answers: usize,
    },
    #[error("refused: {0}; nothing was changed")]
    NotCopies(String),
    #[error("{from}: since the two copies parted, it changed what merging cannot carry yet ({actions}); libraries imported or removed, prerequisites, levels set by hand, rules, the cohort, review decisions and tag edits, the auto-accept threshold, catalog column maps, skills added, edited, removed or merged, frameworks imported, skill prerequisites, tracks, answers and calibrations merge for now, so nothing was changed — bring those changes over by hand, or merge the other way round")]
    MergeUnsupported { from: String, actions: String },
    #[error("refused: {0}; nothing was changed")]
    MergeRefused(String),
    #[error("refused: {edit} would close the prerequisite cycle {cycle}")]
    Cycle { edit: String, cycle: String },
    #[error("refused: tracks need a prerequisite graph without cycles, and it has one: {0}")]
    CyclicGraph(String),
    #[error("no module matches {0:?}; give its id, its path in the library or its exact title")]
    UnknownModule(String),
    #[error("{0:?} matches several modules ({1}); give its id or its path instead")]
    AmbiguousModule(String, String),
    #[error("there is no prerequisite {0} → {1}")]
    NoSuchPrerequisite(String, String),
    #[error("no track matches {0:?}; give its slug, id or exact name")]
    UnknownTrack(String),
    #[error("no skill has the slug {0:?}")]
    UnknownSkill(String),
    #[error("a track with the slug {0:?} already exists")]
    TrackExists(String),
    #[error("a track's slug cannot change ({from:?} → {to:?}); add a new track instead")]
    TrackSlugChanged { from: String, to: String },
    #[error("the skill {0:?} is a target of this track twice")]
    DuplicateTarget(String),
    #[error("“{name}” is declared by the library {library:?} (its pathforge.toml) and would come back on its next import; remove it there")]
    DeclaredTrack { name: String, library: String },
    #[error("“{name}” is named by the rules {rules}; change or delete them first")]
    TrackInUse { name: String, rules: String },
    #[error("there is no rule {0:?}")]
    UnknownRule(String),
    #[error("no model suggestion tags module {module} with skill {skill:?}")]
    NoSuchTag { module: String, skill: String },
    /// A value outside the range it must lie in.
    #[error("{what} is {range}, not {value}")]
    OutOfRange {
        what: &'static str,
        range: String,
        value: String,
    },
    /// A field that must be filled in is blank (the message says which).
    #[error("{0}")]
    Blank(&'static str),
    #[error(
        "{0:?} is not a slug: use lower-case letters, digits, '-', '_' or '.' (e.g. data-quality)"
    )]
    NotASlug(String),
    #[error("a skill with the slug {0:?} already exists")]
    SkillExists(String),
    /// An edit or a merge that would replace a skill by itself.
    #[error("{0}")]
    SameSkill(String),
    /// A move or merge that would put a skill under itself.
    #[error("{0}")]
    OwnAncestor(String),
    #[error("“{name}” is in use ({uses}); retire it or merge it into another skill instead")]
    SkillInUse { name: String, uses: String },
    #[error("audit entry {0} is not a merge of skills")]
    NotAMerge(i64),
    #[error("the merge at audit entry {0} was recorded without what undoing it needs")]
    MergeUnrecorded(i64),
    #[error("“{0}” exists again; the merge is already undone")]
    AlreadyUnmerged(String),
    #[error("the skill “{0}” was merged into no longer exists")]
    MergedIntoGone(String),
    #[error("rule {0:?} follows from the prerequisite graph; change the prerequisites instead")]
    DerivedRule(String),
    #[error("stored rule {id:?} no longer reads: {reason}")]
    CorruptRule { id: String, reason: String },
    /// The rule runtime refused the events it was given.
    #[error("{0}")]
    Events(String),
    #[error("the project has {count} errors to fix before it can ship; the first: {first}")]
    NotShippable { count: usize, first: String },
    /// A folder an export may not replace, or an export writing what it must not.
    #[error("{}: {reason}", path.display())]
    ExportFolder { path: PathBuf, reason: String },
    #[error("no open suggestion matches: nothing to put in a review pack")]
    NothingToReview,
    #[error(
        "no answers to calibrate from: import an answer log first (pathforge calibrate --events)"
    )]
    NoAnswers,
    #[error("no cohort: give one, or declare [cohort] in the library's pathforge.toml")]
    NoCohort,
    #[error("the cohort cannot be simulated: {0}")]
    BadCohort(String),
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("a signed bundle needs this machine's signing key: build it with `pathforge bundle build` or `pathforge export --target bundle`")]
    Unsigned,
    #[error("cancelled")]
    Cancelled,
    #[error("no library is called {0:?}; `pathforge libraries` lists them")]
    UnknownLibrary(String),
    #[error("{0:?} names several libraries ({1}); give its id instead")]
    AmbiguousLibrary(String, String),
    #[error("the library “{0}” is already removed; import it again to bring it back")]
    LibraryRemoved(String),
    #[error("the library “{name}” is no longer at {}: moved or renamed? Import it from where it is now and it keeps its modules, tags and reviews; its modules are as they were until then", path.display())]
    LibraryGone { name: String, path: PathBuf },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Store(e) => e.kind(),
            Error::Ingest(e) => e.kind(),
            Error::Exchange(e) => e.kind(),
            Error::Lms(e) => e.kind(),
            Error::Bundle(e) => e.kind(),
            Error::Curriculum(e) => e.kind(),
            Error::Embed(embed::EmbedError::Missing(_)) => ErrorKind::NotFound,
            Error::Embed(embed::EmbedError::Inference(_)) => ErrorKind::Internal,
            Error::Embed(_) => ErrorKind::BadInput,
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                ErrorKind::NotFound
            }
            Error::Io { .. } => ErrorKind::Io,
            Error::LibraryGone { .. } => ErrorKind::NotFound,
            Error::UnknownModule(_)
            | Error::NoSuchPrerequisite(..)
            | Error::UnknownTrack(_)
            | Error::UnknownSkill(_)
            | Error::UnknownRule(_)
            | Error::UnknownLibrary(_)
            | Error::NoSuchTag { .. }
            | Error::NotAMerge(_) => ErrorKind::UnknownId,
            Error::AmbiguousModule(..)
            | Error::AmbiguousLibrary(..)
            | Error::BadFile { .. }
            | Error::UnknownSkills { .. }
            | Error::OutOfRange { .. }
            | Error::Blank(_)
            | Error::NotASlug(_)
            | Error::SameSkill(_)
            | Error::Events(_)
            | Error::BadCohort(_)
            | Error::TrackSlugChanged { .. }
            | Error::DuplicateTarget(_)
            | Error::Unsigned => ErrorKind::BadInput,
            Error::Cycle { .. }
            | Error::NotCopies(_)
            | Error::MergeUnsupported { .. }
            | Error::MergeRefused(_)
            | Error::CyclicGraph(_)
            | Error::SkillExists(_)
            | Error::TrackExists(_)
            | Error::DeclaredTrack { .. }
            | Error::TrackInUse { .. }
            | Error::OwnAncestor(_)
            | Error::SkillInUse { .. }
            | Error::MergeUnrecorded(_)
            | Error::AlreadyUnmerged(_)
            | Error::MergedIntoGone(_)
            | Error::DerivedRule(_)
            | Error::NotShippable { .. }
            | Error::ExportFolder { .. }
            | Error::NothingToReview
            | Error::NoAnswers
            | Error::NoCohort
            | Error::LibraryRemoved(_) => ErrorKind::Conflict,
            Error::CorruptRule { .. } => ErrorKind::Storage,
            Error::Csv(_) => ErrorKind::Internal,
            Error::Cancelled => ErrorKind::Cancelled,
        }
    }
}

/// The first `n` of `items`, quoted and joined, with how many more there are.
fn first_of(items: &[String], n: usize) -> String {
    let shown: Vec<String> = items.iter().take(n).map(|s| format!("{s:?}")).collect();
    match items.len().saturating_sub(n) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The file extension of project files.
pub const EXTENSION: &str = "pathforge";

/// An open project.
#[derive(Debug)]
pub struct Project {
    store: Store,
    /// Public keys whose bundles this project simulates (see [`Project::trust_signers`]);
    /// `None`: any validly signed bundle.
    trusted: Option<Vec<String>>,
    /// What the last request for suggestions worked out about the modules themselves, for
    /// the next while no module's text or vector changes ([`graph::Neighbourhood`]).
    nearby: std::sync::Mutex<Option<graph::Neighbourhood>>,
}

impl Project {
    /// Creates a new, empty project file at `path` (never overwriting anything).
    pub fn create(path: &Path, now: Timestamp) -> Result<Project> {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Untitled".to_owned());
        let new = NewProject {
            id: ProjectId::random(),
            name,
            created_at: now,
        };
        Ok(Project {
            store: Store::create(path, &new)?,
            trusted: None,
            nearby: Default::default(),
        })
    }

    /// Opens an existing project file.
    pub fn open(path: &Path) -> Result<Project> {
        Ok(Project {
            store: Store::open(path)?,
            trusted: None,
            nearby: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Writes a consistent copy of the project to `dest` (never over an existing file).
    pub fn backup(&self, dest: &Path) -> Result<()> {
        Ok(self.store.backup_to(dest)?)
    }

    /// Puts the project back as the copy at `from` has it. The project as it is now is
    /// first copied to `keep`, so a restore can itself be undone; the restore is logged
    /// (in the restored log) with both paths.
    pub fn restore(
        &mut self,
        from: &Path,
        keep: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        self.store.restore_from(from, Some(keep))?;
        let after = serde_json::json!({
            "from": audit::named(from),
            "kept": audit::named(keep),
        });
        let entry = Entry::new(
            AuditAction::ProjectRestored,
            "project",
            &Value::Null,
            &after,
        );
        self.commit(actor, now, entry, |_| Ok(()))
    }

    pub fn info(&self) -> Result<ProjectInfo> {
        Ok(self.store.project()?)
    }
}

/// A free name for a backup beside the project at `file`:
/// `NAME.{label}YYYYMMDD-HHMMSS.pathforge-backup` (UTC), `-2`, `-3`… added when taken.
pub fn backup_path(file: &Path, label: &str, now: Timestamp) -> PathBuf {
    let stamp = jiff::Timestamp::from_millisecond(now.0)
        .map(|t| t.strftime("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_else(|_| now.0.to_string());
    let label = format!("{label}{stamp}");
    std::iter::once(label.clone())
        .chain((2..).map(|n| format!("{label}-{n}")))
        .map(|l| file.with_extension(format!("{l}.pathforge-backup")))
        .find(|p| p.symlink_metadata().is_err())
        .expect("some name is free")
}

/// The text of a table or framework file a person may have saved from a spreadsheet
/// (UTF-8, UTF-16 by its mark, or Windows-1252: [`exchange::text::decode`]); a file that
/// is not text is refused naming it and why.
pub(crate) fn read_table(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (text, _) = exchange::text::decode(&bytes).map_err(|reason| Error::BadFile {
        path: path.to_path_buf(),
        reason,
    })?;
    Ok(text)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// crash never leaves a partial file behind. The file gets the permissions any new file
/// there would (0666 less the umask): bundles, review packs and audit exports are written
/// to be handed to others. A secret goes through [`write_private`].
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with_mode(path, bytes, 0o666)
}

/// [`write_atomically`], readable and writable by its owner only (0600): a signing key.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with_mode(path, bytes, 0o600)
}

fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Created with this mode less the umask, as `File::create` would be.
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

// One module per capability; each adds its operations to `Project`.
mod audit;
mod audit_words;
mod calibrate;
mod export;
mod export_write;
mod import;
mod merge;
mod prerequisites;
mod profile;
mod review;
mod review_pack;
mod rule_set;
mod settings;
mod simulation;
mod snapshot;
mod tagging;
mod taxonomy;
mod tracks;

use audit::Entry;

pub use audit::AuditAction;
pub use audit_words::manifest_declared;
pub use calibrate::{read_skill_mapping, AnswersImport, AnswersOptions, SkillFit, UnknownSkills};
pub use export::{read_mapping, BundleContent, ExportOptions, Signing};
pub use export_write::{Written, MARKER};
pub use merge::{
    carried_entries_verify, MergeChange, MergeConflict, MergeEdit, MergeReport, Resolutions, Side,
};
pub use prerequisites::{graph_layout, skill_layout, MAX_SUGGEST_MODULES};
pub use profile::{
    load_profile, machine_key, note_recent, recent_projects, save_profile, trust_key, trusted_keys,
    RECENT_KEPT,
};
pub use review_pack::PackFilter;
pub use simulation::{Simulation, SimulationProgress, SimulationRequest, SimulationRun};
pub use taxonomy::SkillEdit;

#[cfg(test)]
mod tests;
