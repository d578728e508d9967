//! The release ledger: a release that fails its proof is marked bad (with the
//! reason and the failing checks), a rollback without `--to` skips it, a
//! redeploy of it needs `--force`, pruning never removes the newest good
//! release; `releases` and `health` say what really runs when `current`
//! says otherwise; a host deployed before the ledger existed adopts its
//! healthy release; `--json` carries every step's real duration.

use crate::deploy::deploy;
use crate::harness::fleet::Fleet;
use crate::harness::releases::crashes_after_3s;
use crate::harness::run::{Backend, Ctl, Run};

fn deploy_crashing(fleet: &Fleet, version: &str, extra: &[&str]) -> Run {
    Ctl::new(fleet, Backend::Openssh)
        .args([
            "deploy",
            "-H",
            "host1",
            "--stability-window",
            "6s",
            "--binary",
        ])
        .arg_path(&crashes_after_3s(fleet))
        .args(["--version", version])
        .args(extra)
        .run()
}

fn names(run: &Run) -> Vec<(String, String)> {
    run.json()["hosts"][0]["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn bad_releases_are_skipped_refused_and_pruned_but_the_newest_good_is_kept() {
    let fleet = Fleet::start(1);
    fleet.write_inventory("keep_releases = 1");
    let host = fleet.host("host1");
    for v in ["1.0.0", "2.0.0"] {
        let run = deploy(&fleet, Backend::Openssh, "host1", v);
        assert_eq!(run.code, 0, "{}", run.all());
    }
    let crashed = deploy_crashing(&fleet, "3.0.0-crash", &[]);
    assert_eq!(crashed.code, 3, "{}", crashed.all());
    assert_eq!(host.standing("3.0.0-crash").as_deref(), Some("bad"));
    let verdict = host
        .ledger()
        .into_iter()
        .rev()
        .find(|v| v["release"] == "3.0.0-crash")
        .unwrap();
    assert!(
        verdict["reason"]
            .as_str()
            .unwrap()
            .contains("healthy, then not"),
        "{verdict:#}"
    );
    assert!(verdict["by"].as_str().unwrap().starts_with("ployctl "));
    assert_eq!(host.current().as_deref(), Some("2.0.0"));

    // Deploying the bad release again needs --force.
    let refused = deploy_crashing(&fleet, "3.0.0-crash", &[]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(
        refused
            .stdout
            .contains("release 3.0.0-crash is marked bad on this host (healthy, then not"),
        "{}",
        refused.all()
    );
    assert!(refused.stdout.contains("--force"), "{}", refused.all());
    assert_eq!(host.current().as_deref(), Some("2.0.0"));
    let forced = deploy_crashing(&fleet, "3.0.0-crash", &["--force"]);
    assert_eq!(forced.code, 3, "{}", forced.all());
    assert_eq!(host.running().as_deref(), Some("2.0.0"));

    // A rollback without --to goes to the newest good release, past the bad one.
    let back = Ctl::new(&fleet, Backend::Openssh)
        .args(["rollback", "-H", "host1"])
        .run();
    assert_eq!(back.code, 0, "{}", back.all());
    assert_eq!(host.current().as_deref(), Some("1.0.0"));
    assert_eq!(host.running().as_deref(), Some("1.0.0"));
    let to_bad = Ctl::new(&fleet, Backend::Openssh)
        .args(["rollback", "-H", "host1", "--to", "3.0.0"])
        .run();
    assert_eq!(to_bad.code, 1, "{}", to_bad.all());
    assert!(
        to_bad.stdout.contains("3.0.0-crash is marked bad"),
        "{}",
        to_bad.all()
    );
    assert_eq!(host.current().as_deref(), Some("1.0.0"));

    // keep_releases = 1: the prune keeps the current release and the newest
    // other good one (the rollback target), and removes the bad one.
    let next = deploy(&fleet, Backend::Openssh, "host1", "4.0.0");
    assert_eq!(next.code, 0, "{}", next.all());
    assert_eq!(host.releases(), ["2.0.0", "4.0.0"], "{}", next.all());
    let listed = Ctl::new(&fleet, Backend::Openssh)
        .args(["releases", "-H", "host1", "--json"])
        .run();
    assert_eq!(
        names(&listed),
        [
            ("4.0.0".to_owned(), "good".to_owned()),
            ("2.0.0".to_owned(), "good".to_owned())
        ]
    );
    let entries = listed.json()["hosts"][0]["releases"].clone();
    assert_eq!(entries[1]["previous"], true, "{entries:#}");
}

#[test]
fn releases_and_health_say_what_really_runs() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    for v in ["1.0.0", "2.0.0"] {
        assert_eq!(deploy(&fleet, Backend::Openssh, "host1", v).code, 0);
    }
    // What an interrupted older deploy left: current switched, never restarted.
    std::fs::remove_file(host.path("current")).unwrap();
    std::os::unix::fs::symlink("releases/1.0.0", host.path("current")).unwrap();

    let listed = Ctl::new(&fleet, Backend::Native)
        .args(["releases", "-H", "host1", "--json", "-v"])
        .run();
    assert_eq!(listed.code, 0, "{}", listed.all());
    let report = listed.json();
    assert_eq!(report["hosts"][0]["current"], "1.0.0");
    assert_eq!(report["hosts"][0]["running"], "2.0.0");
    assert!(
        listed
            .stderr
            .contains("current names 1.0.0, but 2.0.0 is what runs"),
        "{}",
        listed.all()
    );
    let human = Ctl::new(&fleet, Backend::Native)
        .args(["releases", "-H", "host1"])
        .run();
    assert!(human.stdout.contains("> 2.0.0"), "{}", human.all());
    assert!(human.stdout.contains("(running)"), "{}", human.all());

    let health = Ctl::new(&fleet, Backend::Openssh)
        .args(["health", "-H", "host1"])
        .run();
    assert_eq!(health.code, 0, "{}", health.all());
    assert!(
        health
            .stdout
            .contains("release 2.0.0 runs, but current names 1.0.0"),
        "{}",
        health.all()
    );

    // The next deploy puts current right first, and records what ran before.
    let next = deploy(&fleet, Backend::Openssh, "host1", "3.0.0");
    assert_eq!(next.code, 0, "{}", next.all());
    assert!(
        next.stderr
            .contains("current pointed at 1.0.0, but 2.0.0 runs: current points at 2.0.0 again"),
        "{}",
        next.all()
    );
    let last = host.audit().pop().unwrap();
    assert_eq!(last["previous"], "2.0.0", "{last:#}");
    assert_eq!(last["release"], "3.0.0");
}

#[test]
fn a_host_without_a_ledger_adopts_its_healthy_release() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    assert_eq!(deploy(&fleet, Backend::Openssh, "host1", "1.0.0").code, 0);
    // As a host deployed by a ployctl from before the ledger.
    std::fs::remove_file(host.path(".ployctl/ledger.jsonl")).unwrap();
    let run = deploy(&fleet, Backend::Openssh, "host1", "2.0.0");
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr.contains("✓ guard: armed: back to 1.0.0"),
        "{}",
        run.all()
    );
    let adopted = &host.ledger()[0];
    assert_eq!(adopted["release"], "1.0.0");
    assert_eq!(adopted["state"], "good");
    assert!(adopted["reason"]
        .as_str()
        .unwrap()
        .contains("running and healthy when ployctl first judged this host"));
}

#[test]
fn json_reports_every_step_with_its_real_duration_and_v_shows_progress() {
    let fleet = Fleet::start(1);
    assert_eq!(deploy(&fleet, Backend::Openssh, "host1", "1.0.0").code, 0);
    let run = Ctl::new(&fleet, Backend::Openssh)
        .args(["deploy", "-H", "host1", "--json", "-v", "--binary"])
        .arg_path(&crate::harness::ploy_bin())
        .args(["--version", "2.0.0"])
        .run();
    assert_eq!(run.code, 0, "{}", run.all());
    let report = run.json();
    let host = &report["hosts"][0];
    let steps = host["steps"].as_array().unwrap();
    let ms = |name: &str| {
        steps
            .iter()
            .find(|s| s["step"] == name)
            .unwrap_or_else(|| panic!("no {name} step: {steps:#?}"))["ms"]
            .as_u64()
            .unwrap()
    };
    // The inventory's stability window is 2 s: the health step includes it.
    assert!(ms("health") >= 2000, "{steps:#?}");
    for step in ["connect", "lock", "upload", "restart"] {
        assert!(ms(step) > 0, "{step} has a real duration: {steps:#?}");
    }
    // The upload overlaps the lock and the preflight; otherwise steps follow
    // one another, so they account for the host's time.
    let total: u64 = steps.iter().map(|s| s["ms"].as_u64().unwrap()).sum();
    let wall = host["duration_ms"].as_u64().unwrap();
    let overlapped = ms("lock") + ms("preflight");
    assert!(
        total.saturating_sub(overlapped) <= wall + 5 && total * 10 >= wall * 8,
        "the steps ({total} ms) account for the host's time ({wall} ms): {steps:#?}"
    );
    // -v beside --json: the progress goes to stderr, the report alone to stdout.
    for step in ["upload", "guard", "switch", "restart", "health", "confirm"] {
        assert!(
            run.stderr.contains(&format!("[host1] ✓ {step}:")),
            "{step} on stderr:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("[host1] health: poll 1:"),
        "{}",
        run.stderr
    );
}
