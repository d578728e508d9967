//! The one error type of `ploy`'s commands. Each command returns
//! `Result<u8, CommandError>` (the `u8` is a success or a verdict such as
//! `health-check`'s "degraded"); [`super::main`] prints an error once,
//! scrubbed of secrets, and exits with its [`CommandError::exit_code`] from
//! the documented table in [`crate::exit`].

use crate::config::ConfigError;
use crate::exit;
use crate::service::RunError;

/// Why a command failed. Every message says what went wrong and ends with a
/// `hint:` line of what to do where there is one.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The configuration does not load (every problem, located).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The command line or the environment cannot work (a missing key, a bad
    /// argument): nothing was started.
    #[error("{0}")]
    Usage(String),
    /// The database cannot be reached, read or migrated.
    #[error("{0}")]
    Database(String),
    /// The exchange or the market data cannot be reached.
    #[error("{0}")]
    Exchange(String),
    /// Anything else that failed (a file that cannot be written).
    #[error("{0}")]
    Failed(String),
    /// The service stopped with an error.
    #[error(transparent)]
    Run(#[from] RunError),
}

impl CommandError {
    /// A usage or environment error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }

    /// A database error (exit 3).
    pub fn database(message: impl Into<String>) -> Self {
        Self::Database(message.into())
    }

    /// An exchange or market-data error (exit 5).
    pub fn exchange(message: impl Into<String>) -> Self {
        Self::Exchange(message.into())
    }

    /// Any other failure (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        Self::Failed(message.into())
    }

    /// The documented exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Config(_) | Self::Usage(_) => exit::CONFIG,
            Self::Database(_) => exit::DATABASE,
            Self::Exchange(_) => exit::EXCHANGE,
            Self::Failed(_) => exit::FAILURE,
            Self::Run(e) => e.exit_code(),
        }
    }
}

/// What a command returns: an exit code it chose, or an error.
pub type CommandResult = Result<u8, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_documented_code() {
        assert_eq!(CommandError::usage("x").exit_code(), exit::CONFIG);
        assert_eq!(CommandError::database("x").exit_code(), exit::DATABASE);
        assert_eq!(CommandError::exchange("x").exit_code(), exit::EXCHANGE);
        assert_eq!(CommandError::failed("x").exit_code(), exit::FAILURE);
        let run = CommandError::from(RunError::ShutdownTimedOut(std::time::Duration::ZERO));
        assert_eq!(run.exit_code(), exit::FAILURE);
    }
}
