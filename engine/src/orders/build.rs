//! Signed V2 orders: from (token, side, price, size, tick size, neg-risk,
//! signature type, funder) to the exact JSON body `POST /order` receives.
//!
//! The order ID is the EIP-712 hash, known before anything is sent, so an
//! order is stored with its ID before it is posted and can always be looked up.

use alloy_primitives::{Address, B256, U256};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::amounts::{order_amounts, AmountError};
use super::{OrderHash, Side, TokenId};
use crate::config::SignatureType;
use crate::signing::{sign_order, Exchange, Order, Wallet};

/// Largest salt: the exchange reads it as a JSON number (2^53 − 1).
pub const MAX_SALT: u64 = (1 << 53) - 1;

/// How long an order lives on the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderType {
    /// Good till cancelled.
    #[serde(rename = "GTC")]
    Gtc,
    /// Good till date (`expiration`).
    #[serde(rename = "GTD")]
    Gtd,
    /// Fill or kill.
    #[serde(rename = "FOK")]
    Fok,
    /// Fill and kill (immediate or cancel).
    #[serde(rename = "FAK")]
    Fak,
}

/// Who signs, for whom, on which chain.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The signing key.
    pub wallet: Wallet,
    /// EOA, proxy or Safe.
    pub signature_type: SignatureType,
    /// The funds wallet (proxy/Safe); the maker when set.
    pub funder: Option<Address>,
    /// Chain.
    pub chain_id: u64,
    /// The API key the order is posted under (`owner`).
    pub owner: String,
}

/// What to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    /// Token.
    pub token_id: TokenId,
    /// Side.
    pub side: Side,
    /// Limit price.
    pub price: Decimal,
    /// Size in shares.
    pub size: Decimal,
    /// The market's tick size.
    pub tick_size: Decimal,
    /// Neg-risk market (signed for the neg-risk exchange).
    pub neg_risk: bool,
    /// Sign for the V3 exchange instead of V2.
    pub v3: bool,
    /// GTC, GTD, FOK, FAK.
    pub order_type: OrderType,
    /// Rest only; never take.
    pub post_only: bool,
    /// Unique number (≤ 2^53 − 1).
    pub salt: u64,
    /// Creation time, Unix milliseconds.
    pub timestamp_ms: u64,
    /// GTD only: when the order expires, Unix seconds (at least a minute
    /// after `timestamp_ms`, the exchange's own margin).
    pub expiration_secs: Option<u64>,
}

/// Why an order cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// Bad price or size.
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// The token ID is not a decimal number.
    #[error("token ID {0:?} is not a decimal number")]
    TokenId(String),
    /// The salt is too large for a JSON number.
    #[error("salt {0} is above 2^53 - 1")]
    Salt(u64),
    /// Proxy/Safe signing needs a funder.
    #[error("signature type {0:?} needs a funder address (exchange.funder)")]
    NoFunder(SignatureType),
    /// Post-only with a type that takes.
    #[error("post-only orders must be GTC or GTD")]
    PostOnlyType,
    /// GTD without an expiration.
    #[error("a GTD order needs an expiration (--expiration)")]
    NoExpiration,
    /// An expiration on a type that does not expire.
    #[error("only GTD orders expire; drop the expiration or use --order-type GTD")]
    ExpirationType,
    /// An expiration too soon.
    #[error(
        "expiration {0} is less than a minute after the order's time; the exchange refuses it"
    )]
    ExpirationTooSoon(u64),
}

/// The signed order as posted: `{"order": {...}, "owner": ..., "orderType": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostOrderBody {
    /// The signed order.
    pub order: WireOrder,
    /// API key.
    pub owner: String,
    /// Order type.
    #[serde(rename = "orderType")]
    pub order_type: OrderType,
    /// Rest only.
    #[serde(rename = "postOnly", default)]
    pub post_only: bool,
    /// Deferred execution (unused: false).
    #[serde(rename = "deferExec", default)]
    pub defer_exec: bool,
}

/// The order object of the body, field for field as the exchange reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireOrder {
    /// Salt (JSON number).
    pub salt: u64,
    /// Maker address.
    pub maker: String,
    /// Signer address.
    pub signer: String,
    /// Token ID (decimal string).
    #[serde(rename = "tokenId")]
    pub token_id: String,
    /// Maker amount (6-decimal fixed point, decimal string).
    #[serde(rename = "makerAmount")]
    pub maker_amount: String,
    /// Taker amount.
    #[serde(rename = "takerAmount")]
    pub taker_amount: String,
    /// "BUY" / "SELL".
    pub side: String,
    /// Expiration (Unix seconds, "0" = none); sent, not signed.
    pub expiration: String,
    /// 0 EOA, 1 proxy, 2 Safe.
    #[serde(rename = "signatureType")]
    pub signature_type: u8,
    /// Creation time in ms.
    pub timestamp: String,
    /// bytes32.
    pub metadata: String,
    /// bytes32.
    pub builder: String,
    /// 65-byte signature, hex.
    pub signature: String,
}

impl WireOrder {
    /// The EIP-712 struct this wire order claims to be (for verification).
    pub fn to_order(&self) -> Option<Order> {
        Some(Order {
            salt: U256::from(self.salt),
            maker: self.maker.parse().ok()?,
            signer: self.signer.parse().ok()?,
            tokenId: U256::from_str_radix(&self.token_id, 10).ok()?,
            makerAmount: U256::from_str_radix(&self.maker_amount, 10).ok()?,
            takerAmount: U256::from_str_radix(&self.taker_amount, 10).ok()?,
            side: match self.side.as_str() {
                "BUY" => 0,
                "SELL" => 1,
                _ => return None,
            },
            signatureType: self.signature_type,
            timestamp: U256::from_str_radix(&self.timestamp, 10).ok()?,
            metadata: self.metadata.parse().ok()?,
            builder: self.builder.parse().ok()?,
        })
    }
}

/// A signed order, ready to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOrder {
    /// The order ID (EIP-712 hash).
    pub hash: OrderHash,
    /// The exchange it is signed for.
    pub exchange: Exchange,
    /// The body.
    pub body: PostOrderBody,
    /// The body as the exact JSON bytes that are posted (and HMAC-signed).
    pub json: String,
}

/// Builds and signs an order.
pub fn build_signed(request: &OrderRequest, signer: &Signer) -> Result<SignedOrder, BuildError> {
    let amounts = order_amounts(request.side, request.price, request.size, request.tick_size)?;
    if request.salt > MAX_SALT {
        return Err(BuildError::Salt(request.salt));
    }
    if request.post_only && !matches!(request.order_type, OrderType::Gtc | OrderType::Gtd) {
        return Err(BuildError::PostOnlyType);
    }
    let expiration = match (request.order_type, request.expiration_secs) {
        (OrderType::Gtd, None) => return Err(BuildError::NoExpiration),
        (OrderType::Gtd, Some(at)) if at < request.timestamp_ms / 1000 + 60 => {
            return Err(BuildError::ExpirationTooSoon(at))
        },
        (OrderType::Gtd, Some(at)) => at,
        (_, Some(_)) => return Err(BuildError::ExpirationType),
        (_, None) => 0,
    };
    let token = U256::from_str_radix(request.token_id.as_str(), 10)
        .map_err(|_| BuildError::TokenId(request.token_id.to_string()))?;
    let signer_address = signer.wallet.address();
    let maker = match signer.signature_type {
        SignatureType::Eoa => signer.funder.unwrap_or(signer_address),
        other => signer.funder.ok_or(BuildError::NoFunder(other))?,
    };
    let order = Order {
        salt: U256::from(request.salt),
        maker,
        signer: signer_address,
        tokenId: token,
        makerAmount: U256::from(amounts.maker),
        takerAmount: U256::from(amounts.taker),
        side: request.side.as_u8(),
        signatureType: signer.signature_type.as_u8(),
        timestamp: U256::from(request.timestamp_ms),
        metadata: B256::ZERO,
        builder: B256::ZERO,
    };
    let exchange = if request.v3 {
        Exchange::V3
    } else {
        Exchange::for_market(request.neg_risk)
    };
    let (hash, signature) = sign_order(&signer.wallet, &order, exchange, signer.chain_id);
    let body = PostOrderBody {
        order: WireOrder {
            salt: request.salt,
            maker: maker.to_checksum(None),
            signer: signer_address.to_checksum(None),
            token_id: request.token_id.to_string(),
            maker_amount: amounts.maker.to_string(),
            taker_amount: amounts.taker.to_string(),
            side: request.side.as_str().to_owned(),
            expiration: expiration.to_string(),
            signature_type: signer.signature_type.as_u8(),
            timestamp: request.timestamp_ms.to_string(),
            metadata: B256::ZERO.to_string(),
            builder: B256::ZERO.to_string(),
            signature,
        },
        owner: signer.owner.clone(),
        order_type: request.order_type,
        post_only: request.post_only,
        defer_exec: false,
    };
    let json = serde_json::to_string(&body).expect("an order body serializes");
    Ok(SignedOrder {
        hash: OrderHash(hash.to_string()),
        exchange,
        body,
        json,
    })
}

/// A fresh random salt (≤ 2^53 − 1).
pub fn random_salt() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    u64::from_le_bytes(bytes) & MAX_SALT
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::config::Secret;
    use crate::signing::{order_hash, recover_signer};

    fn signer(kind: SignatureType, funder: Option<Address>) -> Signer {
        Signer {
            wallet: Wallet::from_secret(&Secret::new(
                "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
            ))
            .unwrap(),
            signature_type: kind,
            funder,
            chain_id: 137,
            owner: "00000000-0000-0000-0000-000000000000".into(),
        }
    }

    fn request() -> OrderRequest {
        OrderRequest {
            token_id:
                "71321045679252212594626385532706912750332728571942532289631379312455583992563"
                    .into(),
            side: Side::Buy,
            price: dec!(0.56),
            size: dec!(21.04),
            tick_size: dec!(0.01),
            neg_risk: false,
            v3: false,
            order_type: OrderType::Gtc,
            post_only: true,
            salt: 479_249_096_354,
            timestamp_ms: 1_764_000_000_000,
            expiration_secs: None,
        }
    }

    #[test]
    fn body_round_trips_and_its_signer_recovers() {
        for (neg_risk, v3, exchange) in [
            (false, false, Exchange::V2),
            (true, false, Exchange::NegRiskV2),
            (false, true, Exchange::V3),
        ] {
            let req = OrderRequest {
                neg_risk,
                v3,
                ..request()
            };
            let signed = build_signed(&req, &signer(SignatureType::Eoa, None)).unwrap();
            assert_eq!(signed.exchange, exchange);
            let parsed: PostOrderBody = serde_json::from_str(&signed.json).unwrap();
            assert_eq!(parsed, signed.body);
            let order = parsed.order.to_order().unwrap();
            let hash = order_hash(&order, exchange, 137);
            assert_eq!(hash.to_string(), signed.hash.0);
            assert_eq!(
                recover_signer(hash, &parsed.order.signature),
                Some(signer(SignatureType::Eoa, None).wallet.address())
            );
            assert_eq!(parsed.order.maker_amount, "11782400");
            assert_eq!(parsed.order.taker_amount, "21040000");
        }
    }

    #[test]
    fn exact_body_shape() {
        let signed = build_signed(&request(), &signer(SignatureType::Eoa, None)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&signed.json).unwrap();
        let keys: Vec<&str> = v["order"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "builder",
                "expiration",
                "maker",
                "makerAmount",
                "metadata",
                "salt",
                "side",
                "signature",
                "signatureType",
                "signer",
                "takerAmount",
                "timestamp",
                "tokenId"
            ]
        );
        assert!(v["order"]["salt"].is_u64(), "salt is a JSON number");
        assert_eq!(v["order"]["side"], "BUY");
        assert_eq!(v["order"]["signatureType"], 0);
        assert_eq!(v["order"]["expiration"], "0");
        assert_eq!(
            v["order"]["maker"],
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        assert_eq!(v["orderType"], "GTC");
        assert_eq!(v["postOnly"], true);
        assert_eq!(v["owner"], "00000000-0000-0000-0000-000000000000");
        assert!(
            signed
                .json
                .starts_with("{\"order\":{\"salt\":479249096354,\"maker\":"),
            "{}",
            signed.json
        );
    }

    #[test]
    fn proxy_and_safe_sign_for_the_funder() {
        let funder: Address = "0x365f0cA36ae1F641E02Fe3b7743673DA42A13a70"
            .parse()
            .unwrap();
        for kind in [SignatureType::PolyProxy, SignatureType::PolyGnosisSafe] {
            let signed = build_signed(&request(), &signer(kind, Some(funder))).unwrap();
            assert_eq!(signed.body.order.maker, funder.to_checksum(None));
            assert_eq!(
                signed.body.order.signer,
                "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
            );
            assert_eq!(signed.body.order.signature_type, kind.as_u8());
            assert_eq!(
                build_signed(&request(), &signer(kind, None)),
                Err(BuildError::NoFunder(kind))
            );
        }
    }

    #[test]
    fn invalid_requests_fail_clearly() {
        let s = signer(SignatureType::Eoa, None);
        let e = build_signed(
            &OrderRequest {
                size: dec!(1.234),
                ..request()
            },
            &s,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "size 1.234 has 3 decimal places; the lot size allows 2"
        );
        let e = build_signed(
            &OrderRequest {
                salt: 1 << 53,
                ..request()
            },
            &s,
        )
        .unwrap_err();
        assert_eq!(e, BuildError::Salt(1 << 53));
        let e = build_signed(
            &OrderRequest {
                token_id: "0xabc".into(),
                ..request()
            },
            &s,
        )
        .unwrap_err();
        assert!(matches!(e, BuildError::TokenId(_)));
        let e = build_signed(
            &OrderRequest {
                order_type: OrderType::Fok,
                ..request()
            },
            &s,
        )
        .unwrap_err();
        assert_eq!(e, BuildError::PostOnlyType);
        let gtd = |at: Option<u64>| OrderRequest {
            order_type: OrderType::Gtd,
            expiration_secs: at,
            ..request()
        };
        assert_eq!(
            build_signed(&gtd(None), &s).unwrap_err(),
            BuildError::NoExpiration
        );
        assert_eq!(
            build_signed(&gtd(Some(1_764_000_030)), &s).unwrap_err(),
            BuildError::ExpirationTooSoon(1_764_000_030)
        );
        let signed = build_signed(&gtd(Some(1_764_000_600)), &s).unwrap();
        assert_eq!(
            signed.body.order.expiration, "1764000600",
            "GTD carries its expiration"
        );
        let e = build_signed(
            &OrderRequest {
                expiration_secs: Some(1_764_000_600),
                ..request()
            },
            &s,
        )
        .unwrap_err();
        assert_eq!(e, BuildError::ExpirationType);
        assert!(random_salt() <= MAX_SALT);
    }
}
