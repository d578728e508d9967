//! `ploy version`: version, git revision and build profile.

use super::CommandResult;
use crate::build_info::BUILD;
use crate::cli::VersionArgs;
use crate::exit;

/// Prints the build facts.
pub fn run(args: &VersionArgs) -> CommandResult {
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&BUILD).expect("static fields serialize")
        );
    } else {
        println!("{BUILD}");
    }
    Ok(exit::OK)
}
