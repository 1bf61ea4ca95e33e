//! `pathforge bundle`: build, verify and diff signed rule bundles.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use model::{Actor, Timestamp};

use crate::machine::{config_dir, me, open, signing_key, trusted};
use crate::print::{said, Output};

#[derive(Subcommand)]
pub(crate) enum BundleCommand {
    /// Build a signed bundle of the project's rules, taxonomy and graph (into a folder, or as
    /// the file --out names when it ends in .zip).
    Build {
        file: PathBuf,
        /// The folder to write NAME-VERSION.pathforge-bundle.zip into, or the bundle's own
        /// file name when it ends in .zip.
        #[arg(long)]
        out: PathBuf,
        /// Semantic version of this bundle.
        #[arg(long, default_value = "1.0.0")]
        version: String,
    },
    /// Check a bundle's hashes and signature, and that a key trusted here signed it (this
    /// machine's, or one added with `bundle trust add`; --key names the one to expect).
    Verify {
        bundle: PathBuf,
        /// The one public key (hex) to accept, as `pathforge bundle key` prints it.
        #[arg(long)]
        key: Option<String>,
    },
    /// What changed between two bundles: rules, thresholds, edges, modules, tracks, skills.
    Diff { a: PathBuf, b: PathBuf },
    /// Print this machine's public signing key (creating the key pair if needed).
    Key,
    /// The keys whose bundles are trusted here, besides this machine's own.
    #[command(subcommand)]
    Trust(TrustCommand),
}

#[derive(Subcommand)]
pub(crate) enum TrustCommand {
    /// Trust bundles signed by KEY (a public key, as `pathforge bundle key` prints it on
    /// the signer's machine).
    Add {
        key: String,
        /// Whose key it is, kept beside it.
        #[arg(long, default_value = "added by hand")]
        who: String,
    },
    /// The keys trusted here.
    List,
}

pub(crate) fn run_bundle(command: &BundleCommand) -> anyhow::Result<Output> {
    let read = |p: &Path| crate::machine::read(p);
    Ok(match command {
        BundleCommand::Build {
            file,
            out: dir,
            version,
        } => {
            let mut project = open(file)?;
            let (id, files) = project.bundle_files()?;
            let key = signing_key()?;
            let author = match me() {
                Actor::Person { name, .. } => name,
                _ => "pathforge".to_owned(),
            };
            let head = project.audit_head()?;
            let bytes = bundle::build(
                &id,
                version,
                &author,
                &files,
                &key,
                Timestamp::now().0,
                head.as_ref(),
            )?;
            // A path ending in .zip is the bundle's own name (`--out release.zip`), unless
            // a folder already has that name; anything else is the folder it goes in.
            let named = dir.extension().is_some_and(|e| e == "zip") && !dir.is_dir();
            let target = if named {
                dir.clone()
            } else {
                let name = project.info()?.name;
                dir.join(format!("{name}-{version}.pathforge-bundle.zip"))
            };
            if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", parent.display()))?;
            }
            engine::write_atomically(&target, &bytes)?;
            project.record_bundle(version, &target, &me(), Timestamp::now())?;
            let key = bundle::public_key_text(&key);
            Output::new(
                serde_json::json!({ "bundle": target.display().to_string(), "public_key": key }),
                move |out, _| {
                    writeln!(out, "Wrote {} (signed by {key})", target.display())?;
                    Ok(())
                },
            )
        }
        BundleCommand::Verify { bundle: path, key } => {
            let (manifest, signer) = bundle::verify(&read(path)?, key.as_deref())
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            if key.is_none() {
                bundle::check_signer(&signer, &trusted()?)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            }
            let words = format!(
                "{}: valid bundle {} version {}, {} files, signed by {signer}",
                path.display(),
                manifest.bundle_id,
                manifest.version,
                manifest.files.len()
            );
            said(
                serde_json::json!({ "manifest": manifest, "signed_by": signer }),
                words,
            )
        }
        BundleCommand::Diff { a, b } => {
            let files_a =
                bundle::read(&read(a)?).map_err(|e| anyhow::anyhow!("{}: {e}", a.display()))?;
            let files_b =
                bundle::read(&read(b)?).map_err(|e| anyhow::anyhow!("{}: {e}", b.display()))?;
            Output::new(bundle::diff(&files_a, &files_b)?, |out, changes| {
                for c in changes {
                    writeln!(
                        out,
                        "{:<7} {:<8} {:<48} {}",
                        c.area, c.change, c.subject, c.explanation
                    )?;
                }
                writeln!(out, "{}", crate::print::count(changes.len(), "change"))?;
                Ok(())
            })
        }
        BundleCommand::Trust(TrustCommand::Add { key, who }) => {
            let added = engine::trust_key(&config_dir()?, key, who)?;
            let key = key.trim().to_ascii_lowercase();
            let words = match added {
                true => format!("Bundles signed by {key} are now trusted here ({who})."),
                false => format!("{key} was already trusted here."),
            };
            said(serde_json::json!({ "key": key, "added": added }), words)
        }
        BundleCommand::Trust(TrustCommand::List) => Output::new(trusted()?, |out, keys| {
            for k in keys {
                writeln!(out, "{k}")?;
            }
            writeln!(
                out,
                "{} (the last is this machine's)",
                crate::print::count(keys.len(), "key")
            )?;
            Ok(())
        }),
        BundleCommand::Key => {
            let key = bundle::public_key_text(&signing_key()?);
            said(serde_json::json!({ "public_key": key }), key)
        }
    })
}
