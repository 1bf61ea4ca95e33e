//! The Graph tab filtered to a track draws only the track's modules, and collapsing skill
//! groups folds modules together; clearing brings all back.

use crate::*;

pub(crate) async fn graph_filters(env: &Env) -> Result<()> {
    let project = env.scratch.join("filters.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    new_project(env, &project, &library)?;
    let path: serde_json::Value = cli_json(
        env,
        &[
            "track".as_ref(),
            "path".as_ref(),
            project.as_os_str(),
            "account-executive".as_ref(),
            "--json".as_ref(),
        ],
    )?;
    let steps = path["steps"]
        .as_array()
        .context("the CLI lists the path")?
        .len();
    let total = path["total_minutes"].as_u64().context("a total")?;
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        c.find(Locator::Css("[data-testid=tab-graph]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", "prerequisites").await?;
        let nodes = |c: Client| async move {
            let n = c
                .execute("return window.__pathforgeGraph.nodes();", vec![])
                .await?;
            n.as_u64().context("a node count")
        };
        let all = nodes(c.clone()).await?;
        c.find(Locator::Css("[data-testid=graph-track]"))
            .await?
            .select_by_value("account-executive")
            .await?;
        let view = wait_for_text(&c, "[data-testid=track-view]", "critical path").await?;
        let hours = format!("{} h", total / 60);
        ensure!(
            view.contains(&format!("{steps} modules")) && view.contains(&hours),
            "the track view gives the path's length and duration as the CLI does ({steps} modules, {total} min): {view}"
        );
        ensure!(
            nodes(c.clone()).await? == steps as u64,
            "only the track's modules are drawn"
        );
        screenshot(&c, env, "graph-track").await?;

        c.find(Locator::Css("[data-testid=graph-track]"))
            .await?
            .select_by_value("")
            .await?;
        let mut back = 0;
        for _ in 0..50 {
            back = nodes(c.clone()).await?;
            if back == all {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(back == all, "all modules are back: {back} of {all}");
        c.find(Locator::Css("[data-testid=graph-group-toggle]"))
            .await?
            .click()
            .await?;
        let mut folded = all;
        for _ in 0..50 {
            folded = nodes(c.clone()).await?;
            if folded < all {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(
            folded < all && folded > 1,
            "a collapsed group is drawn as one node: {folded} nodes of {all}"
        );
        screenshot(&c, env, "graph-group-collapsed").await?;
        Ok(())
    })
    .await
}
