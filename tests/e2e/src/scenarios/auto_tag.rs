//! Auto-tags the sample library in the window: a progress bar while the local model runs,
//! then suggestions whose evidence is highlighted in the module text.

use crate::*;

pub(crate) async fn auto_tag(env: &Env) -> Result<()> {
    let library = env.repo.join("sample-libraries/sales-onboarding");
    let project = env.scratch.join("tagging.pathforge");
    let args = vec![
        "--project".to_owned(),
        project.display().to_string(),
        "--import".to_owned(),
        library.display().to_string(),
    ];
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        let not_tagged = text_of(&c, "[data-testid=not-tagged]").await?;
        ensure!(
            not_tagged.contains("Not auto-tagged yet"),
            "an untagged module says so: {not_tagged:?}"
        );
        c.find(Locator::Css("[data-testid=auto-tag]"))
            .await?
            .click()
            .await?;
        let progress = wait_for_text(&c, "[data-testid=tag-progress]", "Auto-tagging").await?;
        ensure!(
            progress.contains("modules"),
            "the progress bar counts modules: {progress:?}"
        );
        screenshot(&c, env, "auto-tag-progress").await?;
        // Tagging 32 modules takes seconds to a minute depending on the machine.
        let mut notice = String::new();
        for _ in 0..1200 {
            if let Ok(el) = c.find(Locator::Css("[data-testid=notice]")).await {
                notice = el.text().await.unwrap_or_default();
                if notice.contains("Auto-tagged with") {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(
            notice.contains("Auto-tagged with all-MiniLM-L6-v2@")
                && notice.contains("32 of 32 modules read"),
            "the run reports what it did: {notice:?}"
        );

        let rows = c.find_all(Locator::Css("[data-testid=module-row]")).await?;
        let mut pricing = None;
        for r in rows {
            if r.text().await?.contains("Pricing Tiers and Packaging") {
                pricing = Some(r);
                break;
            }
        }
        pricing
            .context("the pricing module is listed")?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=detail-title]", "Pricing Tiers").await?;
        let first = wait_for_text(&c, "[data-testid=suggestion]", "%").await?;
        ensure!(
            first.contains("Pricing and packaging") || first.to_lowercase().contains("pricing"),
            "the top suggestion is the pricing skill: {first:?}"
        );
        let marks = c.find_all(Locator::Css("[data-testid=evidence]")).await?;
        ensure!(
            !marks.is_empty(),
            "the evidence passages are highlighted in the text"
        );
        let marked = marks[0].text().await?;
        ensure!(
            marked.split_whitespace().count() >= 5,
            "a highlighted passage is real text: {marked:?}"
        );
        let keyphrases = text_of(&c, "[data-testid=keyphrases]").await?;
        ensure!(!keyphrases.trim().is_empty(), "keyphrases are shown");
        screenshot(&c, env, "auto-tag-evidence").await?;
        // A person overrules the level: one click beside the guess, logged, kept.
        c.find(Locator::Css(
            "[data-testid=set-level] [data-level=advanced]",
        ))
        .await?
        .click()
        .await?;
        wait_for_text(&c, "[data-testid=notice]", "is now advanced").await?;
        // Set by hand, it can be given back to the file: at once, not at the next import.
        c.find(Locator::Css("[data-testid=set-level] [data-level=file]"))
            .await
            .context("a level set by hand offers the file's back")?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=notice]",
            "takes its level from its file again",
        )
        .await?;
        Ok(())
    })
    .await?;
    let modules: serde_json::Value = cli_json(
        env,
        &["modules".as_ref(), project.as_os_str(), "--json".as_ref()],
    )?;
    let pricing = modules
        .as_array()
        .context("a module list")?
        .iter()
        .find(|m| {
            m["title"]
                .as_str()
                .is_some_and(|t| t.contains("Pricing Tiers"))
        })
        .context("the pricing module")?;
    let log: serde_json::Value = cli_json(
        env,
        &["log".as_ref(), project.as_os_str(), "--json".as_ref()],
    )?;
    let set: Vec<&serde_json::Value> = log
        .as_array()
        .context("an audit log")?
        .iter()
        .filter(|e| e["action"] == "module.level_set")
        .collect();
    ensure!(
        set.len() == 2
            && set[0]["after"]["level"] == "advanced"
            && set[1]["after"]["level"].is_null(),
        "the level set in the window and its clearing are logged, in order: {set:?}"
    );
    let from_file = &set[0]["before"]["level"];
    ensure!(
        from_file != "advanced" && &pricing["level"] == from_file,
        "the module has the level its file gives again (logged as the one replaced): {pricing}, file {from_file}"
    );
    Ok(())
}
