//! The host layout under a root (`/opt/ploy`):
//!
//! ```text
//! releases/<name>/ploy, releases/<name>/release.json
//! releases/.tmp-<name>-<nonce>/   an upload in progress (removed by the next run)
//! current -> releases/<name>      switched atomically (symlink + rename)
//! bin/ploy -> ../current/ploy     what the systemd unit runs
//! config/config.toml, .env, data/, logs/, run/   shared by all releases
//! .ployctl/lock, .ployctl/audit.jsonl, .ployctl/previous
//! ```

use super::{key_values, quote};
use crate::inventory::ServiceKind;

/// Paths and scripts for one host root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    root: String,
}

/// What [`Layout::preflight_script`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preflight {
    /// Free space where releases go, in KiB.
    pub free_kib: Option<u64>,
    /// Whether `config/config.toml` exists.
    pub config_present: bool,
    /// Whether the service manager is usable.
    pub manager_present: bool,
    /// Whether `sha256sum` exists.
    pub sha256sum_present: bool,
    /// The current release, if any.
    pub current: Option<String>,
    /// The release recorded in `.ployctl/previous`, if any.
    pub previous: Option<String>,
    /// Upload folders left by an interrupted run (removed by the preflight).
    pub stale_uploads: Vec<String>,
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

    /// The folder of a release.
    pub fn release_dir(&self, name: &str) -> String {
        self.path(&format!("releases/{name}"))
    }

    /// The config file passed to `ploy --config`.
    pub fn config_file(&self) -> String {
        self.path("config/config.toml")
    }

    /// Creates the shared folders, removes interrupted uploads, and reports
    /// free space, the config, the service manager and the current release.
    pub fn preflight_script(&self, service: ServiceKind) -> String {
        let r = quote(&self.root);
        let manager = match service {
            ServiceKind::Systemd => {
                "if command -v systemctl >/dev/null 2>&1 && sudo -n -l systemctl restart ploy >/dev/null 2>&1; then echo manager=yes; else echo manager=no; fi"
            },
            ServiceKind::Daemon => {
                "if command -v start-stop-daemon >/dev/null 2>&1; then echo manager=yes; else echo manager=no; fi"
            },
        };
        format!(
            "set -e\n\
             cd {r} 2>/dev/null || mkdir -p {r}\n\
             cd {r}\n\
             mkdir -p releases bin config data logs run .ployctl\n\
             for d in releases/.tmp-*; do if [ -e \"$d\" ]; then echo \"stale_upload=$d\"; rm -rf \"$d\"; fi; done\n\
             echo \"free_kib=$(df -Pk releases | awk 'NR==2 {{print $4}}')\"\n\
             if [ -f config/config.toml ]; then echo config=yes; else echo config=no; fi\n\
             {manager}\n\
             if command -v sha256sum >/dev/null 2>&1; then echo sha256sum=yes; else echo sha256sum=no; fi\n\
             echo \"current=$(readlink current 2>/dev/null || true)\"\n\
             echo \"previous=$(cat .ployctl/previous 2>/dev/null || true)\"\n"
        )
    }

    /// Parses [`preflight_script`](Self::preflight_script)'s output.
    pub fn parse_preflight(output: &str) -> Preflight {
        let kv = key_values(output);
        let yes = |k: &str| kv.get(k).is_some_and(|v| v == "yes");
        Preflight {
            free_kib: kv.get("free_kib").and_then(|v| v.parse().ok()),
            config_present: yes("config"),
            manager_present: yes("manager"),
            sha256sum_present: yes("sha256sum"),
            current: kv
                .get("current")
                .and_then(|v| v.strip_prefix("releases/"))
                .map(str::to_owned)
                .filter(|v| !v.is_empty()),
            previous: kv.get("previous").filter(|v| !v.is_empty()).cloned(),
            stale_uploads: output
                .lines()
                .filter_map(|l| l.strip_prefix("stale_upload="))
                .map(str::to_owned)
                .collect(),
        }
    }

    /// Creates an upload folder and streams stdin into its `ploy`.
    pub fn upload_script(&self, tmp: &str) -> String {
        let dir = quote(&self.path(&format!("releases/{tmp}")));
        format!("mkdir -p {dir} && cat > {dir}/ploy")
    }

    /// Prints the sha256 of an uploaded binary.
    pub fn sha256_script(&self, tmp: &str) -> String {
        format!(
            "sha256sum {}/ploy",
            quote(&self.path(&format!("releases/{tmp}")))
        )
    }

    /// Writes `release.json` from stdin, makes the binary executable and moves
    /// the upload folder into place (one rename: never half-written).
    pub fn finalize_script(&self, tmp: &str, name: &str) -> String {
        let tmp_dir = quote(&self.path(&format!("releases/{tmp}")));
        let dest = quote(&self.release_dir(name));
        format!(
            "set -e\ncat > {tmp_dir}/release.json\nchmod 0755 {tmp_dir}/ploy\n\
             if [ -e {dest} ]; then echo \"release {name} already exists\" >&2; exit 17; fi\n\
             mv {tmp_dir} {dest}"
        )
    }

    /// Removes an upload or release folder.
    pub fn remove_script(&self, rel_dirs: &[String]) -> String {
        let paths: Vec<String> = rel_dirs
            .iter()
            .map(|d| quote(&self.path(&format!("releases/{d}"))))
            .collect();
        format!("rm -rf {}", paths.join(" "))
    }

    /// Runs a release's `ploy check-config` against the host's config, from the root.
    pub fn check_config_script(&self, name: &str) -> String {
        format!(
            "cd {} && {}/ploy --config {} check-config",
            quote(&self.root),
            quote(&self.release_dir(name)),
            quote(&self.config_file())
        )
    }

    /// Runs a binary's `ploy version --json` on the host.
    pub fn version_script(&self, name: &str) -> String {
        format!("{}/ploy version --json", quote(&self.release_dir(name)))
    }

    /// Points `current` at a release and `bin/ploy` at `current/ploy`, each by a
    /// symlink under a temporary name renamed over the old one (atomic), and
    /// records the release it replaced in `.ployctl/previous`.
    pub fn switch_script(&self, name: &str, previous: Option<&str>) -> String {
        let record = match previous {
            Some(p) if p != name => format!("printf '%s\\n' {} > .ployctl/previous\n", quote(p)),
            _ => String::new(),
        };
        format!(
            "set -e\ncd {}\ntest -x {}/ploy\n\
             ln -sfn {} .current.tmp\nmv -fT .current.tmp current\n\
             ln -sfn ../current/ploy bin/.ploy.tmp\nmv -fT bin/.ploy.tmp bin/ploy\n{record}",
            quote(&self.root),
            quote(&format!("releases/{name}")),
            quote(&format!("releases/{name}"))
        )
    }

    /// Reads `.ployctl/previous`.
    pub fn read_previous_script(&self) -> String {
        format!(
            "cat {} 2>/dev/null || true",
            quote(&self.path(".ployctl/previous"))
        )
    }

    /// Appends one line (stdin) to the audit log.
    pub fn audit_append_script(&self) -> String {
        format!(
            "mkdir -p {} && cat >> {}",
            quote(&self.path(".ployctl")),
            quote(&self.path(".ployctl/audit.jsonl"))
        )
    }

    /// Prints the last `n` audit records.
    pub fn audit_tail_script(&self, n: usize) -> String {
        format!(
            "tail -n {n} {} 2>/dev/null || true",
            quote(&self.path(".ployctl/audit.jsonl"))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_is_symlink_then_rename() {
        let l = Layout::new("/opt/ploy/");
        assert_eq!(
            l.switch_script("0.2.0", Some("0.1.0")),
            "set -e\ncd /opt/ploy\ntest -x releases/0.2.0/ploy\n\
             ln -sfn releases/0.2.0 .current.tmp\nmv -fT .current.tmp current\n\
             ln -sfn ../current/ploy bin/.ploy.tmp\nmv -fT bin/.ploy.tmp bin/ploy\n\
             printf '%s\\n' 0.1.0 > .ployctl/previous\n"
        );
        assert!(!l.switch_script("0.2.0", Some("0.2.0")).contains("previous"));
    }

    #[test]
    fn check_config_runs_the_new_binary_from_the_root() {
        let l = Layout::new("/opt/my ploy");
        assert_eq!(
            l.check_config_script("1.0"),
            "cd '/opt/my ploy' && '/opt/my ploy/releases/1.0'/ploy --config '/opt/my ploy/config/config.toml' check-config"
        );
    }

    #[test]
    fn preflight_output_parses() {
        let out = "stale_upload=releases/.tmp-1.0-ab\nfree_kib=1048576\nconfig=yes\nmanager=no\nsha256sum=yes\ncurrent=releases/0.9\n";
        let p = Layout::parse_preflight(out);
        assert_eq!(p.free_kib, Some(1_048_576));
        assert!(p.config_present && !p.manager_present && p.sha256sum_present);
        assert_eq!(p.current.as_deref(), Some("0.9"));
        assert_eq!(p.previous, None);
        assert_eq!(p.stale_uploads, ["releases/.tmp-1.0-ab"]);
        assert_eq!(Layout::parse_preflight("current=\n").current, None);
    }

    #[test]
    fn finalize_refuses_to_overwrite() {
        let s = Layout::new("/r").finalize_script(".tmp-1-x", "1");
        assert!(s.contains("if [ -e /r/releases/1 ]; then"));
        assert!(s.ends_with("mv /r/releases/.tmp-1-x /r/releases/1"));
    }
}
