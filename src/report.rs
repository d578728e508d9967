//! The report model: what a run found out, per host, apart from how it is
//! printed. Every command's host report has the same frame (host, outcome,
//! reason, hint, steps, time) and its own details: a change (deploy,
//! rollback), a health read, a release listing. `--json` serializes it (the
//! format is versioned); the printer renders it for humans and GitHub Actions.

use serde::Serialize;

use crate::exit::Outcome;
use crate::health::{HealthReport, TradingStateChange};
use crate::plan::StepKind;
use crate::remote::guard::GuardResult;
use crate::remote::release::ReleaseEntry;

/// Version of the `--json` report format.
pub const REPORT_VERSION: u32 = 1;

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// Done.
    Ok,
    /// Failed (the command stops or rolls back).
    Failed,
    /// Not needed.
    Skipped,
    /// Done, with something to look at.
    Warning,
}

/// One finished step of one host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRecord {
    /// Which step.
    pub step: StepKind,
    /// How it ended.
    pub status: StepStatus,
    /// What happened.
    pub detail: String,
    /// How long it took.
    pub ms: u64,
}

/// Everything about one host in one run; the `hosts[]` of the JSON report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HostReport {
    /// Host name.
    pub host: String,
    /// `user@host:port` or `local`.
    pub destination: String,
    /// Outcome.
    pub outcome: Option<Outcome>,
    /// Its exit code.
    pub exit_code: u8,
    /// What the command found, its own way.
    #[serde(flatten)]
    pub details: Details,
    /// Why it did not succeed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Warnings given along the way.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The batch of a rolling deploy the host was in (1 = the first; absent
    /// when the deploy had one batch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<usize>,
    /// Finished steps.
    pub steps: Vec<StepRecord>,
    /// Wall time.
    pub duration_ms: u64,
}

/// A command's own part of a host report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Details {
    /// Nothing yet (the host could not be reached).
    #[default]
    None,
    /// A deploy or a rollback.
    Change(Box<ChangeDetails>),
    /// `health`.
    Health(Box<HealthDetails>),
    /// `releases`.
    Releases(Box<ReleasesDetails>),
    /// `validate-config`.
    Config(Box<ConfigDetails>),
    /// `daily-check`.
    Daily(Box<DailyDetails>),
    /// `status`.
    Status(Box<StatusDetails>),
    /// Lines a command shows (`config diff`, `config history`).
    Text(Box<TextDetails>),
    /// `trading`: the kill switch before and after.
    Trading(Box<crate::commands::trading::TradingDetails>),
    /// `audit`: the host's audit log.
    Audit(Box<AuditDetails>),
    /// `maintenance start|end`.
    Maintenance(Box<crate::commands::maintenance::MaintenanceDetails>),
    /// `incident stuck-orders`.
    StuckOrders(Box<crate::commands::incident::StuckOrdersDetails>),
    /// `incident rate-limit`.
    RateLimit(Box<crate::commands::incident::RateLimitDetails>),
    /// `incident disk-full`.
    DiskFull(Box<crate::commands::incident::DiskFullDetails>),
    /// `host bootstrap`.
    Bootstrap(Box<crate::commands::host::BootstrapDetails>),
    /// `backup`, `backup list`, `backup verify`.
    Backup(Box<crate::commands::backup::BackupDetails>),
    /// `restore`.
    Restore(Box<crate::commands::restore::RestoreDetails>),
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What `audit` read on a host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AuditDetails {
    /// The records in the window, oldest first.
    pub records: Vec<serde_json::Value>,
    /// Lines that are not JSON objects (kept out of `records`).
    #[serde(skip_serializing_if = "is_zero")]
    pub unreadable: usize,
}

/// What a command shows as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TextDetails {
    /// The lines.
    pub lines: Vec<String>,
}

/// What `validate-config` found on a host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConfigDetails {
    /// The release whose `ploy check-config` judged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// The file checked (the host's config, or the candidate file named locally).
    pub file: String,
    /// What `check-config --connect --json` said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<ploy_api::ConfigCheckReport>,
}

/// What `daily-check` judged on a host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DailyDetails {
    /// The window looked at.
    pub since: String,
    /// Where `current` points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// The release the live process runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running: Option<String>,
    /// The worst check: `ok`, `warn`, `fail` (`skip` counts as ok).
    pub status: Option<crate::daily::Status>,
    /// Counts: ok, warn, fail, skip.
    pub summary: DailySummary,
    /// Every check, in order.
    pub checks: Vec<crate::daily::CheckResult>,
}

/// How many checks came out each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DailySummary {
    /// ok.
    pub ok: usize,
    /// warn.
    pub warn: usize,
    /// fail.
    pub fail: usize,
    /// skip.
    pub skip: usize,
}

/// `status`: one host at a glance.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatusDetails {
    /// Where `current` points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// The release the live process runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running: Option<String>,
    /// Seconds since the engine started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uptime_seconds: Option<u64>,
    /// `healthy`, `degraded` or `unreachable`.
    pub health: String,
    /// `paper` or `live`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The kill switch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trading_state: Option<TradingStateChange>,
    /// Open orders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_orders: Option<u64>,
    /// Tokens with a position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positions: Option<usize>,
    /// The day's P&L since 00:00 UTC, decimal: the engine's own (realized
    /// and positions at the others' midpoint, fees included), or, from an
    /// engine that does not say, the realized P&L less fees of its report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pnl_today: Option<String>,
    /// The collateral (USDC) balance the exchange reports, decimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance_usdc: Option<String>,
    /// What the day may still lose before `risk.max_daily_loss` halts
    /// trading, decimal (negative: past it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loss_headroom_usdc: Option<String>,
    /// What the engine warns of its account: a position the exchange does
    /// not hold, an allowance missing, a loss limit's halt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_warning: Option<String>,
    /// When the last fill happened (Unix ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_fill_ms: Option<i64>,
    /// An open maintenance window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintenance: Option<crate::remote::maintenance::Maintenance>,
}

/// What a deploy or a rollback did to a host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChangeDetails {
    /// The release the command tried to make current.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// The release that ran before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// The release current after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// The release the live service process runs after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running: Option<String>,
    /// What the host-side guard did, when it fired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard: Option<GuardResult>,
    /// Failing health checks (`name: error`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failing_checks: Vec<String>,
    /// Last service log lines (or check-config's), when something failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log_tail: Vec<String>,
    /// The last `/health` body seen, when a release failed its proof.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthReport>,
    /// A deploy: the time the market went without our quotes, from the old
    /// release's last cancel to the new one's first quote (when both quoted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_gap: Option<crate::quote_gap::QuoteGap>,
}

/// What `health` read on a host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HealthDetails {
    /// Where `current` points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// The release the live service process runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running: Option<String>,
    /// Failing checks (`name: error`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failing_checks: Vec<String>,
    /// The `/health` body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthReport>,
    /// The kill switch (`GET /trading-state`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trading_state: Option<TradingStateChange>,
    /// An open maintenance window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintenance: Option<crate::remote::maintenance::Maintenance>,
}

/// What `releases` listed on a host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReleasesDetails {
    /// Where `current` points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// The release the live service process runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running: Option<String>,
    /// The rollback target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// What the last guard that fired did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard: Option<GuardResult>,
    /// The releases, newest first.
    pub releases: Vec<ReleaseEntry>,
}

impl HostReport {
    /// The change details (deploy, rollback), made when absent.
    pub fn change(&mut self) -> &mut ChangeDetails {
        if !matches!(self.details, Details::Change(_)) {
            self.details = Details::Change(Box::default());
        }
        match &mut self.details {
            Details::Change(d) => d,
            _ => unreachable!("set above"),
        }
    }

    /// The health details, made when absent.
    pub fn health(&mut self) -> &mut HealthDetails {
        if !matches!(self.details, Details::Health(_)) {
            self.details = Details::Health(Box::default());
        }
        match &mut self.details {
            Details::Health(d) => d,
            _ => unreachable!("set above"),
        }
    }

    /// Sets a command's details.
    pub fn set_details(&mut self, details: Details) {
        self.details = details;
    }

    /// Sets the releases details.
    pub fn set_releases(&mut self, details: ReleasesDetails) {
        self.details = Details::Releases(Box::new(details));
    }

    /// The release a change tried to make current.
    pub fn release(&self) -> Option<&str> {
        match &self.details {
            Details::Change(d) => d.release.as_deref(),
            _ => None,
        }
    }

    /// Where `current` points after the command, when it says.
    pub fn current(&self) -> Option<&str> {
        match &self.details {
            Details::Change(d) => d.current.as_deref(),
            Details::Health(d) => d.current.as_deref(),
            Details::Releases(d) => d.current.as_deref(),
            Details::Daily(d) => d.current.as_deref(),
            Details::Status(d) => d.current.as_deref(),
            Details::Config(_)
            | Details::Text(_)
            | Details::Trading(_)
            | Details::Audit(_)
            | Details::Maintenance(_)
            | Details::StuckOrders(_)
            | Details::RateLimit(_)
            | Details::DiskFull(_)
            | Details::Bootstrap(_)
            | Details::Backup(_)
            | Details::Restore(_)
            | Details::None => None,
        }
    }
}

/// The `--json` report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Format version.
    pub version: u32,
    /// The ployctl version.
    pub ployctl_version: &'static str,
    /// `deploy`, `rollback`, `health`, `releases`.
    pub command: String,
    /// Whether every host succeeded.
    pub ok: bool,
    /// The run's outcome.
    pub outcome: Outcome,
    /// The process exit code.
    pub exit_code: u8,
    /// Whether this was a dry run.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    /// `--dry-run`: the planned steps per host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<serde_json::Value>,
    /// Per host, in the order given.
    pub hosts: Vec<HostReport>,
}
