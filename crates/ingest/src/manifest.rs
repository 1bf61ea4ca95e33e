//! `pathforge.toml`: what a library folder declares beyond its modules — its prerequisite
//! graph, its skill taxonomy and its tracks — so that importing the folder yields a
//! complete project.
//!
//! ```toml
//! [[requires]]
//! module = "modules/03-insight.md"          # paths relative to the library folder
//! after = ["modules/02-overview.md"]
//! group = "all-of"                          # or "any-of", or "n-of" with n = 2
//!
//! [[skill]]
//! slug = "negotiation"                      # the slug modules use in their `tags`
//! name = "Negotiation"
//! parent = "closing-deals"                  # another skill's slug; omit for a root
//! description = "Trading concessions for value."
//!
//! [[track]]
//! slug = "account-executive"
//! name = "Account executive onboarding"
//! targets = [{ skill = "negotiation", level = "intermediate" }]
//!
//! [[module]]                                # for files with no front matter: PDF, HTML,
//! path = "guides/hand-hygiene.pdf"          # a package's items…
//! tags = ["hand-hygiene"]                   # replace what the file declares, if anything
//! level = "beginner"
//! duration_minutes = 15
//! ```

use std::collections::HashMap;
use std::path::Path;

use model::{Level, PrerequisiteGroup, TrackTarget};
use serde::Deserialize;

use crate::{Error, ModuleDraft, Result};

/// The manifest's file name inside a library folder.
pub const MANIFEST: &str = "pathforge.toml";

/// A library's manifest, checked against the library's modules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifest {
    pub requires: Vec<Requirement>,
    /// Parents come before their children.
    pub skills: Vec<SkillDecl>,
    pub tracks: Vec<TrackDecl>,
    /// The proficiency scale skills are rated on, lowest first (`[taxonomy] scale`).
    pub scale: Vec<String>,
    /// Adaptive rules (`[[rule]]`, pathforge.rules/v1), checked by `pathforge rules check`.
    pub rules: Vec<rules::Rule>,
    /// The default cohort for simulations (`[cohort]`).
    pub cohort: Option<model::Cohort>,
    /// Metadata for modules whose files carry none (`[[module]]`), already applied to the
    /// drafts [`crate::read_library`] returns.
    pub modules: Vec<ModuleMeta>,
}

/// A node of the taxonomy as the manifest declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillDecl {
    pub slug: String,
    pub name: String,
    pub parent: Option<String>,
    pub description: String,
    /// Skills (slugs) to master before this one.
    pub requires: Vec<String>,
    pub examples: Vec<String>,
}

/// A track as the manifest declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackDecl {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub targets: Vec<TrackTarget>,
}

/// `module` requires every path in `after`, combined by `group`.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub module: String,
    pub after: Vec<String>,
    pub group: PrerequisiteGroup,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    requires: Vec<RawRequirement>,
    #[serde(default)]
    skill: Vec<RawSkill>,
    #[serde(default)]
    track: Vec<RawTrack>,
    #[serde(default)]
    taxonomy: RawTaxonomy,
    #[serde(default)]
    rule: Vec<rules::Rule>,
    #[serde(default)]
    cohort: Option<model::Cohort>,
    #[serde(default)]
    module: Vec<RawModuleMeta>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModuleMeta {
    path: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    duration_minutes: Option<u32>,
}

/// What the manifest says about one module, over what its file says (`[[module]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleMeta {
    pub path: String,
    pub title: Option<String>,
    pub tags: Option<Vec<String>>,
    pub level: Option<Level>,
    pub duration_minutes: Option<u32>,
}

impl ModuleMeta {
    /// Applies this metadata to `draft`, whose path it names.
    pub fn apply(&self, draft: &mut ModuleDraft) {
        if let Some(t) = &self.title {
            draft.title = t.clone();
        }
        if let Some(t) = &self.tags {
            draft.tags = t.clone();
        }
        if self.level.is_some() {
            draft.level = self.level;
        }
        if let Some(d) = self.duration_minutes {
            draft.duration_minutes = d;
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    #[serde(default)]
    scale: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSkill {
    slug: String,
    name: String,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrack {
    slug: String,
    name: String,
    #[serde(default)]
    description: String,
    targets: Vec<RawTarget>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    skill: String,
    #[serde(default)]
    level: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    module: String,
    after: Vec<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    n: Option<u32>,
}

/// Reads `dir/pathforge.toml` if there is one, checking every path it names against
/// `modules`.
pub fn read_manifest(dir: &Path, modules: &[ModuleDraft]) -> Result<Option<Manifest>> {
    let path = dir.join(MANIFEST);
    if !path.exists() {
        return Ok(None);
    }
    let text = match crate::read_file(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            Error::bad(
                &path,
                format!(
                    "is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?,
        Err(e) => return Err(e),
    };
    parse_manifest(&path, &text, modules).map(Some)
}

/// Parses manifest text; `path` names the file in errors.
pub fn parse_manifest(path: &Path, text: &str, modules: &[ModuleDraft]) -> Result<Manifest> {
    let raw: RawManifest = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| format!(" at line {}", text[..s.start].matches('\n').count() + 1))
            .unwrap_or_default();
        Error::bad(path, format!("invalid manifest{at}: {}", e.message()))
    })?;
    // Looked up once per reference: a catalogue's manifest names tens of thousands.
    let paths: std::collections::HashSet<&str> =
        modules.iter().map(|m| m.relative_path.as_str()).collect();
    let known = |p: &str| paths.contains(p);
    let mut requires = Vec::with_capacity(raw.requires.len());
    for (i, r) in raw.requires.into_iter().enumerate() {
        let which = format!("[[requires]] #{} (module {:?})", i + 1, r.module);
        for p in std::iter::once(&r.module).chain(&r.after) {
            if !known(p) {
                return Err(Error::bad(
                    path,
                    format!("{which} names {p:?}, which is not a module of this library"),
                ));
            }
        }
        if r.after.is_empty() {
            return Err(Error::bad(
                path,
                format!("{which} has an empty `after` list"),
            ));
        }
        let group = match (r.group.as_deref().unwrap_or("all-of"), r.n) {
            ("all-of", None) => PrerequisiteGroup::AllOf,
            ("any-of", None) => PrerequisiteGroup::AnyOf,
            ("n-of", Some(n)) if n >= 1 => PrerequisiteGroup::NOf { n },
            ("n-of", _) => {
                return Err(Error::bad(
                    path,
                    format!("{which}: group \"n-of\" needs `n`, a number of at least 1"),
                ))
            }
            (g @ ("all-of" | "any-of"), Some(_)) => {
                return Err(Error::bad(
                    path,
                    format!("{which}: `n` only goes with group \"n-of\", not {g:?}"),
                ))
            }
            (g, _) => {
                return Err(Error::bad(
                    path,
                    format!("{which}: group must be \"all-of\", \"any-of\" or \"n-of\", not {g:?}"),
                ))
            }
        };
        requires.push(Requirement {
            module: r.module,
            after: r.after,
            group,
        });
    }
    let skills = check_taxonomy(path, raw.skill)?;
    let declared: std::collections::HashSet<&str> =
        skills.iter().map(|s| s.slug.as_str()).collect();
    let used: std::collections::HashSet<&str> = modules
        .iter()
        .flat_map(|m| &m.tags)
        .map(String::as_str)
        .collect();
    let mut tracks: Vec<TrackDecl> = Vec::with_capacity(raw.track.len());
    for t in raw.track {
        let which = format!("[[track]] {:?}", t.slug);
        if tracks.iter().any(|o| o.slug == t.slug) {
            return Err(Error::bad(path, format!("{which} is declared twice")));
        }
        if t.targets.is_empty() {
            return Err(Error::bad(path, format!("{which} has no targets")));
        }
        let mut targets = Vec::with_capacity(t.targets.len());
        for target in t.targets {
            if !declared.contains(target.skill.as_str()) && !used.contains(target.skill.as_str()) {
                return Err(Error::bad(path, format!("{which} targets skill {:?}, which is neither declared nor used by a module", target.skill)));
            }
            let level = match target.level {
                None => None,
                Some(l) => Some(Level::parse(&l).ok_or_else(|| {
                    Error::bad(
                        path,
                        format!(
                            "{which}: level must be beginner, intermediate or advanced, not {l:?}"
                        ),
                    )
                })?),
            };
            targets.push(TrackTarget {
                skill: target.skill,
                level,
            });
        }
        tracks.push(TrackDecl {
            slug: t.slug,
            name: t.name,
            description: t.description,
            targets,
        });
    }
    if raw.taxonomy.scale.len() == 1 || raw.taxonomy.scale.iter().any(|v| v.trim().is_empty()) {
        return Err(Error::bad(
            path,
            "[taxonomy] scale needs two or more non-empty values, lowest first",
        ));
    }
    if let Some(c) = &raw.cohort {
        c.check()
            .map_err(|reason| Error::bad(path, format!("[cohort]: {reason}")))?;
    }
    let mut metas: Vec<ModuleMeta> = Vec::with_capacity(raw.module.len());
    let mut described = std::collections::HashSet::with_capacity(raw.module.len());
    for m in raw.module {
        let which = format!("[[module]] {:?}", m.path);
        if !known(&m.path) {
            return Err(Error::bad(
                path,
                format!("{which} is not a module of this library"),
            ));
        }
        if !described.insert(m.path.clone()) {
            return Err(Error::bad(path, format!("{which} is declared twice")));
        }
        if m.duration_minutes == Some(0) {
            return Err(Error::bad(
                path,
                format!("{which}: duration_minutes must be above 0"),
            ));
        }
        if m.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Error::bad(path, format!("{which}: title is empty")));
        }
        if m.tags.iter().flatten().any(|t| t.trim().is_empty()) {
            return Err(Error::bad(path, format!("{which}: a tag is empty")));
        }
        let level = match m.level {
            None => None,
            Some(l) => Some(Level::parse(&l).ok_or_else(|| {
                Error::bad(
                    path,
                    format!("{which}: level must be beginner, intermediate or advanced, not {l:?}"),
                )
            })?),
        };
        metas.push(ModuleMeta {
            path: m.path,
            title: m.title,
            tags: m.tags,
            level,
            duration_minutes: m.duration_minutes,
        });
    }
    Ok(Manifest {
        requires,
        skills,
        tracks,
        scale: raw.taxonomy.scale,
        rules: raw.rule,
        cohort: raw.cohort,
        modules: metas,
    })
}

/// Checks that the declared skills form a tree (unique slugs, known parents, no loops)
/// and orders them parents first, in time linear in the number of skills.
fn check_taxonomy(path: &Path, raw: Vec<RawSkill>) -> Result<Vec<SkillDecl>> {
    let mut skills: Vec<SkillDecl> = Vec::with_capacity(raw.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(raw.len());
    for s in raw {
        if s.slug.trim().is_empty() || s.name.trim().is_empty() {
            return Err(Error::bad(
                path,
                format!("[[skill]] {:?} needs a slug and a name", s.slug),
            ));
        }
        if index.insert(s.slug.clone(), skills.len()).is_some() {
            return Err(Error::bad(
                path,
                format!("[[skill]] {:?} is declared twice", s.slug),
            ));
        }
        skills.push(SkillDecl {
            slug: s.slug,
            name: s.name,
            parent: s.parent,
            description: s.description,
            requires: s.requires,
            examples: s.examples,
        });
    }
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(skills.len());
    for s in &skills {
        if let Some(r) = s.requires.iter().find(|r| !index.contains_key(*r)) {
            return Err(Error::bad(
                path,
                format!(
                    "[[skill]] {:?} requires {r:?}, which is not a declared skill",
                    s.slug
                ),
            ));
        }
        parent.push(match &s.parent {
            None => None,
            Some(p) => Some(*index.get(p).ok_or_else(|| {
                Error::bad(
                    path,
                    format!(
                        "[[skill]] {:?} has parent {p:?}, which is not a declared skill",
                        s.slug
                    ),
                )
            })?),
        });
    }
    if let Some(cycle) = model::tree::first_loop(&parent) {
        let names: Vec<&str> = cycle.iter().map(|&i| skills[i].slug.as_str()).collect();
        return Err(Error::bad(
            path,
            format!("the taxonomy loops: {}", names.join(" → ")),
        ));
    }
    let depth = model::tree::depths(&parent).into_iter().flatten();
    // Parents first: by depth, keeping declaration order within a depth.
    let mut ordered: Vec<(usize, SkillDecl)> = depth.into_iter().zip(skills).collect();
    ordered.sort_by_key(|(d, _)| *d);
    Ok(ordered.into_iter().map(|(_, s)| s).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules() -> Vec<ModuleDraft> {
        ["a.md", "b.md", "c.md"]
            .iter()
            .map(|p| ModuleDraft {
                relative_path: p.to_string(),
                title: p.to_string(),
                duration_minutes: 1,
                level: None,
                tags: vec![],
                extra: Default::default(),
                body: String::new(),
                word_count: 0,
            })
            .collect()
    }

    fn parse(text: &str) -> Result<Manifest> {
        parse_manifest(Path::new("lib/pathforge.toml"), text, &modules())
    }

    fn check_err(text: &str, needle: &str, why: &str) {
        let err = parse(text).expect_err(why).to_string();
        assert!(
            err.starts_with("lib/pathforge.toml: "),
            "{why}: names the file: {err}"
        );
        assert!(
            err.contains(needle),
            "{why}: {err:?} should mention {needle:?}"
        );
    }

    #[test]
    fn requirements_are_read_with_their_groups() {
        let m = parse(
            "[[requires]]\nmodule = \"c.md\"\nafter = [\"a.md\", \"b.md\"]\n\n\
             [[requires]]\nmodule = \"b.md\"\nafter = [\"a.md\"]\ngroup = \"any-of\"\n\n\
             [[requires]]\nmodule = \"a.md\"\nafter = [\"b.md\", \"c.md\"]\ngroup = \"n-of\"\nn = 1\n",
        )
        .unwrap();
        let groups: Vec<_> = m.requires.iter().map(|r| r.group).collect();
        assert_eq!(
            groups,
            [
                PrerequisiteGroup::AllOf,
                PrerequisiteGroup::AnyOf,
                PrerequisiteGroup::NOf { n: 1 }
            ],
            "all-of is the default; any-of and n-of are read as written"
        );
        assert_eq!(
            m.requires[0].after,
            ["a.md", "b.md"],
            "prerequisites keep their order"
        );
        assert_eq!(
            parse("").unwrap(),
            Manifest::default(),
            "an empty manifest declares nothing"
        );
    }

    #[test]
    fn mistakes_are_named() {
        check_err(
            "[[requires]]\nmodule = \"x.md\"\nafter = [\"a.md\"]\n",
            "\"x.md\", which is not a module",
            "unknown module",
        );
        check_err(
            "[[requires]]\nmodule = \"a.md\"\nafter = [\"zz.md\"]\n",
            "\"zz.md\"",
            "unknown prerequisite",
        );
        check_err(
            "[[requires]]\nmodule = \"a.md\"\nafter = []\n",
            "empty `after`",
            "empty list",
        );
        check_err(
            "[[requires]]\nmodule = \"a.md\"\nafter = [\"b.md\"]\ngroup = \"n-of\"\n",
            "needs `n`",
            "n-of without n",
        );
        check_err(
            "[[requires]]\nmodule = \"a.md\"\nafter = [\"b.md\"]\ngroup = \"some\"\n",
            "not \"some\"",
            "unknown group",
        );
        check_err(
            "[[requires]]\nmodule = \"a.md\"\nafter = [\"b.md\"]\nn = 2\n",
            "only goes with",
            "n without n-of",
        );
        check_err(
            "[[requires]]\nmodule = \"a.md\"\nbefore = [\"b.md\"]\n",
            "at line 3",
            "unknown keys are refused, with the line",
        );
        check_err("requires = 3", "invalid manifest", "wrong shape");
        check_err(
            "[taxonomy]\nscale = [\"Only\"]\n",
            "two or more",
            "a one-step scale rates nothing",
        );
        check_err(
            "[[skill]]\nslug = \"a\"\nname = \"A\"\nparent = \"zz\"\n",
            "not a declared skill",
            "unknown parent",
        );
        check_err(
            "[[skill]]\nslug = \"a\"\nname = \"A\"\nparent = \"b\"\n[[skill]]\nslug = \"b\"\nname = \"B\"\nparent = \"a\"\n",
            "the taxonomy loops: a → b → a",
            "a parent loop is named",
        );
        check_err(
            "[[skill]]\nslug = \"a\"\nname = \"A\"\n[[skill]]\nslug = \"a\"\nname = \"B\"\n",
            "declared twice",
            "duplicate skill",
        );
        check_err(
            "[[track]]\nslug = \"t\"\nname = \"T\"\ntargets = [{ skill = \"nope\" }]\n",
            "neither declared nor used",
            "unknown target",
        );
        check_err(
            "[[track]]\nslug = \"t\"\nname = \"T\"\ntargets = []\n",
            "no targets",
            "empty track",
        );
        check_err(
            "[[skill]]\nslug = \"a\"\nname = \"A\"\n[[track]]\nslug = \"t\"\nname = \"T\"\ntargets = [{ skill = \"a\", level = \"guru\" }]\n",
            "not \"guru\"",
            "unknown level",
        );
    }

    #[test]
    fn module_metadata_overrides_what_files_say() {
        let m = parse(
            "[[module]]\npath = \"b.md\"\ntitle = \"Bee\"\ntags = [\"x\", \"y\"]\nlevel = \"advanced\"\nduration_minutes = 40\n\
             [[module]]\npath = \"c.md\"\nlevel = \"beginner\"\n",
        )
        .unwrap();
        let mut drafts = modules();
        for meta in &m.modules {
            let draft = drafts
                .iter_mut()
                .find(|d| d.relative_path == meta.path)
                .unwrap();
            meta.apply(draft);
        }
        assert_eq!(
            (
                drafts[1].title.as_str(),
                drafts[1].tags.clone(),
                drafts[1].level,
                drafts[1].duration_minutes
            ),
            (
                "Bee",
                vec!["x".to_owned(), "y".to_owned()],
                Some(Level::Advanced),
                40
            ),
            "every field given replaces the file's"
        );
        assert_eq!(
            (
                drafts[2].title.as_str(),
                drafts[2].duration_minutes,
                drafts[2].level
            ),
            ("c.md", 1, Some(Level::Beginner)),
            "fields not given keep the file's"
        );
        check_err(
            "[[module]]\npath = \"zz.md\"\n",
            "\"zz.md\" is not a module",
            "unknown path",
        );
        check_err(
            "[[module]]\npath = \"a.md\"\nlevel = \"guru\"\n",
            "not \"guru\"",
            "unknown level",
        );
        check_err(
            "[[module]]\npath = \"a.md\"\nduration_minutes = 0\n",
            "above 0",
            "zero minutes",
        );
        check_err(
            "[[module]]\npath = \"a.md\"\n[[module]]\npath = \"a.md\"\n",
            "declared twice",
            "twice",
        );
    }

    #[test]
    fn taxonomy_and_tracks_are_read_parents_first() {
        let m = parse(
            "[[skill]]\nslug = \"leaf\"\nname = \"Leaf\"\nparent = \"mid\"\n\
             [[skill]]\nslug = \"mid\"\nname = \"Mid\"\nparent = \"root\"\n\
             [[skill]]\nslug = \"root\"\nname = \"Root\"\ndescription = \"All of it\"\n\
             [[track]]\nslug = \"t\"\nname = \"T\"\ntargets = [{ skill = \"mid\", level = \"beginner\" }, { skill = \"leaf\" }]\n",
        )
        .unwrap();
        let order: Vec<&str> = m.skills.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(
            order,
            ["root", "mid", "leaf"],
            "parents come before children"
        );
        assert_eq!(
            m.skills[0].description, "All of it",
            "descriptions are kept"
        );
        assert_eq!(
            m.tracks[0].targets,
            [
                TrackTarget {
                    skill: "mid".into(),
                    level: Some(Level::Beginner)
                },
                TrackTarget {
                    skill: "leaf".into(),
                    level: None
                },
            ],
            "targets keep their levels; no level means every level"
        );
    }
}
