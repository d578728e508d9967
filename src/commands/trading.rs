//! `ployctl trading halt|reduce|resume -H HOSTS --reason TEXT` and
//! `ployctl trading status`: the engine's kill switch, through each host's
//! SSH connection (the engine's loopback `/trading-state`; no curl on the
//! host). A change is recorded with who asked and why in the engine's saved
//! state and in the host's audit log, and is done only once the engine
//! confirms it: for a halt, once nothing of ours rests (its open orders are
//! 0). It never takes the deploy lock: a halt must not wait for a deploy.

use std::time::{Duration, Instant};

use ploy_api::{TradingState, TradingStateRequest, TradingStateView};
use serde::Serialize;

use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, Access};
use crate::health::{trading_state_line, PutRefused};
use crate::inventory::Host;
use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::remote::audit;
use crate::report::Details;
use crate::session::{Context, Failure, HostSession};

/// Resolved `trading` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradingOptions {
    /// The state to set; `None` reads it (`status`).
    pub set: Option<TradingState>,
    /// Why (required for a change).
    pub reason: Option<String>,
    /// How long to wait for the engine's confirmation (and, halting, for
    /// nothing to rest).
    pub timeout: Duration,
}

/// What `trading` did or read on a host; in `--json` as `trading`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TradingDetails {
    /// The kill switch before the change (or as read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<TradingStateView>,
    /// The kill switch after the change, as the engine confirmed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<TradingStateView>,
    /// Whether the engine saved the change (it is in force either way).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persisted: Option<bool>,
    /// How long the confirmation took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed_ms: Option<u64>,
}

/// The command word of a state change.
fn verb(state: TradingState) -> &'static str {
    match state {
        TradingState::Halted => "halt",
        TradingState::Reducing => "reduce",
        TradingState::Active => "resume",
    }
}

/// `ployctl trading …`.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &TradingOptions) -> Outcome {
    let reports = run_on_hosts(
        ctx,
        hosts,
        &Access::Read,
        async |session, report| match options.set {
            Some(state) => change_host(ctx, session, report, state, options).await,
            None => status_host(ctx, session, report).await,
        },
    )
    .await;
    let command = options.set.map_or("trading status", |s| match s {
        TradingState::Halted => "trading halt",
        TradingState::Reducing => "trading reduce",
        TradingState::Active => "trading resume",
    });
    ctx.printer.finish(command, reports, false, None)
}

fn unreadable(host: &Host, why: &str) -> Failure {
    Failure::new(
        Outcome::Unreachable,
        format!("the engine's kill switch cannot be read: {why}"),
    )
    .hint(format!(
        "is ploy running? `ployctl health -H {}`; without ployctl, on the host: curl -s {}",
        host.name,
        trading_url(host)
    ))
}

/// The kill switch's URL on the host (beside `health_url`).
fn trading_url(host: &Host) -> String {
    beside_health(&host.health_url)
}

fn beside_health(health_url: &str) -> String {
    health_url
        .rsplit_once('/')
        .map_or_else(|| health_url.to_owned(), |(base, _)| base.to_owned())
        + "/trading-state"
}

async fn status_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
) -> Result<(), Failure> {
    let host = session.host.clone();
    ctx.printer
        .step(&host.name, StepKind::Trading, "GET /trading-state");
    let view = match session.trading_view(ctx).await {
        Ok(v) => v,
        Err(why) => {
            ctx.printer
                .step_done(report, StepKind::Trading, false, &why);
            return Err(unreadable(&host, &why));
        },
    };
    ctx.printer.step_done(
        report,
        StepKind::Trading,
        true,
        &format!("{}, open orders: {}", view.change.state, open(&view)),
    );
    ctx.printer.result(&host.name, &lines(&view));
    report.set_details(Details::Trading(Box::new(TradingDetails {
        before: Some(view),
        ..TradingDetails::default()
    })));
    Ok(())
}

pub(crate) fn open(view: &TradingStateView) -> String {
    match view.open_orders {
        None => "unknown".to_owned(),
        Some(0) => "none".to_owned(),
        Some(1) => "1 order".to_owned(),
        Some(n) => format!("{n} orders"),
    }
}

fn lines(view: &TradingStateView) -> Vec<String> {
    let mut lines = vec![trading_state_line(&view.change)];
    lines.push(format!("  orders resting or on their way: {}", open(view)));
    if let Some(floor) = view.floor.filter(|f| *f != TradingState::Active) {
        lines.push(format!(
            "  the host's config keeps it at least {floor} (risk.trading_state)"
        ));
    }
    lines
}

async fn change_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    state: TradingState,
    options: &TradingOptions,
) -> Result<(), Failure> {
    let host = session.host.clone();
    let started = Instant::now();
    let reason = options.reason.clone().unwrap_or_default();
    ctx.printer
        .step(&host.name, StepKind::Trading, "GET /trading-state");
    let before = session
        .trading_view(ctx)
        .await
        .map_err(|why| unreadable(&host, &why))?;
    let mut details = TradingDetails {
        before: Some(before.clone()),
        ..TradingDetails::default()
    };
    if let Some(floor) = before.floor.filter(|f| state < *f) {
        let why = format!(
            "refused: the host's config keeps trading at least {floor} (risk.trading_state = \"{floor}\")"
        );
        ctx.printer
            .step_done(report, StepKind::Trading, false, &why);
        report.set_details(Details::Trading(Box::new(details)));
        return Err(Failure::new(Outcome::Failed, why).hint(format!(
            "lower risk.trading_state in the host's config with `ployctl config push -H {}`, then {} again",
            host.name,
            verb(state)
        )));
    }
    ctx.printer.step(
        &host.name,
        StepKind::Trading,
        &format!("{} (was {})", state, before.change.state),
    );
    let by = ctx.ci_run_url.clone().unwrap_or_else(|| ctx.who.clone());
    let request = TradingStateRequest {
        state,
        by: Some(by),
        reason: Some(reason.clone()),
    };
    let applied = match session.put_trading_state(ctx, &request).await {
        Ok(a) => a,
        Err(PutRefused::Refused(why)) => {
            ctx.printer
                .step_done(report, StepKind::Trading, false, &why);
            report.set_details(Details::Trading(Box::new(details)));
            return Err(Failure::new(
                Outcome::Failed,
                format!("the engine refused: {why}"),
            ));
        },
        Err(PutRefused::Unreachable(why)) => {
            ctx.printer
                .step_done(report, StepKind::Trading, false, &why);
            report.set_details(Details::Trading(Box::new(details)));
            return Err(unreadable(&host, &why));
        },
    };
    details.persisted = Some(applied.persisted);
    if let Some(warning) = &applied.warning {
        ctx.printer.warn(&host.name, warning);
    }
    let confirmed = confirm(ctx, session, state, options.timeout).await;
    let (after, done) = match &confirmed {
        Ok(view) => (Some(view.clone()), true),
        Err((view, _)) => (view.clone(), false),
    };
    details.after.clone_from(&after);
    details.confirmed_ms = done.then(|| started.elapsed().as_millis() as u64);
    let outcome = match &confirmed {
        Ok(_) => Outcome::Success,
        Err(_) => Outcome::Failed,
    };
    let what = match &confirmed {
        Ok(view) => format!(
            "{} (was {}), open orders: {}, confirmed in {:.1}s",
            view.change.state,
            before.change.state,
            open(view),
            started.elapsed().as_secs_f64()
        ),
        Err((_, why)) => why.clone(),
    };
    ctx.printer
        .step_done(report, StepKind::Trading, done, &what);
    audit_change(
        ctx,
        session,
        report,
        state,
        &before,
        after.as_ref(),
        outcome,
        &reason,
        started,
    )
    .await;
    if let Some(view) = &after {
        ctx.printer.result(&host.name, &lines(view));
    }
    report.set_details(Details::Trading(Box::new(details)));
    match confirmed {
        Ok(_) => Ok(()),
        Err((_, why)) => Err(Failure::new(Outcome::Failed, why).hint(format!(
            "the engine keeps cancelling; `ployctl trading status -H {}` shows what rests, `ployctl logs -H {} --level warn` why",
            host.name, host.name
        ))),
    }
}

/// Polls `GET /trading-state` until the engine shows `state` (and, for a
/// halt, nothing resting), or `timeout` passes: then what it saw and why.
pub(crate) async fn confirm(
    ctx: &Context,
    session: &HostSession,
    state: TradingState,
    timeout: Duration,
) -> Result<TradingStateView, (Option<TradingStateView>, String)> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(50);
    let mut last: Option<TradingStateView> = None;
    loop {
        match session.trading_view(ctx).await {
            Ok(view) => {
                let settled = view.change.state == state
                    && (state != TradingState::Halted || view.open_orders == Some(0));
                if settled {
                    return Ok(view);
                }
                last = Some(view);
            },
            Err(why) if Instant::now() >= deadline => {
                return Err((last, format!("the engine stopped answering: {why}")));
            },
            Err(_) => {},
        }
        if Instant::now() >= deadline || ctx.cancelled() {
            let why = match &last {
                Some(v) if v.change.state != state => format!(
                    "the engine still shows {} after {}",
                    v.change.state,
                    humantime::format_duration(timeout)
                ),
                Some(v) => format!(
                    "{state}, but orders still rest after {} ({})",
                    humantime::format_duration(timeout),
                    open(v)
                ),
                None => "no confirmation from the engine".to_owned(),
            };
            return Err((last, why));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

/// Appends the change to the host's audit log (without the deploy lock).
#[allow(clippy::too_many_arguments)]
async fn audit_change(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    state: TradingState,
    before: &TradingStateView,
    after: Option<&TradingStateView>,
    outcome: Outcome,
    reason: &str,
    started: Instant,
) {
    let record = crate::session::audit_change(
        ctx,
        &format!("trading-{}", verb(state)),
        outcome,
        Some(reason.to_owned()),
        started,
        (
            Some(before.change.state.to_string()),
            after.map(|v| v.change.state.to_string()),
        ),
    );
    let written = session
        .run(&audit::append_script(&session.prelude, &record.to_line()))
        .await;
    match written {
        Ok(out) if out.stdout.contains("audited=yes") => {
            ctx.printer.step_done(
                report,
                StepKind::Audit,
                true,
                &format!("{}/.ployctl/audit.jsonl", session.layout.root()),
            );
        },
        Ok(out) => ctx.printer.warn(
            &session.host.name,
            &format!(
                "the change is in force, but the audit log was not written: {}",
                out.message()
            ),
        ),
        Err(f) => ctx.printer.warn(
            &session.host.name,
            &format!(
                "the change is in force, but the audit log was not written: {}",
                f.reason
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kill_switch_url_sits_beside_health() {
        assert_eq!(
            beside_health("http://127.0.0.1:8080/health"),
            "http://127.0.0.1:8080/trading-state"
        );
    }

    #[test]
    fn each_state_has_its_verb() {
        assert_eq!(
            [
                TradingState::Halted,
                TradingState::Reducing,
                TradingState::Active
            ]
            .map(verb),
            ["halt", "reduce", "resume"]
        );
    }
}
