//! The incident runbooks as commands, against real `sshd` hosts running the
//! real `ploy` in live mode, each against a fake CLOB of its own:
//! `incident stuck-orders` with orders stuck three ways (a post the exchange
//! accepted and never answered, an engine killed between storing and
//! posting, an order filled while the engine was down).

use std::time::{Duration, Instant};

use rust_decimal::Decimal;

use crate::harness::fake_clob::{FakeClob, Fault};
use crate::harness::fleet::{Fleet, FleetHost};
use crate::harness::run::{Backend, Ctl};
use crate::harness::{ploy_bin, runtime};

fn ctl(fleet: &Fleet) -> Ctl {
    Ctl::new(fleet, Backend::Openssh)
}

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The host's stored orders, through the engine's own view.
fn stored(host: &FleetHost) -> Vec<serde_json::Value> {
    let out = std::process::Command::new(ploy_bin())
        .current_dir(&host.root)
        .args([
            "--config",
            "config/config.toml",
            "orders",
            "--json",
            "--limit",
            "1000",
        ])
        .output()
        .expect("ploy orders");
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    v["orders"].as_array().cloned().unwrap_or_default()
}

/// SIGKILLs the host's ploy (no shutdown, no cancel).
fn kill_engine(host: &FleetHost) {
    let pid = std::fs::read_to_string(host.path("run/ploy.pid")).expect("pid file");
    let status = std::process::Command::new("kill")
        .args(["-KILL", pid.trim()])
        .status()
        .expect("kill");
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(300));
}

/// Every order the exchange has is stored under its hash with the same
/// matched size, LIVE ones stored open, cancelled ones stored cancelled.
fn ledger_and_database_agree(fake: &FakeClob, host: &FleetHost) {
    let db = stored(host);
    for l in fake.ledger() {
        let row = db
            .iter()
            .find(|o| o["order_hash"] == l.hash.as_str())
            .unwrap_or_else(|| panic!("{} is on the exchange but not stored: {db:#?}", l.hash));
        let filled: Decimal = row["filled_size"].as_str().unwrap().parse().unwrap();
        assert_eq!(filled.normalize(), l.matched.normalize(), "{row}");
        match l.status.as_str() {
            "LIVE" => assert_eq!(row["status"], "open", "{row}"),
            s if s.starts_with("CANCELED") => assert_eq!(row["status"], "cancelled", "{row}"),
            _ => {},
        }
    }
    for row in &db {
        assert!(
            row["status"] != "pending",
            "nothing stays pending after the fix: {row}"
        );
    }
}

#[test]
fn stuck_orders_three_ways_get_the_right_decision_and_the_fix_settles_them() {
    let rt = runtime();
    let fleet = Fleet::start(3);
    let fakes: Vec<FakeClob> = (0..3).map(|_| rt.block_on(FakeClob::start())).collect();
    for (host, fake) in fleet.hosts.iter().zip(&fakes) {
        fake.announce_placements(false);
        host.go_live(fake, "");
    }
    // host1: the exchange takes the post and never answers; host2: every post
    // is refused (429), so the order is stored and never reaches the book.
    fakes[0].fail_next(Fault::HoldForever);
    // A slow answer is waited for (else a timeout's look-up settles it).
    let env = fleet.hosts[0].path(".env");
    let text = std::fs::read_to_string(&env).unwrap();
    std::fs::write(&env, format!("{text}PLOY_EXCHANGE__REQUEST_TIMEOUT=20s\n")).unwrap();
    fakes[1].fail_all(Some(Fault::RateLimited(60)));
    let deploy = ctl(&fleet)
        .args(["deploy", "-H", "host1,host2,host3", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.0", "--stability-window", "1s"])
        .run();
    assert_eq!(deploy.code, 0, "{}", deploy.all());
    wait_for("host1's post to be held", Duration::from_secs(20), || {
        !fakes[0].ledger().is_empty()
    });
    wait_for("host2's order stored", Duration::from_secs(20), || {
        stored(&fleet.hosts[1])
            .iter()
            .any(|o| o["status"] == "pending")
    });
    wait_for("host3's quote open", Duration::from_secs(20), || {
        stored(&fleet.hosts[2])
            .iter()
            .any(|o| o["status"] == "open")
    });
    for host in &fleet.hosts {
        kill_engine(host);
    }
    fakes[1].fail_all(None);
    // host3: filled while its engine is down.
    let quote = fakes[2].ledger().remove(0);
    fakes[2].fill(&quote.hash, quote.size);

    let look = ctl(&fleet)
        .args([
            "--json",
            "incident",
            "stuck-orders",
            "-H",
            "host1,host2,host3",
            "--older-than",
            "0s",
        ])
        .run();
    assert_eq!(
        look.code,
        1,
        "stuck orders found, nothing changed: {}",
        look.all()
    );
    let report = look.json();
    let decisions: Vec<Vec<String>> = (0..3)
        .map(|i| {
            report["hosts"][i]["check"]["orders"]
                .as_array()
                .unwrap_or_else(|| panic!("{}", look.all()))
                .iter()
                .map(|o| o["decision"].as_str().unwrap().to_owned())
                .collect()
        })
        .collect();
    assert_eq!(decisions[0], ["adopt"], "{}", look.all());
    assert_eq!(decisions[1], ["mark_failed"], "{}", look.all());
    assert_eq!(decisions[2], ["settle"], "{}", look.all());
    assert!(
        look.all().contains("--fix` applies the decisions"),
        "{}",
        look.all()
    );
    assert!(
        stored(&fleet.hosts[1])
            .iter()
            .any(|o| o["status"] == "pending"),
        "the look changed nothing"
    );

    // No terminal to confirm at: --fix without --yes refuses, changes nothing.
    let refused = ctl(&fleet)
        .args([
            "incident",
            "stuck-orders",
            "-H",
            "host2",
            "--older-than",
            "0s",
            "--fix",
        ])
        .run();
    assert_eq!(refused.code, 2, "{}", refused.all());
    assert!(refused.all().contains("--yes"), "{}", refused.all());

    let fix = ctl(&fleet)
        .args([
            "--json",
            "incident",
            "stuck-orders",
            "-H",
            "host1,host2,host3",
        ])
        .args([
            "--older-than",
            "0s",
            "--fix",
            "--yes",
            "--stability-window",
            "1s",
        ])
        .run();
    assert_eq!(fix.code, 0, "{}", fix.all());
    let report = fix.json();
    for i in 0..3 {
        let host = &report["hosts"][i];
        assert_eq!(host["outcome"], "success", "{host}");
        assert_eq!(
            host["after"]["orders"]
                .as_array()
                .map_or(0, |o| o.iter().filter(|o| o["decision"] != "keep").count()),
            0,
            "{host}"
        );
    }
    for (host, fake) in fleet.hosts.iter().zip(&fakes) {
        ledger_and_database_agree(fake, host);
        let last = host.audit().last().cloned().unwrap();
        assert_eq!(last["action"], "incident-stuck-orders", "{last}");
    }
    let filled = stored(&fleet.hosts[2]);
    assert!(
        filled
            .iter()
            .any(|o| o["order_hash"] == quote.hash.as_str() && o["status"] == "filled"),
        "the fill that came while the engine was down is applied: {filled:#?}"
    );
    assert_eq!(
        fakes[0].ledger()[0].posts,
        1,
        "the held order was never posted again"
    );
}

/// The exchange answers 429: `incident rate-limit` counts it from the log
/// and the metrics beside the order rate and the config's limit; `--fix`
/// lowers the limit through a config push that is checked and proven
/// healthy; `config rollback` puts the old config back.
#[test]
fn rate_limiting_is_seen_and_the_fix_lowers_the_rate_through_a_proven_push() {
    let rt = runtime();
    let fleet = Fleet::start(1);
    let fake = rt.block_on(FakeClob::start());
    fleet.hosts[0].go_live(&fake, "");
    fake.fail_all(Some(Fault::RateLimited(1)));
    let deploy = ctl(&fleet)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.0", "--stability-window", "1s"])
        .run();
    assert_eq!(deploy.code, 0, "{}", deploy.all());
    let log = fleet.hosts[0].path("logs/ploy.log");
    wait_for(
        "rate-limit retries in the log",
        Duration::from_secs(20),
        || {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .matches("rate limited by the exchange")
                .count()
                >= 2
        },
    );

    let look = ctl(&fleet)
        .args([
            "--json",
            "incident",
            "rate-limit",
            "-H",
            "host1",
            "--window",
            "5m",
        ])
        .run();
    assert_eq!(look.code, 1, "{}", look.all());
    let host = &look.json()["hosts"][0];
    assert!(host["rate_limited"].as_u64().unwrap() >= 2, "{host}");
    assert_eq!(host["max_orders_per_minute"], 600, "{host}");
    assert!(
        host["exchange"]
            .as_str()
            .unwrap()
            .starts_with("reachable from the host"),
        "{host}"
    );
    assert!(
        look.all().contains("--fix --max-orders-per-minute N"),
        "{}",
        look.all()
    );

    let fix = ctl(&fleet)
        .args(["--json", "incident", "rate-limit", "-H", "host1", "--fix"])
        .args([
            "--max-orders-per-minute",
            "30",
            "--yes",
            "--stability-window",
            "1s",
        ])
        .run();
    assert_eq!(fix.code, 0, "{}", fix.all());
    assert!(
        fleet.hosts[0]
            .config()
            .contains("max_orders_per_minute = 30"),
        "{}",
        fleet.hosts[0].config()
    );
    let audit = fleet.hosts[0].audit();
    assert_eq!(audit.last().unwrap()["action"], "config-push", "{audit:?}");

    let back = ctl(&fleet)
        .args([
            "config",
            "rollback",
            "-H",
            "host1",
            "--stability-window",
            "1s",
        ])
        .run();
    assert_eq!(back.code, 0, "{}", back.all());
    assert!(
        fleet.hosts[0]
            .config()
            .contains("max_orders_per_minute = 600"),
        "{}",
        fleet.hosts[0].config()
    );
    assert_eq!(
        fleet.hosts[0].audit().last().unwrap()["action"],
        "config-rollback"
    );
    fake.fail_all(None);
}

/// A host's root moved onto a small tmpfs of its own, unmounted (lazily) on drop.
struct SmallDisk {
    root: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(host: &FleetHost, size_mb: u64) -> Self {
        assert!(
            std::fs::read_to_string("/proc/self/status")
                .unwrap_or_default()
                .lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0")),
            "prerequisite missing: this test mounts a small tmpfs for a host's root and needs root (CI runs as root)"
        );
        let seed = host.root.with_extension("seed");
        let run = |cmd: &mut std::process::Command| {
            let out = cmd.output().expect("run");
            assert!(
                out.status.success(),
                "{cmd:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(std::process::Command::new("cp")
            .arg("-a")
            .arg(&host.root)
            .arg(&seed));
        run(std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_mb}m"), "tmpfs"])
            .arg(&host.root));
        run(std::process::Command::new("sh").arg("-c").arg(format!(
            "cp -a '{}/.' '{}/'",
            seed.display(),
            host.root.display()
        )));
        Self {
            root: host.root.clone(),
        }
    }

    fn free_percent(&self) -> u64 {
        let out = std::process::Command::new("df")
            .args(["-Pk"])
            .arg(&self.root)
            .output()
            .expect("df");
        let text = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<u64> = text
            .lines()
            .nth(1)
            .unwrap_or("")
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        fields[2] * 100 / fields[0].max(1)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.root)
            .status();
    }
}

/// A host whose root's filesystem is nearly full (old releases, a huge
/// log): `incident disk-full` names what fills it; `--fix` halts trading
/// (below disk_free_fail), prunes the releases beyond keep_releases, trims
/// the log, checkpoints the WAL, frees space, leaves the database, the
/// current and previous release and the config intact, and resumes.
#[test]
fn a_full_disk_is_freed_in_a_safe_order_and_nothing_that_matters_is_removed() {
    let fleet = Fleet::start(1);
    // Room for four releases and a fifth's upload, whatever the binary weighs.
    let binary_mb = std::fs::metadata(ploy_bin()).unwrap().len() / (1024 * 1024) + 1;
    let disk = SmallDisk::mount(&fleet.hosts[0], binary_mb * 5 + 40);
    for v in ["1.0.0", "1.0.1", "1.0.2", "1.0.3"] {
        let run = ctl(&fleet)
            .args(["deploy", "-H", "host1", "--binary"])
            .arg_path(&ploy_bin())
            .args(["--version", v, "--stability-window", "1s"])
            .run();
        assert_eq!(run.code, 0, "{v}: {}", run.all());
    }
    // A huge log fills it below disk_free_fail (10%).
    let host = &fleet.hosts[0];
    let log = host.path("logs/ploy.log");
    let line = "2026-12-02T03:00:00.000000Z  INFO ploy: filler filler filler filler filler filler filler\n";
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        while disk.free_percent() >= 7 {
            for _ in 0..10_000 {
                f.write_all(line.as_bytes()).unwrap();
            }
            f.flush().unwrap();
        }
    }
    let releases_before = host.releases();
    assert_eq!(releases_before.len(), 4);
    let config_before = host.config();
    let orders_before = stored(host).len();
    // Fewer releases are kept from now on.
    fleet.write_inventory("keep_releases = 2");

    let look = ctl(&fleet)
        .args(["--json", "incident", "disk-full", "-H", "host1"])
        .run();
    assert_eq!(look.code, 1, "{}", look.all());
    let report = look.json();
    let h = &report["hosts"][0];
    let largest = h["consumers"][0][0].as_str().unwrap();
    assert!(
        largest.starts_with("releases/") || largest == "logs/ploy.log",
        "{h}"
    );
    assert_eq!(h["prunable"].as_array().unwrap().len(), 2, "{h}");

    let fix = ctl(&fleet)
        .args([
            "--json",
            "incident",
            "disk-full",
            "-H",
            "host1",
            "--fix",
            "--yes",
        ])
        .run();
    assert_eq!(fix.code, 0, "{}", fix.all());
    let h = &fix.json()["hosts"][0];
    assert_eq!(h["halted_first"], true, "{h}");
    let host = &fleet.hosts[0];
    assert!(
        disk.free_percent() > 20,
        "space is freed: {}% free\n{}",
        disk.free_percent(),
        fix.all()
    );
    let releases_after = host.releases();
    assert_eq!(releases_after.len(), 2, "{releases_after:?}");
    assert!(
        releases_after.contains(&"1.0.3".to_owned())
            && releases_after.contains(&"1.0.2".to_owned()),
        "the current and the previous release stay: {releases_after:?}"
    );
    assert_eq!(host.config(), config_before, "the config is untouched");
    assert!(host.path("data/ploy.db").is_file(), "the database stays");
    assert!(stored(host).len() >= orders_before, "no order is lost");
    let logs: Vec<String> = std::fs::read_dir(host.path("logs"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        logs.iter().any(|l| l.ends_with(".gz")),
        "the log's tail is kept, compressed: {logs:?}"
    );
    let status = ctl(&fleet).args(["--json", "trading", "status"]).run();
    assert_eq!(
        status.json()["hosts"][0]["before"]["state"],
        "active",
        "trading is resumed after the fix: {}",
        status.all()
    );
    let last = host.audit().last().cloned().unwrap();
    assert_eq!(last["action"], "incident-disk-full", "{last}");
    // Stop ploy before the tmpfs goes (the fleet's drop would, after it).
    fleet.hosts[0].stop_ploy();
    drop(disk);
}

/// The faults of a fix, on a host with an order stuck pending (stored, the
/// post refused, the engine killed): with the exchange not answering the
/// look-ups, nothing is decided and `--fix` changes nothing; while a fix
/// runs, a second operator's fix is refused (lock held, exit 6); Ctrl-C in
/// the middle of the fix ends it with 130, the lock released and the audit
/// saying where it stopped; the same fix run again settles the order, with
/// nothing forgotten and nothing posted twice.
#[test]
fn a_fix_that_cannot_decide_changes_nothing_and_an_interrupted_fix_is_finished_by_a_rerun() {
    let rt = runtime();
    let fleet = Fleet::start(1);
    let fake = rt.block_on(FakeClob::start());
    let host = &fleet.hosts[0];
    fake.announce_placements(false);
    host.go_live(&fake, "");
    fake.fail_all(Some(Fault::RateLimited(60)));
    let deploy = ctl(&fleet)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.0", "--stability-window", "1s"])
        .run();
    assert_eq!(deploy.code, 0, "{}", deploy.all());
    wait_for("an order stored pending", Duration::from_secs(20), || {
        stored(host).iter().any(|o| o["status"] == "pending")
    });
    kill_engine(host);
    fake.fail_all(None);
    let pending: Vec<String> = stored(host)
        .iter()
        .filter(|o| o["status"] == "pending")
        .map(|o| o["client_id"].as_str().unwrap().to_owned())
        .collect();

    // The exchange does not answer a look-up within the host's 1 s timeout.
    fake.set_lookup_delay(Some(Duration::from_secs(5)));
    let audited = host.audit().len();
    let blind = ctl(&fleet)
        .args(["--json", "incident", "stuck-orders", "-H", "host1"])
        .args(["--older-than", "0s", "--fix", "--yes"])
        .run();
    assert_eq!(blind.code, 5, "cannot decide: {}", blind.all());
    let report = blind.json();
    let decisions: Vec<&str> = report["hosts"][0]["check"]["orders"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", blind.all()))
        .iter()
        .map(|o| o["decision"].as_str().unwrap())
        .collect();
    assert!(
        !decisions.is_empty() && decisions.iter().all(|d| *d == "undecided"),
        "{}",
        blind.all()
    );
    assert!(
        report["hosts"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("nothing is decided or changed")),
        "{}",
        blind.all()
    );
    assert!(host.health().is_none(), "the engine was not started");
    assert_eq!(host.audit().len(), audited, "no fix was recorded");
    for id in &pending {
        assert!(
            stored(host)
                .iter()
                .any(|o| o["client_id"] == id.as_str() && o["status"] == "pending"),
            "{id} is left as it was"
        );
    }

    // The exchange answers again. A fix proves the restarted engine over a
    // long window; a second operator's fix meanwhile is refused.
    fake.set_lookup_delay(None);
    let mut first = ctl(&fleet)
        .args(["incident", "stuck-orders", "-v", "-H", "host1"])
        .args(["--older-than", "0s", "--fix", "--yes"])
        .args(["--stability-window", "60s"])
        .spawn(fleet.dir.path(), "first-fix");
    wait_for(
        "the fix's restarted engine healthy",
        Duration::from_secs(40),
        || host.path(".ployctl/lock").exists() && host.health().is_some_and(|(s, _)| s == 200),
    );
    // The restarted engine's reconciliation has settled the order: a second
    // operator's stuck-orders finds nothing to fix and takes no lock; their
    // rate-limit fix (a config push) is refused while the first fix runs.
    let look = ctl(&fleet)
        .args(["incident", "stuck-orders", "-H", "host1"])
        .args(["--older-than", "0s", "--fix", "--yes"])
        .run();
    assert_eq!(look.code, 0, "nothing left to fix: {}", look.all());
    assert!(look.all().contains("0 to change"), "{}", look.all());
    let second = ctl(&fleet)
        .args(["incident", "rate-limit", "-H", "host1"])
        .args(["--fix", "--max-orders-per-minute", "100", "--yes"])
        .run();
    assert_eq!(second.code, 6, "lock held: {}", second.all());
    assert!(
        !host.config().contains("max_orders_per_minute = 100"),
        "the refused fix changed nothing"
    );
    assert!(
        second.all().contains("lock held by"),
        "names the holder: {}",
        second.all()
    );

    // Ctrl-C.
    std::process::Command::new("kill")
        .args(["-INT", &first.id().to_string()])
        .status()
        .unwrap();
    let status = first.wait().unwrap();
    let first_err = std::fs::read_to_string(fleet.dir.path().join("first-fix.err")).unwrap();
    assert_eq!(status.code(), Some(130), "interrupted: {first_err}");
    assert!(
        !host.path(".ployctl/lock").exists(),
        "the lock was released"
    );
    let last = host.audit().pop().unwrap();
    assert_eq!(last["action"], "incident-stuck-orders", "{last:#}");
    assert_eq!(last["outcome"], "interrupted", "{last:#}");
    assert!(
        last["reason"]
            .as_str()
            .is_some_and(|r| r.contains("interrupted by a signal during health")),
        "the audit says where it stopped: {last:#}"
    );

    // Run again: the fix completes; the database agrees with the exchange.
    let again = ctl(&fleet)
        .args(["--json", "incident", "stuck-orders", "-H", "host1"])
        .args(["--older-than", "0s", "--fix", "--yes"])
        .args(["--stability-window", "1s"])
        .run();
    assert!(
        again.code == 0,
        "the re-run settles what is left: {}",
        again.all()
    );
    ledger_and_database_agree(&fake, host);
    for id in &pending {
        let rows: Vec<serde_json::Value> = stored(host)
            .into_iter()
            .filter(|o| o["client_id"] == id.as_str())
            .collect();
        assert_eq!(rows.len(), 1, "{id} is stored once: {rows:#?}");
        assert_eq!(
            rows[0]["status"], "failed",
            "never reached the book: {rows:#?}"
        );
    }
    for order in fake.ledger() {
        assert_eq!(order.posts, 1, "nothing was posted twice: {order:?}");
    }
}
