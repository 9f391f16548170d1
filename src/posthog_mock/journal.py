"""The request journal: every request the mock answered, in a bounded ring buffer.

Recording only appends a tuple; masking keys, decoding bodies and filtering happen when someone
reads the journal (`GET /_mock/requests`), so the request path stays cheap.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode

from posthog_mock.config import DEFAULT_JOURNAL_SIZE
from posthog_mock.request import MockRequest
from posthog_mock.verification import path_matches

# A body longer than this is journaled cut to this size (`body_size` is the whole size).
MAX_JOURNALED_BODY: Final = 64 * 1024
_KEY_QUERY_PARAMS: Final = frozenset({"personal_api_key", "temporary_token"})
_KEY_HEADERS: Final = frozenset({"authorization", "x-api-key", "cookie"})


# One journaled request as recorded: a flat tuple of strings, bytes and numbers, cheap to build
# and, holding no container, untracked by the garbage collector (a thousand kept requests then
# add nothing to its work): (seq, started, duration, method, path, query_string, headers, body,
# body_size, status, fault), `started` from perf_counter(), headers as ((name, value), ...).
Entry = tuple[
    int,
    float,
    float,
    str,
    str,
    bytes,
    tuple[tuple[bytes, bytes], ...],
    bytes,
    int,
    int | None,
    str | None,
]


def mask_key(value: str) -> str:
    """Hide a secret but its prefix and last four characters: `phx_…abcd`."""
    if len(value) <= 8:
        return "…"
    prefix, sep, _ = value.partition("_")
    shown = prefix + sep if sep and len(prefix) <= 4 else ""
    return f"{shown}…{value[-4:]}"


def mask_header(name: str, value: str) -> str:
    """Mask the credential in a header value; other headers are returned as they are."""
    if name not in _KEY_HEADERS:
        return value
    scheme, space, credential = value.partition(" ")
    if space and name == "authorization":
        return f"{scheme} {mask_key(credential.strip())}"
    return mask_key(value)


class Journal:
    """The last `capacity` requests, oldest first, and how many older ones were dropped."""

    def __init__(self, capacity: int = DEFAULT_JOURNAL_SIZE) -> None:
        """Start empty; `capacity` 0 records nothing."""
        self.capacity = capacity
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._seq = 0
        self._dropped = 0
        # perf_counter() is cheap per request; wall-clock times are derived from it on reading.
        self._epoch = time.time() - time.perf_counter()

    def record(
        self, request: MockRequest, status: int | None, started: float, fault: str | None
    ) -> None:
        """Append one answered request (`started` from `time.perf_counter()`); skip `/_mock/`."""
        if not self.capacity:
            self._dropped += 1
            return
        duration = time.perf_counter() - started
        path = request.path
        if path.startswith("/_mock/"):
            return
        body = request.body
        size = len(body)
        if size > MAX_JOURNALED_BODY:
            body = body[:MAX_JOURNALED_BODY]
        self._seq += 1
        if len(self._entries) == self.capacity:
            self._dropped += 1
        self._entries.append(
            (
                self._seq,
                started,
                duration,
                request.method,
                path,
                request.query_string,
                tuple(request.headers.raw),
                body,
                size,
                status,
                fault,
            )
        )

    @property
    def dropped(self) -> int:
        """How many requests fell out of the buffer since the last clear."""
        return self._dropped

    @property
    def total(self) -> int:
        """How many requests were recorded since the last clear, dropped ones included."""
        return self._dropped + len(self._entries)

    def clear(self) -> None:
        """Forget every entry and the dropped count (sequence numbers keep counting up)."""
        self._entries.clear()
        self._dropped = 0

    def select(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Entries matching every given filter, oldest first; `limit` keeps the newest ones."""
        chosen = list(self._matching(method, path, status))
        if limit is not None:
            chosen = chosen[-limit:] if limit else []
        return [render(entry, self._epoch) for entry in chosen]

    def _matching(
        self, method: str | None, path: str | None, status: int | None
    ) -> Iterator[Entry]:
        wanted_method = method.upper() if method is not None else None
        for entry in self._entries:
            if wanted_method is not None and entry[3] != wanted_method:
                continue
            if path is not None and not path_matches(path, entry[4]):
                continue
            if status is not None and entry[9] != status:
                continue
            yield entry


def render(entry: Entry, epoch: float) -> dict[str, Any]:
    """One entry as JSON: keys masked, the body as text."""
    seq, started, duration, method, path, query_string, raw_headers, body, size, status, fault = (
        entry
    )
    headers: dict[str, str] = {}
    for raw_name, raw_value in raw_headers:
        name = raw_name.decode("latin-1").lower()
        value = mask_header(name, raw_value.decode("latin-1"))
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    when = datetime.fromtimestamp(epoch + started, UTC).isoformat().replace("+00:00", "Z")
    return {
        "id": seq,
        "time": when,
        "method": method,
        "path": path,
        "query": _masked_query(query_string),
        "headers": headers,
        "body": body.decode("utf-8", "replace"),
        "body_size": size,
        "status": status,
        "duration_ms": round(duration * 1000, 3),
        "fault": fault,
    }


def _masked_query(query_string: bytes) -> str:
    text = query_string.decode("latin-1")
    if not any(name in text for name in _KEY_QUERY_PARAMS):
        return text
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode([(k, mask_key(v) if k in _KEY_QUERY_PARAMS else v) for k, v in pairs])
