//! The typed configuration: one struct per `config.toml` section, each with defaults
//! that give a safe local paper-trading setup, and unknown keys rejected.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use rust_decimal::Decimal;
use serde::Deserialize;
use url::Url;

use super::secret::{DatabaseUrl, Secret};

/// Whether orders go to the exchange (`live`) or to the simulated matcher (`paper`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Simulated fills against the real book; no keys needed. The default.
    #[default]
    Paper,
    /// Real, signed orders on the Polymarket CLOB; needs the keys.
    Live,
}

impl Mode {
    /// The lowercase name used in config, logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Paper => "paper",
            Mode::Live => "live",
        }
    }
}

/// The whole `config.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `paper` (default) or `live`.
    pub mode: Mode,
    /// `[server]`: the HTTP listener and shutdown.
    pub server: ServerConfig,
    /// `[exchange]`: the Polymarket CLOB.
    pub exchange: ExchangeConfig,
    /// `[market_data]`: where prices come from.
    pub market_data: MarketDataConfig,
    /// `[database]`: storage.
    pub database: DatabaseConfig,
    /// `[risk]`: limits between strategy and execution.
    pub risk: RiskConfig,
    /// `[strategy]`: the quoting strategy.
    pub strategy: StrategyConfig,
    /// `[paper]`: the simulated exchange used in paper mode and replay.
    pub paper: PaperConfig,
    /// `[health]`: thresholds behind `/health`.
    pub health: HealthConfig,
}

/// `[server]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address for `/health` and `/metrics`. Loopback by default: nothing listens
    /// beyond the host unless configured.
    pub bind: SocketAddr,
    /// How long SIGTERM/SIGINT may take before the process exits anyway.
    #[serde(with = "duration")]
    pub shutdown_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// How an order's maker relates to its signer (Polymarket `signatureType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureType {
    /// The signing key is the maker (type 0).
    #[default]
    Eoa,
    /// A Polymarket proxy wallet (email/Magic accounts) holds funds (type 1).
    PolyProxy,
    /// A Gnosis Safe holds funds (type 2).
    PolyGnosisSafe,
}

impl SignatureType {
    /// The numeric value signed into the order.
    pub fn as_u8(self) -> u8 {
        match self {
            SignatureType::Eoa => 0,
            SignatureType::PolyProxy => 1,
            SignatureType::PolyGnosisSafe => 2,
        }
    }
}

/// `[exchange]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExchangeConfig {
    /// CLOB REST base URL.
    pub clob_url: Url,
    /// Market-data websocket URL.
    pub ws_url: Url,
    /// Chain the orders are signed for (137 Polygon, 80002 Amoy).
    pub chain_id: u64,
    /// Timeout of every request to the exchange.
    #[serde(with = "duration")]
    pub request_timeout: Duration,
    /// Live: how long one order's post may take, retries and waits included
    /// (1 s to 10 min, at least `request_timeout`). Past it the post is given
    /// up on; an order whose outcome is unknown stays pending for the sweeper.
    #[serde(with = "duration")]
    pub order_deadline: Duration,
    /// How orders are signed: `eoa`, `poly_proxy` or `poly_gnosis_safe`.
    pub signature_type: SignatureType,
    /// The wallet holding funds when `signature_type` is not `eoa` (0x address).
    pub funder: Option<String>,
    /// Polymarket's check of whether it serves this host's IP (`check-config
    /// --connect`, `ployctl daily-check`).
    pub geoblock_url: Url,
    /// Live mode: keep the exchange's dead-man's switch armed (heartbeats;
    /// without them for 10 s it cancels every order of the account). Orders
    /// are posted only while it is armed.
    pub heartbeats: bool,
    /// How often a heartbeat is sent (1 s to 8 s).
    #[serde(with = "duration")]
    pub heartbeat_interval: Duration,
    /// Live: how often the orders stored open are checked against the
    /// exchange's open orders (catches cancels made on its side). 1 s to 1 h.
    #[serde(with = "duration")]
    pub open_orders_check: Duration,
    /// Live, optional second line behind the dead-man's switch: quotes are
    /// GTD and expire this long after they are placed (90 s to 1 h); the
    /// open-orders check notices an expired quote and quotes again. Unset:
    /// GTC.
    #[serde(default, with = "opt_duration")]
    pub quote_ttl: Option<Duration>,
}

impl Default for ExchangeConfig {
    fn default() -> Self {
        Self {
            clob_url: Url::parse("https://clob.polymarket.com").expect("static URL"),
            ws_url: Url::parse("wss://ws-subscriptions-clob.polymarket.com/ws/market")
                .expect("static URL"),
            chain_id: 137,
            request_timeout: Duration::from_secs(10),
            order_deadline: Duration::from_secs(30),
            signature_type: SignatureType::Eoa,
            funder: None,
            geoblock_url: Url::parse("https://polymarket.com/api/geoblock").expect("static URL"),
            heartbeats: true,
            heartbeat_interval: Duration::from_secs(5),
            open_orders_check: Duration::from_secs(30),
            quote_ttl: None,
        }
    }
}

/// Where the engine gets its market data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MarketDataSource {
    /// The exchange: websocket with REST fallback. `/health` probes `GET /time`.
    #[default]
    Exchange,
    /// A recorded session (`ploy record`), replayed in a loop; fully offline.
    Recording,
}

/// `[market_data]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarketDataConfig {
    /// `exchange` (default) or `recording`.
    pub source: MarketDataSource,
    /// The JSONL recording used when `source = "recording"`.
    pub recording: Option<PathBuf>,
    /// Pace of a replayed recording: 1.0 is real time, 0 is as fast as possible.
    pub recording_speed: f64,
    /// A bad line of the recording stops `ploy run` instead of being skipped
    /// (with a counted warning).
    pub recording_strict: bool,
    /// How often REST polling runs while the websocket is down.
    #[serde(with = "duration")]
    pub poll_interval: Duration,
    /// A websocket that sends nothing (no message, no PONG) this long is
    /// dropped and reconnected (REST polling meanwhile, from the moment it
    /// drops). PING goes out every third of it (at most 10 s, as Polymarket
    /// asks), so at the default a silent socket is known in 10 to 15 s.
    /// 3 s to 5 min.
    #[serde(with = "duration")]
    pub max_silence: Duration,
    /// Live quotes on a token whose last market event is older than this are
    /// cancelled, and none is placed until fresh data arrives; `/health`'s
    /// `market_data` check is down past it. 1 s to 1 h.
    #[serde(with = "duration")]
    pub max_staleness: Duration,
}

impl Default for MarketDataConfig {
    fn default() -> Self {
        Self {
            source: MarketDataSource::Exchange,
            recording: None,
            recording_speed: 1.0,
            recording_strict: false,
            poll_interval: Duration::from_secs(2),
            max_silence: Duration::from_secs(15),
            max_staleness: Duration::from_secs(60),
        }
    }
}

/// `[database]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// Default database URL; `DATABASE_URL` wins. Must not hold a password.
    pub url: Option<String>,
    /// Pool size.
    pub max_connections: u32,
    /// How long to wait for a connection.
    #[serde(with = "duration")]
    pub connect_timeout: Duration,
    /// Apply pending migrations when `ploy run` starts.
    pub auto_migrate: bool,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 5,
            connect_timeout: Duration::from_secs(5),
            auto_migrate: true,
        }
    }
}

pub use ploy_api::TradingState;

/// `[risk]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RiskConfig {
    /// Largest absolute position per token, in shares.
    pub max_position_per_market: Decimal,
    /// Largest notional (price × size, USDC) resting or held per token.
    pub max_notional_per_market: Decimal,
    /// Largest number of open orders across all markets.
    pub max_open_orders: u32,
    /// Largest number of new orders per rolling minute.
    pub max_orders_per_minute: u32,
    /// Initial state of the kill switch.
    pub trading_state: TradingState,
    /// Live: how often the balances are read (`GET /balance-allowance`),
    /// besides at the start, after each fill and after a funds refusal.
    #[serde(with = "duration")]
    pub balance_refresh: Duration,
    /// The day's loss (USDC, realized and marked to the others' midpoint,
    /// fees included, since 00:00 UTC) past which trading halts; unset: none.
    pub max_daily_loss: Option<Decimal>,
    /// The fall (USDC) from the day's best P&L past which trading halts;
    /// unset: none.
    pub max_drawdown: Option<Decimal>,
}

impl Default for RiskConfig {
    fn default() -> Self {
        Self {
            max_position_per_market: Decimal::from(100),
            max_notional_per_market: Decimal::from(50),
            max_open_orders: 10,
            max_orders_per_minute: 60,
            trading_state: TradingState::Active,
            balance_refresh: Duration::from_secs(30),
            max_daily_loss: None,
            max_drawdown: None,
        }
    }
}

/// `[strategy]`: quoting around the midpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StrategyConfig {
    /// Token IDs to quote. Empty: quote every token the market data carries.
    pub markets: Vec<String>,
    /// Distance from the midpoint to each quote, in price units.
    pub half_spread: Decimal,
    /// Size of each quote, in shares.
    pub order_size: Decimal,
    /// How far quotes lean against inventory: the price shift, in price units,
    /// at a full `max_position_per_market` position.
    pub inventory_skew: Decimal,
    /// Requote only when the desired price moves at least this many ticks.
    pub requote_ticks: u32,
    /// `fixed` (`half_spread` always) or `bandit` (a trained model picks
    /// each token's half-spread; needs the `rl` feature).
    pub policy: Policy,
    /// The trained model (`ploy rl train --out`), for `policy = "bandit"`.
    pub policy_model: Option<PathBuf>,
    /// The widest half-spread, in ticks, a model may choose.
    pub policy_max_ticks: u32,
}

/// How quotes are spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// `strategy.half_spread`, always.
    #[default]
    Fixed,
    /// A trained contextual bandit's choice per token and decision window.
    Bandit,
}

impl Default for StrategyConfig {
    fn default() -> Self {
        Self {
            markets: Vec::new(),
            half_spread: Decimal::new(2, 2),
            order_size: Decimal::from(5),
            inventory_skew: Decimal::new(1, 2),
            requote_ticks: 1,
            policy: Policy::Fixed,
            policy_model: None,
            policy_max_ticks: 10,
        }
    }
}

/// `[paper]`: the simulated exchange.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaperConfig {
    /// The fee rate `r` of Polymarket's model: a fill of `shares` at `p`
    /// costs `shares × r × (p(1−p))^e` (0 to 1).
    pub fee_rate: Decimal,
    /// The exponent `e` (a whole number, 0 to 8).
    pub fee_exponent: u32,
    /// Only takers pay (the paper engine's resting quotes are makers).
    pub fee_taker_only: bool,
    /// Event time from sending an order to its resting on the simulated
    /// book (and our knowing it): 0 to 10 s.
    #[serde(with = "duration")]
    pub post_latency: Duration,
    /// Event time from sending a cancel to its taking effect: 0 to 10 s.
    /// Until then the order can still fill.
    #[serde(with = "duration")]
    pub cancel_latency: Duration,
    /// The simulated account's collateral (USDC) at the start: bids beyond
    /// what is free are refused, as the exchange refuses them.
    pub collateral: Decimal,
}

impl PaperConfig {
    /// The fee model these settings describe.
    pub fn fee_model(&self) -> crate::fees::FeeModel {
        crate::fees::FeeModel {
            rate: self.fee_rate,
            exponent: self.fee_exponent,
            taker_only: self.fee_taker_only,
        }
    }
}

impl Default for PaperConfig {
    fn default() -> Self {
        Self {
            fee_rate: Decimal::ZERO,
            fee_exponent: 2,
            fee_taker_only: true,
            post_latency: Duration::from_millis(100),
            cancel_latency: Duration::from_millis(100),
            collateral: Decimal::from(1000),
        }
    }
}

/// `[health]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthConfig {
    /// The order queue is `down` at or above this depth.
    pub max_queue_depth: usize,
    /// How long one exchange probe result is reused.
    #[serde(with = "duration")]
    pub api_cache: Duration,
    /// Timeout of each individual check.
    #[serde(with = "duration")]
    pub check_timeout: Duration,
}

impl Default for HealthConfig {
    fn default() -> Self {
        Self {
            max_queue_depth: 100,
            api_cache: Duration::from_secs(5),
            check_timeout: Duration::from_secs(2),
        }
    }
}

/// The secrets, read only from the environment (or `.env`). Each prints as
/// `[redacted]`.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// `POLYMARKET_PRIVATE_KEY`: the signing key (hex, 32 bytes).
    pub private_key: Option<Secret>,
    /// `POLYMARKET_API_KEY`: L2 API key (UUID).
    pub api_key: Option<Secret>,
    /// `POLYMARKET_SECRET`: L2 HMAC secret (URL-safe base64).
    pub api_secret: Option<Secret>,
    /// `POLYMARKET_PASSPHRASE`: L2 passphrase.
    pub passphrase: Option<Secret>,
    /// `DATABASE_URL`.
    pub database_url: Option<DatabaseUrl>,
}

impl Secrets {
    /// Every secret value that is set (and a database password on its own), for
    /// scrubbing text before it is shown.
    pub fn values(&self) -> Vec<String> {
        let mut out: Vec<String> = [
            &self.private_key,
            &self.api_key,
            &self.api_secret,
            &self.passphrase,
        ]
        .into_iter()
        .flatten()
        .map(|s| s.expose().to_owned())
        .collect();
        if let Some(url) = &self.database_url {
            out.push(url.expose().to_owned());
            if let Some(password) = url::Url::parse(url.expose())
                .ok()
                .and_then(|u| u.password().map(str::to_owned))
            {
                out.push(password);
            }
        }
        out.retain(|s| s.len() >= 4);
        out
    }
}

/// `serde(with = "opt_duration")`: an optional duration, as [`duration`].
pub(crate) mod opt_duration {
    use std::time::Duration;

    use serde::Deserializer;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        super::duration::deserialize(d).map(Some)
    }
}

/// `serde(with = "duration")`: durations written as `"10s"`, `"250ms"`, `"2m"`.
pub(crate) mod duration {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer};

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text)
            .map_err(|e| serde::de::Error::custom(format!("invalid duration {text:?}: {e}")))
    }
}
