//! `ployctl config push|diff|history`: config changes with a release's
//! safety. `push`, under the deploy lock: the candidate goes to the host and
//! the current release checks it (nothing changes when it refuses); the
//! host-side guard is armed; the old file is kept in `config/history/`; the
//! new one is renamed into place; the service restarts and must stay healthy
//! through the stability window, or the guard puts the old file back and
//! restarts (exit 3, with the failing checks and the log tail). Audited.
//! `diff` shows what a push would change; `history` lists the kept files and
//! the pushes.

use std::time::Duration;

use crate::commands::validate_config::{read_candidate, render, verdict, Candidate};
use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, within, Access};
use crate::inventory::Host;
use crate::plan::{self, StepKind};
use crate::printer::{HostReport, StepStatus};
use crate::recovery::recover;
use crate::remote::checks::relocate;
use crate::remote::config_files::{self, backup_name};
use crate::remote::guard::GuardFile;
use crate::remote::ScriptOutput;
use crate::report::{Details, TextDetails};
use crate::session::{prove_settings, rand_u64, Context, Failure, HostSession, LockOptions};
use crate::textdiff;

/// What `config` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigAction {
    /// `push --file`.
    Push {
        /// The file.
        file: std::path::PathBuf,
        /// Wait this long for a held lock.
        lock_wait: Option<Duration>,
        /// Break a held lock.
        force_unlock: bool,
    },
    /// `diff --file`.
    Diff {
        /// The file.
        file: std::path::PathBuf,
    },
    /// `history`.
    History,
    /// `rollback [--to NAME]`: push a kept config back (the newest by default).
    Rollback {
        /// A kept file's name (or a unique part of it).
        to: Option<String>,
        /// Wait this long for a held lock.
        lock_wait: Option<Duration>,
        /// Break a held lock.
        force_unlock: bool,
    },
}

/// How long the switch and restart may take before the guard's window counts.
const SWITCH_ALLOWANCE: Duration = Duration::from_secs(60);

/// `ployctl config …`.
pub async fn exec(ctx: &Context, hosts: &[Host], action: &ConfigAction) -> Outcome {
    match action {
        ConfigAction::Push {
            file,
            lock_wait,
            force_unlock,
        } => {
            let candidate = match read_candidate(file) {
                Ok(c) => c,
                Err(e) => {
                    return ctx
                        .printer
                        .usage_error(&e, Some("name a readable config file with --file"))
                },
            };
            let access = Access::Mutate {
                action: "config-push",
                release: None,
                upload: false,
            };
            let lock = LockOptions {
                wait: *lock_wait,
                force: *force_unlock,
            };
            let reports = run_on_hosts(ctx, hosts, &access, async |session, report| {
                push(ctx, session, report, &candidate, lock).await
            })
            .await;
            ctx.printer.finish("config-push", reports, false, None)
        },
        ConfigAction::Diff { file } => {
            let candidate = match read_candidate(file) {
                Ok(c) => c,
                Err(e) => {
                    return ctx
                        .printer
                        .usage_error(&e, Some("name a readable config file with --file"))
                },
            };
            let reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
                within(
                    Duration::from_secs(60),
                    "config diff",
                    diff(ctx, session, report, &candidate),
                )
                .await
            })
            .await;
            ctx.printer.finish("config-diff", reports, false, None)
        },
        ConfigAction::Rollback {
            to,
            lock_wait,
            force_unlock,
        } => {
            let access = Access::Mutate {
                action: "config-rollback",
                release: None,
                upload: false,
            };
            let lock = LockOptions {
                wait: *lock_wait,
                force: *force_unlock,
            };
            let reports = run_on_hosts(ctx, hosts, &access, async |session, report| {
                let candidate = kept(ctx, session, report, to.as_deref()).await?;
                push(ctx, session, report, &candidate, lock).await
            })
            .await;
            ctx.printer.finish("config-rollback", reports, false, None)
        },
        ConfigAction::History => {
            let reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
                within(
                    Duration::from_secs(60),
                    "config history",
                    history(ctx, session, report),
                )
                .await
            })
            .await;
            ctx.printer.finish("config-history", reports, false, None)
        },
    }
}

/// The kept config `config rollback` pushes back: the newest, or `to`.
async fn kept(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    to: Option<&str>,
) -> Result<Candidate, Failure> {
    let host = session.host.clone();
    ctx.printer
        .step(&host.name, StepKind::Read, "config/history");
    let out = session
        .run(&config_files::read_kept_script(&session.prelude, to))
        .await?;
    let out = ScriptOutput::parse(&out.stdout);
    let Some(name) = out.get("kept_name").filter(|n| !n.is_empty()) else {
        let why = match to {
            Some(t) => format!("no kept config matches {t:?}"),
            None => "no config is kept yet (each push keeps the one it replaces)".to_owned(),
        };
        ctx.printer.step_done(report, StepKind::Read, false, &why);
        return Err(
            Failure::new(Outcome::Failed, format!("{why}; nothing was changed")).hint(format!(
                "`ployctl config history -H {}` lists the kept ones",
                host.name
            )),
        );
    };
    ctx.printer.step_done(
        report,
        StepKind::Read,
        true,
        &format!("config/history/{name}"),
    );
    Ok(Candidate {
        path: format!("{}:config/history/{name}", host.name),
        text: out.block("kept").join("\n"),
    })
}

pub(crate) async fn push(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    candidate: &Candidate,
    lock: LockOptions,
) -> Result<(), Failure> {
    let host = session.host.clone();
    let prepared = session
        .prepare(ctx, report, "config push", lock, None, None)
        .await?;
    let state = recover(ctx, session, report, prepared.state).await?.state;
    let token = format!("{:016x}", rand_u64());

    // Stage and check: nothing changes on the host when this refuses.
    ctx.printer
        .step(&host.name, StepKind::CheckConfig, &candidate.path);
    let out = session
        .run_with_input(
            &config_files::stage_script(&session.prelude, &token),
            &candidate.text,
        )
        .await?;
    let out = ScriptOutput::parse(&out.stdout);
    let release = out.get("current").map(str::to_owned);
    report.change().release.clone_from(&release);
    report.change().previous.clone_from(&release);
    let unstage = async |session: &HostSession| {
        let _ = session
            .run(&config_files::unstage_script(&session.prelude, &token))
            .await;
    };
    let Some(release) = release.filter(|_| out.get("no_binary").is_none()) else {
        ctx.printer
            .step_done(report, StepKind::CheckConfig, false, "no release installed");
        return Err(Failure::new(
            Outcome::Failed,
            "no ploy release is installed on this host; nothing was changed",
        )
        .hint(format!(
            "deploy one first: ployctl deploy -H {} --binary PATH",
            host.name
        )));
    };
    if out.get("upload_failed").is_some() {
        ctx.printer.step_done(
            report,
            StepKind::CheckConfig,
            false,
            "could not write the candidate",
        );
        return Err(Failure::new(
            Outcome::Failed,
            format!(
                "could not write the candidate under {}/config; nothing was changed",
                host.root
            ),
        ));
    }
    let mut check = match super::validate_config::parse_check(&out) {
        Ok(c) => c,
        Err(e) => {
            unstage(session).await;
            ctx.printer
                .step_done(report, StepKind::CheckConfig, false, &e);
            return Err(Failure::new(
                Outcome::Failed,
                format!("{e}; nothing was changed"),
            ));
        },
    };
    let incoming = out.get("incoming").unwrap_or_default().to_owned();
    for p in &mut check.problems {
        p.location = relocate(&p.location, &incoming, &candidate.path);
    }
    check.config = Some(candidate.path.clone());
    if let Some(wrong) = verdict(&check) {
        unstage(session).await;
        ctx.printer
            .step_done(report, StepKind::CheckConfig, false, &wrong);
        let lines = render(&check, Some(&release));
        ctx.printer.block(
            &host.name,
            &format!("release {release} refuses {}:", candidate.path),
            &lines,
        );
        report.change().log_tail = lines;
        return Err(Failure::new(Outcome::Failed, format!("{}: {wrong}; nothing was changed", candidate.path))
            .hint("fix the file as listed, check it with `ployctl validate-config --file`, then push again"));
    }
    ctx.printer.step_done(
        report,
        StepKind::CheckConfig,
        true,
        &format!("release {release} accepts it"),
    );
    if let Some(warning) = super::validate_config::bind_mismatch(&check, &host) {
        ctx.printer.warn(&host.name, &warning);
    }
    report.change().current = Some(release.clone());
    if out.get("same").is_some() {
        unstage(session).await;
        ctx.printer.step_result(
            report,
            StepKind::Switch,
            StepStatus::Skipped,
            "the host already has this config",
        );
        report.change().running = state.running.name().map(str::to_owned);
        return Ok(());
    }

    // Switch under the guard.
    let backup = backup_name(chrono::Utc::now().timestamp(), &token);
    let window = plan::guard_window(&host);
    let guard = GuardFile {
        token: token.clone(),
        release: release.clone(),
        fallback: release.clone(),
        arm_deadline: 0,
        window: window.as_secs(),
        watch: None,
        armed_by: ctx.who.clone(),
        health_timeout: host.health_timeout.as_secs().max(1),
        config_backup: Some(backup.clone()),
    };
    ctx.printer.step(
        &host.name,
        StepKind::Switch,
        &format!("config.toml ← {}", candidate.path),
    );
    let switched = session
        .run(&config_files::switch_script(
            &session.prelude,
            &guard,
            SWITCH_ALLOWANCE.as_secs() + window.as_secs(),
            &token,
            host.keep_configs,
        ))
        .await?;
    let switched = ScriptOutput::parse(&switched.stdout);
    if switched.get("activate") == Some("guard-busy") {
        unstage(session).await;
        ctx.printer
            .step_done(report, StepKind::Switch, false, "another guard is armed");
        return Err(Failure::new(
            Outcome::Failed,
            "another guard is armed on the host; nothing was changed",
        )
        .hint("run the command again: it finishes what the other run left first"));
    }
    if switched.get("guard") == Some("armed") {
        session.guard_token = Some(token.clone());
    }
    if switched.get("switched") != Some("yes") {
        ctx.printer.step_done(
            report,
            StepKind::Switch,
            false,
            "could not keep the old config or rename the new one",
        );
        return Err(Failure::new(
            Outcome::Failed,
            "the config could not be switched; the guard restores the old one",
        ));
    }
    ctx.printer.step_done(
        report,
        StepKind::Switch,
        true,
        &format!("old config kept as config/history/{backup}"),
    );
    let restarted = switched.get("restart_rc") == Some("0");
    ctx.printer.step_done(
        report,
        StepKind::Restart,
        restarted,
        &if restarted {
            "restarted".to_owned()
        } else {
            switched.block_lines("restart_log").join("; ")
        },
    );

    // Prove, then confirm or put back.
    ctx.printer
        .step(&host.name, StepKind::Health, "waiting for /health");
    let proof = session.prove(ctx, prove_settings(&host)).await?;
    if proof.is_proven() {
        let claimed = session
            .run(&config_files::claim_script(&session.prelude, &token))
            .await?;
        if ScriptOutput::parse(&claimed.stdout).get("guard") == Some("confirmed") {
            session.guard_token = None;
            report.change().running = Some(release.clone());
            ctx.printer.step_done(
                report,
                StepKind::Health,
                true,
                "healthy through the stability window",
            );
            ctx.printer.step_done(
                report,
                StepKind::Confirm,
                true,
                "the new config stays; the guard is disarmed",
            );
            return Ok(());
        }
        let result = session
            .wait_guard(&token, host.health_timeout + Duration::from_secs(15))
            .await?;
        return Err(putback_failure(
            report,
            result,
            "the guard fired before ployctl confirmed the push",
        ));
    }
    let reason = super::deploy::record_unproven(ctx, session, report, &proof).await;
    ctx.printer.step(
        &host.name,
        StepKind::Rollback,
        &format!("putting config/history/{backup} back"),
    );
    session.guard_token = None;
    let result = session
        .fire_guard(
            &token,
            false,
            &format!("the new config was not healthy: {reason}"),
            None,
            host.health_timeout + Duration::from_secs(15),
        )
        .await?;
    let failure = putback_failure(report, result, &reason);
    ctx.printer.step_done(
        report,
        StepKind::Rollback,
        failure.outcome == Outcome::RolledBack,
        &failure.reason,
    );
    Err(failure)
}

/// The ending of a push the guard put back.
fn putback_failure(
    report: &mut HostReport,
    result: Option<crate::remote::guard::GuardResult>,
    why: &str,
) -> Failure {
    match result {
        Some(r) => {
            report.change().guard = Some(r.clone());
            let outcome = if r.rolled_back() {
                Outcome::RolledBack
            } else {
                Outcome::Failed
            };
            Failure::new(outcome, format!("the new config was put back: {why}; {}", r.detail))
                .hint("the old config runs again; see the failing checks and the log above, fix the file, validate it, push again")
        },
        None => Failure::new(
            Outcome::Failed,
            format!("{why}; the host's guard did not report in time"),
        )
        .hint("`ployctl config history` and `ployctl health` show where the host stands"),
    }
}

async fn diff(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    candidate: &Candidate,
) -> Result<(), Failure> {
    let host = session.host.clone();
    ctx.printer
        .step(&host.name, StepKind::Read, "config/config.toml");
    let out = session
        .run(&config_files::read_script(&session.prelude))
        .await?;
    let out = ScriptOutput::parse(&out.stdout);
    let current = if out.get("exists").is_some() {
        out.block("config").join("\n")
    } else {
        String::new()
    };
    let hunks = textdiff::unified(&current, &candidate.text, 3);
    let detail = if hunks.is_empty() {
        "no change".to_owned()
    } else {
        let added = hunks.iter().filter(|l| l.starts_with('+')).count();
        let removed = hunks.iter().filter(|l| l.starts_with('-')).count();
        format!("{added} line(s) added, {removed} removed")
    };
    ctx.printer.step_done(report, StepKind::Read, true, &detail);
    let mut lines = vec![
        format!("--- {}/config/config.toml", host.root),
        format!("+++ {}", candidate.path),
    ];
    lines.extend(hunks);
    if lines.len() > 2 {
        ctx.printer.result(&host.name, &lines);
    }
    report.set_details(Details::Text(Box::new(TextDetails { lines })));
    Ok(())
}

async fn history(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
) -> Result<(), Failure> {
    let host = session.host.clone();
    ctx.printer
        .step(&host.name, StepKind::Read, "config/history");
    let out = session
        .run(&config_files::history_script(&session.prelude))
        .await?;
    let out = ScriptOutput::parse(&out.stdout);
    let kept = out.all("kept");
    ctx.printer.step_done(
        report,
        StepKind::Read,
        true,
        &format!("{} kept config(s)", kept.len()),
    );
    let mut lines = vec![format!(
        "kept in {}/config/history (newest first):",
        host.root
    )];
    for k in &kept {
        let mut parts = k.split_whitespace();
        let (name, bytes) = (parts.next().unwrap_or("?"), parts.next().unwrap_or("?"));
        lines.push(format!("  {name}  {bytes} bytes"));
    }
    if kept.is_empty() {
        lines.push("  none yet (each push keeps the config it replaces)".to_owned());
    }
    lines.push("pushes (audit log):".to_owned());
    let pushes = out.block_lines("pushes");
    for p in pushes.iter().rev() {
        let v: serde_json::Value = serde_json::from_str(p).unwrap_or_default();
        let s = |k: &str| {
            v.get(k)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let mut line = format!(
            "  {}  {:<20} {:<12} by {}",
            s("at"),
            s("action"),
            s("outcome"),
            s("by")
        );
        let reason = s("reason");
        if !reason.is_empty() {
            line.push_str(&format!("  ({reason})"));
        }
        lines.push(line);
    }
    if pushes.is_empty() {
        lines.push("  none".to_owned());
    }
    ctx.printer.result(&host.name, &lines);
    report.set_details(Details::Text(Box::new(TextDetails { lines })));
    Ok(())
}
