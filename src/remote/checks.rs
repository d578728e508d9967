//! The read-only scripts of `validate-config`, `daily-check`, `status` and
//! `logs`: they run the host's current `ploy` (its `check-config`, `report`,
//! `positions`), look at the service, the disk and the service log, and print
//! `key=value` lines and `begin:`/`end:` blocks. Nothing here changes the
//! host except a candidate config file, which is removed when the script
//! ends however it ends.

use crate::inventory::ServiceKind;

/// The service log of the window, on stdout: the journal since `$since`
/// (Unix seconds, set by the script), or the daemon log's last 64 MiB (older
/// lines are dropped by the time filter that reads it).
pub fn log_source(service: ServiceKind) -> String {
    match service {
        ServiceKind::Systemd => format!(
            "{{ {} 2>/dev/null || sudo -n {}; }}",
            journal_command(false),
            journal_command(false)
        ),
        ServiceKind::Daemon => "tail -c 67108864 \"$R/logs/ploy.log\" 2>/dev/null".to_owned(),
    }
}

/// Where [`log_source`] reads, for humans.
pub fn log_source_name(service: ServiceKind) -> &'static str {
    match service {
        ServiceKind::Systemd => "journald (unit ploy)",
        ServiceKind::Daemon => "logs/ploy.log",
    }
}

/// An awk program that keeps lines at or after `since` (an RFC 3339 UTC
/// time, compared as text with each line's own timestamp; a line without one,
/// such as a panic's, belongs to the line before it).
const IN_WINDOW: &str = r#"{ if (match($0, /[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]/)) ts = substr($0, RSTART, RLENGTH) "Z" } ts < since { next }"#;

/// Counts, in the window, the engine's starts and its error lines (text and
/// JSON logs, and panics), keeping the last five: `log_starts`,
/// `log_errors`, block `errors`.
fn scan_log(service: ServiceKind) -> String {
    format!(
        "since_iso=$(date -u -d @$since +%Y-%m-%dT%H:%M:%SZ)\n\
         if {source} > \"$T/log\"; then\n\
         awk -v since=\"$since_iso\" '{IN_WINDOW}\n\
           /starting ploy/ {{ starts++ }}\n\
           / ERROR |\"level\":\"ERROR\"|panicked at/ {{ errors++; last[errors % 5] = $0 }}\n\
           END {{ print \"log_starts=\" starts + 0; print \"log_errors=\" errors + 0; print \"begin:errors\";\n\
                 for (i = errors - 4; i <= errors; i++) if (i > 0) print last[i % 5]; print \"end:errors\" }}' \"$T/log\"\n\
         else echo log_unreadable=1; fi\n\
         echo \"planned_starts=$(awk -v s=\"$since\" '$1 >= s' \"$R/.ployctl/starts\" 2>/dev/null | wc -l)\"\n",
        source = log_source(service),
    )
}

/// Runs one `ploy` subcommand of the current release in the background,
/// into `$T/NAME` (stdout), `$T/NAME.err` and `$T/NAME.rc`.
pub(crate) fn background(name: &str, args: &str) -> String {
    format!(
        "( cd \"$R\" && \"$P\" --config \"$C\" {args} > \"$T/{name}\" 2> \"$T/{name}.err\"; echo $? > \"$T/{name}.rc\" ) &\n"
    )
}

/// Prints what [`background`] left: `NAME_rc=`, block NAME and block NAME_err.
pub(crate) fn collect(name: &str) -> String {
    format!(
        "echo \"{name}_rc=$(cat \"$T/{name}.rc\" 2>/dev/null)\"\n\
         echo begin:{name}; cat \"$T/{name}\" 2>/dev/null; echo; echo end:{name}\n\
         echo begin:{name}_err; head -c 4000 \"$T/{name}.err\" 2>/dev/null; echo; echo end:{name}_err\n"
    )
}

/// The start of every script here: a private temporary folder removed on
/// exit, the current release's binary `P`, the config `C` and the window's
/// start `since` (`window` seconds before the host's now); prints `current`,
/// `running`, whether the binary is there.
pub(crate) fn head(prelude: &str, window: u64) -> String {
    format!(
        "{prelude}\
         since=$(( $(date +%s) - {window} ))\n\
         T=$(mktemp -d 2>/dev/null) || {{ T=/tmp/ployctl-$$; mkdir -p \"$T\"; }}\n\
         trap 'rm -rf \"$T\"' EXIT\n\
         P=\"$R/current/ploy\"; C=\"$R/config/config.toml\"\n\
         _c=$(readlink \"$R/current\" 2>/dev/null); echo \"current=${{_c#releases/}}\"\n\
         echo \"running=$(running_release)\"\n\
         [ -x \"$P\" ] || echo no_binary=1\n\
         {}",
        super::maintenance::PRINT
    )
}

/// `validate-config`: the current release's `check-config --connect --json`
/// against the host's config, or (with `candidate`) against a file read from
/// stdin into `config/.candidate-<pid>.toml` beside it (so the same `.env`
/// files apply) and removed afterwards. Prints `config=` (the file checked),
/// `check_rc=` and block `check`.
pub fn validate_script(prelude: &str, candidate: bool) -> String {
    let mut s = head(prelude, 0);
    if candidate {
        s.push_str(
            "C=\"$R/config/.candidate-$$.toml\"\n\
             trap 'rm -rf \"$T\"; rm -f \"$C\"' EXIT\n\
             mkdir -p \"$R/config\" && cat > \"$C\" || { echo upload_failed=1; exit 0; }\n",
        );
    }
    s.push_str("echo \"config=$C\"\n[ -x \"$P\" ] || exit 0\n");
    s.push_str(&background("check", "check-config --connect --json"));
    s.push_str("wait\n");
    s.push_str(&collect("check"));
    s
}

/// A deploy's quote gap: the start ployctl or the guard recorded last
/// (`restarted_at=`, Unix seconds) and the current release's `orders --json`
/// (block `orders`).
pub fn orders_script(prelude: &str) -> String {
    let mut s = head(prelude, 0);
    s.push_str(
        "echo \"restarted_at=$(sed -n 's/^at=//p' \"$R/.ployctl/running\" 2>/dev/null)\"\n\
         [ -x \"$P\" ] || exit 0\n",
    );
    s.push_str(&background("orders", "orders --json --limit 500"));
    s.push_str("wait\n");
    s.push_str(&collect("orders"));
    s
}

/// `incident stuck-orders`: the current release's `check-orders
/// --older-than N --json` with the host's config and `.env` (it asks the
/// exchange with the host's keys and never signs or posts). Prints
/// `orders_rc=` and block `orders`.
pub fn check_orders_script(prelude: &str, older_than_secs: u64) -> String {
    let mut s = head(prelude, 0);
    s.push_str("[ -x \"$P\" ] || exit 0\n");
    s.push_str(&background(
        "orders",
        &format!("check-orders --older-than {older_than_secs}s --json"),
    ));
    s.push_str("wait\n");
    s.push_str(&collect("orders"));
    s
}

/// `incident rate-limit`: in the window, the log lines that say the
/// exchange limited or refused us (counted per kind, the last five kept as
/// block `rl`; `rl_rate_limited=`, `rl_restarting=`, `rl_unavailable=`), the
/// host's config (block `config`), and the current release's `report` and
/// `check-config --connect` as JSON blocks.
pub fn rate_limit_script(prelude: &str, service: ServiceKind, window: u64) -> String {
    let mut s = head(prelude, window);
    s.push_str("[ -x \"$P\" ] || exit 0\n");
    s.push_str(&background(
        "report",
        &format!("report --since {}s --json", window.max(1)),
    ));
    s.push_str(&background("check", "check-config --connect --json"));
    let log = logs_script("", service, window, false);
    s.push_str(&format!(
        "( {} ) 2>/dev/null | grep -E 'rate limited by the exchange|matching engine is restarting|exchange is unavailable \\(503\\)|cancel-only' > \"$T/rl\"\n",
        log.trim_end().replace('\n', "\n  ")
    ));
    for (key, pattern) in [
        ("rl_rate_limited", "rate limited by the exchange"),
        ("rl_restarting", "matching engine is restarting"),
        ("rl_unavailable", "unavailable (503)\\|cancel-only"),
    ] {
        s.push_str(&format!(
            "echo \"{key}=$(grep -c -- '{pattern}' \"$T/rl\")\"\n"
        ));
    }
    s.push_str("echo begin:rl; tail -n 5 \"$T/rl\"; echo end:rl\n");
    s.push_str("echo begin:config; cat \"$C\" 2>/dev/null; echo; echo end:config\n");
    s.push_str("wait\n");
    s.push_str(&collect("report"));
    s.push_str(&collect("check"));
    s
}

/// What `daily-check` and `status` read on a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactsRequest {
    /// The service manager.
    pub service: ServiceKind,
    /// The window, seconds back from the host's now.
    pub window: u64,
    /// Run `check-config --connect` (exchange, clock skew, geoblock).
    pub connect: bool,
    /// Scan the service log of the window.
    pub scan_log: bool,
}

/// Reads the facts: the service (`active`, systemd's `unit_state`), the disk
/// (`disk_total_kb`, `disk_avail_kb`), optionally the log scan, and the
/// current release's `check-config`, `report` and `positions` as JSON blocks
/// (run side by side while the rest is read).
pub fn facts_script(prelude: &str, request: FactsRequest) -> String {
    let mut s = head(prelude, request.window);
    s.push_str("echo \"now=$(date +%s)\"\n");
    s.push_str("if alive \"$(service_pid)\"; then echo active=1; else echo active=0; fi\n");
    if request.service == ServiceKind::Systemd {
        s.push_str("echo \"unit_state=$(systemctl is-active ploy 2>/dev/null)\"\n");
    }
    s.push_str("if [ -x \"$P\" ]; then\n");
    let check = if request.connect {
        "check-config --connect --json"
    } else {
        "check-config --json"
    };
    s.push_str(&background("check", check));
    s.push_str(&background(
        "report",
        &format!("report --since {}s --json", request.window.max(1)),
    ));
    s.push_str(&background("positions", "positions --json"));
    s.push_str("fi\n");
    s.push_str(
        "df -Pk \"$R\" 2>/dev/null | awk 'NR == 2 { print \"disk_total_kb=\" $2; print \"disk_avail_kb=\" $4 }'\n",
    );
    if request.scan_log {
        s.push_str(&scan_log(request.service));
    }
    s.push_str(
        "echo begin:backups\nfor f in \"$R\"/backups/ploy-*.json; do [ -f \"$f\" ] && tr -d '\\n' < \"$f\" && echo; done\necho end:backups\n",
    );
    s.push_str("wait\n");
    for name in ["check", "report", "positions"] {
        s.push_str(&collect(name));
    }
    s
}

/// `logs`: the service log of the last `window` seconds, and with `follow`
/// what arrives after, until the connection ends. The daemon log is read
/// up to its size when the script starts, then followed from that byte, so
/// no line is shown twice or lost between the two.
pub fn logs_script(prelude: &str, service: ServiceKind, window: u64, follow: bool) -> String {
    let mut s = format!("{prelude}since=$(( $(date +%s) - {window} ))\n");
    match service {
        ServiceKind::Systemd => {
            s.push_str(&format!(
                "{} 2>/dev/null || sudo -n {}\n",
                journal_command(follow),
                journal_command(follow)
            ));
        },
        ServiceKind::Daemon => {
            s.push_str(&format!(
                "L=\"$R/logs/ploy.log\"\n\
                 [ -e \"$L\" ] || {{ echo \"no log at $L: ploy has not run under ployctl here\" >&2; exit 3; }}\n\
                 since_iso=$(date -u -d @$since +%Y-%m-%dT%H:%M:%SZ)\n\
                 size=$(wc -c < \"$L\")\n\
                 skip=$((size > 67108864 ? size - 67108864 : 0))\n\
                 tail -c +$((skip + 1)) \"$L\" | head -c $((size - skip)) | awk -v since=\"$since_iso\" '{IN_WINDOW} {{ print; fflush() }}'\n"
            ));
            if follow {
                s.push_str("exec tail -c +$((size + 1)) -F \"$L\" 2>/dev/null\n");
            }
        },
    }
    s
}

/// The journal of the unit since `$since`, as plain lines (the engine's own
/// timestamps and levels are in them).
pub fn journal_command(follow: bool) -> String {
    let f = if follow { " -f" } else { "" };
    format!("journalctl -u ploy --since @$since -o cat --no-pager{f}")
}

/// A candidate file's remote path in a report, shown as the local path the
/// operator named instead.
pub fn relocate(location: &str, remote: &str, local: &str) -> String {
    if remote.is_empty() {
        return location.to_owned();
    }
    location.replace(remote, local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systemd_logs_come_from_the_journal_with_the_exact_command() {
        let s = logs_script("", ServiceKind::Systemd, 3600, true);
        assert_eq!(
            s,
            "since=$(( $(date +%s) - 3600 ))\n\
             journalctl -u ploy --since @$since -o cat --no-pager -f 2>/dev/null || sudo -n journalctl -u ploy --since @$since -o cat --no-pager -f\n"
        );
        let scan = facts_script(
            "",
            FactsRequest {
                service: ServiceKind::Systemd,
                window: 86_400,
                connect: true,
                scan_log: true,
            },
        );
        assert!(scan.contains("since=$(( $(date +%s) - 86400 ))"), "{scan}");
        assert!(scan.contains("{ journalctl -u ploy --since @$since -o cat --no-pager 2>/dev/null || sudo -n journalctl -u ploy --since @$since -o cat --no-pager; } > \"$T/log\""), "{scan}");
        assert!(scan.contains("report --since 86400s --json"));
        assert!(scan.contains("echo \"unit_state=$(systemctl is-active ploy 2>/dev/null)\""));
        assert!(scan.contains("check-config --connect --json"));
    }

    #[test]
    fn daemon_logs_come_from_the_log_file() {
        let s = logs_script("", ServiceKind::Daemon, 10, false);
        assert!(s.contains("L=\"$R/logs/ploy.log\""));
        assert!(!s.contains("tail -c +$((size + 1)) -F"));
        assert!(logs_script("", ServiceKind::Daemon, 10, true).contains("-F \"$L\""));
        let scan = facts_script(
            "",
            FactsRequest {
                service: ServiceKind::Daemon,
                window: 5,
                connect: false,
                scan_log: false,
            },
        );
        assert!(!scan.contains("log_starts"), "status does not scan the log");
        assert!(scan.contains("check-config --json"));
        assert!(!scan.contains("unit_state"));
    }

    #[test]
    fn the_quote_gap_reads_the_last_start_and_the_current_release_orders() {
        let s = orders_script("");
        assert!(s.contains("restarted_at=$(sed -n 's/^at=//p' \"$R/.ployctl/running\""));
        assert!(s.contains("\"$P\" --config \"$C\" orders --json --limit 500 > \"$T/orders\""));
        assert!(s.contains("echo begin:orders; cat \"$T/orders\""));
    }

    #[test]
    fn a_candidate_is_written_beside_the_config_and_removed() {
        let s = validate_script("", true);
        assert!(s.contains("C=\"$R/config/.candidate-$$.toml\""));
        assert!(s.contains("trap 'rm -rf \"$T\"; rm -f \"$C\"' EXIT"));
        assert!(!validate_script("", false).contains("candidate"));
    }

    #[test]
    fn candidate_locations_name_the_local_file() {
        assert_eq!(
            relocate(
                "/opt/ploy/config/.candidate-9.toml:3:1",
                "/opt/ploy/config/.candidate-9.toml",
                "new.toml"
            ),
            "new.toml:3:1"
        );
    }
}
