//! The project's adaptive rules: those people and libraries wrote plus one unlock rule per
//! module with prerequisites, saved, checked and dry-run through the shipped runtime.

use model::{Actor, Finding, Timestamp};
use serde_json::Value;

use crate::audit::Entry;
use crate::{AuditAction, Error, Project, Result};

impl Project {
    /// The rules people wrote or libraries declared, without those derived from the graph.
    pub(crate) fn stored_rules(&self) -> Result<Vec<rules::Rule>> {
        self.store
            .rules()?
            .into_iter()
            .map(|(id, body)| {
                serde_json::from_value(body).map_err(|e| Error::CorruptRule {
                    id,
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    /// The project's rule set: the rules people wrote (or libraries declared), plus one
    /// unlock rule per module with prerequisites, derived from the graph.
    pub fn rules(&self) -> Result<rules::RuleSet> {
        Ok(self.curriculum()?.rules)
    }

    /// Saves a rule written or edited by a person (replacing any rule with its id; an
    /// edited graph-derived rule becomes the person's). Returns the checker's findings
    /// for the whole rule set afterwards, so an editor can show them live.
    pub fn save_rule(
        &mut self,
        mut rule: rules::Rule,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<Finding>> {
        if rule.id.trim().is_empty() {
            return Err(Error::Blank("a rule needs an id"));
        }
        rule.origin = rules::Origin::Person;
        let before = self
            .store
            .rules()?
            .into_iter()
            .find(|(id, _)| *id == rule.id)
            .map(|(_, body)| body)
            .unwrap_or(Value::Null);
        let body = serde_json::to_value(&rule).expect("rules serialise");
        self.commit(
            actor,
            now,
            Entry::new(AuditAction::RuleSaved, &rule.id, &before, &body),
            |tx| {
                tx.upsert_rule(&rule.id, rule.body.kind(), &body)?;
                Ok(())
            },
        )?;
        self.check_rules()
    }

    /// Deletes a rule a person or a library wrote. Rules derived from the graph cannot be
    /// deleted here: change the prerequisites instead.
    pub fn delete_rule(&mut self, id: &str, actor: &Actor, now: Timestamp) -> Result<Vec<Finding>> {
        let before = self
            .store
            .rules()?
            .into_iter()
            .find(|(r, _)| r == id)
            .map(|(_, body)| body);
        let Some(before) = before else {
            return Err(if self.rules()?.rules.iter().any(|r| r.id == id) {
                Error::DerivedRule(id.to_owned())
            } else {
                Error::UnknownRule(id.to_owned())
            });
        };
        self.commit(
            actor,
            now,
            Entry::new(AuditAction::RuleDeleted, id, &before, &Value::Null),
            |tx| {
                tx.delete_rule(id)?;
                Ok(())
            },
        )?;
        self.check_rules()
    }

    /// Which rules would fire for a sample learner: enrolled with `attributes`, then
    /// scoring `scores` (module path → %) on day 1, in that order.
    pub fn why(
        &self,
        attributes: &model::Attributes,
        scores: &[(String, f64)],
    ) -> Result<Vec<rules::Decision>> {
        let learner = "sample learner".to_owned();
        let mut events = vec![rules::Event {
            learner: learner.clone(),
            day: 0,
            kind: rules::EventKind::Enrolled {
                attributes: attributes.clone(),
            },
        }];
        events.extend(scores.iter().map(|(module, score)| rules::Event {
            learner: learner.clone(),
            day: 1,
            kind: rules::EventKind::Scored {
                module: module.clone(),
                score: *score,
                categories: Default::default(),
            },
        }));
        self.run_rules(&events)
    }

    /// Every problem in the rule set, against the modules, tracks and graph.
    pub fn check_rules(&self) -> Result<Vec<Finding>> {
        Ok(rule_findings(&self.curriculum()?))
    }

    /// Dry-runs the rule set on `events` and returns every decision, explained.
    pub fn run_rules(&self, events: &[rules::Event]) -> Result<Vec<rules::Decision>> {
        let c = self.curriculum()?;
        let events = self.as_modules(&c, events)?;
        rules::run(&c.rules, &c.rule_context().view(), &events).map_err(Error::Events)
    }

    /// The module (key) each activity id this project's exports write stands for.
    pub(crate) fn activities(
        &self,
        c: &curriculum::Curriculum,
    ) -> Result<std::collections::HashMap<String, String>> {
        let project = self.store.project()?.id.to_string();
        let keys: Vec<&str> = c.modules.iter().map(|m| m.key.as_str()).collect();
        Ok(lms::activity_keys(&project, &keys)
            .into_iter()
            .map(|(id, key)| (id, key.to_owned()))
            .collect())
    }

    /// `events` with the activity ids this project's exports write (xAPI activities, cmi5
    /// AUs) turned back into the modules they stand for; other ids are left as they are.
    fn as_modules(
        &self,
        c: &curriculum::Curriculum,
        events: &[rules::Event],
    ) -> Result<Vec<rules::Event>> {
        let activities = self.activities(c)?;
        Ok(events
            .iter()
            .cloned()
            .map(|mut e| {
                if let rules::EventKind::Launched { module }
                | rules::EventKind::Completed { module }
                | rules::EventKind::Scored { module, .. } = &mut e.kind
                {
                    if let Some(key) = activities.get(module.as_str()) {
                        module.clone_from(key);
                    }
                }
                e
            })
            .collect())
    }
}

/// Every problem in `c`'s rule set, against its modules, tracks and graph.
pub(crate) fn rule_findings(c: &curriculum::Curriculum) -> Vec<Finding> {
    rules::check(&c.rules, &c.rule_context().view())
}
