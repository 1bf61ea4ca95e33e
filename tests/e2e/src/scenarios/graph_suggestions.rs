//! The Graph tab suggests the prerequisites the content implies: dashed on the canvas,
//! listed with their evidence; one is added (undoably, like a drawn edge), one dismissed
//! (undoably, and for good: saved in the project), one added the other way round; then
//! one module's own suggestions.

use crate::*;

pub(crate) async fn graph_suggestions(env: &Env) -> Result<()> {
    let project = env.scratch.join("suggestions.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    new_project(env, &project, &library)?;
    // Two edges the sample declares, taken out: what its content says should bring them back.
    let (discovery, questions) = (
        "Discovery Call Structure",
        "Open Questions and Active Listening",
    );
    let (preparation, trading) = (
        "Negotiation Preparation: Targets, Limits and Walk-Away Points",
        "Give-Get Trading and Discount Discipline",
    );
    for (before, after) in [(discovery, questions), (preparation, trading)] {
        cli(
            env,
            &[
                "graph".as_ref(),
                "unlink".as_ref(),
                project.as_os_str(),
                before.as_ref(),
                after.as_ref(),
            ],
        )?;
    }
    let modules: serde_json::Value = cli_json(
        env,
        &["modules".as_ref(), project.as_os_str(), "--json".as_ref()],
    )?;
    let title_of = |id: &str| -> String {
        modules
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["id"] == id)
            .and_then(|m| m["title"].as_str())
            .unwrap_or(id)
            .to_owned()
    };
    // The project's edges by module title.
    let edges = |project: &Path| -> Result<Vec<(String, String)>> {
        let list: serde_json::Value = cli_json(
            env,
            &[
                "graph".as_ref(),
                "edges".as_ref(),
                project.as_os_str(),
                "--json".as_ref(),
            ],
        )?;
        Ok(list
            .as_array()
            .context("an edge list")?
            .iter()
            .map(|e| {
                (
                    title_of(e["before"].as_str().unwrap_or_default()),
                    title_of(e["after"].as_str().unwrap_or_default()),
                )
            })
            .collect())
    };
    let start = edges(&project)?.len();
    let args = vec!["--project".to_owned(), project.display().to_string()];
    let reversed = with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        // From a module being read to where it sits in the graph: its button, then the
        // key G back on the Modules tab.
        ensure!(
            click_row(&c, "[data-testid=module-row]", trading).await?,
            "“{trading}” is in the module list"
        );
        wait_for_text(&c, "[data-testid=detail-title]", trading).await?;
        for how in ["button", "key"] {
            if how == "button" {
                c.find(Locator::Css("[data-testid=show-in-graph]"))
                    .await?
                    .click()
                    .await?;
            } else {
                c.find(Locator::Css("[data-testid=tab-modules]"))
                    .await?
                    .click()
                    .await?;
                wait_for_text(&c, "[data-testid=detail-title]", trading).await?;
                c.find(Locator::Css("[data-testid=module-count]"))
                    .await?
                    .click()
                    .await?;
                press(&c, 'g').await?;
            }
            wait_for_text(&c, "[data-testid=graph-selected]", trading)
                .await
                .with_context(|| format!("by the {how}, the Graph tab opens on the module"))?;
            c.find(Locator::Css("[data-testid=graph-suggest-module]"))
                .await
                .with_context(|| format!("by the {how}, its own suggestions are a click away"))?;
        }
        let count = |n: usize| format!("{n} prerequisites");
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(start)).await?;
        c.find(Locator::Css("[data-testid=graph-suggest]"))
            .await?
            .click()
            .await?;
        let listed = wait_for_text(&c, "[data-testid=graph-suggestions]", discovery)
            .await
            .context("the edge taken out is suggested back")?;
        ensure!(
            listed.contains(&format!("“{discovery}” → “{questions}”")),
            "it is suggested the way the sample declares it: {listed}"
        );
        wait_for_text(
            &c,
            "[data-testid=graph-suggestions-learned]",
            &format!("Learned from the {start} prerequisites"),
        )
        .await
        .context("the list says the suggestions learned from the project's own edges")?;
        wait_for_text(
            &c,
            "[data-testid=graph-suggestions-words]",
            "Compared by their words",
        )
        .await
        .context("before auto-tagging, the list says modules were compared by their words")?;
        // What the user came for is in sight: the first suggestion shows without
        // scrolling, not below the notes in a box they fill.
        let seen = c
            .execute(
                r#"const li = document.querySelector('[data-testid=graph-suggestion]');
                   const r = li.getBoundingClientRect();
                   if (r.top < 0 || r.bottom > window.innerHeight) return `outside the window: ${r.top}–${r.bottom} of ${window.innerHeight}`;
                   for (let e = li.parentElement; e; e = e.parentElement) {
                     const o = getComputedStyle(e).overflowY;
                     if (o === 'visible') continue;
                     const b = e.getBoundingClientRect();
                     if (r.top < b.top || r.bottom > b.bottom) return `clipped by ${e.className || e.tagName}: ${r.top}–${r.bottom} in ${b.top}–${b.bottom}`;
                   }
                   return 'seen';"#,
                vec![],
            )
            .await
            .context("finding where the first suggestion is")?;
        ensure!(
            seen.as_str() == Some("seen"),
            "the first suggestion should be in sight as the list opens, not scrolled out: {seen}"
        );
        // Nothing but their margins between the list's heading, notes and rows: a stray
        // style once kept the panel's line breaks, a blank line after each.
        let gaps = c
            .execute(
                r#"const out = [];
                   const items = [...document.querySelector('[data-testid=graph-suggestions]').children];
                   for (let i = 1; i < items.length; i++) {
                     const [a, b] = [items[i - 1], items[i]];
                     const gap = b.getBoundingClientRect().top - a.getBoundingClientRect().bottom;
                     const margin = Math.max(parseFloat(getComputedStyle(a).marginBottom), parseFloat(getComputedStyle(b).marginTop));
                     if (gap > margin + 1) out.push(`${gap}px after ${a.tagName} “${a.textContent.slice(0, 30)}”, margins ${margin}px`);
                   }
                   return out.join('; ');"#,
                vec![],
            )
            .await
            .context("measuring the gaps in the suggestion list")?;
        ensure!(
            gaps.as_str() == Some(""),
            "the suggestion list's items are spaced by their margins alone: {gaps}"
        );
        let drawn = c
            .execute("return window.__pathforgeGraph.suggested();", vec![])
            .await
            .context("counting the suggested edges on the canvas")?;
        ensure!(
            drawn.as_u64().unwrap_or(0) >= 2,
            "the suggestions are drawn on the graph: {drawn} dashed edges"
        );
        screenshot(&c, env, "graph-suggestions").await?;

        // The best suggestion is first: add it from the list.
        let first = text_of(&c, "[data-testid=graph-suggestion]").await?;
        ensure!(
            first.contains(discovery),
            "the strongest suggestion leads the list: {first}"
        );
        c.find(Locator::Css("[data-testid=graph-suggestion-take]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(start + 1))
            .await
            .context("adding a suggestion adds the prerequisite")?;
        let after_add = wait_for_text(&c, "[data-testid=graph-suggestions]", preparation).await?;
        ensure!(
            !after_add.contains(&format!("“{discovery}” → “{questions}”")),
            "an added suggestion leaves the list: {after_add}"
        );

        // Adding a suggestion is an edit like any other: undo takes it back, redo again.
        c.find(Locator::Css("[data-testid=graph-undo]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(start))
            .await
            .context("undo removes the added suggestion")?;
        wait_for_text(
            &c,
            "[data-testid=graph-suggestions]",
            &format!("“{discovery}” → “{questions}”"),
        )
        .await
        .context("an undone suggestion is suggested again")?;
        c.find(Locator::Css("[data-testid=graph-redo]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(start + 1))
            .await
            .context("redo adds it again")?;

        // Open the other one: its evidence, in words; then dismiss it.
        ensure!(
            click_row(&c, "[data-testid=graph-suggestion]", preparation).await?,
            "the second edge taken out is listed: {after_add}"
        );
        let evidence = wait_for_text(&c, "[data-testid=graph-suggestion-evidence]", "similarity")
            .await
            .context("a chosen suggestion shows its evidence")?;
        let reasons = c
            .find_all(Locator::Css("[data-testid=graph-suggestion-evidence] li"))
            .await?
            .len();
        ensure!(
            reasons >= 2 && evidence.contains("as what comes first"),
            "the evidence says more than how alike the two are, one reason a line: {reasons} \
             lines, {evidence}"
        );
        c.find(Locator::Css("[data-testid=graph-suggestion-dismiss]"))
            .await?
            .click()
            .await?;
        // The dismissal is saved before the list changes: wait for it to be said.
        wait_for_text(
            &c,
            "[data-testid=graph-message]",
            "Dismissed the suggestion",
        )
        .await
        .context("dismissing says so")?;
        let after_dismiss = text_of(&c, "[data-testid=graph-suggestions]").await?;
        ensure!(
            !after_dismiss.contains(&format!("“{preparation}” → “{trading}”")),
            "a dismissed suggestion leaves the list: {after_dismiss}"
        );
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(start + 1))
            .await
            .context("dismissing adds nothing")?;
        // A dismissal is saved in the project, and undone like an edit: undo brings the
        // suggestion back, redo dismisses it again.
        c.find(Locator::Css("[data-testid=graph-undo]"))
            .await?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=graph-suggestions]",
            &format!("“{preparation}” → “{trading}”"),
        )
        .await
        .context("undoing a dismissal brings the suggestion back")?;
        c.find(Locator::Css("[data-testid=graph-redo]"))
            .await?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=graph-message]",
            "Dismissed the suggestion",
        )
        .await
        .context("redo dismisses it again")?;
        let after_redo = text_of(&c, "[data-testid=graph-suggestions]").await?;
        ensure!(
            !after_redo.contains(&format!("“{preparation}” → “{trading}”")),
            "redone, the dismissal hides the suggestion again: {after_redo}"
        );

        // The one now first, added the other way round (the direction is where
        // suggestions go wrong most).
        let row = c
            .find(Locator::Css("[data-testid=graph-suggestion]"))
            .await?;
        let text = row.text().await?;
        let (before, after) = text
            .trim()
            .trim_start_matches('“')
            .trim_end_matches('”')
            .split_once("” → “")
            .with_context(|| format!("a suggestion reads “A” → “B”: {text}"))?;
        let reversed = (after.to_owned(), before.to_owned());
        row.click().await?;
        c.find(Locator::Css("[data-testid=graph-suggestion-reverse]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(start + 2))
            .await
            .context("adding a suggestion the other way round adds a prerequisite")?;

        // One module's own suggestions: found by title, selected, asked about.
        c.find(Locator::Css("[data-testid=graph-search]"))
            .await?
            .send_keys(&format!("{trading}\u{E007}"))
            .await?;
        c.find(Locator::Css("[data-testid=graph-suggest-module]"))
            .await
            .context("a selected module offers its own suggestions")?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=graph-suggestions-about]",
            &format!("Suggested for “{trading}”"),
        )
        .await
        .context("the list says which module it is about")?;
        let rows = c
            .find_all(Locator::Css("[data-testid=graph-suggestion]"))
            .await?;
        let mut about = Vec::new();
        for row in rows {
            about.push(row.text().await?);
        }
        ensure!(
            !about.is_empty() && about.iter().all(|r| r.contains(trading)),
            "every suggestion about “{trading}” starts or ends there: {about:?}"
        );
        ensure!(
            !about.iter().any(|r| r.contains(preparation)),
            "the pair dismissed earlier is not suggested about the module either: {about:?}"
        );
        // Its prerequisites are drawn already: what is left is unlikely, and the list says so.
        wait_for_text(
            &c,
            "[data-testid=graph-suggestions-doubtful]",
            "None is likelier than not",
        )
        .await
        .context("when every suggestion about the module is under 50%, the list says none is likely")?;
        screenshot(&c, env, "graph-suggestions-about").await?;
        c.find(Locator::Css("[data-testid=graph-suggest-all]"))
            .await?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=graph-suggestions]",
            "Suggested prerequisites",
        )
        .await
        .context("back to the suggestions for every module")?;
        // The same from the keyboard: a module found, then Shift+S (outside the field).
        let search = c.find(Locator::Css("[data-testid=graph-search]")).await?;
        search.clear().await?;
        search.send_keys(&format!("{discovery}\u{E007}")).await?;
        c.find(Locator::Css("[data-testid=graph-edge-count]"))
            .await?
            .click()
            .await?;
        press_with(&c, fantoccini::key::Key::Shift, 'S').await?;
        wait_for_text(
            &c,
            "[data-testid=graph-suggestions-about]",
            &format!("Suggested for “{discovery}”"),
        )
        .await
        .context("Shift+S asks about the selected module")?;
        Ok(reversed)
    })
    .await?;
    let now = edges(&project)?;
    ensure!(
        now.contains(&(discovery.to_owned(), questions.to_owned())),
        "the added suggestion is in the project file: {now:?}"
    );
    ensure!(
        !now.contains(&(preparation.to_owned(), trading.to_owned())),
        "the dismissed one was never written: {now:?}"
    );
    ensure!(
        now.contains(&reversed),
        "the one added the other way round is in the file that way: {reversed:?} in {now:?}"
    );
    // The dismissal outlives the window: the CLI, reading the file, suggests the pair
    // neither way round, and the log holds the dismissal, its undo and its redo.
    let suggested: serde_json::Value = cli_json(
        env,
        &[
            "graph".as_ref(),
            "suggest".as_ref(),
            project.as_os_str(),
            "--limit".as_ref(),
            "500".as_ref(),
            "--json".as_ref(),
        ],
    )?;
    let pairs: Vec<(String, String)> = suggested
        .as_array()
        .context("a suggestion list")?
        .iter()
        .map(|s| {
            (
                s["before_title"].as_str().unwrap_or_default().to_owned(),
                s["after_title"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    ensure!(
        !pairs.contains(&(preparation.to_owned(), trading.to_owned()))
            && !pairs.contains(&(trading.to_owned(), preparation.to_owned())),
        "the dismissed suggestion is not suggested again, either way round: {pairs:?}"
    );
    let log: serde_json::Value = cli_json(
        env,
        &["log".as_ref(), project.as_os_str(), "--json".as_ref()],
    )?;
    let actions: Vec<&str> = log
        .as_array()
        .context("an audit log")?
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("suggestion."))
        .collect();
    ensure!(
        actions
            == [
                "suggestion.dismissed",
                "suggestion.restored",
                "suggestion.dismissed"
            ],
        "the dismissal, its undo and its redo are logged in order: {actions:?}"
    );
    Ok(())
}

/// Clicks the first of the elements `css` finds whose text contains `text`; false when
/// none does.
async fn click_row(c: &Client, css: &str, text: &str) -> Result<bool> {
    for row in c.find_all(Locator::Css(css)).await? {
        if row.text().await?.contains(text) {
            row.click().await?;
            return Ok(true);
        }
    }
    Ok(false)
}
