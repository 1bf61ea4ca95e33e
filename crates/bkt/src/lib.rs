//! Bayesian Knowledge Tracing fitted from real answers, so simulations start from how
//! learners actually learn each skill.
//!
//! A skill is a two-state hidden Markov model: unknown or known. Before the first answer
//! it is known with `prior`; after each answer an unknown skill becomes known with
//! `learn` and a known one is forgotten with `forget` (0 unless fitting with forgetting);
//! an answer is correct with `guess` when unknown and `1 - slip` when known. [`fit`] runs
//! expectation-maximisation (Baum–Welch, scaled forward–backward), as pyBKT does, from a
//! few fixed starting points: each start runs a few steps, and the best one runs on to
//! convergence, accelerated by SQUAREM (Varadhan & Roland, 2008: an extrapolation along
//! two EM steps, kept only when it does not lower the likelihood — so EM's guarantee
//! holds). Answers are summed in fixed chunks, so a fit is the same bit for bit on any
//! number of threads; callers order sequences by a stable key, so it does not depend on
//! the order rows came in either.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One skill's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Params {
    pub prior: f64,
    pub learn: f64,
    pub guess: f64,
    pub slip: f64,
    pub forget: f64,
}

/// How to fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Fit `forget` too (else it stays 0).
    pub forgets: bool,
    /// At most this many (accelerated) iterations for the winning start.
    pub max_iterations: usize,
    /// Stop when an iteration raises the log-likelihood by less than this fraction of it.
    pub tolerance: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            forgets: false,
            max_iterations: 300,
            tolerance: 1e-10,
        }
    }
}

/// Iterations each start runs before the best one is carried on.
const SCOUTING: usize = 3;

/// A fit: the parameters, the data's log-likelihood under them, and the log-likelihood
/// after each iteration of the winning start (EM never lowers it).
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub params: Params,
    pub log_likelihood: f64,
    pub history: Vec<f64>,
}

/// Where EM starts: varied enough that one start lands in the best optimum, and the same
/// every run.
const STARTS: [Params; 4] = [
    Params {
        prior: 0.5,
        learn: 0.1,
        guess: 0.2,
        slip: 0.1,
        forget: 0.0,
    },
    Params {
        prior: 0.2,
        learn: 0.3,
        guess: 0.1,
        slip: 0.2,
        forget: 0.0,
    },
    Params {
        prior: 0.8,
        learn: 0.05,
        guess: 0.3,
        slip: 0.05,
        forget: 0.0,
    },
    Params {
        prior: 0.35,
        learn: 0.5,
        guess: 0.25,
        slip: 0.25,
        forget: 0.0,
    },
];

/// Keeps probabilities away from 0 and 1, where EM cannot move them again.
const FLOOR: f64 = 1e-6;

/// Fits one skill's parameters to `sequences` (each one learner's answers, in order).
pub fn fit(sequences: &[Vec<bool>], options: Options) -> Fit {
    let data = Flat::new(sequences);
    let run = |start: Params, iterations: usize, history: &mut Vec<f64>| {
        let mut params = start;
        for _ in 0..iterations {
            let (next, ll) = squarem_step(&data, params, options.forgets);
            let gain = history.last().map(|last| ll - last);
            history.push(ll);
            params = next;
            if gain.is_some_and(|g| g <= options.tolerance * ll.abs()) {
                break;
            }
        }
        params
    };
    let mut scouted: Vec<(Params, f64, Vec<f64>)> = STARTS
        .iter()
        .map(|&start| {
            let start = Params {
                forget: if options.forgets { 0.05 } else { 0.0 },
                ..start
            };
            let mut history = Vec::new();
            let params = run(start, SCOUTING, &mut history);
            let ll = *history.last().expect("scouting ran");
            (params, ll, history)
        })
        .collect();
    scouted.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (params, _, mut history) = scouted.swap_remove(0);
    let params = run(params, options.max_iterations, &mut history);
    let ll = data.expected_counts(params).1;
    history.push(ll);
    Fit {
        params,
        log_likelihood: ll,
        history,
    }
}

/// One plain EM step: the next parameters and the log-likelihood of `p`.
fn em_step(data: &Flat, p: Params, forgets: bool) -> (Params, f64) {
    let (counts, ll) = data.expected_counts(p);
    (counts.maximise(forgets), ll)
}

/// One SQUAREM iteration from `p`: two EM steps, an extrapolation along them, and one EM
/// step from there; when the extrapolation would lower the likelihood, the two plain
/// steps are kept instead. Returns the new parameters (whose likelihood is never below
/// `p`'s) and `p`'s log-likelihood. Three E-steps.
fn squarem_step(data: &Flat, p: Params, forgets: bool) -> (Params, f64) {
    let (p1, ll) = em_step(data, p, forgets);
    let (p2, ll1) = em_step(data, p1, forgets);
    let (x0, x1, x2) = (vector(p), vector(p1), vector(p2));
    let r: Vec<f64> = (0..5).map(|i| x1[i] - x0[i]).collect();
    let v: Vec<f64> = (0..5).map(|i| x2[i] - x1[i] - r[i]).collect();
    let norm = |x: &[f64]| x.iter().map(|a| a * a).sum::<f64>().sqrt();
    if norm(&v) == 0.0 || norm(&r) == 0.0 {
        return (p2, ll);
    }
    let alpha = (-norm(&r) / norm(&v)).min(-1.0);
    let jump: Vec<f64> = (0..5)
        .map(|i| x0[i] - 2.0 * alpha * r[i] + alpha * alpha * v[i])
        .collect();
    let (next, jumped_ll) = em_step(data, params_of(&jump, forgets), forgets);
    // EM from the jump never goes below the jump; the jump must not go below p1 (which
    // is not below p), or the plain steps are kept.
    match jumped_ll >= ll1 {
        true => (next, ll),
        false => (p2, ll),
    }
}

fn vector(p: Params) -> [f64; 5] {
    [p.prior, p.learn, p.guess, p.slip, p.forget]
}

/// Parameters from a vector, each kept inside (0, 1).
fn params_of(x: &[f64], forgets: bool) -> Params {
    let clamp = |v: f64| v.clamp(FLOOR, 1.0 - FLOOR);
    Params {
        prior: clamp(x[0]),
        learn: clamp(x[1]),
        guess: clamp(x[2]),
        slip: clamp(x[3]),
        forget: if forgets { clamp(x[4]) } else { 0.0 },
    }
}

/// The log-likelihood of `sequences` under `params`.
pub fn log_likelihood(sequences: &[Vec<bool>], params: Params) -> f64 {
    Flat::new(sequences).expected_counts(params).1
}

/// P(correct) before each answer of `answers`, from the answers before it.
pub fn predict(answers: &[bool], params: Params) -> Vec<f64> {
    let mut known = params.prior;
    answers
        .iter()
        .map(|&correct| {
            let p = known * (1.0 - params.slip) + (1.0 - known) * params.guess;
            known = after_answer(known, correct, params);
            p
        })
        .collect()
}

/// P(known) after an answer, given P(known) before it: the Bayes update on the answer,
/// then the chance to learn (or forget).
pub fn after_answer(known: f64, correct: bool, p: Params) -> f64 {
    let (if_known, if_unknown) = match correct {
        true => (1.0 - p.slip, p.guess),
        false => (p.slip, 1.0 - p.guess),
    };
    let evidence = known * if_known + (1.0 - known) * if_unknown;
    let posterior = match evidence > 0.0 {
        true => known * if_known / evidence,
        false => known,
    };
    posterior * (1.0 - p.forget) + (1.0 - posterior) * p.learn
}

/// The area under the ROC curve of `scored` (prediction, outcome): the chance that a
/// correct answer was predicted higher than an incorrect one (ties count half).
pub fn auc(scored: &[(f64, bool)]) -> f64 {
    let mut sorted: Vec<(f64, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = sorted.iter().filter(|s| s.1).count() as f64;
    let negatives = sorted.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return 0.5;
    }
    // Rank sum of the positives, with tied scores sharing their average rank.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        let average_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += sorted[i..j].iter().filter(|s| s.1).count() as f64 * average_rank;
        i = j;
    }
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

/// Expected counts of the E-step, summed over sequences.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    sequences: f64,
    prior_known: f64,
    learned: f64,
    could_learn: f64,
    forgot: f64,
    could_forget: f64,
    correct_unknown: f64,
    unknown: f64,
    wrong_known: f64,
    known: f64,
}

impl Counts {
    fn add(mut self, o: Counts) -> Counts {
        self.sequences += o.sequences;
        self.prior_known += o.prior_known;
        self.learned += o.learned;
        self.could_learn += o.could_learn;
        self.forgot += o.forgot;
        self.could_forget += o.could_forget;
        self.correct_unknown += o.correct_unknown;
        self.unknown += o.unknown;
        self.wrong_known += o.wrong_known;
        self.known += o.known;
        self
    }

    /// The M-step: the parameters that maximise the expected log-likelihood.
    fn maximise(&self, forgets: bool) -> Params {
        let ratio = |a: f64, b: f64, default: f64| match b > 0.0 {
            true => (a / b).clamp(FLOOR, 1.0 - FLOOR),
            false => default,
        };
        Params {
            prior: ratio(self.prior_known, self.sequences, 0.5),
            learn: ratio(self.learned, self.could_learn, 0.1),
            guess: ratio(self.correct_unknown, self.unknown, 0.2),
            slip: ratio(self.wrong_known, self.known, 0.1),
            forget: match forgets {
                true => ratio(self.forgot, self.could_forget, 0.0),
                false => 0.0,
            },
        }
    }
}

/// Sequences are summed in chunks of this many, in order, so the sums do not depend on
/// how rayon splits the work.
const CHUNK: usize = 256;

/// All answers in one buffer, each sequence a range of it: read straight through.
struct Flat {
    answers: Vec<bool>,
    /// Where each sequence starts (and, last, where the final one ends).
    starts: Vec<usize>,
}

impl Flat {
    fn new(sequences: &[Vec<bool>]) -> Flat {
        let mut answers = Vec::with_capacity(sequences.iter().map(Vec::len).sum());
        let mut starts = Vec::with_capacity(sequences.len() + 1);
        for s in sequences {
            starts.push(answers.len());
            answers.extend_from_slice(s);
        }
        starts.push(answers.len());
        Flat { answers, starts }
    }

    /// The E-step over all sequences: expected counts and the log-likelihood.
    fn expected_counts(&self, p: Params) -> (Counts, f64) {
        let n = self.starts.len() - 1;
        let chunks: Vec<usize> = (0..n).step_by(CHUNK).collect();
        let partial: Vec<(Counts, f64)> = chunks
            .par_iter()
            .map(|&first| {
                let mut scratch = Scratch::default();
                let mut counts = Counts::default();
                let mut ll = 0.0;
                for i in first..(first + CHUNK).min(n) {
                    let seq = &self.answers[self.starts[i]..self.starts[i + 1]];
                    ll += forward_backward(seq, p, &mut scratch, &mut counts);
                }
                (counts, ll)
            })
            .collect();
        partial
            .into_iter()
            .fold((Counts::default(), 0.0), |(c, ll), (c2, ll2)| {
                (c.add(c2), ll + ll2)
            })
    }
}

/// Buffers reused across the sequences of a chunk.
#[derive(Default)]
struct Scratch {
    /// Forward probabilities (unknown, known) after each answer, up to a factor per
    /// position (they are rescaled only when they grow small).
    alpha: Vec<[f64; 2]>,
}

/// Forward and backward probabilities are rescaled only below this, so their recursions
/// are chains of multiply-adds with no division; posteriors are normalised per position,
/// off those chains, which makes the constant factors cancel.
const TINY: f64 = 1e-150;

/// Forward–backward on one sequence: adds its expected counts to `c`; returns its
/// log-likelihood.
fn forward_backward(answers: &[bool], p: Params, s: &mut Scratch, c: &mut Counts) -> f64 {
    let n = answers.len();
    if n == 0 {
        return 0.0;
    }
    // P(answer | unknown), P(answer | known), for a correct and a wrong answer.
    let on_correct = [p.guess, 1.0 - p.slip];
    let on_wrong = [1.0 - p.guess, p.slip];
    let (learn, forget) = (p.learn, p.forget);
    s.alpha.resize(n, [0.0; 2]);

    let (mut a0, mut a1) = (1.0 - p.prior, p.prior);
    let mut log_scale = 0.0;
    for (t, (&correct, alpha)) in answers.iter().zip(s.alpha.iter_mut()).enumerate() {
        if t > 0 {
            (a0, a1) = (
                a0 * (1.0 - learn) + a1 * forget,
                a0 * learn + a1 * (1.0 - forget),
            );
        }
        let e = if correct { on_correct } else { on_wrong };
        a0 *= e[0];
        a1 *= e[1];
        let sum = a0 + a1;
        if sum < TINY {
            let i = 1.0 / sum.max(f64::MIN_POSITIVE);
            a0 *= i;
            a1 *= i;
            log_scale += sum.max(f64::MIN_POSITIVE).ln();
        }
        *alpha = [a0, a1];
    }
    let ll = log_scale + (a0 + a1).max(f64::MIN_POSITIVE).ln();

    c.sequences += 1.0;
    let (mut b0, mut b1) = (1.0, 1.0);
    for t in (0..n).rev() {
        let [al0, al1] = s.alpha[t];
        let (g0, g1) = (al0 * b0, al1 * b1);
        let ig = 1.0 / (g0 + g1);
        let (g0, g1) = (g0 * ig, g1 * ig);
        if answers[t] {
            c.correct_unknown += g0;
        } else {
            c.wrong_known += g1;
        }
        c.unknown += g0;
        c.known += g1;
        if t + 1 < n {
            c.could_learn += g0;
            c.could_forget += g1;
        }
        if t == 0 {
            c.prior_known += g1;
            break;
        }
        // Transitions t-1 → t, with beta and the emission at t.
        let e = if answers[t] { on_correct } else { on_wrong };
        let (eb0, eb1) = (e[0] * b0, e[1] * b1);
        let [p0, p1] = s.alpha[t - 1];
        let w00 = p0 * (1.0 - learn) * eb0;
        let w01 = p0 * learn * eb1;
        let w10 = p1 * forget * eb0;
        let w11 = p1 * (1.0 - forget) * eb1;
        let iw = 1.0 / (w00 + w01 + w10 + w11);
        c.learned += w01 * iw;
        c.forgot += w10 * iw;
        // beta at t-1.
        (b0, b1) = (
            (1.0 - learn) * eb0 + learn * eb1,
            forget * eb0 + (1.0 - forget) * eb1,
        );
        if b0 + b1 < TINY {
            let i = 1.0 / (b0 + b1).max(f64::MIN_POSITIVE);
            b0 *= i;
            b1 *= i;
        }
    }
    ll
}

#[cfg(test)]
mod tests;
