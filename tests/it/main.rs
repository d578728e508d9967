//! Integration tests of ployctl against real `sshd` servers on loopback,
//! deploying the real `ploy` binary with the `daemon` service manager, through
//! both SSH backends.

#![allow(unreachable_pub)]

mod harness;

mod backup;
mod bootstrap;
mod broken;
mod completions;
mod deploy;
mod fleet;
mod handover;
mod hostkeys;
mod incident;
mod interrupt;
mod ledger;
mod local;
mod locks;
mod output;
mod restore;
mod rollout;
mod runbooks;
mod self_update;
mod trading;
