//! What ployctl does on a host, as pure functions: the folder layout, the shell
//! scripts that change it, and the parsers of what those scripts print. The
//! scripts are POSIX `sh` (plus `mv -T`, `readlink` and `/proc`, as on every
//! Linux host); tests compare them by string and run them on real hosts.
//!
//! A deploy is four scripts (`phases`): prepare (lock, preflight, the host's
//! state), upload (stream, verify, check-config, place), activate (arm the
//! guard, switch, restart) and confirm (ledger, prune, audit, unlock). The
//! `guard` runs on the host by itself and rolls back what ployctl never
//! confirmed; the `ledger` says which releases are good, bad or unproven.

pub mod audit;
pub mod backup;
pub mod bootstrap;
pub mod checks;
pub mod config_files;
pub mod disk;
pub mod guard;
pub mod layout;
pub mod ledger;
pub mod lock;
pub mod maintenance;
pub mod phases;
pub mod prelude;
pub mod release;
pub mod service;
pub mod state;

use std::collections::BTreeMap;

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
pub fn key_values(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Text a host-side script may put inside a JSON string or a `key=value` line
/// as it is: quotes, backslashes and control characters become plain ones.
pub fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | '`' => out.push('\''),
            '\\' => out.push('/'),
            '\n' => out.push_str("; "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// What a phase script printed: `key=value` lines (a key may repeat) and
/// blocks of raw lines between `begin:NAME` and `end:NAME`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptOutput {
    values: Vec<(String, String)>,
    blocks: BTreeMap<String, Vec<String>>,
}

impl ScriptOutput {
    /// Parses a script's stdout.
    pub fn parse(text: &str) -> Self {
        let mut out = Self::default();
        let mut block: Option<(String, Vec<String>)> = None;
        for line in text.lines() {
            if let Some((name, lines)) = &mut block {
                if line.strip_prefix("end:") == Some(name.as_str()) {
                    let (name, lines) = block.take().expect("open block");
                    out.blocks.insert(name, lines);
                } else {
                    lines.push(line.to_owned());
                }
                continue;
            }
            if let Some(name) = line.strip_prefix("begin:") {
                block = Some((name.to_owned(), Vec::new()));
            } else if let Some((k, v)) = line.split_once('=') {
                out.values.push((k.to_owned(), v.to_owned()));
            }
        }
        if let Some((name, lines)) = block {
            out.blocks.insert(name, lines);
        }
        out
    }

    /// The last value of `key`, when present and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Every value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.values
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// `(key without prefix, value)` of every key starting with `prefix`.
    pub fn keys_with_prefix(&self, prefix: &str) -> Vec<(&str, &str)> {
        self.values
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(prefix).map(|k| (k, v.as_str())))
            .collect()
    }

    /// A number.
    pub fn number(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(|v| v.trim().parse().ok())
    }

    /// A block's lines (empty when absent).
    pub fn block(&self, name: &str) -> &[String] {
        self.blocks.get(name).map_or(&[], Vec::as_slice)
    }

    /// A block's lines that are not blank.
    pub fn block_lines(&self, name: &str) -> Vec<String> {
        self.block(name)
            .iter()
            .filter(|l| !l.trim().is_empty())
            .cloned()
            .collect()
    }
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

    #[test]
    fn script_output_values_and_blocks() {
        let out = ScriptOutput::parse(
            "a=1\nb=x=y\nnoise\na=2\nbegin:log\nline one\nk=v inside\nend:log\nempty=\n",
        );
        assert_eq!(out.get("a"), Some("2"));
        assert_eq!(out.all("a"), ["1", "2"]);
        assert_eq!(out.get("b"), Some("x=y"));
        assert_eq!(out.get("empty"), None);
        assert_eq!(out.block("log"), ["line one", "k=v inside"]);
        assert!(out.block("none").is_empty());
        let blank = ScriptOutput::parse("begin:b\n\n  \nkept\nend:b\n");
        assert_eq!(blank.block_lines("b"), ["kept"]);
        assert_eq!(out.get("k"), None, "a block's lines are not values");
    }

    #[test]
    fn plain_text_is_safe_in_json_and_sh() {
        assert_eq!(plain_text("a \"b\" c\\d\ne\t`x`"), "a 'b' c/d; e 'x'");
    }
}
