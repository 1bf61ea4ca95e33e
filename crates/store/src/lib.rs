//! The `.pathforge` project file: one SQLite database that a user can copy, back up and
//! open anywhere.
//!
//! Invariants kept here:
//! - a file is only ever opened as a project if its SQLite header carries Pathforge's
//!   application id, so a stray database or document is refused before anything touches it;
//! - a new project is written beside its final name and renamed into place, so a failed
//!   `create` never leaves a half-made file, and an existing file is never overwritten;
//! - the schema is migrated in place by embedded, numbered migrations; a file from a newer
//!   Pathforge is refused, never downgraded;
//! - every write runs in one transaction ([`Store::write`]): it lands whole or not at all;
//! - foreign keys are on and the audit log is append-only (enforced by triggers);
//! - one process at a time changes a project: the first write takes the writer lock
//!   (`NAME.pathforge-lock`, an advisory lock the operating system drops when the process
//!   ends, however it ends) and keeps it until the project is closed; others may still
//!   read, and a second writer is told the project is busy and by whom;
//! - before a migration changes a file, a copy of it as it was is written beside it
//!   (`NAME.schema-N.pathforge-backup`); backups and restores go through SQLite's online
//!   backup, so they are consistent while the project is in use.

use std::io::Read;
use std::path::{Path, PathBuf};

use model::{
    Actor, AuditEvent, EdgeOrigin, ErrorKind, Level, Library, LibraryFormat, LibraryId, Module,
    ModuleId, ModuleInsight, ModuleSummary, PrerequisiteEdge, PrerequisiteGroup, ProjectId,
    ProjectInfo, Skill, SkillId, Tag, TagSource, TagState, Timestamp, Track, TrackId,
};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};
use rusqlite_migration::{Migrations, M};

/// `PRAGMA application_id` of every project file: "PFGR".
pub const APPLICATION_ID: u32 = u32::from_be_bytes(*b"PFGR");

/// A module as stored, in the terms a re-import compares: its [`module_hash`], its
/// position in the library and the path it came from.
#[derive(Debug, Clone)]
pub struct StoredModule {
    pub hash: String,
    pub position: u32,
    pub source_path: String,
}

/// The schema, one numbered step per change; a file at any earlier step is brought up
/// to date when opened (tested from each).
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/001_initial.sql")),
        M::up_with_hook(
            include_str!("../migrations/002_module_hash.sql"),
            hash_existing_modules,
        ),
        M::up(include_str!("../migrations/003_auto_accept.sql")),
        M::up(include_str!("../migrations/004_edited_tags.sql")),
        M::up(include_str!("../migrations/005_answers.sql")),
    ])
}

/// The schema version this build writes: the number of migrations.
pub const SCHEMA_VERSION: u32 = 5;

/// Fills the content hash of modules written before hashes were stored, so the next
/// import does not count every one of them as changed.
fn hash_existing_modules(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let mut tags = declared_tags_of(tx, None, None)?;
    let modules: Vec<Module> = tx
        .prepare(MODULE_SELECT)?
        .query_map([], |r| module_from_row(r, &mut tags))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE modules SET content_hash = ?2 WHERE id = ?1")?;
    for m in &modules {
        update.execute([m.id.as_str(), &module_hash(m)])?;
    }
    Ok(())
}

/// What makes a module's imported content: a re-import rewrites a module only when this
/// changes. Fields are length-prefixed so no two modules hash alike by shifting text.
pub fn module_hash(m: &Module) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(m.source_path.as_bytes());
    field(m.title.as_bytes());
    field(&m.duration_minutes.to_le_bytes());
    field(m.level.map(Level::as_str).unwrap_or("").as_bytes());
    field(&m.word_count.to_le_bytes());
    field(
        serde_json::Value::Object(m.extra.clone())
            .to_string()
            .as_bytes(),
    );
    field(m.body.as_bytes());
    field(&(m.tags.len() as u64).to_le_bytes());
    for tag in &m.tags {
        field(tag.as_bytes());
    }
    format!("{:x}", h.finalize())
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Why the project file could not be used. Every variant that concerns a file names it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: no such file", path.display())]
    NotFound { path: PathBuf },
    #[error("{}: already exists; Pathforge never overwrites a file when creating a project", path.display())]
    AlreadyExists { path: PathBuf },
    #[error("{}: not a Pathforge project ({reason})", path.display())]
    NotAProject { path: PathBuf, reason: &'static str },
    #[error("{}: made by a newer Pathforge (schema version {found}; this build reads up to {known}); update Pathforge to open it", path.display())]
    TooNew {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: database error: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}: schema migration failed: {source}", path.display())]
    Migration {
        path: PathBuf,
        source: rusqlite_migration::Error,
    },
    #[error("no {what} with id {id} in this project")]
    UnknownId { what: &'static str, id: String },
    #[error("{}: another Pathforge is changing this project ({holder}); close it there, or wait for that command to finish", path.display())]
    Busy { path: PathBuf, holder: String },
    #[error("{}: damaged ({detail}); it cannot be restored", path.display())]
    Damaged { path: PathBuf, detail: String },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::AlreadyExists { .. } => ErrorKind::AlreadyExists,
            Error::NotAProject { .. } => ErrorKind::NotAProject,
            Error::TooNew { .. } => ErrorKind::TooNew,
            Error::Io { .. } => ErrorKind::Io,
            Error::Sqlite { .. } | Error::Migration { .. } => ErrorKind::Storage,
            Error::UnknownId { .. } => ErrorKind::UnknownId,
            Error::Busy { .. } => ErrorKind::Busy,
            Error::Damaged { .. } => ErrorKind::BadInput,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An open project file.
#[derive(Debug)]
pub struct Store {
    // Declared first so it closes (and checkpoints) before the writer lock goes.
    conn: Connection,
    path: PathBuf,
    lock: Option<WriterLock>,
}

/// The writer lock of a project, held from its first write until it is closed: an advisory
/// lock on `NAME.pathforge-lock`, which says which process holds it. The file is removed
/// on close; the lock itself dies with the process.
#[derive(Debug)]
struct WriterLock {
    path: PathBuf,
    _file: std::fs::File,
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        // Removed while still locked; a process that opened the old file meanwhile sees,
        // once it gets the lock, that the path no longer names it, and tries again.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The lock file of the project at `path`.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-lock");
    PathBuf::from(name)
}

/// Where a file about to be migrated from schema `version` is copied first.
pub fn upgrade_backup_path(path: &Path, version: u32) -> PathBuf {
    path.with_extension(format!("schema-{version}.pathforge-backup"))
}

/// Takes the writer lock of the project at `project`, or says who holds it.
fn take_lock(project: &Path) -> Result<WriterLock> {
    use std::io::Write;
    let path = lock_path(project);
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    loop {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = match holder.trim() {
                    "" => "another process".to_owned(),
                    h => h.to_owned(),
                };
                return Err(Error::Busy {
                    path: project.to_path_buf(),
                    holder,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        if !still_at(&file, &path) {
            continue;
        }
        let program = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "pathforge".to_owned());
        file.set_len(0).map_err(io)?;
        write!(file, "{program}, process {}", std::process::id()).map_err(io)?;
        return Ok(WriterLock { path, _file: file });
    }
}

/// Whether `path` still names the file `file` has open.
#[cfg(unix)]
fn still_at(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// (Elsewhere an open file cannot be removed, so the path always names it.)
#[cfg(not(unix))]
fn still_at(_file: &std::fs::File, _path: &Path) -> bool {
    true
}

/// The start of a temporary name this process writes beside a file it is making:
/// `PREFIX{pid}-`, so [`remove_leftovers`] can tell the leftovers of a killed process.
pub fn staging_prefix(prefix: &str) -> String {
    format!("{prefix}{}-", std::process::id())
}

/// Removes what Pathforge processes killed mid-write left in `dir`: files and folders
/// named with [`staging_prefix`] of one of `prefixes` whose process is gone.
pub fn remove_leftovers(dir: &Path, prefixes: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = prefixes.iter().find_map(|p| name.strip_prefix(p)) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !process_alive(pid)) {
            let path = entry.path();
            let _ = match path.is_dir() {
                true => std::fs::remove_dir_all(&path),
                false => std::fs::remove_file(&path),
            };
        }
    }
}

/// Whether process `pid` is running (where that cannot be known, it is assumed to be).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

const NEW: &str = ".pathforge-new-";
const BACKUP: &str = ".pathforge-backup-";

/// Copies the database behind `conn` to `dest` with SQLite's online backup: staged beside
/// `dest`, synced, and renamed into place without overwriting anything.
fn copy_database(conn: &Connection, project: &Path, dest: &Path) -> Result<()> {
    let io = |source| Error::Io {
        path: dest.to_path_buf(),
        source,
    };
    if dest.symlink_metadata().is_ok() {
        return Err(Error::AlreadyExists {
            path: dest.to_path_buf(),
        });
    }
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_leftovers(dir, &[BACKUP]);
    let staged = tempfile::Builder::new()
        .prefix(&staging_prefix(BACKUP))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    conn.backup(rusqlite::MAIN_DB, staged.path(), None)
        .map_err(|source| Error::Sqlite {
            path: project.to_path_buf(),
            source,
        })?;
    staged.as_file().sync_all().map_err(io)?;
    staged
        .persist_noclobber(dest)
        .map_err(|e| match e.error.kind() {
            std::io::ErrorKind::AlreadyExists => Error::AlreadyExists {
                path: dest.to_path_buf(),
            },
            _ => io(e.error),
        })?;
    Ok(())
}

/// Checks that `from` can be restored: a Pathforge project this build reads, intact.
pub fn check_restorable(from: &Path) -> Result<()> {
    check_header(from)?;
    let damaged = |detail: String| Error::Damaged {
        path: from.to_path_buf(),
        detail,
    };
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| damaged(e.to_string()))?;
    let verdict: String = source
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| damaged(e.to_string()))?;
    match verdict.as_str() {
        "ok" => Ok(()),
        _ => Err(damaged(format!("integrity check: {verdict}"))),
    }
}

/// Checks that `path` is a Pathforge project this build can read; its schema version.
fn check_header(path: &Path) -> Result<u32> {
    let not_a_project = |reason| Error::NotAProject {
        path: path.to_path_buf(),
        reason,
    };
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound {
            path: path.to_path_buf(),
        },
        _ => Error::Io {
            path: path.to_path_buf(),
            source,
        },
    })?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(not_a_project("it is a folder"));
    }
    let read = read_up_to(&mut file, &mut header).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    drop(file);
    if read < header.len() || &header[..16] != SQLITE_MAGIC {
        return Err(not_a_project("not a SQLite database"));
    }
    let app_id = u32::from_be_bytes(header[68..72].try_into().expect("4 bytes"));
    if app_id != APPLICATION_ID {
        return Err(not_a_project("a SQLite database made by another program"));
    }
    let found = u32::from_be_bytes(header[60..64].try_into().expect("4 bytes"));
    if found > SCHEMA_VERSION {
        return Err(Error::TooNew {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// What a new project file starts with.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub id: ProjectId,
    pub name: String,
    pub created_at: Timestamp,
}

impl Store {
    /// Creates a new project file at `path`; refuses if anything exists there.
    pub fn create(path: &Path, project: &NewProject) -> Result<Store> {
        if path.symlink_metadata().is_ok() {
            return Err(Error::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        remove_leftovers(dir, &[NEW]);
        let staged = tempfile::Builder::new()
            .prefix(&staging_prefix(NEW))
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io)?;
        {
            let mut conn = Connection::open(staged.path()).map_err(|source| Error::Sqlite {
                path: path.to_path_buf(),
                source,
            })?;
            let sql = |source| Error::Sqlite {
                path: path.to_path_buf(),
                source,
            };
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(sql)?;
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(sql)?;
            migrations()
                .to_latest(&mut conn)
                .map_err(|source| Error::Migration {
                    path: path.to_path_buf(),
                    source,
                })?;
            conn.execute(
                "INSERT INTO project (singleton, id, name, created_at) VALUES (1, ?1, ?2, ?3)",
                params![project.id.as_str(), project.name, project.created_at.0],
            )
            .map_err(sql)?;
            // Closing checkpoints the WAL into the main file before it is renamed.
            conn.close().map_err(|(_, source)| sql(source))?;
        }
        staged
            .persist_noclobber(path)
            .map_err(|e| match e.error.kind() {
                std::io::ErrorKind::AlreadyExists => Error::AlreadyExists {
                    path: path.to_path_buf(),
                },
                _ => io(e.error),
            })?;
        Store::open(path)
    }

    /// Opens an existing project file, migrating it to this build's schema (after copying
    /// it as it was to [`upgrade_backup_path`], unless a copy from that version is there).
    pub fn open(path: &Path) -> Result<Store> {
        let found = check_header(path)?;
        let sql = |source| Error::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let mut conn = Connection::open_with_flags(path, flags).map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(sql)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql)?;
        let mut lock = None;
        if found < SCHEMA_VERSION {
            lock = Some(take_lock(path)?);
            let copy = upgrade_backup_path(path, found);
            if copy.symlink_metadata().is_err() {
                copy_database(&conn, path, &copy)?;
            }
        }
        migrations()
            .to_latest(&mut conn)
            .map_err(|source| Error::Migration {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            lock,
        })
    }

    /// Writes a consistent copy of the project to `dest` (SQLite's online backup, safe
    /// while the project is in use); it appears whole or not at all, and an existing file
    /// is never overwritten.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        copy_database(&self.conn, &self.path, dest)
    }

    /// Replaces the project's content with the copy at `from` — checked first: a Pathforge
    /// project this build reads, intact — in one step through SQLite's backup API, so a
    /// reader sees the old project or the restored one, never a mix; then brings the
    /// schema up to date. With `keep`, the project as it was is copied there first (once
    /// the copy at `from` has passed its checks). Takes the writer lock.
    pub fn restore_from(&mut self, from: &Path, keep: Option<&Path>) -> Result<()> {
        check_restorable(from)?;
        if let Some(keep) = keep {
            self.backup_to(keep)?;
        }
        if self.lock.is_none() {
            self.lock = Some(take_lock(&self.path)?);
        }
        let path = self.path.clone();
        self.conn
            .restore(
                rusqlite::MAIN_DB,
                from,
                None::<fn(rusqlite::backup::Progress)>,
            )
            .map_err(|source| Error::Sqlite {
                path: path.clone(),
                source,
            })?;
        self.conn
            .pragma_update(None, "foreign_keys", true)
            .map_err(|source| Error::Sqlite {
                path: path.clone(),
                source,
            })?;
        migrations()
            .to_latest(&mut self.conn)
            .map_err(|source| Error::Migration { path, source })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self, source: rusqlite::Error) -> Error {
        Error::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Runs `f` in one transaction: everything it writes lands, or nothing does.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> rusqlite::Result<T>) -> Result<T> {
        let path = self.path.clone();
        let sql = |source| Error::Sqlite {
            path: path.clone(),
            source,
        };
        if self.lock.is_none() {
            self.lock = Some(take_lock(&path)?);
        }
        let tx = self.conn.transaction().map_err(sql)?;
        let value = f(&Tx { tx: &tx }).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(value)
    }

    pub fn project(&self) -> Result<ProjectInfo> {
        let version: u32 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        self.conn
            .query_row(
                "SELECT id, name, created_at FROM project WHERE singleton = 1",
                [],
                |r| {
                    Ok(ProjectInfo {
                        id: ProjectId(r.get(0)?),
                        name: r.get(1)?,
                        path: self.path.display().to_string(),
                        created_at: Timestamp(r.get(2)?),
                        schema_version: version,
                    })
                },
            )
            .map_err(|e| self.sql(e))
    }

    pub fn libraries(&self) -> Result<Vec<Library>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, name, source_path, format, imported_at FROM libraries ORDER BY name, id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], library_from_row)
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// All modules, in library then file order, without their bodies.
    pub fn module_summaries(&self) -> Result<Vec<ModuleSummary>> {
        let mut tags = self.declared_tags(None, None)?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT m.id, m.library_id, m.source_path, m.title, m.duration_minutes, m.level,
                        m.word_count
                 FROM modules m JOIN libraries l ON l.id = m.library_id
                 WHERE m.retired = 0
                 ORDER BY l.name, l.id, m.position",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let id = ModuleId(r.get(0)?);
                Ok(ModuleSummary {
                    tags: tags.remove(&id).unwrap_or_default(),
                    id,
                    library_id: LibraryId(r.get(1)?),
                    source_path: r.get(2)?,
                    title: r.get(3)?,
                    duration_minutes: r.get(4)?,
                    level: level_from_sql(r, 5)?,
                    word_count: r.get(6)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// The modules of one library, with their bodies, keyed by id.
    /// Each live module of `library` as a re-import compares it, without reading the
    /// modules back.
    pub fn library_module_hashes(
        &self,
        library: &LibraryId,
    ) -> Result<std::collections::HashMap<ModuleId, StoredModule>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, content_hash, position, source_path FROM modules
                 WHERE library_id = ?1 AND retired = 0",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([library.as_str()], |r| {
                Ok((
                    ModuleId(r.get(0)?),
                    StoredModule {
                        hash: r.get(1)?,
                        position: r.get(2)?,
                        source_path: r.get(3)?,
                    },
                ))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    pub fn module(&self, id: &ModuleId) -> Result<Module> {
        let mut tags = self.declared_tags(None, Some(id))?;
        self.conn
            .query_row(
                &format!("{MODULE_SELECT} WHERE id = ?1"),
                [id.as_str()],
                |r| module_from_row(r, &mut tags),
            )
            .optional()
            .map_err(|e| self.sql(e))?
            .ok_or_else(|| Error::UnknownId {
                what: "module",
                id: id.to_string(),
            })
    }

    pub fn audit_events(&self) -> Result<Vec<AuditEvent>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT seq, at, actor, action, object, before, after FROM audit_events ORDER BY seq",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AuditEvent {
                    seq: r.get(0)?,
                    at: Timestamp(r.get(1)?),
                    actor: json_from_sql(r, 2)?,
                    action: r.get(3)?,
                    object: r.get(4)?,
                    before: json_from_sql(r, 5)?,
                    after: json_from_sql(r, 6)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// Each audit entry's chain hash, in log order.
    pub fn audit_hashes(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT hash FROM audit_events ORDER BY seq")
            .map_err(|e| self.sql(e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// Walks the audit log's hash chain and reports the first entry that was edited,
    /// inserted or removed after it was written.
    pub fn verify_audit(&self) -> Result<model::AuditCheck> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT seq, at, actor, action, object, before, after, hash
                 FROM audit_events ORDER BY seq",
            )
            .map_err(|e| self.sql(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.sql(e))?;
        let mut previous = AUDIT_GENESIS.to_owned();
        let mut expected = 1i64;
        let mut entries = 0;
        while let Some(r) = rows.next().map_err(|e| self.sql(e))? {
            let get = |i: usize| -> Result<String> { r.get(i).map_err(|e| self.sql(e)) };
            let seq: i64 = r.get(0).map_err(|e| self.sql(e))?;
            let at: i64 = r.get(1).map_err(|e| self.sql(e))?;
            entries += 1;
            let broken = |reason: String| model::AuditCheck {
                entries,
                broken: Some(model::BrokenEntry { seq, reason }),
                head: String::new(),
            };
            if seq != expected {
                return Ok(broken(format!(
                    "entry {expected}{} is missing: removed from the log",
                    if seq > expected + 1 {
                        format!("–{}", seq - 1)
                    } else {
                        String::new()
                    }
                )));
            }
            let hash = audit_hash(
                &previous,
                seq,
                at,
                &get(2)?,
                &get(3)?,
                &get(4)?,
                &get(5)?,
                &get(6)?,
            );
            if hash != get(7)? {
                return Ok(broken(format!(
                    "entry {seq} does not match its hash: it was changed after it was written, or an entry before it was"
                )));
            }
            previous = hash;
            expected += 1;
        }
        Ok(model::AuditCheck {
            entries,
            broken: None,
            head: previous,
        })
    }

    /// A project-wide setting, if set.
    /// Every stored answer as (skill id, learner pseudonym, correct), each learner's
    /// answers on a skill in order, learners in pseudonym order.
    pub fn answers(&self) -> Result<Vec<(SkillId, String, bool)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT skill_id, learner, correct FROM answers ORDER BY skill_id, learner, seq",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((SkillId(r.get(0)?), r.get(1)?, r.get::<_, i64>(2)? == 1))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    pub fn setting(&self, key: &str) -> Result<Option<serde_json::Value>> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql(e))?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// The taxonomy, parents before children, then by name.
    pub fn skills(&self) -> Result<Vec<Skill>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "WITH RECURSIVE depth (id, d) AS (
                     SELECT id, 0 FROM skills WHERE parent_id IS NULL
                     UNION ALL
                     SELECT s.id, depth.d + 1 FROM skills s JOIN depth ON s.parent_id = depth.id
                 )
                 SELECT s.id, s.slug, s.name, s.parent_id, s.description, s.retired, s.examples
                 FROM skills s JOIN depth ON depth.id = s.id ORDER BY depth.d, s.name",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Skill {
                    id: SkillId(r.get(0)?),
                    slug: r.get(1)?,
                    name: r.get(2)?,
                    parent_id: r.get::<_, Option<String>>(3)?.map(SkillId),
                    description: r.get(4)?,
                    retired: r.get(5)?,
                    examples: json_from_sql(r, 6)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// Slugs of skills merged into others, with the survivor's id.
    pub fn skill_aliases(&self) -> Result<std::collections::HashMap<String, SkillId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT slug, skill_id FROM skill_aliases")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, SkillId(r.get(1)?))))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// Skill prerequisites by skill id: (before, after, origin).
    pub fn skill_prerequisites(&self) -> Result<Vec<(SkillId, SkillId, EdgeOrigin)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT before_id, after_id, origin FROM skill_prerequisites ORDER BY after_id, before_id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let origin: String = r.get(2)?;
                Ok((
                    SkillId(r.get(0)?),
                    SkillId(r.get(1)?),
                    if origin == "manifest" {
                        EdgeOrigin::Manifest
                    } else {
                        EdgeOrigin::Person
                    },
                ))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// Stored rules as (id, JSON body), in id order.
    pub fn rules(&self) -> Result<Vec<(String, serde_json::Value)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, body FROM rules ORDER BY id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, json_from_sql(r, 1)?)))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    pub fn tracks(&self) -> Result<Vec<Track>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, slug, name, description, targets FROM tracks ORDER BY name")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Track {
                    id: TrackId(r.get(0)?),
                    slug: r.get(1)?,
                    name: r.get(2)?,
                    description: r.get(3)?,
                    targets: json_from_sql(r, 4)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// Every prerequisite edge, in a stable order.
    pub fn prerequisites(&self) -> Result<Vec<PrerequisiteEdge>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT p.before_id, p.after_id, p.grp, p.origin FROM prerequisites p
                 JOIN modules b ON b.id = p.before_id AND b.retired = 0
                 JOIN modules a ON a.id = p.after_id AND a.retired = 0
                 ORDER BY p.after_id, p.before_id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let origin: String = r.get(3)?;
                Ok(PrerequisiteEdge {
                    before: ModuleId(r.get(0)?),
                    after: ModuleId(r.get(1)?),
                    group: json_from_sql(r, 2)?,
                    origin: match origin.as_str() {
                        "manifest" => EdgeOrigin::Manifest,
                        "person" => EdgeOrigin::Person,
                        other => return Err(bad_value(3, other)),
                    },
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// Cached vectors of `model` for those of `hashes` it has.
    pub fn vectors(
        &self,
        model: &str,
        hashes: &[&str],
    ) -> Result<std::collections::HashMap<String, Vec<f32>>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT vector FROM embeddings WHERE model = ?1 AND hash = ?2")
            .map_err(|e| self.sql(e))?;
        let mut out = std::collections::HashMap::new();
        for &hash in hashes {
            let blob: Option<Vec<u8>> = stmt
                .query_row([model, hash], |r| r.get(0))
                .optional()
                .map_err(|e| self.sql(e))?;
            if let Some(blob) = blob {
                let v = blob
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                out.insert(hash.to_owned(), v);
            }
        }
        Ok(out)
    }

    /// Model suggestions awaiting review, over all modules in use.
    pub fn open_suggestions(&self) -> Result<u32> {
        self.conn
            .query_row(
                "SELECT count(*) FROM tags t JOIN modules m ON m.id = t.module_id
                 WHERE t.source = 'model' AND t.state = 'suggested' AND m.retired = 0",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.sql(e))
    }

    /// Per module last analysed: the content hash and fingerprint it was analysed with.
    pub fn insight_keys(&self) -> Result<std::collections::HashMap<ModuleId, (String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT module_id, content_hash, fingerprint FROM module_insights")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| Ok((ModuleId(r.get(0)?), (r.get(1)?, r.get(2)?))))
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// Every tag on modules in use, whatever its source and state.
    pub fn all_tags(&self) -> Result<Vec<Tag>> {
        self.query_tags(None)
    }

    /// What merging `from` into `into` would change, as it is now (see [`MergeSnapshot`]).
    pub fn merge_snapshot(&self, from: &Skill, into: &SkillId) -> Result<MergeSnapshot> {
        MergeSnapshot::capture(&self.conn, from, into).map_err(|e| self.sql(e))
    }

    /// Every tag on `module` with its skill, declared first, then by confidence.
    pub fn tags(&self, module: &ModuleId) -> Result<Vec<Tag>> {
        self.query_tags(Some(module))
    }

    /// Every model suggestion on modules in use, whatever its state, best first.
    pub fn model_tags(&self) -> Result<Vec<Tag>> {
        Ok(self
            .query_tags(None)?
            .into_iter()
            .filter(|t| t.source == TagSource::Model)
            .collect())
    }

    fn query_tags(&self, module: Option<&ModuleId>) -> Result<Vec<Tag>> {
        // One statement per case, so one module's tags are found by the primary key
        // rather than by reading every tag.
        let mut stmt = self
            .conn
            .prepare_cached(match module {
                Some(_) => {
                    "SELECT t.module_id, t.skill_id, s.slug, s.name, t.source, t.state, t.confidence,
                            t.model, t.evidence, t.rejected_before, t.auto_accepted,
                            (SELECT slug FROM skills WHERE id = t.replaced_by)
                     FROM tags t JOIN skills s ON s.id = t.skill_id
                     WHERE t.module_id = ?1
                     ORDER BY t.source = 'declared' DESC, t.confidence DESC, t.position, s.name"
                }
                None => {
                    "SELECT t.module_id, t.skill_id, s.slug, s.name, t.source, t.state, t.confidence,
                            t.model, t.evidence, t.rejected_before, t.auto_accepted,
                            (SELECT slug FROM skills WHERE id = t.replaced_by)
                     FROM tags t JOIN skills s ON s.id = t.skill_id
                     JOIN modules m ON m.id = t.module_id
                     WHERE ?1 IS NULL AND m.retired = 0
                     ORDER BY t.source = 'declared' DESC, t.confidence DESC, t.position, s.name"
                }
            })
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([module.map(|m| m.as_str())], |r| {
                let source: String = r.get(4)?;
                let state: String = r.get(5)?;
                let evidence: String = r.get(8)?;
                Ok(Tag {
                    module_id: ModuleId(r.get(0)?),
                    skill_id: SkillId(r.get(1)?),
                    skill_slug: r.get(2)?,
                    skill_name: r.get(3)?,
                    source: match source.as_str() {
                        "declared" => TagSource::Declared,
                        "model" => TagSource::Model,
                        "person" => TagSource::Person,
                        other => return Err(bad_value(4, other)),
                    },
                    state: match state.as_str() {
                        "suggested" => TagState::Suggested,
                        "accepted" => TagState::Accepted,
                        "rejected" => TagState::Rejected,
                        other => return Err(bad_value(5, other)),
                    },
                    confidence: r.get(6)?,
                    model: r.get(7)?,
                    evidence: serde_json::from_str(&evidence)
                        .map_err(|_| bad_value(8, &evidence))?,
                    rejected_before: r.get(9)?,
                    auto_accepted: r.get(10)?,
                    replaced_by: r.get(11)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

    /// What auto-tagging last found in `module`, with all its tags.
    pub fn insight(&self, module: &ModuleId) -> Result<ModuleInsight> {
        let tags = self.tags(module)?;
        let row = self
            .conn
            .query_row(
                "SELECT model, keyphrases, level, level_score, level_signals, notes
                 FROM module_insights WHERE module_id = ?1",
                [module.as_str()],
                |r| {
                    let json = |i: usize| -> rusqlite::Result<serde_json::Value> {
                        let text: String = r.get(i)?;
                        serde_json::from_str(&text).map_err(|_| bad_value(i, &text))
                    };
                    let level: Option<String> = r.get(2)?;
                    Ok((
                        r.get::<_, String>(0)?,
                        json(1)?,
                        level,
                        r.get::<_, f64>(3)?,
                        json(4)?,
                        json(5)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let mut insight = ModuleInsight {
            module_id: module.clone(),
            model: None,
            keyphrases: Vec::new(),
            level: None,
            level_score: 0.0,
            level_signals: Vec::new(),
            notes: Vec::new(),
            tags,
        };
        if let Some((model, keyphrases, level, score, signals, notes)) = row {
            insight.model = Some(model);
            insight.keyphrases = serde_json::from_value(keyphrases).unwrap_or_default();
            insight.level = level.as_deref().and_then(Level::parse);
            insight.level_score = score as f32;
            insight.level_signals = serde_json::from_value(signals).unwrap_or_default();
            insight.notes = serde_json::from_value(notes).unwrap_or_default();
        }
        Ok(insight)
    }

    /// Declared tag slugs per module, in declaration order, for one library or one module
    /// (or all, with neither).
    fn declared_tags(
        &self,
        library: Option<&LibraryId>,
        module: Option<&ModuleId>,
    ) -> Result<std::collections::HashMap<ModuleId, Vec<String>>> {
        declared_tags_of(&self.conn, library, module).map_err(|e| self.sql(e))
    }
}

/// The skill slugs modules declare, by module, in their order.
fn declared_tags_of(
    conn: &Connection,
    library: Option<&LibraryId>,
    module: Option<&ModuleId>,
) -> rusqlite::Result<std::collections::HashMap<ModuleId, Vec<String>>> {
    // One statement per case: `(?2 IS NULL OR t.module_id = ?2)` would keep SQLite from
    // using the tags' primary key, and read every tag for each module (quadratic at scale).
    let mut stmt = conn.prepare_cached(match module {
        Some(_) => {
            "SELECT t.module_id, s.slug FROM tags t
             JOIN skills s ON s.id = t.skill_id
             JOIN modules m ON m.id = t.module_id
             WHERE t.module_id = ?2 AND t.source = 'declared' AND (?1 IS NULL OR m.library_id = ?1)
             ORDER BY t.position"
        }
        None => {
            "SELECT t.module_id, s.slug FROM tags t
             JOIN skills s ON s.id = t.skill_id
             JOIN modules m ON m.id = t.module_id
             WHERE t.source = 'declared' AND (?1 IS NULL OR m.library_id = ?1) AND ?2 IS NULL
             ORDER BY t.module_id, t.position"
        }
    })?;
    let mut out: std::collections::HashMap<ModuleId, Vec<String>> = Default::default();
    let mut rows = stmt.query([library.map(|l| l.as_str()), module.map(|m| m.as_str())])?;
    while let Some(r) = rows.next()? {
        out.entry(ModuleId(r.get(0)?)).or_default().push(r.get(1)?);
    }
    Ok(out)
}

const MODULE_SELECT: &str = "SELECT id, library_id, source_path, title, duration_minutes, level,
    word_count, extra, body FROM modules";

fn module_from_row(
    r: &Row<'_>,
    tags: &mut std::collections::HashMap<ModuleId, Vec<String>>,
) -> rusqlite::Result<Module> {
    let id = ModuleId(r.get(0)?);
    Ok(Module {
        tags: tags.remove(&id).unwrap_or_default(),
        id,
        library_id: LibraryId(r.get(1)?),
        source_path: r.get(2)?,
        title: r.get(3)?,
        duration_minutes: r.get(4)?,
        level: level_from_sql(r, 5)?,
        word_count: r.get(6)?,
        extra: json_from_sql(r, 7)?,
        body: r.get(8)?,
    })
}

fn library_from_row(r: &Row<'_>) -> rusqlite::Result<Library> {
    let format: String = r.get(3)?;
    Ok(Library {
        id: LibraryId(r.get(0)?),
        name: r.get(1)?,
        source_path: r.get(2)?,
        format: LibraryFormat::parse(&format).ok_or_else(|| bad_value(3, &format))?,
        imported_at: Timestamp(r.get(4)?),
    })
}

fn level_from_sql(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Level>> {
    match r.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(s) => Level::parse(&s).map(Some).ok_or_else(|| bad_value(idx, &s)),
    }
}

fn json_from_sql<T: serde::de::DeserializeOwned>(r: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let text: String = r.get(idx)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn bad_value(idx: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        rusqlite::types::Type::Text,
        format!("unexpected value {value:?}").into(),
    )
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Writes inside one transaction (see [`Store::write`]).
#[derive(Debug)]
pub struct Tx<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

impl Tx<'_> {
    pub fn upsert_library(&self, library: &Library) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO libraries (id, name, source_path, format, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, source_path = ?3, format = ?4,
                     imported_at = ?5",
            )?
            .execute(params![
                library.id.as_str(),
                library.name,
                library.source_path,
                library.format.as_str(),
                library.imported_at.0
            ])?;
        Ok(())
    }

    /// Inserts or replaces a module and its declared tags, creating missing skills.
    pub fn upsert_module(
        &self,
        project: &ProjectId,
        module: &Module,
        position: u32,
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO modules (id, library_id, source_path, position, title,
                     duration_minutes, level, word_count, extra, body, content_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (id) DO UPDATE SET library_id = ?2, source_path = ?3,
                     position = ?4, title = ?5, duration_minutes = ?6, level = ?7,
                     word_count = ?8, extra = ?9, body = ?10, content_hash = ?11,
                     retired = 0",
            )?
            .execute(params![
                module.id.as_str(),
                module.library_id.as_str(),
                module.source_path,
                position,
                module.title,
                module.duration_minutes,
                module.level.map(Level::as_str),
                module.word_count,
                serde_json::Value::Object(module.extra.clone()).to_string(),
                module.body,
                module_hash(module),
            ])?;
        self.tx
            .prepare_cached("DELETE FROM tags WHERE module_id = ?1 AND source = 'declared'")?
            .execute([module.id.as_str()])?;
        for (position, slug) in module.tags.iter().enumerate() {
            let skill = self.skill_for_slug(project, slug)?;
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO tags (module_id, skill_id, source, state, position)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    module.id.as_str(),
                    skill.as_str(),
                    tag_source_sql(TagSource::Declared),
                    tag_state_sql(TagState::Accepted),
                    position as i64,
                ])?;
        }
        Ok(())
    }

    /// The skill a tag slug means: a skill merged away resolves to the one it was merged
    /// into; an unknown slug becomes a new skill named after it.
    fn skill_for_slug(&self, project: &ProjectId, slug: &str) -> rusqlite::Result<SkillId> {
        let known: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT skill_id FROM skill_aliases WHERE slug = ?1
                 UNION ALL SELECT id FROM skills WHERE slug = ?1 LIMIT 1",
            )?
            .query_row([slug], |r| r.get(0))
            .optional()?;
        if let Some(id) = known {
            return Ok(SkillId(id));
        }
        let id = SkillId::derive(project, slug);
        self.tx
            .prepare_cached("INSERT INTO skills (id, slug, name) VALUES (?1, ?2, ?2)")?
            .execute(params![id.as_str(), slug])?;
        Ok(id)
    }

    /// Moves every tag, child skill and alias of `from` onto `into`, records `from`'s slug
    /// as an alias of `into`, and deletes `from`. Returns (tags moved, children moved).
    pub fn merge_skill(&self, from: &Skill, into: &SkillId) -> rusqlite::Result<(usize, usize)> {
        let tags = self
            .tx
            .prepare_cached("UPDATE OR IGNORE tags SET skill_id = ?2 WHERE skill_id = ?1")?
            .execute([from.id.as_str(), into.as_str()])?;
        self.tx
            .prepare_cached("DELETE FROM tags WHERE skill_id = ?1")?
            .execute([from.id.as_str()])?;
        let children = self
            .tx
            .prepare_cached("UPDATE skills SET parent_id = ?2 WHERE parent_id = ?1")?
            .execute([from.id.as_str(), into.as_str()])?;
        self.tx
            .prepare_cached("UPDATE skill_aliases SET skill_id = ?2 WHERE skill_id = ?1")?
            .execute([from.id.as_str(), into.as_str()])?;
        for column in ["before_id", "after_id"] {
            self.tx
                .prepare_cached(&format!(
                    "UPDATE OR IGNORE skill_prerequisites SET {column} = ?2 WHERE {column} = ?1"
                ))?
                .execute([from.id.as_str(), into.as_str()])?;
        }
        // What could not move duplicated an edge the survivor has, or would require itself.
        self.tx
            .prepare_cached(
                "DELETE FROM skill_prerequisites WHERE before_id = ?1 OR after_id = ?1
                 OR (before_id = ?2 AND after_id = ?2)",
            )?
            .execute([from.id.as_str(), into.as_str()])?;
        self.tx
            .prepare_cached("DELETE FROM skills WHERE id = ?1")?
            .execute([from.id.as_str()])?;
        self.tx
            .prepare_cached(
                "INSERT INTO skill_aliases (slug, skill_id) VALUES (?1, ?2)
                 ON CONFLICT (slug) DO UPDATE SET skill_id = ?2",
            )?
            .execute([from.slug.as_str(), into.as_str()])?;
        Ok((tags, children))
    }

    /// What merging `from` into `into` would change, captured in this transaction.
    pub fn merge_snapshot(&self, from: &Skill, into: &SkillId) -> rusqlite::Result<MergeSnapshot> {
        MergeSnapshot::capture(self.tx, from, into)
    }

    /// Puts back what a merge changed, from the snapshot taken before it: the skill, its
    /// tags (dropping the copies that moved to the survivor), sub-skills, aliases and skill
    /// prerequisites. The caller checks that the survivor exists and the skill does not.
    pub fn unmerge_skill(&self, snap: &MergeSnapshot) -> rusqlite::Result<()> {
        let (from, into) = (snap.skill.id.as_str(), snap.into.as_str());
        self.upsert_skill(&snap.skill)?;
        self.set_skill_retired(&snap.skill.id, snap.skill.retired)?;
        match &snap.slug_alias {
            Some(owner) => self
                .tx
                .prepare_cached("UPDATE skill_aliases SET skill_id = ?2 WHERE slug = ?1")?
                .execute([snap.skill.slug.as_str(), owner.as_str()])?,
            None => self
                .tx
                .prepare_cached("DELETE FROM skill_aliases WHERE slug = ?1")?
                .execute([snap.skill.slug.as_str()])?,
        };
        for slug in &snap.aliases {
            self.tx
                .prepare_cached("UPDATE skill_aliases SET skill_id = ?2 WHERE slug = ?1")?
                .execute([slug.as_str(), from])?;
        }
        for row in &snap.tags {
            let module = row
                .get("module_id")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let source = row
                .get("source")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let survivor_had_it = snap
                .into_tags
                .iter()
                .any(|(m, s)| m == module && s == source);
            if !survivor_had_it {
                self.tx
                    .prepare_cached(
                        "DELETE FROM tags WHERE module_id = ?1 AND skill_id = ?2 AND source = ?3",
                    )?
                    .execute([module, into, source])?;
            }
            insert_row(self.tx, "tags", row)?;
        }
        for child in &snap.children {
            self.tx
                .prepare_cached("UPDATE skills SET parent_id = ?2 WHERE id = ?1")?
                .execute([child.as_str(), from])?;
        }
        for (before, after, origin) in &snap.prerequisites {
            let (b, a) = (
                if before.as_str() == from {
                    into
                } else {
                    before.as_str()
                },
                if after.as_str() == from {
                    into
                } else {
                    after.as_str()
                },
            );
            let survivor_had_it = snap
                .into_prerequisites
                .iter()
                .any(|(x, y)| x.as_str() == b && y.as_str() == a);
            if !survivor_had_it {
                self.tx
                    .prepare_cached(
                        "DELETE FROM skill_prerequisites WHERE before_id = ?1 AND after_id = ?2",
                    )?
                    .execute([b, a])?;
            }
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO skill_prerequisites (before_id, after_id, origin)
                     VALUES (?1, ?2, ?3)",
                )?
                .execute([before.as_str(), after.as_str(), origin.as_str()])?;
        }
        Ok(())
    }

    /// Deletes a skill row (the caller has checked nothing uses it).
    pub fn delete_skill(&self, id: &SkillId) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("DELETE FROM skills WHERE id = ?1")?
            .execute([id.as_str()])?;
        Ok(())
    }

    /// Marks a skill retired (kept for history, out of tracks and checks) or active again.
    pub fn set_skill_retired(&self, id: &SkillId, retired: bool) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("UPDATE skills SET retired = ?2 WHERE id = ?1")?
            .execute(params![id.as_str(), retired])?;
        Ok(())
    }

    /// Adds a skill prerequisite; returns whether it was new.
    pub fn insert_skill_prerequisite(
        &self,
        before: &SkillId,
        after: &SkillId,
        origin: EdgeOrigin,
    ) -> rusqlite::Result<bool> {
        let origin = if origin == EdgeOrigin::Manifest {
            "manifest"
        } else {
            "person"
        };
        let n = self
            .tx
            .prepare_cached(
                "INSERT INTO skill_prerequisites (before_id, after_id, origin) VALUES (?1, ?2, ?3)
                 ON CONFLICT (before_id, after_id) DO NOTHING",
            )?
            .execute([before.as_str(), after.as_str(), origin])?;
        Ok(n == 1)
    }

    /// Removes a skill prerequisite; returns whether there was one.
    pub fn delete_skill_prerequisite(
        &self,
        before: &SkillId,
        after: &SkillId,
    ) -> rusqlite::Result<bool> {
        let n = self
            .tx
            .prepare_cached(
                "DELETE FROM skill_prerequisites WHERE before_id = ?1 AND after_id = ?2",
            )?
            .execute([before.as_str(), after.as_str()])?;
        Ok(n == 1)
    }

    /// Removes manifest-declared prerequisites of the given skills (before a re-import
    /// declares them again).
    pub fn delete_manifest_skill_prerequisites(&self, skills: &[SkillId]) -> rusqlite::Result<()> {
        for s in skills {
            self.tx
                .prepare_cached(
                    "DELETE FROM skill_prerequisites WHERE after_id = ?1 AND origin = 'manifest'",
                )?
                .execute([s.as_str()])?;
        }
        Ok(())
    }

    /// Creates or replaces one rule written in the app (it belongs to no library).
    pub fn upsert_rule(
        &self,
        id: &str,
        kind: &str,
        body: &serde_json::Value,
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO rules (id, kind, body, library_id) VALUES (?1, ?2, ?3, NULL)
                 ON CONFLICT (id) DO UPDATE SET kind = ?2, body = ?3, library_id = NULL",
            )?
            .execute(params![id, kind, body.to_string()])?;
        Ok(())
    }

    /// Removes a rule; returns whether there was one.
    pub fn delete_rule(&self, id: &str) -> rusqlite::Result<bool> {
        Ok(self
            .tx
            .prepare_cached("DELETE FROM rules WHERE id = ?1")?
            .execute([id])?
            == 1)
    }

    /// Replaces the rules `library` declares with `rules` (id, kind, JSON body).
    pub fn replace_library_rules(
        &self,
        library: &LibraryId,
        rules: &[(String, String, serde_json::Value)],
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("DELETE FROM rules WHERE library_id = ?1")?
            .execute([library.as_str()])?;
        for (id, kind, body) in rules {
            self.tx
                .prepare_cached(
                    "INSERT INTO rules (id, kind, body, library_id) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (id) DO UPDATE SET kind = ?2, body = ?3, library_id = ?4",
                )?
                .execute(params![id, kind, body.to_string(), library.as_str()])?;
        }
        Ok(())
    }

    /// Rewrites a track's targets (after a merge re-points them).
    pub fn set_track_targets(
        &self,
        id: &TrackId,
        targets: &[model::TrackTarget],
    ) -> rusqlite::Result<()> {
        let targets = serde_json::to_string(targets).expect("targets serialise");
        self.tx
            .prepare_cached("UPDATE tracks SET targets = ?2 WHERE id = ?1")?
            .execute([id.as_str(), targets.as_str()])?;
        Ok(())
    }

    /// Retires a module whose file left its library: its tags, edges and history stay, and
    /// it comes back as it was if the file returns.
    pub fn retire_module(&self, id: &ModuleId) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("UPDATE modules SET retired = 1 WHERE id = ?1")?
            .execute([id.as_str()])?;
        Ok(())
    }

    /// Stores one answer; an answer already there (same skill, learner and position) is
    /// kept. Whether it was new.
    pub fn insert_answer(
        &self,
        skill: &SkillId,
        learner: &str,
        seq: i64,
        correct: bool,
    ) -> rusqlite::Result<bool> {
        Ok(self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO answers (skill_id, learner, seq, correct) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![skill.as_str(), learner, seq, i64::from(correct)])?
            == 1)
    }

    pub fn set_setting(&self, key: &str, value: &serde_json::Value) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = ?2",
            )?
            .execute([key, value.to_string().as_str()])?;
        Ok(())
    }

    /// Creates or updates a skill (its parent must exist already).
    pub fn upsert_skill(&self, skill: &Skill) -> rusqlite::Result<()> {
        let examples = serde_json::to_string(&skill.examples).expect("strings serialise");
        self.tx
            .prepare_cached(
                "INSERT INTO skills (id, slug, name, parent_id, description, examples)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET name = ?3, parent_id = ?4, description = ?5,
                     examples = ?6",
            )?
            .execute(params![
                skill.id.as_str(),
                skill.slug,
                skill.name,
                skill.parent_id.as_ref().map(SkillId::as_str),
                skill.description,
                examples
            ])?;
        Ok(())
    }

    /// Replaces the tracks `library` declares with `tracks`.
    pub fn replace_library_tracks(
        &self,
        library: &LibraryId,
        tracks: &[Track],
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("DELETE FROM tracks WHERE library_id = ?1")?
            .execute([library.as_str()])?;
        for t in tracks {
            let targets = serde_json::to_string(&t.targets).expect("targets serialise");
            self.tx
                .prepare_cached(
                    "INSERT INTO tracks (id, slug, name, description, targets, library_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (id) DO UPDATE SET name = ?3, description = ?4, targets = ?5,
                         library_id = ?6",
                )?
                .execute(params![
                    t.id.as_str(),
                    t.slug,
                    t.name,
                    t.description,
                    targets,
                    library.as_str()
                ])?;
        }
        Ok(())
    }

    /// Adds `edge`; an edge between the same modules already there is kept as it is.
    /// Returns whether the edge was added.
    pub fn insert_prerequisite(&self, edge: &PrerequisiteEdge) -> rusqlite::Result<bool> {
        let origin = match edge.origin {
            EdgeOrigin::Manifest => "manifest",
            EdgeOrigin::Person => "person",
        };
        let group = serde_json::to_string(&edge.group).expect("groups serialise");
        let n = self
            .tx
            .prepare_cached(
                "INSERT INTO prerequisites (before_id, after_id, grp, origin) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (before_id, after_id) DO NOTHING",
            )?
            .execute(params![edge.before.as_str(), edge.after.as_str(), group, origin])?;
        Ok(n == 1)
    }

    /// Removes the edge `before → after`; returns whether there was one.
    pub fn delete_prerequisite(
        &self,
        before: &ModuleId,
        after: &ModuleId,
    ) -> rusqlite::Result<bool> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM prerequisites WHERE before_id = ?1 AND after_id = ?2")?
            .execute([before.as_str(), after.as_str()])?;
        Ok(n == 1)
    }

    /// Removes the manifest-declared edges into `library`'s modules (before a re-import
    /// declares them again); edges people added are kept.
    pub fn delete_manifest_prerequisites(&self, library: &LibraryId) -> rusqlite::Result<usize> {
        self.tx
            .prepare_cached(
                "DELETE FROM prerequisites WHERE origin = 'manifest'
                 AND after_id IN (SELECT id FROM modules WHERE library_id = ?1)",
            )?
            .execute([library.as_str()])
    }

    /// Sets the group of every edge into `after` (a module's prerequisites combine one way).
    pub fn set_prerequisite_group(
        &self,
        after: &ModuleId,
        group: PrerequisiteGroup,
    ) -> rusqlite::Result<()> {
        let group = serde_json::to_string(&group).expect("groups serialise");
        self.tx
            .prepare_cached("UPDATE prerequisites SET grp = ?2 WHERE after_id = ?1")?
            .execute([after.as_str(), group.as_str()])?;
        Ok(())
    }

    /// Caches the unit vector of a text (by hash) for `model`.
    pub fn put_vector(&self, model: &str, hash: &str, vector: &[f32]) -> rusqlite::Result<()> {
        let blob: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO embeddings (model, hash, vector) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![model, hash, blob])?;
        Ok(())
    }

    /// Records what auto-tagging found in a module (not its tags: see
    /// [`Tx::set_model_tags`]), and the content hash and fingerprint it read.
    pub fn save_insight(
        &self,
        insight: &ModuleInsight,
        content_hash: &str,
        fingerprint: &str,
    ) -> rusqlite::Result<()> {
        let json = |v: serde_json::Value| v.to_string();
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO module_insights (module_id, model, content_hash,
                    fingerprint, keyphrases, level, level_score, level_signals, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                insight.module_id.as_str(),
                insight.model.as_deref().unwrap_or(""),
                content_hash,
                fingerprint,
                json(serde_json::json!(insight.keyphrases)),
                insight.level.map(Level::as_str),
                insight.level_score as f64,
                json(serde_json::json!(insight.level_signals)),
                json(serde_json::json!(insight.notes)),
            ])?;
        Ok(())
    }

    /// Replaces the model's suggestions on `module` with `suggestions` (skill,
    /// confidence, evidence), keeping every human decision:
    /// - a skill rejected for this same text stays rejected and is not suggested again;
    /// - a skill rejected for an earlier text is suggested again, marked `rejected_before`;
    /// - an accepted skill stays accepted, with fresh confidence and evidence;
    /// - an open suggestion the model no longer makes is withdrawn.
    ///
    /// Returns the number of open suggestions on the module afterwards.
    pub fn set_model_tags(
        &self,
        module: &ModuleId,
        model: &str,
        content_hash: &str,
        suggestions: &[(SkillId, f32, Vec<model::Evidence>)],
        auto_accept: Option<f32>,
    ) -> rusqlite::Result<(usize, Vec<SkillId>)> {
        let mut existing: std::collections::HashMap<String, (String, Option<String>)> = self
            .tx
            .prepare_cached(
                "SELECT skill_id, state, content_hash FROM tags
                 WHERE module_id = ?1 AND source = 'model'",
            )?
            .query_map([module.as_str()], |r| {
                Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut open = 0;
        let mut accepted = Vec::new();
        for (position, (skill, confidence, evidence)) in suggestions.iter().enumerate() {
            let evidence = serde_json::to_string(evidence).expect("evidence serialises");
            let mut auto = false;
            let (state, rejected_before) = match existing.remove(skill.as_str()) {
                Some((state, hash))
                    if state == "rejected" && hash.as_deref() == Some(content_hash) =>
                {
                    continue;
                }
                Some((state, _)) if state == "rejected" => ("suggested", true),
                Some((state, _)) if state == "accepted" => ("accepted", false),
                // The project's auto-accept threshold: never for a skill a person rejected.
                _ if auto_accept.is_some_and(|t| *confidence >= t) => {
                    accepted.push(skill.clone());
                    auto = true;
                    ("accepted", false)
                }
                _ => ("suggested", false),
            };
            if state == "suggested" {
                open += 1;
            }
            self.tx
                .prepare_cached(
                    "INSERT INTO tags (module_id, skill_id, source, state, confidence, position,
                        model, evidence, content_hash, rejected_before, auto_accepted)
                     VALUES (?1, ?2, 'model', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (module_id, skill_id, source) DO UPDATE SET
                        state = excluded.state, confidence = excluded.confidence,
                        position = excluded.position, model = excluded.model,
                        evidence = excluded.evidence, content_hash = excluded.content_hash,
                        rejected_before = excluded.rejected_before OR tags.rejected_before,
                        auto_accepted = CASE WHEN tags.state = 'accepted'
                            AND excluded.state = 'accepted' THEN tags.auto_accepted
                            ELSE excluded.auto_accepted END",
                )?
                .execute(params![
                    module.as_str(),
                    skill.as_str(),
                    state,
                    (*confidence as f64).clamp(0.0, 1.0),
                    position as i64,
                    model,
                    evidence,
                    content_hash,
                    rejected_before,
                    auto,
                ])?;
        }
        for (skill, (state, _)) in existing {
            if state == "suggested" {
                self.tx
                    .prepare_cached(
                        "DELETE FROM tags WHERE module_id = ?1 AND skill_id = ?2 AND source = 'model'",
                    )?
                    .execute([module.as_str(), skill.as_str()])?;
            }
        }
        Ok((open, accepted))
    }

    /// Records a review decision on a model suggestion (accept or reject).
    /// A person's edit of a suggestion: the model's tag for `from` is rejected in favour
    /// of `to`, which becomes the person's own accepted tag on the module.
    /// Returns whether the person's tag for `to` is new (an undo then removes it).
    pub fn replace_tag(
        &self,
        module: &ModuleId,
        from: &SkillId,
        to: &SkillId,
    ) -> rusqlite::Result<bool> {
        let existed = self
            .tx
            .prepare_cached(
                "SELECT 1 FROM tags WHERE module_id = ?1 AND skill_id = ?2 AND source = 'person'",
            )?
            .exists([module.as_str(), to.as_str()])?;
        self.tx
            .prepare_cached(
                "UPDATE tags SET state = 'rejected', auto_accepted = 0, replaced_by = ?3
                 WHERE module_id = ?1 AND skill_id = ?2 AND source = 'model'",
            )?
            .execute([module.as_str(), from.as_str(), to.as_str()])?;
        self.tx
            .prepare_cached(
                "INSERT INTO tags (module_id, skill_id, source, state) VALUES (?1, ?2, 'person', 'accepted')
                 ON CONFLICT (module_id, skill_id, source) DO UPDATE SET state = 'accepted'",
            )?
            .execute([module.as_str(), to.as_str()])?;
        Ok(!existed)
    }

    /// Sets a module's level and the content hash that goes with it.
    pub fn set_module_level(
        &self,
        module: &ModuleId,
        level: Option<Level>,
        hash: &str,
    ) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached("UPDATE modules SET level = ?2, content_hash = ?3 WHERE id = ?1")?
            .execute(params![module.as_str(), level.map(Level::as_str), hash])?;
        Ok(())
    }

    /// Removes a person's own tag (undoing an edit that added it).
    pub fn remove_person_tag(&self, module: &ModuleId, skill: &SkillId) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "DELETE FROM tags WHERE module_id = ?1 AND skill_id = ?2 AND source = 'person'",
            )?
            .execute([module.as_str(), skill.as_str()])?;
        Ok(())
    }

    pub fn set_tag_state(
        &self,
        module: &ModuleId,
        skill: &SkillId,
        state: TagState,
    ) -> rusqlite::Result<bool> {
        let n = self
            .tx
            .prepare_cached(
                "UPDATE tags SET state = ?3, auto_accepted = 0, replaced_by = NULL
                 WHERE module_id = ?1 AND skill_id = ?2 AND source = 'model'",
            )?
            .execute(params![
                module.as_str(),
                skill.as_str(),
                tag_state_sql(state)
            ])?;
        Ok(n == 1)
    }

    /// Appends to the audit log; returns the new entry's position.
    pub fn append_audit(
        &self,
        at: Timestamp,
        actor: &Actor,
        action: &str,
        object: &str,
        before: &serde_json::Value,
        after: &serde_json::Value,
    ) -> rusqlite::Result<i64> {
        let actor = serde_json::to_string(actor).expect("actors serialise");
        let (last, previous): (i64, String) = self
            .tx
            .prepare_cached("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or_else(|| (0, AUDIT_GENESIS.to_owned()));
        let seq = last + 1;
        let (before, after) = (before.to_string(), after.to_string());
        let hash = audit_hash(
            &previous, seq, at.0, &actor, action, object, &before, &after,
        );
        self.tx
            .prepare_cached(
                "INSERT INTO audit_events (seq, at, actor, action, object, before, after, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                seq, at.0, actor, action, object, before, after, hash
            ])?;
        Ok(seq)
    }
}

/// Everything merging one skill into another changes, as it was before: enough to undo the
/// merge exactly, and to preview it. Kept in the audit entry of the merge.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MergeSnapshot {
    /// The skill merged away.
    pub skill: Skill,
    /// The survivor.
    pub into: SkillId,
    /// The merged skill's tag rows, every column as stored.
    pub tags: Vec<serde_json::Map<String, serde_json::Value>>,
    /// (module, source) of the survivor's own tags: a merged tag with the same key is
    /// dropped, not moved.
    pub into_tags: Vec<(String, String)>,
    /// Sub-skills that move to the survivor.
    pub children: Vec<SkillId>,
    /// Slugs of skills merged into this one earlier.
    pub aliases: Vec<String>,
    /// What the merged skill's own slug aliased before (normally nothing).
    pub slug_alias: Option<SkillId>,
    /// Skill prerequisites touching the merged skill: (before, after, origin).
    pub prerequisites: Vec<(SkillId, SkillId, String)>,
    /// Skill prerequisites touching the survivor, before the merge.
    pub into_prerequisites: Vec<(SkillId, SkillId)>,
}

impl MergeSnapshot {
    fn capture(conn: &Connection, from: &Skill, into: &SkillId) -> rusqlite::Result<MergeSnapshot> {
        let (f, i) = (from.id.as_str(), into.as_str());
        let strings = |sql: &str, arg: &str| -> rusqlite::Result<Vec<String>> {
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([arg], |r| r.get(0))?;
            rows.collect()
        };
        let pairs = |sql: &str, arg: &str| -> rusqlite::Result<Vec<(String, String, String)>> {
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([arg], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        };
        Ok(MergeSnapshot {
            skill: from.clone(),
            into: into.clone(),
            tags: select_rows(conn, "tags", "skill_id", f)?,
            into_tags: pairs(
                "SELECT module_id, source, '' FROM tags WHERE skill_id = ?1",
                i,
            )?
            .into_iter()
            .map(|(m, s, _)| (m, s))
            .collect(),
            children: strings("SELECT id FROM skills WHERE parent_id = ?1 ORDER BY id", f)?
                .into_iter()
                .map(SkillId)
                .collect(),
            aliases: strings(
                "SELECT slug FROM skill_aliases WHERE skill_id = ?1 ORDER BY slug",
                f,
            )?,
            slug_alias: strings(
                "SELECT skill_id FROM skill_aliases WHERE slug = ?1",
                &from.slug,
            )?
            .into_iter()
            .next()
            .map(SkillId),
            prerequisites: pairs(
                "SELECT before_id, after_id, origin FROM skill_prerequisites
                 WHERE before_id = ?1 OR after_id = ?1",
                f,
            )?
            .into_iter()
            .map(|(b, a, o)| (SkillId(b), SkillId(a), o))
            .collect(),
            into_prerequisites: pairs(
                "SELECT before_id, after_id, '' FROM skill_prerequisites
                 WHERE before_id = ?1 OR after_id = ?1",
                i,
            )?
            .into_iter()
            .map(|(b, a, _)| (SkillId(b), SkillId(a)))
            .collect(),
        })
    }
}

/// Every row of `table` whose `column` is `value`, each column as stored (no blobs).
fn select_rows(
    conn: &Connection,
    table: &str,
    column: &str,
    value: &str,
) -> rusqlite::Result<Vec<serde_json::Map<String, serde_json::Value>>> {
    use rusqlite::types::ValueRef;
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE {column} = ?1"))?;
    let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let rows = stmt.query_map([value], |r| {
        let mut row = serde_json::Map::new();
        for (i, name) in names.iter().enumerate() {
            let v = match r.get_ref(i)? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(x) => serde_json::Number::from_f64(x)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(_) => return Err(bad_value(i, "a blob")),
            };
            row.insert(name.clone(), v);
        }
        Ok(row)
    })?;
    rows.collect()
}

/// Inserts (or replaces) one row captured by [`select_rows`].
fn insert_row(
    conn: &Connection,
    table: &str,
    row: &serde_json::Map<String, serde_json::Value>,
) -> rusqlite::Result<()> {
    use rusqlite::types::Value;
    let columns: Vec<&str> = row.keys().map(String::as_str).collect();
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let values: Vec<Value> = row
        .values()
        .map(|v| match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Number(n) => n
                .as_i64()
                .map_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0)), Value::Integer),
            serde_json::Value::String(s) => Value::Text(s.clone()),
            other => Value::Text(other.to_string()),
        })
        .collect();
    conn.prepare(&format!(
        "INSERT OR REPLACE INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        marks.join(", ")
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    Ok(())
}

/// The hash the first audit entry chains from.
pub const AUDIT_GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One link of the audit chain: sha256 over the previous hash and the entry's fields as
/// stored, length-prefixed so no two entries can hash alike by shifting text.
#[allow(clippy::too_many_arguments)]
pub fn audit_hash(
    previous: &str,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    object: &str,
    before: &str,
    after: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(previous.as_bytes());
    h.update(seq.to_le_bytes());
    h.update(at.to_le_bytes());
    for field in [actor, action, object, before, after] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn tag_source_sql(source: TagSource) -> &'static str {
    match source {
        TagSource::Declared => "declared",
        TagSource::Model => "model",
        TagSource::Person => "person",
    }
}

fn tag_state_sql(state: TagState) -> &'static str {
    match state {
        TagState::Suggested => "suggested",
        TagState::Accepted => "accepted",
        TagState::Rejected => "rejected",
    }
}

#[cfg(test)]
mod tests;
