//! ployctl killed with SIGKILL at every step boundary of a deploy (during the
//! upload, once the guard is armed, right after the switch, after the restart,
//! during the health wait, during the stability window), with a good release
//! and with one that crashes 3 s after it is healthy, through both SSH
//! backends. Afterwards the host always runs a good release and is healthy,
//! `releases` says what really runs, the ledger says what happened, and the
//! same deploy run again ends with 0 (good) or 3 (crashing, back on the last
//! good release), never 1 with the host down.
//!
//! The scenarios are independent hosts and run side by side.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use crate::deploy::deploy;
use crate::harness::fleet::{Fleet, FleetHost};
use crate::harness::ploy_bin;
use crate::harness::releases::{crashes_after_3s, padded};
use crate::harness::run::{Backend, Ctl, Run};

/// Where ployctl dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KillPoint {
    Upload,
    GuardArmed,
    Switched,
    RestartSent,
    HealthWait,
    StabilityWindow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Release {
    Good,
    Crashing,
}

#[derive(Debug, Clone, Copy)]
struct Scenario {
    point: KillPoint,
    release: Release,
    backend: Backend,
    /// Run the deploy again at once, without waiting for the guard.
    immediate: bool,
}

const NEW: &str = "2.0.0";
const OLD: &str = "1.0.0";

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn reached(point: KillPoint, host: &FleetHost, stderr: &Path) -> bool {
    let log = || std::fs::read_to_string(stderr).unwrap_or_default();
    match point {
        KillPoint::Upload => std::fs::read_dir(host.path("releases"))
            .map(|d| {
                d.flatten().any(|e| {
                    e.file_name().to_string_lossy().starts_with(".tmp-")
                        && e.path()
                            .join("ploy")
                            .metadata()
                            .is_ok_and(|m| m.len() > 4 << 20)
                })
            })
            .unwrap_or(false),
        KillPoint::GuardArmed => host.path(".ployctl/guard").exists(),
        KillPoint::Switched => host.current().as_deref() == Some(NEW),
        KillPoint::RestartSent => std::fs::read_to_string(host.path(".ployctl/running"))
            .is_ok_and(|r| r.contains(&format!("release={NEW}\n"))),
        KillPoint::HealthWait => log().contains("health: waiting for /health"),
        KillPoint::StabilityWindow => log()
            .lines()
            .any(|l| l.contains("health: poll") && l.ends_with(": healthy")),
    }
}

fn new_binary(fleet: &Fleet, scenario: &Scenario) -> PathBuf {
    let binary = match scenario.release {
        Release::Good => ploy_bin(),
        Release::Crashing => crashes_after_3s(fleet),
    };
    if scenario.point == KillPoint::Upload {
        padded(fleet, &binary, 200)
    } else {
        binary
    }
}

fn deploy_new(fleet: &Fleet, backend: Backend, binary: &Path) -> Ctl {
    Ctl::new(fleet, backend)
        .args([
            "deploy",
            "-v",
            "-H",
            "host1",
            "--stability-window",
            "6s",
            "--binary",
        ])
        .arg_path(binary)
        .args(["--version", NEW])
}

fn kill(child: &mut Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The host runs `release`, healthy, and `releases --json` says so.
fn runs_healthy(fleet: &Fleet, backend: Backend, release: &str, context: &str) {
    let host = fleet.host("host1");
    wait_for(
        &format!("{release} healthy ({context})"),
        Duration::from_secs(30),
        || {
            host.running().as_deref() == Some(release)
                && host.health().is_some_and(|(s, _)| s == 200)
        },
    );
    assert_eq!(host.current().as_deref(), Some(release), "{context}");
    let listed = Ctl::new(fleet, backend)
        .args(["releases", "-H", "host1", "--json"])
        .run();
    assert_eq!(listed.code, 0, "{context}: {}", listed.all());
    let report = listed.json();
    assert_eq!(report["hosts"][0]["running"], release, "{context}");
    assert_eq!(report["hosts"][0]["current"], release, "{context}");
    let entries = report["hosts"][0]["releases"].as_array().unwrap();
    let running: Vec<&str> = entries
        .iter()
        .filter(|e| e["running"] == true)
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(running, [release], "{context}");
}

fn scenario(s: Scenario) {
    let context = format!("{s:?}");
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    let first = deploy(&fleet, s.backend, "host1", OLD);
    assert_eq!(first.code, 0, "{context}: {}", first.all());
    let binary = new_binary(&fleet, &s);

    let stderr = fleet.dir.path().join("killed.err");
    let mut child = deploy_new(&fleet, s.backend, &binary).spawn(fleet.dir.path(), "killed");
    wait_for(
        &format!("{:?} ({context})", s.point),
        Duration::from_secs(60),
        || reached(s.point, host, &stderr),
    );
    kill(&mut child);
    // The upload starts beside the lock, so a kill during it may come first.
    let left_lock = host.path(".ployctl/lock").exists();

    if !s.immediate {
        // The guard (if it was armed) notices at once that ployctl is gone.
        wait_for(
            &format!("the guard to finish ({context})"),
            Duration::from_secs(60),
            || host.guard_settled(),
        );
        runs_healthy(&fleet, s.backend, OLD, &context);
        assert_eq!(host.standing(OLD).as_deref(), Some("good"), "{context}");
        let standing = host.standing(NEW);
        if s.point == KillPoint::Upload {
            assert_eq!(standing, None, "{context}: nothing was switched");
        } else {
            assert!(
                matches!(standing.as_deref(), Some("unproven" | "bad")),
                "{context}: the guard's verdict on {NEW}: {standing:?}"
            );
            let last = host.audit().pop().unwrap();
            assert_eq!(last["action"], "guard-rollback", "{context}: {last:#}");
            assert_eq!(last["current_after"], OLD, "{context}");
            assert_eq!(last["outcome"], "rolled_back", "{context}");
        }
    }

    let again: Run = deploy_new(&fleet, s.backend, &binary).run();
    match s.release {
        Release::Good => {
            assert_eq!(
                again.code,
                0,
                "{context}: the re-run deploys:\n{}",
                again.all()
            );
            runs_healthy(&fleet, s.backend, NEW, &context);
            assert_eq!(host.standing(NEW).as_deref(), Some("good"), "{context}");
        },
        Release::Crashing => {
            assert_eq!(
                again.code,
                3,
                "{context}: the re-run ends rolled back:\n{}",
                again.all()
            );
            runs_healthy(&fleet, s.backend, OLD, &context);
            assert_eq!(host.standing(NEW).as_deref(), Some("bad"), "{context}");
        },
    }
    if left_lock {
        assert!(
            again.stderr.contains("stale lock: held by"),
            "{context}: the dead deploy's lock is named:\n{}",
            again.all()
        );
    }
    let last = host.audit().pop().unwrap();
    assert_eq!(last["action"], "deploy", "{context}");
    assert_eq!(last["release"], NEW, "{context}");
    assert_eq!(
        last["previous"], OLD,
        "{context}: previous is what ran before, never the release itself"
    );
    assert!(
        host.releases().iter().all(|r| !r.starts_with(".tmp-")),
        "{context}: {:?}",
        host.releases()
    );
    if s.backend == Backend::Openssh {
        // The killed run's ssh master exits once idle (ControlPersist), too.
        let control = fleet.dir.path().join("ctl").display().to_string();
        wait_for(
            &format!("the ssh masters to exit ({context})"),
            Duration::from_secs(20),
            || {
                let out = std::process::Command::new("pgrep")
                    .args(["-f", &control])
                    .output()
                    .unwrap();
                String::from_utf8_lossy(&out.stdout).trim().is_empty()
            },
        );
    }
}

/// Runs scenarios side by side (a few at a time) and reports every failure.
fn run_all(scenarios: &[Scenario]) {
    const AT_ONCE: usize = 5;
    let mut failures = Vec::new();
    for batch in scenarios.chunks(AT_ONCE) {
        std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .iter()
                .map(|s| (*s, scope.spawn(move || scenario(*s))))
                .collect();
            for (s, handle) in handles {
                if let Err(panic) = handle.join() {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|m| (*m).to_owned()))
                        .unwrap_or_default();
                    failures.push(format!("{s:?}:\n{message}"));
                }
            }
        });
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn a_deploy_killed_at_every_step_leaves_a_healthy_good_release_openssh() {
    let points = [
        KillPoint::Upload,
        KillPoint::GuardArmed,
        KillPoint::Switched,
        KillPoint::RestartSent,
        KillPoint::HealthWait,
        KillPoint::StabilityWindow,
    ];
    let mut scenarios = Vec::new();
    for point in points {
        for release in [Release::Good, Release::Crashing] {
            scenarios.push(Scenario {
                point,
                release,
                backend: Backend::Openssh,
                immediate: false,
            });
        }
    }
    run_all(&scenarios);
}

#[test]
fn a_deploy_killed_after_the_restart_or_in_the_window_native() {
    let mut scenarios = Vec::new();
    for point in [KillPoint::RestartSent, KillPoint::StabilityWindow] {
        for release in [Release::Good, Release::Crashing] {
            scenarios.push(Scenario {
                point,
                release,
                backend: Backend::Native,
                immediate: false,
            });
        }
    }
    run_all(&scenarios);
}

#[test]
fn an_immediate_rerun_finishes_what_the_killed_deploy_left() {
    let mut scenarios = Vec::new();
    for (point, backend) in [
        (KillPoint::GuardArmed, Backend::Openssh),
        (KillPoint::Switched, Backend::Native),
        (KillPoint::StabilityWindow, Backend::Openssh),
    ] {
        for release in [Release::Good, Release::Crashing] {
            scenarios.push(Scenario {
                point,
                release,
                backend,
                immediate: true,
            });
        }
    }
    run_all(&scenarios);
}
