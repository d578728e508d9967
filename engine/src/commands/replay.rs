//! `ploy replay FILE.jsonl [--json]`: the strategy on a recorded session with
//! a historical clock and the paper exchange; prints orders, fills, P&L and
//! the largest inventory. No network, no database; the same file gives the
//! same report every time.

use std::path::Path;

use super::{load_settings, CommandError, CommandResult};
use crate::cli::ReplayArgs;
use crate::exit;
use crate::market_data::recording;
use crate::trading::replay;

/// Replays and reports.
pub fn run(config: Option<&Path>, args: &ReplayArgs) -> CommandResult {
    let settings = load_settings(config)?;
    let cfg = &settings.config;
    let strict = args.strict || cfg.market_data.recording_strict;
    let read = recording::read(&args.file, strict).map_err(|e| {
        CommandError::usage(format!("{e}\n  hint: record a session with `ploy record`, or use engine/recordings/sample.jsonl; without --strict a bad line is skipped"))
    })?;
    let events = read.events();
    if events.is_empty() {
        return Err(CommandError::usage(format!(
            "the recording {} holds no events{}\n  hint: record a session with `ploy record`, or use engine/recordings/sample.jsonl",
            args.file.display(),
            read.skipped_summary().map(|s| format!(": {s}")).unwrap_or_default()
        )));
    }
    if let Some(summary) = read.skipped_summary() {
        eprintln!("warning: {summary}");
    }
    // `--policy`, else the config's `strategy.policy = "bandit"` model.
    let policy = args.policy.clone().or_else(|| {
        (cfg.strategy.policy == crate::config::Policy::Bandit)
            .then(|| cfg.strategy.policy_model.clone())
            .flatten()
    });
    let core = crate::pipeline::core_config(cfg, "replay");
    let report = match policy {
        None => replay::run_paired(
            &events,
            &read.complements(),
            core,
            cfg.risk.clone(),
            cfg.paper.clone(),
            &mut |_, _, _| {},
        ),
        Some(path) => with_policy(&events, core, cfg, &path)?,
    };
    if args.json {
        let mut value = serde_json::to_value(&report).expect("report serializes");
        value["skipped_lines"] = serde_json::to_value(&read.skipped).expect("serializes");
        println!(
            "{}",
            serde_json::to_string_pretty(&value).expect("report serializes")
        );
        return Ok(exit::OK);
    }
    let s = &report.stats;
    println!(
        "replayed {} events from {} ({:.0} s of market time; {} bad line(s) skipped)",
        report.events,
        args.file.display(),
        (report.to_ms - report.from_ms) as f64 / 1000.0,
        read.skipped.len()
    );
    println!(
        "orders: {} placed, {} cancels, {} rejected, {} refused by risk",
        s.placed,
        s.cancels,
        s.rejected,
        s.refused.values().sum::<u64>()
    );
    for (reason, n) in &s.refused {
        println!("  refused ({reason}): {n}");
    }
    println!("fills: {}", report.fills.len());
    for f in report.fills.iter().take(args.show_fills) {
        println!(
            "  {} {} {} {} @ {} fee {} ({})",
            f.ts_ms,
            f.client_id,
            f.side,
            f.size,
            f.price,
            f.fee,
            short(f.token.as_str())
        );
    }
    if report.fills.len() > args.show_fills {
        println!(
            "  … {} more (--show-fills N, or --json)",
            report.fills.len() - args.show_fills
        );
    }
    for (token, t) in &report.tokens {
        println!(
            "token {}: position {}, realized {}, unrealized {}, fees {}, max inventory {}",
            short(token.as_str()),
            t.position,
            t.realized_pnl,
            t.unrealized_pnl,
            t.fees,
            t.max_inventory
        );
    }
    println!(
        "P&L {} USDC, max inventory {} shares",
        report.total_pnl, report.max_inventory
    );
    Ok(exit::OK)
}

#[cfg(feature = "rl")]
fn with_policy(
    events: &[(i64, crate::market_data::MarketEvent)],
    core: crate::trading::CoreConfig,
    cfg: &crate::config::Config,
    path: &Path,
) -> Result<replay::ReplayReport, CommandError> {
    let model = super::rl::imp::load_model(path)?;
    let settings = crate::rl::train::Settings {
        core,
        risk: cfg.risk.clone(),
        paper: cfg.paper.clone(),
    };
    let (report, choices) =
        crate::rl::eval::run_policy(events, &settings, &model, cfg.strategy.policy_max_ticks);
    let chosen: Vec<String> = choices
        .iter()
        .map(|(ticks, n)| format!("{ticks} tick(s) ×{n}"))
        .collect();
    eprintln!(
        "policy {}: half-spreads chosen {}",
        path.display(),
        if chosen.is_empty() {
            "none (no book)".to_owned()
        } else {
            chosen.join(", ")
        }
    );
    Ok(report)
}

#[cfg(not(feature = "rl"))]
fn with_policy(
    _events: &[(i64, crate::market_data::MarketEvent)],
    _core: crate::trading::CoreConfig,
    _cfg: &crate::config::Config,
    _path: &Path,
) -> Result<replay::ReplayReport, CommandError> {
    Err(super::rl::missing())
}

fn short(token: &str) -> String {
    if token.len() > 12 {
        format!("{}…{}", &token[..6], &token[token.len() - 4..])
    } else {
        token.to_owned()
    }
}
