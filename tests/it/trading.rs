//! The kill switch from ployctl (`trading halt|reduce|resume|status`) and the
//! audit log (`audit`), against real `sshd` hosts running the real `ploy` in
//! live mode, each against a fake CLOB of its own that speaks the real wire
//! format: halting with orders resting ends with none on the exchange, the
//! change is recorded with who and why in the engine and the audit log, the
//! config's floor is respected, and a dead engine is said to be unconfirmable.

use std::time::{Duration, Instant};

use crate::harness::fake_clob::{FakeClob, API_SECRET, PASSPHRASE};
use crate::harness::fleet::{Fleet, LIVE_TEST_KEY};
use crate::harness::run::{Backend, Ctl, Run};
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

/// No secret of the live hosts appears in what ployctl printed.
fn no_secret(run: &Run) {
    for secret in [LIVE_TEST_KEY, API_SECRET, PASSPHRASE] {
        assert!(
            !run.all().contains(secret),
            "a secret leaked:\n{}",
            run.all()
        );
    }
}

fn deploy(fleet: &Fleet, hosts: &str) {
    let run = ctl(fleet)
        .args(["deploy", "-H", hosts, "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.0"])
        .run();
    assert_eq!(run.code, 0, "{}", run.all());
}

fn live_orders(fake: &FakeClob) -> usize {
    fake.ledger().iter().filter(|o| o.status == "LIVE").count()
}

#[test]
fn halt_reduce_and_resume_on_hosts_with_orders_resting() {
    let rt = runtime();
    let fleet = Fleet::start(2);
    let fakes: Vec<FakeClob> = (0..2).map(|_| rt.block_on(FakeClob::start())).collect();
    for (host, fake) in fleet.hosts.iter().zip(&fakes) {
        host.go_live(fake, "");
    }
    deploy(&fleet, "host1,host2");
    for fake in &fakes {
        wait_for(
            "a quote on each host's exchange",
            Duration::from_secs(20),
            || live_orders(fake) >= 1,
        );
    }

    let halt = ctl(&fleet)
        .args(["--json", "trading", "halt", "-H", "host1,host2"])
        .args(["--reason", "exchange incident #42"])
        .run();
    assert_eq!(halt.code, 0, "{}", halt.all());
    no_secret(&halt);
    let report = halt.json();
    for (i, fake) in fakes.iter().enumerate() {
        let host = &report["hosts"][i];
        assert_eq!(host["outcome"], "success", "{host}");
        assert_eq!(host["before"]["state"], "active", "{host}");
        assert_eq!(host["after"]["state"], "halted", "{host}");
        assert_eq!(
            host["after"]["open_orders"], 0,
            "done once nothing rests: {host}"
        );
        assert_eq!(host["after"]["reason"], "exchange incident #42", "{host}");
        assert!(
            host["after"]["source"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{}@", fleet.user)),
            "who asked is recorded: {host}"
        );
        assert_eq!(
            live_orders(fake),
            0,
            "nothing of ours rests on the exchange"
        );
    }
    for host in &fleet.hosts {
        let audit = host.audit();
        let last = audit.last().expect("an audit record");
        assert_eq!(last["action"], "trading-halt", "{last}");
        assert_eq!(last["reason"], "exchange incident #42", "{last}");
        assert_eq!(
            (last["state_before"].as_str(), last["state_after"].as_str()),
            (Some("active"), Some("halted")),
            "{last}"
        );
    }

    // Status says who, why, and that nothing rests.
    let status = ctl(&fleet).args(["trading", "status"]).run();
    assert_eq!(status.code, 0, "{}", status.all());
    assert!(
        status.stdout.contains("because: exchange incident #42")
            && status
                .stdout
                .contains("orders resting or on their way: none"),
        "{}",
        status.all()
    );

    // Reducing, then active again: quoting resumes.
    let reduce = ctl(&fleet)
        .args([
            "trading",
            "reduce",
            "-H",
            "host1",
            "--reason",
            "winding down",
        ])
        .run();
    assert_eq!(reduce.code, 0, "{}", reduce.all());
    let resume = ctl(&fleet)
        .args([
            "trading",
            "resume",
            "-H",
            "host1",
            "--reason",
            "incident over",
        ])
        .run();
    assert_eq!(resume.code, 0, "{}", resume.all());
    wait_for("a quote again on host1", Duration::from_secs(20), || {
        live_orders(&fakes[0]) >= 1
    });
    assert_eq!(live_orders(&fakes[1]), 0, "host2 stays halted");

    // The audit log shows all of it.
    let audit = ctl(&fleet).args(["--json", "audit", "-H", "host1"]).run();
    assert_eq!(audit.code, 0, "{}", audit.all());
    let actions: Vec<String> = audit.json()["hosts"][0]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        ["deploy", "trading-halt", "trading-reduce", "trading-resume"],
        "{}",
        audit.all()
    );
    let table = ctl(&fleet).args(["audit", "-H", "host1"]).run();
    assert!(
        table.stdout.contains("halted → reducing") && table.stdout.contains("incident over"),
        "{}",
        table.all()
    );
    drop(fakes);
}

#[test]
fn resume_is_refused_while_the_hosts_config_keeps_trading_stricter() {
    let rt = runtime();
    let fleet = Fleet::start(1);
    let fake = rt.block_on(FakeClob::start());
    fleet.hosts[0].go_live(
        &fake,
        "[risk]\nmax_orders_per_minute = 600\ntrading_state = \"reducing\"\n",
    );
    deploy(&fleet, "host1");
    let resume = ctl(&fleet)
        .args(["trading", "resume", "-H", "host1", "--reason", "try it"])
        .run();
    assert_eq!(resume.code, 1, "{}", resume.all());
    assert!(
        resume
            .all()
            .contains("the host's config keeps trading at least reducing"),
        "{}",
        resume.all()
    );
    assert!(
        resume.all().contains("ployctl config push"),
        "{}",
        resume.all()
    );
    let status = ctl(&fleet).args(["--json", "trading", "status"]).run();
    assert_eq!(status.json()["hosts"][0]["before"]["state"], "reducing");
    assert_eq!(status.json()["hosts"][0]["before"]["floor"], "reducing");
    // Halting is stricter than the floor, so it is allowed.
    let halt = ctl(&fleet)
        .args(["trading", "halt", "-H", "host1", "--reason", "stop"])
        .run();
    assert_eq!(halt.code, 0, "{}", halt.all());
}

#[test]
fn with_the_engine_down_the_kill_switch_says_it_cannot_confirm() {
    let rt = runtime();
    let fleet = Fleet::start(1);
    let fake = rt.block_on(FakeClob::start());
    fleet.hosts[0].go_live(&fake, "");
    deploy(&fleet, "host1");
    fleet.hosts[0].stop_ploy();
    let halt = ctl(&fleet)
        .args(["trading", "halt", "-H", "host1", "--reason", "engine down?"])
        .run();
    assert_eq!(halt.code, 5, "unreachable: {}", halt.all());
    assert!(
        halt.all()
            .contains("the engine's kill switch cannot be read")
            && halt.all().contains("is ploy running and listening?"),
        "{}",
        halt.all()
    );
    assert!(
        fleet.hosts[0]
            .audit()
            .iter()
            .all(|r| r["action"] != "trading-halt"),
        "nothing was changed, so nothing is audited as changed"
    );
}

#[test]
fn a_halt_does_not_wait_for_a_deploy_holding_the_lock() {
    let rt = runtime();
    let fleet = Fleet::start(1);
    let fake = rt.block_on(FakeClob::start());
    fleet.hosts[0].go_live(&fake, "");
    deploy(&fleet, "host1");
    wait_for("a quote", Duration::from_secs(20), || {
        live_orders(&fake) >= 1
    });
    // Another operator's deploy holds the lock (a live holder elsewhere).
    let lock = fleet.hosts[0].path(".ployctl/lock");
    let now = chrono::Utc::now().timestamp();
    std::fs::write(
        &lock,
        serde_json::json!({
            "token": "someone-elses", "holder": "bob@laptop", "machine_id": "elsewhere",
            "pid": 1, "operation": "deploy", "acquired_at": now, "expires_at": now + 900,
            "ci_run_url": null,
        })
        .to_string(),
    )
    .unwrap();
    let halt = ctl(&fleet)
        .args(["trading", "halt", "-H", "host1", "--reason", "now"])
        .run();
    assert_eq!(halt.code, 0, "{}", halt.all());
    assert_eq!(live_orders(&fake), 0);
    assert!(lock.is_file(), "the other operator's lock is left alone");
}

/// Orders stored in the host's database file `db` (under `data/`), counted
/// by the engine's own view.
fn stored_orders(host: &crate::harness::fleet::FleetHost, db: &str) -> usize {
    let path = host.path(&format!("data/{db}"));
    if !path.is_file() {
        return 0;
    }
    let out = std::process::Command::new(ploy_bin())
        .current_dir(&host.root)
        .env("DATABASE_URL", format!("sqlite://{}", path.display()))
        .args([
            "--config",
            "config/config.toml",
            "orders",
            "--json",
            "--limit",
            "1",
        ])
        .output()
        .expect("ploy orders");
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    v["stored"].as_u64().unwrap_or(0) as usize
}

/// A halted maintenance window: nothing rests; status, health and
/// daily-check show it; a deploy during it keeps it (the engine starts
/// halted); the end restores trading and says how long it lasted.
#[test]
fn a_halted_maintenance_window_survives_a_deploy_and_ends_where_it_began() {
    let rt = runtime();
    let fleet = Fleet::start(1);
    let fake = rt.block_on(FakeClob::start());
    fleet.hosts[0].go_live(&fake, "");
    deploy(&fleet, "host1");
    wait_for("a quote", Duration::from_secs(20), || {
        live_orders(&fake) >= 1
    });

    let start = ctl(&fleet)
        .args(["--json", "maintenance", "start", "-H", "host1"])
        .args(["--reason", "OS patches", "--stability-window", "1s"])
        .run();
    assert_eq!(start.code, 0, "{}", start.all());
    let host = &start.json()["hosts"][0];
    assert_eq!(host["window"]["mode"], "halted", "{host}");
    assert_eq!(host["window"]["trading_before"], "active", "{host}");
    assert_eq!(host["trading_state"], "halted", "{host}");
    assert_eq!(live_orders(&fake), 0, "nothing rests during the window");

    for command in [&["status"][..], &["health", "-H", "host1"][..]] {
        let run = ctl(&fleet).args(command).run();
        assert!(
            run.stdout.contains("maintenance since")
                && run.stdout.contains("(OS patches), mode halted"),
            "{command:?}: {}",
            run.all()
        );
    }
    let daily = ctl(&fleet)
        .args(["--json", "daily-check", "-H", "host1"])
        .run();
    let checks = daily.json()["hosts"][0]["checks"].clone();
    let maint = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "maintenance")
        .cloned()
        .unwrap_or_else(|| panic!("no maintenance check: {checks}"));
    assert_eq!(maint["status"], "warn", "{maint}");

    // A deploy during the window is allowed and keeps it.
    let again = ctl(&fleet)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.1", "--stability-window", "1s"])
        .run();
    assert_eq!(again.code, 0, "{}", again.all());
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        live_orders(&fake),
        0,
        "still halted after the deploy's restart"
    );
    let status = ctl(&fleet).args(["--json", "trading", "status"]).run();
    assert_eq!(status.json()["hosts"][0]["before"]["state"], "halted");

    let end = ctl(&fleet)
        .args(["--json", "maintenance", "end", "-H", "host1"])
        .run();
    assert_eq!(end.code, 0, "{}", end.all());
    let host = &end.json()["hosts"][0];
    assert_eq!(host["trading_state"], "active", "{host}");
    assert!(host["lasted_seconds"].as_u64().is_some(), "{host}");
    wait_for(
        "quoting again after the window",
        Duration::from_secs(20),
        || live_orders(&fake) >= 1,
    );
    let status = ctl(&fleet).args(["status"]).run();
    assert!(
        !status.stdout.contains("maintenance since"),
        "{}",
        status.all()
    );
    let actions: Vec<String> = fleet.hosts[0]
        .audit()
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        ["deploy", "maintenance-start", "deploy", "maintenance-end"],
        "{actions:?}"
    );
}

/// A paper maintenance window: the engine restarts on paper (the same
/// market data, simulated fills, its own database), posts nothing to the
/// exchange and leaves the live orders as they were; the end restarts it
/// live and it quotes on the exchange again.
#[test]
fn a_paper_maintenance_window_trades_on_paper_and_leaves_the_live_records_alone() {
    let rt = runtime();
    let fleet = Fleet::start(1);
    let fake = rt.block_on(FakeClob::start());
    fleet.hosts[0].go_live(&fake, "");
    deploy(&fleet, "host1");
    wait_for("a quote", Duration::from_secs(20), || {
        live_orders(&fake) >= 1
    });

    let start = ctl(&fleet)
        .args([
            "--json",
            "maintenance",
            "start",
            "-H",
            "host1",
            "--mode",
            "paper",
        ])
        .args(["--reason", "new exchange keys", "--stability-window", "1s"])
        .run();
    assert_eq!(start.code, 0, "{}", start.all());
    assert_eq!(start.json()["hosts"][0]["mode"], "paper");
    let posted = fake.ledger().len();
    assert_eq!(
        live_orders(&fake),
        0,
        "the live engine cancelled its quotes as it stopped"
    );
    let live_rows = stored_orders(&fleet.hosts[0], "ploy.db");
    wait_for(
        "paper quotes in the paper database",
        Duration::from_secs(20),
        || stored_orders(&fleet.hosts[0], "maintenance-paper.db") >= 1,
    );
    fake.set_book(
        rust_decimal::Decimal::new(47, 2),
        rust_decimal::Decimal::new(53, 2),
    );
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        fake.ledger().len(),
        posted,
        "nothing was posted to the exchange on paper"
    );
    assert_eq!(
        stored_orders(&fleet.hosts[0], "ploy.db"),
        live_rows,
        "the live database is left alone"
    );
    let status = ctl(&fleet).args(["status"]).run();
    assert!(
        status.stdout.contains("paper") && status.stdout.contains("mode paper"),
        "{}",
        status.all()
    );

    let end = ctl(&fleet)
        .args([
            "--json",
            "maintenance",
            "end",
            "-H",
            "host1",
            "--stability-window",
            "1s",
        ])
        .run();
    assert_eq!(end.code, 0, "{}", end.all());
    assert_eq!(end.json()["hosts"][0]["mode"], "live");
    wait_for("live quotes again", Duration::from_secs(20), || {
        live_orders(&fake) >= 1
    });
    assert!(!fleet.hosts[0].path(".ployctl/maintenance.env").exists());
}
