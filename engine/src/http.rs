//! The HTTP listener: `GET /health` (200 healthy, 503 degraded) and `GET /metrics`
//! (OpenMetrics text). Nothing else is served.

use std::future::Future;
use std::sync::Arc;

use axum::extract::State;
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
    pub last_failing: Arc<std::sync::Mutex<Vec<&'static str>>>,
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
    let failing = report.failing();
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

async fn get_trading_state(State(state): State<AppState>) -> Response {
    match &state.control {
        Some(control) => {
            let current = *control
                .current_state
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            Json(serde_json::json!({ "state": current })).into_response()
        },
        None => (StatusCode::SERVICE_UNAVAILABLE, "trading is not running\n").into_response(),
    }
}

/// The kill switch: `PUT /trading-state` with `active`, `reducing` or `halted`
/// (plain text or `{"state": ...}`). Halting cancels every resting order.
async fn put_trading_state(State(state): State<AppState>, body: String) -> Response {
    let text = body.trim();
    let wanted = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("state").and_then(|s| s.as_str()).map(str::to_owned))
        .unwrap_or_else(|| text.trim_matches('"').to_owned());
    let parsed: Option<crate::config::TradingState> =
        serde_json::from_value(serde_json::Value::String(wanted.to_ascii_lowercase())).ok();
    let (Some(new_state), Some(control)) = (parsed, &state.control) else {
        return (
            StatusCode::BAD_REQUEST,
            format!("unknown trading state {wanted:?}: use active, reducing or halted\n"),
        )
            .into_response();
    };
    if control.trading_state.send(new_state).is_err() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "trading is shutting down\n",
        )
            .into_response();
    }
    *control
        .current_state
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = new_state;
    Json(serde_json::json!({ "state": new_state })).into_response()
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
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
