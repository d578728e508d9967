//! The fleet runner: one command on many hosts at once. Every command runs its
//! per-host body through [`run_on_hosts`], which connects, races the body
//! against SIGINT/SIGTERM, and ends each host the same way: a read closes the
//! session; a change hands a release it never confirmed to the host's guard,
//! writes the audit record, releases the lock and closes. One report per host.

use std::time::{Duration, Instant};

use crate::exit::Outcome;
use crate::inventory::Host;
use crate::printer::HostReport;
use crate::remote::guard;
use crate::session::{audit_record, new_report, Context, Failure, HostSession};

/// What a command does to its hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Reads only.
    Read,
    /// Changes the host (the body takes the lock).
    Mutate {
        /// The audit record's action (`deploy`, `rollback`).
        action: &'static str,
        /// The release it installs, when known before connecting.
        release: Option<String>,
        /// Whether to start the upload channel at connect.
        upload: bool,
    },
}

/// Runs `body` on every host in parallel; returns one report per host, in order.
pub async fn run_on_hosts<F>(
    ctx: &Context,
    hosts: &[Host],
    access: &Access,
    body: F,
) -> Vec<HostReport>
where
    F: AsyncFn(&mut HostSession, &mut HostReport) -> Result<(), Failure>,
{
    futures_util::future::join_all(hosts.iter().map(|h| one_host(ctx, h, access, &body))).await
}

async fn one_host<F>(ctx: &Context, host: &Host, access: &Access, body: &F) -> HostReport
where
    F: AsyncFn(&mut HostSession, &mut HostReport) -> Result<(), Failure>,
{
    let mut report = new_report(host);
    let upload = match access {
        Access::Read => false,
        Access::Mutate {
            release, upload, ..
        } => {
            report.change().release.clone_from(release);
            *upload
        },
    };
    ctx.printer.host_started(&host.name);
    let mut session = match HostSession::connect(ctx, host, &mut report, upload).await {
        Ok(s) => s,
        Err(f) => return end_early(ctx, report, f),
    };
    let result = tokio::select! {
        r = body(&mut session, &mut report) => r,
        () = ctx.until_cancelled() => Err(Failure::new(Outcome::Interrupted, "")),
    };
    let result = result.map_err(|f| {
        if f.outcome == Outcome::Interrupted && f.reason.is_empty() {
            Failure::new(Outcome::Interrupted, interrupted_at(ctx, &report, upload))
        } else {
            f
        }
    });
    match access {
        Access::Read => {
            let outcome = record(&mut report, result);
            session.close().await;
            ctx.printer.host_finished(&mut report, outcome);
            report
        },
        Access::Mutate { action, .. } => conclude(ctx, session, report, result, action).await,
    }
}

/// Why a host's command ended on a signal, and where: the step under way
/// (or the last one finished), so the audit says where a fix stopped.
fn interrupted_at(ctx: &Context, report: &HostReport, upload: bool) -> String {
    let at = ctx
        .printer
        .step_in_progress(&report.host)
        .map(|s| format!(" during {s}"))
        .or_else(|| {
            report
                .steps
                .last()
                .map(|s| format!(" after {}: {}", s.step.as_str(), s.detail))
        })
        .unwrap_or_default();
    let upload = if upload {
        "; an upload in progress is removed by the next deploy"
    } else {
        ""
    };
    format!("interrupted by a signal{at}{upload}")
}

/// Runs a host's read under a time limit, so one hung host never holds up
/// the run: past `limit` the host is reported unreachable.
pub async fn within<T>(
    limit: Duration,
    what: &str,
    body: impl std::future::Future<Output = Result<T, Failure>>,
) -> Result<T, Failure> {
    match tokio::time::timeout(limit, body).await {
        Ok(result) => result,
        Err(_) => Err(Failure::new(
            Outcome::Unreachable,
            format!(
                "{what}: no answer within {}",
                humantime::format_duration(limit)
            ),
        )
        .hint("the host or its ploy hangs; --timeout gives it longer")),
    }
}

/// The outcome of a host's result, its reason and hint recorded in the report.
fn record(report: &mut HostReport, result: Result<(), Failure>) -> Outcome {
    match result {
        Ok(()) => Outcome::Success,
        Err(f) => {
            report.reason = Some(f.reason);
            report.hint = f.hint;
            f.outcome
        },
    }
}

/// Ends a host's command that stopped before touching the host (it could not
/// connect): records why and reports the host finished.
fn end_early(ctx: &Context, mut report: HostReport, failure: Failure) -> HostReport {
    report.reason = Some(failure.reason);
    report.hint = failure.hint;
    ctx.printer.host_finished(&mut report, failure.outcome);
    report
}

/// Ends a host's deploy or rollback: records the outcome; when a guard we
/// armed was never confirmed, asks it to roll back now (it would anyway once
/// our connection ends); writes the audit record if the lock was held and
/// the record is not written yet; releases the lock; closes the session.
async fn conclude(
    ctx: &Context,
    mut session: HostSession,
    mut report: HostReport,
    result: Result<(), Failure>,
    action: &str,
) -> HostReport {
    let started: Instant = session.started;
    let outcome = record(&mut report, result);
    if let Some(token) = session.guard_token.take() {
        let why = match outcome {
            Outcome::Interrupted => {
                "ployctl was interrupted before the release was proven".to_owned()
            },
            _ => format!(
                "ployctl stopped before the release was proven: {}",
                report.reason.as_deref().unwrap_or("unknown")
            ),
        };
        let fired = tokio::time::timeout(
            Duration::from_secs(10),
            session.run(&guard::fire_script(
                &session.prelude,
                &token,
                false,
                &why,
                None,
            )),
        )
        .await;
        if matches!(fired, Ok(Ok(_))) {
            ctx.printer.warn(
                &report.host,
                "the host's guard is rolling the unproven release back; `ployctl releases` shows the result",
            );
        }
    }
    if session.holds_lock() {
        let record =
            (!session.audited).then(|| audit_record(ctx, action, &report, outcome, started));
        let finished =
            tokio::time::timeout(Duration::from_secs(15), session.finish(record.as_ref())).await;
        if let Ok(Err(e)) = finished {
            ctx.printer.warn(&report.host, &e.reason);
        }
    }
    session.close().await;
    ctx.printer.host_finished(&mut report, outcome);
    report
}
