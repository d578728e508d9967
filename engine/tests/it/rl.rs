//! The `rl` feature end to end, through the real `ploy` binary:
//!
//! - **it learns**: trained on synthetic sessions 1–20 (calm and toxic
//!   stretches), the policy beats the best fixed half-spread of the training
//!   set on at least 15 of the 20 held-out sessions 101–120; trained on the
//!   calm-only control, it stays within 5% of the best fixed spread there;
//! - the same seed and files give a byte-identical model and eval report
//!   (another seed, another model);
//! - `ploy replay --policy` and a paper run with `strategy.policy =
//!   "bandit"` quote with its choices (`ploy_policy_half_spread_ticks`),
//!   within `strategy.policy_max_ticks`; `check-config` refuses a bandit
//!   policy with no model or a broken one, naming where.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::harness::process::Ploy;

/// Inventory bounded as a small account would run it.
const CONFIG: &str = "[risk]\nmax_position_per_market = \"15\"\n";

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn ok(ploy: &Ploy, args: &[&str]) -> String {
    let (code, out, err) = ploy.output(args);
    assert_eq!(code, 0, "ploy {args:?}: {err}");
    out
}

fn generate(ploy: &Ploy, dir: &Path, seeds: &str, control: bool) {
    let dir = dir.display().to_string();
    let mut args = vec!["rl", "generate", "--out", &dir, "--seeds", seeds];
    if control {
        args.push("--control");
    }
    ok(ploy, &args);
}

fn train(ploy: &Ploy, recordings: &Path, seed: u64, out: &Path) -> Vec<u8> {
    ok(
        ploy,
        &[
            "rl",
            "train",
            "--recordings",
            &recordings.display().to_string(),
            "--seed",
            &seed.to_string(),
            "--out",
            &out.display().to_string(),
        ],
    );
    std::fs::read(out).unwrap()
}

fn eval(ploy: &Ploy, model: &Path, recordings: &Path) -> (serde_json::Value, String) {
    let text = ok(
        ploy,
        &[
            "rl",
            "eval",
            "--model",
            &model.display().to_string(),
            "--recordings",
            &recordings.display().to_string(),
            "--json",
        ],
    );
    (json(&text), text)
}

/// The fixed arm with the highest total P&L in a report.
fn best_fixed(report: &serde_json::Value) -> (u64, f64) {
    report["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["ticks"].as_u64().unwrap(),
                e["pnl"].as_str().unwrap().parse::<f64>().unwrap(),
            )
        })
        .fold(
            (0, f64::NEG_INFINITY),
            |best, x| if x.1 > best.1 { x } else { best },
        )
}

fn pnl(v: &serde_json::Value) -> f64 {
    v["pnl"].as_str().unwrap().parse().unwrap()
}

#[test]
fn it_learns_to_beat_the_best_fixed_spread_on_sessions_it_never_saw() {
    let ploy = Ploy::new().config(CONFIG);
    let dir = ploy.dir().to_owned();
    let (training, held_out) = (dir.join("train"), dir.join("held-out"));
    generate(&ploy, &training, "1-20", false);
    generate(&ploy, &held_out, "101-120", false);
    let model = dir.join("model.json");
    train(&ploy, &training, 1, &model);

    // The best fixed spread, chosen on the training set.
    let (on_training, _) = eval(&ploy, &model, &training);
    let (best, _) = best_fixed(&on_training);
    let (report, _) = eval(&ploy, &model, &held_out);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 20);
    let wins = files
        .iter()
        .filter(|f| {
            let fixed = f["fixed"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["ticks"].as_u64() == Some(best))
                .unwrap();
            pnl(&f["policy"]) > pnl(fixed)
        })
        .count();
    assert!(
        wins >= 15,
        "the policy beats the training set's best fixed spread ({best} ticks) on {wins} of 20 held-out files:\n{report:#}"
    );
    // It switches: both the tightest and a wide spread are chosen.
    let chose: std::collections::BTreeSet<String> = files
        .iter()
        .flat_map(|f| f["choices"].as_object().unwrap().keys().cloned())
        .collect();
    assert!(chose.len() >= 2, "{chose:?}");
    // The bootstrap interval of the edge over that spread is above zero.
    let edge = report["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ticks"].as_u64() == Some(best))
        .unwrap();
    let low: f64 = edge["edge_ci95"][0].as_str().unwrap().parse().unwrap();
    assert!(low > 0.0, "{edge:#}");

    // The single-regime control: no better spread to switch to; the policy
    // stays within 5% of the best fixed one.
    let (control_train, control_held) = (dir.join("control-train"), dir.join("control-held-out"));
    generate(&ploy, &control_train, "1-20", true);
    generate(&ploy, &control_held, "101-120", true);
    let control_model = dir.join("control.json");
    train(&ploy, &control_train, 1, &control_model);
    let (control, _) = eval(&ploy, &control_model, &control_held);
    let (ticks, best_pnl) = best_fixed(&control);
    let policy = pnl(&control["policy"]);
    assert!(
        best_pnl > 0.0 && policy >= best_pnl * 0.95,
        "policy {policy} against the best fixed ({ticks} ticks) {best_pnl}:\n{control:#}"
    );
}

#[test]
fn the_same_seed_and_files_give_the_same_model_and_report() {
    let ploy = Ploy::new().config(CONFIG);
    let dir = ploy.dir().to_owned();
    let sessions = dir.join("sessions");
    generate(&ploy, &sessions, "1-4", false);
    let a = train(&ploy, &sessions, 7, &dir.join("a.json"));
    let b = train(&ploy, &sessions, 7, &dir.join("b.json"));
    assert!(a == b, "two trainings with seed 7 differ");
    let c = train(&ploy, &sessions, 8, &dir.join("c.json"));
    assert!(a != c, "the seed changes nothing");
    let (_, first) = eval(&ploy, &dir.join("a.json"), &sessions);
    let (_, second) = eval(&ploy, &dir.join("a.json"), &sessions);
    assert_eq!(first, second);
    let model = json(&String::from_utf8(a).unwrap());
    assert_eq!(model["seed"], 7);
    assert_eq!(model["arms_ticks"], serde_json::json!([1, 2, 3, 4]));
    assert_eq!(
        model["trained_on"].as_array().unwrap().len(),
        4,
        "{}",
        model["trained_on"]
    );
}

fn trained_model(ploy: &Ploy) -> (PathBuf, PathBuf) {
    let dir = ploy.dir().to_owned();
    let sessions = dir.join("sessions");
    generate(ploy, &sessions, "1-6", false);
    let model = dir.join("model.json");
    train(ploy, &sessions, 1, &model);
    (model, sessions.join("synthetic-001.jsonl"))
}

#[tokio::test(flavor = "multi_thread")]
async fn replays_and_paper_runs_quote_with_the_policys_choices() {
    let setup = Ploy::new().config(CONFIG);
    let (model, recording) = trained_model(&setup);
    let model_text = model.display().to_string();

    // Replay with the policy: its choices are said, and the report differs
    // from a fixed half-spread's.
    let (code, with_policy, err) = setup.output(&[
        "replay",
        &recording.display().to_string(),
        "--policy",
        &model_text,
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("half-spreads chosen"), "{err}");
    let (_, fixed, _) = setup.output(&["replay", &recording.display().to_string(), "--json"]);
    assert_ne!(json(&with_policy)["total_pnl"], json(&fixed)["total_pnl"]);

    // A paper run with policy = "bandit", bounded at 3 ticks.
    let setup = setup.config(&format!(
        "[strategy]\npolicy = \"bandit\"\npolicy_model = \"{model_text}\"\npolicy_max_ticks = 3\n\
         [market_data]\nsource = \"recording\"\nrecording = \"{}\"\nrecording_speed = 50\n",
        recording.display()
    ));
    let (code, _, err) = setup.output(&["check-config"]);
    assert_eq!(code, 0, "{err}");
    let mut ploy = setup.spawn();
    ploy.ready(Duration::from_secs(20)).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let chosen = loop {
        let metrics = ploy.metrics().await;
        let line = metrics
            .lines()
            .find(|l| l.starts_with("ploy_policy_half_spread_ticks{"))
            .map(str::to_owned);
        if let Some(line) = line {
            break line;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no choice shown:\n{metrics}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let ticks: u32 = chosen.rsplit(' ').next().unwrap().parse().unwrap();
    assert!((1..=3).contains(&ticks), "{chosen}");
    let (status, health) = ploy.health().await;
    assert_eq!(status, 200, "{health:#}");
    ploy.signal("TERM");
    assert!(ploy.wait(Duration::from_secs(15)).await.is_some());
}

#[test]
fn check_config_refuses_a_bandit_policy_without_a_usable_model() {
    let setup = Ploy::new().config("[strategy]\npolicy = \"bandit\"\n");
    let (code, _, err) = setup.output(&["check-config"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("config.toml:") && err.contains("needs strategy.policy_model"),
        "{err}"
    );
    let broken = setup.dir().join("broken.json");
    std::fs::write(&broken, "{\"format\": 1}").unwrap();
    let setup = Ploy::new().config(&format!(
        "[strategy]\npolicy = \"bandit\"\npolicy_model = \"{}\"\n",
        broken.display()
    ));
    let (code, _, err) = setup.output(&["check-config"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("broken.json") && err.contains("not a bandit model"),
        "{err}"
    );
}

/// Live against the fake CLOB (real L2 HMACs, real EIP-712 signatures):
/// the policy's half-spread, bounded at 2 ticks, is the one the first bid
/// is posted at, and a shutdown leaves nothing resting.
#[tokio::test(flavor = "multi_thread")]
async fn a_live_run_posts_at_the_policys_half_spread() {
    use crate::harness::fake_clob::{FakeClob, API_KEY, API_SECRET, PASSPHRASE, TOKEN};
    let fake = FakeClob::start().await;
    let trainer = Ploy::new().config(CONFIG);
    let (model, _) = trained_model(&trainer);
    let setup = Ploy::new()
        .config(&format!(
            "mode = \"live\"\n\
             [exchange]\nclob_url = \"{}\"\nws_url = \"{}\"\nrequest_timeout = \"1s\"\n\
             [market_data]\npoll_interval = \"300ms\"\n\
             [strategy]\nmarkets = [\"{TOKEN}\"]\norder_size = \"5\"\n\
             policy = \"bandit\"\npolicy_model = \"{}\"\npolicy_max_ticks = 2\n\
             [risk]\nmax_orders_per_minute = 600\n",
            fake.url(),
            fake.ws_url(),
            model.display()
        ))
        .env(
            "POLYMARKET_PRIVATE_KEY",
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        )
        .env("POLYMARKET_API_KEY", API_KEY)
        .env("POLYMARKET_SECRET", API_SECRET)
        .env("POLYMARKET_PASSPHRASE", PASSPHRASE);
    let mut ploy = setup.spawn();
    ploy.ready(Duration::from_secs(20)).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let (ticks, bid) = loop {
        let metrics = ploy.metrics().await;
        let chosen = metrics
            .lines()
            .find(|l| l.starts_with("ploy_policy_half_spread_ticks{"))
            .and_then(|l| l.rsplit(' ').next()?.parse::<i64>().ok());
        let bid = fake
            .ledger()
            .into_iter()
            .find(|o| o.side == "BUY" && o.status == "LIVE");
        if let (Some(ticks), Some(bid)) = (chosen, bid) {
            break (ticks, bid);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no quote at a chosen spread:\n{metrics}\n{:?}",
            fake.ledger()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!((1..=2).contains(&ticks), "{ticks}");
    // The fake's book is 0.48 / 0.52: the mid is 0.50, flat inventory.
    assert_eq!(
        bid.price,
        rust_decimal::Decimal::new(50 - ticks, 2),
        "posted at the policy's {ticks} tick(s) from the mid"
    );
    assert!(fake.refused_auth().is_empty(), "{:?}", fake.refused_auth());
    ploy.signal("TERM");
    assert!(ploy.wait(Duration::from_secs(15)).await.is_some());
    assert!(
        fake.ledger().iter().all(|o| o.status != "LIVE"),
        "a shutdown leaves nothing resting: {:?}",
        fake.ledger()
    );
}
