//! An SME without the app: the designer writes a review pack, the SME decides in headless
//! Chromium (a real browser, from a file:// page with nothing fetched) and saves the
//! decisions file, and the designer imports it; the project then holds the decisions under
//! the SME's name. First, a pack whose texts carry the hostile-input trial's strings
//! (`<!--<script>` once blanked the whole page) must list every item, as text.

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
    let made: serde_json::Value = cli_json(
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
    )?;
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
        hostile_pack(env, &c).await?;
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

    let applied: serde_json::Value = cli_json(
        env,
        &[
            "review".as_ref(),
            "import".as_ref(),
            project.as_os_str(),
            decisions.as_os_str(),
            "--json".as_ref(),
        ],
    )?;
    ensure!(
        applied["applied"] == 2 && applied["reviewer"] == "Dana Okafor",
        "the two decisions apply under the SME's name: {applied}"
    );
    let again: serde_json::Value = cli_json(
        env,
        &[
            "review".as_ref(),
            "import".as_ref(),
            project.as_os_str(),
            decisions.as_os_str(),
            "--json".as_ref(),
        ],
    )?;
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

/// Texts that end or confuse a script element when a pack's data is not escaped.
const HOSTILE: [&str; 4] = [
    "<!--<script>",
    "</script><script>document.body.innerHTML=''</script>",
    "<!-- -->x</SCRIPT >",
    "&lt;b&gt; & <b>bold</b>",
];

/// A pack rendered by the same function `pathforge review pack` uses, with the trial's
/// strings in every text field: Chromium lists every item and shows each string as text.
async fn hostile_pack(env: &Env, c: &Client) -> Result<()> {
    let item = |i: usize, text: &str| reviewpack::PackItem {
        module: format!("m{i}"),
        title: format!("{text} title"),
        skill: "s".into(),
        skill_name: text.into(),
        confidence: 0.9,
        state: "suggested".into(),
        text_hash: "h".into(),
        passages: vec![format!("{text} passage")],
        excerpt: text.into(),
    };
    let pack = reviewpack::Pack {
        format: reviewpack::PACK_FORMAT.into(),
        id: "hostile".into(),
        project_id: "p".into(),
        project_name: HOSTILE[0].into(),
        created: "2026-12-03".into(),
        items: HOSTILE
            .iter()
            .enumerate()
            .map(|(i, t)| item(i, t))
            .collect(),
    };
    let file = env.scratch.join("hostile-pack.html");
    std::fs::write(&file, reviewpack::render(&pack))?;
    c.goto(&format!("file://{}", file.display())).await?;
    let items = c.find_all(Locator::Css("[data-testid=item]")).await?;
    ensure!(
        items.len() == HOSTILE.len(),
        "a pack with the trial's strings lists all {} items, not {}",
        HOSTILE.len(),
        items.len()
    );
    let text = c.find(Locator::Css("main")).await?.text().await?;
    for h in HOSTILE {
        ensure!(
            text.contains(&format!("{h} title")),
            "{h:?} is shown as text: {text}"
        );
    }
    Ok(())
}
