"""Response values handlers return and the ASGI glue that sends them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from starlette.types import Send

from posthog_mock.errors import APIError
from posthog_mock.representation import to_json

JSON_CONTENT_TYPE: Final = b"application/json"


@dataclass(frozen=True)
class Response:
    """Status, body and extra headers; `content_type` None means no Content-Type header."""

    status: int
    body: bytes = b""
    content_type: bytes | None = JSON_CONTENT_TYPE
    headers: tuple[tuple[bytes, bytes], ...] = field(default=())

    async def send(self, send: Send, *, head: bool = False) -> None:
        """Write the response to an ASGI `send` (headers only for HEAD)."""
        headers = [(b"content-length", str(len(self.body)).encode())]
        if self.content_type is not None:
            headers.append((b"content-type", self.content_type))
        headers.extend(self.headers)
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else self.body})


def json_response(
    status: int, payload: Any, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> Response:
    """Build a JSON response from a Python value."""
    return Response(status, to_json(payload).encode(), headers=headers)


def raw_json_response(
    status: int, document: str, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> Response:
    """Build a JSON response from an already rendered document."""
    return Response(status, document.encode(), headers=headers)


def error_response(error: APIError, headers: tuple[tuple[bytes, bytes], ...] = ()) -> Response:
    """Build the envelope response for an APIError."""
    return Response(error.status, error.body(), headers=headers)
