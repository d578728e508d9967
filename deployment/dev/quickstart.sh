#!/usr/bin/env bash
# The quick start: build ploy and ployctl, deploy ploy to this machine with
# ployctl (root ./.ploy, daemon manager, paper mode, SQLite, the shipped market
# recording: no network, no keys), then print its health.
# Run it again to deploy a second release; `target/debug/ployctl rollback --host local`
# goes back; `target/debug/ployctl releases --host local` lists them.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v start-stop-daemon >/dev/null 2>&1; then
  echo "quickstart: start-stop-daemon is missing; install it with: sudo apt-get install -y dpkg" >&2
  exit 1
fi

cargo build -p ploy -p ployctl

mkdir -p .ploy/config
if [ ! -f .ploy/config/config.toml ]; then
  cp templates/config.local.toml .ploy/config/config.toml
  echo "quickstart: wrote .ploy/config/config.toml (paper mode, offline recording)"
fi

target/debug/ployctl deploy --host local --binary target/debug/ploy "$@"
target/debug/ployctl health --host local

cat <<'NEXT'

ploy is trading on paper against the shipped recording (it plays at recorded
speed: the first fills come after about a minute and a half).
  tail -f .ploy/logs/ploy.log                        orders placed and fills
  curl -s 127.0.0.1:8080/metrics | grep '^ploy_'     counters Prometheus sees
  curl -s -X PUT -d halted 127.0.0.1:8080/trading-state   the kill switch
  target/debug/ploy replay engine/recordings/sample.jsonl  the whole session at once
  target/debug/ployctl releases --host local         releases; rerun this script to add one
  target/debug/ployctl rollback --host local         back to the previous release
  start-stop-daemon --stop --pidfile .ploy/run/ploy.pid   stop it
NEXT
