//! `pathforge.toml`: what a library folder declares beyond its modules — for now its
//! prerequisite graph — so that importing the folder yields a complete project.
//!
//! ```toml
//! [[requires]]
//! module = "modules/03-insight.md"          # paths relative to the library folder
//! after = ["modules/02-overview.md"]
//! group = "all-of"                          # or "any-of", or "n-of" with n = 2
//! ```

use std::path::Path;

use model::PrerequisiteGroup;
use serde::Deserialize;

use crate::{Error, ModuleDraft, Result};

/// The manifest's file name inside a library folder.
pub const MANIFEST: &str = "pathforge.toml";

/// A library's manifest, checked against the library's modules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifest {
    pub requires: Vec<Requirement>,
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
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            Error::bad(
                &path,
                format!(
                    "is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, e)),
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
    let known = |p: &str| modules.iter().any(|m| m.relative_path == p);
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
    Ok(Manifest { requires })
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
    }
}
