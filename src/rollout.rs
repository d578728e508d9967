//! Rolling deploys as pure decisions: which hosts go in which batch (a canary
//! batch first), when too many hosts failed to start another batch
//! (`--max-fail`), and whether a canary passed its soak (`/health`, the kill
//! switch, and its failed-order and API-error rates against the host's
//! `[checks]` thresholds). `commands::deploy` does the I/O.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;

/// A number of hosts, or a share of them (`3`, `25%`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Share {
    /// So many hosts.
    Count(usize),
    /// This percentage of the hosts (1 to 100).
    Percent(u8),
}

impl FromStr for Share {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(p) = text.strip_suffix('%') {
            return match p.trim().parse::<u8>() {
                Ok(p @ 1..=100) => Ok(Share::Percent(p)),
                _ => Err(format!(
                    "{text:?}: a percentage is 1% to 100% (or give a number of hosts)"
                )),
            };
        }
        text.parse::<usize>()
            .ok()
            .filter(|n| *n <= 10_000)
            .map(Share::Count)
            .ok_or_else(|| {
                format!("{text:?}: give a number of hosts (0 to 10000) or a percentage (25%)")
            })
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Share::Count(n) => write!(f, "{n}"),
            Share::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl Share {
    /// Hosts per batch out of `total`: a percentage rounds up; at least 1.
    pub fn per_batch(self, total: usize) -> usize {
        match self {
            Share::Count(n) => n,
            Share::Percent(p) => (total * usize::from(p)).div_ceil(100),
        }
        .max(1)
    }

    /// Failures tolerated out of `total`: a percentage rounds down.
    pub fn tolerated(self, total: usize) -> usize {
        match self {
            Share::Count(n) => n,
            Share::Percent(p) => total * usize::from(p) / 100,
        }
    }
}

/// How a deploy rolls out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rollout {
    /// Hosts per batch after the canary (none: the rest at once).
    pub batch_size: Option<Share>,
    /// Hosts that go first, alone, and soak.
    pub canary: usize,
    /// How long the canary must stay healthy before the rest.
    pub canary_soak: Duration,
    /// Failed hosts tolerated before no new batch starts.
    pub max_fail: Share,
    /// When too many failed, put the hosts deployed by this run back.
    pub rollback_all_on_fail: bool,
}

impl Default for Rollout {
    /// Today's behaviour: every host at once, any failure counts.
    fn default() -> Self {
        Self {
            batch_size: None,
            canary: 0,
            canary_soak: Duration::from_secs(60),
            max_fail: Share::Count(0),
            rollback_all_on_fail: false,
        }
    }
}

/// One batch: indexes into the host list, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    /// The hosts' indexes.
    pub hosts: Vec<usize>,
    /// The canary batch (soaks before the next).
    pub canary: bool,
}

/// The batches for `total` hosts: the canary hosts first (the first
/// `canary` of the list), then the rest `batch_size` at a time.
pub fn batches(total: usize, rollout: &Rollout) -> Vec<Batch> {
    let canary = rollout.canary.min(total);
    let mut out = Vec::new();
    if canary > 0 {
        out.push(Batch {
            hosts: (0..canary).collect(),
            canary: true,
        });
    }
    let rest: Vec<usize> = (canary..total).collect();
    let per = rollout
        .batch_size
        .map_or(rest.len().max(1), |b| b.per_batch(total));
    for chunk in rest.chunks(per) {
        out.push(Batch {
            hosts: chunk.to_vec(),
            canary: false,
        });
    }
    out
}

/// The batch (1 = the first) host `index` is in.
pub fn batch_of(batches: &[Batch], index: usize) -> Option<usize> {
    batches
        .iter()
        .position(|b| b.hosts.contains(&index))
        .map(|k| k + 1)
}

/// Whether `failed` hosts out of `total` exceed `--max-fail`.
pub fn exceeded(failed: usize, total: usize, max_fail: Share) -> bool {
    failed > max_fail.tolerated(total)
}

/// What a canary showed at one moment of its soak.
#[derive(Debug, Clone, PartialEq)]
pub struct SoakSample {
    /// Since the soak began.
    pub at: Duration,
    /// `/health` answered healthy; else why not.
    pub health: Result<(), String>,
    /// The kill switch (`active`, `reducing`, `halted`), if it said.
    pub trading_state: Option<String>,
    /// `ploy_orders_failed_total`, if `/metrics` answered.
    pub orders_failed: Option<f64>,
    /// `ploy_api_errors_total`, summed over its kinds.
    pub api_errors: Option<f64>,
}

/// The soak's limits: per-minute rates, judged over the whole soak (a soak
/// shorter than a minute is allowed one minute's worth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gates {
    /// `ploy_orders_failed_total` per minute.
    pub orders_failed_per_minute: u64,
    /// `ploy_api_errors_total` per minute.
    pub api_errors_per_minute: u64,
    /// The soak's length.
    pub soak: Duration,
}

/// Why the canary fails its soak at `now`, if it does (`first` is the soak's
/// first sample).
pub fn gate(first: &SoakSample, now: &SoakSample, gates: &Gates) -> Option<String> {
    if let Err(why) = &now.health {
        return Some(format!("/health is not healthy: {why}"));
    }
    match now.trading_state.as_deref() {
        Some("active") => {},
        Some(other) => return Some(format!("the kill switch is {other}, not active")),
        None => return Some("the engine does not say its kill switch".to_owned()),
    }
    let minutes = (gates.soak.as_secs_f64() / 60.0).max(1.0);
    let counters = [
        (
            "failed orders",
            "ploy_orders_failed_total",
            first.orders_failed,
            now.orders_failed,
            gates.orders_failed_per_minute,
        ),
        (
            "API errors",
            "ploy_api_errors_total",
            first.api_errors,
            now.api_errors,
            gates.api_errors_per_minute,
        ),
    ];
    for (what, metric, before, after, per_minute) in counters {
        let (Some(before), Some(after)) = (before, after) else {
            return Some(format!("/metrics does not answer {metric}"));
        };
        let grew = (after - before).max(0.0);
        #[allow(clippy::cast_precision_loss)]
        let allowed = per_minute as f64 * minutes;
        if grew > allowed {
            return Some(format!(
                "{grew} {what} in {}s of soak ({metric}), above the {per_minute}/min gate",
                now.at.as_secs()
            ));
        }
    }
    None
}

/// A metric's value summed over every label set (Prometheus text).
pub fn metric_sum(text: &str, name: &str) -> Option<f64> {
    let mut found = None;
    for line in text.lines() {
        let Some(rest) = line.strip_prefix(name) else {
            continue;
        };
        let value = match rest.chars().next() {
            Some(' ') => rest.split_whitespace().next(),
            Some('{') => rest
                .find('}')
                .and_then(|end| rest[end + 1..].split_whitespace().next()),
            _ => None,
        };
        if let Some(v) = value.and_then(|v| v.parse::<f64>().ok()) {
            *found.get_or_insert(0.0) += v;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollout(batch: Option<&str>, canary: usize) -> Rollout {
        Rollout {
            batch_size: batch.map(|b| b.parse().unwrap()),
            canary,
            ..Rollout::default()
        }
    }

    fn hosts(b: &[Batch]) -> Vec<Vec<usize>> {
        b.iter().map(|b| b.hosts.clone()).collect()
    }

    #[test]
    fn shares_parse_and_refuse() {
        assert_eq!("3".parse::<Share>(), Ok(Share::Count(3)));
        assert_eq!("25%".parse::<Share>(), Ok(Share::Percent(25)));
        assert_eq!("0".parse::<Share>(), Ok(Share::Count(0)));
        for bad in ["0%", "101%", "-1", "x", "2.5", "", "99999"] {
            assert!(bad.parse::<Share>().is_err(), "{bad}");
        }
        assert_eq!(Share::Percent(25).to_string(), "25%");
    }

    #[test]
    fn batches_put_the_canary_first_then_the_rest_in_order() {
        assert_eq!(hosts(&batches(5, &rollout(None, 0))), [vec![0, 1, 2, 3, 4]]);
        assert_eq!(
            hosts(&batches(5, &rollout(Some("2"), 1))),
            [vec![0], vec![1, 2], vec![3, 4]]
        );
        let b = batches(5, &rollout(Some("2"), 1));
        assert!(b[0].canary && !b[1].canary);
        assert_eq!(
            (0..6).map(|i| batch_of(&b, i)).collect::<Vec<_>>(),
            [Some(1), Some(2), Some(2), Some(3), Some(3), None]
        );
        assert_eq!(
            hosts(&batches(10, &rollout(Some("25%"), 0))),
            [vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9]],
            "25% of 10 rounds up to 3"
        );
        assert_eq!(
            hosts(&batches(2, &rollout(None, 5))),
            [vec![0, 1]],
            "canary capped"
        );
        assert_eq!(hosts(&batches(3, &rollout(None, 1))), [vec![0], vec![1, 2]]);
        assert_eq!(hosts(&batches(1, &rollout(Some("1%"), 0))), [vec![0]]);
        assert!(batches(0, &rollout(None, 0)).is_empty());
    }

    #[test]
    fn max_fail_counts_hosts_and_rounds_percentages_down() {
        assert!(!exceeded(0, 5, Share::Count(0)));
        assert!(exceeded(1, 5, Share::Count(0)));
        assert!(!exceeded(1, 5, Share::Count(1)));
        assert!(exceeded(2, 5, Share::Count(1)));
        assert!(
            !exceeded(2, 10, Share::Percent(25)),
            "25% of 10 tolerates 2"
        );
        assert!(exceeded(3, 10, Share::Percent(25)));
        assert!(
            exceeded(1, 3, Share::Percent(10)),
            "10% of 3 tolerates none"
        );
    }

    fn sample(at: u64, failed: f64, errors: f64) -> SoakSample {
        SoakSample {
            at: Duration::from_secs(at),
            health: Ok(()),
            trading_state: Some("active".to_owned()),
            orders_failed: Some(failed),
            api_errors: Some(errors),
        }
    }

    #[test]
    fn the_soak_gates_health_the_kill_switch_and_rates() {
        let gates = Gates {
            orders_failed_per_minute: 2,
            api_errors_per_minute: 10,
            soak: Duration::from_secs(120),
        };
        let first = sample(0, 5.0, 100.0);
        assert_eq!(
            gate(&first, &sample(30, 9.0, 120.0), &gates),
            None,
            "4 ≤ 2/min × 2 min"
        );
        let over = gate(&first, &sample(30, 10.0, 100.0), &gates).unwrap();
        assert!(
            over.contains("5 failed orders") && over.contains("2/min"),
            "{over}"
        );
        assert!(gate(&first, &sample(30, 5.0, 121.0), &gates)
            .unwrap()
            .contains("API errors"));
        let short = Gates {
            soak: Duration::from_secs(3),
            orders_failed_per_minute: 0,
            ..gates
        };
        assert!(
            gate(&first, &sample(1, 6.0, 100.0), &short).is_some(),
            "0/min: any failure"
        );
        let mut sick = sample(10, 5.0, 100.0);
        sick.health = Err("database down".to_owned());
        assert!(gate(&first, &sick, &gates)
            .unwrap()
            .contains("database down"));
        let mut halted = sample(10, 5.0, 100.0);
        halted.trading_state = Some("halted".to_owned());
        assert!(gate(&first, &halted, &gates).unwrap().contains("halted"));
        let mut blind = sample(10, 5.0, 100.0);
        blind.orders_failed = None;
        assert!(gate(&first, &blind, &gates).unwrap().contains("/metrics"));
    }

    #[test]
    fn metrics_sum_over_labels() {
        let text = "# TYPE ploy_api_errors_total counter\n\
                    ploy_api_errors_total{kind=\"rate_limited\"} 2\n\
                    ploy_api_errors_total{kind=\"unavailable\"} 3\n\
                    ploy_orders_failed_total 4\nploy_orders_failed_totally 9\n";
        assert_eq!(metric_sum(text, "ploy_api_errors_total"), Some(5.0));
        assert_eq!(metric_sum(text, "ploy_orders_failed_total"), Some(4.0));
        assert_eq!(metric_sum(text, "ploy_missing"), None);
    }
}
