//! Test harness: real PostgreSQL servers, the real `ploy` binary as a child
//! process, a local fake exchange, and `promtool`.
//!
//! Missing prerequisites fail the test with the command that installs them;
//! nothing is skipped silently.

pub mod fake_clob;
pub mod generated;
pub mod postgres;
pub mod process;
pub mod s3;

use std::net::TcpListener;
use std::path::PathBuf;

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral port on 127.0.0.1")
}

/// [`free_port`] under the name the shared PostgreSQL harness uses.
pub fn free_loopback_port() -> u16 {
    free_port()
}

/// Finds a program on PATH or in extra folders, or fails with the install command.
pub fn require_program(name: &str, extra_dirs: &[PathBuf], install: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(extra_dirs.iter().cloned());
    for dir in dirs {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "prerequisite missing: `{name}` was not found on PATH or in {extra_dirs:?}.\n\
         Install it with: {install}\n\
         (deployment/dev/setup.sh installs every test prerequisite)"
    );
}

/// The shipped sample recording.
pub fn sample_recording() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("recordings/sample.jsonl")
}

/// The `ploy` binary under test.
pub fn ploy_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ploy"))
}

/// `promtool` with `args`, in `dir`; returns (exit code, output).
pub fn promtool(args: &[&str], dir: &std::path::Path) -> (i32, String) {
    let promtool = require_program(
        "promtool",
        &[],
        "apt-get update && apt-get install -y --no-install-recommends prometheus",
    );
    let out = std::process::Command::new(promtool)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run promtool");
    let mut combined = String::from_utf8_lossy(&out.stdout).into_owned();
    combined.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), combined)
}

/// Runs `promtool check metrics` on `text`; returns (exit code, output).
pub fn promtool_check(text: &str) -> (i32, String) {
    use std::io::Write;
    let promtool = require_program(
        "promtool",
        &[],
        "apt-get update && apt-get install -y --no-install-recommends prometheus",
    );
    let mut child = std::process::Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start promtool");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write metrics to promtool");
    let out = child.wait_with_output().expect("promtool output");
    let mut combined = String::from_utf8_lossy(&out.stdout).into_owned();
    combined.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), combined)
}
