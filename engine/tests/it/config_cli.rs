//! `ploy check-config` through the real binary, and the rule that no secret ever
//! appears in output, logs, errors or HTTP answers.

use std::time::Duration;

use crate::harness::fake_clob::FakeClob;
use crate::harness::free_port;
use crate::harness::postgres::PgServer;
use crate::harness::process::Ploy;

/// The publicly known dev key from the Polymarket test vectors.
const PRIVATE_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const API_SECRET: &str = crate::harness::fake_clob::API_SECRET;
const PASSPHRASE: &str = crate::harness::fake_clob::PASSPHRASE;
const DB_PASSWORD: &str = "db-pw-5e8d1c";

fn assert_no_secret(text: &str, context: &str) {
    for secret in [
        PRIVATE_KEY,
        &PRIVATE_KEY[2..],
        API_SECRET,
        PASSPHRASE,
        DB_PASSWORD,
    ] {
        assert!(
            !text.contains(secret),
            "a secret leaked into {context}:\n{text}"
        );
    }
}

#[test]
fn a_good_config_passes() {
    let (code, out, err) = Ploy::new().output(&["check-config"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("config OK: "), "{out}");
    assert!(out.contains("mode paper"), "{out}");
    assert!(out.contains("database sqlite://data/ploy.db"), "{out}");
}

#[test]
fn bad_configs_each_name_file_line_column_and_key() {
    let cases = [
        ("syntax", "[risk\n", "config.toml:", "TOML syntax error"),
        (
            "unknown key",
            "[risk]\nmax_open_order = 3\n",
            "config.toml:7:1",
            "risk.max_open_order",
        ),
        (
            "wrong type",
            "[risk]\nmax_open_orders = true\n",
            "config.toml:7:19",
            "invalid type: boolean",
        ),
        (
            "bad url",
            "[exchange]\nclob_url = \"::nope\"\n",
            "config.toml:7:12",
            "exchange.clob_url",
        ),
        (
            "live without key",
            "mode = \"live\"\n[strategy]\nmarkets = [\"1\"]\n",
            "POLYMARKET_PRIVATE_KEY",
            "live mode needs the signing key",
        ),
    ];
    for (name, toml, location, message) in cases {
        let ploy = Ploy::new().config(toml);
        let (code, out, err) = ploy.output(&["check-config"]);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains(location), "{name}: {location:?} not in {err}");
        assert!(err.contains(message), "{name}: {message:?} not in {err}");
        assert!(err.contains("hint:"), "{name}: {err}");

        let (code, out, _) = ploy.output(&["check-config", "--json"]);
        assert_eq!(code, 2);
        let report: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: {e}: {out}"));
        assert_eq!(report["ok"], false);
        assert!(report["problems"][0]["location"]
            .as_str()
            .unwrap()
            .contains(location.trim_end_matches(':')));
    }
}

#[test]
fn a_missing_explicit_config_file_is_an_error() {
    let ploy = Ploy::new();
    let out = std::process::Command::new(crate::harness::ploy_bin())
        .env_clear()
        .current_dir(ploy.dir())
        .args(["--config", "/nonexistent/ploy.toml", "check-config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/ploy.toml: cannot read config file"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn check_config_connect_tries_database_and_exchange() {
    let exchange = FakeClob::start().await;
    let ploy = Ploy::new().config(&format!("[exchange]\nclob_url = \"{}\"\n", exchange.url()));
    let (code, out, err) = ploy.output(&["check-config", "--connect"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("✓ database: reachable"), "{out}");
    assert!(out.contains("✓ market_data: reachable"), "{out}");

    let closed = free_port();
    let ploy = Ploy::new().config(&format!(
        "[exchange]\nclob_url = \"http://127.0.0.1:{closed}\"\n"
    ));
    let (code, out, _) = ploy.output(&["check-config", "--connect", "--json"]);
    assert_eq!(code, 5, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["connect"]["market_data"]["status"], "down");
    assert_eq!(report["connect"]["database"]["status"], "up");

    let ploy = Ploy::new()
        .config("[database]\nconnect_timeout = \"1s\"\n")
        .env(
            "DATABASE_URL",
            &format!("postgres://ploy:{DB_PASSWORD}@127.0.0.1:{closed}/x"),
        );
    let (code, out, err) = ploy.output(&["check-config", "--connect"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("✗ database"), "{out}");
    assert_no_secret(&format!("{out}{err}"), "check-config --connect output");
}

/// The JSON report names each secret (set or not, required or not) without its
/// value, measures the exchange and the clock skew, and fails a live config
/// whose host Polymarket does not serve; a config that does not load still
/// says which secrets are missing.
#[tokio::test(flavor = "multi_thread")]
async fn check_config_json_reports_secrets_clock_skew_and_geoblock() {
    let exchange = FakeClob::start().await;
    let live = format!(
        "mode = \"live\"\n[exchange]\nclob_url = \"{}\"\ngeoblock_url = \"{}\"\n[strategy]\nmarkets = [\"{}\"]\n",
        exchange.url(),
        exchange.geoblock_url(),
        crate::harness::fake_clob::TOKEN
    );
    let ploy = Ploy::new()
        .config(&live)
        .env("POLYMARKET_PRIVATE_KEY", PRIVATE_KEY);
    let (code, out, err) = ploy.output(&["check-config", "--connect", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_no_secret(&out, "check-config --json");
    let report: ploy_api::ConfigCheckReport = serde_json::from_str(&out).unwrap();
    assert!(report.ok);
    let key = report
        .secrets
        .iter()
        .find(|s| s.name == "POLYMARKET_PRIVATE_KEY")
        .unwrap();
    assert!(key.present && key.required, "{key:?}");
    let connect = report.connect.unwrap();
    let clock = connect.exchange.unwrap();
    assert!(clock.is_up(), "{clock:?}");
    let skew = clock.detail["clock_skew_ms"].as_i64().unwrap();
    assert!(
        skew.abs() <= 1_500,
        "the fake exchange runs on this clock: {skew}"
    );
    let geo = connect.geoblock.unwrap();
    assert!(geo.is_up() && geo.detail["country"] == "IE", "{geo:?}");

    exchange.set_geoblocked(true);
    let (code, out, _) = ploy.output(&["check-config", "--connect", "--json"]);
    assert_eq!(code, 5, "a blocked region fails a live config: {out}");
    let report: ploy_api::ConfigCheckReport = serde_json::from_str(&out).unwrap();
    let geo = report.connect.unwrap().geoblock.unwrap();
    assert!(geo.error.unwrap().contains("does not serve this host's IP"));

    // Paper needs neither the exchange nor the geoblock check.
    let closed = free_port();
    let ploy = Ploy::new().config(&format!(
        "[exchange]\nclob_url = \"http://127.0.0.1:{closed}\"\ngeoblock_url = \"http://127.0.0.1:{closed}/g\"\n[market_data]\nsource = \"recording\"\nrecording = \"{}\"\n",
        crate::harness::sample_recording().display()
    ));
    let (code, out, err) = ploy.output(&["check-config", "--connect"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("- exchange: ") && out.contains("(not needed by this config)"),
        "{out}"
    );

    // Missing key, config that does not load: the secret is still named.
    let ploy = Ploy::new().config(&format!("{live}[risk]\nnope = 1\n"));
    let (code, out, _) = ploy.output(&["check-config", "--json"]);
    assert_eq!(code, 2);
    let report: ploy_api::ConfigCheckReport = serde_json::from_str(&out).unwrap();
    assert_eq!(report.missing_secrets(), vec!["POLYMARKET_PRIVATE_KEY"]);
    assert!(report
        .problems
        .iter()
        .any(|p| p.key.as_deref() == Some("risk.nope")));
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_appears_in_any_output_log_or_answer() {
    let exchange = FakeClob::start().await;
    let pg = PgServer::start();
    let db_url = pg.url("secrets", Some(DB_PASSWORD));
    let setup = || {
        Ploy::new()
            .config(&format!(
                "mode = \"live\"\n[exchange]\nclob_url = \"{}\"\nws_url = \"{}\"\ngeoblock_url = \"{}\"\n[strategy]\nmarkets = [\"{}\"]\n",
                exchange.url(),
                exchange.ws_url(),
                exchange.geoblock_url(),
                crate::harness::fake_clob::TOKEN
            ))
            .env("POLYMARKET_PRIVATE_KEY", PRIVATE_KEY)
            .env("POLYMARKET_API_KEY", crate::harness::fake_clob::API_KEY)
            .env("POLYMARKET_SECRET", API_SECRET)
            .env("POLYMARKET_PASSPHRASE", PASSPHRASE)
            .env("DATABASE_URL", &db_url)
            .env("RUST_LOG", "trace")
    };

    // check-config, good and bad, human and JSON.
    for args in [
        &["check-config"][..],
        &["check-config", "--json"],
        &["check-config", "--connect"],
    ] {
        let (code, out, err) = setup().output(args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        assert_no_secret(&format!("{out}{err}"), &format!("{args:?}"));
    }
    // A config that echoes the key into a typed field still never shows it.
    let (code, out, err) = setup()
        .config(&format!("[risk]\ntrading_state = \"{PRIVATE_KEY}\"\n"))
        .output(&["check-config"]);
    assert_eq!(code, 2);
    assert!(err.contains("[redacted]"), "{err}");
    assert_no_secret(&format!("{out}{err}"), "a config error");

    // The service, at trace level, human and JSON logs.
    for json in ["false", "true"] {
        let mut ploy = setup().env("PLOY_JSON_LOGS", json).spawn();
        ploy.ready(Duration::from_secs(20)).await;
        let (status, body) = ploy.health().await;
        assert_eq!(status, 200, "{body:#}\n{}", ploy.logs());
        assert_no_secret(&body.to_string(), "/health");
        assert_no_secret(&ploy.metrics().await, "/metrics");
        ploy.signal("TERM");
        assert_eq!(
            ploy.wait(Duration::from_secs(10))
                .await
                .and_then(|s| s.code()),
            Some(0)
        );
        let logs = ploy.logs();
        assert!(logs.contains("starting ploy"), "{logs}");
        assert!(
            logs.contains("postgres://ploy:***@127.0.0.1"),
            "the redacted URL is logged: {logs}"
        );
        assert_no_secret(&logs, &format!("logs (json={json})"));
    }
}

/// Every form a secret can be printed in: raw, JSON-escaped, URL-encoded,
/// base64 (standard and URL-safe, with and without padding).
fn forms(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    let json = serde_json::to_string(secret).unwrap();
    let mut out = vec![
        secret.to_owned(),
        json.trim_matches('"').to_owned(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
    ];
    for engine in [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ] {
        out.push(engine.encode(secret.as_bytes()));
    }
    out
}

/// The exchange answers the credential derivation in a shape the client
/// does not expect, with the derived secrets in it (one with a quote and a
/// backslash, which JSON escapes): the error, the log lines (text and
/// JSON, debug level) and the exit never show any of them in any form; the
/// error names the fields it found.
#[tokio::test(flavor = "multi_thread")]
async fn credentials_echoed_by_the_exchange_never_reach_an_error_or_a_log() {
    let derived_key = "5a1f0c2e-7d3b-4b8e-9f6a-0123456789ab";
    let derived_secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQ_/+=";
    let derived_passphrase = "pa\"ss\\phrase-77e1";
    let exchange = FakeClob::start().await;
    let answer = serde_json::json!({
        "api_key": derived_key,
        "credentials": {"secret": derived_secret, "passphrase": derived_passphrase},
    })
    .to_string();
    exchange.set_auth_answer(Some(&answer));
    for json in ["false", "true"] {
        let mut ploy = Ploy::new()
            .config(&format!(
                "mode = \"live\"\n[exchange]\nclob_url = \"{}\"\nws_url = \"{}\"\ngeoblock_url = \"{}\"\n[strategy]\nmarkets = [\"{}\"]\n",
                exchange.url(),
                exchange.ws_url(),
                exchange.geoblock_url(),
                crate::harness::fake_clob::TOKEN
            ))
            .env("POLYMARKET_PRIVATE_KEY", PRIVATE_KEY)
            .env("PLOY_JSON_LOGS", json)
            .env("RUST_LOG", "debug")
            .spawn();
        let status = ploy.wait(Duration::from_secs(20)).await;
        let logs = ploy.logs();
        assert!(
            status.is_some_and(|s| !s.success()),
            "live mode cannot start without credentials: {status:?}\n{logs}"
        );
        for secret in [derived_key, derived_secret, derived_passphrase, PRIVATE_KEY] {
            for form in forms(secret) {
                assert!(
                    !logs.contains(&form),
                    "{form:?} (a form of a secret) in the output (json={json}):\n{logs}"
                );
            }
        }
        assert!(
            logs.contains("found fields [api_key, credentials]"),
            "the error names what it found: {logs}"
        );
    }
}
