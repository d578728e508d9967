//! L2 authentication: HMAC-SHA256 over `timestamp + METHOD + path + body` with
//! the URL-safe-base64 API secret, written as URL-safe base64 with padding.

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The API secret could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("POLYMARKET_SECRET is not URL-safe base64")]
pub struct HmacError;

/// The signed message: `timestamp + METHOD + path + body` (path without query).
pub fn l2_message(timestamp: &str, method: &str, path: &str, body: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    format!("{timestamp}{}{path}{body}", method.to_ascii_uppercase())
}

/// `POLY_SIGNATURE` for an L2 request.
pub fn l2_signature(
    secret: &str,
    timestamp: &str,
    method: &str,
    path: &str,
    body: &str,
) -> Result<String, HmacError> {
    hmac_signature(secret, &l2_message(timestamp, method, path, body))
}

/// HMAC-SHA256 of `message` under the URL-safe-base64 `secret`, as URL-safe base64.
pub fn hmac_signature(secret: &str, message: &str) -> Result<String, HmacError> {
    let trimmed = secret.trim();
    let key = URL_SAFE
        .decode(trimmed)
        .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed.trim_end_matches('=')))
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(trimmed))
        .map_err(|_| HmacError)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| HmacError)?;
    mac.update(message.as_bytes());
    Ok(URL_SAFE.encode(mac.finalize().into_bytes()))
}
