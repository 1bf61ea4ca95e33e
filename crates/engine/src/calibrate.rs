//! Calibration from real learners' answers. A log — a CSV of (learner, skill, correct,
//! order), with pyBKT's column names accepted too, or xAPI statements — is read; each
//! learner's id is replaced by a keyed pseudonym (HMAC-SHA256 under a secret kept in the
//! project) before anything is stored, so learner ids never reach the project, its log
//! or anything exported from it. BKT parameters are then fitted per skill (crate `bkt`)
//! and kept in the project for simulations.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use hmac::{Hmac, Mac};
use model::{Actor, SkillId, Timestamp};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::settings::{FITTED, SECRET};
use crate::{AuditAction, Entry, Error, Project, Result};

/// What an answer log brought in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswersImport {
    /// Learners in the file.
    pub learners: usize,
    /// Answers read (one per skill the answered module teaches, for xAPI).
    pub answers: usize,
    /// Answers not stored before.
    pub added: usize,
    /// xAPI statements about modules that teach no skill of the taxonomy.
    pub without_skill: usize,
    /// Skills of the log the project did not have, added to the taxonomy (and logged).
    pub skills_added: Vec<String>,
    /// Skills of the log the project does not have whose answers were left out, with
    /// how many answers each had.
    pub skipped: BTreeMap<String, usize>,
}

/// What to do with a log's answers on skills the project does not have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnknownSkills {
    /// Refuse the log, naming every such skill and how many answers it has.
    #[default]
    Refuse,
    /// Add each to the taxonomy (at the root, named as the log names it; logged).
    Add,
    /// Leave their answers out, counted per skill.
    Skip,
}

/// How an answer log's skills meet the project's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswersOptions {
    /// A skill as the log names it → the slug of the project's skill it is (a mapping
    /// file's `from,to` rows, [`read_skill_mapping`]). Applied first.
    pub mapping: HashMap<String, String>,
    pub unknown: UnknownSkills,
}

/// A file's text, and how to say what is wrong with it (naming the file).
fn read_text(path: &Path) -> Result<(String, impl Fn(String) -> Error + '_)> {
    let text = crate::read_table(path)?;
    Ok((text, move |reason: String| Error::BadFile {
        path: path.to_path_buf(),
        reason,
    }))
}

/// Reads a mapping CSV with columns `from` (a skill as answer logs name it) and `to` (the
/// slug of the project's skill). `path` names the file in errors.
pub fn read_skill_mapping(path: &Path) -> Result<HashMap<String, String>> {
    let (text, bad) = read_text(path)?;
    let mut reader = exchange::text::csv_builder(&text)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let (Some(from), Some(to)) = (
        header.iter().position(|h| h == "from"),
        header.iter().position(|h| h == "to"),
    ) else {
        return Err(bad(format!(
            "needs the columns from and to; its columns are {}",
            header.join(", ")
        )));
    };
    let mut out = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(format!("{e}")))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let (f, t) = (record.get(from).unwrap_or(""), record.get(to).unwrap_or(""));
        if f.is_empty() || t.is_empty() {
            return Err(bad(format!("line {line}: both from and to are needed")));
        }
        if let Some(before) = out.insert(f.to_owned(), t.to_owned()) {
            if before != t {
                return Err(bad(format!(
                    "line {line}: {f:?} is mapped twice ({before:?} and {t:?})"
                )));
            }
        }
    }
    Ok(out)
}

/// One skill's fitted parameters and what they were fitted on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillFit {
    pub skill: String,
    pub name: String,
    pub prior: f64,
    pub learn: f64,
    pub guess: f64,
    pub slip: f64,
    pub forget: f64,
    pub learners: usize,
    pub answers: usize,
    pub log_likelihood: f64,
}

/// One answer of a CSV log as read: its skill as the log names it.
struct RawAnswer {
    learner: String,
    skill: String,
    order: i64,
    correct: bool,
}

/// A skill as a log names it, as the project's slug: by the mapping, else as is.
fn mapped<'a>(mapping: &'a HashMap<String, String>, name: &'a str) -> &'a str {
    mapping.get(name).map_or(name, String::as_str)
}

/// A slug for a skill a log names and the project lacks: the name itself when it is
/// one, else its letters and digits joined by `-`; a short hash of the name keeps two
/// names that read alike (or one with no letters) apart.
fn new_slug(name: &str, taken: &HashMap<String, SkillId>) -> String {
    if crate::taxonomy::is_slug(name) && !taken.contains_key(name) {
        return name.to_owned();
    }
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if !slug.is_empty() && !taken.contains_key(&slug) {
        return slug;
    }
    let digest = Sha256::digest(name.as_bytes());
    let tag: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    match slug.is_empty() {
        true => format!("skill-{tag}"),
        false => format!("{slug}-{tag}"),
    }
}

/// One answer as read, before pseudonymisation.
struct Answer {
    learner: String,
    skill: SkillId,
    order: i64,
    correct: bool,
}

impl Project {
    /// Reads an answer log and stores its answers under pseudonyms (importing the same
    /// log again adds nothing). Errors name the file and the line or statement.
    pub fn import_answers(
        &mut self,
        path: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<AnswersImport> {
        self.import_answers_with(path, &AnswersOptions::default(), actor, now)
    }

    /// [`Project::import_answers`], with a mapping of the log's skills to the project's
    /// and what to do with skills the project does not have (by default the log is
    /// refused, naming every such skill: nothing is stored then).
    pub fn import_answers_with(
        &mut self,
        path: &Path,
        options: &AnswersOptions,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<AnswersImport> {
        let (text, _) = read_text(path)?;
        self.import_answer_text(path, &text, options, actor, now)
    }

    /// [`Project::import_answers_with`] on a log already read: `text` came from `path`
    /// (a file, or an LRS's statements address), which errors and the audit log name; a
    /// `.csv` source is read as CSV, anything else as xAPI statements.
    pub fn import_answer_text(
        &mut self,
        path: &Path,
        text: &str,
        options: &AnswersOptions,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<AnswersImport> {
        let bad = |reason: String| Error::BadFile {
            path: path.to_path_buf(),
            reason,
        };
        let mut skills: HashMap<String, SkillId> = self
            .store
            .skills()?
            .into_iter()
            .map(|s| (s.slug, s.id))
            .collect();
        for (from, to) in &options.mapping {
            if !skills.contains_key(to) && options.unknown != UnknownSkills::Add {
                return Err(bad(format!(
                    "the mapping sends {from:?} to {to:?}, which is not a skill of the project"
                )));
            }
        }
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let mut new_skills: Vec<model::Skill> = Vec::new();
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        let (answers, without_skill) = match is_csv {
            true => {
                let raw = read_csv(text).map_err(bad)?;
                let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
                for a in &raw {
                    let slug = mapped(&options.mapping, &a.skill);
                    if !skills.contains_key(slug) {
                        *unknown.entry(slug.to_owned()).or_default() += 1;
                    }
                }
                match options.unknown {
                    _ if unknown.is_empty() => {}
                    UnknownSkills::Refuse => {
                        return Err(Error::UnknownSkills {
                            path: path.to_path_buf(),
                            answers: unknown.values().sum(),
                            skills: unknown.into_keys().collect(),
                        })
                    }
                    UnknownSkills::Skip => skipped = unknown,
                    UnknownSkills::Add => {
                        let project = self.store.project()?;
                        for name in unknown.into_keys() {
                            let slug = new_slug(&name, &skills);
                            let skill = model::Skill {
                                id: SkillId::derive(&project.id, &slug),
                                slug: slug.clone(),
                                name: name.clone(),
                                parent_id: None,
                                description: String::new(),
                                examples: Vec::new(),
                                retired: false,
                            };
                            skills.insert(slug.clone(), skill.id.clone());
                            // The log's name now resolves to the new slug.
                            skills.insert(name, skill.id.clone());
                            new_skills.push(skill);
                        }
                    }
                }
                let answers = raw
                    .into_iter()
                    .filter_map(|a| {
                        let skill = skills.get(mapped(&options.mapping, &a.skill))?.clone();
                        Some(Answer {
                            learner: a.learner,
                            skill,
                            order: a.order,
                            correct: a.correct,
                        })
                    })
                    .collect();
                (answers, 0)
            }
            false => self.read_xapi(text, &skills).map_err(bad)?,
        };
        let secret = self.pseudonym_secret()?;
        let pseudonym = |learner: &str| {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
            mac.update(learner.as_bytes());
            let digest = mac.finalize().into_bytes();
            digest[..10]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let learners = answers
            .iter()
            .map(|a| a.learner.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len();
        let rows: Vec<(SkillId, String, i64, bool)> = answers
            .iter()
            .map(|a| (a.skill.clone(), pseudonym(&a.learner), a.order, a.correct))
            .collect();
        let mut report = AnswersImport {
            learners,
            answers: rows.len(),
            added: 0,
            without_skill,
            skills_added: new_skills.iter().map(|s| s.slug.clone()).collect(),
            skipped,
        };
        let name = match path.to_str() {
            // An LRS's address is no machine's path; it never holds credentials.
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                url.to_owned()
            }
            _ => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        report.added = self.store.write(|tx| {
            for skill in &new_skills {
                tx.upsert_skill(skill)?;
                let mut after = serde_json::to_value(skill).expect("skills serialise");
                after["from"] = "answers".into();
                Entry::new(AuditAction::SkillAdded, skill.id.as_str(), &Value::Null, &after)
                    .append(tx, actor, now)?;
            }
            let mut added = 0;
            for (skill, learner, order, correct) in &rows {
                added += usize::from(tx.insert_answer(skill, learner, *order, *correct)?);
            }
            // Counts and the file's name only: no learner id, not even pseudonymised.
            let after = serde_json::json!({ "file": name, "learners": learners, "answers": rows.len(), "added": added });
            Entry::new(AuditAction::AnswersImported, "answers", &Value::Null, &after)
                .append(tx, actor, now)?;
            Ok(added)
        })?;
        Ok(report)
    }

    /// Fits BKT parameters for every skill with stored answers (with `forgets`, the
    /// forgetting rate too) and keeps them for simulations; logged.
    pub fn calibrate(
        &mut self,
        forgets: bool,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<SkillFit>> {
        let skills = self.store.skills()?;
        let mut by_skill: BTreeMap<SkillId, Vec<Vec<bool>>> = BTreeMap::new();
        let mut last: Option<(SkillId, String)> = None;
        for (skill, learner, correct) in self.store.answers()? {
            let key = (skill.clone(), learner);
            let sequences = by_skill.entry(skill).or_default();
            if last.as_ref() != Some(&key) {
                sequences.push(Vec::new());
                last = Some(key);
            }
            sequences.last_mut().expect("just pushed").push(correct);
        }
        if by_skill.is_empty() {
            return Err(Error::NoAnswers);
        }
        let options = bkt::Options {
            forgets,
            ..bkt::Options::default()
        };
        let mut fits = Vec::new();
        for (skill_id, sequences) in &by_skill {
            let Some(skill) = skills.iter().find(|s| &s.id == skill_id) else {
                continue;
            };
            let fit = bkt::fit(sequences, options);
            let p = fit.params;
            fits.push(SkillFit {
                skill: skill.slug.clone(),
                name: skill.name.clone(),
                prior: p.prior,
                learn: p.learn,
                guess: p.guess,
                slip: p.slip,
                forget: p.forget,
                learners: sequences.len(),
                answers: sequences.iter().map(Vec::len).sum(),
                log_likelihood: fit.log_likelihood,
            });
        }
        let fitted: BTreeMap<String, bkt::Params> = fits
            .iter()
            .map(|f| {
                (
                    f.skill.clone(),
                    bkt::Params {
                        prior: f.prior,
                        learn: f.learn,
                        guess: f.guess,
                        slip: f.slip,
                        forget: f.forget,
                    },
                )
            })
            .collect();
        let before = serde_json::to_value(self.store.setting(&FITTED)?).expect("serialises");
        let after = serde_json::to_value(&fitted).expect("parameters serialise");
        let entry = Entry::new(AuditAction::BktCalibrated, "simulation", &before, &after);
        self.commit(actor, now, entry, |tx| {
            tx.set_setting(&FITTED, Some(&fitted))
        })?;
        Ok(fits)
    }

    /// The parameters fitted per skill slug, if calibrated.
    pub fn fitted_bkt(&self) -> Result<BTreeMap<String, bkt::Params>> {
        Ok(self.store.setting(&FITTED)?.unwrap_or_default())
    }

    /// The project's pseudonym secret, made on first use.
    fn pseudonym_secret(&mut self) -> Result<String> {
        if let Some(s) = self.store.setting(&SECRET)? {
            return Ok(s);
        }
        let secret = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        self.store
            .write(|tx| tx.set_setting(&SECRET, Some(&secret)))?;
        Ok(secret)
    }

    /// xAPI statements (JSON lines, a JSON array or an LRS's `{"statements": [...]}`) with
    /// a result: each answer is an opportunity for every skill the module (the statement's
    /// object) teaches. A score no learner can have is refused with its place.
    fn read_xapi(
        &self,
        text: &str,
        skills: &HashMap<String, SkillId>,
    ) -> std::result::Result<(Vec<Answer>, usize), String> {
        let statements = rules::read_statements(text)?;
        let activities = self
            .curriculum()
            .and_then(|c| self.activities(&c))
            .map_err(|e| e.to_string())?;
        let mut teaches: HashMap<String, Vec<SkillId>> = HashMap::new();
        let mut read = Vec::new();
        let mut without_skill = 0;
        for (n, (place, s)) in statements.iter().enumerate() {
            let at = |what: &str| format!("{place}: {what}");
            let percent = rules::score_percent(s).map_err(|e| at(&e))?;
            let correct = match (s["result"]["success"].as_bool(), percent) {
                (Some(ok), _) => ok,
                (None, Some(percent)) => percent >= 70.0,
                (None, None) => continue, // not an answer (launched, completed…)
            };
            let learner =
                learner_of(&s["actor"]).ok_or_else(|| at("no actor account, mbox or name"))?;
            let object = s["object"]["id"]
                .as_str()
                .ok_or_else(|| at("no object id"))?;
            if !teaches.contains_key(object) {
                let module = match activities.get(object) {
                    Some(key) => self
                        .resolve_module(key)
                        .ok()
                        .and_then(|m| self.store.module(&m.id).ok()),
                    None => self.module_of_activity(object),
                };
                let module = module.ok_or_else(|| {
                    at(&format!(
                        "{object:?} names no module of the project (by id, path or title)"
                    ))
                })?;
                let ids = module
                    .tags
                    .iter()
                    .filter_map(|t| skills.get(t).cloned())
                    .collect();
                teaches.insert(object.to_owned(), ids);
            }
            let taught = &teaches[object];
            if taught.is_empty() {
                without_skill += 1;
                continue;
            }
            let stamp = s["timestamp"]
                .as_str()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok());
            let order = stamp.map(|t| t.as_millisecond()).unwrap_or(n as i64);
            for skill in taught {
                read.push(Answer {
                    learner: learner.clone(),
                    skill: skill.clone(),
                    order,
                    correct,
                });
            }
        }
        Ok((read, without_skill))
    }

    /// The module an xAPI activity id names: as written, or its trailing path (activity
    /// ids are often IRIs ending in the module's path in the library).
    fn module_of_activity(&self, object: &str) -> Option<model::Module> {
        let parts: Vec<&str> = object.split('/').collect();
        (0..parts.len())
            .map(|k| parts[k..].join("/"))
            .find_map(|candidate| self.resolve_module(&candidate).ok())
            .and_then(|m| self.store.module(&m.id).ok())
    }
}

/// The learner an xAPI actor names.
fn learner_of(actor: &Value) -> Option<String> {
    let account = &actor["account"];
    if let Some(name) = account["name"].as_str() {
        return Some(format!(
            "{}|{name}",
            account["homePage"].as_str().unwrap_or("")
        ));
    }
    ["mbox", "mbox_sha1sum", "openid", "name"]
        .iter()
        .find_map(|k| actor[*k].as_str().map(|v| format!("{k}:{v}")))
}

/// A CSV of answers: learner (or user_id), skill (or skill_name: a slug of the taxonomy),
/// correct (1/0, true/false), order (or order_id).
fn read_csv(text: &str) -> std::result::Result<Vec<RawAnswer>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = exchange::text::csv_builder(text)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("unreadable header: {e}"))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&h.as_str()))
            .ok_or_else(|| {
                format!(
                    "needs a column named {}; its columns are {}",
                    names.join(" or "),
                    header.join(", ")
                )
            })
    };
    let learner = column(&["learner", "user_id", "learner_id", "student"])?;
    let skill = column(&["skill", "skill_name", "skill_slug"])?;
    let correct = column(&["correct"])?;
    let order = column(&["order", "order_id", "seq"])?;
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record
            .map_err(|e| format!("line {}: {e}", e.position().map(|p| p.line()).unwrap_or(0)))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let field = |i: usize| record.get(i).unwrap_or("");
        let skill = field(skill);
        if skill.is_empty() {
            return Err(format!("line {line}: no skill"));
        }
        let correct = match field(correct).to_ascii_lowercase().as_str() {
            "1" | "true" => true,
            "0" | "false" => false,
            other => return Err(format!("line {line}: correct is {other:?}; write 1 or 0")),
        };
        let order = field(order).parse::<i64>().map_err(|_| {
            format!(
                "line {line}: order {:?} is not a whole number",
                field(order)
            )
        })?;
        if field(learner).is_empty() {
            return Err(format!("line {line}: no learner"));
        }
        out.push(RawAnswer {
            learner: field(learner).to_owned(),
            skill: skill.to_owned(),
            order,
            correct,
        });
    }
    Ok(out)
}
