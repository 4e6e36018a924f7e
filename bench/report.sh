#!/usr/bin/env bash
# The report benchmark (issue 8): `report trend` over a history of COMMITS commits on the
# generated ledger, one point per commit and one per day, and the other reports once.
#
#   bench/report.sh [INVOICES] [CUSTOMERS] [COMMITS]      (default 100000 5000 1000)
#
# The history is added with `git fast-import` (bench/history.py): each commit records a
# payment on one case, ten a day. Needs hyperfine (installed when missing, as root).
set -euo pipefail
N=${1:-100000}
C=${2:-5000}
K=${3:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_DIR:-$root/bench/out-report}
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
source "$root/bench/prelude.sh"
python3 "$root/bench/generate_export.py" --invoices "$N" --customers "$C" > open.csv
"$bin" init L --company Bench >/dev/null
"$bin" import invoices open.csv --ledger L >/dev/null
python3 "$root/bench/history.py" L --commits "$K" --per-day 10
git -C L gc -q
days=$(( (K + 9) / 10 ))
last=$(date -u -d "2026-12-01 + $((days - 1)) days" +%F)
echo "ledger: $N invoices, $C customers, $(git -C L rev-list --count HEAD) commits ($K of them payments, 10 a day, 2026-12-01 to $last)"
export DUETRAIL_TODAY=$last DUETRAIL_NOW=${last}T23:00:00Z
"$bin" queue --ledger L >/dev/null   # the summary cache, as any earlier command leaves it
hf() {
  hyperfine --style none --warmup 1 --runs "$1" --export-json "$2.json" "${@:3}" >/dev/null 2>&1
  python3 -c "import json;r=json.load(open('$2.json'))['results'][0];print(f\"  {r['command'].replace('$bin','duetrail')}: mean {r['mean']:.2f} s (min {r['min']:.2f}, max {r['max']:.2f})\")"
}
hf 3 trend-commits "$bin report trend --ledger L --from 2026-12-01 --per-commit --csv"
hf 3 trend-days "$bin report trend --ledger L --from 2026-12-01 --csv"
"$bin" report trend --ledger L --from 2026-12-01 --per-commit --csv | awk 'END { print "  points written (per commit, per currency): " NR - 1 }'
hf 3 aging "$bin report aging --ledger L --json"
hf 3 promises "$bin report promises --ledger L --json"
hf 3 activity "$bin report activity --ledger L --json"
