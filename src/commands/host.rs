//! `ployctl host bootstrap -H HOSTS [--service systemd|daemon] [--login USER]
//! [--authorized-key PATH] [--dry-run]`: prepares fresh hosts from
//! `templates/` (the tasks are `remote::bootstrap`'s), reporting each task
//! `ok`, `changed` or `failed` like Ansible; a second run changes nothing.
//! When the host already has a release, it ends with that release's
//! `check-config` (as `validate-config`).

use std::path::PathBuf;

use console::style;
use serde::Serialize;

use crate::exit::Outcome;
use crate::fleet::{run_on_hosts, Access};
use crate::inventory::{Host, ServiceKind};
use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::remote::bootstrap::{self, BootstrapSpec, Task, TaskStatus};
use crate::report::{Details, StepStatus};
use crate::session::{Context, Failure, HostSession};

/// Resolved `host bootstrap` options (the service manager and the login user
/// are already set on each host).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapOptions {
    /// Say what would change, change nothing.
    pub dry_run: bool,
    /// A public key file for the deploy user's `authorized_keys`.
    pub authorized_key: Option<PathBuf>,
    /// Litestream's replication, to `<destination>/<host>/litestream`.
    pub litestream: Option<ploy_api::backup::Destination>,
}

/// What a bootstrap did on a host: `hosts[]` of the JSON report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BootstrapDetails {
    /// `systemd` or `daemon`.
    pub service: &'static str,
    /// Nothing was changed.
    pub dry_run: bool,
    /// Every task, in order.
    pub tasks: Vec<Task>,
    /// Tasks that changed something (or would, in a dry run).
    pub changed: usize,
    /// Tasks that failed (at most one: a failure ends the run).
    pub failed: usize,
    /// The release's `check-config --connect --json`, when a release is installed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_check: Option<ploy_api::ConfigCheckReport>,
}

/// `ployctl host bootstrap`.
pub async fn exec(ctx: &Context, hosts: &[Host], options: &BootstrapOptions) -> Outcome {
    if let Some(problem) = hosts
        .iter()
        .find_map(|h| bootstrap::root_problem(&h.root).map(|p| format!("host {}: {p}", h.name)))
    {
        return ctx
            .printer
            .usage_error(&problem, Some("set the host's root in the inventory"));
    }
    let key = match &options.authorized_key {
        None => None,
        Some(path) => match read_key(path) {
            Ok(line) => Some(line),
            Err(e) => {
                return ctx.printer.usage_error(
                    &format!("--authorized-key {}: {e}", path.display()),
                    Some("give the deploy user's public key, such as ~/.ssh/id_ed25519.pub"),
                )
            },
        },
    };
    let reports = run_on_hosts(ctx, hosts, &Access::Read, async |session, report| {
        bootstrap_host(ctx, session, report, options, key.as_deref()).await
    })
    .await;
    ctx.printer
        .finish("host bootstrap", reports, options.dry_run, None)
}

/// The key file's one public key line, or why it is not usable (never its text).
fn read_key(path: &std::path::Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    match bootstrap::authorized_key_problem(&text) {
        Some(problem) => Err(problem),
        None => Ok(bootstrap::authorized_key_line(&text).to_owned()),
    }
}

async fn bootstrap_host(
    ctx: &Context,
    session: &mut HostSession,
    report: &mut HostReport,
    options: &BootstrapOptions,
    key: Option<&str>,
) -> Result<(), Failure> {
    let host = session.host.clone();
    let replica = options
        .litestream
        .as_ref()
        .map(|d| d.join(&host.name).join("litestream"));
    let spec = BootstrapSpec {
        root: &host.root,
        service: host.service,
        dry_run: options.dry_run,
        authorized_key: key,
        litestream: replica.as_ref(),
    };
    ctx.printer.step(
        &host.name,
        StepKind::Bootstrap,
        if options.dry_run {
            "what would change"
        } else {
            "preparing the host"
        },
    );
    let out = session.run(&bootstrap::script(&spec)).await?;
    let parsed = bootstrap::parse(&out.stdout);
    let login = parsed.login_user.clone().unwrap_or_else(|| "?".to_owned());
    if parsed.no_privilege {
        let reason =
            format!("bootstrap needs root: {login} is not root and has no passwordless sudo");
        ctx.printer
            .step_done(report, StepKind::Bootstrap, false, &reason);
        return Err(Failure::new(Outcome::Failed, reason).hint(
            "log in as root or as a user with passwordless sudo: --login USER (on EC2: ubuntu, admin or ec2-user)",
        ));
    }
    let count = |s: TaskStatus| parsed.tasks.iter().filter(|t| t.status == s).count();
    let mut details = BootstrapDetails {
        service: match host.service {
            ServiceKind::Systemd => "systemd",
            ServiceKind::Daemon => "daemon",
        },
        dry_run: options.dry_run,
        changed: count(TaskStatus::Changed),
        failed: count(TaskStatus::Failed),
        tasks: parsed.tasks.clone(),
        config_check: None,
    };
    ctx.printer
        .result(&host.name, &render(&details.tasks, options.dry_run));
    let summary = summary(&details);
    let failed_task = details
        .tasks
        .iter()
        .find(|t| t.status == TaskStatus::Failed)
        .cloned();
    let ended = parsed.finished;
    let status = if failed_task.is_some() || !ended {
        StepStatus::Failed
    } else {
        StepStatus::Ok
    };
    ctx.printer
        .step_result(report, StepKind::Bootstrap, status, &summary);
    report.set_details(Details::Bootstrap(Box::new(details.clone())));
    if let Some(task) = failed_task {
        return Err(
            Failure::new(Outcome::Failed, format!("{}: {}", task.name, task.detail))
                .hint("fix that on the host, then run host bootstrap again: done tasks stay done"),
        );
    }
    if !ended {
        return Err(Failure::new(
            Outcome::Failed,
            format!(
                "the bootstrap script stopped early (exit {}): {}",
                out.status.map_or("signal".to_owned(), |s| s.to_string()),
                out.message()
            ),
        )
        .hint("run host bootstrap again: done tasks stay done"));
    }

    if !parsed.has_release {
        ctx.printer.note(&format!(
            "[{}] no release yet: ployctl deploy checks the config before it switches",
            host.name
        ));
        return Ok(());
    }
    if login != "root" && login != bootstrap::ACCOUNT {
        ctx.printer.note(&format!(
            "[{}] {login} cannot read {}/.env: run ployctl validate-config as the deploy user",
            host.name, host.root
        ));
        return Ok(());
    }
    let checked = crate::commands::validate_config::validate_host(ctx, session, report, None).await;
    if let Details::Config(config) = std::mem::take(&mut report.details) {
        details.config_check = config.check;
    }
    report.set_details(Details::Bootstrap(Box::new(details)));
    checked
}

/// One line per task: status, name, detail.
pub fn render(tasks: &[Task], dry_run: bool) -> Vec<String> {
    let width = tasks.iter().map(|t| t.name.len()).max().unwrap_or(0);
    tasks
        .iter()
        .map(|t| {
            let word = format!("{:<12}", t.status.as_str(dry_run));
            let word = match t.status {
                TaskStatus::Ok => style(word).green(),
                TaskStatus::Changed => style(word).yellow(),
                TaskStatus::Failed => style(word).red().bold(),
                TaskStatus::Skipped => style(word).dim(),
            };
            format!("{word} {:<width$}  {}", t.name, t.detail)
        })
        .collect()
}

/// `3 changed, 9 ok` (or `would change`), and any failure or skip.
pub fn summary(details: &BootstrapDetails) -> String {
    let n = |s: TaskStatus| details.tasks.iter().filter(|t| t.status == s).count();
    let mut parts = vec![
        format!(
            "{} {}",
            details.changed,
            TaskStatus::Changed.as_str(details.dry_run)
        ),
        format!("{} ok", n(TaskStatus::Ok)),
    ];
    if n(TaskStatus::Skipped) > 0 {
        parts.push(format!("{} skipped", n(TaskStatus::Skipped)));
    }
    if details.failed > 0 {
        parts.push(format!("{} failed", details.failed));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(name: &str, status: TaskStatus) -> Task {
        Task {
            name: name.to_owned(),
            status,
            detail: "d".to_owned(),
        }
    }

    #[test]
    fn summaries_count_every_status() {
        let tasks = vec![
            task("group ploy", TaskStatus::Ok),
            task("user ploy", TaskStatus::Changed),
            task("sudoers", TaskStatus::Skipped),
        ];
        let mut details = BootstrapDetails {
            service: "daemon",
            dry_run: true,
            changed: 1,
            failed: 0,
            tasks,
            config_check: None,
        };
        assert_eq!(summary(&details), "1 would change, 1 ok, 1 skipped");
        details.dry_run = false;
        assert_eq!(summary(&details), "1 changed, 1 ok, 1 skipped");
        console::set_colors_enabled(false);
        let lines = render(&details.tasks, false);
        assert_eq!(lines[1], "changed      user ploy   d");
    }
}
