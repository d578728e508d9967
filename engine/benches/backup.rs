//! The time to back up, to restore-and-check (the drill) and to restore a
//! database of a million fills (see BENCHMARKS.md, "Backups"), through the
//! same library calls as `ploy db backup|verify|restore`, on an SQLite file
//! and on a PostgreSQL server started here (initdb into a temp folder, as
//! the tests do), each built with the engine's own schema.
//!
//! `cargo bench -p ploy --bench backup` (`PLOY_BENCH_FILLS`, default
//! 1000000; `PLOY_BENCH_BACKENDS`, default `sqlite postgres`)

use std::path::{Path, PathBuf};
use std::time::Instant;

use ploy::config::{DatabaseConfig, DatabaseUrl};
use sqlx::sqlite::SqlitePoolOptions;

#[path = "../tests/it/harness/postgres.rs"]
#[allow(dead_code, unreachable_pub)]
mod postgres;

const TOKENS: [&str; 4] = ["1001", "1002", "1003", "1004"];

/// What the PostgreSQL harness needs of its parent module.
fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn require_program(name: &str, extra: &[PathBuf], install: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(extra.iter().cloned());
    dirs.into_iter()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} is missing: {install}"))
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let fills: usize = if bench {
        std::env::var("PLOY_BENCH_FILLS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000)
    } else {
        1_000
    };
    let backends =
        std::env::var("PLOY_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite postgres".into());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for backend in backends.split_whitespace() {
        rt.block_on(run(backend, fills));
    }
}

async fn build_sqlite(db: &Path, fills: usize) {
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
}

/// The same rows as [`build_sqlite`], made by the server itself.
async fn build_postgres(url: &DatabaseUrl, fills: usize) {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(url.expose())
        .await
        .expect("pool");
    let orders = fills.div_ceil(10) as i64;
    let fills = fills as i64;
    sqlx::query(
        "INSERT INTO orders (client_id, order_hash, token_id, side, price, size, filled_size, status, mode, created_at_ms, updated_at_ms) \
         SELECT 'paper-bench-' || lpad(i::text, 7, '0'), '0x' || lpad(to_hex(i), 64, '0'), (1001 + i % 4)::text, 'BUY', 0.48, 100, 100, 'filled', 'paper', 1764000000000 + i, 1764000000000 + i \
         FROM generate_series(0, $1 - 1) AS i",
    )
    .bind(orders)
    .execute(&pool)
    .await
    .expect("orders");
    sqlx::query(
        "INSERT INTO fills (trade_id, client_id, token_id, side, price, size, fee, ts_ms) \
         SELECT 'trade-' || lpad(i::text, 8, '0'), 'paper-bench-' || lpad((i / 10)::text, 7, '0'), (1001 + (i / 10) % 4)::text, \
                CASE WHEN i % 3 = 0 THEN 'SELL' ELSE 'BUY' END, 0.48, 10, 0.01, 1764000000000 + i \
         FROM generate_series(0, $1 - 1) AS i",
    )
    .bind(fills)
    .execute(&pool)
    .await
    .expect("fills");
    sqlx::query(
        "INSERT INTO positions (token_id, size, avg_price, realized_pnl, fees_paid, updated_at_ms) \
         SELECT token_id, SUM(CASE WHEN side = 'SELL' THEN -size ELSE size END), 0.48, 0, 0, 0 FROM fills GROUP BY token_id",
    )
    .execute(&pool)
    .await
    .expect("positions");
    pool.close().await;
}

async fn run(backend: &str, fills: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = (backend == "postgres").then(postgres::PgServer::start);
    let url = match &server {
        Some(pg) => DatabaseUrl::new(pg.url("ploy", None)),
        None => DatabaseUrl::new(format!("sqlite://{}", dir.path().join("ploy.db").display())),
    };
    let store = ploy::storage::connect(&url, &DatabaseConfig::default())
        .await
        .expect("database");
    store.migrate().await.expect("migrations");
    let built = Instant::now();
    if server.is_some() {
        build_postgres(&url, fills).await;
    } else {
        build_sqlite(&dir.path().join("ploy.db"), fills).await;
    }
    let size = store.database_bytes().await.unwrap_or(0);
    store.close().await;
    eprintln!(
        "{backend}: built a database of {fills} fills ({:.1} MiB) in {:.1} s",
        size as f64 / 1048576.0,
        built.elapsed().as_secs_f64()
    );

    let out = dir.path().join("backups");
    let started = Instant::now();
    let manifest = ploy::backup::take(&url, &out, None, "bench", 1_764_000_000_000)
        .await
        .expect("backup");
    let backup_s = started.elapsed().as_secs_f64();
    let manifest_path = out.join(format!("{}.json", manifest.name));
    let started = Instant::now();
    let verified = ploy::backup::verify(&manifest_path, Some(&url), "bench", 1_764_000_000_000)
        .await
        .expect("verify");
    let verify_s = started.elapsed().as_secs_f64();
    let ok = verified.verification.as_ref().is_some_and(|v| v.ok);
    assert!(ok, "the drill failed: {verified:#?}");
    let started = Instant::now();
    let restored = ploy::backup::restore(
        &manifest_path,
        &url,
        &ploy::backup::RestoreOptions {
            dry_run: false,
            halt_reason: Some("bench".to_owned()),
            keep_dir: out.clone(),
            release: "bench".to_owned(),
            now_ms: 1_764_000_060_000,
        },
    )
    .await
    .expect("restore");
    let restore_s = started.elapsed().as_secs_f64();
    assert!(restored.kept.is_some());
    println!(
        "{backend}: {fills} fills: database {:.1} MiB, archive {:.1} MiB; backup {backup_s:.2} s, restore drill {verify_s:.2} s, restore {restore_s:.2} s (of which keeping the replaced database as a backup is one backup)",
        size as f64 / 1048576.0,
        manifest.bytes as f64 / 1048576.0,
    );
}
