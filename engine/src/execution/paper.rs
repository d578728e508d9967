//! The paper venue: orders are recorded exactly as live ones are, and matched
//! by the simulated exchange against the real book.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::Venue;
use crate::clock::Clock;
use crate::orders::{ClientOrderId, OrderHash, OrderIntent, OrderStatus};
use crate::storage::{OrderRecord, Store};
use crate::trading::paper::{paper_hash, PaperExchange};
use crate::trading::OrderEvent;

/// Paper trading on the simulated exchange.
#[derive(Debug, Clone)]
pub struct PaperVenue {
    /// The simulator (also fed market events by the pipeline).
    pub exchange: Arc<Mutex<PaperExchange>>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl PaperVenue {
    /// A venue around `exchange`.
    pub fn new(
        exchange: Arc<Mutex<PaperExchange>>,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            exchange,
            store,
            clock,
        }
    }

    async fn set_status(
        &self,
        client_id: &ClientOrderId,
        status: OrderStatus,
        error: Option<String>,
    ) {
        super::record_status(
            self.store.as_ref(),
            self.clock.as_ref(),
            client_id,
            status,
            error,
        )
        .await;
    }
}

#[async_trait]
impl Venue for PaperVenue {
    async fn place(&self, intent: &OrderIntent) -> Vec<OrderEvent> {
        let now = self.clock.now_ms();
        let record =
            OrderRecord::pending(intent, paper_hash(&intent.client_id), "paper", None, now);
        if let Err(e) = self.store.insert_order(&record).await {
            return vec![OrderEvent::Rejected {
                client_id: intent.client_id.clone(),
                reason: format!("not sent: cannot persist the order first: {e}"),
            }];
        }
        let events = self
            .exchange
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .place(intent);
        for event in &events {
            match event {
                OrderEvent::Accepted { client_id, .. } => {
                    self.set_status(client_id, OrderStatus::Open, None).await;
                },
                OrderEvent::Rejected { client_id, reason } => {
                    self.set_status(client_id, OrderStatus::Failed, Some(reason.clone()))
                        .await;
                },
                _ => {},
            }
        }
        events
    }

    async fn cancel(
        &self,
        client_id: &ClientOrderId,
        _hash: Option<&OrderHash>,
    ) -> Vec<OrderEvent> {
        let events = self
            .exchange
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .cancel(client_id);
        if !events.is_empty() {
            self.set_status(client_id, OrderStatus::Cancelled, None)
                .await;
            return events;
        }
        // Already filled or gone: the core only needs to forget it.
        vec![OrderEvent::Cancelled {
            client_id: client_id.clone(),
        }]
    }
}
