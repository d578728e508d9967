//! Starting the pipeline: the kill switch to start with, each market's rules
//! and fee model, paper's leftovers, the live venue and reconciliation.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{PipelineError, PipelineParts};
use crate::config::TradingState;
use crate::exchange::{ClobClient, L2Credentials};
use crate::execution::live::LiveVenue;
use crate::fees::FeeBook;
use crate::kill_switch::{self};
use crate::orders::build::Signer;
use crate::orders::{OrderStatus, TokenId};
use crate::reconcile;
use crate::signing::Wallet;
use crate::storage::Store;
use crate::trading::core::TrackedOrder;
use crate::trading::TradingCore;

/// The kill switch to start with: the stricter of the config's and the one
/// saved by the last `PUT /trading-state`; logged when it is not `active`.
pub(super) async fn initial_trading_state(
    parts: &PipelineParts,
) -> Result<crate::storage::TradingStateChange, PipelineError> {
    let cfg = &parts.settings.config;
    let saved = parts.store.trading_state().await?;
    let initial =
        kill_switch::initial_state(cfg.risk.trading_state, saved.as_ref(), parts.clock.now_ms());
    if initial.state != TradingState::Active {
        tracing::warn!(
            state = %initial.state,
            since_ms = initial.changed_at_ms,
            source = %initial.source,
            "starting with the kill switch on; to trade again: \
             curl -X PUT --data active http://{}/trading-state (and check risk.trading_state)",
            cfg.server.bind
        );
    }
    Ok(initial)
}

/// Reads each quoted token's tick size and minimum order size into the core;
/// returns the tokens' condition IDs (for the user channel) and each
/// market's two outcome tokens (for the paper exchange).
pub(super) async fn read_market_rules(
    public: &ClobClient,
    tokens: &[String],
    core: &mut TradingCore,
    order_size: Decimal,
) -> (Vec<String>, Vec<(TokenId, TokenId)>) {
    let mut condition_ids: Vec<String> = Vec::new();
    for token in tokens {
        match public.tick_size(token).await {
            Ok(tick) => core.set_tick(&token.as_str().into(), tick),
            Err(e) => {
                tracing::warn!(error = %e, token, "cannot read the tick size; using 0.01 until the feed says");
            },
        }
        let book = match public.book(token).await {
            Ok(book) => book,
            Err(e) => {
                tracing::warn!(error = %e, token, "cannot read the book's minimum order size; the exchange will refuse orders below it");
                continue;
            },
        };
        if !book.market.is_empty() && !condition_ids.contains(&book.market) {
            condition_ids.push(book.market.clone());
        }
        if book.min_order_size > Decimal::ZERO {
            core.set_min_order_size(&token.as_str().into(), book.min_order_size);
            if order_size < book.min_order_size {
                tracing::warn!(
                    token,
                    %order_size,
                    min_order_size = %book.min_order_size,
                    "strategy.order_size is below this market's minimum order size: \
                     nothing is quoted there; raise strategy.order_size"
                );
            }
        }
    }
    let complements = read_market_status(public, tokens, &condition_ids, core).await;
    (condition_ids, complements)
}

/// Closes, in the core, the quoted tokens whose market no longer takes
/// orders (`GET /markets/{condition_id}`: closed, or not accepting orders);
/// a resolved one's positions are marked at its payout. A market whose status
/// cannot be read is quoted (the exchange refuses orders on a closed one).
async fn read_market_status(
    public: &ClobClient,
    tokens: &[String],
    condition_ids: &[String],
    core: &mut TradingCore,
) -> Vec<(TokenId, TokenId)> {
    let mut complements = Vec::new();
    for id in condition_ids {
        let market = match public.market(id).await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, market = %id, "cannot read whether the market takes orders; quoting it");
                continue;
            },
        };
        if let [a, b] = market.tokens.as_slice() {
            complements.push((a.token_id.as_str().into(), b.token_id.as_str().into()));
        }
        if market.accepting_orders && !market.closed {
            continue;
        }
        let resolved = market.tokens.iter().any(|t| t.winner);
        let reason = match (market.closed, resolved) {
            (_, true) => "resolved",
            (true, false) => "closed",
            (false, false) => "not accepting orders",
        };
        for token in market
            .tokens
            .iter()
            .filter(|t| tokens.contains(&t.token_id))
        {
            let payout = resolved.then_some(if token.winner {
                Decimal::ONE
            } else {
                Decimal::ZERO
            });
            tracing::warn!(market = %id, token = %token.token_id, reason, ?payout, "this market takes no orders: its token is not quoted; take it out of strategy.markets");
            let cancels = core.close_market(
                &token.token_id.as_str().into(),
                crate::trading::MarketClosure {
                    reason: reason.to_owned(),
                    payout,
                    at_ms: 0,
                },
            );
            debug_assert!(cancels.is_empty(), "nothing rests before the start");
        }
    }
    complements
}

/// Each market's published fee parameters (`GET /clob-markets/{id}`), by
/// token. A market whose parameters cannot be read is charged what its
/// trades report, and the log says so.
pub(super) async fn read_fee_models(public: &ClobClient, condition_ids: &[String]) -> FeeBook {
    let mut book = FeeBook::new();
    for id in condition_ids {
        match public
            .market_info(id)
            .await
            .map_err(|e| e.to_string())
            .and_then(|info| {
                let model = info.fee_model()?;
                Ok((info, model))
            }) {
            Ok((info, model)) => {
                tracing::info!(market = %id, rate = %model.rate, exponent = model.exponent, taker_only = model.taker_only, "fee model");
                for token in &info.t {
                    book.insert(token.t.as_str().into(), model);
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, market = %id, "cannot read the market's fee parameters; fills are charged what the trades report");
            },
        }
    }
    book
}

/// Paper orders do not outlive the simulator that held them: a restart
/// records the ones left open as cancelled.
pub(super) async fn end_paper_orders(parts: &PipelineParts) -> Result<(), PipelineError> {
    for order in parts
        .store
        .orders_with_status(&[OrderStatus::Pending, OrderStatus::Open])
        .await?
    {
        parts
            .store
            .update_order(&crate::storage::OrderUpdate {
                client_id: order.client_id,
                status: OrderStatus::Cancelled,
                order_hash: None,
                error: Some("paper order ended by a restart".to_owned()),
                at_ms: parts.clock.now_ms(),
            })
            .await?;
    }
    Ok(())
}

/// Reconciles with the exchange, then gives the core the positions and the
/// orders still live.
pub(super) async fn reconcile_and_restore(
    parts: &PipelineParts,
    live: &LiveVenue,
    core: &mut TradingCore,
    fees: &FeeBook,
) -> Result<(), PipelineError> {
    let report = reconcile::run(
        live.client(),
        parts.store.as_ref(),
        parts.clock.as_ref(),
        fees,
    )
    .await?;
    tracing::info!(?report, "reconciled with the exchange");
    let open = parts
        .store
        .orders_with_status(&[OrderStatus::Pending, OrderStatus::Open])
        .await?;
    let positions = positions_by_token(parts.store.as_ref()).await?;
    core.restore(
        positions,
        open.into_iter()
            .map(|o| TrackedOrder {
                client_id: o.client_id,
                hash: o.order_hash,
                token: o.token_id,
                side: o.side,
                price: o.price,
                size: o.size,
                filled: o.filled_size,
                status: o.status,
                cancelling: false,
            })
            .collect(),
    );
    Ok(())
}

pub(super) async fn positions_by_token(
    store: &dyn Store,
) -> Result<BTreeMap<TokenId, Decimal>, crate::storage::StorageError> {
    Ok(store
        .positions()
        .await?
        .into_iter()
        .map(|p| (p.token_id, p.size))
        .collect())
}

/// The authenticated client (the wallet, API credentials given or derived
/// with L1 authentication, registered for scrubbing) and the signer.
pub(crate) async fn live_client(
    settings: &crate::config::Settings,
    public: ClobClient,
) -> Result<(ClobClient, Signer), PipelineError> {
    let key = settings.secrets.private_key.as_ref().ok_or_else(|| {
        PipelineError::Config("live mode needs POLYMARKET_PRIVATE_KEY".to_owned())
    })?;
    let wallet = Wallet::from_secret(key).map_err(|e| PipelineError::Config(e.to_string()))?;
    let ex = &settings.config.exchange;
    let client = public.with_wallet(wallet.clone(), ex.chain_id);
    let version = client.version().await?;
    if version != 2 {
        tracing::warn!(
            version,
            "the exchange reports a protocol version other than 2; orders are signed for V2"
        );
    }
    let creds = match (
        &settings.secrets.api_key,
        &settings.secrets.api_secret,
        &settings.secrets.passphrase,
    ) {
        (Some(key), Some(secret), Some(passphrase)) => L2Credentials {
            api_key: key.clone(),
            secret: secret.clone(),
            passphrase: passphrase.clone(),
        },
        _ => {
            tracing::info!("no API credentials given; deriving them from the signing key");
            match client.derive_api_key(0).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::info!(error = %e, "no API key to derive; creating one");
                    client.create_api_key(0).await?
                },
            }
        },
    };
    crate::redact::register([
        creds.api_key.expose().to_owned(),
        creds.secret.expose().to_owned(),
        creds.passphrase.expose().to_owned(),
    ]);
    let funder = match ex.funder.as_deref() {
        Some(f) => Some(f.parse().map_err(|_| {
            PipelineError::Config(format!("exchange.funder {f:?} is not an address"))
        })?),
        None => None,
    };
    let signer = Signer {
        wallet,
        signature_type: ex.signature_type,
        funder,
        chain_id: ex.chain_id,
        owner: creds.api_key.expose().to_owned(),
    };
    Ok((client.with_credentials(creds), signer))
}
