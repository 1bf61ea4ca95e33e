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
        scorm_2004_into(&c, &folder).await?;
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

/// Carrying package items from the Export tab (nurse library: a SCORM 2004 package of six
/// items): the wizard says which items it could carry, the checkbox carries them — no
/// longer listed as text only — and the folder written holds the package's own files, each
/// item a SCO launched from them.
pub(crate) async fn export_carries_items(env: &Env) -> Result<()> {
    let project = env.scratch.join("carry.pathforge");
    let folder = env.scratch.join("carry-scorm2004");
    new_project(
        env,
        &project,
        &env.repo.join("sample-libraries/nurse-onboarding"),
    )?;
    let zip = env.scratch.join("carry-scorm2004.zip");
    let args = vec!["--project".to_owned(), project.display().to_string()];
    let out = folder.clone();
    let zip_out = zip.clone();
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        scorm_2004_into(&c, &out).await?;
        let hint = wait_for_content(
            &c,
            "[data-testid=text-only-carriable]",
            "this export can carry",
        )
        .await?;
        ensure!(
            hint.contains("6 of these are package items"),
            "the wizard says which text-only modules carrying would take: {hint}"
        );
        c.find(Locator::Css("[data-testid=export-carry-items]"))
            .await?
            .click()
            .await?;
        let mut gone = false;
        for _ in 0..100 {
            let listed = c
                .execute(
                    "return document.querySelector('[data-testid=text-only]') !== null",
                    vec![],
                )
                .await?;
            if listed == serde_json::Value::Bool(false) {
                gone = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(
            gone,
            "carried, the package's items are no longer listed as text only"
        );
        screenshot(&c, env, "export-carry-items").await?;
        c.find(Locator::Css("[data-testid=export-run]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=export-diff]", "Exported").await?;
        // The same export as the one zip an admin uploads: typed, as the Zip… dialog
        // would fill it in.
        let destination = c.find(Locator::Css("[data-testid=export-folder]")).await?;
        destination.clear().await?;
        destination
            .send_keys(&zip_out.display().to_string())
            .await?;
        // The preview of the zip (nothing written there yet) replaces the written folder's.
        let mut previewed = false;
        for _ in 0..100 {
            let said = c
                .find(Locator::Css("[data-testid=export-diff]"))
                .await?
                .text()
                .await?;
            if !said.contains("Exported") && said.contains("A new export") {
                previewed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(
            previewed,
            "a preview of the zip follows the new destination"
        );
        c.find(Locator::Css("[data-testid=export-run]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=export-diff]", "carry-scorm2004.zip.").await?;
        Ok(())
    })
    .await?;
    let listed = std::process::Command::new("python3")
        .args(["-m", "zipfile", "-l"])
        .arg(&zip)
        .output()?;
    let listed = String::from_utf8_lossy(&listed.stdout);
    let entries: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    ensure!(
        entries.contains(&"imsmanifest.xml")
            && entries.contains(&"items/medication-safety/shared/scorm.js"),
        "written to a .zip, the export is one zip with the manifest at its root and the \
         package's own files, as an LMS upload wants it: {entries:?}"
    );
    let manifest = std::fs::read_to_string(folder.join("imsmanifest.xml"))?;
    ensure!(
        folder
            .join("items/medication-safety/shared/scorm.js")
            .is_file()
            && manifest.contains(r#"adlcp:scormType="sco" href="items/medication-safety/"#),
        "the folder holds the package's own files and the manifest launches its items from \
         them as SCOs"
    );
    Ok(())
}

/// Opens the Export tab on SCORM 2004 with `folder` typed in: a preview follows.
async fn scorm_2004_into(c: &Client, folder: &Path) -> Result<()> {
    for testid in ["tab-export", "target-scorm2004"] {
        c.find(Locator::Css(&format!("[data-testid={testid}]")))
            .await?
            .click()
            .await?;
    }
    c.find(Locator::Css("[data-testid=export-folder]"))
        .await?
        .send_keys(&folder.display().to_string())
        .await?;
    Ok(())
}
