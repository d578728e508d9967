//! Rolling deploys on five real sshd hosts: a canary that fails (its deploy,
//! or its soak's failed-order gate against the fake CLOB rejecting posts)
//! stops the release before the others; `--max-fail` with unreachable hosts
//! stops after the batch that exceeded it; `--rollback-all-on-fail` puts the
//! deployed hosts back; the ledger after each; the plan of `--dry-run`.

use crate::harness::fake_clob::{FakeClob, Fault};
use crate::harness::fleet::Fleet;
use crate::harness::releases::wrapper;
use crate::harness::run::{Backend, Ctl, Run};
use crate::harness::{ploy_bin, runtime};

fn ctl(fleet: &Fleet) -> Ctl {
    Ctl::new(fleet, Backend::Openssh)
}

fn deploy(fleet: &Fleet, binary: &std::path::Path, version: &str, extra: &[&str]) -> Run {
    ctl(fleet)
        .args(["deploy", "-H", "@all", "--binary"])
        .arg_path(binary)
        .args(["--version", version, "--json"])
        .args(extra)
        .run()
}

fn host<'a>(run: &'a Run, json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["host"] == name)
        .unwrap_or_else(|| panic!("no {name}:\n{}", run.all()))
}

/// Every host on `version`, proven good.
fn everyone_on(fleet: &Fleet, version: &str) {
    let run = deploy(fleet, &ploy_bin(), version, &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    for h in &fleet.hosts {
        assert_eq!(h.current().as_deref(), Some(version), "{}", h.name);
    }
}

fn untouched(
    fleet: &Fleet,
    run: &Run,
    json: &serde_json::Value,
    names: &[&str],
    still: &str,
    not: &str,
) {
    for name in names {
        let report = host(run, json, name);
        assert!(report["outcome"].is_null(), "{name} was started: {report}");
        assert!(
            report["reason"]
                .as_str()
                .unwrap()
                .starts_with("not deployed: "),
            "{report}"
        );
        let h = fleet.host(name);
        assert_eq!(h.current().as_deref(), Some(still), "{name}");
        assert!(!h.releases().iter().any(|r| r == not), "{name} got {not}");
    }
}

#[test]
fn a_release_that_fails_on_the_canary_never_reaches_the_others() {
    let fleet = Fleet::start(5);
    everyone_on(&fleet, "1.0.0");
    let plan = ctl(&fleet)
        .args(["deploy", "-H", "@all", "--dry-run", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--canary", "1", "--batch-size", "2", "--canary-soak", "5s"])
        .run();
    assert_eq!(plan.code, 0, "{}", plan.all());
    for line in [
        "batch 1/3 (canary: soaks 5s, then the rest): host1",
        "batch 2/3: host2, host3",
        "batch 3/3: host4, host5",
        "stops when more than --max-fail 0 host(s) failed",
    ] {
        assert!(plan.stdout.contains(line), "{line}:\n{}", plan.all());
    }

    let broken = wrapper(
        &fleet,
        "never-starts",
        "echo 'this release never starts' >&2; exit 1",
    );
    let run = deploy(
        &fleet,
        &broken,
        "2.0.0",
        &["--canary", "1", "--batch-size", "2"],
    );
    assert_eq!(run.code, 3, "{}", run.all());
    let json = run.json();
    let canary = host(&run, &json, "host1");
    assert_eq!(canary["outcome"], "rolled_back", "{canary}");
    assert_eq!(canary["batch"], 1);
    assert_eq!(fleet.host("host1").current().as_deref(), Some("1.0.0"));
    assert_eq!(
        fleet.host("host1").standing("2.0.0").as_deref(),
        Some("bad")
    );
    untouched(
        &fleet,
        &run,
        &json,
        &["host2", "host3", "host4", "host5"],
        "1.0.0",
        "2.0.0",
    );
    let batches: Vec<u64> = json["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["batch"].as_u64().unwrap())
        .collect();
    assert_eq!(batches, [1, 2, 2, 3, 3]);
    for h in &fleet.hosts {
        assert_eq!(h.standing("1.0.0").as_deref(), Some("good"), "{}", h.name);
    }
}

#[test]
fn a_canary_whose_failed_order_rate_exceeds_its_gate_is_rolled_back() {
    let rt = runtime();
    let fleet = Fleet::start(5);
    let fake = rt.block_on(FakeClob::start());
    fleet.hosts[0].go_live(&fake, "");
    fleet.write_inventory("\n[checks]\ncanary_orders_failed_per_minute = 0\n");
    everyone_on(&fleet, "1.0.0");

    // The exchange now rejects every post while the market moves (each move
    // requotes): the engine stays healthy, its orders fail (a refusal of the
    // order, not of the account, which would halt trading instead).
    fake.fail_all(Some(Fault::Refused("INVALID_ORDER_ERROR")));
    let moving = std::sync::atomic::AtomicBool::new(true);
    let run = std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut up = false;
            while moving.load(std::sync::atomic::Ordering::SeqCst) {
                let (bid, ask) = if up {
                    ("0.47", "0.51")
                } else {
                    ("0.48", "0.52")
                };
                fake.set_book(bid.parse().unwrap(), ask.parse().unwrap());
                up = !up;
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
        });
        let run = deploy(
            &fleet,
            &ploy_bin(),
            "2.0.0",
            &["--canary", "1", "--batch-size", "2", "--canary-soak", "6s"],
        );
        moving.store(false, std::sync::atomic::Ordering::SeqCst);
        run
    });
    let log = std::fs::read_to_string(fleet.hosts[0].path("logs/ploy.log")).unwrap_or_default();
    let tail: Vec<&str> = log.lines().rev().take(30).collect();
    assert_eq!(
        run.code,
        3,
        "{}\nhost1's log, newest first:\n{}",
        run.all(),
        tail.join("\n")
    );
    let json = run.json();
    let canary = host(&run, &json, "host1");
    assert_eq!(canary["outcome"], "rolled_back", "{canary}");
    let reason = canary["reason"].as_str().unwrap();
    assert!(
        reason.contains("canary host1 failed its soak")
            && reason.contains("failed orders")
            && reason.contains("ploy_orders_failed_total")
            && reason.contains("rolled back to 1.0.0"),
        "{reason}"
    );
    let steps: Vec<&str> = canary["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert!(
        steps.contains(&"health") && steps.contains(&"switch"),
        "{steps:?}"
    );
    let h1 = fleet.host("host1");
    assert_eq!(h1.current().as_deref(), Some("1.0.0"));
    assert_eq!(h1.standing("2.0.0").as_deref(), Some("bad"));
    assert_eq!(h1.standing("1.0.0").as_deref(), Some("good"));
    untouched(
        &fleet,
        &run,
        &json,
        &["host2", "host3", "host4", "host5"],
        "1.0.0",
        "2.0.0",
    );
    let audit = h1.audit();
    assert!(
        audit.iter().any(|a| a["action"] == "rollback"),
        "the put-back is audited: {audit:?}"
    );
}

#[test]
fn max_fail_stops_after_the_batch_that_exceeded_it_and_rollback_all_puts_hosts_back() {
    let mut fleet = Fleet::start(5);
    everyone_on(&fleet, "1.0.0");
    fleet.host_mut("host3").stop_sshd();
    fleet.host_mut("host4").stop_sshd();

    // Batches host1+host2, host3+host4, host5: the second leaves 2 failed,
    // more than 1, so host5 is never started.
    let run = deploy(
        &fleet,
        &ploy_bin(),
        "2.0.0",
        &["--batch-size", "2", "--max-fail", "1"],
    );
    assert_ne!(run.code, 0, "{}", run.all());
    let json = run.json();
    for name in ["host1", "host2"] {
        assert_eq!(
            host(&run, &json, name)["outcome"],
            "success",
            "{}",
            run.all()
        );
        assert_eq!(fleet.host(name).current().as_deref(), Some("2.0.0"));
        assert_eq!(fleet.host(name).standing("2.0.0").as_deref(), Some("good"));
    }
    for name in ["host3", "host4"] {
        let r = host(&run, &json, name);
        assert!(
            !r["outcome"].is_null() && r["outcome"] != "success",
            "an unreachable host counts as failed: {r}"
        );
    }
    untouched(&fleet, &run, &json, &["host5"], "1.0.0", "2.0.0");
    let reason = host(&run, &json, "host5")["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        reason.contains("2 of 5 host(s) failed, more than --max-fail 1 tolerates"),
        "{reason}"
    );

    // The same with --rollback-all-on-fail: the hosts it deployed go back.
    let run = deploy(
        &fleet,
        &ploy_bin(),
        "3.0.0",
        &[
            "--batch-size",
            "2",
            "--max-fail",
            "1",
            "--rollback-all-on-fail",
        ],
    );
    assert_ne!(run.code, 0, "{}", run.all());
    let json = run.json();
    for name in ["host1", "host2"] {
        let r = host(&run, &json, name);
        assert_eq!(r["outcome"], "rolled_back", "{r}");
        assert!(
            r["reason"]
                .as_str()
                .unwrap()
                .contains("rolled back to 2.0.0"),
            "{r}"
        );
        let h = fleet.host(name);
        assert_eq!(h.current().as_deref(), Some("2.0.0"), "{name}");
        assert_eq!(h.running().as_deref(), Some("2.0.0"), "{name}");
        assert_eq!(h.standing("2.0.0").as_deref(), Some("good"));
        assert_eq!(
            h.standing("3.0.0").as_deref(),
            Some("good"),
            "3.0.0 was proven good; it went back for the fleet's sake, not its own"
        );
    }
    untouched(&fleet, &run, &json, &["host5"], "1.0.0", "3.0.0");
}

#[test]
fn a_deploy_reports_how_long_the_market_went_without_our_quotes() {
    let rt = runtime();
    let fleet = Fleet::start(1);
    let fake = rt.block_on(FakeClob::start());
    fleet.hosts[0].go_live(&fake, "");
    let first = deploy(&fleet, &ploy_bin(), "1.0.0", &[]);
    assert_eq!(first.code, 0, "{}", first.all());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !fake.ledger().iter().any(|o| o.status == "LIVE") {
        assert!(std::time::Instant::now() < deadline, "1.0.0 never quoted");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    let run = deploy(&fleet, &ploy_bin(), "2.0.0", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let json = run.json();
    let gap = &host(&run, &json, "host1")["quote_gap"];
    let ms = gap["gap_ms"]
        .as_u64()
        .unwrap_or_else(|| panic!("no gap: {}", run.all()));
    assert_eq!(
        gap["first_new_quote_ms"].as_i64().unwrap() - gap["last_old_cancel_ms"].as_i64().unwrap(),
        i64::try_from(ms).unwrap()
    );
    assert!(ms > 0 && ms < 30_000, "{gap}");
    let human = ctl(&fleet)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "3.0.0"])
        .run();
    assert_eq!(human.code, 0, "{}", human.all());
    assert!(
        human.stderr.contains("[host1] the market went ")
            && human.stderr.contains("s without our quotes"),
        "{}",
        human.all()
    );
    // The exchange saw the same: the old quote cancelled before the new one came.
    let ledger = fake.ledger();
    assert!(ledger.iter().any(|o| o.status == "CANCELED"), "{ledger:?}");
    assert!(ledger.iter().any(|o| o.status == "LIVE"), "{ledger:?}");
}
