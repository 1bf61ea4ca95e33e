//! `pathforge`: the engine's operations from a terminal or a script.
//!
//! Human-readable output by default, `--json` for machines (errors too, as
//! `{"error": {"kind", "message"}}` on stderr). Exit status 0 on success, 1 when the
//! operation failed (one line naming the file and the reason), 2 on a usage error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use engine::Project;
use model::{Actor, ModuleId, ModuleSummary, PrerequisiteGroup, Severity, Timestamp};

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

/// `pathforge export`'s arguments.
#[derive(clap::Args)]
struct ExportArgs {
    file: PathBuf,
    /// moodle, canvas, scorm2004, scorm12, cmi5, case, openedx, xapi or bundle.
    #[arg(long)]
    target: String,
    /// The folder to write (replaced atomically if it holds an earlier export).
    #[arg(long)]
    out: PathBuf,
    /// A CSV of `module,lms_id` (module: id, path or exact title) so the export
    /// references real LMS objects.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// The bundle's version (target bundle).
    #[arg(long, default_value = "1.0.0")]
    version: String,
    /// Simulated learners whose statements to write (target xapi).
    #[arg(long, default_value_t = 20)]
    learners: u64,
    /// The simulation's seed (target xapi).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A cohort file (target xapi; else the library's default cohort).
    #[arg(long)]
    cohort: Option<PathBuf>,
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
    /// Show one module, with its text (by id, path in the library or exact title).
    Show { file: PathBuf, id: String },
    /// Show the project's audit log.
    Log { file: PathBuf },
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
    },
}

#[derive(clap::Args)]
struct ReviewFilter {
    /// Only suggestions of this skill (slug).
    #[arg(long)]
    skill: Option<String>,
    /// Only suggestions with at least this confidence (0–1).
    #[arg(long)]
    min: Option<f64>,
}

#[derive(Subcommand)]
enum ReviewCommand {
    /// The review queue, best first (open suggestions unless --state says otherwise).
    List {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "suggested")]
        state: StateArg,
        #[command(flatten)]
        filter: ReviewFilter,
    },
    /// Accept one suggestion (MODULE SKILL) or every open one the filter matches.
    Accept(Decision),
    /// Reject one suggestion (MODULE SKILL) or every open one the filter matches.
    Reject(Decision),
    /// Write the open suggestions the filter matches as an offline review pack: one HTML
    /// file an SME opens in any browser, decides in, and saves a decisions file from.
    Pack {
        file: PathBuf,
        #[command(flatten)]
        filter: ReviewFilter,
        /// Where to write the pack (an .html file; never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Apply a decisions file saved from a review pack; conflicts are listed, not applied.
    Import { file: PathBuf, decisions: PathBuf },
    /// Acceptance by confidence band and by skill: the evidence for an auto-accept threshold.
    Calibration { file: PathBuf },
    /// Set MODULE's level (beginner, intermediate, advanced) over its file's and the level
    /// guess, kept on re-import; --clear gives it back to the file.
    Level {
        file: PathBuf,
        module: String,
        level: Option<String>,
        #[arg(long, conflicts_with = "level")]
        clear: bool,
        #[arg(long)]
        note: Option<String>,
    },
    /// Edit a suggestion: reject SKILL on MODULE in favour of --to OTHER, accepted instead.
    Edit {
        file: PathBuf,
        /// Module id, path in its library, or exact title.
        module: String,
        skill: String,
        #[arg(long)]
        to: String,
        /// Why, for the audit log.
        #[arg(long)]
        note: Option<String>,
    },
    /// Accept new suggestions at or above THRESHOLD (0.5–1) as they are made, or --off.
    AutoAccept {
        file: PathBuf,
        threshold: Option<f64>,
        #[arg(long, conflicts_with = "threshold")]
        off: bool,
    },
}

#[derive(clap::Args)]
struct Decision {
    file: PathBuf,
    /// Module id, path in its library, or exact title; with SKILL, decides that one tag.
    module: Option<String>,
    /// Skill slug of the one tag to decide.
    #[arg(value_name = "SKILL")]
    tag_skill: Option<String>,
    #[command(flatten)]
    filter: ReviewFilter,
    /// Why, for the audit log.
    #[arg(long)]
    note: Option<String>,
    /// Show what would be decided, change nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StateArg {
    Suggested,
    Accepted,
    Rejected,
    All,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits 1 and names the first broken entry if any was edited or removed.
    Verify { file: PathBuf },
    /// Write the log as CSV or JSON (each entry with its chain hash), to --out or stdout.
    Export {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "json")]
        format: AuditFormatArg,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum AuditFormatArg {
    Csv,
    Json,
}

#[derive(Debug, clap::Args)]
struct SimulateArgs {
    file: PathBuf,
    /// A cohort file (JSON or TOML); the project's cohort when omitted.
    #[arg(long)]
    cohort: Option<PathBuf>,
    /// A signed rule bundle to simulate instead of the project's rules, on the curriculum
    /// it carries; give it twice to compare two versions (and list what changed).
    #[arg(long)]
    bundle: Vec<PathBuf>,
    #[arg(long, default_value_t = 1000)]
    learners: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print simulated learner N's journey and rule decisions (the "why" trace) instead,
    /// under the last bundle given (else the project's rules).
    #[arg(long)]
    trace: Option<u64>,
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Build a signed bundle of the project's rules, taxonomy and graph into DIR.
    Build {
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Semantic version of this bundle.
        #[arg(long, default_value = "1.0.0")]
        version: String,
    },
    /// Check a bundle's hashes and signature (and, with --key, who signed it).
    Verify {
        bundle: PathBuf,
        /// The trusted public key (hex), as `pathforge bundle key` prints it.
        #[arg(long)]
        key: Option<String>,
    },
    /// What changed between two bundles: rules, thresholds, edges, modules, tracks, skills.
    Diff { a: PathBuf, b: PathBuf },
    /// Print this machine's public signing key (creating the key pair if needed).
    Key,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// The rule set (pathforge.rules/v1): declared rules plus unlock rules from the graph.
    List { file: PathBuf },
    /// Check the rules against the curriculum; exits 1 when there are errors.
    Check { file: PathBuf },
    /// Dry-run the rules on a stream of learner events (JSON lines: Pathforge events or
    /// xAPI statements) and print every decision with its explanation.
    Run {
        file: PathBuf,
        #[arg(long)]
        events: PathBuf,
    },
}

#[derive(Subcommand)]
enum TrackCommand {
    /// List the project's tracks.
    List { file: PathBuf },
    /// The modules TRACK needs, in order, with total and critical-path duration.
    Path { file: PathBuf, track: String },
}

#[derive(Subcommand)]
enum TaxonomyCommand {
    /// Show the skill tree with how many modules teach each skill.
    Show { file: PathBuf },
    /// Merge a skill framework file into the taxonomy (skills matched by code/slug).
    Import {
        file: PathBuf,
        path: PathBuf,
        #[arg(long, value_enum)]
        format: FormatArg,
    },
    /// Add a skill.
    Add {
        file: PathBuf,
        slug: String,
        name: String,
        /// The parent skill's slug; omit for a root.
        #[arg(long)]
        parent: Option<String>,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Rename a skill (its slug stays).
    Rename {
        file: PathBuf,
        slug: String,
        name: String,
    },
    /// Move a skill under another one, or to the root.
    Move {
        file: PathBuf,
        slug: String,
        #[arg(long, conflicts_with = "root", required_unless_present = "root")]
        parent: Option<String>,
        #[arg(long)]
        root: bool,
    },
    /// Merge skill FROM into INTO: tags, sub-skills and track targets follow.
    Merge {
        file: PathBuf,
        from: String,
        into: String,
        /// Only show what would move; change nothing.
        #[arg(long)]
        preview: bool,
    },
    /// Undo the merge recorded at audit entry SEQ (printed by `merge`).
    Unmerge { file: PathBuf, seq: i64 },
    /// Retire a skill (kept for history, out of checks), or bring it back with --undo.
    Retire {
        file: PathBuf,
        slug: String,
        #[arg(long)]
        undo: bool,
    },
    /// Make skill BEFORE a prerequisite of skill AFTER (slugs); cycles are refused.
    Require {
        file: PathBuf,
        before: String,
        after: String,
    },
    /// Remove the skill prerequisite BEFORE → AFTER.
    Unrequire {
        file: PathBuf,
        before: String,
        after: String,
    },
    /// Write the taxonomy to a file (atomically: never a partial file).
    Export {
        file: PathBuf,
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    /// CASE 1.1 CFPackage JSON (import also reads CASE 1.0).
    Case,
    /// id,parent_id,name,description
    Csv,
    /// Moodle's competency framework CSV (admin/tool/lpimportcsv)
    MoodleCsv,
}

impl From<FormatArg> for model::TaxonomyFormat {
    fn from(f: FormatArg) -> model::TaxonomyFormat {
        match f {
            FormatArg::Case => model::TaxonomyFormat::Case,
            FormatArg::Csv => model::TaxonomyFormat::Csv,
            FormatArg::MoodleCsv => model::TaxonomyFormat::MoodleCsv,
        }
    }
}

#[derive(Subcommand)]
enum GraphCommand {
    /// Lint the prerequisite graph; exits 1 when it has errors.
    Check { file: PathBuf },
    /// List the prerequisite edges.
    Edges { file: PathBuf },
    /// Module orders implied by skill prerequisites and not yet in the graph.
    Derived { file: PathBuf },
    /// Suggest prerequisite edges from the content, with confidence and evidence.
    Suggest {
        file: PathBuf,
        /// How many suggestions at most.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Make BEFORE a prerequisite of AFTER (modules by id, path or exact title).
    Link {
        file: PathBuf,
        before: String,
        after: String,
        /// How AFTER's prerequisites combine.
        #[arg(long, value_enum)]
        group: Option<GroupArg>,
        /// With `--group n-of`: how many are needed.
        #[arg(long, required_if_eq("group", "n-of"))]
        n: Option<u32>,
    },
    /// Remove the prerequisite BEFORE → AFTER.
    Unlink {
        file: PathBuf,
        before: String,
        after: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
#[allow(clippy::enum_variant_names)] // the names are the CLI values: all-of, any-of, n-of
enum GroupArg {
    AllOf,
    AnyOf,
    NOf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli.command, cli.json) {
        Ok(code) => code,
        Err(err) => {
            if cli.json {
                let (kind, message) = match err.downcast_ref::<engine::Error>() {
                    Some(e) => (
                        serde_json::to_value(e.kind()).unwrap_or_default(),
                        e.to_string(),
                    ),
                    None => (serde_json::Value::Null, err.to_string()),
                };
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

fn run(command: &Command, json: bool) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match command {
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
            if json {
                print_json(&mut out, &profile)?;
            } else {
                match profile {
                    Some(p) => writeln!(out, "You are {} on this machine; your decisions are logged under that name.", p.actor().label())?,
                    None => writeln!(out, "No profile yet: decisions are logged as {}. Set one with `pathforge profile --name NAME --role designer|sme|admin`.", Actor::local_user().label())?,
                }
            }
        }
        Command::Init { file } => {
            let project = Project::create(file, Timestamp::now())?;
            let info = project.info()?;
            if json {
                print_json(&mut out, &info)?;
            } else {
                writeln!(out, "Created project {:?} at {}", info.name, file.display())?;
            }
        }
        Command::Import {
            file,
            path,
            columns,
        } => {
            let mut project = Project::open(file)?;
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
            if json {
                print_json(&mut out, &report)?;
            } else {
                writeln!(
                    out,
                    "Imported {} from {}: {} modules ({} added, {} updated, {} unchanged, {} retired), {} declared prerequisites",
                    report.library.name,
                    report.library.source_path,
                    report.total,
                    report.added,
                    report.updated,
                    report.unchanged,
                    report.removed,
                    report.prerequisites
                )?;
                let findings = project.check_graph()?;
                let errors = findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .count();
                if !findings.is_empty() {
                    writeln!(
                        out,
                        "The prerequisite graph has {errors} errors and {} other findings: see `pathforge graph check {}`",
                        findings.len() - errors,
                        file.display()
                    )?;
                }
            }
            // The rest was imported; each skipped file is named on stderr, and the exit status says so.
            if !report.skipped.is_empty() {
                for s in &report.skipped {
                    eprintln!("pathforge: skipped {}", s.reason);
                }
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Modules { file } => {
            let modules = Project::open(file)?.modules()?;
            if json {
                print_json(&mut out, &modules)?;
            } else {
                print_modules(&mut out, file, &modules)?;
            }
        }
        Command::Show { file, id } => {
            let project = Project::open(file)?;
            let module = project.module(&project.resolve_module(id)?.id)?;
            let insight = project.module_insight(&module.id)?;
            if json {
                print_json(
                    &mut out,
                    &serde_json::json!({ "module": module, "insight": insight }),
                )?;
            } else {
                let level = module.level.map(|l| l.as_str()).unwrap_or("no level");
                writeln!(
                    out,
                    "{}\n{} min · {level} · {} words · {}",
                    module.title, module.duration_minutes, module.word_count, module.source_path
                )?;
                if !module.tags.is_empty() {
                    writeln!(out, "skills: {}", module.tags.join(", "))?;
                }
                print_insight(&mut out, &module, &insight)?;
                writeln!(out, "\n{}", module.body.trim_end())?;
            }
        }
        Command::Backup { file, out: dest } => {
            let project = Project::open(file)?;
            let dest = dest
                .clone()
                .unwrap_or_else(|| engine::backup_path(file, "", Timestamp::now()));
            project.backup(&dest)?;
            if json {
                print_json(&mut out, &serde_json::json!({ "backup": dest }))?;
            } else {
                writeln!(out, "Backed up {} to {}", file.display(), dest.display())?;
            }
        }
        Command::Restore { file, backup } => {
            let mut project = Project::open(file)?;
            let kept = engine::backup_path(file, "before-restore-", Timestamp::now());
            project.restore(backup, &kept, &me(), Timestamp::now())?;
            if json {
                print_json(
                    &mut out,
                    &serde_json::json!({ "restored": backup, "kept": kept }),
                )?;
            } else {
                writeln!(
                    out,
                    "Restored {} from {}; it was kept as it was in {}",
                    file.display(),
                    backup.display(),
                    kept.display()
                )?;
            }
        }
        Command::Log { file } => {
            let events = Project::open(file)?.audit_log()?;
            if json {
                print_json(&mut out, &events)?;
            } else {
                for e in &events {
                    let actor = e.actor.label();
                    let at = jiff::Timestamp::from_millisecond(e.at.0)
                        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
                        .unwrap_or_else(|_| e.at.0.to_string());
                    writeln!(
                        out,
                        "{:>5}  {at}  {:<18} {actor}  {}",
                        e.seq, e.action, e.object
                    )?;
                }
            }
        }
        Command::Audit(audit) => return run_audit(audit, json, &mut out),
        Command::Review(review) => run_review(review, json, &mut out)?,
        Command::Graph(graph) => return run_graph(graph, json, &mut out),
        Command::Track(track) => run_track(track, json, &mut out)?,
        Command::Taxonomy(taxonomy) => run_taxonomy(taxonomy, json, &mut out)?,
        Command::Rules(rules) => return run_rules(rules, json, &mut out),
        Command::Bundle(bundle) => run_bundle(bundle, json, &mut out)?,
        Command::Watch { file } => return run_watch(file, json, &mut out),
        Command::Tag { file, model } => run_tag(file, model.as_deref(), json, &mut out)?,
        Command::Export(args) => run_export(args, json, &mut out)?,
        Command::Embed {
            model,
            input,
            output,
        } => run_embed(model, input, output, json, &mut out)?,
        Command::Calibrate {
            file,
            events,
            forgets,
        } => {
            let mut project = Project::open(file)?;
            let imported = match events {
                Some(path) => Some(project.import_answers(path, &me(), Timestamp::now())?),
                None => None,
            };
            let fits = project.calibrate(*forgets, &me(), Timestamp::now())?;
            if json {
                print_json(&mut out, &fits)?;
            } else {
                if let Some(i) = imported {
                    writeln!(
                        out,
                        "Imported {} answers of {} learners ({} new; learner ids pseudonymised)",
                        i.answers, i.learners, i.added
                    )?;
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
            }
        }
        Command::Simulate(args) => run_simulate(args, json, &mut out)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn run_graph(command: &GraphCommand, json: bool, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    match command {
        GraphCommand::Check { file } => {
            let findings = Project::open(file)?.check_graph()?;
            return report_findings(out, file, &findings, json);
        }
        GraphCommand::Suggest { file, limit } => {
            let suggestions = Project::open(file)?.suggest_prerequisites(*limit)?;
            if json {
                print_json(out, &suggestions)?;
            } else {
                for s in &suggestions {
                    writeln!(
                        out,
                        "{:.2}  “{}” → “{}”",
                        s.confidence, s.before_title, s.after_title
                    )?;
                    writeln!(out, "      {}", s.evidence.join("; "))?;
                }
                writeln!(
                    out,
                    "{} suggestions; add one with `pathforge graph link`",
                    suggestions.len()
                )?;
            }
        }
        GraphCommand::Derived { file } => {
            let project = Project::open(file)?;
            let derived = project.derived_edges()?;
            if json {
                print_json(out, &derived)?;
            } else {
                for d in &derived {
                    writeln!(out, "{}", d.because)?;
                }
                writeln!(
                    out,
                    "{} derived orders; add one with `pathforge graph link`",
                    derived.len()
                )?;
            }
        }
        GraphCommand::Edges { file } => {
            let project = Project::open(file)?;
            let edges = project.prerequisites()?;
            if json {
                print_json(out, &edges)?;
            } else {
                let titles: std::collections::HashMap<_, _> = project
                    .modules()?
                    .into_iter()
                    .map(|m| (m.id, m.title))
                    .collect();
                for e in &edges {
                    writeln!(
                        out,
                        "{} → {}  ({}, {:?})",
                        titles[&e.before],
                        titles[&e.after],
                        e.group.name(),
                        e.origin
                    )?;
                }
                writeln!(out, "{} prerequisites", edges.len())?;
            }
        }
        GraphCommand::Link {
            file,
            before,
            after,
            group,
            n,
        } => {
            let mut project = Project::open(file)?;
            let (b, a) = (
                project.resolve_module(before)?,
                project.resolve_module(after)?,
            );
            let group = group.map(|g| match g {
                GroupArg::AllOf => PrerequisiteGroup::AllOf,
                GroupArg::AnyOf => PrerequisiteGroup::AnyOf,
                GroupArg::NOf => PrerequisiteGroup::NOf { n: n.unwrap_or(1) },
            });
            let added = project.add_prerequisite(&b.id, &a.id, group, &me(), Timestamp::now())?;
            if json {
                print_json(out, &serde_json::json!({ "added": added }))?;
            } else if added {
                writeln!(out, "“{}” is now a prerequisite of “{}”", b.title, a.title)?;
            } else {
                writeln!(
                    out,
                    "“{}” was already a prerequisite of “{}”",
                    b.title, a.title
                )?;
            }
        }
        GraphCommand::Unlink {
            file,
            before,
            after,
        } => {
            let mut project = Project::open(file)?;
            let (b, a) = (
                project.resolve_module(before)?,
                project.resolve_module(after)?,
            );
            project.remove_prerequisite(&b.id, &a.id, &me(), Timestamp::now())?;
            if json {
                print_json(out, &serde_json::json!({ "removed": true }))?;
            } else {
                writeln!(
                    out,
                    "“{}” is no longer a prerequisite of “{}”",
                    b.title, a.title
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_track(command: &TrackCommand, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    match command {
        TrackCommand::List { file } => {
            let tracks = Project::open(file)?.tracks()?;
            if json {
                return print_json(out, &tracks);
            }
            if tracks.is_empty() {
                writeln!(out, "{} has no tracks yet.", file.display())?;
            }
            for t in &tracks {
                writeln!(out, "{:<28} {}", t.slug, t.name)?;
            }
        }
        TrackCommand::Path { file, track } => {
            let project = Project::open(file)?;
            let path = project.track_path(&project.resolve_track(track)?)?;
            if json {
                return print_json(out, &path);
            }
            writeln!(out, "{}\n", path.track.name)?;
            for (i, step) in path.steps.iter().enumerate() {
                let m = &step.module;
                let mark = if path.critical_path.contains(&m.id) {
                    "*"
                } else {
                    " "
                };
                writeln!(
                    out,
                    "{:>3}.{mark} {:<60} {:>4} min  {}",
                    i + 1,
                    m.title,
                    m.duration_minutes,
                    step.reason
                )?;
            }
            let hm = |m: u32| format!("{}h {:02}m", m / 60, m % 60);
            writeln!(
                out,
                "\n{} modules, {} in total; critical path (*) {}",
                path.steps.len(),
                hm(path.total_minutes),
                hm(path.critical_path_minutes)
            )?;
            if !path.untaught_targets.is_empty() {
                writeln!(
                    out,
                    "No module teaches: {}",
                    path.untaught_targets.join(", ")
                )?;
            }
        }
    }
    Ok(())
}

fn run_taxonomy(command: &TaxonomyCommand, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    match command {
        TaxonomyCommand::Show { file } => {
            let project = Project::open(file)?;
            let skills = project.skills()?;
            if json {
                return print_json(out, &skills);
            }
            let modules = project.modules()?;
            let teaching = |slug: &str| {
                modules
                    .iter()
                    .filter(|m| m.tags.iter().any(|t| t == slug))
                    .count()
            };
            fn walk(
                out: &mut impl Write,
                skills: &[model::Skill],
                parent: Option<&model::SkillId>,
                depth: usize,
                teaching: &dyn Fn(&str) -> usize,
            ) -> std::io::Result<()> {
                for s in skills.iter().filter(|s| s.parent_id.as_ref() == parent) {
                    let n = teaching(&s.slug);
                    let count = match n {
                        0 => String::new(),
                        1 => "  (1 module)".to_owned(),
                        n => format!("  ({n} modules)"),
                    };
                    writeln!(out, "{}{} [{}]{count}", "  ".repeat(depth), s.name, s.slug)?;
                    walk(out, skills, Some(&s.id), depth + 1, teaching)?;
                }
                Ok(())
            }
            walk(out, &skills, None, 0, &teaching)?;
            let scale = project.proficiency_scale()?;
            if !scale.is_empty() {
                writeln!(out, "\nProficiency scale: {}", scale.join(" < "))?;
            }
        }
        TaxonomyCommand::Add {
            file,
            slug,
            name,
            parent,
            description,
        } => {
            let skill = Project::open(file)?.add_skill(
                slug,
                name,
                parent.as_deref(),
                description,
                &me(),
                Timestamp::now(),
            )?;
            if json {
                return print_json(out, &skill);
            }
            writeln!(out, "Added “{}” [{}]", skill.name, skill.slug)?;
        }
        TaxonomyCommand::Rename { file, slug, name } => {
            let edit = engine::SkillEdit {
                name: Some(name.clone()),
                ..Default::default()
            };
            let skill = Project::open(file)?.edit_skill(slug, edit, &me(), Timestamp::now())?;
            if json {
                return print_json(out, &skill);
            }
            writeln!(out, "Renamed [{}] to “{}”", skill.slug, skill.name)?;
        }
        TaxonomyCommand::Move {
            file,
            slug,
            parent,
            root: _,
        } => {
            let edit = engine::SkillEdit {
                parent: Some(parent.clone()),
                ..Default::default()
            };
            let skill = Project::open(file)?.edit_skill(slug, edit, &me(), Timestamp::now())?;
            if json {
                return print_json(out, &skill);
            }
            writeln!(
                out,
                "Moved “{}” {}",
                skill.name,
                parent
                    .as_deref()
                    .map(|p| format!("under [{p}]"))
                    .unwrap_or_else(|| "to the root".to_owned())
            )?;
        }
        TaxonomyCommand::Merge {
            file,
            from,
            into,
            preview: true,
        } => {
            let p = Project::open(file)?.merge_preview(from, into)?;
            if json {
                return print_json(out, &p);
            }
            writeln!(
                out,
                "Merging “{}” into “{}” would move {} module tags ({} already on “{}” are dropped), {} sub-skills ({}), {} skill prerequisites and the targets of {} tracks ({})",
                p.from.name,
                p.into.name,
                p.modules.len(),
                p.duplicates,
                p.into.name,
                p.children.len(),
                p.children.join(", "),
                p.prerequisites,
                p.tracks.len(),
                p.tracks.join(", ")
            )?;
        }
        TaxonomyCommand::Merge {
            file, from, into, ..
        } => {
            let m = Project::open(file)?.merge_skill(from, into, &me(), Timestamp::now())?;
            if json {
                return print_json(out, &m);
            }
            writeln!(
                out,
                "Merged [{from}] into [{into}]: {} tags, {} sub-skills and {} tracks moved (undo: pathforge taxonomy unmerge {} {})",
                m.tags,
                m.children,
                m.tracks,
                file.display(),
                m.audit
            )?;
        }
        TaxonomyCommand::Unmerge { file, seq } => {
            let skill = Project::open(file)?.unmerge_skill(*seq, &me(), Timestamp::now())?;
            if json {
                return print_json(out, &skill);
            }
            writeln!(out, "Restored [{}] {}", skill.slug, skill.name)?;
        }
        TaxonomyCommand::Retire { file, slug, undo } => {
            let edit = engine::SkillEdit {
                retired: Some(!undo),
                ..Default::default()
            };
            let skill = Project::open(file)?.edit_skill(slug, edit, &me(), Timestamp::now())?;
            if json {
                return print_json(out, &skill);
            }
            writeln!(
                out,
                "“{}” is {}",
                skill.name,
                if skill.retired {
                    "retired"
                } else {
                    "active again"
                }
            )?;
        }
        TaxonomyCommand::Require {
            file,
            before,
            after,
        } => {
            let added = Project::open(file)?.add_skill_prerequisite(
                before,
                after,
                &me(),
                Timestamp::now(),
            )?;
            if json {
                return print_json(out, &serde_json::json!({ "added": added }));
            }
            writeln!(
                out,
                "[{before}] is {}a prerequisite of [{after}]",
                if added { "now " } else { "already " }
            )?;
        }
        TaxonomyCommand::Unrequire {
            file,
            before,
            after,
        } => {
            Project::open(file)?.remove_skill_prerequisite(
                before,
                after,
                &me(),
                Timestamp::now(),
            )?;
            if json {
                return print_json(out, &serde_json::json!({ "removed": true }));
            }
            writeln!(out, "[{before}] is no longer a prerequisite of [{after}]")?;
        }
        TaxonomyCommand::Import { file, path, format } => {
            let mut project = Project::open(file)?;
            let report =
                project.import_taxonomy(path, (*format).into(), &me(), Timestamp::now())?;
            if json {
                return print_json(out, &report);
            }
            writeln!(
                out,
                "Imported {}: {} skills added, {} updated",
                path.display(),
                report.added,
                report.updated
            )?;
        }
        TaxonomyCommand::Export {
            file,
            format,
            out: target,
        } => {
            let text = Project::open(file)?.export_taxonomy((*format).into(), Timestamp::now())?;
            engine::write_atomically(target, text.as_bytes())?;
            if json {
                return print_json(
                    out,
                    &serde_json::json!({ "written": target.display().to_string() }),
                );
            }
            writeln!(out, "Wrote {}", target.display())?;
        }
    }
    Ok(())
}

fn run_rules(command: &RulesCommand, json: bool, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::List { file } => {
            let set = Project::open(file)?.rules()?;
            if json {
                print_json(out, &set)?;
            } else {
                for r in &set.rules {
                    let origin = if r.origin == rules::Origin::Graph {
                        " (from the graph)"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "{:<40} {:<24} {}{origin}",
                        r.id,
                        r.body.kind(),
                        r.explanation
                    )?;
                }
                writeln!(out, "{} rules", set.rules.len())?;
            }
        }
        RulesCommand::Check { file } => {
            let findings = Project::open(file)?.check_rules()?;
            return report_findings(out, file, &findings, json);
        }
        RulesCommand::Run { file, events } => {
            let text = std::fs::read_to_string(events)
                .map_err(|e| anyhow::anyhow!("{}: {e}", events.display()))?;
            let stream = rules::read_event_log(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", events.display()))?;
            let decisions = Project::open(file)?.run_rules(&stream)?;
            if json {
                print_json(out, &decisions)?;
            } else {
                for d in &decisions {
                    let kind = serde_json::to_value(d.kind)?;
                    writeln!(
                        out,
                        "day {:>3}  {:<12} {:<9} {:<52} [{}] {}",
                        d.day,
                        d.learner,
                        kind.as_str().unwrap_or("?"),
                        d.target,
                        d.rule,
                        d.explanation
                    )?;
                }
                writeln!(
                    out,
                    "{} decisions from {} events",
                    decisions.len(),
                    stream.len()
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The user's config folder: $PATHFORGE_CONFIG_DIR, else $XDG_CONFIG_HOME/pathforge, else
/// ~/.config/pathforge.
fn config_dir() -> anyhow::Result<PathBuf> {
    std::env::var_os("PATHFORGE_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CONFIG_HOME").map(|d| PathBuf::from(d).join("pathforge")))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/pathforge")))
        .ok_or_else(|| anyhow::anyhow!("no config folder: set PATHFORGE_CONFIG_DIR or HOME"))
}

/// Who this command's decisions are recorded as: the profile in the config folder, else
/// the logged-in user. A damaged profile is reported and the logged-in user used.
fn me() -> Actor {
    match config_dir().map(|dir| engine::load_profile(&dir)) {
        Ok(Ok(Some(profile))) => profile.actor(),
        Ok(Err(e)) => {
            eprintln!("pathforge: {e}");
            Actor::local_user()
        }
        _ => Actor::local_user(),
    }
}

/// The signing key in the user's config folder (see [`config_dir`]), created on first use.
fn signing_key() -> anyhow::Result<bundle::SigningKey> {
    let dir = config_dir()?;
    let path = dir.join("signing-key");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            Ok(bundle::key_from_text(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
            let key = bundle::generate_key()?;
            engine::write_atomically(&path, bundle::key_to_text(&key).as_bytes())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
            eprintln!("pathforge: created a signing key at {}", path.display());
            Ok(key)
        }
        Err(e) => Err(anyhow::anyhow!("{}: {e}", path.display())),
    }
}

fn run_bundle(command: &BundleCommand, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()));
    match command {
        BundleCommand::Build {
            file,
            out: dir,
            version,
        } => {
            let mut project = Project::open(file)?;
            let (id, files) = project.bundle_files()?;
            let key = signing_key()?;
            let author = match me() {
                Actor::Person { name, .. } => name,
                _ => "pathforge".to_owned(),
            };
            let bytes = bundle::build(&id, version, &author, &files, &key, Timestamp::now().0)?;
            std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
            let name = project.info()?.name;
            let target = dir.join(format!("{name}-{version}.pathforge-bundle.zip"));
            engine::write_atomically(&target, &bytes)?;
            project.record_bundle(version, &target, &me(), Timestamp::now())?;
            if json {
                return print_json(
                    out,
                    &serde_json::json!({ "bundle": target.display().to_string(), "public_key": bundle::public_key_text(&key) }),
                );
            }
            writeln!(
                out,
                "Wrote {} (signed by {})",
                target.display(),
                bundle::public_key_text(&key)
            )?;
        }
        BundleCommand::Verify { bundle: path, key } => {
            let (manifest, signer) = bundle::verify(&read(path)?, key.as_deref())
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            if json {
                return print_json(
                    out,
                    &serde_json::json!({ "manifest": manifest, "signed_by": signer }),
                );
            }
            writeln!(
                out,
                "{}: valid bundle {} version {}, {} files, signed by {signer}",
                path.display(),
                manifest.bundle_id,
                manifest.version,
                manifest.files.len()
            )?;
        }
        BundleCommand::Diff { a, b } => {
            let files_a =
                bundle::read(&read(a)?).map_err(|e| anyhow::anyhow!("{}: {e}", a.display()))?;
            let files_b =
                bundle::read(&read(b)?).map_err(|e| anyhow::anyhow!("{}: {e}", b.display()))?;
            let changes = bundle::diff(&files_a, &files_b)?;
            if json {
                return print_json(out, &changes);
            }
            for c in &changes {
                writeln!(
                    out,
                    "{:<7} {:<8} {:<48} {}",
                    c.area, c.change, c.subject, c.explanation
                )?;
            }
            writeln!(out, "{} changes", changes.len())?;
        }
        BundleCommand::Key => {
            let key = signing_key()?;
            if json {
                return print_json(
                    out,
                    &serde_json::json!({ "public_key": bundle::public_key_text(&key) }),
                );
            }
            writeln!(out, "{}", bundle::public_key_text(&key))?;
        }
    }
    Ok(())
}

/// Prints linter or checker findings; exit status 1 when any is an error.
fn report_findings(
    out: &mut impl Write,
    file: &Path,
    findings: &[model::Finding],
    json: bool,
) -> anyhow::Result<ExitCode> {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if json {
        print_json(out, &findings)?;
    } else {
        for f in findings {
            let severity = serde_json::to_value(f.severity)?;
            let code = serde_json::to_value(f.code)?;
            writeln!(
                out,
                "{}[{}]: {}",
                severity.as_str().unwrap_or("?"),
                code.as_str().unwrap_or("?"),
                f.message
            )?;
            writeln!(out, "  fix: {}", f.fix)?;
        }
        writeln!(
            out,
            "{}: {errors} errors, {} warnings and notes",
            file.display(),
            findings.len() - errors
        )?;
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn run_watch(file: &Path, json: bool, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let mut project = Project::open(file)?;
    let libraries = project.libraries()?;
    if libraries.is_empty() {
        anyhow::bail!(
            "{}: no libraries to watch; import one first",
            file.display()
        );
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let paths: Vec<PathBuf> = libraries
        .iter()
        .map(|l| PathBuf::from(&l.source_path))
        .collect();
    let (_watch, refused) = watch::watch(&paths, move |changed| drop(tx.send(changed)))?;
    if let Some((path, e)) = refused.into_iter().next() {
        anyhow::bail!("{}: cannot watch: {e}", path.display());
    }
    writeln!(
        out,
        "Watching {} libraries of {}; Ctrl-C to stop",
        libraries.len(),
        file.display()
    )?;
    out.flush()?;
    for paths in rx {
        for (_, report) in project.reimport_changed(&paths, &me(), Timestamp::now())? {
            match report {
                Ok(report) if json => writeln!(out, "{}", serde_json::to_string(&report)?)?,
                Ok(r) => writeln!(
                    out,
                    "Re-imported {}: {} added, {} updated, {} retired, {} skipped",
                    r.library.name,
                    r.added,
                    r.updated,
                    r.removed,
                    r.skipped.len()
                )?,
                Err(e) => eprintln!("pathforge: {e}"),
            }
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A cohort file, JSON or TOML.
fn read_cohort(path: &Path) -> anyhow::Result<simulate::Cohort> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let cohort: simulate::Cohort = if path.extension().is_some_and(|e| e == "toml") {
        toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: not a cohort: {}", path.display(), e.message()))?
    } else {
        serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: not a cohort: {e}", path.display()))?
    };
    cohort
        .check()
        .map_err(|reason| anyhow::anyhow!("{}: {reason}", path.display()))?;
    Ok(cohort)
}

fn run_simulate(args: &SimulateArgs, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let cohort = args.cohort.as_deref().map(read_cohort).transpose()?;
    let project = Project::open(&args.file)?;
    let request = engine::SimulationRequest {
        cohort,
        learners: args.learners,
        seed: args.seed,
        bundles: args.bundle.clone(),
    };
    if let Some(n) = args.trace {
        let journey = project.simulation_journey(&request, true, n)?;
        if json {
            return print_json(out, &journey);
        }
        writeln!(
            out,
            "{} ({}), seed {}",
            journey.learner, journey.segment, args.seed
        )?;
        for step in &journey.steps {
            writeln!(out, "day {:>5.1}  {}", step.day, step.what)?;
            for d in &step.decisions {
                let kind = serde_json::to_value(d.kind)?;
                writeln!(
                    out,
                    "           → {:<9} {:<44} [{}] {}",
                    kind.as_str().unwrap_or("?"),
                    d.target,
                    d.rule,
                    d.explanation
                )?;
            }
        }
        return Ok(());
    }
    let mut bar = Progress::new(json, "simulating {bar:40} {pos}/{len} learners, {eta} left");
    let sim = project.run_simulation(&request, &mut |p| {
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        bar.update(clamp(p.done), clamp(p.total), "");
        true
    });
    bar.finish();
    let sim = sim?;
    if json {
        return print_json(out, &sim);
    }
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    let days = |r: &simulate::Report| {
        r.time_to_competency
            .as_ref()
            .map(|p| format!("{:.0} / {:.0} / {:.0}", p.p10, p.p50, p.p90))
            .unwrap_or_else(|| "-".to_owned())
    };
    writeln!(out, "{} learners, seed {}\n", sim.learners, sim.seed)?;
    let row = |out: &mut dyn Write, what: &str, cell: &dyn Fn(&simulate::Report) -> String| {
        write!(out, "{what:<36}")?;
        for run in &sim.runs {
            write!(out, " {:>22}", cell(&run.report))?;
        }
        writeln!(out)
    };
    write!(out, "{:<36}", "")?;
    for run in &sim.runs {
        let label: String = run.label.chars().take(22).collect();
        write!(out, " {label:>22}")?;
    }
    writeln!(out)?;
    row(out, "completion", &|r| pct(r.completion_rate))?;
    row(out, "days to competency (p10/p50/p90)", &days)?;
    row(out, "first-attempt pass rate", &|r| {
        r.first_attempt_pass_rate
            .map_or_else(|| "-".to_owned(), pct)
    })?;
    row(out, "placed / remediated", &|r| {
        format!("{} / {}", pct(r.placement_rate), pct(r.remediation_rate))
    })?;
    row(out, "hours saved by placement", &|r| {
        format!("{:.0} h", r.hours_saved_by_placement)
    })?;
    for run in &sim.runs[1..] {
        writeln!(
            out,
            "\nBottlenecks under {}: {}",
            run.label,
            run.report.bottlenecks.join("; ")
        )?;
        writeln!(out, "Segments under {}:", run.label)?;
        for s in &run.report.segments {
            let flag = if s.flags.is_empty() {
                String::new()
            } else {
                format!("  ⚑ FAIRNESS: {} differs from the rest", s.flags.join(", "))
            };
            writeln!(
                out,
                "  {:<28} {:>6} learners  completion {:>6}  placed {:>6}  remediated {:>6}{flag}",
                s.name,
                s.learners,
                pct(s.completion_rate),
                pct(s.placement_rate),
                pct(s.remediation_rate)
            )?;
        }
    }
    if let [_, a, b] = &sim.runs[..] {
        let (a, b) = (&a.report, &b.report);
        let points = |x: f64, y: f64| format!("{:+.1} pts", (y - x) * 100.0);
        let p50 = |r: &simulate::Report| r.time_to_competency.as_ref().map(|t| t.p50);
        writeln!(
            out,
            "\nThe second version against the first: completion {}, median days to competency {}, placed {}, remediated {}, hours saved by placement {:+.0}",
            points(a.completion_rate, b.completion_rate),
            match (p50(a), p50(b)) {
                (Some(x), Some(y)) => format!("{:+.1}", y - x),
                _ => "-".to_owned(),
            },
            points(a.placement_rate, b.placement_rate),
            points(a.remediation_rate, b.remediation_rate),
            b.hours_saved_by_placement - a.hours_saved_by_placement
        )?;
    }
    if !sim.changes.is_empty() {
        writeln!(
            out,
            "\nWhat changed from {} to {}:",
            sim.runs[1].label, sim.runs[2].label
        )?;
        for c in &sim.changes {
            writeln!(
                out,
                "  {:<7} {:<8} {:<40} {}",
                c.area, c.change, c.subject, c.explanation
            )?;
        }
    }
    Ok(())
}

fn run_export(args: &ExportArgs, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let target: lms::Target = args.target.parse()?;
    let dir = args.out.as_path();
    let mut project = Project::open(&args.file)?;
    let export = match target {
        lms::Target::Bundle => {
            let author = match me() {
                Actor::Person { name, .. } => name,
                _ => "pathforge".to_owned(),
            };
            project.export_bundle(&signing_key()?, &args.version, &author)?
        }
        lms::Target::Xapi => {
            let cohort = args.cohort.as_deref().map(read_cohort).transpose()?;
            project.export_xapi(cohort, args.learners, args.seed)?
        }
        _ => {
            let pairs = match &args.mapping {
                Some(path) => engine::read_mapping(path)?,
                None => Vec::new(),
            };
            project.export_course(target, &pairs)?
        }
    };
    let diff = project.write_export(&export, dir)?;
    project.record_export(&export, dir, &me(), Timestamp::now())?;
    if json {
        return print_json(
            out,
            &serde_json::json!({ "folder": dir.display().to_string(), "coverage": export.coverage, "diff": diff }),
        );
    }
    writeln!(
        out,
        "Wrote {} ({} files) for {}",
        dir.display(),
        export.files.len(),
        target.label()
    )?;
    for c in &export.coverage.rules {
        writeln!(out, "  {:<8} {:<24} {}", c.status.symbol(), c.rule, c.how)?;
    }
    if !export.coverage.unmapped.is_empty() {
        writeln!(
            out,
            "  {} module(s) have no LMS id: their references are placeholders (give --mapping)",
            export.coverage.unmapped.len()
        )?;
    }
    writeln!(
        out,
        "Since the previous export: {} added, {} changed, {} removed, {} unchanged",
        diff.added.len(),
        diff.changed.len(),
        diff.removed.len(),
        diff.unchanged
    )?;
    Ok(())
}

fn print_json(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

fn print_modules(
    out: &mut impl Write,
    file: &Path,
    modules: &[ModuleSummary],
) -> anyhow::Result<()> {
    if modules.is_empty() {
        writeln!(
            out,
            "{} has no modules yet; add some with `pathforge import {} FOLDER`.",
            file.display(),
            file.display()
        )?;
        return Ok(());
    }
    let width = modules
        .iter()
        .map(|m| m.title.chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 60);
    writeln!(
        out,
        "{:<width$}  {:>7}  {:<12}  {:>6}  id",
        "title", "minutes", "level", "words"
    )?;
    for m in modules {
        let title: String = m.title.chars().take(width).collect();
        let level = m.level.map(|l| l.as_str()).unwrap_or("-");
        writeln!(
            out,
            "{title:<width$}  {:>7}  {level:<12}  {:>6}  {}",
            m.duration_minutes, m.word_count, m.id
        )?;
    }
    let minutes: u32 = modules.iter().map(|m| m.duration_minutes).sum();
    writeln!(
        out,
        "\n{} modules, {}h {:02}m of learning",
        modules.len(),
        minutes / 60,
        minutes % 60
    )?;
    Ok(())
}

/// The model folder: `--model`, else the first place that has one (see
/// [`embed::candidates`]); a clear error saying what to do when there is none.
fn find_model(explicit: Option<&Path>, project: Option<&Project>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    let chosen = match project {
        Some(p) => p.model_dir()?,
        None => None,
    };
    let env = std::env::var_os("PATHFORGE_MODEL_DIR").map(PathBuf::from);
    let candidates = embed::candidates(
        chosen.as_deref(),
        env.as_deref(),
        dirs::data_dir().as_deref(),
    );
    embed::locate(&candidates)
        .ok_or_else(|| anyhow::anyhow!(embed::missing_model_help(&candidates)))
}

/// `--column FIELD=HEADER` flags as a catalog column mapping (it replaces a saved one).
fn parse_columns(path: &Path, flags: &[String]) -> anyhow::Result<model::CatalogColumns> {
    anyhow::ensure!(
        path.is_file()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv")),
        "{}: --column maps the columns of a catalog CSV; give the CSV's path",
        path.display()
    );
    let mut mapping = model::CatalogColumns::default();
    for flag in flags {
        let (field, header) = flag.split_once('=').ok_or_else(|| {
            anyhow::anyhow!("--column {flag:?}: write FIELD=HEADER, e.g. id=\"Course code\"")
        })?;
        let slot = match field.trim() {
            "id" => &mut mapping.id,
            "title" => &mut mapping.title,
            "description" => &mut mapping.description,
            "duration" => &mut mapping.duration,
            "prerequisites" => &mut mapping.prerequisites,
            other => anyhow::bail!(
                "{}: --column {flag:?}: {other:?} is not a field; use id, title, description, duration or prerequisites",
                path.display()
            ),
        };
        *slot = Some(header.trim().to_owned());
    }
    Ok(mapping)
}

/// Progress of a long command on stderr: a bar on a terminal; on a pipe or in a log, a
/// plain line each time another tenth of the work is done, once the work has taken more
/// than a second (`PATHFORGE_PROGRESS_DELAY_MS` changes that delay); nothing with `--json`.
struct Progress {
    bar: indicatif::ProgressBar,
    /// Off a terminal: what is being done, and the last tenth printed.
    plain: Option<(String, u64)>,
    started: std::time::Instant,
    delay: std::time::Duration,
}

impl Progress {
    fn new(json: bool, template: &str) -> Progress {
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        if json || !terminal {
            let what = template.split_whitespace().next().unwrap_or("working");
            let delay = std::env::var("PATHFORGE_PROGRESS_DELAY_MS")
                .ok()
                .and_then(|ms| ms.parse().ok())
                .unwrap_or(1000);
            return Progress {
                bar: indicatif::ProgressBar::hidden(),
                plain: (!json).then(|| (what.to_owned(), u64::MAX)),
                started: std::time::Instant::now(),
                delay: std::time::Duration::from_millis(delay),
            };
        }
        let style = indicatif::ProgressStyle::with_template(template).expect("a valid template");
        Progress {
            bar: indicatif::ProgressBar::new(0).with_style(style),
            plain: None,
            started: std::time::Instant::now(),
            delay: std::time::Duration::ZERO,
        }
    }

    fn update(&mut self, done: u32, total: u32, message: &str) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        self.bar.set_message(message.to_owned());
        if let Some((what, last)) = &mut self.plain {
            let tenth = (done as u64 * 10).checked_div(total as u64).unwrap_or(0);
            if total > 0 && tenth != *last && self.started.elapsed() >= self.delay {
                *last = tenth;
                eprintln!("{what} {done}/{total}");
            }
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn run_tag(
    file: &Path,
    model: Option<&Path>,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let mut project = Project::open(file)?;
    let dir = find_model(model, Some(&project))?;
    let encoder = embed::Encoder::load(&dir).map_err(engine::Error::from)?;
    let mut bar = Progress::new(json, "tagging {bar:40} {pos}/{len} modules, {eta} left");
    let report = project.tag_modules(&encoder, Timestamp::now(), &mut |done, total| {
        bar.update(done, total, "");
        true
    });
    bar.finish();
    let report = report?;
    if json {
        return print_json(out, &report);
    }
    writeln!(
        out,
        "Tagged with {}: {} of {} modules analysed ({} unchanged, {} empty); {} texts embedded, {} from the cache; {} suggestions open for review",
        report.model,
        report.analysed,
        report.modules,
        report.unchanged,
        report.empty,
        report.embedded,
        report.cached,
        report.suggestions
    )?;
    for m in project.modules()? {
        let insight = project.module_insight(&m.id)?;
        let suggested: Vec<String> = insight
            .tags
            .iter()
            .filter(|t| t.source == model::TagSource::Model && t.state != model::TagState::Rejected)
            .map(|t| format!("{} {:.2}", t.skill_slug, t.confidence.unwrap_or(0.0)))
            .collect();
        let level = insight.level.map_or("-", |l| l.as_str());
        writeln!(
            out,
            "  {:<44} {:<13} {}",
            truncate(&m.title, 44),
            level,
            if suggested.is_empty() {
                "(no suggestion)".to_owned()
            } else {
                suggested.join(", ")
            }
        )?;
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

fn print_insight(
    out: &mut impl Write,
    module: &model::Module,
    insight: &model::ModuleInsight,
) -> anyhow::Result<()> {
    let Some(model) = &insight.model else {
        return Ok(());
    };
    let chars: Vec<char> = module.body.chars().collect();
    writeln!(out, "\nAuto-tags ({model}):")?;
    for t in insight
        .tags
        .iter()
        .filter(|t| t.source == model::TagSource::Model)
    {
        let state = match t.state {
            model::TagState::Suggested => "suggested",
            model::TagState::Accepted => "accepted",
            model::TagState::Rejected => "rejected",
        };
        writeln!(
            out,
            "  {} ({}) {:.2} {state}{}",
            t.skill_name,
            t.skill_slug,
            t.confidence.unwrap_or(0.0),
            if t.rejected_before {
                " · rejected for an earlier version"
            } else {
                ""
            }
        )?;
        for e in t.evidence.iter().take(2) {
            let text: String = chars
                [(e.start as usize).min(chars.len())..(e.end as usize).min(chars.len())]
                .iter()
                .collect();
            writeln!(
                out,
                "      {:.2} “{}” [{}..{}]",
                e.score,
                truncate(&text.replace('\n', " "), 100),
                e.start,
                e.end
            )?;
        }
    }
    if let Some(level) = insight.level {
        writeln!(
            out,
            "  level: {} (score {:+.1})",
            level.as_str(),
            insight.level_score
        )?;
        for s in &insight.level_signals {
            writeln!(out, "      {:+.1} {}: {}", s.points, s.name, s.detail)?;
        }
    }
    if !insight.keyphrases.is_empty() {
        let k: Vec<&str> = insight
            .keyphrases
            .iter()
            .map(|k| k.phrase.as_str())
            .collect();
        writeln!(out, "  keyphrases: {}", k.join(", "))?;
    }
    for n in &insight.notes {
        writeln!(out, "  note: {n}")?;
    }
    Ok(())
}

fn run_embed(
    model: &Path,
    input: &Path,
    output: &Path,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let encoder = embed::Encoder::load(model).map_err(engine::Error::from)?;
    let bytes = std::fs::read(input).map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?;
    let texts: Vec<String> = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: not a JSON array of strings: {e}", input.display()))?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = encoder.embed(&refs).map_err(engine::Error::from)?;
    let items: Vec<serde_json::Value> = texts
        .iter()
        .zip(&vectors)
        .map(|(t, v)| serde_json::json!({ "text": t, "embedding": v }))
        .collect();
    engine::write_atomically(output, serde_json::to_string(&items)?.as_bytes())?;
    if json {
        print_json(
            out,
            &serde_json::json!({ "model": encoder.info().id(), "texts": texts.len(), "output": output }),
        )
    } else {
        writeln!(
            out,
            "Embedded {} texts with {} into {}",
            texts.len(),
            encoder.info().id(),
            output.display()
        )?;
        Ok(())
    }
}

fn run_audit(command: &AuditCommand, json: bool, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify { file } => {
            let check = Project::open(file)?.verify_audit()?;
            if json {
                print_json(out, &check)?;
            } else {
                match &check.broken {
                    None => writeln!(
                        out,
                        "The audit log of {} is intact: {} entries, head {}",
                        file.display(),
                        check.entries,
                        check.head
                    )?,
                    Some(b) => writeln!(
                        out,
                        "{}: the audit log is broken at {}",
                        file.display(),
                        b.reason
                    )?,
                }
            }
            Ok(if check.broken.is_some() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        AuditCommand::Export {
            file,
            format,
            out: path,
        } => {
            let format = match format {
                AuditFormatArg::Csv => model::AuditFormat::Csv,
                AuditFormatArg::Json => model::AuditFormat::Json,
            };
            let text = Project::open(file)?.export_audit(format)?;
            match path {
                Some(p) => {
                    engine::write_atomically(p, text.as_bytes())?;
                    if json {
                        print_json(out, &serde_json::json!({ "out": p }))?;
                    } else {
                        writeln!(out, "Wrote the audit log to {}", p.display())?;
                    }
                }
                None => out.write_all(text.as_bytes())?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run_review(command: &ReviewCommand, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    if let ReviewCommand::Pack {
        file,
        filter,
        out: to,
    } = command
    {
        anyhow::ensure!(
            !to.exists(),
            "{}: already exists; Pathforge never overwrites a file",
            to.display()
        );
        let mut project = Project::open(file)?;
        let (html, count) = project.export_review_pack(
            &engine::PackFilter {
                skill: filter.skill.clone(),
                min_confidence: filter.min,
            },
            &me(),
            Timestamp::now(),
        )?;
        engine::write_atomically(to, html.as_bytes())?;
        if json {
            return print_json(
                out,
                &serde_json::json!({ "pack": to, "suggestions": count }),
            );
        }
        writeln!(
            out,
            "Wrote a review pack of {count} suggestions to {}: send it to the SME; they open it in any browser and send back the decisions file for `pathforge review import`.",
            to.display()
        )?;
        return Ok(());
    }
    if let ReviewCommand::Edit {
        file,
        module,
        skill,
        to,
        note,
    } = command
    {
        let mut project = Project::open(file)?;
        let m = project.resolve_module(module)?;
        project.edit_tag(&m.id, skill, to, note.as_deref(), &me(), Timestamp::now())?;
        writeln!(
            out,
            "“{}”: {skill} rejected in favour of {to}, accepted.",
            m.title
        )?;
        return Ok(());
    }
    if let ReviewCommand::Level {
        file,
        module,
        level,
        clear,
        note,
    } = command
    {
        let level = match (level, clear) {
            (Some(l), false) => Some(model::Level::parse(l).ok_or_else(|| {
                anyhow::anyhow!("{l:?} is not a level: use beginner, intermediate or advanced")
            })?),
            (None, true) => None,
            _ => anyhow::bail!("give a level (beginner, intermediate, advanced) or --clear"),
        };
        let mut project = Project::open(file)?;
        let m = project.resolve_module(module)?;
        project.set_module_level(&m.id, level, note.as_deref(), &me(), Timestamp::now())?;
        match level {
            Some(l) => writeln!(
                out,
                "“{}” is {} (kept over its file on re-import).",
                m.title,
                l.as_str()
            )?,
            None => writeln!(
                out,
                "“{}” takes its level from its file again, from the next import.",
                m.title
            )?,
        }
        return Ok(());
    }
    if let ReviewCommand::Calibration { file } = command {
        let c = Project::open(file)?.calibration()?;
        if json {
            return print_json(out, &c);
        }
        let rate = |r: &model::CalibrationRow| match r.accepted + r.rejected {
            0 => "     -".to_owned(),
            n => format!("{:5.0}%", 100.0 * r.accepted as f64 / n as f64),
        };
        for (title, rows) in [("confidence", &c.bands), ("skill", &c.skills)] {
            writeln!(
                out,
                "{title:<32} accepted rejected   open  auto  acceptance"
            )?;
            for r in rows {
                writeln!(
                    out,
                    "{:<32} {:>8} {:>8} {:>6} {:>5}  {}",
                    truncate(&r.label, 32),
                    r.accepted,
                    r.rejected,
                    r.open,
                    r.auto_accepted,
                    rate(r)
                )?;
            }
            writeln!(out)?;
        }
        match c.auto_accept {
            Some(t) => writeln!(out, "Auto-accept: suggestions at {t:.2} or above")?,
            None => writeln!(out, "Auto-accept: off")?,
        }
        return Ok(());
    }
    if let ReviewCommand::AutoAccept {
        file,
        threshold,
        off,
    } = command
    {
        anyhow::ensure!(
            threshold.is_some() || *off,
            "{}: give a threshold between 0.5 and 1, or --off",
            file.display()
        );
        let mut project = Project::open(file)?;
        project.set_auto_accept(*threshold, &me(), Timestamp::now())?;
        match threshold {
            Some(t) => writeln!(out, "New suggestions at {t:.2} or above will be accepted as they are made (logged as the model's).")?,
            None => writeln!(out, "Auto-accept is off: every suggestion waits for a person.")?,
        }
        return Ok(());
    }
    if let ReviewCommand::Import { file, decisions } = command {
        let mut project = Project::open(file)?;
        let r = project.import_review_decisions(decisions, Timestamp::now())?;
        if json {
            return print_json(out, &r);
        }
        writeln!(
            out,
            "{} decisions by {} from pack {}: {} applied, {} already in effect, {} conflicts",
            r.applied + r.already + r.conflicts.len() as u32,
            r.reviewer,
            r.pack,
            r.applied,
            r.already,
            r.conflicts.len()
        )?;
        for c in &r.conflicts {
            writeln!(out, "  conflict: {} / {}: {}", c.title, c.skill, c.reason)?;
        }
        return Ok(());
    }
    let state_of = |s: StateArg| match s {
        StateArg::Suggested => Some(model::TagState::Suggested),
        StateArg::Accepted => Some(model::TagState::Accepted),
        StateArg::Rejected => Some(model::TagState::Rejected),
        StateArg::All => None,
    };
    let (decision, state) = match command {
        ReviewCommand::List {
            file,
            state,
            filter,
        } => {
            let project = Project::open(file)?;
            let queue =
                project.review_queue(state_of(*state), filter.skill.as_deref(), filter.min)?;
            if json {
                return print_json(out, &queue);
            }
            let titles: std::collections::HashMap<ModuleId, String> = project
                .modules()?
                .into_iter()
                .map(|m| (m.id, m.title))
                .collect();
            for t in &queue {
                writeln!(
                    out,
                    "{:>4.0}%  {:<24} {:<44} {}{}",
                    t.confidence.unwrap_or(0.0) * 100.0,
                    t.skill_slug,
                    truncate(titles.get(&t.module_id).map_or("?", String::as_str), 44),
                    t.module_id,
                    if t.rejected_before {
                        "  (rejected before)"
                    } else {
                        ""
                    }
                )?;
            }
            writeln!(out, "{} suggestions", queue.len())?;
            return Ok(());
        }
        ReviewCommand::Accept(d) => (d, model::TagState::Accepted),
        ReviewCommand::Reject(d) => (d, model::TagState::Rejected),
        ReviewCommand::Pack { .. }
        | ReviewCommand::Import { .. }
        | ReviewCommand::Calibration { .. }
        | ReviewCommand::Edit { .. }
        | ReviewCommand::Level { .. }
        | ReviewCommand::AutoAccept { .. } => {
            unreachable!("handled above")
        }
    };
    let mut project = Project::open(&decision.file)?;
    let targets: Vec<model::Tag> = match (&decision.module, &decision.tag_skill) {
        (Some(module), Some(skill)) => {
            let id = project.resolve_module(module)?.id;
            project
                .review_queue(None, Some(skill), None)?
                .into_iter()
                .filter(|t| t.module_id == id)
                .collect()
        }
        (None, None) if decision.filter.skill.is_some() || decision.filter.min.is_some() => project
            .review_queue(Some(model::TagState::Suggested), decision.filter.skill.as_deref(), decision.filter.min)?,
        _ => anyhow::bail!("give MODULE and SKILL, or --skill and/or --min to decide every open suggestion they match"),
    };
    if targets.is_empty() {
        anyhow::bail!("{}: no model suggestion matches", decision.file.display());
    }
    let keys: Vec<(ModuleId, model::SkillId)> = targets
        .iter()
        .map(|t| (t.module_id.clone(), t.skill_id.clone()))
        .collect();
    let verb = if state == model::TagState::Accepted {
        "accept"
    } else {
        "reject"
    };
    let changed = if decision.dry_run {
        targets.iter().filter(|t| t.state != state).count()
    } else {
        project.decide_tags(
            &keys,
            state,
            decision.note.as_deref(),
            &me(),
            Timestamp::now(),
        )?
    };
    if json {
        print_json(
            out,
            &serde_json::json!({ "matched": targets.len(), "changed": changed, "dry_run": decision.dry_run }),
        )
    } else {
        let would = if decision.dry_run { "would " } else { "" };
        writeln!(
            out,
            "{} suggestions match; {would}{verb} {changed}",
            targets.len()
        )?;
        Ok(())
    }
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
