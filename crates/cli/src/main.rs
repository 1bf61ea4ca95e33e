//! `pathforge`: the engine's operations from a terminal or a script.
//!
//! Human-readable output by default, `--json` for machines (errors too, as
//! `{"error": {"kind", "message"}}` on stderr). Exit status 0 on success, 1 when the
//! operation failed (one line naming the file and the reason), 2 on a usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use model::{Actor, Severity, Timestamp};

mod commands;
mod machine;
mod print;

use commands::*;
use machine::{config_dir, create, me, open, parse_columns};
use print::{modules_table, said, Output, Progress};

/// mimalloc instead of glibc's malloc: embedding allocates attention buffers of tens of
/// MB per batch, which glibc maps and unmaps each time (page faults dominated `sys`
/// time); mimalloc reuses them — 12.6 → 16.7 texts/s measured on the same 100 texts.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "pathforge",
    version,
    about = "Adaptive learning paths from your content libraries"
)]
struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new, empty project file (never overwrites).
    Init { file: PathBuf },
    /// Import a library (a folder of documents, packages and catalogs; a package; a
    /// catalog CSV) into a project, or bring it up to date.
    Import {
        file: PathBuf,
        path: PathBuf,
        /// For a catalog CSV whose columns are not recognised: FIELD=HEADER, where FIELD
        /// is id, title, description, duration or prerequisites. Saved in the project for
        /// later imports. Repeat for each field.
        #[arg(long = "column", value_name = "FIELD=HEADER")]
        columns: Vec<String>,
    },
    /// Write a consistent copy of a project (safe while it is open elsewhere). Without
    /// --out: NAME.YYYYMMDD-HHMMSS.pathforge-backup beside it. Never overwrites.
    Backup {
        file: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Put a project back as a backup has it; the project as it is now is kept first as
    /// NAME.before-restore-YYYYMMDD-HHMMSS.pathforge-backup.
    Restore { file: PathBuf, backup: PathBuf },
    /// List the modules of a project.
    Modules { file: PathBuf },
    /// List the project's libraries: where each was last imported from (and whether it is
    /// still there), when, and its modules.
    Libraries {
        file: PathBuf,
        /// Remove the library of this name (or id) from the project instead; logged. Its
        /// modules are retired, not deleted: importing it again brings them back with
        /// their tags, reviews and prerequisites.
        #[arg(long, value_name = "LIBRARY")]
        remove: Option<String>,
    },
    /// Show one module, with its text (by id, path in the library or exact title).
    Show { file: PathBuf, id: String },
    /// Show the project's audit log, each entry in words, oldest first.
    Log {
        file: PathBuf,
        /// Only the newest N entries.
        #[arg(long, value_name = "N")]
        last: Option<usize>,
        /// Only entries whose words, action (`tag.decided`, `graph.`…) or person contain
        /// TEXT (case ignored), as the Log tab's filter.
        #[arg(long, value_name = "TEXT")]
        r#match: Option<String>,
    },
    /// Who you are on this machine: your decisions in every project are logged under it.
    /// Without flags, shows it.
    Profile {
        #[arg(long)]
        name: Option<String>,
        /// designer, sme or admin.
        #[arg(long)]
        role: Option<String>,
    },
    /// The tamper-evident audit log: check its hash chain, export it.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The prerequisite graph: check it, list it, edit it.
    #[command(subcommand)]
    Graph(GraphCommand),
    /// Learning tracks: list them, show a track's path.
    #[command(subcommand)]
    Track(TrackCommand),
    /// The skill taxonomy.
    #[command(subcommand)]
    Taxonomy(TaxonomyCommand),
    /// Adaptive rules: list, check, dry-run on learner events.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Signed rule bundles: build, verify, diff.
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Watch the project's libraries and re-import each one when its files change.
    Watch { file: PathBuf },
    /// Export the curriculum and its rules into an LMS's own model, as a folder with a
    /// coverage.json saying how each rule was expressed or why it could not be.
    Export(ExportArgs),
    /// Auto-tag modules with skills from the taxonomy, keyphrases and a level, using the
    /// local sentence-embedding model; only modules changed since the last run are read.
    Tag {
        file: PathBuf,
        /// A sentence-transformers model folder (else: the project's choice,
        /// PATHFORGE_MODEL_DIR, the user data dir, the source checkout's assets/models).
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Review the model's suggestions: list them, accept or reject one or many.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Embed texts with a model: input a JSON array of strings, output a JSON array of
    /// {"text", "embedding"} in the same order (L2-normalised). A stable diagnostic.
    Embed {
        #[arg(long)]
        model: PathBuf,
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        output: PathBuf,
    },
    /// Simulate a learner cohort through the static path and through the project's rules,
    /// a signed rule bundle, or two bundle versions.
    Simulate(SimulateArgs),
    /// Fit BKT parameters per skill from learners' answers (a CSV of learner, skill,
    /// correct, order — pyBKT's user_id, skill_name, order_id work too — or xAPI
    /// statements). Learner ids are pseudonymised before anything is stored.
    Calibrate {
        file: PathBuf,
        /// The answer log to import first (optional when answers are already stored).
        #[arg(long)]
        events: Option<PathBuf>,
        /// Fit the forgetting rate too (otherwise 0).
        #[arg(long)]
        forgets: bool,
        /// Add the log's skills the project does not have to the taxonomy (logged).
        #[arg(long, conflicts_with = "skip_unknown")]
        add_skills: bool,
        /// Leave out answers on skills the project does not have (counted per skill).
        #[arg(long)]
        skip_unknown: bool,
        /// A CSV with columns `from` (a skill as the log names it) and `to` (the slug of
        /// the project's skill), applied first.
        #[arg(long, value_name = "CSV")]
        map: Option<PathBuf>,
        /// Read learners' statements from this LRS's xAPI endpoint instead of a file.
        #[arg(long, value_name = "URL", conflicts_with = "events")]
        lrs: Option<String>,
        /// With --lrs: only statements stored after this time (ISO 8601, e.g.
        /// 2026-11-01T00:00:00Z).
        #[arg(long, requires = "lrs")]
        since: Option<String>,
        #[command(flatten)]
        connection: Connection,
    },
    /// Push a signed bundle's curriculum, or an xAPI export's statements, into a learning
    /// record store: each statement once (its id is its content), so a second sync sends
    /// nothing and a new bundle version sends only what changed.
    Sync(SyncArgs),
    /// Bring another copy of the project into this one (OURS), three-way: the common
    /// ancestor is found from the two audit logs. Changes only one side made merge
    /// silently; collisions are listed side by side and nothing changes until --prefer or
    /// --resolve settles them. Everything a copy records merges — prerequisites and groups,
    /// dismissed suggestions, levels, rules, the cohort, reviews, skills, tracks,
    /// libraries, frameworks, calibrations, answers, review packs — except a restored
    /// backup, which is refused, naming it; so is a merge that would close a cycle.
    Merge(MergeArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // A script that asked for `--json` gets JSON even when the command line itself is
        // wrong (usage errors are bad input, exit status 2 as clap's); help and version
        // print as usual.
        Err(e) if e.use_stderr() && std::env::args().any(|a| a == "--json") => {
            let message = print::usage_error(&e);
            let body = serde_json::json!({ "error": { "kind": model::ErrorKind::BadInput, "message": message } });
            eprintln!("{body}");
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    match run(&cli.command, cli.json) {
        Ok(code) => code,
        Err(err) => {
            if cli.json {
                let kind = serde_json::to_value(error_kind(&err)).expect("kinds serialise");
                let message = err.to_string();
                let body = serde_json::json!({ "error": { "kind": kind, "message": message } });
                eprintln!("{body}");
            } else {
                // Our errors already say the file and the reason; the source chain would
                // only repeat it.
                eprintln!("pathforge: {err}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The kind of a failed command, for `--json`: the kind the engine's or a component
/// crate's error carries (commands call `bundle` and `lms` directly too), else what the
/// CLI itself refused (an argument it could not use) or the terminal (a write that failed).
fn error_kind(err: &anyhow::Error) -> model::ErrorKind {
    if let Some(e) = err.downcast_ref::<engine::Error>() {
        e.kind()
    } else if let Some(e) = err.downcast_ref::<bundle::Error>() {
        e.kind()
    } else if let Some(e) = err.downcast_ref::<lms::Error>() {
        e.kind()
    } else if let Some(e) = err.downcast_ref::<lrs::Error>() {
        e.kind()
    } else if err.downcast_ref::<std::io::Error>().is_some() {
        model::ErrorKind::Io
    } else {
        model::ErrorKind::BadInput
    }
}

/// Runs `command` and prints what it has to say: JSON under `--json`, else words.
fn run(command: &Command, json: bool) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if let Command::Watch { file } = command {
        return run_watch(file, json, &mut out);
    }
    outcome(command, json)?.print(&mut out, json)
}

/// What `command` has to say; `json` only silences progress bars.
fn outcome(command: &Command, json: bool) -> anyhow::Result<Output> {
    Ok(match command {
        Command::Profile { name, role } => {
            let dir = config_dir()?;
            let current = engine::load_profile(&dir)?;
            let profile = if name.is_none() && role.is_none() {
                current
            } else {
                let role = match role {
                    Some(r) => model::Role::parse(r).ok_or_else(|| {
                        anyhow::anyhow!("--role {r:?}: use designer, sme or admin")
                    })?,
                    None => current.as_ref().map_or(model::Role::Designer, |p| p.role),
                };
                let name = match (name, &current) {
                    (Some(n), _) => n.clone(),
                    (None, Some(p)) => p.name.clone(),
                    (None, None) => anyhow::bail!("a first profile needs --name"),
                };
                Some(engine::save_profile(&dir, &model::Profile { name, role })?)
            };
            Output::new(profile, |out, profile| {
                match profile {
                    Some(p) => writeln!(out, "You are {} on this machine; your decisions are logged under that name.", p.actor().label())?,
                    None => writeln!(out, "No profile yet: decisions are logged as {}. Set one with `pathforge profile --name NAME --role designer|sme|admin`.", Actor::local_user().label())?,
                }
                Ok(())
            })
        }
        Command::Init { file } => {
            let info = create(file, Timestamp::now())?.info()?;
            let file = file.clone();
            Output::new(info, move |out, info| {
                writeln!(out, "Created project {:?} at {}", info.name, file.display())?;
                Ok(())
            })
        }
        Command::Import {
            file,
            path,
            columns,
        } => {
            let mut project = open(file)?;
            if !columns.is_empty() {
                let mapping = parse_columns(path, columns)?;
                project.map_catalog_columns(path, &mapping, &me(), Timestamp::now())?;
            }
            let mut bar = Progress::new(json, "importing {bar:40} {pos}/{len} files {wide_msg}");
            let report = project.import_library_with(
                path,
                &me(),
                Timestamp::now(),
                &mut |file, (done, total)| {
                    bar.update(done, total, file);
                    true
                },
            );
            bar.finish();
            let report = report?;
            // The rest was imported; each skipped file is named on stderr, and the exit
            // status says so.
            let skipped: Vec<String> = report
                .skipped
                .iter()
                .map(|s| format!("skipped {}", s.reason))
                .collect();
            let file = file.clone();
            let mut output = Output::new(report, move |out, report| {
                writeln!(
                    out,
                    "Imported {} from {}: {} ({} added, {} updated, {} unchanged, {} retired), {}",
                    report.library.name,
                    report.library.source_path,
                    print::count(report.total as usize, "module"),
                    report.added,
                    report.updated,
                    report.unchanged,
                    report.removed,
                    print::count(report.prerequisites as usize, "declared prerequisite")
                )?;
                if let Some(was) = &report.moved_from {
                    writeln!(
                        out,
                        "  the same library as before, found here: it was imported from {was} (its modules keep their tags, reviews and prerequisites)"
                    )?;
                }
                for w in &report.warnings {
                    writeln!(out, "  warning: {}: {}", w.path, w.message)?;
                }
                let findings = project.check_graph()?;
                let errors = findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .count();
                if !findings.is_empty() {
                    writeln!(
                        out,
                        "The prerequisite graph has {} and {}: see `pathforge graph check {}`",
                        print::count(errors, "error"),
                        print::count(findings.len() - errors, "other finding"),
                        file.display()
                    )?;
                }
                Ok(())
            })
            .failing_if(!skipped.is_empty());
            for s in skipped {
                output = output.warn(s);
            }
            output
        }
        Command::Modules { file } => {
            let modules = open(file)?.modules()?;
            let file = file.clone();
            Output::new(modules, move |out, modules| {
                modules_table(out, &file, modules)
            })
        }
        Command::Libraries {
            file,
            remove: Some(library),
        } => {
            let mut project = open(file)?;
            let id = project.resolve_library(library)?.id;
            let removed = project.remove_library(&id, &me(), Timestamp::now())?;
            let file = file.clone();
            Output::new(removed, move |out, removed| {
                Ok(print::library_removed(out, &file, removed)?)
            })
        }
        Command::Libraries { file, remove: None } => {
            let libraries = open(file)?.library_summaries()?;
            let file = file.clone();
            Output::new(libraries, move |out, libraries| {
                Ok(print::libraries(out, &file, libraries)?)
            })
        }
        Command::Show { file, id } => {
            let project = open(file)?;
            let module = project.module(&project.resolve_module(id)?.id)?;
            let insight = project.module_insight(&module.id)?;
            let value = serde_json::json!({ "module": module, "insight": insight });
            Output::new(value, move |out, _| {
                let level = module.level.map(|l| l.as_str()).unwrap_or("no level");
                writeln!(
                    out,
                    "{}\n{} min · {level} · {} words · {}",
                    module.title, module.duration_minutes, module.word_count, module.source_path
                )?;
                if !module.tags.is_empty() {
                    writeln!(out, "skills: {}", module.tags.join(", "))?;
                }
                print::source_facts(out, &module.extra)?;
                print::insight(out, &module, &insight)?;
                writeln!(out, "\n{}", module.body.trim_end())?;
                Ok(())
            })
        }
        Command::Backup { file, out: dest } => {
            let project = open(file)?;
            let dest = dest
                .clone()
                .unwrap_or_else(|| engine::backup_path(file, "", Timestamp::now()));
            project.backup(&dest)?;
            let words = format!("Backed up {} to {}", file.display(), dest.display());
            said(serde_json::json!({ "backup": dest }), words)
        }
        Command::Restore { file, backup } => {
            let mut project = open(file)?;
            let kept = engine::backup_path(file, "before-restore-", Timestamp::now());
            project.restore(backup, &kept, &me(), Timestamp::now())?;
            let words = format!(
                "Restored {} from {}; it was kept as it was in {}",
                file.display(),
                backup.display(),
                kept.display()
            );
            said(
                serde_json::json!({ "restored": backup, "kept": kept }),
                words,
            )
        }
        Command::Log {
            file,
            last,
            r#match,
        } => {
            let mut lines = open(file)?.audit_lines()?;
            if let Some(text) = r#match {
                let text = text.to_lowercase();
                lines.retain(|l| {
                    [
                        l.summary.as_str(),
                        l.event.action.as_str(),
                        &l.event.actor.label(),
                    ]
                    .iter()
                    .any(|w| w.to_lowercase().contains(&text))
                });
            }
            if let Some(n) = last {
                lines.drain(..lines.len().saturating_sub(*n));
            }
            let filtered = r#match.is_some();
            Output::new(lines, move |out, lines| {
                if lines.is_empty() {
                    match filtered {
                        true => writeln!(out, "No entry matches.")?,
                        false => writeln!(out, "Nothing has been recorded yet.")?,
                    }
                }
                for model::AuditLine { event: e, summary } in lines {
                    let actor = e.actor.label();
                    let at = jiff::Timestamp::from_millisecond(e.at.0)
                        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
                        .unwrap_or_else(|_| e.at.0.to_string());
                    writeln!(
                        out,
                        "{:>5}  {at}  {actor}  {summary}  [{}]",
                        e.seq, e.action
                    )?;
                }
                Ok(())
            })
        }
        Command::Audit(audit) => run_audit(audit)?,
        Command::Review(review) => run_review(review)?,
        Command::Graph(graph) => run_graph(graph, json)?,
        Command::Track(track) => run_track(track)?,
        Command::Taxonomy(taxonomy) => run_taxonomy(taxonomy)?,
        Command::Rules(rules) => run_rules(rules)?,
        Command::Bundle(bundle) => run_bundle(bundle)?,
        Command::Watch { .. } => unreachable!("a stream, printed as it goes by run_watch"),
        Command::Tag { file, model } => run_tag(file, model.as_deref(), json)?,
        Command::Export(args) => run_export(args, json)?,
        Command::Embed {
            model,
            input,
            output,
        } => run_embed(model, input, output)?,
        Command::Calibrate {
            file,
            events,
            forgets,
            add_skills,
            skip_unknown,
            map,
            lrs,
            since,
            connection,
        } => {
            let mut project = open(file)?;
            let options = engine::AnswersOptions {
                mapping: match map {
                    Some(path) => engine::read_skill_mapping(path)?,
                    None => Default::default(),
                },
                unknown: match (add_skills, skip_unknown) {
                    (true, _) => engine::UnknownSkills::Add,
                    (_, true) => engine::UnknownSkills::Skip,
                    _ => engine::UnknownSkills::Refuse,
                },
            };
            let from_lrs = match lrs {
                Some(endpoint) => Some(read_lrs(endpoint, since.as_deref(), connection, json)?),
                None => None,
            };
            let imported = match (events, &from_lrs) {
                (_, Some((source, text))) => Some(project.import_answer_text(
                    source,
                    text,
                    &options,
                    &me(),
                    Timestamp::now(),
                )?),
                (Some(path), None) => Some(
                    project
                        .import_answers_with(path, &options, &me(), Timestamp::now())
                        .map_err(|e| match e {
                            // The engine names the skills; the command names its ways out.
                            engine::Error::UnknownSkills { .. } => {
                                let says = format!(
                                    "{e} (--add-skills adds them, --map CSV maps them, --skip-unknown leaves them out)"
                                );
                                anyhow::Error::new(e).context(says)
                            }
                            e => e.into(),
                        })?,
                ),
                (None, None) => None,
            };
            let fits = project.calibrate(*forgets, &me(), Timestamp::now())?;
            let value = serde_json::json!({ "imported": imported, "fits": fits });
            Output::new(value, move |out, _| {
                if let Some(i) = &imported {
                    writeln!(
                        out,
                        "Read {} answers of {} learners: {} new, {} already in the project (learner ids pseudonymised)",
                        i.answers,
                        i.learners,
                        i.added,
                        i.answers - i.added
                    )?;
                    if !i.skills_added.is_empty() {
                        writeln!(
                            out,
                            "Added {} skills the project did not have (logged): {}",
                            i.skills_added.len(),
                            i.skills_added.join(", ")
                        )?;
                    }
                    if !i.skipped.is_empty() {
                        let each: Vec<String> = i
                            .skipped
                            .iter()
                            .map(|(s, n)| format!("{s} ({n})"))
                            .collect();
                        writeln!(
                            out,
                            "Left out {} answers on {} skills the project does not have: {}",
                            i.skipped.values().sum::<usize>(),
                            i.skipped.len(),
                            each.join(", ")
                        )?;
                    }
                }
                writeln!(
                    out,
                    "{:<28} {:>6} {:>6} {:>6} {:>6} {:>6} {:>8} {:>8}",
                    "skill", "prior", "learn", "guess", "slip", "forget", "learners", "answers"
                )?;
                for f in &fits {
                    writeln!(
                        out,
                        "{:<28} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>8} {:>8}",
                        f.skill, f.prior, f.learn, f.guess, f.slip, f.forget, f.learners, f.answers
                    )?;
                }
                Ok(())
            })
        }
        Command::Simulate(args) => run_simulate(args, json)?,
        Command::Sync(args) => run_sync(args, json)?,
        Command::Merge(args) => run_merge(args)?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        // clap checks names, conflicts and defaults only when a command is parsed; this
        // checks every subcommand at once.
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
