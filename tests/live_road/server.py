"""A small experiments server on loopback whose faults a test chooses (reads, 429s, drops)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ALL_KEY = "phx_all"
EXPERIMENT_KEY = "phx_experiment_only"
READ_KEY = "phx_read_only"


@dataclass
class Faults:
    """What the server does wrong: each off by default."""

    # A stored experiment holding this string makes every read of it and of the list answer 500.
    breaks_reads_after: str | None = None
    # Answer 429 to this many requests first (DRF's wording, `Retry-After` when asked).
    throttle_first: int = 0
    retry_after_header: bool = False
    # Store the create whose name is this one, then close the connection without an answer.
    drop_after_storing: str | None = None
    # Make the flag of the create whose name is this one, then answer 500 storing no experiment.
    flag_then_500: str | None = None
    # Store the create whose name is this one and answer it with HTML (no id to read).
    html_answer: str | None = None


@dataclass
class State:
    """The server's experiments and flags, and every request it got."""

    faults: Faults = field(default_factory=Faults)
    experiments: dict[int, dict[str, Any]] = field(default_factory=dict)
    flags: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 100
    log: list[tuple[str, str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def broken(self) -> bool:
        marker = self.faults.breaks_reads_after
        return marker is not None and any(
            marker in json.dumps(e) for e in self.experiments.values()
        )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def _answer(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        self.server.state.log.append((self.command, self.path, status))

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        state = self.server.state
        body = self._body()
        with state.lock:
            if state.faults.throttle_first > 0:
                state.faults.throttle_first -= 1
                headers = {"Retry-After": "0"} if state.faults.retry_after_header else {}
                detail = "Request was throttled. Expected available in 0 seconds."
                self._answer(429, {"detail": detail}, headers)
                return
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if key not in (ALL_KEY, EXPERIMENT_KEY, READ_KEY):
                self._answer(401, {"detail": "bad key"})
                return
            parts = urlsplit(self.path)
            segments = [s for s in parts.path.split("/") if s]
            if segments[:2] != ["api", "projects"] or len(segments) < 4:
                self._answer(404, {"detail": "Not found."})
                return
            resource, rest = segments[3], segments[4:]
            if resource == "feature_flags":
                self._flags(key, rest, parts.query, body)
                return
            if self.command != "GET" and key == READ_KEY:
                self._answer(403, {"detail": "API key missing required scope 'experiment:write'"})
                return
            self._experiments(rest, body)

    def _experiments(self, rest: list[str], body: Any) -> None:
        state = self.server.state
        if not rest:
            if self.command == "GET":
                if state.broken():
                    self._answer(500, None)
                    return
                items = sorted(state.experiments.values(), key=lambda e: -int(e["id"]))
                self._answer(200, {"count": len(items), "next": None, "results": items})
            elif self.command == "POST" and isinstance(body, dict) and "name" in body:
                experiment_id = state.next_id
                state.next_id += 1
                key = f"flag-{experiment_id}"
                name = str(body["name"]).strip()  # as PostHog stores it
                stored = {**body, "name": name, "id": experiment_id, "feature_flag_key": key}
                state.experiments[experiment_id] = stored
                state.flags[experiment_id + 1000] = {
                    "id": experiment_id + 1000,
                    "key": key,
                    "name": f"Feature Flag for Experiment {name}",
                    "active": False,
                    "experiment_set": [experiment_id],
                    "deleted": False,
                }
                made = datetime.now(UTC).isoformat().replace("+00:00", "Z")
                state.flags[experiment_id + 1000]["created_at"] = made
                if name == state.faults.flag_then_500:
                    del state.experiments[experiment_id]
                    state.flags[experiment_id + 1000]["experiment_set"] = []
                    self._answer(500, {"type": "server_error"})
                    return
                if name == state.faults.html_answer:
                    payload = b"<html><body>Created</body></html>"
                    self.send_response(201)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    state.log.append((self.command, self.path, 201))
                    return
                if name == state.faults.drop_after_storing:
                    state.log.append((self.command, self.path, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                self._answer(201, stored)
            else:
                self._answer(400, {"detail": "bad"})
            return
        experiment_id = int(rest[0]) if rest[0].isdigit() else -1
        if experiment_id not in state.experiments:
            self._answer(404, {"detail": "Not found."})
            return
        if self.command == "GET":
            if state.broken():
                self._answer(500, None)
                return
            self._answer(200, state.experiments[experiment_id])
        elif self.command == "PATCH" and isinstance(body, dict):
            state.experiments[experiment_id].update(body)
            self._answer(200, state.experiments[experiment_id])
        elif self.command == "DELETE":
            del state.experiments[experiment_id]
            for flag in state.flags.values():
                if experiment_id in flag["experiment_set"]:
                    flag["experiment_set"] = []
            self._answer(204)
        else:
            self._answer(405, {"detail": "no"})

    def _flags(self, key: str, rest: list[str], query: str, body: Any) -> None:
        state = self.server.state
        if key != ALL_KEY:
            self._answer(403, {"detail": "API key missing required scope 'feature_flag:read'"})
            return
        if not rest:
            search = parse_qs(query).get("search", [""])[0]
            found = [
                f
                for f in state.flags.values()
                if not f["deleted"] and (search in f["key"] or search in f["name"])
            ]
            self._answer(200, {"count": len(found), "next": None, "results": found})
            return
        flag_id = int(rest[0])
        if self.command == "PATCH" and body == {"deleted": True} and flag_id in state.flags:
            state.flags[flag_id]["deleted"] = True
            self._answer(200, state.flags[flag_id])
        else:
            self._answer(400, {"detail": "bad"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: State) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


@contextmanager
def serve(faults: Faults | None = None) -> Iterator[tuple[str, State]]:
    """Run the server on a free loopback port: its base URL and state."""
    state = State(faults or Faults())
    server = _Server(state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def live_flags(state: State) -> list[str]:
    """Keys of the flags not soft-deleted."""
    return sorted(f["key"] for f in state.flags.values() if not f["deleted"])
