//! This machine's profile — the person using Pathforge and their role — kept as
//! `profile.json` in the settings folder the caller passes in (the CLI's and the window's
//! config folder), so decisions in every project are recorded under it.

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
}
