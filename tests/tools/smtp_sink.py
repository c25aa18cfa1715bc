#!/usr/bin/python3
"""A real SMTP server for Leadloop's tests (Debian's python3-aiosmtpd).

Keeps every message as one JSON line in --out: the envelope, the raw bytes
(latin-1 text, so every byte survives) and the parsed headers and parts.
Each new session's EHLO/HELO is logged as {"type": "ehlo"} so a test can
count connections. Recipients named by --fail4 get 451 (only their first
N times with --fail4-times N), by --fail5 get 550.
--user/--password require AUTH (PLAIN or LOGIN, allowed without TLS).
--tls-cert/--tls-key (PEM) offer STARTTLS, and with --require-tls refuse
mail before it; each message records whether its session was encrypted.
--light (benchmarks) keeps only {"type": "message", "rcpt_tos", "bytes"} per
message, unparsed, written in batches (flushed every 0.2 s and at the end).
Listens on 127.0.0.1 at a free port, written to --port-file when ready.
Stops on SIGTERM or SIGINT.
"""
import argparse
import email
import email.policy
import json
import signal
import socket
import sys
import threading
import logging
import warnings

warnings.simplefilter("ignore")  # AUTH without TLS is what the tests want
logging.getLogger("mail.log").setLevel(logging.CRITICAL)

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
except ImportError:
    sys.stderr.write("smtp_sink: python3-aiosmtpd is missing (apt-get install python3-aiosmtpd)\n")
    sys.exit(3)


class Sink:
    def __init__(self, out, fail4, fail5, fail4_times=0, light=False, pipelining=False):
        self.out = open(out, "a", encoding="utf-8")
        self.pipelining = pipelining
        self.light = light
        self.fail4 = {a.lower() for a in fail4}
        self.fail4_times = fail4_times
        self.fail4_count = {}
        self.fail5 = {a.lower() for a in fail5}
        self.lock = threading.Lock()

    def write(self, record):
        with self.lock:
            self.out.write(json.dumps(record) + "\n")
            self.out.flush()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.write({"type": "ehlo", "hostname": hostname})
        if self.pipelining:  # aiosmtpd reads commands in order from the stream: it can
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        self.write({"type": "ehlo", "hostname": hostname})
        return "250 {}".format(server.hostname)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.fail5:
            return "550 5.1.1 <{}>: no such mailbox".format(address)
        if address.lower() in self.fail4:
            n = self.fail4_count.get(address.lower(), 0)
            self.fail4_count[address.lower()] = n + 1
            if self.fail4_times <= 0 or n < self.fail4_times:
                return "451 4.3.0 <{}>: try again later".format(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def flush(self):
        with self.lock:
            self.out.flush()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if self.light:
            self.out.write(json.dumps({"type": "message", "rcpt_tos": envelope.rcpt_tos,
                                       "bytes": len(raw)}) + "\n")
            return "250 2.0.0 accepted"
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {}
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                parts[part.get_content_type()] = part.get_content()
        self.write({
            "type": "message",
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth": session.authenticated,
            "tls": session.ssl is not None,
            "login": (session.auth_data.login.decode() if getattr(session, "auth_data", None) and
                      hasattr(session.auth_data, "login") else ""),
            "raw": raw.decode("latin-1"),
            "headers": [[k, str(v)] for k, v in msg.items()],
            "subject": str(msg.get("subject", "")),
            "to": str(msg.get("to", "")),
            "from": str(msg.get("from", "")),
            "content_type": msg.get_content_type(),
            "text": parts.get("text/plain", ""),
            "html": parts.get("text/html", ""),
            "defects": [type(d).__name__ for p in msg.walk() for d in p.defects],
        })
        return "250 2.0.0 accepted"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--fail4", action="append", default=[])
    ap.add_argument("--fail5", action="append", default=[])
    ap.add_argument("--fail4-times", type=int, default=0)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--require-tls", action="store_true")
    ap.add_argument("--light", action="store_true")
    ap.add_argument("--pipelining", action="store_true", help="offer PIPELINING (RFC 2920) in the EHLO reply")
    ap.add_argument("--idle-timeout", type=float, default=0,
                    help="close a connection idle this many seconds (0: aiosmtpd's 300)")
    args = ap.parse_args()

    sink = Sink(args.out, args.fail4, args.fail5, args.fail4_times, args.light, args.pipelining)
    kwargs = {}
    if args.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == args.user and auth_data.password.decode() == args.password)
            return AuthResult(success=ok, handled=False, auth_data=auth_data)
        kwargs = dict(auth_required=True, auth_require_tls=False, authenticator=authenticator)
    if args.tls_cert:
        import ssl
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        kwargs.update(tls_context=context, require_starttls=args.require_tls)

    if args.idle_timeout > 0:
        kwargs["timeout"] = args.idle_timeout
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, server_hostname="sink.test", **kwargs)
    controller.start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(port))
    import os
    os.replace(args.port_file + ".tmp", args.port_file)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    while not stop.wait(0.2):
        if args.light:
            sink.flush()
    controller.stop()
    sink.flush()


if __name__ == "__main__":
    main()
