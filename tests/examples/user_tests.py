"""A user's test file: only the plugin's documented fixtures, whichever way the mock runs."""

import httpx
import pytest

from posthog_mock.testing import MockControls, MockServerError
from posthog_web_experiments import (
    AsyncPostHogWebExperiments,
    NotFoundError,
    PostHogWebExperiments,
    ServerError,
    VariantParam,
)

CONTROL_ONLY: dict[str, VariantParam] = {"control": {"rollout_percentage": 100}}
HALF_AND_HALF: dict[str, VariantParam] = {
    "control": {"rollout_percentage": 50},
    "test": {"rollout_percentage": 50},
}


def test_create_list_delete(posthog_client: PostHogWebExperiments) -> None:
    created = posthog_client.create({"name": "Checkout", "variants": CONTROL_ONLY})
    assert [e.name for e in posthog_client.iter_experiments()] == ["Checkout"]
    posthog_client.delete(created.id)
    with pytest.raises(NotFoundError):
        posthog_client.retrieve(created.id)


def test_each_test_starts_empty(posthog_client: PostHogWebExperiments) -> None:
    assert posthog_client.list_page().count == 0


@pytest.mark.anyio
async def test_async_client(
    posthog_async_client: AsyncPostHogWebExperiments, posthog_mock: MockControls
) -> None:
    created = await posthog_async_client.create({"name": "Async", "variants": CONTROL_ONLY})
    assert [e.id async for e in posthog_async_client.iter_experiments()] == [created.id]
    posthog_mock.assert_requested("POST", "*/web_experiments/", json_contains={"name": "Async"})


def test_seed_then_read(posthog_mock: MockControls, posthog_client: PostHogWebExperiments) -> None:
    posthog_mock.seed(
        {"name": "Old", "variants": CONTROL_ONLY, "created_at": "2024-01-01T00:00:00Z"},
        {"name": "New", "variants": HALF_AND_HALF, "feature_flag_key": "new-headline"},
    )
    experiments = list(posthog_client.iter_experiments())
    assert [e.name for e in experiments] == ["New", "Old"]
    assert experiments[0].feature_flag_key == "new-headline"
    assert experiments[1].created_at.year == 2024


def test_seed_with_a_bad_variant_stores_nothing(
    posthog_mock: MockControls, posthog_client: PostHogWebExperiments
) -> None:
    with pytest.raises(MockServerError) as refused:
        posthog_mock.seed(
            {"name": "Good", "variants": CONTROL_ONLY},
            {"name": "Bad", "variants": {"test": {"rollout_percentage": 100}}},
        )
    assert str(refused.value) == (
        "seed refused: [1].variants: Experiment should contain a control variant"
    )
    assert posthog_client.list_page().count == 0


def test_stub_answers_once_then_the_mock_answers(
    posthog_mock: MockControls, posthog_client: PostHogWebExperiments
) -> None:
    posthog_mock.stub("GET", "/api/projects/*/web_experiments/", status=503, json={"detail": "x"})
    with posthog_mock.http_client() as http:
        assert http.get("/api/projects/@current/web_experiments/").status_code == 503
        assert http.get("/api/projects/@current/web_experiments/").status_code == 200
    assert [r.status for r in posthog_mock.requests] == [503, 200]


def test_stub_without_a_status_is_refused(posthog_mock: MockControls) -> None:
    with pytest.raises(MockServerError) as refused:
        posthog_mock.stub("GET", "/api/projects/*/web_experiments/", json={"count": 0})
    assert str(refused.value) == (
        "stub refused: status: is required (the status code to answer, 200 to 599)"
    )
    assert posthog_mock.stubs == []


def test_sdk_retries_a_fault(
    posthog_mock: MockControls, posthog_client: PostHogWebExperiments
) -> None:
    posthog_mock.add_fault("status", status=503, times=1, method="GET", route="list")
    assert posthog_client.list_page().count == 0
    assert [r.status for r in posthog_mock.requests] == [503, 200]


def test_sdk_gives_up_on_persistent_errors(
    posthog_mock: MockControls, posthog_client: PostHogWebExperiments
) -> None:
    with posthog_mock.fault("status", status=500), pytest.raises(ServerError):
        posthog_client.list_page(max_retries=0)


def test_a_reset_connection_is_a_transport_error(posthog_mock: MockControls) -> None:
    posthog_mock.add_fault("reset", times=1)
    with posthog_mock.http_client() as http, pytest.raises(httpx.TransportError):
        http.get("/api/projects/@current/web_experiments/")


def test_a_hang_times_out(posthog_mock: MockControls) -> None:
    posthog_mock.add_fault("hang", times=1)
    with posthog_mock.http_client(timeout=0.2) as http, pytest.raises(httpx.ReadTimeout):
        http.get("/api/projects/@current/web_experiments/")


def test_matchers_and_order(
    posthog_mock: MockControls, posthog_client: PostHogWebExperiments
) -> None:
    created = posthog_client.create({"name": "Ordered", "variants": HALF_AND_HALF})
    posthog_client.partial_update(created.id, {"name": "Renamed", "variants": HALF_AND_HALF})
    posthog_client.list_page(limit=5)
    posthog_mock.assert_requested(
        "POST",
        "*/web_experiments/",
        json_contains={"variants": {"test": {"rollout_percentage": 50}}},
        headers={"Content-Type": "application/json"},
        count=1,
    )
    posthog_mock.assert_requested("GET", "*/web_experiments/", query={"limit": 5})
    posthog_mock.assert_requested_in_order(
        ("POST", "*/web_experiments/"),
        {"method": "PATCH", "path": "*/web_experiments/*", "json_contains": {"name": "Renamed"}},
        ("GET", "*/web_experiments/"),
    )


def test_a_failed_match_names_the_closest_request(
    posthog_mock: MockControls, posthog_client: PostHogWebExperiments
) -> None:
    posthog_client.create({"name": "Typo", "variants": CONTROL_ONLY})
    with pytest.raises(AssertionError) as failed:
        posthog_mock.assert_requested("POST", "*/web_experiments/", json_contains={"name": "Type"})
    message = str(failed.value)
    assert "Closest: 1. POST /api/projects/" in message
    assert '  - name: expected "Type", got "Typo"' in message
