//! Copies of backups in S3-compatible object storage (`s3://bucket/prefix`),
//! through the `object_store` crate.
//!
//! Credentials are the host's own: `AWS_*` variables from the environment or
//! the `.env` beside the config (access keys, a session token, a web
//! identity or container credentials), else the EC2 instance role. They are
//! registered with the log scrubber and never printed. `AWS_ENDPOINT_URL`
//! points at another S3-compatible store (MinIO, R2, a test server).
//!
//! An upload sends the archive (multipart above 8 MiB), checks the stored
//! size, and only then the manifest, so a backup whose manifest is listed is
//! whole; an interrupted multipart upload is invisible to a listing (a
//! bucket lifecycle rule `AbortIncompleteMultipartUpload` reclaims its
//! parts). A download lands under a temporary name and is renamed once its
//! sha256 matches the manifest.

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path as Key;
use object_store::{
    ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig, WriteMultipart,
};
pub use ploy_api::backup::Destination;
use ploy_api::backup::{BackupManifest, Upload};
use tokio::io::AsyncReadExt;

use super::files::{self, parse_manifest};
use super::{io, BackupError};
use crate::config::Env;

/// A bucket.
pub type Store = AmazonS3;

/// Parts of a multipart upload.
const PART: usize = 8 << 20;

/// Where `file` lives under the destination.
fn object_key(dest: &Destination, file: &str) -> Key {
    Key::from(dest.object(file))
}

fn offsite(dest: &Destination, what: &str, e: impl std::fmt::Display) -> BackupError {
    let said = e
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    BackupError::Offsite(format!("{what} {dest}: {said}"))
}

/// The bucket, with the host's credentials from `env`.
pub fn connect(dest: &Destination, env: &Env) -> Result<AmazonS3, BackupError> {
    // Client options first: setting them replaces the whole set, allow_http too.
    let mut builder = AmazonS3Builder::new().with_client_options(
        ClientOptions::new()
            .with_connect_timeout(Duration::from_secs(5))
            .with_timeout(Duration::from_secs(300)),
    );
    let mut secrets = Vec::new();
    for (key, value) in env.iter() {
        if !key.starts_with("AWS_") || value.is_empty() {
            continue;
        }
        if matches!(
            key,
            "AWS_SECRET_ACCESS_KEY" | "AWS_SESSION_TOKEN" | "AWS_SSE_CUSTOMER_KEY_BASE64"
        ) {
            secrets.push(value.to_owned());
        }
        if let Ok(config_key) = key.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
            builder = builder.with_config(config_key, value);
        }
    }
    crate::redact::register(secrets);
    let endpoint = env
        .get("AWS_ENDPOINT_URL_S3")
        .or_else(|| env.get("AWS_ENDPOINT_URL"));
    if env.get("AWS_REGION").is_none() && env.get("AWS_DEFAULT_REGION").is_none() {
        builder = builder.with_region("us-east-1");
    }
    if let Some(endpoint) = endpoint {
        builder = builder
            .with_allow_http(endpoint.starts_with("http://"))
            .with_virtual_hosted_style_request(false);
    }
    builder
        .with_bucket_name(&dest.bucket)
        .with_retry(RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(30),
            ..RetryConfig::default()
        })
        .build()
        .map_err(|e| offsite(dest, "cannot use", e))
}

/// Uploads the backup `manifest` (in `dir`): the archive, its size checked,
/// then the manifest. Returns the local manifest with its upload recorded.
pub async fn upload(
    store: &Store,
    dest: &Destination,
    dir: &Path,
    manifest: &BackupManifest,
    now_ms: i64,
) -> Result<BackupManifest, BackupError> {
    let archive = dir.join(&manifest.file);
    let key = object_key(dest, &manifest.file);
    let mut file = tokio::fs::File::open(&archive)
        .await
        .map_err(io("cannot read", &archive))?;
    let size = file
        .metadata()
        .await
        .map_err(io("cannot read", &archive))?
        .len();
    if size <= PART as u64 {
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        file.read_to_end(&mut bytes)
            .await
            .map_err(io("cannot read", &archive))?;
        store
            .put(&key, PutPayload::from(bytes))
            .await
            .map_err(|e| offsite(dest, "cannot upload to", e))?;
    } else {
        let upload = store
            .put_multipart(&key)
            .await
            .map_err(|e| offsite(dest, "cannot upload to", e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut buf = vec![0u8; 1 << 20];
        let sent = async {
            loop {
                let n = file
                    .read(&mut buf)
                    .await
                    .map_err(io("cannot read", &archive))?;
                if n == 0 {
                    break;
                }
                writer
                    .wait_for_capacity(4)
                    .await
                    .map_err(|e| offsite(dest, "cannot upload to", e))?;
                writer.write(&buf[..n]);
            }
            Ok::<_, BackupError>(())
        }
        .await;
        match sent {
            Ok(()) => {
                writer
                    .finish()
                    .await
                    .map_err(|e| offsite(dest, "cannot finish the upload to", e))?;
            },
            Err(e) => {
                let _ = writer.abort().await;
                return Err(e);
            },
        }
    }
    let stored = store
        .head(&key)
        .await
        .map_err(|e| offsite(dest, "cannot read back", e))?;
    if stored.size != size {
        return Err(BackupError::Offsite(format!(
            "{dest}/{}: {} bytes stored, {size} sent",
            manifest.file, stored.size
        )));
    }
    let mut remote = manifest.clone();
    remote.uploaded = None;
    store
        .put(
            &object_key(dest, &format!("{}.json", manifest.name)),
            PutPayload::from(serde_json::to_vec_pretty(&remote).expect("manifest serializes")),
        )
        .await
        .map_err(|e| offsite(dest, "cannot upload to", e))?;
    let mut local = manifest.clone();
    local.uploaded = Some(Upload {
        to: dest.to_string(),
        at_ms: now_ms,
    });
    Ok(local)
}

/// Every whole backup under the destination (its manifest there, and its
/// archive of the recorded size), newest first.
pub async fn list(store: &Store, dest: &Destination) -> Result<Vec<BackupManifest>, BackupError> {
    let prefix = (!dest.prefix.is_empty()).then(|| Key::from(dest.prefix.as_str()));
    let mut objects = store.list(prefix.as_ref());
    let mut sizes = std::collections::BTreeMap::new();
    let mut manifests = Vec::new();
    while let Some(meta) = objects.next().await {
        let meta = meta.map_err(|e| offsite(dest, "cannot list", e))?;
        let Some(file) = meta.location.filename().map(str::to_owned) else {
            continue;
        };
        if file.starts_with("ploy-") && file.ends_with(".json") {
            manifests.push(meta.location.clone());
        }
        sizes.insert(file, meta.size);
    }
    let mut out = Vec::new();
    for key in manifests {
        let bytes = store
            .get(&key)
            .await
            .map_err(|e| offsite(dest, "cannot read", e))?
            .bytes()
            .await
            .map_err(|e| offsite(dest, "cannot read", e))?;
        let Ok(manifest) = parse_manifest(&String::from_utf8_lossy(&bytes), key.as_ref()) else {
            continue;
        };
        if sizes.get(&manifest.file) == Some(&manifest.bytes) {
            out.push(manifest);
        }
    }
    out.sort_by_key(|m| std::cmp::Reverse(m.created_at_ms));
    Ok(out)
}

/// Downloads backup `name` (the newest when `None`) into `dir`: the archive
/// under a temporary name, renamed once its sha256 matches, then the
/// manifest. Returns the manifest.
pub async fn download(
    store: &Store,
    dest: &Destination,
    name: Option<&str>,
    dir: &Path,
) -> Result<BackupManifest, BackupError> {
    let all = list(store, dest).await?;
    let manifest = match name {
        Some(n) => all.into_iter().find(|m| m.name == n).ok_or_else(|| {
            BackupError::Offsite(format!("{dest} holds no whole backup named {n}"))
        })?,
        None => all
            .into_iter()
            .next()
            .ok_or_else(|| BackupError::Offsite(format!("{dest} holds no whole backup")))?,
    };
    std::fs::create_dir_all(dir).map_err(io("cannot create", dir))?;
    files::clean_leftovers(dir);
    files::ensure_space(dir, manifest.bytes + (1 << 20))?;
    let tmp = dir.join(format!(".tmp-{}", manifest.file));
    let fetched = async {
        let mut stream = store
            .get(&object_key(dest, &manifest.file))
            .await
            .map_err(|e| offsite(dest, "cannot download from", e))?
            .into_stream();
        let mut out = tokio::fs::File::create(&tmp)
            .await
            .map_err(io("cannot write", &tmp))?;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| offsite(dest, "cannot download from", e))?;
            tokio::io::AsyncWriteExt::write_all(&mut out, &chunk)
                .await
                .map_err(io("cannot write", &tmp))?;
        }
        out.sync_all().await.map_err(io("cannot write", &tmp))?;
        let digest = files::sha256_file(&tmp)?;
        if digest != manifest.sha256 {
            return Err(BackupError::Offsite(format!(
                "{dest}/{}: sha256 {digest}, the manifest says {}: the copy is truncated or changed",
                manifest.file, manifest.sha256
            )));
        }
        Ok(())
    }
    .await;
    if let Err(e) = fetched {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let archive = dir.join(&manifest.file);
    std::fs::rename(&tmp, &archive).map_err(io("cannot rename into", &archive))?;
    let mut local = manifest.clone();
    local.uploaded = Some(Upload {
        to: dest.to_string(),
        at_ms: manifest.created_at_ms,
    });
    files::write_manifest(&dir.join(format!("{}.json", manifest.name)), &local)?;
    Ok(local)
}
