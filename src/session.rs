//! One host's session for a command: the transport, the layout, the report
//! being built, and the operations every command shares (lock, run a script,
//! read logs, prove health, audit).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::exit::Outcome;
use crate::health::{prove, HealthClient, Probe, Proof, ProveSettings};
use crate::inventory::{parse_health_url, Host};
use crate::printer::{HostReport, Printer};
use crate::remote::audit::AuditRecord;
use crate::remote::layout::Layout;
use crate::remote::lock::{self, LockInfo, Staleness};
use crate::remote::service;
use crate::transport::{self, ConnectOptions, ErrorKind, Output, Transport};

/// Why a host's command ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The outcome it maps to.
    pub outcome: Outcome,
    /// What went wrong.
    pub reason: String,
    /// What to do.
    pub hint: Option<String>,
}

impl Failure {
    /// A failure.
    pub fn new(outcome: Outcome, reason: impl Into<String>) -> Self {
        Self {
            outcome,
            reason: reason.into(),
            hint: None,
        }
    }

    /// With a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// What every host task shares.
#[derive(Debug, Clone)]
pub struct Context {
    /// Output.
    pub printer: Arc<Printer>,
    /// How to connect.
    pub connect: ConnectOptions,
    /// Set when SIGINT/SIGTERM arrives.
    pub cancel: tokio::sync::watch::Receiver<bool>,
    /// `user@machine`.
    pub who: String,
    /// The GitHub Actions run, if any.
    pub ci_run_url: Option<String>,
    /// Reads `/health`.
    pub health: HealthClient,
}

impl Context {
    /// Whether the run was interrupted.
    pub fn cancelled(&self) -> bool {
        *self.cancel.borrow()
    }

    /// Waits until the run is interrupted.
    pub async fn until_cancelled(&self) {
        let mut rx = self.cancel.clone();
        while !*rx.borrow() {
            if rx.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// `user@host`: `$USER`, else the passwd name of our uid.
pub fn who() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(passwd_name)
        .unwrap_or_else(|| "unknown".to_owned());
    format!("{user}@{}", lock::hostname())
}

fn passwd_name() -> Option<String> {
    let uid = std::fs::metadata("/proc/self")
        .ok()
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))?;
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid).then(|| name.to_owned())
    })
}

/// The GitHub Actions run URL, when running under Actions.
pub fn ci_run_url() -> Option<String> {
    if std::env::var("GITHUB_ACTIONS").ok()? != "true" {
        return None;
    }
    let server =
        std::env::var("GITHUB_SERVER_URL").unwrap_or_else(|_| "https://github.com".to_owned());
    let repo = std::env::var("GITHUB_REPOSITORY").ok()?;
    let run = std::env::var("GITHUB_RUN_ID").ok()?;
    Some(format!("{server}/{repo}/actions/runs/{run}"))
}

fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A connected host.
#[derive(Debug)]
pub struct HostSession {
    /// The host.
    pub host: Host,
    /// Its layout.
    pub layout: Layout,
    /// The open transport.
    transport: Box<dyn Transport>,
    /// The lock we hold, if any.
    lock_token: Option<String>,
    /// The forwarded `/health` address, once set up.
    health_addr: Option<SocketAddr>,
}

impl HostSession {
    /// Connects (reporting the `connect` step).
    pub async fn connect(
        ctx: &Context,
        host: &Host,
        report: &mut HostReport,
    ) -> Result<Self, Failure> {
        ctx.printer.step(&host.name, "connect", &host.destination());
        match transport::connect(host, &ctx.connect).await {
            Ok(transport) => {
                ctx.printer
                    .step_done(report, "connect", true, &transport.describe());
                Ok(Self {
                    host: host.clone(),
                    layout: Layout::new(&host.root),
                    transport,
                    lock_token: None,
                    health_addr: None,
                })
            },
            Err(e) => {
                ctx.printer.step_done(report, "connect", false, &e.message);
                let outcome = match e.kind {
                    ErrorKind::Local => Outcome::UsageError,
                    _ => Outcome::ConnectionError,
                };
                Err(Failure {
                    outcome,
                    reason: e.message.clone(),
                    hint: e.hint,
                })
            },
        }
    }

    /// Runs a script; a transport failure is a connection error.
    pub async fn run(&self, script: &str) -> Result<Output, Failure> {
        self.run_with_input(script, &[], &|_| {}).await
    }

    /// Runs a script with stdin.
    pub async fn run_with_input(
        &self,
        script: &str,
        input: &[u8],
        progress: transport::Progress<'_>,
    ) -> Result<Output, Failure> {
        self.transport
            .exec_with_input(script, input, progress)
            .await
            .map_err(|e| {
                Failure::new(Outcome::ConnectionError, e.message.clone())
                    .hint(e.hint.unwrap_or_default())
            })
    }

    /// Runs a script that must succeed; `what` names it in the failure.
    pub async fn run_ok(&self, script: &str, what: &str) -> Result<Output, Failure> {
        let out = self.run(script).await?;
        if out.success() {
            Ok(out)
        } else {
            Err(Failure::new(
                Outcome::Failed,
                format!(
                    "{what} failed (exit {}): {}",
                    out.status.map_or("signal".to_owned(), |s| s.to_string()),
                    out.message()
                ),
            ))
        }
    }

    /// Takes the lock, waiting up to `wait`, breaking a lock whose holder on
    /// this machine is gone, and breaking any lock with `force`.
    pub async fn lock(
        &mut self,
        ctx: &Context,
        report: &mut HostReport,
        operation: &str,
        wait: Option<Duration>,
        force: bool,
    ) -> Result<(), Failure> {
        ctx.printer
            .step(&self.host.name, "lock", "taking the deploy lock");
        let token = format!("{:016x}{:08x}", rand_u64(), std::process::id());
        let machine = lock::machine_id();
        let info = LockInfo {
            token: token.clone(),
            holder: ctx.who.clone(),
            machine_id: machine.clone(),
            pid: std::process::id(),
            operation: operation.to_owned(),
            acquired_at: now_unix(),
            expires_at: now_unix() + self.host.lock_ttl.as_secs() as i64,
            ci_run_url: ctx.ci_run_url.clone(),
        };
        let body = serde_json::to_string(&info).expect("lock serializes");
        let deadline = wait.map(|w| Instant::now() + w);
        let mut waited_note = false;
        loop {
            let out = self
                .run_with_input(
                    &lock::acquire_script(&self.layout),
                    body.as_bytes(),
                    &|_| {},
                )
                .await?;
            let mut lines = out.stdout.lines();
            match lines.next() {
                Some("acquired") => {
                    self.lock_token = Some(token);
                    ctx.printer.step_done(
                        report,
                        "lock",
                        true,
                        &format!("{}/.ployctl/lock", self.layout.root()),
                    );
                    return Ok(());
                },
                Some("held") => {},
                _ => {
                    return Err(Failure::new(
                        Outcome::Failed,
                        format!("cannot take the lock: {}", out.message()),
                    ));
                },
            }
            let held: Option<LockInfo> =
                serde_json::from_str(&lines.collect::<Vec<_>>().join("\n")).ok();
            let who = held
                .as_ref()
                .map_or_else(|| "an unreadable lock file".to_owned(), LockInfo::describe);
            let verdict = lock::staleness(held.as_ref(), now_unix(), &machine, lock::ployctl_alive);
            let stale_token = held.as_ref().map(|h| h.token.as_str());
            match verdict {
                Staleness::HolderGone => {
                    ctx.printer.warn(
                        &self.host.name,
                        &format!("stale lock: held by {who}, whose process is gone; breaking it"),
                    );
                    self.run(&lock::break_script(&self.layout, stale_token))
                        .await?;
                    continue;
                },
                _ if force => {
                    ctx.printer.warn(
                        &self.host.name,
                        &format!("--force-unlock: breaking the lock held by {who}"),
                    );
                    self.run(&lock::break_script(&self.layout, stale_token))
                        .await?;
                    continue;
                },
                Staleness::Expired | Staleness::Unreadable => {
                    let what = if verdict == Staleness::Expired {
                        format!("stale lock: held by {who}; its TTL has passed")
                    } else {
                        format!(
                            "the lock file {}/.ployctl/lock is unreadable",
                            self.layout.root()
                        )
                    };
                    ctx.printer.step_done(report, "lock", false, &what);
                    return Err(Failure::new(Outcome::LockHeld, what).hint(
                        "make sure no deploy is running on this host, then break the lock with --force-unlock",
                    ));
                },
                Staleness::Live => {
                    let can_wait = deadline.is_some_and(|d| Instant::now() < d) && !ctx.cancelled();
                    if !can_wait {
                        let what = format!("lock held by {who}");
                        ctx.printer.step_done(report, "lock", false, &what);
                        return Err(Failure::new(Outcome::LockHeld, what).hint(
                            "wait for that deploy to finish, or run again with --lock-wait 10m",
                        ));
                    }
                },
            }
            // Held by a live deploy, and we may wait for it.
            if !waited_note {
                ctx.printer
                    .step(&self.host.name, "lock", &format!("waiting: held by {who}"));
                waited_note = true;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Whether we hold the lock.
    pub fn holds_lock(&self) -> bool {
        self.lock_token.is_some()
    }

    /// Releases our lock, if we hold it.
    pub async fn unlock(&mut self) {
        if let Some(token) = self.lock_token.take() {
            let script = lock::release_script(&self.layout, &token);
            let _ = tokio::time::timeout(Duration::from_secs(15), self.run(&script)).await;
        }
    }

    /// Runs release `name`'s `ploy check-config` against the host's config:
    /// `Ok` with its summary line, or `Err` with every line it printed.
    pub async fn check_config(&self, name: &str) -> Result<Result<String, Vec<String>>, Failure> {
        let out = self.run(&self.layout.check_config_script(name)).await?;
        if out.success() {
            return Ok(Ok(out
                .stdout
                .lines()
                .next()
                .unwrap_or("config OK")
                .to_owned()));
        }
        Ok(Err(out
            .stderr
            .lines()
            .chain(out.stdout.lines())
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()))
    }

    /// The last `n` lines of the service log.
    pub async fn log_tail(&self, n: usize) -> Vec<String> {
        match self
            .run(&service::logs_script(self.host.service, &self.layout, n))
            .await
        {
            Ok(out) => out.stdout.lines().map(str::to_owned).collect(),
            Err(e) => vec![format!("(cannot read the logs: {})", e.reason)],
        }
    }

    /// Restarts the service.
    pub async fn restart(&self) -> Result<(), Failure> {
        self.run_ok(
            &service::restart_script(self.host.service, &self.layout),
            "restarting the service",
        )
        .await
        .map(|_| ())
    }

    async fn health_addr(&mut self) -> Result<(SocketAddr, String), Failure> {
        let (host, port, path) = parse_health_url(&self.host.health_url)
            .map_err(|e| Failure::new(Outcome::UsageError, format!("health_url: {e}")))?;
        if let Some(addr) = self.health_addr {
            return Ok((addr, path));
        }
        let addr = self.transport.forward(&host, port).await.map_err(|e| {
            Failure::new(Outcome::ConnectionError, e.message.clone())
                .hint(e.hint.unwrap_or_default())
        })?;
        self.health_addr = Some(addr);
        Ok((addr, path))
    }

    /// One look at `/health`.
    pub async fn probe(&mut self, ctx: &Context) -> Result<Probe, Failure> {
        let (addr, path) = self.health_addr().await?;
        Ok(ctx.health.probe(addr, &path).await)
    }

    /// The engine's kill switch, read beside `/health`.
    pub async fn trading_state(&mut self, ctx: &Context) -> Option<serde_json::Value> {
        let (addr, _) = self.health_addr().await.ok()?;
        ctx.health.trading_state(addr).await
    }

    /// Proves the running release healthy with the host's settings.
    pub async fn prove(
        &mut self,
        ctx: &Context,
        settings: ProveSettings,
    ) -> Result<Proof, Failure> {
        let (addr, path) = self.health_addr().await?;
        let client = ctx.health.clone();
        let printer = ctx.printer.clone();
        let name = self.host.name.clone();
        let mut polls = 0u32;
        let status = service::status_script(self.host.service, &self.layout);
        let transport = &self.transport;
        Ok(prove(
            settings,
            || {
                polls += 1;
                let client = client.clone();
                let path = path.clone();
                let printer = printer.clone();
                let name = name.clone();
                let n = polls;
                async move {
                    let look = client.probe(addr, &path).await;
                    printer.step(&name, "health", &format!("poll {n}: {}", look.problem()));
                    look
                }
            },
            || async {
                transport
                    .exec(&status)
                    .await
                    .map_or(true, |out| out.success())
            },
        )
        .await)
    }

    /// Appends an audit record.
    pub async fn audit(&self, record: &AuditRecord) -> Result<(), Failure> {
        let out = self
            .run_with_input(
                &self.layout.audit_append_script(),
                record.to_line().as_bytes(),
                &|_| {},
            )
            .await?;
        if out.success() {
            Ok(())
        } else {
            Err(Failure::new(
                Outcome::Failed,
                format!("cannot write the audit log: {}", out.message()),
            ))
        }
    }

    /// Closes the transport.
    pub async fn close(mut self) {
        self.unlock().await;
        self.transport.close().await;
    }
}

/// A random u64 (lock tokens, upload names); not cryptographic.
pub fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

/// The report skeleton for a host.
pub fn new_report(host: &Host) -> HostReport {
    HostReport {
        host: host.name.clone(),
        destination: host.destination(),
        ..HostReport::default()
    }
}

/// The audit record for a finished command.
pub fn audit_record(
    ctx: &Context,
    action: &str,
    report: &HostReport,
    outcome: Outcome,
    started: Instant,
) -> AuditRecord {
    AuditRecord {
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        action: action.to_owned(),
        release: report.release.clone(),
        previous: report.previous.clone(),
        current_after: report.current.clone(),
        outcome: serde_json::to_value(outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        reason: report.reason.clone(),
        by: ctx.who.clone(),
        ci_run_url: ctx.ci_run_url.clone(),
        duration_ms: started.elapsed().as_millis() as u64,
        ployctl_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// Prove settings of a host.
pub fn prove_settings(host: &Host) -> ProveSettings {
    ProveSettings {
        timeout: host.health_timeout,
        interval: host.health_interval,
        stability_window: host.stability_window,
    }
}

/// Ends a host's command that stopped before touching the host (it could not
/// connect): records why and reports the host finished.
pub fn end_early(ctx: &Context, mut report: HostReport, failure: Failure) -> HostReport {
    report.reason = Some(failure.reason);
    report.hint = failure.hint;
    ctx.printer.host_finished(&mut report, failure.outcome);
    report
}

/// Ends a host's deploy or rollback: records the outcome, writes the audit
/// record if the lock was held, releases the lock, closes the session.
pub async fn conclude(
    ctx: &Context,
    session: HostSession,
    mut report: HostReport,
    result: Result<(), Failure>,
    action: &str,
    started: Instant,
) -> HostReport {
    let outcome = result
        .as_ref()
        .err()
        .map_or(Outcome::Success, |f| f.outcome);
    if let Err(f) = result {
        report.reason = Some(f.reason);
        report.hint = f.hint;
    }
    if session.holds_lock() {
        let record = audit_record(ctx, action, &report, outcome, started);
        if let Err(e) = session.audit(&record).await {
            ctx.printer.warn(&report.host, &e.reason);
        }
    }
    session.close().await;
    ctx.printer.host_finished(&mut report, outcome);
    report
}
