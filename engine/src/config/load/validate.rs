//! The semantic checks that come after deserialization: the database URL,
//! URLs, ranges, live-mode needs and secret formats, each located by key.

use toml::de::DeTable;

use crate::config::env::Env;
use crate::config::problem::{Origin, Problem};
use crate::config::secret::DatabaseUrl;
use crate::config::types::{Config, MarketDataSource, Mode, Secrets, SignatureType};
use crate::config::DEFAULT_DATABASE_URL;

use super::tree::*;

pub(super) fn resolve_database_url(
    config: Option<&Config>,
    secrets: &Secrets,
    table: &DeTable<'_>,
    locator: &Locator<'_>,
    problems: &mut Vec<Problem>,
) -> DatabaseUrl {
    let from_file = config.and_then(|c| c.database.url.clone());
    if let Some(url) = &from_file {
        let url = DatabaseUrl::new(url.clone());
        if url.has_password() {
            problems.push(
                Problem::new(
                    locator.origin_of(table, &["database", "url"]),
                    "the database URL holds a password",
                )
                .key("database.url")
                .hint("move the URL to the DATABASE_URL environment variable (or .env) and delete this key"),
            );
        }
    }
    let (url, origin) = match (&secrets.database_url, from_file) {
        (Some(url), _) => (url.clone(), Origin::Env("DATABASE_URL".to_owned())),
        (None, Some(url)) => (
            DatabaseUrl::new(url),
            locator.origin_of(table, &["database", "url"]),
        ),
        (None, None) => (DatabaseUrl::new(DEFAULT_DATABASE_URL), Origin::Nowhere),
    };
    if !url.is_sqlite() && !url.is_postgres() {
        problems.push(
            Problem::new(
                origin,
                format!("unsupported database URL {}", url.redacted()),
            )
            .key("database.url")
            .hint("use postgres://user@host:5432/db (production) or sqlite://path/to/ploy.db"),
        );
    }
    url
}

pub(super) fn check_semantics(
    config: &Config,
    secrets: &Secrets,
    env: &Env,
    table: &DeTable<'_>,
    locator: &Locator<'_>,
    problems: &mut Vec<Problem>,
) {
    let mut problem = |keys: &[&str], message: String, hint: &str| {
        problems.push(
            Problem::new(locator.origin_of(table, keys), message)
                .key(keys.join("."))
                .hint(hint),
        );
    };

    let ex = &config.exchange;
    if !matches!(ex.clob_url.scheme(), "http" | "https") {
        problem(
            &["exchange", "clob_url"],
            format!(
                "expected an http(s) URL, got scheme {:?}",
                ex.clob_url.scheme()
            ),
            "write e.g. \"https://clob.polymarket.com\"",
        );
    }
    if !matches!(ex.ws_url.scheme(), "ws" | "wss") {
        problem(
            &["exchange", "ws_url"],
            format!("expected a ws(s) URL, got scheme {:?}", ex.ws_url.scheme()),
            "write e.g. \"wss://ws-subscriptions-clob.polymarket.com/ws/market\"",
        );
    }
    if !matches!(ex.chain_id, 137 | 80002) {
        problem(
            &["exchange", "chain_id"],
            format!("no Polymarket exchange is known on chain {}", ex.chain_id),
            "use 137 (Polygon) or 80002 (Amoy testnet)",
        );
    }
    if ex.request_timeout.is_zero() {
        problem(
            &["exchange", "request_timeout"],
            "must be above zero".into(),
            "write e.g. \"10s\"",
        );
    }
    if ex.order_deadline < std::time::Duration::from_secs(1)
        || ex.order_deadline > std::time::Duration::from_secs(600)
    {
        problem(
            &["exchange", "order_deadline"],
            format!(
                "{} is out of range (1s to 10m)",
                humantime::format_duration(ex.order_deadline)
            ),
            "write e.g. \"30s\"",
        );
    } else if ex.order_deadline < ex.request_timeout {
        problem(
            &["exchange", "order_deadline"],
            format!(
                "{} is shorter than exchange.request_timeout ({}): a slow answer would always be given up on",
                humantime::format_duration(ex.order_deadline),
                humantime::format_duration(ex.request_timeout)
            ),
            "make order_deadline at least request_timeout, e.g. three times it",
        );
    }
    if ex.heartbeat_interval < std::time::Duration::from_secs(1)
        || ex.heartbeat_interval > std::time::Duration::from_secs(8)
    {
        problem(
            &["exchange", "heartbeat_interval"],
            format!(
                "{} is out of range: the exchange cancels every order when no heartbeat arrives for 10 s",
                humantime::format_duration(ex.heartbeat_interval)
            ),
            "write 1s to 8s, e.g. \"5s\"",
        );
    }
    if let Some(ttl) = ex.quote_ttl {
        if ttl < std::time::Duration::from_secs(90) || ttl > std::time::Duration::from_secs(3600) {
            problem(
                &["exchange", "quote_ttl"],
                format!(
                    "{} is out of range (90s to 1h: the exchange refuses an expiration less than a minute ahead)",
                    humantime::format_duration(ttl)
                ),
                "write e.g. \"5m\", or remove it for GTC quotes",
            );
        }
    }
    if ex.open_orders_check < std::time::Duration::from_secs(1)
        || ex.open_orders_check > std::time::Duration::from_secs(3600)
    {
        problem(
            &["exchange", "open_orders_check"],
            format!(
                "{} is out of range (1s to 1h)",
                humantime::format_duration(ex.open_orders_check)
            ),
            "write e.g. \"30s\"",
        );
    }
    match (ex.signature_type, &ex.funder) {
        (SignatureType::Eoa, Some(_)) => problem(
            &["exchange", "funder"],
            "a funder is only used with signature_type poly_proxy or poly_gnosis_safe".into(),
            "remove funder, or set signature_type to the wallet kind that holds the funds",
        ),
        (SignatureType::PolyProxy | SignatureType::PolyGnosisSafe, None)
            if config.mode == Mode::Live =>
        {
            problem(
                &["exchange", "signature_type"],
                "this signature type needs exchange.funder (the wallet that holds the funds)"
                    .into(),
                "set exchange.funder = \"0x…\" to your Polymarket proxy or Safe address",
            );
        },
        (_, Some(funder)) if !is_address(funder) => problem(
            &["exchange", "funder"],
            format!("{funder:?} is not a 0x-prefixed 20-byte hex address"),
            "copy the address from your Polymarket profile",
        ),
        _ => {},
    }

    let md = &config.market_data;
    if md.source == MarketDataSource::Recording {
        match &md.recording {
            None => problem(
                &["market_data", "source"],
                "source = \"recording\" needs market_data.recording (a .jsonl file)".into(),
                "set market_data.recording = \"path/to/session.jsonl\"",
            ),
            Some(path) if !path.is_file() => problem(
                &["market_data", "recording"],
                format!("recording {} does not exist", path.display()),
                "record one with `ploy record`, or use the shipped engine/recordings/*.jsonl",
            ),
            Some(_) => {},
        }
        if config.mode == Mode::Live {
            problem(
                &["market_data", "source"],
                "live trading cannot run on a recording".into(),
                "use source = \"exchange\" in live mode, or mode = \"paper\"",
            );
        }
    }
    if !(md.recording_speed >= 0.0 && md.recording_speed.is_finite()) {
        problem(
            &["market_data", "recording_speed"],
            "must be 0 (as fast as possible) or a positive factor".into(),
            "write e.g. 1.0 for real time",
        );
    }
    let paper = &config.paper;
    if paper.fee_rate < rust_decimal::Decimal::ZERO || paper.fee_rate > rust_decimal::Decimal::ONE {
        problem(
            &["paper", "fee_rate"],
            format!("{} is not between 0 and 1", paper.fee_rate),
            "write e.g. \"0.02\"",
        );
    }
    if paper.fee_exponent > 8 {
        problem(
            &["paper", "fee_exponent"],
            format!("{} is above 8", paper.fee_exponent),
            "write e.g. 2",
        );
    }
    let secs = std::time::Duration::from_secs;
    for (key, value) in [
        ("post_latency", paper.post_latency),
        ("cancel_latency", paper.cancel_latency),
    ] {
        if value > secs(10) {
            problem(
                &["paper", key],
                format!(
                    "{} is out of range (0s to 10s)",
                    humantime::format_duration(value)
                ),
                "write e.g. \"100ms\" (live, ploy_order_latency_ms shows yours)",
            );
        }
    }
    for (key, value, low, high) in [
        ("max_silence", md.max_silence, secs(3), secs(300)),
        ("max_staleness", md.max_staleness, secs(1), secs(3600)),
    ] {
        if value < low || value > high {
            problem(
                &["market_data", key],
                format!(
                    "{} is out of range ({} to {})",
                    humantime::format_duration(value),
                    humantime::format_duration(low),
                    humantime::format_duration(high)
                ),
                "write e.g. \"30s\"",
            );
        }
    }

    let db = &config.database;
    if db.max_connections == 0 {
        problem(
            &["database", "max_connections"],
            "must be at least 1".into(),
            "write e.g. 5",
        );
    }

    let risk = &config.risk;
    for (key, value) in [
        ("max_position_per_market", risk.max_position_per_market),
        ("max_notional_per_market", risk.max_notional_per_market),
    ] {
        if value <= rust_decimal::Decimal::ZERO {
            problem(
                &["risk", key],
                format!("must be above zero, got {value}"),
                "write a positive number",
            );
        }
    }
    if risk.max_orders_per_minute == 0 {
        problem(
            &["risk", "max_orders_per_minute"],
            "must be at least 1".into(),
            "to stop trading, set risk.trading_state = \"halted\" instead",
        );
    }

    let st = &config.strategy;
    let half = rust_decimal::Decimal::new(5, 1);
    if st.half_spread <= rust_decimal::Decimal::ZERO || st.half_spread >= half {
        problem(
            &["strategy", "half_spread"],
            format!(
                "must be between 0 and 0.5 (exclusive), got {}",
                st.half_spread
            ),
            "write e.g. \"0.02\" for quotes two cents either side of the midpoint",
        );
    }
    if st.order_size <= rust_decimal::Decimal::ZERO {
        problem(
            &["strategy", "order_size"],
            format!("must be above zero, got {}", st.order_size),
            "write e.g. \"5\"",
        );
    }
    if st.inventory_skew < rust_decimal::Decimal::ZERO {
        problem(
            &["strategy", "inventory_skew"],
            "must not be negative".into(),
            "write 0 to disable skew",
        );
    }
    for (i, market) in st.markets.iter().enumerate() {
        if market.is_empty() || !market.chars().all(|c| c.is_ascii_digit()) {
            problems_push_market(problems, locator, table, i, market);
        }
    }

    let health = &config.health;
    if health.max_queue_depth == 0 {
        problems.push(
            Problem::new(
                locator.origin_of(table, &["health", "max_queue_depth"]),
                "must be at least 1",
            )
            .key("health.max_queue_depth")
            .hint("write e.g. 100"),
        );
    }
    if health.check_timeout.is_zero() {
        problems.push(
            Problem::new(
                locator.origin_of(table, &["health", "check_timeout"]),
                "must be above zero",
            )
            .key("health.check_timeout")
            .hint("write e.g. \"2s\""),
        );
    }
    if config.server.shutdown_timeout.is_zero() {
        problems.push(
            Problem::new(
                locator.origin_of(table, &["server", "shutdown_timeout"]),
                "must be above zero",
            )
            .key("server.shutdown_timeout")
            .hint("write e.g. \"10s\""),
        );
    }

    if config.mode == Mode::Live && config.strategy.markets.is_empty() {
        problems.push(
            Problem::new(locator.origin_of(table, &["strategy", "markets"]), "live trading needs the token IDs to quote")
                .key("strategy.markets")
                .hint("set strategy.markets = [\"<token id>\", …] (the clobTokenIds of the outcomes to quote)"),
        );
    }
    if config.mode == Mode::Live {
        if secrets.private_key.is_none() {
            problems.push(
                Problem::new(env.origin("POLYMARKET_PRIVATE_KEY"), "live mode needs the signing key, and it is not set")
                    .key("mode")
                    .hint("export POLYMARKET_PRIVATE_KEY (or put it in .env), or run with mode = \"paper\""),
            );
        }
        let l2 = [
            ("POLYMARKET_API_KEY", secrets.api_key.is_some()),
            ("POLYMARKET_SECRET", secrets.api_secret.is_some()),
            ("POLYMARKET_PASSPHRASE", secrets.passphrase.is_some()),
        ];
        let set = l2.iter().filter(|(_, s)| *s).count();
        if set != 0 && set != 3 {
            let missing: Vec<&str> = l2.iter().filter(|(_, s)| !s).map(|(n, _)| *n).collect();
            problems.push(
                Problem::new(Origin::Env(missing.join(", ")), "API credentials are partly set")
                    .hint("set all three of POLYMARKET_API_KEY, POLYMARKET_SECRET and POLYMARKET_PASSPHRASE, or none (they are then derived from the private key)"),
            );
        }
    }
}

pub(super) fn problems_push_market(
    problems: &mut Vec<Problem>,
    locator: &Locator<'_>,
    table: &DeTable<'_>,
    index: usize,
    market: &str,
) {
    problems.push(
        Problem::new(
            locator.origin_of(table, &["strategy", "markets"]),
            format!("markets[{index}] = {market:?} is not a token ID (a decimal number)"),
        )
        .key("strategy.markets")
        .hint("copy the clobTokenIds of the outcome you want to quote, as strings"),
    );
}

/// Checks that secrets which are set look right, without ever echoing them.
pub(super) fn check_secret_formats(
    secrets: &Secrets,
    env: &Env,
    mode: Option<Mode>,
    problems: &mut Vec<Problem>,
) {
    if let Some(key) = &secrets.private_key {
        let hex = key.expose().trim().trim_start_matches("0x");
        if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            problems.push(
                Problem::new(
                    env.origin("POLYMARKET_PRIVATE_KEY"),
                    format!(
                        "not a private key: expected 64 hex digits (optionally 0x-prefixed), got {} characters",
                        key.expose().trim().len()
                    ),
                )
                .hint("export the raw hex key of the signing wallet"),
            );
        }
    }
    if let Some(secret) = &secrets.api_secret {
        let ok = secret
            .expose()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '=' | '+' | '/'));
        if !ok && mode == Some(Mode::Live) {
            problems.push(
                Problem::new(env.origin("POLYMARKET_SECRET"), "not URL-safe base64")
                    .hint("copy the secret exactly as returned by create/derive API key"),
            );
        }
    }
}

pub(super) fn is_address(text: &str) -> bool {
    let hex = text.strip_prefix("0x").unwrap_or("");
    hex.len() == 40 && hex.chars().all(|c| c.is_ascii_hexdigit())
}
