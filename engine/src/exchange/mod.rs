//! The Polymarket CLOB: the only code in the engine that touches the network.

mod error;

use std::time::{Duration, Instant};

use url::Url;

pub use error::ExchangeError;

/// A REST client for one CLOB base URL.
#[derive(Debug, Clone)]
pub struct ClobClient {
    http: reqwest::Client,
    base: Url,
    timeout: Duration,
}

impl ClobClient {
    /// A client whose every request times out after `timeout`.
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
        })
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
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

    /// `GET /time`: the exchange's clock (Unix seconds) and the round-trip time.
    pub async fn server_time(&self) -> Result<(i64, Duration), ExchangeError> {
        let started = Instant::now();
        let response = self
            .http
            .get(self.url("/time"))
            .send()
            .await
            .map_err(|e| self.map_transport(&e))?;
        let status = response.status();
        let body = response.text().await.map_err(|e| self.map_transport(&e))?;
        let elapsed = started.elapsed();
        if !status.is_success() {
            return Err(ExchangeError::Server {
                status: status.as_u16(),
                message: body.chars().take(200).collect(),
            });
        }
        let seconds = body.trim().parse::<i64>().map_err(|_| {
            ExchangeError::Decode(format!("GET /time returned {:?}", excerpt(&body)))
        })?;
        Ok((seconds, elapsed))
    }
}

fn excerpt(body: &str) -> String {
    body.chars().take(120).collect()
}
