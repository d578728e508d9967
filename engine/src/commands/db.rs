//! `ploy db backup` and `ploy db verify`: the snapshot and the restore
//! drill of [`crate::backup`], printed for people or as the manifest's JSON.

use std::path::Path;

use super::error::CommandError;
use super::{load_settings, CommandResult};
use crate::backup::{self, BackupError};
use crate::build_info::BUILD;
use crate::exit;

fn failed(e: &BackupError) -> CommandError {
    match e {
        BackupError::Database(_) => CommandError::database(e.to_string()),
        BackupError::Unsupported(_) | BackupError::Manifest { .. } => {
            CommandError::usage(e.to_string())
        },
        _ => CommandError::failed(e.to_string()),
    }
}

/// Takes a backup into `--out`.
pub async fn backup(config: Option<&Path>, args: &crate::cli::BackupArgs) -> CommandResult {
    let settings = load_settings(config)?;
    let manifest = backup::take(
        &settings.database_url,
        &args.out,
        args.label.as_deref(),
        BUILD.version,
        crate::clock::wall_ms(),
    )
    .await
    .map_err(|e| failed(&e))?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&manifest).expect("manifest serializes")
        );
    } else {
        println!(
            "backed up to {}/{} ({} bytes, sha256 {}…) in {} ms: {} rows in {} tables, schema {}",
            args.out.display(),
            manifest.file,
            manifest.bytes,
            &manifest.sha256[..12],
            manifest.took_ms,
            manifest.tables.values().sum::<u64>(),
            manifest.tables.len(),
            manifest.schema_version
        );
        println!(
            "  a backup counts once restored: ploy db verify {}/{}.json",
            args.out.display(),
            manifest.name
        );
    }
    Ok(exit::OK)
}

/// Runs the restore drill of one backup; exit 0 only when every check passed.
pub async fn verify(args: &crate::cli::VerifyArgs) -> CommandResult {
    let manifest = backup::verify(&args.manifest, BUILD.version, crate::clock::wall_ms())
        .await
        .map_err(|e| failed(&e))?;
    let verification = manifest.verification.as_ref().expect("verify records one");
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&manifest).expect("manifest serializes")
        );
    } else {
        for c in &verification.checks {
            println!(
                "{} {:<13} {}",
                if c.ok { "ok  " } else { "FAIL" },
                c.name,
                c.detail
            );
        }
        println!(
            "{}: {} ({} ms)",
            manifest.name,
            if verification.ok {
                "verified: restored and checked"
            } else {
                "NOT verified"
            },
            verification.took_ms
        );
    }
    Ok(if verification.ok {
        exit::OK
    } else {
        exit::FAILURE
    })
}
