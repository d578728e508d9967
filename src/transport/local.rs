//! The `local` transport: the same operations on this machine, without SSH.

use std::net::SocketAddr;
use std::process::Stdio;

use async_trait::async_trait;
use tokio::io::AsyncWriteExt;

use super::{ErrorKind, Output, Progress, Transport, TransportError};

/// Runs scripts with the local `sh`.
#[derive(Debug, Clone, Copy)]
pub struct LocalTransport;

#[async_trait]
impl Transport for LocalTransport {
    fn describe(&self) -> String {
        "local".to_owned()
    }

    async fn exec_with_input(
        &self,
        script: &str,
        input: &[u8],
        progress: Progress<'_>,
    ) -> Result<Output, TransportError> {
        let broken = |e: std::io::Error| {
            TransportError::new(ErrorKind::Broken, "local", format!("cannot run sh: {e}"))
        };
        let mut child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(broken)?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let mut sent = 0u64;
        for chunk in input.chunks(256 * 1024) {
            if stdin.write_all(chunk).await.is_err() {
                break; // the script stopped reading; its status tells why
            }
            sent += chunk.len() as u64;
            progress(sent);
        }
        drop(stdin);
        let out = child.wait_with_output().await.map_err(broken)?;
        Ok(Output {
            status: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
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
