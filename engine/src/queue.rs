//! The in-process order queue between risk and the executor.
//!
//! A FIFO with an exact depth (mirrored in `ploy_order_queue_depth` and checked by
//! `/health`), an async `pop`, and a `close` that stops new work at shutdown
//! while letting the executor drain or persist what is left.

use std::collections::VecDeque;
use std::sync::Mutex;

use prometheus_client::metrics::gauge::Gauge;
use tokio::sync::Notify;

/// Returned by [`OrderQueue::push`] after [`OrderQueue::close`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the order queue is closed (the engine is shutting down)")]
pub struct QueueClosed;

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

/// A closable FIFO whose depth is always visible.
#[derive(Debug)]
pub struct OrderQueue<T> {
    state: Mutex<State<T>>,
    ready: Notify,
    depth_gauge: Gauge,
}

impl<T> OrderQueue<T> {
    /// An empty, open queue reporting its depth to `depth_gauge`.
    pub fn new(depth_gauge: Gauge) -> Self {
        depth_gauge.set(0);
        Self {
            state: Mutex::new(State {
                items: VecDeque::new(),
                closed: false,
            }),
            ready: Notify::new(),
            depth_gauge,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds an item at the back, unless the queue is closed.
    pub fn push(&self, item: T) -> Result<(), QueueClosed> {
        let mut state = self.lock();
        if state.closed {
            return Err(QueueClosed);
        }
        state.items.push_back(item);
        self.depth_gauge.set(state.items.len() as i64);
        drop(state);
        self.ready.notify_one();
        Ok(())
    }

    /// Adds items at the back together (a consumer that takes several at
    /// once finds them all), unless the queue is closed; nothing is added
    /// then, and the items come back.
    pub fn push_all(&self, items: Vec<T>) -> Result<(), (QueueClosed, Vec<T>)> {
        if items.is_empty() {
            return Ok(());
        }
        let mut state = self.lock();
        if state.closed {
            return Err((QueueClosed, items));
        }
        state.items.extend(items);
        self.depth_gauge.set(state.items.len() as i64);
        drop(state);
        self.ready.notify_one();
        Ok(())
    }

    /// Takes the front item now, if any.
    pub fn try_pop(&self) -> Option<T> {
        let mut state = self.lock();
        let item = state.items.pop_front();
        self.depth_gauge.set(state.items.len() as i64);
        item
    }

    /// Waits for the front item; `None` once the queue is closed and empty.
    pub async fn pop(&self) -> Option<T> {
        loop {
            let notified = self.ready.notified();
            {
                let mut state = self.lock();
                if let Some(item) = state.items.pop_front() {
                    self.depth_gauge.set(state.items.len() as i64);
                    return Some(item);
                }
                if state.closed {
                    return None;
                }
            }
            notified.await;
        }
    }

    /// Takes out the first waiting item `matches` picks (a cancel of an
    /// intent not sent yet).
    pub fn remove_where(&self, matches: impl Fn(&T) -> bool) -> Option<T> {
        let mut state = self.lock();
        let index = state.items.iter().position(matches)?;
        let item = state.items.remove(index);
        self.depth_gauge.set(state.items.len() as i64);
        item
    }

    /// Items waiting.
    pub fn depth(&self) -> usize {
        self.lock().items.len()
    }

    /// Refuses new items and wakes every waiter; queued items stay poppable.
    pub fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_waiters();
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Takes every waiting item (shutdown: persist what was not executed).
    pub fn drain(&self) -> Vec<T> {
        let mut state = self.lock();
        let items: Vec<T> = state.items.drain(..).collect();
        self.depth_gauge.set(0);
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fifo_depth_and_close() {
        let gauge = Gauge::default();
        let q = OrderQueue::new(gauge.clone());
        q.push(1).unwrap();
        q.push(2).unwrap();
        assert_eq!(q.depth(), 2);
        assert_eq!(gauge.get(), 2);
        assert_eq!(q.pop().await, Some(1));
        assert_eq!(gauge.get(), 1);
        q.close();
        assert_eq!(q.push(3), Err(QueueClosed));
        assert_eq!(q.pop().await, Some(2));
        assert_eq!(q.pop().await, None);
        assert_eq!(gauge.get(), 0);
    }

    #[test]
    fn remove_where_takes_one_waiting_item() {
        let gauge = Gauge::default();
        let q = OrderQueue::new(gauge.clone());
        for i in 1..=3 {
            q.push(i).unwrap();
        }
        assert_eq!(q.remove_where(|&i| i == 2), Some(2));
        assert_eq!(q.remove_where(|&i| i == 9), None);
        assert_eq!(gauge.get(), 2);
        assert_eq!(q.drain(), vec![1, 3]);
    }

    #[tokio::test]
    async fn pop_waits_for_push() {
        let q = std::sync::Arc::new(OrderQueue::new(Gauge::default()));
        let waiter = tokio::spawn({
            let q = q.clone();
            async move { q.pop().await }
        });
        tokio::task::yield_now().await;
        q.push("x").unwrap();
        assert_eq!(waiter.await.unwrap(), Some("x"));
    }
}
