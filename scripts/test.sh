#!/usr/bin/env bash
# Quick start, part 2: builds DueTrail and runs every test. Installs what is missing first.
# The tests start what they need themselves (temporary ledgers, the real git CLI, SMTP
# servers on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
export DUETRAIL_TEST_DEPS=1
source scripts/ensure-deps.sh
swift build --build-tests
swift test
