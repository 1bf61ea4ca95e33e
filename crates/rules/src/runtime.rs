//! The runtime: a deterministic evaluation of a rule set over a stream of learner events,
//! emitting decisions that each name the rule that fired and why. The simulator drives
//! this same code, so what is simulated is what ships.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::check::{find, Curriculum};
use model::Attributes;

use crate::{Group, Rule, RuleBody, RuleSet};

/// One thing that happened to a learner, on a day (days since the stream began).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
pub struct Event {
    pub learner: String,
    pub day: u32,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Enrolled {
        #[serde(default)]
        attributes: Attributes,
    },
    AttributesChanged {
        attributes: Attributes,
    },
    Launched {
        module: String,
    },
    Completed {
        module: String,
    },
    /// A score (%) on a module, overall and per question category.
    Scored {
        module: String,
        score: f64,
        #[serde(default)]
        categories: BTreeMap<String, f64>,
    },
    /// The learner earned a track's certificate.
    Certified {
        track: String,
    },
    /// Time passed with no activity from the learner.
    IdleTick,
}

/// What the rules decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Assign,
    Unlock,
    Skip,
    Notify,
    Schedule,
    Reenroll,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, TS)]
pub struct Decision {
    pub learner: String,
    pub day: u32,
    pub kind: DecisionKind,
    /// A module path, a track slug, `learner`/`manager` for notices, or `certification`.
    pub target: String,
    /// The rule that fired.
    pub rule: String,
    /// Why, in plain words.
    pub explanation: String,
}

#[derive(Debug, Default)]
struct Learner {
    attributes: Attributes,
    track: Option<String>,
    done: BTreeSet<usize>,
    scores: BTreeMap<usize, f64>,
    unlocked: BTreeSet<usize>,
    last_active: u32,
    told_learner: bool,
    told_manager: bool,
    certified: BTreeMap<String, u32>,
    scheduled: BTreeSet<String>,
    reenrolled: BTreeSet<(String, u32)>,
    retakes: Vec<(u32, usize, String, String)>,
    /// Modules whose done or score state changed since the last settle: only unlock rules
    /// naming one of them can change their verdict.
    touched: Vec<usize>,
}

impl Learner {
    fn finish(&mut self, m: usize) -> bool {
        self.touched.push(m);
        self.done.insert(m)
    }
    fn reopen(&mut self, m: usize) {
        self.touched.push(m);
        self.done.remove(&m);
    }
    fn score(&mut self, m: usize, score: f64) {
        self.touched.push(m);
        self.scores.insert(m, score);
    }
}

/// An unlock rule with its modules resolved once.
#[derive(Debug, Clone)]
struct Unlock<'a> {
    rule: &'a Rule,
    target: Option<usize>,
    requires: Vec<usize>,
    needed: usize,
    min_score: Option<f64>,
}

/// A rule set resolved against a curriculum once — module lookups, unlock rules by the
/// modules they name — to be shared by any number of [`Runner`]s (the simulator runs one
/// per learner).
#[derive(Debug, Clone)]
pub struct Compiled<'a> {
    set: &'a RuleSet,
    c: &'a Curriculum<'a>,
    /// Modules by key and by id.
    exact: HashMap<&'a str, usize>,
    /// Unlock rules (one per prerequisite when derived from the graph: tens of thousands
    /// in a large catalogue), resolved, and by the modules they name.
    unlocks: Vec<Unlock<'a>>,
    unlocks_by_module: HashMap<usize, Vec<usize>>,
    /// Every other rule, in order, and the modules each names, resolved.
    others: Vec<&'a Rule>,
    resolved: Vec<Resolved>,
    /// Indices into `others`: the rules a score on each module is read by (placement,
    /// remediation), and the rules every event re-evaluates (certification readiness,
    /// re-engagement, recertification) — each in rule order.
    by_assessment: HashMap<usize, Vec<usize>>,
    settling: Vec<usize>,
}

/// The modules a rule other than an unlock names, by index (`None`: unknown module).
#[derive(Debug, Clone, Default)]
struct Resolved {
    /// Placement and remediation: the assessment read.
    assessment: Option<usize>,
    /// Certification readiness: the modules required, and those with a minimum score.
    required: Vec<Option<usize>>,
    min_scores: Vec<Option<usize>>,
    /// Both, sorted: the verdict can only change when one of these is touched.
    watched: Vec<usize>,
}

impl<'a> Compiled<'a> {
    pub fn new(set: &'a RuleSet, c: &'a Curriculum<'a>) -> Compiled<'a> {
        let exact = c.index();
        let mut unlocks = Vec::new();
        let mut unlocks_by_module: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut others = Vec::new();
        for rule in &set.rules {
            let RuleBody::Unlock {
                module,
                requires,
                group,
                min_score,
            } = &rule.body
            else {
                others.push(rule);
                continue;
            };
            let target = find(&exact, c, module);
            let resolved: Vec<usize> = requires.iter().filter_map(|q| find(&exact, c, q)).collect();
            let n = unlocks.len();
            for m in target.iter().chain(&resolved) {
                let list = unlocks_by_module.entry(*m).or_default();
                if list.last() != Some(&n) {
                    list.push(n);
                }
            }
            unlocks.push(Unlock {
                rule,
                target,
                requires: resolved,
                needed: match group {
                    Group::AllOf => requires.len(),
                    Group::AnyOf => 1,
                    Group::NOf(n) => *n as usize,
                },
                min_score: *min_score,
            });
        }
        let resolved: Vec<Resolved> = others
            .iter()
            .map(|r| match &r.body {
                RuleBody::Placement { assessment, .. }
                | RuleBody::Remediation { assessment, .. } => Resolved {
                    assessment: find(&exact, c, assessment),
                    ..Resolved::default()
                },
                RuleBody::CertificationReadiness {
                    required,
                    min_scores,
                } => {
                    let required: Vec<Option<usize>> =
                        required.iter().map(|q| find(&exact, c, q)).collect();
                    let min_scores: Vec<Option<usize>> = min_scores
                        .iter()
                        .map(|s| find(&exact, c, &s.module))
                        .collect();
                    let mut watched: Vec<usize> = required
                        .iter()
                        .chain(&min_scores)
                        .flatten()
                        .copied()
                        .collect();
                    watched.sort_unstable();
                    watched.dedup();
                    Resolved {
                        required,
                        min_scores,
                        watched,
                        ..Resolved::default()
                    }
                }
                _ => Resolved::default(),
            })
            .collect();
        let mut by_assessment: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, refs) in resolved.iter().enumerate() {
            if let Some(m) = refs.assessment {
                by_assessment.entry(m).or_default().push(i);
            }
        }
        let settling = others
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                matches!(
                    r.body,
                    RuleBody::CertificationReadiness { .. }
                        | RuleBody::Reengagement { .. }
                        | RuleBody::Recertification { .. }
                )
            })
            .map(|(i, _)| i)
            .collect();
        Compiled {
            set,
            c,
            exact,
            unlocks,
            unlocks_by_module,
            others,
            resolved,
            by_assessment,
            settling,
        }
    }
}

/// The runtime taking one event at a time, keeping each learner's state: what the
/// simulator drives, decision by decision.
#[derive(Debug)]
pub struct Runner<'a> {
    plan: std::borrow::Cow<'a, Compiled<'a>>,
    learners: BTreeMap<String, Learner>,
}

impl<'a> Runner<'a> {
    pub fn new(set: &'a RuleSet, c: &'a Curriculum<'a>) -> Runner<'a> {
        Runner {
            plan: std::borrow::Cow::Owned(Compiled::new(set, c)),
            learners: BTreeMap::new(),
        }
    }

    /// A runner on a rule set compiled once for many.
    pub fn with(plan: &'a Compiled<'a>) -> Runner<'a> {
        Runner {
            plan: std::borrow::Cow::Borrowed(plan),
            learners: BTreeMap::new(),
        }
    }

    /// Applies event number `n` (from 0, for error messages) and returns its decisions.
    pub fn step(&mut self, n: usize, event: &Event) -> Result<Vec<Decision>, String> {
        let (set, c) = (self.plan.set, self.plan.c);
        let (exact, others) = (&self.plan.exact, &self.plan.others);
        let mut out = Vec::new();
        let resolve = |m: &str| {
            find(exact, c, m).ok_or_else(|| format!("event {}: unknown module {m:?}", n + 1))
        };
        if !self.learners.contains_key(&event.learner) {
            self.learners
                .insert(event.learner.clone(), Learner::default());
        }
        let l = self
            .learners
            .get_mut(&event.learner)
            .expect("inserted above");
        let day = event.day;
        let mut emit = |kind, target: String, rule: &str, explanation: String| {
            out.push(Decision {
                learner: event.learner.clone(),
                day,
                kind,
                target,
                rule: rule.to_owned(),
                explanation,
            });
        };
        if !matches!(event.kind, EventKind::IdleTick) {
            l.last_active = day;
            l.told_learner = false;
            l.told_manager = false;
        }
        match &event.kind {
            EventKind::Enrolled { attributes } | EventKind::AttributesChanged { attributes } => {
                l.attributes = attributes.clone();
                let assigned = set.rules.iter().find_map(|r| match &r.body {
                    RuleBody::Assignment { when, track } if when.matches(&l.attributes) => {
                        Some((r, track))
                    }
                    _ => None,
                });
                if let Some((r, track)) = assigned {
                    if l.track.as_ref() != Some(track) {
                        l.track = Some(track.clone());
                        emit(
                            DecisionKind::Assign,
                            track.clone(),
                            &r.id,
                            r.explanation.clone(),
                        );
                    }
                }
            }
            EventKind::Launched { module } => {
                resolve(module)?;
            }
            EventKind::Completed { module } => {
                l.finish(resolve(module)?);
            }
            EventKind::Scored {
                module,
                score,
                categories,
            } => {
                let m = resolve(module)?;
                l.finish(m);
                l.score(m, *score);
                let reading = self
                    .plan
                    .by_assessment
                    .get(&m)
                    .map_or(&[][..], Vec::as_slice);
                for &i in reading {
                    let (r, refs) = (others[i], &self.plan.resolved[i]);
                    match &r.body {
                        RuleBody::Placement {
                            category, bands, ..
                        } if refs.assessment == Some(m) => {
                            let Some(value) = scored(category, *score, categories) else {
                                continue;
                            };
                            let Some(band) = bands
                                .iter()
                                .find(|b| value >= b.min && value <= b.max + 0.999)
                            else {
                                continue;
                            };
                            let why = format!(
                                "{} (scored {value}% on “{}”)",
                                r.explanation, c.modules[m].title
                            );
                            for skip in &band.skip {
                                let s = resolve(skip)?;
                                if l.finish(s) {
                                    emit(
                                        DecisionKind::Skip,
                                        c.modules[s].key.clone(),
                                        &r.id,
                                        why.clone(),
                                    );
                                }
                            }
                            if let Some(start) = &band.start_at {
                                let s = resolve(start)?;
                                if l.unlocked.insert(s) {
                                    emit(
                                        DecisionKind::Unlock,
                                        c.modules[s].key.clone(),
                                        &r.id,
                                        why.clone(),
                                    );
                                }
                            }
                        }
                        RuleBody::Remediation {
                            category,
                            below,
                            assign,
                            retake_after_days,
                            ..
                        } if refs.assessment == Some(m) => {
                            let Some(value) = scored(category, *score, categories) else {
                                continue;
                            };
                            if value < *below {
                                let why = format!(
                                    "{} (scored {value}% on “{}”, below {below}%)",
                                    r.explanation, c.modules[m].title
                                );
                                for a in assign {
                                    let s = resolve(a)?;
                                    l.reopen(s);
                                    l.unlocked.insert(s);
                                    emit(
                                        DecisionKind::Assign,
                                        c.modules[s].key.clone(),
                                        &r.id,
                                        why.clone(),
                                    );
                                }
                                l.reopen(m);
                                l.retakes.push((
                                    day + retake_after_days,
                                    m,
                                    r.id.clone(),
                                    r.explanation.clone(),
                                ));
                            }
                        }
                        _ => {}
                    }
                }
            }
            EventKind::Certified { track } => {
                l.certified.insert(track.clone(), day);
            }
            EventKind::IdleTick => {}
        }
        let unlocks = (self.plan.unlocks.as_slice(), &self.plan.unlocks_by_module);
        let others = (
            others.as_slice(),
            self.plan.resolved.as_slice(),
            self.plan.settling.as_slice(),
        );
        settle(c, exact, unlocks, others, l, day, &mut emit);
        Ok(out)
    }
}

/// Evaluates `set` over `events` in order. Fails on an event naming an unknown module,
/// with the event's position (from 1).
pub fn run(set: &RuleSet, c: &Curriculum<'_>, events: &[Event]) -> Result<Vec<Decision>, String> {
    let mut runner = Runner::new(set, c);
    let mut out = Vec::new();
    for (n, event) in events.iter().enumerate() {
        out.extend(runner.step(n, event)?);
    }
    Ok(out)
}

/// The score a rule reads: the named question category's, else the overall score.
fn scored(
    category: &Option<String>,
    score: f64,
    categories: &BTreeMap<String, f64>,
) -> Option<f64> {
    match category {
        Some(k) => categories.get(k).copied(),
        None => Some(score),
    }
}

/// What follows from the learner's state on `day`: retakes due, modules unlocked,
/// certification ready, idle notices, refreshers.
fn settle(
    c: &Curriculum<'_>,
    exact: &HashMap<&str, usize>,
    (unlocks, by_module): (&[Unlock<'_>], &HashMap<usize, Vec<usize>>),
    (others, resolved, settling): (&[&Rule], &[Resolved], &[usize]),
    l: &mut Learner,
    day: u32,
    emit: &mut impl FnMut(DecisionKind, String, &str, String),
) {
    let key = |i: usize| c.modules[i].key.clone();
    let due: Vec<(u32, usize, String, String)> =
        l.retakes.iter().filter(|r| r.0 <= day).cloned().collect();
    l.retakes.retain(|r| r.0 > day);
    for (due, m, rule, why) in due {
        emit(
            DecisionKind::Unlock,
            key(m),
            &rule,
            format!("{why} (retake allowed from day {due})"),
        );
    }
    // Unlocks may cascade only through completions, so one pass suffices. A rule's verdict
    // changes only when its target's or a required module's state does, so only the
    // rules naming a module touched since the last settle are looked at, in rule order.
    let touched = std::mem::take(&mut l.touched);
    let mut candidates: Vec<usize> = touched
        .iter()
        .filter_map(|m| by_module.get(m))
        .flatten()
        .copied()
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    for u in candidates.into_iter().map(|i| &unlocks[i]) {
        let Some(m) = u.target else { continue };
        if l.unlocked.contains(&m) || l.done.contains(&m) {
            continue; // open already, or done (or skipped) without needing to open
        }
        let met = u
            .requires
            .iter()
            .filter(|q| {
                l.done.contains(q)
                    && u.min_score
                        .is_none_or(|min| l.scores.get(q).is_none_or(|s| *s >= min))
            })
            .count();
        if met >= u.needed && u.needed > 0 {
            l.unlocked.insert(m);
            emit(
                DecisionKind::Unlock,
                key(m),
                &u.rule.id,
                u.rule.explanation.clone(),
            );
        }
    }
    for &i in settling {
        let (r, refs) = (others[i], &resolved[i]);
        match &r.body {
            // Looked at again only when a module it reads was touched (or it reads none).
            RuleBody::CertificationReadiness { min_scores, .. }
                if (refs.watched.is_empty()
                    || touched
                        .iter()
                        .any(|m| refs.watched.binary_search(m).is_ok()))
                    && !l.scheduled.contains(&r.id) =>
            {
                let complete = refs
                    .required
                    .iter()
                    .all(|q| q.is_some_and(|q| l.done.contains(&q)));
                let scores = min_scores.iter().zip(&refs.min_scores).all(|(s, m)| {
                    m.and_then(|m| l.scores.get(&m))
                        .is_some_and(|v| *v >= s.min)
                });
                if complete && scores {
                    l.scheduled.insert(r.id.clone());
                    emit(
                        DecisionKind::Schedule,
                        "certification".to_owned(),
                        &r.id,
                        r.explanation.clone(),
                    );
                }
            }
            RuleBody::Reengagement {
                idle_days,
                manager_after_days,
            } => {
                // Complete: certification scheduled or the track's certificate earned.
                let finished = !l.scheduled.is_empty()
                    || l.track
                        .as_ref()
                        .is_some_and(|t| l.certified.contains_key(t));
                let idle = day.saturating_sub(l.last_active);
                if finished || *idle_days == 0 {
                    continue;
                }
                if idle >= *idle_days && !l.told_learner {
                    l.told_learner = true;
                    emit(
                        DecisionKind::Notify,
                        "learner".to_owned(),
                        &r.id,
                        format!("{} (idle for {idle} days)", r.explanation),
                    );
                }
                if idle >= idle_days + manager_after_days && !l.told_manager {
                    l.told_manager = true;
                    emit(
                        DecisionKind::Notify,
                        "manager".to_owned(),
                        &r.id,
                        format!("{} (idle for {idle} days)", r.explanation),
                    );
                }
            }
            RuleBody::Recertification {
                track,
                older_than_months,
                refresher,
            } => {
                let Some(&since) = l.certified.get(track) else {
                    continue;
                };
                if day.saturating_sub(since) >= older_than_months * 30
                    && l.reenrolled.insert((r.id.clone(), since))
                {
                    let why = format!("{} (certified on day {since})", r.explanation);
                    for m in refresher.iter().filter_map(|m| find(exact, c, m)) {
                        l.reopen(m);
                        emit(DecisionKind::Reenroll, key(m), &r.id, why.clone());
                    }
                }
            }
            _ => {}
        }
    }
}
