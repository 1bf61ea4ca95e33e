//! The simulator's view of a curriculum, built once for all the runs on it: modules with
//! their skills by index and whether rules score or place with them, and each track's path
//! (its support modules marked) — or, without tracks, the whole catalogue in prerequisite
//! order.

use curriculum::Curriculum;
use model::{Bkt, Cohort};

use crate::{Input, SimModule, SimTrack};

/// A curriculum ready to simulate.
#[derive(Debug)]
pub struct Prepared {
    modules: Vec<SimModule>,
    tracks: Vec<SimTrack>,
    /// Skill slugs, sorted: skill index `i` is `skills[i]`.
    skills: Vec<String>,
    context: curriculum::RuleContext,
}

/// The prerequisite graph has a cycle, so tracks have no valid order (its message names
/// the cycle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cyclic(pub String);

impl Prepared {
    pub fn new(c: &Curriculum) -> Result<Prepared, Cyclic> {
        let mut skills: Vec<String> = c
            .modules
            .iter()
            .flat_map(|m| m.skills.iter().cloned())
            .collect();
        skills.sort_unstable();
        skills.dedup();
        let (mut scored, mut placing) = (Vec::new(), Vec::new());
        for r in &c.rules.rules {
            match &r.body {
                rules::RuleBody::Placement { assessment, .. } => placing.push(assessment.as_str()),
                rules::RuleBody::Remediation { assessment, .. } => scored.push(assessment.as_str()),
                rules::RuleBody::CertificationReadiness { min_scores, .. } => {
                    scored.extend(min_scores.iter().map(|m| m.module.as_str()))
                }
                _ => {}
            }
        }
        let modules = c
            .modules
            .iter()
            .map(|m| {
                let key = m.key.as_str();
                SimModule {
                    key: m.key.clone(),
                    title: m.title.clone(),
                    minutes: m.minutes,
                    skills: m
                        .skills
                        .iter()
                        .filter_map(|t| skills.binary_search(t).ok())
                        .collect(),
                    assessment: scored.contains(&key) || placing.contains(&key),
                    placement: placing.contains(&key),
                }
            })
            .collect();
        Ok(Prepared {
            modules,
            tracks: tracks(c)?,
            skills,
            context: c.rule_context(),
        })
    }

    /// Skill slugs by skill index.
    pub fn skills(&self) -> &[String] {
        &self.skills
    }

    /// Runs `f` on the simulator's input for `rules` (the curriculum's own, or another
    /// set on the same modules), `cohort` and per-skill BKT parameters (by
    /// [`Prepared::skills`] index; empty: the cohort's everywhere).
    pub fn with_input<T>(
        &self,
        rules: &rules::RuleSet,
        cohort: &Cohort,
        skill_bkt: &[Option<Bkt>],
        f: impl FnOnce(&Input<'_>) -> T,
    ) -> T {
        let curriculum = self.context.view();
        f(&Input {
            modules: &self.modules,
            tracks: &self.tracks,
            skills: self.skills.len(),
            rules,
            curriculum: &curriculum,
            cohort,
            skill_bkt,
            pass_mark: rules::DEFAULT_PASS_MARK,
        })
    }
}

/// Each track's path by module index (on one graph for all of them); without tracks (a
/// catalog import), the whole catalogue in prerequisite order, which a cycle does not stop.
fn tracks(c: &Curriculum) -> Result<Vec<SimTrack>, Cyclic> {
    let g = c.graph();
    if !c.tracks.is_empty() {
        if let Some(cycle) = graph::lint(&g).into_iter().find(graph::is_cycle) {
            return Err(Cyclic(cycle.message));
        }
    }
    let columns = c.columns();
    let mut tracks: Vec<SimTrack> = c
        .tracks
        .iter()
        .map(|t| {
            let steps = graph::track_path(&g, &columns.view(), &t.targets).steps;
            SimTrack {
                slug: t.slug.clone(),
                name: t.name.clone(),
                path: steps.iter().map(|s| s.0).collect(),
                support: steps
                    .iter()
                    .filter(|s| matches!(s.1, graph::Reason::RequiredBy(_)))
                    .map(|s| s.0)
                    .collect(),
            }
        })
        .collect();
    if tracks.is_empty() && !c.modules.is_empty() {
        tracks.push(SimTrack {
            slug: "all-modules".to_owned(),
            name: "Every module".to_owned(),
            path: c.order(),
            support: Vec::new(),
        });
    }
    Ok(tracks)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use curriculum::{Curriculum, EdgeById, Module, Track};
    use model::{PrerequisiteGroup, TrackTarget};

    use super::*;

    fn module(key: &str, skills: &[&str]) -> Module {
        Module {
            id: key.to_owned(),
            key: key.to_owned(),
            title: key.to_owned(),
            library: String::new(),
            minutes: 10,
            level: None,
            skills: skills.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// pre → basics → quiz → final; "extra" is a prerequisite of final only.
    fn curriculum(tracks: bool, cyclic: bool) -> Curriculum {
        let rules = serde_json::from_str(
            r#"{"schema": "pathforge.rules/v1", "rules": [
            {"id": "place", "kind": "placement", "explanation": "Place", "assessment": "pre.md",
             "bands": [{"min": 0, "max": 100, "skip": ["basics.md"]}]},
            {"id": "fix", "kind": "remediation", "explanation": "Review", "assessment": "quiz.md",
             "below": 70, "assign": ["basics.md"], "retake_after_days": 1}
        ]}"#,
        )
        .expect("a valid rule set");
        let mut edges = vec![
            ("pre.md", "basics.md"),
            ("basics.md", "quiz.md"),
            ("quiz.md", "final.md"),
            ("extra.md", "final.md"),
        ];
        if cyclic {
            edges.push(("final.md", "pre.md"));
        }
        Curriculum::new(
            vec![
                module("pre.md", &[]),
                module("basics.md", &["y"]),
                module("quiz.md", &["y"]),
                module("final.md", &["z"]),
                module("extra.md", &["x"]),
            ],
            edges.iter().map(|(b, a)| EdgeById {
                before: b,
                after: a,
                group: PrerequisiteGroup::AllOf,
            }),
            match tracks {
                true => vec![Track {
                    slug: "t".to_owned(),
                    name: "T".to_owned(),
                    targets: vec![TrackTarget {
                        skill: "z".to_owned(),
                        level: None,
                    }],
                }],
                false => Vec::new(),
            },
            HashMap::new(),
            rules,
        )
        .expect("every edge names a module")
    }

    #[test]
    fn marks_what_rules_score_and_place_and_what_is_only_support() {
        let p = Prepared::new(&curriculum(true, false)).expect("acyclic");
        assert_eq!(
            p.skills(),
            ["x", "y", "z"],
            "skills by index, sorted by slug"
        );
        let check = |key: &str, assessment: bool, placement: bool, skills: &[usize]| {
            let m = p
                .modules
                .iter()
                .find(|m| m.key == key)
                .expect("every module");
            assert_eq!(
                (m.assessment, m.placement, m.skills.as_slice()),
                (assessment, placement, skills),
                "{key}: scored by a rule, placing, and its skills by index"
            );
        };
        check("pre.md", true, true, &[]);
        check("quiz.md", true, false, &[1]);
        check("basics.md", false, false, &[1]);
        check("final.md", false, false, &[2]);
        let t = &p.tracks[0];
        assert_eq!(
            t.path,
            [0, 1, 2, 4, 3],
            "the path to z: its prerequisites first"
        );
        assert_eq!(
            t.support,
            [0, 1, 2, 4],
            "everything but final is there only because final requires it"
        );
    }

    #[test]
    fn a_cycle_stops_tracks_but_not_a_catalogue_walk() {
        let err = Prepared::new(&curriculum(true, true)).expect_err("tracks need an order");
        assert!(err.0.contains("pre.md"), "the cycle is named: {}", err.0);
        let p = Prepared::new(&curriculum(false, true)).expect("a catalogue walk has an order");
        assert_eq!(
            p.tracks[0].slug, "all-modules",
            "without tracks, the whole catalogue"
        );
        assert_eq!(p.tracks[0].path.len(), 5, "every module, cycle or not");
    }
}
