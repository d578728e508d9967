//! One module per `ployctl` subcommand.

pub mod completions;
pub mod deploy;
pub mod health;
pub mod releases;
pub mod rollback;
