//! Fairness compared like with like: each segment under the rules against the same
//! segment on the static path (the same learners: per-learner random streams), so segments
//! that simply start from different prior knowledge are not flagged: a segment is flagged
//! where the rules widen its completion gap to the rest of the cohort. Time to competency
//! is not compared this way: placement makes prepared learners faster by design (a wider
//! time gap that slows no one), and the rules change *who* reaches competency — remediation
//! gets slower learners there — so a mean over those who got there does not compare like
//! with like. Learners fall into [`BATCHES`] interleaved batches by number — each batch an independent
//! replication with its own random streams, run in the same pass — and each measure's 95%
//! confidence interval comes from the spread between batches.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Report;

/// Interleaved replications per run (learner number modulo this).
pub const BATCHES: usize = 10;

/// A widening is flagged when its whole 95% interval lies above zero and it is at least
/// this large: 5 points of completion.
pub const MIN_WIDENING: f64 = 0.05;

/// Student's t for a two-sided 95% interval with `BATCHES - 1` degrees of freedom.
const T_95: f64 = 2.262;

/// Per segment (or per segment and batch): learners, competent, placed, remediated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SegmentTotals {
    pub(crate) learners: u32,
    pub(crate) competent: u32,
    pub(crate) placed: u32,
    pub(crate) remediated: u32,
}

impl SegmentTotals {
    pub(crate) fn add(&mut self, other: &SegmentTotals) {
        self.learners += other.learners;
        self.competent += other.competent;
        self.placed += other.placed;
        self.remediated += other.remediated;
    }
}

/// One segment's completion (the share reaching competency), static path against rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FairnessGap {
    pub segment: String,
    /// The segment's own rate on the static path and under the rules.
    pub static_value: f64,
    pub rules_value: f64,
    /// The segment minus the rest of the cohort, on the static path and under the rules.
    pub static_gap: f64,
    pub rules_gap: f64,
    /// How much wider the gap to the rest is under the rules (|rules gap| − |static
    /// gap|): the mean over batches, with its 95% interval.
    pub change: f64,
    pub low: f64,
    pub high: f64,
    /// The rules widen this gap beyond doubt and by at least [`MIN_WIDENING`].
    pub flagged: bool,
}

/// Every segment's gaps under `rules` against `baseline` (the static path on the same
/// cohort and seed). Segments are matched by position; a segment its batches cannot
/// measure (no learners in too many of them) is left out.
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
        let whole = (
            rate(baseline.whole, s),
            rate(rules.whole, s),
            gap(baseline.whole, s),
            gap(rules.whole, s),
        );
        let (Some(static_value), Some(rules_value), Some(static_gap), Some(rules_gap)) = whole
        else {
            continue;
        };
        let changes: Vec<f64> = (0..BATCHES)
            .filter_map(|b| {
                let (r, st) = (rules.batch(b)?, baseline.batch(b)?);
                Some(gap(r, s)?.abs() - gap(st, s)?.abs())
            })
            .collect();
        if changes.len() < 3 {
            continue;
        }
        let k = changes.len() as f64;
        let mean = changes.iter().sum::<f64>() / k;
        let var = changes.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / (k - 1.0);
        let half = T_95 * (var / k).sqrt();
        out.push(FairnessGap {
            segment: (*name).to_owned(),
            static_value,
            rules_value,
            static_gap,
            rules_gap,
            change: mean,
            low: mean - half,
            high: mean + half,
            flagged: mean - half > 0.0 && mean >= MIN_WIDENING,
        });
    }
    out
}

/// Segment `s`'s completion rate; `None` without learners.
fn rate(totals: &[SegmentTotals], s: usize) -> Option<f64> {
    let t = totals.get(s)?;
    (t.learners > 0).then(|| f64::from(t.competent) / f64::from(t.learners))
}

/// Segment `s`'s completion rate minus the rest's; `None` where either side has no one.
fn gap(totals: &[SegmentTotals], s: usize) -> Option<f64> {
    let mut rest = SegmentTotals::default();
    for (i, t) in totals.iter().enumerate() {
        if i != s {
            rest.add(t);
        }
    }
    Some(rate(totals, s)? - rate(&[rest], 0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two segments of 100 learners in every batch: `a` completes at `a`, `b` at `b`;
    /// `noise` moves `a`'s rate up and down on alternate batches.
    fn sums((a, b, noise): (f64, f64, f64)) -> (Vec<SegmentTotals>, Vec<SegmentTotals>) {
        let seg = |rate: f64| SegmentTotals {
            learners: 100,
            competent: (rate * 100.0).round() as u32,
            ..SegmentTotals::default()
        };
        let batches: Vec<SegmentTotals> = (0..BATCHES)
            .flat_map(|i| {
                let wobble = if i % 2 == 0 { noise } else { -noise };
                [seg(a + wobble), seg(b)]
            })
            .collect();
        let mut whole = vec![SegmentTotals::default(); 2];
        for (i, t) in batches.iter().enumerate() {
            whole[i % 2].add(t);
        }
        (whole, batches)
    }

    fn check(baseline: (f64, f64, f64), rules: (f64, f64, f64), flagged: &[&str], why: &str) {
        let ((bw, bb), (rw, rb)) = (sums(baseline), sums(rules));
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
        assert_eq!(got.len(), 2, "{why}: one measure for each of two segments");
        for g in &got {
            assert!(
                g.low <= g.change && g.change <= g.high,
                "{why}: the interval holds the mean: {g:?}"
            );
        }
        let names: Vec<&str> = got
            .iter()
            .filter(|g| g.flagged)
            .map(|g| g.segment.as_str())
            .collect();
        assert_eq!(names, flagged, "{why}: {got:#?}");
    }

    #[test]
    fn flags_only_gaps_the_rules_widen_beyond_doubt_and_by_a_margin() {
        check(
            (0.9, 0.5, 0.0),
            (0.9, 0.5, 0.0),
            &[],
            "a 40-point gap the static path has too (different prior knowledge) is not the rules' doing",
        );
        check(
            (0.9, 0.5, 0.0),
            (0.95, 0.65, 0.0),
            &[],
            "rules that narrow the gap are not flagged",
        );
        check(
            (0.8, 0.7, 0.0),
            (0.9, 0.6, 0.0),
            &["a", "b"],
            "a 10-point gap widened to 30 is flagged, for both sides of it",
        );
        check(
            (0.8, 0.78, 0.0),
            (0.8, 0.76, 0.0),
            &[],
            "a certain but 2-point widening is below the margin that matters",
        );
        check(
            (0.8, 0.7, 0.0),
            (0.8, 0.6, 0.15),
            &[],
            "a widening the batches disagree on (its interval crosses zero) is not flagged",
        );
    }
}
