//! `ployctl rollback [--to VERSION]`: under the lock, switch each host back to
//! its previous (or the named) release, restart, prove healthy, audit.

use std::time::{Duration, Instant};

use crate::exit::Outcome;
use crate::inventory::Host;
use crate::printer::HostReport;
use crate::remote::quote;
use crate::remote::release;
use crate::session::{
    conclude, end_early, new_report, prove_settings, Context, Failure, HostSession,
};

/// Resolved `rollback` options.
#[derive(Debug, Clone)]
pub struct RollbackOptions {
    /// The release to go to (exact name or unique prefix); default: the previous one.
    pub to: Option<String>,
    /// Wait this long for a held lock.
    pub lock_wait: Option<Duration>,
    /// Break a held lock.
    pub force_unlock: bool,
}

/// Rolls every host back in parallel.
pub async fn run(ctx: &Context, hosts: &[Host], options: &RollbackOptions) -> Vec<HostReport> {
    futures_util::future::join_all(hosts.iter().map(|h| rollback_host(ctx, h, options))).await
}

async fn rollback_host(ctx: &Context, host: &Host, options: &RollbackOptions) -> HostReport {
    let started = Instant::now();
    let mut report = new_report(host);
    ctx.printer.host_started(&host.name);
    let mut session = match HostSession::connect(ctx, host, &mut report).await {
        Ok(s) => s,
        Err(f) => return end_early(ctx, report, f),
    };
    let result = tokio::select! {
        r = steps(ctx, &mut session, &mut report, options) => r,
        () = ctx.until_cancelled() => Err(Failure::new(Outcome::Interrupted, "interrupted by a signal")),
    };
    conclude(ctx, session, report, result, "rollback", started).await
}

async fn steps(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &RollbackOptions,
) -> Result<(), Failure> {
    let what = options
        .to
        .as_deref()
        .map_or("rollback".to_owned(), |t| format!("rollback to {t}"));
    session
        .lock(ctx, report, &what, options.lock_wait, options.force_unlock)
        .await?;
    let host = session.host.name.clone();
    let listing = session
        .run_ok(&release::list_script(&session.layout), "listing releases")
        .await?;
    let entries = release::parse_list(&listing.stdout);
    let current = entries.iter().find(|e| e.current).map(|e| e.name.clone());
    report.previous.clone_from(&current);
    let target = release::rollback_target(&entries, options.to.as_deref()).map_err(|e| {
        ctx.printer.step_done(report, "switch", false, &e);
        Failure::new(Outcome::Failed, e).hint("`ployctl releases` lists the releases on each host")
    })?;
    report.release = Some(target.clone());
    if current.as_deref() == Some(target.as_str()) {
        ctx.printer.step_result(
            report,
            "switch",
            "skipped",
            &format!("{target} is already current"),
        );
        report.current = Some(target);
        return Ok(());
    }
    // An older release may refuse a config written for a newer one: find out
    // before switching, while the running release is untouched.
    ctx.printer.step(
        &host,
        "check-config",
        &format!("{target} against the host's config"),
    );
    match session.check_config(&target).await? {
        Ok(summary) => ctx
            .printer
            .step_done(report, "check-config", true, &summary),
        Err(lines) => {
            ctx.printer.step_done(
                report,
                "check-config",
                false,
                &format!("{target} rejects the host's config"),
            );
            ctx.printer.block(&host, "ploy check-config said:", &lines);
            report.log_tail = lines;
            let root = &session.host.root;
            return Err(Failure::new(
                Outcome::Failed,
                format!("release {target} rejects the host's config; nothing was switched, the running release is untouched"),
            )
            .hint(format!(
                "the config may use keys {target} does not know: edit {root}/config/config.toml as the errors say, then roll back again"
            )));
        },
    }
    // The release rolled away from becomes the "previous" one, so a second
    // rollback goes forward again.
    ctx.printer
        .step(&host, "switch", &format!("current → releases/{target}"));
    let script = session.layout.switch_script(&target, current.as_deref());
    session.run_ok(&script, "switching current").await?;
    report.current = Some(target.clone());
    ctx.printer.step_done(
        report,
        "switch",
        true,
        &format!("current → releases/{target}"),
    );

    ctx.printer.step(&host, "restart", "restarting ploy");
    session
        .restart()
        .await
        .inspect_err(|f| ctx.printer.step_done(report, "restart", false, &f.reason))?;
    ctx.printer.step_done(report, "restart", true, "restarted");

    let settings = prove_settings(&session.host);
    ctx.printer.step(&host, "health", "waiting for /health");
    let proof = session.prove(ctx, settings).await?;
    if proof.is_proven() {
        ctx.printer
            .step_done(report, "health", true, &format!("{target} is healthy"));
        return Ok(());
    }
    let reason = proof.reason(&settings);
    if let Some(r) = proof.last_probe().and_then(|p| p.report()) {
        report.failing_checks = r.failing_checks();
        report.health = serde_json::to_value(r).ok();
    }
    ctx.printer.step_done(report, "health", false, &reason);
    report.log_tail = session.log_tail(50).await;
    ctx.printer
        .block(&host, "last 50 lines of the ploy log:", &report.log_tail);
    Err(Failure::new(
        Outcome::Failed,
        format!("rolled back to {target}, but it is not healthy: {reason}"),
    )
    .hint(format!(
        "see the log above; `ployctl rollback --to {}` returns to the release you left",
        quote(current.as_deref().unwrap_or("?"))
    )))
}
