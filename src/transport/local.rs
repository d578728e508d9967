//! The `local` transport: the same operations on this machine, without SSH.

use std::net::SocketAddr;
use std::process::Stdio;

use async_trait::async_trait;
use tokio::io::AsyncRead;

use super::{Chunk, ErrorKind, RemoteProcess, Transport, TransportError};

/// Runs scripts with the local `sh`.
#[derive(Debug, Clone, Copy)]
pub struct LocalTransport;

/// Forwards a stream into `tx` as chunks made by `wrap`; returns at end of file.
pub(crate) async fn pump(
    mut from: impl AsyncRead + Unpin,
    tx: tokio::sync::mpsc::Sender<Chunk>,
    wrap: fn(Vec<u8>) -> Chunk,
) {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if tx.send(wrap(buf[..n].to_vec())).await.is_err() {
                    return;
                }
            },
        }
    }
}

#[async_trait]
impl Transport for LocalTransport {
    fn describe(&self) -> String {
        "local".to_owned()
    }

    fn broken(&self, what: &str, detail: &str) -> TransportError {
        TransportError::new(ErrorKind::Broken, "local", format!("{what}: {detail}"))
    }

    async fn spawn(&self, script: &str) -> Result<RemoteProcess, TransportError> {
        let mut child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.broken("cannot run sh", &e.to_string()))?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let wait = async move {
            child
                .wait()
                .await
                .map(|s| s.code())
                .map_err(|e| e.to_string())
        };
        Ok(RemoteProcess::from_streams(
            Box::new(stdin),
            stdout,
            stderr,
            wait,
        ))
    }

    async fn forward(&self, host: &str, port: u16) -> Result<SocketAddr, TransportError> {
        tokio::net::lookup_host((host, port))
            .await
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| {
                TransportError::new(
                    ErrorKind::Connect,
                    "local",
                    format!("cannot resolve {host}:{port}"),
                )
            })
    }

    async fn close(self: Box<Self>) {}
}
