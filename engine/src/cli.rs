//! Command-line interface: the clap types only. [`crate::commands::main`]
//! parses them and dispatches to one module per command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::exit;

const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (git ",
    env!("PLOY_GIT_SHA"),
    ", profile ",
    env!("PLOY_BUILD_PROFILE"),
    ")"
);

/// Polymarket CLOB trading engine.
#[derive(Debug, Parser)]
#[command(name = "ploy", version = LONG_VERSION, about, after_help = exit::TABLE)]
pub struct Cli {
    /// Config file [default: /opt/ploy/config/config.toml, else ./config.toml, else built-in defaults]
    #[arg(
        long,
        short = 'c',
        global = true,
        env = "PLOY_CONFIG",
        value_name = "PATH"
    )]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the engine: trading pipeline, /health and /metrics, until SIGTERM or SIGINT.
    Run(RunArgs),
    /// Validate the config file and environment without starting anything.
    CheckConfig(CheckConfigArgs),
    /// Probe a running instance's /health; exit 0 only when healthy.
    HealthCheck(HealthCheckArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print version, git revision and build profile.
    Version(VersionArgs),
    /// Run the strategy on a recorded session with the paper exchange; print orders, fills, P&L.
    Replay(ReplayArgs),
    /// Orders: preview a signed order without sending it.
    #[command(subcommand)]
    Order(OrderCommand),
    /// Write the live market feed to a recording for `ploy replay`.
    Record(RecordArgs),
    /// List stored orders (read from the database; works while the service is stopped).
    Orders(OrdersArgs),
    /// Look up orders stored pending or open on the exchange and say what reconciliation does with each (read-only).
    CheckOrders(CheckOrdersArgs),
    /// Database upkeep.
    #[command(subcommand)]
    Db(DbCommand),
    /// The learning quoting policy (builds with the `rl` feature): train, evaluate, generate recordings.
    #[command(subcommand)]
    Rl(RlCommand),
    /// Show positions with their last mark and P&L (read from the database).
    Positions(JsonArgs),
    /// Summarize a window: orders, fills, volume, fees, P&L, inventory, kill switch, deployments.
    Report(ReportArgs),
}

/// `ploy run`
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Start as a standby beside the trading instance: serve /health on ADDR,
    /// prepare (markets, fees, credentials), report ready, and trade only
    /// after SIGUSR1 once the trading lease is free; then serve on server.bind.
    #[arg(long, value_name = "ADDR")]
    pub standby_bind: Option<std::net::SocketAddr>,
}

/// `ploy orders`
#[derive(Debug, Args)]
pub struct OrdersArgs {
    /// Only orders with this status: pending, open, filled, cancelled, failed.
    #[arg(long, value_parser = parse_status)]
    pub status: Option<crate::orders::OrderStatus>,
    /// Only orders created at least this long ago (e.g. 5m).
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub older_than: Option<std::time::Duration>,
    /// Only orders of this token ID.
    #[arg(long, value_name = "TOKEN_ID")]
    pub market: Option<String>,
    /// At most this many, newest first.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ploy db …`
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// SQLite: move the write-ahead log into the database file and truncate it (safe while ploy runs).
    Checkpoint(JsonArgs),
    /// Take a consistent, compressed snapshot of the database with a manifest (safe while ploy runs).
    Backup(BackupArgs),
    /// Restore drill: check a backup's sha256 and schema, restore it into a scratch copy, migrate and check it.
    Verify(VerifyArgs),
    /// Restore a backup over this database, the current one kept as a backup first (ploy must be stopped).
    Restore(RestoreArgs),
    /// Copy backups to S3-compatible object storage (by default every one not copied there yet).
    Upload(UploadArgs),
    /// List the backups in a folder, or in object storage with --from.
    List(ListArgs),
    /// Fetch a backup (the newest by default) from object storage into a folder, checked by its sha256.
    Download(DownloadArgs),
}

/// `ploy db backup`
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The folder to write `<name>.db.gz` and `<name>.json` into.
    #[arg(long, value_name = "DIR", default_value = "backups")]
    pub out: PathBuf,
    /// A label to put in the backup's name and manifest.
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// Print the manifest as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ploy db verify`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The backup's manifest (`<name>.json`).
    #[arg(value_name = "MANIFEST")]
    pub manifest: PathBuf,
    /// Print the manifest with its verification as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ploy db restore`
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup's manifest (`<name>.json`).
    #[arg(value_name = "MANIFEST")]
    pub manifest: PathBuf,
    /// Only say what would be replaced by what; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Save the kill switch as halted in the restored database, with this reason.
    #[arg(long, value_name = "TEXT")]
    pub halt_reason: Option<String>,
    /// Where the backup of the database being replaced goes (default: the manifest's folder).
    #[arg(long, value_name = "DIR")]
    pub keep_dir: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ploy db upload`
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// Where: `s3://bucket/prefix` (credentials from the environment or .env, or the instance role).
    #[arg(long, value_name = "S3_URL")]
    pub to: String,
    /// The folder holding the backups.
    #[arg(long, value_name = "DIR", default_value = "backups")]
    pub dir: PathBuf,
    /// Backups to upload (default: every one whose manifest does not say it was uploaded there).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ploy db list`
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The folder holding the backups.
    #[arg(
        long,
        value_name = "DIR",
        default_value = "backups",
        conflicts_with = "from"
    )]
    pub dir: PathBuf,
    /// List the whole backups in object storage instead: `s3://bucket/prefix`.
    #[arg(long, value_name = "S3_URL")]
    pub from: Option<String>,
    /// Print the manifests as JSON, one per line.
    #[arg(long)]
    pub json: bool,
}

/// `ploy db download`
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Where from: `s3://bucket/prefix`.
    #[arg(long, value_name = "S3_URL")]
    pub from: String,
    /// The backup (default: the newest whole one).
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// The folder to put it in.
    #[arg(long, value_name = "DIR", default_value = "backups")]
    pub out: PathBuf,
    /// Print the manifest as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ploy check-orders`
#[derive(Debug, Args)]
pub struct CheckOrdersArgs {
    /// Only orders stored this long ago or more (younger ones may be in flight).
    #[arg(long, default_value = "2m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub older_than: std::time::Duration,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ploy report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The window, ending now (e.g. 24h, 7d).
    #[arg(long, default_value = "24h", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub since: std::time::Duration,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// A command whose only option is `--json`.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_status(text: &str) -> Result<crate::orders::OrderStatus, String> {
    crate::orders::OrderStatus::parse(&text.to_ascii_lowercase()).ok_or_else(|| {
        format!("{text:?} is not an order status: use pending, open, filled, cancelled or failed")
    })
}

/// `ploy record`
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The recording to write (JSONL).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Stop after this long.
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration)]
    pub duration: std::time::Duration,
    /// Token IDs to record [default: strategy.markets].
    #[arg(long, value_delimiter = ',')]
    pub markets: Vec<String>,
}

/// `ploy replay`
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The recording (`ploy record` output, JSONL).
    pub file: PathBuf,
    /// Print the whole report as JSON.
    #[arg(long)]
    pub json: bool,
    /// How many fills to list.
    #[arg(long, default_value_t = 20)]
    pub show_fills: usize,
    /// Fail on the first bad line instead of skipping it (as
    /// `market_data.recording_strict = true` does).
    #[arg(long)]
    pub strict: bool,
    /// Quote with this trained model's half-spreads (`ploy rl train`; needs the `rl` feature).
    #[arg(long, value_name = "MODEL")]
    pub policy: Option<PathBuf>,
}

/// `ploy rl …`
#[derive(Debug, Subcommand)]
pub enum RlCommand {
    /// Learn a half-spread policy from recordings by counterfactual replay; write the model.
    Train(RlTrainArgs),
    /// Compare a model with every fixed half-spread on recordings (P&L, fills, max inventory, bootstrap intervals).
    Eval(RlEvalArgs),
    /// Write synthetic recordings (calm and toxic regimes) for training and tests.
    Generate(RlGenerateArgs),
}

/// `ploy rl train`
#[derive(Debug, Args)]
pub struct RlTrainArgs {
    /// A folder of recordings (`*.jsonl`), all used.
    #[arg(long, value_name = "DIR")]
    pub recordings: PathBuf,
    /// The seed (file order, exploration): the same seed and files give the same model.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the model.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The arms: half-spreads in ticks.
    #[arg(long, value_delimiter = ',', default_value = "1,2,3,4", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub arms: Vec<u32>,
    /// The decision window (event time).
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub window: std::time::Duration,
    /// Print the model's summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ploy rl eval`
#[derive(Debug, Args)]
pub struct RlEvalArgs {
    /// The model (`ploy rl train --out`).
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// A folder of recordings (`*.jsonl`) to evaluate on.
    #[arg(long, value_name = "DIR")]
    pub recordings: PathBuf,
    /// The bootstrap's seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the whole report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `ploy rl generate`
#[derive(Debug, Args)]
pub struct RlGenerateArgs {
    /// The folder to write `synthetic-<seed>.jsonl` into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The seeds, e.g. `1-20` or `3,7`.
    #[arg(long, default_value = "1-20", value_name = "SEEDS")]
    pub seeds: String,
    /// Minutes of market time per session.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub minutes: u32,
    /// Calm only (the single-regime control) instead of calm and toxic stretches.
    #[arg(long)]
    pub control: bool,
}

/// `ploy order …`
#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Print the exact signed body that would be posted; post nothing.
    Preview(OrderPreviewArgs),
}

/// `ploy order preview`
#[derive(Debug, Args)]
pub struct OrderPreviewArgs {
    /// Outcome token ID (decimal).
    #[arg(long)]
    pub token_id: String,
    /// BUY or SELL.
    #[arg(long, value_parser = parse_side)]
    pub side: crate::orders::Side,
    /// Limit price.
    #[arg(long)]
    pub price: rust_decimal::Decimal,
    /// Size in shares (at most 2 decimals).
    #[arg(long)]
    pub size: rust_decimal::Decimal,
    /// The market's tick size.
    #[arg(long, default_value = "0.01")]
    pub tick_size: rust_decimal::Decimal,
    /// A neg-risk market (signed for the neg-risk exchange).
    #[arg(long)]
    pub neg_risk: bool,
    /// Sign for the V3 exchange.
    #[arg(long)]
    pub v3: bool,
    /// Order type.
    #[arg(long, value_parser = parse_order_type, default_value = "GTC")]
    pub order_type: crate::orders::build::OrderType,
    /// Post-only (rest, never take); only with GTC or GTD
    #[arg(long)]
    pub post_only: bool,
    /// GTD only: when it expires, Unix seconds or a duration after now (10m)
    #[arg(long, value_name = "WHEN")]
    pub expiration: Option<String>,
    /// Salt (default: random, ≤ 2^53 − 1).
    #[arg(long)]
    pub salt: Option<u64>,
    /// Timestamp in ms (default: now).
    #[arg(long)]
    pub timestamp: Option<u64>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_side(text: &str) -> Result<crate::orders::Side, String> {
    crate::orders::Side::parse(text).ok_or_else(|| format!("{text:?} is not BUY or SELL"))
}

fn parse_order_type(text: &str) -> Result<crate::orders::build::OrderType, String> {
    use crate::orders::build::OrderType;
    match text.to_ascii_uppercase().as_str() {
        "GTC" => Ok(OrderType::Gtc),
        "GTD" => Ok(OrderType::Gtd),
        "FOK" => Ok(OrderType::Fok),
        "FAK" => Ok(OrderType::Fak),
        _ => Err(format!("{text:?} is not GTC, GTD, FOK or FAK")),
    }
}

/// `ploy check-config`
#[derive(Debug, Args)]
pub struct CheckConfigArgs {
    /// Also connect to the database and the market-data source.
    #[arg(long)]
    pub connect: bool,
    /// Print a JSON report on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `ploy health-check`
#[derive(Debug, Args)]
pub struct HealthCheckArgs {
    /// The /health URL [default: from server.bind in the config, else http://127.0.0.1:8080/health]
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Print the /health JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Give up after this long.
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration)]
    pub timeout: std::time::Duration,
}

/// `ploy version`
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
