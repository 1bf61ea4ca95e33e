//! Depths in the skill taxonomy, a forest given by parent pointers: every reader that
//! orders skills parents first (a library's manifest, a framework file, the project)
//! shares this one linear walk instead of climbing from each skill to its root.

/// Each node's depth (roots 0), or `None` for a node on a loop of parents or under one.
/// Linear: each walk stops at a node whose depth is already known, then fills its path.
pub fn depths(parent: &[Option<usize>]) -> Vec<Option<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Unknown,
        Walking,
        Looped,
        Depth(usize),
    }
    let mut state = vec![State::Unknown; parent.len()];
    let mut path = Vec::new();
    for start in 0..parent.len() {
        path.clear();
        let mut at = Some(start);
        let mut base = Some(0);
        while let Some(i) = at {
            match state[i] {
                State::Unknown => {
                    state[i] = State::Walking;
                    path.push(i);
                    at = parent[i];
                }
                State::Walking | State::Looped => {
                    base = None;
                    break;
                }
                State::Depth(d) => {
                    base = Some(d + 1);
                    break;
                }
            }
        }
        for (k, &i) in path.iter().rev().enumerate() {
            state[i] = base.map_or(State::Looped, |b| State::Depth(b + k));
        }
    }
    state
        .into_iter()
        .map(|s| match s {
            State::Depth(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// A loop of parents, if there is one: its nodes in parent order, the first repeated at
/// the end (`a → b → a`), for an error message.
pub fn first_loop(parent: &[Option<usize>]) -> Option<Vec<usize>> {
    let start = depths(parent).iter().position(Option::is_none)?;
    let mut seen = std::collections::HashMap::new();
    let mut chain = Vec::new();
    let mut at = start;
    loop {
        if let Some(&from) = seen.get(&at) {
            let mut cycle: Vec<usize> = chain[from..].to_vec();
            cycle.push(at);
            return Some(cycle);
        }
        seen.insert(at, chain.len());
        chain.push(at);
        at = parent[at].expect("a node under a loop has a parent");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        parent: &[Option<usize>],
        depths_: &[Option<usize>],
        cycle: Option<&[usize]>,
        why: &str,
    ) {
        assert_eq!(depths(parent), depths_, "{why}: depths");
        assert_eq!(first_loop(parent).as_deref(), cycle, "{why}: loop");
    }

    #[test]
    fn depths_count_parents_and_loops_are_named() {
        check(&[], &[], None, "nothing to walk");
        check(
            &[Some(2), None, Some(1), Some(0)],
            &[Some(2), Some(0), Some(1), Some(3)],
            None,
            "children listed before their parents still get their depth",
        );
        check(
            &[None, Some(2), Some(1), Some(2)],
            &[Some(0), None, None, None],
            Some(&[1, 2, 1]),
            "a loop and what hangs under it have no depth; the loop is named once round",
        );
        check(&[Some(0)], &[None], Some(&[0, 0]), "a skill its own parent");
        let chain: Vec<Option<usize>> = (0..100_000usize).map(|i| i.checked_sub(1)).collect();
        assert_eq!(
            depths(&chain)[99_999],
            Some(99_999),
            "a 100,000-deep chain is walked once, not once per node"
        );
    }
}
