//! `ploy check-orders [--older-than 2m] [--json]`: the orders stored as
//! pending or open for longer than the threshold, each looked up on the
//! exchange by its hash (with the host's keys), and the decision the
//! engine's start-of-run reconciliation takes for it ([`decide`]): adopt,
//! settle with its fills, mark cancelled, mark failed, or keep. It reads the
//! database without migrating it and never signs, posts or cancels anything.
//!
//! `ployctl incident stuck-orders` runs it on a host, and with `--fix`
//! applies the decisions through a restart (reconciliation), then runs it
//! again to show the result.

use std::path::Path;

use ploy_api::{CheckedOrder, OrderDecision, OrdersCheck};

use super::{load_settings, CommandError, CommandResult};
use crate::cli::CheckOrdersArgs;
use crate::exchange::types::OpenOrder;
use crate::exchange::ClobClient;
use crate::exit;
use crate::orders::OrderStatus;
use crate::storage::{self, OrderRecord};

/// What reconciliation does with `stored`, given the exchange's answer for
/// its hash (`None`: the exchange does not know it).
pub fn decide(stored: &OrderRecord, on_exchange: Option<&OpenOrder>) -> (OrderDecision, String) {
    let pending = stored.status == OrderStatus::Pending;
    let Some(found) = on_exchange else {
        return if pending {
            (
                OrderDecision::MarkFailed,
                "the exchange does not know it: it never arrived".to_owned(),
            )
        } else {
            (
                OrderDecision::MarkCancelled,
                "the exchange does not know it any more".to_owned(),
            )
        };
    };
    let status = found.status.to_ascii_uppercase();
    match status.as_str() {
        "CANCELED" | "CANCELLED" | "CANCELED_MARKET_RESOLVED" => (
            OrderDecision::MarkCancelled,
            format!("the exchange says {status}"),
        ),
        _ if found.size_matched > stored.filled_size => (
            OrderDecision::Settle,
            format!(
                "{} of {} matched on the exchange, {} stored: the fills are applied from the trades",
                found.size_matched.normalize(),
                found.original_size.normalize(),
                stored.filled_size.normalize()
            ),
        ),
        _ if pending => (
            OrderDecision::Adopt,
            format!("{status} on the exchange: stored open and managed again"),
        ),
        _ => (
            OrderDecision::Keep,
            format!("{status} on the exchange, open in the database"),
        ),
    }
}

/// Checks and reports; exit 5 when the exchange cannot be asked about an order.
pub async fn run(config: Option<&Path>, args: &CheckOrdersArgs) -> CommandResult {
    let settings = load_settings(config)?;
    let store = storage::connect(&settings.database_url, &settings.config.database)
        .await
        .map_err(|e| {
            CommandError::database(format!(
                "{e}\n  hint: check DATABASE_URL (or database.url) and that the database server is up"
            ))
        })?;
    let stored = store
        .orders_with_status(&[OrderStatus::Pending, OrderStatus::Open])
        .await
        .map_err(|e| CommandError::database(e.to_string()))?;
    store.close().await;
    let now = crate::clock::wall_ms();
    let older_than_ms = i64::try_from(args.older_than.as_millis()).unwrap_or(i64::MAX);
    let mut old: Vec<OrderRecord> = stored
        .into_iter()
        .filter(|o| o.mode == "live" && now - o.created_at_ms >= older_than_ms)
        .collect();
    old.sort_by_key(|o| o.created_at_ms);
    let client = if old.is_empty() {
        None
    } else {
        let ex = &settings.config.exchange;
        let public = ClobClient::new(ex.clob_url.clone(), ex.request_timeout)
            .map_err(|e| CommandError::exchange(e.to_string()))?;
        let (client, _signer) = crate::pipeline::live_client(&settings, public)
            .await
            .map_err(|e| {
                CommandError::exchange(format!(
                    "{e}\n  hint: check-orders asks the exchange with the host's keys; `ploy check-config --connect` tests them"
                ))
            })?;
        Some(client)
    };
    let mut answer = OrdersCheck {
        older_than_ms,
        orders: Vec::new(),
    };
    for order in &old {
        let looked_up = match (&client, &order.order_hash) {
            (Some(client), Some(hash)) => Some(client.order(hash.as_str()).await),
            _ => None,
        };
        let (found, (decision, why)) = match &looked_up {
            Some(Ok(found)) => (found.as_ref(), decide(order, found.as_ref())),
            Some(Err(e)) => (
                None,
                (
                    OrderDecision::Undecided,
                    format!("the exchange cannot be asked: {e}"),
                ),
            ),
            None => (None, decide(order, None)),
        };
        answer.orders.push(CheckedOrder {
            client_id: order.client_id.to_string(),
            order_hash: order.order_hash.as_ref().map(|h| h.to_string()),
            token_id: order.token_id.to_string(),
            side: order.side.as_str().to_owned(),
            price: order.price,
            size: order.size,
            filled_size: order.filled_size,
            stored_status: order.status.as_str().to_owned(),
            age_ms: now - order.created_at_ms,
            exchange_status: found.map(|f| f.status.clone()),
            exchange_matched: found.map(|f| f.size_matched),
            decision,
            why: crate::redact::scrub(&why),
        });
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&answer).expect("serializes")
        );
    } else {
        println!(
            "{} order(s) stored pending or open for over {}: {} to change, {} undecided",
            answer.orders.len(),
            humantime::format_duration(args.older_than),
            answer.to_change(),
            answer.undecided()
        );
        for o in &answer.orders {
            println!(
                "  {:<28} {:<7} {:>8}s  {:<18} {:?}: {}",
                o.client_id,
                o.stored_status,
                o.age_ms / 1000,
                o.exchange_status.as_deref().unwrap_or("unknown"),
                o.decision,
                o.why
            );
        }
    }
    if answer.undecided() > 0 {
        return Err(CommandError::exchange(format!(
            "{} order(s) could not be looked up on the exchange; nothing can be decided for them\n  hint: `ploy check-config --connect` tests the exchange",
            answer.undecided()
        )));
    }
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn stored(status: OrderStatus, filled: rust_decimal::Decimal) -> OrderRecord {
        OrderRecord {
            client_id: "c".into(),
            order_hash: Some("0xh".into()),
            token_id: "1".into(),
            side: crate::orders::Side::Buy,
            price: dec!(0.48),
            size: dec!(5),
            filled_size: filled,
            status,
            mode: "live".into(),
            signed_order: None,
            error: None,
            created_at_ms: 0,
            updated_at_ms: 0,
        }
    }

    fn on_exchange(status: &str, matched: rust_decimal::Decimal) -> OpenOrder {
        serde_json::from_value(serde_json::json!({
            "id": "0xh", "status": status, "asset_id": "1", "side": "buy",
            "original_size": "5", "size_matched": matched.to_string(), "price": "0.48",
            "created_at": 0,
        }))
        .unwrap()
    }

    #[test]
    fn each_case_gets_what_reconciliation_does() {
        use OrderDecision::*;
        let cases = [
            (
                OrderStatus::Pending,
                dec!(0),
                Some(("LIVE", dec!(0))),
                Adopt,
            ),
            (OrderStatus::Pending, dec!(0), None, MarkFailed),
            (
                OrderStatus::Pending,
                dec!(0),
                Some(("MATCHED", dec!(5))),
                Settle,
            ),
            (
                OrderStatus::Open,
                dec!(0),
                Some(("MATCHED", dec!(5))),
                Settle,
            ),
            (OrderStatus::Open, dec!(2), Some(("LIVE", dec!(2))), Keep),
            (
                OrderStatus::Open,
                dec!(0),
                Some(("CANCELED", dec!(0))),
                MarkCancelled,
            ),
            (OrderStatus::Open, dec!(0), None, MarkCancelled),
        ];
        for (status, filled, exchange, want) in cases {
            let found = exchange.map(|(s, m)| on_exchange(s, m));
            let (got, why) = decide(&stored(status, filled), found.as_ref());
            assert_eq!(got, want, "{status:?} {filled} {exchange:?}: {why}");
        }
    }
}
