//! `ploy migrate`: apply pending migrations to the configured database.

use std::path::Path;

use super::{load_settings, CommandError, CommandResult};
use crate::exit;
use crate::storage;

/// Connects and migrates.
pub async fn run(config: Option<&Path>) -> CommandResult {
    let settings = load_settings(config)?;
    let url = settings.database_url.redacted();
    let store = storage::connect(&settings.database_url, &settings.config.database)
        .await
        .map_err(|e| {
            CommandError::database(format!(
                "{e}\n  hint: check DATABASE_URL and that the server is up"
            ))
        })?;
    let result = store.migrate().await;
    store.close().await;
    match result.map_err(|e| CommandError::database(e.to_string()))? {
        0 => println!("database {url} is up to date"),
        n => println!(
            "applied {n} migration{} to {url}",
            if n == 1 { "" } else { "s" }
        ),
    }
    Ok(exit::OK)
}
