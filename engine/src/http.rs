//! The HTTP listener: `GET /health` (200 healthy, 503 degraded) and `GET /metrics`
//! (OpenMetrics text). Nothing else is served.

use std::future::Future;
use std::sync::Arc;

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

/// The kill switch: `PUT /trading-state` with `active`, `reducing` or `halted`
/// (plain text, or [`ploy_api::TradingStateRequest`] in JSON with who asks and
/// why). Halting cancels every resting order. The state is saved, so it
/// outlives a restart; one less strict than the config's
/// `risk.trading_state` is refused (409). Only accepted from this host
/// (loopback), even when `server.bind` is public.
async fn put_trading_state(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    body: String,
) -> Response {
    if !peer.ip().is_loopback() {
        return (
            StatusCode::FORBIDDEN,
            "the trading state can only be changed from the host itself (loopback)\n",
        )
            .into_response();
    }
    let text = body.trim();
    let json = serde_json::from_str::<serde_json::Value>(text).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|v| v.get(name))
            .and_then(|s| s.as_str())
            .map(|s| {
                s.chars()
                    .filter(|c| !c.is_control())
                    .take(300)
                    .collect::<String>()
            })
    };
    let wanted = field("state").unwrap_or_else(|| text.trim_matches('"').to_owned());
    let parsed = crate::config::TradingState::parse(&wanted);
    let (Some(new_state), Some(control)) = (parsed, &state.control) else {
        return (
            StatusCode::BAD_REQUEST,
            format!("unknown trading state {wanted:?}: use active, reducing or halted\n"),
        )
            .into_response();
    };
    let source = match field("by") {
        Some(by) => format!("{by} (PUT /trading-state from {peer})"),
        None => format!("PUT /trading-state from {peer}"),
    };
    match control
        .kill_switch
        .set(new_state, source, field("reason"))
        .await
    {
        Ok(applied) => Json(applied).into_response(),
        Err(refused @ crate::kill_switch::Refused::BelowFloor { .. }) => {
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

/// Serves until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
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
}
