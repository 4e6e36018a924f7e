#!/usr/bin/env bash
# Quick start, part 1: builds DueTrail and runs the demo over example-ledger/ at a fixed date
# (init, import, queue, a note, draft, review, approve, send to a local Maildir) into
# ./duetrail-demo. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
swift build --product duetrail 2>&1 | grep -E "error|warning: |Compiling|Build complete" | grep -v "^\[" || true
exec .build/debug/duetrail demo duetrail-demo --force --example example-ledger "$@"
