#!/usr/bin/env bash
# Side-by-side benchmark of one deploy to one host over SSH:
#   A: `ployctl deploy` (stability window 0 s, so the window's fixed wait is excluded)
#   B: the floor: one SSH connection, one remote command that streams the
#      binary, switches `current`, restarts ploy and polls /health until it answers.
# Both put the same real release `ploy` (target/release/ploy) on the same host: a
# real sshd on 127.0.0.1 with its own keys, logging in as the current user (so
# the user's shell start-up, .bashrc included, is paid as on a real host).
# Runs A and B alternately RUNS times and prints each one's median and the
# median of the pair-by-pair ratios A/B.
#
#   deployment/bench/deploy.sh [RUNS]        (default 7; needs sshd, ssh, curl,
#                                            start-stop-daemon: deployment/dev/setup.sh)
#
# With PLOYCTL_BASELINE=PATH (another ployctl build, e.g. an older commit's),
# that ployctl runs as a third command C in the same rotation, on the same host.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-7}

cargo build --release -p ploy -p ployctl >/dev/null 2>&1 || cargo build --release -p ploy -p ployctl
ploy="$PWD/target/release/ploy"
ployctl="$PWD/target/release/ployctl"
for tool in /usr/sbin/sshd ssh ssh-keygen curl start-stop-daemon python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing; run deployment/dev/setup.sh" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/ploy-bench.XXXXXX)
cleanup() {
  [ -f "$dir/root/run/ploy.pid" ] && start-stop-daemon --stop --quiet --pidfile "$dir/root/run/ploy.pid" --retry TERM/5/KILL/2 || true
  [ -f "$dir/sshd.pid" ] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd

ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
cp "$dir/client_key.pub" "$dir/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
http=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$dir/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
MaxStartups 100
MaxSessions 100
CFG
/usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/host_key.pub")" > "$dir/known_hosts"
cat > "$dir/ssh_config" <<CFG
Host bench
  HostName 127.0.0.1
  Port $port
  User $(id -un)
  IdentityFile $dir/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  LogLevel ERROR
CFG

root="$dir/root"
mkdir -p "$root/config"
cat > "$root/config/config.toml" <<CFG
[server]
bind = "127.0.0.1:$http"

[market_data]
source = "recording"
recording = "$PWD/engine/recordings/sample.jsonl"
CFG
cat > "$dir/ployctl.toml" <<INV
[defaults]
user = "$(id -un)"
service = "daemon"
known_hosts = "$dir/known_hosts"
identity_file = "$dir/client_key"
ssh_config = "$dir/ssh_config"
stability_window = "0s"
keep_releases = 3

[hosts.bench]
address = "127.0.0.1"
port = $port
root = "$root"
health_url = "http://127.0.0.1:$http/health"
INV
export PLOYCTL_INVENTORY="$dir/ployctl.toml" PLOYCTL_CONTROL_DIR="$dir/ctl"

# The floor: everything in one remote command over one connection. It stops
# ploy as ployctl's daemon restart does (SIGTERM, then wait until the process
# is gone or a zombie: an init that reaps slowly must not count) and starts it
# with the same start-stop-daemon line.
cat > "$dir/floor-remote.sh" <<FLOOR
set -e; cd '$root'; d=releases/floor-\$n; mkdir -p \$d; cat > \$d/ploy; chmod 0755 \$d/ploy
ln -sfn \$d .current.tmp; mv -fT .current.tmp current; mkdir -p bin run logs; ln -sfn ../current/ploy bin/ploy
pid=\$(cat run/ploy.pid 2>/dev/null || true)
if [ -n "\$pid" ] && kill -TERM "\$pid" 2>/dev/null; then
  while [ -r /proc/\$pid/stat ] && [ "\$(sed 's/.*) //' /proc/\$pid/stat | cut -c1)" != Z ]; do sleep 0.01; done
fi
start-stop-daemon --start --quiet --background --make-pidfile --pidfile run/ploy.pid --chdir '$root' --output '$root'/logs/ploy.log --exec '$root'/bin/ploy -- --config config/config.toml run
until curl -sf http://127.0.0.1:$http/health >/dev/null; do sleep 0.05; done
FLOOR
cat > "$dir/floor.sh" <<FLOOR
#!/bin/sh
set -e
n=\$(cat "$dir/counter" 2>/dev/null || echo 0); n=\$((n + 1)); echo "\$n" > "$dir/counter"
exec ssh -F "$dir/ssh_config" bench "n=\$n; \$(cat "$dir/floor-remote.sh")" < "$ploy"
FLOOR
cat > "$dir/ployctl.sh" <<CTL
#!/bin/sh
n=\$(cat "$dir/counter" 2>/dev/null || echo 0); n=\$((n + 1)); echo "\$n" > "$dir/counter"
exec "$ployctl" deploy -H bench --binary "$ploy" --version "ployctl-\$n" --json > "$dir/last.json"
CTL
baseline=${PLOYCTL_BASELINE:-}
cat > "$dir/baseline.sh" <<CTL
#!/bin/sh
n=\$(cat "$dir/counter" 2>/dev/null || echo 0); n=\$((n + 1)); echo "\$n" > "$dir/counter"
exec "$baseline" deploy -H bench --binary "$ploy" --version "baseline-\$n" --json > "$dir/last-baseline.json"
CTL
chmod +x "$dir/floor.sh" "$dir/ployctl.sh" "$dir/baseline.sh"

# A first deploy, so each measured one replaces a running release.
"$ployctl" deploy -H bench --binary "$ploy" --version first -q >/dev/null

python3 - "$runs" "$dir" "$baseline" <<'PY'
import json, statistics, subprocess, sys, time
runs, d, baseline = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def timed(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({r.returncode}): {r.stderr.decode()[-2000:]}")
    return took
a, b, c, steps = [], [], [], {}
for i in range(runs + 1):
    ta = timed([f"{d}/ployctl.sh"])
    report = json.load(open(f"{d}/last.json"))
    tb = timed([f"{d}/floor.sh"])
    tc = timed([f"{d}/baseline.sh"]) if baseline else None
    if i == 0:
        continue  # warm-up round
    a.append(ta); b.append(tb)
    if tc is not None:
        c.append(tc)
    for s in report["hosts"][0]["steps"]:
        steps.setdefault(s["step"], []).append(s["ms"])
ratios = [x / y for x, y in zip(a, b)]
med = statistics.median
print(f"runs: {runs} rounds (after one warm-up round)")
print(f"A ployctl deploy (stability window 0s): median {med(a):.3f}s  min {min(a):.3f}s  max {max(a):.3f}s")
print(f"B floor script (one ssh command):        median {med(b):.3f}s  min {min(b):.3f}s  max {max(b):.3f}s")
print(f"A/B pair by pair: median {med(ratios):.2f}  min {min(ratios):.2f}  max {max(ratios):.2f}")
if c:
    cr = [x / y for x, y in zip(c, b)]
    print(f"C baseline ployctl ({baseline}): median {med(c):.3f}s  min {min(c):.3f}s  max {max(c):.3f}s")
    print(f"C/B pair by pair: median {med(cr):.2f}  min {min(cr):.2f}  max {max(cr):.2f}")
print("ployctl's steps (median ms, from --json):")
for name, values in steps.items():
    print(f"  {name:<14} {med(values):>7.0f}")
PY
