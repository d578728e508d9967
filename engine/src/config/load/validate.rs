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
    for r in crate::config::ranges::ranged(config) {
        if !r.bound.admits(r.value) {
            let keys: Vec<&str> = r.key.split('.').collect();
            problem(
                &keys,
                format!(
                    "{} is out of range ({})",
                    r.value.show(),
                    r.bound.describe()
                ),
                r.hint,
            );
        }
    }
    if ex.order_deadline < ex.request_timeout {
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
    let st = &config.strategy;
    for (i, market) in st.markets.iter().enumerate() {
        if market.is_empty() || !market.chars().all(|c| c.is_ascii_digit()) {
            problems_push_market(problems, locator, table, i, market);
        }
    }

    check_policy(config, locator, table, problems);

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

/// `strategy.policy = "bandit"`: this build has the `rl` feature, and the
/// model is named, readable, and one this release runs.
fn check_policy(
    config: &Config,
    locator: &Locator<'_>,
    table: &DeTable<'_>,
    problems: &mut Vec<Problem>,
) {
    let st = &config.strategy;
    if st.policy != crate::config::Policy::Bandit {
        return;
    }
    let at = |key: &str| locator.origin_of(table, &["strategy", key]);
    if !cfg!(feature = "rl") {
        problems.push(
            Problem::new(at("policy"), "policy = \"bandit\" needs the `rl` feature, and this ploy was built without it")
                .key("strategy.policy")
                .hint("build with `cargo build --release -p ploy --features rl`, or set policy = \"fixed\""),
        );
        return;
    }
    let Some(path) = &st.policy_model else {
        problems.push(
            Problem::new(at("policy"), "policy = \"bandit\" needs strategy.policy_model")
                .key("strategy.policy_model")
                .hint("set policy_model = \"/opt/ploy/config/model.json\" (`ploy rl train --out` writes one)"),
        );
        return;
    };
    #[cfg(feature = "rl")]
    if let Err(e) = crate::rl::model::BanditModel::load(path) {
        problems.push(
            Problem::new(at("policy_model"), e.to_string())
                .key("strategy.policy_model")
                .hint("train a model with `ploy rl train --recordings DIR --out FILE`, then point policy_model at it"),
        );
    }
    #[cfg(not(feature = "rl"))]
    let _ = path;
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
