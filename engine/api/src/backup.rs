//! A database backup's manifest (`<name>.json` beside `<name>.db.gz` or
//! `<name>.dump`): what `ploy db backup` wrote and `ploy db verify` proved,
//! read by `ployctl backup list` and `daily-check`; and what `ploy db
//! restore` reports. Holds no secret: the
//! database is named by its kind, never by its URL.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The manifest's format; a reader refuses a newer one.
pub const MANIFEST_FORMAT: u32 = 1;

/// The label of the backup a restore takes of the database it replaces.
pub const KEPT_LABEL: &str = "kept-before-restore";

/// One backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupManifest {
    /// [`MANIFEST_FORMAT`] when written.
    pub format: u32,
    /// `ploy-<UTC time>-<host>[-<label>]`, the file names' stem.
    pub name: String,
    /// The archive's file name (in the same folder).
    pub file: String,
    /// When the snapshot was taken (Unix ms).
    pub created_at_ms: i64,
    /// The host it was taken on.
    pub host: String,
    /// The `ploy` release that took it.
    pub release: String,
    /// The newest migration applied to the database (its version).
    pub schema_version: i64,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// The operator's label, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The archive's size in bytes.
    pub bytes: u64,
    /// The archive's sha256 (hex).
    pub sha256: String,
    /// Rows per table at the snapshot.
    pub tables: BTreeMap<String, u64>,
    /// Net shares bought less sold per token, summed over the fills.
    pub fills_by_token: BTreeMap<String, Decimal>,
    /// The newest order's creation time (Unix ms), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_order_ms: Option<i64>,
    /// The newest fill's time (Unix ms), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_fill_ms: Option<i64>,
    /// How long the snapshot, the counts and the compression took (ms).
    pub took_ms: u64,
    /// The last restore drill, if one ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// Where the backup was copied off the host, once it was (the local
    /// manifest only: the copy's own manifest never says it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded: Option<Upload>,
}

/// A backup's copy in object storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    /// `s3://bucket/prefix` (no credentials ever appear here).
    pub to: String,
    /// When the upload finished (Unix ms).
    pub at_ms: i64,
}

/// What `ploy db restore` did (or, with `--dry-run`, would do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreReport {
    /// The backup restored.
    pub backup: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// Whether this was only the plan.
    pub dry_run: bool,
    /// What the database held before (absent when there was none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<DatabaseSummary>,
    /// What the backup holds.
    pub restored: DatabaseSummary,
    /// Where the database that was replaced is kept: a backup's name under
    /// the same folder, or a file beside the database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<String>,
    /// How long it took (ms).
    pub took_ms: u64,
}

/// A database at a glance: what a restore replaces and what it brings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseSummary {
    /// Rows per table.
    pub tables: BTreeMap<String, u64>,
    /// The newest order's creation time (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_order_ms: Option<i64>,
    /// The newest fill's time (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_fill_ms: Option<i64>,
    /// The newest migration applied.
    pub schema_version: i64,
}

/// What a restore drill (`ploy db verify`) found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// When it ran (Unix ms).
    pub at_ms: i64,
    /// The release that ran it.
    pub release: String,
    /// Whether every check passed.
    pub ok: bool,
    /// Each check and what it found.
    pub checks: Vec<VerifyCheck>,
    /// How long it took (ms).
    pub took_ms: u64,
}

/// One check of a restore drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyCheck {
    /// `sha256`, `schema`, `integrity`, `migrations`, `row_counts`,
    /// `positions`, `newest_order`.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// What it found.
    pub detail: String,
}

impl BackupManifest {
    /// Whether the last restore drill passed.
    pub fn verified(&self) -> bool {
        self.verification.as_ref().is_some_and(|v| v.ok)
    }

    /// Whether this backup holds a database that a restore replaced (label
    /// `kept-before-restore`): retention never prunes it.
    pub fn kept_by_restore(&self) -> bool {
        self.label.as_deref() == Some(KEPT_LABEL)
    }

    /// The summary a restore compares.
    pub fn summary(&self) -> DatabaseSummary {
        DatabaseSummary {
            tables: self.tables.clone(),
            newest_order_ms: self.newest_order_ms,
            newest_fill_ms: self.newest_fill_ms,
            schema_version: self.schema_version,
        }
    }
}

/// `s3://bucket/prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The bucket.
    pub bucket: String,
    /// The folder in it, without slashes at either end (may be empty).
    pub prefix: String,
}

impl Destination {
    /// Parses `s3://bucket[/prefix]`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let rest = text.strip_prefix("s3://").ok_or_else(|| {
            format!("{text:?} is not an s3:// address (expected s3://bucket/prefix)")
        })?;
        if text.contains('@') || text.contains('?') || text.contains('#') {
            return Err("an s3:// address holds no credentials or query: give them in the host's .env (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or use its instance role".to_owned());
        }
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.'));
        if !bucket_ok {
            return Err(format!(
                "{bucket:?} is not an S3 bucket name (3 to 63 lowercase letters, digits, '-', '.')"
            ));
        }
        let prefix = prefix.trim_matches('/').to_owned();
        if prefix.split('/').any(|p| p == ".." || p == ".")
            || !prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        {
            return Err(format!(
                "{prefix:?}: a prefix is letters, digits, '-', '_', '.' and '/', with no '.' or '..' parts"
            ));
        }
        Ok(Self {
            bucket: bucket.to_owned(),
            prefix,
        })
    }

    /// The object name of `file` under the prefix.
    pub fn object(&self, file: &str) -> String {
        if self.prefix.is_empty() {
            file.to_owned()
        } else {
            format!("{}/{file}", self.prefix)
        }
    }

    /// The same bucket, one folder deeper (a host's own backups).
    pub fn join(&self, folder: &str) -> Self {
        Self {
            bucket: self.bucket.clone(),
            prefix: self.object(folder),
        }
    }
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.prefix.is_empty() {
            write!(f, "s3://{}", self.bucket)
        } else {
            write!(f, "s3://{}/{}", self.bucket, self.prefix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_parse_and_refuse_what_is_not_one() {
        let d = Destination::parse("s3://ploy-backups/prod/bot-1/").unwrap();
        assert_eq!(
            (d.bucket.as_str(), d.prefix.as_str()),
            ("ploy-backups", "prod/bot-1")
        );
        assert_eq!(d.to_string(), "s3://ploy-backups/prod/bot-1");
        assert_eq!(d.object("a.json"), "prod/bot-1/a.json");
        assert_eq!(d.join("h2").to_string(), "s3://ploy-backups/prod/bot-1/h2");
        let bare = Destination::parse("s3://ploy-backups").unwrap();
        assert_eq!(bare.object("a.json"), "a.json");
        for bad in [
            "ploy-backups/x",
            "s3://UPPER/x",
            "s3://ab",
            "s3://key:secret@bucket/x",
            "s3://bucket/../x",
            "https://bucket/x",
            "s3://bucket/a b",
            "s3://bucket/$(x)",
        ] {
            assert!(Destination::parse(bad).is_err(), "{bad}");
        }
        assert!(Destination::parse("s3://key:secret@bucket/x")
            .unwrap_err()
            .contains(".env"));
    }
}
