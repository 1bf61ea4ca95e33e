//! A whole company's catalogue, 50,000 modules in 500 chained folders: the window opens it,
//! the module list draws a screenful and filters, the Graph tab says it will not draw
//! everything and draws a track of it instead, and an export of it says it is being worked
//! out, counts the files it writes and stops on Escape with nothing written. Prints how long each step took.

use crate::*;

pub(crate) async fn catalogue_at_scale(env: &Env) -> Result<()> {
    let (modules, folder) = (50_000usize, 100usize);
    let library = env.scratch.join("generated-50000");
    let _ = std::fs::remove_dir_all(&library);
    let mut manifest = String::from(
        "[[skill]]\nslug = \"renewals\"\nname = \"Renewals\"\n\n[[track]]\nslug = \"renewals\"\nname = \"Renewals\"\ntargets = [{ skill = \"renewals\" }]\n\n",
    );
    for i in 0..modules {
        let dir = format!("unit-{:03}", i / folder);
        std::fs::create_dir_all(library.join(&dir))?;
        // The last folder teaches the track's skill; the rest teach nothing in particular.
        let tags = if i / folder == modules / folder - 1 {
            "[renewals]"
        } else {
            "[]"
        };
        std::fs::write(
            library.join(format!("{dir}/m{i:05}.md")),
            format!("---\ntitle: Module {i:05}\nduration_minutes: 10\ntags: {tags}\n---\nPractice {i}.\n"),
        )?;
        if i % folder > 0 {
            manifest += &format!(
                "[[requires]]\nmodule = \"{dir}/m{i:05}.md\"\nafter = [\"{dir}/m{:05}.md\"]\n",
                i - 1
            );
        }
    }
    std::fs::write(library.join("pathforge.toml"), manifest)?;
    let project = env.scratch.join("catalogue.pathforge");
    let _ = std::fs::remove_file(&project);
    let start = std::time::Instant::now();
    new_project(env, &project, &library)?;
    let imported = start.elapsed();
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        let start = std::time::Instant::now();
        wait_for_text(&c, "[data-testid=module-count]", &format!("{modules} modules")).await?;
        let listed = start.elapsed();
        let rows = c.find_all(Locator::Css("[data-testid=module-row]")).await?.len();
        ensure!(
            rows > 0 && rows < 200,
            "the module list draws a screenful, not {modules} rows: {rows}"
        );
        let start = std::time::Instant::now();
        c.find(Locator::Css("input.filter")).await?.send_keys("Module 49999").await?;
        wait_for_count(&c, "[data-testid=module-row]", 1).await?;
        let filtered = start.elapsed();
        c.find(Locator::Css("[data-testid=tab-graph]")).await?.click().await?;
        let start = std::time::Instant::now();
        let notice = wait_for_text(&c, "[data-testid=graph-too-many]", "more than the graph draws").await?;
        let graph = start.elapsed();
        ensure!(notice.contains("50000 modules"), "the notice says how many: {notice:?}");
        let start = std::time::Instant::now();
        c.find(Locator::Css("[data-testid=graph-track]"))
            .await?
            .select_by_value("renewals")
            .await?;
        let drawn = loop {
            let n = c
                .execute("return window.__pathforgeGraph?.nodes?.() ?? 0;", vec![])
                .await?;
            if n.as_u64().unwrap_or(0) > 0 {
                break n;
            }
            ensure!(start.elapsed() < WAIT, "the track was never drawn");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let track = start.elapsed();
        ensure!(
            drawn.as_u64() == Some(folder as u64),
            "the track's {folder} modules are drawn, not {drawn}"
        );
        ensure!(
            c.find_all(Locator::Css("[data-testid=graph-too-many]")).await?.is_empty(),
            "and the notice is gone"
        );
        screenshot(&c, env, "catalogue-50000-track").await?;

        // Exporting 50,000 pages shows how far the writing is, and Escape stops it with
        // nothing written.
        let out = env.scratch.join("catalogue-scorm12");
        let _ = std::fs::remove_dir_all(&out);
        press_ctrl(&c, '4').await?;
        c.find(Locator::Css("[data-testid=target-scorm12]")).await?.click().await?;
        c.find(Locator::Css("[data-testid=export-folder]"))
            .await?
            .send_keys(&out.display().to_string())
            .await?;
        let start = std::time::Instant::now();
        wait_for_content(&c, "[data-testid=export-previewing]", "Working out")
            .await
            .context("while the preview of 50,000 modules is worked out, the tab says so")?;
        while c.find_all(Locator::Css("[data-testid=export-diff]")).await?.is_empty() {
            ensure!(start.elapsed() < WAIT * 2, "the preview of 50,000 modules never came");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let previewed = start.elapsed();
        press_ctrl(&c, 'e').await?;
        let start = std::time::Instant::now();
        let writing = loop {
            let text = c
                .execute(
                    "return document.querySelector('[data-testid=export-progress]')?.textContent ?? '';",
                    vec![],
                )
                .await?;
            let text = text.as_str().unwrap_or_default().to_owned();
            if text.contains(" files") {
                break text;
            }
            ensure!(start.elapsed() < WAIT * 2, "no files counted while exporting: {text:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        screenshot(&c, env, "catalogue-50000-exporting").await?;
        press(&c, fantoccini::key::Key::Escape.into()).await?;
        wait_for_content(&c, "[data-testid=export-cancelled]", "nothing was written")
            .await
            .context("Escape cancels the export")?;
        ensure!(
            !out.exists(),
            "a cancelled export leaves no folder (progress was {writing:?})"
        );
        println!(
            "    50,000 modules: CLI import {:.1} s (debug build), window shows the list {:.1} s, filter {:.2} s, Graph tab notice {:.1} s, a 100-module track drawn {:.1} s, SCORM 1.2 export previewed {:.1} s",
            imported.as_secs_f64(),
            listed.as_secs_f64(),
            filtered.as_secs_f64(),
            graph.as_secs_f64(),
            track.as_secs_f64(),
            previewed.as_secs_f64()
        );
        Ok(())
    })
    .await
}
