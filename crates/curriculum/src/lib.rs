//! One curriculum, one shape: the modules, prerequisite edges, tracks, skill tree and rules
//! of a project (or of a signed bundle) at one moment, indexed once. The engine builds it
//! from the store or from a bundle's files; the graph checks, track paths, the simulator,
//! the LMS export and the bundle's `graph.json` are all read from it, through the views
//! below, so no stage rebuilds its own copy or its own module index.
//!
//! `graph` and `rules` stay pure algorithms over plain indices and slices; this crate is
//! where those slices come from.

mod doc;

use std::collections::{BTreeMap, HashMap};

use model::{Level, PrerequisiteGroup, TrackTarget};

pub use doc::{GraphDoc, GraphModule, GraphTrack};

/// A module as every later stage sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// The module's id in its project (a bundle has none but the key, so it uses that).
    pub id: String,
    /// Its path in its library: the key rules and exports use.
    pub key: String,
    pub title: String,
    /// The name of its library, to tell apart in words two modules of one title and path
    /// (the same course imported twice); empty in a bundle, which has one.
    pub library: String,
    pub minutes: u32,
    pub level: Option<Level>,
    /// Skill slugs it teaches: declared tags, then accepted ones.
    pub skills: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub slug: String,
    pub name: String,
    pub targets: Vec<TrackTarget>,
}

/// The curriculum: modules in the project's order, edges by index into them.
#[derive(Debug, Clone)]
pub struct Curriculum {
    pub modules: Vec<Module>,
    /// Prerequisite edges in the order the project keeps them.
    pub edges: Vec<graph::Edge>,
    pub tracks: Vec<Track>,
    /// Skill slug → its parent's slug.
    pub parents: HashMap<String, String>,
    /// The whole rule set, graph-derived unlocks included.
    pub rules: rules::RuleSet,
    by_key: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
}

/// Why a curriculum could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the prerequisite {before} → {after} names a module the curriculum does not list")]
    UnknownModule { before: String, after: String },
    #[error("{file}: {reason}")]
    Bundle { file: String, reason: String },
}

impl Error {
    pub fn kind(&self) -> model::ErrorKind {
        model::ErrorKind::BadInput
    }
}

/// A prerequisite by module id, as the store keeps it.
#[derive(Debug, Clone, Copy)]
pub struct EdgeById<'a> {
    pub before: &'a str,
    pub after: &'a str,
    pub group: PrerequisiteGroup,
}

impl Curriculum {
    /// The curriculum of `modules`, with `edges` between them by module id.
    pub fn new<'a>(
        modules: Vec<Module>,
        edges: impl IntoIterator<Item = EdgeById<'a>>,
        tracks: Vec<Track>,
        parents: HashMap<String, String>,
        rules: rules::RuleSet,
    ) -> Result<Curriculum, Error> {
        let by_id: HashMap<String, usize> = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        let by_key = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.key.clone(), i))
            .collect();
        let edges = edges
            .into_iter()
            .map(|e| match (by_id.get(e.before), by_id.get(e.after)) {
                (Some(&before), Some(&after)) => Ok(graph::Edge {
                    before,
                    after,
                    group: e.group,
                }),
                _ => Err(Error::UnknownModule {
                    before: e.before.to_owned(),
                    after: e.after.to_owned(),
                }),
            })
            .collect::<Result<_, _>>()?;
        Ok(Curriculum {
            modules,
            edges,
            tracks,
            parents,
            rules,
            by_key,
            by_id,
        })
    }

    /// The index of the module whose library path is `key`.
    pub fn by_key(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }

    /// The index of the module whose id is `id`.
    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Prerequisites as (before, after) index pairs.
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        self.edges.iter().map(|e| (e.before, e.after)).collect()
    }

    /// The prerequisite graph, nodes named by module id and title.
    /// The prerequisite graph, each node named by its module's title for the linter's
    /// words; a title two modules share (two libraries' "Etiquette Quiz") is followed by
    /// the module's library path, and a path they share too by its library's name, or the
    /// findings would name two modules alike.
    pub fn graph(&self) -> graph::Graph {
        let mut titles: HashMap<&str, usize> = HashMap::new();
        let mut paths: HashMap<(&str, &str), usize> = HashMap::new();
        for m in &self.modules {
            *titles.entry(m.title.as_str()).or_default() += 1;
            *paths.entry((m.title.as_str(), m.key.as_str())).or_default() += 1;
        }
        let nodes = self
            .modules
            .iter()
            .map(|m| graph::Node {
                id: m.id.clone(),
                name: match (
                    titles[m.title.as_str()],
                    paths[&(m.title.as_str(), m.key.as_str())],
                ) {
                    (1, _) => m.title.clone(),
                    (_, 1) => format!("{} ({})", m.title, m.key),
                    _ => format!("{} ({} in {})", m.title, m.key, m.library),
                },
            })
            .collect();
        graph::Graph::new(nodes, &self.edges)
    }

    /// Every module after its prerequisites ([`graph::order`]).
    pub fn order(&self) -> Vec<usize> {
        graph::order(self.modules.len(), &self.pairs())
    }

    /// The per-module columns track paths and the curriculum linter read.
    pub fn columns(&self) -> Columns<'_> {
        Columns {
            minutes: self.modules.iter().map(|m| m.minutes).collect(),
            levels: self.modules.iter().map(|m| m.level).collect(),
            tags: self.modules.iter().map(|m| m.skills.clone()).collect(),
            parents: &self.parents,
        }
    }

    /// Modules, track slugs and index pairs as the rule checker and runtime read them.
    pub fn rule_context(&self) -> RuleContext {
        RuleContext {
            modules: self
                .modules
                .iter()
                .map(|m| rules::ModuleInfo {
                    key: m.key.clone(),
                    id: m.id.clone(),
                    title: m.title.clone(),
                    tags: m.skills.clone(),
                })
                .collect(),
            tracks: self.tracks.iter().map(|t| t.slug.clone()).collect(),
            edges: self.pairs(),
        }
    }

    /// The curriculum as a bundle carries it (`graph.json`).
    pub fn graph_doc(&self) -> GraphDoc {
        let key = |i: usize| self.modules[i].key.clone();
        GraphDoc {
            edges: self
                .edges
                .iter()
                .map(|e| (key(e.before), key(e.after)))
                .collect(),
            requirements: self
                .edges
                .iter()
                .filter(|e| e.group != PrerequisiteGroup::AllOf)
                .map(|e| (key(e.after), e.group))
                .collect(),
            modules: self
                .modules
                .iter()
                .map(|m| GraphModule {
                    path: m.key.clone(),
                    title: m.title.clone(),
                    duration_minutes: m.minutes,
                    skills: m.skills.clone(),
                    level: m.level,
                })
                .collect(),
            tracks: self
                .tracks
                .iter()
                .map(|t| GraphTrack {
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    targets: t.targets.clone(),
                })
                .collect(),
        }
    }

    /// The curriculum and rules a bundle carries, from its files (`graph.json`,
    /// `rules.json`, `taxonomy.case.json`), whose hashes and signature the caller checked.
    pub fn from_bundle(files: &BTreeMap<String, Vec<u8>>) -> Result<Curriculum, Error> {
        let file = |name: &str| {
            files.get(name).ok_or_else(|| Error::Bundle {
                file: name.to_owned(),
                reason: "the bundle has no such file".to_owned(),
            })
        };
        let bad = |name: &str, reason: String| Error::Bundle {
            file: name.to_owned(),
            reason,
        };
        let doc: GraphDoc = serde_json::from_slice(file("graph.json")?)
            .map_err(|e| bad("graph.json", e.to_string()))?;
        let rules: rules::RuleSet = serde_json::from_slice(file("rules.json")?)
            .map_err(|e| bad("rules.json", e.to_string()))?;
        let case = String::from_utf8_lossy(file("taxonomy.case.json")?).into_owned();
        let framework = exchange::case_import(std::path::Path::new("taxonomy.case.json"), &case)
            .map_err(|e| bad("taxonomy.case.json", e.to_string()))?;
        let parents = framework
            .skills
            .iter()
            .filter_map(|s| Some((s.slug.clone(), s.parent.clone()?)))
            .collect();
        doc.into_curriculum(parents, rules)
            .map_err(|e| bad("graph.json", e.to_string()))
    }
}

/// Per-module columns for [`graph::track_path`] and [`graph::lint_curriculum`].
#[derive(Debug)]
pub struct Columns<'a> {
    minutes: Vec<u32>,
    levels: Vec<Option<Level>>,
    tags: Vec<Vec<String>>,
    parents: &'a HashMap<String, String>,
}

impl Columns<'_> {
    pub fn view(&self) -> graph::Curriculum<'_> {
        graph::Curriculum {
            minutes: &self.minutes,
            levels: &self.levels,
            tags: &self.tags,
            parents: self.parents,
        }
    }
}

/// What [`rules::Curriculum`] borrows.
#[derive(Debug)]
pub struct RuleContext {
    pub modules: Vec<rules::ModuleInfo>,
    pub tracks: Vec<String>,
    pub edges: Vec<(usize, usize)>,
}

impl RuleContext {
    pub fn view(&self) -> rules::Curriculum<'_> {
        rules::Curriculum {
            modules: &self.modules,
            tracks: &self.tracks,
            edges: &self.edges,
        }
    }
}

#[cfg(test)]
mod tests;
