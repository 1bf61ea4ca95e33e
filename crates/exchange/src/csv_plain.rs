//! The plain CSV for spreadsheets: `id,parent_id,name,description`, one skill per row,
//! ids being the skills' slugs.

use std::path::Path;

use crate::{into_tree, Error, FrameworkSkill, Result};

pub const CSV_HEADER: [&str; 4] = ["id", "parent_id", "name", "description"];

pub fn csv_export(skills: &[FrameworkSkill]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).expect("writing to memory");
    for s in skills {
        w.write_record([
            &s.slug,
            s.parent.as_deref().unwrap_or(""),
            &s.name,
            &s.description,
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 is UTF-8")
}

/// Reads the plain CSV; `path` names the file in errors (with the line).
pub fn csv_import(path: &Path, text: &str) -> Result<Vec<FrameworkSkill>> {
    let mut r = crate::text::csv_builder(text)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .map_err(|e| Error::new(path, format!("unreadable header: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    if header != CSV_HEADER {
        return Err(Error::new(
            path,
            format!(
                "the header must be {:?}, found {header:?}",
                CSV_HEADER.join(",")
            ),
        ));
    }
    let mut skills = Vec::new();
    for record in r.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::new(path, format!("line {line}: {e}"))
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let field = |i: usize| record.get(i).unwrap_or("").to_owned();
        if field(0).is_empty() || field(2).is_empty() {
            return Err(Error::new(
                path,
                format!("line {line}: every skill needs an id and a name"),
            ));
        }
        skills.push(FrameworkSkill {
            identifier: field(0),
            slug: field(0),
            name: field(2),
            description: field(3),
            parent: Some(field(1)).filter(|p| !p.is_empty()),
            requires: Vec::new(),
            examples: Vec::new(),
        });
    }
    into_tree(path, skills)
}
