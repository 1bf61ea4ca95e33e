//! The window imports the library it was started with under a progress bar; Esc cancels and
//! leaves the project empty. Then, on a project whose library is watched, a file saved on
//! disk is re-imported by the app and announced.

use crate::*;

pub(crate) async fn import_and_watch(env: &Env) -> Result<()> {
    let big = env.scratch.join("big-library");
    generated_library(&big, 80_000, 0)?;
    let project = env.scratch.join("cancelled.pathforge");
    let args = vec![
        "--project".to_owned(),
        project.display().to_string(),
        "--import".to_owned(),
        big.display().to_string(),
    ];
    with_app(env, &args, |c| async move {
        let progress = wait_for_text(&c, "[data-testid=import-progress]", "of 80000 files").await?;
        ensure!(
            progress.contains("Importing"),
            "the progress bar counts files as they are read: {progress:?}"
        );
        // The import holds the project while it reads. A tab opened meanwhile asks the
        // project for its contents (Ctrl+2: the rules); that request must wait without
        // holding up the window, or the Escape below would only reach it once the import
        // had finished.
        press_ctrl(&c, '2').await?;
        // Escape at once: reading 80,000 files takes seconds (40,000 once finished first).
        c.find(Locator::Css("body"))
            .await?
            .send_keys("\u{E00C}")
            .await?;
        screenshot(&c, env, "import-progress").await?;
        let notice = wait_for_text(&c, "[data-testid=notice]", "Import cancelled").await?;
        ensure!(
            notice.contains("as it was"),
            "the notice says nothing changed: {notice:?}"
        );
        // The Rules tab opened during the import gets its answer once the import stops
        // (the project, left as it was, has no rules).
        wait_for_text(&c, "[data-testid=rules-empty]", "No rules yet").await?;
        press_ctrl(&c, '1').await?;
        let empty = text_of(&c, "[data-testid=no-modules]").await?;
        ensure!(
            empty.contains("no modules yet"),
            "the cancelled import wrote no module: {empty:?}"
        );
        Ok(())
    })
    .await?;

    // Closing the window during an import stops it, as Escape does: the window does not
    // stay open until the 80,000 files are read, and the project is left as it was.
    let closed = env.scratch.join("closed.pathforge");
    let args = vec![
        "--project".to_owned(),
        closed.display().to_string(),
        "--import".to_owned(),
        big.display().to_string(),
    ];
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=import-progress]", "of 80000 files").await?;
        // The window may be gone before the driver answers.
        let _ = press_ctrl(&c, 'w').await;
        let closing = std::time::Instant::now();
        while closing.elapsed() < WAIT && running_with(&closed) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        ensure!(
            !running_with(&closed),
            "the app closed (within {WAIT:?}) when asked to during the import"
        );
        let modules = cli(env, &["modules".as_ref(), closed.as_os_str()])?;
        ensure!(
            modules.contains("no modules"),
            "closing stopped the import before it wrote anything: {:?}",
            modules.lines().last()
        );
        Ok(())
    })
    .await?;

    // A copy of the sample library, so the test can save one of its files.
    let library = env.scratch.join("watched-sales");
    copy_dir(
        &env.repo.join("sample-libraries/sales-onboarding"),
        &library,
    )?;
    let expected = count_markdown(&library)?;
    let project = env.scratch.join("watched.pathforge");
    let args = vec![
        "--project".to_owned(),
        project.display().to_string(),
        "--import".to_owned(),
        library.display().to_string(),
    ];
    let reaction = with_app(env, &args, |c| async move {
        let count = wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        ensure!(
            count == format!("{expected} modules"),
            "the window imported the library it was started with: {count:?}"
        );
        let first = std::fs::read_dir(library.join("modules"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .min()
            .context("a module file")?;
        let text = std::fs::read_to_string(&first)?;
        let saved = std::time::Instant::now();
        std::fs::write(&first, text.replacen("title: ", "title: Revised ", 1))?;
        let mut notice = String::new();
        while saved.elapsed() < WAIT {
            if let Ok(el) = c.find(Locator::Css("[data-testid=notice]")).await {
                notice = el.text().await.unwrap_or_default();
                if notice.contains("Changed on disk") {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let reaction = saved.elapsed();
        ensure!(
            notice.contains("Changed on disk, re-imported") && notice.contains("1 updated"),
            "the saved module is re-imported and announced: {notice:?}"
        );
        let rows = c.find_all(Locator::Css("[data-testid=module-row]")).await?;
        let mut revised = false;
        for r in rows {
            revised |= r.text().await?.contains("Revised ");
        }
        ensure!(revised, "the module list shows the saved title");
        screenshot(&c, env, "library-changed").await?;
        Ok(reaction)
    })
    .await?;
    println!(
        "    a saved file was re-imported and shown {} ms after the save",
        reaction.as_millis()
    );
    ensure!(
        reaction < Duration::from_secs(10),
        "the watcher reacts within seconds (took {reaction:?})"
    );
    Ok(())
}

/// Whether a process was started with `project` among its arguments (the app it opened).
fn running_with(project: &Path) -> bool {
    let wanted = project.as_os_str().as_encoded_bytes();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .any(|p| {
            std::fs::read(p.path().join("cmdline"))
                .is_ok_and(|line| line.split(|&b| b == 0).any(|arg| arg == wanted))
        })
}
