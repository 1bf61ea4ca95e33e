//! `pathforge taxonomy`: the skill taxonomy — list, edit, merge, and frameworks in and out.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use model::Timestamp;

use crate::machine::{me, open};
use crate::print::{count, said, Output};

#[derive(Subcommand)]
pub(crate) enum TaxonomyCommand {
    /// Show the skill tree with how many modules teach each skill.
    Show { file: PathBuf },
    /// Merge a skill framework file into the taxonomy (skills matched by code/slug).
    Import {
        file: PathBuf,
        path: PathBuf,
        #[arg(long, value_enum)]
        format: FormatArg,
    },
    /// Add a skill.
    Add {
        file: PathBuf,
        slug: String,
        name: String,
        /// The parent skill's slug; omit for a root.
        #[arg(long)]
        parent: Option<String>,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Rename a skill (its slug stays).
    Rename {
        file: PathBuf,
        slug: String,
        name: String,
    },
    /// Move a skill under another one, or to the root.
    Move {
        file: PathBuf,
        slug: String,
        #[arg(long, conflicts_with = "root", required_unless_present = "root")]
        parent: Option<String>,
        #[arg(long)]
        root: bool,
    },
    /// Merge skill FROM into INTO: tags, sub-skills and track targets follow.
    Merge {
        file: PathBuf,
        from: String,
        into: String,
        /// Only show what would move; change nothing.
        #[arg(long)]
        preview: bool,
    },
    /// Undo the merge recorded at audit entry SEQ (printed by `merge`).
    Unmerge { file: PathBuf, seq: i64 },
    /// Retire a skill (kept for history, out of checks), or bring it back with --undo.
    Retire {
        file: PathBuf,
        slug: String,
        #[arg(long)]
        undo: bool,
    },
    /// Make skill BEFORE a prerequisite of skill AFTER (slugs); cycles are refused.
    Require {
        file: PathBuf,
        before: String,
        after: String,
    },
    /// Remove the skill prerequisite BEFORE → AFTER.
    Unrequire {
        file: PathBuf,
        before: String,
        after: String,
    },
    /// Write the taxonomy to a file (atomically: never a partial file).
    Export {
        file: PathBuf,
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum FormatArg {
    /// CASE 1.1 CFPackage JSON (import also reads CASE 1.0).
    Case,
    /// id,parent_id,name,description
    Csv,
    /// Moodle's competency framework CSV (admin/tool/lpimportcsv)
    MoodleCsv,
}

impl From<FormatArg> for model::TaxonomyFormat {
    fn from(f: FormatArg) -> model::TaxonomyFormat {
        match f {
            FormatArg::Case => model::TaxonomyFormat::Case,
            FormatArg::Csv => model::TaxonomyFormat::Csv,
            FormatArg::MoodleCsv => model::TaxonomyFormat::MoodleCsv,
        }
    }
}

pub(crate) fn run_taxonomy(command: &TaxonomyCommand) -> anyhow::Result<Output> {
    Ok(match command {
        TaxonomyCommand::Show { file } => {
            let project = open(file)?;
            let name = file.display().to_string();
            Output::new(project.skills()?, move |out, skills| {
                if skills.is_empty() {
                    writeln!(
                        out,
                        "{name} has no skills yet: import a library whose manifest declares them, or a framework (`pathforge taxonomy import`), or add one (`pathforge taxonomy add`)."
                    )?;
                    return Ok(());
                }
                let modules = project.modules()?;
                let teaching = |slug: &str| {
                    modules
                        .iter()
                        .filter(|m| m.tags.iter().any(|t| t == slug))
                        .count()
                };
                tree(out, skills, None, 0, &teaching)?;
                let scale = project.proficiency_scale()?;
                if !scale.is_empty() {
                    writeln!(out, "\nProficiency scale: {}", scale.join(" < "))?;
                }
                Ok(())
            })
        }
        TaxonomyCommand::Add {
            file,
            slug,
            name,
            parent,
            description,
        } => {
            let skill = open(file)?.add_skill(
                slug,
                name,
                parent.as_deref(),
                description,
                &me(),
                Timestamp::now(),
            )?;
            let words = format!("Added “{}” [{}]", skill.name, skill.slug);
            said(skill, words)
        }
        TaxonomyCommand::Rename { file, slug, name } => {
            let edit = engine::SkillEdit {
                name: Some(name.clone()),
                ..Default::default()
            };
            let skill = open(file)?.edit_skill(slug, edit, &me(), Timestamp::now())?;
            let words = format!("Renamed [{}] to “{}”", skill.slug, skill.name);
            said(skill, words)
        }
        TaxonomyCommand::Move {
            file,
            slug,
            parent,
            root: _,
        } => {
            let edit = engine::SkillEdit {
                parent: Some(parent.clone()),
                ..Default::default()
            };
            let skill = open(file)?.edit_skill(slug, edit, &me(), Timestamp::now())?;
            let words = format!(
                "Moved “{}” {}",
                skill.name,
                parent
                    .as_deref()
                    .map(|p| format!("under [{p}]"))
                    .unwrap_or_else(|| "to the root".to_owned())
            );
            said(skill, words)
        }
        TaxonomyCommand::Merge {
            file,
            from,
            into,
            preview: true,
        } => {
            let p = open(file)?.merge_preview(from, into)?;
            let listed = |names: &[String]| match names {
                [] => String::new(),
                _ => format!(" ({})", names.join(", ")),
            };
            let words = format!(
                "Merging “{}” into “{}” would move {} ({} already on “{}” dropped), {}{}, {} and the targets of {}{}",
                p.from.name,
                p.into.name,
                count(p.modules.len(), "module tag"),
                p.duplicates,
                p.into.name,
                count(p.children.len(), "sub-skill"),
                listed(&p.children),
                count(p.prerequisites as usize, "skill prerequisite"),
                count(p.tracks.len(), "track"),
                listed(&p.tracks)
            );
            said(p, words)
        }
        TaxonomyCommand::Merge {
            file, from, into, ..
        } => {
            let m = open(file)?.merge_skill(from, into, &me(), Timestamp::now())?;
            let words = format!(
                "Merged [{from}] into [{into}]: {}, {} and {} moved (undo: pathforge taxonomy unmerge {} {})",
                count(m.tags as usize, "tag"),
                count(m.children as usize, "sub-skill"),
                count(m.tracks as usize, "track"),
                file.display(),
                m.audit
            );
            said(m, words)
        }
        TaxonomyCommand::Unmerge { file, seq } => {
            let skill = open(file)?.unmerge_skill(*seq, &me(), Timestamp::now())?;
            let words = format!("Restored [{}] {}", skill.slug, skill.name);
            said(skill, words)
        }
        TaxonomyCommand::Retire { file, slug, undo } => {
            let edit = engine::SkillEdit {
                retired: Some(!undo),
                ..Default::default()
            };
            let skill = open(file)?.edit_skill(slug, edit, &me(), Timestamp::now())?;
            let words = format!(
                "“{}” is {}",
                skill.name,
                if skill.retired {
                    "retired"
                } else {
                    "active again"
                }
            );
            said(skill, words)
        }
        TaxonomyCommand::Require {
            file,
            before,
            after,
        } => {
            let added =
                open(file)?.add_skill_prerequisite(before, after, &me(), Timestamp::now())?;
            let now = if added { "now " } else { "already " };
            said(
                serde_json::json!({ "added": added }),
                format!("[{before}] is {now}a prerequisite of [{after}]"),
            )
        }
        TaxonomyCommand::Unrequire {
            file,
            before,
            after,
        } => {
            open(file)?.remove_skill_prerequisite(before, after, &me(), Timestamp::now())?;
            said(
                serde_json::json!({ "removed": true }),
                format!("[{before}] is no longer a prerequisite of [{after}]"),
            )
        }
        TaxonomyCommand::Import { file, path, format } => {
            let mut project = open(file)?;
            let report =
                project.import_taxonomy(path, (*format).into(), &me(), Timestamp::now())?;
            let words = format!(
                "Imported {}: {} added, {} updated, {} unchanged",
                path.display(),
                count(report.added as usize, "skill"),
                report.updated,
                report.unchanged
            );
            said(report, words)
        }
        TaxonomyCommand::Export {
            file,
            format,
            out: target,
        } => {
            let text = open(file)?.export_taxonomy((*format).into(), Timestamp::now())?;
            engine::write_atomically(target, text.as_bytes())?;
            said(
                serde_json::json!({ "written": target.display().to_string() }),
                format!("Wrote {}", target.display()),
            )
        }
    })
}

/// The skill tree under `parent`, indented, with how many modules teach each skill.
fn tree(
    out: &mut dyn Write,
    skills: &[model::Skill],
    parent: Option<&model::SkillId>,
    depth: usize,
    teaching: &dyn Fn(&str) -> usize,
) -> std::io::Result<()> {
    for s in skills.iter().filter(|s| s.parent_id.as_ref() == parent) {
        let count = match teaching(&s.slug) {
            0 => String::new(),
            1 => "  (1 module)".to_owned(),
            n => format!("  ({n} modules)"),
        };
        let retired = if s.retired { "  retired" } else { "" };
        writeln!(
            out,
            "{}{} [{}]{count}{retired}",
            "  ".repeat(depth),
            s.name,
            s.slug
        )?;
        tree(out, skills, Some(&s.id), depth + 1, teaching)?;
    }
    Ok(())
}
