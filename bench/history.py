#!/usr/bin/env python3
"""Adds COMMITS commits to a ledger's main branch through `git fast-import`, each recording a
small payment on one case (a line appended to its timeline), dated PER_DAY commits a day from
START. Deterministic: the same ledger and arguments give the same history.

    bench/history.py LEDGER [--commits 1000] [--per-day 10] [--start 2026-12-01]
"""
import argparse
import datetime
import random
import re
import subprocess


def main():
    p = argparse.ArgumentParser()
    p.add_argument("ledger")
    p.add_argument("--commits", type=int, default=1000)
    p.add_argument("--per-day", type=int, default=10)
    p.add_argument("--start", default="2026-12-01")
    a = p.parse_args()
    git = ["git", "-C", a.ledger]
    paths = subprocess.run(git + ["ls-files", "cases"], capture_output=True, text=True, check=True).stdout.split()
    rng = random.Random(7)
    chosen = [rng.choice(paths) for _ in range(a.commits)]
    # Current contents of every chosen file, through one `git cat-file --batch`.
    batch = subprocess.Popen(git + ["cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    contents = {}
    for path in sorted(set(chosen)):
        batch.stdin.write(f"HEAD:{path}\n".encode())
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        size = int(header[2])
        contents[path] = batch.stdout.read(size).decode()
        batch.stdout.read(1)
    batch.stdin.close()
    batch.wait()
    start = datetime.datetime.fromisoformat(a.start + "T08:00:00+00:00")
    head = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    stream = []
    for i, path in enumerate(chosen):
        when = start + datetime.timedelta(days=i // a.per_day, minutes=30 * (i % a.per_day))
        currency = re.search(r"^currency: (\w+)", contents[path], re.M).group(1)
        line = f"- {when:%Y-%m-%d %H:%M} · payment · amount: 1.00 {currency} · by Bench\n"
        contents[path] += line
        data = contents[path].encode()
        message = f"pay: bench payment {i + 1}\n\nDueTrail-Action: pay\n".encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"committer Bench <bench@example.test> {int(when.timestamp())} +0000\n".encode())
        stream.append(f"data {len(message)}\n".encode() + message)
        if i == 0:
            stream.append(f"from {head}\n".encode())
        stream.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    subprocess.run(git + ["fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(git + ["reset", "-q", "--hard", "main"], check=True)


if __name__ == "__main__":
    main()
