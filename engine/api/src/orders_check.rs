//! `ploy check-orders --json`: the orders stored as pending or open for
//! longer than a threshold, each looked up on the exchange by its hash, with
//! the decision the engine's start-of-run reconciliation takes for it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What reconciliation does with a stored order, given what the exchange says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderDecision {
    /// Stored pending, live on the exchange: stored open, managed again.
    Adopt,
    /// (Partly) matched on the exchange: its fills are applied from the trades.
    Settle,
    /// Cancelled on the exchange (or gone from it): stored cancelled.
    MarkCancelled,
    /// Stored pending, unknown to the exchange: it never arrived; stored failed.
    MarkFailed,
    /// Open on both sides: nothing to do.
    Keep,
    /// The exchange could not be asked: nothing can be decided.
    Undecided,
}

impl OrderDecision {
    /// Whether reconciliation would change the stored order.
    pub fn changes_something(self) -> bool {
        matches!(
            self,
            Self::Adopt | Self::Settle | Self::MarkCancelled | Self::MarkFailed
        )
    }
}

/// One stored order and its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedOrder {
    /// Our ID.
    pub client_id: String,
    /// The exchange ID (EIP-712 hash), when it was signed.
    pub order_hash: Option<String>,
    /// Token.
    pub token_id: String,
    /// BUY / SELL.
    pub side: String,
    /// Price.
    pub price: Decimal,
    /// Size.
    pub size: Decimal,
    /// Filled, as stored.
    pub filled_size: Decimal,
    /// `pending` or `open`, as stored.
    pub stored_status: String,
    /// Since it was created (ms).
    pub age_ms: i64,
    /// What the exchange says (`LIVE`, `MATCHED`, `CANCELED`, …), `None` when
    /// it does not know the order.
    pub exchange_status: Option<String>,
    /// Matched on the exchange.
    pub exchange_matched: Option<Decimal>,
    /// What reconciliation does.
    pub decision: OrderDecision,
    /// Why, in a few words.
    pub why: String,
}

/// The whole answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersCheck {
    /// The threshold (ms): orders younger than this are left out.
    pub older_than_ms: i64,
    /// The orders, oldest first.
    pub orders: Vec<CheckedOrder>,
}

impl OrdersCheck {
    /// Orders whose decision changes something.
    pub fn to_change(&self) -> usize {
        self.orders
            .iter()
            .filter(|o| o.decision.changes_something())
            .count()
    }

    /// Orders nothing could be decided for.
    pub fn undecided(&self) -> usize {
        self.orders
            .iter()
            .filter(|o| o.decision == OrderDecision::Undecided)
            .count()
    }
}
