//! What a merge will write into ours, worked out from the keys it takes and checked whole
//! before anything is written: no cycle, no skill inside itself, nothing left naming a
//! skill this copy removed, no decision on content this copy does not have.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::{ModuleId, PrerequisiteEdge, PrerequisiteGroup};
use serde_json::Value;

use super::key::Key;
use super::reading::Reading;
use super::state::{Carried, ModelTag};
use crate::settings::SECRET;
use crate::{Error, Project, Result};

/// Everything a merge writes, in the order [`Project::write_merge`] writes it.
pub(super) struct Changes<'r> {
    /// Skills as theirs has them (parents before their children).
    pub(super) skills: Vec<model::Skill>,
    /// Libraries taken as theirs has them: modules, what the manifest declares.
    pub(super) libraries: Vec<Carried>,
    /// Theirs' suggestions this copy never got, with the decision on each.
    pub(super) tag_rows: Vec<serde_json::Map<String, Value>>,
    pub(super) columns: Option<ingest::ColumnMaps>,
    pub(super) packs: Option<BTreeMap<String, Vec<crate::review_pack::IssuedItem>>>,
    pub(super) settings: Vec<(&'static str, Option<Value>)>,
    pub(super) secret: Option<String>,
    pub(super) answers: Vec<Answer>,
    /// The prerequisites ours will have, and which of them are new or gone.
    pub(super) edges: Edges,
    pub(super) added: BTreeSet<(ModuleId, ModuleId)>,
    pub(super) removed: Vec<(ModuleId, ModuleId)>,
    pub(super) regrouped: Vec<(ModuleId, PrerequisiteGroup)>,
    pub(super) levels: Vec<LevelTaken>,
    pub(super) rules: Vec<(String, Option<Value>)>,
    pub(super) cohort: Option<Option<model::Cohort>>,
    /// Decisions on suggestions, with the skill an edit replaced one by.
    pub(super) tags: Vec<(ModuleId, &'r ModelTag, Option<model::SkillId>)>,
    /// People's own tags theirs added (true, with the skill) or removed (false).
    pub(super) own_tags: Vec<(ModuleId, model::SkillId, bool)>,
    pub(super) auto_accept: Option<Option<f64>>,
    pub(super) dismissed: Vec<(ModuleId, ModuleId, bool)>,
    /// Skill prerequisites added (with their origin) or removed (none).
    pub(super) skill_edges: SkillEdges,
    pub(super) tracks: Vec<(model::TrackId, Option<model::Track>)>,
    /// Skills theirs merged, each with the skill it goes into here.
    pub(super) skill_merges: Vec<(model::Skill, model::SkillId)>,
    /// Tracks aimed at a skill merged away, aimed at its survivor.
    pub(super) retargeted: Vec<(model::TrackId, Vec<model::TrackTarget>)>,
    /// Skills theirs removed (children before their parents).
    pub(super) removed_skills: Vec<model::Skill>,
}

/// A module's level once a merge sets it, with the module's stored hash.
pub(super) type LevelNow = (Option<model::Level>, String);

/// A level set by hand that a merge takes: the module, theirs' level, and the level (with
/// the module's stored hash) it then has, where that is known.
pub(super) type LevelTaken = (ModuleId, Option<model::Level>, Option<LevelNow>);

/// Prerequisites by (before, after).
pub(super) type Edges = HashMap<(ModuleId, ModuleId), PrerequisiteEdge>;

/// A learner's answer kept for calibration: (skill, pseudonym, place, correct).
pub(super) type Answer = (model::SkillId, String, i64, bool);

/// Skill prerequisites a merge adds (with their origin) or removes (none).
pub(super) type SkillEdges = Vec<((model::SkillId, model::SkillId), Option<model::EdgeOrigin>)>;

/// What a merge does to skills, worked out together: the tree they make must be whole.
struct SkillChanges {
    skills: Vec<model::Skill>,
    removed: Vec<model::Skill>,
    merges: Vec<(model::Skill, model::SkillId)>,
    /// The skills ours will have.
    all: BTreeMap<model::SkillId, model::Skill>,
}

impl Reading<'_> {
    /// What taking `take` writes into `ours`, or why it is refused.
    pub(super) fn changes(&self, ours: &Project, take: &[Key]) -> Result<Changes<'_>> {
        let (ours_state, theirs_state) = (&self.ours_state, &self.theirs_state);
        let libraries: Vec<Carried> = take
            .iter()
            .filter_map(|k| match k {
                Key::Library(id) => Some(id),
                _ => None,
            })
            .map(|id| ours.carried_library(self.theirs, id, ours_state, theirs_state))
            .collect::<Result<_>>()?;
        let tag_rows = self.tag_rows(ours, take, &libraries)?;
        let (mut edges, groups) = self.edges(ours, take, &libraries)?;
        let levels = self.levels(ours, take)?;
        let rules: Vec<(String, Option<Value>)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Rule(id) => Some((id.clone(), theirs_state.rules.get(id).cloned())),
                _ => None,
            })
            .collect();
        let cohort = take
            .contains(&Key::Cohort)
            .then(|| theirs_state.cohort.clone());
        let skills = self.skill_changes(take, !libraries.is_empty())?;
        let skill_edges = self.skill_edges(take, !libraries.is_empty());
        ours.refuse_skill_cycles(ours_state, &skill_edges)?;
        let tracks: Vec<(model::TrackId, Option<model::Track>)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Track(id) => {
                    let track = theirs_state.tracks.get(id).cloned().map(|mut t| {
                        for x in &mut t.targets {
                            x.skill = self.here_slug(&x.skill);
                        }
                        t
                    });
                    Some((id.clone(), track))
                }
                _ => None,
            })
            .collect();
        let skill_of = |slug: &str| {
            theirs_state
                .skills
                .values()
                .find(|s| s.slug == slug)
                .map(|s| s.id.clone())
        };
        let tags: Vec<(ModuleId, &ModelTag, Option<model::SkillId>)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Tag(m, slug) => {
                    let tag = theirs_state.tags.get(&(m.clone(), slug.clone()))?;
                    let by = tag.replaced_by.as_deref().and_then(skill_of);
                    Some((m.clone(), tag, by))
                }
                _ => None,
            })
            .collect();
        // People's own tags theirs added (with the skill) or removed (ours' skill).
        let own_tags: Vec<(ModuleId, model::SkillId, bool)> = take
            .iter()
            .filter_map(|k| match k {
                Key::OwnTag(m, slug) => {
                    let key = (m.clone(), slug.clone());
                    match theirs_state.own_tags.get(&key) {
                        Some(skill) => Some((m.clone(), self.here(skill), true)),
                        None => Some((m.clone(), ours_state.own_tags.get(&key)?.clone(), false)),
                    }
                }
                _ => None,
            })
            .collect();
        let auto_accept = take
            .contains(&Key::AutoAccept)
            .then_some(theirs_state.auto_accept);
        let dismissed: Vec<(ModuleId, ModuleId, bool)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Dismissed(b, a) => Some((
                    b.clone(),
                    a.clone(),
                    theirs_state.dismissed.contains(&(b.clone(), a.clone())),
                )),
                _ => None,
            })
            .collect();
        let mut columns = ours_state.columns.clone();
        for key in take {
            if let Key::Columns(path) = key {
                match theirs_state.columns.get(path) {
                    Some(c) => columns.insert(path.clone(), c.clone()),
                    None => columns.remove(path),
                };
            }
        }
        let columns = (columns != ours_state.columns).then_some(columns);
        let (answers, secret) = self.answers(ours, take)?;
        // Packs theirs issued join ours' (each has its own id).
        let mut packs = None;
        for key in take {
            if let Key::Pack(id) = key {
                let all = packs.get_or_insert_with(|| ours_state.packs.clone());
                if let Some(items) = theirs_state.packs.get(id) {
                    all.insert(id.clone(), items.clone());
                }
            }
        }
        let settings: Vec<(&'static str, Option<Value>)> = take
            .iter()
            .filter_map(|k| match k {
                Key::Setting(key) => {
                    let value = theirs_state.settings.get(key).filter(|v| !v.is_null());
                    Some((*key, value.cloned()))
                }
                _ => None,
            })
            .collect();
        self.refuse_dangling(&skills, &skill_edges, &tracks, &answers, &tags, &own_tags)?;
        ours.refuse_removing_used(
            &skills.removed,
            &skills.all,
            ours_state,
            &skill_edges,
            &tracks,
            self.from,
        )?;
        // One group per module: theirs where it was taken, else ours', else the edge's own
        // (a module that had no prerequisites in ours).
        let mut final_groups: BTreeMap<ModuleId, PrerequisiteGroup> = BTreeMap::new();
        for ((_, a), e) in &edges {
            let g = groups
                .get(a)
                .or_else(|| ours_state.groups.get(a))
                .copied()
                .unwrap_or(e.group);
            final_groups.insert(a.clone(), g);
        }
        for ((_, a), e) in edges.iter_mut() {
            e.group = final_groups[a];
        }
        let regrouped: Vec<(ModuleId, PrerequisiteGroup)> = final_groups
            .into_iter()
            .filter(|(a, g)| ours_state.groups.get(a) != Some(g))
            .collect();
        let added: BTreeSet<(ModuleId, ModuleId)> = edges
            .keys()
            .filter(|k| !ours_state.edges.contains_key(*k))
            .cloned()
            .collect();
        ours.refuse_cycles(self.theirs, &edges, &added)?;
        let removed: Vec<(ModuleId, ModuleId)> = ours_state
            .edges
            .keys()
            .filter(|k| !edges.contains_key(*k))
            .cloned()
            .collect();
        let retargeted = self.retargeted(&tracks, &skills);
        Ok(Changes {
            skills: skills.skills,
            libraries,
            tag_rows,
            columns,
            packs,
            settings,
            secret,
            answers,
            edges,
            added,
            removed,
            regrouped,
            levels,
            rules,
            cohort,
            tags,
            own_tags,
            auto_accept,
            dismissed,
            skill_edges,
            tracks,
            skill_merges: skills.merges,
            retargeted,
            removed_skills: skills.removed,
        })
    }

    /// A decision on a suggestion this copy never got comes with the suggestion, when the
    /// module's content here will be what theirs was made from; else it cannot be applied:
    /// say so.
    fn tag_rows(
        &self,
        ours: &Project,
        take: &[Key],
        libraries: &[Carried],
    ) -> Result<Vec<serde_json::Map<String, Value>>> {
        let carried_modules: BTreeSet<&ModuleId> = libraries
            .iter()
            .flat_map(|l| l.modules.iter().map(|(m, _)| &m.id))
            .collect();
        let mut tag_rows = Vec::new();
        let mut missing = Vec::new();
        for key in take {
            let Key::Tag(m, slug) = key else { continue };
            if self
                .ours_state
                .tags
                .contains_key(&(m.clone(), slug.clone()))
            {
                continue;
            }
            let same_content = carried_modules.contains(m)
                || match (ours.store.module(m), self.theirs.store.module(m)) {
                    (Ok(a), Ok(b)) => store::module_hash(&a) == store::module_hash(&b),
                    _ => false,
                };
            let skill = self
                .theirs_state
                .tags
                .get(&(m.clone(), slug.clone()))
                .map(|t| &t.skill);
            let row =
                self.theirs.store.model_tag_rows(m)?.into_iter().find(|r| {
                    r.get("skill_id").and_then(Value::as_str) == skill.map(|s| s.as_str())
                });
            match row {
                Some(row) if same_content => tag_rows.push(row),
                _ => missing.push(self.what(key)),
            }
        }
        if !missing.is_empty() {
            return Err(Error::MergeUnsupported {
                from: self.from.display().to_string(),
                actions: format!(
                    "decisions on {} suggestions made for content this copy does not have — import the same files and auto-tag here, then merge: {}",
                    missing.len(),
                    missing.into_iter().take(3).collect::<Vec<_>>().join("; ")
                ),
            });
        }
        Ok(tag_rows)
    }

    /// The edges ours will have (before cycles are checked), and the groups taken from
    /// theirs: a library taken brings the prerequisites its manifest declares in place of
    /// ours'. An edge ours' people added or removed stays as they left it.
    fn edges(
        &self,
        ours: &Project,
        take: &[Key],
        libraries: &[Carried],
    ) -> Result<(Edges, BTreeMap<ModuleId, PrerequisiteGroup>)> {
        let mut edges = self.ours_state.edges.clone();
        let ours_edited = |b: &ModuleId, a: &ModuleId| {
            self.ours_touched
                .contains_key(&Key::Edge(b.clone(), a.clone()))
        };
        for l in libraries {
            let ours_modules = ours.store.library_module_ids(&l.library.id)?;
            // Theirs' own edge where ours has the manifest's (a person drew it again
            // there after removing the manifest's) is kept, as theirs has it: the edge is
            // alike on both sides, so nothing else would bring it back.
            let drawn_there = |b: &ModuleId, a: &ModuleId| {
                self.theirs_state
                    .edges
                    .get(&(b.clone(), a.clone()))
                    .filter(|t| t.origin != model::EdgeOrigin::Manifest)
                    .cloned()
            };
            let mut redrawn = Vec::new();
            edges.retain(|(b, a), e| {
                let keep = e.origin != model::EdgeOrigin::Manifest
                    || !ours_modules.contains(a)
                    || ours_edited(b, a);
                if !keep {
                    redrawn.extend(drawn_there(b, a));
                }
                keep
            });
            for e in redrawn {
                edges.insert((e.before.clone(), e.after.clone()), e);
            }
            for e in l
                .declared
                .iter()
                .filter(|e| !ours_edited(&e.before, &e.after))
            {
                edges.insert((e.before.clone(), e.after.clone()), e.clone());
            }
        }
        let mut groups: BTreeMap<ModuleId, PrerequisiteGroup> = BTreeMap::new();
        for key in take {
            match key {
                Key::Edge(b, a) => {
                    let pair = (b.clone(), a.clone());
                    match self.theirs_state.edges.get(&pair) {
                        Some(e) => edges.insert(pair, e.clone()),
                        None => edges.remove(&pair),
                    };
                }
                Key::Group(a) => {
                    if let Some(g) = self.theirs_state.groups.get(a) {
                        groups.insert(a.clone(), *g);
                    }
                }
                Key::Level(_)
                | Key::Rule(_)
                | Key::Cohort
                | Key::Tag(..)
                | Key::OwnTag(..)
                | Key::AutoAccept
                | Key::Library(_)
                | Key::Columns(_)
                | Key::Setting(_)
                | Key::Answers
                | Key::Pack(_)
                | Key::Skill(_)
                | Key::Track(_)
                | Key::SkillEdge(..)
                | Key::Dismissed(..) => {}
            }
        }
        Ok((edges, groups))
    }

    /// Levels with the module as theirs' level makes it (its stored hash moves with it, as
    /// an import computing it would); a level theirs cleared gives the module the level its
    /// file gives here, where that is known.
    fn levels(&self, ours: &Project, take: &[Key]) -> Result<Vec<LevelTaken>> {
        let mut levels = Vec::new();
        for key in take {
            if let Key::Level(m) = key {
                let level = self.theirs_state.levels.get(m).copied();
                let becomes = match level {
                    Some(l) => Some(Some(l)),
                    None => ours.store.file_level(m)?,
                };
                let module = match becomes {
                    Some(l) => {
                        // A module of a library taken from theirs is not here yet.
                        let mut module = match ours.store.module(m) {
                            Ok(module) => module,
                            Err(_) => self.theirs.store.module(m)?,
                        };
                        module.level = l;
                        let hash = store::module_hash(&module);
                        Some((l, hash))
                    }
                    None => None,
                };
                levels.push((m.clone(), level, module));
            }
        }
        Ok(levels)
    }

    /// Skills as theirs has them, those theirs removed or merged, and the tree they make
    /// with ours', which must have no loop. `importing`: a library is taken, so the skills
    /// theirs' imports made (none of either side's logged skill edits) come too.
    fn skill_changes(&self, take: &[Key], importing: bool) -> Result<SkillChanges> {
        let (ours_state, theirs_state) = (&self.ours_state, &self.theirs_state);
        let imported_skills: Vec<model::Skill> = match importing {
            false => Vec::new(),
            true => theirs_state
                .skills
                .values()
                .filter(|s| !ours_state.skills.contains_key(&s.id))
                .filter(|s| self.untouched(&Key::Skill(s.id.clone())))
                .cloned()
                .collect(),
        };
        let mut skills: Vec<model::Skill> = take
            .iter()
            .filter_map(|k| match k {
                Key::Skill(id) => theirs_state.skills.get(id).cloned(),
                _ => None,
            })
            .chain(imported_skills)
            .map(|mut s| {
                s.parent_id = s.parent_id.as_ref().map(|p| self.here(p));
                s
            })
            .collect();
        // Skills theirs removed (nothing used them there): ours must not use them either.
        let (merged_skills, mut removed): (Vec<model::Skill>, Vec<model::Skill>) = take
            .iter()
            .filter_map(|k| match k {
                Key::Skill(id) if !theirs_state.skills.contains_key(id) => {
                    ours_state.skills.get(id).cloned()
                }
                _ => None,
            })
            .partition(|s| self.merged_into.contains_key(&s.id));
        let mut all = ours_state.skills.clone();
        for skill in &skills {
            all.insert(skill.id.clone(), skill.clone());
        }
        for skill in removed.iter().chain(&merged_skills) {
            all.remove(&skill.id);
        }
        // A skill theirs merged into one ours removed since is refused, whatever ours did
        // with the skill merged (had ours removed it too, the skill alone would show nothing
        // of the merge), as the other way round refuses ours' removal of a skill theirs'
        // merge uses.
        let refused = |skill: &model::SkillId, into: &model::SkillId| {
            Error::MergeRefused(format!(
                "{} merged skill “{}” into “{}”, which this copy removed — add “{}” back here first",
                self.from.display(),
                self.skill_name(skill),
                self.skill_name(into),
                self.skill_name(into)
            ))
        };
        let mut merged: Vec<&model::SkillId> = self.merged_into.keys().collect();
        merged.sort();
        for skill in merged {
            let Some(into) = self.survivor(skill) else {
                continue;
            };
            let removed_here = !ours_state.skills.contains_key(&into)
                && !self.ours_merged.contains_key(&into)
                && self.ours_touched.contains_key(&Key::Skill(into.clone()));
            if removed_here && theirs_state.skills.contains_key(&into) {
                return Err(refused(skill, &into));
            }
        }
        // Each skill merged goes into its survivor here, which must be a skill ours keeps.
        let mut merges: Vec<(model::Skill, model::SkillId)> = Vec::new();
        for skill in &merged_skills {
            // Each of these was merged by theirs (that is how they were told apart above).
            let Some(into) = self.survivor(&skill.id) else {
                continue;
            };
            if !all.contains_key(&into) {
                return Err(refused(&skill.id, &into));
            }
            merges.push((skill.clone(), into));
        }
        // Children before their parents, so none is left naming a parent that is gone.
        removed.sort_by_key(|s| {
            let mut depth = 0;
            let mut at = s.parent_id.as_ref();
            while let Some(p) = at.and_then(|p| ours_state.skills.get(p)) {
                depth += 1;
                at = p.parent_id.as_ref();
                if depth > ours_state.skills.len() {
                    break;
                }
            }
            std::cmp::Reverse(depth)
        });
        if !skills.is_empty() {
            let list: Vec<&model::Skill> = all.values().collect();
            let at: HashMap<&model::SkillId, usize> =
                list.iter().enumerate().map(|(i, s)| (&s.id, i)).collect();
            let parents: Vec<Option<usize>> = list
                .iter()
                .map(|s| s.parent_id.as_ref().and_then(|p| at.get(p).copied()))
                .collect();
            let depth = model::tree::depths(&parents);
            let depth_of = |s: &model::Skill| at.get(&s.id).and_then(|&i| depth[i]).unwrap_or(0);
            // Parents before their children, so each exists when a child names it.
            skills.sort_by_key(|s| depth_of(s));
            if let Some(cycle) = model::tree::first_loop(&parents) {
                let names: Vec<String> = cycle
                    .iter()
                    .map(|&i| format!("“{}”", list[i].name))
                    .collect();
                return Err(Error::OwnAncestor(format!(
                    "refused: merging {} would put skills inside each other: {}; nothing was changed",
                    self.from.display(),
                    names.join(" inside ")
                )));
            }
        }
        Ok(SkillChanges {
            skills,
            removed,
            merges,
            all,
        })
    }

    /// Skill prerequisites taken from theirs, and (`importing`) those its manifests declare,
    /// on the survivors of ours' merges; one a merge made self-referring goes, as the merge
    /// drops it.
    fn skill_edges(&self, take: &[Key], importing: bool) -> SkillEdges {
        let (ours_state, theirs_state) = (&self.ours_state, &self.theirs_state);
        let imported: SkillEdges = match importing {
            false => Vec::new(),
            true => theirs_state
                .skill_edges
                .iter()
                .filter(|(pair, origin)| {
                    **origin == model::EdgeOrigin::Manifest
                        && !ours_state.skill_edges.contains_key(*pair)
                        && self.untouched(&Key::SkillEdge(pair.0.clone(), pair.1.clone()))
                })
                .map(|(pair, origin)| (pair.clone(), Some(*origin)))
                .collect(),
        };
        take.iter()
            .filter_map(|k| match k {
                Key::SkillEdge(b, a) => {
                    let pair = (b.clone(), a.clone());
                    let origin = theirs_state.skill_edges.get(&pair).copied();
                    Some((pair, origin))
                }
                _ => None,
            })
            .chain(imported)
            .map(|((b, a), origin)| ((self.here(&b), self.here(&a)), origin))
            .filter(|((b, a), _)| b != a)
            .collect()
    }

    /// Whether neither side changed `key` since the fork.
    fn untouched(&self, key: &Key) -> bool {
        !self.theirs_touched.contains_key(key) && !self.ours_touched.contains_key(key)
    }

    /// Theirs' answers not yet in ours, under the same pseudonym secret as ours' (a copy
    /// without answers takes theirs', returned with them).
    fn answers(&self, ours: &Project, take: &[Key]) -> Result<(Vec<Answer>, Option<String>)> {
        if !take.contains(&Key::Answers) {
            return Ok((Vec::new(), None));
        }
        let mut secret = None;
        let (ours_secret, theirs_secret) = (
            ours.store.setting(&SECRET)?,
            self.theirs.store.setting(&SECRET)?,
        );
        match (&ours_secret, &theirs_secret) {
            (Some(a), Some(b)) if a != b => {
                return Err(Error::MergeRefused(format!(
                    "{}'s learners' answers are under another pseudonym key than this copy's (each copy made its own on its first import) — import the same answer files here instead",
                    self.from.display()
                )))
            }
            (None, Some(b)) if self.ours_state.answers.is_empty() => secret = Some(b.clone()),
            (None, Some(_)) => {
                return Err(Error::MergeRefused(format!(
                    "{}'s learners' answers are under a pseudonym key this copy does not have",
                    self.from.display()
                )))
            }
            _ => {}
        }
        let answers = self
            .theirs_state
            .answers
            .difference(&self.ours_state.answers)
            .cloned()
            .collect();
        Ok((answers, secret))
    }

    /// Refuses what would leave theirs' skills, skill prerequisites, tracks, answers or
    /// tags naming a skill ours removed.
    fn refuse_dangling(
        &self,
        skills: &SkillChanges,
        skill_edges: &SkillEdges,
        tracks: &[(model::TrackId, Option<model::Track>)],
        answers: &[Answer],
        tags: &[(ModuleId, &ModelTag, Option<model::SkillId>)],
        own_tags: &[(ModuleId, model::SkillId, bool)],
    ) -> Result<()> {
        let from = self.from.display();
        let kept = |id: &model::SkillId| skills.all.contains_key(id);
        // What theirs' tags name must be a skill ours keeps.
        let gone = tags
            .iter()
            .filter_map(|(m, _, by)| Some((m, by.as_ref()?)))
            .chain(
                own_tags
                    .iter()
                    .filter(|t| t.2)
                    .map(|(m, skill, _)| (m, skill)),
            )
            .chain(tags.iter().map(|(m, tag, _)| (m, &tag.skill)))
            .find(|(_, skill)| !kept(skill));
        // Nor may their skills sit under, or need, a skill ours removed.
        let orphan = skills.skills.iter().find_map(|s| {
            let parent = s.parent_id.as_ref()?;
            (!kept(parent)).then_some((s, parent))
        });
        if let Some((skill, parent)) = orphan {
            return Err(Error::MergeRefused(format!(
                "{from} puts skill “{}” under “{}”, which this copy removed — add it back here first, or merge the other way round",
                skill.name,
                self.skill_name(parent)
            )));
        }
        let dangling = skill_edges
            .iter()
            .find(|((b, a), origin)| origin.is_some() && !(kept(b) && kept(a)));
        if let Some(((b, a), _)) = dangling {
            return Err(Error::MergeRefused(format!(
                "{from} adds the skill prerequisite “{}” → “{}”, and this copy removed one of them — add it back here first, or merge the other way round",
                self.skill_name(b),
                self.skill_name(a)
            )));
        }
        let slugs: BTreeSet<&str> = skills.all.values().map(|s| s.slug.as_str()).collect();
        let theirs_has = |slug: &str| self.theirs_state.skills.values().any(|s| s.slug == slug);
        let aimless = tracks.iter().find_map(|(_, t)| {
            let t = t.as_ref()?;
            let target = t
                .targets
                .iter()
                .find(|x| !slugs.contains(x.skill.as_str()) && theirs_has(&x.skill))?;
            Some((t, target))
        });
        if let Some((track, target)) = aimless {
            return Err(Error::MergeRefused(format!(
                "{from} has track “{}” aim at skill {}, which this copy removed — add it back here first, or merge the other way round",
                track.name,
                target.skill
            )));
        }
        if let Some((skill, ..)) = answers.iter().find(|(s, ..)| !kept(s)) {
            return Err(Error::MergeRefused(format!(
                "{from} has answers on skill {skill}, which this copy removed — add it back here first, or merge the other way round"
            )));
        }
        if let Some((m, skill)) = gone {
            let name = self
                .theirs_state
                .skills
                .get(skill)
                .map_or(skill.as_str(), |s| s.name.as_str());
            return Err(Error::MergeRefused(format!(
                "{from} tags “{}” with skill “{name}”, which this copy removed — add the skill back here first, or merge the other way round",
                self.title(m)
            )));
        }
        Ok(())
    }

    /// Tracks aimed at a skill merged away aim at its survivor, as the merge did theirs.
    fn retargeted(
        &self,
        tracks: &[(model::TrackId, Option<model::Track>)],
        skills: &SkillChanges,
    ) -> Vec<(model::TrackId, Vec<model::TrackTarget>)> {
        let mut retargeted = Vec::new();
        if skills.merges.is_empty() {
            return retargeted;
        }
        let mut all = self.ours_state.tracks.clone();
        for (id, track) in tracks {
            match track {
                Some(t) => all.insert(id.clone(), t.clone()),
                None => all.remove(id),
            };
        }
        for (id, mut t) in all {
            let mut moved = false;
            for x in &mut t.targets {
                let merge = skills.merges.iter().find(|(s, _)| s.slug == x.skill);
                if let Some((_, into)) = merge {
                    x.skill = skills.all[into].slug.clone();
                    moved = true;
                }
            }
            if moved {
                retargeted.push((id, t.targets));
            }
        }
        retargeted
    }
}
