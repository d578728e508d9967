//! Settings: the parsed command line, the environment and the inventory
//! turned into what a run needs, or a usage error. Pure: the environment comes
//! in as a value, so every precedence rule (flag > `PLOYCTL_*` variable >
//! inventory > default) is unit-tested here; reading files and the process
//! environment happens at the edge (`app.rs`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{Cli, ColorChoice, Command, ConfigCommand, ProveArgs, TradingCommand};
use crate::commands::config::ConfigAction;
use crate::commands::daily_check::DailyOptions;
use crate::commands::logs::LogsOptions;
use crate::commands::status::StatusOptions;
use crate::commands::validate_config::ValidateOptions;
use crate::commands::{deploy::DeployOptions, health::HealthOptions, rollback::RollbackOptions};
use crate::inventory::{Host, Inventory, ServiceKind};
use crate::printer::{PrinterOptions, Style};
use crate::transport::SshBackend;

/// The environment a run sees (variables, and whether stderr is a terminal).
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// Variables.
    pub vars: BTreeMap<String, String>,
    /// Whether stderr is a terminal.
    pub stderr_is_terminal: bool,
}

impl Environment {
    /// This process's environment.
    pub fn from_process() -> Self {
        use std::io::IsTerminal;
        Self {
            vars: std::env::vars().collect(),
            stderr_is_terminal: std::io::stderr().is_terminal(),
        }
    }

    /// A variable, when set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// Whether this runs as a GitHub Actions step.
    pub fn github_actions(&self) -> bool {
        self.get("GITHUB_ACTIONS") == Some("true")
    }

    /// The GitHub Actions run URL, when running under Actions.
    pub fn ci_run_url(&self) -> Option<String> {
        if !self.github_actions() {
            return None;
        }
        let server = self
            .get("GITHUB_SERVER_URL")
            .unwrap_or("https://github.com");
        let repo = self.get("GITHUB_REPOSITORY")?;
        let run = self.get("GITHUB_RUN_ID")?;
        Some(format!("{server}/{repo}/actions/runs/{run}"))
    }
}

/// A usage or configuration error: nothing was attempted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

impl UsageError {
    fn new(message: impl Into<String>, hint: Option<&str>) -> Self {
        Self {
            message: message.into(),
            hint: hint.map(str::to_owned),
        }
    }
}

/// How to connect to hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectSettings {
    /// SSH implementation.
    pub backend: SshBackend,
    /// Trust unknown host keys on first use (all hosts).
    pub accept_new_host_key: bool,
    /// A private key given as text (`PLOYCTL_SSH_KEY`).
    pub ssh_key_pem: Option<String>,
    /// Where openssh control sockets go (`PLOYCTL_CONTROL_DIR`, else
    /// `$XDG_RUNTIME_DIR/ployctl`, else `/tmp/ployctl-<uid>`).
    pub control_dir: PathBuf,
    /// How long a connection may take ([`CONNECT_TIMEOUT`], or a read
    /// command's shorter `--timeout`).
    pub timeout: Duration,
}

/// What the command is to do, with its options resolved.
#[derive(Debug, Clone)]
pub enum CommandSettings {
    /// `deploy`.
    Deploy(DeployOptions),
    /// `rollback`.
    Rollback(RollbackOptions),
    /// `health`.
    Health(HealthOptions),
    /// `releases`.
    Releases,
    /// `validate-config` (no hosts with `--local`).
    ValidateConfig(ValidateOptions),
    /// `daily-check`.
    DailyCheck(DailyOptions),
    /// `status`.
    Status(StatusOptions),
    /// `logs`.
    Logs(LogsOptions),
    /// `config push|diff|history`.
    Config(ConfigAction),
    /// `trading halt|reduce|resume|status`.
    Trading(crate::commands::trading::TradingOptions),
    /// `audit`.
    Audit(crate::commands::audit::AuditOptions),
    /// `maintenance start|end`.
    Maintenance(crate::commands::maintenance::MaintenanceOptions),
    /// `incident stuck-orders`.
    StuckOrders(crate::commands::incident::StuckOrdersOptions),
    /// `incident rate-limit`.
    RateLimit(crate::commands::incident::RateLimitOptions),
    /// `incident disk-full`.
    DiskFull(crate::commands::incident::DiskFullOptions),
    /// `completions` (needs no hosts).
    Completions(clap_complete::Shell),
    /// `host bootstrap` (each host's service and login user already set).
    Bootstrap(crate::commands::host::BootstrapOptions),
    /// `backup`, `backup list`, `backup verify`.
    Backup(crate::commands::backup::BackupOptions),
    /// `restore`.
    Restore(crate::commands::restore::RestoreOptions),
    /// `self-update` (needs no hosts).
    SelfUpdate(crate::commands::self_update::SelfUpdateOptions),
}

/// Everything a run needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How output is rendered.
    pub output: PrinterOptions,
    /// Colours.
    pub color: ColorChoice,
    /// The hosts, every setting resolved.
    pub hosts: Vec<Host>,
    /// How to connect.
    pub connect: ConnectSettings,
    /// The GitHub Actions run, if any.
    pub ci_run_url: Option<String>,
    /// The command.
    pub command: CommandSettings,
}

/// The output settings alone (a usage error is printed with them too).
pub fn output(cli: &Cli, env: &Environment) -> PrinterOptions {
    let style = if cli.global.json {
        Style::Json
    } else if env.github_actions() {
        Style::GithubActions
    } else if env.stderr_is_terminal {
        Style::Terminal
    } else {
        Style::Plain
    };
    PrinterOptions {
        style,
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
        github_actions: env.github_actions(),
    }
}

/// Resolves the settings of a run (`uid` names the default control folder).
pub fn resolve(
    cli: Cli,
    env: &Environment,
    inventory: &Inventory,
    uid: u32,
) -> Result<Settings, UsageError> {
    let output = output(&cli, env);
    let connect = ConnectSettings {
        backend: cli.global.ssh_backend,
        accept_new_host_key: cli.global.accept_new_host_key,
        ssh_key_pem: env.get("PLOYCTL_SSH_KEY").map(str::to_owned),
        control_dir: control_dir(env, uid),
        timeout: match &cli.command {
            Command::ValidateConfig(a) => a.timeout.min(CONNECT_TIMEOUT),
            Command::DailyCheck(a) => a.timeout.min(CONNECT_TIMEOUT),
            Command::Status(a) => a.timeout.min(CONNECT_TIMEOUT),
            Command::Audit(a) => a.timeout.min(CONNECT_TIMEOUT),
            Command::Trading(TradingCommand::Status(a)) => a.timeout.min(CONNECT_TIMEOUT),
            _ => CONNECT_TIMEOUT,
        },
    };
    let base = |command: CommandSettings, hosts: Vec<Host>| Settings {
        output,
        color: cli.global.color,
        hosts,
        connect: connect.clone(),
        ci_run_url: env.ci_run_url(),
        command,
    };
    if let Command::Completions { shell } = cli.command {
        return Ok(base(CommandSettings::Completions(shell), Vec::new()));
    }
    if let Command::SelfUpdate(args) = &cli.command {
        if !cli.global.hosts.is_empty() {
            return Err(UsageError::new(
                "self-update replaces this machine's ployctl; it takes no -H",
                Some("drop -H"),
            ));
        }
        if !args.repo.contains('/') {
            return Err(UsageError::new(
                format!("--repo {}: expected OWNER/NAME", args.repo),
                Some("for example --repo ploy-trading/ploy"),
            ));
        }
        let options = crate::commands::self_update::SelfUpdateOptions {
            check: args.check,
            version: args.version.clone(),
            yes: args.yes,
            api_url: args.api_url.trim_end_matches('/').to_owned(),
            repo: args.repo.clone(),
        };
        return Ok(base(CommandSettings::SelfUpdate(options), Vec::new()));
    }
    if let Command::ValidateConfig(args) = &cli.command {
        if args.local {
            if !cli.global.hosts.is_empty() {
                return Err(UsageError::new(
                    "--local validates on this machine; it takes no -H",
                    Some("drop -H, or drop --local to validate on the hosts"),
                ));
            }
            return Ok(base(
                CommandSettings::ValidateConfig(ValidateOptions {
                    file: args.file.clone(),
                    local_binary: args.binary.clone(),
                    timeout: args.timeout,
                }),
                Vec::new(),
            ));
        }
    }
    let all_when_empty = matches!(
        cli.command,
        Command::Health(_)
            | Command::Releases
            | Command::ValidateConfig(_)
            | Command::DailyCheck(_)
            | Command::Status(_)
            | Command::Logs(_)
            | Command::Audit(_)
            | Command::Backup(crate::cli::BackupArgs {
                action: Some(crate::cli::BackupCommand::List(_)),
                ..
            })
            | Command::Trading(TradingCommand::Status(_))
            | Command::Config(ConfigCommand::Diff(_) | ConfigCommand::History)
    );
    let mut hosts = inventory
        .select(&cli.global.hosts, all_when_empty)
        .map_err(|e| UsageError::new(e.to_string(), None))?;
    let command = match cli.command {
        Command::Deploy(args) => {
            apply_prove_overrides(&mut hosts, &args.prove);
            CommandSettings::Deploy(DeployOptions {
                binary: args.binary,
                version: args.release_version,
                dry_run: args.dry_run,
                lock_wait: args.prove.lock_wait,
                force_unlock: args.prove.force_unlock,
                force: args.force,
                rollout: rollout(&args.rollout)?,
            })
        },
        Command::Rollback(args) => {
            apply_prove_overrides(&mut hosts, &args.prove);
            CommandSettings::Rollback(RollbackOptions {
                to: args.to,
                dry_run: args.dry_run,
                lock_wait: args.prove.lock_wait,
                force_unlock: args.prove.force_unlock,
                force: args.force,
            })
        },
        Command::Health(args) => CommandSettings::Health(HealthOptions {
            wait: args.wait,
            timeout: args.timeout,
        }),
        Command::Releases => CommandSettings::Releases,
        Command::Backup(args) => CommandSettings::Backup(backup_options(args, inventory)?),
        Command::Restore(args) => {
            apply_prove_overrides(&mut hosts, &args.prove);
            CommandSettings::Restore(restore_options(args, inventory, &hosts)?)
        },
        Command::ValidateConfig(args) => CommandSettings::ValidateConfig(ValidateOptions {
            file: args.file,
            local_binary: None,
            timeout: args.timeout,
        }),
        Command::DailyCheck(args) => CommandSettings::DailyCheck(DailyOptions {
            since: args.since,
            markdown: args.markdown,
            strict: args.strict,
            timeout: args.timeout,
        }),
        Command::Status(args) => CommandSettings::Status(StatusOptions {
            timeout: args.timeout,
        }),
        Command::Logs(args) => CommandSettings::Logs(LogsOptions {
            follow: args.follow,
            since: args.since,
            level: args.level,
            grep: args.grep,
            raw: args.raw,
        }),
        Command::Config(ConfigCommand::Push(args)) => {
            apply_prove_overrides(&mut hosts, &args.prove);
            CommandSettings::Config(ConfigAction::Push {
                file: args.file,
                lock_wait: args.prove.lock_wait,
                force_unlock: args.prove.force_unlock,
            })
        },
        Command::Config(ConfigCommand::Diff(args)) => {
            CommandSettings::Config(ConfigAction::Diff { file: args.file })
        },
        Command::Config(ConfigCommand::History) => CommandSettings::Config(ConfigAction::History),
        Command::Config(ConfigCommand::Rollback(args)) => {
            apply_prove_overrides(&mut hosts, &args.prove);
            CommandSettings::Config(ConfigAction::Rollback {
                to: args.to,
                lock_wait: args.prove.lock_wait,
                force_unlock: args.prove.force_unlock,
            })
        },
        Command::Trading(action) => CommandSettings::Trading(trading_options(action)?),
        Command::Audit(args) => CommandSettings::Audit(crate::commands::audit::AuditOptions {
            since: args.since,
            timeout: args.timeout,
        }),
        Command::Maintenance(action) => {
            CommandSettings::Maintenance(maintenance_options(action, &mut hosts)?)
        },
        Command::Incident(crate::cli::IncidentCommand::DiskFull(args)) => {
            CommandSettings::DiskFull(crate::commands::incident::DiskFullOptions {
                fix: args.fix,
                yes: args.yes,
                timeout: args.timeout,
                lock_wait: args.prove.lock_wait,
                force_unlock: args.prove.force_unlock,
            })
        },
        Command::Incident(crate::cli::IncidentCommand::RateLimit(args)) => {
            apply_prove_overrides(&mut hosts, &args.prove);
            CommandSettings::RateLimit(crate::commands::incident::RateLimitOptions {
                window: args.window,
                fix_max_orders_per_minute: args.max_orders_per_minute.filter(|_| args.fix),
                yes: args.yes,
                lock_wait: args.prove.lock_wait,
                force_unlock: args.prove.force_unlock,
            })
        },
        Command::Incident(crate::cli::IncidentCommand::StuckOrders(args)) => {
            apply_prove_overrides(&mut hosts, &args.prove);
            CommandSettings::StuckOrders(crate::commands::incident::StuckOrdersOptions {
                older_than: args.older_than,
                fix: args.fix,
                yes: args.yes,
                timeout: args.timeout,
                lock_wait: args.prove.lock_wait,
                force_unlock: args.prove.force_unlock,
            })
        },
        Command::Host(crate::cli::HostCommand::Bootstrap(args)) => {
            bootstrap_hosts(&mut hosts, &args);
            let litestream = match (args.litestream, inventory.backup().destination()) {
                (false, _) => None,
                (true, Some(d)) => Some(d),
                (true, None) => {
                    return Err(UsageError::new(
                        "--litestream replicates to the inventory's [backup] destination, and none is set",
                        Some("set [backup] destination = \"s3://bucket/prefix\" (each host replicates under <host>/litestream)"),
                    ))
                },
            };
            CommandSettings::Bootstrap(crate::commands::host::BootstrapOptions {
                dry_run: args.dry_run,
                authorized_key: args.authorized_key,
                litestream,
            })
        },
        Command::Completions { .. } | Command::SelfUpdate(_) => unreachable!("returned above"),
    };
    Ok(base(command, hosts))
}

/// The rollout flags of `deploy`.
fn rollout(args: &crate::cli::RolloutArgs) -> Result<crate::rollout::Rollout, UsageError> {
    if args.batch_size == Some(crate::rollout::Share::Count(0)) {
        return Err(UsageError::new(
            "--batch-size 0 deploys no host",
            Some("give at least 1 host or 1% per batch"),
        ));
    }
    Ok(crate::rollout::Rollout {
        batch_size: args.batch_size,
        canary: usize::from(args.canary),
        canary_soak: args.canary_soak,
        max_fail: args.max_fail.unwrap_or(crate::rollout::Share::Count(0)),
        rollback_all_on_fail: args.rollback_all_on_fail,
    })
}

/// `host bootstrap --service` and `--login` on each selected host.
fn backup_options(
    args: crate::cli::BackupArgs,
    inventory: &Inventory,
) -> Result<crate::commands::backup::BackupOptions, UsageError> {
    use crate::commands::backup::{BackupAction, BackupOptions};
    let destination = match &args.to {
        Some(to) => Some(ploy_api::backup::Destination::parse(to).map_err(|e| {
            UsageError::new(
                format!("--to: {e}"),
                Some("for example --to s3://my-bucket/ploy (each host's copies go under <host name>/)"),
            )
        })?),
        None => inventory.backup().destination(),
    };
    let (action, timeout) = match args.action {
        None => {
            if let Some(label) = &args.label {
                if label.len() > 40 || label.chars().any(char::is_control) {
                    return Err(UsageError::new(
                        format!("--label {label:?}: at most 40 printable characters"),
                        Some("for example --label before-v2"),
                    ));
                }
            }
            (
                BackupAction::Take {
                    label: args.label,
                    verify: args.verify,
                },
                args.timeout,
            )
        },
        Some(crate::cli::BackupCommand::List(list)) => {
            if list.remote && destination.is_none() {
                return Err(UsageError::new(
                    "--remote: no object storage is configured",
                    Some("set [backup] destination = \"s3://bucket/prefix\" in the inventory"),
                ));
            }
            (
                BackupAction::List {
                    remote: list.remote,
                },
                args.timeout,
            )
        },
        Some(crate::cli::BackupCommand::Verify(v)) => {
            if let Some(name) = &v.backup {
                if !crate::remote::backup::valid_name(name) {
                    return Err(UsageError::new(
                        format!("{name:?} is not a backup's name"),
                        Some("`ployctl backup list -H HOST` shows them (ploy-<time>-<host>[-<label>])"),
                    ));
                }
            }
            (BackupAction::Verify { name: v.backup }, v.timeout)
        },
    };
    Ok(BackupOptions {
        action,
        policy: inventory.backup().retention(),
        destination,
        timeout,
    })
}

/// `restore`: a backup's name checked before any script sees it; with
/// `--to-new-host`, object storage must be configured.
fn restore_options(
    args: crate::cli::RestoreArgs,
    inventory: &Inventory,
    hosts: &[Host],
) -> Result<crate::commands::restore::RestoreOptions, UsageError> {
    if let Some(name) = &args.backup {
        if !crate::remote::backup::valid_name(name) {
            return Err(UsageError::new(
                format!("{name:?} is not a backup's name"),
                Some("`ployctl backup list -H HOST` shows them (ploy-<time>-<host>[-<label>])"),
            ));
        }
    }
    if args.to_new_host && hosts.len() != 1 {
        return Err(UsageError::new(
            "--to-new-host restores one host at a time",
            Some("name the new host with -H"),
        ));
    }
    let destination = inventory.backup().destination();
    if args.to_new_host && destination.is_none() {
        return Err(UsageError::new(
            "--to-new-host restores from object storage, and none is configured",
            Some("set [backup] destination = \"s3://bucket/prefix\" in the inventory"),
        ));
    }
    if let Some(from) = &args.from_host {
        if from.is_empty()
            || !from
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(UsageError::new(
                format!("--from-host {from:?} is not a host name"),
                None,
            ));
        }
    }
    Ok(crate::commands::restore::RestoreOptions {
        backup: args.backup,
        yes: args.yes,
        to_new_host: args.to_new_host,
        from_host: args.from_host,
        destination,
        timeout: args.timeout,
        lock_wait: args.prove.lock_wait,
        force_unlock: args.prove.force_unlock,
    })
}

fn bootstrap_hosts(hosts: &mut [Host], args: &crate::cli::BootstrapArgs) {
    for host in hosts {
        match args.service {
            Some(crate::cli::ServiceArg::Systemd) => host.service = ServiceKind::Systemd,
            Some(crate::cli::ServiceArg::Daemon) => host.service = ServiceKind::Daemon,
            None => {},
        }
        if let (Some(login), crate::inventory::Address::Ssh { user, .. }) =
            (&args.login, &mut host.address)
        {
            *user = Some(login.clone());
        }
    }
}

/// `maintenance start` needs a reason; both take the prove and lock options.
fn maintenance_options(
    action: crate::cli::MaintenanceCommand,
    hosts: &mut [Host],
) -> Result<crate::commands::maintenance::MaintenanceOptions, UsageError> {
    use crate::cli::{MaintenanceCommand, MaintenanceModeArg};
    use crate::commands::maintenance::{MaintenanceAction, MaintenanceOptions};
    use crate::remote::maintenance::MaintenanceMode;
    let (action, timeout, prove) = match action {
        MaintenanceCommand::Start(a) => {
            let reason = a.reason.trim().to_owned();
            if reason.is_empty() {
                return Err(UsageError::new(
                    "--reason is empty",
                    Some("say why (it is recorded on the host), e.g. --reason \"OS patches\""),
                ));
            }
            let mode = match a.mode {
                MaintenanceModeArg::Halted => MaintenanceMode::Halted,
                MaintenanceModeArg::Reducing => MaintenanceMode::Reducing,
                MaintenanceModeArg::Paper => MaintenanceMode::Paper,
            };
            (
                MaintenanceAction::Start { reason, mode },
                a.timeout,
                a.prove,
            )
        },
        MaintenanceCommand::End(a) => (MaintenanceAction::End, a.timeout, a.prove),
    };
    apply_prove_overrides(hosts, &prove);
    Ok(MaintenanceOptions {
        action,
        timeout,
        lock_wait: prove.lock_wait,
        force_unlock: prove.force_unlock,
    })
}

/// A kill-switch change needs a reason; `status` reads.
fn trading_options(
    action: TradingCommand,
) -> Result<crate::commands::trading::TradingOptions, UsageError> {
    use ploy_api::TradingState;
    let (set, args) = match action {
        TradingCommand::Status(a) => {
            return Ok(crate::commands::trading::TradingOptions {
                set: None,
                reason: None,
                timeout: a.timeout,
            })
        },
        TradingCommand::Halt(a) => (TradingState::Halted, a),
        TradingCommand::Reduce(a) => (TradingState::Reducing, a),
        TradingCommand::Resume(a) => (TradingState::Active, a),
    };
    let reason = args.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(UsageError::new(
            "--reason is empty",
            Some("say why (it is recorded with the change), e.g. --reason \"exchange incident\""),
        ));
    }
    Ok(crate::commands::trading::TradingOptions {
        set: Some(set),
        reason: Some(reason),
        timeout: args.timeout,
    })
}

/// `--health-timeout` and `--stability-window` override every host's.
fn apply_prove_overrides(hosts: &mut [Host], prove: &ProveArgs) {
    for host in hosts {
        if let Some(t) = prove.health_timeout {
            host.health_timeout = t;
        }
        if let Some(w) = prove.stability_window {
            host.stability_window = w;
        }
    }
}

/// A short, private folder for openssh control sockets.
fn control_dir(env: &Environment, uid: u32) -> PathBuf {
    if let Some(dir) = env.get("PLOYCTL_CONTROL_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(run) = env.get("XDG_RUNTIME_DIR") {
        return PathBuf::from(run).join("ployctl");
    }
    PathBuf::from(format!("/tmp/ployctl-{uid}"))
}

/// How long ployctl waits for a connection to a host.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

#[cfg(test)]
mod tests {
    use std::path::Path;

    use clap::Parser;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        Environment {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            stderr_is_terminal: false,
        }
    }

    fn inventory() -> Inventory {
        Inventory::parse(
            "[defaults]\nhealth_timeout = \"30s\"\n\n[hosts.a]\naddress = \"10.0.0.1\"\ntags = [\"prod\"]\n\n[hosts.b]\naddress = \"10.0.0.2\"\n",
            Path::new("ployctl.toml"),
        )
        .unwrap()
    }

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("ployctl").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn flags_override_the_inventory_per_host() {
        let s = resolve(
            cli(&[
                "deploy",
                "-H",
                "@prod",
                "--binary",
                "p",
                "--health-timeout",
                "5s",
            ]),
            &env(&[]),
            &inventory(),
            1000,
        )
        .unwrap();
        assert_eq!(s.hosts.len(), 1);
        assert_eq!(s.hosts[0].health_timeout, Duration::from_secs(5));
        assert!(matches!(s.command, CommandSettings::Deploy(ref d) if d.binary == Path::new("p")));
    }

    #[test]
    fn read_commands_default_to_every_host_and_changes_need_one() {
        let all = resolve(cli(&["releases"]), &env(&[]), &inventory(), 0).unwrap();
        assert_eq!(all.hosts.len(), 2);
        let err = resolve(cli(&["rollback"]), &env(&[]), &inventory(), 0).unwrap_err();
        assert!(err.message.contains("-H"), "{err:?}");
    }

    #[test]
    fn the_environment_sets_style_key_ci_run_and_control_folder() {
        let e = env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REPOSITORY", "o/r"),
            ("GITHUB_RUN_ID", "7"),
            ("PLOYCTL_SSH_KEY", "-----BEGIN KEY-----"),
            ("XDG_RUNTIME_DIR", "/run/user/1000"),
        ]);
        let s = resolve(cli(&["health"]), &e, &inventory(), 1000).unwrap();
        assert_eq!(s.output.style, Style::GithubActions);
        assert_eq!(
            s.ci_run_url.as_deref(),
            Some("https://github.com/o/r/actions/runs/7")
        );
        assert_eq!(
            s.connect.ssh_key_pem.as_deref(),
            Some("-----BEGIN KEY-----")
        );
        assert_eq!(s.connect.control_dir, Path::new("/run/user/1000/ployctl"));
        let json = resolve(cli(&["--json", "health"]), &e, &inventory(), 0).unwrap();
        assert_eq!(json.output.style, Style::Json, "--json wins over Actions");
        let plain = resolve(
            cli(&["health"]),
            &env(&[("PLOYCTL_SSH_KEY", " ")]),
            &inventory(),
            42,
        )
        .unwrap();
        assert_eq!(plain.output.style, Style::Plain);
        assert_eq!(plain.connect.ssh_key_pem, None, "a blank key is no key");
        assert_eq!(plain.connect.control_dir, Path::new("/tmp/ployctl-42"));
    }
}
