//! `ploy run`: the service.

use std::path::Path;

use super::{load_settings, CommandResult};
use crate::exit;
use crate::service;
use crate::telemetry::{self, LogFormat};

/// Loads the config, starts logging and runs until a signal.
pub async fn run(config: Option<&Path>, args: &crate::cli::RunArgs) -> CommandResult {
    let settings = load_settings(config)?;
    telemetry::init(LogFormat::from_env());
    let options = service::RunOptions {
        standby_bind: args.standby_bind,
    };
    match Box::pin(service::run(settings, options)).await {
        Ok(()) => Ok(exit::OK),
        Err(e) => {
            tracing::error!(error = %e, "ploy stopped");
            Err(e.into())
        },
    }
}
