//! Command-line interface: clap types only. Flags also come from `PLOYCTL_*`
//! environment variables; the parsed values become resolved settings in `app.rs`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit;
use crate::transport::SshBackend;

/// Deploy, roll back and health-check the ploy trading engine on hosts over SSH.
#[derive(Debug, Parser)]
#[command(name = "ployctl", version, about, after_help = exit::TABLE, max_term_width = 100)]
pub struct Cli {
    /// Options for every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// When to use colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When the output is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Options for every command.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Host: an inventory name, @tag, @all, user@host:port, or `local` (repeatable)
    #[arg(
        short = 'H',
        long = "host",
        global = true,
        env = "PLOYCTL_HOST",
        value_delimiter = ',',
        value_name = "HOST"
    )]
    pub hosts: Vec<String>,
    /// Inventory file [default: ./ployctl.toml, else ~/.config/ployctl/ployctl.toml]
    #[arg(long, global = true, env = "PLOYCTL_INVENTORY", value_name = "PATH")]
    pub inventory: Option<PathBuf>,
    /// Print one machine-readable JSON report on stdout
    #[arg(long, global = true, env = "PLOYCTL_JSON")]
    pub json: bool,
    /// Print only results and errors
    #[arg(
        short,
        long,
        global = true,
        env = "PLOYCTL_QUIET",
        conflicts_with = "verbose"
    )]
    pub quiet: bool,
    /// Print every step as it starts
    #[arg(short, long, global = true, env = "PLOYCTL_VERBOSE")]
    pub verbose: bool,
    /// Colours
    #[arg(long, global = true, env = "PLOYCTL_COLOR", value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// SSH implementation
    #[arg(long, global = true, env = "PLOYCTL_SSH_BACKEND", value_enum, default_value_t = SshBackend::Openssh)]
    pub ssh_backend: SshBackend,
    /// Trust a host key not yet in known_hosts and record it (never accepts a changed key)
    #[arg(long, global = true, env = "PLOYCTL_ACCEPT_NEW_HOST_KEY")]
    pub accept_new_host_key: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Put a new ploy on hosts, prove it healthy, roll back by itself if it is not
    Deploy(DeployArgs),
    /// Switch hosts back to the newest good (or a named) release and prove it healthy
    Rollback(RollbackArgs),
    /// Show each host's /health
    Health(HealthArgs),
    /// List the releases on each host: standing (good, bad, unproven), current, running
    Releases,
    /// Check each host's config, secrets, database and exchange with its current release
    ValidateConfig(ValidateConfigArgs),
    /// The morning runbook: service, errors, health, exchange, kill switch, disk, orders, P&L
    DailyCheck(DailyCheckArgs),
    /// One line per host: release, uptime, health, mode, kill switch, orders, positions, P&L
    Status(StatusArgs),
    /// Each host's service log, readable (JSON lines rendered); -f follows
    Logs(LogsArgs),
    /// The config file on hosts: push (checked, proven, put back when unhealthy), diff, history
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The kill switch: halt, reduce or resume trading (recorded with who and why), or its status
    #[command(subcommand)]
    Trading(TradingCommand),
    /// Each host's audit log: deploys, rollbacks, config pushes, kill-switch changes
    Audit(AuditArgs),
    /// Maintenance windows: halt, reduce or run on paper until the window ends
    #[command(subcommand)]
    Maintenance(MaintenanceCommand),
    /// Incident runbooks: diagnose, and with --fix apply the remedy
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Prepare hosts: bootstrap a fresh one (user, folders, unit, sudoers, config) idempotently
    #[command(subcommand)]
    Host(HostCommand),
    /// Database backups on the hosts: take one (then copy it off the host and prune by [backup]), `list` them, `verify` one by restoring it
    Backup(BackupArgs),
    /// Restore a backup: halt, stop, keep the current database, restore, start, prove healthy, resume
    Restore(RestoreArgs),
    /// Replace this ployctl with a signed release's (the newest, or --version V)
    SelfUpdate(SelfUpdateArgs),
    /// Print a shell completion script
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `ployctl backup [list|verify]`
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupArgs {
    /// List or verify instead of taking a backup.
    #[command(subcommand)]
    pub action: Option<BackupCommand>,
    /// A label for the backup's name and manifest
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// Run the restore drill on the new backup right away
    #[arg(long)]
    pub verify: bool,
    /// Copy it (and any earlier one not copied yet) to s3://bucket/prefix/<host> [default: the inventory's [backup] destination]
    #[arg(long, value_name = "S3_URL")]
    pub to: Option<String>,
    /// Give up on a host after this long
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

/// `ployctl backup list|verify`
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Each host's backups: size, age, label and whether a restore drill proved it
    List(BackupListArgs),
    /// The restore drill on the host: restore a backup (default: the newest) into a scratch copy and check it
    Verify(BackupVerifyArgs),
}

/// `ployctl backup list`
#[derive(Debug, Args)]
pub struct BackupListArgs {
    /// The copies in object storage (the inventory's [backup] destination) instead of the host's folder
    #[arg(long)]
    pub remote: bool,
}

/// `ployctl restore`
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup (as `backup list` shows it); with --to-new-host, default: the newest copy in object storage
    #[arg(
        long = "from",
        value_name = "BACKUP",
        required_unless_present = "to_new_host"
    )]
    pub backup: Option<String>,
    /// Do not ask; needed when there is no terminal (CI)
    #[arg(long)]
    pub yes: bool,
    /// A fresh host (after `host bootstrap` and a deploy on its paper config): the backup comes from object storage and trading stays halted until `ployctl trading resume`
    #[arg(long)]
    pub to_new_host: bool,
    /// With --to-new-host: whose copies to restore [default: the host's own name]
    #[arg(long, value_name = "HOST", requires = "to_new_host")]
    pub from_host: Option<String>,
    /// How long the kill switch may take to confirm
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// Health and lock options.
    #[command(flatten)]
    pub prove: ProveArgs,
}

/// `ployctl backup verify`
#[derive(Debug, Args)]
pub struct BackupVerifyArgs {
    /// The backup's name (as `backup list` shows it); default: the newest
    #[arg(value_name = "BACKUP")]
    pub backup: Option<String>,
    /// Give up on a host after this long
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

/// `ployctl host …`
#[derive(Debug, Subcommand)]
pub enum HostCommand {
    /// Prepare a host from templates/: the ploy user, the root's folders, the unit or daemon layout, sudoers, config and .env; ok/changed/failed per task
    Bootstrap(BootstrapArgs),
}

/// The service manager a bootstrap prepares for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServiceArg {
    /// The systemd unit (deployment/systemd/ploy.service), enabled, with its sudoers rule
    Systemd,
    /// start-stop-daemon with run/ploy.pid and logs/ploy.log (containers, small VMs)
    Daemon,
}

/// `ployctl host bootstrap`
#[derive(Debug, Args)]
pub struct BootstrapArgs {
    /// The service manager [default: the host's `service` in the inventory]
    #[arg(long, value_enum)]
    pub service: Option<ServiceArg>,
    /// Log in as this user (root, or one with passwordless sudo) instead of the host's deploy user
    #[arg(long, value_name = "USER")]
    pub login: Option<String>,
    /// A public key to add to the deploy user's authorized_keys (e.g. ~/.ssh/id_ed25519.pub)
    #[arg(long, value_name = "PATH")]
    pub authorized_key: Option<PathBuf>,
    /// Show what would change on each host and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Also install Litestream's replication of the SQLite database to the inventory's [backup] destination (systemd hosts; litestream must be installed)
    #[arg(long)]
    pub litestream: bool,
}

/// `ployctl self-update`.
#[derive(Debug, Args, Clone)]
pub struct SelfUpdateArgs {
    /// Only say whether a newer release exists (exit 0 either way)
    #[arg(long)]
    pub check: bool,
    /// Install this release (e.g. 0.2.0 or v0.2.0), even an older one
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// Do not ask at a terminal (elsewhere it never asks)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// GitHub API base URL (GitHub Enterprise: https://HOST/api/v3)
    #[arg(long, env = "PLOYCTL_RELEASES_API", default_value = crate::commands::self_update::DEFAULT_API, value_name = "URL")]
    pub api_url: String,
    /// The repository whose releases to use
    #[arg(long, env = "PLOYCTL_RELEASES_REPO", default_value = crate::commands::self_update::DEFAULT_REPO, value_name = "OWNER/NAME")]
    pub repo: String,
}

/// Health-proving overrides shared by deploy and rollback.
#[derive(Debug, Args, Clone)]
pub struct ProveArgs {
    /// Time a release has to become healthy [default: inventory, else 60s]
    #[arg(long, env = "PLOYCTL_HEALTH_TIMEOUT", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub health_timeout: Option<Duration>,
    /// Time it must then stay healthy [default: inventory, else 10s]
    #[arg(long, env = "PLOYCTL_STABILITY_WINDOW", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub stability_window: Option<Duration>,
    /// Wait this long for another deploy's lock instead of failing at once
    #[arg(long, env = "PLOYCTL_LOCK_WAIT", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub lock_wait: Option<Duration>,
    /// Break a held lock (after making sure no deploy is running)
    #[arg(long)]
    pub force_unlock: bool,
}

/// `ployctl deploy`
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The ploy binary to deploy
    #[arg(long, env = "PLOYCTL_BINARY", value_name = "PATH")]
    pub binary: PathBuf,
    /// Release name [default: the binary's `ploy version` and the UTC time]
    #[arg(long = "version", value_name = "V")]
    pub release_version: Option<String>,
    /// Print the plan for each host and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Deploy even a release the host's ledger marks bad, or one that already runs
    #[arg(long)]
    pub force: bool,
    /// Rolling and canary options.
    #[command(flatten)]
    pub rollout: RolloutArgs,
    /// Health and lock options.
    #[command(flatten)]
    pub prove: ProveArgs,
}

/// How a deploy rolls out over its hosts.
#[derive(Debug, Args, Clone)]
pub struct RolloutArgs {
    /// Hosts per batch after the canary, a number or a percentage (25%) [default: the rest at once]
    #[arg(long, value_name = "N|P%", value_parser = parse_share)]
    pub batch_size: Option<crate::rollout::Share>,
    /// The first N hosts go first and must stay healthy for --canary-soak before the rest
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=10_000))]
    pub canary: u16,
    /// How long the canary must stay healthy, its kill switch active, its failed-order and API-error rates under the host's [checks] gates (1s to 1h)
    #[arg(long, default_value = "60s", value_parser = parse_soak, value_name = "DURATION")]
    pub canary_soak: Duration,
    /// Failed hosts (unreachable ones count) tolerated, checked after every batch; past it no new batch starts [default: 0]
    #[arg(long, value_name = "N|P%", value_parser = parse_share)]
    pub max_fail: Option<crate::rollout::Share>,
    /// When --max-fail is exceeded (or the canary fails), put the hosts this run deployed back to their previous release
    #[arg(long)]
    pub rollback_all_on_fail: bool,
}

fn parse_share(text: &str) -> Result<crate::rollout::Share, String> {
    text.parse()
}

fn parse_soak(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text).map_err(|e| e.to_string())?;
    if (Duration::from_secs(1)..=Duration::from_secs(3600)).contains(&d) {
        Ok(d)
    } else {
        Err("the soak is 1s to 1h".to_owned())
    }
}

/// `ployctl rollback`
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The release to go back to (name or unique prefix) [default: the newest good release other than the running one]
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// Print the plan for each host and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Go back even to a release the host's ledger marks bad
    #[arg(long)]
    pub force: bool,
    /// Health and lock options.
    #[command(flatten)]
    pub prove: ProveArgs,
}

/// `ployctl health`
#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Poll until every host is healthy or the timeout passes
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

/// `ployctl validate-config`
#[derive(Debug, Args)]
pub struct ValidateConfigArgs {
    /// Validate this candidate file instead of the host's config (nothing is installed)
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Validate on this machine with --binary and --file, no hosts (pre-commit, CI)
    #[arg(long, requires_all = ["binary", "file"])]
    pub local: bool,
    /// The ploy binary that validates with --local
    #[arg(long, env = "PLOYCTL_BINARY", value_name = "PATH", requires = "local")]
    pub binary: Option<PathBuf>,
    /// Give up on a host after this long
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

/// `ployctl daily-check`
#[derive(Debug, Args)]
pub struct DailyCheckArgs {
    /// The window looked at (errors, restarts, orders, fills, P&L)
    #[arg(long, default_value = "24h", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub since: Duration,
    /// Print a Markdown report (under GitHub Actions it also goes to the job summary)
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
    /// Exit 1 on a warning too
    #[arg(long)]
    pub strict: bool,
    /// Give up on a host after this long
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

/// `ployctl status`
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Give up on a host after this long
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

/// Log levels, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum LevelArg {
    /// ERROR.
    Error,
    /// WARN and above.
    Warn,
    /// INFO and above.
    Info,
    /// DEBUG and above.
    Debug,
    /// Everything.
    Trace,
}

/// `ployctl logs`
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Keep following until Ctrl-C
    #[arg(short, long)]
    pub follow: bool,
    /// How far back to start
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub since: Duration,
    /// Only lines of this level and more severe
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub level: Option<LevelArg>,
    /// Only lines containing this text
    #[arg(long, value_name = "TEXT")]
    pub grep: Option<String>,
    /// Print lines as the engine wrote them (JSON stays JSON)
    #[arg(long)]
    pub raw: bool,
}

/// `ployctl config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a config file on each host, switch to it, restart, prove it healthy; put the old one back when not
    Push(ConfigPushArgs),
    /// Show what `config push --file` would change on each host
    Diff(ConfigFileArgs),
    /// List the configs each host keeps and the pushes in its audit log
    History,
    /// Push a kept config back (the newest by default), checked and proven like a push
    Rollback(ConfigRollbackArgs),
}

/// `ployctl config rollback`
#[derive(Debug, Args)]
pub struct ConfigRollbackArgs {
    /// A kept config's name from `config history` (or a unique part of it) [default: the newest]
    #[arg(long, value_name = "NAME")]
    pub to: Option<String>,
    /// Health and lock options.
    #[command(flatten)]
    pub prove: ProveArgs,
}

/// `ployctl config push`
#[derive(Debug, Args)]
pub struct ConfigPushArgs {
    /// The new config file
    #[arg(long, value_name = "PATH")]
    pub file: PathBuf,
    /// Health and lock options.
    #[command(flatten)]
    pub prove: ProveArgs,
}

/// `ployctl config diff`
#[derive(Debug, Args)]
pub struct ConfigFileArgs {
    /// The config file to compare with each host's
    #[arg(long, value_name = "PATH")]
    pub file: PathBuf,
}

/// `ployctl trading …`
#[derive(Debug, Subcommand)]
pub enum TradingCommand {
    /// Cancel every resting order and place none; done once nothing rests
    Halt(TradingChangeArgs),
    /// Only orders that shrink positions; the others are cancelled
    Reduce(TradingChangeArgs),
    /// Trade normally again (refused while the host's config keeps it stricter)
    Resume(TradingChangeArgs),
    /// Each host's kill switch: state, since when, by whom, why, orders resting
    Status(TradingStatusArgs),
}

/// `ployctl trading halt|reduce|resume`
#[derive(Debug, Args)]
pub struct TradingChangeArgs {
    /// Why (recorded in the engine's saved state and the host's audit log)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// How long to wait for the engine to confirm (and, halting, for nothing to rest)
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

/// `ployctl trading status`
#[derive(Debug, Args)]
pub struct TradingStatusArgs {
    /// Give up on a host after this long
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

/// `ployctl audit`
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// How far back
    #[arg(long, default_value = "7d", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub since: Duration,
    /// Give up on a host after this long
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

/// What a maintenance window does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MaintenanceModeArg {
    /// Halt: cancel every resting order and place none
    Halted,
    /// Reduce: positions may close, nothing grows
    Reducing,
    /// Paper: restart the engine in paper mode (same market data, simulated fills, no keys used)
    Paper,
}

/// `ployctl maintenance …`
#[derive(Debug, Subcommand)]
pub enum MaintenanceCommand {
    /// Open a window (saved on the host: restarts and deploys keep it)
    Start(MaintenanceStartArgs),
    /// Close it: the mode and kill switch from before, proven healthy
    End(MaintenanceEndArgs),
}

/// `ployctl maintenance start`
#[derive(Debug, Args)]
pub struct MaintenanceStartArgs {
    /// Why (recorded on the host and in its audit log)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// What the window does
    #[arg(long, value_enum, default_value_t = MaintenanceModeArg::Halted)]
    pub mode: MaintenanceModeArg,
    /// How long the kill switch may take to confirm
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// Health and lock options.
    #[command(flatten)]
    pub prove: ProveArgs,
}

/// `ployctl maintenance end`
#[derive(Debug, Args)]
pub struct MaintenanceEndArgs {
    /// How long the kill switch may take to confirm
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// Health and lock options.
    #[command(flatten)]
    pub prove: ProveArgs,
}

/// `ployctl incident …`
#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Orders stuck pending or open: looked up on the exchange; --fix settles them
    StuckOrders(StuckOrdersArgs),
    /// The exchange rate-limiting the host: 429/425/503s, the order rate; --fix lowers it
    RateLimit(RateLimitArgs),
    /// The disk filling: free space and what uses it; --fix frees space in a safe order
    DiskFull(DiskFullArgs),
}

/// `ployctl incident disk-full`
#[derive(Debug, Args)]
pub struct DiskFullArgs {
    /// Free space: old releases, ploy's logs, the journal, the SQLite WAL (never the database, the current or previous release, or the config)
    #[arg(long)]
    pub fix: bool,
    /// With --fix: do not ask (CI)
    #[arg(long, requires = "fix")]
    pub yes: bool,
    /// How long the kill switch may take to confirm
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// Health and lock options.
    #[command(flatten)]
    pub prove: ProveArgs,
}

/// `ployctl incident rate-limit`
#[derive(Debug, Args)]
pub struct RateLimitArgs {
    /// The window looked at in the log and the order history
    #[arg(long, default_value = "15m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub window: Duration,
    /// Lower risk.max_orders_per_minute through a checked, proven config push
    #[arg(long, requires = "max_orders_per_minute")]
    pub fix: bool,
    /// With --fix: the new limit
    #[arg(long, value_name = "N", requires = "fix", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_orders_per_minute: Option<u32>,
    /// With --fix: do not ask (CI)
    #[arg(long, requires = "fix")]
    pub yes: bool,
    /// Health and lock options.
    #[command(flatten)]
    pub prove: ProveArgs,
}

/// `ployctl incident stuck-orders`
#[derive(Debug, Args)]
pub struct StuckOrdersArgs {
    /// Only orders stored this long ago or more
    #[arg(long, default_value = "2m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub older_than: Duration,
    /// Apply the decisions: halt, restart (reconciliation), check again, restore
    #[arg(long)]
    pub fix: bool,
    /// With --fix: do not ask (CI)
    #[arg(long, requires = "fix")]
    pub yes: bool,
    /// How long the kill switch may take to confirm
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// Health and lock options.
    #[command(flatten)]
    pub prove: ProveArgs,
}
