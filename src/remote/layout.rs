//! The host layout under a root (`/opt/ploy`):
//!
//! ```text
//! releases/<name>/ploy, releases/<name>/release.json
//! releases/.tmp-<name>-<nonce>/   an upload in progress (removed by the next run)
//! current -> releases/<name>      switched atomically (symlink + rename)
//! bin/ploy -> ../current/ploy     what the systemd unit runs
//! config/config.toml, .env, data/, logs/, run/   shared by all releases
//! .ployctl/lock, audit.jsonl      the deploy lock and the audit log
//! .ployctl/ledger.jsonl           each release's standing (good, bad, unproven)
//! .ployctl/running                the release and pid ployctl or the guard last started
//! .ployctl/starts                 every start ployctl or the guard made (`<unix time> <release>`)
//! .ployctl/guard*                 the host-side guard (see `guard`)
//! ```

/// Paths under one host root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    root: String,
}

impl Layout {
    /// The layout under `root` (absolute, no trailing slash).
    pub fn new(root: &str) -> Self {
        Self {
            root: root.trim_end_matches('/').to_owned(),
        }
    }

    /// The root.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// `<root>/<rel>`.
    pub fn path(&self, rel: &str) -> String {
        format!("{}/{rel}", self.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_the_root() {
        let l = Layout::new("/opt/ploy/");
        assert_eq!(l.root(), "/opt/ploy");
        assert_eq!(l.path(".ployctl/lock"), "/opt/ploy/.ployctl/lock");
    }
}
