//! `ployctl incident stuck-orders -H HOSTS [--older-than 2m] [--fix [--yes]]`:
//! the stuck-orders runbook as a command.
//!
//! It reads the order queue's depth twice a few seconds apart (is it
//! growing?) and runs the host's `ploy check-orders`: every order stored as
//! pending or open for longer than the threshold, looked up on the exchange
//! by its hash with the host's keys (never signing or posting), with the
//! decision the engine's reconciliation takes: adopt, settle with its
//! fills, mark cancelled, mark failed, keep. It changes nothing without
//! `--fix`, and nothing at all when the exchange cannot be asked.
//!
//! `--fix` prints the plan, asks at a terminal (`--yes` for CI), then per
//! host under the deploy lock: halts trading, restarts the engine (its
//! start-of-run reconciliation applies the decisions before it sends
//! anything), proves it healthy, checks again to show the result, and puts
//! back the previous kill-switch state only once the queue is under its
//! threshold. Each fix is audited. It never signs a new order.

use std::io::{BufRead, IsTerminal, Write};
use std::time::{Duration, Instant};

use ploy_api::{OrderDecision, OrdersCheck, TradingState};
use serde::Serialize;

use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, within, Access};
use crate::inventory::Host;
use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::remote::checks::check_orders_script;
use crate::remote::ScriptOutput;
use crate::report::Details;
use crate::session::{audit_change, Context, Failure, HostSession, LockOptions};

/// Resolved `incident stuck-orders` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StuckOrdersOptions {
    /// Orders younger than this are left out.
    pub older_than: Duration,
    /// Apply the decisions.
    pub fix: bool,
    /// Do not ask.
    pub yes: bool,
    /// How long the kill switch may take to confirm.
    pub timeout: Duration,
    /// The lock.
    pub lock_wait: Option<Duration>,
    /// Break a held lock.
    pub force_unlock: bool,
}

/// What `incident stuck-orders` found (and did) on a host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StuckOrdersDetails {
    /// The queue's depth, twice a few seconds apart.
    pub queue_depths: Vec<u64>,
    /// `/health`'s threshold for the queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_max: Option<u64>,
    /// What `ploy check-orders` said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<OrdersCheck>,
    /// `--fix`: the steps, as planned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plan: Vec<String>,
    /// `--fix`: what `ploy check-orders` said afterwards.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<OrdersCheck>,
    /// `--fix`: the kill switch after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trading_state: Option<TradingState>,
}

/// `ployctl incident stuck-orders`.
pub async fn stuck_orders(ctx: &Context, hosts: &[Host], options: &StuckOrdersOptions) -> Outcome {
    let mut reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        within(
            Duration::from_secs(90),
            "stuck orders",
            diagnose(ctx, session, report, options),
        )
        .await
    })
    .await;
    let to_fix: Vec<Host> = hosts
        .iter()
        .zip(&reports)
        .filter(|(_, r)| needs_fix(r))
        .map(|(h, _)| h.clone())
        .collect();
    if !options.fix || to_fix.is_empty() {
        if !options.fix && !to_fix.is_empty() {
            for r in reports.iter_mut().filter(|r| needs_fix(r)) {
                r.hint = Some(format!(
                    "`ployctl incident stuck-orders -H {} --fix` applies the decisions",
                    r.host
                ));
            }
        }
        return ctx
            .printer
            .finish("incident stuck-orders", reports, false, None);
    }
    if !options.yes {
        match confirm(&to_fix, &reports) {
            Ok(true) => {},
            Ok(false) => {
                ctx.printer
                    .warn("ployctl", "not confirmed; nothing was changed");
                return ctx
                    .printer
                    .finish("incident stuck-orders", reports, false, None);
            },
            Err(why) => {
                return ctx.printer.usage_error(
                    &why,
                    Some("add --yes to apply the plan without asking (CI)"),
                )
            },
        }
    }
    let access = Access::Mutate {
        action: "incident-stuck-orders",
        release: None,
        upload: false,
    };
    let lock = LockOptions {
        wait: options.lock_wait,
        force: options.force_unlock,
    };
    let fixed = run_on_hosts(ctx, &to_fix, &access, async |session, report| {
        let found = reports
            .iter()
            .find(|r| r.host == session.host.name)
            .and_then(|r| match &r.details {
                Details::StuckOrders(d) => Some((**d).clone()),
                _ => None,
            })
            .unwrap_or_default();
        fix(ctx, session, report, found, options, lock).await
    })
    .await;
    for f in fixed {
        if let Some(slot) = reports.iter_mut().find(|r| r.host == f.host) {
            *slot = f;
        }
    }
    ctx.printer
        .finish("incident stuck-orders", reports, false, None)
}

fn needs_fix(report: &HostReport) -> bool {
    matches!(&report.details, Details::StuckOrders(d)
        if d.check.as_ref().is_some_and(|c| c.to_change() > 0 && c.undecided() == 0))
}

/// Asks once, at a terminal, whether to apply the plans shown.
fn confirm(hosts: &[Host], reports: &[HostReport]) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err("--fix changes the hosts, and there is no terminal to confirm at".to_owned());
    }
    let mut err = std::io::stderr().lock();
    for r in reports
        .iter()
        .filter(|r| hosts.iter().any(|h| h.name == r.host))
    {
        if let Details::StuckOrders(d) = &r.details {
            let _ = writeln!(err, "[{}] the plan:", r.host);
            for (i, step) in plan_for(d).iter().enumerate() {
                let _ = writeln!(err, "    {}. {step}", i + 1);
            }
        }
    }
    let _ = write!(err, "Apply it to {} host(s)? [y/N] ", hosts.len());
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// The fix's steps for a host, in words.
fn plan_for(d: &StuckOrdersDetails) -> Vec<String> {
    let counts = |decision: OrderDecision| {
        d.check.as_ref().map_or(0, |c| {
            c.orders.iter().filter(|o| o.decision == decision).count()
        })
    };
    vec![
        "halt trading (no new order while the orders are settled)".to_owned(),
        format!(
            "restart ploy: its reconciliation adopts {}, settles {} with their fills, marks {} cancelled and {} failed, before it sends anything",
            counts(OrderDecision::Adopt),
            counts(OrderDecision::Settle),
            counts(OrderDecision::MarkCancelled),
            counts(OrderDecision::MarkFailed)
        ),
        "prove it healthy and check the orders again".to_owned(),
        "put the kill switch back as it was, once the queue is under its threshold".to_owned(),
    ]
}

/// Reads the queue depth and its threshold from `/health`.
async fn queue(ctx: &Context, session: &HostSession) -> Option<(u64, Option<u64>)> {
    let look = session.probe(ctx).await;
    let check = &look.report()?.checks.order_queue;
    let number = |k: &str| check.detail.get(k).and_then(serde_json::Value::as_u64);
    Some((number("depth")?, number("max_depth")))
}

/// Runs the host's `ploy check-orders`.
async fn check_orders(session: &HostSession, older_than: Duration) -> Result<OrdersCheck, Failure> {
    let out = session
        .run(&check_orders_script(&session.prelude, older_than.as_secs()))
        .await?;
    let out = ScriptOutput::parse(&out.stdout);
    if out.get("no_binary").is_some() {
        return Err(Failure::new(
            Outcome::Failed,
            "no ploy release is installed on this host",
        ));
    }
    let text = out.block("orders").join("\n");
    let err = out.block("orders_err").join(" ");
    match (
        out.get("orders_rc"),
        serde_json::from_str::<OrdersCheck>(&text),
    ) {
        (Some("0"), Ok(check)) => Ok(check),
        (Some("5"), Ok(check)) => Ok(check),
        (rc, _) => {
            let why = crate::remote::plain_text(err.trim());
            let outcome = if rc == Some("5") {
                Outcome::Unreachable
            } else {
                Outcome::Failed
            };
            Err(Failure::new(
                outcome,
                format!(
                    "ploy check-orders failed (exit {}): {}",
                    rc.unwrap_or("?"),
                    if why.is_empty() { "no output".to_owned() } else { why }
                ),
            )
            .hint("an older release may not have check-orders: deploy this one; the database and the exchange must answer"))
        },
    }
}

fn lines(check: &OrdersCheck) -> Vec<String> {
    let mut lines = vec![format!(
        "{} order(s) stored pending or open for over {}: {} to change, {} undecided",
        check.orders.len(),
        humantime::format_duration(Duration::from_millis(
            u64::try_from(check.older_than_ms).unwrap_or(0)
        )),
        check.to_change(),
        check.undecided()
    )];
    for o in &check.orders {
        lines.push(format!(
            "  {:<26} {:<7} {:>6}s  {:<10} {:<14} {}",
            o.client_id,
            o.stored_status,
            o.age_ms / 1000,
            o.exchange_status.as_deref().unwrap_or("unknown"),
            serde_json::to_value(o.decision)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            o.why
        ));
    }
    lines
}

async fn diagnose(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &StuckOrdersOptions,
) -> Result<(), Failure> {
    let host = session.host.clone();
    let mut details = StuckOrdersDetails::default();
    ctx.printer
        .step(&host.name, StepKind::Read, "the order queue, twice");
    let first = queue(ctx, session).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let second = queue(ctx, session).await;
    details.queue_max = second.and_then(|q| q.1).or(first.and_then(|q| q.1));
    details.queue_depths = [first, second].iter().flatten().map(|q| q.0).collect();
    let queue_text = match details.queue_depths.as_slice() {
        [a, b] if b > a => format!("queue {a} → {b}: growing"),
        [a, b] => format!("queue {a} → {b}"),
        _ => "the engine does not answer /health (the database still does)".to_owned(),
    };
    ctx.printer
        .step_done(report, StepKind::Read, true, &queue_text);
    ctx.printer.step(
        &host.name,
        StepKind::CheckConfig,
        "ploy check-orders (asks the exchange by hash)",
    );
    let check = check_orders(session, options.older_than).await;
    let result = match check {
        Ok(check) => {
            ctx.printer.step_done(
                report,
                StepKind::CheckConfig,
                check.undecided() == 0,
                &format!(
                    "{} stuck, {} to change, {} undecided",
                    check.orders.len(),
                    check.to_change(),
                    check.undecided()
                ),
            );
            let mut shown = vec![queue_text];
            shown.extend(lines(&check));
            ctx.printer.result(&host.name, &shown);
            let outcome = if check.undecided() > 0 {
                Err(Failure::new(
                    Outcome::Unreachable,
                    format!(
                        "{} order(s) could not be looked up on the exchange: nothing is decided or changed",
                        check.undecided()
                    ),
                )
                .hint(format!("`ployctl validate-config -H {}` tests the exchange from the host", host.name)))
            } else if check.to_change() > 0 && !options.fix {
                Err(Failure::new(
                    Outcome::Failed,
                    format!("{} stuck order(s) to settle", check.to_change()),
                ))
            } else {
                Ok(())
            };
            details.check = Some(check);
            outcome
        },
        Err(f) => {
            ctx.printer
                .step_done(report, StepKind::CheckConfig, false, &f.reason);
            Err(f)
        },
    };
    if options.fix {
        details.plan = plan_for(&details);
    }
    report.set_details(Details::StuckOrders(Box::new(details)));
    result
}

async fn fix(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    mut details: StuckOrdersDetails,
    options: &StuckOrdersOptions,
    lock: LockOptions,
) -> Result<(), Failure> {
    let host = session.host.clone();
    let started = Instant::now();
    session
        .prepare(ctx, report, "incident stuck-orders --fix", lock, None, None)
        .await?;
    let before = session.trading_view(ctx).await.ok();
    if before.is_some() {
        super::maintenance::set_trading(
            ctx,
            session,
            report,
            TradingState::Halted,
            "incident stuck-orders --fix: settling stuck orders",
            options.timeout,
        )
        .await?;
    } else {
        ctx.printer.warn(
            &host.name,
            "the engine does not answer, so it cannot be halted first; its reconciliation at start settles the orders before it sends anything",
        );
    }
    let restarted = super::maintenance::restart_in(ctx, session, report, "live").await;
    let result = match restarted {
        Err(why) => Err(Failure::new(
            Outcome::Failed,
            format!("ploy did not come back healthy after the restart: {why}"),
        )
        .hint(format!(
            "`ployctl logs -H {} --level warn` says why; trading stays halted",
            host.name
        ))),
        Ok(()) => {
            let after = check_orders(session, options.older_than).await?;
            let left = after.to_change() + after.undecided();
            ctx.printer.result(&host.name, &lines(&after));
            details.after = Some(after);
            if left > 0 {
                Err(Failure::new(
                    Outcome::Failed,
                    format!(
                        "{left} order(s) still to settle after the restart; trading stays halted"
                    ),
                ))
            } else {
                restore(ctx, session, report, before.as_ref(), options, &mut details).await
            }
        },
    };
    let outcome = result
        .as_ref()
        .err()
        .map_or(Outcome::Success, |f| f.outcome);
    let summary = details.check.as_ref().map_or_else(String::new, |c| {
        format!("{} stuck order(s) settled by reconciliation", c.to_change())
    });
    let record = audit_change(
        ctx,
        "incident-stuck-orders",
        outcome,
        Some(match &result {
            Ok(()) => summary,
            Err(f) => format!("{summary}; stopped: {}", f.reason),
        }),
        started,
        (
            before.as_ref().map(|b| b.change.state.to_string()),
            details.trading_state.map(|s| s.to_string()),
        ),
    );
    session.append_audit(&record).await;
    report.set_details(Details::StuckOrders(Box::new(details)));
    result
}

/// Puts the kill switch back once the queue is under its threshold.
async fn restore(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    before: Option<&ploy_api::TradingStateView>,
    options: &StuckOrdersOptions,
    details: &mut StuckOrdersDetails,
) -> Result<(), Failure> {
    let Some(before) = before else {
        return Ok(());
    };
    let (depth, max) = queue(ctx, session).await.unwrap_or((u64::MAX, None));
    let max = max.or(details.queue_max).unwrap_or(1);
    if depth >= max {
        details.trading_state = Some(TradingState::Halted);
        return Err(Failure::new(
            Outcome::Failed,
            format!("the queue is still at {depth} (threshold {max}); trading stays halted"),
        )
        .hint(format!(
            "`ployctl trading resume -H {} --reason …` once it drains",
            session.host.name
        )));
    }
    let state = super::maintenance::set_trading(
        ctx,
        session,
        report,
        before.change.state,
        "incident stuck-orders --fix: settled; back to the state before",
        options.timeout,
    )
    .await?;
    details.trading_state = Some(state);
    Ok(())
}

/// Resolved `incident rate-limit` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitOptions {
    /// The window looked at.
    pub window: Duration,
    /// `--fix`: the new `risk.max_orders_per_minute`.
    pub fix_max_orders_per_minute: Option<u32>,
    /// Do not ask.
    pub yes: bool,
    /// The lock.
    pub lock_wait: Option<Duration>,
    /// Break a held lock.
    pub force_unlock: bool,
}

/// What `incident rate-limit` found on a host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RateLimitDetails {
    /// The window, in seconds.
    pub window_seconds: u64,
    /// Log lines in the window: 429 (rate limited), 425 (restarting), 503 (unavailable).
    pub rate_limited: u64,
    /// 425s in the window's log.
    pub restarting: u64,
    /// 503s (cancel-only, post-only) in the window's log.
    pub unavailable: u64,
    /// The last such lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub last_lines: Vec<String>,
    /// `ploy_api_errors_total` per minute by kind, from two reads a few seconds apart.
    pub errors_per_minute: std::collections::BTreeMap<String, f64>,
    /// Orders placed per minute in the window (`ploy report`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orders_per_minute: Option<f64>,
    /// `risk.max_orders_per_minute` in the host's config.
    pub max_orders_per_minute: u32,
    /// The engine's backoff now: the last retry's wait, as logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backoff: Option<String>,
    /// The exchange as the host sees it (`check-config --connect`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange: Option<String>,
    /// `--fix`: the config pushed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pushed_max_orders_per_minute: Option<u32>,
}

/// `risk.max_orders_per_minute` of a config's text (the engine's default, 60, when unset).
pub fn max_orders_per_minute(config: &str) -> Result<u32, String> {
    let table: toml::Table =
        toml::from_str(config).map_err(|e| format!("the host's config: {e}"))?;
    match table
        .get("risk")
        .and_then(|r| r.get("max_orders_per_minute"))
    {
        None => Ok(60),
        Some(v) => v
            .as_integer()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("risk.max_orders_per_minute is {v:?}, not a whole number")),
    }
}

/// The config's text with `risk.max_orders_per_minute = n`: the line
/// replaced in `[risk]`, or added under it, or a `[risk]` table appended;
/// everything else (comments, order) kept.
pub fn with_max_orders_per_minute(config: &str, n: u32) -> Result<String, String> {
    let line = format!("max_orders_per_minute = {n}");
    let mut out: Vec<String> = Vec::new();
    let mut in_risk = false;
    let mut done = false;
    let header = |l: &str| {
        let t = l.trim();
        (t.starts_with('[') && !t.starts_with("[[")).then(|| {
            t.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
    };
    for l in config.lines() {
        if let Some(name) = header(l) {
            if in_risk && !done {
                out.push(line.clone());
                done = true;
            }
            in_risk = name == "risk";
        } else if in_risk && !done {
            let key = l.trim_start().split('=').next().unwrap_or("").trim();
            if key == "max_orders_per_minute" {
                out.push(line.clone());
                done = true;
                continue;
            }
        }
        out.push(l.to_owned());
    }
    if in_risk && !done {
        out.push(line.clone());
        done = true;
    }
    if !done {
        out.push(String::new());
        out.push("[risk]".to_owned());
        out.push(line);
    }
    let mut text = out.join("\n");
    text.push('\n');
    match max_orders_per_minute(&text) {
        Ok(got) if got == n => Ok(text),
        Ok(got) => Err(format!("the edited config says {got}, not {n}")),
        Err(e) => Err(e),
    }
}

/// `ployctl incident rate-limit`.
pub async fn rate_limit(ctx: &Context, hosts: &[Host], options: &RateLimitOptions) -> Outcome {
    let mut reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        within(
            Duration::from_secs(90),
            "rate limit",
            diagnose_rate(ctx, session, report, options),
        )
        .await
    })
    .await;
    let Some(n) = options.fix_max_orders_per_minute else {
        return ctx
            .printer
            .finish("incident rate-limit", reports, false, None);
    };
    let to_fix: Vec<Host> = hosts
        .iter()
        .zip(&reports)
        .filter(|(_, r)| matches!(&r.details, Details::RateLimit(d) if d.max_orders_per_minute > n))
        .map(|(h, _)| h.clone())
        .collect();
    if to_fix.is_empty() {
        ctx.printer.warn(
            "ployctl",
            &format!("no host allows more than {n} orders per minute; nothing to lower"),
        );
        return ctx
            .printer
            .finish("incident rate-limit", reports, false, None);
    }
    if !options.yes {
        let plan = format!(
            "lower risk.max_orders_per_minute to {n} on {} through `config push` (checked by the host's release, proven healthy, put back when not; `ployctl config rollback` undoes it)",
            to_fix.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join(", ")
        );
        match ask(&plan) {
            Ok(true) => {},
            Ok(false) => {
                ctx.printer
                    .warn("ployctl", "not confirmed; nothing was changed");
                return ctx
                    .printer
                    .finish("incident rate-limit", reports, false, None);
            },
            Err(why) => {
                return ctx.printer.usage_error(
                    &why,
                    Some("add --yes to apply the plan without asking (CI)"),
                )
            },
        }
    }
    let access = Access::Mutate {
        action: "config-push",
        release: None,
        upload: false,
    };
    let lock = LockOptions {
        wait: options.lock_wait,
        force: options.force_unlock,
    };
    let pushed = run_on_hosts(ctx, &to_fix, &access, async |session, report| {
        let out = session
            .run_ok(
                &crate::remote::checks::rate_limit_script(
                    &session.prelude,
                    session.host.service,
                    1,
                ),
                "reading the host's config",
            )
            .await?;
        let config = ScriptOutput::parse(&out.stdout).block("config").join("\n");
        let text = with_max_orders_per_minute(&config, n).map_err(|e| {
            Failure::new(
                Outcome::Failed,
                format!("cannot edit the host's config: {e}"),
            )
        })?;
        let candidate = super::validate_config::Candidate {
            path: format!(
                "{}:config/config.toml (risk.max_orders_per_minute = {n})",
                session.host.name
            ),
            text,
        };
        super::config::push(ctx, session, report, &candidate, lock).await
    })
    .await;
    for p in pushed {
        if let Some(slot) = reports.iter_mut().find(|r| r.host == p.host) {
            let mut p = p;
            if let Details::RateLimit(mut d) = std::mem::take(&mut slot.details) {
                if p.outcome == Some(Outcome::Success) {
                    d.pushed_max_orders_per_minute = Some(n);
                }
                p.details = Details::RateLimit(d);
            }
            *slot = p;
        }
    }
    ctx.printer
        .finish("incident rate-limit", reports, false, None)
}

/// Asks once, at a terminal.
fn ask(plan: &str) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err("--fix changes the hosts, and there is no terminal to confirm at".to_owned());
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "The plan: {plan}\nApply it? [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// `ploy_api_errors_total` by kind.
fn error_counts(text: &str) -> std::collections::BTreeMap<String, f64> {
    ["rate_limited", "restarting", "unavailable"]
        .into_iter()
        .filter_map(|kind| {
            crate::health::sample(text, "ploy_api_errors_total", &format!("kind=\"{kind}\""))
                .map(|v| (kind.to_owned(), v))
        })
        .collect()
}

async fn diagnose_rate(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &RateLimitOptions,
) -> Result<(), Failure> {
    let host = session.host.clone();
    let window = options.window.as_secs().max(1);
    let mut details = RateLimitDetails {
        window_seconds: window,
        ..RateLimitDetails::default()
    };
    ctx.printer.step(
        &host.name,
        StepKind::Read,
        "/metrics twice, the log, the config",
    );
    let interval = Duration::from_secs(5);
    let first = session.metrics(ctx).await.ok().map(|t| error_counts(&t));
    let script = crate::remote::checks::rate_limit_script(&session.prelude, host.service, window);
    let (out, ()) = tokio::join!(session.run(&script), tokio::time::sleep(interval));
    let second = session.metrics(ctx).await.ok().map(|t| error_counts(&t));
    if let (Some(a), Some(b)) = (&first, &second) {
        for (kind, after) in b {
            let before = a.get(kind).copied().unwrap_or(0.0);
            details.errors_per_minute.insert(
                kind.clone(),
                (after - before).max(0.0) * 60.0 / interval.as_secs_f64(),
            );
        }
    }
    let out = ScriptOutput::parse(&out?.stdout);
    if out.get("no_binary").is_some() {
        return Err(Failure::new(
            Outcome::Failed,
            "no ploy release is installed on this host",
        ));
    }
    details.rate_limited = out.number("rl_rate_limited").unwrap_or(0);
    details.restarting = out.number("rl_restarting").unwrap_or(0);
    details.unavailable = out.number("rl_unavailable").unwrap_or(0);
    details.last_lines = out.block_lines("rl");
    details.backoff = details.last_lines.iter().rev().find_map(|l| {
        let wait = l.split("wait=").nth(1)?.split_whitespace().next()?;
        Some(format!("retrying after {wait}"))
    });
    let config = out.block("config").join("\n");
    details.max_orders_per_minute =
        max_orders_per_minute(&config).map_err(|e| Failure::new(Outcome::Failed, e))?;
    if let Ok(r) =
        serde_json::from_str::<ploy_api::views::ReportAnswer>(&out.block("report").join("\n"))
    {
        details.orders_per_minute = Some(r.report.orders.placed as f64 * 60.0 / window as f64);
    }
    if let Ok(c) =
        serde_json::from_str::<ploy_api::ConfigCheckReport>(&out.block("check").join("\n"))
    {
        details.exchange = c.connect.and_then(|c| c.exchange).map(|e| match &e.error {
            None => format!("reachable from the host ({:.0} ms)", e.latency_ms),
            Some(err) => format!("not reachable from the host: {err}"),
        });
    }
    ctx.printer.step_done(
        report,
        StepKind::Read,
        true,
        &format!(
            "{} rate limited, {} restarting, {} unavailable in the last {}",
            details.rate_limited,
            details.restarting,
            details.unavailable,
            humantime::format_duration(Duration::from_secs(window))
        ),
    );
    let mut lines = vec![
        format!(
            "in the last {}: {} × 429 rate limited, {} × 425 restarting, {} × 503 unavailable (log)",
            humantime::format_duration(Duration::from_secs(window)),
            details.rate_limited,
            details.restarting,
            details.unavailable
        ),
        format!(
            "now: {} per minute (ploy_api_errors_total over 5s)",
            if details.errors_per_minute.is_empty() {
                "unknown (the engine does not answer /metrics)".to_owned()
            } else {
                details
                    .errors_per_minute
                    .iter()
                    .map(|(k, v)| format!("{k} {v:.1}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        format!(
            "orders: {} per minute, risk.max_orders_per_minute = {}",
            details
                .orders_per_minute
                .map_or_else(|| "?".to_owned(), |r| format!("{r:.1}")),
            details.max_orders_per_minute
        ),
    ];
    lines.extend(
        details
            .backoff
            .iter()
            .map(|b| format!("the engine's backoff: {b}")),
    );
    lines.extend(
        details
            .exchange
            .iter()
            .map(|e| format!("the exchange: {e}")),
    );
    lines.extend(details.last_lines.iter().map(|l| format!("  {l}")));
    ctx.printer.result(&host.name, &lines);
    let limited = details.rate_limited > 0
        || details
            .errors_per_minute
            .get("rate_limited")
            .is_some_and(|r| *r > 0.0);
    report.set_details(Details::RateLimit(Box::new(details)));
    if limited && options.fix_max_orders_per_minute.is_none() {
        return Err(Failure::new(
            Outcome::Failed,
            "the exchange is rate-limiting this host",
        )
        .hint(format!(
            "`ployctl incident rate-limit -H {} --fix --max-orders-per-minute N` lowers the order rate",
            host.name
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limit_is_set_in_the_risk_table_and_nothing_else_moves() {
        let config = "mode = \"live\"\n# the limits\n[risk]\nmax_position_per_market = \"100\"\nmax_orders_per_minute = 600 # busy\n\n[strategy]\nmarkets = [\"1\"]\n";
        let edited = with_max_orders_per_minute(config, 30).unwrap();
        assert_eq!(
            edited,
            "mode = \"live\"\n# the limits\n[risk]\nmax_position_per_market = \"100\"\nmax_orders_per_minute = 30\n\n[strategy]\nmarkets = [\"1\"]\n"
        );
        assert_eq!(max_orders_per_minute(config), Ok(600));
        let without = "[risk]\nmax_open_orders = 4\n[strategy]\nmarkets = []\n";
        let added = with_max_orders_per_minute(without, 20).unwrap();
        assert!(
            added.contains("[risk]\nmax_open_orders = 4\nmax_orders_per_minute = 20\n[strategy]"),
            "{added}"
        );
        let none = with_max_orders_per_minute("mode = \"paper\"\n", 10).unwrap();
        assert!(
            none.ends_with("\n[risk]\nmax_orders_per_minute = 10\n"),
            "{none}"
        );
        assert_eq!(
            max_orders_per_minute("mode = \"paper\"\n"),
            Ok(60),
            "the engine's default"
        );
        assert!(max_orders_per_minute("[risk]\nmax_orders_per_minute = \"x\"\n").is_err());
    }

    #[test]
    fn counters_are_read_by_kind() {
        let text = "ploy_api_errors_total{kind=\"rate_limited\"} 7\nploy_api_errors_total{kind=\"timeout\"} 1\n";
        let counts = error_counts(text);
        assert_eq!(counts.get("rate_limited"), Some(&7.0));
        assert!(!counts.contains_key("timeout"));
    }
}

/// Resolved `incident disk-full` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskFullOptions {
    /// Free space.
    pub fix: bool,
    /// Do not ask.
    pub yes: bool,
    /// How long the kill switch may take to confirm.
    pub timeout: Duration,
    /// The lock.
    pub lock_wait: Option<Duration>,
    /// Break a held lock.
    pub force_unlock: bool,
}

/// One filesystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filesystem {
    /// `root`, `database`, `journal`.
    pub label: String,
    /// Where it is mounted.
    pub mount: String,
    /// Size (KiB).
    pub total_kb: u64,
    /// Free (KiB).
    pub avail_kb: u64,
}

impl Filesystem {
    /// Free, in percent.
    pub fn free_percent(&self) -> u64 {
        self.avail_kb.saturating_mul(100) / self.total_kb.max(1)
    }
}

/// What `incident disk-full` found (and freed) on a host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DiskFullDetails {
    /// The filesystems of the root, the database and the journal.
    pub filesystems: Vec<Filesystem>,
    /// The largest consumers under the root (path, KiB), largest first.
    pub consumers: Vec<(String, u64)>,
    /// The journal's size, as journalctl says (systemd).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
    /// Where the database is (a PostgreSQL elsewhere is not touched).
    pub database: String,
    /// The releases a prune removes (beyond `keep_releases`; never the
    /// current, the running or the previous one).
    pub prunable: Vec<String>,
    /// `--fix`: the steps, as planned.
    pub plan: Vec<String>,
    /// `--fix`: KiB freed per step.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub freed: Vec<(String, i64)>,
    /// `--fix`: the filesystems afterwards.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<Filesystem>,
    /// `--fix`: trading was halted first (the disk was critically full).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub halted_first: bool,
}

/// A live log over this many KiB is trimmed to it.
const LOG_KEEP_KB: u64 = 10 * 1024;
/// Rotated log archives kept.
const LOG_ARCHIVES: usize = 5;
/// `journalctl --vacuum-size`.
const JOURNAL_SIZE: &str = "200M";

fn parse_usage(out: &ScriptOutput) -> (Vec<Filesystem>, Vec<(String, u64)>, Option<String>) {
    let filesystems = out
        .all("fs")
        .into_iter()
        .filter_map(|l| {
            let mut p = l.split_whitespace();
            Some(Filesystem {
                label: p.next()?.to_owned(),
                total_kb: p.next()?.parse().ok()?,
                avail_kb: p.next()?.parse().ok()?,
                mount: p.next().unwrap_or("?").to_owned(),
            })
        })
        .collect();
    let mut consumers: Vec<(String, u64)> = out
        .all("use")
        .into_iter()
        .filter_map(|l| {
            let (kb, path) = l.split_once(' ')?;
            Some((path.to_owned(), kb.parse().ok()?))
        })
        .collect();
    consumers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    (
        filesystems,
        consumers,
        out.get("journal_size").map(str::to_owned),
    )
}

fn mb(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

/// Where the database is, from the host's `check-config --json`: the SQLite
/// file's folder, or a description of a database elsewhere.
async fn database_of(session: &HostSession) -> (Option<String>, String) {
    let out = session
        .run(&crate::remote::checks::validate_script(
            &session.prelude,
            false,
        ))
        .await;
    let text = out
        .ok()
        .map(|o| ScriptOutput::parse(&o.stdout).block("check").join("\n"))
        .unwrap_or_default();
    let url = serde_json::from_str::<ploy_api::ConfigCheckReport>(&text)
        .ok()
        .and_then(|r| r.database)
        .unwrap_or_default();
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        let what = if url.is_empty() {
            "unknown (check-config did not say)".to_owned()
        } else {
            format!("{url}: not on this host's disk, not touched")
        };
        return (None, what);
    };
    let file = rest.split('?').next().unwrap_or(rest);
    let file = if file.starts_with('/') {
        file.to_owned()
    } else {
        format!("{}/{file}", session.host.root)
    };
    let dir = file
        .rsplit_once('/')
        .map_or_else(|| session.host.root.clone(), |(d, _)| d.to_owned());
    (Some(dir), format!("SQLite {file}"))
}

/// `ployctl incident disk-full`.
pub async fn disk_full(ctx: &Context, hosts: &[Host], options: &DiskFullOptions) -> Outcome {
    let mut reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        within(
            Duration::from_secs(90),
            "disk full",
            diagnose_disk(ctx, session, report, options),
        )
        .await
    })
    .await;
    if !options.fix {
        return ctx
            .printer
            .finish("incident disk-full", reports, false, None);
    }
    let to_fix: Vec<Host> = hosts
        .iter()
        .zip(&reports)
        .filter(|(_, r)| matches!(r.details, Details::DiskFull(_)))
        .map(|(h, _)| h.clone())
        .collect();
    if !options.yes {
        let plan = reports
            .iter()
            .filter_map(|r| match &r.details {
                Details::DiskFull(d) => Some(format!("{}: {}", r.host, d.plan.join("; "))),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n  ");
        match ask(&format!("\n  {plan}\n")) {
            Ok(true) => {},
            Ok(false) => {
                ctx.printer
                    .warn("ployctl", "not confirmed; nothing was changed");
                return ctx
                    .printer
                    .finish("incident disk-full", reports, false, None);
            },
            Err(why) => {
                return ctx.printer.usage_error(
                    &why,
                    Some("add --yes to apply the plan without asking (CI)"),
                )
            },
        }
    }
    let access = Access::Mutate {
        action: "incident-disk-full",
        release: None,
        upload: false,
    };
    let lock = LockOptions {
        wait: options.lock_wait,
        force: options.force_unlock,
    };
    let fixed = run_on_hosts(ctx, &to_fix, &access, async |session, report| {
        let found = reports
            .iter()
            .find(|r| r.host == session.host.name)
            .and_then(|r| match &r.details {
                Details::DiskFull(d) => Some((**d).clone()),
                _ => None,
            })
            .unwrap_or_default();
        free_space(ctx, session, report, found, options, lock).await
    })
    .await;
    for f in fixed {
        if let Some(slot) = reports.iter_mut().find(|r| r.host == f.host) {
            *slot = f;
        }
    }
    ctx.printer
        .finish("incident disk-full", reports, false, None)
}

async fn diagnose_disk(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &DiskFullOptions,
) -> Result<(), Failure> {
    let host = session.host.clone();
    ctx.printer
        .step(&host.name, StepKind::Read, "df, du, the database");
    let state = session.state().await?;
    let (db_dir, database) = database_of(session).await;
    let out = session
        .run_ok(
            &crate::remote::disk::usage_script(&session.prelude, host.service, db_dir.as_deref()),
            "reading the disk usage",
        )
        .await?;
    let (filesystems, consumers, journal) = parse_usage(&ScriptOutput::parse(&out.stdout));
    let prunable = crate::remote::release::to_prune(&state.entries(), host.keep_releases);
    let mut plan = Vec::new();
    let size_of = |path: &str| consumers.iter().find(|(p, _)| p == path).map_or(0, |c| c.1);
    if !prunable.is_empty() {
        let kb: u64 = prunable
            .iter()
            .map(|r| size_of(&format!("releases/{r}")))
            .sum();
        plan.push(format!(
            "prune {} release(s) beyond keep_releases = {} ({}; never the current, running or previous one)",
            prunable.len(),
            host.keep_releases,
            mb(kb)
        ));
    }
    plan.push(format!(
        "compress ploy's rotated logs, keep the newest {LOG_ARCHIVES}, and trim a live log over {} to its last {}",
        mb(LOG_KEEP_KB),
        mb(LOG_KEEP_KB)
    ));
    if host.service == crate::inventory::ServiceKind::Systemd {
        plan.push(format!("journalctl --vacuum-size={JOURNAL_SIZE}"));
    }
    if db_dir.is_some() {
        plan.push("checkpoint the SQLite write-ahead log (ploy db checkpoint)".to_owned());
    }
    let root = filesystems.iter().find(|f| f.label == "root").cloned();
    let critical = root
        .as_ref()
        .is_some_and(|f| f.free_percent() < u64::from(host.checks.disk_free_fail));
    if critical {
        plan.insert(
            0,
            format!(
            "halt trading first ({}% free is below disk_free_fail = {}%), and put it back after",
            root.as_ref().map_or(0, Filesystem::free_percent),
            host.checks.disk_free_fail
        ),
        );
    }
    let mut lines: Vec<String> = filesystems
        .iter()
        .map(|f| {
            format!(
                "{:<9} {:>5}% free  {} of {} on {}",
                f.label,
                f.free_percent(),
                mb(f.avail_kb),
                mb(f.total_kb),
                f.mount
            )
        })
        .collect();
    lines.push(format!("database: {database}"));
    if let Some(j) = &journal {
        lines.push(format!("journal: {j}"));
    }
    lines.push("largest under the root:".to_owned());
    lines.extend(
        consumers
            .iter()
            .take(10)
            .map(|(p, kb)| format!("  {:>10}  {p}", mb(*kb))),
    );
    if options.fix {
        lines.push("the plan:".to_owned());
        lines.extend(
            plan.iter()
                .enumerate()
                .map(|(i, s)| format!("  {}. {s}", i + 1)),
        );
    }
    ctx.printer.step_done(
        report,
        StepKind::Read,
        true,
        &root.as_ref().map_or_else(
            || "df did not answer".to_owned(),
            |f| format!("{}% free on {}", f.free_percent(), f.mount),
        ),
    );
    ctx.printer.result(&host.name, &lines);
    let warn = root
        .as_ref()
        .is_some_and(|f| f.free_percent() < u64::from(host.checks.disk_free_warn));
    report.set_details(Details::DiskFull(Box::new(DiskFullDetails {
        filesystems,
        consumers,
        journal,
        database,
        prunable,
        plan,
        ..DiskFullDetails::default()
    })));
    if (critical || warn) && !options.fix {
        return Err(Failure::new(
            Outcome::Failed,
            format!(
                "{}% free on the root's filesystem (warn below {}%, fail below {}%)",
                root.map_or(0, |f| f.free_percent()),
                host.checks.disk_free_warn,
                host.checks.disk_free_fail
            ),
        )
        .hint(format!(
            "`ployctl incident disk-full -H {} --fix` frees space in a safe order",
            host.name
        )));
    }
    Ok(())
}

async fn free_space(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    mut details: DiskFullDetails,
    options: &DiskFullOptions,
    lock: LockOptions,
) -> Result<(), Failure> {
    let host = session.host.clone();
    let started = Instant::now();
    session
        .prepare(ctx, report, "incident disk-full --fix", lock, None, None)
        .await?;
    let critical = details
        .plan
        .first()
        .is_some_and(|s| s.starts_with("halt trading"));
    let before = if critical {
        session.trading_view(ctx).await.ok()
    } else {
        None
    };
    if let Some(b) = &before {
        super::maintenance::set_trading(
            ctx,
            session,
            report,
            TradingState::Halted,
            "incident disk-full --fix: the disk is critically full",
            options.timeout,
        )
        .await?;
        details.halted_first = true;
        let _ = b;
    }
    let prelude = session.prelude.clone();
    let mut steps: Vec<(String, String)> = Vec::new();
    if !details.prunable.is_empty() {
        steps.push((
            "prune releases".to_owned(),
            crate::remote::disk::prune_script(&prelude, &details.prunable),
        ));
    }
    steps.push((
        "ploy's logs".to_owned(),
        crate::remote::disk::logs_script(&prelude, LOG_KEEP_KB, LOG_ARCHIVES),
    ));
    if host.service == crate::inventory::ServiceKind::Systemd {
        steps.push((
            "the journal".to_owned(),
            crate::remote::disk::journal_script(&prelude, JOURNAL_SIZE),
        ));
    }
    let mut failure: Option<Failure> = None;
    for (what, script) in steps {
        ctx.printer.step(&host.name, StepKind::Prune, &what);
        match session.run(&script).await {
            Ok(out) => {
                let freed = ScriptOutput::parse(&out.stdout)
                    .get("freed_kb")
                    .and_then(|v| v.trim().parse::<i64>().ok())
                    .unwrap_or(0);
                ctx.printer.step_done(
                    report,
                    StepKind::Prune,
                    true,
                    &format!(
                        "{what}: freed {}",
                        mb(u64::try_from(freed.max(0)).unwrap_or(0))
                    ),
                );
                details.freed.push((what, freed));
            },
            Err(f) => {
                ctx.printer
                    .step_done(report, StepKind::Prune, false, &f.reason);
                failure = Some(f);
                break;
            },
        }
    }
    if failure.is_none() && details.database.starts_with("SQLite") {
        ctx.printer
            .step(&host.name, StepKind::Prune, "the SQLite write-ahead log");
        let out = session
            .run(&crate::remote::disk::checkpoint_script(&prelude))
            .await?;
        let text = ScriptOutput::parse(&out.stdout)
            .block("checkpoint")
            .join("\n");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let freed_kb = (v["wal_bytes_before"].as_i64().unwrap_or(0)
            - v["wal_bytes_after"].as_i64().unwrap_or(0))
            / 1024;
        ctx.printer.step_done(
            report,
            StepKind::Prune,
            v["emptied"].as_bool().unwrap_or(false) || v.is_null(),
            &format!(
                "write-ahead log: freed {}",
                mb(u64::try_from(freed_kb.max(0)).unwrap_or(0))
            ),
        );
        details
            .freed
            .push(("the SQLite write-ahead log".to_owned(), freed_kb));
    }
    let out = session
        .run(&crate::remote::disk::usage_script(
            &prelude,
            host.service,
            None,
        ))
        .await?;
    details.after = parse_usage(&ScriptOutput::parse(&out.stdout)).0;
    if let Some(root) = details.after.iter().find(|f| f.label == "root") {
        ctx.printer.result(
            &host.name,
            &[format!(
                "now {}% free on {} ({} freed in all)",
                root.free_percent(),
                root.mount,
                mb(
                    u64::try_from(details.freed.iter().map(|f| f.1).sum::<i64>().max(0))
                        .unwrap_or(0)
                )
            )],
        );
    }
    if let (Some(b), None) = (&before, &failure) {
        if let Err(f) = super::maintenance::set_trading(
            ctx,
            session,
            report,
            b.change.state,
            "incident disk-full --fix: space freed; back to the state before",
            options.timeout,
        )
        .await
        {
            failure = Some(f);
        }
    }
    let outcome = failure.as_ref().map_or(Outcome::Success, |f| f.outcome);
    let freed_total: i64 = details.freed.iter().map(|f| f.1).sum();
    let record = audit_change(
        ctx,
        "incident-disk-full",
        outcome,
        Some(format!(
            "freed {}{}",
            mb(u64::try_from(freed_total.max(0)).unwrap_or(0)),
            failure
                .as_ref()
                .map(|f| format!("; stopped: {}", f.reason))
                .unwrap_or_default()
        )),
        started,
        (before.as_ref().map(|b| b.change.state.to_string()), None),
    );
    session.append_audit(&record).await;
    report.set_details(Details::DiskFull(Box::new(details)));
    failure.map_or(Ok(()), Err)
}
