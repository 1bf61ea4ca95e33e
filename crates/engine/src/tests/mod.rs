//! The engine's tests, one module per area, on real project files and real folders; this
//! file holds what they share: the sample libraries, project builders and the loaded model.

use std::collections::HashMap;
use std::path::PathBuf;

use model::{
    EdgeOrigin, ModuleId, PrerequisiteGroup, Severity, SkillId, TagSource, TagState, TaxonomyFormat,
};

use super::*;

pub(super) const ME: Actor = Actor::System;

pub(super) fn write(dir: &Path, rel: &str, text: &[u8]) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub(super) fn md(title: &str, minutes: u32) -> String {
    format!("---\ntitle: {title}\nduration_minutes: {minutes}\ntags: [skill-{minutes}]\n---\nBody of {title}.\n")
}

pub(super) fn titles(p: &Project) -> Vec<String> {
    p.modules().unwrap().into_iter().map(|m| m.title).collect()
}

pub(super) fn sample_library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-libraries/sales-onboarding")
}

pub(super) fn toml_requires(module: &str, after: &[&str]) -> String {
    let after: Vec<String> = after.iter().map(|a| format!("{a:?}")).collect();
    format!(
        "[[requires]]\nmodule = {module:?}\nafter = [{}]\n\n",
        after.join(", ")
    )
}

/// A library a.md → b.md → c.md declared in its manifest, imported into a new project.
pub(super) fn chain_project(tmp: &Path) -> (Project, PathBuf) {
    let lib = testkit::Library::new()
        .module("a.md", "A", 10, &["skill-10"])
        .module("b.md", "B", 20, &["skill-20"])
        .module("c.md", "C", 30, &["skill-30"])
        .requires("b.md", &["a.md"])
        .requires("c.md", &["b.md"])
        .write(&tmp.join("chain"));
    let mut p = Project::create(&tmp.join("p.pathforge"), Timestamp(1)).unwrap();
    let report = p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    assert_eq!(
        report.prerequisites, 2,
        "the manifest's two edges are declared"
    );
    (p, lib)
}

/// A library whose manifest declares the cycle a.md ⇄ b.md (and with `track`, a track to
/// the skill both teach), imported: data with a cycle loads, and later stages refuse it.
pub(super) fn loop_project(tmp: &Path, track: bool) -> Project {
    let mut lib = testkit::Library::new()
        .module("a.md", "A", 10, &["skill-10"])
        .module("b.md", "B", 10, &["skill-10"])
        .requires("b.md", &["a.md"])
        .requires("a.md", &["b.md"]);
    if track {
        lib = lib.track("t", &["skill-10"]);
    }
    let lib = lib.write(&tmp.join("loop"));
    let mut p = Project::create(&tmp.join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2))
        .expect("a cycle in the data does not block loading");
    p
}

pub(super) fn id(p: &Project, reference: &str) -> ModuleId {
    p.resolve_module(reference).unwrap().id
}

/// A library of modules `name:tags` in order, with `requires` module edges and a manifest
/// declaring skills with their skill prerequisites (`slug>slug`).
pub(super) fn skill_project(
    tmp: &Path,
    modules: &[(&str, &str)],
    edges: &[(&str, &str)],
    skills: &[&str],
    skill_edges: &[(&str, &str)],
) -> Project {
    let mut lib = testkit::Library::new();
    for (name, tags) in modules {
        let tags: Vec<&str> = tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        let body = format!("{name} body text.");
        lib = lib.module_text(&format!("{name}.md"), name, None, &tags, &body);
    }
    for (before, after) in edges {
        lib = lib.requires(&format!("{after}.md"), &[&format!("{before}.md")]);
    }
    for slug in skills {
        let requires: Vec<&str> = skill_edges
            .iter()
            .filter(|(_, a)| a == slug)
            .map(|(b, _)| *b)
            .collect();
        lib = lib.skill(slug, &requires);
    }
    let lib = lib.write(&tmp.join("skills-lib"));
    let mut p = Project::create(&tmp.join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    p
}

pub(super) fn encoder() -> &'static embed::Encoder {
    static ENCODER: std::sync::OnceLock<embed::Encoder> = std::sync::OnceLock::new();
    ENCODER.get_or_init(|| embed::Encoder::load(&testkit::model_dir()).expect("the model loads"))
}

/// The three skills of [`tagging_project`], as manifest entries.
pub(super) const TAGGING_SKILLS: &str = r#"
[[skill]]
slug = "objection-handling"
name = "Objection handling"
description = "Responding when a buyer raises concerns about price, risk or competitors."

[[skill]]
slug = "security-review"
name = "Security review"
description = "Answering security questionnaires, data protection and compliance reviews."

[[skill]]
slug = "forecasting"
name = "Forecasting"
description = "Predicting which deals close this quarter and keeping the forecast accurate."
"#;

/// A module written for objection handling.
pub(super) const PRICE_MD: &[u8] = b"---\ntitle: Price pushback\n---\nBuyers often object to the price. When a buyer raises a price objection, acknowledge the concern, ask what they compare it with, and restate the value before offering any discount.\n";

/// A module written for security reviews.
pub(super) const SOC2_MD: &[u8] = b"---\ntitle: Security questionnaires\n---\nEnterprise customers send a security questionnaire about encryption, data protection and compliance. Answer the security review with the trust documentation.\n";

/// A project with a three-skill taxonomy and three modules written for them.
pub(super) fn tagging_project(tmp: &Path) -> (Project, PathBuf) {
    let lib = tmp.join("lib");
    write(&lib, "pathforge.toml", TAGGING_SKILLS.as_bytes());
    write(&lib, "price.md", PRICE_MD);
    write(&lib, "soc2.md", SOC2_MD);
    write(&lib, "empty.md", b"---\ntitle: To be written\n---\n");
    let mut p = Project::create(&tmp.join("p.pathforge"), Timestamp(1)).unwrap();
    p.import_library(&lib, &ME, Timestamp(2)).unwrap();
    (p, lib)
}

pub(super) fn module_by_title(p: &Project, title: &str) -> ModuleId {
    p.modules()
        .unwrap()
        .into_iter()
        .find(|m| m.title == title)
        .unwrap()
        .id
}

pub(super) fn suggested(p: &Project, title: &str) -> Vec<(String, TagState, bool)> {
    p.module_insight(&module_by_title(p, title))
        .unwrap()
        .tags
        .into_iter()
        .filter(|t| t.source == TagSource::Model)
        .map(|t| (t.skill_slug, t.state, t.rejected_before))
        .collect()
}

/// A decisions file as the pack's page saves it, for these (module, skill, state) choices.
pub(super) fn decisions_file(
    pack_html: &str,
    project: &str,
    choices: &[(&str, &str, &str, &str)],
) -> Vec<u8> {
    let data = pack_html
        .split("id=\"pack\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let pack: reviewpack::Pack = serde_json::from_str(data).unwrap();
    let mut d = reviewpack::Decisions {
        format: reviewpack::DECISIONS_FORMAT.into(),
        pack: pack.id.clone(),
        project: project.into(),
        reviewer: "Dana (SME)".into(),
        decisions: choices
            .iter()
            .map(|(module, skill, state, note)| {
                let item = pack
                    .items
                    .iter()
                    .find(|i| i.module == *module && i.skill == *skill)
                    .unwrap();
                reviewpack::Decision {
                    module: item.module.clone(),
                    skill: item.skill.clone(),
                    text_hash: item.text_hash.clone(),
                    state: (*state).into(),
                    note: (*note).into(),
                }
            })
            .collect(),
        checksum: String::new(),
    };
    d.checksum = reviewpack::sha256_hex(&reviewpack::canonical(&d));
    serde_json::to_vec(&d).unwrap()
}

mod audit_words;
mod export;
mod import;
mod merge;
mod prerequisites;
mod review;
mod rule_set;
mod simulation;
mod tagging;
mod taxonomy;
mod tracks;
