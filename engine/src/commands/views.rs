//! `ploy orders`, `ploy positions`, `ploy report`: read-only views of the
//! database ([`crate::views`] computes them). They open the configured
//! database directly, so they answer while the service is stopped or
//! unhealthy; they never migrate or write. Tables a newer schema adds are
//! optional: an older database shows what it has and says what is missing.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use rust_decimal::Decimal;

use super::{load_settings, CommandError, CommandResult};
use crate::cli::{OrdersArgs, ReportArgs};
use crate::config::Settings;
use crate::exit;
use crate::storage::{self, Store};
use crate::views::{self, OrderQuery};

/// Opens the configured database without creating or migrating it.
async fn open(config: Option<&Path>) -> Result<(Settings, Arc<dyn Store>), CommandError> {
    let settings = load_settings(config)?;
    let url = &settings.database_url;
    if let Some(file) = sqlite_file(url.expose()) {
        if !file.exists() {
            return Err(CommandError::database(format!(
                "no database at {}: ploy has not run with this config here\n  hint: check DATABASE_URL or database.url, and the folder ploy runs in",
                url.redacted()
            )));
        }
    }
    let store = storage::connect(url, &settings.config.database)
        .await
        .map_err(|e| {
            CommandError::database(format!(
                "{e}\n  hint: check DATABASE_URL (or database.url) and that the database server is up"
            ))
        })?;
    Ok((settings, store))
}

/// The file of an SQLite URL (`sqlite://data/ploy.db`, `sqlite:ploy.db?mode=rwc`).
pub(crate) fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.contains(":memory:")).then(|| std::path::PathBuf::from(path))
}

fn failed(e: &storage::StorageError) -> CommandError {
    CommandError::database(format!(
        "{e}\n  hint: if the database was made by an older ploy, run `ploy migrate` (or start the service) first"
    ))
}

/// `ploy orders`.
pub async fn orders(config: Option<&Path>, args: &OrdersArgs) -> CommandResult {
    let (_, store) = open(config).await?;
    let all = store.all_orders().await.map_err(|e| failed(&e))?;
    store.close().await;
    let query = OrderQuery {
        status: args.status,
        older_than_ms: args.older_than.map(|d| d.as_millis() as i64),
        market: args.market.clone().map(Into::into),
        limit: args.limit as usize,
    };
    let now = crate::clock::wall_ms();
    let picked = views::select_orders(&all, &query, now);
    if args.json {
        let rows: Vec<serde_json::Value> = picked
            .iter()
            .map(|o| {
                serde_json::json!({
                    "client_id": o.client_id.as_str(),
                    "order_hash": o.order_hash.as_ref().map(|h| h.as_str()),
                    "token_id": o.token_id.as_str(),
                    "side": o.side.as_str(),
                    "price": o.price.to_string(),
                    "size": o.size.to_string(),
                    "filled_size": o.filled_size.to_string(),
                    "status": o.status.as_str(),
                    "mode": o.mode,
                    "error": o.error,
                    "created_at_ms": o.created_at_ms,
                    "updated_at_ms": o.updated_at_ms,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "orders": rows, "matched": picked.len(), "stored": all.len()
            }))
            .expect("serializes")
        );
        return Ok(exit::OK);
    }
    println!(
        "{:<28} {:<9} {:<4} {:>6} {:>8} {:>8}  {:<13} AGE",
        "CLIENT ID", "STATUS", "SIDE", "PRICE", "SIZE", "FILLED", "TOKEN"
    );
    for o in &picked {
        println!(
            "{:<28} {:<9} {:<4} {:>6} {:>8} {:>8}  {:<13} {}",
            o.client_id.as_str(),
            o.status.as_str(),
            o.side.as_str(),
            o.price.to_string(),
            o.size.to_string(),
            o.filled_size.to_string(),
            short(o.token_id.as_str()),
            age(now - o.created_at_ms)
        );
    }
    println!(
        "{} order{} shown, {} stored",
        picked.len(),
        if picked.len() == 1 { "" } else { "s" },
        all.len()
    );
    Ok(exit::OK)
}

/// `ploy db checkpoint`: SQLite's write-ahead log moved into the database
/// file and truncated, with its size before and after.
pub async fn checkpoint(config: Option<&Path>, json: bool) -> CommandResult {
    let (settings, store) = open(config).await?;
    let wal = sqlite_file(settings.database_url.expose()).map(|f| {
        let mut name = f.into_os_string();
        name.push("-wal");
        std::path::PathBuf::from(name)
    });
    let size = |p: &Option<std::path::PathBuf>| {
        p.as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0, |m| m.len())
    };
    let before = size(&wal);
    let done = store.checkpoint().await.map_err(|e| failed(&e))?;
    store.close().await;
    let after = size(&wal);
    if json {
        println!(
            "{}",
            serde_json::json!({
                "backend": if wal.is_some() { "sqlite" } else { "postgres" },
                "wal_bytes_before": before, "wal_bytes_after": after, "emptied": done,
            })
        );
    } else if wal.is_none() {
        println!("nothing to do: PostgreSQL manages its own write-ahead log");
    } else if done {
        println!("checkpointed: the write-ahead log went from {before} to {after} bytes");
    } else {
        println!("the write-ahead log is in use by a reader and could not be emptied ({after} bytes); try again");
    }
    Ok(exit::OK)
}

/// `ploy positions`.
pub async fn positions(config: Option<&Path>, json: bool) -> CommandResult {
    let (_, store) = open(config).await?;
    let positions = store.positions().await.map_err(|e| failed(&e))?;
    let (marks, note) = match store.marks().await {
        Ok(m) => (m, None),
        Err(_) => (
            Vec::new(),
            Some("no marks: the database predates them (`ploy migrate` adds the table)"),
        ),
    };
    store.close().await;
    let view = views::positions(&positions, &marks);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&views::PositionsAnswer {
                positions: view,
                note: note.map(str::to_owned),
            })
            .expect("serializes")
        );
        return Ok(exit::OK);
    }
    println!(
        "{:<13} {:>8} {:>7} {:>7} {:>11} {:>9} {:>7}  MARKED",
        "TOKEN", "SIZE", "AVG", "MARK", "UNREALIZED", "REALIZED", "FEES"
    );
    let now = crate::clock::wall_ms();
    for p in &view {
        println!(
            "{:<13} {:>8} {:>7} {:>7} {:>11} {:>9} {:>7}  {}",
            short(p.token_id.as_str()),
            p.size.to_string(),
            p.avg_price.to_string(),
            p.mark.map_or_else(|| "?".to_owned(), |m| m.to_string()),
            p.unrealized_pnl
                .map_or_else(|| "?".to_owned(), |u| u.to_string()),
            p.realized_pnl.to_string(),
            p.fees_paid.to_string(),
            p.mark_at_ms
                .map_or_else(|| "never".to_owned(), |t| format!("{} ago", age(now - t)))
        );
    }
    let unrealized: Decimal = view.iter().filter_map(|p| p.unrealized_pnl).sum();
    let realized: Decimal = view.iter().map(|p| p.realized_pnl).sum();
    let fees: Decimal = view.iter().map(|p| p.fees_paid).sum();
    println!(
        "{} position{}; unrealized {}, realized {}, fees {}",
        view.len(),
        if view.len() == 1 { "" } else { "s" },
        unrealized.normalize(),
        realized.normalize(),
        fees.normalize()
    );
    if let Some(note) = note {
        println!("note: {note}");
    }
    Ok(exit::OK)
}

/// `ploy report`.
pub async fn report(config: Option<&Path>, args: &ReportArgs) -> CommandResult {
    let (_, store) = open(config).await?;
    let (orders, fills, deployments) =
        tokio::try_join!(store.all_orders(), store.fills(), store.deployments())
            .map_err(|e| failed(&e))?;
    let (changes, note) = match store.trading_state_changes().await {
        Ok(c) => (c, None),
        Err(_) => (
            Vec::new(),
            Some(
                "no kill-switch history: the database predates it (`ploy migrate` adds the table)",
            ),
        ),
    };
    let database_bytes = store.database_bytes().await.ok();
    store.close().await;
    let until = crate::clock::wall_ms();
    let since = until - i64::try_from(args.since.as_millis()).unwrap_or(i64::MAX / 2);
    let r = views::report(&orders, &fills, &changes, &deployments, since, until);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&views::ReportAnswer {
                report: r,
                database_bytes,
                note: note.map(str::to_owned),
            })
            .expect("serializes")
        );
        return Ok(exit::OK);
    }
    println!(
        "since {} ({}):",
        rfc3339(r.since_ms),
        humantime::format_duration(Duration::from_secs(args.since.as_secs()))
    );
    let o = &r.orders;
    println!(
        "  orders: {} placed, {} filled, {} cancelled, {} failed; {} open now",
        o.placed, o.filled, o.cancelled, o.failed, o.open_now
    );
    println!(
        "  fills: {}, volume {} USDC, fees {}, realized P&L {}, net {}",
        r.fills, r.volume, r.fees, r.realized_pnl, r.net_pnl
    );
    match &r.largest_inventory {
        Some(i) => println!(
            "  largest inventory: {} of {}",
            i.size,
            short(i.token_id.as_str())
        ),
        None => println!("  largest inventory: none (flat)"),
    }
    if r.kill_switch_changes.is_empty() {
        println!("  kill switch: no change");
    }
    for c in &r.kill_switch_changes {
        println!(
            "  kill switch: {} at {} (set by {})",
            c.state,
            rfc3339(c.changed_at_ms),
            c.source
        );
    }
    if r.deployments.is_empty() {
        println!("  deployments: none");
    }
    for d in &r.deployments {
        println!(
            "  deployment: {} (git {}, {}) at {} on {}",
            d.version,
            d.git_sha,
            d.profile,
            rfc3339(d.started_at_ms),
            d.hostname
        );
    }
    if let Some(note) = note {
        println!("note: {note}");
    }
    Ok(exit::OK)
}

/// A token ID shortened for a table (`6581…5422`).
fn short(token: &str) -> String {
    if token.len() <= 13 {
        token.to_owned()
    } else {
        format!("{}…{}", &token[..4], &token[token.len() - 4..])
    }
}

fn age(ms: i64) -> String {
    let secs = u64::try_from(ms / 1000).unwrap_or(0);
    humantime::format_duration(Duration::from_secs(secs)).to_string()
}

fn rfc3339(ms: i64) -> String {
    u64::try_from(ms)
        .map(|ms| {
            humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_millis(ms)).to_string()
        })
        .unwrap_or_else(|_| ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_of_urls() {
        assert_eq!(
            sqlite_file("sqlite://data/ploy.db"),
            Some("data/ploy.db".into())
        );
        assert_eq!(
            sqlite_file("sqlite:/abs/p.db?mode=rwc"),
            Some("/abs/p.db".into())
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://u@h/db"), None);
    }

    #[test]
    fn short_tokens() {
        assert_eq!(short("12345"), "12345");
        assert_eq!(short("65818619657568813474341868"), "6581…1868");
    }
}
