//! Live trading that protects the account, against a fake exchange that
//! behaves as Polymarket's does: its book holds our own resting orders,
//! it checks ticks and funds and answers `/balance-allowance`.

use std::time::Duration;

use rust_decimal_macros::dec;

use super::*;

/// Live against `fake` whose others' book is `bid`/`ask`, quoting
/// `half_spread` either side.
fn live_on_book(fake: &FakeClob, extra: &str) -> Ploy {
    Ploy::new()
        .config(&format!(
            "mode = \"live\"\n\
             [exchange]\nclob_url = \"{}\"\nws_url = \"{}\"\nrequest_timeout = \"1s\"\n\
             [market_data]\npoll_interval = \"300ms\"\n\
             [strategy]\nmarkets = [\"{TOKEN}\"]\norder_size = \"5\"\nhalf_spread = \"0.02\"\n\
             [risk]\nmax_orders_per_minute = 600\n{extra}",
            fake.url(),
            fake.ws_url()
        ))
        .env("POLYMARKET_PRIVATE_KEY", DEV_KEY)
        .env("POLYMARKET_API_KEY", API_KEY)
        .env("POLYMARKET_SECRET", API_SECRET)
        .env("POLYMARKET_PASSPHRASE", PASSPHRASE)
}

/// The BUYs the engine posted, in order: (price, status).
fn bids(fake: &FakeClob) -> Vec<(Decimal, String)> {
    fake.ledger()
        .iter()
        .filter(|o| o.side == "BUY" && !o.foreign)
        .map(|o| (o.price, o.status.clone()))
        .collect()
}

/// Others' book fixed at 0.40 / 0.60 and a half-spread of 0.02: the bid
/// belongs at 0.48 and stays there. The exchange shows it back in the book
/// (so the whole book's best bid becomes 0.48, its midpoint 0.54); a quoter
/// that priced from that book would chase its own bid up to 0.52, 0.54, …
/// Run with the book's push before the order's answer, and after it.
async fn quotes_from_the_others_book(push_delay: Option<Duration>) {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    fake.delay_book_pushes(push_delay);
    let setup = live_on_book(&fake, "");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the first bid", READY, || !bids(&fake).is_empty()).await;
    // Our bid is in the published book, at the top.
    wait_until("the bid in the published book", READY, || {
        fake.published_book().0.first().map(|l| l.0) == Some(dec!(0.48))
    })
    .await;
    // Several book updates of the others' side that do not move their
    // midpoint: each one makes the engine look again.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        fake.set_book(dec!(0.40), dec!(0.60));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        bids(&fake),
        [(dec!(0.48), "LIVE".to_owned())],
        "one bid at the others' mid − half_spread, posted once\n{}",
        ploy.logs()
    );
    // The others' book moves: the bid follows it, once.
    fake.set_book(dec!(0.50), dec!(0.70));
    wait_until("the bid to follow the others' book", READY, || {
        bids(&fake)
            .iter()
            .any(|(p, s)| *p == dec!(0.58) && s == "LIVE")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        bids(&fake),
        [
            (dec!(0.48), "CANCELED".to_owned()),
            (dec!(0.58), "LIVE".to_owned())
        ],
        "{}",
        ploy.logs()
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bid_is_priced_from_the_others_book_not_from_our_own_bid() {
    quotes_from_the_others_book(None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bid_is_priced_from_the_others_book_when_the_book_lags_the_answers() {
    quotes_from_the_others_book(Some(Duration::from_millis(300))).await;
}

/// A sample of `/metrics`: the value of the line starting `series `.
async fn metric(ploy: &Running, series: &str) -> Option<f64> {
    let text = ploy.metrics().await;
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{series} ")))
        .and_then(|v| v.trim().parse().ok())
}

fn count(counter: &std::sync::atomic::AtomicUsize) -> usize {
    counter.load(std::sync::atomic::Ordering::SeqCst)
}

/// 1 USDC of collateral and a bid that costs 2.40: no bid reaches the
/// exchange (risk refuses it, `funds`), the balance is in `/metrics` and
/// `/health`; once the account holds 10 USDC, the next read lets it go.
#[tokio::test(flavor = "multi_thread")]
async fn bids_never_cost_more_than_the_collateral_the_exchange_reports() {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    fake.set_collateral(Some(dec!(1)));
    let setup = live_on_book(&fake, "balance_refresh = \"5s\"\n");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        count(&fake.counters().posts),
        0,
        "no bid was sent\n{}",
        ploy.logs()
    );
    assert!(count(&fake.counters().balance_reads) >= 1);
    assert_eq!(metric(&ploy, "ploy_balance_usdc").await, Some(1.0));
    assert!(
        metric(&ploy, "ploy_risk_refusals_total{reason=\"funds\"}")
            .await
            .is_some_and(|n| n >= 1.0),
        "{}",
        ploy.metrics().await
    );
    let (_, health) = ploy.health().await;
    assert_eq!(health["checks"]["account"]["balance_usdc"], "1", "{health}");
    fake.set_collateral(Some(dec!(10)));
    wait_until(
        "the bid once the balance allows it",
        Duration::from_secs(10),
        || bids(&fake) == [(dec!(0.48), "LIVE".to_owned())],
    )
    .await;
    let (_, health) = ploy.health().await;
    assert_eq!(
        health["checks"]["account"]["committed_usdc"], "2.4",
        "{health}"
    );
    assert_eq!(count(&fake.counters().refused_posts), 0);
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// The balance was read as plenty, then spent elsewhere: the bid is refused
/// for funds; the side pauses, the balance is read again before any other
/// bid, and with 1 USDC left nothing more is sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_funds_refusal_reads_the_balance_again_before_the_next_bid() {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    // 1 USDC is left, but the first read still reports 100 (spent elsewhere
    // just after it).
    fake.set_collateral(Some(dec!(1)));
    fake.report_collateral_once(dec!(100));
    let setup = live_on_book(&fake, "balance_refresh = \"1h\"\n");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("a refused bid", READY, || {
        count(&fake.counters().refused_posts) >= 1
    })
    .await;
    wait_until("the balance read again", Duration::from_secs(5), || {
        count(&fake.counters().balance_reads) >= 2
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        count(&fake.counters().refused_posts),
        1,
        "one refusal, then the balance keeps the bid back\n{}",
        ploy.logs()
    );
    assert_eq!(
        metric(&ploy, "ploy_order_rejections_total{reason=\"balance\"}").await,
        Some(1.0)
    );
    assert!(fake.ledger().is_empty());
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// The exchange's approval for the outcome token's shares is missing: the
/// ask the fill calls for is refused once; the balance read that follows
/// says why, the log says what to do, and no other ask is sent, while bids
/// go on.
#[tokio::test(flavor = "multi_thread")]
async fn no_approval_for_the_shares_stops_asks_with_a_clear_line() {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    fake.set_allowances(true, false);
    let setup = live_on_book(&fake, "balance_refresh = \"5s\"\n");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the bid", READY, || !bids(&fake).is_empty()).await;
    let bid = fake.ledger()[0].hash.clone();
    wait_for_orders(&dir, "the bid open", |o| {
        o.iter().any(|o| o.status == OrderStatus::Open)
    })
    .await;
    fake.fill(&bid, dec!(5));
    wait_until("the no-approval line", READY, || {
        ploy.logs().contains("no approval for this token's shares")
    })
    .await;
    assert_eq!(
        fake.balances().1,
        dec!(5),
        "the exchange holds the 5 shares"
    );
    let refused = count(&fake.counters().refused_posts);
    assert!(refused <= 1, "at most the first ask: {refused}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        count(&fake.counters().refused_posts),
        refused,
        "{}",
        ploy.logs()
    );
    assert!(
        fake.ledger().iter().all(|o| o.side == "BUY"),
        "no ask rests: {:#?}",
        fake.ledger()
    );
    assert_eq!(
        bids(&fake).last().map(|b| b.1.as_str()),
        Some("LIVE"),
        "bids go on"
    );
    let (_, health) = ploy.health().await;
    let warning = health["checks"]["account"]["warning"]
        .as_str()
        .unwrap_or("");
    assert!(warning.contains("no approval"), "{health}");
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// The tick goes from 0.001 to 0.01 without the market channel saying so:
/// the next bid (0.575) is refused once, the tick is read again, and the
/// bid rests at 0.57. Announced on the channel, nothing is refused.
async fn tick_change(announced: bool) {
    let fake = FakeClob::start().await;
    fake.set_tick(dec!(0.001), false);
    fake.set_levels(&[(dec!(0.515), dec!(100))], &[(dec!(0.595), dec!(100))]);
    let setup = live_on_book(&fake, "");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the bid at 0.535", READY, || {
        bids(&fake)
            .iter()
            .any(|(p, s)| *p == dec!(0.535) && s == "LIVE")
    })
    .await;
    fake.set_tick(dec!(0.01), announced);
    tokio::time::sleep(Duration::from_millis(300)).await;
    fake.set_levels(&[(dec!(0.555), dec!(100))], &[(dec!(0.635), dec!(100))]);
    wait_until("a bid at 0.57 on the new tick", READY, || {
        bids(&fake)
            .iter()
            .any(|(p, s)| *p == dec!(0.57) && s == "LIVE")
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let refused = count(&fake.counters().refused_posts);
    assert_eq!(refused, usize::from(!announced), "{}", ploy.logs());
    assert_eq!(
        bids(&fake).iter().filter(|(_, s)| s == "LIVE").count(),
        1,
        "{:?}",
        bids(&fake)
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tick_change_the_feed_did_not_announce_is_learnt_from_one_refusal() {
    tick_change(false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_announced_tick_change_is_followed_without_a_refusal() {
    tick_change(true).await;
}

/// Refusals of this order pause its side: 1 s, 2 s, 4 s, … so five seconds
/// of refusals are three posts, not one per event; an accepted order ends
/// the pause.
#[tokio::test(flavor = "multi_thread")]
async fn refusals_back_off_and_an_accepted_order_ends_the_pause() {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    fake.fail_all(Some(Fault::Refused("INVALID_ORDER_ERROR")));
    let setup = live_on_book(&fake, "");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the first refusal", READY, || {
        count(&fake.counters().refused_posts) >= 1
    })
    .await;
    // Book updates come all the while: each one would post again.
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        fake.set_book(dec!(0.40), dec!(0.60));
    }
    let refused = count(&fake.counters().refused_posts);
    assert!(
        (2..=4).contains(&refused),
        "1 s, 2 s, 4 s pauses over ~5 s: {refused} refusals\n{}",
        ploy.logs()
    );
    assert_eq!(
        metric(&ploy, "ploy_order_rejections_total{reason=\"other\"}").await,
        Some(refused as f64)
    );
    fake.fail_all(None);
    wait_until(
        "the bid once the exchange takes it",
        Duration::from_secs(15),
        || bids(&fake) == [(dec!(0.48), "LIVE".to_owned())],
    )
    .await;
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// An account-level refusal would refuse every order alike: the first one
/// halts trading through the kill switch, saying why, and nothing more is
/// sent; a restart starts halted.
async fn account_refusal_halts(fault: Fault, label: &str) {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    fake.fail_all(Some(fault));
    let setup = live_on_book(&fake, "");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the halt", READY, || {
        ploy.logs().contains("halting trading")
    })
    .await;
    let state = super::trading_state(&ploy).await;
    assert_eq!(state["state"], "halted", "{state}");
    assert_eq!(state["source"], "ploy (the exchange)", "{state}");
    assert!(
        state["reason"].as_str().unwrap_or("").contains(label),
        "{state}"
    );
    let posts = count(&fake.counters().posts);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(count(&fake.counters().posts), posts, "nothing more is sent");
    assert_eq!(posts, 1, "one refusal was enough\n{}", ploy.logs());
    let kept = finish(ploy, &fake, &dir, 0).await;
    let mut again = kept.spawn();
    again.ready(READY).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(super::trading_state(&again).await["state"], "halted");
    assert_eq!(count(&fake.counters().posts), posts);
    let _kept = finish(again, &fake, &dir, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn closed_only_mode_halts_instead_of_looping() {
    account_refusal_halts(Fault::ClosedOnly, "closed_only").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn trading_disabled_halts_instead_of_looping() {
    account_refusal_halts(Fault::TradingDisabled, "trading_disabled").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signing_version_mismatch_halts_instead_of_looping() {
    account_refusal_halts(Fault::VersionMismatch, "version_mismatch").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_geoblocked_region_halts_instead_of_looping() {
    account_refusal_halts(Fault::Geoblocked, "geoblocked").await;
}

/// With the default settings, a market websocket that goes silent (no
/// update, no PONG) while the book moves 10 cents is known dead within
/// 10 to 15 s (PING every 5 s, max_silence 15 s), REST polling takes over at
/// once, and the bid follows the REST book.
#[tokio::test(flavor = "multi_thread")]
async fn a_silent_socket_is_known_within_fifteen_seconds_at_the_defaults() {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    let setup = live_on_book(&fake, "");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the bid", READY, || {
        bids(&fake) == [(dec!(0.48), "LIVE".to_owned())]
    })
    .await;
    fake.silence_websockets(true);
    let silent_at = std::time::Instant::now();
    fake.set_book(dec!(0.50), dec!(0.70));
    wait_until(
        "the bid to follow the REST book",
        Duration::from_secs(25),
        || {
            bids(&fake)
                .iter()
                .any(|(p, s)| *p == dec!(0.58) && s == "LIVE")
        },
    )
    .await;
    let took = silent_at.elapsed();
    assert!(
        took <= Duration::from_secs(17),
        "known and followed in {took:?}\n{}",
        ploy.logs()
    );
    assert!(count(&fake.counters().books) >= 1, "REST polling took over");
    fake.silence_websockets(false);
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// A quiet market (the socket answers PINGs, no event for the token for
/// max_staleness) is confirmed from its REST book: the quote stays.
#[tokio::test(flavor = "multi_thread")]
async fn a_quiet_market_is_confirmed_from_rest_and_keeps_its_quote() {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    let setup = live_on_book(&fake, "").env("PLOY_MARKET_DATA__MAX_STALENESS", "2s");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the bid", READY, || {
        bids(&fake) == [(dec!(0.48), "LIVE".to_owned())]
    })
    .await;
    let reads = fake.book_reads();
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert!(fake.book_reads() > reads, "the quiet token's book was read");
    assert_eq!(
        bids(&fake),
        [(dec!(0.48), "LIVE".to_owned())],
        "the quote was never cancelled\n{}",
        ploy.logs()
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// A fill matched 20 minutes ago is still unconfirmed when a newer fill
/// comes; it then fails. The trade poller looks back past every
/// unconfirmed fill (not just ten minutes before the newest), so the failure
/// is seen and the fill taken back: no phantom position.
#[tokio::test(flavor = "multi_thread")]
async fn an_old_unconfirmed_fill_that_fails_is_still_taken_back() {
    let fake = FakeClob::start().await;
    fake.hold_confirmations(true);
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let first = first_open_quote(&fake, &dir).await;
    let old = fake.fill_aged(&first.hash, dec!(2), Duration::from_secs(20 * 60));
    wait_for_orders(&dir, "the old fill", |o| {
        o.iter().any(|o| o.filled_size == dec!(2))
    })
    .await;
    fake.fill(&first.hash, dec!(3));
    wait_for_orders(&dir, "the new fill", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    // A few polls with the newer fill known.
    tokio::time::sleep(Duration::from_secs(1)).await;
    fake.fail_trade(&old);
    wait_until("the old fill to be taken back", READY, || {
        ploy.logs()
            .contains("a matched trade failed; its fill is taken back")
    })
    .await;
    let s = store(&dir).await;
    let held: Decimal = s.positions().await.unwrap().iter().map(|p| p.size).sum();
    s.close().await;
    assert_eq!(held, dec!(3), "only the fill that stands");
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// An order of the account this database never placed, placed three hours
/// ago and filled two hours ago, is adopted with its filled size: its trade
/// is read (the window reaches back to when it was placed) and applied.
#[tokio::test(flavor = "multi_thread")]
async fn an_adopted_order_carries_its_filled_size() {
    let fake = FakeClob::start().await;
    let foreign = format!("0x{}", "ab".repeat(32));
    fake.add_foreign_order(&foreign);
    fake.age_order(&foreign, Duration::from_secs(3 * 3600));
    fake.fill_aged(&foreign, dec!(2), Duration::from_secs(2 * 3600));
    let setup = live(&fake, true);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let adopted = wait_for_orders(&dir, "the adopted order", |o| {
        o.iter()
            .any(|o| o.client_id.as_str().starts_with("adopted-"))
    })
    .await;
    let adopted = adopted
        .iter()
        .find(|o| o.client_id.as_str().starts_with("adopted-"))
        .unwrap();
    assert_eq!(adopted.filled_size, dec!(2), "{adopted:#?}");
    let s = store(&dir).await;
    let held: Decimal = s.positions().await.unwrap().iter().map(|p| p.size).sum();
    s.close().await;
    assert_eq!(held, dec!(2), "its fill reached the position");
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// An order the exchange gives a status this release does not know
/// (`SUSPENDED`) is not taken as resting forever: the open-orders check
/// looks it up, cancels it to be sure, settles it, and quotes again.
#[tokio::test(flavor = "multi_thread")]
async fn an_order_of_unknown_status_is_looked_up_cancelled_and_replaced() {
    let fake = FakeClob::start().await;
    let setup = live(&fake, true).env("PLOY_EXCHANGE__OPEN_ORDERS_CHECK", "1s");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let first = first_open_quote(&fake, &dir).await;
    fake.set_status(&first.hash, "SUSPENDED");
    wait_until("a new quote", READY, || {
        fake.ledger()
            .iter()
            .any(|o| o.hash != first.hash && o.status == "LIVE")
    })
    .await;
    assert!(
        ploy.logs().contains("a status this release does not know"),
        "{}",
        ploy.logs()
    );
    let ledger = fake.ledger();
    let old = ledger.iter().find(|o| o.hash == first.hash).unwrap();
    assert_eq!(old.status, "CANCELED", "cancelled to be sure");
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

on_both_backends!(loss_limit: the_daily_loss_limit_halts_stays_halted_and_a_resume_is_respected, the_daily_loss_limit_halts_stays_halted_and_a_resume_is_respected_on_postgres);

/// `risk.max_daily_loss` 1 USDC: 5 shares bought at 0.48, then the others'
/// book falls to 0.10 / 0.20 (marked at 0.15: −1.65 for the day). Trading
/// halts through the kill switch (`by` risk, the reason naming the loss and
/// the limit), the exchange confirms nothing rests, the P&L is in
/// `/metrics` and `/health`; a restart starts halted; an operator's resume
/// is respected (the same loss does not halt again).
async fn loss_limit(backend: Backend) {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    let setup = live_on_book(&fake, "max_daily_loss = \"1\"\n");
    let (setup, _pg) = on_backend(setup, backend);
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let bid = first_open_quote(&fake, &dir).await;
    assert_eq!(bid.price, dec!(0.48));
    fake.fill(&bid.hash, dec!(5));
    wait_for_orders(&dir, "the fill", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    fake.set_book(dec!(0.10), dec!(0.20));
    wait_until("the loss-limit halt", READY, || {
        ploy.logs().contains("risk.max_daily_loss")
    })
    .await;
    let state = super::trading_state(&ploy).await;
    assert_eq!(
        (state["state"].as_str(), state["source"].as_str()),
        (Some("halted"), Some("risk")),
        "{state}"
    );
    let reason = state["reason"].as_str().unwrap_or("");
    assert!(
        reason.contains("loss of 1.65 USDC") && reason.contains("risk.max_daily_loss 1 USDC"),
        "{reason}"
    );
    wait_until("nothing resting", READY, || {
        fake.ledger().iter().all(|o| o.status != "LIVE")
    })
    .await;
    wait_until("the exchange's confirmation", READY, || {
        ploy.logs().contains("halt: confirmed by the exchange")
    })
    .await;
    assert_eq!(
        metric(&ploy, "ploy_pnl_usdc{kind=\"unrealized\"}").await,
        Some(-1.65)
    );
    assert_eq!(
        metric(&ploy, "ploy_loss_limit_breached{limit=\"daily_loss\"}").await,
        Some(1.0)
    );
    let (_, health) = ploy.health().await;
    let account = &health["checks"]["account"];
    assert_eq!(account["day_pnl_usdc"], "-1.65", "{health}");
    assert_eq!(account["loss_headroom_usdc"], "-0.65", "{health}");
    let kept = finish(ploy, &fake, &dir, 0).await;

    // A restart starts halted, and places nothing.
    let mut again = kept.spawn();
    again.ready(READY).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(super::trading_state(&again).await["state"], "halted");
    assert!(fake.ledger().iter().all(|o| o.status != "LIVE"));
    // The operator resumes: the loss is measured from here; quoting resumes
    // and the same loss does not halt again.
    let (status, body) = super::put_trading_state(
        &again,
        "{\"state\":\"active\",\"by\":\"alice\",\"reason\":\"checked the market\"}",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    wait_until("quoting again", READY, || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(super::trading_state(&again).await["state"], "active");
    assert_eq!(
        metric(&again, "ploy_loss_limit_breached{limit=\"daily_loss\"}").await,
        Some(0.0)
    );
    let _kept = finish(again, &fake, &dir, 0).await;
}

/// Several orders pending at once go in one request: a halt cancels the
/// bid and the ask with one `DELETE /orders`, a resume posts both with one
/// `POST /orders` whose refused ask does not refuse the bid, and the ledger
/// and the database agree after.
#[tokio::test(flavor = "multi_thread")]
async fn pending_posts_and_cancels_go_as_batches() {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    let setup = live_on_book(&fake, "");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let bid = first_open_quote(&fake, &dir).await;
    fake.fill(&bid.hash, dec!(5));
    wait_until("a bid and an ask resting", READY, || {
        let l = fake.ledger();
        l.iter().any(|o| o.side == "SELL" && o.status == "LIVE")
            && l.iter().any(|o| o.side == "BUY" && o.status == "LIVE")
    })
    .await;
    // Both settled open in the engine (no task works on them any more).
    wait_for_orders(&dir, "a bid and an ask stored open", |o| {
        o.iter().filter(|o| o.status == OrderStatus::Open).count() == 2
    })
    .await;
    let single_cancels = count(&fake.counters().cancels);
    let (status, body) = super::put_trading_state(
        &ploy,
        "{\"state\":\"halted\",\"by\":\"alice\",\"reason\":\"batch test\"}",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    wait_until("nothing resting", READY, || {
        fake.ledger().iter().all(|o| o.status != "LIVE")
    })
    .await;
    // The engine knows too (so the ask's shares are free again).
    wait_for_orders(&dir, "every order ended", |o| {
        o.iter()
            .all(|o| !matches!(o.status, OrderStatus::Open | OrderStatus::Pending))
    })
    .await;
    assert!(
        count(&fake.counters().batch_cancels) >= 1,
        "the halt's two cancels went in one DELETE /orders"
    );
    assert_eq!(
        count(&fake.counters().cancels),
        single_cancels,
        "no single DELETE /order for them\n{}",
        ploy.logs()
    );
    let batch_posts = count(&fake.counters().batch_posts);
    // The exchange will refuse the ask: the bid beside it in the batch
    // must rest all the same.
    fake.refuse_sells(true);
    let refused = count(&fake.counters().refused_posts);
    let (status, body) = super::put_trading_state(
        &ploy,
        "{\"state\":\"active\",\"by\":\"alice\",\"reason\":\"batch test\"}",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let stored = wait_for_orders(&dir, "the bid open and the refused ask failed", |o| {
        o.iter()
            .any(|o| o.side == Side::Sell && o.status == OrderStatus::Failed)
            && o.iter()
                .any(|o| o.side == Side::Buy && o.status == OrderStatus::Open)
    })
    .await;
    assert!(
        count(&fake.counters().batch_posts) > batch_posts,
        "the resume's two quotes went in one POST /orders\n{}",
        ploy.logs()
    );
    assert_eq!(
        count(&fake.counters().refused_posts),
        refused + 1,
        "{stored:#?}"
    );
    fake.refuse_sells(false);
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// The engine holds 5 shares by its fills, but the exchange's balance of
/// the token says 0 (moved off the account by hand): at two reads in a row
/// `/health`'s account check warns and names the token, and no ask offers
/// shares the exchange does not hold.
#[tokio::test(flavor = "multi_thread")]
async fn a_position_the_exchange_does_not_hold_is_a_health_warning() {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    let setup = live_on_book(&fake, "balance_refresh = \"5s\"\n");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let bid = first_open_quote(&fake, &dir).await;
    fake.fill(&bid.hash, dec!(5));
    wait_for_orders(&dir, "the fill", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    fake.set_shares(TOKEN, dec!(0));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let warning = loop {
        let (_, health) = ploy.health().await;
        let account = health["checks"]["account"].clone();
        if let Some(w) = account["warning"].as_str() {
            break (w.to_owned(), account);
        }
        assert!(std::time::Instant::now() < deadline, "no warning: {health}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert!(
        warning.0.contains(&format!("token {TOKEN}")) && warning.0.contains("balance 0"),
        "{warning:?}"
    );
    assert_eq!(warning.1["mismatches"][TOKEN]["position"], "5");
    assert_eq!(
        health_status(&ploy).await,
        200,
        "a warning never degrades /health"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        fake.ledger()
            .iter()
            .all(|o| !(o.side == "SELL" && o.status == "LIVE")),
        "no ask on shares the exchange does not hold: {:#?}",
        fake.ledger()
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

async fn health_status(ploy: &Running) -> u16 {
    ploy.health().await.0
}

/// With the market websocket down, the REST fallback's books carry the
/// market's tick: a change from 0.001 to 0.01 is learnt from them, and the
/// next bid is on the new tick with no refusal.
#[tokio::test(flavor = "multi_thread")]
async fn the_rest_fallback_learns_a_tick_change() {
    let fake = FakeClob::start().await;
    fake.drop_websockets(true);
    fake.set_tick(dec!(0.001), false);
    fake.set_levels(&[(dec!(0.515), dec!(100))], &[(dec!(0.595), dec!(100))]);
    let setup = live_on_book(&fake, "");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    wait_until("the bid at 0.535 from REST books", READY, || {
        bids(&fake)
            .iter()
            .any(|(p, s)| *p == dec!(0.535) && s == "LIVE")
    })
    .await;
    assert!(count(&fake.counters().books) >= 1, "REST polling");
    fake.set_tick(dec!(0.01), false);
    fake.set_levels(&[(dec!(0.555), dec!(100))], &[(dec!(0.635), dec!(100))]);
    wait_until("a bid at 0.57 on the new tick", READY, || {
        bids(&fake)
            .iter()
            .any(|(p, s)| *p == dec!(0.57) && s == "LIVE")
    })
    .await;
    assert_eq!(count(&fake.counters().refused_posts), 0, "{}", ploy.logs());
    fake.drop_websockets(false);
    let _kept = finish(ploy, &fake, &dir, 0).await;
}

/// `risk.max_drawdown` 0.5 USDC: 5 shares bought at 0.48 gain 1.10 as the
/// others' book rises to 0.60 / 0.80, then give back 1.00 as it falls to
/// 0.40 / 0.60: still up for the day, but 1.00 below its best, so trading
/// halts `by` risk.
#[tokio::test(flavor = "multi_thread")]
async fn the_drawdown_limit_halts_from_the_days_best() {
    let fake = FakeClob::start().await;
    fake.set_book(dec!(0.40), dec!(0.60));
    let setup = live_on_book(&fake, "max_drawdown = \"0.5\"\n");
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(READY).await;
    let bid = first_open_quote(&fake, &dir).await;
    fake.fill(&bid.hash, dec!(5));
    wait_for_orders(&dir, "the fill", |o| {
        o.iter().any(|o| o.status == OrderStatus::Filled)
    })
    .await;
    fake.set_book(dec!(0.60), dec!(0.80));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(super::trading_state(&ploy).await["state"], "active");
    fake.set_book(dec!(0.40), dec!(0.60));
    wait_until("the drawdown halt", READY, || {
        ploy.logs().contains("risk.max_drawdown")
    })
    .await;
    let state = super::trading_state(&ploy).await;
    assert_eq!(state["source"], "risk", "{state}");
    let reason = state["reason"].as_str().unwrap_or("");
    assert!(
        reason.contains("fell 1 USDC from the day's best"),
        "{reason}"
    );
    assert_eq!(
        metric(&ploy, "ploy_loss_limit_breached{limit=\"drawdown\"}").await,
        Some(1.0)
    );
    let _kept = finish(ploy, &fake, &dir, 0).await;
}
