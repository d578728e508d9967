//! The real `ploy` binary as a child process in its own temp folder, with its
//! own config, an explicit environment (nothing inherited but PATH) and its
//! stdout/stderr captured to files.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::{free_port, ploy_bin};

/// Builds a `ploy` invocation.
#[derive(Debug)]
pub struct Ploy {
    dir: tempfile::TempDir,
    port: u16,
    config: String,
    env: Vec<(String, String)>,
    open_files: Option<u64>,
}

impl Default for Ploy {
    fn default() -> Self {
        Self::new()
    }
}

impl Ploy {
    /// A fresh folder and port; the config binds 127.0.0.1:<port> with short
    /// timeouts suited to tests.
    pub fn new() -> Self {
        Self {
            dir: tempfile::Builder::new()
                .prefix("ploy-it-")
                .tempdir()
                .expect("temp dir"),
            port: free_port(),
            config: String::new(),
            env: vec![("RUST_LOG".into(), "info,ploy=debug".into())],
            open_files: None,
        }
    }

    /// Extra TOML appended after the generated lines, which are dotted root keys
    /// (`server.bind = …`), so it may hold root keys and any section but
    /// `[server]` and `[health]` (override those with `PLOY_SERVER__*` env).
    pub fn config(mut self, toml: &str) -> Self {
        self.config.push_str(toml);
        self.config.push('\n');
        self
    }

    /// Sets an environment variable for the process.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Runs ploy with this open-file limit (`ulimit -n`), as a host's default would.
    pub fn open_files(mut self, limit: u64) -> Self {
        self.open_files = Some(limit);
        self
    }

    /// Uses this port instead of a fresh one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The HTTP port.
    pub fn http_port(&self) -> u16 {
        self.port
    }

    /// The working folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `config.toml` and returns its path.
    pub fn write_config(&self) -> PathBuf {
        let text = format!(
            "server.bind = \"127.0.0.1:{}\"\nserver.shutdown_timeout = \"5s\"\nhealth.check_timeout = \"1s\"\nhealth.api_cache = \"200ms\"\n\n{}",
            self.port, self.config
        );
        let path = self.dir.path().join("config.toml");
        std::fs::write(&path, text).expect("write config.toml");
        path
    }

    /// A command for `ploy <args>` with the config and environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let config = self.write_config();
        let mut cmd = match self.open_files {
            None => Command::new(ploy_bin()),
            Some(limit) => {
                let mut sh = Command::new("sh");
                sh.args([
                    "-c",
                    "ulimit -n \"$1\" || exit 97; shift; exec \"$@\"",
                    "sh",
                    &limit.to_string(),
                ])
                .arg(ploy_bin());
                sh
            },
        };
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(self.dir.path())
            .arg("--config")
            .arg(config)
            .args(args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs `ploy <args>` to completion: (exit code, stdout, stderr).
    pub fn output(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.command(args).output().expect("run ploy");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Starts `ploy run` in the background.
    pub fn spawn(self) -> Running {
        self.spawn_with(&["run"])
    }

    /// Starts `ploy <args>` in the background.
    pub fn spawn_with(self, args: &[&str]) -> Running {
        let stdout = self.dir.path().join("stdout.log");
        let stderr = self.dir.path().join("stderr.log");
        let child = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).expect("stdout file"))
            .stderr(std::fs::File::create(&stderr).expect("stderr file"))
            .spawn()
            .expect("spawn ploy run");
        Running {
            child,
            setup: Some(self),
            stdout,
            stderr,
            exit: None,
        }
    }
}

/// A running `ploy run`.
#[derive(Debug)]
pub struct Running {
    child: Child,
    setup: Option<Ploy>,
    stdout: PathBuf,
    stderr: PathBuf,
    exit: Option<ExitStatus>,
}

impl Running {
    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.setup().port)
    }

    /// The setup it was started from (for running other commands alongside).
    pub fn setup(&self) -> &Ploy {
        self.setup.as_ref().expect("setup present until into_setup")
    }

    /// Stops the process (if still running) and gives back its setup, folder
    /// and database included, to start it again.
    pub fn into_setup(mut self) -> Ploy {
        if self.exit.is_none() {
            let _ = self.child.kill();
            self.exit = self.child.wait().ok();
        }
        self.setup.take().expect("setup present")
    }

    /// Waits until `/health` answers at all (any status). Panics with the logs if
    /// the process exits first or `timeout` passes.
    pub async fn ready(&mut self, timeout: Duration) -> &mut Self {
        let deadline = Instant::now() + timeout;
        let client = reqwest::Client::new();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!("ploy exited early with {status}:\n{}", self.logs());
            }
            if client
                .get(format!("{}/health", self.base_url()))
                .send()
                .await
                .is_ok()
            {
                return self;
            }
            assert!(
                Instant::now() < deadline,
                "ploy not answering after {timeout:?}:\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `GET /health`: (status code, body as JSON).
    pub async fn health(&self) -> (u16, serde_json::Value) {
        let response = reqwest::get(format!("{}/health", self.base_url()))
            .await
            .expect("GET /health");
        let status = response.status().as_u16();
        let body = response.json().await.expect("health body is JSON");
        (status, body)
    }

    /// `GET /metrics` as text.
    pub async fn metrics(&self) -> String {
        reqwest::get(format!("{}/metrics", self.base_url()))
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("metrics text")
    }

    /// Sends a signal by name (`TERM`, `INT`, `KILL`).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Whether it has exited.
    pub fn exited(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_some()
    }

    /// Waits up to `timeout` for the process to exit.
    pub async fn wait(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.exit = Some(status);
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Everything written to stdout and stderr so far.
    pub fn logs(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            std::fs::read_to_string(&self.stdout).unwrap_or_default(),
            std::fs::read_to_string(&self.stderr).unwrap_or_default()
        )
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.exit.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
