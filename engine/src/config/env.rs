//! The environment as configuration sees it: the process environment over an
//! optional `.env` file, held as a plain map so tests never touch the real one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::problem::{Origin, Problem};

/// Environment variables, each remembering whether it came from `.env`.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, (String, Option<PathBuf>)>,
}

impl Env {
    /// An empty environment.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The current process environment (variables that are not UTF-8 are skipped).
    pub fn from_process() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, (v.into_string().ok()?, None))))
            .collect();
        Self { vars }
    }

    /// Builds an environment from pairs (tests, embedding).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let vars = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), (v.into(), None)))
            .collect();
        Self { vars }
    }

    /// A variable's value; empty values count as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|(v, _)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Where a variable came from: the `.env` file that set it, or the process.
    pub fn origin(&self, name: &str) -> Origin {
        match self.vars.get(name) {
            Some((_, Some(file))) => Origin::Env(format!("{name} (from {})", file.display())),
            _ => Origin::Env(name.to_owned()),
        }
    }

    /// Every variable, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, (v, _))| (k.as_str(), v.as_str()))
    }

    /// Adds the variables of a `.env` file underneath the ones already set (the
    /// process environment wins). A missing file is fine; a malformed line is a
    /// problem that names the line but never echoes its value.
    pub fn with_dotenv(mut self, path: &Path) -> Result<Self, Vec<Problem>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(self),
            Err(e) => {
                return Err(vec![Problem::new(
                    Origin::WholeFile(path.to_owned()),
                    format!("cannot read: {e}"),
                )
                .hint("fix the file's permissions or remove it")])
            },
        };
        let mut problems = Vec::new();
        for (index, line) in text.lines().enumerate() {
            match parse_dotenv_line(line) {
                Ok(None) => {},
                Ok(Some((key, value))) => {
                    self.vars
                        .entry(key.to_owned())
                        .or_insert_with(|| (value, Some(path.to_owned())));
                },
                Err(message) => problems.push(
                    Problem::new(
                        Origin::File {
                            path: path.to_owned(),
                            line: index + 1,
                            column: 1,
                        },
                        message,
                    )
                    .hint("write one KEY=value per line; quote values with spaces"),
                ),
            }
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }
}

/// Parses one `.env` line: blank and `#` lines are skipped, `export ` is
/// allowed, values may be single- or double-quoted. Errors never echo the value.
fn parse_dotenv_line(line: &str) -> Result<Option<(&str, String)>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let Some((key, raw)) = line.split_once('=') else {
        return Err("expected KEY=value".to_owned());
    };
    let key = key.trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        || key.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err("invalid variable name (letters, digits and _ only)".to_owned());
    }
    let raw = raw.trim();
    let value = if let Some(inner) = raw.strip_prefix('"') {
        let Some(inner) = inner.strip_suffix('"') else {
            return Err(format!("unterminated double quote in the value of {key}"));
        };
        inner
            .replace("\\n", "\n")
            .replace("\\\"", "\"")
            .replace("\\\\", "\\")
    } else if let Some(inner) = raw.strip_prefix('\'') {
        let Some(inner) = inner.strip_suffix('\'') else {
            return Err(format!("unterminated single quote in the value of {key}"));
        };
        inner.to_owned()
    } else {
        // Unquoted: a ` #` starts a comment.
        raw.split(" #").next().unwrap_or("").trim_end().to_owned()
    };
    Ok(Some((key, value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_lines() {
        assert_eq!(parse_dotenv_line("  # comment").unwrap(), None);
        assert_eq!(parse_dotenv_line("").unwrap(), None);
        assert_eq!(
            parse_dotenv_line("export A=b # note").unwrap(),
            Some(("A", "b".to_owned()))
        );
        assert_eq!(
            parse_dotenv_line("A=\"x y\\n\"").unwrap(),
            Some(("A", "x y\n".to_owned()))
        );
        assert_eq!(
            parse_dotenv_line("A='$raw'").unwrap(),
            Some(("A", "$raw".to_owned()))
        );
        let err = parse_dotenv_line("POLYMARKET_SECRET=\"s3cr3t").unwrap_err();
        assert!(!err.contains("s3cr3t"), "{err}");
        assert!(parse_dotenv_line("no equals sign").is_err());
    }

    #[test]
    fn process_env_wins_over_dotenv() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".env");
        std::fs::write(&file, "A=from-file\nB=from-file\n").unwrap();
        let env = Env::from_pairs([("A", "from-process")])
            .with_dotenv(&file)
            .unwrap();
        assert_eq!(env.get("A"), Some("from-process"));
        assert_eq!(env.get("B"), Some("from-file"));
        assert!(matches!(env.origin("B"), Origin::Env(s) if s.contains(".env")));
    }
}
