//! The window's simulation and export commands: cohorts, runs with progress, a learner's
//! journey, the "why" view, and LMS exports previewed and written.

use super::*;

impl Session {
    /// What exporting would write and change, without writing.
    pub fn preview_export(&self, request: &ExportRequest) -> IpcResult<ExportPreview> {
        let export = self.build_export(request)?;
        let diff = self
            .project()?
            .export_diff(&export, Path::new(&request.folder))?;
        Ok(preview(export, diff, false))
    }

    /// Writes the export (atomically) and logs it; `progress` hears how many files are
    /// written, and a `cancel` request stops it before the folder is put in place (kind
    /// `cancelled`; the folder and the log are as they were).
    pub fn export(
        &mut self,
        request: &ExportRequest,
        cancel: &Cancel,
        progress: &mut dyn FnMut(ExportProgress),
        now: Timestamp,
    ) -> IpcResult<ExportPreview> {
        cancel.reset();
        let export = self.build_export(request)?;
        let folder = Path::new(&request.folder);
        let project = self.project.as_mut().ok_or_else(no_project)?;
        let diff = project.write_export_with(&export, folder, &mut |w| {
            progress(ExportProgress {
                done: w.files,
                total: w.of_files,
                bytes_done: w.bytes,
                bytes_total: w.of_bytes,
            });
            !cancel.requested()
        })?;
        project.record_export(&export, folder, &actor_of(&self.profile), now)?;
        Ok(preview(export, diff, true))
    }

    /// Sends the project's curriculum (or its simulated learners' statements) to a
    /// learning record store, each statement once; `progress` hears each batch, and a
    /// `cancel` request stops between batches (what the LRS recorded stays there and a
    /// later sync skips it). A sync that sent statements is logged at `now` (the LRS's
    /// address, what and how many); nothing else in the project changes.
    pub fn sync_lrs(
        &mut self,
        request: &LrsRequest,
        cancel: &Cancel,
        progress: &mut dyn FnMut(LrsProgress),
        now: Timestamp,
    ) -> IpcResult<lrs::SyncReport> {
        cancel.reset();
        let project = self.project()?;
        let bad = |message: String| IpcError {
            kind: ErrorKind::BadInput,
            message,
        };
        let credentials_file = match request
            .credentials
            .as_deref()
            .filter(|c| !c.trim().is_empty())
        {
            Some(path) => Some(PathBuf::from(path)),
            None => self
                .profile_dir
                .as_ref()
                .map(|d| d.join(lrs::CREDENTIALS_FILE))
                .filter(|f| f.exists()),
        };
        let credentials = match &credentials_file {
            Some(file) => lrs::read_credentials(file, request.endpoint.trim())?,
            None => None,
        };
        let lrs = lrs::Lrs::new(
            request.endpoint.trim(),
            credentials,
            lrs::Patience::default(),
        )?;
        let outgoing = match request.source {
            LrsSource::Curriculum => {
                // The bundle `pathforge bundle build` would make of the project now, so
                // the window and the CLI publish the same statements.
                let dir = self.profile_dir.as_ref().ok_or_else(|| {
                    bad("no config folder: the curriculum is published under this machine's signing key".to_owned())
                })?;
                let key = engine::machine_key(dir).map_err(IpcError::from)?.0;
                let (ids, files) = project.bundle_files()?;
                let author = match actor_of(&self.profile) {
                    Actor::Person { name, .. } => name,
                    _ => "pathforge".to_owned(),
                };
                let bytes = bundle::build(&ids, "unreleased", &author, &files, &key, now.0, None)
                    .map_err(|e| bad(e.to_string()))?;
                let files = bundle::read(&bytes).map_err(|e| bad(e.to_string()))?;
                lrs::statements::of_bundle(&files).map_err(bad)?
            }
            LrsSource::SimulatedLearners => {
                let export =
                    project.export(lms::Target::Xapi, &engine::ExportOptions::default())?;
                let text = export
                    .files
                    .get("statements.json")
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default();
                lrs::statements::of_file(&text).map_err(bad)?
            }
        };
        let progress = std::cell::RefCell::new(progress);
        let result = lrs.sync(
            &outgoing,
            request.dry_run,
            &|done, total| {
                (progress.borrow_mut())(LrsProgress {
                    done: done as u32,
                    total: total as u32,
                })
            },
            cancel.flag(),
        );
        // What the LRS recorded is logged, a sync stopped part way included.
        let (sent, already) = match &result {
            Ok(r) if !r.dry_run => (r.sent.len(), Some(r.already)),
            Ok(_) => (0, None),
            Err(e) => (e.recorded(), None),
        };
        if sent > 0 {
            let what = match request.source {
                LrsSource::Curriculum => "curriculum",
                LrsSource::SimulatedLearners => "simulated learners",
            };
            let actor = actor_of(&self.profile);
            self.project.as_mut().ok_or_else(no_project)?.record_sync(
                lrs.endpoint(),
                what,
                sent,
                already,
                &actor,
                now,
            )?;
        }
        Ok(result?)
    }

    fn build_export(&self, request: &ExportRequest) -> IpcResult<lms::Export> {
        if request.folder.trim().is_empty() {
            return Err(IpcError {
                kind: ErrorKind::BadInput,
                message: "choose a folder to export to".to_owned(),
            });
        }
        if !Path::new(&request.folder).is_absolute() {
            return Err(IpcError {
                kind: ErrorKind::BadInput,
                message: format!(
                    "{:?} is not a full path: give the folder from the root (or use Browse…)",
                    request.folder
                ),
            });
        }
        let project = self.project()?;
        let mapping = match request.mapping.as_deref().filter(|m| !m.trim().is_empty()) {
            Some(path) => project.read_mapping(Path::new(path))?,
            None => Vec::new(),
        };
        // No signing key here: the engine refuses the bundle target, saying where to build it.
        let options = engine::ExportOptions {
            mapping,
            remote_images: request.remote_images,
            carry_items: request.carry_items,
            ..Default::default()
        };
        Ok(project.export(request.target, &options)?)
    }

    pub fn why(&self, learner: &SampleLearner) -> IpcResult<Vec<rules::Decision>> {
        Ok(self.project()?.why(&learner.attributes, &learner.scores)?)
    }

    /// Runs a simulation; `progress` hears how far it is, and a `cancel` request stops it
    /// (kind `cancelled`). Nothing is written.
    pub fn simulate(
        &self,
        request: &engine::SimulationRequest,
        cancel: &Cancel,
        progress: &mut dyn FnMut(engine::SimulationProgress),
    ) -> IpcResult<engine::Simulation> {
        cancel.reset();
        Ok(self.project()?.run_simulation(request, &mut |p| {
            progress(p);
            !cancel.requested()
        })?)
    }

    /// One simulated learner's journey and the rule decisions on it.
    pub fn simulation_journey(
        &self,
        request: &engine::SimulationRequest,
        rules: bool,
        learner: u64,
    ) -> IpcResult<simulate::Journey> {
        Ok(self
            .project()?
            .simulation_journey(request, rules, learner)?)
    }

    /// The cohort simulations start from (saved, else the library's), if any.
    pub fn cohort(&self) -> IpcResult<Option<model::Cohort>> {
        Ok(self.project()?.default_cohort()?)
    }

    /// Saves the project's cohort (`None`: back to the library's); returns the cohort now
    /// in force.
    pub fn set_cohort(
        &mut self,
        cohort: Option<model::Cohort>,
        now: Timestamp,
    ) -> IpcResult<Option<model::Cohort>> {
        let project = self.project.as_mut().ok_or_else(no_project)?;
        project.set_cohort(cohort.as_ref(), &actor_of(&self.profile), now)?;
        Ok(project.default_cohort()?)
    }
}
