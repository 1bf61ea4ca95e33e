//! The modules list's problems panel counts the graph's findings and focuses the module a
//! finding names.

use crate::*;

pub(crate) async fn graph_problems(env: &Env) -> Result<()> {
    // Prepare a project with the CLI: the sample library plus one redundant shortcut.
    let cli = env.app.with_file_name("pathforge");
    let project = env.scratch.join("problems.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    let first = "modules/01-product-basics-pre-assessment.md";
    let last = "modules/32-certification-readiness-assessment.md";
    for args in [
        vec!["init".to_owned(), project.display().to_string()],
        vec![
            "import".to_owned(),
            project.display().to_string(),
            library.display().to_string(),
        ],
        vec![
            "graph".into(),
            "link".into(),
            project.display().to_string(),
            first.into(),
            last.into(),
        ],
    ] {
        let out = std::process::Command::new(&cli).args(&args).output()?;
        ensure!(
            out.status.success(),
            "pathforge {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        let toggle = text_of(&c, "[data-testid=problems-toggle]").await?;
        ensure!(
            toggle == "1 problem",
            "the list header counts the graph's problems: {toggle:?}"
        );
        c.find(Locator::Css("[data-testid=problems-toggle]"))
            .await?
            .click()
            .await?;
        let panel = text_of(&c, "[data-testid=problems]").await?;
        ensure!(
            panel.contains("is redundant") && panel.contains("Product Basics Pre-Assessment"),
            "the panel explains the finding with module names: {panel:?}"
        );
        screenshot(&c, env, "graph-problems").await?;
        c.find(Locator::Css("[data-testid=problems] button"))
            .await?
            .click()
            .await?;
        let mut title = String::new();
        for _ in 0..50 {
            title = text_of(&c, "[data-testid=detail-title]").await?;
            if title == "Product Basics Pre-Assessment" {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("clicking the finding should open its first module, shows {title:?}")
    })
    .await
}
