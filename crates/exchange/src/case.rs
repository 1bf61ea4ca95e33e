//! CASE packages (`CFPackage` JSON): the document, its items and `isChildOf` associations.
//!
//! Export writes CASE 1.1 (`caseVersion: "1.1"`), valid against the official schema: every
//! skill is a CFItem (`humanCodingScheme` = slug, `fullStatement` = name, `notes` =
//! description), and the tree is `isChildOf` associations, top-level skills pointing at
//! the document. A skill prerequisite X → Y is written twice, as `X precedes Y` (CASE's own
//! vocabulary) and `X ext:isPrerequisiteOf Y` (explicit for tools that read it). Import
//! reads CASE 1.1 and 1.0 packages the same way and accepts either form.

use std::path::Path;

use model::Timestamp;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{into_tree, Error, Framework, FrameworkSkill, Result};

/// Namespace for association identifiers (v5 from the two ends).
const ASSOCIATIONS: uuid::Uuid = uuid::Uuid::from_u128(0x7061_7468_666f_7267_6500_0000_0000_0ca5);

fn urn(identifier: &str) -> String {
    format!("urn:uuid:{identifier}")
}

fn date_time(at: Timestamp) -> String {
    jiff::Timestamp::from_millisecond(at.0)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}

/// The framework as a CASE 1.1 CFPackage.
pub fn case_export(framework: &Framework, now: Timestamp) -> Value {
    let changed = date_time(now);
    let link = |title: &str, identifier: &str| json!({ "title": title, "identifier": identifier, "uri": urn(identifier) });
    let items: Vec<Value> = framework
        .skills
        .iter()
        .map(|s| {
            let mut item = json!({
                "identifier": s.identifier,
                "uri": urn(&s.identifier),
                "fullStatement": s.name,
                "humanCodingScheme": s.slug,
                "CFItemType": if s.parent.is_none() { "Domain" } else { "Competency" },
                "lastChangeDateTime": changed,
            });
            if !s.description.is_empty() {
                item["notes"] = json!(s.description);
            }
            if !s.examples.is_empty() {
                item["extensions"] = json!({ "examples": s.examples });
            }
            item
        })
        .collect();
    let by_slug = |slug: &str| framework.skills.iter().find(|s| s.slug == slug);
    let mut associations: Vec<Value> = framework
        .skills
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let origin = link(&s.name, &s.identifier);
            let destination = match s.parent.as_deref().and_then(by_slug) {
                Some(p) => link(&p.name, &p.identifier),
                None => link(&framework.title, &framework.identifier),
            };
            let id = uuid::Uuid::new_v5(
                &ASSOCIATIONS,
                format!("isChildOf {} {}", s.identifier, destination["identifier"]).as_bytes(),
            )
            .to_string();
            json!({
                "identifier": id,
                "uri": urn(&id),
                "associationType": "isChildOf",
                "sequenceNumber": i + 1,
                "originNodeURI": origin,
                "destinationNodeURI": destination,
                "lastChangeDateTime": changed,
            })
        })
        .collect();
    let mut sequence = associations.len();
    for s in &framework.skills {
        for r in &s.requires {
            let Some(before) = by_slug(r) else { continue };
            for kind in ["precedes", "ext:isPrerequisiteOf"] {
                sequence += 1;
                let id = uuid::Uuid::new_v5(
                    &ASSOCIATIONS,
                    format!("{kind} {} {}", before.identifier, s.identifier).as_bytes(),
                )
                .to_string();
                associations.push(json!({
                    "identifier": id,
                    "uri": urn(&id),
                    "associationType": kind,
                    "sequenceNumber": sequence,
                    "originNodeURI": link(&before.name, &before.identifier),
                    "destinationNodeURI": link(&s.name, &s.identifier),
                    "lastChangeDateTime": changed,
                }));
            }
        }
    }
    json!({
        "CFDocument": {
            "identifier": framework.identifier,
            "uri": urn(&framework.identifier),
            "creator": framework.creator,
            "title": framework.title,
            "caseVersion": "1.1",
            "lastChangeDateTime": changed,
            "extensions": if framework.scale.is_empty() { json!({}) } else { json!({ "proficiencyScale": framework.scale }) },
        },
        "CFItems": items,
        "CFAssociations": associations,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    #[serde(rename = "CFDocument")]
    document: Document,
    #[serde(rename = "CFItems", default)]
    items: Vec<Item>,
    #[serde(rename = "CFAssociations", default)]
    associations: Vec<Association>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    identifier: String,
    title: String,
    #[serde(default)]
    creator: String,
    #[serde(default)]
    extensions: Option<Extensions>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Extensions {
    #[serde(default)]
    proficiency_scale: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    identifier: String,
    full_statement: String,
    #[serde(default)]
    human_coding_scheme: Option<String>,
    #[serde(default)]
    abbreviated_statement: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    extensions: Option<Extensions>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Association {
    association_type: String,
    #[serde(rename = "originNodeURI")]
    origin: Node,
    #[serde(rename = "destinationNodeURI")]
    destination: Node,
}

#[derive(Deserialize)]
struct Node {
    identifier: String,
}

/// Reads a CASE 1.1 or 1.0 CFPackage. `path` names the file in errors.
pub fn case_import(path: &Path, text: &str) -> Result<Framework> {
    let package: Package = serde_json::from_str(text).map_err(|e| {
        Error::new(
            path,
            format!(
                "not a CASE package (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let slug_of = |item: &Item| {
        item.human_coding_scheme
            .clone()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| {
                slugify(
                    item.abbreviated_statement
                        .as_deref()
                        .unwrap_or(&item.full_statement),
                )
            })
    };
    let mut skills: Vec<FrameworkSkill> = package
        .items
        .iter()
        .map(|item| FrameworkSkill {
            identifier: item.identifier.clone(),
            slug: slug_of(item),
            name: item
                .abbreviated_statement
                .clone()
                .unwrap_or_else(|| item.full_statement.clone()),
            description: item.notes.clone().unwrap_or_default(),
            parent: None,
            requires: Vec::new(),
            examples: item
                .extensions
                .as_ref()
                .map(|e| e.examples.clone())
                .unwrap_or_default(),
        })
        .collect();
    // Items by identifier, looked up once per association (a framework holds thousands).
    let by_id: std::collections::HashMap<&str, usize> = package
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.identifier.as_str(), i))
        .collect();
    for a in package
        .associations
        .iter()
        .filter(|a| a.association_type == "isChildOf")
    {
        let Some(&child) = by_id.get(a.origin.identifier.as_str()) else {
            return Err(Error::new(
                path,
                format!(
                    "an isChildOf association starts at {}, which is not an item",
                    a.origin.identifier
                ),
            ));
        };
        if a.destination.identifier == package.document.identifier {
            continue;
        }
        let Some(&parent) = by_id.get(a.destination.identifier.as_str()) else {
            return Err(Error::new(path, format!("an isChildOf association points at {}, which is neither an item nor the document", a.destination.identifier)));
        };
        let parent = skills[parent].slug.clone();
        if let Some(old) = &skills[child].parent {
            if *old != parent {
                return Err(Error::new(path, format!("item {:?} has two parents ({old:?} and {parent:?}); Pathforge's taxonomy is a tree", skills[child].slug)));
            }
        }
        skills[child].parent = Some(parent);
    }
    for a in package.associations.iter().filter(|a| {
        matches!(
            a.association_type.as_str(),
            "precedes" | "ext:isPrerequisiteOf"
        )
    }) {
        // Prerequisites that reach outside the framework cannot be kept; skip them.
        let (Some(&before), Some(&after)) = (
            by_id.get(a.origin.identifier.as_str()),
            by_id.get(a.destination.identifier.as_str()),
        ) else {
            continue;
        };
        let before = skills[before].slug.clone();
        let target = &mut skills[after];
        if !target.requires.contains(&before) {
            target.requires.push(before);
        }
    }
    Ok(Framework {
        identifier: package.document.identifier,
        title: package.document.title,
        creator: package.document.creator,
        scale: package
            .document
            .extensions
            .map(|e| e.proficiency_scale)
            .unwrap_or_default(),
        skills: into_tree(path, skills)?,
    })
}

/// "Discovery & Qualification" → "discovery-qualification".
fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}
