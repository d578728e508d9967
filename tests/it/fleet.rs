//! Several hosts in one run: each deploys in parallel and reports on its own; a
//! host that is down fails alone and makes the exit code non-zero.

use crate::harness::fleet::Fleet;
use crate::harness::ploy_bin;
use crate::harness::run::{Backend, Ctl};

#[test]
fn three_hosts_one_down() {
    let mut fleet = Fleet::start(3);
    fleet.host_mut("host2").stop_sshd();
    let run = Ctl::new(&fleet, Backend::Openssh)
        .args(["deploy", "-H", "@fleet", "--json", "--binary"])
        .arg_path(&ploy_bin())
        .args(["--version", "1.0.0"])
        .run();
    assert_eq!(run.code, 7, "connection error wins:\n{}", run.all());
    let report = run.json();
    assert_eq!(report["ok"], false);
    assert_eq!(report["outcome"], "connection_error");
    let hosts = report["hosts"].as_array().unwrap();
    let outcomes: Vec<(&str, &str)> = hosts
        .iter()
        .map(|h| (h["host"].as_str().unwrap(), h["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("host1", "success"),
            ("host2", "connection_error"),
            ("host3", "success")
        ]
    );
    let down = &hosts[1];
    assert!(
        down["reason"].as_str().unwrap().contains("cannot connect"),
        "{down:#}"
    );
    assert!(down["destination"]
        .as_str()
        .unwrap()
        .contains(&fleet.host("host2").ip));
    for name in ["host1", "host3"] {
        let host = fleet.host(name);
        assert_eq!(host.current().as_deref(), Some("1.0.0"));
        assert_eq!(host.health().unwrap().0, 200, "{name} is healthy");
    }

    // The human summary names the failed host too.
    let again = Ctl::new(&fleet, Backend::Native)
        .args(["health", "-H", "@fleet"])
        .run();
    assert_eq!(again.code, 7, "{}", again.all());
    let line = again
        .stdout
        .lines()
        .find(|l| l.starts_with("host2"))
        .expect("a line for host2");
    assert!(line.contains("connection error"), "{line}");
}
