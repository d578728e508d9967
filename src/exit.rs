//! `ployctl`'s exit codes: one table, used by `--help`, the README and every command.
//!
//! With several hosts, the run exits with the most severe host outcome, in the
//! order: usage/config error, connection error, lock held, failed, rolled back,
//! unreachable, unhealthy, success.

use serde::Serialize;

/// What a run (or one host of it) ended as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Everything worked; hosts healthy.
    Success,
    /// The operation failed; the running service was not changed (or could
    /// not be restored).
    Failed,
    /// Usage or configuration error: nothing was attempted.
    UsageError,
    /// The new release was not healthy; the newest good one was restored and is healthy.
    RolledBack,
    /// `/health` answered `degraded`.
    Unhealthy,
    /// `/health` did not answer.
    Unreachable,
    /// Another deploy holds the host's lock.
    LockHeld,
    /// SSH could not connect (network, authentication or host key).
    ConnectionError,
    /// Interrupted by SIGINT/SIGTERM (the lock was released).
    Interrupted,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failed => 1,
            Outcome::UsageError => 2,
            Outcome::RolledBack => 3,
            Outcome::Unhealthy => 4,
            Outcome::Unreachable => 5,
            Outcome::LockHeld => 6,
            Outcome::ConnectionError => 7,
            Outcome::Interrupted => 130,
        }
    }

    fn severity(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Unhealthy => 1,
            Outcome::Unreachable => 2,
            Outcome::RolledBack => 3,
            Outcome::Failed => 4,
            Outcome::LockHeld => 5,
            Outcome::ConnectionError => 6,
            Outcome::Interrupted => 7,
            Outcome::UsageError => 8,
        }
    }

    /// The most severe of several host outcomes (success when empty).
    pub fn worst(outcomes: impl IntoIterator<Item = Outcome>) -> Outcome {
        outcomes
            .into_iter()
            .max_by_key(|o| o.severity())
            .unwrap_or(Outcome::Success)
    }

    /// A short word for humans.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Success => "ok",
            Outcome::Failed => "failed",
            Outcome::UsageError => "usage error",
            Outcome::RolledBack => "rolled back",
            Outcome::Unhealthy => "unhealthy",
            Outcome::Unreachable => "unreachable",
            Outcome::LockHeld => "lock held",
            Outcome::ConnectionError => "connection error",
            Outcome::Interrupted => "interrupted",
        }
    }
}

/// The table, as shown by `--help` and the README.
pub const TABLE: &str = "\
Exit codes:
    0  success (all hosts healthy)
    1  failed (nothing switched, or the old release could not be restored)
    2  usage or configuration error
    3  rolled back (new release unhealthy; the newest good release restored and healthy)
    4  unhealthy (/health answered degraded)
    5  unreachable (/health did not answer)
    6  lock held (another deploy is running on a host)
    7  connection error (SSH: network, authentication or host key)
  130  interrupted (SIGINT/SIGTERM; locks released)
With several hosts, the most severe outcome wins (in the order 2, 130, 7, 6, 1, 3, 5, 4, 0).";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_outcome_wins() {
        use Outcome::*;
        assert_eq!(Outcome::worst([]), Success);
        assert_eq!(Outcome::worst([Success, RolledBack, Success]), RolledBack);
        assert_eq!(
            Outcome::worst([RolledBack, ConnectionError]),
            ConnectionError
        );
        assert_eq!(Outcome::worst([Unhealthy, Unreachable]), Unreachable);
        assert_eq!(Outcome::worst([LockHeld, Failed]), LockHeld);
    }

    #[test]
    fn table_lists_every_code() {
        for o in [
            Outcome::Success,
            Outcome::Failed,
            Outcome::UsageError,
            Outcome::RolledBack,
            Outcome::Unhealthy,
            Outcome::Unreachable,
            Outcome::LockHeld,
            Outcome::ConnectionError,
            Outcome::Interrupted,
        ] {
            assert!(TABLE.contains(&format!("{:>5}  ", o.code())), "{o:?}");
        }
    }
}
