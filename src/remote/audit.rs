//! The audit log, `.ployctl/audit.jsonl`: one JSON object per deploy or rollback
//! on the host itself, so the history travels with the host.

use serde::{Deserialize, Serialize};

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When it ended (RFC 3339, UTC).
    pub at: String,
    /// `deploy` or `rollback`.
    pub action: String,
    /// The release it tried to make current.
    pub release: Option<String>,
    /// The release that was current before.
    pub previous: Option<String>,
    /// The release current afterwards.
    pub current_after: Option<String>,
    /// `success`, `rolled_back`, `failed`, `interrupted`, ….
    pub outcome: String,
    /// Why, when not a success.
    pub reason: Option<String>,
    /// `user@machine`.
    pub by: String,
    /// The CI run, when under GitHub Actions.
    pub ci_run_url: Option<String>,
    /// How long it took.
    pub duration_ms: u64,
    /// The ployctl version.
    pub ployctl_version: String,
}

impl AuditRecord {
    /// The record as one line.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).expect("audit record serializes");
        line.push('\n');
        line
    }
}
