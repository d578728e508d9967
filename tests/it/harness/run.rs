//! ployctl as a process: an explicit environment (PATH, a private HOME, the
//! backend, the client key for `native`), the fleet's inventory, captured output.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::fleet::Fleet;
use super::ployctl_bin;

/// The SSH backend a test drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// System ssh.
    Openssh,
    /// russh, key from `PLOYCTL_SSH_KEY`.
    Native,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Openssh => "openssh",
            Backend::Native => "native",
        }
    }
}

/// A finished ployctl run.
#[derive(Debug, Clone)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
}

impl Run {
    /// stdout then stderr, for assertion messages and leak checks.
    pub fn all(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }

    /// stdout parsed as the JSON report.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.all()))
    }
}

/// A ployctl command line being built.
#[derive(Debug)]
pub struct Ctl {
    command: Command,
}

impl Ctl {
    /// ployctl against `fleet`'s inventory with `backend`.
    pub fn new(fleet: &Fleet, backend: Backend) -> Self {
        let inventory = fleet.dir.path().join("ployctl.toml");
        if !inventory.is_file() {
            fleet.write_inventory("");
        }
        let home = fleet.dir.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        let control: PathBuf = fleet.dir.path().join("ctl");
        let mut command = Command::new(ployctl_bin());
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("USER", &fleet.user)
            .env("PLOYCTL_CONTROL_DIR", &control)
            .env("PLOYCTL_SSH_BACKEND", backend.name())
            .env("PLOYCTL_INVENTORY", &inventory)
            .current_dir(fleet.dir.path())
            .stdin(Stdio::null());
        if backend == Backend::Native {
            command.env("PLOYCTL_SSH_KEY", fleet.client_key_text());
        }
        Self { command }
    }

    /// Adds arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, args: I) -> Self {
        self.command.args(args);
        self
    }

    /// Adds a path argument.
    pub fn arg_path(mut self, path: &std::path::Path) -> Self {
        self.command.arg(path);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    /// Runs to completion.
    pub fn run(mut self) -> Run {
        let out = self.command.output().expect("run ployctl");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Starts in the background with output to files in `dir`.
    pub fn spawn(mut self, dir: &std::path::Path, tag: &str) -> std::process::Child {
        let out = std::fs::File::create(dir.join(format!("{tag}.out"))).expect("out file");
        let err = std::fs::File::create(dir.join(format!("{tag}.err"))).expect("err file");
        self.command
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn ployctl")
    }
}
