//! The trading core and its simulated exchange: the synchronous heart of the
//! engine that both `ploy run` and `ploy replay` drive.
//!
//! [`core::TradingCore`] turns one market event into commands (place, cancel)
//! through strategy and risk, and order updates into positions; it never does
//! I/O and reads time only from the caller. [`paper::PaperExchange`] is the
//! simulated matching engine, in event time with post and cancel latency.
//! [`sim::step`] moves both by one input: the only way paper trading happens,
//! for paper mode and for [`replay`] (a recording with a historical clock).
//! [`own_book`] takes our own orders out of the books the exchange publishes,
//! so the strategy prices from the other traders' orders.

pub mod core;
pub mod day_pnl;
pub mod own_book;
pub mod paper;
pub mod replay;
pub mod sim;

pub use self::core::{Command, CoreConfig, MarketClosure, OrderEvent, QuotePolicy, TradingCore};
