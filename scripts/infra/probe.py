#!/usr/bin/env python3
"""Readiness probes that send one real protocol request (stdlib only: runs before npm install).

  probe.py kafka HOST PORT   Kafka Metadata v4; ready once the broker lists itself (registered
                             and unfenced), not merely when the port accepts connections.
  probe.py mongo HOST PORT   MongoDB OP_MSG {ping: 1} on the admin database; ready on ok: 1.
  probe.py http URL          HTTP GET; ready on status 200.

Exit status 0 when ready, 1 otherwise (reason on stderr).
"""

import socket
import struct
import sys
import urllib.request

TIMEOUT = 3.0


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by server")
        buf += chunk
    return buf


def kafka(host, port):
    client_id = b"infra-probe"
    # Request header v1 (api_key=3 Metadata, api_version=4, correlation id, client id), then the
    # v4 body: an empty topic array (brokers only) and allow_auto_topic_creation=false.
    body = struct.pack(">hhih", 3, 4, 42, len(client_id)) + client_id + struct.pack(">ib", 0, 0)
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(struct.pack(">i", len(body)) + body)
        (size,) = struct.unpack(">i", recv_exact(sock, 4))
        resp = recv_exact(sock, size)
    correlation_id, _throttle, brokers = struct.unpack(">iii", resp[:12])
    if correlation_id != 42:
        raise RuntimeError("unexpected correlation id %d" % correlation_id)
    if brokers < 1:
        raise RuntimeError("broker answers but lists no live broker yet")


def bson_ping():
    elements = b"\x10ping\x00" + struct.pack("<i", 1)
    elements += b"\x02$db\x00" + struct.pack("<i", len(b"admin") + 1) + b"admin\x00"
    return struct.pack("<i", len(elements) + 5) + elements + b"\x00"


def mongo(host, port):
    # OP_MSG (opcode 2013): flagBits=0, one kind-0 section holding the command document.
    payload = struct.pack("<I", 0) + b"\x00" + bson_ping()
    header = struct.pack("<iiii", 16 + len(payload), 7, 0, 2013)
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(header + payload)
        (size,) = struct.unpack("<i", recv_exact(sock, 4))
        resp = recv_exact(sock, size - 4)
    _request_id, response_to, opcode = struct.unpack("<iii", resp[:12])
    if opcode != 2013 or response_to != 7:
        raise RuntimeError("unexpected reply opcode=%d responseTo=%d" % (opcode, response_to))
    doc = resp[12 + 4 + 1:]
    # "ok" is a top-level double (some servers send int32); good enough without a BSON library.
    i = doc.find(b"\x01ok\x00")
    if i >= 0 and struct.unpack("<d", doc[i + 4:i + 12])[0] == 1.0:
        return
    i = doc.find(b"\x10ok\x00")
    if i >= 0 and struct.unpack("<i", doc[i + 4:i + 8])[0] == 1:
        return
    raise RuntimeError("ping did not return ok: 1")


def http(url):
    with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:
        if resp.status != 200:
            raise RuntimeError("HTTP %d" % resp.status)


def main(argv):
    probes = {"kafka": kafka, "mongo": mongo, "http": http}
    if len(argv) < 2 or argv[1] not in probes:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        probes[argv[1]](*argv[2:])
    except Exception as exc:  # any failure simply means "not ready"
        print("%s probe failed: %s" % (argv[1], exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
