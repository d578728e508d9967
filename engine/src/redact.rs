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

/// Adds values that must never be shown. Values shorter than 4 bytes are
/// ignored (they would mangle ordinary text and protect nothing).
pub fn register<I: IntoIterator<Item = String>>(values: I) {
    let mut guard = secrets().write().unwrap_or_else(|e| e.into_inner());
    for value in values {
        if value.len() >= 4 && !guard.contains(&value) {
            guard.push(value);
        }
    }
    // Longest first, so a URL is replaced whole before its password alone.
    guard.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// The text with every registered secret replaced by `[redacted]`.
pub fn scrub(text: &str) -> String {
    let guard = secrets().read().unwrap_or_else(|e| e.into_inner());
    let mut out = text.to_owned();
    for secret in guard.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), "[redacted]");
        }
        // Hex keys are also written without their 0x prefix.
        if let Some(bare) = secret.strip_prefix("0x") {
            if bare.len() >= 16 && out.contains(bare) {
                out = out.replace(bare, "[redacted]");
            }
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

/// Installs a panic hook that scrubs the panic message before printing it.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(non-text panic payload)".to_owned());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = scrub(&payload);
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
