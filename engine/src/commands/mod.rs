//! One module per `ploy` subcommand; each returns its exit code.

pub mod check_config;
pub mod health_check;
pub mod migrate;
pub mod order;
pub mod record;
pub mod replay;
pub mod run;
pub mod version;
