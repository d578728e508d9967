//! The published test vectors (fixtures/polymarket/TEST_VECTORS.md), as tables.

use alloy_primitives::{b256, Address, B256, U256};

use super::*;
use crate::config::Secret;

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

fn wallet() -> Wallet {
    Wallet::from_secret(&Secret::new(DEV_KEY)).unwrap()
}

#[test]
fn dev_key_address() {
    assert_eq!(
        wallet().address(),
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
            .parse::<Address>()
            .unwrap()
    );
}

#[test]
fn l1_clob_auth_vectors() {
    let cases = [
        (
            80002,
            "10000000",
            23,
            "0xf62319a987514da40e57e2f4d7529f7bac38f0355bd88bb5adbb3768d80de6c1682518e0af677d5260366425f4361e7b70c25ae232aff0ab2331e2b164a1aedc1b",
        ),
        (
            137,
            "100000",
            0,
            "0xfdfb5abf512e439ea61c8595c18e527e718bf16010acf57cef51d09e15893098275d3c6f73038f36ec0cd0ce55436fca14dc64b11611f4dce896e354207508cc1b",
        ),
    ];
    for (chain, ts, nonce, expected) in cases {
        assert_eq!(
            clob_auth_signature(&wallet(), chain, ts, nonce),
            expected,
            "chain {chain} ts {ts}"
        );
    }
}

#[test]
fn l2_hmac_vectors() {
    let zero = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    // The official tests sign these messages as they are.
    for (message, expected) in [
        (
            "1000000test-sign/orders{\"hash\": \"0x123\"}",
            "ZwAdJKvoYRlEKDkNMwd5BuwNNtg93kNaR_oU2HrfVvc=",
        ),
        (
            "1000000test-sign/orders{\"hash\":\"0x123\"}",
            "4gJVbox-R6XlDK4nlaicig0_ANVL1qdcahiL8CXfXLM=",
        ),
    ] {
        assert_eq!(
            hmac_signature(zero, message).unwrap(),
            expected,
            "{message}"
        );
    }
    // A request: timestamp 1, GET /, no body.
    assert_eq!(
        l2_signature(zero, "1", "GET", "/", "").unwrap(),
        "eHaylCwqRSOa2LFD77Nt_SaTpbsxzN8eTEI3LryhEj4="
    );
    // to_message: the query is not signed; the method is upper-case.
    assert_eq!(
        l2_message("1", "post", "/path?x=1", "{\"foo\":\"bar\"}"),
        "1POST/path{\"foo\":\"bar\"}"
    );
    assert!(l2_signature("not base64 !!", "1", "GET", "/", "").is_err());
}

#[test]
fn v2_all_zero_order_vector() {
    let order = Order {
        salt: U256::ZERO,
        maker: Address::ZERO,
        signer: Address::ZERO,
        tokenId: U256::ZERO,
        makerAmount: U256::ZERO,
        takerAmount: U256::ZERO,
        side: 0,
        signatureType: 0,
        timestamp: U256::ZERO,
        metadata: B256::ZERO,
        builder: B256::ZERO,
    };
    let hash = order_hash(&order, Exchange::V2, 137);
    assert_eq!(
        hash,
        b256!("d07306d5c36c7023456b3218dafb72d322ca92d67353d6e10be3be3c991ca2e5")
    );
    let (_, signature) = sign_order(&wallet(), &order, Exchange::V2, 137);
    assert_eq!(
        signature,
        "0x8a6edfe94a2169c3d05673521b53b7aee2205288f1363f1c9e24716317eebe6a17ca4bc397b85a5f39be21f32d0d8b38e0fd6de6af091dc0f4ba1f667d1883981c"
    );
    assert_eq!(recover_signer(hash, &signature), Some(wallet().address()));
}

#[test]
fn v2_fixture_body_signature_matches() {
    // fixtures/polymarket/post_order_request_v2.fixture.json carries the same signature.
    let fixture: serde_json::Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/polymarket/post_order_request_v2.fixture.json"
    ))
    .unwrap();
    let order = Order {
        salt: U256::ZERO,
        maker: Address::ZERO,
        signer: Address::ZERO,
        tokenId: U256::ZERO,
        makerAmount: U256::ZERO,
        takerAmount: U256::ZERO,
        side: 0,
        signatureType: 0,
        timestamp: U256::ZERO,
        metadata: B256::ZERO,
        builder: B256::ZERO,
    };
    let (_, signature) = sign_order(&wallet(), &order, Exchange::V2, 137);
    assert_eq!(fixture["order"]["signature"], signature);
}

#[test]
fn domains_differ_by_exchange() {
    let order = Order {
        salt: U256::from(1u64),
        maker: Address::ZERO,
        signer: Address::ZERO,
        tokenId: U256::from(2u64),
        makerAmount: U256::from(3u64),
        takerAmount: U256::from(4u64),
        side: 1,
        signatureType: 2,
        timestamp: U256::from(5u64),
        metadata: B256::ZERO,
        builder: B256::ZERO,
    };
    let a = order_hash(&order, Exchange::V2, 137);
    let b = order_hash(&order, Exchange::NegRiskV2, 137);
    let c = order_hash(&order, Exchange::V3, 137);
    let d = order_hash(&order, Exchange::V2, 80002);
    assert!(a != b && b != c && a != c && a != d);
    let (_, sig) = sign_order(&wallet(), &order, Exchange::V3, 137);
    assert_eq!(recover_signer(c, &sig), Some(wallet().address()));
    assert_ne!(
        recover_signer(a, &sig),
        Some(wallet().address()),
        "a V3 signature does not verify under V2"
    );
}

#[test]
fn bad_keys_are_refused_without_echo() {
    for bad in [
        "0x1234",
        "zz",
        &format!("0x{}", "g".repeat(64)),
        &format!("0x{}", "0".repeat(64)),
    ] {
        let err = Wallet::from_secret(&Secret::new(bad)).unwrap_err();
        assert!(!err.to_string().contains(bad));
    }
    let debug = format!("{:?}", wallet());
    assert!(!debug.contains(&DEV_KEY[2..]), "{debug}");
}
