"""The mock in memory: its ASGI application answering httpx directly, no socket, thread or port.

`InMemoryTransport` is an httpx transport for `httpx.Client` and `httpx.AsyncClient` alike; it
calls the same `MockApp` the served mock runs, so state, profiles, faults, stubs and the journal
behave the same. Faults that break a connection raise what httpx raises on a real one: `reset`
an `httpx.ReadError`, `empty` and `truncate` an `httpx.RemoteProtocolError`, and `hang` (or a
`delay` longer than the client's read timeout) an `httpx.ReadTimeout` once that timeout passes.
`InMemoryMock` is the mock object around it, with the methods of the served one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote

import httpx

from posthog_mock.app import MockApp
from posthog_mock.config import DEFAULT_API_KEY, MockConfig, default_config
from posthog_mock.connection import IN_MEMORY
from posthog_mock.controls import MockControls

# `.invalid` never resolves (RFC 2606): a client built without the transport fails at once.
IN_MEMORY_BASE_URL: Final = "http://posthog-mock.invalid"
_CLIENT: Final = ("127.0.0.1", 50000)


class _Connection:
    """One in-memory exchange: what the app sent and whether it dropped the connection."""

    def __init__(self) -> None:
        self.dropped: str | None = None
        self.timed_out = False
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.complete = False
        self.finished = asyncio.Event()

    def drop(self, how: str) -> None:
        """Record that the app broke the connection (`reset` or `closed`)."""
        self.dropped = how
        self.finished.set()


class InMemoryTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport, sync and async, that hands each request to the mock's ASGI app."""

    def __init__(self, app: MockApp) -> None:
        """Serve `app` (opened here, so a bad seed fails now, not on the first request)."""
        app.open()
        self.app = app
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a sync client's request on this thread's private event loop."""
        body = request.read()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._loop().run_until_complete(self._exchange(request, body))
        # A sync client inside async code: this thread's loop is busy, so use another thread.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(_run, self._exchange(request, body)).result()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer an async client's request on the caller's event loop."""
        body = await request.aread()
        return await self._exchange(request, body)

    def close(self) -> None:
        """Close the private event loops of the threads that used this transport."""
        with self._lock:
            loops, self._loops = self._loops, []
        for loop in loops:
            if not loop.is_running() and not loop.is_closed():
                loop.close()

    async def aclose(self) -> None:
        """Nothing to release for an async client (the app belongs to the mock)."""

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None or loop.is_closed():
            loop = asyncio.new_event_loop()
            self._local.loop = loop
            with self._lock:
                self._loops.append(loop)
        return loop

    async def _exchange(self, request: httpx.Request, body: bytes) -> httpx.Response:
        url = request.url
        connection = _Connection()
        timeout = request.extensions.get("timeout", {}).get("read")
        port = url.port or (443 if url.scheme == "https" else 80)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": url.scheme,
            "path": unquote(url.path),
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "query_string": url.query,
            "root_path": "",
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "server": (url.host, port),
            "client": _CLIENT,
            "extensions": {IN_MEMORY: connection},
        }
        sent_body = False

        async def receive() -> dict[str, Any]:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            if not connection.finished.is_set():
                # The client waits for the answer until its read timeout, then gives up.
                try:
                    await asyncio.wait_for(connection.finished.wait(), timeout)
                except TimeoutError:
                    connection.timed_out = True
                    connection.finished.set()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if connection.dropped is not None or connection.timed_out:
                return
            if message["type"] == "http.response.start":
                connection.status = message["status"]
                connection.headers = list(message.get("headers", ()))
            elif message["type"] == "http.response.body":
                connection.chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    connection.complete = True
                    connection.finished.set()

        await self.app(scope, receive, send)  # type: ignore[arg-type]
        return _response(request, connection)


def _run(coroutine: Coroutine[Any, Any, httpx.Response]) -> httpx.Response:
    return asyncio.run(coroutine)


def _response(request: httpx.Request, connection: _Connection) -> httpx.Response:
    """Turn what the app sent into a response, or the error httpx raises on a broken one."""
    if connection.complete and connection.status is not None:
        return httpx.Response(
            connection.status,
            headers=connection.headers,
            content=b"".join(connection.chunks),
            request=request,
        )
    if connection.dropped == "reset":
        raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
    if connection.timed_out:
        raise httpx.ReadTimeout("timed out", request=request)
    if connection.status is None:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    received = sum(len(chunk) for chunk in connection.chunks)
    declared = dict(connection.headers).get(b"content-length", b"?").decode()
    raise httpx.RemoteProtocolError(
        "peer closed connection without sending complete message body:"
        f" received {received} bytes, expected {declared}",
        request=request,
    )


class InMemoryMock(MockControls):
    """The mock without a server: `transport` answers httpx clients from the app in memory."""

    def __init__(
        self,
        config: MockConfig | None = None,
        db_path: str | Path = ":memory:",
        *,
        base_url: str = IN_MEMORY_BASE_URL,
    ) -> None:
        """Open the mock's store (a SQLite file, or in memory) with this configuration."""
        config = default_config() if config is None else config
        self.config = config
        self.app = MockApp(config, db_path)
        self.transport = InMemoryTransport(self.app)
        self._base_url = base_url.rstrip("/")
        self.api_key = config.keys[0].value if config.keys else None
        self.project_id = config.projects[0].id
        self.client_transport = self.transport
        self._http = httpx.Client(transport=self.transport, timeout=10.0)

    @property
    def base_url(self) -> str:
        """The URL its clients use; only this mock's transport answers it."""
        return self._base_url

    def __repr__(self) -> str:
        """Name the URL and the PostHog it answers as."""
        return (
            f"InMemoryMock(base_url={self._base_url!r},"
            f" posthog_version={self.config.posthog_version!r}, strict={self.config.strict})"
        )

    def close(self) -> None:
        """Release the transport's event loops and close the store."""
        self._http.close()
        self.transport.close()
        self.app.close()

    def __enter__(self) -> InMemoryMock:
        """Use the mock for a `with` block; it is closed at the end."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the mock."""
        self.close()


__all__ = ["DEFAULT_API_KEY", "IN_MEMORY_BASE_URL", "InMemoryMock", "InMemoryTransport"]
