//! The run: resolve settings (flags > environment > inventory), install the
//! signal handler, dispatch to a command, and turn the outcome into an exit code.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::cli::{Cli, ColorChoice, Command, ProveArgs};
use crate::commands;
use crate::exit::Outcome;
use crate::health::HealthClient;
use crate::inventory::{self, Host, Inventory};
use crate::plan;
use crate::printer::{Printer, PrinterOptions, Style};
use crate::session::{self, Context};
use crate::transport::ConnectOptions;

/// Runs a parsed command line; returns the exit code.
pub async fn run(cli: Cli) -> u8 {
    match &cli.global.color {
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
    if let Command::Completions { shell } = cli.command {
        commands::completions::run(shell);
        return 0;
    }
    let options = PrinterOptions::detect(cli.global.json, cli.global.quiet, cli.global.verbose);
    let printer = Arc::new(Printer::new(options));
    let usage = |printer: &Printer, message: &str, hint: Option<&str>| -> u8 {
        if options.style == Style::Json {
            let report = serde_json::json!({
                "version": crate::printer::REPORT_VERSION,
                "ok": false, "outcome": "usage_error", "exit_code": Outcome::UsageError.code(),
                "error": message, "hint": hint, "hosts": [],
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("serializes")
            );
        } else {
            printer.note(&format!(
                "{} {message}",
                console::style("error:").red().bold()
            ));
            if let Some(hint) = hint {
                printer.note(&format!("  hint: {hint}"));
            }
        }
        Outcome::UsageError.code()
    };

    let inventory = match load_inventory(cli.global.inventory.as_deref()) {
        Ok(inv) => inv,
        Err(e) => {
            return usage(
                &printer,
                &e.to_string(),
                Some("fix the inventory file (ployctl.toml)"),
            )
        },
    };
    let all_when_empty = matches!(cli.command, Command::Health(_) | Command::Releases);
    let mut hosts = match inventory.select(&cli.global.hosts, all_when_empty) {
        Ok(h) => h,
        Err(e) => return usage(&printer, &e.to_string(), None),
    };

    let control_dir = process_control_dir(&control_dir());
    let (cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let signal = wait_for_signal().await;
        let _ = signal;
        let _ = cancel_tx.send(true);
    });
    let ctx = Context {
        printer: printer.clone(),
        connect: ConnectOptions {
            backend: cli.global.ssh_backend,
            accept_new_host_key: cli.global.accept_new_host_key,
            ssh_key_pem: std::env::var("PLOYCTL_SSH_KEY")
                .ok()
                .filter(|k| !k.trim().is_empty()),
            control_dir: control_dir.clone(),
            connect_timeout: Duration::from_secs(15),
        },
        cancel: cancel_rx,
        who: session::who(),
        ci_run_url: session::ci_run_url(),
        health: HealthClient::new(),
    };

    let outcome = match cli.command {
        Command::Deploy(args) => {
            apply_prove_overrides(&mut hosts, &args.prove);
            let options = commands::deploy::DeployOptions {
                binary: args.binary,
                version: args.release_version,
                dry_run: args.dry_run,
                lock_wait: args.prove.lock_wait,
                force_unlock: args.prove.force_unlock,
                force: args.force,
            };
            let artifact =
                match commands::deploy::prepare(&options, ctx.ci_run_url.as_deref()).await {
                    Ok(a) => a,
                    Err(f) => return usage(&printer, &f.reason, f.hint.as_deref()),
                };
            let plans = commands::deploy::plans(&ctx, &hosts, &artifact, &options);
            if options.dry_run {
                return dry_run(&printer, "deploy", &plans, &hosts);
            }
            printer.note(&format!(
                "deploying {} ({} bytes, sha256 {}…) to {}",
                artifact.release,
                artifact.bytes.len(),
                &artifact.sha256[..12],
                hosts
                    .iter()
                    .map(|h| h.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            let reports = commands::deploy::run(&ctx, &hosts, &artifact, &options).await;
            printer.finish("deploy", reports, false, None)
        },
        Command::Rollback(args) => {
            apply_prove_overrides(&mut hosts, &args.prove);
            if args.dry_run {
                let plans: Vec<plan::HostPlan> = hosts
                    .iter()
                    .map(|h| {
                        plan::rollback(
                            h,
                            &backend_name(&ctx, h),
                            args.to.as_deref(),
                            args.prove.lock_wait,
                        )
                    })
                    .collect();
                return dry_run(&printer, "rollback", &plans, &hosts);
            }
            let options = commands::rollback::RollbackOptions {
                to: args.to,
                lock_wait: args.prove.lock_wait,
                force_unlock: args.prove.force_unlock,
                force: args.force,
            };
            let reports = commands::rollback::run(&ctx, &hosts, &options).await;
            printer.finish("rollback", reports, false, None)
        },
        Command::Health(args) => {
            let options = commands::health::HealthOptions {
                wait: args.wait,
                timeout: args.timeout,
            };
            let reports = commands::health::run(&ctx, &hosts, options).await;
            printer.finish("health", reports, false, None)
        },
        Command::Releases => {
            let reports = commands::releases::run(&ctx, &hosts).await;
            printer.finish("releases", reports, false, None)
        },
        Command::Completions { .. } => unreachable!("handled above"),
    };
    let _ = std::fs::remove_dir_all(&control_dir);
    if ctx.cancelled() {
        Outcome::Interrupted.code()
    } else {
        outcome.code()
    }
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

fn backend_name(ctx: &Context, host: &Host) -> String {
    if host.is_local() {
        "local".to_owned()
    } else {
        format!("{:?}", ctx.connect.backend).to_lowercase()
    }
}

fn dry_run(printer: &Printer, command: &str, plans: &[plan::HostPlan], hosts: &[Host]) -> u8 {
    if printer.options().style != Style::Json {
        let roots: Vec<String> = hosts.iter().map(|h| h.root.clone()).collect();
        print!("{}", plan::render(plans, &roots));
        println!("dry run: nothing was changed");
    }
    let reports = hosts.iter().map(session::new_report).collect::<Vec<_>>();
    let reports = reports
        .into_iter()
        .map(|mut r| {
            r.outcome = Some(Outcome::Success);
            r
        })
        .collect();
    printer
        .finish(command, reports, true, serde_json::to_value(plans).ok())
        .code()
}

fn apply_prove_overrides(hosts: &mut [Host], prove: &ProveArgs) {
    for host in hosts {
        if let Some(t) = prove.health_timeout {
            host.health_timeout = t;
        }
        if let Some(w) = prove.stability_window {
            host.stability_window = w;
        }
    }
}

fn load_inventory(
    explicit: Option<&std::path::Path>,
) -> Result<Inventory, inventory::InventoryError> {
    match inventory::discover(explicit) {
        Some(path) => Inventory::load(&path),
        None => Ok(Inventory::default()),
    }
}

/// A short, private folder for openssh control sockets (`PLOYCTL_CONTROL_DIR`,
/// else `$XDG_RUNTIME_DIR/ployctl`, else `/tmp/ployctl-<uid>`).
fn control_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PLOYCTL_CONTROL_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(run) = std::env::var_os("XDG_RUNTIME_DIR") {
        return PathBuf::from(run).join("ployctl");
    }
    let uid = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap_or(0);
    PathBuf::from(format!("/tmp/ployctl-{uid}"))
}

async fn wait_for_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        std::future::pending::<()>().await;
        unreachable!()
    };
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    }
}
