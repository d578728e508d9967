//! `ploy health-check [--url URL] [--json]`: probe a running instance's `/health`.
//!
//! Exit 0 only when it answers 200 with `status: healthy`; 1 otherwise (Docker
//! HEALTHCHECK's "unhealthy"). ployctl uses it on hosts without curl.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;

use serde_json::json;

use super::{CommandError, CommandResult};
use crate::cli::HealthCheckArgs;
use crate::config::{self, Env};
use crate::exit;
use crate::health::{Check, HealthReport};

/// The URL probed when none is given: the config's bind address, with an
/// unspecified address (0.0.0.0, ::) replaced by loopback.
fn default_url(config_flag: Option<&Path>) -> String {
    let env = Env::from_process();
    let path = config::resolve_path(config_flag, &env);
    let bind = config::load(&path, env)
        .map(|s| s.config.server.bind)
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let ip = if bind.ip().is_unspecified() {
        match bind.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        }
    } else {
        bind.ip()
    };
    format!("http://{}/health", SocketAddr::new(ip, bind.port()))
}

/// Probes and reports.
pub async fn run(config_flag: Option<&Path>, args: &HealthCheckArgs) -> CommandResult {
    let url = args.url.clone().unwrap_or_else(|| default_url(config_flag));
    let client = reqwest::Client::builder()
        .timeout(args.timeout)
        .build()
        .map_err(|e| CommandError::failed(format!("cannot build an HTTP client: {e}")))?;
    let response = match client.get(&url).send().await {
        Ok(r) => r,
        Err(e) => return unreachable(&url, &e.to_string(), args.json),
    };
    let status = response.status();
    let body = match response.text().await {
        Ok(b) => b,
        Err(e) => return unreachable(&url, &e.to_string(), args.json),
    };
    let report: HealthReport = match serde_json::from_str(&body) {
        Ok(r) => r,
        Err(e) => {
            let excerpt: String = body.chars().take(200).collect();
            return unreachable(
                &url,
                &format!(
                    "HTTP {status} with a body that is not a ploy health report ({e}): {excerpt}"
                ),
                args.json,
            );
        },
    };
    let healthy = status.is_success() && report.is_healthy();
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("report serializes")
        );
    } else {
        print_human(&url, &report);
    }
    Ok(if healthy { exit::OK } else { exit::FAILURE })
}

fn print_human(url: &str, report: &HealthReport) {
    let word = if report.is_healthy() {
        "healthy"
    } else {
        "degraded"
    };
    println!(
        "{word}: ploy {} up {}s at {url}",
        report.version, report.uptime_seconds
    );
    let c = &report.checks;
    for (name, check) in [
        ("database", &c.database),
        ("api_connection", &c.api_connection),
        ("order_queue", &c.order_queue),
    ] {
        println!("  {}", describe(name, check));
    }
}

fn describe(name: &str, check: &Check) -> String {
    let mark = if check.is_up() { "✓" } else { "✗" };
    let state = if check.is_up() { "up" } else { "down" };
    let mut line = format!("{mark} {name:<15} {state:<4} {:>9.3} ms", check.latency_ms);
    if let Some(error) = &check.error {
        line.push_str(&format!("  {error}"));
    }
    line
}

/// Unreachable is a verdict (exit 1, Docker's "unhealthy"), said on stdout
/// with `--json` and as the error otherwise.
fn unreachable(url: &str, error: &str, json: bool) -> CommandResult {
    if json {
        println!(
            "{}",
            json!({"status": "unreachable", "url": url, "error": error})
        );
        return Ok(exit::FAILURE);
    }
    Err(CommandError::failed(format!(
        "unreachable: {url}: {error}\n  hint: is ploy running (`systemctl status ploy`) and listening on that address?"
    )))
}
