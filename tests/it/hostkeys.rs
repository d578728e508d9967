//! Host keys: a mismatch is refused with a clear message (even with
//! `--accept-new-host-key`); an unknown host is refused unless
//! `--accept-new-host-key`, which then records it.

use crate::deploy::deploy;
use crate::harness::fleet::Fleet;
use crate::harness::ploy_bin;
use crate::harness::run::{Backend, Ctl};

fn mismatch(backend: Backend) {
    let fleet = Fleet::start(1);
    fleet.corrupt_known_host("host1");
    for extra in [&[][..], &["--accept-new-host-key"][..]] {
        let run = Ctl::new(&fleet, backend)
            .args(["deploy", "-H", "host1", "--binary"])
            .arg_path(&ploy_bin())
            .args(["--version", "1.0.0"])
            .args(extra)
            .run();
        assert_eq!(run.code, 7, "{extra:?}:\n{}", run.all());
        assert!(run.stdout.contains("host key mismatch"), "{}", run.all());
        assert!(run.stdout.contains("ssh-keygen -R"), "{}", run.all());
        assert!(
            !fleet.host("host1").path("releases").exists(),
            "nothing was done on the host"
        );
    }
}

fn unknown(backend: Backend) {
    let fleet = Fleet::start(1);
    fleet.forget_known_host("host1");
    let refused = deploy(&fleet, backend, "host1", "1.0.0");
    assert_eq!(refused.code, 7, "{}", refused.all());
    assert!(
        refused.stdout.contains("unknown host key"),
        "{}",
        refused.all()
    );
    assert!(
        refused.stdout.contains("--accept-new-host-key"),
        "{}",
        refused.all()
    );
    assert!(!fleet.knows("host1"));

    let accepted = Ctl::new(&fleet, backend)
        .args(["deploy", "-H", "host1", "--accept-new-host-key", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.0"])
        .run();
    assert_eq!(accepted.code, 0, "{}", accepted.all());
    assert!(fleet.knows("host1"), "the key was recorded on first use");
    // From now on strict checking passes without the flag.
    assert_eq!(deploy(&fleet, backend, "host1", "1.1.0").code, 0);
}

#[test]
fn a_host_key_mismatch_is_refused_openssh() {
    mismatch(Backend::Openssh);
}

#[test]
fn a_host_key_mismatch_is_refused_native() {
    mismatch(Backend::Native);
}

#[test]
fn an_unknown_host_is_refused_unless_accept_new_openssh() {
    unknown(Backend::Openssh);
}

#[test]
fn an_unknown_host_is_refused_unless_accept_new_native() {
    unknown(Backend::Native);
}
