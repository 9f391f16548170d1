"""One-off stubbed answers: the next N requests that match get a given status, headers and body.

A stub is a rule like a fault, but its answer is whatever the test says: it matches a method and
a path (exact or glob) and optionally a JSON body (subset), query parameters and headers, and
answers `status`, `headers` and `json` (or a text `body`) instead of the mock's own handling.
Stubs are checked in the order they were added, before faults; `/_mock/` is never stubbed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from posthog_mock.request import MockRequest
from posthog_mock.responses import JSON_CONTENT_TYPE, Response
from posthog_mock.verification import (
    headers_contain,
    json_contains,
    path_matches,
    query_contains,
)

METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_FIELDS: Final = (
    "method",
    "path",
    "match_json",
    "match_query",
    "match_headers",
    "status",
    "headers",
    "json",
    "body",
    "times",
)
_TEXT_CONTENT_TYPE: Final = b"text/plain; charset=utf-8"
_NO_BODY: Final = object()


class StubSpecError(ValueError):
    """A stub description is invalid; `field` names the offending field."""

    def __init__(self, field_name: str, message: str) -> None:
        """Keep the field name and build the message `<field>: <message>`."""
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.reason = message


@dataclass(frozen=True)
class StubSpec:
    """A validated stub: which requests it answers, with what, how many times."""

    method: str | None
    path: str
    status: int
    match_json: Any = _NO_BODY
    match_query: Mapping[str, Any] | None = None
    match_headers: Mapping[str, str] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = _NO_BODY
    body: str | None = None
    times: int | None = 1

    def response(self) -> Response:
        """Build the answer this stub gives."""
        extra = tuple(
            (name.lower().encode("latin-1", "replace"), value.encode("latin-1", "replace"))
            for name, value in self.headers.items()
            if name.lower() not in ("content-type", "content-length")
        )
        declared = next((v for n, v in self.headers.items() if n.lower() == "content-type"), None)
        if self.json is not _NO_BODY:
            payload = json.dumps(self.json, ensure_ascii=False).encode()
            content_type: bytes | None = JSON_CONTENT_TYPE
        elif self.body is not None:
            payload, content_type = self.body.encode(), _TEXT_CONTENT_TYPE
        else:
            payload, content_type = b"", None
        if declared is not None:
            content_type = declared.encode("latin-1", "replace")
        return Response(self.status, payload, content_type=content_type, headers=extra)

    def to_json(self) -> dict[str, Any]:
        """Render the stub as `/_mock/stubs` lists it."""
        return {
            "method": self.method,
            "path": self.path,
            "match_json": None if self.match_json is _NO_BODY else self.match_json,
            "match_query": None if self.match_query is None else dict(self.match_query),
            "match_headers": None if self.match_headers is None else dict(self.match_headers),
            "status": self.status,
            "headers": dict(self.headers),
            "json": None if self.json is _NO_BODY else self.json,
            "body": self.body,
            "times": self.times,
        }


@dataclass
class Stub:
    """An installed stub: its spec, id and how often it answered."""

    id: int
    spec: StubSpec
    answered: int = 0

    def matches(self, request: MockRequest) -> bool:
        """Whether this stub answers the request (and still may)."""
        spec = self.spec
        if spec.times is not None and self.answered >= spec.times:
            return False
        if spec.method is not None and spec.method != request.method:
            return False
        if not path_matches(spec.path, request.path):
            return False
        if spec.match_query is not None and not query_contains(
            request.query_string.decode("latin-1"), spec.match_query
        ):
            return False
        if spec.match_headers is not None and not headers_contain(
            request.headers, spec.match_headers
        ):
            return False
        if spec.match_json is not _NO_BODY:
            try:
                sent = json.loads(request.body)
            except ValueError:
                return False
            return json_contains(sent, spec.match_json)
        return True

    def to_json(self) -> dict[str, Any]:
        """Render the stub with its counters."""
        remaining = None if self.spec.times is None else self.spec.times - self.answered
        return {
            "id": self.id,
            **self.spec.to_json(),
            "answered": self.answered,
            "remaining": remaining,
        }


class StubSet:
    """The installed stubs of one mock; empty by default, so no request pays for them."""

    def __init__(self) -> None:
        """Start without stubs."""
        self.rules: list[Stub] = []
        self._next_id = 1

    def add(self, spec: StubSpec) -> Stub:
        """Install a stub after the existing ones."""
        stub = Stub(self._next_id, spec)
        self._next_id += 1
        self.rules.append(stub)
        return stub

    def remove(self, stub_id: int) -> bool:
        """Remove one stub by id; False when there is none with that id."""
        before = len(self.rules)
        self.rules = [stub for stub in self.rules if stub.id != stub_id]
        return len(self.rules) < before

    def clear(self) -> None:
        """Remove every stub (ids keep counting up)."""
        self.rules = []

    def pick(self, request: MockRequest) -> Response | None:
        """Return the answer of the first stub that matches, counting it; None when none does."""
        if request.path.startswith("/_mock/"):
            return None
        for stub in self.rules:
            if stub.matches(request):
                stub.answered += 1
                return stub.spec.response()
        return None


def parse_stub(data: Any) -> StubSpec:
    """Validate one stub description (a JSON object); errors name the field."""
    if not isinstance(data, Mapping):
        raise StubSpecError("stub", "must be an object")
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise StubSpecError(unknown[0], f"unknown field (fields: {', '.join(_FIELDS)})")
    status = data.get("status")
    if status is None:
        raise StubSpecError("status", "is required (the status code to answer, 200 to 599)")
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        raise StubSpecError("status", f"must be an integer from 200 to 599, got {status!r}")
    method = data.get("method")
    if method is not None:
        if not isinstance(method, str) or method.upper() not in METHODS:
            raise StubSpecError("method", f"must be one of {', '.join(METHODS)} or null")
        method = method.upper()
    path = data.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise StubSpecError(
            "path", f"must be a path starting with / (a glob may use *), got {path!r}"
        )
    if path.startswith("/_mock/"):
        raise StubSpecError("path", "the mock's own endpoints under /_mock/ cannot be stubbed")
    if "json" in data and data.get("body") is not None:
        raise StubSpecError("body", "give either json or body, not both")
    body = data.get("body")
    if body is not None and not isinstance(body, str):
        raise StubSpecError("body", f"must be a string (use json for a JSON value), got {body!r}")
    times = data.get("times", 1)
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise StubSpecError("times", f"must be a positive integer or null (always), got {times!r}")
    return StubSpec(
        method=method,
        path=path,
        status=status,
        match_json=data.get("match_json", _NO_BODY),
        match_query=_string_map(data, "match_query", values=(str, int, list)),
        match_headers=_string_map(data, "match_headers", values=(str,)),
        headers=_string_map(data, "headers", values=(str,)) or {},
        json=data.get("json", _NO_BODY),
        body=body,
        times=times,
    )


def _string_map(
    data: Mapping[str, Any], name: str, *, values: tuple[type, ...]
) -> Mapping[str, Any] | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, values) and not isinstance(v, bool)
        for k, v in value.items()
    ):
        kinds = " or ".join(kind.__name__ for kind in values)
        raise StubSpecError(name, f"must be an object of names to {kinds} values")
    return dict(value)
