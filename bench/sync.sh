#!/usr/bin/env bash
# The team benchmark (issue 6): two clones of the generated ledger each add EVENTS events on
# overlapping cases; `duetrail sync` on each, against `git pull` fetching and merging the same
# number of commits that touch disjoint files (so git needs no merge by meaning).
#
#   bench/sync.sh [INVOICES] [CUSTOMERS] [EVENTS]     (default 100000, 5000, 1000)
#
# Needs hyperfine (installed when missing, as root). Work files go to bench/out-sync/.
set -euo pipefail
N=${1:-100000}
C=${2:-5000}
E=${3:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_DIR:-$root/bench/out-sync}
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
source "$root/bench/prelude.sh"
python3 "$root/bench/generate_export.py" --invoices "$N" --customers "$C" > open.csv
"$bin" init L --company Bench >/dev/null
"$bin" import invoices open.csv --ledger L >/dev/null
git -C L gc -q   # a shared ledger lives packed on its remote
for r in remote.git plain.git; do git init -q --bare "$r" && git -C L push -q "$out/$r" HEAD:refs/heads/main && git -C "$r" symbolic-ref HEAD refs/heads/main; done
echo "ledger: $N invoices, $C customers; $E events per clone, in batches of 100 (one commit each)"

# Invoice numbers: A takes [0, E), B [E/2, E/2+E) (half overlap); for git, GA [0, E), GB [E, 2E).
(cd L && git ls-files 'cases/*.md' | awk -v n=$((2 * E)) 'NR <= n' | while read -r p; do sed -n 's/^invoice: //p' "$p" | head -1; done) > numbers
add_events() {  # DIR FROM COUNT WHO
  local dir=$1 from=$2 count=$3 who=$4 i
  for ((i = 0; i < count; i += 100)); do
    mapfile -t batch < <(sed -n "$((from + i + 1)),$((from + i + 100))p" numbers)
    GIT_AUTHOR_NAME=$who "$bin" contact "${batch[@]}" --call --with "AP desk" --summary "$who called about it" --ledger "$dir" >/dev/null
  done
}
for d in A B; do "$bin" clone "$out/remote.git" $d >/dev/null; done
for d in GA GB; do git clone -q "$out/plain.git" $d; done
add_events A 0 "$E" Ana
add_events B $((E / 2)) "$E" Bo
add_events GA 0 "$E" Ana
add_events GB "$E" "$E" Bo
"$bin" sync --ledger A >/dev/null
git -C GA push -q origin main
A_tip=$(git -C A rev-parse HEAD); B_tip=$(git -C B rev-parse HEAD); GB_tip=$(git -C GB rev-parse HEAD)
echo "merge of overlapping work: one run to check"
"$bin" sync --ledger B
"$bin" check --ledger B >/dev/null && echo "  check passes after the merge"
(cd B && git log -1 --format='  merge %h has %p as parents')

hf() { hyperfine --style none --warmup 1 --runs "${2:-5}" --export-json "$1.json" "${@:3}" >/dev/null 2>&1; python3 -c "import json;r=json.load(open('$1.json'))['results'];print('  '.join(f\"{x['command'].split(' --')[0]}: {x['mean']:.3f} s\" for x in r))"; }
echo "B: fetch A's $((E / 100)) commits and merge (sync also pushes), mean of 5:"
hf syncB 5 --prepare "git -C B reset -q --hard $B_tip && git -C remote.git update-ref refs/heads/main $A_tip" "$bin sync --ledger B"
hf pullB 5 --prepare "git -C GB reset -q --hard $GB_tip" "git -C GB pull -q --no-rebase --no-edit origin main"
python3 -c "import json;a=json.load(open('syncB.json'))['results'][0]['mean'];b=json.load(open('pullB.json'))['results'][0]['mean'];print(f'  sync / git pull: {a/b:.2f}x')"
# Leave B's merge on the remotes, then A takes it (a fast-forward).
"$bin" sync --ledger B >/dev/null
git -C GB pull -q --no-rebase --no-edit origin main && git -C GB push -q origin main
echo "A: take B's commits and the merge (a fast-forward), mean of 5:"
hf syncA 5 --prepare "git -C A reset -q --hard $A_tip" "$bin sync --ledger A"
GA_tip=$(git -C GA rev-parse HEAD)
hf pullA 5 --prepare "git -C GA reset -q --hard $GA_tip" "git -C GA pull -q --no-rebase --no-edit origin main"
python3 -c "import json;a=json.load(open('syncA.json'))['results'][0]['mean'];b=json.load(open('pullA.json'))['results'][0]['mean'];print(f'  sync / git pull: {a/b:.2f}x')"
git -C A fsck --strict 2>&1 | tail -1 || true
