#!/usr/bin/python3
"""Reads a message file with Python's `email` package (an independent parser) and prints what
a mail client would show, as JSON: decoded headers, addresses, the body as text, the transfer
encoding and the longest raw line. For DueTrail's tests.

    mail_parse.py FILE
"""
import email
import email.policy
import email.utils
import json
import sys

raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
lines = raw.replace(b"\r\n", b"\n").split(b"\n")
header_block = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
print(json.dumps({
    "from": [list(a) for a in email.utils.getaddresses([str(msg.get("From", ""))])],
    "to": [list(a) for a in email.utils.getaddresses([str(h) for h in msg.get_all("To", [])])],
    "cc": [list(a) for a in email.utils.getaddresses([str(h) for h in msg.get_all("Cc", [])])],
    "reply_to": str(msg.get("Reply-To", "")),
    "subject": str(msg.get("Subject", "")),
    "date": str(msg.get("Date", "")),
    "date_parsed": email.utils.parsedate_to_datetime(str(msg["Date"])).isoformat() if msg.get("Date") else None,
    "message_id": str(msg.get("Message-ID", "")),
    "in_reply_to": str(msg.get("In-Reply-To", "")),
    "references": str(msg.get("References", "")),
    "content_type": msg.get_content_type(),
    "charset": msg.get_content_charset(),
    "transfer_encoding": str(msg.get("Content-Transfer-Encoding", "")),
    "body": msg.get_content(),
    "header_names": [k for k in msg.keys()],
    "defects": [type(d).__name__ for d in msg.defects],
    "max_line_octets": max(len(l) for l in lines),
    "headers_ascii": all(b < 128 for b in header_block),
}, ensure_ascii=False))
