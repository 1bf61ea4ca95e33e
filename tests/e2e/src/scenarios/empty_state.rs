//! Started without a project, the window shows its empty state and offers to create or open
//! one.

use crate::*;

pub(crate) async fn empty_state(env: &Env) -> Result<()> {
    with_app(env, &[], |c| async move {
        let text = text_of(&c, "[data-testid=empty-state]").await?;
        ensure!(
            text.contains("New project"),
            "the empty state offers to create a project: {text:?}"
        );
        screenshot(&c, env, "empty-state").await
    })
    .await
}
