//! The `openssh` transport: the system `ssh` with one multiplexed master per host
//! (so `~/.ssh/config`, ProxyJump and the agent all apply). Host keys are
//! checked strictly (`StrictHostKeyChecking=yes`) unless trust on first use was
//! asked for (`accept-new`); never `no`. The master exits when the session is
//! closed, or after 10 idle seconds if ployctl is killed.

use openssh::Stdio;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::Arc;

use async_trait::async_trait;
use openssh::{ControlPersist, ForwardType, KnownHosts, Session, SessionBuilder, Socket};

use super::{
    host_key_hint, known_hosts_name, ConnectOptions, ErrorKind, RemoteProcess, Transport,
    TransportError,
};
use crate::inventory::{Address, Host};

/// An open multiplexed session.
#[derive(Debug)]
pub(crate) struct OpensshTransport {
    session: Arc<Session>,
    destination: String,
    _key_file: Option<tempfile::NamedTempFile>,
}

fn error_text(e: &openssh::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text.replace('\r', "")
}

/// Classifies ssh's own words.
pub(crate) fn classify(text: &str) -> ErrorKind {
    if text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
        || text.contains("Host key for") && text.contains("has changed")
    {
        ErrorKind::HostKeyChanged
    } else if text.contains("Host key verification failed")
        || text.contains("host key is known for")
    {
        ErrorKind::HostKeyUnknown
    } else if text.contains("Permission denied") {
        ErrorKind::Auth
    } else {
        ErrorKind::Connect
    }
}

impl OpensshTransport {
    pub(crate) async fn connect(
        host: &Host,
        options: &ConnectOptions,
        accept_new: bool,
    ) -> Result<Self, TransportError> {
        let Address::Ssh {
            host: address,
            user,
            port,
        } = &host.address
        else {
            unreachable!("openssh transport for a local host");
        };
        let destination = host.destination();
        std::fs::create_dir_all(&options.control_dir).map_err(|e| {
            TransportError::new(
                ErrorKind::Local,
                &destination,
                format!("cannot create {}: {e}", options.control_dir.display()),
            )
        })?;
        let mut builder = SessionBuilder::default();
        builder
            .known_hosts_check(if accept_new {
                KnownHosts::Add
            } else {
                KnownHosts::Strict
            })
            .control_directory(&options.control_dir)
            .clean_history_control_directory(false)
            .control_persist(ControlPersist::IdleFor(
                NonZeroUsize::new(10).expect("non-zero"),
            ))
            .connect_timeout(options.connect_timeout)
            .server_alive_interval(std::time::Duration::from_secs(5));
        if let Some(user) = user {
            builder.user(user.clone());
        }
        if let Some(port) = port {
            builder.port(*port);
        }
        if let Some(file) = &host.known_hosts {
            builder.user_known_hosts_file(file);
        }
        if let Some(config) = &host.ssh_config {
            builder.config_file(config);
        }
        if !host.jump_hosts.is_empty() {
            builder.jump_hosts(&host.jump_hosts);
        }
        // A key given as text (CI) is written to a private temp file for ssh.
        let key_file = match &options.ssh_key_pem {
            Some(pem) => {
                let mut file = tempfile::Builder::new()
                    .prefix("key-")
                    .tempfile_in(&options.control_dir)
                    .map_err(|e| {
                        TransportError::new(
                            ErrorKind::Local,
                            &destination,
                            format!("cannot write the key file: {e}"),
                        )
                    })?;
                std::io::Write::write_all(&mut file, pem.trim_end().as_bytes())
                    .and_then(|()| std::io::Write::write_all(&mut file, b"\n"))
                    .map_err(|e| {
                        TransportError::new(
                            ErrorKind::Local,
                            &destination,
                            format!("cannot write the key file: {e}"),
                        )
                    })?;
                builder.keyfile(file.path());
                Some(file)
            },
            None => {
                if let Some(identity) = &host.identity_file {
                    builder.keyfile(identity);
                }
                None
            },
        };
        let session = builder.connect_mux(address).await.map_err(|e| {
            let text = error_text(&e);
            let kind = classify(&text);
            let known = known_hosts_name(address, port.unwrap_or(22));
            let (message, hint) = match kind {
                ErrorKind::HostKeyChanged => (
                    format!("host key mismatch: the key {known} presents is not the one in known_hosts; refusing to connect"),
                    host_key_hint(&kind, &known),
                ),
                ErrorKind::HostKeyUnknown => (
                    format!("unknown host key: {known} is not in known_hosts and host-key checking is strict"),
                    host_key_hint(&kind, &known),
                ),
                ErrorKind::Auth => (
                    format!("authentication failed: {}", last_line(&text)),
                    "check the user, and that the key (agent, identity_file or PLOYCTL_SSH_KEY) is in the host's authorized_keys"
                        .to_owned(),
                ),
                _ => (
                    format!("cannot connect: {}", last_line(&text)),
                    "check that the host is up, its address and port, and the network path (ProxyJump, security groups)"
                        .to_owned(),
                ),
            };
            TransportError::new(kind, &destination, message).hint(hint)
        })?;
        Ok(Self {
            session: Arc::new(session),
            destination,
            _key_file: key_file,
        })
    }
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim()
        .to_owned()
}

#[async_trait]
impl Transport for OpensshTransport {
    fn describe(&self) -> String {
        format!("openssh {}", self.destination)
    }

    fn broken(&self, what: &str, detail: &str) -> TransportError {
        super::ssh_broken(&self.destination, what, detail)
    }

    async fn spawn(&self, script: &str) -> Result<RemoteProcess, TransportError> {
        let mut child = self
            .session
            .clone()
            .arc_command("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .await
            .map_err(|e| self.broken("cannot start a remote command", &error_text(&e)))?;
        let stdin = child.stdin().take().expect("piped stdin");
        let stdout = child.stdout().take().expect("piped stdout");
        let stderr = child.stderr().take().expect("piped stderr");
        let wait = async move {
            child
                .wait()
                .await
                .map(|s| s.code())
                .map_err(|e| error_text(&e))
        };
        Ok(RemoteProcess::from_streams(
            Box::new(stdin),
            stdout,
            stderr,
            wait,
        ))
    }

    async fn forward(&self, host: &str, port: u16) -> Result<SocketAddr, TransportError> {
        let mut last = String::new();
        for _ in 0..5 {
            let local_port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .map_err(|e| {
                    TransportError::new(
                        ErrorKind::Local,
                        &self.destination,
                        format!("no free local port: {e}"),
                    )
                })?;
            match self
                .session
                .request_port_forward(
                    ForwardType::Local,
                    Socket::new("127.0.0.1", local_port),
                    Socket::new(host.to_owned(), port),
                )
                .await
            {
                Ok(()) => return Ok(SocketAddr::from(([127, 0, 0, 1], local_port))),
                Err(e) => last = error_text(&e),
            }
        }
        Err(self.broken(
            &format!("cannot forward a local port to {host}:{port}"),
            &last,
        ))
    }

    async fn close(self: Box<Self>) {
        // Commands still running hold a reference; give them a moment to end
        // (the remote shell exits once its stdin closes), then close the master.
        let mut session = self.session;
        for _ in 0..40 {
            match Arc::try_unwrap(session) {
                Ok(owned) => {
                    let _ = owned.close().await;
                    return;
                },
                Err(shared) => {
                    session = shared;
                    tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_ssh_errors() {
        assert_eq!(
            classify("@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed."),
            ErrorKind::HostKeyChanged
        );
        assert_eq!(
            classify("No ED25519 host key is known for [127.0.0.2]:2222 and you have requested strict checking.\nHost key verification failed."),
            ErrorKind::HostKeyUnknown
        );
        assert_eq!(
            classify("ploy@10.0.0.1: Permission denied (publickey)."),
            ErrorKind::Auth
        );
        assert_eq!(
            classify("ssh: connect to host 10.0.0.1 port 22: Connection refused"),
            ErrorKind::Connect
        );
    }
}
