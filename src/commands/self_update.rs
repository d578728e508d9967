//! `ployctl self-update [--check] [--version V]`: replaces this `ployctl`
//! with a release's, from the project's GitHub releases.
//!
//! The archive for this target (`ployctl-TAG-TARGET.tar.gz`) must carry a
//! zipsign signature by one of the keys compiled in from
//! `deployment/release-keys.txt` (none listed, or an unsigned archive: an
//! error), match the release's `SHA256SUMS` and GitHub's per-asset digest,
//! and the new binary must answer `--version` before it is moved over this
//! one (a rename in the same folder, so a crash leaves one whole binary).
//! At a terminal it asks first unless `--yes`; elsewhere it never asks.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Serialize;

use crate::exit::Outcome;
use crate::printer::Printer;

/// The release-signing public keys ployctl trusts (see the file's comments).
const RELEASE_KEYS: &str = include_str!("../../deployment/release-keys.txt");

/// Where releases are looked up by default.
pub const DEFAULT_API: &str = "https://api.github.com";
/// The repository whose releases these are (`owner/name`).
pub const DEFAULT_REPO: &str = "ploy-trading/ploy";

/// What `self-update` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfUpdateOptions {
    /// Only say whether a newer release exists.
    pub check: bool,
    /// This release instead of the newest (`0.2.0` or `v0.2.0`).
    pub version: Option<String>,
    /// Do not ask at a terminal.
    pub yes: bool,
    /// The GitHub API base URL.
    pub api_url: String,
    /// `owner/name`.
    pub repo: String,
}

#[derive(Debug, Serialize)]
struct Report {
    command: &'static str,
    ok: bool,
    current: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest: Option<String>,
    /// `up_to_date`, `update_available`, `updated`, `declined` or `failed`.
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    installed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
}

/// Why an update did not happen.
#[derive(Debug, thiserror::Error)]
enum UpdateError {
    #[error("this ployctl trusts no release-signing key (deployment/release-keys.txt lists none), so it cannot check a release's signature")]
    NoKeys,
    #[error("deployment/release-keys.txt line {line}: {what}")]
    BadKey { line: usize, what: String },
    #[error("cannot write {path}: {reason}")]
    NotWritable { path: String, reason: String },
    #[error("{0}")]
    Release(String),
    #[error("the new binary does not run: {0}")]
    NewBinary(String),
    #[error("could not ask for confirmation: {0}")]
    Prompt(String),
}

impl UpdateError {
    fn hint(&self) -> Option<String> {
        Some(
            match self {
                UpdateError::NoKeys | UpdateError::BadKey { .. } => {
                    "install ployctl from a release built with signing set up (DEPLOYMENT.md, Releases), or build it from source"
                },
                UpdateError::NotWritable { .. } => {
                    "run it as the user that owns ployctl's folder (for /usr/local/bin: sudo ployctl self-update), or install ployctl somewhere you can write"
                },
                UpdateError::Release(_) => {
                    "nothing was changed; check the release's assets, or pass --version for another release"
                },
                UpdateError::NewBinary(_) => "nothing was changed; this ployctl is still in place",
                UpdateError::Prompt(_) => "pass --yes to update without asking",
            }
            .to_owned(),
        )
    }
}

/// Runs `self-update`.
pub async fn exec(printer: &Printer, options: &SelfUpdateOptions) -> Outcome {
    let options = options.clone();
    let report = tokio::task::spawn_blocking(move || run(&options))
        .await
        .unwrap_or_else(|e| {
            failed(
                None,
                &UpdateError::Release(format!("the update task ended: {e}")),
            )
        });
    let outcome = if report.ok {
        Outcome::Success
    } else {
        Outcome::Failed
    };
    if printer.options().style == crate::printer::Style::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serializes")
        );
    } else {
        let line = match (report.status, &report.latest, &report.installed) {
            ("up_to_date", Some(latest), _) => {
                format!(
                    "ployctl {} is up to date (newest release {latest})",
                    report.current
                )
            },
            ("update_available", Some(latest), _) => format!(
                "ployctl {latest} is available (this is {}); `ployctl self-update` installs it",
                report.current
            ),
            ("updated", _, Some(v)) => format!("ployctl updated: {} → {v}", report.current),
            ("declined", Some(latest), _) => format!("not updated to {latest}"),
            _ => format!(
                "self-update failed: {}",
                report.error.as_deref().unwrap_or("unknown error")
            ),
        };
        println!("{line}");
        if let Some(hint) = &report.hint {
            eprintln!("hint: {hint}");
        }
    }
    outcome
}

fn failed(latest: Option<String>, e: &UpdateError) -> Report {
    Report {
        command: "self-update",
        ok: false,
        current: env!("CARGO_PKG_VERSION"),
        latest,
        status: "failed",
        installed: None,
        error: Some(e.to_string()),
        hint: e.hint(),
    }
}

fn run(options: &SelfUpdateOptions) -> Report {
    let current = env!("CARGO_PKG_VERSION");
    let (owner, name) = options
        .repo
        .split_once('/')
        .unwrap_or((options.repo.as_str(), ""));
    let wanted = options
        .version
        .as_deref()
        .map(|v| v.trim_start_matches('v').to_owned());
    let release = match find_release(options, owner, name, wanted.as_deref()) {
        Ok(r) => r,
        Err(e) => return failed(None, &e),
    };
    let latest = release.version().to_owned();
    let newer = self_update::version::bump_is_greater(current, &latest).unwrap_or(false);
    let base = Report {
        command: "self-update",
        ok: true,
        current,
        latest: Some(latest.clone()),
        status: "up_to_date",
        installed: None,
        error: None,
        hint: None,
    };
    if options.check {
        let status = if newer {
            "update_available"
        } else {
            "up_to_date"
        };
        return Report { status, ..base };
    }
    if wanted.is_none() && !newer {
        return base;
    }
    match install(options, owner, name, &latest) {
        Ok(Some(installed)) => Report {
            status: "updated",
            installed: Some(installed),
            ..base
        },
        Ok(None) => Report {
            status: "declined",
            ..base
        },
        Err(e) => failed(Some(latest), &e),
    }
}

/// The release to install: the named one, or the newest.
fn find_release(
    options: &SelfUpdateOptions,
    owner: &str,
    name: &str,
    wanted: Option<&str>,
) -> Result<self_update::Release, UpdateError> {
    let updater = release_builder(options, owner, name)
        .build()
        .map_err(|e| UpdateError::Release(e.to_string()))?;
    match wanted {
        Some(v) => updater.get_release_version(&format!("v{v}")),
        None => updater.get_latest_release().and_then(|releases| {
            releases
                .latest()
                .cloned()
                .ok_or_else(self_update::errors::Error::no_release_found)
        }),
    }
    .map_err(|e| {
        UpdateError::Release(format!(
            "cannot read the release from {}: {e}",
            options.api_url
        ))
    })
}

/// Downloads, verifies and installs `version`; `None` when declined.
fn install(
    options: &SelfUpdateOptions,
    owner: &str,
    name: &str,
    version: &str,
) -> Result<Option<String>, UpdateError> {
    let keys = trusted_keys()?;
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| UpdateError::NotWritable {
            path: "the running ployctl".into(),
            reason: e.to_string(),
        })?;
    let dir = exe.parent().unwrap_or(Path::new("/")).to_path_buf();
    let staged = probe_writable(&dir)?;

    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() && !options.yes {
        eprint!(
            "Replace {} (ployctl {}) with ployctl {version}? [y/N] ",
            exe.display(),
            env!("CARGO_PKG_VERSION")
        );
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(|e| UpdateError::Prompt(e.to_string()))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Ok(None);
        }
    }

    let outcome = stage_and_check(options, owner, name, version, keys, &staged).and_then(|()| {
        std::fs::rename(&staged, &exe).map_err(|e| UpdateError::NotWritable {
            path: exe.display().to_string(),
            reason: e.to_string(),
        })
    });
    if outcome.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    outcome.map(|()| Some(version.to_owned()))
}

/// The GitHub backend's settings every use shares: the repository, the API
/// and this binary's name and version.
fn release_builder(
    options: &SelfUpdateOptions,
    owner: &str,
    name: &str,
) -> self_update::backends::github::UpdateBuilder {
    let mut builder = self_update::backends::github::Update::configure();
    builder
        .repo_owner(owner)
        .repo_name(name)
        .api_base_url(options.api_url.clone())
        .bin_name("ployctl")
        .current_version(env!("CARGO_PKG_VERSION"));
    builder
}

/// Downloads and verifies `version` into `staged` and checks that it runs;
/// the caller removes `staged` when this fails.
fn stage_and_check(
    options: &SelfUpdateOptions,
    owner: &str,
    name: &str,
    version: &str,
    keys: Vec<self_update::VerifyingKey>,
    staged: &Path,
) -> Result<(), UpdateError> {
    let target = self_update::get_target();
    let mut builder = release_builder(options, owner, name);
    builder
        // The exact name: the crate's fallbacks (any asset naming the arch, or
        // the identifier alone) could pick another target's archive.
        .asset_identifier(format!("ployctl-v{version}-{target}.tar.gz"))
        .target(target)
        .release_tag(format!("v{version}"))
        .bin_install_path(staged)
        .verifying_keys(keys)
        .checksum_from_asset("SHA256SUMS")
        .show_output(false)
        .show_download_progress(false)
        .no_confirm(true);
    builder
        .build()
        .and_then(|u| u.update_extended())
        .map_err(|e| UpdateError::Release(describe(&e, target)))?;

    // The new binary must run before it replaces this one.
    let out = std::process::Command::new(staged)
        .arg("--version")
        .output()
        .map_err(|e| UpdateError::NewBinary(e.to_string()))?;
    if !out.status.success() {
        return Err(UpdateError::NewBinary(format!(
            "`ployctl --version` exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

/// A self_update error, in words that name what to check.
fn describe(e: &self_update::errors::Error, target: &str) -> String {
    match e {
        self_update::errors::Error::NoReleaseFound {
            target: Some(_), ..
        } => format!(
            "the release has no ployctl archive for {target} (ployctl-vVERSION-{target}.tar.gz)"
        ),
        _ => e.to_string(),
    }
}

/// Creates (and leaves empty) the file the new binary is staged in, beside
/// the running one; the error says plainly when the folder is not writable.
fn probe_writable(dir: &Path) -> Result<PathBuf, UpdateError> {
    let staged = dir.join(format!(".ployctl.new.{}", std::process::id()));
    std::fs::File::create(&staged).map_err(|e| UpdateError::NotWritable {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let _ = std::fs::remove_file(&staged);
    Ok(staged)
}

/// The keys compiled in; in debug builds (tests), `PLOYCTL_TEST_RELEASE_KEYS`
/// names a file to read instead. Release builds ignore it.
fn trusted_keys() -> Result<Vec<self_update::VerifyingKey>, UpdateError> {
    let text = match std::env::var_os("PLOYCTL_TEST_RELEASE_KEYS") {
        Some(path) if cfg!(debug_assertions) => {
            std::fs::read_to_string(&path).map_err(|e| UpdateError::BadKey {
                line: 0,
                what: format!("{}: {e}", Path::new(&path).display()),
            })?
        },
        _ => RELEASE_KEYS.to_owned(),
    };
    let keys = parse_keys(&text)?;
    if keys.is_empty() {
        return Err(UpdateError::NoKeys);
    }
    Ok(keys)
}

/// One base64 key per line; `#` comments and blank lines are skipped.
fn parse_keys(text: &str) -> Result<Vec<self_update::VerifyingKey>, UpdateError> {
    let mut keys = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(line)
            .map_err(|e| UpdateError::BadKey {
                line: i + 1,
                what: format!("not base64: {e}"),
            })?;
        let key: self_update::VerifyingKey =
            bytes.try_into().map_err(|b: Vec<u8>| UpdateError::BadKey {
                line: i + 1,
                what: format!("{} bytes, a key is 32", b.len()),
            })?;
        keys.push(key);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_base64_lines_and_comments_are_skipped() {
        let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let keys = parse_keys(&format!("# comment\n\n{key}\n")).unwrap();
        assert_eq!(keys, vec![[7u8; 32]]);
        let short = base64::engine::general_purpose::STANDARD.encode([7u8; 31]);
        let e = parse_keys(&format!("# c\n{short}\n")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "deployment/release-keys.txt line 2: 31 bytes, a key is 32"
        );
        assert!(parse_keys("not base64!\n").is_err());
    }

    #[test]
    fn the_shipped_key_file_parses() {
        // An empty set is refused at update time (NoKeys), not here.
        parse_keys(RELEASE_KEYS).unwrap();
    }
}
