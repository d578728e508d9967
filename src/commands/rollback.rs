//! `ployctl rollback [--to VERSION]`: under the lock, switch each host back to
//! the newest good release other than the running one (or the named one),
//! restart, prove it healthy, record the verdict and audit.

use std::time::Duration;

use crate::commands::deploy::{activate, record_unproven};
use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, Access};
use crate::inventory::Host;
use crate::plan;
use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::printer::StepStatus;
use crate::recovery::recover;
use crate::remote::ledger::{Standing, Verdict};
use crate::remote::phases;
use crate::remote::release;
use crate::remote::{quote, ScriptOutput};
use crate::session::{prove_settings, Context, Failure, HostSession, LockOptions};

/// Resolved `rollback` options.
#[derive(Debug, Clone)]
pub struct RollbackOptions {
    /// The release to go to (exact name or unique prefix); default: the newest good one.
    pub to: Option<String>,
    /// Print the plan only.
    pub dry_run: bool,
    /// Wait this long for a held lock.
    pub lock_wait: Option<Duration>,
    /// Break a held lock.
    pub force_unlock: bool,
    /// Go to a release the ledger marks bad.
    pub force: bool,
}

/// `ployctl rollback`: prints the plan for `--dry-run`, else rolls every host
/// back in parallel.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &RollbackOptions) -> Outcome {
    if options.dry_run {
        let plans: Vec<plan::HostPlan> = hosts
            .iter()
            .map(|h| {
                plan::rollback(
                    h,
                    &super::transport_name(ctx, h),
                    options.to.as_deref(),
                    options.lock_wait,
                )
            })
            .collect();
        return super::print_plan(&ctx.printer, "rollback", &plans, hosts);
    }
    let access = Access::Mutate {
        action: "rollback",
        release: None,
        upload: false,
    };
    let reports = run_on_hosts(ctx, hosts, &access, async |session, report| {
        steps(ctx, session, report, options).await
    })
    .await;
    ctx.printer.finish("rollback", reports, false, None)
}

/// Rolls each host back to its own release, all at once, under the lock
/// like `rollback --to`; the reports, not printed (a deploy's
/// `--rollback-all-on-fail` and failed canary soak).
pub async fn roll_back_each(
    ctx: &Context,
    jobs: &[(Host, String)],
    lock_wait: Option<Duration>,
) -> Vec<HostReport> {
    let access = Access::Mutate {
        action: "rollback",
        release: None,
        upload: false,
    };
    let one = async |host: &Host, to: &str| {
        let options = RollbackOptions {
            to: Some(to.to_owned()),
            dry_run: false,
            lock_wait,
            force_unlock: false,
            force: false,
        };
        run_on_hosts(
            ctx,
            std::slice::from_ref(host),
            &access,
            async |session, report| steps(ctx, session, report, &options).await,
        )
        .await
    };
    futures_util::future::join_all(jobs.iter().map(|(host, to)| one(host, to)))
        .await
        .into_iter()
        .flatten()
        .collect()
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
    let lock = LockOptions {
        wait: options.lock_wait,
        force: options.force_unlock,
    };
    let prepared = session
        .prepare(ctx, report, &what, lock, None, None)
        .await?;
    let state = recover(ctx, session, report, prepared.state).await?.state;
    let host = session.host.name.clone();
    let entries = state.entries();
    let running = state.running.name().map(str::to_owned);
    report.change().previous.clone_from(&running);
    let exclude: Vec<&str> = [state.current.as_deref(), running.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let target = release::rollback_target(&entries, options.to.as_deref(), &exclude).map_err(|e| {
        ctx.printer.step_done(report, StepKind::Switch, false, &e);
        Failure::new(Outcome::Failed, e).hint(
            "`ployctl releases` lists the releases on each host with their standing; name one with --to",
        )
    })?;
    report.change().release = Some(target.clone());
    let standing = entries.iter().find(|e| e.name == target);
    if let Some(bad) = standing.filter(|e| e.state == Standing::Bad) {
        if !options.force {
            let why = bad.reason.clone().unwrap_or_default();
            ctx.printer.step_done(
                report,
                StepKind::Switch,
                false,
                &format!("{target} is marked bad"),
            );
            return Err(Failure::new(
                Outcome::Failed,
                format!(
                    "release {target} is marked bad on this host ({why}); nothing was switched"
                ),
            )
            .hint(format!(
                "roll back to another release, or to {target} anyway with --force"
            )));
        }
    }
    if running.as_deref() == Some(target.as_str())
        && state.current.as_deref() == Some(target.as_str())
    {
        ctx.printer.step_result(
            report,
            StepKind::Switch,
            StepStatus::Skipped,
            &format!("{target} is already current and running"),
        );
        report.change().current = Some(target.clone());
        report.change().running = Some(target);
        return Ok(());
    }
    // An older release may refuse a config written for a newer one: find out
    // before switching, while the running release is untouched.
    ctx.printer.step(
        &host,
        StepKind::CheckConfig,
        &format!("{target} against the host's config"),
    );
    let out = session
        .run_ok(
            &phases::check_configs_script(&session.prelude, Some(&target), None),
            "check-config",
        )
        .await?;
    let checked = ScriptOutput::parse(&out.stdout);
    let lines = checked.block_lines("check_config");
    if checked.get("check_config") != Some("0") {
        ctx.printer.step_done(
            report,
            StepKind::CheckConfig,
            false,
            &format!("{target} rejects the host's config"),
        );
        ctx.printer.block(&host, "ploy check-config said:", &lines);
        report.change().log_tail = lines;
        let root = &session.host.root;
        return Err(Failure::new(
            Outcome::Failed,
            format!("release {target} rejects the host's config; nothing was switched, the running release is untouched"),
        )
        .hint(format!(
            "the config may use keys {target} does not know: edit {root}/config/config.toml as the errors say, then roll back again"
        )));
    }
    ctx.printer.step_done(
        report,
        StepKind::CheckConfig,
        true,
        lines.first().map_or("config OK", String::as_str),
    );

    activate(ctx, session, report, &target, None, Vec::new(), None, false).await?;

    let settings = prove_settings(&session.host);
    ctx.printer
        .step(&host, StepKind::Health, "waiting for /health");
    let proof = session.prove(ctx, settings).await?;
    let by = format!("ployctl {}", ctx.who);
    if proof.is_proven() {
        report.change().running = Some(target.clone());
        let good = Verdict::now(&target, Standing::Good, None, &by).to_line();
        session
            .run(&phases::ledger_script(&session.prelude, &[good]))
            .await?;
        ctx.printer.step_done(
            report,
            StepKind::Health,
            true,
            &format!("{target} is healthy"),
        );
        return Ok(());
    }
    let reason = record_unproven(ctx, session, report, &proof).await;
    let bad = Verdict::now(&target, Standing::Bad, Some(&reason), &by)
        .with_checks(&report.change().failing_checks)
        .to_line();
    let _ = session
        .run(&phases::ledger_script(&session.prelude, &[bad]))
        .await;
    Err(Failure::new(
        Outcome::Failed,
        format!("rolled back to {target}, but it is not healthy: {reason}"),
    )
    .hint(format!(
        "see the log above; `ployctl rollback --to {}` returns to the release you left",
        quote(running.as_deref().unwrap_or("?"))
    )))
}
