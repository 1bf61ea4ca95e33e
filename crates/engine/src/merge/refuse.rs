//! What a merge refuses before it writes anything: prerequisites that would close a
//! cycle (modules or skills), and removing a skill the other copy still uses.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::{ModuleId, PrerequisiteEdge, PrerequisiteGroup};

use super::state::State;
use crate::{Error, Project, Result};

impl Project {
    /// Refuses removing skills (theirs removed them, unused there) that ours still uses
    /// once the merge is in: tags, aliases, sub-skills, skill prerequisites or tracks.
    pub(super) fn refuse_removing_used(
        &self,
        removed: &[model::Skill],
        skills: &BTreeMap<model::SkillId, model::Skill>,
        ours: &State,
        skill_edges: &[((model::SkillId, model::SkillId), Option<model::EdgeOrigin>)],
        tracks: &[(model::TrackId, Option<model::Track>)],
        from: &std::path::Path,
    ) -> Result<()> {
        let mut pairs: BTreeSet<(model::SkillId, model::SkillId)> =
            ours.skill_edges.keys().cloned().collect();
        for (pair, origin) in skill_edges {
            match origin {
                Some(_) => pairs.insert(pair.clone()),
                None => pairs.remove(pair),
            };
        }
        let mut final_tracks = ours.tracks.clone();
        for (id, track) in tracks {
            match track {
                Some(t) => final_tracks.insert(id.clone(), t.clone()),
                None => final_tracks.remove(id),
            };
        }
        for skill in removed {
            let snap = self.store.merge_snapshot(skill, &skill.id)?;
            let children = skills
                .values()
                .filter(|s| s.parent_id.as_ref() == Some(&skill.id))
                .count();
            let prerequisites = pairs
                .iter()
                .filter(|(b, a)| *b == skill.id || *a == skill.id)
                .count();
            let in_tracks = final_tracks
                .values()
                .filter(|t| t.targets.iter().any(|x| x.skill == skill.slug))
                .count();
            let uses: Vec<String> = [
                (snap.tags.len(), "tags"),
                (children, "sub-skills"),
                (prerequisites, "skill prerequisites"),
                (snap.aliases.len(), "merged skills"),
                (in_tracks, "tracks"),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
            if !uses.is_empty() {
                return Err(Error::MergeRefused(format!(
                    "{} removed skill “{}”, which this copy still uses ({}) — remove those uses here first, or merge the other way round",
                    from.display(),
                    skill.name,
                    uses.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// Refuses skill prerequisites that, with ours', would make a cycle, naming it.
    pub(super) fn refuse_skill_cycles(
        &self,
        ours: &State,
        changes: &[((model::SkillId, model::SkillId), Option<model::EdgeOrigin>)],
    ) -> Result<()> {
        if changes.iter().all(|(_, o)| o.is_none()) {
            return Ok(());
        }
        let mut pairs: BTreeSet<(model::SkillId, model::SkillId)> =
            ours.skill_edges.keys().cloned().collect();
        for (pair, origin) in changes {
            match origin {
                Some(_) => pairs.insert(pair.clone()),
                None => pairs.remove(pair),
            };
        }
        let skills = self.store.skills()?;
        let index: HashMap<&model::SkillId, usize> =
            skills.iter().enumerate().map(|(i, s)| (&s.id, i)).collect();
        let at = |(b, a): &(model::SkillId, model::SkillId)| Some((*index.get(b)?, *index.get(a)?));
        let names: Vec<String> = skills.iter().map(|s| s.name.clone()).collect();
        let edges: Vec<(usize, usize)> = pairs.iter().filter_map(at).collect();
        let added: Vec<(usize, usize)> = changes
            .iter()
            .filter(|(_, origin)| origin.is_some())
            .filter_map(|(pair, _)| at(pair))
            .collect();
        refuse_cycle(&names, &edges, &added, "skill ")
    }

    /// Refuses `edges` if the edges in `added` close a cycle, naming one; `theirs` names
    /// the modules ours does not hold yet.
    pub(super) fn refuse_cycles(
        &self,
        theirs: &Project,
        edges: &HashMap<(ModuleId, ModuleId), PrerequisiteEdge>,
        added: &BTreeSet<(ModuleId, ModuleId)>,
    ) -> Result<()> {
        // Ours' modules, and those of libraries only theirs holds.
        let mut modules = self.store.module_summaries()?;
        let known: std::collections::HashSet<ModuleId> =
            modules.iter().map(|m| m.id.clone()).collect();
        modules.extend(
            theirs
                .store
                .module_summaries()?
                .into_iter()
                .filter(|m| !known.contains(&m.id)),
        );
        let index: HashMap<&ModuleId, usize> = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (&m.id, i))
            .collect();
        let at = |(b, a): &(ModuleId, ModuleId)| Some((*index.get(b)?, *index.get(a)?));
        let names: Vec<String> = modules.iter().map(|m| m.title.clone()).collect();
        let all: Vec<(usize, usize)> = edges.keys().filter_map(at).collect();
        let added: Vec<(usize, usize)> = added.iter().filter_map(at).collect();
        refuse_cycle(&names, &all, &added, "")
    }
}

/// Refuses `edges` (between the nodes `names`, by index) if they make a cycle, naming one
/// that an edge of `added` closes; `what` says which prerequisites ("", "skill ").
fn refuse_cycle(
    names: &[String],
    edges: &[(usize, usize)],
    added: &[(usize, usize)],
    what: &str,
) -> Result<()> {
    let nodes: Vec<graph::Node> = names
        .iter()
        .enumerate()
        .map(|(i, name)| graph::Node {
            id: i.to_string(),
            name: name.clone(),
        })
        .collect();
    let edge = |&(before, after): &(usize, usize)| graph::Edge {
        before,
        after,
        group: PrerequisiteGroup::AllOf,
    };
    let all: Vec<graph::Edge> = edges.iter().map(edge).collect();
    if graph::Graph::new(nodes.clone(), &all).depths().is_some() {
        return Ok(());
    }
    for e in added {
        let others: Vec<graph::Edge> = edges.iter().filter(|x| *x != e).map(edge).collect();
        let g = graph::Graph::new(nodes.clone(), &others);
        if let Some(cycle) = g.cycle_if_added(e.0, e.1) {
            return Err(Error::Cycle {
                edit: format!("merging their {what}“{}” → “{}”", names[e.0], names[e.1]),
                cycle: g.describe(&cycle),
            });
        }
    }
    Err(Error::CyclicGraph(format!(
        "the merged {what}prerequisites would form a cycle"
    )))
}
