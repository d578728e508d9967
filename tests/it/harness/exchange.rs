//! A stand-in for what `ploy check-config --connect` asks Polymarket from a
//! host: the CLOB's `GET /time` (a bare integer of seconds, as the real one
//! answers) and `GET /api/geoblock` (`{"blocked", "ip", "country",
//! "region"}`). Plain HTTP/1.1 on loopback, one thread per connection.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

/// A running fake; it stops serving when the test process ends.
#[derive(Debug)]
pub struct FakeExchange {
    port: u16,
    offset_secs: Arc<AtomicI64>,
    blocked: Arc<AtomicBool>,
}

impl FakeExchange {
    /// Starts on a free loopback port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake exchange");
        let port = listener.local_addr().expect("addr").port();
        let offset_secs = Arc::new(AtomicI64::new(0));
        let blocked = Arc::new(AtomicBool::new(false));
        let (offset, block) = (offset_secs.clone(), blocked.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (offset, block) = (offset.clone(), block.clone());
                std::thread::spawn(move || answer(&stream, &offset, &block));
            }
        });
        Self {
            port,
            offset_secs,
            blocked,
        }
    }

    /// The CLOB base URL (`exchange.clob_url`).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The geoblock URL (`exchange.geoblock_url`).
    pub fn geoblock_url(&self) -> String {
        format!("http://127.0.0.1:{}/api/geoblock", self.port)
    }

    /// The `[exchange]` lines that point a host's config here.
    pub fn config_lines(&self) -> String {
        format!(
            "[exchange]\nclob_url = \"{}\"\ngeoblock_url = \"{}\"\n",
            self.url(),
            self.geoblock_url()
        )
    }

    /// Makes the exchange's clock run `secs` ahead of ours.
    pub fn set_clock_offset(&self, secs: i64) {
        self.offset_secs.store(secs, Ordering::SeqCst);
    }

    /// Makes the geoblock check say this IP is blocked.
    pub fn set_blocked(&self, blocked: bool) {
        self.blocked.store(blocked, Ordering::SeqCst);
    }
}

/// Answers one request on `stream`.
fn answer(stream: &std::net::TcpStream, offset: &AtomicI64, blocked: &AtomicBool) {
    let mut reader = BufReader::new(stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let (status, body) = match request.split_whitespace().nth(1).unwrap_or("/") {
        "/time" => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_secs() as i64;
            ("200 OK", (now + offset.load(Ordering::SeqCst)).to_string())
        },
        "/api/geoblock" => {
            let blocked = blocked.load(Ordering::SeqCst);
            let country = if blocked { "US" } else { "IE" };
            (
                "200 OK",
                format!(
                    r#"{{"blocked":{blocked},"ip":"203.0.113.42","country":"{country}","region":"L"}}"#
                ),
            )
        },
        _ => ("404 Not Found", r#"{"error":"not found"}"#.to_owned()),
    };
    let _ = write!(
        &*stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}
