//! ployctl killed with SIGKILL during an upload and right after the switch: the
//! host keeps serving a healthy release, the next deploy reports the stale
//! lock, cleans up and succeeds, and no ssh master outlives its idle timeout.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::deploy::deploy;
use crate::harness::fleet::Fleet;
use crate::harness::ploy_bin;
use crate::harness::run::{Backend, Ctl};

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn healthy_within(fleet: &Fleet, timeout: Duration) {
    let host = fleet.host("host1");
    let deadline = Instant::now() + timeout;
    loop {
        if host.health().is_some_and(|(status, _)| status == 200) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "host1 does not serve a healthy release"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn masters_gone_within(fleet: &Fleet, timeout: Duration) {
    let control = fleet.dir.path().join("ctl").display().to_string();
    let deadline = Instant::now() + timeout;
    loop {
        let out = std::process::Command::new("pgrep")
            .args(["-f", &control])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout).trim().is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "an ssh master outlived its idle timeout"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn next_deploy_recovers(fleet: &Fleet, expect_upload_cleanup: bool) {
    let run = deploy(fleet, Backend::Openssh, "host1", "3.0.0");
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr.contains("stale lock: held by") && run.stderr.contains("whose process is gone"),
        "the stale lock is reported:\n{}",
        run.all()
    );
    if expect_upload_cleanup {
        assert!(
            run.stderr.contains("removed an interrupted upload"),
            "{}",
            run.all()
        );
    }
    let host = fleet.host("host1");
    assert_eq!(host.current().as_deref(), Some("3.0.0"));
    assert!(
        host.releases().iter().all(|r| !r.starts_with(".tmp-")),
        "{:?}",
        host.releases()
    );
    assert_eq!(host.health().unwrap().0, 200);
}

#[test]
fn killed_during_the_upload() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    assert_eq!(deploy(&fleet, Backend::Openssh, "host1", "1.0.0").code, 0);
    // A large binary (ploy plus padding, still runnable) makes the upload last.
    let big = fleet.dir.path().join("big-ploy");
    std::fs::copy(ploy_bin(), &big).unwrap();
    let mut file = std::fs::OpenOptions::new().append(true).open(&big).unwrap();
    let block = vec![0u8; 1 << 20];
    for _ in 0..600 {
        file.write_all(&block).unwrap();
    }
    drop(file);

    let mut child = Ctl::new(&fleet, Backend::Openssh)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(&big)
        .args(["--version", "2.0.0"])
        .spawn(fleet.dir.path(), "killed-upload");
    let tmp_exists = || {
        std::fs::read_dir(host.path("releases"))
            .map(|d| {
                d.flatten()
                    .any(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
            })
            .unwrap_or(false)
    };
    wait_for("the upload to start", Duration::from_secs(30), tmp_exists);
    child.kill().unwrap();
    child.wait().unwrap();

    assert_eq!(host.current().as_deref(), Some("1.0.0"));
    healthy_within(&fleet, Duration::from_secs(5));
    assert!(
        host.path(".ployctl/lock").exists(),
        "the killed deploy left its lock"
    );
    masters_gone_within(&fleet, Duration::from_secs(20));
    next_deploy_recovers(&fleet, true);
}

#[test]
fn killed_right_after_the_switch() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    assert_eq!(deploy(&fleet, Backend::Openssh, "host1", "1.0.0").code, 0);
    let mut child = Ctl::new(&fleet, Backend::Openssh)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "2.0.0"])
        .spawn(fleet.dir.path(), "killed-switch");
    wait_for("the switch", Duration::from_secs(30), || {
        host.current().as_deref() == Some("2.0.0")
    });
    child.kill().unwrap();
    child.wait().unwrap();

    healthy_within(&fleet, Duration::from_secs(15));
    assert!(
        host.path(".ployctl/lock").exists(),
        "the killed deploy left its lock"
    );
    masters_gone_within(&fleet, Duration::from_secs(20));
    next_deploy_recovers(&fleet, false);
}
