//! Which pairs of modules a library orders on purpose. A folder is read in file-name
//! order, so "earlier in the library" says nothing of two files named `hand-hygiene.pdf`
//! and `welcome.html`, or of the files of two folders (`guides/`, `orientation/`), or of
//! two libraries; it does say something of `01-…` before `02-…`, of the items of a
//! package or the rows of a catalogue, which come in the order their author gave, and of
//! a whole library whose folders are not in name order (its manifest listed them).

use std::collections::{HashMap, HashSet};

/// The places of a project's modules as a tree of library → folders → files → items,
/// and, for each place, whether the order of what is directly in it was chosen.
#[derive(Debug)]
pub(super) struct Places {
    /// Per module, the places from its library down to itself.
    trail: Vec<Vec<usize>>,
    /// Per place, whether its contents are in an order someone chose.
    chosen: Vec<bool>,
}

impl Places {
    /// `modules` gives each module's library and its `/`-separated path in it, in library
    /// order.
    pub fn new<'a>(modules: impl Iterator<Item = (usize, &'a str)>) -> Places {
        let mut roots: HashMap<usize, usize> = HashMap::new();
        let mut ids: HashMap<(usize, &str), usize> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        // What is directly in each place, in library order, each once per run.
        let mut contents: Vec<Vec<usize>> = Vec::new();
        // Each place's library (the place of the library itself).
        let mut root: Vec<usize> = Vec::new();
        let mut trail = Vec::new();
        for (library, path) in modules {
            let mut at = *roots.entry(library).or_insert_with(|| {
                names.push("");
                contents.push(Vec::new());
                root.push(names.len() - 1);
                names.len() - 1
            });
            let mut here = vec![at];
            for part in path.split('/').filter(|p| !p.is_empty()) {
                let next = *ids.entry((at, part)).or_insert_with(|| {
                    names.push(part);
                    contents.push(Vec::new());
                    root.push(root[at]);
                    names.len() - 1
                });
                if contents[at].last() != Some(&next) {
                    contents[at].push(next);
                }
                here.push(next);
                at = next;
            }
            trail.push(here);
        }
        // A place with something inside that is named like a file is a package or a
        // catalogue: its contents are in its author's order, not read by name.
        let container = |p: usize| names[p].contains('.') && !contents[p].is_empty();
        let inside: Vec<Vec<&str>> = contents
            .iter()
            .map(|c| c.iter().map(|&i| names[i]).collect())
            .collect();
        let sorted: Vec<bool> = inside.iter().map(|n| by_name(n)).collect();
        // A library with a folder not in name order was put in order by someone.
        let authored: HashSet<usize> = (0..names.len())
            .filter(|&p| !container(p) && !sorted[p])
            .map(|p| root[p])
            .collect();
        let chosen = (0..names.len())
            .map(|p| {
                authored.contains(&root[p]) || container(p) || !sorted[p] || numbered(&inside[p])
            })
            .collect();
        Places { trail, chosen }
    }

    /// Whether modules `a` and `b` are in one library (their distance in the list then
    /// means something).
    pub fn together(&self, a: usize, b: usize) -> bool {
        self.trail[a][0] == self.trail[b][0]
    }

    /// Whether the library's order of modules `a` and `b` was chosen by someone: they are
    /// in one library, and where their places part the order was chosen.
    pub fn ordered(&self, a: usize, b: usize) -> bool {
        let (x, y) = (&self.trail[a], &self.trail[b]);
        match x.iter().zip(y).position(|(p, q)| p != q) {
            Some(0) => false,
            Some(part) => self.chosen[x[part - 1]],
            // One inside the other, or both at one place: nothing was sorted between them.
            None => true,
        }
    }
}

/// Whether names are listed as reading a folder lists them: in ascending order of their
/// bytes.
fn by_name(names: &[&str]) -> bool {
    names.windows(2).all(|w| w[0] <= w[1])
}

/// Whether every name is numbered (`01-basics.md`, `week-2`): names sorted so are in the
/// order their author numbered.
fn numbered(names: &[&str]) -> bool {
    names.iter().all(|n| n.bytes().any(|b| b.is_ascii_digit()))
}
