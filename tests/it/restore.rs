//! `ployctl backup --to`, `backup list --remote` and `ployctl restore` on
//! real sshd hosts running the real `ploy` on paper through the shipped
//! recording, with a real S3-compatible server (moto) and a real
//! PostgreSQL:
//!
//! - a backup is copied off the host; restored in place (the replaced
//!   database kept, the kill switch put back, audited) and onto a second,
//!   new host from object storage (same positions and fills, left halted);
//! - without `--yes` and no terminal, nothing changes (exit 2);
//! - on a PostgreSQL host, a backup, its drill and a restore, with no
//!   password in any output;
//! - ployctl SIGKILLed at each step of a restore, then the same command run
//!   again: it finishes, the host always has its database, ends healthy on
//!   the backup with the kill switch as it was.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::harness::fleet::{Fleet, FleetHost};
use crate::harness::ploy_bin;
use crate::harness::postgres::PgServer;
use crate::harness::run::{Backend, Ctl, Run};
use crate::harness::s3::{S3Server, SECRET_KEY};

const BUCKET: &str = "ploy-backups";

fn ctl(fleet: &Fleet) -> Ctl {
    Ctl::new(fleet, Backend::Openssh)
}

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A paper config on the shipped recording.
fn paper(host: &FleetHost, speed: u32) {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("engine/recordings/sample.jsonl");
    std::fs::write(
        host.root.join("config/config.toml"),
        format!(
            "[server]\nbind = \"127.0.0.1:{}\"\nshutdown_timeout = \"5s\"\n\n\
             [market_data]\nsource = \"recording\"\nrecording = \"{}\"\nrecording_speed = {speed}\n",
            host.http_port,
            sample.display()
        ),
    )
    .unwrap();
}

fn deploy(fleet: &Fleet, host: &str) {
    let run = ctl(fleet)
        .args(["deploy", "-H", host, "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.0"])
        .run();
    assert_eq!(run.code, 0, "{}", run.all());
}

/// Backups until one holds fills; its manifest (from `--json`).
fn backup_with_fills(fleet: &Fleet, host: &str) -> (serde_json::Value, Run) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let run = ctl(fleet).args(["backup", "-H", host, "--json"]).run();
        assert_eq!(run.code, 0, "{}", run.all());
        let manifest = run.json()["hosts"][0]["backup"].clone();
        if manifest["tables"]["fills"].as_u64().unwrap_or(0) > 0 {
            return (manifest, run);
        }
        assert!(Instant::now() < deadline, "no fills yet: {}", run.all());
        std::thread::sleep(Duration::from_millis(700));
    }
}

/// `ploy <args>` with the host's config, run here (the host's folder is local).
fn ploy(host: &FleetHost, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(ploy_bin())
        .current_dir(&host.root)
        .args(["--config", "config/config.toml"])
        .args(args)
        .output()
        .expect("ploy");
    assert!(
        out.status.success(),
        "ploy {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// What the host's database holds now (`ploy db restore --dry-run`).
fn holds(host: &FleetHost, manifest: &serde_json::Value) -> serde_json::Value {
    let path = format!("backups/{}.json", manifest["name"].as_str().unwrap());
    ploy(host, &["db", "restore", &path, "--dry-run", "--json"])["current"].clone()
}

fn nonzero_positions(host: &FleetHost) -> serde_json::Map<String, serde_json::Value> {
    ploy(host, &["positions", "--json"])["positions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["size"] != "0")
        .map(|p| {
            (
                p["token_id"].as_str().unwrap().to_owned(),
                p["size"].clone(),
            )
        })
        .collect()
}

fn nonzero(fills: &serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    fills
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| *v != "0")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The engine's kill switch (`GET /trading-state`).
fn trading_state(host: &FleetHost) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", host.http_port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream
        .write_all(b"GET /trading-state HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let body = text.split("\r\n\r\n").nth(1)?;
    let json: serde_json::Value =
        serde_json::from_str(&body[body.find('{')?..=body.rfind('}')?]).ok()?;
    json["state"].as_str().map(str::to_owned)
}

fn no_secret(run: &Run) {
    assert!(!run.all().contains(SECRET_KEY), "{}", run.all());
}

#[test]
fn a_backup_copied_off_the_host_restores_in_place_and_onto_a_new_host() {
    let s3 = S3Server::start();
    s3.create_bucket(BUCKET);
    let fleet = Fleet::start(2);
    for host in &fleet.hosts {
        paper(host, 20);
        std::fs::write(host.root.join(".env"), s3.dotenv()).unwrap();
    }
    fleet.write_inventory(&format!(
        "\n[backup]\nkeep_last = 3\nkeep_daily = 0\nkeep_weekly = 0\ndestination = \"s3://{BUCKET}/fleet\"\n"
    ));
    deploy(&fleet, "host1");
    let (taken, run) = backup_with_fills(&fleet, "host1");
    no_secret(&run);
    let name = taken["name"].as_str().unwrap().to_owned();
    let details = &run.json()["hosts"][0];
    assert_eq!(details["destination"], format!("s3://{BUCKET}/fleet/host1"));
    assert!(
        details["uploaded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == name.as_str()),
        "{details:#}"
    );
    let keys = s3.keys(BUCKET);
    assert!(
        keys.contains(&format!("fleet/host1/{name}.json"))
            && keys.contains(&format!("fleet/host1/{}", taken["file"].as_str().unwrap())),
        "{keys:?}"
    );
    let remote = ctl(&fleet)
        .args(["backup", "list", "-H", "host1", "--remote", "--json"])
        .run();
    assert_eq!(remote.code, 0, "{}", remote.all());
    assert_eq!(
        remote.json()["hosts"][0]["backups"][0]["name"],
        name.as_str()
    );

    // No terminal and no --yes: nothing changes.
    let asked = ctl(&fleet)
        .args(["restore", "-H", "host1", "--from", &name])
        .run();
    assert_eq!(asked.code, 2, "{}", asked.all());
    assert!(
        asked.all().contains("no terminal to confirm at"),
        "{}",
        asked.all()
    );
    assert!(!fleet.host("host1").path(".ployctl/restore.json").exists());

    // In place: halted, restored, healthy, trading as before; audited.
    let host1 = fleet.host("host1");
    assert_eq!(trading_state(host1).as_deref(), Some("active"));
    let restored = ctl(&fleet)
        .args(["restore", "-H", "host1", "--from", &name, "--yes", "--json"])
        .run();
    assert_eq!(restored.code, 0, "{}", restored.all());
    no_secret(&restored);
    let r = &restored.json()["hosts"][0];
    assert_eq!(
        r["restored"]["restored"]["tables"], taken["tables"],
        "{r:#}"
    );
    assert_eq!(r["trading_before"], "active", "{r:#}");
    assert_eq!(r["trading_state"], "active", "{r:#}");
    let kept = r["restored"]["kept"].as_str().unwrap().to_owned();
    assert!(kept.ends_with("-kept-before-restore"), "{kept}");
    assert!(host1.path(&format!("backups/{kept}.json")).exists());
    assert!(!host1.path(".ployctl/restore.json").exists());
    assert_eq!(trading_state(host1).as_deref(), Some("active"));
    let audit = host1.audit();
    let last = audit.last().unwrap();
    assert_eq!(last["action"], "restore", "{last:#}");
    assert_eq!(last["outcome"], "success", "{last:#}");
    assert!(
        last["reason"].as_str().unwrap().contains(&name)
            && last["reason"].as_str().unwrap().contains(&kept),
        "{last:#}"
    );

    // A new host, from object storage: the same positions and fills, halted.
    deploy(&fleet, "host2");
    let fresh = ctl(&fleet)
        .args([
            "restore",
            "-H",
            "host2",
            "--to-new-host",
            "--from-host",
            "host1",
            "--from",
            &name,
            "--yes",
            "--json",
        ])
        .run();
    assert_eq!(fresh.code, 0, "{}", fresh.all());
    no_secret(&fresh);
    let f = &fresh.json()["hosts"][0];
    assert_eq!(f["fetched_from"], format!("s3://{BUCKET}/fleet/host1"));
    assert_eq!(f["trading_state"], "halted", "{f:#}");
    assert!(
        f["hint"].as_str().unwrap().contains("trading resume"),
        "{f:#}"
    );
    let host2 = fleet.host("host2");
    assert_eq!(trading_state(host2).as_deref(), Some("halted"));
    assert_eq!(
        nonzero_positions(host2),
        nonzero(&taken["fills_by_token"]),
        "the new host's positions are the backup's fills"
    );
    let now = holds(host2, &taken);
    assert_eq!(now["tables"]["fills"], taken["tables"]["fills"], "{now:#}");
    assert_eq!(
        now["tables"]["orders"], taken["tables"]["orders"],
        "{now:#}"
    );
    assert_eq!(now["newest_fill_ms"], taken["newest_fill_ms"], "{now:#}");
    for host in &fleet.hosts {
        host.stop_ploy();
    }
}

#[test]
fn a_postgres_host_backs_up_drills_and_restores_without_showing_its_password() {
    const PASSWORD: &str = "pg-restore-pw-7731";
    let pg = PgServer::start();
    let url = pg.url("ploy", Some(PASSWORD));
    let fleet = Fleet::start(1);
    let host = &fleet.hosts[0];
    paper(host, 20);
    host.append_env(&format!("DATABASE_URL={url}"));
    fleet.write_inventory("");
    deploy(&fleet, "host1");
    let (taken, run) = backup_with_fills(&fleet, "host1");
    assert_eq!(taken["database"], "postgres", "{taken:#}");
    assert!(taken["file"].as_str().unwrap().ends_with(".dump"));
    let verified = ctl(&fleet)
        .args(["backup", "verify", "-H", "host1", "--json"])
        .run();
    assert_eq!(verified.code, 0, "{}", verified.all());
    assert_eq!(
        verified.json()["hosts"][0]["backup"]["verification"]["ok"],
        true
    );
    let name = taken["name"].as_str().unwrap();
    let restored = ctl(&fleet)
        .args(["restore", "-H", "host1", "--from", name, "--yes", "--json"])
        .run();
    assert_eq!(restored.code, 0, "{}", restored.all());
    let r = &restored.json()["hosts"][0];
    assert_eq!(r["restored"]["database"], "postgres");
    assert_eq!(r["restored"]["restored"]["tables"], taken["tables"]);
    assert_eq!(r["trading_state"], "active", "{r:#}");
    for out in [&run, &verified, &restored] {
        assert!(!out.all().contains(PASSWORD), "{}", out.all());
    }
    let logs = std::fs::read_to_string(host.path("logs/ploy.log")).unwrap_or_default();
    assert!(
        !logs.contains(PASSWORD),
        "the engine's log shows the password"
    );
    host.stop_ploy();
}

/// Where ployctl dies during a restore.
#[derive(Debug, Clone, Copy)]
enum KillPoint {
    /// The record is written, nothing else yet.
    Recorded,
    /// During the host script (stop, restore, start).
    Restoring,
    /// The database is the backup; the engine's health not proven yet.
    Restored,
    /// Proving the restored engine healthy.
    HealthWait,
}

fn reached(point: KillPoint, host: &FleetHost, stderr: &Path) -> bool {
    let log = || std::fs::read_to_string(stderr).unwrap_or_default();
    let record = || std::fs::read_to_string(host.path(".ployctl/restore.json")).unwrap_or_default();
    match point {
        KillPoint::Recorded => record().contains("\"phase\":\"started\""),
        KillPoint::Restoring => log().contains("restore: stopping ploy, restoring"),
        KillPoint::Restored => record().contains("\"phase\":\"restored\""),
        KillPoint::HealthWait => log().contains("health: waiting for /health"),
    }
}

fn interrupted_restore(point: KillPoint) {
    let fleet = Fleet::start(1);
    let host = &fleet.hosts[0];
    paper(host, 20);
    fleet.write_inventory("");
    deploy(&fleet, "host1");
    let (taken, _) = backup_with_fills(&fleet, "host1");
    let name = taken["name"].as_str().unwrap().to_owned();
    let restore = || {
        ctl(&fleet).args([
            "restore",
            "-v",
            "-H",
            "host1",
            "--from",
            &name,
            "--yes",
            "--stability-window",
            "3s",
        ])
    };
    let dir = tempfile::tempdir().unwrap();
    let mut child = restore().spawn(dir.path(), "first");
    let stderr = dir.path().join("first.err");
    wait_for(&format!("{point:?}"), Duration::from_secs(90), || {
        reached(point, host, &stderr)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    // The host always has its database, whatever was under way.
    assert!(
        host.path("data/ploy.db").is_file(),
        "{point:?}: no database"
    );
    // The host script runs to its end; then the same command again.
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        host.path("data/ploy.db").is_file(),
        "{point:?}: no database"
    );
    let again = restore().run();
    assert_eq!(again.code, 0, "{point:?}: {}", again.all());
    assert!(!host.path(".ployctl/restore.json").exists(), "{point:?}");
    assert!(
        !host.path(".ployctl/lock").exists(),
        "{point:?}: the lock is left"
    );
    assert_eq!(
        trading_state(host).as_deref(),
        Some("active"),
        "{point:?}: the kill switch as it was before the restore"
    );
    let (status, _) = host.health().expect("health");
    assert_eq!(status, 200, "{point:?}");
    let last = host.audit().last().cloned().unwrap();
    assert_eq!(last["action"], "restore", "{point:?}: {last:#}");
    assert_eq!(last["outcome"], "success", "{point:?}: {last:#}");
    // Every backup a restore kept is still there, and none lost.
    let kept = std::fs::read_dir(host.path("backups"))
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .ends_with("-kept-before-restore.json")
        })
        .count();
    assert!(kept >= 1, "{point:?}: the replaced database is kept");
    host.stop_ploy();
}

#[test]
fn a_restore_killed_at_each_step_finishes_when_run_again() {
    let points = [
        KillPoint::Recorded,
        KillPoint::Restoring,
        KillPoint::Restored,
        KillPoint::HealthWait,
    ];
    std::thread::scope(|s| {
        let handles: Vec<_> = points
            .iter()
            .map(|p| s.spawn(move || interrupted_restore(*p)))
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}
