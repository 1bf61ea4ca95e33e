//! LMS exports: gathers the project into an `lms::Course`, lets the `lms` crate compile
//! it, and writes the result as a folder atomically — built beside the destination under a
//! temporary name and renamed into place — reporting what changed since the previous
//! export in that folder. A folder is only ever replaced if it holds this project's
//! earlier export and nothing else (see [`MARKER`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// SCORM 1.2, cmi5 AUs into cmi5): the package's own files, the item launched as its
    /// LMS launched it, so
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
                // Items are carried only into their own standard, and if asked.
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
                Some("cmi5") => Some(lms::Standard::Cmi5),
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
        let cmi5 = module.extra.get("package").and_then(Value::as_str) == Some("cmi5");
        // SCORM 1.2 gives a percentage, cmi5 a fraction.
        let mastery_score = match cmi5 {
            true => module
                .extra
                .get("mastery_score")
                .and_then(Value::as_f64)
                .map(|f| f * 100.0),
            false => said("mastery_score").and_then(|s| s.trim().parse().ok()),
        };
        Ok(Some(lms::Carried {
            launch_data: said("data_from_lms"),
            time_limit_action: said("time_limit_action"),
            max_time_allowed: said("max_time_allowed"),
            mastery_score,
            au_id: module
                .extra
                .get("identifier")
                .and_then(Value::as_str)
                .filter(|id| cmi5 && !id.is_empty())
                .map(str::to_owned),
            move_on: module
                .extra
                .get("move_on")
                .and_then(Value::as_str)
                .filter(|_| cmi5)
                .map(str::to_owned),
            launch_method: said("launch_method"),
            entitlement_key: said("entitlement_key"),
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
