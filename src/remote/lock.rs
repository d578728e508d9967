//! The deploy lock, `.ployctl/lock`: created exclusively (`set -C`), holding who
//! took it and until when; stale when its TTL passed or its holder process on
//! this machine is gone.

use serde::{Deserialize, Serialize};

use super::layout::Layout;
use super::quote;

/// The lock file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// Random token identifying this holder (release only removes our own lock).
    pub token: String,
    /// `user@machine`.
    pub holder: String,
    /// The machine's id (`/etc/machine-id`, else its host name).
    pub machine_id: String,
    /// Process id of the holding ployctl.
    pub pid: u32,
    /// What it is doing (`deploy 0.2.0`, `rollback`).
    pub operation: String,
    /// Taken at (Unix seconds).
    pub acquired_at: i64,
    /// Stale after (Unix seconds).
    pub expires_at: i64,
    /// The CI run, when under GitHub Actions.
    #[serde(default)]
    pub ci_run_url: Option<String>,
}

impl LockInfo {
    /// One line for humans: who, what, since when, from where.
    pub fn describe(&self) -> String {
        let when = chrono::DateTime::from_timestamp(self.acquired_at, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_else(|| self.acquired_at.to_string());
        let mut text = format!(
            "{} (pid {}) since {when}, for {}",
            self.holder, self.pid, self.operation
        );
        if let Some(url) = &self.ci_run_url {
            text.push_str(&format!(", CI run {url}"));
        }
        text
    }
}

/// Whether a held lock may be taken over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    /// Its holder is alive and its TTL has not passed.
    Live,
    /// Its TTL passed: reported; broken only with `--force-unlock`.
    Expired,
    /// Its holder ran on this machine and is gone: safe to break.
    HolderGone,
    /// The file is not a lock ployctl wrote (unreadable): needs `--force-unlock`.
    Unreadable,
}

/// Decides whether a lock is stale. `holder_alive` answers, for a pid on this
/// machine, whether that ployctl is still running.
pub fn staleness(
    lock: Option<&LockInfo>,
    now: i64,
    machine_id: &str,
    holder_alive: impl Fn(u32) -> bool,
) -> Staleness {
    let Some(lock) = lock else {
        return Staleness::Unreadable;
    };
    if lock.machine_id == machine_id && !holder_alive(lock.pid) {
        return Staleness::HolderGone;
    }
    if now >= lock.expires_at {
        return Staleness::Expired;
    }
    Staleness::Live
}

/// What to do about a lock someone else holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockAction {
    /// Break it and try again; warn with this text.
    Break(String),
    /// Wait for it and try again.
    Wait(String),
    /// Give up (the lock-held outcome) with this message and hint.
    GiveUp {
        /// What holds it.
        message: String,
        /// What to do.
        hint: &'static str,
    },
}

/// Decides about a held lock: a holder on this machine that is gone is broken
/// (with a warning), any lock is broken with `force`, an expired or unreadable
/// one needs `force`, a live one is waited for while `may_wait`.
pub fn decide(
    held: Option<&LockInfo>,
    now: i64,
    machine_id: &str,
    holder_alive: impl Fn(u32) -> bool,
    force: bool,
    may_wait: bool,
    root: &str,
) -> LockAction {
    let who = held.map_or_else(|| "an unreadable lock file".to_owned(), LockInfo::describe);
    let verdict = staleness(held, now, machine_id, holder_alive);
    match verdict {
        Staleness::HolderGone => {
            LockAction::Break(format!("stale lock: held by {who}, whose process is gone; breaking it"))
        },
        _ if force => LockAction::Break(format!("--force-unlock: breaking the lock held by {who}")),
        Staleness::Expired => LockAction::GiveUp {
            message: format!("stale lock: held by {who}; its TTL has passed"),
            hint: "make sure no deploy is running on this host, then break the lock with --force-unlock",
        },
        Staleness::Unreadable => LockAction::GiveUp {
            message: format!("the lock file {root}/.ployctl/lock is unreadable"),
            hint: "make sure no deploy is running on this host, then break the lock with --force-unlock",
        },
        Staleness::Live if may_wait => LockAction::Wait(format!("waiting: held by {who}")),
        Staleness::Live => LockAction::GiveUp {
            message: format!("lock held by {who}"),
            hint: "wait for that deploy to finish, or run again with --lock-wait 10m",
        },
    }
}

/// Removes a stale lock, but only the one we inspected (by its token).
pub fn break_script(layout: &Layout, stale_token: Option<&str>) -> String {
    let lock = quote(&layout.path(".ployctl/lock"));
    match stale_token {
        Some(token) => format!(
            "if grep -q {} {lock} 2>/dev/null; then rm -f {lock}; echo broken; else echo changed; fi",
            quote(&format!("\"token\":\"{token}\""))
        ),
        None => format!("rm -f {lock}; echo broken"),
    }
}

/// This machine's id: `/etc/machine-id`, else the host name.
pub fn machine_id() -> String {
    std::fs::read_to_string("/etc/machine-id")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(hostname)
}

/// This machine's host name.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".to_owned())
}

/// Whether the process `pid` on this machine is a running ployctl.
pub fn ployctl_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/comm")) {
        Ok(comm) => comm.trim() == "ployctl",
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(machine: &str, expires: i64) -> LockInfo {
        LockInfo {
            token: "t1".into(),
            holder: "alice@laptop".into(),
            machine_id: machine.into(),
            pid: 4242,
            operation: "deploy 0.2.0".into(),
            acquired_at: 1_700_000_000,
            expires_at: expires,
            ci_run_url: Some("https://github.com/o/r/actions/runs/1".into()),
        }
    }

    #[test]
    fn staleness_rules() {
        let l = lock("m1", 2000);
        assert_eq!(staleness(Some(&l), 1000, "m1", |_| true), Staleness::Live);
        assert_eq!(
            staleness(Some(&l), 1000, "m1", |_| false),
            Staleness::HolderGone
        );
        assert_eq!(
            staleness(Some(&l), 1000, "m2", |_| false),
            Staleness::Live,
            "another machine's pid says nothing"
        );
        assert_eq!(
            staleness(Some(&l), 2000, "m2", |_| true),
            Staleness::Expired
        );
        assert_eq!(staleness(None, 0, "m1", |_| true), Staleness::Unreadable);
    }

    #[test]
    fn lock_decisions() {
        let alive = |_| true;
        let gone = |_| false;
        let l = lock("m1", 2000);
        assert!(
            matches!(decide(Some(&l), 1000, "m1", gone, false, false, "/r"), LockAction::Break(w) if w.contains("whose process is gone"))
        );
        assert!(
            matches!(decide(Some(&l), 1000, "m2", alive, true, false, "/r"), LockAction::Break(w) if w.starts_with("--force-unlock"))
        );
        assert!(matches!(
            decide(Some(&l), 1000, "m2", alive, false, true, "/r"),
            LockAction::Wait(_)
        ));
        assert!(matches!(
            decide(Some(&l), 1000, "m2", alive, false, false, "/r"),
            LockAction::GiveUp { hint, .. } if hint.contains("--lock-wait")
        ));
        assert!(
            matches!(
                decide(Some(&l), 3000, "m2", alive, false, true, "/r"),
                LockAction::GiveUp { message, .. } if message.contains("TTL has passed")
            ),
            "an expired lock is never waited for"
        );
        assert!(matches!(
            decide(None, 0, "m1", alive, false, true, "/r"),
            LockAction::GiveUp { message, .. } if message == "the lock file /r/.ployctl/lock is unreadable"
        ));
    }

    #[test]
    fn describe_names_holder_pid_time_and_run() {
        let text = lock("m", 0).describe();
        assert_eq!(
            text,
            "alice@laptop (pid 4242) since 2023-11-14 22:13:20 UTC, for deploy 0.2.0, CI run https://github.com/o/r/actions/runs/1"
        );
    }

    #[test]
    fn scripts() {
        let l = Layout::new("/opt/ploy");
        assert_eq!(
            break_script(&l, Some("abc")),
            "if grep -q '\"token\":\"abc\"' /opt/ploy/.ployctl/lock 2>/dev/null; then rm -f /opt/ploy/.ployctl/lock; echo broken; else echo changed; fi"
        );
    }
}
