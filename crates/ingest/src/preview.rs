//! A module's page as the window previews it: the source HTML (or Markdown rendered to
//! HTML) sanitised, because imported content is untrusted. Scripts, event handlers,
//! styles, forms, frames and every URL (remote, relative, `data:`, `javascript:`) are
//! removed, so a preview can run nothing and fetch nothing; the window also shows it in a
//! sandboxed frame. Sources with no page of their own (PDF, Office, catalog rows) preview
//! as their text.

use std::collections::HashSet;
use std::path::Path;

use crate::Result;

/// The sanitised page of the module at `module_path` in the library at `library`
/// (a folder, or a package file); `launch` is a package item's launch file and `pages` the
/// other pages its text was read from (a launcher's frames: the import's `pages`), shown
/// after it one below the other; `body` the module's text for sources with no page. A
/// source that is gone previews as its text, with a line saying why.
pub fn preview_page(
    library: &Path,
    module_path: &str,
    launch: Option<&str>,
    pages: &[&str],
    body: &str,
) -> Result<String> {
    match page_source(library, module_path, launch, pages) {
        Ok(Some((sources, markdown))) => Ok(sources
            .iter()
            .map(|html| match markdown {
                true => sanitise(&markdown_html(html)),
                false => sanitise(html),
            })
            .collect::<Vec<_>>()
            .join("<hr>")),
        Ok(None) => Ok(text_page(body, None)),
        Err(e) => Ok(text_page(body, Some(&e.to_string()))),
    }
}

/// Removes everything that could run or fetch: only plain structural and text markup is
/// kept, with no URL of any kind.
pub fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(HashSet::new())
        .url_relative(ammonia::UrlRelative::Deny)
        .rm_tags(["img"])
        .clean_content_tags(HashSet::from(["script", "style", "title"]))
        .link_rel(None)
        .clean(html)
        .to_string()
}

/// The page's source text (a package item's: its launch file's, then its other pages')
/// and whether it is Markdown, or `None` when the module has no page (its text is all
/// there is).
fn page_source(
    library: &Path,
    module_path: &str,
    launch: Option<&str>,
    pages: &[&str],
) -> Result<Option<(Vec<String>, bool)>> {
    if let Some((package, _item)) = crate::package::package_of(library, module_path) {
        let Some(launch) = launch.filter(|l| !l.contains("://")) else {
            return Ok(None);
        };
        let parts: Vec<&str> = std::iter::once(launch)
            .chain(pages.iter().copied())
            .collect();
        let sources = crate::package::read_parts(&package, &parts)?
            .iter()
            .map(|bytes| crate::page_text(bytes, true))
            .collect();
        return Ok(Some((sources, false)));
    }
    let file = library.join(module_path);
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let markdown = match ext.as_deref() {
        Some("html" | "htm" | "xhtml") => false,
        Some("md" | "markdown") => true,
        _ => return Ok(None),
    };
    let bytes = crate::read_file(&file)?;
    Ok(Some((vec![crate::page_text(&bytes, !markdown)], markdown)))
}

/// Markdown (front matter dropped) as HTML.
fn markdown_html(text: &str) -> String {
    let body = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---").map(|(_, after)| after))
        .unwrap_or(text);
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new(body));
    out
}

/// Text as paragraphs, escaped; with a first line saying why there is no page.
fn text_page(body: &str, why: Option<&str>) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut out = String::new();
    if let Some(why) = why {
        out += &format!(
            "<p><em>The page could not be read ({}); its text:</em></p>",
            escape(why)
        );
    }
    for para in body.split("\n\n").filter(|p| !p.trim().is_empty()) {
        out += &format!("<p>{}</p>", escape(para.trim()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = r#"<html><head><title>T</title>
<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/meta">
<base href="http://127.0.0.1:9/">
<link rel="stylesheet" href="http://127.0.0.1:9/style.css">
<style>body { background: url(http://127.0.0.1:9/bg.png) }</style>
<script>window.__TAURI_INTERNALS__.invoke('create_project', {path: '/tmp/pwned'})</script>
</head><body onload="alert(1)">
<h1>Safe heading</h1><p style="background:url(http://127.0.0.1:9/p.png)">Safe paragraph</p>
<img src="http://127.0.0.1:9/pixel.png" onerror="parent.__TAURI__.core.invoke('x')">
<a href="javascript:parent.__TAURI_INTERNALS__.invoke('x')">js link</a>
<a href="https://example.com/out">web link</a> <a href="page2.html">relative link</a>
<iframe src="http://127.0.0.1:9/frame"></iframe><object data="http://127.0.0.1:9/o"></object>
<embed src="http://127.0.0.1:9/e"><form action="http://127.0.0.1:9/f"><input name="q"></form>
<svg onload="alert(1)"><image href="http://127.0.0.1:9/svg.png"/></svg>
<video src="http://127.0.0.1:9/v.mp4" poster="http://127.0.0.1:9/poster.png"></video>
</body></html>"#;

    fn check_safe(html: &str, why: &str) {
        let lower = html.to_lowercase();
        for bad in [
            "<script",
            "onload",
            "onerror",
            "<iframe",
            "<style",
            "style=",
            "http:",
            "https:",
            "javascript:",
            "<img",
            "<meta",
            "<base",
            "<link",
            "<object",
            "<embed",
            "<form",
            "<svg",
            "<video",
            "href=\"page2",
            "__tauri",
        ] {
            assert!(
                !lower.contains(bad),
                "{why}: the preview must not keep {bad:?}: {html}"
            );
        }
    }

    #[test]
    fn hostile_html_keeps_its_text_and_loses_everything_that_runs_or_fetches() {
        let page = sanitise(HOSTILE);
        check_safe(&page, "an HTML page");
        for text in ["Safe heading", "Safe paragraph", "js link", "web link"] {
            assert!(
                page.contains(text),
                "the readable text stays: {text:?} in {page}"
            );
        }
    }

    #[test]
    fn pages_come_from_documents_markdown_and_package_items() {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path();
        std::fs::write(lib.join("page.html"), HOSTILE).unwrap();
        std::fs::write(
            lib.join("notes.md"),
            "---\ntitle: Notes\n---\n# Heading\n\nText <script>alert(1)</script> and ![x](http://127.0.0.1:9/i.png)\n",
        )
        .unwrap();
        let pkg = lib.join("packages/course");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("imsmanifest.xml"), "<manifest/>").unwrap();
        std::fs::write(
            pkg.join("lesson.html"),
            HOSTILE.replace("Safe heading", "Lesson heading"),
        )
        .unwrap();

        let page = preview_page(lib, "page.html", None, &[], "").unwrap();
        check_safe(&page, "an HTML document");
        assert!(page.contains("Safe heading"), "the document's page: {page}");

        let page = preview_page(lib, "notes.md", None, &[], "").unwrap();
        check_safe(&page, "Markdown");
        assert!(
            page.contains("<h1>Heading</h1>") && !page.contains("title: Notes"),
            "Markdown is rendered, front matter dropped: {page}"
        );

        let page =
            preview_page(lib, "packages/course/item-1", Some("lesson.html"), &[], "").unwrap();
        check_safe(&page, "a package item");
        assert!(
            page.contains("Lesson heading"),
            "the item's launch page: {page}"
        );

        std::fs::write(
            pkg.join("launch.html"),
            "<p>Loading…</p><script>go()</script>",
        )
        .unwrap();
        std::fs::write(
            pkg.join("par.html"),
            HOSTILE.replace("Safe heading", "Par heading"),
        )
        .unwrap();
        let page = preview_page(
            lib,
            "packages/course/item-2",
            Some("launch.html"),
            &["lesson.html", "par.html"],
            "",
        )
        .unwrap();
        check_safe(&page, "a launcher's pages");
        let at = |needle: &str| {
            page.find(needle)
                .unwrap_or_else(|| panic!("{needle} in {page}"))
        };
        assert!(
            at("Loading") < at("Lesson heading") && at("Lesson heading") < at("Par heading"),
            "a launcher's item shows the launcher, then the pages its text was read from, in \
             that order: {page}"
        );

        let page =
            preview_page(lib, "guide.pdf", None, &[], "First <b>para</b>.\n\nSecond.").unwrap();
        assert_eq!(
            page, "<p>First &lt;b&gt;para&lt;/b&gt;.</p><p>Second.</p>",
            "a source with no page previews as its text, escaped"
        );

        let page = preview_page(lib, "gone.html", None, &[], "Still here.").unwrap();
        assert!(
            page.contains("gone.html") && page.contains("<p>Still here.</p>"),
            "a source that is gone previews as its text and says why: {page}"
        );
    }
}
