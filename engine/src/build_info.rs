//! What this binary is: crate version, git revision and Cargo profile, fixed at build time.

use serde::Serialize;

/// The crate version (`Cargo.toml`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The git revision built from (`PLOY_GIT_SHA` at build time overrides), or `unknown`.
pub const GIT_SHA: &str = env!("PLOY_GIT_SHA");
/// The Cargo profile: `dev`, `release`, `staging`, ….
pub const PROFILE: &str = env!("PLOY_BUILD_PROFILE");

/// The three facts together, for `ploy version --json` and the build-info metric.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct BuildInfo {
    /// Crate version.
    pub version: &'static str,
    /// Git revision.
    pub git_sha: &'static str,
    /// Cargo profile.
    pub profile: &'static str,
}

/// This binary's build facts.
pub const BUILD: BuildInfo = BuildInfo {
    version: VERSION,
    git_sha: GIT_SHA,
    profile: PROFILE,
};

impl std::fmt::Display for BuildInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ploy {} (git {}, profile {})",
            self.version, self.git_sha, self.profile
        )
    }
}
