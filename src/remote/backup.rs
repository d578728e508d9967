//! The scripts of `ployctl backup`: the current release's `ploy db backup`
//! and `ploy db verify` under the host's `backups/`, reading every manifest,
//! and pruning (an archive first, then its manifest, so a half-pruned backup
//! is never listed as whole). A backup's name is checked before it reaches
//! a script.

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

/// Takes a backup into `backups/`: prints `backup_rc=` and block `manifest`
/// (the JSON), or block `error`.
pub fn take_script(prelude: &str, label: Option<&str>) -> String {
    let label = label
        .map(|l| format!(" --label {}", quote(l)))
        .unwrap_or_default();
    format!(
        "{}mkdir -p backups && chmod 0750 backups\n\
         \"$P\" --config \"$C\" db backup --out \"$R/backups\"{label} --json > run/backup.out 2> run/backup.err\n\
         echo \"backup_rc=$?\"\n\
         echo begin:manifest; cat run/backup.out; echo; echo end:manifest\n\
         echo begin:error; cat run/backup.err; echo end:error\n",
        ploy(prelude)
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
        "{}\"$P\" --config \"$C\" db verify \"$R/backups/\"{name}.json --json > run/verify.out 2> run/verify.err\n\
         echo \"verify_rc=$?\"\n\
         echo begin:manifest; cat run/verify.out; echo; echo end:manifest\n\
         echo begin:error; cat run/verify.err; echo end:error\n",
        ploy(prelude),
        name = quote(name)
    )
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
}
