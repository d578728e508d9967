//! `ploy orders`, `ploy positions` and `ploy report` on the orders, fills,
//! positions, marks and kill-switch history a paper run of the shipped
//! recording leaves, in SQLite and in a real PostgreSQL; read while the
//! service is stopped, and never showing the database password.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use ploy::config::{DatabaseConfig, DatabaseUrl};
use rust_decimal::Decimal;

use crate::harness::postgres::PgServer;
use crate::harness::process::Ploy;

const PASSWORD: &str = "views-pg-secret-8d1f";

fn recording() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("recordings/sample.jsonl")
}

fn d(v: &serde_json::Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("not a decimal: {v}"))).unwrap()
}

/// Runs the service on the recording as fast as it plays, halts trading
/// (a kill-switch change), stops the service; returns the setup and the URL.
async fn paper_session(setup: Ploy, url: &str) -> Ploy {
    let setup = setup.config(&format!(
        "[market_data]\nsource = \"recording\"\nrecording = \"{}\"\nrecording_speed = 0\n",
        recording().display()
    ));
    let mut ploy = setup.spawn();
    ploy.ready(Duration::from_secs(30)).await;
    let store = ploy::storage::connect(&DatabaseUrl::new(url), &DatabaseConfig::default())
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let fills = store.fills().await.unwrap().len();
        let marks = store.marks().await.unwrap().len();
        if fills >= 5 && marks >= 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the paper run made {fills} fills and {marks} marks\n{}",
            ploy.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    store.close().await;
    let client = reqwest::Client::new();
    let halted = client
        .put(format!("{}/trading-state", ploy.base_url()))
        .body("halted")
        .send()
        .await
        .unwrap();
    assert!(halted.status().is_success());
    ploy.signal("TERM");
    assert_eq!(
        ploy.wait(Duration::from_secs(15))
            .await
            .and_then(|s| s.code()),
        Some(0),
        "{}",
        ploy.logs()
    );
    ploy.into_setup()
}

fn json(setup: &Ploy, args: &[&str]) -> serde_json::Value {
    let (code, out, err) = setup.output(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    assert!(!out.contains(PASSWORD) && !err.contains(PASSWORD));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} is not JSON ({e}): {out}"))
}

async fn the_views_agree_with_the_database(setup: &Ploy, url: &str) {
    let store = ploy::storage::connect(&DatabaseUrl::new(url), &DatabaseConfig::default())
        .await
        .unwrap();
    let orders = store.all_orders().await.unwrap();
    let fills = store.fills().await.unwrap();
    let positions = store.positions().await.unwrap();
    let marks = store.marks().await.unwrap();
    store.close().await;

    // Orders: all of them are stored, filters select, newest first.
    let listed = json(setup, &["orders", "--json", "--limit", "100000"]);
    assert_eq!(listed["stored"], orders.len());
    assert_eq!(listed["matched"], orders.len());
    let filled = json(setup, &["orders", "--json", "--status", "filled"]);
    let want = orders
        .iter()
        .filter(|o| o.status == ploy::orders::OrderStatus::Filled)
        .count();
    assert!(want > 0, "the session fills orders");
    assert_eq!(filled["matched"], want);
    assert!(filled["orders"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["status"] == "filled"));
    let three = json(setup, &["orders", "--json", "--limit", "3"]);
    let created: Vec<i64> = three["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["created_at_ms"].as_i64().unwrap())
        .collect();
    assert_eq!(created.len(), 3);
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let token = orders[0].token_id.as_str().to_owned();
    let one_market = json(
        setup,
        &["orders", "--json", "--market", &token, "--limit", "100000"],
    );
    assert_eq!(
        one_market["matched"],
        orders
            .iter()
            .filter(|o| o.token_id.as_str() == token)
            .count()
    );

    // Positions: sizes as stored, marked with the saved midpoints.
    let view = json(setup, &["positions", "--json"]);
    let rows = view["positions"].as_array().unwrap();
    assert_eq!(rows.len(), positions.len());
    for (row, p) in rows.iter().zip(&positions) {
        assert_eq!(d(&row["size"]), p.size);
        let mark = marks.iter().find(|m| m.token_id == p.token_id);
        match mark {
            Some(m) => {
                assert_eq!(d(&row["mark"]), m.price);
                assert_eq!(
                    d(&row["unrealized_pnl"]),
                    ((m.price - p.avg_price) * p.size).normalize()
                );
            },
            None => assert!(row["mark"].is_null()),
        }
    }
    assert!(rows.iter().any(|r| !r["mark"].is_null()), "{view:#}");

    // Report: a window covering the recording's (market) time and now.
    let report = json(setup, &["report", "--since", "1000days", "--json"]);
    let r = &report["report"];
    assert_eq!(r["fills"], fills.len());
    let volume: Decimal = fills.iter().map(|f| f.price * f.size).sum();
    assert_eq!(d(&r["volume"]), volume.normalize());
    let realized: Decimal = positions.iter().map(|p| p.realized_pnl).sum();
    assert_eq!(d(&r["realized_pnl"]), realized.normalize());
    assert_eq!(r["orders"]["placed"], orders.len());
    let changes = r["kill_switch_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{r:#}");
    assert_eq!(changes[0]["state"], "halted");
    assert!(!r["deployments"].as_array().unwrap().is_empty());
    // A window with nothing in it.
    let quiet = json(setup, &["report", "--since", "1s", "--json"]);
    assert_eq!(quiet["report"]["fills"], 0);

    // The human forms.
    let (code, text, _) = setup.output(&["positions"]);
    assert_eq!(code, 0);
    assert!(text.starts_with("TOKEN "), "{text}");
    assert!(text.contains("unrealized"), "{text}");
    let (code, text, _) = setup.output(&["report"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("orders: ") && text.contains("kill switch: halted"),
        "{text}"
    );
    assert!(!text.contains(PASSWORD));
    let (code, text, _) = setup.output(&["orders", "--status", "open"]);
    assert_eq!(code, 0);
    assert!(text.contains("shown,"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_views_read_a_paper_session_from_sqlite() {
    let setup = Ploy::new();
    let url = format!("sqlite://{}/data/ploy.db", setup.dir().display());
    let setup = paper_session(setup, &url).await;
    the_views_agree_with_the_database(&setup, &url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_views_read_a_paper_session_from_postgres() {
    let pg = PgServer::start();
    let url = pg.url("views", Some(PASSWORD));
    let setup = Ploy::new().env("DATABASE_URL", &url);
    let setup = paper_session(setup, &url).await;
    the_views_agree_with_the_database(&setup, &url).await;
}

#[test]
fn a_missing_database_is_a_clear_error_and_is_not_created() {
    let setup = Ploy::new();
    let (code, _, err) = setup.output(&["positions"]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("no database at sqlite://data/ploy.db"),
        "{err}"
    );
    assert!(!setup.dir().join("data/ploy.db").exists());
    let (code, _, err) = setup.output(&["orders", "--status", "sleeping"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not an order status"), "{err}");
}
