//! LMS exports: gathers the project into an `lms::Course`, lets the `lms` crate compile
//! it, and writes the result as a folder atomically — built beside the destination under a
//! temporary name and renamed into place — reporting what changed since the previous
//! export in that folder. A folder is only ever replaced if it holds this project's
//! earlier export and nothing else (see [`MARKER`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lms::ExportDiff;
use model::{Actor, ModuleId, Severity, SkillId, Timestamp};
use serde_json::Value;

use crate::{AuditAction, Entry, Error, Project, Result};

/// Audit actions that change nothing an export carries (shipping, the model folder, model
/// suggestions): they do not move the time stamped into outputs, so exporting twice gives
/// the same bytes.
const SHIPPING: [AuditAction; 5] = [
    AuditAction::BundleBuilt,
    AuditAction::ExportWritten,
    AuditAction::LrsSynced,
    AuditAction::ModelChosen,
    AuditAction::ModulesTagged,
];

impl Project {
    /// The content files of a rule bundle — `rules.json`, `taxonomy.case.json`,
    /// `graph.json` — and the bundle id. Refused while the graph or the rules have errors:
    /// nothing ships that cannot run. Time inside the files is the project's last change,
    /// so the same project always gives the same bytes.
    pub fn bundle_files(&self) -> Result<BundleContent> {
        let c = self.curriculum()?;
        self.refuse_errors_in(&c)?;
        let project = self.store.project()?;
        // Building a bundle is itself logged; that must not change the next build.
        let last_change = self.last_change()?;
        let rules = serde_json::to_vec_pretty(&c.rules).expect("rules serialise");
        let case =
            serde_json::to_vec_pretty(&exchange::case_export(&self.framework()?, last_change))
                .expect("JSON values serialise");
        let graph = c.graph_doc();
        let graph = serde_json::to_vec_pretty(&graph).expect("graphs serialise");
        let ids = bundle::Ids {
            bundle: SkillId::derive(&project.id, "\u{1f}bundle").0,
            course: project.id.to_string(),
        };
        Ok((
            ids,
            vec![
                ("graph.json".to_owned(), graph),
                ("rules.json".to_owned(), rules),
                ("taxonomy.case.json".to_owned(), case),
            ],
        ))
    }

    /// Records that a bundle was built (the audit log is the history of what shipped).
    pub fn record_bundle(
        &mut self,
        version: &str,
        path: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let project = self.store.project()?;
        let after = serde_json::json!({ "version": version, "file": crate::audit::named(path) });
        let entry = Entry::new(
            AuditAction::BundleBuilt,
            project.id.as_str(),
            &Value::Null,
            &after,
        );
        self.commit(actor, now, entry, |_| Ok(()))?;
        Ok(())
    }
}

/// What `module` was at its source when that was interactive content an export cannot
/// carry as text: a SCORM or cmi5 package's launchable item, or a cartridge's assessment.
/// `library` is where its library was imported from: when that is the package itself,
/// the package is named by its file name.
fn interactive_source(module: &model::Module, library: Option<&Path>) -> Option<String> {
    let standard = match module.extra.get("package")?.as_str()? {
        "scorm2004" => "a SCORM 2004 item",
        "scorm12" => "a SCORM 1.2 item",
        "cmi5" => "a cmi5 assignable unit",
        "imscc" if module.extra.contains_key("assessment") => "a Common Cartridge assessment",
        _ => return None,
    };
    let whole = library
        .filter(|l| ingest::is_package(l) && !module.source_path.contains('/'))
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned());
    let package = whole.unwrap_or_else(|| {
        let path = &module.source_path;
        path.rsplit_once('/')
            .map_or(path.as_str(), |(p, _)| p)
            .to_owned()
    });
    Some(match module.extra.get("launch").and_then(|l| l.as_str()) {
        Some(launch) => format!("{standard} (launch {launch}) of {package}"),
        None => format!("{standard} of {package}"),
    })
}

/// A bundle's id and its content files (name, bytes).
pub type BundleContent = (bundle::Ids, Vec<(String, Vec<u8>)>);

/// What an export needs beyond the project. The defaults serve every target but the
/// signed bundle, which needs [`Signing`].
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Module references (id, path or exact title) paired with the LMS's ids for them
    /// (LMS targets), so the export references real LMS objects.
    pub mapping: Vec<(String, String)>,
    /// The key, version and author a bundle is signed with (target bundle).
    pub signing: Option<Signing>,
    /// Who the simulated learners are (target xapi; else the library's default cohort,
    /// else one generic segment named as such).
    pub cohort: Option<model::Cohort>,
    /// How many simulated learners' statements to write (target xapi).
    pub learners: u64,
    /// The simulation's seed (target xapi): the same seed gives the same statements.
    pub seed: u64,
    /// Let module pages show `https:` images from the web (page-writing targets). Off by
    /// default: an exported page then fetches nothing when a learner opens it, and each
    /// image is its alt text.
    pub remote_images: bool,
    /// Carry package items as they are (SCORM 2004 items into SCORM 2004, SCORM 1.2 into
    /// SCORM 1.2): the package's own files, the item launched as its LMS launched it, so
    /// its questions are asked and its score reported. Off by default: the item's own
    /// scripts then run in the learner's LMS, which an admin opts in to.
    pub carry_items: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            mapping: Vec::new(),
            signing: None,
            cohort: None,
            learners: 20,
            seed: 1,
            remote_images: false,
            carry_items: false,
        }
    }
}

/// What a bundle is signed with.
#[derive(Debug, Clone)]
pub struct Signing {
    pub key: bundle::SigningKey,
    pub version: String,
    pub author: String,
}

impl Project {
    /// Compiles the project for `target` — the one export entry point that the CLI and
    /// the desktop share. Refused while the graph or the rules have errors: nothing ships
    /// that cannot run; and refused when the project has nothing the target carries (no
    /// modules for a package, no skills for CASE). Nothing is written: see
    /// [`Project::write_export`].
    pub fn export(&self, target: lms::Target, options: &ExportOptions) -> Result<lms::Export> {
        match target {
            lms::Target::Bundle => {
                let signing = options.signing.as_ref().ok_or(Error::Unsigned)?;
                self.export_bundle(signing)
            }
            lms::Target::Xapi => {
                self.export_xapi(options.cohort.clone(), options.learners, options.seed)
            }
            _ => {
                let c = self.curriculum()?;
                self.refuse_errors_in(&c)?;
                // Items are carried only into their own SCORM version, and if asked.
                let carry = target.carries().filter(|_| options.carry_items);
                let course = self.course(&c, options, carry)?;
                Ok(lms::compile(&course, target)?)
            }
        }
    }

    /// The signed rule bundle as an export: every rule is carried whole and runs in
    /// Pathforge's runtime. Signed at the project's last change, so the same project and
    /// key give the same bytes.
    fn export_bundle(&self, signing: &Signing) -> Result<lms::Export> {
        let Signing {
            key,
            version,
            author,
        } = signing;
        let (id, files) = self.bundle_files()?;
        // No audit head here: recording this export adds to the log, and the same project
        // must give the same bytes (`pathforge bundle build` carries the head).
        let bytes = bundle::build(
            &id,
            version,
            author,
            &files,
            key,
            self.last_change()?.0,
            None,
        )?;
        let name: String = self
            .info()?
            .name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let name = name.trim_start_matches('.');
        let rules = self
            .rules()?
            .rules
            .iter()
            .map(|r| lms::RuleCoverage {
                rule: r.id.clone(),
                kind: r.body.kind().to_owned(),
                status: lms::Status::Expressed,
                how: "carried whole in rules.json and run by Pathforge's rule runtime".to_owned(),
            })
            .collect();
        let coverage = lms::Coverage {
            target: lms::Target::Bundle,
            rules,
            unmapped: Vec::new(),
            text_only: Vec::new(),
        };
        let mut out = BTreeMap::new();
        out.insert(format!("{name}-{version}.pathforge-bundle.zip"), bytes);
        let mut json = serde_json::to_vec_pretty(&coverage).expect("plain data serialises");
        json.push(b'\n');
        out.insert("coverage.json".to_owned(), json);
        Ok(lms::Export {
            target: lms::Target::Bundle,
            files: out,
            copied: BTreeMap::new(),
            coverage,
        })
    }

    /// xAPI statements for `learners` simulated learners of `cohort` (else the library's
    /// default cohort, else one generic segment, named as such in the statements) going
    /// through the rules, with seed `seed`: the same inputs give the same statements.
    fn export_xapi(
        &self,
        cohort: Option<model::Cohort>,
        learners: u64,
        seed: u64,
    ) -> Result<lms::Export> {
        let c = self.curriculum()?;
        self.refuse_errors_in(&c)?;
        let cohort = match cohort {
            Some(c) => Some(c),
            None => Some(self.default_cohort()?.unwrap_or_else(generic_cohort)),
        };
        let course = self.course(&c, &ExportOptions::default(), None)?;
        let journeys: Vec<simulate::Journey> = self.with_simulation(c, cohort, |input| {
            (0..learners)
                .map(|i| simulate::journey(input, simulate::Policy::Rules, seed, i))
                .collect()
        })?;
        let learners: Vec<lms::Learner<'_>> = journeys
            .iter()
            .map(|j| lms::Learner {
                name: &j.learner,
                segment: &j.segment,
                events: &j.events,
            })
            .collect();
        Ok(lms::xapi(&course, &learners)?)
    }

    /// Refuses to ship a curriculum `c` (the project's, as it is now) with errors: in the
    /// graph, the tracks, the taxonomy or the rules.
    pub(crate) fn refuse_errors_in(&self, c: &curriculum::Curriculum) -> Result<()> {
        let problems: Vec<model::Finding> = self
            .check_graph_of(c, false)?
            .into_iter()
            .chain(crate::rule_set::rule_findings(c))
            .filter(|f| f.severity == Severity::Error)
            .collect();
        match problems.first() {
            Some(first) => Err(Error::NotShippable {
                count: problems.len(),
                first: first.message.clone(),
            }),
            None => Ok(()),
        }
    }

    /// The time of the project's last change (shipping does not count).
    pub(crate) fn last_change(&self) -> Result<Timestamp> {
        let project = self.store.project()?;
        let shipping = SHIPPING.map(AuditAction::as_str);
        Ok(self
            .store
            .last_logged_except(&shipping)?
            .unwrap_or(project.created_at))
    }

    /// The course of `c`, which [`Project::refuse_errors_in`] has passed (so its graph has
    /// no cycle and its tracks have paths), carrying the items that speak `carry`, each
    /// package read once from where its library was imported from.
    fn course(
        &self,
        c: &curriculum::Curriculum,
        options: &ExportOptions,
        carry: Option<lms::Standard>,
    ) -> Result<lms::Course> {
        let project = self.store.project()?;
        let libraries: BTreeMap<String, PathBuf> = self
            .store
            .libraries()?
            .into_iter()
            .map(|l| (l.id.to_string(), PathBuf::from(l.source_path)))
            .collect();
        let mut pages = Vec::new();
        let mut packages = Packages::default();
        for m in &c.modules {
            let full = self.module(&ModuleId(m.id.clone()))?;
            let library = libraries.get(&full.library_id.to_string());
            // An item on the web is launched from there, never carried.
            let remote = full
                .extra
                .get("launch")
                .and_then(Value::as_str)
                .is_some_and(|l| l.contains("://"));
            let speaks = match full.extra.get("package").and_then(Value::as_str) {
                _ if remote => None,
                Some("scorm2004") => Some(lms::Standard::Scorm2004),
                Some("scorm12") => Some(lms::Standard::Scorm12),
                _ => None,
            };
            let carried = match (library, carry) {
                (Some(root), Some(_)) if speaks == carry => packages.carry(&full, root)?,
                _ => None,
            };
            pages.push(lms::Page {
                interactive: interactive_source(&full, library.map(PathBuf::as_path)),
                speaks,
                carried,
                body: full.body,
            });
        }
        let mut map = BTreeMap::new();
        let modules = self.store.module_summaries()?;
        for (reference, lms_id) in &options.mapping {
            let module = crate::import::find_module(&modules, reference)?;
            map.insert(module.source_path.clone(), lms_id.clone());
        }
        let about = lms::About {
            id: project.id.to_string(),
            title: project.name,
            description: String::new(),
            framework: self.framework()?,
            changed: self.last_change()?,
            mapping: map,
            remote_images: options.remote_images,
            packages: packages.files,
        };
        Ok(lms::Course::of(c, pages, about))
    }

    /// Records that statements went to a learning record store: its address (never
    /// credentials: an address holding a password is refused before any sync), what was
    /// sent (`curriculum` or `simulated learners`) and how many; `already`, how many it had
    /// before, is `None` for a sync that stopped part way.
    pub fn record_sync(
        &mut self,
        lrs: &str,
        what: &str,
        sent: usize,
        already: Option<usize>,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let project = self.store.project()?;
        let after = serde_json::json!({
            "lrs": lrs,
            "what": what,
            "sent": sent,
            "already": already,
        });
        let entry = Entry::new(
            AuditAction::LrsSynced,
            project.id.as_str(),
            &Value::Null,
            &after,
        );
        self.commit(actor, now, entry, |_| Ok(()))
    }

    /// Records that an export was written (the audit log is the history of what shipped).
    pub fn record_export(
        &mut self,
        export: &lms::Export,
        out: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        let project = self.store.project()?;
        let after = serde_json::json!({
            "target": export.target.name(),
            "folder": crate::audit::named(out),
            "files": export.names().count(),
        });
        let entry = Entry::new(
            AuditAction::ExportWritten,
            project.id.as_str(),
            &Value::Null,
            &after,
        );
        self.commit(actor, now, entry, |_| Ok(()))?;
        Ok(())
    }
}

/// The packages an export carries items from, each listed once (their files are copied
/// from them when the export is written).
#[derive(Default)]
struct Packages {
    /// By name under `items/`: each file by its path under the package's manifest.
    files: BTreeMap<String, BTreeMap<String, lms::Copied>>,
    /// Package file → (its name, the folder its manifest sits in).
    read: BTreeMap<PathBuf, (String, String)>,
}

impl Packages {
    /// `module`, an item of a package in the library imported from `root`, as carried:
    /// its package listed (once), its launch and pages under the package's manifest folder,
    /// what kind of resource it is and who reports its status. A package that cannot be
    /// read (moved, deleted, not a readable zip) refuses the export, naming it: the admin
    /// asked for the items.
    fn carry(&mut self, module: &model::Module, root: &Path) -> Result<Option<lms::Carried>> {
        let Some(launch) = module.extra.get("launch").and_then(Value::as_str) else {
            return Ok(None);
        };
        let cannot = |path: &Path, why: String| -> Error {
            ingest::Error::BadInput {
                path: path.to_owned(),
                reason: format!(
                    "“{}” cannot be carried: {why}; import the library again from where it is \
                     now, or export without carrying items",
                    module.title
                ),
            }
            .into()
        };
        let Some((package, _)) = ingest::package_of(root, &module.source_path) else {
            return Err(cannot(root, "its package is no longer there".to_owned()));
        };
        if !self.read.contains_key(&package) {
            let (base, files) = ingest::package_files(&package).map_err(|e| {
                let why = match e.kind() {
                    model::ErrorKind::NotFound => "its package is no longer there".into(),
                    _ => format!("its package could not be read ({})", e.reason()),
                };
                cannot(&package, why)
            })?;
            let name = package_name(&package, &self.files);
            let files = files
                .into_iter()
                .map(|(under, file)| {
                    let copied = lms::Copied {
                        package: package.clone(),
                        path: file.path,
                        size: file.size,
                    };
                    (under, copied)
                })
                .collect();
            self.files.insert(name.clone(), files);
            self.read.insert(package.clone(), (name, base));
        }
        let (name, base) = &self.read[&package];
        let under = |path: &str| path.strip_prefix(base.as_str()).unwrap_or(path).to_owned();
        let parameters = module
            .extra
            .get("launch_parameters")
            .and_then(Value::as_str)
            .unwrap_or("");
        let pages = module
            .extra
            .get("pages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(under)
            .collect();
        let delivery = module
            .extra
            .get("sequencing")
            .map_or(&Value::Null, |s| &s["delivery"]);
        let set_by_content = |what: &str| delivery[what].as_bool().unwrap_or(false);
        let said = |what: &str| {
            let data = module.extra.get("item_data")?;
            data.get(what)?.as_str().map(str::to_owned)
        };
        Ok(Some(lms::Carried {
            launch_data: said("data_from_lms"),
            time_limit_action: said("time_limit_action"),
            max_time_allowed: said("max_time_allowed"),
            mastery_score: said("mastery_score").and_then(|s| s.trim().parse().ok()),
            // A resource that does not say (SCORM requires it to) is taken as a SCO.
            sco: module.extra.get("scorm_type").and_then(Value::as_str) != Some("asset"),
            completion_set_by_content: set_by_content("completion_set_by_content"),
            objective_set_by_content: set_by_content("objective_set_by_content"),
            pages,
            package: name.clone(),
            launch: format!("{}{parameters}", under(launch)),
        }))
    }
}

/// A carried package's folder name under `items/`: its file name without the extension,
/// kept to letters, digits, `-`, `_` and `.` (a valid part of a manifest identifier after
/// `P-`), numbered when two packages would share it.
fn package_name(package: &Path, taken: &BTreeMap<String, BTreeMap<String, lms::Copied>>) -> String {
    let stem = package
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut clean = String::new();
    for c in stem.chars() {
        match c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            true => clean.push(c),
            false if !clean.ends_with('-') => clean.push('-'),
            false => {}
        }
    }
    let clean = match clean.trim_matches(['-', '.']) {
        "" => "package".to_owned(),
        c => c.to_owned(),
    };
    (1..)
        .map(|n| match n {
            1 => clean.clone(),
            n => format!("{clean}-{n}"),
        })
        .find(|name| !taken.contains_key(name))
        .expect("some number is free")
}

/// Who simulated learners are when the project declares no cohort (a catalog export):
/// one segment of typical newcomers, named so that nobody mistakes it for a real one.
fn generic_cohort() -> model::Cohort {
    model::Cohort {
        segments: vec![model::Segment {
            name: "Generic learners (no cohort declared)".to_owned(),
            share: 1.0,
            attributes: Default::default(),
            prior: 0.3,
            speed: 1.0,
            weekly_minutes: 120,
            dropout_per_week: 0.02,
            reengage_response: 0.5,
        }],
        bkt: Default::default(),
    }
}

/// The file that marks a folder as a Pathforge export: which project and target wrote
/// it, and the files it wrote. Only such a folder, of the same project, holding nothing
/// else, is ever replaced.
pub const MARKER: &str = ".pathforge-export.json";

#[derive(serde::Serialize, serde::Deserialize)]
struct Marker {
    project: String,
    target: String,
    files: Vec<String>,
}

impl Project {
    /// Writes the export as the folder `out`, replacing an earlier export of this project
    /// there. The folder is complete (files synced) before it takes the name; if the swap
    /// fails, the earlier export is put back.
    pub fn write_export(&self, export: &lms::Export, out: &Path) -> Result<ExportDiff> {
        self.write_export_with(export, out, &mut |_, _| true)
    }

    /// [`Project::write_export`], calling `progress(files written, files)` every few
    /// hundred files; `progress` returning false stops it (kind `cancelled`) before the
    /// folder is put in place: `out` stays as it was.
    pub fn write_export_with(
        &self,
        export: &lms::Export,
        out: &Path,
        progress: &mut dyn FnMut(u32, u32) -> bool,
    ) -> Result<ExportDiff> {
        let project = self.store.project()?.id.to_string();
        let previous = previous_export(out, &project)?;
        for name in export.names() {
            let plain = Path::new(name)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !plain || name == MARKER {
                return Err(Error::ExportFolder {
                    path: PathBuf::from(name),
                    reason: "an export may not write this name".to_owned(),
                });
            }
        }
        let marker = Marker {
            project,
            target: export.target.name().to_owned(),
            files: export.names().cloned().collect(),
        };
        let mut json = serde_json::to_vec_pretty(&marker).expect("plain data serialises");
        json.push(b'\n');
        let mut sources = Sources::default();
        let diff = diff_against(export, previous.as_ref(), &mut sources)?;
        // The marker is written after the export's files, which are not copied for it.
        let files = bodies(export).chain([(MARKER, Body::Bytes(json.as_slice()))]);
        write_folder(
            files,
            marker.files.len() + 1,
            out,
            previous.is_some(),
            &mut sources,
            progress,
        )?;
        Ok(diff)
    }

    /// What writing the export as `out` would change, without writing anything (refused,
    /// like writing, when `out` holds something other than this project's export).
    pub fn export_diff(&self, export: &lms::Export, out: &Path) -> Result<ExportDiff> {
        let project = self.store.project()?.id.to_string();
        let previous = previous_export(out, &project)?;
        diff_against(export, previous.as_ref(), &mut Sources::default())
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { path, source }
}

/// Temporary folders an export makes beside its destination; the process id follows, so
/// a later export can tell the leftovers of a killed one from another export's work.
const STAGING: &str = ".pathforge-export-";
const OLD: &str = ".pathforge-old-";

/// Swaps two folders in one step: a reader (or a crash) sees one or the other at each path.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Builds the folder beside `out` and renames it into place (on Linux, an existing export
/// is exchanged with the new one in one step, so a kill at any point leaves one whole
/// export at `out`).
/// One file an export writes: compiled bytes, or a copy of a carried package's file.
#[derive(Clone, Copy)]
enum Body<'a> {
    Bytes(&'a [u8]),
    Copy(&'a lms::Copied),
}

impl Body<'_> {
    fn len(&self) -> u64 {
        match self {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::Copy(copied) => copied.size,
        }
    }
}

/// Every file of `export` in path order, bytes or copies.
fn bodies(export: &lms::Export) -> impl Iterator<Item = (&str, Body<'_>)> {
    let mut all: Vec<(&str, Body<'_>)> = export
        .files
        .iter()
        .map(|(name, bytes)| (name.as_str(), Body::Bytes(bytes)))
        .chain(
            export
                .copied
                .iter()
                .map(|(name, copied)| (name.as_str(), Body::Copy(copied))),
        )
        .collect();
    all.sort_by_key(|(name, _)| *name);
    all.into_iter()
}

/// The carried package an export is copying from, kept open from one of its files to the
/// next (an export's copies come package by package, in path order).
#[derive(Default)]
struct Sources {
    open: Option<ingest::PackageSource>,
}

impl Sources {
    /// The package file `copied`, to be read as it is.
    fn read(&mut self, copied: &lms::Copied) -> Result<Box<dyn std::io::Read + '_>> {
        let package = copied.package.as_path();
        if self.open.as_ref().is_none_or(|open| open.path() != package) {
            let opened = ingest::PackageSource::open(package)
                .map_err(|e| changed(package, e.reason().to_owned()))?;
            self.open = Some(opened);
        }
        let source = self.open.as_mut().expect("opened above");
        let file = ingest::PackageFile {
            path: copied.path.clone(),
            size: copied.size,
        };
        source
            .read(&file)
            .map_err(|e| changed(package, e.reason().to_owned()))
    }
}

/// A carried package that no longer reads as it did when the export was compiled.
fn changed(package: &Path, why: String) -> Error {
    ingest::Error::BadInput {
        path: package.to_owned(),
        reason: format!("{why}: the package changed since this export was prepared; export again"),
    }
    .into()
}

/// Copies `from` (a carried file of `package`) into `to` (at `path`), asking `progress`
/// every 16 MiB whether to go on, so a long video can be cancelled part way.
fn copy_file(
    from: &mut dyn std::io::Read,
    to: &mut std::fs::File,
    package: &Path,
    path: &Path,
    progress: &mut dyn FnMut() -> bool,
) -> Result<()> {
    let mut buf = vec![0u8; 1 << 16];
    let mut since = 0usize;
    loop {
        let n = from
            .read(&mut buf)
            .map_err(|e| changed(package, e.to_string()))?;
        if n == 0 {
            return Ok(());
        }
        std::io::Write::write_all(to, &buf[..n]).map_err(io(path))?;
        since += n;
        if since >= 16 << 20 {
            since = 0;
            if !progress() {
                return Err(ingest::Error::Cancelled.into());
            }
        }
    }
}

fn write_folder<'a>(
    files: impl Iterator<Item = (&'a str, Body<'a>)>,
    count: usize,
    out: &Path,
    replace: bool,
    sources: &mut Sources,
    progress: &mut dyn FnMut(u32, u32) -> bool,
) -> Result<()> {
    let total = count as u32;
    if !progress(0, total) {
        return Err(ingest::Error::Cancelled.into());
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    store::remove_leftovers(&parent, &[STAGING, OLD]);
    let staging = tempfile::Builder::new()
        .prefix(&store::staging_prefix(STAGING))
        .tempdir_in(&parent)
        .map_err(io(&parent))?;
    for (i, (name, body)) in files.enumerate() {
        // Asked every 256 files (and every 16 MiB of a copy); stopping drops the staging
        // folder, so nothing is left.
        if i % 256 == 255 && !progress(i as u32, total) {
            return Err(ingest::Error::Cancelled.into());
        }
        let path = staging.path().join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let mut file = std::fs::File::create(&path).map_err(io(&path))?;
        match body {
            Body::Bytes(bytes) => {
                std::io::Write::write_all(&mut file, bytes).map_err(io(&path))?;
            }
            Body::Copy(copied) => {
                let mut from = sources.read(copied)?;
                let mut go_on = || progress(i as u32, total);
                copy_file(&mut from, &mut file, &copied.package, &path, &mut go_on)?;
            }
        }
        // Every file reaches the disk before the folder is renamed into place: on Linux
        // with one syncfs below (an fsync per file took most of a 50,000-file export).
        #[cfg(not(target_os = "linux"))]
        file.sync_all().map_err(io(&path))?;
        #[cfg(unix)]
        if name.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .map_err(io(&path))?;
        }
    }
    // The last chance to stop: from here the folder is put in place.
    if !progress(total, total) {
        return Err(ingest::Error::Cancelled.into());
    }
    #[cfg(target_os = "linux")]
    {
        let dir = std::fs::File::open(staging.path()).map_err(io(staging.path()))?;
        rustix::fs::syncfs(&dir)
            .map_err(std::io::Error::from)
            .map_err(io(staging.path()))?;
    }
    #[cfg(unix)]
    {
        // A temporary folder is private (0700); an export is an ordinary folder.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(io(staging.path()))?;
    }
    #[cfg(target_os = "linux")]
    if replace {
        exchange(staging.path(), out).map_err(io(out))?;
        // The staging folder now holds the previous export; removing it (on drop) is
        // housekeeping, and a failure there loses nothing.
        drop(staging);
        if let Ok(dir) = std::fs::File::open(&parent) {
            let _ = dir.sync_all();
        }
        return Ok(());
    }
    if replace {
        let old = tempfile::Builder::new()
            .prefix(&store::staging_prefix(OLD))
            .tempdir_in(&parent)
            .map_err(io(&parent))?;
        let old_path = old.path().join("export");
        std::fs::rename(out, &old_path).map_err(io(out))?;
        if let Err(e) = std::fs::rename(staging.path(), out) {
            // Put the earlier export back; the staging folder is removed on drop.
            let _ = std::fs::rename(&old_path, out);
            return Err(io(out)(e));
        }
        // The new export is in place; removing the old one is housekeeping (`old` is
        // removed on drop, and a failure there loses nothing).
        drop(old);
    } else {
        std::fs::rename(staging.path(), out).map_err(io(out))?;
    }
    // The staging folder now has the export's name: nothing is left to remove.
    std::mem::forget(staging);
    if let Ok(dir) = std::fs::File::open(&parent) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// The files of this project's earlier export in `out`; `None` when there is nothing
/// there. Refused: a symlink, a file, a folder with content but no marker, another
/// project's export, and files the export did not write.
fn previous_export(out: &Path, project: &str) -> Result<Option<BTreeMap<String, PathBuf>>> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(out)(e)),
    };
    let refuse = |reason: String| {
        Err(Error::ExportFolder {
            path: out.to_path_buf(),
            reason,
        })
    };
    if meta.file_type().is_symlink() {
        return refuse("is a symbolic link; give the real folder".to_owned());
    }
    if !meta.is_dir() {
        return refuse("exists and is not a folder".to_owned());
    }
    let mut files = list_tree(out)?;
    let Some(marker) = files.remove(MARKER) else {
        if files.is_empty() {
            return Ok(Some(files));
        }
        return refuse(
            "is not empty and holds no earlier Pathforge export: choose another folder".to_owned(),
        );
    };
    let marker = std::fs::read(&marker).map_err(io(&marker))?;
    let marker: Marker = serde_json::from_slice(&marker).map_err(|e| Error::ExportFolder {
        path: out.to_path_buf(),
        reason: format!("unreadable {MARKER}: {e}"),
    })?;
    if marker.project != project {
        return refuse(format!(
            "holds an export of another project ({}): choose another folder",
            marker.project
        ));
    }
    let foreign: Vec<&String> = files
        .keys()
        .filter(|f| !marker.files.contains(f))
        .take(3)
        .collect();
    if !foreign.is_empty() {
        return refuse(format!(
            "holds files this export did not write ({}): move them out or choose another folder",
            foreign
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(Some(files))
}

fn diff_against(
    export: &lms::Export,
    previous: Option<&BTreeMap<String, PathBuf>>,
    sources: &mut Sources,
) -> Result<ExportDiff> {
    let mut diff = ExportDiff::default();
    let none = BTreeMap::new();
    let previous = previous.unwrap_or(&none);
    for (name, body) in bodies(export) {
        match previous.get(name) {
            None => diff.added.push(name.to_owned()),
            Some(old) => match same(body, old, sources)? {
                true => diff.unchanged += 1,
                false => diff.changed.push(name.to_owned()),
            },
        }
    }
    diff.removed = previous
        .keys()
        .filter(|k| !export.files.contains_key(*k) && !export.copied.contains_key(*k))
        .cloned()
        .collect();
    Ok(diff)
}

/// Whether the file at `old` holds what `body` would write, read a piece at a time (a
/// carried video is compared without holding either copy).
fn same(body: Body<'_>, old: &Path, sources: &mut Sources) -> Result<bool> {
    let len = std::fs::metadata(old).map_err(io(old))?.len();
    if len != body.len() {
        return Ok(false);
    }
    let copied = match body {
        Body::Bytes(bytes) => return Ok(std::fs::read(old).map_err(io(old))? == bytes),
        Body::Copy(copied) => copied,
    };
    let mut was = std::fs::File::open(old).map_err(io(old))?;
    let mut now = sources.read(copied)?;
    let (mut a, mut b) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = fill(&mut now, &mut a).map_err(|e| changed(&copied.package, e.to_string()))?;
        let m = fill(&mut was, &mut b).map_err(io(old))?;
        if a[..n] != b[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Reads into `buf` until it is full or `from` ends; how much was read.
fn fill(from: &mut dyn std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match from.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// A mapping CSV: `module,lms_id` rows (module by id, path or exact title), with or
/// without that header. Errors name the file and the line.
pub fn read_mapping(path: &Path) -> Result<Vec<(String, String)>> {
    Ok(mapping_rows(path)?
        .into_iter()
        .map(|(_, module, id)| (module, id))
        .collect())
}

/// [`read_mapping`]'s rows, each with its line in the file.
fn mapping_rows(path: &Path) -> Result<Vec<(usize, String, String)>> {
    let bad = |reason: String| Error::BadFile {
        path: path.to_path_buf(),
        reason,
    };
    let text = crate::read_table(path)?;
    let mut reader = exchange::text::csv_builder(&text)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| bad(e.to_string()))?;
        let (Some(module), Some(id)) = (row.get(0), row.get(1)) else {
            return Err(bad(format!("line {}: expected module,lms_id", i + 1)));
        };
        if i == 0 && module.trim() == "module" {
            continue;
        }
        rows.push((i + 1, module.trim().to_owned(), id.trim().to_owned()));
    }
    Ok(rows)
}

impl Project {
    /// [`read_mapping`], every module it names found in this project: one that matches
    /// none, or several, is refused naming the file and its line, before anything is
    /// compiled.
    pub fn read_mapping(&self, path: &Path) -> Result<Vec<(String, String)>> {
        let mut pairs = Vec::new();
        let modules = self.store.module_summaries()?;
        for (line, module, id) in mapping_rows(path)? {
            match crate::import::find_module(&modules, &module) {
                Ok(_) => pairs.push((module, id)),
                Err(e @ (Error::UnknownModule(_) | Error::AmbiguousModule(..))) => {
                    return Err(Error::BadFile {
                        path: path.to_path_buf(),
                        reason: format!("line {line}: {e}"),
                    })
                }
                Err(e) => return Err(e),
            }
        }
        Ok(pairs)
    }
}

/// Every file under `dir`, by its path there, none of them read; a symbolic link is refused.
fn list_tree(dir: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        let entries = std::fs::read_dir(&at).map_err(|source| Error::Io {
            path: at.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io {
                path: at.clone(),
                source,
            })?;
            let path = entry.path();
            let kind = entry.file_type().map_err(io(&path))?;
            if kind.is_symlink() {
                return Err(Error::ExportFolder {
                    path,
                    reason: "a symbolic link inside an export folder; Pathforge never writes one"
                        .to_owned(),
                });
            }
            if kind.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("walked from dir")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, path);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carried_packages_get_plain_distinct_folder_names() {
        let taken: BTreeMap<String, BTreeMap<String, lms::Copied>> =
            [("golf".to_owned(), BTreeMap::new())].into();
        let check = |file: &str, want: &str, why: &str| {
            assert_eq!(package_name(Path::new(file), &taken), want, "{file}: {why}");
        };
        check(
            "packages/SequencingSimpleRemediation_SCORM20043rdEdition.zip",
            "SequencingSimpleRemediation_SCORM20043rdEdition",
            "its file name without the extension",
        );
        check("lib/golf.zip", "golf-2", "a name already used is numbered");
        check(
            "Sécurité incendie 2024.zip",
            "S-curit-incendie-2024",
            "ASCII only, safe in any LMS's URLs; a run of others is one dash",
        );
        check("lib/—.zip", "package", "nothing usable left: a plain word");
        check(
            "unpacked-course",
            "unpacked-course",
            "an unpacked package folder",
        );
    }
}
