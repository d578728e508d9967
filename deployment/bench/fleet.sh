#!/usr/bin/env bash
# Side-by-side benchmark of one deploy to 1, 5 and 20 hosts over SSH:
#   A: `ployctl deploy` to every host at once (stability window 0 s: the
#      window is a fixed wait, reported apart)
#   B: the floor: per host one SSH connection and one remote command that
#      streams the binary, switches `current`, restarts ploy and polls
#      /health, every host at once (background jobs)
#   F5, F20: an Ansible playbook doing the same (copy, link, restart, `uri`
#      until 200) with forks 5 and 20, pipelining on, ControlPersist on
# Each host is a real sshd of its own on 127.0.1.x with its own root, logging
# in as the current user; all put the same release `ploy` (target/release/ploy).
# Every tool runs RUNS times per fleet size in rotation, after one warm-up
# round; the medians and ratios are printed.
#
#   deployment/bench/fleet.sh [RUNS] [SIZES]   (default 5 and "1 5 20"; needs
#       sshd, ssh, curl, start-stop-daemon: deployment/dev/setup.sh; installs
#       ansible-core from PyPI into ~/.cache/ploy-bench/ansible when missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
sizes=${2:-"1 5 20"}
max=0
for n in $sizes; do [ "$n" -gt "$max" ] && max=$n; done

cargo build --release -p ploy -p ployctl >/dev/null 2>&1 || cargo build --release -p ploy -p ployctl
ploy="$PWD/target/release/ploy"
ployctl="$PWD/target/release/ployctl"
for tool in /usr/sbin/sshd ssh ssh-keygen curl start-stop-daemon python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing; run deployment/dev/setup.sh" >&2; exit 1; }
done
venv="$HOME/.cache/ploy-bench/ansible"
if [ ! -x "$venv/bin/ansible-playbook" ]; then
  echo "bench: installing ansible-core into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'ansible-core>=2.17,<2.18'
fi
ansible_version=$("$venv/bin/ansible-playbook" --version | head -1)

dir=$(mktemp -d /tmp/ploy-fleet-bench.XXXXXX)
cleanup() {
  for pid in "$dir"/h*/root/run/ploy.pid; do
    [ -f "$pid" ] && start-stop-daemon --stop --quiet --pidfile "$pid" --retry TERM/5/KILL/2 || true
  done
  for pid in "$dir"/h*/sshd.pid; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd
user=$(id -un)
free_port() { python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"; }

ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
cp "$dir/client_key.pub" "$dir/authorized_keys"
: > "$dir/known_hosts"
: > "$dir/ssh_config"
cat > "$dir/ployctl.toml" <<INV
[defaults]
user = "$user"
service = "daemon"
known_hosts = "$dir/known_hosts"
identity_file = "$dir/client_key"
ssh_config = "$dir/ssh_config"
stability_window = "0s"
keep_releases = 3
INV
echo "[fleet]" > "$dir/hosts.ini"
for i in $(seq 1 "$max"); do
  h="$dir/h$i"; ip="127.0.1.$i"
  mkdir -p "$h/root/config"
  port=$(free_port "$ip"); http=$(free_port 127.0.0.1)
  ssh-keygen -q -t ed25519 -N '' -f "$h/host_key"
  cat > "$h/sshd_config" <<CFG
Port $port
ListenAddress $ip
HostKey $h/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile $h/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
MaxStartups 100
MaxSessions 100
CFG
  /usr/sbin/sshd -f "$h/sshd_config" -E "$h/sshd.log"
  echo "[$ip]:$port $(cut -d' ' -f1,2 "$h/host_key.pub")" >> "$dir/known_hosts"
  cat >> "$dir/ssh_config" <<CFG
Host h$i
  HostName $ip
  Port $port
  User $user
  IdentityFile $dir/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  LogLevel ERROR
CFG
  cat > "$h/root/config/config.toml" <<CFG
[server]
bind = "127.0.0.1:$http"

[market_data]
source = "recording"
recording = "$PWD/engine/recordings/sample.jsonl"
CFG
  cat >> "$dir/ployctl.toml" <<INV

[hosts.h$i]
address = "$ip"
port = $port
root = "$h/root"
health_url = "http://127.0.0.1:$http/health"
INV
  echo "h$i ansible_host=$ip ansible_port=$port root=$h/root http=$http" >> "$dir/hosts.ini"
  # The floor's remote command (as deployment/bench/deploy.sh's).
  cat > "$h/floor-remote.sh" <<FLOOR
set -e; cd '$h/root'; d=releases/floor-\$n; mkdir -p \$d; cat > \$d/ploy; chmod 0755 \$d/ploy
ln -sfn \$d .current.tmp; mv -fT .current.tmp current; mkdir -p bin run logs; ln -sfn ../current/ploy bin/ploy
pid=\$(cat run/ploy.pid 2>/dev/null || true)
if [ -n "\$pid" ] && kill -TERM "\$pid" 2>/dev/null; then
  while [ -r /proc/\$pid/stat ] && [ "\$(sed 's/.*) //' /proc/\$pid/stat | cut -c1)" != Z ]; do sleep 0.01; done
fi
start-stop-daemon --start --quiet --background --make-pidfile --pidfile run/ploy.pid --chdir '$h/root' --output '$h/root'/logs/ploy.log --exec '$h/root'/bin/ploy -- --config config/config.toml run
until curl -sf http://127.0.0.1:$http/health >/dev/null; do sleep 0.05; done
FLOOR
done
cat >> "$dir/hosts.ini" <<INI

[fleet:vars]
ansible_user=$user
ansible_ssh_private_key_file=$dir/client_key
ansible_ssh_common_args=-o UserKnownHostsFile=$dir/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes
ansible_python_interpreter=/usr/bin/python3
INI
cat > "$dir/ansible.cfg" <<CFG
[defaults]
inventory = $dir/hosts.ini
host_key_checking = True
gathering = explicit
stdout_callback = default
retry_files_enabled = False
[ssh_connection]
pipelining = True
ssh_args = -o ControlMaster=auto -o ControlPersist=60s
control_path_dir = $dir/ansible-cp
CFG
cat > "$dir/deploy.yml" <<'PLAY'
- hosts: "{{ targets }}"
  gather_facts: false
  tasks:
    - name: the release folder
      ansible.builtin.file: { path: "{{ root }}/releases/ansible-{{ n }}", state: directory, mode: "0755" }
    - name: the binary
      ansible.builtin.copy: { src: "{{ binary }}", dest: "{{ root }}/releases/ansible-{{ n }}/ploy", mode: "0755" }
    - name: current
      ansible.builtin.file: { src: "releases/ansible-{{ n }}", dest: "{{ root }}/current", state: link, force: true }
    - name: bin/ploy
      ansible.builtin.file: { src: "../current/ploy", dest: "{{ root }}/bin/ploy", state: link, force: true }
    - name: restart
      ansible.builtin.shell: |
        cd {{ root }}; mkdir -p run logs
        pid=$(cat run/ploy.pid 2>/dev/null || true)
        if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
          while [ -r /proc/$pid/stat ] && [ "$(sed 's/.*) //' /proc/$pid/stat | cut -c1)" != Z ]; do sleep 0.01; done
        fi
        start-stop-daemon --start --quiet --background --make-pidfile --pidfile run/ploy.pid --chdir {{ root }} --output {{ root }}/logs/ploy.log --exec {{ root }}/bin/ploy -- --config config/config.toml run
    - name: healthy
      ansible.builtin.uri: { url: "http://127.0.0.1:{{ http }}/health" }
      register: health
      until: health.status == 200
      retries: 100
      delay: 1
PLAY

cat > "$dir/run.sh" <<RUN
#!/bin/sh
# run.sh TOOL N: one deploy of TOOL to hosts h1..hN.
tool=\$1; n=\$2
c=\$(cat "$dir/counter" 2>/dev/null || echo 0); c=\$((c + 1)); echo "\$c" > "$dir/counter"
hosts=\$(seq -s, -f 'h%g' 1 "\$n")
case \$tool in
  ployctl) exec "$ployctl" deploy -H "\$hosts" --binary "$ploy" --version "ployctl-\$c" --json > "$dir/last.json" ;;
  floor)
    pids=
    for i in \$(seq 1 "\$n"); do
      ssh -F "$dir/ssh_config" "h\$i" "n=\$c; \$(cat "$dir/h\$i/floor-remote.sh")" < "$ploy" &
      pids="\$pids \$!"
    done
    fail=0; for job in \$pids; do wait "\$job" || fail=1; done; exit \$fail ;;
  ansible5|ansible20)
    forks=\${tool#ansible}
    ANSIBLE_CONFIG="$dir/ansible.cfg" exec "$venv/bin/ansible-playbook" -f "\$forks" "$dir/deploy.yml" \
      -e "targets=\$hosts" -e "n=\$c" -e "binary=$ploy" > "$dir/ansible.log" 2>&1 ;;
esac
RUN
chmod +x "$dir/run.sh"
export PLOYCTL_INVENTORY="$dir/ployctl.toml" PLOYCTL_CONTROL_DIR="$dir/ctl"

# A first deploy everywhere, so each measured one replaces a running release.
"$ployctl" deploy -H "$(seq -s, -f 'h%g' 1 "$max")" --binary "$ploy" --version first -q >/dev/null

python3 - "$runs" "$dir" "$sizes" "$ansible_version" <<'PY'
import json, statistics, subprocess, sys, time
runs, d, sizes, ansible = int(sys.argv[1]), sys.argv[2], [int(n) for n in sys.argv[3].split()], sys.argv[4]
tools = ["ployctl", "floor", "ansible5", "ansible20"]
def timed(tool, n):
    t = time.perf_counter()
    r = subprocess.run([f"{d}/run.sh", tool, str(n)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - t
    if r.returncode != 0:
        log = open(f"{d}/ansible.log").read()[-3000:] if tool.startswith("ansible") else ""
        sys.exit(f"{tool} on {n} host(s) failed ({r.returncode}): {r.stderr.decode()[-2000:]}{log}")
    return took
med = statistics.median
print(f"{ansible}; {runs} rounds per size after one warm-up round")
results = {}
for n in sizes:
    times = {t: [] for t in tools}
    steps = {}
    for i in range(runs + 1):
        for tool in tools:
            took = timed(tool, n)
            if i == 0:
                continue
            times[tool].append(took)
            if tool == "ployctl":
                report = json.load(open(f"{d}/last.json"))
                for h in report["hosts"]:
                    for s in h["steps"]:
                        steps.setdefault(s["step"], []).append(s["ms"])
    results[n] = {t: med(v) for t, v in times.items()}
    print(f"\n{n} host(s):")
    for t in tools:
        v = times[t]
        print(f"  {t:<10} median {med(v):7.3f}s  min {min(v):7.3f}s  max {max(v):7.3f}s")
    a = times["ployctl"]
    for t in ["floor", "ansible5", "ansible20"]:
        r = [x / y for x, y in zip(times[t], a)]
        print(f"  {t}/ployctl pair by pair: median {med(r):.2f}  min {min(r):.2f}  max {max(r):.2f}")
    print("  ployctl's steps (median ms per host, from --json):")
    for name, values in steps.items():
        print(f"    {name:<14} {med(values):>7.0f}")
if 1 in results and len(results) > 1:
    print()
    for n in sizes:
        if n != 1:
            print(f"{n} hosts against 1 host: " + ", ".join(f"{t} {results[n][t] / results[1][t]:.2f}x" for t in tools))
PY
