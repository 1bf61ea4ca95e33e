//! The project's curriculum as one snapshot ([`curriculum::Curriculum`]): modules with
//! their taught tags, prerequisite edges, tracks, the skill tree and the whole rule set
//! (a person's rules, then an unlock rule derived from each module's prerequisites),
//! read from the store in one place for every stage that needs it.

use std::collections::HashMap;

use model::{LibraryId, ModuleSummary, PrerequisiteGroup};

use crate::{Project, Result};

impl Project {
    /// The project's curriculum, as it is now.
    pub fn curriculum(&self) -> Result<curriculum::Curriculum> {
        self.curriculum_of(&self.store.module_summaries()?)
    }

    /// The curriculum over `modules`, every module's summary in store order (callers that
    /// also show the summaries read them once).
    pub(crate) fn curriculum_of(
        &self,
        modules: &[ModuleSummary],
    ) -> Result<curriculum::Curriculum> {
        self.snapshot(modules, true)
    }

    /// The curriculum without its rule set — modules, edges, tracks and the skill tree —
    /// for the graph linter, which reads no rules (deriving 50,000 unlock rules only to
    /// drop them was a sixth of `graph check` on a 50,000-module catalogue).
    pub(crate) fn curriculum_without_rules(&self) -> Result<curriculum::Curriculum> {
        self.snapshot(&self.store.module_summaries()?, false)
    }

    fn snapshot(
        &self,
        modules: &[ModuleSummary],
        with_rules: bool,
    ) -> Result<curriculum::Curriculum> {
        let live: std::collections::HashSet<&str> = modules.iter().map(|m| m.id.as_str()).collect();
        let mut prerequisites = self.store.all_prerequisites()?;
        prerequisites
            .retain(|e| live.contains(e.before.as_str()) && live.contains(e.after.as_str()));
        let tracks = self
            .store
            .tracks()?
            .into_iter()
            .map(|t| curriculum::Track {
                slug: t.slug,
                name: t.name,
                targets: t.targets,
            })
            .collect();
        let set = rules::RuleSet {
            schema: rules::SCHEMA.to_owned(),
            rules: match with_rules {
                true => self.stored_rules()?,
                false => Vec::new(),
            },
        };
        let library_names: HashMap<LibraryId, String> = self
            .store
            .libraries()?
            .into_iter()
            .map(|l| (l.id, l.name))
            .collect();
        let mut c = curriculum::Curriculum::new(
            modules
                .iter()
                .map(|m| curriculum::Module {
                    id: m.id.0.clone(),
                    key: m.source_path.clone(),
                    title: m.title.clone(),
                    library: library_names
                        .get(&m.library_id)
                        .cloned()
                        .unwrap_or_default(),
                    minutes: m.duration_minutes,
                    level: m.level,
                    skills: m.tags.clone(),
                })
                .collect(),
            prerequisites.iter().map(|e| curriculum::EdgeById {
                before: &e.before.0,
                after: &e.after.0,
                group: e.group,
            }),
            tracks,
            crate::taxonomy::parent_slugs(&self.store.skills()?),
            set,
        )?;
        if with_rules {
            let derived = derived_unlocks(&c);
            c.rules.rules.extend(derived);
        }
        Ok(c)
    }
}

/// One unlock rule per module with prerequisites ("opens after all of / any of / enough
/// of …"), in library-path order, except where a person wrote a rule with its id. The group
/// is the one of the module's first edge; requirements keep the project's edge order.
fn derived_unlocks(c: &curriculum::Curriculum) -> Vec<rules::Rule> {
    let mut requires: Vec<Vec<usize>> = vec![Vec::new(); c.modules.len()];
    let mut group = vec![PrerequisiteGroup::AllOf; c.modules.len()];
    let mut gated = Vec::new();
    for e in &c.edges {
        if requires[e.after].is_empty() {
            gated.push(e.after);
            group[e.after] = e.group;
        }
        requires[e.after].push(e.before);
    }
    gated.sort_by(|&a, &b| c.modules[a].key.cmp(&c.modules[b].key));
    let mut taken: std::collections::HashSet<String> =
        c.rules.rules.iter().map(|r| r.id.clone()).collect();
    let mut out = Vec::new();
    for m in gated {
        let module = &c.modules[m];
        let id = format!("unlock:{}", module.key);
        if !taken.insert(id.clone()) {
            continue; // a person's rule for this module wins
        }
        let names: Vec<String> = requires[m]
            .iter()
            .map(|&r| format!("“{}”", c.modules[r].title))
            .collect();
        let (group, how) = match group[m] {
            PrerequisiteGroup::AllOf => (rules::Group::AllOf, "all of"),
            PrerequisiteGroup::AnyOf => (rules::Group::AnyOf, "any of"),
            PrerequisiteGroup::NOf { n } => (rules::Group::NOf(n), "enough of"),
        };
        out.push(rules::Rule {
            id,
            explanation: format!("“{}” opens after {how} {}", module.title, names.join(", ")),
            origin: rules::Origin::Graph,
            body: rules::RuleBody::Unlock {
                module: module.key.clone(),
                requires: requires[m]
                    .iter()
                    .map(|&r| c.modules[r].key.clone())
                    .collect(),
                group,
                min_score: None,
            },
        });
    }
    out
}
