//! The Tracks panel on a catalog import with a taxonomy and no tracks: the empty state
//! says what a track is, a track made from the keyboard and mouse gets a path and an
//! assignment rule (read back by the CLI), and undo and redo take it out and put it back.

use crate::*;

pub(crate) async fn tracks_panel(env: &Env) -> Result<()> {
    let file = env.scratch.join("tracks.pathforge");
    let project = file.as_path();
    new_project(
        env,
        project,
        &env.repo.join("sample-libraries/data-literacy"),
    )?;
    let taxonomy = env
        .repo
        .join("sample-libraries/taxonomies/data-literacy.csv");
    cli(
        env,
        &[
            "taxonomy".as_ref(),
            "import".as_ref(),
            project.as_os_str(),
            taxonomy.as_os_str(),
            "--format".as_ref(),
            "csv".as_ref(),
        ],
    )?;
    let list = move || {
        cli(
            env,
            &["track".as_ref(), "list".as_ref(), project.as_os_str()],
        )
    };
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        text_of(&c, "[data-testid=module-count]").await?;
        c.find(Locator::Css("[data-testid=tab-tracks]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=tracks-empty]", "No tracks yet")
            .await
            .map_err(|e| e.context("a project without tracks says what a track is"))?;
        screenshot(&c, env, "tracks-empty").await?;

        c.find(Locator::Css("[data-testid=track-new]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=track-name]"))
            .await?
            .send_keys("Customer success")
            .await?;
        let slug = c.find(Locator::Css("[data-testid=track-slug]")).await?;
        ensure!(
            slug.prop("value").await?.as_deref() == Some("customer-success"),
            "the slug follows the name"
        );
        c.find(Locator::Css("[data-testid=track-add-skill]"))
            .await?
            .select_by_value("data-quality")
            .await?;
        c.find(Locator::Css("[data-testid=track-add-target]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=track-role]"))
            .await?
            .send_keys("csm")
            .await?;
        c.find(Locator::Css("[data-testid=track-save]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=tracks-message]", "Added the track").await?;
        ensure!(
            wait_for_count(&c, "[data-testid=track-item]", 1).await? == 1,
            "the new track is listed"
        );
        let path = text_of(&c, "[data-testid=track-path]").await?;
        ensure!(
            path.contains("No module in its path yet"),
            "a path with no module says so, not \"0 modules, 0h 00m\": {path:?}"
        );
        screenshot(&c, env, "tracks-added").await?;
        ensure!(
            list()?.contains("Customer success"),
            "the track is saved in the project"
        );
        let rules = cli(
            env,
            &["rules".as_ref(), "list".as_ref(), project.as_os_str()],
        )?;
        ensure!(
            rules.contains("assign-customer-success"),
            "its role became an assignment rule: {rules}"
        );

        // Undo from the keyboard, outside any field.
        c.find(Locator::Css("[data-testid=track-count]"))
            .await?
            .click()
            .await?;
        press_ctrl(&c, 'z').await?;
        ensure!(
            wait_for_count(&c, "[data-testid=track-item]", 0).await? == 0,
            "undo removes the track"
        );
        ensure!(list()?.contains("no tracks yet"), "from the project too");
        c.find(Locator::Css("[data-testid=tracks-redo]"))
            .await?
            .click()
            .await?;
        ensure!(
            wait_for_count(&c, "[data-testid=track-item]", 1).await? == 1,
            "redo brings it back"
        );
        ensure!(list()?.contains("Customer success"), "saved again");
        Ok(())
    })
    .await
}
