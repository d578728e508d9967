//! `ploy check-config [--connect] [--json]`: validate config and environment
//! without starting; optionally try the database and the market-data source.
//!
//! ployctl runs this with the new binary against the host's config before it
//! touches the running service.

use std::path::Path;
use std::time::Instant;

use serde_json::{json, Value};

use super::load_settings;
use crate::cli::CheckConfigArgs;
use crate::config::{ConfigError, Settings};
use crate::exit;
use crate::health::Check;
use crate::service::market_data_probe;
use crate::storage;

/// Checks and reports.
pub async fn run(config: Option<&Path>, args: &CheckConfigArgs) -> u8 {
    let settings = match load_settings(config) {
        Ok(s) => s,
        Err(e) => return report_problems(&e, args.json),
    };
    let mut code = exit::OK;
    let mut connect = serde_json::Map::new();
    if args.connect {
        let db = check_database(&settings).await;
        if !db.is_up() {
            code = exit::DATABASE;
        }
        let md = match market_data_probe(&settings, None) {
            Ok(probe) => probe.probe().await,
            Err(e) => Check::down(std::time::Duration::ZERO, e.to_string()),
        };
        if !md.is_up() && code == exit::OK {
            code = exit::EXCHANGE;
        }
        connect.insert(
            "database".into(),
            serde_json::to_value(&db).unwrap_or_default(),
        );
        connect.insert(
            "market_data".into(),
            serde_json::to_value(&md).unwrap_or_default(),
        );
    }
    let cfg = &settings.config;
    let config_path = settings.path.as_ref().map(|p| p.display().to_string());
    if args.json {
        let report = json!({
            "ok": code == exit::OK,
            "config": config_path,
            "mode": cfg.mode.as_str(),
            "database": settings.database_url.redacted(),
            "bind": cfg.server.bind.to_string(),
            "market_data": cfg.market_data.source,
            "problems": [],
            "connect": if args.connect { Value::Object(connect) } else { Value::Null },
        });
        println!("{}", crate::redact::scrub(&report.to_string()));
    } else {
        println!(
            "config OK: {} (mode {}, database {}, listening on {})",
            config_path.as_deref().unwrap_or("built-in defaults"),
            cfg.mode.as_str(),
            settings.database_url.redacted(),
            cfg.server.bind
        );
        for (name, check) in &connect {
            let check: Check = serde_json::from_value(check.clone()).expect("round trip");
            match &check.error {
                None => println!("  ✓ {name}: reachable ({:.1} ms)", check.latency_ms),
                Some(error) => println!("  ✗ {name}: {}", crate::redact::scrub(error)),
            }
        }
        if code != exit::OK {
            eprintln!("error: a connection check failed (see above)");
        }
    }
    code
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

fn report_problems(error: &ConfigError, json: bool) -> u8 {
    if json {
        let problems: Vec<Value> = error
            .problems
            .iter()
            .map(|p| {
                json!({
                    "location": p.origin.to_string(),
                    "key": p.key,
                    "message": p.message,
                    "hint": p.hint,
                })
            })
            .collect();
        let report = json!({"ok": false, "problems": problems});
        println!("{}", crate::redact::scrub(&report.to_string()));
    } else {
        super::print_config_error(error);
    }
    exit::CONFIG
}
