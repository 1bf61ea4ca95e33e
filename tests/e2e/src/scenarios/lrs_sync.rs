//! The Export tab's "Send to a learning record store" against Ralph, a real LRS started
//! here on 127.0.0.1 (from target/ralph-venv, as the CLI's sync tests do): a check lists
//! what would go, a send records each statement once (read back from Ralph's own file), a
//! second send sends nothing, and a wrong password is named in place.

use std::io::Write as _;
use std::process::{Child, Stdio};

use crate::*;

/// Ralph for this scenario; stopped when dropped.
struct Ralph(Child);

impl Drop for Ralph {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) async fn lrs_sync(env: &Env) -> Result<()> {
    let python = env.repo.join("target/ralph-venv/bin/python");
    ensure!(
        python.exists(),
        "{} is missing: Ralph is installed by `make setup` (.ci/setup)",
        python.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let data = env.scratch.join("ralph");
    let _ralph = Ralph(
        std::process::Command::new(&python)
            .arg(env.repo.join("tests/lrs/serve_ralph.py"))
            .args([
                "--port",
                &port.to_string(),
                "--user",
                "e2e",
                "--password",
                "e2e-secret",
            ])
            .arg("--dir")
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        ensure!(
            started.elapsed() < Duration::from_secs(60),
            "Ralph did not listen within a minute"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let endpoint = format!("http://127.0.0.1:{port}/xAPI/");
    let good = env.scratch.join("lrs-credentials");
    writeln!(std::fs::File::create(&good)?, "e2e:e2e-secret")?;
    let bad = env.scratch.join("lrs-credentials-wrong");
    writeln!(std::fs::File::create(&bad)?, "e2e:not-it")?;
    let recorded = || {
        std::fs::read_to_string(data.join("fs_lrs.jsonl"))
            .map(|t| t.lines().count())
            .unwrap_or(0)
    };

    let cli = env.app.with_file_name("pathforge");
    let project = env.scratch.join("lrs.pathforge");
    let library = env.repo.join("sample-libraries/sales-onboarding");
    for args in [
        vec!["init".as_ref(), project.as_os_str()],
        vec!["import".as_ref(), project.as_os_str(), library.as_os_str()],
    ] {
        let out = std::process::Command::new(&cli).args(&args).output()?;
        ensure!(
            out.status.success(),
            "{:?}: {}",
            args,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let args = vec!["--project".to_owned(), project.display().to_string()];
    let total = with_app(env, &args, |c| async move {
        wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        c.find(Locator::Css("[data-testid=tab-export]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=lrs-source-curriculum]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("[data-testid=lrs-endpoint]"))
            .await?
            .send_keys(&endpoint)
            .await?;
        let credentials = c
            .find(Locator::Css("[data-testid=lrs-credentials]"))
            .await?;
        credentials.send_keys(&bad.display().to_string()).await?;
        c.find(Locator::Css("[data-testid=lrs-send]"))
            .await?
            .click()
            .await?;
        let problem = wait_for_text(&c, "[data-testid=lrs-problem]", "HTTP 401").await?;
        ensure!(
            problem.contains("credentials file") && !problem.contains("not-it"),
            "a wrong password is named in place, without repeating it: {problem}"
        );
        ensure!(recorded() == 0, "a refused sync recorded nothing");

        credentials.clear().await?;
        credentials.send_keys(&good.display().to_string()).await?;
        c.find(Locator::Css("[data-testid=lrs-check]"))
            .await?
            .click()
            .await?;
        let check = wait_for_text(&c, "[data-testid=lrs-result]", "Would send").await?;
        ensure!(recorded() == 0, "a check sends nothing: {check}");
        let total: usize = check
            .split_whitespace()
            .nth(4)
            .and_then(|n| n.parse().ok())
            .with_context(|| format!("“Would send N of M statements”: {check}"))?;
        c.find(Locator::Css("[data-testid=lrs-send]"))
            .await?
            .click()
            .await?;
        wait_for_text(
            &c,
            "[data-testid=lrs-result]",
            &format!("Sent {total} of {total}"),
        )
        .await?;
        screenshot(&c, env, "lrs-sent").await?;
        c.find(Locator::Css("[data-testid=lrs-send]"))
            .await?
            .click()
            .await?;
        wait_for_text(&c, "[data-testid=lrs-result]", "Nothing sent").await?;

        // The project's log says what went where, once: the refused send, the check and
        // the send that found everything there changed nothing anywhere.
        let rows = audit_rows(&c, "lrs").await?;
        let sent = format!(
            "Sent {total} statements of the curriculum to the learning record store at {endpoint} (0 it already had)"
        );
        ensure!(
            rows.len() == 1 && rows[0].contains(&sent),
            "the one sync that sent something is logged, with the LRS's address: {rows:?}"
        );
        Ok(total)
    })
    .await?;
    ensure!(
        total > 30,
        "the sample curriculum is more than its modules: {total}"
    );
    ensure!(
        recorded() == total,
        "Ralph recorded each statement once: {} lines for {total} statements",
        recorded()
    );
    Ok(())
}
