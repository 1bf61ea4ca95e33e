//! The properties pyBKT's own tests check, on data generated here: parameters recovered,
//! EM never lowering the likelihood, results independent of order and threads, and a
//! correct answer never lowering mastery.

use super::*;

/// SplitMix64, so generated data is the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `learners` sequences of `length` answers drawn from `p`.
fn generate(p: Params, learners: usize, length: usize, seed: u64) -> Vec<Vec<bool>> {
    let mut rng = Rng(seed);
    (0..learners)
        .map(|_| {
            let mut known = rng.next() < p.prior;
            (0..length)
                .map(|_| {
                    let correct = match known {
                        true => rng.next() >= p.slip,
                        false => rng.next() < p.guess,
                    };
                    known = match known {
                        true => rng.next() >= p.forget,
                        false => rng.next() < p.learn,
                    };
                    correct
                })
                .collect()
        })
        .collect()
}

fn params(prior: f64, learn: f64, guess: f64, slip: f64, forget: f64) -> Params {
    Params {
        prior,
        learn,
        guess,
        slip,
        forget,
    }
}

fn check_close(got: Params, want: Params, within: f64, why: &str) {
    for (name, g, w) in [
        ("prior", got.prior, want.prior),
        ("learn", got.learn, want.learn),
        ("guess", got.guess, want.guess),
        ("slip", got.slip, want.slip),
        ("forget", got.forget, want.forget),
    ] {
        assert!(
            (g - w).abs() <= within,
            "{why}: {name} {g:.4} is not within {within} of {w} (fit {got:?})"
        );
    }
}

#[test]
fn parameters_are_recovered_from_data_they_generated() {
    for (truth, forgets) in [
        (params(0.3, 0.2, 0.15, 0.1, 0.0), false),
        (params(0.5, 0.1, 0.25, 0.05, 0.0), false),
        (params(0.2, 0.3, 0.2, 0.15, 0.0), false),
        (params(0.4, 0.2, 0.15, 0.1, 0.05), true),
    ] {
        let data = generate(truth, 4000, 12, 7);
        let fit = fit(
            &data,
            Options {
                forgets,
                ..Options::default()
            },
        );
        check_close(
            fit.params,
            truth,
            0.03,
            &format!("{truth:?} (forgets: {forgets})"),
        );
    }
}

#[test]
fn em_never_lowers_the_log_likelihood() {
    for (seed, forgets) in [(1, false), (2, true), (3, false)] {
        let data = generate(params(0.35, 0.15, 0.2, 0.12, 0.03), 500, 10, seed);
        let fit = fit(
            &data,
            Options {
                forgets,
                ..Options::default()
            },
        );
        for pair in fit.history.windows(2) {
            assert!(
                pair[1] >= pair[0] - 1e-9,
                "seed {seed}: the log-likelihood fell from {} to {}",
                pair[0],
                pair[1]
            );
        }
        assert!(fit.history.len() > 2, "EM ran some iterations");
    }
}

#[test]
fn a_fit_does_not_depend_on_thread_count_or_on_naming() {
    let data = generate(params(0.3, 0.2, 0.15, 0.1, 0.0), 3000, 10, 11);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| fit(&data, Options::default()))
    };
    assert_eq!(
        run(1),
        run(4),
        "the same fit, bit for bit, on 1 and 4 threads"
    );
    // Learner naming and row order reach `fit` only as the order of sequences, which the
    // caller sorts by pseudonym; a permutation changes only the order of the sums (and so
    // the last bits, within the convergence tolerance).
    let mut shuffled = data.clone();
    shuffled.reverse();
    let a = fit(&data, Options::default()).params;
    let b = fit(&shuffled, Options::default()).params;
    check_close(b, a, 1e-6, "reordered learners");
}

#[test]
fn a_correct_answer_never_lowers_mastery() {
    let steps = [0.0, 0.05, 0.2, 0.45, 0.7, 0.95, 1.0];
    for &known in &steps {
        for &guess in &steps[..5] {
            for &slip in &steps[..5] {
                for &learn in &steps {
                    for &forget in &[0.0, 0.1] {
                        let p = params(0.3, learn, guess, slip, forget);
                        if guess > 1.0 - slip || learn + forget > 1.0 {
                            continue; // an answer that says the opposite of mastery
                        }
                        let right = after_answer(known, true, p);
                        let wrong = after_answer(known, false, p);
                        assert!(
                            right >= wrong - 1e-12,
                            "P(known)={known}, {p:?}: correct {right} < incorrect {wrong}"
                        );
                        if forget == 0.0 {
                            assert!(
                                right >= known - 1e-12,
                                "P(known)={known}, {p:?}: a correct answer lowered it to {right}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn auc_ranks_predictions() {
    let check = |scored: &[(f64, bool)], want: f64, why: &str| {
        assert!((auc(scored) - want).abs() < 1e-12, "{why}: {}", auc(scored));
    };
    check(&[(0.9, true), (0.1, false)], 1.0, "perfect ranking");
    check(&[(0.1, true), (0.9, false)], 0.0, "inverted ranking");
    check(&[(0.5, true), (0.5, false)], 0.5, "a tie counts half");
    check(
        &[(0.2, false), (0.4, true), (0.6, false), (0.8, true)],
        0.75,
        "three of four pairs",
    );
}

#[test]
fn predictions_follow_the_answers() {
    let p = params(0.3, 0.2, 0.2, 0.1, 0.0);
    let after_right = predict(&[true, true, true], p);
    let after_wrong = predict(&[false, false, false], p);
    assert_eq!(
        after_right[0], after_wrong[0],
        "the first prediction comes from the prior"
    );
    assert!(
        after_right[2] > after_wrong[2],
        "correct answers raise the next prediction: {after_right:?} vs {after_wrong:?}"
    );
}
