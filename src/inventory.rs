//! The inventory (`ployctl.toml`): hosts, their groups (tags) and the defaults,
//! and how `-H` values are resolved against it into [`Host`]s.
//!
//! ```toml
//! [defaults]
//! user = "ploy"
//! keep_releases = 5
//! stability_window = "10s"
//!
//! [checks]              # what `daily-check` judges by (see `daily::Thresholds`)
//! disk_free_warn = 20
//!
//! [hosts.prod-1]
//! address = "10.0.1.5"
//! tags = ["prod"]
//! checks = { errors_warn = 5 }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::daily::{CheckFields, Thresholds};

/// How `ploy` is run on a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    /// `sudo -n systemctl restart ploy`, logs from `journalctl -u ploy`.
    Systemd,
    /// `start-stop-daemon` with a pid file and a log file under `logs/`.
    Daemon,
}

/// How a deploy moves trading from the old release to the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Handover {
    /// Stop the old process, start the new one: the market goes without our
    /// quotes while the new one starts, connects and reconciles.
    #[default]
    Restart,
    /// Start the new release beside the old one as a standby (its own
    /// `/health` on `standby_port`), wait until it is ready without trading,
    /// then move the trading lease: the old stops quoting and lets it go, the
    /// new takes it and quotes. If the standby never becomes ready, the old
    /// release never stops trading.
    Standby,
}

/// What to do with a host key that is not in `known_hosts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostKeyPolicy {
    /// Refuse unknown and changed keys (the default).
    Strict,
    /// Trust an unknown key on first use and record it; still refuse a changed key.
    AcceptNew,
}

/// How to reach a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Address {
    /// This machine, without SSH.
    Local,
    /// An SSH destination.
    Ssh {
        /// Host name or IP.
        host: String,
        /// Login user (else ssh's default).
        user: Option<String>,
        /// Port (else ssh's default).
        port: Option<u16>,
    },
}

/// One host, fully resolved: every setting has a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Host {
    /// Inventory name, or the `-H` text for ad-hoc hosts.
    pub name: String,
    /// How to reach it.
    pub address: Address,
    /// Install root (`/opt/ploy`).
    pub root: String,
    /// Service manager.
    pub service: ServiceKind,
    /// `/health` URL as seen from the host.
    pub health_url: String,
    /// Tags (groups).
    pub tags: Vec<String>,
    /// Releases kept after a deploy.
    pub keep_releases: usize,
    /// Old configs kept in `config/history/` by `config push`.
    pub keep_configs: usize,
    /// Time for a new release to become healthy.
    #[serde(with = "humantime_serde_compat")]
    pub health_timeout: Duration,
    /// Longest pause between health polls.
    #[serde(with = "humantime_serde_compat")]
    pub health_interval: Duration,
    /// How long a release must stay healthy after it first is.
    #[serde(with = "humantime_serde_compat")]
    pub stability_window: Duration,
    /// After this long a lock is stale.
    #[serde(with = "humantime_serde_compat")]
    pub lock_ttl: Duration,
    /// known_hosts file (else ssh's default).
    pub known_hosts: Option<PathBuf>,
    /// Private key file (else the agent / ssh's default).
    pub identity_file: Option<PathBuf>,
    /// ssh_config file for the openssh backend (else ~/.ssh/config).
    pub ssh_config: Option<PathBuf>,
    /// Unknown host keys.
    pub host_key_policy: HostKeyPolicy,
    /// ProxyJump hosts.
    pub jump_hosts: Vec<String>,
    /// What `daily-check` judges by (`[checks]`, then `[hosts.NAME.checks]`).
    pub checks: Thresholds,
    /// How a deploy hands trading over (`handover`).
    pub handover: Handover,
    /// The standby's loopback port during a standby handover.
    pub standby_port: u16,
}

impl Host {
    /// `user@host:port`, or `local`.
    pub fn destination(&self) -> String {
        match &self.address {
            Address::Local => "local".to_owned(),
            Address::Ssh { host, user, port } => {
                let mut out = String::new();
                if let Some(user) = user {
                    out.push_str(user);
                    out.push('@');
                }
                if host.contains(':') {
                    out.push_str(&format!("[{host}]"));
                } else {
                    out.push_str(host);
                }
                if let Some(port) = port {
                    out.push_str(&format!(":{port}"));
                }
                out
            },
        }
    }

    /// Whether this is the local machine.
    pub fn is_local(&self) -> bool {
        self.address == Address::Local
    }
}

mod humantime_serde_compat {
    use std::time::Duration;

    pub(super) fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*d).to_string())
    }
}

/// Settings a host entry or `[defaults]` may carry. All optional; see [`Host`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HostFields {
    address: Option<String>,
    user: Option<String>,
    port: Option<u16>,
    root: Option<String>,
    service: Option<ServiceKind>,
    health_url: Option<String>,
    tags: Option<Vec<String>>,
    keep_releases: Option<usize>,
    keep_configs: Option<usize>,
    #[serde(default, deserialize_with = "opt_duration")]
    health_timeout: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    health_interval: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    stability_window: Option<Duration>,
    #[serde(default, deserialize_with = "opt_duration")]
    lock_ttl: Option<Duration>,
    known_hosts: Option<PathBuf>,
    identity_file: Option<PathBuf>,
    ssh_config: Option<PathBuf>,
    host_key_policy: Option<HostKeyPolicy>,
    jump_hosts: Option<Vec<String>>,
    checks: Option<CheckFields>,
    handover: Option<Handover>,
    standby_port: Option<u16>,
}

fn opt_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(d)?;
    humantime::parse_duration(&text).map(Some).map_err(|e| {
        serde::de::Error::custom(format!(
            "invalid duration {text:?}: {e} (write e.g. \"10s\")"
        ))
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct InventoryFile {
    #[serde(default)]
    defaults: HostFields,
    #[serde(default)]
    hosts: BTreeMap<String, HostFields>,
    #[serde(default)]
    checks: CheckFields,
    #[serde(default)]
    backup: BackupConfig,
}

/// The inventory's `[backup]`: the retention on each host, and where copies
/// of the backups go (each host's under `<destination>/<host name>/`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    /// The newest backups kept (1 to 1000).
    pub keep_last: usize,
    /// Days whose newest backup is kept (0 to 366).
    pub keep_daily: usize,
    /// ISO weeks whose newest backup is kept (0 to 520).
    pub keep_weekly: usize,
    /// `s3://bucket/prefix`: copies off the host, with the host's own
    /// credentials (its `.env` or instance role).
    pub destination: Option<String>,
}

impl Default for BackupConfig {
    fn default() -> Self {
        let r = crate::retention::RetentionPolicy::default();
        Self {
            keep_last: r.keep_last,
            keep_daily: r.keep_daily,
            keep_weekly: r.keep_weekly,
            destination: None,
        }
    }
}

impl BackupConfig {
    /// The retention policy.
    pub fn retention(&self) -> crate::retention::RetentionPolicy {
        crate::retention::RetentionPolicy {
            keep_last: self.keep_last,
            keep_daily: self.keep_daily,
            keep_weekly: self.keep_weekly,
        }
    }

    /// Every value within its range and a destination that parses.
    pub fn validate(&self) -> Result<(), String> {
        self.retention().validate()?;
        if let Some(d) = &self.destination {
            ploy_api::backup::Destination::parse(d).map_err(|e| format!("destination: {e}"))?;
        }
        Ok(())
    }

    /// Where copies go (each host's under its name); checked when the
    /// inventory was read.
    pub fn destination(&self) -> Option<ploy_api::backup::Destination> {
        self.destination
            .as_deref()
            .and_then(|d| ploy_api::backup::Destination::parse(d).ok())
    }
}

/// A problem with the inventory or a `-H` value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    /// The file could not be read.
    #[error("cannot read inventory {path}: {message}")]
    Read {
        /// File.
        path: String,
        /// OS error.
        message: String,
    },
    /// The file is not valid.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        /// File.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A value is not acceptable.
    #[error("{0}")]
    Invalid(String),
}

/// The parsed inventory.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// The file read, if any.
    pub path: Option<PathBuf>,
    defaults: HostFields,
    hosts: BTreeMap<String, HostFields>,
    checks: Thresholds,
    backup: BackupConfig,
}

/// Finds the inventory: `--inventory`/`PLOYCTL_INVENTORY`, else `./ployctl.toml`,
/// else `$XDG_CONFIG_HOME/ployctl/ployctl.toml` (`~/.config/...`).
pub fn discover(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_owned());
    }
    let local = PathBuf::from("ployctl.toml");
    if local.is_file() {
        return Some(local);
    }
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let user = config_home.join("ployctl").join("ployctl.toml");
    user.is_file().then_some(user)
}

fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// The dotted key (`hosts.web1.port`) whose key or value holds `span`, when
/// the text parses as TOML (a type error, not a syntax error).
fn key_at(text: &str, span: &std::ops::Range<usize>) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    fn covers(outer: &std::ops::Range<usize>, inner: &std::ops::Range<usize>) -> bool {
        outer.start <= inner.start && inner.end <= outer.end.max(outer.start + 1)
    }
    fn walk(table: &DeTable<'_>, span: &std::ops::Range<usize>, path: &mut Vec<String>) -> bool {
        for (key, value) in table {
            if let DeValue::Table(inner) = value.get_ref() {
                path.push(key.get_ref().to_string());
                if walk(inner, span, path) {
                    return true;
                }
                path.pop();
            }
            if covers(&key.span(), span) || covers(&value.span(), span) {
                path.push(key.get_ref().to_string());
                return true;
            }
        }
        false
    }
    let root = DeTable::parse(text).ok()?;
    let mut path = Vec::new();
    walk(root.get_ref(), span, &mut path).then(|| path.join("."))
}

impl Inventory {
    /// Reads and parses an inventory file.
    pub fn load(path: &Path) -> Result<Self, InventoryError> {
        let text = std::fs::read_to_string(path).map_err(|e| InventoryError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse(&text, path)
    }

    /// Parses inventory text as if read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Self, InventoryError> {
        let file: InventoryFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            let message = e.message().lines().next().unwrap_or("").to_owned();
            let key = e.span().and_then(|span| key_at(text, &span));
            InventoryError::Parse {
                path: path.display().to_string(),
                line,
                column,
                message: match key {
                    Some(key) if !message.contains(&format!("`{key}`")) => {
                        format!("{key}: {message}")
                    },
                    _ => message,
                },
            }
        })?;
        if file.defaults.address.is_some() || file.defaults.tags.is_some() {
            return Err(InventoryError::Invalid(format!(
                "{}: [defaults] cannot set address or tags; set them per host",
                path.display()
            )));
        }
        if file.defaults.checks.is_some() {
            return Err(InventoryError::Invalid(format!(
                "{}: set thresholds in [checks], not [defaults]",
                path.display()
            )));
        }
        let checks = Thresholds::default().with(&file.checks);
        checks
            .validate()
            .map_err(|e| InventoryError::Invalid(format!("{}: [checks]: {e}", path.display())))?;
        for (name, fields) in &file.hosts {
            if let Some(own) = &fields.checks {
                checks.with(own).validate().map_err(|e| {
                    InventoryError::Invalid(format!(
                        "{}: [hosts.{name}.checks]: {e}",
                        path.display()
                    ))
                })?;
            }
        }
        file.backup
            .validate()
            .map_err(|e| InventoryError::Invalid(format!("{}: [backup]: {e}", path.display())))?;
        let base = path.parent().map(Path::to_owned).unwrap_or_default();
        let fix = |fields: HostFields| resolve_paths(fields, &base);
        Ok(Self {
            path: Some(path.to_owned()),
            defaults: fix(file.defaults),
            hosts: file.hosts.into_iter().map(|(k, v)| (k, fix(v))).collect(),
            checks,
            backup: file.backup,
        })
    }

    /// `[backup]`: retention and where copies go.
    pub fn backup(&self) -> &BackupConfig {
        &self.backup
    }

    /// Every host name in the inventory.
    pub fn names(&self) -> Vec<&str> {
        self.hosts.keys().map(String::as_str).collect()
    }

    /// Resolves `-H` values: `local`, an inventory name, `@tag`, `@all`, or
    /// `[user@]host[:port]`. With none, every inventory host when
    /// `all_when_empty`, else an error.
    pub fn select(
        &self,
        specs: &[String],
        all_when_empty: bool,
    ) -> Result<Vec<Host>, InventoryError> {
        let specs: Vec<String> = if specs.is_empty() {
            if !all_when_empty || self.hosts.is_empty() {
                return Err(InventoryError::Invalid(
                    "no host given: name hosts with -H (an inventory name, @tag, @all, user@host:port or local)"
                        .to_owned(),
                ));
            }
            vec!["@all".to_owned()]
        } else {
            specs.to_vec()
        };
        let mut out: Vec<Host> = Vec::new();
        for spec in &specs {
            for host in self.resolve_spec(spec)? {
                if !out.iter().any(|h| h.name == host.name) {
                    out.push(host);
                }
            }
        }
        Ok(out)
    }

    fn resolve_spec(&self, spec: &str) -> Result<Vec<Host>, InventoryError> {
        let spec = spec.trim();
        if let Some(tag) = spec.strip_prefix('@') {
            let matched: Vec<Host> = self
                .hosts
                .iter()
                .filter(|(_, f)| {
                    tag == "all"
                        || f.tags
                            .as_deref()
                            .unwrap_or_default()
                            .iter()
                            .any(|t| t == tag)
                })
                .map(|(name, fields)| self.build(name, Some(fields)))
                .collect::<Result<_, _>>()?;
            if matched.is_empty() {
                return Err(InventoryError::Invalid(format!(
                    "no inventory host has tag {tag:?} (hosts: {})",
                    self.names().join(", ")
                )));
            }
            return Ok(matched);
        }
        if let Some(fields) = self.hosts.get(spec) {
            return Ok(vec![self.build(spec, Some(fields))?]);
        }
        if spec == "local" {
            return Ok(vec![self.build("local", None)?]);
        }
        let (user, hostport) = match spec.rsplit_once('@') {
            Some((u, h)) => (Some(u.to_owned()), h),
            None => (None, spec),
        };
        let (host, port) = split_host_port(hostport).ok_or_else(|| {
            InventoryError::Invalid(format!("cannot read host {spec:?}: write user@host:port"))
        })?;
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(InventoryError::Invalid(format!(
                "{spec:?} is not an inventory host ({}) nor user@host:port",
                self.names().join(", ")
            )));
        }
        let fields = HostFields {
            address: Some(host),
            user,
            port,
            ..HostFields::default()
        };
        Ok(vec![self.build(spec, Some(&fields))?])
    }

    fn build(&self, name: &str, fields: Option<&HostFields>) -> Result<Host, InventoryError> {
        let empty = HostFields::default();
        let f = fields.unwrap_or(&empty);
        let d = &self.defaults;
        let local = name == "local" && f.address.is_none();
        macro_rules! pick {
            ($field:ident) => {
                f.$field.clone().or_else(|| d.$field.clone())
            };
        }
        let address = if local {
            Address::Local
        } else {
            let host = f.address.clone().unwrap_or_else(|| name.to_owned());
            Address::Ssh {
                host,
                user: pick!(user),
                port: pick!(port),
            }
        };
        let default_root = if local {
            std::env::current_dir()
                .map(|d| d.join(".ploy").display().to_string())
                .unwrap_or_else(|_| ".ploy".to_owned())
        } else {
            "/opt/ploy".to_owned()
        };
        let root = f
            .root
            .clone()
            .or_else(|| if local { None } else { d.root.clone() })
            .unwrap_or(default_root);
        if !root.starts_with('/') {
            return Err(InventoryError::Invalid(format!(
                "host {name}: root {root:?} must be an absolute path"
            )));
        }
        if root.contains(['\'', '\n']) {
            return Err(InventoryError::Invalid(format!(
                "host {name}: root {root:?} has a quote or newline"
            )));
        }
        let service = f
            .service
            .or(if local { None } else { d.service })
            .unwrap_or(if local {
                ServiceKind::Daemon
            } else {
                ServiceKind::Systemd
            });
        let health_url =
            pick!(health_url).unwrap_or_else(|| "http://127.0.0.1:8080/health".to_owned());
        parse_health_url(&health_url)
            .map_err(|e| InventoryError::Invalid(format!("host {name}: health_url: {e}")))?;
        let keep_releases = pick!(keep_releases).unwrap_or(5);
        if !(1..=100).contains(&keep_releases) {
            return Err(InventoryError::Invalid(format!(
                "host {name}: keep_releases must be 1 to 100 (the current, the running and the newest good releases are kept besides)"
            )));
        }
        let keep_configs = pick!(keep_configs).unwrap_or(10);
        if !(1..=1000).contains(&keep_configs) {
            return Err(InventoryError::Invalid(format!(
                "host {name}: keep_configs must be 1 to 1000"
            )));
        }
        let handover = pick!(handover).unwrap_or_default();
        if handover == Handover::Standby && service != ServiceKind::Daemon {
            return Err(InventoryError::Invalid(format!(
                "host {name}: handover = \"standby\" needs service = \"daemon\" (a second instance beside the service); \
                 with systemd use handover = \"restart\""
            )));
        }
        let main_port = parse_health_url(&health_url).map_or(8080, |(_, port, _)| port);
        let standby_port = pick!(standby_port).unwrap_or(if main_port == u16::MAX {
            main_port - 1
        } else {
            main_port + 1
        });
        if standby_port == 0 || standby_port == main_port {
            return Err(InventoryError::Invalid(format!(
                "host {name}: standby_port must be 1 to 65535 and not the health_url's port {main_port}"
            )));
        }
        Ok(Host {
            name: name.to_owned(),
            address,
            root: root.trim_end_matches('/').to_owned(),
            service,
            health_url,
            tags: f.tags.clone().unwrap_or_default(),
            keep_releases,
            keep_configs,
            health_timeout: pick!(health_timeout).unwrap_or(Duration::from_secs(60)),
            health_interval: pick!(health_interval).unwrap_or(Duration::from_secs(1)),
            stability_window: pick!(stability_window).unwrap_or(Duration::from_secs(10)),
            lock_ttl: pick!(lock_ttl).unwrap_or(Duration::from_secs(30 * 60)),
            known_hosts: pick!(known_hosts),
            identity_file: pick!(identity_file),
            ssh_config: pick!(ssh_config),
            host_key_policy: pick!(host_key_policy).unwrap_or(HostKeyPolicy::Strict),
            jump_hosts: pick!(jump_hosts).unwrap_or_default(),
            checks: f
                .checks
                .as_ref()
                .map_or_else(|| self.checks.clone(), |own| self.checks.with(own)),
            handover,
            standby_port,
        })
    }
}

fn resolve_paths(mut fields: HostFields, base: &Path) -> HostFields {
    let fix = |p: Option<PathBuf>| p.map(|p| expand(&p, base));
    fields.known_hosts = fix(fields.known_hosts);
    fields.identity_file = fix(fields.identity_file);
    fields.ssh_config = fix(fields.ssh_config);
    fields
}

fn expand(path: &Path, base: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    if path.is_relative() {
        base.join(path)
    } else {
        path.to_owned()
    }
}

/// Splits `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(text: &str) -> Option<(String, Option<u16>)> {
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((host.to_owned(), port));
    }
    match text.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => {
            Some((host.to_owned(), Some(port.parse().ok()?)))
        },
        Some(_) => Some((text.to_owned(), None)),
        None => Some((text.to_owned(), None)),
    }
}

/// Host and port of a `/health` URL (`http://127.0.0.1:8080/health`).
pub fn parse_health_url(url: &str) -> Result<(String, u16, String), String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        format!("{url:?} must start with http:// (it is probed on the host's loopback)")
    })?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) =
        split_host_port(authority).ok_or_else(|| format!("cannot read host:port in {url:?}"))?;
    Ok((host, port.unwrap_or(80), path.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVENTORY: &str = r#"
[defaults]
user = "deploy"
keep_releases = 3
stability_window = "5s"

[hosts.prod-1]
address = "10.0.1.5"
tags = ["prod", "eu"]

[hosts.prod-2]
address = "10.0.1.6"
port = 2222
user = "ubuntu"
tags = ["prod"]
service = "daemon"

[hosts.staging]
address = "10.0.2.9"
tags = ["staging"]
health_url = "http://127.0.0.1:9090/health"
"#;

    fn inv() -> Inventory {
        Inventory::parse(INVENTORY, Path::new("/etc/ployctl.toml")).unwrap()
    }

    #[test]
    fn the_example_inventory_parses_and_resolves() {
        let inv = Inventory::parse(
            include_str!("../deployment/ployctl.example.toml"),
            Path::new("ployctl.example.toml"),
        )
        .unwrap();
        let hosts = inv.select(&[], true).unwrap();
        assert!(!hosts.is_empty());
    }

    #[test]
    fn a_standby_handover_needs_the_daemon_layout_and_a_port_of_its_own() {
        let parse = |text: &str| {
            Inventory::parse(text, Path::new("inv.toml"))
                .and_then(|inv| inv.select(&["a".to_owned()], false))
        };
        let hosts = parse(
            "[defaults]\nservice = \"daemon\"\nhandover = \"standby\"\n[hosts.a]\nhealth_url = \"http://127.0.0.1:9000/health\"\n",
        )
        .unwrap();
        assert_eq!(hosts[0].handover, Handover::Standby);
        assert_eq!(hosts[0].standby_port, 9001, "the next port by default");
        let restart = parse("[hosts.a]\n").unwrap();
        assert_eq!(restart[0].handover, Handover::Restart, "the default");
        let systemd = parse("[hosts.a]\nhandover = \"standby\"\n").unwrap_err();
        assert!(
            systemd.to_string().contains("needs service = \"daemon\""),
            "{systemd}"
        );
        let same =
            parse("[hosts.a]\nservice = \"daemon\"\nhandover = \"standby\"\nstandby_port = 8080\n")
                .unwrap_err();
        assert!(same.to_string().contains("standby_port"), "{same}");
        let unknown = parse("[hosts.a]\nhandover = \"blue-green\"\n").unwrap_err();
        assert!(unknown.to_string().contains("inv.toml:2:"), "{unknown}");
    }

    #[test]
    fn names_tags_and_adhoc_hosts_resolve() {
        let inv = inv();
        let prod = inv.select(&["@prod".into()], false).unwrap();
        assert_eq!(
            prod.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
            ["prod-1", "prod-2"]
        );
        assert_eq!(prod[0].destination(), "deploy@10.0.1.5");
        assert_eq!(prod[1].destination(), "ubuntu@10.0.1.6:2222");
        assert_eq!(prod[1].service, ServiceKind::Daemon);
        assert_eq!(prod[0].keep_releases, 3);
        assert_eq!(prod[0].stability_window, Duration::from_secs(5));
        assert_eq!(prod[0].health_timeout, Duration::from_secs(60));
        assert_eq!(prod[0].host_key_policy, HostKeyPolicy::Strict);

        let adhoc = inv.select(&["root@[::1]:2200".into()], false).unwrap();
        assert_eq!(adhoc[0].destination(), "root@[::1]:2200");
        assert_eq!(adhoc[0].root, "/opt/ploy");

        let all = inv.select(&[], true).unwrap();
        assert_eq!(all.len(), 3);
        assert!(
            inv.select(&[], false).is_err(),
            "deploys need an explicit -H"
        );
        let dedup = inv.select(&["prod-1".into(), "@eu".into()], false).unwrap();
        assert_eq!(dedup.len(), 1);
    }

    #[test]
    fn local_defaults_to_daemon_under_dot_ploy() {
        let local = inv().select(&["local".into()], false).unwrap().remove(0);
        assert!(local.is_local());
        assert_eq!(local.service, ServiceKind::Daemon);
        assert!(local.root.ends_with("/.ploy"), "{}", local.root);
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let err = Inventory::parse(
            "[hosts.a]\naddress = \"x\"\nkeep_release = 3\n",
            Path::new("inv.toml"),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("inv.toml:3:1: hosts.a.keep_release: unknown field `keep_release`"),
            "{text}"
        );
        let err =
            Inventory::parse("[hosts.a]\nport = \"22\"\n", Path::new("inv.toml")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("inv.toml:2:8: hosts.a.port: invalid type"),
            "{err}"
        );
        let err = Inventory::parse(
            "[defaults]\nuser = \"u\"\n[hosts.b]\nhealth_timeout = \"soon\"\n",
            Path::new("inv.toml"),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("inv.toml:4:18: hosts.b.health_timeout:")
                && text.contains("invalid duration"),
            "{text}"
        );
        let err = Inventory::parse("[hosts.a]\nport = \n", Path::new("inv.toml")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("inv.toml:2:8: string values must be quoted"),
            "a syntax error names no key: {err}"
        );
    }

    #[test]
    fn bad_values_are_refused() {
        let inv =
            Inventory::parse("[hosts.a]\nroot = \"relative\"\n", Path::new("i.toml")).unwrap();
        assert!(inv
            .select(&["a".into()], false)
            .unwrap_err()
            .to_string()
            .contains("absolute"));
        let inv = Inventory::parse(
            "[hosts.a]\nhealth_url = \"https://x/health\"\n",
            Path::new("i.toml"),
        )
        .unwrap();
        assert!(inv
            .select(&["a".into()], false)
            .unwrap_err()
            .to_string()
            .contains("http://"));
        assert!(inv.select(&["@nope".into()], false).is_err());
    }

    #[test]
    fn relative_paths_are_relative_to_the_inventory() {
        let inv = Inventory::parse(
            "[defaults]\nknown_hosts = \"keys/known_hosts\"\n[hosts.a]\n",
            Path::new("/srv/ops/ployctl.toml"),
        )
        .unwrap();
        let host = inv.select(&["a".into()], false).unwrap().remove(0);
        assert_eq!(
            host.known_hosts.unwrap(),
            PathBuf::from("/srv/ops/keys/known_hosts")
        );
    }

    #[test]
    fn check_thresholds_come_from_checks_then_the_host() {
        let inv = Inventory::parse(
            "[checks]\ndisk_free_warn = 30\n[hosts.a]\n[hosts.b]\nchecks = { disk_free_warn = 40, errors_warn = 5 }\n",
            Path::new("i.toml"),
        )
        .unwrap();
        let hosts = inv.select(&["a".into(), "b".into()], false).unwrap();
        assert_eq!(hosts[0].checks.disk_free_warn, 30);
        assert_eq!(hosts[0].checks.errors_warn, 1);
        assert_eq!(hosts[1].checks.disk_free_warn, 40);
        assert_eq!(hosts[1].checks.errors_warn, 5);
        let err = Inventory::parse(
            "[hosts.a]\nchecks = { disk_free_warn = 5 }\n",
            Path::new("i.toml"),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains(
                "[hosts.a.checks]: disk_free_fail (10%) must not be above disk_free_warn (5%)"
            ),
            "{err}"
        );
        let err = Inventory::parse("[checks]\nclock_skew_warn = \"0s\"\n", Path::new("i.toml"))
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("i.toml: [checks]: clock_skew_warn must be between"),
            "{err}"
        );
    }

    #[test]
    fn health_urls() {
        assert_eq!(
            parse_health_url("http://127.0.0.1:8080/health").unwrap(),
            ("127.0.0.1".into(), 8080, "/health".into())
        );
        assert_eq!(
            parse_health_url("http://localhost/h").unwrap(),
            ("localhost".into(), 80, "/h".into())
        );
    }
}
