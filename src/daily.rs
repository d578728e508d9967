//! The morning runbook as a pure function: what was read on a host
//! ([`Facts`]) judged against thresholds ([`Thresholds`], from the
//! inventory's `[checks]` and each host's own) into checks, each `ok`,
//! `warn`, `fail` or `skip`, with its value and the threshold it was judged
//! by. `ployctl daily-check` gathers the facts and prints the checks; every
//! rule is unit-tested here.

use std::time::Duration;

use ploy_api::views::{PositionsAnswer, ReportAnswer};
use ploy_api::{ConfigCheckReport, TradingState, TradingStateChange};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::health::Probe;

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fine.
    Ok,
    /// Could not be judged (what it needs is missing; the reason is its value).
    Skip,
    /// Look at it today.
    Warn,
    /// Act now.
    Fail,
}

impl Status {
    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Skip => "skip",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One judged check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// Its name (`service`, `errors`, `disk`, …).
    pub name: &'static str,
    /// How it came out.
    pub status: Status,
    /// What was found.
    pub value: String,
    /// What it was judged by (empty when nothing is judged).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub threshold: String,
    /// Lines to show under it (the last error lines).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
}

impl CheckResult {
    fn new(name: &'static str, status: Status, value: impl Into<String>) -> Self {
        Self {
            name,
            status,
            value: value.into(),
            threshold: String::new(),
            lines: Vec::new(),
        }
    }

    fn by(mut self, threshold: impl Into<String>) -> Self {
        self.threshold = threshold.into();
        self
    }
}

/// The thresholds checks are judged by. Each has a default; the inventory's
/// `[checks]` and a host's `[hosts.NAME.checks]` override them key by key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Thresholds {
    /// Unexpected engine starts in the window (not made by ployctl): warn at.
    pub restarts_warn: u64,
    /// … fail at.
    pub restarts_fail: u64,
    /// Error-level log lines in the window: warn at.
    pub errors_warn: u64,
    /// … fail at.
    pub errors_fail: u64,
    /// Free space on the root's filesystem, percent: warn below.
    pub disk_free_warn: u8,
    /// … fail below.
    pub disk_free_fail: u8,
    /// Database size in MiB: warn above.
    pub database_size_warn_mb: u64,
    /// |host clock − exchange clock|: warn above.
    #[serde(with = "humantime_serde")]
    pub clock_skew_warn: Duration,
    /// … fail above.
    #[serde(with = "humantime_serde")]
    pub clock_skew_fail: Duration,
    /// Age of the last market-data message: warn above.
    #[serde(with = "humantime_serde")]
    pub market_data_age_warn: Duration,
    /// … fail above.
    #[serde(with = "humantime_serde")]
    pub market_data_age_fail: Duration,
    /// The exchange's `GET /time` latency: warn above.
    #[serde(with = "humantime_serde")]
    pub exchange_latency_warn: Duration,
    /// Live only: time since the last fill: warn above.
    #[serde(with = "humantime_serde")]
    pub fill_age_warn: Duration,
    /// Orders that failed in the window: warn at.
    pub orders_failed_warn: u64,
    /// A deploy's canary soak: `ploy_orders_failed_total` per minute tolerated.
    pub canary_orders_failed_per_minute: u64,
    /// … `ploy_api_errors_total` per minute tolerated.
    pub canary_api_errors_per_minute: u64,
    /// The newest backup that passed its restore drill: warn when older.
    #[serde(with = "humantime_serde")]
    pub backup_age_warn: Duration,
}

mod humantime_serde {
    use std::time::Duration;

    pub(super) fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*d).to_string())
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            restarts_warn: 1,
            restarts_fail: 5,
            errors_warn: 1,
            errors_fail: 100,
            disk_free_warn: 20,
            disk_free_fail: 10,
            database_size_warn_mb: 10 * 1024,
            clock_skew_warn: Duration::from_secs(1),
            clock_skew_fail: Duration::from_secs(5),
            market_data_age_warn: Duration::from_secs(60),
            market_data_age_fail: Duration::from_secs(300),
            exchange_latency_warn: Duration::from_secs(2),
            fill_age_warn: Duration::from_secs(24 * 3600),
            backup_age_warn: Duration::from_secs(36 * 3600),
            orders_failed_warn: 1,
            canary_orders_failed_per_minute: 5,
            canary_api_errors_per_minute: 30,
        }
    }
}

/// `[checks]` as written: every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckFields {
    restarts_warn: Option<u64>,
    restarts_fail: Option<u64>,
    errors_warn: Option<u64>,
    errors_fail: Option<u64>,
    disk_free_warn: Option<u8>,
    disk_free_fail: Option<u8>,
    database_size_warn_mb: Option<u64>,
    #[serde(default, deserialize_with = "opt_duration")]
    clock_skew_warn: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    clock_skew_fail: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    market_data_age_warn: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    market_data_age_fail: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    exchange_latency_warn: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    fill_age_warn: Option<Duration>,
    orders_failed_warn: Option<u64>,
    canary_orders_failed_per_minute: Option<u64>,
    canary_api_errors_per_minute: Option<u64>,
    #[serde(default, deserialize_with = "opt_duration")]
    backup_age_warn: Option<Duration>,
}

fn opt_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(d)?;
    humantime::parse_duration(&text).map(Some).map_err(|e| {
        serde::de::Error::custom(format!(
            "invalid duration {text:?}: {e} (write e.g. \"30s\")"
        ))
    })
}

impl Thresholds {
    /// These thresholds with `fields` laid over them.
    pub fn with(&self, fields: &CheckFields) -> Self {
        macro_rules! over {
            ($($f:ident),*) => { Self { $($f: fields.$f.unwrap_or(self.$f)),* } };
        }
        over!(
            restarts_warn,
            restarts_fail,
            errors_warn,
            errors_fail,
            disk_free_warn,
            disk_free_fail,
            database_size_warn_mb,
            clock_skew_warn,
            clock_skew_fail,
            market_data_age_warn,
            market_data_age_fail,
            exchange_latency_warn,
            fill_age_warn,
            orders_failed_warn,
            canary_orders_failed_per_minute,
            canary_api_errors_per_minute,
            backup_age_warn
        )
    }

    /// Every value in its range, and each warn level before its fail level.
    pub fn validate(&self) -> Result<(), String> {
        let day = Duration::from_secs(24 * 3600);
        let counts = [
            ("restarts", self.restarts_warn, self.restarts_fail),
            ("errors", self.errors_warn, self.errors_fail),
        ];
        for (name, warn, fail) in counts {
            if !(1..=1_000_000).contains(&warn) || !(1..=1_000_000).contains(&fail) {
                return Err(format!("{name}_warn and {name}_fail must be 1 to 1000000"));
            }
            if warn > fail {
                return Err(format!(
                    "{name}_warn ({warn}) must not be above {name}_fail ({fail})"
                ));
            }
        }
        if self.disk_free_warn > 99 || self.disk_free_fail > 99 {
            return Err("disk_free_warn and disk_free_fail are percentages, 0 to 99".to_owned());
        }
        if self.disk_free_fail > self.disk_free_warn {
            return Err(format!(
                "disk_free_fail ({}%) must not be above disk_free_warn ({}%)",
                self.disk_free_fail, self.disk_free_warn
            ));
        }
        if !(1..=16 * 1024 * 1024).contains(&self.database_size_warn_mb) {
            return Err("database_size_warn_mb must be 1 to 16777216 (16 TiB)".to_owned());
        }
        if !(1..=1_000_000).contains(&self.orders_failed_warn) {
            return Err("orders_failed_warn must be 1 to 1000000".to_owned());
        }
        for (name, value) in [
            (
                "canary_orders_failed_per_minute",
                self.canary_orders_failed_per_minute,
            ),
            (
                "canary_api_errors_per_minute",
                self.canary_api_errors_per_minute,
            ),
        ] {
            if value > 100_000 {
                return Err(format!("{name} must be 0 to 100000"));
            }
        }
        let durations = [
            (
                "clock_skew_warn",
                self.clock_skew_warn,
                Duration::from_millis(100),
                Duration::from_secs(3600),
            ),
            (
                "clock_skew_fail",
                self.clock_skew_fail,
                Duration::from_millis(100),
                Duration::from_secs(3600),
            ),
            (
                "market_data_age_warn",
                self.market_data_age_warn,
                Duration::from_secs(1),
                day,
            ),
            (
                "market_data_age_fail",
                self.market_data_age_fail,
                Duration::from_secs(1),
                day,
            ),
            (
                "exchange_latency_warn",
                self.exchange_latency_warn,
                Duration::from_millis(10),
                Duration::from_secs(60),
            ),
            (
                "fill_age_warn",
                self.fill_age_warn,
                Duration::from_secs(60),
                30 * day,
            ),
            (
                "backup_age_warn",
                self.backup_age_warn,
                Duration::from_secs(3600),
                90 * day,
            ),
        ];
        for (name, value, low, high) in durations {
            if value < low || value > high {
                return Err(format!(
                    "{name} must be between {} and {} (it is {})",
                    humantime::format_duration(low),
                    humantime::format_duration(high),
                    humantime::format_duration(value)
                ));
            }
        }
        for (name, warn, fail) in [
            ("clock_skew", self.clock_skew_warn, self.clock_skew_fail),
            (
                "market_data_age",
                self.market_data_age_warn,
                self.market_data_age_fail,
            ),
        ] {
            if warn > fail {
                return Err(format!("{name}_warn must not be above {name}_fail"));
            }
        }
        Ok(())
    }
}

/// The error lines of the service log in the window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogErrors {
    /// How many.
    pub count: u64,
    /// The last ones (at most 5).
    pub last: Vec<String>,
    /// Where they were read (`journald`, the log file).
    pub source: String,
}

/// Free space on the filesystem holding the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disk {
    /// Available to unprivileged users, KiB.
    pub avail_kb: u64,
    /// Size, KiB.
    pub total_kb: u64,
}

/// What was read on one host.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The window looked at.
    pub window: Duration,
    /// Now on this machine (Unix ms).
    pub now_ms: i64,
    /// The service process is alive.
    pub service_active: bool,
    /// Why the service manager says it is not (systemd's state), if known.
    pub service_state: Option<String>,
    /// Engine starts in the window (its "starting ploy" log lines), when read.
    pub starts: Option<u64>,
    /// Starts ployctl made in the window (deploys, rollbacks, config pushes).
    pub planned_starts: u64,
    /// Error lines in the window, or why they could not be read.
    pub errors: Result<LogErrors, String>,
    /// `/health`.
    pub health: Probe,
    /// `ploy check-config --connect --json` of the current release, or why not.
    pub config: Result<ConfigCheckReport, String>,
    /// The kill switch (`GET /trading-state`), when the engine answered.
    pub kill_switch: Option<TradingStateChange>,
    /// Free space, when `df` answered.
    pub disk: Option<Disk>,
    /// `ploy report --json` for the window, or why not.
    pub report: Result<ReportAnswer, String>,
    /// `ploy positions --json`, or why not.
    pub positions: Result<PositionsAnswer, String>,
    /// Where `current` points.
    pub current: Option<String>,
    /// What the live process runs.
    pub running: Option<String>,
    /// An open maintenance window.
    pub maintenance: Option<crate::remote::maintenance::Maintenance>,
    /// The host's backups (`backups/*.json`): (taken at, Unix ms; whether its
    /// restore drill passed), when they could be read.
    pub backups: Option<Vec<(i64, bool)>>,
}

/// A window as people write it: `24h`, `7d`, `90m`, `45s`.
pub fn window_text(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => "0s".to_owned(),
        s if s % 86_400 == 0 && s >= 2 * 86_400 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn since_text(ms: i64, now_ms: i64) -> String {
    let age = Duration::from_secs(u64::try_from((now_ms - ms).max(0) / 1000).unwrap_or(0));
    if age < Duration::from_secs(1) {
        "just now".to_owned()
    } else {
        format!("{} ago", humantime::format_duration(age))
    }
}

fn duration_text(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        humantime::format_duration(Duration::from_secs(d.as_secs())).to_string()
    }
}

/// A token ID shortened for a line (`6581…5422`).
fn short_token(token: &str) -> String {
    if token.len() <= 13 || !token.is_ascii() {
        token.to_owned()
    } else {
        format!("{}…{}", &token[..4], &token[token.len() - 4..])
    }
}

/// A threshold's duration: `500 ms`, `2s`, `5m`, `24h`.
fn limit_text(d: Duration) -> String {
    if d.subsec_millis() != 0 || d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        window_text(d)
    }
}

fn mib(bytes: u64) -> String {
    let m = bytes as f64 / (1024.0 * 1024.0);
    if m >= 1024.0 {
        format!("{:.1} GiB", m / 1024.0)
    } else {
        format!("{m:.1} MiB")
    }
}

fn count_status(n: u64, warn: u64, fail: u64) -> Status {
    if n >= fail {
        Status::Fail
    } else if n >= warn {
        Status::Warn
    } else {
        Status::Ok
    }
}

fn is_live(facts: &Facts) -> Option<bool> {
    facts
        .config
        .as_ref()
        .ok()
        .and_then(|c| c.mode.as_deref())
        .map(|m| m == "live")
}

/// Judges the facts of one host: one result per check, in a fixed order.
pub fn judge(facts: &Facts, t: &Thresholds) -> Vec<CheckResult> {
    let mut out = vec![
        service(facts),
        restarts(facts, t),
        errors(facts, t),
        health(facts),
    ];
    out.extend(exchange(facts, t));
    out.push(maintenance(facts));
    out.push(kill_switch(facts));
    out.extend(account(facts));
    out.push(disk(facts, t));
    out.push(database(facts, t));
    out.push(market_data(facts, t));
    out.extend(exchange_requests(facts, t));
    out.extend(activity(facts, t));
    out.push(release(facts));
    out.push(backup(facts, t));
    out
}

/// The newest backup that passed its restore drill, on either database.
fn backup(f: &Facts, t: &Thresholds) -> CheckResult {
    let by = format!(
        "warn > {} since the newest verified",
        limit_text(t.backup_age_warn)
    );
    let Some(backups) = &f.backups else {
        return CheckResult::new("backup", Status::Skip, "the backups could not be read").by(by);
    };
    let newest_verified = backups
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(at, _)| *at)
        .max();
    match newest_verified {
        None if backups.is_empty() => CheckResult::new(
            "backup",
            Status::Warn,
            "no backup on this host: ployctl backup --verify takes one and proves it",
        )
        .by(by),
        None => CheckResult::new(
            "backup",
            Status::Warn,
            format!(
                "{} backup(s), none passed its restore drill: ployctl backup verify",
                backups.len()
            ),
        )
        .by(by),
        Some(at) => {
            let age = Duration::from_millis(u64::try_from(f.now_ms - at).unwrap_or(0));
            let status = if age > t.backup_age_warn {
                Status::Warn
            } else {
                Status::Ok
            };
            CheckResult::new(
                "backup",
                status,
                format!("newest verified backup taken {}", since_text(at, f.now_ms)),
            )
            .by(by)
        },
    }
}

fn service(f: &Facts) -> CheckResult {
    let uptime = f
        .health
        .report()
        .map(|r| {
            format!(
                ", up {}",
                duration_text(Duration::from_secs(r.uptime_seconds))
            )
        })
        .unwrap_or_default();
    if f.service_active {
        CheckResult::new("service", Status::Ok, format!("running{uptime}")).by("running")
    } else {
        let state = f.service_state.as_deref().unwrap_or("not running");
        CheckResult::new("service", Status::Fail, state.to_owned()).by("running")
    }
}

fn restarts(f: &Facts, t: &Thresholds) -> CheckResult {
    let by = format!("warn ≥ {}, fail ≥ {}", t.restarts_warn, t.restarts_fail);
    let Some(starts) = f.starts else {
        return CheckResult::new(
            "restarts",
            Status::Skip,
            "the service log could not be read",
        );
    };
    let unexpected = starts.saturating_sub(f.planned_starts);
    let status = count_status(unexpected, t.restarts_warn, t.restarts_fail);
    CheckResult::new(
        "restarts",
        status,
        format!(
            "{unexpected} unexpected ({starts} start{}, {} by ployctl)",
            if starts == 1 { "" } else { "s" },
            f.planned_starts
        ),
    )
    .by(by)
}

fn errors(f: &Facts, t: &Thresholds) -> CheckResult {
    match &f.errors {
        Err(why) => CheckResult::new("errors", Status::Skip, why.clone()),
        Ok(e) => {
            let mut r = CheckResult::new(
                "errors",
                count_status(e.count, t.errors_warn, t.errors_fail),
                format!(
                    "{} error line{} in {}",
                    e.count,
                    if e.count == 1 { "" } else { "s" },
                    e.source
                ),
            )
            .by(format!(
                "warn ≥ {}, fail ≥ {}",
                t.errors_warn, t.errors_fail
            ));
            r.lines.clone_from(&e.last);
            r
        },
    }
}

fn health(f: &Facts) -> CheckResult {
    match &f.health {
        Probe::Healthy(r) => {
            let checks: Vec<String> = r.checks.iter().map(|(n, _)| n.to_owned()).collect();
            CheckResult::new(
                "health",
                Status::Ok,
                format!("healthy ({} up)", checks.join(", ")),
            )
            .by("healthy")
        },
        Probe::Degraded(r) => CheckResult::new(
            "health",
            Status::Fail,
            format!("degraded: {}", r.failing_checks().join("; ")),
        )
        .by("healthy"),
        Probe::Unreachable(why) => {
            CheckResult::new("health", Status::Fail, format!("no answer: {why}")).by("healthy")
        },
    }
}

/// The exchange (reachable, latency), the clock skew and the geoblock check,
/// from the current release's `check-config --connect`.
fn exchange(f: &Facts, t: &Thresholds) -> Vec<CheckResult> {
    let connect = match &f.config {
        Err(why) => {
            return vec![
                CheckResult::new("config", Status::Fail, why.clone()),
                CheckResult::new("exchange", Status::Skip, "check-config did not run"),
            ]
        },
        Ok(c) => c,
    };
    let mut out = Vec::new();
    if !connect.problems.is_empty() || !connect.missing_secrets().is_empty() {
        let mut r = CheckResult::new(
            "config",
            Status::Fail,
            format!(
                "{} problem(s){}",
                connect.problems.len(),
                if connect.missing_secrets().is_empty() {
                    String::new()
                } else {
                    format!(", missing {}", connect.missing_secrets().join(", "))
                }
            ),
        );
        r.lines = connect
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.location, p.message))
            .collect();
        out.push(r);
    }
    let Some(checks) = &connect.connect else {
        out.push(CheckResult::new(
            "exchange",
            Status::Skip,
            "check-config did not connect",
        ));
        return out;
    };
    if !checks.database.is_up() {
        out.push(CheckResult::new(
            "database",
            Status::Fail,
            format!(
                "unreachable: {}",
                checks.database.error.as_deref().unwrap_or("?")
            ),
        ));
    }
    match &checks.exchange {
        None => out.push(CheckResult::new(
            "exchange",
            Status::Skip,
            "this release's check-config does not try the exchange",
        )),
        Some(ex) => {
            let required = ploy_api::config_check::is_required(ex);
            let latency = Duration::from_secs_f64(ex.latency_ms.max(0.0) / 1000.0);
            let by = format!("warn > {}", limit_text(t.exchange_latency_warn));
            if ex.is_up() {
                let status = if latency > t.exchange_latency_warn {
                    Status::Warn
                } else {
                    Status::Ok
                };
                out.push(
                    CheckResult::new(
                        "exchange",
                        status,
                        format!("answers in {:.0} ms", ex.latency_ms),
                    )
                    .by(by),
                );
                if let Some(skew) = ex
                    .detail
                    .get("clock_skew_ms")
                    .and_then(serde_json::Value::as_i64)
                {
                    let abs = Duration::from_millis(skew.unsigned_abs());
                    let status = if abs > t.clock_skew_fail {
                        Status::Fail
                    } else if abs > t.clock_skew_warn {
                        Status::Warn
                    } else {
                        Status::Ok
                    };
                    out.push(
                        CheckResult::new(
                            "clock",
                            status,
                            format!("{skew:+} ms against the exchange (±500 ms)"),
                        )
                        .by(format!(
                            "warn > {}, fail > {}",
                            limit_text(t.clock_skew_warn),
                            limit_text(t.clock_skew_fail)
                        )),
                    );
                }
            } else {
                let why = ex.error.clone().unwrap_or_default();
                let (status, note) = if required {
                    (Status::Fail, "")
                } else {
                    (Status::Warn, " (this config does not trade on it)")
                };
                out.push(
                    CheckResult::new("exchange", status, format!("unreachable: {why}{note}"))
                        .by("reachable"),
                );
            }
        },
    }
    if let Some(geo) = &checks.geoblock {
        let required = ploy_api::config_check::is_required(geo);
        let country = geo
            .detail
            .get("country")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        let blocked = geo
            .detail
            .get("blocked")
            .and_then(serde_json::Value::as_bool);
        let r = match (geo.is_up(), blocked) {
            (true, _) => CheckResult::new("geoblock", Status::Ok, format!("served ({country})")),
            (false, Some(true)) => CheckResult::new(
                "geoblock",
                if required { Status::Fail } else { Status::Warn },
                format!("blocked: Polymarket does not serve this host's IP ({country})"),
            ),
            (false, _) => CheckResult::new(
                "geoblock",
                Status::Warn,
                format!("unknown: {}", geo.error.as_deref().unwrap_or("no answer")),
            ),
        };
        out.push(r.by("not blocked"));
    }
    out
}

fn maintenance(f: &Facts) -> CheckResult {
    match &f.maintenance {
        None => CheckResult::new("maintenance", Status::Ok, "none").by("none"),
        Some(m) => CheckResult::new("maintenance", Status::Warn, m.describe()).by("none"),
    }
}

fn kill_switch(f: &Facts) -> CheckResult {
    let from_history = || {
        f.report
            .as_ref()
            .ok()
            .and_then(|r| r.report.kill_switch_changes.last().cloned())
    };
    let Some(change) = f.kill_switch.clone().or_else(from_history) else {
        return CheckResult::new("kill_switch", Status::Skip, "the engine did not answer");
    };
    let value = format!(
        "{} since {} (set by {})",
        change.state,
        since_text(change.changed_at_ms, f.now_ms),
        change.source
    );
    let status = match change.state {
        TradingState::Active => Status::Ok,
        TradingState::Reducing | TradingState::Halted => Status::Warn,
    };
    CheckResult::new("kill_switch", status, value).by("active")
}

/// The engine's `account` check in `/health`: the balance the exchange
/// reports (an allowance missing warns), the day's P&L against the loss
/// limits (a halt by one fails, less than a quarter of the daily limit left
/// warns), and positions the exchange does not hold (warn).
fn account(f: &Facts) -> Vec<CheckResult> {
    let Some(report) = f.health.report() else {
        return vec![CheckResult::new(
            "balance",
            Status::Skip,
            "the engine did not answer",
        )];
    };
    let Some(a) = report.checks.other.get("account") else {
        return vec![CheckResult::new(
            "balance",
            Status::Skip,
            "the engine reports no account yet (no market event or balance read)",
        )];
    };
    let text = |k: &str| {
        a.detail.get(k).map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    let decimal = |k: &str| text(k).and_then(|t| t.parse::<Decimal>().ok());
    let mut out = Vec::new();
    match text("balance_usdc") {
        None => out.push(CheckResult::new("balance", Status::Skip, "not read yet")),
        Some(balance) => {
            let allowed = a
                .detail
                .get("collateral_allowed")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(true);
            let mut value = format!(
                "{balance} USDC, {} committed to bids",
                text("committed_usdc").unwrap_or_else(|| "0".to_owned())
            );
            if !allowed {
                value.push_str("; no allowance for the collateral: no bid is placed");
            }
            let held: Vec<String> = a
                .detail
                .get("held_back")
                .and_then(serde_json::Value::as_array)
                .map(|h| {
                    h.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if !held.is_empty() {
                value.push_str(&format!(
                    "; quotes held back for want of {} in the last minute",
                    held.join(" and ")
                ));
            }
            let status = if allowed && held.is_empty() {
                Status::Ok
            } else {
                Status::Warn
            };
            out.push(
                CheckResult::new("balance", status, value)
                    .by("warn: no allowance, or quotes held back for funds"),
            );
        },
    }
    if let Some(pnl) = text("day_pnl_usdc") {
        let breached = text("loss_limit_breached");
        let max = decimal("max_daily_loss_usdc");
        let headroom = decimal("loss_headroom_usdc");
        let (status, value) = match (&breached, max, headroom) {
            (Some(limit), _, _) => (
                Status::Fail,
                format!("day P&L {pnl} USDC; the {limit} loss limit halted trading"),
            ),
            (None, Some(max), Some(left)) => {
                let status = if left * Decimal::from(4) < max {
                    Status::Warn
                } else {
                    Status::Ok
                };
                (
                    status,
                    format!(
                        "day P&L {pnl} USDC; it may fall {} USDC more before risk.max_daily_loss ({} USDC) halts trading",
                        left.normalize(),
                        max.normalize()
                    ),
                )
            },
            _ => (
                Status::Ok,
                format!("day P&L {pnl} USDC; no daily loss limit set"),
            ),
        };
        out.push(
            CheckResult::new("loss_limit", status, value)
                .by("warn < 25% of risk.max_daily_loss left, fail: halted by a loss limit"),
        );
    }
    if text("balance_usdc").is_some() {
        let mismatches: Vec<String> = a
            .detail
            .get("mismatches")
            .and_then(serde_json::Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(token, v)| {
                        format!(
                            "{}: position {}, the exchange holds {}",
                            short_token(token),
                            v["position"].as_str().unwrap_or("?"),
                            v["exchange"].as_str().unwrap_or("?")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut r = if mismatches.is_empty() {
            CheckResult::new(
                "exchange_positions",
                Status::Ok,
                "every position read is what the exchange holds",
            )
        } else {
            CheckResult::new(
                "exchange_positions",
                Status::Warn,
                format!(
                    "{} position(s) differ from the exchange's balance",
                    mismatches.len()
                ),
            )
        };
        r.lines = mismatches;
        out.push(r.by("warn: a position the exchange does not hold, at two reads in a row"));
    }
    out
}

fn disk(f: &Facts, t: &Thresholds) -> CheckResult {
    let Some(d) = f.disk.filter(|d| d.total_kb > 0) else {
        return CheckResult::new("disk", Status::Skip, "df did not answer");
    };
    let free = d.avail_kb.saturating_mul(100) / d.total_kb;
    let status = if free < u64::from(t.disk_free_fail) {
        Status::Fail
    } else if free < u64::from(t.disk_free_warn) {
        Status::Warn
    } else {
        Status::Ok
    };
    CheckResult::new(
        "disk",
        status,
        format!(
            "{free}% free ({} of {})",
            mib(d.avail_kb * 1024),
            mib(d.total_kb * 1024)
        ),
    )
    .by(format!(
        "warn < {}%, fail < {}%",
        t.disk_free_warn, t.disk_free_fail
    ))
}

fn database(f: &Facts, t: &Thresholds) -> CheckResult {
    match f.report.as_ref().ok().and_then(|r| r.database_bytes) {
        None => CheckResult::new("database_size", Status::Skip, "unknown"),
        Some(bytes) => {
            let status = if bytes > t.database_size_warn_mb * 1024 * 1024 {
                Status::Warn
            } else {
                Status::Ok
            };
            CheckResult::new("database_size", status, mib(bytes)).by(format!(
                "warn > {}",
                mib(t.database_size_warn_mb * 1024 * 1024)
            ))
        },
    }
}

fn market_data(f: &Facts, t: &Thresholds) -> CheckResult {
    api_connection_age(
        f,
        t,
        "market_data",
        "last_message_age_ms",
        "no market message received yet",
        "last message",
    )
}

/// Live only: how long ago an authenticated exchange request (posting,
/// cancelling, reading orders and trades) last succeeded, judged by the
/// market-data age thresholds.
fn exchange_requests(f: &Facts, t: &Thresholds) -> Option<CheckResult> {
    (is_live(f) == Some(true)).then(|| {
        api_connection_age(
            f,
            t,
            "exchange_requests",
            "last_exchange_ok_age_ms",
            "no authenticated request has succeeded since the engine started",
            "last authenticated request",
        )
    })
}

/// An age `/health`'s `api_connection` check reports (`field`, in ms),
/// judged by the market-data age thresholds; `none` when it has none yet.
fn api_connection_age(
    f: &Facts,
    t: &Thresholds,
    name: &'static str,
    field: &str,
    none: &str,
    what: &str,
) -> CheckResult {
    let by = format!(
        "warn > {}, fail > {}",
        limit_text(t.market_data_age_warn),
        limit_text(t.market_data_age_fail)
    );
    let Some(report) = f.health.report() else {
        return CheckResult::new(name, Status::Skip, "the engine did not answer");
    };
    let age = report
        .checks
        .api_connection
        .detail
        .get(field)
        .and_then(serde_json::Value::as_u64);
    match age {
        None => CheckResult::new(name, Status::Warn, none).by(by),
        Some(ms) => {
            let age = Duration::from_millis(ms);
            let status = if age > t.market_data_age_fail {
                Status::Fail
            } else if age > t.market_data_age_warn {
                Status::Warn
            } else {
                Status::Ok
            };
            CheckResult::new(name, status, format!("{what} {} ago", duration_text(age))).by(by)
        },
    }
}

/// Orders, positions with P&L, and fills in the window.
fn activity(f: &Facts, t: &Thresholds) -> Vec<CheckResult> {
    let window = window_text(f.window);
    let mut out = Vec::new();
    match &f.report {
        Err(why) => out.push(CheckResult::new("orders", Status::Skip, why.clone())),
        Ok(answer) => {
            let r = &answer.report;
            let o = &r.orders;
            let status = if o.failed >= t.orders_failed_warn {
                Status::Warn
            } else {
                Status::Ok
            };
            out.push(
                CheckResult::new(
                    "orders",
                    status,
                    format!(
                        "{} open; in {window}: {} placed, {} filled, {} cancelled, {} failed",
                        o.open_now, o.placed, o.filled, o.cancelled, o.failed
                    ),
                )
                .by(format!("warn: ≥ {} failed", t.orders_failed_warn)),
            );
            out.push(CheckResult::new(
                "pnl",
                Status::Ok,
                format!(
                    "in {window}: {} fills, volume {} USDC, fees {}, realized {}, net {}",
                    r.fills, r.volume, r.fees, r.realized_pnl, r.net_pnl
                ),
            ));
            let live = is_live(f) == Some(true);
            let age = r
                .last_fill_ms
                .map(|ms| Duration::from_millis(u64::try_from(f.now_ms - ms).unwrap_or(0)));
            let value = match r.last_fill_ms {
                Some(ms) => format!("last fill {}", since_text(ms, f.now_ms)),
                None => "no fill yet".to_owned(),
            };
            let stale = age.is_none_or(|a| a > t.fill_age_warn);
            let status = if live && stale {
                Status::Warn
            } else {
                Status::Ok
            };
            out.push(
                CheckResult::new("fills", status, value)
                    .by(format!("live: warn > {}", limit_text(t.fill_age_warn))),
            );
        },
    }
    match &f.positions {
        Err(why) => out.push(CheckResult::new("positions", Status::Skip, why.clone())),
        Ok(p) => {
            let open: Vec<_> = p.positions.iter().filter(|p| !p.size.is_zero()).collect();
            let unrealized: Decimal = open.iter().filter_map(|p| p.unrealized_pnl).sum();
            let realized: Decimal = p.positions.iter().map(|p| p.realized_pnl).sum();
            let unmarked = open.iter().filter(|p| p.mark.is_none()).count();
            let mut value = format!(
                "{} open, unrealized {}, realized {} (all time)",
                open.len(),
                unrealized.normalize(),
                realized.normalize()
            );
            if unmarked > 0 {
                value.push_str(&format!("; {unmarked} without a mark"));
            }
            let mut r = CheckResult::new("positions", Status::Ok, value);
            r.lines = open
                .iter()
                .map(|p| {
                    format!(
                        "{}: {} @ {}, mark {}, unrealized {}",
                        short_token(&p.token_id),
                        p.size,
                        p.avg_price,
                        p.mark.map_or("?".to_owned(), |m| m.to_string()),
                        p.unrealized_pnl.map_or("?".to_owned(), |u| u.to_string())
                    )
                })
                .collect();
            out.push(r);
        },
    }
    out
}

fn release(f: &Facts) -> CheckResult {
    match (f.running.as_deref(), f.current.as_deref()) {
        (Some(r), Some(c)) if r != c => CheckResult::new(
            "release",
            Status::Warn,
            format!("{r} runs, but current names {c}"),
        )
        .by("the current release runs"),
        (Some(r), _) => CheckResult::new("release", Status::Ok, r.to_owned()),
        (None, Some(c)) => CheckResult::new("release", Status::Ok, format!("{c} (not running)")),
        (None, None) => CheckResult::new("release", Status::Warn, "no release installed"),
    }
}

/// Release drift: hosts sharing a tag that run different releases. Returns,
/// per host index, the warning to add.
pub fn drift(hosts: &[(Vec<String>, Option<String>)]) -> Vec<Option<CheckResult>> {
    let mut out = vec![None; hosts.len()];
    let mut tags: Vec<&String> = hosts.iter().flat_map(|(t, _)| t).collect();
    tags.sort();
    tags.dedup();
    for tag in tags {
        let members: Vec<usize> = (0..hosts.len())
            .filter(|&i| hosts[i].0.contains(tag))
            .collect();
        let mut releases: Vec<&str> = members
            .iter()
            .filter_map(|&i| hosts[i].1.as_deref())
            .collect();
        releases.sort_unstable();
        releases.dedup();
        if releases.len() > 1 {
            for &i in &members {
                out[i] = Some(
                    CheckResult::new(
                        "release_drift",
                        Status::Warn,
                        format!("hosts tagged {tag} run {}", releases.join(", ")),
                    )
                    .by("one release per tag"),
                );
            }
        }
    }
    out
}

/// The worst status of a host's checks.
pub fn worst(results: &[CheckResult]) -> Status {
    results.iter().map(|r| r.status).max().unwrap_or(Status::Ok)
}

/// Counts per status: (ok, warn, fail, skip).
pub fn tally(results: &[CheckResult]) -> (usize, usize, usize, usize) {
    let n = |s| results.iter().filter(|r| r.status == s).count();
    (
        n(Status::Ok),
        n(Status::Warn),
        n(Status::Fail),
        n(Status::Skip),
    )
}

/// Parses what the host's log scan printed: `log_errors`, the `errors` block.
pub fn log_errors(
    count: Option<u64>,
    last: Vec<String>,
    source: &str,
) -> Result<LogErrors, String> {
    match count {
        Some(count) => Ok(LogErrors {
            count,
            last,
            source: source.to_owned(),
        }),
        None => Err(format!("{source} could not be read")),
    }
}

#[cfg(test)]
mod tests {
    use ploy_api::health::{Check, Checks, HealthReport, OverallStatus};
    use ploy_api::views::{ActivityReport, OrderCounts};
    use ploy_api::ConnectChecks;

    use super::*;

    fn health(age_ms: u64) -> HealthReport {
        HealthReport {
            status: OverallStatus::Healthy,
            version: "0.1.0".into(),
            uptime_seconds: 3600,
            mode: None,
            checks: Checks {
                database: Check::up(Duration::from_millis(1)),
                api_connection: Check::up(Duration::from_millis(1))
                    .with("last_message_age_ms", age_ms),
                order_queue: Check::up(Duration::ZERO),
                other: [(
                    "account".to_owned(),
                    Check::up(Duration::ZERO)
                        .with("balance_usdc", "1000")
                        .with("committed_usdc", "2.4")
                        .with("collateral_allowed", true)
                        .with("day_pnl_usdc", "0.5"),
                )]
                .into_iter()
                .collect(),
            },
        }
    }

    fn config(mode: &str, skew_ms: i64, blocked: bool) -> ConfigCheckReport {
        let geo = if blocked {
            Check::down(Duration::ZERO, "blocked")
                .with("blocked", true)
                .with("country", "US")
        } else {
            Check::up(Duration::ZERO)
                .with("blocked", false)
                .with("country", "IE")
        };
        ConfigCheckReport {
            ok: true,
            mode: Some(mode.into()),
            connect: Some(ConnectChecks {
                database: Check::up(Duration::ZERO),
                market_data: Check::up(Duration::ZERO),
                exchange: Some(
                    Check::up(Duration::from_millis(40))
                        .with("clock_skew_ms", skew_ms)
                        .with("required", mode == "live"),
                ),
                geoblock: Some(geo.with("required", mode == "live")),
            }),
            ..Default::default()
        }
    }

    fn report(last_fill_ms: Option<i64>, failed: u64) -> ReportAnswer {
        ReportAnswer {
            report: ActivityReport {
                since_ms: 0,
                until_ms: 0,
                orders: OrderCounts {
                    placed: 4,
                    failed,
                    open_now: 2,
                    ..Default::default()
                },
                fills: 1,
                volume: Decimal::new(24, 1),
                fees: Decimal::ZERO,
                realized_pnl: Decimal::ZERO,
                net_pnl: Decimal::ZERO,
                largest_inventory: None,
                kill_switch_changes: Vec::new(),
                deployments: Vec::new(),
                last_fill_ms,
            },
            database_bytes: Some(2 * 1024 * 1024),
            note: None,
        }
    }

    const NOW: i64 = 1_800_000_000_000;

    fn healthy() -> Facts {
        Facts {
            window: Duration::from_secs(86_400),
            now_ms: NOW,
            service_active: true,
            service_state: None,
            starts: Some(1),
            planned_starts: 1,
            errors: Ok(LogErrors {
                count: 0,
                last: Vec::new(),
                source: "logs/ploy.log".into(),
            }),
            health: Probe::Healthy(health(500)),
            config: Ok(config("paper", 120, false)),
            kill_switch: Some(TradingStateChange {
                state: TradingState::Active,
                changed_at_ms: NOW - 60_000,
                source: "config".into(),
                reason: None,
            }),
            disk: Some(Disk {
                avail_kb: 50,
                total_kb: 100,
            }),
            report: Ok(report(Some(NOW - 1000), 0)),
            positions: Ok(PositionsAnswer {
                positions: Vec::new(),
                note: None,
            }),
            current: Some("r1".into()),
            running: Some("r1".into()),
            maintenance: None,
            backups: Some(vec![(NOW - 3_600_000, true)]),
        }
    }

    fn with_account(detail: serde_json::Value) -> Facts {
        let mut h = health(500);
        let mut check = Check::up(Duration::ZERO);
        let serde_json::Value::Object(fields) = detail else {
            panic!("an object")
        };
        for (k, v) in fields {
            check = check.with(&k, v);
        }
        h.checks.other.insert("account".to_owned(), check);
        Facts {
            health: Probe::Healthy(h),
            ..healthy()
        }
    }

    #[test]
    fn the_account_is_judged_balance_loss_limit_and_positions() {
        let t = Thresholds::default();
        // An engine that says nothing of its account: skipped.
        let mut older = health(500);
        older.checks.other.clear();
        let older = Facts {
            health: Probe::Healthy(older),
            ..healthy()
        };
        assert_eq!(status_of(&judge(&older, &t), "balance"), Status::Skip);
        let ok = with_account(serde_json::json!({
            "balance_usdc": "120.5", "committed_usdc": "2.4", "collateral_allowed": true,
            "day_pnl_usdc": "-3", "max_daily_loss_usdc": "50", "loss_headroom_usdc": "47",
        }));
        let r = judge(&ok, &t);
        assert_eq!(status_of(&r, "balance"), Status::Ok);
        assert_eq!(status_of(&r, "loss_limit"), Status::Ok);
        assert_eq!(status_of(&r, "exchange_positions"), Status::Ok);
        let loss = r.iter().find(|c| c.name == "loss_limit").unwrap();
        assert_eq!(
            loss.value,
            "day P&L -3 USDC; it may fall 47 USDC more before risk.max_daily_loss (50 USDC) halts trading"
        );
        // Less than a quarter left: warn. Halted by it: fail.
        let close = with_account(serde_json::json!({
            "day_pnl_usdc": "-40", "max_daily_loss_usdc": "50", "loss_headroom_usdc": "10",
        }));
        assert_eq!(status_of(&judge(&close, &t), "loss_limit"), Status::Warn);
        let halted = with_account(serde_json::json!({
            "day_pnl_usdc": "-51", "max_daily_loss_usdc": "50", "loss_headroom_usdc": "-1",
            "loss_limit_breached": "daily_loss",
        }));
        assert_eq!(status_of(&judge(&halted, &t), "loss_limit"), Status::Fail);
        // No allowance, and a position the exchange does not hold: warn.
        let poor = with_account(serde_json::json!({
            "balance_usdc": "1", "committed_usdc": "0", "collateral_allowed": true,
            "held_back": ["funds"],
        }));
        assert_eq!(status_of(&judge(&poor, &t), "balance"), Status::Warn);
        let short = with_account(serde_json::json!({
            "balance_usdc": "0", "committed_usdc": "0", "collateral_allowed": false,
            "mismatches": {"71321045679252212594626385532706912750332728571942532289631379312455583992563":
                {"position": "5", "exchange": "0"}},
        }));
        let r = judge(&short, &t);
        assert_eq!(status_of(&r, "balance"), Status::Warn);
        let positions = r.iter().find(|c| c.name == "exchange_positions").unwrap();
        assert_eq!(positions.status, Status::Warn);
        assert_eq!(positions.lines.len(), 1, "{positions:?}");
    }

    #[test]
    fn a_host_without_a_recent_verified_backup_is_warned_about() {
        let t = Thresholds::default();
        let judged = |backups: Option<Vec<(i64, bool)>>| {
            let f = Facts {
                backups,
                ..healthy()
            };
            let r = judge(&f, &t)
                .into_iter()
                .find(|c| c.name == "backup")
                .unwrap();
            (r.status, r.value)
        };
        assert_eq!(judged(Some(vec![(NOW - 3_600_000, true)])).0, Status::Ok);
        let (status, detail) = judged(Some(vec![]));
        assert_eq!(status, Status::Warn);
        assert!(detail.contains("no backup on this host"), "{detail}");
        let (status, detail) = judged(Some(vec![(NOW - 1000, false)]));
        assert_eq!(status, Status::Warn);
        assert!(detail.contains("none passed its restore drill"), "{detail}");
        // A newer unverified one does not count; the verified one is 2 days old.
        let (status, _) = judged(Some(vec![
            (NOW - 1000, false),
            (NOW - 2 * 86_400_000, true),
        ]));
        assert_eq!(status, Status::Warn);
        assert_eq!(judged(None).0, Status::Skip);
        let strict = Thresholds {
            backup_age_warn: Duration::from_secs(60),
            ..Thresholds::default()
        };
        assert!(strict.validate().unwrap_err().contains("backup_age_warn"));
    }

    fn status_of(results: &[CheckResult], name: &str) -> Status {
        results
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("no {name}: {results:?}"))
            .status
    }

    #[test]
    fn an_open_maintenance_window_is_a_warning_that_says_who_and_why() {
        let mut f = healthy();
        f.maintenance = Some(crate::remote::maintenance::Maintenance {
            since: "2026-12-02T03:00:00Z".into(),
            by: "alice@laptop".into(),
            ci_run_url: None,
            reason: "OS patches".into(),
            mode: crate::remote::maintenance::MaintenanceMode::Halted,
            trading_before: Some(TradingState::Active),
        });
        let results = judge(&f, &Thresholds::default());
        assert_eq!(status_of(&results, "maintenance"), Status::Warn);
        let m = results.iter().find(|r| r.name == "maintenance").unwrap();
        assert!(m.value.contains("by alice@laptop (OS patches)"), "{m:?}");
    }

    #[test]
    fn a_healthy_host_is_all_ok() {
        let results = judge(&healthy(), &Thresholds::default());
        assert_eq!(worst(&results), Status::Ok, "{results:#?}");
        let names: Vec<&str> = results.iter().map(|r| r.name).collect();
        assert_eq!(
            names,
            [
                "service",
                "restarts",
                "errors",
                "health",
                "exchange",
                "clock",
                "geoblock",
                "maintenance",
                "kill_switch",
                "balance",
                "loss_limit",
                "exchange_positions",
                "disk",
                "database_size",
                "market_data",
                "orders",
                "pnl",
                "fills",
                "positions",
                "release",
                "backup"
            ]
        );
    }

    #[test]
    fn each_rule_warns_and_fails_at_its_threshold() {
        let t = Thresholds::default();
        let mut f = healthy();
        f.starts = Some(3);
        f.errors = Ok(LogErrors {
            count: 100,
            last: vec!["boom".into()],
            source: "x".into(),
        });
        f.disk = Some(Disk {
            avail_kb: 15,
            total_kb: 100,
        });
        f.config = Ok(config("live", -7_000, true));
        f.health = Probe::Healthy(health(90_000));
        f.report = Ok(report(None, 2));
        let r = judge(&f, &t);
        assert_eq!(status_of(&r, "restarts"), Status::Warn, "2 unexpected");
        assert_eq!(status_of(&r, "errors"), Status::Fail);
        assert_eq!(
            r.iter().find(|c| c.name == "errors").unwrap().lines,
            ["boom"]
        );
        assert_eq!(status_of(&r, "disk"), Status::Warn);
        assert_eq!(status_of(&r, "clock"), Status::Fail);
        assert_eq!(status_of(&r, "geoblock"), Status::Fail, "blocked and live");
        assert_eq!(status_of(&r, "market_data"), Status::Warn);
        assert_eq!(status_of(&r, "orders"), Status::Warn);
        assert_eq!(status_of(&r, "fills"), Status::Warn, "live without a fill");
        assert_eq!(
            status_of(&r, "exchange_requests"),
            Status::Warn,
            "live, none succeeded yet"
        );
        assert!(
            judge(&healthy(), &t)
                .iter()
                .all(|c| c.name != "exchange_requests"),
            "paper has none"
        );
        let mut h = health(500);
        h.checks.api_connection = h
            .checks
            .api_connection
            .with("last_exchange_ok_age_ms", 400_000u64);
        f.health = Probe::Healthy(h);
        assert_eq!(status_of(&judge(&f, &t), "exchange_requests"), Status::Fail);

        f.disk = Some(Disk {
            avail_kb: 5,
            total_kb: 100,
        });
        f.starts = Some(6);
        assert_eq!(status_of(&judge(&f, &t), "disk"), Status::Fail);
        assert_eq!(status_of(&judge(&f, &t), "restarts"), Status::Fail);
    }

    #[test]
    fn a_stopped_service_fails_and_the_views_still_answer() {
        let mut f = healthy();
        f.service_active = false;
        f.service_state = Some("systemd says inactive".into());
        f.health = Probe::Unreachable("connection refused".into());
        f.kill_switch = None;
        let r = judge(&f, &Thresholds::default());
        assert_eq!(status_of(&r, "service"), Status::Fail);
        assert_eq!(status_of(&r, "health"), Status::Fail);
        assert_eq!(status_of(&r, "market_data"), Status::Skip);
        assert_eq!(
            status_of(&r, "orders"),
            Status::Ok,
            "read from the database"
        );
        assert_eq!(status_of(&r, "kill_switch"), Status::Skip);
    }

    #[test]
    fn a_halted_kill_switch_warns_with_who_and_since() {
        let mut f = healthy();
        f.kill_switch = Some(TradingStateChange {
            state: TradingState::Halted,
            changed_at_ms: NOW - 3_600_000,
            source: "PUT /trading-state from 127.0.0.1".into(),
            reason: None,
        });
        let r = judge(&f, &Thresholds::default());
        let k = r.iter().find(|c| c.name == "kill_switch").unwrap();
        assert_eq!(k.status, Status::Warn);
        assert_eq!(
            k.value,
            "halted since 1h ago (set by PUT /trading-state from 127.0.0.1)"
        );
    }

    #[test]
    fn thresholds_merge_key_by_key_and_refuse_what_cannot_run() {
        let fields: CheckFields =
            toml::from_str("disk_free_warn = 30\nclock_skew_fail = \"10s\"").unwrap();
        let t = Thresholds::default().with(&fields);
        assert_eq!(t.disk_free_warn, 30);
        assert_eq!(t.disk_free_fail, 10);
        assert_eq!(t.clock_skew_fail, Duration::from_secs(10));
        t.validate().unwrap();
        for bad in [
            "disk_free_warn = 5",
            "disk_free_fail = 100",
            "errors_warn = 0",
            "restarts_warn = 9",
            "clock_skew_warn = \"0s\"",
            "market_data_age_fail = \"400d\"",
            "database_size_warn_mb = 0",
        ] {
            let fields: CheckFields = toml::from_str(bad).unwrap();
            assert!(
                Thresholds::default().with(&fields).validate().is_err(),
                "{bad} was accepted"
            );
        }
        assert!(
            toml::from_str::<CheckFields>("disk_free = 3").is_err(),
            "unknown keys are refused"
        );
    }

    #[test]
    fn drift_warns_every_host_of_a_tag_with_two_releases() {
        let hosts = vec![
            (vec!["prod".to_owned()], Some("a".to_owned())),
            (vec!["prod".to_owned()], Some("b".to_owned())),
            (vec!["staging".to_owned()], Some("c".to_owned())),
        ];
        let d = drift(&hosts);
        assert!(d[0].is_some() && d[1].is_some() && d[2].is_none());
        assert_eq!(d[0].as_ref().unwrap().value, "hosts tagged prod run a, b");
    }

    #[test]
    fn windows_read_as_written() {
        assert_eq!(window_text(Duration::from_secs(86_400)), "24h");
        assert_eq!(window_text(Duration::from_secs(7 * 86_400)), "7d");
        assert_eq!(window_text(Duration::from_secs(5400)), "90m");
    }
}
