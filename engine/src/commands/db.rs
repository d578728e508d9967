//! `ploy db backup|verify|restore|upload|list|download`: the backups of
//! [`crate::backup`], printed for people or as JSON.

use std::path::{Path, PathBuf};

use ploy_api::backup::{BackupManifest, RestoreReport};
use serde::Serialize;

use super::error::CommandError;
use super::{load_settings, CommandResult};
use crate::backup::offsite::{self, Destination};
use crate::backup::{self, BackupError, RestoreOptions};
use crate::build_info::BUILD;
use crate::config::Env;
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

fn print_json<T: Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string(value).expect("backup types serialize")
    );
}

/// The environment the config is read with (the process's over `.env`):
/// where object storage credentials come from.
fn environment(config: Option<&Path>) -> Result<Env, CommandError> {
    let env = Env::from_process();
    let path = crate::config::resolve_path(config, &env);
    crate::config::environment(&path, env).map_err(CommandError::from)
}

fn destination(text: &str) -> Result<Destination, CommandError> {
    Destination::parse(text).map_err(CommandError::usage)
}

fn bucket(config: Option<&Path>, dest: &Destination) -> Result<offsite::Store, CommandError> {
    let env = environment(config)?;
    offsite::connect(dest, &env).map_err(|e| failed(&e))
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
        print_json(&manifest);
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
pub async fn verify(config: Option<&Path>, args: &crate::cli::VerifyArgs) -> CommandResult {
    let recorded = backup::read_manifest(&args.manifest).map_err(|e| failed(&e))?;
    // Only a PostgreSQL backup needs a server (the config's) for its scratch database.
    let url = if recorded.database == "postgres" {
        Some(load_settings(config)?.database_url)
    } else {
        None
    };
    let manifest = backup::verify(
        &args.manifest,
        url.as_ref(),
        BUILD.version,
        crate::clock::wall_ms(),
    )
    .await
    .map_err(|e| failed(&e))?;
    let verification = manifest.verification.as_ref().expect("verify records one");
    if args.json {
        print_json(&manifest);
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

fn when(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(
            || "none".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        )
}

fn print_restore(report: &RestoreReport) {
    let rows = |t: &std::collections::BTreeMap<String, u64>| t.values().sum::<u64>();
    match &report.current {
        Some(c) => println!(
            "replaces: {} rows, newest order {}, newest fill {}, schema {}",
            rows(&c.tables),
            when(c.newest_order_ms),
            when(c.newest_fill_ms),
            c.schema_version
        ),
        None => println!("replaces: no database (or one that cannot be read)"),
    }
    let r = &report.restored;
    println!(
        "with {}: {} rows, newest order {}, newest fill {}, schema {}",
        report.backup,
        rows(&r.tables),
        when(r.newest_order_ms),
        when(r.newest_fill_ms),
        r.schema_version
    );
    if report.dry_run {
        println!("dry run: nothing was changed");
    } else {
        if let Some(kept) = &report.kept {
            println!("the replaced database is kept: {kept}");
        }
        println!(
            "restored in {} ms; ploy reconciles with the exchange when it starts",
            report.took_ms
        );
    }
}

/// Restores a backup over the configured database.
pub async fn restore(config: Option<&Path>, args: &crate::cli::RestoreArgs) -> CommandResult {
    let settings = load_settings(config)?;
    let keep_dir = args.keep_dir.clone().unwrap_or_else(|| {
        args.manifest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_owned)
    });
    let report = backup::restore(
        &args.manifest,
        &settings.database_url,
        &RestoreOptions {
            dry_run: args.dry_run,
            halt_reason: args.halt_reason.clone(),
            keep_dir,
            release: BUILD.version.to_owned(),
            now_ms: crate::clock::wall_ms(),
        },
    )
    .await
    .map_err(|e| failed(&e))?;
    if args.json {
        print_json(&report);
    } else {
        print_restore(&report);
    }
    Ok(exit::OK)
}

/// What `ploy db upload` did.
#[derive(Debug, Serialize)]
struct UploadReport {
    to: String,
    uploaded: Vec<String>,
    failed: Vec<UploadFailure>,
}

#[derive(Debug, Serialize)]
struct UploadFailure {
    name: String,
    error: String,
}

/// Uploads backups to object storage; exit 1 when any could not be.
pub async fn upload(config: Option<&Path>, args: &crate::cli::UploadArgs) -> CommandResult {
    let dest = destination(&args.to)?;
    let local = backup::list_local(&args.dir);
    let chosen: Vec<BackupManifest> = if args.names.is_empty() {
        local
            .into_iter()
            .filter(|m| m.uploaded.as_ref().is_none_or(|u| u.to != dest.to_string()))
            .collect()
    } else {
        let mut chosen = Vec::new();
        for name in &args.names {
            match local.iter().find(|m| &m.name == name) {
                Some(m) => chosen.push(m.clone()),
                None => {
                    return Err(CommandError::usage(format!(
                        "no backup named {name} in {}",
                        args.dir.display()
                    )))
                },
            }
        }
        chosen
    };
    let mut report = UploadReport {
        to: dest.to_string(),
        uploaded: Vec::new(),
        failed: Vec::new(),
    };
    if !chosen.is_empty() {
        let store = bucket(config, &dest)?;
        // Oldest first, so an interrupted run has sent the oldest.
        for manifest in chosen.iter().rev() {
            let sent =
                offsite::upload(&store, &dest, &args.dir, manifest, crate::clock::wall_ms()).await;
            let recorded = sent.and_then(|local| {
                backup::write_manifest(&args.dir.join(format!("{}.json", local.name)), &local)
            });
            match recorded {
                Ok(()) => report.uploaded.push(manifest.name.clone()),
                Err(e) => report.failed.push(UploadFailure {
                    name: manifest.name.clone(),
                    error: crate::redact::scrub(&e.to_string()),
                }),
            }
        }
    }
    if args.json {
        print_json(&report);
    } else {
        for name in &report.uploaded {
            println!("uploaded {name} to {}", report.to);
        }
        for f in &report.failed {
            println!("NOT uploaded {}: {}", f.name, f.error);
        }
        if report.uploaded.is_empty() && report.failed.is_empty() {
            println!("nothing to upload: every backup is in {}", report.to);
        }
    }
    Ok(if report.failed.is_empty() {
        exit::OK
    } else {
        exit::FAILURE
    })
}

/// Lists backups, local or in object storage.
pub async fn list(config: Option<&Path>, args: &crate::cli::ListArgs) -> CommandResult {
    let manifests = match &args.from {
        Some(from) => {
            let dest = destination(from)?;
            let store = bucket(config, &dest)?;
            offsite::list(&store, &dest).await.map_err(|e| failed(&e))?
        },
        None => backup::list_local(&args.dir),
    };
    for m in &manifests {
        if args.json {
            print_json(m);
        } else {
            println!(
                "{}  {} bytes  {}  {}{}",
                m.name,
                m.bytes,
                m.database,
                match &m.verification {
                    Some(v) if v.ok => "verified",
                    Some(_) => "FAILED its drill",
                    None => "not verified",
                },
                m.uploaded
                    .as_ref()
                    .map(|u| format!(", uploaded to {}", u.to))
                    .unwrap_or_default()
            );
        }
    }
    Ok(exit::OK)
}

/// Downloads a backup from object storage.
pub async fn download(config: Option<&Path>, args: &crate::cli::DownloadArgs) -> CommandResult {
    let dest = destination(&args.from)?;
    if let Some(name) = &args.name {
        if !name.starts_with("ploy-") || name.contains('/') || name.contains("..") {
            return Err(CommandError::usage(format!(
                "{name:?} is not a backup's name (ploy-…)"
            )));
        }
    }
    let store = bucket(config, &dest)?;
    let manifest = offsite::download(&store, &dest, args.name.as_deref(), &args.out)
        .await
        .map_err(|e| failed(&e))?;
    if args.json {
        print_json(&manifest);
    } else {
        println!(
            "downloaded {} ({} bytes, sha256 checked) into {}",
            manifest.name,
            manifest.bytes,
            args.out.display()
        );
    }
    Ok(exit::OK)
}
