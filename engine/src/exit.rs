//! `ploy`'s exit codes: part of its interface (systemd, Docker HEALTHCHECK, ployctl).
//!
//! | code | meaning |
//! |-----:|---------|
//! | 0 | success; `health-check`: healthy |
//! | 1 | failure; `health-check`: degraded or unreachable (Docker's "unhealthy") |
//! | 2 | usage or configuration error (nothing was started) |
//! | 3 | the database cannot be reached or migrated |
//! | 4 | the HTTP listener cannot bind its address |
//! | 5 | the exchange or market-data source cannot be reached (`check-config --connect`) |

use std::process::ExitCode;

/// Success, or healthy.
pub const OK: u8 = 0;
/// Failure, or not healthy.
pub const FAILURE: u8 = 1;
/// Usage or configuration error.
pub const CONFIG: u8 = 2;
/// Database unreachable or migration failed.
pub const DATABASE: u8 = 3;
/// Cannot bind the HTTP address.
pub const BIND: u8 = 4;
/// Exchange or market data unreachable.
pub const EXCHANGE: u8 = 5;

/// The table above, for `--help`.
pub const TABLE: &str = "\
Exit codes:
  0  success (health-check: healthy)
  1  failure (health-check: degraded or unreachable)
  2  usage or configuration error
  3  database unreachable or migration failed
  4  cannot bind the HTTP address
  5  exchange or market-data source unreachable";

/// Converts a code to an `ExitCode`.
pub fn code(code: u8) -> ExitCode {
    ExitCode::from(code)
}
