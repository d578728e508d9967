//! `ployctl daily-check [-H HOSTS] [--since 24h] [--markdown] [--strict]`:
//! the morning runbook as one command. Each host is read in one script and
//! two HTTP requests through its SSH connection (all hosts at once), its
//! facts are judged by [`crate::daily`] against the host's thresholds, and the
//! checks come out as a table per host, `--json`, or Markdown (under GitHub
//! Actions, also the job summary). Exit 0 when nothing failed, 1 when a check
//! failed (`--strict`: or warned), 7 when a host could not be reached, 5 when
//! it did not answer within `--timeout`; the other hosts are still checked.

use std::time::Duration;

use ploy_api::views::{PositionsAnswer, ReportAnswer};

use crate::daily::{self, CheckResult, Disk, Facts, Status};
use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, within, Access};
use crate::inventory::{Host, ServiceKind};
use crate::plan::StepKind;
use crate::printer::{Ending, HostReport, Style};
use crate::remote::checks::{facts_script, log_source_name, FactsRequest};
use crate::remote::ScriptOutput;
use crate::report::{DailyDetails, DailySummary, Details};
use crate::session::{Context, Failure, HostSession};

/// Resolved `daily-check` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyOptions {
    /// The window.
    pub since: Duration,
    /// Print Markdown.
    pub markdown: bool,
    /// Fail on warnings too.
    pub strict: bool,
    /// Per-host time limit.
    pub timeout: Duration,
}

/// `ployctl daily-check`.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &DailyOptions) -> Outcome {
    let markdown = options.markdown;
    let mut reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        within(
            options.timeout,
            "daily-check",
            check_host(ctx, session, report, options),
        )
        .await
    })
    .await;
    add_drift(ctx, hosts, &mut reports, options.strict);
    let md = render_markdown(&reports, options.since);
    if markdown && ctx.printer.options().style != Style::Json {
        print!("{md}");
    }
    let ending = Ending {
        no_table: markdown,
        github_summary: Some(md),
    };
    ctx.printer
        .finish_with("daily-check", reports, false, None, &ending)
}

async fn check_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &DailyOptions,
) -> Result<(), Failure> {
    let host = session.host.clone();
    ctx.printer.step(
        &host.name,
        StepKind::Read,
        "service, log, health, exchange, views",
    );
    let facts = gather(
        ctx,
        session,
        FactsRequest {
            service: host.service,
            window: options.since.as_secs().max(1),
            connect: true,
            scan_log: true,
        },
        options.since,
    )
    .await?;
    let results = daily::judge(&facts, &host.checks);
    let worst = daily::worst(&results);
    let (ok, warn, fail, skip) = daily::tally(&results);
    let summary = format!(
        "{ok} ok, {warn} warn, {fail} fail{}",
        if skip > 0 {
            format!(", {skip} skipped")
        } else {
            String::new()
        }
    );
    let step_status = match worst {
        Status::Fail => crate::report::StepStatus::Failed,
        Status::Warn => crate::report::StepStatus::Warning,
        Status::Ok | Status::Skip => crate::report::StepStatus::Ok,
    };
    ctx.printer
        .step_result(report, StepKind::Read, step_status, &summary);
    if !options.markdown {
        ctx.printer.result(&host.name, &render_table(&results));
    }
    report.set_details(Details::Daily(Box::new(DailyDetails {
        since: daily::window_text(options.since),
        current: facts.current.clone(),
        running: facts.running,
        status: Some(worst),
        summary: DailySummary {
            ok,
            warn,
            fail,
            skip,
        },
        checks: results,
    })));
    verdict(worst, options.strict, &summary)
}

fn verdict(worst: Status, strict: bool, summary: &str) -> Result<(), Failure> {
    match worst {
        Status::Fail => Err(Failure::new(
            Outcome::Failed,
            format!("a check failed: {summary}"),
        )),
        Status::Warn if strict => Err(Failure::new(
            Outcome::Failed,
            format!("a check warned (--strict): {summary}"),
        )),
        _ => Ok(()),
    }
}

/// Reads one host's facts: the facts script, `/health` and the kill switch,
/// side by side.
pub async fn gather(
    ctx: &Context,
    session: &HostSession,
    request: FactsRequest,
    window: Duration,
) -> Result<Facts, Failure> {
    let script = facts_script(&session.prelude, request);
    let (probe, kill_switch, out) = tokio::join!(
        session.probe(ctx),
        session.trading_state(ctx),
        session.run(&script)
    );
    let out = ScriptOutput::parse(&out?.stdout);
    let no_binary = out.get("no_binary").is_some();
    let missing = || "no ploy release is installed (current/ploy is missing)".to_owned();
    let config = if no_binary {
        Err(missing())
    } else {
        super::validate_config::parse_check(&out)
    };
    let view = |name: &str| -> Result<String, String> {
        if no_binary {
            return Err(missing());
        }
        let text = out.block_lines(name).join("\n");
        if out.get(&format!("{name}_rc")) == Some("0") && !text.is_empty() {
            return Ok(text);
        }
        let err = out.block_lines(&format!("{name}_err")).join("; ");
        Err(if err.contains("unrecognized subcommand") {
            format!("this release has no `ploy {name}` (deploy a newer one)")
        } else if err.is_empty() {
            format!(
                "ploy {name} gave nothing (exit {})",
                out.get(&format!("{name}_rc")).unwrap_or("?")
            )
        } else {
            crate::remote::plain_text(&err)
        })
    };
    let report = view("report").and_then(|t| {
        serde_json::from_str::<ReportAnswer>(&t)
            .map_err(|e| format!("ploy report: unreadable answer: {e}"))
    });
    let positions = view("positions").and_then(|t| {
        serde_json::from_str::<PositionsAnswer>(&t)
            .map_err(|e| format!("ploy positions: unreadable answer: {e}"))
    });
    let source = log_source_name(session.host.service);
    let errors = if out.get("log_unreadable").is_some() {
        Err(format!("{source} could not be read"))
    } else {
        daily::log_errors(out.number("log_errors"), out.block_lines("errors"), source)
    };
    let service_state = match session.host.service {
        ServiceKind::Systemd => out.get("unit_state").map(|s| format!("systemd says {s}")),
        ServiceKind::Daemon => Some("not running (no live process in run/ploy.pid)".to_owned()),
    };
    Ok(Facts {
        window,
        now_ms: chrono::Utc::now().timestamp_millis(),
        service_active: out.get("active") == Some("1"),
        service_state,
        starts: out.number("log_starts"),
        planned_starts: out.number("planned_starts").unwrap_or(0),
        errors,
        health: probe,
        config,
        kill_switch,
        disk: match (out.number("disk_avail_kb"), out.number("disk_total_kb")) {
            (Some(avail_kb), Some(total_kb)) => Some(Disk { avail_kb, total_kb }),
            _ => None,
        },
        report,
        positions,
        current: out.get("current").map(str::to_owned),
        running: out.get("running").map(str::to_owned),
        maintenance: out
            .get("maintenance")
            .and_then(|j| serde_json::from_str(j).ok()),
        backups: Some(
            out.block_lines("backups")
                .iter()
                .filter_map(|l| serde_json::from_str::<ploy_api::BackupManifest>(l).ok())
                .map(|m| (m.created_at_ms, m.verified()))
                .collect(),
        ),
    })
}

/// Release drift: hosts of one tag running different releases get a warning.
fn add_drift(ctx: &Context, hosts: &[Host], reports: &mut [HostReport], strict: bool) {
    let running: Vec<(Vec<String>, Option<String>)> = hosts
        .iter()
        .zip(reports.iter())
        .map(|(h, r)| {
            let running = match &r.details {
                Details::Daily(d) => d.running.clone().or_else(|| d.current.clone()),
                _ => None,
            };
            (h.tags.clone(), running)
        })
        .collect();
    for (report, drift) in reports.iter_mut().zip(daily::drift(&running)) {
        let Some(drift) = drift else { continue };
        ctx.printer
            .warn(&report.host, &format!("release drift: {}", drift.value));
        if let Details::Daily(d) = &mut report.details {
            d.checks.push(drift);
            d.summary.warn += 1;
            d.status = Some(daily::worst(&d.checks));
        }
        if strict && report.outcome == Some(Outcome::Success) {
            report.outcome = Some(Outcome::Failed);
            report.exit_code = Outcome::Failed.code();
            report.reason = Some("a check warned (--strict): release drift".to_owned());
        }
    }
}

fn mark(status: Status) -> &'static str {
    match status {
        Status::Ok => "✓",
        Status::Skip => "-",
        Status::Warn => "!",
        Status::Fail => "✗",
    }
}

/// The checks as aligned lines for a terminal.
pub fn render_table(results: &[CheckResult]) -> Vec<String> {
    let mut lines = Vec::new();
    for r in results {
        let mut line = format!(
            "{} {:<14} {:<4} {}",
            mark(r.status),
            r.name,
            r.status.as_str(),
            r.value
        );
        if !r.threshold.is_empty() && r.status != Status::Ok {
            line.push_str(&format!("  [{}]", r.threshold));
        }
        lines.push(line);
        for l in &r.lines {
            lines.push(format!("      {}", truncate(l, 200)));
        }
    }
    lines
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// Text safe in a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('`', "'")
}

/// The Markdown report: a table per host.
pub fn render_markdown(reports: &[HostReport], since: Duration) -> String {
    let mut md = format!(
        "## ployctl daily-check (last {})\n\n",
        daily::window_text(since)
    );
    for r in reports {
        match &r.details {
            Details::Daily(d) => {
                let word = d.status.map_or("?", Status::as_str);
                md.push_str(&format!(
                    "### {} — {} ({} ok, {} warn, {} fail)\n\nrelease {}\n\n| | check | status | value | threshold |\n|---|---|---|---|---|\n",
                    cell(&r.host),
                    word,
                    d.summary.ok,
                    d.summary.warn,
                    d.summary.fail,
                    cell(d.running.as_deref().or(d.current.as_deref()).unwrap_or("none")),
                ));
                for c in &d.checks {
                    md.push_str(&format!(
                        "| {} | {} | {} | {} | {} |\n",
                        mark(c.status),
                        c.name,
                        c.status.as_str(),
                        cell(&c.value),
                        cell(&c.threshold)
                    ));
                }
                let with_lines: Vec<&CheckResult> =
                    d.checks.iter().filter(|c| !c.lines.is_empty()).collect();
                for c in with_lines {
                    md.push_str(&format!(
                        "\n<details><summary>{}</summary>\n\n```text\n",
                        c.name
                    ));
                    for l in &c.lines {
                        md.push_str(&truncate(&l.replace("```", "'''"), 300));
                        md.push('\n');
                    }
                    md.push_str("```\n\n</details>\n");
                }
                md.push('\n');
            },
            _ => {
                md.push_str(&format!(
                    "### {} — not checked\n\n{}\n\n",
                    cell(&r.host),
                    cell(r.reason.as_deref().unwrap_or("unknown"))
                ));
                if let Some(hint) = &r.hint {
                    md.push_str(&format!("hint: {}\n\n", cell(hint)));
                }
            },
        }
    }
    md
}
