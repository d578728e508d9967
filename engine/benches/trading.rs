//! Benchmarks of the hot path (see BENCHMARKS.md):
//! (a) signing one V2 order (amounts, EIP-712 hash, secp256k1 signature, JSON body);
//! (b) one market event through strategy → risk → a signed order ready to send,
//!     with its latency distribution (p50, p99) measured per event: our own
//!     resting bid is taken out of the book first and the bid is held to the
//!     balance, as live trading does.
//!
//! `cargo bench -p ploy --bench trading`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion};
use ploy::config::{RiskConfig, Secret, SignatureType};
use ploy::market_data::{Level, MarketEvent};
use ploy::orders::build::{build_signed, OrderRequest, OrderType, Signer};
use ploy::orders::Side;
use ploy::risk::RiskEngine;
use ploy::strategy::QuoteParams;
use ploy::trading::{Command, CoreConfig, TradingCore};
use rust_decimal_macros::dec;

const TOKEN: &str = "71321045679252212594626385532706912750332728571942532289631379312455583992563";

fn signer() -> Signer {
    Signer {
        wallet: ploy::signing::Wallet::from_secret(&Secret::new(
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        ))
        .expect("dev key"),
        signature_type: SignatureType::Eoa,
        funder: None,
        chain_id: 137,
        owner: "11111111-2222-3333-4444-555555555555".into(),
    }
}

fn request(salt: u64) -> OrderRequest {
    OrderRequest {
        token_id: TOKEN.into(),
        side: Side::Buy,
        price: dec!(0.48),
        size: dec!(25),
        tick_size: dec!(0.01),
        neg_risk: false,
        v3: false,
        order_type: OrderType::Gtc,
        post_only: true,
        salt,
        timestamp_ms: 1_764_000_000_000,
        expiration_secs: None,
    }
}

/// A core as it trades: the balance read (bids are held to it), and a bid
/// of ours resting in the book (taken out of it before the strategy looks),
/// one tick off the price the event calls for, so each event cancels it and
/// signs its replacement.
fn core() -> TradingCore {
    let mut core = bare_core();
    core.restore(
        std::collections::BTreeMap::new(),
        vec![ploy::trading::core::TrackedOrder {
            client_id: "bench-resting".into(),
            hash: Some("0xresting".into()),
            token: TOKEN.into(),
            side: Side::Buy,
            price: dec!(0.47),
            size: dec!(5),
            filled: dec!(0),
            status: ploy::orders::OrderStatus::Open,
            cancelling: false,
        }],
    );
    let _ = core.set_funds(ploy::risk::Funds {
        collateral: Some(dec!(1000)),
        collateral_allowed: true,
        shares: std::collections::BTreeMap::new(),
    });
    core
}

fn bare_core() -> TradingCore {
    TradingCore::new(
        CoreConfig {
            params: QuoteParams {
                half_spread: dec!(0.02),
                order_size: dec!(5),
                inventory_skew: dec!(0.01),
                requote_ticks: 1,
                max_position: dec!(100),
            },
            markets: Vec::new(),
            default_tick: dec!(0.01),
            id_prefix: "bench".into(),
            max_staleness_ms: None,
            loss_limits: Default::default(),
        },
        RiskEngine::new(RiskConfig {
            max_orders_per_minute: u32::MAX,
            max_open_orders: u32::MAX,
            ..RiskConfig::default()
        }),
    )
}

fn book() -> MarketEvent {
    MarketEvent::Book {
        token: TOKEN.into(),
        bids: vec![
            Level {
                price: dec!(0.48),
                size: dec!(300),
            },
            Level {
                price: dec!(0.47),
                size: dec!(500),
            },
        ],
        asks: vec![
            Level {
                price: dec!(0.52),
                size: dec!(250),
            },
            Level {
                price: dec!(0.53),
                size: dec!(400),
            },
        ],
        ts_ms: 1,
    }
}

/// One event in, one signed order out.
fn event_to_signed(
    core: &mut TradingCore,
    event: &MarketEvent,
    signer: &Signer,
    salt: u64,
) -> usize {
    let mut signed = 0;
    for command in core.on_market(event, 1) {
        if let Command::Place(intent) = command {
            let req = OrderRequest {
                token_id: intent.token_id,
                side: intent.side,
                price: intent.price,
                size: intent.size,
                tick_size: intent.tick_size,
                ..request(salt)
            };
            black_box(build_signed(&req, signer).expect("valid order"));
            signed += 1;
        }
    }
    signed
}

fn benches(c: &mut Criterion) {
    let s = signer();
    let mut salt = 0u64;
    c.bench_function("sign_v2_order", |b| {
        b.iter(|| {
            salt += 1;
            black_box(build_signed(&request(salt), &s).expect("valid order"))
        });
    });
    let event = book();
    let fresh = core();
    c.bench_function("event_to_signed_order", |b| {
        b.iter_batched(
            || fresh.clone(),
            |mut core| {
                salt += 1;
                assert_eq!(event_to_signed(&mut core, &event, &s, salt), 1);
            },
            BatchSize::SmallInput,
        );
    });
}

/// Per-event latency distribution (criterion reports means, not tails).
fn latency_percentiles(iterations: usize) {
    let s = signer();
    let event = book();
    let fresh = core();
    let mut samples = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let mut c = fresh.clone();
        let started = Instant::now();
        let n = event_to_signed(&mut c, &event, &s, i as u64 + 1);
        samples.push(started.elapsed());
        assert_eq!(n, 1);
    }
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "event_to_signed_order latency over {iterations} events: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        us(pct(0.50)),
        us(pct(0.99)),
        us(*samples.last().expect("samples"))
    );
    let started = Instant::now();
    let n = if iterations >= 10_000 { 20_000 } else { 200 };
    for salt in 0..n {
        black_box(build_signed(&request(salt + 1), &s).expect("valid order"));
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    println!("sign_v2_order throughput on one core: {rate:.0} orders/s over {n} orders");
}

/// With the `rl` feature: the same path with a trained-shaped bandit
/// deciding the half-spread on every event (the worst case: a decision is
/// due at each one), side by side with the path without it, in one run.
#[cfg(feature = "rl")]
fn bandit_latency(iterations: usize) {
    use ploy::rl::features::DIM;
    use ploy::rl::linucb::LinUcb;
    use ploy::rl::model::{BanditModel, SpreadController, MODEL_FORMAT};
    use ploy::rl::rng::Rng;
    let mut rng = Rng::new(1);
    let mut bandit = LinUcb::new(4, DIM, 0.5, 1.0);
    for _ in 0..2_000 {
        let x: Vec<f64> = (0..DIM).map(|_| rng.normal()).collect();
        let arm = usize::try_from(rng.below(4)).unwrap_or(0);
        bandit.update(arm, &x, rng.normal());
    }
    let model = BanditModel {
        format: MODEL_FORMAT,
        arms_ticks: vec![1, 2, 3, 4],
        window_ms: 5_000,
        dim: DIM,
        inventory_penalty: 0.001,
        seed: 1,
        trained_on: Vec::new(),
        decisions: 2_000,
        bandit,
    };
    let s = signer();
    let event = book();
    let fresh = core();
    let controller = SpreadController::new(model, 10);
    let mut off = Vec::with_capacity(iterations);
    let mut on = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let mut c = fresh.clone();
        let started = Instant::now();
        let n = event_to_signed(&mut c, &event, &s, i as u64 + 1);
        off.push(started.elapsed());
        assert_eq!(n, 1);
        let mut c = fresh.clone();
        let mut policy = controller.clone();
        let started = Instant::now();
        let decided = policy.on_market(&mut c, &event, 1);
        let n = event_to_signed(&mut c, &event, &s, i as u64 + 1);
        on.push(started.elapsed());
        assert_eq!((decided.len(), n), (1, 1));
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let pct = |v: &mut Vec<Duration>, p: f64| {
        v.sort();
        v[((v.len() as f64 * p) as usize).min(v.len() - 1)]
    };
    let (off50, off99) = (pct(&mut off, 0.50), pct(&mut off, 0.99));
    let (on50, on99) = (pct(&mut on, 0.50), pct(&mut on, 0.99));
    println!(
        "event_to_signed_order with the bandit deciding on every event, over {iterations} events: p50 {:.1} µs, p99 {:.1} µs (without: p50 {:.1} µs, p99 {:.1} µs; p99 ratio {:.3}, p99 / 1 ms {:.3})",
        us(on50),
        us(on99),
        us(off50),
        us(off99),
        us(on99) / us(off99),
        us(on99) / 1000.0
    );
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    latency_percentiles(if bench_mode { 10_000 } else { 200 });
    #[cfg(feature = "rl")]
    bandit_latency(if bench_mode { 10_000 } else { 200 });
}
