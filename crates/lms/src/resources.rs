//! A SCORM manifest's `<resources>`: each module's page of its text, or the package item
//! an export carries as it is ([`crate::Carried`]) with its package's files under
//! `items/PACKAGE/` — written the same way for SCORM 2004 and 1.2.

use std::collections::{BTreeMap, BTreeSet};

use crate::{html_page, xml::Xml, Copied, CourseModule, Files, Plan};

/// Writes `<resources>` for every module of `plan` into `x` and the files they name into
/// `files`; `scorm_type` is the resource attribute's name in the manifest's SCORM version
/// (`adlcp:scormType` in 2004, `adlcp:scormtype` in 1.2).
pub(crate) fn write(plan: &Plan<'_>, x: &mut Xml, files: &mut Files, scorm_type: &str) {
    x.open("resources", &[]);
    let packages = carry_packages(plan);
    for m in &plan.order {
        let ident = plan.ident(&m.key);
        let href = launch_of(plan, m, files);
        let carried = plan.carried(m);
        let kind = match carried {
            Some(c) if c.sco => "sco",
            _ => "asset",
        };
        x.open(
            "resource",
            &[
                ("identifier", format!("R-{ident}").as_str()),
                ("type", "webcontent"),
                (scorm_type, kind),
                ("href", href.as_str()),
            ],
        );
        for file in own_files(plan, m) {
            x.empty("file", &[("href", file.as_str())]);
        }
        if let Some(c) = carried {
            x.empty(
                "dependency",
                &[("identifierref", package_ident(&c.package).as_str())],
            );
        }
        x.close("resource");
    }
    package_resources(x, &packages, scorm_type);
    x.close("resources");
}

/// Where a package-writing target launches module `m`: its carried item under
/// `items/PACKAGE/`, or a page of its text, written into `files` now, under `content/`.
fn launch_of(plan: &Plan<'_>, m: &CourseModule, files: &mut Files) -> String {
    match plan.carried(m) {
        Some(c) => carried_path(&c.package, &c.launch),
        None => {
            let href = page_path(plan, m);
            let page = html_page(&m.title, &m.body, plan.course.remote_images);
            files.insert(href.clone(), page);
            href
        }
    }
}

/// The file a launch URL names (its query and fragment dropped), for a manifest's `<file>`.
fn file_of(href: &str) -> &str {
    href.split(['?', '#']).next().unwrap_or(href)
}

/// The manifest identifier of the resource holding a carried package's files.
fn package_ident(package: &str) -> String {
    format!("P-{package}")
}

/// One asset resource per carried package, listing its files, on which each of its
/// items' resources depends (`scorm_type` is the attribute's name in the manifest's SCORM
/// version).
fn package_resources(x: &mut Xml, packages: &BTreeMap<String, Vec<String>>, scorm_type: &str) {
    for (name, paths) in packages {
        x.open(
            "resource",
            &[
                ("identifier", package_ident(name).as_str()),
                ("type", "webcontent"),
                (scorm_type, "asset"),
            ],
        );
        for path in paths {
            x.empty("file", &[("href", path.as_str())]);
        }
        x.close("resource");
    }
}

/// The files of every package a carried module of this export comes from, by their path
/// under `items/PACKAGE/` (its own manifest left out: the export's is the only one), each
/// with the package file it copies: what the export copies as it is written.
pub(crate) fn copied(plan: &Plan<'_>) -> BTreeMap<String, Copied> {
    package_files(plan)
        .map(|(name, path, file)| (carried_path(name, path), file.clone()))
        .collect()
}

/// The paths of [`copied`] files for the manifest to list, for each package carried
/// (those an item's resource lists as its own left out: they are listed there).
fn carry_packages(plan: &Plan<'_>) -> BTreeMap<String, Vec<String>> {
    let own: BTreeSet<String> = plan.order.iter().flat_map(|m| own_files(plan, m)).collect();
    let mut listed: BTreeMap<String, Vec<String>> = carried_packages(plan)
        .map(|name| (name.to_owned(), Vec::new()))
        .collect();
    for (name, path, _) in package_files(plan) {
        let at = carried_path(name, path);
        if !own.contains(&at) {
            listed.entry(name.to_owned()).or_default().push(at);
        }
    }
    listed
}

/// The names of the packages this export's carried modules come from.
fn carried_packages<'a>(plan: &Plan<'a>) -> impl Iterator<Item = &'a str> {
    let used: BTreeSet<&'a str> = plan
        .order
        .iter()
        .filter_map(|m| plan.carried(m))
        .map(|c| c.package.as_str())
        .collect();
    used.into_iter()
}

/// Each file of the carried packages but their manifests: package name, path under its
/// manifest's folder, where it is copied from.
fn package_files<'a>(plan: &Plan<'a>) -> impl Iterator<Item = (&'a str, &'a str, &'a Copied)> {
    let packages = &plan.course.packages;
    carried_packages(plan).flat_map(move |name| {
        packages
            .get(name)
            .into_iter()
            .flatten()
            .filter(|(path, _)| *path != "imsmanifest.xml" && *path != "cmi5.xml")
            .map(move |(path, file)| (name, path.as_str(), file))
    })
}

/// The files the resource of module `m` lists as its own: its page, or a carried item's
/// launch file and the pages its text came from.
fn own_files(plan: &Plan<'_>, m: &CourseModule) -> Vec<String> {
    match plan.carried(m) {
        Some(c) => std::iter::once(file_of(&c.launch))
            .chain(c.pages.iter().map(String::as_str))
            .map(|f| carried_path(&c.package, f))
            .collect(),
        None => vec![page_path(plan, m)],
    }
}

/// Where module `m`'s page of its text goes in an export.
fn page_path(plan: &Plan<'_>, m: &CourseModule) -> String {
    format!("content/{}.html", plan.ident(&m.key))
}

/// Where the file `path` of the carried package `name` goes in an export.
pub(crate) fn carried_path(name: &str, path: &str) -> String {
    format!("items/{name}/{path}")
}
