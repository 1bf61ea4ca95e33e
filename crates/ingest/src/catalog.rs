//! LMS catalog exports as CSV: one module per row. Columns are recognised by name, with
//! presets for a generic export (`id, title, description, duration, prerequisites`) and
//! Moodle's course list (`shortname, fullname, summary`). Prerequisite text is resolved to
//! modules where it names them by id or by title (any case); the text is kept in the
//! module's metadata, and what names no module is a warning with its line, as is a row
//! with more or fewer fields than the header.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use model::{CatalogColumns, CatalogPreview, PrerequisiteGroup};
use serde_json::json;

use crate::{Error, LibraryContent, Manifest, ModuleDraft, Requirement, Result, WORDS_PER_MINUTE};

/// Accepted header names for each field, lower case.
const ID: &[&str] = &["id", "code", "course_id", "shortname", "idnumber"];
const TITLE: &[&str] = &["title", "name", "fullname", "course_name"];
const DESCRIPTION: &[&str] = &["description", "summary", "overview"];
const DURATION: &[&str] = &["duration", "duration_minutes", "minutes"];
const PREREQUISITES: &[&str] = &["prerequisites", "prereqs", "requires"];

pub fn is_catalog(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Reads a catalog CSV whose columns are recognised by name; `path` names the file in
/// errors (with the line).
pub fn read_catalog(path: &Path) -> Result<LibraryContent> {
    read_catalog_with(path, &CatalogColumns::default())
}

/// The text of a catalog and the encoding it was read in when that was not UTF-8
/// ([`exchange::text::decode`]), or why it is not text.
fn catalog_text(path: &Path) -> Result<(String, Option<&'static str>)> {
    exchange::text::decode(&crate::read_file(path)?).map_err(|reason| Error::bad(path, reason))
}

/// The header row as written.
fn header_of(path: &Path, reader: &mut csv::Reader<&[u8]>) -> Result<Vec<String>> {
    Ok(reader
        .headers()
        .map_err(|e| Error::bad(path, format!("unreadable header: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect())
}

/// A reader of `text`, with the delimiter its header row uses
/// ([`exchange::text::delimiter`]).
fn reader(text: &str) -> csv::Reader<&[u8]> {
    exchange::text::csv_builder(text)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
}

/// Where each field is in `header`: the mapped header (any case) when `mapped` names one,
/// else the first recognised name. A mapped header that is not there is an error.
fn locate(path: &Path, header: &[String], mapped: &CatalogColumns) -> Result<[Option<usize>; 5]> {
    let fields: [(&str, &Option<String>, &[&str]); 5] = [
        ("id", &mapped.id, ID),
        ("title", &mapped.title, TITLE),
        ("description", &mapped.description, DESCRIPTION),
        ("duration", &mapped.duration, DURATION),
        ("prerequisites", &mapped.prerequisites, PREREQUISITES),
    ];
    let mut out = [None; 5];
    for (slot, (field, chosen, names)) in out.iter_mut().zip(fields) {
        *slot = match chosen {
            Some(name) => Some(
                header
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case(name.trim()))
                    .ok_or_else(|| {
                        Error::bad(
                            path,
                            format!(
                                "has no column {name:?} (mapped to {field}); its columns are {}",
                                header.join(", ")
                            ),
                        )
                    })?,
            ),
            None => header
                .iter()
                .position(|h| names.contains(&h.to_lowercase().as_str())),
        };
    }
    Ok(out)
}

/// The catalog's header, the column each field is read from with `mapped`, its first
/// rows: what a person needs to map columns Pathforge does not recognise.
pub fn preview_catalog(path: &Path, mapped: &CatalogColumns) -> Result<CatalogPreview> {
    let (text, _) = catalog_text(path)?;
    let mut reader = reader(&text);
    let header = header_of(path, &mut reader)?;
    let at = locate(path, &header, mapped)?;
    let name = |i: Option<usize>| i.map(|i| header[i].clone());
    let rows = reader
        .records()
        .take(5)
        .filter_map(|r| r.ok())
        .map(|r| r.iter().map(str::to_owned).collect())
        .collect();
    Ok(CatalogPreview {
        columns: CatalogColumns {
            id: name(at[0]),
            title: name(at[1]),
            description: name(at[2]),
            duration: name(at[3]),
            prerequisites: name(at[4]),
        },
        ready: at[0].is_some() && at[1].is_some(),
        header,
        rows,
    })
}

/// Reads a catalog CSV, its fields in the columns `mapped` names or else recognised by
/// name; `path` names the file in errors (with the line).
pub fn read_catalog_with(path: &Path, mapped: &CatalogColumns) -> Result<LibraryContent> {
    let (text, encoding) = catalog_text(path)?;
    let mut content = parse_catalog(path, &text, mapped)?;
    let read_as = encoding.map(|e| crate::Warning {
        relative_path: String::new(),
        message: exchange::text::read_as(e),
    });
    content.warnings.splice(0..0, read_as);
    Ok(content)
}

/// Reads a catalog's text (as [`read_catalog_with`] does once the file is read).
pub fn parse_catalog(path: &Path, text: &str, mapped: &CatalogColumns) -> Result<LibraryContent> {
    let mut reader = reader(text);
    let header = header_of(path, &mut reader)?;
    let [id, title, description, duration, prerequisites] = locate(path, &header, mapped)?;
    let (Some(id), Some(title)) = (id, title) else {
        return Err(Error::bad(
            path,
            format!(
                "needs an id column ({}) and a title column ({}); its columns are {}. \
                 Map yours to id and title (pathforge import --column, or the app's column dialog)",
                ID.join("/"),
                TITLE.join("/"),
                header.join(", ")
            ),
        ));
    };

    let mut modules = Vec::new();
    let mut ids = HashSet::new();
    // (line, module, its prerequisites as written)
    let mut wanted: Vec<(u64, String, String)> = Vec::new();
    let mut warnings = Vec::new();
    let mut warn = |line: u64, message: String| {
        warnings.push(crate::Warning {
            relative_path: String::new(),
            message: format!("line {line}: {message}"),
        })
    };
    for record in reader.records() {
        let record = record.map_err(|e| {
            Error::bad(
                path,
                format!("line {}: {e}", e.position().map(|p| p.line()).unwrap_or(0)),
            )
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() != header.len() {
            warn(
                line,
                format!(
                    "{} fields where the header has {}: {}",
                    record.len(),
                    header.len(),
                    if record.len() < header.len() {
                        "the missing ones are read as empty"
                    } else {
                        "the fields past the header's are left out"
                    }
                ),
            );
        }
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_owned();
        let (key, name) = (field(Some(id)), field(Some(title)));
        if key.is_empty() || name.is_empty() {
            return Err(Error::bad(
                path,
                format!("line {line}: every row needs an id and a title"),
            ));
        }
        if !ids.insert(key.clone()) {
            return Err(Error::bad(
                path,
                format!("line {line}: the id {key:?} is used twice"),
            ));
        }
        let body = field(description);
        let words = body.split_whitespace().count() as u32;
        let minutes = match field(duration) {
            d if d.is_empty() => words.div_ceil(WORDS_PER_MINUTE).max(1),
            d => d.parse::<u32>().ok().filter(|m| *m > 0).ok_or_else(|| {
                Error::bad(
                    path,
                    format!("line {line}: duration {d:?} is not a whole number of minutes"),
                )
            })?,
        };
        let mut extra = serde_json::Map::new();
        extra.insert("catalog".into(), json!(true));
        let prereq = field(prerequisites);
        if !prereq.is_empty() {
            extra.insert("prerequisites_text".into(), json!(prereq));
            wanted.push((line, key.clone(), prereq));
        }
        modules.push(ModuleDraft {
            relative_path: key,
            title: name,
            duration_minutes: minutes,
            level: None,
            tags: Vec::new(),
            extra,
            body,
            word_count: words,
        });
    }
    if modules.is_empty() {
        return Err(Error::bad(path, "has no rows"));
    }
    // Ids and titles looked up once: a catalog may hold tens of thousands of rows.
    let by_id: HashMap<&str, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.relative_path.as_str(), i))
        .collect();
    let mut by_title: HashMap<String, usize> = HashMap::new();
    for (i, m) in modules.iter().enumerate() {
        by_title.entry(m.title.to_lowercase()).or_insert(i);
    }
    let mut requires = Vec::new();
    for (line, module, text) in wanted {
        let mut after = Vec::new();
        for t in text
            .split([';', ','])
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let found = by_id
                .get(t)
                .or_else(|| by_title.get(&t.to_lowercase()))
                .map(|&i| modules[i].relative_path.clone());
            match found {
                Some(m) if m == module => warn(
                    line,
                    format!("{module:?} names itself as a prerequisite: left out"),
                ),
                Some(m) => after.push(m),
                None => warn(
                    line,
                    format!(
                        "prerequisite {t:?} of {module:?} matches no id or title in the catalog: left out"
                    ),
                ),
            }
        }
        if !after.is_empty() {
            requires.push(Requirement {
                module,
                after,
                group: PrerequisiteGroup::AllOf,
            });
        }
    }
    Ok(LibraryContent {
        modules,
        manifest: Some(Manifest {
            requires,
            ..Manifest::default()
        }),
        skipped: Vec::new(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<LibraryContent> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.csv");
        std::fs::write(&path, text).unwrap();
        read_catalog(&path)
    }

    #[test]
    fn generic_and_moodle_exports_read_with_prerequisites() {
        let c = read("ID,Title,Description,Duration,Prerequisites\nDL1,Reading tables,Rows and columns.,20,\nDL2,Charts,Bar and line charts.,30,DL1\nDL3,Dashboards,,45,\"Reading tables; Charts; Nonexistent course\"\n").unwrap();
        let titles: Vec<&str> = c.modules.iter().map(|m| m.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Reading tables", "Charts", "Dashboards"],
            "one module per row, headers in any case"
        );
        assert_eq!(c.modules[2].duration_minutes, 45, "durations are read");
        let reqs: Vec<(String, Vec<String>)> = c
            .manifest
            .unwrap()
            .requires
            .into_iter()
            .map(|r| (r.module, r.after))
            .collect();
        assert_eq!(
            reqs,
            [
                ("DL2".to_owned(), vec!["DL1".to_owned()]),
                ("DL3".to_owned(), vec!["DL1".to_owned(), "DL2".to_owned()])
            ],
            "prerequisites resolve by id or title; unknown names are left in the text"
        );
        assert_eq!(
            c.modules[2].extra["prerequisites_text"],
            "Reading tables; Charts; Nonexistent course"
        );

        let moodle = read(
            "shortname,fullname,category,summary\nSQL101,Intro to SQL,Data,Select and join.\n",
        )
        .unwrap();
        assert_eq!(
            moodle.modules[0].relative_path, "SQL101",
            "Moodle's shortname is the id"
        );
        assert_eq!(
            moodle.modules[0].title, "Intro to SQL",
            "and fullname the title"
        );
    }

    #[test]
    fn unknown_columns_are_mapped_by_the_user() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(
            &path,
            "Course Code,Course Name,Blurb,Hours,Needs\nQ1,Quality basics,Why quality.,,\nQ2,Audits,How audits run.,,Q1\n",
        )
        .unwrap();
        let none = CatalogColumns::default();
        let before = preview_catalog(&path, &none).unwrap();
        assert!(!before.ready, "neither id nor title is recognised by name");
        assert_eq!(
            before.header,
            ["Course Code", "Course Name", "Blurb", "Hours", "Needs"]
        );
        assert_eq!(
            before.rows[1],
            ["Q2", "Audits", "How audits run.", "", "Q1"],
            "sample rows"
        );
        assert!(
            read_catalog(&path)
                .unwrap_err()
                .to_string()
                .contains("Map yours to id and title"),
            "the error says what to do"
        );

        let mapped = CatalogColumns {
            id: Some("course code".into()),
            title: Some("Course Name".into()),
            description: Some("Blurb".into()),
            prerequisites: Some("Needs".into()),
            ..CatalogColumns::default()
        };
        let after = preview_catalog(&path, &mapped).unwrap();
        assert!(after.ready, "mapped, the id and title are found");
        assert_eq!(
            after.columns.id.as_deref(),
            Some("Course Code"),
            "matched in any case, reported as written"
        );
        let content = read_catalog_with(&path, &mapped).unwrap();
        assert_eq!(content.modules[1].title, "Audits");
        assert_eq!(
            content.modules[1].body, "How audits run.",
            "the mapped description"
        );
        assert_eq!(
            content.manifest.unwrap().requires[0].after,
            ["Q1"],
            "the mapped prerequisites column"
        );
        let wrong = CatalogColumns {
            title: Some("Name".into()),
            ..mapped
        };
        assert!(
            read_catalog_with(&path, &wrong)
                .unwrap_err()
                .to_string()
                .contains("has no column \"Name\" (mapped to title)"),
            "a mapping naming a column the file lacks is refused by name"
        );
    }

    #[test]
    fn what_a_catalog_cannot_take_as_written_is_a_warning_with_its_line() {
        let c = read(
            "id,title,prerequisites\n\
             A,First,\n\
             B,Second,\"A; Missing course\"\n\
             C,Third\n\
             D,Fourth,first,extra\n\
             E,Fifth,E\n",
        )
        .unwrap();
        let warnings: Vec<&str> = c.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            warnings,
            [
                "line 4: 2 fields where the header has 3: the missing ones are read as empty",
                "line 5: 4 fields where the header has 3: the fields past the header's are left out",
                "line 3: prerequisite \"Missing course\" of \"B\" matches no id or title in the catalog: left out",
                "line 6: \"E\" names itself as a prerequisite: left out",
            ],
            "every row read differently from how it is written is named with its line"
        );
        let requires = c.manifest.unwrap().requires;
        let pairs: Vec<(&str, Vec<&str>)> = requires
            .iter()
            .map(|r| {
                (
                    r.module.as_str(),
                    r.after.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            pairs,
            [("B", vec!["A"]), ("D", vec!["A"])],
            "what resolves still imports: by id, and by title in any case"
        );
        assert_eq!(c.modules.len(), 5, "no row is dropped");
    }

    #[test]
    fn spreadsheet_encodings_and_delimiters_read_as_the_same_catalog() {
        let dir = tempfile::tempdir().unwrap();
        let utf16 = |bom: &[u8], text: &str, le: bool| -> Vec<u8> {
            let units = text.encode_utf16().flat_map(|u| match le {
                true => u.to_le_bytes(),
                false => u.to_be_bytes(),
            });
            bom.iter().copied().chain(units).collect()
        };
        let check = |name: &str, bytes: &[u8], warning: Option<&str>, why: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let c = read_catalog(&path).unwrap_or_else(|e| panic!("{name}: {why}: {e}"));
            let rows: Vec<(&str, &str, u32)> = c
                .modules
                .iter()
                .map(|m| {
                    (
                        m.relative_path.as_str(),
                        m.title.as_str(),
                        m.duration_minutes,
                    )
                })
                .collect();
            assert_eq!(
                rows,
                [
                    ("C1", "Café service", 30),
                    ("C2", "Pivot tables; totals", 45)
                ],
                "{name}: {why}"
            );
            let after: Vec<Vec<String>> = c
                .manifest
                .unwrap()
                .requires
                .into_iter()
                .map(|r| r.after)
                .collect();
            assert_eq!(
                after,
                [vec!["C1".to_owned()]],
                "{name}: the prerequisite column too: {why}"
            );
            let said: Vec<&str> = c.warnings.iter().map(|w| w.message.as_str()).collect();
            match warning {
                Some(w) => assert!(
                    said.len() == 1 && said[0].contains(w),
                    "{name}: the import says how it was read: {said:?}"
                ),
                None => assert!(said.is_empty(), "{name}: nothing to say: {said:?}"),
            }
        };
        let comma = "id,title,duration,prerequisites\r\nC1,Café service,30,\r\nC2,\"Pivot tables; totals\",45,C1\r\n";
        let semi = "id;title;duration;prerequisites\r\nC1;Café service;30;\r\nC2;\"Pivot tables; totals\";45;C1\r\n";
        let tab = comma
            .replace(',', "\t")
            .replace("\"Pivot tables; totals\"", "Pivot tables; totals");
        // Windows-1252 is Latin-1 for every character here: one byte each, é as E9.
        let windows: Vec<u8> = semi
            .chars()
            .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
            .collect();
        check(
            "plain.csv",
            comma.as_bytes(),
            None,
            "UTF-8 with commas, as before",
        );
        check(
            "bom.csv",
            &[b"\xef\xbb\xbf".as_slice(), semi.as_bytes()].concat(),
            None,
            "Excel's “CSV UTF-8” in a semicolon locale: the mark is dropped, the semicolons split",
        );
        check(
            "excel.csv",
            &windows,
            Some("read as windows-1252"),
            "Excel's plain “CSV” on Windows: é is one byte, E9, which is not UTF-8",
        );
        check(
            "unicode.csv",
            &utf16(&[0xff, 0xfe], &tab, true),
            Some("read as UTF-16LE"),
            "Excel's “Unicode text”: UTF-16 by its mark, tab-separated",
        );
        check(
            "big-endian.csv",
            &utf16(&[0xfe, 0xff], comma, false),
            Some("read as UTF-16BE"),
            "UTF-16 the other way round, by its mark",
        );
        let refused = |name: &str, bytes: &[u8], reason: &str, why: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let err = read_catalog(&path).unwrap_err().to_string();
            assert!(err.contains(name) && err.contains(reason), "{why}: {err}");
        };
        refused(
            "no-mark.csv",
            &utf16(&[], comma, true),
            "NUL character at offset 1",
            "UTF-16 without its mark is not read as garbage: it is named, with what it may be",
        );
        refused(
            "image.csv",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            "is not text",
            "a binary file named .csv",
        );
        refused(
            "lying.csv",
            &[&[0xef, 0xbb, 0xbf][..], b"id,title\nA,Caf\xe9\n"].concat(),
            "is not valid UTF-8 text, as its byte-order mark says it is",
            "a UTF-8 mark on bytes that are not is a broken file, not Windows-1252",
        );
    }

    #[test]
    fn bad_catalogs_are_named_with_the_line() {
        let err = |text: &str| read(text).unwrap_err().to_string();
        assert!(
            err("code,notes\nA,x\n").contains("needs an id column"),
            "no title column"
        );
        assert!(
            err("id,title\nA,First\nA,Again\n").contains("line 3: the id \"A\" is used twice"),
            "duplicate id"
        );
        assert!(
            err("id,title,duration\nA,First,soon\n").contains("line 2: duration \"soon\""),
            "bad duration"
        );
        assert!(err("id,title\n").contains("has no rows"), "empty");
    }
}
