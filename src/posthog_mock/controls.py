"""What a test does to a mock, served or in memory: reset, seed, faults, stubs, the journal."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx

from posthog_mock.verification import (
    ANY,
    RecordedRequest,
    RequestMatcher,
    check_requested,
    check_requested_in_order,
)

if TYPE_CHECKING:
    from posthog_mock.transport import InMemoryTransport

# One expectation of `assert_requested_in_order`: `(method, path)` or the matcher's fields.
Expectation = tuple[str, str] | Mapping[str, Any] | RequestMatcher


class MockServerError(RuntimeError):
    """The mock server did not start, stop or accept a request as expected."""


class MockControls:
    """The `/_mock/` endpoints as methods; subclasses set `_http` and `base_url`."""

    _http: httpx.Client
    api_key: str | None
    project_id: int
    # What `http_client()` sends through: None for a served mock (a real socket).
    client_transport: InMemoryTransport | None = None

    @property
    def base_url(self) -> str:
        """The mock's root URL."""
        raise NotImplementedError

    def http_client(self, **options: Any) -> httpx.Client:
        """Build an `httpx.Client` on this mock: its URL and key set, `options` passed on."""
        return httpx.Client(**self._client_options(options), transport=self.client_transport)

    def async_http_client(self, **options: Any) -> httpx.AsyncClient:
        """Build an `httpx.AsyncClient` on this mock: its URL and key set, `options` passed on."""
        return httpx.AsyncClient(**self._client_options(options), transport=self.client_transport)

    def _client_options(self, options: dict[str, Any]) -> dict[str, Any]:
        headers = dict(options.pop("headers", None) or {})
        if self.api_key is not None:
            headers.setdefault("Authorization", f"Bearer {self.api_key}")
        # The mock is plain http://: skipping CA loading makes each client ~100x cheaper.
        options.setdefault("verify", False)
        return {"base_url": self.base_url, "headers": headers, **options}

    def reset(self) -> None:
        """Wipe every experiment and flag, faults, stubs and journal (`POST /_mock/reset`).

        Experiments of the configuration's `[[experiments]]` or `--seed-file` are stored again.
        """
        response = self._http.post(f"{self.base_url}/_mock/reset")
        if response.status_code != 204:
            raise MockServerError(f"reset answered {response.status_code}: {response.text}")

    def seed(self, *experiments: Mapping[str, Any], **experiment: Any) -> list[dict[str, Any]]:
        """Store experiments as given, each checked like a create (`POST /_mock/seed`).

        Pass objects (`seed({"name": ..., "variants": ...}, ...)`) or one experiment's fields
        (`seed(name=..., variants=..., created_at=..., feature_flag_key=..., project=...)`).
        All or nothing: an invalid one raises `MockServerError` and none is stored. Returns
        each as a retrieve answers it.
        """
        entries = [*experiments, experiment] if experiment else list(experiments)
        response = self._http.post(f"{self.base_url}/_mock/seed", json=entries)
        if response.status_code != 201:
            raise MockServerError(f"seed refused: {_detail(response)}")
        stored: list[dict[str, Any]] = response.json()
        return stored

    def add_fault(self, kind: str, **options: Any) -> dict[str, Any]:
        """Install a fault rule (`POST /_mock/faults`); return it as the server lists it.

        `kind` is one of status, throttle, delay, slow_body, reset, empty, truncate, hang;
        `options` are the rule's other fields (`method`, `route`, `times`, `every`,
        `probability`, `seed`, `status`, ...), as the mock's README documents them.
        """
        response = self._http.post(f"{self.base_url}/_mock/faults", json={"kind": kind, **options})
        if response.status_code != 201:
            raise MockServerError(f"fault refused ({response.status_code}): {response.text}")
        rule: dict[str, Any] = response.json()
        return rule

    @contextmanager
    def fault(self, kind: str, **options: Any) -> Iterator[dict[str, Any]]:
        """Install a fault rule for the duration of the `with` block, then remove it."""
        rule = self.add_fault(kind, **options)
        try:
            yield rule
        finally:
            self._http.delete(f"{self.base_url}/_mock/faults/{rule['id']}")

    @property
    def faults(self) -> list[dict[str, Any]]:
        """The installed fault rules with their counters (`GET /_mock/faults`)."""
        rules: list[dict[str, Any]] = self._get("/_mock/faults")["results"]
        return rules

    def clear_faults(self) -> None:
        """Remove every fault rule (`DELETE /_mock/faults`)."""
        self._http.delete(f"{self.base_url}/_mock/faults").raise_for_status()

    def stub(self, method: str | None, path: str, **options: Any) -> dict[str, Any]:
        """Answer the next matching request(s) as given (`POST /_mock/stubs`); return the stub.

        `path` is exact or a glob; `options`: `status` (required), `json` or `body`, `headers`,
        `times` (default 1, None: always), and the matchers `match_json` (a part of the body),
        `match_query`, `match_headers`. A refused stub raises `MockServerError`, nothing added.
        """
        spec = {"method": method, "path": path, **options}
        response = self._http.post(f"{self.base_url}/_mock/stubs", json=spec)
        if response.status_code != 201:
            raise MockServerError(f"stub refused: {_detail(response)}")
        stub: dict[str, Any] = response.json()
        return stub

    @property
    def stubs(self) -> list[dict[str, Any]]:
        """The installed stubs with how often each answered (`GET /_mock/stubs`)."""
        listed: list[dict[str, Any]] = self._get("/_mock/stubs")["results"]
        return listed

    def clear_stubs(self) -> None:
        """Remove every stub (`DELETE /_mock/stubs`)."""
        self._http.delete(f"{self.base_url}/_mock/stubs").raise_for_status()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request the mock received since the last reset, oldest first (keys masked)."""
        entries = self._get("/_mock/requests")["results"]
        return [RecordedRequest.from_json(entry) for entry in entries]

    def clear_requests(self) -> None:
        """Empty the request journal (`DELETE /_mock/requests`)."""
        self._http.delete(f"{self.base_url}/_mock/requests").raise_for_status()

    def assert_requested(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        json: Any = ANY,
        json_contains: Any = ANY,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        count: int | None = None,
    ) -> list[RecordedRequest]:
        """Assert the mock received requests like this; return the ones that match.

        `path` is exact or a glob; `json` is the whole JSON body, `json_contains` a part of it;
        `query` and `headers` must be present with these values. With `count`, exactly that
        many must match, else at least one. A failure names the closest request received and
        how it differs, then lists every request received.
        """
        __tracebackhide__ = True
        matcher = RequestMatcher(method, path, json, json_contains, query, headers)
        return check_requested(self.requests, matcher, count)

    def assert_requested_in_order(self, *expected: Expectation) -> list[RecordedRequest]:
        """Assert requests like these came in this order (others may come between).

        Each expectation is `(method, path)` or a mapping of `assert_requested`'s matchers
        (`{"method": "POST", "path": ..., "json_contains": {...}}`). Returns one request each.
        """
        __tracebackhide__ = True
        matchers = [_matcher(item) for item in expected]
        return check_requested_in_order(self.requests, matchers)

    def _get(self, path: str) -> dict[str, Any]:
        response = self._http.get(f"{self.base_url}{path}")
        if response.status_code != 200:
            raise MockServerError(f"GET {path} answered {response.status_code}: {response.text}")
        data: dict[str, Any] = response.json()
        return data


def _matcher(item: Expectation) -> RequestMatcher:
    if isinstance(item, RequestMatcher):
        return item
    if isinstance(item, tuple):
        method, path = item
        return RequestMatcher(method, path)
    return RequestMatcher(**item)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} {response.text}"
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return str(body["detail"])
    return f"{response.status_code} {response.text}"
