//! `ployctl restore -H HOSTS --from BACKUP [--yes]` and
//! `ployctl restore -H NEW --to-new-host [--from-host OLD] [--from BACKUP]`:
//! a backup put in place of a host's database, proven like a deploy.
//!
//! First, without the lock, each host says what would be replaced by what
//! (`ploy db restore --dry-run`: the current database's rows, newest order
//! and fill against the backup's); with `--to-new-host` the backup is first
//! fetched from object storage (the newest copy of `<destination>/<host>`,
//! checked by its sha256). The operator confirms at a terminal (`--yes` in
//! CI; no terminal and no `--yes` is a usage error, nothing changed).
//!
//! Then, under the deploy lock, per host:
//! 1. the restore's record `.ployctl/restore.json` (the backup, and the kill
//!    switch before the restore; a record an interrupted run left is kept,
//!    so its kill switch is the one put back);
//! 2. the kill switch halted, confirmed once nothing rests;
//! 3. one host script, run to its end whatever happens to ployctl: the
//!    service stopped, `ploy db restore` (under the trading lease; the
//!    replaced database kept as a backup labelled `kept-before-restore`;
//!    the restored one saved halted), the record marked `restored`, the
//!    service started (on the old database when the restore was refused);
//! 4. proven healthy like a deploy; the engine reconciles with the exchange
//!    at its start. Not healthy: the kept database is put back the same
//!    way (exit 3);
//! 5. the kill switch put back as it was (with `--to-new-host` it stays
//!    halted until `ployctl trading resume`); the record removed; audited.
//!
//! Run again after an interruption, the same command finishes the job: a
//! record marked `restored` skips to step 4.

use std::io::{BufRead, IsTerminal, Write};
use std::time::{Duration, Instant};

use ploy_api::backup::{Destination, RestoreReport};
use ploy_api::{BackupManifest, TradingState};
use serde::{Deserialize, Serialize};

use super::backup::failure_from;
use super::maintenance::{set_trading, trading_view};
use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, within, Access};
use crate::inventory::Host;
use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::remote::{backup, ScriptOutput};
use crate::report::Details;
use crate::session::{audit_change, prove_settings, Context, Failure, HostSession, LockOptions};

/// Resolved `restore` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreOptions {
    /// The backup's name (`--from`).
    pub backup: Option<String>,
    /// Do not ask.
    pub yes: bool,
    /// A fresh host: the backup from object storage, left halted.
    pub to_new_host: bool,
    /// Whose copies (default: the host's own name).
    pub from_host: Option<String>,
    /// The inventory's object storage.
    pub destination: Option<Destination>,
    /// How long the kill switch may take to confirm.
    pub timeout: Duration,
    /// Wait for the lock this long.
    pub lock_wait: Option<Duration>,
    /// Break a held lock.
    pub force_unlock: bool,
}

/// What `restore` did on a host; in `--json` as `restore`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RestoreDetails {
    /// The backup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    /// Where it was fetched from (`--to-new-host`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched_from: Option<String>,
    /// What it replaces by what.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<RestoreReport>,
    /// The engine's report of the restore.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restored: Option<RestoreReport>,
    /// The kill switch before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trading_before: Option<TradingState>,
    /// The kill switch after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trading_state: Option<TradingState>,
    /// This run finished one an interruption had stopped.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
}

/// `.ployctl/restore.json`: a restore under way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRecord {
    /// The backup being restored.
    pub backup: String,
    /// `started`, or `restored` once the database is the backup.
    pub phase: String,
    /// Who started it.
    pub by: String,
    /// When (RFC 3339).
    pub since: String,
    /// The kill switch before its halt (`None`: the engine was not running).
    #[serde(default)]
    pub trading_before: Option<TradingState>,
}

/// `ployctl restore`.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &RestoreOptions) -> Outcome {
    let mut reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        let mut details = RestoreDetails::default();
        let planned = within(
            Duration::from_secs(600),
            "restore plan",
            plan(ctx, session, report, options, &mut details),
        )
        .await;
        report.set_details(Details::Restore(Box::new(details)));
        planned
    })
    .await;
    let ready: Vec<Host> = hosts
        .iter()
        .zip(&reports)
        .filter(|(_, r)| r.reason.is_none() && matches!(r.details, Details::Restore(_)))
        .map(|(h, _)| h.clone())
        .collect();
    if ready.len() < hosts.len() {
        return ctx.printer.finish("restore", reports, false, None);
    }
    if !options.yes {
        match confirm(&reports) {
            Ok(true) => {},
            Ok(false) => {
                ctx.printer
                    .warn("ployctl", "not confirmed; nothing was changed");
                return ctx.printer.finish("restore", reports, false, None);
            },
            Err(why) => {
                return ctx
                    .printer
                    .usage_error(&why, Some("add --yes to restore without asking (CI)"))
            },
        }
    }
    let access = Access::Mutate {
        action: "restore",
        release: None,
        upload: false,
    };
    let lock = LockOptions {
        wait: options.lock_wait,
        force: options.force_unlock,
    };
    let done = run_on_hosts(ctx, &ready, &access, async |session, report| {
        let mut details = reports
            .iter()
            .find(|r| r.host == session.host.name)
            .and_then(|r| match &r.details {
                Details::Restore(d) => Some((**d).clone()),
                _ => None,
            })
            .unwrap_or_default();
        let started = Instant::now();
        let result = restore(ctx, session, report, options, lock, &mut details).await;
        write_audit(ctx, session, &details, result.as_ref().err(), started).await;
        report.set_details(Details::Restore(Box::new(details)));
        result
    })
    .await;
    for d in done {
        if let Some(slot) = reports.iter_mut().find(|r| r.host == d.host) {
            *slot = d;
        }
    }
    ctx.printer.finish("restore", reports, false, None)
}

/// Finds (or fetches) the backup and asks the host's release what a
/// restore would replace by what.
async fn plan(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &RestoreOptions,
    details: &mut RestoreDetails,
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    let name = if options.to_new_host {
        let dest = options
            .destination
            .as_ref()
            .map(|d| d.join(options.from_host.as_deref().unwrap_or(&host)))
            .ok_or_else(|| Failure::new(Outcome::Failed, "no object storage is configured"))?;
        ctx.printer.step(
            &host,
            StepKind::Backup,
            &format!(
                "fetching {} from {dest}",
                options.backup.as_deref().unwrap_or("the newest copy")
            ),
        );
        let out = session
            .run_ok(
                &backup::download_script(
                    &session.prelude,
                    &dest.to_string(),
                    options.backup.as_deref(),
                ),
                "fetching the backup",
            )
            .await?;
        let parsed = ScriptOutput::parse(&out.stdout);
        no_release(&parsed, &host)?;
        let manifest: Option<BackupManifest> = (parsed.get("download_rc") == Some("0"))
            .then(|| serde_json::from_str(&parsed.block_lines("manifest").join("\n")).ok())
            .flatten();
        let Some(manifest) = manifest else {
            let failure = failure_from(&parsed, &format!("fetching from {dest}"));
            ctx.printer
                .step_done(report, StepKind::Backup, false, &failure.reason);
            return Err(failure);
        };
        ctx.printer.step_done(
            report,
            StepKind::Backup,
            true,
            &format!("{} fetched, sha256 checked", manifest.name),
        );
        details.fetched_from = Some(dest.to_string());
        manifest.name
    } else {
        options.backup.clone().unwrap_or_default()
    };
    details.backup = Some(name.clone());
    let out = session
        .run_ok(
            &backup::restore_plan_script(&session.prelude, &name),
            "reading what the restore replaces",
        )
        .await?;
    let parsed = ScriptOutput::parse(&out.stdout);
    no_release(&parsed, &host)?;
    if parsed.get("no_backup").is_some() {
        return Err(Failure::new(
            Outcome::Failed,
            format!("{name} is not among this host's backups; nothing was changed"),
        )
        .hint(format!(
            "`ployctl backup list -H {host}` shows them (add --remote for the copies off the host)"
        )));
    }
    let planned: Option<RestoreReport> = (parsed.get("plan_rc") == Some("0"))
        .then(|| serde_json::from_str(&parsed.block_lines("plan").join("\n")).ok())
        .flatten();
    let Some(planned) = planned else {
        let failure = failure_from(&parsed, &format!("{name} cannot be restored"));
        ctx.printer
            .step_done(report, StepKind::Read, false, &failure.reason);
        return Err(failure);
    };
    ctx.printer
        .step_done(report, StepKind::Read, true, &describe(&planned));
    details.plan = Some(planned);
    Ok(())
}

fn no_release(parsed: &ScriptOutput, host: &str) -> Result<(), Failure> {
    if parsed.get("no_binary").is_some() {
        return Err(
            Failure::new(Outcome::Failed, "no release is installed on this host; nothing was changed").hint(format!(
                "deploy one first (a new host's config stays in paper mode, as `host bootstrap` writes it): ployctl deploy -H {host} --binary ploy"
            )),
        );
    }
    Ok(())
}

fn when(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(
            || "none".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        )
}

/// "replaces N rows (newest order …, newest fill …) with BACKUP: M rows (…)".
fn describe(plan: &RestoreReport) -> String {
    let rows = |t: &std::collections::BTreeMap<String, u64>| t.values().sum::<u64>();
    let current = plan.current.as_ref().map_or_else(
        || "no database".to_owned(),
        |c| {
            format!(
                "{} rows (newest order {}, newest fill {})",
                rows(&c.tables),
                when(c.newest_order_ms),
                when(c.newest_fill_ms)
            )
        },
    );
    let r = &plan.restored;
    format!(
        "replaces {current} with {}: {} rows (newest order {}, newest fill {})",
        plan.backup,
        rows(&r.tables),
        when(r.newest_order_ms),
        when(r.newest_fill_ms)
    )
}

/// Asks once, at a terminal, after showing every host's plan.
fn confirm(reports: &[HostReport]) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err(
            "a restore replaces each host's database, and there is no terminal to confirm at; nothing was changed"
                .to_owned(),
        );
    }
    let mut err = std::io::stderr().lock();
    for r in reports {
        if let Details::Restore(d) = &r.details {
            if let Some(plan) = &d.plan {
                let _ = writeln!(err, "[{}] {}", r.host, describe(plan));
            }
        }
    }
    let _ = writeln!(
        err,
        "Trading is halted and the service stopped; each replaced database is kept as a backup."
    );
    let _ = write!(err, "Restore {} host(s)? [y/N] ", reports.len());
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

async fn restore(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &RestoreOptions,
    lock: LockOptions,
    details: &mut RestoreDetails,
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    let name = details.backup.clone().unwrap_or_default();
    session
        .prepare(ctx, report, "restore", lock, None, None)
        .await?;
    // The kill switch as it is (none when the engine is not running).
    let before = session.trading_view(ctx).await.ok().map(|v| v.change.state);
    let record = RestoreRecord {
        backup: name.clone(),
        phase: "started".to_owned(),
        by: ctx.ci_run_url.clone().unwrap_or_else(|| ctx.who.clone()),
        since: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        trading_before: before,
    };
    let out = session
        .run_ok(
            &backup::restore_record_script(
                &session.prelude,
                &serde_json::to_string(&record).expect("record serializes"),
            ),
            "writing .ployctl/restore.json",
        )
        .await?;
    let in_force: RestoreRecord = ScriptOutput::parse(&out.stdout)
        .get("record")
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_else(|| record.clone());
    details.trading_before = in_force.trading_before;
    // An interrupted run's record, kept.
    details.resumed = in_force != record;
    let already = in_force.phase == "restored" && in_force.backup == name;
    if in_force.backup != name {
        ctx.printer.warn(
            &host,
            &format!(
                "an interrupted restore of {} left its record; this restore of {name} replaces it, and puts back the kill switch from before that one",
                in_force.backup
            ),
        );
    }
    if already {
        details.resumed = true;
        ctx.printer.step_done(
            report,
            StepKind::Restore,
            true,
            &format!("{name} was restored by an interrupted run; finishing it"),
        );
    } else {
        if before.is_some_and(|s| s != TradingState::Halted) {
            set_trading(
                ctx,
                session,
                report,
                TradingState::Halted,
                &format!("restore of {name}"),
                options.timeout,
            )
            .await?;
        }
        let reason = format!(
            "restore of {name} by {}",
            ctx.ci_run_url.clone().unwrap_or_else(|| ctx.who.clone())
        );
        let restored = run_restore(ctx, session, report, &name, &reason).await;
        match restored {
            Ok(r) => details.restored = Some(r),
            Err(failure) => {
                // Nothing changed: the old database runs again; put the kill switch back.
                let _ = prove(ctx, session, report).await;
                put_back_trading(
                    ctx,
                    session,
                    report,
                    in_force.trading_before,
                    options,
                    &name,
                    details,
                )
                .await;
                clear(session).await;
                return Err(failure);
            },
        }
    }
    if let Err(why) = prove(ctx, session, report).await {
        return Err(put_back_kept(
            ctx,
            session,
            report,
            details,
            &why,
            options,
            in_force.trading_before,
        )
        .await);
    }
    if options.to_new_host {
        details.trading_state = Some(TradingState::Halted);
        report.hint = Some(format!(
            "trading stays halted on a new host: check it (`ployctl status -H {host}`), then `ployctl trading resume -H {host} --reason \"restored from {name}\"`"
        ));
    } else {
        put_back_trading(
            ctx,
            session,
            report,
            in_force.trading_before,
            options,
            &name,
            details,
        )
        .await;
    }
    clear(session).await;
    Ok(())
}

/// Step 3: the host script; the engine's report, or why it refused.
async fn run_restore(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    name: &str,
    reason: &str,
) -> Result<RestoreReport, Failure> {
    let host = session.host.name.clone();
    ctx.printer.step(
        &host,
        StepKind::Restore,
        &format!("stopping ploy, restoring {name}, starting it"),
    );
    let out = session
        .run_ok(
            &backup::restore_script(&session.prelude, name, reason),
            "the restore",
        )
        .await?;
    let parsed = ScriptOutput::parse(&out.stdout);
    let restored: Option<RestoreReport> = (parsed.get("restore_rc") == Some("0"))
        .then(|| serde_json::from_str(&parsed.block_lines("report").join("\n")).ok())
        .flatten();
    let Some(restored) = restored else {
        let failure = failure_from(&parsed, &format!("{name} was not restored"));
        ctx.printer
            .step_done(report, StepKind::Restore, false, &failure.reason);
        return Err(failure);
    };
    let started = parsed.get("restart_rc") == Some("0");
    ctx.printer.step_done(
        report,
        StepKind::Restore,
        true,
        &format!(
            "{name} restored in {} ms; the replaced database is kept as {}{}",
            restored.took_ms,
            restored.kept.as_deref().unwrap_or("(there was none)"),
            if started {
                ""
            } else {
                "; the service did not start"
            }
        ),
    );
    Ok(restored)
}

/// Step 4: proven healthy through the stability window.
async fn prove(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
) -> Result<(), String> {
    ctx.printer
        .step(&session.host.name, StepKind::Health, "waiting for /health");
    let settings = prove_settings(&session.host);
    let proof = session.prove(ctx, settings).await.map_err(|f| f.reason)?;
    if !proof.is_proven() {
        let why = proof.reason(&settings);
        ctx.printer.step_done(report, StepKind::Health, false, &why);
        return Err(why);
    }
    ctx.printer.step_done(
        report,
        StepKind::Health,
        true,
        "healthy through the stability window (reconciled with the exchange at its start)",
    );
    Ok(())
}

/// Not healthy on the backup: the kept database put back, the same way.
async fn put_back_kept(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    details: &mut RestoreDetails,
    why: &str,
    options: &RestoreOptions,
    before: Option<TradingState>,
) -> Failure {
    let host = session.host.name.clone();
    let name = details.backup.clone().unwrap_or_default();
    let kept = details
        .restored
        .as_ref()
        .and_then(|r| r.kept.clone())
        .filter(|k| backup::valid_name(k));
    let Some(kept) = kept else {
        return Failure::new(
            Outcome::Unhealthy,
            format!("ploy is not healthy on {name} ({why}); there was no database to put back"),
        )
        .hint(format!("`ployctl logs -H {host} --level warn` says why"));
    };
    let back = run_restore(
        ctx,
        session,
        report,
        &kept,
        &format!("put back after {name} did not become healthy"),
    )
    .await;
    let healthy = match back {
        Ok(_) => prove(ctx, session, report).await.is_ok(),
        Err(_) => false,
    };
    if healthy {
        put_back_trading(ctx, session, report, before, options, &kept, details).await;
        clear(session).await;
    }
    Failure::new(
        Outcome::RolledBack,
        format!(
            "ploy is not healthy on {name} ({why}); the database it replaced ({kept}) was put back{}",
            if healthy { " and is healthy" } else { ", and is not healthy either" }
        ),
    )
    .hint(format!("`ployctl logs -H {host} --level warn` says why"))
}

/// Step 5: the kill switch as it was before the restore.
async fn put_back_trading(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    before: Option<TradingState>,
    options: &RestoreOptions,
    name: &str,
    details: &mut RestoreDetails,
) {
    let wanted = before.unwrap_or(TradingState::Halted);
    if wanted == TradingState::Halted {
        details.trading_state = trading_view(ctx, session)
            .await
            .ok()
            .map(|v| v.change.state);
        return;
    }
    match set_trading(
        ctx,
        session,
        report,
        wanted,
        &format!("restored from {name}"),
        options.timeout,
    )
    .await
    {
        Ok(state) => details.trading_state = Some(state),
        Err(f) => ctx.printer.warn(&session.host.name, &f.reason),
    }
}

async fn clear(session: &HostSession) {
    let _ = session
        .run(&backup::restore_clear_script(&session.prelude))
        .await;
}

async fn write_audit(
    ctx: &Context,
    session: &mut HostSession,
    details: &RestoreDetails,
    failure: Option<&Failure>,
    started: Instant,
) {
    if !session.holds_lock() {
        return;
    }
    let outcome = failure.map_or(Outcome::Success, |f| f.outcome);
    let what = match (&details.backup, &details.restored) {
        (Some(b), Some(r)) => format!(
            "restored {b}{}; the replaced database kept as {}",
            details
                .fetched_from
                .as_ref()
                .map(|f| format!(" (from {f})"))
                .unwrap_or_default(),
            r.kept.as_deref().unwrap_or("(none)")
        ),
        (Some(b), None) => format!("restore of {b}"),
        _ => "restore".to_owned(),
    };
    let reason = match failure {
        Some(f) => format!("{what}: {}", f.reason),
        None => what,
    };
    let record = audit_change(
        ctx,
        "restore",
        outcome,
        Some(reason),
        started,
        (
            details.trading_before.map(|s| s.to_string()),
            details.trading_state.map(|s| s.to_string()),
        ),
    );
    session.append_audit(&record).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ploy_api::DatabaseSummary;

    #[test]
    fn the_plan_reads_as_what_is_replaced_by_what() {
        let summary = |rows: u64, order: i64| DatabaseSummary {
            tables: [("orders".to_owned(), rows)].into(),
            newest_order_ms: Some(order),
            newest_fill_ms: None,
            schema_version: 1,
        };
        let plan = RestoreReport {
            backup: "ploy-20261201T000000Z-h1".into(),
            database: "sqlite".into(),
            dry_run: true,
            current: Some(summary(12, 1_764_633_600_000)),
            restored: summary(10, 1_764_547_200_000),
            kept: None,
            took_ms: 1,
        };
        assert_eq!(
            describe(&plan),
            "replaces 12 rows (newest order 2025-12-02 00:00:00 UTC, newest fill none) with ploy-20261201T000000Z-h1: 10 rows (newest order 2025-12-01 00:00:00 UTC, newest fill none)"
        );
        let fresh = RestoreReport {
            current: None,
            ..plan
        };
        assert!(describe(&fresh).starts_with("replaces no database with"));
    }

    #[test]
    fn the_record_round_trips_and_reads_the_phase() {
        let r = RestoreRecord {
            backup: "ploy-x".into(),
            phase: "started".into(),
            by: "op@box".into(),
            since: "2026-12-04T00:00:00Z".into(),
            trading_before: Some(TradingState::Active),
        };
        let json = serde_json::to_string(&r).unwrap();
        assert!(
            json.contains("\"phase\":\"started\""),
            "the host script marks it by this text: {json}"
        );
        assert_eq!(serde_json::from_str::<RestoreRecord>(&json).unwrap(), r);
    }
}
