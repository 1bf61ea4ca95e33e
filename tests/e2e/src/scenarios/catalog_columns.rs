//! A catalog CSV whose columns Pathforge does not recognise: the window shows its header
//! and first rows, the user picks the id and title columns, and it imports.

use crate::*;

pub(crate) async fn catalog_columns(env: &Env) -> Result<()> {
    let csv = env.scratch.join("lms-export.csv");
    std::fs::write(
        &csv,
        "Course Code,Course Name,Blurb,Needs\nHS-1,Hand hygiene,Five moments.,\nHS-2,Aseptic technique,Key parts and key sites.,HS-1\n",
    )?;
    let project = env.scratch.join("columns.pathforge");
    let args = vec![
        "--project".to_owned(),
        project.display().to_string(),
        "--import".to_owned(),
        csv.display().to_string(),
    ];
    with_app(env, &args, |c| async move {
        let dialog = wait_for_text(&c, "[data-testid=columns-dialog]", "lms-export.csv").await?;
        ensure!(
            dialog.contains("does not recognise") && dialog.contains("Aseptic technique"),
            "the dialog says why and shows the rows: {dialog:?}"
        );
        let import = c.find(Locator::Css("[data-testid=columns-import]")).await?;
        ensure!(
            import.attr("disabled").await?.is_some(),
            "Import waits for the id and title columns"
        );
        for (field, header) in [
            ("id", "Course Code"),
            ("title", "Course Name"),
            ("description", "Blurb"),
            ("prerequisites", "Needs"),
        ] {
            c.find(Locator::Css(&format!("[data-testid=column-{field}]")))
                .await?
                .select_by_value(header)
                .await?;
        }
        screenshot(&c, env, "catalog-columns").await?;
        c.find(Locator::Css("[data-testid=columns-import]"))
            .await?
            .click()
            .await?;
        let count = wait_for_text(&c, "[data-testid=module-count]", "modules").await?;
        ensure!(count == "2 modules", "both courses import: {count:?}");
        let notice = text_of(&c, "[data-testid=notice]").await?;
        ensure!(notice.contains("2 added"), "the report says so: {notice:?}");
        Ok(())
    })
    .await?;
    let log = cli(env, &["log".as_ref(), project.as_os_str()])?;
    ensure!(
        log.contains("catalog.columns_mapped"),
        "the mapping is in the audit log: {log}"
    );
    Ok(())
}
