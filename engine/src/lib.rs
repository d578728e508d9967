//! `ploy`: a Polymarket CLOB trading engine run as a production service.
//!
//! See ARCHITECTURE.md for the map. The binary (`src/main.rs`) only parses
//! arguments and calls [`commands::main`].

pub mod backup;
pub mod build_info;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod exchange;
pub mod execution;
pub mod exit;
pub mod fees;
pub mod health;
pub mod heartbeat;
pub mod http;
#[cfg(test)]
mod invariants;
pub mod kill_switch;
pub mod lease;
pub mod market_data;
pub mod metrics;
pub mod orders;
pub mod pipeline;
pub mod portfolio;
pub mod queue;
pub mod reconcile;
pub mod redact;
pub mod risk;
#[cfg(feature = "rl")]
pub mod rl;
pub mod service;
pub mod signing;
pub mod storage;
pub mod strategy;
pub mod supervise;
pub mod telemetry;
pub mod trading;
pub mod views;
