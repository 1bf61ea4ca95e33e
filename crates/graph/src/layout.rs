//! A layered (Sugiyama-style) drawing of the prerequisite graph, left to right, computed
//! here rather than in the webview: a JavaScript layered layout (dagre) takes over 20 s on a
//! 2,000-module, 5,000-edge catalogue, this takes milliseconds.
//!
//! Layers are longest paths from the sources (a module sits right of everything it needs);
//! a module that only unlocks others is pulled right next to the first of them; within a
//! layer, modules are ordered by the barycentre of their neighbours, sweeping down and up a
//! few times, which removes most crossings. Modules on a cycle (the linter reports it) are
//! placed after their placed prerequisites; nothing loops.

/// Where each node goes: its layer (column, from 0) and its rank within the layer (row,
/// from 0), by node index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub layer: usize,
    pub rank: usize,
}

/// Number of barycentre sweeps (each one down and one up).
const SWEEPS: usize = 6;

/// Lays out `n` nodes with edges `(before, after)` (indexes; out-of-range edges ignored).
pub fn layered(n: usize, edges: &[(usize, usize)]) -> Vec<Slot> {
    let (rows, _) = layered_rows(n, edges, SWEEPS);
    let mut out = vec![Slot { layer: 0, rank: 0 }; n];
    for (l, row) in rows.iter().enumerate() {
        for (r, &v) in row.iter().enumerate() {
            if v < n {
                out[v] = Slot { layer: l, rank: r };
            }
        }
    }
    out
}

/// The layers in order, dummies (index ≥ n) included, and every node's predecessors.
fn layered_rows(
    n: usize,
    edges: &[(usize, usize)],
    sweeps: usize,
) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(b, a) in edges {
        if b < n && a < n && b != a {
            preds[a].push(b);
            succs[b].push(a);
        }
    }
    let order = crate::order(n, edges);

    // Longest path from the sources; a prerequisite not yet placed (a cycle) is skipped.
    let mut layer: Vec<Option<usize>> = vec![None; n];
    for &v in &order {
        let l = preds[v]
            .iter()
            .filter_map(|&u| layer[u])
            .map(|l| l + 1)
            .max()
            .unwrap_or(0);
        layer[v] = Some(l);
    }
    let mut layer: Vec<usize> = layer.into_iter().map(|l| l.unwrap_or(0)).collect();
    // Sources move right, next to the first module they unlock.
    for &v in order.iter().rev() {
        if preds[v].is_empty() {
            if let Some(first) = succs[v].iter().map(|&s| layer[s]).min() {
                layer[v] = first.saturating_sub(1).max(layer[v]);
            }
        }
    }

    let layers = layer.iter().copied().max().map_or(0, |m| m + 1);
    // A prerequisite spanning several layers passes through one dummy node per layer it
    // crosses, so long edges take part in the ordering (and leave room to be drawn).
    let (mut up, mut down): (Vec<Vec<usize>>, Vec<Vec<usize>>) =
        (vec![Vec::new(); n], vec![Vec::new(); n]);
    let mut at_layer = layer.clone();
    for &(b, a) in edges {
        if b >= n || a >= n || b == a || layer[a] <= layer[b] {
            continue;
        }
        let mut from = b;
        for l in layer[b] + 1..layer[a] {
            let dummy = up.len();
            up.push(vec![from]);
            down.push(Vec::new());
            at_layer.push(l);
            down[from].push(dummy);
            from = dummy;
        }
        down[from].push(a);
        up[a].push(from);
    }
    let (preds, succs) = (up, down);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for &v in &order {
        rows[layer[v]].push(v);
    }
    // Dummies start next to where their chain starts.
    for (d, &l) in at_layer.iter().enumerate().skip(n) {
        rows[l].push(d);
    }
    // Position of each node within its layer, in 0..=1, so layers of any size compare.
    let mut pos = vec![0.0f64; preds.len()];
    let place = |rows: &[Vec<usize>], pos: &mut [f64]| {
        for row in rows {
            let len = row.len().max(2) - 1;
            for (i, &v) in row.iter().enumerate() {
                pos[v] = i as f64 / len as f64;
            }
        }
    };
    place(&rows, &mut pos);
    for _ in 0..sweeps {
        for l in 1..layers {
            reorder(&mut rows[l], &preds, &pos);
            place(&rows[l..=l], &mut pos);
        }
        for l in (0..layers.saturating_sub(1)).rev() {
            reorder(&mut rows[l], &succs, &pos);
            place(&rows[l..=l], &mut pos);
        }
    }

    (rows, preds)
}

/// Crossings between every pair of segments (dummies included) of adjacent layers: the
/// figure the ordering lowers.
#[cfg(test)]
fn segment_crossings(rows: &[Vec<usize>], preds: &[Vec<usize>]) -> usize {
    let mut rank = vec![0; preds.len()];
    for row in rows {
        for (r, &v) in row.iter().enumerate() {
            rank[v] = r;
        }
    }
    let mut count = 0;
    for row in rows.iter().skip(1) {
        let segs: Vec<(usize, usize)> = row
            .iter()
            .flat_map(|&v| preds[v].iter().map(move |&u| (u, v)))
            .map(|(u, v)| (rank[u], rank[v]))
            .collect();
        for (i, a) in segs.iter().enumerate() {
            for b in &segs[i + 1..] {
                if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                    count += 1;
                }
            }
        }
    }
    count
}

/// Sorts a layer by the mean position of each node's neighbours on the other side; a node
/// without neighbours keeps its place.
fn reorder(row: &mut [usize], neighbours: &[Vec<usize>], pos: &[f64]) {
    let key: Vec<(f64, usize)> = row
        .iter()
        .map(|&v| {
            let ns = &neighbours[v];
            let k = if ns.is_empty() {
                pos[v]
            } else {
                ns.iter().map(|&u| pos[u]).sum::<f64>() / ns.len() as f64
            };
            (k, v)
        })
        .collect();
    let mut keyed = key;
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (slot, (_, v)) in row.iter_mut().zip(keyed) {
        *slot = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn barycentre_sweeps_remove_most_crossings_of_a_curriculum() {
        // Each of 400 modules needs two or three of the 30 before it.
        let n = 400;
        let mut pairs = Vec::new();
        for i in 1..n {
            for k in 0..(2 + i % 2).min(i) {
                pairs.push((i - 1 - (i * 7 + k * 5) % i.min(30), i));
            }
        }
        let (rows, preds) = layered_rows(n, &pairs, 0);
        let unordered = segment_crossings(&rows, &preds);
        let (rows, preds) = layered_rows(n, &pairs, SWEEPS);
        let ordered = segment_crossings(&rows, &preds);
        assert!(
            ordered * 4 < unordered,
            "ordering by barycentres cuts the crossings (long edges included) at least fourfold: {ordered} vs {unordered}"
        );
    }
}
