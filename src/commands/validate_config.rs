//! `ployctl validate-config [-H HOSTS] [--file PATH]` and
//! `ployctl validate-config --local --binary PATH --file PATH`: the host's
//! current release runs `ploy check-config --connect --json` against the
//! host's config and secrets (or a candidate file, uploaded beside the config
//! and removed: nothing is installed), and each host reports its config
//! problems (file:line:col, key, hint), its secrets (names only), the
//! database, the exchange with the clock skew, and the geoblock check.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ploy_api::ConfigCheckReport;

use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, within, Access};
use crate::inventory::Host;
use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::remote::checks::{relocate, validate_script};
use crate::remote::ScriptOutput;
use crate::report::{ConfigDetails, Details};
use crate::session::{Context, Failure, HostSession};

/// Resolved `validate-config` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidateOptions {
    /// A candidate file instead of the host's config.
    pub file: Option<PathBuf>,
    /// `--local`: validate on this machine with this binary.
    pub local_binary: Option<PathBuf>,
    /// Per-host time limit.
    pub timeout: Duration,
}

/// The largest candidate file sent to a host.
const MAX_CANDIDATE: u64 = 1024 * 1024;

/// A candidate config read from this machine.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// As the operator named it.
    pub path: String,
    /// Its text.
    pub text: String,
}

/// Reads a candidate file: at most 1 MiB of UTF-8 (TOML is UTF-8).
pub fn read_candidate(path: &Path) -> Result<Candidate, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.len() > MAX_CANDIDATE {
        return Err(format!(
            "{} is {} bytes; a config file is at most 1 MiB",
            path.display(),
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 (byte {}); TOML files are UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(Candidate {
        path: path.display().to_string(),
        text,
    })
}

/// `ployctl validate-config`.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &ValidateOptions) -> Outcome {
    let candidate = match options.file.as_deref().map(read_candidate).transpose() {
        Ok(c) => c,
        Err(e) => {
            return ctx
                .printer
                .usage_error(&e, Some("name a readable config file with --file"))
        },
    };
    if let Some(binary) = &options.local_binary {
        let Some(candidate) = candidate else {
            return ctx.printer.usage_error("--local needs --file", None);
        };
        let report = validate_local(ctx, binary, &candidate, options.timeout).await;
        return ctx
            .printer
            .finish("validate-config", vec![report], false, None);
    }
    let reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        within(
            options.timeout,
            "validate-config",
            validate_host(ctx, session, report, candidate.as_ref()),
        )
        .await
    })
    .await;
    ctx.printer.finish("validate-config", reports, false, None)
}

/// Checks one host's config (or `candidate`) with its current release;
/// also the last step of `host bootstrap`.
pub(crate) async fn validate_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    candidate: Option<&Candidate>,
) -> Result<(), Failure> {
    let host = session.host.clone();
    let shown = candidate.map_or_else(
        || format!("{}/config/config.toml", host.root),
        |c| c.path.clone(),
    );
    ctx.printer.step(&host.name, StepKind::CheckConfig, &shown);
    let out = match candidate {
        Some(c) => {
            session
                .run_with_input(&validate_script(&session.prelude, true), &c.text)
                .await?
        },
        None => {
            session
                .run(&validate_script(&session.prelude, false))
                .await?
        },
    };
    let out = ScriptOutput::parse(&out.stdout);
    let release = out.get("current").map(str::to_owned);
    report.set_details(Details::Config(Box::new(ConfigDetails {
        release: release.clone(),
        file: shown.clone(),
        check: None,
    })));
    let fail = |report: &mut HostReport, reason: String, hint: String| {
        ctx.printer
            .step_done(report, StepKind::CheckConfig, false, &reason);
        Err(Failure::new(Outcome::Failed, reason).hint(hint))
    };
    if out.get("no_binary").is_some() {
        return fail(
            report,
            format!("no ploy release is installed on this host ({}/current/ploy is missing)", host.root),
            format!(
                "deploy one first (ployctl deploy -H {} --binary PATH), or validate here with --local --binary PATH --file PATH",
                host.name
            ),
        );
    }
    if out.get("upload_failed").is_some() {
        return fail(
            report,
            format!(
                "could not write the candidate file under {}/config",
                host.root
            ),
            "check the disk and the folder's permissions on the host".to_owned(),
        );
    }
    let remote_file = out.get("config").unwrap_or_default().to_owned();
    let check = match parse_check(&out) {
        Ok(c) => c,
        Err(e) => {
            return fail(
                report,
                e,
                "run `ploy check-config` on the host to see the whole error".to_owned(),
            )
        },
    };
    let mut check = check;
    if candidate.is_some() {
        for p in &mut check.problems {
            p.location = relocate(&p.location, &remote_file, &shown);
        }
        check.config = Some(shown.clone());
    }
    if let Some(warning) = bind_mismatch(&check, &host) {
        ctx.printer.warn(&host.name, &warning);
    }
    conclude(ctx, report, release, &shown, check)
}

/// A warning when the config's `server.bind` listens on another port than
/// the inventory's `health_url` for the host: after a restart ployctl would
/// not find `/health`.
pub fn bind_mismatch(check: &ConfigCheckReport, host: &Host) -> Option<String> {
    let bind = check.bind.as_deref()?;
    let bind_port: u16 = bind.rsplit_once(':')?.1.parse().ok()?;
    let (_, url_port, _) = crate::inventory::parse_health_url(&host.health_url).ok()?;
    (bind_port != url_port).then(|| {
        format!(
            "server.bind listens on {bind}, but this host's health_url is {}: ployctl would not find /health after a restart (change one of them)",
            host.health_url
        )
    })
}

/// The `check` block as a report, or what went wrong running it.
pub fn parse_check(out: &ScriptOutput) -> Result<ConfigCheckReport, String> {
    let text = out.block_lines("check").join("\n");
    serde_json::from_str(&text).map_err(|_| {
        let err = out.block_lines("check_err").join("; ");
        format!(
            "ploy check-config gave no report (exit {}): {}",
            out.get("check_rc").unwrap_or("?"),
            if err.is_empty() {
                "no output".to_owned()
            } else {
                err
            }
        )
    })
}

/// Records and prints one host's (or the local) verdict.
fn conclude(
    ctx: &Context,
    report: &mut HostReport,
    release: Option<String>,
    file: &str,
    check: ConfigCheckReport,
) -> Result<(), Failure> {
    let verdict = verdict(&check);
    ctx.printer.step_done(
        report,
        StepKind::CheckConfig,
        verdict.is_none(),
        verdict.as_deref().unwrap_or("valid"),
    );
    ctx.printer
        .result(&report.host, &render(&check, release.as_deref()));
    report.set_details(Details::Config(Box::new(ConfigDetails {
        release,
        file: file.to_owned(),
        check: Some(check),
    })));
    match verdict {
        None => Ok(()),
        Some(v) => Err(Failure::new(Outcome::Failed, v)
            .hint("fix what is listed above, then run validate-config again")),
    }
}

/// What is wrong, in one line, or nothing.
pub fn verdict(check: &ConfigCheckReport) -> Option<String> {
    let mut wrong = Vec::new();
    if !check.problems.is_empty() {
        wrong.push(format!("{} config problem(s)", check.problems.len()));
    }
    let missing = check.missing_secrets();
    if !missing.is_empty() {
        wrong.push(format!("missing secret(s) {}", missing.join(", ")));
    }
    if let Some(connect) = &check.connect {
        for (name, c) in connect.iter() {
            if !c.is_up() && ploy_api::config_check::is_required(c) {
                wrong.push(format!("{} down", name.replace('_', " ")));
            }
        }
    }
    if wrong.is_empty() && !check.ok {
        wrong.push("check-config refused it".to_owned());
    }
    (!wrong.is_empty()).then(|| wrong.join("; "))
}

/// The report as lines for a terminal.
pub fn render(check: &ConfigCheckReport, release: Option<&str>) -> Vec<String> {
    let mut lines = Vec::new();
    let head = match (&check.mode, &check.database) {
        (Some(mode), Some(db)) => format!("mode {mode}, database {db}"),
        _ => format!(
            "{} problem(s); the config does not load",
            check.problems.len()
        ),
    };
    lines.push(format!(
        "{}  {head}{}",
        check.config.as_deref().unwrap_or("built-in defaults"),
        release
            .map(|r| format!("  (checked by release {r})"))
            .unwrap_or_default()
    ));
    for p in &check.problems {
        let key = p
            .key
            .as_deref()
            .map(|k| format!(" [{k}]"))
            .unwrap_or_default();
        lines.push(format!("✗ {}{key}: {}", p.location, p.message));
        if let Some(hint) = &p.hint {
            lines.push(format!("    hint: {hint}"));
        }
    }
    for s in &check.secrets {
        let (mark, state) = match (s.present, s.required) {
            (true, _) => ("✓", "set"),
            (false, true) => ("✗", "missing (required)"),
            (false, false) => ("-", "not set"),
        };
        lines.push(format!("{mark} secret {:<24} {state}", s.name));
    }
    if let Some(connect) = &check.connect {
        for (name, c) in connect.iter() {
            let required = ploy_api::config_check::is_required(c);
            let mark = match (c.is_up(), required) {
                (true, _) => "✓",
                (false, true) => "✗",
                (false, false) => "-",
            };
            let mut text = match &c.error {
                None => format!("{:.0} ms", c.latency_ms),
                Some(e) => e.clone(),
            };
            if let Some(skew) = c
                .detail
                .get("clock_skew_ms")
                .and_then(serde_json::Value::as_i64)
            {
                text.push_str(&format!(", clock skew {skew:+} ms"));
            }
            if let Some(country) = c.detail.get("country").and_then(serde_json::Value::as_str) {
                if !country.is_empty() {
                    text.push_str(&format!(", {country}"));
                }
            }
            if !c.is_up() && !required {
                text.push_str(" (not needed by this config)");
            }
            lines.push(format!("{mark} {name:<31} {text}"));
        }
    }
    lines
}

/// `--local`: runs the given binary's `check-config` on this machine.
async fn validate_local(
    ctx: &Context,
    binary: &Path,
    candidate: &Candidate,
    limit: Duration,
) -> HostReport {
    let mut report = HostReport {
        host: "local".to_owned(),
        destination: "local".to_owned(),
        ..HostReport::default()
    };
    ctx.printer.host_started("local");
    ctx.printer
        .step("local", StepKind::CheckConfig, &candidate.path);
    let run = tokio::process::Command::new(binary)
        .args([
            "--config",
            &candidate.path,
            "check-config",
            "--connect",
            "--json",
        ])
        .kill_on_drop(true)
        .output();
    let result = match tokio::time::timeout(limit, run).await {
        Err(_) => Err(format!(
            "{} check-config: no answer within {}",
            binary.display(),
            humantime::format_duration(limit)
        )),
        Ok(Err(e)) => Err(format!("cannot run {}: {e}", binary.display())),
        Ok(Ok(output)) => {
            let stdout = String::from_utf8_lossy(&output.stdout);
            serde_json::from_str::<ConfigCheckReport>(stdout.trim()).map_err(|_| {
                format!(
                    "{} check-config gave no report (exit {}): {}",
                    binary.display(),
                    output
                        .status
                        .code()
                        .map_or("signal".to_owned(), |c| c.to_string()),
                    String::from_utf8_lossy(&output.stderr).trim()
                )
            })
        },
    };
    let outcome = match result {
        Ok(check) => match conclude(ctx, &mut report, None, &candidate.path, check) {
            Ok(()) => Outcome::Success,
            Err(f) => {
                report.reason = Some(f.reason);
                report.hint = f.hint;
                f.outcome
            },
        },
        Err(e) => {
            ctx.printer
                .step_done(&mut report, StepKind::CheckConfig, false, &e);
            report.reason = Some(e);
            report.hint = Some("is --binary a ploy binary for this machine?".to_owned());
            Outcome::Failed
        },
    };
    ctx.printer.host_finished(&mut report, outcome);
    report
}
