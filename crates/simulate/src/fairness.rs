//! Fairness compared like with like: for each segment and outcome, the gap to the rest of
//! the cohort under the rules against the same gap on the static path, so segments that
//! simply start from different prior knowledge are not flagged — only gaps the rules add
//! or widen. Learners fall into [`BATCHES`] interleaved batches by number (each batch is
//! an independent replication with its own random streams, run in the same pass), and the
//! widening's 95% confidence interval comes from the spread between batches.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Report;

/// Interleaved replications per run (learner number modulo this).
pub const BATCHES: usize = 10;

/// A widening is flagged when its whole 95% interval lies above zero and it is at least
/// this large: 5 points of completion, or 10% of the rest's time to competency.
pub const MIN_WIDENING: f64 = 0.05;
const MIN_TIME_WIDENING: f64 = 0.10;

/// Student's t for a two-sided 95% interval with `BATCHES - 1` degrees of freedom.
const T_95: f64 = 2.262;

/// Per segment and batch: learners, competent, placed, remediated, and the days the
/// competent took in all.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct SegmentTotals {
    pub(crate) learners: u32,
    pub(crate) competent: u32,
    pub(crate) placed: u32,
    pub(crate) remediated: u32,
    pub(crate) competent_days: f64,
}

impl SegmentTotals {
    pub(crate) fn add(&mut self, other: &SegmentTotals) {
        self.learners += other.learners;
        self.competent += other.competent;
        self.placed += other.placed;
        self.remediated += other.remediated;
        self.competent_days += other.competent_days;
    }
}

/// Which outcome a gap is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FairnessOutcome {
    /// Share of the segment reaching competency (gap in points, 0–1).
    Completion,
    /// Mean days to competency among those who got there (gap relative to the rest's).
    TimeToCompetency,
}

/// One segment's gap to the rest of the cohort on one outcome, static path against rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FairnessGap {
    pub segment: String,
    pub outcome: FairnessOutcome,
    /// Segment minus the rest on the static path (completion: points; time: relative).
    pub static_gap: f64,
    /// The same under the rules.
    pub rules_gap: f64,
    /// How much further from the rest the rules put the segment (|rules| − |static|), the
    /// mean over batches, with its 95% interval.
    pub widening: f64,
    pub low: f64,
    pub high: f64,
    /// The rules widen this gap, beyond doubt and by a margin that matters.
    pub flagged: bool,
}

/// Every segment's gaps under `rules` against `baseline` (the static path on the same
/// cohort and seed). Segments are matched by position; an outcome a segment's batches
/// cannot measure (no learners, or nobody competent, in too many batches) is left out.
pub fn fairness(baseline: &Report, rules: &Report) -> Vec<FairnessGap> {
    let names: Vec<&str> = rules.segments.iter().map(|s| s.name.as_str()).collect();
    gaps(
        &names,
        Sums {
            whole: &baseline.by_segment,
            batches: &baseline.batches,
        },
        Sums {
            whole: &rules.by_segment,
            batches: &rules.batches,
        },
    )
}

/// One run's sums: per segment, and per batch × segment.
#[derive(Debug, Clone, Copy)]
struct Sums<'a> {
    whole: &'a [SegmentTotals],
    batches: &'a [SegmentTotals],
}

impl Sums<'_> {
    fn batch(&self, b: usize) -> Option<&[SegmentTotals]> {
        let n = self.whole.len();
        self.batches.get(b * n..(b + 1) * n)
    }
}

fn gaps(names: &[&str], baseline: Sums<'_>, rules: Sums<'_>) -> Vec<FairnessGap> {
    let segments = names.len().min(baseline.whole.len()).min(rules.whole.len());
    let mut out = Vec::new();
    for (s, name) in names.iter().enumerate().take(segments) {
        for outcome in [
            FairnessOutcome::Completion,
            FairnessOutcome::TimeToCompetency,
        ] {
            let (Some(static_gap), Some(rules_gap)) = (
                gap(baseline.whole, s, outcome),
                gap(rules.whole, s, outcome),
            ) else {
                continue;
            };
            let widenings: Vec<f64> = (0..BATCHES)
                .filter_map(|b| {
                    let (r, st) = (rules.batch(b)?, baseline.batch(b)?);
                    Some(gap(r, s, outcome)?.abs() - gap(st, s, outcome)?.abs())
                })
                .collect();
            if widenings.len() < 3 {
                continue;
            }
            let k = widenings.len() as f64;
            let mean = widenings.iter().sum::<f64>() / k;
            let var = widenings.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / (k - 1.0);
            let half = T_95 * (var / k).sqrt();
            let margin = match outcome {
                FairnessOutcome::Completion => MIN_WIDENING,
                FairnessOutcome::TimeToCompetency => MIN_TIME_WIDENING,
            };
            out.push(FairnessGap {
                segment: (*name).to_owned(),
                outcome,
                static_gap,
                rules_gap,
                widening: mean,
                low: mean - half,
                high: mean + half,
                flagged: mean - half > 0.0 && mean >= margin,
            });
        }
    }
    out
}

/// Segment `s` minus the rest of `totals` on `outcome`; `None` where either side has no
/// one to measure.
fn gap(totals: &[SegmentTotals], s: usize, outcome: FairnessOutcome) -> Option<f64> {
    let mine = *totals.get(s)?;
    let mut rest = SegmentTotals::default();
    for (i, t) in totals.iter().enumerate() {
        if i != s {
            rest.add(t);
        }
    }
    match outcome {
        FairnessOutcome::Completion => {
            if mine.learners == 0 || rest.learners == 0 {
                return None;
            }
            Some(
                f64::from(mine.competent) / f64::from(mine.learners)
                    - f64::from(rest.competent) / f64::from(rest.learners),
            )
        }
        FairnessOutcome::TimeToCompetency => {
            if mine.competent == 0 || rest.competent == 0 {
                return None;
            }
            let (m, r) = (
                mine.competent_days / f64::from(mine.competent),
                rest.competent_days / f64::from(rest.competent),
            );
            (r > 0.0).then(|| (m - r) / r)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two segments, every batch alike: `a` completes `a_rate` of its 100 learners in 10
    /// days each, `b` completes `b_rate` in `b_days` each; `noise` shifts `a`'s rate up
    /// and down on alternate batches.
    fn sums(
        a_rate: f64,
        b_rate: f64,
        b_days: f64,
        noise: f64,
    ) -> (Vec<SegmentTotals>, Vec<SegmentTotals>) {
        let seg = |rate: f64, days: f64| {
            let competent = (rate * 100.0).round() as u32;
            SegmentTotals {
                learners: 100,
                competent,
                placed: 0,
                remediated: 0,
                competent_days: f64::from(competent) * days,
            }
        };
        let batches: Vec<SegmentTotals> = (0..BATCHES)
            .flat_map(|b| {
                let wobble = if b % 2 == 0 { noise } else { -noise };
                [seg(a_rate + wobble, 10.0), seg(b_rate, b_days)]
            })
            .collect();
        let mut whole = vec![SegmentTotals::default(); 2];
        for (i, t) in batches.iter().enumerate() {
            whole[i % 2].add(t);
        }
        (whole, batches)
    }

    fn check(
        baseline: (f64, f64, f64, f64),
        rules: (f64, f64, f64, f64),
        flagged: &[(&str, FairnessOutcome)],
        why: &str,
    ) {
        let (bw, bb) = sums(baseline.0, baseline.1, baseline.2, baseline.3);
        let (rw, rb) = sums(rules.0, rules.1, rules.2, rules.3);
        let got = gaps(
            &["a", "b"],
            Sums {
                whole: &bw,
                batches: &bb,
            },
            Sums {
                whole: &rw,
                batches: &rb,
            },
        );
        assert_eq!(got.len(), 4, "{why}: two outcomes for each of two segments");
        for g in &got {
            assert!(
                g.low <= g.widening && g.widening <= g.high,
                "{why}: the interval holds the mean: {g:?}"
            );
        }
        let names: Vec<(&str, FairnessOutcome)> = got
            .iter()
            .filter(|g| g.flagged)
            .map(|g| (g.segment.as_str(), g.outcome))
            .collect();
        assert_eq!(names, flagged, "{why}: {got:#?}");
    }

    #[test]
    fn flags_only_gaps_the_rules_widen_beyond_doubt_and_by_a_margin() {
        use FairnessOutcome::*;
        check(
            (0.9, 0.5, 10.0, 0.0),
            (0.9, 0.5, 10.0, 0.0),
            &[],
            "a 40-point gap the static path has too (different prior knowledge) is not the rules' doing",
        );
        check(
            (0.9, 0.5, 10.0, 0.0),
            (0.95, 0.65, 10.0, 0.0),
            &[],
            "rules that narrow the gap are not flagged",
        );
        check(
            (0.8, 0.7, 10.0, 0.0),
            (0.9, 0.6, 10.0, 0.0),
            &[("a", Completion), ("b", Completion)],
            "a 10-point gap widened to 30 is flagged, for both sides of it",
        );
        check(
            (0.8, 0.78, 10.0, 0.0),
            (0.8, 0.76, 10.0, 0.0),
            &[],
            "a certain but 2-point widening is below the margin that matters",
        );
        check(
            (0.8, 0.7, 10.0, 0.0),
            (0.8, 0.6, 10.0, 0.15),
            &[],
            "a widening the batches disagree on (its interval crosses zero) is not flagged",
        );
        check(
            (0.8, 0.8, 11.0, 0.0),
            (0.8, 0.8, 15.0, 0.0),
            &[("a", TimeToCompetency), ("b", TimeToCompetency)],
            "b's time to competency going from 10% to 50% longer than a's is flagged",
        );
    }
}
