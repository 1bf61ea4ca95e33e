//! Learning tracks: finding one, and the modules it needs in a valid order with its
//! durations.

use std::collections::HashMap;

use model::{ModuleSummary, Track, TrackPath, TrackStep};

use crate::prerequisites::is_cycle;
use crate::taxonomy::parent_slugs;
use crate::{Error, Project, Result};

impl Project {
    pub fn tracks(&self) -> Result<Vec<Track>> {
        Ok(self.store.tracks()?)
    }

    /// Finds a track by slug, id or exact name.
    pub fn resolve_track(&self, reference: &str) -> Result<Track> {
        self.store
            .tracks()?
            .into_iter()
            .find(|t| t.slug == reference || t.id.as_str() == reference || t.name == reference)
            .ok_or_else(|| Error::UnknownTrack(reference.to_owned()))
    }

    /// The modules `track` needs, in a valid order, with total and critical-path duration.
    /// Refused while the prerequisite graph has a cycle.
    pub fn track_path(&self, track: &Track) -> Result<TrackPath> {
        let (graph, modules, _) = self.graph()?;
        if let Some(cycle) = graph::lint(&graph).into_iter().find(is_cycle) {
            return Err(Error::CyclicGraph(cycle.message));
        }
        let skills = self.store.skills()?;
        let parents = parent_slugs(&skills);
        let data = CurriculumData::new(&modules);
        let path = graph::track_path(&graph, &data.curriculum(&parents), &track.targets);
        let skill_name = |slug: &str| {
            skills
                .iter()
                .find(|s| s.slug == slug)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| slug.to_owned())
        };
        let steps = path
            .steps
            .iter()
            .map(|(i, reason)| TrackStep {
                module: modules[*i].clone(),
                reason: match reason {
                    graph::Reason::Teaches(skill) => format!("teaches {}", skill_name(skill)),
                    graph::Reason::RequiredBy(m) => format!("required by “{}”", modules[*m].title),
                },
            })
            .collect();
        Ok(TrackPath {
            track: track.clone(),
            steps,
            total_minutes: path.total_minutes,
            critical_path_minutes: path.critical_path_minutes,
            critical_path: path
                .critical_path
                .iter()
                .map(|&i| modules[i].id.clone())
                .collect(),
            untaught_targets: path.untaught,
        })
    }
}

/// Per-module columns for the graph crate's curriculum algorithms.
pub(crate) struct CurriculumData {
    minutes: Vec<u32>,
    levels: Vec<Option<model::Level>>,
    tags: Vec<Vec<String>>,
}

impl CurriculumData {
    pub(crate) fn new(modules: &[ModuleSummary]) -> CurriculumData {
        CurriculumData {
            minutes: modules.iter().map(|m| m.duration_minutes).collect(),
            levels: modules.iter().map(|m| m.level).collect(),
            tags: modules.iter().map(|m| m.tags.clone()).collect(),
        }
    }

    pub(crate) fn curriculum<'a>(
        &'a self,
        parents: &'a HashMap<String, String>,
    ) -> graph::Curriculum<'a> {
        graph::Curriculum {
            minutes: &self.minutes,
            levels: &self.levels,
            tags: &self.tags,
            parents,
        }
    }
}
