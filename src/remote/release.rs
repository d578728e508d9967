//! Releases: their names, the `release.json` beside each binary, listing them
//! on a host, and which ones a prune removes.

use serde::{Deserialize, Serialize};

use super::layout::Layout;
use super::quote;

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

/// One release on a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseEntry {
    /// Folder name.
    pub name: String,
    /// Its `release.json`, if readable.
    pub info: Option<ReleaseInfo>,
    /// Whether `current` points at it.
    pub current: bool,
    /// Whether `.ployctl/previous` names it.
    pub previous: bool,
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

/// Lists release folders, each with its `release.json` on one line, then the
/// current and previous release.
pub fn list_script(layout: &Layout) -> String {
    format!(
        "cd {} 2>/dev/null || exit 0\n\
         for d in releases/*/; do [ -d \"$d\" ] || continue; n=${{d#releases/}}; n=${{n%/}}; \
         printf 'release\\t%s\\t' \"$n\"; tr -d '\\n' < \"$d/release.json\" 2>/dev/null; printf '\\n'; done\n\
         echo \"current\\t$(readlink current 2>/dev/null || true)\"\n\
         echo \"previous\\t$(cat .ployctl/previous 2>/dev/null || true)\"\n",
        quote(layout.root())
    )
}

/// Parses [`list_script`]'s output, newest first (by deploy time, then name).
pub fn parse_list(output: &str) -> Vec<ReleaseEntry> {
    let mut current = None;
    let mut previous = None;
    let mut entries = Vec::new();
    for line in output.lines() {
        let mut parts = line.splitn(3, '\t');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("release"), Some(name), json) => entries.push(ReleaseEntry {
                name: name.to_owned(),
                info: json.and_then(|j| serde_json::from_str(j).ok()),
                current: false,
                previous: false,
            }),
            (Some("current"), Some(target), _) => {
                current = target.strip_prefix("releases/").map(str::to_owned);
            },
            (Some("previous"), Some(name), _) if !name.trim().is_empty() => {
                previous = Some(name.trim().to_owned());
            },
            _ => {},
        }
    }
    for e in &mut entries {
        e.current = current.as_deref() == Some(e.name.as_str());
        e.previous = previous.as_deref() == Some(e.name.as_str());
    }
    entries.sort_by(|a, b| {
        let at = |e: &ReleaseEntry| {
            e.info
                .as_ref()
                .map(|i| i.deployed_at.clone())
                .unwrap_or_default()
        };
        at(b).cmp(&at(a)).then_with(|| b.name.cmp(&a.name))
    });
    entries
}

/// Releases a prune removes: all but the newest `keep`, never the current or
/// the previous one.
pub fn to_prune(entries: &[ReleaseEntry], keep: usize) -> Vec<String> {
    entries
        .iter()
        .enumerate()
        .filter(|(i, e)| *i >= keep && !e.current && !e.previous)
        .map(|(_, e)| e.name.clone())
        .collect()
}

/// Picks the release a rollback goes to: the named one (exact, or a unique
/// prefix), else the recorded previous one, else the newest older than current.
pub fn rollback_target(entries: &[ReleaseEntry], to: Option<&str>) -> Result<String, String> {
    let current = entries.iter().find(|e| e.current).map(|e| e.name.clone());
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
    if let Some(prev) = entries.iter().find(|e| e.previous && !e.current) {
        return Ok(prev.name.clone());
    }
    let current_index = entries.iter().position(|e| e.current);
    match current_index {
        Some(i) => entries.get(i + 1).map(|e| e.name.clone()),
        None => entries.first().map(|e| e.name.clone()),
    }
    .filter(|name| Some(name) != current.as_ref())
    .ok_or_else(|| "there is no previous release to roll back to".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, at: &str) -> String {
        serde_json::to_string(&ReleaseInfo {
            version: name.into(),
            ploy_version: Some("0.1.0".into()),
            sha256: "ab".into(),
            git_sha: None,
            deployed_by: "ci@runner".into(),
            deployed_at: at.into(),
            source: "local".into(),
            ployctl_version: "0.1.0".into(),
        })
        .unwrap()
    }

    fn listing() -> String {
        format!(
            "release\ta\t{}\nrelease\tb\t{}\nrelease\tc\t{}\nrelease\td\t{}\nrelease\tbroken\t\ncurrent\treleases/c\nprevious\tb\n",
            info("a", "2026-01-01T00:00:00Z"),
            info("b", "2026-01-02T00:00:00Z"),
            info("c", "2026-01-03T00:00:00Z"),
            info("d", "2025-12-01T00:00:00Z"),
        )
    }

    #[test]
    fn listing_is_newest_first_with_marks() {
        let list = parse_list(&listing());
        let names: Vec<&str> = list.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["c", "b", "a", "d", "broken"]);
        assert!(list[0].current && !list[0].previous);
        assert!(list[1].previous);
        assert!(list[4].info.is_none());
    }

    #[test]
    fn prune_keeps_newest_current_and_previous() {
        let list = parse_list(&listing());
        assert_eq!(to_prune(&list, 2), ["a", "d", "broken"]);
        // Previous survives even when old.
        let mut list = list;
        list.swap(1, 3);
        assert_eq!(to_prune(&list, 2), ["a", "broken"]);
    }

    #[test]
    fn rollback_target_selection() {
        let list = parse_list(&listing());
        assert_eq!(rollback_target(&list, None).unwrap(), "b");
        assert_eq!(rollback_target(&list, Some("a")).unwrap(), "a");
        assert!(rollback_target(&list, Some("zzz"))
            .unwrap_err()
            .contains("no release"));
        let only = parse_list(&format!(
            "release\tc\t{}\ncurrent\treleases/c\n",
            info("c", "x")
        ));
        assert!(rollback_target(&only, None).is_err());
        let no_prev = parse_list(&format!(
            "release\tc\t{}\nrelease\tb\t{}\ncurrent\treleases/c\n",
            info("c", "2026-01-03T00:00:00Z"),
            info("b", "2026-01-02T00:00:00Z")
        ));
        assert_eq!(rollback_target(&no_prev, None).unwrap(), "b");
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
