//! Releases for tests: wrappers around the real `ploy` that misbehave only
//! under `run`, and binaries padded so that an upload takes a while.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::fleet::Fleet;
use super::ploy_bin;

/// A release that wraps the real `ploy`, running `on_run` under `run`.
pub fn wrapper(fleet: &Fleet, name: &str, on_run: &str) -> PathBuf {
    let real = ploy_bin();
    let path = fleet.dir.path().join(name);
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\n# a broken ploy release for tests\nREAL='{}'\ncase \" $* \" in\n  *\" run \"*) {on_run} ;;\nesac\nexec \"$REAL\" \"$@\"\n",
            real.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A release that is healthy first (however slow the machine is to start
/// it), then dead 3 s later: `$2` is the config path of `ploy --config PATH run`.
pub fn crashes_after_3s(fleet: &Fleet) -> PathBuf {
    wrapper(
        fleet,
        "crashes-after-3s",
        "\"$REAL\" \"$@\" & child=$!; \
         until \"$REAL\" --config \"$2\" health-check >/dev/null 2>&1; do \
         kill -0 $child 2>/dev/null || exit 1; sleep 0.2; done; \
         sleep 3; kill -KILL $child; exit 137",
    )
}

/// A copy of `binary` with `mib` MiB appended (a script never reads past its
/// last line, a binary never maps the tail): the same program, a longer upload.
pub fn padded(fleet: &Fleet, binary: &Path, mib: usize) -> PathBuf {
    let name = format!("{}-padded", binary.file_name().unwrap().to_string_lossy());
    let path = fleet.dir.path().join(name);
    std::fs::copy(binary, &path).unwrap();
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    let block = vec![b'\n'; 1 << 20];
    for _ in 0..mib {
        file.write_all(&block).unwrap();
    }
    path
}
