//! `ploy check-config [--connect] [--json]`: validate config and environment
//! without starting; optionally try the database, the market-data source, the
//! exchange (latency and this host's clock skew against `GET /time`) and
//! Polymarket's geoblock check.
//!
//! ployctl runs this with the new binary against the host's config before it
//! touches the running service, and with the current one for
//! `validate-config` and `daily-check`. The JSON is [`ConfigCheckReport`];
//! secrets appear by name only.

use std::path::Path;
use std::time::{Duration, Instant};

use ploy_api::{ConfigCheckReport, ConfigProblem, ConnectChecks};

use super::{CommandError, CommandResult};
use crate::cli::CheckConfigArgs;
use crate::config::{self, ConfigError, Env, MarketDataSource, Mode, Settings};
use crate::exchange::ClobClient;
use crate::exit;
use crate::health::Check;
use crate::service::market_data_probe;
use crate::storage;

/// Checks and reports.
pub async fn run(config_flag: Option<&Path>, args: &CheckConfigArgs) -> CommandResult {
    let process = Env::from_process();
    let path = config::resolve_path(config_flag, &process);
    let env = config::environment(&path, process.clone()).unwrap_or(process);
    let mut report = ConfigCheckReport {
        config: path.path().map(|p| p.display().to_string()),
        ..ConfigCheckReport::default()
    };
    let settings = match super::load_settings(config_flag) {
        Ok(s) => s,
        Err(e) => {
            report.problems = problems(&e);
            report.secrets = config::secret_presence(&env, declared_live(path.path(), &env));
            print_report(&report, false, args.json);
            // The JSON report holds the problems; a terminal gets them as the error.
            return if args.json {
                Ok(exit::CONFIG)
            } else {
                Err(e.into())
            };
        },
    };
    let cfg = &settings.config;
    report.mode = Some(cfg.mode.as_str().to_owned());
    report.database = Some(settings.database_url.redacted());
    report.bind = Some(cfg.server.bind.to_string());
    report.market_data = Some(source_name(cfg.market_data.source).to_owned());
    report.secrets = config::secret_presence(&env, cfg.mode == Mode::Live);
    let mut code = exit::OK;
    if args.connect {
        let needs_exchange =
            cfg.mode == Mode::Live || cfg.market_data.source == MarketDataSource::Exchange;
        let market_data = async {
            match market_data_probe(&settings, None) {
                Ok(probe) => probe.probe().await,
                Err(e) => Check::down(Duration::ZERO, e.to_string()),
            }
        };
        let (database, market_data, exchange, geoblock) = tokio::join!(
            check_database(&settings),
            market_data,
            check_exchange(&settings, needs_exchange),
            check_geoblock(&settings, cfg.mode == Mode::Live),
        );
        if !database.is_up() {
            code = exit::DATABASE;
        }
        let exchange_failed = [&market_data, &exchange, &geoblock]
            .iter()
            .any(|c| !c.is_up() && ploy_api::config_check::is_required(c));
        if exchange_failed && code == exit::OK {
            code = exit::EXCHANGE;
        }
        report.connect = Some(ConnectChecks {
            database,
            market_data,
            exchange: Some(exchange),
            geoblock: Some(geoblock),
        });
    }
    print_report(&report, code == exit::OK, args.json);
    match code {
        exit::OK => Ok(exit::OK),
        code if args.json => Ok(code),
        exit::DATABASE => Err(CommandError::database(
            "the database check failed (see above)\n  hint: check DATABASE_URL and that the server is up",
        )),
        _ => Err(CommandError::exchange(
            "a connection check failed (see above)\n  hint: check exchange.clob_url, exchange.ws_url and this host's network",
        )),
    }
}

fn source_name(source: MarketDataSource) -> &'static str {
    match source {
        MarketDataSource::Exchange => "exchange",
        MarketDataSource::Recording => "recording",
    }
}

/// Whether a config that did not load asks for live mode (`PLOY_MODE`, else
/// its `mode` key), so the secrets live mode needs are still named.
fn declared_live(file: Option<&Path>, env: &Env) -> bool {
    let from_file = || {
        let text = std::fs::read_to_string(file?).ok()?;
        let value: toml::Table = toml::from_str(&text).ok()?;
        value.get("mode")?.as_str().map(str::to_owned)
    };
    env.get("PLOY_MODE")
        .map(str::to_owned)
        .or_else(from_file)
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("live"))
}

fn problems(error: &ConfigError) -> Vec<ConfigProblem> {
    error
        .problems
        .iter()
        .map(|p| ConfigProblem {
            location: p.origin.to_string(),
            key: p.key.clone(),
            message: p.message.clone(),
            hint: p.hint.clone(),
        })
        .collect()
}

/// Prints the report: JSON on stdout, or lines (the loaded config's summary
/// only when it loaded).
fn print_report(report: &ConfigCheckReport, ok: bool, json: bool) {
    let mut report = report.clone();
    report.ok = ok;
    if json {
        let text = serde_json::to_string(&report).unwrap_or_default();
        println!("{}", crate::redact::scrub(&text));
        return;
    }
    if report.mode.is_some() {
        println!(
            "config OK: {} (mode {}, database {}, listening on {})",
            report.config.as_deref().unwrap_or("built-in defaults"),
            report.mode.as_deref().unwrap_or("?"),
            report.database.as_deref().unwrap_or("?"),
            report.bind.as_deref().unwrap_or("?"),
        );
    }
    for s in &report.secrets {
        let state = match (s.present, s.required) {
            (true, _) => "set",
            (false, true) => "MISSING (required)",
            (false, false) => "not set",
        };
        println!("  secret {:<24} {state}", s.name);
    }
    if let Some(connect) = &report.connect {
        for (name, check) in connect.iter() {
            match &check.error {
                None => println!(
                    "  ✓ {name}: reachable ({:.1} ms){}",
                    check.latency_ms,
                    skew(check)
                ),
                Some(error) => {
                    let mark = if ploy_api::config_check::is_required(check) {
                        "✗"
                    } else {
                        "-"
                    };
                    let note = if ploy_api::config_check::is_required(check) {
                        ""
                    } else {
                        " (not needed by this config)"
                    };
                    println!("  {mark} {name}: {}{note}", crate::redact::scrub(error));
                },
            }
        }
    }
}

fn skew(check: &Check) -> String {
    check
        .detail
        .get("clock_skew_ms")
        .and_then(serde_json::Value::as_i64)
        .map(|ms| format!(", clock skew {ms:+} ms"))
        .unwrap_or_default()
}

async fn check_database(settings: &Settings) -> Check {
    let started = Instant::now();
    match storage::connect(&settings.database_url, &settings.config.database).await {
        Ok(store) => {
            let result = store.ping().await;
            store.close().await;
            match result {
                Ok(()) => Check::up(started.elapsed()),
                Err(e) => Check::down(started.elapsed(), e.to_string()),
            }
        },
        Err(e) => Check::down(started.elapsed(), e.to_string()),
    }
    .with("url", settings.database_url.redacted())
}

/// The exchange's `GET /time`: latency, and this host's clock minus the
/// exchange's at the middle of the request (the exchange answers in whole
/// seconds, so the middle of its second is the estimate: ±500 ms).
async fn check_exchange(settings: &Settings, required: bool) -> Check {
    let cfg = &settings.config;
    let started = Instant::now();
    let url = cfg
        .exchange
        .clob_url
        .join("time")
        .map_or_else(|_| cfg.exchange.clob_url.to_string(), |u| u.to_string());
    let check = match ClobClient::new(cfg.exchange.clob_url.clone(), cfg.health.check_timeout) {
        Err(e) => Check::down(started.elapsed(), e.to_string()),
        Ok(client) => {
            let sent_ms = crate::clock::wall_ms();
            match client.server_time().await {
                Ok((seconds, rtt)) => {
                    let middle = sent_ms + i64::try_from(rtt.as_millis() / 2).unwrap_or(0);
                    let skew = middle - (seconds.saturating_mul(1000) + 500);
                    Check::up(rtt)
                        .with("server_time", seconds)
                        .with("clock_skew_ms", skew)
                },
                Err(e) => Check::down(started.elapsed(), e.to_string()),
            }
        },
    };
    check.with("url", url).with("required", required)
}

/// Polymarket's geoblock check: whether it serves this host's IP. A blocked
/// region is down; in paper mode nothing depends on it.
async fn check_geoblock(settings: &Settings, required: bool) -> Check {
    let url = settings.config.exchange.geoblock_url.clone();
    let started = Instant::now();
    let answer = crate::exchange::geoblock::ask(&url, settings.config.health.check_timeout);
    let check = match answer.await {
        Ok(g) => {
            let place = format!(
                "{}{}",
                g.country.as_deref().unwrap_or("?"),
                g.region
                    .as_deref()
                    .filter(|r| !r.is_empty())
                    .map(|r| format!("-{r}"))
                    .unwrap_or_default()
            );
            let check = if g.blocked {
                Check::down(
                    started.elapsed(),
                    format!("Polymarket does not serve this host's IP (located in {place}); orders from it are rejected"),
                )
            } else {
                Check::up(started.elapsed())
            };
            check
                .with("blocked", g.blocked)
                .with("country", g.country.unwrap_or_default())
                .with("region", g.region.unwrap_or_default())
                .with("ip", g.ip.unwrap_or_default())
        },
        Err(e) => Check::down(started.elapsed(), e),
    };
    check
        .with("url", url.to_string())
        .with("required", required)
}
