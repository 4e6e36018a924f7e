#!/usr/bin/env bash
# The ledger benchmark: DueTrail against plain git on the same generated ledger, in one run.
#
#   bench/run.sh [INVOICES] [CUSTOMERS]      (default 100000 invoices, 5000 customers)
#
# Prints one line per measurement. Needs hyperfine and /usr/bin/time (Debian: hyperfine, time);
# installs them when missing and run as root. Work files go to bench/out/ (ignored by git).
set -euo pipefail
N=${1:-100000}
C=${2:-5000}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_DIR:-$root/bench/out}
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
source "$root/bench/prelude.sh"
python3 "$root/bench/generate_export.py" --invoices "$N" --customers "$C" > open.csv
echo "export: $N invoices, $C customers, $(du -h open.csv | cut -f1)"

"$bin" init L --company Bench >/dev/null
sync
/usr/bin/time -f "%e %M" -o import.time "$bin" import invoices open.csv --ledger L > import.log
read -r import_s import_kb < import.time
echo "duetrail import (empty ledger):      ${import_s} s, peak $((import_kb / 1024)) MiB"

# The same resulting files, committed by plain git.
mkdir G && (cd L && git ls-files -z | xargs -0 cp --parents -t ../G) && (cd G && git init -q)
sync
/usr/bin/time -f "%e" -o git.time bash -c 'cd G && git add -A && git commit -qm import'
echo "git add -A && git commit (same files): $(cat git.time) s"
echo "import / git ratio:                  $(python3 -c "print(round($import_s / $(cat git.time), 2))")"
echo ".git size: duetrail $(du -sh L/.git | cut -f1) ($(find L/.git/objects -type f -path '*/objects/??/*' | wc -l) loose objects, $(ls L/.git/objects/pack/*.pack | wc -l) packs); git $(du -sh G/.git | cut -f1)"

hf() { hyperfine --style none --warmup 1 --runs "${2:-5}" --export-json "$1.json" "${@:3}" >/dev/null 2>&1; python3 -c "import json;r=json.load(open('$1.json'))['results'];print('  '.join(f\"{x['command']}: {x['mean']:.3f} s\" for x in r))"; }
echo "queue vs git status (warm, mean of 5):"
hf queue 5 "$bin queue --ledger L" "git -C L status"
hf queueall 3 "$bin queue --ledger L --all"
head_before=$(git -C L rev-parse HEAD)
echo "re-import of the unchanged export (mean of 3):"
hf reimport 3 "$bin import invoices open.csv --ledger L"
[ "$(git -C L rev-parse HEAD)" = "$head_before" ] && echo "  re-import made no commit" || echo "  ERROR: re-import committed"
echo "one action on one case vs git commit of a one-line change (mean of 5):"
case_path=$(cd L && git ls-files cases | sed -n 500p)
number=$(grep -m1 '^invoice:' "L/$case_path" | cut -d' ' -f2)
hf action 5 "$bin note $number 'Called, promised next week' --ledger L"
hf gitcommit 5 --prepare "echo '- 2026-11-30 09:00 · note · x · by Bench' >> 'G/$case_path'" "git -C G commit -qam note"
git -C L status --porcelain | head -3
git -C L fsck --strict 2>&1 | tail -1 || true

# The cadence: today's reminders. The issue's figure is for a ledger with 20,000 cases due,
# so this part imports a second export whose invoices are older (--mean-age 86: about 20,300
# cases at an email step today, 5,000 messages). Each draft run starts from an empty outbox;
# the previous one is moved aside, not deleted: deleting 10,000 files and folders seconds
# before makes ext4's inode allocation slower than any real morning's run would see.
python3 "$root/bench/generate_export.py" --invoices "$N" --customers "$C" --mean-age 86 > older.csv
"$bin" init D --company Bench >/dev/null
"$bin" import invoices older.csv --ledger D >/dev/null
due=$("$bin" queue --ledger D --json --all | python3 -c "import json,sys; print(sum(1 for r in json.load(sys.stdin)['cases'] if r['nextAction'].startswith('draft today')))")
echo "draft: $due cases with a reminder due today"
mkdir -p aside
hf queue2 8 "$bin queue --ledger D"
hf draft 8 --prepare 'mv D/outbox aside/$(date +%s%N) 2>/dev/null; sync' "$bin draft --ledger D"
echo "  $(find D/outbox -name '*.eml' | wc -l) draft files written"
python3 -c "import json;q=json.load(open('queue2.json'))['results'][0]['mean'];d=json.load(open('draft.json'))['results'][0]['mean'];print(f'draft / queue ratio: {d/q:.2f}')"
echo "done"
