//! Whatever `check-config` accepts runs. Every number and duration of the
//! config's range table (`ploy::config::ranges`), at both ends of its range
//! and at seeded random values within, is accepted by `check-config`, and
//! `ploy migrate` then `ploy run` (live against the fake CLOB; paper on a
//! recording for the recording's pace) start, serve
//! `/health` and stop on SIGTERM with 0, never a panic or an abort. Just
//! beyond either end, `check-config` refuses with file:line:col, the key,
//! the range and a hint.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ploy::config::ranges::{ranged, Bound, Ranged};
use ploy::config::Config;
use rust_decimal::Decimal;

use crate::harness::fake_clob::{FakeClob, API_KEY, API_SECRET, PASSPHRASE, TOKEN};
use crate::harness::{free_port, ploy_bin};

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// One value of one key, as TOML.
#[derive(Debug, Clone)]
struct Case {
    key: &'static str,
    literal: String,
}

fn literal(bound: &Bound, v: Sample) -> String {
    match (bound, v) {
        (Bound::Duration(..), Sample::Duration(d)) => {
            format!("\"{}\"", humantime::format_duration(d))
        },
        (Bound::Count(..), Sample::Count(n)) => n.to_string(),
        (Bound::ZeroOrFactor(..), Sample::Factor(f)) => format!("{f:?}"),
        (Bound::Decimal { .. }, Sample::Decimal(d)) => format!("\"{d}\""),
        other => panic!("no literal for {other:?}"),
    }
}

#[derive(Debug, Clone, Copy)]
enum Sample {
    Duration(Duration),
    Count(u64),
    Factor(f64),
    Decimal(Decimal),
}

/// A small deterministic generator (xorshift), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

/// The ends of `bound` and `n` random values within.
fn within(bound: &Bound, rng: &mut Rng, n: usize) -> Vec<Sample> {
    let mut out = Vec::new();
    match *bound {
        Bound::Duration(low, high) => {
            out.push(Sample::Duration(low));
            out.push(Sample::Duration(high));
            let (l, h) = (low.as_millis() as u64, high.as_millis() as u64);
            for _ in 0..n {
                out.push(Sample::Duration(Duration::from_millis(rng.between(l, h))));
            }
        },
        Bound::Count(low, high) => {
            out.push(Sample::Count(low));
            out.push(Sample::Count(high));
            for _ in 0..n {
                out.push(Sample::Count(rng.between(low, high)));
            }
        },
        Bound::ZeroOrFactor(low, high) => {
            out.push(Sample::Factor(0.0));
            out.push(Sample::Factor(low));
            out.push(Sample::Factor(high));
            for _ in 0..n {
                let f = low + (high - low) * (rng.between(0, 10_000) as f64 / 10_000.0);
                out.push(Sample::Factor((f * 100.0).round() / 100.0));
            }
        },
        Bound::Decimal {
            low,
            high,
            open_low,
            open_high,
        } => {
            let step = Decimal::new(1, 4);
            let first = if open_low { low + step } else { low };
            let last = if open_high { high - step } else { high };
            out.push(Sample::Decimal(first));
            out.push(Sample::Decimal(last));
            let span = ((last - first) / step).trunc();
            let span = u64::try_from(span.mantissa()).unwrap_or(u64::MAX / 2);
            for _ in 0..n {
                let k = Decimal::from(rng.between(0, span));
                out.push(Sample::Decimal(first + k * step));
            }
        },
    }
    out
}

/// Just beyond each end of `bound`.
fn beyond(bound: &Bound) -> Vec<Sample> {
    let mut out = Vec::new();
    match *bound {
        Bound::Duration(low, high) => {
            if !low.is_zero() {
                out.push(Sample::Duration(low - Duration::from_millis(1)));
            }
            out.push(Sample::Duration(high + Duration::from_secs(1)));
        },
        Bound::Count(low, high) => {
            if low > 0 {
                out.push(Sample::Count(low - 1));
            }
            out.push(Sample::Count(high + 1));
        },
        Bound::ZeroOrFactor(low, high) => {
            out.push(Sample::Factor(low / 2.0));
            out.push(Sample::Factor(1e-300));
            out.push(Sample::Factor(high * 2.0));
        },
        Bound::Decimal {
            low,
            high,
            open_low,
            open_high,
        } => {
            let step = Decimal::new(1, 3);
            out.push(Sample::Decimal(if open_low { low } else { low - step }));
            out.push(Sample::Decimal(if open_high { high } else { high + step }));
        },
    }
    out
}

/// A live config against `fake` with `case` set in its section.
fn config_with(fake: &FakeClob, port: u16, dir: &Path, cases: &[&Case]) -> String {
    let mut sections: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    let base: &[(&str, &str)] = &[
        ("server", &format!("bind = \"127.0.0.1:{port}\"")),
        ("server", "shutdown_timeout = \"5s\""),
        ("exchange", &format!("clob_url = \"{}\"", fake.url())),
        ("exchange", &format!("ws_url = \"{}\"", fake.ws_url())),
        (
            "exchange",
            &format!("geoblock_url = \"{}\"", fake.geoblock_url()),
        ),
        ("exchange", "request_timeout = \"1s\""),
        ("strategy", &format!("markets = [\"{TOKEN}\"]")),
        ("health", "check_timeout = \"1s\""),
        (
            "database",
            &format!("url = \"sqlite://{}/ploy.db\"", dir.display()),
        ),
    ];
    let mut set = |key: &str, line: String| {
        let (section, name) = key.split_once('.').expect("dotted key");
        let lines = sections.entry(section_name(section)).or_default();
        lines.retain(|l| !l.starts_with(&format!("{name} =")));
        lines.push(line);
    };
    for (section, line) in base {
        let name = line.split(' ').next().unwrap();
        set(&format!("{section}.{name}"), (*line).to_owned());
    }
    for case in cases {
        let name = case.key.split_once('.').unwrap().1;
        set(case.key, format!("{name} = {}", case.literal));
    }
    // The pace of a recording matters only on one: paper mode replays it.
    let on_recording = cases.iter().any(|c| c.key == "market_data.recording_speed");
    let mut text = if on_recording {
        let md = sections.entry("market_data").or_default();
        md.push("source = \"recording\"".to_owned());
        md.push(format!(
            "recording = \"{}\"",
            crate::harness::sample_recording().display()
        ));
        sections
            .entry("strategy")
            .or_default()
            .retain(|l| !l.starts_with("markets"));
        String::from("mode = \"paper\"\n")
    } else {
        String::from("mode = \"live\"\n")
    };
    for (section, lines) in sections {
        text.push_str(&format!("[{section}]\n{}\n", lines.join("\n")));
    }
    text
}

fn section_name(section: &str) -> &'static str {
    match section {
        "server" => "server",
        "exchange" => "exchange",
        "market_data" => "market_data",
        "database" => "database",
        "risk" => "risk",
        "strategy" => "strategy",
        "paper" => "paper",
        "health" => "health",
        other => panic!("unknown section {other}"),
    }
}

fn ploy(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(ploy_bin());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .env("POLYMARKET_PRIVATE_KEY", DEV_KEY)
        .env("POLYMARKET_API_KEY", API_KEY)
        .env("POLYMARKET_SECRET", API_SECRET)
        .env("POLYMARKET_PASSPHRASE", PASSPHRASE)
        .current_dir(dir)
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(args);
    cmd
}

/// The status line of `GET /health`, if the server answers.
fn health_status(port: u16) -> Option<u16> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    s.write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// check-config, migrate and run with `cases` set: Ok, or what went wrong.
/// [`runs_once`], again on a new port when another process took the free
/// port between its choice and ploy's bind (the suite runs many servers at
/// once; that race is the harness's, not the case's).
fn runs(fake: &FakeClob, cases: &[&Case]) -> Result<(), String> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match runs_once(fake, cases) {
            Err(why) if attempt < 3 && why.contains("Address already in use") => {},
            result => return result,
        }
    }
}

fn runs_once(fake: &FakeClob, cases: &[&Case]) -> Result<(), String> {
    let dir = tempfile::Builder::new()
        .prefix("ploy-bounds-")
        .tempdir()
        .unwrap();
    let port = free_port();
    let text = config_with(fake, port, dir.path(), cases);
    std::fs::write(dir.path().join("config.toml"), &text).unwrap();
    let context = |what: &str, out: &str| format!("{what} with {cases:?}:\n{text}\n{out}");
    let check = ploy(dir.path(), &["check-config"]).output().unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    if !check.status.success() {
        return Err(context("check-config refused an in-range value", &out));
    }
    let migrate = ploy(dir.path(), &["migrate"]).output().unwrap();
    if !migrate.status.success() {
        return Err(context(
            "migrate failed",
            &String::from_utf8_lossy(&migrate.stderr),
        ));
    }
    let stderr = dir.path().join("stderr.log");
    let mut child = ploy(dir.path(), &["run"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let log = || std::fs::read_to_string(&stderr).unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(20);
    while health_status(port).is_none() {
        if let Some(status) = child.try_wait().unwrap() {
            return Err(context(&format!("ploy run ended with {status}"), &log()));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err(context("/health never answered", &log()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(1500));
    if let Some(status) = child.try_wait().unwrap() {
        return Err(context(
            &format!("ploy run ended by itself with {status}"),
            &log(),
        ));
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err(context("SIGTERM did not stop ploy run", &log()));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let log = log();
    if !status.success() || log.contains("panicked") {
        return Err(context(&format!("ploy run exited with {status}"), &log));
    }
    Ok(())
}

/// In-range cases for every key: its ends and two random values.
fn in_range_cases(seed: u64) -> Vec<Vec<Case>> {
    let mut rng = Rng(seed | 1);
    let mut all = Vec::new();
    for r in ranged(&Config::default()) {
        for sample in within(&r.bound, &mut rng, 2) {
            let mut case = vec![Case {
                key: r.key,
                literal: literal(&r.bound, sample),
            }];
            // exchange.order_deadline must be at least request_timeout.
            if r.key == "exchange.request_timeout" {
                case.push(Case {
                    key: "exchange.order_deadline",
                    literal: "\"10m\"".to_owned(),
                });
            }
            all.push(case);
        }
    }
    all
}

#[test]
fn every_value_check_config_accepts_starts_and_stops_cleanly() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(FakeClob::start());
    // A new seed each run; PLOY_BOUNDS_SEED=0x… repeats a failed one.
    let seed = std::env::var("PLOY_BOUNDS_SEED")
        .ok()
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        .unwrap_or(0x5eed_u64 ^ u64::from(std::process::id()));
    let cases = in_range_cases(seed);
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..6 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(case) = cases.get(i) else { break };
                let refs: Vec<&Case> = case.iter().collect();
                if let Err(why) = runs(&fake, &refs) {
                    failures.lock().unwrap().push(why);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "seed {seed:#x} (PLOY_BOUNDS_SEED={seed:#x} repeats it): {} of {} cases failed; the first:\n{}",
        failures.len(),
        cases.len(),
        failures[0]
    );
}

#[test]
fn a_value_just_beyond_its_range_is_refused_with_its_place_and_the_range() {
    let fake = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(FakeClob::start());
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for Ranged { key, bound, .. } in ranged(&Config::default()) {
        for sample in beyond(&bound) {
            let case = Case {
                key,
                literal: literal(&bound, sample),
            };
            let text = config_with(&fake, free_port(), dir.path(), &[&case]);
            std::fs::write(dir.path().join("config.toml"), &text).unwrap();
            let out = ploy(dir.path(), &["check-config"]).output().unwrap();
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(2), "{case:?} accepted:\n{said}");
            let name = key.split_once('.').unwrap().1;
            let line = text
                .lines()
                .position(|l| l.starts_with(&format!("{name} = ")))
                .unwrap()
                + 1;
            for part in [
                format!("config.toml:{line}:"),
                key.to_owned(),
                format!("out of range ({})", bound.describe()),
                "hint:".to_owned(),
            ] {
                assert!(said.contains(&part), "{case:?}: no {part:?} in\n{said}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked} values checked");
}
