//! `ploy order preview`: builds and signs an order with the configured key and
//! prints the exact body `POST /order` would receive. Nothing is sent.

use std::path::Path;

use super::{load_settings, CommandError, CommandResult};
use crate::cli::OrderPreviewArgs;
use crate::exit;
use crate::orders::build::{build_signed, random_salt, OrderRequest, Signer};
use crate::signing::Wallet;

/// Signs and prints.
pub fn preview(config: Option<&Path>, args: &OrderPreviewArgs) -> CommandResult {
    let settings = load_settings(config)?;
    let Some(key) = &settings.secrets.private_key else {
        return Err(CommandError::usage("POLYMARKET_PRIVATE_KEY is not set\n  hint: export it (or put it in .env) to preview a signed order"));
    };
    let wallet = Wallet::from_secret(key).map_err(|e| CommandError::usage(e.to_string()))?;
    let ex = &settings.config.exchange;
    let funder = match ex.funder.as_deref().map(str::parse) {
        Some(Ok(a)) => Some(a),
        Some(Err(_)) => {
            return Err(CommandError::usage(
                "exchange.funder is not an address\n  hint: give the 0x… address of the proxy wallet that holds the funds",
            ))
        },
        None => None,
    };
    let owner = settings
        .secrets
        .api_key
        .as_ref()
        .map(|k| k.expose().to_owned())
        .unwrap_or_default();
    let signer = Signer {
        wallet,
        signature_type: ex.signature_type,
        funder,
        chain_id: ex.chain_id,
        owner,
    };
    let timestamp_ms = args
        .timestamp
        .unwrap_or_else(|| u64::try_from(crate::clock::wall_ms()).unwrap_or(0));
    let request = OrderRequest {
        token_id: args.token_id.as_str().into(),
        side: args.side,
        price: args.price,
        size: args.size,
        tick_size: args.tick_size,
        neg_risk: args.neg_risk,
        v3: args.v3,
        order_type: args.order_type,
        post_only: args.post_only,
        salt: args.salt.unwrap_or_else(random_salt),
        timestamp_ms,
        expiration_secs: match args
            .expiration
            .as_deref()
            .map(|e| expiration(e, timestamp_ms))
        {
            None => None,
            Some(Ok(at)) => Some(at),
            Some(Err(e)) => return Err(CommandError::usage(e)),
        },
    };
    let signed = build_signed(&request, &signer)
        .map_err(|e| CommandError::usage(format!("cannot build the order: {e}")))?;
    if args.json {
        let out = serde_json::json!({
            "order_id": signed.hash.as_str(),
            "exchange": format!("{:?}", signed.exchange),
            "exchange_address": signed.exchange.address().to_checksum(None),
            "chain_id": signer.chain_id,
            "body": serde_json::from_str::<serde_json::Value>(&signed.json).expect("body is JSON"),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializes")
        );
    } else {
        println!("order ID (EIP-712 hash): {}", signed.hash);
        println!(
            "exchange: {:?} {} on chain {}",
            signed.exchange,
            signed.exchange.address().to_checksum(None),
            signer.chain_id
        );
        if signer.owner.is_empty() {
            println!("note: POLYMARKET_API_KEY is unset, so \"owner\" is empty");
        }
        println!("POST /order body (not sent):");
        println!("{}", signed.json);
    }
    Ok(exit::OK)
}

/// `--expiration`: Unix seconds, or a duration after the order's time (`10m`).
fn expiration(text: &str, timestamp_ms: u64) -> Result<u64, String> {
    if let Ok(secs) = text.trim().parse::<u64>() {
        return Ok(secs);
    }
    humantime::parse_duration(text.trim())
        .map(|d| timestamp_ms / 1000 + d.as_secs())
        .map_err(|e| {
            format!(
                "--expiration {text:?}: {e}\n  hint: give Unix seconds, or a duration such as 10m"
            )
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn expirations_are_seconds_or_a_duration_after_the_order() {
        assert_eq!(super::expiration("1764000600", 0), Ok(1_764_000_600));
        assert_eq!(
            super::expiration("10m", 1_764_000_000_000),
            Ok(1_764_000_600)
        );
        assert!(super::expiration("soon", 0).unwrap_err().contains("hint"));
    }
}
