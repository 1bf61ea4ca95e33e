//! The window's curriculum commands: the prerequisite graph, the taxonomy, tracks and
//! rules, each edit answered with the view it changed.

use super::*;

/// The most prerequisite suggestions the window asks for at once: more than a person
/// reviews in one sitting.
pub const MAX_SUGGESTIONS: u32 = 500;

impl Session {
    pub fn check_graph(&self) -> IpcResult<Vec<Finding>> {
        Ok(self.project()?.check_graph()?)
    }

    pub fn rules(&self) -> IpcResult<RulesView> {
        let p = self.project()?;
        Ok(RulesView {
            set: p.rules()?,
            findings: p.check_rules()?,
            tracks: p.tracks()?,
        })
    }

    pub fn save_rule(&mut self, rule: rules::Rule, now: Timestamp) -> IpcResult<Vec<Finding>> {
        Ok(self.project.as_mut().ok_or_else(no_project)?.save_rule(
            rule,
            &actor_of(&self.profile),
            now,
        )?)
    }

    pub fn delete_rule(&mut self, id: &str, now: Timestamp) -> IpcResult<Vec<Finding>> {
        Ok(self.project.as_mut().ok_or_else(no_project)?.delete_rule(
            id,
            &actor_of(&self.profile),
            now,
        )?)
    }

    pub fn graph_view(&self) -> IpcResult<GraphView> {
        let p = self.project()?;
        let (modules, edges) = (p.modules()?, p.prerequisites()?);
        let positions = engine::graph_layout(&modules, &edges)
            .into_iter()
            .map(|(x, y)| Position { x, y })
            .collect();
        Ok(GraphView {
            findings: p.check_graph()?,
            modules,
            edges,
            positions,
            skills: p.skills()?,
            tracks: p.tracks()?,
        })
    }

    /// Every track as the Tracks panel edits it.
    pub fn track_drafts(&self) -> IpcResult<Vec<model::TrackDraft>> {
        Ok(self.project()?.track_drafts()?)
    }

    /// Adds a track; the tracks afterwards.
    pub fn add_track(
        &mut self,
        draft: &model::TrackDraft,
        now: Timestamp,
    ) -> IpcResult<Vec<model::TrackDraft>> {
        let actor = actor_of(&self.profile);
        let p = self.project.as_mut().ok_or_else(no_project)?;
        p.add_track(draft, &actor, now)?;
        Ok(p.track_drafts()?)
    }

    /// Replaces track `slug` by `draft`; the tracks afterwards.
    pub fn edit_track(
        &mut self,
        slug: &str,
        draft: &model::TrackDraft,
        now: Timestamp,
    ) -> IpcResult<Vec<model::TrackDraft>> {
        let actor = actor_of(&self.profile);
        let p = self.project.as_mut().ok_or_else(no_project)?;
        p.edit_track(slug, draft, &actor, now)?;
        Ok(p.track_drafts()?)
    }

    /// Removes track `slug`; the tracks afterwards.
    pub fn remove_track(
        &mut self,
        slug: &str,
        now: Timestamp,
    ) -> IpcResult<Vec<model::TrackDraft>> {
        let actor = actor_of(&self.profile);
        let p = self.project.as_mut().ok_or_else(no_project)?;
        p.remove_track(slug, &actor, now)?;
        Ok(p.track_drafts()?)
    }

    /// A track's path (by slug, id or name): its modules in order, with the durations.
    pub fn track_path(&self, track: &str) -> IpcResult<model::TrackPath> {
        let p = self.project()?;
        let track = p.resolve_track(track)?;
        Ok(p.track_path(&track)?)
    }

    pub fn taxonomy_view(&self) -> IpcResult<TaxonomyView> {
        let p = self.project()?;
        let (skills, prerequisites) = (p.skills()?, p.skill_prerequisites()?);
        let positions = engine::skill_layout(&skills, &prerequisites)
            .into_iter()
            .map(|(x, y)| Position { x, y })
            .collect();
        Ok(TaxonomyView {
            uses: p.skill_uses()?,
            modules: p.modules()?,
            skills,
            prerequisites,
            positions,
        })
    }

    /// Makes skill `before` a prerequisite of skill `after` (a cycle is refused with kind
    /// `conflict`, naming it).
    pub fn add_skill_prerequisite(
        &mut self,
        before: &str,
        after: &str,
        now: Timestamp,
    ) -> IpcResult<TaxonomyView> {
        self.project
            .as_mut()
            .ok_or_else(no_project)?
            .add_skill_prerequisite(before, after, &actor_of(&self.profile), now)?;
        self.taxonomy_view()
    }

    pub fn remove_skill_prerequisite(
        &mut self,
        before: &str,
        after: &str,
        now: Timestamp,
    ) -> IpcResult<TaxonomyView> {
        self.project
            .as_mut()
            .ok_or_else(no_project)?
            .remove_skill_prerequisite(before, after, &actor_of(&self.profile), now)?;
        self.taxonomy_view()
    }

    pub fn add_skill(
        &mut self,
        slug: &str,
        name: &str,
        parent: Option<&str>,
        now: Timestamp,
    ) -> IpcResult<TaxonomyView> {
        self.project.as_mut().ok_or_else(no_project)?.add_skill(
            slug,
            name,
            parent,
            "",
            &actor_of(&self.profile),
            now,
        )?;
        self.taxonomy_view()
    }

    pub fn remove_skill(&mut self, slug: &str, now: Timestamp) -> IpcResult<TaxonomyView> {
        self.project.as_mut().ok_or_else(no_project)?.remove_skill(
            slug,
            &actor_of(&self.profile),
            now,
        )?;
        self.taxonomy_view()
    }

    pub fn rename_skill(
        &mut self,
        slug: &str,
        name: &str,
        now: Timestamp,
    ) -> IpcResult<TaxonomyView> {
        let edit = engine::SkillEdit {
            name: Some(name.to_owned()),
            ..Default::default()
        };
        self.edit_skill(slug, edit, now)
    }

    /// Imports a skill framework file (CASE JSON, Moodle framework CSV or plain CSV, told
    /// apart by content) into the taxonomy.
    pub fn import_taxonomy(&mut self, path: &Path, now: Timestamp) -> IpcResult<TaxonomyView> {
        self.project
            .as_mut()
            .ok_or_else(no_project)?
            .import_taxonomy_file(path, &actor_of(&self.profile), now)?;
        self.taxonomy_view()
    }

    pub fn describe_skill(
        &mut self,
        slug: &str,
        description: &str,
        now: Timestamp,
    ) -> IpcResult<TaxonomyView> {
        let edit = engine::SkillEdit {
            description: Some(description.to_owned()),
            ..Default::default()
        };
        self.edit_skill(slug, edit, now)
    }

    pub fn set_skill_examples(
        &mut self,
        slug: &str,
        examples: Vec<String>,
        now: Timestamp,
    ) -> IpcResult<TaxonomyView> {
        let edit = engine::SkillEdit {
            examples: Some(examples),
            ..Default::default()
        };
        self.edit_skill(slug, edit, now)
    }

    /// Moves a skill under `parent` (a slug), or to the root when `None`.
    pub fn move_skill(
        &mut self,
        slug: &str,
        parent: Option<String>,
        now: Timestamp,
    ) -> IpcResult<TaxonomyView> {
        let edit = engine::SkillEdit {
            parent: Some(parent),
            ..Default::default()
        };
        self.edit_skill(slug, edit, now)
    }

    pub fn retire_skill(
        &mut self,
        slug: &str,
        retired: bool,
        now: Timestamp,
    ) -> IpcResult<TaxonomyView> {
        let edit = engine::SkillEdit {
            retired: Some(retired),
            ..Default::default()
        };
        self.edit_skill(slug, edit, now)
    }

    fn edit_skill(
        &mut self,
        slug: &str,
        edit: engine::SkillEdit,
        now: Timestamp,
    ) -> IpcResult<TaxonomyView> {
        self.project.as_mut().ok_or_else(no_project)?.edit_skill(
            slug,
            edit,
            &actor_of(&self.profile),
            now,
        )?;
        self.taxonomy_view()
    }

    pub fn merge_preview(&self, from: &str, into: &str) -> IpcResult<model::MergePreview> {
        Ok(self.project()?.merge_preview(from, into)?)
    }

    pub fn merge_skill(
        &mut self,
        from: &str,
        into: &str,
        now: Timestamp,
    ) -> IpcResult<model::SkillMerge> {
        Ok(self.project.as_mut().ok_or_else(no_project)?.merge_skill(
            from,
            into,
            &actor_of(&self.profile),
            now,
        )?)
    }

    pub fn unmerge_skill(&mut self, audit: i64, now: Timestamp) -> IpcResult<TaxonomyView> {
        self.project
            .as_mut()
            .ok_or_else(no_project)?
            .unmerge_skill(audit, &actor_of(&self.profile), now)?;
        self.taxonomy_view()
    }

    /// Adds `before → after` (refused with kind `conflict` if it would close a cycle; ask
    /// [`Session::cycle_if_added`] for the cycle to show) and returns the new view.
    pub fn add_prerequisite(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        group: Option<model::PrerequisiteGroup>,
        now: Timestamp,
    ) -> IpcResult<GraphView> {
        self.project
            .as_mut()
            .ok_or_else(no_project)?
            .add_prerequisite(before, after, group, &actor_of(&self.profile), now)?;
        self.graph_view()
    }

    pub fn remove_prerequisite(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        now: Timestamp,
    ) -> IpcResult<GraphView> {
        self.project
            .as_mut()
            .ok_or_else(no_project)?
            .remove_prerequisite(before, after, &actor_of(&self.profile), now)?;
        self.graph_view()
    }

    /// Up to `limit` (1 to [`MAX_SUGGESTIONS`]) prerequisite edges the content suggests,
    /// best first, each with its evidence; none the graph already implies. With `about`,
    /// only edges into or out of that module. `progress` hears how far it is (0 to 1),
    /// and a `cancel` request stops it (kind `cancelled`).
    pub fn suggest_prerequisites(
        &self,
        limit: u32,
        about: Option<&ModuleId>,
        cancel: &Cancel,
        progress: &mut dyn FnMut(f64),
    ) -> IpcResult<Vec<model::PrerequisiteSuggestion>> {
        if !(1..=MAX_SUGGESTIONS).contains(&limit) {
            return Err(IpcError {
                kind: ErrorKind::BadInput,
                message: format!(
                    "asked for {limit} prerequisite suggestions; ask for 1 to {MAX_SUGGESTIONS}"
                ),
            });
        }
        cancel.reset();
        Ok(self
            .project()?
            .suggest_prerequisites_about(about, limit as usize, &mut |at| {
                progress(at);
                !cancel.requested()
            })?)
    }

    /// Records that the suggestion `before → after` is no prerequisite: it is suggested
    /// neither way round again, in this session or any other. False when it was already.
    pub fn dismiss_suggestion(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        now: Timestamp,
    ) -> IpcResult<bool> {
        let actor = actor_of(&self.profile);
        let project = self.project.as_mut().ok_or_else(no_project)?;
        Ok(project.dismiss_suggestion(before, after, &actor, now)?)
    }

    /// Takes back the dismissal of `before → after` (the undo of [`Session::dismiss_suggestion`]).
    pub fn restore_suggestion(
        &mut self,
        before: &ModuleId,
        after: &ModuleId,
        now: Timestamp,
    ) -> IpcResult<bool> {
        let actor = actor_of(&self.profile);
        let project = self.project.as_mut().ok_or_else(no_project)?;
        Ok(project.restore_suggestion(before, after, &actor, now)?)
    }

    pub fn cycle_if_added(
        &self,
        before: &ModuleId,
        after: &ModuleId,
    ) -> IpcResult<Option<Vec<ModuleId>>> {
        Ok(self.project()?.cycle_if_added(before, after)?)
    }
}
