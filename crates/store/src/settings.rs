//! Project settings (one JSON value per key) and the learners' answers kept for
//! calibration.

use model::SkillId;
use rusqlite::{params, OptionalExtension};

use crate::{Result, Store, Tx};

impl Store {
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
}

impl Tx<'_> {
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
}
