//! A database backup's manifest (`<name>.json` beside `<name>.db.gz` or
//! `<name>.dump`): what `ploy db backup` wrote and `ploy db verify` proved,
//! read by `ployctl backup list` and `daily-check`. Holds no secret: the
//! database is named by its kind, never by its URL.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The manifest's format; a reader refuses a newer one.
pub const MANIFEST_FORMAT: u32 = 1;

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
    /// How long the snapshot, the counts and the compression took (ms).
    pub took_ms: u64,
    /// The last restore drill, if one ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
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
}
