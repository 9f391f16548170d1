"""Retry behaviour against the mock's injected faults over real HTTP; sync and async share tables.

The scripted fake server (``fault_server.py``) remains only for answers the mock never gives,
because PostHog never does: a 429 whose ``Retry-After`` and detail disagree or are missing, a 5xx
with ``Retry-After``, a 408 (a proxy's); a refused connection needs a closed port.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import attrs
import httpx
import pytest

from posthog_mock.testing import MockServer
from posthog_web_experiments import (
    USER_AGENT,
    APIConnectionError,
    APITimeoutError,
    NotFoundError,
    PostHogError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    WebExperiment,
)
from posthog_web_experiments._retries import server_requested_wait

from .conftest import FakeClock, call, open_client
from .fault_server import (
    FaultServer,
    Reply,
    closed_port_url,
    ok,
    server_error,
    throttled,
)

pytestmark = pytest.mark.anyio

CREATE_BODY = {"name": "Zero", "variants": {"control": {"rollout_percentage": 100}}}
VARIANTS = {"control": {"rollout_percentage": 100}}
EMPTY_PAGE: dict[str, Any] = {"count": 0, "next": None, "previous": None, "results": []}

Operation = tuple[str, tuple[Any, ...], dict[str, Any]]
RETRIEVE: Operation = ("retrieve", (1,), {})
CREATE: Operation = ("create", (CREATE_BODY,), {})
SHORT_TIMEOUT = 0.3  # some headroom for a loaded 2-core machine; LATE stays well past it
LATE = SHORT_TIMEOUT * 4


ID = "<experiment id>"  # replaced by the id of an experiment created on the mock first
MOCK_RETRIEVE: Operation = ("retrieve", (ID,), {})


def fault(kind: str, **options: Any) -> dict[str, Any]:
    """One fault rule for the mock (``MockServer.add_fault``)."""
    return {"kind": kind, **options}


def once(kind: str, **options: Any) -> dict[str, Any]:
    """A fault rule that fires for the next request only."""
    return fault(kind, times=1, **options)


@attrs.frozen
class MockCase:
    """One retry scenario on the mock: the faults installed, and what the SDK must then do."""

    operation: Operation
    faults: tuple[dict[str, Any], ...]
    attempts: int
    waits: tuple[float, ...]
    raises: type[PostHogError] | None = None
    client_options: dict[str, Any] = attrs.field(factory=dict)


# Every case here is a fault the mock injects over real HTTP, in front of its real handlers.
MOCK_RETRY_CASES = [
    pytest.param(
        MockCase(MOCK_RETRIEVE, (once("throttle", retry_after=3),), 2, (3.0,)),
        id="get-429-retry-after-honoured",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (once("throttle", retry_after=1),), 2, (1.0,)),
        id="get-429-one-second",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (fault("status", status=503, times=2),), 3, (0.5, 1.0)),
        id="get-503-burst-then-success-exponential-backoff",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (fault("status", status=503),), 3, (0.5, 1.0), ServerError),
        id="get-503-burst-exhausts-retries",
    ),
    pytest.param(
        MockCase(
            MOCK_RETRIEVE,
            (fault("status", status=502),),
            5,
            (0.5, 1.0, 2.0, 2.0),
            ServerError,
            {"retry": RetryPolicy(jitter=0.0, max_retries=4, max_backoff=2.0)},
        ),
        id="get-backoff-capped-at-max-backoff",
    ),
    pytest.param(
        MockCase(
            MOCK_RETRIEVE,
            (fault("status", status=500),),
            3,
            (0.5, 1.0),
            ServerError,
            {"retry": RetryPolicy(jitter=0.0, max_retries=5, max_total_wait=2.0)},
        ),
        id="get-total-wait-cap-stops-retrying",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (once("throttle", retry_after=120),), 1, (), RateLimitError),
        id="get-429-longer-than-total-wait-cap-fails-fast",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (once("status", status=504),), 2, (0.5,)),
        id="get-504-retried",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (once("empty"),), 2, (0.5,)),
        id="get-closed-without-answer-retried",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (once("reset"),), 2, (0.5,)),
        id="get-connection-reset-retried",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (once("truncate"),), 2, (0.5,)),
        id="get-truncated-body-retried",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (once("hang"),), 2, (0.5,)),
        id="get-read-timeout-retried",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (once("delay", seconds=LATE),), 2, (0.5,)),
        id="get-late-answer-retried",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (fault("hang"),), 3, (0.5, 1.0), APITimeoutError),
        id="get-read-timeouts-exhaust-retries",
    ),
    pytest.param(
        MockCase(MOCK_RETRIEVE, (once("delay", seconds=0.05),), 1, ()),
        id="get-delay-within-timeout-not-retried",
    ),
    pytest.param(
        MockCase(
            MOCK_RETRIEVE, (once("status", status=503),), 1, (), ServerError, {"max_retries": 0}
        ),
        id="get-retries-off-with-max-retries-0",
    ),
    pytest.param(
        MockCase(("update", (ID, CREATE_BODY), {}), (once("status", status=502),), 2, (0.5,)),
        id="put-502-retried",
    ),
    pytest.param(
        MockCase(("partial_update", (ID, {"variants": VARIANTS}), {}), (once("empty"),), 2, (0.5,)),
        id="patch-closed-without-answer-retried",
    ),
    pytest.param(
        MockCase(("delete", (ID,), {}), (once("status", status=503),), 2, (0.5,)),
        id="delete-503-retried",
    ),
    pytest.param(
        MockCase(("list_page", (), {}), (once("throttle", retry_after=2),), 2, (2.0,)),
        id="list-429-retried",
    ),
    pytest.param(
        MockCase(CREATE, (once("status", status=503),), 1, (), ServerError),
        id="post-503-not-retried",
    ),
    pytest.param(
        MockCase(CREATE, (once("status", status=500),), 1, (), ServerError),
        id="post-500-not-retried",
    ),
    pytest.param(
        MockCase(CREATE, (once("empty"),), 1, (), APIConnectionError),
        id="post-closed-without-answer-not-retried",
    ),
    pytest.param(
        MockCase(CREATE, (once("reset"),), 1, (), APIConnectionError),
        id="post-connection-reset-not-retried",
    ),
    pytest.param(
        MockCase(CREATE, (once("hang"),), 1, (), APITimeoutError),
        id="post-read-timeout-not-retried",
    ),
    pytest.param(
        MockCase(CREATE, (once("throttle", retry_after=2),), 2, (2.0,)),
        id="post-429-retried-because-rejected-before-handling",
    ),
    pytest.param(
        MockCase(CREATE, (once("throttle", retry_after=6),), 2, (6.0,)),
        id="post-429-retry-after-honoured",
    ),
]


def with_id(values: tuple[Any, ...], experiment_id: int) -> tuple[Any, ...]:
    return tuple(experiment_id if value == ID else value for value in values)


def seeded_experiment(server: MockServer) -> int:
    """Create an experiment on the mock, then empty its journal so only the call is counted."""
    response = httpx.post(
        f"{server.base_url}/api/projects/{server.project_id}/web_experiments/",
        headers={"Authorization": f"Bearer {server.api_key}"},
        json=CREATE_BODY,
    )
    assert response.status_code == 201, response.text
    server.clear_requests()
    return int(response.json()["id"])


@pytest.mark.parametrize("case", MOCK_RETRY_CASES)
async def test_retry_policy_against_mock_faults(
    kind: str,
    mock_server: MockServer,
    mock_options: dict[str, Any],
    clock: FakeClock,
    case: MockCase,
) -> None:
    method, args, kwargs = case.operation
    args = with_id(args, seeded_experiment(mock_server))
    for rule in case.faults:
        mock_server.add_fault(**rule)
    options = {**mock_options, "timeout": SHORT_TIMEOUT, **case.client_options}
    async with open_client(kind, clock=clock, **options) as client:
        if case.raises is None:
            await call(client, method, *args, **kwargs)
        else:
            with pytest.raises(case.raises):
                await call(client, method, *args, **kwargs)
    sent = mock_server.requests
    assert len(sent) == case.attempts, [r.describe() for r in sent]
    assert {r.method for r in sent} == {method_of(method)}
    assert clock.waits == list(case.waits)


def method_of(operation: str) -> str:
    return {
        "retrieve": "GET",
        "list_page": "GET",
        "create": "POST",
        "update": "PUT",
        "partial_update": "PATCH",
        "delete": "DELETE",
    }[operation]


@attrs.frozen
class Case:
    """One retry scenario on the scripted fake server: what it answers, what the SDK must do."""

    operation: Operation
    script: tuple[Reply, ...]
    attempts: int
    waits: tuple[float, ...]
    raises: type[PostHogError] | None = None
    client_options: dict[str, Any] = attrs.field(factory=dict)


# Answers PostHog (and so the mock) never gives, from proxies or other servers in between:
# a 429 whose Retry-After and detail disagree or are missing, a 5xx with Retry-After, a 408.
FAKE_RETRY_CASES = [
    pytest.param(
        Case(RETRIEVE, (throttled(seconds=None, retry_after="3"), ok()), 2, (3.0,)),
        id="get-429-retry-after-header-without-detail",
    ),
    pytest.param(
        Case(RETRIEVE, (throttled(seconds=7), ok()), 2, (7.0,)),
        id="get-429-without-retry-after-waits-detail-seconds",
    ),
    pytest.param(
        Case(RETRIEVE, (throttled(seconds=None), ok()), 2, (0.5,)),
        id="get-429-without-any-hint-backs-off",
    ),
    pytest.param(
        Case(RETRIEVE, (throttled(seconds=3, retry_after="5"), ok()), 2, (5.0,)),
        id="get-429-retry-after-header-beats-detail",
    ),
    pytest.param(
        Case(
            RETRIEVE,
            (attrs.evolve(server_error(503), headers={"Retry-After": "4"}), ok()),
            2,
            (4.0,),
        ),
        id="get-503-retry-after-header-honoured",
    ),
    pytest.param(
        Case(RETRIEVE, (Reply(status=408, body={"detail": "timeout"}), ok()), 2, (0.5,)),
        id="get-408-retried",
    ),
    pytest.param(
        Case(
            CREATE,
            (attrs.evolve(server_error(503), headers={"Retry-After": "1"}), ok(201)),
            1,
            (),
            ServerError,
        ),
        id="post-503-not-retried-even-with-retry-after",
    ),
]


@pytest.mark.parametrize("case", FAKE_RETRY_CASES)
async def test_retry_policy_against_scripted_answers(
    kind: str, fault_server: FaultServer, clock: FakeClock, case: Case
) -> None:
    fault_server.queue(*case.script)
    options = {
        "api_key": "phx_test",
        "host": fault_server.base_url,
        "project_id": 1,
        "timeout": SHORT_TIMEOUT,
        **case.client_options,
    }
    method, args, kwargs = case.operation
    async with open_client(kind, clock=clock, **options) as client:
        if case.raises is None:
            await call(client, method, *args, **kwargs)
        else:
            with pytest.raises(case.raises):
                await call(client, method, *args, **kwargs)
    assert len(fault_server.received) == case.attempts
    assert clock.waits == list(case.waits)


async def test_post_connect_refused_is_retried_because_never_sent(
    kind: str, clock: FakeClock
) -> None:
    # No server can refuse a connection it never accepts: a closed port does.
    async with open_client(kind, clock=clock, api_key="k", host=closed_port_url()) as client:
        with pytest.raises(APIConnectionError) as caught:
            await call(client, "create", CREATE_BODY)
    assert clock.waits == [0.5, 1.0]
    assert caught.type is APIConnectionError
    assert caught.value.method == "POST"
    assert str(caught.value).startswith("ConnectError: ")


def experiment_count(server: MockServer) -> int:
    response = httpx.get(
        f"{server.base_url}/api/projects/{server.project_id}/web_experiments/",
        headers={"Authorization": f"Bearer {server.api_key}"},
    )
    return int(response.json()["count"])


async def test_post_read_timeout_creates_exactly_one_experiment(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    # The create is stored, then the answer never comes: the SDK must not create it again.
    mock_server.add_fault("hang", method="POST", handled=True, times=1)
    async with open_client(kind, clock=clock, **mock_options, timeout=SHORT_TIMEOUT) as client:
        with pytest.raises(APITimeoutError) as caught:
            await call(client, "create", CREATE_BODY)
    assert [r.method for r in mock_server.requests] == ["POST"]
    assert experiment_count(mock_server) == 1
    # httpx words the reason differently for sync ("timed out") and async (nothing).
    message = re.sub(r"^ReadTimeout(: timed out)? ", "ReadTimeout ", str(caught.value))
    assert message == (
        "ReadTimeout (the create may have reached PostHog: list experiments before repeating it)"
        f" [POST {mock_server.base_url}/api/projects/1/web_experiments/]"
    )
    assert mock_server.requests[0].json() == CREATE_BODY


async def test_retried_request_is_resent_identically(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    experiment_id = seeded_experiment(mock_server)
    mock_server.add_fault("status", status=502, times=1)
    mock_server.add_fault("empty", times=1)
    body = {"name": "Renamed", "variants": VARIANTS}
    async with open_client(kind, clock=clock, **mock_options) as client:
        renamed = await call(client, "update", experiment_id, body, max_retries=3)
    assert renamed.name == "Renamed"
    sent = mock_server.requests
    assert [(r.method, r.status, r.fault) for r in sent] == [
        ("PUT", 502, "status"),
        ("PUT", None, "empty"),
        ("PUT", 200, None),
    ]
    assert {r.path for r in sent} == {f"/api/projects/1/web_experiments/{experiment_id}/"}
    assert [r.json() for r in sent] == [body] * 3
    assert {r.headers["authorization"] for r in sent} == {"Bearer phx_…_key"}
    assert {r.headers["user-agent"] for r in sent} == {USER_AGENT}


async def test_per_call_max_retries_overrides_client(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    experiment_id = seeded_experiment(mock_server)
    mock_server.add_fault("status", status=503, times=2)
    async with open_client(kind, clock=clock, **mock_options, max_retries=0) as client:
        experiment = await call(client, "retrieve", experiment_id, max_retries=2)
    assert isinstance(experiment, WebExperiment)
    assert clock.waits == [0.5, 1.0]


async def test_per_call_timeout_overrides_client(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    experiment_id = seeded_experiment(mock_server)
    mock_server.add_fault("delay", seconds=0.3, times=1)
    async with open_client(kind, clock=clock, **mock_options, timeout=0.05) as client:
        experiment = await call(client, "retrieve", experiment_id, timeout=5.0, max_retries=0)
    assert experiment.id == experiment_id


async def test_server_error_after_retries_carries_posthog_fields(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    for status in (500, 502, 503):
        mock_server.add_fault("status", status=status, times=1)
    async with open_client(kind, clock=clock, **mock_options) as client:
        with pytest.raises(ServerError) as caught:
            await call(client, "retrieve", 12)
    error = caught.value
    body = {"type": "server_error", "code": "error", "detail": "A server error occurred."}
    assert error.response.json() == {**body, "attr": None}
    assert (error.status_code, error.type, error.code, error.detail, error.attr) == (
        503,
        body["type"],
        body["code"],
        body["detail"],
        None,
    )
    url = f"{mock_server.base_url}/api/projects/1/web_experiments/12/"
    assert (error.method, error.url) == ("GET", url)
    assert str(error) == f"503 server_error/error: A server error occurred. [GET {url}]"


async def test_rate_limit_error_carries_requested_wait(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    mock_server.add_fault("throttle", retry_after=3)
    async with open_client(kind, clock=clock, **mock_options) as client:
        with pytest.raises(RateLimitError) as caught:
            await call(client, "retrieve", 1, max_retries=0)
    error = caught.value
    assert (error.status_code, error.type, error.code, error.attr) == (
        429,
        "throttled_error",
        "throttled",
        None,
    )
    assert error.detail == "Request was throttled. Expected available in 3 seconds."
    assert error.retry_after == 3.0


def test_backoff_applies_jitter_as_a_fraction_of_the_base() -> None:
    policy = RetryPolicy(initial_backoff=1.0, max_backoff=10.0, jitter=0.25)
    assert [policy.backoff(n, 0.0) for n in range(5)] == [1.0, 2.0, 4.0, 8.0, 10.0]
    assert [policy.backoff(n, 1.0) for n in range(3)] == [0.75, 1.5, 3.0]


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        pytest.param(httpx.Response(503, headers={"Retry-After": "12"}), 12.0, id="seconds"),
        pytest.param(httpx.Response(503, headers={"Retry-After": "1.5"}), 1.5, id="fractional"),
        pytest.param(httpx.Response(503, headers={"Retry-After": "-4"}), 0.0, id="negative"),
        pytest.param(httpx.Response(503, headers={"Retry-After": "soon"}), None, id="garbage"),
        pytest.param(httpx.Response(503, headers={"Retry-After": "inf"}), None, id="infinite"),
        pytest.param(
            httpx.Response(429, json={"detail": "Expected available in 59 seconds."}),
            59.0,
            id="posthog-429-detail",
        ),
        pytest.param(
            httpx.Response(
                429,
                headers={"Retry-After": "nonsense"},
                json={"detail": "Expected available in 4 seconds."},
            ),
            4.0,
            id="bad-header-falls-back-to-detail",
        ),
        pytest.param(
            httpx.Response(503, json={"detail": "Expected available in 4 seconds."}),
            None,
            id="detail-ignored-outside-429",
        ),
        pytest.param(httpx.Response(429, content=b"<html>"), None, id="429-html-body"),
        pytest.param(httpx.Response(429, json=["x"]), None, id="429-list-body"),
    ],
)
def test_server_requested_wait_reads_header_then_detail(
    response: httpx.Response, expected: float | None
) -> None:
    assert server_requested_wait(response) == expected


def test_server_requested_wait_reads_http_date() -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    response = httpx.Response(503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    wait = server_requested_wait(response)
    assert wait is not None
    assert 28.0 <= wait <= 30.0


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"max_retries": -1}, id="negative-retries"),
        pytest.param({"jitter": 1.5}, id="jitter-above-1"),
        pytest.param({"max_total_wait": -0.1}, id="negative-total-wait"),
    ],
)
def test_retry_policy_rejects_invalid_settings(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must be [<>]="):
        RetryPolicy(**options)


@pytest.mark.parametrize(
    ("error", "get_retried", "post_retried"),
    [
        pytest.param(httpx.ConnectError("refused"), True, True, id="connect-error"),
        pytest.param(httpx.ConnectTimeout("slow connect"), True, True, id="connect-timeout"),
        pytest.param(httpx.PoolTimeout("pool full"), True, True, id="pool-timeout"),
        pytest.param(httpx.ReadTimeout("slow read"), True, False, id="read-timeout"),
        pytest.param(httpx.WriteTimeout("slow write"), True, False, id="write-timeout"),
        pytest.param(httpx.ReadError("reset"), True, False, id="read-error"),
        pytest.param(httpx.WriteError("broken pipe"), True, False, id="write-error"),
        pytest.param(httpx.RemoteProtocolError("dropped"), True, False, id="dropped"),
        pytest.param(httpx.UnsupportedProtocol("ftp://"), False, False, id="bad-url-never"),
        pytest.param(httpx.LocalProtocolError("bug"), False, False, id="local-bug-never"),
    ],
)
def test_transport_errors_retried_per_method(
    error: Exception, get_retried: bool, post_retried: bool
) -> None:
    policy = RetryPolicy(jitter=0.0)
    assert (policy.wait_after_error("GET", error, 0, 0.0, 0.5) is not None) is get_retried
    assert (policy.wait_after_error("POST", error, 0, 0.0, 0.5) is not None) is post_retried


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "POST"])
def test_retryable_statuses_per_method(method: str, status: int) -> None:
    response = httpx.Response(status, json={})
    wait = RetryPolicy(jitter=0.0).wait_after_response(method, response, 0, 0.0, 0.0)
    assert (wait is not None) is (method != "POST" or status == 429)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 413, 415, 501])
def test_other_statuses_are_never_retried(status: int) -> None:
    response = httpx.Response(status, json={})
    assert RetryPolicy().wait_after_response("GET", response, 0, 0.0, 0.0) is None


async def test_default_jitter_shortens_waits_by_at_most_a_quarter(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    mock_server.add_fault("status", status=503, times=2)
    async with open_client(kind, clock=clock, **mock_options, retry=RetryPolicy()) as client:
        await call(client, "list_page")
    first, second = clock.waits
    assert 0.375 <= first <= 0.5
    assert 0.75 <= second <= 1.0


async def test_default_sleep_really_waits(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any]
) -> None:
    mock_server.add_fault("status", status=503, times=1)
    policy = RetryPolicy(initial_backoff=0.05, jitter=0.0)
    async with open_client(kind, **mock_options, retry=policy) as client:
        started = time.perf_counter()
        await call(client, "list_page")
        elapsed = time.perf_counter() - started
    assert len(mock_server.requests) == 2
    assert elapsed >= 0.05


async def test_post_server_error_message_says_the_create_may_have_reached_posthog(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    mock_server.add_fault("status", status=502, times=1)
    async with open_client(kind, clock=clock, **mock_options) as client:
        with pytest.raises(ServerError) as caught:
            await call(client, "create", CREATE_BODY)
    assert [r.method for r in mock_server.requests] == ["POST"]
    assert clock.waits == []
    assert str(caught.value) == (
        "502 server_error/error: A server error occurred."
        " (the create may have reached PostHog: list experiments before repeating it)"
        f" [POST {mock_server.base_url}/api/projects/1/web_experiments/]"
    )
    assert caught.value.detail == "A server error occurred."


async def test_get_server_error_message_has_no_create_warning(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    mock_server.add_fault("status", status=502)
    async with open_client(kind, clock=clock, **mock_options, max_retries=0) as client:
        with pytest.raises(ServerError) as caught:
            await call(client, "list_page")
    assert "may have reached" not in str(caught.value)


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(once("empty", handled=True), id="closed-without-answer"),
        pytest.param(once("reset", handled=True), id="connection-reset"),
        pytest.param(once("status", status=502, handled=True), id="502"),
    ],
)
async def test_retried_delete_that_meets_404_has_succeeded(
    kind: str,
    mock_server: MockServer,
    mock_options: dict[str, Any],
    clock: FakeClock,
    first: dict[str, Any],
) -> None:
    # The first attempt deletes for real and its answer is lost: the retry meets a real 404.
    experiment_id = seeded_experiment(mock_server)
    mock_server.add_fault(**first)
    async with open_client(kind, clock=clock, **mock_options) as client:
        result = await call(client, "delete", experiment_id)
    assert result is None
    assert [(r.method, r.status) for r in mock_server.requests] == [
        ("DELETE", first.get("status")),
        ("DELETE", 404),
    ]
    assert clock.waits == [0.5]


async def test_delete_404_on_the_first_attempt_raises_not_found(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    async with open_client(kind, clock=clock, **mock_options) as client:
        with pytest.raises(NotFoundError) as caught:
            await call(client, "delete", 7)
    assert caught.value.detail == "Not found."


async def test_delete_404_after_a_throttled_attempt_raises_not_found(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    # A 429 is answered before the handler runs: the first attempt deleted nothing.
    mock_server.add_fault("throttle", retry_after=1, times=1)
    async with open_client(kind, clock=clock, **mock_options) as client:
        with pytest.raises(NotFoundError):
            await call(client, "delete", 7)
    assert clock.waits == [1.0]
