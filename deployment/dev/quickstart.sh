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
