//! The release ledger, `.ployctl/ledger.jsonl`: one JSON line each time a
//! release's standing changes. A release is `good` once it has been proven
//! healthy through the stability window, `bad` once it failed a proof (with the
//! reason and the failing checks), and `unproven` otherwise (switched to but
//! never confirmed, or rolled back by the guard without evidence of a fault).
//! The last line about a release is its standing. ployctl and the host-side
//! guard both append; neither rewrites.

use serde::{Deserialize, Serialize};

use super::plain_text;

/// A release's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    /// Proven healthy through the stability window.
    Good,
    /// Failed a proof.
    Bad,
    /// Never proven either way.
    Unproven,
}

impl Standing {
    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Good => "good",
            Standing::Bad => "bad",
            Standing::Unproven => "unproven",
        }
    }
}

/// One ledger line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The release.
    pub release: String,
    /// Its standing from now on.
    pub state: Standing,
    /// Why (for `bad` and `unproven`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `ployctl user@machine`, or `guard (armed by user@machine)`.
    pub by: String,
    /// Failing health checks, when a proof failed on them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
}

impl Verdict {
    /// A verdict now.
    pub fn now(release: &str, state: Standing, reason: Option<&str>, by: &str) -> Self {
        Self {
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            release: release.to_owned(),
            state,
            reason: reason.map(plain_text),
            by: plain_text(by),
            checks: Vec::new(),
        }
    }

    /// With the failing checks.
    pub fn with_checks(mut self, checks: &[String]) -> Self {
        self.checks = checks.iter().map(|c| plain_text(c)).collect();
        self
    }

    /// The line to append.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("verdict serializes")
    }
}

/// Every verdict read from a host, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    verdicts: Vec<Verdict>,
}

impl Ledger {
    /// Parses ledger lines; lines that are not verdicts are skipped.
    pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            verdicts: lines
                .into_iter()
                .filter_map(|l| serde_json::from_str(l.trim()).ok())
                .collect(),
        }
    }

    /// The latest verdict about `release`.
    pub fn latest(&self, release: &str) -> Option<&Verdict> {
        self.verdicts.iter().rev().find(|v| v.release == release)
    }

    /// A release's standing (`unproven` when the ledger never named it).
    pub fn standing(&self, release: &str) -> Standing {
        self.latest(release).map_or(Standing::Unproven, |v| v.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_verdict_about_a_release_is_its_standing() {
        let lines = [
            r#"{"at":"2026-11-01T00:00:00Z","release":"1.0","state":"unproven","by":"ployctl a@b"}"#,
            r#"{"at":"2026-11-01T00:00:10Z","release":"1.0","state":"good","by":"ployctl a@b"}"#,
            r#"{"at":"2026-11-02T00:00:00Z","release":"2.0","state":"bad","reason":"healthy, then not","by":"guard (armed by a@b)","checks":["database: down"]}"#,
            "not json",
        ];
        let ledger = Ledger::parse(lines);
        assert_eq!(ledger.standing("1.0"), Standing::Good);
        assert_eq!(ledger.standing("2.0"), Standing::Bad);
        assert_eq!(ledger.standing("3.0"), Standing::Unproven);
        assert_eq!(ledger.latest("2.0").unwrap().checks, ["database: down"]);
    }

    #[test]
    fn a_verdict_line_round_trips_and_is_plain() {
        let v = Verdict::now(
            "2.0",
            Standing::Bad,
            Some("said \"no\"\nbye"),
            "ployctl a@b",
        )
        .with_checks(&["api: refused".to_owned()]);
        let line = v.to_line();
        assert!(!line.contains('\n'));
        let back: Verdict = serde_json::from_str(&line).unwrap();
        assert_eq!(back.reason.as_deref(), Some("said 'no'; bye"));
        assert_eq!(back.state, Standing::Bad);
    }
}
