//! Rows for the prerequisite graph: lint and layout on generated graphs, and the window's
//! drawing timings recorded by the real-window E2E run, and `graph check` as a whole command.

use super::*;

/// The prerequisite graph at catalogue scale: lint, cycle check and layout in the engine,
/// and the Graph tab's figures from the real-window test when `graph_scale` names them.
pub(crate) fn graph_rows(graph_scale: Option<&Path>) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    // The prerequisite graph at catalogue scale: deep, locally connected curricula.
    for (nodes, per_node, runs) in [(10_000, 5, 5), (100_000, 3, 3)] {
        let g = generated_graph(nodes, per_node);
        let mut findings = 0;
        let row = measure(
            &format!("lint {nodes}-module / {}-edge graph", nodes * per_node),
            runs,
            || {
                findings = graph::lint(&g).len();
                Ok(())
            },
        )?;
        rows.push(Row {
            note: format!("{findings} findings"),
            ..row
        });
        if nodes == 10_000 {
            let mut cycle = false;
            let row = measure(
                "cycle check for one edge, 10,000 modules (worst case)",
                50,
                || {
                    // From the last module back to the first: the search covers everything
                    // downstream of the first module.
                    cycle = g.cycle_if_added(nodes - 1, 0).is_some();
                    Ok(())
                },
            )?;
            rows.push(Row {
                note: format!("cycle found: {cycle}"),
                ..row
            });
        }
    }

    // The graph editor's layout, computed by the engine, and what the real window measured.
    for (nodes, per_node, runs) in [(2_000, 3, 20), (10_000, 5, 5)] {
        let pairs = generated_pairs(nodes, per_node);
        let row = measure(
            &format!(
                "layered layout of a {nodes}-module / {}-edge graph (engine)",
                pairs.len()
            ),
            runs,
            || {
                std::hint::black_box(graph::layered(nodes, &pairs));
                Ok(())
            },
        )?;
        rows.push(row);
    }
    if let Some(path) = graph_scale {
        rows.extend(window_rows(path)?);
    } else {
        println!("note: no --graph-scale FILE, so the real-window graph figures are left out (make bench runs the window test first)");
    }

    Ok(rows)
}

/// The figures the real-window test (`draws_a_2000_module_graph_and_records_its_timings`)
/// wrote: the Graph tab's first render and its frame times while panning and zooming.
pub(crate) fn window_rows(path: &Path) -> Result<Vec<Row>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}", path.display()))?;
    let (t, f, m) = (&v["first_render"], &v["pan_zoom"], &v["mouse_pan"]);
    let ms = |x: &serde_json::Value| x.as_f64().unwrap_or(f64::NAN);
    let (modules, edges) = (
        t["modules"].as_u64().unwrap_or(0),
        t["edges"].as_u64().unwrap_or(0),
    );
    Ok(vec![
        Row {
            what: format!("Graph tab, {modules} modules / {edges} edges: view, layout and first frame (real window)"),
            runs: 1,
            median: Duration::from_secs_f64(ms(&t["total"]) / 1000.0),
            note: format!(
                "view fetched {:.0} ms, drawn {:.0} ms, first frame {:.0} ms",
                ms(&t["fetch"]),
                ms(&t["layout"]),
                ms(&t["firstFrame"])
            ),
        },
        Row {
            what: format!("Graph tab, {modules} modules: frame time while panning and zooming (median of {} frames)", f["frames"]),
            runs: 1,
            median: Duration::from_secs_f64(ms(&f["p50"]) / 1000.0),
            note: format!(
                "p95 {:.0} ms, worst {:.0} ms, {} frames over 50 ms (programmatic pans and zooms, software rendering under Xvfb)",
                ms(&f["p95"]),
                ms(&f["max"]),
                f["over50"]
            ),
        },
        Row {
            what: format!("Graph tab, {modules} modules: frame time while dragging the view with the mouse (median of {} frames)", m["frames"]),
            runs: 1,
            median: Duration::from_secs_f64(ms(&m["p50"]) / 1000.0),
            note: format!(
                "p95 {:.0} ms, worst {:.0} ms, {} frames over 50 ms",
                ms(&m["p95"]),
                ms(&m["max"]),
                m["over50"]
            ),
        },
    ])
}

/// A curriculum-like graph: module `i` requires `per_node` of the 200 modules before it
/// (deterministic pseudo-random choice), so paths are long and reachability is large.
pub(crate) fn generated_graph(nodes: usize, per_node: usize) -> graph::Graph {
    let edges: Vec<graph::Edge> = generated_pairs(nodes, per_node)
        .into_iter()
        .map(|(before, after)| graph::Edge {
            before,
            after,
            group: model::PrerequisiteGroup::AllOf,
        })
        .collect();
    let nodes = (0..nodes)
        .map(|i| graph::Node {
            id: i.to_string(),
            name: format!("Module {i}"),
        })
        .collect();
    graph::Graph::new(nodes, &edges)
}

/// The edges of [`generated_graph`], as (before, after) index pairs.
pub(crate) fn generated_pairs(nodes: usize, per_node: usize) -> Vec<(usize, usize)> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut edges = Vec::with_capacity(nodes * per_node);
    for after in 1..nodes {
        let window = after.min(200);
        let mut chosen: Vec<usize> = (0..per_node.min(window))
            .map(|_| after - 1 - (next() as usize % window))
            .collect();
        chosen.sort_unstable();
        chosen.dedup();
        edges.extend(chosen.into_iter().map(|before| (before, after)));
    }
    edges
}

/// `pathforge graph check --json` as a user runs it (process start, open, lint, print) on
/// catalogues of 10,000 and 50,000 modules whose prerequisite chain has one cycle at its
/// start — the input that once flooded the linter with one finding per blocked module.
pub(crate) fn check_command_rows(cli: &Path, tmp: &Path) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for n in [10_000usize, 50_000] {
        let dir = tmp.join(format!("cycle-catalog-{n}"));
        std::fs::create_dir_all(&dir)?;
        let mut csv = String::from("id,title,description,duration,prerequisites\n");
        for i in 0..n {
            // c0 requires c1 and c1 requires c0: a cycle at the start of a chain.
            let before = if i == 0 {
                "c1".to_owned()
            } else {
                format!("c{}", i - 1)
            };
            csv += &format!("c{i},Course {i},About topic {i},30,{before}\n");
        }
        let catalog = dir.join("catalog.csv");
        std::fs::write(&catalog, csv)?;
        let file = tmp.join(format!("cycle-{n}.pathforge"));
        run(cli, &["init".as_ref(), file.as_os_str()])?;
        run(
            cli,
            &["import".as_ref(), file.as_os_str(), catalog.as_os_str()],
        )?;
        let row = measure(
            &format!("`pathforge graph check --json`, {n} modules in a chain with one cycle (whole command)"),
            10,
            || {
                // Exit status 1: the cycle is an error; the output is what is timed.
                Command::new(cli)
                    .args(["graph".as_ref(), "check".as_ref(), file.as_os_str(), "--json".as_ref()])
                    .output()?;
                Ok(())
            },
        )?;
        rows.push(Row {
            note: "2 findings: the cycle, and what it blocks (goal: under 0.3 s)".to_owned(),
            ..row
        });
    }
    Ok(rows)
}
