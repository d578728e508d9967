//! Order vocabulary shared by the pipeline and storage: sides, typed statuses,
//! newtype IDs and the intent that travels through the order queue; plus the
//! official amount rules ([`amounts`]) and signed V2 orders ([`build`]).

pub mod amounts;
pub mod build;
pub mod refusal;

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Side {
    /// Buy outcome shares.
    Buy,
    /// Sell outcome shares.
    Sell,
}

impl Side {
    /// `BUY` / `SELL`, as the exchange writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "BUY",
            Side::Sell => "SELL",
        }
    }

    /// The value signed into an order: 0 buy, 1 sell.
    pub fn as_u8(self) -> u8 {
        match self {
            Side::Buy => 0,
            Side::Sell => 1,
        }
    }

    /// +1 for a buy, −1 for a sell.
    pub fn sign(self) -> Decimal {
        match self {
            Side::Buy => Decimal::ONE,
            Side::Sell => Decimal::NEGATIVE_ONE,
        }
    }

    /// The other side.
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }

    /// Parses `BUY`/`SELL` in any case.
    pub fn parse(text: &str) -> Option<Side> {
        match text.to_ascii_uppercase().as_str() {
            "BUY" => Some(Side::Buy),
            "SELL" => Some(Side::Sell),
            _ => None,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an order is in its life. Stored as lowercase text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    /// Persisted (with its hash) but not known to be on the exchange: the post
    /// has not happened, is in flight, or its answer was lost.
    Pending,
    /// Resting on the book (possibly partly filled).
    Open,
    /// Completely filled.
    Filled,
    /// Cancelled (possibly after partial fills).
    Cancelled,
    /// Rejected or never accepted.
    Failed,
}

impl OrderStatus {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Open => "open",
            OrderStatus::Filled => "filled",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Failed => "failed",
        }
    }

    /// Parses the stored text.
    pub fn parse(text: &str) -> Option<OrderStatus> {
        Some(match text {
            "pending" => OrderStatus::Pending,
            "open" => OrderStatus::Open,
            "filled" => OrderStatus::Filled,
            "cancelled" => OrderStatus::Cancelled,
            "failed" => OrderStatus::Failed,
            _ => return None,
        })
    }

    /// Whether nothing more can happen to the order.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            OrderStatus::Filled | OrderStatus::Cancelled | OrderStatus::Failed
        )
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The ID as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

string_id!(
    /// Our own ID for an order intent; the primary key of the `orders` table.
    ClientOrderId
);
string_id!(
    /// An outcome token (the CLOB's `asset_id` / `tokenId`, a decimal string).
    TokenId
);
string_id!(
    /// The exchange's order ID: the order's EIP-712 hash, `0x` + 64 hex digits.
    OrderHash
);
string_id!(
    /// The exchange's trade ID.
    TradeId
);

/// A limit order the strategy wants and risk approved, waiting to be executed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderIntent {
    /// Our ID for it.
    pub client_id: ClientOrderId,
    /// The outcome token.
    pub token_id: TokenId,
    /// Buy or sell.
    pub side: Side,
    /// Limit price, in (0, 1).
    pub price: Decimal,
    /// Size in shares.
    pub size: Decimal,
    /// The market's tick size when the intent was made.
    pub tick_size: Decimal,
    /// When the intent was made (Unix ms, from the engine's clock).
    pub created_ms: i64,
}
