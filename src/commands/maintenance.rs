//! `ployctl maintenance start -H HOSTS --reason TEXT [--mode halted|reducing|paper]`
//! and `ployctl maintenance end -H HOSTS`: a maintenance window, under the
//! deploy lock and audited.
//!
//! - `halted` (the default) halts the kill switch and waits until nothing
//!   rests; `reducing` lets positions close and nothing grow. The kill switch
//!   is saved by the engine, so restarts and deploys during the window keep it.
//! - `paper` restarts the engine in paper mode (the same market data,
//!   simulated fills, no keys used) on a database of its own, and proves it
//!   healthy as a deploy does; every start during the window (a deploy's
//!   included) runs on paper, through `.ployctl/maintenance.env`. A paper
//!   engine that does not become healthy is put back live.
//!
//! The window is saved on the host (`.ployctl/maintenance.json`), so
//! `status`, `health` and `daily-check` show it. `end` restores the mode and
//! the kill switch from before the window, proves the host healthy (a live
//! engine that does not become healthy is put back on paper, the window
//! kept), and says how long the window lasted.

use std::time::{Duration, Instant};

use ploy_api::{TradingState, TradingStateRequest};
use serde::Serialize;

use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, Access};
use crate::health::PutRefused;
use crate::inventory::{Host, ServiceKind};
use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::remote::maintenance::{self, Maintenance, MaintenanceMode};
use crate::remote::ScriptOutput;
use crate::report::Details;
use crate::session::{audit_change, prove_settings, Context, Failure, HostSession, LockOptions};

/// What `maintenance` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaintenanceAction {
    /// Open a window.
    Start {
        /// Why.
        reason: String,
        /// How.
        mode: MaintenanceMode,
    },
    /// Close it.
    End,
}

/// Resolved `maintenance` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceOptions {
    /// Start or end.
    pub action: MaintenanceAction,
    /// How long the kill switch may take to confirm.
    pub timeout: Duration,
    /// The lock.
    pub lock_wait: Option<Duration>,
    /// Break a held lock.
    pub force_unlock: bool,
}

/// What `maintenance` did on a host; in `--json` as `maintenance`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MaintenanceDetails {
    /// The window (opened, or closed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Maintenance>,
    /// `end`: how long it lasted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lasted_seconds: Option<u64>,
    /// The kill switch after the command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trading_state: Option<TradingState>,
    /// The engine's mode after the command (`/health`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// `ployctl maintenance …`.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &MaintenanceOptions) -> Outcome {
    let (action, command) = match &options.action {
        MaintenanceAction::Start { .. } => ("maintenance-start", "maintenance start"),
        MaintenanceAction::End => ("maintenance-end", "maintenance end"),
    };
    let access = Access::Mutate {
        action,
        release: None,
        upload: false,
    };
    let lock = LockOptions {
        wait: options.lock_wait,
        force: options.force_unlock,
    };
    let reports = run_on_hosts(ctx, hosts, &access, async |session, report| {
        let prepared = session
            .prepare(ctx, report, command, lock, None, None)
            .await?;
        let started = Instant::now();
        let mut details = MaintenanceDetails::default();
        let result = match &options.action {
            MaintenanceAction::Start { reason, mode } => {
                start(
                    ctx,
                    session,
                    report,
                    &prepared.state,
                    reason,
                    *mode,
                    options,
                    &mut details,
                )
                .await
            },
            MaintenanceAction::End => {
                end(ctx, session, report, &prepared.state, options, &mut details).await
            },
        };
        let outcome = result
            .as_ref()
            .err()
            .map_or(Outcome::Success, |f| f.outcome);
        write_audit(
            ctx,
            session,
            action,
            &details,
            outcome,
            started,
            result.as_ref().err(),
        )
        .await;
        report.set_details(Details::Maintenance(Box::new(details)));
        result
    })
    .await;
    ctx.printer.finish(command, reports, false, None)
}

/// What the engine's kill switch says, or a failure naming the host.
pub(crate) async fn trading_view(
    ctx: &Context,
    session: &HostSession,
) -> Result<ploy_api::TradingStateView, Failure> {
    session.trading_view(ctx).await.map_err(|why| {
        Failure::new(
            Outcome::Unreachable,
            format!("the engine's kill switch cannot be read: {why}; nothing was changed"),
        )
        .hint(format!(
            "is ploy running? `ployctl health -H {}`",
            session.host.name
        ))
    })
}

/// Puts `state` in force (never below the config's floor) and waits until
/// the engine confirms it; returns the state in force.
pub(crate) async fn set_trading(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    state: TradingState,
    reason: &str,
    timeout: Duration,
) -> Result<TradingState, Failure> {
    let view = trading_view(ctx, session).await?;
    let wanted = view.floor.map_or(state, |floor| state.max(floor));
    ctx.printer.step(
        &session.host.name,
        StepKind::Trading,
        &format!("{wanted} (was {})", view.change.state),
    );
    let request = TradingStateRequest {
        state: wanted,
        by: Some(ctx.ci_run_url.clone().unwrap_or_else(|| ctx.who.clone())),
        reason: Some(reason.to_owned()),
    };
    match session.put_trading_state(ctx, &request).await {
        Ok(_) => {},
        Err(PutRefused::Refused(why) | PutRefused::Unreachable(why)) => {
            ctx.printer
                .step_done(report, StepKind::Trading, false, &why);
            return Err(Failure::new(
                Outcome::Failed,
                format!("the kill switch could not be set to {wanted}: {why}"),
            ));
        },
    }
    match super::trading::confirm(ctx, session, wanted, timeout).await {
        Ok(view) => {
            ctx.printer.step_done(
                report,
                StepKind::Trading,
                true,
                &format!(
                    "{}, open orders: {}",
                    view.change.state,
                    super::trading::open(&view)
                ),
            );
            Ok(wanted)
        },
        Err((_, why)) => {
            ctx.printer
                .step_done(report, StepKind::Trading, false, &why);
            Err(Failure::new(Outcome::Failed, why).hint(format!(
                "the engine keeps at it; `ployctl trading status -H {}` shows what rests",
                session.host.name
            )))
        },
    }
}

/// Restarts the service and proves it healthy in `mode` (`paper`, `live`).
pub(crate) async fn restart_in(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    mode: &str,
) -> Result<(), String> {
    ctx.printer.step(
        &session.host.name,
        StepKind::Restart,
        &format!("restarting in {mode} mode"),
    );
    let out = session
        .run(&maintenance::restart_script(&session.prelude))
        .await
        .map_err(|f| f.reason)?;
    let out = ScriptOutput::parse(&out.stdout);
    let restarted = out.get("restart_rc") == Some("0");
    ctx.printer.step_done(
        report,
        StepKind::Restart,
        restarted,
        &if restarted {
            "restarted".to_owned()
        } else {
            out.block_lines("restart_log").join("; ")
        },
    );
    if !restarted {
        return Err("the service did not restart".to_owned());
    }
    ctx.printer
        .step(&session.host.name, StepKind::Health, "waiting for /health");
    let settings = prove_settings(&session.host);
    let proof = session.prove(ctx, settings).await.map_err(|f| f.reason)?;
    if !proof.is_proven() {
        let why = proof.reason(&settings);
        ctx.printer.step_done(report, StepKind::Health, false, &why);
        return Err(why);
    }
    let actual = match &proof {
        crate::health::Proof::Proven { report, .. } => report.mode.clone(),
        _ => None,
    };
    if actual.as_deref().is_some_and(|m| m != mode) {
        let why = format!(
            "the engine runs in {} mode, not {mode}",
            actual.unwrap_or_default()
        );
        ctx.printer.step_done(report, StepKind::Health, false, &why);
        return Err(why);
    }
    ctx.printer.step_done(
        report,
        StepKind::Health,
        true,
        &format!("healthy in {mode} mode through the stability window"),
    );
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn start(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    state: &crate::remote::state::HostState,
    reason: &str,
    mode: MaintenanceMode,
    options: &MaintenanceOptions,
    details: &mut MaintenanceDetails,
) -> Result<(), Failure> {
    let host = session.host.clone();
    if let Some(open) = &state.maintenance {
        details.window = Some(open.clone());
        return Err(Failure::new(
            Outcome::Failed,
            format!("already in {}; nothing was changed", open.describe()),
        )
        .hint(format!(
            "end it first with `ployctl maintenance end -H {}`",
            host.name
        )));
    }
    let before = trading_view(ctx, session).await?;
    if mode == MaintenanceMode::Paper && host.service == ServiceKind::Systemd {
        let out = session
            .run(&maintenance::unit_check_script(&session.prelude))
            .await?;
        if !out.stdout.contains("unit_reads_env=yes") {
            return Err(Failure::new(
                Outcome::Failed,
                "the ploy systemd unit does not read .ployctl/maintenance.env, so it cannot run on paper; nothing was changed",
            )
            .hint("install the unit from deployment/systemd/ploy.service (DEPLOYMENT.md, \"Preparing a host\"), or use --mode halted"));
        }
    }
    let window = Maintenance {
        since: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        by: ctx.who.clone(),
        ci_run_url: ctx.ci_run_url.clone(),
        reason: reason.to_owned(),
        mode,
        trading_before: Some(before.change.state),
    };
    details.window = Some(window.clone());
    let env = (mode == MaintenanceMode::Paper).then(|| maintenance::paper_env(&host.root));
    ctx.printer.step(
        &host.name,
        StepKind::Switch,
        &format!("opening the window ({})", mode.as_str()),
    );
    session
        .run_ok(
            &maintenance::open_script(&session.prelude, &window, env.as_deref()),
            "writing .ployctl/maintenance.json",
        )
        .await?;
    ctx.printer
        .step_done(report, StepKind::Switch, true, &window.describe());
    match mode.trading_state() {
        Some(wanted) => {
            let set = set_trading(
                ctx,
                session,
                report,
                wanted,
                &format!("maintenance: {reason}"),
                options.timeout,
            )
            .await;
            details.trading_state = set.as_ref().ok().copied();
            // The window stays open either way: the kill switch errs on the safe side.
            set.map(|_| ())
        },
        None => {
            match restart_in(ctx, session, report, "paper").await {
                Ok(()) => {
                    details.mode = Some("paper".to_owned());
                    Ok(())
                },
                Err(why) => {
                    // Back to live, the window closed: nothing of it is left.
                    let _ = session
                        .run(&maintenance::close_script(&session.prelude))
                        .await;
                    let back = restart_in(ctx, session, report, "live").await;
                    details.window = None;
                    Err(Failure::new(
                    Outcome::RolledBack,
                    format!("paper mode did not become healthy ({why}); the host was put back live{}",
                        back.err().map(|e| format!(", which is not healthy either: {e}")).unwrap_or_default()),
                )
                .hint(format!("`ployctl logs -H {} --level warn` says why", host.name)))
                },
            }
        },
    }
}

async fn end(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    state: &crate::remote::state::HostState,
    options: &MaintenanceOptions,
    details: &mut MaintenanceDetails,
) -> Result<(), Failure> {
    let host = session.host.clone();
    let Some(window) = state.maintenance.clone() else {
        ctx.printer.step_done(
            report,
            StepKind::Switch,
            true,
            "no maintenance window is open; nothing to end",
        );
        return Ok(());
    };
    details.window = Some(window.clone());
    if window.mode == MaintenanceMode::Paper {
        session
            .run_ok(
                &maintenance::drop_env_script(&session.prelude),
                "removing .ployctl/maintenance.env",
            )
            .await?;
        if let Err(why) = restart_in(ctx, session, report, "live").await {
            // Put back on paper: a broken live engine is worse than the window.
            let env = maintenance::paper_env(&host.root);
            let _ = session
                .run(&maintenance::open_script(
                    &session.prelude,
                    &window,
                    Some(&env),
                ))
                .await;
            let back = restart_in(ctx, session, report, "paper").await;
            return Err(Failure::new(
                Outcome::RolledBack,
                format!(
                    "live mode did not become healthy ({why}); the host is back on paper and the window stays open{}",
                    back.err().map(|e| format!(" (paper is not healthy either: {e})")).unwrap_or_default()
                ),
            )
            .hint(format!("`ployctl logs -H {} --level warn` says why; end the window again once fixed", host.name)));
        }
        details.mode = Some("live".to_owned());
    }
    if let (Some(_), Some(before)) = (window.mode.trading_state(), window.trading_before) {
        let set = set_trading(
            ctx,
            session,
            report,
            before,
            &format!("maintenance ended: {}", window.reason),
            options.timeout,
        )
        .await?;
        details.trading_state = Some(set);
    }
    session
        .run_ok(
            &maintenance::close_script(&session.prelude),
            "removing .ployctl/maintenance.json",
        )
        .await?;
    let lasted = window.lasted(chrono::Utc::now());
    details.lasted_seconds = lasted.map(|d| d.as_secs());
    ctx.printer.step_done(
        report,
        StepKind::Switch,
        true,
        &format!(
            "window closed after {}",
            lasted.map_or_else(
                || "?".to_owned(),
                |d| humantime::format_duration(Duration::from_secs(d.as_secs())).to_string()
            )
        ),
    );
    Ok(())
}

/// The audit record: the window's reason and mode, the kill switch after.
async fn write_audit(
    ctx: &Context,
    session: &mut HostSession,
    action: &str,
    details: &MaintenanceDetails,
    outcome: Outcome,
    started: Instant,
    failure: Option<&Failure>,
) {
    let record = audit_change(
        ctx,
        action,
        outcome,
        match (failure, &details.window) {
            (Some(f), _) => Some(f.reason.clone()),
            (None, Some(w)) => Some(format!("{} ({})", w.reason, w.mode.as_str())),
            (None, None) => None,
        },
        started,
        (
            details
                .window
                .as_ref()
                .and_then(|w| w.trading_before)
                .map(|s| s.to_string()),
            details.trading_state.map(|s| s.to_string()),
        ),
    );
    session.append_audit(&record).await;
}
