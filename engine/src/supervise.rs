//! Supervision of the pipeline's background tasks (market feeds, the user
//! channel, the heartbeat, the trade poller, the sweeper, the open-orders
//! check, the recording player).
//!
//! A task that ends or panics before the engine stops is a failure: it is
//! logged (error, with the panic's message), counted in
//! `ploy_task_failures_total{task}`, named by `/health` (a `tasks` check,
//! down, so `/health` answers 503), and trading is halted through the kill
//! switch (saved, so a restart keeps it halted until an operator resumes).
//! Restarting a task in place is not attempted: its state (a feed's books,
//! the poller's window) could be wrong, and a restart of the whole process
//! (its reconciliation at start) is the proven way back. The main loop and
//! the executor are not supervised here: without them the kill switch
//! itself cannot act, so their end stops the process (exit 1) and the
//! service manager restarts it, the exchange's dead-man's switch cancelling
//! the orders meanwhile.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::metrics::Metrics;

/// Every task watched, and the two whose end stops the process.
pub const TASKS: &[&str] = &[
    "market_websocket",
    "rest_fallback",
    "user_channel",
    "heartbeat",
    "trade_poller",
    "pending_sweeper",
    "open_orders_check",
    "balances",
    "market_rules",
    "recording_player",
    "executor",
    "main_loop",
];

/// The test hook: `PLOY_FAILPOINT_TASK=<task>` makes that task panic
/// `PLOY_FAILPOINT_AFTER` (default 2s) after it starts, so the tests can
/// stop each task of a real process. Unset in production.
pub fn with_failpoint(
    name: &'static str,
    task: impl Future<Output = ()> + Send + 'static,
) -> impl Future<Output = ()> + Send + 'static {
    let armed = std::env::var("PLOY_FAILPOINT_TASK").is_ok_and(|t| t == name);
    let after = std::env::var("PLOY_FAILPOINT_AFTER")
        .ok()
        .and_then(|t| humantime::parse_duration(&t).ok())
        .unwrap_or(std::time::Duration::from_secs(2));
    async move {
        if !armed {
            return task.await;
        }
        tokio::select! {
            () = task => {},
            () = tokio::time::sleep(after) => panic!("failpoint PLOY_FAILPOINT_TASK={name}"),
        }
    }
}

/// A task that ended before the engine stopped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TaskFailure {
    /// The task's name (`market_websocket`, `trade_poller`, …).
    pub task: String,
    /// How it ended: `panicked: …` or `ended`.
    pub how: String,
    /// Unix milliseconds.
    pub at_ms: i64,
}

/// The failures so far, shared with `/health`.
#[derive(Debug, Default)]
pub struct TaskFailures(Mutex<Vec<TaskFailure>>);

impl TaskFailures {
    /// Every failure so far, oldest first.
    pub fn all(&self) -> Vec<TaskFailure> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn push(&self, failure: TaskFailure) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(failure);
    }
}

/// Spawns supervised tasks.
#[derive(Debug, Clone)]
pub struct Supervisor {
    metrics: Arc<Metrics>,
    stop: watch::Receiver<bool>,
    failures: Arc<TaskFailures>,
    report: mpsc::UnboundedSender<TaskFailure>,
}

/// Aborts the task it holds when dropped (so aborting the watcher aborts it).
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Supervisor {
    /// A supervisor; failures are also sent to the returned receiver (the
    /// pipeline halts trading on each).
    pub fn new(
        metrics: Arc<Metrics>,
        stop: watch::Receiver<bool>,
    ) -> (Self, mpsc::UnboundedReceiver<TaskFailure>) {
        let (report, rx) = mpsc::unbounded_channel();
        (
            Self {
                metrics,
                stop,
                failures: Arc::default(),
                report,
            },
            rx,
        )
    }

    /// The failures so far (for `/health`).
    pub fn failures(&self) -> Arc<TaskFailures> {
        self.failures.clone()
    }

    /// Spawns `task` under watch. Aborting the returned handle aborts it.
    pub fn spawn(
        &self,
        name: &'static str,
        task: impl Future<Output = ()> + Send + 'static,
    ) -> JoinHandle<()> {
        self.metrics.task_failures(name, 0);
        let inner = AbortOnDrop(tokio::spawn(with_failpoint(name, task)));
        let this = self.clone();
        tokio::spawn(async move {
            let mut inner = inner;
            let ended = (&mut inner.0).await;
            if *this.stop.borrow() {
                return;
            }
            let how = match ended {
                Ok(()) => "ended".to_owned(),
                Err(e) if e.is_panic() => format!(
                    "panicked: {}",
                    crate::redact::panic_message(e.into_panic().as_ref())
                ),
                Err(_) => "cancelled".to_owned(),
            };
            this.fail(name, how);
        })
    }

    /// Records a failure of `name`.
    pub fn fail(&self, name: &str, how: String) {
        tracing::error!(
            task = name,
            how,
            "a pipeline task stopped; trading is halted and /health is down until ploy is restarted"
        );
        self.metrics.task_failures(name, 1);
        let failure = TaskFailure {
            task: name.to_owned(),
            how,
            at_ms: crate::clock::wall_ms(),
        };
        self.failures.push(failure.clone());
        let _ = self.report.send(failure);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supervisor() -> (
        Supervisor,
        mpsc::UnboundedReceiver<TaskFailure>,
        watch::Sender<bool>,
        Arc<Metrics>,
    ) {
        let metrics = Arc::new(Metrics::new(crate::build_info::BUILD, "paper"));
        let (stop_tx, stop_rx) = watch::channel(false);
        let (s, rx) = Supervisor::new(metrics.clone(), stop_rx);
        (s, rx, stop_tx, metrics)
    }

    #[tokio::test]
    async fn a_panic_or_an_early_end_is_a_failure_a_stop_is_not() {
        let (s, mut rx, stop, metrics) = supervisor();
        s.spawn("feed", async { panic!("boom at line 3") });
        let failure = rx.recv().await.unwrap();
        assert_eq!(failure.task, "feed");
        assert_eq!(failure.how, "panicked: boom at line 3");
        s.spawn("poller", async {});
        assert_eq!(rx.recv().await.unwrap().how, "ended");
        assert_eq!(s.failures().all().len(), 2);
        let text = metrics.encode_prometheus_text();
        assert!(
            text.contains("ploy_task_failures_total{task=\"feed\"} 1"),
            "{text}"
        );
        // After the stop, an ending task is not a failure.
        let (tx, done) = tokio::sync::oneshot::channel::<()>();
        let watcher = s.spawn("sweeper", async move {
            let _ = done.await;
        });
        stop.send(true).unwrap();
        drop(tx);
        watcher.await.unwrap();
        assert!(rx.try_recv().is_err());
    }

    #[tokio::test]
    async fn aborting_the_handle_aborts_the_task() {
        let (s, _rx, _stop, _) = supervisor();
        let (tx, mut alive) = mpsc::channel::<()>(1);
        let handle = s.spawn("forever", async move {
            let _keep = tx;
            std::future::pending::<()>().await;
        });
        handle.abort();
        assert!(alive.recv().await.is_none(), "the inner task was dropped");
    }
}
