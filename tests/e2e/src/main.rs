//! Drives the built desktop app in a real window (WebKitGTK, under Xvfb in CI) through
//! `tauri-driver`, the way a person would use it, and saves screenshots for people to look
//! at under `target/e2e/`. Run by `.ci/e2e`, which starts Xvfb and tauri-driver.
//!
//! Prints one line per scenario and a closing `N passed, N failed`; exits non-zero on any
//! failure.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

mod tracks;

/// Limit for one WebDriver wait; a scenario as a whole gets `SCENARIO_LIMIT`.
const WAIT: Duration = Duration::from_secs(30);
const SCENARIO_LIMIT: Duration = Duration::from_secs(180);

struct Env {
    app: PathBuf,
    repo: PathBuf,
    driver: String,
    /// chromedriver, for the review pack an SME opens in an ordinary browser.
    chrome_driver: Option<String>,
    out: PathBuf,
    scratch: PathBuf,
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut env = Env {
        app: PathBuf::from("target/debug/pathforge-desktop"),
        repo: PathBuf::from("."),
        driver: "http://127.0.0.1:4444".to_owned(),
        chrome_driver: None,
        out: PathBuf::from("target/e2e"),
        scratch: PathBuf::new(),
    };
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--app" => env.app = PathBuf::from(value),
            "--repo" => env.repo = PathBuf::from(value),
            "--driver" => env.driver = value,
            "--chrome-driver" => env.chrome_driver = Some(value),
            "--out" => env.out = PathBuf::from(value),
            _ => bail!("unknown flag {flag}; use --app, --repo, --driver, --chrome-driver, --out"),
        }
    }
    env.app = std::fs::canonicalize(&env.app)
        .with_context(|| format!("{}: the desktop app is not built", env.app.display()))?;
    env.repo = std::fs::canonicalize(&env.repo)?;
    std::fs::create_dir_all(&env.out)?;
    env.scratch = env.out.join("scratch");
    let _ = std::fs::remove_dir_all(&env.scratch);
    std::fs::create_dir_all(&env.scratch)?;
    env.scratch = std::fs::canonicalize(&env.scratch)?;

    type Scenario = for<'a> fn(&'a Env) -> futures_box::BoxFuture<'a, Result<()>>;
    let scenarios: [(&str, Scenario); 20] = [
        ("opens_and_imports_the_sample_library", |e| {
            Box::pin(sample_library(e))
        }),
        ("shows_the_empty_state_without_a_project", |e| {
            Box::pin(empty_state(e))
        }),
        ("names_a_file_that_is_not_a_project", |e| {
            Box::pin(not_a_project(e))
        }),
        ("lists_graph_problems_and_focuses_them", |e| {
            Box::pin(graph_problems(e))
        }),
        ("edits_a_rule_with_live_checks_and_explains_it", |e| {
            Box::pin(rule_editor(e))
        }),
        (
            "simulates_cohorts_compares_bundle_versions_and_explains_a_learner",
            |e| Box::pin(simulation_dashboard(e)),
        ),
        ("auto_tags_with_progress_and_highlights_the_evidence", |e| {
            Box::pin(auto_tag(e))
        }),
        ("reviews_suggestions_from_the_keyboard_with_undo", |e| {
            Box::pin(review(e))
        }),
        (
            "exports_with_coverage_and_the_diff_against_the_last_export",
            |e| Box::pin(export_wizard(e)),
        ),
        ("edits_the_graph_by_drag_refuses_a_cycle_and_undoes", |e| {
            Box::pin(graph_editor(e))
        }),
        (
            "edits_the_taxonomy_by_drag_merges_with_a_preview_and_keeps_it",
            |e| Box::pin(taxonomy_editor(e)),
        ),
        (
            "filters_the_graph_to_a_track_and_collapses_skill_groups",
            |e| Box::pin(graph_filters(e)),
        ),
        ("keeps_a_50000_module_catalogue_usable", |e| {
            Box::pin(catalogue_at_scale(e))
        }),
        ("draws_a_2000_module_graph_and_records_its_timings", |e| {
            Box::pin(graph_at_scale(e))
        }),
        (
            "imports_with_progress_cancels_and_follows_the_library_on_disk",
            |e| Box::pin(import_and_watch(e)),
        ),
        (
            "shows_an_untrusted_page_without_running_or_fetching_anything",
            |e| Box::pin(untrusted_page(e)),
        ),
        ("opens_the_nurse_and_data_literacy_libraries", |e| {
            Box::pin(other_sample_libraries(e))
        }),
        ("maps_the_columns_of_an_unknown_catalog_then_imports", |e| {
            Box::pin(catalog_columns(e))
        }),
        (
            "reviews_a_pack_offline_in_headless_chromium_and_imports_it",
            |e| Box::pin(review_pack(e)),
        ),
        ("makes_a_track_in_the_tracks_panel_and_undoes_it", |e| {
            Box::pin(tracks::tracks_panel(e))
        }),
    ];
    // E2E_ONLY=substring runs the matching scenarios alone, while working on one; the
    // others are reported as not run, never silently dropped.
    let only = std::env::var("E2E_ONLY").unwrap_or_default();
    let (mut passed, mut failed, mut not_run) = (0, 0, 0);
    for (name, scenario) in scenarios {
        if !name.contains(only.as_str()) {
            println!("test {name} ... NOT RUN (E2E_ONLY={only})");
            not_run += 1;
            continue;
        }
        match tokio::time::timeout(SCENARIO_LIMIT, scenario(&env)).await {
            Ok(Ok(())) => {
                passed += 1;
                println!("test {name} ... ok");
            }
            Ok(Err(e)) => {
                failed += 1;
                println!("test {name} ... FAILED\n    {e:#}");
            }
            Err(_) => {
                failed += 1;
                println!("test {name} ... FAILED\n    timed out after {SCENARIO_LIMIT:?}");
            }
        }
    }
    println!("\ne2e: {passed} passed, {failed} failed, {not_run} not run");
    println!("screenshots: {}", env.out.display());
    if failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// Tiny local alias so the scenario table above stays readable.
mod futures_box {
    pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>>;
}

/// Launches the app with `args` and runs `body` on it, closing the window whatever happens.
async fn with_app<'a, T, F, Fut>(env: &'a Env, args: &[String], body: F) -> Result<T>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<T>> + 'a,
{
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({ "application": env.app.display().to_string(), "args": args }),
    );
    let client = tokio::time::timeout(
        WAIT,
        ClientBuilder::native()
            .capabilities(caps)
            .connect(&env.driver),
    )
    .await
    .context("starting the app through tauri-driver timed out")?
    .context("tauri-driver refused the session")?;
    let result = body(client.clone()).await;
    let _ = tokio::time::timeout(WAIT, client.close()).await;
    result
}

async fn text_of(c: &Client, css: &str) -> Result<String> {
    let el = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("no element {css} appeared"))?;
    Ok(el.text().await?)
}

async fn screenshot(c: &Client, env: &Env, name: &str) -> Result<()> {
    // Let two frames render so the capture is not a stale first frame.
    c.execute_async(
        "const done = arguments[arguments.length - 1];
         requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    )
    .await?;
    let png = c.screenshot().await?;
    ensure!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
    let path = env.out.join(format!("{name}.png"));
    std::fs::write(&path, png).with_context(|| format!("{}", path.display()))?;
    Ok(())
}

/// Counts the modules in a library folder the way its README describes them, independently
/// of the importer: Markdown files other than README.md.
fn count_markdown(dir: &Path) -> Result<usize> {
    let mut n = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            n += count_markdown(&path)?;
        } else if path.extension().is_some_and(|e| e == "md")
            && !path
                .file_name()
                .is_some_and(|f| f.eq_ignore_ascii_case("README.md"))
        {
            n += 1;
        }
    }
    Ok(n)
}

async fn sample_library(env: &Env) -> Result<()> {
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
        screenshot(&c, env, "sample-library").await
    })
    .await?;
    ensure!(project.exists(), "the project file was created on disk");
    Ok(())
}

/// A catalog CSV whose columns Pathforge does not recognise: the window shows its header
/// and first rows, the user picks the id and title columns, and it imports.
async fn catalog_columns(env: &Env) -> Result<()> {
    let csv = env.scratch.join("lms-export.csv");
    std::fs::write(
        &csv,
        "Course Code,Course Name,Blurb,Needs\nHS-1,Hand hygiene,Five moments.,\nHS-2,Aseptic technique,Key parts and key sites.,HS-1\n",
    )?;
    let project = env.scratch.join("columns.pathforge");
    let args = vec![
        "--project".to_owned(),
        project.display().to_string(),
        "--import".to_owned(),
        csv.display().to_string(),
    ];
    with_app(env, &args, |c| async move {
        let dialog = wait_for_text(&c, "[data-testid=columns-dialog]", "lms-export.csv").await?;
        ensure!(
            dialog.contains("does not recognise") && dialog.contains("Aseptic technique"),
            "the dialog says why and shows the rows: {dialog:?}"
        );
        let import = c.find(Locator::Css("[data-testid=columns-import]")).await?;
        ensure!(
            import.attr("disabled").await?.is_some(),
            "Import waits for the id and title columns"
        );
        for (field, header) in [
            ("id", "Course Code"),
            ("title", "Course Name"),
            ("description", "Blurb"),
            ("prerequisites", "Needs"),
        ] {
            c.find(Locator::Css(&format!("[data-testid=column-{field}]")))
                .await?
                .select_by_value(header)
                .await?;
        }
        screenshot(&c, env, "catalog-columns").await?;
        c.find(Locator::Css("[data-testid=columns-import]"))
            .await?
            .click()
            .await?;
        let count = wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        ensure!(count == "2 modules", "both courses import: {count:?}");
        let notice = text_of(&c, "[data-testid=notice]").await?;
        ensure!(notice.contains("2 added"), "the report says so: {notice:?}");
        Ok(())
    })
    .await?;
    let log = cli(env, &["log".as_ref(), project.as_os_str()])?;
    ensure!(
        log.contains("catalog.columns_mapped"),
        "the mapping is in the audit log: {log}"
    );
    Ok(())
}

/// The two other sample libraries open in the window with every kind of module they mix:
/// HTML pages, PDF guides and SCORM 2004 lessons; catalog courses and cartridge pages.
/// Imports a page written to attack the app — scripts calling Tauri's IPC, inline event
/// handlers, `javascript:` links, remote images, styles, frames and a refresh — and shows
/// it in the window: its text appears, nothing in it runs (no project file is created,
/// the window's title is unchanged) and nothing is fetched (a listener on localhost that
/// every URL in the page points at hears no connection).
async fn untrusted_page(env: &Env) -> Result<()> {
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
        wait_for_text(&c, "[data-testid=module-count]", "1 modules").await?;
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

async fn other_sample_libraries(env: &Env) -> Result<()> {
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

/// The window imports the library it was started with under a progress bar; Esc cancels
/// and leaves the project empty. Then, on a project whose library is watched, a file saved
/// on disk is re-imported by the app and announced.
async fn import_and_watch(env: &Env) -> Result<()> {
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
        let empty = text_of(&c, "[data-testid=no-modules]").await?;
        ensure!(
            empty.contains("no modules yet"),
            "the cancelled import wrote no module: {empty:?}"
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

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().context("a name")?);
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

async fn empty_state(env: &Env) -> Result<()> {
    with_app(env, &[], |c| async move {
        let text = text_of(&c, "[data-testid=empty-state]").await?;
        ensure!(
            text.contains("New project"),
            "the empty state offers to create a project: {text:?}"
        );
        screenshot(&c, env, "empty-state").await
    })
    .await
}

async fn not_a_project(env: &Env) -> Result<()> {
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

async fn graph_problems(env: &Env) -> Result<()> {
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

/// Waits until the text of `css` contains `needle`.
/// Waits (up to 5 s) until `css` matches exactly `want` elements; returns the last count.
/// Ctrl+`key` as one action (send_keys would leave Ctrl held for what follows).
async fn press_ctrl(c: &Client, key: char) -> Result<()> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    use fantoccini::key::Key;
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down {
            value: Key::Control.into(),
        })
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key })
        .then(KeyAction::Up {
            value: Key::Control.into(),
        });
    c.perform_actions(keys).await?;
    Ok(())
}

async fn wait_for_count(c: &Client, css: &str, want: usize) -> Result<usize> {
    let mut n = 0;
    for _ in 0..50 {
        n = c.find_all(Locator::Css(css)).await?.len();
        if n == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(n)
}

async fn wait_for_text(c: &Client, css: &str, needle: &str) -> Result<String> {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            last = el.text().await.unwrap_or_default();
            if last.contains(needle) {
                return Ok(last);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{css} never contained {needle:?}; last text: {last:?}")
}

/// Types `text` into the input at `css`, replacing what it held.
async fn replace_text(c: &Client, css: &str, text: &str) -> Result<()> {
    let input = c.find(Locator::Css(css)).await?;
    input.clear().await?;
    input.send_keys(text).await?;
    Ok(())
}

/// The Simulate tab on the sample library: the library's cohort in the editor, a run of
/// the static path against the project's rules drawn as four charts, a struggling
/// learner's journey opened from the heat map, two signed bundle versions compared with
/// what changed between them, a cancelled run that keeps the previous results, and an
/// edited cohort saved to the project (read back by the CLI).
async fn simulation_dashboard(env: &Env) -> Result<()> {
    let library = env.scratch.join("simulation-library");
    copy_dir(
        &env.repo.join("sample-libraries/sales-onboarding"),
        &library,
    )?;
    let project = env.scratch.join("simulation.pathforge");
    new_project(env, &project, &library)?;
    // Two bundle versions: the second nudges idle learners after 21 days, not 7.
    let config = env.scratch.join("simulation-config");
    let bundle = |version: &str| -> Result<PathBuf> {
        let out = std::process::Command::new(env.app.with_file_name("pathforge"))
            .env("PATHFORGE_CONFIG_DIR", &config)
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
        let decisions = c
            .find_all(Locator::Css("[data-testid=journey-decision]"))
            .await?
            .len();
        ensure!(decisions > 0, "with the rule decisions that steered them");
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

async fn rule_editor(env: &Env) -> Result<()> {
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
        let count = text_of(&c, "[data-testid=rule-count]").await?;
        let n: usize = count.split_whitespace().next().unwrap_or("0").parse()?;
        ensure!(
            n > 12,
            "the sample's rules and the graph's unlock rules are listed: {count:?}"
        );
        wait_for_text(&c, "[data-testid=rules-clean]", "nothing wrong").await?;

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

/// Auto-tags the sample library in the window: a progress bar while the local model runs,
/// then suggestions whose evidence is highlighted in the module text.
async fn auto_tag(env: &Env) -> Result<()> {
    let library = env.repo.join("sample-libraries/sales-onboarding");
    let project = env.scratch.join("tagging.pathforge");
    let args = vec![
        "--project".to_owned(),
        project.display().to_string(),
        "--import".to_owned(),
        library.display().to_string(),
    ];
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        let not_tagged = text_of(&c, "[data-testid=not-tagged]").await?;
        ensure!(
            not_tagged.contains("Not auto-tagged yet"),
            "an untagged module says so: {not_tagged:?}"
        );
        c.find(Locator::Css("[data-testid=auto-tag]"))
            .await?
            .click()
            .await?;
        let progress = wait_for_text(&c, "[data-testid=tag-progress]", "Auto-tagging").await?;
        ensure!(
            progress.contains("modules"),
            "the progress bar counts modules: {progress:?}"
        );
        screenshot(&c, env, "auto-tag-progress").await?;
        // Tagging 32 modules takes seconds to a minute depending on the machine.
        let mut notice = String::new();
        for _ in 0..1200 {
            if let Ok(el) = c.find(Locator::Css("[data-testid=notice]")).await {
                notice = el.text().await.unwrap_or_default();
                if notice.contains("Auto-tagged with") {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(
            notice.contains("Auto-tagged with all-MiniLM-L6-v2@")
                && notice.contains("32 of 32 modules read"),
            "the run reports what it did: {notice:?}"
        );

        let rows = c.find_all(Locator::Css("[data-testid=module-row]")).await?;
        let mut pricing = None;
        for r in rows {
            if r.text().await?.contains("Pricing Tiers and Packaging") {
                pricing = Some(r);
                break;
            }
        }
        pricing
            .context("the pricing module is listed")?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=detail-title]", "Pricing Tiers").await?;
        let first = wait_for_text(&c, "[data-testid=suggestion]", "%").await?;
        ensure!(
            first.contains("Pricing and packaging") || first.to_lowercase().contains("pricing"),
            "the top suggestion is the pricing skill: {first:?}"
        );
        let marks = c.find_all(Locator::Css("[data-testid=evidence]")).await?;
        ensure!(
            !marks.is_empty(),
            "the evidence passages are highlighted in the text"
        );
        let marked = marks[0].text().await?;
        ensure!(
            marked.split_whitespace().count() >= 5,
            "a highlighted passage is real text: {marked:?}"
        );
        let keyphrases = text_of(&c, "[data-testid=keyphrases]").await?;
        ensure!(!keyphrases.trim().is_empty(), "keyphrases are shown");
        screenshot(&c, env, "auto-tag-evidence").await?;
        // A person overrules the level: one click beside the guess, logged, kept.
        c.find(Locator::Css(
            "[data-testid=set-level] [data-level=advanced]",
        ))
        .await?
        .click()
        .await?;
        wait_for_text(&c, "[data-testid=notice]", "is now advanced").await?;
        Ok(())
    })
    .await?;
    let modules: serde_json::Value = serde_json::from_str(&cli(
        env,
        &["modules".as_ref(), project.as_os_str(), "--json".as_ref()],
    )?)?;
    let pricing = modules
        .as_array()
        .context("a module list")?
        .iter()
        .find(|m| {
            m["title"]
                .as_str()
                .is_some_and(|t| t.contains("Pricing Tiers"))
        })
        .context("the pricing module")?;
    ensure!(
        pricing["level"] == "advanced",
        "the level set in the window is in the project: {pricing}"
    );
    let log = cli(env, &["log".as_ref(), project.as_os_str()])?;
    ensure!(log.contains("module.level_set"), "and logged");
    Ok(())
}

/// Reviews auto-tags in the window: the queue with evidence, A to accept, Ctrl+Z to undo.
/// The project is tagged beforehand with the CLI built beside the app.
/// Runs the CLI and returns its stdout; fails with its stderr.
/// `pathforge init PROJECT` then `pathforge import PROJECT LIBRARY`.
fn new_project(env: &Env, project: &Path, library: &Path) -> Result<()> {
    cli(env, &["init".as_ref(), project.as_os_str()])?;
    cli(
        env,
        &["import".as_ref(), project.as_os_str(), library.as_os_str()],
    )?;
    Ok(())
}

fn cli(env: &Env, args: &[&std::ffi::OsStr]) -> Result<String> {
    let cli = env.app.with_file_name("pathforge");
    let out = std::process::Command::new(&cli).args(args).output()?;
    ensure!(
        out.status.success(),
        "{} {:?}: {}",
        cli.display(),
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

/// Drags with the mouse from one module of the graph to another (screen positions come
/// from the page's read-only test hook).
/// Writes a library of `modules` short Markdown modules in 40 folders whose manifest
/// declares `edges` prerequisites, each module requiring two to four of the sixty before it
/// (a curriculum's shape: long paths, some redundant shortcuts).
fn generated_library(dir: &Path, modules: usize, edges: usize) -> Result<()> {
    let topics = [
        "pipeline",
        "pricing",
        "discovery",
        "forecast",
        "security",
        "renewal",
        "budget",
    ];
    let path = |i: usize| format!("unit-{:02}/m{i:04}.md", i % 40);
    let mut manifest = String::new();
    let mut left = edges;
    for i in 0..modules {
        let file = dir.join(path(i));
        std::fs::create_dir_all(file.parent().context("a folder")?)?;
        let topic = topics[i % topics.len()];
        std::fs::write(
            &file,
            format!(
                "---\ntitle: Module {i:04} {topic}\nduration_minutes: {}\n---\n{topic} practice for module {i}.\n",
                5 + i % 40
            ),
        )?;
        let want = (2 + usize::from(i % 2 == 0) + usize::from(i % 50 == 1))
            .min(i)
            .min(left);
        let mut after: Vec<String> = Vec::new();
        let mut k = 0;
        while after.len() < want {
            // Offsets step by one from a per-module start, so the loop ends for any window.
            let j = i - 1 - (i * 7 + k) % i.min(60);
            let p = format!("{:?}", path(j));
            if !after.contains(&p) {
                after.push(p);
            }
            k += 1;
        }
        left -= after.len();
        if !after.is_empty() {
            manifest += &format!(
                "[[requires]]\nmodule = {:?}\nafter = [{}]\n\n",
                path(i),
                after.join(", ")
            );
        }
    }
    ensure!(left == 0, "the generator placed every edge ({left} left)");
    std::fs::write(dir.join("pathforge.toml"), manifest)?;
    Ok(())
}

/// A whole company's catalogue, 50,000 modules in 500 chained folders: the window opens it,
/// the module list draws a screenful and filters, the Graph tab says it will not draw
/// everything and draws a track of it instead. Prints how long each step took.
async fn catalogue_at_scale(env: &Env) -> Result<()> {
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
        println!(
            "    50,000 modules: CLI import {:.1} s (debug build), window shows the list {:.1} s, filter {:.2} s, Graph tab notice {:.1} s, a 100-module track drawn {:.1} s",
            imported.as_secs_f64(),
            listed.as_secs_f64(),
            filtered.as_secs_f64(),
            graph.as_secs_f64(),
            track.as_secs_f64()
        );
        Ok(())
    })
    .await
}

async fn graph_filters(env: &Env) -> Result<()> {
    let project = env.scratch.join("filters.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    new_project(env, &project, &library)?;
    let path: serde_json::Value = serde_json::from_str(&cli(
        env,
        &[
            "track".as_ref(),
            "path".as_ref(),
            project.as_os_str(),
            "account-executive".as_ref(),
            "--json".as_ref(),
        ],
    )?)?;
    let steps = path["steps"]
        .as_array()
        .context("the CLI lists the path")?
        .len();
    let total = path["total_minutes"].as_u64().context("a total")?;
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        c.find(Locator::Css("[data-testid=tab-graph]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", "prerequisites").await?;
        let nodes = |c: Client| async move {
            let n = c
                .execute("return window.__pathforgeGraph.nodes();", vec![])
                .await?;
            n.as_u64().context("a node count")
        };
        let all = nodes(c.clone()).await?;
        c.find(Locator::Css("[data-testid=graph-track]"))
            .await?
            .select_by_value("account-executive")
            .await?;
        let view = wait_for_text(&c, "[data-testid=track-view]", "critical path").await?;
        let hours = format!("{} h", total / 60);
        ensure!(
            view.contains(&format!("{steps} modules")) && view.contains(&hours),
            "the track view gives the path's length and duration as the CLI does ({steps} modules, {total} min): {view}"
        );
        ensure!(
            nodes(c.clone()).await? == steps as u64,
            "only the track's modules are drawn"
        );
        screenshot(&c, env, "graph-track").await?;

        c.find(Locator::Css("[data-testid=graph-track]"))
            .await?
            .select_by_value("")
            .await?;
        let mut back = 0;
        for _ in 0..50 {
            back = nodes(c.clone()).await?;
            if back == all {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(back == all, "all modules are back: {back} of {all}");
        c.find(Locator::Css("[data-testid=graph-group-toggle]"))
            .await?
            .click()
            .await?;
        let mut folded = all;
        for _ in 0..50 {
            folded = nodes(c.clone()).await?;
            if folded < all {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(
            folded < all && folded > 1,
            "a collapsed group is drawn as one node: {folded} nodes of {all}"
        );
        screenshot(&c, env, "graph-group-collapsed").await?;
        Ok(())
    })
    .await
}

async fn graph_at_scale(env: &Env) -> Result<()> {
    let (modules, edges) = (2000, 5000);
    let library = env.scratch.join("generated-2000");
    generated_library(&library, modules, edges)?;
    let project = env.scratch.join("scale.pathforge");
    new_project(env, &project, &library)?;
    let args = vec!["--project".to_owned(), project.display().to_string()];
    let figures = with_app(env, &args, |c| async move {
        wait_for_text(
            &c,
            "[data-testid=module-count]",
            &format!("{modules} modules"),
        )
        .await?;
        let drawn = c
            .find_all(Locator::Css("[data-testid=module-row]"))
            .await?
            .len();
        ensure!(
            drawn > 0 && drawn < 200,
            "the module list draws a screenful, not {modules} rows: {drawn}"
        );
        c.find(Locator::Css("[data-testid=tab-graph]"))
            .await?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=graph-edge-count]",
            &format!("{modules} modules · {edges} prerequisites"),
        )
        .await?;
        let mut timings = serde_json::Value::Null;
        for _ in 0..600 {
            timings = c
                .execute("return window.__pathforgeGraph?.timings() ?? null;", vec![])
                .await?;
            if !timings.is_null() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ensure!(!timings.is_null(), "the graph never finished drawing");
        let drawn = c
            .execute("return window.__pathforgeGraph.edges();", vec![])
            .await?;
        ensure!(
            drawn.as_u64() == Some(edges as u64),
            "every prerequisite is drawn: {drawn}"
        );
        let frames = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.__pathforgeGraph.panZoom(120).then(done);",
                vec![],
            )
            .await?;
        ensure!(
            frames["frames"].as_u64() == Some(120),
            "120 frames of panning and zooming were timed: {frames}"
        );
        // Panning as a person does: the mouse held down on the background and dragged.
        c.execute("window.__pathforgeGraph.recordFrames();", vec![])
            .await?;
        let start = c
            .execute("return window.__pathforgeGraph.emptyPoint();", vec![])
            .await?;
        {
            use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
            let (x, y) = (
                start["x"].as_f64().context("an empty point of the canvas")?,
                start["y"].as_f64().context("an empty point of the canvas")?,
            );
            let mut mouse = MouseActions::new("mouse".to_owned())
                .then(PointerAction::MoveTo { duration: None, x, y })
                .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT });
            for i in 1..=40 {
                mouse = mouse.then(PointerAction::MoveTo {
                    duration: Some(Duration::from_millis(50)),
                    x: x + f64::from(i) * 8.0,
                    y: y + f64::from(i) * 4.0,
                });
            }
            mouse = mouse.then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
            c.perform_actions(mouse).await?;
        }
        let dragged = c
            .execute("return window.__pathforgeGraph.stopFrames();", vec![])
            .await?;
        ensure!(
            dragged["frames"].as_u64().unwrap_or(0) > 10,
            "frames were drawn while the mouse panned: {dragged}"
        );
        let problems = c.find(Locator::Css("[data-testid=graph-problems]")).await?;
        let listed: usize = problems
            .attr("data-rows")
            .await?
            .unwrap_or_default()
            .parse()
            .unwrap_or(0);
        let rendered = problems
            .find_all(Locator::Css("[role=listitem]"))
            .await?
            .len();
        ensure!(
            listed <= 200 || rendered < 100,
            "the problems list draws a screenful of its {listed} findings, not {rendered}"
        );
        screenshot(&c, env, "graph-2000-modules").await?;
        Ok(json!({ "first_render": timings, "pan_zoom": frames, "mouse_pan": dragged, "findings": listed }))
    })
    .await?;
    let path = env.out.join("graph-scale.json");
    std::fs::write(&path, serde_json::to_string_pretty(&figures)?)?;
    let t = &figures["first_render"];
    let f = &figures["pan_zoom"];
    let m = &figures["mouse_pan"];
    println!(
        "    mouse drag pan: frames p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms, {} of {} over 50 ms",
        m["p50"].as_f64().unwrap_or(f64::NAN),
        m["p95"].as_f64().unwrap_or(f64::NAN),
        m["max"].as_f64().unwrap_or(f64::NAN),
        m["over50"],
        m["frames"]
    );
    println!(
        "    {modules} modules, {edges} edges: view fetched {:.0} ms, layout {:.0} ms, first frame {:.0} ms, total {:.0} ms; pan/zoom frames p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms, {} over 50 ms ({})",
        t["fetch"].as_f64().unwrap_or(f64::NAN),
        t["layout"].as_f64().unwrap_or(f64::NAN),
        t["firstFrame"].as_f64().unwrap_or(f64::NAN),
        t["total"].as_f64().unwrap_or(f64::NAN),
        f["p50"].as_f64().unwrap_or(f64::NAN),
        f["p95"].as_f64().unwrap_or(f64::NAN),
        f["max"].as_f64().unwrap_or(f64::NAN),
        f["over50"],
        path.display()
    );
    Ok(())
}

/// The centre of the first element matching `css`, in viewport pixels.
async fn centre(c: &Client, css: &str) -> Result<(f64, f64)> {
    let p = c
        .execute(
            "const el = document.querySelector(arguments[0]);
             el?.scrollIntoView({ block: 'nearest' });
             const r = el?.getBoundingClientRect();
             return r ? { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) } : null;",
            vec![json!(css)],
        )
        .await?;
    Ok((
        p["x"]
            .as_f64()
            .with_context(|| format!("{css} is on screen"))?,
        p["y"]
            .as_f64()
            .with_context(|| format!("{css} is on screen"))?,
    ))
}

/// A mouse drag from `a` to `b` with the button held, in steps a person's hand makes.
async fn drag_points(c: &Client, a: (f64, f64), b: (f64, f64)) -> Result<()> {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
    let step = |x: f64, y: f64, ms: u64| PointerAction::MoveTo {
        duration: Some(Duration::from_millis(ms)),
        x,
        y,
    };
    let mouse = MouseActions::new("mouse".to_owned())
        .then(step(a.0, a.1, 0))
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(step((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0, 150))
        .then(step(b.0, b.1, 150))
        .then(PointerAction::Pause {
            duration: Duration::from_millis(150),
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    // WebKitWebDriver now and then answers an action chain with an empty or unparsable
    // error (seen in two full runs of this suite, both in the graph editor's drags).
    // Whether the page saw part of the chain is not known, so a retry must be harmless
    // either way: it comes only after the driver has released every input, it is said on
    // stderr, and a second identical drag adds no second edge (the engine answers "already
    // there"), so the caller's checks on the edge count still hold.
    let mut tries = 0;
    loop {
        match c.perform_actions(mouse.clone()).await {
            Ok(()) => return Ok(()),
            Err(e) if tries < 2 => {
                tries += 1;
                eprintln!(
                    "    WebKitWebDriver refused a drag ({e}); releasing inputs and retrying"
                );
                c.release_actions().await?;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

async fn taxonomy_editor(env: &Env) -> Result<()> {
    let project = env.scratch.join("taxonomy.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    new_project(env, &project, &library)?;
    let preview: serde_json::Value = serde_json::from_str(&cli(
        env,
        &[
            "taxonomy".as_ref(),
            "merge".as_ref(),
            project.as_os_str(),
            "closing".as_ref(),
            "negotiation".as_ref(),
            "--preview".as_ref(),
            "--json".as_ref(),
        ],
    )?)?;
    let modules = preview["modules"]
        .as_array()
        .context("the CLI previews the merge")?
        .len();
    ensure!(modules > 0, "closing teaches modules: {preview}");
    let args = vec!["--project".to_owned(), project.display().to_string()];
    let file = project.clone();
    with_app(env, &args, |c| async move {
        let project = file;
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        c.find(Locator::Css("[data-testid=tab-taxonomy]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=skill-count]", "skills").await?;

        // Re-parent by drag: Forecasting onto Advancing deals.
        let from = centre(&c, "[data-drop=forecasting] [data-testid=skill-name]")
            .await
            .context("finding Forecasting")?;
        let to = centre(&c, "[data-drop=deal-progression] [data-testid=skill-name]")
            .await
            .context("finding Advancing deals")?;
        drag_points(&c, from, to)
            .await
            .with_context(|| format!("dragging Forecasting from {from:?} to {to:?}"))?;
        wait_for_text(
            &c,
            "[data-testid=taxonomy-message]",
            "Moved “Forecasting” under “Advancing deals”",
        )
        .await
        .context("dropping a skill on another moves it there")?;
        screenshot(&c, env, "taxonomy-moved").await?;

        // A skill cannot go under its own sub-skill: dropping is refused on the spot.
        let from = centre(&c, "[data-drop=deal-progression] [data-testid=skill-name]").await?;
        let to = centre(&c, "[data-drop=closing] [data-testid=skill-name]").await?;
        drag_points(&c, from, to).await?;
        let message = c
            .find(Locator::Css("[data-testid=taxonomy-message]"))
            .await?
            .text()
            .await?;
        ensure!(
            message.contains("Moved “Forecasting”"),
            "dropping a skill into its own subtree changes nothing: {message}"
        );

        // Merge Closing into Negotiation, after the preview says what moves.
        c.find(Locator::Css("[data-drop=closing] [data-testid=skill-name]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=merge-into]"))
            .await?
            .select_by_value("negotiation")
            .await?;
        let shown = wait_for_text(&c, "[data-testid=merge-preview]", "Negotiation").await?;
        let on = format!("on {modules} module");
        ensure!(
            shown.contains(&on),
            "the preview names as many modules as the engine moves ({on}): {shown}"
        );
        screenshot(&c, env, "taxonomy-merge-preview").await?;
        c.find(Locator::Css("[data-testid=merge-confirm]"))
            .await?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=taxonomy-message]",
            "Merged “Closing” into “Negotiation”",
        )
        .await?;
        ensure!(
            c.find(Locator::Css("[data-drop=closing]")).await.is_err(),
            "the merged skill is gone from the tree"
        );

        // Undo brings it back with its tags; redo merges again.
        c.find(Locator::Css("[data-testid=taxonomy-undo]"))
            .await?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=taxonomy-message]",
            "Brought back “Closing”",
        )
        .await
        .context("undo reverses the merge")?;
        c.find(Locator::Css("[data-drop=closing]"))
            .await
            .context("the merged skill is back in the tree after undo")?;
        c.find(Locator::Css("[data-testid=taxonomy-redo]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=taxonomy-message]", "Merged “Closing”")
            .await
            .context("redo merges again")?;

        // Negotiation now requires Value proposition; the reverse would be a cycle.
        c.find(Locator::Css(
            "[data-drop=negotiation] [data-testid=skill-name]",
        ))
        .await?
        .click()
        .await?;
        c.find(Locator::Css("[data-testid=skill-require]"))
            .await?
            .select_by_value("value-proposition")
            .await?;
        wait_for_text(
            &c,
            "[data-testid=taxonomy-message]",
            "“Negotiation” now requires “Value proposition”",
        )
        .await?;
        c.find(Locator::Css(
            "[data-drop=value-proposition] [data-testid=skill-name]",
        ))
        .await?
        .click()
        .await?;
        c.find(Locator::Css("[data-testid=skill-require]"))
            .await?
            .select_by_value("negotiation")
            .await?;
        wait_for_text(&c, "[data-testid=taxonomy-message]", "cycle")
            .await
            .context("a skill prerequisite that closes a cycle is refused and named")?;

        // The same requirements as a graph: drag one skill onto another to add one.
        c.find(Locator::Css("[data-testid=skill-mode-graph]"))
            .await?
            .click()
            .await?;
        let label =
            wait_for_text(&c, "[data-testid=skill-graph-count]", "skill prerequisites").await?;
        let drawn = c
            .execute("return window.__pathforgeSkillGraph.edges();", vec![])
            .await?;
        ensure!(
            label.starts_with(&format!("{drawn} ")),
            "every skill prerequisite is drawn: {drawn} edges, {label}"
        );
        c.find(Locator::Css("[data-testid=skill-graph-connect]"))
            .await?
            .click()
            .await?;
        let mut at = Vec::new();
        for slug in ["active-listening", "crm-hygiene"] {
            let p = c
                .execute(
                    "return window.__pathforgeSkillGraph.at(arguments[0]);",
                    vec![json!(slug)],
                )
                .await?;
            at.push((
                p["x"].as_f64().context("the skill is drawn")?,
                p["y"].as_f64().context("the skill is drawn")?,
            ));
        }
        drag_points(&c, at[0], at[1]).await?;
        wait_for_text(
            &c,
            "[data-testid=taxonomy-message]",
            "“CRM hygiene” now requires “Active listening”",
        )
        .await
        .context("dragging from one skill to another adds a requirement")?;
        screenshot(&c, env, "taxonomy-skill-graph").await?;
        c.find(Locator::Css("[data-testid=skill-mode-tree]"))
            .await?
            .click()
            .await?;

        // Rename Negotiation in place.
        c.find(Locator::Css(
            "[data-drop=negotiation] [data-testid=skill-name]",
        ))
        .await?
        .click()
        .await?;
        c.find(Locator::Css("[data-testid=skill-rename-button]"))
            .await?
            .click()
            .await?;
        let input = c
            .wait()
            .for_element(Locator::Css("[data-testid=skill-rename]"))
            .await?;
        // The field opens with the old name selected, so typing replaces it (WebDriver's
        // clear() would blur the field, which commits, as clicking away does for a person).
        input
            .send_keys("Deal negotiation\u{E007}")
            .await
            .context("typing the new name")?;
        wait_for_text(
            &c,
            "[data-testid=taxonomy-message]",
            "Renamed “Negotiation” to “Deal negotiation”",
        )
        .await?;
        screenshot(&c, env, "taxonomy-edited").await?;

        // Close the window (Ctrl+W) in the middle of renaming Forecasting: the name typed
        // so far is saved, not lost.
        c.find(Locator::Css(
            "[data-drop=forecasting] [data-testid=skill-name]",
        ))
        .await?
        .click()
        .await?;
        c.find(Locator::Css("[data-testid=skill-rename-button]"))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Css("[data-testid=skill-rename]"))
            .await?
            .send_keys("Forecasting and pipeline reviews")
            .await?;
        // The window may be gone before the driver answers.
        let _ = press_ctrl(&c, 'w').await;
        // The window saves the field being typed in, then closes itself. On a busy
        // machine that takes a while: wait until the project file has the name (read by
        // the CLI beside the app) rather than for a fixed time, before the session ends.
        let closing = std::time::Instant::now();
        while closing.elapsed() < WAIT {
            let tree = cli(
                env,
                &["taxonomy".as_ref(), "show".as_ref(), project.as_os_str()],
            )?;
            if tree.contains("Forecasting and pipeline reviews") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    })
    .await?;

    // Reopen the project: every change is there.
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules")
            .await
            .context("reopening the project")?;
        c.find(Locator::Css("[data-testid=tab-taxonomy]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=skill-count]", "skills").await?;
        let tree = c
            .find(Locator::Css("[data-testid=skill-tree]"))
            .await?
            .text()
            .await?;
        ensure!(
            tree.contains("Deal negotiation") && !tree.contains("Closing"),
            "the rename and the merge are in the reopened project: {tree}"
        );
        ensure!(
            tree.contains("Forecasting and pipeline reviews"),
            "the rename being typed when the window closed was saved: {tree}"
        );
        let at = |name: &str| tree.find(name);
        let (advancing, forecasting, discovery) = (
            at("Advancing deals").context("Advancing deals listed")?,
            at("Forecasting").context("Forecasting listed")?,
            at("Discovery and qualification").context("Discovery listed")?,
        );
        ensure!(
            advancing < forecasting && forecasting < discovery,
            "Forecasting is listed inside Advancing deals after reopening: {tree}"
        );
        Ok(())
    })
    .await?;
    let shown: serde_json::Value = serde_json::from_str(&cli(
        env,
        &[
            "taxonomy".as_ref(),
            "show".as_ref(),
            project.as_os_str(),
            "--json".as_ref(),
        ],
    )?)?;
    let text = shown.to_string();
    ensure!(
        text.contains("Deal negotiation") && !text.contains("\"closing\""),
        "the CLI reads the same taxonomy from the file"
    );
    Ok(())
}

async fn drag(c: &Client, from: &str, to: &str) -> Result<()> {
    let mut at = Vec::new();
    for id in [from, to] {
        let p = c
            .execute(
                "return window.__pathforgeGraph.at(arguments[0]);",
                vec![json!(id)],
            )
            .await?;
        at.push((
            p["x"].as_f64().context("the module is drawn")?,
            p["y"].as_f64().context("the module is drawn")?,
        ));
    }
    drag_points(c, at[0], at[1]).await
}

/// Clicks the middle of the drawn edge `before → after`.
async fn click_edge(c: &Client, before: &str, after: &str) -> Result<()> {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
    let p = c
        .execute(
            "return window.__pathforgeGraph.edgeAt(arguments[0], arguments[1]);",
            vec![json!(before), json!(after)],
        )
        .await?;
    let (x, y) = (
        p["x"].as_f64().context("the edge is drawn")?,
        p["y"].as_f64().context("the edge is drawn")?,
    );
    let mouse = MouseActions::new("mouse".to_owned())
        .then(PointerAction::MoveTo {
            duration: None,
            x,
            y,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(mouse).await?;
    Ok(())
}

async fn graph_editor(env: &Env) -> Result<()> {
    let project = env.scratch.join("graph.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    new_project(env, &project, &library)?;
    let modules: serde_json::Value = serde_json::from_str(&cli(
        env,
        &["modules".as_ref(), project.as_os_str(), "--json".as_ref()],
    )?)?;
    let id = |prefix: &str| -> Result<String> {
        modules
            .as_array()
            .context("a module list")?
            .iter()
            .find(|m| m["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
            .and_then(|m| m["id"].as_str().map(str::to_owned))
            .with_context(|| format!("no module titled {prefix}…"))
    };
    let (landscape, preparation, pricing) = (
        id("Competitive Landscape")?,
        id("Negotiation Preparation")?,
        id("Pricing Tiers")?,
    );
    let edges = |project: &Path| -> Result<usize> {
        let list: serde_json::Value = serde_json::from_str(&cli(
            env,
            &[
                "graph".as_ref(),
                "edges".as_ref(),
                project.as_os_str(),
                "--json".as_ref(),
            ],
        )?)?;
        Ok(list.as_array().map_or(0, Vec::len))
    };
    // A redundant shortcut (02 → 04 while 02 → 03 → 04 exists) for the one-click fix.
    let (overview, pipeline) = (
        id("Northwind Platform Overview")?,
        id("Northwind Pipeline")?,
    );
    cli(
        env,
        &[
            "graph".as_ref(),
            "link".as_ref(),
            project.as_os_str(),
            overview.as_ref(),
            pipeline.as_ref(),
        ],
    )?;
    let shortcut = edges(&project)?;
    let before = shortcut - 1;
    let args = vec!["--project".to_owned(), project.display().to_string()];
    let target = preparation.clone();
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        c.find(Locator::Css("[data-testid=tab-graph]"))
            .await?
            .click()
            .await?;
        let count = |n: usize| format!("{n} prerequisites");
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(shortcut)).await?;
        c.find(Locator::Css("[data-testid=graph-fix]"))
            .await
            .context("the redundant edge's finding offers a one-click fix")?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(before))
            .await
            .context("the fix removes the redundant edge")?;
        c.find(Locator::Css("[data-testid=graph-connect]"))
            .await?
            .click()
            .await?;
        // The whole graph on screen (F), so both ends of each drag are visible.
        c.find(Locator::Css("[data-testid=graph-fit]"))
            .await?
            .click()
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        drag(&c, &landscape, &preparation)
            .await
            .context("dragging between two modules")?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(before + 1))
            .await
            .context("dragging from one module to another adds a prerequisite")?;
        screenshot(&c, env, "graph-added").await?;

        c.find(Locator::Css("[data-testid=graph-fit]"))
            .await?
            .click()
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        drag(&c, &preparation, &pricing)
            .await
            .context("dragging to close a cycle")?;
        let refusal = wait_for_text(&c, "[data-testid=graph-message]", "cycle").await?;
        ensure!(
            refusal.contains("Pricing Tiers"),
            "the refusal names the cycle: {refusal}"
        );
        let shown = c
            .execute("return window.__pathforgeGraph.cycle();", vec![])
            .await
            .context("reading how much of the graph is marked as the cycle")?;
        ensure!(
            shown.as_u64().unwrap_or(0) >= 3,
            "the cycle is drawn on the graph: {shown} elements marked"
        );
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(before + 1)).await?;
        screenshot(&c, env, "graph-cycle-refused").await?;

        c.find(Locator::Css("[data-testid=graph-undo]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(before))
            .await
            .context("undo removes the added prerequisite")?;
        c.find(Locator::Css("[data-testid=graph-redo]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=graph-edge-count]", &count(before + 1))
            .await
            .context("redo adds it again")?;

        // Select the new edge by clicking it, and let "Negotiation Preparation" open after
        // any one of its requirements instead of all of them.
        c.find(Locator::Css("[data-testid=graph-connect]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=graph-fit]"))
            .await?
            .click()
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        click_edge(&c, &landscape, &preparation).await?;
        let group = c
            .wait()
            .for_element(Locator::Css("[data-testid=graph-group]"))
            .await
            .context("clicking an edge shows how its target's requirements combine")?;
        group.select_by_label("any one of them").await?;
        wait_for_text(&c, "[data-testid=graph-message]", "combine").await?;
        Ok(())
    })
    .await?;
    let list: serde_json::Value = serde_json::from_str(&cli(
        env,
        &[
            "graph".as_ref(),
            "edges".as_ref(),
            project.as_os_str(),
            "--json".as_ref(),
        ],
    )?)?;
    let list = list.as_array().context("an edge list")?;
    ensure!(
        list.len() == before + 1,
        "the edits are in the project file after the window closes"
    );
    // Reopen the project in the window: the graph shows every edit.
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules")
            .await
            .context("reopening the project")?;
        c.find(Locator::Css("[data-testid=tab-graph]"))
            .await?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=graph-edge-count]",
            &format!("{} prerequisites", before + 1),
        )
        .await
        .context("the reopened graph has the added edge and not the removed shortcut")?;
        Ok(())
    })
    .await?;
    let into_preparation: Vec<_> = list.iter().filter(|e| e["after"] == *target).collect();
    ensure!(
        into_preparation.len() >= 2
            && into_preparation
                .iter()
                .all(|e| e["group"]["kind"] == "any_of"),
        "every requirement of Negotiation Preparation now combines as any-of: {into_preparation:?}"
    );
    Ok(())
}

async fn export_wizard(env: &Env) -> Result<()> {
    let cli = env.app.with_file_name("pathforge");
    let project = env.scratch.join("export.pathforge");
    let folder = env.scratch.join("export-scorm2004");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    for args in [
        vec!["init".as_ref(), project.as_os_str()],
        vec!["import".as_ref(), project.as_os_str(), library.as_os_str()],
        vec![
            "export".as_ref(),
            project.as_os_str(),
            "--target".as_ref(),
            "scorm2004".as_ref(),
            "--out".as_ref(),
            folder.as_os_str(),
        ],
    ] {
        let out = std::process::Command::new(&cli).args(&args).output()?;
        ensure!(
            out.status.success(),
            "{} {:?}: {}",
            cli.display(),
            args,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // An older export in the folder: one page differs from what the project gives now.
    let page = std::fs::read_dir(folder.join("content"))?
        .next()
        .context("the export has pages")??
        .path();
    let fresh = std::fs::read(&page)?;
    std::fs::write(&page, b"<p>an older version</p>")?;
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        c.find(Locator::Css("[data-testid=tab-export]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=target-scorm2004]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=export-folder]"))
            .await?
            .send_keys(&folder.display().to_string())
            .await?;
        let diff = wait_for_text(&c, "[data-testid=export-diff]", "1 changed").await?;
        ensure!(
            diff.contains("33 unchanged"),
            "the preview compares with the export already in the folder: {diff}"
        );
        let rows = c
            .find_all(Locator::Css("[data-testid=coverage-row]"))
            .await?
            .len();
        ensure!(
            rows > 40,
            "every rule of the sample library has a verdict, found {rows} rows"
        );
        let coverage = text_of(&c, "[data-testid=coverage]").await?;
        ensure!(
            coverage.contains("not exported") && coverage.contains("objective status unknown"),
            "verdicts say how and why not"
        );
        screenshot(&c, env, "export-preview").await?;
        c.find(Locator::Css("[data-testid=export-run]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=export-diff]", "Exported 34 files").await?;
        screenshot(&c, env, "export-done").await
    })
    .await?;
    ensure!(
        std::fs::read(&page)? == fresh,
        "exporting from the window rewrote the stale page with the project's content"
    );
    Ok(())
}

/// An SME without the app: the designer writes a review pack, the SME decides in headless
/// Chromium (a real browser, from a file:// page with nothing fetched) and saves the
/// decisions file, and the designer imports it; the project then holds the decisions
/// under the SME's name.
async fn review_pack(env: &Env) -> Result<()> {
    let driver = env
        .chrome_driver
        .clone()
        .context("no --chrome-driver: .ci/e2e starts chromedriver (Debian's chromium-driver)")?;
    let project = env.scratch.join("pack.pathforge");
    new_project(
        env,
        &project,
        &env.repo.join("sample-libraries/sales-onboarding"),
    )?;
    cli(env, &["tag".as_ref(), project.as_os_str()])?;
    let pack = env.scratch.join("review-pack.html");
    let _ = std::fs::remove_file(&pack);
    let made: serde_json::Value = serde_json::from_str(&cli(
        env,
        &[
            "review".as_ref(),
            "pack".as_ref(),
            project.as_os_str(),
            "--min".as_ref(),
            "0.7".as_ref(),
            "--out".as_ref(),
            pack.as_os_str(),
            "--json".as_ref(),
        ],
    )?)?;
    let count = made["suggestions"].as_u64().context("the pack's size")? as usize;
    ensure!(count >= 2, "the pack holds suggestions to decide: {made}");
    let downloads = env.scratch.join("downloads");
    let _ = std::fs::remove_dir_all(&downloads);
    std::fs::create_dir_all(&downloads)?;

    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
            },
        }),
    );
    let c = tokio::time::timeout(
        WAIT,
        ClientBuilder::native().capabilities(caps).connect(&driver),
    )
    .await
    .context("starting headless Chromium timed out")?
    .context("chromedriver refused the session")?;
    let result = async {
        c.goto(&format!("file://{}", pack.display())).await?;
        let items = c.find_all(Locator::Css("[data-testid=item]")).await?;
        ensure!(
            items.len() == count,
            "the page lists {} of {count} suggestions",
            items.len()
        );
        items[0]
            .find(Locator::Css("[data-testid=accept]"))
            .await?
            .click()
            .await?;
        let items = c.find_all(Locator::Css("[data-testid=item]")).await?;
        items[1]
            .find(Locator::Css("[data-testid=reject]"))
            .await?
            .click()
            .await?;
        let items = c.find_all(Locator::Css("[data-testid=item]")).await?;
        items[1]
            .find(Locator::Css("[data-testid=note]"))
            .await?
            .send_keys("Too general for this module")
            .await?;
        c.find(Locator::Css("#save")).await?.click().await?;
        let status = c.find(Locator::Css("#status")).await?.text().await?;
        ensure!(
            status.contains("Write your name"),
            "saving asks for a name first: {status:?}"
        );
        c.find(Locator::Css("#reviewer"))
            .await?
            .send_keys("Dana Okafor")
            .await?;
        c.find(Locator::Css("#save")).await?.click().await?;
        let png = c.screenshot().await?;
        std::fs::write(env.out.join("review-pack.png"), png)?;
        let started = std::time::Instant::now();
        loop {
            let saved: Vec<PathBuf> = std::fs::read_dir(&downloads)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            if let Some(file) = saved.into_iter().next() {
                return Ok(file);
            }
            ensure!(
                started.elapsed() < WAIT,
                "the browser saved no decisions file"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    .await;
    let _ = tokio::time::timeout(WAIT, c.close()).await;
    let decisions = result?;

    let applied: serde_json::Value = serde_json::from_str(&cli(
        env,
        &[
            "review".as_ref(),
            "import".as_ref(),
            project.as_os_str(),
            decisions.as_os_str(),
            "--json".as_ref(),
        ],
    )?)?;
    ensure!(
        applied["applied"] == 2 && applied["reviewer"] == "Dana Okafor",
        "the two decisions apply under the SME's name: {applied}"
    );
    let again: serde_json::Value = serde_json::from_str(&cli(
        env,
        &[
            "review".as_ref(),
            "import".as_ref(),
            project.as_os_str(),
            decisions.as_os_str(),
            "--json".as_ref(),
        ],
    )?)?;
    ensure!(
        again["applied"] == 0 && again["already"] == 2,
        "importing the same file again changes nothing: {again}"
    );
    let log = cli(env, &["log".as_ref(), project.as_os_str()])?;
    ensure!(log.contains("Dana Okafor"), "the audit log names the SME");
    cli(
        env,
        &["audit".as_ref(), "verify".as_ref(), project.as_os_str()],
    )?;
    Ok(())
}

async fn review(env: &Env) -> Result<()> {
    let cli = env.app.with_file_name("pathforge");
    let project = env.scratch.join("review.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    for args in [
        vec!["init".as_ref(), project.as_os_str()],
        vec!["import".as_ref(), project.as_os_str(), library.as_os_str()],
        vec!["tag".as_ref(), project.as_os_str()],
    ] {
        let out = std::process::Command::new(&cli).args(&args).output()?;
        ensure!(
            out.status.success(),
            "{} {:?}: {}",
            cli.display(),
            args,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let args = vec!["--project".to_owned(), project.display().to_string()];
    with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        // Who is reviewing: a profile with a role, set once in Settings.
        c.find(Locator::Css("[data-testid=open-settings]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=profile-name]"))
            .await?
            .send_keys("Dana Okafor")
            .await?;
        c.find(Locator::Css("[data-testid=profile-role]"))
            .await?
            .select_by_value("sme")
            .await?;
        c.find(Locator::Css("[data-testid=profile-save]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=profile-saved]", "Dana Okafor").await?;
        c.find(Locator::Css("[data-testid=settings]"))
            .await?
            .send_keys("\u{E00C}")
            .await?;
        c.find(Locator::Css("[data-testid=tab-review]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=review-detail]", "accept").await?;
        let before = c
            .find_all(Locator::Css("[data-testid=review-row]"))
            .await?
            .len();
        ensure!(
            before > 10,
            "the sample library has many open suggestions, found {before}"
        );
        ensure!(
            !c.find_all(Locator::Css("[data-testid=evidence]"))
                .await?
                .is_empty(),
            "the evidence is highlighted"
        );
        let body = c.find(Locator::Css("body")).await?;
        body.send_keys("a").await?;
        let after = wait_for_count(&c, "[data-testid=review-row]", before - 1).await?;
        ensure!(
            after == before - 1,
            "A accepts the suggestion and it leaves the open queue: {before} → {after}"
        );
        c.find(Locator::Css("[data-testid=review-undo]"))
            .await?
            .click()
            .await?;
        let undone = wait_for_count(&c, "[data-testid=review-row]", before).await?;
        ensure!(
            undone == before,
            "undo puts it back: {after} → {undone}, want {before}"
        );
        screenshot(&c, env, "review").await?;

        // Decide two from the keyboard, then read the calibration: real figures from the
        // sample library's suggestions, the two decisions among them.
        let body = c.find(Locator::Css("body")).await?;
        body.send_keys("a").await?;
        wait_for_count(&c, "[data-testid=review-row]", before - 1).await?;
        // N writes a note for the next decision; Enter leaves the field for the keys.
        body.send_keys("n").await?;
        c.find(Locator::Css("[data-testid=review-note]"))
            .await?
            .send_keys("Too broad for this module\u{E007}")
            .await?;
        body.send_keys("r").await?;
        wait_for_count(&c, "[data-testid=review-row]", before - 2).await?;
        // E edits the next one: rejected in favour of another skill, accepted instead.
        body.send_keys("e").await?;
        let choice = c.find(Locator::Css("[data-testid=review-edit-skill]")).await?;
        choice.clone().select_by_index(1).await?;
        choice.send_keys("\u{E007}").await?;
        wait_for_count(&c, "[data-testid=review-row]", before - 3).await?;
        // Ctrl+Z takes the edit back (the suggestion is open again); E makes it again.
        press_ctrl(&c, 'z').await?;
        let back = wait_for_count(&c, "[data-testid=review-row]", before - 2).await?;
        ensure!(back == before - 2, "Ctrl+Z undoes the edit: {back} open, want {}", before - 2);
        body.send_keys("e").await?;
        let choice = c.find(Locator::Css("[data-testid=review-edit-skill]")).await?;
        choice.clone().select_by_index(1).await?;
        choice.send_keys("\u{E007}").await?;
        wait_for_count(&c, "[data-testid=review-row]", before - 3).await?;
        c.find(Locator::Css("[data-testid=show-calibration]"))
            .await?
            .click()
            .await?;
        let bands = text_of(&c, "[data-testid=calibration-bands]").await?;
        // Each band's counts cell reads "1 accepted · 0 rejected · 5 open".
        let mut totals: std::collections::HashMap<String, usize> = Default::default();
        for cell in c
            .find_all(Locator::Css("[data-testid=calibration-bands] td.n:not(.rate)"))
            .await?
        {
            for part in cell.text().await?.split('·') {
                let mut words = part.split_whitespace();
                if let (Some(n), Some(what)) = (words.next(), words.next()) {
                    *totals.entry(what.to_owned()).or_default() += n.parse::<usize>().unwrap_or(0);
                }
            }
        }
        let total = |what: &str| totals.get(what).copied().unwrap_or(0);
        ensure!(
            total("accepted") == 1 && total("rejected") == 2 && total("open") == before - 3,
            "the bands count the acceptance, the rejection and the edit (a rejection of the model's skill), and the {} still open: {totals:?} in {bands:?}",
            before - 3
        );
        c.find(Locator::Css("[data-testid=auto-accept]"))
            .await?
            .select_by_value("0.90")
            .await?;
        let evidence = text_of(&c, "[data-testid=auto-accept-evidence]").await?;
        ensure!(
            evidence.contains("People accepted") || evidence.contains("Nobody has decided"),
            "choosing a threshold shows what people decided above it: {evidence:?}"
        );
        screenshot(&c, env, "calibration").await?;

        // The audit log in the app: the decisions are there, filtered, and the chain holds.
        c.find(Locator::Css("[data-testid=tab-audit]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=audit-kind]"))
            .await?
            .select_by_value("tag")
            .await?;
        let rows = c.find_all(Locator::Css("[data-testid=audit-row]")).await?;
        let first = rows.first().context("decision entries are listed")?.text().await?;
        ensure!(
            rows.len() >= 7 && first.contains("tag.edited") && first.contains("Dana Okafor (SME)"),
            "accept, undo, accept, reject, edit, its undo, edit: {} entries, newest {first:?}",
            rows.len()
        );
        c.find(Locator::Css("[data-testid=audit-verify]"))
            .await?
            .click()
            .await?;
        let verdict = text_of(&c, "[data-testid=audit-check]").await?;
        ensure!(verdict.contains("intact"), "the chain verifies in the app: {verdict:?}");
        c.find(Locator::Css("[data-testid=audit-row]"))
            .await?
            .click()
            .await?;
        let detail = text_of(&c, "[data-testid=audit-detail]").await?;
        ensure!(
            detail.contains("tag.edited") && detail.contains("replaces"),
            "the newest entry is the edit, naming what it replaces: {detail:?}"
        );
        // The newest decision before the edits is the rejection with its note.
        let mut rejection = None;
        for row in c.find_all(Locator::Css("[data-testid=audit-row]")).await? {
            if row.text().await?.contains("tag.decided") {
                rejection = Some(row);
                break;
            }
        }
        rejection.context("the rejection before the edits")?.click().await?;
        let detail = text_of(&c, "[data-testid=audit-detail]").await?;
        ensure!(
            detail.contains("Too broad for this module") && detail.contains("rejected"),
            "the rejection keeps its note: {detail:?}"
        );
        screenshot(&c, env, "audit-log").await
    })
    .await?;
    let out = std::process::Command::new(&cli)
        .args(["audit".as_ref(), "verify".as_ref(), project.as_os_str()])
        .output()?;
    ensure!(
        out.status.success(),
        "the decisions and the undo keep the audit chain intact: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    Ok(())
}
