//! Requests per requote cycle, one order per request against batches,
//! side by side in one run (see BENCHMARKS.md).
//!
//! For 1, 5 and 20 tokens, each with two quotes resting: a requote cycle
//! cancels every resting quote and places its replacement, handed to the
//! executor as one turn of the main loop hands them (the cancels as one
//! message, the new orders queued together). The executor runs on the real
//! `LiveVenue` (signing, storing each order before it is posted, answers
//! settled one by one) against the fake CLOB of the test harness, which
//! counts every HTTP request it receives. `Batching::NONE` (one order per
//! request, what the engine did before) against `Batching::EXCHANGE` (`POST
//! /orders` of up to 15, `DELETE /orders` of up to 50).
//!
//! `cargo bench -p ploy --bench requests`

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[allow(dead_code, unreachable_pub, clippy::all)]
#[path = "../tests/it/harness/fake_clob.rs"]
mod fake_clob;

use fake_clob::{FakeClob, API_KEY, API_SECRET, PASSPHRASE};
use ploy::config::{DatabaseConfig, DatabaseUrl, Secret, SignatureType};
use ploy::exchange::{ClobClient, L2Credentials};
use ploy::execution::live::LiveVenue;
use ploy::execution::{run_executor, Batching, CancelRequest};
use ploy::metrics::Metrics;
use ploy::orders::build::Signer;
use ploy::orders::{OrderIntent, Side};
use ploy::queue::OrderQueue;
use ploy::signing::Wallet;
use ploy::trading::OrderEvent;
use rust_decimal::Decimal;
use tokio::sync::mpsc;

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// One engine's executor against `fake`, with `batching`.
struct Executor {
    queue: Arc<OrderQueue<OrderIntent>>,
    cancels: mpsc::UnboundedSender<Vec<CancelRequest>>,
    events: mpsc::UnboundedReceiver<OrderEvent>,
    _dir: tempfile::TempDir,
    seq: u64,
}

impl Executor {
    async fn start(fake: &FakeClob, batching: Batching) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = DatabaseUrl::new(format!("sqlite://{}/ploy.db", dir.path().display()));
        let store = ploy::storage::connect(&url, &DatabaseConfig::default())
            .await
            .expect("database");
        store.migrate().await.expect("migrate");
        let wallet = Wallet::from_secret(&Secret::new(DEV_KEY.to_owned())).expect("key");
        let client = ClobClient::new(fake.url().parse().unwrap(), Duration::from_secs(5))
            .expect("client")
            .with_wallet(wallet.clone(), 137)
            .with_credentials(L2Credentials {
                api_key: Secret::new(API_KEY.to_owned()),
                secret: Secret::new(API_SECRET.to_owned()),
                passphrase: Secret::new(PASSPHRASE.to_owned()),
            });
        let signer = Signer {
            wallet,
            signature_type: SignatureType::Eoa,
            funder: None,
            chain_id: 137,
            owner: API_KEY.to_owned(),
        };
        let venue = Arc::new(LiveVenue::new(
            client,
            signer,
            store,
            Arc::new(ploy::clock::SystemClock),
        ));
        let metrics = Arc::new(Metrics::new(ploy::build_info::BUILD, "live"));
        let queue = Arc::new(OrderQueue::new(metrics.order_queue_depth.clone()));
        let (cancel_tx, cancel_rx) = mpsc::unbounded_channel();
        let (event_tx, event_rx) = mpsc::unbounded_channel();
        tokio::spawn(run_executor(
            queue.clone(),
            cancel_rx,
            venue,
            event_tx,
            metrics,
            batching,
        ));
        Self {
            queue,
            cancels: cancel_tx,
            events: event_rx,
            _dir: dir,
            seq: 0,
        }
    }

    /// Two bids for each of `tokens`, as one turn.
    fn quotes(&mut self, tokens: usize, price_cents: i64) -> Vec<OrderIntent> {
        let mut out = Vec::new();
        for t in 0..tokens {
            for level in 0..2 {
                self.seq += 1;
                out.push(OrderIntent {
                    client_id: format!("bench-{:06}", self.seq).into(),
                    token_id: format!("{}", 1_000_000 + t).as_str().into(),
                    side: Side::Buy,
                    price: Decimal::new(price_cents - level, 2),
                    size: Decimal::from(5),
                    tick_size: Decimal::new(1, 2),
                    created_ms: 0,
                });
            }
        }
        out
    }

    /// Waits for `n` answers; returns the accepted orders' cancel requests.
    async fn answers(&mut self, n: usize) -> Vec<CancelRequest> {
        let mut accepted = Vec::new();
        let mut seen = 0;
        while seen < n {
            let event = tokio::time::timeout(Duration::from_secs(30), self.events.recv())
                .await
                .expect("an answer within 30 s")
                .expect("executor running");
            match event {
                OrderEvent::Accepted { client_id, hash } => {
                    seen += 1;
                    accepted.push(CancelRequest {
                        client_id,
                        hash: Some(hash),
                    });
                },
                OrderEvent::Cancelled { .. } => seen += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        accepted
    }
}

/// Requests and wall time of one requote cycle of `tokens` tokens.
async fn cycle(tokens: usize, batching: Batching) -> (usize, Duration) {
    let fake = FakeClob::start().await;
    let mut exec = Executor::start(&fake, batching).await;
    // The quotes resting before the cycle.
    let resting = exec.quotes(tokens, 40);
    let n = resting.len();
    exec.queue.push_all(resting).expect("queue open");
    let resting = exec.answers(n).await;
    let before = fake.counters().requests.load(Ordering::SeqCst);
    let started = Instant::now();
    // The cycle: every quote cancelled and replaced, in one turn.
    let replacements = exec.quotes(tokens, 45);
    exec.cancels.send(resting).expect("executor running");
    exec.queue.push_all(replacements).expect("queue open");
    let _ = exec.answers(2 * n).await;
    let took = started.elapsed();
    let requests = fake.counters().requests.load(Ordering::SeqCst) - before;
    (requests, took)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let rounds: usize = std::env::var("PLOY_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    println!(
        "requests per requote cycle (each token: 2 quotes cancelled and replaced), medians of {rounds}"
    );
    println!(
        "{:>6} {:>12} {:>12} {:>8} {:>12} {:>12}",
        "tokens", "one/request", "batches", "ratio", "ms (one)", "ms (batch)"
    );
    for tokens in [1usize, 5, 20] {
        let mut one = Vec::new();
        let mut batched = Vec::new();
        for _ in 0..rounds {
            one.push(runtime.block_on(cycle(tokens, Batching::NONE)));
            batched.push(runtime.block_on(cycle(tokens, Batching::EXCHANGE)));
        }
        let median = |v: &mut Vec<(usize, Duration)>, f: &dyn Fn(&(usize, Duration)) -> f64| {
            let mut xs: Vec<f64> = v.iter().map(f).collect();
            xs.sort_by(f64::total_cmp);
            xs[xs.len() / 2]
        };
        let r_one = median(&mut one, &|x| x.0 as f64);
        let r_batch = median(&mut batched, &|x| x.0 as f64);
        let t_one = median(&mut one, &|x| x.1.as_secs_f64() * 1000.0);
        let t_batch = median(&mut batched, &|x| x.1.as_secs_f64() * 1000.0);
        println!(
            "{tokens:>6} {r_one:>12} {r_batch:>12} {:>7.2}x {t_one:>12.1} {t_batch:>12.1}",
            r_one / r_batch
        );
    }
}
