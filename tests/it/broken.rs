//! Broken releases end rolled back, with the old version healthy, the
//! rolled-back exit code, and an audit record that says why; a bad config on
//! the host stops a deploy before the switch.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use crate::deploy::deploy;
use crate::harness::fleet::{Fleet, HOST_SECRET};
use crate::harness::ploy_bin;
use crate::harness::releases::{crashes_after_3s, wrapper};
use crate::harness::run::{Backend, Ctl, Run};

fn deploy_binary(
    fleet: &Fleet,
    backend: Backend,
    binary: &std::path::Path,
    version: &str,
    extra: &[&str],
) -> Run {
    let run = Ctl::new(fleet, backend)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(binary)
        .args(["--version", version])
        .args(extra)
        .run();
    assert!(!run.all().contains(HOST_SECRET), "{}", run.all());
    run
}

fn assert_rolled_back(fleet: &Fleet, run: &Run, why: &str) {
    let host = fleet.host("host1");
    assert_eq!(
        run.code,
        3,
        "expected the rolled-back exit code:\n{}",
        run.all()
    );
    assert_eq!(host.current().as_deref(), Some("1.0.0"), "{}", run.all());
    let (status, body) = host.health().expect("the old release answers");
    assert_eq!(status, 200, "the old release is healthy: {body:#}");
    let last = host.audit().pop().expect("an audit record");
    assert_eq!(last["outcome"], "rolled_back", "{last:#}");
    assert_eq!(last["release"], "2.0.0-broken");
    assert_eq!(last["current_after"], "1.0.0");
    let reason = last["reason"].as_str().unwrap();
    assert!(
        reason.contains(why),
        "audit reason {reason:?} lacks {why:?}"
    );
    assert!(run.stdout.contains("rolled back"), "{}", run.all());
    assert!(
        run.stderr.contains("last 50 lines of the ploy log"),
        "{}",
        run.all()
    );
}

fn exits_at_once(backend: Backend) {
    let fleet = Fleet::start(1);
    assert_eq!(deploy(&fleet, backend, "host1", "1.0.0").code, 0);
    let broken = wrapper(
        &fleet,
        "exits-at-once",
        "echo 'fatal: this release cannot start' >&2; exit 1",
    );
    let run = deploy_binary(&fleet, backend, &broken, "2.0.0-broken", &[]);
    assert_rolled_back(&fleet, &run, "the service is not running");
    assert!(
        run.stderr.contains("fatal: this release cannot start"),
        "the log tail shows why:\n{}",
        run.all()
    );
}

fn serves_503(backend: Backend) {
    let fleet = Fleet::start(1);
    assert_eq!(deploy(&fleet, backend, "host1", "1.0.0").code, 0);
    let broken = wrapper(
        &fleet,
        "serves-503",
        "exec env PLOY_MARKET_DATA__SOURCE=exchange PLOY_EXCHANGE__CLOB_URL=http://127.0.0.1:9 \"$REAL\" \"$@\"",
    );
    let run = deploy_binary(
        &fleet,
        backend,
        &broken,
        "2.0.0-broken",
        &["--health-timeout", "4s"],
    );
    assert_rolled_back(&fleet, &run, "api_connection");
    let report_line = run.stdout.lines().find(|l| l.starts_with("host1")).unwrap();
    assert!(
        report_line.contains("not healthy within 4s"),
        "{report_line}"
    );
}

fn crashes_after_three_seconds(backend: Backend) {
    let fleet = Fleet::start(1);
    assert_eq!(deploy(&fleet, backend, "host1", "1.0.0").code, 0);
    let broken = crashes_after_3s(&fleet);
    let run = deploy_binary(
        &fleet,
        backend,
        &broken,
        "2.0.0-broken",
        &["--stability-window", "6s"],
    );
    assert_rolled_back(&fleet, &run, "healthy, then not");
}

#[test]
fn a_release_that_exits_at_once_is_rolled_back_openssh() {
    exits_at_once(Backend::Openssh);
}

#[test]
fn a_release_that_exits_at_once_is_rolled_back_native() {
    exits_at_once(Backend::Native);
}

#[test]
fn a_release_that_serves_503_is_rolled_back_openssh() {
    serves_503(Backend::Openssh);
}

#[test]
fn a_release_that_serves_503_is_rolled_back_native() {
    serves_503(Backend::Native);
}

#[test]
fn a_release_that_crashes_after_3s_is_rolled_back_openssh() {
    crashes_after_three_seconds(Backend::Openssh);
}

#[test]
fn a_release_that_crashes_after_3s_is_rolled_back_native() {
    crashes_after_three_seconds(Backend::Native);
}

#[test]
fn a_first_release_that_fails_has_nothing_to_roll_back_to() {
    let fleet = Fleet::start(1);
    let broken = wrapper(&fleet, "exits-at-once", "exit 1");
    let run = deploy_binary(&fleet, Backend::Openssh, &broken, "2.0.0-broken", &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout
            .contains("there is no good release to roll back to, so it stays current"),
        "{}",
        run.all()
    );
}

fn bad_config(backend: Backend) {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    assert_eq!(deploy(&fleet, backend, "host1", "1.0.0").code, 0);
    let before = host.health().unwrap().1;
    let config = host.path("config/config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[risk]\nmax_open_orders = \"lots\"\n");
    std::fs::write(&config, text).unwrap();

    let run = deploy(&fleet, backend, "host1", "2.0.0");
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stderr.contains("✗ check-config"), "{}", run.all());
    assert!(
        run.stderr.contains("risk.max_open_orders"),
        "ploy's own error is shown:\n{}",
        run.all()
    );
    assert!(run.stdout.contains("nothing was switched"), "{}", run.all());
    assert_eq!(host.current().as_deref(), Some("1.0.0"));
    assert!(
        !host.releases().contains(&"2.0.0".to_owned()),
        "the rejected release was removed"
    );
    let (status, after) = host.health().unwrap();
    assert_eq!(status, 200);
    assert!(
        after["uptime_seconds"].as_u64() >= before["uptime_seconds"].as_u64(),
        "the running process was not restarted"
    );
    assert!(!run.stderr.contains("✓ restart") && !run.stderr.contains("✗ restart"));
    let last = host.audit().pop().unwrap();
    assert_eq!(last["outcome"], "failed");
    assert!(last["reason"].as_str().unwrap().contains("check-config"));
}

#[test]
fn a_bad_host_config_stops_before_the_switch_openssh() {
    bad_config(Backend::Openssh);
}

#[test]
fn a_bad_host_config_stops_before_the_switch_native() {
    bad_config(Backend::Native);
}

/// A release that predates the host's config: its `check-config` refuses a
/// config marked as written for 2.x (as an old binary refuses new keys).
fn predates_the_config(fleet: &Fleet) -> PathBuf {
    let real = ploy_bin();
    let path = fleet.dir.path().join("predates-config");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\n# a ploy release older than the host's config, for tests\nREAL='{}'\n\
             case \" $* \" in\n  *\" check-config \"*)\n    \
             if [ \"$1\" = --config ] && grep -q 'written for 2.x' \"$2\"; then\n      \
             echo \"$2:12:1: unknown key strategy.new_knob (is this ploy older than the config?)\" >&2; exit 2\n    \
             fi ;;\nesac\nexec \"$REAL\" \"$@\"\n",
            real.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_rollback_target_that_rejects_the_config_is_caught_before_the_switch() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    let old = predates_the_config(&fleet);
    let first = deploy_binary(&fleet, Backend::Openssh, &old, "1.0.0", &[]);
    assert_eq!(first.code, 0, "{}", first.all());
    let config = host.path("config/config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n# written for 2.x\n");
    std::fs::write(&config, text).unwrap();

    // The deploy goes ahead, but says the automatic rollback could not work.
    let run = deploy(&fleet, Backend::Openssh, "host1", "2.0.0");
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.all().contains(
            "the rollback target 1.0.0 rejects this config, so a rollback to it would fail"
        ),
        "{}",
        run.all()
    );

    // A rollback to it stops before the switch, with the old release's words.
    let before = host.health().unwrap().1;
    let rollback = Ctl::new(&fleet, Backend::Openssh)
        .args(["rollback", "-H", "host1"])
        .run();
    assert_eq!(rollback.code, 1, "{}", rollback.all());
    assert!(
        rollback
            .all()
            .contains("release 1.0.0 rejects the host's config; nothing was switched"),
        "{}",
        rollback.all()
    );
    assert!(
        rollback.all().contains("unknown key strategy.new_knob"),
        "its check-config output is shown:\n{}",
        rollback.all()
    );
    assert_eq!(host.current().as_deref(), Some("2.0.0"));
    let (status, after) = host.health().unwrap();
    assert_eq!(status, 200, "{after:#}");
    assert!(
        after["uptime_seconds"].as_u64() >= before["uptime_seconds"].as_u64(),
        "the running process was not restarted"
    );
    let last = host.audit().pop().unwrap();
    assert_eq!(last["outcome"], "failed", "{last:#}");
}
