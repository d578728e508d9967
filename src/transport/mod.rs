//! Transports: start a remote `sh -c` with its streams, run a script with input
//! and progress, forward a local port to an address seen from the host. Three
//! implementations behind [`Transport`]: `openssh` (system ssh, one multiplexed
//! master per host), `native` (russh, for CI with a key in `PLOYCTL_SSH_KEY`) and
//! `local` (this machine, no SSH). [`RemoteShell`] keeps one remote `sh` open
//! per host so scripts do not each pay a login shell's start-up.

mod local;
mod native;
mod openssh;
mod shell;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::inventory::{Address, Host, HostKeyPolicy};

pub use local::LocalTransport;
pub use shell::RemoteShell;

/// The SSH implementation to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SshBackend {
    /// The system `ssh` (honours ~/.ssh/config, ProxyJump, the agent).
    Openssh,
    /// Built-in SSH (russh): no `ssh` binary needed; key from `PLOYCTL_SSH_KEY` or a file.
    Native,
}

/// The result of a remote script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Exit status (`None` when killed by a signal or unknown).
    pub status: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Output {
    /// Whether the script exited 0.
    pub fn success(&self) -> bool {
        self.status == Some(0)
    }

    /// stderr, else stdout, trimmed: the text to show when it failed.
    pub fn message(&self) -> String {
        let err = self.stderr.trim();
        if err.is_empty() {
            self.stdout.trim().to_owned()
        } else {
            err.to_owned()
        }
    }
}

/// Why a transport operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Network: refused, timed out, unreachable, name unknown.
    Connect,
    /// The host's key is not in known_hosts and the policy is strict.
    HostKeyUnknown,
    /// The host's key differs from the one in known_hosts.
    HostKeyChanged,
    /// The server refused our key.
    Auth,
    /// The connection broke during an operation.
    Broken,
    /// A local problem (no key, unreadable file).
    Local,
}

/// A transport failure: what, on which host, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{host}: {message}")]
pub struct TransportError {
    /// Kind.
    pub kind: ErrorKind,
    /// Host (destination).
    pub host: String,
    /// What happened.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

impl TransportError {
    pub(crate) fn new(kind: ErrorKind, host: &str, message: impl Into<String>) -> Self {
        Self {
            kind,
            host: host.to_owned(),
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Message and hint together.
    pub fn full(&self) -> String {
        match &self.hint {
            Some(h) => format!("{self}\n  hint: {h}"),
            None => self.to_string(),
        }
    }
}

/// Called with the bytes sent so far.
pub type Progress<'a> = &'a (dyn Fn(u64) + Send + Sync);

/// Output of a started remote command, as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    /// Bytes on its stdout.
    Stdout(Vec<u8>),
    /// Bytes on its stderr.
    Stderr(Vec<u8>),
    /// It ended: its exit status (`None` for a signal), or why the transport lost it.
    Exit(Result<Option<i32>, String>),
}

/// A started remote `sh -c script`: its stdin, and its output as [`Chunk`]s.
/// The last chunk is always an `Exit` (or the channel closes when the
/// connection drops).
pub struct RemoteProcess {
    /// Its standard input; shut it down to send end-of-file.
    pub stdin: Box<dyn AsyncWrite + Send + Unpin>,
    /// Its output.
    pub output: mpsc::Receiver<Chunk>,
}

impl std::fmt::Debug for RemoteProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteProcess").finish_non_exhaustive()
    }
}

impl RemoteProcess {
    /// A process whose output the returned sender feeds.
    pub(crate) fn new(stdin: Box<dyn AsyncWrite + Send + Unpin>) -> (Self, mpsc::Sender<Chunk>) {
        let (tx, rx) = mpsc::channel(64);
        (Self { stdin, output: rx }, tx)
    }

    /// A process whose stdout and stderr are streams and whose end is a
    /// future: both streams are forwarded as chunks, then the exit.
    pub(crate) fn from_streams<O, E, W>(
        stdin: Box<dyn AsyncWrite + Send + Unpin>,
        stdout: O,
        stderr: E,
        wait: W,
    ) -> Self
    where
        O: tokio::io::AsyncRead + Unpin + Send + 'static,
        E: tokio::io::AsyncRead + Unpin + Send + 'static,
        W: std::future::Future<Output = Result<Option<i32>, String>> + Send + 'static,
    {
        let (process, tx) = Self::new(stdin);
        tokio::spawn(async move {
            tokio::join!(
                local::pump(stdout, tx.clone(), Chunk::Stdout),
                local::pump(stderr, tx.clone(), Chunk::Stderr)
            );
            let _ = tx.send(Chunk::Exit(wait.await)).await;
        });
        process
    }

    /// Writes `input` (reporting progress), closes stdin, and collects the
    /// output until the process ends. Reading and writing overlap, so a script
    /// that prints while it reads never blocks, and one that exits early ends
    /// the writing.
    pub async fn finish(mut self, input: &[u8], progress: Progress<'_>) -> Result<Output, String> {
        let mut stdin = self.stdin;
        let write = async move {
            let mut sent = 0u64;
            for chunk in input.chunks(256 * 1024) {
                if stdin.write_all(chunk).await.is_err() {
                    break; // the script stopped reading; its status tells why
                }
                sent += chunk.len() as u64;
                progress(sent);
            }
            let _ = stdin.shutdown().await;
        };
        let output = &mut self.output;
        let read = async move {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            while let Some(chunk) = output.recv().await {
                match chunk {
                    Chunk::Stdout(b) => out.extend_from_slice(&b),
                    Chunk::Stderr(b) => err.extend_from_slice(&b),
                    Chunk::Exit(status) => {
                        return status.map(|status| Output {
                            status,
                            stdout: String::from_utf8_lossy(&out).into_owned(),
                            stderr: String::from_utf8_lossy(&err).into_owned(),
                        })
                    },
                }
            }
            Err("the connection closed before the command ended".to_owned())
        };
        // When the process ends before it has read everything (it refused the
        // input, or had what it needed), stop writing: an SSH channel closed by
        // the remote end may never take more bytes.
        tokio::pin!(write, read);
        let mut written = false;
        loop {
            tokio::select! {
                () = &mut write, if !written => written = true,
                result = &mut read => return result,
            }
        }
    }
}

/// Run, upload, forward.
#[async_trait]
pub trait Transport: Send + Sync + std::fmt::Debug {
    /// `openssh user@host:port`, `native …`, `local`.
    fn describe(&self) -> String;

    /// Starts `sh -c script` with piped stdin, stdout and stderr.
    async fn spawn(&self, script: &str) -> Result<RemoteProcess, TransportError>;

    /// A transport failure while a command ran.
    fn broken(&self, what: &str, detail: &str) -> TransportError;

    /// Runs `sh -c script`; a non-zero exit is an `Output`, not an error.
    async fn exec(&self, script: &str) -> Result<Output, TransportError> {
        self.exec_with_input(script, &[], &|_| {}).await
    }

    /// Runs `sh -c script` with `input` on its stdin, reporting bytes sent.
    async fn exec_with_input(
        &self,
        script: &str,
        input: &[u8],
        progress: Progress<'_>,
    ) -> Result<Output, TransportError> {
        let process = self.spawn(script).await?;
        process
            .finish(input, progress)
            .await
            .map_err(|e| self.broken("remote command failed", &e))
    }

    /// A local address whose connections reach `host:port` as seen from the host.
    async fn forward(&self, host: &str, port: u16) -> Result<SocketAddr, TransportError>;

    /// Ends the session (the openssh master exits).
    async fn close(self: Box<Self>);
}

/// How to connect.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// SSH implementation.
    pub backend: SshBackend,
    /// Trust unknown host keys on first use (all hosts).
    pub accept_new_host_key: bool,
    /// Private key text from `PLOYCTL_SSH_KEY`.
    pub ssh_key_pem: Option<String>,
    /// Where openssh keeps its control sockets (short path).
    pub control_dir: PathBuf,
    /// Connection timeout.
    pub connect_timeout: Duration,
}

/// Connects to a host with its settings.
pub async fn connect(
    host: &Host,
    options: &ConnectOptions,
) -> Result<Box<dyn Transport>, TransportError> {
    let accept_new =
        options.accept_new_host_key || host.host_key_policy == HostKeyPolicy::AcceptNew;
    match &host.address {
        Address::Local => Ok(Box::new(LocalTransport)),
        Address::Ssh { .. } => match options.backend {
            SshBackend::Openssh => Ok(Box::new(
                openssh::OpensshTransport::connect(host, options, accept_new).await?,
            )),
            SshBackend::Native => Ok(Box::new(
                native::NativeTransport::connect(host, options, accept_new).await?,
            )),
        },
    }
}

/// A connection that broke while a command ran on `destination`.
pub(crate) fn ssh_broken(destination: &str, what: &str, detail: &str) -> TransportError {
    TransportError::new(ErrorKind::Broken, destination, format!("{what}: {detail}"))
        .hint("the SSH connection dropped; check the host and run the command again")
}

/// The hint for a host-key failure.
pub(crate) fn host_key_hint(kind: &ErrorKind, known_host: &str) -> String {
    match kind {
        ErrorKind::HostKeyChanged => format!(
            "the host's key differs from the one recorded: this is either a rebuilt host or someone in the middle. \
             Verify the new fingerprint out of band; if the host was rebuilt, remove the old key with \
             `ssh-keygen -R '{known_host}'` and connect again with --accept-new-host-key"
        ),
        _ => "verify the host's fingerprint out of band, then connect once with --accept-new-host-key \
              (trust on first use), or add its key to known_hosts"
            .to_owned(),
    }
}

/// `[host]:port` as known_hosts writes it (plain `host` for port 22).
pub(crate) fn known_hosts_name(host: &str, port: u16) -> String {
    if port == 22 {
        host.to_owned()
    } else {
        format!("[{host}]:{port}")
    }
}
