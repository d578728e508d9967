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
    /// Whether it sends several orders in one request (else the executor
    /// sends them one by one, each cancel in a task of its own).
    fn takes_batches(&self) -> bool {
        false
    }
    /// Whether another task works on this order now (a cancel of it would
    /// wait): such a cancel is sent on its own, not in a batch.
    fn busy(&self, _client_id: &ClientOrderId) -> bool {
        false
    }
    /// Persists, then sends, several orders at once where the venue takes
    /// a batch (`POST /orders`); what is known of each, in order. One that
    /// is refused does not refuse the others.
    async fn place_batch(&self, intents: &[OrderIntent]) -> Vec<Vec<OrderEvent>> {
        let mut out = Vec::with_capacity(intents.len());
        for intent in intents {
            out.push(self.place(intent).await);
        }
        out
    }
    /// Cancels several orders at once where the venue takes a batch
    /// (`DELETE /orders`); what is known of each, in order.
    async fn cancel_batch(&self, requests: &[CancelRequest]) -> Vec<Vec<OrderEvent>> {
        let mut out = Vec::with_capacity(requests.len());
        for r in requests {
            out.push(self.cancel(&r.client_id, r.hash.as_ref()).await);
        }
        out
    }
}

/// How many orders one request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batching {
    /// Posts pending at once go together, up to this many (`POST /orders`
    /// takes 15).
    pub posts: usize,
    /// Cancels pending at once go together, up to this many (`DELETE
    /// /orders`; 50 stays well inside the lowest tier's cancel burst of 120).
    pub cancels: usize,
}

impl Batching {
    /// As the exchange allows.
    pub const EXCHANGE: Batching = Batching {
        posts: 15,
        cancels: 50,
    };
    /// One order per request.
    pub const NONE: Batching = Batching {
        posts: 1,
        cancels: 1,
    };
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
    /// The intents being posted now.
    posting: std::collections::BTreeSet<ClientOrderId>,
    /// Intents whose cancel came while they were being posted.
    cancel_after_post: std::collections::BTreeSet<ClientOrderId>,
}

/// Runs orders on the venue: one task posts the queue's intents in order
/// (those queued at once together, up to `batching.posts` a request), and
/// cancels run in tasks of their own as they come (those that came at once
/// together, up to `batching.cancels` a request), so a cancel never waits
/// behind a slow post or another cancel. A cancel of an intent still in the queue withdraws it (it is never
/// posted: [`OrderEvent::Withdrawn`]); of the intent being posted, it is sent
/// the moment the post answers (or is given up on: [`OrderEvent::Unsettled`]).
/// A cancel that gives up becomes [`OrderEvent::CancelFailed`], so the core
/// tries again. Returns when the
/// queue is closed and drained and the cancel channel is closed.
pub async fn run_executor(
    queue: Arc<OrderQueue<OrderIntent>>,
    mut cancels: mpsc::UnboundedReceiver<Vec<CancelRequest>>,
    venue: Arc<dyn Venue>,
    events: mpsc::UnboundedSender<OrderEvent>,
    metrics: Arc<Metrics>,
    batching: Batching,
) {
    let in_flight = Arc::new(std::sync::Mutex::new(InFlight::default()));
    let (after_post_tx, mut after_post) = mpsc::unbounded_channel::<CancelRequest>();
    // The poster and the cancels are tasks of this one's: when it is
    // aborted (a shutdown past its share of time), so are they.
    let mut poster = AbortOnDrop(tokio::spawn(post_queue(
        queue.clone(),
        venue.clone(),
        events.clone(),
        metrics,
        in_flight.clone(),
        after_post_tx,
        if venue.takes_batches() {
            batching.posts.max(1)
        } else {
            1
        },
    )));
    let cancel_batch = if venue.takes_batches() {
        batching.cancels.max(1)
    } else {
        1
    };
    let mut running = tokio::task::JoinSet::new();
    let mut poster_done = false;
    let mut cancels_open = true;
    let mut after_post_open = true;
    while cancels_open || !poster_done {
        let ready: Vec<CancelRequest> = tokio::select! {
            biased;
            request = after_post.recv(), if after_post_open => match request {
                Some(r) => vec![r],
                None => { after_post_open = false; continue; },
            },
            requests = cancels.recv(), if cancels_open => match requests {
                Some(mut rs) => {
                    // And any other turn's that came meanwhile.
                    while let Ok(more) = cancels.try_recv() {
                        rs.extend(more);
                    }
                    rs
                },
                None => { cancels_open = false; continue; },
            },
            _ = &mut poster.0, if !poster_done => { poster_done = true; continue; },
        };
        let mut to_send = Vec::new();
        for request in ready {
            if request.hash.is_none() {
                let id = request.client_id.clone();
                if queue.remove_where(|i| i.client_id == id).is_some() {
                    let _ = events.send(OrderEvent::Withdrawn { client_id: id });
                    continue;
                }
                let mut f = lock(&in_flight);
                if f.posting.contains(&id) {
                    f.cancel_after_post.insert(id);
                    continue;
                }
            }
            to_send.push(request);
        }
        // Each batch in a task of its own: one that waits (for the
        // sweeper's guard on its order, for a slow exchange) holds up no
        // other; an order another task works on is cancelled on its own.
        let (alone, together): (Vec<CancelRequest>, Vec<CancelRequest>) = to_send
            .into_iter()
            .partition(|r| cancel_batch == 1 || venue.busy(&r.client_id));
        for one in alone {
            running.spawn(cancel_one(venue.clone(), one, events.clone()));
        }
        for chunk in together.chunks(cancel_batch) {
            if let [one] = chunk {
                running.spawn(cancel_one(venue.clone(), one.clone(), events.clone()));
            } else {
                running.spawn(cancel_many(venue.clone(), chunk.to_vec(), events.clone()));
            }
        }
        while running.try_join_next().is_some() {}
    }
    // Cancels the poster queued after the cancel channel closed.
    while let Ok(request) = after_post.try_recv() {
        running.spawn(cancel_one(venue.clone(), request, events.clone()));
    }
    while running.join_next().await.is_some() {}
}

/// A task aborted when its handle is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Cancels one order; a cancel given up on is [`OrderEvent::CancelFailed`].
async fn cancel_one(
    venue: Arc<dyn Venue>,
    request: CancelRequest,
    events: mpsc::UnboundedSender<OrderEvent>,
) {
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

/// Cancels several orders in one request; an order whose cancel was given
/// up on is [`OrderEvent::CancelFailed`].
async fn cancel_many(
    venue: Arc<dyn Venue>,
    requests: Vec<CancelRequest>,
    events: mpsc::UnboundedSender<OrderEvent>,
) {
    let outcomes = venue.cancel_batch(&requests).await;
    for (request, outcome) in requests.into_iter().zip(outcomes) {
        if outcome.is_empty() {
            let _ = events.send(OrderEvent::CancelFailed {
                client_id: request.client_id,
            });
        }
        for event in outcome {
            let _ = events.send(event);
        }
    }
}

/// Posts the queue's intents in order: what is queued when the poster looks
/// goes together, up to `max_batch` a request.
async fn post_queue(
    queue: Arc<OrderQueue<OrderIntent>>,
    venue: Arc<dyn Venue>,
    events: mpsc::UnboundedSender<OrderEvent>,
    metrics: Arc<Metrics>,
    in_flight: Arc<std::sync::Mutex<InFlight>>,
    after_post: mpsc::UnboundedSender<CancelRequest>,
    max_batch: usize,
) {
    while let Some(first) = queue.pop().await {
        // The main loop queues a turn's orders together: they are all here.
        let mut batch = vec![first];
        while batch.len() < max_batch {
            match queue.try_pop() {
                Some(more) => batch.push(more),
                None => break,
            }
        }
        lock(&in_flight)
            .posting
            .extend(batch.iter().map(|i| i.client_id.clone()));
        let started = Instant::now();
        let outcomes = if let [one] = batch.as_slice() {
            vec![venue.place(one).await]
        } else {
            venue.place_batch(&batch).await
        };
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        for (intent, outcome) in batch.iter().zip(outcomes) {
            settle_posted(
                intent,
                outcome,
                elapsed_ms,
                &metrics,
                &in_flight,
                &after_post,
                &events,
            );
        }
    }
}

/// What a post answered for one intent: to the core, the metrics, and a
/// cancel that came while it was being posted.
fn settle_posted(
    intent: &OrderIntent,
    mut outcome: Vec<OrderEvent>,
    elapsed_ms: f64,
    metrics: &Metrics,
    in_flight: &std::sync::Mutex<InFlight>,
    after_post: &mpsc::UnboundedSender<CancelRequest>,
    events: &mpsc::UnboundedSender<OrderEvent>,
) {
    {
        if outcome.is_empty() {
            // A venue that says nothing has not settled it: the core must know.
            outcome.push(OrderEvent::Unsettled {
                client_id: intent.client_id.clone(),
                hash: None,
            });
        }
        metrics.order_latency_ms.observe(elapsed_ms);
        let cancel_now = {
            let mut f = lock(in_flight);
            f.posting.remove(&intent.client_id);
            f.cancel_after_post.remove(&intent.client_id)
        };
        for event in outcome {
            match &event {
                OrderEvent::Accepted { client_id, hash } => {
                    metrics.order_placed(crate::clock::wall_ms());
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A venue whose cancels of `slow` take a while.
    #[derive(Debug)]
    struct SlowCancels;

    #[async_trait]
    impl Venue for SlowCancels {
        async fn place(&self, intent: &OrderIntent) -> Vec<OrderEvent> {
            vec![OrderEvent::Accepted {
                client_id: intent.client_id.clone(),
                hash: "0xh".into(),
            }]
        }

        async fn cancel(
            &self,
            client_id: &ClientOrderId,
            _hash: Option<&OrderHash>,
        ) -> Vec<OrderEvent> {
            if client_id.as_str() == "slow" {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            vec![OrderEvent::Cancelled {
                client_id: client_id.clone(),
            }]
        }
    }

    #[tokio::test]
    async fn a_slow_cancel_holds_up_no_other() {
        let metrics = Arc::new(Metrics::new(crate::build_info::BUILD, "live"));
        let queue = Arc::new(OrderQueue::new(metrics.order_queue_depth.clone()));
        let (cancel_tx, cancel_rx) = mpsc::unbounded_channel();
        let (event_tx, mut event_rx) = mpsc::unbounded_channel();
        let executor = tokio::spawn(run_executor(
            queue.clone(),
            cancel_rx,
            Arc::new(SlowCancels),
            event_tx,
            metrics,
            Batching::EXCHANGE,
        ));
        for id in ["slow", "fast"] {
            cancel_tx
                .send(vec![CancelRequest {
                    client_id: id.into(),
                    hash: Some("0xh".into()),
                }])
                .unwrap();
        }
        let first = tokio::time::timeout(Duration::from_secs(1), event_rx.recv())
            .await
            .expect("the fast cancel answers while the slow one waits");
        assert_eq!(
            first,
            Some(OrderEvent::Cancelled {
                client_id: "fast".into()
            })
        );
        drop(cancel_tx);
        queue.close();
        let second = event_rx.recv().await;
        assert_eq!(
            second,
            Some(OrderEvent::Cancelled {
                client_id: "slow".into()
            }),
            "the slow one still finishes before the executor returns"
        );
        executor.await.unwrap();
    }
}
