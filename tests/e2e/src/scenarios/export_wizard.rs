//! The Export tab on the sample library: coverage of every rule with a verdict that says
//! how or why not, and the preview's diff against the export already in the folder.

use crate::*;

pub(crate) async fn export_wizard(env: &Env) -> Result<()> {
    let cli = env.app.with_file_name("pathforge");
    let project = env.scratch.join("export.pathforge");
    let folder = env.scratch.join("export-scorm2004");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    for args in [
        vec!["init".as_ref(), project.as_os_str()],
        vec!["import".as_ref(), project.as_os_str(), library.as_os_str()],
        vec![
            "export".as_ref(),
            project.as_os_str(),
            "--target".as_ref(),
            "scorm2004".as_ref(),
            "--out".as_ref(),
            folder.as_os_str(),
        ],
    ] {
        let out = std::process::Command::new(&cli).args(&args).output()?;
        ensure!(
            out.status.success(),
            "{} {:?}: {}",
            cli.display(),
            args,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // An older export in the folder: one page differs from what the project gives now.
    let page = std::fs::read_dir(folder.join("content"))?
        .next()
        .context("the export has pages")??
        .path();
    let fresh = std::fs::read(&page)?;
    std::fs::write(&page, b"<p>an older version</p>")?;
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        c.find(Locator::Css("[data-testid=tab-export]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=target-scorm2004]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=export-folder]"))
            .await?
            .send_keys(&folder.display().to_string())
            .await?;
        let diff = wait_for_text(&c, "[data-testid=export-diff]", "1 changed").await?;
        ensure!(
            diff.contains("33 unchanged"),
            "the preview compares with the export already in the folder: {diff}"
        );
        let rows = c
            .find_all(Locator::Css("[data-testid=coverage-row]"))
            .await?
            .len();
        ensure!(
            rows > 40,
            "every rule of the sample library has a verdict, found {rows} rows"
        );
        let coverage = text_of(&c, "[data-testid=coverage]").await?;
        ensure!(
            coverage.contains("not exported") && coverage.contains("objective status unknown"),
            "verdicts say how and why not"
        );
        screenshot(&c, env, "export-preview").await?;
        c.find(Locator::Css("[data-testid=export-run]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=export-diff]", "Exported 34 files").await?;
        screenshot(&c, env, "export-done").await
    })
    .await?;
    ensure!(
        std::fs::read(&page)? == fresh,
        "exporting from the window rewrote the stale page with the project's content"
    );
    Ok(())
}
