//! Two copies of one project edited apart, merged in the window: the app started with
//! `--merge` shows what the other copy brings — an edge that merges by itself, and how a
//! module's prerequisites combine, changed both ways, side by side — the conflict is
//! resolved from the keyboard (T takes theirs) and Enter merges; the CLI then finds both
//! copies' edits in the project and its log intact.

use crate::*;

pub(crate) async fn merge_copies(env: &Env) -> Result<()> {
    let cli = env.app.with_file_name("pathforge");
    let base = env.scratch.join("merge-base.pathforge");
    let ours = env.scratch.join("merge-ours.pathforge");
    let theirs = env.scratch.join("merge-theirs.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    let pf = |args: &[&std::ffi::OsStr]| -> Result<String> {
        let out = std::process::Command::new(&cli).args(args).output()?;
        ensure!(
            out.status.success(),
            "pathforge {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let _ = std::fs::remove_file(&base);
    pf(&["init".as_ref(), base.as_os_str()])?;
    pf(&["import".as_ref(), base.as_os_str(), library.as_os_str()])?;
    std::fs::copy(&base, &ours)?;
    std::fs::copy(&base, &theirs)?;
    let target = "modules/16-competitor-and-status-quo-objections.md";
    let link = |file: &Path, before: &str, after: &str, group: &[&str]| -> Result<String> {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "graph".as_ref(),
            "link".as_ref(),
            file.as_os_str(),
            before.as_ref(),
            after.as_ref(),
        ];
        args.extend(group.iter().map(std::ffi::OsStr::new));
        pf(&args)
    };
    link(
        &theirs,
        "modules/02-northwind-platform-overview.md",
        "modules/08-open-questions-and-active-listening.md",
        &[],
    )?;
    link(
        &ours,
        "modules/06-competitive-landscape.md",
        target,
        &["--group", "any-of"],
    )?;
    link(
        &theirs,
        "modules/14-objection-handling-framework.md",
        target,
        &["--group", "n-of", "--n", "1"],
    )?;

    let args = vec![
        "--project".to_owned(),
        ours.display().to_string(),
        "--merge".to_owned(),
        theirs.display().to_string(),
    ];
    with_app(env, &args, |c| async move {
        let summary = wait_for_text(&c, "[data-testid=merge-summary]", "conflict").await?;
        ensure!(
            summary.contains("1 change of theirs merges without conflict; 1 conflict to resolve"),
            "the preview says what merges and what collides: {summary}"
        );
        let conflict = text_of(&c, "[data-testid=merge-conflict]").await?;
        ensure!(
            conflict.contains("any-of") && conflict.contains("1-of"),
            "both sides' groups are side by side: {conflict}"
        );
        let run = c.find(Locator::Css("[data-testid=merge-run]")).await?;
        ensure!(
            run.attr("disabled").await?.is_some(),
            "Merge waits until every conflict has a side"
        );
        screenshot(&c, env, "merge-preview").await?;
        let dialog = c.find(Locator::Css("[data-testid=merge-dialog]")).await?;
        // The dialog holds the keyboard: ↓ moves among its conflicts, not the module list
        // behind it (nor anything a tab would do with the key).
        let selected =
            "return document.querySelector('[data-testid=module-row].selected')?.textContent ?? ''";
        let behind = c.execute(selected, vec![]).await?;
        ensure!(
            behind.as_str().is_some_and(|t| !t.is_empty()),
            "a module is selected behind the dialog: {behind}"
        );
        dialog.send_keys("\u{E015}").await?; // ArrowDown
        tokio::time::sleep(Duration::from_millis(400)).await;
        let after = c.execute(selected, vec![]).await?;
        ensure!(
            after == behind,
            "↓ in the merge dialog left the module list alone: {behind} became {after}"
        );
        dialog.send_keys("t").await?;
        dialog.send_keys("\u{E007}").await?; // Enter
        wait_for_text(&c, "body", "Merged: 2 changes of theirs came in").await?;
        screenshot(&c, env, "merge-done").await
    })
    .await?;

    let edges = pf(&[
        "graph".as_ref(),
        "edges".as_ref(),
        ours.as_os_str(),
        "--json".as_ref(),
    ])?;
    let edges: serde_json::Value = serde_json::from_str(&edges)?;
    let into_16 = edges
        .as_array()
        .context("edges")?
        .iter()
        .filter(|e| e["group"]["kind"] == "n_of")
        .count();
    ensure!(
        into_16 >= 2,
        "the conflict went theirs' way: every edge into module 16 is 1-of"
    );
    let log = pf(&["audit".as_ref(), "verify".as_ref(), ours.as_os_str()])?;
    ensure!(log.contains("intact"), "the merged log verifies: {log}");
    Ok(())
}
