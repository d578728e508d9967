//! The Polymarket CLOB: the only code in the engine that touches the network.
//!
//! [`ClobClient`] speaks REST (public market data, L1-authenticated API-key
//! creation, L2-authenticated orders and account data); [`ws`] is the market
//! websocket. Every request has a timeout, passes a token bucket for its
//! endpoint class, and fails with a typed [`ExchangeError`] whose `kind`
//! labels `ploy_api_errors_total`.

mod error;
pub mod geoblock;
pub mod ratelimit;
pub mod types;
pub mod ws;

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use url::Url;

pub use error::ExchangeError;
use ratelimit::{EndpointClass, RateLimiter};
use types::{
    ApiCreds, BalanceAllowance, Book, CancelResponse, Market, OpenOrder, Page, PostOrderResponse,
    Trade, END_CURSOR, FIRST_CURSOR,
};

use crate::config::Secret;
use crate::metrics::Metrics;
use crate::signing::{clob_auth_signature, l2_signature, Wallet};

/// L2 credentials (held as secrets).
#[derive(Debug, Clone)]
pub struct L2Credentials {
    /// API key.
    pub api_key: Secret,
    /// HMAC secret.
    pub secret: Secret,
    /// Passphrase.
    pub passphrase: Secret,
}

impl From<ApiCreds> for L2Credentials {
    fn from(c: ApiCreds) -> Self {
        Self {
            api_key: Secret::new(c.api_key),
            secret: Secret::new(c.secret),
            passphrase: Secret::new(c.passphrase),
        }
    }
}

/// How a request authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    None,
    L1 { nonce: u64 },
    L2,
}

/// A client for one CLOB base URL.
#[derive(Debug, Clone)]
pub struct ClobClient {
    http: reqwest::Client,
    base: Url,
    timeout: Duration,
    limiter: Arc<RateLimiter>,
    wallet: Option<Wallet>,
    chain_id: u64,
    creds: Option<L2Credentials>,
    metrics: Option<Arc<Metrics>>,
}

/// See [`ClobClient::last_authenticated_ok_ms`] (one per process: every
/// client of the engine talks to the same account).
static LAST_AUTHENTICATED_OK_MS: std::sync::atomic::AtomicI64 =
    std::sync::atomic::AtomicI64::new(0);

fn now_secs() -> u64 {
    u64::try_from(crate::clock::wall_ms() / 1000).unwrap_or(0)
}

/// Seconds from a `Retry-After` header (seconds form).
fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// The exchange's error text: `error`, `errorMsg` or `error_msg`, else the body.
fn error_text(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            ["error", "errorMsg", "error_msg", "message"]
                .iter()
                .find_map(|k| v.get(*k).and_then(|m| m.as_str()).map(str::to_owned))
        })
        .unwrap_or_else(|| body.chars().take(200).collect())
}

/// Maps a non-success HTTP answer to a typed error.
pub fn classify(status: StatusCode, headers: &HeaderMap, body: &str) -> ExchangeError {
    let message = error_text(body);
    let header_wait = retry_after_header(headers);
    match status.as_u16() {
        429 => ExchangeError::RateLimited {
            retry_after: header_wait,
        },
        425 => ExchangeError::Restarting {
            retry_after: header_wait,
        },
        503 => {
            let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
            let seconds = json
                .as_ref()
                .and_then(|v| v.get("retry_after_seconds"))
                .and_then(serde_json::Value::as_f64)
                .map(Duration::from_secs_f64);
            let code = json
                .as_ref()
                .and_then(|v| v.get("code"))
                .and_then(|c| c.as_str())
                .unwrap_or("")
                .to_owned();
            let lower = message.to_ascii_lowercase();
            ExchangeError::Unavailable {
                cancel_only: lower.contains("cancel-only")
                    || lower.contains("cancel only")
                    || code == "cancel_only_mode",
                post_only: lower.contains("post-only mode") || code == "post_only_mode",
                retry_after: seconds.or(header_wait),
                message,
            }
        },
        401 | 403 => ExchangeError::Unauthorized {
            status: status.as_u16(),
            message,
        },
        400..=499 => ExchangeError::Rejected {
            status: status.as_u16(),
            message,
        },
        _ => ExchangeError::Server {
            status: status.as_u16(),
            message,
        },
    }
}

impl ClobClient {
    /// A client for public endpoints, every request timing out after `timeout`.
    pub fn new(base: Url, timeout: Duration) -> Result<Self, ExchangeError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("ploy/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ExchangeError::Network(e.to_string()))?;
        Ok(Self {
            http,
            base,
            timeout,
            limiter: Arc::new(RateLimiter::published()),
            wallet: None,
            chain_id: 137,
            creds: None,
            metrics: None,
        })
    }

    /// Adds the signing wallet (L1) and chain.
    pub fn with_wallet(mut self, wallet: Wallet, chain_id: u64) -> Self {
        self.wallet = Some(wallet);
        self.chain_id = chain_id;
        self
    }

    /// Adds L2 credentials.
    pub fn with_credentials(mut self, creds: L2Credentials) -> Self {
        self.creds = Some(creds);
        self
    }

    /// The L2 credentials, when set (the user websocket authenticates with them).
    pub fn credentials(&self) -> Option<&L2Credentials> {
        self.creds.as_ref()
    }

    /// Counts errors in `ploy_api_errors_total`.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Uses another rate limiter (shared, or scaled for tests).
    pub fn with_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = limiter;
        self
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The L2 API key, when set (the `owner` of orders).
    pub fn api_key(&self) -> Option<&str> {
        self.creds.as_ref().map(|c| c.api_key.expose())
    }

    /// The request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub(crate) fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{}", url.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        url
    }

    pub(crate) fn map_transport(&self, e: &reqwest::Error) -> ExchangeError {
        if e.is_timeout() {
            ExchangeError::Timeout(self.timeout)
        } else {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(inner) = source {
                message = format!("{message}: {inner}");
                source = inner.source();
            }
            ExchangeError::Network(message)
        }
    }

    fn count(&self, e: &ExchangeError) {
        if let Some(m) = &self.metrics {
            m.api_error(e.kind());
        }
    }

    /// When this process last got a 2xx answer to an authenticated request
    /// (posting, cancelling, reading its orders and trades), Unix ms.
    pub fn last_authenticated_ok_ms() -> Option<i64> {
        Some(LAST_AUTHENTICATED_OK_MS.load(std::sync::atomic::Ordering::SeqCst))
            .filter(|&ms| ms > 0)
    }

    /// The orders a request names, for the per-signer buckets: the entries
    /// of a batch's JSON array, else one.
    fn cost_of(&self, class: EndpointClass, body: Option<&str>) -> u32 {
        match (class, body) {
            (EndpointClass::PostOrders | EndpointClass::CancelOrders, Some(body)) => {
                serde_json::from_str::<Vec<serde_json::Value>>(body)
                    .map_or(1, |items| u32::try_from(items.len()).unwrap_or(u32::MAX))
            },
            _ => 1,
        }
    }

    /// Sends one request; returns the body of a 2xx answer.
    async fn request(
        &self,
        class: EndpointClass,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&str>,
        auth: Auth,
    ) -> Result<String, ExchangeError> {
        self.request_answer(class, method, path, query, body, auth)
            .await
            .map_err(|(e, _)| e)
    }

    /// [`ClobClient::request`], keeping the body of an answer that is not
    /// 2xx beside its error (empty when no answer came).
    async fn request_answer(
        &self,
        class: EndpointClass,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&str>,
        auth: Auth,
    ) -> Result<String, (ExchangeError, String)> {
        self.limiter
            .acquire_orders(class, self.cost_of(class, body))
            .await;
        let mut url = self.url(path);
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let mut request = self.http.request(method.clone(), url);
        let timestamp = now_secs().to_string();
        match auth {
            Auth::None => {},
            Auth::L1 { nonce } => {
                let wallet = self.wallet.as_ref().ok_or_else(|| {
                    (
                        ExchangeError::Unauthorized {
                            status: 0,
                            message: "no signing key for L1 authentication".to_owned(),
                        },
                        String::new(),
                    )
                })?;
                let signature = clob_auth_signature(wallet, self.chain_id, &timestamp, nonce);
                request = request
                    .header("POLY_ADDRESS", wallet.address().to_checksum(None))
                    .header("POLY_SIGNATURE", signature)
                    .header("POLY_TIMESTAMP", &timestamp)
                    .header("POLY_NONCE", nonce.to_string());
            },
            Auth::L2 => {
                let (Some(wallet), Some(creds)) = (&self.wallet, &self.creds) else {
                    return Err((
                        ExchangeError::Unauthorized {
                            status: 0,
                            message: "no API credentials for L2 authentication".to_owned(),
                        },
                        String::new(),
                    ));
                };
                let signature = l2_signature(
                    creds.secret.expose(),
                    &timestamp,
                    method.as_str(),
                    path,
                    body.unwrap_or(""),
                )
                .map_err(|e| {
                    (
                        ExchangeError::Unauthorized {
                            status: 0,
                            message: e.to_string(),
                        },
                        String::new(),
                    )
                })?;
                request = request
                    .header("POLY_ADDRESS", wallet.address().to_checksum(None))
                    .header("POLY_SIGNATURE", signature)
                    .header("POLY_TIMESTAMP", &timestamp)
                    .header("POLY_API_KEY", creds.api_key.expose())
                    .header("POLY_PASSPHRASE", creds.passphrase.expose());
            },
        }
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_owned());
        }
        let result = async {
            let response = request
                .send()
                .await
                .map_err(|e| (self.map_transport(&e), String::new()))?;
            let status = response.status();
            let headers = response.headers().clone();
            let text = response
                .text()
                .await
                .map_err(|e| (self.map_transport(&e), String::new()))?;
            if status.is_success() {
                Ok(text)
            } else if class == EndpointClass::Auth {
                // An authentication answer may hold credentials: never quoted.
                let shown = format!("(an answer of {} bytes, not shown)", text.len());
                Err((classify(status, &headers, &shown), String::new()))
            } else {
                Err((classify(status, &headers, &text), text))
            }
        }
        .await;
        match &result {
            Err((e, _)) => self.count(e),
            Ok(_) if !matches!(auth, Auth::None) => {
                LAST_AUTHENTICATED_OK_MS
                    .store(crate::clock::wall_ms(), std::sync::atomic::Ordering::SeqCst);
            },
            Ok(_) => {},
        }
        result
    }

    fn decode<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        body: &str,
    ) -> Result<T, ExchangeError> {
        serde_json::from_str(body).map_err(|e| {
            let err = ExchangeError::Decode(format!(
                "{what}: {e}: {}",
                body.chars().take(160).collect::<String>()
            ));
            self.count(&err);
            err
        })
    }

    /// Decodes an authentication answer. Every string in it is registered
    /// with the log scrubber first, whatever its shape, and an error names
    /// the fields it found, never a value.
    fn decode_credentials(&self, what: &str, body: &str) -> Result<ApiCreds, ExchangeError> {
        fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::String(s) => out.push(s.clone()),
                serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
                serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
                _ => {},
            }
        }
        let fail = |why: String| {
            let err = ExchangeError::Decode(format!(
                "{what}: {why} (the answer is not shown: it may hold credentials)"
            ));
            self.count(&err);
            err
        };
        let value: serde_json::Value = serde_json::from_str(body).map_err(|e| {
            fail(format!(
                "not JSON ({} bytes; {:?} error at line {}, column {})",
                body.len(),
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        let mut found = Vec::new();
        strings(&value, &mut found);
        crate::redact::register(found);
        let fields: Vec<String> = value
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        serde_json::from_value::<ApiCreds>(value).map_err(|_| {
            fail(format!(
                "expected apiKey, secret and passphrase; found fields [{}]",
                fields.join(", ")
            ))
        })
    }

    /// `GET /time`: the exchange's clock (Unix seconds) and the round trip.
    pub async fn server_time(&self) -> Result<(i64, Duration), ExchangeError> {
        let started = Instant::now();
        let body = self
            .request(
                EndpointClass::General,
                Method::GET,
                "/time",
                &[],
                None,
                Auth::None,
            )
            .await?;
        let elapsed = started.elapsed();
        let seconds = body.trim().parse::<i64>().map_err(|_| {
            ExchangeError::Decode(format!(
                "GET /time returned {:?}",
                body.chars().take(120).collect::<String>()
            ))
        })?;
        Ok((seconds, elapsed))
    }

    /// `GET /version`: the CLOB protocol version (2 since 2026-04-28).
    pub async fn version(&self) -> Result<u32, ExchangeError> {
        let body = self
            .request(
                EndpointClass::General,
                Method::GET,
                "/version",
                &[],
                None,
                Auth::None,
            )
            .await?;
        #[derive(serde::Deserialize)]
        struct V {
            version: u32,
        }
        Ok(self.decode::<V>("/version", &body)?.version)
    }

    /// `GET /markets`, every page (`next_cursor` until `LTE=`).
    pub async fn markets(&self) -> Result<Vec<Market>, ExchangeError> {
        self.paged(EndpointClass::General, "/markets", Vec::new(), Auth::None)
            .await
    }

    /// `GET /markets/{condition_id}`: one market (whether it still takes
    /// orders, whether it resolved and which outcome won).
    pub async fn market(&self, condition_id: &str) -> Result<Market, ExchangeError> {
        let path = format!("/markets/{condition_id}");
        let body = self.public_get(EndpointClass::General, &path, &[]).await?;
        self.decode(&path, &body)
    }

    /// `GET /book?token_id=`.
    pub async fn book(&self, token: &str) -> Result<Book, ExchangeError> {
        let body = self
            .request(
                EndpointClass::Book,
                Method::GET,
                "/book",
                &[("token_id", token.to_owned())],
                None,
                Auth::None,
            )
            .await?;
        self.decode("/book", &body)
    }

    /// `POST /books`: several books at once.
    pub async fn books(&self, tokens: &[String]) -> Result<Vec<Book>, ExchangeError> {
        let request: Vec<serde_json::Value> = tokens
            .iter()
            .map(|t| serde_json::json!({"token_id": t}))
            .collect();
        let body = serde_json::to_string(&request).expect("serializes");
        let text = self
            .request(
                EndpointClass::Books,
                Method::POST,
                "/books",
                &[],
                Some(&body),
                Auth::None,
            )
            .await?;
        self.decode("/books", &text)
    }

    async fn public_get(
        &self,
        class: EndpointClass,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<String, ExchangeError> {
        self.request(class, Method::GET, path, query, None, Auth::None)
            .await
    }

    /// `GET /price?token_id=&side=`.
    pub async fn price(
        &self,
        token: &str,
        side: crate::orders::Side,
    ) -> Result<rust_decimal::Decimal, ExchangeError> {
        let body = self
            .public_get(
                EndpointClass::Price,
                "/price",
                &[
                    ("token_id", token.to_owned()),
                    ("side", side.as_str().to_owned()),
                ],
            )
            .await?;
        self.decimal_field("/price", &body, "price")
    }

    /// `GET /midpoint?token_id=`.
    pub async fn midpoint(&self, token: &str) -> Result<rust_decimal::Decimal, ExchangeError> {
        let body = self
            .public_get(
                EndpointClass::Price,
                "/midpoint",
                &[("token_id", token.to_owned())],
            )
            .await?;
        self.decimal_field("/midpoint", &body, "mid")
    }

    /// `GET /tick-size?token_id=`.
    pub async fn tick_size(&self, token: &str) -> Result<rust_decimal::Decimal, ExchangeError> {
        let body = self
            .public_get(
                EndpointClass::Price,
                "/tick-size",
                &[("token_id", token.to_owned())],
            )
            .await?;
        self.decimal_field("/tick-size", &body, "minimum_tick_size")
    }

    /// `GET /clob-markets/{condition_id}`: the market's tokens and fee
    /// parameters.
    pub async fn market_info(
        &self,
        condition_id: &str,
    ) -> Result<crate::fees::MarketInfo, ExchangeError> {
        let path = format!("/clob-markets/{condition_id}");
        let body = self.public_get(EndpointClass::Price, &path, &[]).await?;
        self.decode(&path, &body)
    }

    /// `GET /neg-risk?token_id=`.
    pub async fn neg_risk(&self, token: &str) -> Result<bool, ExchangeError> {
        let body = self
            .public_get(
                EndpointClass::Price,
                "/neg-risk",
                &[("token_id", token.to_owned())],
            )
            .await?;
        let v: serde_json::Value = self.decode("/neg-risk", &body)?;
        v.get("neg_risk")
            .and_then(serde_json::Value::as_bool)
            .ok_or_else(|| ExchangeError::Decode(format!("/neg-risk: {body}")))
    }

    fn decimal_field(
        &self,
        what: &str,
        body: &str,
        key: &str,
    ) -> Result<rust_decimal::Decimal, ExchangeError> {
        let v: serde_json::Value = self.decode(what, body)?;
        let raw = match v.get(key) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => return Err(ExchangeError::Decode(format!("{what}: no {key} in {body}"))),
        };
        crate::market_data::event::parse_decimal(&raw)
            .ok_or_else(|| ExchangeError::Decode(format!("{what}: {raw:?}")))
    }

    /// `POST /auth/api-key` (L1): new API credentials.
    pub async fn create_api_key(&self, nonce: u64) -> Result<L2Credentials, ExchangeError> {
        let body = self
            .request(
                EndpointClass::Auth,
                Method::POST,
                "/auth/api-key",
                &[],
                None,
                Auth::L1 { nonce },
            )
            .await?;
        Ok(self.decode_credentials("/auth/api-key", &body)?.into())
    }

    /// `GET /auth/derive-api-key` (L1): the existing API credentials.
    pub async fn derive_api_key(&self, nonce: u64) -> Result<L2Credentials, ExchangeError> {
        let body = self
            .request(
                EndpointClass::Auth,
                Method::GET,
                "/auth/derive-api-key",
                &[],
                None,
                Auth::L1 { nonce },
            )
            .await?;
        Ok(self
            .decode_credentials("/auth/derive-api-key", &body)?
            .into())
    }

    /// `POST /order` with the exact body bytes (L2).
    pub async fn post_order(&self, body: &str) -> Result<PostOrderResponse, ExchangeError> {
        let text = self
            .request(
                EndpointClass::PostOrder,
                Method::POST,
                "/order",
                &[],
                Some(body),
                Auth::L2,
            )
            .await?;
        self.decode("/order", &text)
    }

    /// `POST /orders`: several signed bodies at once (L2).
    pub async fn post_orders(
        &self,
        bodies: &[String],
    ) -> Result<Vec<PostOrderResponse>, ExchangeError> {
        let body = format!("[{}]", bodies.join(","));
        let text = self
            .request(
                EndpointClass::PostOrders,
                Method::POST,
                "/orders",
                &[],
                Some(&body),
                Auth::L2,
            )
            .await?;
        self.decode("/orders", &text)
    }

    /// `DELETE /order` (L2).
    pub async fn cancel_order(&self, order_id: &str) -> Result<CancelResponse, ExchangeError> {
        let body = serde_json::json!({ "orderID": order_id }).to_string();
        let text = self
            .request(
                EndpointClass::Cancel,
                Method::DELETE,
                "/order",
                &[],
                Some(&body),
                Auth::L2,
            )
            .await?;
        self.decode("DELETE /order", &text)
    }

    /// `DELETE /orders` (L2).
    pub async fn cancel_orders(
        &self,
        order_ids: &[String],
    ) -> Result<CancelResponse, ExchangeError> {
        let body = serde_json::to_string(order_ids).expect("serializes");
        let text = self
            .request(
                EndpointClass::CancelOrders,
                Method::DELETE,
                "/orders",
                &[],
                Some(&body),
                Auth::L2,
            )
            .await?;
        self.decode("DELETE /orders", &text)
    }

    /// `POST /v1/heartbeats` (L2) with the last heartbeat's ID (none for the
    /// first); returns the ID to send next. When the exchange says the ID is
    /// not the current one, it names the current one: that one is sent at once.
    pub async fn post_heartbeat(&self, id: Option<&str>) -> Result<String, ExchangeError> {
        #[derive(serde::Deserialize)]
        struct Answer {
            heartbeat_id: Option<String>,
        }
        let mut id = id.map(str::to_owned);
        for _ in 0..2 {
            let body = serde_json::json!({ "heartbeat_id": id }).to_string();
            match self
                .request_answer(
                    EndpointClass::Heartbeat,
                    Method::POST,
                    "/v1/heartbeats",
                    &[],
                    Some(&body),
                    Auth::L2,
                )
                .await
            {
                Ok(text) => {
                    let answer: Answer = self.decode("POST /v1/heartbeats", &text)?;
                    return answer.heartbeat_id.ok_or_else(|| {
                        ExchangeError::Decode(format!(
                            "POST /v1/heartbeats answered without a heartbeat_id: {}",
                            text.chars().take(160).collect::<String>()
                        ))
                    });
                },
                Err((ExchangeError::Rejected { status: 400, .. }, text))
                    if serde_json::from_str::<Answer>(&text)
                        .ok()
                        .and_then(|a| a.heartbeat_id)
                        .is_some_and(|current| id.as_deref() != Some(current.as_str())) =>
                {
                    id = serde_json::from_str::<Answer>(&text)
                        .ok()
                        .and_then(|a| a.heartbeat_id);
                },
                Err((e, _)) => return Err(e),
            }
        }
        Err(ExchangeError::Decode(
            "POST /v1/heartbeats refused the ID it named itself".to_owned(),
        ))
    }

    /// `DELETE /cancel-all` (L2).
    pub async fn cancel_all(&self) -> Result<CancelResponse, ExchangeError> {
        let text = self
            .request(
                EndpointClass::CancelAll,
                Method::DELETE,
                "/cancel-all",
                &[],
                None,
                Auth::L2,
            )
            .await?;
        self.decode("DELETE /cancel-all", &text)
    }

    /// `GET /balance-allowance` (L2): the collateral (`token` none) or the
    /// shares of `token`, for orders signed with `signature_type`.
    pub async fn balance_allowance(
        &self,
        token: Option<&str>,
        signature_type: u8,
    ) -> Result<BalanceAllowance, ExchangeError> {
        let mut query = vec![(
            "asset_type",
            if token.is_some() {
                "CONDITIONAL".to_owned()
            } else {
                "COLLATERAL".to_owned()
            },
        )];
        if let Some(token) = token {
            query.push(("token_id", token.to_owned()));
        }
        query.push(("signature_type", signature_type.to_string()));
        let body = self
            .request(
                EndpointClass::Balance,
                Method::GET,
                "/balance-allowance",
                &query,
                None,
                Auth::L2,
            )
            .await?;
        self.decode("/balance-allowance", &body)
    }

    /// `GET /data/order/{hash}` (L2): `None` when the exchange does not know it.
    pub async fn order(&self, order_id: &str) -> Result<Option<OpenOrder>, ExchangeError> {
        let path = format!("/data/order/{order_id}");
        match self
            .request(EndpointClass::Data, Method::GET, &path, &[], None, Auth::L2)
            .await
        {
            Ok(body) if body.trim().is_empty() || body.trim() == "null" || body.trim() == "{}" => {
                Ok(None)
            },
            Ok(body) => Ok(Some(self.decode("/data/order", &body)?)),
            Err(ExchangeError::Rejected { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /data/orders` (L2), every page.
    pub async fn open_orders(&self) -> Result<Vec<OpenOrder>, ExchangeError> {
        self.paged(EndpointClass::Data, "/data/orders", Vec::new(), Auth::L2)
            .await
    }

    /// `GET /data/trades?after=` (L2), every page.
    pub async fn trades_after(&self, after_secs: i64) -> Result<Vec<Trade>, ExchangeError> {
        self.paged(
            EndpointClass::Data,
            "/data/trades",
            vec![("after", after_secs.to_string())],
            Auth::L2,
        )
        .await
    }

    /// Every page of a `next_cursor`-paged endpoint.
    async fn paged<T: serde::de::DeserializeOwned>(
        &self,
        class: EndpointClass,
        path: &str,
        query: Vec<(&str, String)>,
        auth: Auth,
    ) -> Result<Vec<T>, ExchangeError> {
        let mut cursor = FIRST_CURSOR.to_owned();
        let mut out = Vec::new();
        loop {
            let mut q = query.clone();
            q.push(("next_cursor", cursor.clone()));
            let body = self
                .request(class, Method::GET, path, &q, None, auth)
                .await?;
            let page: Page<T> = self.decode(path, &body)?;
            out.extend(page.data);
            if page.next_cursor.is_empty()
                || page.next_cursor == END_CURSOR
                || page.next_cursor == cursor
            {
                return Ok(out);
            }
            cursor = page.next_cursor;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_map_to_typed_errors() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(
            classify(
                StatusCode::TOO_MANY_REQUESTS,
                &headers,
                "{\"error\":\"Too Many Requests\"}"
            ),
            ExchangeError::RateLimited {
                retry_after: Some(Duration::from_secs(3))
            }
        );
        assert!(matches!(
            classify(
                StatusCode::from_u16(425).unwrap(),
                &HeaderMap::new(),
                "service not ready"
            ),
            ExchangeError::Restarting { .. }
        ));
        let cancel_only = classify(
            StatusCode::SERVICE_UNAVAILABLE,
            &HeaderMap::new(),
            "{\"error\":\"Trading is currently cancel-only. New orders are not accepted, but cancels are allowed.\"}",
        );
        assert!(
            matches!(
                cancel_only,
                ExchangeError::Unavailable {
                    cancel_only: true,
                    post_only: false,
                    ..
                }
            ),
            "{cancel_only:?}"
        );
        let post_only = classify(
            StatusCode::SERVICE_UNAVAILABLE,
            &HeaderMap::new(),
            "{\"error\":\"post-only mode: only post-only orders and cancels are allowed\",\"code\":\"post_only_mode\",\"retry_after_seconds\":79}",
        );
        assert_eq!(post_only.retry_after(), Some(Duration::from_secs(79)));
        assert!(matches!(
            post_only,
            ExchangeError::Unavailable {
                post_only: true,
                ..
            }
        ));
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, &HeaderMap::new(), "{\"error\":\"Invalid order payload\"}"),
            ExchangeError::Rejected { status: 400, ref message } if message == "Invalid order payload"
        ));
        assert!(matches!(
            classify(
                StatusCode::UNAUTHORIZED,
                &HeaderMap::new(),
                "{\"error\":\"Invalid API key\"}"
            ),
            ExchangeError::Unauthorized { .. }
        ));
        let e = classify(
            StatusCode::INTERNAL_SERVER_ERROR,
            &HeaderMap::new(),
            "{\"error\":\"could not insert order\"}",
        );
        assert!(
            e.outcome_unknown(),
            "a 5xx on a write leaves the outcome unknown"
        );
        assert_eq!(e.kind(), "server");
    }
}
