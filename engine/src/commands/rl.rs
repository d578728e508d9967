//! `ploy rl train|eval|generate`: the learning quoting policy of
//! [`crate::rl`]. Built only with the `rl` feature; without it each says
//! how to build it (the command line is the same either way, so the man
//! pages and completions do not depend on the build).

use std::path::Path;

#[cfg(not(feature = "rl"))]
use super::CommandError;
use super::CommandResult;
use crate::cli::RlCommand;

/// What a build without the feature says.
#[cfg(not(feature = "rl"))]
pub fn missing() -> CommandError {
    CommandError::usage(
        "this ploy was built without the `rl` feature\n  hint: build it with `cargo build --release -p ploy --features rl`",
    )
}

/// Runs `ploy rl …`.
#[cfg(not(feature = "rl"))]
pub fn run(_config: Option<&Path>, _command: RlCommand) -> CommandResult {
    Err(missing())
}

/// Runs `ploy rl …`.
#[cfg(feature = "rl")]
pub fn run(config: Option<&Path>, command: RlCommand) -> CommandResult {
    match command {
        RlCommand::Train(args) => imp::train(config, &args),
        RlCommand::Eval(args) => imp::eval(config, &args),
        RlCommand::Generate(args) => imp::generate(&args),
    }
}

#[cfg(feature = "rl")]
pub(crate) mod imp {
    use std::path::{Path, PathBuf};

    use super::super::{load_settings, CommandError, CommandResult};
    use crate::cli::{RlEvalArgs, RlGenerateArgs, RlTrainArgs};
    use crate::exit;
    use crate::market_data::recording;
    use crate::rl::eval::{self, approx};
    use crate::rl::model::BanditModel;
    use crate::rl::synth::{self, Regimes};
    use crate::rl::train::{self, Session, Settings, TrainConfig};

    /// The engine's settings for replays, from the config.
    pub(crate) fn settings(config: Option<&Path>) -> Result<Settings, CommandError> {
        let settings = load_settings(config)?;
        let cfg = &settings.config;
        Ok(Settings {
            core: crate::pipeline::core_config(cfg, "rl"),
            risk: cfg.risk.clone(),
            paper: cfg.paper.clone(),
        })
    }

    /// Every `*.jsonl` in `dir`, by name, with its events.
    pub(crate) fn sessions(dir: &Path) -> Result<Vec<Session>, CommandError> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| {
                CommandError::usage(format!("cannot read the folder {}: {e}", dir.display()))
            })?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(CommandError::usage(format!(
                "{} holds no recordings (*.jsonl)\n  hint: `ploy rl generate --out {}` writes synthetic ones; `ploy record` real ones",
                dir.display(),
                dir.display()
            )));
        }
        files
            .iter()
            .map(|path| {
                let read =
                    recording::read(path, false).map_err(|e| CommandError::usage(e.to_string()))?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Ok((name, read.events()))
            })
            .collect()
    }

    fn bar(total: u64, what: &str) -> indicatif::ProgressBar {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{what} {{bar:40}} {{pos}}/{{len}} {{elapsed}}"
            ))
            .expect("a valid template"),
        );
        bar
    }

    pub(crate) fn train(config: Option<&Path>, args: &RlTrainArgs) -> CommandResult {
        let settings = settings(config)?;
        let sessions = sessions(&args.recordings)?;
        let mut arms = args.arms.clone();
        arms.sort_unstable();
        arms.dedup();
        let window_ms = i64::try_from(args.window.as_millis()).unwrap_or(i64::MAX);
        if !(100..=3_600_000).contains(&window_ms) {
            return Err(CommandError::usage(
                "--window must be 100ms to 1h of market time",
            ));
        }
        let train_config = TrainConfig {
            arms_ticks: arms,
            window_ms,
            seed: args.seed,
            ..TrainConfig::default()
        };
        let bar = bar(0, "training");
        let model = train::train(&sessions, &settings, &train_config, &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        });
        bar.finish_and_clear();
        let text = model.to_json();
        std::fs::write(&args.out, &text).map_err(|e| {
            CommandError::failed(format!("cannot write {}: {e}", args.out.display()))
        })?;
        if args.json {
            println!(
                "{}",
                serde_json::json!({
                    "model": args.out,
                    "sessions": sessions.len(),
                    "decisions": model.decisions,
                    "arms_ticks": model.arms_ticks,
                    "window_ms": model.window_ms,
                    "seed": model.seed,
                })
            );
        } else {
            println!(
                "trained on {} recordings ({} decisions, arms {:?} ticks, window {} ms, seed {}): {}",
                sessions.len(),
                model.decisions,
                model.arms_ticks,
                model.window_ms,
                model.seed,
                args.out.display()
            );
            println!(
                "  next: ploy rl eval --model {} --recordings HELD_OUT_DIR",
                args.out.display()
            );
        }
        Ok(exit::OK)
    }

    pub(crate) fn load_model(path: &Path) -> Result<BanditModel, CommandError> {
        BanditModel::load(path).map_err(|e| {
            CommandError::usage(format!(
                "{e}\n  hint: train one with `ploy rl train --recordings DIR --out {}`",
                path.display()
            ))
        })
    }

    pub(crate) fn eval(config: Option<&Path>, args: &RlEvalArgs) -> CommandResult {
        let settings = settings(config)?;
        let cfg = load_settings(config)?.config;
        let model = load_model(&args.model)?;
        let sessions = sessions(&args.recordings)?;
        let bar = bar(sessions.len() as u64, "evaluating");
        let report = eval::evaluate(
            &sessions,
            &settings,
            &model,
            cfg.strategy.policy_max_ticks,
            args.seed,
            &mut |done, _| bar.set_position(done),
        );
        bar.finish_and_clear();
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("a report serializes")
            );
            return Ok(exit::OK);
        }
        println!(
            "{:<28} {:>10} {:>7} {:>8}",
            "file", "policy", "fills", "max inv"
        );
        for f in &report.files {
            let fixed: Vec<String> = f
                .fixed
                .iter()
                .map(|r| format!("{}t {}", r.ticks, r.result.pnl.round_dp(2)))
                .collect();
            println!(
                "{:<28} {:>10} {:>7} {:>8}  fixed: {}",
                f.file,
                f.policy.pnl.round_dp(2),
                f.policy.fills,
                f.policy.max_inventory,
                fixed.join(", ")
            );
        }
        println!(
            "policy: P&L {} USDC (95% CI {} to {}), {} fills, max inventory {}",
            report.policy.pnl.round_dp(2),
            report.policy.ci95[0].round_dp(2),
            report.policy.ci95[1].round_dp(2),
            report.policy.fills,
            report.policy.max_inventory
        );
        for e in &report.fixed {
            println!(
                "fixed {} tick(s): P&L {} (95% CI {} to {}); the policy's edge {} (95% CI {} to {}), better on {} of {} files",
                e.ticks,
                e.total.pnl.round_dp(2),
                e.total.ci95[0].round_dp(2),
                e.total.ci95[1].round_dp(2),
                e.edge.round_dp(2),
                e.edge_ci95[0].round_dp(2),
                e.edge_ci95[1].round_dp(2),
                e.policy_wins,
                report.files.len()
            );
        }
        if let Some(best) = eval::best_fixed(&report) {
            let edge = report.fixed.iter().find(|e| e.ticks == best);
            println!(
                "best fixed spread here: {best} tick(s); the policy {} it by {:.2} USDC",
                if edge.is_some_and(|e| e.edge > rust_decimal::Decimal::ZERO) {
                    "beats"
                } else {
                    "trails"
                },
                edge.map_or(0.0, |e| approx(e.edge.abs()))
            );
        }
        Ok(exit::OK)
    }

    /// `1-20`, `3,7`, `1-3,9`.
    pub(crate) fn parse_seeds(text: &str) -> Result<Vec<u64>, String> {
        let mut out = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b): (u64, u64) = (
                        a.trim()
                            .parse()
                            .map_err(|_| format!("{part:?}: not a range"))?,
                        b.trim()
                            .parse()
                            .map_err(|_| format!("{part:?}: not a range"))?,
                    );
                    if a > b || b - a > 10_000 {
                        return Err(format!(
                            "{part:?}: a range is low-high, at most 10,000 seeds"
                        ));
                    }
                    out.extend(a..=b);
                },
                None => out.push(part.parse().map_err(|_| format!("{part:?}: not a seed"))?),
            }
        }
        if out.is_empty() {
            return Err("no seeds".to_owned());
        }
        Ok(out)
    }

    pub(crate) fn generate(args: &RlGenerateArgs) -> CommandResult {
        let seeds =
            parse_seeds(&args.seeds).map_err(|e| CommandError::usage(format!("--seeds {e}")))?;
        std::fs::create_dir_all(&args.out).map_err(|e| {
            CommandError::failed(format!("cannot create {}: {e}", args.out.display()))
        })?;
        let regimes = if args.control {
            Regimes::CalmOnly
        } else {
            Regimes::Alternating
        };
        for seed in &seeds {
            let messages = synth::session(*seed, regimes, args.minutes, 1_764_000_000_000);
            let path = args.out.join(format!(
                "synthetic-{}{seed:03}.jsonl",
                if args.control { "control-" } else { "" }
            ));
            std::fs::write(&path, synth::to_jsonl(&messages)).map_err(|e| {
                CommandError::failed(format!("cannot write {}: {e}", path.display()))
            })?;
        }
        println!(
            "wrote {} {} recording(s) of {} min into {}",
            seeds.len(),
            if args.control {
                "calm-only"
            } else {
                "calm/toxic"
            },
            args.minutes,
            args.out.display()
        );
        Ok(exit::OK)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn seeds_read_as_ranges_and_lists() {
            assert_eq!(parse_seeds("1-3,9").unwrap(), vec![1, 2, 3, 9]);
            assert_eq!(parse_seeds("101-103").unwrap(), vec![101, 102, 103]);
            assert!(
                parse_seeds("3-1").is_err()
                    && parse_seeds("x").is_err()
                    && parse_seeds("").is_err()
            );
        }
    }
}
