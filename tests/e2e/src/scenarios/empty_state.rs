//! Started without a project, the window shows its empty state, offers to create or open
//! one, and lists the projects opened on this machine: one click opens the last. A new
//! project's Graph tab says it has no modules to draw and offers the import; its Rules tab
//! says what rules do.

use crate::*;

pub(crate) async fn empty_state(env: &Env) -> Result<()> {
    // A project opened here before (the window creates it, as it was started on it).
    let project = env.scratch.join("recent-demo.pathforge");
    let _ = std::fs::remove_file(&project);
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        wait_for_content(&c, "[data-testid=project-name]", "recent-demo").await?;
        // A new project's Graph tab says what it will show and offers the import, rather
        // than an empty canvas.
        press_ctrl(&c, '5').await?;
        wait_for_content(&c, "[data-testid=graph-empty]", "No modules to draw yet")
            .await
            .context("the Graph tab of a project without modules says so")?;
        ensure!(
            c.find_all(Locator::Css("[data-testid=graph-canvas]"))
                .await?
                .is_empty(),
            "no empty canvas is drawn"
        );
        screenshot(&c, env, "graph-empty").await?;
        press_ctrl(&c, '2').await?;
        wait_for_content(&c, "[data-testid=rules-empty]", "No rules yet")
            .await
            .context("the Rules tab of a project without rules says what rules do")?;
        Ok(())
    })
    .await?;

    let place = std::fs::canonicalize(&project)?.display().to_string();
    with_app(env, &[], |c| async move {
        let text = text_of(&c, "[data-testid=empty-state]").await?;
        ensure!(
            text.contains("New project"),
            "the empty state offers to create a project: {text:?}"
        );
        let first = wait_for_content(&c, "[data-testid=recent-project]", "recent-demo")
            .await
            .context("the project opened last heads the recent list")?;
        ensure!(first.contains(&place), "named with where it is: {first:?}");
        screenshot(&c, env, "empty-state").await?;
        c.find(Locator::Css("[data-testid=recent-project]"))
            .await?
            .click()
            .await?;
        wait_for_content(&c, "[data-testid=project-name]", "recent-demo")
            .await
            .context("one click on it opens it")?;
        Ok(())
    })
    .await
}
