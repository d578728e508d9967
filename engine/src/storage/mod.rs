//! Storage: orders, fills, positions, deployments and the kill switch's last
//! setting behind one [`Store`] trait,
//! with a PostgreSQL backend (production) and an SQLite backend (the embedded
//! default, `sqlite://data/ploy.db`). Both embed their migrations.
//!
//! Queries are written out per backend (prices are NUMERIC in PostgreSQL and
//! exact decimal TEXT in SQLite); the shared test suite runs against both.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use std::sync::Arc;

use std::collections::BTreeMap;

use async_trait::async_trait;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::config::{DatabaseConfig, DatabaseUrl, TradingState};
use crate::orders::{ClientOrderId, OrderHash, OrderStatus, Side, TokenId, TradeId};
use crate::portfolio::Position;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// A storage failure. Messages carry the redacted URL, never a password.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// Could not open or reach the database.
    #[error("cannot connect to the database at {url}: {source}")]
    Connect {
        /// Redacted URL.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
    /// A row held something this version cannot read.
    #[error("unreadable value in {table}.{column}: {detail}")]
    Corrupt {
        /// Table.
        table: &'static str,
        /// Column.
        column: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// A fill named an order that is not in the database.
    #[error("fill {trade_id} refers to unknown order {client_id}")]
    UnknownOrder {
        /// The trade.
        trade_id: String,
        /// The order it named.
        client_id: String,
    },
}

/// One order as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderRecord {
    /// Our ID (primary key).
    pub client_id: ClientOrderId,
    /// The exchange order hash, known once the order is signed.
    pub order_hash: Option<OrderHash>,
    /// Token.
    pub token_id: TokenId,
    /// Side.
    pub side: Side,
    /// Limit price.
    pub price: Decimal,
    /// Size in shares.
    pub size: Decimal,
    /// Shares filled so far.
    pub filled_size: Decimal,
    /// Status.
    pub status: OrderStatus,
    /// `paper` or `live`.
    pub mode: String,
    /// The exact JSON body posted (live) or simulated (paper).
    pub signed_order: Option<String>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// Created (Unix ms).
    pub created_at_ms: i64,
    /// Last changed (Unix ms).
    pub updated_at_ms: i64,
}

impl OrderRecord {
    /// A new order as stored before it leaves the engine: `pending`, nothing
    /// filled, with its exchange ID and (live) the exact body that is posted.
    pub fn pending(
        intent: &crate::orders::OrderIntent,
        hash: OrderHash,
        mode: &str,
        signed_order: Option<String>,
        now_ms: i64,
    ) -> Self {
        Self {
            client_id: intent.client_id.clone(),
            order_hash: Some(hash),
            token_id: intent.token_id.clone(),
            side: intent.side,
            price: intent.price,
            size: intent.size,
            filled_size: Decimal::ZERO,
            status: OrderStatus::Pending,
            mode: mode.to_owned(),
            signed_order,
            error: None,
            created_at_ms: now_ms,
            updated_at_ms: now_ms,
        }
    }
}

/// A change of an order's status (and optionally its hash or error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderUpdate {
    /// Which order.
    pub client_id: ClientOrderId,
    /// New status.
    pub status: OrderStatus,
    /// New hash, if it changed.
    pub order_hash: Option<OrderHash>,
    /// Why, when failing.
    pub error: Option<String>,
    /// When (Unix ms).
    pub at_ms: i64,
}

/// One fill of one of our orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fill {
    /// The exchange trade.
    pub trade_id: TradeId,
    /// Our order that filled.
    pub client_id: ClientOrderId,
    /// Token.
    pub token_id: TokenId,
    /// Our side.
    pub side: Side,
    /// Price.
    pub price: Decimal,
    /// Shares.
    pub size: Decimal,
    /// Fee paid (USDC).
    pub fee: Decimal,
    /// When (Unix ms).
    pub ts_ms: i64,
}

/// What [`Store::apply_fill`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FillOutcome {
    /// New fill: order and position updated. Carries the order's new status.
    Applied(OrderStatus),
    /// Already recorded; nothing changed.
    Duplicate,
}

pub use ploy_api::views::Deployment;
pub use ploy_api::TradingStateChange;

/// The last mark of a token: its book's midpoint when last written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mark {
    /// The token.
    pub token_id: TokenId,
    /// The midpoint.
    pub price: Decimal,
    /// When (Unix ms, market time).
    pub ts_ms: i64,
}

/// One UTC day's P&L accounting, as saved (`risk_days`): enough to go on
/// with the day after a restart (`trading::day_pnl::DayBook::resume`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskDay {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    /// When the day's accounting began (Unix ms).
    pub baseline_ms: i64,
    /// Each position's mark then.
    pub marks: BTreeMap<TokenId, Decimal>,
    /// The day's best P&L.
    pub peak: Decimal,
    /// The P&L losses are measured from.
    pub reference: Decimal,
    /// The limit that halted trading, while that halt stands.
    pub breached: Option<String>,
    /// When this was saved (Unix ms).
    pub updated_at_ms: i64,
}

/// Everything the engine keeps. Implemented by [`PostgresStore`] and [`SqliteStore`].
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Which backend this is.
    fn backend(&self) -> Backend;
    /// `SELECT 1`.
    async fn ping(&self) -> Result<(), StorageError>;
    /// Applies pending migrations; returns how many ran.
    async fn migrate(&self) -> Result<usize, StorageError>;
    /// Closes the pool, waiting for connections to be returned.
    async fn close(&self);

    /// Records a start if version or git revision differ from the last one;
    /// returns whether a row was added.
    async fn record_start(&self, deployment: &Deployment) -> Result<bool, StorageError>;
    /// Rows in `deployments`.
    async fn deployment_count(&self) -> Result<u64, StorageError>;
    /// The newest deployment row.
    async fn latest_deployment(&self) -> Result<Option<Deployment>, StorageError>;

    /// Inserts a new order (status usually `pending`).
    async fn insert_order(&self, order: &OrderRecord) -> Result<(), StorageError>;
    /// Changes an order's status; `false` if no such order.
    async fn update_order(&self, update: &OrderUpdate) -> Result<bool, StorageError>;
    /// One order by our ID.
    async fn order(&self, id: &ClientOrderId) -> Result<Option<OrderRecord>, StorageError>;
    /// One order by exchange hash.
    async fn order_by_hash(&self, hash: &OrderHash) -> Result<Option<OrderRecord>, StorageError>;
    /// Orders in any of `statuses`, oldest first.
    async fn orders_with_status(
        &self,
        statuses: &[OrderStatus],
    ) -> Result<Vec<OrderRecord>, StorageError>;
    /// Every order, oldest first.
    async fn all_orders(&self) -> Result<Vec<OrderRecord>, StorageError>;
    /// When the last order was cancelled (Unix ms), if any was: read at the
    /// start, it is when the process before this one stopped quoting.
    async fn last_cancel_ms(&self) -> Result<Option<i64>, StorageError>;

    /// Records a fill, adds it to the order's filled size (marking it `filled`
    /// when complete) and updates the position, in one transaction. Idempotent:
    /// the same `(trade_id, client_id)` twice is a [`FillOutcome::Duplicate`].
    async fn apply_fill(&self, fill: &Fill) -> Result<FillOutcome, StorageError>;
    /// Takes back a fill whose trade the exchange reports FAILED (it was
    /// MATCHED, then never settled): the fill row goes, the order's filled
    /// size shrinks (a `filled` order becomes `cancelled`: it left the book),
    /// and the token's position is replayed from the fills that remain.
    /// Returns the fill taken back, or `None` when it was never applied.
    async fn reverse_fill(
        &self,
        trade_id: &str,
        client_id: &ClientOrderId,
    ) -> Result<Option<Fill>, StorageError>;
    /// Every fill, oldest first.
    async fn fills(&self) -> Result<Vec<Fill>, StorageError>;
    /// Every non-flat or touched position, by token.
    async fn positions(&self) -> Result<Vec<Position>, StorageError>;

    /// The kill switch as an operator last set it, if ever.
    async fn trading_state(&self) -> Result<Option<TradingStateChange>, StorageError>;
    /// Records a kill-switch change (replacing the previous one, and adding
    /// it to the history).
    async fn set_trading_state(&self, change: &TradingStateChange) -> Result<(), StorageError>;
    /// Every kill-switch change, oldest first.
    async fn trading_state_changes(&self) -> Result<Vec<TradingStateChange>, StorageError>;

    /// Every deployment row, oldest first.
    async fn deployments(&self) -> Result<Vec<Deployment>, StorageError>;

    /// Replaces the marks of these tokens.
    async fn set_marks(&self, marks: &[Mark]) -> Result<(), StorageError>;
    /// Every token's last mark, by token.
    async fn marks(&self) -> Result<Vec<Mark>, StorageError>;
    /// The day's P&L accounting, if saved.
    async fn risk_day(&self, day: i64) -> Result<Option<RiskDay>, StorageError>;
    /// Saves (replaces) a day's P&L accounting.
    async fn save_risk_day(&self, day: &RiskDay) -> Result<(), StorageError>;
    /// SQLite: moves the write-ahead log into the database file and
    /// truncates it (`PRAGMA wal_checkpoint(TRUNCATE)`); `false` when the
    /// log could not be emptied (a reader holds it) or there is none
    /// (PostgreSQL).
    async fn checkpoint(&self) -> Result<bool, StorageError>;
    /// The database's size on disk, in bytes.
    async fn database_bytes(&self) -> Result<u64, StorageError>;
}

/// Opens the database named by `url` (creating an SQLite file and its folder
/// if needed). Does not migrate.
pub async fn connect(
    url: &DatabaseUrl,
    config: &DatabaseConfig,
) -> Result<Arc<dyn Store>, StorageError> {
    if url.is_sqlite() {
        Ok(Arc::new(SqliteStore::connect(url, config).await?))
    } else {
        Ok(Arc::new(PostgresStore::connect(url, config).await?))
    }
}

/// Logs when the database holds a migration newer than this release knows:
/// it runs (migrations only add), but the operator should know why.
pub(crate) fn warn_if_schema_is_newer(migrator: &sqlx::migrate::Migrator, newest: Option<i64>) {
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    if let Some(newest) = newest.filter(|n| *n > known) {
        tracing::warn!(
            database_schema = newest,
            this_release = known,
            "the database schema is newer than this release (after a rollback?); \
             running on it, as migrations only add tables and columns"
        );
    }
}

/// Reading the TEXT and integer columns both backends store alike.
pub(crate) trait PlainRow {
    /// A TEXT column.
    fn text(&self, column: &str) -> Result<String, sqlx::Error>;
    /// A BIGINT (PostgreSQL) or INTEGER (SQLite) column.
    fn int(&self, column: &str) -> Result<i64, sqlx::Error>;
    /// A nullable TEXT column.
    fn optional_text(&self, column: &str) -> Result<Option<String>, sqlx::Error>;
}

pub(crate) fn deployment_from_row(row: &impl PlainRow) -> Result<Deployment, StorageError> {
    Ok(Deployment {
        version: row.text("version")?,
        git_sha: row.text("git_sha")?,
        profile: row.text("profile")?,
        hostname: row.text("hostname")?,
        started_at_ms: row.int("started_at_ms")?,
    })
}

pub(crate) fn trading_state_from_row(
    row: &impl PlainRow,
) -> Result<TradingStateChange, StorageError> {
    let state = row.text("state")?;
    Ok(TradingStateChange {
        state: TradingState::parse(&state).ok_or_else(|| StorageError::Corrupt {
            table: "trading_state",
            column: "state",
            detail: format!("{state:?}"),
        })?,
        changed_at_ms: row.int("changed_at_ms")?,
        source: row.text("source")?,
        reason: row.optional_text("reason")?,
    })
}

/// The status an order has after `filled` of `size` shares have filled.
pub(crate) fn status_after_fill(
    current: OrderStatus,
    filled: Decimal,
    size: Decimal,
) -> OrderStatus {
    if filled >= size {
        OrderStatus::Filled
    } else if current == OrderStatus::Pending {
        OrderStatus::Open
    } else {
        current
    }
}

/// The machine's host name, for deployment rows.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".to_owned())
}
