//! Which backups to keep, as a pure decision: the newest `keep_last`, the
//! newest of each of the last `keep_daily` days and of each of the last
//! `keep_weekly` ISO weeks (UTC) that have one, and always the newest
//! verified backup and every backup a restore kept of the database it
//! replaced (label `kept-before-restore`), and, when backups are copied off
//! the host, every one whose copy is not made yet, whatever else says.
//! Everything else is pruned.

use std::collections::BTreeSet;

use chrono::{Datelike, TimeZone, Utc};
use ploy_api::BackupManifest;
use serde::{Deserialize, Serialize};

/// The inventory's `[backup]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionPolicy {
    /// The newest backups kept (1 to 1000).
    pub keep_last: usize,
    /// Days whose newest backup is kept (0 to 366).
    pub keep_daily: usize,
    /// ISO weeks whose newest backup is kept (0 to 520).
    pub keep_weekly: usize,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            keep_last: 7,
            keep_daily: 7,
            keep_weekly: 4,
        }
    }
}

impl RetentionPolicy {
    /// Every value within its range, or what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let check = |name: &str, value: usize, lo: usize, hi: usize| {
            if (lo..=hi).contains(&value) {
                Ok(())
            } else {
                Err(format!("{name} must be {lo} to {hi} (got {value})"))
            }
        };
        check("keep_last", self.keep_last, 1, 1000)?;
        check("keep_daily", self.keep_daily, 0, 366)?;
        check("keep_weekly", self.keep_weekly, 0, 520)
    }
}

/// The names of the backups to prune, oldest first. `destination` is where
/// backups are copied (`s3://…`), if anywhere.
pub fn doomed(
    backups: &[BackupManifest],
    policy: &RetentionPolicy,
    destination: Option<&str>,
) -> Vec<String> {
    let mut by_age: Vec<&BackupManifest> = backups.iter().collect();
    by_age.sort_by_key(|b| std::cmp::Reverse(b.created_at_ms));
    let mut keep: BTreeSet<&str> = BTreeSet::new();
    keep.extend(
        by_age
            .iter()
            .take(policy.keep_last)
            .map(|b| b.name.as_str()),
    );
    let day = |b: &BackupManifest| {
        Utc.timestamp_millis_opt(b.created_at_ms)
            .single()
            .map(|t| t.date_naive())
    };
    let mut days = BTreeSet::new();
    let mut weeks = BTreeSet::new();
    for b in &by_age {
        let Some(d) = day(b) else { continue };
        if days.len() < policy.keep_daily && days.insert(d) {
            keep.insert(&b.name);
        }
        let week = (d.iso_week().year(), d.iso_week().week());
        if weeks.len() < policy.keep_weekly && weeks.insert(week) {
            keep.insert(&b.name);
        }
    }
    if let Some(newest_verified) = by_age.iter().find(|b| b.verified()) {
        keep.insert(&newest_verified.name);
    }
    keep.extend(
        by_age
            .iter()
            .filter(|b| b.kept_by_restore())
            .map(|b| b.name.as_str()),
    );
    if let Some(to) = destination {
        keep.extend(
            by_age
                .iter()
                .filter(|b| b.uploaded.as_ref().is_none_or(|u| u.to != to))
                .map(|b| b.name.as_str()),
        );
    }
    let mut out: Vec<String> = by_age
        .iter()
        .rev()
        .filter(|b| !keep.contains(b.name.as_str()))
        .map(|b| b.name.clone())
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn backup(name: &str, at_ms: i64, verified: bool) -> BackupManifest {
        BackupManifest {
            format: 1,
            name: name.to_owned(),
            file: format!("{name}.db.gz"),
            created_at_ms: at_ms,
            host: "h".into(),
            release: "1.0.0".into(),
            schema_version: 1,
            database: "sqlite".into(),
            label: None,
            bytes: 1,
            sha256: "0".repeat(64),
            tables: Default::default(),
            fills_by_token: Default::default(),
            newest_order_ms: None,
            newest_fill_ms: None,
            uploaded: None,
            took_ms: 0,
            verification: verified.then(|| ploy_api::Verification {
                at_ms,
                release: "1.0.0".into(),
                ok: true,
                checks: vec![],
                took_ms: 0,
            }),
        }
    }

    #[test]
    fn keeps_the_newest_the_dailies_and_the_weeklies() {
        // Two a day for 30 days; 2026-11-02 is a Monday.
        let start = 1_793_577_600_000; // 2026-11-02T00:00:00Z
        let backups: Vec<BackupManifest> = (0..60)
            .map(|i| backup(&format!("b{i:02}"), start + i * DAY / 2, false))
            .collect();
        let policy = RetentionPolicy {
            keep_last: 3,
            keep_daily: 2,
            keep_weekly: 3,
        };
        let pruned = doomed(&backups, &policy, None);
        let kept: Vec<&str> = backups
            .iter()
            .map(|b| b.name.as_str())
            .filter(|n| !pruned.iter().any(|p| p == n))
            .collect();
        // The newest 3 (b57..b59); the newest of the last 2 days (b59 on
        // Tue 1 Dec, b57 on Mon 30 Nov); the newest of the last 3 ISO weeks
        // (b59 in week 49, b55 on Sun 29 Nov, b41 on Sun 22 Nov).
        assert_eq!(kept, ["b41", "b55", "b57", "b58", "b59"], "{pruned:?}");
        assert_eq!(
            pruned.first().map(String::as_str),
            Some("b00"),
            "oldest first"
        );
    }

    #[test]
    fn never_prunes_the_newest_verified_backup() {
        let backups = vec![
            backup("old-verified", 0, true),
            backup("a", DAY, false),
            backup("b", 2 * DAY, false),
        ];
        let policy = RetentionPolicy {
            keep_last: 1,
            keep_daily: 0,
            keep_weekly: 0,
        };
        assert_eq!(doomed(&backups, &policy, None), ["a"]);
    }

    #[test]
    fn never_prunes_what_a_restore_kept_nor_a_copy_not_made_yet() {
        let mut kept = backup("kept", 0, false);
        kept.label = Some(ploy_api::KEPT_LABEL.to_owned());
        let mut copied = backup("copied", DAY, false);
        copied.uploaded = Some(ploy_api::Upload {
            to: "s3://b/p".into(),
            at_ms: DAY,
        });
        let pending = backup("pending", 2 * DAY, false);
        let newest = backup("newest", 3 * DAY, false);
        let backups = vec![kept, copied, pending, newest];
        let policy = RetentionPolicy {
            keep_last: 1,
            keep_daily: 0,
            keep_weekly: 0,
        };
        assert_eq!(doomed(&backups, &policy, None), ["copied", "pending"]);
        assert_eq!(doomed(&backups, &policy, Some("s3://b/p")), ["copied"]);
        assert_eq!(
            doomed(&backups, &policy, Some("s3://other")),
            Vec::<String>::new(),
            "copied elsewhere is not copied here"
        );
    }

    #[test]
    fn ranges_are_checked() {
        assert!(RetentionPolicy::default().validate().is_ok());
        let zero = RetentionPolicy {
            keep_last: 0,
            ..RetentionPolicy::default()
        };
        assert!(zero
            .validate()
            .unwrap_err()
            .contains("keep_last must be 1 to 1000"));
    }
}
