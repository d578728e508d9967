//! The quick start's path: `--host local` (no SSH), root under `.ploy/`, the
//! daemon manager, paper mode on SQLite and the shipped offline recording.

use std::path::PathBuf;

use crate::harness::run::{Backend, Ctl};
use crate::harness::{fleet::Fleet, free_port, ploy_bin};

#[test]
fn quick_start_deploys_twice_and_rolls_back_locally() {
    // A fleet of zero SSH hosts still gives the folder, HOME and inventory plumbing.
    let fleet = Fleet::start(0);
    let root = fleet.dir.path().join(".ploy");
    let port = free_port("127.0.0.1");
    let recording =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("engine/recordings/sample.jsonl");
    let template = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates/config.local.toml"),
    )
    .unwrap()
    .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"))
    .replace(
        "../engine/recordings/sample.jsonl",
        &recording.display().to_string(),
    );
    std::fs::create_dir_all(root.join("config")).unwrap();
    std::fs::write(root.join("config/config.toml"), template).unwrap();
    std::fs::write(
        fleet.dir.path().join("ployctl.toml"),
        format!(
            "[hosts.local]\nroot = \"{}\"\nhealth_url = \"http://127.0.0.1:{port}/health\"\nstability_window = \"2s\"\n",
            root.display()
        ),
    )
    .unwrap();
    let deploy = |version: &str| {
        Ctl::new(&fleet, Backend::Openssh)
            .args(["deploy", "--host", "local", "--binary"])
            .arg_path(&ploy_bin())
            .args(["--version", version])
            .run()
    };
    let first = deploy("0.1.0-a");
    assert_eq!(first.code, 0, "{}", first.all());
    assert!(first.stderr.contains("✓ connect: local"), "{}", first.all());
    let second = deploy("0.1.0-b");
    assert_eq!(second.code, 0, "{}", second.all());

    let health = Ctl::new(&fleet, Backend::Openssh)
        .args(["health", "--host", "local", "--json"])
        .run();
    assert_eq!(health.code, 0, "{}", health.all());
    let report = health.json();
    let checks = &report["hosts"][0]["health"]["checks"];
    assert_eq!(
        checks["api_connection"]["source"], "recording",
        "offline market data: {checks:#}"
    );
    assert_eq!(checks["database"]["backend"], "sqlite");
    assert!(root.join("data/ploy.db").is_file(), "SQLite under the root");

    let back = Ctl::new(&fleet, Backend::Openssh)
        .args(["rollback", "--host", "local"])
        .run();
    assert_eq!(back.code, 0, "{}", back.all());
    let current = std::fs::read_link(root.join("current")).unwrap();
    assert_eq!(current, PathBuf::from("releases/0.1.0-a"));

    let _ = std::process::Command::new("start-stop-daemon")
        .args(["--stop", "--quiet", "--retry", "TERM/5/KILL/2", "--pidfile"])
        .arg(root.join("run/ploy.pid"))
        .status();
}
