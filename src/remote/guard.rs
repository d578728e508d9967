//! The host-side guard ("magic rollback", as deploy-rs has it): armed before a
//! deploy switches `current`, it runs on the host by itself (its own session,
//! outliving the SSH connection) and, unless ployctl confirms the new release
//! in time, switches back to the last good release, restarts it, waits until
//! it is healthy, and records what it did in the ledger, the audit log and
//! `.ployctl/guard.result`. It fires when:
//!
//! - ployctl asks it to (the release failed its proof, or ployctl was
//!   interrupted): `.ployctl/guard.fire`;
//! - ployctl's connection ends (the remote shell it watches exits) before a
//!   confirmation: a killed ployctl is noticed within a fraction of a second;
//! - the deadline passes (health timeout + stability window + a margin,
//!   counted from the restart).
//!
//! Confirming and firing both claim `.ployctl/guard` by renaming it, so
//! exactly one of them happens. Files under `.ployctl/`: `guard` (armed),
//! `guard.firing` (rolling back), `guard.fire` (ployctl's request),
//! `guard.started` (when the restart finished), `guard.pid`, `guard.sh` (the
//! script), `guard.log`, `guard.result`.

use super::ledger::Standing;
use super::{plain_text, quote};

/// The armed guard's parameters (`.ployctl/guard`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardFile {
    /// This deploy's random token.
    pub token: String,
    /// The release being deployed.
    pub release: String,
    /// The last good release it goes back to.
    pub fallback: String,
    /// Unix time it fires at unless the restart finished (`guard.started`).
    pub arm_deadline: u64,
    /// Seconds after the restart it fires at.
    pub window: u64,
    /// The pid of the remote shell of the ployctl that armed it.
    pub watch: Option<u32>,
    /// `user@machine` of that ployctl.
    pub armed_by: String,
    /// How long it waits for the fallback to become healthy.
    pub health_timeout: u64,
    /// A config push: the kept config (`config/history/NAME`) it puts back,
    /// instead of switching releases (`release` and `fallback` are then both
    /// the release that runs).
    pub config_backup: Option<String>,
}

/// The last value of `key` among `pairs` (empty when absent).
fn value(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

impl GuardFile {
    /// From `key=value` pairs; `None` without a token, release and fallback.
    pub fn from_pairs(pairs: &[(String, String)]) -> Option<Self> {
        let get = |k: &str| value(pairs, k);
        let num = |k: &str| get(k).trim().parse::<u64>().unwrap_or(0);
        let file = Self {
            token: get("token"),
            release: get("release"),
            fallback: get("fallback"),
            arm_deadline: num("arm_deadline"),
            window: num("window"),
            watch: get("watch").trim().parse().ok(),
            armed_by: get("armed_by"),
            health_timeout: num("health_timeout"),
            config_backup: Some(get("config_backup")).filter(|b| !b.is_empty()),
        };
        (!file.token.is_empty() && !file.release.is_empty() && !file.fallback.is_empty())
            .then_some(file)
    }

    /// The file's text (the arm script writes it; `arm_deadline` and `watch`
    /// are filled in on the host).
    fn lines(&self) -> Vec<String> {
        vec![
            format!("token={}", self.token),
            format!("release={}", self.release),
            format!("fallback={}", self.fallback),
            format!("window={}", self.window),
            format!("armed_by={}", plain_text(&self.armed_by)),
            format!("health_timeout={}", self.health_timeout),
            format!(
                "config_backup={}",
                self.config_backup.as_deref().unwrap_or("")
            ),
        ]
    }
}

/// What the guard did when it fired (`.ployctl/guard.result`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GuardResult {
    /// The token of the deploy that armed it.
    pub token: String,
    /// The release it rolled back.
    pub release: String,
    /// The release it went back to.
    pub fallback: String,
    /// The rolled-back release's new standing.
    pub verdict: Standing,
    /// Why it fired and what it found.
    pub reason: String,
    /// `rolled_back` (the fallback is healthy) or `failed`.
    pub outcome: String,
    /// What it did.
    pub detail: String,
    /// When it finished (RFC 3339).
    pub at: String,
    /// A config push's guard: the config it put back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_backup: Option<String>,
}

impl GuardResult {
    /// From `key=value` pairs; `None` without a token.
    pub fn from_pairs(pairs: &[(String, String)]) -> Option<Self> {
        let get = |k: &str| value(pairs, k);
        let token = get("token");
        if token.is_empty() {
            return None;
        }
        Some(Self {
            token,
            release: get("release"),
            fallback: get("fallback"),
            verdict: if get("verdict") == "bad" {
                Standing::Bad
            } else {
                Standing::Unproven
            },
            reason: get("reason"),
            outcome: get("outcome"),
            detail: get("detail"),
            at: get("at"),
            config_backup: Some(get("config_backup")).filter(|b| !b.is_empty()),
        })
    }

    /// Whether the fallback ended healthy.
    pub fn rolled_back(&self) -> bool {
        self.outcome == "rolled_back"
    }

    /// One sentence for humans.
    pub fn describe(&self) -> String {
        if let Some(backup) = &self.config_backup {
            return format!(
                "at {} the host's guard put config {backup} back ({}); {}",
                self.at, self.reason, self.detail
            );
        }
        format!(
            "at {} the host's guard rolled {} back to {} ({}: {}); {}",
            self.at,
            self.release,
            self.fallback,
            self.verdict.as_str(),
            self.reason,
            self.detail
        )
    }
}

/// The guard's own script (after the prelude): wait, then fire.
const GUARD_BODY: &str = r#"D="$R/.ployctl"; G="$D/guard"; F="$D/guard.firing"
field() { sed -n "s/^$1=//p" "$2" 2>/dev/null | tail -n 1; }
stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }
log() { printf '%s guard %s: %s\n' "$(stamp)" "$token" "$*"; }
quit() { [ "$(cat "$D/guard.pid" 2>/dev/null)" = "$$" ] && rm -f "$D/guard.pid"; log "$1"; exit 0; }
if [ -f "$G" ]; then token=$(field token "$G"); elif [ -f "$F" ]; then token=$(field token "$F"); else exit 0; fi
[ -n "$token" ] || exit 0
if [ -f "$G" ]; then
  log "armed: $(field release "$G") goes back to $(field fallback "$G") unless ployctl confirms it"
  while :; do
    [ "$(field token "$G")" = "$token" ] || quit "confirmed; nothing to do"
    why=
    if [ -f "$D/guard.fire" ]; then
      why=$(field reason "$D/guard.fire")
    else
      deadline=$(field arm_deadline "$G"); started=$(cat "$D/guard.started" 2>/dev/null)
      [ -n "$started" ] && deadline=$((started + $(field window "$G")))
      w=$(field watch "$G")
      if [ "$(date +%s)" -ge "${deadline:-0}" ]; then
        why="ployctl did not confirm the release before the guard's deadline"
      elif [ -n "$w" ] && ! alive "$w" && ! alive "$(cat "$D/activating" 2>/dev/null)"; then
        why="ployctl's connection ended before it confirmed the release"
      fi
    fi
    [ -n "$why" ] && break
    pause 0.2
  done
  mv "$G" "$F" 2>/dev/null || quit "confirmed at the last moment; nothing to do"
else
  why="the guard was started again while rolling back"
fi
t0=$(now_ms)
release=$(field release "$F"); fallback=$(field fallback "$F"); armed_by=$(field armed_by "$F"); ht=$(field health_timeout "$F")
backup=$(field config_backup "$F")
if [ -n "$backup" ]; then
  log "putting the config back: $backup ($why)"
  outcome=rolled_back
  if [ ! -f "$R/config/history/$backup" ]; then
    detail="the new config was never switched in"
    health_ok "$release" || { restart_service; record_running "$release"; detail="$detail; restarted"; }
  elif cp -p "$R/config/history/$backup" "$R/config/.putback.tmp" && mv -f "$R/config/.putback.tmp" "$R/config/config.toml"; then
    restart_service; record_running "$release"; detail="config $backup put back, restarted"
  else
    outcome=failed; detail="it could not put config/history/$backup back"
  fi
  rm -f "$R"/config/.incoming-*.toml
  if [ "$outcome" = rolled_back ]; then
    i=0; until health_ok "$release"; do i=$((i + 1)); [ "$i" -ge $((${ht:-60} * 4)) ] && break; pause 0.25; done
    if health_ok "$release"; then detail="$detail, healthy"; else outcome=failed; detail="$detail, but $release did not become healthy within ${ht:-60}s"; fi
  fi
  reason=$why; verdict=unproven; t1=$(now_ms)
  printf '{"at":"%s","action":"guard-config-putback","release":"%s","previous":"%s","current_after":"%s","outcome":"%s","reason":"%s","by":"guard (armed by %s)","ci_run_url":null,"duration_ms":%s,"ployctl_version":"%s"}\n' \
    "$(stamp)" "$release" "$release" "$release" "$outcome" "$reason" "$armed_by" "$((t1 - t0))" "$PLOYCTL_VERSION" >> "$D/audit.jsonl"
  printf 'token=%s\nrelease=%s\nfallback=%s\nverdict=%s\nreason=%s\noutcome=%s\ndetail=%s\nat=%s\nconfig_backup=%s\n' \
    "$token" "$release" "$fallback" "$verdict" "$reason" "$outcome" "$detail" "$(stamp)" "$backup" > "$D/guard.result.tmp" && mv -f "$D/guard.result.tmp" "$D/guard.result"
  rm -f "$F" "$D/guard.fire" "$D/guard.started" "$D/guard.pid"
  log "done: $outcome: $detail"
  exit 0
fi
verdict=$(field verdict "$D/guard.fire"); given=$(field reason "$D/guard.fire"); recorded=$(field recorded "$D/guard.fire")
[ -n "$given" ] && why=$given
before=$(running_release)
last_started=$(sed -n 's/^release=//p' "$D/running" 2>/dev/null)
if [ "$verdict" = bad ]; then
  reason=$why
elif [ "$before" != "$release" ] && [ "$last_started" != "$release" ]; then
  verdict=unproven; reason="$why; $release was never started"
elif [ "$before" != "$release" ]; then
  verdict=bad; reason="$why; $release was started but was not running when the guard fired"
elif health_ok "$release"; then
  verdict=unproven; reason="$why; $release answered healthy but was never proven, so the guard went back to be safe"
else
  up=$(($(date +%s) - $(cat "$D/guard.started" 2>/dev/null || date +%s)))
  if [ "$up" -ge "${ht:-60}" ]; then
    verdict=bad; reason="$why; $release was still not healthy ${up}s after its start"
  else
    verdict=unproven; reason="$why; $release was not healthy yet, ${up}s after its start"
  fi
fi
log "rolling back: $release is $verdict ($reason); going back to $fallback"
[ "$recorded" = yes ] || printf '{"at":"%s","release":"%s","state":"%s","reason":"%s","by":"guard (armed by %s)"}\n' \
  "$(stamp)" "$release" "$verdict" "$reason" "$armed_by" >> "$D/ledger.jsonl"
outcome=rolled_back
if ! switch_to "$fallback"; then
  outcome=failed; detail="it could not point current at $fallback"
else
  if [ "$(running_release)" = "$fallback" ] && health_ok "$fallback"; then
    detail="$fallback was still running; current points at it again"
  else
    restart_service; record_running "$fallback"; detail="restarted on $fallback"
  fi
  i=0; until health_ok "$fallback"; do i=$((i + 1)); [ "$i" -ge $((${ht:-60} * 4)) ] && break; pause 0.25; done
  if health_ok "$fallback"; then detail="$detail, healthy"; else outcome=failed; detail="$detail, but $fallback did not become healthy within ${ht:-60}s"; fi
fi
t1=$(now_ms)
case $before in ''|'?') previous=null ;; *) previous="\"$before\"" ;; esac
printf '{"at":"%s","action":"guard-rollback","release":"%s","previous":%s,"current_after":"%s","outcome":"%s","reason":"%s","by":"guard (armed by %s)","ci_run_url":null,"duration_ms":%s,"ployctl_version":"%s"}\n' \
  "$(stamp)" "$release" "$previous" "$fallback" "$outcome" "$reason" "$armed_by" "$((t1 - t0))" "$PLOYCTL_VERSION" >> "$D/audit.jsonl"
printf 'token=%s\nrelease=%s\nfallback=%s\nverdict=%s\nreason=%s\noutcome=%s\ndetail=%s\nat=%s\n' \
  "$token" "$release" "$fallback" "$verdict" "$reason" "$outcome" "$detail" "$(stamp)" > "$D/guard.result.tmp" && mv -f "$D/guard.result.tmp" "$D/guard.result"
rm -f "$F" "$D/guard.fire" "$D/guard.started" "$D/guard.pid"
log "done: $outcome: $detail"
"#;

/// The guard script as written to `.ployctl/guard.sh` (prelude included).
pub fn guard_script(prelude: &str) -> String {
    format!(
        "{prelude}PLOYCTL_VERSION={}\n{GUARD_BODY}",
        quote(env!("CARGO_PKG_VERSION"))
    )
}

/// Shell (after the prelude) that arms a guard: writes its script and its
/// file, and starts it in its own session. `allowance` is how long the switch
/// and restart may take before the window starts counting.
pub fn arm_section(prelude: &str, guard: &GuardFile, allowance_secs: u64) -> String {
    let mut lines: Vec<String> = guard.lines().iter().map(|l| quote(l)).collect();
    lines.push(format!(
        "\"arm_deadline=$(($(date +%s) + {allowance_secs}))\""
    ));
    lines.push("\"watch=$PPID\"".to_owned());
    format!(
        "rm -f \"$R/.ployctl/guard.fire\" \"$R/.ployctl/guard.result\" \"$R/.ployctl/guard.started\"\n\
         cat > \"$R/.ployctl/guard.sh\" <<'PLOYCTL_GUARD_END'\n{script}PLOYCTL_GUARD_END\n\
         printf '%s\\n' {lines} > \"$R/.ployctl/guard.tmp\" && mv -f \"$R/.ployctl/guard.tmp\" \"$R/.ployctl/guard\"\n\
         setsid sh \"$R/.ployctl/guard.sh\" </dev/null >>\"$R/.ployctl/guard.log\" 2>&1 &\n\
         echo $! > \"$R/.ployctl/guard.pid\"\n\
         echo guard=armed\n",
        script = guard_script(prelude),
        lines = lines.join(" "),
    )
}

/// Asks the guard of `token` to fire now. With `verdict` bad, ployctl has
/// already written the ledger line (with the failing checks), so the guard
/// does not; otherwise the guard judges the release itself. When the guard's
/// process is gone (a rebooted host), the script runs the guard here, in the
/// foreground. Prints `fire=sent` or `fire=gone` (nothing to fire).
pub fn fire_script(
    prelude: &str,
    token: &str,
    bad: bool,
    reason: &str,
    ledger_line: Option<&str>,
) -> String {
    let ledger = ledger_line
        .map(|l| format!("  printf '%s\\n' {} >> \"$D/ledger.jsonl\"\n", quote(l)))
        .unwrap_or_default();
    let recorded = if ledger_line.is_some() { "yes" } else { "no" };
    format!(
        "{prelude}D=\"$R/.ployctl\"\n\
         tok() {{ sed -n 's/^token=//p' \"$1\" 2>/dev/null; }}\n\
         if [ \"$(tok \"$D/guard\")\" = {t} ] || [ \"$(tok \"$D/guard.firing\")\" = {t} ]; then\n\
         {ledger}  printf '%s\\n' {verdict} {reason} {recorded} > \"$D/guard.fire.tmp\" && mv -f \"$D/guard.fire.tmp\" \"$D/guard.fire\"\n\
         \x20 echo fire=sent\n\
         \x20 if ! alive \"$(cat \"$D/guard.pid\" 2>/dev/null)\"; then sh \"$D/guard.sh\" >>\"$D/guard.log\" 2>&1; echo ran=here; fi\n\
         else echo fire=gone; fi\n",
        t = quote(token),
        verdict = quote(&format!("verdict={}", if bad { "bad" } else { "" })),
        reason = quote(&format!("reason={}", plain_text(reason))),
        recorded = quote(&format!("recorded={recorded}")),
    )
}

/// Waits up to about two seconds for the result of the guard of `token`;
/// prints it (`result.*`) when there (and keeps it as `guard.result.seen`:
/// ployctl reports it now), and whether the guard is still armed, firing and
/// alive.
pub fn wait_script(prelude: &str, token: &str) -> String {
    format!(
        "{prelude}D=\"$R/.ployctl\"; t={t}\n\
         i=0; while [ \"$(sed -n 's/^token=//p' \"$D/guard.result\" 2>/dev/null)\" != \"$t\" ] && [ $i -lt 20 ]; do pause 0.1; i=$((i + 1)); done\n\
         if [ \"$(sed -n 's/^token=//p' \"$D/guard.result\" 2>/dev/null)\" = \"$t\" ]; then sed 's/^/result./' \"$D/guard.result\"; mv -f \"$D/guard.result\" \"$D/guard.result.seen\"; fi\n\
         [ -f \"$D/guard\" ] && echo armed=yes\n\
         [ -f \"$D/guard.firing\" ] && echo firing=yes\n\
         alive \"$(cat \"$D/guard.pid\" 2>/dev/null)\" && echo guard_alive=yes\n\
         true\n",
        t = quote(token),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> GuardFile {
        GuardFile {
            token: "t1".into(),
            release: "2.0".into(),
            fallback: "1.0".into(),
            arm_deadline: 0,
            window: 40,
            watch: None,
            armed_by: "ann@laptop".into(),
            health_timeout: 20,
            config_backup: None,
        }
    }

    #[test]
    fn arming_writes_the_file_and_starts_the_guard_detached() {
        let section = arm_section("R=/r\n", &file(), 60);
        assert!(section.contains(
            "printf '%s\\n' token=t1 release=2.0 fallback=1.0 window=40 armed_by=ann@laptop health_timeout=20 config_backup= \
             \"arm_deadline=$(($(date +%s) + 60))\" \"watch=$PPID\" > \"$R/.ployctl/guard.tmp\""
        ));
        assert!(section.contains(
            "setsid sh \"$R/.ployctl/guard.sh\" </dev/null >>\"$R/.ployctl/guard.log\" 2>&1 &\necho $! > \"$R/.ployctl/guard.pid\""
        ));
        assert!(section.contains("<<'PLOYCTL_GUARD_END'\nR=/r\nPLOYCTL_VERSION="));
    }

    #[test]
    fn the_guard_file_and_result_parse() {
        let pairs = |text: &str| -> Vec<(String, String)> {
            text.lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        };
        let g = GuardFile::from_pairs(&pairs(
            "token=t1\nrelease=2.0\nfallback=1.0\nwindow=40\narm_deadline=1700000000\nwatch=812\narmed_by=a@b\nhealth_timeout=20",
        ))
        .unwrap();
        assert_eq!((g.watch, g.arm_deadline), (Some(812), 1_700_000_000));
        assert!(GuardFile::from_pairs(&pairs("token=t1\nrelease=2.0")).is_none());
        let r = GuardResult::from_pairs(&pairs(
            "token=t1\nrelease=2.0\nfallback=1.0\nverdict=bad\nreason=x; y\noutcome=rolled_back\ndetail=restarted on 1.0, healthy\nat=2026-11-28T03:00:00Z",
        ))
        .unwrap();
        assert!(r.rolled_back() && r.verdict == Standing::Bad);
        assert_eq!(
            r.describe(),
            "at 2026-11-28T03:00:00Z the host's guard rolled 2.0 back to 1.0 (bad: x; y); restarted on 1.0, healthy"
        );
    }

    #[test]
    fn firing_names_the_token_and_keeps_the_reason_plain() {
        let s = fire_script(
            "R=/r\n",
            "t1",
            true,
            "healthy, then not: \"api\" down",
            Some("{}"),
        );
        assert!(s.contains("= t1 ] || ["));
        assert!(s.contains("'reason=healthy, then not: '\\''api'\\'' down'"));
        assert!(s.contains("printf '%s\\n' '{}' >> \"$D/ledger.jsonl\""));
        assert!(s.contains("recorded=yes"));
    }
}
