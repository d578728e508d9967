//! `ploy check-config [--connect] --json`: what a release thinks of a config
//! and the host it runs on. ployctl's `validate-config` and `daily-check` read
//! it; secrets appear by name only, never by value.
//!
//! ```json
//! {"ok": true, "config": "/opt/ploy/config/config.toml", "mode": "paper",
//!  "problems": [],
//!  "secrets": [{"name": "POLYMARKET_PRIVATE_KEY", "present": false, "required": false}],
//!  "connect": {"database": {"status": "up", "latency_ms": 0.4},
//!              "exchange": {"status": "up", "latency_ms": 61.2, "clock_skew_ms": -120, "required": false},
//!              "geoblock": {"status": "up", "latency_ms": 80.1, "blocked": false, "country": "IE"}}}
//! ```

use serde::{Deserialize, Serialize};

use crate::health::Check;

/// The whole answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConfigCheckReport {
    /// Nothing is wrong: no problem, every required secret and connection.
    pub ok: bool,
    /// The config file read (absent: built-in defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// `paper` or `live`, when the config could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The database URL with its password hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// Where the HTTP server listens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    /// `exchange` or `recording`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_data: Option<String>,
    /// Everything wrong with the config and the environment.
    #[serde(default)]
    pub problems: Vec<ConfigProblem>,
    /// Each secret the engine reads: set or not, needed or not.
    #[serde(default)]
    pub secrets: Vec<SecretPresence>,
    /// `--connect`: the connections tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect: Option<ConnectChecks>,
}

impl ConfigCheckReport {
    /// Required secrets that are not set.
    pub fn missing_secrets(&self) -> Vec<&str> {
        self.secrets
            .iter()
            .filter(|s| s.required && !s.present)
            .map(|s| s.name.as_str())
            .collect()
    }
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConfigProblem {
    /// `file:line:col`, `environment variable NAME`, or the file alone.
    pub location: String,
    /// The dotted key, when the problem is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Whether one secret is set (its value is never reported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretPresence {
    /// The environment variable.
    pub name: String,
    /// Set and not empty (in the environment or `.env`).
    pub present: bool,
    /// The config cannot run without it.
    pub required: bool,
}

/// The connections `--connect` tries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectChecks {
    /// The database: connect and `SELECT 1`.
    pub database: Check,
    /// The market-data source the config names (the exchange or a recording).
    pub market_data: Check,
    /// The exchange's `GET /time`: latency, and `clock_skew_ms` (this host's
    /// clock minus the exchange's, ±500 ms as the exchange answers in whole
    /// seconds); `required` says whether this config needs the exchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<Check>,
    /// Whether the exchange serves this host's IP (`blocked`, `country`,
    /// `region`); `required` as for `exchange`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geoblock: Option<Check>,
}

impl ConnectChecks {
    /// Every check with its name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Check)> {
        [
            ("database", Some(&self.database)),
            ("market_data", Some(&self.market_data)),
        ]
        .into_iter()
        .chain([
            ("exchange", self.exchange.as_ref()),
            ("geoblock", self.geoblock.as_ref()),
        ])
        .filter_map(|(name, check)| check.map(|c| (name, c)))
    }
}

/// Whether a check says the config needs it (`"required": true`).
pub fn is_required(check: &Check) -> bool {
    check
        .detail
        .get("required")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_an_older_release_writes() {
        let old = r#"{"ok":false,"problems":[{"location":"c.toml:3:1","key":"x","message":"unknown field","hint":"remove it"}]}"#;
        let report: ConfigCheckReport = serde_json::from_str(old).unwrap();
        assert!(!report.ok);
        assert_eq!(report.problems[0].location, "c.toml:3:1");
        assert!(report.secrets.is_empty() && report.connect.is_none());
    }

    #[test]
    fn missing_secrets_are_the_required_unset_ones() {
        let report = ConfigCheckReport {
            secrets: vec![
                SecretPresence {
                    name: "A".into(),
                    present: false,
                    required: true,
                },
                SecretPresence {
                    name: "B".into(),
                    present: false,
                    required: false,
                },
                SecretPresence {
                    name: "C".into(),
                    present: true,
                    required: true,
                },
            ],
            ..Default::default()
        };
        assert_eq!(report.missing_secrets(), vec!["A"]);
    }
}
