"""Reading the mock's request journal in tests: recorded requests and assertions on them."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

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

    def id_text(self) -> str:
        """Name it briefly: method, path and journal id."""
        return f"{self.method} {self.path}, journal id {self.id}"

    def describe(self) -> str:
        """Describe it in one line: method, path, query, status or fault, the body's start."""
        target = self.path + (f"?{self.query}" if self.query else "")
        outcome = str(self.status) if self.status is not None else "no answer"
        if self.fault == "stub":
            outcome += " (stubbed)"
        elif self.fault is not None:
            outcome += f" (fault: {self.fault})"
        line = f"{self.method} {target} -> {outcome}"
        if self.body:
            body = self.body if len(self.body) <= _SHOWN_BODY else self.body[:_SHOWN_BODY] + "…"
            line += f"  {body}"
        return line


def json_contains(actual: Any, expected: Any) -> bool:
    """Whether `actual` holds `expected`: objects by subset of keys (recursively), else equal.

    Lists match element by element and must have the same length; `True` is not `1`.
    """
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            name in actual and json_contains(actual[name], value)
            for name, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(json_contains(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and bool(expected == actual)
    return bool(actual == expected)


def query_contains(query: str, expected: Mapping[str, Any]) -> bool:
    """Whether the query string has every expected parameter: a value, or all values in order."""
    params: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(name, []).append(value)
    for name, wanted in expected.items():
        values = params.get(name)
        if values is None:
            return False
        if isinstance(wanted, list | tuple):
            if values != [str(item) for item in wanted]:
                return False
        elif str(wanted) not in values:
            return False
    return True


def headers_contain(headers: Mapping[str, str], expected: Mapping[str, str]) -> bool:
    """Whether every expected header is there with this value (names in any case)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    return all(lowered.get(name.lower()) == value for name, value in expected.items())


def path_matches(pattern: str, path: str) -> bool:
    """Match an exact path, or a glob when the pattern has `*`, `?` or `[`."""
    if any(char in pattern for char in "*?["):
        return fnmatch.fnmatchcase(path, pattern)
    return pattern == path


def json_differences(actual: Any, expected: Any, *, subset: bool, at: str = "") -> list[str]:
    """List where `actual` differs from `expected` (`subset`: extra object keys are fine)."""
    where = at or "the body"
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for name, value in expected.items():
            inner = f"{at}.{name}" if at else name
            if name not in actual:
                found.append(f"{inner}: missing (expected {_short(value)})")
            else:
                found += json_differences(actual[name], value, subset=subset, at=inner)
        if not subset:
            found += [
                f"{at}.{name}: not expected" if at else f"{name}: not expected"
                for name in actual
                if name not in expected
            ]
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        found = []
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            found += json_differences(a, e, subset=subset, at=f"{at}[{index}]")
        return found
    if json_contains(actual, expected) if subset else _same_json(actual, expected):
        return []
    return [f"{where}: expected {_short(expected)}, got {_short(actual)}"]


def _same_json(actual: Any, expected: Any) -> bool:
    return json_contains(actual, expected) and json_contains(expected, actual)


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= _SHOWN_BODY else text[:_SHOWN_BODY] + "…"


@dataclass(frozen=True)
class RequestMatcher:
    """What a test expects of a request: method, path, whole or partial JSON body, query, headers.

    `json` is the whole body; `json_contains` a part of it (objects may have more keys);
    `query` parameters and `headers` must be there with these values, others may be too.
    """

    method: str | None = None
    path: str | None = None
    json: Any = ANY
    json_contains: Any = ANY
    query: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        """Keep only the path of a whole URL and upper-case the method."""
        if self.path is not None and "://" in self.path:
            object.__setattr__(self, "path", urlsplit(self.path).path)
        if self.method is not None:
            object.__setattr__(self, "method", self.method.upper())

    def matches(self, request: RecordedRequest) -> bool:
        """Whether the request meets every expectation."""
        return not self.differences(request, first_only=True)

    def differences(self, request: RecordedRequest, *, first_only: bool = False) -> list[str]:
        """List what differs between the request and the expectations (empty: it matches)."""
        found: list[str] = []
        if self.method is not None and request.method != self.method:
            found.append(f"method: expected {self.method}, got {request.method}")
        if self.path is not None and not path_matches(self.path, request.path):
            found.append(f"path: expected {self.path}, got {request.path}")
        if first_only and found:
            return found
        if self.query is not None:
            found += _query_differences(request.query, self.query)
        if self.headers is not None:
            lowered = {name.lower(): value for name, value in request.headers.items()}
            for name, value in self.headers.items():
                got = lowered.get(name.lower())
                if got != value:
                    shown = "missing" if got is None else repr(got)
                    found.append(f"header {name.lower()}: expected {value!r}, got {shown}")
        for wanted, subset in ((self.json, False), (self.json_contains, True)):
            if wanted is ANY:
                continue
            try:
                sent = request.json()
            except ValueError:
                found.append(f"body: expected JSON, got {_short_text(request.body)}")
                continue
            found += json_differences(sent, wanted, subset=subset)
        return found

    def describe(self) -> str:
        """Describe the expectation in one line."""
        parts = [part for part in (self.method, self.path) if part]
        text = " ".join(parts) or "any request"
        if self.query is not None:
            text += f" with query {dict(self.query)}"
        if self.headers is not None:
            text += f" with headers {dict(self.headers)}"
        if self.json is not ANY:
            text += f" with JSON body {json.dumps(self.json, sort_keys=True)}"
        if self.json_contains is not ANY:
            text += f" with a JSON body containing {json.dumps(self.json_contains, sort_keys=True)}"
        return text


def _short_text(body: str) -> str:
    if not body:
        return "an empty body"
    return repr(body if len(body) <= _SHOWN_BODY else body[:_SHOWN_BODY] + "…")


def _query_differences(query: str, expected: Mapping[str, Any]) -> list[str]:
    params: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(name, []).append(value)
    found = []
    for name, wanted in expected.items():
        if query_contains(query, {name: wanted}):
            continue
        got = params.get(name)
        shown = "missing" if got is None else ", ".join(got)
        found.append(f"query {name}: expected {wanted}, got {shown}")
    return found


def matches(
    request: RecordedRequest,
    method: str | None = None,
    path: str | None = None,
    json_body: Any = ANY,
) -> bool:
    """Whether the request has this method, path (exact or glob) and JSON body."""
    return RequestMatcher(method, path, json_body).matches(request)


def closest(
    received: list[RecordedRequest], matcher: RequestMatcher
) -> tuple[int, RecordedRequest, list[str]] | None:
    """Find the received request that differs least (the latest of equals), and how."""
    best: tuple[int, RecordedRequest, list[str]] | None = None
    for index, request in enumerate(received, 1):
        found = matcher.differences(request)
        # Same method and path first: a wrong body on the right endpoint is the usual slip.
        if best is None or _rank(found) <= _rank(best[2]):
            best = (index, request, found)
    return best


def _rank(found: list[str]) -> tuple[int, int]:
    target = sum(1 for item in found if item.startswith(("method:", "path:")))
    return target, len(found)


def check_requested(
    received: list[RecordedRequest],
    matcher: RequestMatcher,
    count: int | None = None,
) -> list[RecordedRequest]:
    """Return the matching requests, or raise with the closest request, how it differs, and all.

    `path` may be a whole URL (its path is compared) or a glob such as `*/web_experiments/*`.
    """
    __tracebackhide__ = True
    found = [r for r in received if matcher.matches(r)]
    if (count is None and found) or (count is not None and len(found) == count):
        return found
    expected = f"exactly {count}" if count is not None else "at least 1"
    lines = [f"expected {expected} request(s) {matcher.describe()}, found {len(found)}."]
    if not found:
        lines += _closest_lines(received, matcher)
    lines += _received_lines(received)
    raise RequestAssertionError("\n".join(lines))


def check_requested_in_order(
    received: list[RecordedRequest], matchers: list[RequestMatcher]
) -> list[RecordedRequest]:
    """Return one request per matcher, in this order (others may come between), or raise."""
    __tracebackhide__ = True
    chosen: list[RecordedRequest] = []
    position = 0
    for step, matcher in enumerate(matchers, 1):
        rest = received[position:]
        index = next((i for i, r in enumerate(rest) if matcher.matches(r)), None)
        if index is not None:
            chosen.append(rest[index])
            position += index + 1
            continue
        earlier = [r for r in received[:position] if matcher.matches(r)]
        lines = [
            f"expected these requests in order; step {step} of {len(matchers)} not found"
            f" after {'the start' if position == 0 else f'request {position}'}:"
        ]
        lines += [
            f"  {'->' if number == step else '  '} {number}. {m.describe()}"
            for number, m in enumerate(matchers, 1)
        ]
        if earlier:
            lines.append(
                f"A matching request came earlier ({earlier[-1].id_text()}): the order differs."
            )
        else:
            lines += _closest_lines(rest, matcher, offset=position)
        lines += _received_lines(received)
        raise RequestAssertionError("\n".join(lines))
    return chosen


def _closest_lines(
    received: list[RecordedRequest], matcher: RequestMatcher, offset: int = 0
) -> list[str]:
    best = closest(received, matcher)
    if best is None:
        return []
    index, request, found = best
    lines = [f"Closest: {index + offset}. {request.describe()}"]
    lines += [f"  - {item}" for item in found]
    return lines


def _received_lines(received: list[RecordedRequest]) -> list[str]:
    if not received:
        return ["The mock received no requests."]
    lines = [f"The mock received {len(received)}:"]
    lines += [f"  {index}. {r.describe()}" for index, r in enumerate(received, 1)]
    return lines
