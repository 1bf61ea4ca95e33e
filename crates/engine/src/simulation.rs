//! Simulations as designers ask for them: the static path against the project's rules, or
//! against a signed rule bundle, or two bundle versions against each other — each turned
//! from its own curriculum (the project's, or the one the bundle carries) into the
//! simulator's input, run with progress and cancel.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use model::{Level, PrerequisiteGroup, TrackTarget};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::settings::{COHORT, EDITED_COHORT};
use crate::taxonomy::parent_slugs;
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

/// A curriculum and rules to simulate: the project's, or a bundle's.
struct Source {
    modules: Vec<SourceModule>,
    edges: Vec<graph::Edge>,
    tracks: Vec<(String, Vec<TrackTarget>)>,
    /// Skill slug → parent slug.
    parents: HashMap<String, String>,
    rules: rules::RuleSet,
    label: String,
}

struct SourceModule {
    key: String,
    id: String,
    title: String,
    minutes: u32,
    level: Option<Level>,
    tags: Vec<String>,
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
            bundles.push(read_bundle(path)?);
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
        let mut runs = Vec::new();
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
                    runs.push(SimulationRun {
                        label,
                        report: report.ok_or(Error::Cancelled)?,
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
                let (files, label) = read_bundle(path)?;
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
    /// project and runs `f`.
    pub(crate) fn with_simulation<T>(
        &self,
        cohort: Option<model::Cohort>,
        f: impl FnOnce(&simulate::Input<'_>) -> T,
    ) -> Result<T> {
        let cohort = self.cohort_or_default(cohort)?;
        self.with_source(&self.project_source()?, &cohort, f)
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
        let summaries = self.store.module_summaries()?;
        let edges = self.prerequisite_edges(&summaries)?;
        Ok(Source {
            edges,
            tracks: self
                .store
                .tracks()?
                .into_iter()
                .map(|t| (t.slug, t.targets))
                .collect(),
            parents: parent_slugs(&self.store.skills()?),
            rules: self.rules()?,
            label: "Project rules".to_owned(),
            modules: summaries
                .into_iter()
                .map(|m| SourceModule {
                    key: m.source_path,
                    id: m.id.0,
                    title: m.title,
                    minutes: m.duration_minutes,
                    level: m.level,
                    tags: m.tags,
                })
                .collect(),
        })
    }

    /// Turns `source` into the simulator's input (calibrated BKT parameters from this
    /// project, by skill slug) and runs `f`.
    fn with_source<T>(
        &self,
        source: &Source,
        cohort: &model::Cohort,
        f: impl FnOnce(&simulate::Input<'_>) -> T,
    ) -> Result<T> {
        let set = &source.rules;
        let infos: Vec<rules::ModuleInfo> = source
            .modules
            .iter()
            .map(|m| rules::ModuleInfo {
                key: m.key.clone(),
                id: m.id.clone(),
                title: m.title.clone(),
                tags: m.tags.clone(),
            })
            .collect();
        let track_slugs: Vec<String> = source.tracks.iter().map(|t| t.0.clone()).collect();
        let edges: Vec<(usize, usize)> = source.edges.iter().map(|e| (e.before, e.after)).collect();
        let curriculum = rules::Curriculum {
            modules: &infos,
            tracks: &track_slugs,
            edges: &edges,
        };
        let mut slugs: Vec<&str> = source
            .modules
            .iter()
            .flat_map(|m| m.tags.iter().map(String::as_str))
            .collect();
        slugs.sort_unstable();
        slugs.dedup();
        let (mut scored, mut placing) = (Vec::new(), Vec::new());
        for r in &set.rules {
            match &r.body {
                rules::RuleBody::Placement { assessment, .. } => placing.push(assessment.as_str()),
                rules::RuleBody::Remediation { assessment, .. } => scored.push(assessment.as_str()),
                rules::RuleBody::CertificationReadiness { min_scores, .. } => {
                    scored.extend(min_scores.iter().map(|m| m.module.as_str()))
                }
                _ => {}
            }
        }
        let modules: Vec<simulate::SimModule> = source
            .modules
            .iter()
            .map(|m| simulate::SimModule {
                key: m.key.clone(),
                title: m.title.clone(),
                minutes: m.minutes,
                skills: m
                    .tags
                    .iter()
                    .filter_map(|t| slugs.binary_search(&t.as_str()).ok())
                    .collect(),
                assessment: scored.contains(&m.key.as_str()) || placing.contains(&m.key.as_str()),
                placement: placing.contains(&m.key.as_str()),
            })
            .collect();
        let tracks = sim_tracks(source)?;
        let fitted = self.fitted_bkt()?;
        let skill_bkt: Vec<Option<model::Bkt>> = slugs
            .iter()
            .map(|s| {
                fitted.get(*s).map(|p| model::Bkt {
                    learn: p.learn,
                    guess: p.guess,
                    slip: p.slip,
                    forget: p.forget,
                })
            })
            .collect();
        let input = simulate::Input {
            modules: &modules,
            tracks: &tracks,
            skills: slugs.len(),
            rules: set,
            curriculum: &curriculum,
            cohort,
            skill_bkt: &skill_bkt,
            pass_mark: rules::DEFAULT_PASS_MARK,
        };
        Ok(f(&input))
    }
}

/// Each track's path by module index (computed on one graph for all of them); without
/// tracks (a catalog export), the whole catalogue in prerequisite order.
fn sim_tracks(source: &Source) -> Result<Vec<simulate::SimTrack>> {
    let nodes = source
        .modules
        .iter()
        .map(|m| graph::Node {
            id: m.id.clone(),
            name: m.title.clone(),
        })
        .collect();
    let g = graph::Graph::new(nodes, &source.edges);
    let cyclic = graph::lint(&g)
        .into_iter()
        .find(crate::prerequisites::is_cycle);
    if let Some(cycle) = cyclic {
        if !source.tracks.is_empty() {
            return Err(Error::CyclicGraph(cycle.message));
        }
    }
    let minutes: Vec<u32> = source.modules.iter().map(|m| m.minutes).collect();
    let levels: Vec<Option<Level>> = source.modules.iter().map(|m| m.level).collect();
    let tags: Vec<Vec<String>> = source.modules.iter().map(|m| m.tags.clone()).collect();
    let curriculum = graph::Curriculum {
        minutes: &minutes,
        levels: &levels,
        tags: &tags,
        parents: &source.parents,
    };
    let mut tracks: Vec<simulate::SimTrack> = source
        .tracks
        .iter()
        .map(|(slug, targets)| {
            let steps = graph::track_path(&g, &curriculum, targets).steps;
            simulate::SimTrack {
                slug: slug.clone(),
                path: steps.iter().map(|s| s.0).collect(),
                support: steps
                    .iter()
                    .filter(|s| matches!(s.1, graph::Reason::RequiredBy(_)))
                    .map(|s| s.0)
                    .collect(),
            }
        })
        .collect();
    if tracks.is_empty() && !source.modules.is_empty() {
        tracks.push(simulate::SimTrack {
            slug: "all-modules".to_owned(),
            path: prerequisite_order(source.modules.len(), &source.edges),
            support: Vec::new(),
        });
    }
    Ok(tracks)
}

/// Module indices with every module after its prerequisites (Kahn's algorithm, ties in
/// list order; modules on a cycle come last).
fn prerequisite_order(n: usize, edges: &[graph::Edge]) -> Vec<usize> {
    let mut needs = vec![0usize; n];
    let mut unlocks = vec![Vec::new(); n];
    for e in edges {
        needs[e.after] += 1;
        unlocks[e.before].push(e.after);
    }
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&i| needs[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    while let Some(i) = ready.pop_first() {
        order.push(i);
        placed[i] = true;
        for &j in &unlocks[i] {
            needs[j] -= 1;
            if needs[j] == 0 {
                ready.insert(j);
            }
        }
    }
    order.extend((0..n).filter(|&i| !placed[i]));
    order
}

/// A bundle's files, after checking its hashes and signature, and its label.
fn read_bundle(path: &Path) -> Result<(BTreeMap<String, Vec<u8>>, String)> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let bad = |e: bundle::Error| Error::BadFile {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let (manifest, _signer) = bundle::verify(&bytes, None).map_err(bad)?;
    let files = bundle::read(&bytes).map_err(bad)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((files, format!("Bundle {} ({name})", manifest.version)))
}

/// The curriculum and rules a bundle carries.
fn bundle_source(files: &BTreeMap<String, Vec<u8>>, label: String, path: &Path) -> Result<Source> {
    let bad = |reason: String| Error::BadFile {
        path: path.to_owned(),
        reason,
    };
    let json = |name: &str| {
        files
            .get(name)
            .ok_or_else(|| bad(format!("the bundle has no {name}")))
    };
    let doc: bundle::GraphDoc =
        serde_json::from_slice(json("graph.json")?).map_err(|e| bad(format!("graph.json: {e}")))?;
    let set: rules::RuleSet =
        serde_json::from_slice(json("rules.json")?).map_err(|e| bad(format!("rules.json: {e}")))?;
    let case = String::from_utf8_lossy(json("taxonomy.case.json")?).into_owned();
    let framework = exchange::case_import(&path.join("taxonomy.case.json"), &case)?;
    let index: HashMap<&str, usize> = doc
        .modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.path.as_str(), i))
        .collect();
    let mut edges = Vec::new();
    for (before, after) in &doc.edges {
        let (Some(&b), Some(&a)) = (index.get(before.as_str()), index.get(after.as_str())) else {
            return Err(bad(format!(
                "graph.json: the edge {before} → {after} names a module it does not list"
            )));
        };
        edges.push(graph::Edge {
            before: b,
            after: a,
            group: doc
                .requirements
                .get(after)
                .copied()
                .unwrap_or(PrerequisiteGroup::AllOf),
        });
    }
    Ok(Source {
        edges,
        tracks: doc
            .tracks
            .into_iter()
            .map(|t| (t.slug, t.targets))
            .collect(),
        parents: framework
            .skills
            .iter()
            .filter_map(|s| Some((s.slug.clone(), s.parent.clone()?)))
            .collect(),
        rules: set,
        label,
        modules: doc
            .modules
            .into_iter()
            .map(|m| SourceModule {
                id: m.path.clone(),
                key: m.path,
                title: m.title,
                minutes: m.duration_minutes,
                level: m.level,
                tags: m.skills,
            })
            .collect(),
    })
}
