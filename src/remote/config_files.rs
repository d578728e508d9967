//! `config push`, `diff` and `history` on the host: a candidate arrives on
//! stdin as `config/.incoming-<token>.toml` and the current release checks
//! it; the switch keeps the old file as `config/history/<stamp>.toml`
//! (the newest `keep` are kept; names start with the UTC time, so they
//! sort by age), renames the new one over `config.toml`
//! (atomic on one filesystem) and restarts, with the host-side guard armed
//! first so an unconfirmed push is put back whatever happens to ployctl.

use super::guard::{arm_section, GuardFile};
use super::{checks, quote};

/// Writes stdin to `config/.incoming-<token>.toml`, says whether it equals
/// the config in place (`same=1`), and runs the current release's
/// `check-config --connect --json` on it (`check_rc`, blocks `check`,
/// `check_err`). Prints `incoming=` (its path) and `current=`.
pub fn stage_script(prelude: &str, token: &str) -> String {
    let mut s = checks::head(prelude, 0);
    s.push_str(&format!(
        "cd \"$R\" || exit 1\n\
         [ -x \"$P\" ] || exit 0\n\
         rm -f config/.incoming-*.toml\n\
         C=\"$R/config/.incoming-{token}.toml\"\n\
         mkdir -p config && cat > \"$C\" || {{ rm -f \"$C\"; echo upload_failed=1; exit 0; }}\n\
         echo \"incoming=$C\"\n\
         cmp -s \"$C\" config/config.toml && echo same=1\n",
        token = quote(token),
    ));
    s.push_str(&checks::background(
        "check",
        "check-config --connect --json",
    ));
    s.push_str("wait\n");
    s.push_str(&checks::collect("check"));
    s
}

/// Removes a staged candidate (it failed its check, or changes nothing).
pub fn unstage_script(prelude: &str, token: &str) -> String {
    format!(
        "{prelude}rm -f \"$R/config/.incoming-{}.toml\"\n",
        quote(token)
    )
}

/// Arms the guard (which puts `backup` back unless confirmed), keeps the
/// config in place as `config/history/<backup>`, renames the staged file
/// over it, restarts, records the start, and prunes history to the newest
/// `keep`. Prints `guard=armed`, `switched=yes|no`, `restart_rc=`, block
/// `restart_log`, and `pruned=` per removed file.
pub fn switch_script(
    prelude: &str,
    guard: &GuardFile,
    allowance_secs: u64,
    token: &str,
    keep: usize,
) -> String {
    let backup = guard.config_backup.as_deref().unwrap_or("missing.toml");
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         if [ -e .ployctl/guard ] || [ -e .ployctl/guard.firing ]; then echo activate=guard-busy; exit 0; fi\n\
         echo $$ > .ployctl/activating\n\
         {arm}mkdir -p config/history run\n\
         if cp config/config.toml config/history/{backup} && mv -f config/.incoming-{token}.toml config/config.toml; then echo switched=yes; else echo switched=no; rm -f .ployctl/activating; exit 0; fi\n\
         restart_service > run/restart.log 2>&1; echo \"restart_rc=$?\"\n\
         record_running {release}\n\
         date +%s > .ployctl/guard.started\n\
         echo begin:restart_log; cat run/restart.log; echo end:restart_log\n\
         ls -1r config/history/ 2>/dev/null | tail -n +{from} | while read -r f; do rm -f \"config/history/$f\" && echo \"pruned=$f\"; done\n\
         rm -f .ployctl/activating\n",
        arm = arm_section(prelude, guard, allowance_secs),
        backup = quote(backup),
        token = quote(token),
        release = quote(&guard.release),
        from = keep + 1,
    )
}

/// Claims the guard of `token` (the push is proven): `guard=confirmed`, or
/// `guard=lost` when it fired first.
pub fn claim_script(prelude: &str, token: &str) -> String {
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         if [ \"$(sed -n 's/^token=//p' .ployctl/guard 2>/dev/null)\" = {t} ] && mv .ployctl/guard .ployctl/guard.confirmed 2>/dev/null; then\n\
         \x20 echo guard=confirmed; rm -f .ployctl/guard.confirmed .ployctl/guard.started .ployctl/guard.fire\n\
         else echo guard=lost; fi\n",
        t = quote(token)
    )
}

/// The config in place (block `config`) and whether it exists.
pub fn read_script(prelude: &str) -> String {
    format!(
        "{prelude}if [ -f \"$R/config/config.toml\" ]; then echo exists=1; echo begin:config; cat \"$R/config/config.toml\"; echo; echo end:config; fi\n"
    )
}

/// The kept configs, newest first (`kept=<name> <bytes> <unix mtime>`), and
/// the config pushes in the audit log (block `pushes`, the last 20).
pub fn history_script(prelude: &str) -> String {
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         ls -1r config/history/ 2>/dev/null | while read -r f; do echo \"kept=$f $(wc -c < \"config/history/$f\") $(date -r \"config/history/$f\" +%s)\"; done\n\
         echo begin:pushes; grep -E '\"action\":\"(config-push|guard-config-putback)\"' .ployctl/audit.jsonl 2>/dev/null | tail -n 20; echo end:pushes\n"
    )
}

/// `config rollback`: prints a kept config as block `kept` with its name
/// (`kept_name=`): the newest, or the one named `name` (a file name under
/// `config/history/`, or a unique prefix of one).
pub fn read_kept_script(prelude: &str, name: Option<&str>) -> String {
    let pick = match name {
        None => "ls -1 config/history/ 2>/dev/null | sort | tail -n 1".to_owned(),
        Some(n) => format!(
            "ls -1 config/history/ 2>/dev/null | sort | grep -F -- {} | tail -n 1",
            quote(n)
        ),
    };
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         f=$({pick})\n\
         [ -n \"$f\" ] || {{ echo kept_name=; exit 0; }}\n\
         echo \"kept_name=$f\"\n\
         echo begin:kept; cat \"config/history/$f\"; echo; echo end:kept\n"
    )
}

/// A history file's name for a push at `unix` seconds (UTC) by `token`.
pub fn backup_name(unix: i64, token: &str) -> String {
    let at = chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default();
    format!(
        "{}-{}.toml",
        at.format("%Y%m%dT%H%M%SZ"),
        &token[..token.len().min(6)]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_arms_first_keeps_the_old_file_and_renames_the_new_one() {
        let guard = GuardFile {
            token: "t".into(),
            release: "1.0".into(),
            fallback: "1.0".into(),
            arm_deadline: 0,
            window: 30,
            watch: None,
            armed_by: "a@b".into(),
            health_timeout: 20,
            config_backup: Some("20261128T060000Z-abc123.toml".into()),
        };
        let s = switch_script("R=/r\n", &guard, 60, "tok", 10);
        let arm = s.find("setsid sh").unwrap();
        let keep = s
            .find("cp config/config.toml config/history/20261128T060000Z-abc123.toml")
            .unwrap();
        let rename = s
            .find("mv -f config/.incoming-tok.toml config/config.toml")
            .unwrap();
        let restart = s.find("restart_service > run/restart.log").unwrap();
        assert!(arm < keep && keep < rename && rename < restart, "{s}");
        assert!(s.contains("tail -n +11"));
        assert!(s.contains("config_backup=20261128T060000Z-abc123.toml"));
    }

    #[test]
    fn backup_names_sort_by_time() {
        assert_eq!(
            backup_name(1_764_309_600, "abcdef0123"),
            "20251128T060000Z-abcdef.toml"
        );
    }
}
