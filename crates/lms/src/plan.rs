//! What every target needs worked out once ([`Plan`]): the delivery order and its blocks,
//! XML-safe identifiers, which modules each rule names, remediation pairs, placement
//! waivers as score ranges, and the ways an "n of m" requirement can fall short.

use super::*;

/// What every target needs worked out once: modules in a delivery order grouped into
/// blocks, identifiers that are valid XML IDs, and the modules each rule names, checked
/// to exist.
pub(crate) struct Plan<'a> {
    pub course: &'a Course,
    /// The standard of the items this export carries as they are: its own.
    carries: Option<Standard>,
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
    pub(crate) fn new(course: &'a Course, target: Target) -> Result<Plan<'a>> {
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
        let ident = unique_idents(course.modules.iter().map(|m| m.key.as_str()), identifier);
        let track_ident = unique_idents(course.tracks.iter().map(|t| t.slug.as_str()), |slug| {
            format!("T-{}", identifier(slug).trim_start_matches("M-"))
        });
        Ok(Plan {
            course,
            carries: target.carries(),
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

    /// Whether this target speaks the standard of `m`'s source item.
    pub fn speaks(&self, m: &CourseModule) -> bool {
        self.carries.is_some() && m.speaks == self.carries
    }

    /// The item `m` carries, when this export carries it (the target speaks its standard).
    pub fn carried(&self, m: &CourseModule) -> Option<&'a Carried> {
        let m = self.module(&m.key);
        m.carried.as_ref().filter(|_| self.speaks(m))
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
        uri(&self.course.id, what)
    }

    /// Rules of the set with their kind, for targets to walk.
    pub fn rules(&self) -> &'a [rules::Rule] {
        &self.course.rules.rules
    }
}

/// Each name's identifier from `base`, numbered (`-2`, `-3`…) where two would collide,
/// in the order given.
fn unique_idents<'k>(
    names: impl Iterator<Item = &'k str>,
    base: impl Fn(&str) -> String,
) -> HashMap<&'k str, String> {
    let mut taken = BTreeSet::new();
    names
        .map(|name| {
            let base = base(name);
            let mut id = base.clone();
            let mut n = 2;
            while !taken.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            (name, id)
        })
        .collect()
}

/// The stable URI of something of the course `course_id`.
/// A stable URI for something of the course `course_id` (`what` is `course`,
/// `module:IDENT`, `track:SLUG`…): the activity ids every export writes.
pub fn uri(course_id: &str, what: &str) -> String {
    format!("urn:pathforge:{course_id}:{what}")
}

/// The module each activity id an export writes stands for — xAPI activities and SCORM
/// 2004 global objectives (`…:module:ID`), cmi5 AUs (`…:au:ID`) — for the course
/// `course_id` whose modules are `keys` in the course's order, so that statements an LRS
/// recorded from an export read back as the modules they are about.
pub fn activity_keys<'k>(course_id: &str, keys: &[&'k str]) -> HashMap<String, &'k str> {
    unique_idents(keys.iter().copied(), identifier)
        .into_iter()
        .flat_map(|(key, ident)| {
            [
                (uri(course_id, &format!("module:{ident}")), key),
                (uri(course_id, &format!("au:{ident}")), key),
            ]
        })
        .collect()
}

/// Each module's xAPI activity id (`…:module:IDENT`, as the xAPI export and SCORM 2004
/// objectives write it) for the course `course_id` whose modules are `keys` in the
/// course's order.
pub fn module_activities<'k>(course_id: &str, keys: &[&'k str]) -> HashMap<&'k str, String> {
    unique_idents(keys.iter().copied(), identifier)
        .into_iter()
        .map(|(key, ident)| (key, uri(course_id, &format!("module:{ident}"))))
        .collect()
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
pub(crate) fn identifier(key: &str) -> String {
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
