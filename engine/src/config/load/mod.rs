//! Finding, reading and checking the configuration, reporting every problem at once.
//!
//! The file is parsed into a spanned TOML tree, environment overrides are grafted
//! onto it (with spans that point past the end of the file, so a bad override is
//! reported against its variable), and the typed [`Config`] is deserialized. A
//! failed deserialization stops at the first error, so the offending entry is
//! recorded, pruned from the tree and the rest deserialized again, until the tree
//! is clean. Semantic checks (URLs, limits, live-mode keys) then add their own
//! problems, located by key.

//!
//! `tree` holds the spanned TOML tree (locating spans, grafting environment
//! overrides, pruning entries); `validate` the semantic checks.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::DeTable;
use toml::Spanned;

use crate::config::env::Env;
use crate::config::problem::{ConfigError, Origin, Problem};
use crate::config::secret::{DatabaseUrl, Secret};
use crate::config::types::{Config, Secrets};
use crate::config::HOST_CONFIG_PATH;

mod tree;
mod validate;

use self::tree::*;
use self::validate::*;

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
