//! Logging: `tracing` to stderr, filtered by `RUST_LOG` (default `info,ploy=debug`),
//! human-readable or JSON (`PLOY_JSON_LOGS=true`), every line scrubbed of secrets.

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::redact::ScrubbingWriter;

/// The filter used when `RUST_LOG` is unset.
pub const DEFAULT_FILTER: &str = "info,ploy=debug";

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event.
    Human,
    /// One JSON object per event, with target, thread ids, file and line.
    Json,
}

impl LogFormat {
    /// `Json` when `PLOY_JSON_LOGS` is `true`/`1`/`yes`.
    pub fn from_env() -> Self {
        match std::env::var("PLOY_JSON_LOGS").map(|v| v.to_ascii_lowercase()) {
            Ok(v) if matches!(v.as_str(), "true" | "1" | "yes" | "on") => LogFormat::Json,
            _ => LogFormat::Human,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct StderrScrubbed;

impl<'a> MakeWriter<'a> for StderrScrubbed {
    type Writer = ScrubbingWriter<std::io::Stderr>;

    fn make_writer(&'a self) -> Self::Writer {
        ScrubbingWriter(std::io::stderr())
    }
}

/// Installs the global subscriber. Safe to call more than once (later calls
/// are ignored), so tests and subcommands need not coordinate.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(StderrScrubbed)
        .with_target(true);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_thread_ids(true)
            .with_thread_names(true)
            .with_file(true)
            .with_line_number(true)
            .try_init(),
        LogFormat::Human => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}
