//! Staying under the exchange's limits: token buckets per endpoint class at
//! Polymarket's published IP limits, both the burst (per 10 s) and, for the
//! trading endpoints, the sustained one (per 10 minutes); and the
//! per-signer buckets that count orders rather than requests (an order
//! bucket and a cancel bucket, at the lowest tier's rates, since the tier is
//! not known until the exchange says). Exponential backoff with jitter that
//! honours `Retry-After`.
//!
//! Sources: docs.polymarket.com, "Rate Limits" (the IP limits: `POST
//! /order` 3,500 per 10 s and 36,000 per 10 min, `DELETE /order` 3,000 and
//! 30,000, `POST /orders` 1,000 and 15,000, `DELETE /orders` 1,000 and
//! 15,000, `DELETE /cancel-all` 250 and 6,000; the lower where revisions
//! differ) and "CLOB Trading Rate Limits" (per signer, Standard tier: orders
//! 40 a second with a burst of 60, cancels 80 a second with a burst of 120;
//! a batch costs one token per order and is refused whole past the burst).

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Endpoint classes with their published limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointClass {
    /// `POST /order`.
    PostOrder,
    /// `POST /orders` (a batch).
    PostOrders,
    /// `DELETE /order`.
    Cancel,
    /// `DELETE /orders` (a batch).
    CancelOrders,
    /// `DELETE /cancel-all`.
    CancelAll,
    /// `POST /v1/heartbeats`.
    Heartbeat,
    /// `GET /book`.
    Book,
    /// `POST /books`.
    Books,
    /// `/price`, `/midpoint`, `/tick-size`, `/neg-risk`.
    Price,
    /// `/data/orders`, `/data/order`, `/data/trades`.
    Data,
    /// `/auth/*`.
    Auth,
    /// `GET /balance-allowance`.
    Balance,
    /// Everything else (`/time`, `/version`, `/markets`).
    General,
}

/// One window of a limit: this many requests per this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Requests allowed in the window (the bucket's capacity).
    pub requests: u32,
    /// Its length.
    pub seconds: u32,
}

impl EndpointClass {
    /// The published windows: the burst (10 s) and, for trading, the
    /// sustained one (10 minutes).
    pub fn windows(self) -> &'static [Window] {
        match self {
            EndpointClass::PostOrder => &[
                Window {
                    requests: 3_500,
                    seconds: 10,
                },
                Window {
                    requests: 36_000,
                    seconds: 600,
                },
            ],
            EndpointClass::PostOrders => &[
                Window {
                    requests: 1_000,
                    seconds: 10,
                },
                Window {
                    requests: 15_000,
                    seconds: 600,
                },
            ],
            EndpointClass::Cancel => &[
                Window {
                    requests: 3_000,
                    seconds: 10,
                },
                Window {
                    requests: 30_000,
                    seconds: 600,
                },
            ],
            EndpointClass::CancelOrders => &[
                Window {
                    requests: 1_000,
                    seconds: 10,
                },
                Window {
                    requests: 15_000,
                    seconds: 600,
                },
            ],
            EndpointClass::CancelAll => &[
                Window {
                    requests: 250,
                    seconds: 10,
                },
                Window {
                    requests: 6_000,
                    seconds: 600,
                },
            ],
            EndpointClass::Heartbeat | EndpointClass::General => &[Window {
                requests: 5_000,
                seconds: 10,
            }],
            EndpointClass::Book | EndpointClass::Price => &[Window {
                requests: 1_500,
                seconds: 10,
            }],
            EndpointClass::Books | EndpointClass::Data => &[Window {
                requests: 500,
                seconds: 10,
            }],
            EndpointClass::Auth => &[Window {
                requests: 100,
                seconds: 10,
            }],
            EndpointClass::Balance => &[Window {
                requests: 200,
                seconds: 10,
            }],
        }
    }

    /// Requests allowed per 10 s (the burst).
    pub fn limit_per_10s(self) -> u32 {
        self.windows()[0].requests
    }

    /// The per-signer bucket a request of this class draws from, if any.
    pub fn signer_bucket(self) -> Option<SignerBucket> {
        match self {
            EndpointClass::PostOrder | EndpointClass::PostOrders => Some(SignerBucket::Orders),
            EndpointClass::Cancel | EndpointClass::CancelOrders | EndpointClass::CancelAll => {
                Some(SignerBucket::Cancels)
            },
            _ => None,
        }
    }
}

/// A signer's two buckets, which count orders, not requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SignerBucket {
    /// Orders posted (one token per order of a batch).
    Orders,
    /// Orders cancelled (one per ID named; cancel-all one plus each cancelled).
    Cancels,
}

impl SignerBucket {
    /// (burst, per second) at the Standard tier, the lowest.
    pub fn standard(self) -> (u32, u32) {
        match self {
            SignerBucket::Orders => (60, 40),
            SignerBucket::Cancels => (120, 80),
        }
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    capacity: f64,
    per_second: f64,
    updated: Instant,
}

impl Bucket {
    fn new(capacity: f64, per_second: f64, now: Instant) -> Self {
        Self {
            tokens: capacity,
            capacity,
            per_second,
            updated: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.updated = now;
    }

    /// How long until `cost` tokens are there (none: now).
    fn wait_for(&self, cost: f64) -> Option<Duration> {
        let cost = cost.min(self.capacity);
        (self.tokens + 1e-9 < cost).then(|| {
            Duration::from_secs_f64((cost - self.tokens) / self.per_second)
                .max(Duration::from_millis(1))
        })
    }
}

/// Which bucket: an endpoint class's window, or a signer bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Endpoint(EndpointClass, usize),
    Signer(SignerBucket),
}

/// Takes `cost` from each wanted bucket (key, capacity, rate, cost) when
/// every one has it, else says how long until they all may.
fn take(
    buckets: &mut BTreeMap<Key, Bucket>,
    wants: &[(Key, f64, f64, f64)],
    now: Instant,
) -> Option<Duration> {
    let mut wait: Option<Duration> = None;
    for (key, capacity, rate, cost) in wants {
        let bucket = buckets
            .entry(*key)
            .or_insert_with(|| Bucket::new(*capacity, *rate, now));
        bucket.refill(now);
        let w = bucket.wait_for(*cost);
        wait = wait.max(w);
    }
    if wait.is_none() {
        for (key, _, _, cost) in wants {
            if let Some(b) = buckets.get_mut(key) {
                b.tokens -= cost.min(b.capacity);
            }
        }
    }
    wait
}

/// Every bucket, made as first used.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<BTreeMap<Key, Bucket>>,
    scale: f64,
}

impl RateLimiter {
    /// Buckets at the published limits.
    pub fn published() -> Self {
        Self::scaled(1.0)
    }

    /// Buckets at `scale` × the published limits (tests use small ones).
    pub fn scaled(scale: f64) -> Self {
        Self {
            buckets: Mutex::new(BTreeMap::new()),
            scale,
        }
    }

    /// Waits until a request of `class` may go.
    pub async fn acquire(&self, class: EndpointClass) {
        self.acquire_orders(class, 1).await;
    }

    /// Waits until a request of `class` naming `orders` orders may go: one
    /// token of each of its windows, and `orders` of its signer bucket (a
    /// batch past the bucket's burst waits for a full bucket; the caller
    /// keeps batches within it).
    pub async fn acquire_orders(&self, class: EndpointClass, orders: u32) {
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().await;
                let now = Instant::now();
                let mut wants: Vec<(Key, f64, f64, f64)> = class
                    .windows()
                    .iter()
                    .enumerate()
                    .map(|(i, win)| {
                        let capacity = (f64::from(win.requests) * self.scale).max(1.0);
                        (
                            Key::Endpoint(class, i),
                            capacity,
                            capacity / f64::from(win.seconds),
                            1.0,
                        )
                    })
                    .collect();
                if let Some(signer) = class.signer_bucket() {
                    let (burst, rate) = signer.standard();
                    let capacity = (f64::from(burst) * self.scale).max(1.0);
                    let rate = (f64::from(rate) * self.scale).max(0.1);
                    wants.push((
                        Key::Signer(signer),
                        capacity,
                        rate,
                        f64::from(orders.max(1)),
                    ));
                }
                take(&mut buckets, &wants, now)
            };
            match wait {
                None => return,
                Some(d) => tokio::time::sleep(d).await,
            }
        }
    }
}

/// Exponential backoff with full jitter: attempt n waits a random time in
/// [base·2ⁿ/2, base·2ⁿ], capped; never less than the server's `Retry-After`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// First delay.
    pub base: Duration,
    /// Longest delay.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_millis(250),
            cap: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The delay before retry `attempt` (0-based), given the server's hint.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.cap);
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        let unit = (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64;
        let jittered = exp.mul_f64(0.5 + unit * 0.5);
        match retry_after {
            Some(hint) => jittered.max(hint).min(self.cap.max(hint)),
            None => jittered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_honours_retry_after() {
        let b = Backoff::default();
        for attempt in 0..6 {
            let d = b.delay(attempt, None);
            let full = b.base * (1 << attempt);
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
        }
        let late = b.delay(30, None);
        assert!(late <= b.cap && late >= b.cap / 2, "capped: {late:?}");
        assert!(b.delay(0, Some(Duration::from_secs(5))) >= Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn the_sustained_limit_slows_what_the_burst_would_let_through() {
        // DELETE /cancel-all at 1/100: 2.5 per 10 s (one every 4 s) and 60
        // per 10 minutes (one every 10 s). Once the 10-minute bucket is
        // spent, requests go at its pace, not the burst's.
        let limiter = RateLimiter::scaled(0.01);
        for _ in 0..150 {
            limiter.acquire(EndpointClass::CancelAll).await;
        }
        let start = Instant::now();
        for _ in 0..10 {
            limiter.acquire(EndpointClass::CancelAll).await;
        }
        let ten = start.elapsed();
        assert!(
            ten >= Duration::from_secs(95) && ten <= Duration::from_secs(105),
            "ten requests at the sustained pace of one per 10 s: {ten:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_batch_draws_one_signer_token_per_order() {
        // Orders: a burst of 60 and 40 a second (Standard tier).
        let limiter = RateLimiter::published();
        let start = Instant::now();
        for _ in 0..4 {
            limiter.acquire_orders(EndpointClass::PostOrders, 15).await;
        }
        assert!(start.elapsed() < Duration::from_millis(10), "60 at once");
        limiter.acquire_orders(EndpointClass::PostOrders, 15).await;
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(370) && waited <= Duration::from_millis(400),
            "15 more orders wait 15 / 40 s: {waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_bucket_spaces_requests_beyond_the_burst() {
        // Scaled so the Auth bucket holds 2 tokens and refills 0.2/s.
        let limiter = RateLimiter::scaled(0.02);
        let start = Instant::now();
        limiter.acquire(EndpointClass::Auth).await;
        limiter.acquire(EndpointClass::Auth).await;
        assert!(
            start.elapsed() < Duration::from_millis(10),
            "the burst passes at once"
        );
        limiter.acquire(EndpointClass::Auth).await;
        assert!(
            start.elapsed() >= Duration::from_secs(4),
            "the third waits for a refill: {:?}",
            start.elapsed()
        );
    }
}
