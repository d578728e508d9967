//! One host's session for a command: the transport, one remote shell, the
//! `/health` forward, and the operations every command shares (lock and
//! prepare, run a script, read logs, prove health, fire the guard, audit).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::exit::Outcome;
use crate::health::{prove, HealthClient, Probe, Proof, ProveSettings};
use crate::inventory::{parse_health_url, Host};
use crate::plan::StepKind;
use crate::printer::StepStatus;
use crate::printer::{HostReport, Printer};
use crate::remote::audit::AuditRecord;
use crate::remote::guard::{self, GuardResult};
use crate::remote::layout::Layout;
use crate::remote::lock::{self, LockAction, LockInfo};
use crate::remote::prelude::prelude;
use crate::remote::state::HostState;
use crate::remote::{phases, service, ScriptOutput};
use crate::transport::{
    self, ConnectOptions, ErrorKind, Output, RemoteProcess, RemoteShell, Transport,
};

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

fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A connected host: the transport, one remote shell every script runs in,
/// and the forwarded `/health` address.
#[derive(Debug)]
pub struct HostSession {
    /// The host.
    pub host: Host,
    /// Its layout.
    pub layout: Layout,
    /// The shell functions every script starts with.
    pub prelude: String,
    transport: Box<dyn Transport>,
    shell: Option<RemoteShell>,
    /// The forwarded `/health` address and path (or why there is none).
    health: Result<(SocketAddr, String), Failure>,
    /// The lock we hold, if any (set while a shared borrow prepares).
    lock_token: std::sync::Mutex<Option<String>>,
    /// The guard we armed and have not confirmed, if any.
    pub guard_token: Option<String>,
    /// Whether the audit record was written (by the confirm script).
    pub audited: bool,
    /// The upload channel, waiting for a header (deploy only).
    uploader: Option<RemoteProcess>,
    /// When the command began on this host.
    pub started: Instant,
}

/// What [`HostSession::prepare`] found once the lock was ours.
#[derive(Debug)]
pub struct Prepared {
    /// The script's output (preflight values).
    pub out: ScriptOutput,
    /// The host's state.
    pub state: HostState,
    /// A lock of a process that is gone, which we broke to get here.
    pub broke: Option<LockInfo>,
    /// The preflight's time as measured on the host.
    pub preflight_ms: u64,
}

fn connection_failure(e: crate::transport::TransportError) -> Failure {
    Failure {
        outcome: Outcome::ConnectionError,
        reason: e.message,
        hint: e.hint,
    }
}

impl HostSession {
    /// Connects, opens the remote shell and the `/health` forward side by side
    /// (reporting the `connect` step), and with `uploader` also starts the
    /// upload channel's script, which waits for a header.
    pub async fn connect(
        ctx: &Context,
        host: &Host,
        report: &mut HostReport,
        uploader: bool,
    ) -> Result<Self, Failure> {
        let started = Instant::now();
        ctx.printer
            .step(&host.name, StepKind::Connect, &host.destination());
        let transport = match transport::connect(host, &ctx.connect).await {
            Ok(t) => t,
            Err(e) => {
                ctx.printer
                    .step_done(report, StepKind::Connect, false, &e.message);
                let outcome = match e.kind {
                    ErrorKind::Local => Outcome::UsageError,
                    _ => Outcome::ConnectionError,
                };
                return Err(Failure {
                    outcome,
                    reason: e.message.clone(),
                    hint: e.hint,
                });
            },
        };
        let prelude = prelude(&host.root, host.service, &host.health_url);
        let forward = async {
            let (h, port, path) = parse_health_url(&host.health_url)
                .map_err(|e| Failure::new(Outcome::UsageError, format!("health_url: {e}")))?;
            let addr = transport
                .forward(&h, port)
                .await
                .map_err(connection_failure)?;
            Ok((addr, path))
        };
        let upload = async {
            if uploader {
                Some(transport.spawn(&phases::upload_script(&prelude)).await)
            } else {
                None
            }
        };
        let (shell, health, upload) =
            tokio::join!(RemoteShell::open(transport.as_ref()), forward, upload);
        let shell = match shell {
            Ok(s) => s,
            Err(e) => {
                ctx.printer
                    .step_done(report, StepKind::Connect, false, &e.message);
                transport.close().await;
                return Err(connection_failure(e));
            },
        };
        let upload = match upload.transpose() {
            Ok(u) => u,
            Err(e) => {
                ctx.printer
                    .step_done(report, StepKind::Connect, false, &e.message);
                shell.close().await;
                transport.close().await;
                return Err(connection_failure(e));
            },
        };
        ctx.printer
            .step_done(report, StepKind::Connect, true, &transport.describe());
        Ok(Self {
            host: host.clone(),
            layout: Layout::new(&host.root),
            prelude,
            transport,
            shell: Some(shell),
            health,
            lock_token: std::sync::Mutex::new(None),
            guard_token: None,
            audited: false,
            uploader: upload,
            started,
        })
    }

    /// The upload channel started at connect, once.
    pub fn take_uploader(&mut self) -> Option<RemoteProcess> {
        self.uploader.take()
    }

    /// Runs a script in the remote shell; a transport failure is a connection error.
    pub async fn run(&self, script: &str) -> Result<Output, Failure> {
        let shell = self
            .shell
            .as_ref()
            .ok_or_else(|| Failure::new(Outcome::ConnectionError, "the remote shell is closed"))?;
        shell.run(script, None).await.map_err(connection_failure)
    }

    /// Runs a script with `input` on its stdin.
    pub async fn run_with_input(&self, script: &str, input: &str) -> Result<Output, Failure> {
        let shell = self
            .shell
            .as_ref()
            .ok_or_else(|| Failure::new(Outcome::ConnectionError, "the remote shell is closed"))?;
        shell
            .run(script, Some(input))
            .await
            .map_err(connection_failure)
    }

    /// Starts a script of its own beside the shell, its output streamed
    /// (`logs -f`); it ends when it exits or the connection does.
    pub async fn spawn(&self, script: &str) -> Result<RemoteProcess, Failure> {
        self.transport
            .spawn(script)
            .await
            .map_err(connection_failure)
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

    /// The host's state (no lock).
    pub async fn state(&self) -> Result<HostState, Failure> {
        let out = self
            .run_ok(
                &phases::state_script(&self.prelude),
                "reading the host's state",
            )
            .await?;
        Ok(HostState::parse(&ScriptOutput::parse(&out.stdout)).unwrap_or_else(HostState::empty))
    }

    /// Takes the lock and reads the host's state in one round trip (with
    /// `preflight`, also checks the host and removes interrupted uploads other
    /// than `own_upload`, which may be streaming beside it).
    /// Waits up to `wait` for a live holder; breaks a lock whose holder on
    /// this machine is gone, and any lock with `force`.
    pub async fn prepare(
        &self,
        ctx: &Context,
        report: &mut HostReport,
        operation: &str,
        options: LockOptions,
        preflight: Option<crate::inventory::ServiceKind>,
        own_upload: Option<&str>,
    ) -> Result<Prepared, Failure> {
        ctx.printer
            .step(&self.host.name, StepKind::Lock, "taking the deploy lock");
        let machine = lock::machine_id();
        let deadline = options.wait.map(|w| Instant::now() + w);
        let mut waited_note = false;
        let mut broke = None;
        loop {
            let token = format!("{:016x}{:08x}", rand_u64(), std::process::id());
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
            let started = Instant::now();
            let out = self
                .run(&phases::prepare_script(
                    &self.prelude,
                    &body,
                    preflight,
                    own_upload,
                ))
                .await?;
            let parsed = ScriptOutput::parse(&out.stdout);
            match parsed.get("lock") {
                Some("acquired") => {
                    *self.lock_slot() = Some(token);
                    let preflight_ms = parsed.number("t_preflight").unwrap_or(0);
                    let lock_took = started
                        .elapsed()
                        .saturating_sub(Duration::from_millis(preflight_ms));
                    ctx.printer.step_timed(
                        report,
                        StepKind::Lock,
                        StepStatus::Ok,
                        &format!("{}/.ployctl/lock", self.layout.root()),
                        lock_took,
                    );
                    let state = HostState::parse(&parsed).unwrap_or_else(HostState::empty);
                    return Ok(Prepared {
                        out: parsed,
                        state,
                        broke,
                        preflight_ms,
                    });
                },
                Some("held") => {},
                _ => {
                    let failure = Failure::new(
                        Outcome::Failed,
                        format!("cannot take the lock: {}", out.message()),
                    )
                    .hint(format!(
                        "check that the SSH user may write under {}",
                        self.layout.root()
                    ));
                    ctx.printer
                        .step_done(report, StepKind::Lock, false, &failure.reason);
                    return Err(failure);
                },
            }
            let held: Option<LockInfo> = parsed
                .get("held_lock")
                .and_then(|j| serde_json::from_str(j).ok());
            let may_wait = deadline.is_some_and(|d| Instant::now() < d) && !ctx.cancelled();
            let action = lock::decide(
                held.as_ref(),
                now_unix(),
                &machine,
                lock::ployctl_alive,
                options.force,
                may_wait,
                self.layout.root(),
            );
            match action {
                LockAction::Break(warning) => {
                    ctx.printer.warn(&self.host.name, &warning);
                    let stale_token = held.as_ref().map(|h| h.token.as_str());
                    self.run(&lock::break_script(&self.layout, stale_token))
                        .await?;
                    broke = held;
                    continue;
                },
                LockAction::GiveUp { message, hint } => {
                    ctx.printer
                        .step_done(report, StepKind::Lock, false, &message);
                    return Err(Failure::new(Outcome::LockHeld, message).hint(hint));
                },
                LockAction::Wait(note) => {
                    if !waited_note {
                        ctx.printer.step(&self.host.name, StepKind::Lock, &note);
                        waited_note = true;
                    }
                },
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    fn lock_slot(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.lock_token.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether we hold the lock.
    pub fn holds_lock(&self) -> bool {
        self.lock_slot().is_some()
    }

    /// The token of the lock we hold.
    pub fn lock_token(&self) -> Option<String> {
        self.lock_slot().clone()
    }

    /// The lock was released by a script that also did other work.
    pub fn lock_released(&self) {
        *self.lock_slot() = None;
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

    /// One look at `/health`.
    pub async fn probe(&self, ctx: &Context) -> Probe {
        match &self.health {
            Ok((addr, path)) => ctx.health.probe(*addr, path).await,
            Err(f) => Probe::Unreachable(f.reason.clone()),
        }
    }

    /// The engine's kill switch, read beside `/health`.
    pub async fn trading_state(&self, ctx: &Context) -> Option<crate::health::TradingStateChange> {
        let (addr, _) = self.health.as_ref().ok()?;
        ctx.health.trading_state(*addr).await
    }

    /// The engine's `/metrics`, or why it cannot be read.
    pub async fn metrics(&self, ctx: &Context) -> Result<String, String> {
        let (addr, _) = self.health.as_ref().map_err(|f| f.reason.clone())?;
        ctx.health.metrics(*addr).await
    }

    /// The engine's whole `GET /trading-state` (open orders, the config's
    /// floor), or why it cannot be read.
    pub async fn trading_view(&self, ctx: &Context) -> Result<ploy_api::TradingStateView, String> {
        let (addr, _) = self.health.as_ref().map_err(|f| f.reason.clone())?;
        ctx.health.trading_view(*addr).await
    }

    /// `PUT /trading-state` through the forward.
    pub async fn put_trading_state(
        &self,
        ctx: &Context,
        request: &ploy_api::TradingStateRequest,
    ) -> Result<ploy_api::Applied, crate::health::PutRefused> {
        let (addr, _) = self
            .health
            .as_ref()
            .map_err(|f| crate::health::PutRefused::Unreachable(f.reason.clone()))?;
        ctx.health.put_trading_state(*addr, request).await
    }

    /// Proves the running release healthy with the host's settings.
    pub async fn prove(&self, ctx: &Context, settings: ProveSettings) -> Result<Proof, Failure> {
        let (addr, path) = self.health.clone()?;
        let client = ctx.health.clone();
        let printer = ctx.printer.clone();
        let name = self.host.name.clone();
        let mut polls = 0u32;
        let alive = phases::alive_script(&self.prelude);
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
                    printer.step(
                        &name,
                        StepKind::Health,
                        &format!("poll {n}: {}", look.problem()),
                    );
                    look
                }
            },
            || async { self.run(&alive).await.map_or(true, |out| out.success()) },
        )
        .await)
    }

    /// Asks the guard of `token` to fire (see [`guard::fire_script`]) and
    /// waits up to `timeout` for its result.
    pub async fn fire_guard(
        &self,
        token: &str,
        bad: bool,
        reason: &str,
        ledger_line: Option<&str>,
        timeout: Duration,
    ) -> Result<Option<GuardResult>, Failure> {
        self.run_ok(
            &guard::fire_script(&self.prelude, token, bad, reason, ledger_line),
            "asking the host's guard to roll back",
        )
        .await?;
        self.wait_guard(token, timeout).await
    }

    /// Waits up to `timeout` for the result of the guard of `token`; `None`
    /// when it did not finish in time.
    pub async fn wait_guard(
        &self,
        token: &str,
        timeout: Duration,
    ) -> Result<Option<GuardResult>, Failure> {
        let deadline = Instant::now() + timeout;
        loop {
            let out = self
                .run_ok(
                    &guard::wait_script(&self.prelude, token),
                    "waiting for the host's guard",
                )
                .await?;
            let parsed = ScriptOutput::parse(&out.stdout);
            let pairs: Vec<(String, String)> = parsed
                .keys_with_prefix("result.")
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            if let Some(result) = GuardResult::from_pairs(&pairs) {
                return Ok(Some(result));
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }

    /// Appends `record` to the host's audit log now (the lock stays held);
    /// once written, [`HostSession::finish`] does not write another.
    pub async fn append_audit(&mut self, record: &AuditRecord) {
        if let Ok(out) = self
            .run(&crate::remote::audit::append_script(
                &self.prelude,
                &record.to_line(),
            ))
            .await
        {
            self.audited = out.stdout.contains("audited=yes");
        }
    }

    /// Appends the audit record (when given) and releases the lock, in one round trip.
    pub async fn finish(&mut self, record: Option<&AuditRecord>) -> Result<(), Failure> {
        let Some(token) = self.lock_slot().take() else {
            return Ok(());
        };
        let line = record.map(|r| r.to_line().trim_end().to_owned());
        let out = self
            .run(&phases::finish_script(
                &self.prelude,
                line.as_deref(),
                &token,
            ))
            .await?;
        if record.is_some() && !out.stdout.contains("audited=yes") {
            return Err(Failure::new(
                Outcome::Failed,
                format!("cannot write the audit log: {}", out.message()),
            ));
        }
        Ok(())
    }

    /// Closes the remote shell and the transport.
    pub async fn close(mut self) {
        if let Some(mut upload) = self.uploader.take() {
            let _ = tokio::io::AsyncWriteExt::shutdown(&mut upload.stdin).await;
        }
        if let Some(shell) = self.shell.take() {
            shell.close().await;
        }
        self.transport.close().await;
    }
}

/// How to take the lock.
#[derive(Debug, Clone, Copy, Default)]
pub struct LockOptions {
    /// Wait this long for a live holder.
    pub wait: Option<Duration>,
    /// Break any lock.
    pub force: bool,
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
        release: report.release().map(str::to_owned),
        previous: match &report.details {
            crate::report::Details::Change(d) => d.previous.clone(),
            _ => None,
        },
        current_after: report.current().map(str::to_owned),
        ..audit_change(
            ctx,
            action,
            outcome,
            report.reason.clone(),
            started,
            (None, None),
        )
    }
}

/// The audit record of a change that installs no release (the kill switch,
/// a maintenance window, an incident's fix): who and when, how it ended and
/// why, and the kill switch's state before and after.
pub fn audit_change(
    ctx: &Context,
    action: &str,
    outcome: Outcome,
    reason: Option<String>,
    started: Instant,
    (state_before, state_after): (Option<String>, Option<String>),
) -> AuditRecord {
    AuditRecord {
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        action: action.to_owned(),
        release: None,
        previous: None,
        current_after: None,
        outcome: serde_json::to_value(outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        reason,
        by: ctx.who.clone(),
        ci_run_url: ctx.ci_run_url.clone(),
        duration_ms: started.elapsed().as_millis() as u64,
        ployctl_version: env!("CARGO_PKG_VERSION").to_owned(),
        state_before,
        state_after,
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
