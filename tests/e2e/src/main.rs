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

mod scenarios;

use scenarios::*;

/// Limit for one WebDriver wait; a scenario as a whole gets `SCENARIO_LIMIT`.
const WAIT: Duration = Duration::from_secs(30);
const SCENARIO_LIMIT: Duration = Duration::from_secs(180);

#[derive(Clone)]
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
    let scenarios: [(&str, Scenario); 24] = [
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
        ("exports_package_items_as_they_are_when_asked", |e| {
            Box::pin(export_carries_items(e))
        }),
        ("edits_the_graph_by_drag_refuses_a_cycle_and_undoes", |e| {
            Box::pin(graph_editor(e))
        }),
        (
            "suggests_prerequisites_with_evidence_and_adds_one_undoably",
            |e| Box::pin(graph_suggestions(e)),
        ),
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
            Box::pin(tracks_panel(e))
        }),
        (
            "sends_the_curriculum_to_a_real_lrs_once_from_the_export_tab",
            |e| Box::pin(lrs_sync(e)),
        ),
        (
            "merges_two_copies_and_resolves_a_conflict_from_the_keyboard",
            |e| Box::pin(merge_copies(e)),
        ),
    ];
    // E2E_ONLY=substring runs the matching scenarios alone, while working on one; the
    // others are reported as not run, never silently dropped.
    let only = std::env::var("E2E_ONLY").unwrap_or_default();
    let (mut passed, mut failed, mut not_run, mut retried) = (0, 0, 0, 0);
    for (name, scenario) in scenarios {
        if !name.contains(only.as_str()) {
            println!("test {name} ... NOT RUN (E2E_ONLY={only})");
            not_run += 1;
            continue;
        }
        let mut outcome = tokio::time::timeout(SCENARIO_LIMIT, scenario(&env)).await;
        if let Ok(Err(e)) = &outcome {
            if driver_flake(e) {
                // WebKitWebDriver now and then drops a command with an empty error (seen in
                // the graph editor's drags and the review keys, each passing alone). One
                // more run in a fresh scratch folder, said loudly; a second failure stands.
                println!(
                    "    RETRYING {name} once: WebKitWebDriver answered with an empty error ({e:#})"
                );
                let mut again = env.clone();
                again.scratch = env.scratch.join(format!("retry-{name}"));
                std::fs::create_dir_all(&again.scratch)?;
                outcome = tokio::time::timeout(SCENARIO_LIMIT, scenario(&again)).await;
                if outcome.as_ref().is_ok_and(|r| r.is_ok()) {
                    retried += 1;
                }
            }
        }
        match outcome {
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
    println!(
        "\ne2e: {passed} passed ({retried} of them on a second run after an empty driver error), {failed} failed, {not_run} not run"
    );
    println!("screenshots: {}", env.out.display());
    if failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// Whether a scenario failed on WebKitWebDriver's empty error ("webdriver returned error: "
/// and nothing after): the driver dropped a command, the app said nothing wrong.
fn driver_flake(e: &anyhow::Error) -> bool {
    empty_error(&format!("{e:#}"))
}

/// Says, in the run's output, that a look for `css` drew WebKitWebDriver's empty error and
/// was made again: a retried look is never silent.
fn said_looked_again(css: &str) {
    println!("    (WebKitWebDriver's empty error looking for {css}; looked again)");
}

/// Whether an error's text ends in WebKitWebDriver's empty error.
fn empty_error(text: &str) -> bool {
    text.trim_end().ends_with("webdriver returned error:")
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

/// Opens the Log tab on one kind of action (`tag`, `lrs`…) and reads each entry listed,
/// newest first, whole — `#seq`, its words, who and when — as a row shows only the start
/// of a long one.
async fn audit_rows(c: &Client, kind: &str) -> Result<Vec<String>> {
    click(c, "[data-testid=tab-audit]", "opening the Log tab").await?;
    // The tab reads the log first (a command of its own): its filter is waited for.
    appear(c, "[data-testid=audit-kind]")
        .await?
        .select_by_value(kind)
        .await
        .with_context(|| format!("filtering the log to {kind}"))?;
    let rows = c
        .execute(
            "return [...document.querySelectorAll('[data-testid=audit-row]')].map((r) => r.textContent.replace(/\\s+/g, ' ').trim())",
            vec![],
        )
        .await
        .context("reading the log's rows")?;
    Ok(serde_json::from_value(rows)?)
}

async fn text_of(c: &Client, css: &str) -> Result<String> {
    appear(c, css)
        .await?
        .text()
        .await
        .with_context(|| format!("reading the text of {css}"))
}

/// Clicks the element `css` once it is there (see [`appear`]); an error names `step`.
async fn click(c: &Client, css: &str, step: &str) -> Result<()> {
    appear(c, css)
        .await
        .with_context(|| step.to_owned())?
        .click()
        .await
        .with_context(|| step.to_owned())?;
    Ok(())
}

/// The element `css` finds, once it is there (up to [`WAIT`]). A look that
/// WebKitWebDriver drops with its empty error (see [`driver_flake`]) is looked again and
/// said so, as a look that finds nothing yet is; any other error stands.
async fn appear(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    use fantoccini::error::{CmdError, ErrorStatus};
    let start = std::time::Instant::now();
    loop {
        match c.find(Locator::Css(css)).await {
            Ok(el) => return Ok(el),
            Err(CmdError::Standard(w)) if w.error == ErrorStatus::NoSuchElement => {}
            Err(e) if empty_error(&e.to_string()) => {
                said_looked_again(css);
            }
            Err(e) => return Err(e.into()),
        }
        if start.elapsed() > WAIT {
            bail!("no element {css} appeared in {WAIT:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn screenshot(c: &Client, env: &Env, name: &str) -> Result<()> {
    // Let two frames render so the capture is not a stale first frame.
    c.execute_async(
        "const done = arguments[arguments.length - 1];
         requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    )
    .await
    .with_context(|| format!("waiting two frames for the screenshot {name}"))?;
    let png = c
        .screenshot()
        .await
        .with_context(|| format!("taking the screenshot {name}"))?;
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

/// Ctrl+`key` as one action (send_keys would leave Ctrl held for what follows).
async fn press_ctrl(c: &Client, key: char) -> Result<()> {
    press_with(c, fantoccini::key::Key::Control, key).await
}

/// `key` alone, pressed and let go, wherever the focus is.
async fn press(c: &Client, key: char) -> Result<()> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(keys).await?;
    Ok(())
}

/// `modifier`+`key` as one action, the modifier let go after.
async fn press_with(c: &Client, modifier: fantoccini::key::Key, key: char) -> Result<()> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down {
            value: modifier.into(),
        })
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key })
        .then(KeyAction::Up {
            value: modifier.into(),
        });
    c.perform_actions(keys).await?;
    Ok(())
}

/// Waits (up to 5 s) until `css` matches exactly `want` elements; returns the last count.
/// A look that WebKitWebDriver drops with its empty error (see [`driver_flake`]) is
/// looked again, as a look that finds too few is; any other error stands.
async fn wait_for_count(c: &Client, css: &str, want: usize) -> Result<usize> {
    let mut n = 0;
    for _ in 0..50 {
        match c.find_all(Locator::Css(css)).await {
            Ok(found) => n = found.len(),
            Err(e) if empty_error(&e.to_string()) => {
                said_looked_again(css);
            }
            Err(e) => return Err(e.into()),
        }
        if n == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(n)
}

/// Waits (up to 10 s) until the text of `css` contains `needle`; returns that text.
/// As [`wait_for_text`], by the element's text content: WebKitWebDriver gives no text for
/// an element that cuts its text short (`overflow: hidden` with an ellipsis), such as the
/// toolbar's project name.
async fn wait_for_content(c: &Client, css: &str, needle: &str) -> Result<String> {
    let script = format!("return document.querySelector({css:?})?.textContent ?? ''");
    let mut last = String::new();
    for _ in 0..100 {
        last = c
            .execute(&script, vec![])
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if last.contains(needle) {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{css} never held {needle:?}; last text: {last:?}")
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
/// Runs the CLI with `--json` among `args` and reads what it printed.
fn cli_json(env: &Env, args: &[&std::ffi::OsStr]) -> Result<serde_json::Value> {
    let out = cli(env, args)?;
    serde_json::from_str(&out).with_context(|| format!("pathforge {args:?} printed no JSON: {out}"))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_empty_driver_error_earns_a_second_run() {
        fn check(error: anyhow::Error, flake: bool, why: &str) {
            assert_eq!(driver_flake(&error), flake, "{error:#}: {why}");
        }
        check(
            anyhow::anyhow!("webdriver returned error: "),
            true,
            "the driver dropped the command and said nothing",
        );
        check(
            anyhow::anyhow!("webdriver returned error: ").context("dragging between two modules"),
            true,
            "a step's context around the empty error changes nothing",
        );
        check(
            anyhow::anyhow!("webdriver returned error: no such element"),
            false,
            "a driver error that says what is wrong is the app's or the test's, not a flake",
        );
        check(
            anyhow::anyhow!("A accepts the suggestion and it leaves the open queue: 12 → 12"),
            false,
            "a failed check is never retried",
        );
    }
}
