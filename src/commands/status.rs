//! `ployctl status [-H HOSTS]`: one line per host, all hosts at once:
//! release, uptime, health, mode, kill switch, open orders, positions,
//! today's P&L (since 00:00 UTC), the balance the exchange reports, the
//! headroom to the daily loss limit and the last fill's age; under it, what
//! the engine warns of its account. A host that cannot be read gets a line
//! saying why.

use std::io::Write;
use std::time::Duration;

use console::style;
use rust_decimal::Decimal;

use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, within, Access};
use crate::health::Probe;
use crate::inventory::Host;
use crate::plan::StepKind;
use crate::printer::{Ending, HostReport, Style};
use crate::remote::checks::FactsRequest;
use crate::report::{Details, StatusDetails};
use crate::session::{Context, Failure, HostSession};

/// Resolved `status` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusOptions {
    /// Per-host time limit.
    pub timeout: Duration,
}

/// `ployctl status`.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &StatusOptions) -> Outcome {
    let reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        within(options.timeout, "status", status_host(ctx, session, report)).await
    })
    .await;
    if ctx.printer.options().style != Style::Json {
        let now = chrono::Utc::now().timestamp_millis();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", style(header()).bold());
        for r in &reports {
            let _ = writeln!(out, "{}", row(r, now));
            if let Details::Status(d) = &r.details {
                if let Some(m) = &d.maintenance {
                    let _ = writeln!(out, "{:<14} {}", "", style(m.describe()).yellow());
                }
                if let Some(w) = &d.account_warning {
                    let _ = writeln!(out, "{:<14} {}", "", style(w).yellow());
                }
            }
        }
    }
    let ending = Ending {
        no_table: true,
        github_summary: None,
    };
    ctx.printer
        .finish_with("status", reports, false, None, &ending)
}

async fn status_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
) -> Result<(), Failure> {
    let host = session.host.clone();
    ctx.printer
        .step(&host.name, StepKind::Read, "health, kill switch, views");
    let now = chrono::Utc::now().timestamp();
    let since_midnight = u64::try_from(now.rem_euclid(86_400)).unwrap_or(0).max(1);
    let facts = super::daily_check::gather(
        ctx,
        session,
        FactsRequest {
            service: host.service,
            window: since_midnight,
            connect: false,
            scan_log: false,
        },
        Duration::from_secs(since_midnight),
    )
    .await?;
    let health = match &facts.health {
        Probe::Healthy(_) => "healthy",
        Probe::Degraded(_) => "degraded",
        Probe::Unreachable(_) => "unreachable",
    };
    let details = StatusDetails {
        current: facts.current.clone(),
        running: facts.running.clone(),
        uptime_seconds: facts.health.report().map(|r| r.uptime_seconds),
        health: health.to_owned(),
        // What runs (a maintenance window may run it on paper), else the config's.
        mode: facts
            .health
            .report()
            .and_then(|r| r.mode.clone())
            .or_else(|| facts.config.as_ref().ok().and_then(|c| c.mode.clone())),
        trading_state: facts.kill_switch.clone(),
        open_orders: facts.report.as_ref().ok().map(|r| r.report.orders.open_now),
        positions: facts
            .positions
            .as_ref()
            .ok()
            .map(|p| p.positions.iter().filter(|p| !p.size.is_zero()).count()),
        pnl_today: account_field(&facts.health, "day_pnl_usdc").or_else(|| {
            facts
                .report
                .as_ref()
                .ok()
                .map(|r| r.report.net_pnl.normalize().to_string())
        }),
        balance_usdc: account_field(&facts.health, "balance_usdc"),
        loss_headroom_usdc: account_field(&facts.health, "loss_headroom_usdc"),
        account_warning: account_field(&facts.health, "warning"),
        last_fill_ms: facts
            .report
            .as_ref()
            .ok()
            .and_then(|r| r.report.last_fill_ms),
        maintenance: facts.maintenance.clone(),
    };
    ctx.printer
        .step_done(report, StepKind::Read, facts.health.is_healthy(), health);
    report.set_details(Details::Status(Box::new(details)));
    match &facts.health {
        Probe::Healthy(_) => Ok(()),
        Probe::Degraded(_) => Err(Failure::new(Outcome::Unhealthy, facts.health.problem())),
        Probe::Unreachable(_) => Err(Failure::new(Outcome::Unreachable, facts.health.problem())),
    }
}

/// A field of the engine's `account` check in `/health` (an engine from
/// before it has none), as text.
fn account_field(health: &Probe, field: &str) -> Option<String> {
    let account = health.report()?.checks.other.get("account")?;
    match account.detail.get(field)? {
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn header() -> String {
    format!(
        "{:<14} {:<28} {:>9} {:<11} {:<5} {:<8} {:>5} {:>4} {:>10} {:>10} {:>9} {:>10}",
        "HOST",
        "RELEASE",
        "UP",
        "HEALTH",
        "MODE",
        "TRADING",
        "OPEN",
        "POS",
        "P&L TODAY",
        "BALANCE",
        "HEADROOM",
        "LAST FILL"
    )
}

fn short_age(ms: i64) -> String {
    let s = (ms / 1000).max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h{}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// An amount of USDC as a column shows it: two decimals.
fn money(text: &str) -> String {
    text.parse::<Decimal>().map_or_else(
        |_| text.to_owned(),
        |d| d.round_dp(2).normalize().to_string(),
    )
}

/// One host's line.
pub fn row(r: &HostReport, now_ms: i64) -> String {
    let Details::Status(d) = &r.details else {
        return format!(
            "{:<14} {}",
            r.host,
            style(format!(
                "{}: {}",
                r.outcome.map_or("?", |o| o.word()),
                r.reason.as_deref().unwrap_or("not read")
            ))
            .red()
        );
    };
    let release = match (d.running.as_deref(), d.current.as_deref()) {
        (Some(run), Some(cur)) if run != cur => format!("{run} (current {cur})"),
        (Some(run), _) => run.to_owned(),
        (None, Some(cur)) => format!("{cur} (stopped)"),
        (None, None) => "none".to_owned(),
    };
    let padded = format!("{:<11}", d.health);
    let health = match d.health.as_str() {
        "healthy" => style(padded).green(),
        "degraded" => style(padded).yellow(),
        _ => style(padded).red(),
    };
    let dash = || "-".to_owned();
    format!(
        "{:<14} {:<28} {:>9} {} {:<5} {:<8} {:>5} {:>4} {:>10} {:>10} {:>9} {:>10}",
        r.host,
        release,
        d.uptime_seconds
            .map_or_else(dash, |s| short_age(i64::try_from(s).unwrap_or(0) * 1000)),
        health,
        d.mode.as_deref().unwrap_or("-"),
        d.trading_state
            .as_ref()
            .map_or_else(dash, |t| t.state.to_string()),
        d.open_orders.map_or_else(dash, |n| n.to_string()),
        d.positions.map_or_else(dash, |n| n.to_string()),
        d.pnl_today.as_deref().map_or_else(dash, |p| {
            let signed = p
                .parse::<Decimal>()
                .ok()
                .filter(|v| v.is_sign_positive() && !v.is_zero());
            if signed.is_some() {
                format!("+{p}")
            } else {
                p.to_owned()
            }
        }),
        d.balance_usdc.as_deref().map_or_else(dash, money),
        d.loss_headroom_usdc.as_deref().map_or_else(dash, money),
        d.last_fill_ms.map_or_else(
            || "never".to_owned(),
            |t| format!("{} ago", short_age(now_ms - t))
        ),
    )
}
