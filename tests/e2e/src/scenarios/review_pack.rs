//! An SME without the app: the designer writes a review pack, the SME decides in headless
//! Chromium (a real browser, from a file:// page with nothing fetched) and saves the
//! decisions file, and the designer imports it; the project then holds the decisions under
//! the SME's name.

use crate::*;

pub(crate) async fn review_pack(env: &Env) -> Result<()> {
    let driver = env
        .chrome_driver
        .clone()
        .context("no --chrome-driver: .ci/e2e starts chromedriver (Debian's chromium-driver)")?;
    let project = env.scratch.join("pack.pathforge");
    new_project(
        env,
        &project,
        &env.repo.join("sample-libraries/sales-onboarding"),
    )?;
    cli(env, &["tag".as_ref(), project.as_os_str()])?;
    let pack = env.scratch.join("review-pack.html");
    let _ = std::fs::remove_file(&pack);
    let made: serde_json::Value = serde_json::from_str(&cli(
        env,
        &[
            "review".as_ref(),
            "pack".as_ref(),
            project.as_os_str(),
            "--min".as_ref(),
            "0.7".as_ref(),
            "--out".as_ref(),
            pack.as_os_str(),
            "--json".as_ref(),
        ],
    )?)?;
    let count = made["suggestions"].as_u64().context("the pack's size")? as usize;
    ensure!(count >= 2, "the pack holds suggestions to decide: {made}");
    let downloads = env.scratch.join("downloads");
    let _ = std::fs::remove_dir_all(&downloads);
    std::fs::create_dir_all(&downloads)?;

    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
            },
        }),
    );
    let c = tokio::time::timeout(
        WAIT,
        ClientBuilder::native().capabilities(caps).connect(&driver),
    )
    .await
    .context("starting headless Chromium timed out")?
    .context("chromedriver refused the session")?;
    let result = async {
        c.goto(&format!("file://{}", pack.display())).await?;
        let items = c.find_all(Locator::Css("[data-testid=item]")).await?;
        ensure!(
            items.len() == count,
            "the page lists {} of {count} suggestions",
            items.len()
        );
        items[0]
            .find(Locator::Css("[data-testid=accept]"))
            .await?
            .click()
            .await?;
        let items = c.find_all(Locator::Css("[data-testid=item]")).await?;
        items[1]
            .find(Locator::Css("[data-testid=reject]"))
            .await?
            .click()
            .await?;
        let items = c.find_all(Locator::Css("[data-testid=item]")).await?;
        items[1]
            .find(Locator::Css("[data-testid=note]"))
            .await?
            .send_keys("Too general for this module")
            .await?;
        c.find(Locator::Css("#save")).await?.click().await?;
        let status = c.find(Locator::Css("#status")).await?.text().await?;
        ensure!(
            status.contains("Write your name"),
            "saving asks for a name first: {status:?}"
        );
        c.find(Locator::Css("#reviewer"))
            .await?
            .send_keys("Dana Okafor")
            .await?;
        c.find(Locator::Css("#save")).await?.click().await?;
        let png = c.screenshot().await?;
        std::fs::write(env.out.join("review-pack.png"), png)?;
        let started = std::time::Instant::now();
        loop {
            let saved: Vec<PathBuf> = std::fs::read_dir(&downloads)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            if let Some(file) = saved.into_iter().next() {
                return Ok(file);
            }
            ensure!(
                started.elapsed() < WAIT,
                "the browser saved no decisions file"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    .await;
    let _ = tokio::time::timeout(WAIT, c.close()).await;
    let decisions = result?;

    let applied: serde_json::Value = serde_json::from_str(&cli(
        env,
        &[
            "review".as_ref(),
            "import".as_ref(),
            project.as_os_str(),
            decisions.as_os_str(),
            "--json".as_ref(),
        ],
    )?)?;
    ensure!(
        applied["applied"] == 2 && applied["reviewer"] == "Dana Okafor",
        "the two decisions apply under the SME's name: {applied}"
    );
    let again: serde_json::Value = serde_json::from_str(&cli(
        env,
        &[
            "review".as_ref(),
            "import".as_ref(),
            project.as_os_str(),
            decisions.as_os_str(),
            "--json".as_ref(),
        ],
    )?)?;
    ensure!(
        again["applied"] == 0 && again["already"] == 2,
        "importing the same file again changes nothing: {again}"
    );
    let log = cli(env, &["log".as_ref(), project.as_os_str()])?;
    ensure!(log.contains("Dana Okafor"), "the audit log names the SME");
    cli(
        env,
        &["audit".as_ref(), "verify".as_ref(), project.as_os_str()],
    )?;
    Ok(())
}
