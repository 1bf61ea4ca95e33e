//! `pathforge audit`: check the audit log's hash chain and export it.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::machine::{open, signing_key};
use crate::print::Output;

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
    /// Check the hash chain against its signed head; exits 1 and says what was edited,
    /// removed or cut.
    Verify {
        file: PathBuf,
        /// Also hold the log to the head a bundle (`bundle build`) or a backup carries:
        /// what was cut or rewritten since it was made shows, even under a forged head.
        #[arg(long)]
        against: Option<PathBuf>,
    },
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
pub(crate) enum AuditFormatArg {
    Csv,
    Json,
}

pub(crate) fn run_audit(command: &AuditCommand) -> anyhow::Result<Output> {
    Ok(match command {
        AuditCommand::Verify { file, against } => {
            let project = open(file)?;
            let check = match against {
                None => project.verify_audit()?,
                Some(copy) => project.verify_audit_against(&head_of(copy)?)?,
            };
            let broken = check.broken.is_some();
            let file = file.clone();
            let mine = signing_key().ok().map(|k| bundle::public_key_text(&k));
            Output::new(check, move |out, check| {
                match &check.broken {
                    None => writeln!(
                        out,
                        "The audit log of {} is intact: {} entries, head {}, {}",
                        file.display(),
                        check.entries,
                        check.head,
                        match (&check.signed_by, &mine) {
                            (Some(k), Some(m)) if k == m =>
                                "signed by this machine's key".to_owned(),
                            (Some(k), _) => format!("signed by key {k} (not this machine's)"),
                            (None, _) =>
                                "not signed (last written where no signing key was at hand)"
                                    .to_owned(),
                        }
                    )?,
                    Some(b) => writeln!(
                        out,
                        "{}: the audit log is broken: {}",
                        file.display(),
                        b.reason
                    )?,
                }
                Ok(())
            })
            .failing_if(broken)
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
            let text = open(file)?.export_audit(format)?;
            match path {
                Some(p) => {
                    engine::write_atomically(p, text.as_bytes())?;
                    Output::new(serde_json::json!({ "out": p }), {
                        let p = p.clone();
                        move |out, _| {
                            writeln!(out, "Wrote the audit log to {}", p.display())?;
                            Ok(())
                        }
                    })
                }
                None => Output::verbatim(text),
            }
        }
    })
}

/// The audit head a bundle or a backup carries.
fn head_of(copy: &Path) -> anyhow::Result<model::AuditHead> {
    let bytes = crate::machine::read(copy)?;
    let head = if bytes.starts_with(b"PK") {
        bundle::audit_head(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", copy.display()))?
    } else {
        engine::Project::open(copy)?.audit_head()?
    };
    head.ok_or_else(|| {
        anyhow::anyhow!(
            "{}: carries no audit head (a bundle from `pathforge export --target bundle`, or one built before heads were kept)",
            copy.display()
        )
    })
}
