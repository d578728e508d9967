//! The PostgreSQL backend (production). Prices and sizes are NUMERIC.

use std::str::FromStr;

use async_trait::async_trait;
use rust_decimal::Decimal;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::Row;

use super::{
    deployment_from_row, status_after_fill, trading_state_from_row, Backend, Deployment, Fill,
    FillOutcome, Mark, OrderRecord, OrderUpdate, PlainRow, RiskDay, StorageError, Store,
    TradingStateChange,
};
use crate::config::{DatabaseConfig, DatabaseUrl};
use crate::orders::{ClientOrderId, OrderHash, OrderStatus, Side};
use crate::portfolio::Position;

/// This release's migrations. Applied migrations it does not know (from a
/// newer release, before a rollback) are allowed: migrations only add.
fn migrator() -> sqlx::migrate::Migrator {
    let mut migrator = sqlx::migrate!("./migrations/postgres");
    migrator.set_ignore_missing(true);
    migrator
}

/// The newest migration this release knows (its version).
pub(crate) fn newest_known_migration() -> i64 {
    migrator().iter().map(|m| m.version).max().unwrap_or(0)
}

const ORDER_COLUMNS: &str =
    "client_id, order_hash, token_id, side, price, size, filled_size, status, mode, \
                             signed_order, error, created_at_ms, updated_at_ms";

/// A pool of PostgreSQL connections.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects (and checks the connection) within `connect_timeout`.
    pub async fn connect(url: &DatabaseUrl, config: &DatabaseConfig) -> Result<Self, StorageError> {
        let connect_error = |source| StorageError::Connect {
            url: url.redacted(),
            source,
        };
        let options = PgConnectOptions::from_str(url.expose()).map_err(connect_error)?;
        let pool = PgPoolOptions::new()
            .max_connections(config.max_connections)
            .acquire_timeout(config.connect_timeout)
            .test_before_acquire(true)
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Self { pool })
    }
}

fn corrupt(column: &'static str, detail: &dyn std::fmt::Display) -> StorageError {
    StorageError::Corrupt {
        table: "orders",
        column,
        detail: detail.to_string(),
    }
}

fn order_from_row(row: &PgRow) -> Result<OrderRecord, StorageError> {
    let side: String = row.try_get("side")?;
    let status: String = row.try_get("status")?;
    Ok(OrderRecord {
        client_id: ClientOrderId(row.try_get("client_id")?),
        order_hash: row
            .try_get::<Option<String>, _>("order_hash")?
            .map(OrderHash),
        token_id: row.try_get::<String, _>("token_id")?.into(),
        side: Side::parse(&side).ok_or_else(|| corrupt("side", &side))?,
        price: row.try_get("price")?,
        size: row.try_get("size")?,
        filled_size: row.try_get("filled_size")?,
        status: OrderStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        mode: row.try_get("mode")?,
        signed_order: row.try_get("signed_order")?,
        error: row.try_get("error")?,
        created_at_ms: row.try_get("created_at_ms")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
    })
}

fn fill_from_row(row: &PgRow) -> Result<Fill, StorageError> {
    let side: String = row.try_get("side")?;
    Ok(Fill {
        trade_id: row.try_get::<String, _>("trade_id")?.into(),
        client_id: row.try_get::<String, _>("client_id")?.into(),
        token_id: row.try_get::<String, _>("token_id")?.into(),
        side: Side::parse(&side).ok_or_else(|| corrupt("side", &side))?,
        price: row.try_get("price")?,
        size: row.try_get("size")?,
        fee: row.try_get("fee")?,
        ts_ms: row.try_get("ts_ms")?,
    })
}

/// Writes a token's position (insert or replace), inside a transaction.
async fn save_position(
    conn: &mut sqlx::PgConnection,
    position: &Position,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO positions (token_id, size, avg_price, realized_pnl, fees_paid, updated_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (token_id) DO UPDATE SET size = $2, avg_price = $3, \
         realized_pnl = $4, fees_paid = $5, updated_at_ms = $6",
    )
    .bind(position.token_id.as_str())
    .bind(position.size)
    .bind(position.avg_price)
    .bind(position.realized_pnl)
    .bind(position.fees_paid)
    .bind(position.updated_at_ms)
    .execute(conn)
    .await?;
    Ok(())
}

fn position_from_row(row: &PgRow) -> Result<Position, StorageError> {
    Ok(Position {
        token_id: row.try_get::<String, _>("token_id")?.into(),
        size: row.try_get("size")?,
        avg_price: row.try_get("avg_price")?,
        realized_pnl: row.try_get("realized_pnl")?,
        fees_paid: row.try_get("fees_paid")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
    })
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn migrate(&self) -> Result<usize, StorageError> {
        let migrator = migrator();
        let before = applied_count(&self.pool).await;
        migrator.run(&self.pool).await?;
        let after = applied_count(&self.pool).await;
        super::warn_if_schema_is_newer(&migrator, newest_applied(&self.pool).await);
        Ok(after.saturating_sub(before))
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn record_start(&self, d: &Deployment) -> Result<bool, StorageError> {
        let mut tx = self.pool.begin().await?;
        // Serialise concurrent starts so two processes cannot both insert.
        sqlx::query("LOCK TABLE deployments IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        let last = sqlx::query("SELECT version, git_sha FROM deployments ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
        let same = match &last {
            Some(row) => {
                row.try_get::<String, _>("version")? == d.version
                    && row.try_get::<String, _>("git_sha")? == d.git_sha
            },
            None => false,
        };
        if !same {
            sqlx::query(
                "INSERT INTO deployments (version, git_sha, profile, hostname, started_at_ms) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&d.version)
            .bind(&d.git_sha)
            .bind(&d.profile)
            .bind(&d.hostname)
            .bind(d.started_at_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(!same)
    }

    async fn deployment_count(&self) -> Result<u64, StorageError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deployments")
            .fetch_one(&self.pool)
            .await?;
        Ok(n.max(0) as u64)
    }

    async fn latest_deployment(&self) -> Result<Option<Deployment>, StorageError> {
        let row = sqlx::query(
            "SELECT version, git_sha, profile, hostname, started_at_ms FROM deployments ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(deployment_from_row).transpose()
    }

    async fn insert_order(&self, o: &OrderRecord) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO orders (client_id, order_hash, token_id, side, price, size, filled_size, status, mode, \
             signed_order, error, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(o.client_id.as_str())
        .bind(o.order_hash.as_ref().map(OrderHash::as_str))
        .bind(o.token_id.as_str())
        .bind(o.side.as_str())
        .bind(o.price)
        .bind(o.size)
        .bind(o.filled_size)
        .bind(o.status.as_str())
        .bind(&o.mode)
        .bind(&o.signed_order)
        .bind(&o.error)
        .bind(o.created_at_ms)
        .bind(o.updated_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn update_order(&self, u: &OrderUpdate) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "UPDATE orders SET status = $2, order_hash = COALESCE($3, order_hash), \
             error = COALESCE($4, error), updated_at_ms = $5 WHERE client_id = $1 \
             AND (status = $2 OR status = 'pending' \
                  OR (status = 'open' AND $2 IN ('filled', 'cancelled')))",
        )
        .bind(u.client_id.as_str())
        .bind(u.status.as_str())
        .bind(u.order_hash.as_ref().map(OrderHash::as_str))
        .bind(&u.error)
        .bind(u.at_ms)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn order(&self, id: &ClientOrderId) -> Result<Option<OrderRecord>, StorageError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE client_id = $1"
        ));
        let row = sqlx::query(sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(order_from_row).transpose()
    }

    async fn order_by_hash(&self, hash: &OrderHash) -> Result<Option<OrderRecord>, StorageError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE order_hash = $1"
        ));
        let row = sqlx::query(sql)
            .bind(hash.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(order_from_row).transpose()
    }

    async fn orders_with_status(
        &self,
        statuses: &[OrderStatus],
    ) -> Result<Vec<OrderRecord>, StorageError> {
        let names: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE status = ANY($1) ORDER BY created_at_ms, client_id"
        ));
        let rows = sqlx::query(sql).bind(&names).fetch_all(&self.pool).await?;
        rows.iter().map(order_from_row).collect()
    }

    async fn last_cancel_ms(&self) -> Result<Option<i64>, StorageError> {
        let row = sqlx::query("SELECT MAX(updated_at_ms) FROM orders WHERE status = 'cancelled'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<Option<i64>, _>(0)?)
    }

    async fn all_orders(&self) -> Result<Vec<OrderRecord>, StorageError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders ORDER BY created_at_ms, client_id"
        ));
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter().map(order_from_row).collect()
    }

    async fn apply_fill(&self, f: &Fill) -> Result<FillOutcome, StorageError> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO fills (trade_id, client_id, token_id, side, price, size, fee, ts_ms) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM orders WHERE client_id = $2) \
             ON CONFLICT (trade_id, client_id) DO NOTHING",
        )
        .bind(f.trade_id.as_str())
        .bind(f.client_id.as_str())
        .bind(f.token_id.as_str())
        .bind(f.side.as_str())
        .bind(f.price)
        .bind(f.size)
        .bind(f.fee)
        .bind(f.ts_ms)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            let known: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM orders WHERE client_id = $1")
                    .bind(f.client_id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            return if known.is_some() {
                Ok(FillOutcome::Duplicate)
            } else {
                Err(StorageError::UnknownOrder {
                    trade_id: f.trade_id.to_string(),
                    client_id: f.client_id.to_string(),
                })
            };
        }
        let row = sqlx::query(
            "SELECT size, filled_size, status FROM orders WHERE client_id = $1 FOR UPDATE",
        )
        .bind(f.client_id.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let size: Decimal = row.try_get("size")?;
        let filled: Decimal = row.try_get::<Decimal, _>("filled_size")? + f.size;
        let status_text: String = row.try_get("status")?;
        let current =
            OrderStatus::parse(&status_text).ok_or_else(|| corrupt("status", &status_text))?;
        let status = status_after_fill(current, filled, size);
        sqlx::query("UPDATE orders SET filled_size = $2, status = $3, updated_at_ms = $4 WHERE client_id = $1")
            .bind(f.client_id.as_str())
            .bind(filled)
            .bind(status.as_str())
            .bind(f.ts_ms)
            .execute(&mut *tx)
            .await?;

        let existing = sqlx::query(
            "SELECT token_id, size, avg_price, realized_pnl, fees_paid, updated_at_ms FROM positions \
             WHERE token_id = $1 FOR UPDATE",
        )
        .bind(f.token_id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let mut position = match &existing {
            Some(row) => position_from_row(row)?,
            None => Position::flat(f.token_id.clone()),
        };
        position.apply_fill(f.side, f.price, f.size, f.fee, f.ts_ms);
        save_position(&mut tx, &position).await?;
        tx.commit().await?;
        Ok(FillOutcome::Applied(status))
    }

    async fn reverse_fill(
        &self,
        trade_id: &str,
        client_id: &ClientOrderId,
    ) -> Result<Option<Fill>, StorageError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "DELETE FROM fills WHERE trade_id = $1 AND client_id = $2 \
             RETURNING trade_id, client_id, token_id, side, price, size, fee, ts_ms",
        )
        .bind(trade_id)
        .bind(client_id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let fill = fill_from_row(&row)?;
        sqlx::query(
            "UPDATE orders SET filled_size = GREATEST(filled_size - $2, 0), \
             status = CASE WHEN status = 'filled' THEN 'cancelled' ELSE status END WHERE client_id = $1",
        )
        .bind(client_id.as_str())
        .bind(fill.size)
        .execute(&mut *tx)
        .await?;
        // The token's position is replayed from the fills that remain.
        sqlx::query("SELECT 1 FROM positions WHERE token_id = $1 FOR UPDATE")
            .bind(fill.token_id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let rows = sqlx::query(
            "SELECT trade_id, client_id, token_id, side, price, size, fee, ts_ms FROM fills \
             WHERE token_id = $1 ORDER BY ts_ms, trade_id",
        )
        .bind(fill.token_id.as_str())
        .fetch_all(&mut *tx)
        .await?;
        let mut position = Position::flat(fill.token_id.clone());
        for f in rows.iter().map(fill_from_row) {
            let f = f?;
            position.apply_fill(f.side, f.price, f.size, f.fee, f.ts_ms);
        }
        save_position(&mut tx, &position).await?;
        tx.commit().await?;
        Ok(Some(fill))
    }

    async fn fills(&self) -> Result<Vec<Fill>, StorageError> {
        let rows = sqlx::query(
            "SELECT trade_id, client_id, token_id, side, price, size, fee, ts_ms FROM fills ORDER BY ts_ms, trade_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(fill_from_row).collect()
    }

    async fn positions(&self) -> Result<Vec<Position>, StorageError> {
        let rows = sqlx::query(
            "SELECT token_id, size, avg_price, realized_pnl, fees_paid, updated_at_ms FROM positions ORDER BY token_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(position_from_row).collect()
    }

    async fn trading_state(&self) -> Result<Option<TradingStateChange>, StorageError> {
        let row = sqlx::query(
            "SELECT state, changed_at_ms, source, reason FROM trading_state WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(trading_state_from_row).transpose()
    }

    async fn set_trading_state(&self, change: &TradingStateChange) -> Result<(), StorageError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO trading_state (id, state, changed_at_ms, source, reason) VALUES (1, $1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET state = excluded.state, \
             changed_at_ms = excluded.changed_at_ms, source = excluded.source, \
             reason = excluded.reason",
        )
        .bind(change.state.as_str())
        .bind(change.changed_at_ms)
        .bind(&change.source)
        .bind(change.reason.as_deref())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO trading_state_changes (state, changed_at_ms, source, reason) VALUES ($1, $2, $3, $4)",
        )
        .bind(change.state.as_str())
        .bind(change.changed_at_ms)
        .bind(&change.source)
        .bind(change.reason.as_deref())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn trading_state_changes(&self) -> Result<Vec<TradingStateChange>, StorageError> {
        let rows = sqlx::query(
            "SELECT state, changed_at_ms, source, reason FROM trading_state_changes ORDER BY changed_at_ms, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(trading_state_from_row).collect()
    }

    async fn deployments(&self) -> Result<Vec<Deployment>, StorageError> {
        let rows = sqlx::query(
            "SELECT version, git_sha, profile, hostname, started_at_ms FROM deployments ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(deployment_from_row).collect()
    }

    async fn set_marks(&self, marks: &[Mark]) -> Result<(), StorageError> {
        let mut tx = self.pool.begin().await?;
        for m in marks {
            sqlx::query(
                "INSERT INTO marks (token_id, price, ts_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (token_id) DO UPDATE SET price = $2, ts_ms = $3",
            )
            .bind(m.token_id.as_str())
            .bind(m.price)
            .bind(m.ts_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn checkpoint(&self) -> Result<bool, StorageError> {
        Ok(false)
    }

    async fn database_bytes(&self) -> Result<u64, StorageError> {
        let bytes: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(bytes).unwrap_or(0))
    }

    async fn marks(&self) -> Result<Vec<Mark>, StorageError> {
        let rows = sqlx::query("SELECT token_id, price, ts_ms FROM marks ORDER BY token_id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Mark {
                    token_id: row.try_get::<String, _>("token_id")?.into(),
                    price: row.try_get("price")?,
                    ts_ms: row.try_get("ts_ms")?,
                })
            })
            .collect()
    }

    async fn risk_day(&self, day: i64) -> Result<Option<RiskDay>, StorageError> {
        let row = sqlx::query(
            "SELECT day, baseline_ms, marks, peak, reference, breached, updated_at_ms \
             FROM risk_days WHERE day = $1",
        )
        .bind(day)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let marks: String = row.try_get("marks")?;
        Ok(Some(RiskDay {
            day: row.try_get("day")?,
            baseline_ms: row.try_get("baseline_ms")?,
            marks: serde_json::from_str(&marks).map_err(|e| StorageError::Corrupt {
                table: "risk_days",
                column: "marks",
                detail: e.to_string(),
            })?,
            peak: row.try_get("peak")?,
            reference: row.try_get("reference")?,
            breached: row.try_get("breached")?,
            updated_at_ms: row.try_get("updated_at_ms")?,
        }))
    }

    async fn save_risk_day(&self, day: &RiskDay) -> Result<(), StorageError> {
        let marks = serde_json::to_string(&day.marks).expect("marks serialize");
        sqlx::query(
            "INSERT INTO risk_days (day, baseline_ms, marks, peak, reference, breached, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (day) DO UPDATE SET baseline_ms = $2, marks = $3, peak = $4, \
             reference = $5, breached = $6, updated_at_ms = $7",
        )
        .bind(day.day)
        .bind(day.baseline_ms)
        .bind(marks)
        .bind(day.peak)
        .bind(day.reference)
        .bind(day.breached.as_deref())
        .bind(day.updated_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl PlainRow for PgRow {
    fn text(&self, column: &str) -> Result<String, sqlx::Error> {
        self.try_get(column)
    }

    fn int(&self, column: &str) -> Result<i64, sqlx::Error> {
        self.try_get(column)
    }

    fn optional_text(&self, column: &str) -> Result<Option<String>, sqlx::Error> {
        self.try_get(column)
    }
}

async fn newest_applied(pool: &PgPool) -> Option<i64> {
    sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .ok()
        .flatten()
}

async fn applied_count(pool: &PgPool) -> usize {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .map(|n| n.max(0) as usize)
        .unwrap_or(0)
}
