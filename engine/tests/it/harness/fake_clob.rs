//! A local stand-in for the Polymarket CLOB, on a loopback port.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

/// A running fake exchange; stops when dropped.
#[derive(Debug)]
pub struct FakeClob {
    addr: SocketAddr,
    time_requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeClob {
    /// Starts serving `GET /time` (a bare integer, as the real CLOB answers).
    pub async fn start() -> Self {
        let time_requests = Arc::new(AtomicUsize::new(0));
        let counter = time_requests.clone();
        let app = Router::new().route(
            "/time",
            get(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .expect("clock after 1970")
                        .as_secs();
                    now.to_string()
                }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake CLOB");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake CLOB serve");
        });
        Self {
            addr,
            time_requests,
            task,
        }
    }

    /// Its base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many `GET /time` requests it has answered.
    pub fn time_requests(&self) -> usize {
        self.time_requests.load(Ordering::SeqCst)
    }
}

impl Drop for FakeClob {
    fn drop(&mut self) {
        self.task.abort();
    }
}
