//! The runbook commands against real hosts: `validate-config`, `config
//! push|diff|history`, `daily-check`, `status` and `logs`, with the real
//! `ploy` on real `sshd` hosts, one on a harness-started PostgreSQL and the
//! others on SQLite, and a stand-in for Polymarket's `/time` and geoblock.

use std::path::PathBuf;
use std::process::Child;
use std::time::{Duration, Instant};

use crate::harness::exchange::FakeExchange;
use crate::harness::fleet::{Fleet, FleetHost, HOST_SECRET};
use crate::harness::postgres::PgServer;
use crate::harness::run::{Backend, Ctl, Run};
use crate::harness::{free_port, ploy_bin};

fn ctl(fleet: &Fleet) -> Ctl {
    Ctl::new(fleet, Backend::Openssh)
}

fn no_secret(run: &Run) {
    assert!(
        !run.all().contains(HOST_SECRET),
        "a host secret leaked:\n{}",
        run.all()
    );
}

fn deploy(fleet: &Fleet, hosts: &str) {
    let run = ctl(fleet)
        .args(["deploy", "-H", hosts, "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.0"])
        .run();
    assert_eq!(run.code, 0, "{}", run.all());
}

/// `config push -H host1 --file FILE` with a short proof (1 s window, 8 s to
/// become healthy), and `extra` flags.
fn push(fleet: &Fleet, file: &std::path::Path, extra: &[&str]) -> Run {
    ctl(fleet)
        .args(["config", "push", "-H", "host1"])
        .args(extra)
        .args([
            "--stability-window",
            "1s",
            "--health-timeout",
            "8s",
            "--file",
        ])
        .arg_path(file)
        .run()
}

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn write(fleet: &Fleet, name: &str, text: &str) -> PathBuf {
    let path = fleet.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The host's config as it is, with `extra` appended: a candidate file.
fn candidate(fleet: &Fleet, host: &FleetHost, name: &str, extra: &str) -> PathBuf {
    write(fleet, name, &format!("{}{extra}\n", host.config()))
}

fn host_report(run: &Run, i: usize) -> serde_json::Value {
    run.json()["hosts"][i].clone()
}

fn check_named<'a>(host: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    host["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("no checks: {host}"))
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check: {host}"))
}

fn leftover_candidates(host: &FleetHost) -> Vec<String> {
    std::fs::read_dir(host.path("config"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn validate_config_reports_each_problem_and_installs_nothing() {
    let fleet = Fleet::start(2);
    let exchange = FakeExchange::start();
    let host = fleet.host("host1");
    host.append_config(&exchange.config_lines());
    deploy(&fleet, "host1");

    let good = ctl(&fleet)
        .args(["validate-config", "-H", "host1", "--json"])
        .run();
    assert_eq!(good.code, 0, "{}", good.all());
    no_secret(&good);
    let check = &host_report(&good, 0)["check"];
    assert_eq!(check["ok"], true, "{check}");
    let passphrase = check["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "POLYMARKET_PASSPHRASE")
        .unwrap();
    assert_eq!(
        passphrase["present"], true,
        "the host's .env is read: {check}"
    );
    let ex = &check["connect"]["exchange"];
    assert_eq!(ex["status"], "up", "{check}");
    assert!(ex["clock_skew_ms"].as_i64().unwrap().abs() <= 1_500, "{ex}");
    assert_eq!(check["connect"]["geoblock"]["country"], "IE");

    let before = host.config();
    let cases: [(&str, &str, &str); 5] = [
        ("syntax", "[risk\n", "syntax.toml:"),
        (
            "unknown key",
            "[risk]\nmax_open_order = 3",
            "[risk.max_open_order]",
        ),
        (
            "missing secret",
            "[strategy]\nmarkets = [\"1\"]",
            "✗ secret POLYMARKET_PRIVATE_KEY   missing (required)",
        ),
        (
            "database down",
            &format!(
                "[database]\nurl = \"postgres://ploy@127.0.0.1:{}/x\"\nconnect_timeout = \"1s\"",
                free_port("127.0.0.1")
            ),
            "✗ database",
        ),
        (
            "exchange unreachable",
            "[market_data]\nsource = \"exchange\"",
            "✗ exchange",
        ),
    ];
    for (name, extra, expect) in cases {
        let text = if name == "exchange unreachable" {
            // The candidate trades on an exchange nothing answers for.
            let closed = format!("http://127.0.0.1:{}", free_port("127.0.0.1"));
            before
                .replace(&exchange.url(), &closed)
                .replace("source = \"recording\"", "source = \"exchange\"")
        } else if name == "missing secret" {
            format!("mode = \"live\"\n{before}{extra}\n")
        } else {
            format!("{before}{extra}\n")
        };
        let file_name = format!("{}.toml", name.split(' ').next().unwrap());
        let file = write(&fleet, &file_name, &text);
        let run = ctl(&fleet)
            .args(["validate-config", "-H", "host1", "--file"])
            .arg_path(&file)
            .run();
        assert_eq!(run.code, 1, "{name}: {}", run.all());
        assert!(
            run.stdout.contains(expect),
            "{name}: {expect:?} not in\n{}",
            run.all()
        );
        no_secret(&run);
        assert_eq!(
            host.config(),
            before,
            "{name}: the host's config is untouched"
        );
        assert!(
            leftover_candidates(host).is_empty(),
            "{name}: the candidate is removed"
        );
    }

    // The candidate's own path, line and column, in --json too.
    let file = candidate(&fleet, host, "unknown.toml", "[risk]\nmax_open_order = 3");
    let run = ctl(&fleet)
        .args(["validate-config", "-H", "host1", "--json", "--file"])
        .arg_path(&file)
        .run();
    let problem = &host_report(&run, 0)["check"]["problems"][0];
    assert_eq!(problem["key"], "risk.max_open_order", "{problem}");
    let lines = before.lines().count() + 2;
    assert_eq!(problem["location"], format!("{}:{lines}:1", file.display()));

    // A host with no release says so; the other host is still checked.
    let both = ctl(&fleet)
        .args(["validate-config", "-H", "host1,host2"])
        .run();
    assert_eq!(both.code, 1, "{}", both.all());
    assert!(
        both.stdout.contains("host1            ok"),
        "{}",
        both.all()
    );
    assert!(
        both.stdout
            .contains("no ploy release is installed on this host"),
        "{}",
        both.all()
    );

    // --local: this machine, a given binary, no hosts.
    let local_file = write(
        &fleet,
        "local.toml",
        &format!("{}[risk]\nmax_open_orders = 3\n", exchange.config_lines()),
    );
    let local = ctl(&fleet)
        .args(["validate-config", "--local", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--file"])
        .arg_path(&local_file)
        .run();
    assert_eq!(local.code, 0, "{}", local.all());
    let bad_local = write(
        &fleet,
        "bad-local.toml",
        "[risk]\nmax_open_orders = \"x\"\n",
    );
    let local = ctl(&fleet)
        .args(["validate-config", "--local", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--file"])
        .arg_path(&bad_local)
        .run();
    assert_eq!(local.code, 1, "{}", local.all());
    assert!(
        local.stdout.contains("bad-local.toml:2:19"),
        "{}",
        local.all()
    );
    no_secret(&local);
}

#[test]
fn config_push_proves_the_new_file_or_puts_the_old_one_back() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    deploy(&fleet, "host1");
    let original = host.config();

    let good = candidate(&fleet, host, "good.toml", "[risk]\nmax_open_orders = 7");
    let diff = ctl(&fleet)
        .args(["config", "diff", "-H", "host1", "--file"])
        .arg_path(&good)
        .run();
    assert_eq!(diff.code, 0, "{}", diff.all());
    assert!(
        diff.stdout.contains("+max_open_orders = 7"),
        "{}",
        diff.all()
    );

    let pushed = push(&fleet, &good, &[]);
    assert_eq!(pushed.code, 0, "{}", pushed.all());
    assert_eq!(host.config(), std::fs::read_to_string(&good).unwrap());
    assert!(host.health().is_some_and(|(s, _)| s == 200));
    let kept: Vec<_> = std::fs::read_dir(host.path("config/history"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read_to_string(kept[0].path()).unwrap(), original);
    assert_eq!(host.audit().last().unwrap()["action"], "config-push");
    assert_eq!(host.audit().last().unwrap()["outcome"], "success");
    assert!(host.guard_settled());

    // The same file again changes nothing and restarts nothing.
    let again = push(&fleet, &good, &[]);
    assert_eq!(again.code, 0, "{}", again.all());
    assert!(
        again.stderr.contains("the host already has this config"),
        "{}",
        again.all()
    );

    // A file the release accepts but that leaves /health unanswered (ploy
    // moves to another port): put back by the guard, exit 3.
    let good_text = host.config();
    let other_port = good_text.replace(
        &format!("127.0.0.1:{}", host.http_port),
        &format!("127.0.0.1:{}", free_port("127.0.0.1")),
    );
    let bad = write(&fleet, "bad.toml", &other_port);
    let warned = ctl(&fleet)
        .args(["validate-config", "-H", "host1", "--file"])
        .arg_path(&bad)
        .run();
    assert_eq!(warned.code, 0, "the release accepts it: {}", warned.all());
    assert!(
        warned
            .stderr
            .contains("ployctl would not find /health after a restart"),
        "{}",
        warned.all()
    );
    let put_back = push(&fleet, &bad, &["--json"]);
    assert_eq!(put_back.code, 3, "{}", put_back.all());

    let report = host_report(&put_back, 0);
    assert_eq!(report["outcome"], "rolled_back");
    assert!(
        report["warnings"][0]
            .as_str()
            .unwrap_or_default()
            .contains("ployctl would not find /health"),
        "{report:#}"
    );
    assert!(report["guard"]["config_backup"].is_string(), "{report}");
    assert!(
        !report["log_tail"].as_array().unwrap().is_empty(),
        "the log tail comes with it"
    );
    assert_eq!(host.config(), good_text, "the old config is back");
    assert!(host.health().is_some_and(|(s, _)| s == 200), "and healthy");
    let actions: Vec<String> = host
        .audit()
        .iter()
        .map(|a| a["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        actions.ends_with(&["guard-config-putback".to_owned(), "config-push".to_owned()]),
        "{actions:?}"
    );

    // A file the release refuses changes nothing.
    let refused = candidate(&fleet, host, "refused.toml", "[risk]\nmax_open_order = 1");
    let run = push(&fleet, &refused, &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.all().contains("nothing was changed"), "{}", run.all());
    assert_eq!(host.config(), good_text);
    assert!(leftover_candidates(host).is_empty());

    let history = ctl(&fleet).args(["config", "history", "-H", "host1"]).run();
    assert_eq!(history.code, 0, "{}", history.all());
    assert!(
        history.stdout.contains("guard-config-putback rolled_back"),
        "{}",
        history.all()
    );
    assert_eq!(
        history.stdout.matches(".toml  ").count(),
        2,
        "{}",
        history.all()
    );
}

#[test]
fn a_killed_config_push_is_put_back_by_the_guard() {
    let fleet = Fleet::start(1);
    let host = fleet.host("host1");
    deploy(&fleet, "host1");
    let original = host.config();
    let new = candidate(&fleet, host, "new.toml", "[risk]\nmax_open_orders = 9");
    let new_text = std::fs::read_to_string(&new).unwrap();
    let mut child: Child = ctl(&fleet)
        .args([
            "config",
            "push",
            "-H",
            "host1",
            "--stability-window",
            "30s",
            "--file",
        ])
        .arg_path(&new)
        .spawn(fleet.dir.path(), "killed");
    // Killed after the switch, while it proves the new file.
    wait_for("the new config in place", Duration::from_secs(30), || {
        host.config() == new_text
    });
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    wait_for(
        "the guard to put the old config back",
        Duration::from_secs(30),
        || host.guard_settled() && host.config() == original,
    );
    wait_for("healthy again", Duration::from_secs(20), || {
        host.health().is_some_and(|(s, _)| s == 200)
    });
    // The same command again finishes the job.
    let again = push(&fleet, &new, &[]);
    assert_eq!(again.code, 0, "{}", again.all());
    assert_eq!(host.config(), new_text);
}

/// Three hosts: one on PostgreSQL, one on SQLite, one that is down.
#[test]
fn daily_check_judges_each_host_and_reports_the_unreachable_one() {
    let mut fleet = Fleet::start(3);
    let mut pg = PgServer::start();
    fleet.write_inventory("[checks]\ndisk_free_warn = 1\ndisk_free_fail = 0");
    let exchange = FakeExchange::start();
    let db_url = pg.url("daily", Some("daily-db-pw-71c2"));
    for host in &fleet.hosts {
        host.append_config(&exchange.config_lines());
    }
    fleet
        .host("host1")
        .append_env(&format!("DATABASE_URL={db_url}"));
    deploy(&fleet, "host1,host2");
    fleet.host_mut("host3").stop_sshd();
    // Both have a verified backup: PostgreSQL's is a pg_dump, drilled in a
    // scratch database of the same server.
    let backed_up = ctl(&fleet)
        .args(["backup", "-H", "host1,host2", "--verify"])
        .run();
    assert_eq!(backed_up.code, 0, "{}", backed_up.all());

    let run = ctl(&fleet)
        .args(["daily-check", "--json", "-H", "host1,host2,host3"])
        .run();
    assert_eq!(run.code, 7, "host3 cannot be reached:\n{}", run.all());
    no_secret(&run);
    assert!(!run.all().contains("daily-db-pw-71c2"), "{}", run.all());
    for i in 0..2 {
        let host = host_report(&run, i);
        assert_eq!(host["status"], "ok", "{host:#}");
        assert_eq!(host["outcome"], "success");
        assert_eq!(check_named(&host, "service")["status"], "ok");
        assert_eq!(check_named(&host, "exchange")["status"], "ok");
        assert_eq!(check_named(&host, "geoblock")["value"], "served (IE)");
        assert!(
            check_named(&host, "orders")["value"]
                .as_str()
                .unwrap()
                .contains("open"),
            "{host}"
        );
    }
    let down = host_report(&run, 2);
    assert_eq!(down["outcome"], "connection_error", "{down}");
    assert_snapshot_json("daily-check.json", &run.stdout);

    // Errors in the log, a halted kill switch, a full disk by threshold.
    let host2 = fleet.host("host2");
    let now = chrono_like_now();
    host2.append_log(&format!(
        "{now} ERROR ploy::execution: post failed: 503 from the exchange"
    ));
    host2.append_log(&format!(r#"{{"timestamp":"{now}","level":"ERROR","fields":{{"message":"json error line"}},"target":"ploy"}}"#));
    assert_eq!(host2.set_trading_state("halted"), Some(200));
    let mut inventory = std::fs::read_to_string(fleet.dir.path().join("ployctl.toml")).unwrap();
    inventory.push_str("\n[hosts.host2.checks]\ndisk_free_warn = 99\ndisk_free_fail = 99\n");
    std::fs::write(fleet.dir.path().join("ployctl.toml"), inventory).unwrap();
    let run = ctl(&fleet)
        .args(["daily-check", "--json", "-H", "host2"])
        .run();
    assert_eq!(run.code, 1, "the disk check fails:\n{}", run.all());
    let host = host_report(&run, 0);
    let errors = check_named(&host, "errors");
    assert_eq!(errors["status"], "warn", "{errors}");
    assert!(
        errors["value"]
            .as_str()
            .unwrap()
            .starts_with("2 error lines"),
        "{errors}"
    );
    assert!(
        errors["lines"][0].as_str().unwrap().contains("post failed"),
        "{errors}"
    );
    let kill = check_named(&host, "kill_switch");
    assert_eq!(kill["status"], "warn");
    assert!(
        kill["value"].as_str().unwrap().starts_with("halted since"),
        "{kill}"
    );
    assert_eq!(check_named(&host, "disk")["status"], "fail");
    assert_eq!(
        check_named(&host, "disk")["threshold"],
        "warn < 99%, fail < 99%"
    );

    // The host's clock 10 s behind the exchange's; Polymarket not serving it.
    exchange.set_clock_offset(10);
    exchange.set_blocked(true);
    let run = ctl(&fleet)
        .args(["daily-check", "--json", "-H", "host2"])
        .run();
    let host = host_report(&run, 0);
    assert_eq!(check_named(&host, "clock")["status"], "fail", "{host}");
    assert_eq!(
        check_named(&host, "geoblock")["status"],
        "warn",
        "paper does not trade on it: {host}"
    );
    exchange.set_clock_offset(0);
    exchange.set_blocked(false);

    // Markdown (and, under GitHub Actions, the job summary).
    let summary = fleet.dir.path().join("summary.md");
    let md = ctl(&fleet)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary.display().to_string())
        .args(["daily-check", "--markdown", "-H", "host2"])
        .run();
    assert_eq!(md.code, 1, "{}", md.all());
    assert!(
        md.stdout
            .contains("## ployctl daily-check (last 24h)\n\n### host2 — fail"),
        "{}",
        md.all()
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.contains("| ✗ | disk | fail |"), "{written}");
    assert!(
        written.contains("post failed"),
        "the error lines come along: {written}"
    );
    assert_snapshot_markdown("daily-check.md", &written);

    // A stopped service: the views still answer from the database.
    host2.stop_ploy();
    let run = ctl(&fleet)
        .args(["daily-check", "--json", "-H", "host2"])
        .run();
    assert_eq!(run.code, 1, "{}", run.all());
    let host = host_report(&run, 0);
    assert_eq!(check_named(&host, "service")["status"], "fail");
    assert_eq!(check_named(&host, "health")["status"], "fail");
    assert_eq!(check_named(&host, "orders")["status"], "ok", "{host}");
    assert_eq!(
        check_named(&host, "kill_switch")["value"]
            .as_str()
            .map(|v| v.starts_with("halted")),
        Some(true),
        "from the saved history: {host}"
    );

    // The database down: a failed check, not a crash.
    pg.stop();
    let run = ctl(&fleet)
        .args(["daily-check", "--json", "-H", "host1"])
        .run();
    assert_eq!(run.code, 1, "{}", run.all());
    no_secret(&run);
    assert!(!run.all().contains("daily-db-pw-71c2"), "{}", run.all());
    let host = host_report(&run, 0);
    assert_eq!(check_named(&host, "database")["status"], "fail", "{host}");
    assert_eq!(check_named(&host, "health")["status"], "fail", "{host}");
}

/// Now as the engine's logs write it (RFC 3339, UTC, microseconds).
fn chrono_like_now() -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%S.%6NZ"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn status_and_logs_on_two_hosts() {
    let fleet = Fleet::start(2);
    deploy(&fleet, "host1,host2");
    let status = ctl(&fleet).args(["status", "-H", "host1,host2"]).run();
    assert_eq!(status.code, 0, "{}", status.all());
    let rows: Vec<&str> = status.stdout.lines().collect();
    assert!(rows[0].starts_with("HOST"), "{}", status.all());
    for (row, name) in rows[1..].iter().zip(["host1", "host2"]) {
        assert!(
            row.starts_with(name)
                && row.contains("1.0.0")
                && row.contains("healthy")
                && row.contains("paper")
                && row.contains("active"),
            "{row}"
        );
    }
    let json = ctl(&fleet).args(["status", "--json", "-H", "host1"]).run();
    assert_eq!(host_report(&json, 0)["mode"], "paper", "{}", json.all());

    let host1 = fleet.host("host1");
    let now = chrono_like_now();
    host1.append_log(&format!(r#"{{"timestamp":"{now}","level":"ERROR","fields":{{"message":"rendered from json","order":"o-1"}},"target":"ploy::x"}}"#));
    host1.append_log("::error::injected workflow command");
    let logs = ctl(&fleet)
        .args(["logs", "-H", "host1,host2", "--since", "1h"])
        .run();
    assert_eq!(logs.code, 0, "{}", logs.all());
    assert!(
        logs.stdout.contains("[host1] ") && logs.stdout.contains("[host2] "),
        "{}",
        logs.all()
    );
    assert!(
        logs.stdout
            .lines()
            .any(|l| l.starts_with("[host2] ") && l.contains("starting ploy")),
        "{}",
        logs.all()
    );
    assert!(
        logs.stdout.contains(&format!(
            "[host1] {now} ERROR ploy::x: rendered from json order=o-1"
        )),
        "{}",
        logs.all()
    );
    no_secret(&logs);

    let errors = ctl(&fleet)
        .args(["logs", "-H", "host1", "--level", "error"])
        .run();
    assert_eq!(errors.stdout.lines().count(), 1, "{}", errors.all());
    let raw = ctl(&fleet)
        .args(["logs", "-H", "host1", "--grep", "rendered", "--raw"])
        .run();
    assert!(raw.stdout.starts_with("{\"timestamp\""), "{}", raw.all());

    // Under GitHub Actions the log text is fenced.
    let fenced = ctl(&fleet)
        .env("GITHUB_ACTIONS", "true")
        .args(["logs", "-H", "host1"])
        .run();
    let stop = fenced
        .stdout
        .find("::stop-commands::")
        .expect("fence opens");
    let injected = fenced
        .stdout
        .find("::error::injected")
        .expect("the line is shown");
    let token = fenced.stdout[stop + 17..]
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let resume = fenced
        .stdout
        .find(&format!("::{token}::"))
        .expect("fence closes");
    assert!(stop < injected && injected < resume, "{}", fenced.all());

    // -f follows until interrupted.
    let mut follow = ctl(&fleet)
        .args(["logs", "-f", "-H", "host1", "--grep", "followed-line"])
        .spawn(fleet.dir.path(), "follow");
    std::thread::sleep(Duration::from_millis(1500));
    host1.append_log(&format!("{} INFO ploy: followed-line", chrono_like_now()));
    let out = fleet.dir.path().join("follow.out");
    wait_for("the followed line", Duration::from_secs(15), || {
        std::fs::read_to_string(&out)
            .unwrap_or_default()
            .contains("followed-line")
    });
    let _ = std::process::Command::new("kill")
        .args(["-INT", &follow.id().to_string()])
        .status();
    let status = follow.wait().unwrap();
    assert_eq!(status.code(), Some(130), "Ctrl-C ends -f");
}

fn normalize_json(text: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, val) in map.iter_mut() {
                    match k.as_str() {
                        "value" | "threshold" | "destination" | "current" | "running"
                        | "duration_ms" | "ms" | "detail" | "ployctl_version" => {
                            *val = serde_json::Value::String(format!("[{}]", k.to_uppercase()));
                        },
                        "lines" => *val = serde_json::json!(["[LINES]"]),
                        _ => walk(val),
                    }
                }
            },
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {},
        }
    }
    walk(&mut v);
    let mut text = serde_json::to_string_pretty(&v).unwrap();
    text = regex_lite::Regex::new(r#""(reason|hint)": "[^"]*""#)
        .unwrap()
        .replace_all(&text, "\"$1\": \"[$1]\"")
        .into_owned();
    text.push('\n');
    text
}

fn assert_snapshot_json(name: &str, text: &str) {
    crate::output::assert_snapshot(name, &normalize_json(text));
}

/// The Markdown with each check's value and threshold cells, host names and
/// the error lines replaced: the format is what the snapshot holds.
fn assert_snapshot_markdown(name: &str, text: &str) {
    let mut out = String::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            out.push_str(line);
        } else if in_code {
            out.push_str("[LINE]");
        } else if line.starts_with("| ") && !line.starts_with("| |") {
            let cells: Vec<&str> = line.split(" | ").collect();
            if cells.len() >= 5 {
                out.push_str(&format!(
                    "{} | {} | {} | [VALUE] | [THRESHOLD] |",
                    cells[0], cells[1], cells[2]
                ));
            } else {
                out.push_str(line);
            }
        } else if line.starts_with("release ") {
            out.push_str("release [RELEASE]");
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    crate::output::assert_snapshot(name, &out);
}
