//! Backups of the orders database that count only once restored and checked.
//!
//! `take` (`ploy db backup`): a consistent snapshot while ploy trades.
//! SQLite: `VACUUM INTO` (never a copy of the file and its WAL),
//! gzip-compressed. PostgreSQL: `pg_dump --format=custom` of the engine's
//! schema on a snapshot exported by a repeatable-read transaction, in which
//! the manifest's counts are read too, so both see the same instant. Each
//! backup has a [`BackupManifest`]: rows per table, net fills per token, the
//! newest order and fill, the schema version, the archive's sha256. Every
//! file is written under a temporary name and renamed, the manifest last,
//! so an interrupted backup leaves nothing that looks whole; the free space
//! is checked first.
//!
//! `verify` (`ploy db verify`): the restore drill. The archive's sha256, the
//! schema (a backup from a newer schema than this release is refused with
//! both versions), then a scratch database (a temporary SQLite file, or a
//! temporary PostgreSQL database `pg_restore` fills): its integrity, this
//! release's migrations, the manifest's row counts, positions equal to the
//! fills, the newest order. The result is written into the manifest.
//!
//! `restore` (`ploy db restore`): the same checks, then, holding the trading
//! lease (so no instance trades meanwhile), the current database kept aside
//! (a backup labelled [`KEPT_LABEL`]) and replaced in one step: an SQLite
//! file renamed over it, a PostgreSQL schema rebuilt in one transaction.
//! The database is never absent, whatever is killed when.
//!
//! `offsite`: copies in S3-compatible object storage.

mod facts;
mod files;
pub mod offsite;
mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

use ploy_api::backup::{BackupManifest, RestoreReport, VerifyCheck};
pub use ploy_api::KEPT_LABEL;

use crate::config::DatabaseUrl;
pub use files::{list_local, read_manifest, write_manifest};

/// Why a backup, a drill or a restore could not be done.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Nothing this command can back up or restore here.
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
    /// A PostgreSQL client program is missing or failed.
    #[error("{tool}: {message}")]
    Tool {
        /// `pg_dump`, `pg_restore` or `psql`.
        tool: &'static str,
        /// What happened, with the program's own words.
        message: String,
    },
    /// A restore that would not be safe; nothing was changed.
    #[error("{0}; nothing was changed")]
    Refused(String),
    /// Object storage could not be reached or refused.
    #[error("object storage: {0}")]
    Offsite(String),
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

/// Takes a snapshot of the database at `url` into `out`; returns its manifest.
pub async fn take(
    url: &DatabaseUrl,
    out: &Path,
    label: Option<&str>,
    release: &str,
    now_ms: i64,
) -> Result<BackupManifest, BackupError> {
    std::fs::create_dir_all(out).map_err(io("cannot create", out))?;
    files::clean_leftovers(out);
    let host = crate::storage::hostname();
    let name = backup_name(now_ms, &host, label);
    let meta = Meta {
        name,
        host,
        label: label.map(str::to_owned),
        release: release.to_owned(),
        now_ms,
    };
    let manifest = if url.is_sqlite() {
        sqlite::take(url, out, &meta).await?
    } else {
        postgres::take(url, out, &meta).await?
    };
    write_manifest(&out.join(format!("{}.json", manifest.name)), &manifest)?;
    Ok(manifest)
}

/// What every backend's snapshot is named and stamped with.
struct Meta {
    name: String,
    host: String,
    label: Option<String>,
    release: String,
    now_ms: i64,
}

impl Meta {
    /// The manifest of the archive at `archive` (named `file`), holding `facts`.
    fn manifest(
        &self,
        database: &str,
        file: String,
        archive: &Path,
        facts: facts::Facts,
        started: std::time::Instant,
    ) -> Result<BackupManifest, BackupError> {
        Ok(BackupManifest {
            format: ploy_api::backup::MANIFEST_FORMAT,
            name: self.name.clone(),
            file,
            created_at_ms: self.now_ms,
            host: self.host.clone(),
            release: self.release.clone(),
            schema_version: facts.schema_version,
            database: database.to_owned(),
            label: self.label.clone(),
            bytes: std::fs::metadata(archive).map_or(0, |m| m.len()),
            sha256: files::sha256_file(archive)?,
            tables: facts.tables,
            fills_by_token: facts.fills_by_token,
            newest_order_ms: facts.newest_order_ms,
            newest_fill_ms: facts.newest_fill_ms,
            took_ms: files::elapsed_ms(started),
            verification: None,
            uploaded: None,
        })
    }
}

fn check(name: &str, ok: bool, detail: impl Into<String>) -> VerifyCheck {
    VerifyCheck {
        name: name.to_owned(),
        ok,
        detail: detail.into(),
    }
}

/// The newest migration this release knows for the backup's database kind.
fn known_schema(database: &str) -> i64 {
    if database == "postgres" {
        crate::storage::postgres::newest_known_migration()
    } else {
        crate::storage::sqlite::newest_known_migration()
    }
}

/// The checks made before anything is restored: the archive is the one
/// recorded, and its schema is one this release knows.
fn archive_checks(manifest: &BackupManifest, archive: &Path) -> Vec<VerifyCheck> {
    let known = known_schema(&manifest.database);
    let digest = files::sha256_file(archive);
    let sha_ok = digest.as_deref().is_ok_and(|d| d == manifest.sha256);
    let schema_ok = manifest.schema_version <= known;
    vec![
        check(
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
        ),
        check(
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
        ),
    ]
}

/// The restore drill of the backup whose manifest is `manifest_path`: the
/// manifest with its new `verification`, which is also written into it.
/// A PostgreSQL backup needs `url`, the server to make the scratch
/// database on.
pub async fn verify(
    manifest_path: &Path,
    url: Option<&DatabaseUrl>,
    release: &str,
    now_ms: i64,
) -> Result<BackupManifest, BackupError> {
    let started = std::time::Instant::now();
    let mut manifest = read_manifest(manifest_path)?;
    let dir = manifest_dir(manifest_path);
    let archive = dir.join(&manifest.file);
    let mut checks = archive_checks(&manifest, &archive);
    if checks.iter().all(|c| c.ok) {
        let drilled = if manifest.database == "postgres" {
            let url = url.filter(|u| u.is_postgres()).ok_or_else(|| {
                BackupError::Unsupported(
                    "a PostgreSQL backup is drilled on a PostgreSQL server: run ploy db verify with the config whose DATABASE_URL names it".to_owned(),
                )
            })?;
            postgres::drill(url, &archive, &manifest, &mut checks).await
        } else {
            let scratch = dir.join(format!(".verify-{}.db", manifest.name));
            let drilled = sqlite::drill(&archive, &scratch, &manifest, &mut checks).await;
            files::remove_sqlite_files(&scratch);
            drilled
        };
        if let Err(e) = drilled {
            checks.push(check("restore", false, e.to_string()));
        }
    }
    manifest.verification = Some(ploy_api::Verification {
        at_ms: now_ms,
        release: release.to_owned(),
        ok: checks.iter().all(|c| c.ok),
        checks,
        took_ms: files::elapsed_ms(started),
    });
    write_manifest(manifest_path, &manifest)?;
    Ok(manifest)
}

fn manifest_dir(manifest_path: &Path) -> PathBuf {
    match manifest_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// How `restore` runs.
#[derive(Debug, Clone)]
pub struct RestoreOptions {
    /// Only say what would be replaced.
    pub dry_run: bool,
    /// Save the kill switch as halted in the restored database, with this
    /// reason, so the engine starts halted until told otherwise.
    pub halt_reason: Option<String>,
    /// Where the backup of the replaced database goes.
    pub keep_dir: PathBuf,
    /// This release.
    pub release: String,
    /// Now (Unix ms).
    pub now_ms: i64,
}

/// Restores the backup whose manifest is `manifest_path` into the database
/// at `url`, keeping the current one aside. Refused (nothing changed) when
/// the archive is not the one recorded, its schema is newer than this
/// release's, the database kinds differ, or an instance holds the trading
/// lease.
pub async fn restore(
    manifest_path: &Path,
    url: &DatabaseUrl,
    options: &RestoreOptions,
) -> Result<RestoreReport, BackupError> {
    let started = std::time::Instant::now();
    let manifest = read_manifest(manifest_path)?;
    let archive = manifest_dir(manifest_path).join(&manifest.file);
    let kind = if url.is_sqlite() {
        "sqlite"
    } else {
        "postgres"
    };
    if manifest.database != kind {
        return Err(BackupError::Refused(format!(
            "{} is a {} backup and this host's database is {kind}",
            manifest.name, manifest.database
        )));
    }
    let failed: Vec<String> = archive_checks(&manifest, &archive)
        .into_iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    if !failed.is_empty() {
        return Err(BackupError::Refused(format!(
            "{} cannot be restored: {}",
            manifest.name,
            failed.join("; ")
        )));
    }
    let run = async {
        if url.is_sqlite() {
            sqlite::restore(url, &archive, &manifest, options).await
        } else {
            postgres::restore(url, &archive, &manifest, options).await
        }
    };
    // A plan reads only; a restore holds the trading lease throughout.
    let result = if options.dry_run {
        run.await
    } else {
        let source = crate::lease::LeaseSource::for_database(url);
        let lease = source
            .try_take()
            .await
            .map_err(|e| BackupError::Unsupported(format!("the trading lease: {e}")))?;
        let Some(lease) = lease else {
            return Err(BackupError::Refused(format!(
                "a ploy instance trades on this database ({} is held): stop it first (`ployctl restore` stops the service)",
                source.describe()
            )));
        };
        let result = run.await;
        lease.release().await;
        result
    };
    let (current, kept) = result?;
    Ok(RestoreReport {
        backup: manifest.name.clone(),
        database: manifest.database.clone(),
        dry_run: options.dry_run,
        current,
        restored: manifest.summary(),
        kept,
        took_ms: files::elapsed_ms(started),
    })
}

/// Saves the kill switch as halted in a freshly restored database (after
/// this release's migrations, as the engine's start would run them).
async fn halt_restored(url: &DatabaseUrl, reason: &str, now_ms: i64) -> Result<(), BackupError> {
    let store = crate::storage::connect(url, &crate::config::DatabaseConfig::default())
        .await
        .map_err(|e| BackupError::Unsupported(e.to_string()))?;
    let result = async {
        store.migrate().await?;
        store
            .set_trading_state(&crate::storage::TradingStateChange {
                state: crate::config::TradingState::Halted,
                changed_at_ms: now_ms,
                source: "ploy db restore".to_owned(),
                reason: Some(reason.to_owned()),
            })
            .await
    }
    .await;
    store.close().await;
    result.map_err(|e| BackupError::Unsupported(format!("the restored database: {e}")))
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
