//! A real PostgreSQL server per test: `initdb` into a temp folder, `pg_ctl start`
//! on a free loopback port, stopped (immediately) on drop.
//!
//! `initdb` refuses to run as root, so as root the server runs as the
//! `postgres` user (via `runuser`).

use std::path::PathBuf;
use std::process::{Command, Output};

// Shared with ployctl's tests (`#[path]`): the harness there provides the same two functions.
use super::{free_loopback_port as free_port, require_program};

const INSTALL: &str = "apt-get update && apt-get install -y --no-install-recommends postgresql";

/// A running PostgreSQL server.
#[derive(Debug)]
pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres_user: bool,
    running: bool,
}

/// The folder holding initdb, pg_ctl, postgres and psql.
fn pg_bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.sort();
    versions.reverse();
    let initdb = require_program("initdb", &versions, INSTALL);
    let dir = std::fs::canonicalize(&initdb)
        .ok()
        .and_then(|p| p.parent().map(PathBuf::from))
        .unwrap_or_else(|| initdb.parent().expect("bin dir").to_owned());
    for tool in ["pg_ctl", "postgres", "psql"] {
        assert!(
            dir.join(tool).is_file(),
            "prerequisite missing: {tool} is not beside {}; install with: {INSTALL}",
            initdb.display()
        );
    }
    dir
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl PgServer {
    /// Creates and starts a fresh cluster whose superuser is `ploy` (trust auth
    /// on loopback, so a password in a URL is accepted and ignored).
    pub fn start() -> Self {
        let bin = pg_bin_dir();
        let as_postgres_user = is_root();
        let dir = tempfile::Builder::new()
            .prefix("ploy-pg-")
            .tempdir()
            .expect("temp dir");
        if as_postgres_user {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(
                status.success(),
                "chown the PostgreSQL temp dir to postgres"
            );
        }
        let mut server = Self {
            dir,
            bin,
            port: free_port(),
            as_postgres_user,
            running: false,
        };
        let data = server.data_dir();
        server.tool(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "ploy",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        server.start_again();
        server
    }

    fn data_dir(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn command(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn tool(&self, tool: &str, args: &[&str]) -> Output {
        let out = self
            .command(tool)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("run {tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Starts the server (again, after [`stop`](Self::stop)).
    pub fn start_again(&mut self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("postgres.log").display().to_string();
        let data = self.data_dir();
        self.tool(
            "pg_ctl",
            &[
                "-D", &data, "-o", &opts, "-l", &log, "-w", "-t", "30", "start",
            ],
        );
        self.running = true;
    }

    /// Stops the server at once (`-m immediate`): every connection drops.
    pub fn stop(&mut self) {
        if self.running {
            let data = self.data_dir();
            self.tool("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
            self.running = false;
        }
    }

    /// A URL for database `db` (created now), optionally with a password in it.
    pub fn url(&self, db: &str, password: Option<&str>) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "ploy",
                "-d",
                "postgres",
                "-c",
            ])
            .arg(format!("CREATE DATABASE \"{db}\""))
            .output()
            .expect("run psql");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() || err.contains("already exists"),
            "create database {db}: {err}"
        );
        let auth = password.map_or_else(|| "ploy".to_owned(), |pw| format!("ploy:{pw}"));
        format!("postgres://{auth}@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if self.running {
            let data = self.data_dir();
            let _ = self
                .command("pg_ctl")
                .args(["-D", &data, "-m", "immediate", "-w", "stop"])
                .output();
        }
    }
}
