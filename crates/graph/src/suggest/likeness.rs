//! How alike two modules are — by the embedding model's vectors, else by their TF-IDF
//! words — worked out one pair, or a block of modules against every other, at a time: a
//! library's every pair is never kept at once, so its size is bounded by time, not memory.

use std::ops::Range;

use pulp::{Arch, Simd, WithSimd};

use super::text::Weights;

/// Cosine similarities of a library's modules (all vectors and word lists are unit
/// length, so a dot product is the cosine).
#[derive(Debug)]
pub(super) struct Likeness {
    vectors: Option<Vectors>,
    words: Vec<Weights>,
    /// For comparing by words: each word's texts and weight in them, by word number.
    postings: Vec<Vec<(u32, f64)>>,
}

/// Every module's vector, one after another, widened to f64 (exactly) once, so that
/// products need no conversion.
#[derive(Debug)]
struct Vectors {
    length: usize,
    all: Vec<f64>,
}

impl Vectors {
    fn of(&self, i: usize) -> &[f64] {
        &self.all[i * self.length..(i + 1) * self.length]
    }

    fn count(&self) -> usize {
        self.all.len().checked_div(self.length).unwrap_or(0)
    }
}

/// Some modules to compare one module with at once: by vectors, their sum (one product
/// then compares with all); by words, the modules themselves, in order.
#[derive(Debug, Clone)]
pub(super) enum Near {
    Sum(Vec<f64>),
    Modules(Vec<usize>),
}

impl Likeness {
    /// By `vectors` when given (one per module, of one length), else by `words`.
    pub fn new(vectors: Option<Vec<&[f32]>>, words: Vec<Weights>) -> Likeness {
        let mut postings: Vec<Vec<(u32, f64)>> = Vec::new();
        if vectors.is_none() {
            let count = words
                .iter()
                .flat_map(|w| w.iter().map(|x| x.0 as usize + 1))
                .max()
                .unwrap_or(0);
            postings = vec![Vec::new(); count];
            for (b, w) in words.iter().enumerate() {
                for &(word, y) in w {
                    postings[word as usize].push((b as u32, y));
                }
            }
        }
        Likeness {
            vectors: vectors.map(|v| Vectors {
                length: v.first().map_or(0, |x| x.len()),
                all: v.iter().flat_map(|x| x.iter().map(|x| *x as f64)).collect(),
            }),
            words,
            postings,
        }
    }

    pub fn by_vectors(&self) -> bool {
        self.vectors.is_some()
    }

    /// Each module's words (RefD reads them).
    pub fn words(&self) -> &[Weights] {
        &self.words
    }

    /// Gives modules compared by vectors their words, for RefD (they play no part in
    /// similarity then).
    pub fn set_words(&mut self, words: Vec<Weights>) {
        debug_assert!(
            self.vectors.is_some(),
            "by words, they were read at the start"
        );
        self.words = words;
    }

    /// The similarity of modules `a` and `b` (symmetric to the last bit).
    pub fn pair(&self, a: usize, b: usize) -> f64 {
        match &self.vectors {
            Some(v) => dot(v.of(a), v.of(b)),
            None => sparse_dot(&self.words[a], &self.words[b]),
        }
    }

    /// The similarities of each module of `block` to every module from `from` on (by
    /// words, to every module), `out[i]` for the `i`th: the same values [`Likeness::pair`]
    /// gives, summed in the same order. A block at once, so each module's vector is read
    /// from memory once per block, not once per row.
    pub fn rows(&self, block: Range<usize>, from: usize, out: &mut [Vec<f64>]) {
        match &self.vectors {
            Some(v) => Arch::new().dispatch(Rows {
                vectors: v,
                block,
                from,
                out,
            }),
            None => {
                for (a, o) in block.zip(out.iter_mut()) {
                    self.words_row(a, o);
                }
            }
        }
    }

    fn words_row(&self, a: usize, out: &mut [f64]) {
        out.fill(0.0);
        // Word by word in number order, as `sparse_dot` walks them.
        for &(word, x) in &self.words[a] {
            for &(b, y) in &self.postings[word as usize] {
                out[b as usize] += x * y;
            }
        }
    }

    /// `of`, to compare others with all of them at once ([`Likeness::with_near`]).
    pub fn near(&self, of: &[usize]) -> Near {
        match &self.vectors {
            Some(v) => {
                let mut s = vec![0.0; v.length];
                for &i in of {
                    for (s, x) in s.iter_mut().zip(v.of(i)) {
                        *s += x;
                    }
                }
                Near::Sum(s)
            }
            None => Near::Modules(of.to_vec()),
        }
    }

    /// `a`'s summed similarity to the modules of `near`.
    pub fn with_near(&self, a: usize, near: &Near) -> f64 {
        match (near, &self.vectors) {
            (Near::Sum(s), Some(v)) => dot(v.of(a), s),
            (Near::Modules(m), _) => m.iter().map(|&c| self.pair(a, c)).sum(),
            (Near::Sum(_), None) => 0.0,
        }
    }

    /// [`Likeness::with_near`] of each module of `block` and each of `near` from `from`
    /// on, into `out[i]` for the `i`th, given the block's [`Likeness::rows`]: the same to
    /// the bit.
    pub fn toward_rows(
        &self,
        block: Range<usize>,
        near: &[Near],
        from: usize,
        rows: &[Vec<f64>],
        out: &mut [Vec<f64>],
    ) {
        match &self.vectors {
            Some(v) => Arch::new().dispatch(Toward {
                vectors: v,
                block,
                near,
                from,
                out,
            }),
            None => {
                for (b, near) in near.iter().enumerate().skip(from) {
                    if let Near::Modules(m) = near {
                        for (row, o) in rows.iter().zip(out.iter_mut()) {
                            o[b] = m.iter().map(|&c| row[c]).sum();
                        }
                    }
                }
            }
        }
    }

    /// [`Likeness::with_near`] of every module from `from` on and each of `near`, into
    /// `out[i]` for the `i`th (`scratch` as long as a row, for words; there the modules
    /// before `from` are given too).
    pub fn near_rows(
        &self,
        near: &[&Near],
        from: usize,
        out: &mut [Vec<f64>],
        scratch: &mut [f64],
    ) {
        match &self.vectors {
            Some(v) => Arch::new().dispatch(Around {
                vectors: v,
                near,
                from,
                out,
            }),
            None => {
                for (near, o) in near.iter().zip(out.iter_mut()) {
                    if let Near::Modules(m) = near {
                        o.fill(0.0);
                        // Module by module in order, as `with_near` sums them.
                        for &c in m {
                            self.words_row(c, scratch);
                            for (o, x) in o.iter_mut().zip(scratch.iter()) {
                                *o += x;
                            }
                        }
                    }
                }
            }
        }
    }
}

// The loops over many products, each compiled for every kind of vector unit and run on the
// widest the processor has (`pulp`'s dispatch). The products and their order are written
// out in `dot`, so the sums are the same on any.

struct Rows<'a> {
    vectors: &'a Vectors,
    block: Range<usize>,
    from: usize,
    out: &'a mut [Vec<f64>],
}

impl WithSimd for Rows<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        for b in self.from..self.vectors.count() {
            let y = self.vectors.of(b);
            for (a, o) in self.block.clone().zip(self.out.iter_mut()) {
                o[b] = dot(self.vectors.of(a), y);
            }
        }
    }
}

struct Toward<'a> {
    vectors: &'a Vectors,
    block: Range<usize>,
    near: &'a [Near],
    from: usize,
    out: &'a mut [Vec<f64>],
}

impl WithSimd for Toward<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        for (b, near) in self.near.iter().enumerate().skip(self.from) {
            let Near::Sum(s) = near else {
                continue;
            };
            for (a, o) in self.block.clone().zip(self.out.iter_mut()) {
                o[b] = dot(self.vectors.of(a), s);
            }
        }
    }
}

struct Around<'a> {
    vectors: &'a Vectors,
    near: &'a [&'a Near],
    from: usize,
    out: &'a mut [Vec<f64>],
}

impl WithSimd for Around<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        for b in self.from..self.vectors.count() {
            let y = self.vectors.of(b);
            for (near, o) in self.near.iter().zip(self.out.iter_mut()) {
                if let Near::Sum(s) = near {
                    o[b] = dot(y, s);
                }
            }
        }
    }
}

/// Products summed in this many lanes, so the loop runs in the processor's vector units.
const LANES: usize = 8;

/// The dot product of two vectors of one length.
#[inline(always)]
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = [0.0f64; LANES];
    let (xs, ys) = (x.chunks_exact(LANES), y.chunks_exact(LANES));
    let tail: f64 = xs
        .remainder()
        .iter()
        .zip(ys.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in xs.zip(ys) {
        for i in 0..LANES {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// The dot product of two word lists sorted by word number, in that order.
fn sparse_dot(x: &Weights, y: &Weights) -> f64 {
    let (mut i, mut j, mut out) = (0, 0, 0.0);
    while i < x.len() && j < y.len() {
        match x[i].0.cmp(&y[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out += x[i].1 * y[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_gives_what_each_pair_gives() {
        fn check(likeness: &Likeness, why: &str) {
            let n = 4;
            let mut rows = vec![vec![0.0; n]; 3];
            likeness.rows(1..4, 0, &mut rows);
            let near = likeness.near(&[0, 2, 3]);
            let (mut toward, mut around) = (vec![vec![0.0; n]; 3], vec![vec![0.0; n]; 3]);
            likeness.toward_rows(1..4, &vec![near.clone(); n], 0, &rows, &mut toward);
            likeness.near_rows(&[&near, &near, &near], 0, &mut around, &mut vec![0.0; n]);
            for (i, a) in (1..4).enumerate() {
                for b in 0..n {
                    assert_eq!(
                        rows[i][b].to_bits(),
                        likeness.pair(a, b).to_bits(),
                        "{why}: ({a}, {b}) read in a row must be the pair's value to the bit, \
                         or rankings would depend on how it was read"
                    );
                    assert_eq!(
                        likeness.pair(a, b).to_bits(),
                        likeness.pair(b, a).to_bits(),
                        "{why}: similarity is symmetric to the bit"
                    );
                    assert_eq!(
                        around[i][b].to_bits(),
                        likeness.with_near(b, &near).to_bits(),
                        "{why}: every module against them at once, the same to the bit"
                    );
                }
                let each = [0, 2, 3].iter().map(|&b| likeness.pair(a, b)).sum::<f64>();
                assert!(
                    (likeness.with_near(a, &near) - each).abs() < 1e-12,
                    "{why}: one product with the sum is the sum of the products"
                );
                assert_eq!(
                    toward[i][n - 1].to_bits(),
                    likeness.with_near(a, &near).to_bits(),
                    "{why}: read from the row, the same to the bit"
                );
            }
        }
        let vectors: Vec<Vec<f32>> = (0..4)
            .map(|i| {
                (0..19)
                    .map(|d| ((i * 7 + d * 3) % 11) as f32 / 11.0 - 0.4)
                    .collect()
            })
            .collect();
        let words: Vec<Weights> = vec![
            vec![(0, 0.6), (2, 0.8)],
            vec![(1, 1.0)],
            vec![(0, 0.28), (1, 0.96)],
            vec![(0, 0.36), (2, 0.48), (3, 0.8)],
        ];
        check(
            &Likeness::new(
                Some(vectors.iter().map(Vec::as_slice).collect()),
                Vec::new(),
            ),
            "vectors (19 long: eight-lane chunks and a remainder)",
        );
        check(&Likeness::new(None, words), "words");
    }
}
