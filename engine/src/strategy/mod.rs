//! Strategy: a pure function of market state to desired quotes. No clock, no
//! I/O, no hidden state: the same state always gives the same decision.

pub mod quoter;

pub use quoter::{quote, Decision, Quote, QuoteParams, QuoteState, RestingQuote};
