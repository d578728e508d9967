//! Build script: embeds the git revision and the Cargo profile into the binary
//! (`ploy version`, the `ploy_build_info` metric) and re-runs migrations on change.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-env-changed=PLOY_GIT_SHA");

    let sha = std::env::var("PLOY_GIT_SHA")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(git_sha)
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=PLOY_GIT_SHA={sha}");

    // OUT_DIR is target/<profile>/build/<pkg>/out; PROFILE only says debug/release,
    // so custom profiles such as `staging` are read off the path.
    let profile = std::env::var("OUT_DIR")
        .ok()
        .and_then(|out| {
            Path::new(&out)
                .ancestors()
                .nth(3)
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .map(|p| if p == "debug" { "dev".to_owned() } else { p })
        .unwrap_or_else(|| std::env::var("PROFILE").unwrap_or_default());
    println!("cargo:rustc-env=PLOY_BUILD_PROFILE={profile}");

    if let Some(git_dir) = git_output(&["rev-parse", "--git-dir"]) {
        let head = Path::new(&git_dir).join("HEAD");
        println!("cargo:rerun-if-changed={}", head.display());
        if let Some(reference) = git_output(&["symbolic-ref", "-q", "HEAD"]) {
            println!(
                "cargo:rerun-if-changed={}",
                Path::new(&git_dir).join(reference).display()
            );
        }
    }
}

fn git_sha() -> Option<String> {
    git_output(&["rev-parse", "--short=12", "HEAD"])
}

fn git_output(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}
