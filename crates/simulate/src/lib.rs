//! Monte-Carlo cohorts: simulated learners walk a track, either the static path (every
//! module in order) or driven by the rule runtime itself (`rules::Runner` — the same code
//! that ships), and the results are aggregated into the KPIs designers decide on.
//!
//! Mastery follows Bayesian Knowledge Tracing: each skill is known or not; every module
//! taken is a learning opportunity for its skills (unknown → known with `learn`, known →
//! forgotten with `forget`, as pyBKT fits them), and assessment answers are sampled through
//! `guess` and `slip`. Each learner
//! draws from its own random stream (seed × learner number), and learners are aggregated
//! in fixed-size chunks merged in order, so a run is reproducible bit for bit whatever the
//! number of threads — and memory stays bounded however many learners run (nothing per
//! learner is kept but the day each reached competency).

mod fairness;
mod prepare;
mod report;

use std::collections::{BTreeMap, HashMap};

use model::{Bkt, Cohort};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use fairness::{fairness, FairnessGap, BATCHES, MIN_WIDENING};
pub use prepare::{Cyclic, Prepared};
pub use report::{ModuleStat, Percentiles, Report, SegmentStat, MAX_DAYS};

/// A module as the simulator sees it.
#[derive(Debug, Clone)]
pub struct SimModule {
    pub key: String,
    pub title: String,
    pub minutes: u32,
    /// Skill indices it teaches.
    pub skills: Vec<usize>,
    /// Whether it is scored (a rule reads its score).
    pub assessment: bool,
    /// Whether its score places learners (a placement rule reads it).
    pub placement: bool,
}

/// A track's path by module index, in a valid order.
#[derive(Debug, Clone)]
pub struct SimTrack {
    pub slug: String,
    /// What people call it, for journeys.
    pub name: String,
    pub path: Vec<usize>,
    /// Modules of `path` that are there only because a later module requires them (they
    /// teach none of the track's targets). Under the rules a learner skips one once every
    /// module that requires it has been unlocked without it (an any-of group met another
    /// way).
    pub support: Vec<usize>,
}

/// Everything a run needs.
#[derive(Debug)]
pub struct Input<'a> {
    pub modules: &'a [SimModule],
    pub tracks: &'a [SimTrack],
    pub skills: usize,
    pub rules: &'a rules::RuleSet,
    pub curriculum: &'a rules::Curriculum<'a>,
    pub cohort: &'a Cohort,
    /// BKT parameters per skill (by skill index), as calibrated from real answers; a
    /// skill without one (or all of them, when empty) follows the cohort's `bkt`.
    pub skill_bkt: &'a [Option<Bkt>],
    /// Score (%) that passes an assessment no rule sets a threshold on; where rules do
    /// (a remediation's `below`, an unlock's `min_score`, a certification's minimum), the
    /// highest of theirs passes it, under either policy.
    pub pass_mark: f64,
}

/// How learners are steered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Everyone takes every module of their track, in order.
    Static,
    /// The route comes from the rule runtime's decisions: modules open when it unlocks
    /// them, remediation only for those it assigns, placement skips, re-engagement and
    /// certification.
    Rules,
}

/// What happened to one simulated learner.
#[derive(Debug, Clone, Default)]
struct Outcome {
    number: u64,
    segment: usize,
    competent_day: Option<f64>,
    dropped_at: Option<usize>,
    started: Vec<usize>,
    failed: Vec<usize>,
    first_attempts: u32,
    first_passes: u32,
    skipped_minutes: u32,
    /// Modules placed out of.
    skipped: Vec<usize>,
    placed: bool,
    remediated: bool,
    /// Re-enrolled in a refresher by a recertification rule.
    recertified: bool,
    days: Vec<(usize, f64)>,
    /// Days spent waiting on a module: retake delays and idle spells before coming back.
    waits: Vec<(usize, f64)>,
    /// The day the learner stopped: dropped out or ran out of modules.
    last_day: f64,
    decisions: Vec<rules::Decision>,
    /// Kept only for journeys.
    steps: Vec<JourneyStep>,
    /// The events fed to the rule runtime, each with the decisions it led to (kept only
    /// for journeys).
    events: Vec<(rules::Event, Vec<rules::Decision>)>,
    /// Which modules the rules let this learner take now (read under the rules only).
    open: Vec<bool>,
}

/// One simulated learner's journey under the rules: who they are and every event with the
/// decisions it led to, in order — for "why" views and for xAPI statements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Journey {
    pub learner: String,
    pub segment: String,
    pub ending: Ending,
    /// What the learner did, in words, each with the rule decisions it led to.
    pub steps: Vec<JourneyStep>,
    pub events: Vec<(rules::Event, Vec<rules::Decision>)>,
    /// The title of each module and the name of each track the journey names by key (a
    /// decision's target, the module a learner stopped on), so they can be shown by name.
    pub titles: BTreeMap<String, String>,
}

/// One thing a simulated learner did, and what the rules decided about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct JourneyStep {
    pub day: f64,
    pub what: String,
    pub decisions: Vec<rules::Decision>,
}

/// Records a step of a kept journey.
fn note(out: &mut Outcome, keep: bool, day: f64, what: impl FnOnce() -> String) {
    if keep {
        out.steps.push(JourneyStep {
            day: (day * 10.0).round() / 10.0,
            what: what(),
            decisions: Vec::new(),
        });
    }
}

/// One BKT learning opportunity for each practised skill: the standard transition, as
/// pyBKT fits it — unknown becomes known with `learn`, known is forgotten with `forget`.
/// Skills not practised stay as they are.
fn learn(known: &mut [bool], practised: &[usize], bkt: &dyn Fn(usize) -> Bkt, rng: &mut Rng) {
    for &s in practised {
        let p = bkt(s);
        known[s] = match known[s] {
            false => rng.chance(p.learn),
            true => !rng.chance(p.forget),
        };
    }
}

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, learner: u64) -> Rng {
        Rng(seed ^ learner.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.next() < p
    }
}

/// Learners aggregated together before their totals join the run's, in order: fixed, so
/// floating-point sums do not depend on how work was split between threads.
const CHUNK: usize = 512;
/// Chunks run in parallel between two progress reports.
const WAVE: usize = 16;

/// Runs `learners` simulated learners under `policy` and aggregates them. The cohort must
/// pass [`Cohort::check`].
pub fn simulate(input: &Input<'_>, policy: Policy, learners: usize, seed: u64) -> Report {
    run(input, policy, learners, seed, &mut |_| true).expect("nothing cancels this run")
}

/// [`simulate`], telling `progress` how many learners are done after each wave of chunks;
/// when it answers `false` the run stops and gives `None`.
pub fn run(
    input: &Input<'_>,
    policy: Policy,
    learners: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Option<Report> {
    let lookup = Lookup::new(input);
    let mut total = report::Totals::new(input);
    let chunks = learners.div_ceil(CHUNK);
    let mut next = 0;
    while next < chunks {
        let wave: Vec<report::Totals> = (next..(next + WAVE).min(chunks))
            .into_par_iter()
            .map(|c| {
                let mut totals = report::Totals::new(input);
                for i in c * CHUNK..((c + 1) * CHUNK).min(learners) {
                    totals.add(&learner(input, &lookup, policy, seed, i as u64, false));
                }
                totals
            })
            .collect();
        for t in wave {
            total.merge(t);
        }
        next = (next + WAVE).min(chunks);
        if !progress((next * CHUNK).min(learners)) {
            return None;
        }
    }
    Some(report::finish(input, policy, total))
}

/// One learner's rule decisions, for the "why" trace.
pub fn trace(input: &Input<'_>, seed: u64, learner_number: u64) -> Vec<rules::Decision> {
    let lookup = Lookup::new(input);
    learner(input, &lookup, Policy::Rules, seed, learner_number, true).decisions
}

/// How one simulated learner ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ending {
    /// Reached competency on this day.
    Competent { day: f64 },
    /// Stopped coming while on this module (its key).
    DroppedOut { module: String, day: f64 },
    /// Went through the track without passing every assessment.
    NotCompetent { day: f64 },
}

/// One learner's journey under `policy` (the same random stream as in `simulate`).
pub fn journey(input: &Input<'_>, policy: Policy, seed: u64, learner_number: u64) -> Journey {
    let lookup = Lookup::new(input);
    let out = learner(input, &lookup, policy, seed, learner_number, true);
    let named = out
        .steps
        .iter()
        .flat_map(|s| &s.decisions)
        .map(|d| d.target.as_str())
        .chain(out.dropped_at.map(|m| input.modules[m].key.as_str()));
    let titles = named
        .filter_map(|key| match lookup.by_key.get(key) {
            Some(&m) => Some((key.to_owned(), input.modules[m].title.clone())),
            None => input
                .tracks
                .iter()
                .find(|t| t.slug == key)
                .map(|t| (key.to_owned(), t.name.clone())),
        })
        .collect();
    Journey {
        learner: format!("learner-{learner_number}"),
        segment: input
            .cohort
            .segments
            .get(out.segment)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        ending: match (out.competent_day, out.dropped_at) {
            (_, Some(m)) => Ending::DroppedOut {
                module: input.modules[m].key.clone(),
                day: out.last_day,
            },
            (Some(day), None) => Ending::Competent { day },
            (None, None) => Ending::NotCompetent { day: out.last_day },
        },
        steps: out.steps,
        events: out.events,
        titles,
    }
}

/// What every learner of a run looks up, computed once: modules by key, each rule's retake
/// delay, each segment's track, the re-engagement rule.
struct Lookup<'a> {
    /// The rules resolved against the curriculum, shared by every learner's runner.
    plan: rules::Compiled<'a>,
    by_key: HashMap<&'a str, usize>,
    retake_after: HashMap<&'a str, u32>,
    /// Track index per segment (`None`: no track to take).
    tracks: Vec<Option<usize>>,
    /// (idle days, days more before the manager hears).
    idle_rule: Option<(u32, u32)>,
    /// Score that passes each module (see [`Input::pass_mark`]).
    pass_marks: Vec<f64>,
    /// Modules a remediation rule assigns: under the rules, taken only when assigned.
    remedial: Vec<bool>,
    /// Modules an unlock rule keeps closed until the runtime opens them.
    gated: Vec<bool>,
    /// For each module, the modules whose unlock rules name it as a prerequisite.
    required_by: Vec<Vec<usize>>,
    /// The question categories rules read on each assessment (the questions are shared
    /// among them in turn).
    categories: Vec<Vec<&'a str>>,
    /// Per track: days after certification when a recertification rule re-enrols.
    recertify: Vec<Option<u32>>,
    /// Per track: which modules are on its path, and which are there only as support.
    on_path: Vec<Vec<bool>>,
    support: Vec<Vec<bool>>,
}

impl<'a> Lookup<'a> {
    fn new(input: &Input<'a>) -> Lookup<'a> {
        let rules = &input.rules.rules;
        let n = input.modules.len();
        let by_key: HashMap<&str, usize> = input
            .modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.key.as_str(), i))
            .collect();
        let index = |key: &str| by_key.get(key).copied();
        let (mut remedial, mut gated) = (vec![false; n], vec![false; n]);
        let mut required_by: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut categories: Vec<Vec<&'a str>> = vec![Vec::new(); n];
        for r in rules {
            match &r.body {
                rules::RuleBody::Remediation {
                    assessment,
                    category,
                    assign,
                    ..
                } => {
                    if let (Some(c), Some(i)) = (category, index(assessment)) {
                        if !categories[i].contains(&c.as_str()) {
                            categories[i].push(c.as_str());
                        }
                    }
                    for a in assign.iter().filter_map(|a| index(a)) {
                        remedial[a] = true;
                    }
                }
                rules::RuleBody::Placement {
                    assessment,
                    category: Some(c),
                    ..
                } => {
                    if let Some(i) = index(assessment) {
                        if !categories[i].contains(&c.as_str()) {
                            categories[i].push(c.as_str());
                        }
                    }
                }
                rules::RuleBody::Unlock {
                    module, requires, ..
                } => {
                    if let Some(m) = index(module) {
                        gated[m] = true;
                        for req in requires.iter().filter_map(|q| index(q)) {
                            required_by[req].push(m);
                        }
                    }
                }
                _ => {}
            }
        }
        let mut pass_marks = vec![input.pass_mark; n];
        for (key, mark) in rules::pass_marks(rules) {
            if let Some(i) = index(key) {
                pass_marks[i] = mark;
            }
        }
        let flags = |of: &mut dyn Iterator<Item = usize>| {
            let mut v = vec![false; n];
            for i in of {
                v[i] = true;
            }
            v
        };
        Lookup {
            recertify: input
                .tracks
                .iter()
                .map(|t| {
                    rules
                        .iter()
                        .filter_map(|r| match &r.body {
                            rules::RuleBody::Recertification {
                                track,
                                older_than_months,
                                ..
                            } if track == &t.slug => Some(older_than_months * 30),
                            _ => None,
                        })
                        .min()
                })
                .collect(),
            on_path: input
                .tracks
                .iter()
                .map(|t| flags(&mut t.path.iter().copied()))
                .collect(),
            support: input
                .tracks
                .iter()
                .map(|t| flags(&mut t.support.iter().copied()))
                .collect(),
            pass_marks,
            remedial,
            gated,
            required_by,
            categories,
            plan: rules::Compiled::new(input.rules, input.curriculum),
            by_key,
            retake_after: rules
                .iter()
                .filter_map(|r| match r.body {
                    rules::RuleBody::Remediation {
                        retake_after_days, ..
                    } => Some((r.id.as_str(), retake_after_days)),
                    _ => None,
                })
                .collect(),
            tracks: input
                .cohort
                .segments
                .iter()
                .map(|seg| {
                    let slug = rules.iter().find_map(|r| match &r.body {
                        rules::RuleBody::Assignment { when, track }
                            if when.matches(&seg.attributes) =>
                        {
                            Some(track)
                        }
                        _ => None,
                    });
                    slug.and_then(|slug| input.tracks.iter().position(|t| &t.slug == slug))
                        .or((!input.tracks.is_empty()).then_some(0))
                })
                .collect(),
            idle_rule: rules.iter().find_map(|r| match r.body {
                rules::RuleBody::Reengagement {
                    idle_days,
                    manager_after_days,
                } => Some((idle_days, manager_after_days)),
                _ => None,
            }),
        }
    }
}

fn learner(
    input: &Input<'_>,
    lookup: &Lookup<'_>,
    policy: Policy,
    seed: u64,
    number: u64,
    keep: bool,
) -> Outcome {
    let mut rng = Rng::new(seed, number);
    let segments = &input.cohort.segments;
    let total: f64 = segments.iter().map(|s| s.share.max(0.0)).sum();
    let mut pick = rng.next() * total;
    let segment = segments.iter().position(|s| {
        pick -= s.share.max(0.0);
        pick < 0.0
    });
    let segment = segment.unwrap_or(segments.len().saturating_sub(1));
    let seg = &segments[segment];
    // Which modules this learner has started (a track can hold thousands).
    let mut started = vec![false; input.modules.len()];
    let bkt = |s: usize| {
        input
            .skill_bkt
            .get(s)
            .copied()
            .flatten()
            .unwrap_or(input.cohort.bkt)
    };
    let mut out = Outcome {
        number,
        segment,
        ..Outcome::default()
    };
    let mut known: Vec<bool> = (0..input.skills).map(|_| rng.chance(seg.prior)).collect();

    let Some(track_at) = lookup.tracks[segment] else {
        return out;
    };
    let track = &input.tracks[track_at];
    if policy == Policy::Rules {
        out.open = lookup.gated.iter().map(|gated| !gated).collect();
    }

    let name = format!("learner-{number}");
    let mut runner = rules::Runner::with(&lookup.plan);
    let mut step = |day: f64, kind: rules::EventKind, out: &mut Outcome| -> Vec<rules::Decision> {
        if policy == Policy::Static {
            return Vec::new();
        }
        let event = rules::Event {
            learner: name.clone(),
            day: day as u32,
            kind,
        };
        let decisions = runner.step(0, &event).unwrap_or_default();
        // What the runtime opens (or assigns) is what the learner may take next.
        for d in &decisions {
            if matches!(
                d.kind,
                rules::DecisionKind::Unlock | rules::DecisionKind::Assign
            ) {
                if let Some(&t) = lookup.by_key.get(d.target.as_str()) {
                    out.open[t] = true;
                }
            }
        }
        if keep {
            out.decisions.extend(decisions.iter().cloned());
            if let Some(last) = out.steps.last_mut() {
                last.decisions.extend(decisions.iter().cloned());
            }
            out.events.push((event, decisions.clone()));
        }
        decisions
    };
    let idle_rule = lookup.idle_rule;
    note(&mut out, keep, 0.0, || {
        format!("enrolled ({}), on track “{}”", seg.name, track.name)
    });
    step(
        0.0,
        rules::EventKind::Enrolled {
            attributes: seg.attributes.clone(),
        },
        &mut out,
    );

    let per_day = (seg.weekly_minutes.max(1) as f64) / 7.0;
    let mut day = 0.0;
    // Under the rules, remediation modules wait until a rule assigns them.
    let mut todo: std::collections::VecDeque<usize> = track
        .path
        .iter()
        .copied()
        .filter(|&m| policy == Policy::Static || !lookup.remedial[m])
        .collect();
    let mut attempts = vec![0u32; input.modules.len()];
    let mut passed_all = true;
    let mut competent_by_rule = None;
    while let Some(m) = next_module(
        &mut todo, policy, lookup, track_at, &mut out, keep, day, input,
    ) {
        let module = &input.modules[m];
        let days = module.minutes as f64 * seg.speed.max(0.05) / per_day;
        // Drop-off while working through this module; re-engagement may bring them back.
        let p_quit = 1.0 - (1.0 - seg.dropout_per_week.clamp(0.0, 1.0)).powf(days / 7.0);
        if rng.chance(p_quit) {
            let back = match (policy, idle_rule) {
                (Policy::Rules, Some((idle, manager))) => {
                    let mut back = false;
                    for wait in [idle, idle + manager] {
                        note(&mut out, keep, day + f64::from(wait), || {
                            format!("idle for {wait} days on “{}”", module.title)
                        });
                        let decisions =
                            step(day + wait as f64, rules::EventKind::IdleTick, &mut out);
                        if decisions
                            .iter()
                            .any(|d| d.kind == rules::DecisionKind::Notify)
                            && rng.chance(seg.reengage_response)
                        {
                            day += wait as f64;
                            out.waits.push((m, wait as f64));
                            back = true;
                            note(&mut out, keep, day, || {
                                format!("came back to “{}” after a notice", module.title)
                            });
                            break;
                        }
                    }
                    back
                }
                _ => false,
            };
            if !back {
                out.dropped_at = Some(m);
                out.last_day = day;
                if !started[m] {
                    out.started.push(m);
                }
                note(&mut out, keep, day, || {
                    format!("stopped coming while on “{}”", module.title)
                });
                return out;
            }
        }
        if !started[m] {
            started[m] = true;
            out.started.push(m); // learners, not attempts
        }
        day += days;
        out.days.push((m, days));
        // Every module taken is a learning opportunity for its skills.
        if !module.assessment {
            learn(&mut known, &module.skills, &bkt, &mut rng);
            note(&mut out, keep, day, || {
                format!("completed “{}” ({} min)", module.title, module.minutes)
            });
            step(
                day,
                rules::EventKind::Completed {
                    module: module.key.clone(),
                },
                &mut out,
            );
            continue;
        }
        // Ten questions spread over the module's skills, and shared in turn among the
        // question categories the rules read on it.
        let kinds = &lookup.categories[m];
        let mut by_kind = vec![(0u32, 0u32); kinds.len()];
        let mut correct = 0;
        for q in 0..10 {
            let skill = module.skills.get(q % module.skills.len().max(1)).copied();
            let right = match skill {
                Some(s) if known[s] => !rng.chance(bkt(s).slip),
                Some(s) => rng.chance(bkt(s).guess),
                None => rng.chance(input.cohort.bkt.guess),
            };
            correct += u32::from(right);
            if let Some(k) = by_kind.get_mut(q % kinds.len().max(1)) {
                k.0 += u32::from(right);
                k.1 += 1;
            }
        }
        let score = f64::from(correct) * 10.0;
        let categories = kinds
            .iter()
            .zip(&by_kind)
            .map(|(k, (right, asked))| {
                (k.to_string(), f64::from(*right) * 100.0 / f64::from(*asked))
            })
            .collect();
        note(&mut out, keep, day, || {
            let attempt = match attempts[m] {
                0 => String::new(),
                n => format!(" (attempt {})", n + 1),
            };
            format!("scored {score:.0}% on “{}”{attempt}", module.title)
        });
        // Answering is itself a learning opportunity, after the score is taken.
        learn(&mut known, &module.skills, &bkt, &mut rng);
        attempts[m] += 1;
        let decisions = step(
            day,
            rules::EventKind::Scored {
                module: module.key.clone(),
                score,
                categories,
            },
            &mut out,
        );
        let mut assigned: Vec<usize> = Vec::new();
        let mut retake_after = 0u32;
        let mut scheduled = false;
        for d in &decisions {
            let target = lookup.by_key.get(d.target.as_str()).copied();
            match (d.kind, target) {
                (rules::DecisionKind::Skip, Some(t)) => {
                    if let Some(at) = todo.iter().position(|&x| x == t) {
                        todo.remove(at);
                        out.skipped_minutes += input.modules[t].minutes;
                        out.skipped.push(t);
                        out.placed = true;
                    }
                }
                (rules::DecisionKind::Assign, Some(t)) => {
                    assigned.push(t);
                    if let Some(&after) = lookup.retake_after.get(d.rule.as_str()) {
                        retake_after = retake_after.max(after);
                    }
                }
                (rules::DecisionKind::Schedule, _) => scheduled = true,
                _ => {}
            }
        }
        if scheduled && competent_by_rule.is_none() {
            // Ready for certification: the learner is certified that day.
            competent_by_rule = Some(day);
            note(&mut out, keep, day, || {
                format!("certified on “{}”", track.slug)
            });
            step(
                day,
                rules::EventKind::Certified {
                    track: track.slug.clone(),
                },
                &mut out,
            );
        }
        if module.placement {
            continue; // a placement test places; it is not passed or failed
        }
        if attempts[m] == 1 {
            out.first_attempts += 1;
            out.first_passes += u32::from(score >= lookup.pass_marks[m] && assigned.is_empty());
        }
        if assigned.is_empty() && score >= lookup.pass_marks[m] {
            continue;
        }
        out.failed.push(m);
        if attempts[m] >= 3 {
            passed_all = false; // gives up on this assessment
            continue;
        }
        let wait = if assigned.is_empty() {
            todo.push_front(m);
            3.0
        } else {
            // Remediation first, then the retake after the delay.
            out.remediated = true;
            todo.push_front(m);
            for &t in assigned.iter().rev() {
                todo.push_front(t);
            }
            f64::from(retake_after)
        };
        day += wait;
        out.waits.push((m, wait));
    }
    // A certificate ages: when a recertification rule's time comes (within the simulated
    // horizon), the runtime re-enrols the learner in its refresher modules.
    if let (Some(certified), Some(after)) = (competent_by_rule, lookup.recertify[track_at]) {
        let due = (certified + f64::from(after)).max(day);
        if policy == Policy::Rules && due < MAX_DAYS as f64 {
            let decisions = step(due, rules::EventKind::IdleTick, &mut out);
            for d in decisions
                .iter()
                .filter(|d| d.kind == rules::DecisionKind::Reenroll)
            {
                if let Some(&t) = lookup.by_key.get(d.target.as_str()) {
                    out.recertified = true;
                    note(&mut out, keep, due, || {
                        format!("re-enrolled in “{}” to recertify", input.modules[t].title)
                    });
                }
            }
        }
    }
    out.last_day = day;
    out.competent_day = match competent_by_rule {
        Some(d) => Some(d),
        None if passed_all => Some(day),
        None => None,
    };
    out
}

/// The next module a learner takes. On the static path, the next in order. Under the
/// rules, the first the runtime has opened (when none is, the next in order, as an LMS
/// admin would let a stuck learner go on), passing over support modules nothing needs any
/// more because what required them is open already.
#[allow(clippy::too_many_arguments)]
fn next_module(
    todo: &mut std::collections::VecDeque<usize>,
    policy: Policy,
    lookup: &Lookup<'_>,
    track: usize,
    out: &mut Outcome,
    keep: bool,
    day: f64,
    input: &Input<'_>,
) -> Option<usize> {
    if policy == Policy::Static {
        return todo.pop_front();
    }
    loop {
        let at = todo.iter().position(|&m| out.open[m]).unwrap_or(0);
        let m = todo.remove(at)?;
        let mut needed_by = lookup.required_by[m]
            .iter()
            .filter(|&&d| lookup.on_path[track][d])
            .peekable();
        if lookup.support[track][m] && needed_by.peek().is_some() && needed_by.all(|&d| out.open[d])
        {
            note(out, keep, day, || {
                format!(
                    "passed over “{}”: what it leads to is open already",
                    input.modules[m].title
                )
            });
            continue;
        }
        return Some(m);
    }
}

#[cfg(test)]
mod tests;
