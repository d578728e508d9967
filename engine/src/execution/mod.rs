//! Execution: where approved orders go. A [`Venue`] persists each order before
//! it leaves the engine and reports what happened as [`OrderEvent`]s. The paper
//! venue matches against the simulated exchange; the live venue signs and
//! posts to the CLOB and never loses or doubles an order.

pub mod live;
pub mod paper;

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

/// Takes orders from the queue (cancels first) and runs them on the venue,
/// sending what happened to `events`. Returns when the queue is closed and
/// drained and the cancel channel is closed.
pub async fn run_executor(
    queue: Arc<OrderQueue<OrderIntent>>,
    mut cancels: mpsc::UnboundedReceiver<CancelRequest>,
    venue: Arc<dyn Venue>,
    events: mpsc::UnboundedSender<OrderEvent>,
    metrics: Arc<Metrics>,
) {
    let mut cancels_open = true;
    loop {
        tokio::select! {
            biased;
            request = cancels.recv(), if cancels_open => match request {
                Some(request) => {
                    for event in venue.cancel(&request.client_id, request.hash.as_ref()).await {
                        let _ = events.send(event);
                    }
                },
                None => cancels_open = false,
            },
            intent = queue.pop() => match intent {
                Some(intent) => {
                    let started = Instant::now();
                    let outcome = venue.place(&intent).await;
                    metrics.order_latency_ms.observe(started.elapsed().as_secs_f64() * 1000.0);
                    for event in outcome {
                        match &event {
                            OrderEvent::Accepted { .. } => metrics.orders_placed.inc(),
                            OrderEvent::Rejected { .. } => metrics.orders_failed.inc(),
                            _ => 0,
                        };
                        let _ = events.send(event);
                    }
                },
                None => {
                    if !cancels_open {
                        return;
                    }
                    // The queue is closed: finish the cancels still coming.
                    while let Some(request) = cancels.recv().await {
                        for event in venue.cancel(&request.client_id, request.hash.as_ref()).await {
                            let _ = events.send(event);
                        }
                    }
                    return;
                },
            },
        }
    }
}
