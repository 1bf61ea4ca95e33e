//! What a merge compares, by key: an edge, a group, a level, a rule, a skill, a
//! library…; each side's value of one in words (once, for the CLI and the app alike), and
//! which keys an audit entry touched.

use std::collections::HashMap;

use model::{AuditEvent, ModuleId};
use serde_json::Value;

use super::SETTINGS;
use crate::audit::AuditAction;
use crate::settings::{CASE_DOCUMENT, FITTED, SCALE};

/// What a merge compares: an edge's presence, how a module's prerequisites combine, a
/// module's level set by hand, a rule, the cohort.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Key {
    Edge(ModuleId, ModuleId),
    Group(ModuleId),
    Level(ModuleId),
    Rule(String),
    Cohort,
    /// A review decision on the model's suggestion of a skill (by slug) for a module.
    Tag(ModuleId, String),
    /// A person's own tag of a skill (by slug) on a module, as an edit adds it: its
    /// presence.
    OwnTag(ModuleId, String),
    /// The project's auto-accept threshold.
    AutoAccept,
    /// A library as imported: its modules, what its manifest declares (prerequisites,
    /// tracks, rules, skills).
    Library(model::LibraryId),
    /// How the columns of a catalog file (by its path) map to a module's fields.
    Columns(String),
    /// Learners' answers kept for calibration: their union.
    Answers,
    /// A review pack issued (by its id), kept so its decisions file can come back here.
    Pack(String),
    /// A project setting kept whole: the framework a taxonomy came from, the proficiency
    /// scale, fitted knowledge-tracing parameters (by the setting's key).
    Setting(&'static str),
    /// A skill: its name, place in the tree, description, examples, retirement.
    Skill(model::SkillId),
    /// A track: its name, description and targets (its audience is its rule).
    Track(model::TrackId),
    /// A skill prerequisite's presence.
    SkillEdge(model::SkillId, model::SkillId),
    /// Whether a prerequisite suggestion `before → after` is dismissed.
    Dismissed(ModuleId, ModuleId),
}

impl Key {
    /// A stable name for the thing, for a resolution to point at.
    pub(super) fn id(&self) -> String {
        match self {
            Key::Edge(b, a) => format!("edge:{b}->{a}"),
            Key::Group(a) => format!("group:{a}"),
            Key::Level(m) => format!("level:{m}"),
            Key::Rule(id) => format!("rule:{id}"),
            Key::Cohort => "cohort".to_owned(),
            Key::Tag(m, slug) => format!("tag:{m}:{slug}"),
            Key::OwnTag(m, slug) => format!("own-tag:{m}:{slug}"),
            Key::AutoAccept => "auto-accept".to_owned(),
            Key::Library(id) => format!("library:{id}"),
            Key::Columns(path) => format!("columns:{path}"),
            Key::Setting(key) => format!("setting:{key}"),
            Key::Answers => "answers".to_owned(),
            Key::Pack(id) => format!("pack:{id}"),
            Key::Skill(id) => format!("skill:{id}"),
            Key::Track(id) => format!("track:{id}"),
            Key::SkillEdge(b, a) => format!("skill-edge:{b}->{a}"),
            Key::Dismissed(b, a) => format!("dismissed:{b}->{a}"),
        }
    }

    /// The key an [`Key::id`] names, as a merge entry records it.
    pub(super) fn parse(id: &str) -> Option<Key> {
        let (kind, rest) = id.split_once(':').unwrap_or((id, ""));
        let pair = || {
            rest.split_once("->")
                .map(|(b, a)| (b.to_owned(), a.to_owned()))
        };
        Some(match kind {
            "edge" => pair().map(|(b, a)| Key::Edge(ModuleId(b), ModuleId(a)))?,
            "group" => Key::Group(ModuleId(rest.to_owned())),
            "level" => Key::Level(ModuleId(rest.to_owned())),
            "rule" => Key::Rule(rest.to_owned()),
            "cohort" => Key::Cohort,
            "tag" => {
                let (m, slug) = rest.split_once(':')?;
                Key::Tag(ModuleId(m.to_owned()), slug.to_owned())
            }
            "own-tag" => {
                let (m, slug) = rest.split_once(':')?;
                Key::OwnTag(ModuleId(m.to_owned()), slug.to_owned())
            }
            "auto-accept" => Key::AutoAccept,
            "library" => Key::Library(model::LibraryId(rest.to_owned())),
            "columns" => Key::Columns(rest.to_owned()),
            "setting" => Key::Setting(SETTINGS.iter().find(|k| **k == rest)?),
            "answers" => Key::Answers,
            "pack" => Key::Pack(rest.to_owned()),
            "skill" => Key::Skill(model::SkillId(rest.to_owned())),
            "track" => Key::Track(model::TrackId(rest.to_owned())),
            "skill-edge" => {
                pair().map(|(b, a)| Key::SkillEdge(model::SkillId(b), model::SkillId(a)))?
            }
            "dismissed" => pair().map(|(b, a)| Key::Dismissed(ModuleId(b), ModuleId(a)))?,
            _ => return None,
        })
    }

    /// The kind of thing, as reports name it.
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Key::Edge(..) => "prerequisite",
            Key::Group(_) => "group",
            Key::Level(_) => "level",
            Key::Rule(_) => "rule",
            Key::Cohort => "cohort",
            Key::Tag(..) => "tag",
            Key::OwnTag(..) => "own tag",
            Key::AutoAccept => "auto-accept",
            Key::Library(_) => "library",
            Key::Columns(_) => "catalog columns",
            Key::Setting(_) => "setting",
            Key::Answers => "answers",
            Key::Pack(_) => "review pack",
            Key::Skill(_) => "skill",
            Key::Track(_) => "track",
            Key::SkillEdge(..) => "skill prerequisite",
            Key::Dismissed(..) => "dismissed suggestion",
        }
    }
}

/// One side's state of the thing `key` names (its [`State::value`]) in words.
pub(super) fn words(key: &Key, v: &Value) -> String {
    let there = |v: &Value| match v == &Value::Bool(true) {
        true => "there".to_owned(),
        false => "not there".to_owned(),
    };
    match key {
        Key::Edge(..) | Key::SkillEdge(..) | Key::OwnTag(..) => there(v),
        Key::Dismissed(..) => match v == &Value::Bool(true) {
            true => "dismissed".to_owned(),
            false => "not dismissed".to_owned(),
        },
        Key::Group(_) => match (v["kind"].as_str(), v["n"].as_u64()) {
            (Some("n_of"), Some(n)) => format!("{n}-of"),
            (Some(kind), _) => kind.replace('_', "-"),
            _ => "none".to_owned(),
        },
        Key::Level(_) => v
            .as_str()
            .map_or_else(|| "not set by hand".to_owned(), str::to_owned),
        Key::Rule(_) if v.is_null() => "deleted".to_owned(),
        Key::Rule(_) => format!(
            "{} rule: {}",
            v["kind"].as_str().unwrap_or("a"),
            v["explanation"].as_str().unwrap_or_default()
        ),
        Key::Cohort if v.is_null() => "the library's".to_owned(),
        Key::Cohort => format!("{} segments", v["segments"].as_array().map_or(0, Vec::len)),
        Key::Tag(..) => match (v["state"].as_str(), v["replaced_by"].as_str()) {
            (Some(_), Some(by)) => format!("replaced by {by}"),
            (Some(state), None) => state.to_owned(),
            _ => "none".to_owned(),
        },
        Key::AutoAccept => v
            .as_f64()
            .map_or_else(|| "off".to_owned(), |t| format!("at {t:.2}")),
        Key::Library(_) if v.is_null() => "not imported".to_owned(),
        Key::Library(_) if v["removed"] == true => {
            format!("“{}”, removed", v["name"].as_str().unwrap_or_default())
        }
        Key::Library(_) => {
            let n = v["modules"].as_u64().unwrap_or_default();
            format!(
                "“{}”, {n} module{}",
                v["name"].as_str().unwrap_or_default(),
                if n == 1 { "" } else { "s" }
            )
        }
        Key::Answers => format!("{} answers", v.as_u64().unwrap_or_default()),
        Key::Pack(_) if v.is_null() => "not issued".to_owned(),
        Key::Pack(_) => format!("{} suggestions", v.as_array().map_or(0, Vec::len)),
        Key::Setting(_) if v.is_null() => "not set".to_owned(),
        Key::Setting(key) if *key == FITTED.key() => format!(
            "fitted for {} skills",
            v.as_object().map_or(0, serde_json::Map::len)
        ),
        Key::Setting(key) if *key == SCALE.key() => v
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" < ")
            })
            .unwrap_or_default(),
        Key::Setting(_) => v["title"]
            .as_str()
            .map_or_else(|| "set".to_owned(), |t| format!("“{t}”")),
        Key::Columns(_) if v.is_null() => "not mapped".to_owned(),
        Key::Columns(_) => "mapped".to_owned(),
        Key::Skill(_) if v.is_null() => "none".to_owned(),
        Key::Skill(_) => format!(
            "“{}”{}",
            v["name"].as_str().unwrap_or_default(),
            if v["retired"] == true {
                " (retired)"
            } else {
                ""
            }
        ),
        Key::Track(_) if v.is_null() => "removed".to_owned(),
        Key::Track(_) => format!(
            "“{}”, {} targets",
            v["name"].as_str().unwrap_or_default(),
            v["targets"].as_array().map_or(0, Vec::len)
        ),
    }
}

/// The fingerprints of what each import of `library` in `log` read (see
/// [`Project::import_library`]), in order, with those an earlier merge carried. A removal
/// of the library counts as a version of its own, named by when it was made, so a copy
/// that removed it since an import both share is not taken for alike.
pub(super) fn imports(log: &[AuditEvent], library: &model::LibraryId) -> Vec<String> {
    let (imported, removed) = (
        AuditAction::LibraryImported.as_str(),
        AuditAction::LibraryRemoved.as_str(),
    );
    let mut out = Vec::new();
    for e in log {
        let carried = e.after["carried"]
            .as_array()
            .filter(|_| e.action == AuditAction::ProjectMerged.as_str());
        let entries: Vec<(&str, &str, &Value, i64)> = match carried {
            Some(c) => c
                .iter()
                .filter_map(|x| {
                    let (action, object) = (x["action"].as_str()?, x["object"].as_str()?);
                    Some((action, object, &x["after"], x["at"].as_i64()?))
                })
                .collect(),
            None => vec![(e.action.as_str(), e.object.as_str(), &e.after, e.at.0)],
        };
        out.extend(
            entries
                .into_iter()
                .filter(|(_, object, ..)| *object == library.as_str())
                .filter_map(|(action, _, after, at)| match action {
                    a if a == imported => after["content"].as_str().map(str::to_owned),
                    a if a == removed => Some(format!("removed at {at}")),
                    _ => None,
                }),
        );
    }
    out
}

/// The skills merged into others by `log`'s entries (and not unmerged since), each with
/// the skill it went into.
pub(super) fn skill_merges_in(log: &[AuditEvent]) -> HashMap<model::SkillId, model::SkillId> {
    let mut merged = HashMap::new();
    for e in log {
        let skill = model::SkillId(e.object.clone());
        match AuditAction::parse(&e.action) {
            Some(AuditAction::SkillMerged) => {
                if let Some(into) = e.after["merged_into"].as_str() {
                    merged.insert(skill, model::SkillId(into.to_owned()));
                }
            }
            Some(AuditAction::SkillUnmerged) => {
                merged.remove(&skill);
            }
            _ => {}
        }
    }
    merged
}

/// The skill `id` finally went into through `merges`, if it was merged.
pub(super) fn survivor_in(
    merges: &HashMap<model::SkillId, model::SkillId>,
    id: &model::SkillId,
) -> Option<model::SkillId> {
    let mut at = merges.get(id)?;
    for _ in 0..merges.len() {
        match merges.get(at) {
            Some(next) => at = next,
            None => break,
        }
    }
    Some(at.clone())
}

/// The keys an entry touched.
pub(super) fn touched(e: &AuditEvent) -> Vec<Key> {
    let edge = || {
        e.object
            .split_once("->")
            .map(|(b, a)| (ModuleId(b.to_owned()), ModuleId(a.to_owned())))
    };
    match AuditAction::parse(&e.action) {
        // Adding an edge may set how the module's prerequisites combine: only then does
        // it touch the group.
        Some(AuditAction::PrerequisiteAdded) => edge()
            .map(|(b, a)| match e.before["group"] == e.after["group"] {
                true => vec![Key::Edge(b, a)],
                false => vec![Key::Edge(b, a.clone()), Key::Group(a)],
            })
            .unwrap_or_default(),
        Some(AuditAction::PrerequisiteRemoved) => edge()
            .map(|(b, a)| vec![Key::Edge(b, a)])
            .unwrap_or_default(),
        Some(AuditAction::SuggestionDismissed | AuditAction::SuggestionRestored) => edge()
            .map(|(b, a)| vec![Key::Dismissed(b, a)])
            .unwrap_or_default(),
        Some(AuditAction::ModuleLevelSet) => vec![Key::Level(ModuleId(e.object.clone()))],
        Some(AuditAction::RuleSaved | AuditAction::RuleDeleted) => {
            vec![Key::Rule(e.object.clone())]
        }
        Some(AuditAction::CohortSet) => vec![Key::Cohort],
        Some(AuditAction::AutoAcceptSet) => vec![Key::AutoAccept],
        Some(AuditAction::LibraryImported | AuditAction::LibraryRemoved) => {
            vec![Key::Library(model::LibraryId(e.object.clone()))]
        }
        Some(AuditAction::CatalogColumnsMapped) => vec![Key::Columns(e.object.clone())],
        Some(AuditAction::BktCalibrated) => vec![Key::Setting(FITTED.key())],
        Some(AuditAction::AnswersImported) => vec![Key::Answers],
        Some(AuditAction::ReviewPackExported) => vec![Key::Pack(e.object.clone())],
        // The skills and skill prerequisites an import changed, as its entry lists them;
        // an entry from before they were listed leaves them to be found by comparing the
        // copies (see `Project::merge_from`).
        Some(AuditAction::TaxonomyImported) => {
            let mut keys = vec![Key::Setting(CASE_DOCUMENT.key()), Key::Setting(SCALE.key())];
            let ids = |v: &Value| v.as_str().map(|s| model::SkillId(s.to_owned()));
            keys.extend(
                e.after["skills"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(ids)
                    .map(Key::Skill),
            );
            keys.extend(
                e.after["skill_prerequisites"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|pair| Some(Key::SkillEdge(ids(&pair[0])?, ids(&pair[1])?))),
            );
            keys
        }
        // An edit rejects the model's suggestion for a person's own tag; undoing it puts
        // both back.
        Some(AuditAction::TagEdited | AuditAction::TagEditUndone) => {
            let module = ModuleId(e.object.clone());
            let (from, to) = match AuditAction::parse(&e.action) {
                Some(AuditAction::TagEdited) => (&e.before["skill"], &e.after["skill"]),
                _ => (&e.before["replaces"], &e.before["skill"]),
            };
            match (from.as_str(), to.as_str()) {
                (Some(from), Some(to)) => vec![
                    Key::Tag(module.clone(), from.to_owned()),
                    Key::OwnTag(module, to.to_owned()),
                ],
                _ => Vec::new(),
            }
        }
        Some(AuditAction::TagsAutoAccepted) => tag_keys(&e.after["tags"]),
        // A track and the rule that says who takes it.
        Some(AuditAction::TrackAdded | AuditAction::TrackEdited | AuditAction::TrackRemoved) => {
            let draft = match e.after.is_null() {
                true => &e.before,
                false => &e.after,
            };
            let mut keys = vec![Key::Track(model::TrackId(e.object.clone()))];
            if let Some(slug) = draft["slug"].as_str() {
                keys.push(Key::Rule(crate::tracks::audience_rule(slug)));
            }
            keys
        }
        Some(AuditAction::SkillPrerequisiteAdded | AuditAction::SkillPrerequisiteRemoved) => e
            .object
            .split_once("->")
            .map(|(b, a)| {
                vec![Key::SkillEdge(
                    model::SkillId(b.to_owned()),
                    model::SkillId(a.to_owned()),
                )]
            })
            .unwrap_or_default(),
        // An earlier merge touched what it brought in.
        Some(AuditAction::ProjectMerged) => e.after["applied"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| Key::parse(c["key"].as_str()?))
            .collect(),
        // A merge also moved the merged skill's prerequisites onto the survivor: the
        // survivor's edges it made are its own, so a copy that removed the merged skill
        // (and so sees nothing of the merge in the skill itself) still receives them.
        Some(AuditAction::SkillMerged) => {
            let skill = model::SkillId(e.object.clone());
            let mut keys = vec![Key::Skill(skill.clone())];
            if let Some(into) = e.after["merged_into"]
                .as_str()
                .map(|s| model::SkillId(s.to_owned()))
            {
                let moved = |id: &model::SkillId| match id == &skill {
                    true => into.clone(),
                    false => id.clone(),
                };
                let ids = |v: &Value| v.as_str().map(|s| model::SkillId(s.to_owned()));
                for p in e.before["snapshot"]["prerequisites"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let (Some(b), Some(a)) = (ids(&p[0]), ids(&p[1])) else {
                        continue;
                    };
                    let (b, a) = (moved(&b), moved(&a));
                    if b != a {
                        keys.push(Key::SkillEdge(b, a));
                    }
                }
            }
            keys
        }
        Some(
            AuditAction::SkillAdded
            | AuditAction::SkillEdited
            | AuditAction::SkillRemoved
            | AuditAction::SkillUnmerged,
        ) => {
            vec![Key::Skill(model::SkillId(e.object.clone()))]
        }
        Some(AuditAction::TagDecided | AuditAction::TagsDecided) => tag_keys(&e.before["tags"]),
        _ => Vec::new(),
    }
}

/// The suggestions an entry lists as `[{"module", "skill"}…]`.
fn tag_keys(tags: &Value) -> Vec<Key> {
    tags.as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some(Key::Tag(
                ModuleId(t["module"].as_str()?.to_owned()),
                t["skill"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_kind_of_thing_is_said_in_words_and_its_key_reads_back() {
        let m = || ModuleId("m1".to_owned());
        let check = |key: Key, v: Value, want: &str, why: &str| {
            assert_eq!(words(&key, &v), want, "{why}");
            assert_eq!(
                Key::parse(&key.id()),
                Some(key.clone()),
                "{why}: the key {} a merge entry records reads back",
                key.id()
            );
        };
        let skill = |s: &str| model::SkillId(s.to_owned());
        check(
            Key::Edge(m(), m()),
            json!(true),
            "there",
            "an edge that is there",
        );
        check(
            Key::Edge(m(), m()),
            json!(false),
            "not there",
            "an edge that is not",
        );
        check(
            Key::Group(m()),
            json!({"kind": "n_of", "n": 2}),
            "2-of",
            "an n-of group names its n",
        );
        check(
            Key::Group(m()),
            json!({"kind": "any_of"}),
            "any-of",
            "an any-of group",
        );
        check(
            Key::Level(m()),
            Value::Null,
            "not set by hand",
            "no level set by hand",
        );
        check(
            Key::Rule("r".into()),
            Value::Null,
            "deleted",
            "a deleted rule",
        );
        check(
            Key::Rule("r".into()),
            json!({"kind": "placement", "explanation": "skip ahead"}),
            "placement rule: skip ahead",
            "a rule by its kind and words",
        );
        check(
            Key::Cohort,
            Value::Null,
            "the library's",
            "no cohort of one's own",
        );
        check(
            Key::Skill(skill("s")),
            json!({"name": "Closing", "retired": true}),
            "“Closing” (retired)",
            "a retired skill",
        );
        check(
            Key::Skill(skill("s")),
            Value::Null,
            "none",
            "a skill that is not there",
        );
        check(
            Key::Tag(m(), "sql".into()),
            json!({"state": "rejected", "replaced_by": null}),
            "rejected",
            "a review decision",
        );
        check(
            Key::Tag(m(), "sql".into()),
            json!({"state": "rejected", "replaced_by": "databases"}),
            "replaced by databases",
            "an edit says what replaced the suggestion",
        );
        check(
            Key::OwnTag(m(), "sql".into()),
            json!(true),
            "there",
            "a person's tag",
        );
        check(Key::AutoAccept, json!(0.85), "at 0.85", "a threshold");
        check(Key::AutoAccept, Value::Null, "off", "no threshold");
        check(
            Key::Track(model::TrackId("t".into())),
            json!({"name": "New hires", "targets": [1, 2]}),
            "“New hires”, 2 targets",
            "a track by its name and targets",
        );
        check(
            Key::SkillEdge(skill("a"), skill("b")),
            json!(false),
            "not there",
            "a skill prerequisite removed",
        );
        check(
            Key::Library(model::LibraryId("l".into())),
            json!({"name": "sales", "modules": 12}),
            "“sales”, 12 modules",
            "a library by its name and size",
        );
        check(
            Key::Library(model::LibraryId("l".into())),
            Value::Null,
            "not imported",
            "a library one side never imported",
        );
        check(
            Key::Columns("/x.csv".into()),
            Value::Null,
            "not mapped",
            "no column map",
        );
        check(Key::Answers, json!(42), "42 answers", "answers by how many");
        check(
            Key::Pack("p".into()),
            json!([1, 2, 3]),
            "3 suggestions",
            "a review pack by its size",
        );
        check(
            Key::Setting(FITTED.key()),
            json!({"a": {}, "b": {}}),
            "fitted for 2 skills",
            "a calibration by how many skills it fits",
        );
        check(
            Key::Setting(SCALE.key()),
            json!(["novice", "expert"]),
            "novice < expert",
            "a scale, lowest first",
        );
        check(
            Key::Setting(CASE_DOCUMENT.key()),
            json!({"title": "Sales framework"}),
            "“Sales framework”",
            "a framework by its title",
        );
    }
}
