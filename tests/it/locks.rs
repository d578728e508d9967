//! The deploy lock: a second deploy fails fast naming the holder, `--lock-wait`
//! succeeds after the first ends, an expired lock is reported and broken only
//! with `--force-unlock`.

use std::time::{Duration, Instant};

use crate::deploy::deploy;
use crate::harness::fleet::Fleet;
use crate::harness::ploy_bin;
use crate::harness::run::{Backend, Ctl};

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_second_deploy_fails_fast_then_lock_wait_succeeds() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    assert_eq!(deploy(&fleet, Backend::Openssh, "host1", "1.0.0").code, 0);

    // The first deploy holds the lock through a 5 s stability window.
    let mut first = Ctl::new(&fleet, Backend::Openssh)
        .args([
            "deploy",
            "-H",
            "host1",
            "--stability-window",
            "5s",
            "--binary",
        ])
        .arg_path(&ploy_bin())
        .args(["--version", "2.0.0"])
        .spawn(fleet.dir.path(), "first");
    wait_for("the first deploy's lock", Duration::from_secs(20), || {
        host.path(".ployctl/lock").exists()
    });

    let started = Instant::now();
    let second = Ctl::new(&fleet, Backend::Native)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "3.0.0"])
        .run();
    assert_eq!(second.code, 6, "lock held:\n{}", second.all());
    assert!(started.elapsed() < Duration::from_secs(10), "fails fast");
    let holder = format!("{}@", fleet.user);
    assert!(
        second.stdout.contains("lock held by") && second.stdout.contains(&holder),
        "names the holder:\n{}",
        second.all()
    );
    assert!(
        second.stdout.contains(&format!("(pid {})", first.id())),
        "names the holder's pid:\n{}",
        second.all()
    );
    assert!(
        second.stdout.contains("--lock-wait"),
        "says what to do:\n{}",
        second.all()
    );

    let waited = Ctl::new(&fleet, Backend::Native)
        .args(["deploy", "-H", "host1", "--lock-wait", "60s", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "3.0.0"])
        .run();
    assert_eq!(waited.code, 0, "{}", waited.all());
    assert!(waited.stderr.contains("✓ lock"), "{}", waited.all());
    assert_eq!(
        first.wait().unwrap().code(),
        Some(0),
        "the first deploy succeeded too"
    );
    assert_eq!(host.current().as_deref(), Some("3.0.0"));
    let deploys: Vec<String> = host
        .audit()
        .iter()
        .map(|r| r["release"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        deploys,
        ["1.0.0", "2.0.0", "3.0.0"],
        "the waiting deploy ran after the first ended"
    );
}

#[test]
fn an_expired_lock_is_reported_and_broken_only_with_force_unlock() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    assert_eq!(deploy(&fleet, Backend::Openssh, "host1", "1.0.0").code, 0);
    // A lock left by a deploy on another machine an hour ago, TTL 30 min.
    let now = chrono_now();
    std::fs::write(
        host.path(".ployctl/lock"),
        format!(
            "{{\"token\":\"t0\",\"holder\":\"ci@runner-7\",\"machine_id\":\"another-machine\",\"pid\":999999,\
             \"operation\":\"deploy 0.9.0\",\"acquired_at\":{},\"expires_at\":{},\"ci_run_url\":null}}",
            now - 3600,
            now - 1800
        ),
    )
    .unwrap();
    let run = deploy(&fleet, Backend::Openssh, "host1", "2.0.0");
    assert_eq!(run.code, 6, "{}", run.all());
    assert!(
        run.stdout.contains("stale lock: held by ci@runner-7"),
        "{}",
        run.all()
    );
    assert!(run.stdout.contains("--force-unlock"), "{}", run.all());
    assert_eq!(host.current().as_deref(), Some("1.0.0"));

    let forced = Ctl::new(&fleet, Backend::Openssh)
        .args(["deploy", "-H", "host1", "--force-unlock", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "2.0.0"])
        .run();
    assert_eq!(forced.code, 0, "{}", forced.all());
    assert!(
        forced
            .stderr
            .contains("--force-unlock: breaking the lock held by ci@runner-7"),
        "{}",
        forced.all()
    );
    assert_eq!(host.current().as_deref(), Some("2.0.0"));
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn sigterm_and_sigint_release_the_lock() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    assert_eq!(deploy(&fleet, Backend::Openssh, "host1", "1.0.0").code, 0);
    for (signal, version) in [("TERM", "2.0.0"), ("INT", "3.0.0")] {
        let mut child = Ctl::new(&fleet, Backend::Openssh)
            .args([
                "deploy",
                "-H",
                "host1",
                "--stability-window",
                "30s",
                "--binary",
            ])
            .arg_path(&ploy_bin())
            .args(["--version", version])
            .spawn(fleet.dir.path(), &format!("signal-{signal}"));
        wait_for("the switch", Duration::from_secs(30), || {
            host.current().as_deref() == Some(version)
        });
        std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        let started = Instant::now();
        let status = child.wait().unwrap();
        assert_eq!(
            status.code(),
            Some(130),
            "SIG{signal}: interrupted exit code"
        );
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "SIG{signal}: exits promptly"
        );
        assert!(
            !host.path(".ployctl/lock").exists(),
            "SIG{signal}: the lock was released"
        );
        let last = host.audit().pop().unwrap();
        assert_eq!(last["outcome"], "interrupted", "SIG{signal}: {last:#}");
        assert!(
            last["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("interrupted by a signal during ")),
            "SIG{signal}: the audit says where it stopped: {last:#}"
        );
    }
}
