//! `ployctl releases`: the releases on each host, newest first, with their
//! standing in the ledger (good, bad, unproven), which one `current` names,
//! which one really runs, the rollback target, and an armed or firing guard.

use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, Access};
use crate::inventory::Host;
use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::remote::ledger::Standing;
use crate::remote::release::ReleaseEntry;
use crate::remote::state::{HostState, Running};
use crate::report::ReleasesDetails;
use crate::session::{Context, Failure, HostSession};

/// `ployctl releases`: lists every host's releases in parallel.
pub async fn exec(ctx: &Context, hosts: &[Host]) -> Outcome {
    let reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        releases_host(ctx, session, report).await
    })
    .await;
    ctx.printer.finish("releases", reports, false, None)
}

async fn releases_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    ctx.printer
        .step(&host, StepKind::Releases, "reading the host's state");
    let state = session.state().await.inspect_err(|f| {
        ctx.printer
            .step_done(report, StepKind::Releases, false, &f.reason);
    })?;
    let entries = state.entries();
    ctx.printer.step_done(
        report,
        StepKind::Releases,
        true,
        &format!(
            "{} release{}",
            entries.len(),
            if entries.len() == 1 { "" } else { "s" }
        ),
    );
    for warning in warnings(&state) {
        ctx.printer.warn(&host, &warning);
    }
    ctx.printer.result(&host, &table(&entries, &state.running));
    report.set_releases(ReleasesDetails {
        current: state.current.clone(),
        running: state.running.name().map(str::to_owned),
        previous: entries.iter().find(|e| e.previous).map(|e| e.name.clone()),
        guard: state.guard_result,
        releases: entries,
    });
    Ok(())
}

/// What a reader must know beside the table: `current` apart from what runs,
/// a guard armed or rolling back, what the last guard did.
pub fn warnings(state: &HostState) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((current, running)) = state.mismatch() {
        out.push(format!(
            "current names {current}, but {running} is what runs; the next deploy or rollback points current at {running} again"
        ));
    }
    if let Running::Unknown { pid } = state.running {
        out.push(format!(
            "the running process (pid {pid}) was not started by ployctl; its release is unknown"
        ));
    }
    if let Some(g) = &state.firing {
        out.push(format!(
            "the host's guard is rolling {} back to {} right now",
            g.release, g.fallback
        ));
    } else if let Some(g) = &state.guard {
        out.push(format!(
            "a deploy of {} is not confirmed yet: unless it is, the host's guard goes back to {} by itself{}",
            g.release,
            g.fallback,
            if state.guard_alive { "" } else { " (its process is gone: the next deploy or rollback finishes it)" }
        ));
    }
    if let Some(r) = &state.guard_result {
        out.push(r.describe());
    }
    out
}

/// One line per release: `*` current, `>` running (when not current), `<` the
/// rollback target; the standing, and why for bad ones.
pub fn table(entries: &[ReleaseEntry], running: &Running) -> Vec<String> {
    if entries.is_empty() {
        let mut lines = vec!["no releases".to_owned()];
        if let Running::Unknown { pid } = running {
            lines.push(format!("(pid {pid} runs a release ployctl did not start)"));
        }
        return lines;
    }
    entries
        .iter()
        .map(|e| {
            let mark = if e.current {
                "*"
            } else if e.running {
                ">"
            } else if e.previous {
                "<"
            } else {
                " "
            };
            let detail = match &e.info {
                Some(i) => format!(
                    "sha256 {}  {}  by {}",
                    &i.sha256[..i.sha256.len().min(12)],
                    i.deployed_at
                        .get(..19)
                        .unwrap_or(&i.deployed_at)
                        .replace('T', " "),
                    i.deployed_by
                ),
                None => "(no release.json)".to_owned(),
            };
            let mut roles = Vec::new();
            if e.current {
                roles.push("current");
            }
            if e.running {
                roles.push("running");
            }
            if e.previous {
                roles.push("previous");
            }
            let roles = if roles.is_empty() {
                String::new()
            } else {
                format!("  ({})", roles.join(", "))
            };
            let why = match (&e.state, &e.reason) {
                (Standing::Bad, Some(r)) => format!("  bad: {r}"),
                _ => String::new(),
            };
            format!(
                "{mark} {:<32} {:<8} {detail}{roles}{why}",
                e.name,
                e.state.as_str()
            )
        })
        .collect()
}
