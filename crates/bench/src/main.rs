//! `make bench`: times Pathforge's operations on real project files and real folders and
//! prints one Markdown table. Each later capability adds its rows here. Figures are
//! medians of repeated runs on whatever machine runs them; the README records ours.
//!
//! Usage: `bench --cli target/release/pathforge --library sample-libraries/sales-onboarding`
//! (`bench --help` lists the rest).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod calibration;
mod cohort;
mod esco;
mod graphs;
mod library;
mod merge;
mod public;
mod scale;
mod skills;
mod tagging;

use graphs::graph_rows;
use library::{carry_rows, synthesize, tagging_rows, throughput_row, watch_row};

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

/// Which rows to measure alone (`--only`); without it, the whole table.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Only {
    /// The graph editor's layout and checks (with `--graph-scale`, the E2E run's figures).
    Graph,
    /// Import and re-import, in-process and through the CLI.
    Import,
    /// BKT calibration, beside pyBKT when `--pybkt-python` is given.
    Calibration,
    /// A 50,000-module project end to end: import, tag, lint, view, simulate, export.
    Scale,
    /// A taxonomy of 100,000 skills imported and checked, and `graph check` on long chains.
    Skills,
    /// `pathforge merge` of two 10,000-module copies.
    Merge,
    /// Prerequisite suggestions: the sample libraries, synthetic scale and the public datasets.
    Suggest,
    /// Auto-tagging quality: the sample libraries and ESCO.
    Tagging,
    /// 10,000 generated modules: tag, `graph suggest`, re-tag.
    Generated,
    /// 100,000 simulated learners through a track under a signed rule bundle.
    Simulation,
    /// Embedding throughput, beside sentence-transformers when `--st-python` is given.
    Embedding,
}

/// Measures Pathforge's operations and prints one Markdown table (`make bench`).
#[derive(clap::Parser)]
#[command(about, long_about = None)]
struct Args {
    /// The `pathforge` binary the whole-command rows run.
    #[arg(long, value_name = "PATH", default_value = "target/release/pathforge")]
    cli: PathBuf,
    /// A sample library (its folder's siblings are the other sample libraries).
    #[arg(
        long,
        value_name = "PATH",
        default_value = "sample-libraries/sales-onboarding"
    )]
    library: PathBuf,
    /// The embedding model's folder.
    #[arg(long = "model", value_name = "DIR", default_value = embed::REPO_MODEL_DIR)]
    model_dir: PathBuf,
    /// A Python with sentence-transformers, to embed beside it.
    #[arg(long, value_name = "PATH")]
    st_python: Option<PathBuf>,
    /// A Python with pyBKT, to calibrate beside it.
    #[arg(long, value_name = "PATH")]
    pybkt_python: Option<PathBuf>,
    /// The graph editor's figures from the E2E run (`target/e2e/graph-scale.json`).
    #[arg(long, value_name = "FILE")]
    graph_scale: Option<PathBuf>,
    /// Where `tests/datasets/fetch` put the public datasets.
    #[arg(long, value_name = "DIR")]
    datasets: Option<PathBuf>,
    /// Measure these rows alone.
    #[arg(long)]
    only: Option<Only>,
    /// Instead of measuring: fit the suggestion models on the public datasets in this
    /// folder and print them.
    #[arg(long, value_name = "DATASETS_DIR", conflicts_with = "only")]
    fit_suggest: Option<PathBuf>,
    /// Instead of measuring: fit the tagger's calibration on this evaluation file (in
    /// `sample-libraries/eval/`) and print it.
    #[arg(long, value_name = "EVAL_FILE", conflicts_with_all = ["only", "fit_suggest"])]
    fit_calibration: Option<PathBuf>,
}

fn main() -> Result<()> {
    let Args {
        cli,
        library,
        model_dir,
        st_python,
        pybkt_python,
        graph_scale,
        datasets,
        only,
        fit_suggest,
        fit_calibration,
    } = clap::Parser::parse();
    let datasets = datasets.unwrap_or_else(public::default_dir);
    if let Some(dir) = fit_suggest {
        let encoder = embed::Encoder::load(&model_dir)?;
        return public::fit(&dir, &encoder);
    }
    if let Some(eval) = fit_calibration {
        let samples = eval
            .parent()
            .and_then(Path::parent)
            .context("an eval file in sample-libraries/eval/")?;
        let encoder = embed::Encoder::load(&model_dir)?;
        let tmp = tempfile::tempdir()?;
        let (midpoint, scale, n) = tagging::fit_calibration(&eval, samples, &encoder, tmp.path())?;
        println!(
            "fitted on {n} (module, skill) pairs of {}: MIDPOINT = {midpoint:.3}, SCALE = {scale:.3}",
            eval.display()
        );
        return Ok(());
    }
    let tmp = tempfile::tempdir()?;
    let samples = || {
        library
            .parent()
            .context("the library is inside sample-libraries/")
    };
    let rows = match only {
        None | Some(Only::Import) => None,
        Some(Only::Graph) => Some(graph_rows(graph_scale.as_deref())?),
        Some(Only::Skills) => {
            let mut rows = skills::skill_rows(&cli, tmp.path())?;
            rows.extend(graphs::check_command_rows(&cli, tmp.path())?);
            Some(rows)
        }
        Some(Only::Tagging) => {
            let encoder = embed::Encoder::load(&model_dir)?;
            let mut rows = library::tagging_quality_rows(samples()?, &encoder, tmp.path())?;
            rows.push(esco_row(&datasets, &encoder)?);
            Some(rows)
        }
        Some(Only::Generated) => {
            let encoder = embed::Encoder::load(&model_dir)?;
            Some(library::generated_rows(
                &cli,
                samples()?,
                &encoder,
                &model_dir,
                tmp.path(),
            )?)
        }
        Some(Only::Suggest) => {
            let encoder = embed::Encoder::load(&model_dir)?;
            let mut rows = library::sample_suggestion_rows(&library, &encoder)?;
            rows.extend(library::suggestion_scale_rows(&[1000, 3000, 10000]));
            print_table(rows);
            println!("\n{}", public::quality_table(&datasets, &encoder)?);
            return Ok(());
        }
        Some(Only::Merge) => Some(merge::merge_rows(&cli, tmp.path())?),
        Some(Only::Scale) => Some(scale::scale_rows(&model_dir, tmp.path())?),
        Some(Only::Embedding) => {
            let encoder = embed::Encoder::load(&model_dir)?;
            Some(vec![throughput_row(
                samples()?,
                &encoder,
                &model_dir,
                st_python.as_deref(),
                tmp.path(),
            )?])
        }
        Some(Only::Simulation) => Some(cohort::simulation_rows(tmp.path())?),
        Some(Only::Calibration) => Some(calibration::calibration_rows(
            &cli,
            pybkt_python.as_deref(),
            tmp.path(),
        )?),
    };
    if let Some(rows) = rows {
        print_table(rows);
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
    rows.extend(carry_rows(tmp.path())?);
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

    if only == Some(Only::Import) {
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

    // Suggestions on the sample libraries, against their intended prerequisites.
    let encoder = embed::Encoder::load(&model_dir)?;
    rows.extend(library::sample_suggestion_rows(&library, &encoder)?);
    rows.extend(library::suggestion_scale_rows(&[1000, 3000, 10000]));

    rows.extend(scale::scale_rows(&model_dir, tmp.path())?);
    rows.extend(skills::skill_rows(&cli, tmp.path())?);
    rows.extend(graphs::check_command_rows(&cli, tmp.path())?);
    rows.extend(merge::merge_rows(&cli, tmp.path())?);
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

    rows.push(esco_row(&datasets, &encoder)?);
    print_table(rows);
    println!("\n{}", public::quality_table(&datasets, &encoder)?);
    Ok(())
}

/// Auto-tagging on ESCO's skills and the TECHWOLF sentences, beside raw retrieval; a
/// missing dataset is a row that says so.
fn esco_row(datasets: &Path, encoder: &embed::Encoder) -> Result<Row> {
    let what = "auto-tag against ESCO (public), R-Precision@5".to_owned();
    let esco = match esco::load(datasets) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("DATASET MISSING: esco: {e:#}");
            return Ok(Row {
                what,
                runs: 0,
                median: Duration::ZERO,
                note: format!("**absent**: {e}"),
            });
        }
    };
    let start = Instant::now();
    let (ours, raw) = esco::tagging_quality(&esco, encoder, datasets)?;
    eprintln!("esco ({})", esco.source);
    Ok(Row {
        what,
        runs: 1,
        median: start.elapsed(),
        note: format!(
            "{} skills, {} TECHWOLF sentences: Pathforge's tagger **{ours:.3}**, raw retrieval (sentence against each skill's label, same model) {raw:.3}",
            esco.skills.len(),
            esco.sentences.len()
        ),
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser, ValueEnum};

    #[test]
    fn the_flags_are_well_formed() {
        // clap's own checks: no two flags share a name, defaults parse, and so on.
        Args::command().debug_assert();
    }

    #[test]
    fn the_command_lines_the_makefile_and_readme_give_parse() {
        let makefile = include_str!("../../../Makefile");
        let line = makefile
            .lines()
            .find_map(|l| l.trim().strip_prefix("target/release/bench "))
            .expect("the Makefile's bench target runs target/release/bench");
        let check = |line: &str, only: Option<Only>| {
            let args = Args::try_parse_from(std::iter::once("bench").chain(line.split(' ')))
                .unwrap_or_else(|e| {
                    panic!("`bench {line}` should parse, as the docs give it: {e}")
                });
            assert!(
                args.only == only,
                "`bench {line}` should measure the rows it names"
            );
        };
        check(line, None);
        check("--only suggest", Some(Only::Suggest));
        check(
            "--only graph --graph-scale target/e2e/graph-scale.json",
            Some(Only::Graph),
        );
        check("--fit-suggest target/datasets", None);
        let docs = [
            include_str!("../../../README.md"),
            include_str!("../../../docs/architecture.md"),
        ];
        let mut named = 0;
        for only in docs.iter().flat_map(|d| d.split("bench --only ").skip(1)) {
            let name: String = only.chars().take_while(char::is_ascii_alphabetic).collect();
            let parsed = Only::from_str(&name, false);
            assert!(
                parsed.is_ok(),
                "the docs name `bench --only {name}`, which the bench should know"
            );
            check(&format!("--only {name}"), parsed.ok());
            named += 1;
        }
        assert!(
            named >= 5,
            "the README and architecture doc say how to run several rows alone (found {named})"
        );
    }

    #[test]
    fn an_unknown_choice_is_refused_naming_the_known_ones() {
        let Err(e) = Args::try_parse_from(["bench", "--only", "nope"]) else {
            panic!("`--only nope` should be refused: there are no such rows");
        };
        assert!(
            e.to_string().contains("suggest"),
            "the error should list the rows that can be asked for: {e}"
        );
    }
}
