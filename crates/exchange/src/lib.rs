//! Skill frameworks in and out of a project, in the formats other tools speak:
//! CASE 1.1 (1EdTech Competencies and Academic Standards Exchange) out, CASE 1.1 and 1.0
//! in, Moodle's competency framework CSV and a plain CSV (`id,parent_id,name,description`)
//! both ways.
//!
//! Pure functions over [`Framework`]: no files, no database. The engine reads and writes
//! the files and maps frameworks onto the project's taxonomy.

mod case;
mod csv_plain;
mod moodle;
pub mod text;

use std::path::{Path, PathBuf};

use model::ErrorKind;

pub use case::{case_export, case_import};
pub use csv_plain::{csv_export, csv_import, CSV_HEADER};
pub use moodle::{moodle_export, moodle_import, MOODLE_HEADER};

/// A skill framework: the document and its tree of skills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    /// A UUID identifying the framework document.
    pub identifier: String,
    pub title: String,
    pub creator: String,
    /// Proficiency scale, lowest first (CASE document `extensions.proficiencyScale`).
    pub scale: Vec<String>,
    /// Parents before their children.
    pub skills: Vec<FrameworkSkill>,
}

/// One node of a framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkSkill {
    /// A UUID for CASE; for CSV, whatever the sheet uses.
    pub identifier: String,
    /// Short code, unique in the framework (CASE `humanCodingScheme`).
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The parent's slug.
    pub parent: Option<String>,
    /// Slugs of skills to master first (CASE `precedes` / `ext:isPrerequisiteOf`).
    pub requires: Vec<String>,
    /// Examples of the skill (CASE item `extensions.examples`).
    pub examples: Vec<String>,
}

/// Why a framework file could not be read; names the file.
#[derive(Debug, thiserror::Error)]
#[error("{}: {reason}", path.display())]
pub struct Error {
    pub path: PathBuf,
    pub reason: String,
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::BadInput
    }

    fn new(path: &Path, reason: impl Into<String>) -> Error {
        Error {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Orders skills parents first and checks that they form a tree: unique slugs, known
/// parents, no loops.
fn into_tree(path: &Path, skills: Vec<FrameworkSkill>) -> Result<Vec<FrameworkSkill>> {
    let mut index = std::collections::HashMap::with_capacity(skills.len());
    for (i, s) in skills.iter().enumerate() {
        if s.slug.trim().is_empty() {
            return Err(Error::new(path, format!("skill {:?} has no code", s.name)));
        }
        if index.insert(s.slug.as_str(), i).is_some() {
            return Err(Error::new(
                path,
                format!("the code {:?} is used by two skills", s.slug),
            ));
        }
    }
    let mut parent = Vec::with_capacity(skills.len());
    for s in &skills {
        parent.push(match s.parent.as_deref() {
            None => None,
            Some(p) => Some(*index.get(p).ok_or_else(|| {
                Error::new(
                    path,
                    format!(
                        "skill {:?} has parent {p:?}, which is not in the file",
                        s.slug
                    ),
                )
            })?),
        });
    }
    if let Some(cycle) = model::tree::first_loop(&parent) {
        return Err(Error::new(
            path,
            format!("the tree loops through {:?}", skills[cycle[0]].slug),
        ));
    }
    let depth = model::tree::depths(&parent).into_iter().flatten();
    let mut ordered: Vec<(usize, FrameworkSkill)> = depth.into_iter().zip(skills).collect();
    ordered.sort_by_key(|(d, _)| *d);
    Ok(ordered.into_iter().map(|(_, s)| s).collect())
}

#[cfg(test)]
mod tests;
