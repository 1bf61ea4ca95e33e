//! The Graph tab edits the sample's prerequisites by drag, refuses and draws a cycle,
//! offers one-click fixes for its findings, and undoes and redoes.

use crate::*;

pub(crate) async fn graph_editor(env: &Env) -> Result<()> {
    let project = env.scratch.join("graph.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    new_project(env, &project, &library)?;
    let modules: serde_json::Value = cli_json(
        env,
        &["modules".as_ref(), project.as_os_str(), "--json".as_ref()],
    )?;
    let id = |prefix: &str| -> Result<String> {
        modules
            .as_array()
            .context("a module list")?
            .iter()
            .find(|m| m["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
            .and_then(|m| m["id"].as_str().map(str::to_owned))
            .with_context(|| format!("no module titled {prefix}…"))
    };
    let (landscape, preparation, pricing) = (
        id("Competitive Landscape")?,
        id("Negotiation Preparation")?,
        id("Pricing Tiers")?,
    );
    let edges = |project: &Path| -> Result<usize> {
        let list: serde_json::Value = cli_json(
            env,
            &[
                "graph".as_ref(),
                "edges".as_ref(),
                project.as_os_str(),
                "--json".as_ref(),
            ],
        )?;
        Ok(list.as_array().map_or(0, Vec::len))
    };
    // A redundant shortcut (02 → 04 while 02 → 03 → 04 exists) for the one-click fix.
    let (overview, pipeline) = (
        id("Northwind Platform Overview")?,
        id("Northwind Pipeline")?,
    );
    cli(
        env,
        &[
            "graph".as_ref(),
            "link".as_ref(),
            project.as_os_str(),
            overview.as_ref(),
            pipeline.as_ref(),
        ],
    )?;
    let shortcut = edges(&project)?;
    let before = shortcut - 1;
    let args = vec!["--project".to_owned(), project.display().to_string()];
    let target = preparation.clone();
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        c.find(Locator::Css("[data-testid=tab-graph]"))
            .await?
            .click()
            .await?;
        let count = |n: usize| format!("{n} prerequisites");
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(shortcut)).await?;
        c.find(Locator::Css("[data-testid=graph-fix]"))
            .await
            .context("the redundant edge's finding offers a one-click fix")?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(before))
            .await
            .context("the fix removes the redundant edge")?;
        c.find(Locator::Css("[data-testid=graph-connect]"))
            .await?
            .click()
            .await?;
        // The whole graph on screen (F), so both ends of each drag are visible.
        c.find(Locator::Css("[data-testid=graph-fit]"))
            .await?
            .click()
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        drag(&c, &landscape, &preparation)
            .await
            .context("dragging between two modules")?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(before + 1))
            .await
            .context("dragging from one module to another adds a prerequisite")?;
        screenshot(&c, env, "graph-added").await?;

        c.find(Locator::Css("[data-testid=graph-fit]"))
            .await?
            .click()
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        drag(&c, &preparation, &pricing)
            .await
            .context("dragging to close a cycle")?;
        let refusal = wait_for_text(&c, "[data-testid=graph-message]", "cycle").await?;
        ensure!(
            refusal.contains("Pricing Tiers"),
            "the refusal names the cycle: {refusal}"
        );
        let shown = c
            .execute("return window.__pathforgeGraph.cycle();", vec![])
            .await
            .context("reading how much of the graph is marked as the cycle")?;
        ensure!(
            shown.as_u64().unwrap_or(0) >= 3,
            "the cycle is drawn on the graph: {shown} elements marked"
        );
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(before + 1)).await?;
        screenshot(&c, env, "graph-cycle-refused").await?;

        c.find(Locator::Css("[data-testid=graph-undo]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(before))
            .await
            .context("undo removes the added prerequisite")?;
        c.find(Locator::Css("[data-testid=graph-redo]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(before + 1))
            .await
            .context("redo adds it again")?;

        // Select the new edge by clicking it, and let "Negotiation Preparation" open after
        // any one of its requirements instead of all of them.
        c.find(Locator::Css("[data-testid=graph-connect]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=graph-fit]"))
            .await?
            .click()
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        click_edge(&c, &landscape, &preparation).await?;
        let group = c
            .wait()
            .for_element(Locator::Css("[data-testid=graph-group]"))
            .await
            .context("clicking an edge shows how its target's requirements combine")?;
        group.select_by_label("any one of them").await?;
        wait_for_text(&c, "[data-testid=graph-message]", "combine").await?;
        Ok(())
    })
    .await?;
    let list: serde_json::Value = cli_json(
        env,
        &[
            "graph".as_ref(),
            "edges".as_ref(),
            project.as_os_str(),
            "--json".as_ref(),
        ],
    )?;
    let list = list.as_array().context("an edge list")?;
    ensure!(
        list.len() == before + 1,
        "the edits are in the project file after the window closes"
    );
    // Reopen the project in the window: the graph shows every edit.
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules")
            .await
            .context("reopening the project")?;
        c.find(Locator::Css("[data-testid=tab-graph]"))
            .await?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=graph-edge-count]",
            &format!("{} prerequisites", before + 1),
        )
        .await
        .context("the reopened graph has the added edge and not the removed shortcut")?;
        Ok(())
    })
    .await?;
    let into_preparation: Vec<_> = list.iter().filter(|e| e["after"] == *target).collect();
    ensure!(
        into_preparation.len() >= 2
            && into_preparation
                .iter()
                .all(|e| e["group"]["kind"] == "any_of"),
        "every requirement of Negotiation Preparation now combines as any-of: {into_preparation:?}"
    );
    Ok(())
}
