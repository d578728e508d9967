//! The trading lease: at most one `ploy` trades on a database at a time.
//!
//! Two instances share one database during a standby handover (the old
//! release and the new one beside it), and a hot standby on a second host
//! may share one PostgreSQL. Only the holder of the lease starts the
//! trading pipeline; the other waits, ready but not trading.
//!
//! - PostgreSQL: a session-level advisory lock
//!   (`pg_try_advisory_lock(LEASE_KEY)`) held on a connection of its own,
//!   outside the pool. It is the server's word: it ends when that session
//!   ends, so a killed process or a lost host releases it.
//! - SQLite: an exclusive lock (`flock`) on `<database>.lease` beside the
//!   database file. The kernel releases it when the process ends.
//! - An in-memory SQLite database is private to its process: no lease.
//!
//! [`TradingLease::release`] lets it go at once, so a shutdown hands over
//! as soon as its orders are cancelled, not when the process has exited.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;

use crate::config::DatabaseUrl;

/// The advisory lock's key: "ploylead" in ASCII.
pub const LEASE_KEY: i64 = 0x706c_6f79_6c65_6164;

/// How often an instance told to take over tries again: the old one lets
/// the lease go right after its last cancel is confirmed, and every
/// millisecond after that is time without quotes.
pub const POLL_TAKING_OVER: Duration = Duration::from_millis(2);

/// How often a hot standby (waiting by itself, not told to take over) tries.
pub const POLL_WAITING: Duration = Duration::from_millis(100);

/// How often a standby that took the lease looks for the previous holder's
/// orders to be settled.
pub const POLL: Duration = Duration::from_millis(5);

/// Why the lease could not be asked for.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    /// The lock file could not be opened.
    #[error("cannot open the trading lease file {path}: {source}\n  hint: the database's folder must be writable by ploy")]
    File {
        /// The lease file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// PostgreSQL refused the connection or the query.
    #[error("cannot ask PostgreSQL for the trading lease ({url}): {source}\n  hint: `ploy check-config --connect` tests the database")]
    Postgres {
        /// The URL without its password.
        url: String,
        /// The driver's error.
        source: sqlx::Error,
    },
}

/// Where the lease lives for one database.
#[derive(Debug, Clone)]
pub enum LeaseSource {
    /// `<database>.lease`, locked exclusively.
    File(PathBuf),
    /// An advisory lock on this server.
    Postgres(DatabaseUrl),
    /// In-memory SQLite: always free.
    Private,
}

/// A held lease; dropping it releases it too (the file lock with its file,
/// the advisory lock with its session).
#[derive(Debug)]
pub struct TradingLease {
    held: Held,
}

#[derive(Debug)]
enum Held {
    File(std::fs::File),
    Postgres(Box<sqlx::PgConnection>),
    Private,
}

impl LeaseSource {
    /// The lease of the database at `url`.
    pub fn for_database(url: &DatabaseUrl) -> Self {
        if !url.is_sqlite() {
            return LeaseSource::Postgres(url.clone());
        }
        let Ok(options) = sqlx::sqlite::SqliteConnectOptions::from_str(url.expose()) else {
            return LeaseSource::Private;
        };
        let file = options.get_filename().to_owned();
        let name = file.to_string_lossy();
        if name.contains(":memory:") || name.starts_with("file:sqlx-in-memory") {
            return LeaseSource::Private;
        }
        let mut lease = file.into_os_string();
        lease.push(".lease");
        LeaseSource::File(PathBuf::from(lease))
    }

    /// One attempt: the lease, or `None` while another instance holds it.
    pub async fn try_take(&self) -> Result<Option<TradingLease>, LeaseError> {
        match self {
            LeaseSource::Private => Ok(Some(TradingLease {
                held: Held::Private,
            })),
            LeaseSource::File(path) => {
                let file_error = |source| LeaseError::File {
                    path: path.clone(),
                    source,
                };
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(file_error)?;
                }
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(path)
                    .map_err(file_error)?;
                match file.try_lock() {
                    Ok(()) => Ok(Some(TradingLease {
                        held: Held::File(file),
                    })),
                    Err(std::fs::TryLockError::WouldBlock) => Ok(None),
                    Err(std::fs::TryLockError::Error(e)) => Err(file_error(e)),
                }
            },
            LeaseSource::Postgres(url) => {
                let pg_error = |source| LeaseError::Postgres {
                    url: url.redacted(),
                    source,
                };
                let options =
                    sqlx::postgres::PgConnectOptions::from_str(url.expose()).map_err(pg_error)?;
                let mut conn = sqlx::PgConnection::connect_with(&options)
                    .await
                    .map_err(pg_error)?;
                let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(LEASE_KEY)
                    .fetch_one(&mut conn)
                    .await
                    .map_err(pg_error)?;
                if taken {
                    Ok(Some(TradingLease {
                        held: Held::Postgres(Box::new(conn)),
                    }))
                } else {
                    let _ = conn.close().await;
                    Ok(None)
                }
            },
        }
    }

    /// Waits for the lease, trying every `poll`; `None` when `stop` fires
    /// first. A failed attempt (the database briefly away) is logged and
    /// tried again. On PostgreSQL one connection asks each time.
    pub async fn take(
        &self,
        poll: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> Result<Option<TradingLease>, LeaseError> {
        let mut logged_error = false;
        let mut session: Option<sqlx::PgConnection> = None;
        loop {
            if *stop.borrow() {
                return Ok(None);
            }
            let attempt = match self {
                LeaseSource::Postgres(url) => try_on_session(url, &mut session).await,
                _ => self.try_take().await,
            };
            match attempt {
                Ok(Some(lease)) => return Ok(Some(lease)),
                Ok(None) => {},
                Err(e) if !logged_error => {
                    tracing::warn!(error = %e, "cannot ask for the trading lease; trying again");
                    logged_error = true;
                },
                Err(_) => {},
            }
            tokio::select! {
                () = tokio::time::sleep(poll) => {},
                _ = stop.changed() => {},
            }
        }
    }

    /// Says who may hold it, for logs.
    pub fn describe(&self) -> String {
        match self {
            LeaseSource::File(path) => format!("the lock on {}", path.display()),
            LeaseSource::Postgres(url) => {
                format!("PostgreSQL advisory lock {LEASE_KEY} on {}", url.redacted())
            },
            LeaseSource::Private => "none (in-memory database)".to_owned(),
        }
    }
}

/// One attempt on a kept session (connected first if needed; dropped after
/// an error, so the next attempt connects again).
async fn try_on_session(
    url: &DatabaseUrl,
    session: &mut Option<sqlx::PgConnection>,
) -> Result<Option<TradingLease>, LeaseError> {
    let pg_error = |source| LeaseError::Postgres {
        url: url.redacted(),
        source,
    };
    if session.is_none() {
        let options = sqlx::postgres::PgConnectOptions::from_str(url.expose()).map_err(pg_error)?;
        *session = Some(
            sqlx::PgConnection::connect_with(&options)
                .await
                .map_err(pg_error)?,
        );
    }
    let conn = session.as_mut().expect("connected above");
    match sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1)")
        .bind(LEASE_KEY)
        .fetch_one(&mut *conn)
        .await
    {
        Ok(true) => Ok(Some(TradingLease {
            held: Held::Postgres(Box::new(session.take().expect("connected"))),
        })),
        Ok(false) => Ok(None),
        Err(e) => {
            *session = None;
            Err(pg_error(e))
        },
    }
}

impl TradingLease {
    /// Lets the lease go now.
    pub async fn release(self) {
        match self.held {
            Held::File(file) => {
                let _ = file.unlock();
            },
            Held::Postgres(mut conn) => {
                let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(LEASE_KEY)
                    .execute(conn.as_mut())
                    .await;
                let _ = conn.close().await;
            },
            Held::Private => {},
        }
    }

    /// Whether the lease is still ours: always for a file lock (the kernel
    /// keeps it while the process lives); for PostgreSQL, whether its
    /// session still answers.
    pub async fn still_held(&mut self) -> bool {
        match &mut self.held {
            Held::File(_) | Held::Private => true,
            Held::Postgres(conn) => conn.ping().await.is_ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(dir: &tempfile::TempDir) -> LeaseSource {
        LeaseSource::for_database(&DatabaseUrl::new(format!(
            "sqlite://{}/data/ploy.db",
            dir.path().display()
        )))
    }

    #[tokio::test]
    async fn one_holder_at_a_time_beside_a_sqlite_file() {
        let dir = tempfile::tempdir().unwrap();
        let lease = source(&dir);
        let LeaseSource::File(path) = &lease else {
            panic!("{lease:?}")
        };
        assert!(path.ends_with("data/ploy.db.lease"), "{}", path.display());
        let first = lease.try_take().await.unwrap().expect("free");
        assert!(
            lease.try_take().await.unwrap().is_none(),
            "a second take while the first holds it"
        );
        first.release().await;
        let again = lease.try_take().await.unwrap();
        assert!(again.is_some(), "free again after the release");
        drop(again);
        assert!(
            lease.try_take().await.unwrap().is_some(),
            "dropping a lease releases it"
        );
    }

    #[tokio::test]
    async fn a_waiter_takes_it_when_it_is_released_or_stops_when_told() {
        let dir = tempfile::tempdir().unwrap();
        let lease = source(&dir);
        let held = lease.try_take().await.unwrap().unwrap();
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let waiter = {
            let lease = lease.clone();
            let stop_rx = stop_rx.clone();
            tokio::spawn(async move { lease.take(POLL_TAKING_OVER, stop_rx).await })
        };
        tokio::time::sleep(POLL * 3).await;
        assert!(!waiter.is_finished(), "waits while the lease is held");
        held.release().await;
        let taken = waiter.await.unwrap().unwrap();
        assert!(taken.is_some());
        let waiter = {
            let lease = lease.clone();
            tokio::spawn(async move { lease.take(POLL_WAITING, stop_rx).await })
        };
        stop_tx.send(true).unwrap();
        assert!(waiter.await.unwrap().unwrap().is_none(), "stopped");
    }

    #[test]
    fn an_in_memory_database_has_no_lease_and_postgres_an_advisory_lock() {
        assert!(matches!(
            LeaseSource::for_database(&DatabaseUrl::new("sqlite::memory:")),
            LeaseSource::Private
        ));
        let pg = LeaseSource::for_database(&DatabaseUrl::new(
            "postgres://ploy:hunter2@db.internal/ploy",
        ));
        assert!(matches!(pg, LeaseSource::Postgres(_)));
        assert!(!pg.describe().contains("hunter2"), "{}", pg.describe());
    }
}
