//! A linear contextual bandit (LinUCB, disjoint arms): each arm keeps
//! `A⁻¹` and `b` of a ridge regression of its reward on the context, updated
//! by a rank-one (Sherman–Morrison) step per observation, and is scored by
//! its predicted reward plus `alpha` times its uncertainty. Floats live only
//! here and in the context; money stays decimal outside.

use serde::{Deserialize, Serialize};

/// One arm's regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    /// `A⁻¹`, row-major, `dim × dim`.
    pub a_inv: Vec<f64>,
    /// `b = Σ r·x`.
    pub b: Vec<f64>,
    /// Observations.
    pub n: u64,
}

impl Arm {
    /// `A = lambda·I`, `b = 0`.
    pub fn new(dim: usize, lambda: f64) -> Self {
        let mut a_inv = vec![0.0; dim * dim];
        for i in 0..dim {
            a_inv[i * dim + i] = 1.0 / lambda;
        }
        Self {
            a_inv,
            b: vec![0.0; dim],
            n: 0,
        }
    }

    fn dim(&self) -> usize {
        self.b.len()
    }

    /// `A⁻¹ x`.
    fn a_inv_x(&self, x: &[f64]) -> Vec<f64> {
        let d = self.dim();
        (0..d)
            .map(|i| (0..d).map(|j| self.a_inv[i * d + j] * x[j]).sum())
            .collect()
    }

    /// The estimate `θ = A⁻¹ b`.
    pub fn theta(&self) -> Vec<f64> {
        self.a_inv_x(&self.b)
    }

    /// The predicted reward `θ·x`.
    pub fn predict(&self, x: &[f64]) -> f64 {
        dot(&self.theta(), x)
    }

    /// The uncertainty `√(xᵀ A⁻¹ x)`.
    pub fn width(&self, x: &[f64]) -> f64 {
        dot(x, &self.a_inv_x(x)).max(0.0).sqrt()
    }

    /// Adds the observation (x, r): `A += x xᵀ` by Sherman–Morrison, `b += r x`.
    pub fn update(&mut self, x: &[f64], reward: f64) {
        let d = self.dim();
        let ax = self.a_inv_x(x);
        let denom = 1.0 + dot(x, &ax);
        // A⁻¹ is symmetric, so xᵀA⁻¹ = (A⁻¹x)ᵀ.
        for i in 0..d {
            for j in 0..d {
                self.a_inv[i * d + j] -= ax[i] * ax[j] / denom;
            }
        }
        for (bi, xi) in self.b.iter_mut().zip(x) {
            *bi += reward * xi;
        }
        self.n += 1;
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Disjoint LinUCB over `arms.len()` arms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinUcb {
    /// Exploration weight.
    pub alpha: f64,
    /// One regression per arm.
    pub arms: Vec<Arm>,
}

impl LinUcb {
    /// `arms` arms over contexts of `dim` features.
    pub fn new(arms: usize, dim: usize, alpha: f64, lambda: f64) -> Self {
        Self {
            alpha,
            arms: (0..arms).map(|_| Arm::new(dim, lambda)).collect(),
        }
    }

    /// The arm with the highest upper confidence bound (the lowest index
    /// among equals, so the choice is deterministic).
    pub fn choose(&self, x: &[f64]) -> usize {
        argmax(
            self.arms
                .iter()
                .map(|a| a.predict(x) + self.alpha * a.width(x)),
        )
    }

    /// The arm with the highest predicted reward (a frozen model's choice).
    pub fn greedy(&self, x: &[f64]) -> usize {
        argmax(self.arms.iter().map(|a| a.predict(x)))
    }

    /// Adds an observed reward of `arm` in context `x`.
    pub fn update(&mut self, arm: usize, x: &[f64], reward: f64) {
        self.arms[arm].update(x, reward);
    }
}

fn argmax(scores: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, s) in scores.enumerate() {
        if s > best.1 {
            best = (i, s);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::rl::rng::Rng;

    /// The inverse of a square matrix by Gauss–Jordan with partial pivoting.
    fn invert(mut m: Vec<f64>, d: usize) -> Vec<f64> {
        let mut inv = vec![0.0; d * d];
        for i in 0..d {
            inv[i * d + i] = 1.0;
        }
        for col in 0..d {
            let pivot = (col..d)
                .max_by(|a, b| m[a * d + col].abs().total_cmp(&m[b * d + col].abs()))
                .unwrap();
            for k in 0..d {
                m.swap(col * d + k, pivot * d + k);
                inv.swap(col * d + k, pivot * d + k);
            }
            let p = m[col * d + col];
            for k in 0..d {
                m[col * d + k] /= p;
                inv[col * d + k] /= p;
            }
            for row in (0..d).filter(|r| *r != col) {
                let f = m[row * d + col];
                eliminate(&mut m, &mut inv, d, row, col, f);
            }
        }
        inv
    }

    /// Row `row` −= `f` × row `col`, in both matrices.
    fn eliminate(m: &mut [f64], inv: &mut [f64], d: usize, row: usize, col: usize, f: f64) {
        for k in 0..d {
            m[row * d + k] -= f * m[col * d + k];
            inv[row * d + k] -= f * inv[col * d + k];
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// After any sequence of updates, the rank-one A⁻¹ equals the direct
        /// inverse of A = λI + Σ x xᵀ.
        #[test]
        fn the_rank_one_update_equals_the_direct_inverse(
            dim in 1usize..8,
            lambda in 0.1f64..10.0,
            xs in prop::collection::vec(prop::collection::vec(-3.0f64..3.0, 8), 0..40),
        ) {
            let mut arm = Arm::new(dim, lambda);
            let mut a = vec![0.0; dim * dim];
            for i in 0..dim {
                a[i * dim + i] = lambda;
            }
            for x in &xs {
                let x = &x[..dim];
                arm.update(x, 1.0);
                for i in 0..dim {
                    for j in 0..dim {
                        a[i * dim + j] += x[i] * x[j];
                    }
                }
            }
            let direct = invert(a, dim);
            for (got, want) in arm.a_inv.iter().zip(&direct) {
                prop_assert!((got - want).abs() <= 1e-9 * (1.0 + want.abs()), "{got} vs {want}");
            }
        }
    }

    /// A synthetic linear bandit: arm k's reward is θ_k·x plus noise; after
    /// 4,000 rounds the policy picks the best arm in at least 95% of the last
    /// 1,000.
    #[test]
    fn it_finds_the_best_arm_of_a_linear_bandit() {
        let dim = 5;
        let mut rng = Rng::new(42);
        let thetas: Vec<Vec<f64>> = (0..4)
            .map(|_| (0..dim).map(|_| rng.normal()).collect())
            .collect();
        let mut bandit = LinUcb::new(4, dim, 0.5, 1.0);
        let mut best_picked = 0;
        for round in 0..5000 {
            let mut x: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
            x[0] = 1.0;
            let arm = bandit.choose(&x);
            let means: Vec<f64> = thetas.iter().map(|t| dot(t, &x)).collect();
            let best = argmax(means.iter().copied());
            let reward = means[arm] + 0.1 * rng.normal();
            bandit.update(arm, &x, reward);
            if round >= 4000 && arm == best {
                best_picked += 1;
            }
        }
        assert!(
            best_picked >= 950,
            "the best arm in {best_picked} of the last 1,000"
        );
    }
}
