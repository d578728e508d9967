//! `ployctl self-update` against a loopback server that answers like GitHub's
//! releases API (`/repos/O/R/releases/latest`, `/releases/tags/T`, assets by
//! their API URL with per-asset `digest`s), with archives signed by zipsign
//! as the release workflow signs them. Each scenario runs a copy of the real
//! ployctl binary in a folder of its own and checks what is left there.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use sha2::{Digest, Sha256};
use zipsign_api::SigningKey;

/// This machine's target, as ployctl names the archive it wants.
fn target() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}

/// A release as the server shows it: tag and assets (name → bytes), and
/// digests to publish in place of the real ones.
#[derive(Clone, Default)]
struct FakeRelease {
    tag: String,
    assets: BTreeMap<String, Vec<u8>>,
    wrong_digest: bool,
}

#[derive(Clone, Default)]
struct Releases {
    port: u16,
    latest: String,
    by_tag: BTreeMap<String, FakeRelease>,
}

type Shared = Arc<Mutex<Releases>>;

fn release_json(releases: &Releases, r: &FakeRelease) -> serde_json::Value {
    let assets: Vec<serde_json::Value> = r
        .assets
        .iter()
        .map(|(name, bytes)| {
            let digest = if r.wrong_digest {
                hex(&Sha256::digest(b"something else"))
            } else {
                hex(&Sha256::digest(bytes))
            };
            serde_json::json!({
                "name": name,
                "url": format!("http://127.0.0.1:{}/assets/{}/{name}", releases.port, r.tag),
                "browser_download_url": format!("http://127.0.0.1:{}/assets/{}/{name}", releases.port, r.tag),
                "digest": format!("sha256:{digest}"),
                "size": bytes.len(),
            })
        })
        .collect();
    serde_json::json!({
        "tag_name": r.tag,
        "name": r.tag,
        "created_at": "2026-12-01T00:00:00Z",
        "html_url": format!("https://github.com/o/r/releases/tag/{}", r.tag),
        "body": "notes",
        "assets": assets,
    })
}

async fn latest(State(s): State<Shared>) -> Response {
    let s = s.lock().unwrap().clone();
    match s.by_tag.get(&s.latest) {
        Some(r) => axum::Json(release_json(&s, r)).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn by_tag(
    State(s): State<Shared>,
    UrlPath((_o, _r, tag)): UrlPath<(String, String, String)>,
) -> Response {
    let s = s.lock().unwrap().clone();
    match s.by_tag.get(&tag) {
        Some(r) => axum::Json(release_json(&s, r)).into_response(),
        None => (StatusCode::NOT_FOUND, r#"{"message":"Not Found"}"#).into_response(),
    }
}

async fn asset(
    State(s): State<Shared>,
    UrlPath((tag, name)): UrlPath<(String, String)>,
) -> Response {
    let s = s.lock().unwrap().clone();
    match s.by_tag.get(&tag).and_then(|r| r.assets.get(&name)) {
        Some(bytes) => bytes.clone().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

struct Server {
    state: Shared,
    url: String,
    _runtime: tokio::runtime::Runtime,
}

fn start_server() -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let state: Shared = Arc::new(Mutex::new(Releases {
        port,
        ..Releases::default()
    }));
    let app = Router::new()
        .route("/repos/{o}/{r}/releases/latest", get(latest))
        .route("/repos/{o}/{r}/releases/tags/{tag}", get(by_tag))
        .route("/assets/{tag}/{name}", get(asset))
        .with_state(state.clone());
    runtime.spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Server {
        state,
        url: format!("http://127.0.0.1:{port}"),
        _runtime: runtime,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `ployctl` in the archive: a script that answers `--version` (or fails).
fn new_binary(version: &str, works: bool) -> Vec<u8> {
    if works {
        format!("#!/bin/sh\necho \"ployctl {version}\"\n").into_bytes()
    } else {
        b"#!/bin/sh\necho broken >&2\nexit 3\n".to_vec()
    }
}

/// `ployctl` packed as the release workflow packs it, signed when a key is given.
fn archive(name: &str, binary: &[u8], key: Option<&SigningKey>) -> Vec<u8> {
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    ));
    let mut header = tar::Header::new_gnu();
    header.set_size(binary.len() as u64);
    header.set_mode(0o755);
    header.set_cksum();
    tar.append_data(&mut header, "ployctl", binary).unwrap();
    let gz = tar.into_inner().unwrap().finish().unwrap();
    let Some(key) = key else { return gz };
    let mut signed = Cursor::new(Vec::new());
    zipsign_api::sign::copy_and_sign_tar(
        &mut Cursor::new(gz),
        &mut signed,
        std::slice::from_ref(key),
        Some(name.as_bytes()),
    )
    .unwrap();
    signed.into_inner()
}

fn sums(assets: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut out = String::new();
    for (name, bytes) in assets {
        out.push_str(&format!("{}  {name}\n", hex(&Sha256::digest(bytes))));
    }
    out.into_bytes()
}

/// A release `tag` whose ployctl archive is built as `archive_for` says.
fn release(tag: &str, assets: BTreeMap<String, Vec<u8>>) -> FakeRelease {
    let mut assets = assets;
    let listed = sums(&assets);
    assets.insert("SHA256SUMS".into(), listed);
    FakeRelease {
        tag: tag.into(),
        assets,
        wrong_digest: false,
    }
}

fn signed_release(tag: &str, key: &SigningKey, works: bool) -> FakeRelease {
    let name = format!("ployctl-{tag}-{}.tar.gz", target());
    let version = tag.trim_start_matches('v');
    let ploy = format!("ploy-{tag}-{}.tar.gz", target());
    release(
        tag,
        BTreeMap::from([
            (
                name.clone(),
                archive(&name, &new_binary(version, works), Some(key)),
            ),
            (ploy.clone(), archive(&ploy, b"not ployctl", Some(key))),
        ]),
    )
}

/// A folder holding a copy of this build's ployctl and the trusted-keys file.
struct Install {
    dir: tempfile::TempDir,
    original: Vec<u8>,
}

impl Install {
    fn new(keys: &[&SigningKey]) -> Install {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        let original = std::fs::read(env!("CARGO_BIN_EXE_ployctl")).unwrap();
        let exe = dir.path().join("bin/ployctl");
        std::fs::write(&exe, &original).unwrap();
        std::fs::set_permissions(&exe, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let mut file = std::fs::File::create(dir.path().join("keys.txt")).unwrap();
        writeln!(file, "# test keys").unwrap();
        for key in keys {
            let public = key.verifying_key().to_bytes();
            writeln!(
                file,
                "{}",
                base64::engine::general_purpose::STANDARD.encode(public)
            )
            .unwrap();
        }
        Install { dir, original }
    }

    fn exe(&self) -> PathBuf {
        self.dir.path().join("bin/ployctl")
    }

    fn run(&self, server: &Server, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(self.exe())
            .arg("self-update")
            .args(args)
            .env("PLOYCTL_RELEASES_API", &server.url)
            .env("PLOYCTL_RELEASES_REPO", "o/r")
            .env(
                "PLOYCTL_TEST_RELEASE_KEYS",
                self.dir.path().join("keys.txt"),
            )
            .env_remove("GITHUB_TOKEN")
            .env_remove("GH_TOKEN")
            .env_remove("GITHUB_ACTIONS")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The folder holds only ployctl, unchanged, and no staged file.
    fn assert_untouched(&self, said: &str) {
        assert_eq!(
            std::fs::read(self.exe()).unwrap(),
            self.original,
            "ployctl must be unchanged:\n{said}"
        );
        assert_eq!(
            entries(&self.dir.path().join("bin")),
            vec!["ployctl"],
            "{said}"
        );
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn set(server: &Server, latest: &str, releases: Vec<FakeRelease>) {
    let mut s = server.state.lock().unwrap();
    s.latest = latest.into();
    s.by_tag = releases.into_iter().map(|r| (r.tag.clone(), r)).collect();
}

#[test]
fn self_update_installs_only_a_signed_matching_release_that_runs() {
    let key = SigningKey::from_bytes(&[11u8; 32]);
    let other = SigningKey::from_bytes(&[22u8; 32]);
    let server = start_server();

    // No newer version: nothing to do.
    set(
        &server,
        "v0.1.0",
        vec![signed_release("v0.1.0", &key, true)],
    );
    let install = Install::new(&[&key]);
    let (code, out, err) = install.run(&server, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("is up to date"), "{out}{err}");
    install.assert_untouched(&out);

    // --check says a newer one exists and changes nothing.
    set(
        &server,
        "v9.9.9",
        vec![signed_release("v9.9.9", &key, true)],
    );
    let (code, out, err) = install.run(&server, &["--check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ployctl 9.9.9 is available"), "{out}{err}");
    install.assert_untouched(&out);
    let (code, out, _) = install.run(&server, &["--check", "--json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["status"], "update_available", "{json}");
    assert_eq!(json["latest"], "9.9.9", "{json}");

    // A good update: signed by a trusted key, matching SHA256SUMS and the
    // digest; the new binary answers --version and takes ployctl's place.
    let (code, out, err) = install.run(&server, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ployctl updated: 0.1.0 → 9.9.9"), "{out}{err}");
    assert_eq!(
        std::fs::read(install.exe()).unwrap(),
        new_binary("9.9.9", true)
    );
    assert_eq!(entries(&install.dir.path().join("bin")), vec!["ployctl"]);
    let said = Command::new(install.exe())
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&said.stdout), "ployctl 9.9.9\n");

    // Every refusal below leaves ployctl as it was.
    let refused =
        |releases: Vec<FakeRelease>, args: &[&str], keys: &[&SigningKey], expect: &str| {
            set(&server, "v9.9.9", releases);
            let install = Install::new(keys);
            let (code, out, err) = install.run(&server, args);
            assert_eq!(code, 1, "{out}{err}");
            let said = format!("{out}{err}");
            assert!(
                said.to_lowercase().contains(&expect.to_lowercase()),
                "expected {expect:?} in:\n{said}"
            );
            assert!(said.contains("hint: "), "{said}");
            install.assert_untouched(&said);
        };

    // Signed by a key ployctl does not trust.
    refused(
        vec![signed_release("v9.9.9", &other, true)],
        &[],
        &[&key],
        "signature",
    );

    // Not signed at all.
    let name = format!("ployctl-v9.9.9-{}.tar.gz", target());
    let unsigned = release(
        "v9.9.9",
        BTreeMap::from([(
            name.clone(),
            archive(&name, &new_binary("9.9.9", true), None),
        )]),
    );
    refused(vec![unsigned], &[], &[&key], "signature");

    // SHA256SUMS disagrees with the archive.
    let mut wrong_sums = signed_release("v9.9.9", &key, true);
    wrong_sums.assets.insert(
        "SHA256SUMS".into(),
        format!("{}  {name}\n", "0".repeat(64)).into_bytes(),
    );
    refused(vec![wrong_sums], &[], &[&key], "checksum");

    // The API's digest disagrees with the archive.
    let mut wrong_digest = signed_release("v9.9.9", &key, true);
    wrong_digest.wrong_digest = true;
    refused(vec![wrong_digest], &[], &[&key], "checksum");

    // No archive for this target.
    let elsewhere = "ployctl-v9.9.9-riscv64gc-unknown-linux-gnu.tar.gz".to_owned();
    let other_target = release(
        "v9.9.9",
        BTreeMap::from([(
            elsewhere.clone(),
            archive(&elsewhere, &new_binary("9.9.9", true), Some(&key)),
        )]),
    );
    refused(vec![other_target], &[], &[&key], &target());

    // The new binary does not run.
    refused(
        vec![signed_release("v9.9.9", &key, false)],
        &[],
        &[&key],
        "does not run",
    );

    // A build that trusts no key refuses every archive.
    refused(
        vec![signed_release("v9.9.9", &key, true)],
        &[],
        &[],
        "trusts no release-signing key",
    );

    // --version names a release that does not exist.
    refused(
        vec![signed_release("v9.9.9", &key, true)],
        &["--version", "7.0.0"],
        &[&key],
        "cannot read the release",
    );
}
