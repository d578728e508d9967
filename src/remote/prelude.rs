//! The shell functions every host-side script starts with (after ignoring
//! hangups and broken pipes, so a script whose ployctl died runs to its end):
//! time, process
//! liveness (a zombie counts as gone), which release the live service process
//! runs, stopping and starting the service (each start ployctl or its guard
//! makes is appended to `.ployctl/starts`), switching `current`, and a health
//! check through a release's own `ploy health-check` (no curl on the host).

use super::quote;
use crate::inventory::ServiceKind;

/// The functions, for a root, a service manager and the `/health` URL as seen
/// from the host. Defines `R` (the root) and `HEALTH_URL`.
pub fn prelude(root: &str, service: ServiceKind, health_url: &str) -> String {
    let service_fns = match service {
        ServiceKind::Daemon => DAEMON,
        ServiceKind::Systemd => SYSTEMD,
    };
    format!(
        "R={root}\nHEALTH_URL={url}\n{COMMON}{service_fns}",
        root = quote(root.trim_end_matches('/')),
        url = quote(health_url),
    )
}

const COMMON: &str = r#"trap '' HUP PIPE
now_ms() { _t=$(date +%s%3N 2>/dev/null); case $_t in ''|*[!0-9]*) echo $(($(date +%s) * 1000)) ;; *) echo "$_t" ;; esac; }
pause() { sleep "$1" 2>/dev/null || sleep 1; }
alive() { [ "${1:-0}" -gt 0 ] 2>/dev/null && read -r _st 2>/dev/null < "/proc/$1/stat" && case ${_st##*) } in Z*) false ;; esac; }
running_release() {
  _p=$(service_pid); alive "$_p" || return 0
  _e=$(readlink "/proc/$_p/exe" 2>/dev/null); _e=${_e% (deleted)}
  _r=$(cd "$R" && pwd -P)
  case $_e in "$_r"/releases/*/ploy) _n=${_e#"$_r"/releases/}; echo "${_n%/ploy}"; return 0 ;; esac
  if [ "$(sed -n 's/^pid=//p' "$R/.ployctl/running" 2>/dev/null)" = "$_p" ]; then sed -n 's/^release=//p' "$R/.ployctl/running"; return 0; fi
  echo '?'
}
record_running() {
  printf 'release=%s\npid=%s\nat=%s\n' "$1" "$(service_pid)" "$(date +%s)" > "$R/.ployctl/running.tmp" && mv -f "$R/.ployctl/running.tmp" "$R/.ployctl/running"
  echo "${2:-$(date +%s)} $1" >> "$R/.ployctl/starts"
  if [ "$(wc -l < "$R/.ployctl/starts")" -gt 1000 ]; then tail -n 500 "$R/.ployctl/starts" > "$R/.ployctl/starts.tmp" && mv -f "$R/.ployctl/starts.tmp" "$R/.ployctl/starts"; fi
}
switch_to() {
  [ -x "$R/releases/$1/ploy" ] || { echo "releases/$1/ploy is missing or not executable" >&2; return 1; }
  ln -sfn "releases/$1" "$R/.current.tmp" && mv -fT "$R/.current.tmp" "$R/current" && mkdir -p "$R/bin" &&
    ln -sfn ../current/ploy "$R/bin/.ploy.tmp" && mv -fT "$R/bin/.ploy.tmp" "$R/bin/ploy"
}
health_ok() { alive "$(service_pid)" && "$R/releases/$1/ploy" health-check --url "$HEALTH_URL" --timeout 2s >/dev/null 2>&1; }
"#;

/// start-stop-daemon with a pid file. `--background` gives ploy a session of
/// its own, so a stop signals that whole process group (a wrapper's children
/// too, as systemd's control group would) and waits for the process and its
/// children, a zombie counting as gone. A maintenance window's
/// `.ployctl/maintenance.env` is exported into every start (the systemd unit
/// reads it as an `EnvironmentFile`), with the open-file limit raised to the
/// hard limit (the unit sets `LimitNOFILE`). A deploy user's PATH often
/// lacks the sbin folders (Debian's default for non-root users), where
/// `start-stop-daemon` lives.
///
/// A standby handover (daemon only): `start_standby RELEASE ADDR` starts
/// `releases/RELEASE/ploy run --standby-bind ADDR` beside the service, with
/// its own pid file (`run/ploy-standby.pid`) and the same log;
/// `handover_service` tells it to take over (SIGUSR1), stops the old
/// process (which cancels its quotes and lets the trading lease go) and
/// makes the standby the service (its pid file becomes `run/ploy.pid`), or
/// restarts when the standby is gone. A restart stops a standby left over.
const DAEMON: &str = r#"case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac
service_pid() { cat "$R/run/ploy.pid" 2>/dev/null; }
ours() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$R/"; }
any_alive() { for _x in "$@"; do alive "$_x" && return 0; done; return 1; }
stop_service() {
  _p=$(service_pid)
  if alive "$_p" && ours "$_p"; then
    _kids=$(cat /proc/"$_p"/task/*/children 2>/dev/null)
    _gs=$(sed 's/.*) //' "/proc/$_p/stat" 2>/dev/null | cut -d' ' -f3,4); _g=${_gs% *}; _s=${_gs#* }
    _mine=$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f3)
    if [ -n "$_g" ] && [ "$_g" = "$_s" ] && [ "$_g" != "$_mine" ]; then _t=-$_g; else _t=$_p; fi
    kill -TERM "$_t" 2>/dev/null || kill -TERM "$_p" 2>/dev/null
    _i=0; while any_alive "$_p" $_kids && [ $_i -lt 3000 ]; do pause 0.005; _i=$((_i + 1)); done
    if any_alive "$_p" $_kids; then
      kill -KILL "$_t" 2>/dev/null || kill -KILL "$_p" 2>/dev/null
      _i=0; while any_alive "$_p" $_kids && [ $_i -lt 500 ]; do pause 0.01; _i=$((_i + 1)); done
    fi
  fi
  rm -f "$R/run/ploy.pid"
}
start_service() {
  mkdir -p "$R/run" "$R/logs" && (
    if [ -f "$R/.ployctl/maintenance.env" ]; then set -a; . "$R/.ployctl/maintenance.env"; set +a; fi
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || :
    start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$R/run/ploy.pid" \
      --chdir "$R" --output "$R/logs/ploy.log" --exec "$R/bin/ploy" -- --config "$R/config/config.toml" run
  )
}
restart_service() { stop_standby; stop_service; start_service; }
standby_pid() { cat "$R/run/ploy-standby.pid" 2>/dev/null; }
stop_standby() {
  _p=$(standby_pid)
  if alive "$_p" && ours "$_p"; then
    kill -TERM "$_p" 2>/dev/null
    _i=0; while alive "$_p" && [ $_i -lt 3000 ]; do pause 0.005; _i=$((_i + 1)); done
    alive "$_p" && kill -KILL "$_p" 2>/dev/null
  fi
  rm -f "$R/run/ploy-standby.pid"
}
start_standby() {
  mkdir -p "$R/run" "$R/logs" && (
    if [ -f "$R/.ployctl/maintenance.env" ]; then set -a; . "$R/.ployctl/maintenance.env"; set +a; fi
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || :
    start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$R/run/ploy-standby.pid" \
      --chdir "$R" --output "$R/logs/ploy.log" --exec "$R/releases/$1/ploy" -- --config "$R/config/config.toml" run --standby-bind "$2"
  )
}
handover_service() {
  _n=$(standby_pid)
  if ! alive "$_n"; then echo "the standby is gone; restarting instead"; restart_service; return; fi
  kill -USR1 "$_n" && stop_service && mv -f "$R/run/ploy-standby.pid" "$R/run/ploy.pid"
}
"#;

/// systemd: the unit `ploy`, restarted through the sudo rule DEPLOYMENT.md gives.
const SYSTEMD: &str = r#"service_pid() { systemctl show -p MainPID --value ploy 2>/dev/null; }
stop_service() { sudo -n systemctl stop ploy; }
restart_service() { sudo -n systemctl restart ploy; }
stop_standby() { :; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prelude_names_root_and_url_and_the_manager() {
        let daemon = prelude(
            "/srv/my ploy/",
            ServiceKind::Daemon,
            "http://127.0.0.1:8080/health",
        );
        assert!(daemon
            .starts_with("R='/srv/my ploy'\nHEALTH_URL=http://127.0.0.1:8080/health\ntrap '' HUP PIPE\nnow_ms() {"));
        assert!(daemon.contains("start-stop-daemon --start"));
        let systemd = prelude(
            "/opt/ploy",
            ServiceKind::Systemd,
            "http://127.0.0.1:8080/health",
        );
        assert!(systemd.contains("restart_service() { sudo -n systemctl restart ploy; }"));
        assert!(!systemd.contains("start-stop-daemon"));
    }
}
