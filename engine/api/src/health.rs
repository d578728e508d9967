//! `GET /health`: 200 with `status: healthy` when every check is up, 503 with
//! `degraded` otherwise.
//!
//! ```json
//! {"status": "healthy", "version": "0.1.0", "uptime_seconds": 42,
//!  "checks": {"database": {"status": "up", "latency_ms": 0.41},
//!             "api_connection": {"status": "up", "latency_ms": 118.2, "source": "exchange"},
//!             "order_queue": {"status": "up", "latency_ms": 0.002, "depth": 0, "max_depth": 100}}}
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// `up` or `down`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Working.
    Up,
    /// Not working.
    Down,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// `up` or `down`.
    pub status: CheckStatus,
    /// How long the check took, in milliseconds (3 decimals).
    pub latency_ms: f64,
    /// What went wrong, when down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Check-specific facts (source, depth, cache age, …).
    #[serde(flatten)]
    pub detail: serde_json::Map<String, serde_json::Value>,
}

impl Check {
    fn new(status: CheckStatus, latency: Duration) -> Self {
        Self {
            status,
            latency_ms: millis(latency),
            error: None,
            detail: serde_json::Map::new(),
        }
    }

    /// A passing check that took `latency`.
    pub fn up(latency: Duration) -> Self {
        Self::new(CheckStatus::Up, latency)
    }

    /// A failing check that took `latency`, with the reason.
    pub fn down(latency: Duration, error: impl Into<String>) -> Self {
        let mut check = Self::new(CheckStatus::Down, latency);
        check.error = Some(error.into());
        check
    }

    /// Adds a detail field.
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.detail.insert(key.to_owned(), value.into());
        self
    }

    /// Whether the check passed.
    pub fn is_up(&self) -> bool {
        self.status == CheckStatus::Up
    }
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// `healthy` when every check is up, else `degraded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OverallStatus {
    /// All checks up: HTTP 200.
    Healthy,
    /// Some check down: HTTP 503.
    Degraded,
}

impl OverallStatus {
    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            OverallStatus::Healthy => "healthy",
            OverallStatus::Degraded => "degraded",
        }
    }
}

/// The checks: the three every release has, and any a newer release adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checks {
    /// `SELECT 1` against the database.
    pub database: Check,
    /// The market-data source the engine uses.
    pub api_connection: Check,
    /// The order queue's depth against its threshold.
    pub order_queue: Check,
    /// Checks this contract does not name yet.
    #[serde(flatten)]
    pub other: BTreeMap<String, Check>,
}

impl Checks {
    /// Every check with its name, in a stable order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Check)> {
        [
            ("api_connection", &self.api_connection),
            ("database", &self.database),
            ("order_queue", &self.order_queue),
        ]
        .into_iter()
        .chain(self.other.iter().map(|(k, v)| (k.as_str(), v)))
    }

    /// Whether every check is up.
    pub fn all_up(&self) -> bool {
        self.iter().all(|(_, c)| c.is_up())
    }
}

/// The `/health` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthReport {
    /// `healthy` or `degraded`.
    pub status: OverallStatus,
    /// The running version.
    pub version: String,
    /// Seconds since the process started.
    pub uptime_seconds: u64,
    /// `paper` or `live` (absent from older releases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The checks.
    pub checks: Checks,
}

impl HealthReport {
    /// Whether every check is up.
    pub fn is_healthy(&self) -> bool {
        self.status == OverallStatus::Healthy
    }

    /// The names of the checks that are down.
    pub fn failing(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|(_, check)| !check.is_up())
            .map(|(name, _)| name)
            .collect()
    }

    /// `name: error` for every check that is down.
    pub fn failing_checks(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|(_, c)| !c.is_up())
            .map(|(name, c)| match &c.error {
                Some(error) => format!("{name}: {error}"),
                None => format!("{name}: down"),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> HealthReport {
        HealthReport {
            status: OverallStatus::Degraded,
            version: "1.2.3".into(),
            uptime_seconds: 7,
            mode: None,
            checks: Checks {
                database: Check::up(Duration::from_micros(412)),
                api_connection: Check::down(Duration::from_millis(3), "refused")
                    .with("source", "exchange"),
                order_queue: Check::up(Duration::from_nanos(1500)).with("depth", 0),
                other: BTreeMap::new(),
            },
        }
    }

    #[test]
    fn the_shape_is_exact_and_round_trips() {
        let report = report();
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "status": "degraded", "version": "1.2.3", "uptime_seconds": 7,
                "checks": {
                    "database": {"status": "up", "latency_ms": 0.412},
                    "api_connection": {"status": "down", "latency_ms": 3.0, "error": "refused", "source": "exchange"},
                    "order_queue": {"status": "up", "latency_ms": 0.002, "depth": 0}
                }
            })
        );
        assert_eq!(report.failing(), vec!["api_connection"]);
        assert_eq!(report.failing_checks(), vec!["api_connection: refused"]);
        let back: HealthReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn a_check_a_newer_release_adds_is_kept_and_judged() {
        let mut json = serde_json::to_value(report()).unwrap();
        json["checks"]["disk"] =
            serde_json::json!({"status": "down", "latency_ms": 1.0, "error": "full"});
        let read: HealthReport = serde_json::from_value(json).unwrap();
        assert_eq!(read.failing(), vec!["api_connection", "disk"]);
        assert!(!read.checks.all_up());
    }
}
