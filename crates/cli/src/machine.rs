//! What the CLI reads from this machine and the command line's edges: the config folder,
//! the profile decisions are logged under, the signing key, the model folder, catalog
//! column flags.

use std::path::{Path, PathBuf};

use engine::Project;
use model::Actor;

/// The user's config folder: $PATHFORGE_CONFIG_DIR, else $XDG_CONFIG_HOME/pathforge, else
/// ~/.config/pathforge.
pub(crate) fn config_dir() -> anyhow::Result<PathBuf> {
    std::env::var_os("PATHFORGE_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CONFIG_HOME").map(|d| PathBuf::from(d).join("pathforge")))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/pathforge")))
        .ok_or_else(|| anyhow::anyhow!("no config folder: set PATHFORGE_CONFIG_DIR or HOME"))
}

/// Who this command's decisions are recorded as: the profile in the config folder, else
/// the logged-in user. A damaged profile is reported and the logged-in user used.
pub(crate) fn me() -> Actor {
    match config_dir().map(|dir| engine::load_profile(&dir)) {
        Ok(Ok(Some(profile))) => profile.actor(),
        Ok(Err(e)) => {
            eprintln!("pathforge: {e}");
            Actor::local_user()
        }
        _ => Actor::local_user(),
    }
}

/// The signing key in the user's config folder (see [`config_dir`]), created on first use
/// (and then said so on stderr: a bundle was signed with a key the user had not seen).
pub(crate) fn signing_key() -> anyhow::Result<bundle::SigningKey> {
    let dir = config_dir()?;
    let (key, created) = engine::machine_key(&dir)?;
    if created {
        eprintln!(
            "pathforge: created a signing key at {}",
            dir.join("signing-key").display()
        );
    }
    Ok(key)
}

/// The bytes of a file the user named; a failure names it and keeps its kind (`not_found`
/// under `--json` for a file that is not there).
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, engine::Error> {
    std::fs::read(path).map_err(named(path))
}

/// [`read`] as text.
pub(crate) fn read_text(path: &Path) -> Result<String, engine::Error> {
    std::fs::read_to_string(path).map_err(named(path))
}

/// An IO failure on `path`, as the engine names one.
fn named(path: &Path) -> impl FnOnce(std::io::Error) -> engine::Error + '_ {
    move |source| engine::Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Opens the project at `file` to work on: every change is logged with this machine's
/// key signing the audit log's head (the key is made quietly if there is none yet).
pub(crate) fn open(file: &Path) -> anyhow::Result<Project> {
    let mut project = Project::open(file)?;
    sign(&mut project);
    Ok(project)
}

/// Creates the project at `file`, its audit log's head signed as [`open`] does.
pub(crate) fn create(file: &Path, now: model::Timestamp) -> anyhow::Result<Project> {
    let mut project = Project::create(file, now)?;
    sign(&mut project);
    Ok(project)
}

/// Gives `project` this machine's key for the audit log's head, and the signers whose
/// bundles it may simulate (see [`trusted`]). A machine with no usable config folder
/// still reads and changes projects: it says once why the head stays unsigned (and
/// `audit verify` reports the head as unsigned).
fn sign(project: &mut Project) {
    let key = config_dir().and_then(|dir| Ok((engine::machine_key(&dir)?.0, dir)));
    match key {
        Ok((key, dir)) => {
            if let Ok(keys) = trusted_with(&dir, &key) {
                project.trust_signers(keys);
            }
            project.sign_audit_with(key);
        }
        Err(e) => eprintln!("pathforge: the audit log's head is left unsigned: {e}"),
    }
}

/// The keys whose bundles are trusted here: this machine's and those added with
/// `pathforge bundle trust add`.
pub(crate) fn trusted() -> anyhow::Result<Vec<String>> {
    let dir = config_dir()?;
    let key = engine::machine_key(&dir)?.0;
    trusted_with(&dir, &key)
}

/// [`trusted`], with this machine's `key` already read from `dir`.
fn trusted_with(dir: &Path, key: &bundle::SigningKey) -> anyhow::Result<Vec<String>> {
    let mut keys = engine::trusted_keys(dir)?;
    keys.push(bundle::public_key_text(key));
    Ok(keys)
}

/// The model folder: `--model`, else the first place that has one (see
/// [`embed::candidates`]); a clear error saying what to do when there is none.
pub(crate) fn find_model(
    explicit: Option<&Path>,
    project: Option<&Project>,
) -> anyhow::Result<PathBuf> {
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
pub(crate) fn parse_columns(
    path: &Path,
    flags: &[String],
) -> anyhow::Result<model::CatalogColumns> {
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
