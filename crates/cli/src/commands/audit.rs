//! `pathforge audit`: check the audit log's hash chain and export it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use engine::Project;

use crate::print::print_json;

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

pub(crate) fn run_audit(
    command: &AuditCommand,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
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
