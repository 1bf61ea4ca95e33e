//! Rule bundles: what ships to an LMS, as one zip that proves where it came from.
//!
//! A bundle holds `manifest.json` (format, bundle id, semantic version, author, source
//! project hash, and the sha256 of every other file), the content files the engine
//! provides (rules, taxonomy as CASE 1.1, graph), and `signature.json`: an ed25519
//! signature of the manifest with the team's key. Everything but the signature's time is a
//! function of the content, and the zip is written with fixed timestamps in name order, so
//! the same project builds a byte-identical bundle and bundles diff cleanly.

mod diff;

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

pub use ed25519_dalek::SigningKey;
use ed25519_dalek::{Signature, Signer, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use curriculum::{GraphDoc, GraphModule, GraphTrack};
pub use diff::{diff, Change};

pub const FORMAT: &str = "pathforge.bundle/v1";
const MANIFEST: &str = "manifest.json";
const SIGNATURE: &str = "signature.json";

/// The bundle's table of contents; signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub bundle_id: String,
    /// The project (course) the bundle came from, as exports name it in activity ids
    /// (`urn:pathforge:COURSE:module:…`), so that what an LRS records of a bundle and of
    /// an export are about the same activities. Absent in bundles made before it was
    /// added (their bundle id stands in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_id: Option<String>,
    pub version: String,
    pub author: String,
    /// sha256 over the content files, in name order: the project state it came from.
    pub source_hash: String,
    /// sha256 (hex) of every content file, by name.
    pub files: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SignatureFile {
    algorithm: String,
    public_key: String,
    signature: String,
    signed_at: i64,
    /// The project's audit log head when the bundle was built, with its own signature: a
    /// copy outside the project, so a later cut or rewrite of the log shows against it
    /// (`pathforge audit verify --against BUNDLE`). Beside the signature, not in the
    /// manifest: the manifest is the curriculum's, the same for the same content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audit_head: Option<model::AuditHead>,
}

/// Why a bundle could not be built, read or trusted.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not a readable bundle: {0}")]
    Unreadable(String),
    #[error("tampered: {0}")]
    Tampered(String),
    #[error("signed by key {found}, not by the trusted key {trusted}")]
    Untrusted { found: String, trusted: String },
    #[error("signed by an unknown key {found}: not this machine's, nor one you trust; if you know whose it is, `pathforge bundle trust add {found}`")]
    UnknownSigner { found: String },
    #[error("signing key: {0}")]
    Key(String),
}

impl Error {
    pub fn kind(&self) -> model::ErrorKind {
        match self {
            Error::Unreadable(_) | Error::Key(_) => model::ErrorKind::BadInput,
            Error::Tampered(_) | Error::Untrusted { .. } | Error::UnknownSigner { .. } => {
                model::ErrorKind::Conflict
            }
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A new random signing key.
pub fn generate_key() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Error::Key(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A key as stored in the user's config folder: 64 hex digits.
pub fn key_to_text(key: &SigningKey) -> String {
    hex::encode(key.to_bytes()) + "\n"
}

pub fn key_from_text(text: &str) -> Result<SigningKey> {
    let bytes = hex::decode(text.trim()).map_err(|e| Error::Key(format!("not hex: {e}")))?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::Key("not 32 bytes".to_owned()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The public half, as hex, for others to trust.
pub fn public_key_text(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
}

/// Which bundle, of which course: the ids a manifest carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ids {
    pub bundle: String,
    pub course: String,
}

/// Builds the zip. `files` are the content files (name, bytes); `signed_at` and the
/// project's `audit_head` go only beside the signature.
pub fn build(
    ids: &Ids,
    version: &str,
    author: &str,
    files: &[(String, Vec<u8>)],
    key: &SigningKey,
    signed_at: i64,
    audit_head: Option<&model::AuditHead>,
) -> Result<Vec<u8>> {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let hashes: BTreeMap<String, String> =
        sorted.iter().map(|(n, b)| (n.clone(), sha256(b))).collect();
    let source_hash = sha256(
        hashes
            .values()
            .flat_map(|h| h.bytes())
            .collect::<Vec<u8>>()
            .as_slice(),
    );
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        bundle_id: ids.bundle.clone(),
        course_id: Some(ids.course.clone()),
        version: version.to_owned(),
        author: author.to_owned(),
        source_hash,
        files: hashes,
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("manifests serialise");
    let signature = SignatureFile {
        algorithm: "ed25519".to_owned(),
        public_key: public_key_text(key),
        signature: hex::encode(key.sign(&manifest_bytes).to_bytes()),
        signed_at,
        audit_head: audit_head.cloned(),
    };
    let signature_bytes = serde_json::to_vec_pretty(&signature).expect("signatures serialise");

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut entries: Vec<(&str, &[u8])> =
        vec![(MANIFEST, &manifest_bytes), (SIGNATURE, &signature_bytes)];
    entries.extend(sorted.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (name, bytes) in entries {
        zip.start_file(name, options)
            .map_err(|e| Error::Unreadable(e.to_string()))?;
        zip.write_all(bytes)
            .map_err(|e| Error::Unreadable(e.to_string()))?;
    }
    Ok(zip
        .finish()
        .map_err(|e| Error::Unreadable(e.to_string()))?
        .into_inner())
}

/// Every file in a bundle, by name.
pub fn read(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Error::Unreadable(e.to_string()))?;
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive
            .by_index(i)
            .map_err(|e| Error::Unreadable(e.to_string()))?;
        let mut content = Vec::new();
        file.read_to_end(&mut content)
            .map_err(|e| Error::Unreadable(e.to_string()))?;
        let name = file
            .name()
            .map_err(|e| Error::Unreadable(e.to_string()))?
            .into_owned();
        out.insert(name, content);
    }
    Ok(out)
}

/// Refuses a bundle whose `signer` (as [`verify`] returns it) is not among `trusted`
/// (this machine's key and the keys its user trusts).
pub fn check_signer(signer: &str, trusted: &[String]) -> Result<()> {
    match trusted.iter().any(|k| k.trim() == signer) {
        true => Ok(()),
        false => Err(Error::UnknownSigner {
            found: signer.to_owned(),
        }),
    }
}

/// The public key that signed a bundle, read without checking anything (for a diff to
/// say the signer changed).
pub fn signer_of(files: &BTreeMap<String, Vec<u8>>) -> Option<String> {
    let signature: SignatureFile = serde_json::from_slice(files.get(SIGNATURE)?).ok()?;
    Some(signature.public_key)
}

/// When a bundle was signed (milliseconds since the epoch), read without checking
/// anything.
pub fn signed_at(files: &BTreeMap<String, Vec<u8>>) -> Option<i64> {
    let signature: SignatureFile = serde_json::from_slice(files.get(SIGNATURE)?).ok()?;
    Some(signature.signed_at)
}

/// The audit log head a bundle carries (see [`build`]), if any; the bundle is not
/// verified here, and the head carries its own signature.
pub fn audit_head(bytes: &[u8]) -> Result<Option<model::AuditHead>> {
    let files = read(bytes)?;
    let signature = files
        .get(SIGNATURE)
        .ok_or_else(|| Error::Tampered("no signature.json".to_owned()))?;
    let signature: SignatureFile = serde_json::from_slice(signature)
        .map_err(|e| Error::Tampered(format!("signature.json: {e}")))?;
    Ok(signature.audit_head)
}

/// Checks every hash and the signature (and, with `trusted`, that this key signed it).
/// Returns the manifest and the signer's public key.
pub fn verify(bytes: &[u8], trusted: Option<&str>) -> Result<(Manifest, String)> {
    let files = read(bytes)?;
    let manifest_bytes = files
        .get(MANIFEST)
        .ok_or_else(|| Error::Unreadable("no manifest.json".to_owned()))?;
    let signature_bytes = files
        .get(SIGNATURE)
        .ok_or_else(|| Error::Tampered("no signature.json".to_owned()))?;
    let manifest: Manifest = serde_json::from_slice(manifest_bytes)
        .map_err(|e| Error::Unreadable(format!("manifest.json: {e}")))?;
    let signature: SignatureFile = serde_json::from_slice(signature_bytes)
        .map_err(|e| Error::Tampered(format!("signature.json: {e}")))?;
    let key_bytes: [u8; 32] = hex::decode(&signature.public_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Tampered("signature.json: malformed public key".to_owned()))?;
    let key = VerifyingKey::from_bytes(&key_bytes)
        .map_err(|e| Error::Tampered(format!("public key: {e}")))?;
    let sig_bytes: [u8; 64] = hex::decode(&signature.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Tampered("signature.json: malformed signature".to_owned()))?;
    key.verify(manifest_bytes, &Signature::from_bytes(&sig_bytes))
        .map_err(|_| Error::Tampered("the signature does not match manifest.json".to_owned()))?;
    if let Some(trusted) = trusted {
        if trusted.trim() != signature.public_key {
            return Err(Error::Untrusted {
                found: signature.public_key,
                trusted: trusted.trim().to_owned(),
            });
        }
    }
    for (name, hash) in &manifest.files {
        let content = files
            .get(name)
            .ok_or_else(|| Error::Tampered(format!("{name} is missing")))?;
        if &sha256(content) != hash {
            return Err(Error::Tampered(format!(
                "{name} changed since the bundle was signed"
            )));
        }
    }
    if let Some(extra) = files
        .keys()
        .find(|n| *n != MANIFEST && *n != SIGNATURE && !manifest.files.contains_key(*n))
    {
        return Err(Error::Tampered(format!("{extra} was added after signing")));
    }
    Ok((manifest, signature.public_key))
}

#[cfg(test)]
mod tests;
