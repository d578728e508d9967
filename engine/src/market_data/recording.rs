//! Recorded sessions: one market-channel message per line, with the time it
//! was received, `{"recv_ms": <ms>, "msg": <message>}`. `ploy record` writes
//! them; `ploy replay` and `market_data.source = "recording"` read them.

use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::event::{parse_message, MarketEvent};

/// One recorded line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedMessage {
    /// Local receive time (Unix ms): the historical clock of a replay.
    pub recv_ms: i64,
    /// The message, verbatim.
    pub msg: serde_json::Value,
}

/// A recording that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    /// The file.
    #[error("cannot read the recording {path}: {source}")]
    Io {
        /// Path.
        path: String,
        /// Error.
        source: std::io::Error,
    },
    /// A line.
    #[error("{path}:{line}: {message}")]
    Line {
        /// Path.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Every event of a recording, with its receive time, in file order.
pub fn load(path: &Path) -> Result<Vec<(i64, MarketEvent)>, RecordingError> {
    let display = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| RecordingError::Io {
        path: display.clone(),
        source,
    })?;
    let mut out = Vec::new();
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| RecordingError::Io {
            path: display.clone(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| RecordingError::Line {
            path: display.clone(),
            line: index + 1,
            message,
        };
        let recorded: RecordedMessage =
            serde_json::from_str(&line).map_err(|e| bad(format!("not a recorded message: {e}")))?;
        let events = parse_message(&recorded.msg).map_err(|e| bad(e.to_string()))?;
        out.extend(events.into_iter().map(|e| (recorded.recv_ms, e)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_recording_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/sample.jsonl");
        let events = load(&path).unwrap();
        assert!(events.len() > 400, "{}", events.len());
        assert!(
            events.windows(2).all(|w| w[0].0 <= w[1].0),
            "receive times never go back"
        );
        assert!(matches!(events[0].1, MarketEvent::Book { .. }));
    }

    #[test]
    fn a_bad_line_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        std::fs::write(&path, "{\"recv_ms\":1,\"msg\":{}}\nnot json\n").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("r.jsonl:2: not a recorded message"), "{err}");
    }
}
