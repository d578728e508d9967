//! Deploy and rollback plans: the steps per host, computed without touching
//! anything. `--dry-run` prints them; the executor walks them in order.

use std::time::Duration;

use serde::Serialize;

use crate::inventory::{Host, ServiceKind};

/// The steps a command reports, by name: the plan's vocabulary, which the
/// executor reports its progress in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// Open the SSH session.
    Connect,
    /// Take the lock (with the host's state).
    Lock,
    /// Check the host.
    Preflight,
    /// Finish what an interrupted run left.
    Recover,
    /// Stream the binary.
    Upload,
    /// `ploy check-config` on the host.
    CheckConfig,
    /// Arm the host-side guard.
    Guard,
    /// Point `current` at the release.
    Switch,
    /// Restart the service.
    Restart,
    /// Prove `/health`.
    Health,
    /// Mark the release good, disarm the guard.
    Confirm,
    /// Remove old releases.
    Prune,
    /// Append the audit record.
    Audit,
    /// Release the lock.
    Unlock,
    /// Go back to a good release.
    Rollback,
    /// The deploy as a whole (skipped or refused).
    Deploy,
    /// List the releases.
    Releases,
    /// Read what a read command reports (service, log, views).
    Read,
    /// Stream the service log.
    Logs,
    /// Change or read the kill switch.
    Trading,
    /// Prepare a host (`host bootstrap`).
    Bootstrap,
    /// Start the new release beside the old one and wait until it is ready.
    Standby,
    /// Take, prune or verify a database backup.
    Backup,
    /// Put a backup in place of the database.
    Restore,
}

impl StepKind {
    /// The name as printed and in `--json`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Connect => "connect",
            StepKind::Lock => "lock",
            StepKind::Preflight => "preflight",
            StepKind::Recover => "recover",
            StepKind::Upload => "upload",
            StepKind::CheckConfig => "check-config",
            StepKind::Guard => "guard",
            StepKind::Switch => "switch",
            StepKind::Restart => "restart",
            StepKind::Health => "health",
            StepKind::Confirm => "confirm",
            StepKind::Prune => "prune",
            StepKind::Audit => "audit",
            StepKind::Unlock => "unlock",
            StepKind::Rollback => "rollback",
            StepKind::Deploy => "deploy",
            StepKind::Releases => "releases",
            StepKind::Read => "read",
            StepKind::Logs => "logs",
            StepKind::Trading => "trading",
            StepKind::Bootstrap => "bootstrap",
            StepKind::Standby => "standby",
            StepKind::Backup => "backup",
            StepKind::Restore => "restore",
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Open the SSH session (or none for `local`).
    Connect {
        /// How.
        transport: String,
    },
    /// Take `.ployctl/lock`.
    Lock {
        /// Wait this long for a held lock.
        #[serde(skip_serializing_if = "Option::is_none")]
        wait_secs: Option<u64>,
    },
    /// Check disk, service manager and config; create folders; clean old uploads.
    Preflight,
    /// Finish what an interrupted run left: its guard, `current` apart from
    /// what runs.
    Recover,
    /// Stream the binary to a temporary folder, check its sha256, move it into place.
    Upload {
        /// Bytes.
        bytes: u64,
        /// sha256 hex.
        sha256: String,
    },
    /// Run the new binary's `check-config` against the host's config.
    CheckConfig,
    /// Run the rollback target's `check-config` against the host's config (an
    /// older release may refuse keys only a newer one knows).
    CheckTargetConfig,
    /// Start the host-side guard that goes back to the newest good release by
    /// itself unless ployctl confirms the new one in time.
    ArmGuard {
        /// Seconds after the restart it fires at.
        deadline_secs: u64,
    },
    /// Point `current` (and `bin/ploy`) at the release.
    Switch {
        /// To.
        release: String,
    },
    /// Restart the service.
    Restart {
        /// With.
        service: ServiceKind,
    },
    /// Start the release as a standby beside the running one and wait for
    /// it to be ready without trading (`handover = "standby"`).
    StartStandby {
        /// Its loopback port.
        port: u16,
        /// Time to become ready.
        timeout_secs: u64,
    },
    /// Move trading to the standby: it is told to take over, the old process
    /// stops (cancelling its quotes, releasing the trading lease).
    Handover,
    /// Poll `/health` until healthy, then through the stability window.
    ProveHealthy {
        /// Time to become healthy.
        timeout_secs: u64,
        /// Time to stay healthy.
        stability_secs: u64,
    },
    /// Mark the release good in the ledger and disarm the guard.
    Confirm,
    /// Remove old releases (never current, running or the newest good ones).
    Prune {
        /// Releases kept.
        keep: usize,
    },
    /// Append to `.ployctl/audit.jsonl`.
    Audit,
    /// Release the lock.
    Unlock,
}

impl Step {
    /// What the step is called when it is reported.
    pub fn kind(&self) -> StepKind {
        match self {
            Step::Connect { .. } => StepKind::Connect,
            Step::Lock { .. } => StepKind::Lock,
            Step::Preflight => StepKind::Preflight,
            Step::Recover => StepKind::Recover,
            Step::Upload { .. } => StepKind::Upload,
            Step::CheckConfig | Step::CheckTargetConfig => StepKind::CheckConfig,
            Step::ArmGuard { .. } => StepKind::Guard,
            Step::Switch { .. } => StepKind::Switch,
            Step::Restart { .. } | Step::Handover => StepKind::Restart,
            Step::StartStandby { .. } => StepKind::Standby,
            Step::ProveHealthy { .. } => StepKind::Health,
            Step::Confirm => StepKind::Confirm,
            Step::Prune { .. } => StepKind::Prune,
            Step::Audit => StepKind::Audit,
            Step::Unlock => StepKind::Unlock,
        }
    }

    /// The step's short name.
    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }

    /// One line for `--dry-run`.
    pub fn describe(&self, root: &str) -> String {
        match self {
            Step::Connect { transport } => format!("connect ({transport})"),
            Step::Lock { wait_secs: None } => format!("take the lock {root}/.ployctl/lock (fail fast if held)"),
            Step::Lock { wait_secs: Some(s) } => format!("take the lock {root}/.ployctl/lock (wait up to {s}s)"),
            Step::Preflight => "check free disk, the service manager and config/config.toml".to_owned(),
            Step::Recover => "finish what an interrupted run left (its guard; current apart from what runs)".to_owned(),
            Step::Upload { bytes, sha256 } => format!(
                "upload {bytes} bytes to {root}/releases/.tmp-*, verify sha256 {}…, move into place",
                &sha256[..sha256.len().min(12)]
            ),
            Step::CheckConfig => format!("run the new `ploy check-config` against {root}/config/config.toml"),
            Step::CheckTargetConfig => format!("run that release's `ploy check-config` against {root}/config/config.toml; stop if it refuses"),
            Step::ArmGuard { deadline_secs } => format!(
                "start the host-side guard: unless confirmed within {deadline_secs}s of the restart, it goes back to the newest good release by itself"
            ),
            Step::Switch { release } => format!("point {root}/current at releases/{release} (atomic rename)"),
            Step::Restart { service } => match service {
                ServiceKind::Systemd => "sudo -n systemctl restart ploy".to_owned(),
                ServiceKind::Daemon => "restart with start-stop-daemon".to_owned(),
            },
            Step::StartStandby { port, timeout_secs } => format!(
                "start the release beside the running one on 127.0.0.1:{port} and wait up to {timeout_secs}s until it is ready without trading; otherwise stop it (the old release keeps trading) and mark the release bad"
            ),
            Step::Handover => "tell the standby to take over, stop the old process (it cancels its quotes and releases the trading lease), the standby takes the lease and quotes".to_owned(),
            Step::ProveHealthy {
                timeout_secs,
                stability_secs,
            } => format!(
                "poll /health until healthy (up to {timeout_secs}s), then healthy for {stability_secs}s; otherwise roll back"
            ),
            Step::Confirm => format!("mark the release good in {root}/.ployctl/ledger.jsonl and disarm the guard"),
            Step::Prune { keep } => format!("keep the newest {keep} releases (never the current, the running or the newest good ones)"),
            Step::Audit => format!("append to {root}/.ployctl/audit.jsonl"),
            Step::Unlock => "release the lock".to_owned(),
        }
    }
}

/// The plan for one host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostPlan {
    /// Host name.
    pub host: String,
    /// Destination.
    pub destination: String,
    /// Steps in order.
    pub steps: Vec<Step>,
}

fn secs(d: Duration) -> u64 {
    d.as_secs().max(u64::from(d.subsec_nanos() > 0))
}

/// Seconds after the restart at which a deploy's guard fires unless confirmed.
pub fn guard_window(host: &Host) -> Duration {
    host.health_timeout + host.stability_window + GUARD_MARGIN
}

/// Slack between ployctl's own proof and the guard's deadline.
pub const GUARD_MARGIN: Duration = Duration::from_secs(15);

/// What a deploy will do on `host`.
pub fn deploy(
    host: &Host,
    transport: &str,
    release: &str,
    bytes: u64,
    sha256: &str,
    lock_wait: Option<Duration>,
) -> HostPlan {
    let standby = host.handover == crate::inventory::Handover::Standby;
    HostPlan {
        host: host.name.clone(),
        destination: host.destination(),
        steps: [
            Step::Connect {
                transport: transport.to_owned(),
            },
            Step::Lock {
                wait_secs: lock_wait.map(secs),
            },
            Step::Preflight,
            Step::Recover,
            Step::Upload {
                bytes,
                sha256: sha256.to_owned(),
            },
            Step::CheckConfig,
        ]
        .into_iter()
        .chain(standby.then_some(Step::StartStandby {
            port: host.standby_port,
            timeout_secs: secs(host.health_timeout),
        }))
        .chain([
            Step::ArmGuard {
                deadline_secs: secs(guard_window(host)),
            },
            Step::Switch {
                release: release.to_owned(),
            },
            if standby {
                Step::Handover
            } else {
                Step::Restart {
                    service: host.service,
                }
            },
            Step::ProveHealthy {
                timeout_secs: secs(host.health_timeout),
                stability_secs: secs(host.stability_window),
            },
            Step::Confirm,
            Step::Prune {
                keep: host.keep_releases,
            },
            Step::Audit,
            Step::Unlock,
        ])
        .collect(),
    }
}

/// What a rollback will do on `host` (`target` is decided on the host).
pub fn rollback(
    host: &Host,
    transport: &str,
    target: Option<&str>,
    lock_wait: Option<Duration>,
) -> HostPlan {
    HostPlan {
        host: host.name.clone(),
        destination: host.destination(),
        steps: vec![
            Step::Connect {
                transport: transport.to_owned(),
            },
            Step::Lock {
                wait_secs: lock_wait.map(secs),
            },
            Step::Recover,
            Step::CheckTargetConfig,
            Step::Switch {
                release: target
                    .unwrap_or("(the newest good release other than the running one)")
                    .to_owned(),
            },
            Step::Restart {
                service: host.service,
            },
            Step::ProveHealthy {
                timeout_secs: secs(host.health_timeout),
                stability_secs: secs(host.stability_window),
            },
            Step::Audit,
            Step::Unlock,
        ],
    }
}

/// The human `--dry-run` text.
pub fn render(plans: &[HostPlan], roots: &[String]) -> String {
    let mut out = String::new();
    for (plan, root) in plans.iter().zip(roots) {
        out.push_str(&format!("{} ({}):\n", plan.host, plan.destination));
        for (i, step) in plan.steps.iter().enumerate() {
            out.push_str(&format!("  {:>2}. {}\n", i + 1, step.describe(root)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::inventory::Inventory;

    #[test]
    fn a_standby_handover_plan_starts_the_standby_before_the_guard_and_hands_over() {
        let inv = Inventory::parse(
            "[hosts.web]\naddress = \"10.0.0.1\"\nservice = \"daemon\"\nhandover = \"standby\"\nstandby_port = 9001\n",
            Path::new("i.toml"),
        )
        .unwrap();
        let host = inv.select(&["web".into()], false).unwrap().remove(0);
        let plan = deploy(&host, "openssh", "0.2.0", 1, "ab", None);
        let names: Vec<&str> = plan.steps.iter().map(Step::name).collect();
        assert_eq!(
            names[5..9],
            ["check-config", "standby", "guard", "switch"],
            "{names:?}"
        );
        assert_eq!(plan.steps[9], Step::Handover);
        let text = render(&[plan], std::slice::from_ref(&host.root));
        assert!(
            text.contains(
                "7. start the release beside the running one on 127.0.0.1:9001 and wait up to 60s"
            ),
            "{text}"
        );
        assert!(text.contains("10. tell the standby to take over"), "{text}");
    }

    #[test]
    fn deploy_plan_steps_in_order() {
        let inv = Inventory::parse(
            "[hosts.web]\naddress = \"10.0.0.1\"\nstability_window = \"5s\"\n",
            Path::new("i.toml"),
        )
        .unwrap();
        let host = inv.select(&["web".into()], false).unwrap().remove(0);
        let plan = deploy(
            &host,
            "openssh",
            "0.2.0",
            1234,
            "abcdef0123456789",
            Some(Duration::from_secs(30)),
        );
        let names: Vec<&str> = plan.steps.iter().map(Step::name).collect();
        assert_eq!(
            names,
            [
                "connect",
                "lock",
                "preflight",
                "recover",
                "upload",
                "check-config",
                "guard",
                "switch",
                "restart",
                "health",
                "confirm",
                "prune",
                "audit",
                "unlock"
            ]
        );
        let text = render(&[plan], std::slice::from_ref(&host.root));
        assert_eq!(
            text,
            "web (10.0.0.1):\n\
             \x20  1. connect (openssh)\n\
             \x20  2. take the lock /opt/ploy/.ployctl/lock (wait up to 30s)\n\
             \x20  3. check free disk, the service manager and config/config.toml\n\
             \x20  4. finish what an interrupted run left (its guard; current apart from what runs)\n\
             \x20  5. upload 1234 bytes to /opt/ploy/releases/.tmp-*, verify sha256 abcdef012345…, move into place\n\
             \x20  6. run the new `ploy check-config` against /opt/ploy/config/config.toml\n\
             \x20  7. start the host-side guard: unless confirmed within 80s of the restart, it goes back to the newest good release by itself\n\
             \x20  8. point /opt/ploy/current at releases/0.2.0 (atomic rename)\n\
             \x20  9. sudo -n systemctl restart ploy\n\
             \x20 10. poll /health until healthy (up to 60s), then healthy for 5s; otherwise roll back\n\
             \x20 11. mark the release good in /opt/ploy/.ployctl/ledger.jsonl and disarm the guard\n\
             \x20 12. keep the newest 5 releases (never the current, the running or the newest good ones)\n\
             \x20 13. append to /opt/ploy/.ployctl/audit.jsonl\n\
             \x20 14. release the lock\n"
        );
    }
}
