//! What a package's pages load — scripts, styles, images, frames, media — that the
//! package does not hold. An LMS shows those pages broken, and an export that carries the
//! package's items copies them as broken as they are, so the import says so, naming the
//! files.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use super::{percent_decoded, Files};

/// The elements whose `src` or `href` a browser loads with the page (a link's `href` is
/// followed only when clicked, so `<a>` is not among them).
const LOADED: [(&str, &str); 10] = [
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("iframe", "src"),
    ("frame", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("track", "src"),
];

/// The one warning a package gets when its pages load files it does not hold, naming the
/// first five ([`missing`]); about the package itself, so a folder library names it.
pub(super) fn warning(files: &Files) -> Option<crate::Warning> {
    let missing = missing(files);
    if missing.is_empty() {
        return None;
    }
    let named: Vec<String> = missing
        .iter()
        .take(5)
        .map(|(page, reference)| format!("{reference} (loaded by {page})"))
        .collect();
    let more = match missing.len() {
        n if n > 5 => format!(" and {} more", n - 5),
        _ => String::new(),
    };
    let count = match missing.len() {
        1 => "a file".to_owned(),
        n => format!("{n} files"),
    };
    Some(crate::Warning {
        relative_path: String::new(),
        message: format!(
            "its pages load {count} the package does not hold: {}{more}. An LMS shows those \
             pages without them, and an export carrying its items copies them as they are",
            named.join(", ")
        ),
    })
}

/// Each (page, reference) where a web page of the package loads a file of the package
/// that is not in it, in page order. Only references that name a file in the package are
/// checked: not web addresses, `data:` and the like, fragments, or URLs a script builds
/// (`{{name}}`, `${x}`, `'a' + b`).
pub(super) fn missing(files: &Files) -> Vec<(String, String)> {
    let mut missing = Vec::new();
    for (page, bytes) in &files.files {
        let lower = page.to_ascii_lowercase();
        if bytes.is_empty() || !(lower.ends_with(".html") || lower.ends_with(".htm")) {
            continue;
        }
        let folder = page.rsplit_once('/').map_or("", |(f, _)| f);
        for reference in loaded(&crate::page_text(bytes, true)) {
            let Some(path) = local(&reference) else {
                continue;
            };
            let found = joined(folder, path).is_some_and(|at| {
                files.files.contains_key(&at) || files.files.contains_key(&percent_decoded(&at))
            });
            if !found {
                missing.push((page.clone(), reference));
            }
        }
    }
    missing
}

/// The `src`/`href` values of what `html` loads ([`LOADED`]), as html5ever parses them
/// (through ammonia, whose attribute filter sees every attribute it keeps).
fn loaded(html: &str) -> BTreeSet<String> {
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let keep = Arc::clone(&seen);
    let tags = LOADED.map(|(tag, _)| tag);
    let mut builder = ammonia::Builder::default();
    builder
        .clean_content_tags(std::collections::HashSet::new())
        .add_tags(tags)
        .url_relative(ammonia::UrlRelative::PassThrough)
        .attribute_filter(move |element, attribute, value| {
            if LOADED.contains(&(element, attribute)) {
                keep.lock().expect("not poisoned").insert(value.to_owned());
            }
            Some(Cow::Borrowed(value))
        });
    for (tag, attribute) in LOADED {
        builder.add_tag_attributes(tag, [attribute]);
    }
    builder.clean(html);
    let seen = seen.lock().expect("not poisoned").clone();
    seen
}

/// The path of the package file `reference` names, if it names one: its query and
/// fragment dropped.
fn local(reference: &str) -> Option<&str> {
    let r = reference.trim();
    let scheme = r
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
    let built = ["{{", "${", "+", "`", "<%"].iter().any(|m| r.contains(m));
    if r.is_empty() || scheme || built || r.starts_with("//") || r.starts_with('#') {
        return None;
    }
    let path = r.split(['?', '#']).next().unwrap_or(r);
    (!path.is_empty() && !path.starts_with('/')).then_some(path)
}

/// `path` taken from the package folder `folder`, `.` and `..` resolved; `None` when it
/// climbs out of the package.
fn joined(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T: PartialEq + std::fmt::Debug>(got: T, want: T, why: &str) {
        assert_eq!(got, want, "{why}");
    }

    #[test]
    fn only_what_a_page_loads_from_the_package_and_is_not_there_is_named() {
        let page = r#"<html><head>
            <link rel="stylesheet" href="style/framed.css">
            <script src="js/cmi5.min.js"></script>
            <script src="https://cdn.example/lib.js"></script>
            <script src="{{ base }}/x.js"></script>
          </head><body>
            <img src="../shared/logo.png?v=2"><img src="img/here.png">
            <img src="data:image/png;base64,AAAA"><a href="missing-but-only-a-link.html">next</a>
            <iframe src="my%20frame.html#top"></iframe><video src="/absolute.mp4"></video>
          </body></html>"#;
        let files = Files {
            files: [
                ("course/index.html", page.as_bytes()),
                ("course/img/here.png", b""),
                ("course/my frame.html", b""),
                ("shared/logo.png", b""),
            ]
            .into_iter()
            .map(|(n, b)| (n.to_owned(), b.to_vec()))
            .collect(),
        };
        check(
            missing(&files),
            vec![
                ("course/index.html".to_owned(), "js/cmi5.min.js".to_owned()),
                (
                    "course/index.html".to_owned(),
                    "style/framed.css".to_owned(),
                ),
            ],
            "a stylesheet and a script the package lacks are named; what is there (relative \
             to the page, `..` and percent-encoding resolved), on the web, built by a \
             template, inline, only linked, or absolute on the server is not",
        );
    }

    #[test]
    fn a_path_is_taken_from_its_pages_folder() {
        for (folder, path, want, why) in [
            ("a/b", "c.js", Some("a/b/c.js"), "beside the page"),
            ("a/b", "../c.js", Some("a/c.js"), "one folder up"),
            ("a", "./x/../c.js", Some("a/c.js"), "dots resolved"),
            ("", "../c.js", None, "out of the package"),
        ] {
            check(joined(folder, path).as_deref(), want, why);
        }
    }
}
