//! The Rules tab edits a rule with live checks (a 120% threshold is flagged at once, fixed,
//! cleared) and the why view explains the assignment a role gets.

use crate::*;

pub(crate) async fn rule_editor(env: &Env) -> Result<()> {
    let project = env.scratch.join("rules.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    let args = vec![
        "--project".to_owned(),
        project.display().to_string(),
        "--import".to_owned(),
        library.display().to_string(),
    ];
    with_app(env, &args, |c| async move {
        text_of(&c, "[data-testid=module-count]").await?;
        c.find(Locator::Css("[data-testid=tab-rules]"))
            .await?
            .click()
            .await?;
        // The count shows once the rules are read (until then the tab says it is reading).
        let count = text_of(&c, "[data-testid=rule-count]").await?;
        let n: usize = count.split_whitespace().next().unwrap_or("0").parse()?;
        ensure!(
            n > 12,
            "the sample's rules and the graph's unlock rules are listed: {count:?}"
        );
        wait_for_text(&c, "[data-testid=rules-clean]", "nothing wrong").await?;
        let derived = c
            .find(Locator::Css("[data-rule^='unlock:'] .title"))
            .await?
            .text()
            .await?;
        ensure!(
            derived.starts_with('“') && !derived.contains(".md"),
            "a rule the graph derives is listed by the module it opens, not its file: {derived:?}"
        );

        c.find(Locator::Css("[data-rule=remediate-discovery]"))
            .await?
            .click()
            .await?;
        let below = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("input[data-field=below]"))
            .await?;
        ensure!(
            below.prop("value").await?.as_deref() == Some("75"),
            "the form shows the rule's threshold"
        );
        below.clear().await?;
        below.send_keys("120").await?;
        c.find(Locator::Css("[data-testid=save-rule]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=rule-findings]", "outside 0–100%")
            .await
            .context("the checker flags a 120% threshold right after saving")?;
        screenshot(&c, env, "rule-editor-finding").await?;

        let below = c.find(Locator::Css("input[data-field=below]")).await?;
        below.clear().await?;
        below.send_keys("80").await?;
        c.find(Locator::Css("[data-testid=save-rule]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=rules-clean]", "nothing wrong")
            .await
            .context("fixing the threshold clears the finding")?;

        let role = c.find(Locator::Css("input[data-field=why-role]")).await?;
        role.send_keys("ae").await?;
        c.find(Locator::Css("[data-testid=why-run]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=why-decisions]", "account-executive")
            .await
            .context("the why view shows the assignment an AE gets")?;
        c.execute(
            "document.querySelector('[data-testid=why-decisions]').scrollIntoView()",
            vec![],
        )
        .await?;
        screenshot(&c, env, "rule-editor").await
    })
    .await
}
