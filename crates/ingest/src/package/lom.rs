//! Learning-object metadata (IEEE LOM in SCORM 2004, IMS MD in SCORM 1.2) that a manifest
//! holds in line or points to (`adlcp:location`): what a package's authors said of an item
//! — how long it takes, how hard it is, a description, keywords — read over Pathforge's
//! guesses, as a Markdown file's front matter is.

use model::Level;

use super::{child, text_of, Files};

/// What an item's metadata says; each part absent when it says nothing of it.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Lom {
    /// `educational/typicalLearningTime`, in whole minutes (rounded up).
    pub minutes: Option<u32>,
    /// `educational/difficulty`: very easy and easy are beginner, medium intermediate,
    /// difficult and very difficult advanced.
    pub level: Option<Level>,
    /// `general/description`.
    pub description: Option<String>,
    /// `general/keyword`, each.
    pub keywords: Vec<String>,
}

impl Lom {
    /// `self`, each part it lacks taken from `wider` (a resource's, the course's).
    pub(super) fn or(self, wider: Lom) -> Lom {
        Lom {
            minutes: self.minutes.or(wider.minutes),
            level: self.level.or(wider.level),
            description: self.description.or(wider.description),
            keywords: match self.keywords.is_empty() {
                true => wider.keywords,
                false => self.keywords,
            },
        }
    }
}

/// The metadata of a manifest node (an item, a resource, an organization or the manifest):
/// its `<metadata>`'s in-line `<lom>`, else the package file its `<location>` names
/// (under `base`). A file that is missing or unreadable is the reason, for a warning.
pub(super) fn of(node: roxmltree::Node<'_, '_>, base: &str, files: &Files) -> Result<Lom, String> {
    let Some(metadata) = child(node, "metadata") else {
        return Ok(Lom::default());
    };
    if let Some(lom) = find(metadata, "lom") {
        return Ok(read(lom));
    }
    let Some(location) = child(metadata, "location").map(|l| text_of(Some(l))) else {
        return Ok(Lom::default());
    };
    let written = format!("{base}{location}");
    let bytes = files
        .resolve(&written)
        .and_then(|p| files.get(&p))
        .ok_or_else(|| format!("its metadata file {written:?} is not in the package"))?;
    let (text, _) = exchange::text::decode_xml(bytes)
        .map_err(|reason| format!("its metadata file {written:?} {reason}"))?;
    // roxmltree's defaults refuse DTDs, as for the manifest.
    let doc = roxmltree::Document::parse(&text)
        .map_err(|e| format!("its metadata file {written:?} is malformed XML: {e}"))?;
    Ok(find(doc.root(), "lom").map(read).unwrap_or_default())
}

/// The first element under `node` named `name` in any case and namespace (IMS MD writes
/// `typicallearningtime` and `langstring`, LOM `typicalLearningTime` and `string`).
fn find<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.descendants()
        .find(|n| n.is_element() && n.tag_name().name().eq_ignore_ascii_case(name))
}

/// The words of a LOM node: its text, whitespace folded.
fn words(node: roxmltree::Node<'_, '_>) -> String {
    text_of(Some(node))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn read(lom: roxmltree::Node<'_, '_>) -> Lom {
    let general = find(lom, "general");
    let educational = find(lom, "educational");
    let description = general
        .and_then(|g| {
            g.children()
                .find(|n| n.tag_name().name().eq_ignore_ascii_case("description"))
        })
        .map(words)
        .filter(|d| !d.is_empty());
    let keywords = general
        .map(|g| {
            g.children()
                .filter(|n| n.tag_name().name().eq_ignore_ascii_case("keyword"))
                .map(words)
                .filter(|k| !k.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let minutes = educational
        .and_then(|e| find(e, "typicalLearningTime"))
        .and_then(|t| find(t, "duration").or_else(|| find(t, "datetime")))
        .and_then(|d| minutes_of(&words(d)));
    let level = educational
        .and_then(|e| find(e, "difficulty"))
        .and_then(|d| find(d, "value"))
        .and_then(|v| match words(v).to_ascii_lowercase().as_str() {
            "very easy" | "easy" => Some(Level::Beginner),
            "medium" => Some(Level::Intermediate),
            "difficult" | "very difficult" => Some(Level::Advanced),
            _ => None,
        });
    Lom {
        minutes,
        level,
        description,
        keywords,
    }
}

/// Whole minutes (rounded up, at least one) of an ISO 8601 duration (`PT1H30M`, `P1DT2H`,
/// LOM's form) or a clock time (`01:30:00`, `00:10`, IMS MD's `datetime`); `None` for
/// anything else or nothing at all.
pub(super) fn minutes_of(text: &str) -> Option<u32> {
    let seconds = match text.strip_prefix('P') {
        Some(rest) => {
            let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
            let mut total = 0f64;
            for (part, units) in [
                (date, &[('D', 86_400.0)][..]),
                (time, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)][..]),
            ] {
                let mut rest = part;
                for &(unit, seconds) in units {
                    if let Some((number, after)) = rest.split_once(unit) {
                        total += number.parse::<f64>().ok()? * seconds;
                        rest = after;
                    }
                }
                if !rest.is_empty() {
                    return None;
                }
            }
            total
        }
        None => {
            let parts: Vec<f64> = text
                .split(':')
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()?;
            match parts[..] {
                [h, m] => h * 3_600.0 + m * 60.0,
                [h, m, s] => h * 3_600.0 + m * 60.0 + s,
                _ => return None,
            }
        }
    };
    (seconds > 0.0 && seconds.is_finite()).then(|| ((seconds / 60.0).ceil() as u32).max(1))
}
