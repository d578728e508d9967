//! Backups of the orders database that count only once restored and checked.
//!
//! `take` (`ploy db backup`): a consistent snapshot of a live SQLite
//! database with `VACUUM INTO` (never a copy of the file and its WAL),
//! gzip-compressed, with a [`BackupManifest`]: rows per table, net fills per
//! token, the newest order, the schema version, the archive's sha256. Every
//! file is written under a temporary name and renamed, so an interrupted
//! backup leaves nothing that looks whole; the free space is checked first.
//!
//! `verify` (`ploy db verify`): the restore drill. The archive's sha256, the
//! schema (a backup from a newer schema than this release is refused with
//! both versions), then a scratch copy: `PRAGMA integrity_check`, this
//! release's migrations, the manifest's row counts, positions equal to the
//! fills, the newest order. The result is written into the manifest.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use ploy_api::backup::{BackupManifest, Verification, VerifyCheck, MANIFEST_FORMAT};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

use crate::config::DatabaseUrl;

/// Why a backup or a drill could not be done.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Not an SQLite database (PostgreSQL backups are `pg_dump`'s).
    #[error("{0}")]
    Unsupported(String),
    /// Not enough room for the snapshot.
    #[error("not enough free space in {dir}: {free} bytes free, the snapshot needs about {needed}\n  hint: free space (`ployctl incident disk-full`), or back up to another folder with --out")]
    NoSpace {
        /// The folder.
        dir: String,
        /// Free bytes.
        free: u64,
        /// Bytes needed.
        needed: u64,
    },
    /// A file could not be read or written.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The database refused.
    #[error("the database: {0}")]
    Database(#[from] sqlx::Error),
    /// The manifest is not one this release reads.
    #[error("{path}: {message}")]
    Manifest {
        /// The manifest.
        path: String,
        /// What is wrong.
        message: String,
    },
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> BackupError {
    let path = path.display().to_string();
    move |source| BackupError::Io { what, path, source }
}

/// The backup's name: `ploy-<YYYYmmddTHHMMSSZ>-<host>[-<label>]`, with
/// anything but letters, digits, `.`, `_` and `-` in the label dropped.
pub fn backup_name(created_at_ms: i64, host: &str, label: Option<&str>) -> String {
    let time = chrono::DateTime::from_timestamp_millis(created_at_ms)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ");
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .take(40)
            .collect()
    };
    match label.map(clean).filter(|l| !l.is_empty()) {
        Some(label) => format!("ploy-{time}-{}-{label}", clean(host)),
        None => format!("ploy-{time}-{}", clean(host)),
    }
}

fn sqlite_path(url: &DatabaseUrl) -> Result<PathBuf, BackupError> {
    if !url.is_sqlite() {
        return Err(BackupError::Unsupported(
            "this database is PostgreSQL: back it up with pg_dump --format=custom (ploy db backup takes SQLite snapshots in this release)".to_owned(),
        ));
    }
    let options = SqliteConnectOptions::from_str(url.expose())?;
    let file = options.get_filename().to_owned();
    let name = file.to_string_lossy();
    if name.contains(":memory:") {
        return Err(BackupError::Unsupported(
            "an in-memory database has nothing to back up".to_owned(),
        ));
    }
    Ok(file)
}

async fn open_read_only(path: &Path) -> Result<SqlitePool, BackupError> {
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(path)
                .read_only(true)
                .immutable(false),
        )
        .await?)
}

/// Free bytes on the filesystem holding `dir` (for an unprivileged user).
fn free_bytes(dir: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

/// What the manifest records of a database file.
#[derive(Debug, Clone, PartialEq)]
struct Facts {
    tables: BTreeMap<String, u64>,
    fills_by_token: BTreeMap<String, Decimal>,
    positions: BTreeMap<String, Decimal>,
    newest_order_ms: Option<i64>,
    schema_version: i64,
}

async fn facts(pool: &SqlitePool) -> Result<Facts, BackupError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    let mut tables = BTreeMap::new();
    for name in names {
        let quoted = name.replace('"', "\"\"");
        // The name comes from sqlite_master and is quoted as an identifier.
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{quoted}\""
        )))
        .fetch_one(pool)
        .await?;
        tables.insert(name, u64::try_from(n).unwrap_or(0));
    }
    let mut fills_by_token: BTreeMap<String, Decimal> = BTreeMap::new();
    for row in sqlx::query("SELECT token_id, side, size FROM fills")
        .fetch_all(pool)
        .await?
    {
        let token: String = row.try_get("token_id")?;
        let side: String = row.try_get("side")?;
        let size = Decimal::from_str(&row.try_get::<String, _>("size")?).unwrap_or_default();
        let signed = if side == "SELL" { -size } else { size };
        *fills_by_token.entry(token).or_default() += signed;
    }
    let mut positions = BTreeMap::new();
    for row in sqlx::query("SELECT token_id, size FROM positions")
        .fetch_all(pool)
        .await?
    {
        let token: String = row.try_get("token_id")?;
        let size = Decimal::from_str(&row.try_get::<String, _>("size")?).unwrap_or_default();
        positions.insert(token, size);
    }
    let newest_order_ms: Option<i64> = sqlx::query_scalar("SELECT MAX(created_at_ms) FROM orders")
        .fetch_one(pool)
        .await?;
    let schema_version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await
            .unwrap_or(None);
    Ok(Facts {
        tables,
        fills_by_token: fills_by_token
            .into_iter()
            .map(|(t, d)| (t, d.normalize()))
            .collect(),
        positions,
        newest_order_ms,
        schema_version: schema_version.unwrap_or(0),
    })
}

fn sha256_file(path: &Path) -> Result<String, BackupError> {
    let mut file = std::fs::File::open(path).map_err(io("cannot read", path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(io("cannot read", path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let tmp = path.with_extension("json.tmp");
    let mut file = std::fs::File::create(&tmp).map_err(io("cannot write", &tmp))?;
    file.write_all(bytes).map_err(io("cannot write", &tmp))?;
    file.sync_all().map_err(io("cannot write", &tmp))?;
    std::fs::rename(&tmp, path).map_err(io("cannot rename into", path))
}

/// Takes a snapshot of the database at `url` into `out`; returns its manifest.
pub async fn take(
    url: &DatabaseUrl,
    out: &Path,
    label: Option<&str>,
    release: &str,
    now_ms: i64,
) -> Result<BackupManifest, BackupError> {
    let started = Instant::now();
    let db = sqlite_path(url)?;
    if !db.exists() {
        return Err(BackupError::Unsupported(format!(
            "no database at {}: ploy has not run with this config here",
            db.display()
        )));
    }
    std::fs::create_dir_all(out).map_err(io("cannot create", out))?;
    clean_leftovers(out);
    let needed = std::fs::metadata(&db).map_or(0, |m| m.len())
        + std::fs::metadata(db.with_extension("db-wal")).map_or(0, |m| m.len());
    // The snapshot, then its compressed copy beside it.
    let needed = needed.saturating_mul(2) + (1 << 20);
    if let Some(free) = free_bytes(out) {
        if free < needed {
            return Err(BackupError::NoSpace {
                dir: out.display().to_string(),
                free,
                needed,
            });
        }
    }
    let host = crate::storage::hostname();
    let name = backup_name(now_ms, &host, label);
    let snapshot = out.join(format!(".tmp-{name}.db"));
    let archive_tmp = out.join(format!(".tmp-{name}.db.gz"));
    let result = async {
        {
            let live = open_read_only(&db).await?;
            sqlx::query("VACUUM INTO ?1")
                .bind(snapshot.display().to_string())
                .execute(&live)
                .await?;
            live.close().await;
        }
        let pool = open_read_only(&snapshot).await?;
        let facts = facts(&pool).await?;
        pool.close().await;
        gzip(&snapshot, &archive_tmp)?;
        Ok::<_, BackupError>(facts)
    }
    .await;
    let _ = std::fs::remove_file(&snapshot);
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
    let manifest = BackupManifest {
        format: MANIFEST_FORMAT,
        name: name.clone(),
        file,
        created_at_ms: now_ms,
        host,
        release: release.to_owned(),
        schema_version: facts.schema_version,
        database: "sqlite".to_owned(),
        label: label.map(str::to_owned),
        bytes: std::fs::metadata(&archive).map_or(0, |m| m.len()),
        sha256: sha256_file(&archive)?,
        tables: facts.tables,
        fills_by_token: facts.fills_by_token,
        newest_order_ms: facts.newest_order_ms,
        took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        verification: None,
    };
    write_atomically(
        &out.join(format!("{name}.json")),
        &serde_json::to_vec_pretty(&manifest).expect("manifest serializes"),
    )?;
    Ok(manifest)
}

/// Removes what an interrupted backup or drill left (`.tmp-*`, `.verify-*`).
fn clean_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".tmp-") || name.starts_with(".verify-") || name.ends_with(".json.tmp")
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn gzip(from: &Path, to: &Path) -> Result<(), BackupError> {
    let mut input = std::fs::File::open(from).map_err(io("cannot read", from))?;
    let output = std::fs::File::create(to).map_err(io("cannot write", to))?;
    let mut encoder = flate2::write::GzEncoder::new(output, flate2::Compression::fast());
    std::io::copy(&mut input, &mut encoder).map_err(io("cannot compress into", to))?;
    let file = encoder.finish().map_err(io("cannot compress into", to))?;
    file.sync_all().map_err(io("cannot write", to))
}

fn gunzip(from: &Path, to: &Path) -> Result<(), BackupError> {
    let input = std::fs::File::open(from).map_err(io("cannot read", from))?;
    let mut decoder = flate2::read::GzDecoder::new(input);
    let mut output = std::fs::File::create(to).map_err(io("cannot write", to))?;
    std::io::copy(&mut decoder, &mut output).map_err(io("cannot decompress", from))?;
    Ok(())
}

/// Reads a manifest.
pub fn read_manifest(path: &Path) -> Result<BackupManifest, BackupError> {
    let text = std::fs::read_to_string(path).map_err(io("cannot read", path))?;
    let manifest: BackupManifest =
        serde_json::from_str(&text).map_err(|e| BackupError::Manifest {
            path: path.display().to_string(),
            message: format!("not a backup manifest: {e}"),
        })?;
    if manifest.format > MANIFEST_FORMAT {
        return Err(BackupError::Manifest {
            path: path.display().to_string(),
            message: format!(
                "manifest format {} is newer than this release reads ({MANIFEST_FORMAT}); verify it with a newer ploy",
                manifest.format
            ),
        });
    }
    Ok(manifest)
}

fn check(name: &str, ok: bool, detail: impl Into<String>) -> VerifyCheck {
    VerifyCheck {
        name: name.to_owned(),
        ok,
        detail: detail.into(),
    }
}

/// The restore drill of the backup whose manifest is `manifest_path`: the
/// manifest with its new `verification`, which is also written into it.
pub async fn verify(
    manifest_path: &Path,
    release: &str,
    now_ms: i64,
) -> Result<BackupManifest, BackupError> {
    let started = Instant::now();
    let mut manifest = read_manifest(manifest_path)?;
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let archive = dir.join(&manifest.file);
    let mut checks = Vec::new();
    let known = crate::storage::sqlite::newest_known_migration();
    let digest = sha256_file(&archive);
    let sha_ok = digest.as_deref().is_ok_and(|d| d == manifest.sha256);
    checks.push(check(
        "sha256",
        sha_ok,
        match &digest {
            Ok(d) if sha_ok => format!("{d} as recorded"),
            Ok(d) => format!(
                "{d}, the manifest says {}: the archive is truncated or changed",
                manifest.sha256
            ),
            Err(e) => e.to_string(),
        },
    ));
    let schema_ok = manifest.schema_version <= known;
    checks.push(check(
        "schema",
        schema_ok,
        if schema_ok {
            format!(
                "schema {} (this release knows up to {known})",
                manifest.schema_version
            )
        } else {
            format!(
                "the backup's schema {} is newer than this release's {known}: verify or restore it with the release that made it ({}) or a newer one",
                manifest.schema_version, manifest.release
            )
        },
    ));
    if sha_ok && schema_ok {
        let scratch = dir.join(format!(".verify-{}.db", manifest.name));
        let drill = drill(&archive, &scratch, &manifest, &mut checks).await;
        for suffix in ["", "-wal", "-shm"] {
            let mut p = scratch.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        if let Err(e) = drill {
            checks.push(check("restore", false, e.to_string()));
        }
    }
    manifest.verification = Some(Verification {
        at_ms: now_ms,
        release: release.to_owned(),
        ok: checks.iter().all(|c| c.ok),
        checks,
        took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    });
    write_atomically(
        manifest_path,
        &serde_json::to_vec_pretty(&manifest).expect("manifest serializes"),
    )?;
    Ok(manifest)
}

async fn drill(
    archive: &Path,
    scratch: &Path,
    manifest: &BackupManifest,
    checks: &mut Vec<VerifyCheck>,
) -> Result<(), BackupError> {
    gunzip(archive, scratch)?;
    let url = DatabaseUrl::new(format!("sqlite://{}", scratch.display()));
    let store = crate::storage::sqlite::SqliteStore::connect(
        &url,
        &crate::config::DatabaseConfig::default(),
    )
    .await
    .map_err(|e| BackupError::Unsupported(e.to_string()))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(store.pool())
        .await?;
    checks.push(check(
        "integrity",
        integrity == "ok",
        format!("PRAGMA integrity_check: {integrity}"),
    ));
    let before = facts(store.pool()).await?;
    let migrated = crate::storage::Store::migrate(&store).await;
    checks.push(match migrated {
        Ok(n) => check(
            "migrations",
            true,
            format!("{n} applied on the restored copy"),
        ),
        Err(e) => check("migrations", false, e.to_string()),
    });
    let counts_ok = manifest
        .tables
        .iter()
        .all(|(t, n)| before.tables.get(t) == Some(n));
    checks.push(check(
        "row_counts",
        counts_ok,
        if counts_ok {
            format!(
                "{} tables, {} rows, as recorded",
                manifest.tables.len(),
                manifest.tables.values().sum::<u64>()
            )
        } else {
            format!(
                "restored {:?}, the manifest says {:?}",
                before.tables, manifest.tables
            )
        },
    ));
    let fills_ok = before.fills_by_token == manifest.fills_by_token;
    let mismatched: Vec<String> = before
        .fills_by_token
        .iter()
        .filter(|(token, net)| {
            before
                .positions
                .get(*token)
                .copied()
                .unwrap_or_default()
                .normalize()
                != net.normalize()
        })
        .map(|(token, net)| {
            format!(
                "{}…: fills {net}, position {}",
                &token[..token.len().min(12)],
                before.positions.get(token).copied().unwrap_or_default()
            )
        })
        .collect();
    let positions_ok = fills_ok && mismatched.is_empty();
    checks.push(check(
        "positions",
        positions_ok,
        if positions_ok {
            format!(
                "{} tokens: every position equals its fills",
                before.positions.len()
            )
        } else if !fills_ok {
            "the fills differ from the manifest's".to_owned()
        } else {
            mismatched.join("; ")
        },
    ));
    let newest_ok = before.newest_order_ms == manifest.newest_order_ms;
    checks.push(check(
        "newest_order",
        newest_ok,
        match before.newest_order_ms {
            Some(ms) => format!("newest order at {ms} (Unix ms)"),
            None => "no orders".to_owned(),
        },
    ));
    crate::storage::Store::close(&store).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_time_the_host_and_a_clean_label() {
        assert_eq!(
            backup_name(1_764_633_600_000, "bot-1", None),
            "ploy-20251202T000000Z-bot-1"
        );
        assert_eq!(
            backup_name(1_764_633_600_000, "bot-1", Some("before v2/../x y")),
            "ploy-20251202T000000Z-bot-1-beforev2..xy"
        );
    }
}
