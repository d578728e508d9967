//! `ployctl deploy --binary PATH [--version V]`: put a new `ploy` on each host,
//! prove it healthy, and put the previous release back by itself when it is not.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::exit::Outcome;
use crate::inventory::{Host, ServiceKind};
use crate::plan;
use crate::printer::HostReport;
use crate::remote::layout::Layout;
use crate::remote::quote;
use crate::remote::release::{self, ReleaseInfo};
use crate::session::{
    conclude, end_early, new_report, prove_settings, rand_u64, Context, Failure, HostSession,
};

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
            let transport = if h.is_local() {
                "local".to_owned()
            } else {
                format!("{:?}", ctx.connect.backend).to_lowercase()
            };
            plan::deploy(
                h,
                &transport,
                &artifact.release,
                artifact.bytes.len() as u64,
                &artifact.sha256,
                options.lock_wait,
            )
        })
        .collect()
}

/// Deploys to every host in parallel; one report per host.
pub async fn run(
    ctx: &Context,
    hosts: &[Host],
    artifact: &Artifact,
    options: &DeployOptions,
) -> Vec<HostReport> {
    futures_util::future::join_all(hosts.iter().map(|h| deploy_host(ctx, h, artifact, options)))
        .await
}

async fn deploy_host(
    ctx: &Context,
    host: &Host,
    artifact: &Artifact,
    options: &DeployOptions,
) -> HostReport {
    let started = Instant::now();
    let mut report = new_report(host);
    report.release = Some(artifact.release.clone());
    ctx.printer.host_started(&host.name);
    let mut session = match HostSession::connect(ctx, host, &mut report).await {
        Ok(s) => s,
        Err(f) => return end_early(ctx, report, f),
    };
    let result = tokio::select! {
        r = steps(ctx, &mut session, &mut report, artifact, options) => r,
        () = ctx.until_cancelled() => Err(Failure::new(
            Outcome::Interrupted,
            "interrupted by a signal; an upload in progress is removed by the next deploy",
        )),
    };
    conclude(ctx, session, report, result, "deploy", started).await
}

async fn steps(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    artifact: &Artifact,
    options: &DeployOptions,
) -> Result<(), Failure> {
    let name = &artifact.release;
    session
        .lock(
            ctx,
            report,
            &format!("deploy {name}"),
            options.lock_wait,
            options.force_unlock,
        )
        .await?;
    let preflight = preflight(ctx, session, report, artifact).await?;
    report.previous.clone_from(&preflight.current);
    let uploaded = upload(ctx, session, report, artifact).await?;
    check_config(
        ctx,
        session,
        report,
        name,
        uploaded,
        preflight.current.as_deref(),
    )
    .await?;

    let host = session.host.name.clone();
    ctx.printer
        .step(&host, "switch", &format!("current → releases/{name}"));
    session
        .run_ok(
            &session
                .layout
                .switch_script(name, preflight.current.as_deref()),
            "switching current",
        )
        .await?;
    report.current = Some(name.clone());
    ctx.printer.step_done(
        report,
        "switch",
        true,
        &format!("current → releases/{name}"),
    );

    let settings = prove_settings(&session.host);
    ctx.printer.step(&host, "restart", "restarting ploy");
    let restarted = session.restart().await;
    let proof = match restarted {
        Ok(()) => {
            ctx.printer
                .step_done(report, "restart", true, service_name(session.host.service));
            ctx.printer.step(&host, "health", "waiting for /health");
            Some(session.prove(ctx, settings).await?)
        },
        Err(f) => {
            ctx.printer.step_done(report, "restart", false, &f.reason);
            None
        },
    };
    if let Some(crate::health::Proof::Proven { took, .. }) = &proof {
        ctx.printer.step_done(
            report,
            "health",
            true,
            &format!(
                "healthy after {:.1}s, stayed healthy for {}",
                took.saturating_sub(settings.stability_window).as_secs_f64(),
                humantime::format_duration(settings.stability_window)
            ),
        );
        prune(ctx, session, report).await;
        return Ok(());
    }

    // Not proven: show why, then put the previous release back.
    let reason = match &proof {
        Some(p) => p.reason(&settings),
        None => "the service did not restart".to_owned(),
    };
    if let Some(look) = proof.as_ref().and_then(|p| p.last_probe()) {
        if let Some(r) = look.report() {
            report.failing_checks = r.failing_checks();
            report.health = serde_json::to_value(r).ok();
        }
    }
    ctx.printer.step_done(report, "health", false, &reason);
    report.log_tail = session.log_tail(50).await;
    ctx.printer
        .block(&host, "last 50 lines of the ploy log:", &report.log_tail);

    let Some(previous) = preflight.current.clone() else {
        return Err(Failure::new(
            Outcome::Failed,
            format!("release {name} is not healthy ({reason}); there is no previous release to roll back to, so it stays current"),
        )
        .hint("fix the problem shown in the log and deploy again"));
    };
    ctx.printer
        .step(&host, "rollback", &format!("switching back to {previous}"));
    session
        .run_ok(
            &session
                .layout
                .switch_script(&previous, preflight.previous.as_deref()),
            "switching back",
        )
        .await?;
    report.current = Some(previous.clone());
    session.restart().await?;
    let again = session.prove(ctx, settings).await?;
    if again.is_proven() {
        ctx.printer.step_done(
            report,
            "rollback",
            true,
            &format!("back on {previous}, healthy"),
        );
        prune(ctx, session, report).await;
        Err(Failure::new(
            Outcome::RolledBack,
            format!("release {name} was not healthy ({reason}); rolled back to {previous}, which is healthy"),
        )
        .hint(format!("the failed release stays on the host as releases/{name} for inspection")))
    } else {
        let why = again.reason(&settings);
        ctx.printer.step_done(
            report,
            "rollback",
            false,
            &format!("{previous} is not healthy either: {why}"),
        );
        Err(Failure::new(
            Outcome::Failed,
            format!("release {name} was not healthy ({reason}), and {previous} did not become healthy again ({why})"),
        )
        .hint("the problem may be outside ploy (database, network): see the log above, `ployctl health` and RUNBOOKS.md"))
    }
}

fn service_name(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::Systemd => "systemctl restart ploy",
        ServiceKind::Daemon => "start-stop-daemon",
    }
}

async fn preflight(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    artifact: &Artifact,
) -> Result<crate::remote::layout::Preflight, Failure> {
    let host = &session.host;
    ctx.printer
        .step(&host.name, "preflight", "disk, service manager, config");
    let out = session
        .run_ok(&session.layout.preflight_script(host.service), "preflight")
        .await?;
    let found = Layout::parse_preflight(&out.stdout);
    for stale in &found.stale_uploads {
        ctx.printer.warn(
            &host.name,
            &format!("removed an interrupted upload: {}/{stale}", host.root),
        );
    }
    let root = &host.root;
    let problem = if !found.config_present {
        Some(
            Failure::new(Outcome::Failed, format!("no config at {root}/config/config.toml"))
                .hint(format!("copy templates/config.toml to {root}/config/config.toml (secrets go in {root}/.env), then deploy again")),
        )
    } else if !found.manager_present {
        Some(match host.service {
            ServiceKind::Systemd => Failure::new(
                Outcome::Failed,
                "systemctl is missing, or this user may not run `sudo -n systemctl restart ploy`",
            )
            .hint("allow it in sudoers: ploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart ploy, /usr/bin/systemctl stop ploy"),
            ServiceKind::Daemon => Failure::new(Outcome::Failed, "start-stop-daemon is not installed on the host")
                .hint("install it (Debian: dpkg; Alpine: openrc) or set service = \"systemd\""),
        })
    } else if !found.sha256sum_present {
        Some(
            Failure::new(Outcome::Failed, "sha256sum is not installed on the host")
                .hint("install coreutils"),
        )
    } else {
        let need_kib = (artifact.bytes.len() as u64 / 1024) * 2 + 10 * 1024;
        match found.free_kib {
            Some(free) if free < need_kib => Some(
                Failure::new(
                    Outcome::Failed,
                    format!(
                        "only {} MiB free under {root}/releases; the upload needs {} MiB",
                        free / 1024,
                        need_kib / 1024
                    ),
                )
                .hint("free disk space, or lower keep_releases in the inventory"),
            ),
            _ => None,
        }
    };
    if let Some(failure) = problem {
        ctx.printer
            .step_done(report, "preflight", false, &failure.reason);
        return Err(failure);
    }
    let detail = format!(
        "{} MiB free, config present, current {}",
        found.free_kib.unwrap_or(0) / 1024,
        found.current.as_deref().unwrap_or("(none)")
    );
    ctx.printer.step_done(report, "preflight", true, &detail);
    Ok(found)
}

/// Uploads unless the release is already there; returns whether it uploaded.
async fn upload(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    artifact: &Artifact,
) -> Result<bool, Failure> {
    let host = session.host.name.clone();
    let name = &artifact.release;
    let layout = &session.layout;
    let existing = session
        .run(&format!(
            "cat {}/release.json 2>/dev/null",
            quote(&layout.release_dir(name))
        ))
        .await?;
    if existing.success() {
        let same = serde_json::from_str::<ReleaseInfo>(&existing.stdout)
            .is_ok_and(|i| i.sha256 == artifact.sha256);
        if same {
            ctx.printer.step_result(
                report,
                "upload",
                "skipped",
                "this release is already on the host (same sha256)",
            );
            return Ok(false);
        }
        let failure = Failure::new(
            Outcome::Failed,
            format!("release {name} already exists on the host with a different binary"),
        )
        .hint(format!("deploy under another name with --version, or go back to it with `ployctl rollback --to {name}`"));
        ctx.printer
            .step_done(report, "upload", false, &failure.reason);
        return Err(failure);
    }

    let tmp = format!(".tmp-{name}-{:08x}", rand_u64() as u32);
    let total = artifact.bytes.len() as u64;
    ctx.printer.step(&host, "upload", &format!("{total} bytes"));
    let started = Instant::now();
    let printer = ctx.printer.clone();
    let progress_host = host.clone();
    let progress = move |sent: u64| printer.upload_progress(&progress_host, sent, total);
    let out = session
        .run_with_input(&layout.upload_script(&tmp), &artifact.bytes, &progress)
        .await?;
    if !out.success() {
        let _ = session
            .run(&layout.remove_script(std::slice::from_ref(&tmp)))
            .await;
        let failure = Failure::new(Outcome::Failed, format!("upload failed: {}", out.message()));
        ctx.printer
            .step_done(report, "upload", false, &failure.reason);
        return Err(failure);
    }
    let sum = session
        .run_ok(&layout.sha256_script(&tmp), "sha256sum")
        .await?;
    let remote_sha = sum
        .stdout
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_owned();
    if remote_sha != artifact.sha256 {
        let _ = session
            .run(&layout.remove_script(std::slice::from_ref(&tmp)))
            .await;
        let failure = Failure::new(
            Outcome::Failed,
            format!(
                "the uploaded binary's sha256 ({remote_sha}) differs from the local one ({})",
                artifact.sha256
            ),
        )
        .hint("the transfer was corrupted or the disk is full; deploy again");
        ctx.printer
            .step_done(report, "upload", false, &failure.reason);
        return Err(failure);
    }
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
    let json = serde_json::to_string_pretty(&info).expect("release info serializes");
    let out = session
        .run_with_input(
            &layout.finalize_script(&tmp, name),
            json.as_bytes(),
            &|_| {},
        )
        .await?;
    if !out.success() {
        let _ = session
            .run(&layout.remove_script(std::slice::from_ref(&tmp)))
            .await;
        let failure = Failure::new(
            Outcome::Failed,
            format!("cannot move the release into place: {}", out.message()),
        );
        ctx.printer
            .step_done(report, "upload", false, &failure.reason);
        return Err(failure);
    }
    let mib = total as f64 / (1024.0 * 1024.0);
    let secs = started.elapsed().as_secs_f64().max(0.001);
    ctx.printer.step_done(
        report,
        "upload",
        true,
        &format!(
            "{mib:.1} MiB at {:.1} MiB/s, sha256 verified, releases/{name}",
            mib / secs
        ),
    );
    Ok(true)
}

/// The running release is what an unhealthy deploy rolls back to: say now if
/// it would refuse the host's config (e.g. keys only the new release knows).
async fn warn_if_rollback_target_refuses_config(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    current: &str,
) {
    if let Ok(Err(lines)) = session.check_config(current).await {
        ctx.printer.step_result(
            report,
            "check-config",
            "warning",
            &format!(
                "the running release {current} rejects this config, so an automatic rollback to it would fail: {}",
                lines.first().map_or("", String::as_str)
            ),
        );
    }
}

async fn check_config(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    name: &str,
    uploaded: bool,
    current: Option<&str>,
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    ctx.printer.step(
        &host,
        "check-config",
        "new binary against the host's config",
    );
    let lines = match session.check_config(name).await? {
        Ok(summary) => {
            ctx.printer
                .step_done(report, "check-config", true, &summary);
            if let Some(current) = current.filter(|c| *c != name) {
                warn_if_rollback_target_refuses_config(ctx, session, report, current).await;
            }
            return Ok(());
        },
        Err(lines) => lines,
    };
    ctx.printer.step_done(
        report,
        "check-config",
        false,
        "the new release rejects the host's config",
    );
    ctx.printer.block(&host, "ploy check-config said:", &lines);
    report.log_tail = lines;
    if uploaded {
        let _ = session
            .run(&session.layout.remove_script(&[name.to_owned()]))
            .await;
    }
    let root = &session.host.root;
    Err(Failure::new(
        Outcome::Failed,
        "the new release's check-config failed on the host's config; nothing was switched, the running release is untouched",
    )
    .hint(format!("fix {root}/config/config.toml or {root}/.env as the errors say, then deploy again")))
}

async fn prune(ctx: &Context, session: &HostSession, report: &mut HostReport) {
    let host = session.host.name.clone();
    ctx.printer.step(&host, "prune", "old releases");
    let listing = match session
        .run_ok(&release::list_script(&session.layout), "listing releases")
        .await
    {
        Ok(out) => release::parse_list(&out.stdout),
        Err(f) => {
            ctx.printer
                .step_result(report, "prune", "warning", &f.reason);
            return;
        },
    };
    let doomed = release::to_prune(&listing, session.host.keep_releases);
    if doomed.is_empty() {
        ctx.printer.step_result(
            report,
            "prune",
            "ok",
            &format!(
                "{} release{}, keeping up to {}",
                listing.len(),
                if listing.len() == 1 { "" } else { "s" },
                session.host.keep_releases
            ),
        );
        return;
    }
    match session
        .run_ok(
            &session.layout.remove_script(&doomed),
            "removing old releases",
        )
        .await
    {
        Ok(_) => ctx.printer.step_done(
            report,
            "prune",
            true,
            &format!("removed {}", doomed.join(", ")),
        ),
        Err(f) => ctx
            .printer
            .step_result(report, "prune", "warning", &f.reason),
    }
}
