//! The audit log in plain words: one line per entry saying what was done and to what,
//! by the names the project uses now, so a reviewer reads "Rejected “Closing” on “Mutual
//! Action Plans”" rather than a module's id and a JSON diff. The words are a reading of
//! the entry, never part of it: the hash chain covers the entry alone.

use std::collections::HashMap;

use model::{AuditEvent, AuditLine, Skill, Track};
use serde_json::Value;

use crate::audit::file_name;
use crate::{AuditAction, Project, Result};

impl Project {
    /// The audit log, oldest first, each entry with what it did in words.
    pub fn audit_lines(&self) -> Result<Vec<AuditLine>> {
        let names = self.names()?;
        Ok(self
            .audit_log()?
            .into_iter()
            .map(|event| AuditLine {
                summary: summary(&event, &names),
                event,
            })
            .collect())
    }

    /// What the project calls its modules, skills and tracks now.
    pub(crate) fn names(&self) -> Result<Names> {
        Ok(Names::new(
            self.modules()?
                .into_iter()
                .map(|m| (m.id.to_string(), m.title)),
            &self.store.skills()?,
            &self.store.tracks()?,
        ))
    }
}

/// What the project calls its modules, skills and tracks now, by every key an entry may
/// use for them (ids, and slugs for skills and tracks).
#[derive(Default)]
pub(crate) struct Names {
    modules: HashMap<String, String>,
    skills: HashMap<String, String>,
    tracks: HashMap<String, String>,
}

impl Names {
    pub(crate) fn new(
        modules: impl IntoIterator<Item = (String, String)>,
        skills: &[Skill],
        tracks: &[Track],
    ) -> Names {
        Names {
            modules: modules.into_iter().collect(),
            skills: by_id_and_slug(
                skills
                    .iter()
                    .map(|s| [s.id.to_string(), s.slug.clone(), s.name.clone()]),
            ),
            tracks: by_id_and_slug(
                tracks
                    .iter()
                    .map(|t| [t.id.to_string(), t.slug.clone(), t.name.clone()]),
            ),
        }
    }

    /// A module by its title; one no longer in the project by the id the entry kept.
    fn module(&self, id: &str) -> String {
        match self.modules.get(id) {
            Some(title) => quoted(title),
            None => format!("module {id}"),
        }
    }

    fn skill(&self, key: &str) -> String {
        quoted(self.skills.get(key).map_or(key, String::as_str))
    }

    fn track(&self, key: &str) -> String {
        quoted(self.tracks.get(key).map_or(key, String::as_str))
    }
}

/// Names by `[id, slug, name]`: an entry may name a thing by either key.
fn by_id_and_slug(rows: impl Iterator<Item = [String; 3]>) -> HashMap<String, String> {
    rows.flat_map(|[id, slug, name]| [(id, name.clone()), (slug, name)])
        .collect()
}

/// What a removed library took with it, for the log's words and the CLI's report alike:
/// ", and the 1 track and 2 rules its manifest declares", or nothing.
pub fn manifest_declared(tracks: u64, rules: u64) -> String {
    let declared: Vec<String> = [(tracks, "track"), (rules, "rule")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, one)| count(n, one))
        .collect();
    match declared.as_slice() {
        [] => String::new(),
        _ => format!(", and the {} its manifest declares", declared.join(" and ")),
    }
}

fn quoted(s: &str) -> String {
    format!("“{s}”")
}

fn count(n: u64, what: &str) -> String {
    lms::count(usize::try_from(n).unwrap_or(usize::MAX), what)
}

fn text(v: &Value) -> Option<&str> {
    v.as_str().filter(|s| !s.is_empty())
}

fn number(v: &Value) -> u64 {
    v.as_u64()
        .or_else(|| v.as_array().map(|a| a.len() as u64))
        .unwrap_or(0)
}

fn percent(v: &Value) -> Option<String> {
    v.as_f64().map(|c| format!("{:.0}%", c * 100.0))
}

/// ` — “note”` when the entry carries a note.
fn with_note(line: String, v: &Value) -> String {
    match text(&v["note"]) {
        Some(note) => format!("{line} — {}", quoted(note)),
        None => line,
    }
}

/// A `before->after` object's two ends.
fn ends(object: &str) -> (&str, &str) {
    object.split_once("->").unwrap_or((object, ""))
}

/// What `event` did, in one line. An action this version does not know (written by a
/// newer Pathforge) is given by its stored name.
pub(crate) fn summary(event: &AuditEvent, names: &Names) -> String {
    let (before, after, object) = (&event.before, &event.after, event.object.as_str());
    let Some(action) = AuditAction::parse(&event.action) else {
        return format!("{} on {object}", event.action);
    };
    use AuditAction as A;
    match action {
        A::ProjectRestored => format!(
            "Restored the project from {} (the copy it replaced kept as {})",
            text(&after["from"]).map_or("a backup".to_owned(), quoted),
            text(&after["kept"]).map_or("a file beside it".to_owned(), quoted)
        ),
        A::LibraryImported => {
            let mut line = format!(
                "Imported {}: {} added, {} updated, {} retired",
                // Entries before 2026-12-04 kept the folder's full path.
                text(&after["source"])
                    .or(text(&after["source_path"]).map(file_name))
                    .map_or("a library".to_owned(), quoted),
                number(&after["added"]),
                number(&after["updated"]),
                number(&after["removed"])
            );
            if let Some(n) = after["modules"].as_u64() {
                line.push_str(&format!(" ({} in all)", count(n, "module")));
            }
            if let Some(was) = text(&after["was"]) {
                line.push_str(&format!("; it was {}, renamed", quoted(was)));
            }
            line
        }
        A::LibraryRemoved => format!(
            "Removed the library {}: {} retired{}",
            text(&before["name"]).map_or("a library".to_owned(), quoted),
            count(number(&after["retired"]), "module"),
            manifest_declared(number(&after["tracks"]), number(&after["rules"]))
        ),
        A::CatalogColumnsMapped => format!(
            "Mapped the columns of the catalog {}",
            quoted(file_name(object))
        ),
        // The model is the entry's actor, shown beside the words.
        A::ModulesTagged => format!("Auto-tagged {}", count(number(&after["modules"]), "module")),
        A::TagsAutoAccepted => format!(
            "Accepted {} automatically, each suggested at {} or more",
            count(number(&after["tags"]), "tag"),
            percent(&after["threshold"]).unwrap_or_else(|| "the threshold".to_owned())
        ),
        A::AutoAcceptSet => match percent(after) {
            Some(p) => format!("Set automatic acceptance to suggestions at {p} or more"),
            None => "Turned automatic acceptance off".to_owned(),
        },
        A::ModelChosen => match text(after) {
            Some(dir) => format!("Chose the model in {}", quoted(file_name(dir))),
            None => "Cleared the chosen model folder (the usual places are searched)".to_owned(),
        },
        A::ModuleLevelSet => with_note(
            match text(&after["level"]) {
                Some(level) => format!("Set the level of {} to {level}", names.module(object)),
                None => format!("Cleared the level set on {}", names.module(object)),
            },
            after,
        ),
        A::TagDecided | A::TagsDecided => {
            let state = text(&after["state"]).unwrap_or("decided");
            let verb = match state {
                "accepted" => "Accepted",
                "rejected" => "Rejected",
                "suggested" => "Reopened",
                _ => "Decided",
            };
            let tags = before["tags"].as_array().map_or(&[][..], Vec::as_slice);
            let line = match tags {
                [tag] => {
                    let mut line = format!(
                        "{verb} {} on {}",
                        names.skill(text(&tag["skill"]).unwrap_or("a skill")),
                        names.module(text(&tag["module"]).unwrap_or(object))
                    );
                    if let Some(p) = percent(&tag["confidence"]) {
                        line.push_str(&format!(" (suggested at {p})"));
                    }
                    line
                }
                _ => format!(
                    "{verb} {}",
                    count(after["count"].as_u64().unwrap_or(tags.len() as u64), "tag")
                ),
            };
            let line = match text(&after["pack"]) {
                Some(_) => format!("{line}, in a review pack"),
                None => line,
            };
            with_note(line, after)
        }
        A::TagEdited => with_note(
            format!(
                "Changed {} to {} on {}",
                names.skill(text(&before["skill"]).unwrap_or("a skill")),
                names.skill(text(&after["skill"]).unwrap_or("another")),
                names.module(object)
            ),
            after,
        ),
        A::TagEditUndone => format!(
            "Undid the change of {} to {} on {}",
            names.skill(text(&after["skill"]).unwrap_or("a skill")),
            names.skill(text(&before["skill"]).unwrap_or("another")),
            names.module(object)
        ),
        A::ReviewPackExported => {
            let mut line = format!(
                "Exported a review pack of {}",
                count(number(&after["suggestions"]), "suggestion")
            );
            if let Some(skill) = text(&after["skill"]) {
                line.push_str(&format!(" on {}", names.skill(skill)));
            }
            line
        }
        A::RuleSaved if before.is_null() => format!("Added the rule {object}"),
        A::RuleSaved => format!("Edited the rule {object}"),
        A::RuleDeleted => format!("Deleted the rule {object}"),
        A::BundleBuilt => format!(
            "Built rule bundle version {}{}",
            text(&after["version"]).unwrap_or("?"),
            text(&after["file"]).map_or(String::new(), |f| format!(" ({f})"))
        ),
        A::ExportWritten => {
            let target = text(&after["target"]).unwrap_or("an LMS");
            let to = match target.parse::<lms::Target>() {
                Ok(lms::Target::Bundle) => "Exported the signed rule bundle".to_owned(),
                Ok(t) => format!("Exported to {}", t.label()),
                Err(_) => format!("Exported to {target}"),
            };
            format!(
                "{to}: {} in {}",
                count(number(&after["files"]), "file"),
                text(&after["folder"]).map_or("a folder".to_owned(), quoted)
            )
        }
        A::SkillAdded => format!(
            "Added the skill {}",
            quoted(text(&after["name"]).unwrap_or(object))
        ),
        A::SkillEdited => {
            let (was, now) = (text(&before["name"]), text(&after["name"]));
            let name = quoted(now.or(was).unwrap_or(object));
            let changed = |field: &str| before[field] != after[field];
            if let (Some(w), Some(n), true) = (was, now, was != now) {
                format!("Renamed the skill {} to {}", quoted(w), quoted(n))
            } else if changed("retired") {
                match after["retired"].as_bool() {
                    Some(true) => format!("Retired the skill {name}"),
                    _ => format!("Brought back the skill {name}"),
                }
            } else if changed("parent_id") {
                match text(&after["parent_id"]) {
                    Some(parent) => {
                        format!("Moved the skill {name} under {}", names.skill(parent))
                    }
                    None => format!("Moved the skill {name} to the top of the taxonomy"),
                }
            } else {
                format!("Edited the skill {name}")
            }
        }
        A::SkillRemoved => format!(
            "Removed the skill {}",
            quoted(text(&before["name"]).unwrap_or(object))
        ),
        A::SkillMerged => format!(
            "Merged the skill {} into {}",
            quoted(text(&before["skill"]["name"]).unwrap_or(object)),
            names.skill(text(&after["merged_into"]).unwrap_or("another"))
        ),
        A::SkillUnmerged => format!(
            "Undid the merge of the skill {}",
            quoted(text(&after["name"]).unwrap_or(object))
        ),
        A::SkillPrerequisiteAdded | A::SkillPrerequisiteRemoved => {
            let (verb, kept) = match action {
                A::SkillPrerequisiteAdded => ("Added", after),
                _ => ("Removed", before),
            };
            // By id while the skill is in the project, else by the slug the entry kept.
            let skill = |id: &str, side: &str| match (names.skills.get(id), text(&kept[side])) {
                (None, Some(slug)) => names.skill(slug),
                _ => names.skill(id),
            };
            let (b, a) = ends(object);
            format!(
                "{verb} the skill prerequisite {} → {}",
                skill(b, "before"),
                skill(a, "after")
            )
        }
        A::TaxonomyImported => format!(
            "Imported the taxonomy {}: {} added, {} updated",
            text(&after["file"]).map_or("file".to_owned(), quoted),
            count(number(&after["added"]), "skill"),
            // Entries before 2026-12-05 counted every skill the file matched as updated;
            // the skills it changed are listed in every entry.
            number(&after["skills"]).saturating_sub(number(&after["added"]))
        ),
        A::PrerequisiteAdded | A::PrerequisiteRemoved => {
            let verb = match action {
                A::PrerequisiteAdded => "Added",
                _ => "Removed",
            };
            let (b, a) = ends(object);
            format!(
                "{verb} the prerequisite {} → {}",
                names.module(b),
                names.module(a)
            )
        }
        A::SuggestionDismissed | A::SuggestionRestored => {
            let verb = match action {
                A::SuggestionDismissed => "Dismissed",
                _ => "Brought back",
            };
            let (b, a) = ends(object);
            format!(
                "{verb} the suggested prerequisite {} → {}",
                names.module(b),
                names.module(a)
            )
        }
        A::AnswersImported => format!(
            "Imported {} of {} from {}",
            count(number(&after["answers"]), "answer"),
            count(number(&after["learners"]), "learner"),
            text(&after["file"]).map_or("a file".to_owned(), quoted)
        ),
        A::BktCalibrated => "Calibrated knowledge tracing from learners' answers".to_owned(),
        A::CohortSet => match after["segments"].as_array() {
            Some(segments) => format!(
                "Saved the project's cohort ({})",
                count(segments.len() as u64, "segment")
            ),
            None => "Forgot the project's saved cohort".to_owned(),
        },
        A::TrackAdded => format!(
            "Added the track {}",
            quoted(text(&after["name"]).unwrap_or(object))
        ),
        A::TrackEdited => format!(
            "Edited the track {}",
            quoted(text(&after["name"]).unwrap_or(object))
        ),
        A::TrackRemoved => format!(
            "Removed the track {}",
            text(&before["name"]).map_or_else(|| names.track(object), quoted)
        ),
        A::ProjectMerged => format!(
            "Merged in {}: {} applied, {} resolved",
            text(&after["from"]).map_or("another copy".to_owned(), quoted),
            count(number(&after["applied"]), "change"),
            count(number(&after["resolved"]), "conflict")
        ),
        A::LrsSynced => format!(
            "Sent {} of the {} to the learning record store at {} ({})",
            count(number(&after["sent"]), "statement"),
            text(&after["what"]).unwrap_or("project"),
            text(&after["lrs"]).unwrap_or("an address"),
            match after["already"].as_u64() {
                Some(n) => format!("{n} it already had"),
                None => "then it stopped".to_owned(),
            }
        ),
        A::MergeResolved => format!(
            "Resolved a conflict on {}: kept {}",
            text(&after["what"]).unwrap_or(object),
            match text(&after["kept"]) {
                Some("theirs") => "the other copy's change",
                Some("ours") => "this copy's change",
                _ => "one side",
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use model::{Actor, Timestamp};
    use serde_json::json;

    use super::*;

    fn event(action: &str, before: Value, after: Value) -> AuditEvent {
        AuditEvent {
            seq: 1,
            at: Timestamp(0),
            actor: Actor::System,
            action: action.to_owned(),
            object: "x->y".to_owned(),
            before,
            after,
        }
    }

    #[test]
    fn any_entry_reads_as_a_sentence_whatever_it_kept() {
        let names = Names::default();
        // Entries from older versions kept less, and a damaged one may keep anything.
        for kept in [Value::Null, json!([]), json!("text"), json!({ "tags": 3 })] {
            for action in AuditAction::ALL {
                let said = summary(&event(action.as_str(), kept.clone(), kept.clone()), &names);
                assert!(
                    said.chars().next().is_some_and(char::is_uppercase) && !said.contains('{'),
                    "{action} with {kept} still reads as a sentence: {said:?}"
                );
            }
        }
        let check = |action: &str, want: &str| {
            let said = summary(&event(action, Value::Null, Value::Null), &names);
            assert_eq!(said, want, "{action}");
        };
        // Written by a newer Pathforge: said by its stored name, not hidden.
        check("course.renamed", "course.renamed on x->y");
        let said = |action: &str, before: Value, after: Value| {
            summary(&event(action, before, after), &names)
        };
        assert_eq!(
            said(
                "library.imported",
                Value::Null,
                json!({ "source_path": "/home/dana/libraries/sales-onboarding", "modules": 32 })
            ),
            "Imported “sales-onboarding”: 0 added, 0 updated, 0 retired (32 modules in all)",
            "an entry from before libraries were named by name alone is read by its folder's name"
        );
        assert_eq!(
            said(
                "library.imported",
                Value::Null,
                json!({ "source": "sales-2027", "was": "sales", "added": 1, "modules": 33 })
            ),
            "Imported “sales-2027”: 1 added, 0 updated, 0 retired (33 modules in all); it was “sales”, renamed",
            "a library found renamed says what it was called"
        );
        assert_eq!(
            said(
                "tag.decided",
                json!({ "tags": [{ "module": "m1", "skill": "closing", "confidence": 0.8 }] }),
                json!({ "state": "accepted", "pack": "2e121bb5-3079-5260-b211-9b39f516ae35", "note": "ok" })
            ),
            "Accepted “closing” on module m1 (suggested at 80%), in a review pack — “ok”",
            "a decision from a review pack says so, without the pack's id"
        );
        let stopped = json!({ "lrs": "https://lrs.example.com/xAPI/", "what": "curriculum", "sent": 12, "already": null });
        assert_eq!(
            summary(&event("lrs.synced", Value::Null, stopped), &names),
            "Sent 12 statements of the curriculum to the learning record store at https://lrs.example.com/xAPI/ (then it stopped)",
            "a sync stopped part way says what had been recorded"
        );
        check(
            "prerequisite.added",
            "Added the prerequisite module x → module y",
        );
    }
}
