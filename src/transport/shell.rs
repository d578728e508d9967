//! One remote `sh` kept open per host: every script of a command runs through it
//! as `sh -c SCRIPT`, so only the first pays the login shell's start-up (sshd
//! runs each command through the user's shell, and bash reads `~/.bashrc` for
//! every one). Requests are framed by markers on both streams; each carries a
//! sequence number, so a request abandoned halfway (a cancelled future) leaves
//! nothing that the next one could mistake for its own output.
//!
//! The shell's process id is what a host-side guard watches (`$PPID` of every
//! script): it exits when ployctl's connection goes, however ployctl died.

use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

use super::{Chunk, ErrorKind, Output, RemoteProcess, Transport, TransportError};
use crate::remote::quote;

/// Record separator: starts every marker, never printed by our scripts.
const MARK: u8 = 0x1e;

/// A persistent remote `sh`.
#[derive(Debug)]
pub struct RemoteShell {
    destination: String,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    process: RemoteProcess,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    next_seq: u64,
    gone: Option<String>,
}

/// The line that runs one request in the shell.
pub(crate) fn request_line(seq: u64, script: &str, input: Option<&str>) -> String {
    let run = match input {
        Some(text) => format!(
            "printf '%s' {} | sh -c {} ployctl",
            quote(text),
            quote(script)
        ),
        None => format!("sh -c {} ployctl </dev/null", quote(script)),
    };
    format!(
        "printf '\\036S{seq}\\n'; printf '\\036S{seq}\\n' >&2; {run}; \
         printf '\\036E{seq} %s\\n' \"$?\"; printf '\\036E{seq}\\n' >&2\n"
    )
}

/// Where one stream of a request stands in a buffer.
#[derive(Debug, PartialEq, Eq)]
enum Framed {
    /// Its start marker has not arrived.
    Waiting,
    /// Started; the end has not arrived.
    Open,
    /// Complete: the request's bytes, and the exit status when the marker carries one.
    Done(Vec<u8>, Option<i32>),
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Consumes what a buffer holds of request `seq`. Bytes before its start
/// marker (a login banner, a previous request's rest) are dropped.
fn frame(buf: &mut Vec<u8>, seq: u64, started: &mut bool, with_status: bool) -> Framed {
    if !*started {
        let start = [&[MARK][..], format!("S{seq}\n").as_bytes()].concat();
        let Some(at) = find(buf, &start) else {
            // Keep a tail that could be the beginning of the marker.
            let keep = buf.len().min(start.len());
            buf.drain(..buf.len() - keep);
            return Framed::Waiting;
        };
        buf.drain(..at + start.len());
        *started = true;
    }
    let end = [
        &[MARK][..],
        format!("E{seq}{}", if with_status { " " } else { "\n" }).as_bytes(),
    ]
    .concat();
    let Some(at) = find(buf, &end) else {
        return Framed::Open;
    };
    let (status, consumed) = if with_status {
        let rest = &buf[at + end.len()..];
        let Some(nl) = rest.iter().position(|b| *b == b'\n') else {
            return Framed::Open;
        };
        let code = std::str::from_utf8(&rest[..nl])
            .ok()
            .and_then(|t| t.trim().parse().ok());
        (code, at + end.len() + nl + 1)
    } else {
        (None, at + end.len())
    };
    let body = buf[..at].to_vec();
    buf.drain(..consumed);
    Framed::Done(body, status)
}

impl RemoteShell {
    /// Starts the shell on the host.
    pub async fn open(transport: &dyn Transport) -> Result<Self, TransportError> {
        let process = transport.spawn("exec sh").await?;
        Ok(Self {
            destination: transport.describe(),
            state: Mutex::new(State {
                process,
                stdout: Vec::new(),
                stderr: Vec::new(),
                next_seq: 1,
                gone: None,
            }),
        })
    }

    fn broken(&self, detail: &str) -> TransportError {
        TransportError::new(
            ErrorKind::Broken,
            &self.destination,
            format!("the remote shell ended: {detail}"),
        )
        .hint("the SSH connection dropped; check the host and run the command again")
    }

    /// Runs `sh -c script` in the shell, with `input` (text) on its stdin.
    pub async fn run(&self, script: &str, input: Option<&str>) -> Result<Output, TransportError> {
        let mut state = self.state.lock().await;
        if let Some(why) = &state.gone {
            return Err(self.broken(why));
        }
        let seq = state.next_seq;
        state.next_seq += 1;
        let line = request_line(seq, script, input);
        if let Err(e) = state.process.stdin.write_all(line.as_bytes()).await {
            state.gone = Some(e.to_string());
            return Err(self.broken(&e.to_string()));
        }
        let _ = state.process.stdin.flush().await;
        let (mut out_started, mut err_started) = (false, false);
        let (mut out, mut err): (Option<(Vec<u8>, Option<i32>)>, Option<Vec<u8>>) = (None, None);
        loop {
            let State { stdout, stderr, .. } = &mut *state;
            if out.is_none() {
                if let Framed::Done(body, status) = frame(stdout, seq, &mut out_started, true) {
                    out = Some((body, status));
                }
            }
            if err.is_none() {
                if let Framed::Done(body, _) = frame(stderr, seq, &mut err_started, false) {
                    err = Some(body);
                }
            }
            if let (Some((stdout, status)), Some(stderr)) = (&out, &err) {
                return Ok(Output {
                    status: *status,
                    stdout: String::from_utf8_lossy(stdout).into_owned(),
                    stderr: String::from_utf8_lossy(stderr).into_owned(),
                });
            }
            match state.process.output.recv().await {
                Some(Chunk::Stdout(bytes)) => state.stdout.extend_from_slice(&bytes),
                Some(Chunk::Stderr(bytes)) => state.stderr.extend_from_slice(&bytes),
                Some(Chunk::Exit(status)) => {
                    let why = match status {
                        Ok(code) => format!("it exited ({code:?})"),
                        Err(e) => e,
                    };
                    state.gone = Some(why.clone());
                    return Err(self.broken(&why));
                },
                None => {
                    let why = "the connection closed".to_owned();
                    state.gone = Some(why.clone());
                    return Err(self.broken(&why));
                },
            }
        }
    }

    /// Ends the shell (end of file on its stdin) and waits briefly for it to exit.
    pub async fn close(self) {
        let RemoteProcess {
            mut stdin,
            mut output,
        } = self.state.into_inner().process;
        // A pipe closes only when dropped; an SSH channel sends EOF on shutdown.
        let _ = stdin.shutdown().await;
        drop(stdin);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), async {
            while output.recv().await.is_some() {}
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_runs_the_script_quoted_between_markers() {
        assert_eq!(
            request_line(7, "echo 'hi'", None),
            "printf '\\036S7\\n'; printf '\\036S7\\n' >&2; sh -c 'echo '\\''hi'\\''' ployctl </dev/null; \
             printf '\\036E7 %s\\n' \"$?\"; printf '\\036E7\\n' >&2\n"
        );
        assert!(
            request_line(1, "cat", Some("a b")).contains("printf '%s' 'a b' | sh -c cat ployctl;")
        );
    }

    #[test]
    fn framing_drops_what_came_before_and_keeps_what_comes_after() {
        let mut buf =
            b"welcome from .bashrc\n\x1eE3 0\nstale\x1eS4\nhello\nno newline\x1eE4 17\n\x1eS5\n"
                .to_vec();
        let mut started = false;
        assert_eq!(
            frame(&mut buf, 4, &mut started, true),
            Framed::Done(b"hello\nno newline".to_vec(), Some(17))
        );
        assert_eq!(buf, b"\x1eS5\n");
        let mut started = false;
        assert_eq!(frame(&mut buf, 5, &mut started, true), Framed::Open);
        assert!(started);
    }

    #[test]
    fn a_marker_split_across_chunks_is_found() {
        let mut buf = b"junk\x1eS".to_vec();
        let mut started = false;
        assert_eq!(frame(&mut buf, 2, &mut started, false), Framed::Waiting);
        buf.extend_from_slice(b"2\nerr text\x1eE");
        assert_eq!(frame(&mut buf, 2, &mut started, false), Framed::Open);
        buf.extend_from_slice(b"2\n");
        assert_eq!(
            frame(&mut buf, 2, &mut started, false),
            Framed::Done(b"err text".to_vec(), None)
        );
    }
}
