//! Folders of Markdown files with optional YAML front matter, one module per file.
//!
//! Front matter keys Pathforge understands: `title`, `duration_minutes`, `level`
//! (beginner, intermediate, advanced) and `tags` (skill slugs). Other keys are kept
//! verbatim in [`ModuleDraft::extra`]. Without a title the first heading is used, then the
//! file name; without a duration it is derived from the word count at
//! [`WORDS_PER_MINUTE`] plus [`SECONDS_PER_IMAGE`] per image. A file named `README.md`
//! documents the library and is not a module.

use std::path::Path;

use model::Level;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::{Error, ModuleDraft, Result};

/// Reading rate used to derive a duration when the author gave none.
pub const WORDS_PER_MINUTE: u32 = 200;

/// Skills one module may declare in its front matter. Real modules declare a handful; a
/// list in the thousands is a taxonomy pasted in by mistake, and is refused with the count.
pub const MAX_TAGS: usize = 1_000;

/// Time to look at one image, in seconds (the common reading-time rule, e.g. Medium's).
pub const SECONDS_PER_IMAGE: u32 = 12;

/// Derived duration: reading time plus looking at the images, at least a minute.
pub fn estimated_minutes(words: u32, images: u32) -> u32 {
    (words * 60 / WORDS_PER_MINUTE + images * SECONDS_PER_IMAGE)
        .div_ceil(60)
        .max(1)
}

/// Images in HTML markup (`<img` tags), for the duration estimate.
pub(crate) fn html_images(html: &str) -> u32 {
    html.to_ascii_lowercase().matches("<img").count() as u32
}

#[derive(Deserialize)]
struct FrontMatter {
    title: Option<String>,
    duration_minutes: Option<u32>,
    level: Option<String>,
    tags: Option<Vec<String>>,
    #[serde(flatten)]
    extra: serde_json::Map<String, serde_json::Value>,
}

pub(crate) fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

pub(crate) fn is_readme(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.eq_ignore_ascii_case("readme"))
}

/// Parses one Markdown file. `path` is only used to name the file in errors.
pub fn parse_markdown(path: &Path, relative_path: &str, bytes: &[u8]) -> Result<ModuleDraft> {
    let (text, encoding) = crate::text_of(path, bytes, false)?;
    let (front, body) = split_front_matter(path, &text)?;
    let front: FrontMatter = match front {
        None => FrontMatter {
            title: None,
            duration_minutes: None,
            level: None,
            tags: None,
            extra: serde_json::Map::new(),
        },
        Some(yaml) if yaml.trim().is_empty() => {
            serde_yaml_ng::from_str("{}").expect("an empty mapping is valid front matter")
        }
        Some(yaml) => serde_yaml_ng::from_str(yaml).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(" at line {}", l.line() + 1))
                .unwrap_or_default();
            Error::bad(path, format!("broken front matter{at}: {e}"))
        })?,
    };

    let (heading, word_count, images) = scan_body(body);
    let title = match front.title.map(|t| t.trim().to_owned()) {
        Some(t) if !t.is_empty() => t,
        Some(_) => return Err(Error::bad(path, "front matter `title` is empty")),
        None => heading.unwrap_or_else(|| {
            Path::new(relative_path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| relative_path.to_owned())
        }),
    };
    let duration_minutes = match front.duration_minutes {
        Some(0) => {
            return Err(Error::bad(
                path,
                "front matter `duration_minutes` must be above 0",
            ))
        }
        Some(d) => d,
        None => estimated_minutes(word_count, images),
    };
    let level = match front.level {
        None => None,
        Some(l) => Some(Level::parse(l.trim()).ok_or_else(|| {
            Error::bad(
                path,
                format!(
                    "front matter `level` must be beginner, intermediate or advanced, not {l:?}"
                ),
            )
        })?),
    };
    let declared = front.tags.unwrap_or_default();
    let mut tags: Vec<String> = Vec::with_capacity(declared.len());
    let mut seen = std::collections::HashSet::with_capacity(declared.len());
    for tag in declared {
        let tag = tag.trim().to_owned();
        if tag.is_empty() {
            return Err(Error::bad(path, "front matter `tags` holds an empty tag"));
        }
        if seen.insert(tag.clone()) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(Error::bad(
            path,
            format!(
                "front matter `tags` holds {} tags; a module can declare at most {MAX_TAGS} \
                 (split the module, or keep the skills in the taxonomy and tag only what it teaches)",
                tags.len()
            ),
        ));
    }
    let mut extra = front.extra;
    if let Some(encoding) = encoding {
        extra.insert("encoding".into(), serde_json::json!(encoding));
    }
    Ok(ModuleDraft {
        relative_path: relative_path.to_owned(),
        title,
        duration_minutes,
        level,
        tags,
        extra,
        body: body.to_owned(),
        word_count,
    })
}

/// Splits `---\nYAML\n---\nbody`. A file that does not start with `---` has no front matter.
fn split_front_matter<'a>(path: &Path, text: &'a str) -> Result<(Option<&'a str>, &'a str)> {
    let Some(rest) = text.strip_prefix("---") else {
        return Ok((None, text));
    };
    let Some(rest) = rest
        .strip_prefix('\n')
        .or_else(|| rest.strip_prefix("\r\n"))
    else {
        return Ok((None, text)); // `----` or `--- x`: a rule or text, not front matter
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            return Ok((Some(&rest[..offset]), &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(Error::bad(
        path,
        "broken front matter: the opening `---` is never closed",
    ))
}

/// Returns the text of the first heading and the number of words a reader reads.
fn scan_body(body: &str) -> (Option<String>, u32, u32) {
    let mut heading: Option<String> = None;
    let mut in_first_heading = false;
    let mut words: u32 = 0;
    let mut images: u32 = 0;
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::Image { .. }) => images += 1,
            Event::Html(h) | Event::InlineHtml(h) => images += html_images(&h),
            Event::Start(Tag::Heading { level, .. }) if heading.is_none() => {
                in_first_heading = level <= HeadingLevel::H6;
                heading = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) => in_first_heading = false,
            Event::Text(t) | Event::Code(t) => {
                words += t.split_whitespace().count() as u32;
                if in_first_heading {
                    heading.as_mut().expect("a heading is open").push_str(&t);
                }
            }
            _ => {}
        }
    }
    let heading = heading
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
    (heading, words, images)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ModuleDraft> {
        parse_markdown(Path::new("lib/m.md"), "m.md", text.as_bytes())
    }

    #[test]
    fn derived_durations_count_reading_and_images() {
        let words = "word ".repeat(400); // two minutes of reading
        let minutes = |text: &str| parse(text).unwrap().duration_minutes;
        assert_eq!(minutes(&words), 2, "400 words at 200 per minute");
        let pictures = "![](a.png)\n\n".repeat(10); // ten images without alt text: two minutes
        assert_eq!(
            minutes(&format!("{words}\n\n{pictures}")),
            4,
            "each image adds 12 seconds"
        );
        assert_eq!(
            minutes(&format!("{words}\n\n<img src=a.png>\n\n<IMG src=b.png>")),
            3,
            "HTML images count too, rounded up"
        );
        assert_eq!(
            minutes("---\nduration_minutes: 7\n---\n![a](a.png)"),
            7,
            "a declared duration wins"
        );
        assert_eq!(estimated_minutes(0, 0), 1, "never under a minute");
    }

    /// Checks that `text` parses and that `what` of the draft is `expected`.
    fn check<T: PartialEq + std::fmt::Debug>(
        text: &str,
        what: fn(&ModuleDraft) -> T,
        expected: T,
        why: &str,
    ) {
        let draft = parse(text).unwrap_or_else(|e| panic!("{why}: failed to parse: {e}"));
        assert_eq!(what(&draft), expected, "{why}");
    }

    fn check_err(text: &str, needle: &str, why: &str) {
        let err = parse(text).expect_err(why).to_string();
        assert!(err.starts_with("lib/m.md: "), "errors name the file: {err}");
        assert!(
            err.contains(needle),
            "{why}: {err:?} should mention {needle:?}"
        );
    }

    #[test]
    fn front_matter_fields_are_read() {
        let text =
            "---\ntitle: \"Pricing: the basics\"\nduration_minutes: 25\nlevel: intermediate\n\
                    tags: [pricing, negotiation, pricing]\nkind: lesson\n---\n# Other\n\nSome words here.\n";
        check(
            text,
            |d| d.title.clone(),
            "Pricing: the basics".into(),
            "quoted title with a colon",
        );
        check(
            text,
            |d| d.duration_minutes,
            25,
            "declared duration wins over word count",
        );
        check(
            text,
            |d| d.level,
            Some(Level::Intermediate),
            "level is parsed",
        );
        check(
            text,
            |d| d.tags.clone(),
            vec!["pricing".to_owned(), "negotiation".to_owned()],
            "tags keep their order and lose duplicates",
        );
        check(
            text,
            |d| d.extra.get("kind").cloned(),
            Some(serde_json::json!("lesson")),
            "unknown keys are kept, not dropped",
        );
        check(
            text,
            |d| d.body.starts_with("# Other"),
            true,
            "body excludes front matter",
        );
        check(
            text,
            |d| d.word_count,
            4,
            "heading and paragraph words are counted",
        );
    }

    #[test]
    fn missing_metadata_is_derived() {
        let words = "word ".repeat(450);
        let text = format!("Intro line.\n\n## First heading\n\n{words}\n");
        check(
            &text,
            |d| d.title.clone(),
            "First heading".into(),
            "title from first heading",
        );
        check(
            &text,
            |d| d.duration_minutes,
            3,
            "454 words at 200/min round up to 3",
        );
        check(
            "just text",
            |d| d.title.clone(),
            "m".into(),
            "title falls back to file stem",
        );
        check(
            "",
            |d| d.duration_minutes,
            1,
            "an empty module still lasts a minute",
        );
        check(
            "---\n---\nbody",
            |d| d.body.clone(),
            "body".into(),
            "empty front matter is fine",
        );
        check(
            "----\nx",
            |d| d.title.clone(),
            "m".into(),
            "a horizontal rule is not front matter",
        );
        check(
            "\u{feff}---\ntitle: T\n---\n",
            |d| d.title.clone(),
            "T".into(),
            "a byte-order mark is not content",
        );
        check(
            "---\r\ntitle: Windows\r\n---\r\nbody",
            |d| d.title.clone(),
            "Windows".into(),
            "CRLF files parse",
        );
    }

    #[test]
    fn bad_input_names_the_file_and_reason() {
        check_err(
            "---\ntitle: [unclosed\n---\n",
            "broken front matter",
            "invalid YAML",
        );
        check_err(
            "---\ntitle: T\n",
            "never closed",
            "unterminated front matter",
        );
        check_err(
            "---\nduration_minutes: soon\n---\n",
            "broken front matter",
            "wrong type",
        );
        check_err(
            "---\nduration_minutes: 0\n---\n",
            "above 0",
            "zero duration",
        );
        check_err(
            "---\nlevel: expert\n---\n",
            "\"expert\"",
            "unknown level is quoted",
        );
        let pasted = (0..=MAX_TAGS).map(|i| format!("s{i}")).collect::<Vec<_>>();
        check_err(
            &format!("---\ntags: [{}]\n---\n", pasted.join(", ")),
            "holds 1001 tags; a module can declare at most 1000",
            "a taxonomy pasted into one module is refused with the count, before any work",
        );
        let most = &pasted[..MAX_TAGS];
        check(
            &format!("---\ntags: [{}, s0]\n---\n", most.join(", ")),
            |d| d.tags.len(),
            MAX_TAGS,
            "the limit counts distinct skills: a repeated one does not push a module over it",
        );
        check_err(
            "---\ntags: [a, \" \"]\n---\n",
            "empty tag",
            "blank tags are refused",
        );
        check_err(
            "---\ntitle: \" \"\n---\n",
            "title",
            "blank title is refused",
        );
        check_err(
            "---\n- a list\n---\n",
            "broken front matter",
            "front matter must be a mapping",
        );
        let err =
            parse_markdown(Path::new("lib/m.md"), "m.md", b"\xc3\xa9 ok \xff bad").unwrap_err();
        assert!(
            err.to_string()
                .contains("not UTF-8 text (invalid byte at offset 6)"),
            "a UTF-8 file with a broken byte says where the byte is: {err}"
        );
        assert_eq!(
            err.kind(),
            model::ErrorKind::BadInput,
            "encoding problems are bad input"
        );
    }
}
