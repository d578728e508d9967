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

# The guide's own commands, from the repository root: the `rl` feature is
# the only one (the workspace's default members are both packages).
echo "==> cargo clippy --all-targets --features rl"
cargo clippy --locked --all-targets --features rl -- -D warnings

echo "==> cargo test --features rl"
# Tests open more than a thousand connections at once.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cargo test --locked --all-targets --features rl
