"""The request body stream: read it within `max_body_bytes`, or discard what a 413 left unread."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Final

from starlette.types import Message, Receive

# Lingering close, as nginx does after an early response: keep reading (and dropping) the rest
# of a rejected body for a bounded amount and time, so a client still uploading gets to read the
# 413 instead of a connection reset.
LINGER_MAX_BYTES: Final = 64 * 1024 * 1024
LINGER_MAX_SECONDS: Final = 5.0


class BodyStream:
    """One request's ASGI body messages, consumed once."""

    def __init__(self, receive: Receive) -> None:
        """Wrap the ASGI `receive` callable of one HTTP request."""
        self._receive = receive
        self._complete = False

    async def read(self, limit: int) -> bytes | None:
        """Read the whole body; return None as soon as it exceeds `limit` bytes."""
        chunks: list[bytes] = []
        size = 0
        while not self._complete:
            chunk = await self._next_chunk()
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def discard(
        self, max_bytes: int = LINGER_MAX_BYTES, max_seconds: float = LINGER_MAX_SECONDS
    ) -> None:
        """Read and drop the rest of the body, stopping after `max_bytes` or `max_seconds`."""
        discarded = 0
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max_seconds):
                while not self._complete and discarded <= max_bytes:
                    discarded += len(await self._next_chunk())

    async def _next_chunk(self) -> bytes:
        message: Message = await self._receive()
        if message["type"] != "http.request":  # http.disconnect: nothing more will come
            self._complete = True
            return b""
        if not message.get("more_body", False):
            self._complete = True
        chunk: bytes = message.get("body", b"")
        return chunk
