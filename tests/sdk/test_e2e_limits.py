"""End to end against a mock with scopes, project access and rate limiting switched on."""

from __future__ import annotations

from typing import Any

import pytest

from posthog_mock.testing import MockServer
from posthog_web_experiments import (
    APIError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
)

from .conftest import FakeClock, call, open_client

pytestmark = pytest.mark.anyio

CONTROL_ONLY: dict[str, Any] = {"control": {"rollout_percentage": 100}}
BURST_LIMIT = 480


def permission_denied(detail: str) -> dict[str, Any]:
    return {
        "type": "authentication_error",
        "code": "permission_denied",
        "detail": detail,
        "attr": None,
    }


@pytest.mark.parametrize(
    ("key", "project_id", "method", "args", "body"),
    [
        pytest.param(
            "phx_sdk_read_only",
            1,
            "create",
            ({"name": "x", "variants": CONTROL_ONLY},),
            permission_denied("API key missing required scope 'experiment:write'"),
            id="403-scope-missing",
        ),
        pytest.param(
            "phx_sdk_full",
            2,
            "list_page",
            (),
            permission_denied("You don't have access to the project."),
            id="403-project-not-accessible",
        ),
    ],
)
async def test_forbidden_calls_raise_permission_denied_error(
    kind: str,
    limited_mock: MockServer,
    key: str,
    project_id: int,
    method: str,
    args: tuple[Any, ...],
    body: dict[str, Any],
) -> None:
    async with open_client(
        kind, api_key=key, host=limited_mock.base_url, project_id=project_id
    ) as client:
        with pytest.raises(APIError) as caught:
            await call(client, method, *args)
    error = caught.value
    assert type(error) is PermissionDeniedError
    assert error.response.json() == body
    assert (error.status_code, error.type, error.code, error.detail, error.attr) == (
        403,
        body["type"],
        body["code"],
        body["detail"],
        None,
    )


async def test_throttled_call_waits_the_seconds_in_posthogs_detail(
    kind: str, limited_mock: MockServer, clock: FakeClock
) -> None:
    async with open_client(
        kind,
        clock=clock,
        api_key="phx_sdk_full",
        host=limited_mock.base_url,
        project_id=1,
        retry=RetryPolicy(jitter=0.0, max_retries=1, max_total_wait=3600.0),
    ) as client:
        for _ in range(BURST_LIMIT):
            await call(client, "list_page", limit=1, max_retries=0)
        with pytest.raises(RateLimitError) as caught:
            await call(client, "list_page", limit=1)
    error = caught.value
    # PostHog sends the wait twice: in Retry-After and in the detail (recorded, parity/).
    assert float(error.response.headers["Retry-After"]) == error.retry_after
    assert (error.status_code, error.type, error.code, error.attr) == (
        429,
        "throttled_error",
        "throttled",
        None,
    )
    assert error.detail.startswith("Request was throttled. Expected available in ")
    assert error.retry_after is not None
    assert 0 < error.retry_after <= 60
    # One retry after exactly the advertised wait (the fake clock did not really wait).
    assert len(clock.waits) == 1
    assert 0 < clock.waits[0] <= 60
