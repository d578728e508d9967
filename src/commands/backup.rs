//! `ployctl backup -H HOSTS [--label TEXT] [--verify] [--to S3_URL]`: a
//! consistent snapshot of each host's database through the current
//! release's `ploy db backup` (safe while it trades), copied off the host
//! with the host's own credentials (`ploy db upload`, which also sends any
//! earlier backup whose copy failed), then the backups beyond the
//! inventory's `[backup]` retention pruned (never the newest verified one,
//! one a restore kept, or one not copied yet). `backup list [--remote]`
//! shows each host's backups, or their copies; `backup verify [BACKUP]`
//! runs the restore drill (`ploy db verify`) on the host. No lock: a backup
//! reads the database and writes only under `backups/`.

use std::io::Write;
use std::time::Duration;

use ploy_api::backup::Destination;
use ploy_api::BackupManifest;
use serde::Serialize;

use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, within, Access};
use crate::inventory::Host;
use crate::plan::StepKind;
use crate::printer::{Ending, HostReport, Style};
use crate::remote::{backup, ScriptOutput};
use crate::report::Details;
use crate::retention::RetentionPolicy;
use crate::session::{Context, Failure, HostSession};

/// What `backup` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupAction {
    /// Take one, then prune.
    Take {
        /// The label.
        label: Option<String>,
        /// Run the drill on it right away.
        verify: bool,
    },
    /// List the backups (on the host, or their copies).
    List {
        /// The copies in object storage.
        remote: bool,
    },
    /// The restore drill on one (default: the newest).
    Verify {
        /// Its name.
        name: Option<String>,
    },
}

/// Resolved `backup` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupOptions {
    /// What to do.
    pub action: BackupAction,
    /// The inventory's `[backup]` retention.
    pub policy: RetentionPolicy,
    /// Where copies go (`--to`, else the inventory's); each host's under
    /// its name.
    pub destination: Option<Destination>,
    /// Per-host time limit.
    pub timeout: Duration,
}

/// What a host's `backup` did or found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BackupDetails {
    /// The backup taken (or verified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<BackupManifest>,
    /// Backups pruned by the retention policy.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pruned: Vec<String>,
    /// `list`: every backup, newest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub backups: Vec<BackupManifest>,
    /// Where this host's copies go.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Backups copied there by this run (earlier ones whose copy had failed too).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uploaded: Vec<String>,
    /// Backups whose copy failed; the next run sends them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub upload_failed: Vec<UploadFailed>,
}

/// A backup whose copy off the host failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct UploadFailed {
    /// The backup.
    pub name: String,
    /// Why (the storage's words, with no credentials).
    pub error: String,
}

/// `ployctl backup`.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &BackupOptions) -> Outcome {
    let reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        within(
            options.timeout,
            "backup",
            on_host(ctx, session, report, options),
        )
        .await
    })
    .await;
    let name = match options.action {
        BackupAction::Take { .. } => "backup",
        BackupAction::List { .. } => "backup list",
        BackupAction::Verify { .. } => "backup verify",
    };
    if matches!(options.action, BackupAction::List { .. })
        && ctx.printer.options().style != Style::Json
    {
        let mut out = std::io::stdout().lock();
        for r in &reports {
            for line in table(r, now_ms()) {
                let _ = writeln!(out, "{line}");
            }
        }
        let ending = Ending {
            no_table: true,
            github_summary: None,
        };
        return ctx.printer.finish_with(name, reports, false, None, &ending);
    }
    ctx.printer.finish(name, reports, false, None)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn on_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &BackupOptions,
) -> Result<(), Failure> {
    let mut details = BackupDetails::default();
    let destination = options
        .destination
        .as_ref()
        .map(|d| d.join(&session.host.name));
    details.destination = destination.as_ref().map(ToString::to_string);
    let result = match &options.action {
        BackupAction::Take { label, verify } => {
            take(
                ctx,
                session,
                report,
                (label.as_deref(), *verify),
                &options.policy,
                destination.as_ref(),
                &mut details,
            )
            .await
        },
        BackupAction::List { remote: false } => {
            details.backups = list(ctx, session, report).await?;
            Ok(())
        },
        BackupAction::List { remote: true } => match &destination {
            Some(dest) => list_remote(ctx, session, report, dest)
                .await
                .map(|b| details.backups = b),
            None => Err(Failure::new(
                Outcome::Failed,
                "no object storage is configured",
            )),
        },
        BackupAction::Verify { name } => {
            let name = match name {
                Some(n) => n.clone(),
                None => list(ctx, session, report)
                    .await?
                    .first()
                    .map(|b| b.name.clone())
                    .ok_or_else(|| {
                        Failure::new(Outcome::Failed, "this host has no backup to verify")
                            .hint(format!("take one: ployctl backup -H {}", session.host.name))
                    })?,
            };
            let verified = drill(ctx, session, report, &name).await;
            if let Ok(m) | Err((Some(m), _)) = &verified {
                details.backup = Some(m.clone());
            }
            verified.map(|_| ()).map_err(|(_, f)| f)
        },
    };
    report.set_details(Details::Backup(Box::new(details)));
    result
}

/// A failure from what a host's `ploy` printed in the script's `error`
/// block: its `error:` line (or its first) and its `hint:`.
pub(crate) fn failure_from(out: &ScriptOutput, what: &str) -> Failure {
    let error = out.block_lines("error");
    let why = error
        .iter()
        .find(|l| l.starts_with("error:"))
        .or_else(|| error.first())
        .map_or_else(
            || "no output".to_owned(),
            |l| l.trim_start_matches("error: ").to_owned(),
        );
    let hint = error
        .iter()
        .find_map(|l| l.trim().strip_prefix("hint: ").map(str::to_owned));
    let failure = Failure::new(Outcome::Failed, format!("{what}: {why}"));
    match hint {
        Some(h) => failure.hint(h),
        None => failure,
    }
}

async fn take(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    (label, verify): (Option<&str>, bool),
    policy: &RetentionPolicy,
    destination: Option<&Destination>,
    details: &mut BackupDetails,
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    ctx.printer.step(
        &host,
        StepKind::Backup,
        "ploy db backup (the engine keeps trading)",
    );
    let out = session
        .run_ok(
            &backup::take_script(&session.prelude, label),
            "taking a backup",
        )
        .await?;
    let parsed = ScriptOutput::parse(&out.stdout);
    if parsed.get("no_binary").is_some() {
        return Err(
            Failure::new(Outcome::Failed, "no release is installed on this host").hint(format!(
                "deploy one first: ployctl deploy -H {host} --binary ploy"
            )),
        );
    }
    let manifest: Option<BackupManifest> = (parsed.get("backup_rc") == Some("0"))
        .then(|| serde_json::from_str(&parsed.block_lines("manifest").join("\n")).ok())
        .flatten();
    let Some(manifest) = manifest else {
        let failure = failure_from(&parsed, "the backup failed");
        ctx.printer
            .step_done(report, StepKind::Backup, false, &failure.reason);
        return Err(failure);
    };
    ctx.printer.step_done(
        report,
        StepKind::Backup,
        true,
        &format!(
            "{} ({}, {} rows, {} ms)",
            manifest.name,
            human_bytes(manifest.bytes),
            manifest.tables.values().sum::<u64>(),
            manifest.took_ms
        ),
    );
    let name = manifest.name.clone();
    details.backup = Some(manifest);
    if verify {
        match drill(ctx, session, report, &name).await {
            Ok(m) => details.backup = Some(m),
            Err((m, failure)) => {
                if let Some(m) = m {
                    details.backup = Some(m);
                }
                return Err(failure);
            },
        }
    }
    // Copied off the host (with any earlier backup whose copy failed).
    let copied = match destination {
        Some(dest) => upload(ctx, session, report, dest, details).await,
        None => Ok(()),
    };
    // Prune by the retention policy, from what is on the host now.
    let all = list(ctx, session, report).await?;
    let doomed = crate::retention::doomed(
        &all,
        policy,
        destination.map(ToString::to_string).as_deref(),
    );
    if !doomed.is_empty() {
        let out = session
            .run_ok(
                &backup::prune_script(&session.prelude, &doomed),
                "pruning backups",
            )
            .await?;
        details.pruned = ScriptOutput::parse(&out.stdout)
            .all("pruned")
            .into_iter()
            .map(str::to_owned)
            .collect();
        ctx.printer.step_done(
            report,
            StepKind::Prune,
            true,
            &format!(
                "{} pruned (keep_last {}, keep_daily {}, keep_weekly {}, and the newest verified)",
                details.pruned.len(),
                policy.keep_last,
                policy.keep_daily,
                policy.keep_weekly
            ),
        );
    }
    copied
}

/// `ploy db upload` of every backup not copied to `dest` yet.
async fn upload(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    dest: &Destination,
    details: &mut BackupDetails,
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    ctx.printer.step(
        &host,
        StepKind::Backup,
        &format!("copying to {dest} (the host's own credentials)"),
    );
    let out = session
        .run_ok(
            &backup::upload_script(&session.prelude, &dest.to_string()),
            "copying backups off the host",
        )
        .await?;
    let parsed = ScriptOutput::parse(&out.stdout);
    #[derive(serde::Deserialize)]
    struct Uploaded {
        uploaded: Vec<String>,
        failed: Vec<UploadFailed>,
    }
    let answer: Option<Uploaded> =
        serde_json::from_str(&parsed.block_lines("upload").join("\n")).ok();
    let Some(answer) = answer else {
        let failure = failure_from(&parsed, &format!("the copy to {dest}"))
            .hint("the backups stay on the host; the next `ployctl backup` sends them");
        ctx.printer
            .step_done(report, StepKind::Backup, false, &failure.reason);
        return Err(failure);
    };
    details.uploaded = answer.uploaded;
    details.upload_failed = answer.failed;
    if details.upload_failed.is_empty() {
        ctx.printer.step_done(
            report,
            StepKind::Backup,
            true,
            &format!("{} copied to {dest}", details.uploaded.len()),
        );
        return Ok(());
    }
    let first = &details.upload_failed[0];
    let reason = format!(
        "{} backup(s) not copied to {dest}: {}: {}",
        details.upload_failed.len(),
        first.name,
        first.error
    );
    ctx.printer
        .step_done(report, StepKind::Backup, false, &reason);
    Err(Failure::new(Outcome::Failed, reason).hint(
        "the backups stay on the host and are kept by the retention until copied; the next `ployctl backup` sends them",
    ))
}

/// The whole copies in object storage, newest first.
async fn list_remote(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    dest: &Destination,
) -> Result<Vec<BackupManifest>, Failure> {
    let out = session
        .run_ok(
            &backup::remote_list_script(&session.prelude, &dest.to_string()),
            "listing the copies",
        )
        .await?;
    let parsed = ScriptOutput::parse(&out.stdout);
    if parsed.get("list_rc") != Some("0") {
        let failure = failure_from(&parsed, &format!("listing {dest}"));
        ctx.printer
            .step_done(report, StepKind::Read, false, &failure.reason);
        return Err(failure);
    }
    let all: Vec<BackupManifest> = parsed
        .block_lines("manifests")
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    ctx.printer.step_done(
        report,
        StepKind::Read,
        true,
        &format!("{} whole backup(s) in {dest}", all.len()),
    );
    Ok(all)
}

/// Every backup on the host, newest first.
async fn list(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
) -> Result<Vec<BackupManifest>, Failure> {
    let out = session
        .run_ok(&backup::list_script(&session.prelude), "listing backups")
        .await?;
    let mut all: Vec<BackupManifest> = ScriptOutput::parse(&out.stdout)
        .block_lines("manifests")
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    all.sort_by_key(|b| std::cmp::Reverse(b.created_at_ms));
    if matches!(report.details, Details::None) {
        ctx.printer.step_done(
            report,
            StepKind::Read,
            true,
            &format!("{} backup(s) under backups/", all.len()),
        );
    }
    Ok(all)
}

/// The drill; the manifest as recorded (with its verification) either way.
async fn drill(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    name: &str,
) -> Result<BackupManifest, (Option<BackupManifest>, Failure)> {
    let host = session.host.name.clone();
    ctx.printer.step(
        &host,
        StepKind::Backup,
        &format!("restore drill of {name} (ploy db verify)"),
    );
    let out = session
        .run_ok(
            &backup::verify_script(&session.prelude, name),
            "the restore drill",
        )
        .await
        .map_err(|f| (None, f))?;
    let parsed = ScriptOutput::parse(&out.stdout);
    let manifest: Option<BackupManifest> =
        serde_json::from_str(&parsed.block_lines("manifest").join("\n")).ok();
    match manifest {
        Some(m) if m.verified() => {
            ctx.printer.step_done(
                report,
                StepKind::Backup,
                true,
                &format!("{name}: restored and checked"),
            );
            Ok(m)
        },
        Some(m) => {
            let failed: Vec<String> = m
                .verification
                .iter()
                .flat_map(|v| v.checks.iter())
                .filter(|c| !c.ok)
                .map(|c| format!("{}: {}", c.name, c.detail))
                .collect();
            let reason = format!(
                "{name} did not pass its restore drill: {}",
                failed.join("; ")
            );
            ctx.printer
                .step_done(report, StepKind::Backup, false, &reason);
            Err((
                Some(m),
                Failure::new(Outcome::Failed, reason).hint(
                    "do not rely on this backup; take a new one (ployctl backup) and verify it",
                ),
            ))
        },
        None => {
            let failure = failure_from(&parsed, &format!("the restore drill of {name}"));
            ctx.printer
                .step_done(report, StepKind::Backup, false, &failure.reason);
            Err((None, failure))
        },
    }
}

fn human_bytes(n: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let f = n as f64;
    if n >= 1 << 30 {
        format!("{:.1} GiB", f / f64::from(1u32 << 30))
    } else if n >= 1 << 20 {
        format!("{:.1} MiB", f / f64::from(1u32 << 20))
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", f / 1024.0)
    } else {
        format!("{n} B")
    }
}

fn age(ms: i64) -> String {
    let secs = u64::try_from(ms / 1000).unwrap_or(0);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// `backup list`'s table for one host.
fn table(report: &HostReport, now_ms: i64) -> Vec<String> {
    let Details::Backup(details) = &report.details else {
        return vec![format!(
            "{}: {}",
            report.host,
            report.reason.as_deref().unwrap_or("unreadable")
        )];
    };
    if details.backups.is_empty() {
        return vec![format!(
            "{}: no backups (ployctl backup -H {})",
            report.host, report.host
        )];
    }
    let mut lines = vec![format!(
        "{}:\n  {:<48} {:>10} {:>6}  {:<9} label",
        report.host, "backup", "size", "age", "verified"
    )];
    for b in &details.backups {
        let verified = match &b.verification {
            Some(v) if v.ok => "yes",
            Some(_) => "FAILED",
            None => "no",
        };
        lines.push(format!(
            "  {:<48} {:>10} {:>6}  {:<9} {}",
            b.name,
            human_bytes(b.bytes),
            age(now_ms - b.created_at_ms),
            verified,
            b.label.as_deref().unwrap_or("")
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ages_read_as_people_write_them() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
        assert_eq!(age(90_000), "90s");
        assert_eq!(age(3 * 3_600_000), "3h");
        assert_eq!(age(3 * 86_400_000), "3d");
    }
}
