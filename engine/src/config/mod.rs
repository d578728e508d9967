//! Configuration: the typed `config.toml`, the secrets from the environment, and how
//! both are found, merged and checked.
//!
//! Sources, lowest to highest precedence: built-in defaults, the config file,
//! `.env` next to it, the process environment (`PLOY_MODE`, `PLOY_<SECTION>__<KEY>`).
//! Secrets are read only from the environment (see [`Secrets`]). Every problem is
//! collected before anything is reported, each with its file:line:col (or the
//! environment variable) and the dotted key; see [`load`].

mod env;
mod load;
mod problem;
pub mod ranges;
mod secret;
mod types;

pub use env::Env;
pub use load::{
    environment, load, load_from_str, resolve_path, secret_presence, ConfigPath, Settings,
};
pub use problem::{ConfigError, Origin, Problem};
pub use secret::{redact_url, DatabaseUrl, Secret};
pub use types::*;

/// The default config path on a host installed by ployctl.
pub const HOST_CONFIG_PATH: &str = "/opt/ploy/config/config.toml";

/// The database used when neither `DATABASE_URL` nor `database.url` is set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/ploy.db";

#[cfg(test)]
mod tests;
