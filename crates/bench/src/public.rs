//! Suggestion quality where no one here wrote the data: public prerequisite datasets
//! (fetched by `tests/datasets/fetch`, never committed), scored beside the baselines
//! their papers use, computed in the same run on the same candidates.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// One module of a dataset's library.
pub(crate) struct Item {
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    /// The declared level, else the one auto-tagging guesses (as the engine passes it).
    pub level: model::Level,
    /// Where it is in its library (our sample libraries' file paths; empty for the
    /// public sets, whose order is their catalogue's or their authors').
    pub path: String,
}

impl Item {
    pub fn new(title: String, body: String) -> Item {
        let level = autotag::level::guess(&title, &body, None).level;
        Item {
            title,
            body,
            tags: Vec::new(),
            level,
            path: String::new(),
        }
    }
}

/// A library of modules with expert prerequisite edges `(before, after)`.
pub(crate) struct Library {
    pub items: Vec<Item>,
    pub gold: HashSet<(usize, usize)>,
    /// The ordered pairs the dataset labelled; `None`: every ordered pair is a candidate
    /// and an unlisted one is not an edge.
    pub labelled: Option<Vec<(usize, usize)>>,
    /// The dataset's own reference-distance score of a labelled pair, where it ships one.
    pub refd: HashMap<(usize, usize), f64>,
}

impl Library {
    /// A library whose every ordered pair is a candidate.
    fn every_pair(items: Vec<Item>, gold: HashSet<(usize, usize)>) -> Library {
        Library {
            items,
            gold,
            labelled: None,
            refd: HashMap::new(),
        }
    }
}

pub(crate) struct Dataset {
    pub name: &'static str,
    pub source: String,
    pub held_out: bool,
    /// Written beside the code (the sample libraries): tuned on, never a quality claim.
    pub ours: bool,
    pub libraries: Vec<Library>,
}

/// The datasets, in table order. A dataset that is not in `dir` is an `Err` naming it.
pub(crate) fn datasets(dir: &Path) -> Vec<(&'static str, Result<Dataset>)> {
    vec![
        ("sample libraries", samples()),
        (
            "university-course",
            university_course(&dir.join("university-course")),
        ),
        ("al-cpl", al_cpl(&dir.join("al-cpl"))),
        (
            "lecturebank-cd cv",
            lecturebank_cd(&dir.join("lecturebank-cd"), "lecturebank-cd cv", "CV"),
        ),
        (
            "lecturebank-cd bio",
            lecturebank_cd(&dir.join("lecturebank-cd"), "lecturebank-cd bio", "BIO"),
        ),
        ("lecturebank", lecturebank(&dir.join("lecturebank"))),
        ("sfu-courses", sfu_courses(&dir.join("sfu-courses"))),
        ("sbu-courses", sbu_courses(&dir.join("sbu-courses"))),
    ]
}

fn source(dir: &Path) -> Result<String> {
    let text = std::fs::read_to_string(dir.join("SOURCE")).with_context(|| {
        format!(
            "{} is missing: run tests/datasets/fetch (make bench does)",
            dir.display()
        )
    })?;
    Ok(text.lines().collect::<Vec<_>>().join("; "))
}

/// Our three sample libraries with the prerequisites their manifests declare: skills,
/// declared levels, defined terms and modules naming each other, which no public set has.
fn samples() -> Result<Dataset> {
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../sample-libraries"
    ));
    let mut libraries = Vec::new();
    for name in ["sales-onboarding", "nurse-onboarding", "data-literacy"] {
        let content = ingest::read_library(&root.join(name))?;
        let manifest = content
            .manifest
            .context("a sample library has a manifest")?;
        let index: HashMap<&str, usize> = content
            .modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.relative_path.as_str(), i))
            .collect();
        let gold = manifest
            .requires
            .iter()
            .flat_map(|r| {
                r.after
                    .iter()
                    .map(|b| (index[b.as_str()], index[r.module.as_str()]))
            })
            .collect();
        let items = content
            .modules
            .iter()
            .map(|m| {
                let mut item = Item::new(m.title.clone(), m.body.clone());
                item.tags = m.tags.clone();
                item.level = m.level.unwrap_or(item.level);
                item.path = m.relative_path.clone();
                item
            })
            .collect();
        libraries.push(Library::every_pair(items, gold));
    }
    Ok(Dataset {
        name: "sample libraries",
        source: "sample-libraries/ in this repository".to_owned(),
        held_out: false,
        ours: true,
        libraries,
    })
}

/// Liang et al. 2017: CS course descriptions of 11 US universities, with the courses'
/// prerequisites. Each university is one library, in catalogue (course number) order.
fn university_course(dir: &Path) -> Result<Dataset> {
    let source = source(dir)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(dir.join("cs_courses.csv"))?;
    let mut by_university: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for row in reader.records() {
        let row = row?;
        let (id, text) = (row.get(0).unwrap_or(""), row.get(1).unwrap_or(""));
        let university = id.split('_').next().unwrap_or("").to_owned();
        by_university
            .entry(university)
            .or_default()
            .push((id.to_owned(), text.to_owned()));
    }
    let edges = std::fs::read_to_string(dir.join("cs_edges.csv"))?;
    let mut libraries = Vec::new();
    let mut names: Vec<&String> = by_university.keys().collect();
    names.sort();
    for name in names {
        let mut courses = by_university[name].clone();
        courses.sort();
        let index: HashMap<&str, usize> = courses
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.as_str(), i))
            .collect();
        let mut gold = HashSet::new();
        for line in edges.lines() {
            let Some((after, before)) = line.split_once(',') else {
                continue;
            };
            if let (Some(&a), Some(&b)) = (index.get(after.trim()), index.get(before.trim())) {
                if a != b {
                    gold.insert((b, a));
                }
            }
        }
        let items = courses
            .iter()
            .map(|(_, text)| {
                // "Title. Description" — the title is the first sentence.
                let (title, body) = text.split_once(". ").unwrap_or((text, ""));
                Item::new(
                    title.trim().to_owned(),
                    body.split_whitespace().collect::<Vec<_>>().join(" "),
                )
            })
            .collect();
        libraries.push(Library::every_pair(items, gold));
    }
    Ok(Dataset {
        name: "university-course",
        source,
        held_out: false,
        ours: false,
        libraries,
    })
}

fn concept_title(name: &str) -> String {
    name.replace('_', " ")
}

/// Liang et al. 2018 (AL-CPL): Wikipedia concepts of four domains, with labelled pairs
/// "is B a prerequisite of A" and, per pair, the features their paper used — RefD among
/// them, from Wikipedia's links. Concepts carry names only (the pages are not shipped).
fn al_cpl(dir: &Path) -> Result<Dataset> {
    let source = source(dir)?;
    let mut libraries = Vec::new();
    for domain in ["data_mining", "geometry", "physics", "precalculus"] {
        let pairs = std::fs::read_to_string(dir.join(format!("data/{domain}.pairs")))?;
        let features = std::fs::read_to_string(dir.join(format!("features/{domain}.features")))?;
        let pairs: Vec<(&str, &str)> = pairs.lines().filter_map(|l| l.split_once(',')).collect();
        let rows: Vec<&str> = features.lines().collect();
        if pairs.len() != rows.len() {
            bail!(
                "{domain}: {} pairs but {} feature rows",
                pairs.len(),
                rows.len()
            );
        }
        let mut names: Vec<String> = pairs
            .iter()
            .flat_map(|(a, b)| [concept_title(a), concept_title(b)])
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        let index: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let (mut gold, mut labelled, mut refd) = (HashSet::new(), Vec::new(), HashMap::new());
        for ((a, b), row) in pairs.iter().zip(rows) {
            let (a, b) = (
                index[concept_title(a).as_str()],
                index[concept_title(b).as_str()],
            );
            let mut fields = row.split_whitespace();
            let label = fields.next().context("a label")?;
            // Feature 10 is RefD(A, B): positive when B is A's prerequisite.
            let value = fields
                .find_map(|f| f.strip_prefix("10:"))
                .context("RefD (feature 10)")?
                .parse::<f64>()?;
            if label == "1" {
                gold.insert((b, a));
            }
            if !labelled.contains(&(b, a)) {
                labelled.push((b, a));
            }
            refd.insert((b, a), value);
        }
        libraries.push(Library {
            items: names
                .into_iter()
                .map(|title| Item::new(title, String::new()))
                .collect(),
            gold,
            labelled: Some(labelled),
            refd,
        });
    }
    Ok(Dataset {
        name: "al-cpl",
        source,
        held_out: false,
        ours: false,
        libraries,
    })
}

/// Simon Fraser University's undergraduate course outlines (titles, descriptions and
/// prerequisite statements, as its public course-outlines API gives them, collected in
/// Highfire1/sfu-prerequisites-parsing). Each department is one library in course-number
/// order; an expert edge is a course of the same department that a course's prerequisite
/// statement names (its corequisites and recommendations left out), in departments whose
/// statements name at least [`MIN_STATED_EDGES`] of their own courses ([`department`]).
/// Held out: found after the weights were fitted.
fn sfu_courses(dir: &Path) -> Result<Dataset> {
    #[derive(serde::Deserialize)]
    struct Outlines {
        data: Vec<Outline>,
    }
    #[derive(serde::Deserialize)]
    struct Outline {
        dept: String,
        number: String,
        title: String,
        #[serde(default)]
        description: String,
        #[serde(default)]
        prerequisites: String,
        #[serde(rename = "degreeLevel", default)]
        degree_level: String,
    }
    let source = source(dir)?;
    let path = dir.join("code/source_data/outlines_all.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let outlines: Outlines =
        serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    let mut by_dept: std::collections::BTreeMap<String, Vec<Outline>> = Default::default();
    for o in outlines.data {
        if o.degree_level == "UGRD" {
            by_dept.entry(o.dept.clone()).or_default().push(o);
        }
    }
    let libraries = by_dept
        .into_iter()
        .filter_map(|(dept, courses)| {
            department(
                courses
                    .into_iter()
                    .map(|c| Course {
                        required: named_courses(&c.prerequisites)
                            .into_iter()
                            .filter(|(d, _)| *d == dept)
                            .map(|(_, n)| n)
                            .collect(),
                        number: c.number,
                        title: c.title,
                        description: c.description,
                    })
                    .collect(),
            )
        })
        .collect();
    Ok(Dataset {
        name: "sfu-courses",
        source,
        held_out: true,
        ours: false,
        libraries,
    })
}

/// Stony Brook University's undergraduate bulletin (course titles, descriptions and
/// prerequisites parsed into trees of courses), as wilsonw13/course-prerequisites
/// scraped it. Built like [`sfu_courses`]: each department one library in course-number
/// order, an edge from every course of the department its prerequisites name (advisory
/// ones left out). Held out: found after the weights were fitted.
fn sbu_courses(dir: &Path) -> Result<Dataset> {
    #[derive(serde::Deserialize)]
    struct Entry {
        department: String,
        number: String,
        title: String,
        #[serde(default)]
        description: Option<String>,
        #[serde(default)]
        prerequisites: Option<serde_json::Value>,
    }
    let source = source(dir)?;
    let path = dir.join("backend/json/data/all_courses_full.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let entries: HashMap<String, Entry> =
        serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    let mut by_dept: std::collections::BTreeMap<String, Vec<Course>> = Default::default();
    for e in entries.into_values() {
        let mut required = Vec::new();
        if let Some(p) = &e.prerequisites {
            courses_in_tree(p, &mut required);
        }
        let prefix = format!("{} ", e.department);
        by_dept
            .entry(e.department.clone())
            .or_default()
            .push(Course {
                required: required
                    .iter()
                    .filter_map(|c| c.strip_prefix(&prefix).map(str::to_owned))
                    .collect(),
                number: e.number,
                title: e.title,
                description: e.description.unwrap_or_default(),
            });
    }
    Ok(Dataset {
        name: "sbu-courses",
        source,
        held_out: true,
        ours: false,
        libraries: by_dept.into_values().filter_map(department).collect(),
    })
}

/// Every `{"type": "course", "value": "CSE 114"}` in a prerequisite tree of `and`, `or`
/// and other nodes.
fn courses_in_tree(node: &serde_json::Value, out: &mut Vec<String>) {
    match node {
        serde_json::Value::Object(o) => {
            if let (Some("course"), Some(serde_json::Value::String(c))) =
                (o.get("type").and_then(|t| t.as_str()), o.get("value"))
            {
                out.push(c.clone());
            }
            if let Some(v) = o.get("value") {
                courses_in_tree(v, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| courses_in_tree(v, out)),
        _ => {}
    }
}

/// One course of a catalogue, with the numbers of the courses of its own department its
/// prerequisites name.
struct Course {
    number: String,
    title: String,
    description: String,
    required: Vec<String>,
}

/// A department as a library in course-number order, its prerequisites the expert edges;
/// `None` when they are fewer than [`MIN_STATED_EDGES`] (a department that states few
/// says little). Only titles and descriptions are read: the prerequisites are the answer.
fn department(mut courses: Vec<Course>) -> Option<Library> {
    let key = |n: &str| {
        let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
        (digits.parse::<u32>().unwrap_or(u32::MAX), n.to_owned())
    };
    courses.sort_by_key(|c| key(&c.number));
    courses.dedup_by(|a, b| a.number == b.number);
    let index: HashMap<&str, usize> = courses
        .iter()
        .enumerate()
        .map(|(i, c)| (c.number.as_str(), i))
        .collect();
    // "272" names 272W where the catalogue has only that, and the other way round.
    let find = |n: &str| {
        index
            .get(n)
            .or_else(|| index.get(format!("{n}W").as_str()))
            .or_else(|| n.strip_suffix('W').and_then(|m| index.get(m)))
            .copied()
    };
    let mut gold = HashSet::new();
    for (after, c) in courses.iter().enumerate() {
        for number in &c.required {
            if let Some(before) = find(number).filter(|b| *b != after) {
                gold.insert((before, after));
            }
        }
    }
    if gold.len() < MIN_STATED_EDGES {
        return None;
    }
    let items = courses
        .iter()
        .map(|c| Item::new(c.title.trim().to_owned(), c.description.trim().to_owned()))
        .collect();
    Some(Library::every_pair(items, gold))
}

/// Departments stating fewer prerequisites among their own courses are left out.
const MIN_STATED_EDGES: usize = 20;

/// The courses a prerequisite statement names, as (department, number): "MATH 150, 151
/// or 157" names three, "ACMA 201 (or 210)" two; what follows "Corequisite" or
/// "Recommended" is not a prerequisite, and "100-level", "45 units" name no course.
fn named_courses(statement: &str) -> Vec<(String, String)> {
    // ASCII lower case keeps every byte where it was, so `end` indexes `statement` too.
    let lower = statement.to_ascii_lowercase();
    let end = ["corequisite", "co-requisite", "recommended"]
        .iter()
        .filter_map(|w| lower.find(w))
        .min()
        .unwrap_or(statement.len());
    let tokens: Vec<&str> = statement[..end]
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let is_number = |t: &str| {
        let digits = t.trim_end_matches('W');
        digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()) && t.len() <= 4
    };
    let is_dept = |t: &str| (2..=5).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_uppercase());
    let mut out = Vec::new();
    let mut dept: Option<&str> = None;
    for (i, t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).map(|n| n.to_lowercase());
        if is_dept(t) && tokens.get(i + 1).is_some_and(|n| is_number(n)) {
            dept = Some(t);
        } else if is_number(t) {
            let counts = !matches!(
                next.as_deref(),
                Some("level" | "units" | "unit" | "credit" | "credits")
            );
            if let (Some(d), true) = (dept, counts) {
                out.push((d.to_owned(), (*t).to_owned()));
            }
        }
    }
    out
}

/// Li et al. 2020 (LectureBank 2.0): 322 NLP/ML topics with annotated prerequisite pairs.
/// Names only. Held out: never used to choose features or fit weights.
fn lecturebank(dir: &Path) -> Result<Dataset> {
    let data = dir.join("LB-Paper/LectureBank2/data");
    Ok(Dataset {
        name: "lecturebank",
        source: source(dir)?,
        held_out: true,
        ours: false,
        libraries: vec![topics_library(
            &data.join("322topics_final.tsv"),
            '|',
            &data.join("final_new_annotation.csv"),
        )?],
    })
}

/// Li et al. 2021 (LectureBankCD): every pair of topics judged the same way, in computer
/// vision (`CV`, 201 topics) and bioinformatics (`BIO`, 100). Names only. Held out like
/// LectureBank 2.0: it came to light after the weights were fitted.
fn lecturebank_cd(dir: &Path, name: &'static str, domain: &str) -> Result<Dataset> {
    let data = dir.join("LB-Paper/LectureBankCD/data");
    Ok(Dataset {
        name,
        source: source(dir)?,
        held_out: true,
        ours: false,
        libraries: vec![topics_library(
            &data.join(format!("{domain}.topics.tsv")),
            '\t',
            &data.join(format!("{domain}.annotation.csv")),
        )?],
    })
}

/// A LectureBank library: topics `id<separator>name`, sorted by name, and annotated
/// pairs `source,target,label` (label 1: the source is the target's prerequisite).
fn topics_library(topics: &Path, separator: char, annotation: &Path) -> Result<Library> {
    let topics =
        std::fs::read_to_string(topics).with_context(|| format!("reading {}", topics.display()))?;
    let mut names: Vec<(String, String)> = topics
        .lines()
        .filter_map(|l| l.split_once(separator))
        .map(|(id, name)| (id.trim().to_owned(), name.trim().to_owned()))
        .collect();
    names.sort_by_key(|(_, n)| n.to_lowercase());
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let annotation = std::fs::read_to_string(annotation)
        .with_context(|| format!("reading {}", annotation.display()))?;
    let (mut gold, mut labelled) = (HashSet::new(), Vec::new());
    let mut seen = HashSet::new();
    for line in annotation.lines() {
        let f: Vec<&str> = line.split(',').collect();
        let [before, after, label] = f[..] else {
            continue;
        };
        let (Some(&b), Some(&a)) = (index.get(before.trim()), index.get(after.trim())) else {
            continue;
        };
        if a == b || !seen.insert((b, a)) {
            continue;
        }
        labelled.push((b, a));
        if label.trim() == "1" {
            gold.insert((b, a));
        }
    }
    Ok(Library {
        items: names
            .into_iter()
            .map(|(_, title)| Item::new(title, String::new()))
            .collect(),
        gold,
        labelled: Some(labelled),
        refd: HashMap::new(),
    })
}

/// Where `tests/datasets/fetch` puts the datasets.
pub(crate) fn default_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../target/datasets"
    ))
}

/// Ranking figures of one method on one set of candidates.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Figures {
    /// Hits in the top R, summed over libraries, and R summed.
    pub hits_at_r: f64,
    pub r: usize,
    /// Hits in the top K of each library, summed, and K × libraries.
    pub hits_at_k: f64,
    pub k: usize,
    /// AUC summed weighted by positives, and the weight.
    pub auc_sum: f64,
    pub auc_weight: f64,
}

pub(crate) const K: usize = 20;

impl Figures {
    pub fn r_precision(&self) -> f64 {
        self.hits_at_r / self.r.max(1) as f64
    }
    pub fn p_at_k(&self) -> f64 {
        self.hits_at_k / self.k.max(1) as f64
    }
    pub fn auc(&self) -> f64 {
        self.auc_sum / self.auc_weight.max(1e-12)
    }

    /// Adds one library's ranking: `(score, is_gold)` for every candidate. Ties count as
    /// if broken at random: a tie group cut by the top R (or K) counts its share of hits.
    pub fn add(&mut self, mut ranked: Vec<(f64, bool)>) {
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        let r = ranked.iter().filter(|x| x.1).count();
        if r == 0 {
            return;
        }
        // Tie groups: (size, positives), best first.
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < ranked.len() {
            let mut j = i;
            while j < ranked.len() && ranked[j].0 == ranked[i].0 {
                j += 1;
            }
            let pos = ranked[i..j].iter().filter(|x| x.1).count();
            groups.push((j - i, pos));
            i = j;
        }
        let hits_in_top = |cut: usize| -> f64 {
            let (mut seen, mut hits) = (0usize, 0.0);
            for &(size, pos) in &groups {
                if seen >= cut {
                    break;
                }
                let take = size.min(cut - seen);
                hits += pos as f64 * take as f64 / size as f64;
                seen += size;
            }
            hits
        };
        self.r += r;
        self.hits_at_r += hits_in_top(r);
        self.k += K;
        self.hits_at_k += hits_in_top(K);
        // AUC by ranks, ties counted half.
        let negatives = ranked.len() - r;
        if negatives > 0 {
            let (mut above, mut negatives_seen) = (0f64, 0usize);
            for &(size, pos) in &groups {
                let neg = size - pos;
                above +=
                    pos as f64 * ((negatives - negatives_seen - neg) as f64 + neg as f64 / 2.0);
                negatives_seen += neg;
            }
            self.auc_sum += above / negatives as f64;
            self.auc_weight += r as f64;
        }
    }
}

/// Vectors of `texts` by text hash, embedded once and kept in
/// `dir/.vectors-<model>.json` between runs.
pub(crate) fn cached_vectors(
    texts: &[&str],
    encoder: &embed::Encoder,
    dir: &Path,
) -> Result<HashMap<String, Vec<f32>>> {
    let cache_file = dir.join(format!(
        ".vectors-{}.json",
        autotag::text_hash(&encoder.info().id())
    ));
    let mut cache: HashMap<String, Vec<f32>> = std::fs::read(&cache_file)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut missing: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|t| !cache.contains_key(&autotag::text_hash(t)))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    missing.sort_unstable();
    if !missing.is_empty() {
        eprintln!(
            "embedding {} texts (kept in {})",
            missing.len(),
            cache_file.display()
        );
        for (t, v) in missing.iter().zip(encoder.embed(&missing)?) {
            cache.insert(autotag::text_hash(t), v);
        }
        std::fs::write(&cache_file, serde_json::to_vec(&cache)?)?;
    }
    Ok(cache)
}

/// Each module's vector as the engine caches it after auto-tagging: the unit mean of its
/// passages' vectors (its title's, when it has no text).
pub(crate) fn vectors(
    items: &[Item],
    encoder: &embed::Encoder,
    dir: &Path,
) -> Result<Vec<Vec<f32>>> {
    let spans = |t: &str| encoder.token_spans(t).unwrap_or_default();
    let prepared: Vec<autotag::Prepared> = items
        .iter()
        .map(|m| {
            autotag::prepare(
                &autotag::ModuleInput {
                    id: model::ModuleId(m.title.clone()),
                    title: &m.title,
                    body: &m.body,
                    depth: None,
                },
                &spans,
            )
        })
        .collect();
    let texts: Vec<Vec<&str>> = prepared
        .iter()
        .zip(items)
        .map(|(p, m)| autotag::module_texts(p, &m.title))
        .collect();
    let all: Vec<&str> = texts.iter().flatten().copied().collect();
    let cache = cached_vectors(&all, encoder, dir)?;
    Ok(texts
        .iter()
        .map(|ts| {
            let vs: Vec<&[f32]> = ts
                .iter()
                .map(|t| cache[&autotag::text_hash(t)].as_slice())
                .collect();
            autotag::mean_vector(&vs).expect("every module has a text")
        })
        .collect())
}

/// One library's candidates with their features and whether each is an expert edge.
pub(crate) struct Scored {
    pub ours: Vec<(f64, bool)>,
    /// Cosine similarity for each ordered candidate: both directions of a pair tie.
    pub directed_cosine: Vec<(f64, bool)>,
    /// Cosine similarity of each unordered pair, right when either direction is an edge.
    pub cosine: Vec<(f64, bool)>,
    /// The model's pair part (are the two related at all?) for each unordered pair, right
    /// when either direction is an edge: what Pathforge would score without direction.
    pub related: Vec<(f64, bool)>,
    pub refd: Vec<(f64, bool)>,
    /// Of the expert edges, how many the model puts the right way round (a tie counts
    /// half), and of how many.
    pub ordered: (f64, usize),
    /// Every candidate `(before, after)`, its features and whether it is an expert edge.
    pub rows: Vec<((usize, usize), graph::Features, bool)>,
    /// The suggestions `graph suggest` makes on the library without edges, asked for as
    /// many as it has expert edges: how many are expert edges, of how many.
    pub suggested: Option<(usize, usize)>,
}

/// What the suggester reads of a library's items, compared by `vectors` when given.
fn module_texts<'a>(
    library: &'a Library,
    vectors: Option<&'a [Vec<f32>]>,
) -> Vec<graph::ModuleText<'a>> {
    library
        .items
        .iter()
        .enumerate()
        .map(|(i, m)| graph::ModuleText {
            title: &m.title,
            body: &m.body,
            tags: &m.tags,
            level: Some(m.level),
            vector: vectors.map(|v| v[i].as_slice()),
            library: 0,
            path: &m.path,
        })
        .collect()
}

/// The ordered pairs ranked: the labelled ones, else every ordered pair.
fn candidates(library: &Library) -> Vec<(usize, usize)> {
    let n = library.items.len();
    match &library.labelled {
        Some(l) => l.clone(),
        None => (0..n)
            .flat_map(|b| (0..n).filter(move |a| *a != b).map(move |a| (b, a)))
            .collect(),
    }
}

/// Scores every candidate of `library` with `model` (the shipped one when `None`).
/// Like `graph suggest`, only the likelier direction of a pair is ranked.
pub(crate) fn score(
    library: &Library,
    vectors: Option<&[Vec<f32>]>,
    model: Option<graph::Model>,
) -> Scored {
    let texts = module_texts(library, vectors);
    let signals = graph::Signals { titles: true };
    let mut scorer = graph::Scorer::new(&texts, signals).with_refd();
    if let Some(m) = model {
        scorer = scorer.with_model(m);
    }
    let candidates = candidates(library);
    let mut out = Scored {
        ours: Vec::new(),
        directed_cosine: Vec::new(),
        cosine: Vec::new(),
        related: Vec::new(),
        refd: Vec::new(),
        ordered: (0.0, 0),
        rows: Vec::new(),
        suggested: None,
    };
    let mut unordered: HashMap<(usize, usize), (f64, f64, bool)> = HashMap::new();
    for &(b, a) in &candidates {
        let f = scorer.features(b, a);
        let gold = library.gold.contains(&(b, a));
        let d = scorer.model().direction(&f);
        let kept = d > 0.0 || (d == 0.0 && b < a);
        if gold {
            out.ordered.0 += if d == 0.0 {
                0.5
            } else {
                (d > 0.0) as u8 as f64
            };
            out.ordered.1 += 1;
        }
        out.ours.push((
            if kept {
                scorer.confidence(&f)
            } else {
                f64::NEG_INFINITY
            },
            gold,
        ));
        out.rows.push(((b, a), f, gold));
        out.directed_cosine.push((f.similarity, gold));
        let refd = library.refd.get(&(b, a)).copied().unwrap_or(f.refd);
        out.refd.push((refd, gold));
        let pair = unordered.entry((b.min(a), b.max(a))).or_insert((
            f.similarity,
            scorer.model().pair(&f),
            false,
        ));
        pair.2 |= gold;
    }
    out.cosine = unordered.values().map(|p| (p.0, p.2)).collect();
    out.related = unordered.values().map(|p| (p.1, p.2)).collect();
    if library.labelled.is_none() {
        let nodes = library
            .items
            .iter()
            .enumerate()
            .map(|(i, m)| graph::Node {
                id: i.to_string(),
                name: m.title.clone(),
            })
            .collect();
        let empty = graph::Graph::new(nodes, &[]);
        let found = graph::suggest(
            &empty,
            &texts,
            signals,
            library.gold.len(),
            &Default::default(),
        );
        let hits = found
            .iter()
            .filter(|s| library.gold.contains(&(s.before, s.after)))
            .count();
        out.suggested = Some((hits, library.gold.len()));
    }
    out
}

/// Every how-manyth expert edge (in order) counts as drawn in the "drawn" rows.
const DRAWN_EVERY: usize = 5;

/// The shares drawn in the table of how learning grows with the graph (1 in 20, 10, 5).
const DRAWN_SWEEP: [usize; 3] = [20, 10, DRAWN_EVERY];

/// A library with a fifth of its expert edges drawn, as a designer part way through:
/// the rest are ranked by Pathforge learning from the drawn ones, by Pathforge as shipped,
/// by cosine, and by the drawn edges alone (preferential attachment, the link-prediction
/// baseline: (1 + edges `before` leads into) × (1 + edges leading into `after`)), each on
/// the same candidates (pairs drawn either way round left out), with the share of the rest
/// each model orders right.
pub(crate) struct Drawn {
    pub learned: Vec<(f64, bool)>,
    pub shipped: Vec<(f64, bool)>,
    pub directed_cosine: Vec<(f64, bool)>,
    pub attachment: Vec<(f64, bool)>,
    /// Of the edges not drawn, how many each puts the right way round (learned, shipped;
    /// a tie counts half), and of how many.
    pub ordered: (f64, f64, usize),
}

pub(crate) fn score_drawn(library: &Library, vectors: Option<&[Vec<f32>]>, every: usize) -> Drawn {
    let texts = module_texts(library, vectors);
    let signals = graph::Signals { titles: true };
    let mut gold: Vec<(usize, usize)> = library.gold.iter().copied().collect();
    gold.sort_unstable();
    let drawn: Vec<(usize, usize)> = gold.iter().copied().step_by(every).collect();
    let drawn_pairs: HashSet<(usize, usize)> =
        drawn.iter().map(|&(b, a)| (b.min(a), b.max(a))).collect();
    let shipped = graph::Scorer::new(&texts, signals);
    let learned =
        graph::Scorer::new(&texts, signals).learning_from(&drawn, graph::LEARNING_STRENGTH);
    let candidates = candidates(library);
    let n = library.items.len();
    let (mut leads, mut led) = (vec![0usize; n], vec![0usize; n]);
    for &(b, a) in &drawn {
        leads[b] += 1;
        led[a] += 1;
    }
    let mut out = Drawn {
        learned: Vec::new(),
        shipped: Vec::new(),
        directed_cosine: Vec::new(),
        attachment: Vec::new(),
        ordered: (0.0, 0.0, 0),
    };
    let right = |d: f64| {
        if d == 0.0 {
            0.5
        } else {
            (d > 0.0) as u8 as f64
        }
    };
    for &(b, a) in &candidates {
        if drawn_pairs.contains(&(b.min(a), b.max(a))) {
            continue;
        }
        let is_gold = library.gold.contains(&(b, a));
        // The learning scorer's features also read the drawn edges (`linked`, `role`).
        let (f, fl) = (shipped.features(b, a), learned.features(b, a));
        let (ds, dl) = (
            shipped.model().direction(&f),
            learned.model().direction(&fl),
        );
        if is_gold {
            out.ordered.0 += right(dl);
            out.ordered.1 += right(ds);
            out.ordered.2 += 1;
        }
        let kept = |d: f64| d > 0.0 || (d == 0.0 && b < a);
        let rank = |scorer: &graph::Scorer<'_>, d: f64, f: &graph::Features| match kept(d) {
            true => scorer.confidence(f),
            false => f64::NEG_INFINITY,
        };
        out.learned.push((rank(&learned, dl, &fl), is_gold));
        out.shipped.push((rank(&shipped, ds, &f), is_gold));
        out.directed_cosine.push((f.similarity, is_gold));
        out.attachment
            .push((((1 + leads[b]) * (1 + led[a])) as f64, is_gold));
    }
    out
}

struct Methods {
    ours: Figures,
    directed_cosine: Figures,
    words: Figures,
    cosine: Figures,
    related: Figures,
    refd: Figures,
    suggested: (usize, usize),
    /// Expert edges the right way round, with vectors and with words, and of how many.
    ordered: (f64, f64, usize),
    /// With a fifth of the expert edges drawn (model vectors): learning from them, as
    /// shipped, cosine; and the rest ordered right (learning, shipped) of how many.
    /// And the drawn edges alone (preferential attachment).
    drawn: (Figures, Figures, Figures, Figures),
    drawn_ordered: (f64, f64, usize),
    /// For each of [`DRAWN_SWEEP`]: Pathforge learning from that share drawn, as shipped,
    /// and cosine.
    sweep: Vec<(Figures, Figures, Figures)>,
    /// With the model fitted on the other tuning datasets (model vectors), and the expert
    /// edges it puts the right way round; a held-out dataset has none (the shipped model
    /// never saw it).
    without: Option<(Figures, f64)>,
}

/// The public-dataset table: per dataset, our ranking (with the model's vectors, also
/// fitted without the dataset when it is a tuning one, with words only, and its pair
/// part alone either way round) beside cosine similarity with the same model and RefD,
/// and the share of expert edges ordered right.
pub(crate) fn quality_table(dir: &Path, encoder: &embed::Encoder) -> Result<String> {
    let mut out = String::from(
        "| dataset | libraries | modules | expert edges | method | R-precision | P@20 | AUC | edges the right way round |\n|---|---:|---:|---:|---|---:|---:|---:|---:|\n",
    );
    let mut sweep = String::new();
    let all = datasets(dir);
    let without = fitted_without(&all, dir, encoder).unwrap_or_else(|e| {
        eprintln!("NOT MEASURED: the rows fitted without each tuning dataset: {e:#}");
        HashMap::new()
    });
    for (name, dataset) in &all {
        let dataset = match dataset {
            Ok(d) => d,
            Err(e) => {
                eprintln!("DATASET MISSING: {name}: {e:#}");
                out.push_str(&format!("| {name} | | | | **absent**: {e} | | | | |\n"));
                continue;
            }
        };
        let mut m = Methods {
            ours: Figures::default(),
            directed_cosine: Figures::default(),
            words: Figures::default(),
            cosine: Figures::default(),
            related: Figures::default(),
            refd: Figures::default(),
            suggested: (0, 0),
            ordered: (0.0, 0.0, 0),
            drawn: (
                Figures::default(),
                Figures::default(),
                Figures::default(),
                Figures::default(),
            ),
            drawn_ordered: (0.0, 0.0, 0),
            sweep: DRAWN_SWEEP.iter().map(|_| Default::default()).collect(),
            without: without.get(name).map(|_| (Figures::default(), 0.0)),
        };
        let (mut modules, mut edges) = (0, 0);
        for library in &dataset.libraries {
            modules += library.items.len();
            edges += library.gold.len();
            let v = vectors(&library.items, encoder, dir)?;
            let scored = score(library, Some(&v), None);
            let words = score(library, None, None);
            m.ordered.0 += scored.ordered.0;
            m.ordered.1 += words.ordered.0;
            m.ordered.2 += scored.ordered.1;
            m.ours.add(scored.ours);
            m.directed_cosine.add(scored.directed_cosine);
            m.cosine.add(scored.cosine);
            m.related.add(scored.related);
            m.refd.add(scored.refd);
            if let Some((hits, r)) = scored.suggested {
                m.suggested.0 += hits;
                m.suggested.1 += r;
            }
            m.words.add(words.ours);
            for (every, (learned, shipped, cosine)) in DRAWN_SWEEP.iter().zip(&mut m.sweep) {
                let drawn = score_drawn(library, Some(&v), *every);
                learned.add(drawn.learned.clone());
                shipped.add(drawn.shipped.clone());
                cosine.add(drawn.directed_cosine.clone());
                if *every == DRAWN_EVERY {
                    m.drawn.0.add(drawn.learned);
                    m.drawn.1.add(drawn.shipped);
                    m.drawn.2.add(drawn.directed_cosine);
                    m.drawn.3.add(drawn.attachment);
                    m.drawn_ordered.0 += drawn.ordered.0;
                    m.drawn_ordered.1 += drawn.ordered.1;
                    m.drawn_ordered.2 += drawn.ordered.2;
                }
            }
            if let (Some(model), Some((f, right))) = (without.get(name), m.without.as_mut()) {
                let scored = score(library, Some(&v), Some(*model));
                f.add(scored.ours);
                *right += scored.ordered.0;
            }
        }
        let label = format!(
            "{}{}",
            dataset.name,
            if dataset.held_out {
                " (held out)"
            } else if dataset.ours {
                " (ours, tuned on)"
            } else {
                ""
            }
        );
        let names_only = dataset
            .libraries
            .iter()
            .all(|l| l.items.iter().all(|m| m.body.is_empty()));
        let refd_kind = if dataset.libraries.iter().any(|l| !l.refd.is_empty()) {
            "RefD, Wikipedia links (the dataset's own)"
        } else if names_only {
            "RefD, TF-IDF terms of the names"
        } else {
            "RefD, TF-IDF terms of the texts"
        };
        // One row: `f` against `baseline` (the cosine it is compared with), and the share
        // of edges it orders right.
        let libraries = dataset.libraries.len();
        let row = |out: &mut String,
                   method: &str,
                   f: &Figures,
                   baseline: &Figures,
                   ordered: &str| {
            out.push_str(&format!(
                "| {label} | {libraries} | {modules} | {edges} | {method} | {:.3} ({:.2}×) | {:.3} | {:.3} | {ordered} |\n",
                f.r_precision(),
                f.r_precision() / baseline.r_precision().max(1e-9),
                f.p_at_k(),
                f.auc()
            ));
        };
        let share = |right: f64| format!("{:.0}%", 100.0 * right / m.ordered.2.max(1) as f64);
        let mut line = |method: &str, f: &Figures, ordered: &str| {
            row(&mut out, method, f, &m.directed_cosine, ordered)
        };
        line("**Pathforge**, model vectors", &m.ours, &share(m.ordered.0));
        if let Some((f, right)) = &m.without {
            line(
                "Pathforge, model vectors, fitted without this dataset",
                f,
                &share(*right),
            );
        }
        line("Pathforge, words only", &m.words, &share(m.ordered.1));
        line(
            "cosine, same model, scored on directed edges",
            &m.directed_cosine,
            "",
        );
        line(
            "cosine, same model, undirected (either direction counts)",
            &m.cosine,
            "",
        );
        line(
            "Pathforge's pair part alone, undirected (either direction counts)",
            &m.related,
            "",
        );
        line(refd_kind, &m.refd, "");
        let drawn_share =
            |right: f64| format!("{:.0}%", 100.0 * right / m.drawn_ordered.2.max(1) as f64);
        let mut drawn_line = |method: &str, f: &Figures, ordered: &str| {
            row(&mut out, method, f, &m.drawn.2, ordered)
        };
        drawn_line(
            "1 in 5 expert edges drawn: **Pathforge learning from them**, the rest",
            &m.drawn.0,
            &drawn_share(m.drawn_ordered.0),
        );
        drawn_line(
            "1 in 5 drawn: Pathforge as shipped, the rest",
            &m.drawn.1,
            &drawn_share(m.drawn_ordered.1),
        );
        drawn_line(
            "1 in 5 drawn: cosine on directed edges, the rest",
            &m.drawn.2,
            "",
        );
        drawn_line(
            "1 in 5 drawn: the drawn edges alone (preferential attachment), the rest",
            &m.drawn.3,
            "",
        );
        if m.suggested.1 > 0 {
            out.push_str(&format!(
                "| {label} | | | | `graph suggest`, as many as expert edges | {:.3} | | | |\n",
                m.suggested.0 as f64 / m.suggested.1 as f64
            ));
        }
        sweep.push_str(&format!("| {label} |"));
        for (learned, shipped, cosine) in &m.sweep {
            let times = |f: &Figures| f.r_precision() / cosine.r_precision().max(1e-12);
            sweep.push_str(&format!(
                " {:.3} ({:.2}×) | {:.2}× |",
                learned.r_precision(),
                times(learned),
                times(shipped)
            ));
        }
        sweep.push('\n');
        eprintln!("{} ({})", dataset.name, dataset.source);
    }
    out.push_str(&format!(
        "\nHow learning grows with the graph: R-precision of Pathforge learning from the drawn \
         edges on the rest (× cosine on the same candidates), and Pathforge as shipped (× the \
         same), model vectors\n\n| dataset |{}\n|---|{}\n{sweep}",
        DRAWN_SWEEP
            .iter()
            .map(|e| format!(" 1 in {e} drawn: learning | as shipped |"))
            .collect::<String>(),
        "---:|".repeat(2 * DRAWN_SWEEP.len())
    ));
    Ok(out)
}

/// How much a sample library's row counts in the fit against a public one's: they are
/// few (77 edges against 2,855) but the only ones with skills, declared levels and
/// defined terms, and what the suggester does on them must not get worse.
const SAMPLE_WEIGHT: f64 = 1.0;

/// The fit's L2 penalty: small, so a rare but telling signal (a module naming another as
/// what comes first) keeps the weight its few examples earn.
const L2: f64 = 0.1;

/// A tuning library: its vectors, its weight in the fit and its dataset's name.
struct Tuned<'a> {
    library: &'a Library,
    vectors: Vec<Vec<f32>>,
    weight: f64,
    dataset: &'static str,
}

/// The libraries of the tuning datasets among `all` (every one but the held-out).
fn tuning<'a>(
    all: &'a [(&'static str, Result<Dataset>)],
    dir: &Path,
    encoder: &embed::Encoder,
) -> Result<Vec<Tuned<'a>>> {
    let mut libraries = Vec::new();
    for (name, dataset) in all {
        let dataset = dataset
            .as_ref()
            .map_err(|e| anyhow::anyhow!("dataset {name}: {e:#}"))?;
        if dataset.held_out {
            continue;
        }
        for library in &dataset.libraries {
            libraries.push(Tuned {
                library,
                vectors: vectors(&library.items, encoder, dir)?,
                weight: if dataset.ours { SAMPLE_WEIGHT } else { 1.0 },
                dataset: name,
            });
        }
    }
    Ok(libraries)
}

/// The model fitted on `libraries`, compared by vectors or by `words`, starting from
/// `shipped` (whose pair part gives the direction's weight in the pair inputs). First the
/// direction part, on the expert edges each way round; then the pair part, on every
/// candidate pair (one row per pair, an intercept per library, since the datasets' share
/// of edges differs). Also returns how many direction rows and pairs it was fitted on.
fn fit_model(
    libraries: &[&Tuned<'_>],
    shipped: graph::Model,
    words: bool,
) -> (graph::Model, usize, usize) {
    let scored: Vec<Scored> = libraries
        .iter()
        .map(|t| {
            let vectors = (!words).then_some(t.vectors.as_slice());
            score(t.library, vectors, Some(shipped))
        })
        .collect();
    let p = graph::PAIR_FEATURES;
    let mut direction_rows = Vec::new();
    for (s, Tuned { weight, .. }) in scored.iter().zip(libraries.iter().copied()) {
        for (_, f, gold) in &s.rows {
            if *gold {
                let mut x: Vec<f64> = f.values()[p..].to_vec();
                for i in graph::LEFT_OUT_DIRECTION {
                    x[i] = 0.0;
                }
                direction_rows.push((x.iter().map(|v| -v).collect(), false, *weight));
                direction_rows.push((x, true, *weight));
            }
        }
    }
    let direction = graph::fit_logistic(&direction_rows, 0, L2, None);
    let mut model = graph::Model {
        pair: shipped.pair,
        direction: direction
            .clone()
            .try_into()
            .expect("one weight per feature"),
    };
    let count = scored.len();
    let mut pair_rows = Vec::new();
    for (i, s) in scored.iter().enumerate() {
        let mut pairs: HashMap<(usize, usize), (graph::Features, bool)> = HashMap::new();
        for ((b, a), f, gold) in &s.rows {
            let e = pairs
                .entry(((*b).min(*a), (*b).max(*a)))
                .or_insert((*f, false));
            e.1 |= gold;
        }
        let mut keys: Vec<_> = pairs.keys().copied().collect();
        keys.sort();
        for k in keys {
            let (f, gold) = pairs[&k];
            let mut x = vec![0.0; count];
            x[i] = 1.0;
            x.extend(model.pair_inputs(&f));
            pair_rows.push((x, gold, libraries[i].weight));
        }
    }
    let pair = graph::fit_logistic(&pair_rows, count, L2, None);
    // The product's intercept: the mean over libraries scored on every pair, as a
    // library in the product is.
    let full: Vec<f64> = libraries
        .iter()
        .enumerate()
        .filter(|(_, t)| t.library.labelled.is_none())
        .map(|(i, _)| pair[i])
        .collect();
    model.pair[0] = full.iter().sum::<f64>() / full.len().max(1) as f64;
    model.pair[1..].copy_from_slice(&pair[count..]);
    (model, direction_rows.len(), pair_rows.len())
}

/// Fits the suggestion model on the tuning datasets and prints it as the constants in
/// `graph/src/suggest/features.rs`.
pub(crate) fn fit(dir: &Path, encoder: &embed::Encoder) -> Result<()> {
    let datasets = datasets(dir);
    let libraries = tuning(&datasets, dir, encoder)?;
    let all: Vec<_> = libraries.iter().collect();
    for (name, shipped, words) in [
        ("VECTOR_MODEL", graph::VECTOR_MODEL, false),
        ("WORD_MODEL", graph::WORD_MODEL, true),
    ] {
        let (model, direction_rows, pairs) = fit_model(&all, shipped, words);
        let list = |w: &[f64]| {
            w.iter()
                .map(|x| format!("{x:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "{name}: pair [{}], direction [{}] — {direction_rows} direction rows, {pairs} pairs",
            list(&model.pair),
            list(&model.direction),
        );
    }
    Ok(())
}

/// For each tuning dataset, the vector model fitted on the other tuning datasets alone:
/// how the method does on a public set none of its weights saw.
fn fitted_without(
    all: &[(&'static str, Result<Dataset>)],
    dir: &Path,
    encoder: &embed::Encoder,
) -> Result<HashMap<&'static str, graph::Model>> {
    let libraries = tuning(all, dir, encoder)?;
    let mut names: Vec<&'static str> = libraries.iter().map(|l| l.dataset).collect();
    names.dedup();
    Ok(names
        .into_iter()
        .map(|name| {
            let others: Vec<_> = libraries.iter().filter(|l| l.dataset != name).collect();
            (name, fit_model(&others, graph::VECTOR_MODEL, false).0)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prerequisite_tree_names_every_course_in_it_and_nothing_else() {
        let tree = serde_json::json!({"type": "and", "value": [
            {"type": "or", "value": [
                {"type": "custom", "value": ": CSE 113"},
                {"type": "course", "value": "CSE 150"},
                {"type": "course", "value": "MAT 200"},
            ]},
            {"type": "major", "value": ["CSE"]},
            {"type": "course", "value": "CSE 214"},
        ]});
        let mut found = Vec::new();
        courses_in_tree(&tree, &mut found);
        assert_eq!(
            found,
            ["CSE 150", "MAT 200", "CSE 214"],
            "courses at any depth, in order; free text and majors name no course"
        );
    }

    #[test]
    fn a_prerequisite_statement_names_its_courses_and_nothing_else() {
        fn check(statement: &str, expected: &[&str], why: &str) {
            let found: Vec<String> = named_courses(statement)
                .into_iter()
                .map(|(d, n)| format!("{d} {n}"))
                .collect();
            assert_eq!(found, expected, "{statement:?}: {why}");
        }
        check(
            "MATH 150, 151, 154 or 157.",
            &["MATH 150", "MATH 151", "MATH 154", "MATH 157"],
            "a list goes on naming the department's courses",
        );
        check(
            "ACMA 201 (or 210), with a minimum grade of C. Corequisite: STAT 285.",
            &["ACMA 201", "ACMA 210"],
            "a corequisite is no prerequisite",
        );
        check(
            "ARCH 101 or ARCH 201; or any two of ARCH 100, REM 100; and 45 units.",
            &["ARCH 101", "ARCH 201", "ARCH 100", "REM 100"],
            "the department is the last one named; units are no course",
        );
        check(
            "Any 100-level MATH course with a minimum grade of C. BC Mathematics 12.",
            &[],
            "a level and a school grade name no course",
        );
        check(
            "İİİİİİİİİİİİİİİİİİİİİİ MATH 101. Corequisite: MATH 102.",
            &["MATH 101"],
            "a statement with letters whose lower case is longer is cut at the right place",
        );
        check(
            "HS/HIST 277 and ARCH 272/272W. Recommended: ARCH 282.",
            &["HIST 277", "ARCH 272", "ARCH 272W"],
            "a slash lists alternatives; a recommendation is no prerequisite",
        );
    }

    #[test]
    fn figures_count_ties_as_broken_at_random() {
        fn check(ranked: &[(f64, bool)], r_precision: f64, auc: f64) {
            let mut f = Figures::default();
            f.add(ranked.to_vec());
            assert!(
                (f.r_precision() - r_precision).abs() < 1e-9 && (f.auc() - auc).abs() < 1e-9,
                "{ranked:?}: R-precision {} (expected {r_precision}), AUC {} (expected {auc})",
                f.r_precision(),
                f.auc()
            );
        }
        check(&[(0.9, true), (0.5, false), (0.1, false)], 1.0, 1.0);
        check(&[(0.9, false), (0.5, false), (0.1, true)], 0.0, 0.0);
        // One edge tied with one non-edge at the top: half a hit either way.
        check(&[(0.5, true), (0.5, false), (0.1, false)], 0.5, 0.75);
        // Every candidate tied: chance.
        check(
            &[(1.0, true), (1.0, false), (1.0, true), (1.0, false)],
            0.5,
            0.5,
        );
    }
}
