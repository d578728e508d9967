//! The engine's HTTP contract, typed once: what `GET /health` and
//! `GET`/`PUT /trading-state` answer, and what `ploy check-config --json`,
//! `ploy positions --json` and `ploy report --json` say. `ploy` serializes these and `ployctl`
//! reads them, so neither reads the other's JSON by hand, and ployctl never
//! links the engine. Plain serde types; changes are additive (a reader
//! ignores fields it does not know).

pub mod backup;
pub mod config_check;
pub mod health;
pub mod orders_check;
pub mod trading;
pub mod views;

pub use backup::{
    BackupManifest, DatabaseSummary, RestoreReport, Upload, Verification, VerifyCheck, KEPT_LABEL,
};
pub use config_check::{ConfigCheckReport, ConfigProblem, ConnectChecks, SecretPresence};
pub use health::{Check, CheckStatus, Checks, HealthReport, OverallStatus};
pub use orders_check::{CheckedOrder, OrderDecision, OrdersCheck};
pub use trading::{
    Applied, TradingState, TradingStateChange, TradingStateRequest, TradingStateView,
};
