//! One module per `ploy` subcommand; each returns a [`CommandResult`]: the
//! exit code it chose, or a [`CommandError`]. [`main`] parses the command
//! line ([`crate::cli`]), dispatches, and prints an error in one place.

use std::process::ExitCode;

use clap::Parser;

use crate::cli;
use crate::config::{self, ConfigError, Env, Settings};
use crate::exit;

pub use self::error::{CommandError, CommandResult};

pub mod check_config;
pub mod check_orders;
pub mod db;
pub mod error;
pub mod health_check;
pub mod migrate;
pub mod order;
pub mod record;
pub mod replay;
pub mod rl;
pub mod run;
pub mod version;
pub mod views;

/// Loads and checks the configuration, registering its secrets for scrubbing.
pub fn load_settings(flag: Option<&std::path::Path>) -> Result<Settings, ConfigError> {
    let env = Env::from_process();
    let path = config::resolve_path(flag, &env);
    let settings = config::load(&path, env)?;
    crate::redact::register(settings.secrets.values());
    Ok(settings)
}

/// Prints an error (scrubbed of secrets) to stderr: the one place errors are printed.
fn print_error(error: &CommandError) {
    eprintln!("error: {}", crate::redact::scrub(&error.to_string()));
}

/// Parses the command line, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    crate::redact::install_panic_hook();
    let parsed = cli::Cli::parse();
    let config = parsed.config.as_deref();
    let result = match parsed.command {
        cli::Command::Version(args) => version::run(&args),
        cli::Command::Run(args) => with_runtime(|| run::run(config, &args)),
        cli::Command::CheckConfig(args) => with_runtime(|| check_config::run(config, &args)),
        cli::Command::HealthCheck(args) => with_runtime(|| health_check::run(config, &args)),
        cli::Command::Migrate => with_runtime(|| migrate::run(config)),
        cli::Command::Replay(args) => replay::run(config, &args),
        cli::Command::Record(args) => with_runtime(|| record::run(config, &args)),
        cli::Command::Order(cli::OrderCommand::Preview(args)) => order::preview(config, &args),
        cli::Command::Orders(args) => with_runtime(|| views::orders(config, &args)),
        cli::Command::CheckOrders(args) => with_runtime(|| check_orders::run(config, &args)),
        cli::Command::Db(cli::DbCommand::Checkpoint(args)) => {
            with_runtime(|| views::checkpoint(config, args.json))
        },
        cli::Command::Db(cli::DbCommand::Backup(args)) => {
            with_runtime(|| db::backup(config, &args))
        },
        cli::Command::Db(cli::DbCommand::Verify(args)) => {
            with_runtime(|| db::verify(config, &args))
        },
        cli::Command::Db(cli::DbCommand::Restore(args)) => {
            with_runtime(|| db::restore(config, &args))
        },
        cli::Command::Db(cli::DbCommand::Upload(args)) => {
            with_runtime(|| db::upload(config, &args))
        },
        cli::Command::Db(cli::DbCommand::List(args)) => with_runtime(|| db::list(config, &args)),
        cli::Command::Db(cli::DbCommand::Download(args)) => {
            with_runtime(|| db::download(config, &args))
        },
        cli::Command::Rl(command) => rl::run(config, command),
        cli::Command::Positions(args) => with_runtime(|| views::positions(config, args.json)),
        cli::Command::Report(args) => with_runtime(|| views::report(config, &args)),
    };
    match result {
        Ok(code) => exit::code(code),
        Err(error) => {
            print_error(&error);
            exit::code(error.exit_code())
        },
    }
}

fn with_runtime<F, Fut>(f: F) -> CommandResult
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = CommandResult>,
{
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(f()),
        Err(e) => Err(CommandError::failed(format!(
            "cannot start the async runtime: {e}"
        ))),
    }
}
