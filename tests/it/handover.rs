//! The standby handover (`handover = "standby"`) on a real sshd host with a
//! live engine against the fake CLOB: the new release starts beside the old
//! one, is ready without trading, and takes the trading lease only as the
//! old one lets it go; on the exchange's ledger no two processes ever have
//! orders resting at once, and the deploy reports the gap. A standby that
//! never becomes ready leaves the old release trading, untouched.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::harness::fake_clob::FakeClob;
use crate::harness::fleet::{Fleet, FleetHost};
use crate::harness::releases::wrapper;
use crate::harness::run::{Backend, Ctl, Run};
use crate::harness::{free_port, ploy_bin, runtime};

fn ctl(fleet: &Fleet) -> Ctl {
    Ctl::new(fleet, Backend::Openssh)
}

fn deploy(fleet: &Fleet, binary: &std::path::Path, version: &str) -> Run {
    ctl(fleet)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(binary)
        .args(["--version", version, "--json"])
        .run()
}

/// A standby handover with a readiness bound of `ready`.
fn standby_fleet(ready: &str) -> Fleet {
    let fleet = Fleet::start(1);
    let text = fleet
        .inventory(&format!(
            "handover = \"standby\"\nstandby_port = {}\n",
            free_port("127.0.0.1")
        ))
        .replace(
            "health_timeout = \"20s\"",
            &format!("health_timeout = \"{ready}\""),
        );
    std::fs::write(fleet.dir.path().join("ployctl.toml"), text).unwrap();
    fleet
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Each stored order's hash → the process that placed it (`<mode>-<start>`),
/// read from the host's database with `ploy orders --json`.
fn processes_by_hash(host: &FleetHost) -> BTreeMap<String, String> {
    let out = std::process::Command::new(ploy_bin())
        .current_dir(&host.root)
        .arg("--config")
        .arg(host.root.join("config/config.toml"))
        .args(["orders", "--json", "--limit", "100000"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    answer["orders"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| {
            let hash = o["order_hash"].as_str()?.to_ascii_lowercase();
            let id = o["client_id"].as_str()?;
            let process: Vec<&str> = id.splitn(3, '-').take(2).collect();
            Some((hash, process.join("-")))
        })
        .collect()
}

/// Resting spans `(from, to)` on the fake's ledger of each process.
fn spans(fake: &FakeClob, host: &FleetHost) -> BTreeMap<String, Vec<(i64, i64)>> {
    let by_hash = processes_by_hash(host);
    let mut out: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    for order in fake.ledger() {
        if let Some(process) = by_hash.get(&order.hash.to_ascii_lowercase()) {
            out.entry(process.clone())
                .or_default()
                .push((order.rested_ms, order.ended_ms.unwrap_or(i64::MAX)));
        }
    }
    out
}

fn steps(json: &serde_json::Value) -> Vec<(String, String)> {
    json["hosts"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap_or("").to_owned(),
                s["status"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_standby_handover_never_has_two_releases_quoting_and_reports_the_gap() {
    let rt = runtime();
    let fleet = standby_fleet("20s");
    let fake = rt.block_on(FakeClob::start());
    let host = &fleet.hosts[0];
    host.go_live(&fake, "");
    // Nothing runs yet: the first deploy starts the service as usual.
    let first = deploy(&fleet, &ploy_bin(), "1.0.0");
    assert_eq!(first.code, 0, "{}", first.all());
    assert!(
        !steps(&first.json()).iter().any(|(s, _)| s == "standby"),
        "nothing to hand over from: {}",
        first.all()
    );
    wait_for("1.0.0's first quote", || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    });

    let run = deploy(&fleet, &ploy_bin(), "2.0.0");
    assert_eq!(run.code, 0, "{}", run.all());
    let json = run.json();
    let steps = steps(&json);
    assert!(
        steps.contains(&("standby".to_owned(), "ok".to_owned())),
        "{steps:?}"
    );
    let restart = json["hosts"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "restart")
        .unwrap_or_else(|| panic!("{}", run.all()));
    assert!(
        restart["detail"]
            .as_str()
            .unwrap()
            .starts_with("handed over"),
        "{restart}"
    );
    let gap = &json["hosts"][0]["quote_gap"];
    let gap_ms = gap["gap_ms"]
        .as_u64()
        .unwrap_or_else(|| panic!("no quote gap: {}", run.all()));
    eprintln!("standby handover: the market went {gap_ms} ms without our quotes");
    assert_eq!(host.current().as_deref(), Some("2.0.0"));
    assert_eq!(host.running().as_deref(), Some("2.0.0"));
    assert_eq!(host.standing("2.0.0").as_deref(), Some("good"));
    assert!(
        !host.root.join("run/ploy-standby.pid").exists(),
        "the standby became the service"
    );
    wait_for("2.0.0's quote", || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    });

    // The exchange's word: every order of one process ended before any of
    // the other rested.
    let spans = spans(&fake, host);
    assert_eq!(spans.len(), 2, "two processes placed orders: {spans:?}");
    let processes: Vec<&Vec<(i64, i64)>> = spans.values().collect();
    for (a_from, a_to) in processes[0] {
        for (b_from, b_to) in processes[1] {
            assert!(
                a_to <= b_from || b_to <= a_from,
                "two releases had orders resting at once: {a_from}..{a_to} and {b_from}..{b_to}"
            );
        }
    }
    // Later commands find the service where they always do.
    let status = ctl(&fleet).args(["health", "-H", "host1"]).run();
    assert_eq!(status.code, 0, "{}", status.all());
    // And a rollback (a plain restart) still works from the handed-over service.
    let back = ctl(&fleet).args(["rollback", "-H", "host1"]).run();
    assert_eq!(back.code, 0, "{}", back.all());
    assert_eq!(host.running().as_deref(), Some("1.0.0"));
    host.stop_ploy();
}

#[test]
fn a_standby_that_never_becomes_ready_leaves_the_old_release_trading() {
    let rt = runtime();
    let fleet = standby_fleet("4s");
    let fake = rt.block_on(FakeClob::start());
    let host = &fleet.hosts[0];
    host.go_live(&fake, "");
    let first = deploy(&fleet, &ploy_bin(), "1.0.0");
    assert_eq!(first.code, 0, "{}", first.all());
    wait_for("1.0.0's first quote", || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    });
    let resting_before: Vec<String> = fake
        .ledger()
        .iter()
        .filter(|o| o.status == "LIVE")
        .map(|o| o.hash.clone())
        .collect();
    let pid_before = std::fs::read_to_string(host.root.join("run/ploy.pid")).unwrap();

    // A release that starts and never answers /health.
    let hangs = wrapper(
        &fleet,
        "hangs",
        "echo 'hanging before the start' >&2; exec sleep 600",
    );
    let run = deploy(&fleet, &hangs, "2.0.0");
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.all().contains("never stopped trading") && run.all().contains("not ready within 4s"),
        "{}",
        run.all()
    );
    let steps = steps(&run.json());
    assert!(
        steps.contains(&("standby".to_owned(), "failed".to_owned())),
        "{steps:?}"
    );
    assert!(
        !steps.iter().any(|(s, _)| s == "switch" || s == "restart"),
        "nothing switched or restarted: {steps:?}"
    );
    assert_eq!(host.current().as_deref(), Some("1.0.0"));
    assert_eq!(host.running().as_deref(), Some("1.0.0"));
    assert_eq!(host.standing("2.0.0").as_deref(), Some("bad"));
    assert_eq!(
        std::fs::read_to_string(host.root.join("run/ploy.pid")).unwrap(),
        pid_before,
        "the old process was never stopped"
    );
    assert!(
        !host.root.join("run/ploy-standby.pid").exists(),
        "the standby is gone"
    );
    let ledger = fake.ledger();
    for hash in &resting_before {
        let order = ledger.iter().find(|o| &o.hash == hash).unwrap();
        assert_eq!(order.status, "LIVE", "the old quotes still rest: {order:?}");
    }
    let health = ctl(&fleet).args(["health", "-H", "host1"]).run();
    assert_eq!(health.code, 0, "{}", health.all());
    host.stop_ploy();
}

/// Where ployctl dies during a standby handover.
#[derive(Debug, Clone, Copy)]
enum KillPoint {
    /// The standby runs (before it is ready or handed over).
    StandbyStarted,
    /// The guard is armed (the handover under way).
    GuardArmed,
    /// The new release runs as the service.
    HandedOver,
}

/// Processes started as a standby under `root` that still run, but the
/// service (a standby that took over keeps its command line).
fn standbys_alive(root: &std::path::Path) -> Vec<String> {
    let service = std::fs::read_to_string(root.join("run/ploy.pid")).unwrap_or_default();
    let root = root.display().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy() != service.trim())
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(&root) && c.contains("--standby-bind"))
        .collect()
}

fn killed_and_run_again(point: KillPoint) {
    let context = format!("{point:?}");
    let rt = runtime();
    let fleet = standby_fleet("20s");
    let fake = rt.block_on(FakeClob::start());
    let host = &fleet.hosts[0];
    host.go_live(&fake, "");
    let first = deploy(&fleet, &ploy_bin(), "1.0.0");
    assert_eq!(first.code, 0, "{context}: {}", first.all());
    wait_for("1.0.0's first quote", || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    });

    let mut child = ctl(&fleet)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "2.0.0"])
        .spawn(fleet.dir.path(), "killed");
    let reached = || match point {
        KillPoint::StandbyStarted => host.root.join("run/ploy-standby.pid").exists(),
        KillPoint::GuardArmed => host.path(".ployctl/guard").exists(),
        KillPoint::HandedOver => host.running().as_deref() == Some("2.0.0"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !reached() {
        assert!(Instant::now() < deadline, "{context}: never reached");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let again = deploy(&fleet, &ploy_bin(), "2.0.0");
    assert_eq!(
        again.code,
        0,
        "{context}: the re-run deploys:\n{}",
        again.all()
    );
    assert_eq!(host.running().as_deref(), Some("2.0.0"), "{context}");
    assert_eq!(host.standing("2.0.0").as_deref(), Some("good"), "{context}");
    assert!(
        !host.root.join("run/ploy-standby.pid").exists(),
        "{context}: no standby pid file left"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !standbys_alive(&host.root).is_empty() {
        assert!(
            Instant::now() < deadline,
            "{context}: a standby left running: {:?}",
            standbys_alive(&host.root)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    wait_for("2.0.0's quote", || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    });
    // Whatever ran, however often: never two processes' orders at once.
    let spans = spans(&fake, host);
    let all: Vec<(&String, &Vec<(i64, i64)>)> = spans.iter().collect();
    for (i, (a, a_spans)) in all.iter().enumerate() {
        for (b, b_spans) in &all[i + 1..] {
            for (a_from, a_to) in *a_spans {
                for (b_from, b_to) in *b_spans {
                    assert!(
                        a_to <= b_from || b_to <= a_from,
                        "{context}: {a} ({a_from}..{a_to}) and {b} ({b_from}..{b_to}) had orders resting at once"
                    );
                }
            }
        }
    }
    host.stop_ploy();
}

#[test]
fn a_standby_handover_killed_at_each_step_recovers_when_run_again() {
    let points = [
        KillPoint::StandbyStarted,
        KillPoint::GuardArmed,
        KillPoint::HandedOver,
    ];
    let threads: Vec<_> = points
        .into_iter()
        .map(|p| std::thread::spawn(move || killed_and_run_again(p)))
        .collect();
    let failed: Vec<String> = threads
        .into_iter()
        .filter_map(|t| t.join().err())
        .map(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default()
        })
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}
