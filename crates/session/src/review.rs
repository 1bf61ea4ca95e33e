//! The window's auto-tagging and review commands: the model, tagging runs, the review
//! queue and decisions, tag edits and levels, offline review packs, calibration.

use super::*;

impl Session {
    /// Writes the open suggestions the filters select as an offline review pack at
    /// `path` (the file the user chose); how many it holds.
    pub fn export_review_pack(
        &mut self,
        path: &Path,
        skill: Option<String>,
        min_confidence: Option<f64>,
        now: Timestamp,
    ) -> IpcResult<u32> {
        let (html, count) = self
            .project
            .as_mut()
            .ok_or_else(no_project)?
            .export_review_pack(
                &engine::PackFilter {
                    skill,
                    min_confidence,
                },
                &actor_of(&self.profile),
                now,
            )?;
        engine::write_atomically(path, html.as_bytes())?;
        Ok(count as u32)
    }

    /// Replaces a suggested skill on a module by another, which is accepted instead.
    pub fn edit_tag(
        &mut self,
        module: &ModuleId,
        from: &str,
        to: &str,
        note: Option<&str>,
        now: Timestamp,
    ) -> IpcResult<model::TagEdit> {
        Ok(self.project.as_mut().ok_or_else(no_project)?.edit_tag(
            module,
            from,
            to,
            note,
            &actor_of(&self.profile),
            now,
        )?)
    }

    /// Undoes an edit made in this window.
    pub fn undo_edit(&mut self, edit: &model::TagEdit, now: Timestamp) -> IpcResult<()> {
        Ok(self.project.as_mut().ok_or_else(no_project)?.undo_edit(
            edit,
            &actor_of(&self.profile),
            now,
        )?)
    }

    /// Sets (or with `None` clears) a module's level by a person's decision.
    pub fn set_module_level(
        &mut self,
        module: &ModuleId,
        level: Option<model::Level>,
        now: Timestamp,
    ) -> IpcResult<Module> {
        Ok(self
            .project
            .as_mut()
            .ok_or_else(no_project)?
            .set_module_level(module, level, None, &actor_of(&self.profile), now)?)
    }

    /// Acceptance by confidence band and by skill, and the auto-accept threshold.
    pub fn calibration(&self) -> IpcResult<model::Calibration> {
        Ok(self.project()?.calibration()?)
    }

    /// Sets or clears the project's auto-accept threshold.
    pub fn set_auto_accept(
        &mut self,
        threshold: Option<f64>,
        now: Timestamp,
    ) -> IpcResult<model::Calibration> {
        let project = self.project.as_mut().ok_or_else(no_project)?;
        project.set_auto_accept(threshold, &actor_of(&self.profile), now)?;
        Ok(project.calibration()?)
    }

    /// Applies a decisions file saved from a review pack.
    pub fn import_review_decisions(
        &mut self,
        path: &Path,
        now: Timestamp,
    ) -> IpcResult<model::DecisionsImport> {
        Ok(self
            .project
            .as_mut()
            .ok_or_else(no_project)?
            .import_review_decisions(path, now)?)
    }

    /// Sets where else to look for a model (see [`ModelPlaces`]).
    pub fn set_model_places(&mut self, places: ModelPlaces) {
        self.places = places;
    }

    fn model_candidates(&self) -> IpcResult<Vec<PathBuf>> {
        let chosen = match &self.project {
            Some(p) => p.model_dir()?,
            None => None,
        };
        Ok(embed::candidates(
            chosen.as_deref(),
            self.places.env.as_deref(),
            self.places.data_dir.as_deref(),
        ))
    }

    pub fn model_status(&self) -> IpcResult<ModelStatus> {
        let candidates = self.model_candidates()?;
        let dir = embed::locate(&candidates);
        let chosen = match &self.project {
            Some(p) => p.model_dir()?.map(|d| d.display().to_string()),
            None => None,
        };
        Ok(ModelStatus {
            id: self
                .encoder
                .as_ref()
                .filter(|e| Some(&e.info().dir) == dir.as_ref())
                .map(|e| e.info().id()),
            help: dir
                .is_none()
                .then(|| embed::missing_model_help(&candidates)),
            dir: dir.map(|d| d.display().to_string()),
            chosen,
        })
    }

    /// Makes `dir` this project's model folder; it must hold a model that loads.
    pub fn choose_model(&mut self, dir: &Path, now: Timestamp) -> IpcResult<ModelStatus> {
        self.project
            .as_mut()
            .ok_or_else(no_project)?
            .set_model_dir(Some(dir), &actor_of(&self.profile), now)?;
        self.encoder = None;
        self.load_model()?;
        self.model_status()
    }

    /// The model to tag with: the loaded one if it is still the first place with a
    /// model, else loaded now.
    fn load_model(&mut self) -> IpcResult<&embed::Encoder> {
        let candidates = self.model_candidates()?;
        let Some(dir) = embed::locate(&candidates) else {
            return Err(IpcError {
                kind: ErrorKind::NotFound,
                message: embed::missing_model_help(&candidates),
            });
        };
        if self.encoder.as_ref().is_none_or(|e| e.info().dir != dir) {
            let encoder = embed::Encoder::load(&dir).map_err(engine::Error::from)?;
            self.encoder = Some(encoder);
        }
        Ok(self.encoder.as_ref().expect("just loaded"))
    }

    /// Auto-tags the project's changed modules; `progress` hears how far it is, and a
    /// `cancel` request stops it between batches, keeping what was saved.
    pub fn tag_modules(
        &mut self,
        cancel: &Cancel,
        now: Timestamp,
        progress: &mut dyn FnMut(TagProgress),
    ) -> IpcResult<model::TagReport> {
        cancel.reset();
        self.project()?;
        self.load_model()?;
        let (Some(project), Some(encoder)) = (self.project.as_mut(), self.encoder.as_ref()) else {
            return Err(no_project());
        };
        Ok(project.tag_modules(encoder, now, &mut |done, total| {
            progress(TagProgress { done, total });
            !cancel.requested()
        })?)
    }

    /// The review queue: model suggestions by state, skill and lowest confidence.
    pub fn review_queue(
        &self,
        state: Option<model::TagState>,
        skill: Option<&str>,
        min_confidence: Option<f64>,
    ) -> IpcResult<Vec<model::Tag>> {
        Ok(self.project()?.review_queue(state, skill, min_confidence)?)
    }

    /// Sets the state of the given suggestions (accept, reject, or back to suggested to
    /// undo), as one logged step; returns how many changed.
    pub fn decide_tags(
        &mut self,
        tags: &[(ModuleId, model::SkillId)],
        state: model::TagState,
        note: Option<&str>,
        now: Timestamp,
    ) -> IpcResult<usize> {
        Ok(self.project.as_mut().ok_or_else(no_project)?.decide_tags(
            tags,
            state,
            note,
            &actor_of(&self.profile),
            now,
        )?)
    }

    pub fn module_insight(&self, id: &ModuleId) -> IpcResult<model::ModuleInsight> {
        Ok(self.project()?.module_insight(id)?)
    }
}
