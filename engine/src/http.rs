//! The HTTP listener: `GET /health` (200 healthy, 503 degraded) and `GET /metrics`
//! (OpenMetrics text). Nothing else is served.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tokio::net::TcpListener;

use crate::health::HealthService;
use crate::metrics::{Metrics, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE};

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Runs `/health`.
    pub health: HealthService,
    /// Renders `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The failing checks last reported, so a change is logged once, not on
    /// every request.
    pub last_failing: Arc<std::sync::Mutex<Vec<String>>>,
    /// The trading pipeline's controls (kill switch), when it runs.
    pub control: Option<crate::pipeline::PipelineHandle>,
}

/// The router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route(
            "/trading-state",
            get(get_trading_state).put(put_trading_state),
        )
        .fallback(not_found)
        .with_state(state)
}

async fn health(State(state): State<AppState>) -> Response {
    let report = state.health.report().await;
    let code = if report.is_healthy() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let failing: Vec<String> = report.failing().into_iter().map(str::to_owned).collect();
    let changed = {
        let mut last = state.last_failing.lock().unwrap_or_else(|e| e.into_inner());
        let changed = *last != failing;
        last.clone_from(&failing);
        changed
    };
    if changed && failing.is_empty() {
        tracing::info!("health is back to healthy");
    } else if changed {
        tracing::warn!(?failing, "health degraded");
    }
    (code, [(header::CACHE_CONTROL, "no-store")], Json(report)).into_response()
}

/// OpenMetrics when the scraper asks for it (Prometheus does), else the classic
/// text format (curl, promtool, older scrapers).
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let wants_openmetrics = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/openmetrics-text"));
    let (content_type, body) = if wants_openmetrics {
        (OPENMETRICS_CONTENT_TYPE, state.metrics.encode())
    } else {
        (
            PROMETHEUS_CONTENT_TYPE,
            state.metrics.encode_prometheus_text(),
        )
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// [`ploy_api::TradingStateView`]: the kill switch in force, who set it when
/// and why, the orders still resting, and the config's floor.
async fn get_trading_state(State(state): State<AppState>) -> Response {
    match &state.control {
        Some(control) => Json(ploy_api::TradingStateView {
            change: control.kill_switch.current(),
            open_orders: u64::try_from(state.metrics.open_orders.get()).ok(),
            floor: Some(control.kill_switch.floor()),
        })
        .into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, "trading is not running\n").into_response(),
    }
}

/// The largest request body read (a kill-switch request is a few hundred bytes).
pub const MAX_BODY_BYTES: usize = 4096;

/// How long a request body may take to arrive.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether a `Host` or `Origin` names this host: `localhost`, a loopback
/// address (IPv4, IPv6, IPv4-mapped), with or without a port and scheme.
fn names_loopback(value: &str) -> bool {
    let value = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .unwrap_or(value);
    let host = if let Some(rest) = value.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        value.rsplit_once(':').map_or(value, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                value
            }
        })
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// Logs a refused kill-switch request (at most one line a second, with the
/// number left out), counts it, and answers.
fn refuse(
    state: &AppState,
    peer: std::net::SocketAddr,
    code: StatusCode,
    reason: &'static str,
    message: &'static str,
) -> Response {
    static LAST_LOG: std::sync::Mutex<Option<(Instant, u64)>> = std::sync::Mutex::new(None);
    state.metrics.trading_state_refused(reason);
    let mut last = LAST_LOG.lock().unwrap_or_else(|e| e.into_inner());
    match *last {
        Some((at, ref mut skipped)) if at.elapsed() < Duration::from_secs(1) => *skipped += 1,
        _ => {
            let skipped = last.map_or(0, |(_, n)| n);
            tracing::warn!(%peer, reason, skipped, "refused a request to change the trading state");
            *last = Some((Instant::now(), 0));
        },
    }
    (code, message).into_response()
}

/// What a kill-switch request asks for.
#[derive(Debug, PartialEq)]
struct TradingStateAsk {
    state: crate::config::TradingState,
    by: Option<String>,
    reason: Option<String>,
}

/// The body of `PUT /trading-state`: `active`, `reducing` or `halted` (any
/// ASCII case, surrounding whitespace ignored) as plain text, as a JSON
/// string, or as a JSON object with `state` and optional `by` and `reason`
/// (control characters dropped, 300 characters kept). Nothing else.
fn parse_ask(body: &str) -> Option<TradingStateAsk> {
    let text = body.trim();
    let clean = |s: &str| {
        s.chars()
            .filter(|c| !c.is_control())
            .take(300)
            .collect::<String>()
    };
    if text.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let field = |name: &str| v.get(name).and_then(|f| f.as_str()).map(clean);
        return Some(TradingStateAsk {
            state: crate::config::TradingState::parse(v.get("state")?.as_str()?)?,
            by: field("by"),
            reason: field("reason"),
        });
    }
    let word = if text.starts_with('"') {
        serde_json::from_str::<String>(text).ok()?
    } else {
        text.to_owned()
    };
    Some(TradingStateAsk {
        state: crate::config::TradingState::parse(&word)?,
        by: None,
        reason: None,
    })
}

/// The kill switch: `PUT /trading-state` with `active`, `reducing` or `halted`
/// (see [`parse_ask`]). Halting cancels every resting order. The state is
/// saved, so it outlives a restart; one less strict than the config's
/// `risk.trading_state` is refused (409). Only accepted from this host: the
/// peer a loopback address (IPv4-mapped too) and the `Host` (and `Origin`,
/// when sent) a loopback name, so a web page cannot reach it by DNS
/// rebinding, even when `server.bind` is public. A refusal is logged and
/// counted (`ploy_trading_state_refused_total{reason}`); no reply quotes the
/// request.
async fn put_trading_state(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    if !peer.ip().to_canonical().is_loopback() {
        return refuse(
            &state,
            peer,
            StatusCode::FORBIDDEN,
            "not_loopback",
            "the trading state can only be changed from the host itself (loopback)\n",
        );
    }
    let named = |name: header::HeaderName| {
        headers
            .get_all(name)
            .iter()
            .all(|v| v.to_str().is_ok_and(names_loopback))
    };
    if !named(header::HOST) || !named(header::ORIGIN) {
        return refuse(
            &state,
            peer,
            StatusCode::FORBIDDEN,
            "bad_host",
            "the trading state can only be changed through a loopback name (Host: 127.0.0.1, [::1] or localhost)\n",
        );
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return refuse(
            &state,
            peer,
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "a trading-state request is at most 4096 bytes\n",
        );
    }
    let bytes = match tokio::time::timeout(
        BODY_READ_TIMEOUT,
        axum::body::to_bytes(body, MAX_BODY_BYTES),
    )
    .await
    {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return refuse(
                &state,
                peer,
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "a trading-state request is at most 4096 bytes\n",
            )
        },
        Err(_) => {
            return refuse(
                &state,
                peer,
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                "the request body did not arrive within 5 s\n",
            )
        },
    };
    let ask = std::str::from_utf8(&bytes).ok().and_then(parse_ask);
    let (Some(ask), Some(control)) = (ask, &state.control) else {
        return refuse(
            &state,
            peer,
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the body must be active, reducing or halted: plain text, a JSON string, or JSON {\"state\": …, \"by\": …, \"reason\": …}\n",
        );
    };
    let source = match ask.by {
        Some(by) => format!("{by} (PUT /trading-state from {peer})"),
        None => format!("PUT /trading-state from {peer}"),
    };
    match control.kill_switch.set(ask.state, source, ask.reason).await {
        Ok(applied) => Json(applied).into_response(),
        Err(refused @ crate::kill_switch::Refused::BelowFloor { .. }) => {
            state.metrics.trading_state_refused("below_floor");
            (StatusCode::CONFLICT, format!("{refused}\n")).into_response()
        },
        Err(stopped) => (StatusCode::SERVICE_UNAVAILABLE, format!("{stopped}\n")).into_response(),
    }
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "not found: ploy serves /health and /metrics\n",
    )
        .into_response()
}

/// Bounds of the listener, so no client can hold it: slow or idle clients
/// are closed, excess connections are refused at once, and shutdown does
/// not wait for anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A request's head must arrive within this (also the idle keep-alive bound).
    pub header_read: Duration,
    /// Connections served at once; more are answered 503 and closed.
    pub max_connections: usize,
    /// Connections from one peer address at once.
    pub max_per_peer: usize,
    /// At shutdown, how long requests in flight may finish before every
    /// connection is closed.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(5),
            max_connections: 512,
            max_per_peer: 64,
            drain: Duration::from_millis(250),
        }
    }
}

/// What an excess connection is told before it is closed.
const BUSY: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 17\r\n\r\ntoo many clients\n";

/// Counts a connection per peer address while it lives.
#[derive(Debug)]
struct PeerSlot {
    peers: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>,
    ip: std::net::IpAddr,
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut peers = self.peers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = peers.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                peers.remove(&self.ip);
            }
        }
    }
}

/// Serves until `shutdown` completes, within `limits`: then stops accepting,
/// lets requests in flight finish for `limits.drain`, and closes every
/// connection (idle, half-sent or not).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: Limits,
) -> std::io::Result<()> {
    let metrics = state.metrics.clone();
    let app = router(state);
    let peers: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>> =
        Arc::default();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut last_refusal_log: Option<Instant> = None;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        while connections.try_join_next().is_some() {}
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                metrics.http_refused("accept_error");
                if last_refusal_log.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                    tracing::warn!(error = %e, "cannot accept an HTTP connection (open files?); retrying");
                    last_refusal_log = Some(Instant::now());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            },
        };
        let ip = peer.ip().to_canonical();
        let refusal = {
            let mut map = peers.lock().unwrap_or_else(|e| e.into_inner());
            let from_peer = map.get(&ip).copied().unwrap_or(0);
            if connections.len() >= limits.max_connections {
                Some("too_many_connections")
            } else if from_peer >= limits.max_per_peer {
                Some("too_many_from_peer")
            } else {
                map.insert(ip, from_peer + 1);
                None
            }
        };
        if let Some(reason) = refusal {
            metrics.http_refused(reason);
            if last_refusal_log.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                tracing::warn!(%peer, reason, open = connections.len(), "refusing HTTP connections");
                last_refusal_log = Some(Instant::now());
            }
            let _ = stream.try_write(BUSY);
            continue;
        }
        let slot = PeerSlot {
            peers: peers.clone(),
            ip,
        };
        let service = hyper_util::service::TowerToHyperService::new(
            app.clone().layer(axum::Extension(ConnectInfo(peer))),
        );
        let mut stop = stop_rx.clone();
        let header_read = limits.header_read;
        connections.spawn(async move {
            let _slot = slot;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_read)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let stopped = tokio::select! {
                _ = conn.as_mut() => false,
                r = stop.wait_for(|stopped| *stopped) => r.is_ok(),
            };
            if stopped {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(limits.drain, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::info!(
            open = connections.len(),
            "closing HTTP connections still open at shutdown"
        );
        connections.abort_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;
    use crate::config::{DatabaseConfig, DatabaseUrl, TradingState};
    use crate::health::RecordingProbe;
    use crate::queue::OrderQueue;

    async fn app() -> (
        Router,
        tokio::sync::mpsc::UnboundedReceiver<TradingState>,
        Arc<dyn crate::storage::Store>,
    ) {
        let store = crate::storage::connect(
            &DatabaseUrl::new("sqlite::memory:"),
            &DatabaseConfig::default(),
        )
        .await
        .unwrap();
        store.migrate().await.unwrap();
        let metrics = Arc::new(Metrics::new(crate::build_info::BUILD, "paper"));
        let queue = Arc::new(OrderQueue::new(metrics.order_queue_depth.clone()));
        let health = HealthService::new(
            store.clone(),
            Arc::new(RecordingProbe::new("/nonexistent".into(), None)),
            queue,
            10,
            std::time::Duration::from_secs(1),
        );
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let state = AppState {
            health,
            metrics,
            last_failing: Arc::default(),
            control: Some(crate::pipeline::PipelineHandle {
                feed: Arc::default(),
                heartbeat: None,
                kill_switch: crate::kill_switch::KillSwitch::new(
                    tx,
                    crate::kill_switch::initial_state(TradingState::Active, None, 0),
                    TradingState::Active,
                    store.clone(),
                    Arc::new(crate::clock::SystemClock),
                ),
                task_failures: Arc::default(),
                account: Arc::default(),
            }),
        };
        (router(state), rx, store)
    }

    fn put(from: &str, body: &str) -> Request<Body> {
        let mut request = Request::put("/trading-state")
            .body(Body::from(body.to_owned()))
            .unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(from.parse::<SocketAddr>().unwrap()));
        request
    }

    #[tokio::test]
    async fn the_kill_switch_only_listens_to_this_host() {
        let (app, mut rx, store) = app().await;
        let refused = app
            .clone()
            .oneshot(put("192.0.2.7:5000", "halted"))
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(rx.try_recv().is_err(), "nothing reached the pipeline");
        let accepted = app
            .clone()
            .oneshot(put("127.0.0.1:5000", "{\"state\": \"reducing\"}"))
            .await
            .unwrap();
        assert_eq!(accepted.status(), StatusCode::OK);
        assert_eq!(rx.try_recv().unwrap(), TradingState::Reducing);
        let body = axum::body::to_bytes(accepted.into_body(), 4096)
            .await
            .unwrap();
        let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(answer["state"], "reducing");
        assert_eq!(answer["persisted"], true);
        let saved = store.trading_state().await.unwrap().expect("saved");
        assert_eq!(saved.state, TradingState::Reducing);
        assert_eq!(saved.source, "PUT /trading-state from 127.0.0.1:5000");
        let v6 = app
            .clone()
            .oneshot(put("[::1]:5000", "halted"))
            .await
            .unwrap();
        assert_eq!(v6.status(), StatusCode::OK);
        let said = app
            .clone()
            .oneshot(put(
                "127.0.0.1:6000",
                r#"{"state": "halted", "by": "alice@laptop", "reason": "exchange incident"}"#,
            ))
            .await
            .unwrap();
        assert_eq!(said.status(), StatusCode::OK);
        let saved = store.trading_state().await.unwrap().expect("saved");
        assert_eq!(
            saved.source,
            "alice@laptop (PUT /trading-state from 127.0.0.1:6000)"
        );
        assert_eq!(saved.reason.as_deref(), Some("exchange incident"));
        let view = app
            .oneshot(Request::get("/trading-state").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let body = axum::body::to_bytes(view.into_body(), 4096).await.unwrap();
        let view: ploy_api::TradingStateView = serde_json::from_slice(&body).unwrap();
        assert_eq!(view.change.reason.as_deref(), Some("exchange incident"));
        assert_eq!(
            (view.open_orders, view.floor),
            (Some(0), Some(TradingState::Active))
        );
    }

    #[test]
    fn the_body_is_one_of_three_words_in_one_of_three_forms() {
        use TradingState::*;
        let ok = |body: &str, want: TradingState| {
            assert_eq!(parse_ask(body).map(|a| a.state), Some(want), "{body:?}");
        };
        ok("halted", Halted);
        ok("HALTED\n", Halted);
        ok("  Reducing ", Reducing);
        ok("\"halted\"", Halted);
        ok("{\"state\": \"Active\"}", Active);
        for bad in [
            "",
            "stop",
            "halted please",
            "\"halted",
            "halted\"",
            "{\"state\": 1}",
            "{\"reason\": \"x\"}",
            "{state: halted}",
            "[\"halted\"]",
        ] {
            assert_eq!(parse_ask(bad), None, "{bad:?}");
        }
        let full = parse_ask(r#"{"state":"halted","by":"a\u0007b","reason":"r"}"#).unwrap();
        assert_eq!(full.by.as_deref(), Some("ab"), "control characters dropped");
        assert_eq!(full.reason.as_deref(), Some("r"));
    }

    #[test]
    fn loopback_names_are_known_in_every_spelling() {
        for yes in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.1.2.3:1",
            "localhost",
            "LOCALHOST:80",
            "[::1]",
            "[::1]:8080",
            "[::ffff:127.0.0.1]:8080",
            "http://localhost:8080",
            "http://127.0.0.1:9",
        ] {
            assert!(names_loopback(yes), "{yes}");
        }
        for no in [
            "attacker.example",
            "attacker.example:8080",
            "localhost.attacker.example",
            "10.0.0.1:8080",
            "[2001:db8::1]:80",
            "http://attacker.example",
            "null",
            "",
        ] {
            assert!(!names_loopback(no), "{no}");
        }
    }

    fn put_with(from: &str, body: &str, headers: &[(&str, &str)]) -> Request<Body> {
        let mut request = put(from, body);
        for (k, v) in headers {
            request.headers_mut().insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        request
    }

    async fn text(response: Response) -> (StatusCode, String) {
        let code = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (code, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn the_kill_switch_edges_are_refused_logged_counted_and_never_echoed() {
        let (app, mut rx, _store) = app().await;
        let call = |req| app.clone().oneshot(req);
        // IPv4 loopback seen through a [::] bind is loopback.
        let (code, _) = text(
            call(put("[::ffff:127.0.0.1]:5000", "halted"))
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(rx.try_recv().unwrap(), TradingState::Halted);
        let (code, _) = text(
            call(put("[::ffff:192.0.2.7]:5000", "active"))
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(code, StatusCode::FORBIDDEN);
        // DNS rebinding: a loopback peer, a foreign Host or Origin.
        for headers in [
            &[("host", "attacker.example")][..],
            &[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://attacker.example"),
            ][..],
        ] {
            let (code, said) = text(
                call(put_with("127.0.0.1:5000", "active", headers))
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(code, StatusCode::FORBIDDEN, "{headers:?}: {said}");
        }
        let (code, _) = text(
            call(put_with(
                "127.0.0.1:5000",
                "reducing",
                &[("host", "localhost:8080")],
            ))
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(rx.try_recv().unwrap(), TradingState::Reducing);
        assert!(
            rx.try_recv().is_err(),
            "nothing refused reached the pipeline"
        );
        // A bad body is refused without being quoted; a big one is not read.
        let marker = "x".repeat(3000) + "SECRET-MARKER";
        let (code, said) = text(call(put("127.0.0.1:5000", &marker)).await.unwrap()).await;
        assert_eq!(code, StatusCode::BAD_REQUEST);
        assert!(
            !said.contains("SECRET-MARKER") && said.len() < 200,
            "{said}"
        );
        let (code, said) = text(
            call(put("127.0.0.1:5000", &"y".repeat(MAX_BODY_BYTES + 1)))
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(code, StatusCode::PAYLOAD_TOO_LARGE, "{said}");
        let (code, _) = text(
            call(put_with(
                "127.0.0.1:5000",
                "halted",
                &[("content-length", "10000000000")],
            ))
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(code, StatusCode::PAYLOAD_TOO_LARGE);
        let metrics = text(
            call(Request::get("/metrics").body(Body::empty()).unwrap())
                .await
                .unwrap(),
        )
        .await
        .1;
        for line in [
            "ploy_trading_state_refused_total{reason=\"not_loopback\"} 1",
            "ploy_trading_state_refused_total{reason=\"bad_host\"} 2",
            "ploy_trading_state_refused_total{reason=\"bad_request\"} 1",
            "ploy_trading_state_refused_total{reason=\"body_too_large\"} 2",
        ] {
            assert!(metrics.contains(line), "no {line} in\n{metrics}");
        }
    }
}
