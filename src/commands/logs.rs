//! `ployctl logs -H HOSTS [-f] [--since 1h] [--level error] [--grep TEXT] [--raw]`:
//! each host's service log (journald or the daemon log), streamed through
//! its SSH connection as it is read, JSON lines rendered readable, lines of
//! several hosts prefixed by the host's name. `-f` follows until Ctrl-C.
//! Under GitHub Actions the log text is fenced (`::stop-commands::`), so a
//! line cannot inject a workflow command.

use std::time::Duration;

use crate::cli::LevelArg;
use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, Access};
use crate::inventory::Host;
use crate::logline::{self, Filter};
use crate::plan::StepKind;
use crate::printer::{Ending, HostReport, Style};
use crate::remote::checks::logs_script;
use crate::session::{rand_u64, Context, Failure, HostSession};
use crate::transport::Chunk;

/// Resolved `logs` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsOptions {
    /// Keep following.
    pub follow: bool,
    /// How far back.
    pub since: Duration,
    /// Minimum level.
    pub level: Option<LevelArg>,
    /// Substring filter.
    pub grep: Option<String>,
    /// Keep JSON lines as they are.
    pub raw: bool,
}

/// `ployctl logs`.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &LogsOptions) -> Outcome {
    let fence = (ctx.printer.options().style == Style::GithubActions)
        .then(|| format!("ployctl-logs-{:016x}", rand_u64()));
    if let Some(token) = &fence {
        println!("::stop-commands::{token}");
    }
    let prefix = hosts.len() > 1;
    let reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        stream_host(ctx, session, report, options, prefix).await
    })
    .await;
    if let Some(token) = &fence {
        println!("::{token}::");
    }
    let ending = Ending {
        no_table: true,
        github_summary: None,
    };
    ctx.printer
        .finish_with("logs", reports, false, None, &ending)
}

async fn stream_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &LogsOptions,
    prefix: bool,
) -> Result<(), Failure> {
    let host = session.host.name.clone();
    ctx.printer.step(
        &host,
        StepKind::Logs,
        crate::remote::checks::log_source_name(session.host.service),
    );
    let script = logs_script(
        &session.prelude,
        session.host.service,
        options.since.as_secs().max(1),
        options.follow,
    );
    let mut process = session.spawn(&script).await?;
    let filter = Filter {
        level: options.level,
        grep: options.grep.clone(),
    };
    let tag = if prefix {
        format!("[{host}] ")
    } else {
        String::new()
    };
    let (mut pending, mut errors) = (Vec::<u8>::new(), Vec::<u8>::new());
    let mut shown = 0u64;
    let emit = |bytes: &[u8], shown: &mut u64| {
        let line = String::from_utf8_lossy(bytes);
        let parsed = logline::parse(&line, options.raw);
        if filter.keeps(&parsed) {
            ctx.printer.output_line(&format!("{tag}{}", parsed.text));
            *shown += 1;
        }
    };
    let status = loop {
        match process.output.recv().await {
            Some(Chunk::Stdout(bytes)) => {
                pending.extend_from_slice(&bytes);
                while let Some(i) = pending.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = pending.drain(..=i).collect();
                    emit(&line, &mut shown);
                }
            },
            Some(Chunk::Stderr(bytes)) => errors.extend_from_slice(&bytes),
            Some(Chunk::Exit(status)) => break status,
            None => break Err("the connection ended".to_owned()),
        }
    };
    if !pending.is_empty() {
        emit(&pending, &mut shown);
    }
    let detail = format!("{shown} line{}", if shown == 1 { "" } else { "s" });
    match status {
        Ok(Some(0)) => {
            ctx.printer.step_done(report, StepKind::Logs, true, &detail);
            Ok(())
        },
        Ok(code) => {
            let why = String::from_utf8_lossy(&errors).trim().to_owned();
            let why = if why.is_empty() {
                format!(
                    "reading the log failed (exit {})",
                    code.map_or("signal".to_owned(), |c| c.to_string())
                )
            } else {
                crate::remote::plain_text(&why)
            };
            ctx.printer.step_done(report, StepKind::Logs, false, &why);
            Err(Failure::new(Outcome::Failed, why).hint(
                "with systemd, the login user needs to be in the systemd-journal group (or a sudo rule for journalctl)",
            ))
        },
        Err(e) => {
            ctx.printer.step_done(report, StepKind::Logs, false, &e);
            Err(Failure::new(Outcome::ConnectionError, e))
        },
    }
}
