//! `ployctl host bootstrap`: the script that prepares a fresh host from the
//! files in `templates/` and `deployment/systemd/`, and the parser of what it
//! prints.
//!
//! Every task checks first and changes only what differs, so a second run
//! changes nothing: the service account (`ploy`, a system user whose home is
//! the root), the root's folders (owner `ploy:ploy`, mode 0750), an
//! authorized key for the deploy user, `config/config.toml` from the template
//! when absent (never overwritten), `.env` with the secrets' names only when
//! absent (mode 0600; its content is never read), and per service manager
//! either the systemd unit, its enablement, the sudoers rule (written to a
//! temporary file, checked by `visudo -cf`, then renamed into place) and the
//! journal group, or the daemon's `start-stop-daemon`; with `--litestream`
//! (systemd), Litestream's config and unit, enabled, replicating the SQLite
//! database to object storage. Files are written to a
//! temporary name and renamed, so an interrupted run leaves each file whole
//! and the next run finishes the job (and removes any temporary file a
//! killed run left); hangups are ignored, so a run whose ployctl dies goes
//! on to its end. The script runs as root: directly when
//! the login user is root, else through `sudo -n`.
//!
//! Each task prints `task<TAB>status<TAB>name<TAB>detail`; a failed task ends
//! the script (later tasks depend on earlier ones, as in Ansible).

use serde::Serialize;

use super::quote;
use crate::inventory::ServiceKind;

/// The account the engine runs as and the deploy user (the unit's `User=`).
pub const ACCOUNT: &str = "ploy";

const CONFIG_TEMPLATE: &str = include_str!("../../templates/config.toml");
const ENV_TEMPLATE: &str = include_str!("../../templates/env");
const SUDOERS_TEMPLATE: &str = include_str!("../../templates/sudoers");
const UNIT_TEMPLATE: &str = include_str!("../../deployment/systemd/ploy.service");
const LITESTREAM_UNIT: &str = include_str!("../../deployment/systemd/ploy-litestream.service");
const LITESTREAM_CONFIG: &str = include_str!("../../templates/litestream.yml");

/// Where the templates say the root is; replaced by the host's.
const TEMPLATE_ROOT: &str = "/opt/ploy";

/// The folders under the root, created `ploy:ploy` 0750 (`""` is the root).
pub const FOLDERS: &[&str] = &["", "config", "data", "logs", "run", "releases", ".ployctl"];

/// What a bootstrap is to do on one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapSpec<'a> {
    /// The host's root (absolute, checked by [`root_problem`]).
    pub root: &'a str,
    /// The service manager to prepare for.
    pub service: ServiceKind,
    /// Say what would change, change nothing.
    pub dry_run: bool,
    /// A public key to let log in as the deploy user.
    pub authorized_key: Option<&'a str>,
    /// Litestream's replica, when it is to be installed.
    pub litestream: Option<&'a ploy_api::backup::Destination>,
}

/// How a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    /// Already as wanted.
    Ok,
    /// Changed (in a dry run: would change).
    Changed,
    /// Could not be done; the tasks after it did not run.
    Failed,
    /// Not needed on this host.
    Skipped,
}

impl TaskStatus {
    /// The word printed for it.
    pub fn as_str(self, dry_run: bool) -> &'static str {
        match self {
            TaskStatus::Ok => "ok",
            TaskStatus::Changed if dry_run => "would change",
            TaskStatus::Changed => "changed",
            TaskStatus::Failed => "failed",
            TaskStatus::Skipped => "skipped",
        }
    }
}

/// One task's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// What it is about (`user ploy`, `folder /opt/ploy/data`).
    pub name: String,
    /// How it ended.
    pub status: TaskStatus,
    /// What was found or done.
    pub detail: String,
}

/// What the script printed besides its tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BootstrapOutput {
    /// The tasks, in order.
    pub tasks: Vec<Task>,
    /// The login user is not root and has no passwordless sudo.
    pub no_privilege: bool,
    /// The login user's name.
    pub login_user: Option<String>,
    /// A release is installed (`current/ploy` runs), so its
    /// `check-config` can judge the config.
    pub has_release: bool,
    /// The root part ran to its end (every task ran, none failed).
    pub finished: bool,
}

/// Why `root` cannot be bootstrapped, if it cannot: it goes into a systemd
/// unit and a sudoers-adjacent world, so only plain absolute paths.
pub fn root_problem(root: &str) -> Option<String> {
    let plain = root.len() > 1
        && root.starts_with('/')
        && root
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'))
        && !root.split('/').any(|part| part == "..");
    (!plain).then(|| {
        format!(
            "root {root:?} must be an absolute path of letters, digits, '/', '.', '_' and '-' (it is written into the systemd unit)"
        )
    })
}

/// Why `text` is not one OpenSSH public key line, if it is not. A private
/// key is refused without quoting it.
pub fn authorized_key_problem(text: &str) -> Option<String> {
    if text.contains("PRIVATE KEY") {
        return Some(
            "that file is a private key; give the public key (the .pub file) instead".to_owned(),
        );
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let [line] = lines.as_slice() else {
        return Some(format!(
            "an authorized key file holds one public key line; this one has {}",
            lines.len()
        ));
    };
    let known = [
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-",
        "sk-ssh-ed25519",
        "sk-ecdsa-sha2-",
    ];
    let kind = line.split_whitespace().next().unwrap_or_default();
    let printable = line.chars().all(|c| (' '..='~').contains(&c));
    (!(printable
        && known.iter().any(|k| kind.starts_with(k))
        && line.split_whitespace().count() >= 2))
        .then(|| "not an OpenSSH public key line (ssh-ed25519 AAAA… comment)".to_owned())
}

/// The one public key line of a checked key file.
pub fn authorized_key_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or_default()
}

/// The systemd unit for a root.
pub fn unit(root: &str) -> String {
    UNIT_TEMPLATE.replace(TEMPLATE_ROOT, root)
}

/// Litestream's config for a root and a replica.
pub fn litestream_config(root: &str, replica: &ploy_api::backup::Destination) -> String {
    LITESTREAM_CONFIG
        .replace(TEMPLATE_ROOT, root)
        .replace("@BUCKET@", &replica.bucket)
        .replace("@PATH@", &replica.prefix)
}

/// Litestream's unit for a root (its `ExecStart` names `/usr/bin/litestream`;
/// the script puts the host's binary there).
pub fn litestream_unit(root: &str) -> String {
    LITESTREAM_UNIT.replace(TEMPLATE_ROOT, root)
}

/// The config template for a root (its comments name the root).
pub fn config_template(root: &str) -> String {
    CONFIG_TEMPLATE.replace(TEMPLATE_ROOT, root)
}

/// A here-document of `text` under `delimiter`, which no line of it may be.
fn heredoc(delimiter: &str, text: &str) -> String {
    debug_assert!(text.lines().all(|l| l != delimiter), "{delimiter} in text");
    let mut s = format!("<<'{delimiter}'\n{text}");
    if !text.ends_with('\n') {
        s.push('\n');
    }
    s.push_str(delimiter);
    s.push('\n');
    s
}

/// The functions every task uses.
const FUNCTIONS: &str = r#"task() { printf 'task\t%s\t%s\t%s\n' "$1" "$2" "$3"; }
ok() { task ok "$1" "$2"; }
fail() { task failed "$1" "$2"; exit 0; }
# apply NAME WHAT COMMAND...: in a dry run only says so; a failure ends the run.
apply() {
  _n=$1; _w=$2; shift 2
  if [ "$DRY" = 1 ]; then task changed "$_n" "$_w"; return 0; fi
  if _e=$("$@" 2>&1); then task changed "$_n" "$_w"
  else fail "$_n" "$_w: $(printf '%s' "$_e" | tr '\t\n' '  ' | cut -c1-400)"; fi
}
# put FILE MODE [OWNER]: stdin into FILE through a temporary name, then rename.
put() {
  _t="$(dirname "$1")/.$(basename "$1").ployctl-$$"
  if cat > "$_t" && chmod "$2" "$_t" && chown "${3:-$U:$U}" "$_t" && mv -f "$_t" "$1"; then return 0; fi
  rm -f "$_t"; return 1
}
have() { stat -c '%U:%G %a' "$1" 2>/dev/null; }
folder() {
  _p=$1; _m=$2
  if [ ! -d "$_p" ]; then apply "folder $_p" "create it ($U:$U $_m)" install -d -o "$U" -g "$U" -m "$_m" "$_p"
  elif [ "$(have "$_p")" != "$U:$U $_m" ]; then apply "folder $_p" "set $U:$U $_m (was $(have "$_p"))" fix_mode "$_p" "$_m"
  else ok "folder $_p" "$U:$U $_m"; fi
}
fix_mode() { chown "$U:$U" "$1" && chmod "$2" "$1"; }
"#;

/// One bootstrap at a time on a host (a run whose ployctl died goes on, as
/// hangups are ignored, while the operator runs it again), then an
/// interrupted run's temporary files (one killed on the host leaves these).
const STALE: &str = "mkdir -p /run/lock 2>/dev/null; exec 9>/run/lock/ploy-bootstrap.lock\n\
    flock -w 120 9 2>/dev/null || fail bootstrap \"another bootstrap has held /run/lock/ploy-bootstrap.lock for 2 minutes\"\n\
    [ \"$DRY\" = 1 ] || rm -f \"$R\"/config/.config.toml.ployctl-* \"$R\"/..env.ployctl-* \
    \"$R\"/.ssh/.authorized_keys.ployctl-* /etc/systemd/system/.ploy.service.ployctl-* \
    \"$R\"/config/.litestream.yml.ployctl-* /etc/systemd/system/.ploy-litestream.service.ployctl-* \
    /etc/sudoers.d/.ploy.ployctl-* 2>/dev/null\n";

/// The script, run as the login user: it writes the root part to a private
/// temporary file and runs it as root (directly, or `sudo -n`); without
/// either it prints `no_privilege=1`.
pub fn script(spec: &BootstrapSpec<'_>) -> String {
    let inner = root_script(spec);
    format!(
        "trap '' HUP PIPE\n\
         echo \"login_user=$(id -un)\"\n\
         B=$(mktemp) || {{ printf 'task\\tfailed\\tbootstrap\\tmktemp failed on the host\\n'; exit 0; }}\n\
         trap 'rm -f \"$B\"' EXIT\n\
         cat > \"$B\" {body}\
         if [ \"$(id -u)\" = 0 ]; then sh \"$B\"\n\
         elif sudo -n true 2>/dev/null; then sudo -n sh \"$B\"\n\
         else echo no_privilege=1; fi\n\
         exit 0\n",
        body = heredoc("PLOY_BOOTSTRAP_SCRIPT", &inner),
    )
}

/// The part that runs as root.
fn root_script(spec: &BootstrapSpec<'_>) -> String {
    let root = spec.root;
    let mut s = format!(
        "R={r}\nU={ACCOUNT}\nDRY={dry}\numask 022\n{FUNCTIONS}{STALE}",
        r = quote(root),
        dry = u8::from(spec.dry_run),
    );
    s.push_str(
        "if getent group \"$U\" >/dev/null; then ok \"group $U\" \"exists (gid $(getent group \"$U\" | cut -d: -f3))\"\n\
         else apply \"group $U\" \"create the system group\" groupadd --system \"$U\"; fi\n\
         if _pw=$(getent passwd \"$U\"); then ok \"user $U\" \"exists (uid $(echo \"$_pw\" | cut -d: -f3), home $(echo \"$_pw\" | cut -d: -f6))\"\n\
         else apply \"user $U\" \"create the system user (home $R, shell /bin/sh, no password: keys only)\" \
         useradd --system --gid \"$U\" --home-dir \"$R\" --no-create-home --shell /bin/sh --password '*' --comment 'ploy trading engine' \"$U\"; fi\n",
    );
    for rel in FOLDERS {
        let path = if rel.is_empty() {
            "\"$R\"".to_owned()
        } else {
            format!("\"$R/{rel}\"")
        };
        s.push_str(&format!("folder {path} 750\n"));
    }
    if let Some(key) = spec.authorized_key {
        s.push_str(&format!(
            "KEY={key}\n\
             H=$(getent passwd \"$U\" | cut -d: -f6); H=${{H:-$R}}\n\
             folder \"$H/.ssh\" 700\n\
             A=\"$H/.ssh/authorized_keys\"\n\
             add_key() {{ {{ cat \"$A\" 2>/dev/null; printf '%s\\n' \"$KEY\"; }} | put \"$A\" 600; }}\n\
             if grep -qxF -- \"$KEY\" \"$A\" 2>/dev/null; then\n\
               if [ \"$(have \"$A\")\" = \"$U:$U 600\" ]; then ok \"file $A\" \"has the key\"\n\
               else apply \"file $A\" \"set $U:$U 600 (was $(have \"$A\"))\" fix_mode \"$A\" 600; fi\n\
             else apply \"file $A\" \"add the key ({kind})\" add_key; fi\n",
            key = quote(key),
            kind = key.split_whitespace().next().unwrap_or("key"),
        ));
    }
    s.push_str(&format!(
        "write_config() {{ put \"$R/config/config.toml\" 640 {config}}}\n\
         if [ -e \"$R/config/config.toml\" ]; then ok \"file $R/config/config.toml\" \"present (never overwritten)\"\n\
         else apply \"file $R/config/config.toml\" \"write it from templates/config.toml\" write_config; fi\n\
         write_env() {{ put \"$R/.env\" 600 {env}}}\n\
         if [ ! -e \"$R/.env\" ]; then apply \"file $R/.env\" \"create it with the secrets' names only (mode 600)\" write_env\n\
         elif [ \"$(have \"$R/.env\")\" = \"$U:$U 600\" ]; then ok \"file $R/.env\" \"present, $U:$U 600 (its content is never read)\"\n\
         else apply \"file $R/.env\" \"set $U:$U 600 (was $(have \"$R/.env\"))\" fix_mode \"$R/.env\" 600; fi\n",
        config = heredoc("PLOY_TEMPLATE_CONFIG", &config_template(root)),
        env = heredoc("PLOY_TEMPLATE_ENV", ENV_TEMPLATE),
    ));
    match spec.service {
        ServiceKind::Systemd => s.push_str(&systemd_tasks(root)),
        ServiceKind::Daemon => s.push_str(DAEMON_TASKS),
    }
    match (spec.litestream, spec.service) {
        (None, _) => {},
        (Some(replica), ServiceKind::Systemd) => s.push_str(&litestream_tasks(root, replica)),
        (Some(_), ServiceKind::Daemon) => s.push_str(
            "task skipped \"litestream\" \"the daemon layout has no unit for it: run litestream replicate -config $R/config/litestream.yml beside ploy yourself (DEPLOYMENT.md, Backups)\"\n",
        ),
    }
    s.push_str("[ -x \"$R/current/ploy\" ] && echo has_release=1\necho finished=1\n");
    s
}

/// The unit, its enablement, the sudoers rule and the journal group.
fn systemd_tasks(root: &str) -> String {
    format!(
        "F=/etc/systemd/system/ploy.service\n\
         command -v systemctl >/dev/null 2>&1 || fail \"unit $F\" \"systemctl not found: this host has no systemd (use --service daemon)\"\n\
         unit_text() {{ cat {unit}}}\n\
         booted() {{ [ -d /run/systemd/system ]; }}\n\
         write_unit() {{ unit_text | put \"$F\" 644 root:root && {{ ! booted || systemctl daemon-reload; }}; }}\n\
         if booted; then _rl='then systemctl daemon-reload'; else _rl='(systemd is not running: no daemon-reload)'; fi\n\
         if unit_text | cmp -s - \"$F\"; then ok \"unit $F\" \"up to date\"\n\
         elif [ -e \"$F\" ]; then apply \"unit $F\" \"replace it with deployment/systemd/ploy.service, $_rl\" write_unit\n\
         else apply \"unit $F\" \"install deployment/systemd/ploy.service, $_rl\" write_unit; fi\n\
         if [ \"$(systemctl is-enabled ploy 2>/dev/null)\" = enabled ]; then ok \"service ploy\" \"enabled\"\n\
         else apply \"service ploy\" \"enable it (the first ployctl deploy starts it)\" systemctl enable --quiet ploy; fi\n\
         S=/etc/sudoers.d/ploy\n\
         SC=$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v systemctl)\n\
         sudoers_text() {{ sed \"s#@SYSTEMCTL@#$SC#g\" {sudoers}}}\n\
         command -v visudo >/dev/null 2>&1 || fail \"sudoers $S\" \"visudo not found: install sudo (apt-get install sudo), then run bootstrap again\"\n\
         write_sudoers() {{\n\
           _t=/etc/sudoers.d/.ploy.ployctl-$$\n\
           if ! {{ sudoers_text > \"$_t\" && chmod 440 \"$_t\" && chown root:root \"$_t\"; }}; then rm -f \"$_t\"; return 1; fi\n\
           if ! _v=$(visudo -cf \"$_t\" 2>&1); then rm -f \"$_t\"; echo \"visudo -cf refused it: $_v\"; return 1; fi\n\
           mv -f \"$_t\" \"$S\"\n\
         }}\n\
         if sudoers_text | cmp -s - \"$S\" && [ \"$(have \"$S\")\" = 'root:root 440' ]; then ok \"sudoers $S\" \"up to date: $U may restart and stop ploy and ploy-litestream, nothing else\"\n\
         else apply \"sudoers $S\" \"install the rule ($U may restart and stop ploy and ploy-litestream), checked by visudo -cf first\" write_sudoers; fi\n\
         if ! getent group systemd-journal >/dev/null; then task skipped \"journal group\" \"this host has no systemd-journal group\"\n\
         elif id -nG \"$U\" 2>/dev/null | tr ' ' '\\n' | grep -qx systemd-journal; then ok \"journal group\" \"$U is in systemd-journal\"\n\
         else apply \"journal group\" \"add $U to systemd-journal (ployctl logs reads the journal)\" usermod -aG systemd-journal \"$U\"; fi\n",
        unit = heredoc("PLOY_TEMPLATE_UNIT", &unit(root)),
        sudoers = heredoc("PLOY_TEMPLATE_SUDOERS", SUDOERS_TEMPLATE),
    )
}

/// Litestream: its binary found, its config (rewritten when the replica
/// changes), its unit naming that binary, enabled and (re)started when
/// systemd runs and something changed.
fn litestream_tasks(root: &str, replica: &ploy_api::backup::Destination) -> String {
    format!(
        "LB=$(PATH=/usr/local/bin:/usr/bin:/bin:$PATH command -v litestream)\n\
         [ -n \"$LB\" ] || fail \"litestream\" \"not found: install it (https://litestream.io/install: the .deb for this architecture), then run bootstrap again\"\n\
         ok \"litestream\" \"$LB ($(\"$LB\" version 2>/dev/null | head -n 1))\"\n\
         LC=\"$R/config/litestream.yml\"\n\
         ls_config() {{ cat {config}}}\n\
         write_ls_config() {{ ls_config | put \"$LC\" 640; }}\n\
         LS_CHANGED=0\n\
         if ls_config | cmp -s - \"$LC\"; then ok \"file $LC\" \"up to date (replica {replica})\"\n\
         else apply \"file $LC\" \"write it from templates/litestream.yml (replica {replica})\" write_ls_config; LS_CHANGED=1; fi\n\
         LF=/etc/systemd/system/ploy-litestream.service\n\
         ls_unit() {{ sed \"s#/usr/bin/litestream#$LB#\" {unit}}}\n\
         write_ls_unit() {{ ls_unit | put \"$LF\" 644 root:root && {{ ! booted || systemctl daemon-reload; }}; }}\n\
         if ls_unit | cmp -s - \"$LF\"; then ok \"unit $LF\" \"up to date\"\n\
         else apply \"unit $LF\" \"install deployment/systemd/ploy-litestream.service ($LB)\" write_ls_unit; LS_CHANGED=1; fi\n\
         if [ \"$(systemctl is-enabled ploy-litestream 2>/dev/null)\" = enabled ]; then ok \"service ploy-litestream\" \"enabled\"\n\
         else apply \"service ploy-litestream\" \"enable it\" systemctl enable --quiet ploy-litestream; fi\n\
         if booted && [ \"$LS_CHANGED\" = 1 ]; then apply \"service ploy-litestream\" \"(re)start it on the new config\" systemctl restart ploy-litestream; fi\n",
        config = heredoc("PLOY_TEMPLATE_LITESTREAM", &litestream_config(root, replica)),
        unit = heredoc("PLOY_TEMPLATE_LITESTREAM_UNIT", &litestream_unit(root)),
        replica = replica,
    )
}

/// The daemon layout: `start-stop-daemon`, `run/` and `logs/` (folders above).
const DAEMON_TASKS: &str = "if _ssd=$(command -v start-stop-daemon); then ok \"start-stop-daemon\" \"$_ssd\"\n\
    else fail \"start-stop-daemon\" \"not found: install it (Debian: apt-get install dpkg) or use --service systemd\"; fi\n\
    task skipped \"sudoers\" \"not needed: the daemon runs as $U and ployctl starts it as $U\"\n";

/// Parses what [`script`] printed.
pub fn parse(stdout: &str) -> BootstrapOutput {
    let mut out = BootstrapOutput::default();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("task\t") {
            let mut parts = rest.splitn(3, '\t');
            let status = match parts.next() {
                Some("ok") => TaskStatus::Ok,
                Some("changed") => TaskStatus::Changed,
                Some("skipped") => TaskStatus::Skipped,
                _ => TaskStatus::Failed,
            };
            out.tasks.push(Task {
                name: parts.next().unwrap_or_default().to_owned(),
                status,
                detail: parts.next().unwrap_or_default().to_owned(),
            });
        } else if line == "no_privilege=1" {
            out.no_privilege = true;
        } else if line == "has_release=1" {
            out.has_release = true;
        } else if line == "finished=1" {
            out.finished = true;
        } else if let Some(user) = line.strip_prefix("login_user=") {
            out.login_user = Some(user.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(service: ServiceKind, dry_run: bool) -> BootstrapSpec<'static> {
        BootstrapSpec {
            root: "/srv/ploy",
            service,
            dry_run,
            authorized_key: None,
            litestream: None,
        }
    }

    #[test]
    fn templates_follow_the_root() {
        let unit = unit("/srv/ploy");
        assert!(unit.contains("WorkingDirectory=/srv/ploy\n"), "{unit}");
        assert!(unit.contains("ExecStart=/srv/ploy/bin/ploy run\n"));
        assert!(unit.contains("ReadWritePaths=/srv/ploy/data /srv/ploy/logs\n"));
        assert!(!unit.contains("/opt/ploy"));
        assert!(config_template("/srv/ploy").contains("/srv/ploy/config/config.toml"));
    }

    #[test]
    fn no_template_line_ends_a_here_document_early() {
        for (delimiter, text) in [
            ("PLOY_TEMPLATE_CONFIG", CONFIG_TEMPLATE),
            ("PLOY_TEMPLATE_ENV", ENV_TEMPLATE),
            ("PLOY_TEMPLATE_SUDOERS", SUDOERS_TEMPLATE),
            ("PLOY_TEMPLATE_UNIT", UNIT_TEMPLATE),
        ] {
            assert!(text.lines().all(|l| !l.starts_with("PLOY_")), "{delimiter}");
        }
        let inner = root_script(&spec(ServiceKind::Systemd, false));
        assert!(inner.lines().all(|l| l != "PLOY_BOOTSTRAP_SCRIPT"));
    }

    #[test]
    fn the_env_template_holds_names_only() {
        for line in ENV_TEMPLATE.lines() {
            assert!(
                line.is_empty() || line.starts_with('#'),
                "an uncommented line would set a value: {line}"
            );
        }
        for name in [
            "POLYMARKET_PRIVATE_KEY",
            "POLYMARKET_API_KEY",
            "POLYMARKET_SECRET",
            "POLYMARKET_PASSPHRASE",
            "DATABASE_URL",
        ] {
            assert!(ENV_TEMPLATE.contains(&format!("# {name}=")), "{name}");
        }
    }

    #[test]
    fn the_sudoers_rule_allows_restart_and_stop_only() {
        let rule: Vec<&str> = SUDOERS_TEMPLATE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect();
        assert_eq!(
            rule,
            ["ploy ALL=(root) NOPASSWD: @SYSTEMCTL@ restart ploy, @SYSTEMCTL@ stop ploy, @SYSTEMCTL@ restart ploy-litestream, @SYSTEMCTL@ stop ploy-litestream"]
        );
    }

    #[test]
    fn litestream_replicates_the_roots_database_to_the_hosts_folder() {
        let replica =
            ploy_api::backup::Destination::parse("s3://ploy-backups/prod/bot-1/litestream")
                .unwrap();
        let config = litestream_config("/srv/ploy", &replica);
        assert!(
            config.contains("  - path: /srv/ploy/data/ploy.db\n"),
            "{config}"
        );
        assert!(
            config.contains("        bucket: ploy-backups\n        path: prod/bot-1/litestream\n"),
            "{config}"
        );
        assert!(!config.contains('@'), "{config}");
        let unit = litestream_unit("/srv/ploy");
        assert!(unit.contains(
            "ExecStart=/usr/bin/litestream replicate -config /srv/ploy/config/litestream.yml\n"
        ));
        assert!(unit.contains("ReadWritePaths=/srv/ploy/data\n") && !unit.contains("/opt/ploy"));
        let s = root_script(&BootstrapSpec {
            litestream: Some(&replica),
            ..spec(ServiceKind::Systemd, false)
        });
        assert!(
            s.contains("systemctl enable --quiet ploy-litestream"),
            "{s}"
        );
        assert!(
            s.contains("sed \"s#/usr/bin/litestream#$LB#\""),
            "the unit names the host's binary"
        );
        let daemon = root_script(&BootstrapSpec {
            litestream: Some(&replica),
            ..spec(ServiceKind::Daemon, false)
        });
        assert!(daemon.contains("task skipped \"litestream\""), "{daemon}");
        assert!(!root_script(&spec(ServiceKind::Systemd, false))
            .contains("enable --quiet ploy-litestream"));
    }

    #[test]
    fn each_service_manager_gets_its_own_tasks() {
        let systemd = root_script(&spec(ServiceKind::Systemd, false));
        assert!(systemd.contains("visudo -cf \"$_t\""));
        assert!(systemd.contains("systemctl enable --quiet ploy"));
        assert!(systemd.contains("usermod -aG systemd-journal"));
        assert!(!systemd.contains("start-stop-daemon"));
        let daemon = root_script(&spec(ServiceKind::Daemon, true));
        assert!(daemon.contains("DRY=1\n"));
        assert!(daemon.contains("command -v start-stop-daemon"));
        assert!(!daemon.contains("visudo"));
        for rel in ["config", "data", "logs", "run", "releases", ".ployctl"] {
            assert!(
                daemon.contains(&format!("folder \"$R/{rel}\" 750\n")),
                "{rel}"
            );
        }
    }

    #[test]
    fn the_key_is_quoted_into_the_script() {
        let key = "ssh-ed25519 AAAAC3Nza+/= ops@example";
        let s = root_script(&BootstrapSpec {
            authorized_key: Some(key),
            ..spec(ServiceKind::Daemon, false)
        });
        assert!(
            s.contains("KEY='ssh-ed25519 AAAAC3Nza+/= ops@example'\n"),
            "{s}"
        );
    }

    #[test]
    fn roots_and_keys_are_checked() {
        assert_eq!(root_problem("/opt/ploy"), None);
        assert_eq!(root_problem("/tmp/ployctl-it-x1/host1-root"), None);
        for bad in [
            "opt/ploy",
            "/",
            "/opt/my ploy",
            "/opt/$(x)",
            "/opt/../etc",
            "/opt/p\nx",
        ] {
            assert!(root_problem(bad).is_some(), "{bad:?}");
        }
        assert_eq!(
            authorized_key_problem("ssh-ed25519 AAAAC3Nz ops@example\n"),
            None
        );
        assert_eq!(
            authorized_key_line("# ops\nssh-ed25519 AAAAC3Nz ops@example\n"),
            "ssh-ed25519 AAAAC3Nz ops@example"
        );
        let private = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n";
        let said = authorized_key_problem(private).expect("refused");
        assert!(!said.contains("b3Bl"), "{said}");
        assert!(authorized_key_problem("").is_some());
        assert!(authorized_key_problem("ssh-ed25519 A x\nssh-rsa B y\n").is_some());
        assert!(authorized_key_problem("hello world\n").is_some());
    }

    #[test]
    fn parses_tasks_and_facts() {
        let out = parse(
            "login_user=root\ntask\tok\tgroup ploy\texists (gid 998)\n\
             task\tchanged\tfolder /srv/ploy\tcreate it (ploy:ploy 750)\n\
             task\tfailed\tsudoers /etc/sudoers.d/ploy\tvisudo -cf refused it: a\tb\nhas_release=1\n",
        );
        assert_eq!(out.login_user.as_deref(), Some("root"));
        assert!(out.has_release);
        assert!(!out.no_privilege);
        assert_eq!(out.tasks.len(), 3);
        assert_eq!(out.tasks[1].status, TaskStatus::Changed);
        assert_eq!(out.tasks[2].status, TaskStatus::Failed);
        assert_eq!(out.tasks[2].detail, "visudo -cf refused it: a\tb");
        assert!(!out.finished);
        assert!(parse("no_privilege=1\n").no_privilege);
        assert!(parse("task\tok\tx\ty\nfinished=1\n").finished);
        assert_eq!(TaskStatus::Changed.as_str(true), "would change");
    }
}
