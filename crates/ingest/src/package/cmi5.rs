//! cmi5 course structures: one module per AU, `moveOn` and `masteryScore` kept.

use super::*;

pub(super) fn read(
    path: &Path,
    files: &Files,
    base: &str,
    xml: &[u8],
) -> Result<(PackageKind, LibraryContent)> {
    let text = xml_text(path, "cmi5.xml", xml)?;
    let doc = parse_xml(path, "cmi5.xml", &text)?;
    let lang =
        |n: Option<roxmltree::Node<'_, '_>>| text_of(n.and_then(|n| child(n, "langstring")).or(n));
    let mut modules = Vec::new();
    let mut warnings = Vec::new();
    for au in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "au")
    {
        let id = attr(au, "id").unwrap_or("").to_owned();
        let url = text_of(child(au, "url"));
        // The file the URL launches: its query and fragment are the AU's own parameters
        // (`index.html?pages=2`), and it may be written percent-encoded.
        let file = url.split(['?', '#']).next().unwrap_or(&url);
        let remote = url.contains("://");
        let local = match remote {
            true => None,
            false => files.resolve(&format!("{base}{file}")),
        };
        let body = local
            .as_deref()
            .and_then(|l| files.get(l))
            .map(html_text)
            .unwrap_or_default();
        if !remote && local.is_none() {
            warnings.push(crate::Warning {
                relative_path: if id.is_empty() {
                    url.clone()
                } else {
                    id.clone()
                },
                message: format!(
                    "AU {id:?}: its launch file {url:?} is not in the package; imported as \
                     structure only (title, place, moveOn), with its description as text"
                ),
            });
        }
        // The AU's description leads its text: a cmi5 AU is often a script-driven page
        // whose markup holds only its controls ("Exit", "Read-only mode").
        let description = lang(child(au, "description"));
        let description = description.split_whitespace().collect::<Vec<_>>().join(" ");
        let body = led_by(&description, body);
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
        // What an export needs to carry the AU as it is: what its LMS hands it, how it
        // opens, the key a licensed AU checks.
        let mut item_data = Map::new();
        let said = [
            ("data_from_lms", text_of(child(au, "launchParameters"))),
            ("entitlement_key", text_of(child(au, "entitlementKey"))),
            (
                "launch_method",
                attr(au, "launchMethod").unwrap_or("").to_owned(),
            ),
        ];
        for (key, value) in said {
            if !value.is_empty() {
                item_data.insert(key.into(), json!(value));
            }
        }
        if !item_data.is_empty() {
            extra.insert("item_data".into(), Value::Object(item_data));
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
            warnings,
        },
    ))
}
