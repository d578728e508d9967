//! Market data: the events the engine reacts to, parsed from the CLOB's
//! market-channel messages (live or recorded), and the order books they build.

pub mod book;
pub mod event;
pub mod recording;

pub use book::{Books, OrderBook};
pub use event::{parse_message, Level, MarketEvent, ParseError};
