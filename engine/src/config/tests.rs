//! Table tests of configuration loading: every bad input gives its own located error.

use std::path::Path;

use super::*;

const KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

fn check(source: &str, env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    load_from_str(
        source,
        Some(Path::new("/etc/ploy/config.toml")),
        &Env::from_pairs(env.iter().copied()),
    )
}

fn problems(source: &str, env: &[(&str, &str)]) -> Vec<String> {
    match check(source, env) {
        Ok(_) => panic!("expected problems for {source:?}"),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn empty_config_gives_safe_defaults() {
    let s = check("", &[]).unwrap();
    assert_eq!(s.config.mode, Mode::Paper);
    assert_eq!(s.config.server.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(s.database_url.expose(), DEFAULT_DATABASE_URL);
    assert_eq!(s.config.server.shutdown_timeout.as_secs(), 10);
}

#[test]
fn bad_inputs_each_give_their_own_located_error() {
    // (name, config text, env, expected fragments of the single problem)
    let cases: &[(&str, &str, &[(&str, &str)], &[&str])] = &[
        (
            "syntax",
            "mode = \"paper\"\n[server\nbind = 1\n",
            &[],
            &["config.toml:2:", "TOML syntax error"],
        ),
        (
            "unknown key",
            "[server]\nbindd = \"127.0.0.1:1\"\n",
            &[],
            &[
                "config.toml:2:1",
                "server.bindd",
                "unknown field `bindd`",
                "expected `bind`",
            ],
        ),
        (
            "heartbeat interval beyond the exchange's limit",
            "[exchange]\nheartbeat_interval = \"10s\"\n",
            &[],
            &[
                "config.toml:2:",
                "exchange.heartbeat_interval",
                "10s is out of range",
                "1s to 8s",
            ],
        ),
        (
            "unknown section",
            "[exchnage]\nchain_id = 137\n",
            &[],
            &["config.toml:1:2", "exchnage", "unknown field"],
        ),
        (
            "wrong type",
            "[risk]\nmax_open_orders = \"ten\"\n",
            &[],
            &[
                "config.toml:2:19",
                "risk.max_open_orders",
                "invalid type: string \"ten\"",
            ],
        ),
        (
            "bad enum",
            "mode = \"yolo\"\n",
            &[],
            &["config.toml:1:8", "mode", "unknown variant `yolo`"],
        ),
        (
            "bad url",
            "[exchange]\nclob_url = \"not a url\"\n",
            &[],
            &[
                "config.toml:2:12",
                "exchange.clob_url",
                "relative URL without a base",
            ],
        ),
        (
            "wrong url scheme",
            "[exchange]\nclob_url = \"ftp://clob.polymarket.com\"\n",
            &[],
            &[
                "config.toml:2:12",
                "exchange.clob_url",
                "expected an http(s) URL",
            ],
        ),
        (
            "bad duration",
            "[server]\nshutdown_timeout = \"soon\"\n",
            &[],
            &[
                "config.toml:2:20",
                "server.shutdown_timeout",
                "invalid duration \"soon\"",
            ],
        ),
        (
            "bad bind",
            "[server]\nbind = \"localhost\"\n",
            &[],
            &["config.toml:2:8", "server.bind", "host:port"],
        ),
        (
            "live without key",
            "mode = \"live\"\n[strategy]\nmarkets = [\"1\"]\n",
            &[],
            &["POLYMARKET_PRIVATE_KEY", "live mode needs the signing key"],
        ),
        (
            "secret in file",
            "[exchange]\nprivate_key = \"0x00\"\n",
            &[],
            &[
                "config.toml:2:1",
                "unknown field `private_key`",
                "read only from the environment",
            ],
        ),
        (
            "password in file",
            "[database]\nurl = \"postgres://ploy:pw@db/ploy\"\n",
            &[],
            &[
                "config.toml:2:7",
                "database.url",
                "holds a password",
                "DATABASE_URL",
            ],
        ),
        (
            "bad env override",
            "",
            &[("PLOY_SERVER__BIND", "nope")],
            &["environment variable PLOY_SERVER__BIND", "server.bind"],
        ),
        (
            "unknown env override",
            "",
            &[("PLOY_SERVER__BINDD", "127.0.0.1:1")],
            &[
                "environment variable PLOY_SERVER__BINDD",
                "unknown field `bindd`",
            ],
        ),
        (
            "bad database url",
            "",
            &[("DATABASE_URL", "mysql://db/ploy")],
            &[
                "environment variable DATABASE_URL",
                "unsupported database URL",
            ],
        ),
        (
            "bad private key",
            "",
            &[("POLYMARKET_PRIVATE_KEY", "0x1234")],
            &["POLYMARKET_PRIVATE_KEY", "expected 64 hex digits"],
        ),
    ];
    for (name, source, env, fragments) in cases {
        let found = problems(source, env);
        assert_eq!(
            found.len(),
            1,
            "{name}: expected one problem, got {found:#?}"
        );
        for fragment in *fragments {
            assert!(
                found[0].contains(fragment),
                "{name}: {fragment:?} not in {:?}",
                found[0]
            );
        }
        assert!(
            found[0].contains("hint:"),
            "{name}: no hint in {:?}",
            found[0]
        );
    }
}

#[test]
fn every_problem_is_listed_at_once() {
    let source = "\
mode = \"live\"
[server]
bind = \"nowhere\"
colour = \"blue\"
[risk]
max_open_orders = -1
max_position_per_market = \"0\"
[exchange]
clob_url = \"gopher://x\"
[strategy]
markets = [\"1\"]
";
    let found = problems(source, &[]);
    let joined = found.join("\n");
    for fragment in [
        "config.toml:3:8: server.bind",
        "config.toml:4:1: server.colour",
        "config.toml:6:19: risk.max_open_orders",
        "config.toml:7:27: risk.max_position_per_market",
        "config.toml:9:12: exchange.clob_url",
        "POLYMARKET_PRIVATE_KEY",
    ] {
        assert!(
            joined.contains(fragment),
            "{fragment:?} missing from:\n{joined}"
        );
    }
    assert_eq!(found.len(), 6, "{joined}");
}

#[test]
fn env_overrides_file_values() {
    let s = check(
        "mode = \"paper\"\n[server]\nbind = \"127.0.0.1:9000\"\n",
        &[
            ("PLOY_SERVER__BIND", "127.0.0.1:9100"),
            ("PLOY_HEALTH__MAX_QUEUE_DEPTH", "7"),
            ("PLOY_MODE", "paper"),
        ],
    )
    .unwrap();
    assert_eq!(s.config.server.bind.port(), 9100);
    assert_eq!(s.config.health.max_queue_depth, 7);
}

#[test]
fn env_array_override_errors_point_at_the_variable() {
    let found = problems("", &[("PLOY_STRATEGY__MARKETS", "[1, 2]")]);
    assert!(
        found[0].starts_with("environment variable PLOY_STRATEGY__MARKETS"),
        "{found:?}"
    );
}

#[test]
fn live_mode_with_key_is_accepted_and_key_is_hidden() {
    let s = check(
        "mode = \"live\"\n[strategy]\nmarkets = [\"1\"]\n",
        &[("POLYMARKET_PRIVATE_KEY", KEY)],
    )
    .unwrap();
    assert_eq!(s.config.mode, Mode::Live);
    let debug = format!("{s:?}");
    assert!(
        !debug.contains(&KEY[2..]),
        "private key leaked into Debug: {debug}"
    );
}

#[test]
fn secret_values_are_scrubbed_from_problems() {
    // A config that (wrongly) echoes the key into a typed field.
    let source = format!("mode = \"{KEY}\"\n");
    let found = problems(&source, &[("POLYMARKET_PRIVATE_KEY", KEY)]);
    let joined = found.join("\n");
    assert!(!joined.contains(&KEY[2..]), "{joined}");
    assert!(joined.contains("[redacted]"), "{joined}");
}

#[test]
fn partly_set_api_credentials_are_refused_in_live_mode() {
    let found = problems(
        "mode = \"live\"\n[strategy]\nmarkets = [\"1\"]\n",
        &[("POLYMARKET_PRIVATE_KEY", KEY), ("POLYMARKET_API_KEY", "k")],
    );
    assert!(
        found[0].contains("POLYMARKET_SECRET, POLYMARKET_PASSPHRASE"),
        "{found:?}"
    );
}

#[test]
fn live_mode_needs_markets() {
    let found = problems("mode = \"live\"\n", &[("POLYMARKET_PRIVATE_KEY", KEY)]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("strategy.markets: live trading needs the token IDs to quote"),
        "{found:?}"
    );
}

#[test]
fn the_config_template_is_valid_and_matches_the_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates/config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let settings = load_from_str(&text, Some(&path), &Env::empty())
        .unwrap_or_else(|e| panic!("templates/config.toml: {e}"));
    let defaults = check("", &[]).unwrap().config;
    // Every value written in the template is the built-in default.
    assert_eq!(format!("{:?}", settings.config), format!("{defaults:?}"));
}
