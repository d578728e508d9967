//! `ployctl health [--wait --timeout 60s]`: each host's `/health`, as a table or
//! JSON; exit 0 when all are healthy, distinct codes for degraded and unreachable.

use std::time::{Duration, Instant};

use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, Access};
use crate::health::{trading_state_line, HealthReport, Probe};
use crate::inventory::Host;
use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::session::{Context, Failure, HostSession};

/// Resolved `health` options.
#[derive(Debug, Clone, Copy)]
pub struct HealthOptions {
    /// Keep polling until healthy or the timeout.
    pub wait: bool,
    /// How long `--wait` waits.
    pub timeout: Duration,
}

/// `ployctl health`: reads every host's health in parallel.
pub async fn exec(ctx: &Context, hosts: &[Host], options: HealthOptions) -> Outcome {
    let reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        health_host(ctx, session, report, options).await
    })
    .await;
    ctx.printer.finish("health", reports, false, None)
}

async fn health_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: HealthOptions,
) -> Result<(), Failure> {
    let host = session.host.clone();
    let deadline = Instant::now() + options.timeout;
    let mut pause = Duration::from_millis(200);
    let look = loop {
        ctx.printer
            .step(&host.name, StepKind::Health, &host.health_url);
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
    let state = session.state().await.ok();
    if let Some(state) = &state {
        report.health().current.clone_from(&state.current);
        report.health().running = state.running.name().map(str::to_owned);
        report.health().maintenance.clone_from(&state.maintenance);
    }
    if let Some(r) = look.report() {
        report.health().health = Some(r.clone());
        report.health().failing_checks = r.failing_checks();
        report.health().trading_state = session.trading_state(ctx).await;
    }
    ctx.printer
        .step_done(report, StepKind::Health, look.is_healthy(), &look.problem());
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
        lines.extend(
            report
                .health()
                .trading_state
                .as_ref()
                .map(trading_state_line),
        );
        lines.extend(
            state
                .as_ref()
                .and_then(|s| s.maintenance.as_ref())
                .map(|m| format!("  {}", m.describe())),
        );
        ctx.printer.result(&host.name, &lines);
    }
    match &look {
        Probe::Healthy(_) => Ok(()),
        Probe::Degraded(_) => Err(Failure::new(Outcome::Unhealthy, look.problem())),
        Probe::Unreachable(_) => Err(Failure::new(Outcome::Unreachable, look.problem()).hint(format!(
            "is ploy running? `ployctl releases -H {}` shows the current release; the service log is under {}/logs or in journalctl -u ploy",
            host.name, host.root
        ))),
    }
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
        report.status.as_str(),
        report.version,
        humantime::format_duration(Duration::from_secs(report.uptime_seconds))
    )];
    for (name, check) in report.checks.iter() {
        let (mark, status) = if check.is_up() {
            ("✓", "up")
        } else {
            ("✗", "down")
        };
        let mut line = format!(
            "  {mark} {name:<15} {status:<4} {:>9.3} ms",
            check.latency_ms
        );
        if let Some(error) = &check.error {
            line.push_str(&format!("  {error}"));
        }
        lines.push(line);
    }
    lines
}
