"""Oversized bodies: the 413 reaches clients still uploading; the rest is drained, bounded."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.types import Message

from posthog_mock.body import BodyStream
from posthog_mock.testing import MockServer
from tests.mock.helpers import err

P = "/api/projects/@current/web_experiments/"
MIB = 1024 * 1024
REPEATS = 20
CHUNK = 64 * 1024
TOO_LARGE = err("invalid_request", "payload_too_large", "Request body exceeded 1048576 bytes.")
TOO_LARGE_BODY = (
    b'{"type":"invalid_request","code":"payload_too_large",'
    b'"detail":"Request body exceeded 1048576 bytes.","attr":null}'
)

SIZES = [pytest.param(2 * MIB, id="2MiB"), pytest.param(20 * MIB, id="20MiB")]
FRAMINGS = [pytest.param(False, id="content-length"), pytest.param(True, id="chunked")]


def _chunks(size: int) -> Iterator[bytes]:
    block = b"x" * CHUNK
    for _ in range(size // CHUNK):
        yield block


async def _achunks(size: int) -> AsyncIterator[bytes]:
    for block in _chunks(size):
        yield block


def _headers(server: MockServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.api_key}", "Content-Type": "application/json"}


@pytest.mark.slow
@pytest.mark.parametrize("chunked", FRAMINGS)
@pytest.mark.parametrize("size", SIZES)
def test_oversized_body_from_sync_httpx_always_gets_413_envelope(
    server: MockServer, size: int, chunked: bool
) -> None:
    body = b"x" * size
    with httpx.Client(base_url=server.base_url, headers=_headers(server), timeout=30) as http:
        for _ in range(REPEATS):
            response = http.post(P, content=_chunks(size) if chunked else body)

            assert response.status_code == 413
            assert response.json() == TOO_LARGE


@pytest.mark.slow
@pytest.mark.anyio
@pytest.mark.parametrize("chunked", FRAMINGS)
@pytest.mark.parametrize("size", SIZES)
async def test_oversized_body_from_async_httpx_always_gets_413_envelope(
    server: MockServer, size: int, chunked: bool
) -> None:
    body = b"x" * size
    headers = _headers(server)
    async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=30) as http:
        for _ in range(REPEATS):
            response = await http.post(P, content=_achunks(size) if chunked else body)

            assert response.status_code == 413
            assert response.json() == TOO_LARGE


def test_413_is_sent_before_the_body_then_the_body_is_drained_and_the_connection_closed(
    server: MockServer,
) -> None:
    url = urlsplit(server.base_url)
    assert url.hostname is not None
    assert url.port is not None
    size = 3 * MIB
    head = (
        f"POST {P} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {server.api_key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(head.encode())
        answer = _read_response(sock)
        sock.sendall(b"x" * size)  # still read by the server: no reset, no broken pipe
        closed_at = time.monotonic()
        trailing = sock.recv(1)
        waited = time.monotonic() - closed_at

    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 413 Payload Too Large"
    assert b"\r\nconnection: close\r\n" in rest.lower()
    assert rest.endswith(TOO_LARGE_BODY)
    assert trailing == b""
    assert waited < 2  # closed once the body is drained, not after the linger timeout


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(TOO_LARGE_BODY):
        chunk = sock.recv(65536)
        assert chunk, f"connection closed early after {data!r}"
        data += chunk
    return data


class FakeReceive:
    """An ASGI `receive` that serves scripted messages, then endless or stalled chunks."""

    def __init__(self, messages: list[Message], *, then: str = "chunks") -> None:
        self.messages = messages
        self.then = then
        self.calls = 0
        self.delivered = 0

    async def __call__(self) -> Message:
        self.calls += 1
        if self.messages:
            message = self.messages.pop(0)
        elif self.then == "stall":
            await asyncio.Event().wait()
            raise AssertionError("unreachable")
        else:
            message = {"type": "http.request", "body": b"x" * 1024, "more_body": True}
        self.delivered += len(message.get("body", b""))
        return message


def _chunk(body: bytes, *, more: bool = True) -> Message:
    return {"type": "http.request", "body": body, "more_body": more}


@pytest.mark.anyio
async def test_read_returns_none_as_soon_as_the_limit_is_exceeded() -> None:
    receive = FakeReceive([_chunk(b"ab"), _chunk(b"cd"), _chunk(b"ef", more=False)])

    assert await BodyStream(receive).read(3) is None
    assert receive.calls == 2


@pytest.mark.anyio
async def test_discard_reads_the_rest_of_the_body_up_to_its_end() -> None:
    receive = FakeReceive([_chunk(b"ab"), _chunk(b"cd"), _chunk(b"ef", more=False)])
    stream = BodyStream(receive)
    assert await stream.read(1) is None

    await stream.discard()

    assert (receive.calls, receive.messages) == (3, [])


@pytest.mark.anyio
async def test_discard_after_a_complete_body_reads_nothing() -> None:
    receive = FakeReceive([_chunk(b"ab", more=False)])
    stream = BodyStream(receive)
    assert await stream.read(10) == b"ab"

    await stream.discard()

    assert receive.calls == 1


@pytest.mark.anyio
async def test_discard_stops_at_a_disconnect() -> None:
    receive = FakeReceive([_chunk(b"ab"), {"type": "http.disconnect"}])

    await BodyStream(receive).discard()

    assert receive.calls == 2


@pytest.mark.anyio
async def test_discard_stops_after_max_bytes() -> None:
    receive = FakeReceive([])

    await BodyStream(receive).discard(max_bytes=10_000)

    assert 10_000 < receive.delivered <= 10_000 + 1024


@pytest.mark.anyio
async def test_discard_stops_after_max_seconds_when_the_client_stalls() -> None:
    receive = FakeReceive([_chunk(b"ab")], then="stall")
    started = time.monotonic()

    await BodyStream(receive).discard(max_seconds=0.05)

    assert time.monotonic() - started < 1
    assert receive.calls == 2
