//! Test harness for ployctl: a fleet of real `sshd` servers on loopback with
//! generated host and client keys, host roots holding a real `ploy` config,
//! and ployctl run as a process. Missing prerequisites fail with the command
//! that installs them.

pub mod exchange;
/// The engine tests' fake Polymarket CLOB, shared.
#[path = "../../../engine/tests/it/harness/fake_clob.rs"]
#[allow(dead_code)]
pub mod fake_clob;
pub mod fleet;
/// The engine tests' check of generated files, shared.
#[path = "../../../engine/tests/it/harness/generated.rs"]
pub mod generated;
/// The engine tests' PostgreSQL server, shared.
#[path = "../../../engine/tests/it/harness/postgres.rs"]
pub mod postgres;
pub mod releases;
pub mod run;
/// The engine tests' S3-compatible server (moto), shared.
#[path = "../../../engine/tests/it/harness/s3.rs"]
#[allow(dead_code)]
pub mod s3;

use std::path::PathBuf;

/// The `ploy` binary built by this workspace (`target/<profile>/ploy`).
pub fn ploy_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/it-<hash> → target/<profile>/ploy
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target dir")
        .to_owned();
    let bin = dir.join("ploy");
    assert!(
        bin.is_file(),
        "the ploy binary is missing at {}: build it first with `cargo build -p ploy` \
         (`cargo test --workspace` builds it)",
        bin.display()
    );
    bin
}

/// A runtime that keeps the fake exchanges serving while a test runs.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The `ployctl` binary under test.
pub fn ployctl_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ployctl"))
}

/// Finds a program or fails with the install command.
pub fn require(path_or_name: &str, install: &str) -> PathBuf {
    let direct = PathBuf::from(path_or_name);
    if direct.is_absolute() && direct.is_file() {
        return direct;
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(path_or_name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "prerequisite missing: {path_or_name}. Install it with: {install}\n\
         (deployment/dev/setup.sh installs every test prerequisite)"
    );
}

/// A port that was free a moment ago on `ip`.
pub fn free_port(ip: &str) -> u16 {
    std::net::TcpListener::bind((ip, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral port")
}

/// A free port on 127.0.0.1 (the name the shared PostgreSQL harness uses).
pub fn free_loopback_port() -> u16 {
    free_port("127.0.0.1")
}

/// Finds a program on PATH or in extra folders, or fails with the install command.
pub fn require_program(name: &str, extra_dirs: &[PathBuf], install: &str) -> PathBuf {
    for dir in extra_dirs {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return candidate;
        }
    }
    require(name, install)
}
