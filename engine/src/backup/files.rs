//! Files of a backup: manifests written by a rename, sha256, gzip, the
//! leftovers of an interrupted run, the free space of a folder.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use ploy_api::backup::{BackupManifest, MANIFEST_FORMAT};

use super::{io, BackupError};

pub(super) fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Free bytes on the filesystem holding `dir` (for an unprivileged user).
pub(super) fn free_bytes(dir: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

/// Refuses a snapshot of about `needed` bytes into `dir` when it has less.
pub(super) fn ensure_space(dir: &Path, needed: u64) -> Result<(), BackupError> {
    match free_bytes(dir) {
        Some(free) if free < needed => Err(BackupError::NoSpace {
            dir: dir.display().to_string(),
            free,
            needed,
        }),
        _ => Ok(()),
    }
}

pub(super) fn sha256_file(path: &Path) -> Result<String, BackupError> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path).map_err(io("cannot read", path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(io("cannot read", path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames
/// it over `path`.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut file = std::fs::File::create(&tmp).map_err(io("cannot write", &tmp))?;
    file.write_all(bytes).map_err(io("cannot write", &tmp))?;
    file.sync_all().map_err(io("cannot write", &tmp))?;
    std::fs::rename(&tmp, path).map_err(io("cannot rename into", path))
}

/// Writes a manifest (by a rename).
pub fn write_manifest(path: &Path, manifest: &BackupManifest) -> Result<(), BackupError> {
    write_atomically(
        path,
        &serde_json::to_vec_pretty(manifest).expect("manifest serializes"),
    )
}

/// Reads a manifest.
pub fn read_manifest(path: &Path) -> Result<BackupManifest, BackupError> {
    let text = std::fs::read_to_string(path).map_err(io("cannot read", path))?;
    parse_manifest(&text, &path.display().to_string())
}

/// Parses a manifest's text; `origin` names it in errors.
pub(super) fn parse_manifest(text: &str, origin: &str) -> Result<BackupManifest, BackupError> {
    let manifest: BackupManifest =
        serde_json::from_str(text).map_err(|e| BackupError::Manifest {
            path: origin.to_owned(),
            message: format!("not a backup manifest: {e}"),
        })?;
    if manifest.format > MANIFEST_FORMAT {
        return Err(BackupError::Manifest {
            path: origin.to_owned(),
            message: format!(
                "manifest format {} is newer than this release reads ({MANIFEST_FORMAT}); use a newer ploy",
                manifest.format
            ),
        });
    }
    if !is_plain_file_name(&manifest.file) || !is_plain_file_name(&manifest.name) {
        return Err(BackupError::Manifest {
            path: origin.to_owned(),
            message: "the manifest names a file outside its folder".to_owned(),
        });
    }
    Ok(manifest)
}

/// A file name with no folder in it.
pub(super) fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains('/')
        && !name.contains('\\')
        && name != ".."
}

/// Every readable manifest in `dir` (`ploy-*.json`), newest first; those
/// that cannot be read are skipped.
pub fn list_local(dir: &Path) -> Vec<BackupManifest> {
    let mut out: Vec<BackupManifest> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    n.starts_with("ploy-") && n.ends_with(".json")
                })
                .filter_map(|e| read_manifest(&e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    out.sort_by_key(|m| std::cmp::Reverse(m.created_at_ms));
    out
}

/// Removes what an interrupted backup, drill or download left (`.tmp-*`,
/// `.verify-*`, `*.json.tmp`).
pub(super) fn clean_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".tmp-") || name.starts_with(".verify-") || name.ends_with(".json.tmp")
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Removes an SQLite file and its `-wal`, `-shm` and `-journal`.
pub(super) fn remove_sqlite_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// `path` with `suffix` appended to its name.
pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

pub(super) fn gzip(from: &Path, to: &Path) -> Result<(), BackupError> {
    let mut input = std::fs::File::open(from).map_err(io("cannot read", from))?;
    let output = std::fs::File::create(to).map_err(io("cannot write", to))?;
    let mut encoder = flate2::write::GzEncoder::new(output, flate2::Compression::fast());
    std::io::copy(&mut input, &mut encoder).map_err(io("cannot compress into", to))?;
    let file = encoder.finish().map_err(io("cannot compress into", to))?;
    file.sync_all().map_err(io("cannot write", to))
}

pub(super) fn gunzip(from: &Path, to: &Path) -> Result<(), BackupError> {
    let input = std::fs::File::open(from).map_err(io("cannot read", from))?;
    let mut decoder = flate2::read::GzDecoder::new(input);
    let mut output = std::fs::File::create(to).map_err(io("cannot write", to))?;
    std::io::copy(&mut decoder, &mut output).map_err(io("cannot decompress", from))?;
    output.sync_all().map_err(io("cannot write", to))
}

/// Syncs a folder, so a rename in it survives a power cut.
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
