//! Which pairs of modules a library orders on purpose. A folder is read in file-name
//! order, so "earlier in the library" says nothing of two files named `hand-hygiene.pdf`
//! and `welcome.html`, or of the files of two folders (`guides/`, `orientation/`), or of
//! two libraries; it does say something of `01-…` before `02-…`, and of the items of a
//! package or the rows of a catalogue, which come in the order their author gave.

use std::collections::HashMap;

/// The places of a project's modules as a tree of library → folders → files → items,
/// and, for each place, whether the order of what is directly in it was chosen.
#[derive(Debug)]
pub(super) struct Places {
    /// Per module, the places from its library down to itself.
    trail: Vec<Vec<usize>>,
    /// Per place, whether its contents are in an order someone chose (see [`chosen`]).
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
        let mut trail = Vec::new();
        for (library, path) in modules {
            let mut at = *roots.entry(library).or_insert_with(|| {
                names.push("");
                contents.push(Vec::new());
                names.len() - 1
            });
            let mut here = vec![at];
            for part in path.split('/').filter(|p| !p.is_empty()) {
                let next = *ids.entry((at, part)).or_insert_with(|| {
                    names.push(part);
                    contents.push(Vec::new());
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
        let chosen = contents
            .iter()
            .map(|inside| chosen(&inside.iter().map(|&p| names[p]).collect::<Vec<_>>()))
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

/// Whether names listed in this order were put so by someone: a list in ascending order of
/// its bytes is what reading a folder gives, and says nothing unless every name is
/// numbered (`01-basics.md`, `week-2`).
fn chosen(names: &[&str]) -> bool {
    let sorted = names.windows(2).all(|w| w[0] <= w[1]);
    !sorted || names.iter().all(|n| n.bytes().any(|b| b.is_ascii_digit()))
}
