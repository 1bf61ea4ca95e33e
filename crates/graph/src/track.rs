//! Tracks: from target skills to the modules a learner needs, in a valid order, with total
//! and critical-path duration; and the linter's checks of tracks and the taxonomy.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use model::{Finding, FindingCode, Level, PrerequisiteGroup, Severity, TrackTarget};

use crate::Graph;

/// What a track computation needs to know of each module (by node index) and the taxonomy.
#[derive(Debug)]
pub struct Curriculum<'a> {
    pub minutes: &'a [u32],
    pub levels: &'a [Option<Level>],
    /// Skill slugs each module teaches.
    pub tags: &'a [Vec<String>],
    /// Skill slug → parent slug.
    pub parents: &'a HashMap<String, String>,
}

/// Why a module is on a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// It teaches this target skill (or a skill under it).
    Teaches(String),
    /// It is a prerequisite of this module (node index).
    RequiredBy(usize),
}

/// A track's path by node index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub steps: Vec<(usize, Reason)>,
    pub total_minutes: u32,
    pub critical_path_minutes: u32,
    pub critical_path: Vec<usize>,
    /// Target skills no module teaches at the target level.
    pub untaught: Vec<String>,
}

impl Curriculum<'_> {
    /// Whether `skill` is `target` or lies under it in the taxonomy.
    fn within(&self, skill: &str, target: &str) -> bool {
        let mut at = Some(skill);
        for _ in 0..=self.parents.len() {
            match at {
                Some(s) if s == target => return true,
                Some(s) => at = self.parents.get(s).map(String::as_str),
                None => return false,
            }
        }
        false
    }

    /// Every skill some module teaches, itself or through a skill under it, with those
    /// modules in index order. Built once per check: a walk up the taxonomy from each tag
    /// that stops where the same module has been recorded already, so its cost is the
    /// number of (module, skill) pairs it records, not skills × tags.
    fn teachers(&self) -> HashMap<&str, Vec<usize>> {
        let mut out: HashMap<&str, Vec<usize>> = HashMap::new();
        for (m, tags) in self.tags.iter().enumerate() {
            for tag in tags {
                let mut at = Some(tag.as_str());
                while let Some(s) = at {
                    let modules = out.entry(s).or_default();
                    if modules.last() == Some(&m) {
                        break; // this skill and everything above it already hold `m`
                    }
                    modules.push(m);
                    at = self.parents.get(s).map(String::as_str);
                }
            }
        }
        out
    }

    fn teaches(&self, module: usize, target: &TrackTarget) -> bool {
        let level_ok = match (self.levels[module], target.level) {
            (Some(m), Some(t)) => m <= t,
            _ => true,
        };
        level_ok
            && self.tags[module]
                .iter()
                .any(|s| self.within(s, &target.skill))
    }
}

/// The modules a track needs and a valid order for them. The graph must be acyclic
/// (callers check the linter first). For any-of and n-of requirements not already met by
/// modules on the path, the shortest alternatives are chosen.
pub fn track_path(graph: &Graph, c: &Curriculum<'_>, targets: &[TrackTarget]) -> Path {
    let g = &graph.g;
    let n = g.node_count();
    let mut reason: Vec<Option<Reason>> = vec![None; n];
    // Lowest library position first, so "required by" names the earliest module needing it.
    let mut work = BinaryHeap::new();
    let mut untaught = Vec::new();
    for t in targets {
        let mut any = false;
        for (m, why) in reason.iter_mut().enumerate() {
            if c.teaches(m, t) {
                any = true;
                if why.is_none() {
                    *why = Some(Reason::Teaches(t.skill.clone()));
                    work.push(Reverse(m));
                }
            }
        }
        if !any {
            untaught.push(t.skill.clone());
        }
    }
    while let Some(Reverse(m)) = work.pop() {
        let incoming: Vec<(usize, PrerequisiteGroup)> = g
            .edges_directed(NodeIndex::new(m), Direction::Incoming)
            .map(|e| (e.source().index(), *e.weight()))
            .collect();
        let Some(&(_, first)) = incoming.first() else {
            continue;
        };
        let mixed = incoming.iter().any(|&(_, gr)| gr != first);
        let needed = match first {
            _ if mixed => incoming.len(),
            PrerequisiteGroup::AllOf => incoming.len(),
            PrerequisiteGroup::AnyOf => 1,
            PrerequisiteGroup::NOf { n } => n as usize,
        };
        let met = incoming
            .iter()
            .filter(|(p, _)| reason[*p].is_some())
            .count();
        let mut options: Vec<usize> = incoming
            .iter()
            .map(|&(p, _)| p)
            .filter(|&p| reason[p].is_none())
            .collect();
        options.sort_by_key(|&p| (c.minutes[p], p));
        for p in options.into_iter().take(needed.saturating_sub(met)) {
            reason[p] = Some(Reason::RequiredBy(m));
            work.push(Reverse(p));
        }
    }

    // A valid order of the chosen modules; then each one's earliest finish, and which
    // prerequisite it waited for longest (the critical path runs back through those).
    let chosen: Vec<bool> = reason.iter().map(Option::is_some).collect();
    let order = graph.order_within(&chosen);
    let mut finish = vec![0u32; n];
    let mut via = vec![usize::MAX; n];
    for &m in &order {
        finish[m] += c.minutes[m];
        for e in g.edges_directed(NodeIndex::new(m), Direction::Outgoing) {
            let w = e.target().index();
            if chosen[w] && finish[m] > finish[w] {
                finish[w] = finish[m];
                via[w] = m;
            }
        }
    }
    let end = order
        .iter()
        .copied()
        .max_by_key(|&m| (finish[m], Reverse(m)));
    let mut critical_path = Vec::new();
    let mut at = end;
    while let Some(m) = at {
        critical_path.push(m);
        at = (via[m] != usize::MAX).then_some(via[m]);
    }
    critical_path.reverse();
    Path {
        total_minutes: order.iter().map(|&m| c.minutes[m]).sum(),
        critical_path_minutes: end.map(|m| finish[m]).unwrap_or(0),
        critical_path,
        steps: order
            .into_iter()
            .map(|m| (m, reason[m].clone().expect("chosen")))
            .collect(),
        untaught,
    }
}

/// The modules teaching `slug` (in index order) in an index from [`Curriculum::teachers`].
fn teachers_of<'t>(taught: &'t HashMap<&str, Vec<usize>>, slug: &str) -> &'t [usize] {
    taught.get(slug).map(Vec::as_slice).unwrap_or_default()
}

/// A track as the linter sees it.
#[derive(Debug)]
pub struct TrackSpec<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub targets: &'a [TrackTarget],
}

/// A skill as the linter sees it.
#[derive(Debug)]
pub struct SkillSpec<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
}

/// Critical paths longer than this are flagged (40 hours of study one after another).
pub const LONG_CRITICAL_PATH_MINUTES: u32 = 40 * 60;

/// Findings about tracks and the taxonomy. The graph must be acyclic.
pub fn lint_curriculum(
    graph: &Graph,
    c: &Curriculum<'_>,
    skills: &[SkillSpec<'_>],
    tracks: &[TrackSpec<'_>],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let names: HashMap<&str, &str> = skills.iter().map(|k| (k.slug, k.name)).collect();
    for t in tracks {
        let path = track_path(graph, c, t.targets);
        let named = |slugs: &[String]| {
            slugs
                .iter()
                .map(|s| names.get(s.as_str()).copied().unwrap_or(s))
                .map(|s| format!("“{s}”"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if path.steps.is_empty() {
            out.push(Finding {
                code: FindingCode::TrackWithoutPath,
                severity: Severity::Error,
                objects: vec![t.id.to_owned()],
                message: format!(
                    "Track “{}” has no path: no module teaches {} at the target level.",
                    t.name,
                    named(&path.untaught)
                ),
                fix: "Tag modules with the track's target skills, or change its targets or levels."
                    .to_owned(),
            });
            continue;
        }
        if !path.untaught.is_empty() {
            out.push(Finding {
                code: FindingCode::UntaughtSkill,
                severity: Severity::Warning,
                objects: vec![t.id.to_owned()],
                message: format!(
                    "Track “{}” aims at {}, which no module teaches at the target level.",
                    t.name,
                    named(&path.untaught)
                ),
                fix: "Tag or add modules for those skills, or drop them from the track.".to_owned(),
            });
        }
        if path.critical_path_minutes > LONG_CRITICAL_PATH_MINUTES {
            out.push(Finding {
                code: FindingCode::LongCriticalPath,
                severity: Severity::Warning,
                objects: vec![t.id.to_owned()],
                message: format!(
                    "Track “{}” has a critical path of {} h {:02} min ({} modules one after another), over the {} h guideline.",
                    t.name,
                    path.critical_path_minutes / 60,
                    path.critical_path_minutes % 60,
                    path.critical_path.len(),
                    LONG_CRITICAL_PATH_MINUTES / 60
                ),
                fix: "Drop prerequisites that are not truly needed so modules can be taken in parallel, or split the track.".to_owned(),
            });
        }
    }
    let taught = c.teachers();
    let groups: HashSet<&str> = c.parents.values().map(String::as_str).collect();
    let targets: HashSet<&str> = tracks
        .iter()
        .flat_map(|t| t.targets)
        .map(|t| t.skill.as_str())
        .collect();
    let teaches = |slug: &str| taught.contains_key(slug);
    let has_parent = |slug: &str| c.parents.contains_key(slug);
    let has_children = |slug: &str| groups.contains(slug);
    let targeted = |slug: &str| targets.contains(slug);
    for s in skills {
        if teaches(s.slug) {
            continue;
        }
        let (code, severity, message, fix) = if !has_parent(s.slug)
            && !has_children(s.slug)
            && !targeted(s.slug)
        {
            (
                FindingCode::OrphanSkill,
                Severity::Info,
                format!("Skill “{}” stands alone: no parent, no sub-skills, no module teaches it and no track aims at it.", s.name),
                "Place it in the taxonomy and tag the modules that teach it, or retire it.",
            )
        } else if !has_children(s.slug) {
            (
                FindingCode::UntaughtSkill,
                Severity::Warning,
                format!("Skill “{}” is taught by no module.", s.name),
                "Tag the modules that teach it, or add one.",
            )
        } else {
            continue; // a group whose sub-skills are reported one by one
        };
        out.push(Finding {
            code,
            severity,
            objects: vec![s.id.to_owned()],
            message,
            fix: fix.to_owned(),
        });
    }
    out
}

/// Skill prerequisites (`before` → `after`, indices into the skill list) checked on their
/// own — cycles, and edges a longer chain already implies — and against the modules:
/// skills required but taught by nothing, and modules placed before everything that
/// teaches what they need.
pub fn lint_skills(
    graph: &Graph,
    c: &Curriculum<'_>,
    skills: &[SkillSpec<'_>],
    requires: &[(usize, usize)],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let skill_graph = Graph::new(
        skills
            .iter()
            .map(|s| crate::Node {
                id: s.id.to_owned(),
                name: s.name.to_owned(),
            })
            .collect(),
        &requires
            .iter()
            .map(|&(b, a)| crate::Edge {
                before: b,
                after: a,
                group: PrerequisiteGroup::AllOf,
            })
            .collect::<Vec<_>>(),
    );
    let mut cyclic = vec![false; skills.len()];
    let mut loops: Vec<Vec<usize>> = requires
        .iter()
        .filter(|(b, a)| b == a)
        .map(|&(b, _)| vec![b, b])
        .collect();
    loops.extend(crate::lint::cycles(&skill_graph));
    for cycle in loops {
        for &i in &cycle {
            cyclic[i] = true;
        }
        out.push(Finding {
            code: FindingCode::SkillCycle,
            severity: Severity::Error,
            objects: cycle[..cycle.len() - 1]
                .iter()
                .map(|&i| skills[i].id.to_owned())
                .collect(),
            message: format!(
                "Skill prerequisite cycle: {}; none of these skills can be learnt first.",
                skill_graph.describe(&cycle)
            ),
            fix: "Remove one of these skill prerequisites.".to_owned(),
        });
    }
    // What the module linter finds of module edges, of skill edges: one a longer chain of
    // skill prerequisites already implies (cycles were named above; their edges are skipped).
    out.extend(crate::lint::redundant(&skill_graph).into_iter().map(|f| {
        Finding {
            code: FindingCode::RedundantSkillEdge,
            message: format!("Skill prerequisite {}", f.message),
            fix: f
                .fix
                .replace("the direct prerequisite", "the direct skill prerequisite"),
            ..f
        }
    }));
    let taught = c.teachers();
    let teachers = |s: usize| teachers_of(&taught, skills[s].slug);
    for &(x, y) in requires {
        if x == y || cyclic[x] || cyclic[y] {
            continue;
        }
        let (tx, ty) = (teachers(x), teachers(y));
        let Some(&first) = ty.first() else { continue };
        if tx.is_empty() {
            out.push(Finding {
                code: FindingCode::RequiresUntaughtSkill,
                severity: Severity::Warning,
                objects: std::iter::once(graph.nodes[first].id.clone())
                    .chain([skills[x].id.to_owned()])
                    .collect(),
                message: format!(
                    "{} teaches “{}”, which requires “{}”, but no module teaches “{}”.",
                    graph.describe(&[first]),
                    skills[y].name,
                    skills[x].name,
                    skills[x].name
                ),
                fix: format!(
                    "Tag or add a module that teaches “{}”, or drop the skill prerequisite.",
                    skills[x].name
                ),
            });
            continue;
        }
        for &b in ty {
            if tx.binary_search(&b).is_ok() {
                continue;
            }
            let after_b = graph.descendants(b);
            if tx.iter().all(|t| after_b.contains(t)) {
                out.push(Finding {
                    code: FindingCode::SkillOrderViolated,
                    severity: Severity::Warning,
                    objects: vec![graph.nodes[b].id.clone(), graph.nodes[tx[0]].id.clone()],
                    message: format!(
                        "{} teaches “{}”, which requires “{}”, but every module teaching “{}” comes after it (e.g. {}).",
                        graph.describe(&[b]),
                        skills[y].name,
                        skills[x].name,
                        skills[x].name,
                        graph.describe(&[tx[0]])
                    ),
                    fix: "Reorder the prerequisites so a module teaching the required skill comes first.".to_owned(),
                });
            }
        }
    }
    out
}

/// Module orders implied by skill prerequisites and not yet in the graph either way:
/// (before, after, required skill, skill taught) for every module teaching the required
/// skill and every module teaching the one that needs it.
pub fn derived_edges(
    graph: &Graph,
    c: &Curriculum<'_>,
    skills: &[SkillSpec<'_>],
    requires: &[(usize, usize)],
) -> Vec<(usize, usize, usize, usize)> {
    let taught = c.teachers();
    let teachers = |s: usize| teachers_of(&taught, skills[s].slug);
    let mut below: HashMap<usize, HashSet<usize>> = HashMap::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut out = Vec::new();
    for &(x, y) in requires.iter().filter(|(x, y)| x != y) {
        let (tx, ty) = (teachers(x), teachers(y));
        for &b in ty.iter().filter(|b| tx.binary_search(b).is_err()) {
            for &a in tx.iter().filter(|&&a| a != b) {
                let connected = below
                    .entry(a)
                    .or_insert_with(|| graph.descendants(a))
                    .contains(&b)
                    || below
                        .entry(b)
                        .or_insert_with(|| graph.descendants(b))
                        .contains(&a);
                if !connected && seen.insert((a, b)) {
                    out.push((a, b, x, y));
                }
            }
        }
    }
    // Library order, whatever order the skill prerequisites came in.
    out.sort_unstable_by_key(|&(a, b, _, _)| (b, a));
    out
}
