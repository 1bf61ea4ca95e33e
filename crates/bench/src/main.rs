//! `make bench`: times Pathforge's operations on real project files and real folders and
//! prints one Markdown table. Each later capability adds its rows here. Figures are
//! medians of repeated runs on whatever machine runs them; the README records ours.
//!
//! Usage: `bench --cli target/release/pathforge --library sample-libraries/sales-onboarding`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod calibration;
mod cohort;
mod scale;
mod tagging;

use anyhow::{ensure, Context, Result};
use engine::Project;
use model::{Actor, Timestamp};

/// mimalloc instead of glibc's malloc: embedding allocates attention buffers of tens of
/// MB per batch, which glibc maps and unmaps each time (page faults dominated `sys`
/// time); mimalloc reuses them — 12.6 → 16.7 texts/s measured on the same 100 texts.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Row {
    what: String,
    runs: usize,
    median: Duration,
    note: String,
}

fn main() -> Result<()> {
    let mut cli = PathBuf::from("target/release/pathforge");
    let mut library = PathBuf::from("sample-libraries/sales-onboarding");
    let mut st_python: Option<PathBuf> = None;
    let mut pybkt_python: Option<PathBuf> = None;
    let mut only_calibration = false;
    let mut only_simulation = false;
    let mut only_embedding = false;
    let mut only_scale = false;
    let mut graph_scale: Option<PathBuf> = None;
    let mut only_graph = false;
    let mut only_import = false;
    let mut model_dir = PathBuf::from(embed::REPO_MODEL_DIR);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = PathBuf::from(args.next().context("flags take a value")?);
        match flag.as_str() {
            "--cli" => cli = value,
            "--library" => library = value,
            "--st-python" => st_python = Some(value),
            "--pybkt-python" => pybkt_python = Some(value),
            "--only" if value.as_os_str() == "calibration" => only_calibration = true,
            "--only" if value.as_os_str() == "simulation" => only_simulation = true,
            "--only" if value.as_os_str() == "embedding" => only_embedding = true,
            "--only" if value.as_os_str() == "scale" => only_scale = true,
            "--graph-scale" => graph_scale = Some(value),
            "--only" if value.as_os_str() == "graph" => only_graph = true,
            "--only" if value.as_os_str() == "import" => only_import = true,
            "--model" => model_dir = value,
            "--fit-calibration" => {
                let samples = value
                    .parent()
                    .and_then(Path::parent)
                    .context("an eval file in sample-libraries/eval/")?;
                let encoder = embed::Encoder::load(&model_dir)?;
                let tmp = tempfile::tempdir()?;
                let (midpoint, scale, n) =
                    tagging::fit_calibration(&value, samples, &encoder, tmp.path())?;
                println!("fitted on {n} (module, skill) pairs of {}: MIDPOINT = {midpoint:.3}, SCALE = {scale:.3}", value.display());
                return Ok(());
            }
            _ => anyhow::bail!(
                "unknown flag {flag}; use --cli PATH, --library PATH, --model DIR, --st-python PATH, --pybkt-python PATH, --graph-scale FILE, --only graph|import|calibration|scale|simulation|embedding"
            ),
        }
    }
    if only_graph {
        print_table(graph_rows(graph_scale.as_deref())?);
        return Ok(());
    }
    let tmp = tempfile::tempdir()?;
    if only_scale {
        print_table(scale::scale_rows(&model_dir, tmp.path())?);
        return Ok(());
    }
    if only_embedding {
        let samples = library
            .parent()
            .context("the library is inside sample-libraries/")?;
        let encoder = embed::Encoder::load(&model_dir)?;
        let row = throughput_row(
            samples,
            &encoder,
            &model_dir,
            st_python.as_deref(),
            tmp.path(),
        )?;
        print_table(vec![row]);
        return Ok(());
    }
    if only_simulation {
        print_table(cohort::simulation_rows(tmp.path())?);
        return Ok(());
    }
    if only_calibration {
        print_table(calibration::calibration_rows(
            &cli,
            pybkt_python.as_deref(),
            tmp.path(),
        )?);
        return Ok(());
    }
    let mut rows = Vec::new();
    let me = Actor::System;

    // Import of the sample library into a new project, in-process.
    let mut n = 0;
    let mut modules = 0;
    rows.push(measure("import sample library (new project)", 20, || {
        n += 1;
        let mut p = Project::create(&tmp.path().join(format!("i{n}.pathforge")), Timestamp(0))?;
        modules = p.import_library(&library, &me, Timestamp(1))?.total;
        Ok(())
    })?);
    rows.last_mut().unwrap().note = format!("{modules} modules");

    let mut p = Project::create(&tmp.path().join("re.pathforge"), Timestamp(0))?;
    p.import_library(&library, &me, Timestamp(1))?;
    rows.push(measure("re-import unchanged sample library", 20, || {
        let r = p.import_library(&library, &me, Timestamp(2))?;
        ensure!(r.unchanged == r.total, "nothing changed");
        Ok(())
    })?);
    rows.push(measure("list modules (summaries)", 200, || {
        ensure!(p.modules()?.len() == modules as usize);
        Ok(())
    })?);
    rows.push(measure("open project file", 100, || {
        Project::open(&tmp.path().join("re.pathforge"))?;
        Ok(())
    })?);

    // The CLI as a user runs it: a whole process, cold start included.
    let file = tmp.path().join("cli.pathforge");
    let mut k = 0;
    rows.push(measure(
        "`pathforge init` + `pathforge import` (two processes)",
        10,
        || {
            k += 1;
            let file = file.with_extension(format!("{k}.pathforge"));
            run(&cli, &["init".as_ref(), file.as_os_str()])?;
            run(
                &cli,
                &["import".as_ref(), file.as_os_str(), library.as_os_str()],
            )?;
            Ok(())
        },
    )?);
    rows.push(measure("`pathforge modules --json`", 20, || {
        run(
            &cli,
            &[
                "modules".as_ref(),
                tmp.path().join("re.pathforge").as_os_str(),
                "--json".as_ref(),
            ],
        )
    })?);

    // A synthetic catalogue at the scale of a large company.
    let big = tmp.path().join("big-library");
    let count = 10_000;
    synthesize(&big, count)?;
    let mut b = 0;
    let big_row = measure(
        &format!("import {count}-module synthetic library"),
        3,
        || {
            b += 1;
            let mut p =
                Project::create(&tmp.path().join(format!("big{b}.pathforge")), Timestamp(0))?;
            p.import_library(&big, &me, Timestamp(1))?;
            Ok(())
        },
    )?;
    let per_sec = count as f64 / big_row.median.as_secs_f64();
    rows.push(Row {
        note: format!("{per_sec:.0} modules/s"),
        ..big_row
    });
    // Re-import with one changed file.
    let changed = big.join("unit-07/m00007.md");
    let text = std::fs::read_to_string(&changed)?.replace("# Module 7", "# Module 7, revised");
    std::fs::write(&changed, text)?;
    let mut again = Project::open(&tmp.path().join("big1.pathforge"))?;
    let row = measure(
        &format!("re-import {count}-module library, one file changed"),
        1,
        || {
            let r = again.import_library(&big, &me, Timestamp(2))?;
            ensure!(r.updated == 1, "exactly the changed file is updated");
            Ok(())
        },
    )?;
    rows.push(row);
    for name in ["nurse-onboarding", "data-literacy"] {
        let dir = library.with_file_name(name);
        let mut n = 0;
        let mut total = 0;
        let row = measure(
            &format!("import {name} sample library (new project)"),
            10,
            || {
                n += 1;
                let mut p = Project::create(
                    &tmp.path().join(format!("{name}{n}.pathforge")),
                    Timestamp(0),
                )?;
                total = p.import_library(&dir, &me, Timestamp(1))?.total;
                Ok(())
            },
        )?;
        rows.push(Row {
            note: format!(
                "{total} modules: {}",
                match name {
                    "nurse-onboarding" => "HTML, PDF and a SCORM 2004 package",
                    _ => "catalog CSV and a Common Cartridge",
                }
            ),
            ..row
        });
    }
    rows.push(watch_row(&cli, &library, tmp.path())?);
    rows.push(Row {
        what: "peak memory of this benchmark process so far".to_owned(),
        runs: 1,
        median: Duration::ZERO,
        note: peak_memory(),
    });
    let size = std::fs::metadata(tmp.path().join("big1.pathforge"))?.len();
    rows.push(Row {
        what: format!("project file size, {count} modules"),
        runs: 1,
        median: Duration::ZERO,
        note: format!("{:.1} MiB", size as f64 / 1_048_576.0),
    });

    if only_import {
        print_table(rows);
        return Ok(());
    }
    rows.extend(graph_rows(graph_scale.as_deref())?);

    // Cohort simulation on the sample library: static path and rules, same seed.
    let learners = 100_000;
    let mut sim = Project::create(&tmp.path().join("sim.pathforge"), Timestamp(0))?;
    sim.import_library(&library, &me, Timestamp(1))?;
    let mut completion = (0.0, 0.0);
    let row = measure(
        &format!("simulate {learners} learners, sample tracks, static + rules"),
        1,
        || {
            let (fixed, adaptive) = sim.simulate(None, learners, 1)?;
            completion = (fixed.completion_rate, adaptive.completion_rate);
            Ok(())
        },
    )?;
    rows.push(Row {
        note: format!(
            "completion {:.1}% static, {:.1}% rules",
            completion.0 * 100.0,
            completion.1 * 100.0
        ),
        ..row
    });

    // Suggestions on the sample library, against its intended prerequisites.
    for titles in [true, false] {
        let (precision, covered, took) = suggestion_precision(&library, titles)?;
        rows.push(Row {
            what: format!(
                "suggest prerequisites, sample library ({})",
                if titles {
                    "all signals"
                } else {
                    "content only, no title mentions"
                }
            ),
            runs: 1,
            median: took,
            note: format!(
                "precision {:.0}%, {:.0}% of intended edges found",
                precision * 100.0,
                covered * 100.0
            ),
        });
    }

    rows.extend(scale::scale_rows(&model_dir, tmp.path())?);
    rows.extend(cohort::simulation_rows(tmp.path())?);
    rows.extend(calibration::calibration_rows(
        &cli,
        pybkt_python.as_deref(),
        tmp.path(),
    )?);
    rows.extend(tagging_rows(
        &cli,
        &library,
        &model_dir,
        st_python.as_deref(),
        tmp.path(),
    )?);

    print_table(rows);
    Ok(())
}

fn measure(what: &str, runs: usize, mut f: impl FnMut() -> Result<()>) -> Result<Row> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f().with_context(|| what.to_owned())?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(Row {
        what: what.to_owned(),
        runs,
        median: times[runs / 2],
        note: String::new(),
    })
}

fn run(cli: &Path, args: &[&std::ffi::OsStr]) -> Result<()> {
    let out = Command::new(cli)
        .args(args)
        .output()
        .with_context(|| cli.display().to_string())?;
    ensure!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// Peak resident memory (VmHWM) from /proc, where there is one.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn format_duration(d: Duration) -> String {
    let us = d.as_micros();
    if us < 1_000 {
        format!("{us} µs")
    } else if us < 1_000_000 {
        format!("{:.1} ms", us as f64 / 1_000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// Suggests as many edges as the library's manifest declares, on a graph without edges,
/// and scores them: a suggestion is right when its `before` precedes its `after` in the
/// intended graph (directly or through a path).
fn suggestion_precision(library: &Path, titles: bool) -> Result<(f64, f64, Duration)> {
    let content = ingest::read_library(library)?;
    let manifest = content
        .manifest
        .context("the sample library has a manifest")?;
    let index = |p: &str| {
        content
            .modules
            .iter()
            .position(|m| m.relative_path == p)
            .expect("known")
    };
    let intended: Vec<(usize, usize)> = manifest
        .requires
        .iter()
        .flat_map(|r| r.after.iter().map(|b| (index(b), index(&r.module))))
        .collect();
    let n = content.modules.len();
    let mut below = vec![std::collections::HashSet::new(); n];
    // Transitive closure of a 32-node graph: fine at this size.
    for _ in 0..n {
        for &(b, a) in &intended {
            let mut add: Vec<usize> = below[a].iter().copied().collect();
            add.push(a);
            below[b].extend(add);
        }
    }
    let nodes = content
        .modules
        .iter()
        .map(|m| graph::Node {
            id: m.relative_path.clone(),
            name: m.title.clone(),
        })
        .collect();
    let empty = graph::Graph::new(nodes, &[]);
    let texts: Vec<graph::ModuleText<'_>> = content
        .modules
        .iter()
        .map(|m| graph::ModuleText {
            title: &m.title,
            body: &m.body,
            tags: &m.tags,
            level: m.level,
        })
        .collect();
    let start = Instant::now();
    let found = graph::suggest(&empty, &texts, graph::Signals { titles }, intended.len());
    let took = start.elapsed();
    let right = found
        .iter()
        .filter(|s| below[s.before].contains(&s.after))
        .count();
    let direct = found
        .iter()
        .filter(|s| intended.contains(&(s.before, s.after)))
        .count();
    Ok((
        right as f64 / found.len().max(1) as f64,
        direct as f64 / intended.len() as f64,
        took,
    ))
}

/// `pathforge watch` as a user runs it: the time from saving a module file to the line
/// saying it was re-imported (debounce included), median of five saves.
fn watch_row(cli: &Path, library: &Path, tmp: &Path) -> Result<Row> {
    use std::io::BufRead;
    let lib = tmp.join("watched");
    std::fs::create_dir_all(&lib)?;
    for entry in walkdir::WalkDir::new(library) {
        let entry = entry?;
        let target = lib.join(entry.path().strip_prefix(library)?);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    let file = tmp.join("watched.pathforge");
    run(cli, &["init".as_ref(), file.as_os_str()])?;
    run(cli, &["import".as_ref(), file.as_os_str(), lib.as_os_str()])?;
    let mut child = Command::new(cli)
        .args(["watch".as_ref(), file.as_os_str()])
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let (tx, rx) = std::sync::mpsc::channel();
    let pipe = child.stdout.take().context("the watcher's stdout")?;
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait = Duration::from_secs(20);
    let result = (|| {
        rx.recv_timeout(wait).context("watch starts")?;
        let module = walkdir::WalkDir::new(&lib)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
            .find(|e| {
                e.path().extension().is_some_and(|x| x == "md") && e.file_name() != "README.md"
            })
            .context("a module to save")?
            .into_path();
        let original = std::fs::read_to_string(&module)?;
        let mut times = Vec::new();
        for i in 0..5 {
            std::thread::sleep(Duration::from_millis(600));
            let start = Instant::now();
            std::fs::write(&module, format!("{original}\nSaved again ({i}).\n"))?;
            let line = rx.recv_timeout(wait).context("a re-import line")?;
            times.push(start.elapsed());
            ensure!(
                line.contains("1 updated"),
                "the saved module is updated: {line}"
            );
        }
        times.sort();
        Ok(times[times.len() / 2])
    })();
    let _ = child.kill();
    let _ = child.wait();
    Ok(Row {
        what: "`pathforge watch`: a saved file re-imported".to_owned(),
        runs: 5,
        median: result?,
        note: "from the save to the report line, 400 ms debounce included".to_owned(),
    })
}

/// The prerequisite graph at catalogue scale: lint, cycle check and layout in the engine,
/// and the Graph tab's figures from the real-window test when `graph_scale` names them.
fn graph_rows(graph_scale: Option<&Path>) -> Result<Vec<Row>> {
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

fn print_table(rows: Vec<Row>) {
    println!("| operation | runs | median | note |\n|---|---:|---:|---|");
    for r in rows {
        let median = if r.median.is_zero() {
            "-".to_owned()
        } else {
            format_duration(r.median)
        };
        println!("| {} | {} | {} | {} |", r.what, r.runs, median, r.note);
    }
}

/// The figures the real-window test (`draws_a_2000_module_graph_and_records_its_timings`)
/// wrote: the Graph tab's first render and its frame times while panning and zooming.
fn window_rows(path: &Path) -> Result<Vec<Row>> {
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
fn generated_graph(nodes: usize, per_node: usize) -> graph::Graph {
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
fn generated_pairs(nodes: usize, per_node: usize) -> Vec<(usize, usize)> {
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

/// Writes `count` Markdown modules of ~400 words each, in 50 folders.
fn synthesize(dir: &Path, count: usize) -> Result<()> {
    let words = [
        "pipeline",
        "forecast",
        "discovery",
        "pricing",
        "stakeholder",
        "renewal",
        "objection",
        "procurement",
        "security",
        "value",
        "champion",
        "budget",
    ];
    for i in 0..count {
        let folder = dir.join(format!("unit-{:02}", i % 50));
        std::fs::create_dir_all(&folder)?;
        let body: Vec<&str> = (0..400)
            .map(|j| words[(i * 7 + j * 13) % words.len()])
            .collect();
        let text = format!(
            "---\ntitle: Module {i}\nduration_minutes: {}\nlevel: intermediate\ntags: [{}, {}]\n---\n# Module {i}\n\n{}\n",
            10 + i % 50,
            words[i % words.len()],
            words[(i + 5) % words.len()],
            body.join(" ")
        );
        std::fs::write(folder.join(format!("m{i:05}.md")), text)?;
    }
    Ok(())
}

/// Auto-tagging: quality on both evaluation sets, embedding throughput next to
/// sentence-transformers, a 10,000-module tag and re-tag, peak memory.
/// Embedding throughput on 1,000 module-length texts, beside sentence-transformers on the
/// same texts when a Python with it is given.
fn throughput_row(
    samples: &Path,
    encoder: &embed::Encoder,
    model_dir: &Path,
    st_python: Option<&Path>,
    tmp: &Path,
) -> Result<Row> {
    let texts = tagging::module_texts(samples, 1000)?;
    let ours = tagging::throughput(encoder, &texts)?;
    let theirs = match st_python {
        Some(python) => {
            let file = tmp.join("texts.json");
            std::fs::write(&file, serde_json::to_vec(&texts)?)?;
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/st_throughput.py");
            let out = Command::new(python)
                .arg(script)
                .arg(model_dir)
                .arg(&file)
                .output()
                .context("running sentence-transformers")?;
            ensure!(
                out.status.success(),
                "sentence-transformers failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8_lossy(&out.stdout).trim().parse::<f64>()?)
        }
        None => None,
    };
    Ok(Row {
        what: "embed 1,000 module-length texts (40–400 words)".to_owned(),
        runs: 1,
        median: Duration::from_secs_f64(texts.len() as f64 / ours),
        note: match theirs {
            Some(t) => format!(
                "{ours:.1} texts/s; sentence-transformers (PyTorch CPU, batch 32) {t:.1} texts/s: ratio {:.2}×",
                ours / t
            ),
            None => format!("{ours:.1} texts/s; sentence-transformers not run (no --st-python)"),
        },
    })
}

fn tagging_rows(
    cli: &Path,
    library: &Path,
    model_dir: &Path,
    st_python: Option<&Path>,
    tmp: &Path,
) -> Result<Vec<Row>> {
    let samples = library
        .parent()
        .context("the library is inside sample-libraries/")?;
    let encoder = embed::Encoder::load(model_dir)?;
    let mut rows = Vec::new();
    for (set, how) in [
        ("sales-onboarding", "calibration fitted on this set"),
        ("data-literacy", "held out"),
    ] {
        let q = tagging::quality(
            &samples.join(format!("eval/{set}.toml")),
            samples,
            &encoder,
            tmp,
        )?;
        let levels = q
            .level_agreement
            .map(|(a, n)| format!(", level guess = declared level for {a}/{n}"))
            .unwrap_or_default();
        rows.push(Row {
            what: format!("auto-tag {} ({} modules, {how})", q.name, q.modules),
            runs: 1,
            median: q.took,
            note: format!(
                "precision@3 {:.2}, recall {:.2}{levels}",
                q.precision_at_3, q.recall
            ),
        });
    }

    rows.push(throughput_row(
        samples, &encoder, model_dir, st_python, tmp,
    )?);

    // 10,000 short generated modules: first tag (peak memory of the CLI process), then a
    // re-tag after one module changed.
    let lib = tmp.join("generated-10000");
    tagging::synthesize_library(&lib, samples, 10_000)?;
    let file = tmp.join("generated.pathforge");
    run(cli, &["init".as_ref(), file.as_os_str()])?;
    run(cli, &["import".as_ref(), file.as_os_str(), lib.as_os_str()])?;
    let start = Instant::now();
    let peak = peak_child_memory(
        cli,
        &[
            "tag".as_ref(),
            file.as_os_str(),
            "--model".as_ref(),
            model_dir.as_os_str(),
        ],
    )?;
    rows.push(Row {
        what: "`pathforge tag`, 10,000 generated modules (first run)".to_owned(),
        runs: 1,
        median: start.elapsed(),
        note: format!("peak memory {peak}"),
    });
    let one = lib.join("unit-07/m00007.md");
    let mut p = Project::open(&file)?;
    let mut edits = 0;
    rows.push(measure("re-tag 10,000 modules after one changed (in-process)", 5, || {
        edits += 1;
        std::fs::write(&one, format!("---\ntitle: Module 7\n---\nEdit {edits}: discovery questions uncover the buyer's real problem.\n"))?;
        p.import_library(&lib, &Actor::System, Timestamp(10))?;
        let r = p.tag_modules(&encoder, Timestamp(11), &mut |_, _| true)?;
        ensure!(r.analysed == 1 && r.unchanged == 9_999, "only the edited module is re-read: {r:?}");
        Ok(())
    })?);
    Ok(rows)
}

/// Runs the CLI and returns its peak resident memory, as the kernel counted it.
fn peak_child_memory(cli: &Path, args: &[&std::ffi::OsStr]) -> Result<String> {
    // Python's resource module reads the child's rusage; Rust's std does not expose it.
    let out = Command::new("python3")
        .arg("-c")
        .arg("import resource,subprocess,sys; r=subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); sys.exit(r.returncode) if r.returncode else print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        .arg(cli)
        .args(args)
        .output()?;
    ensure!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kib: f64 = String::from_utf8_lossy(&out.stdout).trim().parse()?;
    Ok(format!("{:.0} MiB", kib / 1024.0))
}
