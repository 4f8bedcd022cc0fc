"""The twin's wire for the CodeFlare SDK stand-in: HTTPS to the Kubernetes API and the Ray dashboard
route, and the WebSocket client of Ray's logs/tail, on the standard library only. Route hosts
(*.<apps domain>) reach the twin's router as the pod network's DNS sends them there
(RHOAI_TWIN_ROUTER="<apps domain>=<host>:<port>"); TLS keeps the route's host name (SNI)."""
import base64
import http.client
import json
import os
import socket
import ssl
import struct
import urllib.parse


class HttpError(Exception):
    def __init__(self, status, reason, body):
        super().__init__("(%s)\nReason: %s\nHTTP response body: %s" % (status, reason, body))
        self.status = status
        self.reason = reason
        self.body = body


def _address(host, port):
    router = os.environ.get("RHOAI_TWIN_ROUTER", "")
    if "=" in router:
        domain, addr = router.split("=", 1)
        if host.lower().endswith("." + domain.lower()):
            h, p = addr.rsplit(":", 1)
            return h, int(p)
    return host, port


def _context(verify, ca_file=None):
    if not verify:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    return ssl.create_default_context(cafile=ca_file or os.environ.get("REQUESTS_CA_BUNDLE") or None)


def _socket(url, verify, ca_file=None, timeout=30):
    u = urllib.parse.urlsplit(url)
    secure = u.scheme in ("https", "wss")
    port = u.port or (443 if secure else 80)
    sock = socket.create_connection(_address(u.hostname, port), timeout)
    if secure:
        sock = _context(verify, ca_file).wrap_socket(sock, server_hostname=u.hostname)
    return sock, u


def request(method, url, headers=None, body=None, verify=True, ca_file=None, timeout=30):
    """One HTTP/1.1 request; returns (status, reason, text)."""
    sock, u = _socket(url, verify, ca_file, timeout)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    conn.sock = sock
    data = None if body is None else json.dumps(body).encode()
    h = {"Accept": "application/json", "Host": u.netloc}
    if data is not None:
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    path = (u.path or "/") + ("?" + u.query if u.query else "")
    try:
        conn.request(method, path, body=data, headers=h)
        res = conn.getresponse()
        return res.status, res.reason, res.read().decode("utf-8", "replace")
    finally:
        conn.close()


def websocket_texts(url, headers=None, verify=True):
    """Yields the text frames of a WebSocket until the server closes it (RFC 6455, client side)."""
    sock, u = _socket(url, verify, timeout=None)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET %s HTTP/1.1" % ((u.path or "/") + ("?" + u.query if u.query else "")),
        "Host: %s" % u.netloc,
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: %s" % key,
        "Sec-WebSocket-Version: 13",
    ] + ["%s: %s" % kv for kv in (headers or {}).items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    f = sock.makefile("rb")
    status_line = f.readline().decode()
    status = int(status_line.split(" ")[1])
    length = 0
    while True:
        line = f.readline().decode()
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
        if line in ("\r\n", "\n", ""):
            break
    if status != 101:
        body = f.read(length).decode("utf-8", "replace") if length else ""
        sock.close()
        raise HttpError(status, status_line.split(" ", 2)[2].strip(), body)
    try:
        while True:
            b1, b2 = f.read(2)
            opcode, n = b1 & 0x0F, b2 & 0x7F
            if n == 126:
                n = struct.unpack(">H", f.read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", f.read(8))[0]
            payload = f.read(n)
            if opcode == 1:
                yield payload.decode("utf-8", "replace")
            elif opcode == 8:
                return
            elif opcode == 9:
                mask = os.urandom(4)
                sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload)))
    finally:
        sock.close()
