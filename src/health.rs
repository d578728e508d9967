//! Reading `ploy`'s `/health` through a transport's forward, and proving a
//! release healthy: healthy within a timeout (polls backing off from 25 ms to
//! the interval), then healthy without a break for the stability window.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

pub use ploy_api::{HealthReport, TradingState, TradingStateChange};

/// One look at `/health`.
#[derive(Debug, Clone, PartialEq)]
pub enum Probe {
    /// 200 and `healthy`.
    Healthy(HealthReport),
    /// Answered, but not healthy.
    Degraded(HealthReport),
    /// No usable answer.
    Unreachable(String),
}

impl Probe {
    /// Whether healthy.
    pub fn is_healthy(&self) -> bool {
        matches!(self, Probe::Healthy(_))
    }

    /// The report, when there is one.
    pub fn report(&self) -> Option<&HealthReport> {
        match self {
            Probe::Healthy(r) | Probe::Degraded(r) => Some(r),
            Probe::Unreachable(_) => None,
        }
    }

    /// Why it is not healthy, in one line.
    pub fn problem(&self) -> String {
        match self {
            Probe::Healthy(_) => "healthy".to_owned(),
            Probe::Degraded(r) => {
                let failing = r.failing_checks();
                if failing.is_empty() {
                    format!("status {}", r.status.as_str())
                } else {
                    failing.join("; ")
                }
            },
            Probe::Unreachable(e) => format!("/health unreachable: {e}"),
        }
    }
}

/// Reads `/health` from a forwarded local address.
#[derive(Debug, Clone)]
pub struct HealthClient {
    http: reqwest::Client,
}

impl Default for HealthClient {
    fn default() -> Self {
        Self::new()
    }
}

impl HealthClient {
    /// A client with a 3 s request timeout and no connection reuse (a restart
    /// must never be hidden behind a pooled connection).
    pub fn new() -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .pool_max_idle_per_host(0)
            .no_proxy()
            .build()
            .expect("a plain HTTP client builds");
        Self { http }
    }

    /// `GET http://<local><path>`.
    pub async fn probe(&self, local: SocketAddr, path: &str) -> Probe {
        let url = format!("http://{local}{path}");
        let response = match self.http.get(&url).send().await {
            Ok(r) => r,
            Err(e) => return Probe::Unreachable(describe_reqwest(&e)),
        };
        let status = response.status();
        let body = match response.text().await {
            Ok(b) => b,
            Err(e) => return Probe::Unreachable(describe_reqwest(&e)),
        };
        match serde_json::from_str::<HealthReport>(&body) {
            Ok(report) if status.is_success() && report.is_healthy() => Probe::Healthy(report),
            Ok(report) => Probe::Degraded(report),
            Err(_) => Probe::Unreachable(format!(
                "HTTP {status} with a body that is not a ploy health report: {}",
                body.chars().take(120).collect::<String>()
            )),
        }
    }
}

impl HealthClient {
    /// `GET http://<local>/trading-state`: the kill switch (`state`,
    /// `changed_at_ms`, `source`), or `None` when the engine does not say
    /// (not trading, or a release without it).
    pub async fn trading_state(&self, local: SocketAddr) -> Option<TradingStateChange> {
        let response = self
            .http
            .get(format!("http://{local}/trading-state"))
            .send()
            .await
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        response.json().await.ok()
    }
}

impl HealthClient {
    /// `GET http://<local>/metrics` (Prometheus text), or why not.
    pub async fn metrics(&self, local: SocketAddr) -> Result<String, String> {
        let response = self
            .http
            .get(format!("http://{local}/metrics"))
            .send()
            .await
            .map_err(|e| describe_reqwest(&e))?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        response.text().await.map_err(|e| describe_reqwest(&e))
    }
}

/// A sample's value in Prometheus text: `name` with exactly `labels`
/// (`kind="rate_limited"`, or "" for none).
pub fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
    let key = if labels.is_empty() {
        format!("{name} ")
    } else {
        format!("{name}{{{labels}}} ")
    };
    text.lines()
        .find_map(|l| l.strip_prefix(key.as_str()))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// Why `PUT /trading-state` did not change the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutRefused {
    /// The engine refused it (the config's floor: 409; a bad request: 400).
    Refused(String),
    /// No usable answer (the engine is down, not trading, or too old).
    Unreachable(String),
}

impl HealthClient {
    /// `GET http://<local>/trading-state` in full, or why not.
    pub async fn trading_view(
        &self,
        local: SocketAddr,
    ) -> Result<ploy_api::TradingStateView, String> {
        let response = self
            .http
            .get(format!("http://{local}/trading-state"))
            .send()
            .await
            .map_err(|e| describe_reqwest(&e))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(format!("HTTP {status}: {}", body.trim()));
        }
        response
            .json()
            .await
            .map_err(|e| format!("an answer that is not a kill switch: {e}"))
    }

    /// `PUT http://<local>/trading-state` with who asks and why.
    pub async fn put_trading_state(
        &self,
        local: SocketAddr,
        request: &ploy_api::TradingStateRequest,
    ) -> Result<ploy_api::Applied, PutRefused> {
        let response = self
            .http
            .put(format!("http://{local}/trading-state"))
            .json(request)
            .send()
            .await
            .map_err(|e| PutRefused::Unreachable(describe_reqwest(&e)))?;
        let status = response.status();
        if status.is_success() {
            return response.json().await.map_err(|e| {
                PutRefused::Unreachable(format!("an answer that is not a kill switch: {e}"))
            });
        }
        let body = response.text().await.unwrap_or_default();
        if status.is_client_error() {
            Err(PutRefused::Refused(body.trim().to_owned()))
        } else {
            Err(PutRefused::Unreachable(format!(
                "HTTP {status}: {}",
                body.trim()
            )))
        }
    }
}

/// One line for a kill switch read from `/trading-state`: the state, and when
/// it is not `active`, since when and who set it.
pub fn trading_state_line(change: &TradingStateChange) -> String {
    let effect = match change.state {
        TradingState::Active => return "  trading active".to_owned(),
        TradingState::Halted => "no new orders",
        TradingState::Reducing => "only orders that shrink positions",
    };
    let since = u64::try_from(change.changed_at_ms)
        .map(|ms| {
            humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + Duration::from_millis(ms))
                .to_string()
        })
        .unwrap_or_else(|_| "?".to_owned());
    let why = change
        .reason
        .as_deref()
        .map(|r| format!(", because: {r}"))
        .unwrap_or_default();
    format!(
        "  trading {} since {since} (set by {}{why}): {effect}",
        change.state, change.source
    )
}

fn describe_reqwest(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "no answer within 3s".to_owned();
    }
    if e.is_connect() {
        return "connection refused (is ploy running and listening?)".to_owned();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        text = format!("{text}: {inner}");
        source = inner.source();
    }
    if closed_without_answer(&text) {
        return "the connection was closed without an answer (is ploy running and listening?)"
            .to_owned();
    }
    text
}

/// Through an SSH forward, nothing listening on the host shows as a
/// connection the forward accepted and then closed: reset, closed, or (when
/// the close wins the race with the request) a connection hyper reports as
/// cancelled because it never became ready.
fn closed_without_answer(error_chain: &str) -> bool {
    let closed = [
        "reset by peer",
        "connection closed",
        "broken pipe",
        "connection was not ready",
    ];
    let lower = error_chain.to_ascii_lowercase();
    closed.iter().any(|c| lower.contains(c))
}

/// Delays between polls: 25 ms doubling up to `max`.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    /// Starts at 25 ms (or `max` if smaller): a fresh `ploy` answers within
    /// tens of milliseconds, and a poll through the SSH forward is cheap.
    pub fn new(max: Duration) -> Self {
        Self {
            next: Duration::from_millis(25).min(max),
            max,
        }
    }
}

impl Iterator for Backoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let current = self.next;
        self.next = (self.next * 2).min(self.max);
        Some(current)
    }
}

/// How to prove a release healthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProveSettings {
    /// Time to become healthy.
    pub timeout: Duration,
    /// Longest pause between polls (and the pace in the stability window).
    pub interval: Duration,
    /// Time it must then stay healthy.
    pub stability_window: Duration,
}

/// The result of proving.
#[derive(Debug, Clone, PartialEq)]
pub enum Proof {
    /// Healthy, and stayed healthy for the window.
    Proven {
        /// Polls made.
        polls: u32,
        /// From start to proven.
        took: Duration,
        /// The last report.
        report: HealthReport,
    },
    /// Never healthy within the timeout.
    NeverHealthy {
        /// The last look.
        last: Probe,
        /// Polls made.
        polls: u32,
    },
    /// Healthy, then not, within the stability window.
    Unstable {
        /// The look that broke the streak.
        last: Probe,
        /// How long after first healthy.
        after: Duration,
    },
}

impl Proof {
    /// Whether proven.
    pub fn is_proven(&self) -> bool {
        matches!(self, Proof::Proven { .. })
    }

    /// Why not, in one line.
    pub fn reason(&self, settings: &ProveSettings) -> String {
        match self {
            Proof::Proven { .. } => "healthy".to_owned(),
            Proof::NeverHealthy { last, .. } => {
                format!(
                    "not healthy within {}: {}",
                    humantime::format_duration(settings.timeout),
                    last.problem()
                )
            },
            Proof::Unstable { last, after } => format!(
                "healthy, then not {:.1}s later (stability window {}): {}",
                after.as_secs_f64(),
                humantime::format_duration(settings.stability_window),
                last.problem()
            ),
        }
    }

    /// The last look, when not proven.
    pub fn last_probe(&self) -> Option<&Probe> {
        match self {
            Proof::Proven { .. } => None,
            Proof::NeverHealthy { last, .. } | Proof::Unstable { last, .. } => Some(last),
        }
    }
}

/// Polls `probe` until healthy (backing off) within `timeout`, then keeps
/// polling every `interval` for the stability window; a restart during the
/// window (uptime going down) also breaks it. While `/health` does not answer,
/// `alive` asks the service manager whether the process still runs, so a
/// release that exits at once fails at once instead of at the timeout.
pub async fn prove<F, Fut, A, AFut>(settings: ProveSettings, mut probe: F, mut alive: A) -> Proof
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Probe>,
    A: FnMut() -> AFut,
    AFut: Future<Output = bool>,
{
    let started = Instant::now();
    let deadline = started + settings.timeout;
    let mut polls = 0u32;
    let mut backoff = Backoff::new(settings.interval);
    let first_healthy = loop {
        let look = probe().await;
        polls += 1;
        if let Probe::Healthy(report) = look {
            break report;
        }
        if let Probe::Unreachable(why) = &look {
            if !alive().await {
                let last =
                    Probe::Unreachable(format!("the service is not running (it exited); {why}"));
                return Proof::NeverHealthy { last, polls };
            }
        }
        let pause = backoff.next().unwrap_or(settings.interval);
        if Instant::now() + pause >= deadline {
            return Proof::NeverHealthy { last: look, polls };
        }
        tokio::time::sleep(pause).await;
    };
    let healthy_at = Instant::now();
    let mut last_uptime = first_healthy.uptime_seconds;
    let mut report = first_healthy;
    while healthy_at.elapsed() < settings.stability_window {
        let remaining = settings
            .stability_window
            .saturating_sub(healthy_at.elapsed());
        tokio::time::sleep(settings.interval.min(remaining)).await;
        let look = probe().await;
        polls += 1;
        match look {
            Probe::Healthy(r) if r.uptime_seconds >= last_uptime => {
                last_uptime = r.uptime_seconds;
                report = r;
            },
            Probe::Healthy(r) => {
                let note = format!(
                    "restarted during the stability window (uptime {}s, was {}s)",
                    r.uptime_seconds, last_uptime
                );
                return Proof::Unstable {
                    last: Probe::Unreachable(note),
                    after: healthy_at.elapsed(),
                };
            },
            other => {
                return Proof::Unstable {
                    last: other,
                    after: healthy_at.elapsed(),
                }
            },
        }
    }
    Proof::Proven {
        polls,
        took: started.elapsed(),
        report,
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[test]
    fn a_forward_closed_before_the_answer_reads_as_nothing_listening() {
        for chain in [
            "error sending request: client error (Canceled): operation was canceled: connection was not ready",
            "error sending request: connection closed before message completed",
            "error sending request: Connection reset by peer (os error 104)",
        ] {
            assert!(closed_without_answer(chain), "{chain}");
        }
        assert!(!closed_without_answer(
            "error decoding response body: expected value at line 1 column 1"
        ));
    }

    fn report(status: &str, uptime: u64) -> HealthReport {
        serde_json::from_value(serde_json::json!({
            "status": status, "version": "0.1.0", "uptime_seconds": uptime,
            "checks": {"database": {"status": "up", "latency_ms": 0.3},
                       "order_queue": {"status": "up", "latency_ms": 0.001},
                       "api_connection": {"status": if status == "healthy" {"up"} else {"down"}, "latency_ms": 1.0, "error": "refused"}}
        }))
        .unwrap()
    }

    #[test]
    fn the_kill_switch_line_says_when_and_who_unless_active() {
        let active = TradingStateChange {
            state: TradingState::Active,
            changed_at_ms: 0,
            source: "config".into(),
            reason: None,
        };
        assert_eq!(trading_state_line(&active), "  trading active");
        let halted = TradingStateChange {
            state: TradingState::Halted,
            changed_at_ms: 1_795_000_000_000,
            source: "PUT /trading-state from 127.0.0.1:5000".into(),
            reason: None,
        };
        assert_eq!(
            trading_state_line(&halted),
            "  trading halted since 2026-11-18T11:06:40Z (set by PUT /trading-state from 127.0.0.1:5000): no new orders"
        );
    }

    fn settings() -> ProveSettings {
        ProveSettings {
            timeout: Duration::from_secs(3),
            interval: Duration::from_millis(200),
            stability_window: Duration::from_millis(600),
        }
    }

    #[test]
    fn backoff_doubles_to_the_interval() {
        let delays: Vec<u64> = Backoff::new(Duration::from_secs(1))
            .take(8)
            .map(|d| d.as_millis() as u64)
            .collect();
        assert_eq!(delays, [25, 50, 100, 200, 400, 800, 1000, 1000]);
        assert_eq!(
            Backoff::new(Duration::from_millis(10)).next(),
            Some(Duration::from_millis(10))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn proven_after_becoming_and_staying_healthy() {
        let looks = RefCell::new(std::collections::VecDeque::from(vec![
            Probe::Unreachable("refused".into()),
            Probe::Degraded(report("degraded", 0)),
            Probe::Healthy(report("healthy", 1)),
        ]));
        let proof = prove(
            settings(),
            || {
                let next = looks.borrow_mut().pop_front();
                async move { next.unwrap_or_else(|| Probe::Healthy(report("healthy", 2))) }
            },
            || async { true },
        )
        .await;
        assert!(proof.is_proven(), "{proof:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn never_healthy_times_out_with_the_last_look() {
        let proof = prove(
            settings(),
            || async { Probe::Degraded(report("degraded", 5)) },
            || async { true },
        )
        .await;
        match &proof {
            Proof::NeverHealthy { last, polls } => {
                assert!(*polls >= 3);
                assert_eq!(last.problem(), "api_connection: refused");
            },
            other => panic!("{other:?}"),
        }
        assert!(proof
            .reason(&settings())
            .starts_with("not healthy within 3s: api_connection: refused"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_process_that_exited_fails_at_once() {
        let proof = prove(
            settings(),
            || async { Probe::Unreachable("connection refused".into()) },
            || async { false },
        )
        .await;
        match &proof {
            Proof::NeverHealthy { polls, last } => {
                assert_eq!(*polls, 1);
                assert!(
                    last.problem().contains("the service is not running"),
                    "{proof:?}"
                );
            },
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_crash_inside_the_window_is_caught() {
        let n = RefCell::new(0);
        let proof = prove(
            settings(),
            || {
                *n.borrow_mut() += 1;
                let look = if *n.borrow() <= 2 {
                    Probe::Healthy(report("healthy", 1))
                } else {
                    Probe::Unreachable("connection refused".into())
                };
                async move { look }
            },
            || async { true },
        )
        .await;
        assert!(matches!(proof, Proof::Unstable { .. }), "{proof:?}");
        assert!(proof.reason(&settings()).contains("healthy, then not"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_restart_inside_the_window_is_caught() {
        let n = RefCell::new(0u64);
        let proof = prove(
            settings(),
            || {
                *n.borrow_mut() += 1;
                let uptime = if *n.borrow() == 1 { 9 } else { 0 };
                async move { Probe::Healthy(report("healthy", uptime)) }
            },
            || async { true },
        )
        .await;
        assert!(
            proof
                .reason(&settings())
                .contains("restarted during the stability window"),
            "{proof:?}"
        );
    }
}
