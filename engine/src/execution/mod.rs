//! Execution: where approved orders go. A [`Venue`] persists each order before
//! it leaves the engine and reports what happened as [`OrderEvent`]s. The paper
//! venue matches against the simulated exchange; the live venue signs and
//! posts to the CLOB and never loses or doubles an order.

pub mod live;

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::orders::{ClientOrderId, OrderHash, OrderIntent, OrderStatus};
use crate::queue::OrderQueue;
use crate::storage::{OrderUpdate, Store};
use crate::trading::OrderEvent;

/// Records an order's new status; a failure is logged (the order event still
/// reaches the core, and reconciliation corrects the row at the next start).
pub(crate) async fn record_status(
    store: &dyn Store,
    clock: &dyn Clock,
    client_id: &ClientOrderId,
    status: OrderStatus,
    error: Option<String>,
) {
    let update = OrderUpdate {
        client_id: client_id.clone(),
        status,
        order_hash: None,
        error,
        at_ms: clock.now_ms(),
    };
    if let Err(e) = store.update_order(&update).await {
        tracing::error!(error = %e, client_id = %client_id, "cannot record the order's status");
    }
}

/// A place orders go.
#[async_trait]
pub trait Venue: Send + Sync + std::fmt::Debug {
    /// Persists, then sends, one order; returns what is known of it.
    async fn place(&self, intent: &OrderIntent) -> Vec<OrderEvent>;
    /// Cancels one order.
    async fn cancel(&self, client_id: &ClientOrderId, hash: Option<&OrderHash>) -> Vec<OrderEvent>;
}

/// A cancel request for the executor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelRequest {
    /// Our ID.
    pub client_id: ClientOrderId,
    /// Exchange ID, when known.
    pub hash: Option<OrderHash>,
}

/// Locks the shared state; a panic elsewhere must not stop cancels.
fn lock(f: &std::sync::Mutex<InFlight>) -> std::sync::MutexGuard<'_, InFlight> {
    f.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the poster is doing, shared with the canceller so a cancel of an
/// intent that is being posted is honoured as soon as the post ends.
#[derive(Debug, Default)]
struct InFlight {
    /// The intent being posted now.
    posting: Option<ClientOrderId>,
    /// Intents whose cancel came while they were being posted.
    cancel_after_post: std::collections::BTreeSet<ClientOrderId>,
}

/// Runs orders on the venue: one task posts the queue's intents in order,
/// another runs cancels as they come, so a cancel never waits behind a slow
/// post. A cancel of an intent still in the queue withdraws it (it is never
/// posted: [`OrderEvent::Withdrawn`]); of the intent being posted, it is sent
/// the moment the post answers (or is given up on: [`OrderEvent::Unsettled`]).
/// A cancel that gives up becomes [`OrderEvent::CancelFailed`], so the core
/// tries again. Returns when the
/// queue is closed and drained and the cancel channel is closed.
pub async fn run_executor(
    queue: Arc<OrderQueue<OrderIntent>>,
    mut cancels: mpsc::UnboundedReceiver<CancelRequest>,
    venue: Arc<dyn Venue>,
    events: mpsc::UnboundedSender<OrderEvent>,
    metrics: Arc<Metrics>,
) {
    let in_flight = Arc::new(std::sync::Mutex::new(InFlight::default()));
    let (after_post_tx, mut after_post) = mpsc::unbounded_channel::<CancelRequest>();
    let poster = tokio::spawn(post_queue(
        queue.clone(),
        venue.clone(),
        events.clone(),
        metrics,
        in_flight.clone(),
        after_post_tx,
    ));
    let mut poster = poster;
    let mut poster_done = false;
    let mut cancels_open = true;
    let mut after_post_open = true;
    while cancels_open || !poster_done {
        let request = tokio::select! {
            biased;
            request = after_post.recv(), if after_post_open => match request {
                Some(r) => Some(r),
                None => { after_post_open = false; continue; },
            },
            request = cancels.recv(), if cancels_open => match request {
                Some(r) => Some(r),
                None => { cancels_open = false; continue; },
            },
            _ = &mut poster, if !poster_done => { poster_done = true; continue; },
        };
        let Some(request) = request else { continue };
        if request.hash.is_none() {
            let id = request.client_id.clone();
            if queue.remove_where(|i| i.client_id == id).is_some() {
                let _ = events.send(OrderEvent::Withdrawn { client_id: id });
                continue;
            }
            let mut f = lock(&in_flight);
            if f.posting.as_ref() == Some(&id) {
                f.cancel_after_post.insert(id);
                continue;
            }
        }
        let outcome = venue
            .cancel(&request.client_id, request.hash.as_ref())
            .await;
        if outcome.is_empty() {
            let _ = events.send(OrderEvent::CancelFailed {
                client_id: request.client_id,
            });
        }
        for event in outcome {
            let _ = events.send(event);
        }
    }
    // Cancels the poster queued after the cancel channel closed.
    while let Ok(request) = after_post.try_recv() {
        for event in venue
            .cancel(&request.client_id, request.hash.as_ref())
            .await
        {
            let _ = events.send(event);
        }
    }
}

/// Posts the queue's intents one at a time, in order.
async fn post_queue(
    queue: Arc<OrderQueue<OrderIntent>>,
    venue: Arc<dyn Venue>,
    events: mpsc::UnboundedSender<OrderEvent>,
    metrics: Arc<Metrics>,
    in_flight: Arc<std::sync::Mutex<InFlight>>,
    after_post: mpsc::UnboundedSender<CancelRequest>,
) {
    while let Some(intent) = queue.pop().await {
        lock(&in_flight).posting = Some(intent.client_id.clone());
        let started = Instant::now();
        let mut outcome = venue.place(&intent).await;
        if outcome.is_empty() {
            // A venue that says nothing has not settled it: the core must know.
            outcome.push(OrderEvent::Unsettled {
                client_id: intent.client_id.clone(),
                hash: None,
            });
        }
        metrics
            .order_latency_ms
            .observe(started.elapsed().as_secs_f64() * 1000.0);
        let cancel_now = {
            let mut f = lock(&in_flight);
            f.posting = None;
            f.cancel_after_post.remove(&intent.client_id)
        };
        for event in outcome {
            match &event {
                OrderEvent::Accepted { client_id, hash } => {
                    metrics.orders_placed.inc();
                    if cancel_now {
                        let _ = after_post.send(CancelRequest {
                            client_id: client_id.clone(),
                            hash: Some(hash.clone()),
                        });
                    }
                },
                OrderEvent::Rejected { .. } => {
                    metrics.orders_failed.inc();
                },
                // Its outcome is unknown, so it may rest: a cancel that came
                // meanwhile goes to it by its hash.
                OrderEvent::Unsettled {
                    client_id,
                    hash: Some(hash),
                } if cancel_now => {
                    let _ = after_post.send(CancelRequest {
                        client_id: client_id.clone(),
                        hash: Some(hash.clone()),
                    });
                },
                _ => {},
            }
            let _ = events.send(event);
        }
    }
}
