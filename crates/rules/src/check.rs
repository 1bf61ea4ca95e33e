//! The rule checker: every way a rule set can contradict itself or the curriculum, each
//! finding with a code, a severity, the objects involved, a plain message and a fix.

use std::collections::{HashMap, HashSet};

use model::{Finding, FindingCode as C, Severity};

use crate::{Band, Group, RuleBody, RuleSet};

/// A module as the checker sees it.
#[derive(Debug, Clone)]
pub struct ModuleInfo {
    /// Path in the library; rules refer to modules by it (or by id).
    pub key: String,
    pub id: String,
    pub title: String,
    /// Skills it teaches.
    pub tags: Vec<String>,
}

/// What the rules are checked against.
#[derive(Debug, Clone, Copy)]
pub struct Curriculum<'a> {
    pub modules: &'a [ModuleInfo],
    /// Track slugs.
    pub tracks: &'a [String],
    /// Prerequisite edges (before, after) by module index.
    pub edges: &'a [(usize, usize)],
}

impl Curriculum<'_> {
    /// A module by path, id, or an IRI ending in its path (with or without `.md`), as
    /// LMS activity ids often do.
    pub fn resolve(&self, reference: &str) -> Option<usize> {
        self.modules
            .iter()
            .position(|m| m.key == reference || m.id == reference)
            .or_else(|| {
                self.modules.iter().position(|m| {
                    let stem = m.key.strip_suffix(".md").unwrap_or(&m.key);
                    let file = stem.rsplit('/').next().unwrap_or(stem);
                    reference.ends_with(&format!("/{}", m.key))
                        || reference.ends_with(&format!("/{file}"))
                })
            })
    }

    fn title(&self, reference: &str) -> String {
        match self.resolve(reference) {
            Some(i) => format!("“{}”", self.modules[i].title),
            None => format!("{reference:?}"),
        }
    }

    /// Modules by key and by id, for lookups in O(1) (a catalogue can hold 50,000).
    pub(crate) fn index(&self) -> HashMap<&str, usize> {
        let mut exact = HashMap::with_capacity(self.modules.len() * 2);
        for (i, m) in self.modules.iter().enumerate() {
            exact.entry(m.key.as_str()).or_insert(i);
        }
        for (i, m) in self.modules.iter().enumerate() {
            exact.entry(m.id.as_str()).or_insert(i);
        }
        exact
    }

    /// Each module's direct successors in the prerequisite graph.
    fn successors(&self) -> Vec<Vec<usize>> {
        let mut next = vec![Vec::new(); self.modules.len()];
        for &(b, a) in self.edges {
            if let Some(list) = next.get_mut(b) {
                list.push(a);
            }
        }
        next
    }
}

/// A module by key or id through `exact` ([`Curriculum::index`]), else as
/// [`Curriculum::resolve`] finds it (an IRI ending in its path).
pub(crate) fn find(
    exact: &HashMap<&str, usize>,
    c: &Curriculum<'_>,
    reference: &str,
) -> Option<usize> {
    exact
        .get(reference)
        .copied()
        .or_else(|| c.resolve(reference))
}

/// Paths in the prerequisite graph, asked once per unlock requirement: with a 50,000-module
/// catalogue that is 50,000 questions, so each must not walk the whole graph.
struct Paths {
    next: Vec<Vec<usize>>,
    /// Each module's place among the graph's strongly connected components in order
    /// ([`graph::ranks`]): a path only ever runs to the same or a later place.
    rank: Vec<usize>,
}

impl Paths {
    fn new(c: &Curriculum<'_>) -> Paths {
        Paths {
            next: c.successors(),
            rank: graph::ranks(c.modules.len(), c.edges),
        }
    }

    /// Whether there is a path `from → … → to`.
    fn reaches(&self, from: usize, to: usize) -> bool {
        let beyond = |n: usize| self.rank[n] > self.rank[to];
        if beyond(from) || from == to {
            return false;
        }
        let mut seen = HashSet::from([from]);
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            for &a in self.next.get(n).map(Vec::as_slice).unwrap_or(&[]) {
                if a == to {
                    return true;
                }
                // Past `to` in the order, nothing leads back to it.
                if !beyond(a) && seen.insert(a) {
                    stack.push(a);
                }
            }
        }
        false
    }
}

fn finding(
    code: C,
    severity: Severity,
    objects: Vec<String>,
    message: String,
    fix: &str,
) -> Finding {
    Finding {
        code,
        severity,
        objects,
        message,
        fix: fix.to_owned(),
    }
}

/// Every problem in `set` against `c`, most serious first.
pub fn check(set: &RuleSet, c: &Curriculum<'_>) -> Vec<Finding> {
    let exact = c.index();
    let paths = Paths::new(c);
    let resolve = |reference: &str| find(&exact, c, reference);
    let mut out = schema(set);
    out.extend(duplicate_ids(set));
    for r in &set.rules {
        out.extend(references(r, c, &resolve));
        out.extend(thresholds(r));
        out.extend(by_kind(r, c, &paths, &resolve));
    }
    out.extend(unlock_loop(set, c, &resolve));
    out.extend(nags(set));
    out.extend(assignment_overlaps(set));
    out.sort_by(|x, y| (x.severity, x.code, &x.message).cmp(&(y.severity, y.code, &y.message)));
    out
}

/// A module reference resolved to its index in the curriculum.
type Resolve<'r> = dyn Fn(&str) -> Option<usize> + 'r;

/// A rule set written for another schema.
fn schema(set: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    if set.schema != crate::SCHEMA {
        out.push(finding(
            C::MissingReference,
            Severity::Error,
            vec![],
            format!(
                "The rule set declares schema {:?}; this Pathforge reads {:?}.",
                set.schema,
                crate::SCHEMA
            ),
            "Export the rules again from a matching Pathforge.",
        ));
    }
    out
}

/// Two rules with one id: decisions could not say which fired.
fn duplicate_ids(set: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for r in &set.rules {
        if !seen.insert(r.id.as_str()) {
            out.push(finding(
                C::DuplicateRuleId,
                Severity::Error,
                vec![r.id.clone()],
                format!(
                    "Two rules have the id {:?}; decisions could not say which one fired.",
                    r.id
                ),
                "Give every rule its own id.",
            ));
        }
    }
    out
}

/// Modules and tracks a rule names that the project does not have.
fn references(r: &crate::Rule, c: &Curriculum<'_>, resolve: &Resolve<'_>) -> Vec<Finding> {
    let id = || vec![r.id.clone()];
    let mut out = Vec::new();
    let mut refs: Vec<&String> = Vec::new();
    let mut tracks: Vec<&String> = Vec::new();
    match &r.body {
        RuleBody::Placement {
            assessment, bands, ..
        } => {
            refs.push(assessment);
            for b in bands {
                refs.extend(b.start_at.iter());
                refs.extend(b.skip.iter());
            }
        }
        RuleBody::Unlock {
            module, requires, ..
        } => {
            refs.push(module);
            refs.extend(requires);
        }
        RuleBody::Remediation {
            assessment, assign, ..
        } => {
            refs.push(assessment);
            refs.extend(assign);
        }
        RuleBody::Reengagement { .. } => {}
        RuleBody::CertificationReadiness {
            required,
            min_scores,
        } => {
            refs.extend(required);
            refs.extend(min_scores.iter().map(|m| &m.module));
        }
        RuleBody::Assignment { track, .. } => tracks.push(track),
        RuleBody::Recertification {
            track, refresher, ..
        } => {
            tracks.push(track);
            refs.extend(refresher);
        }
    }
    for m in refs.into_iter().filter(|m| resolve(m).is_none()) {
        out.push(finding(
            C::MissingReference,
            Severity::Error,
            id(),
            format!(
                "Rule {:?} ({}) names module {m:?}, which is not in the project.",
                r.id,
                r.body.kind()
            ),
            "Point the rule at an existing module (its path in the library or its id).",
        ));
    }
    for t in tracks.into_iter().filter(|t| !c.tracks.contains(t)) {
        out.push(finding(
            C::MissingReference,
            Severity::Error,
            id(),
            format!(
                "Rule {:?} ({}) names track {t:?}, which is not in the project.",
                r.id,
                r.body.kind()
            ),
            "Point the rule at an existing track slug.",
        ));
    }

    out
}

/// Percentages outside 0–100.
fn thresholds(r: &crate::Rule) -> Vec<Finding> {
    let id = || vec![r.id.clone()];
    let mut out = Vec::new();
    let mut thresholds: Vec<(&str, f64)> = Vec::new();
    match &r.body {
        RuleBody::Placement { bands, .. } => {
            for b in bands {
                thresholds.push(("band minimum", b.min));
                thresholds.push(("band maximum", b.max));
            }
        }
        RuleBody::Unlock {
            min_score: Some(s), ..
        } => thresholds.push(("minimum score", *s)),
        RuleBody::Remediation { below, .. } => thresholds.push(("threshold", *below)),
        RuleBody::CertificationReadiness { min_scores, .. } => {
            thresholds.extend(min_scores.iter().map(|m| ("minimum score", m.min)));
        }
        _ => {}
    }
    for (what, v) in thresholds {
        if !(0.0..=100.0).contains(&v) || v.is_nan() {
            out.push(finding(
                C::ThresholdOutOfRange,
                Severity::Error,
                id(),
                format!("Rule {:?} has a {what} of {v}%, outside 0–100%.", r.id),
                "Use a percentage between 0 and 100.",
            ));
        }
    }

    out
}

/// What only one kind of rule can get wrong: placement bands and the skills a skip
/// leaves unassessed, an unlock against the graph or asking for more than it names, a
/// re-engagement that notifies at once.
fn by_kind(
    r: &crate::Rule,
    c: &Curriculum<'_>,
    paths: &Paths,
    resolve: &Resolve<'_>,
) -> Vec<Finding> {
    let id = || vec![r.id.clone()];
    let mut out = Vec::new();
    match &r.body {
        RuleBody::Placement {
            assessment,
            bands,
            category,
        } => {
            out.extend(check_bands(&r.id, bands));
            let assessed: HashSet<&String> = resolve(assessment)
                .map(|i| c.modules[i].tags.iter().collect())
                .unwrap_or_default();
            for b in bands {
                for skip in &b.skip {
                    let Some(i) = resolve(skip) else { continue };
                    let m = &c.modules[i];
                    if category.is_none() && !m.tags.iter().any(|t| assessed.contains(t)) {
                        out.push(finding(
                                C::UnassessedSkip,
                                Severity::Warning,
                                vec![r.id.clone(), m.id.clone()],
                                format!(
                                    "Rule {:?} lets learners skip “{}” on a score of {}–{}%, but {} assesses none of its skills ({}).",
                                    r.id, m.title, b.min, b.max, c.title(assessment), m.tags.join(", ")
                                ),
                                "Assess those skills in the pre-assessment, or stop skipping the module.",
                            ));
                    }
                }
            }
        }
        RuleBody::Unlock {
            module,
            requires,
            group,
            ..
        } => {
            let Some(after) = resolve(module) else {
                return out;
            };
            for req in requires {
                let Some(before) = resolve(req) else {
                    continue;
                };
                if before == after || paths.reaches(after, before) {
                    out.push(finding(
                            C::UnlockContradictsGraph,
                            Severity::Error,
                            vec![r.id.clone(), c.modules[after].id.clone(), c.modules[before].id.clone()],
                            format!(
                                "Rule {:?} opens {} after {}, but the prerequisite graph puts {} first.",
                                r.id,
                                c.title(module),
                                c.title(req),
                                c.title(module)
                            ),
                            "Fix the rule or the graph so they agree on the order.",
                        ));
                }
            }
            if let Group::NOf(n) = group {
                if *n as usize > requires.len() || *n == 0 {
                    out.push(finding(
                        C::UnreachableByRules,
                        Severity::Error,
                        vec![r.id.clone()],
                        format!(
                            "Rule {:?} asks for {n} of {} prerequisites, so {} can never open.",
                            r.id,
                            requires.len(),
                            c.title(module)
                        ),
                        "Ask for between 1 and the number of prerequisites.",
                    ));
                }
            }
        }
        RuleBody::Reengagement {
            idle_days,
            manager_after_days,
        } => {
            if *idle_days == 0 {
                out.push(finding(
                        C::NotificationLoop,
                        Severity::Error,
                        id(),
                        format!("Rule {:?} notifies after 0 idle days: every tick would notify the learner again.", r.id),
                        "Wait at least one day before the first notice.",
                    ));
            } else if *manager_after_days == 0 {
                out.push(finding(
                        C::NotificationLoop,
                        Severity::Warning,
                        id(),
                        format!("Rule {:?} tells the manager the same day it tells the learner, leaving the learner no time to respond.", r.id),
                        "Give the learner a few days before the manager is told.",
                    ));
            }
        }
        _ => {}
    }
    out
}

/// Unlock rules among themselves: a cycle means none of its modules ever opens.
fn unlock_loop(set: &RuleSet, c: &Curriculum<'_>, resolve: &Resolve<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let unlocks: Vec<(usize, usize, &str)> = set
        .rules
        .iter()
        .filter_map(|r| match &r.body {
            RuleBody::Unlock {
                module, requires, ..
            } => Some((r, module, requires)),
            _ => None,
        })
        .flat_map(|(r, module, requires)| {
            requires
                .iter()
                .filter_map(move |req| Some((resolve(req)?, resolve(module)?, r.id.as_str())))
        })
        .collect();
    if let Some(cycle) = find_cycle(&unlocks) {
        let names: Vec<String> = cycle
            .iter()
            .map(|&i| format!("“{}”", c.modules[i].title))
            .collect();
        out.push(finding(
            C::UnreachableByRules,
            Severity::Error,
            cycle[..cycle.len() - 1].iter().map(|&i| c.modules[i].id.clone()).collect(),
            format!("Unlock rules wait on each other in a loop: {}; none of these modules can ever open.", names.join(" → ")),
            "Remove one requirement of the loop.",
        ));
    }
    out
}

/// Reengagement twice means every idle learner is nagged twice.
fn nags(set: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    let nags: Vec<&str> = set
        .rules
        .iter()
        .filter(|r| matches!(r.body, RuleBody::Reengagement { .. }))
        .map(|r| r.id.as_str())
        .collect();
    if nags.len() > 1 {
        out.push(finding(
            C::NotificationLoop,
            Severity::Warning,
            nags.iter().map(|s| s.to_string()).collect(),
            format!(
                "{} re-engagement rules ({}) would each notify the same idle learner.",
                nags.len(),
                nags.join(", ")
            ),
            "Keep one re-engagement rule per track.",
        ));
    }
    out
}

/// Assignment rules that can both match a learner but disagree on the track.
fn assignment_overlaps(set: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    let assignments: Vec<(&str, &crate::Match, &String)> = set
        .rules
        .iter()
        .filter_map(|r| match &r.body {
            RuleBody::Assignment { when, track } => Some((r.id.as_str(), when, track)),
            _ => None,
        })
        .collect();
    for (i, (a, wa, ta)) in assignments.iter().enumerate() {
        for (b, wb, tb) in &assignments[i + 1..] {
            let compatible =
                |x: &Option<String>, y: &Option<String>| x.is_none() || y.is_none() || x == y;
            if ta != tb
                && compatible(&wa.role, &wb.role)
                && compatible(&wa.department, &wb.department)
                && compatible(&wa.location, &wb.location)
            {
                out.push(finding(
                    C::AssignmentOverlap,
                    Severity::Warning,
                    vec![a.to_string(), b.to_string()],
                    format!("Rules {a:?} (track {ta:?}) and {b:?} (track {tb:?}) can both match the same learner."),
                    "Make their conditions exclusive (role, department or location), or merge them.",
                ));
            }
        }
    }
    out
}

/// Overlaps and gaps in a placement rule's bands (whole percent: 0–59 then 60–100 is
/// contiguous).
fn check_bands(rule: &str, bands: &[Band]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut sorted: Vec<&Band> = bands.iter().collect();
    sorted.sort_by(|a, b| a.min.total_cmp(&b.min));
    let gap = |from: f64, to: f64| {
        finding(
            C::BandGap,
            Severity::Error,
            vec![rule.to_owned()],
            format!("Rule {rule:?} places nobody who scores between {from}% and {to}%."),
            "Extend a neighbouring band to cover the gap.",
        )
    };
    match (sorted.first(), sorted.last()) {
        (Some(first), Some(last)) => {
            if first.min > 0.0 {
                out.push(gap(0.0, first.min - 1.0));
            }
            if last.max < 100.0 {
                out.push(gap(last.max + 1.0, 100.0));
            }
        }
        _ => out.push(gap(0.0, 100.0)),
    }
    for w in sorted.windows(2) {
        let (a, b) = (w[0], w[1]);
        if b.min <= a.max {
            out.push(finding(
                C::BandOverlap,
                Severity::Error,
                vec![rule.to_owned()],
                format!(
                    "Rule {rule:?} has overlapping bands {}–{}% and {}–{}%: a score of {}% matches both.",
                    a.min, a.max, b.min, b.max, b.min
                ),
                "Make each band start one point after the previous one ends.",
            ));
        } else if b.min > a.max + 1.0 {
            out.push(gap(a.max + 1.0, b.min - 1.0));
        }
    }
    out
}

/// A cycle in the directed edges (before, after, rule), as node indices, if any.
fn find_cycle(edges: &[(usize, usize, &str)]) -> Option<Vec<usize>> {
    let mut next: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(b, a, _) in edges {
        next.entry(b).or_default().push(a);
    }
    let mut state: HashMap<usize, u8> = HashMap::new(); // 1 = on the path, 2 = done
    let mut starts: Vec<usize> = next.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        if state.contains_key(&start) {
            continue;
        }
        // Iterative DFS keeping the current path.
        let mut path = vec![start];
        let mut iters = vec![0usize];
        state.insert(start, 1);
        while let Some(&node) = path.last() {
            let i = iters.last_mut().expect("parallel to path");
            let children = next.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&child) = children.get(*i) {
                *i += 1;
                match state.get(&child) {
                    Some(1) => {
                        let from = path.iter().position(|&p| p == child).expect("on the path");
                        let mut cycle = path[from..].to_vec();
                        cycle.push(child);
                        return Some(cycle);
                    }
                    Some(_) => {}
                    None => {
                        state.insert(child, 1);
                        path.push(child);
                        iters.push(0);
                    }
                }
            } else {
                state.insert(node, 2);
                path.pop();
                iters.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_found_with_and_without_cycles() {
        let modules: Vec<ModuleInfo> = (0..5)
            .map(|i| ModuleInfo {
                key: format!("m{i}"),
                id: format!("m{i}"),
                title: format!("M{i}"),
                tags: Vec::new(),
            })
            .collect();
        let check = |edges: &[(usize, usize)], from: usize, to: usize, want: bool, why: &str| {
            let c = Curriculum {
                modules: &modules,
                tracks: &[],
                edges,
            };
            assert_eq!(Paths::new(&c).reaches(from, to), want, "{why}");
        };
        let chain = [(0, 1), (1, 2), (2, 3)];
        check(&chain, 0, 3, true, "along a chain");
        check(&chain, 3, 0, false, "never backwards in an acyclic graph");
        check(&chain, 1, 4, false, "not to a module outside the chain");
        check(
            &[(0, 1), (0, 2), (2, 3), (1, 3)],
            2,
            3,
            true,
            "through one branch of a diamond",
        );
        let cyclic = [(0, 1), (1, 2), (2, 0), (2, 3)];
        check(&cyclic, 2, 1, true, "round a cycle (no order to prune by)");
        check(
            &cyclic,
            3,
            0,
            false,
            "not back out of what the cycle leads to",
        );
    }
}
