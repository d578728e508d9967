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

/// A line of a recording that was skipped: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedLine {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub why: String,
}

/// A recording as read: its good lines (each with its parsed events) and
/// the lines skipped. `ploy run` and `ploy replay` read it the same way.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    /// The file.
    pub path: String,
    /// Good lines, in file order, with their events.
    pub lines: Vec<(RecordedMessage, Vec<MarketEvent>)>,
    /// Bad lines, skipped.
    pub skipped: Vec<SkippedLine>,
}

impl Recording {
    /// Every event with its receive time, in file order.
    pub fn events(&self) -> Vec<(i64, MarketEvent)> {
        self.lines
            .iter()
            .flat_map(|(m, events)| events.iter().map(|e| (m.recv_ms, e.clone())))
            .collect()
    }

    /// Each market's two outcome tokens, as the messages name them
    /// (`market` beside `asset_id`): they match across each other in the
    /// paper exchange.
    pub fn complements(&self) -> Vec<(crate::orders::TokenId, crate::orders::TokenId)> {
        let mut by_market: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            std::collections::BTreeMap::new();
        let mut note = |v: &serde_json::Value| {
            if let (Some(m), Some(a)) = (v["market"].as_str(), v["asset_id"].as_str()) {
                by_market
                    .entry(m.to_owned())
                    .or_default()
                    .insert(a.to_owned());
            }
        };
        for (m, _) in &self.lines {
            match &m.msg {
                serde_json::Value::Array(items) => items.iter().for_each(&mut note),
                other => note(other),
            }
        }
        by_market
            .into_values()
            .filter(|tokens| tokens.len() == 2)
            .map(|tokens| {
                let mut it = tokens.into_iter();
                let a = it.next().expect("two");
                let b = it.next().expect("two");
                (a.as_str().into(), b.as_str().into())
            })
            .collect()
    }

    /// The skipped lines in one sentence, or `None` when there are none.
    pub fn skipped_summary(&self) -> Option<String> {
        let first = self.skipped.first()?;
        Some(format!(
            "skipped {} bad line(s) of {} (the first, {}:{}: {}); --strict (ploy replay) or market_data.recording_strict = true (ploy run) refuses them",
            self.skipped.len(),
            self.path,
            self.path,
            first.line,
            first.why
        ))
    }
}

/// Reads a recording. A line that is not a recorded message, or whose
/// message is not a market message, is skipped and listed; with `strict`
/// it is an error naming file and line.
pub fn read(path: &Path, strict: bool) -> Result<Recording, RecordingError> {
    let display = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| RecordingError::Io {
        path: display.clone(),
        source,
    })?;
    let mut out = Recording {
        path: display.clone(),
        ..Recording::default()
    };
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = match line {
            Ok(line) => line,
            // Not UTF-8: a bad line like any other.
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                out.skipped.push(SkippedLine {
                    line: index + 1,
                    why: "not UTF-8 text".to_owned(),
                });
                if strict {
                    break;
                }
                continue;
            },
            Err(source) => {
                return Err(RecordingError::Io {
                    path: display,
                    source,
                })
            },
        };
        if line.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<RecordedMessage>(&line)
            .map_err(|e| format!("not a recorded message: {e}"))
            .and_then(|recorded| {
                parse_message(&recorded.msg)
                    .map(|events| (recorded, events))
                    .map_err(|e| e.to_string())
            });
        match parsed {
            Ok(good) => out.lines.push(good),
            Err(why) => {
                out.skipped.push(SkippedLine {
                    line: index + 1,
                    why,
                });
                if strict {
                    break;
                }
            },
        }
    }
    if strict {
        if let Some(first) = out.skipped.first() {
            return Err(RecordingError::Line {
                path: display,
                line: first.line,
                message: first.why.clone(),
            });
        }
    }
    Ok(out)
}

/// Every event of a recording, with its receive time, in file order; the
/// first bad line is an error (`read(path, true)`).
pub fn load(path: &Path) -> Result<Vec<(i64, MarketEvent)>, RecordingError> {
    Ok(read(path, true)?.events())
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
    fn bad_lines_are_skipped_and_counted_or_refused_when_strict() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let good = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/sample.jsonl"),
        )
        .unwrap();
        let mut lines: Vec<&str> = good.lines().take(5).collect();
        let truncated = &lines[2][..lines[2].len() / 2];
        lines[2] = truncated;
        lines.insert(4, "{\"recv_ms\": 5, \"msg\": {\"event_type\": \"book\"}}");
        std::fs::write(&path, lines.join("\n")).unwrap();
        let read_back = read(&path, false).unwrap();
        assert_eq!(read_back.lines.len(), 4);
        assert_eq!(
            read_back.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
            [3, 5]
        );
        let summary = read_back.skipped_summary().unwrap();
        assert!(summary.starts_with("skipped 2 bad line(s)"), "{summary}");
        assert!(
            summary.contains("r.jsonl:3: not a recorded message"),
            "{summary}"
        );
        let err = read(&path, true).unwrap_err().to_string();
        assert!(err.contains("r.jsonl:3: not a recorded message"), "{err}");
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
