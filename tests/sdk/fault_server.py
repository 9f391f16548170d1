"""A real threaded HTTP server on a free loopback port that replays scripted replies and faults."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

STD_EXPERIMENT: dict[str, Any] = {
    "id": 1,
    "name": "Zero to Web Experiment",
    "created_at": "2025-01-15T10:30:00.123456Z",
    "feature_flag_key": "zero-to-web-experiment-web-experiment-feature-3fa90c1b2d",
    "variants": {
        "control": {"rollout_percentage": 70, "transforms": []},
        "test": {
            "rollout_percentage": 30,
            "transforms": [{"selector": "h1", "text": "Up, UP and Away!", "html": ""}],
        },
    },
}


@attrs.frozen
class Reply:
    """One scripted answer: a status and JSON body, optionally late, or a dropped connection."""

    status: int = 200
    body: Any = attrs.field(factory=lambda: dict(STD_EXPERIMENT))
    headers: Mapping[str, str] = attrs.field(factory=dict)
    delay: float = 0.0
    drop: bool = False
    raw: bytes | None = None


def ok(status: int = 200, body: Any = None) -> Reply:
    """A success reply carrying the standard experiment unless told otherwise."""
    return Reply(status=status, body=dict(STD_EXPERIMENT) if body is None else body)


def throttled(seconds: int | None = 3, retry_after: str | None = None) -> Reply:
    """PostHog's 429: the wait in the detail; a ``Retry-After`` header only if given."""
    detail = "Request was throttled."
    if seconds is not None:
        detail += f" Expected available in {seconds} second{'s' if seconds != 1 else ''}."
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    body = {"type": "throttled_error", "code": "throttled", "detail": detail, "attr": None}
    return Reply(status=429, body=body, headers=headers)


def server_error(status: int = 503) -> Reply:
    """A 5xx with PostHog's error body."""
    body = {
        "type": "server_error",
        "code": "error",
        "detail": "A server error occurred.",
        "attr": None,
    }
    return Reply(status=status, body=body)


def dropped() -> Reply:
    """Read the request, then close the connection without answering."""
    return Reply(drop=True)


def slow(delay: float) -> Reply:
    """Answer 200, but only after ``delay`` seconds."""
    return Reply(delay=delay)


@attrs.frozen
class Received:
    """A request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@attrs.define
class FaultServer:
    """Serves ``script`` in order; every request is recorded in ``received``."""

    base_url: str
    script: deque[Reply] = attrs.field(factory=deque)
    received: list[Received] = attrs.field(factory=list)

    def queue(self, *replies: Reply) -> None:
        """Append replies to the script."""
        self.script.extend(replies)

    def methods(self) -> list[str]:
        """Methods of the requests received so far, in order."""
        return [request.method for request in self.received]


def _make_handler(state: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.received.append(
                Received(self.command, self.path, dict(self.headers.items()), body)
            )
            reply = state.script.popleft() if state.script else None
            if reply is None:
                reply = Reply(status=599, body={"detail": "fault server script exhausted"})
            if reply.drop:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if reply.delay:
                time.sleep(reply.delay)
            payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                # The client gave up (timeout) before the late answer: expected in these tests.
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@contextmanager
def run_fault_server() -> Iterator[FaultServer]:
    """Serve a fresh fault server on a free loopback port for the duration of the block."""
    state = FaultServer(base_url="")
    server = _QuietServer(("127.0.0.1", 0), _make_handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port_url() -> str:
    """A loopback URL on which nothing listens, so connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
