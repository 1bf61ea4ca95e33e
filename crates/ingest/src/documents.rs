//! Documents other than Markdown in a library folder: HTML, plain text, PDF, Word (.docx)
//! and PowerPoint (.pptx). One module per file; the title comes from the document's metadata,
//! else its first heading or line, else the file name; the duration from the word count.

use std::io::Read;
use std::path::Path;

use crate::{Error, ModuleDraft, Result};

/// File extensions read as documents (besides Markdown).
pub const EXTENSIONS: [&str; 6] = ["html", "htm", "txt", "pdf", "docx", "pptx"];

pub fn is_document(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Reads one document; `path` names the file in errors.
pub fn parse_document(path: &Path, relative_path: &str, bytes: &[u8]) -> Result<ModuleDraft> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut encoding = None;
    let (title, body) = match ext.as_str() {
        "html" | "htm" => {
            let (source, read_as) = crate::text_of(path, bytes, true)?;
            encoding = read_as;
            html(path, &source)?
        }
        "txt" => {
            let (text, read_as) = crate::text_of(path, bytes, false)?;
            encoding = read_as;
            let title = text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_owned);
            (title, text)
        }
        "pdf" => pdf(path, bytes)?,
        "docx" => office(path, bytes, |name| name == "word/document.xml", "p")?,
        "pptx" => office(
            path,
            bytes,
            |name| name.starts_with("ppt/slides/slide") && name.ends_with(".xml"),
            "p",
        )?,
        _ => return Err(Error::bad(path, "is not a document Pathforge reads")),
    };
    if body.trim().is_empty() {
        return Err(Error::bad(path, "has no text"));
    }
    let images = match ext.as_str() {
        "html" | "htm" => crate::markdown::html_images(&String::from_utf8_lossy(bytes)),
        _ => 0,
    };
    let stem = Path::new(relative_path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let title = title
        .filter(|t| !t.trim().is_empty())
        .or(stem)
        .unwrap_or_else(|| relative_path.to_owned());
    let word_count = body.split_whitespace().count() as u32;
    let mut extra = serde_json::Map::new();
    extra.insert("document".into(), serde_json::json!(ext));
    if let Some(encoding) = encoding {
        extra.insert("encoding".into(), serde_json::json!(encoding));
    }
    Ok(ModuleDraft {
        relative_path: relative_path.to_owned(),
        title: title.trim().chars().take(200).collect(),
        duration_minutes: crate::markdown::estimated_minutes(word_count, images),
        level: None,
        tags: Vec::new(),
        extra,
        body,
        word_count,
    })
}

/// A page's title and text, from its `source` (decoded).
fn html(path: &Path, source: &str) -> Result<(Option<String>, String)> {
    let text = html_to_text(source.as_bytes())
        .map_err(|e| Error::bad(path, format!("unreadable HTML: {e}")))?;
    // html2text renders the title element nowhere; find it, else the first heading line.
    let lower = source.to_ascii_lowercase();
    // Its entities decoded (`&amp;` is "&") and any markup in it dropped, as in the text.
    let title = lower.find("<title>").and_then(|start| {
        let end = lower[start..].find("</title>")? + start;
        let raw = &source[start + 7..end];
        let decoded = html_to_text(format!("<p>{raw}</p>").as_bytes()).ok()?;
        Some(decoded.split_whitespace().collect::<Vec<_>>().join(" "))
    });
    let heading = text
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .map(str::to_owned);
    Ok((title.or(heading), text))
}

/// Text of a PDF, page by page, and the title from its document information. Scanned PDFs
/// (images only) have no text and are refused as such by the caller; encrypted ones open
/// only when they have no user password, as any reader would open them.
fn pdf(path: &Path, bytes: &[u8]) -> Result<(Option<String>, String)> {
    let mut doc = lopdf::Document::load_mem(bytes)
        .map_err(|e| Error::bad(path, format!("is not a readable PDF ({e})")))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(Error::bad(
            path,
            "is a password-protected PDF; save a copy without the password to import it",
        ));
    }
    let title = doc
        .trailer
        .get(b"Info")
        .and_then(|info| doc.dereference(info))
        .and_then(|(_, info)| info.as_dict())
        .and_then(|info| info.get(b"Title"))
        .and_then(lopdf::decode_text_string)
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let mut text = String::new();
    // pdf-extract panics on some malformed fonts and content streams rather than erring;
    // one odd file must not take the import (or the app) down with it.
    let extracted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut out = pdf_extract::PlainTextOutput::new(&mut text);
        pdf_extract::output_doc(&doc, &mut out)
    }));
    match extracted {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            return Err(Error::bad(
                path,
                format!("PDF text could not be read ({e})"),
            ))
        }
        Err(_) => {
            return Err(Error::bad(
                path,
                "PDF text could not be read (malformed content)",
            ))
        }
    }
    let heading = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_owned);
    Ok((title.or(heading), text))
}

/// Visible text of an HTML page: scripts and styles dropped, heading markers removed.
pub(crate) fn html_to_text(bytes: &[u8]) -> std::result::Result<String, html2text::Error> {
    let text = html2text::config::plain_no_decorate().string_from_read(bytes, 10_000)?;
    Ok(text
        .lines()
        .map(|l| l.trim_start_matches('#').trim_start())
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Text of an Office Open XML file: every paragraph of the parts `wanted` selects, in name
/// order (slide2 before slide10), and the title from `docProps/core.xml`.
fn office(
    path: &Path,
    bytes: &[u8],
    wanted: impl Fn(&str) -> bool,
    paragraph: &str,
) -> Result<(Option<String>, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        Error::bad(
            path,
            format!("is not a readable Office file (corrupt or password-protected?): {e}"),
        )
    })?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok())
        .map(|n| n.into_owned())
        .collect();
    let mut parts: Vec<String> = names.iter().filter(|n| wanted(n)).cloned().collect();
    let number = |n: &str| {
        n.chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse::<u32>()
            .unwrap_or(0)
    };
    parts.sort_by_key(|n| number(n));
    let read = |zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str| -> Result<String> {
        let mut f = zip
            .by_name(name)
            .map_err(|e| Error::bad(path, format!("{name}: {e}")))?;
        let mut s = String::new();
        f.by_ref()
            .take(64 << 20)
            .read_to_string(&mut s)
            .map_err(|e| Error::bad(path, format!("{name}: {e}")))?;
        Ok(s)
    };
    let mut body = String::new();
    for name in &parts {
        let xml = read(&mut zip, name)?;
        let doc = roxmltree::Document::parse(&xml)
            .map_err(|e| Error::bad(path, format!("{name} is malformed XML: {e}")))?;
        for p in doc
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == paragraph)
        {
            let line: String = p
                .descendants()
                .filter(|n| n.is_element() && n.tag_name().name() == "t")
                .filter_map(|t| t.text())
                .collect();
            if !line.trim().is_empty() {
                body.push_str(line.trim());
                body.push('\n');
            }
        }
        body.push('\n');
    }
    if parts.is_empty() {
        return Err(Error::bad(
            path,
            "is not a Word or PowerPoint document (no content parts)",
        ));
    }
    let title = names
        .iter()
        .any(|n| n == "docProps/core.xml")
        .then(|| read(&mut zip, "docProps/core.xml").ok())
        .flatten()
        .and_then(|xml| {
            let doc = roxmltree::Document::parse(&xml).ok()?;
            let t = doc
                .descendants()
                .find(|n| n.tag_name().name() == "title")?
                .text()?
                .trim()
                .to_owned();
            (!t.is_empty()).then_some(t)
        })
        .or_else(|| {
            body.lines()
                .find(|l| !l.trim().is_empty())
                .map(str::to_owned)
        });
    Ok((title, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn office_file(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, xml) in parts {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(xml.as_bytes()).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    fn check(name: &str, bytes: &[u8], title: &str, words: u32, why: &str) {
        let d =
            parse_document(Path::new(name), name, bytes).unwrap_or_else(|e| panic!("{why}: {e}"));
        assert_eq!(d.title, title, "{why}: title");
        assert_eq!(d.word_count, words, "{why}: words");
    }

    #[test]
    fn documents_read_in_the_encoding_they_were_saved_in() {
        let check = |name: &str,
                     bytes: &[u8],
                     title: &str,
                     body: &str,
                     encoding: Option<&str>,
                     why: &str| {
            let d = parse_document(Path::new(name), name, bytes)
                .unwrap_or_else(|e| panic!("{why}: {e}"));
            assert_eq!(d.title, title, "{name}: {why}");
            assert!(d.body.contains(body), "{name}: {why}: {:?}", d.body);
            assert_eq!(
                d.extra.get("encoding").and_then(|e| e.as_str()),
                encoding,
                "{name}: the encoding is kept when it was not UTF-8: {why}"
            );
        };
        check(
            "word.htm",
            b"<html><head><meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\"><title>Caf\xe9 service</title></head><body><p>Serve \x93hot\x94 drinks \x96 always.</p></body></html>",
            "Café service",
            "Serve \u{201c}hot\u{201d} drinks \u{2013} always.",
            Some("windows-1252"),
            "Word's “Web Page, Filtered” on Windows: its declared charset, curly quotes and dashes included",
        );
        check(
            "latin.html",
            b"<meta charset='ISO-8859-1'><title>Th\xe9 vert</title><p>Infusion.</p>",
            "Thé vert",
            "Infusion.",
            Some("windows-1252"),
            "ISO-8859-1 declared is read as Windows-1252, as browsers do",
        );
        check(
            "moved.html",
            "<meta charset=\"iso-8859-1\"><title>Café</title><p>Edited since in UTF-8.</p>"
                .as_bytes(),
            "Café",
            "Edited since",
            None,
            "an old template's declaration over bytes that are UTF-8 beyond ASCII: UTF-8 wins",
        );
        check(
            "plain.html",
            b"<meta charset=\"windows-1252\"><title>Plain</title><p>Only ASCII here.</p>",
            "Plain",
            "Only ASCII here.",
            None,
            "a declared Windows-1252 page all in ASCII reads the same either way: no warning",
        );
        check(
            "notes.txt",
            b"Caf\xe9 service\nServing at the table.\n",
            "Café service",
            "Serving at the table.",
            Some("windows-1252"),
            "Notepad's “ANSI”: no UTF-8 in it, so Windows-1252",
        );
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(
                "Café service\r\nServing."
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        check(
            "unicode.txt",
            &utf16,
            "Café service",
            "Serving.",
            Some("UTF-16LE"),
            "Notepad's “Unicode”: UTF-16 by its mark",
        );
    }

    #[test]
    fn each_document_kind_yields_title_and_text() {
        check(
            "a.html",
            b"<html><head><title>Pricing 101</title><style>p{}</style></head><body><h1>Big</h1><p>Four words of text.</p><script>var x = 1;</script></body></html>",
            "Pricing 101",
            5,
            "HTML: the title element, text without scripts or styles",
        );
        check(
            "t.html",
            b"<html><head><title>Q&amp;A: pricing &lt;101&gt; &#8212; &quot;tiers&quot;</title></head><body><p>Two words.</p></body></html>",
            "Q&A: pricing <101> \u{2014} \"tiers\"",
            2,
            "HTML: entities in the title are decoded, as in the text",
        );
        check(
            "b.txt",
            b"\n  First line here\nand more words\n",
            "First line here",
            6,
            "text: the first line is the title",
        );
        let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
        let docx = office_file(&[
            (
                "word/document.xml",
                &format!(
                    r#"<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>Negotiation</w:t></w:r><w:r><w:t> basics</w:t></w:r></w:p><w:p><w:r><w:t>Trade, never give.</w:t></w:r></w:p></w:body></w:document>"#
                ),
            ),
            (
                "docProps/core.xml",
                r#"<cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Negotiation Basics</dc:title></cp:coreProperties>"#,
            ),
        ]);
        check(
            "c.docx",
            &docx,
            "Negotiation Basics",
            5,
            "Word: runs joined per paragraph; the title from core properties",
        );
        let a = "http://schemas.openxmlformats.org/drawingml/2006/main";
        let slide = |t: &str| {
            format!(
                r#"<p:sld xmlns:p="p" xmlns:a="{a}"><a:p><a:r><a:t>{t}</a:t></a:r></a:p></p:sld>"#
            )
        };
        let (s1, s2, s10) = (slide("Slide one"), slide("Slide two"), slide("Slide ten"));
        let pptx = office_file(&[
            ("ppt/slides/slide10.xml", &s10),
            ("ppt/slides/slide2.xml", &s2),
            ("ppt/slides/slide1.xml", &s1),
        ]);
        let d = parse_document(Path::new("d.pptx"), "d.pptx", &pptx).unwrap();
        assert_eq!(
            d.body.split_whitespace().collect::<Vec<_>>().join(" "),
            "Slide one Slide two Slide ten",
            "slides in number order"
        );
        assert_eq!(
            d.title, "Slide one",
            "PowerPoint: the first text when there is no title"
        );
    }

    #[test]
    fn pdfs_yield_their_title_and_text_across_pages() {
        let long: String = (0..700).map(|i| format!("word{i} ")).collect();
        let bytes = testkit::pdf(
            "Hand Hygiene",
            &[
                "The five moments for hand hygiene.",
                "Rub for twenty seconds.",
                &long,
            ],
        );
        let d = parse_document(Path::new("h.pdf"), "h.pdf", &bytes).expect("a text PDF reads");
        assert_eq!(
            d.title, "Hand Hygiene",
            "the title from the document information"
        );
        assert!(
            d.body.contains("five moments for hand hygiene") && d.body.contains("word699"),
            "text of every page, the last one included: {:?}",
            &d.body[..200.min(d.body.len())]
        );
        assert_eq!(d.word_count, 6 + 4 + 700, "every word counted once");
        assert_eq!(d.extra["document"], "pdf", "the source kind is kept");
    }

    #[test]
    fn bad_documents_are_named() {
        let err = |name: &str, bytes: &[u8]| {
            parse_document(Path::new(name), name, bytes)
                .unwrap_err()
                .to_string()
        };
        assert!(
            err("x.docx", b"not a zip").contains("x.docx: is not a readable Office file"),
            "a corrupt Word file"
        );
        assert!(
            err("e.txt", b"   ").contains("e.txt: has no text"),
            "an empty file"
        );
        assert!(
            err("l.html", b"caf\xc3\xa9 th\xe9")
                .contains("not UTF-8 text (invalid byte at offset 8)"),
            "UTF-8 with a broken byte is refused where it is, not read as Windows-1252"
        );
        assert!(
            err("n.txt", b"\0\0\x01binary").contains("n.txt: is not text"),
            "a binary file named .txt"
        );
        assert!(
            err("c.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog")
                .contains("c.pdf: is not a readable PDF"),
            "a corrupt PDF"
        );
        let locked = testkit::pdf_with_password("Secret", &["Hidden words."], "s3cret");
        assert!(
            err("p.pdf", &locked).contains("p.pdf: is a password-protected PDF"),
            "a PDF that needs a password: {}",
            err("p.pdf", &locked)
        );
        let empty = testkit::pdf("Scanned", &[""]);
        assert!(
            err("s.pdf", &empty).contains("s.pdf: has no text"),
            "a PDF without text (a scan)"
        );
    }
}
