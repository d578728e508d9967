//! The engine's log lines, as `ployctl logs` shows them: a JSON line
//! (`PLOY_JSON_LOGS=true`) rendered like the text format, the level read from
//! either, and the filters (`--level`, `--grep`). Pure; the command streams.

use crate::cli::LevelArg;

/// A line's level, when it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// ERROR (and panics).
    Error,
    /// WARN.
    Warn,
    /// INFO.
    Info,
    /// DEBUG.
    Debug,
    /// TRACE.
    Trace,
}

impl Level {
    fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "ERROR" => Some(Level::Error),
            "WARN" | "WARNING" => Some(Level::Warn),
            "INFO" => Some(Level::Info),
            "DEBUG" => Some(Level::Debug),
            "TRACE" => Some(Level::Trace),
            _ => None,
        }
    }

    fn from_arg(arg: LevelArg) -> Self {
        match arg {
            LevelArg::Error => Level::Error,
            LevelArg::Warn => Level::Warn,
            LevelArg::Info => Level::Info,
            LevelArg::Debug => Level::Debug,
            LevelArg::Trace => Level::Trace,
        }
    }
}

/// One line read: how to show it and its level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// The line to print.
    pub text: String,
    /// Its level (a panic counts as an error; other lines have none).
    pub level: Option<Level>,
}

/// Reads one line; `raw` keeps a JSON line as it is.
pub fn parse(line: &str, raw: bool) -> LogLine {
    let trimmed = line.trim_end_matches(['\r', '\n']);
    if trimmed.trim_start().starts_with('{') {
        if let Ok(serde_json::Value::Object(map)) =
            serde_json::from_str::<serde_json::Value>(trimmed)
        {
            let level = map
                .get("level")
                .and_then(|v| v.as_str())
                .and_then(Level::parse);
            let text = if raw {
                trimmed.to_owned()
            } else {
                render_json(&map)
            };
            return LogLine { text, level };
        }
    }
    let mut words = trimmed.split_whitespace();
    let level = match (words.next(), words.next()) {
        (Some(ts), Some(level)) if looks_like_time(ts) => Level::parse(level),
        _ => None,
    }
    .or_else(|| trimmed.contains("panicked at").then_some(Level::Error));
    LogLine {
        text: strip_controls(trimmed),
        level,
    }
}

fn looks_like_time(text: &str) -> bool {
    text.len() >= 19
        && text.as_bytes().get(4) == Some(&b'-')
        && text.as_bytes().get(10) == Some(&b'T')
}

/// A JSON log line the way the text format writes it:
/// `TIME LEVEL target: message key=value …`.
fn render_json(map: &serde_json::Map<String, serde_json::Value>) -> String {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = String::new();
    if let Some(ts) = map.get("timestamp") {
        out.push_str(&text(ts));
        out.push(' ');
    }
    if let Some(level) = map.get("level") {
        out.push_str(&format!("{:>5} ", text(level)));
    }
    if let Some(target) = map.get("target") {
        out.push_str(&text(target));
        out.push_str(": ");
    }
    let fields = map.get("fields").and_then(|f| f.as_object());
    if let Some(message) = fields
        .and_then(|f| f.get("message"))
        .or_else(|| map.get("message"))
    {
        out.push_str(&text(message));
    }
    if let Some(fields) = fields {
        for (k, v) in fields {
            if k != "message" {
                out.push_str(&format!(" {k}={}", text(v)));
            }
        }
    }
    for (k, v) in map {
        if !matches!(
            k.as_str(),
            "timestamp" | "level" | "target" | "fields" | "message"
        ) {
            out.push_str(&format!(" {k}={}", text(v)));
        }
    }
    strip_controls(out.trim_end())
}

/// Control characters (terminal escapes) become spaces, so a log line cannot
/// drive the operator's terminal.
fn strip_controls(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect()
}

/// Which lines to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// This level and more severe.
    pub level: Option<LevelArg>,
    /// Lines containing this text.
    pub grep: Option<String>,
}

impl Filter {
    /// Whether `line` passes. With a level, lines without one are dropped.
    pub fn keeps(&self, line: &LogLine) -> bool {
        if let Some(min) = self.level {
            match line.level {
                Some(level) if level <= Level::from_arg(min) => {},
                _ => return false,
            }
        }
        self.grep.as_deref().is_none_or(|g| line.text.contains(g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_render_like_text_and_keep_their_level() {
        let line = r#"{"timestamp":"2026-11-28T05:50:59.1Z","level":"ERROR","fields":{"message":"post failed","status":503},"target":"ploy::execution"}"#;
        let parsed = parse(line, false);
        assert_eq!(
            parsed.text,
            "2026-11-28T05:50:59.1Z ERROR ploy::execution: post failed status=503"
        );
        assert_eq!(parsed.level, Some(Level::Error));
        assert_eq!(parse(line, true).text, line);
    }

    #[test]
    fn text_lines_and_panics() {
        let info = parse(
            "2026-11-28T05:50:59.123456Z  INFO ploy::service: starting ploy",
            false,
        );
        assert_eq!(info.level, Some(Level::Info));
        let panic = parse("thread 'main' panicked at src/x.rs:1:1:", false);
        assert_eq!(panic.level, Some(Level::Error));
        assert_eq!(parse("  continuation", false).level, None);
        assert_eq!(
            parse("a\u{1b}[2Jb", false).text,
            "a [2Jb",
            "no terminal escapes"
        );
    }

    #[test]
    fn filters() {
        let error = parse("2026-11-28T05:50:59Z ERROR x: boom", false);
        let info = parse("2026-11-28T05:50:59Z  INFO x: fine", false);
        let bare = parse("no level here", false);
        let warn_up = Filter {
            level: Some(LevelArg::Warn),
            grep: None,
        };
        assert!(warn_up.keeps(&error) && !warn_up.keeps(&info) && !warn_up.keeps(&bare));
        let grep = Filter {
            level: None,
            grep: Some("fine".into()),
        };
        assert!(grep.keeps(&info) && !grep.keeps(&error));
        assert!(Filter::default().keeps(&bare));
    }
}
