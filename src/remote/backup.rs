//! The scripts of `ployctl backup` and `ployctl restore`: the current
//! release's `ploy db backup|verify|upload|list|download|restore` under the
//! host's `backups/`, reading every manifest, pruning (an archive first,
//! then its manifest, so a half-pruned backup is never listed as whole),
//! and the restore's own record (`.ployctl/restore.json`). A backup's name
//! is checked before it reaches a script; an `s3://` address is one
//! [`ploy_api::backup::Destination`] printed, and is quoted too.

use super::quote;

/// `ploy-…` of letters, digits, `.`, `_`, `-` (what `ploy db backup` names).
pub fn valid_name(name: &str) -> bool {
    name.starts_with("ploy-")
        && name.len() <= 120
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !name.contains("..")
}

fn ploy(prelude: &str) -> String {
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         P=\"$R/current/ploy\"; C=\"$R/config/config.toml\"\n\
         [ -x \"$P\" ] || {{ echo no_binary=1; exit 0; }}\n"
    )
}

/// The release's `ploy --config C ARGS` (shell words, already quoted), its
/// output kept in `run/TAG.out` and `run/TAG.err`: prints `TAG_rc=` (also
/// left in `$_rc`), block `BLOCK` (the output) and block `error`.
fn ploy_call(args: &str, tag: &str, block: &str) -> String {
    format!(
        "\"$P\" --config \"$C\" {args} > run/{tag}.out 2> run/{tag}.err\n\
         _rc=$?; echo \"{tag}_rc=$_rc\"\n\
         echo begin:{block}; cat run/{tag}.out; echo; echo end:{block}\n\
         echo begin:error; cat run/{tag}.err; echo end:error\n"
    )
}

/// Takes a backup into `backups/`: prints `backup_rc=` and block `manifest`
/// (the JSON), or block `error`.
pub fn take_script(prelude: &str, label: Option<&str>) -> String {
    let label = label
        .map(|l| format!(" --label {}", quote(l)))
        .unwrap_or_default();
    format!(
        "{}mkdir -p backups && chmod 0750 backups\n{}",
        ploy(prelude),
        ploy_call(
            &format!("db backup --out \"$R/backups\"{label} --json"),
            "backup",
            "manifest"
        )
    )
}

/// Every manifest under `backups/`, one JSON document per line in block
/// `manifests`, and a file per archive that is missing (`missing=NAME`).
pub fn list_script(prelude: &str) -> String {
    format!(
        "{prelude}cd \"$R\" || exit 1\n\
         echo begin:manifests\n\
         for f in backups/ploy-*.json; do [ -f \"$f\" ] && tr -d '\\n' < \"$f\" && echo; done\n\
         echo end:manifests\n"
    )
}

/// The restore drill of `name`: prints `verify_rc=` and block `manifest`,
/// or block `error`.
pub fn verify_script(prelude: &str, name: &str) -> String {
    format!(
        "{}{}",
        ploy(prelude),
        ploy_call(
            &format!("db verify \"$R/backups/\"{}.json --json", quote(name)),
            "verify",
            "manifest"
        )
    )
}

/// Copies every backup not copied to `dest` yet (`ploy db upload`): prints
/// `upload_rc=` and block `upload` (its JSON), or block `error`.
pub fn upload_script(prelude: &str, dest: &str) -> String {
    format!(
        "{}{}",
        ploy(prelude),
        ploy_call(
            &format!("db upload --to {} --dir \"$R/backups\" --json", quote(dest)),
            "upload",
            "upload"
        )
    )
}

/// The whole backups in object storage (`ploy db list --from`): prints
/// `list_rc=` and block `manifests` (a JSON document per line), or block
/// `error`.
pub fn remote_list_script(prelude: &str, dest: &str) -> String {
    format!(
        "{}{}",
        ploy(prelude),
        ploy_call(
            &format!("db list --from {} --json", quote(dest)),
            "list",
            "manifests"
        )
    )
}

/// Fetches backup `name` (the newest when `None`) from `dest` into
/// `backups/` (`ploy db download`): prints `download_rc=` and block
/// `manifest`, or block `error`.
pub fn download_script(prelude: &str, dest: &str, name: Option<&str>) -> String {
    let name = name
        .filter(|n| valid_name(n))
        .map(|n| format!(" {}", quote(n)))
        .unwrap_or_default();
    format!(
        "{}mkdir -p backups && chmod 0750 backups\n{}",
        ploy(prelude),
        ploy_call(
            &format!(
                "db download --from {}{name} --out \"$R/backups\" --json",
                quote(dest)
            ),
            "download",
            "manifest"
        )
    )
}

/// What a restore would replace by what (`ploy db restore --dry-run`), and
/// the restore's record if an earlier run left one: prints `plan_rc=`,
/// block `plan` (the JSON) or block `error`, `no_backup=1` when the backup
/// is not on the host, and `record=JSON`.
pub fn restore_plan_script(prelude: &str, name: &str) -> String {
    format!(
        "{}M=\"$R/backups/\"{name}.json\n\
         [ -f \"$R/.ployctl/restore.json\" ] && printf 'record=%s\\n' \"$(tr -d '\\n' < \"$R/.ployctl/restore.json\")\"\n\
         [ -f \"$M\" ] || {{ echo no_backup=1; exit 0; }}\n{call}",
        ploy(prelude),
        name = quote(name),
        call = ploy_call("db restore \"$M\" --dry-run --json", "plan", "plan")
    )
}

/// Writes the restore's record (`.ployctl/restore.json`) unless an earlier,
/// interrupted run left one, which is kept (it knows the kill switch from
/// before that run's halt). Prints `record=JSON` (the one in force).
pub fn restore_record_script(prelude: &str, record_json: &str) -> String {
    format!(
        "{prelude}mkdir -p \"$R/.ployctl\"\n\
         if [ ! -f \"$R/.ployctl/restore.json\" ]; then printf '%s\\n' {json} > \"$R/.ployctl/.restore.json.tmp\" && mv \"$R/.ployctl/.restore.json.tmp\" \"$R/.ployctl/restore.json\"; fi\n\
         printf 'record=%s\\n' \"$(tr -d '\\n' < \"$R/.ployctl/restore.json\")\"\n",
        json = quote(record_json)
    )
}

/// The restore itself, run to its end whatever happens to the connection:
/// the service stopped, `ploy db restore` (which keeps the database it
/// replaces as a backup, and saves the kill switch as halted with
/// `reason`), the record marked `restored` when it succeeded, then the
/// service started again (on the old database when the restore was
/// refused). Litestream's unit, where `host bootstrap --litestream`
/// enabled it, is stopped while the database file is replaced. Prints
/// `restore_rc=`, blocks `report` and `error`, `restart_rc=` and block
/// `restart_log`.
pub fn restore_script(prelude: &str, name: &str, reason: &str) -> String {
    format!(
        "{}M=\"$R/backups/\"{name}.json\n\
         LS=0; if command -v systemctl >/dev/null 2>&1 && [ \"$(systemctl is-enabled ploy-litestream 2>/dev/null)\" = enabled ]; then LS=1; sudo -n systemctl stop ploy-litestream; fi\n\
         stop_standby; stop_service\n{call}\
         if [ \"$_rc\" = 0 ] && [ -f \"$R/.ployctl/restore.json\" ]; then sed 's/\"phase\":\"started\"/\"phase\":\"restored\"/' \"$R/.ployctl/restore.json\" > \"$R/.ployctl/.restore.json.tmp\" && mv \"$R/.ployctl/.restore.json.tmp\" \"$R/.ployctl/restore.json\"; fi\n\
         echo begin:restart_log; restart_service 2>&1; _rs=$?; echo end:restart_log; echo \"restart_rc=$_rs\"\n\
         if [ \"$LS\" = 1 ]; then sudo -n systemctl restart ploy-litestream; fi\n",
        ploy(prelude),
        name = quote(name),
        call = ploy_call(
            &format!(
                "db restore \"$M\" --halt-reason {} --keep-dir \"$R/backups\" --json",
                quote(reason)
            ),
            "restore",
            "report"
        )
    )
}

/// Removes the restore's record (the restore is over). Prints `cleared=yes`.
pub fn restore_clear_script(prelude: &str) -> String {
    format!("{prelude}rm -f \"$R/.ployctl/restore.json\" && echo cleared=yes\n")
}

/// Removes each named backup: its archive(s), then its manifest; prints
/// `pruned=NAME` for each.
pub fn prune_script(prelude: &str, names: &[String]) -> String {
    let mut s = format!("{prelude}cd \"$R/backups\" || exit 1\n");
    for name in names.iter().filter(|n| valid_name(n)) {
        let q = quote(name);
        s.push_str(&format!(
            "rm -f {q}.db.gz {q}.dump && rm -f {q}.json && echo pruned={q}\n"
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_before_a_script_sees_them() {
        assert!(valid_name("ploy-20261202T101500Z-bot-1-before-v2"));
        for bad in ["ploy-../x", "x-ploy", "ploy-a b", "ploy-a;rm", "ploy-$(x)"] {
            assert!(!valid_name(bad), "{bad}");
        }
        let s = prune_script("R=/r\n", &["ploy-a".into(), "ploy-../etc".into()]);
        assert!(s.contains("pruned=ploy-a") && !s.contains("etc"), "{s}");
        let order = [
            s.find("ploy-a.db.gz").unwrap(),
            s.find("ploy-a.json").unwrap(),
        ];
        assert!(order[0] < order[1], "the archive goes before its manifest");
    }

    #[test]
    fn the_restore_stops_restores_marks_and_starts_in_that_order() {
        let s = restore_script("R=/r\n", "ploy-a", "restore of ploy-a by o'neil");
        let at = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("{needle}: {s}"));
        assert!(at("stop_service") < at("db restore"));
        assert!(at("db restore") < at("\"phase\":\"restored\""));
        assert!(at("\"phase\":\"restored\"") < at("restart_service"));
        assert!(
            s.contains("--halt-reason 'restore of ploy-a by o'\\''neil'"),
            "{s}"
        );
        let u = upload_script("R=/r\n", "s3://b/p/h1");
        assert!(u.contains("db upload --to s3://b/p/h1 --dir"), "{u}");
        assert!(!download_script("R=/r\n", "s3://b/p", Some("ploy-../x")).contains(".."));
    }
}
