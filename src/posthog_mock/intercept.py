"""The layer around dispatch: journal every request and apply the fault that fires, if any.

With no fault installed the app does not enter this layer: a request costs one list check and
one journal append more than the plain dispatch (bench/mock_fault_overhead.md measures it).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Final

from starlette.types import Receive, Send

from posthog_mock import connection
from posthog_mock.errors import APIError, throttled
from posthog_mock.faults import DEFAULT_HANG_SECONDS, Fault
from posthog_mock.request import MockRequest
from posthog_mock.responses import Response, error_response
from posthog_mock.state import MockState

Dispatch = Callable[[MockState, MockRequest], Awaitable[Response]]
# How long to wait for Granian to report the disconnect of a connection the mock broke.
_DISCONNECT_WAIT: Final = 2.0
# A slow body goes out in this many chunks per second.
_CHUNKS_PER_SECOND: Final = 10


@dataclass(frozen=True)
class Exchange:
    """One ASGI request's scope and channels, and whether it is a HEAD (headers only)."""

    scope: MutableMapping[str, Any]
    receive: Receive
    send: Send
    head: bool = False


async def answer(
    state: MockState,
    request: MockRequest,
    dispatch: Dispatch,
    exchange: Exchange,
) -> None:
    """Answer one request (faulted if a rule fires) and journal it; `/_mock/` is never faulted.

    The app calls this only while some rule is installed; otherwise it dispatches and journals
    by itself, which is all this does when no rule fires.
    """
    started = time.perf_counter()
    send, head = exchange.send, exchange.head
    fault = state.faults.pick(request.method, request.path)
    if fault is None:
        response = await dispatch(state, request)
        await response.send(send, head=head)
        state.journal.record(request, response.status, started, None)
        return
    status: int | None = None
    try:
        status = await _apply(fault, state, request, dispatch, exchange)
    finally:
        state.journal.record(request, status, started, fault.spec.kind)


async def _apply(
    fault: Fault,
    state: MockState,
    request: MockRequest,
    dispatch: Dispatch,
    exchange: Exchange,
) -> int | None:
    """Apply one fault; return the status sent, None when no status line went out."""
    scope, receive, send, head = exchange.scope, exchange.receive, exchange.send, exchange.head
    spec = fault.spec
    kind = spec.kind
    if kind == "delay":
        if await _wait_for_disconnect(receive, fault.delay()):
            return None  # the client gave up first: nothing is answered
        response = await dispatch(state, request)
        await response.send(send, head=head)
        return response.status
    if kind in ("slow_body", "truncate"):
        response = await dispatch(state, request)
        if kind == "slow_body":
            await _send_slowly(response, send, spec.bytes_per_second, head=head)
            return response.status
        await _send_truncated(response, send, spec.truncate_at)
        return response.status
    if spec.handled:
        await dispatch(state, request)
    if kind == "status":
        error = APIError(spec.status, "server_error", "error", "A server error occurred.")
        await error_response(error).send(send, head=head)
        return spec.status
    if kind == "throttle":
        error = throttled(spec.retry_after)
        await error_response(error, error.headers).send(send, head=head)
        return 429
    if kind == "reset":
        connection.reset(scope)
        return None
    if kind == "empty":
        connection.close_without_answer(scope)
        await _wait_for_disconnect(receive, _DISCONNECT_WAIT)
        return None
    # hang: say nothing until the client gives up (or the cap passes, then close).
    if not await _wait_for_disconnect(receive, spec.seconds or DEFAULT_HANG_SECONDS):
        connection.close_without_answer(scope)
        await _wait_for_disconnect(receive, _DISCONNECT_WAIT)
    return None


def _start(response: Response) -> dict[str, Any]:
    headers = [(b"content-length", str(len(response.body)).encode())]
    if response.content_type is not None:
        headers.append((b"content-type", response.content_type))
    headers.extend(response.headers)
    return {"type": "http.response.start", "status": response.status, "headers": headers}


async def _send_slowly(response: Response, send: Send, rate: int, *, head: bool) -> None:
    await send(_start(response))
    body = b"" if head else response.body
    size = max(1, rate // _CHUNKS_PER_SECOND)
    for offset in range(0, len(body), size):
        chunk = body[offset : offset + size]
        await asyncio.sleep(len(chunk) / rate)
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _send_truncated(response: Response, send: Send, cut: int | None) -> None:
    body = response.body
    keep = len(body) // 2 if cut is None else cut
    keep = min(keep, max(len(body) - 1, 0))
    await send(_start(response))
    # An app that returns before its last body message makes Granian close the connection
    # after what was sent: the client reads fewer bytes than Content-Length announced.
    await send({"type": "http.response.body", "body": body[:keep], "more_body": True})


async def _wait_for_disconnect(receive: Receive, seconds: float) -> bool:
    """Wait until the client is gone; False if it is still there after `seconds`."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while (await receive())["type"] != "http.disconnect":
                pass
            return True
    return False
