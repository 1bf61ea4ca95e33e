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

    /// Signs the audit log's head with `key` at the end of every write from now on (and
    /// at the next write, a head that was never signed).
    pub fn sign_audit_with(&mut self, key: ed25519_dalek::SigningKey) {
        self.signing_key = Some(key);
    }

    /// The audit log's head as recorded beside the log, `None` when that record is gone.
    pub fn audit_head(&self) -> Result<Option<model::AuditHead>> {
        self.conn
            .query_row(
                "SELECT seq, hash, signer, signature FROM audit_head WHERE id = 1",
                [],
                |r| {
                    Ok(model::AuditHead {
                        seq: r.get(0)?,
                        hash: r.get(1)?,
                        signer: r.get(2)?,
                        signature: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// The stored chain hash of entry `seq`, `None` when there is no such entry.
    pub fn audit_hash_at(&self, seq: i64) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT hash FROM audit_events WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Whether `head` carries a signature that holds for this project (a head copied out
    /// of it, into a backup or a bundle, and read back).
    pub fn audit_head_signed(&self, head: &model::AuditHead) -> Result<bool> {
        let project = self.project()?.id.to_string();
        Ok(match (&head.signer, &head.signature) {
            (Some(signer), Some(signature)) => {
                head_signature_holds(&project, head.seq, &head.hash, signer, signature)
            }
            _ => false,
        })
    }

    /// Walks the audit log's hash chain and reports the first entry that was edited,
    /// inserted or removed after it was written, then holds the chain to its recorded
    /// head: entries cut from the end, a chain rewritten (hashes and all) or a head whose
    /// signature fails are reported as such, and so is a head record that was removed.
    pub fn verify_audit(&self) -> Result<model::AuditCheck> {
        let recorded = self.audit_head()?;
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
        // The chain's hash at the recorded head's entry, once the walk passes it.
        let mut at_head =
            (recorded.as_ref().is_some_and(|h| h.seq == 0)).then(|| AUDIT_GENESIS.to_owned());
        let check = |entries, broken: Option<(i64, String)>, head: String| model::AuditCheck {
            entries,
            broken: broken.map(|(seq, reason)| model::BrokenEntry { seq, reason }),
            head,
            signed_by: recorded
                .as_ref()
                .filter(|h| h.signature.is_some())
                .and_then(|h| h.signer.clone()),
        };
        while let Some(r) = rows.next().map_err(|e| self.sql(e))? {
            let get = |i: usize| -> Result<String> { r.get(i).map_err(|e| self.sql(e)) };
            let seq: i64 = r.get(0).map_err(|e| self.sql(e))?;
            let at: i64 = r.get(1).map_err(|e| self.sql(e))?;
            entries += 1;
            if seq != expected {
                let missing = if seq > expected + 1 {
                    format!("entries {expected}–{} are missing", seq - 1)
                } else {
                    format!("entry {expected} is missing")
                };
                return Ok(check(
                    entries,
                    Some((expected, format!("{missing}: removed from the log"))),
                    String::new(),
                ));
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
                return Ok(check(
                    entries,
                    Some((
                        seq,
                        format!(
                            "entry {seq} does not match its hash: it was changed after it was written, or an entry before it was"
                        ),
                    )),
                    String::new(),
                ));
            }
            if recorded.as_ref().is_some_and(|h| h.seq == seq) {
                at_head = Some(hash.clone());
            }
            previous = hash;
            expected += 1;
        }
        let last = expected - 1;
        let project = self.project()?.id.to_string();
        let broken = match &recorded {
            None => Some((
                last,
                "the log's head record is missing: it was removed, so entries cut from the end could not be seen".to_owned(),
            )),
            Some(h) if h.seq > last => Some((
                last + 1,
                format!(
                    "{} cut from the end of the log: its head records {} entries",
                    if h.seq == last + 1 {
                        format!("entry {} was", last + 1)
                    } else {
                        format!("entries {}–{} were", last + 1, h.seq)
                    },
                    h.seq
                ),
            )),
            Some(h) if at_head.as_deref() != Some(h.hash.as_str()) => Some((
                h.seq,
                format!(
                    "the log was rewritten: entry {}'s hash is not the one its head records",
                    h.seq
                ),
            )),
            Some(h) => match (&h.signer, &h.signature) {
                (Some(signer), Some(signature))
                    if !head_signature_holds(&project, h.seq, &h.hash, signer, signature) =>
                {
                    Some((
                        h.seq,
                        "the head's signature does not hold: the head record was edited"
                            .to_owned(),
                    ))
                }
                _ => None,
            },
        };
        Ok(check(entries, broken, previous))
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
        // Never a number given out before: after a cut, the next entry leaves the gap
        // the head shows, instead of filling it.
        let recorded: i64 = self
            .tx
            .prepare_cached("SELECT seq FROM audit_head WHERE id = 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let seq = last.max(recorded) + 1;
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
        // Only an existing head moves: a removed one stays removed, for verify to report.
        self.tx
            .prepare_cached(
                "UPDATE audit_head SET seq = ?1, hash = ?2, signer = NULL, signature = NULL
                 WHERE id = 1",
            )?
            .execute(params![seq, hash])?;
        Ok(seq)
    }
}

/// Signs the audit log's head with `key` unless it already carries a signature (a write
/// that logged nothing leaves a signed head as it was).
pub(crate) fn sign_head(
    tx: &rusqlite::Transaction<'_>,
    key: &ed25519_dalek::SigningKey,
) -> rusqlite::Result<()> {
    use ed25519_dalek::Signer;
    let unsigned: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM audit_head WHERE id = 1 AND signature IS NULL")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((seq, hash)) = unsigned else {
        return Ok(());
    };
    let project: String = tx.query_row("SELECT id FROM project WHERE singleton = 1", [], |r| {
        r.get(0)
    })?;
    let signature = key.sign(&head_message(&project, seq, &hash));
    tx.prepare_cached("UPDATE audit_head SET signer = ?1, signature = ?2 WHERE id = 1")?
        .execute(params![
            hex::encode(key.verifying_key().as_bytes()),
            hex::encode(signature.to_bytes())
        ])?;
    Ok(())
}

/// What a head's signature covers: the project (so a head cannot be moved to another
/// project), the entry count and the last hash.
fn head_message(project: &str, seq: i64, hash: &str) -> Vec<u8> {
    format!("pathforge.audit-head/v1\n{project}\n{seq}\n{hash}").into_bytes()
}

/// Whether `signature` (hex) is `signer`'s (hex public key) over the head.
fn head_signature_holds(
    project: &str,
    seq: i64,
    hash: &str,
    signer: &str,
    signature: &str,
) -> bool {
    let decode = |text: &str| hex::decode(text).ok();
    let (Some(Ok(key)), Some(Ok(signature))) = (
        decode(signer).map(<[u8; 32]>::try_from),
        decode(signature).map(<[u8; 64]>::try_from),
    ) else {
        return false;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&key) else {
        return false;
    };
    key.verify_strict(
        &head_message(project, seq, hash),
        &ed25519_dalek::Signature::from_bytes(&signature),
    )
    .is_ok()
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
