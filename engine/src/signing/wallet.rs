//! The signing key: a secp256k1 key whose `Debug` never shows it.

use alloy_primitives::{Address, Signature, B256};
use k256::ecdsa::SigningKey;

use crate::config::Secret;

/// Why a key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalletError {
    /// Not 32 bytes of hex, or not a valid secp256k1 scalar. The key is never echoed.
    #[error("the private key is not a valid secp256k1 key (expected 64 hex digits)")]
    BadKey,
}

/// A private key and its address.
#[derive(Clone)]
pub struct Wallet {
    key: SigningKey,
    address: Address,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Wallet {
    /// A wallet from a hex key (`0x` optional).
    pub fn from_secret(secret: &Secret) -> Result<Self, WalletError> {
        let hex = secret.expose().trim();
        let hex = hex.strip_prefix("0x").unwrap_or(hex);
        if hex.len() != 64 {
            return Err(WalletError::BadKey);
        }
        let mut bytes = [0u8; 32];
        for (i, chunk) in hex.as_bytes().chunks(2).enumerate() {
            let text = std::str::from_utf8(chunk).map_err(|_| WalletError::BadKey)?;
            bytes[i] = u8::from_str_radix(text, 16).map_err(|_| WalletError::BadKey)?;
        }
        let key = SigningKey::from_slice(&bytes).map_err(|_| WalletError::BadKey)?;
        let address = Address::from_public_key(key.verifying_key());
        Ok(Self { key, address })
    }

    /// The address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Signs a 32-byte hash; returns the 65-byte `r || s || v` signature (v = 27/28).
    pub fn sign_hash(&self, hash: B256) -> Signature {
        let (signature, recovery) = self
            .key
            .sign_prehash_recoverable(hash.as_slice())
            .expect("signing a 32-byte prehash cannot fail");
        Signature::from_signature_and_parity(signature, recovery.is_y_odd())
    }

    /// [`sign_hash`](Self::sign_hash) as `0x`-prefixed hex.
    pub fn sign_hash_hex(&self, hash: B256) -> String {
        format!(
            "0x{}",
            alloy_primitives::hex::encode(self.sign_hash(hash).as_bytes())
        )
    }
}

/// The address that signed `hash`, from a `0x` hex 65-byte signature.
pub fn recover_signer(hash: B256, signature_hex: &str) -> Option<Address> {
    let hex = signature_hex.strip_prefix("0x").unwrap_or(signature_hex);
    let bytes = alloy_primitives::hex::decode(hex).ok()?;
    let signature = Signature::try_from(bytes.as_slice()).ok()?;
    signature.recover_address_from_prehash(&hash).ok()
}
