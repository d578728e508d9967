//! Integration tests of the `ploy` engine against real parts: PostgreSQL and

#![allow(unreachable_pub)]
//! SQLite, the real binary as a process, promtool, and a local fake exchange.

mod harness;

mod backup;
mod config_bounds;
mod config_cli;
mod container;
mod generated;
mod paper;
mod restore;
#[cfg(feature = "rl")]
mod rl;
mod service;
mod storage;
mod trading;
mod views;
