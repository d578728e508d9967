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
