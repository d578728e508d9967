//! The time a release change leaves the market without our quotes, measured
//! side by side in one run (see BENCHMARKS.md):
//!
//! - **restart** (`handover = "restart"`, what a deploy did before): SIGTERM
//!   the trading `ploy`, wait for it to exit, start the new one (what the
//!   daemon layout's `restart_service` does);
//! - **standby** (`handover = "standby"`): start the new one with
//!   `--standby-bind`, wait until its `/health` is ready, then SIGUSR1 to it
//!   and SIGTERM to the old one (what `handover_service` does).
//!
//! Both run the real `ploy` binary live against the fake CLOB of the test
//! harness on loopback, on one SQLite file. The gap is read from the fake
//! exchange's ledger: the old process's last order to stop resting → the new
//! one's first order to rest. Rounds alternate the two modes, at loopback
//! speed and with every answer of the fake exchange delayed 50 ms (a
//! network's round trip to the exchange: what a start pays per request).
//!
//! `cargo bench -p ploy --bench handover` (`PLOY_BENCH_ROUNDS`, default 7)

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[allow(dead_code, unreachable_pub, clippy::all)]
#[path = "../tests/it/harness/fake_clob.rs"]
mod fake_clob;

use fake_clob::{FakeClob, API_KEY, API_SECRET, PASSPHRASE, TOKEN};

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One round's folder: the config and the shared database.
fn config(dir: &Path, fake: &FakeClob, port: u16) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "mode = \"live\"\n\
             [server]\nbind = \"127.0.0.1:{port}\"\nshutdown_timeout = \"5s\"\n\
             [exchange]\nclob_url = \"{}\"\nws_url = \"{}\"\nrequest_timeout = \"1s\"\n\
             [market_data]\npoll_interval = \"300ms\"\n\
             [strategy]\nmarkets = [\"{TOKEN}\"]\norder_size = \"5\"\nhalf_spread = \"0.02\"\n\
             [risk]\nmax_orders_per_minute = 600\n",
            fake.url(),
            fake.ws_url()
        ),
    )
    .expect("config");
    path
}

fn spawn(dir: &Path, config: &Path, extra: &[&str], log: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ploy"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("POLYMARKET_PRIVATE_KEY", DEV_KEY)
        .env("POLYMARKET_API_KEY", API_KEY)
        .env("POLYMARKET_SECRET", API_SECRET)
        .env("POLYMARKET_PASSPHRASE", PASSPHRASE)
        .current_dir(dir)
        .arg("--config")
        .arg(config)
        .arg("run")
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join(log)).expect("log"))
        .spawn()
        .expect("spawn ploy")
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill")
        .success();
    assert!(ok, "kill -{name}");
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn healthy(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = s.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Restart,
    Standby,
}

/// One change of release: (the gap, the old one's stop: signal → its last
/// cancel), in ms.
fn round(rt: &tokio::runtime::Runtime, mode: Mode, rtt: Option<Duration>) -> (i64, i64) {
    let fake = rt.block_on(FakeClob::start());
    fake.set_round_trip(rtt);
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let config = config(dir.path(), &fake, port);
    let mut old = spawn(dir.path(), &config, &[], "old.log");
    wait_until("the old process's quotes", || {
        fake.ledger().iter().any(|o| o.status == "LIVE")
    });
    wait_until("the old process healthy", || healthy(port));
    let before = fake.ledger().len();
    let signalled_ms;
    let mut new = match mode {
        Mode::Restart => {
            signalled_ms = now_ms();
            signal(&old, "TERM");
            old.wait().expect("old exits");
            spawn(dir.path(), &config, &[], "new.log")
        },
        Mode::Standby => {
            let standby_port = free_port();
            let new = spawn(
                dir.path(),
                &config,
                &["--standby-bind", &format!("127.0.0.1:{standby_port}")],
                "new.log",
            );
            wait_until("the standby ready", || healthy(standby_port));
            signalled_ms = now_ms();
            signal(&new, "USR1");
            signal(&old, "TERM");
            new
        },
    };
    wait_until("the new process's first quote", || {
        fake.ledger()[before..].iter().any(|o| o.status == "LIVE")
    });
    let ledger = fake.ledger();
    let last_old = ledger[..before]
        .iter()
        .map(|o| o.ended_ms.expect("the old process's quotes all ended"))
        .max()
        .expect("old quotes");
    let first_new = ledger[before..]
        .iter()
        .map(|o| o.rested_ms)
        .min()
        .expect("a new quote");
    assert!(first_new >= last_old, "two processes quoted at once");
    signal(&new, "TERM");
    let _ = new.wait();
    let _ = old.wait();
    if std::env::var_os("PLOY_BENCH_LOGS").is_some() {
        // Where the time goes: both processes' logs, with their timestamps.
        for log in ["old.log", "new.log"] {
            let text = std::fs::read_to_string(dir.path().join(log)).unwrap_or_default();
            eprintln!("--- {mode:?} {log} ---\n{text}");
        }
    }
    (first_new - last_old, last_old - signalled_ms)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn median(mut v: Vec<i64>) -> i64 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // and only wants to know it builds and runs: one round each.
    let rounds: usize = if std::env::args().any(|a| a == "--bench") {
        std::env::var("PLOY_BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(7)
    } else {
        1
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for rtt_ms in [0u64, 50] {
        let rtt = (rtt_ms > 0).then(|| Duration::from_millis(rtt_ms));
        let mut restart = Vec::new();
        let mut standby = Vec::new();
        for i in 0..rounds {
            for mode in [Mode::Restart, Mode::Standby] {
                let r = round(&rt, mode, rtt);
                eprintln!(
                    "round trip {rtt_ms} ms, round {}: {mode:?}: gap {} ms (signal → old's last cancel {} ms)",
                    i + 1,
                    r.0,
                    r.1
                );
                match mode {
                    Mode::Restart => restart.push(r),
                    Mode::Standby => standby.push(r),
                }
            }
        }
        report(rtt_ms, rounds, &restart, &standby);
    }
}

fn report(rtt_ms: u64, rounds: usize, restart: &[(i64, i64)], standby: &[(i64, i64)]) {
    let gap = |v: &[(i64, i64)]| median(v.iter().map(|r| r.0).collect());
    let stop = |v: &[(i64, i64)]| median(v.iter().map(|r| r.1).collect());
    let span = |v: &[(i64, i64)]| {
        (
            v.iter().map(|x| x.0).min().unwrap_or(0),
            v.iter().map(|x| x.0).max().unwrap_or(0),
        )
    };
    let (r, s) = (gap(restart), gap(standby));
    println!("exchange round trip {rtt_ms} ms: quote gap, medians of {rounds} rounds each:");
    let (lo, hi) = span(restart);
    println!(
        "  restart: {r} ms (min {lo}, max {hi}); signal → old's last cancel {} ms",
        stop(restart)
    );
    let (lo, hi) = span(standby);
    println!(
        "  standby: {s} ms (min {lo}, max {hi}); signal → old's last cancel {} ms",
        stop(standby)
    );
    #[allow(clippy::cast_precision_loss)]
    let ratio = r as f64 / s.max(1) as f64;
    println!("  restart / standby: {ratio:.1}x");
}
