#!/usr/bin/env bash
# Installs what the test suite needs, only when missing:
#   PostgreSQL server binaries (initdb, pg_ctl), OpenSSH server (sshd),
#   promtool (Debian's prometheus package), systemd-analyze (systemd),
#   pre-commit (PyPI),
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

if [ "${#packages[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${packages[*]}"
  sudo_if_needed apt-get update -qq
  # Services these packages ship are not started (policy-rc.d or no init);
  # the tests start their own servers on loopback.
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if ! command -v pre-commit >/dev/null 2>&1; then
  echo "setup: installing pre-commit from PyPI"
  python3 -m pip install --quiet --disable-pip-version-check pre-commit
fi

if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^${component}"; then
      echo "setup: adding rustup component ${component}"
      rustup component add "${component}"
    fi
  done
fi
