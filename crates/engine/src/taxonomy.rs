//! The skill taxonomy: adding, editing, retiring, removing, merging and unmerging skills,
//! and reading and writing skill frameworks (CASE, CSV, Moodle).

use std::collections::HashMap;
use std::path::Path;

use model::{
    Actor, EdgeOrigin, MergePreview, ModuleId, Skill, SkillId, SkillMerge, SkillUse, TagSource,
    TagState, TaxonomyFormat, TaxonomyImportReport, Timestamp, Track,
};
use serde_json::Value;

use crate::audit::Entry;
use crate::settings::{CaseDocument, CASE_DOCUMENT, SCALE};
use crate::{AuditAction, Error, Project, Result};

impl Project {
    pub(crate) fn skill_by_slug(&self, slug: &str) -> Result<SkillId> {
        Ok(self
            .store
            .skills()?
            .into_iter()
            .find(|s| s.slug == slug)
            .ok_or_else(|| Error::UnknownSkill(slug.to_owned()))?
            .id)
    }

    /// The proficiency scale skills are rated on, lowest first (empty until declared).
    pub fn proficiency_scale(&self) -> Result<Vec<String>> {
        Ok(self.store.setting(&SCALE)?.unwrap_or_default())
    }

    /// The skill taxonomy, parents before children.
    pub fn skills(&self) -> Result<Vec<Skill>> {
        Ok(self.store.skills()?)
    }

    /// Adds a skill to the taxonomy, under `parent` (a slug) or at the root.
    pub fn add_skill(
        &mut self,
        slug: &str,
        name: &str,
        parent: Option<&str>,
        description: &str,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Skill> {
        let skills = self.store.skills()?;
        let slug = slug.trim();
        if slug.is_empty() || name.trim().is_empty() {
            return Err(Error::Blank("a skill needs a slug and a name"));
        }
        if !is_slug(slug) {
            return Err(Error::NotASlug(slug.to_owned()));
        }
        if skills.iter().any(|s| s.slug == slug) {
            return Err(Error::SkillExists(slug.to_owned()));
        }
        let parent_id = parent
            .map(|p| find_skill(&skills, p).map(|s| s.id.clone()))
            .transpose()?;
        let project = self.store.project()?;
        let skill = Skill {
            id: SkillId::derive(&project.id, slug),
            slug: slug.to_owned(),
            name: name.trim().to_owned(),
            parent_id,
            description: description.to_owned(),
            examples: Vec::new(),
            retired: false,
        };
        let after = serde_json::to_value(&skill).expect("skills serialise");
        self.commit(
            actor,
            now,
            Entry::new(
                AuditAction::SkillAdded,
                skill.id.as_str(),
                &Value::Null,
                &after,
            ),
            |tx| {
                tx.upsert_skill(&skill)?;
                Ok(())
            },
        )?;
        Ok(skill)
    }

    /// Renames, moves (`Some(None)` = to the root) or retires/reinstates a skill. Moving a
    /// skill under itself or one of its descendants is refused, naming the loop.
    pub fn edit_skill(
        &mut self,
        slug: &str,
        edit: SkillEdit,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Skill> {
        let skills = self.store.skills()?;
        let before = find_skill(&skills, slug)?.clone();
        let mut after = before.clone();
        if let Some(name) = edit.name {
            if name.trim().is_empty() {
                return Err(Error::Blank("a skill's name cannot be empty"));
            }
            after.name = name.trim().to_owned();
        }
        if let Some(parent) = edit.parent {
            after.parent_id = match parent {
                None => None,
                Some(p) => {
                    let target = find_skill(&skills, &p)?;
                    let mut chain = vec![target.name.clone()];
                    let mut at = Some(&target.id);
                    while let Some(id) = at {
                        if *id == before.id {
                            chain.reverse();
                            return Err(Error::OwnAncestor(format!(
                                "moving “{}” under “{}” would make it its own ancestor ({})",
                                before.name,
                                target.name,
                                chain.join(" → ")
                            )));
                        }
                        let s = skills.iter().find(|s| &s.id == id).expect("parents exist");
                        at = s.parent_id.as_ref();
                        if let Some(pid) = at {
                            chain.push(
                                skills
                                    .iter()
                                    .find(|s| &s.id == pid)
                                    .expect("parents exist")
                                    .name
                                    .clone(),
                            );
                        }
                    }
                    Some(target.id.clone())
                }
            };
        }
        if let Some(retired) = edit.retired {
            after.retired = retired;
        }
        if let Some(description) = edit.description {
            after.description = description.trim().to_owned();
        }
        if let Some(examples) = edit.examples {
            after.examples = examples
                .iter()
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty())
                .collect();
        }
        let (b, a) = (
            serde_json::to_value(&before).expect("serialises"),
            serde_json::to_value(&after).expect("serialises"),
        );
        self.commit(
            actor,
            now,
            Entry::new(AuditAction::SkillEdited, after.id.as_str(), &b, &a),
            |tx| {
                tx.upsert_skill(&after)?;
                tx.set_skill_retired(&after.id, after.retired)?;
                Ok(())
            },
        )?;
        Ok(after)
    }

    /// Removes a skill nothing uses (no tags, sub-skills, skill prerequisites, aliases or
    /// track targets): the undo of adding one. A skill in use is retired or merged instead.
    pub fn remove_skill(&mut self, slug: &str, actor: &Actor, now: Timestamp) -> Result<()> {
        let skills = self.store.skills()?;
        let skill = find_skill(&skills, slug)?.clone();
        let snap = self.store.merge_snapshot(&skill, &skill.id)?;
        let in_tracks = self
            .store
            .tracks()?
            .iter()
            .filter(|t| t.targets.iter().any(|x| x.skill == skill.slug))
            .count();
        let uses = [
            (snap.tags.len(), "tag"),
            (snap.children.len(), "sub-skill"),
            (snap.prerequisites.len(), "skill prerequisite"),
            (snap.aliases.len(), "merged skill"),
            (in_tracks, "track"),
        ];
        let used: Vec<String> = uses
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|&(n, what)| lms::count(n, what))
            .collect();
        if !used.is_empty() {
            return Err(Error::SkillInUse {
                name: skill.name,
                uses: used.join(", "),
            });
        }
        let before = serde_json::to_value(&skill).expect("serialises");
        self.commit(
            actor,
            now,
            Entry::new(
                AuditAction::SkillRemoved,
                skill.id.as_str(),
                &before,
                &Value::Null,
            ),
            |tx| {
                tx.delete_skill(&skill.id)?;
                Ok(())
            },
        )?;
        Ok(())
    }

    /// The modules each skill is taught by and suggested for (skills without tags omitted).
    pub fn skill_uses(&self) -> Result<Vec<SkillUse>> {
        let mut uses: Vec<SkillUse> = Vec::new();
        let mut at: HashMap<SkillId, usize> = HashMap::new();
        for tag in self.store.all_tags()? {
            let taught = match (tag.source, tag.state) {
                (_, TagState::Rejected) => continue,
                (TagSource::Model, TagState::Suggested) => false,
                _ => true,
            };
            let i = *at.entry(tag.skill_id.clone()).or_insert_with(|| {
                uses.push(SkillUse {
                    skill: tag.skill_id.clone(),
                    taught: Vec::new(),
                    suggested: Vec::new(),
                });
                uses.len() - 1
            });
            let list = if taught {
                &mut uses[i].taught
            } else {
                &mut uses[i].suggested
            };
            if !list.contains(&tag.module_id) {
                list.push(tag.module_id);
            }
        }
        Ok(uses)
    }

    /// What [`Project::merge_skill`] would change, without changing anything.
    pub fn merge_preview(&self, from: &str, into: &str) -> Result<MergePreview> {
        let skills = self.store.skills()?;
        let (source, target) = merge_pair(&skills, from, into)?;
        let snap = self.store.merge_snapshot(source, &target.id)?;
        let mut modules = Vec::new();
        let (mut tags, mut duplicates) = (0, 0);
        for row in &snap.tags {
            let field = |k: &str| row.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            let (module, origin) = (field("module_id"), field("source"));
            if snap
                .into_tags
                .iter()
                .any(|(m, s)| m == module && s == origin)
            {
                duplicates += 1;
            } else {
                tags += 1;
                if !modules.iter().any(|m: &ModuleId| m.as_str() == module) {
                    modules.push(ModuleId(module.to_owned()));
                }
            }
        }
        let name = |id: &SkillId| {
            skills
                .iter()
                .find(|s| &s.id == id)
                .map_or_else(|| id.to_string(), |s| s.name.clone())
        };
        Ok(MergePreview {
            from: source.clone(),
            into: target.clone(),
            tags,
            modules,
            duplicates,
            children: snap.children.iter().map(name).collect(),
            tracks: self
                .store
                .tracks()?
                .into_iter()
                .filter(|t| t.targets.iter().any(|x| x.skill == source.slug))
                .map(|t| t.name)
                .collect(),
            prerequisites: snap.prerequisites.len() as u32,
        })
    }

    /// Undoes the merge logged at audit position `audit`: the merged skill comes back with
    /// its tags, sub-skills, aliases, skill prerequisites and track targets as they were.
    /// Refused when the survivor is gone or the skill already exists again.
    pub fn unmerge_skill(&mut self, audit: i64, actor: &Actor, now: Timestamp) -> Result<Skill> {
        let Some((snap, tracks)) = self.store.skill_merge(audit)? else {
            let merge = AuditAction::SkillMerged.as_str();
            return Err(match self.store.audit_action(audit)? {
                Some(action) if action == merge => Error::MergeUnrecorded(audit),
                _ => Error::NotAMerge(audit),
            });
        };
        let skills = self.store.skills()?;
        if skills
            .iter()
            .any(|s| s.id == snap.skill.id || s.slug == snap.skill.slug)
        {
            return Err(Error::AlreadyUnmerged(snap.skill.name));
        }
        if !skills.iter().any(|s| s.id == snap.into) {
            return Err(Error::MergedIntoGone(snap.skill.name));
        }
        let after = serde_json::to_value(&snap.skill).expect("serialises");
        let before = serde_json::json!({ "merge": audit });
        let entry = Entry::new(
            AuditAction::SkillUnmerged,
            snap.skill.id.as_str(),
            &before,
            &after,
        );
        self.commit(actor, now, entry, |tx| {
            tx.unmerge_skill(&snap)?;
            for t in &tracks {
                tx.set_track_targets(&t.id, &t.targets)?;
            }
            Ok(())
        })?;
        Ok(snap.skill)
    }

    /// Merges skill `from` into `into`: its tags, sub-skills and track targets move to
    /// `into`, its slug becomes an alias (content tagged with it lands on `into` on
    /// re-import), and it is removed. The audit entry keeps what undoing it needs
    /// ([`Project::unmerge_skill`]).
    pub fn merge_skill(
        &mut self,
        from: &str,
        into: &str,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<SkillMerge> {
        let skills = self.store.skills()?;
        let (source, target) = merge_pair(&skills, from, into)?;
        let (source, target) = (source.clone(), target.clone());
        let old_tracks: Vec<Track> = self
            .store
            .tracks()?
            .into_iter()
            .filter(|t| t.targets.iter().any(|x| x.skill == source.slug))
            .collect();
        let tracks: Vec<Track> = old_tracks
            .iter()
            .cloned()
            .map(|mut t| {
                for x in &mut t.targets {
                    if x.skill == source.slug {
                        x.skill = target.slug.clone();
                    }
                }
                t
            })
            .collect();
        let moved = self.store.write(|tx| {
            let snapshot = tx.merge_snapshot(&source, &target.id)?;
            let before = serde_json::json!({ "skill": source, "snapshot": snapshot, "tracks": old_tracks });
            let (tags, children) = tx.merge_skill(&source, &target.id)?;
            for t in &tracks {
                tx.set_track_targets(&t.id, &t.targets)?;
            }
            let after = serde_json::json!({ "merged_into": target.id, "tags": tags, "children": children, "tracks": tracks.len() });
            let audit =
                Entry::new(AuditAction::SkillMerged, source.id.as_str(), &before, &after).append(tx, actor, now)?;
            tx.record_skill_merge(audit, &snapshot, &old_tracks)?;
            Ok(SkillMerge {
                tags: tags as u32,
                children: children as u32,
                tracks: tracks.len() as u32,
                audit,
            })
        })?;
        Ok(moved)
    }

    /// The taxonomy in `format`, ready to write to a file.
    pub fn export_taxonomy(&self, format: TaxonomyFormat, now: Timestamp) -> Result<String> {
        let framework = self.framework()?;
        Ok(match format {
            TaxonomyFormat::Case => {
                let package = exchange::case_export(&framework, now);
                serde_json::to_string_pretty(&package).expect("JSON values serialise") + "\n"
            }
            TaxonomyFormat::Csv => exchange::csv_export(&framework.skills),
            TaxonomyFormat::MoodleCsv => exchange::moodle_export(&framework),
        })
    }

    /// Merges the framework in `path` into the taxonomy: skills are matched by slug
    /// (CASE `humanCodingScheme`), updated in place, or added. Nothing is written unless the
    /// whole file reads as a valid tree.
    /// Imports a skill framework file, telling its format from its content: CASE JSON, a
    /// Moodle competency framework CSV (by its header), or the plain `id,parent_id,name,
    /// description` CSV.
    pub fn import_taxonomy_file(
        &mut self,
        path: &Path,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<TaxonomyImportReport> {
        let text = crate::read_table(path)?;
        let start = text.trim_start_matches('\u{feff}').trim_start();
        let format = if start.starts_with('{') {
            TaxonomyFormat::Case
        } else if start.starts_with(&format!("\"{}\"", exchange::MOODLE_HEADER[0]))
            || start.starts_with(exchange::MOODLE_HEADER[0])
        {
            TaxonomyFormat::MoodleCsv
        } else {
            TaxonomyFormat::Csv
        };
        self.import_taxonomy_text(path, &text, format, actor, now)
    }

    pub fn import_taxonomy(
        &mut self,
        path: &Path,
        format: TaxonomyFormat,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<TaxonomyImportReport> {
        let text = crate::read_table(path)?;
        self.import_taxonomy_text(path, &text, format, actor, now)
    }

    /// Imports `text`, read from `path` (named in errors), as a framework in `format`.
    pub(crate) fn import_taxonomy_text(
        &mut self,
        path: &Path,
        text: &str,
        format: TaxonomyFormat,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<TaxonomyImportReport> {
        let (document, scale, skills) = match format {
            TaxonomyFormat::Case => {
                let fw = exchange::case_import(path, text)?;
                let doc = CaseDocument {
                    identifier: fw.identifier,
                    title: fw.title,
                    creator: fw.creator,
                };
                (Some(doc), fw.scale, fw.skills)
            }
            TaxonomyFormat::Csv => (None, Vec::new(), exchange::csv_import(path, text)?),
            TaxonomyFormat::MoodleCsv => (
                None,
                Vec::new(),
                exchange::moodle_import(path, text)?.skills,
            ),
        };
        let project = self.store.project()?;
        let existing = self.store.skills()?;
        let mut ids: HashMap<String, SkillId> = existing
            .iter()
            .map(|s| (s.slug.clone(), s.id.clone()))
            .collect();
        let taken: std::collections::HashSet<&str> =
            existing.iter().map(|s| s.id.as_str()).collect();
        let (mut added, mut matched) = (0, 0);
        let mut rows = Vec::with_capacity(skills.len());
        for s in &skills {
            let id = match ids.get(&s.slug) {
                Some(id) => {
                    matched += 1;
                    id.clone()
                }
                None => {
                    added += 1;
                    let id =
                        match uuid_like(&s.identifier) && !taken.contains(s.identifier.as_str()) {
                            true => SkillId(s.identifier.clone()),
                            false => SkillId::derive(&project.id, &s.slug),
                        };
                    ids.insert(s.slug.clone(), id.clone());
                    id
                }
            };
            rows.push(Skill {
                id,
                slug: s.slug.clone(),
                name: s.name.clone(),
                parent_id: s.parent.as_ref().map(|p| ids[p].clone()),
                description: s.description.clone(),
                examples: s.examples.clone(),
                retired: false,
            });
        }
        // What the import changes, listed in its entry so a merge takes exactly these as
        // its (a skill the file leaves as it is, edited on another copy, is no conflict).
        let changed: Vec<&SkillId> = rows
            .iter()
            .filter(|row| existing.iter().find(|s| s.id == row.id) != Some(*row))
            .map(|row| &row.id)
            .collect();
        let updated = changed.len() as u32 - added;
        let report = TaxonomyImportReport {
            added,
            updated,
            unchanged: matched - updated,
        };
        let linked: std::collections::HashSet<(SkillId, SkillId)> = self
            .store
            .skill_prerequisites()?
            .into_iter()
            .map(|(b, a, _)| (b, a))
            .collect();
        let mut new_links: Vec<[&SkillId; 2]> = Vec::new();
        for (s, row) in skills.iter().zip(&rows) {
            for r in &s.requires {
                let pair = (ids[r].clone(), row.id.clone());
                if !linked.contains(&pair) && !new_links.contains(&[&ids[r], &row.id]) {
                    new_links.push([&ids[r], &row.id]);
                }
            }
        }
        let after = serde_json::json!({
            "file": crate::audit::named(path),
            "added": added,
            "updated": updated,
            "skills": changed,
            "skill_prerequisites": new_links,
        });
        self.commit(
            actor,
            now,
            Entry::new(
                AuditAction::TaxonomyImported,
                project.id.as_str(),
                &Value::Null,
                &after,
            ),
            |tx| {
                for skill in &rows {
                    tx.upsert_skill(skill)?;
                }
                for (s, row) in skills.iter().zip(&rows) {
                    for r in &s.requires {
                        tx.insert_skill_prerequisite(&ids[r], &row.id, EdgeOrigin::Person)?;
                    }
                }
                if let Some(doc) = &document {
                    tx.set_setting(&CASE_DOCUMENT, Some(doc))?;
                }
                if !scale.is_empty() {
                    tx.set_setting(&SCALE, Some(&scale))?;
                }
                Ok(())
            },
        )?;
        Ok(report)
    }

    /// The project's taxonomy as an exchange framework.
    pub(crate) fn framework(&self) -> Result<exchange::Framework> {
        let project = self.store.project()?;
        let doc = self
            .store
            .setting(&CASE_DOCUMENT)?
            .unwrap_or_else(|| CaseDocument {
                identifier: SkillId::derive(&project.id, "\u{1f}case-document").0,
                title: project.name.clone(),
                creator: "Pathforge".to_owned(),
            });
        let skills = self.store.skills()?;
        let slug: HashMap<&SkillId, &str> =
            skills.iter().map(|s| (&s.id, s.slug.as_str())).collect();
        let mut requires: HashMap<SkillId, Vec<String>> = HashMap::new();
        for (b, a, _) in self.store.skill_prerequisites()? {
            requires.entry(a).or_default().push(slug[&b].to_owned());
        }
        Ok(exchange::Framework {
            identifier: doc.identifier,
            title: doc.title,
            creator: doc.creator,
            skills: skills
                .iter()
                .map(|s| exchange::FrameworkSkill {
                    identifier: s.id.to_string(),
                    slug: s.slug.clone(),
                    name: s.name.clone(),
                    description: s.description.clone(),
                    parent: s.parent_id.as_ref().map(|p| slug[p].to_owned()),
                    requires: requires.get(&s.id).cloned().unwrap_or_default(),
                    examples: s.examples.clone(),
                })
                .collect(),
            scale: self.proficiency_scale()?,
        })
    }
}

/// A change to one skill; `None` fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct SkillEdit {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Short examples of the skill in action; blank lines are dropped.
    pub examples: Option<Vec<String>>,
    /// `Some(None)` moves the skill to the root.
    pub parent: Option<Option<String>>,
    pub retired: Option<bool>,
}

/// Whether `slug` is one: lower-case letters, digits, '-', '_' or '.', starting with a
/// letter or digit.
pub(crate) fn is_slug(slug: &str) -> bool {
    let slug_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c);
    slug.chars().all(slug_char) && slug.starts_with(|c: char| c.is_ascii_alphanumeric())
}

/// The two skills of a merge, refused when they are one skill or `into` lies under `from`.
pub(crate) fn merge_pair<'a>(
    skills: &'a [Skill],
    from: &str,
    into: &str,
) -> Result<(&'a Skill, &'a Skill)> {
    let (source, target) = (find_skill(skills, from)?, find_skill(skills, into)?);
    if source.id == target.id {
        return Err(Error::SameSkill(
            "a skill cannot be merged into itself".to_owned(),
        ));
    }
    let mut at = target.parent_id.as_ref();
    while let Some(id) = at {
        if *id == source.id {
            return Err(Error::OwnAncestor(format!(
                "“{}” lies under “{}”; move it out before merging its parent into it",
                target.name, source.name
            )));
        }
        at = skills
            .iter()
            .find(|s| &s.id == id)
            .and_then(|s| s.parent_id.as_ref());
    }
    Ok((source, target))
}

pub(crate) fn find_skill<'a>(skills: &'a [Skill], slug: &str) -> Result<&'a Skill> {
    skills
        .iter()
        .find(|s| s.slug == slug)
        .ok_or_else(|| Error::UnknownSkill(slug.to_owned()))
}

pub(crate) fn uuid_like(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

pub(crate) fn parent_slugs(skills: &[Skill]) -> HashMap<String, String> {
    let slug: HashMap<&SkillId, &str> = skills.iter().map(|s| (&s.id, s.slug.as_str())).collect();
    skills
        .iter()
        .filter_map(|s| Some((s.slug.clone(), slug.get(s.parent_id.as_ref()?)?.to_string())))
        .collect()
}
