#!/usr/bin/env bash
# Runs the whole suite with the machine's clock moved (libfaketime), to prove that no test
# depends on the day it runs: every sandbox fixes DUETRAIL_NOW, DUETRAIL_TODAY and the commit
# dates. Not part of CI (CI is one normal run of scripts/test.sh).
#
#   scripts/test-any-date.sh [OFFSET …]     (default: +2y -1y; libfaketime's relative form)
#
# Builds once with the real clock (so the build's timestamps stay sane), then runs
# `swift test --skip-build` under `faketime -f OFFSET` for each offset. Installs faketime
# when missing. Exits non-zero when any run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export DUETRAIL_TEST_DEPS=1
source scripts/ensure-deps.sh
if ! command -v faketime >/dev/null; then
  as_root apt-get install -y -qq --no-install-recommends faketime >/dev/null
fi
swift build --build-tests
offsets=("$@")
[ ${#offsets[@]} -gt 0 ] || offsets=(+2y -1y)
status=0
for offset in "${offsets[@]}"; do
  log=".build/test-any-date${offset}.log"
  echo "== swift test under faketime $offset (clock: $(faketime -f "$offset" date -u +%Y-%m-%dT%H:%MZ)), log in $log"
  # -m: libfaketime's multi-threaded variant (the test runner and libgit2 use threads).
  # The monotonic clock moves with the rest (--exclude-monotonic makes Python's sleep fail).
  # NO_FAKE_STAT: files keep their real times, as git's index recorded them (a faked stat
  # would make every file look changed to git and to `check` alike).
  if NO_FAKE_STAT=1 timeout 1800 faketime -m -f "$offset" swift test --skip-build >"$log" 2>&1; then
    grep -E "^(✔|✘) Test run with" "$log" | tail -1
  else
    status=1
    grep -E "✘" "$log" | head -40
    grep -E "^(✔|✘) Test run with" "$log" | tail -1 || tail -5 "$log"
  fi
done
exit $status
