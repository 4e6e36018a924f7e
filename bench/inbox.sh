#!/usr/bin/env bash
# The inbox benchmark: `duetrail inbox import` of a Maildir of MESSAGES replies, bounces and
# auto-replies on a generated ledger, against `git add -A && git commit` of the same files.
#
#   bench/inbox.sh [MESSAGES] [INVOICES] [CUSTOMERS]   (default 10000 / 20000 / 1000)
#
# Target (issue "Replies as mail servers … write them"): at most 2× the git commit.
set -euo pipefail
M=${1:-10000}
N=${2:-20000}
C=${3:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_DIR:-$root/bench/out}
need=()
[ -x /usr/bin/time ] || need+=(time)
source "$root/bench/prelude.sh"
python3 "$root/bench/generate_export.py" --invoices "$N" --customers "$C" > open.csv
"$bin" init L --company Bench >/dev/null
"$bin" import invoices open.csv --ledger L >/dev/null
# Messages from the customers' own addresses about their invoices (by subject), a bounce and
# an auto-reply in every ten; written as a mail program leaves a Maildir.
python3 - "$M" open.csv Maildir <<'PY'
import csv, os, sys
m, export, box = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rows = list(csv.DictReader(open(export, encoding="utf-8")))
for d in ("new", "cur", "tmp"):
    os.makedirs(os.path.join(box, d), exist_ok=True)
for i in range(m):
    r = rows[(i * 7919) % len(rows)]
    number = r.get("Invoice Number") or r.get("InvoiceNumber") or list(r.values())[2]
    email = r.get("Email") or r.get("EmailAddress") or "ap@example.test"
    if i % 10 == 3:
        body = (f"From: MAILER-DAEMON@mx.example.net\nTo: accounts@bench.example\nSubject: Undelivered Mail Returned to Sender\n"
                f"Message-ID: <b{i}@mx.example.net>\nX-Failed-Recipients: {email}\n\nThe following address failed:\n\n  {email}\n")
    elif i % 10 == 7:
        body = f"From: {email}\nSubject: Automatische Antwort: {number}\nMessage-ID: <a{i}@bench.example>\n\nIch bin bis Montag nicht im Büro.\n"
    else:
        body = (f"From: {email}\nSubject: Re: {number}\nMessage-ID: <r{i}@bench.example>\n\nWe will pay {number} on Friday.\n\n"
                f"On Mon, 30 Nov 2026 at 09:00, Accounts <accounts@bench.example> wrote:\n> Dear customer,\n> {number} is overdue.\n")
    with open(os.path.join(box, "new", f"1796000000.M{i}P1.bench"), "w", encoding="utf-8") as f:
        f.write(body.replace("\n", "\r\n"))
PY
echo "maildir: $M messages, $(du -sh Maildir | cut -f1)"
sync
/usr/bin/time -f "%e %M" -o inbox.time "$bin" inbox import Maildir --ledger L > inbox.log || true
read -r inbox_s inbox_kb < inbox.time
tail -1 inbox.log
echo "duetrail inbox import:                  ${inbox_s} s, peak $((inbox_kb / 1024)) MiB"
# The same files committed by plain git: the messages and the case files the import changed.
mkdir G && (cd L && git diff --name-only HEAD~1 HEAD -z | xargs -0 cp --parents -t ../G) && (cd G && git init -q)
sync
/usr/bin/time -f "%e" -o git.time bash -c 'cd G && git add -A && git commit -qm inbox'
echo "git add -A && git commit (same files):  $(cat git.time) s"
python3 -c "print(f'inbox / git ratio:                      {float(\"$inbox_s\") / max(float(open(\"git.time\").read()), 0.001):.2f}')"
