//! Opening a file that is not a project (meeting notes) names it in the banner and leaves
//! it untouched.

use crate::*;

pub(crate) async fn not_a_project(env: &Env) -> Result<()> {
    let notes = env.scratch.join("notes.pathforge");
    let content = "meeting notes, not a project";
    std::fs::write(&notes, content)?;
    let args = vec!["--project".to_owned(), notes.display().to_string()];
    with_app(env, &args, |c| async move {
        let banner = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("[data-testid=error-banner]"))
            .await
            .context("no error banner appeared")?;
        let kind = banner.attr("data-kind").await?;
        ensure!(
            kind.as_deref() == Some("not_a_project"),
            "banner kind is {kind:?}"
        );
        let text = banner.text().await?;
        ensure!(
            text.contains("notes.pathforge"),
            "the banner names the file: {text:?}"
        );
        screenshot(&c, env, "not-a-project").await
    })
    .await?;
    ensure!(
        std::fs::read_to_string(&notes)? == content,
        "the file was left untouched"
    );
    Ok(())
}
