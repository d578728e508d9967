//! The one printer for all user output. Commands report events (a host started
//! a step, finished it, uploaded bytes, ended) and the printer renders them:
//!
//! - a terminal: one live line per host (indicatif), a byte bar while uploading,
//!   finished steps printed above the live lines, colours and ✓/✗;
//! - not a terminal (CI logs, pipes): one plain line per finished step;
//! - GitHub Actions (`GITHUB_ACTIONS=true`): the plain lines, plus `::error`/
//!   `::warning` annotations per host and a Markdown job summary;
//! - `--json`: one versioned report on stdout at the end; with `-v` the step
//!   lines still go to stderr.
//!
//! Human output goes to stderr except the final summary table (stdout), so
//! `ployctl … | tee` keeps the result.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use console::style;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::exit::Outcome;
use crate::plan::StepKind;
pub use crate::report::{HostReport, Report, StepRecord, StepStatus, REPORT_VERSION};

/// How output is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Live lines on a terminal.
    Terminal,
    /// Plain lines.
    Plain,
    /// Plain lines plus GitHub Actions annotations and summary.
    GithubActions,
    /// One JSON report on stdout.
    Json,
}

/// Printer settings.
#[derive(Debug, Clone, Copy)]
pub struct PrinterOptions {
    /// Rendering.
    pub style: Style,
    /// Only the final result and errors.
    pub quiet: bool,
    /// Also details (transport, scripts' output).
    pub verbose: bool,
    /// Running as a GitHub Actions step: the job summary and the step's
    /// outputs are written whatever the style (with `--json` too).
    pub github_actions: bool,
}

#[derive(Debug)]
struct State {
    bars: BTreeMap<String, ProgressBar>,
    started: BTreeMap<String, Instant>,
    /// Per host: the step under way and when it began (a step reported again,
    /// as the health polls are, keeps its start).
    step_started: BTreeMap<String, (StepKind, Instant)>,
    /// Per host: what the step under way last said it was doing.
    step_detail: BTreeMap<String, String>,
    /// Per host: the warnings given so far (they go into its report).
    warnings: BTreeMap<String, Vec<String>>,
}

/// Renders events; shared by every host task.
#[derive(Debug)]
pub struct Printer {
    options: PrinterOptions,
    multi: Option<MultiProgress>,
    state: Mutex<State>,
}

fn ms(d: Duration) -> u64 {
    d.as_millis().min(u128::from(u64::MAX)) as u64
}

fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

impl Printer {
    /// A printer for these options.
    pub fn new(options: PrinterOptions) -> Self {
        let multi = (options.style == Style::Terminal && !options.quiet)
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Self {
            options,
            multi,
            state: Mutex::new(State {
                bars: BTreeMap::new(),
                started: BTreeMap::new(),
                step_started: BTreeMap::new(),
                step_detail: BTreeMap::new(),
                warnings: BTreeMap::new(),
            }),
        }
    }

    /// The options.
    pub fn options(&self) -> PrinterOptions {
        self.options
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn human(&self) -> bool {
        self.options.style != Style::Json
    }

    /// Whether step lines go to stderr: always for humans, and with `-v`
    /// beside `--json` (whose report alone goes to stdout).
    fn progress(&self) -> bool {
        self.human() || self.options.verbose
    }

    /// Prints one line to stderr above any live lines.
    fn line(&self, text: &str) {
        if let Some(multi) = &self.multi {
            let _ = multi.println(text);
        } else {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{text}");
        }
    }

    /// A line that is not about a host (always shown unless JSON).
    pub fn note(&self, text: &str) {
        if self.progress() {
            self.line(text);
        }
    }

    /// A usage or configuration error (nothing was attempted): a line and a
    /// hint on stderr, or the JSON report saying so.
    pub fn usage_error(&self, message: &str, hint: Option<&str>) -> Outcome {
        if self.options.style == Style::Json {
            let report = serde_json::json!({
                "version": REPORT_VERSION,
                "ok": false, "outcome": "usage_error", "exit_code": Outcome::UsageError.code(),
                "error": message, "hint": hint, "hosts": [],
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("serializes")
            );
        } else {
            self.line(&format!("{} {message}", style("error:").red().bold()));
            if let Some(hint) = hint {
                self.line(&format!("  hint: {hint}"));
            }
        }
        Outcome::UsageError
    }

    /// A warning (shown even with `--quiet`; in `--json`, the host's `warnings`).
    pub fn warn(&self, host: &str, text: &str) {
        self.lock()
            .warnings
            .entry(host.to_owned())
            .or_default()
            .push(text.to_owned());
        if self.progress() {
            self.line(&format!(
                "{} {} {text}",
                self.tag(host),
                style("!").yellow().bold()
            ));
            if self.options.style == Style::GithubActions {
                println!(
                    "::warning title=ployctl ({})::{}",
                    escape_property(host),
                    escape_data(text)
                );
            }
        }
    }

    fn tag(&self, host: &str) -> String {
        style(format!("[{host}]")).bold().to_string()
    }

    /// Result lines of a query (`health`, `releases`), on stdout.
    pub fn result(&self, host: &str, lines: &[String]) {
        if !self.human() {
            return;
        }
        let mut text = format!("{}\n", self.tag(host));
        for l in lines {
            text.push_str(&format!("  {l}\n"));
        }
        let print = || {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
        };
        match &self.multi {
            Some(multi) => multi.suspend(print),
            None => print(),
        }
    }

    /// One line of a command's own output (a log line) on stdout, above any
    /// live lines; nothing with `--json`.
    pub fn output_line(&self, text: &str) {
        if !self.human() {
            return;
        }
        let print = || {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{text}");
        };
        match &self.multi {
            Some(multi) => multi.suspend(print),
            None => print(),
        }
    }

    /// A group of lines begins (a rolling deploy's batch): a GitHub Actions
    /// log group, else a line.
    pub fn group(&self, title: &str) {
        if self.options.style == Style::GithubActions {
            println!("::group::{}", escape_data(title));
        } else if self.progress() {
            self.line(&style(title).bold().to_string());
        }
    }

    /// The group ends.
    pub fn end_group(&self) {
        if self.options.style == Style::GithubActions {
            println!("::endgroup::");
        }
    }

    /// A host began.
    pub fn host_started(&self, host: &str) {
        let mut state = self.lock();
        state.started.insert(host.to_owned(), Instant::now());
        if let Some(multi) = &self.multi {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {prefix:.bold} {wide_msg}")
                    .expect("static template")
                    .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "),
            );
            bar.set_prefix(format!("[{host}]"));
            bar.enable_steady_tick(Duration::from_millis(100));
            state.bars.insert(host.to_owned(), bar);
        }
    }

    /// A host began a step.
    pub fn step(&self, host: &str, step: StepKind, detail: &str) {
        let mut state = self.lock();
        let same = state
            .step_started
            .get(host)
            .is_some_and(|(kind, _)| *kind == step);
        if !same {
            state
                .step_started
                .insert(host.to_owned(), (step, Instant::now()));
        }
        state
            .step_detail
            .insert(host.to_owned(), format!("{}: {detail}", step.as_str()));
        if let Some(bar) = state.bars.get(host) {
            bar.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {prefix:.bold} {wide_msg}")
                    .expect("static template")
                    .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "),
            );
            bar.set_message(format!("{}: {detail}", step.as_str()));
        } else if self.options.verbose && self.progress() {
            drop(state);
            self.line(&format!("{} {}: {detail}", self.tag(host), step.as_str()));
        }
    }

    /// The step under way on `host` and what it last said (`health: poll 3`),
    /// if one has begun and not ended: where an interrupted command stopped.
    pub fn step_in_progress(&self, host: &str) -> Option<String> {
        self.lock().step_detail.get(host).cloned()
    }

    /// Upload progress (a byte bar on a terminal).
    pub fn upload_progress(&self, host: &str, sent: u64, total: u64) {
        let state = self.lock();
        if let Some(bar) = state.bars.get(host) {
            if bar.length() != Some(total) {
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner:.cyan} {prefix:.bold} upload [{bar:30.cyan/blue}] {bytes}/{total_bytes} {bytes_per_sec}",
                    )
                    .expect("static template")
                    .progress_chars("=> "),
                );
                bar.set_length(total);
            }
            bar.set_position(sent);
        }
    }

    /// A step ended; recorded into `report` and shown.
    pub fn step_done(&self, report: &mut HostReport, step: StepKind, ok: bool, detail: &str) {
        let status = if ok {
            StepStatus::Ok
        } else {
            StepStatus::Failed
        };
        self.step_result(report, step, status, detail);
    }

    /// A step ended with an explicit status (`ok`, `failed`, `skipped`,
    /// `warning`); it took the time since the step began.
    pub fn step_result(
        &self,
        report: &mut HostReport,
        step: StepKind,
        status: StepStatus,
        detail: &str,
    ) {
        let mut state = self.lock();
        state.step_detail.remove(&report.host);
        let took = state
            .step_started
            .remove(&report.host)
            .filter(|(kind, _)| *kind == step)
            .map(|(_, t)| t.elapsed())
            .unwrap_or_default();
        drop(state);
        self.record(report, step, status, detail, took);
    }

    /// A step measured elsewhere (on the host, inside one script of several steps).
    pub fn step_timed(
        &self,
        report: &mut HostReport,
        step: StepKind,
        status: StepStatus,
        detail: &str,
        took: Duration,
    ) {
        let mut state = self.lock();
        state.step_started.remove(&report.host);
        state.step_detail.remove(&report.host);
        drop(state);
        self.record(report, step, status, detail, took);
    }

    fn record(
        &self,
        report: &mut HostReport,
        step: StepKind,
        status: StepStatus,
        detail: &str,
        took: Duration,
    ) {
        report.steps.push(StepRecord {
            step,
            status,
            detail: detail.to_owned(),
            ms: ms(took),
        });
        if !self.progress() || (self.options.quiet && status != StepStatus::Failed) {
            return;
        }
        let mark = match status {
            StepStatus::Ok => style("✓").green().to_string(),
            StepStatus::Failed => style("✗").red().bold().to_string(),
            StepStatus::Skipped => style("-").dim().to_string(),
            StepStatus::Warning => style("!").yellow().to_string(),
        };
        let time = if took >= Duration::from_millis(1) {
            format!(" {}", style(format!("({})", seconds(took))).dim())
        } else {
            String::new()
        };
        self.line(&format!(
            "{} {mark} {}: {detail}{time}",
            self.tag(&report.host),
            step.as_str()
        ));
    }

    /// Several lines under a heading (log tail, check-config errors).
    pub fn block(&self, host: &str, heading: &str, lines: &[String]) {
        if !self.progress() || lines.is_empty() {
            return;
        }
        let mut text = format!("{} {heading}", self.tag(host));
        for l in lines {
            text.push_str(&format!("\n    {l}"));
        }
        self.line(&text);
    }

    /// A host ended.
    pub fn host_finished(&self, report: &mut HostReport, outcome: Outcome) {
        let mut state = self.lock();
        if let Some(started) = state.started.remove(&report.host) {
            report.duration_ms = ms(started.elapsed());
        }
        if let Some(bar) = state.bars.remove(&report.host) {
            bar.finish_and_clear();
        }
        report
            .warnings
            .extend(state.warnings.remove(&report.host).unwrap_or_default());
        drop(state);
        report.outcome = Some(outcome);
        report.exit_code = outcome.code();
        if self.options.style == Style::GithubActions {
            let title = format!("ployctl ({})", report.host);
            let text = match (&report.reason, &report.hint) {
                (Some(r), Some(h)) => format!("{r}\nhint: {h}"),
                (Some(r), None) => r.clone(),
                _ => String::new(),
            };
            match outcome {
                Outcome::Success => {},
                Outcome::RolledBack | Outcome::Unhealthy => {
                    println!(
                        "::warning title={}::{}",
                        escape_property(&title),
                        escape_data(&text)
                    );
                },
                _ => println!(
                    "::error title={}::{}",
                    escape_property(&title),
                    escape_data(&text)
                ),
            }
        }
    }

    /// Prints the end of a run: the JSON report, or a summary table; writes the
    /// GitHub job summary. Returns the run's outcome.
    pub fn finish(
        &self,
        command: &str,
        hosts: Vec<HostReport>,
        dry_run: bool,
        plan: Option<serde_json::Value>,
    ) -> Outcome {
        self.finish_with(command, hosts, dry_run, plan, &Ending::default())
    }

    /// [`Printer::finish`], with a command's own ending: no summary table
    /// (its output is elsewhere, such as Markdown on stdout), or its own
    /// GitHub job summary.
    pub fn finish_with(
        &self,
        command: &str,
        hosts: Vec<HostReport>,
        dry_run: bool,
        plan: Option<serde_json::Value>,
        ending: &Ending,
    ) -> Outcome {
        let outcome = Outcome::worst(hosts.iter().filter_map(|h| h.outcome));
        if let Some(multi) = &self.multi {
            let _ = multi.clear();
        }
        let report = Report {
            version: REPORT_VERSION,
            ployctl_version: env!("CARGO_PKG_VERSION"),
            command: command.to_owned(),
            ok: outcome == Outcome::Success,
            outcome,
            exit_code: outcome.code(),
            dry_run,
            plan,
            hosts,
        };
        if self.options.github_actions {
            match &ending.github_summary {
                Some(md) => append_github_summary(md),
                None => write_github_summary(&report),
            }
            write_github_outputs(&report);
        }
        if self.options.style == Style::Json {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("report serializes")
            );
            return outcome;
        }
        if !dry_run && !ending.no_table {
            let mut out = std::io::stdout().lock();
            for h in &report.hosts {
                let word = match h.outcome {
                    None => style("not started").dim().bold(),
                    Some(o @ Outcome::Success) => style(o.word()).green().bold(),
                    Some(o @ (Outcome::RolledBack | Outcome::Unhealthy)) => {
                        style(o.word()).yellow().bold()
                    },
                    Some(o) => style(o.word()).red().bold(),
                };
                let mut line = format!("{:<16} {word}", h.host);
                match (h.release(), h.current()) {
                    (Some(r), Some(c)) if r != c => line.push_str(&format!("  {r} → current {c}")),
                    (_, Some(c)) => line.push_str(&format!("  current {c}")),
                    (Some(r), None) => line.push_str(&format!("  {r}")),
                    _ => {},
                }
                if let Some(reason) = &h.reason {
                    line.push_str(&format!("  ({reason})"));
                }
                let _ = writeln!(out, "{line}");
                if let Some(hint) = &h.hint {
                    let _ = writeln!(out, "{:<16} hint: {hint}", "");
                }
            }
        }
        outcome
    }
}

/// How a command ends its human output (see [`Printer::finish_with`]).
#[derive(Debug, Clone, Default)]
pub struct Ending {
    /// Print no summary table.
    pub no_table: bool,
    /// The GitHub job summary to append instead of the summary table.
    pub github_summary: Option<String>,
}

/// Escapes a GitHub Actions workflow-command message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a GitHub Actions workflow-command property.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn write_github_summary(report: &Report) {
    let mut md = format!("### ployctl {}: {}\n\n| host | outcome | release | current | reason |\n|---|---|---|---|---|\n", report.command, report.outcome.word());
    for h in &report.hosts {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            h.host,
            h.outcome.map_or("?", |o| o.word()),
            h.release().unwrap_or(""),
            h.current().unwrap_or(""),
            h.reason.as_deref().unwrap_or("").replace('|', "\\|")
        ));
    }
    append_github_summary(&md);
}

/// Writes the step's outputs to `$GITHUB_OUTPUT`, when set: `outcome`,
/// `exit-code`, `report` (the `--json` report) and, per host,
/// `result-HOST` and `release-HOST` (the host name with every character other
/// than a letter, digit, `-` or `_` made `_`).
fn write_github_outputs(report: &Report) {
    let Some(path) = std::env::var_os("GITHUB_OUTPUT") else {
        return;
    };
    let json = serde_json::to_string_pretty(report).expect("report serializes");
    let delimiter = std::iter::repeat_with(random_delimiter)
        .find(|d| !json.contains(d.as_str()))
        .expect("a delimiter not in the report");
    let text = github_outputs(report, &json, &delimiter);
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
    {
        let _ = file.write_all(text.as_bytes());
    }
}

/// The `$GITHUB_OUTPUT` text of a report (see [`write_github_outputs`]);
/// multi-line values use `delimiter`, which must not occur in them.
pub fn github_outputs(report: &Report, json: &str, delimiter: &str) -> String {
    let mut out = String::new();
    let mut put = |name: &str, value: &str| {
        if value.contains('\n') || value.contains('\r') || value.contains(delimiter) {
            out.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
        } else {
            out.push_str(&format!("{name}={value}\n"));
        }
    };
    // The words of the --json report ("success", "rolled_back", …).
    let word = |o: Outcome| {
        serde_json::to_value(o)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    put("outcome", &word(report.outcome));
    put("exit-code", &report.exit_code.to_string());
    put("report", json);
    for h in &report.hosts {
        let slug = output_name(&h.host);
        put(
            &format!("result-{slug}"),
            &h.outcome.map_or_else(|| "not_started".to_owned(), word),
        );
        if let Some(release) = h.release().or(h.current()) {
            put(&format!("release-{slug}"), release);
        }
    }
    out
}

/// A host name as a GitHub output name.
pub fn output_name(host: &str) -> String {
    host.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A delimiter nobody can predict (the hasher's keys are random per process),
/// so a value cannot end the multi-line block early.
fn random_delimiter() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut parts = [0u64; 2];
    for part in &mut parts {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        *part = h.finish();
    }
    format!("ployctl_{:016x}{:016x}", parts[0], parts[1])
}

/// Appends Markdown to `$GITHUB_STEP_SUMMARY`, when set.
pub fn append_github_summary(md: &str) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return;
    };
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
    {
        let _ = file.write_all(md.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_outputs_block_multi_line_values_and_name_hosts_safely() {
        let report = Report {
            version: REPORT_VERSION,
            ployctl_version: "0",
            command: "deploy".into(),
            ok: false,
            outcome: Outcome::Failed,
            exit_code: Outcome::Failed.code(),
            dry_run: false,
            plan: None,
            hosts: vec![HostReport {
                host: "eu.west:1".into(),
                destination: "local".into(),
                outcome: Some(Outcome::Failed),
                exit_code: Outcome::Failed.code(),
                details: Default::default(),
                reason: None,
                hint: None,
                warnings: Vec::new(),
                batch: None,
                steps: Vec::new(),
                duration_ms: 0,
            }],
        };
        let text = github_outputs(&report, "{\n  \"a\": 1\n}", "D1");
        assert_eq!(
            text,
            format!(
                "outcome=failed\nexit-code={}\nreport<<D1\n{{\n  \"a\": 1\n}}\nD1\nresult-eu_west_1=failed\n",
                Outcome::Failed.code()
            )
        );
        assert_ne!(random_delimiter(), random_delimiter());
        assert_eq!(output_name("host-1_a.b"), "host-1_a_b");
    }

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
