//! One module per `ployctl` subcommand, each with an `exec` that takes the
//! resolved settings and the context and returns the run's outcome; [`exec`]
//! picks the module.

pub mod audit;
pub mod backup;
pub mod completions;
pub mod config;
pub mod daily_check;
pub mod deploy;
pub mod health;
pub mod host;
pub mod incident;
pub mod logs;
pub mod maintenance;
pub mod releases;
pub mod restore;
pub mod rollback;
pub mod self_update;
pub mod status;
pub mod trading;
pub mod validate_config;

use crate::exit::Outcome;
use crate::inventory::Host;
use crate::plan;
use crate::printer::{Printer, Style};
use crate::session::{new_report, Context};
use crate::settings::CommandSettings;

/// Runs the command on its hosts.
pub async fn exec(ctx: &Context, hosts: &[Host], command: &CommandSettings) -> Outcome {
    match command {
        CommandSettings::Deploy(options) => deploy::exec(ctx, hosts, options).await,
        CommandSettings::Rollback(options) => rollback::exec(ctx, hosts, options).await,
        CommandSettings::Health(options) => health::exec(ctx, hosts, *options).await,
        CommandSettings::Releases => releases::exec(ctx, hosts).await,
        CommandSettings::ValidateConfig(options) => {
            validate_config::exec(ctx, hosts, options).await
        },
        CommandSettings::DailyCheck(options) => daily_check::exec(ctx, hosts, options).await,
        CommandSettings::Status(options) => status::exec(ctx, hosts, options).await,
        CommandSettings::Logs(options) => logs::exec(ctx, hosts, options).await,
        CommandSettings::Config(action) => config::exec(ctx, hosts, action).await,
        CommandSettings::Trading(options) => trading::exec(ctx, hosts, options).await,
        CommandSettings::Audit(options) => audit::exec(ctx, hosts, options).await,
        CommandSettings::Maintenance(options) => maintenance::exec(ctx, hosts, options).await,
        CommandSettings::StuckOrders(options) => incident::stuck_orders(ctx, hosts, options).await,
        CommandSettings::RateLimit(options) => incident::rate_limit(ctx, hosts, options).await,
        CommandSettings::DiskFull(options) => incident::disk_full(ctx, hosts, options).await,
        CommandSettings::Bootstrap(options) => host::exec(ctx, hosts, options).await,
        CommandSettings::Backup(options) => backup::exec(ctx, hosts, options).await,
        CommandSettings::Restore(options) => restore::exec(ctx, hosts, options).await,
        CommandSettings::SelfUpdate(options) => self_update::exec(&ctx.printer, options).await,
        CommandSettings::Completions(shell) => {
            completions::run(*shell);
            Outcome::Success
        },
    }
}

/// `--dry-run`: the plan per host, and a report that changed nothing.
pub fn print_plan(
    printer: &Printer,
    command: &str,
    plans: &[plan::HostPlan],
    hosts: &[Host],
) -> Outcome {
    print_rollout_plan(printer, command, plans, hosts, None)
}

/// [`print_plan`] for a rolling deploy: the batches in order first, and
/// each host's batch in its report.
pub fn print_rollout_plan(
    printer: &Printer,
    command: &str,
    plans: &[plan::HostPlan],
    hosts: &[Host],
    rollout: Option<&crate::rollout::Rollout>,
) -> Outcome {
    let batches = rollout
        .map(|r| crate::rollout::batches(hosts.len(), r))
        .filter(|b| b.len() > 1);
    if printer.options().style != Style::Json {
        if let (Some(batches), Some(rollout)) = (&batches, rollout) {
            for line in batch_lines(hosts, batches, rollout) {
                println!("{line}");
            }
        }
        let roots: Vec<String> = hosts.iter().map(|h| h.root.clone()).collect();
        print!("{}", plan::render(plans, &roots));
        println!("dry run: nothing was changed");
    }
    let reports = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut r = new_report(h);
            r.outcome = Some(Outcome::Success);
            r.batch = batches
                .as_deref()
                .and_then(|b| crate::rollout::batch_of(b, i));
            r
        })
        .collect();
    printer.finish(command, reports, true, serde_json::to_value(plans).ok())
}

/// The batches of a rolling deploy in order, and when it stops (nothing
/// for a single batch).
pub fn batch_lines(
    hosts: &[Host],
    batches: &[crate::rollout::Batch],
    rollout: &crate::rollout::Rollout,
) -> Vec<String> {
    if batches.len() < 2 {
        return Vec::new();
    }
    let mut lines: Vec<String> = batches
        .iter()
        .enumerate()
        .map(|(k, b)| {
            let names: Vec<&str> = b.hosts.iter().map(|&i| hosts[i].name.as_str()).collect();
            let canary = if b.canary {
                format!(
                    " (canary: soaks {}, then the rest)",
                    humantime::format_duration(rollout.canary_soak)
                )
            } else {
                String::new()
            };
            format!(
                "batch {}/{}{canary}: {}",
                k + 1,
                batches.len(),
                names.join(", ")
            )
        })
        .collect();
    lines.push(format!(
        "stops when more than --max-fail {} host(s) failed{}",
        rollout.max_fail,
        if rollout.rollback_all_on_fail {
            "; then puts back every host it deployed"
        } else {
            ""
        }
    ));
    lines
}

/// How a host is reached: `local`, `openssh` or `native`.
pub fn transport_name(ctx: &Context, host: &Host) -> String {
    if host.is_local() {
        "local".to_owned()
    } else {
        format!("{:?}", ctx.connect.backend).to_lowercase()
    }
}
