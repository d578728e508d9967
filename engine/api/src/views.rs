//! `ploy positions --json` and `ploy report --json`: the engine's read-only
//! views of its database, as ployctl's `daily-check` and `status` read them.
//! Money is decimal, written as strings (`"0.52"`), exactly as stored.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::trading::TradingStateChange;

/// One position with its mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionView {
    /// The outcome token.
    pub token_id: String,
    /// Net shares.
    pub size: Decimal,
    /// Average entry price of the open size.
    pub avg_price: Decimal,
    /// The last mark (the book's midpoint), when one was saved.
    pub mark: Option<Decimal>,
    /// When the mark was taken (Unix ms).
    pub mark_at_ms: Option<i64>,
    /// (mark − average price) × size, when there is a mark.
    pub unrealized_pnl: Option<Decimal>,
    /// P&L realized by reducing trades, before fees.
    pub realized_pnl: Decimal,
    /// Fees paid.
    pub fees_paid: Decimal,
    /// When the last fill was applied (Unix ms).
    pub updated_at_ms: i64,
}

/// `ploy positions --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionsAnswer {
    /// By token.
    pub positions: Vec<PositionView>,
    /// What an older database could not show.
    pub note: Option<String>,
}

/// Orders counted by what happened to them in a window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCounts {
    /// Created in the window.
    pub placed: u64,
    /// Became fully filled in the window.
    pub filled: u64,
    /// Failed in the window.
    pub failed: u64,
    /// Cancelled in the window.
    pub cancelled: u64,
    /// Open or pending now.
    pub open_now: u64,
}

/// The largest absolute position held in a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// The token.
    pub token_id: String,
    /// Its signed size then.
    pub size: Decimal,
}

/// A version start, recorded when a different version starts than last time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// Version.
    pub version: String,
    /// Git revision.
    pub git_sha: String,
    /// Build profile.
    pub profile: String,
    /// Host name.
    pub hostname: String,
    /// When (Unix ms).
    pub started_at_ms: i64,
}

/// What happened in a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityReport {
    /// Start (Unix ms, inclusive).
    pub since_ms: i64,
    /// End (Unix ms).
    pub until_ms: i64,
    /// Orders.
    pub orders: OrderCounts,
    /// Fills in the window.
    pub fills: u64,
    /// Σ price × size of those fills (USDC).
    pub volume: Decimal,
    /// Σ fees of those fills.
    pub fees: Decimal,
    /// P&L those fills realized, before fees.
    pub realized_pnl: Decimal,
    /// Realized P&L less fees.
    pub net_pnl: Decimal,
    /// The largest absolute position held in the window, if any.
    pub largest_inventory: Option<Inventory>,
    /// Kill-switch changes in the window.
    pub kill_switch_changes: Vec<TradingStateChange>,
    /// Releases started in the window.
    pub deployments: Vec<Deployment>,
    /// When the newest fill of all time happened (Unix ms), if any.
    #[serde(default)]
    pub last_fill_ms: Option<i64>,
}

/// `ploy report --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAnswer {
    /// The window's activity.
    pub report: ActivityReport,
    /// The database's size in bytes, when the database says.
    #[serde(default)]
    pub database_bytes: Option<u64>,
    /// What an older database could not show.
    pub note: Option<String>,
}
