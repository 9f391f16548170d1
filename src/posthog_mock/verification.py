"""Reading the mock's request journal in tests: recorded requests and assertions on them."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

# Stands for "any body" in `assert_requested`, so that `json=None` can mean a JSON null.
ANY: Final[Any] = type("AnyBody", (), {"__repr__": lambda _: "ANY"})()
_SHOWN_BODY: Final = 120


class RequestAssertionError(AssertionError):
    """The requests the mock received do not match what the test expected."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request the mock received, as `GET /_mock/requests` reports it (keys masked)."""

    id: int
    time: str
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str
    body_size: int
    status: int | None
    duration_ms: float
    fault: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecordedRequest:
        """Build from one entry of `GET /_mock/requests`."""
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})

    def json(self) -> Any:
        """Parse the body as JSON (ValueError when it is not JSON)."""
        return json.loads(self.body)

    def describe(self) -> str:
        """Describe it in one line: method, path, query, status or fault, the body's start."""
        target = self.path + (f"?{self.query}" if self.query else "")
        outcome = str(self.status) if self.status is not None else "no answer"
        if self.fault is not None:
            outcome += f" (fault: {self.fault})"
        line = f"{self.method} {target} -> {outcome}"
        if self.body:
            body = self.body if len(self.body) <= _SHOWN_BODY else self.body[:_SHOWN_BODY] + "…"
            line += f"  {body}"
        return line


def path_matches(pattern: str, path: str) -> bool:
    """Match an exact path, or a glob when the pattern has `*`, `?` or `[`."""
    if any(char in pattern for char in "*?["):
        return fnmatch.fnmatchcase(path, pattern)
    return pattern == path


def matches(
    request: RecordedRequest,
    method: str | None = None,
    path: str | None = None,
    json_body: Any = ANY,
) -> bool:
    """Whether the request has this method, path (exact or glob) and JSON body."""
    if method is not None and request.method != method.upper():
        return False
    if path is not None and not path_matches(path, request.path):
        return False
    if json_body is not ANY:
        try:
            return bool(request.json() == json_body)
        except ValueError:
            return False
    return True


def check_requested(
    received: list[RecordedRequest],
    method: str | None = None,
    path: str | None = None,
    json_body: Any = ANY,
    count: int | None = None,
) -> list[RecordedRequest]:
    """Return the matching requests, or raise with what was expected and everything received.

    `path` may be a whole URL (its path is compared) or a glob such as `*/web_experiments/*`.
    """
    if path is not None and "://" in path:
        path = urlsplit(path).path
    found = [r for r in received if matches(r, method, path, json_body)]
    if (count is None and found) or (count is not None and len(found) == count):
        return found
    wanted = " ".join(part for part in (method and method.upper(), path) if part) or "any request"
    if json_body is not ANY:
        wanted += f" with JSON body {json.dumps(json_body, sort_keys=True)}"
    expected = f"exactly {count}" if count is not None else "at least 1"
    lines = [f"expected {expected} request(s) {wanted}, found {len(found)}."]
    if received:
        lines.append(f"The mock received {len(received)}:")
        lines += [f"  {index}. {r.describe()}" for index, r in enumerate(received, 1)]
    else:
        lines.append("The mock received no requests.")
    raise RequestAssertionError("\n".join(lines))
