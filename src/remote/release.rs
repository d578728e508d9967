//! Releases: their names, the `release.json` beside each binary, their
//! standing on a host, which one a rollback goes to and which ones a prune removes.

use serde::{Deserialize, Serialize};

use super::ledger::Standing;

/// `releases/<name>/release.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseInfo {
    /// The release name (its folder).
    pub version: String,
    /// The version `ploy version` reports, when known.
    #[serde(default)]
    pub ploy_version: Option<String>,
    /// sha256 of the binary, hex.
    pub sha256: String,
    /// Git revision, when known.
    #[serde(default)]
    pub git_sha: Option<String>,
    /// Who deployed it (`user@machine`).
    pub deployed_by: String,
    /// When (RFC 3339, UTC).
    pub deployed_at: String,
    /// From where: the CI run URL, or the local binary path.
    pub source: String,
    /// The ployctl version that deployed it.
    pub ployctl_version: String,
}

/// One release on a host, with its standing in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseEntry {
    /// Folder name.
    pub name: String,
    /// Its `release.json`, if readable.
    pub info: Option<ReleaseInfo>,
    /// Whether `current` points at it.
    pub current: bool,
    /// Whether the live service process runs it.
    pub running: bool,
    /// Whether a rollback without `--to` goes to it (the newest good release
    /// other than the current and the running one).
    pub previous: bool,
    /// `good`, `bad` or `unproven`.
    pub state: Standing,
    /// Why it is bad or unproven, when the ledger says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ReleaseEntry {
    fn deployed_at(&self) -> &str {
        self.info.as_ref().map_or("", |i| i.deployed_at.as_str())
    }
}

/// Sorts newest first (by deploy time, then name).
pub fn sort_newest_first(entries: &mut [ReleaseEntry]) {
    entries.sort_by(|a, b| {
        b.deployed_at()
            .cmp(a.deployed_at())
            .then_with(|| b.name.cmp(&a.name))
    });
}

/// The newest good release not in `except` (entries newest first).
pub fn newest_good<'a>(entries: &'a [ReleaseEntry], except: &[&str]) -> Option<&'a ReleaseEntry> {
    entries
        .iter()
        .find(|e| e.state == Standing::Good && !except.contains(&e.name.as_str()))
}

/// Marks the rollback target (`previous`) of entries sorted newest first.
pub fn mark_previous(entries: &mut [ReleaseEntry]) {
    let except: Vec<String> = entries
        .iter()
        .filter(|e| e.current || e.running)
        .map(|e| e.name.clone())
        .collect();
    let except: Vec<&str> = except.iter().map(String::as_str).collect();
    let target = newest_good(entries, &except).map(|e| e.name.clone());
    for e in entries.iter_mut() {
        e.previous = target.as_deref() == Some(e.name.as_str());
    }
}

/// Why a release name is refused.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 100 {
        return Err(format!("release name {name:?} must be 1 to 100 characters"));
    }
    if name.starts_with('.') || name.starts_with('-') {
        return Err(format!(
            "release name {name:?} must not start with '.' or '-'"
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
    {
        return Err(format!(
            "release name {name:?} may hold only letters, digits, '.', '_', '-' and '+'"
        ));
    }
    Ok(())
}

/// The default release name: the binary's version and the UTC time,
/// `0.1.0-20261124T021500Z`, so every deploy makes a new release.
pub fn default_name(ploy_version: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let clean: String = ploy_version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{clean}-{}", now.format("%Y%m%dT%H%M%SZ"))
}

/// Releases a prune removes: all but the newest `keep`, never the current or
/// the running one, the newest good one, or the rollback target (the newest
/// good one other than the current). Entries are sorted newest first; a bad
/// release beyond `keep` goes first, as any other.
pub fn to_prune(entries: &[ReleaseEntry], keep: usize) -> Vec<String> {
    let current: Vec<&str> = entries
        .iter()
        .filter(|e| e.current)
        .map(|e| e.name.as_str())
        .collect();
    let protected: Vec<&str> = [newest_good(entries, &[]), newest_good(entries, &current)]
        .into_iter()
        .flatten()
        .map(|e| e.name.as_str())
        .collect();
    entries
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            *i >= keep && !e.current && !e.running && !protected.contains(&e.name.as_str())
        })
        .map(|(_, e)| e.name.clone())
        .collect()
}

/// Picks the release a rollback goes to: the named one (exact, or a unique
/// prefix), else the newest good release other than `exclude` (the current,
/// the running and the failed release).
pub fn rollback_target(
    entries: &[ReleaseEntry],
    to: Option<&str>,
    exclude: &[&str],
) -> Result<String, String> {
    if let Some(to) = to {
        if let Some(e) = entries.iter().find(|e| e.name == to) {
            return Ok(e.name.clone());
        }
        let matches: Vec<&ReleaseEntry> =
            entries.iter().filter(|e| e.name.starts_with(to)).collect();
        return match matches.as_slice() {
            [one] => Ok(one.name.clone()),
            [] => Err(format!(
                "no release {to:?} on this host (releases: {})",
                entries
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            many => Err(format!(
                "{to:?} matches several releases: {}",
                many.iter()
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    newest_good(entries, exclude)
        .map(|e| e.name.clone())
        .ok_or_else(|| {
            "there is no good release to roll back to (none has been proven healthy, other than the current one)".to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, at: &str, state: Standing) -> ReleaseEntry {
        ReleaseEntry {
            name: name.into(),
            info: Some(ReleaseInfo {
                version: name.into(),
                ploy_version: Some("0.1.0".into()),
                sha256: "ab".into(),
                git_sha: None,
                deployed_by: "ci@runner".into(),
                deployed_at: at.into(),
                source: "local".into(),
                ployctl_version: "0.1.0".into(),
            }),
            current: false,
            running: false,
            previous: false,
            state,
            reason: None,
        }
    }

    /// e (current, good), d (bad), c (good), b (unproven), a (good): newest first.
    fn listing() -> Vec<ReleaseEntry> {
        let mut list = vec![
            entry("a", "2026-01-01T00:00:00Z", Standing::Good),
            entry("c", "2026-01-03T00:00:00Z", Standing::Good),
            entry("b", "2026-01-02T00:00:00Z", Standing::Unproven),
            entry("e", "2026-01-05T00:00:00Z", Standing::Good),
            entry("d", "2026-01-04T00:00:00Z", Standing::Bad),
        ];
        list[3].current = true;
        list[3].running = true;
        sort_newest_first(&mut list);
        mark_previous(&mut list);
        list
    }

    #[test]
    fn newest_first_and_the_rollback_target_is_the_newest_other_good() {
        let list = listing();
        let names: Vec<&str> = list.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["e", "d", "c", "b", "a"]);
        let previous: Vec<&str> = list
            .iter()
            .filter(|e| e.previous)
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(previous, ["c"], "the bad release d is skipped");
    }

    #[test]
    fn prune_keeps_current_running_and_the_newest_goods() {
        let list = listing();
        assert_eq!(to_prune(&list, 1), ["d", "b", "a"]);
        assert_eq!(to_prune(&list, 3), ["b", "a"]);
        // The rollback target survives even when it is old.
        let mut old = listing();
        old.retain(|e| e.name != "c");
        assert_eq!(to_prune(&old, 1), ["d", "b"], "a is the newest good but e");
        // A running release that is not current (a mismatch) is never removed.
        let mut mismatch = listing();
        mismatch[3].running = true;
        assert!(!to_prune(&mismatch, 1).contains(&"b".to_owned()));
    }

    #[test]
    fn rollback_target_skips_bad_and_unproven_releases() {
        let list = listing();
        assert_eq!(rollback_target(&list, None, &["e"]).unwrap(), "c");
        assert_eq!(rollback_target(&list, None, &["e", "c"]).unwrap(), "a");
        assert_eq!(rollback_target(&list, Some("d"), &["e"]).unwrap(), "d");
        assert!(rollback_target(&list, Some("zzz"), &[])
            .unwrap_err()
            .contains("no release"));
        assert!(rollback_target(&list, None, &["e", "c", "a"])
            .unwrap_err()
            .contains("no good release"));
    }

    #[test]
    fn names() {
        assert!(validate_name("0.1.0-20261124T021500Z").is_ok());
        assert!(validate_name("../etc").is_err());
        assert!(validate_name(".tmp").is_err());
        assert!(validate_name("a b").is_err());
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-24T02:15:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(default_name("0.1.0", t), "0.1.0-20261124T021500Z");
    }
}
