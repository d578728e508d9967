//! `ployctl health [--wait --timeout 60s]`: each host's `/health`, as a table or
//! JSON; exit 0 when all are healthy, distinct codes for degraded and unreachable.

use std::time::{Duration, Instant};

use crate::exit::Outcome;
use crate::health::{trading_state_line, HealthReport, Probe};
use crate::inventory::Host;
use crate::printer::HostReport;
use crate::session::{end_early, new_report, Context, HostSession};

/// Resolved `health` options.
#[derive(Debug, Clone, Copy)]
pub struct HealthOptions {
    /// Keep polling until healthy or the timeout.
    pub wait: bool,
    /// How long `--wait` waits.
    pub timeout: Duration,
}

/// Reads every host's health in parallel.
pub async fn run(ctx: &Context, hosts: &[Host], options: HealthOptions) -> Vec<HostReport> {
    futures_util::future::join_all(hosts.iter().map(|h| health_host(ctx, h, options))).await
}

async fn health_host(ctx: &Context, host: &Host, options: HealthOptions) -> HostReport {
    let mut report = new_report(host);
    ctx.printer.host_started(&host.name);
    let (session, _) = match HostSession::connect(ctx, host, &mut report, false).await {
        Ok(s) => s,
        Err(f) => return end_early(ctx, report, f),
    };
    let deadline = Instant::now() + options.timeout;
    let mut pause = Duration::from_millis(200);
    let look = loop {
        ctx.printer.step(&host.name, "health", &host.health_url);
        let look = session.probe(ctx).await;
        if look.is_healthy()
            || !options.wait
            || Instant::now() + pause >= deadline
            || ctx.cancelled()
        {
            break look;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(1));
    };
    let outcome = match &look {
        Probe::Healthy(_) => Outcome::Success,
        Probe::Degraded(_) => Outcome::Unhealthy,
        Probe::Unreachable(_) => Outcome::Unreachable,
    };
    let state = session.state().await.ok();
    if let Some(state) = &state {
        report.current.clone_from(&state.current);
        report.running = state.running.name().map(str::to_owned);
    }
    if let Some(r) = look.report() {
        report.health = serde_json::to_value(r).ok();
        report.failing_checks = r.failing_checks();
        report.trading_state = session.trading_state(ctx).await;
    }
    if !look.is_healthy() {
        report.reason = Some(look.problem());
        if matches!(look, Probe::Unreachable(_)) {
            report.hint = Some(format!(
                "is ploy running? `ployctl releases -H {}` shows the current release; the service log is under {}/logs or in journalctl -u ploy",
                host.name, host.root
            ));
        }
    }
    ctx.printer
        .step_done(&mut report, "health", look.is_healthy(), &look.problem());
    if let Some(state) = &state {
        for warning in crate::commands::releases::warnings(state) {
            ctx.printer.warn(&host.name, &warning);
        }
    }
    if let Some(r) = look.report() {
        let mut lines = table(r);
        if let Some(state) = &state {
            lines.push(format!("  release {}", running_line(state)));
        }
        lines.extend(report.trading_state.as_ref().map(trading_state_line));
        ctx.printer.result(&host.name, &lines);
    }
    session.close().await;
    ctx.printer.host_finished(&mut report, outcome);
    report
}

/// Which release runs, and where `current` points when that differs.
fn running_line(state: &crate::remote::state::HostState) -> String {
    match (state.running.name(), state.current.as_deref()) {
        (Some(r), Some(c)) if r == c => format!("{r} (current)"),
        (Some(r), Some(c)) => format!("{r} runs, but current names {c}"),
        (Some(r), None) => r.to_owned(),
        (None, _) => state.running.describe(),
    }
}

/// The checks as aligned lines.
pub fn table(report: &HealthReport) -> Vec<String> {
    let mut lines = vec![format!(
        "{}  ploy {}  up {}",
        report.status,
        report.version,
        humantime::format_duration(Duration::from_secs(report.uptime_seconds))
    )];
    for (name, check) in &report.checks {
        let status = check.get("status").and_then(|s| s.as_str()).unwrap_or("?");
        let latency = check
            .get("latency_ms")
            .and_then(serde_json::Value::as_f64)
            .unwrap_or(0.0);
        let mark = if status == "up" { "✓" } else { "✗" };
        let mut line = format!("  {mark} {name:<15} {status:<4} {latency:>9.3} ms");
        if let Some(error) = check.get("error").and_then(|e| e.as_str()) {
            line.push_str(&format!("  {error}"));
        }
        lines.push(line);
    }
    lines
}
