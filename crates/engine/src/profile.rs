//! This machine's profile — the person using Pathforge and their role — kept as
//! `profile.json` in the settings folder the caller passes in (the CLI's and the window's
//! config folder), so decisions in every project are recorded under it; and its signing
//! key, which signs bundles and the audit log's head of every project changed here.

use std::path::Path;

use crate::{write_atomically, Error, Result};

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
            write_atomically(&path, bundle::key_to_text(&key).as_bytes())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| io(&path, e))?;
            }
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
}
