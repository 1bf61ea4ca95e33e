//! The append-only audit log: appending an entry to the hash chain, reading it back, and
//! checking the chain.

use model::{Actor, AuditEvent, Timestamp};
use rusqlite::{params, OptionalExtension};

use crate::{json_from_sql, Result, Store, Tx};

impl Store {
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

    /// The action logged at audit position `seq`, if there is one.
    pub fn audit_action(&self, seq: i64) -> Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT action FROM audit_events WHERE seq = ?1")
            .and_then(|mut stmt| stmt.query_row([seq], |r| r.get(0)).optional())
            .map_err(|e| self.sql(e))
    }

    /// When the newest audit entry whose action is not one of `except` was logged.
    pub fn last_logged_except(&self, except: &[&str]) -> Result<Option<Timestamp>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT at, action FROM audit_events ORDER BY seq DESC")
            .map_err(|e| self.sql(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.sql(e))?;
        while let Some(row) = rows.next().map_err(|e| self.sql(e))? {
            let action: String = row.get(1).map_err(|e| self.sql(e))?;
            if !except.contains(&action.as_str()) {
                return Ok(Some(Timestamp(row.get(0).map_err(|e| self.sql(e))?)));
            }
        }
        Ok(None)
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
}

impl Tx<'_> {
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
