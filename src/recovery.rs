//! Recovery: before a deploy or a rollback changes anything, it finishes what
//! an interrupted run left on the host, says what it found and what it did,
//! and only then goes on. The decision ([`next_action`]) is pure; [`recover`]
//! carries it out through the session until the host is consistent.
//!
//! What can be left: an activation still running (ployctl died while the
//! host switched and restarted); an armed or firing guard whose ployctl is
//! gone; `current` naming a release that does not run (a switch without its
//! restart, on a host deployed before the guard existed).

use std::time::Duration;

use crate::plan::StepKind;
use crate::printer::HostReport;
use crate::remote::guard::GuardResult;
use crate::remote::state::{HostState, Running};
use crate::remote::{phases, ScriptOutput};
use crate::session::{Context, Failure, HostSession};

/// One thing to do before the host is consistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// An activation is still switching and restarting (its pid): wait.
    WaitForActivation(u32),
    /// The guard of an interrupted deploy is armed or rolling back: make it
    /// finish now and wait for its result.
    FinishGuard {
        /// The deploy's token.
        token: String,
        /// The release it guards.
        release: String,
        /// Where it goes back to.
        fallback: String,
        /// Whether it is already rolling back.
        firing: bool,
    },
    /// `current` names one release while another runs: point it at the one that runs.
    PointCurrentAt {
        /// Where `current` points.
        current: String,
        /// What runs.
        running: String,
    },
}

/// The next thing to do on a host we hold the lock of, or `None` when it is consistent.
pub fn next_action(state: &HostState) -> Option<Action> {
    if let Some(pid) = state.activating {
        return Some(Action::WaitForActivation(pid));
    }
    if let Some(guard) = state.firing.as_ref().or(state.guard.as_ref()) {
        return Some(Action::FinishGuard {
            token: guard.token.clone(),
            release: guard.release.clone(),
            fallback: guard.fallback.clone(),
            firing: state.firing.is_some(),
        });
    }
    if let Some((current, running)) = state.mismatch() {
        return Some(Action::PointCurrentAt { current, running });
    }
    None
}

/// What recovery left behind.
#[derive(Debug)]
pub struct Recovered {
    /// The host's state now.
    pub state: HostState,
    /// What guards did: one that had fired before this run, and any this run finished.
    pub guard_results: Vec<GuardResult>,
    /// Whether recovery changed anything on the host (the service may have restarted).
    pub acted: bool,
}

/// Carries out [`next_action`] until the host is consistent (at most a few
/// rounds), reporting a `recover` step when there was anything to do.
pub async fn recover(
    ctx: &Context,
    session: &HostSession,
    report: &mut HostReport,
    mut state: HostState,
) -> Result<Recovered, Failure> {
    let host = session.host.name.clone();
    let mut did: Vec<String> = Vec::new();
    let mut guard_results: Vec<GuardResult> = state.guard_result.take().into_iter().collect();
    if let Some(result) = guard_results.first() {
        ctx.printer.warn(&host, &result.describe());
        let _ = session
            .run(&format!(
                "{}mv -f \"$R/.ployctl/guard.result\" \"$R/.ployctl/guard.result.seen\"",
                session.prelude
            ))
            .await;
    }
    let guard_wait = session.host.health_timeout + Duration::from_secs(60);
    for _ in 0..6 {
        let Some(action) = next_action(&state) else {
            break;
        };
        ctx.printer
            .step(&host, StepKind::Recover, &describe(&action));
        match action {
            Action::WaitForActivation(pid) => {
                did.push(format!(
                    "waited for an activation still running on the host (pid {pid})"
                ));
                tokio::time::sleep(Duration::from_millis(500)).await;
            },
            Action::FinishGuard {
                token,
                release,
                fallback,
                firing,
            } => {
                ctx.printer.warn(
                    &host,
                    &format!(
                        "an interrupted deploy of {release} left its guard {}; it goes back to {fallback} now",
                        if firing { "rolling back" } else { "armed" }
                    ),
                );
                let result = if firing {
                    session.wait_guard(&token, guard_wait).await?
                } else {
                    session
                        .fire_guard(
                            &token,
                            false,
                            "the ployctl that armed the guard is gone (the deploy was interrupted)",
                            None,
                            guard_wait,
                        )
                        .await?
                };
                let Some(result) = result else {
                    return Err(Failure::new(
                        crate::exit::Outcome::Failed,
                        format!("the guard of the interrupted deploy of {release} did not finish within {}", humantime::format_duration(guard_wait)),
                    )
                    .hint(format!(
                        "see {}/.ployctl/guard.log on the host, then run the command again",
                        session.layout.root()
                    )));
                };
                ctx.printer.warn(&host, &result.describe());
                did.push(format!(
                    "finished the guard of the interrupted deploy of {release}"
                ));
                guard_results.push(result);
            },
            Action::PointCurrentAt { current, running } => {
                let out = session
                    .run_ok(
                        &phases::point_current_script(&session.prelude, &running),
                        "pointing current at the running release",
                    )
                    .await?;
                ctx.printer.warn(
                    &host,
                    &format!("current pointed at {current}, but {running} runs: current points at {running} again"),
                );
                did.push(format!("pointed current back at {running}, which runs"));
                if let Some(next) = HostState::parse(&ScriptOutput::parse(&out.stdout)) {
                    state = next;
                    continue;
                }
            },
        }
        state = session.state().await?;
    }
    if did.is_empty() {
        if state.running == Running::Nothing && !state.releases.is_empty() {
            ctx.printer.warn(&host, "ploy is not running on this host");
        }
    } else {
        ctx.printer
            .step_done(report, StepKind::Recover, true, &did.join("; "));
    }
    Ok(Recovered {
        state,
        acted: !did.is_empty(),
        guard_results,
    })
}

fn describe(action: &Action) -> String {
    match action {
        Action::WaitForActivation(pid) => {
            format!("an activation is still running on the host (pid {pid}); waiting")
        },
        Action::FinishGuard {
            release, fallback, ..
        } => format!("the guard of an interrupted deploy of {release}: going back to {fallback}"),
        Action::PointCurrentAt { current, running } => {
            format!("current → {current}, but {running} runs")
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::ScriptOutput;

    fn state(text: &str) -> HostState {
        HostState::parse(&ScriptOutput::parse(&format!("{text}\nstate=end\n"))).unwrap()
    }

    #[test]
    fn a_consistent_host_needs_nothing() {
        assert_eq!(
            next_action(&state("current=releases/1.0\nrunning_pid=7\nrunning=1.0")),
            None
        );
        assert_eq!(
            next_action(&state("current=\nrunning_pid=\nrunning=")),
            None
        );
    }

    #[test]
    fn an_activation_comes_first_then_the_guard_then_current() {
        let all = "current=releases/2.0\nrunning_pid=7\nrunning=1.0\n\
                   guard.token=t\nguard.release=2.0\nguard.fallback=1.0";
        assert_eq!(
            next_action(&state(&format!("{all}\nactivating=99"))),
            Some(Action::WaitForActivation(99))
        );
        assert_eq!(
            next_action(&state(all)),
            Some(Action::FinishGuard {
                token: "t".into(),
                release: "2.0".into(),
                fallback: "1.0".into(),
                firing: false
            })
        );
        assert_eq!(
            next_action(&state("current=releases/2.0\nrunning_pid=7\nrunning=1.0")),
            Some(Action::PointCurrentAt {
                current: "2.0".into(),
                running: "1.0".into()
            })
        );
    }

    #[test]
    fn a_firing_guard_is_waited_for() {
        let s = state("firing.token=t\nfiring.release=2.0\nfiring.fallback=1.0");
        assert!(matches!(
            next_action(&s),
            Some(Action::FinishGuard { firing: true, .. })
        ));
    }

    #[test]
    fn an_unknown_process_is_left_alone() {
        assert_eq!(
            next_action(&state("current=releases/2.0\nrunning_pid=7\nrunning=?")),
            None
        );
    }
}
