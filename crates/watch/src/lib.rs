//! Watches library folders for the changes an import cares about — files created,
//! written, renamed or removed — and not for files being read: an import reads every file
//! of its library, and those reads must not set off the next import. Bursts of events (an
//! editor's save is several) settle for [`DEBOUNCE`] and arrive as one list of paths.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::event::{EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::notify::{self, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};

/// How long a burst of file events settles before it is reported.
pub const DEBOUNCE: Duration = Duration::from_millis(400);

/// Watching in progress; dropping it stops the watching.
pub struct Watch {
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watch")
    }
}

/// Whether an event changes what an import would read.
pub fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(m)) => {
            !matches!(m, MetadataKind::AccessTime | MetadataKind::Any)
        }
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// Watches `paths` (folders recursively, or single files) and calls `on_change` with the
/// paths of each settled burst of content changes. Paths that cannot be watched (gone,
/// unreadable) are returned with the error, and the others are still watched.
pub fn watch(
    paths: &[PathBuf],
    mut on_change: impl FnMut(Vec<PathBuf>) + Send + 'static,
) -> Result<(Watch, Vec<(PathBuf, notify::Error)>), notify::Error> {
    let mut debouncer = notify_debouncer_full::new_debouncer(
        DEBOUNCE,
        None,
        move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let mut changed: Vec<PathBuf> = events
                .into_iter()
                .filter(|e| changes_content(&e.event.kind))
                .flat_map(|e| e.event.paths)
                .collect();
            changed.sort();
            changed.dedup();
            if !changed.is_empty() {
                on_change(changed);
            }
        },
    )?;
    let mut refused = Vec::new();
    for path in paths {
        if let Err(e) = debouncer.watch(Path::new(path), RecursiveMode::Recursive) {
            refused.push((path.clone(), e));
        }
    }
    Ok((
        Watch {
            _debouncer: debouncer,
        },
        refused,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn writes_are_reported_once_and_reads_never() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let file = root.join("a.md");
        std::fs::write(&file, "# A").unwrap();
        let (tx, rx) = mpsc::channel();
        let (_watch, refused) = watch(std::slice::from_ref(&root), move |paths| {
            drop(tx.send(paths))
        })
        .unwrap();
        assert!(refused.is_empty(), "{refused:?}");

        // What an import does: open and read every file, many times over.
        for _ in 0..20 {
            std::fs::read(&file).unwrap();
            std::fs::read_dir(&root).unwrap().for_each(drop);
        }
        let quiet = rx.recv_timeout(DEBOUNCE * 4);
        assert!(
            quiet.is_err(),
            "reading files is not a change (else every import would set off the next): {quiet:?}"
        );

        std::fs::write(&file, "# A, saved").unwrap();
        let changed = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("a write is reported");
        assert!(
            changed.contains(&file),
            "the written file is named: {changed:?}"
        );
        assert!(
            rx.recv_timeout(DEBOUNCE * 3).is_err(),
            "one save, one report"
        );
    }

    #[test]
    fn a_missing_folder_is_refused_and_the_rest_still_watched() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let gone = root.join("gone");
        let (_watch, refused) = watch(&[gone.clone(), root.clone()], |_| ()).unwrap();
        assert_eq!(refused.len(), 1, "the missing folder is named");
        assert_eq!(refused[0].0, gone);
    }
}
