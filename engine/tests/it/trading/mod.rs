//! The trading pipeline through the real engine and database, live mode,
//! against the fake CLOB: normal quoting and every fault, including SIGKILL
//! between persist and post and between post and response. After each, the
//! fake's ledger and the database agree: no order lost, none posted twice,
//! positions match the fills.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ploy::config::{DatabaseConfig, DatabaseUrl};
use ploy::orders::{OrderStatus, Side};
use ploy::storage::{OrderRecord, Store};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::harness::fake_clob::{
    FakeClob, Fault, LedgerOrder, ADDRESS, API_KEY, API_SECRET, PASSPHRASE, TOKEN,
};
use crate::harness::postgres::PgServer;
use crate::harness::process::{Ploy, Running};

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const READY: Duration = Duration::from_secs(20);

fn live(fake: &FakeClob, with_creds: bool) -> Ploy {
    live_with(fake, with_creds, "300ms", "5")
}

/// Live mode against `fake`, trades polled every `poll_interval`, quoting
/// `order_size` shares.
fn live_with(fake: &FakeClob, with_creds: bool, poll_interval: &str, order_size: &str) -> Ploy {
    let ploy = Ploy::new()
        .config(&format!(
            "mode = \"live\"\n\
             [exchange]\nclob_url = \"{}\"\nws_url = \"{}\"\nrequest_timeout = \"1s\"\n\
             [market_data]\npoll_interval = \"{poll_interval}\"\n\
             [strategy]\nmarkets = [\"{TOKEN}\"]\norder_size = \"{order_size}\"\nhalf_spread = \"0.02\"\n\
             [risk]\nmax_orders_per_minute = 600\n",
            fake.url(),
            fake.ws_url()
        ))
        .env("POLYMARKET_PRIVATE_KEY", DEV_KEY);
    if with_creds {
        ploy.env("POLYMARKET_API_KEY", API_KEY)
            .env("POLYMARKET_SECRET", API_SECRET)
            .env("POLYMARKET_PASSPHRASE", PASSPHRASE)
    } else {
        ploy
    }
}

async fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Where a scenario's engine keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    /// The default SQLite file in its folder.
    Sqlite,
    /// A PostgreSQL server of its own.
    Postgres,
}

/// The file beside the config that names a PostgreSQL scenario's database.
const DATABASE_URL_FILE: &str = "database-url";

/// Points the engine at `backend`; for PostgreSQL, starts a server that the
/// returned handle keeps alive, and names it beside the config so the
/// scenario's checks read the same database.
fn on_backend(setup: Ploy, backend: Backend) -> (Ploy, Option<PgServer>) {
    match backend {
        Backend::Sqlite => (setup, None),
        Backend::Postgres => {
            let pg = PgServer::start();
            let url = pg.url("ploy", None);
            std::fs::write(setup.dir().join(DATABASE_URL_FILE), &url).unwrap();
            (setup.env("DATABASE_URL", &url), Some(pg))
        },
    }
}

/// Runs a scenario on SQLite (`$sqlite`) and on PostgreSQL (`$postgres`).
macro_rules! on_both_backends {
    ($scenario:ident: $sqlite:ident, $postgres:ident) => {
        #[tokio::test(flavor = "multi_thread")]
        async fn $sqlite() {
            $scenario(Backend::Sqlite).await;
        }

        #[tokio::test(flavor = "multi_thread")]
        async fn $postgres() {
            $scenario(Backend::Postgres).await;
        }
    };
}

async fn store(dir: &std::path::Path) -> Arc<dyn Store> {
    let url = DatabaseUrl::new(
        std::fs::read_to_string(dir.join(DATABASE_URL_FILE))
            .unwrap_or_else(|_| format!("sqlite://{}/data/ploy.db", dir.display())),
    );
    ploy::storage::connect(&url, &DatabaseConfig::default())
        .await
        .expect("open the engine's database")
}

async fn orders(dir: &std::path::Path) -> Vec<OrderRecord> {
    let s = store(dir).await;
    let all = s.all_orders().await.unwrap();
    s.close().await;
    all
}

async fn wait_for_orders(
    dir: &std::path::Path,
    what: &str,
    mut done: impl FnMut(&[OrderRecord]) -> bool,
) -> Vec<OrderRecord> {
    let deadline = Instant::now() + READY;
    loop {
        let all = orders(dir).await;
        if done(&all) {
            return all;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {all:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The ledger and the database agree: every accepted order is stored under
/// its hash, nothing was posted twice (beyond `allowed_reposts`), every order
/// the database calls open is live on the exchange, and positions equal the
/// fills.
async fn assert_consistent(fake: &FakeClob, dir: &std::path::Path, allowed_reposts: u32) {
    let s = store(dir).await;
    let db = s.all_orders().await.unwrap();
    let ledger = fake.ledger();
    for l in ledger.iter().filter(|l| !l.foreign) {
        let stored = db
            .iter()
            .find(|o| o.order_hash.as_ref().map(|h| h.as_str()) == Some(l.hash.as_str()));
        let stored = stored.unwrap_or_else(|| {
            panic!(
                "order {} is on the exchange but lost by the engine:\n{db:#?}",
                l.hash
            )
        });
        assert!(
            l.posts <= 1 + allowed_reposts,
            "order {} was posted {} times",
            l.hash,
            l.posts
        );
        assert_eq!(
            stored.filled_size.normalize(),
            l.matched.normalize(),
            "filled size of {}",
            l.hash
        );
        if l.status.starts_with("CANCELED") {
            assert_eq!(stored.status, OrderStatus::Cancelled, "{}", l.hash);
        }
    }
    for o in &db {
        let on_exchange = ledger
            .iter()
            .find(|l| Some(l.hash.as_str()) == o.order_hash.as_ref().map(|h| h.as_str()));
        match o.status {
            OrderStatus::Open => assert_eq!(
                on_exchange.map(|l| l.status.as_str()),
                Some("LIVE"),
                "{o:#?}"
            ),
            OrderStatus::Pending => panic!("an order is still pending after settling: {o:#?}"),
            OrderStatus::Failed => assert!(
                on_exchange.is_none(),
                "a failed order is on the exchange: {o:#?}"
            ),
            _ => {},
        }
    }
    let mut expected = Decimal::ZERO;
    for l in &ledger {
        expected += if l.side == "BUY" {
            l.matched
        } else {
            -l.matched
        };
    }
    let positions = s.positions().await.unwrap();
    let actual: Decimal = positions.iter().map(|p| p.size).sum();
    assert_eq!(
        actual.normalize(),
        expected.normalize(),
        "positions match the fills"
    );
    let fills: Decimal = s
        .fills()
        .await
        .unwrap()
        .iter()
        .map(|f| f.side.sign() * f.size)
        .sum();
    assert_eq!(fills.normalize(), expected.normalize());
    s.close().await;
}

/// The running engine agrees with its database and the exchange (allowing a
/// few seconds for answers in flight): its kill switch is the one saved, the
/// positions it trades on (`ploy_position_shares`) are the stored ones, and
/// every order the exchange has LIVE is stored open.
async fn assert_engine_agrees(ploy: &Running, fake: &FakeClob, dir: &std::path::Path) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let problem = engine_disagreement(ploy, fake, dir).await;
        match problem {
            None => return,
            Some(why) if Instant::now() >= deadline => {
                panic!(
                    "the engine, its database and the exchange disagree: {why}\n{}",
                    ploy.logs()
                )
            },
            Some(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

async fn engine_disagreement(
    ploy: &Running,
    fake: &FakeClob,
    dir: &std::path::Path,
) -> Option<String> {
    let s = store(dir).await;
    let saved = s.trading_state().await.unwrap();
    let positions = s.positions().await.unwrap();
    let db = s.all_orders().await.unwrap();
    s.close().await;
    let state = trading_state(ploy).await;
    let expected_state = saved.map_or("active".to_owned(), |c| c.state.as_str().to_owned());
    if state["state"] != expected_state.as_str() {
        return Some(format!(
            "/trading-state says {state}, the database {expected_state}"
        ));
    }
    let metrics = ploy.metrics().await;
    for p in &positions {
        let line = format!("ploy_position_shares{{token=\"{}\"}} ", p.token_id.as_str());
        let held = metrics
            .lines()
            .find_map(|l| l.strip_prefix(line.as_str()))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        let stored: f64 = p.size.to_string().parse().unwrap();
        if (held - stored).abs() > 1e-9 {
            return Some(format!(
                "the engine trades on {held} shares of {}, the database holds {stored}",
                p.token_id
            ));
        }
    }
    for l in fake.ledger().iter().filter(|l| l.status == "LIVE") {
        let stored = db
            .iter()
            .find(|o| o.order_hash.as_ref().map(|h| h.as_str()) == Some(l.hash.as_str()));
        match stored {
            Some(o) if o.status == OrderStatus::Open => {},
            Some(o) => {
                return Some(format!(
                    "order {} rests on the exchange but is stored {}",
                    l.hash,
                    o.status.as_str()
                ))
            },
            // An order of the account this engine never posted (a test's
            // foreign order) is not the engine's to know.
            None if l.foreign => {},
            None => {
                return Some(format!(
                    "order {} rests on the exchange, unknown to the engine",
                    l.hash
                ))
            },
        }
    }
    None
}

/// The end of a scenario: the running engine agrees with its database and
/// the exchange, it stops cleanly, and the ledger and the database agree.
async fn finish(
    ploy: Running,
    fake: &FakeClob,
    dir: &std::path::Path,
    allowed_reposts: u32,
) -> Ploy {
    assert_engine_agrees(&ploy, fake, dir).await;
    let kept = stop(ploy).await;
    assert_consistent(fake, dir, allowed_reposts).await;
    kept
}

/// Waits for the engine's first quote to reach the exchange and be stored
/// open; returns it as the exchange's ledger has it.
async fn first_open_quote(fake: &FakeClob, dir: &std::path::Path) -> LedgerOrder {
    wait_until("the first quote", READY, || !fake.ledger().is_empty()).await;
    let first = fake.ledger().remove(0);
    wait_for_orders(dir, "the quote to be open", |o| {
        o.iter().any(|o| o.status == OrderStatus::Open)
    })
    .await;
    first
}

/// SIGTERM, expect exit 0; returns the setup so its folder (and database) lives on.
async fn stop(mut ploy: Running) -> Ploy {
    ploy.signal("TERM");
    let status = ploy.wait(Duration::from_secs(15)).await.expect("exits");
    assert_eq!(status.code(), Some(0), "{}", ploy.logs());
    // Shown only when the test fails (a later assertion).
    eprintln!("{}", ploy.logs());
    ploy.into_setup()
}

on_both_backends!(normal_quoting: normal_quoting_fills_and_shutdown_cancels, normal_quoting_fills_and_shutdown_cancels_on_postgres);

async fn normal_quoting(backend: Backend) {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true);
    let (setup, _pg) = on_backend(setup, backend);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the first quote", READY, || !fake.ledger().is_empty()).await;
    let first = fake.ledger().remove(0);
    assert_eq!(
        (first.side.as_str(), first.price, first.size),
        ("BUY", dec!(0.48), dec!(5))
    );
    assert!(
        fake.refused_auth().is_empty(),
        "every request authenticated: {:?}",
        fake.refused_auth()
    );
    wait_for_orders(&dir, "the quote to be open", |o| {
        o.iter().any(|o| o.status == OrderStatus::Open)
    })
    .await;

    fake.fill(&first.hash, dec!(2));
    wait_for_orders(&dir, "the partial fill", |o| {
        o.iter().any(|o| o.filled_size == dec!(2))
    })
    .await;
    fake.fill(&first.hash, dec!(3));
    wait_for_orders(&dir, "the order to fill", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    // Holding 5 shares: a new bid and an ask.
    fake.set_book(dec!(0.48), dec!(0.52));
    wait_until("a new bid and an ask", READY, || {
        let l = fake.ledger();
        l.iter().any(|o| o.side == "SELL") && l.iter().filter(|o| o.side == "BUY").count() >= 2
    })
    .await;
    let metrics = ploy.metrics().await;
    assert!(metrics.contains("ploy_orders_filled_total 1"), "{metrics}");
    assert!(!metrics.contains("ploy_orders_placed_total 0"), "{metrics}");
    // /health says how fresh the feed and the authenticated requests are.
    let (_, health) = ploy.health().await;
    let api = &health["checks"]["api_connection"];
    for field in ["last_message_age_ms", "last_exchange_ok_age_ms"] {
        assert!(
            api[field].as_u64().is_some_and(|age| age < 10_000),
            "{field}: {api}"
        );
    }

    let _kept = finish(ploy, &fake, &dir, 0).await;
    assert!(
        fake.ledger().iter().all(|o| o.status != "LIVE"),
        "shutdown cancels every resting quote: {:#?}",
        fake.ledger()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_user_channel_brings_a_fill_in_at_once_not_at_the_next_poll() {
    let fake = FakeClob::start().await;
    // Trades are polled only every 60 s: a fill recorded sooner came through
    // the user websocket's wake-up.
    let setup = live_with(&fake, true, "60s", "5");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the user channel subscribed", READY, || {
        fake.counters()
            .user_subscriptions
            .load(std::sync::atomic::Ordering::SeqCst)
            >= 1
    })
    .await;
    let first = first_open_quote(&fake, &dir).await;
    // Reconciliation at start read the trades once; the poller has not yet.
    let polls_before = fake
        .counters()
        .trade_polls
        .load(std::sync::atomic::Ordering::SeqCst);

    let filled_at = Instant::now();
    fake.fill(&first.hash, dec!(5));
    wait_for_orders(&dir, "the fill in the database", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    assert!(
        filled_at.elapsed() < Duration::from_secs(30),
        "well before the 60 s poll: {:?}",
        filled_at.elapsed()
    );
    assert!(
        fake.counters()
            .trade_polls
            .load(std::sync::atomic::Ordering::SeqCst)
            > polls_before,
        "the fill was read from GET /data/trades, woken by the user channel"
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
    assert!(fake.refused_auth().is_empty(), "{:?}", fake.refused_auth());
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_and_restarts_are_retried_with_the_same_signed_order() {
    for (fault, kind) in [
        (Fault::RateLimited(1), "rate_limited"),
        (Fault::Restarting, "restarting"),
    ] {
        let fake = FakeClob::start().await;
        fake.fail_next(fault.clone());
        let setup = live(&fake, true);
        let dir = setup.dir().to_owned();
        let mut ploy = setup.spawn();
        ploy.ready(READY).await;
        wait_until("the retried order", READY, || !fake.ledger().is_empty()).await;
        assert!(
            fake.counters()
                .posts
                .load(std::sync::atomic::Ordering::SeqCst)
                >= 2,
            "{fault:?}: posted again"
        );
        let ledger = fake.ledger();
        assert_eq!(
            ledger.len(),
            1,
            "{fault:?}: one order, not two: {ledger:#?}"
        );
        assert_eq!(
            ledger[0].posts, 1,
            "{fault:?}: the refused post was not recorded; the retry was"
        );
        let stored = wait_for_orders(&dir, "open", |o| {
            o.iter().any(|o| o.status == OrderStatus::Open)
        })
        .await;
        assert_eq!(
            stored.len(),
            1,
            "{fault:?}: the retry reused the stored, signed order: {stored:#?}"
        );
        let metrics = ploy.metrics().await;
        assert!(
            metrics.contains(&format!("ploy_api_errors_total{{kind=\"{kind}\"}} 1")),
            "{metrics}"
        );
        let _kept = finish(ploy, &fake, &dir, 0).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_only_mode_refuses_new_orders_until_it_ends() {
    let fake = FakeClob::start().await;
    fake.fail_next(Fault::CancelOnly);
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let stored = wait_for_orders(&dir, "the refused order", |o| {
        o.iter().any(|o| o.status == OrderStatus::Failed)
    })
    .await;
    assert!(
        stored[0]
            .error
            .as_deref()
            .unwrap_or("")
            .contains("cancel-only"),
        "{stored:#?}"
    );
    assert!(fake.ledger().is_empty());
    // After the pause, the next market change is quoted again.
    tokio::time::sleep(Duration::from_millis(5500)).await;
    fake.set_book(dec!(0.44), dec!(0.50));
    wait_until("a quote after cancel-only ended", READY, || {
        !fake.ledger().is_empty()
    })
    .await;
    assert_eq!(
        fake.ledger()[0].price,
        dec!(0.45),
        "mid 0.47 - half spread 0.02"
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_post_is_stored_failed_counted_and_never_retried() {
    let fake = FakeClob::start().await;
    fake.fail_next(Fault::ClosedOnly);
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let stored = wait_for_orders(&dir, "the rejected order", |o| {
        o.iter().any(|o| o.status == OrderStatus::Failed)
    })
    .await;
    assert!(
        stored[0]
            .error
            .as_deref()
            .unwrap_or("")
            .contains("address in closed only mode"),
        "{stored:#?}"
    );
    assert!(
        fake.ledger().is_empty(),
        "a rejected order is not on the exchange"
    );
    let metrics = ploy.metrics().await;
    assert!(metrics.contains("ploy_orders_failed_total 1"), "{metrics}");
    assert_eq!(
        fake.counters()
            .posts
            .load(std::sync::atomic::Ordering::SeqCst),
        1,
        "a 400 is not retried"
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timeout_after_accepting_is_settled_by_looking_the_order_up() {
    let fake = FakeClob::start().await;
    fake.fail_next(Fault::TimeoutAfterAccept(Duration::from_secs(3)));
    // The post's own path: no placement on the user channel settles it first.
    fake.announce_placements(false);
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_for_orders(&dir, "the order settled open", |o| {
        o.iter().any(|o| o.status == OrderStatus::Open)
    })
    .await;
    assert!(
        fake.counters()
            .lookups
            .load(std::sync::atomic::Ordering::SeqCst)
            >= 1,
        "the engine asked by hash"
    );
    let ledger = fake.ledger();
    assert_eq!(
        (ledger.len(), ledger[0].posts),
        (1, 1),
        "never signed again, never posted twice: {ledger:#?}"
    );
    let metrics = ploy.metrics().await;
    assert!(
        metrics.contains("ploy_api_errors_total{kind=\"timeout\"} 1"),
        "{metrics}"
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_is_treated_as_already_there() {
    let fake = FakeClob::start().await;
    fake.fail_next(Fault::Duplicate);
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;

    let stored = wait_for_orders(&dir, "the order settled open", |o| {
        o.iter().any(|o| o.status == OrderStatus::Open)
    })
    .await;
    assert_eq!(stored.len(), 1);
    assert_eq!(fake.ledger().len(), 1);
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_websocket_falls_back_to_rest_and_resubscribes() {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the first subscription", READY, || {
        fake.counters()
            .subscriptions
            .load(std::sync::atomic::Ordering::SeqCst)
            == 1
    })
    .await;
    fake.drop_websockets(true);
    wait_until("REST polling while the websocket is down", READY, || {
        fake.counters()
            .books
            .load(std::sync::atomic::Ordering::SeqCst)
            >= 2
    })
    .await;
    // Prices keep flowing through polling: a move is quoted.
    fake.set_book(dec!(0.58), dec!(0.62));
    wait_until("a quote from polled prices", READY, || {
        fake.ledger().iter().any(|o| o.price == dec!(0.58))
    })
    .await;
    fake.drop_websockets(false);
    wait_until("the resubscription", Duration::from_secs(60), || {
        fake.counters()
            .subscriptions
            .load(std::sync::atomic::Ordering::SeqCst)
            >= 2
    })
    .await;
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

on_both_backends!(killed_between_persist_and_post: killed_between_persist_and_post_the_order_is_settled_as_never_sent, killed_between_persist_and_post_the_order_is_settled_as_never_sent_on_postgres);

async fn killed_between_persist_and_post(backend: Backend) {
    let fake = FakeClob::start().await;
    // Every post is refused with a long Retry-After: the engine has stored the
    // order and is waiting to post it when it is killed.
    fake.fail_all(Some(Fault::RateLimited(60)));
    let setup = live(&fake, true);
    let (setup, _pg) = on_backend(setup, backend);
    let dir = setup.dir().to_owned();
    let port = setup.http_port();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_for_orders(&dir, "a stored, unsent order", |o| {
        o.iter().any(|o| o.status == OrderStatus::Pending)
    })
    .await;
    ploy.signal("KILL");
    ploy.wait(Duration::from_secs(5)).await.expect("killed");
    assert!(fake.ledger().is_empty());

    fake.fail_all(None);
    let mut again = restart(&fake, &dir, port, ploy).await;
    again.ready(READY).await;
    let stored = wait_for_orders(&dir, "the unsent order settled and a new quote open", |o| {
        o.iter().any(|o| o.status == OrderStatus::Failed)
            && o.iter().any(|o| o.status == OrderStatus::Open)
    })
    .await;
    let failed = stored
        .iter()
        .find(|o| o.status == OrderStatus::Failed)
        .unwrap();
    assert!(
        failed
            .error
            .as_deref()
            .unwrap_or("")
            .contains("never reached the exchange"),
        "{failed:#?}"
    );
    assert_eq!(fake.ledger().len(), 1);
    let _kept = finish(again, &fake, &dir, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_between_post_and_response_the_order_is_found_not_reposted() {
    let fake = FakeClob::start().await;
    fake.fail_next(Fault::HoldForever);
    // Killed before anything settles it (no placement on the user channel).
    fake.announce_placements(false);
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let port = setup.http_port();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the order to reach the exchange", READY, || {
        !fake.ledger().is_empty()
    })
    .await;
    ploy.signal("KILL");
    ploy.wait(Duration::from_secs(5)).await.expect("killed");
    let stored = orders(&dir).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].status,
        OrderStatus::Pending,
        "killed before the answer: {stored:#?}"
    );

    let mut again = restart(&fake, &dir, port, ploy).await;
    again.ready(READY).await;
    wait_for_orders(&dir, "the order found open", |o| {
        o.iter().any(|o| o.status == OrderStatus::Open)
    })
    .await;
    // The quote is already resting: nothing new, nothing re-posted.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let ledger = fake.ledger();
    assert_eq!(
        (ledger.len(), ledger[0].posts),
        (1, 1),
        "{ledger:#?}\n{}",
        again.logs()
    );
    let _kept = finish(again, &fake, &dir, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn api_credentials_are_derived_with_l1_when_not_given() {
    let fake = FakeClob::start().await;
    let setup = live(&fake, false);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("a quote with derived credentials", READY, || {
        !fake.ledger().is_empty()
    })
    .await;
    assert_eq!(
        fake.counters()
            .derives
            .load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    assert!(fake.refused_auth().is_empty(), "{:?}", fake.refused_auth());
    let logs = ploy.logs();
    assert!(
        !logs.contains(API_SECRET) && !logs.contains(PASSPHRASE),
        "derived secrets never logged"
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

async fn trading_state(ploy: &Running) -> serde_json::Value {
    reqwest::get(format!("{}/trading-state", ploy.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn put_trading_state(ploy: &Running, body: &str) -> (u16, String) {
    let answer = reqwest::Client::new()
        .put(format!("{}/trading-state", ploy.base_url()))
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

on_both_backends!(kill_switch_outlives_a_restart: the_kill_switch_cancels_stops_new_orders_and_outlives_a_restart, the_kill_switch_cancels_stops_new_orders_and_outlives_a_restart_on_postgres);

async fn kill_switch_outlives_a_restart(backend: Backend) {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true);
    let (setup, _pg) = on_backend(setup, backend);
    let dir = setup.dir().to_owned();
    let port = setup.http_port();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_for_orders(&dir, "an open quote", |o| {
        o.iter().any(|o| o.status == OrderStatus::Open)
    })
    .await;
    let (status, body) = put_trading_state(&ploy, "halted").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"persisted\":true"), "{body}");
    wait_until("the quote cancelled", READY, || {
        fake.ledger().iter().all(|o| o.status == "CANCELED")
    })
    .await;
    fake.set_book(dec!(0.40), dec!(0.60));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(fake.ledger().len(), 1, "no new order while halted");
    let state = trading_state(&ploy).await;
    assert_eq!(state["state"], "halted");
    assert!(
        state["source"]
            .as_str()
            .unwrap()
            .starts_with("PUT /trading-state from 127.0.0.1:"),
        "{state}"
    );
    let (status, body) = put_trading_state(&ploy, "yolo").await;
    assert_eq!(status, 400);
    assert!(
        body.contains("must be active, reducing or halted") && !body.contains("yolo"),
        "says what is accepted, never quotes the request: {body}"
    );

    // A restart (a deploy, a crash, systemd) does not resume trading.
    let mut again = restart(&fake, &dir, port, ploy).await;
    again.ready(READY).await;
    assert_eq!(trading_state(&again).await["state"], "halted");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(fake.ledger().len(), 1, "still halted after the restart");
    assert!(
        again.logs().contains("starting with the kill switch on"),
        "the log says why it does not trade"
    );
    let metrics = again.metrics().await;
    assert!(
        metrics.contains("ploy_trading_state{state=\"halted\"} 1")
            && metrics.contains("ploy_trading_state{state=\"active\"} 0"),
        "{metrics}"
    );

    // Resuming is one request, and it is saved too.
    let (status, body) = put_trading_state(&again, "active").await;
    assert_eq!(status, 200, "{body}");
    wait_until("a new quote after resuming", READY, || {
        fake.ledger().len() > 1
    })
    .await;
    let metrics = again.metrics().await;
    assert!(
        metrics.contains("ploy_trading_state{state=\"active\"} 1")
            && metrics.contains("ploy_trading_state{state=\"halted\"} 0"),
        "{metrics}"
    );
    let _kept = finish(again, &fake, &dir, 0).await;
    let saved = store(&dir).await.trading_state().await.unwrap().unwrap();
    assert_eq!(saved.state, ploy::config::TradingState::Active);
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_below_the_markets_minimum_size_are_refused_before_signing() {
    let fake = FakeClob::start().await;
    // The fake's book says min_order_size 5, as the exchange's does.
    let setup = live_with(&fake, true, "300ms", "2");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let deadline = Instant::now() + READY;
    loop {
        let metrics = ploy.metrics().await;
        if metrics.contains("ploy_risk_refusals_total{reason=\"below_minimum_size\"}") {
            break;
        }
        assert!(Instant::now() < deadline, "no refusal counted:\n{metrics}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fake.set_book(dec!(0.40), dec!(0.60));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        fake.ledger().is_empty(),
        "nothing below the minimum was posted"
    );
    let logs = ploy.logs();
    assert!(
        logs.contains("strategy.order_size is below this market's minimum order size"),
        "{logs}"
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_fake_rejects_an_order_signed_by_the_wrong_key() {
    use ploy::config::Secret;
    use ploy::orders::build::{build_signed, OrderRequest, OrderType, Signer};
    let fake = FakeClob::start().await;
    let other =
        ploy::signing::Wallet::from_secret(&Secret::new(format!("0x{}", "1".repeat(64)))).unwrap();
    let request = OrderRequest {
        token_id: TOKEN.into(),
        side: Side::Buy,
        price: dec!(0.4),
        size: dec!(5),
        tick_size: dec!(0.01),
        neg_risk: false,
        v3: false,
        order_type: OrderType::Gtc,
        post_only: true,
        salt: 7,
        timestamp_ms: 1,
        expiration_secs: None,
    };
    let signed = build_signed(
        &request,
        &Signer {
            wallet: other,
            signature_type: ploy::config::SignatureType::Eoa,
            funder: None,
            chain_id: 137,
            owner: API_KEY.into(),
        },
    )
    .unwrap();
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let post = |body: String, signature: String| {
        reqwest::Client::new()
            .post(format!("{}/order", fake.url()))
            .header("POLY_ADDRESS", ADDRESS)
            .header("POLY_API_KEY", API_KEY)
            .header("POLY_PASSPHRASE", PASSPHRASE)
            .header("POLY_TIMESTAMP", &ts)
            .header("POLY_SIGNATURE", signature)
            .body(body)
            .send()
    };
    let hmac =
        ploy::signing::l2_signature(API_SECRET, &ts, "POST", "/order", &signed.json).unwrap();
    let answer = post(signed.json.clone(), hmac).await.unwrap();
    assert_eq!(answer.status(), 400);
    assert!(answer.text().await.unwrap().contains("signer address"));
    // A body changed after signing fails the HMAC.
    let hmac =
        ploy::signing::l2_signature(API_SECRET, &ts, "POST", "/order", &signed.json).unwrap();
    let tampered = signed.json.replace("\"salt\":7", "\"salt\":8");
    assert_eq!(post(tampered, hmac).await.unwrap().status(), 401);
    assert!(fake.ledger().is_empty());
}

async fn restart(fake: &FakeClob, dir: &std::path::Path, port: u16, old: Running) -> Running {
    // The same folder and database, a fresh process.
    let keep = old.into_setup();
    let _ = (fake, dir);
    keep.port(port).spawn()
}

/// A halt while one order is being posted (slowly) and another waits in the
/// queue: the queued one is withdrawn and never posted, the one in flight is
/// cancelled the moment its post answers, and nothing of ours rests.
#[tokio::test(flavor = "multi_thread")]
async fn halting_withdraws_queued_orders_and_cancels_the_one_being_posted() {
    let fake = FakeClob::start().await;
    fake.fail_all(Some(Fault::Delay(Duration::from_secs(2))));
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the first post to arrive", READY, || {
        !fake.ledger().is_empty()
    })
    .await;
    // The book moves while the first post waits for its answer: the engine
    // cancels that quote and queues a new one behind it.
    fake.set_book(dec!(0.50), dec!(0.54));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = put_trading_state(&ploy, "halted").await;
    assert_eq!(status, 200);
    wait_until("the first order to be cancelled", READY, || {
        fake.ledger().iter().all(|o| o.status == "CANCELED")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let ledger = fake.ledger();
    assert_eq!(
        ledger.len(),
        1,
        "the queued order was never posted: {ledger:#?}"
    );
    assert_eq!(ledger[0].status, "CANCELED");
    let stored = orders(&dir).await;
    assert!(
        stored.iter().all(|o| o.status.is_terminal()),
        "nothing open or pending in the database: {stored:#?}"
    );
    assert_eq!(trading_state(&ploy).await["state"], "halted");

    // Active again: one bid, not one beside a forgotten one.
    fake.fail_all(None);
    assert_eq!(put_trading_state(&ploy, "active").await.0, 200);
    wait_until("a new bid", READY, || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let live: Vec<_> = fake
        .ledger()
        .into_iter()
        .filter(|o| o.status == "LIVE")
        .collect();
    assert_eq!(live.len(), 1, "one quote on the book: {live:#?}");
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

on_both_backends!(fill_after_the_cancel: a_fill_after_the_cancel_moves_the_position, a_fill_after_the_cancel_moves_the_position_on_postgres);

/// A fill that lands after the order was cancelled (the exchange matched it
/// first) still moves the position: after the halt is lifted the engine
/// offers the shares it holds.
async fn fill_after_the_cancel(backend: Backend) {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true);
    let (setup, _pg) = on_backend(setup, backend);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let first = first_open_quote(&fake, &dir).await;
    assert_eq!(put_trading_state(&ploy, "halted").await.0, 200);
    wait_until("the quote to be cancelled", READY, || {
        fake.ledger().iter().all(|o| o.status == "CANCELED")
    })
    .await;
    wait_for_orders(&dir, "the cancel to be stored", |o| {
        o.iter().all(|o| o.status.is_terminal())
    })
    .await;
    // The trade the exchange had matched before the cancel arrives now.
    fake.fill(&first.hash, dec!(5));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(put_trading_state(&ploy, "active").await.0, 200);
    wait_until("an ask for the 5 shares held", READY, || {
        fake.ledger()
            .iter()
            .any(|o| o.side == "SELL" && o.status == "LIVE")
    })
    .await;
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// The exchange's dead-man's switch: a live engine keeps it armed, so when
/// the engine dies (SIGKILL: no shutdown, no cancel) its quotes leave the book
/// by themselves.
#[tokio::test(flavor = "multi_thread")]
async fn a_killed_engine_leaves_no_quote_on_the_book() {
    let fake = FakeClob::start().await;
    fake.set_heartbeat_limit(Duration::from_secs(2));
    let setup = live(&fake, true).env("PLOY_EXCHANGE__HEARTBEAT_INTERVAL", "1s");
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("a quote on the book", READY, || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    })
    .await;
    assert!(fake.heartbeats() >= 1, "heartbeats started before quoting");
    let (_, health) = ploy.health().await;
    assert_eq!(health["checks"]["heartbeat"]["status"], "up", "{health}");
    ploy.signal("KILL");
    let _ = ploy.wait(Duration::from_secs(5)).await;
    wait_until("the exchange to cancel the quotes by itself", READY, || {
        fake.ledger().iter().all(|o| o.status != "LIVE")
    })
    .await;
    assert_eq!(fake.heartbeat_expiries(), 1);
}

/// Heartbeats failing: no order is posted, `/health` says why, and quoting
/// resumes once they succeed again.
#[tokio::test(flavor = "multi_thread")]
async fn failing_heartbeats_stop_new_orders_and_show_in_health() {
    let fake = FakeClob::start().await;
    fake.refuse_heartbeats(true);
    let setup = live(&fake, true).env("PLOY_EXCHANGE__HEARTBEAT_INTERVAL", "1s");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        fake.ledger().is_empty(),
        "nothing posted: {:#?}",
        fake.ledger()
    );
    let (status, health) = ploy.health().await;
    assert_eq!(status, 503, "{health}");
    let check = &health["checks"]["heartbeat"];
    assert_eq!(check["status"], "down", "{health}");
    assert!(
        check["error"]
            .as_str()
            .unwrap()
            .contains("no order is posted"),
        "{check}"
    );
    let metrics = ploy.metrics().await;
    assert!(
        !metrics.contains("ploy_heartbeat_failures_total 0"),
        "{metrics}"
    );

    fake.refuse_heartbeats(false);
    fake.set_book(dec!(0.47), dec!(0.53));
    wait_until("a quote once heartbeats succeed", READY, || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    })
    .await;
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// A market feed that goes quiet (open, but no update and no PONG) while the
/// real book moves: at `max_staleness` the token's REST book is read and the
/// quote follows it (a quiet feed is confirmed, not trusted); the silent
/// connection is dropped at `max_silence` and made again, REST polling
/// meanwhile.
#[tokio::test(flavor = "multi_thread")]
async fn a_silent_feed_is_checked_against_the_rest_book_and_reconnects() {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true)
        .env("PLOY_MARKET_DATA__MAX_STALENESS", "2s")
        .env("PLOY_MARKET_DATA__MAX_SILENCE", "6s");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the first quote", READY, || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    })
    .await;
    let first = fake.ledger().remove(0);
    assert_eq!(first.price, dec!(0.48));
    let subscriptions = fake
        .counters()
        .subscriptions
        .load(std::sync::atomic::Ordering::SeqCst);
    fake.silence_websockets(true);
    fake.set_book(dec!(0.58), dec!(0.62));
    wait_until(
        "the quote to follow the REST book",
        Duration::from_secs(5),
        || {
            fake.ledger()
                .iter()
                .any(|o| o.status == "LIVE" && o.price == dec!(0.58))
        },
    )
    .await;
    assert_eq!(
        fake.counters()
            .subscriptions
            .load(std::sync::atomic::Ordering::SeqCst),
        subscriptions,
        "followed before the socket was dropped"
    );
    // The silent connection is dropped and made again.
    wait_until("a new subscription", READY, || {
        fake.counters()
            .subscriptions
            .load(std::sync::atomic::Ordering::SeqCst)
            > subscriptions
    })
    .await;
    fake.silence_websockets(false);
    let (status, health) = ploy.health().await;
    assert_eq!(status, 200, "{health}");
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// The feed goes quiet and the REST book cannot be read either: the quote on
/// the book the engine can no longer see is cancelled (past max_staleness
/// and the read's grace), `/health` says so, and quoting resumes on fresh data.
#[tokio::test(flavor = "multi_thread")]
async fn a_silent_feed_and_no_rest_book_cancel_stale_quotes() {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true)
        .env("PLOY_MARKET_DATA__MAX_STALENESS", "2s")
        .env("PLOY_MARKET_DATA__MAX_SILENCE", "60s");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the first quote", READY, || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    })
    .await;
    fake.refuse_books(true);
    fake.silence_websockets(true);
    wait_until("the stale quote to be cancelled", READY, || {
        fake.ledger().iter().all(|o| o.status != "LIVE")
    })
    .await;
    let (status, health) = ploy.health().await;
    assert_eq!(status, 503, "{health}");
    assert_eq!(
        health["checks"]["market_data"]["status"], "down",
        "{health}"
    );
    let metrics = ploy.metrics().await;
    assert!(
        metrics.contains("ploy_market_data_age_seconds"),
        "{metrics}"
    );
    fake.refuse_books(false);
    fake.silence_websockets(false);
    fake.set_book(dec!(0.58), dec!(0.62));
    wait_until("a quote on the fresh book", READY, || {
        fake.ledger()
            .iter()
            .any(|o| o.status == "LIVE" && o.price == dec!(0.58))
    })
    .await;
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// An order cancelled on the exchange's side (the web UI, the dead-man's
/// switch, a closed market) is noticed by the open-orders check, stored as
/// cancelled, and the engine quotes again. When that order then rests again
/// although the database has it as cancelled (accepted late, after the
/// exchange said it did not know it), the same check cancels it.
#[tokio::test(flavor = "multi_thread")]
async fn an_order_cancelled_on_the_exchange_side_is_noticed_and_requoted() {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true).env("PLOY_EXCHANGE__OPEN_ORDERS_CHECK", "1s");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let first = first_open_quote(&fake, &dir).await;
    fake.cancel_on_exchange(&first.hash, false);
    wait_for_orders(&dir, "the cancel to reach the database", |o| {
        o.iter().any(|o| o.status == OrderStatus::Cancelled)
    })
    .await;
    wait_until("a new quote", READY, || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    })
    .await;
    fake.revive(&first.hash);
    wait_until("the revived order to be cancelled", READY, || {
        fake.ledger()
            .iter()
            .any(|o| o.hash == first.hash && o.status == "CANCELED")
    })
    .await;
    assert!(
        ploy.logs()
            .contains("an order of ours rests on the exchange although it is stored as finished"),
        "{}",
        ploy.logs()
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// A halt ends on the exchange's word: cancel-all for the account (which
/// also takes off an order this engine never knew), then the open orders are
/// listed until none of ours is left.
#[tokio::test(flavor = "multi_thread")]
async fn a_halt_ends_with_cancel_all_and_the_exchange_confirming_nothing_rests() {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the first quote", READY, || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    })
    .await;
    let foreign = format!("0x{}", "e".repeat(64));
    fake.add_foreign_order(&foreign);
    assert_eq!(put_trading_state(&ploy, "halted").await.0, 200);
    wait_until("nothing of ours on the book", READY, || {
        fake.ledger().iter().all(|o| o.status != "LIVE")
    })
    .await;
    wait_until("the exchange's confirmation in the log", READY, || {
        ploy.logs()
            .contains("halt: confirmed by the exchange: no order of ours is open")
    })
    .await;
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// Fees as the market publishes them: our resting quotes are makers, free
/// where the market charges takers only, and charged
/// `shares × r × (p(1−p))^e` where it charges both.
#[tokio::test(flavor = "multi_thread")]
async fn fills_are_charged_by_the_markets_published_fee_model() {
    for (taker_only, expected) in [(true, dec!(0)), (false, dec!(0.00623))] {
        let fake = FakeClob::start().await;
        fake.set_fees(0.02, 2, taker_only);
        let setup = live(&fake, true);
        let dir = setup.dir().to_owned();
        let mut ploy = setup.spawn();
        ploy.ready(READY).await;
        wait_until("the first quote", READY, || !fake.ledger().is_empty()).await;
        let first = fake.ledger().remove(0);
        assert_eq!(first.price, dec!(0.48));
        wait_for_orders(&dir, "the quote to be open", |o| {
            o.iter().any(|o| o.status == OrderStatus::Open)
        })
        .await;
        fake.fill(&first.hash, dec!(5));
        wait_for_orders(&dir, "the fill", |o| {
            o.iter().any(|o| o.status == OrderStatus::Filled)
        })
        .await;
        let fills = store(&dir).await.fills().await.unwrap();
        assert_eq!(fills.len(), 1);
        assert_eq!(fills[0].fee, expected, "taker only: {taker_only}");
        let _kept = finish(ploy, &fake, &dir, 0).await;
    }
}

/// The same, announced on the user channel: noticed at once, not at the next
/// periodic check (an hour away here).
#[tokio::test(flavor = "multi_thread")]
async fn a_cancellation_on_the_user_channel_is_applied_at_once() {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true).env("PLOY_EXCHANGE__OPEN_ORDERS_CHECK", "1h");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let first = first_open_quote(&fake, &dir).await;
    fake.cancel_on_exchange(&first.hash, true);
    wait_until("a new quote", Duration::from_secs(5), || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    })
    .await;
    let stored = orders(&dir).await;
    assert!(
        stored.iter().any(|o| o.status == OrderStatus::Cancelled),
        "{stored:#?}"
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

on_both_backends!(failed_trade_taken_back: a_matched_trade_that_fails_is_taken_back, a_matched_trade_that_fails_is_taken_back_on_postgres);

/// A trade that matched and then failed (it never settled, as users of the
/// official clients saw after the V2 cutover) is taken back: the fill leaves
/// the database and the position returns to what it was; the shares it
/// promised were never offered, because unconfirmed shares are not sold.
async fn failed_trade_taken_back(backend: Backend) {
    let fake = FakeClob::start().await;
    fake.hold_confirmations(true);
    let setup = live(&fake, true);
    let (setup, _pg) = on_backend(setup, backend);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let first = first_open_quote(&fake, &dir).await;
    let trade = fake.fill(&first.hash, dec!(5));
    wait_for_orders(&dir, "the fill", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    fake.set_book(dec!(0.48), dec!(0.52));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        fake.ledger().iter().all(|o| o.side != "SELL"),
        "matched but unconfirmed shares are not offered: {:#?}",
        fake.ledger()
    );
    fake.fail_trade(&trade);
    wait_until("the fill to be taken back", READY, || {
        ploy.logs()
            .contains("a matched trade failed; its fill is taken back")
    })
    .await;
    let s = store(&dir).await;
    assert!(
        s.fills().await.unwrap().is_empty(),
        "the fill is taken back"
    );
    let positions = s.positions().await.unwrap();
    assert!(positions.iter().all(|p| p.size.is_zero()), "{positions:?}");
    assert!(
        fake.ledger().iter().all(|o| o.side != "SELL"),
        "never sold what never came"
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// Shares bought in a trade that is matched but not yet confirmed are held,
/// not sold; once the exchange confirms the trade, they are offered at once.
#[tokio::test(flavor = "multi_thread")]
async fn unconfirmed_shares_are_sold_only_once_confirmed() {
    let fake = FakeClob::start().await;
    fake.hold_confirmations(true);
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let first = first_open_quote(&fake, &dir).await;
    let trade = fake.fill(&first.hash, dec!(5));
    wait_for_orders(&dir, "the fill", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    fake.set_book(dec!(0.48), dec!(0.52));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        fake.ledger().iter().all(|o| o.side != "SELL"),
        "{:#?}",
        fake.ledger()
    );
    fake.confirm_trade(&trade);
    wait_until("an ask for the confirmed shares", READY, || {
        fake.ledger()
            .iter()
            .any(|o| o.side == "SELL" && o.status == "LIVE")
    })
    .await;
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// The optional second line behind the dead-man's switch: with
/// `exchange.quote_ttl`, quotes are GTD orders that expire by themselves.
#[tokio::test(flavor = "multi_thread")]
async fn quotes_can_be_gtd_orders_that_expire_by_themselves() {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true).env("PLOY_EXCHANGE__QUOTE_TTL", "2m");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the first quote", READY, || !fake.ledger().is_empty()).await;
    let first = fake.ledger().remove(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert_eq!(first.order_type, "GTD", "{first:?}");
    assert!(
        (first.expiration - (now + 120)).abs() <= 5,
        "{first:?} at {now}"
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// A post that cannot finish (the exchange answers 429 with a long
/// Retry-After) is given up on at `exchange.order_deadline`, as an event the
/// engine acts on: a halt then cancels the order by its hash at once instead
/// of waiting behind retries, and nothing of ours rests.
#[tokio::test(flavor = "multi_thread")]
async fn a_post_past_its_deadline_is_given_up_and_a_halt_still_reaches_it() {
    let fake = FakeClob::start().await;
    fake.fail_all(Some(Fault::RateLimited(60)));
    let setup = live(&fake, true).env("PLOY_EXCHANGE__ORDER_DEADLINE", "2s");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the post to be given up on", READY, || {
        ploy.logs().contains("given up on and left pending")
    })
    .await;
    let stored = orders(&dir).await;
    assert!(
        stored.iter().any(|o| o.status == OrderStatus::Pending),
        "{stored:#?}"
    );
    fake.fail_all(None);
    assert_eq!(put_trading_state(&ploy, "halted").await.0, 200);
    let halted = Instant::now();
    wait_for_orders(&dir, "the given-up order cancelled", |o| {
        o.iter().all(|o| o.status.is_terminal())
    })
    .await;
    assert!(
        halted.elapsed() < Duration::from_secs(8),
        "the cancel did not wait behind the post's retries: {:?}",
        halted.elapsed()
    );
    assert!(
        fake.ledger().iter().all(|o| o.status != "LIVE"),
        "{:#?}",
        fake.ledger()
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

on_both_backends!(sweeper_and_cancel: the_sweeper_never_posts_an_order_cancelled_while_it_looked, the_sweeper_never_posts_an_order_cancelled_while_it_looked_on_postgres);

/// The sweeper looks up a pending order (slowly) while a halt cancels it:
/// the cancel waits for the sweeper's guard, and the sweeper, reading the
/// order again under it, never posts a cancelled order; so nothing of ours
/// rests while the database says cancelled.
async fn sweeper_and_cancel(backend: Backend) {
    let fake = FakeClob::start().await;
    fake.fail_all(Some(Fault::RateLimited(60)));
    let setup = live(&fake, true)
        // Slow look-ups (3 s) still answer within the request timeout.
        .env("PLOY_EXCHANGE__REQUEST_TIMEOUT", "5s")
        .env("PLOY_EXCHANGE__ORDER_DEADLINE", "5s")
        // Only the guard is tested: the orphan check must not clean up.
        .env("PLOY_EXCHANGE__OPEN_ORDERS_CHECK", "1h");
    let (setup, _pg) = on_backend(setup, backend);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the post to be given up on", READY, || {
        ploy.logs().contains("given up on and left pending")
    })
    .await;
    fake.fail_all(None);
    fake.set_lookup_delay(Some(Duration::from_secs(3)));
    let lookups = || {
        fake.counters()
            .lookups
            .load(std::sync::atomic::Ordering::SeqCst)
    };
    let before = lookups();
    // The sweeper takes pending orders older than 10 s, every 5 s.
    wait_until("the sweeper's look-up", Duration::from_secs(30), || {
        lookups() > before
    })
    .await;
    assert_eq!(put_trading_state(&ploy, "halted").await.0, 200);
    tokio::time::sleep(Duration::from_secs(8)).await;
    fake.set_lookup_delay(None);
    let ledger = fake.ledger();
    assert!(
        ledger.iter().all(|o| o.status != "LIVE"),
        "a cancelled order was posted again: {ledger:#?}"
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// Holding shares, the market moves: the ask's replacement would offer the
/// shares the old ask still offers, so it goes the moment the old ask's
/// cancel is confirmed, not at the next market message (none comes here).
#[tokio::test(flavor = "multi_thread")]
async fn an_asks_replacement_follows_its_cancel_without_waiting_for_the_market() {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let first = first_open_quote(&fake, &dir).await;
    fake.fill(&first.hash, dec!(5));
    wait_for_orders(&dir, "the fill", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    fake.set_book(dec!(0.48), dec!(0.52));
    wait_until("an ask on the 5 shares", READY, || {
        fake.ledger()
            .iter()
            .any(|o| o.side == "SELL" && o.status == "LIVE")
    })
    .await;
    // One market message moves the book; nothing follows it.
    fake.set_book(dec!(0.58), dec!(0.62));
    wait_until(
        "the ask replaced at the new price",
        Duration::from_secs(5),
        || {
            fake.ledger()
                .iter()
                .any(|o| o.side == "SELL" && o.status == "LIVE" && o.price > dec!(0.56))
        },
    )
    .await;
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// The user channel announces a placement while the post's answer is slow:
/// the order is stored open at once (the sweeper asks the exchange), before
/// the post answers.
#[tokio::test(flavor = "multi_thread")]
async fn a_placement_on_the_user_channel_settles_an_order_before_its_post_answers() {
    let fake = FakeClob::start().await;
    fake.fail_next(Fault::Delay(Duration::from_secs(6)));
    let setup = live(&fake, true).env("PLOY_EXCHANGE__REQUEST_TIMEOUT", "10s");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the user channel subscribed", READY, || {
        fake.counters()
            .user_subscriptions
            .load(std::sync::atomic::Ordering::SeqCst)
            >= 1
    })
    .await;
    wait_until("the post to arrive", READY, || !fake.ledger().is_empty()).await;
    let arrived = Instant::now();
    wait_for_orders(&dir, "the order stored open", |o| {
        o.iter().any(|o| o.status == OrderStatus::Open)
    })
    .await;
    assert!(
        arrived.elapsed() < Duration::from_secs(4),
        "settled from the placement, not from the post's answer 6 s later: {:?}",
        arrived.elapsed()
    );
    assert_eq!(fake.ledger()[0].posts, 1, "never posted twice");
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

on_both_backends!(resolved_market: a_resolved_market_is_not_quoted_again_and_its_position_is_marked_at_the_payout, a_resolved_market_is_not_quoted_again_and_its_position_is_marked_at_the_payout_on_postgres);

/// The market resolves while the engine holds shares: its quotes are gone
/// (the exchange cancelled them), it never quotes there again, `/health`
/// says why, and the position is marked at the payout (1 for the winner).
async fn resolved_market(backend: Backend) {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true);
    let (setup, _pg) = on_backend(setup, backend);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let first = first_open_quote(&fake, &dir).await;
    assert!(
        fake.custom_subscriptions() >= 1,
        "the subscription asks for market_resolved"
    );
    fake.fill(&first.hash, dec!(5));
    wait_for_orders(&dir, "the fill", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    fake.set_book(dec!(0.48), dec!(0.52));
    wait_until("a bid and an ask", READY, || {
        fake.ledger().iter().filter(|o| o.status == "LIVE").count() == 2
    })
    .await;
    fake.resolve_market(TOKEN);
    wait_until("the log to say so", READY, || {
        ploy.logs()
            .contains("market closed: its quotes are cancelled")
    })
    .await;
    wait_for_orders(&dir, "every quote stored cancelled", |o| {
        o.iter().all(|o| o.status.is_terminal())
    })
    .await;
    let placed = fake.ledger().len();
    fake.set_book(dec!(0.98), dec!(0.99));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        fake.ledger().len(),
        placed,
        "nothing quoted after the resolution"
    );
    let (status, health) = ploy.health().await;
    assert_eq!(status, 503, "{health}");
    let check = &health["checks"]["market_data"];
    assert!(
        check["error"]
            .as_str()
            .unwrap()
            .contains("every quoted market is closed"),
        "{check}"
    );
    assert_eq!(check["closed_markets"][TOKEN], "resolved", "{check}");
    wait_until("the mark at the payout", READY, || {
        let (code, out, _) = ploy.setup().output(&["positions", "--json"]);
        code == 0 && {
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            v["positions"][0]["mark"] == "1" && v["positions"][0]["unrealized_pnl"] == "2.6"
        }
    })
    .await;
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// A market that no longer takes orders when the engine starts is not
/// quoted, and the log says to take it out of the config.
#[tokio::test(flavor = "multi_thread")]
async fn a_market_that_takes_no_orders_at_the_start_is_not_quoted() {
    let fake = FakeClob::start().await;
    fake.stop_accepting_orders();
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the log to say so", READY, || {
        ploy.logs().contains("this market takes no orders")
    })
    .await;
    fake.set_book(dec!(0.47), dec!(0.53));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(fake.ledger().is_empty(), "{:#?}", fake.ledger());
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// Reordering: the order fills on the exchange while its post's answer is
/// still on its way (the user channel and the trade poll win the race). The
/// fill is applied to a pending order, the late "accepted" never reopens it,
/// and the engine goes on to offer the shares it bought.
#[tokio::test(flavor = "multi_thread")]
async fn a_fill_that_beats_its_posts_answer_is_kept_and_the_order_stays_filled() {
    let fake = FakeClob::start().await;
    fake.fail_next(Fault::Delay(Duration::from_secs(3)));
    fake.announce_placements(false);
    let setup = live(&fake, true).env("PLOY_EXCHANGE__REQUEST_TIMEOUT", "10s");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the post to arrive", READY, || !fake.ledger().is_empty()).await;
    let first = fake.ledger().remove(0);
    fake.fill(&first.hash, dec!(5));
    wait_for_orders(&dir, "the fill on the pending order", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    // The post's answer ("accepted") arrives 3 s after the post.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stored = orders(&dir).await;
    assert_eq!(
        stored[0].status,
        OrderStatus::Filled,
        "the late answer does not reopen it: {stored:#?}"
    );
    fake.set_book(dec!(0.48), dec!(0.52));
    wait_until("an ask for the 5 shares", READY, || {
        fake.ledger()
            .iter()
            .any(|o| o.side == "SELL" && o.status == "LIVE")
    })
    .await;
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// `/health` as (status, body), or None while it does not answer.
async fn health_now(ploy: &Running) -> Option<(u16, serde_json::Value)> {
    let response = reqwest::Client::new()
        .get(format!("{}/health", ploy.base_url()))
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    Some((status, response.json().await.ok()?))
}

/// One pipeline task of a live engine is made to panic (the failpoint):
/// within a second of the failure `/health` answers 503 naming it, trading
/// is halted (the fake's book holds none of our orders), the failure is
/// counted, and the process stays up to say so. The executor, without
/// which nothing can be cancelled, stops the process instead (exit 1).
async fn a_task_stops(task: &'static str) {
    let fake = FakeClob::start().await;
    let setup = if task == "recording_player" {
        // Paper on a recording, as the quick start runs.
        Ploy::new().config(&format!(
            "[market_data]\nsource = \"recording\"\nrecording = \"{}\"\n",
            crate::harness::sample_recording().display()
        ))
    } else {
        live(&fake, true)
    };
    let mut ploy = setup
        .env("PLOY_FAILPOINT_TASK", task)
        .env("PLOY_FAILPOINT_AFTER", "3s")
        .spawn();
    ploy.ready(READY).await;
    if task == "executor" {
        let status = ploy.wait(Duration::from_secs(20)).await;
        assert_eq!(
            status.and_then(|s| s.code()),
            Some(1),
            "{task}: the process stops\n{}",
            ploy.logs()
        );
        assert!(
            ploy.logs().contains("the executor stopped"),
            "{}",
            ploy.logs()
        );
        return;
    }
    wait_until(&format!("{task} to fail"), READY, || {
        ploy.logs().contains("a pipeline task stopped")
    })
    .await;
    let failed_at = Instant::now();
    let mut seen = None;
    while failed_at.elapsed() < Duration::from_secs(1) {
        if let Some((503, body)) = health_now(&ploy).await {
            if body["checks"]["tasks"]["failed"][0] == task {
                seen = Some(body);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body = seen.unwrap_or_else(|| {
        panic!(
            "{task}: /health does not name the failed task within 1 s\n{}",
            ploy.logs()
        )
    });
    assert!(
        body["checks"]["tasks"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("trading is halted")),
        "{body:#}"
    );
    wait_until(&format!("{task}: trading halted"), READY, || {
        fake.ledger().iter().all(|o| o.status != "LIVE")
    })
    .await;
    let state = trading_state(&ploy).await;
    assert_eq!(state["state"], "halted", "{task}: {state}");
    assert!(
        state["source"]
            .as_str()
            .is_some_and(|s| s.contains(task) && s.contains("panicked")),
        "{state}"
    );
    let metrics = ploy.metrics().await;
    assert!(
        metrics.contains(&format!("ploy_task_failures_total{{task=\"{task}\"}} 1")),
        "{metrics}"
    );
    ploy.signal("TERM");
    assert_eq!(
        ploy.wait(READY).await.and_then(|s| s.code()),
        Some(0),
        "{task}: a clean stop after the failure\n{}",
        ploy.logs()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_pipeline_task_that_stops_halts_trading_and_is_named_by_health() {
    futures_util::future::join_all(
        [
            "market_websocket",
            "rest_fallback",
            "heartbeat",
            "user_channel",
            "trade_poller",
            "pending_sweeper",
            "open_orders_check",
            "executor",
            "recording_player",
        ]
        .map(a_task_stops),
    )
    .await;
}

on_both_backends!(standby_handover: a_standby_takes_over_with_no_instant_of_two_traders, a_standby_takes_over_with_no_instant_of_two_traders_on_postgres);

/// The process that placed an order: its client ID's `<mode>-<start>` prefix.
fn process_of(client_id: &str) -> String {
    client_id
        .splitn(3, '-')
        .take(2)
        .collect::<Vec<_>>()
        .join("-")
}

/// A standby handover on one database: the old instance trades, the new one
/// starts beside it on its own port, reports ready and posts nothing; told
/// to take over (SIGUSR1) while the old one stops (SIGTERM), it trades only
/// once the old one's orders are gone. On the exchange's ledger no order of
/// the new process rests while one of the old still does.
async fn standby_handover(backend: Backend) {
    let fake = FakeClob::start().await;
    // Every answer a little late, as over a network: the old process's
    // cancels and the new one's first post are not instant.
    fake.set_round_trip(Some(Duration::from_millis(10)));
    let (old_setup, _pg) = on_backend(live(&fake, true), backend);
    let dir = old_setup.dir().to_owned();
    let url = std::fs::read_to_string(dir.join(DATABASE_URL_FILE))
        .unwrap_or_else(|_| format!("sqlite://{}/data/ploy.db", dir.display()));
    let main_port = old_setup.http_port();
    let mut old = old_setup.spawn();
    old.ready(READY).await;
    first_open_quote(&fake, &dir).await;

    let standby_port = crate::harness::free_port();
    let new_setup = live(&fake, true).port(main_port).env("DATABASE_URL", &url);
    let mut new = new_setup.spawn_with(&[
        "run",
        "--standby-bind",
        &format!("127.0.0.1:{standby_port}"),
    ]);
    let standby_health = format!("http://127.0.0.1:{standby_port}/health");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + READY;
    let report: serde_json::Value = loop {
        assert!(!new.exited(), "the standby exited:\n{}", new.logs());
        if let Ok(r) = client.get(&standby_health).send().await {
            if r.status() == 200 {
                break r.json().await.unwrap();
            }
        }
        assert!(
            Instant::now() < deadline,
            "the standby never became ready:\n{}",
            new.logs()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(
        report["checks"]["trading_lease"]["role"], "standby",
        "{report}"
    );
    // Ready, and still not trading: everything on the exchange is the old one's.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let before: Vec<String> = orders(&dir)
        .await
        .iter()
        .map(|o| process_of(o.client_id.as_str()))
        .collect();
    let old_process = before[0].clone();
    assert!(
        before.iter().all(|p| *p == old_process),
        "only the old process placed orders before the handover: {before:?}"
    );
    assert!(
        !old.health().await.1["checks"]
            .as_object()
            .unwrap()
            .contains_key("trading_lease"),
        "the trading instance is no standby"
    );

    new.signal("USR1");
    old.signal("TERM");
    let status = old.wait(Duration::from_secs(15)).await.expect("old exits");
    assert_eq!(status.code(), Some(0), "{}", old.logs());
    assert!(
        old.logs().contains("released the trading lease"),
        "{}",
        old.logs()
    );
    wait_until("the new process's first quote", READY, || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    })
    .await;
    // The new process serves on the main port once the old one left it.
    let deadline = Instant::now() + READY;
    loop {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{main_port}/health"))
            .send()
            .await
        {
            let body: serde_json::Value = r.json().await.unwrap();
            if body["checks"].get("trading_lease").is_none() {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "not on the main port:\n{}",
            new.logs()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    let by_hash: std::collections::BTreeMap<String, String> = orders(&dir)
        .await
        .iter()
        .filter_map(|o| {
            Some((
                o.order_hash.as_ref()?.as_str().to_ascii_lowercase(),
                process_of(o.client_id.as_str()),
            ))
        })
        .collect();
    let ledger = fake.ledger();
    let now = i64::MAX;
    let spans = |process: &str| -> Vec<(i64, i64)> {
        ledger
            .iter()
            .filter(|o| {
                by_hash
                    .get(&o.hash.to_ascii_lowercase())
                    .map(String::as_str)
                    == Some(process)
            })
            .map(|o| (o.rested_ms, o.ended_ms.unwrap_or(now)))
            .collect()
    };
    let old_spans = spans(&old_process);
    let new_process = by_hash
        .values()
        .find(|p| **p != old_process)
        .expect("the new process placed orders")
        .clone();
    let new_spans = spans(&new_process);
    assert!(!old_spans.is_empty() && !new_spans.is_empty());
    for (o_from, o_to) in &old_spans {
        assert!(*o_to < now, "an old order still rests: {old_spans:?}");
        for (n_from, n_to) in &new_spans {
            assert!(
                o_to <= n_from || n_to <= o_from,
                "two processes had orders resting at once: old {o_from}..{o_to}, new {n_from}..{n_to}"
            );
        }
    }
    let last_old = old_spans.iter().map(|s| s.1).max().unwrap();
    let first_new = new_spans.iter().map(|s| s.0).min().unwrap();
    assert!(first_new >= last_old);
    eprintln!(
        "standby handover gap on {backend:?}: {} ms",
        first_new - last_old
    );
    let kept = stop(new).await;
    drop(kept);
}

/// A hot standby on a shared PostgreSQL: a second `ploy run` (no standby
/// address: it waits on its own port) finds the lease held and waits, ready
/// and not trading. When the leader's lease session ends while it is cut
/// off (frozen; the server terminates the session), the standby takes the
/// lease; the leader, back, finds it held by another and stops (cancelling
/// its quotes, exit 1); the standby quotes only once they are settled.
#[tokio::test(flavor = "multi_thread")]
async fn a_leader_cut_off_from_its_lease_stops_and_a_hot_standby_takes_over() {
    let fake = FakeClob::start().await;
    let (leader_setup, _pg) = on_backend(live(&fake, true), Backend::Postgres);
    let dir = leader_setup.dir().to_owned();
    let url = std::fs::read_to_string(dir.join(DATABASE_URL_FILE)).unwrap();
    let mut leader = leader_setup.spawn();
    leader.ready(READY).await;
    first_open_quote(&fake, &dir).await;

    let mut standby = live(&fake, true).env("DATABASE_URL", &url).spawn();
    standby.ready(READY).await;
    let (code, report) = standby.health().await;
    assert_eq!(code, 200, "{report}");
    assert_eq!(
        report["checks"]["trading_lease"]["role"], "standby",
        "{report}"
    );
    let placed = fake.ledger().len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.ledger().len(), placed, "the standby does not trade");

    // The leader is cut off (frozen, as a host partitioned from the
    // database would be) while the server ends the session that holds the
    // advisory lock: the standby takes it.
    leader.signal("STOP");
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(ended, vec![true], "one session held the lease");
    let deadline = Instant::now() + READY;
    while !standby.logs().contains("took the trading lease") {
        assert!(Instant::now() < deadline, "{}", standby.logs());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Back, the leader finds the lease held by another and stops.
    leader.signal("CONT");

    let status = leader
        .wait(Duration::from_secs(15))
        .await
        .expect("the leader stops");
    assert_eq!(status.code(), Some(1), "{}", leader.logs());
    let ledger = fake.ledger();
    assert!(
        ledger[..placed].iter().all(|o| o.status != "LIVE"),
        "the leader cancelled its quotes as it stopped: {ledger:?}"
    );
    let deadline = Instant::now() + READY;
    while !(fake.ledger().len() > placed && fake.ledger().iter().any(|o| o.status == "LIVE")) {
        assert!(
            Instant::now() < deadline,
            "the standby never quoted:\n{}",
            standby.logs()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let (_, report) = standby.health().await;
    assert!(
        report["checks"].get("trading_lease").is_none(),
        "it leads now: {report}"
    );
    // It waited for the leader's cancels before it quoted.
    let ledger = fake.ledger();
    let last_old = ledger[..placed]
        .iter()
        .filter_map(|o| o.ended_ms)
        .max()
        .unwrap();
    let first_new = ledger[placed..].iter().map(|o| o.rested_ms).min().unwrap();
    assert!(last_old <= first_new, "{ledger:?}");
    assert!(
        leader
            .logs()
            .contains("another instance holds the trading lease now"),
        "{}",
        leader.logs()
    );
    let _ = stop(standby).await;
}

// After the helpers and the macros above, which it uses.
mod protect;
