//! Finding, reading and checking the configuration, reporting every problem at once.
//!
//! The file is parsed into a spanned TOML tree, environment overrides are grafted
//! onto it (with spans that point past the end of the file, so a bad override is
//! reported against its variable), and the typed [`Config`] is deserialized. A
//! failed deserialization stops at the first error, so the offending entry is
//! recorded, pruned from the tree and the rest deserialized again, until the tree
//! is clean. Semantic checks (URLs, limits, live-mode keys) then add their own
//! problems, located by key.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::{DeString, DeTable, DeValue};
use toml::Spanned;

use super::env::Env;
use super::problem::{ConfigError, Origin, Problem};
use super::secret::{DatabaseUrl, Secret};
use super::types::{Config, MarketDataSource, Mode, Secrets, SignatureType};
use super::{DEFAULT_DATABASE_URL, HOST_CONFIG_PATH};

/// Which config file to read, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigPath {
    /// Named by `--config` or `PLOY_CONFIG`: it must exist.
    Explicit(PathBuf),
    /// Found at a default location.
    Discovered(PathBuf),
    /// No file: built-in defaults plus the environment.
    Defaults,
}

impl ConfigPath {
    /// The file, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigPath::Explicit(p) | ConfigPath::Discovered(p) => Some(p),
            ConfigPath::Defaults => None,
        }
    }
}

/// Picks the config file: `--config`, then `PLOY_CONFIG`, then
/// `/opt/ploy/config/config.toml`, then `./config.toml`, else defaults.
pub fn resolve_path(flag: Option<&Path>, env: &Env) -> ConfigPath {
    if let Some(path) = flag {
        return ConfigPath::Explicit(path.to_owned());
    }
    if let Some(path) = env.get("PLOY_CONFIG") {
        return ConfigPath::Explicit(PathBuf::from(path));
    }
    for candidate in [HOST_CONFIG_PATH, "config.toml"] {
        let path = PathBuf::from(candidate);
        if path.is_file() {
            return ConfigPath::Discovered(path);
        }
    }
    ConfigPath::Defaults
}

/// A loaded, checked configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The typed config.
    pub config: Config,
    /// The secrets from the environment.
    pub secrets: Secrets,
    /// The database to use: `DATABASE_URL`, else `database.url`, else SQLite.
    pub database_url: DatabaseUrl,
    /// The config file read, if any.
    pub path: Option<PathBuf>,
}

/// Reads the config file (if any), the `.env` beside it and the environment.
///
/// `.env` is looked for next to the config file and one folder up (the install
/// root, `/opt/ploy/.env`, when the file is `/opt/ploy/config/config.toml`);
/// without a config file, in the working directory.
pub fn load(path: &ConfigPath, env: Env) -> Result<Settings, ConfigError> {
    let (source, file) = match path.path() {
        Some(file) => match std::fs::read_to_string(file) {
            Ok(source) => (source, Some(file)),
            Err(e) => {
                let hint = if e.kind() == std::io::ErrorKind::NotFound {
                    "create it (see the configuration reference in README.md), or point \
                     --config / PLOY_CONFIG at an existing file"
                } else {
                    "check the file's permissions"
                };
                return Err(ConfigError {
                    problems: vec![Problem::new(
                        Origin::WholeFile(file.to_owned()),
                        format!("cannot read config file: {e}"),
                    )
                    .hint(hint)],
                });
            },
        },
        None => (String::new(), None),
    };

    let env = environment(path, env)?;
    load_from_str(&source, file, &env)
}

/// The environment a config is read with: `env` over the `.env` files found
/// next to the config file and one folder up (the install root), or in the
/// working directory when there is no file.
pub fn environment(path: &ConfigPath, env: Env) -> Result<Env, ConfigError> {
    let file = path.path();
    let mut env = env;
    let dotenv_dirs: Vec<PathBuf> = match file {
        Some(file) => {
            let dir = file.parent().unwrap_or(Path::new(".")).to_owned();
            let dir = if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            };
            let mut dirs = vec![dir.clone()];
            if let Some(parent) = dir
                .canonicalize()
                .ok()
                .and_then(|d| d.parent().map(Path::to_owned))
            {
                dirs.push(parent);
            }
            dirs
        },
        None => vec![PathBuf::from(".")],
    };
    for dir in dotenv_dirs {
        env = env
            .with_dotenv(&dir.join(".env"))
            .map_err(|problems| ConfigError { problems })?;
    }
    Ok(env)
}

/// The secrets the engine reads, each set or not (never its value), and
/// whether a config in `live` mode needs it.
pub fn secret_presence(env: &Env, live: bool) -> Vec<ploy_api::SecretPresence> {
    [
        ("POLYMARKET_PRIVATE_KEY", live),
        ("POLYMARKET_API_KEY", false),
        ("POLYMARKET_SECRET", false),
        ("POLYMARKET_PASSPHRASE", false),
        ("DATABASE_URL", false),
    ]
    .into_iter()
    .map(|(name, required)| ploy_api::SecretPresence {
        name: name.to_owned(),
        present: env.get(name).is_some(),
        required,
    })
    .collect()
}

/// Checks configuration text (as if read from `file`) against an environment.
pub fn load_from_str(
    source: &str,
    file: Option<&Path>,
    env: &Env,
) -> Result<Settings, ConfigError> {
    let secrets = read_secrets(env);
    let scrub = secrets.values();
    let file_label = file
        .map(Path::to_owned)
        .unwrap_or_else(|| PathBuf::from("config.toml"));
    let locator = Locator {
        source,
        file: file_label,
        overrides: Vec::new(),
    };

    let (root, syntax_errors) = DeTable::parse_recoverable(source);
    if !syntax_errors.is_empty() {
        let problems = syntax_errors
            .iter()
            .map(|e| {
                let origin = e
                    .span()
                    .map(|s| locator.origin(&s))
                    .unwrap_or(Origin::WholeFile(locator.file.clone()));
                Problem::new(
                    origin,
                    format!("TOML syntax error: {}", first_line(e.message())),
                )
                .hint("fix the syntax; see https://toml.io for the format")
            })
            .collect();
        return Err(ConfigError { problems }.scrubbed(&scrub));
    }
    let root_span = root.span();
    let mut table = root.into_inner();
    let mut locator = locator;
    let mut problems = Vec::new();
    apply_env_overrides(&mut table, env, &mut locator);

    // Deserialize, pruning each offending entry, until the tree is clean.
    let config = loop {
        let de = toml::de::Deserializer::from(Spanned::new(root_span.clone(), table.clone()));
        match Config::deserialize(de) {
            Ok(config) => break Some(config),
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let found = find_entry(&table, &span);
                let key = found.as_ref().map(|path| display_path(path));
                let origin = locator.origin(&span);
                let mut problem = Problem::new(origin, first_line(e.message()));
                if let Some(key) = &key {
                    problem = problem.key(key.clone());
                }
                problem.hint = hint_for(e.message(), key.as_deref());
                problems.push(problem);
                match found {
                    Some(path) if problems.len() < 64 && remove_entry(&mut table, &path) => {},
                    _ => break None,
                }
            },
        }
    };

    let database_url =
        resolve_database_url(config.as_ref(), &secrets, &table, &locator, &mut problems);
    if let Some(config) = &config {
        check_semantics(config, &secrets, env, &table, &locator, &mut problems);
    }
    check_secret_formats(
        &secrets,
        env,
        config.as_ref().map(|c| c.mode),
        &mut problems,
    );

    match config {
        Some(config) if problems.is_empty() => Ok(Settings {
            config,
            secrets,
            database_url,
            path: file.map(Path::to_owned),
        }),
        _ => {
            problems.sort_by_key(|p| match &p.origin {
                Origin::File { line, column, .. } => (0, *line, *column),
                Origin::WholeFile(_) => (0, 0, 0),
                Origin::Env(_) => (1, 0, 0),
                Origin::Nowhere => (2, 0, 0),
            });
            Err(ConfigError { problems }.scrubbed(&scrub))
        },
    }
}

fn read_secrets(env: &Env) -> Secrets {
    let secret = |name: &str| env.get(name).map(Secret::new);
    Secrets {
        private_key: secret("POLYMARKET_PRIVATE_KEY"),
        api_key: secret("POLYMARKET_API_KEY"),
        api_secret: secret("POLYMARKET_SECRET"),
        passphrase: secret("POLYMARKET_PASSPHRASE"),
        database_url: env.get("DATABASE_URL").map(DatabaseUrl::new),
    }
}

/// Maps spans to places: in the file, or past its end, to an environment variable.
struct Locator<'a> {
    source: &'a str,
    file: PathBuf,
    /// Environment overrides, in the order their sentinel spans were handed out.
    overrides: Vec<String>,
}

impl Locator<'_> {
    fn origin(&self, span: &Range<usize>) -> Origin {
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

    fn sentinel(&mut self, var: &str) -> Range<usize> {
        let start = self.source.len() + 1 + self.overrides.len();
        self.overrides.push(var.to_owned());
        start..start + 1
    }

    /// Where a dotted key was set: its value's span, else the environment or nowhere.
    fn origin_of(&self, table: &DeTable<'_>, keys: &[&str]) -> Origin {
        match lookup(table, keys) {
            Some(span) => self.origin(&span),
            None => Origin::Nowhere,
        }
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

/// Turns `PLOY_MODE` and `PLOY_<SECTION>__<KEY>` variables into entries of the tree.
fn apply_env_overrides<'i>(table: &mut DeTable<'i>, env: &'i Env, locator: &mut Locator<'_>) {
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
fn env_value(raw: &str) -> DeValue<'_> {
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
fn respan<'i>(value: DeValue<'i>, span: &Range<usize>) -> DeValue<'i> {
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

fn insert_path<'i>(table: &mut DeTable<'i>, path: &[String], value: Spanned<DeValue<'i>>) {
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
enum Step {
    Key(String),
    Index(usize),
}

fn display_path(path: &[Step]) -> String {
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

fn covers(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end.max(outer.start + 1)
}

/// The deepest entry whose key or value covers `span`.
fn find_entry(table: &DeTable<'_>, span: &Range<usize>) -> Option<Vec<Step>> {
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

fn find_in_value(value: &Spanned<DeValue<'_>>, span: &Range<usize>) -> Option<Vec<Step>> {
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

fn remove_entry(table: &mut DeTable<'_>, path: &[Step]) -> bool {
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

fn remove_in_array(items: &mut toml::de::DeArray<'_>, path: &[Step]) -> bool {
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
fn lookup(table: &DeTable<'_>, keys: &[&str]) -> Option<Range<usize>> {
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

fn hint_for(message: &str, key: Option<&str>) -> Option<String> {
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

fn resolve_database_url(
    config: Option<&Config>,
    secrets: &Secrets,
    table: &DeTable<'_>,
    locator: &Locator<'_>,
    problems: &mut Vec<Problem>,
) -> DatabaseUrl {
    let from_file = config.and_then(|c| c.database.url.clone());
    if let Some(url) = &from_file {
        let url = DatabaseUrl::new(url.clone());
        if url.has_password() {
            problems.push(
                Problem::new(
                    locator.origin_of(table, &["database", "url"]),
                    "the database URL holds a password",
                )
                .key("database.url")
                .hint("move the URL to the DATABASE_URL environment variable (or .env) and delete this key"),
            );
        }
    }
    let (url, origin) = match (&secrets.database_url, from_file) {
        (Some(url), _) => (url.clone(), Origin::Env("DATABASE_URL".to_owned())),
        (None, Some(url)) => (
            DatabaseUrl::new(url),
            locator.origin_of(table, &["database", "url"]),
        ),
        (None, None) => (DatabaseUrl::new(DEFAULT_DATABASE_URL), Origin::Nowhere),
    };
    if !url.is_sqlite() && !url.is_postgres() {
        problems.push(
            Problem::new(
                origin,
                format!("unsupported database URL {}", url.redacted()),
            )
            .key("database.url")
            .hint("use postgres://user@host:5432/db (production) or sqlite://path/to/ploy.db"),
        );
    }
    url
}

fn check_semantics(
    config: &Config,
    secrets: &Secrets,
    env: &Env,
    table: &DeTable<'_>,
    locator: &Locator<'_>,
    problems: &mut Vec<Problem>,
) {
    let mut problem = |keys: &[&str], message: String, hint: &str| {
        problems.push(
            Problem::new(locator.origin_of(table, keys), message)
                .key(keys.join("."))
                .hint(hint),
        );
    };

    let ex = &config.exchange;
    if !matches!(ex.clob_url.scheme(), "http" | "https") {
        problem(
            &["exchange", "clob_url"],
            format!(
                "expected an http(s) URL, got scheme {:?}",
                ex.clob_url.scheme()
            ),
            "write e.g. \"https://clob.polymarket.com\"",
        );
    }
    if !matches!(ex.ws_url.scheme(), "ws" | "wss") {
        problem(
            &["exchange", "ws_url"],
            format!("expected a ws(s) URL, got scheme {:?}", ex.ws_url.scheme()),
            "write e.g. \"wss://ws-subscriptions-clob.polymarket.com/ws/market\"",
        );
    }
    if !matches!(ex.chain_id, 137 | 80002) {
        problem(
            &["exchange", "chain_id"],
            format!("no Polymarket exchange is known on chain {}", ex.chain_id),
            "use 137 (Polygon) or 80002 (Amoy testnet)",
        );
    }
    if ex.request_timeout.is_zero() {
        problem(
            &["exchange", "request_timeout"],
            "must be above zero".into(),
            "write e.g. \"10s\"",
        );
    }
    if ex.heartbeat_interval < std::time::Duration::from_secs(1)
        || ex.heartbeat_interval > std::time::Duration::from_secs(8)
    {
        problem(
            &["exchange", "heartbeat_interval"],
            format!(
                "{} is out of range: the exchange cancels every order when no heartbeat arrives for 10 s",
                humantime::format_duration(ex.heartbeat_interval)
            ),
            "write 1s to 8s, e.g. \"5s\"",
        );
    }
    if ex.open_orders_check < std::time::Duration::from_secs(1)
        || ex.open_orders_check > std::time::Duration::from_secs(3600)
    {
        problem(
            &["exchange", "open_orders_check"],
            format!(
                "{} is out of range (1s to 1h)",
                humantime::format_duration(ex.open_orders_check)
            ),
            "write e.g. \"30s\"",
        );
    }
    match (ex.signature_type, &ex.funder) {
        (SignatureType::Eoa, Some(_)) => problem(
            &["exchange", "funder"],
            "a funder is only used with signature_type poly_proxy or poly_gnosis_safe".into(),
            "remove funder, or set signature_type to the wallet kind that holds the funds",
        ),
        (SignatureType::PolyProxy | SignatureType::PolyGnosisSafe, None)
            if config.mode == Mode::Live =>
        {
            problem(
                &["exchange", "signature_type"],
                "this signature type needs exchange.funder (the wallet that holds the funds)"
                    .into(),
                "set exchange.funder = \"0x…\" to your Polymarket proxy or Safe address",
            );
        },
        (_, Some(funder)) if !is_address(funder) => problem(
            &["exchange", "funder"],
            format!("{funder:?} is not a 0x-prefixed 20-byte hex address"),
            "copy the address from your Polymarket profile",
        ),
        _ => {},
    }

    let md = &config.market_data;
    if md.source == MarketDataSource::Recording {
        match &md.recording {
            None => problem(
                &["market_data", "source"],
                "source = \"recording\" needs market_data.recording (a .jsonl file)".into(),
                "set market_data.recording = \"path/to/session.jsonl\"",
            ),
            Some(path) if !path.is_file() => problem(
                &["market_data", "recording"],
                format!("recording {} does not exist", path.display()),
                "record one with `ploy record`, or use the shipped engine/recordings/*.jsonl",
            ),
            Some(_) => {},
        }
        if config.mode == Mode::Live {
            problem(
                &["market_data", "source"],
                "live trading cannot run on a recording".into(),
                "use source = \"exchange\" in live mode, or mode = \"paper\"",
            );
        }
    }
    if !(md.recording_speed >= 0.0 && md.recording_speed.is_finite()) {
        problem(
            &["market_data", "recording_speed"],
            "must be 0 (as fast as possible) or a positive factor".into(),
            "write e.g. 1.0 for real time",
        );
    }
    let paper = &config.paper;
    if paper.fee_rate < rust_decimal::Decimal::ZERO || paper.fee_rate > rust_decimal::Decimal::ONE {
        problem(
            &["paper", "fee_rate"],
            format!("{} is not between 0 and 1", paper.fee_rate),
            "write e.g. \"0.02\"",
        );
    }
    if paper.fee_exponent > 8 {
        problem(
            &["paper", "fee_exponent"],
            format!("{} is above 8", paper.fee_exponent),
            "write e.g. 2",
        );
    }
    let secs = std::time::Duration::from_secs;
    for (key, value, low, high) in [
        ("max_silence", md.max_silence, secs(3), secs(300)),
        ("max_staleness", md.max_staleness, secs(1), secs(3600)),
    ] {
        if value < low || value > high {
            problem(
                &["market_data", key],
                format!(
                    "{} is out of range ({} to {})",
                    humantime::format_duration(value),
                    humantime::format_duration(low),
                    humantime::format_duration(high)
                ),
                "write e.g. \"30s\"",
            );
        }
    }

    let db = &config.database;
    if db.max_connections == 0 {
        problem(
            &["database", "max_connections"],
            "must be at least 1".into(),
            "write e.g. 5",
        );
    }

    let risk = &config.risk;
    for (key, value) in [
        ("max_position_per_market", risk.max_position_per_market),
        ("max_notional_per_market", risk.max_notional_per_market),
    ] {
        if value <= rust_decimal::Decimal::ZERO {
            problem(
                &["risk", key],
                format!("must be above zero, got {value}"),
                "write a positive number",
            );
        }
    }
    if risk.max_orders_per_minute == 0 {
        problem(
            &["risk", "max_orders_per_minute"],
            "must be at least 1".into(),
            "to stop trading, set risk.trading_state = \"halted\" instead",
        );
    }

    let st = &config.strategy;
    let half = rust_decimal::Decimal::new(5, 1);
    if st.half_spread <= rust_decimal::Decimal::ZERO || st.half_spread >= half {
        problem(
            &["strategy", "half_spread"],
            format!(
                "must be between 0 and 0.5 (exclusive), got {}",
                st.half_spread
            ),
            "write e.g. \"0.02\" for quotes two cents either side of the midpoint",
        );
    }
    if st.order_size <= rust_decimal::Decimal::ZERO {
        problem(
            &["strategy", "order_size"],
            format!("must be above zero, got {}", st.order_size),
            "write e.g. \"5\"",
        );
    }
    if st.inventory_skew < rust_decimal::Decimal::ZERO {
        problem(
            &["strategy", "inventory_skew"],
            "must not be negative".into(),
            "write 0 to disable skew",
        );
    }
    for (i, market) in st.markets.iter().enumerate() {
        if market.is_empty() || !market.chars().all(|c| c.is_ascii_digit()) {
            problems_push_market(problems, locator, table, i, market);
        }
    }

    let health = &config.health;
    if health.max_queue_depth == 0 {
        problems.push(
            Problem::new(
                locator.origin_of(table, &["health", "max_queue_depth"]),
                "must be at least 1",
            )
            .key("health.max_queue_depth")
            .hint("write e.g. 100"),
        );
    }
    if health.check_timeout.is_zero() {
        problems.push(
            Problem::new(
                locator.origin_of(table, &["health", "check_timeout"]),
                "must be above zero",
            )
            .key("health.check_timeout")
            .hint("write e.g. \"2s\""),
        );
    }
    if config.server.shutdown_timeout.is_zero() {
        problems.push(
            Problem::new(
                locator.origin_of(table, &["server", "shutdown_timeout"]),
                "must be above zero",
            )
            .key("server.shutdown_timeout")
            .hint("write e.g. \"10s\""),
        );
    }

    if config.mode == Mode::Live && config.strategy.markets.is_empty() {
        problems.push(
            Problem::new(locator.origin_of(table, &["strategy", "markets"]), "live trading needs the token IDs to quote")
                .key("strategy.markets")
                .hint("set strategy.markets = [\"<token id>\", …] (the clobTokenIds of the outcomes to quote)"),
        );
    }
    if config.mode == Mode::Live {
        if secrets.private_key.is_none() {
            problems.push(
                Problem::new(env.origin("POLYMARKET_PRIVATE_KEY"), "live mode needs the signing key, and it is not set")
                    .key("mode")
                    .hint("export POLYMARKET_PRIVATE_KEY (or put it in .env), or run with mode = \"paper\""),
            );
        }
        let l2 = [
            ("POLYMARKET_API_KEY", secrets.api_key.is_some()),
            ("POLYMARKET_SECRET", secrets.api_secret.is_some()),
            ("POLYMARKET_PASSPHRASE", secrets.passphrase.is_some()),
        ];
        let set = l2.iter().filter(|(_, s)| *s).count();
        if set != 0 && set != 3 {
            let missing: Vec<&str> = l2.iter().filter(|(_, s)| !s).map(|(n, _)| *n).collect();
            problems.push(
                Problem::new(Origin::Env(missing.join(", ")), "API credentials are partly set")
                    .hint("set all three of POLYMARKET_API_KEY, POLYMARKET_SECRET and POLYMARKET_PASSPHRASE, or none (they are then derived from the private key)"),
            );
        }
    }
}

fn problems_push_market(
    problems: &mut Vec<Problem>,
    locator: &Locator<'_>,
    table: &DeTable<'_>,
    index: usize,
    market: &str,
) {
    problems.push(
        Problem::new(
            locator.origin_of(table, &["strategy", "markets"]),
            format!("markets[{index}] = {market:?} is not a token ID (a decimal number)"),
        )
        .key("strategy.markets")
        .hint("copy the clobTokenIds of the outcome you want to quote, as strings"),
    );
}

/// Checks that secrets which are set look right, without ever echoing them.
fn check_secret_formats(
    secrets: &Secrets,
    env: &Env,
    mode: Option<Mode>,
    problems: &mut Vec<Problem>,
) {
    if let Some(key) = &secrets.private_key {
        let hex = key.expose().trim().trim_start_matches("0x");
        if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            problems.push(
                Problem::new(
                    env.origin("POLYMARKET_PRIVATE_KEY"),
                    format!(
                        "not a private key: expected 64 hex digits (optionally 0x-prefixed), got {} characters",
                        key.expose().trim().len()
                    ),
                )
                .hint("export the raw hex key of the signing wallet"),
            );
        }
    }
    if let Some(secret) = &secrets.api_secret {
        let ok = secret
            .expose()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '=' | '+' | '/'));
        if !ok && mode == Some(Mode::Live) {
            problems.push(
                Problem::new(env.origin("POLYMARKET_SECRET"), "not URL-safe base64")
                    .hint("copy the secret exactly as returned by create/derive API key"),
            );
        }
    }
}

fn is_address(text: &str) -> bool {
    let hex = text.strip_prefix("0x").unwrap_or("");
    hex.len() == 40 && hex.chars().all(|c| c.is_ascii_hexdigit())
}
