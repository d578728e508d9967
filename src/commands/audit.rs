//! `ployctl audit -H HOSTS [--since 7d]`: each host's audit log
//! (`.ployctl/audit.jsonl`: deploys, rollbacks, config pushes, the guard's
//! put-backs, kill-switch changes), as a table or in `--json`. Reads only.

use std::io::Write;
use std::time::Duration;

use console::style;

use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, within, Access};
use crate::inventory::Host;
use crate::plan::StepKind;
use crate::printer::{Ending, HostReport, Style};
use crate::remote::audit;
use crate::report::{AuditDetails, Details};
use crate::session::{Context, Failure, HostSession};

/// Resolved `audit` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditOptions {
    /// How far back.
    pub since: Duration,
    /// Per-host time limit.
    pub timeout: Duration,
}

/// `ployctl audit`.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &AuditOptions) -> Outcome {
    let reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        within(
            options.timeout,
            "audit",
            read_host(ctx, session, report, options),
        )
        .await
    })
    .await;
    if ctx.printer.options().style != Style::Json {
        let mut out = std::io::stdout().lock();
        for r in &reports {
            for line in table(r) {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    let ending = Ending {
        no_table: true,
        github_summary: None,
    };
    ctx.printer
        .finish_with("audit", reports, false, None, &ending)
}

async fn read_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &AuditOptions,
) -> Result<(), Failure> {
    let host = session.host.clone();
    ctx.printer
        .step(&host.name, StepKind::Read, ".ployctl/audit.jsonl");
    let out = session
        .run_ok(
            &audit::read_script(&session.prelude),
            "reading the audit log",
        )
        .await?;
    let since = chrono::Utc::now()
        - chrono::Duration::from_std(options.since).unwrap_or(chrono::Duration::MAX);
    let details = select(&out.stdout, since);
    ctx.printer.step_done(
        report,
        StepKind::Read,
        true,
        &format!("{} record(s)", details.records.len()),
    );
    report.set_details(Details::Audit(Box::new(details)));
    Ok(())
}

/// The records at or after `since`, oldest first; lines that are not JSON
/// objects are counted, not shown.
pub fn select(text: &str, since: chrono::DateTime<chrono::Utc>) -> AuditDetails {
    let mut details = AuditDetails::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(record @ serde_json::Value::Object(_)) = serde_json::from_str(line) else {
            details.unreadable += 1;
            continue;
        };
        let at = record["at"]
            .as_str()
            .and_then(|a| chrono::DateTime::parse_from_rfc3339(a).ok());
        if at.is_none_or(|at| at >= since) {
            details.records.push(record);
        }
    }
    details
}

/// One record's "what": the release, or the kill switch's change.
fn what(record: &serde_json::Value) -> String {
    let text = |k: &str| record[k].as_str().map(str::to_owned);
    match (text("state_before"), text("state_after"), text("release")) {
        (Some(b), Some(a), _) => format!("{b} → {a}"),
        (Some(b), None, _) => format!("{b} → ?"),
        (_, _, Some(release)) if !release.is_empty() => release,
        _ => String::new(),
    }
}

/// A host's records as lines (or why it was not read).
pub fn table(r: &HostReport) -> Vec<String> {
    let Details::Audit(d) = &r.details else {
        return vec![format!(
            "{}: {}",
            r.host,
            style(r.reason.as_deref().unwrap_or("not read")).red()
        )];
    };
    let mut lines = vec![style(format!(
        "{}: {:<20} {:<22} {:<12} {:<30} {:<24} REASON",
        r.host, "AT", "ACTION", "OUTCOME", "RELEASE / STATE", "BY"
    ))
    .bold()
    .to_string()];
    for rec in &d.records {
        let text = |k: &str| rec[k].as_str().unwrap_or("").to_owned();
        let by = match rec["ci_run_url"].as_str() {
            Some(url) => url.to_owned(),
            None => text("by"),
        };
        lines.push(format!(
            "{}: {:<20} {:<22} {:<12} {:<30} {:<24} {}",
            r.host,
            text("at"),
            text("action"),
            text("outcome"),
            what(rec),
            by,
            text("reason")
        ));
    }
    if d.records.is_empty() {
        lines.push(format!("{}: nothing in the window", r.host));
    }
    if d.unreadable > 0 {
        lines.push(format!(
            "{}: {} line(s) of the log are not JSON records and are not shown",
            r.host, d.unreadable
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_picked_by_time_and_bad_lines_counted() {
        let text = concat!(
            r#"{"at":"2026-12-01T10:00:00Z","action":"deploy","release":"r1","outcome":"success","by":"a@b"}"#,
            "\n",
            "garbage\n",
            r#"{"at":"2026-12-02T10:00:00Z","action":"trading-halt","state_before":"active","state_after":"halted","outcome":"success","by":"a@b","reason":"incident"}"#,
            "\n"
        );
        let since = chrono::DateTime::parse_from_rfc3339("2026-12-02T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let d = select(text, since);
        assert_eq!(d.records.len(), 1);
        assert_eq!(d.unreadable, 1);
        assert_eq!(what(&d.records[0]), "active → halted");
        let all = select(text, chrono::DateTime::<chrono::Utc>::MIN_UTC);
        assert_eq!(what(&all.records[0]), "r1");
    }
}
