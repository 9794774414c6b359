"""A scripted stand-in for rss.arxiv.org and export.arxiv.org, on 127.0.0.1, for tests.

Each path gets a script of replies, served in order; the last one repeats ("503 forever").
A reply may be a callable that builds the answer from the request (the API answers the ids
asked for). Every request is recorded with its arrival time, so tests can assert how many
requests were made and how far apart they were.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Seen:
    """One request as the server saw it."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering at all
    trickle: float = 0.0  # seconds between body chunks of 16 bytes (a slow body)
    content_type: str = "application/atom+xml; charset=utf-8"
    send_length: bool = True  # False: no Content-Length, the body ends when the server closes


Responder = Reply | Callable[[Seen], Reply]


class ArxivServer:
    """Start with ``with serving() as server``; script with ``server.script(path, ...)``."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self._scripts: dict[str, list[Responder]] = {}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True  # a slow reply must not hold up shutdown
        self.port = self._httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *replies: Responder) -> None:
        with self._lock:
            self._scripts[path] = list(replies)

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def gaps(self, path: str | None = None) -> list[float]:
        """Seconds between consecutive arrivals (at ``path``, or anywhere)."""
        times = [s.at for s in self.seen if path is None or s.path == path]
        return [b - a for a, b in itertools.pairwise(times)]

    def _next_reply(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            script = self._scripts.get(seen.path)
            if not script:
                return Reply(status=404, body=b"not found", content_type="text/plain")
            responder = script.pop(0) if len(script) > 1 else script[0]
        return responder(seen) if callable(responder) else responder

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                seen = Seen(
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    at=time.monotonic(),
                )
                reply = server._next_reply(seen)
                # The client may have given up (a timeout test); nothing to do then.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(reply)

            def _answer(self, reply: Reply) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                if reply.send_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if not reply.trickle:
                    self.wfile.write(reply.body)
                    return
                for start in range(0, len(reply.body), 16):
                    self.wfile.write(reply.body[start : start + 16])
                    self.wfile.flush()
                    time.sleep(reply.trickle)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output quiet

        return Handler

    def start(self) -> None:
        # A short poll interval keeps shutdown (and so each test) quick.
        thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,), daemon=True)
        thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def serving() -> Iterator[ArxivServer]:
    server = ArxivServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def closed_port() -> int:
    """A loopback port nothing listens on (for 'host unreachable')."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
