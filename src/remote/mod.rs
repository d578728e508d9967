//! What ployctl does on a host, as pure functions: the folder layout, the shell
//! scripts that change it, and the parsers of what those scripts print. The
//! scripts are POSIX `sh`; tests compare them by string.

pub mod audit;
pub mod layout;
pub mod lock;
pub mod release;
pub mod service;

/// Quotes `text` for POSIX `sh` (single quotes; `'` becomes `'\''`).
pub fn quote(text: &str) -> String {
    if !text.is_empty()
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '/' | '.' | '_' | '-' | '+' | ':' | '=' | '@' | ',')
        })
    {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Parses `key=value` lines (later keys win; other lines are ignored).
pub fn key_values(text: &str) -> std::collections::BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("/opt/ploy/releases"), "/opt/ploy/releases");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }
}
