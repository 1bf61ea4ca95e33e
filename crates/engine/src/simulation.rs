//! Simulations as designers ask for them: the static path against the project's rules, or
//! against a signed rule bundle, or two bundle versions against each other — each turned
//! from its own curriculum (the project's, or the one the bundle carries) into the
//! simulator's input, run with progress and cancel.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::settings::{COHORT, EDITED_COHORT};
use crate::{AuditAction, Entry, Error, Project, Result};

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SimulationRequest {
    /// The cohort; the project's default cohort when `None`.
    pub cohort: Option<model::Cohort>,
    pub learners: u32,
    /// (The window's seeds stay below 2^53, which a JavaScript number holds exactly.)
    #[ts(type = "number")]
    pub seed: u64,
    /// No bundle: static path vs the project's rules. One: static path vs that bundle.
    /// Two: the static path, the first and the second, and what changed between them.
    pub bundles: Vec<PathBuf>,
}

/// One policy's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SimulationRun {
    /// "Static path", "Project rules" or "Bundle VERSION (FILE)".
    pub label: String,
    pub report: simulate::Report,
    /// Each segment's outcome gaps to the rest of the cohort under these rules against the
    /// same gaps on the static path (the first run), flagged where the rules widen them;
    /// empty for the static path itself.
    pub fairness: Vec<simulate::FairnessGap>,
}

/// A comparison: the runs side by side, all with the same learners and seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Simulation {
    pub learners: u32,
    /// (The window's seeds stay below 2^53, which a JavaScript number holds exactly.)
    #[ts(type = "number")]
    pub seed: u64,
    pub cohort: model::Cohort,
    pub runs: Vec<SimulationRun>,
    /// With two bundles: what changed from the first to the second.
    pub changes: Vec<bundle::Change>,
}

/// How far a simulation has got, over all its runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SimulationProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// A curriculum and rules to simulate — the project's, or a bundle's — and what runs on
/// its rules are called.
struct Source {
    curriculum: curriculum::Curriculum,
    label: String,
}

impl Source {
    /// The project's own curriculum `c`, under its own rules.
    fn project(c: curriculum::Curriculum) -> Source {
        Source {
            curriculum: c,
            label: "Project rules".to_owned(),
        }
    }
}

/// The most learners one simulation runs (memory stays bounded; time does not).
const MAX_LEARNERS: u32 = 10_000_000;

impl Project {
    /// The cohort simulations use when none is given: the one a person saved, else the
    /// library manifest's.
    pub fn default_cohort(&self) -> Result<Option<model::Cohort>> {
        match self.store.setting(&EDITED_COHORT)? {
            Some(c) => Ok(Some(c)),
            None => Ok(self.store.setting(&COHORT)?),
        }
    }

    /// Saves `cohort` as the project's default (kept across re-imports, which only
    /// refresh the library's own), or with `None` goes back to the library's; logged.
    pub fn set_cohort(
        &mut self,
        cohort: Option<&model::Cohort>,
        actor: &model::Actor,
        now: model::Timestamp,
    ) -> Result<()> {
        if let Some(c) = cohort {
            c.check().map_err(Error::BadCohort)?;
        }
        let before =
            serde_json::to_value(self.store.setting(&EDITED_COHORT)?).expect("cohorts serialise");
        let after = serde_json::to_value(cohort).expect("cohorts serialise");
        self.commit(
            actor,
            now,
            Entry::new(AuditAction::CohortSet, EDITED_COHORT.key(), &before, &after),
            |tx| {
                tx.set_setting(&EDITED_COHORT, cohort)?;
                Ok(())
            },
        )?;
        Ok(())
    }

    /// Simulates `learners` learners of `cohort` (else the default cohort) under the
    /// static path and under the project's rules, with the same seed.
    pub fn simulate(
        &self,
        cohort: Option<model::Cohort>,
        learners: usize,
        seed: u64,
    ) -> Result<(simulate::Report, simulate::Report)> {
        let request = SimulationRequest {
            cohort,
            learners: u32::try_from(learners).unwrap_or(u32::MAX),
            seed,
            bundles: Vec::new(),
        };
        let mut runs = self.run_simulation(&request, &mut |_| true)?.runs;
        let rules = runs.pop().expect("two runs").report;
        Ok((runs.pop().expect("two runs").report, rules))
    }

    /// Runs what `request` asks for; `progress` hears how far it got after each wave of
    /// learners and stops it by answering `false` (the error then has kind `cancelled`).
    pub fn run_simulation(
        &self,
        request: &SimulationRequest,
        progress: &mut dyn FnMut(SimulationProgress) -> bool,
    ) -> Result<Simulation> {
        if request.learners == 0 || request.learners > MAX_LEARNERS {
            return Err(Error::OutOfRange {
                what: "the number of learners to simulate",
                range: format!("between 1 and {MAX_LEARNERS}"),
                value: request.learners.to_string(),
            });
        }
        if request.bundles.len() > 2 {
            return Err(Error::OutOfRange {
                what: "the number of bundles compared",
                range: "at most two".to_owned(),
                value: request.bundles.len().to_string(),
            });
        }
        let cohort = self.cohort_or_default(request.cohort.clone())?;
        let mut bundles = Vec::new();
        for path in &request.bundles {
            bundles.push(read_bundle(path, self.trusted.as_deref())?);
        }
        let changes = match bundles.as_slice() {
            [(a, _), (b, _)] => bundle::diff(a, b).map_err(|e| Error::BadFile {
                path: request.bundles[1].clone(),
                reason: e.to_string(),
            })?,
            _ => Vec::new(),
        };
        let mut sources = Vec::new();
        for ((files, label), path) in bundles.iter().zip(&request.bundles) {
            sources.push(bundle_source(files, label.clone(), path)?);
        }
        if sources.is_empty() {
            sources.push(self.project_source()?);
        }
        let learners = request.learners as usize;
        let total = learners as u64 * (sources.len() as u64 + 1);
        let mut runs: Vec<SimulationRun> = Vec::new();
        // The static path on the first curriculum, then each set of rules; each source's
        // input (track paths included) is built once for all its runs.
        for (i, source) in sources.iter().enumerate() {
            let policies: &[simulate::Policy] = match i {
                0 => &[simulate::Policy::Static, simulate::Policy::Rules],
                _ => &[simulate::Policy::Rules],
            };
            self.with_source(source, &cohort, |input| -> Result<()> {
                for &policy in policies {
                    let before = runs.len() as u64 * learners as u64;
                    let report =
                        simulate::run(input, policy, learners, request.seed, &mut |done| {
                            progress(SimulationProgress {
                                done: before + done as u64,
                                total,
                            })
                        });
                    let label = match policy {
                        simulate::Policy::Static => "Static path".to_owned(),
                        simulate::Policy::Rules => source.label.clone(),
                    };
                    let report = report.ok_or(Error::Cancelled)?;
                    let fairness = match (policy, runs.first()) {
                        (simulate::Policy::Rules, Some(baseline)) => {
                            simulate::fairness(&baseline.report, &report)
                        }
                        _ => Vec::new(),
                    };
                    runs.push(SimulationRun {
                        label,
                        report,
                        fairness,
                    });
                }
                Ok(())
            })??;
        }
        Ok(Simulation {
            learners: request.learners,
            seed: request.seed,
            cohort,
            runs,
            changes,
        })
    }

    /// One simulated learner's journey — what they did and every rule decision, with its
    /// explanation — under the request's last set of rules (`rules: false`: the static
    /// path), with the same random stream as in the runs.
    pub fn simulation_journey(
        &self,
        request: &SimulationRequest,
        rules: bool,
        learner: u64,
    ) -> Result<simulate::Journey> {
        if learner >= u64::from(request.learners) {
            return Err(Error::OutOfRange {
                what: "a learner's number",
                range: format!(
                    "from 0 to {} in a run of {} learners",
                    request.learners - 1,
                    request.learners
                ),
                value: learner.to_string(),
            });
        }
        let cohort = self.cohort_or_default(request.cohort.clone())?;
        let source = match request.bundles.last() {
            Some(path) => {
                let (files, label) = read_bundle(path, self.trusted.as_deref())?;
                bundle_source(&files, label, path)?
            }
            None => self.project_source()?,
        };
        let policy = match rules {
            true => simulate::Policy::Rules,
            false => simulate::Policy::Static,
        };
        self.with_source(&source, &cohort, |input| {
            simulate::journey(input, policy, request.seed, learner)
        })
    }

    /// The rule decisions one simulated learner (number `learner`) meets, for "why".
    pub fn simulation_trace(
        &self,
        cohort: Option<model::Cohort>,
        seed: u64,
        learner: u64,
    ) -> Result<Vec<rules::Decision>> {
        let cohort = self.cohort_or_default(cohort)?;
        self.with_source(&self.project_source()?, &cohort, |input| {
            simulate::trace(input, seed, learner)
        })
    }

    /// Builds the simulator's input for `cohort` (else the default cohort) over the
    /// project's curriculum `c` and runs `f`.
    pub(crate) fn with_simulation<T>(
        &self,
        c: curriculum::Curriculum,
        cohort: Option<model::Cohort>,
        f: impl FnOnce(&simulate::Input<'_>) -> T,
    ) -> Result<T> {
        let cohort = self.cohort_or_default(cohort)?;
        self.with_source(&Source::project(c), &cohort, f)
    }

    fn cohort_or_default(&self, cohort: Option<model::Cohort>) -> Result<model::Cohort> {
        let cohort = match cohort {
            Some(c) => c,
            None => self.default_cohort()?.ok_or(Error::NoCohort)?,
        };
        cohort.check().map_err(Error::BadCohort)?;
        Ok(cohort)
    }

    /// The project's curriculum and rules.
    fn project_source(&self) -> Result<Source> {
        Ok(Source::project(self.curriculum()?))
    }

    /// Turns `source` into the simulator's input (calibrated BKT parameters from this
    /// project, by skill slug) and runs `f`.
    fn with_source<T>(
        &self,
        source: &Source,
        cohort: &model::Cohort,
        f: impl FnOnce(&simulate::Input<'_>) -> T,
    ) -> Result<T> {
        let prepared = simulate::Prepared::new(&source.curriculum)
            .map_err(|simulate::Cyclic(cycle)| Error::CyclicGraph(cycle))?;
        let fitted = self.fitted_bkt()?;
        let skill_bkt: Vec<Option<model::Bkt>> = prepared
            .skills()
            .iter()
            .map(|s| {
                fitted.get(s).map(|p| model::Bkt {
                    learn: p.learn,
                    guess: p.guess,
                    slip: p.slip,
                    forget: p.forget,
                })
            })
            .collect();
        Ok(prepared.with_input(&source.curriculum.rules, cohort, &skill_bkt, f))
    }
}

/// A bundle's files, after checking its hashes and signature (and, given `trusted`, that
/// one of those keys signed it), and its label.
fn read_bundle(
    path: &Path,
    trusted: Option<&[String]>,
) -> Result<(BTreeMap<String, Vec<u8>>, String)> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let bad = |e: bundle::Error| Error::BadFile {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let (manifest, signer) = bundle::verify(&bytes, None).map_err(bad)?;
    if let Some(trusted) = trusted {
        bundle::check_signer(&signer, trusted).map_err(bad)?;
    }
    let files = bundle::read(&bytes).map_err(bad)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((files, format!("Bundle {} ({name})", manifest.version)))
}

/// The curriculum and rules a bundle carries.
fn bundle_source(files: &BTreeMap<String, Vec<u8>>, label: String, path: &Path) -> Result<Source> {
    let curriculum = curriculum::Curriculum::from_bundle(files).map_err(|e| Error::BadFile {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(Source { curriculum, label })
}
