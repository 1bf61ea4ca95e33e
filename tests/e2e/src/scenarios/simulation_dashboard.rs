//! The Simulate tab on the sample library: the library's cohort in the editor, a run of the
//! static path against the project's rules drawn as four charts, a struggling learner's
//! journey opened from the heat map, two signed bundle versions compared with what changed
//! between them, a cancelled run that keeps the previous results, and an edited cohort
//! saved to the project (read back by the CLI).

use crate::*;

pub(crate) async fn simulation_dashboard(env: &Env) -> Result<()> {
    let library = env.scratch.join("simulation-library");
    copy_dir(
        &env.repo.join("sample-libraries/sales-onboarding"),
        &library,
    )?;
    let project = env.scratch.join("simulation.pathforge");
    new_project(env, &project, &library)?;
    // Two bundle versions signed on this machine (whose key the window trusts): the second
    // nudges idle learners after 21 days, not 7.
    let bundle = |version: &str| -> Result<PathBuf> {
        let out = std::process::Command::new(env.app.with_file_name("pathforge"))
            .args(["bundle", "build"])
            .arg(&project)
            .arg("--out")
            .arg(&env.scratch)
            .args(["--version", version])
            .output()?;
        ensure!(
            out.status.success(),
            "bundle build: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(env
            .scratch
            .join(format!("simulation-{version}.pathforge-bundle.zip")))
    };
    let v1 = bundle("1.0.0")?;
    let manifest = library.join("pathforge.toml");
    let text = std::fs::read_to_string(&manifest)?;
    ensure!(
        text.contains("idle_days = 7\n"),
        "the sample nudges after a week"
    );
    std::fs::write(
        &manifest,
        text.replace("idle_days = 7\n", "idle_days = 21\n"),
    )?;
    cli(
        env,
        &["import".as_ref(), project.as_os_str(), library.as_os_str()],
    )?;
    let v2 = bundle("2.0.0")?;

    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        text_of(&c, "[data-testid=module-count]").await?;
        press_ctrl(&c, '8').await?;
        if let Err(e) = text_of(&c, "[data-testid=simulation-empty]").await {
            let page = c
                .execute("return document.body.innerText.slice(0, 2000)", vec![])
                .await?;
            bail!("Ctrl+8 opens the Simulate tab, empty until a run: {e}; the page: {page}");
        }
        let segments = wait_for_count(&c, "[data-testid=segment]", 3).await?;
        ensure!(
            segments == 3,
            "the library's three segments are in the editor: {segments}"
        );

        replace_text(&c, "[data-testid=learners]", "3000").await?;
        c.find(Locator::Css("[data-testid=run-simulation]"))
            .await?
            .click()
            .await?;
        let runs = wait_for_count(&c, "[data-testid=run-label]", 2).await?;
        ensure!(
            runs == 2,
            "the static path and the project's rules side by side: {runs}"
        );
        let kpis = text_of(&c, "[data-testid=kpis]").await?;
        ensure!(
            kpis.contains("Static path")
                && kpis.contains("Project rules")
                && kpis.contains("Hours saved by placement"),
            "the KPI table compares both runs: {kpis:?}"
        );
        for chart in [
            "chart-histogram",
            "chart-funnel",
            "chart-heatmap",
            "chart-segments",
        ] {
            // Pixels painted on the chart's canvas (under the window's CSP and frozen
            // prototypes, which a charting library has to live with).
            let script = format!(
                "const c = document.querySelector('[data-testid={chart}] canvas'); \
                 if (!c || !c.width) return 0; \
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; \
                 let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;"
            );
            let painted = c.execute(&script, vec![]).await?.as_u64().unwrap_or(0);
            ensure!(painted > 2000, "{chart} is drawn: {painted} pixels painted");
        }
        let fairness = text_of(&c, "[data-testid=fairness]").await?;
        ensure!(
            !fairness.is_empty(),
            "the fairness audit says something either way"
        );
        c.execute(
            "document.querySelector('[data-testid=chart-heatmap]').scrollIntoView()",
            vec![],
        )
        .await?;
        screenshot(&c, env, "simulation-heatmap").await?;

        c.find(Locator::Css("[data-testid=example-learner]"))
            .await?
            .click()
            .await?;
        let summary = text_of(&c, "[data-testid=journey-summary]").await?;
        ensure!(
            summary.contains("learner-"),
            "a struggling learner's journey opens: {summary:?}"
        );
        let mut decisions = Vec::new();
        for d in c
            .find_all(Locator::Css("[data-testid=journey-decision]"))
            .await?
        {
            decisions.push(d.text().await?);
        }
        ensure!(
            !decisions.is_empty(),
            "with the rule decisions that steered them"
        );
        let unlocks: Vec<&String> = decisions
            .iter()
            .filter(|d| d.starts_with("unlock"))
            .collect();
        ensure!(
            !unlocks.is_empty() && unlocks.iter().all(|d| d.starts_with("unlock “")),
            "a module the rules open is named by its title, not its file: {unlocks:?}"
        );
        ensure!(
            decisions.iter().all(|d| d
                .match_indices('—')
                .all(|(i, m)| d[i + m.len()..].starts_with(' '))),
            "what a decision is about and why are set apart by a spaced dash: {decisions:?}"
        );
        let tick = c
            .execute(
                "return document.querySelector('[data-testid=journey] input[type=checkbox]').getBoundingClientRect().width",
                vec![],
            )
            .await?
            .as_f64()
            .unwrap_or(f64::MAX);
        ensure!(
            tick < 30.0,
            "the 'under the rules' box is a box beside its words, not a field's width: {tick}px"
        );
        c.execute(
            "document.querySelector('[data-testid=journey]').scrollIntoView()",
            vec![],
        )
        .await?;
        screenshot(&c, env, "simulation-journey").await?;

        c.find(Locator::Css("[data-testid=mode-two]"))
            .await?
            .click()
            .await?;
        replace_text(&c, "[data-testid=bundle-first]", &v1.display().to_string()).await?;
        replace_text(&c, "[data-testid=bundle-second]", &v2.display().to_string()).await?;
        c.find(Locator::Css("[data-testid=run-simulation]"))
            .await?
            .click()
            .await?;
        let runs = wait_for_count(&c, "[data-testid=run-label]", 3).await?;
        ensure!(runs == 3, "the static path and both versions: {runs}");
        wait_for_text(&c, "[data-testid=bundle-changes]", "reengage-idle-learners")
            .await
            .context("what changed between the versions is listed")?;
        text_of(&c, "[data-testid=change-label]")
            .await
            .context("and the outcomes' change from one version to the other")?;
        c.execute(
            "document.querySelector('.sim-results').scrollTop = 0",
            vec![],
        )
        .await?;
        screenshot(&c, env, "simulation-two-bundles").await?;

        // A run too long to wait for, cancelled: the previous results stay.
        c.find(Locator::Css("[data-testid=mode-project]"))
            .await?
            .click()
            .await?;
        replace_text(&c, "[data-testid=learners]", "5000000").await?;
        c.find(Locator::Css("[data-testid=run-simulation]"))
            .await?
            .click()
            .await?;
        text_of(&c, "[data-testid=simulation-progress]")
            .await
            .context("a progress bar while it runs")?;
        c.find(Locator::Css("[data-testid=cancel-simulation]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=simulation-status]", "Cancelled")
            .await
            .context("Cancel stops the run")?;
        let runs = c
            .find_all(Locator::Css("[data-testid=run-label]"))
            .await?
            .len();
        ensure!(runs == 3, "the previous comparison is still shown: {runs}");

        replace_text(
            &c,
            "[data-testid=segment] input[data-field=name]",
            "Pilot group",
        )
        .await?;
        c.find(Locator::Css("[data-testid=save-cohort]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=simulation-status]", "Saved").await?;
        Ok(())
    })
    .await?;
    let out = cli(
        env,
        &[
            "simulate".as_ref(),
            project.as_os_str(),
            "--learners".as_ref(),
            "10".as_ref(),
            "--json".as_ref(),
        ],
    )?;
    ensure!(
        out.contains("\"Pilot group\""),
        "the saved cohort is the project's from now on"
    );
    Ok(())
}
