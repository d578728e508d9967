//! Typed exchange errors: every way a call to the CLOB can fail, each with the
//! `kind` label it carries in `ploy_api_errors_total`.

use std::time::Duration;

/// Why a call to the exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    /// 429: over the endpoint's rate limit. Retry after the given time.
    #[error("rate limited by the exchange (retry after {retry_after:?})")]
    RateLimited {
        /// From `Retry-After`, when the exchange sent it.
        retry_after: Option<Duration>,
    },
    /// 425: the matching engine is restarting.
    #[error("the exchange's matching engine is restarting (425)")]
    Restarting {
        /// From `Retry-After`, when sent.
        retry_after: Option<Duration>,
    },
    /// 503: the exchange is in cancel-only or post-only mode, or down.
    #[error("the exchange is unavailable (503): {message}")]
    Unavailable {
        /// The exchange's message (e.g. "cancel-only mode").
        message: String,
        /// `retry_after_seconds`, when sent.
        retry_after: Option<Duration>,
        /// Whether the message says only cancels are accepted.
        cancel_only: bool,
        /// Whether the message says only post-only orders are accepted.
        post_only: bool,
    },
    /// 400 with the exchange's `errorMsg`: the order or request was refused.
    #[error("the exchange rejected the request: {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// The exchange's `errorMsg` / `error`.
        message: String,
    },
    /// 401/403: bad or missing credentials.
    #[error("the exchange refused our credentials ({status}): {message}")]
    Unauthorized {
        /// HTTP status.
        status: u16,
        /// The exchange's message.
        message: String,
    },
    /// No answer within the request timeout. The request may still have
    /// been processed.
    #[error("no answer from the exchange within {0:?}")]
    Timeout(Duration),
    /// Could not connect, or the connection broke.
    #[error("network error talking to the exchange: {0}")]
    Network(String),
    /// Another 5xx.
    #[error("the exchange failed ({status}): {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// Body excerpt.
        message: String,
    },
    /// The answer did not have the expected shape.
    #[error("unexpected answer from the exchange: {0}")]
    Decode(String),
}

impl ExchangeError {
    /// The `kind` label of `ploy_api_errors_total`.
    pub fn kind(&self) -> &'static str {
        match self {
            ExchangeError::RateLimited { .. } => "rate_limited",
            ExchangeError::Restarting { .. } => "restarting",
            ExchangeError::Unavailable { .. } => "unavailable",
            ExchangeError::Rejected { .. } => "rejected",
            ExchangeError::Unauthorized { .. } => "unauthorized",
            ExchangeError::Timeout(_) => "timeout",
            ExchangeError::Network(_) => "network",
            ExchangeError::Server { .. } => "server",
            ExchangeError::Decode(_) => "decode",
        }
    }

    /// Whether the outcome of a write is unknown (the request may have been
    /// applied): the caller must look the order up, never re-sign it.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            ExchangeError::Timeout(_) | ExchangeError::Network(_) | ExchangeError::Server { .. }
        )
    }

    /// How long the exchange asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ExchangeError::RateLimited { retry_after }
            | ExchangeError::Restarting { retry_after }
            | ExchangeError::Unavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether waiting and retrying the same request is safe and useful.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ExchangeError::RateLimited { .. }
                | ExchangeError::Restarting { .. }
                | ExchangeError::Unavailable { .. }
        )
    }
}
