#!/usr/bin/env bash
# A teammate's cold start, measured in one run on the 100,000-invoice ledger: `git clone` of the
# ledger against the first `duetrail queue` in the clone (no summary cache yet), then `check`
# on the unchanged clone against `git status`, and the warm queue.
#
#   bench/coldstart.sh [INVOICES] [CUSTOMERS]      (default 100000 invoices, 5000 customers)
#
# The first queue starts once the clone's writes are on disk (`sync`), so it is not charged
# for git's deferred writeback. Each clone goes to a fresh folder and nothing is deleted between runs: removing 100,000
# files seconds before makes ext4's next 100,000 file creations (the clone's checkout) slower
# than any real clone would see. Work files go to bench/out/ (ignored by git).
set -euo pipefail
N=${1:-100000}
C=${2:-5000}
RUNS=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_DIR:-$root/bench/out}/coldstart
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
source "$root/bench/prelude.sh"
python3 "$root/bench/generate_export.py" --invoices "$N" --customers "$C" > open.csv
"$bin" init L --company Bench >/dev/null
"$bin" import invoices open.csv --ledger L >/dev/null
echo "ledger: $N invoices, $C customers, .git $(du -sh L/.git | cut -f1)"
sync
for i in $(seq 1 "$RUNS"); do
    sleep 5
    /usr/bin/time -f "%e" -o clone.time git clone -q L "C$i"
    # The clone's files are still being written back to disk; that is the clone's cost.
    sync
    /usr/bin/time -f "%e %M" -o queue.time "$bin" queue --ledger "C$i" > /dev/null
    read -r q kb < queue.time
    echo "run $i: git clone $(cat clone.time) s; first queue in the clone ${q} s (peak $((kb / 1024)) MiB); ratio $(python3 -c "print(round($q / $(cat clone.time), 2))")"
done
hf() { hyperfine --style none --warmup 1 --runs "${2:-5}" --export-json "$1.json" "${@:3}" >/dev/null 2>&1; python3 -c "import json;r=json.load(open('$1.json'))['results'];print('  '.join(f\"{x['command']}: {x['mean']:.3f} s\" for x in r))"; }
echo "check on the unchanged clone vs git status (warm, mean of 5):"
hf check 5 "$bin check --ledger C1" "git -C C1 status"
python3 -c "import json;r=json.load(open('check.json'))['results'];print(f\"check / git status: {r[0]['mean']/r[1]['mean']:.2f}\")"
echo "queue vs git status (warm, mean of 5):"
hf queue 5 "$bin queue --ledger C1" "git -C C1 status"
python3 -c "import json;r=json.load(open('queue.json'))['results'];print(f\"queue / git status: {r[0]['mean']/r[1]['mean']:.2f}\")"
echo "done"
