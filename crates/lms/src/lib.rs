//! One curriculum, many LMSs. No single standard carries adaptive rules everywhere, so the
//! one rule set is compiled into each target's own model — SCORM 2004 sequencing, SCORM
//! 1.2 prerequisite scripts, cmi5 course structures, CASE, Moodle restrict-access trees,
//! Canvas module requirements, Open edX OLX — and every rule is reported as expressed,
//! partly expressed or not exported, with the reason ([`Coverage`]).
//!
//! Pure functions: a [`Course`] in, files as bytes out. The engine gathers the course and
//! writes the files (atomically); the same course always gives the same bytes.

mod canvas;
mod cmi5;
mod moodle;
mod openedx;
mod scorm12;
mod scorm2004;
mod xapi;
mod xml;

use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    pub coverage: Coverage,
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
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::UnknownTarget(_) => ErrorKind::BadInput,
            Error::UnknownModule { .. } => ErrorKind::UnknownId,
            Error::NotCompiled(_) => ErrorKind::Internal,
            Error::DuplicateModule(_) => ErrorKind::Conflict,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Compiles the course for one target.
pub fn compile(course: &Course, target: Target) -> Result<Export> {
    let plan = Plan::new(course)?;
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

pub use xapi::{Learner, DECISIONS as XAPI_DECISIONS};

/// xAPI statements for learners' events and the rule decisions they led to (the engine
/// runs the simulation that produces them).
pub fn xapi(course: &Course, learners: &[Learner<'_>]) -> Result<Export> {
    let plan = Plan::new(course)?;
    let out = xapi::compile(&plan, learners);
    Ok(finish(course, &plan, Target::Xapi, out))
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
        .filter(|_| pages)
        .filter_map(|m| {
            Some(TextOnly {
                module: m.key.clone(),
                title: m.title.clone(),
                was: m.interactive.clone()?,
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

pub(crate) fn cover(rule: &rules::Rule, status: Status, how: impl Into<String>) -> RuleCoverage {
    RuleCoverage {
        rule: rule.id.clone(),
        kind: rule.body.kind().to_owned(),
        status,
        how: how.into(),
    }
}

/// What a target that keeps one score per assessment says of a placement or remediation
/// rule on one question category (`None` for any other rule): the threshold is applied to
/// the whole assessment's score instead, which the coverage report must say.
pub(crate) fn whole_score(rule: &rules::Rule, target: &str) -> Option<String> {
    match &rule.body {
        RuleBody::Placement {
            category: Some(c), ..
        }
        | RuleBody::Remediation {
            category: Some(c), ..
        } => Some(format!(
            "{target} keeps one score for the whole assessment, not one for question category {c:?}: the rule's threshold is applied to the overall score, so learners who score well overall but not in {c:?} are treated as passing"
        )),
        _ => None,
    }
}

/// `how`, with [`whole_score`]'s note for `rule` appended where it applies.
pub(crate) fn noting_categories(rule: &rules::Rule, target: &str, how: String) -> String {
    match whole_score(rule, target) {
        Some(note) => format!("{how}; {note}"),
        None => how,
    }
}

/// What every target needs worked out once: modules in a delivery order grouped into
/// blocks, identifiers that are valid XML IDs, and the modules each rule names, checked
/// to exist.
pub(crate) struct Plan<'a> {
    pub course: &'a Course,
    /// Every module once, prerequisites first.
    pub order: Vec<&'a CourseModule>,
    /// Blocks of `order`: each track's modules not already placed by an earlier track,
    /// then the modules of no track (title `None`).
    pub blocks: Vec<(Option<&'a CourseTrack>, Vec<&'a CourseModule>)>,
    ident: HashMap<&'a str, String>,
    track_ident: HashMap<&'a str, String>,
    remedial: BTreeSet<(&'a str, &'a str)>,
    waivers: BTreeMap<&'a str, Vec<Waiver<'a>>>,
    /// Modules by key (a catalogue may hold 50,000: no linear searches).
    by_key: HashMap<&'a str, &'a CourseModule>,
}

/// Learners whose score on `assessment` falls in one of `ranges` skip a module.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Waiver<'a> {
    pub assessment: &'a str,
    pub ranges: Vec<ScoreRange>,
}

/// Scores from `min` (%) up to, not including, `below` (`None`: no upper bound). Bands
/// are whole percent and the runtime counts `max + 0.999` into a band, so a band
/// `min..=max` is `min..max + 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ScoreRange {
    pub min: f64,
    pub below: Option<f64>,
}

/// Placement bands as score ranges, touching bands merged.
fn score_ranges(mut bands: Vec<(f64, f64)>) -> Vec<ScoreRange> {
    bands.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<ScoreRange> = Vec::new();
    for (min, max) in bands {
        let below = (max < 100.0).then_some(max + 1.0);
        match out.last_mut() {
            Some(last) if last.below.is_some_and(|b| b >= min) => {
                last.below = match (last.below, below) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => out.push(ScoreRange { min, below }),
        }
    }
    out
}

impl<'a> Plan<'a> {
    fn new(course: &'a Course) -> Result<Plan<'a>> {
        let mut by_key: HashMap<&str, &CourseModule> = HashMap::new();
        for m in &course.modules {
            if by_key.insert(m.key.as_str(), m).is_some() {
                return Err(Error::DuplicateModule(m.key.clone()));
            }
        }
        for rule in &course.rules.rules {
            for name in named_modules(&rule.body) {
                if !by_key.contains_key(name) {
                    return Err(Error::UnknownModule {
                        rule: rule.id.clone(),
                        module: name.to_owned(),
                    });
                }
            }
        }
        // Delivery order: tracks in order, then the rest in prerequisite order.
        let mut placed: BTreeSet<&str> = BTreeSet::new();
        let mut blocks = Vec::new();
        for track in &course.tracks {
            let modules: Vec<&CourseModule> = track
                .modules
                .iter()
                .filter_map(|k| by_key.get(k.as_str()).copied())
                .filter(|m| placed.insert(m.key.as_str()))
                .collect();
            if !modules.is_empty() {
                blocks.push((Some(track), modules));
            }
        }
        let rest: Vec<&CourseModule> = course
            .modules
            .iter()
            .filter(|m| !placed.contains(m.key.as_str()))
            .collect();
        if !rest.is_empty() {
            blocks.push((None, prerequisite_order(rest, &course.rules)));
        }
        let order = blocks.iter().flat_map(|(_, m)| m.iter().copied()).collect();
        let mut remedial = BTreeSet::new();
        let mut bands: BTreeMap<(&str, &str), Vec<(f64, f64)>> = BTreeMap::new();
        for rule in &course.rules.rules {
            match &rule.body {
                RuleBody::Remediation {
                    assessment, assign, ..
                } => {
                    for m in assign {
                        remedial.insert((m.as_str(), assessment.as_str()));
                    }
                }
                RuleBody::Placement {
                    assessment,
                    bands: b,
                    ..
                } => {
                    for band in b {
                        for skip in &band.skip {
                            bands
                                .entry((skip.as_str(), assessment.as_str()))
                                .or_default()
                                .push((band.min, band.max));
                        }
                    }
                }
                _ => {}
            }
        }
        let mut waivers: BTreeMap<&str, Vec<Waiver<'a>>> = BTreeMap::new();
        for ((module, assessment), b) in bands {
            waivers.entry(module).or_default().push(Waiver {
                assessment,
                ranges: score_ranges(b),
            });
        }
        let mut taken = BTreeSet::new();
        let ident = course
            .modules
            .iter()
            .map(|m| {
                let base = identifier(&m.key);
                let mut id = base.clone();
                let mut n = 2;
                while !taken.insert(id.clone()) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                (m.key.as_str(), id)
            })
            .collect();
        let mut track_ids = BTreeSet::new();
        let track_ident = course
            .tracks
            .iter()
            .map(|t| {
                let base = format!("T-{}", identifier(&t.slug).trim_start_matches("M-"));
                let mut id = base.clone();
                let mut n = 2;
                while !track_ids.insert(id.clone()) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                (t.slug.as_str(), id)
            })
            .collect();
        Ok(Plan {
            course,
            order,
            blocks,
            ident,
            track_ident,
            remedial,
            waivers,
            by_key,
        })
    }

    /// The track's identifier in packages.
    pub fn track_ident(&self, slug: &str) -> &str {
        &self.track_ident[slug]
    }

    /// Whether `module` is assigned by a remediation rule on `assessment`: its requirement
    /// on that assessment means "has a score", not "passed" (else it could never open for
    /// the learners it is for).
    pub fn remedial(&self, module: &str, assessment: &str) -> bool {
        self.remedial.contains(&(module, assessment))
    }

    /// How placement waives `module`: per pre-test, the score ranges that skip it.
    pub fn waivers(&self, module: &str) -> &[Waiver<'a>] {
        self.waivers.get(module).map_or(&[], Vec::as_slice)
    }

    /// The module's identifier in packages: an XML ID derived from its path.
    pub fn ident(&self, key: &str) -> &str {
        &self.ident[key]
    }

    pub fn module(&self, key: &str) -> &'a CourseModule {
        self.by_key
            .get(key)
            .copied()
            .expect("rules were checked to name modules")
    }

    /// The LMS id the admin mapped, or a placeholder naming the module.
    pub fn lms_id(&self, key: &str) -> serde_json::Value {
        match self.course.mapping.get(key) {
            Some(id) => match id.parse::<i64>() {
                Ok(n) => serde_json::json!(n),
                Err(_) => serde_json::json!(id),
            },
            None => serde_json::json!(format!("{{{{{}}}}}", self.ident(key))),
        }
    }

    /// A stable URI for something of the course.
    pub fn uri(&self, what: &str) -> String {
        format!("urn:pathforge:{}:{what}", self.course.id)
    }

    /// Rules of the set with their kind, for targets to walk.
    pub fn rules(&self) -> &'a [rules::Rule] {
        &self.course.rules.rules
    }
}

/// The modules a rule names.
fn named_modules(body: &RuleBody) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    match body {
        RuleBody::Placement {
            assessment, bands, ..
        } => {
            out.push(assessment);
            for b in bands {
                out.extend(b.start_at.as_deref());
                out.extend(b.skip.iter().map(String::as_str));
            }
        }
        RuleBody::Unlock {
            module, requires, ..
        } => {
            out.push(module);
            out.extend(requires.iter().map(String::as_str));
        }
        RuleBody::Remediation {
            assessment, assign, ..
        } => {
            out.push(assessment);
            out.extend(assign.iter().map(String::as_str));
        }
        RuleBody::CertificationReadiness {
            required,
            min_scores,
        } => {
            out.extend(required.iter().map(String::as_str));
            out.extend(min_scores.iter().map(|m| m.module.as_str()));
        }
        RuleBody::Recertification { refresher, .. } => {
            out.extend(refresher.iter().map(String::as_str))
        }
        RuleBody::Reengagement { .. } | RuleBody::Assignment { .. } => {}
    }
    out
}

/// `modules` with each after what its unlock rule requires ([`graph::order`], ties in the
/// given order). A cycle, which the engine refuses to export, would leave its modules in
/// the given order after the others.
fn prerequisite_order<'a>(
    modules: Vec<&'a CourseModule>,
    rules: &RuleSet,
) -> Vec<&'a CourseModule> {
    let index: HashMap<&str, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.key.as_str(), i))
        .collect();
    let mut pairs = Vec::new();
    for rule in &rules.rules {
        if let RuleBody::Unlock {
            module, requires, ..
        } = &rule.body
        {
            let Some(&after) = index.get(module.as_str()) else {
                continue;
            };
            pairs.extend(
                requires
                    .iter()
                    .filter_map(|r| Some((*index.get(r.as_str())?, after))),
            );
        }
    }
    graph::order(modules.len(), &pairs)
        .into_iter()
        .map(|i| modules[i])
        .collect()
}

/// `modules/02-intro.md` → `M-02-intro`: the file name without its extension, in
/// letters, digits, `-`, `_` and `.` only, after a letter, so it is an XML ID and an
/// NCName; at most 26 characters, as SCORM 1.2 fits prerequisite scripts in 200.
fn identifier(key: &str) -> String {
    let name = key.rsplit('/').next().unwrap_or(key);
    let stem = name
        .rsplit_once('.')
        .filter(|(stem, ext)| !stem.is_empty() && ext.len() <= 5)
        .map_or(name, |(stem, _)| stem);
    let mut id = String::from("M-");
    for c in stem.chars() {
        if id.len() >= 26 {
            break;
        }
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id
}

/// The groups of requirements whose being unmet together blocks a module: the module
/// opens when at least `need` of `n` requirements are met, so it stays shut while any
/// `n - need + 1` of them are unmet. `None` when there are more than `cap` groups.
pub(crate) fn shortfalls(n: usize, need: usize, cap: usize) -> Option<Vec<Vec<usize>>> {
    let size = n.saturating_sub(need.min(n)) + 1;
    if size > n {
        return Some(Vec::new()); // nothing required
    }
    let mut out = Vec::new();
    let mut pick: Vec<usize> = (0..size).collect();
    loop {
        out.push(pick.clone());
        if out.len() > cap {
            return None;
        }
        // Next combination in lexicographic order.
        let mut i = size;
        loop {
            if i == 0 {
                return Some(out);
            }
            i -= 1;
            if pick[i] < n - size + i {
                break;
            }
        }
        pick[i] += 1;
        for j in i + 1..size {
            pick[j] = pick[j - 1] + 1;
        }
    }
}

/// How many of `n` requirements a group needs.
pub(crate) fn needed(group: Group, n: usize) -> usize {
    match group {
        Group::AllOf => n,
        Group::AnyOf => 1.min(n),
        Group::NOf(k) => (k as usize).min(n),
    }
}

/// A whole HTML page for a module: its Markdown rendered, any raw HTML in it shown as
/// text (imported content is untrusted and must not run inside the LMS).
pub(crate) fn html_page(title: &str, markdown: &str) -> Vec<u8> {
    use pulldown_cmark::{html, Event, Parser};
    let events = Parser::new(markdown).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        e => e,
    });
    let mut body = String::new();
    html::push_html(&mut body, events);
    let mut title_html = String::new();
    html::push_html(&mut title_html, std::iter::once(Event::Text(title.into())));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title_html}</title>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
    .into_bytes()
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

/// "1 module", "3 modules".
pub(crate) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// What a score-reading rule needs from the LMS content: the exported page for an
/// assessment is a placeholder that reports no score.
pub(crate) fn placeholder(plan: &Plan<'_>, key: &str) -> String {
    let m = plan.module(key);
    match &m.interactive {
        Some(was) => format!(
            "it takes effect once “{}” reports a score, which its exported page cannot: at its source it is {was}, whose questions the export does not carry (it is listed under text_only) — replace the page with that item or the authored assessment",
            m.title
        ),
        None => format!(
            "it takes effect once “{}” reports a score: the exported page is a placeholder, to be replaced by the authored assessment",
            m.title
        ),
    }
}

/// A score as the fraction SCORM and cmi5 use, trimmed of float noise.
pub(crate) fn fraction(percent: f64) -> String {
    let f = (percent / 100.0 * 10_000.0).round() / 10_000.0;
    format!("{f}")
}

/// The coverage matrix as a Markdown table: one typical rule of each kind through every
/// compiled target. The README carries this table; a test fails when they differ.
pub fn coverage_matrix() -> String {
    let course = probe();
    let mut rows: Vec<(String, Vec<&'static str>)> = course
        .rules
        .rules
        .iter()
        .map(|r| {
            let label = match r.id.as_str() {
                "gate" => "unlock with a minimum score".to_owned(),
                "after-quiz" => "unlock after the assessment it remediates".to_owned(),
                _ => r.body.kind().replace('_', " "),
            };
            (label, Vec::new())
        })
        .collect();
    for target in Target::COMPILED {
        let export = compile(&course, target).expect("the probe course compiles");
        for (rule, (_, cells)) in course.rules.rules.iter().zip(&mut rows) {
            let status = export
                .coverage
                .rules
                .iter()
                .find(|c| c.rule == rule.id)
                .map_or(Status::NotExported, |c| c.status);
            cells.push(status.symbol());
        }
    }
    let mut out = String::from("| rule kind |");
    for t in Target::COMPILED {
        out += &format!(" {} |", t.label());
    }
    out += "\n|---|";
    out += &"---|".repeat(Target::COMPILED.len());
    out.push('\n');
    for (label, cells) in rows {
        out += &format!("| {label} | {} |\n", cells.join(" | "));
    }
    out
}

/// A small course with one rule of every kind, for the coverage matrix.
fn probe() -> Course {
    let module = |key: &str| CourseModule {
        key: key.to_owned(),
        title: key.to_owned(),
        duration_minutes: 10,
        skills: vec!["s".to_owned()],
        body: String::new(),
        interactive: None,
    };
    let rules: RuleSet = serde_json::from_value(serde_json::json!({
        "schema": rules::SCHEMA,
        "rules": [
            { "id": "place", "explanation": "", "kind": "placement", "assessment": "pre",
              "bands": [{ "min": 0, "max": 69 }, { "min": 70, "max": 100, "skip": ["a"] }] },
            { "id": "unlock", "explanation": "", "kind": "unlock", "module": "b", "requires": ["a"] },
            { "id": "gate", "explanation": "", "kind": "unlock", "module": "next", "requires": ["quiz"],
              "min_score": 60 },
            { "id": "after-quiz", "explanation": "", "kind": "unlock", "module": "rem", "requires": ["quiz"] },
            { "id": "remediate", "explanation": "", "kind": "remediation", "assessment": "quiz",
              "below": 60, "assign": ["rem"], "retake_after_days": 2 },
            { "id": "nudge", "explanation": "", "kind": "reengagement", "idle_days": 7,
              "manager_after_days": 7 },
            { "id": "ready", "explanation": "", "kind": "certification_readiness",
              "required": ["b"], "min_scores": [{ "module": "quiz", "min": 80 }] },
            { "id": "assign", "explanation": "", "kind": "assignment",
              "when": { "role": "ae" }, "track": "t" },
            { "id": "recert", "explanation": "", "kind": "recertification", "track": "t",
              "older_than_months": 12, "refresher": ["b"] }
        ]
    }))
    .expect("the probe rules read");
    Course {
        id: "probe".to_owned(),
        title: "Probe".to_owned(),
        description: String::new(),
        modules: ["a", "b", "next", "pre", "quiz", "rem"]
            .map(module)
            .to_vec(),
        tracks: vec![CourseTrack {
            slug: "t".to_owned(),
            name: "T".to_owned(),
            modules: vec!["pre".into(), "a".into(), "b".into(), "quiz".into()],
        }],
        rules,
        framework: exchange::Framework {
            identifier: "00000000-0000-4000-8000-000000000000".to_owned(),
            title: "Probe".to_owned(),
            creator: "Pathforge".to_owned(),
            scale: Vec::new(),
            skills: vec![exchange::FrameworkSkill {
                identifier: "00000000-0000-4000-8000-000000000001".to_owned(),
                slug: "s".to_owned(),
                name: "S".to_owned(),
                description: String::new(),
                parent: None,
                requires: Vec::new(),
                examples: Vec::new(),
            }],
        },
        changed: Timestamp(0),
        mapping: BTreeMap::new(),
    }
}

#[cfg(test)]
mod tests;
