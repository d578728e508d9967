//! Process-wide secret scrubbing: the last line of defence between a secret and
//! any text that leaves the process (log lines, error messages, panics).
//!
//! Secrets are registered once, right after configuration is loaded. The log
//! writer, the top-level error printer and the panic hook pass their text
//! through [`scrub`]. Code is still expected never to format a secret; this
//! catches the mistake a dependency or a future change might make.

use std::io::{self, Write};
use std::sync::{OnceLock, RwLock};

static SECRETS: OnceLock<RwLock<Vec<String>>> = OnceLock::new();

fn secrets() -> &'static RwLock<Vec<String>> {
    SECRETS.get_or_init(|| RwLock::new(Vec::new()))
}

/// Adds values that must never be shown, each in every form it could be
/// printed in: raw, JSON-escaped, URL-encoded (percent and form), base64
/// (standard and URL-safe, padded or not) and, for 0x-prefixed hex keys,
/// without the prefix. Values shorter than 4 bytes are ignored (they would
/// mangle ordinary text and protect nothing).
pub fn register<I: IntoIterator<Item = String>>(values: I) {
    let mut guard = secrets().write().unwrap_or_else(|e| e.into_inner());
    for value in values {
        if value.len() < 4 {
            continue;
        }
        for form in forms(&value) {
            if form.len() >= 4 && !guard.contains(&form) {
                guard.push(form);
            }
        }
    }
    // Longest first, so a URL is replaced whole before its password alone.
    guard.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// The ways `value` can appear in text.
fn forms(value: &str) -> Vec<String> {
    use base64::Engine as _;
    let mut out = vec![value.to_owned()];
    if let Some(bare) = value.strip_prefix("0x") {
        if bare.len() >= 16 {
            out.push(bare.to_owned());
        }
    }
    let json = serde_json::to_string(value).unwrap_or_default();
    out.push(json.trim_matches('"').to_owned());
    out.push(percent_encode(value));
    out.push(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    for engine in engines {
        out.push(engine.encode(value.as_bytes()));
    }
    out.dedup();
    out
}

/// RFC 3986 percent-encoding: everything but the unreserved characters.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The text with every registered secret replaced by `[redacted]`.
pub fn scrub(text: &str) -> String {
    let guard = secrets().read().unwrap_or_else(|e| e.into_inner());
    let mut out = text.to_owned();
    for secret in guard.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), "[redacted]");
        }
    }
    out
}

/// A writer that scrubs every buffer before passing it on. The tracing
/// formatter writes one whole event per call, so a secret is never split
/// across two writes.
#[derive(Debug)]
pub struct ScrubbingWriter<W>(pub W);

impl<W: Write> Write for ScrubbingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => {
                self.0.write_all(scrub(text).as_bytes())?;
                Ok(buf.len())
            },
            Err(_) => self.0.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A panic's message (its `&str` or `String` payload), scrubbed.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-text panic payload)".to_owned());
    scrub(&text)
}

/// Installs a panic hook that scrubs the panic message before printing it.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = panic_message(info.payload());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(panic = %message, "panic{location}");
        eprintln!("ploy panicked{location}: {message}");
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_registered_values_with_and_without_prefix() {
        register(["0x1111222233334444555566667777888899990000aaaabbbbccccddddeeeeffff".to_owned()]);
        let text = "key=0x1111222233334444555566667777888899990000aaaabbbbccccddddeeeeffff raw=1111222233334444555566667777888899990000aaaabbbbccccddddeeeeffff";
        let out = scrub(text);
        assert_eq!(out, "key=[redacted] raw=[redacted]");
    }

    #[test]
    fn every_form_of_a_secret_is_scrubbed() {
        use base64::Engine as _;
        let secret = "pa\"ss\\phr/ase+=";
        register([secret.to_owned()]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
        let b64url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
        for form in [
            secret.to_owned(),
            "pa\\\"ss\\\\phr/ase+=".to_owned(),
            "pa%22ss%5Cphr%2Fase%2B%3D".to_owned(),
            b64,
            b64url,
        ] {
            let text = format!("before {form} after");
            assert_eq!(scrub(&text), "before [redacted] after", "{form}");
        }
        // The JSON a log line holds, escaped as serde_json writes it.
        let line = serde_json::json!({ "message": format!("got {secret}") }).to_string();
        assert_eq!(scrub(&line), r#"{"message":"got [redacted]"}"#, "{line}");
    }

    #[test]
    fn writer_scrubs() {
        register(["hunter2-password".to_owned()]);
        let mut w = ScrubbingWriter(Vec::new());
        w.write_all(b"connecting with hunter2-password\n").unwrap();
        assert_eq!(
            String::from_utf8(w.0).unwrap(),
            "connecting with [redacted]\n"
        );
    }
}
