//! A host's deploy state as one script prints it: the releases and their
//! `release.json`, where `current` points, which release the live service
//! process runs, the ledger, and the guard (armed, firing, its last result).

use super::guard::{GuardFile, GuardResult};
use super::ledger::{Ledger, Standing};
use super::release::{mark_previous, sort_newest_first, ReleaseEntry, ReleaseInfo};
use super::ScriptOutput;

/// The shell that prints the state (after the prelude, from any folder).
pub const STATE_SECTION: &str = r#"if cd "$R" 2>/dev/null; then
  for d in releases/*/; do [ -d "$d" ] || continue; n=${d#releases/}; n=${n%/}; printf 'release=%s %s\n' "$n" "$(tr -d '\n' < "$d/release.json" 2>/dev/null)"; done
  printf 'current=%s\n' "$(readlink current 2>/dev/null)"
  _rp=$(service_pid); printf 'running_pid=%s\nrunning=%s\n' "$_rp" "$(running_release)"
  tail -n 1000 .ployctl/ledger.jsonl 2>/dev/null | sed 's/^/ledger=/'
  [ -f .ployctl/guard ] && sed 's/^/guard./' .ployctl/guard
  [ -f .ployctl/guard.firing ] && sed 's/^/firing./' .ployctl/guard.firing
  [ -f .ployctl/guard.result ] && sed 's/^/guard_result./' .ployctl/guard.result
  alive "$(cat .ployctl/guard.pid 2>/dev/null)" && echo guard_alive=yes
  _ap=$(cat .ployctl/activating 2>/dev/null); alive "$_ap" && echo "activating=$_ap"
  [ -f .ployctl/maintenance.json ] && printf 'maintenance=%s\n' "$(tr -d '\n' < .ployctl/maintenance.json)"
  echo state=end
fi
"#;

/// What runs on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Running {
    /// No live service process.
    Nothing,
    /// A live process whose release is not known (started outside ployctl).
    Unknown {
        /// Its pid.
        pid: u32,
    },
    /// A live process running this release.
    Release {
        /// The release.
        name: String,
        /// Its pid.
        pid: u32,
    },
}

impl Running {
    /// The release, when known.
    pub fn name(&self) -> Option<&str> {
        match self {
            Running::Release { name, .. } => Some(name),
            _ => None,
        }
    }

    /// One phrase for humans.
    pub fn describe(&self) -> String {
        match self {
            Running::Nothing => "nothing runs".to_owned(),
            Running::Unknown { pid } => format!("pid {pid} runs a release ployctl did not start"),
            Running::Release { name, pid } => format!("{name} runs (pid {pid})"),
        }
    }
}

/// A host's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostState {
    /// Release folders with their `release.json`.
    pub releases: Vec<(String, Option<ReleaseInfo>)>,
    /// Where `current` points.
    pub current: Option<String>,
    /// What runs.
    pub running: Running,
    /// The ledger.
    pub ledger: Ledger,
    /// An armed guard (`.ployctl/guard`).
    pub guard: Option<GuardFile>,
    /// A guard rolling back now (`.ployctl/guard.firing`).
    pub firing: Option<GuardFile>,
    /// Whether the guard's process is alive.
    pub guard_alive: bool,
    /// What the last guard that fired did (`.ployctl/guard.result`).
    pub guard_result: Option<GuardResult>,
    /// An activation in progress (its pid).
    pub activating: Option<u32>,
    /// An open maintenance window.
    pub maintenance: Option<super::maintenance::Maintenance>,
}

impl HostState {
    /// A host with nothing on it (its root does not exist yet).
    pub fn empty() -> Self {
        Self {
            releases: Vec::new(),
            current: None,
            running: Running::Nothing,
            ledger: Ledger::default(),
            guard: None,
            firing: None,
            guard_alive: false,
            guard_result: None,
            activating: None,
            maintenance: None,
        }
    }

    /// Parses [`STATE_SECTION`]'s lines out of a script's output; `None` when
    /// the section is missing (the root does not exist).
    pub fn parse(out: &ScriptOutput) -> Option<Self> {
        out.get("state")?;
        let prefixed = |prefix: &str| -> Vec<(String, String)> {
            out.keys_with_prefix(prefix)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        };
        let releases = out
            .all("release")
            .into_iter()
            .map(|line| {
                let (name, json) = line.split_once(' ').unwrap_or((line, ""));
                (name.to_owned(), serde_json::from_str(json).ok())
            })
            .collect();
        let pid: Option<u32> = out.get("running_pid").and_then(|p| p.trim().parse().ok());
        let running = match (out.get("running"), pid) {
            (None, _) | (_, None) => Running::Nothing,
            (Some("?"), Some(pid)) => Running::Unknown { pid },
            (Some(name), Some(pid)) => Running::Release {
                name: name.to_owned(),
                pid,
            },
        };
        Some(Self {
            releases,
            current: out
                .get("current")
                .and_then(|c| c.strip_prefix("releases/"))
                .map(str::to_owned),
            running,
            ledger: Ledger::parse(out.all("ledger")),
            guard: GuardFile::from_pairs(&prefixed("guard.")),
            firing: GuardFile::from_pairs(&prefixed("firing.")),
            guard_alive: out.get("guard_alive") == Some("yes"),
            guard_result: GuardResult::from_pairs(&prefixed("guard_result.")),
            activating: out.number("activating").map(|p| p as u32),
            maintenance: out
                .get("maintenance")
                .and_then(|j| serde_json::from_str(j).ok()),
        })
    }

    /// The releases with their standing, newest first, the rollback target marked.
    pub fn entries(&self) -> Vec<ReleaseEntry> {
        let mut entries: Vec<ReleaseEntry> = self
            .releases
            .iter()
            .map(|(name, info)| {
                let verdict = self.ledger.latest(name);
                ReleaseEntry {
                    name: name.clone(),
                    info: info.clone(),
                    current: self.current.as_deref() == Some(name.as_str()),
                    running: self.running.name() == Some(name.as_str()),
                    previous: false,
                    state: verdict.map_or(Standing::Unproven, |v| v.state),
                    reason: verdict
                        .filter(|v| v.state != Standing::Good)
                        .and_then(|v| v.reason.clone()),
                }
            })
            .collect();
        sort_newest_first(&mut entries);
        mark_previous(&mut entries);
        entries
    }

    /// `current` names one release while another runs.
    pub fn mismatch(&self) -> Option<(String, String)> {
        match (&self.current, self.running.name()) {
            (Some(current), Some(running)) if current != running => {
                Some((current.clone(), running.to_owned()))
            },
            _ => None,
        }
    }

    /// A release's `release.json`.
    pub fn info(&self, name: &str) -> Option<&ReleaseInfo> {
        self.releases
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, i)| i.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: &str = r#"{"version":"1.0","sha256":"ab","deployed_by":"a@b","deployed_at":"2026-01-01T00:00:00Z","source":"x","ployctl_version":"0.1.0"}"#;

    #[test]
    fn a_state_with_a_mismatch_and_an_armed_guard() {
        let text = format!(
            "release=1.0 {INFO}\nrelease=2.0 \ncurrent=releases/2.0\nrunning_pid=4242\nrunning=1.0\n\
             ledger={{\"at\":\"t\",\"release\":\"1.0\",\"state\":\"good\",\"by\":\"x\"}}\n\
             guard.token=abc\nguard.release=2.0\nguard.fallback=1.0\nguard.arm_deadline=100\nguard.window=30\n\
             guard_alive=yes\nstate=end\n"
        );
        let state = HostState::parse(&ScriptOutput::parse(&text)).unwrap();
        assert_eq!(state.current.as_deref(), Some("2.0"));
        assert_eq!(
            state.running,
            Running::Release {
                name: "1.0".into(),
                pid: 4242
            }
        );
        assert_eq!(state.mismatch(), Some(("2.0".into(), "1.0".into())));
        let guard = state.guard.as_ref().unwrap();
        assert_eq!(
            (guard.release.as_str(), guard.fallback.as_str()),
            ("2.0", "1.0")
        );
        assert!(state.guard_alive && state.firing.is_none());
        let entries = state.entries();
        assert_eq!(
            entries[0].name, "1.0",
            "a release without release.json sorts last"
        );
        assert!(entries[0].running && entries[0].state == Standing::Good);
        assert!(entries[1].current && entries[1].state == Standing::Unproven);
        assert!(
            !entries[0].previous,
            "the running release is not the rollback target"
        );
    }

    #[test]
    fn nothing_running_and_no_root() {
        let state = HostState::parse(&ScriptOutput::parse(
            "current=\nrunning_pid=\nrunning=\nstate=end\n",
        ))
        .unwrap();
        assert_eq!(state.running, Running::Nothing);
        assert_eq!(state.current, None);
        assert!(HostState::parse(&ScriptOutput::parse("lock=held\n")).is_none());
        let unknown = HostState::parse(&ScriptOutput::parse(
            "running_pid=7\nrunning=?\nstate=end\n",
        ))
        .unwrap();
        assert_eq!(unknown.running, Running::Unknown { pid: 7 });
    }
}
