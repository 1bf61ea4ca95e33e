//! Rows measured on a library folder: suggestion precision on the sample libraries, the
//! watcher's re-import latency, synthetic catalogues, import throughput and auto-tagging.

use super::*;

/// Suggests as many edges as the library's manifest declares, on a graph without edges,
/// and scores them: a suggestion is right when its `before` precedes its `after` in the
/// intended graph (directly or through a path). With `vectors` (one per module), modules
/// are compared by them, as after auto-tagging; levels are the declared ones.
fn suggestion_precision(
    content: &ingest::LibraryContent,
    titles: bool,
    vectors: Option<&[Vec<f32>]>,
) -> Result<(f64, f64, Duration)> {
    let manifest = content
        .manifest
        .as_ref()
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
        .enumerate()
        .map(|(i, m)| graph::ModuleText {
            title: &m.title,
            body: &m.body,
            tags: &m.tags,
            level: m.level,
            vector: vectors.map(|v| v[i].as_slice()),
            library: 0,
            path: &m.relative_path,
        })
        .collect();
    let start = Instant::now();
    let found = graph::suggest(
        &empty,
        &texts,
        graph::Signals { titles },
        intended.len(),
        &Default::default(),
    );
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

/// Suggestion rows on the sample libraries: with words and with the model's vectors, with
/// and without title mentions.
pub(crate) fn sample_suggestion_rows(library: &Path, encoder: &embed::Encoder) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for name in ["sales-onboarding", "nurse-onboarding", "data-literacy"] {
        let content = ingest::read_library(&library.with_file_name(name))?;
        let items: Vec<public::Item> = content
            .modules
            .iter()
            .map(|m| public::Item::new(m.title.clone(), m.body.clone()))
            .collect();
        let cache = tempfile::tempdir()?;
        let embedded = public::vectors(&items, encoder, cache.path())?;
        for (vectors, titles) in [(true, true), (true, false), (false, true), (false, false)] {
            let (precision, covered, took) =
                suggestion_precision(&content, titles, vectors.then_some(embedded.as_slice()))?;
            rows.push(Row {
                what: format!(
                    "suggest prerequisites, {name} ({}, {})",
                    if vectors {
                        "model vectors"
                    } else {
                        "words only"
                    },
                    if titles {
                        "all signals"
                    } else {
                        "no title mentions"
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
    }
    Ok(rows)
}

/// `graph suggest` on synthetic libraries of `sizes` modules (titles of three and texts of
/// 300 words from a 5,000-word vocabulary, deterministic), by words and by 384-dimension
/// vectors: it compares every pair, so this is where its time goes.
pub(crate) fn suggestion_scale_rows(sizes: &[usize]) -> Vec<Row> {
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut rows = Vec::new();
    for &n in sizes {
        let mut word = || format!("term{}", next() % 5000);
        let texts: Vec<(String, String)> = (0..n)
            .map(|_| {
                let title = (0..3).map(|_| word()).collect::<Vec<_>>().join(" ");
                let body = (0..300).map(|_| word()).collect::<Vec<_>>().join(" ");
                (title, body)
            })
            .collect();
        let vectors: Vec<Vec<f32>> = (0..n)
            .map(|_| {
                let mut v: Vec<f32> = (0..384)
                    .map(|_| (next() % 2001) as f32 / 1000.0 - 1.0)
                    .collect();
                embed::normalise(&mut v);
                v
            })
            .collect();
        // By words, by vectors, and by vectors on a graph already drawn (one prerequisite
        // per module), which the suggester learns from first.
        for (with_vectors, drawn) in [(false, false), (true, false), (true, true)] {
            let modules: Vec<graph::ModuleText<'_>> = texts
                .iter()
                .enumerate()
                .map(|(i, (title, body))| graph::ModuleText {
                    title,
                    body,
                    tags: &[],
                    level: None,
                    vector: with_vectors.then(|| vectors[i].as_slice()),
                    library: 0,
                    path: "",
                })
                .collect();
            let nodes = || -> Vec<graph::Node> {
                (0..n)
                    .map(|i| graph::Node {
                        id: i.to_string(),
                        name: texts[i].0.clone(),
                    })
                    .collect()
            };
            let edges: Vec<graph::Edge> = match drawn {
                false => Vec::new(),
                true => (1..n)
                    .map(|i| graph::Edge {
                        before: (i * 7919 + 13) % i,
                        after: i,
                        group: model::PrerequisiteGroup::AllOf,
                    })
                    .collect(),
            };
            let mut known = None;
            // Twenty suggestions on `edges` (about one module, or every one), remembering
            // in `known`, timed.
            let mut ask = |edges: &[graph::Edge], about: Option<usize>| {
                let graph = graph::Graph::new(nodes(), edges);
                let (signals, none) = (graph::Signals { titles: true }, Default::default());
                let start = Instant::now();
                let found = graph::suggest_about(
                    &graph,
                    &modules,
                    signals,
                    about,
                    20,
                    &none,
                    &mut known,
                    &mut |_| true,
                )
                .expect("nothing stops it");
                (found.len(), start.elapsed())
            };
            let (found, took) = ask(&edges, None);
            let by = if with_vectors {
                "model vectors"
            } else {
                "words only"
            };
            let (what, how) = match drawn {
                false => (
                    format!("suggest prerequisites, {n} synthetic modules ({by})"),
                    "every pair scored",
                ),
                true => (
                    format!(
                        "suggest prerequisites, {n} synthetic modules ({by}), {} drawn",
                        edges.len()
                    ),
                    "learned from the drawn edges first, then every pair scored",
                ),
            };
            rows.push(Row {
                what,
                runs: 1,
                median: took,
                note: format!("{found} suggestions; {how}"),
            });
            if drawn {
                // The Graph tab asks again after each edit: one more edge drawn, the
                // modules as they were, so what was worked out about them is kept.
                let mut more = edges.clone();
                more.push(graph::Edge {
                    before: 0,
                    after: n - 1,
                    group: model::PrerequisiteGroup::AllOf,
                });
                let (found, took) = ask(&more, None);
                rows.push(Row {
                    what: format!(
                        "the same, asked again after one more edge ({} drawn)",
                        more.len()
                    ),
                    runs: 1,
                    median: took,
                    note: format!(
                        "{found} suggestions; each module's nearest remembered from the request before"
                    ),
                });
                // Then one module's own suggestions (the Graph tab's "Suggest for this
                // module"), the modules' nearest still remembered.
                let (found, took) = ask(&more, Some(n / 2));
                rows.push(Row {
                    what: "the same, about one module".to_owned(),
                    runs: 1,
                    median: took,
                    note: format!(
                        "{found} suggestions into or out of it; only its pairs scored, the nearest remembered"
                    ),
                });
            }
        }
    }
    rows
}

/// `pathforge watch` as a user runs it: the time from saving a module file to the line
/// saying it was re-imported (debounce included), median of five saves.
pub(crate) fn watch_row(cli: &Path, library: &Path, tmp: &Path) -> Result<Row> {
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

/// Writes `count` Markdown modules of ~400 words each, in 50 folders.
pub(crate) fn synthesize(dir: &Path, count: usize) -> Result<()> {
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
pub(crate) fn throughput_row(
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

/// Auto-tagging quality on the labelled sample sets (`sample-libraries/eval/`).
pub(crate) fn tagging_quality_rows(
    samples: &Path,
    encoder: &embed::Encoder,
    tmp: &Path,
) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (set, how) in [
        ("sales-onboarding", "calibration fitted on this set"),
        ("data-literacy", "held out"),
    ] {
        let q = tagging::quality(
            &samples.join(format!("eval/{set}.toml")),
            samples,
            encoder,
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
    Ok(rows)
}

pub(crate) fn tagging_rows(
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
    let mut rows = tagging_quality_rows(samples, &encoder, tmp)?;

    rows.push(throughput_row(
        samples, &encoder, model_dir, st_python, tmp,
    )?);
    rows.extend(generated_rows(cli, samples, &encoder, model_dir, tmp)?);
    Ok(rows)
}

/// 10,000 short generated modules: first tag (peak memory of the CLI process), suggestions
/// on them by the vectors tagging cached, then a re-tag after one module changed
/// (`bench --only generated` alone).
pub(crate) fn generated_rows(
    cli: &Path,
    samples: &Path,
    encoder: &embed::Encoder,
    model_dir: &Path,
    tmp: &Path,
) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
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
    // Suggestions on the same 10,000 modules, compared by the vectors tagging cached: the
    // whole command, every pair of modules compared.
    let start = Instant::now();
    let peak = peak_child_memory(
        cli,
        &[
            "graph".as_ref(),
            "suggest".as_ref(),
            file.as_os_str(),
            "--limit".as_ref(),
            "20".as_ref(),
            "--json".as_ref(),
        ],
    )?;
    rows.push(Row {
        what: "`pathforge graph suggest`, the same 10,000 modules, model vectors".to_owned(),
        runs: 1,
        median: start.elapsed(),
        note: format!("every pair compared; peak memory {peak}"),
    });
    let one = lib.join("unit-07/m00007.md");
    let mut p = Project::open(&file)?;
    let mut edits = 0;
    rows.push(measure("re-tag 10,000 modules after one changed (in-process)", 5, || {
        edits += 1;
        std::fs::write(&one, format!("---\ntitle: Module 7\n---\nEdit {edits}: discovery questions uncover the buyer's real problem.\n"))?;
        p.import_library(&lib, &Actor::System, Timestamp(10))?;
        let r = p.tag_modules(encoder, Timestamp(11), &mut |_, _| true)?;
        ensure!(r.analysed == 1 && r.unchanged == 9_999, "only the edited module is re-read: {r:?}");
        Ok(())
    })?);
    Ok(rows)
}

/// A SCORM 2004 package holding 120 MiB of video (files of 40 and 80 MiB of incompressible
/// bytes, as video is; the larger past the 64 MiB an import reads of a file) carried into a
/// SCORM 2004 export and written, unpacked and zipped (the videos stored, as zip tools
/// store what does not compress): for each, the median time and the peak memory while it
/// ran — the process's high-water mark is reset first (Linux's `/proc/self/clear_refs`),
/// and its resident memory before is given beside it.
pub(crate) fn carry_rows(tmp: &Path) -> Result<Vec<Row>> {
    let manifest = r#"<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Videos</title>
    <item identifier="watch" identifierref="r"><title>Watch the safety briefing</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormType="sco" href="index.html">
    <file href="index.html"/><file href="media/a.mp4"/><file href="media/b.mp4"/>
  </resource></resources>
</manifest>"#;
    let folder = tmp.join("carried-package");
    std::fs::create_dir_all(folder.join("media"))?;
    let zipped = tmp.join("carried-package.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zipped)?);
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let mut x = 0x9E37_79B9_7F4A_7C15_u64; // xorshift64, fixed seed
    let mut add = |name: &str, bytes: &[u8]| -> Result<()> {
        std::fs::write(folder.join(name), bytes)?;
        zip.start_file(name, stored)?;
        std::io::Write::write_all(&mut zip, bytes)?;
        Ok(())
    };
    add("imsmanifest.xml", manifest.as_bytes())?;
    add("index.html", b"<p>Watch both parts.</p>")?;
    for (name, mib) in [("media/a.mp4", 40), ("media/b.mp4", 80)] {
        let mut bytes = Vec::with_capacity(mib << 20);
        while bytes.len() < mib << 20 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        add(name, &bytes)?;
    }
    zip.finish()?;
    let options = engine::ExportOptions {
        carry_items: true,
        ..Default::default()
    };
    let mut rows = Vec::new();
    // (the package, how it is, whether the export is written as one zip to upload)
    for (package, how, as_zip) in [
        (&folder, "unpacked", false),
        (&zipped, "zipped", false),
        (&zipped, "zipped", true),
    ] {
        let mut p = Project::create(
            &tmp.join(format!("carry-{how}-{as_zip}.pathforge")),
            Timestamp(0),
        )?;
        p.import_library(package, &Actor::System, Timestamp(1))?;
        let before = status_mib("VmRSS");
        let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        let mut n = 0;
        let row = measure(
            &match as_zip {
                false => format!("export SCORM 2004 carrying a 120 MiB package ({how}), written"),
                true => format!(
                    "export SCORM 2004 carrying a 120 MiB package ({how}), written as one zip"
                ),
            },
            3,
            || {
                n += 1;
                let export = p.export(lms::Target::Scorm2004, &options)?;
                let out = tmp.join(format!("carried-{how}-{as_zip}-{n}"));
                let out = match as_zip {
                    true => out.with_extension("zip"),
                    false => out,
                };
                p.write_export(&export, &out)?;
                let video = "items/carried-package/media/b.mp4";
                let size = match as_zip {
                    true => zip::ZipArchive::new(std::fs::File::open(&out)?)?
                        .by_name(video)?
                        .size(),
                    false => std::fs::metadata(out.join(video))?.len(),
                };
                ensure!(size == 80 << 20, "the 80 MiB video is carried whole");
                Ok(())
            },
        )?;
        let peak = status_mib("VmHWM");
        rows.push(Row {
            note: match (reset, before, peak) {
                (true, Some(before), Some(peak)) => {
                    format!("peak resident memory {peak} MiB while exporting ({before} MiB before)")
                }
                _ => "peak memory not measurable here (no /proc/self/clear_refs)".to_owned(),
            },
            ..row
        });
    }
    Ok(rows)
}

/// A `/proc/self/status` memory figure (`VmRSS`, `VmHWM`) in MiB.
fn status_mib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line[field.len() + 1..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024)
}
