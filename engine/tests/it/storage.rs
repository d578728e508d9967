//! The storage contract, run against a real PostgreSQL server and against SQLite.

use std::sync::Arc;

use ploy::config::{DatabaseConfig, DatabaseUrl, TradingState};
use ploy::orders::{OrderStatus, Side};
use ploy::storage::{
    self, Backend, Deployment, Fill, FillOutcome, OrderRecord, OrderUpdate, StorageError, Store,
    TradingStateChange,
};
use rust_decimal_macros::dec;

use crate::harness::postgres::PgServer;

fn order(id: &str, hash: &str, side: Side, size: rust_decimal::Decimal, at: i64) -> OrderRecord {
    OrderRecord {
        client_id: id.into(),
        order_hash: Some(hash.into()),
        token_id: "7123".into(),
        side,
        price: dec!(0.45),
        size,
        filled_size: dec!(0),
        status: OrderStatus::Pending,
        mode: "paper".into(),
        signed_order: Some("{\"order\":{}}".into()),
        error: None,
        created_at_ms: at,
        updated_at_ms: at,
    }
}

fn fill(
    trade: &str,
    id: &str,
    side: Side,
    price: rust_decimal::Decimal,
    size: rust_decimal::Decimal,
    ts: i64,
) -> Fill {
    Fill {
        trade_id: trade.into(),
        client_id: id.into(),
        token_id: "7123".into(),
        side,
        price,
        size,
        fee: dec!(0.01),
        ts_ms: ts,
    }
}

fn deployment(version: &str, sha: &str, at: i64) -> Deployment {
    Deployment {
        version: version.into(),
        git_sha: sha.into(),
        profile: "test".into(),
        hostname: "host-a".into(),
        started_at_ms: at,
    }
}

/// Every behaviour the engine relies on, in one pass.
async fn exercise(store: Arc<dyn Store>, backend: Backend) {
    assert_eq!(store.backend(), backend);
    let migrations = std::fs::read_dir(format!(
        "{}/migrations/{}",
        env!("CARGO_MANIFEST_DIR"),
        match backend {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    ))
    .unwrap()
    .count();
    assert!(migrations >= 2);
    assert_eq!(
        store.migrate().await.unwrap(),
        migrations,
        "first migrate applies every migration"
    );
    assert_eq!(
        store.migrate().await.unwrap(),
        0,
        "second migrate is a no-op"
    );
    store.ping().await.unwrap();

    // The kill switch: nothing saved, then the last change wins.
    assert_eq!(store.trading_state().await.unwrap(), None);
    for (state, at) in [(TradingState::Halted, 10), (TradingState::Reducing, 11)] {
        store
            .set_trading_state(&TradingStateChange {
                state,
                changed_at_ms: at,
                source: format!("test {at}"),
                reason: None,
            })
            .await
            .unwrap();
    }
    assert_eq!(
        store.trading_state().await.unwrap(),
        Some(TradingStateChange {
            state: TradingState::Reducing,
            changed_at_ms: 11,
            source: "test 11".into(),
            reason: None,
        })
    );
    let history: Vec<(TradingState, i64)> = store
        .trading_state_changes()
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.state, c.changed_at_ms))
        .collect();
    assert_eq!(
        history,
        [(TradingState::Halted, 10), (TradingState::Reducing, 11)],
        "every change is kept, oldest first"
    );

    // Marks: the last one per token wins.
    assert!(store.marks().await.unwrap().is_empty());
    let mark = |token: &str, price: &str, ts_ms| ploy::storage::Mark {
        token_id: token.into(),
        price: price.parse().unwrap(),
        ts_ms,
    };
    store
        .set_marks(&[mark("9", "0.41", 1), mark("7", "0.5", 1)])
        .await
        .unwrap();
    store.set_marks(&[mark("9", "0.435", 2)]).await.unwrap();
    assert_eq!(
        store.marks().await.unwrap(),
        [mark("7", "0.5", 1), mark("9", "0.435", 2)]
    );

    // Deployments: a row only when the version or git sha changes.
    assert!(store
        .record_start(&deployment("0.1.0", "aaa", 1))
        .await
        .unwrap());
    assert!(!store
        .record_start(&deployment("0.1.0", "aaa", 2))
        .await
        .unwrap());
    assert!(store
        .record_start(&deployment("0.1.1", "bbb", 3))
        .await
        .unwrap());
    assert!(
        store
            .record_start(&deployment("0.1.0", "aaa", 4))
            .await
            .unwrap(),
        "a rollback is a deployment too"
    );
    assert_eq!(store.deployment_count().await.unwrap(), 3);
    let versions: Vec<i64> = store
        .deployments()
        .await
        .unwrap()
        .iter()
        .map(|d| d.started_at_ms)
        .collect();
    assert_eq!(versions.len(), 3);
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert_eq!(
        store
            .latest_deployment()
            .await
            .unwrap()
            .unwrap()
            .started_at_ms,
        4
    );

    // Orders.
    let hash_a = format!("0x{}", "a".repeat(64));
    let hash_b = format!("0x{}", "b".repeat(64));
    store
        .insert_order(&order("c-1", &hash_a, Side::Buy, dec!(10), 100))
        .await
        .unwrap();
    store
        .insert_order(&order("c-2", &hash_b, Side::Sell, dec!(4), 101))
        .await
        .unwrap();
    let dup = store
        .insert_order(&order("c-1", &hash_a, Side::Buy, dec!(10), 100))
        .await;
    assert!(
        matches!(dup, Err(StorageError::Query(_))),
        "a second insert of the same order is refused"
    );

    let a = store.order(&"c-1".into()).await.unwrap().unwrap();
    assert_eq!(
        (a.price, a.size, a.status),
        (dec!(0.45), dec!(10), OrderStatus::Pending)
    );
    let by_hash = store
        .order_by_hash(&hash_b.clone().into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_hash.client_id.as_str(), "c-2");
    assert!(store.order(&"nope".into()).await.unwrap().is_none());
    assert_eq!(
        store.last_cancel_ms().await.unwrap(),
        None,
        "{backend:?}: nothing cancelled yet"
    );

    assert!(store
        .update_order(&OrderUpdate {
            client_id: "c-2".into(),
            status: OrderStatus::Open,
            order_hash: None,
            error: None,
            at_ms: 150,
        })
        .await
        .unwrap());
    assert!(!store
        .update_order(&OrderUpdate {
            client_id: "missing".into(),
            status: OrderStatus::Open,
            order_hash: None,
            error: None,
            at_ms: 150,
        })
        .await
        .unwrap());
    let pending = store
        .orders_with_status(&[OrderStatus::Pending])
        .await
        .unwrap();
    assert_eq!(
        pending
            .iter()
            .map(|o| o.client_id.as_str())
            .collect::<Vec<_>>(),
        ["c-1"]
    );
    let live = store
        .orders_with_status(&[OrderStatus::Pending, OrderStatus::Open])
        .await
        .unwrap();
    assert_eq!(live.len(), 2);

    // Statuses only move forward: pending → open → filled | cancelled; a
    // finished order never opens again (a late "it is open" from a look-up).
    let set = |status: OrderStatus| OrderUpdate {
        client_id: "c-3".into(),
        status,
        order_hash: None,
        error: None,
        at_ms: 160,
    };
    let mut c3 = store.order(&"c-1".into()).await.unwrap().unwrap();
    c3.client_id = "c-3".into();
    c3.order_hash = Some(format!("0x{}", "3".repeat(64)).into());
    store.insert_order(&c3).await.unwrap();
    assert!(store.update_order(&set(OrderStatus::Open)).await.unwrap());
    assert!(
        store.update_order(&set(OrderStatus::Open)).await.unwrap(),
        "the same status again is fine"
    );
    assert!(
        !store
            .update_order(&set(OrderStatus::Pending))
            .await
            .unwrap(),
        "open never goes back to pending"
    );
    assert!(
        !store.update_order(&set(OrderStatus::Failed)).await.unwrap(),
        "an open order does not fail"
    );
    assert!(store
        .update_order(&set(OrderStatus::Cancelled))
        .await
        .unwrap());
    for later in [OrderStatus::Open, OrderStatus::Pending, OrderStatus::Filled] {
        assert!(
            !store.update_order(&set(later)).await.unwrap(),
            "cancelled is final: {later:?}"
        );
    }
    assert_eq!(
        store.order(&"c-3".into()).await.unwrap().unwrap().status,
        OrderStatus::Cancelled
    );

    // Fills: partial, duplicate, complete; positions follow.
    assert_eq!(
        store
            .apply_fill(&fill("t-1", "c-1", Side::Buy, dec!(0.45), dec!(4), 200))
            .await
            .unwrap(),
        FillOutcome::Applied(OrderStatus::Open)
    );
    assert_eq!(
        store
            .apply_fill(&fill("t-1", "c-1", Side::Buy, dec!(0.45), dec!(4), 200))
            .await
            .unwrap(),
        FillOutcome::Duplicate
    );
    assert_eq!(
        store
            .apply_fill(&fill("t-2", "c-1", Side::Buy, dec!(0.40), dec!(6), 210))
            .await
            .unwrap(),
        FillOutcome::Applied(OrderStatus::Filled)
    );
    assert_eq!(
        store
            .apply_fill(&fill("t-3", "c-2", Side::Sell, dec!(0.50), dec!(4), 220))
            .await
            .unwrap(),
        FillOutcome::Applied(OrderStatus::Filled)
    );
    let unknown = store
        .apply_fill(&fill("t-4", "ghost", Side::Buy, dec!(0.5), dec!(1), 230))
        .await;
    assert!(
        matches!(unknown, Err(StorageError::UnknownOrder { .. })),
        "{unknown:?}"
    );

    let a = store.order(&"c-1".into()).await.unwrap().unwrap();
    assert_eq!((a.filled_size, a.status), (dec!(10), OrderStatus::Filled));
    let fills = store.fills().await.unwrap();
    assert_eq!(fills.len(), 3);
    assert_eq!(fills[1].price, dec!(0.40));

    let positions = store.positions().await.unwrap();
    assert_eq!(positions.len(), 1);
    let p = &positions[0];
    // Bought 4 @ 0.45 and 6 @ 0.40 (avg 0.42), sold 4 @ 0.50: +0.32 realized.
    assert_eq!(p.size.normalize(), dec!(6));
    assert_eq!(p.avg_price.normalize(), dec!(0.42));
    assert_eq!(p.realized_pnl.normalize(), dec!(0.32));
    assert_eq!(p.fees_paid.normalize(), dec!(0.03));
    assert_eq!(p.updated_at_ms, 220);

    // A failed trade is taken back: the fill goes, the order's filled size
    // shrinks (filled → cancelled: it left the book), the position is
    // replayed from what remains (bought 4 @ 0.45, sold 4 @ 0.50).
    let taken = store
        .reverse_fill("t-2", &"c-1".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((taken.size, taken.price), (dec!(6), dec!(0.40)));
    assert!(
        store
            .reverse_fill("t-2", &"c-1".into())
            .await
            .unwrap()
            .is_none(),
        "only once"
    );
    let a = store.order(&"c-1".into()).await.unwrap().unwrap();
    assert_eq!(
        (a.filled_size.normalize(), a.status),
        (dec!(4), OrderStatus::Cancelled)
    );
    assert_eq!(store.fills().await.unwrap().len(), 2);
    let p = &store.positions().await.unwrap()[0];
    assert_eq!(p.size.normalize(), dec!(0));
    assert_eq!(p.realized_pnl.normalize(), dec!(0.2), "4 × (0.50 − 0.45)");

    let cancelled = store
        .orders_with_status(&[OrderStatus::Cancelled])
        .await
        .unwrap();
    assert!(!cancelled.is_empty(), "{backend:?}");
    assert_eq!(
        store.last_cancel_ms().await.unwrap(),
        cancelled.iter().map(|o| o.updated_at_ms).max(),
        "{backend:?}: the last cancel is the newest cancelled order's change"
    );

    // The day's P&L accounting: saved, read back exactly, replaced.
    assert_eq!(store.risk_day(20_000).await.unwrap(), None, "{backend:?}");
    let mut marks = std::collections::BTreeMap::new();
    marks.insert(ploy::orders::TokenId::from("t1"), dec!(0.515));
    let mut day = ploy::storage::RiskDay {
        day: 20_000,
        baseline_ms: 1_728_000_000_123,
        marks,
        peak: dec!(3.25),
        reference: dec!(-1.5),
        breached: None,
        updated_at_ms: 1_728_000_100_000,
    };
    store.save_risk_day(&day).await.unwrap();
    assert_eq!(
        store.risk_day(20_000).await.unwrap().as_ref(),
        Some(&day),
        "{backend:?}"
    );
    day.breached = Some("daily_loss".to_owned());
    day.peak = dec!(4);
    store.save_risk_day(&day).await.unwrap();
    let back = store.risk_day(20_000).await.unwrap().unwrap();
    assert_eq!(
        (back.breached.as_deref(), back.peak.normalize()),
        (Some("daily_loss"), dec!(4)),
        "{backend:?}"
    );
    assert_eq!(store.risk_day(20_001).await.unwrap(), None);

    // SQLite empties its write-ahead log; PostgreSQL has nothing to do.
    assert_eq!(
        store.checkpoint().await.unwrap(),
        backend == Backend::Sqlite,
        "checkpoint on {backend:?}"
    );
    assert_eq!(
        store.positions().await.unwrap().len(),
        1,
        "nothing is lost by it"
    );

    store.close().await;
}

#[tokio::test]
async fn sqlite_store_keeps_its_contract() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::new(format!(
        "sqlite://{}/nested/dir/ploy.db",
        dir.path().display()
    ));
    let store = storage::connect(&url, &DatabaseConfig::default())
        .await
        .unwrap();
    exercise(store, Backend::Sqlite).await;
    assert!(
        dir.path().join("nested/dir/ploy.db").is_file(),
        "file and folders are created"
    );
}

#[tokio::test]
async fn postgres_store_keeps_its_contract() {
    let pg = PgServer::start();
    let url = DatabaseUrl::new(pg.url("contract", None));
    let store = storage::connect(&url, &DatabaseConfig::default())
        .await
        .unwrap();
    exercise(store, Backend::Postgres).await;
}

/// A migration from a newer release, as a rollback leaves the database.
const NEWER_RELEASE_MIGRATION: i64 = 29_991_231_000_000;

/// Records a migration from a newer release straight in `_sqlx_migrations`,
/// as a deploy of that release followed by a rollback leaves the database.
async fn add_newer_release_migration(url: &DatabaseUrl) {
    if url.is_sqlite() {
        let raw = sqlx::SqlitePool::connect(url.expose()).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (?, 'from a newer release', 1, X'00', 0)",
        )
            .bind(NEWER_RELEASE_MIGRATION)
            .execute(&raw)
            .await
            .unwrap();
        raw.close().await;
    } else {
        let raw = sqlx::PgPool::connect(url.expose()).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ($1, 'from a newer release', TRUE, '\\x00'::bytea, 0)",
        )
            .bind(NEWER_RELEASE_MIGRATION)
            .execute(&raw)
            .await
            .unwrap();
        raw.close().await;
    }
}

/// After a rollback the database holds a migration this release does not know;
/// it must still migrate (nothing to do) and work, as migrations only add.
async fn runs_on_a_newer_schema(url: DatabaseUrl) {
    let store = storage::connect(&url, &DatabaseConfig::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store.close().await;
    add_newer_release_migration(&url).await;
    let store = storage::connect(&url, &DatabaseConfig::default())
        .await
        .unwrap();
    assert_eq!(store.migrate().await.unwrap(), 0);
    store.ping().await.unwrap();
    assert!(store.trading_state().await.is_ok());
    assert!(store.all_orders().await.unwrap().is_empty());
    store.close().await;
}

#[tokio::test]
async fn sqlite_runs_on_the_schema_of_a_newer_release() {
    let dir = tempfile::tempdir().unwrap();
    runs_on_a_newer_schema(DatabaseUrl::new(format!(
        "sqlite://{}/ploy.db",
        dir.path().display()
    )))
    .await;
}

#[tokio::test]
async fn postgres_runs_on_the_schema_of_a_newer_release() {
    let pg = PgServer::start();
    runs_on_a_newer_schema(DatabaseUrl::new(pg.url("newer", None))).await;
}

#[tokio::test]
async fn postgres_connect_error_hides_the_password() {
    let port = crate::harness::free_port();
    let url = DatabaseUrl::new(format!(
        "postgres://ploy:sup3r-s3cret@127.0.0.1:{port}/ploy"
    ));
    let config = DatabaseConfig {
        connect_timeout: std::time::Duration::from_secs(1),
        ..DatabaseConfig::default()
    };
    let err = storage::connect(&url, &config).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("cannot connect to the database at postgres://ploy:***@127.0.0.1"),
        "{text}"
    );
    assert!(!text.contains("sup3r-s3cret"), "{text}");
}
