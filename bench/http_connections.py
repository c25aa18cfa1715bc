#!/usr/bin/env python3
"""The HTTP layer under many connections, against a running `leadloop serve`.

  slow PORT N          N connections that each sent half a header; then the
                       latency of 1,000 GET /api/v1/health on new connections
                       (start the server with a long --header-timeout-ms and
                       --max-connections-per-address above N)
  streams PORT TOKEN N PID CAMPAIGN
                       N live streams (GET /api/v1/stream): the server's RSS
                       per stream, then one capture and the time until every
                       stream has its change event

Not yet part of `make bench` (issue 17 asks for a load tool there).
"""
import http.client
import json
import resource
import select
import socket
import sys
import time


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def slow(port, n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    held = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        held.append(s)
    lat = []
    for _ in range(1000):
        t = time.perf_counter()
        c = http.client.HTTPConnection("127.0.0.1", port)
        c.request("GET", "/api/v1/health")
        r = c.getresponse()
        r.read()
        c.close()
        assert r.status == 200, r.status
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    print(f"health with {n} slow connections open: p50 {lat[500]:.2f} ms, p99 {lat[990]:.2f} ms, max {lat[-1]:.2f} ms")


def streams(port, token, n, pid, campaign):
    before = rss_kb(pid)
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n".encode())
        socks.append(s)
    for s in socks:
        buf = b""
        while b"event: ready" not in buf:
            buf += s.recv(4096)
    grown = rss_kb(pid) - before
    print(f"{n} streams open: RSS +{grown} KB, {grown / n:.1f} KB per stream")
    c = http.client.HTTPConnection("127.0.0.1", port)
    body = json.dumps({"email": f"stream-{time.time()}@x.example", "source_campaign": campaign})
    c.request("POST", "/api/v1/leads", body, {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    t0 = time.perf_counter()
    assert r.status == 201, r.status
    pending, last = set(socks), 0.0
    while pending:
        ready, _, _ = select.select(list(pending), [], [], 2)
        if not ready:
            break
        for s in ready:
            if b"event: change" in s.recv(4096):
                pending.discard(s)
                last = (time.perf_counter() - t0) * 1000
    print(f"change event on {n - len(pending)} of {n} streams, the last {last:.1f} ms after the answer")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "slow":
        slow(int(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) == 7 and sys.argv[1] == "streams":
        streams(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6])
    else:
        sys.exit(__doc__)
