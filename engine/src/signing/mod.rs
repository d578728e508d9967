//! Polymarket signatures, all pure (no network): EIP-712 orders for the V2 and
//! V3 exchanges, the L1 `ClobAuth` message that creates or derives API keys,
//! and the L2 HMAC over each authenticated request.
//!
//! Every published vector in `fixtures/polymarket/TEST_VECTORS.md` is a test
//! here, byte for byte.

mod hmac;
mod wallet;

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{eip712_domain, sol, Eip712Domain, SolStruct};

pub use self::hmac::{hmac_signature, l2_message, l2_signature, HmacError};
pub use self::wallet::{recover_signer, Wallet, WalletError};

sol! {
    /// The V2/V3 exchange order, exactly as signed.
    #[derive(Debug, PartialEq, Eq)]
    struct Order {
        uint256 salt;
        address maker;
        address signer;
        uint256 tokenId;
        uint256 makerAmount;
        uint256 takerAmount;
        uint8 side;
        uint8 signatureType;
        uint256 timestamp;
        bytes32 metadata;
        bytes32 builder;
    }

    /// The L1 authentication message.
    #[derive(Debug, PartialEq, Eq)]
    struct ClobAuth {
        address address;
        string timestamp;
        uint256 nonce;
        string message;
    }
}

/// The text every `ClobAuth` carries.
pub const CLOB_AUTH_MESSAGE: &str = "This message attests that I control the given wallet";

/// Which exchange contract an order is signed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exchange {
    /// CTF Exchange V2 (binary markets).
    V2,
    /// Neg-risk CTF Exchange V2 (multi-outcome markets).
    NegRiskV2,
    /// CTF Exchange V3.
    V3,
}

impl Exchange {
    /// The contract address.
    pub fn address(self) -> Address {
        match self {
            Exchange::V2 => address!("E111180000d2663C0091e4f400237545B87B996B"),
            Exchange::NegRiskV2 => address!("e2222d279d744050d28e00520010520000310F59"),
            Exchange::V3 => address!("e3333700cA9d93003F00f0F71f8515005F6c00Aa"),
        }
    }

    /// The EIP-712 domain version.
    pub fn version(self) -> &'static str {
        match self {
            Exchange::V2 | Exchange::NegRiskV2 => "2",
            Exchange::V3 => "3",
        }
    }

    /// The exchange for a market: neg-risk or not.
    pub fn for_market(neg_risk: bool) -> Self {
        if neg_risk {
            Exchange::NegRiskV2
        } else {
            Exchange::V2
        }
    }

    /// The EIP-712 domain on `chain_id`.
    pub fn domain(self, chain_id: u64) -> Eip712Domain {
        Eip712Domain::new(
            Some("Polymarket CTF Exchange".into()),
            Some(self.version().into()),
            Some(U256::from(chain_id)),
            Some(self.address()),
            None,
        )
    }
}

/// The order's EIP-712 hash: what is signed, and the exchange's order ID.
pub fn order_hash(order: &Order, exchange: Exchange, chain_id: u64) -> B256 {
    order.eip712_signing_hash(&exchange.domain(chain_id))
}

/// Signs an order; returns its hash and the 65-byte signature as `0x` hex.
pub fn sign_order(
    wallet: &Wallet,
    order: &Order,
    exchange: Exchange,
    chain_id: u64,
) -> (B256, String) {
    let hash = order_hash(order, exchange, chain_id);
    (hash, wallet.sign_hash_hex(hash))
}

/// The EIP-712 hash of the L1 `ClobAuth` message for `address`.
pub fn clob_auth_hash(address: Address, chain_id: u64, timestamp: &str, nonce: u64) -> B256 {
    let domain = eip712_domain! {
        name: "ClobAuthDomain",
        version: "1",
        chain_id: chain_id,
    };
    let message = ClobAuth {
        address,
        timestamp: timestamp.to_owned(),
        nonce: U256::from(nonce),
        message: CLOB_AUTH_MESSAGE.to_owned(),
    };
    message.eip712_signing_hash(&domain)
}

/// The L1 `ClobAuth` signature (`POLY_SIGNATURE` of create/derive API key).
pub fn clob_auth_signature(wallet: &Wallet, chain_id: u64, timestamp: &str, nonce: u64) -> String {
    wallet.sign_hash_hex(clob_auth_hash(wallet.address(), chain_id, timestamp, nonce))
}

#[cfg(test)]
mod vectors;
