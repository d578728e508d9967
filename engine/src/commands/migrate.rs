//! `ploy migrate`: apply pending migrations to the configured database.

use std::path::Path;

use super::{load_settings, print_config_error, print_error};
use crate::exit;
use crate::storage;

/// Connects and migrates.
pub async fn run(config: Option<&Path>) -> u8 {
    let settings = match load_settings(config) {
        Ok(s) => s,
        Err(e) => {
            print_config_error(&e);
            return exit::CONFIG;
        },
    };
    let url = settings.database_url.redacted();
    let store = match storage::connect(&settings.database_url, &settings.config.database).await {
        Ok(store) => store,
        Err(e) => {
            print_error(&format!(
                "{e}\n  hint: check DATABASE_URL and that the server is up"
            ));
            return exit::DATABASE;
        },
    };
    let result = store.migrate().await;
    store.close().await;
    match result {
        Ok(0) => {
            println!("database {url} is up to date");
            exit::OK
        },
        Ok(n) => {
            println!(
                "applied {n} migration{} to {url}",
                if n == 1 { "" } else { "s" }
            );
            exit::OK
        },
        Err(e) => {
            print_error(&e.to_string());
            exit::DATABASE
        },
    }
}
