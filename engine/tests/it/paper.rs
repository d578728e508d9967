//! Paper trading and replay on the shipped recording: the same result every
//! time, and paper trading decides exactly as replay does.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ploy::config::{DatabaseConfig, DatabaseUrl};

use crate::harness::process::Ploy;

fn recording() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("recordings/sample.jsonl")
}

fn replay_json() -> serde_json::Value {
    let (code, out, err) =
        Ploy::new().output(&["replay", &recording().display().to_string(), "--json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn replay_gives_the_same_report_twice() {
    let path = recording().display().to_string();
    let (code, first, err) = Ploy::new().output(&["replay", &path, "--json"]);
    assert_eq!(code, 0, "{err}");
    let (_, second, _) = Ploy::new().output(&["replay", &path, "--json"]);
    assert_eq!(first, second, "replay is deterministic");
    let report: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert!(
        report["fills"].as_array().unwrap().len() >= 5,
        "the sample trades: {report:#}"
    );
    assert!(report["stats"]["placed"].as_u64().unwrap() > 20);
    assert!(report["max_inventory"].as_str().is_some());
    let (code, human, _) = Ploy::new().output(&["replay", &path]);
    assert_eq!(code, 0);
    assert!(human.contains("fills: "), "{human}");
    assert!(human.contains("P&L "), "{human}");
}

#[test]
fn a_missing_or_broken_recording_is_a_clear_error() {
    let (code, _, err) = Ploy::new().output(&["replay", "/nonexistent.jsonl"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read the recording /nonexistent.jsonl"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"recv_ms\": 1, \"msg\": {\"event_type\": \"book\"}}\n",
    )
    .unwrap();
    let (code, _, err) = Ploy::new().output(&["replay", &bad.display().to_string()]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.jsonl:1:"), "{err}");
}

async fn paper_run() -> Vec<(String, String, String)> {
    let expected = replay_json();
    let want_fills = expected["fills"].as_array().unwrap().len();
    let want_orders = expected["stats"]["placed"].as_u64().unwrap() as usize;
    let setup = Ploy::new().config(&format!(
        "[market_data]\nsource = \"recording\"\nrecording = \"{}\"\nrecording_speed = 0\n",
        recording().display()
    ));
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(Duration::from_secs(20)).await;
    let url = DatabaseUrl::new(format!("sqlite://{}/data/ploy.db", dir.display()));
    let store = ploy::storage::connect(&url, &DatabaseConfig::default())
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let fills = store.fills().await.unwrap().len();
        let orders = store.all_orders().await.unwrap().len();
        if fills >= want_fills && orders >= want_orders {
            break;
        }
        assert!(Instant::now() < deadline, "paper run did not finish: {fills}/{want_fills} fills, {orders}/{want_orders} orders\n{}", ploy.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        store.all_orders().await.unwrap().len(),
        want_orders,
        "the same orders as replay"
    );
    let fills: Vec<(String, String, String)> = store
        .fills()
        .await
        .unwrap()
        .into_iter()
        .map(|f| {
            (
                f.side.to_string(),
                f.price.normalize().to_string(),
                f.size.normalize().to_string(),
            )
        })
        .collect();
    let from_replay = report_fills(&expected);
    assert_eq!(
        fills, from_replay,
        "paper trading fills exactly as replay does"
    );
    let positions = store.positions().await.unwrap();
    let total: rust_decimal::Decimal = positions.iter().map(|p| p.size).sum();
    let from_report: rust_decimal::Decimal = expected["tokens"]
        .as_object()
        .unwrap()
        .values()
        .map(|t| {
            t["position"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, from_report, "positions match the replay");
    store.close().await;
    ploy.signal("TERM");
    assert_eq!(
        ploy.wait(Duration::from_secs(15))
            .await
            .and_then(|s| s.code()),
        Some(0)
    );
    fills
}

#[tokio::test(flavor = "multi_thread")]
async fn paper_trading_on_the_recording_gives_the_same_result_twice() {
    let first = paper_run().await;
    let second = paper_run().await;
    assert_eq!(first, second);
}

#[tokio::test(flavor = "multi_thread")]
async fn record_writes_what_replay_reads() {
    let fake = crate::harness::fake_clob::FakeClob::start().await;
    let setup = Ploy::new().config(&format!("[exchange]\nws_url = \"{}\"\n", fake.ws_url()));
    let out = setup.dir().join("session.jsonl");
    let out_text = out.display().to_string();
    let token = crate::harness::fake_clob::TOKEN;
    let recorder = std::thread::spawn(move || {
        let result = setup.output(&[
            "record",
            "--out",
            &out_text,
            "--duration",
            "2s",
            "--markets",
            token,
        ]);
        (result, setup)
    });
    tokio::time::sleep(Duration::from_millis(800)).await;
    fake.set_book(
        rust_decimal::Decimal::new(44, 2),
        rust_decimal::Decimal::new(50, 2),
    );
    let ((code, _, err), _kept) = recorder.join().unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote "), "{err}");
    let events = ploy::market_data::recording::load(&out).unwrap();
    assert!(
        events.len() >= 2,
        "the initial dump and the pushed book: {events:?}"
    );
    let (code, report, err) = Ploy::new().output(&["replay", &out.display().to_string(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert!(
        report["stats"]["placed"].as_u64().unwrap() >= 1,
        "{report:#}"
    );
}

#[test]
fn order_preview_prints_the_signed_body_and_sends_nothing() {
    // The exchange URL points nowhere: previewing must not need it.
    let ploy = Ploy::new()
        .config("[exchange]\nclob_url = \"http://127.0.0.1:9\"\n")
        .env(
            "POLYMARKET_PRIVATE_KEY",
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        )
        .env("POLYMARKET_API_KEY", "11111111-2222-3333-4444-555555555555");
    let args = [
        "order",
        "preview",
        "--token-id",
        "1234",
        "--side",
        "buy",
        "--price",
        "0.56",
        "--size",
        "21.04",
        "--tick-size",
        "0.01",
        "--salt",
        "479249096354",
        "--timestamp",
        "1764000000000",
        "--json",
    ];
    let (code, out, err) = ploy.output(&args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let body = &v["body"];
    assert_eq!(body["order"]["makerAmount"], "11782400");
    assert_eq!(body["order"]["takerAmount"], "21040000");
    assert_eq!(body["order"]["salt"], 479_249_096_354u64);
    assert_eq!(body["owner"], "11111111-2222-3333-4444-555555555555");
    assert_eq!(
        v["exchange_address"],
        "0xE111180000d2663C0091e4f400237545B87B996B"
    );
    // The same inputs sign to the same order ID.
    let (_, again, _) = ploy.output(&args);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&again).unwrap()["order_id"],
        v["order_id"]
    );
    // Bad numbers get a clear error.
    let (code, _, err) = ploy.output(&[
        "order",
        "preview",
        "--token-id",
        "1",
        "--side",
        "SELL",
        "--price",
        "0.5",
        "--size",
        "1.234",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("size 1.234 has 3 decimal places"), "{err}");
    assert!(!err.contains("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"));
    // Order types: post-only FOK is refused (not signed as GTC); GTD carries
    // its expiration; an expiration on GTC is refused.
    let base = [
        "order",
        "preview",
        "--token-id",
        "1",
        "--side",
        "BUY",
        "--price",
        "0.5",
        "--size",
        "2",
        "--timestamp",
        "1764000000000",
    ];
    let with = |extra: &[&str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend_from_slice(extra);
        ploy.output(&a)
    };
    let (code, _, err) = with(&["--order-type", "FOK", "--post-only"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("post-only orders must be GTC or GTD"), "{err}");
    let (code, out, err) = with(&["--order-type", "GTD", "--expiration", "10m", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["body"]["order"]["expiration"], "1764000600");
    assert_eq!(v["body"]["orderType"], "GTD");
    let (code, _, err) = with(&["--order-type", "GTD"]);
    assert_eq!(code, 2);
    assert!(err.contains("a GTD order needs an expiration"), "{err}");
    let (code, _, err) = with(&["--expiration", "10m"]);
    assert_eq!(code, 2);
    assert!(err.contains("only GTD orders expire"), "{err}");
}

const PAPER_TOKEN: &str =
    "65818619657568813474341868652308942079804919287380422192892211131408793125422";

fn book_msg(bid: &str, ask: &str, size: &str, ts: i64) -> serde_json::Value {
    serde_json::json!({
        "event_type": "book", "asset_id": PAPER_TOKEN,
        "market": "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af",
        "bids": [{"price": bid, "size": size}], "asks": [{"price": ask, "size": size}],
        "timestamp": ts.to_string(), "hash": "0x0",
    })
}

fn bid_change_msg(price: &str, size: &str, ts: i64) -> serde_json::Value {
    serde_json::json!({
        "event_type": "price_change",
        "market": "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af",
        "price_changes": [{"asset_id": PAPER_TOKEN, "price": price, "size": size, "side": "BUY"}],
        "timestamp": ts.to_string(),
    })
}

fn sell_trade_msg(price: &str, size: &str, ts: i64) -> serde_json::Value {
    serde_json::json!({
        "event_type": "last_trade_price", "asset_id": PAPER_TOKEN,
        "market": "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af",
        "price": price, "size": size, "side": "SELL", "fee_rate_bps": "0",
        "timestamp": ts.to_string(),
    })
}

/// Replays `messages` (receive time, message) with `env` set; returns the
/// fills as (side, price, size).
fn replay_fills(
    messages: &[(i64, serde_json::Value)],
    env: &[(&str, &str)],
) -> Vec<(String, String, String)> {
    let mut ploy = Ploy::new();
    let path = ploy.dir().join("crafted.jsonl");
    let text: String = messages
        .iter()
        .map(|(recv_ms, msg)| format!("{}\n", serde_json::json!({"recv_ms": recv_ms, "msg": msg})))
        .collect();
    std::fs::write(&path, text).unwrap();
    for (k, v) in env {
        ploy = ploy.env(k, v);
    }
    let (code, out, err) = ploy.output(&["replay", &path.display().to_string(), "--json"]);
    assert_eq!(code, 0, "{err}");
    report_fills(&serde_json::from_str(&out).unwrap())
}

/// A replay report's fills as (side, price, size).
fn report_fills(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["fills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["side"].as_str().unwrap().to_owned(),
                f["price"].as_str().unwrap().to_owned(),
                f["size"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// With cancel latency, a quote left on a book that moved is picked off
/// before its cancel lands, as it would be live; with none it never is.
#[test]
fn paper_latency_lets_a_stale_quote_be_picked_off() {
    let t0 = 1_764_000_000_000;
    let messages = [
        (t0, book_msg("0.49", "0.51", "50", t0)),
        // The market falls: the engine cancels its 0.48 bid at once…
        (t0 + 1_000, book_msg("0.41", "0.43", "50", t0 + 1_000)),
        // …and 50 ms later a taker sells through it.
        (t0 + 1_050, sell_trade_msg("0.41", "20", t0 + 1_050)),
    ];
    let picked_off = replay_fills(
        &messages,
        &[
            ("PLOY_PAPER__POST_LATENCY", "100ms"),
            ("PLOY_PAPER__CANCEL_LATENCY", "100ms"),
        ],
    );
    assert_eq!(
        picked_off,
        [("BUY".to_owned(), "0.48".to_owned(), "5".to_owned())],
        "bought at the stale 0.48 while the market was at 0.42"
    );
    let instant = replay_fills(
        &messages,
        &[
            ("PLOY_PAPER__POST_LATENCY", "0ms"),
            ("PLOY_PAPER__CANCEL_LATENCY", "0ms"),
        ],
    );
    assert!(instant.is_empty(), "{instant:?}");
}

/// A taker selling 25 at our level shows up as a trade and as the level's
/// shrink, in either order; the 30 shares ahead of us absorb it once, so
/// our bid does not fill either way.
#[test]
fn a_trade_and_the_shrink_it_caused_are_counted_once_in_either_order() {
    let t0 = 1_764_000_000_000;
    for shrink_first in [true, false] {
        let shrink = (t0 + 500, bid_change_msg("0.48", "5", t0 + 500));
        let trade = (t0 + 500, sell_trade_msg("0.48", "25", t0 + 500));
        let (a, b) = if shrink_first {
            (shrink, trade)
        } else {
            (trade, shrink)
        };
        let messages = [(t0, book_msg("0.48", "0.52", "30", t0)), a, b];
        let fills = replay_fills(&messages, &[("PLOY_PAPER__POST_LATENCY", "0ms")]);
        assert!(fills.is_empty(), "shrink first: {shrink_first}: {fills:?}");
    }
}

/// Paper trading on a recording, at its pace or as fast as possible: a halt
/// cancels every resting quote within moments, although the recording's time
/// is not the wall clock (the cancels in flight land as its time moves on, or
/// at once when it has ended).
#[tokio::test(flavor = "multi_thread")]
async fn a_halt_in_paper_mode_on_a_recording_leaves_nothing_open() {
    for speed in ["1.0", "0"] {
        let setup = Ploy::new().config(&format!(
            "[market_data]\nsource = \"recording\"\nrecording = \"{}\"\nrecording_speed = {speed}\n",
            recording().display()
        ));
        let dir = setup.dir().to_owned();
        let mut ploy = setup.spawn();
        ploy.ready(Duration::from_secs(20)).await;
        let open = |metrics: &str| {
            metrics
                .lines()
                .find_map(|l| l.strip_prefix("ploy_open_orders "))
                .and_then(|v| v.trim().parse::<i64>().ok())
                .unwrap_or(-1)
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while open(&ploy.metrics().await) < 1 {
            assert!(Instant::now() < deadline, "no quote at speed {speed}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let answer = reqwest::Client::new()
            .put(format!("{}/trading-state", ploy.base_url()))
            .body("halted")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let deadline = Instant::now() + Duration::from_secs(5);
        while open(&ploy.metrics().await) != 0 {
            assert!(
                Instant::now() < deadline,
                "quotes still open 5 s after the halt at speed {speed}: {}",
                ploy.logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let url = DatabaseUrl::new(format!("sqlite://{}/data/ploy.db", dir.display()));
        let store = ploy::storage::connect(&url, &DatabaseConfig::default())
            .await
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let live = store
                .all_orders()
                .await
                .unwrap()
                .into_iter()
                .filter(|o| !o.status.is_terminal())
                .count();
            if live == 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{live} orders still open in the database"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        store.close().await;
        ploy.signal("TERM");
        assert_eq!(
            ploy.wait(Duration::from_secs(15))
                .await
                .and_then(|s| s.code()),
            Some(0)
        );
    }
}

/// A recording with a truncated line and a line that is not a market
/// message: `ploy replay` and `ploy run` both skip them, say how many and
/// where the first is; `--strict` (replay) and
/// `market_data.recording_strict` (run) refuse the file, naming the line.
#[tokio::test(flavor = "multi_thread")]
async fn replay_and_run_treat_a_bad_line_alike_and_count_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.jsonl");
    let good = std::fs::read_to_string(recording()).unwrap();
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    lines[9] = lines[9][..lines[9].len() / 2].to_owned();
    lines.insert(
        20,
        "{\"recv_ms\": 1, \"msg\": {\"event_type\": \"book\"}}".to_owned(),
    );
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let file = path.display().to_string();

    let (code, out, err) = Ploy::new().output(&["replay", &file, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("skipped 2 bad line(s)"), "{err}");
    assert!(
        err.contains("damaged.jsonl:10: not a recorded message"),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let skipped: Vec<u64> = report["skipped_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["line"].as_u64().unwrap())
        .collect();
    assert_eq!(skipped, [10, 21]);
    assert!(report["events"].as_u64().unwrap() > 400, "{report}");
    let (code, human, _) = Ploy::new().output(&["replay", &file]);
    assert_eq!(code, 0);
    assert!(human.contains("2 bad line(s) skipped"), "{human}");
    let (code, _, err) = Ploy::new().output(&["replay", &file, "--strict"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("damaged.jsonl:10: not a recorded message"),
        "{err}"
    );

    let on_recording = |extra: &str| {
        Ploy::new().config(&format!(
            "[market_data]\nsource = \"recording\"\nrecording = \"{file}\"\nrecording_speed = 0.0\n{extra}"
        ))
    };
    let mut ploy = on_recording("").spawn();
    ploy.ready(Duration::from_secs(20)).await;
    let logs = ploy.logs();
    assert!(
        logs.contains("skipped 2 bad line(s)") && logs.contains("damaged.jsonl:10:"),
        "{logs}"
    );
    ploy.signal("TERM");
    assert_eq!(
        ploy.wait(Duration::from_secs(10))
            .await
            .and_then(|s| s.code()),
        Some(0)
    );
    let (code, out, err) = on_recording("recording_strict = true\n").output(&["run"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("damaged.jsonl:10: not a recorded message"),
        "{err}"
    );
}

/// The paper exchange refuses what the exchange would: here a bid that would
/// cross the market's other outcome (0.48 + 0.55 ≥ 1, a mint). `ploy
/// replay` shows the refusals by cause, and the side backs off (1 s, 2 s,
/// 4 s, …) instead of posting again at every one of the 30 book updates.
#[test]
fn replay_shows_the_refusals_the_exchange_would_give_and_backs_off() {
    let a = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
    let b = "52114319501245915516055106046884209969926127482827954674443846427813813222426";
    let market = "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af";
    let book = |t: i64, token: &str, bid: &str, ask: &str| {
        serde_json::json!({"recv_ms": t, "msg": {
            "event_type": "book", "asset_id": token, "market": market,
            "bids": [{"price": bid, "size": "100"}], "asks": [{"price": ask, "size": "100"}],
            "timestamp": t.to_string(),
        }})
        .to_string()
    };
    let t0 = 1_796_710_000_000i64;
    let mut lines = vec![book(t0, b, "0.55", "0.62")];
    for i in 0..30 {
        lines.push(book(t0 + i * 500, a, "0.40", "0.60"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crossing.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let setup = Ploy::new().config(&format!("[strategy]\nmarkets = [\"{a}\"]\n"));
    let (code, out, err) = setup.output(&["replay", &path.display().to_string(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let refused = report["stats"]["rejections"]["post_only"]
        .as_u64()
        .unwrap_or(0);
    let placed = report["stats"]["placed"].as_u64().unwrap();
    assert!(refused >= 2, "{report:#}");
    // 15 s of book updates every 0.5 s: 1 + 2 + 4 + 8 s of pauses leave
    // room for five posts, not thirty.
    assert!(
        placed <= 5,
        "the side backs off: {placed} posts\n{report:#}"
    );
    assert!(
        report["stats"]["refused"]["backoff"].as_u64().unwrap_or(0) >= 20,
        "{report:#}"
    );
    assert_eq!(report["fills"].as_array().unwrap().len(), 0);
}
