//! Aggregating simulated learners into the figures designers decide on: time to
//! competency, completion, first-attempt passes, the drop-off funnel, bottlenecks, hours
//! saved by placement, and per-segment gaps with a fairness flag.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Input, Outcome, Policy};

/// A segment whose completion, placement or remediation rate differs from the rest of
/// the cohort by more than this is flagged.
pub const FAIRNESS_GAP: f64 = 0.15;

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
    /// Average days spent on it by those who took it.
    pub mean_days: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SegmentStat {
    pub name: String,
    pub learners: u32,
    pub completion_rate: f64,
    pub placement_rate: f64,
    pub remediation_rate: f64,
    /// Which rates differ from the rest of the cohort by more than [`FAIRNESS_GAP`].
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Report {
    pub policy: Policy,
    pub learners: u32,
    pub completed: u32,
    pub completion_rate: f64,
    pub first_attempt_pass_rate: f64,
    /// Days to competency among learners who got there.
    pub time_to_competency: Option<Percentiles>,
    /// Every module anyone started, in track order of first appearance.
    pub funnel: Vec<ModuleStat>,
    /// The modules losing the most learners (drop-outs plus failures), worst first.
    pub bottlenecks: Vec<String>,
    pub hours_saved_by_placement: f64,
    pub segments: Vec<SegmentStat>,
}

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

pub(crate) fn aggregate(input: &Input<'_>, policy: Policy, outcomes: &[Outcome]) -> Report {
    let n = outcomes.len() as u32;
    let mut days: Vec<f64> = outcomes.iter().filter_map(|o| o.competent_day).collect();
    days.sort_by(f64::total_cmp);
    let completed = days.len() as u32;
    let (attempts, passes) = outcomes.iter().fold((0, 0), |(a, p), o| {
        (a + o.first_attempts, p + o.first_passes)
    });

    let modules = input.modules.len();
    let (mut started, mut failed, mut dropped) = (
        vec![0u32; modules],
        vec![0u32; modules],
        vec![0u32; modules],
    );
    let mut time = vec![0.0f64; modules];
    let mut order: Vec<usize> = Vec::new();
    for o in outcomes {
        for &m in &o.started {
            started[m] += 1;
            if !order.contains(&m) {
                order.push(m);
            }
        }
        for &m in &o.failed {
            failed[m] += 1;
        }
        if let Some(m) = o.dropped_at {
            dropped[m] += 1;
        }
        for &(m, d) in &o.days {
            time[m] += d;
        }
    }
    let funnel: Vec<ModuleStat> = order
        .iter()
        .map(|&m| ModuleStat {
            key: input.modules[m].key.clone(),
            title: input.modules[m].title.clone(),
            started: started[m],
            failed: failed[m],
            dropped: dropped[m],
            mean_days: ((time[m] / f64::from(started[m].max(1))) * 10.0).round() / 10.0,
        })
        .collect();
    let mut worst: Vec<&ModuleStat> = funnel.iter().filter(|m| m.dropped + m.failed > 0).collect();
    worst.sort_by_key(|m| std::cmp::Reverse(m.dropped + m.failed));
    let bottlenecks = worst.iter().take(5).map(|m| m.title.clone()).collect();

    let segs = &input.cohort.segments;
    let stats = |pick: &dyn Fn(&Outcome) -> bool| -> (u32, u32, u32, u32) {
        outcomes
            .iter()
            .filter(|o| pick(o))
            .fold((0, 0, 0, 0), |(l, c, p, r), o| {
                (
                    l + 1,
                    c + u32::from(o.competent_day.is_some()),
                    p + u32::from(o.placed),
                    r + u32::from(o.remediated),
                )
            })
    };
    let segments = segs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (l, c, p, r) = stats(&|o| o.segment == i);
            let (ol, oc, op, or) = stats(&|o| o.segment != i);
            let mine = [rate(c, l), rate(p, l), rate(r, l)];
            let rest = [rate(oc, ol), rate(op, ol), rate(or, ol)];
            let flags = ["completion", "placement", "remediation"]
                .iter()
                .zip(mine.iter().zip(rest))
                .filter(|(_, (a, b))| l > 0 && ol > 0 && (*a - b).abs() > FAIRNESS_GAP)
                .map(|(name, _)| name.to_string())
                .collect();
            SegmentStat {
                name: s.name.clone(),
                learners: l,
                completion_rate: mine[0],
                placement_rate: mine[1],
                remediation_rate: mine[2],
                flags,
            }
        })
        .collect();

    Report {
        policy,
        learners: n,
        completed,
        completion_rate: rate(completed, n),
        first_attempt_pass_rate: rate(passes, attempts),
        time_to_competency: (!days.is_empty()).then(|| Percentiles {
            p10: percentile(&days, 0.1),
            p50: percentile(&days, 0.5),
            p90: percentile(&days, 0.9),
        }),
        funnel,
        bottlenecks,
        hours_saved_by_placement: {
            let minutes: u64 = outcomes.iter().map(|o| u64::from(o.skipped_minutes)).sum();
            (minutes as f64 / 60.0 * 10.0).round() / 10.0
        },
        segments,
    }
}
