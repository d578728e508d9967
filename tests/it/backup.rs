//! `ployctl backup`, `backup list` and `backup verify` on a real sshd host
//! whose engine trades on paper through the shipped recording: backups
//! taken while it runs hold its fills and pass the restore drill; the
//! `[backup]` retention prunes the rest but never the newest verified one;
//! a truncated archive fails its drill; a bad name never reaches the host.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::harness::fleet::Fleet;
use crate::harness::ploy_bin;
use crate::harness::run::{Backend, Ctl, Run};

fn ctl(fleet: &Fleet) -> Ctl {
    Ctl::new(fleet, Backend::Openssh)
}

fn backup(fleet: &Fleet) -> Run {
    ctl(fleet)
        .args(["backup", "-H", "host1", "--label", "t", "--json"])
        .run()
}

fn listed(fleet: &Fleet) -> Vec<serde_json::Value> {
    let run = ctl(fleet)
        .args(["backup", "list", "-H", "host1", "--json"])
        .run();
    assert_eq!(run.code, 0, "{}", run.all());
    run.json()["hosts"][0]["backups"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn backups_of_a_trading_host_pass_their_drill_and_retention_keeps_the_verified_one() {
    let fleet = Fleet::start(1);
    let host = &fleet.hosts[0];
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("engine/recordings/sample.jsonl");
    std::fs::write(
        host.root.join("config/config.toml"),
        format!(
            "[server]\nbind = \"127.0.0.1:{}\"\nshutdown_timeout = \"5s\"\n\n\
             [market_data]\nsource = \"recording\"\nrecording = \"{}\"\nrecording_speed = 20\n",
            host.http_port,
            sample.display()
        ),
    )
    .unwrap();
    fleet.write_inventory("\n[backup]\nkeep_last = 2\nkeep_daily = 0\nkeep_weekly = 0\n");
    let deployed = ctl(&fleet)
        .args(["deploy", "-H", "host1", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.0"])
        .run();
    assert_eq!(deployed.code, 0, "{}", deployed.all());

    // Backups while the engine trades, until one holds fills.
    let deadline = Instant::now() + Duration::from_secs(60);
    let taken = loop {
        let run = backup(&fleet);
        assert_eq!(run.code, 0, "{}", run.all());
        let manifest = run.json()["hosts"][0]["backup"].clone();
        assert_eq!(manifest["database"], "sqlite", "{manifest}");
        if manifest["tables"]["fills"].as_u64().unwrap_or(0) > 0 {
            break manifest;
        }
        assert!(Instant::now() < deadline, "no fills yet: {}", run.all());
        std::thread::sleep(Duration::from_millis(500));
    };
    let backups = listed(&fleet);
    assert!(backups.len() <= 2, "keep_last = 2: {backups:#?}");
    assert_eq!(backups[0]["name"], taken["name"], "newest first");
    assert!(backups.iter().all(|b| b.get("verification").is_none()));

    let verified = ctl(&fleet)
        .args(["backup", "verify", "-H", "host1", "--json"])
        .run();
    assert_eq!(verified.code, 0, "{}", verified.all());
    let drilled = &verified.json()["hosts"][0]["backup"];
    assert_eq!(drilled["name"], taken["name"], "the newest by default");
    assert_eq!(drilled["verification"]["ok"], true, "{drilled:#}");
    let human = ctl(&fleet).args(["backup", "list", "-H", "host1"]).run();
    assert!(
        human
            .stdout
            .lines()
            .any(|l| l.contains(taken["name"].as_str().unwrap()) && l.contains(" yes ")),
        "{}",
        human.all()
    );

    // Two newer backups: the verified one is now third, and still kept.
    for _ in 0..2 {
        std::thread::sleep(Duration::from_millis(1100));
        let run = backup(&fleet);
        assert_eq!(run.code, 0, "{}", run.all());
    }
    let names: Vec<String> = listed(&fleet)
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names.len(),
        3,
        "two newest and the newest verified: {names:?}"
    );
    assert_eq!(names[2], taken["name"].as_str().unwrap());

    // A truncated archive fails its drill, and says why.
    let newest = &names[0];
    let archive = host.root.join(format!("backups/{newest}.db.gz"));
    let bytes = std::fs::read(&archive).unwrap();
    std::fs::write(&archive, &bytes[..bytes.len() / 3]).unwrap();
    let bad = ctl(&fleet)
        .args(["backup", "verify", "-H", "host1", newest])
        .run();
    assert_eq!(bad.code, 1, "{}", bad.all());
    assert!(
        bad.all().contains("did not pass its restore drill") && bad.all().contains("sha256"),
        "{}",
        bad.all()
    );
    // A name that is not a backup's never reaches the host.
    let usage = ctl(&fleet)
        .args(["backup", "verify", "-H", "host1", "ploy-../../etc"])
        .run();
    assert_eq!(usage.code, 2, "{}", usage.all());
    host.stop_ploy();
}
