//! Service managers: where `ploy`'s log is read from. Stopping, starting and
//! asking what runs are shell functions in [`super::prelude`].

use super::layout::Layout;
use super::quote;
use crate::inventory::ServiceKind;

/// Prints the last `n` log lines.
pub fn logs_script(kind: ServiceKind, layout: &Layout, n: usize) -> String {
    match kind {
        ServiceKind::Systemd => format!(
            "journalctl -u ploy -n {n} --no-pager 2>/dev/null || sudo -n journalctl -u ploy -n {n} --no-pager"
        ),
        ServiceKind::Daemon => format!(
            "tail -n {n} {} 2>/dev/null || true",
            quote(&layout.path("logs/ploy.log"))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_come_from_the_journal_or_the_daemon_log() {
        let l = Layout::new("/srv/p");
        assert!(logs_script(ServiceKind::Systemd, &l, 50)
            .starts_with("journalctl -u ploy -n 50 --no-pager"));
        assert_eq!(
            logs_script(ServiceKind::Daemon, &l, 50),
            "tail -n 50 /srv/p/logs/ploy.log 2>/dev/null || true"
        );
    }
}
