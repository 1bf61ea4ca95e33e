//! The nurse-onboarding (HTML, PDF, SCORM 2004) and data-literacy (catalog CSV, Common
//! Cartridge) samples open and list their modules, each with its text (and a cartridge
//! item with the section it sits in).

use crate::*;

pub(crate) async fn other_sample_libraries(env: &Env) -> Result<()> {
    for (name, expected, pick, needle) in [
        (
            "nurse-onboarding",
            16,
            "Hand Hygiene: The Five Moments",
            "five moments",
        ),
        (
            "nurse-onboarding",
            16,
            "Dose Calculations and Infusion Rates",
            "mL per hour",
        ),
        (
            "data-literacy",
            17,
            "Lab 2: Comparing Regions Fairly",
            "percentage points",
        ),
    ] {
        let project = env
            .scratch
            .join(format!("{name}-{expected}-{}.pathforge", pick.len()));
        let args = vec![
            "--project".to_owned(),
            project.display().to_string(),
            "--import".to_owned(),
            env.repo
                .join("sample-libraries")
                .join(name)
                .display()
                .to_string(),
        ];
        with_app(env, &args, |c| async move {
            let count = wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
            ensure!(
                count == format!("{expected} modules"),
                "{name}: {count:?}, want {expected}"
            );
            let filter = c.find(Locator::Css("input.filter")).await?;
            filter.send_keys(pick).await?;
            let row = wait_for_count(&c, "[data-testid=module-row]", 1).await?;
            ensure!(
                row == 1,
                "{name}: filtering by {pick:?} leaves one module, not {row}"
            );
            c.find(Locator::Css("[data-testid=module-row]"))
                .await?
                .click()
                .await?;
            wait_for_text(&c, "[data-testid=detail-title]", pick).await?;
            let body = text_of(&c, "[data-testid=detail-body]").await?;
            // PDF lines wrap anywhere: compare words, not line breaks.
            let words = body.split_whitespace().collect::<Vec<_>>().join(" ");
            ensure!(
                words.to_lowercase().contains(&needle.to_lowercase()),
                "{name}: {pick:?} shows its text, extracted from its file: {:?}",
                &body[..body.len().min(200)]
            );
            if name == "data-literacy" {
                let facts = text_of(&c, "[data-testid=source-facts]").await?;
                ensure!(
                    facts.contains("In “Week 1: Clean and compare”"),
                    "{name}: a cartridge item says which of its weeks it sits in: {facts:?}"
                );
            }
            screenshot(&c, env, &format!("{name}-{}", pick.len())).await
        })
        .await?;
    }
    // Each library's static path against a signed bundle of it, from its own cohort.
    for (name, segments) in [("nurse-onboarding", 2), ("data-literacy", 3)] {
        let project = env.scratch.join(format!("{name}-bundled.pathforge"));
        new_project(env, &project, &env.repo.join("sample-libraries").join(name))?;
        let out = std::process::Command::new(env.app.with_file_name("pathforge"))
            .args(["bundle", "build"])
            .arg(&project)
            .arg("--out")
            .arg(&env.scratch)
            .args(["--version", "1.0.0"])
            .output()?;
        ensure!(
            out.status.success(),
            "{name}: bundle build: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bundle = env
            .scratch
            .join(format!("{name}-bundled-1.0.0.pathforge-bundle.zip"));
        let args = vec!["--project".to_owned(), project.display().to_string()];
        with_app(env, &args, |c| async move {
            text_of(&c, "[data-testid=module-count]").await?;
            c.find(Locator::Css("[data-testid=tab-simulate]"))
                .await?
                .click()
                .await?;
            let shown = wait_for_count(&c, "[data-testid=segment]", segments).await?;
            ensure!(
                shown == segments,
                "{name}: the library's cohort is in the editor: {shown} segments, want {segments}"
            );
            c.find(Locator::Css("[data-testid=mode-bundle]"))
                .await?
                .click()
                .await?;
            replace_text(
                &c,
                "[data-testid=bundle-first]",
                &bundle.display().to_string(),
            )
            .await?;
            replace_text(&c, "[data-testid=learners]", "1000").await?;
            c.find(Locator::Css("[data-testid=run-simulation]"))
                .await?
                .click()
                .await?;
            let runs = wait_for_count(&c, "[data-testid=run-label]", 2).await?;
            ensure!(runs == 2, "{name}: the static path and the bundle: {runs}");
            let kpis = text_of(&c, "[data-testid=kpis]").await?;
            ensure!(
                kpis.contains("Bundle 1.0.0"),
                "{name}: the bundle's run is named: {kpis:?}"
            );
            screenshot(&c, env, &format!("{name}-simulated")).await
        })
        .await?;
    }
    Ok(())
}
