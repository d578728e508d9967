//! The spanned TOML tree: where a span is (file:line:col, or the environment
//! variable of an override), grafting `PLOY_<SECTION>__<KEY>` overrides onto
//! the tree, and finding and pruning the entry a deserialization error names.

use std::ops::Range;
use std::path::PathBuf;

use toml::de::{DeString, DeTable, DeValue};
use toml::Spanned;

use crate::config::env::Env;
use crate::config::problem::Origin;

/// Maps spans to places: in the file, or past its end, to an environment variable.
pub(super) struct Locator<'a> {
    pub(super) source: &'a str,
    pub(super) file: PathBuf,
    /// Environment overrides, in the order their sentinel spans were handed out.
    pub(super) overrides: Vec<String>,
}

impl Locator<'_> {
    pub(super) fn origin(&self, span: &Range<usize>) -> Origin {
        if span.start > self.source.len() {
            let index = span.start - self.source.len() - 1;
            return match self.overrides.get(index) {
                Some(var) => Origin::Env(var.clone()),
                None => Origin::Nowhere,
            };
        }
        let before = &self.source[..span.start.min(self.source.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Origin::File {
            path: self.file.clone(),
            line,
            column,
        }
    }

    pub(super) fn sentinel(&mut self, var: &str) -> Range<usize> {
        let start = self.source.len() + 1 + self.overrides.len();
        self.overrides.push(var.to_owned());
        start..start + 1
    }

    /// Where a dotted key was set: its value's span, else the environment or nowhere.
    pub(super) fn origin_of(&self, table: &DeTable<'_>, keys: &[&str]) -> Origin {
        match lookup(table, keys) {
            Some(span) => self.origin(&span),
            None => Origin::Nowhere,
        }
    }
}

pub(super) fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

/// Turns `PLOY_MODE` and `PLOY_<SECTION>__<KEY>` variables into entries of the tree.
pub(super) fn apply_env_overrides<'i>(
    table: &mut DeTable<'i>,
    env: &'i Env,
    locator: &mut Locator<'_>,
) {
    for (name, value) in env.iter() {
        let Some(rest) = name.strip_prefix("PLOY_") else {
            continue;
        };
        let path: Vec<String> = if rest == "MODE" {
            vec!["mode".to_owned()]
        } else if rest.contains("__") {
            rest.split("__").map(str::to_ascii_lowercase).collect()
        } else {
            continue;
        };
        let span = locator.sentinel(name);
        let value = respan(env_value(value), &span);
        insert_path(table, &path, Spanned::new(span, value));
    }
}

/// An override's value: booleans, plain numbers and `[arrays]` are TOML; anything
/// else (addresses, URLs, durations, token IDs) is a string.
pub(super) fn env_value(raw: &str) -> DeValue<'_> {
    let trimmed = raw.trim();
    let numeric = {
        let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
        !digits.is_empty()
            && digits.len() <= 15
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
            && digits.matches('.').count() <= 1
            && !digits.starts_with('.')
            && !digits.ends_with('.')
    };
    if trimmed == "true" || trimmed == "false" || numeric || trimmed.starts_with('[') {
        if let Ok(parsed) = DeValue::parse(trimmed) {
            // Spans inside a parsed override point into the variable, not the
            // file; errors inside it are reported against the whole variable.
            return parsed.into_inner();
        }
    }
    DeValue::String(DeString::Owned(raw.to_owned()))
}

/// Points every span inside a parsed override at the override's sentinel, so an
/// error anywhere inside it is reported against the variable, not the file.
pub(super) fn respan<'i>(value: DeValue<'i>, span: &Range<usize>) -> DeValue<'i> {
    match value {
        DeValue::Array(items) => {
            let mut out = toml::de::DeArray::new();
            for item in items {
                out.push(Spanned::new(span.clone(), respan(item.into_inner(), span)));
            }
            DeValue::Array(out)
        },
        DeValue::Table(entries) => DeValue::Table(
            entries
                .into_iter()
                .map(|(k, v)| {
                    (
                        Spanned::new(span.clone(), k.into_inner()),
                        Spanned::new(span.clone(), respan(v.into_inner(), span)),
                    )
                })
                .collect(),
        ),
        scalar => scalar,
    }
}

pub(super) fn insert_path<'i>(
    table: &mut DeTable<'i>,
    path: &[String],
    value: Spanned<DeValue<'i>>,
) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let span = value.span();
    let mut current = table;
    for key in parents {
        let entry = current
            .entry(Spanned::new(span.clone(), DeString::Owned(key.clone())))
            .or_insert_with(|| Spanned::new(span.clone(), DeValue::Table(DeTable::new())));
        if !matches!(entry.get_ref(), DeValue::Table(_)) {
            *entry = Spanned::new(span.clone(), DeValue::Table(DeTable::new()));
        }
        let DeValue::Table(next) = entry.get_mut() else {
            unreachable!("just made a table")
        };
        current = next;
    }
    let key = Spanned::new(span, DeString::Owned(last.clone()));
    current.remove(last.as_str());
    current.insert(key, value);
}

/// One step of a path into the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

pub(super) fn display_path(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            },
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

pub(super) fn covers(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end.max(outer.start + 1)
}

/// The deepest entry whose key or value covers `span`.
pub(super) fn find_entry(table: &DeTable<'_>, span: &Range<usize>) -> Option<Vec<Step>> {
    for (key, value) in table.iter() {
        let step = Step::Key(key.get_ref().to_string());
        if let Some(mut rest) = find_in_value(value, span) {
            rest.insert(0, step);
            return Some(rest);
        }
        if covers(&key.span(), span) || covers(&value.span(), span) {
            return Some(vec![step]);
        }
    }
    None
}

pub(super) fn find_in_value(
    value: &Spanned<DeValue<'_>>,
    span: &Range<usize>,
) -> Option<Vec<Step>> {
    match value.get_ref() {
        DeValue::Table(inner) => find_entry(inner, span),
        DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            if let Some(mut rest) = find_in_value(item, span) {
                rest.insert(0, Step::Index(i));
                return Some(rest);
            }
            covers(&item.span(), span).then(|| vec![Step::Index(i)])
        }),
        _ => None,
    }
}

pub(super) fn remove_entry(table: &mut DeTable<'_>, path: &[Step]) -> bool {
    match path {
        [Step::Key(k)] => table.remove(k.as_str()).is_some(),
        [Step::Key(k), rest @ ..] => match table.get_mut(k.as_str()).map(Spanned::get_mut) {
            Some(DeValue::Table(inner)) => remove_entry(inner, rest),
            Some(DeValue::Array(items)) => remove_in_array(items, rest),
            _ => false,
        },
        _ => false,
    }
}

pub(super) fn remove_in_array(items: &mut toml::de::DeArray<'_>, path: &[Step]) -> bool {
    match path {
        [Step::Index(i)] if *i < items.len() => {
            // DeArray has no remove; rebuild without the element.
            let kept: Vec<_> = items
                .iter()
                .enumerate()
                .filter(|(j, _)| j != i)
                .map(|(_, v)| v.clone())
                .collect();
            *items = toml::de::DeArray::new();
            for v in kept {
                items.push(v);
            }
            true
        },
        [Step::Index(i), rest @ ..] => match items.get_mut(*i).map(Spanned::get_mut) {
            Some(DeValue::Table(inner)) => remove_entry(inner, rest),
            Some(DeValue::Array(inner)) => remove_in_array(inner, rest),
            _ => false,
        },
        _ => false,
    }
}

/// The value span of a dotted key, if it was written.
pub(super) fn lookup(table: &DeTable<'_>, keys: &[&str]) -> Option<Range<usize>> {
    let (first, rest) = keys.split_first()?;
    let value = table.get(*first)?;
    if rest.is_empty() {
        return Some(value.span());
    }
    match value.get_ref() {
        DeValue::Table(inner) => lookup(inner, rest),
        _ => None,
    }
}

pub(super) fn hint_for(message: &str, key: Option<&str>) -> Option<String> {
    if message.starts_with("unknown field") {
        let field = key.unwrap_or("").rsplit('.').next().unwrap_or("");
        let secretish = ["key", "secret", "passphrase", "password"]
            .iter()
            .any(|w| field.to_ascii_lowercase().contains(w));
        if secretish {
            return Some(
                "secrets are read only from the environment: set POLYMARKET_PRIVATE_KEY, \
                 POLYMARKET_API_KEY, POLYMARKET_SECRET, POLYMARKET_PASSPHRASE or DATABASE_URL \
                 (or put them in .env) and remove this line"
                    .to_owned(),
            );
        }
        return Some(
            "remove the key or fix its spelling; the message lists the keys this section accepts"
                .to_owned(),
        );
    }
    if message.starts_with("unknown variant") {
        return Some("use one of the listed values".to_owned());
    }
    if message.starts_with("invalid type") {
        return Some("write the value with the expected type (strings in quotes)".to_owned());
    }
    if message.starts_with("invalid duration") {
        return Some("write a number and a unit, e.g. \"10s\", \"250ms\", \"2m\"".to_owned());
    }
    if message.contains("socket address") {
        return Some("write host:port, e.g. \"127.0.0.1:8080\"".to_owned());
    }
    if message.contains("URL") || message.contains("relative URL") {
        return Some("write an absolute URL, e.g. \"https://clob.polymarket.com\"".to_owned());
    }
    None
}
