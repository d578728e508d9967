//! `ploy db backup` and `ploy db verify` on SQLite: snapshots taken while a
//! paper run of the shipped recording writes orders and fills are
//! consistent (the drill restores each, migrates it and finds every
//! position equal to its fills); a tampered archive, a newer schema and an
//! interrupted backup's leftovers are each handled.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::harness::process::Ploy;

fn recording() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("recordings/sample.jsonl")
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn verify(ploy: &Ploy, manifest: &Path) -> (i32, serde_json::Value, String) {
    let (code, out, err) =
        ploy.output(&["db", "verify", &manifest.display().to_string(), "--json"]);
    (
        code,
        if out.trim().is_empty() {
            serde_json::Value::Null
        } else {
            json(&out)
        },
        err,
    )
}

fn check<'a>(manifest: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    manifest["verification"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check: {manifest}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn backups_taken_while_paper_trading_restore_and_check_out() {
    let setup = Ploy::new().config(&format!(
        "[market_data]\nsource = \"recording\"\nrecording = \"{}\"\nrecording_speed = 30\n",
        recording().display()
    ));
    let dir = setup.dir().to_owned();
    let mut ploy = setup.spawn();
    ploy.ready(Duration::from_secs(20)).await;
    let out = dir.join("backups");
    let mut manifests = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    // Backups while the engine writes, until one holds fills.
    loop {
        let (code, text, err) = ploy.setup().output(&[
            "db",
            "backup",
            "--out",
            &out.display().to_string(),
            "--label",
            "while trading",
            "--json",
        ]);
        assert_eq!(code, 0, "{err}");
        let manifest = json(&text);
        let fills = manifest["tables"]["fills"].as_u64().unwrap();
        manifests.push(manifest);
        if fills > 0 && manifests.len() >= 3 {
            break;
        }
        assert!(Instant::now() < deadline, "no fills: {manifests:#?}");
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    let last = manifests.last().unwrap().clone();
    assert_eq!(last["database"], "sqlite");
    assert!(last["tables"]["orders"].as_u64().unwrap() > 0, "{last}");
    assert!(last["schema_version"].as_i64().unwrap() > 0, "{last}");
    assert!(
        last["name"].as_str().unwrap().ends_with("-whiletrading"),
        "{last}"
    );
    assert_eq!(last["sha256"].as_str().unwrap().len(), 64);
    assert!(
        last["fills_by_token"]
            .as_object()
            .is_some_and(|m| !m.is_empty()),
        "{last}"
    );
    for manifest in &manifests {
        let path = out.join(format!("{}.json", manifest["name"].as_str().unwrap()));
        let (code, verified, err) = verify(ploy.setup(), &path);
        assert_eq!(code, 0, "{err}\n{verified:#}");
        assert_eq!(verified["verification"]["ok"], true, "{verified:#}");
        for name in [
            "sha256",
            "schema",
            "integrity",
            "migrations",
            "row_counts",
            "positions",
            "newest_order",
        ] {
            assert_eq!(check(&verified, name)["ok"], true, "{name}: {verified:#}");
        }
        // Recorded in the manifest on disk, for `ployctl backup list`.
        let on_disk = json(&std::fs::read_to_string(&path).unwrap());
        assert_eq!(on_disk["verification"]["ok"], true);
    }
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    ploy.signal("TERM");
    assert!(ploy.wait(Duration::from_secs(15)).await.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_archive_a_newer_schema_and_leftovers_are_handled() {
    let setup = Ploy::new().config(&format!(
        "[market_data]\nsource = \"recording\"\nrecording = \"{}\"\nrecording_speed = 0\n",
        recording().display()
    ));
    // A database to back up: one migration run.
    let (code, _, err) = setup.output(&["migrate"]);
    assert_eq!(code, 0, "{err}");
    let out = setup.dir().join("backups");
    std::fs::create_dir_all(&out).unwrap();
    // What a killed backup leaves: temporary files, never a whole backup.
    std::fs::write(out.join(".tmp-ploy-x.db"), b"half").unwrap();
    std::fs::write(out.join(".tmp-ploy-x.db.gz"), b"half").unwrap();
    let (code, text, err) = setup.output(&[
        "db",
        "backup",
        "--out",
        &out.display().to_string(),
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.join(".tmp-ploy-x.db").exists() && !out.join(".tmp-ploy-x.db.gz").exists());
    let manifest = json(&text);
    let name = manifest["name"].as_str().unwrap().to_owned();
    let manifest_path = out.join(format!("{name}.json"));
    let archive = out.join(manifest["file"].as_str().unwrap());

    // Truncated: refused by the sha256 check, and recorded so.
    let bytes = std::fs::read(&archive).unwrap();
    std::fs::write(&archive, &bytes[..bytes.len() / 2]).unwrap();
    let (code, verified, _) = verify(&setup, &manifest_path);
    assert_eq!(code, 1);
    assert_eq!(verified["verification"]["ok"], false);
    assert_eq!(check(&verified, "sha256")["ok"], false);
    assert!(
        check(&verified, "sha256")["detail"]
            .as_str()
            .unwrap()
            .contains("truncated or changed"),
        "{verified:#}"
    );
    let (_, human, _) = setup.output(&["db", "verify", &manifest_path.display().to_string()]);
    assert!(
        human.contains("FAIL sha256") && human.contains("NOT verified"),
        "{human}"
    );
    std::fs::write(&archive, &bytes).unwrap();

    // From a newer schema than this release knows: refused, both versions named.
    let mut newer = json(&std::fs::read_to_string(&manifest_path).unwrap());
    newer["schema_version"] = serde_json::json!(99_991_231_000_001_i64);
    std::fs::write(&manifest_path, newer.to_string()).unwrap();
    let (code, verified, _) = verify(&setup, &manifest_path);
    assert_eq!(code, 1);
    let detail = check(&verified, "schema")["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        detail.contains("99991231000001") && detail.contains("newer than this release"),
        "{detail}"
    );

    // Not a manifest at all: a clear error naming the file.
    std::fs::write(&manifest_path, "{}").unwrap();
    let (code, _, err) = setup.output(&["db", "verify", &manifest_path.display().to_string()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&name) && err.contains("not a backup manifest"),
        "{err}"
    );
}
