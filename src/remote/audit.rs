//! The audit log, `.ployctl/audit.jsonl`: one JSON object per deploy,
//! rollback, config push or kill-switch change on the host itself, so the
//! history travels with the host.

use serde::{Deserialize, Serialize};

use super::quote;

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
    /// A kill-switch change: the state before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_before: Option<String>,
    /// A kill-switch change: the state after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_after: Option<String>,
}

/// Appends one line to the audit log without the deploy lock (a kill-switch
/// change must never wait for a deploy); lines are small, and appended with
/// one write each. Prints `audited=yes` when written.
pub fn append_script(prelude: &str, line: &str) -> String {
    format!(
        "{prelude}mkdir -p \"$R/.ployctl\" && printf '%s\\n' {} >> \"$R/.ployctl/audit.jsonl\" && echo audited=yes\n",
        quote(line.trim_end())
    )
}

/// Prints the audit log (nothing when there is none).
pub fn read_script(prelude: &str) -> String {
    format!("{prelude}cat \"$R/.ployctl/audit.jsonl\" 2>/dev/null || true\n")
}

impl AuditRecord {
    /// The record as one line.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).expect("audit record serializes");
        line.push('\n');
        line
    }
}
