#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs prerequisites, then checks
# formatting, lints, the pre-commit config, the workflows and the Dockerfile,
# and runs every test of both packages.
set -euo pipefail
cd "$(dirname "$0")/../.."

deployment/dev/setup.sh

echo "==> pre-commit validate-config"
pre-commit validate-config .pre-commit-config.yaml

deployment/dev/lint.sh

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy"
cargo clippy --locked --workspace --all-targets --all-features -- -D warnings

echo "==> cargo test"
# Tests open more than a thousand connections at once.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cargo test --locked --workspace --all-targets
