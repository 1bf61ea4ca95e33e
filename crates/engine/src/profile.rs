//! This machine's profile — the person using Pathforge and their role — kept as
//! `profile.json` in the settings folder the caller passes in (the CLI's and the window's
//! config folder), so decisions in every project are recorded under it; its signing key,
//! which signs bundles and the audit log's head of every project changed here; and the
//! projects last opened here, for the window's start page.

use std::path::Path;

use crate::{write_atomically, write_private, Error, Result};

const FILE: &str = "profile.json";

/// The profile in `dir`, or `None` when none was set up; a damaged file is an error
/// naming it.
pub fn load_profile(dir: &Path) -> Result<Option<model::Profile>> {
    let path = dir.join(FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ingest::Error::Io { path, source: e }.into()),
    };
    let profile: model::Profile = serde_json::from_slice(&bytes).map_err(|e| ingest::Error::BadInput {
        path: path.clone(),
        reason: format!("is not a Pathforge profile ({e}); set it again with `pathforge profile --name … --role …`"),
    })?;
    Ok(Some(profile))
}

/// Checks and saves `profile` in `dir` (created if missing), atomically.
pub fn save_profile(dir: &Path, profile: &model::Profile) -> Result<model::Profile> {
    let name = profile.name.trim();
    if name.is_empty() {
        return Err(Error::Blank(
            "a profile needs a name: it is written into the audit log",
        ));
    }
    let profile = model::Profile {
        name: name.to_owned(),
        role: profile.role,
    };
    std::fs::create_dir_all(dir).map_err(|e| ingest::Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let text = serde_json::to_string_pretty(&profile).expect("profiles serialise");
    write_atomically(&dir.join(FILE), text.as_bytes())?;
    Ok(profile)
}

/// This machine's signing key, kept in `dir` (the config folder) as `signing-key`, readable
/// by its owner only; made on first use, and then `true` comes back with it. It signs rule
/// bundles and the audit log's head of every project changed here.
pub fn machine_key(dir: &Path) -> Result<(bundle::SigningKey, bool)> {
    let path = dir.join("signing-key");
    let io = |path: &Path, source| ingest::Error::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = bundle::key_from_text(&text).map_err(|e| ingest::Error::BadInput {
                path: path.clone(),
                reason: format!("is not a signing key ({e})"),
            })?;
            Ok((key, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            let key = bundle::generate_key()?;
            // The private key: its owner's alone from the moment it exists.
            write_private(&path, bundle::key_to_text(&key).as_bytes())?;
            Ok((key, true))
        }
        Err(e) => Err(io(&path, e).into()),
    }
}

/// The keys this machine's user trusts to sign bundles, besides this machine's own: the
/// `trusted-keys` file in `dir`, one hex public key a line (`#` starts a comment).
pub fn trusted_keys(dir: &Path) -> Result<Vec<String>> {
    let path = dir.join(TRUSTED);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(ingest::Error::Io { path, source }.into()),
    };
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let key = line.split('#').next().unwrap_or("").trim();
        if key.is_empty() {
            continue;
        }
        check_key(key).map_err(|reason| ingest::Error::BadInput {
            path: path.clone(),
            reason: format!("line {}: {reason}", n + 1),
        })?;
        keys.push(key.to_ascii_lowercase());
    }
    Ok(keys)
}

/// Adds `key` to the keys trusted in `dir` (with `who` as its comment); `false` when it
/// was trusted already.
pub fn trust_key(dir: &Path, key: &str, who: &str) -> Result<bool> {
    let key = key.trim().to_ascii_lowercase();
    check_key(&key).map_err(|reason| Error::OutOfRange {
        what: "a public key",
        range: "64 hexadecimal digits, as `pathforge bundle key` prints it".to_owned(),
        value: format!("{key} ({reason})"),
    })?;
    if trusted_keys(dir)?.contains(&key) {
        return Ok(false);
    }
    let path = dir.join(TRUSTED);
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let who = who.replace('\n', " ");
    text.push_str(&format!("{key}  # {who}\n"));
    std::fs::create_dir_all(dir).map_err(|source| ingest::Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    write_atomically(&path, text.as_bytes())?;
    Ok(true)
}

const TRUSTED: &str = "trusted-keys";

fn check_key(key: &str) -> std::result::Result<(), &'static str> {
    match key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
        true => Ok(()),
        false => Err("not an ed25519 public key (64 hexadecimal digits)"),
    }
}

/// The projects last opened on this machine, for the window's start page.
const RECENT: &str = "recent-projects.json";
/// How many it remembers.
pub const RECENT_KEPT: usize = 8;

/// The projects opened on this machine (in `dir`), most recent first. The list is only a
/// convenience: a missing or damaged one reads as empty, and the next project opened
/// starts it afresh.
pub fn recent_projects(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read(dir.join(RECENT))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Puts `project` first among the projects opened on this machine (once, by its full
/// path), keeping the last [`RECENT_KEPT`].
pub fn note_recent(dir: &Path, project: &Path) -> Result<()> {
    let project = std::fs::canonicalize(project).unwrap_or_else(|_| project.to_path_buf());
    let mut list = recent_projects(dir);
    list.retain(|p| *p != project);
    list.insert(0, project);
    list.truncate(RECENT_KEPT);
    std::fs::create_dir_all(dir).map_err(|e| ingest::Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let text = serde_json::to_string_pretty(&list).expect("paths serialise");
    write_atomically(&dir.join(RECENT), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::ErrorKind;

    #[test]
    fn profiles_round_trip_and_bad_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let place = dir.path().join("pathforge");
        assert_eq!(load_profile(&place).unwrap(), None, "no profile yet");
        let saved = save_profile(
            &place,
            &model::Profile {
                name: "  Dana Okafor ".into(),
                role: model::Role::Sme,
            },
        )
        .unwrap();
        assert_eq!(saved.name, "Dana Okafor", "the name is trimmed");
        assert_eq!(
            load_profile(&place).unwrap(),
            Some(saved.clone()),
            "read back"
        );
        assert_eq!(
            saved.actor().label(),
            "Dana Okafor (SME)",
            "how the log shows it"
        );
        let err = save_profile(
            &place,
            &model::Profile {
                name: " ".into(),
                role: model::Role::Admin,
            },
        )
        .unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::BadInput,
            "an empty name is bad input, refused: {err}"
        );
        std::fs::write(place.join(FILE), "{ not json").unwrap();
        let err = load_profile(&place).unwrap_err().to_string();
        assert!(
            err.contains("profile.json") && err.contains("not a Pathforge profile"),
            "{err}"
        );
    }

    #[test]
    #[cfg(unix)]
    fn files_written_for_others_get_ordinary_permissions_and_a_secret_its_owners() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // What any new file here gets (0666 less this process's umask).
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let shared = dir.path().join("bundle.zip");
        write_atomically(&shared, b"x").unwrap();
        assert_eq!(
            mode(&shared),
            mode(&plain),
            "a bundle or review pack is readable as any file written here (it was 0600)"
        );
        let secret = dir.path().join("key");
        write_private(&secret, b"x").unwrap();
        assert_eq!(mode(&secret) & 0o077, 0, "a secret is its owner's alone");
    }

    #[test]
    fn the_machine_key_is_made_once_kept_private_and_a_damaged_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let place = dir.path().join("pathforge");
        let (first, created) = machine_key(&place).unwrap();
        assert!(created, "the first call makes the key");
        let (again, created) = machine_key(&place).unwrap();
        assert!(
            !created && again.to_bytes() == first.to_bytes(),
            "later calls read the same key: it signs every project changed here"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(place.join("signing-key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "only its owner may read the key");
        }
        std::fs::write(place.join("signing-key"), "not a key").unwrap();
        let err = machine_key(&place).unwrap_err();
        assert!(
            err.kind() == ErrorKind::BadInput && err.to_string().contains("signing-key"),
            "a damaged key file is named, never replaced: {err}"
        );
    }

    #[test]
    fn recent_projects_come_newest_first_once_each_and_a_damaged_list_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let place = dir.path().join("pathforge");
        assert!(recent_projects(&place).is_empty(), "none yet");
        let files: Vec<std::path::PathBuf> = (0..RECENT_KEPT + 2)
            .map(|i| {
                let f = dir.path().join(format!("p{i}.pathforge"));
                std::fs::write(&f, "").unwrap();
                f
            })
            .collect();
        for f in &files {
            note_recent(&place, f).unwrap();
        }
        note_recent(&place, &files[RECENT_KEPT]).unwrap();
        let listed = recent_projects(&place);
        let mut want: Vec<std::path::PathBuf> = vec![files[RECENT_KEPT].clone()];
        want.extend(
            files
                .iter()
                .rev()
                .filter(|f| **f != files[RECENT_KEPT])
                .take(RECENT_KEPT - 1)
                .cloned(),
        );
        let want: Vec<_> = want
            .iter()
            .map(|f| std::fs::canonicalize(f).unwrap())
            .collect();
        assert_eq!(
            listed, want,
            "the one opened last first, each once, the oldest beyond {RECENT_KEPT} forgotten"
        );
        std::fs::write(place.join(RECENT), "{ not a list").unwrap();
        assert!(
            recent_projects(&place).is_empty(),
            "a damaged list reads as empty"
        );
        note_recent(&place, &files[0]).unwrap();
        assert_eq!(
            recent_projects(&place),
            [std::fs::canonicalize(&files[0]).unwrap()],
            "and the next project opened starts it afresh"
        );
    }
}
