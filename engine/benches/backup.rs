//! The time to back up and to restore-and-check a database of a million
//! fills (see BENCHMARKS.md, "Backups"): `ploy db backup`'s snapshot,
//! counts and compression, and `ploy db verify`'s drill, through the same
//! library calls, on a SQLite file built here with the engine's own schema.
//!
//! `cargo bench -p ploy --bench backup` (`PLOY_BENCH_FILLS`, default 1000000)

use std::time::Instant;

use ploy::config::{DatabaseConfig, DatabaseUrl};
use sqlx::sqlite::SqlitePoolOptions;

const TOKENS: [&str; 4] = ["1001", "1002", "1003", "1004"];

fn main() {
    let fills: usize = if std::env::args().any(|a| a == "--bench") {
        std::env::var("PLOY_BENCH_FILLS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000)
    } else {
        1_000
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(fills));
}

async fn run(fills: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("ploy.db");
    let url = DatabaseUrl::new(format!("sqlite://{}", db.display()));
    let store = ploy::storage::connect(&url, &DatabaseConfig::default())
        .await
        .expect("database");
    store.migrate().await.expect("migrations");
    store.close().await;

    let built = Instant::now();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("pool");
    let mut tx = pool.begin().await.expect("transaction");
    let orders = fills.div_ceil(10);
    for i in 0..orders {
        let token = TOKENS[i % TOKENS.len()];
        sqlx::query(
            "INSERT INTO orders (client_id, order_hash, token_id, side, price, size, filled_size, status, mode, created_at_ms, updated_at_ms) \
             VALUES (?1, ?2, ?3, 'BUY', '0.48', '100', '100', 'filled', 'paper', ?4, ?4)",
        )
        .bind(format!("paper-bench-{i:07}"))
        .bind(format!("0x{i:064x}"))
        .bind(token)
        .bind(1_764_000_000_000_i64 + i as i64)
        .execute(&mut *tx)
        .await
        .expect("order");
    }
    let mut net = [0i64; 4];
    for i in 0..fills {
        let order = i / 10;
        let token = order % TOKENS.len();
        let (side, sign) = if i % 3 == 0 { ("SELL", -1) } else { ("BUY", 1) };
        net[token] += sign * 10;
        sqlx::query(
            "INSERT INTO fills (trade_id, client_id, token_id, side, price, size, fee, ts_ms) VALUES (?1, ?2, ?3, ?4, '0.48', '10', '0.01', ?5)",
        )
        .bind(format!("trade-{i:08}"))
        .bind(format!("paper-bench-{order:07}"))
        .bind(TOKENS[token])
        .bind(side)
        .bind(1_764_000_000_000_i64 + i as i64)
        .execute(&mut *tx)
        .await
        .expect("fill");
    }
    for (token, size) in TOKENS.iter().zip(net) {
        sqlx::query(
            "INSERT INTO positions (token_id, size, avg_price, realized_pnl, fees_paid, updated_at_ms) VALUES (?1, ?2, '0.48', '0', '0', 0)",
        )
        .bind(token)
        .bind(size.to_string())
        .execute(&mut *tx)
        .await
        .expect("position");
    }
    tx.commit().await.expect("commit");
    pool.close().await;
    let size = std::fs::metadata(&db).map_or(0, |m| m.len());
    eprintln!(
        "built a database of {fills} fills and {orders} orders ({:.1} MiB) in {:.1} s",
        size as f64 / 1048576.0,
        built.elapsed().as_secs_f64()
    );

    let out = dir.path().join("backups");
    let started = Instant::now();
    let manifest = ploy::backup::take(&url, &out, None, "bench", 1_764_000_000_000)
        .await
        .expect("backup");
    let backup_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let verified = ploy::backup::verify(
        &out.join(format!("{}.json", manifest.name)),
        "bench",
        1_764_000_000_000,
    )
    .await
    .expect("verify");
    let verify_s = started.elapsed().as_secs_f64();
    let ok = verified.verification.as_ref().is_some_and(|v| v.ok);
    assert!(ok, "the drill failed: {verified:#?}");
    println!(
        "{fills} fills: database {:.1} MiB, archive {:.1} MiB; backup {backup_s:.2} s, restore drill {verify_s:.2} s",
        size as f64 / 1048576.0,
        manifest.bytes as f64 / 1048576.0,
    );
}
