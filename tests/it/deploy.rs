//! The happy path, through both backends: deploy, a second deploy, releases,
//! rollback, rollback --to.

use crate::harness::fleet::{Fleet, HOST_SECRET};
use crate::harness::ploy_bin;
use crate::harness::run::{Backend, Ctl, Run};

pub fn deploy(fleet: &Fleet, backend: Backend, host: &str, version: &str) -> Run {
    let run = Ctl::new(fleet, backend)
        .args(["deploy", "-H", host, "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", version])
        .run();
    assert!(
        !run.all().contains(HOST_SECRET),
        "a secret from the host's .env leaked:\n{}",
        run.all()
    );
    run
}

fn happy_path(backend: Backend) {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");

    let first = deploy(&fleet, backend, "host1", "1.0.0");
    assert_eq!(first.code, 0, "{}", first.all());
    assert_eq!(host.current().as_deref(), Some("1.0.0"));
    let (status, body) = host.health().expect("ploy answers on the host");
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["checks"]["api_connection"]["source"], "recording");
    let bin = std::fs::read_link(host.path("bin/ploy")).unwrap();
    assert_eq!(bin, std::path::PathBuf::from("../current/ploy"));
    let info: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(host.path("releases/1.0.0/release.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(info["version"], "1.0.0");
    assert_eq!(info["ploy_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["sha256"].as_str().unwrap().len(), 64);
    assert!(info["deployed_by"].as_str().unwrap().contains('@'));
    for step in [
        "connect",
        "lock",
        "preflight",
        "upload",
        "check-config",
        "switch",
        "restart",
        "health",
        "prune",
    ] {
        assert!(
            first.stderr.contains(&format!("✓ {step}:")),
            "step {step} missing:\n{}",
            first.all()
        );
    }

    let second = deploy(&fleet, backend, "host1", "1.1.0");
    assert_eq!(second.code, 0, "{}", second.all());
    assert_eq!(host.current().as_deref(), Some("1.1.0"));

    let releases = Ctl::new(&fleet, backend)
        .args(["releases", "-H", "host1", "--json"])
        .run();
    assert_eq!(releases.code, 0, "{}", releases.all());
    let report = releases.json();
    let list = report["hosts"][0]["releases"].as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["1.1.0", "1.0.0"]);
    assert_eq!(list[0]["current"], true);
    assert_eq!(list[1]["previous"], true);
    let human = Ctl::new(&fleet, backend)
        .args(["releases", "-H", "host1"])
        .run();
    assert!(human.stdout.contains("* 1.1.0"), "{}", human.all());
    assert!(human.stdout.contains("(previous)"), "{}", human.all());

    let back = Ctl::new(&fleet, backend)
        .args(["rollback", "-H", "host1"])
        .run();
    assert_eq!(back.code, 0, "{}", back.all());
    assert_eq!(host.current().as_deref(), Some("1.0.0"));
    assert_eq!(host.health().unwrap().0, 200);

    let forward = Ctl::new(&fleet, backend)
        .args(["rollback", "-H", "host1", "--to", "1.1"])
        .run();
    assert_eq!(forward.code, 0, "{}", forward.all());
    assert_eq!(host.current().as_deref(), Some("1.1.0"));
    assert_eq!(host.health().unwrap().0, 200);

    let audit = host.audit();
    let actions: Vec<(&str, &str, &str)> = audit
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap(),
                r["release"].as_str().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("deploy", "1.0.0", "success"),
            ("deploy", "1.1.0", "success"),
            ("rollback", "1.0.0", "success"),
            ("rollback", "1.1.0", "success")
        ]
    );
    assert!(!host.path(".ployctl/lock").exists(), "the lock is released");

    let health = Ctl::new(&fleet, backend)
        .args(["health", "-H", "host1"])
        .run();
    assert_eq!(health.code, 0, "{}", health.all());
    assert!(health.stdout.contains("✓ database"), "{}", health.all());
    assert!(health.stdout.contains("trading active"), "{}", health.all());

    // On-call sees a halted engine that is otherwise healthy.
    assert_eq!(host.set_trading_state("halted"), Some(200));
    let health = Ctl::new(&fleet, backend)
        .args(["health", "-H", "host1"])
        .run();
    assert_eq!(health.code, 0, "halted is still healthy:\n{}", health.all());
    assert!(
        health.stdout.contains("trading halted since")
            && health
                .stdout
                .contains("set by PUT /trading-state from 127.0.0.1:"),
        "{}",
        health.all()
    );
    no_master_left(&fleet);
}

/// No ssh master process outlives ployctl.
pub fn no_master_left(fleet: &Fleet) {
    let control = fleet.dir.path().join("ctl");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let out = std::process::Command::new("pgrep")
            .args(["-f"])
            .arg(control.display().to_string())
            .output()
            .unwrap();
        let pids = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if pids.is_empty() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "ssh masters left behind: {pids}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn happy_path_openssh() {
    happy_path(Backend::Openssh);
}

#[test]
fn happy_path_native() {
    happy_path(Backend::Native);
}

#[test]
fn a_redeploy_of_the_running_release_does_nothing_unless_forced() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    assert_eq!(deploy(&fleet, Backend::Openssh, "host1", "2.0.0").code, 0);
    let uptime = || host.health().unwrap().1["uptime_seconds"].as_u64().unwrap();
    let pid = || std::fs::read_to_string(host.path("run/ploy.pid")).unwrap();
    let before = pid();
    let again = deploy(&fleet, Backend::Openssh, "host1", "2.0.0");
    assert_eq!(again.code, 0, "{}", again.all());
    assert!(
        again
            .stderr
            .contains("- deploy: 2.0.0 already runs, proven good and healthy; nothing to do"),
        "{}",
        again.all()
    );
    assert_eq!(pid(), before, "ploy was not restarted");
    let forced = Ctl::new(&fleet, Backend::Openssh)
        .args(["deploy", "-H", "host1", "--force", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "2.0.0"])
        .run();
    assert_eq!(forced.code, 0, "{}", forced.all());
    assert!(
        forced
            .stderr
            .contains("- upload: this release is already on the host (same sha256)"),
        "{}",
        forced.all()
    );
    assert!(forced.stderr.contains("✓ restart"), "{}", forced.all());
    assert_ne!(pid(), before, "--force restarts it");
    assert!(uptime() < 60);
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let fleet = Fleet::start(1);
    let run = Ctl::new(&fleet, Backend::Openssh)
        .args(["deploy", "-H", "host1", "--dry-run", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "3.0.0"])
        .run();
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.contains("host1 ("), "{}", run.all());
    assert!(
        run.stdout.contains("point ") && run.stdout.contains("releases/3.0.0"),
        "{}",
        run.all()
    );
    assert!(run.stdout.contains("dry run: nothing was changed"));
    assert!(
        !fleet.host("host1").path("releases").exists(),
        "nothing was created on the host"
    );
    assert!(fleet.host("host1").current().is_none());
}
