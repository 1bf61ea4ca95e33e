//! Learning tracks: finding one, and the modules it needs in a valid order with its
//! durations.

use model::{Actor, Timestamp, Track, TrackDraft, TrackId, TrackPath, TrackStep};
use serde_json::Value;

use crate::audit::Entry;
use crate::prerequisites::is_cycle;
use crate::taxonomy::is_slug;
use crate::{AuditAction, Error, Project, Result};

/// The id of the assignment rule that says who takes track `slug`.
pub(crate) fn audience_rule(slug: &str) -> String {
    format!("assign-{slug}")
}

impl Project {
    /// Every track as a person edits it, by name.
    pub fn track_drafts(&self) -> Result<Vec<TrackDraft>> {
        let rules = self.stored_rules()?;
        Ok(self
            .store
            .tracks()?
            .into_iter()
            .map(|t| draft_of(t, &rules))
            .collect())
    }

    /// Track `reference` as a person edits it: its fields and who takes it (from its
    /// `assign-{slug}` rule, if there is one).
    pub fn track_draft(&self, reference: &str) -> Result<TrackDraft> {
        Ok(draft_of(
            self.resolve_track(reference)?,
            &self.stored_rules()?,
        ))
    }

    /// Adds a track a person wrote, and the assignment rule for its audience when it has
    /// one; one logged step, undone by [`Project::remove_track`].
    pub fn add_track(
        &mut self,
        draft: &TrackDraft,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Track> {
        let draft = self.checked_draft(draft)?;
        if self.store.tracks()?.iter().any(|t| t.slug == draft.slug) {
            return Err(Error::TrackExists(draft.slug));
        }
        self.write_track(None, &draft, actor, now)
    }

    /// Replaces track `reference` by `draft` (its slug cannot change). A track a library
    /// declares becomes the person's: later imports of that library leave it as edited.
    /// One logged step, undone by editing it back.
    pub fn edit_track(
        &mut self,
        reference: &str,
        draft: &TrackDraft,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Track> {
        let before = self.track_draft(reference)?;
        let draft = self.checked_draft(draft)?;
        if draft.slug != before.slug {
            return Err(Error::TrackSlugChanged {
                from: before.slug,
                to: draft.slug,
            });
        }
        self.write_track(Some(&before), &draft, actor, now)
    }

    /// Removes track `reference` and its audience rule; returns it as it was, which
    /// [`Project::add_track`] puts back. Refused while another rule names the track, and
    /// for a track a library's manifest declares (its next import would bring it back).
    pub fn remove_track(
        &mut self,
        reference: &str,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<TrackDraft> {
        let track = self.resolve_track(reference)?;
        let rules = self.stored_rules()?;
        let draft = draft_of(track.clone(), &rules);
        if let Some(library) = self.store.track_library(&track.id)? {
            return Err(Error::DeclaredTrack {
                name: track.name,
                library: library.name,
            });
        }
        let own = audience_rule(&track.slug);
        let users: Vec<String> = rules
            .into_iter()
            .filter(|r| r.id != own && names_track(&r.body, &track.slug))
            .map(|r| r.id)
            .collect();
        if !users.is_empty() {
            return Err(Error::TrackInUse {
                name: track.name,
                rules: users.join(", "),
            });
        }
        let before = serde_json::to_value(&draft).expect("drafts serialise");
        let entry = Entry::new(
            AuditAction::TrackRemoved,
            track.id.as_str(),
            &before,
            &Value::Null,
        );
        self.commit(actor, now, entry, |tx| {
            tx.delete_track(&track.id)?;
            tx.delete_rule(&own)?;
            Ok(())
        })?;
        Ok(draft)
    }

    /// `draft` trimmed, and refused unless it has a slug, a name and known target skills,
    /// each once.
    fn checked_draft(&self, draft: &TrackDraft) -> Result<TrackDraft> {
        let trimmed = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let draft = TrackDraft {
            slug: draft.slug.trim().to_owned(),
            name: draft.name.trim().to_owned(),
            description: draft.description.trim().to_owned(),
            targets: draft.targets.clone(),
            role: trimmed(&draft.role),
            department: trimmed(&draft.department),
        };
        if draft.slug.is_empty() || draft.name.is_empty() {
            return Err(Error::Blank("a track needs a slug and a name"));
        }
        if !is_slug(&draft.slug) {
            return Err(Error::NotASlug(draft.slug));
        }
        if draft.targets.is_empty() {
            return Err(Error::Blank(
                "a track needs at least one target skill (what its learners must master)",
            ));
        }
        let skills = self.store.skills()?;
        for (i, target) in draft.targets.iter().enumerate() {
            if !skills.iter().any(|s| s.slug == target.skill && !s.retired) {
                return Err(Error::UnknownSkill(target.skill.clone()));
            }
            if draft.targets[..i].iter().any(|t| t.skill == target.skill) {
                return Err(Error::DuplicateTarget(target.skill.clone()));
            }
        }
        Ok(draft)
    }

    /// Saves `draft` (checked) with its audience rule, logged as added or edited.
    fn write_track(
        &mut self,
        before: Option<&TrackDraft>,
        draft: &TrackDraft,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Track> {
        let project = self.store.project()?;
        let track = Track {
            id: TrackId::derive(&project.id, &draft.slug),
            slug: draft.slug.clone(),
            name: draft.name.clone(),
            description: draft.description.clone(),
            targets: draft.targets.clone(),
        };
        let rule_id = audience_rule(&draft.slug);
        let rule = (draft.role.is_some() || draft.department.is_some()).then(|| {
            let who = [
                draft.role.as_ref().map(|r| format!("role {r}")),
                draft.department.as_ref().map(|d| format!("department {d}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" in ");
            rules::Rule {
                id: rule_id.clone(),
                explanation: format!("Learners with {who} take the track “{}”.", draft.name),
                origin: rules::Origin::Person,
                body: rules::RuleBody::Assignment {
                    when: rules::Match {
                        role: draft.role.clone(),
                        department: draft.department.clone(),
                        ..Default::default()
                    },
                    track: draft.slug.clone(),
                },
            }
        });
        let (action, before) = match before {
            Some(b) => (
                AuditAction::TrackEdited,
                serde_json::to_value(b).expect("drafts serialise"),
            ),
            None => (AuditAction::TrackAdded, Value::Null),
        };
        let after = serde_json::to_value(draft).expect("drafts serialise");
        let entry = Entry::new(action, track.id.as_str(), &before, &after);
        self.commit(actor, now, entry, |tx| {
            tx.save_track(&track)?;
            match &rule {
                Some(r) => {
                    let body = serde_json::to_value(r).expect("rules serialise");
                    tx.upsert_rule(&r.id, r.body.kind(), &body)?;
                }
                None => {
                    tx.delete_rule(&rule_id)?;
                }
            }
            Ok(())
        })?;
        Ok(track)
    }

    pub fn tracks(&self) -> Result<Vec<Track>> {
        Ok(self.store.tracks()?)
    }

    /// Finds a track by slug, id or exact name.
    pub fn resolve_track(&self, reference: &str) -> Result<Track> {
        self.store
            .tracks()?
            .into_iter()
            .find(|t| t.slug == reference || t.id.as_str() == reference || t.name == reference)
            .ok_or_else(|| Error::UnknownTrack(reference.to_owned()))
    }

    /// The modules `track` needs, in a valid order, with total and critical-path duration.
    /// Refused while the prerequisite graph has a cycle.
    pub fn track_path(&self, track: &Track) -> Result<TrackPath> {
        let (graph, modules, c) = self.graph()?;
        if let Some(cycle) = graph::lint(&graph).into_iter().find(is_cycle) {
            return Err(Error::CyclicGraph(cycle.message));
        }
        let skills = self.store.skills()?;
        let path = graph::track_path(&graph, &c.columns().view(), &track.targets);
        let skill_name = |slug: &str| {
            skills
                .iter()
                .find(|s| s.slug == slug)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| slug.to_owned())
        };
        let steps = path
            .steps
            .iter()
            .map(|(i, reason)| TrackStep {
                module: modules[*i].clone(),
                reason: match reason {
                    graph::Reason::Teaches(skill) => format!("teaches {}", skill_name(skill)),
                    graph::Reason::RequiredBy(m) => format!("required by “{}”", modules[*m].title),
                },
            })
            .collect();
        Ok(TrackPath {
            track: track.clone(),
            steps,
            total_minutes: path.total_minutes,
            critical_path_minutes: path.critical_path_minutes,
            critical_path: path
                .critical_path
                .iter()
                .map(|&i| modules[i].id.clone())
                .collect(),
            untaught_targets: path.untaught,
        })
    }
}

/// `track` as a person edits it, its audience read from its `assign-{slug}` rule.
fn draft_of(track: Track, rules: &[rules::Rule]) -> TrackDraft {
    let rule_id = audience_rule(&track.slug);
    let audience = rules.iter().find_map(|r| match &r.body {
        rules::RuleBody::Assignment { when, track: t } if r.id == rule_id && *t == track.slug => {
            Some(when.clone())
        }
        _ => None,
    });
    let (role, department) = audience.map_or((None, None), |m| (m.role, m.department));
    TrackDraft {
        slug: track.slug,
        name: track.name,
        description: track.description,
        targets: track.targets,
        role,
        department,
    }
}

/// Whether `body` refers to track `slug`.
fn names_track(body: &rules::RuleBody, slug: &str) -> bool {
    match body {
        rules::RuleBody::Assignment { track, .. }
        | rules::RuleBody::Recertification { track, .. } => track == slug,
        _ => false,
    }
}
