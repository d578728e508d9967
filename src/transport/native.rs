//! The `native` transport: SSH in-process (russh), for CI runners where the key
//! arrives in `PLOYCTL_SSH_KEY` and there is no agent or `ssh` binary. Host keys
//! are verified against known_hosts exactly like openssh's strict mode
//! (trust on first use only when asked).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use russh::client::{self, Handle};
use russh::keys::{
    known_hosts, HashAlg, PrivateKey, PrivateKeyWithHashAlg, PublicKeyOrCertificate,
};
use russh::ChannelMsg;
use tokio::net::TcpListener;

use super::{
    host_key_hint, known_hosts_name, Chunk, ConnectOptions, ErrorKind, RemoteProcess, Transport,
    TransportError,
};
use crate::inventory::{Address, Host};

/// What the host-key check decided, kept for the error message.
#[derive(Debug, Clone)]
enum KeyVerdict {
    Known,
    Learned,
    Unknown(String),
    Changed { line: usize, fingerprint: String },
    Error(String),
}

#[derive(Debug)]
struct Client {
    host: String,
    port: u16,
    known_hosts: PathBuf,
    accept_new: bool,
    verdict: Arc<Mutex<Option<KeyVerdict>>>,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let PublicKeyOrCertificate::PublicKey { key, .. } = key else {
            *self.verdict.lock().expect("verdict lock") = Some(KeyVerdict::Error(
                "the server presented a certificate; ployctl checks plain host keys".into(),
            ));
            return Ok(false);
        };
        let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
        let verdict = match known_hosts::check_known_hosts_path(
            &self.host,
            self.port,
            key,
            &self.known_hosts,
        ) {
            Ok(true) => KeyVerdict::Known,
            Ok(false) if self.accept_new => {
                match known_hosts::learn_known_hosts_path(
                    &self.host,
                    self.port,
                    key,
                    &self.known_hosts,
                ) {
                    Ok(()) => KeyVerdict::Learned,
                    Err(e) => KeyVerdict::Error(format!(
                        "cannot record the host key in {}: {e}",
                        self.known_hosts.display()
                    )),
                }
            },
            Ok(false) => KeyVerdict::Unknown(fingerprint),
            Err(russh::keys::Error::KeyChanged { line }) => {
                KeyVerdict::Changed { line, fingerprint }
            },
            Err(e) => KeyVerdict::Error(format!("cannot read {}: {e}", self.known_hosts.display())),
        };
        let ok = matches!(verdict, KeyVerdict::Known | KeyVerdict::Learned);
        *self.verdict.lock().expect("verdict lock") = Some(verdict);
        Ok(ok)
    }
}

/// An authenticated russh session.
pub(crate) struct NativeTransport {
    handle: Arc<Handle<Client>>,
    destination: String,
    forwards: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl std::fmt::Debug for NativeTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeTransport")
            .field("destination", &self.destination)
            .finish_non_exhaustive()
    }
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/"))
}

fn load_key(
    host: &Host,
    options: &ConnectOptions,
    destination: &str,
) -> Result<PrivateKey, TransportError> {
    let local = |message: String| {
        TransportError::new(ErrorKind::Local, destination, message)
            .hint("set PLOYCTL_SSH_KEY to an unencrypted private key (PEM/OpenSSH text), or identity_file in the inventory")
    };
    if let Some(pem) = &options.ssh_key_pem {
        // The decode error never contains the key text.
        return russh::keys::decode_secret_key(pem.trim(), None)
            .map_err(|e| local(format!("PLOYCTL_SSH_KEY is not a usable private key: {e}")));
    }
    let candidates: Vec<PathBuf> = match &host.identity_file {
        Some(file) => vec![file.clone()],
        None => ["id_ed25519", "id_ecdsa", "id_rsa"]
            .iter()
            .map(|n| home().join(".ssh").join(n))
            .collect(),
    };
    for path in &candidates {
        if path.is_file() {
            return russh::keys::load_secret_key(path, None).map_err(|e| {
                local(format!(
                    "cannot load the private key {}: {e}",
                    path.display()
                ))
            });
        }
    }
    Err(local(format!(
        "no private key: none of {} exists",
        candidates
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

impl NativeTransport {
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
            unreachable!("native transport for a local host");
        };
        let destination = host.destination();
        let port = port.unwrap_or(22);
        let user = user
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "root".to_owned());
        let key = load_key(host, options, &destination)?;
        let known = host
            .known_hosts
            .clone()
            .unwrap_or_else(|| home().join(".ssh/known_hosts"));
        let verdict = Arc::new(Mutex::new(None));
        let handler = Client {
            host: address.clone(),
            port,
            known_hosts: known,
            accept_new,
            verdict: verdict.clone(),
        };
        let config = Arc::new(client::Config {
            keepalive_interval: Some(std::time::Duration::from_secs(5)),
            keepalive_max: 3,
            nodelay: true,
            ..client::Config::default()
        });
        let connect = client::connect(config, (address.as_str(), port), handler);
        let result = tokio::time::timeout(options.connect_timeout, connect).await;
        let known_name = known_hosts_name(address, port);
        let mut handle = match result {
            Ok(Ok(handle)) => handle,
            Ok(Err(e)) => {
                let verdict = verdict.lock().expect("verdict lock").clone();
                return Err(match verdict {
                    Some(KeyVerdict::Unknown(fp)) => TransportError::new(
                        ErrorKind::HostKeyUnknown,
                        &destination,
                        format!("unknown host key: {known_name} ({fp}) is not in known_hosts and host-key checking is strict"),
                    )
                    .hint(host_key_hint(&ErrorKind::HostKeyUnknown, &known_name)),
                    Some(KeyVerdict::Changed { line, fingerprint }) => TransportError::new(
                        ErrorKind::HostKeyChanged,
                        &destination,
                        format!(
                            "host key mismatch: {known_name} presents {fingerprint}, which differs from known_hosts line {line}; refusing to connect"
                        ),
                    )
                    .hint(host_key_hint(&ErrorKind::HostKeyChanged, &known_name)),
                    Some(KeyVerdict::Error(message)) => TransportError::new(ErrorKind::Local, &destination, message),
                    _ => TransportError::new(ErrorKind::Connect, &destination, format!("cannot connect: {e}"))
                        .hint("check that the host is up, its address and port, and the network path"),
                });
            },
            Err(_) => {
                return Err(TransportError::new(
                    ErrorKind::Connect,
                    &destination,
                    format!(
                        "cannot connect: no answer within {:?}",
                        options.connect_timeout
                    ),
                )
                .hint("check that the host is up, its address and port, and the network path"))
            },
        };
        let hash = handle
            .best_supported_rsa_hash()
            .await
            .ok()
            .flatten()
            .flatten();
        let auth = handle
            .authenticate_publickey(&user, PrivateKeyWithHashAlg::new(Arc::new(key), hash))
            .await
            .map_err(|e| {
                TransportError::new(
                    ErrorKind::Auth,
                    &destination,
                    format!("authentication failed: {e}"),
                )
            })?;
        if !auth.success() {
            return Err(TransportError::new(
                ErrorKind::Auth,
                &destination,
                format!("authentication failed: the server refused the key for user {user}"),
            )
            .hint(
                "check the user, and that the key's public half is in the host's authorized_keys",
            ));
        }
        Ok(Self {
            handle: Arc::new(handle),
            destination,
            forwards: Mutex::new(Vec::new()),
        })
    }
}

#[async_trait]
impl Transport for NativeTransport {
    fn describe(&self) -> String {
        format!("native {}", self.destination)
    }

    fn broken(&self, what: &str, detail: &str) -> TransportError {
        super::ssh_broken(&self.destination, what, detail)
    }

    async fn spawn(&self, script: &str) -> Result<RemoteProcess, TransportError> {
        let mut channel = self
            .handle
            .channel_open_session()
            .await
            .map_err(|e| self.broken("cannot open a channel", &e.to_string()))?;
        let command = format!("sh -c {}", crate::remote::quote(script));
        channel
            .exec(true, command)
            .await
            .map_err(|e| self.broken("cannot start a remote command", &e.to_string()))?;
        let (process, tx) = RemoteProcess::new(Box::new(channel.make_writer()));
        tokio::spawn(async move {
            // Exit status, or a signal (no status), once the remote says so.
            let mut ended: Option<Option<i32>> = None;
            while let Some(message) = channel.wait().await {
                let chunk = match message {
                    ChannelMsg::Data { data } => Chunk::Stdout(data.to_vec()),
                    ChannelMsg::ExtendedData { data, ext: 1 } => Chunk::Stderr(data.to_vec()),
                    ChannelMsg::ExitStatus { exit_status } => {
                        ended = Some(Some(exit_status as i32));
                        continue;
                    },
                    ChannelMsg::ExitSignal { .. } => {
                        ended = Some(None);
                        continue;
                    },
                    ChannelMsg::Close => break,
                    _ => continue,
                };
                if tx.send(chunk).await.is_err() {
                    return;
                }
            }
            let exit = ended.ok_or_else(|| "the connection closed".to_owned());
            let _ = tx.send(Chunk::Exit(exit)).await;
        });
        Ok(process)
    }

    async fn forward(&self, host: &str, port: u16) -> Result<SocketAddr, TransportError> {
        let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|e| {
            TransportError::new(
                ErrorKind::Local,
                &self.destination,
                format!("no free local port: {e}"),
            )
        })?;
        let local = listener
            .local_addr()
            .map_err(|e| self.broken("local listener", &e.to_string()))?;
        let handle = self.handle.clone();
        let target = host.to_owned();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, peer)) = listener.accept().await {
                let handle = handle.clone();
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(channel) = handle
                        .channel_open_direct_tcpip(
                            target,
                            u32::from(port),
                            peer.ip().to_string(),
                            u32::from(peer.port()),
                        )
                        .await
                    else {
                        return;
                    };
                    let mut stream = channel.into_stream();
                    let _ = tokio::io::copy_bidirectional(&mut socket, &mut stream).await;
                });
            }
        });
        self.forwards.lock().expect("forwards lock").push(task);
        Ok(local)
    }

    async fn close(self: Box<Self>) {
        for task in self.forwards.lock().expect("forwards lock").drain(..) {
            task.abort();
        }
        let _ = self
            .handle
            .disconnect(russh::Disconnect::ByApplication, "ployctl done", "en")
            .await;
    }
}
