//! The two other sample libraries open in the window with every kind of module they mix:
//! HTML pages, PDF guides and SCORM 2004 lessons; catalog courses and cartridge pages.
//! Imports a page written to attack the app — scripts calling Tauri's IPC, inline event
//! handlers, `javascript:` links, remote images, styles, frames and a refresh — and shows
//! it in the window: its text appears, nothing in it runs (no project file is created, the
//! window's title is unchanged) and nothing is fetched (a listener on localhost that every
//! URL in the page points at hears no connection).

use crate::*;

pub(crate) async fn untrusted_page(env: &Env) -> Result<()> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    listener.set_nonblocking(true)?;
    let library = env.scratch.join("untrusted");
    std::fs::create_dir_all(&library)?;
    let pwned = env.scratch.join("pwned.pathforge");
    let _ = std::fs::remove_file(&pwned);
    let js_path = pwned.display().to_string().replace('\\', "/");
    let call = format!(
        "(window.__TAURI_INTERNALS__||parent.__TAURI_INTERNALS__).invoke('create_project',{{path:'{js_path}'}});parent.document.title='PWNED'"
    );
    let url = format!("http://127.0.0.1:{port}");
    let page = format!(
        r#"<html><head><title>Hostile</title>
<meta http-equiv="refresh" content="0;url={url}/refresh">
<link rel="stylesheet" href="{url}/style.css">
<style>body {{ background: url({url}/bg.png) }}</style>
<script>{call}</script></head>
<body onload="{call}">
<h1>Quarterly safety briefing</h1>
<p>Read this before your first shift.</p>
<img src="{url}/pixel.png" onerror="{call}">
<img src="x" onerror="{call}">
<a href="javascript:{call}">open</a>
<iframe src="{url}/frame"></iframe>
<svg onload="{call}"><image href="{url}/svg.png"/></svg>
</body></html>"#
    );
    std::fs::write(library.join("briefing.html"), page)?;
    let project = env.scratch.join("untrusted.pathforge");
    let _ = std::fs::remove_file(&project);
    let args = vec![
        "--project".to_owned(),
        project.display().to_string(),
        "--import".to_owned(),
        library.display().to_string(),
    ];
    with_app(env, &args, |c| async move {
        let count = wait_for_text(&c, "[data-testid=module-count]", "module").await?;
        ensure!(
            count.trim() == "1 module",
            "the one page is one module: {count:?}"
        );
        c.find(Locator::Css("[data-testid=module-row]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=detail-title]", "Hostile").await?;
        c.find(Locator::Css("[data-testid=view-page]"))
            .await?
            .click()
            .await?;
        let frame = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("[data-testid=module-preview]"))
            .await?;
        ensure!(
            frame.attr("sandbox").await?.as_deref() == Some(""),
            "the page is shown in a frame with every sandbox restriction"
        );
        // Wait for the sanitised page, then read it inside its frame.
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let srcdoc = frame.attr("srcdoc").await?.unwrap_or_default();
            if srcdoc.contains("Quarterly safety briefing") {
                ensure!(
                    !srcdoc.contains("<script")
                        && !srcdoc.contains("onerror")
                        && !srcdoc.contains("127.0.0.1"),
                    "what reaches the frame is sanitised: {srcdoc}"
                );
                break;
            }
            ensure!(
                std::time::Instant::now() < deadline,
                "the page preview never arrived"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        frame.clone().enter_frame().await?;
        let shown = c.find(Locator::Css("body")).await?.text().await?;
        c.enter_parent_frame().await?;
        ensure!(
            shown.contains("Quarterly safety briefing")
                && shown.contains("Read this before your first shift."),
            "the page's text is shown: {shown:?}"
        );
        // Give anything that could run or load time to do so.
        tokio::time::sleep(Duration::from_secs(2)).await;
        screenshot(&c, env, "untrusted-page").await?;
        let title = c.title().await?;
        ensure!(
            title != "PWNED",
            "no script in the page ran: the window's title is {title:?}"
        );
        ensure!(
            !pwned.exists(),
            "no script in the page reached Tauri's IPC: {} was not created",
            pwned.display()
        );
        let fetched = listener.accept().is_ok();
        ensure!(
            !fetched,
            "nothing in the page was fetched: the listener heard a connection"
        );
        Ok(())
    })
    .await
}
