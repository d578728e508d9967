//! Staying under the exchange's limits: a token bucket per endpoint class
//! (published limits per 10 s), and exponential backoff with jitter that
//! honours `Retry-After`.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Endpoint classes with their published limits (requests per 10 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointClass {
    /// `POST /order`, `POST /orders`.
    PostOrder,
    /// `DELETE /order`, `/orders`, `/cancel-all`.
    Cancel,
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

impl EndpointClass {
    /// Requests allowed per 10 s.
    pub fn limit_per_10s(self) -> u32 {
        match self {
            EndpointClass::PostOrder => 3_500,
            EndpointClass::Cancel => 3_000,
            EndpointClass::Book => 1_500,
            EndpointClass::Books => 500,
            EndpointClass::Price => 1_500,
            EndpointClass::Data => 500,
            EndpointClass::Auth => 100,
            EndpointClass::Balance => 200,
            EndpointClass::General => 5_000,
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
    fn new(limit_per_10s: u32, now: Instant) -> Self {
        let capacity = f64::from(limit_per_10s);
        Self {
            tokens: capacity,
            capacity,
            per_second: capacity / 10.0,
            updated: now,
        }
    }

    /// Takes a token, or says how long until one is available.
    fn take(&mut self, now: Instant) -> Option<Duration> {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64(
                (1.0 - self.tokens) / self.per_second,
            ))
        }
    }
}

/// One bucket per endpoint class.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<BTreeMap<EndpointClass, Bucket>>,
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
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().await;
                let now = Instant::now();
                let limit = ((f64::from(class.limit_per_10s()) * self.scale).max(1.0)) as u32;
                buckets
                    .entry(class)
                    .or_insert_with(|| Bucket::new(limit, now))
                    .take(now)
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
