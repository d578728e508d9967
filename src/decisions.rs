//! The deploy's decisions as pure functions: what the preflight's findings
//! forbid, whether to deploy at all once the host's state is known (and what
//! to adopt and fall back to), and what to do once the proof is in. The
//! commands carry them out; these are unit-tested on their own.

use crate::exit::Outcome;
use crate::health::Probe;
use crate::inventory::ServiceKind;
use crate::remote::guard::GuardResult;
use crate::remote::ledger::Standing;
use crate::remote::lock::LockInfo;
use crate::remote::release::{self, ReleaseEntry};
use crate::remote::state::HostState;
use crate::remote::ScriptOutput;
use crate::session::Failure;

/// What the preflight found that stops a deploy, if anything: no config, no
/// usable service manager, missing tools, or too little disk for `upload_bytes`.
pub fn preflight_problem(
    out: &ScriptOutput,
    service: ServiceKind,
    upload_bytes: u64,
    root: &str,
) -> Option<Failure> {
    if out.get("config") != Some("yes") {
        return Some(
            Failure::new(Outcome::Failed, format!("no config at {root}/config/config.toml"))
                .hint(format!("copy templates/config.toml to {root}/config/config.toml (secrets go in {root}/.env), then deploy again")),
        );
    }
    if out.get("manager") != Some("yes") {
        return Some(match service {
            ServiceKind::Systemd => Failure::new(
                Outcome::Failed,
                "systemctl is missing, or this user may not run `sudo -n systemctl restart ploy`",
            )
            .hint("allow it in sudoers: ploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart ploy, /usr/bin/systemctl stop ploy"),
            ServiceKind::Daemon => Failure::new(Outcome::Failed, "start-stop-daemon is not installed on the host")
                .hint("install it (Debian: dpkg; Alpine: openrc) or set service = \"systemd\""),
        });
    }
    let missing = out.all("missing_tool");
    if !missing.is_empty() {
        return Some(
            Failure::new(
                Outcome::Failed,
                format!("the host lacks {}", missing.join(", ")),
            )
            .hint("install coreutils and util-linux"),
        );
    }
    let need_kib = (upload_bytes / 1024) * 2 + 10 * 1024;
    match out.number("free_kib") {
        Some(free) if free < need_kib => Some(
            Failure::new(
                Outcome::Failed,
                format!(
                    "only {} MiB free under {root}/releases; the upload needs {} MiB",
                    free / 1024,
                    need_kib / 1024
                ),
            )
            .hint("free disk space, or lower keep_releases in the inventory"),
        ),
        _ => None,
    }
}

/// Whether and how to deploy, once the host is consistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A re-run of a deploy the guard rolled back as bad: report that, try nothing.
    ReportGuardVerdict(GuardResult),
    /// The ledger marks the release bad (and `--force` was not given).
    RefuseBad {
        /// Why it is bad.
        reason: String,
    },
    /// The release already runs, is current, good and healthy (no `--force`).
    AlreadyRunning,
    /// Deploy.
    Proceed {
        /// A healthy running release no verdict names yet, to record as good first.
        adopt: Option<String>,
        /// The release the guard and a rollback go back to.
        fallback: Option<String>,
    },
}

/// What is known when deciding.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The host's state after recovery.
    pub state: &'a HostState,
    /// The lock of a dead ployctl that was broken to get here.
    pub broke: Option<&'a LockInfo>,
    /// What guards did (before this run, and during its recovery).
    pub guard_results: &'a [GuardResult],
    /// The release to deploy.
    pub release: &'a str,
    /// `/health` as it answered before the switch.
    pub probe: &'a Probe,
    /// `--force`.
    pub force: bool,
}

/// Decides whether to deploy, and what to adopt and fall back to.
pub fn decide(facts: Facts<'_>) -> Decision {
    let name = facts.release;
    let interrupted_same = facts
        .broke
        .is_some_and(|l| l.operation == format!("deploy {name}"));
    if interrupted_same {
        if let Some(result) = facts
            .guard_results
            .iter()
            .rev()
            .find(|r| r.release == name && r.verdict == Standing::Bad)
        {
            return Decision::ReportGuardVerdict(result.clone());
        }
    }
    let mut entries = facts.state.entries();
    let ours = entries.iter().find(|e| e.name == name);
    if !facts.force {
        if let Some(bad) = ours.filter(|e| e.state == Standing::Bad) {
            return Decision::RefuseBad {
                reason: bad
                    .reason
                    .clone()
                    .unwrap_or_else(|| "no reason recorded".to_owned()),
            };
        }
        let runs_good = ours.is_some_and(|e| e.state == Standing::Good)
            && facts.state.running.name() == Some(name)
            && facts.state.current.as_deref() == Some(name);
        if runs_good && facts.probe.is_healthy() {
            return Decision::AlreadyRunning;
        }
    }
    let adopt = adoptable(facts.state, facts.probe, name);
    if let Some(adopted) = &adopt {
        if let Some(e) = entries.iter_mut().find(|e| &e.name == adopted) {
            e.state = Standing::Good;
        }
    }
    Decision::Proceed {
        adopt,
        fallback: release::newest_good(&entries, &[name]).map(|e| e.name.clone()),
    }
}

/// The running release, when no verdict names it yet, it has a `release.json`
/// (ployctl put it there) and it answers healthy: a host deployed before the
/// ledger existed.
fn adoptable(state: &HostState, probe: &Probe, deploying: &str) -> Option<String> {
    let running = state.running.name()?;
    (running != deploying
        && state.ledger.latest(running).is_none()
        && state.info(running).is_some()
        && probe.is_healthy())
    .then(|| running.to_owned())
}

/// What to do once the proof is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterProof {
    /// Proven: mark it good, disarm the guard, prune, audit.
    Confirm,
    /// Not proven: the guard goes back to this release.
    RollBack(String),
    /// Not proven, and there is no good release to go back to: it stays, marked bad.
    Stay,
}

/// Decides what follows the proof.
pub fn after_proof(proven: bool, fallback: Option<&str>, guard_armed: bool) -> AfterProof {
    match (proven, fallback) {
        (true, _) => AfterProof::Confirm,
        (false, Some(f)) if guard_armed => AfterProof::RollBack(f.to_owned()),
        (false, _) => AfterProof::Stay,
    }
}

/// The releases after a confirmed deploy of `name` (good, current, running),
/// for choosing what to prune.
pub fn after_confirm(entries: &[ReleaseEntry], name: &str) -> Vec<ReleaseEntry> {
    let mut after: Vec<ReleaseEntry> = entries
        .iter()
        .filter(|e| e.name != name)
        .cloned()
        .map(|mut e| {
            e.current = false;
            e.running = false;
            e
        })
        .collect();
    let info = entries
        .iter()
        .find(|e| e.name == name)
        .and_then(|e| e.info.clone());
    after.insert(
        0,
        ReleaseEntry {
            name: name.to_owned(),
            info,
            current: true,
            running: true,
            previous: false,
            state: Standing::Good,
            reason: None,
        },
    );
    after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::HealthReport;

    fn out(text: &str) -> ScriptOutput {
        ScriptOutput::parse(text)
    }

    #[test]
    fn the_preflight_stops_on_config_manager_tools_then_disk() {
        let ok = "config=yes\nmanager=yes\nfree_kib=10000000\n";
        assert_eq!(
            preflight_problem(&out(ok), ServiceKind::Daemon, 13 << 20, "/r"),
            None
        );
        let no_config = preflight_problem(
            &out("config=no\nmanager=no\n"),
            ServiceKind::Daemon,
            1,
            "/r",
        )
        .unwrap();
        assert_eq!(no_config.reason, "no config at /r/config/config.toml");
        let no_sudo = preflight_problem(
            &out("config=yes\nmanager=no\n"),
            ServiceKind::Systemd,
            1,
            "/r",
        )
        .unwrap();
        assert!(no_sudo.hint.unwrap().contains("sudoers"));
        let tools = preflight_problem(
            &out("config=yes\nmanager=yes\nmissing_tool=setsid\nmissing_tool=tee\n"),
            ServiceKind::Daemon,
            1,
            "/r",
        )
        .unwrap();
        assert_eq!(tools.reason, "the host lacks setsid, tee");
        let disk = preflight_problem(
            &out("config=yes\nmanager=yes\nfree_kib=20480\n"),
            ServiceKind::Daemon,
            13 << 20,
            "/r",
        )
        .unwrap();
        assert_eq!(
            disk.reason,
            "only 20 MiB free under /r/releases; the upload needs 36 MiB"
        );
    }

    const INFO: &str = r#"{"version":"x","sha256":"ab","deployed_by":"a@b","deployed_at":"2026-01-0XT00:00:00Z","source":"x","ployctl_version":"0.1.0"}"#;

    fn state(lines: &str) -> HostState {
        let mut text = String::new();
        for (i, name) in ["1.0", "2.0", "3.0"].iter().enumerate() {
            text.push_str(&format!(
                "release={name} {}\n",
                INFO.replace('X', &(i + 1).to_string())
            ));
        }
        text.push_str(lines);
        text.push_str("\nstate=end\n");
        HostState::parse(&ScriptOutput::parse(&text)).unwrap()
    }

    fn verdict(release: &str, state: &str) -> String {
        format!("ledger={{\"at\":\"t\",\"release\":\"{release}\",\"state\":\"{state}\",\"reason\":\"why\",\"by\":\"x\"}}")
    }

    fn healthy() -> Probe {
        let up = ploy_api::Check::up(std::time::Duration::from_millis(1));
        Probe::Healthy(HealthReport {
            status: ploy_api::OverallStatus::Healthy,
            version: "0.1.0".into(),
            uptime_seconds: 9,
            mode: None,
            checks: ploy_api::Checks {
                database: up.clone(),
                api_connection: up.clone(),
                order_queue: up,
                other: std::collections::BTreeMap::new(),
            },
        })
    }

    fn facts<'a>(state: &'a HostState, probe: &'a Probe, release: &'a str) -> Facts<'a> {
        Facts {
            state,
            broke: None,
            guard_results: &[],
            release,
            probe,
            force: false,
        }
    }

    #[test]
    fn a_normal_deploy_falls_back_to_the_newest_good_release() {
        let s = state(&format!(
            "current=releases/2.0\nrunning_pid=7\nrunning=2.0\n{}\n{}\n{}",
            verdict("1.0", "good"),
            verdict("2.0", "good"),
            verdict("3.0", "bad")
        ));
        let probe = healthy();
        assert_eq!(
            decide(facts(&s, &probe, "4.0")),
            Decision::Proceed {
                adopt: None,
                fallback: Some("2.0".into())
            }
        );
    }

    #[test]
    fn a_bad_release_is_refused_unless_forced() {
        let s = state(&format!(
            "current=releases/2.0\nrunning_pid=7\nrunning=2.0\n{}",
            verdict("3.0", "bad")
        ));
        let probe = healthy();
        assert_eq!(
            decide(facts(&s, &probe, "3.0")),
            Decision::RefuseBad {
                reason: "why".into()
            }
        );
        let forced = Facts {
            force: true,
            ..facts(&s, &probe, "3.0")
        };
        assert!(matches!(decide(forced), Decision::Proceed { .. }));
    }

    #[test]
    fn the_running_good_healthy_release_is_not_deployed_again() {
        let s = state(&format!(
            "current=releases/2.0\nrunning_pid=7\nrunning=2.0\n{}",
            verdict("2.0", "good")
        ));
        let probe = healthy();
        assert_eq!(decide(facts(&s, &probe, "2.0")), Decision::AlreadyRunning);
        let down = Probe::Unreachable("refused".into());
        assert!(
            matches!(decide(facts(&s, &down, "2.0")), Decision::Proceed { .. }),
            "an unhealthy one is deployed again"
        );
    }

    #[test]
    fn a_rerun_reports_the_guards_bad_verdict() {
        let s = state("current=releases/1.0\nrunning_pid=7\nrunning=1.0");
        let probe = healthy();
        let lock = LockInfo {
            token: "t".into(),
            holder: "a@b".into(),
            machine_id: "m".into(),
            pid: 1,
            operation: "deploy 3.0".into(),
            acquired_at: 0,
            expires_at: 0,
            ci_run_url: None,
        };
        let result = GuardResult {
            token: "g".into(),
            release: "3.0".into(),
            fallback: "1.0".into(),
            verdict: Standing::Bad,
            reason: "crashed".into(),
            outcome: "rolled_back".into(),
            detail: "restarted on 1.0, healthy".into(),
            at: "t".into(),
            config_backup: None,
        };
        let results = [result.clone()];
        let rerun = Facts {
            broke: Some(&lock),
            guard_results: &results,
            ..facts(&s, &probe, "3.0")
        };
        assert_eq!(decide(rerun), Decision::ReportGuardVerdict(result));
        let other = Facts {
            broke: Some(&lock),
            guard_results: &results,
            ..facts(&s, &probe, "4.0")
        };
        assert!(matches!(decide(other), Decision::Proceed { .. }));
    }

    #[test]
    fn a_healthy_release_no_verdict_names_is_adopted_as_the_fallback() {
        let s = state("current=releases/2.0\nrunning_pid=7\nrunning=2.0");
        let probe = healthy();
        assert_eq!(
            decide(facts(&s, &probe, "4.0")),
            Decision::Proceed {
                adopt: Some("2.0".into()),
                fallback: Some("2.0".into())
            }
        );
        let down = Probe::Unreachable("refused".into());
        assert_eq!(
            decide(facts(&s, &down, "4.0")),
            Decision::Proceed {
                adopt: None,
                fallback: None
            },
            "an unhealthy one is not"
        );
    }

    #[test]
    fn after_the_proof() {
        assert_eq!(after_proof(true, None, false), AfterProof::Confirm);
        assert_eq!(
            after_proof(false, Some("1.0"), true),
            AfterProof::RollBack("1.0".into())
        );
        assert_eq!(after_proof(false, None, false), AfterProof::Stay);
        assert_eq!(after_proof(false, Some("1.0"), false), AfterProof::Stay);
    }

    #[test]
    fn after_a_confirm_the_new_release_is_the_current_good_one() {
        let s = state(&format!(
            "current=releases/2.0\nrunning_pid=7\nrunning=2.0\n{}",
            verdict("2.0", "good")
        ));
        let after = after_confirm(&s.entries(), "4.0");
        assert_eq!(after[0].name, "4.0");
        assert!(after[0].current && after[0].running && after[0].state == Standing::Good);
        assert!(after[1..].iter().all(|e| !e.current && !e.running));
        assert_eq!(
            release::to_prune(&after, 1),
            ["3.0", "1.0"],
            "2.0 is the rollback target"
        );
    }
}
