//! SCORM 1.2 and 2004 manifests (and Common Cartridge, read the same way): one module per
//! leaf item, prerequisites from `adlcp:prerequisites` and from 2004 precondition rules.
//!
//! [`read`] walks the organization's items into modules; each source of prerequisites is
//! read by its own function after it: 2004 sequencing ([`sequencing_gates`] for items and
//! sections, with a shared set from the `sequencingCollection`; [`gate_requirements`]),
//! 1.2's AICC script ([`script_requirement`]) and a Canvas export's `module_meta.xml`
//! ([`canvas_module_requirements`], [`canvas_completion`]).

use super::*;

pub(super) fn read(
    path: &Path,
    files: &Files,
    base: &str,
    xml: &[u8],
) -> Result<(PackageKind, LibraryContent)> {
    let text = xml_text(path, "imsmanifest.xml", xml)?;
    let doc = parse_xml(path, "imsmanifest.xml", &text)?;
    let root = doc.root_element();
    let kind = package_kind(root);
    let resources: BTreeMap<&str, roxmltree::Node<'_, '_>> = root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "resource")
        .filter_map(|r| Some((attr(r, "identifier")?, r)))
        .collect();
    // How many resources list each file: a page two list is no one item's own.
    let mut listed: BTreeMap<String, usize> = BTreeMap::new();
    for resource in resources.values() {
        let mut own = listed_files(*resource, base, files);
        own.sort();
        own.dedup();
        for file in own {
            *listed.entry(file).or_default() += 1;
        }
    }
    // Sequencing sets items share by `IDRef`, by their `ID`.
    let collection: BTreeMap<&str, roxmltree::Node<'_, '_>> = child(root, "sequencingCollection")
        .into_iter()
        .flat_map(|c| c.children())
        .filter(|n| n.is_element() && n.tag_name().name() == "sequencing")
        .filter_map(|s| Some((attr(s, "ID")?, s)))
        .collect();
    let orgs = child(root, "organizations")
        .ok_or_else(|| Error::bad(path, "imsmanifest.xml has no <organizations>"))?;
    let default = attr(orgs, "default");
    let org = orgs
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "organization")
        .find(|o| default.is_none() || attr(*o, "identifier") == default)
        .ok_or_else(|| Error::bad(path, "imsmanifest.xml has no <organization>"))?;

    let mut described: Vec<(ModuleDraft, lom::Lom)> = Vec::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new(); // item identifier → module path
                                                             // (module path, expression)
    let mut prereqs: Vec<(String, String)> = Vec::new();
    // SCORM 2004: global objective → the item whose primary objective writes it, and each
    // item's sets of globals that keep it disabled.
    let mut writes: BTreeMap<String, String> = BTreeMap::new();
    let mut gates: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    // The same for sections (items holding items), by identifier: what a section's rolled-up
    // objective writes stands for all its modules, and its gates hold each of them.
    let mut section_writes: BTreeMap<String, String> = BTreeMap::new();
    let mut section_gates: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    // Sequencing rule actions read as no prerequisite (skip, retry, exit…) → the titles of
    // the items and sections that have them, for one warning: what was not imported.
    let mut unread: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    // Leaves under each aggregation item (a Canvas module), for module-level prerequisites.
    let mut leaves_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Resource identifier → module path, for Canvas completion requirements.
    let mut by_resource: BTreeMap<String, String> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut warnings = Vec::new();
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
            // A section's sequencing gates, or is the prerequisite of, its modules.
            if let Some(seq) = child(item, "sequencing") {
                let sequencing =
                    Sequencing::of(seq, &collection).unwrap_or_else(|(sequencing, reason)| {
                        warnings.push(crate::Warning {
                            relative_path: id.clone(),
                            message: format!("section {id:?} ({title}): {reason}"),
                        });
                        sequencing
                    });
                sequencing_gates(sequencing, &id, &mut section_writes, &mut section_gates);
                for action in sequencing.flow_actions() {
                    unread.entry(action).or_default().push(title.clone());
                }
            }
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
        let broken = match (attr(item, "identifierref"), resource) {
            (Some(r), None) => Some(format!(
                "item {id:?} ({title}) points at resource {r:?}, which imsmanifest.xml does not declare"
            )),
            _ if !remote && outside(&launch) => Some(format!(
                "item {id:?} ({title}): its launch file {launch:?} points outside the package"
            )),
            _ => None,
        };
        if let Some(reason) = broken {
            skipped.push(Skipped {
                relative_path: path_key_of(&id, &launch),
                error: Error::bad(path, reason),
            });
            continue;
        }
        let mut extra = Map::new();
        // A launch file not (yet) in the package: the item still has its title, place and
        // sequencing, which is what a designer maps a course with before content arrives.
        if !remote && files.get(&launch).is_none() {
            warnings.push(crate::Warning {
                relative_path: path_key_of(&id, &launch),
                message: format!(
                    "item {id:?} ({title}): its launch file {launch:?} is not in the package; \
                     imported as structure only (title, place, prerequisites), without text"
                ),
            });
            extra.insert("launch_missing".into(), json!(true));
        }
        let pages = resource.map_or_else(Vec::new, |r| pages_of(r, base, &launch, files, &listed));
        let body = match href {
            _ if remote => Launched::Remote(href),
            _ => Launched::File {
                launch: &launch,
                resource_type,
                pages: &pages,
            },
        }
        .body(&title, files, &mut extra);
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
        // What the LMS hands the item or decides for it (SCORM 1.2 and 2004 spellings):
        // its launch data, time limit and the 1.2 pass mark.
        let said: Map<String, Value> = [
            ("dataFromLMS", "data_from_lms"),
            ("datafromlms", "data_from_lms"),
            ("timeLimitAction", "time_limit_action"),
            ("timelimitaction", "time_limit_action"),
            ("maxtimeallowed", "max_time_allowed"),
            ("masteryscore", "mastery_score"),
        ]
        .into_iter()
        .filter_map(|(element, key)| {
            let text = text_of(child(item, element));
            (!text.is_empty()).then(|| (key.to_owned(), json!(text)))
        })
        .collect();
        if !said.is_empty() {
            extra.insert("item_data".into(), Value::Object(said));
        }
        // A SCO talks to the run-time; an asset is a page the LMS counts done when shown.
        if let Some(t) = resource.and_then(|r| attr(r, "scormType").or(attr(r, "scormtype"))) {
            extra.insert("scorm_type".into(), json!(t.to_ascii_lowercase()));
        }
        let query = launch_parameters(href, attr(item, "parameters"));
        if !remote && !query.is_empty() {
            // Which content a shared launcher shows (`?content=playing`): an export that
            // carries the item launches it so.
            extra.insert("launch_parameters".into(), json!(query));
        }
        if !parents.is_empty() {
            extra.insert("section".into(), json!(parents.join(" / ")));
        }
        if let Some(seq) = child(item, "sequencing") {
            let sequencing =
                Sequencing::of(seq, &collection).unwrap_or_else(|(sequencing, reason)| {
                    warnings.push(crate::Warning {
                        relative_path: path_key_of(&id, &launch),
                        message: format!("item {id:?} ({title}): {reason}"),
                    });
                    sequencing
                });
            sequencing_gates(
                sequencing,
                &path_key_of(&id, &launch),
                &mut writes,
                &mut gates,
            );
            for action in sequencing.flow_actions() {
                unread.entry(action).or_default().push(title.clone());
            }
            let objectives: Vec<Value> = sequencing
                .objectives()
                .into_iter()
                .map(|o| {
                    let targets: Vec<&str> = o.children().filter(|m| m.tag_name().name() == "mapInfo").filter_map(|m| attr(m, "targetObjectiveID")).collect();
                    json!({ "id": attr(o, "objectiveID"), "primary": o.tag_name().name() == "primaryObjective", "global": targets })
                })
                .collect();
            let mut kept = json!({ "id_ref": attr(seq, "IDRef"), "objectives": objectives });
            if let Some(delivery) = sequencing.delivery() {
                // Whether the item reports its own completion and success, or the LMS
                // decides them when it ends: an export that carries it keeps this.
                let set_by_content = |name| attr(delivery, name) == Some("true");
                kept["delivery"] = json!({
                    "completion_set_by_content": set_by_content("completionSetByContent"),
                    "objective_set_by_content": set_by_content("objectiveSetByContent"),
                });
            }
            extra.insert("sequencing".into(), kept);
        }
        let path_key = path_key_of(&id, &launch);
        let mut metadata_of = |node: Option<roxmltree::Node<'_, '_>>| {
            node.map(|n| lom::of(n, base, files))
                .transpose()
                .unwrap_or_else(|reason| {
                    warnings.push(crate::Warning {
                        relative_path: path_key.clone(),
                        message: format!("item {id:?} ({title}): {reason}; read without it"),
                    });
                    None
                })
                .unwrap_or_default()
        };
        let metadata = metadata_of(Some(item)).or(metadata_of(resource));
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
        described.push((draft(path_key, title, body, extra), metadata));
    }
    // A package of one item: what the course's metadata says is said of it (a course's
    // learning time is its one item's); with more, only of the course.
    if let [(module, said)] = &mut described[..] {
        let mut course = |node| {
            lom::of(node, base, files).unwrap_or_else(|reason| {
                warnings.push(crate::Warning {
                    relative_path: module.relative_path.clone(),
                    message: format!("the course: {reason}; read without it"),
                });
                lom::Lom::default()
            })
        };
        let wider = course(org).or(course(root));
        *said = std::mem::take(said).or(wider);
    }
    let mut modules: Vec<ModuleDraft> = described
        .into_iter()
        .map(|(mut module, said)| {
            described_by(&mut module, said);
            module
        })
        .collect();
    if modules.is_empty() {
        let reasons: Vec<String> = skipped.iter().take(10).map(|s| s.error.reason()).collect();
        return Err(Error::bad(
            path,
            match reasons.len() {
                0 => "imsmanifest.xml has no items to import (its organization holds none that launch anything)".to_owned(),
                _ => format!(
                    "imsmanifest.xml has no item that can be imported: {}{}",
                    reasons.join("; "),
                    match skipped.len().saturating_sub(10) {
                        0 => String::new(),
                        more => format!("; and {more} more"),
                    }
                ),
            },
        ));
    }
    if !unread.is_empty() {
        warnings.push(crate::Warning {
            relative_path: String::new(),
            message: unread_rules(&unread),
        });
    }
    // Each global objective → the modules whose completion it stands for.
    let mut writers: BTreeMap<String, Vec<String>> = section_writes
        .into_iter()
        .filter_map(|(global, section)| Some((global, leaves_of.get(&section)?.clone())))
        .collect();
    writers.extend(
        writes
            .into_iter()
            .map(|(global, module)| (global, vec![module])),
    );
    for (section, sets) in section_gates {
        for leaf in leaves_of.get(&section).into_iter().flatten() {
            gates
                .entry(leaf.clone())
                .or_default()
                .extend(sets.iter().cloned());
        }
    }
    let mut requires = gate_requirements(gates, &writers, &mut warnings);
    requires.extend(
        prereqs
            .into_iter()
            .filter_map(|(module, expr)| script_requirement(module, &expr, &ids)),
    );
    // Canvas exports module prerequisites in course_settings/module_meta.xml.
    if let Some(meta) = files.get(&format!("{base}course_settings/module_meta.xml")) {
        let text = xml_text(path, "course_settings/module_meta.xml", meta)?;
        let doc = parse_xml(path, "course_settings/module_meta.xml", &text)?;
        let items = Items {
            leaves_of: &leaves_of,
            by_resource: &by_resource,
            ids: &ids,
        };
        requires.extend(canvas_module_requirements(&doc, &items));
        canvas_completion(&doc, &items, &mut modules);
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
            warnings,
        },
    ))
}

/// What an item's metadata says, over what was guessed: its learning time for the one
/// its words give, its difficulty as its level, its description (also put before its
/// text, when that lacks it) and keywords kept in the module's metadata.
fn described_by(module: &mut ModuleDraft, lom: lom::Lom) {
    if let Some(minutes) = lom.minutes {
        module.duration_minutes = minutes;
        module
            .extra
            .insert("typical_learning_time".into(), json!(minutes));
    }
    if lom.level.is_some() {
        module.level = lom.level;
    }
    if let Some(description) = lom.description {
        module.body = led_by(&description, std::mem::take(&mut module.body));
        module.word_count = module.body.split_whitespace().count() as u32;
        module
            .extra
            .insert("description".into(), json!(description));
    }
    if !lom.keywords.is_empty() {
        module.extra.insert("keywords".into(), json!(lom.keywords));
    }
}

/// Which kind of package a manifest is: Common Cartridge by its schema, SCORM 1.2 or 2004
/// by its schema version (or, without one, the 1.2 namespace).
fn package_kind(root: roxmltree::Node<'_, '_>) -> PackageKind {
    let version = child(root, "metadata")
        .and_then(|m| child(m, "schemaversion"))
        .map(|v| text_of(Some(v)));
    let schema = child(root, "metadata")
        .and_then(|m| child(m, "schema"))
        .map(|v| text_of(Some(v)));
    let cartridge = schema
        .as_deref()
        .is_some_and(|s| s.contains("Common Cartridge"));
    match version.as_deref() {
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
    }
}

/// The web pages a resource lists besides its launch file, in the manifest's order: an
/// authoring tool's launcher (`shared/launchpage.html?content=playing`) holds a few words
/// and shows these in a frame, so they are what the learner reads. Only pages that are the
/// resource's own: not a `<dependency>`'s, shared by every item that names it, and none
/// that another resource lists too (`listed`: a tool that lists every file of the package
/// under each resource would give every item the whole course's text).
fn pages_of(
    resource: roxmltree::Node<'_, '_>,
    base: &str,
    launch: &str,
    files: &Files,
    listed: &BTreeMap<String, usize>,
) -> Vec<String> {
    let mut pages: Vec<String> = Vec::new();
    for page in listed_files(resource, base, files) {
        let web_page = page.rsplit_once('.').is_some_and(|(_, e)| {
            matches!(e.to_ascii_lowercase().as_str(), "html" | "htm" | "xhtml")
        });
        if web_page && page != launch && listed.get(&page) == Some(&1) && !pages.contains(&page) {
            pages.push(page);
        }
    }
    pages
}

/// The package files a resource's own `<file>` elements name, as stored, in order.
fn listed_files(resource: roxmltree::Node<'_, '_>, base: &str, files: &Files) -> Vec<String> {
    let under = format!("{base}{}", attr(resource, "base").unwrap_or(""));
    resource
        .children()
        .filter(|f| f.is_element() && f.tag_name().name() == "file")
        .filter_map(|f| attr(f, "href"))
        .filter_map(|href| files.resolve(&format!("{under}{href}")))
        .collect()
}

/// What an item launches: a web address, or a file in the package of a resource type
/// with the other pages its resource lists.
enum Launched<'a> {
    Remote(&'a str),
    File {
        launch: &'a str,
        resource_type: &'a str,
        pages: &'a [String],
    },
}

impl Launched<'_> {
    /// The module's text: its pages' words (the launch file's, then the other pages', named
    /// in `pages`); for a web link or an address, the title and the address (kept as
    /// `web_link`); for an assessment, its title (kept as `assessment`).
    fn body(&self, title: &str, files: &Files, extra: &mut Map<String, Value>) -> String {
        let (launch, resource_type, pages) = match *self {
            Launched::Remote(href) => {
                extra.insert("web_link".into(), json!(href));
                return format!("{title}\n{href}");
            }
            Launched::File {
                launch,
                resource_type,
                pages,
            } => (launch, resource_type, pages),
        };
        // The first element named `name` in the launch file's XML.
        let xml_attr = |name: &str, attribute: &str| {
            files
                .get(launch)
                .and_then(|x| std::str::from_utf8(x).ok().map(str::to_owned))
                .and_then(|x| {
                    let doc = roxmltree::Document::parse(&x).ok()?;
                    let node = doc.descendants().find(|n| n.tag_name().name() == name)?;
                    attr(node, attribute).map(str::to_owned)
                })
        };
        if resource_type.contains("imswl") {
            // A web link: its XML names the URL.
            let url = xml_attr("url", "href").unwrap_or_default();
            extra.insert("web_link".into(), json!(url));
            format!("{title}\n{url}")
        } else if resource_type.contains("assessment") || resource_type.contains("qti") {
            let named = xml_attr("assessment", "title").unwrap_or_else(|| title.to_owned());
            extra.insert("assessment".into(), json!(named));
            named
        } else {
            let mut text = files.get(launch).map(html_text).unwrap_or_default();
            let mut read = Vec::new();
            for page in pages {
                let words = files.get(page).map(html_text).unwrap_or_default();
                if !words.trim().is_empty() {
                    text = format!("{text}\n\n{words}").trim_start().to_owned();
                    read.push(page.as_str());
                }
            }
            if !read.is_empty() {
                extra.insert("pages".into(), json!(read));
            }
            text
        }
    }
}

/// The warning that says which sequencing rules were not imported: each action with the
/// items and sections that have it (the first three named).
fn unread_rules(unread: &BTreeMap<&str, Vec<String>>) -> String {
    let each: Vec<String> = unread
        .iter()
        .map(|(action, titles)| {
            let named: Vec<String> = titles.iter().take(3).map(|t| format!("“{t}”")).collect();
            match titles.len() {
                1 => format!("{action} on {}", named[0]),
                n if n <= 3 => format!("{action} on {n} ({})", named.join(", ")),
                n => format!("{action} on {n} ({} and {} more)", named.join(", "), n - 3),
            }
        })
        .collect();
    format!(
        "its SCORM 2004 sequencing rules are read for prerequisites only; not imported: {}. \
         A placement or remediation rule can say the same in Pathforge",
        each.join("; ")
    )
}

/// SCORM 2004 prerequisites from the disabling rules [`sequencing_gates`] read: each gated
/// module comes after the modules that write the global objectives its rules test — one
/// module, or every module of a section whose rolled-up objective writes it. Any-of and
/// n-of gates are read only over single modules: a group names modules, so "any one of
/// these sections" has no form here and is a warning instead.
fn gate_requirements(
    gates: BTreeMap<String, Vec<Vec<String>>>,
    writers: &BTreeMap<String, Vec<String>>,
    warnings: &mut Vec<crate::Warning>,
) -> Vec<Requirement> {
    let mut requires = Vec::new();
    for (module, gate) in gates {
        let mut globals: Vec<&str> = Vec::new();
        let mut largest = 1;
        for set in &gate {
            let written: Vec<&str> = set
                .iter()
                .map(String::as_str)
                .filter(|g| writers.contains_key(*g))
                .collect();
            largest = largest.max(written.len());
            for g in written {
                if !globals.contains(&g) {
                    globals.push(g);
                }
            }
        }
        let mut after: Vec<String> = Vec::new();
        for m in globals.iter().flat_map(|g| &writers[*g]) {
            if *m != module && !after.contains(m) {
                after.push(m.clone());
            }
        }
        if after.is_empty() {
            continue;
        }
        // Kept shut while any `largest` of n are unmet: opens when n - largest + 1 are met.
        let need = globals.len() + 1 - largest.min(globals.len());
        let group = match need {
            n if n == globals.len() => PrerequisiteGroup::AllOf,
            _ if after.len() != globals.len() => {
                warnings.push(crate::Warning {
                    relative_path: module.clone(),
                    message: format!(
                        "item {module:?}: its sequencing opens it once {need} of {} \
                         objectives are met, some of them a whole section's; a prerequisite \
                         group names modules, so this was not read as one — draw it in the \
                         graph",
                        globals.len()
                    ),
                });
                continue;
            }
            1 => PrerequisiteGroup::AnyOf,
            n => PrerequisiteGroup::NOf { n: n as u32 },
        };
        requires.push(Requirement {
            module,
            after,
            group,
        });
    }
    requires
}

/// A SCORM 1.2 `adlcp:prerequisites` expression as a requirement of `module`, the items it
/// names found by identifier in `ids`.
///
/// AICC script: identifiers joined by & and |, parentheses, and `N*{a,b,c}`. NOT (~)
/// and status comparisons (=, <>) say more than "complete these first": such an
/// expression stays in the module's metadata only.
pub(super) fn script_requirement(
    module: String,
    expr: &str,
    ids: &BTreeMap<String, String>,
) -> Option<Requirement> {
    let negated = expr
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .any(|w| w.eq_ignore_ascii_case("NOT"));
    if negated || expr.contains(['~', '=', '<', '>']) {
        return None;
    }
    let n_of = expr
        .split_once("*{")
        .and_then(|(n, _)| n.trim().trim_start_matches('(').trim().parse::<u32>().ok());
    let tokens: Vec<&str> = expr
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '(' | ')' | '{' | '}' | ',' | '*' | '=' | '<' | '>')
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
        return None;
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
    Some(Requirement {
        module,
        after: names,
        group,
    })
}

/// How a package's items are found: the leaves under each aggregation item (a Canvas
/// module), and module paths by resource and by item identifier.
struct Items<'a> {
    leaves_of: &'a BTreeMap<String, Vec<String>>,
    by_resource: &'a BTreeMap<String, String>,
    ids: &'a BTreeMap<String, String>,
}

/// Canvas module prerequisites (`course_settings/module_meta.xml`): a module stays locked
/// until every item of each module it names is done. With sequential progress its items
/// open one after another, so its first item carries the prerequisite and each later item
/// follows the one before; otherwise every item carries it.
fn canvas_module_requirements(
    doc: &roxmltree::Document<'_>,
    items: &Items<'_>,
) -> Vec<Requirement> {
    let mut requires = Vec::new();
    for m in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "module")
    {
        let Some(leaves) = attr(m, "identifier").and_then(|id| items.leaves_of.get(id)) else {
            continue;
        };
        let sequential = text_of(child(m, "require_sequential_progress")) == "true";
        let after: Vec<String> = m
            .descendants()
            .filter(|n| n.tag_name().name() == "prerequisite")
            .filter_map(|p| child(p, "identifierref").map(|r| text_of(Some(r))))
            .filter_map(|r| items.leaves_of.get(&r).cloned())
            .flatten()
            .collect();
        let gated = if sequential {
            &leaves[..1]
        } else {
            &leaves[..]
        };
        if !after.is_empty() {
            requires.extend(gated.iter().map(|item| Requirement {
                module: item.clone(),
                after: after.clone(),
                group: PrerequisiteGroup::AllOf,
            }));
        }
        if sequential {
            requires.extend(leaves.windows(2).map(|pair| Requirement {
                module: pair[1].clone(),
                after: vec![pair[0].clone()],
                group: PrerequisiteGroup::AllOf,
            }));
        }
    }
    requires
}

/// Canvas completion requirements (`course_settings/module_meta.xml`), kept on each
/// module as `completion`: they name a module item; the item names its resource.
fn canvas_completion(
    doc: &roxmltree::Document<'_>,
    items: &Items<'_>,
    modules: &mut [ModuleDraft],
) {
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
            .and_then(|r| items.by_resource.get(r))
            .or_else(|| items.ids.get(&item));
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

fn path_key_of(id: &str, launch: &str) -> String {
    if id.is_empty() {
        launch.to_owned()
    } else {
        id.to_owned()
    }
}

/// An item's sequencing: its own `<sequencing>` and the set of the manifest's
/// `<sequencingCollection>` it names by `IDRef`, which fills in what it leaves out (as
/// scorm-again reads it): the set's rules unless the item writes its own, and the
/// objectives of both, the item's last so that its map of an objective is the one read.
#[derive(Clone, Copy)]
struct Sequencing<'a, 'i> {
    own: roxmltree::Node<'a, 'i>,
    shared: Option<roxmltree::Node<'a, 'i>>,
}

impl<'a, 'i> Sequencing<'a, 'i> {
    /// `seq` with the set its `IDRef` names; a set the manifest lacks is the reason, for a
    /// warning, beside the item's own sequencing read without it.
    fn of(
        seq: roxmltree::Node<'a, 'i>,
        collection: &BTreeMap<&str, roxmltree::Node<'a, 'i>>,
    ) -> Result<Self, (Self, String)> {
        let own = Sequencing {
            own: seq,
            shared: None,
        };
        match attr(seq, "IDRef") {
            None => Ok(own),
            Some(r) => match collection.get(r) {
                Some(set) => Ok(Sequencing {
                    shared: Some(*set),
                    ..own
                }),
                None => Err((
                    own,
                    format!(
                        "its sequencing refers to {r:?}, which imsmanifest.xml's \
                         <sequencingCollection> does not hold; read without it"
                    ),
                )),
            },
        }
    }

    fn objectives(self) -> Vec<roxmltree::Node<'a, 'i>> {
        self.shared
            .into_iter()
            .chain([self.own])
            .flat_map(|s| s.descendants())
            .filter(|n| {
                n.is_element() && matches!(n.tag_name().name(), "primaryObjective" | "objective")
            })
            .collect()
    }

    /// The actions of its rules that steer the flow rather than gate an item (everything
    /// but `disabled`), each once.
    fn flow_actions(self) -> Vec<&'a str> {
        let mut actions: Vec<&str> = self
            .rules()
            .into_iter()
            .flat_map(|r| r.descendants())
            .filter(|n| n.tag_name().name() == "ruleAction")
            .filter_map(|n| attr(n, "action"))
            .filter(|a| *a != "disabled")
            .collect();
        actions.sort_unstable();
        actions.dedup();
        actions
    }

    /// Its `deliveryControls`, its own else the shared set's.
    fn delivery(self) -> Option<roxmltree::Node<'a, 'i>> {
        child(self.own, "deliveryControls")
            .or_else(|| self.shared.and_then(|s| child(s, "deliveryControls")))
    }

    fn rules(self) -> Option<roxmltree::Node<'a, 'i>> {
        child(self.own, "sequencingRules")
            .or_else(|| self.shared.and_then(|s| child(s, "sequencingRules")))
    }
}

/// Reads an item's SCORM 2004 prerequisites from its sequencing: precondition rules that
/// `disable` the item while objectives are unmet, where those objectives read global
/// objectives other items' primary objectives write. Each disabling rule contributes the
/// set of global objectives it tests (one per condition of an `any` rule, all of an `all`
/// rule); how large those sets are tells all-of, any-of and n-of apart. Objectives tested
/// only against a score threshold (placement, remediation) are not prerequisites.
fn sequencing_gates(
    seq: Sequencing<'_, '_>,
    key: &str,
    writes: &mut BTreeMap<String, String>,
    gates: &mut BTreeMap<String, Vec<Vec<String>>>,
) {
    let mut reads: BTreeMap<&str, &str> = BTreeMap::new();
    for o in seq.objectives() {
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
        .rules()
        .into_iter()
        .flat_map(|r| r.descendants())
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

/// What an item's launch URL adds to its file, built as SCORM's content packaging says an
/// LMS builds it: the resource href's own query and fragment, then the item's `parameters`
/// (a leading `?` or `&` dropped, joined with `&` to a query already there, else after a
/// `?`; a fragment only when the href has none).
pub(super) fn launch_parameters(href: &str, parameters: Option<&str>) -> String {
    let own = href.find(['?', '#']).map_or("", |i| &href[i..]);
    let (query, fragment) = own.split_at(own.find('#').unwrap_or(own.len()));
    let Some(p) = parameters.map(str::trim).filter(|p| !p.is_empty()) else {
        return own.to_owned();
    };
    if let Some(added) = p.strip_prefix('#') {
        return match fragment.is_empty() {
            true => format!("{query}#{added}"),
            false => own.to_owned(),
        };
    }
    let p = p.trim_start_matches(['?', '&']);
    match query.is_empty() {
        true => format!("?{p}{fragment}"),
        false => format!("{query}&{p}{fragment}"),
    }
}

/// Whether a launch path (relative to the package root, `/`-separated) leaves the package:
/// absolute, or climbing above the root with `..`.
fn outside(launch: &str) -> bool {
    if launch.starts_with('/') || launch.starts_with('\\') {
        return true;
    }
    let mut depth = 0usize;
    for part in launch.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return true,
            },
            _ => depth += 1,
        }
    }
    false
}
