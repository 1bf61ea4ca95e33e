//! `graph.json`: the curriculum as a bundle carries it, by module path. Written by
//! [`crate::Curriculum::graph_doc`]; read back into a curriculum by
//! [`GraphDoc::into_curriculum`]; compared by `bundle::diff`.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::{Curriculum, EdgeById, Error, Module, Track};

/// `graph.json`: the curriculum a bundle's rules run on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphDoc {
    pub modules: Vec<GraphModule>,
    /// (before, after) by module path.
    pub edges: Vec<(String, String)>,
    pub tracks: Vec<GraphTrack>,
    /// How the edges into a module combine, by module path, where it is not all-of
    /// (absent in bundles written before it was added: all-of everywhere).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requirements: BTreeMap<String, model::PrerequisiteGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphModule {
    pub path: String,
    pub title: String,
    pub duration_minutes: u32,
    pub skills: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<model::Level>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphTrack {
    pub slug: String,
    pub name: String,
    pub targets: Vec<model::TrackTarget>,
}

impl GraphDoc {
    /// The curriculum this document describes (modules keyed and identified by path).
    pub fn into_curriculum(
        self,
        parents: HashMap<String, String>,
        rules: rules::RuleSet,
    ) -> Result<Curriculum, Error> {
        let requirements = &self.requirements;
        let edges = self.edges.iter().map(|(before, after)| EdgeById {
            before,
            after,
            group: requirements
                .get(after)
                .copied()
                .unwrap_or(model::PrerequisiteGroup::AllOf),
        });
        let modules = self
            .modules
            .iter()
            .map(|m| Module {
                id: m.path.clone(),
                key: m.path.clone(),
                title: m.title.clone(),
                library: String::new(),
                minutes: m.duration_minutes,
                level: m.level,
                skills: m.skills.clone(),
            })
            .collect();
        let tracks = self
            .tracks
            .iter()
            .map(|t| Track {
                slug: t.slug.clone(),
                name: t.name.clone(),
                targets: t.targets.clone(),
            })
            .collect();
        Curriculum::new(modules, edges, tracks, parents, rules)
    }
}
