//! One module per `ploy` subcommand; each returns its exit code. The helpers
//! here load the configuration and print errors the same way for all of them.

use crate::config::{self, ConfigError, Env, Settings};

pub mod check_config;
pub mod health_check;
pub mod migrate;
pub mod order;
pub mod record;
pub mod replay;
pub mod run;
pub mod version;

/// Loads and checks the configuration, registering its secrets for scrubbing.
pub fn load_settings(flag: Option<&std::path::Path>) -> Result<Settings, ConfigError> {
    let env = Env::from_process();
    let path = config::resolve_path(flag, &env);
    let settings = config::load(&path, env)?;
    crate::redact::register(settings.secrets.values());
    Ok(settings)
}

/// Prints configuration problems to stderr.
pub fn print_config_error(error: &ConfigError) {
    eprintln!("error: {}", crate::redact::scrub(&error.to_string()));
}

/// Prints an error line (scrubbed) to stderr.
pub fn print_error(message: &str) {
    eprintln!("error: {}", crate::redact::scrub(message));
}
