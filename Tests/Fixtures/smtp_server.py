#!/usr/bin/python3
"""A real SMTP server on loopback for DueTrail's tests and benchmark (Debian: python3-aiosmtpd).

    smtp_server.py --out DIR [--tls-cert C --tls-key K] [--auth USER:PASS]
                   [--refuse-rcpt ADDR]... [--data-reply "451 4.3.0 try later"]
                   [--login-only] [--no-8bitmime] [--raw] [--drop-in-data]

Prints `READY <port>` when it listens on 127.0.0.1, then serves until its standard input
closes. Every accepted message is saved in DIR as N.eml (the bytes as received) and N.json
(envelope: sender, recipients, mail options, peer port, whether TLS was on, the login).
--raw runs a bare server instead that offers PIPELINING (aiosmtpd does not); --drop-in-data
runs it so that it closes the connection after the first line of a message, as a crashing
server would.
"""
import argparse
import asyncio
import json
import os
import socket
import ssl
import sys
import threading


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve_aiosmtpd(a, port):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword, SMTP

    counter = {"n": 0}

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in a.refuse_rcpt:
                return "550 5.1.1 <%s>: mailbox unknown" % address
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            if a.data_reply:
                return a.data_reply
            counter["n"] += 1
            n = counter["n"]
            data = envelope.original_content if envelope.original_content is not None else envelope.content
            if isinstance(data, str):
                data = data.encode("utf-8")
            with open(os.path.join(a.out, "%d.eml" % n), "wb") as f:
                f.write(data)
            login = session.auth_data
            if isinstance(login, (bytes, bytearray)):
                login = login.decode()
            meta = {"sender": envelope.mail_from, "recipients": envelope.rcpt_tos, "mail_options": envelope.mail_options,
                    "peer_port": session.peer[1], "tls": session.ssl is not None, "login": login}
            with open(os.path.join(a.out, "%d.json" % n), "w") as f:
                json.dump(meta, f)
            return "250 2.0.0 Ok: queued as Q%05d" % n

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if "%s:%s" % (user, password) == a.auth:
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)

    tls = None
    if a.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.tls_cert, a.tls_key)

    class Server(SMTP):
        async def push(self, status):
            # --no-8bitmime: a server that does not offer 8BITMIME (nor SMTPUTF8).
            text = status.decode() if isinstance(status, (bytes, bytearray)) else status
            if a.no_8bitmime and text.startswith("250-") and text[4:].upper() in ("8BITMIME", "SMTPUTF8"):
                return
            await super().push(status)

    class Control(Controller):
        def factory(self):
            return Server(self.handler, **self.SMTP_kwargs)

    kwargs = dict(enable_SMTPUTF8=not a.no_8bitmime, decode_data=False, data_size_limit=10 * 1024 * 1024)
    if tls:
        kwargs.update(tls_context=tls, require_starttls=True)
    if a.auth:
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(tls))
        if a.login_only:
            kwargs.update(auth_exclude_mechanism=["PLAIN"])
    controller = Control(Handler(), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller


def serve_raw(a, port):
    """A bare SMTP server offering PIPELINING (which aiosmtpd does not): answers each command
    in order as it reads it, so pipelined commands get their replies in one go. With
    --drop-in-data it closes the connection after the first line of a message instead."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(5)
    counter = {"n": 0}
    lock = threading.Lock()

    def handle(conn, peer):
        f = conn.makefile("rb")
        if a.mute:
            f.read()  # never a word: the client must give up on its own
            return
        conn.sendall(b"220 raw ESMTP\r\n")
        sender, recipients, options = None, [], []
        while True:
            line = f.readline()
            if not line:
                break
            cmd = line.rstrip(b"\r\n")
            upper = cmd.upper()
            if upper.startswith(b"EHLO"):
                conn.sendall(b"250-raw\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")
            elif upper.startswith(b"MAIL FROM:"):
                parts = cmd[10:].split(b" ")
                sender, recipients, options = parts[0].strip(b"<>").decode(), [], [p.decode() for p in parts[1:]]
                conn.sendall(b"250 2.1.0 OK\r\n")
            elif upper.startswith(b"RCPT TO:"):
                address = cmd[8:].strip(b"<> ").decode()
                if address in a.refuse_rcpt:
                    conn.sendall(("550 5.1.1 <%s>: mailbox unknown\r\n" % address).encode())
                else:
                    recipients.append(address)
                    conn.sendall(b"250 2.1.5 OK\r\n")
            elif upper == b"DATA":
                if not recipients:
                    conn.sendall(b"554 5.5.1 no valid recipients\r\n")
                    continue
                conn.sendall(b"354 go ahead\r\n")
                if a.drop_in_data:
                    f.readline()  # one line of the message, then the "crash"
                    conn.close()
                    return
                body = []
                while True:
                    l = f.readline()
                    if l in (b".\r\n", b""):
                        break
                    body.append(l[1:] if l.startswith(b"..") else l)
                if a.data_reply:
                    conn.sendall((a.data_reply + "\r\n").encode())
                    continue
                with lock:
                    counter["n"] += 1
                    n = counter["n"]
                with open(os.path.join(a.out, "%d.eml" % n), "wb") as out:
                    out.write(b"".join(body))
                with open(os.path.join(a.out, "%d.json" % n), "w") as out:
                    json.dump({"sender": sender, "recipients": recipients, "mail_options": options,
                               "peer_port": peer[1], "tls": False, "login": None}, out)
                conn.sendall(("250 2.0.0 Ok: queued as R%05d\r\n" % n).encode())
            elif upper == b"RSET":
                sender, recipients = None, []
                conn.sendall(b"250 OK\r\n")
            elif upper == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                break
            else:
                conn.sendall(b"502 5.5.2 not implemented\r\n")
        conn.close()

    def loop():
        while True:
            try:
                conn, peer = sock.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=handle, args=(conn, peer), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return sock


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--auth")
    p.add_argument("--login-only", action="store_true", help="offer AUTH LOGIN but not PLAIN")
    p.add_argument("--refuse-rcpt", action="append", default=[])
    p.add_argument("--data-reply")
    p.add_argument("--no-8bitmime", action="store_true")
    p.add_argument("--drop-in-data", action="store_true")
    p.add_argument("--raw", action="store_true", help="the bare server with PIPELINING instead of aiosmtpd")
    p.add_argument("--mute", action="store_true", help="the bare server, accepting connections but never answering")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    port = free_port()
    raw = a.raw or a.drop_in_data or a.mute
    server = serve_raw(a, port) if raw else serve_aiosmtpd(a, port)
    print("READY %d" % port, flush=True)
    sys.stdin.read()
    if raw:
        server.close()
    else:
        server.stop()


if __name__ == "__main__":
    main()
