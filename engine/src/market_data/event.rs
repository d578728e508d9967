//! Market events, parsed from the market channel's messages (`book`,
//! `price_change`, `last_trade_price`, `tick_size_change`, and
//! `market_resolved`, sent when the subscription sets
//! `custom_feature_enabled`). A message may be a JSON array (the initial dump),
//! a `price_change` may carry several levels and a `market_resolved` several
//! tokens; each becomes its own event.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::orders::{Side, TokenId};

/// One price level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    /// Price.
    pub price: Decimal,
    /// Size at that price (0 removes the level).
    pub size: Decimal,
}

/// Something that happened in a market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MarketEvent {
    /// A whole book (snapshot).
    Book {
        /// Token.
        token: TokenId,
        /// Bids.
        bids: Vec<Level>,
        /// Asks.
        asks: Vec<Level>,
        /// Exchange time (ms).
        ts_ms: i64,
    },
    /// One level changed.
    PriceChange {
        /// Token.
        token: TokenId,
        /// BUY = bid side, SELL = ask side.
        side: Side,
        /// The level.
        level: Level,
        /// Exchange time (ms).
        ts_ms: i64,
    },
    /// A trade printed.
    Trade {
        /// Token.
        token: TokenId,
        /// Price.
        price: Decimal,
        /// Size.
        size: Decimal,
        /// The taker's side.
        taker_side: Side,
        /// Exchange time (ms).
        ts_ms: i64,
    },
    /// The tick size changed.
    TickSize {
        /// Token.
        token: TokenId,
        /// New tick.
        tick: Decimal,
        /// Exchange time (ms).
        ts_ms: i64,
    },
    /// The token's market resolved: it takes no more orders (the exchange
    /// cancels what rests) and each share pays 1 if it won, 0 if not.
    Resolved {
        /// Token.
        token: TokenId,
        /// Whether this token is the winning outcome.
        winner: bool,
        /// Exchange time (ms).
        ts_ms: i64,
    },
}

impl MarketEvent {
    /// The token it concerns.
    pub fn token(&self) -> &TokenId {
        match self {
            MarketEvent::Book { token, .. }
            | MarketEvent::PriceChange { token, .. }
            | MarketEvent::Trade { token, .. }
            | MarketEvent::TickSize { token, .. }
            | MarketEvent::Resolved { token, .. } => token,
        }
    }

    /// When the exchange says it happened (ms).
    pub fn ts_ms(&self) -> i64 {
        match self {
            MarketEvent::Book { ts_ms, .. }
            | MarketEvent::PriceChange { ts_ms, .. }
            | MarketEvent::Trade { ts_ms, .. }
            | MarketEvent::TickSize { ts_ms, .. }
            | MarketEvent::Resolved { ts_ms, .. } => *ts_ms,
        }
    }
}

/// A message that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable market message: {0}")]
pub struct ParseError(pub String);

fn text<'a>(v: &'a Value, key: &str) -> Result<&'a str, ParseError> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| ParseError(format!("missing text field {key:?}")))
}

fn decimal(v: &Value, key: &str) -> Result<Decimal, ParseError> {
    let raw = match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(ParseError(format!("missing number field {key:?}"))),
    };
    parse_decimal(&raw).ok_or_else(|| ParseError(format!("{key} = {raw:?} is not a number")))
}

/// Parses "0.48", ".48" and "48" alike.
pub fn parse_decimal(raw: &str) -> Option<Decimal> {
    let raw = raw.trim();
    let fixed = if raw.starts_with('.') {
        format!("0{raw}")
    } else {
        raw.to_owned()
    };
    Decimal::from_str(&fixed).ok().map(|d| d.normalize())
}

fn millis(v: &Value) -> i64 {
    match v.get("timestamp") {
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        _ => 0,
    }
}

fn levels(v: &Value, key: &str) -> Result<Vec<Level>, ParseError> {
    let Some(items) = v.get(key).and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|l| {
            Ok(Level {
                price: decimal(l, "price")?,
                size: decimal(l, "size")?,
            })
        })
        .collect()
}

fn side(raw: &str) -> Result<Side, ParseError> {
    Side::parse(raw).ok_or_else(|| ParseError(format!("side {raw:?}")))
}

/// Parses one market-channel message into events. Unknown event types (and
/// `PONG`) give no events.
pub fn parse_message(message: &Value) -> Result<Vec<MarketEvent>, ParseError> {
    if let Some(items) = message.as_array() {
        let mut out = Vec::new();
        for item in items {
            out.extend(parse_message(item)?);
        }
        return Ok(out);
    }
    let kind = message
        .get("event_type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let ts_ms = millis(message);
    Ok(match kind {
        "book" => {
            let token: TokenId = text(message, "asset_id")?.into();
            let mut events = Vec::new();
            // A REST book (the fallback's) names the market's tick: taken
            // first, so the book is quoted on the right tick.
            if message.get("tick_size").is_some() {
                let tick = decimal(message, "tick_size")?;
                if tick > Decimal::ZERO {
                    events.push(MarketEvent::TickSize {
                        token: token.clone(),
                        tick,
                        ts_ms,
                    });
                }
            }
            events.push(MarketEvent::Book {
                token,
                bids: levels(message, "bids")?,
                asks: levels(message, "asks")?,
                ts_ms,
            });
            events
        },
        "price_change" => {
            let changes = message
                .get("price_changes")
                .and_then(Value::as_array)
                .ok_or_else(|| ParseError("price_change without price_changes".into()))?;
            changes
                .iter()
                .map(|c| {
                    Ok(MarketEvent::PriceChange {
                        token: text(c, "asset_id")?.into(),
                        side: side(text(c, "side")?)?,
                        level: Level {
                            price: decimal(c, "price")?,
                            size: decimal(c, "size")?,
                        },
                        ts_ms,
                    })
                })
                .collect::<Result<_, ParseError>>()?
        },
        "last_trade_price" => vec![MarketEvent::Trade {
            token: text(message, "asset_id")?.into(),
            price: decimal(message, "price")?,
            size: decimal(message, "size")?,
            taker_side: side(text(message, "side")?)?,
            ts_ms,
        }],
        "tick_size_change" => vec![MarketEvent::TickSize {
            token: text(message, "asset_id")?.into(),
            tick: decimal(message, "new_tick_size")?,
            ts_ms,
        }],
        "market_resolved" => {
            let winner = text(message, "winning_asset_id")?;
            let tokens = message
                .get("assets_ids")
                .and_then(Value::as_array)
                .ok_or_else(|| ParseError("market_resolved without assets_ids".into()))?;
            tokens
                .iter()
                .map(|t| {
                    let token = t
                        .as_str()
                        .ok_or_else(|| ParseError("assets_ids holds a non-string".into()))?;
                    Ok(MarketEvent::Resolved {
                        token: token.into(),
                        winner: token == winner,
                        ts_ms,
                    })
                })
                .collect::<Result<_, ParseError>>()?
        },
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!(
            "{}/tests/fixtures/polymarket/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn parses_the_documented_messages() {
        let book = parse_message(&fixture("ws_market_book.docs_example.json")).unwrap();
        match &book[..] {
            [MarketEvent::Book {
                bids, asks, ts_ms, ..
            }] => {
                assert_eq!(
                    bids[0],
                    Level {
                        price: dec!(0.48),
                        size: dec!(30)
                    },
                    "\".48\" reads as 0.48"
                );
                assert_eq!(asks.len(), 3);
                assert_eq!(*ts_ms, 123_456_789_000);
            },
            other => panic!("{other:?}"),
        }
        let change = parse_message(&fixture("ws_market_price_change.docs_example.json")).unwrap();
        assert_eq!(
            change,
            [MarketEvent::PriceChange {
                token:
                    "65818619657568813474341868652308942079804919287380422192892211131408793125422"
                        .into(),
                side: Side::Buy,
                level: Level {
                    price: dec!(0.5),
                    size: dec!(200)
                },
                ts_ms: 1_757_908_892_351,
            }]
        );
        let trade =
            parse_message(&fixture("ws_market_last_trade_price.docs_example.json")).unwrap();
        assert!(
            matches!(&trade[..], [MarketEvent::Trade { price, size, taker_side: Side::Buy, .. }] if *price == dec!(0.456) && *size == dec!(219.217767))
        );
        let tick = parse_message(&fixture("ws_market_tick_size_change.docs_example.json")).unwrap();
        assert!(matches!(&tick[..], [MarketEvent::TickSize { tick, .. }] if *tick == dec!(0.001)));
        let dump = Value::Array(vec![
            fixture("ws_market_book.docs_example.json"),
            fixture("ws_market_book.docs_example.json"),
        ]);
        assert_eq!(
            parse_message(&dump).unwrap().len(),
            2,
            "the initial dump is an array"
        );
        assert!(
            parse_message(&serde_json::json!({"event_type": "something_new"}))
                .unwrap()
                .is_empty()
        );
        assert!(parse_message(&serde_json::json!({"event_type": "book"})).is_err());
    }

    #[test]
    fn a_resolution_closes_every_token_of_the_market() {
        // The shape of rs-clob-client's `MarketResolved` (custom feature).
        let message = serde_json::json!({
            "event_type": "market_resolved", "id": "12", "question": "Q?",
            "market": "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af",
            "slug": "q", "description": "", "assets_ids": ["1", "2"],
            "outcomes": ["Yes", "No"], "winning_asset_id": "2", "winning_outcome": "No",
            "timestamp": "1757908892351",
        });
        assert_eq!(
            parse_message(&message).unwrap(),
            [
                MarketEvent::Resolved {
                    token: "1".into(),
                    winner: false,
                    ts_ms: 1_757_908_892_351
                },
                MarketEvent::Resolved {
                    token: "2".into(),
                    winner: true,
                    ts_ms: 1_757_908_892_351
                },
            ]
        );
    }
}
