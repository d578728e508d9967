//! `incident disk-full`: what fills a host's disks, and the steps that free
//! space in a safe order. The scripts print `key=value` lines; nothing here
//! ever removes the database, the current or previous release, or the config.

use super::quote;
use crate::inventory::ServiceKind;

/// Prints the filesystems (`fs=LABEL TOTAL_KB AVAIL_KB MOUNT`) of the root,
/// of `db_dir` (the SQLite database's folder, when there is one) and of the
/// journal (systemd), then the largest consumers (`use=KB PATH`, paths under
/// the root relative to it), and the journal's size (`journal_kb=`).
pub fn usage_script(prelude: &str, service: ServiceKind, db_dir: Option<&str>) -> String {
    let mut s = format!(
        "{prelude}cd \"$R\" || exit 1\n\
         fs() {{ df -Pk \"$2\" 2>/dev/null | awk -v l=\"$1\" 'NR == 2 {{ print \"fs=\" l \" \" $2 \" \" $4 \" \" $6 }}'; }}\n\
         fs root \"$R\"\n"
    );
    if let Some(dir) = db_dir {
        s.push_str(&format!("fs database {}\n", quote(dir)));
    }
    if service == ServiceKind::Systemd {
        s.push_str(
            "[ -d /var/log/journal ] && fs journal /var/log/journal\n\
             _j=$(journalctl --disk-usage 2>/dev/null || sudo -n journalctl --disk-usage 2>/dev/null)\n\
             echo \"$_j\" | grep -oE '[0-9.]+[KMGT]' | head -n 1 | sed 's/^/journal_size=/'\n",
        );
    }
    s.push_str(
        "for p in logs/* releases/* data/* config/history .ployctl backups; do [ -e \"$p\" ] && du -sk \"$p\" 2>/dev/null | awk '{ print \"use=\" $1 \" \" $2 }'; done\nexit 0\n",
    );
    s
}

/// Removes the named releases (the caller picks them; the current and the
/// running one are skipped here too). Prints `freed_kb=` and `pruned=NAME`.
pub fn prune_script(prelude: &str, releases: &[String]) -> String {
    let names: Vec<String> = releases.iter().map(|r| quote(r)).collect();
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         before=$(du -sk releases 2>/dev/null | awk '{{ print $1 }}')\n\
         keep_a=$(readlink current); keep_b=$(running_release)\n\
         for d in {}; do [ \"$keep_a\" = \"releases/$d\" ] || [ \"$keep_b\" = \"$d\" ] && continue; rm -rf \"releases/$d\" && echo \"pruned=$d\"; done\n\
         after=$(du -sk releases 2>/dev/null | awk '{{ print $1 }}')\n\
         echo \"freed_kb=$((before - after))\"\n",
        if names.is_empty() {
            "''".to_owned()
        } else {
            names.join(" ")
        }
    )
}

/// ploy's own logs (`logs/`): rotated ones are compressed and all but the
/// newest `keep` of them removed; a live log over `max_kb` keeps its last
/// `max_kb` as a compressed rotated file and is truncated in place (the
/// service appends, so it goes on writing at its start). Prints `freed_kb=`.
pub fn logs_script(prelude: &str, max_kb: u64, keep: usize) -> String {
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         [ -d logs ] || {{ echo freed_kb=0; exit 0; }}\n\
         before=$(du -sk logs | awk '{{ print $1 }}')\n\
         for f in logs/*.log.[0-9]*; do case \"$f\" in *.gz|*'*'*) ;; *) [ -f \"$f\" ] && gzip -f \"$f\";; esac; done\n\
         for f in logs/*.log; do [ -f \"$f\" ] || continue\n\
           if [ \"$(du -k \"$f\" | awk '{{ print $1 }}')\" -gt {max_kb} ]; then\n\
             tail -c {max_kb}k \"$f\" | gzip > \"$f.$(date -u +%Y%m%dT%H%M%SZ).gz\" && : > \"$f\"\n\
           fi\n\
         done\n\
         ls -1t logs/*.gz 2>/dev/null | tail -n +{} | while read -r f; do rm -f \"$f\"; done\n\
         after=$(du -sk logs | awk '{{ print $1 }}')\n\
         echo \"freed_kb=$((before - after))\"\n",
        keep + 1
    )
}

/// systemd: `journalctl --vacuum-size`. Prints `freed_kb=` (from df).
pub fn journal_script(prelude: &str, size: &str) -> String {
    format!(
        "{prelude}before=$(df -Pk /var/log/journal 2>/dev/null | awk 'NR == 2 {{ print $4 }}')\n\
         journalctl --vacuum-size={size} >/dev/null 2>&1 || sudo -n journalctl --vacuum-size={size} >/dev/null 2>&1\n\
         after=$(df -Pk /var/log/journal 2>/dev/null | awk 'NR == 2 {{ print $4 }}')\n\
         echo \"freed_kb=$(( ${{after:-0}} - ${{before:-0}} ))\"\n",
        size = quote(size)
    )
}

/// SQLite: the current release's `ploy db checkpoint --json` (the WAL moved
/// into the database and truncated). Prints `freed_kb=` and block `checkpoint`.
pub fn checkpoint_script(prelude: &str) -> String {
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         echo begin:checkpoint; \"$R/current/ploy\" --config \"$R/config/config.toml\" db checkpoint --json 2>&1; echo end:checkpoint\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_never_name_the_database_or_the_config() {
        for s in [
            usage_script("", ServiceKind::Systemd, Some("/opt/ploy/data")),
            prune_script("", &["old-1".to_owned()]),
            logs_script("", 10_240, 5),
            journal_script("", "200M"),
            checkpoint_script(""),
        ] {
            assert!(
                !s.contains("rm -rf data") && !s.contains("rm -f data"),
                "{s}"
            );
            assert!(
                !s.contains("rm -rf config") && !s.contains("rm -f config"),
                "{s}"
            );
            assert!(!s.contains("ploy.db\""), "{s}");
        }
        let p = prune_script("", &["old-1".to_owned(), "old 2".to_owned()]);
        assert!(p.contains("for d in old-1 'old 2'; do"), "{p}");
        assert!(
            p.contains("[ \"$keep_a\" = \"releases/$d\" ] || [ \"$keep_b\" = \"$d\" ] && continue")
        );
        assert!(journal_script("", "200M").contains("--vacuum-size=200M"));
    }
}
