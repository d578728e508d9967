#!/usr/bin/env bash
# Side-by-side benchmark of `ployctl daily-check` on one host and on ten:
#   A: daily-check -H h1            (one host)
#   B: daily-check -H @all          (ten hosts, checked concurrently)
# Each host is a real sshd on its own loopback address (127.0.0.2 … .11) with
# its own keys and root, running the real release `ploy` (paper, the shipped
# recording), logging in as the current user (so the user's shell start-up,
# .bashrc included, is paid as on a real host). The exchange URLs point at a
# closed loopback port, so no run waits on the internet.
# Runs A and B alternately RUNS times and prints each one's median and the
# median of the pair-by-pair ratios B/A (the goal: within 2).
#
#   deployment/bench/daily-check.sh [RUNS]   (default 7; needs sshd, ssh,
#                                            start-stop-daemon: deployment/dev/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-7}
hosts=10

cargo build --release -p ploy -p ployctl >/dev/null 2>&1 || cargo build --release -p ploy -p ployctl
ploy="$PWD/target/release/ploy"
ployctl="$PWD/target/release/ployctl"
for tool in /usr/sbin/sshd ssh ssh-keygen start-stop-daemon python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing; run deployment/dev/setup.sh" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/ploy-bench-daily.XXXXXX)
cleanup() {
  for i in $(seq 1 $hosts); do
    [ -f "$dir/h$i/run/ploy.pid" ] && start-stop-daemon --stop --quiet --pidfile "$dir/h$i/run/ploy.pid" --retry TERM/5/KILL/2 || true
    [ -f "$dir/sshd$i.pid" ] && kill "$(cat "$dir/sshd$i.pid")" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd
free_port() { python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"; }

ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
cp "$dir/client_key.pub" "$dir/authorized_keys"
: > "$dir/known_hosts"
cat > "$dir/ployctl.toml" <<INV
[defaults]
user = "$(id -un)"
service = "daemon"
known_hosts = "$dir/known_hosts"
identity_file = "$dir/client_key"
stability_window = "0s"
INV
for i in $(seq 1 $hosts); do
  ip="127.0.0.$((i + 1))"
  port=$(free_port "$ip")
  http=$(free_port 127.0.0.1)
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key$i"
  cat > "$dir/sshd_config$i" <<CFG
Port $port
ListenAddress $ip
HostKey $dir/host_key$i
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd$i.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
MaxStartups 100
MaxSessions 100
CFG
  /usr/sbin/sshd -f "$dir/sshd_config$i" -E "$dir/sshd$i.log"
  echo "[$ip]:$port $(cut -d' ' -f1,2 "$dir/host_key$i.pub")" >> "$dir/known_hosts"
  echo "$ip $port" >> "$dir/addresses"
  mkdir -p "$dir/h$i/config"
  cat > "$dir/h$i/config/config.toml" <<CFG
[server]
bind = "127.0.0.1:$http"

[exchange]
clob_url = "http://127.0.0.1:9"
geoblock_url = "http://127.0.0.1:9/api/geoblock"

[market_data]
source = "recording"
recording = "$PWD/engine/recordings/sample.jsonl"
CFG
  cat >> "$dir/ployctl.toml" <<INV

[hosts.h$i]
address = "$ip"
port = $port
root = "$dir/h$i"
health_url = "http://127.0.0.1:$http/health"
INV
done
export PLOYCTL_INVENTORY="$dir/ployctl.toml" PLOYCTL_CONTROL_DIR="$dir/ctl"
"$ployctl" deploy -H @all --binary "$ploy" --version bench -q >/dev/null
sleep 2

python3 - "$runs" "$ployctl" "$dir" <<'PY'
# (PLOYCTL_SSH_BACKEND=native picks the in-process SSH client)
import json, os, statistics, subprocess, sys, time
runs, ployctl, d = int(sys.argv[1]), sys.argv[2], sys.argv[3]
addresses = [l.split() for l in open(f"{d}/addresses")]
def logins(n):
    # The machine's own scaling: n bare SSH logins (`true` in the login shell), at once.
    t = time.perf_counter()
    procs = [subprocess.Popen(["ssh", "-i", f"{d}/client_key", "-o", "IdentitiesOnly=yes", "-o", f"UserKnownHostsFile={d}/known_hosts",
                               "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", "LogLevel=ERROR",
                               "-p", port, ip, "true"]) for ip, port in addresses[:n]]
    for p in procs:
        if p.wait() != 0:
            sys.exit("a bare ssh login failed")
    return time.perf_counter() - t
def busy():
    # Non-idle CPU time of the whole machine (every "host" and the client), seconds.
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return (sum(f) - f[3] - f[4]) / os.sysconf("SC_CLK_TCK")
client = []
def timed(hosts, steps):
    c, t = busy(), time.perf_counter()
    before = os.times()
    r = subprocess.run([ployctl, "daily-check", "-H", hosts, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    took, cpu = time.perf_counter() - t, busy() - c
    after = os.times()
    # ployctl's own CPU and its children's (the ssh client processes it waited for).
    client.append((hosts, after.children_user + after.children_system - before.children_user - before.children_system))
    if r.returncode not in (0, 1):
        sys.exit(f"daily-check -H {hosts} failed ({r.returncode}): {r.stderr.decode()[-2000:]}")
    for h in json.loads(r.stdout)["hosts"]:
        for s in h["steps"]:
            steps.setdefault(s["step"], []).append(s["ms"])
    return took, cpu
a, b, ca, cb, sa, sb, la, lb = [], [], [], [], {}, {}, [], []
for i in range(runs + 1):
    (ta, xa), (tb, xb) = timed("h1", sa), timed("@all", sb)
    l1, l10 = logins(1), logins(len(addresses))
    if i == 0:
        sa.clear(); sb.clear()
        continue  # warm-up round
    a.append(ta); b.append(tb); ca.append(xa); cb.append(xb); la.append(l1); lb.append(l10)
ratios = [y / x for x, y in zip(a, b)]
med = statistics.median
cores = os.cpu_count()
print(f"runs: {runs} rounds (after one warm-up round), {cores} cores shared by the client and all hosts")
print(f"A daily-check, 1 host:   median {med(a):.3f}s  min {min(a):.3f}s  max {max(a):.3f}s  CPU {med(ca):.2f}s")
print(f"B daily-check, 10 hosts: median {med(b):.3f}s  min {min(b):.3f}s  max {max(b):.3f}s  CPU {med(cb):.2f}s")
print(f"B/A pair by pair: median {med(ratios):.2f}  min {min(ratios):.2f}  max {max(ratios):.2f}")
print(f"bare SSH logins: 1 host median {med(la):.3f}s, 10 hosts at once median {med(lb):.3f}s, ratio {med(lb) / med(la):.2f}")
print(f"B's floor on {cores} cores (its CPU time / cores): {med(cb) / cores:.3f}s")
for hosts, label in (("h1", "A"), ("@all", "B")):
    xs = [c for h, c in client[2:] if h == hosts]
    print(f"{label}: ployctl's own CPU (with the ssh clients it waited for): median {med(xs):.3f}s")
for name, steps in (("A", sa), ("B", sb)):
    print(f"{name}'s steps per host (median ms): " + ", ".join(f"{k} {med(v):.0f}" for k, v in steps.items()))
PY
