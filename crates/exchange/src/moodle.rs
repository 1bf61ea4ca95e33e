//! Moodle competency frameworks as CSV, in the column layout of Moodle's framework import
//! tool (admin/tool/lpimportcsv): one row for the framework, then one per competency,
//! parents referenced by ID number.

use std::path::Path;

use crate::{into_tree, Error, Framework, FrameworkSkill, Result};

/// The 14 columns of Moodle's competency framework import, in order.
pub const MOODLE_HEADER: [&str; 14] = [
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
];

/// Moodle's built-in "Default competence scale" (id 2): "Competent" is the default for
/// completed competencies and the only proficient value.
const SCALE_VALUES: &str = "Not yet competent,Competent";
const SCALE_CONFIGURATION: &str = r#"[{"scaleid":"2"},{"id":1,"scaledefault":0,"proficient":0},{"id":2,"scaledefault":1,"proficient":1}]"#;
/// Description format 2 is FORMAT_PLAIN.
const PLAIN: &str = "2";

pub fn moodle_export(framework: &Framework) -> String {
    let depth = framework
        .skills
        .iter()
        .map(|s| {
            let mut d = 1;
            let mut at = s.parent.as_deref();
            while let Some(p) = at {
                d += 1;
                at = framework
                    .skills
                    .iter()
                    .find(|k| k.slug == p)
                    .and_then(|k| k.parent.as_deref());
            }
            d
        })
        .max()
        .unwrap_or(1);
    let taxonomy = ["domain", "competency", "skill", "behaviour", "indicator"];
    let levels: Vec<&str> = (0..depth)
        .map(|i| taxonomy[i.min(taxonomy.len() - 1)])
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(MOODLE_HEADER).expect("writing to memory");
    let id = framework.identifier.as_str();
    w.write_record([
        "",
        id,
        &framework.title,
        "",
        PLAIN,
        SCALE_VALUES,
        SCALE_CONFIGURATION,
        "",
        "",
        "",
        "",
        "",
        "1",
        &levels.join(","),
    ])
    .expect("writing to memory");
    for s in &framework.skills {
        w.write_record([
            s.parent.as_deref().unwrap_or(""),
            &s.slug,
            &s.name,
            &s.description,
            PLAIN,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 is UTF-8")
}

/// Reads a Moodle competency framework CSV; `path` names the file in errors.
pub fn moodle_import(path: &Path, text: &str) -> Result<Framework> {
    let text = text.trim_start_matches('\u{feff}');
    let mut r = crate::text::csv_builder(text)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .map_err(|e| Error::new(path, format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let column = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            Error::new(
                path,
                format!("no {name:?} column: not a Moodle competency framework export"),
            )
        })
    };
    let (parent, idnumber, shortname, description, isframework) = (
        column("Parent ID number")?,
        column("ID number")?,
        column("Short name")?,
        column("Description")?,
        column("Is framework")?,
    );
    let mut framework: Option<(String, String)> = None;
    let mut skills = Vec::new();
    for record in r.records() {
        let record = record.map_err(|e| {
            Error::new(
                path,
                format!("line {}: {e}", e.position().map(|p| p.line()).unwrap_or(0)),
            )
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
        if matches!(field(isframework).as_str(), "1" | "true" | "yes") {
            if framework.is_some() {
                return Err(Error::new(
                    path,
                    format!("line {line}: a second framework row; import one framework per file"),
                ));
            }
            framework = Some((field(idnumber), field(shortname)));
            continue;
        }
        if field(idnumber).is_empty() || field(shortname).is_empty() {
            return Err(Error::new(
                path,
                format!("line {line}: every competency needs an ID number and a short name"),
            ));
        }
        skills.push(FrameworkSkill {
            identifier: field(idnumber),
            slug: field(idnumber),
            name: field(shortname),
            description: field(description),
            parent: Some(field(parent)).filter(|p| !p.is_empty()),
            requires: Vec::new(),
            examples: Vec::new(),
        });
    }
    let (identifier, title) =
        framework.ok_or_else(|| Error::new(path, "no framework row (\"Is framework\" = 1)"))?;
    Ok(Framework {
        identifier,
        title,
        creator: String::new(),
        scale: Vec::new(),
        skills: into_tree(path, skills)?,
    })
}
