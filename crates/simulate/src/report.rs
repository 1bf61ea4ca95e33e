//! Aggregating simulated learners into the figures designers decide on: time to
//! competency, completion, first-attempt passes, the drop-off funnel, bottlenecks, hours
//! saved by placement, and per-segment rates (with the sums [`crate::fairness`] compares).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::fairness::{SegmentTotals, BATCHES};
use crate::{Input, Outcome, Policy};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Percentiles {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ModuleStat {
    pub key: String,
    pub title: String,
    /// Learners who started it.
    pub started: u32,
    /// Failed attempts (assessments).
    pub failed: u32,
    /// Learners who dropped out on it.
    pub dropped: u32,
    /// Learners placed out of it by a placement rule.
    pub skipped: u32,
    /// Average days spent on it by those who took it.
    pub mean_days: f64,
    /// Average days spent waiting on it (retake delays, idle spells) by those who took it.
    pub mean_wait_days: f64,
    /// Per segment (cohort order): learners who started it.
    pub started_by_segment: Vec<u32>,
    /// Per segment: learners who dropped out on it or failed it at least once.
    pub struggled_by_segment: Vec<u32>,
    /// The lowest learner number who dropped out on it or failed it, to open their trace.
    #[ts(type = "number | null")]
    pub example_learner: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SegmentStat {
    pub name: String,
    pub learners: u32,
    pub completion_rate: f64,
    pub placement_rate: f64,
    pub remediation_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Report {
    pub policy: Policy,
    pub learners: u32,
    pub completed: u32,
    pub completion_rate: f64,
    /// Among first attempts at assessments; `None` when nobody took one (no rule scores
    /// any module).
    pub first_attempt_pass_rate: Option<f64>,
    pub placement_rate: f64,
    pub remediation_rate: f64,
    /// Share of learners a recertification rule re-enrolled in a refresher within the
    /// simulated horizon (certified, then their certificate aged).
    pub recertification_rate: f64,
    /// Days to competency among learners who got there.
    pub time_to_competency: Option<Percentiles>,
    /// Learners reaching competency on each day (index = whole days; the last entry also
    /// counts everyone later than [`MAX_DAYS`]).
    pub competent_per_day: Vec<u32>,
    /// Every module anyone started, in track order of first appearance.
    pub funnel: Vec<ModuleStat>,
    /// The modules losing the most learners (drop-outs plus failures), worst first.
    pub bottlenecks: Vec<String>,
    pub hours_saved_by_placement: f64,
    pub segments: Vec<SegmentStat>,
    /// Per segment, then per batch × segment: what [`crate::fairness`] compares (kept in
    /// the process; not part of the report people read).
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) by_segment: Vec<SegmentTotals>,
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) batches: Vec<SegmentTotals>,
}

/// The histogram of days to competency stops here.
pub const MAX_DAYS: usize = 3650;

fn rate(n: u32, of: u32) -> f64 {
    if of == 0 {
        0.0
    } else {
        f64::from(n) / f64::from(of)
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    (sorted[at] * 10.0).round() / 10.0
}

/// Running sums over learners: everything the report needs, nothing per learner but the
/// day each reached competency. Merging in a fixed order keeps float sums reproducible.
pub(crate) struct Totals {
    segments: usize,
    learners: u32,
    competent_days: Vec<f64>,
    first_attempts: u64,
    first_passes: u64,
    recertified: u32,
    skipped_minutes: u64,
    started: Vec<u32>,
    failed: Vec<u32>,
    dropped: Vec<u32>,
    skipped: Vec<u32>,
    time: Vec<f64>,
    wait: Vec<f64>,
    /// segment × module.
    started_by_segment: Vec<u32>,
    struggled_by_segment: Vec<u32>,
    example: Vec<Option<u64>>,
    /// Modules in order of first appearance, and whether each has appeared.
    order: Vec<usize>,
    seen: Vec<bool>,
    by_segment: Vec<SegmentTotals>,
    /// batch × segment, batch = learner number modulo [`BATCHES`].
    batches: Vec<SegmentTotals>,
}

impl Totals {
    pub(crate) fn new(input: &Input<'_>) -> Totals {
        let (m, s) = (input.modules.len(), input.cohort.segments.len());
        Totals {
            segments: s,
            learners: 0,
            competent_days: Vec::new(),
            first_attempts: 0,
            first_passes: 0,
            recertified: 0,
            skipped_minutes: 0,
            started: vec![0; m],
            failed: vec![0; m],
            dropped: vec![0; m],
            skipped: vec![0; m],
            time: vec![0.0; m],
            wait: vec![0.0; m],
            started_by_segment: vec![0; m * s],
            struggled_by_segment: vec![0; m * s],
            example: vec![None; m],
            order: Vec::new(),
            seen: vec![false; m],
            by_segment: vec![SegmentTotals::default(); s],
            batches: vec![SegmentTotals::default(); BATCHES * s],
        }
    }

    fn appear(&mut self, m: usize) {
        if !self.seen[m] {
            self.seen[m] = true;
            self.order.push(m);
        }
    }

    pub(crate) fn add(&mut self, o: &Outcome) {
        let base = o.segment * self.started.len();
        let cell = |m: usize| base + m;
        self.learners += 1;
        if let Some(d) = o.competent_day {
            self.competent_days.push(d);
        }
        self.first_attempts += u64::from(o.first_attempts);
        self.first_passes += u64::from(o.first_passes);
        self.recertified += u32::from(o.recertified);
        self.skipped_minutes += u64::from(o.skipped_minutes);
        for &m in &o.started {
            self.started[m] += 1;
            self.started_by_segment[cell(m)] += 1;
            self.appear(m);
        }
        let mut struggled: Vec<usize> = o.failed.iter().copied().chain(o.dropped_at).collect();
        for &m in &o.failed {
            self.failed[m] += 1;
        }
        if let Some(m) = o.dropped_at {
            self.dropped[m] += 1;
        }
        struggled.sort_unstable();
        struggled.dedup();
        for m in struggled {
            self.struggled_by_segment[cell(m)] += 1;
            let e = &mut self.example[m];
            *e = Some(e.map_or(o.number, |e| e.min(o.number)));
        }
        for &m in &o.skipped {
            self.skipped[m] += 1;
        }
        for &(m, d) in &o.days {
            self.time[m] += d;
        }
        for &(m, d) in &o.waits {
            self.wait[m] += d;
        }
        let one = SegmentTotals {
            learners: 1,
            competent: u32::from(o.competent_day.is_some()),
            placed: u32::from(o.placed),
            remediated: u32::from(o.remediated),
        };
        self.by_segment[o.segment].add(&one);
        let batch = (o.number % BATCHES as u64) as usize;
        self.batches[batch * self.segments + o.segment].add(&one);
    }

    /// Adds `other`, which covers learners after this one's.
    pub(crate) fn merge(&mut self, other: Totals) {
        self.learners += other.learners;
        self.competent_days.extend(other.competent_days);
        self.first_attempts += other.first_attempts;
        self.first_passes += other.first_passes;
        self.recertified += other.recertified;
        self.skipped_minutes += other.skipped_minutes;
        let add = |a: &mut [u32], b: &[u32]| a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        add(&mut self.started, &other.started);
        add(&mut self.failed, &other.failed);
        add(&mut self.dropped, &other.dropped);
        add(&mut self.skipped, &other.skipped);
        add(&mut self.started_by_segment, &other.started_by_segment);
        add(&mut self.struggled_by_segment, &other.struggled_by_segment);
        let addf = |a: &mut [f64], b: &[f64]| a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        addf(&mut self.time, &other.time);
        addf(&mut self.wait, &other.wait);
        for (a, b) in self.example.iter_mut().zip(&other.example) {
            *a = match (*a, *b) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        for m in other.order {
            self.appear(m);
        }
        for (a, b) in self.by_segment.iter_mut().zip(&other.by_segment) {
            a.add(b);
        }
        for (a, b) in self.batches.iter_mut().zip(&other.batches) {
            a.add(b);
        }
    }
}

pub(crate) fn finish(input: &Input<'_>, policy: Policy, t: Totals) -> Report {
    let n = t.learners;
    let modules = t.started.len();
    let mut days = t.competent_days;
    days.sort_by(f64::total_cmp);
    let completed = days.len() as u32;
    let mut competent_per_day =
        vec![0u32; days.last().map_or(0, |&d| (d as usize).min(MAX_DAYS) + 1)];
    for &d in &days {
        competent_per_day[(d as usize).min(MAX_DAYS)] += 1;
    }
    let round = |x: f64| (x * 10.0).round() / 10.0;
    let funnel: Vec<ModuleStat> = t
        .order
        .iter()
        .map(|&m| {
            let taken = f64::from(t.started[m].max(1));
            ModuleStat {
                key: input.modules[m].key.clone(),
                title: input.modules[m].title.clone(),
                started: t.started[m],
                failed: t.failed[m],
                dropped: t.dropped[m],
                skipped: t.skipped[m],
                mean_days: round(t.time[m] / taken),
                mean_wait_days: round(t.wait[m] / taken),
                started_by_segment: (0..t.segments)
                    .map(|s| t.started_by_segment[s * modules + m])
                    .collect(),
                struggled_by_segment: (0..t.segments)
                    .map(|s| t.struggled_by_segment[s * modules + m])
                    .collect(),
                example_learner: t.example[m],
            }
        })
        .collect();
    let mut worst: Vec<&ModuleStat> = funnel.iter().filter(|m| m.dropped + m.failed > 0).collect();
    worst.sort_by_key(|m| std::cmp::Reverse(m.dropped + m.failed));
    let bottlenecks = worst.iter().take(5).map(|m| m.title.clone()).collect();

    let mut all = SegmentTotals::default();
    for s in &t.by_segment {
        all.add(s);
    }
    let segments = input
        .cohort
        .segments
        .iter()
        .zip(&t.by_segment)
        .map(|(s, mine)| SegmentStat {
            name: s.name.clone(),
            learners: mine.learners,
            completion_rate: rate(mine.competent, mine.learners),
            placement_rate: rate(mine.placed, mine.learners),
            remediation_rate: rate(mine.remediated, mine.learners),
        })
        .collect();

    let first_attempt_pass_rate = match t.first_attempts {
        0 => None,
        a => Some(t.first_passes as f64 / a as f64),
    };
    Report {
        policy,
        learners: n,
        completed,
        completion_rate: rate(completed, n),
        first_attempt_pass_rate,
        placement_rate: rate(all.placed, n),
        remediation_rate: rate(all.remediated, n),
        recertification_rate: rate(t.recertified, n),
        time_to_competency: (!days.is_empty()).then(|| Percentiles {
            p10: percentile(&days, 0.1),
            p50: percentile(&days, 0.5),
            p90: percentile(&days, 0.9),
        }),
        competent_per_day,
        funnel,
        bottlenecks,
        hours_saved_by_placement: round(t.skipped_minutes as f64 / 60.0),
        segments,
        by_segment: t.by_segment,
        batches: t.batches,
    }
}
