//! The policy against every fixed half-spread, on recordings it never saw:
//! each file replayed once with the frozen policy and once per arm at that
//! fixed spread (the same replay as `ploy replay`), with P&L, fills and the
//! largest inventory per file and in total, and bootstrap confidence
//! intervals (files resampled with replacement, seeded) of each total and of
//! the policy's edge over each fixed spread.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use super::model::{BanditModel, SpreadController};
use super::rng::Rng;
use super::train::{Session, Settings};
use crate::trading::replay::{self, ReplayReport};

/// One run's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunResult {
    /// Realized + unrealized − fees, USDC.
    pub pnl: Decimal,
    /// Fills.
    pub fills: u64,
    /// Largest absolute position.
    pub max_inventory: Decimal,
}

impl From<&ReplayReport> for RunResult {
    fn from(r: &ReplayReport) -> Self {
        Self {
            pnl: r.total_pnl,
            fills: r.fills.len() as u64,
            max_inventory: r.max_inventory,
        }
    }
}

/// A fixed half-spread's run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixedRun {
    /// Half-spread in ticks.
    pub ticks: u32,
    /// Its result.
    #[serde(flatten)]
    pub result: RunResult,
}

/// One file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileResult {
    /// The recording.
    pub file: String,
    /// The policy.
    pub policy: RunResult,
    /// How often the policy chose each arm (ticks → decisions).
    pub choices: std::collections::BTreeMap<u32, u64>,
    /// Each fixed half-spread.
    pub fixed: Vec<FixedRun>,
}

/// A total with its 95% bootstrap interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Total {
    /// The sum over the files.
    pub pnl: Decimal,
    /// 2.5th and 97.5th percentiles of the resampled sums.
    pub ci95: [Decimal; 2],
    /// Fills.
    pub fills: u64,
    /// The largest inventory in any file.
    pub max_inventory: Decimal,
}

/// The policy's edge over one fixed half-spread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// Half-spread in ticks.
    pub ticks: u32,
    /// The fixed spread's total.
    #[serde(flatten)]
    pub total: Total,
    /// Policy P&L − fixed P&L, summed, with its interval.
    pub edge: Decimal,
    /// Its 95% bootstrap interval.
    pub edge_ci95: [Decimal; 2],
    /// Files where the policy's P&L is higher.
    pub policy_wins: u64,
}

/// What `ploy rl eval` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvalReport {
    /// Files evaluated.
    pub files: Vec<FileResult>,
    /// The policy's total.
    pub policy: Total,
    /// Each fixed half-spread's total and the policy's edge over it.
    pub fixed: Vec<Edge>,
    /// Bootstrap resamples.
    pub resamples: u32,
    /// The bootstrap's seed.
    pub seed: u64,
}

/// The policy's run over one session.
pub fn run_policy(
    events: &[(i64, crate::market_data::MarketEvent)],
    settings: &Settings,
    model: &BanditModel,
    max_ticks: u32,
) -> (ReplayReport, std::collections::BTreeMap<u32, u64>) {
    let mut controller = SpreadController::new(model.clone(), max_ticks);
    let mut choices = std::collections::BTreeMap::new();
    let report = replay::run_with(
        events,
        settings.core.clone(),
        settings.risk.clone(),
        settings.paper.clone(),
        &mut |core, event, now| {
            for (_, ticks) in controller.on_market(core, event, now) {
                *choices.entry(ticks).or_insert(0) += 1;
            }
        },
    );
    (report, choices)
}

/// A fixed half-spread's run over one session.
pub fn run_fixed(
    events: &[(i64, crate::market_data::MarketEvent)],
    settings: &Settings,
    ticks: u32,
) -> ReplayReport {
    replay::run_with(
        events,
        settings.core.clone(),
        settings.risk.clone(),
        settings.paper.clone(),
        &mut |core, event, _| {
            let token = event.token().clone();
            let tick = core.tick(&token);
            core.set_half_spread(&token, tick * Decimal::from(ticks));
        },
    )
}

fn percentile(sorted: &[Decimal], q: f64) -> Decimal {
    if sorted.is_empty() {
        return Decimal::ZERO;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The 95% interval of the sum of `values` over resampled files.
fn bootstrap(values: &[Decimal], rng: &mut Rng, resamples: u32) -> [Decimal; 2] {
    let n = values.len() as u64;
    if n == 0 {
        return [Decimal::ZERO; 2];
    }
    let mut sums: Vec<Decimal> = (0..resamples)
        .map(|_| {
            (0..n)
                .map(|_| values[usize::try_from(rng.below(n)).unwrap_or(0)])
                .sum()
        })
        .collect();
    sums.sort();
    [percentile(&sums, 0.025), percentile(&sums, 0.975)]
}

fn total(results: &[&RunResult], ci95: [Decimal; 2]) -> Total {
    Total {
        pnl: results.iter().map(|r| r.pnl).sum(),
        ci95,
        fills: results.iter().map(|r| r.fills).sum(),
        max_inventory: results
            .iter()
            .map(|r| r.max_inventory)
            .max()
            .unwrap_or_default(),
    }
}

/// Evaluates `model` on `sessions`; `progress(done, total)` after each file.
pub fn evaluate(
    sessions: &[Session],
    settings: &Settings,
    model: &BanditModel,
    max_ticks: u32,
    seed: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> EvalReport {
    let mut files = Vec::new();
    for (i, (name, events)) in sessions.iter().enumerate() {
        let (report, choices) = run_policy(events, settings, model, max_ticks);
        let fixed = model
            .arms_ticks
            .iter()
            .filter(|t| **t <= max_ticks)
            .map(|ticks| FixedRun {
                ticks: *ticks,
                result: RunResult::from(&run_fixed(events, settings, *ticks)),
            })
            .collect();
        files.push(FileResult {
            file: name.clone(),
            policy: RunResult::from(&report),
            choices,
            fixed,
        });
        progress(i as u64 + 1, sessions.len() as u64);
    }
    let resamples = 2000;
    let mut rng = Rng::new(seed);
    let policy_pnl: Vec<Decimal> = files.iter().map(|f| f.policy.pnl).collect();
    let policy_runs: Vec<&RunResult> = files.iter().map(|f| &f.policy).collect();
    let policy = total(&policy_runs, bootstrap(&policy_pnl, &mut rng, resamples));
    let arms: Vec<u32> = files
        .first()
        .map(|f| f.fixed.iter().map(|r| r.ticks).collect())
        .unwrap_or_default();
    let fixed = arms
        .iter()
        .enumerate()
        .map(|(k, ticks)| {
            let runs: Vec<&RunResult> = files.iter().map(|f| &f.fixed[k].result).collect();
            let pnl: Vec<Decimal> = runs.iter().map(|r| r.pnl).collect();
            let edges: Vec<Decimal> = files
                .iter()
                .map(|f| f.policy.pnl - f.fixed[k].result.pnl)
                .collect();
            Edge {
                ticks: *ticks,
                total: total(&runs, bootstrap(&pnl, &mut rng, resamples)),
                edge: edges.iter().copied().sum(),
                edge_ci95: bootstrap(&edges, &mut rng, resamples),
                policy_wins: edges.iter().filter(|e| **e > Decimal::ZERO).count() as u64,
            }
        })
        .collect();
    EvalReport {
        files,
        policy,
        fixed,
        resamples,
        seed,
    }
}

/// The arm with the highest total in a report (the lowest among equals).
pub fn best_fixed(report: &EvalReport) -> Option<u32> {
    report
        .fixed
        .iter()
        .max_by(|a, b| a.total.pnl.cmp(&b.total.pnl).then(b.ticks.cmp(&a.ticks)))
        .map(|e| e.ticks)
}

/// A decimal as a float (for printing only).
pub fn approx(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bootstrap_interval_brackets_the_sum_and_repeats_from_its_seed() {
        let values: Vec<Decimal> = (1..=20).map(Decimal::from).collect();
        let a = bootstrap(&values, &mut Rng::new(5), 2000);
        let b = bootstrap(&values, &mut Rng::new(5), 2000);
        assert_eq!(a, b);
        let sum: Decimal = values.iter().copied().sum();
        assert!(a[0] < sum && sum < a[1], "{a:?} around {sum}");
        assert_eq!(
            bootstrap(&[Decimal::ONE; 5], &mut Rng::new(1), 100),
            [Decimal::from(5); 2]
        );
    }
}
