//! The run: read the inventory and the environment, resolve the settings
//! (`settings.rs`, pure), install the signal handler, build the context and
//! hand over to the command (`commands::exec`). The exit code comes from the
//! run's outcome.

use std::path::PathBuf;
use std::sync::Arc;

use crate::cli::{Cli, ColorChoice};
use crate::commands;
use crate::exit::Outcome;
use crate::health::HealthClient;
use crate::inventory::{self, Inventory};
use crate::printer::Printer;
use crate::session::{self, Context};
use crate::settings::{self, CommandSettings, Environment};
use crate::transport::ConnectOptions;

/// Runs a parsed command line; returns the exit code.
pub async fn run(cli: Cli) -> u8 {
    set_colors(cli.global.color);
    let env = Environment::from_process();
    let printer = Arc::new(Printer::new(settings::output(&cli, &env)));
    let inventory = match load_inventory(cli.global.inventory.as_deref()) {
        Ok(inv) => inv,
        Err(e) => {
            return printer
                .usage_error(
                    &e.to_string(),
                    Some("fix the inventory file (ployctl.toml)"),
                )
                .code()
        },
    };
    let settings = match settings::resolve(cli, &env, &inventory, current_uid()) {
        Ok(s) => s,
        Err(e) => return printer.usage_error(&e.message, e.hint.as_deref()).code(),
    };
    if let CommandSettings::Completions(shell) = settings.command {
        commands::completions::run(shell);
        return 0;
    }
    if let CommandSettings::SelfUpdate(options) = &settings.command {
        return commands::self_update::exec(&printer, options).await.code();
    }

    let control_dir = process_control_dir(&settings.connect.control_dir);
    let (cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        let _ = cancel_tx.send(true);
    });
    let ctx = Context {
        printer,
        connect: ConnectOptions {
            backend: settings.connect.backend,
            accept_new_host_key: settings.connect.accept_new_host_key,
            ssh_key_pem: settings.connect.ssh_key_pem.clone(),
            control_dir: control_dir.clone(),
            connect_timeout: settings.connect.timeout,
        },
        cancel: cancel_rx,
        who: session::who(),
        ci_run_url: settings.ci_run_url.clone(),
        health: HealthClient::new(),
    };
    let outcome = commands::exec(&ctx, &settings.hosts, &settings.command).await;
    let _ = std::fs::remove_dir_all(&control_dir);
    if ctx.cancelled() {
        Outcome::Interrupted.code()
    } else {
        outcome.code()
    }
}

fn set_colors(choice: ColorChoice) {
    match choice {
        ColorChoice::Always => {
            console::set_colors_enabled(true);
            console::set_colors_enabled_stderr(true);
        },
        ColorChoice::Never => {
            console::set_colors_enabled(false);
            console::set_colors_enabled_stderr(false);
        },
        ColorChoice::Auto => {},
    }
}

fn current_uid() -> u32 {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap_or(0)
}

/// This process's own folder under the control folder (`<base>/<pid>`), so
/// concurrent ployctl runs never touch each other's sockets; folders of
/// processes that are gone (killed runs) are removed first.
fn process_control_dir(base: &std::path::Path) -> PathBuf {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let _ = std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(base);
    let _ = std::fs::set_permissions(base, std::fs::Permissions::from_mode(0o700));
    if let Ok(entries) = std::fs::read_dir(base) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Ok(pid) = name.parse::<u32>() {
                if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }
    let dir = base.join(std::process::id().to_string());
    let _ = std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir);
    dir
}

fn load_inventory(
    explicit: Option<&std::path::Path>,
) -> Result<Inventory, inventory::InventoryError> {
    match inventory::discover(explicit) {
        Some(path) => Inventory::load(&path),
        None => Ok(Inventory::default()),
    }
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        std::future::pending::<()>().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {},
        _ = int.recv() => {},
    }
}
