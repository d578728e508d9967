//! `ployctl host bootstrap` against a real sshd host whose root is a scratch
//! folder. The test runs as root and changes this machine for real: the
//! `ploy` user and group (useradd), `/etc/systemd/system/ploy.service`
//! enabled (systemctl works offline when systemd is not running), the
//! sudoers rule checked by the real `visudo -cf`, the journal group; it
//! removes them at the end. The first run logs in as an administrator with
//! passwordless sudo, as on a cloud image. Then the deploy user it made deploys the real
//! `ploy` with least privilege, and a bootstrap as that user is refused.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::exchange::FakeExchange;
use crate::harness::fleet::{Fleet, HOST_SECRET};
use crate::harness::run::{Backend, Ctl, Run};
use crate::harness::{ploy_bin, require};

const UNIT: &str = "/etc/systemd/system/ploy.service";
const WANTS: &str = "/etc/systemd/system/multi-user.target.wants/ploy.service";
const SUDOERS: &str = "/etc/sudoers.d/ploy";

/// What the test makes outside its scratch folders, removed when dropped
/// (after the fleet, which stops every process of the `ploy` user); one
/// test at a time holds it.
struct SystemChanges {
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static SYSTEM: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl SystemChanges {
    /// Checks the prerequisites and removes what an earlier, interrupted run
    /// of this test left; refuses a machine whose `ploy` user is its own.
    fn claim() -> Self {
        let guard = SYSTEM
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let uid = sh("id -u");
        assert_eq!(
            uid.trim(),
            "0",
            "host bootstrap's test creates a user and writes /etc: run the suite as root, as CI does (sudo -E deployment/dev/test.sh)"
        );
        require("visudo", "apt-get install -y sudo");
        require("useradd", "apt-get install -y passwd");
        require("systemctl", "apt-get install -y systemd");
        let scratch = std::env::temp_dir().join("ployctl-it-");
        if let Some(home) = sh("getent passwd ploy | cut -d: -f6").lines().next() {
            assert!(
                home.starts_with(&*scratch.to_string_lossy()),
                "this machine has a ploy user of its own (home {home}); the bootstrap test creates and removes one: run it on a disposable machine"
            );
        }
        if let Ok(unit) = std::fs::read_to_string(UNIT) {
            assert!(
                unit.contains(&*scratch.to_string_lossy()),
                "{UNIT} is this machine's own; the bootstrap test writes and removes one: run it on a disposable machine"
            );
        }
        Self::remove();
        SystemChanges {
            _one_at_a_time: guard,
        }
    }

    fn remove() {
        sh(
            "pkill -KILL -u ploy; pkill -KILL -u ployctl-admin; userdel ploy; groupdel ploy; \
            userdel ployctl-admin; rm -f /etc/systemd/system/ploy.service \
            /etc/systemd/system/multi-user.target.wants/ploy.service /etc/sudoers.d/ploy \
            /etc/sudoers.d/ployctl-admin; true",
        );
    }

    /// An administrator as on a cloud image: not root, passwordless sudo.
    fn add_admin() -> &'static str {
        sh(
            "useradd --system --shell /bin/sh --password '*' --no-create-home ployctl-admin && \
            echo 'ployctl-admin ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/ployctl-admin && \
            chmod 440 /etc/sudoers.d/ployctl-admin",
        );
        assert!(
            !sh("getent passwd ployctl-admin").is_empty(),
            "could not create the administrator"
        );
        "ployctl-admin"
    }
}

impl Drop for SystemChanges {
    fn drop(&mut self) {
        Self::remove();
    }
}

fn sh(script: &str) -> String {
    let out = Command::new("sh")
        .args(["-c", script])
        .output()
        .expect("run sh");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ploy_ids() -> (u32, u32) {
    let id = |flag: &str| {
        sh(&format!("id {flag} ploy"))
            .trim()
            .parse::<u32>()
            .expect("ploy exists")
    };
    (id("-u"), id("-g"))
}

/// Owner and permission bits of a path.
fn owner_mode(path: &Path) -> (u32, u32, u32) {
    let m = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (m.uid(), m.gid(), m.mode() & 0o7777)
}

fn bootstrap(fleet: &Fleet, extra: &[&str]) -> Run {
    let run = Ctl::new(fleet, Backend::Openssh)
        .args(["host", "bootstrap", "-H", "host1"])
        .args(extra)
        .run();
    assert!(
        !run.all().contains(HOST_SECRET),
        "a secret from .env was printed:\n{}",
        run.all()
    );
    run
}

fn tasks(run: &Run) -> Vec<(String, String)> {
    let json = run.json();
    json["hosts"][0]["tasks"]
        .as_array()
        .unwrap_or_else(|| panic!("no tasks:\n{}", run.all()))
        .iter()
        .map(|t| {
            (
                t["status"].as_str().unwrap().to_owned(),
                t["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn changed(run: &Run) -> Vec<String> {
    tasks(run)
        .into_iter()
        .filter(|(s, _)| s == "changed")
        .map(|(_, n)| n)
        .collect()
}

fn template(name: &str, root: &Path) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path)
        .unwrap()
        .replace("/opt/ploy", &root.to_string_lossy())
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".ployctl-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn bootstrap_prepares_a_fresh_host_then_changes_nothing() {
    let _system = SystemChanges::claim();
    let fleet = Fleet::start(1);
    // The deploy user must reach its home under the fleet's folder.
    std::fs::set_permissions(fleet.dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    let host = fleet.host("host1");
    let root = host.root.clone();
    let harness_config = std::fs::read_to_string(root.join("config/config.toml")).unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    let key = fleet.dir.path().join("client_key.pub");
    let key_arg = key.to_string_lossy().into_owned();
    let systemd = ["--service", "systemd", "--authorized-key", key_arg.as_str()];

    // A dry run says what it would do and does nothing.
    let dry = bootstrap(&fleet, &[&systemd[..], &["--dry-run", "--json"]].concat());
    assert_eq!(dry.code, 0, "{}", dry.all());
    assert_eq!(dry.json()["dry_run"], true);
    let planned = changed(&dry);
    assert!(
        planned.len() >= 14 && tasks(&dry).iter().all(|(s, _)| s == "changed"),
        "a fresh host: everything would change: {:?}",
        tasks(&dry)
    );
    assert!(!root.exists(), "a dry run created the root");
    assert!(
        sh("getent passwd ploy").is_empty(),
        "a dry run created the user"
    );
    assert!(!Path::new(UNIT).exists() && !Path::new(SUDOERS).exists());
    let human = bootstrap(&fleet, &[&systemd[..], &["--dry-run"]].concat());
    assert_eq!(human.code, 0, "{}", human.all());
    assert!(
        human.stdout.contains("would change") && human.stdout.contains("user ploy"),
        "{}",
        human.all()
    );

    // The first run, as an administrator through sudo, changes exactly what
    // the dry run said.
    let admin = SystemChanges::add_admin();
    let first = bootstrap(
        &fleet,
        &[&systemd[..], &["--json", "--login", admin]].concat(),
    );
    assert_eq!(first.code, 0, "{}", first.all());
    assert_eq!(
        first.json()["hosts"][0]["destination"]
            .as_str()
            .unwrap()
            .split('@')
            .next(),
        Some(admin)
    );
    assert_eq!(changed(&first), planned, "{}", first.all());
    assert_eq!(first.json()["hosts"][0]["failed"], 0);
    let (uid, gid) = ploy_ids();
    let passwd = sh("getent passwd ploy");
    assert!(
        passwd
            .trim_end()
            .ends_with(&format!(":{}:/bin/sh", root.display())),
        "home is the root, shell sh: {passwd}"
    );
    for rel in ["", "config", "data", "logs", "run", "releases", ".ployctl"] {
        assert_eq!(owner_mode(&root.join(rel)), (uid, gid, 0o750), "{rel}/");
    }
    assert_eq!(
        std::fs::read_to_string(root.join("config/config.toml")).unwrap(),
        template("templates/config.toml", &root)
    );
    assert_eq!(
        owner_mode(&root.join("config/config.toml")),
        (uid, gid, 0o640)
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".env")).unwrap(),
        template("templates/env", &root)
    );
    assert_eq!(owner_mode(&root.join(".env")), (uid, gid, 0o600));
    let authorized = std::fs::read_to_string(root.join(".ssh/authorized_keys")).unwrap();
    assert_eq!(
        authorized.trim(),
        std::fs::read_to_string(&key).unwrap().trim()
    );
    assert_eq!(owner_mode(&root.join(".ssh")), (uid, gid, 0o700));
    assert_eq!(
        owner_mode(&root.join(".ssh/authorized_keys")),
        (uid, gid, 0o600)
    );
    assert_eq!(
        std::fs::read_to_string(UNIT).unwrap(),
        template("deployment/systemd/ploy.service", &root)
    );
    assert_eq!(owner_mode(Path::new(UNIT)), (0, 0, 0o644));
    assert_eq!(
        std::fs::read_link(WANTS).unwrap(),
        PathBuf::from(UNIT),
        "the unit is enabled"
    );
    let rule = std::fs::read_to_string(SUDOERS).unwrap();
    let systemctl = sh("command -v systemctl");
    assert!(
        rule.contains(&format!(
            "ploy ALL=(root) NOPASSWD: {0} restart ploy, {0} stop ploy",
            systemctl.trim()
        )),
        "{rule}"
    );
    assert_eq!(owner_mode(Path::new(SUDOERS)), (0, 0, 0o440));
    let checked = Command::new("visudo")
        .args(["-cf", SUDOERS])
        .output()
        .unwrap();
    assert!(checked.status.success(), "{checked:?}");
    assert!(
        sh("id -nG ploy")
            .split_whitespace()
            .any(|g| g == "systemd-journal"),
        "ploy reads the journal"
    );
    for dir in [
        root.clone(),
        root.join("config"),
        PathBuf::from("/etc/sudoers.d"),
    ] {
        assert!(
            leftovers(&dir).is_empty(),
            "{}: {:?}",
            dir.display(),
            leftovers(&dir)
        );
    }

    // A second run changes nothing, and says so.
    let second = bootstrap(&fleet, &[&systemd[..], &["--json"]].concat());
    assert_eq!(second.code, 0, "{}", second.all());
    assert_eq!(changed(&second), Vec::<String>::new(), "{}", second.all());
    assert!(
        tasks(&second).iter().all(|(s, _)| s == "ok"),
        "{:?}",
        tasks(&second)
    );
    let human = bootstrap(&fleet, &systemd);
    assert_eq!(human.code, 0, "{}", human.all());
    assert!(human.all().contains("0 changed"), "{}", human.all());

    // What drifted is put back; what the operator wrote is kept and never shown.
    std::fs::write(root.join("config/config.toml"), &harness_config).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(root.join(".env"))
        .and_then(|mut f| {
            use std::io::Write;
            writeln!(f, "POLYMARKET_PASSPHRASE={HOST_SECRET}")
        })
        .unwrap();
    std::fs::set_permissions(root.join(".env"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::remove_dir(root.join("run")).unwrap();
    let repaired = bootstrap(&fleet, &[&systemd[..], &["--json"]].concat());
    assert_eq!(repaired.code, 0, "{}", repaired.all());
    assert_eq!(
        changed(&repaired),
        [
            format!("folder {}/run", root.display()),
            format!("file {}/.env", root.display())
        ],
        "{}",
        repaired.all()
    );
    assert_eq!(owner_mode(&root.join(".env")), (uid, gid, 0o600));
    assert!(std::fs::read_to_string(root.join(".env"))
        .unwrap()
        .contains(HOST_SECRET));
    assert_eq!(
        std::fs::read_to_string(root.join("config/config.toml")).unwrap(),
        harness_config,
        "an existing config is never overwritten"
    );

    // The deploy user it made deploys with least privilege (the daemon
    // layout: this machine's systemd does not run).
    let exchange = FakeExchange::start();
    std::fs::write(
        root.join("config/config.toml"),
        format!("{harness_config}{}", exchange.config_lines()),
    )
    .unwrap();
    let inventory = fleet
        .inventory("")
        .replace(&format!("user = \"{}\"", fleet.user), "user = \"ploy\"");
    std::fs::write(fleet.dir.path().join("ployctl.toml"), inventory).unwrap();
    let deploy = Ctl::new(&fleet, Backend::Openssh)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.0"])
        .run();
    assert_eq!(deploy.code, 0, "{}", deploy.all());
    assert_eq!(owner_mode(&root.join("releases/1.0.0/ploy")).0, uid);
    let pid = std::fs::read_to_string(root.join("run/ploy.pid")).unwrap();
    assert_eq!(
        std::fs::metadata(format!("/proc/{}", pid.trim()))
            .unwrap()
            .uid(),
        uid,
        "the engine runs as ploy"
    );

    // As the deploy user, a bootstrap is refused: it needs root.
    let refused = bootstrap(&fleet, &["--service", "daemon", "--json"]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    let report = &refused.json()["hosts"][0];
    assert!(
        report["reason"]
            .as_str()
            .unwrap()
            .contains("bootstrap needs root: ploy is not root and has no passwordless sudo"),
        "{report}"
    );
    assert!(
        report["hint"].as_str().unwrap().contains("--login"),
        "{report}"
    );

    // As root again, for the daemon: nothing to change, and the installed
    // release judges the config.
    let login = fleet.user.clone();
    let daemon = bootstrap(
        &fleet,
        &["--service", "daemon", "--login", &login, "--json"],
    );
    assert_eq!(daemon.code, 0, "{}", daemon.all());
    assert_eq!(changed(&daemon), Vec::<String>::new(), "{}", daemon.all());
    let report = &daemon.json()["hosts"][0];
    assert_eq!(report["service"], "daemon");
    assert_eq!(report["config_check"]["ok"], true, "{report}");
    let steps: Vec<&str> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["connect", "bootstrap", "check-config"], "{report}");
    assert!(
        tasks(&daemon)
            .iter()
            .any(|(s, n)| s == "skipped" && n == "sudoers"),
        "{:?}",
        tasks(&daemon)
    );
}

#[test]
fn a_killed_bootstrap_is_finished_by_the_next_run() {
    let _system = SystemChanges::claim();
    let fleet = Fleet::start(1);
    let root = fleet.host("host1").root.clone();
    let systemd = ["--service", "systemd"];
    for delay_ms in [0_u64, 30, 100, 300] {
        SystemChanges::remove();
        let _ = std::fs::remove_dir_all(&root);
        let mut child = Ctl::new(&fleet, Backend::Openssh)
            .args(["host", "bootstrap", "-H", "host1"])
            .args(systemd)
            .spawn(fleet.dir.path(), &format!("killed-{delay_ms}"));
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().expect("SIGKILL ployctl");
        let _ = child.wait();

        let again = bootstrap(&fleet, &[&systemd[..], &["--json"]].concat());
        assert_eq!(
            again.code,
            0,
            "killed after {delay_ms} ms:\n{}",
            again.all()
        );
        assert_eq!(again.json()["hosts"][0]["failed"], 0, "{}", again.all());
        let after = bootstrap(&fleet, &[&systemd[..], &["--json"]].concat());
        assert_eq!(changed(&after), Vec::<String>::new(), "{}", after.all());
        let (uid, gid) = ploy_ids();
        assert_eq!(owner_mode(&root.join(".env")), (uid, gid, 0o600));
        assert_eq!(
            std::fs::read_to_string(root.join("config/config.toml")).unwrap(),
            template("templates/config.toml", &root)
        );
        assert_eq!(
            std::fs::read_to_string(UNIT).unwrap(),
            template("deployment/systemd/ploy.service", &root)
        );
        for dir in [
            root.clone(),
            root.join("config"),
            PathBuf::from("/etc/sudoers.d"),
            PathBuf::from("/etc/systemd/system"),
        ] {
            assert!(
                leftovers(&dir).is_empty(),
                "{}: {:?}",
                dir.display(),
                leftovers(&dir)
            );
        }
    }
}
