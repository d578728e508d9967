//! The container image (`deployment/container/Dockerfile`), built with podman
//! and run: its own `HEALTHCHECK` (`ploy health-check`) passes against the
//! engine it runs, as its unprivileged user, with config from the environment.
//!
//! The image's base (distroless) cannot be pulled here, so the test builds one
//! from this machine's files (the C libraries `ploy` links, CA certificates, a
//! passwd line for uid 65532) and builds the real Dockerfile on it with
//! `podman build --from`. Podman runs containers with runc (crun refuses this
//! kind of machine's hybrid cgroup layout) and with rlimits it may set.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::harness::{free_port, ploy_bin, require_program, sample_recording};

const INSTALL: &str =
    "apt-get update && apt-get install -y podman runc (or deployment/dev/setup.sh)";

/// The flags every podman container of this test needs on this kind of machine.
const RUN_FLAGS: &[&str] = &[
    "--runtime",
    "runc",
    "--ulimit",
    "nofile=1024:1024",
    "--ulimit",
    "nproc=1024:1024",
];

struct Podman {
    program: PathBuf,
    /// Images and containers to remove at the end.
    images: Vec<String>,
    containers: Vec<String>,
}

impl Podman {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(&self.program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("podman {args:?}: {e}"))
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "podman {args:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

impl Drop for Podman {
    fn drop(&mut self) {
        for c in &self.containers {
            let _ = self.run(&["rm", "--force", c]);
        }
        for i in &self.images {
            let _ = self.run(&["rmi", "--force", i]);
        }
    }
}

/// A root filesystem holding what `ploy` needs to run: the libraries `ldd`
/// names, CA certificates and an unprivileged user, packed as a tar.
fn base_rootfs(dir: &Path) -> PathBuf {
    let root = dir.join("rootfs");
    std::fs::create_dir_all(root.join("etc/ssl/certs")).unwrap();
    let ldd = Command::new("ldd").arg(ploy_bin()).output().unwrap();
    assert!(ldd.status.success(), "ldd ploy: {ldd:?}");
    for path in String::from_utf8_lossy(&ldd.stdout)
        .split_whitespace()
        .filter(|w| w.starts_with('/'))
    {
        let target = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(path, &target).unwrap_or_else(|e| panic!("copy {path}: {e}"));
    }
    std::fs::copy(
        "/etc/ssl/certs/ca-certificates.crt",
        root.join("etc/ssl/certs/ca-certificates.crt"),
    )
    .expect("CA certificates (apt-get install ca-certificates)");
    std::fs::write(
        root.join("etc/passwd"),
        "root:x:0:0::/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n",
    )
    .unwrap();
    std::fs::write(root.join("etc/group"), "root:x:0:\nnonroot:x:65532:\n").unwrap();
    let tar = dir.join("base.tar");
    let status = Command::new("tar")
        .arg("-C")
        .arg(&root)
        .arg("-cf")
        .arg(&tar)
        .arg(".")
        .status()
        .unwrap();
    assert!(status.success());
    tar
}

#[test]
fn the_image_runs_as_nonroot_and_its_health_check_passes() {
    assert!(
        nix_is_root(),
        "the container test needs root (podman's rootful storage); CI runs as root"
    );
    require_program("runc", &[PathBuf::from("/usr/sbin")], INSTALL);
    let mut podman = Podman {
        program: require_program("podman", &[], INSTALL),
        images: Vec::new(),
        containers: Vec::new(),
    };
    let id = format!("{}-{}", std::process::id(), free_port());
    let dir = tempfile::tempdir().unwrap();

    let base = format!("localhost/ploy-it-base:{id}");
    let tar = base_rootfs(dir.path());
    podman.ok(&["import", tar.to_str().unwrap(), &base]);
    podman.images.push(base.clone());

    // The build context: the Dockerfile and its data/ folder, and a `ploy`
    // binary beside them, as the release archive unpacks.
    let context = dir.path().join("context");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deployment/container");
    std::fs::create_dir_all(context.join("data")).unwrap();
    std::fs::copy(shipped.join("Dockerfile"), context.join("Dockerfile")).unwrap();
    std::fs::copy(shipped.join("data/.keep"), context.join("data/.keep")).unwrap();
    std::fs::copy(ploy_bin(), context.join("ploy")).unwrap();

    let image = format!("localhost/ploy-it:{id}");
    let mut build = vec!["build", "--format", "docker", "--from", &base, "-t", &image];
    build.extend_from_slice(RUN_FLAGS);
    build.push(context.to_str().unwrap());
    podman.ok(&build);
    podman.images.push(image.clone());

    let inspect = |format: &str| podman.ok(&["image", "inspect", "--format", format, &image]);
    assert_eq!(
        inspect("{{.Config.User}}"),
        "65532:65532",
        "runs unprivileged"
    );
    assert_eq!(inspect("{{json .Config.Entrypoint}}"), r#"["ploy"]"#);
    assert_eq!(inspect("{{json .Config.Cmd}}"), r#"["run"]"#);
    assert_eq!(
        inspect("{{json .Config.Healthcheck.Test}}"),
        r#"["CMD","ploy","health-check"]"#
    );

    // Config from the environment only: paper mode (the default), the shipped
    // recording as market data, /health on a free port of the host's network.
    let port = free_port();
    let name = format!("ploy-it-{id}");
    let bind = format!("PLOY_SERVER__BIND=0.0.0.0:{port}");
    let recordings = format!(
        "{}:/recordings:ro",
        sample_recording().parent().unwrap().display()
    );
    let mut run = vec!["run", "--detach", "--name", &name, "--network", "host"];
    run.extend_from_slice(RUN_FLAGS);
    run.extend_from_slice(&[
        "--env",
        &bind,
        "--env",
        "PLOY_MARKET_DATA__SOURCE=recording",
        "--env",
        "PLOY_MARKET_DATA__RECORDING=/recordings/sample.jsonl",
        "--volume",
        &recordings,
        &image,
    ]);
    podman.ok(&run);
    podman.containers.push(name.clone());

    // The image's own HEALTHCHECK, run by podman, until it passes.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = podman.run(&["healthcheck", "run", &name]);
        if out.status.success() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the image's health check never passed: {}{}\nlogs:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&podman.run(&["logs", &name]).stderr)
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let health = podman.ok(&["exec", &name, "ploy", "health-check", "--json"]);
    let health: serde_json::Value = serde_json::from_str(&health).unwrap();
    assert_eq!(health["status"], "healthy", "{health}");
    assert_eq!(health["checks"]["database"]["status"], "up", "{health}");

    // The engine runs unprivileged, logs JSON, and keeps its SQLite file in
    // the image's data volume.
    let top = podman.ok(&["top", &name, "user", "args"]);
    assert!(
        top.lines()
            .any(|l| l.contains("ploy run") && !l.starts_with("root")),
        "ploy runs unprivileged:\n{top}"
    );
    let logs = podman.run(&["logs", &name]);
    let logs =
        String::from_utf8_lossy(&logs.stdout).into_owned() + &String::from_utf8_lossy(&logs.stderr);
    assert!(
        logs.lines().any(|l| l.starts_with('{')),
        "PLOY_JSON_LOGS=true gives JSON lines:\n{logs}"
    );
    let mounts = podman.ok(&["inspect", "--format", "{{json .Mounts}}", &name]);
    assert!(mounts.contains("/var/lib/ploy/data"), "{mounts}");
}

fn nix_is_root() -> bool {
    // The effective uid, from /proc (no libc call needed).
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}
