//! `pathforge audit`: check the audit log's hash chain and export it.

use std::path::PathBuf;

use clap::Subcommand;
use engine::Project;

use crate::print::Output;

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
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
pub(crate) enum AuditFormatArg {
    Csv,
    Json,
}

pub(crate) fn run_audit(command: &AuditCommand) -> anyhow::Result<Output> {
    Ok(match command {
        AuditCommand::Verify { file } => {
            let check = Project::open(file)?.verify_audit()?;
            let broken = check.broken.is_some();
            let file = file.clone();
            Output::new(check, move |out, check| {
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
            let text = Project::open(file)?.export_audit(format)?;
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
