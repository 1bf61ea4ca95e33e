//! E-learning packages: SCORM 1.2, SCORM 2004 (2nd–4th ed.), IMS Common Cartridge 1.x and
//! cmi5, zipped or unzipped. (A cartridge is read like a SCORM manifest, plus web links,
//! assessment titles and Canvas's `course_settings/module_meta.xml` prerequisites and
//! completion requirements.)
//!
//! An item whose resource is not declared, or whose launch file is not in the package, is
//! set aside by name (the rest of the package imports); a launch URL on the web becomes a
//! web-link module.
//!
//! One module per leaf item (SCORM) or AU (cmi5). Titles, launch files and structure come
//! from `imsmanifest.xml` / `cmi5.xml`; a module's text from its launch HTML (scripts and
//! styles dropped). SCORM 1.2 `adlcp:prerequisites` become prerequisite requirements (an
//! expression with only AND is all-of, only OR any-of; anything more intricate is kept
//! verbatim in the module's metadata and treated as all-of; `N*{a,b,c}` is n-of); SCORM
//! 2004 precondition rules that disable an item until other items' global objectives are
//! met become requirements too, and the objectives and cmi5 `moveOn`/`masteryScore` are
//! kept in the module's metadata.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use model::PrerequisiteGroup;
use serde_json::{json, Map, Value};

use crate::{
    Error, LibraryContent, Manifest, ModuleDraft, Requirement, Result, Skipped, WORDS_PER_MINUTE,
};

/// Which kind of package a library is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageKind {
    Scorm12,
    Scorm2004,
    Cmi5,
    /// IMS Common Cartridge 1.x (`.imscc`), with Canvas module prerequisites if present.
    CommonCartridge,
}

/// Limits against zip bombs for the parts an import reads: none over 64 MiB, 1 GiB in all,
/// and none that claims to expand more than 200 times.
const MAX_FILE: u64 = crate::MAX_FILE_BYTES;
const MAX_TOTAL: u64 = 1 << 30;
const MAX_RATIO: u64 = 200;

/// The files of a package, by path inside it. Only text parts (manifests, pages, QTI and
/// link XML) are read; media and other assets are listed with no bytes, so a package with
/// a 2 GB video imports without reading it.
struct Files {
    files: BTreeMap<String, Vec<u8>>,
}

/// Whether a file inside a package is one whose text an import uses.
fn is_text_part(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(
        ext.as_deref(),
        Some("xml" | "html" | "htm" | "xhtml" | "txt")
    )
}

impl Files {
    fn open(path: &Path) -> Result<Files> {
        let mut files = BTreeMap::new();
        if path.is_dir() {
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                let entry = entry.map_err(|e| Error::bad(path, format!("unreadable: {e}")))?;
                if entry.file_type().is_file() {
                    let rel = entry.path().strip_prefix(path).unwrap_or(entry.path());
                    let rel = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    let bytes = match is_text_part(&rel) {
                        true => crate::read_file(entry.path())?,
                        false => Vec::new(),
                    };
                    files.insert(rel, bytes);
                }
            }
            return Ok(Files { files });
        }
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Files::unzip(path, file)
    }

    /// The files of a zipped package; `path` names it in errors.
    fn unzip(path: &Path, reader: impl Read + std::io::Seek) -> Result<Files> {
        let mut files = BTreeMap::new();
        let mut zip = zip::ZipArchive::new(reader)
            .map_err(|e| Error::bad(path, format!("not a readable zip: {e}")))?;
        let mut total = 0u64;
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).map_err(|e| match e {
                zip::result::ZipError::UnsupportedArchive(
                    zip::result::ZipError::PASSWORD_REQUIRED,
                ) => Error::bad(
                    path,
                    "is a password-protected zip; export the package again without a password",
                ),
                e => Error::bad(path, format!("zip entry {i}: {e}")),
            })?;
            if f.is_dir() {
                continue;
            }
            let name = f
                .enclosed_name()
                .map(|p| p.to_string_lossy().replace('\\', "/"));
            let Some(name) = name else {
                return Err(Error::bad(
                    path,
                    format!("zip entry {:?} points outside the package", f.name()),
                ));
            };
            if !is_text_part(&name) {
                files.insert(name, Vec::new());
                continue;
            }
            if f.size() > MAX_FILE
                || total + f.size() > MAX_TOTAL
                || f.size() > 1 << 20 && f.size() / f.compressed_size().max(1) > MAX_RATIO
            {
                return Err(Error::bad(
                    path,
                    format!("{name} is too large to import (zip bomb guard)"),
                ));
            }
            let mut bytes = Vec::with_capacity(f.size() as usize);
            f.by_ref()
                .take(MAX_FILE + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::bad(path, format!("{name}: {e}")))?;
            total += bytes.len() as u64;
            files.insert(name, bytes);
        }
        Ok(Files { files })
    }

    /// The manifest and the folder it sits in (packages are often zipped with a top folder).
    fn find(&self, name: &str) -> Option<(String, &[u8])> {
        self.files
            .iter()
            .filter(|(k, _)| k.rsplit('/').next() == Some(name))
            .min_by_key(|(k, _)| k.matches('/').count())
            .map(|(k, v)| (k[..k.len() - name.len()].to_owned(), v.as_slice()))
    }

    fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// The stored path a manifest's `href` names: as written, without a leading `./`, or
    /// percent-decoded (`my%20page.html`).
    fn resolve(&self, href: &str) -> Option<String> {
        let plain = href.replace("/./", "/");
        let plain = plain.strip_prefix("./").unwrap_or(&plain);
        [plain.to_owned(), percent_decoded(plain)]
            .into_iter()
            .find(|p| self.files.contains_key(p))
    }
}

/// `%XX` escapes decoded (as URLs in manifests carry them); invalid escapes kept as written.
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// Whether `path` looks like a package (a zip, or a folder with a package manifest).
pub fn is_package(path: &Path) -> bool {
    if path.is_dir() {
        return path.join("imsmanifest.xml").exists() || path.join("cmi5.xml").exists();
    }
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip") || e.eq_ignore_ascii_case("imscc"))
}

/// Reads a SCORM or cmi5 package (zip or folder).
pub fn read_package(path: &Path) -> Result<(PackageKind, LibraryContent)> {
    read_files(path, Files::open(path)?)
}

/// One file of a package (zip or folder) by the path its manifest gives, relative to the
/// manifest's folder: what a module's page preview shows.
pub(crate) fn read_part(path: &Path, href: &str) -> Result<Vec<u8>> {
    let files = Files::open(path)?;
    let base = files
        .find("imsmanifest.xml")
        .or_else(|| files.find("cmi5.xml"))
        .map(|(base, _)| base)
        .unwrap_or_default();
    let href = href.split(['?', '#']).next().unwrap_or(href);
    let wanted = format!("{base}{href}");
    let found = files
        .resolve(&wanted)
        .or_else(|| files.resolve(href))
        .ok_or_else(|| Error::bad(path, format!("has no file {href}")))?;
    Ok(files.get(&found).unwrap_or_default().to_vec())
}

/// Reads a zipped package held in memory; `path` names it in errors.
pub fn read_package_zip(path: &Path, bytes: &[u8]) -> Result<(PackageKind, LibraryContent)> {
    read_files(path, Files::unzip(path, std::io::Cursor::new(bytes))?)
}

/// Reads a package given as its parts (path inside the package → bytes; empty bytes for
/// parts an import does not read); `path` names it in errors.
pub fn read_package_parts(
    path: &Path,
    parts: BTreeMap<String, Vec<u8>>,
) -> Result<(PackageKind, LibraryContent)> {
    read_files(path, Files { files: parts })
}

fn read_files(path: &Path, files: Files) -> Result<(PackageKind, LibraryContent)> {
    if let Some((base, xml)) = files.find("imsmanifest.xml") {
        return scorm(path, &files, &base, xml);
    }
    if let Some((base, xml)) = files.find("cmi5.xml") {
        return cmi5(path, &files, &base, xml);
    }
    Err(Error::bad(
        path,
        "holds neither imsmanifest.xml (SCORM) nor cmi5.xml (cmi5)",
    ))
}

fn parse_xml<'a>(path: &Path, name: &str, bytes: &'a [u8]) -> Result<roxmltree::Document<'a>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::bad(
            path,
            format!("{name} is not UTF-8 (byte {})", e.valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // DTDs are refused: no entity expansion, no external fetches, ever.
    roxmltree::Document::parse(text).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            Error::bad(path, format!("{name} declares a DTD; Pathforge refuses DTDs (entity expansion, external fetches)"))
        }
        e => Error::bad(path, format!("{name} is malformed XML: {e}")),
    })
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

fn text_of(node: Option<roxmltree::Node<'_, '_>>) -> String {
    node.map(|n| {
        n.descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect::<String>()
    })
    .unwrap_or_default()
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

/// Visible text of an HTML page.
fn html_text(bytes: &[u8]) -> String {
    crate::documents::html_to_text(bytes).unwrap_or_default()
}

fn draft(
    relative_path: String,
    title: String,
    body: String,
    extra: Map<String, Value>,
) -> ModuleDraft {
    let word_count = body.split_whitespace().count() as u32;
    ModuleDraft {
        relative_path,
        title,
        duration_minutes: word_count.div_ceil(WORDS_PER_MINUTE).max(1),
        level: None,
        tags: Vec::new(),
        extra,
        body,
        word_count,
    }
}

fn scorm(
    path: &Path,
    files: &Files,
    base: &str,
    xml: &[u8],
) -> Result<(PackageKind, LibraryContent)> {
    let doc = parse_xml(path, "imsmanifest.xml", xml)?;
    let root = doc.root_element();
    let version = child(root, "metadata")
        .and_then(|m| child(m, "schemaversion"))
        .map(|v| text_of(Some(v)));
    let schema = child(root, "metadata")
        .and_then(|m| child(m, "schema"))
        .map(|v| text_of(Some(v)));
    let cartridge = schema
        .as_deref()
        .is_some_and(|s| s.contains("Common Cartridge"));
    let kind = match version.as_deref() {
        _ if cartridge => PackageKind::CommonCartridge,
        Some("1.2") => PackageKind::Scorm12,
        Some(_) => PackageKind::Scorm2004,
        None if root
            .namespaces()
            .any(|n| n.uri().contains("adlcp_rootv1p2")) =>
        {
            PackageKind::Scorm12
        }
        None => PackageKind::Scorm2004,
    };
    let resources: BTreeMap<&str, roxmltree::Node<'_, '_>> = root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "resource")
        .filter_map(|r| Some((attr(r, "identifier")?, r)))
        .collect();
    let orgs = child(root, "organizations")
        .ok_or_else(|| Error::bad(path, "imsmanifest.xml has no <organizations>"))?;
    let default = attr(orgs, "default");
    let org = orgs
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "organization")
        .find(|o| default.is_none() || attr(*o, "identifier") == default)
        .ok_or_else(|| Error::bad(path, "imsmanifest.xml has no <organization>"))?;

    let mut modules = Vec::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new(); // item identifier → module path
    let mut prereqs: Vec<(String, String)> = Vec::new(); // (module path, expression)
                                                         // SCORM 2004: global objective → the item whose primary objective writes it, and each
                                                         // item's sets of globals that keep it disabled.
    let mut writes: BTreeMap<String, String> = BTreeMap::new();
    let mut gates: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    // Leaves under each aggregation item (a Canvas module), for module-level prerequisites.
    let mut leaves_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Resource identifier → module path, for Canvas completion requirements.
    let mut by_resource: BTreeMap<String, String> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut stack: Vec<(roxmltree::Node<'_, '_>, Vec<String>, Vec<String>)> = org
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "item")
        .rev()
        .map(|i| (i, Vec::new(), Vec::new()))
        .collect();
    while let Some((item, parents, ancestors)) = stack.pop() {
        let title = text_of(child(item, "title"));
        let id = attr(item, "identifier").unwrap_or("").to_owned();
        let children: Vec<_> = item
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "item")
            .collect();
        if !children.is_empty() || attr(item, "identifierref").is_none() {
            let mut trail = parents.clone();
            if !title.is_empty() {
                trail.push(title); // a rooted hierarchy's untitled root adds nothing
            }
            let mut ancestors = ancestors.clone();
            ancestors.push(id.clone());
            stack.extend(
                children
                    .into_iter()
                    .rev()
                    .map(|c| (c, trail.clone(), ancestors.clone())),
            );
            continue;
        }
        let resource = attr(item, "identifierref")
            .and_then(|r| resources.get(r))
            .copied();
        let href = resource
            .and_then(|r| {
                attr(r, "href").or_else(|| child(r, "file").and_then(|f| attr(f, "href")))
            })
            .unwrap_or("");
        let resource_type = resource.and_then(|r| attr(r, "type")).unwrap_or("");
        let remote = href.starts_with("http://") || href.starts_with("https://");
        let written = format!(
            "{base}{}",
            resource.and_then(|r| attr(r, "base")).unwrap_or("")
        ) + href.split(['?', '#']).next().unwrap_or("");
        let launch = files.resolve(&written).unwrap_or(written);
        let missing = match (attr(item, "identifierref"), resource) {
            (Some(r), None) => Some(format!(
                "item {id:?} ({title}) points at resource {r:?}, which imsmanifest.xml does not declare"
            )),
            _ if !remote && files.get(&launch).is_none() => Some(format!(
                "item {id:?} ({title}): its launch file {launch:?} is not in the package"
            )),
            _ => None,
        };
        if let Some(reason) = missing {
            skipped.push(Skipped {
                relative_path: path_key_of(&id, &launch),
                error: Error::bad(path, reason),
            });
            continue;
        }
        let mut extra = Map::new();
        let body = if remote {
            extra.insert("web_link".into(), json!(href));
            format!("{title}\n{href}")
        } else if resource_type.contains("imswl") {
            // A web link: its XML names the URL.
            let url = files
                .get(&launch)
                .and_then(|x| std::str::from_utf8(x).ok().map(str::to_owned))
                .and_then(|x| {
                    let doc = roxmltree::Document::parse(&x).ok()?;
                    let url = doc.descendants().find(|n| n.tag_name().name() == "url")?;
                    attr(url, "href").map(str::to_owned)
                })
                .unwrap_or_default();
            extra.insert("web_link".into(), json!(url));
            format!("{title}\n{url}")
        } else if resource_type.contains("assessment") || resource_type.contains("qti") {
            let named = files
                .get(&launch)
                .and_then(|x| std::str::from_utf8(x).ok().map(str::to_owned))
                .and_then(|x| {
                    let doc = roxmltree::Document::parse(&x).ok()?;
                    let node = doc
                        .descendants()
                        .find(|n| n.tag_name().name() == "assessment")?;
                    attr(node, "title").map(str::to_owned)
                });
            extra.insert(
                "assessment".into(),
                json!(named.clone().unwrap_or_else(|| title.clone())),
            );
            named.unwrap_or_else(|| title.clone())
        } else {
            files.get(&launch).map(html_text).unwrap_or_default()
        };
        extra.insert(
            "package".into(),
            json!(match kind {
                PackageKind::Scorm12 => "scorm12",
                PackageKind::CommonCartridge => "imscc",
                _ => "scorm2004",
            }),
        );
        extra.insert("identifier".into(), json!(id));
        extra.insert("launch".into(), json!(launch));
        if !parents.is_empty() {
            extra.insert("section".into(), json!(parents.join(" / ")));
        }
        if let Some(seq) = child(item, "sequencing") {
            sequencing_gates(seq, &path_key_of(&id, &launch), &mut writes, &mut gates);
            let objectives: Vec<Value> = seq
                .descendants()
                .filter(|n| n.is_element() && matches!(n.tag_name().name(), "primaryObjective" | "objective"))
                .map(|o| {
                    let targets: Vec<&str> = o.children().filter(|m| m.tag_name().name() == "mapInfo").filter_map(|m| attr(m, "targetObjectiveID")).collect();
                    json!({ "id": attr(o, "objectiveID"), "primary": o.tag_name().name() == "primaryObjective", "global": targets })
                })
                .collect();
            extra.insert(
                "sequencing".into(),
                json!({ "id_ref": attr(seq, "IDRef"), "objectives": objectives }),
            );
        }
        let path_key = path_key_of(&id, &launch);
        if let Some(p) = child(item, "prerequisites")
            .map(|p| text_of(Some(p)))
            .filter(|p| !p.is_empty())
        {
            extra.insert("prerequisites_expression".into(), json!(p));
            prereqs.push((path_key.clone(), p));
        }
        for ancestor in &ancestors {
            leaves_of
                .entry(ancestor.clone())
                .or_default()
                .push(path_key.clone());
        }
        if let Some(r) = attr(item, "identifierref") {
            by_resource.insert(r.to_owned(), path_key.clone());
        }
        ids.insert(id, path_key.clone());
        let title = if title.is_empty() {
            path_key.clone()
        } else {
            title
        };
        modules.push(draft(path_key, title, body, extra));
    }
    if modules.is_empty() {
        return Err(Error::bad(path, "imsmanifest.xml has no launchable items"));
    }
    let mut requires = Vec::new();
    for (module, gate) in gates {
        let mut after: Vec<String> = Vec::new();
        let mut largest = 1;
        for set in &gate {
            let named: Vec<&String> = set.iter().filter_map(|g| writes.get(g)).collect();
            largest = largest.max(named.len());
            for n in named {
                if !after.contains(n) {
                    after.push(n.clone());
                }
            }
        }
        if after.is_empty() {
            continue;
        }
        // Kept shut while any `largest` of n are unmet: opens when n - largest + 1 are met.
        let need = after.len() + 1 - largest.min(after.len());
        let group = match need {
            n if n == after.len() => PrerequisiteGroup::AllOf,
            1 => PrerequisiteGroup::AnyOf,
            n => PrerequisiteGroup::NOf { n: n as u32 },
        };
        requires.push(Requirement {
            module,
            after,
            group,
        });
    }
    for (module, expr) in prereqs {
        // AICC script: identifiers joined by & and |, parentheses, and `N*{a,b,c}`. NOT (~)
        // and status comparisons (=, <>) say more than "complete these first": such an
        // expression stays in the module's metadata only.
        let negated = expr
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .any(|w| w.eq_ignore_ascii_case("NOT"));
        if negated || expr.contains(['~', '=', '<', '>']) {
            continue;
        }
        let n_of = expr
            .split_once("*{")
            .and_then(|(n, _)| n.trim().trim_start_matches('(').trim().parse::<u32>().ok());
        let tokens: Vec<&str> = expr
            .split(|c: char| {
                c.is_whitespace()
                    || matches!(c, '(' | ')' | '{' | '}' | ',' | '*' | '=' | '<' | '>')
            })
            .flat_map(|t| t.split_inclusive(['&', '|', '~']))
            .flat_map(|t| {
                let (name, op) = t.split_at(t.trim_end_matches(['&', '|', '~']).len());
                [name, op]
            })
            .filter(|t| !t.is_empty())
            .collect();
        let names: Vec<String> = tokens
            .iter()
            .filter(|t| {
                !matches!(t.to_ascii_uppercase().as_str(), "AND" | "OR" | "NOT")
                    && !t.starts_with(['&', '|', '~'])
            })
            .filter_map(|t| ids.get(*t).cloned())
            .collect();
        if names.is_empty() {
            continue;
        }
        let or = tokens
            .iter()
            .any(|t| t.eq_ignore_ascii_case("OR") || *t == "|");
        let and = tokens
            .iter()
            .any(|t| t.eq_ignore_ascii_case("AND") || *t == "&");
        let group = match n_of {
            Some(n) if !and && !or && (n as usize) < names.len() => PrerequisiteGroup::NOf { n },
            _ if or && !and => PrerequisiteGroup::AnyOf,
            _ => PrerequisiteGroup::AllOf,
        };
        requires.push(Requirement {
            module,
            after: names,
            group,
        });
    }
    // Canvas exports module prerequisites in course_settings/module_meta.xml: a module
    // stays locked until every item of each module it names is done. With sequential
    // progress its items open one after another, so its first item carries the
    // prerequisite and each later item follows the one before; otherwise every item
    // carries it.
    if let Some(meta) = files.get(&format!("{base}course_settings/module_meta.xml")) {
        let doc = parse_xml(path, "course_settings/module_meta.xml", meta)?;
        for m in doc
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "module")
        {
            let Some(items) = attr(m, "identifier").and_then(|id| leaves_of.get(id)) else {
                continue;
            };
            let sequential = text_of(child(m, "require_sequential_progress")) == "true";
            let after: Vec<String> = m
                .descendants()
                .filter(|n| n.tag_name().name() == "prerequisite")
                .filter_map(|p| child(p, "identifierref").map(|r| text_of(Some(r))))
                .filter_map(|r| leaves_of.get(&r).cloned())
                .flatten()
                .collect();
            let gated = if sequential { &items[..1] } else { &items[..] };
            if !after.is_empty() {
                requires.extend(gated.iter().map(|item| Requirement {
                    module: item.clone(),
                    after: after.clone(),
                    group: PrerequisiteGroup::AllOf,
                }));
            }
            if sequential {
                requires.extend(items.windows(2).map(|pair| Requirement {
                    module: pair[1].clone(),
                    after: vec![pair[0].clone()],
                    group: PrerequisiteGroup::AllOf,
                }));
            }
        }
        // Completion requirements name a module item; the item names its resource.
        let item_resource: BTreeMap<&str, String> = doc
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "item")
            .filter_map(|i| Some((attr(i, "identifier")?, text_of(child(i, "identifierref")))))
            .collect();
        for c in doc
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "completionRequirement")
        {
            let item = text_of(child(c, "identifierref"));
            let key = item_resource
                .get(item.as_str())
                .and_then(|r| by_resource.get(r))
                .or_else(|| ids.get(&item));
            let Some(module) = key.and_then(|k| modules.iter_mut().find(|m| &m.relative_path == k))
            else {
                continue;
            };
            let min_score = text_of(child(c, "min_score")).parse::<f64>().ok();
            module.extra.insert(
                "completion".into(),
                json!({ "type": attr(c, "type").unwrap_or("must_view"), "min_score": min_score }),
            );
        }
    }
    let manifest = Manifest {
        requires,
        ..Manifest::default()
    };
    Ok((
        kind,
        LibraryContent {
            modules,
            manifest: Some(manifest),
            skipped,
        },
    ))
}

fn path_key_of(id: &str, launch: &str) -> String {
    if id.is_empty() {
        launch.to_owned()
    } else {
        id.to_owned()
    }
}

/// Reads an item's SCORM 2004 prerequisites from its sequencing: precondition rules that
/// `disable` the item while objectives are unmet, where those objectives read global
/// objectives other items' primary objectives write. Each disabling rule contributes the
/// set of global objectives it tests (one per condition of an `any` rule, all of an `all`
/// rule); how large those sets are tells all-of, any-of and n-of apart. Objectives tested
/// only against a score threshold (placement, remediation) are not prerequisites.
fn sequencing_gates(
    seq: roxmltree::Node<'_, '_>,
    key: &str,
    writes: &mut BTreeMap<String, String>,
    gates: &mut BTreeMap<String, Vec<Vec<String>>>,
) {
    let mut reads: BTreeMap<&str, &str> = BTreeMap::new();
    for o in seq.descendants().filter(|n| {
        n.is_element() && matches!(n.tag_name().name(), "primaryObjective" | "objective")
    }) {
        for m in o.children().filter(|m| m.tag_name().name() == "mapInfo") {
            let Some(target) = attr(m, "targetObjectiveID") else {
                continue;
            };
            if o.tag_name().name() == "primaryObjective"
                && attr(m, "writeSatisfiedStatus") == Some("true")
            {
                writes.insert(target.to_owned(), key.to_owned());
            }
            if attr(m, "readSatisfiedStatus") != Some("false") {
                if let Some(id) = attr(o, "objectiveID") {
                    reads.insert(id, target);
                }
            }
        }
    }
    let disabling: Vec<roxmltree::Node<'_, '_>> = seq
        .descendants()
        .filter(|n| n.tag_name().name() == "preConditionRule")
        .filter(|r| {
            r.descendants().any(|n| {
                n.tag_name().name() == "ruleAction" && attr(n, "action") == Some("disabled")
            })
        })
        .filter_map(|r| child(r, "ruleConditions"))
        .collect();
    fn conditions_of<'a, 'i>(
        c: roxmltree::Node<'a, 'i>,
    ) -> Vec<(&'a str, roxmltree::Node<'a, 'i>)> {
        c.children()
            .filter(|n| n.tag_name().name() == "ruleCondition")
            .filter_map(|n| Some((attr(n, "referencedObjective")?, n)))
            .collect()
    }
    // Prerequisites: tested for status, or for having a score but never against a threshold.
    let all: Vec<_> = disabling.iter().flat_map(|c| conditions_of(*c)).collect();
    let thresholded = |o: &str| {
        all.iter()
            .any(|(r, n)| *r == o && attr(*n, "measureThreshold").is_some())
    };
    let prerequisite = |o: &str, n: roxmltree::Node<'_, '_>| match attr(n, "condition") {
        Some("satisfied" | "objectiveStatusKnown") => true,
        Some("objectiveMeasureKnown") => !thresholded(o),
        _ => false,
    };
    for conditions in disabling {
        let tested: Vec<String> = conditions_of(conditions)
            .into_iter()
            .filter(|(o, n)| prerequisite(o, *n))
            .filter_map(|(o, _)| reads.get(o).map(|g| (*g).to_owned()))
            .collect();
        let sets = gates.entry(key.to_owned()).or_default();
        if attr(conditions, "conditionCombination") == Some("any") {
            sets.extend(tested.into_iter().map(|g| vec![g]));
        } else {
            let mut set = tested;
            set.dedup();
            sets.push(set);
        }
    }
}

fn cmi5(
    path: &Path,
    files: &Files,
    base: &str,
    xml: &[u8],
) -> Result<(PackageKind, LibraryContent)> {
    let doc = parse_xml(path, "cmi5.xml", xml)?;
    let lang =
        |n: Option<roxmltree::Node<'_, '_>>| text_of(n.and_then(|n| child(n, "langstring")).or(n));
    let mut modules = Vec::new();
    for au in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "au")
    {
        let id = attr(au, "id").unwrap_or("").to_owned();
        let url = text_of(child(au, "url"));
        let local = format!("{base}{url}");
        let body = if url.contains("://") {
            String::new()
        } else {
            files.get(&local).map(html_text).unwrap_or_default()
        };
        let description = lang(child(au, "description"));
        let body = if body.trim().is_empty() {
            description.clone()
        } else {
            body
        };
        let mut extra = Map::new();
        extra.insert("package".into(), json!("cmi5"));
        extra.insert("identifier".into(), json!(id));
        extra.insert("launch".into(), json!(url));
        extra.insert(
            "move_on".into(),
            json!(attr(au, "moveOn").unwrap_or("NotApplicable")),
        );
        if let Some(score) = attr(au, "masteryScore").and_then(|s| s.parse::<f64>().ok()) {
            extra.insert("mastery_score".into(), json!(score));
        }
        let blocks: Vec<String> = au
            .ancestors()
            .filter(|a| a.tag_name().name() == "block")
            .map(|b| lang(child(b, "title")))
            .collect();
        if !blocks.is_empty() {
            extra.insert(
                "section".into(),
                json!(blocks.into_iter().rev().collect::<Vec<_>>().join(" / ")),
            );
        }
        let title = lang(child(au, "title"));
        let key = if id.is_empty() { url } else { id };
        modules.push(draft(
            key.clone(),
            if title.is_empty() { key } else { title },
            body,
            extra,
        ));
    }
    if modules.is_empty() {
        return Err(Error::bad(path, "cmi5.xml has no assignable units (<au>)"));
    }
    Ok((
        PackageKind::Cmi5,
        LibraryContent {
            modules,
            manifest: None,
            skipped: Vec::new(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a real package from ../shared/fixtures/real-packages.
    fn real(name: &str) -> Option<Result<(PackageKind, LibraryContent)>> {
        let shared = testkit::shared()?;
        Some(read_package(
            &shared.join("fixtures/real-packages").join(name),
        ))
    }

    #[test]
    fn scorm_1_2_packages_read_with_structure_text_and_prerequisites() {
        let Some(result) = real("scorm12.zip") else {
            return;
        };
        let (kind, content) = result.unwrap();
        assert_eq!(kind, PackageKind::Scorm12, "schemaversion 1.2");
        assert!(
            content.modules.len() >= 10,
            "one module per leaf item: {}",
            content.modules.len()
        );
        let first = &content.modules[0];
        assert_eq!(first.title, "How to Play", "titles come from the items");
        assert_eq!(
            first.extra["section"], "Playing the Game",
            "aggregations become sections"
        );
        assert!(
            first.word_count > 50,
            "text comes from the launch HTML: {:?}",
            first.body.chars().take(80).collect::<String>()
        );

        let (_, content) = real("PrerequisitesTest_SCORM12.zip").unwrap().unwrap();
        let reqs: Vec<(String, Vec<String>, PrerequisiteGroup)> = content
            .manifest
            .unwrap()
            .requires
            .into_iter()
            .map(|r| (r.module, r.after, r.group))
            .collect();
        assert_eq!(
            reqs,
            [
                (
                    "module2".to_owned(),
                    vec!["module1".to_owned()],
                    PrerequisiteGroup::AllOf
                ),
                (
                    "module3".to_owned(),
                    vec!["module1".to_owned(), "module2".to_owned()],
                    PrerequisiteGroup::AllOf
                ),
                (
                    "module4".to_owned(),
                    vec![
                        "module1".to_owned(),
                        "module2".to_owned(),
                        "module3".to_owned()
                    ],
                    PrerequisiteGroup::AllOf
                ),
            ],
            "adlcp:prerequisites become requirements; a mixed expression is kept whole as all-of"
        );
        let m4 = content
            .modules
            .iter()
            .find(|m| m.relative_path == "module4")
            .unwrap();
        assert_eq!(
            m4.extra["prerequisites_expression"], "(module1 AND module2) OR module3",
            "and verbatim in the metadata"
        );
    }

    #[test]
    fn scorm_2004_packages_keep_their_sequencing() {
        let Some(result) = real("SequencingSimpleRemediation_SCORM20043rdEdition.zip") else {
            return;
        };
        let (kind, content) = result.unwrap();
        assert_eq!(kind, PackageKind::Scorm2004, "2004 3rd edition");
        let with_objectives = content
            .modules
            .iter()
            .filter(|m| m.extra.contains_key("sequencing"))
            .count();
        assert!(with_objectives > 0, "sequencing objectives are kept");
        for name in [
            "scorm2004.zip",
            "ContentPackagingMetadata_SCORM20043rdEdition.zip",
            "ContentPackagingSingleSCO_SCORM12.zip",
        ] {
            let (_, content) = real(name)
                .unwrap()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!content.modules.is_empty(), "{name} has modules");
        }
    }

    #[test]
    fn cmi5_packages_read_their_assignable_units() {
        let Some(result) = real("cmi5.zip") else {
            return;
        };
        let (kind, content) = result.unwrap();
        assert_eq!(kind, PackageKind::Cmi5);
        assert_eq!(content.modules.len(), 1, "one AU");
        let au = &content.modules[0];
        assert_eq!(
            au.title,
            "Introduction to Geology - Framed Style - Mastery Score"
        );
        assert_eq!(au.extra["move_on"], "CompletedOrPassed");
        assert_eq!(au.extra["mastery_score"], 0.3);
    }

    /// Writes a zip with `entries` (name, bytes) and returns its path.
    fn zip_of(dir: &Path, name: &str, entries: &[(&str, &[u8])]) -> std::path::PathBuf {
        use std::io::Write;
        let path = dir.join(name);
        let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (n, b) in entries {
            z.start_file(*n, opts).unwrap();
            z.write_all(b).unwrap();
        }
        z.finish().unwrap();
        path
    }

    const MANIFEST: &str = r#"<manifest identifier="m"><metadata><schemaversion>1.2</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>
        <item identifier="i1" identifierref="r1"><title>One</title></item></organization></organizations>
        <resources><resource identifier="r1" href="one.html"/></resources></manifest>"#;

    #[test]
    fn common_cartridges_read_pages_links_assessments_and_canvas_prerequisites() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = r#"<manifest identifier="cc" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">
          <metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion></metadata>
          <organizations><organization identifier="org" structure="rooted-hierarchy"><item identifier="root">
            <item identifier="g1"><title>Week 1</title>
              <item identifier="i1" identifierref="r1"><title>Reading data</title></item>
              <item identifier="i2" identifierref="r2"><title>Open data portal</title></item></item>
            <item identifier="g2"><title>Week 2</title>
              <item identifier="i3" identifierref="r3"><title>Quiz</title></item></item>
          </item></organization></organizations>
          <resources>
            <resource identifier="r1" type="webcontent" href="wiki/reading.html"><file href="wiki/reading.html"/></resource>
            <resource identifier="r2" type="imswl_xmlv1p1"><file href="links/portal.xml"/></resource>
            <resource identifier="r3" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment"><file href="quiz/assessment.xml"/></resource>
          </resources></manifest>"#;
        let meta = r#"<modules><module identifier="g2"><title>Week 2</title><prerequisites>
            <prerequisite type="context_module"><title>Week 1</title><identifierref>g1</identifierref></prerequisite>
            </prerequisites>
            <completionRequirements><completionRequirement type="min_score"><min_score>80</min_score><identifierref>m3</identifierref></completionRequirement></completionRequirements>
            <items><item identifier="m3"><content_type>Quizzes::Quiz</content_type><identifierref>r3</identifierref></item></items>
            </module></modules>"#;
        let cc = zip_of(
            dir.path(),
            "course.imscc",
            &[
                ("imsmanifest.xml", manifest.as_bytes()),
                ("wiki/reading.html", b"<p>Tables have rows and columns.</p>"),
                ("links/portal.xml", br#"<webLink><title>Portal</title><url href="https://data.example.org"/></webLink>"#),
                ("quiz/assessment.xml", br#"<questestinterop><assessment title="Week 2 quiz" ident="a1"/></questestinterop>"#),
                ("course_settings/module_meta.xml", meta.as_bytes()),
            ],
        );
        let (kind, content) = read_package(&cc).unwrap();
        assert_eq!(
            kind,
            PackageKind::CommonCartridge,
            "the schema says Common Cartridge"
        );
        let titles: Vec<&str> = content.modules.iter().map(|m| m.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Reading data", "Open data portal", "Quiz"],
            "one module per leaf item"
        );
        assert_eq!(
            content.modules[0].body.trim(),
            "Tables have rows and columns.",
            "web content text"
        );
        assert_eq!(
            content.modules[1].extra["web_link"], "https://data.example.org",
            "web links keep their URL"
        );
        assert_eq!(
            content.modules[2].extra["assessment"], "Week 2 quiz",
            "assessment titles"
        );
        assert_eq!(
            content.modules[0].extra["section"], "Week 1",
            "modules become sections"
        );
        assert_eq!(
            content.modules[2].extra["completion"],
            json!({ "type": "min_score", "min_score": 80.0 }),
            "Canvas's completion requirement reaches the item through its resource"
        );
        let requires = content.manifest.unwrap().requires;
        assert_eq!(requires.len(), 1, "Canvas's module prerequisite is kept");
        assert_eq!(requires[0].module, "i3", "the first item of week 2");
        assert_eq!(
            requires[0].after,
            ["i1", "i2"],
            "requires every item of week 1"
        );
    }

    #[test]
    fn items_without_their_files_are_set_aside_and_the_rest_imports() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = r#"<manifest identifier="m"><metadata><schemaversion>1.2</schemaversion></metadata>
            <organizations default="o"><organization identifier="o"><title>T</title>
            <item identifier="ok" identifierref="r1"><title>Spaced</title></item>
            <item identifier="gone" identifierref="r2"><title>Gone</title></item>
            <item identifier="ghost" identifierref="nope"><title>Ghost</title></item>
            <item identifier="web" identifierref="r3"><title>On the web</title></item>
            </organization></organizations>
            <resources><resource identifier="r1" href="./my%20page.html"/><resource identifier="r2" href="missing.html"/>
            <resource identifier="r3" href="https://example.org/course"/></resources></manifest>"#;
        let zip = zip_of(
            dir.path(),
            "partial.zip",
            &[
                ("imsmanifest.xml", manifest.as_bytes()),
                ("my page.html", b"<p>Found through its encoded name</p>"),
            ],
        );
        let (_, content) = read_package(&zip).expect("the readable items import");
        let titles: Vec<&str> = content.modules.iter().map(|m| m.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Spaced", "On the web"],
            "two items have what they need"
        );
        assert_eq!(
            content.modules[0].body.trim(),
            "Found through its encoded name",
            "`./` and %20 in an href name the stored file"
        );
        assert_eq!(
            content.modules[1].extra["web_link"], "https://example.org/course",
            "a launch URL on the web is a web link"
        );
        let reasons: Vec<String> = content
            .skipped
            .iter()
            .map(|s| s.error.to_string())
            .collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(
            reasons[0].contains("partial.zip")
                && reasons[0].contains("\"missing.html\" is not in the package"),
            "a missing launch file is named with its package: {}",
            reasons[0]
        );
        assert!(
            reasons[1].contains("resource \"nope\", which imsmanifest.xml does not declare"),
            "an item pointing at no resource: {}",
            reasons[1]
        );
    }

    #[test]
    fn hostile_packages_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let check = |path: std::path::PathBuf, needle: &str, why: &str| {
            let err = read_package(&path).expect_err(why).to_string();
            assert!(err.contains(needle), "{why}: {err}");
            assert!(
                err.starts_with(&path.display().to_string()),
                "{why}: names the package: {err}"
            );
        };
        let slip = zip_of(
            dir.path(),
            "slip.zip",
            &[
                ("imsmanifest.xml", MANIFEST.as_bytes()),
                ("../../evil.html", b"x"),
            ],
        );
        check(slip, "points outside the package", "zip slip");
        let bomb = vec![0u8; 8 << 20];
        let bomb = zip_of(
            dir.path(),
            "bomb.zip",
            &[
                ("imsmanifest.xml", MANIFEST.as_bytes()),
                ("zeros.html", &bomb),
            ],
        );
        check(
            bomb,
            "zip bomb guard",
            "a page expanding 8 MiB of zeros from a few KiB",
        );
        let media = zip_of(
            dir.path(),
            "media.zip",
            &[
                ("imsmanifest.xml", MANIFEST.as_bytes()),
                ("one.html", b"<p>Hello there</p>"),
                ("video.mp4", &vec![0u8; 8 << 20]),
            ],
        );
        let (_, content) = read_package(&media)
            .expect("media is listed, never read, so it cannot trip the bomb guard");
        assert_eq!(
            content.modules[0].body.trim(),
            "Hello there",
            "the page still reads"
        );
        let dtd = MANIFEST.replace("<manifest", "<!DOCTYPE m [<!ENTITY e \"x\">]><manifest");
        let dtd = zip_of(
            dir.path(),
            "dtd.zip",
            &[("imsmanifest.xml", dtd.as_bytes())],
        );
        check(dtd, "refuses DTDs", "a DTD with an entity");
        // A zip whose entries are encrypted: the "encrypted" flag set in the local and the
        // central headers of a stored entry, as a password-protecting tool leaves it.
        let mut locked = std::fs::read(zip_of(
            dir.path(),
            "plain.zip",
            &[("imsmanifest.xml", MANIFEST.as_bytes())],
        ))
        .unwrap();
        for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
            let at = locked.windows(4).position(|w| w == sig).unwrap();
            // General-purpose flags sit 6 bytes into a local header, 8 into a central one.
            let flags = at + if sig[2] == 3 { 6 } else { 8 };
            locked[flags] |= 1;
        }
        let locked_path = dir.path().join("locked.zip");
        std::fs::write(&locked_path, locked).unwrap();
        check(
            locked_path,
            "is a password-protected zip",
            "an encrypted package",
        );
        let ok = zip_of(
            dir.path(),
            "ok.zip",
            &[
                ("imsmanifest.xml", MANIFEST.as_bytes()),
                ("one.html", b"<p>Hello there</p><script>x()</script>"),
            ],
        );
        let (_, content) = read_package(&ok).unwrap();
        assert_eq!(
            content.modules[0].body.trim(),
            "Hello there",
            "launch text without scripts"
        );
    }

    #[test]
    fn malformed_packages_are_named_with_the_reason() {
        let Some(result) = real("MalformedXml_SCORM12.zip") else {
            return;
        };
        let err = result.unwrap_err().to_string();
        assert!(
            err.contains("MalformedXml_SCORM12.zip")
                && err.contains("imsmanifest.xml is malformed XML"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let not_zip = dir.path().join("course.zip");
        std::fs::write(&not_zip, "not a zip").unwrap();
        let err = read_package(&not_zip).unwrap_err().to_string();
        assert!(err.contains("course.zip: not a readable zip"), "{err}");
    }
}
