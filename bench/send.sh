#!/usr/bin/env bash
# The send benchmark: approved reminders delivered to a real SMTP server on loopback over one
# connection, the ledger commits included.
#
#   bench/send.sh [INVOICES] [CUSTOMERS] [MESSAGES] [--raw]
#       default 8000 invoices for 1500 customers, sending 1000 messages (--limit)
#
# The server is Tests/Fixtures/smtp_server.py (aiosmtpd; --raw: the bare server with
# PIPELINING). Needs python3-aiosmtpd and hyperfine (installed when missing and run as root).
set -euo pipefail
N=${1:-8000}
C=${2:-1500}
M=${3:-1000}
server_args=()
[ "${4:-}" = "--raw" ] && server_args+=(--raw)
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_DIR:-$root/bench/out-send}
need=()
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || need+=(python3-aiosmtpd)
[ -x /usr/bin/time ] || need+=(time)
source "$root/bench/prelude.sh"
python3 "$root/bench/generate_export.py" --invoices "$N" --customers "$C" > open.csv
"$bin" init L --company Bench >/dev/null
"$bin" import invoices open.csv --ledger L >/dev/null
/usr/bin/time -f "%e" -o draft.time "$bin" draft --ledger L >/dev/null || true
/usr/bin/time -f "%e" -o approve.time "$bin" approve --all --ledger L >/dev/null
approved=$(git -C L ls-files outbox | wc -l)
echo "ledger: $N invoices, $C customers; $approved approved drafts (draft $(cat draft.time) s, approve --all $(cat approve.time) s)"

# The server, until this script ends.
mkfifo server.in
/usr/bin/python3 "$root/Tests/Fixtures/smtp_server.py" --out received "${server_args[@]}" < server.in > server.out 2>server.err &
exec 3>server.in
trap 'exec 3>&-; wait' EXIT
for _ in $(seq 50); do grep -q READY server.out 2>/dev/null && break; sleep 0.1; done
port=$(awk '/READY/ {print $2}' server.out)
python3 - "$port" <<'PY'
import sys
p = "L/duetrail.yaml"
s = open(p).read()
s = s[: s.index("transport:")] + "transport:\n  kind: smtp\n  host: 127.0.0.1\n  port: %s\n  security: none\n" % sys.argv[1]
open(p, "w").write(s)
PY
git -C L commit -qam "bench: smtp on loopback"

/usr/bin/time -f "%e %M" -o send.time "$bin" send --ledger L --limit "$M" --json > send.json
read -r send_s send_kb < send.time
python3 - "$send_s" "$send_kb" <<'PY'
import json, sys, os
r = json.load(open("send.json"))
sent = len(r["sent"])
secs = float(sys.argv[1])
peers = set()
n = 1
while os.path.exists("received/%d.json" % n):
    peers.add(json.load(open("received/%d.json" % n))["peer_port"]); n += 1
print(f"send: {sent} messages in {secs:.2f} s = {sent / secs:.0f} messages/s, {len(r['commits'])} commits, "
      f"{n - 1} received over {len(peers)} connection(s), peak {int(sys.argv[2]) // 1024} MiB")
PY
git -C L fsck --strict 2>&1 | tail -1 || true
echo "done"
