//! The scripts of a deploy, one per phase so a deploy costs a handful of round
//! trips: prepare (lock, preflight, state), upload (stream, verify,
//! check-config, place; on its own channel), activate (arm the guard, switch,
//! restart), confirm (ledger, prune, audit, unlock), and finish (audit and
//! unlock on any other ending). Each prints `key=value` lines, `t_<step>=ms`
//! timings measured on the host, and blocks of raw output
//! ([`super::ScriptOutput`]).

use super::guard::{arm_section, GuardFile};
use super::quote;
use super::state::STATE_SECTION;
use crate::inventory::ServiceKind;

/// Runs a release's `ploy check-config` from the root into a file (and its
/// exit status into `FILE.rc`), so two checks can run side by side.
const CHECK_CONFIG_FN: &str = r#"check_config() { ( cd "$R" && "$R/releases/$1/ploy" --config "$R/config/config.toml" check-config ) > "$2" 2>&1; echo $? > "$2.rc"; }
report_check() { echo "$1=$(cat "$2.rc" 2>/dev/null)"; echo "begin:$1"; cat "$2" 2>/dev/null; echo "end:$1"; rm -f "$2" "$2.rc"; }
"#;

/// Takes the lock (the lock file's text is `lock_json`), and when it is ours,
/// cleans interrupted uploads (all but `own_upload`, which may be streaming
/// now), checks the host (with `preflight`) and prints the state. Prints
/// `lock=acquired`, or `lock=held` and `held_lock=JSON`.
pub fn prepare_script(
    prelude: &str,
    lock_json: &str,
    preflight: Option<ServiceKind>,
    own_upload: Option<&str>,
) -> String {
    let own = quote(&format!("releases/{}", own_upload.unwrap_or(".tmp-none")));
    let checks = match preflight {
        None => String::new(),
        Some(service) => {
            let manager = match service {
                ServiceKind::Systemd => {
                    "if command -v systemctl >/dev/null 2>&1 && sudo -n -l systemctl restart ploy >/dev/null 2>&1; then echo manager=yes; else echo manager=no; fi"
                },
                ServiceKind::Daemon => {
                    "if command -v start-stop-daemon >/dev/null 2>&1; then echo manager=yes; else echo manager=no; fi"
                },
            };
            format!(
                "for d in releases/.tmp-*; do if [ -e \"$d\" ] && [ \"$d\" != {own} ]; then echo \"stale_upload=$d\"; rm -rf \"$d\"; fi; done\n\
                 echo \"free_kib=$(df -Pk releases | awk 'NR==2 {{print $4}}')\"\n\
                 if [ -f config/config.toml ]; then echo config=yes; else echo config=no; fi\n\
                 {manager}\n\
                 for tool in sha256sum setsid tee; do command -v \"$tool\" >/dev/null 2>&1 || echo \"missing_tool=$tool\"; done\n"
            )
        },
    };
    format!(
        "{prelude}mkdir -p \"$R\" && cd \"$R\" || exit 1\n\
         mkdir -p releases bin config data logs run .ployctl\n\
         t0=$(now_ms)\n\
         if ( set -C; printf '%s\\n' {lock} > .ployctl/lock ) 2>/dev/null; then echo lock=acquired; \
         else echo lock=held; printf 'held_lock=%s\\n' \"$(tr -d '\\n' < .ployctl/lock 2>/dev/null)\"; exit 0; fi\n\
         t1=$(now_ms); echo \"t_lock=$((t1 - t0))\"\n\
         {checks}{STATE_SECTION}\
         echo \"t_preflight=$(($(now_ms) - t1))\"\n",
        lock = quote(lock_json),
    )
}

/// Prints the state only (health, releases, and after a recovery).
pub fn state_script(prelude: &str) -> String {
    format!("{prelude}{STATE_SECTION}")
}

/// The upload channel's script, started at connect: it waits for a header on
/// stdin (`.tmp-NAME-NONCE`, release name, size, sha256, the `release.json`
/// line). When `releases/NAME` already holds that sha256 it says so and stops
/// reading (`exists=same`; another binary under that name: `exists=different`);
/// otherwise it streams the binary into `releases/.tmp-*`, hashing it as it
/// arrives, checks size and sha256, and runs the new release's `check-config`.
/// A release that passes stays staged in its `.tmp-*` folder, which the
/// activation (under the lock) moves into place; one that fails is removed.
/// Without a header it does nothing.
pub fn upload_script(prelude: &str) -> String {
    format!(
        "{prelude}{CHECK_CONFIG_FN}IFS= read -r tmp || exit 0\n\
         IFS= read -r name; IFS= read -r size; IFS= read -r sha; IFS= read -r info\n\
         for v in \"$name\" \"$size\" \"$sha\"; do case $v in ''|*[!A-Za-z0-9._+-]*) echo \"upload: malformed header\" >&2; exit 2 ;; esac; done\n\
         case $tmp in .tmp-*[!A-Za-z0-9._+-]*|.tmp-) echo \"upload: malformed header\" >&2; exit 2 ;; .tmp-*) ;; *) exit 2 ;; esac\n\
         mkdir -p \"$R/releases\" \"$R/run\" && cd \"$R/releases\" || exit 1\n\
         if [ -e \"$name\" ]; then\n\
         \x20 if grep -q \"\\\"sha256\\\":\\\"$sha\\\"\" \"$name/release.json\" 2>/dev/null; then echo exists=same; else echo exists=different; fi\n\
         \x20 exit 0\n\
         fi\n\
         mkdir \"$tmp\" || exit 1\n\
         t0=$(now_ms)\n\
         got=$(tee \"$tmp/ploy\" | sha256sum); got=${{got%% *}}\n\
         t1=$(now_ms); echo \"t_upload=$((t1 - t0))\"; echo \"sha256=$got\"\n\
         received=$(wc -c < \"$tmp/ploy\" | tr -d ' ')\n\
         if [ \"$got\" != \"$sha\" ] || [ \"$received\" != \"$size\" ]; then\n\
         \x20 echo verify=failed; echo \"received=$received\"; rm -rf \"$tmp\"; exit 0\n\
         fi\n\
         echo verify=ok\n\
         printf '%s\\n' \"$info\" > \"$tmp/release.json\" && chmod 0755 \"$tmp/ploy\" || exit 1\n\
         check_config \"$tmp\" \"$R/run/check-config$tmp\"\n\
         rc=$(cat \"$R/run/check-config$tmp.rc\" 2>/dev/null)\n\
         report_check check_config \"$R/run/check-config$tmp\"\n\
         echo \"t_check_config=$(($(now_ms) - t1))\"\n\
         if [ \"$rc\" = 0 ]; then echo staged=yes; else rm -rf \"$R/releases/$tmp\"; echo staged=no; fi\n"
    )
}

/// Runs the check-config of a release on the host (`name`) and of the
/// rollback target (`fallback`), side by side.
pub fn check_configs_script(prelude: &str, name: Option<&str>, fallback: Option<&str>) -> String {
    let name = name.map(quote).unwrap_or_default();
    let fallback = fallback.map(quote).unwrap_or_default();
    format!(
        "{prelude}{CHECK_CONFIG_FN}name={name}; fallback={fallback}\n\
         t0=$(now_ms)\n\
         [ -n \"$name\" ] && check_config \"$name\" \"$R/run/check-config.new\" &\n\
         [ -n \"$fallback\" ] && check_config \"$fallback\" \"$R/run/check-config.fallback\" &\n\
         wait\n\
         [ -n \"$name\" ] && report_check check_config \"$R/run/check-config.new\"\n\
         [ -n \"$fallback\" ] && report_check fallback_check \"$R/run/check-config.fallback\"\n\
         echo \"t_check_config=$(($(now_ms) - t0))\"\n"
    )
}

/// What an activation does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    /// The release to switch to and start.
    pub release: String,
    /// The guard to arm first (none without a good release to go back to).
    pub guard: Option<GuardFile>,
    /// How long the switch and restart may take before the guard's window starts.
    pub allowance_secs: u64,
    /// Ledger lines to append first (the new release `unproven`, an adoption).
    pub ledger_lines: Vec<String>,
    /// The upload folder (`.tmp-*`) to move into place as the release first.
    pub staged: Option<String>,
    /// Hand over to the standby `standby_script` started, instead of a restart.
    pub handover: bool,
}

/// Moves `staged` into place as `release` (if given), stops a standby left
/// over, starts `release` as a standby on `addr` and waits up to `ready_secs`
/// for its `/health` to say healthy. Prints `placed=`, `standby=ready`,
/// `exited` or `timeout` with `t_ready`; when not ready, the standby is
/// stopped and the log's last lines follow (`standby_log`). The service is
/// never touched: the old release keeps trading whatever happens.
pub fn standby_script(
    prelude: &str,
    release: &str,
    staged: Option<&str>,
    addr: &str,
    ready_secs: u64,
) -> String {
    let place = staged
        .map(|tmp| {
            format!(
                "if [ -e releases/{name} ] || ! mv releases/{tmp} releases/{name}; then echo placed=no; exit 0; fi\necho placed=yes\n",
                tmp = quote(tmp),
                name = quote(release)
            )
        })
        .unwrap_or_default();
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         stop_standby\n\
         {place}t0=$(now_ms)\n\
         url={url}\n\
         start_standby {name} {addr} > run/standby.log 2>&1 || {{ echo standby=exited; echo begin:standby_log; cat run/standby.log; echo end:standby_log; exit 0; }}\n\
         state=timeout\n\
         while [ $(( $(now_ms) - t0 )) -lt {ready_ms} ]; do\n\
         \x20 if ! alive \"$(standby_pid)\"; then state=exited; break; fi\n\
         \x20 if \"releases/\"{name}/ploy health-check --url \"$url\" --timeout 2s >/dev/null 2>&1; then state=ready; break; fi\n\
         \x20 pause 0.05\n\
         done\n\
         echo \"standby=$state\"; echo \"t_ready=$(($(now_ms) - t0))\"\n\
         if [ \"$state\" != ready ]; then\n\
         \x20 stop_standby\n\
         \x20 echo begin:standby_log; tail -n 20 logs/ploy.log 2>/dev/null; echo end:standby_log\n\
         fi\n",
        name = quote(release),
        addr = quote(addr),
        url = quote(&format!("http://{addr}/health")),
        ready_ms = ready_secs.max(1) * 1000,
    )
}

/// Arms the guard, switches `current`, restarts, and records what runs. It runs
/// to the end even if ployctl's connection drops halfway (hangups and broken
/// pipes are ignored), and the guard waits for it (`.ployctl/activating`).
pub fn activate_script(prelude: &str, activation: &Activation) -> String {
    let arm = activation
        .guard
        .as_ref()
        .map(|g| arm_section(prelude, g, activation.allowance_secs))
        .unwrap_or_default();
    let ledger: String = activation
        .ledger_lines
        .iter()
        .map(|l| format!("printf '%s\\n' {} >> .ployctl/ledger.jsonl\n", quote(l)))
        .collect();
    let place = activation
        .staged
        .as_ref()
        .map(|tmp| {
            format!(
                "if [ -e releases/{name} ] || ! mv releases/{tmp} releases/{name}; then echo placed=no; rm -f .ployctl/activating; exit 0; fi\necho placed=yes\n",
                tmp = quote(tmp),
                name = quote(&activation.release)
            )
        })
        .unwrap_or_default();
    let started = if activation.guard.is_some() {
        "date +%s > .ployctl/guard.started\n"
    } else {
        ""
    };
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         if [ -e .ployctl/guard ] || [ -e .ployctl/guard.firing ]; then echo activate=guard-busy; exit 0; fi\n\
         echo $$ > .ployctl/activating\n\
         t0=$(now_ms)\n\
         {place}{arm}echo \"t_guard=$(($(now_ms) - t0))\"\n\
         {ledger}t1=$(now_ms)\n\
         if switch_to {name}; then echo switched=yes; else echo switched=no; rm -f .ployctl/activating; exit 0; fi\n\
         t2=$(now_ms); echo \"t_switch=$((t2 - t1))\"; ts=$(date +%s)\n\
         {restart} > run/restart.log 2>&1; echo \"restart_rc=$?\"\n\
         record_running {name} \"$ts\"\n\
         {started}echo \"t_restart=$(($(now_ms) - t2))\"\n\
         echo begin:restart_log; cat run/restart.log; echo end:restart_log\n\
         rm -f .ployctl/activating\n",
        name = quote(&activation.release),
        restart = if activation.handover {
            "handover_service"
        } else {
            "restart_service"
        },
    )
}

/// Confirms a proven release: claims the guard of `token` (if one was armed;
/// when the guard fired first it prints `guard=lost` and changes nothing
/// else), appends the `good` verdict, removes `prune` (never the current or
/// running release), appends the audit line and releases the lock.
pub fn confirm_script(
    prelude: &str,
    token: Option<&str>,
    good_line: &str,
    prune: &[String],
    audit_line: &str,
    lock_token: &str,
) -> String {
    let claim = match token {
        Some(t) => format!(
            "if [ \"$(sed -n 's/^token=//p' .ployctl/guard 2>/dev/null)\" = {t} ] && mv .ployctl/guard .ployctl/guard.confirmed 2>/dev/null; then\n\
             \x20 echo guard=confirmed; rm -f .ployctl/guard.confirmed .ployctl/guard.started .ployctl/guard.fire\n\
             else echo guard=lost; exit 0; fi\n",
            t = quote(t)
        ),
        None => String::new(),
    };
    let doomed: Vec<String> = prune.iter().map(|p| quote(p)).collect();
    let prune_loop = if doomed.is_empty() {
        String::new()
    } else {
        format!(
            "keep_a=$(readlink current); keep_b=$(running_release)\n\
             for d in {}; do [ \"$keep_a\" = \"releases/$d\" ] || [ \"$keep_b\" = \"$d\" ] && continue; \
             rm -rf \"releases/$d\" && echo \"pruned=$d\"; done\n",
            doomed.join(" ")
        )
    };
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         t0=$(now_ms)\n\
         {claim}printf '%s\\n' {good} >> .ployctl/ledger.jsonl\n\
         t1=$(now_ms); echo \"t_confirm=$((t1 - t0))\"\n\
         {prune_loop}echo \"t_prune=$(($(now_ms) - t1))\"\n\
         {finish}",
        good = quote(good_line),
        finish = finish_section(audit_line, lock_token),
    )
}

/// Appends the audit line and releases the lock if it is still ours.
fn finish_section(audit_line: &str, lock_token: &str) -> String {
    let lock = "\"$R/.ployctl/lock\"";
    format!(
        "printf '%s\\n' {audit} >> \"$R/.ployctl/audit.jsonl\" && echo audited=yes\n\
         if grep -q {token} {lock} 2>/dev/null; then rm -f {lock}; echo unlocked=yes; else echo unlocked=not-ours; fi\n",
        audit = quote(audit_line),
        token = quote(&format!("\"token\":\"{lock_token}\"")),
    )
}

/// Ends any other way: appends the audit line (when given) and releases the lock.
pub fn finish_script(prelude: &str, audit_line: Option<&str>, lock_token: &str) -> String {
    match audit_line {
        Some(line) => format!("{prelude}{}", finish_section(line, lock_token)),
        None => {
            let section = finish_section("", lock_token);
            let unlock = section.lines().nth(1).unwrap_or_default();
            format!("{prelude}{unlock}\n")
        },
    }
}

/// Points `current` back at the release that runs (a deploy killed between
/// the switch and the restart left them apart), then prints the state.
pub fn point_current_script(prelude: &str, name: &str) -> String {
    format!(
        "{prelude}switch_to {} && echo pointed=yes\n{STATE_SECTION}",
        quote(name)
    )
}

/// Appends ledger lines.
pub fn ledger_script(prelude: &str, lines: &[String]) -> String {
    let quoted: Vec<String> = lines.iter().map(|l| quote(l)).collect();
    format!(
        "{prelude}printf '%s\n' {} >> \"$R/.ployctl/ledger.jsonl\"\n",
        quoted.join(" ")
    )
}

/// Exits 0 while the service process is alive (a zombie is not).
pub fn alive_script(prelude: &str) -> String {
    format!("{prelude}alive \"$(service_pid)\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_takes_the_lock_before_anything_else() {
        let s = prepare_script(
            "R=/r\n",
            "{\"token\":\"x\"}",
            Some(ServiceKind::Daemon),
            Some(".tmp-2.0-ab"),
        );
        let lock_at = s.find("set -C").unwrap();
        assert!(lock_at < s.find("stale_upload").unwrap());
        assert!(s.contains("printf '%s\\n' '{\"token\":\"x\"}' > .ployctl/lock"));
        assert!(s.contains("command -v start-stop-daemon"));
        assert!(s.ends_with("echo \"t_preflight=$(($(now_ms) - t1))\"\n"));
        assert!(
            s.contains("[ \"$d\" != releases/.tmp-2.0-ab ]"),
            "its own upload is kept"
        );
        assert!(!prepare_script("R=/r\n", "{}", None, None).contains("free_kib"));
    }

    #[test]
    fn the_upload_stops_early_for_a_known_release_and_checks_before_it_stages() {
        let s = upload_script("R=/r\n");
        let order: Vec<usize> = [
            "echo exists=same",
            "tee",
            "verify=ok",
            "report_check check_config",
            "staged=yes",
        ]
        .iter()
        .map(|n| s.find(n).unwrap_or_else(|| panic!("{n} missing")))
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert!(s.contains("got=$(tee \"$tmp/ploy\" | sha256sum)"));
        assert!(
            !s.contains("mv \"$tmp\""),
            "placing is the activation's, under the lock"
        );
    }

    #[test]
    fn activation_arms_then_switches_then_restarts() {
        let guard = GuardFile {
            token: "t".into(),
            release: "2.0".into(),
            fallback: "1.0".into(),
            arm_deadline: 0,
            window: 30,
            watch: None,
            armed_by: "a@b".into(),
            health_timeout: 20,
            config_backup: None,
        };
        let s = activate_script(
            "R=/r\n",
            &Activation {
                release: "2.0".into(),
                guard: Some(guard),
                allowance_secs: 40,
                ledger_lines: vec!["{\"l\":1}".into()],
                staged: Some(".tmp-2.0-ab".into()),
                handover: false,
            },
        );
        let order: Vec<usize> = [
            "mv releases/.tmp-2.0-ab releases/2.0",
            "echo guard=armed",
            ">> .ployctl/ledger.jsonl",
            "if switch_to 2.0;",
            "restart_service > run/restart.log",
            "date +%s > .ployctl/guard.started",
        ]
        .iter()
        .map(|needle| s.find(needle).unwrap_or_else(|| panic!("{needle} missing")))
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        let plain = activate_script(
            "R=/r\n",
            &Activation {
                release: "1.0".into(),
                guard: None,
                allowance_secs: 40,
                ledger_lines: vec![],
                staged: None,
                handover: true,
            },
        );
        assert!(!plain.contains("guard=armed") && !plain.contains("guard.started"));
        assert!(
            plain.contains("handover_service > run/restart.log")
                && !plain.contains("restart_service"),
            "a handover instead of a restart"
        );
    }

    #[test]
    fn confirm_claims_the_guard_then_records_prunes_audits_and_unlocks() {
        let s = confirm_script(
            "R=/r\n",
            Some("t1"),
            "{\"good\":1}",
            &["0.9".into()],
            "{\"a\":1}",
            "L",
        );
        assert!(s.contains("= t1 ] && mv .ployctl/guard .ployctl/guard.confirmed"));
        let order: Vec<usize> = [
            "guard=lost; exit 0",
            "ledger.jsonl",
            "releases/$d",
            "audit.jsonl",
            "unlocked=yes",
        ]
        .iter()
        .map(|n| s.find(n).unwrap())
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert!(s.contains("grep -q '\"token\":\"L\"'"));
        let unlock_only = finish_script("R=/r\n", None, "L");
        assert!(unlock_only.contains("unlocked=yes") && !unlock_only.contains("audit"));
    }
}
