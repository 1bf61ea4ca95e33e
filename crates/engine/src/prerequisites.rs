//! Prerequisites between modules and between skills: edits that refuse cycles, the linter
//! over the whole curriculum, derived orders, suggestions and the layered drawing.

use std::collections::{HashMap, HashSet};

use model::{
    Actor, DerivedEdge, EdgeOrigin, Finding, Module, ModuleId, ModuleSummary, PrerequisiteEdge,
    PrerequisiteGroup, PrerequisiteSuggestion, Skill, SkillId, SkillPrerequisite, Timestamp,
};
use serde_json::Value;

use crate::audit::Entry;
use crate::taxonomy::find_skill;
use crate::{AuditAction, Error, Project, Result};

/// The most modules suggestions compare: every pair is scored, so time grows with the
/// square of the count (`bench --only suggest`: 10,000 modules take about 10 s compared by
/// vectors, 20 s by words, on two cores, in about 250 MB).
pub const MAX_SUGGEST_MODULES: usize = 10_000;

impl Project {
    pub fn prerequisites(&self) -> Result<Vec<PrerequisiteEdge>> {
        Ok(self.store.prerequisites()?)
    }

    /// Every problem in the prerequisite graph, the tracks and the taxonomy, most serious
    /// first. Tracks are only checked on a graph without cycles.
    pub fn check_graph(&self) -> Result<Vec<Finding>> {
        self.check_graph_with(false)
    }

    /// [`Project::check_graph`], with `each`: what a cycle or an impossible requirement
    /// blocks as one finding per module rather than one per cause.
    pub fn check_graph_with(&self, each: bool) -> Result<Vec<Finding>> {
        self.check_graph_of(&self.curriculum_without_rules()?, each)
    }

    /// [`Project::check_graph_with`] on the curriculum `c` (the project's, as it is now).
    pub(crate) fn check_graph_of(
        &self,
        c: &curriculum::Curriculum,
        each: bool,
    ) -> Result<Vec<Finding>> {
        let graph = c.graph();
        let mut findings = graph::lint_with(&graph, each);
        if !findings.iter().any(is_cycle) {
            let skills = self.store.skills()?;
            let tracks = self.store.tracks()?;
            let columns = c.columns();
            let skill_specs: Vec<graph::SkillSpec<'_>> = skills
                .iter()
                .filter(|s| !s.retired)
                .map(|s| graph::SkillSpec {
                    id: s.id.as_str(),
                    slug: &s.slug,
                    name: &s.name,
                })
                .collect();
            let track_specs: Vec<graph::TrackSpec<'_>> = tracks
                .iter()
                .map(|t| graph::TrackSpec {
                    id: t.id.as_str(),
                    name: &t.name,
                    targets: &t.targets,
                })
                .collect();
            findings.extend(graph::lint_curriculum(
                &graph,
                &columns.view(),
                &skill_specs,
                &track_specs,
            ));
            let (specs, requires) = self.skill_specs(&skills)?;
            findings.extend(graph::lint_skills(
                &graph,
                &columns.view(),
                &specs,
                &requires,
            ));
            findings.sort_by(|a, b| {
                (a.severity, a.code, &a.message).cmp(&(b.severity, b.code, &b.message))
            });
        }
        Ok(findings)
    }

    /// Skill prerequisites, by slug.
    pub fn skill_prerequisites(&self) -> Result<Vec<SkillPrerequisite>> {
        let skills = self.store.skills()?;
        let slug: HashMap<&SkillId, &str> =
            skills.iter().map(|s| (&s.id, s.slug.as_str())).collect();
        Ok(self
            .store
            .skill_prerequisites()?
            .into_iter()
            .map(|(b, a, origin)| SkillPrerequisite {
                before: slug[&b].to_owned(),
                after: slug[&a].to_owned(),
                origin,
            })
            .collect())
    }

    /// Makes skill `before` a prerequisite of skill `after` (slugs), refusing cycles (the
    /// error names the cycle). Returns false when it was already there.
    pub fn add_skill_prerequisite(
        &mut self,
        before: &str,
        after: &str,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<bool> {
        let skills = self.store.skills()?;
        let (b, a) = (
            find_skill(&skills, before)?.clone(),
            find_skill(&skills, after)?.clone(),
        );
        let (graph, index) = self.skill_graph(&skills)?;
        if let Some(cycle) = graph.cycle_if_added(index[&b.id], index[&a.id]) {
            return Err(Error::Cycle {
                edit: format!("“{}” → “{}”", b.name, a.name),
                cycle: graph.describe(&cycle),
            });
        }
        let object = format!("{}->{}", b.id, a.id);
        let after_json = serde_json::json!({ "before": before, "after": after });
        self.commit(
            actor,
            now,
            Entry::new(
                AuditAction::SkillPrerequisiteAdded,
                &object,
                &Value::Null,
                &after_json,
            ),
            |tx| {
                let added = tx.insert_skill_prerequisite(&b.id, &a.id, EdgeOrigin::Person)?;
                Ok(added)
            },
        )
    }

    /// Removes the skill prerequisite `before → after` (slugs).
    pub fn remove_skill_prerequisite(
        &mut self,
        before: &str,
        after: &str,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let skills = self.store.skills()?;
        let (b, a) = (
            find_skill(&skills, before)?.clone(),
            find_skill(&skills, after)?.clone(),
        );
        let object = format!("{}->{}", b.id, a.id);
        let before_json = serde_json::json!({ "before": before, "after": after });
        let removed = self.store.write(|tx| {
            let removed = tx.delete_skill_prerequisite(&b.id, &a.id)?;
            if removed {
                Entry::new(
                    AuditAction::SkillPrerequisiteRemoved,
                    &object,
                    &before_json,
                    &Value::Null,
                )
                .append(tx, actor, now)?;
            }
            Ok(removed)
        })?;
        if !removed {
            return Err(Error::NoSuchPrerequisite(
                before.to_owned(),
                after.to_owned(),
            ));
        }
        Ok(())
    }

    /// Module orders implied by skill prerequisites that the graph does not have yet
    /// (either way), each explained.
    pub fn derived_edges(&self) -> Result<Vec<DerivedEdge>> {
        let (graph, modules, c) = self.graph()?;
        let skills = self.store.skills()?;
        let columns = c.columns();
        let (specs, requires) = self.skill_specs(&skills)?;
        Ok(
            graph::derived_edges(&graph, &columns.view(), &specs, &requires)
                .into_iter()
                .map(|(a, b, x, y)| DerivedEdge {
                    before: modules[a].id.clone(),
                    after: modules[b].id.clone(),
                    because: format!(
                        "“{}” teaches “{}”, which requires “{}”, which “{}” teaches",
                        modules[b].title, skills[y].name, skills[x].name, modules[a].title
                    ),
                })
                .collect(),
        )
    }

    /// Skills as the graph crate sees them and skill prerequisites by index.
    pub(crate) fn skill_specs<'a>(&self, skills: &'a [Skill]) -> Result<SkillSpecs<'a>> {
        let index: HashMap<&SkillId, usize> =
            skills.iter().enumerate().map(|(i, s)| (&s.id, i)).collect();
        let specs = skills
            .iter()
            .map(|s| graph::SkillSpec {
                id: s.id.as_str(),
                slug: &s.slug,
                name: &s.name,
            })
            .collect();
        let requires = self
            .store
            .skill_prerequisites()?
            .iter()
            .filter_map(|(b, a, _)| Some((*index.get(b)?, *index.get(a)?)))
            .collect();
        Ok((specs, requires))
    }

    pub(crate) fn skill_graph(
        &self,
        skills: &[Skill],
    ) -> Result<(graph::Graph, HashMap<SkillId, usize>)> {
        let index: HashMap<SkillId, usize> = skills
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let nodes = skills
            .iter()
            .map(|s| graph::Node {
                id: s.id.to_string(),
                name: s.name.clone(),
            })
            .collect();
        let edges: Vec<graph::Edge> = self
            .store
            .skill_prerequisites()?
            .iter()
            .filter_map(|(b, a, _)| {
                Some(graph::Edge {
                    before: *index.get(b)?,
                    after: *index.get(a)?,
                    group: PrerequisiteGroup::AllOf,
                })
            })
            .collect();
        Ok((graph::Graph::new(nodes, &edges), index))
    }

    /// Up to `limit` prerequisite edges the content suggests (none the graph already
    /// implies, no pair a person dismissed), best first, the models first refitted on the
    /// project's own prerequisites (`graph::suggest`). Modules are compared by the vectors
    /// auto-tagging cached when every module has one from the same model, by their words
    /// otherwise; a module's level is the one set for it, else the one auto-tagging
    /// guessed.
    pub fn suggest_prerequisites(&self, limit: usize) -> Result<Vec<PrerequisiteSuggestion>> {
        self.suggest_prerequisites_with(limit, &mut |_| true)
    }

    /// [`Project::suggest_prerequisites`], telling `progress` how far it is (0 to 1) every
    /// so often: it compares every pair of modules, which takes seconds from a few
    /// thousand on. Stops with [`Error::Cancelled`] when `progress` answers false.
    pub fn suggest_prerequisites_with(
        &self,
        limit: usize,
        progress: &mut dyn FnMut(f64) -> bool,
    ) -> Result<Vec<PrerequisiteSuggestion>> {
        self.suggest_prerequisites_about(None, limit, progress)
    }

    /// [`Project::suggest_prerequisites_with`], or with `about` a module, up to `limit`
    /// edges into or out of it, best first: what the whole project's suggestions would say
    /// of its pairs (the same confidence and evidence), without the bound of three into one
    /// module. Quick once suggestions have been asked for: what is worked out of every
    /// module is remembered.
    pub fn suggest_prerequisites_about(
        &self,
        about: Option<&ModuleId>,
        limit: usize,
        progress: &mut dyn FnMut(f64) -> bool,
    ) -> Result<Vec<PrerequisiteSuggestion>> {
        let (graph, summaries, _) = self.graph()?;
        if summaries.len() > MAX_SUGGEST_MODULES {
            return Err(Error::OutOfRange {
                what: "the number of modules suggestions can compare, every pair of them,",
                range: format!("at most {MAX_SUGGEST_MODULES}"),
                value: format!(
                    "{} (this project's); draw edges by hand, or suggest within one library in a project of its own",
                    summaries.len()
                ),
            });
        }
        let modules: Vec<Module> = summaries
            .iter()
            .map(|m| self.store.module(&m.id))
            .collect::<store::Result<_>>()?;
        let insights: Vec<model::ModuleInsight> = modules
            .iter()
            .map(|m| self.store.insight(&m.id))
            .collect::<store::Result<_>>()?;
        let vectors = self.module_vectors(&modules, &insights)?;
        let mut libraries: HashMap<&model::LibraryId, usize> = HashMap::new();
        for m in &modules {
            let next = libraries.len();
            libraries.entry(&m.library_id).or_insert(next);
        }
        let texts: Vec<graph::ModuleText<'_>> = modules
            .iter()
            .zip(&insights)
            .enumerate()
            .map(|(i, (m, insight))| graph::ModuleText {
                title: &m.title,
                body: &m.body,
                tags: &m.tags,
                level: m.level.or(insight.level),
                vector: vectors.as_ref().map(|v| v[i].vector.as_slice()),
                library: libraries[&m.library_id],
                path: &m.source_path,
            })
            .collect();
        let signals = graph::Signals { titles: true };
        let at: HashMap<&ModuleId, usize> = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (&m.id, i))
            .collect();
        let dismissed: HashSet<(usize, usize)> = self
            .store
            .dismissed_suggestions()?
            .iter()
            .filter_map(|(b, a)| Some((*at.get(b)?, *at.get(a)?)))
            .collect();
        let by_vectors = vectors.is_some();
        let changed = |i: usize| vectors.as_ref().is_some_and(|v| v[i].changed);
        // Poisoned only by a panic in an earlier request; what it held is still whole.
        let mut nearby = self.nearby.lock().unwrap_or_else(|e| e.into_inner());
        let about = about
            .map(|id| {
                at.get(id)
                    .copied()
                    .ok_or_else(|| Error::UnknownModule(id.to_string()))
            })
            .transpose()?;
        let suggestions = graph::suggest_about(
            &graph,
            &texts,
            signals,
            about,
            limit,
            &dismissed,
            &mut nearby,
            progress,
        )
        .ok_or(Error::Cancelled)?;
        let stale = |i: usize| {
            changed(i).then(|| {
                format!(
                    "“{}” has changed since it was auto-tagged: compared as it read then",
                    modules[i].title
                )
            })
        };
        Ok(suggestions
            .into_iter()
            .map(|s| {
                let mut evidence = s.evidence;
                evidence.extend([s.before, s.after].into_iter().filter_map(stale));
                PrerequisiteSuggestion {
                    before: modules[s.before].id.clone(),
                    before_title: modules[s.before].title.clone(),
                    after: modules[s.after].id.clone(),
                    after_title: modules[s.after].title.clone(),
                    confidence: s.confidence,
                    evidence,
                    by_vectors,
                }
            })
            .collect())
    }

    /// Records that the suggestion `before → after` is no prerequisite: suggestions leave
    /// the pair out, either way round, from now on (and on any copy this one is merged
    /// into). Returns false, logging nothing, when it was dismissed already.
    pub fn dismiss_suggestion(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<bool> {
        self.set_dismissed(before, after, true, actor, now)
    }

    /// Takes back the dismissal of the suggestion `before → after` (its undo): the pair
    /// may be suggested again. Returns false, logging nothing, when it was not dismissed.
    pub fn restore_suggestion(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<bool> {
        self.set_dismissed(before, after, false, actor, now)
    }

    /// The suggestions people dismissed, as (before, after) when they were suggested.
    pub fn dismissed_suggestions(&self) -> Result<Vec<(ModuleId, ModuleId)>> {
        Ok(self.store.dismissed_suggestions()?.into_iter().collect())
    }

    fn set_dismissed(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        dismissed: bool,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<bool> {
        // Two modules read for their titles (an unknown one is refused), not the graph.
        let (b, a) = (self.store.module(before)?, self.store.module(after)?);
        let pair = (before.clone(), after.clone());
        if self.store.dismissed_suggestions()?.contains(&pair) == dismissed {
            return Ok(false);
        }
        let action = match dismissed {
            true => AuditAction::SuggestionDismissed,
            false => AuditAction::SuggestionRestored,
        };
        let edge = format!("“{}” → “{}”", b.title, a.title);
        let after_json = serde_json::json!({ "suggestion": edge, "dismissed": dismissed });
        let before_json = serde_json::json!({ "suggestion": edge, "dismissed": !dismissed });
        let object = format!("{before}->{after}");
        let entry = Entry::new(action, &object, &before_json, &after_json);
        self.commit(actor, now, entry, |tx| {
            tx.set_suggestion_dismissed(before, after, dismissed)
        })
    }

    /// Every module's vector from the cache, when all were tagged by one model: of its
    /// current text, else — a module changed since it was tagged — of the text tagging
    /// last read, with `true` beside it (a small edit barely moves a module's meaning, and
    /// one changed module would otherwise put every pair back on words). `None` when a
    /// module was never tagged.
    fn module_vectors(
        &self,
        modules: &[Module],
        insights: &[model::ModuleInsight],
    ) -> Result<Option<Vec<ModuleVector>>> {
        let Some(model) = insights.first().and_then(|i| i.model.clone()) else {
            return Ok(None);
        };
        if insights.iter().any(|i| i.model.as_ref() != Some(&model)) {
            return Ok(None);
        }
        let analysed = self.store.insight_keys()?;
        let keys: Vec<(String, Option<String>)> = modules
            .iter()
            .map(|m| {
                (
                    autotag::module_vector_key(&autotag::content_hash(&m.title, &m.body)),
                    analysed
                        .get(&m.id)
                        .map(|(hash, _)| autotag::module_vector_key(hash)),
                )
            })
            .collect();
        let refs: Vec<&str> = keys
            .iter()
            .flat_map(|(now, then)| std::iter::once(now).chain(then))
            .map(String::as_str)
            .collect();
        let found = self.store.vectors(&model, &refs)?;
        Ok(keys
            .iter()
            .map(|(now, then)| match found.get(now) {
                Some(v) => Some(ModuleVector {
                    vector: v.clone(),
                    changed: false,
                }),
                None => then
                    .as_ref()
                    .and_then(|t| found.get(t))
                    .map(|v| ModuleVector {
                        vector: v.clone(),
                        changed: true,
                    }),
            })
            .collect::<Option<Vec<_>>>())
    }

    /// Makes `before` a prerequisite of `after`, refusing any edge that would close a cycle
    /// (the error names it). `group`, when given, becomes how all of `after`'s
    /// prerequisites combine; otherwise they keep theirs (all-of for a first one).
    /// Returns false when the edge was already there.
    pub fn add_prerequisite(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        group: Option<PrerequisiteGroup>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<bool> {
        let (graph, modules, c) = self.graph()?;
        let (b, a) = (position(&c, before)?, position(&c, after)?);
        let edit = format!("“{}” → “{}”", modules[b].title, modules[a].title);
        if let Some(cycle) = graph.cycle_if_added(b, a) {
            return Err(Error::Cycle {
                edit,
                cycle: graph.describe(&cycle),
            });
        }
        let edges = self.store.prerequisites()?;
        let current = edges.iter().find(|e| &e.after == after).map(|e| e.group);
        let group = group.or(current).unwrap_or(PrerequisiteGroup::AllOf);
        let edge = PrerequisiteEdge {
            before: before.clone(),
            after: after.clone(),
            group,
            origin: EdgeOrigin::Person,
        };
        let after_json = serde_json::json!({ "edge": edit, "group": group });
        let object = format!("{before}->{after}");
        let before_json = serde_json::json!({ "group": current });
        let entry = Entry::new(
            AuditAction::PrerequisiteAdded,
            &object,
            &before_json,
            &after_json,
        );
        self.commit(actor, now, entry, |tx| {
            let added = tx.insert_prerequisite(&edge)?;
            tx.set_prerequisite_group(after, group)?;
            Ok(added)
        })
    }

    /// Removes the prerequisite `before → after`.
    pub fn remove_prerequisite(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let edge = self
            .store
            .prerequisites()?
            .into_iter()
            .find(|e| &e.before == before && &e.after == after)
            .ok_or_else(|| Error::NoSuchPrerequisite(before.to_string(), after.to_string()))?;
        let before_json = serde_json::to_value(&edge).expect("edges serialise");
        let object = format!("{before}->{after}");
        let entry = Entry::new(
            AuditAction::PrerequisiteRemoved,
            &object,
            &before_json,
            &Value::Null,
        );
        self.commit(actor, now, entry, |tx| {
            tx.delete_prerequisite(before, after)
        })?;
        Ok(())
    }

    /// The prerequisite graph over every module, with the modules in node order.
    /// The cycle adding `before → after` would close, from `before` round to `before`;
    /// `None` when the edge is safe. For editors that show the cycle where it is.
    pub fn cycle_if_added(
        &self,
        before: &ModuleId,
        after: &ModuleId,
    ) -> Result<Option<Vec<ModuleId>>> {
        let (graph, modules, c) = self.graph()?;
        let (b, a) = (position(&c, before)?, position(&c, after)?);
        Ok(graph
            .cycle_if_added(b, a)
            .map(|c| c.into_iter().map(|i| modules[i].id.clone()).collect()))
    }

    /// The prerequisite graph, every module's summary in node order, and the curriculum
    /// they come from.
    pub(crate) fn graph(
        &self,
    ) -> Result<(graph::Graph, Vec<ModuleSummary>, curriculum::Curriculum)> {
        let modules = self.store.module_summaries()?;
        let c = self.curriculum_of(&modules)?;
        Ok((c.graph(), modules, c))
    }
}

/// Where to draw each module of a prerequisite graph, left to right, in the order of
/// `modules`: (x, y) centres in pixels for nodes about 150 × 44, each layer centred on y = 0.
pub fn graph_layout(modules: &[ModuleSummary], edges: &[PrerequisiteEdge]) -> Vec<(f64, f64)> {
    let index: HashMap<&ModuleId, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (&m.id, i))
        .collect();
    let pairs: Vec<(usize, usize)> = edges
        .iter()
        .filter_map(|e| Some((*index.get(&e.before)?, *index.get(&e.after)?)))
        .collect();
    positions(modules.len(), &pairs)
}

/// Where to draw each skill of the skill-prerequisite graph, as [`graph_layout`] does for
/// modules, in the order of `skills`.
pub fn skill_layout(skills: &[Skill], edges: &[SkillPrerequisite]) -> Vec<(f64, f64)> {
    let index: HashMap<&str, usize> = skills
        .iter()
        .enumerate()
        .map(|(i, s)| (s.slug.as_str(), i))
        .collect();
    let pairs: Vec<(usize, usize)> = edges
        .iter()
        .filter_map(|e| {
            Some((
                *index.get(e.before.as_str())?,
                *index.get(e.after.as_str())?,
            ))
        })
        .collect();
    positions(skills.len(), &pairs)
}

pub(crate) fn positions(n: usize, pairs: &[(usize, usize)]) -> Vec<(f64, f64)> {
    const COLUMN: f64 = 210.0;
    const ROW: f64 = 56.0;
    let slots = graph::layered(n, pairs);
    let mut deepest: HashMap<usize, usize> = HashMap::new();
    for s in &slots {
        let d = deepest.entry(s.layer).or_default();
        *d = (*d).max(s.rank);
    }
    slots
        .iter()
        .map(|s| {
            (
                s.layer as f64 * COLUMN,
                (s.rank as f64 - deepest[&s.layer] as f64 / 2.0) * ROW,
            )
        })
        .collect()
}

/// Skills as the graph crate sees them, and skill prerequisites as index pairs.
pub(crate) type SkillSpecs<'a> = (Vec<graph::SkillSpec<'a>>, Vec<(usize, usize)>);

pub(crate) use graph::is_cycle;

pub(crate) fn position(c: &curriculum::Curriculum, id: &ModuleId) -> Result<usize> {
    c.by_id(&id.0)
        .ok_or_else(|| Error::UnknownModule(id.to_string()))
}

/// A module's vector for suggestions, and whether it is of the text tagging last read
/// rather than of the module as it reads now.
struct ModuleVector {
    vector: Vec<f32>,
    changed: bool,
}
