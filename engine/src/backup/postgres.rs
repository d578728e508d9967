//! PostgreSQL: `pg_dump --format=custom` of the engine's schema on a
//! snapshot the manifest's counts are read in too; drills restored by
//! `pg_restore` into a scratch database; restores that rebuild the schema
//! in one transaction (`psql --single-transaction`), so the database is
//! the old one or the new one, never neither.
//!
//! The client programs come from `PATH`, else the newest
//! `/usr/lib/postgresql/*/bin` or `/usr/pgsql-*/bin`. The password goes to
//! them in `PGPASSWORD`, never on a command line.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use ploy_api::backup::{BackupManifest, DatabaseSummary, VerifyCheck};
use rust_decimal::Decimal;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, Row};

use super::facts::{drill_checks, Facts};
use super::files;
use super::{check, io, BackupError, Meta, RestoreOptions, KEPT_LABEL};
use crate::config::DatabaseUrl;

const INSTALL: &str = "install the PostgreSQL client programs of the server's major version or newer (Debian/Ubuntu: apt-get install postgresql-client; Amazon Linux: dnf install postgresql15)";

/// Where a client program is.
fn tool(name: &'static str) -> Result<PathBuf, BackupError> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    let mut versioned: Vec<(u32, PathBuf)> = Vec::new();
    for (root, prefix) in [("/usr/lib/postgresql", ""), ("/usr", "pgsql-")] {
        for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
            let n = entry.file_name().to_string_lossy().into_owned();
            if let Some(v) = n.strip_prefix(prefix).and_then(|v| v.parse::<u32>().ok()) {
                versioned.push((v, entry.path().join("bin")));
            }
        }
    }
    versioned.sort_by_key(|(v, _)| std::cmp::Reverse(*v));
    dirs.extend(versioned.into_iter().map(|(_, p)| p));
    dirs.into_iter()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .ok_or_else(|| BackupError::Tool {
            tool: name,
            message: format!("not found on PATH or under /usr/lib/postgresql\n  hint: {INSTALL}"),
        })
}

/// The libpq URI of `url` without its password, and the password.
fn libpq_target(url: &DatabaseUrl) -> Result<(String, Option<String>), BackupError> {
    let mut parsed = url::Url::parse(url.expose())
        .map_err(|e| BackupError::Unsupported(format!("the database URL cannot be read ({e})")))?;
    let password = parsed
        .password()
        .map(|p| {
            percent_encoding::percent_decode_str(p)
                .decode_utf8_lossy()
                .into_owned()
        })
        .filter(|p| !p.is_empty());
    let _ = parsed.set_password(None);
    // Only the parameters libpq knows (sqlx accepts a few of its own).
    const LIBPQ: [&str; 12] = [
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "application_name",
        "options",
        "connect_timeout",
        "host",
        "port",
        "user",
        "dbname",
        "target_session_attrs",
    ];
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| LIBPQ.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    parsed.set_query(None);
    if !kept.is_empty() {
        parsed.query_pairs_mut().extend_pairs(kept);
    }
    Ok((parsed.to_string(), password))
}

/// The same server with another database name.
fn with_database(url: &DatabaseUrl, name: &str) -> Result<DatabaseUrl, BackupError> {
    let mut parsed = url::Url::parse(url.expose())
        .map_err(|e| BackupError::Unsupported(format!("the database URL cannot be read ({e})")))?;
    parsed.set_path(&format!("/{name}"));
    Ok(DatabaseUrl::new(parsed.to_string()))
}

/// Runs a client program against `url`; its standard output, or an error
/// with the last lines it printed.
async fn run(
    name: &'static str,
    url: Option<&DatabaseUrl>,
    args: &[String],
) -> Result<(), BackupError> {
    let program = tool(name)?;
    let mut command = tokio::process::Command::new(&program);
    command.args(args).env_remove("PGPASSWORD");
    let password = match url {
        Some(url) => {
            let (target, password) = libpq_target(url)?;
            command.arg(format!("--dbname={target}"));
            password
        },
        None => None,
    };
    command
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    if let Some(pw) = password {
        command.env("PGPASSWORD", pw);
    }
    command.stdout(std::process::Stdio::null());
    let output = command.output().await.map_err(|e| BackupError::Tool {
        tool: name,
        message: format!("cannot run {}: {e}", program.display()),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let last: Vec<&str> = said.lines().rev().take(6).collect();
    let said = last.into_iter().rev().collect::<Vec<_>>().join("\n  ");
    let hint = if said.contains("version mismatch") || said.contains("unsupported version") {
        format!("\n  hint: {INSTALL}")
    } else {
        String::new()
    };
    Err(BackupError::Tool {
        tool: name,
        message: format!("{} ({}):\n  {said}{hint}", output.status, program.display()),
    })
}

async fn connect(url: &DatabaseUrl) -> Result<PgConnection, BackupError> {
    let options = PgConnectOptions::from_str(url.expose())?;
    Ok(PgConnection::connect_with(&options).await?)
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn read_facts(conn: &mut PgConnection) -> Result<Facts, BackupError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_sqlx_migrations' ORDER BY tablename",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut facts = Facts::default();
    for name in names {
        // The name comes from pg_tables and is quoted as an identifier.
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {}",
            quote_ident(&name)
        )))
        .fetch_one(&mut *conn)
        .await?;
        facts.tables.insert(name, u64::try_from(n).unwrap_or(0));
    }
    if facts.tables.contains_key("fills") {
        for row in sqlx::query("SELECT token_id, side, size FROM fills")
            .fetch_all(&mut *conn)
            .await?
        {
            let size: Decimal = row.try_get("size")?;
            facts.add_fill(
                row.try_get("token_id")?,
                &row.try_get::<String, _>("side")?,
                size,
            );
        }
        facts.newest_fill_ms = sqlx::query_scalar("SELECT MAX(ts_ms) FROM fills")
            .fetch_one(&mut *conn)
            .await?;
    }
    if facts.tables.contains_key("positions") {
        for row in sqlx::query("SELECT token_id, size FROM positions")
            .fetch_all(&mut *conn)
            .await?
        {
            facts
                .positions
                .insert(row.try_get("token_id")?, row.try_get("size")?);
        }
    }
    if facts.tables.contains_key("orders") {
        facts.newest_order_ms = sqlx::query_scalar("SELECT MAX(created_at_ms) FROM orders")
            .fetch_one(&mut *conn)
            .await?;
    }
    let has_migrations: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if has_migrations {
        facts.schema_version = sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(&mut *conn)
        .await?
        .unwrap_or(0);
    }
    Ok(facts.normalized())
}

pub(super) async fn take(
    url: &DatabaseUrl,
    out: &Path,
    meta: &Meta,
) -> Result<BackupManifest, BackupError> {
    let started = Instant::now();
    tool("pg_dump")?;
    let mut conn = connect(url).await?;
    let size: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
        .fetch_one(&mut conn)
        .await?;
    // A custom-format dump is compressed and holds no index pages.
    files::ensure_space(out, u64::try_from(size).unwrap_or(0) / 2 + (1 << 20))?;
    let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
        .fetch_one(&mut conn)
        .await?;
    sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut conn)
        .await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut conn)
        .await?;
    let facts = read_facts(&mut conn).await?;
    let name = &meta.name;
    let file = format!("{name}.dump");
    let tmp = out.join(format!(".tmp-{file}"));
    let dumped = run(
        "pg_dump",
        Some(url),
        &[
            "--format=custom".to_owned(),
            "--no-password".to_owned(),
            format!("--snapshot={snapshot}"),
            format!("--schema={}", quote_ident(&schema)),
            format!("--file={}", tmp.display()),
        ],
    )
    .await;
    let _ = sqlx::query("COMMIT").execute(&mut conn).await;
    let _ = conn.close().await;
    if let Err(e) = dumped {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let archive = out.join(&file);
    std::fs::rename(&tmp, &archive).map_err(io("cannot rename into", &archive))?;
    files::sync_dir(out);
    meta.manifest("postgres", file, &archive, facts, started)
}

/// The archive's table of contents without its schema entries (the schema
/// exists wherever it is restored), for `pg_restore --use-list`.
async fn contents_without_schema(archive: &Path, list: &Path) -> Result<(), BackupError> {
    let program = tool("pg_restore")?;
    let output = tokio::process::Command::new(&program)
        .arg("--list")
        .arg(archive)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| BackupError::Tool {
            tool: "pg_restore",
            message: format!("cannot run {}: {e}", program.display()),
        })?;
    if !output.status.success() {
        return Err(BackupError::Tool {
            tool: "pg_restore",
            message: format!(
                "the archive cannot be read: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let kept: String = text
        .lines()
        .filter(|l| !l.contains(" SCHEMA - ") && !l.contains(" COMMENT - SCHEMA "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(list, kept).map_err(io("cannot write", list))
}

/// The name of a scratch database: `ploy_verify_<unix seconds>_<pid>`.
fn scratch_name(now_s: i64) -> String {
    format!("ploy_verify_{now_s}_{}", std::process::id())
}

/// Drops scratch databases an interrupted drill left more than an hour ago.
async fn drop_stale_scratch(conn: &mut PgConnection, now_s: i64) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'ploy\\_verify\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    for name in names {
        let born = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0);
        if now_s - born > 3600 {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&name)
            )))
            .execute(&mut *conn)
            .await;
        }
    }
}

/// Restores the archive into a scratch database on the server at `url` and
/// checks it; the scratch database is dropped after.
pub(super) async fn drill(
    url: &DatabaseUrl,
    archive: &Path,
    manifest: &BackupManifest,
    checks: &mut Vec<VerifyCheck>,
) -> Result<(), BackupError> {
    let now_s = crate::clock::wall_ms() / 1000;
    let name = scratch_name(now_s);
    let mut admin = connect(url).await?;
    drop_stale_scratch(&mut admin, now_s).await;
    let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
        .fetch_one(&mut admin)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {}",
        quote_ident(&name)
    )))
    .execute(&mut admin)
    .await
    .map_err(|e| {
        BackupError::Unsupported(format!(
            "the drill needs a scratch database and this role cannot create one ({e})\n  hint: ALTER ROLE <ploy's role> CREATEDB"
        ))
    })?;
    let scratch = with_database(url, &name)?;
    let result = async {
        {
            let mut conn = connect(&scratch).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS {}",
                quote_ident(&schema)
            )))
            .execute(&mut conn)
            .await?;
            let _ = conn.close().await;
        }
        let dir = archive.parent().unwrap_or(Path::new("."));
        let list = dir.join(format!(".verify-{}.list", manifest.name));
        contents_without_schema(archive, &list).await?;
        let restored = run(
            "pg_restore",
            Some(&scratch),
            &[
                "--no-owner".to_owned(),
                "--no-privileges".to_owned(),
                "--exit-on-error".to_owned(),
                "--no-password".to_owned(),
                format!("--use-list={}", list.display()),
                archive.display().to_string(),
            ],
        )
        .await;
        let _ = std::fs::remove_file(&list);
        checks.push(match &restored {
            Ok(()) => check(
                "integrity",
                true,
                "pg_restore into a scratch database: no error",
            ),
            Err(e) => check("integrity", false, e.to_string()),
        });
        if restored.is_err() {
            return Ok(());
        }
        let mut conn = connect(&scratch).await?;
        let before = read_facts(&mut conn).await;
        let _ = conn.close().await;
        let before = before?;
        let store = crate::storage::PostgresStore::connect(
            &scratch,
            &crate::config::DatabaseConfig::default(),
        )
        .await
        .map_err(|e| BackupError::Unsupported(e.to_string()))?;
        let migrated = crate::storage::Store::migrate(&store).await;
        crate::storage::Store::close(&store).await;
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
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_ident(&name)
    )))
    .execute(&mut admin)
    .await;
    let _ = admin.close().await;
    result
}

/// The restore, under the trading lease: the current schema kept (a backup
/// labelled [`KEPT_LABEL`]), then in one transaction every table of the
/// schema dropped and the archive's recreated and filled.
pub(super) async fn restore(
    url: &DatabaseUrl,
    archive: &Path,
    manifest: &BackupManifest,
    options: &RestoreOptions,
) -> Result<(Option<DatabaseSummary>, Option<String>), BackupError> {
    let mut conn = connect(url).await?;
    let current = read_facts(&mut conn).await?;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
    )
    .fetch_all(&mut conn)
    .await?;
    let _ = conn.close().await;
    let current = (!tables.is_empty()).then(|| current.summary());
    if options.dry_run {
        return Ok((current, None));
    }
    tool("pg_restore")?;
    tool("psql")?;
    let kept = if tables.is_empty() {
        None
    } else {
        let kept = super::take(
            url,
            &options.keep_dir,
            Some(KEPT_LABEL),
            &options.release,
            options.now_ms,
        )
        .await
        .map_err(|e| {
            BackupError::Refused(format!("the current database cannot be kept aside ({e})"))
        })?;
        Some(kept.name)
    };
    let dir = archive.parent().unwrap_or(Path::new("."));
    let list = dir.join(format!(".tmp-{}.list", manifest.name));
    let script = dir.join(format!(".tmp-{}.sql", manifest.name));
    let first = dir.join(format!(".tmp-{}.drop.sql", manifest.name));
    let result = async {
        contents_without_schema(archive, &list).await?;
        run(
            "pg_restore",
            None,
            &[
                "--no-owner".to_owned(),
                "--no-privileges".to_owned(),
                format!("--use-list={}", list.display()),
                format!("--file={}", script.display()),
                archive.display().to_string(),
            ],
        )
        .await?;
        let mut drop = String::from("SET client_min_messages = warning;\n");
        for t in &tables {
            drop.push_str(&format!(
                "DROP TABLE IF EXISTS {} CASCADE;\n",
                quote_ident(t)
            ));
        }
        std::fs::write(&first, drop).map_err(io("cannot write", &first))?;
        run(
            "psql",
            Some(url),
            &[
                "--no-psqlrc".to_owned(),
                "--quiet".to_owned(),
                "--no-password".to_owned(),
                "--single-transaction".to_owned(),
                "--set=ON_ERROR_STOP=1".to_owned(),
                format!("--file={}", first.display()),
                format!("--file={}", script.display()),
            ],
        )
        .await
    }
    .await;
    for f in [&list, &script, &first] {
        let _ = std::fs::remove_file(f);
    }
    result?;
    if let Some(reason) = &options.halt_reason {
        super::halt_restored(url, reason, options.now_ms).await?;
    }
    Ok((current, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_uri_and_only_libpq_parameters_stay() {
        let url = DatabaseUrl::new(
            "postgres://ploy:p%40ss@db.internal:6432/ploy?sslmode=require&statement-cache-capacity=10",
        );
        let (target, password) = libpq_target(&url).unwrap();
        assert_eq!(
            target,
            "postgres://ploy@db.internal:6432/ploy?sslmode=require"
        );
        assert_eq!(password.as_deref(), Some("p@ss"));
        let (target, password) = libpq_target(&DatabaseUrl::new("postgres://ploy@h/db")).unwrap();
        assert_eq!((target.as_str(), password), ("postgres://ploy@h/db", None));
        assert_eq!(
            with_database(&url, "ploy_verify_1_2").unwrap().expose(),
            "postgres://ploy:p%40ss@db.internal:6432/ploy_verify_1_2?sslmode=require&statement-cache-capacity=10"
        );
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("fills"), "\"fills\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
