"""The ceiling: a trivial ASGI app answering fixed bytes, served like the mock (Granian)."""

from __future__ import annotations

from typing import Final

from starlette.types import Receive, Scope, Send

BODY: Final = (
    b'{"id":1,"name":"Zero to Web Experiment","created_at":"2025-01-15T10:30:00.123456Z",'
    b'"feature_flag_key":"zero-to-web-experiment-web-experiment-feature-3fa90c1b2d",'
    b'"variants":{"control":{"rollout_percentage":100}}}'
)
HEADERS: Final = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BODY)).encode()),
]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Drain the request and answer the same bytes every time."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
