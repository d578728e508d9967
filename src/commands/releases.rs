//! `ployctl releases`: the releases on each host, newest first, the current one marked.

use crate::exit::Outcome;
use crate::inventory::Host;
use crate::printer::HostReport;
use crate::remote::release::{self, ReleaseEntry};
use crate::session::{end_early, new_report, Context, HostSession};

/// Lists every host's releases in parallel.
pub async fn run(ctx: &Context, hosts: &[Host]) -> Vec<HostReport> {
    futures_util::future::join_all(hosts.iter().map(|h| releases_host(ctx, h))).await
}

async fn releases_host(ctx: &Context, host: &Host) -> HostReport {
    let mut report = new_report(host);
    ctx.printer.host_started(&host.name);
    let session = match HostSession::connect(ctx, host, &mut report).await {
        Ok(s) => s,
        Err(f) => return end_early(ctx, report, f),
    };
    let outcome = match session
        .run_ok(&release::list_script(&session.layout), "listing releases")
        .await
    {
        Ok(out) => {
            let entries = release::parse_list(&out.stdout);
            report.current = entries.iter().find(|e| e.current).map(|e| e.name.clone());
            report.previous = entries.iter().find(|e| e.previous).map(|e| e.name.clone());
            ctx.printer.step_done(
                &mut report,
                "releases",
                true,
                &format!(
                    "{} release{}",
                    entries.len(),
                    if entries.len() == 1 { "" } else { "s" }
                ),
            );
            ctx.printer.result(&host.name, &table(&entries));
            report.releases = serde_json::to_value(&entries).ok();
            Outcome::Success
        },
        Err(f) => {
            ctx.printer
                .step_done(&mut report, "releases", false, &f.reason);
            report.reason = Some(f.reason);
            f.outcome
        },
    };
    session.close().await;
    ctx.printer.host_finished(&mut report, outcome);
    report
}

/// One line per release: `*` marks current, `<` marks previous.
pub fn table(entries: &[ReleaseEntry]) -> Vec<String> {
    if entries.is_empty() {
        return vec!["no releases".to_owned()];
    }
    entries
        .iter()
        .map(|e| {
            let mark = if e.current {
                "*"
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
            let role = if e.current {
                "  (current)"
            } else if e.previous {
                "  (previous)"
            } else {
                ""
            };
            format!("{mark} {:<32} {detail}{role}", e.name)
        })
        .collect()
}
