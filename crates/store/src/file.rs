//! The project file itself: creating one under a temporary name, opening (header checked
//! before SQLite sees the file, migrations with a copy kept first), the writer lock,
//! backups and restores through SQLite's online backup, and what a killed run leaves
//! behind.

use std::io::Read;
use std::path::{Path, PathBuf};

use model::{Module, ProjectId, Timestamp};
use rusqlite::{params, Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};

use crate::library::{module_from_row, MODULE_SELECT};
use crate::tags::declared_tags_of;
use crate::{module_hash, read_up_to, Error, Result, Store, Tx};

impl Store {
    /// Creates a new project file at `path`; refuses if anything exists there.
    pub fn create(path: &Path, project: &NewProject) -> Result<Store> {
        if path.symlink_metadata().is_ok() {
            return Err(Error::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        let dir = folder_of(path);
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
    ///
    /// A project Pathforge cannot write — the file or its folder is read-only (a shared
    /// drive, a read-only mount, someone else's folder) — is opened to read only: every
    /// read works, every write is refused as [`Error::ReadOnly`] before it starts.
    pub fn open(path: &Path) -> Result<Store> {
        let found = check_header(path)?;
        if let Some(why) = unwritable(path) {
            return open_read_only(path, found, why);
        }
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
            signing_key: None,
            read_only: None,
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
        if let Some(why) = self.read_only {
            return Err(Error::ReadOnly {
                path: self.path.clone(),
                why,
            });
        }
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

    pub(crate) fn sql(&self, source: rusqlite::Error) -> Error {
        Error::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Runs `f` in one transaction: everything it writes lands, or nothing does. When the
    /// audit log's head changed (or was never signed) and a signing key is set, the head
    /// is signed in the same transaction.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> rusqlite::Result<T>) -> Result<T> {
        let path = self.path.clone();
        let sql = |source| Error::Sqlite {
            path: path.clone(),
            source,
        };
        if let Some(why) = self.read_only {
            return Err(Error::ReadOnly { path, why });
        }
        if self.lock.is_none() {
            self.lock = Some(take_lock(&path)?);
        }
        let tx = self.conn.transaction().map_err(sql)?;
        let value = f(&Tx { tx: &tx }).map_err(sql)?;
        if let Some(key) = &self.signing_key {
            crate::audit::sign_head(&tx, key).map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(value)
    }
}

/// The folder a file is in ("." for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Why Pathforge cannot write the project at `path`, if it cannot: the file refuses to
/// be opened for writing, or its folder (where SQLite keeps the write-ahead log, its index
/// and our writer lock) refuses a new file. Probes only; creates nothing that stays.
fn unwritable(path: &Path) -> Option<&'static str> {
    let refused = |e: &std::io::Error| {
        matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        )
    };
    let dir = folder_of(path);
    if let Err(e) = tempfile::tempfile_in(dir) {
        if refused(&e) {
            return Some("its folder cannot be written");
        }
    }
    match std::fs::OpenOptions::new().write(true).open(path) {
        Err(e) if refused(&e) => Some("the file is read-only"),
        _ => None,
    }
}

/// Opens a project Pathforge cannot write, to read it only. SQLite normally needs to
/// create the `-wal` and `-shm` files beside it even to read a WAL database; a file
/// closed cleanly has no `-wal` left, so it is opened as immutable (nothing else can be
/// changing it: no one can write there). One with a `-wal` still holding changes is read
/// through that log, which needs its `-shm` too — or it cannot be read here at all.
fn open_read_only(path: &Path, found: u32, why: &'static str) -> Result<Store> {
    if found < SCHEMA_VERSION {
        return Err(Error::ReadOnly {
            path: path.to_path_buf(),
            why: "it was written by an earlier Pathforge and must be brought up to date first, which needs a folder it can write",
        });
    }
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let pending = std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
    let uri = format!(
        "file:{}?{}",
        uri_path(path),
        if pending { "mode=ro" } else { "immutable=1" }
    );
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let sql = |source| Error::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open_with_flags(uri, flags).map_err(sql)?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(sql)?;
    // Reading fails here, not at the first query, when a pending log cannot be used.
    conn.query_row("SELECT count(*) FROM project", [], |_| Ok(()))
        .map_err(sql)?;
    Ok(Store {
        conn,
        path: path.to_path_buf(),
        lock: None,
        signing_key: None,
        read_only: Some(why),
    })
}

/// `path` as the path part of an SQLite URI: bytes outside a safe set written `%XX`.
fn uri_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for b in absolute.as_os_str().as_encoded_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(*b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `PRAGMA application_id` of every project file: "PFGR".
pub const APPLICATION_ID: u32 = u32::from_be_bytes(*b"PFGR");

/// The schema, one numbered step per change; a file at any earlier step is brought up
/// to date when opened (tested from each).
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/001_initial.sql")),
        M::up_with_hook(
            include_str!("../migrations/002_module_hash.sql"),
            hash_existing_modules,
        ),
        M::up(include_str!("../migrations/003_auto_accept.sql")),
        M::up(include_str!("../migrations/004_edited_tags.sql")),
        M::up(include_str!("../migrations/005_answers.sql")),
        M::up(include_str!("../migrations/006_levels_and_merges.sql")),
        M::up(include_str!("../migrations/007_audit_head.sql")),
        M::up(include_str!("../migrations/008_lookup_indexes.sql")),
        M::up(include_str!("../migrations/009_dismissed_suggestions.sql")),
        M::up(include_str!("../migrations/010_file_levels.sql")),
        M::up(include_str!("../migrations/011_removed_libraries.sql")),
    ])
}

/// The schema version this build writes: the number of migrations.
pub const SCHEMA_VERSION: u32 = 11;

/// Fills the content hash of modules written before hashes were stored, so the next
/// import does not count every one of them as changed.
pub(crate) fn hash_existing_modules(
    tx: &rusqlite::Transaction<'_>,
) -> rusqlite_migration::HookResult {
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

pub(crate) const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The writer lock of a project, held from its first write until it is closed: an advisory
/// lock on `NAME.pathforge-lock`, which says which process holds it. The file is removed
/// on close; the lock itself dies with the process.
#[derive(Debug)]
pub(crate) struct WriterLock {
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
pub(crate) fn take_lock(project: &Path) -> Result<WriterLock> {
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
pub(crate) fn still_at(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// (Elsewhere an open file cannot be removed, so the path always names it.)
#[cfg(not(unix))]
pub(crate) fn still_at(_file: &std::fs::File, _path: &Path) -> bool {
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
pub(crate) fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

pub(crate) const NEW: &str = ".pathforge-new-";

pub(crate) const BACKUP: &str = ".pathforge-backup-";

/// Copies the database behind `conn` to `dest` with SQLite's online backup: staged beside
/// `dest`, synced, and renamed into place without overwriting anything.
pub(crate) fn copy_database(conn: &Connection, project: &Path, dest: &Path) -> Result<()> {
    let io = |source| Error::Io {
        path: dest.to_path_buf(),
        source,
    };
    if dest.symlink_metadata().is_ok() {
        return Err(Error::AlreadyExists {
            path: dest.to_path_buf(),
        });
    }
    let dir = folder_of(dest);
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
pub(crate) fn check_header(path: &Path) -> Result<u32> {
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
