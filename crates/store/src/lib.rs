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
//! - foreign keys are on and the audit log is append-only (enforced by triggers); the log
//!   is a record, never the data: what undoing a merge needs has its own table;
//! - the log's head (its last number and hash) is kept beside it and, when the writer has
//!   a signing key, signed at the end of every write that logged something: a cut or a
//!   rewrite shows against it, and no entry number is ever given out twice;
//! - a setting is read as its type or refused naming its key, never replaced by a default;
//! - one process at a time changes a project: the first write takes the writer lock
//!   (`NAME.pathforge-lock`, an advisory lock the operating system drops when the process
//!   ends, however it ends) and keeps it until the project is closed; others may still
//!   read, and a second writer is told the project is busy and by whom;
//! - before a migration changes a file, a copy of it as it was is written beside it
//!   (`NAME.schema-N.pathforge-backup`); backups and restores go through SQLite's online
//!   backup, so they are consistent while the project is in use.

use std::io::Read;
use std::path::PathBuf;

use model::ErrorKind;
use rusqlite::{Connection, Row};

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
    #[error("{}: the project's `{key}` setting is damaged ({reason}); restore a backup, or set it again", path.display())]
    BadSetting {
        path: PathBuf,
        key: &'static str,
        reason: String,
    },
    #[error("{}: damaged ({detail}); it cannot be restored", path.display())]
    Damaged { path: PathBuf, detail: String },
    #[error("{}: opened to read only ({why}); nothing was changed — to change the project, copy it to a folder you can write", path.display())]
    ReadOnly { path: PathBuf, why: &'static str },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::AlreadyExists { .. } => ErrorKind::AlreadyExists,
            Error::NotAProject { .. } => ErrorKind::NotAProject,
            Error::TooNew { .. } => ErrorKind::TooNew,
            Error::Io { .. } => ErrorKind::Io,
            Error::Sqlite { .. } | Error::Migration { .. } | Error::BadSetting { .. } => {
                ErrorKind::Storage
            }
            Error::UnknownId { .. } => ErrorKind::UnknownId,
            Error::Busy { .. } => ErrorKind::Busy,
            Error::Damaged { .. } => ErrorKind::BadInput,
            Error::ReadOnly { .. } => ErrorKind::ReadOnly,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the steps of a [`Store::write`] return: SQLite's own result, turned into an
/// [`Error`] naming the file once the transaction ends.
pub type TxResult<T> = rusqlite::Result<T>;

/// What a step of [`Store::write`] returns to roll its transaction back on purpose (the
/// user cancelled); the caller knows it asked for it and reports the cancel itself.
pub fn abandon() -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure("the write was abandoned on purpose".into())
}

/// An open project file.
#[derive(Debug)]
pub struct Store {
    // Declared first so it closes (and checkpoints) before the writer lock goes.
    conn: Connection,
    path: PathBuf,
    lock: Option<WriterLock>,
    /// Signs the audit log's head at the end of each write ([`Store::sign_audit_with`]).
    signing_key: Option<ed25519_dalek::SigningKey>,
    /// Why the file was opened to read only ([`Store::open`]); writes are refused then.
    read_only: Option<&'static str>,
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

// One module per group of tables; each adds its reads to `Store` and its writes to `Tx`.
mod audit;
mod curriculum;
mod file;
mod library;
mod settings;
mod skills;
mod tags;

pub use audit::{audit_hash, AUDIT_GENESIS};
use file::WriterLock;
pub use file::{
    check_restorable, lock_path, remove_leftovers, staging_prefix, upgrade_backup_path, NewProject,
    APPLICATION_ID, SCHEMA_VERSION,
};
pub use library::{module_hash, StoredModule};
pub use settings::Setting;
pub use skills::MergeSnapshot;

#[cfg(test)]
mod tests;
