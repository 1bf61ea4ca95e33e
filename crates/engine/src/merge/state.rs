//! One side's state of what a merge carries, read once per merge, and a library as
//! the other copy holds it, ready to be carried whole.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::{ModuleId, PrerequisiteEdge, PrerequisiteGroup};
use serde_json::{json, Value};

use super::key::Key;
use super::SETTINGS;
use crate::settings::{AUTO_ACCEPT, CATALOG_COLUMNS, EDITED_COHORT, PACKS};
use crate::{Error, Project, Result};

/// One side's state of what a merge carries, by key.
pub(super) struct State {
    pub(super) edges: HashMap<(ModuleId, ModuleId), PrerequisiteEdge>,
    pub(super) groups: HashMap<ModuleId, PrerequisiteGroup>,
    pub(super) levels: BTreeMap<ModuleId, model::Level>,
    pub(super) rules: HashMap<String, Value>,
    pub(super) cohort: Option<model::Cohort>,
    /// The model's suggestions, by (module, skill slug).
    pub(super) tags: HashMap<(ModuleId, String), ModelTag>,
    /// People's own tags, by (module, skill slug), with the skill's id.
    pub(super) own_tags: HashMap<(ModuleId, String), model::SkillId>,
    pub(super) auto_accept: Option<f64>,
    /// Each library with how many live modules it has.
    pub(super) libraries: HashMap<model::LibraryId, (model::Library, usize)>,
    pub(super) columns: ingest::ColumnMaps,
    /// The settings merged whole, as JSON, by key.
    pub(super) settings: HashMap<&'static str, Value>,
    /// Review packs issued, by id.
    pub(super) packs: BTreeMap<String, Vec<crate::review_pack::IssuedItem>>,
    /// Learners' answers: (skill, pseudonym, place, correct).
    pub(super) answers: BTreeSet<(model::SkillId, String, i64, bool)>,
    pub(super) skills: BTreeMap<model::SkillId, model::Skill>,
    pub(super) tracks: HashMap<model::TrackId, model::Track>,
    pub(super) skill_edges: HashMap<(model::SkillId, model::SkillId), model::EdgeOrigin>,
    /// Prerequisite suggestions dismissed, as (before, after).
    pub(super) dismissed: BTreeSet<(ModuleId, ModuleId)>,
}

/// A library as theirs holds it, to be written into ours.
pub(super) struct Carried {
    pub(super) library: model::Library,
    /// Its live modules with their place, as theirs has them (with the levels ours set by
    /// hand).
    pub(super) modules: Vec<(model::Module, u32)>,
    /// Ours' live modules of it that theirs' import retired.
    pub(super) retired: Vec<ModuleId>,
    /// The prerequisites its manifest declares.
    pub(super) declared: Vec<PrerequisiteEdge>,
    pub(super) tracks: Vec<model::Track>,
    pub(super) rules: Vec<(String, String, Value)>,
}

/// A model suggestion as a merge carries it.
pub(super) struct ModelTag {
    pub(super) skill: model::SkillId,
    pub(super) state: model::TagState,
    pub(super) auto_accepted: bool,
    /// The slug of the skill an edit replaced it by.
    pub(super) replaced_by: Option<String>,
}

impl State {
    pub(super) fn of(project: &Project) -> Result<State> {
        let (mut tags, mut own_tags) = (HashMap::new(), HashMap::new());
        for t in project.store.all_tags()? {
            let key = (t.module_id, t.skill_slug);
            match t.source {
                model::TagSource::Model => {
                    let tag = ModelTag {
                        skill: t.skill_id,
                        state: t.state,
                        auto_accepted: t.auto_accepted,
                        replaced_by: t.replaced_by,
                    };
                    tags.insert(key, tag);
                }
                model::TagSource::Person => {
                    own_tags.insert(key, t.skill_id);
                }
                model::TagSource::Declared => {}
            }
        }
        // Retired modules' edges too: a library removed keeps them for when it comes back,
        // and an edge drawn before the removal merges like any other.
        let all = project.store.all_prerequisites()?;
        let groups = all.iter().map(|e| (e.after.clone(), e.group)).collect();
        let edges = all
            .into_iter()
            .map(|e| ((e.before.clone(), e.after.clone()), e))
            .collect();
        Ok(State {
            edges,
            groups,
            levels: project.store.level_overrides()?,
            rules: project.store.rules()?.into_iter().collect(),
            cohort: project.store.setting(&EDITED_COHORT)?,
            tags,
            own_tags,
            auto_accept: project.store.setting(&AUTO_ACCEPT)?,
            libraries: project
                .store
                .libraries()?
                .into_iter()
                .map(|l| {
                    let n = project.store.library_module_hashes(&l.id)?.len();
                    Ok((l.id.clone(), (l, n)))
                })
                .collect::<Result<_>>()?,
            columns: project.store.setting(&CATALOG_COLUMNS)?.unwrap_or_default(),
            answers: project.store.answer_rows()?.into_iter().collect(),
            packs: project.store.setting(&PACKS)?.unwrap_or_default(),
            settings: SETTINGS
                .iter()
                .map(|&key| {
                    let value = project.store.setting(&store::Setting::<Value>::new(key))?;
                    Ok((key, value.unwrap_or(Value::Null)))
                })
                .collect::<Result<_>>()?,
            skills: project
                .store
                .skills()?
                .into_iter()
                .map(|s| (s.id.clone(), s))
                .collect(),
            tracks: project
                .store
                .tracks()?
                .into_iter()
                .map(|t| (t.id.clone(), t))
                .collect(),
            skill_edges: project
                .store
                .skill_prerequisites()?
                .into_iter()
                .map(|(b, a, origin)| ((b, a), origin))
                .collect(),
            dismissed: project.store.dismissed_suggestions()?,
        })
    }

    pub(super) fn value(&self, key: &Key) -> Value {
        match key {
            Key::Edge(b, a) => json!(self.edges.contains_key(&(b.clone(), a.clone()))),
            Key::Group(a) => json!(self.groups.get(a)),
            Key::Level(m) => json!(self.levels.get(m)),
            Key::Rule(id) => self.rules.get(id).cloned().unwrap_or(Value::Null),
            Key::Cohort => json!(self.cohort),
            // Whether the threshold or a person accepted it is not a difference.
            Key::Tag(m, slug) => match self.tags.get(&(m.clone(), slug.clone())) {
                Some(t) => json!({ "state": t.state, "replaced_by": t.replaced_by }),
                None => Value::Null,
            },
            Key::OwnTag(m, slug) => json!(self.own_tags.contains_key(&(m.clone(), slug.clone()))),
            Key::AutoAccept => json!(self.auto_accept),
            Key::Library(id) => match self.libraries.get(id) {
                Some((l, _)) if l.removed_at.is_some() => {
                    json!({ "name": l.name, "removed": true })
                }
                Some((l, n)) => json!({ "name": l.name, "modules": n }),
                None => Value::Null,
            },
            Key::Columns(path) => json!(self.columns.get(path)),
            Key::Setting(key) => self.settings.get(key).cloned().unwrap_or(Value::Null),
            Key::Answers => json!(self.answers.len()),
            Key::Pack(id) => json!(self.packs.get(id)),
            Key::Skill(id) => json!(self.skills.get(id)),
            Key::Track(id) => json!(self.tracks.get(id)),
            Key::SkillEdge(b, a) => json!(self.skill_edges.contains_key(&(b.clone(), a.clone()))),
            Key::Dismissed(b, a) => json!(self.dismissed.contains(&(b.clone(), a.clone()))),
        }
    }
}

impl Project {
    /// `library` as `theirs` holds it, ready to write into this copy.
    pub(super) fn carried_library(
        &self,
        theirs: &Project,
        library: &model::LibraryId,
        ours: &State,
        theirs_state: &State,
    ) -> Result<Carried> {
        let Some((lib, _)) = theirs_state.libraries.get(library) else {
            return Err(Error::MergeRefused(format!(
                "their copy logs an import of library {library}, which it no longer holds"
            )));
        };
        let live = theirs.store.library_module_hashes(library)?;
        let mut modules = Vec::with_capacity(live.len());
        for (id, stored) in &live {
            let mut module = theirs.store.module(id)?;
            if let Some(level) = ours.levels.get(id) {
                module.level = Some(*level);
            }
            modules.push((module, stored.position));
        }
        modules.sort_by_key(|(_, position)| *position);
        let retired = self
            .store
            .library_module_hashes(library)?
            .into_keys()
            .filter(|id| !live.contains_key(id))
            .collect();
        // Its manifest's edges whole, those of modules retired (or of a library removed) too.
        let all = theirs.store.library_module_ids(library)?;
        let declared = theirs
            .store
            .all_prerequisites()?
            .into_iter()
            .filter(|e| e.origin == model::EdgeOrigin::Manifest && all.contains(&e.after))
            .collect();
        Ok(Carried {
            library: lib.clone(),
            modules,
            retired,
            declared,
            tracks: theirs.store.library_tracks(library)?,
            rules: theirs.store.library_rules(library)?,
        })
    }

    /// Whether `library` is alike in both copies: the same live modules at the same
    /// places with the same content (levels aside, which merge on their own), the same
    /// prerequisites, tracks and rules its manifest declares.
    pub(super) fn same_library(
        &self,
        theirs: &Project,
        library: &model::LibraryId,
    ) -> Result<bool> {
        let (ours, other) = (
            self.store.library_module_hashes(library)?,
            theirs.store.library_module_hashes(library)?,
        );
        let levels = |p: &Project| -> Result<BTreeMap<ModuleId, model::Level>> {
            Ok(p.store.level_overrides()?)
        };
        let (ours_levels, theirs_levels) = (levels(self)?, levels(theirs)?);
        // A module with a level set by hand is compared without its level.
        let content = |p: &Project, id: &ModuleId| -> Result<String> {
            let mut module = p.store.module(id)?;
            module.level = None;
            Ok(store::module_hash(&module))
        };
        let mut alike = ours.len() == other.len();
        for (id, m) in &ours {
            let Some(t) = other.get(id).filter(|_| alike) else {
                alike = false;
                break;
            };
            let level_set = ours_levels.contains_key(id) || theirs_levels.contains_key(id);
            alike = t.position == m.position
                && t.source_path == m.source_path
                && match level_set {
                    true => content(self, id)? == content(theirs, id)?,
                    false => t.hash == m.hash,
                };
        }
        if !alike {
            return Ok(false);
        }
        let declared = |p: &Project| -> Result<BTreeSet<(ModuleId, ModuleId)>> {
            let modules = p.store.library_module_ids(library)?;
            Ok(p.store
                .all_prerequisites()?
                .into_iter()
                .filter(|e| e.origin == model::EdgeOrigin::Manifest && modules.contains(&e.after))
                .map(|e| (e.before, e.after))
                .collect())
        };
        let tracks = |p: &Project| p.store.library_tracks(library);
        let rules = |p: &Project| p.store.library_rules(library);
        Ok(declared(self)? == declared(theirs)?
            && tracks(self)? == tracks(theirs)?
            && rules(self)? == rules(theirs)?)
    }
}
