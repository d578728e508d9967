//! SQLite: `VACUUM INTO` snapshots, drills on a scratch file, and restores
//! by renaming a checked copy over the database file.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use ploy_api::backup::{BackupManifest, DatabaseSummary, VerifyCheck};
use rust_decimal::Decimal;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

use super::facts::{drill_checks, Facts};
use super::files;
use super::{check, io, BackupError, Meta, RestoreOptions, KEPT_LABEL};
use crate::config::DatabaseUrl;

/// The database file a URL names.
pub(super) fn database_file(url: &DatabaseUrl) -> Result<PathBuf, BackupError> {
    let options = SqliteConnectOptions::from_str(url.expose())?;
    let file = options.get_filename().to_owned();
    let name = file.to_string_lossy();
    if name.contains(":memory:") || name.starts_with("file:sqlx-in-memory") {
        return Err(BackupError::Unsupported(
            "an in-memory database has nothing to back up or restore".to_owned(),
        ));
    }
    Ok(file)
}

async fn open(path: &Path, read_only: bool) -> Result<SqlitePool, BackupError> {
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(path)
                .read_only(read_only),
        )
        .await?)
}

async fn read_facts(pool: &SqlitePool) -> Result<Facts, BackupError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    let mut facts = Facts::default();
    for name in names {
        let quoted = name.replace('"', "\"\"");
        // The name comes from sqlite_master and is quoted as an identifier.
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{quoted}\""
        )))
        .fetch_one(pool)
        .await?;
        facts.tables.insert(name, u64::try_from(n).unwrap_or(0));
    }
    for row in sqlx::query("SELECT token_id, side, size FROM fills")
        .fetch_all(pool)
        .await?
    {
        let size = Decimal::from_str(&row.try_get::<String, _>("size")?).unwrap_or_default();
        facts.add_fill(
            row.try_get("token_id")?,
            &row.try_get::<String, _>("side")?,
            size,
        );
    }
    for row in sqlx::query("SELECT token_id, size FROM positions")
        .fetch_all(pool)
        .await?
    {
        let size = Decimal::from_str(&row.try_get::<String, _>("size")?).unwrap_or_default();
        facts.positions.insert(row.try_get("token_id")?, size);
    }
    facts.newest_order_ms = sqlx::query_scalar("SELECT MAX(created_at_ms) FROM orders")
        .fetch_one(pool)
        .await?;
    facts.newest_fill_ms = sqlx::query_scalar("SELECT MAX(ts_ms) FROM fills")
        .fetch_one(pool)
        .await?;
    facts.schema_version = sqlx::query_scalar::<_, Option<i64>>(
        "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
    )
    .fetch_one(pool)
    .await
    .unwrap_or(None)
    .unwrap_or(0);
    Ok(facts.normalized())
}

pub(super) async fn take(
    url: &DatabaseUrl,
    out: &Path,
    meta: &Meta,
) -> Result<BackupManifest, BackupError> {
    let started = Instant::now();
    let db = database_file(url)?;
    if !db.exists() {
        return Err(BackupError::Unsupported(format!(
            "no database at {}: ploy has not run with this config here",
            db.display()
        )));
    }
    let size = std::fs::metadata(&db).map_or(0, |m| m.len())
        + std::fs::metadata(files::with_suffix(&db, "-wal")).map_or(0, |m| m.len());
    // The snapshot, then its compressed copy beside it.
    files::ensure_space(out, size.saturating_mul(2) + (1 << 20))?;
    let name = &meta.name;
    let snapshot = out.join(format!(".tmp-{name}.db"));
    let archive_tmp = out.join(format!(".tmp-{name}.db.gz"));
    let result = async {
        {
            let live = open(&db, true).await?;
            sqlx::query("VACUUM INTO ?1")
                .bind(snapshot.display().to_string())
                .execute(&live)
                .await?;
            live.close().await;
        }
        let pool = open(&snapshot, true).await?;
        let facts = read_facts(&pool).await;
        pool.close().await;
        let facts = facts?;
        files::gzip(&snapshot, &archive_tmp)?;
        Ok::<_, BackupError>(facts)
    }
    .await;
    files::remove_sqlite_files(&snapshot);
    let facts = match result {
        Ok(f) => f,
        Err(e) => {
            let _ = std::fs::remove_file(&archive_tmp);
            return Err(e);
        },
    };
    let file = format!("{name}.db.gz");
    let archive = out.join(&file);
    std::fs::rename(&archive_tmp, &archive).map_err(io("cannot rename into", &archive))?;
    meta.manifest("sqlite", file, &archive, facts, started)
}

/// Decompresses the archive into `scratch` and checks it: integrity, this
/// release's migrations, the manifest's counts, positions, newest order.
pub(super) async fn drill(
    archive: &Path,
    scratch: &Path,
    manifest: &BackupManifest,
    checks: &mut Vec<VerifyCheck>,
) -> Result<(), BackupError> {
    files::gunzip(archive, scratch)?;
    let url = DatabaseUrl::new(format!("sqlite://{}", scratch.display()));
    let store = crate::storage::sqlite::SqliteStore::connect(
        &url,
        &crate::config::DatabaseConfig::default(),
    )
    .await
    .map_err(|e| BackupError::Unsupported(e.to_string()))?;
    let result = async {
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(store.pool())
            .await?;
        checks.push(check(
            "integrity",
            integrity == "ok",
            format!("PRAGMA integrity_check: {integrity}"),
        ));
        let before = read_facts(store.pool()).await?;
        let migrated = crate::storage::Store::migrate(&store).await;
        checks.push(match migrated {
            Ok(n) => check(
                "migrations",
                true,
                format!("{n} applied on the restored copy"),
            ),
            Err(e) => check("migrations", false, e.to_string()),
        });
        checks.extend(drill_checks(&before, manifest));
        Ok(())
    }
    .await;
    crate::storage::Store::close(&store).await;
    result
}

/// The restore, under the trading lease: the archive decompressed beside
/// the database and checked, the current database kept (a backup labelled
/// [`KEPT_LABEL`], or, when it cannot be read, its file linked aside), its
/// write-ahead log emptied, then the copy renamed over it.
pub(super) async fn restore(
    url: &DatabaseUrl,
    archive: &Path,
    manifest: &BackupManifest,
    options: &RestoreOptions,
) -> Result<(Option<DatabaseSummary>, Option<String>), BackupError> {
    let db = database_file(url)?;
    let current = if db.exists() {
        match open(&db, true).await {
            Ok(pool) => {
                let facts = read_facts(&pool).await;
                pool.close().await;
                facts.ok().map(|f| f.summary())
            },
            Err(_) => None,
        }
    } else {
        None
    };
    if options.dry_run {
        return Ok((current, None));
    }
    let dir = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_owned);
    std::fs::create_dir_all(&dir).map_err(io("cannot create", &dir))?;
    let expanded = manifest.tables.values().sum::<u64>().saturating_mul(512);
    files::ensure_space(
        &dir,
        manifest.bytes.saturating_mul(4).max(expanded) + (1 << 20),
    )?;
    let copy = files::with_suffix(&db, ".restore-tmp");
    files::remove_sqlite_files(&copy);
    let checked = async {
        files::gunzip(archive, &copy)?;
        let pool = open(&copy, false).await?;
        let result = async {
            let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(&pool)
                .await?;
            if integrity != "ok" {
                return Err(BackupError::Refused(format!(
                    "{}: PRAGMA integrity_check says {integrity}",
                    manifest.name
                )));
            }
            let facts = read_facts(&pool).await?;
            let failed: Vec<String> = drill_checks(&facts, manifest)
                .into_iter()
                .filter(|c| !c.ok)
                .map(|c| format!("{}: {}", c.name, c.detail))
                .collect();
            if failed.is_empty() {
                Ok(())
            } else {
                Err(BackupError::Refused(format!(
                    "{} does not hold what its manifest records: {}",
                    manifest.name,
                    failed.join("; ")
                )))
            }
        }
        .await;
        pool.close().await;
        result
    }
    .await;
    if let Err(e) = checked {
        files::remove_sqlite_files(&copy);
        return Err(e);
    }
    let kept = if db.exists() {
        Some(keep(url, &db, options).await?)
    } else {
        None
    };
    // The old write-ahead log must not be applied to the new file.
    empty_wal(&db).await;
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(files::with_suffix(&db, suffix));
    }
    std::fs::rename(&copy, &db).map_err(io("cannot rename into", &db))?;
    files::sync_dir(&dir);
    if let Some(reason) = &options.halt_reason {
        super::halt_restored(url, reason, options.now_ms).await?;
    }
    Ok((current, kept))
}

/// Keeps the database a restore replaces: a backup into the keep folder, or
/// (when it cannot be read) its files linked beside it.
async fn keep(
    url: &DatabaseUrl,
    db: &Path,
    options: &RestoreOptions,
) -> Result<String, BackupError> {
    match super::take(
        url,
        &options.keep_dir,
        Some(KEPT_LABEL),
        &options.release,
        options.now_ms,
    )
    .await
    {
        Ok(kept) => Ok(kept.name),
        Err(e @ BackupError::NoSpace { .. }) => Err(e),
        Err(e) => {
            tracing::warn!(error = %e, "the current database cannot be backed up; its files are kept beside it as they are");
            let stamp = chrono::DateTime::from_timestamp_millis(options.now_ms)
                .unwrap_or_default()
                .format("%Y%m%dT%H%M%SZ");
            let aside = files::with_suffix(db, &format!(".kept-{stamp}"));
            for suffix in ["", "-wal"] {
                let from = files::with_suffix(db, suffix);
                let to = files::with_suffix(&aside, suffix);
                if from.exists() && !to.exists() {
                    std::fs::hard_link(&from, &to)
                        .or_else(|_| std::fs::copy(&from, &to).map(|_| ()))
                        .map_err(io("cannot keep", &to))?;
                }
            }
            Ok(aside.display().to_string())
        },
    }
}

/// Moves the write-ahead log into the database file, so the file alone is
/// the database (best effort: a database that cannot be opened is kept as
/// its files).
async fn empty_wal(db: &Path) {
    if let Ok(pool) = open(db, false).await {
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await;
        pool.close().await;
    }
}
