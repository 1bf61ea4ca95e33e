//! Project settings (one JSON value per key, each key with the type its value must
//! have) and the learners' answers kept for calibration.

use std::marker::PhantomData;

use model::SkillId;
use rusqlite::{params, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};

use crate::{Error, Result, Store, Tx};

/// A project setting: its key and the type of its value. A stored value that does not
/// read as that type is an error naming the key ([`Error::BadSetting`]), never quietly
/// a default.
#[derive(Debug)]
pub struct Setting<T> {
    key: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T> Setting<T> {
    pub const fn new(key: &'static str) -> Self {
        Setting {
            key,
            value: PhantomData,
        }
    }

    pub const fn key(&self) -> &'static str {
        self.key
    }
}

impl Store {
    /// Every stored answer as a row: (skill id, learner pseudonym, its place in the
    /// learner's answers, correct) — what a merge carries into another copy.
    pub fn answer_rows(&self) -> Result<Vec<(SkillId, String, i64, bool)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT skill_id, learner, seq, correct FROM answers")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    SkillId(r.get(0)?),
                    r.get(1)?,
                    r.get(2)?,
                    r.get::<_, i64>(3)? == 1,
                ))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql(e))
    }

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

    /// A project-wide setting, if set (JSON `null` counts as unset).
    pub fn setting<T: DeserializeOwned>(&self, setting: &Setting<T>) -> Result<Option<T>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [setting.key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let bad = |reason: String| Error::BadSetting {
            path: self.path.clone(),
            key: setting.key,
            reason,
        };
        let Some(text) = text else { return Ok(None) };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
        if value.is_null() {
            return Ok(None);
        }
        serde_json::from_value(value)
            .map(Some)
            .map_err(|e| bad(e.to_string()))
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

    /// Sets a setting; `None` removes it.
    pub fn set_setting<T: Serialize>(
        &self,
        setting: &Setting<T>,
        value: Option<&T>,
    ) -> rusqlite::Result<()> {
        match value {
            Some(v) => {
                let text = serde_json::to_string(v)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                self.tx
                    .prepare_cached(
                        "INSERT INTO settings (key, value) VALUES (?1, ?2)
                         ON CONFLICT (key) DO UPDATE SET value = ?2",
                    )?
                    .execute([setting.key, text.as_str()])?;
            }
            None => {
                self.tx
                    .prepare_cached("DELETE FROM settings WHERE key = ?1")?
                    .execute([setting.key])?;
            }
        }
        Ok(())
    }
}
