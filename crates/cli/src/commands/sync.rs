//! `pathforge sync`: puts a signed bundle, or the statements an xAPI export wrote, into a
//! learning record store — each statement once, so a second sync sends nothing and a new
//! bundle version sends only what changed. Also where the LRS credentials are found for
//! `calibrate --lrs`: a file outside any project, never a flag or the URL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use clap::Args;

use crate::machine::{config_dir, trusted};
use crate::print::{Output, Progress};

#[derive(Args)]
pub(crate) struct SyncArgs {
    /// A signed bundle (.pathforge-bundle.zip: its curriculum is published, one statement
    /// per course, module, track and rule), or an xAPI export (its folder or its
    /// statements.json).
    source: PathBuf,
    /// Where to: lrs (the default), or moodle / canvas (with --dry-run: the web-service
    /// or REST calls that would apply a bundle, listed; a bundle is needed).
    #[arg(long, default_value = "lrs", value_parser = ["lrs", "moodle", "canvas"])]
    target: String,
    /// The LRS's xAPI endpoint, e.g. https://lrs.example.com/xAPI/ (no credentials in it).
    #[arg(long)]
    lrs: Option<String>,
    /// Ask the LRS what it already has and list what would be sent; send nothing. For
    /// moodle and canvas, list the calls.
    #[arg(long)]
    dry_run: bool,
    /// moodle / canvas: a CSV of `module,lms_id` (module: path or exact title), so the
    /// calls name real LMS objects instead of {{placeholders}}.
    #[arg(long)]
    mapping: Option<PathBuf>,
    #[command(flatten)]
    connection: Connection,
}

/// How to reach an LRS: shared by `sync` and `calibrate --lrs`.
#[derive(Args, Clone, Debug)]
pub(crate) struct Connection {
    /// A credentials file: lines of `USER:PASSWORD` or `URL USER:PASSWORD` (the LRS's key
    /// and secret). Else $PATHFORGE_LRS_CREDENTIALS, else `lrs-credentials` in the config
    /// folder; without one, requests are anonymous.
    #[arg(long)]
    credentials: Option<PathBuf>,
    /// Seconds to wait for each answer.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Times to try again when the LRS cannot be reached or asks to wait.
    #[arg(long, default_value_t = 3)]
    retries: u32,
}

impl Connection {
    /// The LRS at `endpoint`, with the credentials that apply to it.
    pub(crate) fn open(&self, endpoint: &str) -> anyhow::Result<lrs::Lrs> {
        let file = match &self.credentials {
            Some(f) => Some(f.clone()),
            None => match std::env::var_os("PATHFORGE_LRS_CREDENTIALS") {
                Some(f) => Some(PathBuf::from(f)),
                None => Some(config_dir()?.join(lrs::CREDENTIALS_FILE)).filter(|f| f.exists()),
            },
        };
        let credentials = match &file {
            Some(f) => lrs::read_credentials(f, endpoint)?,
            None => None,
        };
        let patience = lrs::Patience {
            timeout: Duration::from_secs(self.timeout.max(1)),
            retries: self.retries,
            ..lrs::Patience::default()
        };
        Ok(lrs::Lrs::new(endpoint, credentials, patience)?)
    }
}

/// The bundle at `source`, verified and signed by a key trusted here: its files.
fn trusted_bundle(source: &Path, bytes: &[u8]) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let named = |e: String| anyhow::anyhow!("{}: {e}", source.display());
    let (_, signer) = bundle::verify(bytes, None).map_err(|e| named(e.to_string()))?;
    bundle::check_signer(&signer, &trusted()?).map_err(|e| named(e.to_string()))?;
    bundle::read(bytes).map_err(|e| named(e.to_string()))
}

/// The statements `source` produces: a bundle's (verified, by a key trusted here) or an
/// xAPI export's.
fn outgoing(source: &Path) -> anyhow::Result<Vec<lrs::Outgoing>> {
    let file = match source.is_dir() {
        true => source.join("statements.json"),
        false => source.to_path_buf(),
    };
    let bytes = crate::machine::read(&file)?;
    if bytes.starts_with(b"PK") {
        let files = trusted_bundle(source, &bytes)?;
        return lrs::statements::of_bundle(&files)
            .map_err(|e| anyhow::anyhow!("{}: {e}", source.display()));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", file.display()))?;
    lrs::statements::of_file(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))
}

/// The Moodle or Canvas calls that would apply the bundle at `source`.
fn lms_calls(args: &SyncArgs) -> anyhow::Result<Output> {
    let source = &args.source;
    if !args.dry_run {
        anyhow::bail!(
            "pathforge does not call {} itself: add --dry-run to list the calls, or run the script `pathforge export --target {}` writes",
            args.target,
            args.target
        );
    }
    let bytes = crate::machine::read(source)?;
    if !bytes.starts_with(b"PK") {
        anyhow::bail!(
            "{}: not a bundle; --target {} lists the calls of a signed bundle (pathforge bundle build)",
            source.display(),
            args.target
        );
    }
    let files = trusted_bundle(source, &bytes)?;
    let manifest: bundle::Manifest = serde_json::from_slice(&files["manifest.json"])
        .map_err(|e| anyhow::anyhow!("{}: manifest.json: {e}", source.display()))?;
    let changed = model::Timestamp(bundle::signed_at(&files).unwrap_or(0));
    let mapping = match &args.mapping {
        Some(path) => bundle_mapping(path, &files)?,
        None => BTreeMap::new(),
    };
    let course_id = manifest.course_id.as_deref().unwrap_or(&manifest.bundle_id);
    let course = lms::Course::of_bundle(&files, course_id, changed, mapping)
        .map_err(|e| anyhow::anyhow!("{}: {e}", source.display()))?;
    let target: lms::Target = args.target.parse()?;
    let export = lms::compile(&course, target)?;
    let calls = lms::calls(&export);
    let value = serde_json::json!({
        "target": args.target,
        "dry_run": true,
        "bundle": { "id": manifest.bundle_id, "version": manifest.version },
        "calls": calls,
    });
    let target_name = args.target.clone();
    Ok(Output::new(value, move |out, _| {
        for c in &calls {
            writeln!(out, "{} {} {}", c.method, c.path, c.body)?;
            writeln!(out, "    # {}", c.about)?;
        }
        writeln!(
            out,
            "{} would apply the bundle to {target_name}; none was sent (a dry run)",
            crate::print::count(calls.len(), "call")
        )?;
        Ok(())
    }))
}

/// The admin's `module,lms_id` CSV, by module path; modules are named by path or by exact
/// title among the bundle's modules.
fn bundle_mapping(
    path: &Path,
    files: &BTreeMap<String, Vec<u8>>,
) -> anyhow::Result<BTreeMap<String, String>> {
    let graph: bundle::GraphDoc = serde_json::from_slice(
        files
            .get("graph.json")
            .ok_or_else(|| anyhow::anyhow!("the bundle has no graph.json"))?,
    )?;
    let mut out = BTreeMap::new();
    for (reference, lms_id) in engine::read_mapping(path)? {
        let module = graph
            .modules
            .iter()
            .find(|m| m.path == reference || m.title == reference)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: {reference:?} is not a module of the bundle (by path or exact title)",
                    path.display()
                )
            })?;
        out.insert(module.path.clone(), lms_id);
    }
    Ok(out)
}

pub(crate) fn run_sync(args: &SyncArgs, json: bool) -> anyhow::Result<Output> {
    if args.target != "lrs" {
        return lms_calls(args);
    }
    let endpoint = args.lrs.as_deref().ok_or_else(|| {
        anyhow::anyhow!(
            "--lrs URL is needed: the LRS's xAPI endpoint (or --target moodle|canvas --dry-run)"
        )
    })?;
    let outgoing = outgoing(&args.source)?;
    let lrs = args.connection.open(endpoint)?;
    let mut bar = Progress::new(json, "sending {bar:40} {pos}/{len} statements");
    let bar_cell = std::cell::RefCell::new(&mut bar);
    let never = AtomicBool::new(false);
    let report = lrs.sync(
        &outgoing,
        args.dry_run,
        &|done, total| {
            bar_cell
                .borrow_mut()
                .update(done as u32, total as u32, "statements")
        },
        &never,
    )?;
    bar.finish();
    Ok(Output::new(report, |out, r| {
        let verb = match r.dry_run {
            true => "Would send",
            false => "Sent",
        };
        for s in &r.sent {
            writeln!(out, "{:<36}  {}", s.id, s.about)?;
        }
        writeln!(
            out,
            "{verb} {} of {} statements to {} ({} already there)",
            r.sent.len(),
            r.total,
            r.lrs,
            r.already
        )?;
        Ok(())
    }))
}

/// Learners' statements from the LRS at `endpoint` (stored after `since`), as the text of
/// an answer log and the address it came from, for `calibrate --lrs`.
pub(crate) fn read_lrs(
    endpoint: &str,
    since: Option<&str>,
    connection: &Connection,
    json: bool,
) -> anyhow::Result<(PathBuf, String)> {
    if let Some(t) = since {
        t.parse::<jiff::Timestamp>().map_err(|e| {
            anyhow::anyhow!("--since {t:?}: not a time like 2026-11-01T00:00:00Z ({e})")
        })?;
    }
    let lrs = connection.open(endpoint)?;
    let mut bar = Progress::new(json, "reading {pos} statements {wide_msg}");
    let bar_cell = std::cell::RefCell::new(&mut bar);
    let statements = lrs.statements_since(since, &|n| {
        bar_cell.borrow_mut().update(n as u32, 0, "from the LRS")
    })?;
    bar.finish();
    let text = serde_json::json!({ "statements": statements }).to_string();
    Ok((PathBuf::from(lrs.statements_url()), text))
}
