//! The CLOB's JSON, as it is on the wire (see tests/fixtures/polymarket).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

/// Decimals arrive as strings ("0.45"), numbers (0.5) or empty strings.
fn loose_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    match &value {
        serde_json::Value::String(s) if s.trim().is_empty() => Ok(Decimal::ZERO),
        serde_json::Value::String(s) => crate::market_data::event::parse_decimal(s)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a number"))),
        serde_json::Value::Number(n) => crate::market_data::event::parse_decimal(&n.to_string())
            .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a number"))),
        serde_json::Value::Null => Ok(Decimal::ZERO),
        other => Err(serde::de::Error::custom(format!("{other} is not a number"))),
    }
}

/// Integers that arrive as numbers or strings ("1705322096").
fn loose_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    match &value {
        serde_json::Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| serde::de::Error::custom("not an integer")),
        serde_json::Value::String(s) if s.is_empty() => Ok(0),
        serde_json::Value::String(s) => s.parse().map_err(serde::de::Error::custom),
        serde_json::Value::Null => Ok(0),
        other => Err(serde::de::Error::custom(format!(
            "{other} is not an integer"
        ))),
    }
}

/// `POST /order` (and each element of `POST /orders`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostOrderResponse {
    /// Whether the order was taken.
    #[serde(default)]
    pub success: bool,
    /// The exchange's error code (e.g. `INVALID_ORDER_DUPLICATED`).
    #[serde(default, alias = "errorMsg", alias = "error_msg")]
    pub error_msg: String,
    /// The order ID (hash).
    #[serde(default, rename = "orderID")]
    pub order_id: String,
    /// `live`, `matched`, `delayed`, `unmatched`.
    #[serde(default)]
    pub status: String,
    /// Trades created at once.
    #[serde(default, rename = "tradeIDs")]
    pub trade_ids: Vec<String>,
}

/// `GET /data/order/{id}` and each order of `GET /data/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenOrder {
    /// Order ID (hash).
    pub id: String,
    /// `LIVE`, `MATCHED`, `CANCELED`, …
    pub status: String,
    /// API key owning it.
    #[serde(default)]
    pub owner: String,
    /// Maker address.
    #[serde(default)]
    pub maker_address: String,
    /// Condition ID.
    #[serde(default)]
    pub market: String,
    /// Token.
    pub asset_id: String,
    /// "buy"/"sell" (any case).
    pub side: String,
    /// Size when placed.
    #[serde(deserialize_with = "loose_decimal")]
    pub original_size: Decimal,
    /// Filled so far.
    #[serde(deserialize_with = "loose_decimal")]
    pub size_matched: Decimal,
    /// Price.
    #[serde(deserialize_with = "loose_decimal")]
    pub price: Decimal,
    /// Trades it took part in.
    #[serde(default)]
    pub associate_trades: Option<Vec<String>>,
    /// Created (Unix seconds).
    #[serde(default, deserialize_with = "loose_i64")]
    pub created_at: i64,
}

/// One maker leg of a trade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MakerOrder {
    /// The maker's order ID.
    pub order_id: String,
    /// Shares matched.
    #[serde(deserialize_with = "loose_decimal")]
    pub matched_amount: Decimal,
    /// Price.
    #[serde(deserialize_with = "loose_decimal")]
    pub price: Decimal,
    /// Token.
    #[serde(default)]
    pub asset_id: String,
    /// Maker's side.
    #[serde(default)]
    pub side: Option<String>,
    /// Fee rate (bps).
    #[serde(default, deserialize_with = "loose_decimal")]
    pub fee_rate_bps: Decimal,
}

/// `GET /data/trades` element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trade {
    /// Trade ID.
    pub id: String,
    /// The taker's order ID.
    pub taker_order_id: String,
    /// Token.
    pub asset_id: String,
    /// The taker's side.
    pub side: String,
    /// Shares (taker's view).
    #[serde(deserialize_with = "loose_decimal")]
    pub size: Decimal,
    /// Fee rate (bps).
    #[serde(default, deserialize_with = "loose_decimal")]
    pub fee_rate_bps: Decimal,
    /// Price.
    #[serde(deserialize_with = "loose_decimal")]
    pub price: Decimal,
    /// `MATCHED`, `MINED`, `CONFIRMED`, `FAILED`, …
    pub status: String,
    /// Match time (Unix seconds).
    #[serde(default, deserialize_with = "loose_i64")]
    pub match_time: i64,
    /// Maker legs.
    #[serde(default)]
    pub maker_orders: Vec<MakerOrder>,
    /// `TAKER` or `MAKER`: our role.
    #[serde(default)]
    pub trader_side: String,
}

/// A paged answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// Items.
    pub data: Vec<T>,
    /// Next cursor (`LTE=` at the end).
    #[serde(default)]
    pub next_cursor: String,
}

/// The cursor the last page carries.
pub const END_CURSOR: &str = "LTE=";
/// The cursor of the first page.
pub const FIRST_CURSOR: &str = "MA==";

/// One level of `GET /book`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookLevel {
    /// Price.
    #[serde(deserialize_with = "loose_decimal")]
    pub price: Decimal,
    /// Size.
    #[serde(deserialize_with = "loose_decimal")]
    pub size: Decimal,
}

/// `GET /book`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Book {
    /// Condition ID.
    #[serde(default)]
    pub market: String,
    /// Token.
    pub asset_id: String,
    /// Bids.
    #[serde(default)]
    pub bids: Vec<BookLevel>,
    /// Asks.
    #[serde(default)]
    pub asks: Vec<BookLevel>,
    /// Tick size.
    #[serde(default, deserialize_with = "loose_decimal")]
    pub tick_size: Decimal,
    /// Neg-risk market.
    #[serde(default)]
    pub neg_risk: bool,
    /// Minimum order size.
    #[serde(default, deserialize_with = "loose_decimal")]
    pub min_order_size: Decimal,
    /// Exchange time (ms).
    #[serde(default, deserialize_with = "loose_i64")]
    pub timestamp: i64,
}

/// `GET /balance-allowance`: what the exchange holds for the account of one
/// asset, in base units (6 decimals for USDC and for outcome shares alike),
/// with the allowance of each exchange contract that may move it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceAllowance {
    /// Base units.
    #[serde(default, deserialize_with = "loose_decimal")]
    pub balance: Decimal,
    /// Spender address → allowance in base units (may be 2^256 − 1, so kept
    /// as text).
    #[serde(default)]
    pub allowances: BTreeMap<String, String>,
    /// A single allowance, as older answers give it.
    #[serde(default)]
    pub allowance: Option<String>,
}

impl BalanceAllowance {
    /// The balance in whole units (USDC, or shares).
    pub fn units(&self) -> Decimal {
        (self.balance / Decimal::from(1_000_000)).normalize()
    }

    /// Whether some exchange contract may move it (an allowance above 0);
    /// an answer that names no allowance at all counts as allowed.
    pub fn allowed(&self) -> bool {
        let positive = |a: &String| a.trim().chars().any(|c| c.is_ascii_digit() && c != '0');
        match (&self.allowance, self.allowances.is_empty()) {
            (_, false) => self.allowances.values().any(positive),
            (Some(one), true) => positive(one),
            (None, true) => true,
        }
    }
}

/// `DELETE /order`, `/orders`, `/cancel-all`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelResponse {
    /// Cancelled order IDs.
    #[serde(default)]
    pub canceled: Vec<String>,
    /// Order ID → why not.
    #[serde(default, alias = "notCanceled")]
    pub not_canceled: BTreeMap<String, String>,
}

/// `GET/POST /auth/...-api-key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiCreds {
    /// API key (UUID).
    #[serde(rename = "apiKey")]
    pub api_key: String,
    /// HMAC secret.
    pub secret: String,
    /// Passphrase.
    pub passphrase: String,
}

/// A token of a market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketToken {
    /// Token ID.
    pub token_id: String,
    /// Outcome name.
    #[serde(default)]
    pub outcome: String,
    /// Resolved: this outcome won (each share pays 1).
    #[serde(default)]
    pub winner: bool,
}

/// `GET /markets` element (fields the engine reads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Market {
    /// Condition ID.
    pub condition_id: String,
    /// Question.
    #[serde(default)]
    pub question: String,
    /// Accepting orders.
    #[serde(default)]
    pub accepting_orders: bool,
    /// Closed (resolved, or ended): no more trading.
    #[serde(default)]
    pub closed: bool,
    /// Tick size.
    #[serde(default, deserialize_with = "loose_decimal")]
    pub minimum_tick_size: Decimal,
    /// Neg-risk market.
    #[serde(default)]
    pub neg_risk: bool,
    /// Its tokens.
    #[serde(default)]
    pub tokens: Vec<MarketToken>,
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn fixture<T: serde::de::DeserializeOwned>(name: &str) -> T {
        let path = format!(
            "{}/tests/fixtures/polymarket/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn the_recorded_shapes_parse() {
        let live: PostOrderResponse = fixture("post_order_response_live.fixture.json");
        assert!(live.success && live.status == "live" && live.order_id.starts_with("0x23b4"));
        let matched: PostOrderResponse = fixture("post_order_response_matched.fixture.json");
        assert_eq!(matched.trade_ids, ["trade-1"]);
        let delayed: PostOrderResponse = fixture("post_order_response_delayed.docs_example.json");
        assert_eq!(delayed.status, "delayed");
        let batch: Vec<PostOrderResponse> = fixture("post_orders_batch_response.fixture.json");
        assert_eq!(batch.len(), 2);
        let order: OpenOrder = fixture("open_order.fixture.json");
        assert_eq!(
            (order.original_size, order.size_matched, order.price),
            (dec!(10), dec!(2.5), dec!(0.45))
        );
        assert_eq!(order.created_at, 1_705_322_096);
        let page: Page<OpenOrder> = fixture("open_orders_page.fixture.json");
        assert_eq!(page.next_cursor, "next");
        let trades: Page<Trade> = fixture("trades_page.fixture.json");
        assert_eq!(trades.data[0].maker_orders[1].matched_amount, dec!(7.5));
        assert_eq!(trades.data[0].match_time, 1_705_322_096);
        let book: Book = fixture("order_book.fixture.json");
        assert_eq!((book.tick_size, book.bids.len()), (dec!(0.01), 2));
        let cancel: CancelResponse = fixture("cancel_response.fixture.json");
        assert_eq!(cancel.not_canceled["1"], "the order is already canceled");
        let creds: ApiCreds = fixture("api_key_creds.fixture.json");
        assert_eq!(creds.api_key, "00000000-0000-0000-0000-000000000000");
        let markets: Page<Market> = fixture("markets_page_first.fixture.json");
        assert_eq!(markets.data[0].tokens[0].token_id, "YES_TOKEN");
        let m = &markets.data[0];
        assert!(m.accepting_orders && !m.closed && !m.tokens[0].winner);
        let last: Page<Market> = fixture("markets_page_last.fixture.json");
        assert_eq!(last.next_cursor, END_CURSOR);
    }
}
