"""A faulty network between the MLflow client and a real tracking server: an HTTP proxy on
127.0.0.1 that forwards every request and, for the requests it is told to, forwards it and then
hangs up without the answer (the server did the work, the client never hears: it retries), or runs
a hook first (a server restart in the middle of logging). What reached the server is recorded."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}


@dataclass
class Faults:
    """`lose[rule]`: answers to lose (after the server acted) for requests matching the rule
    (method, path: matches); `before[rule]`: a hook run once, before the first such request is
    forwarded."""

    lose: dict[tuple[str, str], int] = field(default_factory=dict)
    before: dict[tuple[str, str], Callable[[], None]] = field(default_factory=dict)
    seen: list[tuple[str, str, int | None]] = field(default_factory=list)  # status None: lost
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, method: str, path: str, status: int | None = 200) -> int:
        """How many requests matching (method, path) got `status` (None: no answer)."""
        with self.lock:
            return sum(
                1 for m, p, s in self.seen if s == status and matches((method, path), (m, p))
            )


def handler(upstream: int, faults: Faults) -> type[BaseHTTPRequestHandler]:
    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def forward(self) -> None:
            path = self.path.split("?")[0]
            key = (self.command, path)
            with faults.lock:
                hooks = [k for k in faults.before if matches(k, key)]
                hook = faults.before.pop(hooks[0]) if hooks else None
            if hook is not None:
                hook()
            body = self.body()
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            try:
                server = http.client.HTTPConnection("127.0.0.1", upstream, timeout=120)
                server.request(self.command, self.path, body=body, headers=headers)
                answer = server.getresponse()
                payload = answer.read()
                server.close()
            except OSError:  # the server is down: so is the connection, as with no proxy
                with faults.lock:
                    faults.seen.append((*key, None))
                self.close_connection = True
                return
            with faults.lock:  # the server acted: lose its answer if told to
                rule = next((k for k in faults.lose if matches(k, key) and faults.lose[k]), None)
                if rule is not None:
                    faults.lose[rule] -= 1
                faults.seen.append((*key, None if rule else answer.status))
            if rule:
                self.close_connection = True  # hang up: the client gets no answer
                return
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def body(self) -> bytes | None:
            """The request's body, sent with a length or in chunks."""
            if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else None
            parts = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
                pass
            return b"".join(parts)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = forward

    return Forward


def matches(rule: tuple[str, str], request: tuple[str, str]) -> bool:
    """The same method, and the same path or, for a rule ending with '/', any path below it."""
    (method, path), (asked, at) = rule, request
    return method == asked and (at == path or (path.endswith("/") and at.startswith(path)))


@contextmanager
def faulty_proxy(upstream: int, faults: Faults) -> Iterator[str]:
    """The proxy's URL while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(upstream, faults))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
