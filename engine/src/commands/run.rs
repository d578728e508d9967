//! `ploy run`: the service.

use std::path::Path;

use super::{load_settings, print_config_error, print_error};
use crate::exit;
use crate::service;
use crate::telemetry::{self, LogFormat};

/// Loads the config, starts logging and runs until a signal.
pub async fn run(config: Option<&Path>) -> u8 {
    let settings = match load_settings(config) {
        Ok(s) => s,
        Err(e) => {
            print_config_error(&e);
            return exit::CONFIG;
        },
    };
    telemetry::init(LogFormat::from_env());
    match service::run(settings).await {
        Ok(()) => exit::OK,
        Err(e) => {
            tracing::error!(error = %e, "ploy stopped");
            print_error(&e.to_string());
            e.exit_code()
        },
    }
}
