//! The kill switch as the rest of the service sees it: the pipeline's trading
//! state (active, reducing, halted), changed over `PUT /trading-state` and
//! saved in the database so that a restart or a deploy never quietly resumes
//! trading an operator stopped.
//!
//! At start the engine takes the stricter of the config's `risk.trading_state`
//! (a floor the file sets) and the last state saved here ([`initial_state`]).

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::config::TradingState;
use crate::storage::{StorageError, Store, TradingStateChange};

/// The source recorded when the config file decides the state.
pub const FROM_CONFIG: &str = "config risk.trading_state";

/// The state to start in: the saved one when it is stricter than the
/// configured floor, else the configured one.
pub fn initial_state(
    configured: TradingState,
    saved: Option<&TradingStateChange>,
    now_ms: i64,
) -> TradingStateChange {
    match saved {
        Some(saved) if saved.state > configured => saved.clone(),
        _ => TradingStateChange {
            state: configured,
            changed_at_ms: now_ms,
            source: FROM_CONFIG.to_owned(),
            reason: None,
        },
    }
}

pub use ploy_api::Applied;

/// Why a change was not made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    /// The trading pipeline has stopped; nothing can be changed.
    #[error("trading is shutting down")]
    Stopped,
    /// The config's `risk.trading_state` keeps trading at least this strict.
    #[error(
        "risk.trading_state = \"{floor}\" in the config keeps trading at least {floor}; \
         lower it in the config (ployctl config push) to go below it"
    )]
    BelowFloor {
        /// The floor.
        floor: TradingState,
    },
}

/// The handle `/trading-state` uses.
#[derive(Debug, Clone)]
pub struct KillSwitch {
    pipeline: mpsc::UnboundedSender<TradingState>,
    current: Arc<Mutex<TradingStateChange>>,
    /// The config's `risk.trading_state`: nothing less strict is accepted.
    floor: TradingState,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl KillSwitch {
    /// A switch that starts at `initial`, refuses anything less strict than
    /// `floor` (the config's `risk.trading_state`) and tells the pipeline
    /// through `pipeline`.
    pub fn new(
        pipeline: mpsc::UnboundedSender<TradingState>,
        initial: TradingStateChange,
        floor: TradingState,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            pipeline,
            current: Arc::new(Mutex::new(initial)),
            floor,
            store,
            clock,
        }
    }

    /// The config's floor.
    pub fn floor(&self) -> TradingState {
        self.floor
    }

    /// The state in force, with when and by whom it was set.
    pub fn current(&self) -> TradingStateChange {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Puts `state` in force at once (the pipeline acts on it at its next
    /// step), then saves it, with who set it (`source`) and why. A state less
    /// strict than the config's floor is refused. A database failure does not
    /// undo a halt: the answer says it was not saved.
    pub async fn set(
        &self,
        state: TradingState,
        source: String,
        reason: Option<String>,
    ) -> Result<Applied, Refused> {
        if state < self.floor {
            return Err(Refused::BelowFloor { floor: self.floor });
        }
        self.pipeline.send(state).map_err(|_| Refused::Stopped)?;
        let change = TradingStateChange {
            state,
            changed_at_ms: self.clock.now_ms(),
            source,
            reason,
        };
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = change.clone();
        let saved: Result<(), StorageError> = self.store.set_trading_state(&change).await;
        match saved {
            Ok(()) => {
                tracing::warn!(state = %change.state, source = %change.source, reason = change.reason.as_deref().unwrap_or(""), "kill switch set");
                Ok(Applied {
                    change,
                    persisted: true,
                    warning: None,
                })
            },
            Err(e) => {
                tracing::error!(
                    error = %e,
                    state = %change.state,
                    "kill switch set but not saved: a restart will start from the previous saved state"
                );
                Ok(Applied {
                    change,
                    persisted: false,
                    warning: Some(format!(
                        "in force now, but not saved ({e}); a restart would forget it"
                    )),
                })
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(state: TradingState) -> TradingStateChange {
        TradingStateChange {
            state,
            changed_at_ms: 5,
            source: "PUT /trading-state from 127.0.0.1:1".to_owned(),
            reason: None,
        }
    }

    #[tokio::test]
    async fn nothing_below_the_configs_floor_is_accepted() {
        let store = crate::storage::connect(
            &crate::config::DatabaseUrl::new("sqlite::memory:"),
            &crate::config::DatabaseConfig::default(),
        )
        .await
        .unwrap();
        store.migrate().await.unwrap();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let switch = KillSwitch::new(
            tx,
            initial_state(TradingState::Reducing, None, 0),
            TradingState::Reducing,
            store.clone(),
            Arc::new(crate::clock::SystemClock),
        );
        assert_eq!(
            switch
                .set(TradingState::Active, "x".into(), None)
                .await
                .unwrap_err(),
            Refused::BelowFloor {
                floor: TradingState::Reducing
            }
        );
        assert!(rx.try_recv().is_err(), "nothing reached the pipeline");
        assert_eq!(switch.current().state, TradingState::Reducing);
        let halted = switch
            .set(TradingState::Halted, "y".into(), Some("why".into()))
            .await
            .unwrap();
        assert_eq!(halted.change.reason.as_deref(), Some("why"));
        assert_eq!(rx.try_recv().unwrap(), TradingState::Halted);
        assert_eq!(
            store
                .trading_state()
                .await
                .unwrap()
                .unwrap()
                .reason
                .as_deref(),
            Some("why"),
            "saved with its reason"
        );
    }

    #[test]
    fn the_stricter_of_config_and_saved_state_wins() {
        use TradingState::{Active, Halted, Reducing};
        let cases = [
            (Active, None, Active, FROM_CONFIG),
            (Reducing, None, Reducing, FROM_CONFIG),
            (Active, Some(Halted), Halted, "PUT"),
            (Active, Some(Reducing), Reducing, "PUT"),
            (Reducing, Some(Active), Reducing, FROM_CONFIG),
            (Halted, Some(Active), Halted, FROM_CONFIG),
            (Halted, Some(Reducing), Halted, FROM_CONFIG),
            (Active, Some(Active), Active, FROM_CONFIG),
        ];
        for (configured, stored, want, source) in cases {
            let stored = stored.map(saved);
            let got = initial_state(configured, stored.as_ref(), 9);
            assert_eq!(got.state, want, "config {configured}, saved {stored:?}");
            assert!(
                got.source.starts_with(source),
                "config {configured}, saved {stored:?}: {got:?}"
            );
        }
    }
}
