//! A taxonomy of 100,000 skills, whole CLI commands: what a company's full skills
//! framework costs to import and to check. Every step that once compared each skill with
//! every other (front-matter tags, the manifest's tree, the linter's "taught by") is
//! linear now; these rows keep it so.
//!
//! The library: 1,000 Markdown modules in 10 folders (each folder a chain), each module
//! declaring 100 skills of its own; `pathforge.toml` puts those skills under 1,000 areas
//! (101,000 skills in all) and chains each area's skills with 99,000 skill prerequisites.
//! Then one module declaring 1,000 skills, the most a module may declare.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::{measure, peak_child_memory, run, Row};

const MODULES: usize = 1_000;
const PER_MODULE: usize = 100;
const FOLDER: usize = 100;

fn write_library(dir: &Path) -> Result<()> {
    let mut manifest = String::new();
    for i in 0..MODULES {
        let folder = format!("unit-{:02}", i / FOLDER);
        std::fs::create_dir_all(dir.join(&folder))?;
        let tags: Vec<String> = (0..PER_MODULE)
            .map(|j| format!("s{}", i * PER_MODULE + j))
            .collect();
        std::fs::write(
            dir.join(format!("{folder}/m{i:04}.md")),
            format!(
                "---\ntitle: \"Module {i}\"\nduration_minutes: 10\ntags: [{}]\n---\n# Module {i}\nWhat module {i} teaches.\n",
                tags.join(", ")
            ),
        )?;
        if i % FOLDER > 0 {
            writeln!(
                manifest,
                "[[requires]]\nmodule = \"{folder}/m{i:04}.md\"\nafter = [\"{folder}/m{:04}.md\"]\n",
                i - 1
            )?;
        }
    }
    for a in 0..MODULES {
        writeln!(
            manifest,
            "[[skill]]\nslug = \"area-{a}\"\nname = \"Area {a}\"\n"
        )?;
    }
    for i in 0..MODULES {
        for j in 0..PER_MODULE {
            let k = i * PER_MODULE + j;
            let requires = if j > 0 {
                format!("requires = [\"s{}\"]\n", k - 1)
            } else {
                String::new()
            };
            writeln!(
                manifest,
                "[[skill]]\nslug = \"s{k}\"\nname = \"Skill {k}\"\nparent = \"area-{i}\"\n{requires}"
            )?;
        }
    }
    std::fs::write(dir.join("pathforge.toml"), manifest)?;
    Ok(())
}

fn os(s: &Path) -> &OsStr {
    s.as_os_str()
}

pub(crate) fn skill_rows(cli: &Path, tmp: &Path) -> Result<Vec<Row>> {
    let library = tmp.join("skills-library");
    write_library(&library)?;
    let file = tmp.join("skills.pathforge");
    run(cli, &[OsStr::new("init"), os(&file)])?;
    let skills = MODULES * PER_MODULE + MODULES;
    let edges = MODULES * (PER_MODULE - 1);
    let mut rows = Vec::new();

    let start = Instant::now();
    let import = [OsStr::new("import"), os(&file), os(&library)];
    let memory = peak_child_memory(cli, &import)?;
    rows.push(Row {
        what: format!(
            "skills: import {MODULES} modules declaring {skills} skills and {edges} skill prerequisites (whole command)"
        ),
        runs: 1,
        median: start.elapsed(),
        note: format!("peak {memory}"),
    });
    let mut row = measure(
        "skills: re-import, nothing changed (whole command)",
        3,
        || run(cli, &import),
    )?;
    row.note = format!("{skills} skills");
    rows.push(row);
    let check = [
        OsStr::new("graph"),
        OsStr::new("check"),
        os(&file),
        OsStr::new("--json"),
    ];
    let mut row = measure(
        &format!("skills: graph check on {skills} skills (whole command)"),
        3,
        || run(cli, &check),
    )?;
    row.note = format!("peak {}", peak_child_memory(cli, &check)?);
    rows.push(row);

    // The most one module may declare, in a project of its own.
    let one = tmp.join("one-module");
    std::fs::create_dir_all(&one)?;
    let most = ingest::MAX_TAGS;
    let tags: Vec<String> = (0..most).map(|k| format!("  - skill {k}\n")).collect();
    std::fs::write(
        one.join("big.md"),
        format!(
            "---\ntitle: Big\ntags:\n{}---\n# Big\nText.\n",
            tags.concat()
        ),
    )?;
    let mut n = 0;
    let mut row = measure(
        &format!("skills: one module declaring {most} skills (the limit): import and check"),
        3,
        || {
            n += 1;
            let file = tmp.join(format!("one-{n}.pathforge"));
            run(cli, &[OsStr::new("init"), os(&file)])?;
            run(cli, &[OsStr::new("import"), os(&file), os(&one)])?;
            run(cli, &[OsStr::new("graph"), OsStr::new("check"), os(&file)])
        },
    )?;
    row.note = "three commands: init, import, graph check".to_owned();
    rows.push(row);
    Ok(rows)
}
