//! The window opens and imports the sales sample library: every module is listed, the
//! window is titled after the project, clicking a module shows it in the detail pane, and
//! Project ▸ Libraries… lists the library, re-imports it, removes it (after saying what
//! that does; Escape calls it off) and imports it again.

use crate::*;

pub(crate) async fn sample_library(env: &Env) -> Result<()> {
    let library = env.repo.join("sample-libraries/sales-onboarding");
    let expected = count_markdown(&library)?;
    ensure!(
        expected >= 30,
        "the sample library should hold 30+ modules, found {expected}"
    );
    let project = env.scratch.join("sales.pathforge");
    let args = vec![
        "--project".to_owned(),
        project.display().to_string(),
        "--import".to_owned(),
        library.display().to_string(),
    ];
    with_app(env, &args, |c| async move {
        let count = text_of(&c, "[data-testid=module-count]").await?;
        ensure!(
            count == format!("{expected} modules"),
            "header says {count:?}, want {expected}"
        );
        let rows = c.find_all(Locator::Css("[data-testid=module-row]")).await?;
        ensure!(
            rows.len() == expected,
            "{} rows listed, want {expected}",
            rows.len()
        );

        // The window is named after its project, on the screen itself (the X server's
        // record of it, not only the page's title).
        let want = "sales — Pathforge";
        let mut windows = String::new();
        for _ in 0..50 {
            let out = std::process::Command::new("xwininfo")
                .args(["-root", "-tree"])
                .output()
                .context("xwininfo (x11-utils, installed by .ci/setup) reads the window titles")?;
            windows = String::from_utf8_lossy(&out.stdout).into_owned();
            if windows.contains(want) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(
            windows.contains(want),
            "a window titled {want:?}: {}",
            windows
                .lines()
                .filter(|l| l.contains('"'))
                .take(8)
                .collect::<Vec<_>>()
                .join(" | ")
        );

        // Selecting a module shows its text in the detail pane.
        let third = &rows[2];
        let wanted = third.find(Locator::Css(".title")).await?.text().await?;
        third.click().await?;
        let mut title = String::new();
        for _ in 0..50 {
            title = text_of(&c, "[data-testid=detail-title]").await?;
            if title == wanted {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(
            title == wanted,
            "detail pane shows {title:?} after clicking {wanted:?}"
        );
        let body = text_of(&c, "[data-testid=detail-body]").await?;
        ensure!(
            body.split_whitespace().count() > 100,
            "the module text is shown in full"
        );
        wait_for_text(&c, "[data-testid=declared-skills]", "Product knowledge")
            .await
            .context("the skills its file declares are shown by their names, not slugs")?;

        // The filter narrows the list.
        let filter = c.find(Locator::Css("input.filter")).await?;
        filter.send_keys("negotiation").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let filtered = c
            .find_all(Locator::Css("[data-testid=module-row]"))
            .await?
            .len();
        ensure!(
            filtered > 0 && filtered < expected,
            "filtering by a skill keeps some modules, not all: {filtered} of {expected}"
        );
        filter.clear().await?;
        c.execute(
            "document.querySelector('input.filter').dispatchEvent(new Event('input'))",
            vec![],
        )
        .await?;
        screenshot(&c, env, "sample-library").await?;

        // Project ▸ Libraries… lists the library with its modules and where it came from;
        // Re-import reads it again (nothing changed) and the dialog closes.
        let open_libraries = || async {
            click(&c, "[data-testid=project-menu]", "opening the Project menu").await?;
            click(&c, "[data-testid=open-libraries]", "choosing Libraries…").await?;
            wait_for_text(&c, "[data-testid=library-row]", "sales-onboarding").await
        };
        let row = open_libraries().await?;
        screenshot(&c, env, "libraries").await?;
        // The place is read from its own element: a line cut to the dialog's width is
        // left out of the row's text by the driver.
        let place = c
            .find(Locator::Css("[data-testid=library-place]"))
            .await?
            .attr("title")
            .await?
            .unwrap_or_default();
        ensure!(
            row.contains(&format!("{expected} modules"))
                && Path::new(&place).ends_with("sample-libraries/sales-onboarding"),
            "the library is listed with its modules and its folder: {row:?}, from {place:?}"
        );
        c.find(Locator::Css("[data-testid=library-reimport]"))
            .await?
            .click()
            .await?;
        // The first import's notice is still up: wait for the re-import's.
        let notice =
            wait_for_text(&c, "[data-testid=notice]", &format!("{expected} unchanged")).await?;
        ensure!(
            notice.contains(&format!("0 added, 0 updated, {expected} unchanged")),
            "re-importing an unchanged library changes nothing: {notice:?}"
        );
        ensure!(
            wait_for_count(&c, "[data-testid=libraries]", 0).await? == 0,
            "the dialog closes for the import"
        );

        // Remove… says what it would do; Escape calls it off and leaves the dialog open.
        open_libraries().await?;
        click(&c, "[data-testid=library-remove]", "clicking Remove…").await?;
        let ask = wait_for_text(&c, "[data-testid=library-remove-ask]", "Nothing is deleted").await?;
        ensure!(
            ask.contains(&format!("Remove “sales-onboarding” from the project? Its {expected} modules leave")),
            "the removal asks first, saying what goes: {ask:?}"
        );
        press(&c, fantoccini::key::Key::Escape.into())
            .await
            .context("Escape while the removal is asked")?;
        ensure!(
            wait_for_count(&c, "[data-testid=library-remove-ask]", 0).await? == 0
                && wait_for_count(&c, "[data-testid=libraries]", 1).await? == 1,
            "Escape calls the removal off and keeps the dialog open"
        );
        ensure!(
            text_of(&c, "[data-testid=module-count]").await? == format!("{expected} modules"),
            "nothing was removed"
        );
        click(&c, "[data-testid=library-remove]", "clicking Remove… again").await?;
        click(
            &c,
            "[data-testid=library-remove-confirm]",
            "confirming the removal",
        )
        .await?;
        let notice = wait_for_text(&c, "[data-testid=notice]", "Removed “sales-onboarding”").await?;
        ensure!(
            notice.contains(&format!("{expected} modules retired")),
            "the notice says what went and how to bring it back: {notice:?}"
        );
        let counts =
            wait_for_text(&c, "[data-testid=library-counts]", "removed").await?;
        ensure!(
            counts.contains(&format!("{expected} modules retired")),
            "the dialog lists it as removed: {counts:?}"
        );
        let empty = wait_for_text(&c, "[data-testid=no-modules]", "has no modules now").await?;
        ensure!(
            empty.contains("Its library was removed: Project ▸ Libraries… imports one again"),
            "its modules left the window's list, and the empty state says how to bring them back: {empty:?}"
        );
        screenshot(&c, env, "library-removed").await?;

        // Import again brings every module back.
        let again = wait_for_text(&c, "[data-testid=library-reimport]", "Import again").await;
        ensure!(
            again.is_ok(),
            "a removed library offers to be imported again: {again:?}"
        );
        click(&c, "[data-testid=library-reimport]", "clicking Import again").await?;
        let notice =
            wait_for_text(&c, "[data-testid=notice]", &format!("{expected} added")).await?;
        ensure!(
            wait_for_text(&c, "[data-testid=module-count]", &format!("{expected} modules"))
                .await
                .is_ok(),
            "imported again, its modules are back: {notice:?}"
        );
        open_libraries().await?;
        let counts = text_of(&c, "[data-testid=library-counts]").await?;
        ensure!(
            counts.starts_with(&format!("{expected} modules · imported")),
            "and it is listed as in the project again: {counts:?}"
        );
        Ok(())
    })
    .await?;
    ensure!(project.exists(), "the project file was created on disk");
    Ok(())
}
