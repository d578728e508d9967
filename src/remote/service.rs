//! Service managers: how to restart `ploy`, ask whether it runs, and read its logs.

use super::layout::Layout;
use super::quote;
use crate::inventory::ServiceKind;

/// Restarts the service (stop, then start). For the daemon manager the restart
/// runs in its own session (`setsid -w`), so a dropped SSH connection cannot
/// kill it between the stop and the start.
pub fn restart_script(kind: ServiceKind, layout: &Layout) -> String {
    match kind {
        ServiceKind::Systemd => "sudo -n systemctl restart ploy".to_owned(),
        ServiceKind::Daemon => {
            let inner = format!("{}\n{}", stop_daemon(layout), start_daemon(layout));
            let log = quote(&layout.path("run/restart.log"));
            format!(
                "mkdir -p {run} && setsid -w sh -c {inner} > {log} 2>&1; rc=$?; cat {log}; exit $rc",
                run = quote(&layout.path("run")),
                inner = quote(&inner),
            )
        },
    }
}

/// Stops the service.
pub fn stop_script(kind: ServiceKind, layout: &Layout) -> String {
    match kind {
        ServiceKind::Systemd => "sudo -n systemctl stop ploy".to_owned(),
        ServiceKind::Daemon => stop_daemon(layout),
    }
}

fn pidfile(layout: &Layout) -> String {
    quote(&layout.path("run/ploy.pid"))
}

fn stop_daemon(layout: &Layout) -> String {
    format!(
        "start-stop-daemon --stop --quiet --pidfile {} --remove-pidfile --retry TERM/15/KILL/5 || true",
        pidfile(layout)
    )
}

fn start_daemon(layout: &Layout) -> String {
    format!(
        "mkdir -p {run} {logs} && start-stop-daemon --start --quiet --background --make-pidfile --pidfile {pid} \
         --chdir {root} --output {log} --exec {bin} -- --config {config} run",
        run = quote(&layout.path("run")),
        logs = quote(&layout.path("logs")),
        pid = pidfile(layout),
        root = quote(layout.root()),
        log = quote(&layout.path("logs/ploy.log")),
        bin = quote(&layout.path("bin/ploy")),
        config = quote(&layout.config_file()),
    )
}

/// Exits 0 when the service runs.
pub fn status_script(kind: ServiceKind, layout: &Layout) -> String {
    match kind {
        ServiceKind::Systemd => "systemctl is-active --quiet ploy".to_owned(),
        ServiceKind::Daemon => format!("start-stop-daemon --status --pidfile {}", pidfile(layout)),
    }
}

/// Prints the last `n` log lines.
pub fn logs_script(kind: ServiceKind, layout: &Layout, n: usize) -> String {
    match kind {
        ServiceKind::Systemd => format!(
            "journalctl -u ploy -n {n} --no-pager 2>/dev/null || sudo -n journalctl -u ploy -n {n} --no-pager"
        ),
        ServiceKind::Daemon => format!("tail -n {n} {} 2>/dev/null || true", quote(&layout.path("logs/ploy.log"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systemd_commands() {
        let l = Layout::new("/opt/ploy");
        assert_eq!(
            restart_script(ServiceKind::Systemd, &l),
            "sudo -n systemctl restart ploy"
        );
        assert_eq!(
            status_script(ServiceKind::Systemd, &l),
            "systemctl is-active --quiet ploy"
        );
        assert!(logs_script(ServiceKind::Systemd, &l, 50)
            .starts_with("journalctl -u ploy -n 50 --no-pager"));
    }

    #[test]
    fn daemon_runs_bin_ploy_with_the_host_config() {
        let l = Layout::new("/srv/p");
        assert_eq!(
            restart_script(ServiceKind::Daemon, &l),
            "mkdir -p /srv/p/run && setsid -w sh -c 'start-stop-daemon --stop --quiet --pidfile /srv/p/run/ploy.pid \
             --remove-pidfile --retry TERM/15/KILL/5 || true\n\
             mkdir -p /srv/p/run /srv/p/logs && start-stop-daemon --start --quiet --background --make-pidfile \
             --pidfile /srv/p/run/ploy.pid --chdir /srv/p --output /srv/p/logs/ploy.log --exec /srv/p/bin/ploy \
             -- --config /srv/p/config/config.toml run' > /srv/p/run/restart.log 2>&1; rc=$?; cat /srv/p/run/restart.log; exit $rc"
        );
        assert_eq!(
            logs_script(ServiceKind::Daemon, &l, 50),
            "tail -n 50 /srv/p/logs/ploy.log 2>/dev/null || true"
        );
    }
}
