#!/usr/bin/env bash
# The portal benchmark (issue 7): page views per second from wrk over loopback, on the
# generated ledger (served from a bare repository, as on a server), each request a different
# customer's page, after a first pass in which every page is read cold.
#
#   bench/portal.sh [INVOICES] [CUSTOMERS] [SECONDS] [CONNECTIONS]   (default 100000 5000 20 32)
#
# Needs wrk (installed when missing, as root). Work files go to bench/out-portal/.
set -euo pipefail
N=${1:-100000}
C=${2:-5000}
S=${3:-20}
CONN=${4:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_DIR:-$root/bench/out-portal}
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
source "$root/bench/prelude.sh"
export XDG_CONFIG_HOME=$out/config
python3 "$root/bench/generate_export.py" --invoices "$N" --customers "$C" > open.csv
"$bin" init L --company Bench >/dev/null
"$bin" import invoices open.csv --ledger L >/dev/null
git -C L gc -q
git clone -q --bare L ledger.git
"$bin" portal key --new >/dev/null
ls L/customers | sed 's/\.yaml$//' > customers
# Links as paths (no base URL), for every customer.
xargs -a customers "$bin" portal link --ledger ledger.git 2>/dev/null > links
echo "ledger: $N invoices, $C customers ($(wc -l < links) links); served from a bare repository"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" portal serve --ledger ledger.git --listen 127.0.0.1:$port --rate-limit 100000 --log-level warning > serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:$port/healthz && break; sleep 0.1; done

one=$(head -1 links)
echo "one page, cold then warm:"
curl -s -o /dev/null -w "  first view  %{http_code} in %{time_total} s (%{size_download} bytes)\n" "http://127.0.0.1:$port$one"
curl -s -o /dev/null -w "  second view %{http_code} in %{time_total} s\n" "http://127.0.0.1:$port$one"
echo "every customer's page once, cold (wrk, 4 connections, until all are read):"
LINKS=$out/links wrk -t2 -c4 -d"$(( C / 200 + 3 ))s" -s "$root/bench/portal.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|Non-2xx|Latency" | sed 's/^/  /'
echo "steady state: $CONN connections for ${S}s, each request another customer:"
LINKS=$out/links wrk -t2 -c"$CONN" -d"${S}s" --latency -s "$root/bench/portal.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|Non-2xx|Latency|99%|requests in" | sed 's/^/  /'
echo "server memory (RSS): $(ps -o rss= -p $server | awk '{printf "%.0f MB", $1/1024}')"
