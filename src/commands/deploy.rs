//! `ployctl deploy --binary PATH [--version V]`: put a new `ploy` on each host,
//! prove it healthy, and go back to the newest good release when it is not.
//!
//! Per host, in four scripts over one remote shell (plus the upload on its own
//! channel, started at connect): prepare (lock, preflight, the host's state),
//! recover (only when an interrupted run left something), upload and
//! check-config, activate (arm the host-side guard, switch, restart), prove
//! `/health` through the SSH connection, then confirm (ledger, prune, audit,
//! unlock). When the release is not proven, the guard on the host rolls back
//! (it would anyway if ployctl died), and ployctl proves the fallback.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::decisions::{self, AfterProof, Decision, Facts};
use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, Access};
use crate::health::Proof;
use crate::inventory::{Handover, Host, ServiceKind};
use crate::plan;
use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::printer::StepStatus;
use crate::recovery::{recover, Recovered};
use crate::remote::guard::{GuardFile, GuardResult};
use crate::remote::ledger::{Standing, Verdict};
use crate::remote::phases::{self, Activation};
use crate::remote::release::{self, ReleaseEntry, ReleaseInfo};
use crate::remote::ScriptOutput;
use crate::report::Details;
use crate::session::{
    audit_record, prove_settings, rand_u64, Context, Failure, HostSession, LockOptions, Prepared,
};
use crate::transport::RemoteProcess;

/// Resolved `deploy` options.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// The `ploy` binary to deploy.
    pub binary: PathBuf,
    /// The release name (default: `ploy version` + UTC time).
    pub version: Option<String>,
    /// Print the plan only.
    pub dry_run: bool,
    /// Wait this long for a held lock.
    pub lock_wait: Option<Duration>,
    /// Break a held lock.
    pub force_unlock: bool,
    /// Deploy a release the host's ledger marks bad, or one that already runs.
    pub force: bool,
    /// Batches, canary, max-fail.
    pub rollout: crate::rollout::Rollout,
}

/// The binary being deployed, read once for every host.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Release name.
    pub release: String,
    /// The bytes.
    pub bytes: Arc<Vec<u8>>,
    /// sha256, hex.
    pub sha256: String,
    /// What `ploy version --json` said.
    pub ploy_version: Option<String>,
    /// Its git revision.
    pub git_sha: Option<String>,
    /// Where it came from (CI run URL or local path).
    pub source: String,
}

#[derive(serde::Deserialize)]
struct BuildInfo {
    version: String,
    git_sha: Option<String>,
}

/// Reads the binary, hashes it, asks it its version, names the release.
pub async fn prepare(
    options: &DeployOptions,
    ci_run_url: Option<&str>,
) -> Result<Artifact, Failure> {
    let path = &options.binary;
    let bytes = tokio::fs::read(path).await.map_err(|e| {
        Failure::new(
            Outcome::UsageError,
            format!("cannot read --binary {}: {e}", path.display()),
        )
        .hint("build it first (cargo build --release -p ploy) or point --binary at the file")
    })?;
    if bytes.is_empty() {
        return Err(Failure::new(
            Outcome::UsageError,
            format!("--binary {} is empty", path.display()),
        ));
    }
    let sha256 = hex(&Sha256::digest(&bytes));
    let info = local_version(path).await;
    let release = match (&options.version, &info) {
        (Some(v), _) => v.clone(),
        (None, Ok(info)) => release::default_name(&info.version, chrono::Utc::now()),
        (None, Err(e)) => {
            return Err(Failure::new(
                Outcome::UsageError,
                format!(
                "cannot learn the release version: running `{} version --json` here failed: {e}",
                path.display()
            ),
            )
            .hint("pass --version V (e.g. when the binary is built for another platform)"))
        },
    };
    release::validate_name(&release).map_err(|e| Failure::new(Outcome::UsageError, e))?;
    Ok(Artifact {
        release,
        bytes: Arc::new(bytes),
        sha256,
        ploy_version: info.as_ref().ok().map(|i| i.version.clone()),
        git_sha: info.ok().and_then(|i| i.git_sha),
        source: ci_run_url.map(str::to_owned).unwrap_or_else(|| {
            std::fs::canonicalize(path)
                .unwrap_or_else(|_| path.clone())
                .display()
                .to_string()
        }),
    })
}

async fn local_version(path: &std::path::Path) -> Result<BuildInfo, String> {
    let run = tokio::process::Command::new(path)
        .args(["version", "--json"])
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .map_err(|_| "no answer within 10s".to_owned())?
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("exit {}", out.status));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("unexpected output ({e})"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The plans, for `--dry-run` and the JSON report.
pub fn plans(
    ctx: &Context,
    hosts: &[Host],
    artifact: &Artifact,
    options: &DeployOptions,
) -> Vec<plan::HostPlan> {
    hosts
        .iter()
        .map(|h| {
            plan::deploy(
                h,
                &super::transport_name(ctx, h),
                &artifact.release,
                artifact.bytes.len() as u64,
                &artifact.sha256,
                options.lock_wait,
            )
        })
        .collect()
}

/// `ployctl deploy`: prepares the artifact (a usage error stops everything
/// before any host is touched), prints the plan for `--dry-run`, else deploys
/// to every host in parallel.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &DeployOptions) -> Outcome {
    let artifact = match prepare(options, ctx.ci_run_url.as_deref()).await {
        Ok(a) => a,
        Err(f) => return ctx.printer.usage_error(&f.reason, f.hint.as_deref()),
    };
    let plans = plans(ctx, hosts, &artifact, options);
    if options.dry_run {
        return super::print_rollout_plan(
            &ctx.printer,
            "deploy",
            &plans,
            hosts,
            Some(&options.rollout),
        );
    }
    ctx.printer.note(&format!(
        "deploying {} ({} bytes, sha256 {}…) to {}",
        artifact.release,
        artifact.bytes.len(),
        &artifact.sha256[..12],
        hosts
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let access = Access::Mutate {
        action: "deploy",
        release: Some(artifact.release.clone()),
        upload: true,
    };
    let reports = roll_out(ctx, hosts, &access, &artifact, options).await;
    ctx.printer.finish("deploy", reports, false, None)
}

/// Deploys batch by batch (`rollout::batches`): a canary batch soaks before
/// the rest, and past `--max-fail` no new batch starts; a canary that fails
/// (its deploy, or its soak) stops the rollout and a failed soak rolls the
/// canaries back; `--rollback-all-on-fail` puts back every host this run
/// deployed. Hosts never started are reported as such. One report per host,
/// in the hosts' order.
async fn roll_out(
    ctx: &Context,
    hosts: &[Host],
    access: &Access,
    artifact: &Artifact,
    options: &DeployOptions,
) -> Vec<HostReport> {
    let rollout = &options.rollout;
    let batches = crate::rollout::batches(hosts.len(), rollout);
    let count = batches.len();
    let mut reports: Vec<Option<HostReport>> = vec![None; hosts.len()];
    let mut stopped: Option<String> = None;
    for (k, batch) in batches.iter().enumerate() {
        let these: Vec<Host> = batch.hosts.iter().map(|&i| hosts[i].clone()).collect();
        if count > 1 {
            let names: Vec<&str> = these.iter().map(|h| h.name.as_str()).collect();
            ctx.printer.group(&format!(
                "batch {}/{count}{}: {}",
                k + 1,
                if batch.canary { " (canary)" } else { "" },
                names.join(", ")
            ));
        }
        let mut done = run_on_hosts(ctx, &these, access, async |session, report| {
            steps(ctx, session, report, artifact, options).await
        })
        .await;
        let deployed_ok = done.iter().all(|r| r.outcome == Some(Outcome::Success));
        if batch.canary && !deployed_ok {
            stopped = Some("the canary's deploy failed".to_owned());
        } else if batch.canary && k + 1 < count {
            if let Some(why) = soak(ctx, &these, &mut done, &artifact.release, rollout).await {
                let targets = put_back_targets(&done, &artifact.release);
                put_back(ctx, &these, &mut done, &targets, &why, options).await;
                stopped = Some(why);
            }
        }
        for (mut r, &i) in done.into_iter().zip(&batch.hosts) {
            // One batch is a plain deploy: its report stays as it was.
            r.batch = (count > 1).then_some(k + 1);
            reports[i] = Some(r);
        }
        if count > 1 {
            ctx.printer.end_group();
        }
        let failed = reports
            .iter()
            .flatten()
            .filter(|r| r.outcome != Some(Outcome::Success))
            .count();
        if stopped.is_none() && crate::rollout::exceeded(failed, hosts.len(), rollout.max_fail) {
            let why = format!(
                "{failed} of {} host(s) failed, more than --max-fail {} tolerates",
                hosts.len(),
                rollout.max_fail
            );
            if rollout.rollback_all_on_fail {
                put_back_all(ctx, hosts, &mut reports, &why, artifact, options).await;
            }
            if k + 1 < count {
                stopped = Some(why);
            }
        }
        if stopped.is_some() {
            break;
        }
    }
    let why = stopped.unwrap_or_default();
    hosts
        .iter()
        .zip(reports)
        .enumerate()
        .map(|(i, (host, r))| {
            r.unwrap_or_else(|| {
                let mut r = crate::session::new_report(host);
                r.batch = crate::rollout::batch_of(&batches, i);
                r.reason = Some(format!("not deployed: {why}"));
                r.hint = Some(
                    "nothing was changed on this host; fix the failure above and deploy again"
                        .to_owned(),
                );
                r
            })
        })
        .collect()
}

/// `--rollback-all-on-fail`: every host this run deployed goes back.
async fn put_back_all(
    ctx: &Context,
    hosts: &[Host],
    reports: &mut [Option<HostReport>],
    why: &str,
    artifact: &Artifact,
    options: &DeployOptions,
) {
    let started: Vec<usize> = (0..hosts.len()).filter(|&i| reports[i].is_some()).collect();
    let mut done: Vec<HostReport> = started.iter().filter_map(|&i| reports[i].take()).collect();
    let these: Vec<Host> = started.iter().map(|&i| hosts[i].clone()).collect();
    let targets = put_back_targets(&done, &artifact.release);
    put_back(ctx, &these, &mut done, &targets, why, options).await;
    for (i, r) in started.into_iter().zip(done) {
        reports[i] = Some(r);
    }
}

/// The hosts of `done` this run deployed `release` to (proven good), with
/// the release each ran before: what `put_back` restores.
fn put_back_targets(done: &[HostReport], release: &str) -> Vec<(String, String)> {
    done.iter()
        .filter(|r| r.outcome == Some(Outcome::Success))
        .filter_map(|r| {
            let Details::Change(c) = &r.details else {
                return None;
            };
            let previous = c.previous.clone()?;
            (c.release.as_deref() == Some(release) && previous != release)
                .then(|| (r.host.clone(), previous))
        })
        .collect()
}

/// Rolls `targets` (host, release) back and records it in their reports:
/// rolled back (exit 3) when it worked, failed when not.
async fn put_back(
    ctx: &Context,
    hosts: &[Host],
    reports: &mut [HostReport],
    targets: &[(String, String)],
    why: &str,
    options: &DeployOptions,
) {
    let jobs: Vec<(Host, String)> = targets
        .iter()
        .filter_map(|(name, to)| {
            hosts
                .iter()
                .find(|h| &h.name == name)
                .map(|h| (h.clone(), to.clone()))
        })
        .collect();
    let back = super::rollback::roll_back_each(ctx, &jobs, options.lock_wait).await;
    for b in back {
        let Some(r) = reports.iter_mut().find(|r| r.host == b.host) else {
            continue;
        };
        r.steps.extend(b.steps.iter().cloned());
        let to = b.current().map(str::to_owned);
        if b.outcome == Some(Outcome::Success) {
            r.outcome = Some(Outcome::RolledBack);
            r.exit_code = Outcome::RolledBack.code();
            r.reason = Some(format!(
                "{why}; rolled back to {}",
                to.as_deref().unwrap_or("the previous release")
            ));
        } else {
            r.outcome = Some(Outcome::Failed);
            r.exit_code = Outcome::Failed.code();
            r.reason = Some(format!(
                "{why}; the rollback failed: {}",
                b.reason.as_deref().unwrap_or("?")
            ));
            r.hint = b.hint.clone();
        }
        if let Details::Change(c) = &mut r.details {
            c.current = to;
        }
    }
}

/// The canary soak: every canary polled for `rollout.canary_soak`; the first
/// gate a canary fails marks the release bad on it. Why the canary failed, or
/// nothing when every canary passed. Each canary's report gets the soak step.
async fn soak(
    ctx: &Context,
    canaries: &[Host],
    reports: &mut [HostReport],
    release: &str,
    rollout: &crate::rollout::Rollout,
) -> Option<String> {
    let soaked = run_on_hosts(ctx, canaries, &Access::Read, async |session, report| {
        soak_host(ctx, session, report, release, rollout.canary_soak).await
    })
    .await;
    let mut why = None;
    for s in soaked {
        if let Some(r) = reports.iter_mut().find(|r| r.host == s.host) {
            r.steps.extend(
                s.steps
                    .iter()
                    .filter(|st| st.step == StepKind::Health)
                    .cloned(),
            );
        }
        if s.outcome != Some(Outcome::Success) && why.is_none() {
            why = Some(format!(
                "canary {} failed its soak: {}",
                s.host,
                s.reason.as_deref().unwrap_or("?")
            ));
        }
    }
    why
}

async fn soak_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    release: &str,
    soak: Duration,
) -> Result<(), Failure> {
    use crate::rollout::{gate, metric_sum, Gates, SoakSample};
    let host = session.host.clone();
    let gates = Gates {
        orders_failed_per_minute: host.checks.canary_orders_failed_per_minute,
        api_errors_per_minute: host.checks.canary_api_errors_per_minute,
        soak,
    };
    ctx.printer.step(
        &host.name,
        StepKind::Health,
        &format!("canary soak ({})", humantime::format_duration(soak)),
    );
    let started = Instant::now();
    let sample = async |session: &HostSession| {
        let probe = session.probe(ctx).await;
        let health = if probe.is_healthy() {
            Ok(())
        } else {
            Err(probe.problem())
        };
        let trading_state = session
            .trading_state(ctx)
            .await
            .map(|c| c.state.as_str().to_owned());
        let metrics = session.metrics(ctx).await.ok();
        let read = |name: &str| {
            metrics
                .as_deref()
                .map(|t| metric_sum(t, name).unwrap_or(0.0))
        };
        SoakSample {
            at: started.elapsed(),
            health,
            trading_state,
            orders_failed: read("ploy_orders_failed_total"),
            api_errors: read("ploy_api_errors_total"),
        }
    };
    let first = sample(session).await;
    let mut last = first.clone();
    let failed = loop {
        if let Some(why) = gate(&first, &last, &gates) {
            break Some(why);
        }
        if last.at >= soak {
            break None;
        }
        tokio::time::sleep(
            host.health_interval
                .min(soak.saturating_sub(last.at))
                .max(Duration::from_millis(50)),
        )
        .await;
        last = sample(session).await;
    };
    let Some(why) = failed else {
        let grew = |a: Option<f64>, b: Option<f64>| b.unwrap_or(0.0) - a.unwrap_or(0.0);
        ctx.printer.step_done(
            report,
            StepKind::Health,
            true,
            &format!(
                "canary soak passed: healthy for {}, kill switch active, {} failed order(s), {} API error(s)",
                humantime::format_duration(Duration::from_secs(last.at.as_secs())),
                grew(first.orders_failed, last.orders_failed),
                grew(first.api_errors, last.api_errors)
            ),
        );
        return Ok(());
    };
    ctx.printer.step_done(
        report,
        StepKind::Health,
        false,
        &format!("canary soak: {why}"),
    );
    let by = format!("ployctl {}", ctx.who);
    let bad = Verdict::now(
        release,
        Standing::Bad,
        Some(&format!("canary soak: {why}")),
        &by,
    )
    .to_line();
    let _ = session
        .run(&phases::ledger_script(&session.prelude, &[bad]))
        .await;
    Err(Failure::new(Outcome::Unhealthy, why))
}

/// The upload channel, unused until the header goes out.
struct Uploader(Option<RemoteProcess>);

impl Uploader {
    /// Ends the channel's script without uploading (end of file before a header).
    async fn abandon(&mut self) {
        if let Some(mut process) = self.0.take() {
            let _ = process.stdin.shutdown().await;
        }
    }
}

async fn steps(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    artifact: &Artifact,
    options: &DeployOptions,
) -> Result<(), Failure> {
    let mut uploader = Uploader(session.take_uploader());
    let started = session.started;
    let mut staging = Staging {
        tmp: format!(".tmp-{}-{:08x}", artifact.release, rand_u64() as u32),
        staged: false,
    };
    let result = deploy_steps(
        ctx,
        session,
        &mut uploader,
        &mut staging,
        report,
        artifact,
        options,
        started,
    )
    .await;
    uploader.abandon().await;
    if staging.staged {
        // Staged but never moved into place: the deploy stopped before its activation.
        let _ = session
            .run(&format!(
                "{}rm -rf \"$R/releases/{}\"",
                session.prelude, staging.tmp
            ))
            .await;
    }
    result
}

/// The upload folder of this deploy, and whether it holds a checked release
/// waiting for the activation to move it into place.
struct Staging {
    tmp: String,
    staged: bool,
}

#[allow(clippy::too_many_arguments)]
async fn deploy_steps(
    ctx: &Context,
    session: &mut HostSession,
    uploader: &mut Uploader,
    staging: &mut Staging,
    report: &mut HostReport,
    artifact: &Artifact,
    options: &DeployOptions,
    started: Instant,
) -> Result<(), Failure> {
    let name = &artifact.release;
    let lock = LockOptions {
        wait: options.lock_wait,
        force: options.force_unlock,
    };
    let operation = format!("deploy {name}");
    let service = session.host.service;
    let host = session.host.name.clone();
    // The upload starts at once, in a task of its own, beside the lock, the
    // preflight and a look at /health; it stays in its own `.tmp-*` folder
    // until the activation. Dropping the handle stops it (the script then
    // removes the partial folder).
    let upload = AbortOnDrop(tokio::spawn(stream(
        ctx.clone(),
        host,
        uploader.0.take(),
        artifact.clone(),
        staging.tmp.clone(),
    )));
    let (prepared, probe) = tokio::join!(
        session.prepare(
            ctx,
            report,
            &operation,
            lock,
            Some(service),
            Some(&staging.tmp)
        ),
        session.probe(ctx)
    );
    let prepared = prepared?;
    preflight(ctx, session, report, artifact, &prepared)?;
    let broke = prepared.broke.clone();
    let Recovered {
        state,
        guard_results,
        acted,
    } = recover(ctx, session, report, prepared.state).await?;
    report.change().guard = guard_results.last().cloned();
    report.change().previous = state
        .running
        .name()
        .filter(|r| *r != name.as_str())
        .map(str::to_owned);

    // Recovery may have restarted the service: look at /health again.
    let probe = if acted {
        session.probe(ctx).await
    } else {
        probe
    };
    let decision = decisions::decide(Facts {
        state: &state,
        broke: broke.as_ref(),
        guard_results: &guard_results,
        release: name,
        probe: &probe,
        force: options.force,
    });
    let (adopt, fallback) = match decision {
        Decision::ReportGuardVerdict(result) => {
            report.change().current = Some(result.fallback.clone());
            report.change().running = Some(result.fallback.clone());
            return Err(Failure::new(
                if result.rolled_back() { Outcome::RolledBack } else { Outcome::Failed },
                format!(
                    "the interrupted deploy of {name} was rolled back by the host's guard: {}; {}",
                    result.reason, result.detail
                ),
            )
            .hint(format!(
                "the release is marked bad on this host; fix it and deploy a new release, or deploy {name} again with --force"
            )));
        },
        Decision::RefuseBad { reason } => {
            ctx.printer.step_done(
                report,
                StepKind::Deploy,
                false,
                &format!("{name} is marked bad"),
            );
            return Err(Failure::new(
                Outcome::Failed,
                format!(
                    "release {name} is marked bad on this host ({reason}); nothing was switched"
                ),
            )
            .hint(format!(
                "deploy a fixed release, or deploy {name} anyway with --force"
            )));
        },
        Decision::AlreadyRunning => {
            report.change().current = Some(name.clone());
            report.change().running = Some(name.clone());
            ctx.printer.step_result(
                report,
                StepKind::Deploy,
                StepStatus::Skipped,
                &format!("{name} already runs, proven good and healthy; nothing to do (--force deploys it again)"),
            );
            return Ok(());
        },
        Decision::Proceed { adopt, fallback } => (adopt, fallback),
    };
    // Record a healthy release no ployctl has judged yet (a host deployed
    // before the ledger existed), so there is a good release to go back to.
    let mut ledger_lines: Vec<String> = adopt
        .iter()
        .map(|adopted| {
            Verdict::now(
                adopted,
                Standing::Good,
                Some("it was running and healthy when ployctl first judged this host"),
                &format!("ployctl {}", ctx.who),
            )
            .to_line()
        })
        .collect();
    let entries = state.entries();

    // The rollback target's check-config runs while the upload finishes.
    let fallback_check = async {
        match &fallback {
            Some(f) => session
                .run_ok(
                    &phases::check_configs_script(&session.prelude, None, Some(f)),
                    "the rollback target's check-config",
                )
                .await
                .map(|out| Some(ScriptOutput::parse(&out.stdout))),
            None => Ok(None),
        }
    };
    let (streamed, fallback_out) = tokio::join!(upload.finish(), fallback_check);
    staging.staged = place(ctx, session, report, artifact, streamed?).await?;
    if let (Some(f), Some(out)) = (&fallback, fallback_out?) {
        warn_if_refused(ctx, report, f, &out);
    }

    ledger_lines.push(
        Verdict::now(
            name,
            Standing::Unproven,
            Some("deploying"),
            &format!("ployctl {}", ctx.who),
        )
        .to_line(),
    );
    if fallback.is_none() {
        ctx.printer.step_result(
            report,
            StepKind::Guard,
            StepStatus::Skipped,
            "no good release to go back to (the first proven deploy makes one)",
        );
    }
    let staged = staging.staged.then(|| staging.tmp.clone());
    staging.staged = false;
    // A standby handover needs something trading to hand over from.
    let handover = session.host.handover == Handover::Standby
        && state.running.name().is_some()
        && probe.is_healthy();
    let staged = if handover {
        start_standby(ctx, session, report, name, staged.as_deref(), &ledger_lines).await?;
        None
    } else {
        staged
    };
    activate(
        ctx,
        session,
        report,
        name,
        fallback.as_deref(),
        ledger_lines,
        staged,
        handover,
    )
    .await?;

    // Prove it.
    let settings = prove_settings(&session.host);
    ctx.printer
        .step(&session.host.name, StepKind::Health, "waiting for /health");
    let proof = session.prove(ctx, settings).await?;
    if let Proof::Proven { took, .. } = &proof {
        ctx.printer.step_done(
            report,
            StepKind::Health,
            true,
            &format!(
                "healthy after {:.1}s, stayed healthy for {}",
                took.saturating_sub(settings.stability_window).as_secs_f64(),
                humantime::format_duration(settings.stability_window)
            ),
        );
        confirm(ctx, session, report, name, &entries, started).await?;
        measure_quote_gap(ctx, session, report).await;
        return Ok(());
    }
    roll_back(ctx, session, report, name, fallback.as_deref(), &proof).await
}

fn preflight(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    artifact: &Artifact,
    prepared: &Prepared,
) -> Result<(), Failure> {
    let host = &session.host;
    let out = &prepared.out;
    for stale in out.all("stale_upload") {
        ctx.printer.warn(
            &host.name,
            &format!("removed an interrupted upload: {}/{stale}", host.root),
        );
    }
    let problem =
        decisions::preflight_problem(out, host.service, artifact.bytes.len() as u64, &host.root);
    let took = Duration::from_millis(prepared.preflight_ms);
    if let Some(failure) = problem {
        ctx.printer.step_timed(
            report,
            StepKind::Preflight,
            StepStatus::Failed,
            &failure.reason,
            took,
        );
        return Err(failure);
    }
    let state = &prepared.state;
    let detail = format!(
        "{} MiB free, config present, current {}, {}",
        out.number("free_kib").unwrap_or(0) / 1024,
        state.current.as_deref().unwrap_or("(none)"),
        state.running.describe()
    );
    ctx.printer
        .step_timed(report, StepKind::Preflight, StepStatus::Ok, &detail, took);
    Ok(())
}

/// What the upload channel did.
struct Streamed {
    out: ScriptOutput,
    message: String,
    took: Duration,
}

/// A spawned task that is aborted when its handle is dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl AbortOnDrop<Result<Streamed, Failure>> {
    /// Waits for the upload task's result.
    async fn finish(mut self) -> Result<Streamed, Failure> {
        (&mut self.0).await.unwrap_or_else(|e| {
            Err(Failure::new(
                Outcome::Failed,
                format!("the upload stopped: {e}"),
            ))
        })
    }
}

/// Sends the header and the binary through the upload channel; returns what
/// its script printed. The script stops at once when the release is already
/// on the host.
async fn stream(
    ctx: Context,
    host: String,
    process: Option<RemoteProcess>,
    artifact: Artifact,
    tmp: String,
) -> Result<Streamed, Failure> {
    let name = &artifact.release;
    let Some(mut process) = process else {
        return Err(Failure::new(Outcome::Failed, "the upload channel is gone"));
    };
    let info = ReleaseInfo {
        version: name.clone(),
        ploy_version: artifact.ploy_version.clone(),
        sha256: artifact.sha256.clone(),
        git_sha: artifact.git_sha.clone(),
        deployed_by: ctx.who.clone(),
        deployed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        source: artifact.source.clone(),
        ployctl_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let total = artifact.bytes.len() as u64;
    let header = format!(
        "{tmp}\n{name}\n{total}\n{}\n{}\n",
        artifact.sha256,
        serde_json::to_string(&info).expect("release info serializes")
    );
    ctx.printer
        .step(&host, StepKind::Upload, &format!("{total} bytes"));
    let started = Instant::now();
    let broken = |e: String| {
        Failure::new(Outcome::ConnectionError, format!("upload failed: {e}"))
            .hint("the SSH connection dropped; check the host and deploy again (the partial upload is removed then)")
    };
    process
        .stdin
        .write_all(header.as_bytes())
        .await
        .map_err(|e| broken(e.to_string()))?;
    let printer = ctx.printer.clone();
    let progress_host = host.clone();
    let progress = move |sent: u64| printer.upload_progress(&progress_host, sent, total);
    let out = process
        .finish(&artifact.bytes, &progress)
        .await
        .map_err(broken)?;
    let parsed = ScriptOutput::parse(&out.stdout);
    let check = Duration::from_millis(parsed.number("t_check_config").unwrap_or(0));
    let took = started
        .elapsed()
        .saturating_sub(check)
        .max(Duration::from_millis(
            parsed.number("t_upload").unwrap_or(0),
        ));
    let message = if out.status == Some(0) {
        String::new()
    } else {
        out.message()
    };
    Ok(Streamed {
        out: parsed,
        message,
        took,
    })
}

/// Reports the upload and the new release's check-config; runs the
/// check-config when the release was already on the host. Returns whether a
/// checked release is staged for the activation to move into place.
async fn place(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    artifact: &Artifact,
    streamed: Streamed,
) -> Result<bool, Failure> {
    let name = &artifact.release;
    let host = session.host.name.clone();
    let Streamed { out, message, took } = streamed;
    let total = artifact.bytes.len() as u64;
    let checked = match out.get("exists") {
        Some("different") => {
            let failure = Failure::new(
                Outcome::Failed,
                format!("release {name} already exists on the host with a different binary"),
            )
            .hint(format!("deploy under another name with --version, or go back to it with `ployctl rollback --to {name}`"));
            ctx.printer
                .step_done(report, StepKind::Upload, false, &failure.reason);
            return Err(failure);
        },
        Some(_) => {
            ctx.printer.step_result(
                report,
                StepKind::Upload,
                StepStatus::Skipped,
                "this release is already on the host (same sha256)",
            );
            ctx.printer
                .step(&host, StepKind::CheckConfig, "against the host's config");
            let out = session
                .run_ok(
                    &phases::check_configs_script(&session.prelude, Some(name), None),
                    "check-config",
                )
                .await?;
            ScriptOutput::parse(&out.stdout)
        },
        None => {
            let failure = match out.get("verify") {
                Some("ok") => None,
                Some(_) => Some(
                    Failure::new(
                        Outcome::Failed,
                        format!(
                            "the uploaded binary differs from the local one ({} of {total} bytes arrived, sha256 {})",
                            out.get("received").unwrap_or("?"),
                            out.get("sha256").unwrap_or("?")
                        ),
                    )
                    .hint("the transfer was corrupted or the disk is full; deploy again"),
                ),
                None => Some(Failure::new(
                    Outcome::Failed,
                    format!("upload failed: {message}"),
                )),
            };
            if let Some(failure) = failure {
                ctx.printer.step_timed(
                    report,
                    StepKind::Upload,
                    StepStatus::Failed,
                    &failure.reason,
                    took,
                );
                return Err(failure);
            }
            let mib = total as f64 / (1024.0 * 1024.0);
            let secs = took.as_secs_f64().max(0.001);
            ctx.printer.step_timed(
                report,
                StepKind::Upload,
                StepStatus::Ok,
                &format!(
                    "{mib:.1} MiB at {:.1} MiB/s, sha256 verified, releases/{name}",
                    mib / secs
                ),
                took,
            );
            out
        },
    };
    let check_took = Duration::from_millis(checked.number("t_check_config").unwrap_or(0));
    if checked.get("check_config") != Some("0") {
        let lines = checked.block_lines("check_config");
        ctx.printer.step_timed(
            report,
            StepKind::CheckConfig,
            StepStatus::Failed,
            "the new release rejects the host's config",
            check_took,
        );
        ctx.printer.block(&host, "ploy check-config said:", &lines);
        report.change().log_tail = lines;
        let root = &session.host.root;
        return Err(Failure::new(
            Outcome::Failed,
            "the new release's check-config failed on the host's config; nothing was switched, the running release is untouched",
        )
        .hint(format!("fix {root}/config/config.toml or {root}/.env as the errors say, then deploy again")));
    }
    let summary = checked
        .block_lines("check_config")
        .into_iter()
        .next()
        .unwrap_or_else(|| "config OK".to_owned());
    ctx.printer.step_timed(
        report,
        StepKind::CheckConfig,
        StepStatus::Ok,
        &summary,
        check_took,
    );
    Ok(checked.get("staged") == Some("yes"))
}

/// Warns when the rollback target refuses the host's config (a rollback to it would fail).
fn warn_if_refused(ctx: &Context, report: &mut HostReport, fallback: &str, out: &ScriptOutput) {
    if out.get("fallback_check") == Some("0") {
        return;
    }
    let first = out
        .block_lines("fallback_check")
        .into_iter()
        .next()
        .unwrap_or_default();
    ctx.printer.step_result(
        report,
        StepKind::CheckConfig,
        StepStatus::Warning,
        &format!(
            "the rollback target {fallback} rejects this config, so a rollback to it would fail: {first}"
        ),
    );
}

/// Starts the release beside the running one as a standby and waits until
/// it is ready without trading. Not ready: the standby is stopped, the
/// release is marked bad, and the old release never stopped trading.
async fn start_standby(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    name: &str,
    staged: Option<&str>,
    ledger_lines: &[String],
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    let addr = format!("127.0.0.1:{}", session.host.standby_port);
    ctx.printer.step(
        &host,
        StepKind::Standby,
        &format!("starting {name} beside the running release on {addr}"),
    );
    let timeout = session.host.health_timeout;
    let out = session
        .run(&phases::standby_script(
            &session.prelude,
            name,
            staged,
            &addr,
            timeout.as_secs().max(1),
        ))
        .await?;
    let parsed = ScriptOutput::parse(&out.stdout);
    if parsed.get("placed") == Some("no") {
        return Err(Failure::new(
            Outcome::Failed,
            format!("release {name} could not be moved into place (it appeared on the host during the upload)"),
        )
        .hint("another deploy may have run without the lock; run the command again"));
    }
    let took = Duration::from_millis(parsed.number("t_ready").unwrap_or(0));
    if parsed.get("standby") == Some("ready") {
        ctx.printer.step_timed(
            report,
            StepKind::Standby,
            StepStatus::Ok,
            &format!("{name} ready on {addr}, not trading"),
            took,
        );
        return Ok(());
    }
    let why = match parsed.get("standby") {
        Some("exited") => "exited before it was ready".to_owned(),
        _ => format!("not ready within {}", humantime::format_duration(timeout)),
    };
    let log = parsed.block("standby_log").to_vec();
    ctx.printer
        .step_timed(report, StepKind::Standby, StepStatus::Failed, &why, took);
    ctx.printer
        .block(&host, "last lines of the ploy log:", &log);
    report.change().log_tail = log;
    let reason = format!("the standby {why}");
    let mut lines = ledger_lines.to_vec();
    lines.push(
        Verdict::now(
            name,
            Standing::Bad,
            Some(&reason),
            &format!("ployctl {}", ctx.who),
        )
        .to_line(),
    );
    session
        .run(&phases::ledger_script(&session.prelude, &lines))
        .await?;
    Err(Failure::new(
        Outcome::Failed,
        format!("release {name}: {reason}; nothing was switched and the running release never stopped trading"),
    )
    .hint("the log lines above say why; fix the release and deploy again"))
}

/// Arms the guard (when there is a good release to go back to), switches and
/// restarts, reporting the `guard`, `switch` and `restart` steps. A failed
/// restart is reported here and left to the proof that follows.
pub(crate) async fn activate(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    name: &str,
    fallback: Option<&str>,
    ledger_lines: Vec<String>,
    staged: Option<String>,
    handover: bool,
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    let token = format!("{:016x}", rand_u64());
    let window = plan::guard_window(&session.host);
    let guard = fallback.map(|f| GuardFile {
        token: token.clone(),
        release: name.to_owned(),
        fallback: f.to_owned(),
        arm_deadline: 0,
        window: window.as_secs(),
        watch: None,
        armed_by: ctx.who.clone(),
        health_timeout: session.host.health_timeout.as_secs().max(1),
        config_backup: None,
    });
    ctx.printer.step(
        &host,
        StepKind::Switch,
        &format!("current → releases/{name}"),
    );
    let activation = Activation {
        release: name.to_owned(),
        guard,
        allowance_secs: ACTIVATION_ALLOWANCE.as_secs() + window.as_secs(),
        ledger_lines,
        staged,
        handover,
    };
    let started = Instant::now();
    let out = session
        .run(&phases::activate_script(&session.prelude, &activation))
        .await?;
    let parsed = ScriptOutput::parse(&out.stdout);
    let t = |k: &str| Duration::from_millis(parsed.number(k).unwrap_or(0));
    if parsed.get("placed") == Some("no") {
        return Err(Failure::new(
            Outcome::Failed,
            format!("release {name} could not be moved into place (it appeared on the host during the upload)"),
        )
        .hint("another deploy may have run without the lock; run the command again"));
    }
    if parsed.get("activate") == Some("guard-busy") {
        return Err(Failure::new(
            Outcome::Failed,
            "another guard is armed on the host; nothing was switched",
        )
        .hint("run the command again: it finishes what the other deploy left first"));
    }
    if parsed.get("guard") == Some("armed") {
        session.guard_token = Some(token);
        ctx.printer.step_timed(
            report,
            StepKind::Guard,
            StepStatus::Ok,
            &format!(
                "armed: back to {} by itself unless confirmed within {} of the restart",
                fallback.unwrap_or("?"),
                humantime::format_duration(window)
            ),
            t("t_guard"),
        );
    }
    if parsed.get("switched") != Some("yes") {
        let why = out.message();
        ctx.printer.step_done(report, StepKind::Switch, false, &why);
        return Err(Failure::new(
            Outcome::Failed,
            format!("switching current failed: {why}"),
        ));
    }
    report.change().current = Some(name.to_owned());
    ctx.printer.step_timed(
        report,
        StepKind::Switch,
        StepStatus::Ok,
        &format!("current → releases/{name}"),
        t("t_switch"),
    );
    let restart_took = started
        .elapsed()
        .saturating_sub(t("t_guard") + t("t_switch"))
        .max(t("t_restart"));
    if parsed.get("restart_rc") == Some("0") {
        let what = if !handover {
            service_name(session.host.service).to_owned()
        } else if parsed
            .block("restart_log")
            .iter()
            .any(|l| l.contains("the standby is gone"))
        {
            "the standby was gone: restarted instead".to_owned()
        } else {
            "handed over: the old process stopped, the standby took the trading lease".to_owned()
        };
        ctx.printer.step_timed(
            report,
            StepKind::Restart,
            StepStatus::Ok,
            &what,
            restart_took,
        );
        Ok(())
    } else {
        let lines = parsed.block("restart_log").to_vec();
        ctx.printer.step_timed(
            report,
            StepKind::Restart,
            StepStatus::Failed,
            &format!(
                "{} failed: {}",
                service_name(session.host.service),
                lines.last().map_or("", String::as_str)
            ),
            restart_took,
        );
        Ok(())
    }
}

/// The switch and restart may take this long before the guard's window starts.
const ACTIVATION_ALLOWANCE: Duration = Duration::from_secs(60);

/// Marks the proven release good, disarms the guard, prunes, audits, unlocks.
async fn confirm(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    name: &str,
    entries: &[ReleaseEntry],
    started: Instant,
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    ctx.printer
        .step(&host, StepKind::Confirm, "marking the release good");
    report.change().current = Some(name.to_owned());
    report.change().running = Some(name.to_owned());
    let after = decisions::after_confirm(entries, name);
    let doomed = release::to_prune(&after, session.host.keep_releases);
    let good = Verdict::now(name, Standing::Good, None, &format!("ployctl {}", ctx.who)).to_line();
    let record = audit_record(ctx, "deploy", report, Outcome::Success, started);
    let lock_token = session.lock_token().unwrap_or_default();
    let begun = Instant::now();
    let out = session
        .run(&phases::confirm_script(
            &session.prelude,
            session.guard_token.as_deref(),
            &good,
            &doomed,
            record.to_line().trim_end(),
            &lock_token,
        ))
        .await?;
    let parsed = ScriptOutput::parse(&out.stdout);
    if parsed.get("guard") == Some("lost") {
        // The guard fired before the confirmation arrived: report what it did.
        let token = session.guard_token.take().unwrap_or_default();
        ctx.printer.step_done(
            report,
            StepKind::Confirm,
            false,
            "the host's guard fired before the confirmation arrived",
        );
        let result = session
            .wait_guard(
                &token,
                session.host.health_timeout + Duration::from_secs(60),
            )
            .await?;
        return Err(guard_ending(report, name, result));
    }
    session.guard_token = None;
    session.audited = parsed.get("audited") == Some("yes");
    if parsed.get("unlocked") == Some("yes") {
        session.lock_released();
    }
    let t = |k: &str| Duration::from_millis(parsed.number(k).unwrap_or(0));
    ctx.printer.step_timed(
        report,
        StepKind::Confirm,
        StepStatus::Ok,
        &format!("{name} is good; the guard is disarmed"),
        begun.elapsed().saturating_sub(t("t_prune")),
    );
    let pruned = parsed.all("pruned");
    let kept = after.len() - pruned.len();
    let detail = if pruned.is_empty() {
        format!(
            "{kept} release{}, keeping up to {}",
            if kept == 1 { "" } else { "s" },
            session.host.keep_releases
        )
    } else {
        format!("removed {}", pruned.join(", "))
    };
    ctx.printer.step_timed(
        report,
        StepKind::Prune,
        StepStatus::Ok,
        &detail,
        t("t_prune"),
    );
    Ok(())
}

/// Reads the engine's order records with the new release and records how
/// long the market went without our quotes (`quote_gap`); never fails the
/// deploy (a release without `ploy orders`, or no quote yet, says nothing).
async fn measure_quote_gap(ctx: &Context, session: &mut HostSession, report: &mut HostReport) {
    let script = crate::remote::checks::orders_script(&session.prelude);
    let Ok(out) = session.run(&script).await else {
        return;
    };
    let parsed = ScriptOutput::parse(&out.stdout);
    let Some(restarted_at) = parsed.number("restarted_at") else {
        return;
    };
    #[derive(serde::Deserialize)]
    struct Answer {
        orders: Vec<crate::quote_gap::OrderRow>,
    }
    let Ok(answer) = serde_json::from_str::<Answer>(&parsed.block_lines("orders").join("\n"))
    else {
        return;
    };
    #[allow(clippy::cast_possible_wrap)]
    let restarted_at_ms = restarted_at as i64 * 1000;
    if let Some(gap) = crate::quote_gap::measure(&answer.orders, restarted_at_ms) {
        #[allow(clippy::cast_precision_loss)]
        let seconds = gap.gap_ms as f64 / 1000.0;
        ctx.printer.note(&format!(
            "[{}] the market went {seconds:.3}s without our quotes (the old release's last cancel to the new one's first quote)",
            session.host.name
        ));
        report.change().quote_gap = Some(gap);
    }
}

/// The release was not proven: the guard on the host goes back to the
/// fallback (ployctl records the verdict with the failing checks first), then
/// ployctl proves the fallback.
async fn roll_back(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    name: &str,
    fallback: Option<&str>,
    proof: &Proof,
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    let settings = prove_settings(&session.host);
    let reason = record_unproven(ctx, session, report, proof).await;
    let bad = Verdict::now(
        name,
        Standing::Bad,
        Some(&reason),
        &format!("ployctl {}", ctx.who),
    )
    .with_checks(&report.change().failing_checks)
    .to_line();
    let next = decisions::after_proof(false, fallback, session.guard_token.is_some());
    let (AfterProof::RollBack(fallback), Some(token)) = (next, session.guard_token.clone()) else {
        session
            .run(&phases::ledger_script(&session.prelude, &[bad]))
            .await?;
        return Err(Failure::new(
            Outcome::Failed,
            format!("release {name} is not healthy ({reason}); there is no good release to roll back to, so it stays current"),
        )
        .hint("fix the problem shown in the log and deploy again"));
    };
    ctx.printer.step(
        &host,
        StepKind::Rollback,
        &format!("the host's guard is switching back to {fallback}"),
    );
    let result = session
        .fire_guard(
            &token,
            true,
            &reason,
            Some(&bad),
            session.host.health_timeout + Duration::from_secs(60),
        )
        .await?;
    session.guard_token = None;
    let Some(result) = result else {
        ctx.printer.step_done(
            report,
            StepKind::Rollback,
            false,
            "the guard did not finish in time",
        );
        return Err(Failure::new(
            Outcome::Failed,
            format!("release {name} was not healthy ({reason}), and the guard's rollback to {fallback} did not finish in time"),
        )
        .hint(format!("see {}/.ployctl/guard.log on the host and `ployctl health`", session.host.root)));
    };
    report.change().guard = Some(result.clone());
    report.change().current = Some(fallback.to_owned());
    if !result.rolled_back() {
        ctx.printer
            .step_done(report, StepKind::Rollback, false, &result.detail);
        return Err(guard_ending(report, name, Some(result)));
    }
    // The guard saw it answer healthy; ployctl proves it as it proves a deploy.
    let again = session.prove(ctx, settings).await?;
    if again.is_proven() {
        report.change().running = Some(fallback.to_owned());
        ctx.printer.step_done(
            report,
            StepKind::Rollback,
            true,
            &format!("back on {fallback}, healthy"),
        );
        Err(Failure::new(
            Outcome::RolledBack,
            format!("release {name} was not healthy ({reason}); rolled back to {fallback}, which is healthy"),
        )
        .hint(format!("the failed release stays on the host as releases/{name} (marked bad) for inspection")))
    } else {
        let why = again.reason(&settings);
        ctx.printer.step_done(
            report,
            StepKind::Rollback,
            false,
            &format!("{fallback} is not healthy either: {why}"),
        );
        Err(Failure::new(
            Outcome::Failed,
            format!("release {name} was not healthy ({reason}), and {fallback} did not stay healthy after the rollback ({why})"),
        )
        .hint("the problem may be outside ploy (database, network): see the log above, `ployctl health` and RUNBOOKS.md"))
    }
}

/// Records why a release was not proven (the failing checks, the last
/// `/health` body), prints the failed health step and the log tail; returns
/// the reason.
pub(crate) async fn record_unproven(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    proof: &Proof,
) -> String {
    let reason = proof.reason(&prove_settings(&session.host));
    if let Some(r) = proof.last_probe().and_then(|p| p.report()) {
        report.change().failing_checks = r.failing_checks();
        report.change().health = Some(r.clone());
    }
    ctx.printer
        .step_done(report, StepKind::Health, false, &reason);
    report.change().log_tail = session.log_tail(50).await;
    ctx.printer.block(
        &session.host.name,
        "last 50 lines of the ploy log:",
        &report.change().log_tail,
    );
    reason
}

/// The ending of a deploy the guard rolled back.
fn guard_ending(report: &mut HostReport, name: &str, result: Option<GuardResult>) -> Failure {
    match result {
        Some(r) => {
            report.change().current = Some(r.fallback.clone());
            report.change().guard = Some(r.clone());
            let outcome = if r.rolled_back() {
                report.change().running = Some(r.fallback.clone());
                Outcome::RolledBack
            } else {
                Outcome::Failed
            };
            Failure::new(
                outcome,
                format!(
                    "release {name} was rolled back by the host's guard: {}; {}",
                    r.reason, r.detail
                ),
            )
            .hint("`ployctl releases` shows the ledger; `ployctl health` the running release")
        },
        None => Failure::new(
            Outcome::Failed,
            format!("the host's guard is rolling {name} back and did not finish in time"),
        )
        .hint("see .ployctl/guard.log on the host and `ployctl health`"),
    }
}

pub(crate) fn service_name(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::Systemd => "systemctl restart ploy",
        ServiceKind::Daemon => "start-stop-daemon",
    }
}
