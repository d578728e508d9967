//! A fleet of hosts: each a real `sshd` on its own loopback address
//! (127.0.0.2, 127.0.0.3, …) and port, with its own root folder holding
//! `config/config.toml` (paper mode, offline recording, its own HTTP port) and
//! a `.env` with a secret, plus one client key, a known_hosts file with every
//! host key, an ssh_config and an inventory.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use super::{free_port, require};

const INSTALL_SSHD: &str =
    "apt-get update && apt-get install -y --no-install-recommends openssh-server openssh-client";

/// A secret kept in every host's `.env`; it must never appear in ployctl's output.
pub const HOST_SECRET: &str = "host-env-secret-3c9f1e7a";

/// The test wallet's private key (the fake CLOB's `ADDRESS`), for live hosts.
pub const LIVE_TEST_KEY: &str =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// The recording every host's ploy uses as its offline market-data source.
pub const RECORDING: &str = r#"{"recv_ms":1764000000000,"msg":{"event_type":"book","asset_id":"1","market":"0x1","bids":[{"price":"0.48","size":"30"}],"asks":[{"price":"0.52","size":"25"}],"timestamp":"1764000000000","hash":"0x0"}}
"#;

/// Hosts get 127.0.0.2, 127.0.0.3, … then 127.0.1.2, … (never .0, .1 or .255).
static NEXT_HOST: AtomicU16 = AtomicU16::new(0);

/// One host of the fleet.
#[derive(Debug)]
pub struct FleetHost {
    /// Inventory name.
    pub name: String,
    /// Loopback address sshd listens on.
    pub ip: String,
    /// sshd port.
    pub port: u16,
    /// Install root.
    pub root: PathBuf,
    /// ploy's HTTP port on this host.
    pub http_port: u16,
    sshd_config: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

impl FleetHost {
    /// Stops its sshd (the host goes "down").
    pub fn stop_sshd(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The sshd log.
    pub fn sshd_log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// A file under the root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The release `current` points at.
    pub fn current(&self) -> Option<String> {
        std::fs::read_link(self.root.join("current"))
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
    }

    /// Release folders (excluding uploads in progress).
    pub fn releases(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root.join("releases"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The audit records.
    pub fn audit(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.root.join(".ployctl/audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("audit line is JSON"))
            .collect()
    }

    /// The ledger's lines.
    pub fn ledger(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.root.join(".ployctl/ledger.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("ledger line is JSON"))
            .collect()
    }

    /// A release's standing: the state of the last ledger line naming it.
    pub fn standing(&self, release: &str) -> Option<String> {
        self.ledger()
            .iter()
            .rev()
            .find(|v| v["release"] == release)
            .map(|v| v["state"].as_str().unwrap_or("?").to_owned())
    }

    /// The release the live ploy process runs, judged from outside ployctl:
    /// the pid file's process must be alive (not a zombie), and its
    /// executable (or, for a wrapper script, `.ployctl/running` naming that
    /// pid) says which release it is.
    pub fn running(&self) -> Option<String> {
        let pid = std::fs::read_to_string(self.root.join("run/ploy.pid")).ok()?;
        let pid = pid.trim();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let state = stat.rsplit_once(") ")?.1.chars().next()?;
        if state == 'Z' {
            return None;
        }
        let real_root = std::fs::canonicalize(&self.root).ok()?;
        if let Ok(exe) = std::fs::read_link(format!("/proc/{pid}/exe")) {
            if let Ok(rel) = exe.strip_prefix(real_root.join("releases")) {
                return rel
                    .parent()
                    .map(|p| p.display().to_string())
                    .filter(|p| !p.is_empty());
            }
        }
        let running = std::fs::read_to_string(self.root.join(".ployctl/running")).ok()?;
        let field = |k: &str| {
            running
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{k}=")))
                .map(str::to_owned)
        };
        (field("pid").as_deref() == Some(pid))
            .then(|| field("release"))
            .flatten()
    }

    /// Whether no guard is armed or rolling back.
    pub fn guard_settled(&self) -> bool {
        !self.root.join(".ployctl/guard").exists()
            && !self.root.join(".ployctl/guard.firing").exists()
    }

    /// `GET /health` on this host's ploy: (status, body).
    pub fn health(&self) -> Option<(u16, serde_json::Value)> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.http_port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .ok()?;
        let mut text = String::new();
        stream.read_to_string(&mut text).ok()?;
        let status = text.split_whitespace().nth(1)?.parse().ok()?;
        let body = text.split("\r\n\r\n").nth(1)?;
        // Chunked or not, the JSON object is the part between the braces.
        let json = &body[body.find('{')?..=body.rfind('}')?];
        Some((status, serde_json::from_str(json).ok()?))
    }

    /// `PUT /trading-state` on this host's ploy (the kill switch); the status.
    pub fn set_trading_state(&self, state: &str) -> Option<u16> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.http_port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        stream
            .write_all(
                format!(
                    "PUT /trading-state HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
                     Content-Length: {}\r\n\r\n{state}",
                    state.len()
                )
                .as_bytes(),
            )
            .ok()?;
        let mut text = String::new();
        stream.read_to_string(&mut text).ok()?;
        text.split_whitespace().nth(1)?.parse().ok()
    }

    /// Appends TOML to the host's `config/config.toml`.
    pub fn append_config(&self, text: &str) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.root.join("config/config.toml"))
            .expect("config");
        writeln!(f, "{text}").expect("append config");
    }

    /// Appends a line to the host's `.env`.
    pub fn append_env(&self, line: &str) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.root.join(".env"))
            .expect(".env");
        writeln!(f, "{line}").expect("append .env");
    }

    /// Appends a line to the service log (`logs/ploy.log`), as ploy would.
    pub fn append_log(&self, line: &str) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(self.root.join("logs/ploy.log"))
            .expect("log");
        writeln!(f, "{line}").expect("append log");
    }

    /// The host's config file.
    pub fn config(&self) -> String {
        std::fs::read_to_string(self.root.join("config/config.toml")).expect("config")
    }

    /// Makes this host's ploy trade live against `fake` (its URLs, the test
    /// wallet and the API credentials it accepts in `.env`), quoting the
    /// fake's token; `extra` is appended to the config.
    pub fn go_live(&self, fake: &super::fake_clob::FakeClob, extra: &str) {
        use super::fake_clob::{API_KEY, API_SECRET, PASSPHRASE, TOKEN};
        let config = format!(
            "mode = \"live\"\n\
             [server]\nbind = \"127.0.0.1:{}\"\nshutdown_timeout = \"5s\"\n\
             [exchange]\nclob_url = \"{}\"\nws_url = \"{}\"\nrequest_timeout = \"1s\"\n\
             geoblock_url = \"{}\"\n\
             [market_data]\npoll_interval = \"300ms\"\n\
             [strategy]\nmarkets = [\"{TOKEN}\"]\norder_size = \"5\"\nhalf_spread = \"0.02\"\n\
             [health]\ncheck_timeout = \"1s\"\n{extra}\n",
            self.http_port,
            fake.url(),
            fake.ws_url(),
            fake.geoblock_url(),
        );
        let config = if extra.contains("[risk]") {
            config
        } else {
            config + "[risk]\nmax_orders_per_minute = 600\n"
        };
        std::fs::write(self.root.join("config/config.toml"), config).expect("live config");
        std::fs::write(
            self.root.join(".env"),
            format!(
                "POLYMARKET_PRIVATE_KEY={LIVE_TEST_KEY}\nPOLYMARKET_API_KEY={API_KEY}\n\
                 POLYMARKET_SECRET={API_SECRET}\nPOLYMARKET_PASSPHRASE={PASSPHRASE}\n"
            ),
        )
        .expect("live .env");
    }

    /// Stops ploy on this host (end of test).
    pub fn stop_ploy(&self) {
        let pidfile = self.root.join("run/ploy.pid");
        if pidfile.is_file() {
            let _ = Command::new("start-stop-daemon")
                .args(["--stop", "--quiet", "--retry", "TERM/5/KILL/2", "--pidfile"])
                .arg(&pidfile)
                .status();
        }
    }

    /// SIGKILLs every process whose command line names this host's folder.
    fn kill_processes_under_root(&self) {
        let root = self.root.display().to_string();
        let me = std::process::id().to_string();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in entries.flatten() {
            let pid = entry.file_name().to_string_lossy().into_owned();
            if pid == me || !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            if String::from_utf8_lossy(&cmdline).contains(&root) {
                let _ = Command::new("kill").args(["-KILL", &pid]).status();
            }
        }
    }
}

impl Drop for FleetHost {
    fn drop(&mut self) {
        self.stop_ploy();
        // Whatever else still runs from this host's folder (a guard that
        // outlived its test and started ploy again, a ploy whose pid file
        // was replaced): twice, as a guard killed first cannot start more.
        for _ in 0..2 {
            self.kill_processes_under_root();
        }
        self.stop_sshd();
    }
}

/// Hosts, keys and the inventory that names them.
#[derive(Debug)]
pub struct Fleet {
    /// The hosts (declared first: dropped first, stopping ploy and sshd
    /// while their folders still exist).
    pub hosts: Vec<FleetHost>,
    /// The working folder (keys, configs, inventory).
    pub dir: tempfile::TempDir,
    /// Client private key.
    pub client_key: PathBuf,
    /// known_hosts with every host key.
    pub known_hosts: PathBuf,
    /// ssh_config for the openssh backend.
    pub ssh_config: PathBuf,
    /// The login user.
    pub user: String,
}

fn keygen(path: &Path) {
    let keygen = require("ssh-keygen", INSTALL_SSHD);
    let out = Command::new(keygen)
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "ployctl-test", "-f"])
        .arg(path)
        .output()
        .expect("run ssh-keygen");
    assert!(
        out.status.success(),
        "ssh-keygen: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn current_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

impl Fleet {
    /// Starts `n` hosts.
    pub fn start(n: usize) -> Self {
        let sshd = require("/usr/sbin/sshd", INSTALL_SSHD);
        require("ssh", INSTALL_SSHD);
        require("start-stop-daemon", "apt-get install -y dpkg");
        if current_user() == "root" {
            std::fs::create_dir_all("/run/sshd")
                .expect("create /run/sshd (sshd's privilege separation folder)");
        }
        let dir = tempfile::Builder::new()
            .prefix("ployctl-it-")
            .tempdir()
            .expect("temp dir");
        let client_key = dir.path().join("client_key");
        keygen(&client_key);
        let authorized = dir.path().join("authorized_keys");
        std::fs::copy(dir.path().join("client_key.pub"), &authorized).expect("authorized_keys");
        let recording = dir.path().join("recording.jsonl");
        std::fs::write(&recording, RECORDING).expect("recording");

        let mut known = String::new();
        let mut hosts = Vec::new();
        for i in 0..n {
            let n = NEXT_HOST.fetch_add(1, Ordering::SeqCst);
            let ip = format!("127.0.{}.{}", n / 250, n % 250 + 2);
            let port = free_port(&ip);
            let name = format!("host{}", i + 1);
            let host_key = dir.path().join(format!("{name}_host_key"));
            keygen(&host_key);
            let pubkey =
                std::fs::read_to_string(host_key.with_extension("pub")).expect("host pub key");
            let pubkey = pubkey
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            known.push_str(&format!("[{ip}]:{port} {pubkey}\n"));

            let root = dir.path().join(format!("{name}-root"));
            let http_port = free_port("127.0.0.1");
            std::fs::create_dir_all(root.join("config")).expect("root");
            std::fs::write(
                root.join("config/config.toml"),
                format!(
                    "[server]\nbind = \"127.0.0.1:{http_port}\"\nshutdown_timeout = \"5s\"\n\n\
                     [market_data]\nsource = \"recording\"\nrecording = \"{}\"\n\n\
                     [health]\ncheck_timeout = \"1s\"\n",
                    recording.display()
                ),
            )
            .expect("config");
            std::fs::write(
                root.join(".env"),
                format!("POLYMARKET_PASSPHRASE={HOST_SECRET}\n"),
            )
            .expect(".env");

            let sshd_config = dir.path().join(format!("{name}_sshd_config"));
            let log = dir.path().join(format!("{name}_sshd.log"));
            std::fs::write(
                &sshd_config,
                format!(
                    "Port {port}\nListenAddress {ip}\nHostKey {}\nAuthorizedKeysFile {}\nPidFile {}\n\
                     StrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
                     PubkeyAuthentication yes\nPermitRootLogin prohibit-password\nAllowTcpForwarding yes\n\
                     Subsystem sftp internal-sftp\nLogLevel VERBOSE\nMaxStartups 100\nMaxSessions 100\n",
                    host_key.display(),
                    authorized.display(),
                    dir.path().join(format!("{name}_sshd.pid")).display()
                ),
            )
            .expect("sshd_config");
            let mut host = FleetHost {
                name,
                ip,
                port,
                root,
                http_port,
                sshd_config,
                log,
                child: None,
            };
            host.child = Some(spawn_sshd(&sshd, &host));
            hosts.push(host);
        }
        let known_hosts = dir.path().join("known_hosts");
        std::fs::write(&known_hosts, known).expect("known_hosts");
        let ssh_config = dir.path().join("ssh_config");
        std::fs::write(
            &ssh_config,
            format!(
                "Host *\n  IdentityFile {}\n  IdentitiesOnly yes\n  GlobalKnownHostsFile /dev/null\n  LogLevel ERROR\n",
                client_key.display()
            ),
        )
        .expect("ssh_config");
        for host in &hosts {
            wait_listening(host);
        }
        Self {
            hosts,
            dir,
            client_key,
            known_hosts,
            ssh_config,
            user: current_user(),
        }
    }

    /// The inventory text for every host, with extra lines per host.
    pub fn inventory(&self, extra_defaults: &str) -> String {
        let mut text = format!(
            "[defaults]\nuser = \"{}\"\nservice = \"daemon\"\nknown_hosts = \"{}\"\nidentity_file = \"{}\"\n\
             ssh_config = \"{}\"\nhealth_timeout = \"20s\"\nhealth_interval = \"500ms\"\nstability_window = \"2s\"\n{extra_defaults}\n",
            self.user,
            self.known_hosts.display(),
            self.client_key.display(),
            self.ssh_config.display()
        );
        for h in &self.hosts {
            text.push_str(&format!(
                "\n[hosts.{}]\naddress = \"{}\"\nport = {}\nroot = \"{}\"\nhealth_url = \"http://127.0.0.1:{}/health\"\ntags = [\"fleet\"]\n",
                h.name,
                h.ip,
                h.port,
                h.root.display(),
                h.http_port
            ));
        }
        text
    }

    /// Writes the inventory and returns its path.
    pub fn write_inventory(&self, extra_defaults: &str) -> PathBuf {
        let path = self.dir.path().join("ployctl.toml");
        std::fs::write(&path, self.inventory(extra_defaults)).expect("inventory");
        path
    }

    /// The client key text (for `PLOYCTL_SSH_KEY`).
    pub fn client_key_text(&self) -> String {
        std::fs::read_to_string(&self.client_key).expect("client key")
    }

    /// A host by name.
    pub fn host(&self, name: &str) -> &FleetHost {
        self.hosts.iter().find(|h| h.name == name).expect("host")
    }

    /// A host by name, mutable.
    pub fn host_mut(&mut self, name: &str) -> &mut FleetHost {
        self.hosts
            .iter_mut()
            .find(|h| h.name == name)
            .expect("host")
    }

    /// Replaces the key recorded for `name` with another key (a "rebuilt host"
    /// or a man in the middle).
    pub fn corrupt_known_host(&self, name: &str) {
        let other = self.dir.path().join("other_key");
        if !other.is_file() {
            keygen(&other);
        }
        let fake = std::fs::read_to_string(other.with_extension("pub")).expect("pub");
        let fake = fake
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        let host = self.host(name);
        let entry = format!("[{}]:{}", host.ip, host.port);
        let text = std::fs::read_to_string(&self.known_hosts).expect("known_hosts");
        let replaced: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with(&entry) {
                    format!("{entry} {fake}")
                } else {
                    l.to_owned()
                }
            })
            .collect();
        std::fs::write(&self.known_hosts, replaced.join("\n") + "\n").expect("write known_hosts");
    }

    /// Removes `name` from known_hosts (an unknown host).
    pub fn forget_known_host(&self, name: &str) {
        let host = self.host(name);
        let entry = format!("[{}]:{}", host.ip, host.port);
        let text = std::fs::read_to_string(&self.known_hosts).expect("known_hosts");
        let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with(&entry)).collect();
        std::fs::write(&self.known_hosts, kept.join("\n") + "\n").expect("write known_hosts");
    }

    /// Whether known_hosts has an entry for `name`.
    pub fn knows(&self, name: &str) -> bool {
        let host = self.host(name);
        let entry = format!("[{}]:{}", host.ip, host.port);
        std::fs::read_to_string(&self.known_hosts)
            .expect("known_hosts")
            .lines()
            .any(|l| l.starts_with(&entry))
    }
}

fn spawn_sshd(sshd: &Path, host: &FleetHost) -> Child {
    Command::new(sshd)
        .arg("-D")
        .arg("-f")
        .arg(&host.sshd_config)
        .arg("-E")
        .arg(&host.log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sshd")
}

fn wait_listening(host: &FleetHost) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect((host.ip.as_str(), host.port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "sshd on {}:{} did not start:\n{}",
            host.ip,
            host.port,
            host.sshd_log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
