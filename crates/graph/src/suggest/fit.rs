//! Fitting the suggestion model's weights: logistic regression by Newton's method, used
//! by `bench --fit-suggest` on the public datasets and by [`Model::learned_from`] and
//! [`Model::learned_pairs_from`] on the prerequisites a project already has.

use super::features::{Features, Model, LEFT_OUT_DIRECTION, PAIR_FEATURES, PAIR_INPUTS};

/// L2-regularised logistic regression by Newton's method (IRLS): rows of (inputs, label,
/// weight), one weight per column; the first `free` columns (intercepts) are not
/// penalised. The penalty pulls toward `around` (a prior's centre; zero when `None`), so
/// a few rows move known weights only as far as they can show. Each step is halved until
/// it lowers the objective: a full Newton step from far off (a few rows that the
/// starting weights get badly wrong) overshoots and can swing back and forth forever.
/// Deterministic.
pub fn fit_logistic(
    rows: &[(Vec<f64>, bool, f64)],
    free: usize,
    l2: f64,
    around: Option<&[f64]>,
) -> Vec<f64> {
    let p = rows.first().map_or(0, |r| r.0.len());
    let centre = |j: usize| around.map_or(0.0, |c| c[j]);
    // The negative log-likelihood plus the penalty, at `w`.
    let objective = |w: &[f64]| -> f64 {
        let mut total = 0.0;
        for (x, y, weight) in rows {
            let z: f64 = x.iter().zip(w).map(|(a, b)| a * b).sum();
            // -ln σ(z) for a positive, -ln σ(-z) for a negative, without overflow.
            let m = if *y { -z } else { z };
            total += weight * (m.max(0.0) + (-m.abs()).exp().ln_1p());
        }
        let penalty: f64 = (free..p).map(|j| (w[j] - centre(j)).powi(2)).sum();
        total + 0.5 * l2 * penalty
    };
    let mut w: Vec<f64> = (0..p).map(centre).collect();
    let mut current = objective(&w);
    for _ in 0..100 {
        let mut grad = vec![0.0; p];
        let mut hess = vec![vec![0.0; p]; p];
        for (x, y, weight) in rows {
            let z: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
            let prob = 1.0 / (1.0 + (-z).exp());
            let err = weight * (prob - (*y as u8 as f64));
            let s = weight * prob * (1.0 - prob);
            for j in 0..p {
                if x[j] == 0.0 {
                    continue;
                }
                grad[j] += err * x[j];
                for k in 0..p {
                    hess[j][k] += s * x[j] * x[k];
                }
            }
        }
        for j in 0..p {
            if j >= free {
                grad[j] += l2 * (w[j] - centre(j));
                hess[j][j] += l2;
            }
            hess[j][j] += 1e-9;
        }
        let step = solve(hess, grad);
        let mut scale = 1.0;
        let mut moved = 0.0f64;
        for _ in 0..40 {
            let next: Vec<f64> = w
                .iter()
                .zip(&step)
                .map(|(wj, sj)| wj - scale * sj)
                .collect();
            let value = objective(&next);
            if value <= current {
                moved = step.iter().fold(0.0f64, |m, x| m.max((scale * x).abs()));
                w = next;
                current = value;
                break;
            }
            scale /= 2.0;
        }
        if moved < 1e-9 {
            break;
        }
    }
    w
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let p = b.len();
    for col in 0..p {
        let pivot = (col..p)
            .max_by(|i, j| a[*i][col].abs().total_cmp(&a[*j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let d = a[col][col];
        if d.abs() < 1e-300 {
            continue;
        }
        let pivot_row = a[col].clone();
        for row in col + 1..p {
            let f = a[row][col] / d;
            for (x, y) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * y;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; p];
    for row in (0..p).rev() {
        let s: f64 = (row + 1..p).map(|k| a[row][k] * x[k]).sum();
        x[row] = if a[row][row].abs() < 1e-300 {
            0.0
        } else {
            (b[row] - s) / a[row][row]
        };
    }
    x
}

/// How firmly the fitted weights hold against a project's own prerequisites: the
/// precision of the prior [`Model::learned_from`] and [`Model::learned_pairs_from`] centre
/// on them (a unit Gaussian, not tuned on any dataset).
pub const LEARNING_STRENGTH: f64 = 1.0;

impl Model {
    /// This model with direction weights refitted on `edges`, the features of
    /// prerequisites a project already has (each `before → after`, as drawn or declared):
    /// which comes first is learned from how this project orders its modules, pulled
    /// toward the fitted weights by `strength`, so a handful of edges moves them little
    /// and many that disagree with them (a team that puts the broad module after its
    /// topics) win. The pair part's weights are kept; its input "how clear is the
    /// direction" reads the learned direction.
    pub fn learned_from(&self, edges: &[Features], strength: f64) -> Model {
        if edges.is_empty() {
            return *self;
        }
        let mut rows = Vec::with_capacity(2 * edges.len());
        for f in edges {
            let mut x: Vec<f64> = f.values()[PAIR_FEATURES..].to_vec();
            // A feature the model leaves out stays out.
            for i in LEFT_OUT_DIRECTION {
                x[i] = 0.0;
            }
            rows.push((x.iter().map(|v| -v).collect(), false, 1.0));
            rows.push((x, true, 1.0));
        }
        let direction = fit_logistic(&rows, 0, strength, Some(&self.direction));
        Model {
            pair: self.pair,
            direction: direction
                .try_into()
                .expect("one weight per direction feature"),
        }
    }

    /// This model with its pair part refitted on `pairs` — (features, linked, weight):
    /// the project's prerequisite pairs and a weighted sample of the others — around its
    /// own weights by `strength`. Which features mark two modules as related is learned
    /// from the project; the intercept, which the learned one would set to the share of
    /// pairs drawn *so far*, is kept, so a confidence means what it meant.
    pub fn learned_pairs_from(&self, pairs: &[(Features, bool, f64)], strength: f64) -> Model {
        if !pairs.iter().any(|p| p.1) {
            return *self;
        }
        let rows: Vec<(Vec<f64>, bool, f64)> = pairs
            .iter()
            .map(|(f, linked, weight)| {
                let mut x = vec![1.0];
                x.extend(self.pair_inputs(f));
                (x, *linked, *weight)
            })
            .collect();
        let fitted = fit_logistic(&rows, 1, strength, Some(&self.pair));
        let mut pair: [f64; PAIR_INPUTS.len() + 1] = fitted
            .try_into()
            .expect("an intercept and one weight per pair input");
        pair[0] = self.pair[0];
        Model { pair, ..*self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fit_recovers_the_weights_that_made_the_labels() {
        // Labels drawn from a known logistic model over one feature, deterministically.
        let (intercept, weight) = (-1.0, 3.0);
        let mut rows = Vec::new();
        let mut state = 7u64;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let p = 1.0 / (1.0 + (-(intercept + weight * x)).exp());
            rows.push((vec![1.0, x], u < p, 1.0));
        }
        let w = fit_logistic(&rows, 1, 0.0, None);
        assert!(
            (w[0] - intercept).abs() < 0.15 && (w[1] - weight).abs() < 0.25,
            "fitted {w:?}, made with [{intercept}, {weight}]"
        );
    }

    #[test]
    fn a_few_rows_far_from_the_prior_are_fitted_not_swung_back_and_forth() {
        // Two mirrored rows the prior's centre gets badly wrong: a full Newton step
        // overshoots so far that the next one comes straight back.
        let rows = vec![(vec![5.0], true, 1.0), (vec![-5.0], false, 1.0)];
        let w = fit_logistic(&rows, 0, 1.0, Some(&[-3.0]))[0];
        // At the optimum the objective's slope is zero: 2·5·(σ(5w) − 1) + (w + 3) = 0.
        let slope = 10.0 * (1.0 / (1.0 + (-5.0 * w).exp()) - 1.0) + (w + 3.0);
        assert!(
            slope.abs() < 1e-6 && w > 0.0,
            "the fit reaches the optimum, on the rows' side of zero: w = {w}, slope {slope}"
        );
    }

    #[test]
    fn the_pair_part_learns_what_marks_a_projects_prerequisites_and_keeps_its_intercept() {
        use crate::suggest::VECTOR_MODEL;
        // In this project every prerequisite shares a skill and no other pair does, at
        // the same similarity: sharing a skill should count for more than it did.
        let linked = Features {
            similarity: 0.4,
            shared_skills: 1.0,
            ..Features::default()
        };
        let other = Features {
            similarity: 0.4,
            ..Features::default()
        };
        let mut pairs = vec![(linked, true, 1.0); 20];
        pairs.extend(vec![(other, false, 1.0); 2000]);
        let learned = VECTOR_MODEL.learned_pairs_from(&pairs, 1.0);
        assert!(
            learned.pair[3] > VECTOR_MODEL.pair[3] + 1.0,
            "shared skills weigh more: {:?} from {:?}",
            learned.pair,
            VECTOR_MODEL.pair
        );
        assert_eq!(
            learned.pair[0], VECTOR_MODEL.pair[0],
            "the intercept is kept: a confidence keeps its meaning while the graph is half drawn"
        );
        assert_eq!(
            learned.direction, VECTOR_MODEL.direction,
            "which comes first is another fit"
        );
        assert_eq!(
            VECTOR_MODEL.learned_pairs_from(&pairs[20..], 1.0),
            VECTOR_MODEL,
            "with no prerequisite to learn from, nothing changes"
        );
    }
}
