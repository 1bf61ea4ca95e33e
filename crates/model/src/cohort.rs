//! Who a simulation or a rule applies to: a cohort of personas with their prior knowledge,
//! pace and drop-off, and a learner's HR attributes. Plain data, here so that every stage
//! that reads a cohort (a library's manifest, the simulator, the desktop) shares one type
//! without depending on the simulator.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A learner's HR attributes, as events report them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct Attributes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// ISO date (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hire_date: Option<String>,
}

/// Who is in the cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Cohort {
    pub segments: Vec<Segment>,
    #[serde(default)]
    pub bkt: Bkt,
}

/// A persona and its share of the cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    pub name: String,
    /// Relative weight; shares need not sum to 1.
    pub share: f64,
    #[serde(default)]
    pub attributes: Attributes,
    /// Probability each skill is already known at the start.
    pub prior: f64,
    /// Multiplies module durations (1.0 = as designed).
    #[serde(default = "one")]
    pub speed: f64,
    pub weekly_minutes: u32,
    /// Probability per week of study that the learner stops coming.
    pub dropout_per_week: f64,
    /// Probability that a re-engagement notice brings an idle learner back.
    #[serde(default)]
    pub reengage_response: f64,
}

fn one() -> f64 {
    1.0
}

impl Cohort {
    /// Whether the simulator can run this cohort, or the first reason it cannot: at least
    /// one segment, shares ≥ 0 adding up to more than 0, probabilities in [0, 1], a speed
    /// above 0, some study time each week (TOML can write `nan` and `inf`: refused too).
    pub fn check(&self) -> Result<(), String> {
        if self.segments.is_empty() {
            return Err("a cohort needs at least one segment".to_owned());
        }
        let probability = |what: &str, v: f64| match (0.0..=1.0).contains(&v) {
            true => Ok(()),
            false => Err(format!("{what} is {v}; it must be between 0 and 1")),
        };
        for s in &self.segments {
            let at = |what: &str| format!("segment {:?}: {what}", s.name);
            if s.name.trim().is_empty() {
                return Err("every segment needs a name".to_owned());
            }
            if !(s.share.is_finite() && s.share >= 0.0) {
                return Err(at(&format!("share is {}; it must be 0 or more", s.share)));
            }
            probability(&at("prior"), s.prior)?;
            probability(&at("dropout_per_week"), s.dropout_per_week)?;
            probability(&at("reengage_response"), s.reengage_response)?;
            if !(s.speed.is_finite() && s.speed > 0.0) {
                return Err(at(&format!("speed is {}; it must be above 0", s.speed)));
            }
            if s.weekly_minutes == 0 {
                return Err(at("weekly_minutes is 0; learners need some study time"));
            }
        }
        if self.segments.iter().map(|s| s.share).sum::<f64>() <= 0.0 {
            return Err("the segments' shares add up to 0; give one a share above 0".to_owned());
        }
        let b = self.bkt;
        for (what, v) in [
            ("bkt.learn", b.learn),
            ("bkt.guess", b.guess),
            ("bkt.slip", b.slip),
            ("bkt.forget", b.forget),
        ] {
            probability(what, v)?;
        }
        Ok(())
    }
}

/// BKT parameters shared by every skill (per-skill calibration is the Calibration work).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Bkt {
    pub learn: f64,
    pub guess: f64,
    pub slip: f64,
    pub forget: f64,
}

impl Default for Bkt {
    fn default() -> Bkt {
        Bkt {
            learn: 0.35,
            guess: 0.2,
            slip: 0.1,
            forget: 0.0,
        }
    }
}
