//! A 2,000-module graph in the Graph tab: the module list draws a screenful, the layered
//! drawing finishes, and its timings (view, layout, first frame, frame times while panning
//! and dragging) are recorded for `make bench`; suggesting shows how far it is, S stops
//! it, and asked again it runs to its end.

use crate::*;

pub(crate) async fn graph_at_scale(env: &Env) -> Result<()> {
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
        // Suggesting compares every pair of the 2,000 modules: seconds, so the button
        // shows how far it is and S stops it; the next request then runs to its end.
        let suggest = "[data-testid=graph-suggest]";
        c.find(Locator::Css(suggest)).await?.click().await?;
        let shown = wait_for_text(&c, suggest, "Suggesting").await?;
        ensure!(
            shown.contains('%') && wait_for_count(&c, "[data-testid=graph-suggest-progress]", 1).await? == 1,
            "while suggesting, the button has a progress bar and a share done: {shown:?}"
        );
        screenshot(&c, env, "graph-2000-suggesting").await?;
        c.find(Locator::Css("body")).await?.send_keys("s").await?;
        wait_for_count(&c, "[data-testid=graph-suggest-progress]", 0).await?;
        let label = c.find(Locator::Css(suggest)).await?.text().await?;
        ensure!(
            label.starts_with("Suggest") && !label.contains("Suggesting"),
            "S stops suggesting: the button is back to Suggest, not {label:?}"
        );
        ensure!(
            wait_for_count(&c, "[data-testid=graph-suggestions]", 0).await? == 0,
            "a stopped suggestion lists nothing"
        );
        c.find(Locator::Css(suggest)).await?.click().await?;
        for _ in 0..1200 {
            if !c
                .find_all(Locator::Css("[data-testid=graph-suggestions]"))
                .await?
                .is_empty()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let listed = c
            .find_all(Locator::Css("[data-testid=graph-suggestion]"))
            .await?
            .len();
        ensure!(
            listed > 0,
            "asked again after a stop, suggesting runs to its end and lists them"
        );
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
