//! A maintenance window on a host: `.ployctl/maintenance.json` says since
//! when, by whom, why, in which mode, and what to restore at the end; in
//! `paper` mode `.ployctl/maintenance.env` makes every start of the service
//! (a restart, a deploy during the window) run the engine in paper mode on a
//! database of its own, so the live orders, fills and positions stay as they
//! were. The scripts here write and remove them.

use ploy_api::TradingState;
use serde::{Deserialize, Serialize};

use super::quote;

/// What a maintenance window does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MaintenanceMode {
    /// The kill switch halted: nothing rests, nothing is placed.
    Halted,
    /// The kill switch reducing: positions may close, nothing grows.
    Reducing,
    /// The engine restarted in paper mode: the same market data, simulated
    /// fills, no keys used, its own database.
    Paper,
}

impl MaintenanceMode {
    /// The name as written in the file and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Halted => "halted",
            Self::Reducing => "reducing",
            Self::Paper => "paper",
        }
    }

    /// The kill-switch state the mode sets, if it sets one.
    pub fn trading_state(self) -> Option<TradingState> {
        match self {
            Self::Halted => Some(TradingState::Halted),
            Self::Reducing => Some(TradingState::Reducing),
            Self::Paper => None,
        }
    }
}

/// `.ployctl/maintenance.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Maintenance {
    /// When it started (RFC 3339, UTC).
    pub since: String,
    /// `user@machine`.
    pub by: String,
    /// The CI run, when under GitHub Actions.
    #[serde(default)]
    pub ci_run_url: Option<String>,
    /// Why.
    pub reason: String,
    /// The mode.
    pub mode: MaintenanceMode,
    /// The kill switch before the window (restored at its end).
    #[serde(default)]
    pub trading_before: Option<TradingState>,
}

impl Maintenance {
    /// One line for humans: "maintenance since … by … (reason), mode …".
    pub fn describe(&self) -> String {
        format!(
            "maintenance since {} by {} ({}), mode {}",
            self.since,
            self.ci_run_url.as_deref().unwrap_or(&self.by),
            self.reason,
            self.mode.as_str()
        )
    }

    /// How long it has lasted at `now`.
    pub fn lasted(&self, now: chrono::DateTime<chrono::Utc>) -> Option<std::time::Duration> {
        let since = chrono::DateTime::parse_from_rfc3339(&self.since).ok()?;
        (now - since.with_timezone(&chrono::Utc)).to_std().ok()
    }
}

/// The shell that prints `maintenance=JSON` when a window is open (after
/// the prelude).
pub const PRINT: &str = "[ -f \"$R/.ployctl/maintenance.json\" ] && printf 'maintenance=%s\\n' \"$(tr -d '\\n' < \"$R/.ployctl/maintenance.json\")\"\n";

/// What paper mode puts in `.ployctl/maintenance.env`: the engine's mode, and
/// a database of its own beside the live one (under `data/`, which the
/// systemd unit lets it write).
pub fn paper_env(root: &str) -> String {
    format!("PLOY_MODE=paper\nDATABASE_URL=sqlite://{root}/data/maintenance-paper.db\n")
}

/// Opens the window: writes the JSON (and, for paper, the env file) by
/// rename, so a reader never sees half of either. Prints `opened=yes`.
pub fn open_script(prelude: &str, window: &Maintenance, env: Option<&str>) -> String {
    let json = serde_json::to_string(window).expect("maintenance serializes");
    let env_part = match env {
        Some(text) => format!(
            "printf '%s' {} > \"$R/.ployctl/.maintenance.env.tmp\" && mv \"$R/.ployctl/.maintenance.env.tmp\" \"$R/.ployctl/maintenance.env\" && ",
            quote(text)
        ),
        None => String::new(),
    };
    format!(
        "{prelude}mkdir -p \"$R/.ployctl\" && {env_part}printf '%s\\n' {} > \"$R/.ployctl/.maintenance.json.tmp\" && mv \"$R/.ployctl/.maintenance.json.tmp\" \"$R/.ployctl/maintenance.json\" && echo opened=yes\n",
        quote(&json)
    )
}

/// Removes the paper env file (the next start is live again). Prints `live=yes`.
pub fn drop_env_script(prelude: &str) -> String {
    format!("{prelude}rm -f \"$R/.ployctl/maintenance.env\" && echo live=yes\n")
}

/// Closes the window. Prints `closed=yes`.
pub fn close_script(prelude: &str) -> String {
    format!(
        "{prelude}rm -f \"$R/.ployctl/maintenance.env\" \"$R/.ployctl/maintenance.json\" && echo closed=yes\n"
    )
}

/// Restarts the service; prints `restart_rc=` and the restart's output as block `restart_log`.
pub fn restart_script(prelude: &str) -> String {
    format!(
        "{prelude}echo begin:restart_log; restart_service 2>&1; _rc=$?; echo end:restart_log; echo \"restart_rc=$_rc\"\n"
    )
}

/// systemd: whether the unit reads `.ployctl/maintenance.env` (the unit
/// DEPLOYMENT.md gives does). Prints `unit_reads_env=yes|no`.
pub fn unit_check_script(prelude: &str) -> String {
    format!(
        "{prelude}if systemctl cat ploy 2>/dev/null | grep -q 'maintenance.env'; then echo unit_reads_env=yes; else echo unit_reads_env=no; fi\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(mode: MaintenanceMode) -> Maintenance {
        Maintenance {
            since: "2026-12-02T03:00:00Z".into(),
            by: "alice@laptop".into(),
            ci_run_url: None,
            reason: "exchange upgrade".into(),
            mode,
            trading_before: Some(TradingState::Active),
        }
    }

    #[test]
    fn a_window_is_written_by_rename_and_described() {
        let w = window(MaintenanceMode::Paper);
        let s = open_script("P\n", &w, Some(&paper_env("/opt/ploy")));
        assert!(s.starts_with("P\n"));
        assert!(
            s.contains("mv \"$R/.ployctl/.maintenance.json.tmp\" \"$R/.ployctl/maintenance.json\"")
        );
        assert!(s.contains("PLOY_MODE=paper"));
        assert!(s.contains("sqlite:///opt/ploy/data/maintenance-paper.db"));
        assert!(
            !open_script("P\n", &window(MaintenanceMode::Halted), None).contains("maintenance.env")
        );
        assert_eq!(
            w.describe(),
            "maintenance since 2026-12-02T03:00:00Z by alice@laptop (exchange upgrade), mode paper"
        );
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-02T04:30:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(w.lasted(now), Some(std::time::Duration::from_secs(5400)));
        let back: Maintenance = serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
        assert_eq!(back, w);
    }
}
