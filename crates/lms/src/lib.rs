//! One curriculum, many LMSs. No single standard carries adaptive rules everywhere, so the
//! one rule set is compiled into each target's own model — SCORM 2004 sequencing, SCORM
//! 1.2 prerequisite scripts, cmi5 course structures, CASE, Moodle restrict-access trees,
//! Canvas module requirements, Open edX OLX — and every rule is reported as expressed,
//! partly expressed or not exported, with the reason ([`Coverage`]).
//!
//! Pure functions: a [`Course`] in — a [`curriculum::Curriculum`] with each module's page
//! and the project's identity ([`Course::of`]) — files as bytes out. The engine gathers the
//! course and writes the files (atomically); the same course always gives the same bytes.

mod calls;
mod canvas;
mod cmi5;
mod coverage;
mod moodle;
mod openedx;
mod plan;
mod resources;
mod scorm12;
mod scorm2004;
mod xapi;
mod xml;

pub use calls::{calls, Call};
pub use coverage::coverage_matrix;
pub(crate) use coverage::{cover, noting_categories, placeholder};
pub use plan::{activity_keys, module_activities, uri as activity_uri};
pub(crate) use plan::{identifier, needed, shortfalls, Plan};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use model::{ErrorKind, Timestamp};
use rules::{Group, RuleBody, RuleSet};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where an export can go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Moodle,
    Canvas,
    Scorm2004,
    Scorm12,
    Cmi5,
    Case,
    Openedx,
    /// xAPI statements from a simulation run (built by the engine, which runs it).
    Xapi,
    /// The signed rule bundle itself (built by the engine with the caller's key).
    Bundle,
}

impl Target {
    pub const ALL: [Target; 9] = [
        Target::Moodle,
        Target::Canvas,
        Target::Scorm2004,
        Target::Scorm12,
        Target::Cmi5,
        Target::Case,
        Target::Openedx,
        Target::Xapi,
        Target::Bundle,
    ];

    /// The targets this crate compiles (the others need the engine: a simulation, a key).
    pub const COMPILED: [Target; 7] = [
        Target::Moodle,
        Target::Canvas,
        Target::Scorm2004,
        Target::Scorm12,
        Target::Cmi5,
        Target::Case,
        Target::Openedx,
    ];

    /// The standard of the package items this target can carry as they are
    /// ([`Carried`]): its own SCORM version's, or cmi5's.
    pub fn carries(self) -> Option<Standard> {
        match self {
            Target::Scorm2004 => Some(Standard::Scorm2004),
            Target::Scorm12 => Some(Standard::Scorm12),
            Target::Cmi5 => Some(Standard::Cmi5),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Target::Moodle => "moodle",
            Target::Canvas => "canvas",
            Target::Scorm2004 => "scorm2004",
            Target::Scorm12 => "scorm12",
            Target::Cmi5 => "cmi5",
            Target::Case => "case",
            Target::Openedx => "openedx",
            Target::Xapi => "xapi",
            Target::Bundle => "bundle",
        }
    }

    /// The name people know the target by, for reports.
    pub fn label(self) -> &'static str {
        match self {
            Target::Moodle => "Moodle",
            Target::Canvas => "Canvas",
            Target::Scorm2004 => "SCORM 2004",
            Target::Scorm12 => "SCORM 1.2",
            Target::Cmi5 => "cmi5",
            Target::Case => "CASE 1.1",
            Target::Openedx => "Open edX",
            Target::Xapi => "xAPI",
            Target::Bundle => "Bundle",
        }
    }
}

impl std::str::FromStr for Target {
    type Err = Error;
    fn from_str(s: &str) -> Result<Target> {
        Target::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| Error::UnknownTarget(s.to_owned()))
    }
}

/// Everything a target compiles from: the project's modules, tracks, rules and skill
/// framework, plus the admin's mapping of modules to LMS ids.
#[derive(Debug, Clone)]
pub struct Course {
    /// A stable identifier of the project (used inside generated identifiers).
    pub id: String,
    pub title: String,
    pub description: String,
    /// Modules in the project's order (by source path).
    pub modules: Vec<CourseModule>,
    /// Tracks with their modules in a valid order.
    pub tracks: Vec<CourseTrack>,
    /// The full rule set, graph-derived unlock rules included.
    pub rules: RuleSet,
    pub framework: exchange::Framework,
    /// The project's last change: the only time written into outputs.
    pub changed: Timestamp,
    /// Module key → the id of the same object in the target LMS (course module id, Canvas
    /// module id…). Unmapped modules get a placeholder, listed in the coverage report.
    pub mapping: BTreeMap<String, String>,
    /// Whether module pages may show `https:` images from the web. Off unless the admin
    /// opts in for an export: a page then fetches nothing when a learner opens it.
    pub remote_images: bool,
    /// The packages carried modules come from ([`CourseModule::carried`]), by the name of
    /// their folder under `items/`: each file by its path under the package's manifest,
    /// with where to copy it from. Empty unless the admin opts in to carrying items for an
    /// export.
    pub packages: BTreeMap<String, BTreeMap<String, Copied>>,
}

/// A file an export takes as it is from a carried package ([`Export::copied`]): the
/// package's zip or folder, the file's path in it and its size. It is copied when the
/// export is written, never held in memory, so a package's size does not matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub package: PathBuf,
    pub path: String,
    pub size: u64,
}

/// A package item an export carries as it is — its package's own files, launched as its
/// LMS launched it — instead of a page of its text: it then asks its own questions and
/// reports its own score. Only a target that speaks the item's standard
/// ([`CourseModule::speaks`]) carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct Carried {
    /// Its package's name in [`Course::packages`].
    pub package: String,
    /// Its launch URL under the package's manifest folder, parameters included
    /// (`shared/launchpage.html?content=playing`).
    pub launch: String,
    /// The other pages its text was read from (a launcher's frames), under the same
    /// folder: its resource lists them as its own, so the export imports back as it was.
    pub pages: Vec<String>,
    /// Whether it is a SCO, which talks to the run-time; else an asset, a page the LMS
    /// counts done when shown: it stays what its package made it.
    pub sco: bool,
    /// Its source's SCORM 2004 delivery controls: whether it reports its own completion,
    /// and its own success, rather than the LMS deciding them when an attempt ends (both
    /// false, SCORM's default, unless its manifest said so).
    pub completion_set_by_content: bool,
    pub objective_set_by_content: bool,
    /// What its LMS handed it (`adlcp:dataFromLMS`, read as `cmi.launch_data`; a cmi5
    /// AU's `launchParameters`, read from `LMS.LaunchData`).
    pub launch_data: Option<String>,
    /// What its LMS did when its time ran out (`adlcp:timeLimitAction`).
    pub time_limit_action: Option<String>,
    /// SCORM 1.2: its time limit (`adlcp:maxtimeallowed`).
    pub max_time_allowed: Option<String>,
    /// Its pass mark, a percentage (SCORM 1.2 `adlcp:masteryscore`, cmi5 `masteryScore`).
    pub mastery_score: Option<f64>,
    /// cmi5: the AU's own id (its publisher's IRI: the activity its statements are
    /// about, so learning records made before carry on), what satisfies it (`moveOn`),
    /// how it opens (`launchMethod`) and the key a licensed AU checks (`entitlementKey`),
    /// as its course structure gave them.
    pub au_id: Option<String>,
    pub move_on: Option<String>,
    pub launch_method: Option<String>,
    pub entitlement_key: Option<String>,
}

/// The run-time API a carried item talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    Scorm12,
    Scorm2004,
    Cmi5,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CourseModule {
    /// The module's path in its library: the key rules use.
    pub key: String,
    pub title: String,
    pub duration_minutes: u32,
    /// Skill slugs the module teaches (accepted tags).
    pub skills: Vec<String>,
    /// The module's text (Markdown).
    pub body: String,
    /// What the module was at its source when that was interactive content the export
    /// does not carry (a SCORM or cmi5 package's launchable item): "a SCORM 2004 item
    /// (launch pretest.html) of packages/medication-safety.zip". Targets that write the
    /// module as a page say so in the coverage report.
    pub interactive: Option<String>,
    /// The run-time API the module's source item talks to, if it is a SCORM item.
    pub speaks: Option<Standard>,
    /// The item itself, when the export carries it (see [`Carried`]).
    pub carried: Option<Carried>,
}

/// What a module's page carries that the curriculum does not: its text, and what it was
/// at its source when that was interactive ([`CourseModule::interactive`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub body: String,
    pub interactive: Option<String>,
    /// See [`CourseModule::speaks`].
    pub speaks: Option<Standard>,
    /// See [`CourseModule::carried`]; its package is in [`About::packages`].
    pub carried: Option<Carried>,
}

/// What a course is besides its curriculum: the project's identity, its skill framework,
/// its last change and the admin's mapping to LMS ids.
#[derive(Debug, Clone)]
pub struct About {
    pub id: String,
    pub title: String,
    pub description: String,
    pub framework: exchange::Framework,
    pub changed: Timestamp,
    pub mapping: BTreeMap<String, String>,
    /// See [`Course::remote_images`].
    pub remote_images: bool,
    /// See [`Course::packages`].
    pub packages: BTreeMap<String, BTreeMap<String, Copied>>,
}

impl Course {
    /// The course a signed bundle carries, from its files (as `bundle::read` gives them;
    /// the caller checked the signature): curriculum, rules and skill framework, the course
    /// id `id`, changed at `changed`, with the admin's `mapping` of module paths to LMS ids.
    /// Its pages are empty — a bundle carries no module text — so it serves the targets
    /// that apply structure to a course already in the LMS (Moodle, Canvas).
    pub fn of_bundle(
        files: &BTreeMap<String, Vec<u8>>,
        id: &str,
        changed: Timestamp,
        mapping: BTreeMap<String, String>,
    ) -> Result<Course> {
        let curriculum =
            curriculum::Curriculum::from_bundle(files).map_err(|e| Error::Bundle(e.to_string()))?;
        let case = files
            .get("taxonomy.case.json")
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let framework = exchange::case_import(std::path::Path::new("taxonomy.case.json"), &case)
            .map_err(|e| Error::Bundle(e.to_string()))?;
        let pages = curriculum.modules.iter().map(|_| Page::default()).collect();
        let about = About {
            id: id.to_owned(),
            title: framework.title.clone(),
            description: String::new(),
            framework,
            changed,
            mapping,
            remote_images: false,
            packages: BTreeMap::new(),
        };
        Ok(Course::of(&curriculum, pages, about))
    }

    /// The course of `curriculum`: its modules (with `pages`, one per module in the
    /// curriculum's order), each track's modules in a valid order (its path), and the
    /// whole rule set. The prerequisite graph must be acyclic (the engine refuses to
    /// export one that is not).
    pub fn of(curriculum: &curriculum::Curriculum, pages: Vec<Page>, about: About) -> Course {
        let modules = curriculum
            .modules
            .iter()
            .zip(pages)
            .map(|(m, page)| CourseModule {
                key: m.key.clone(),
                title: m.title.clone(),
                duration_minutes: m.minutes,
                skills: m.skills.clone(),
                body: page.body,
                interactive: page.interactive,
                speaks: page.speaks,
                carried: page.carried,
            })
            .collect();
        let g = curriculum.graph();
        let columns = curriculum.columns();
        let tracks = curriculum
            .tracks
            .iter()
            .map(|t| CourseTrack {
                slug: t.slug.clone(),
                name: t.name.clone(),
                modules: graph::track_path(&g, &columns.view(), &t.targets)
                    .steps
                    .into_iter()
                    .map(|(i, _)| curriculum.modules[i].key.clone())
                    .collect(),
            })
            .collect();
        Course {
            id: about.id,
            title: about.title,
            description: about.description,
            modules,
            tracks,
            rules: curriculum.rules.clone(),
            framework: about.framework,
            changed: about.changed,
            mapping: about.mapping,
            remote_images: about.remote_images,
            packages: about.packages,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CourseTrack {
    pub slug: String,
    pub name: String,
    /// Module keys, prerequisites first.
    pub modules: Vec<String>,
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct Export {
    pub target: Target,
    /// Relative path → content, `coverage.json` included.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Relative path → the carried package's file it is a copy of, for whoever writes the
    /// export to copy (none of these paths is in `files`).
    pub copied: BTreeMap<String, Copied>,
    pub coverage: Coverage,
}

impl Export {
    /// Every path the export writes: its files and its copies, in path order.
    pub fn names(&self) -> impl Iterator<Item = &String> {
        let mut names: Vec<&String> = self.files.keys().chain(self.copied.keys()).collect();
        names.sort();
        names.into_iter()
    }
}

/// How each rule reached the target; written as `coverage.json` beside the output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Coverage {
    pub target: Target,
    pub rules: Vec<RuleCoverage>,
    /// Modules with no LMS id in the mapping: their references are placeholders to fill.
    pub unmapped: Vec<String>,
    /// Modules that were interactive at their source and are exported as a page of their
    /// text only (no questions, no score): replace each with the authored content.
    pub text_only: Vec<TextOnly>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TextOnly {
    pub module: String,
    pub title: String,
    /// What it was at its source.
    pub was: String,
    /// Whether this target speaks the item's standard, so an export that carries items
    /// ([`Carried`]) would carry it as it is.
    pub carriable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RuleCoverage {
    pub rule: String,
    pub kind: String,
    pub status: Status,
    /// How the rule was expressed, or why it could not be.
    pub how: String,
}

/// What writing an export changed in its folder since the previous export, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportDiff {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Expressed,
    Partial,
    NotExported,
}

impl Status {
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Expressed => "yes",
            Status::Partial => "partly",
            Status::NotExported => "no",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown export target {0:?}; the targets are moodle, canvas, scorm2004, scorm12, cmi5, case, openedx, xapi, bundle")]
    UnknownTarget(String),
    #[error("rule {rule:?} refers to {module:?}, which is not a module of the project")]
    UnknownModule { rule: String, module: String },
    #[error("the {0} target is built by the engine, not compiled")]
    NotCompiled(&'static str),
    #[error(
        "two modules have the path {0:?}; rules name modules by path, so exports need them unique"
    )]
    DuplicateModule(String),
    #[error("the bundle cannot be read as a course: {0}")]
    Bundle(String),
    #[error("nothing to export to {target}: the project has no {needs} yet — {how}")]
    NothingToExport {
        target: &'static str,
        needs: &'static str,
        how: &'static str,
    },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::UnknownTarget(_) => ErrorKind::BadInput,
            Error::UnknownModule { .. } => ErrorKind::UnknownId,
            Error::NotCompiled(_) => ErrorKind::Internal,
            Error::DuplicateModule(_) => ErrorKind::Conflict,
            Error::Bundle(_) => ErrorKind::BadInput,
            Error::NothingToExport { .. } => ErrorKind::Conflict,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Compiles the course for one target.
pub fn compile(course: &Course, target: Target) -> Result<Export> {
    refuse_empty(course, target)?;
    let plan = Plan::new(course, target)?;
    let files_and_rules = match target {
        Target::Scorm2004 => scorm2004::compile(&plan),
        Target::Scorm12 => scorm12::compile(&plan),
        Target::Cmi5 => cmi5::compile(&plan),
        Target::Case => case(&plan),
        Target::Moodle => moodle::compile(&plan),
        Target::Canvas => canvas::compile(&plan),
        Target::Openedx => openedx::compile(&plan),
        Target::Xapi | Target::Bundle => return Err(Error::NotCompiled(target.name())),
    };
    Ok(finish(course, &plan, target, files_and_rules))
}

pub use xapi::{timestamp as xapi_timestamp, Learner, DECISIONS as XAPI_DECISIONS};

/// xAPI statements for learners' events and the rule decisions they led to (the engine
/// runs the simulation that produces them).
pub fn xapi(course: &Course, learners: &[Learner<'_>]) -> Result<Export> {
    refuse_empty(course, Target::Xapi)?;
    let plan = Plan::new(course, Target::Xapi)?;
    let out = xapi::compile(&plan, learners);
    Ok(finish(course, &plan, Target::Xapi, out))
}

/// Refuses a course with nothing `target` carries: a package with no module is no
/// package (SCORM 2004 and cmi5 fail their own schemas; an LMS would import an empty
/// course), and a CASE framework with no skill frames nothing. Moodle carries both, so it
/// needs one or the other.
fn refuse_empty(course: &Course, target: Target) -> Result<()> {
    const MODULES: &str = "modules";
    const IMPORT: &str = "import a library first";
    let (no_modules, no_skills) = (
        course.modules.is_empty(),
        course.framework.skills.is_empty(),
    );
    let missing = match target {
        Target::Case if no_skills => Some((
            "skills",
            "import a library whose manifest declares them, or a skills framework",
        )),
        Target::Moodle if no_modules && no_skills => Some(("modules or skills", IMPORT)),
        Target::Canvas
        | Target::Scorm2004
        | Target::Scorm12
        | Target::Cmi5
        | Target::Openedx
        | Target::Xapi
            if no_modules =>
        {
            Some((MODULES, IMPORT))
        }
        _ => None,
    };
    match missing {
        Some((needs, how)) => Err(Error::NothingToExport {
            target: target.label(),
            needs,
            how,
        }),
        None => Ok(()),
    }
}

fn finish(
    course: &Course,
    plan: &Plan<'_>,
    target: Target,
    (mut files, rules): (Files, Vec<RuleCoverage>),
) -> Export {
    let unmapped = if matches!(target, Target::Moodle | Target::Canvas | Target::Openedx) {
        plan.order
            .iter()
            .filter(|m| !course.mapping.contains_key(&m.key))
            .map(|m| m.key.clone())
            .collect()
    } else {
        Vec::new()
    };
    // Targets that write each module as a page of its text.
    let pages = matches!(
        target,
        Target::Scorm2004 | Target::Scorm12 | Target::Cmi5 | Target::Canvas | Target::Openedx
    );
    let text_only = plan
        .order
        .iter()
        .filter(|m| pages && plan.carried(m).is_none())
        .filter_map(|m| {
            Some(TextOnly {
                module: m.key.clone(),
                title: m.title.clone(),
                was: m.interactive.clone()?,
                carriable: plan.speaks(m),
            })
        })
        .collect();
    let coverage = Coverage {
        target,
        rules,
        unmapped,
        text_only,
    };
    files.insert("coverage.json".to_owned(), json_bytes(&coverage));
    Export {
        target,
        files,
        copied: resources::copied(plan),
        coverage,
    }
}

fn case(plan: &Plan<'_>) -> (Files, Vec<RuleCoverage>) {
    let doc = exchange::case_export(&plan.course.framework, plan.course.changed);
    let mut files = Files::new();
    files.insert("case.json".to_owned(), json_bytes(&doc));
    let rules = plan
        .course
        .rules
        .rules
        .iter()
        .map(|r| {
            let how = "CASE carries the skill framework (isChildOf) and skill prerequisites \
                       (precedes), not rules about modules: this rule stays in the bundle";
            cover(r, Status::NotExported, how)
        })
        .collect();
    (files, rules)
}

pub(crate) type Files = BTreeMap<String, Vec<u8>>;

pub(crate) fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("plain data serialises");
    bytes.push(b'\n');
    bytes
}

/// A whole HTML page for a module: its Markdown rendered, any raw HTML in it shown as
/// text, and every link and image held to what may run inside a learner's LMS, because
/// imported content is untrusted: links keep only `http:`, `https:`, `mailto:` and
/// relative targets (a `javascript:`, `data:` or `vbscript:` link, in any case or
/// spacing, loses its target and stays as text); an image becomes its alt text unless
/// `remote_images` lets `https:` images through (no other image source is ever kept).
/// The rendered body is sanitised again with ammonia, the crate the window's previews
/// use, so nothing Markdown can express slips past the first pass.
pub(crate) fn html_page(title: &str, markdown: &str, remote_images: bool) -> Vec<u8> {
    use pulldown_cmark::{html, Event, Parser, Tag, TagEnd};
    // Per open image (images nest in alt text): whether it is kept.
    let mut images: Vec<bool> = Vec::new();
    let mut events = Vec::new();
    for e in Parser::new(markdown) {
        match e {
            Event::Html(t) | Event::InlineHtml(t) => events.push(Event::Text(t)),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let kept = remote_images && is_https(&dest_url);
                images.push(kept);
                events.push(if kept {
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                } else {
                    Event::Text("[image: ".into())
                });
            }
            Event::End(TagEnd::Image) => {
                events.push(match images.pop() {
                    Some(true) => Event::End(TagEnd::Image),
                    _ => Event::Text("]".into()),
                });
            }
            e => events.push(e),
        }
    }
    let mut body = String::new();
    html::push_html(&mut body, events.into_iter());
    let mut sanitiser = ammonia::Builder::default();
    sanitiser
        .url_schemes(std::collections::HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .clean_content_tags(std::collections::HashSet::from(["script", "style"]));
    if !remote_images {
        sanitiser.rm_tags(["img"]);
    }
    let body = sanitiser.clean(&body).to_string();
    let mut title_html = String::new();
    html::push_html(&mut title_html, std::iter::once(Event::Text(title.into())));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title_html}</title>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
    .into_bytes()
}

/// Whether an image source is an `https:` URL (any case, surrounding spaces ignored).
fn is_https(url: &str) -> bool {
    url.trim()
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

/// Whether a placement band starts learners somewhere its skips do not reach: modules
/// between the pre-test and the start point that the band does not skip.
pub(crate) fn jumps(plan: &Plan<'_>, assessment: &str, band: &rules::Band) -> bool {
    let Some(start) = &band.start_at else {
        return false;
    };
    let at = |k: &str| plan.order.iter().position(|m| m.key == k);
    match (at(assessment), at(start)) {
        (Some(a), Some(s)) if a < s => plan.order[a + 1..s]
            .iter()
            .any(|m| !band.skip.contains(&m.key)),
        _ => false,
    }
}

/// "1 module", "3 modules": a count as reports, the CLI and the audit log's words give it.
pub fn count(n: usize, what: &str) -> String {
    count_as(n, what, &format!("{what}s"))
}

/// [`count`] of a word whose plural is not its singular and an s ("1 library", "2
/// libraries").
pub fn count_as(n: usize, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// A score as the fraction SCORM and cmi5 use, trimmed of float noise.
pub(crate) fn fraction(percent: f64) -> String {
    let f = (percent / 100.0 * 10_000.0).round() / 10_000.0;
    format!("{f}")
}

#[cfg(test)]
mod tests;
