//! A library folder written for a test: Markdown modules with front matter and a
//! `pathforge.toml` declaring prerequisites, skills and tracks, so every crate's tests
//! (engine, session, the CLI) start from the same kind of input a user's folder is,
//! instead of each writing front matter and manifest text by hand.
//!
//! ```
//! let dir = std::env::temp_dir().join(format!("testkit-library-{}", std::process::id()));
//! let lib = testkit::Library::new()
//!     .module("a.md", "A", 10, &["stats"])
//!     .module("b.md", "B", 20, &["charts"])
//!     .requires("b.md", &["a.md"])
//!     .skill("stats", &[])
//!     .skill("charts", &["stats"])
//!     .track("analyst", &["charts"])
//!     .write(&dir);
//! let manifest = std::fs::read_to_string(lib.join("pathforge.toml")).unwrap();
//! assert!(manifest.contains("[[track]]"), "the manifest declares the track");
//! assert!(lib.join("b.md").is_file(), "each module is a file");
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A library folder to write.
#[derive(Debug, Clone, Default)]
pub struct Library {
    files: Vec<(String, String)>,
    manifest: String,
}

impl Library {
    pub fn new() -> Library {
        Library::default()
    }

    /// A Markdown module at `path` with its title, minutes and skill tags; its body is a
    /// sentence naming it.
    pub fn module(self, path: &str, title: &str, minutes: u32, tags: &[&str]) -> Library {
        let body = format!("Body of {title}.");
        self.module_text(path, title, Some(minutes), tags, &body)
    }

    /// A Markdown module with its own body text; without `minutes`, the importer estimates
    /// its duration from its length.
    pub fn module_text(
        mut self,
        path: &str,
        title: &str,
        minutes: Option<u32>,
        tags: &[&str],
        body: &str,
    ) -> Library {
        let minutes = minutes.map_or(String::new(), |m| format!("duration_minutes: {m}\n"));
        let text = format!(
            "---\ntitle: {title:?}\n{minutes}tags: [{}]\n---\n{body}\n",
            tags.join(", ")
        );
        self.files.push((path.to_owned(), text));
        self
    }

    /// Any file, as given (a broken module, a PDF's bytes as text…).
    pub fn file(mut self, path: &str, text: &str) -> Library {
        self.files.push((path.to_owned(), text.to_owned()));
        self
    }

    /// `module` requires all of `after`.
    pub fn requires(self, module: &str, after: &[&str]) -> Library {
        self.requires_group(module, after, "all-of")
    }

    /// `module` requires `after`, combined by `group` ("all-of" or "any-of").
    pub fn requires_group(mut self, module: &str, after: &[&str], group: &str) -> Library {
        let after: Vec<String> = after.iter().map(|a| format!("{a:?}")).collect();
        let _ = writeln!(
            self.manifest,
            "[[requires]]\nmodule = {module:?}\nafter = [{}]\ngroup = {group:?}\n",
            after.join(", ")
        );
        self
    }

    /// A skill (its name is the slug in capitals) requiring the skills `requires`.
    pub fn skill(mut self, slug: &str, requires: &[&str]) -> Library {
        let requires: Vec<String> = requires.iter().map(|r| format!("{r:?}")).collect();
        let _ = writeln!(
            self.manifest,
            "[[skill]]\nslug = {slug:?}\nname = {:?}\nrequires = [{}]\n",
            slug.to_uppercase(),
            requires.join(", ")
        );
        self
    }

    /// A track to the skills `targets`, at every level.
    pub fn track(mut self, slug: &str, targets: &[&str]) -> Library {
        let targets: Vec<String> = targets
            .iter()
            .map(|t| format!("{{ skill = {t:?} }}"))
            .collect();
        let _ = writeln!(
            self.manifest,
            "[[track]]\nslug = {slug:?}\nname = {:?}\ntargets = [{}]\n",
            slug.to_uppercase(),
            targets.join(", ")
        );
        self
    }

    /// Manifest text added as given (rules, cohorts, descriptions…).
    pub fn manifest(mut self, toml: &str) -> Library {
        self.manifest.push_str(toml);
        self.manifest.push('\n');
        self
    }

    /// Writes the folder (created if missing) and returns its path.
    pub fn write(&self, dir: &Path) -> PathBuf {
        for (path, text) in &self.files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("a file has a folder"))
                .expect("the test's folder can be created");
            std::fs::write(&path, text).expect("the test's file can be written");
        }
        std::fs::create_dir_all(dir).expect("the library folder can be created");
        if !self.manifest.is_empty() {
            std::fs::write(dir.join("pathforge.toml"), &self.manifest)
                .expect("the manifest can be written");
        }
        dir.to_path_buf()
    }
}
