"""An SDK you can observe: raw responses, retry and httpx hooks, strict reading; sync and async."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from posthog_mock.testing import MockServer
from posthog_web_experiments import (
    AsyncPostHogWebExperiments,
    ConfigurationError,
    PaginatedWebExperimentList,
    PostHogWebExperiments,
    RawResponse,
    RetryEvent,
    StrictResponseError,
    WebExperiment,
)
from posthog_web_experiments._strict import CLOSED_MODELS

from .conftest import FakeClock, call, open_client
from .fault_server import STD_EXPERIMENT

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
BODY = {"name": "Observed", "variants": {"control": {"rollout_percentage": 100}}}
PAGE = {"count": 1, "next": None, "previous": None, "results": [STD_EXPERIMENT]}


async def test_raw_response_shows_status_headers_attempts_and_elapsed(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    async with open_client(kind, clock=clock, **mock_options) as client:
        created = await call(client, "create", BODY)
        mock_server.add_fault("status", status=503, times=2)
        raw = await call(client.with_raw_response, "retrieve", created.id)

    assert isinstance(raw, RawResponse)
    assert isinstance(raw.parsed, WebExperiment)
    assert raw.parsed.id == created.id
    assert (raw.status_code, raw.attempts) == (200, 3)
    assert raw.headers["content-type"] == "application/json"
    assert raw.http_response.request.method == "GET"
    assert raw.elapsed > 0


@pytest.mark.parametrize(
    ("method", "args", "status", "model"),
    [
        pytest.param("create", (BODY,), 201, WebExperiment, id="create"),
        pytest.param("list_page", (), 200, PaginatedWebExperimentList, id="list_page"),
    ],
)
async def test_raw_response_for_each_call(
    kind: str,
    mock_options: dict[str, Any],
    method: str,
    args: tuple[Any, ...],
    status: int,
    model: type,
) -> None:
    async with open_client(kind, **mock_options) as client:
        raw = await call(client.with_raw_response, method, *args)

    assert (raw.status_code, raw.attempts, type(raw.parsed)) == (status, 1, model)


async def test_raw_response_of_update_partial_update_and_delete(
    kind: str, mock_options: dict[str, Any]
) -> None:
    async with open_client(kind, **mock_options) as client:
        created = await call(client, "create", BODY)
        raw_calls = client.with_raw_response
        updated = await call(raw_calls, "update", created.id, {**BODY, "name": "Put"})
        patch = {"variants": BODY["variants"]}
        patched = await call(raw_calls, "partial_update", created.id, patch)
        deleted = await call(raw_calls, "delete", created.id)

    assert (updated.status_code, updated.parsed.name) == (200, "Put")
    assert patched.status_code == 200
    assert (deleted.status_code, deleted.parsed, deleted.attempts) == (204, None, 1)


async def test_on_retry_reports_attempt_delay_and_reason(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any], clock: FakeClock
) -> None:
    events: list[RetryEvent] = []
    mock_server.add_fault("status", status=503, times=1)
    mock_server.add_fault("empty", times=1)
    mock_server.add_fault("throttle", retry_after=4, times=1)
    async with open_client(
        kind, clock=clock, **mock_options, on_retry=events.append, max_retries=3
    ) as client:
        await call(client, "list_page")

    url = f"{mock_server.base_url}/api/projects/1/web_experiments/"
    assert [(e.method, e.url, e.attempt, e.delay, e.reason, e.status_code) for e in events] == [
        ("GET", url, 1, 0.5, "503 Service Unavailable", 503),
        ("GET", url, 2, 1.0, "RemoteProtocolError", None),
        ("GET", url, 3, 4.0, "429 Too Many Requests", 429),
    ]
    assert isinstance(events[1].error, httpx.RemoteProtocolError)
    assert clock.waits == [0.5, 1.0, 4.0]


async def test_no_retry_event_when_nothing_is_retried(
    kind: str, mock_server: MockServer, mock_options: dict[str, Any]
) -> None:
    events: list[RetryEvent] = []
    async with open_client(kind, **mock_options, on_retry=events.append) as client:
        await call(client, "list_page")
    assert events == []


def test_event_hooks_see_every_attempt(
    mock_server: MockServer, mock_options: dict[str, Any]
) -> None:
    seen: list[str] = []
    hooks = {
        "request": [lambda request: seen.append(f"> {request.method}")],
        "response": [lambda response: seen.append(f"< {response.status_code}")],
    }
    mock_server.add_fault("status", status=502, times=1)
    with PostHogWebExperiments(**mock_options, event_hooks=hooks, sleep=lambda _: None) as client:
        client.list_page()

    assert seen == ["> GET", "< 502", "> GET", "< 200"]


async def test_async_event_hooks_see_every_attempt(
    mock_server: MockServer, mock_options: dict[str, Any]
) -> None:
    seen: list[str] = []

    async def on_request(request: httpx.Request) -> None:
        seen.append(f"> {request.method}")

    async def on_response(response: httpx.Response) -> None:
        seen.append(f"< {response.status_code}")

    async def no_sleep(_: float) -> None:
        return None

    mock_server.add_fault("status", status=504, times=1)
    hooks: dict[str, list[Callable[..., Any]]] = {
        "request": [on_request],
        "response": [on_response],
    }
    async with AsyncPostHogWebExperiments(
        **mock_options, event_hooks=hooks, sleep=no_sleep
    ) as client:
        await client.list_page()

    assert seen == ["> GET", "< 504", "> GET", "< 200"]


def test_event_hooks_with_a_callers_http_client_are_refused() -> None:
    with httpx.Client() as http, pytest.raises(ConfigurationError, match="event_hooks"):
        PostHogWebExperiments(api_key="k", http_client=http, event_hooks={"request": []})


async def test_strict_mode_accepts_what_the_mock_answers(
    kind: str, mock_options: dict[str, Any]
) -> None:
    variants = {
        "control": {"rollout_percentage": 50, "transforms": [{"selector": "h1", "text": "A"}]},
        "test": {"rollout_percentage": 50, "custom": {"any": ["thing"]}},
    }
    async with open_client(kind, **mock_options, strict=True) as client:
        created = await call(client, "create", {"name": "Strict", "variants": variants})
        await call(client, "retrieve", created.id)
        page = await call(client, "list_page")
    assert page.count == 1


def answer(body: Any) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    return handler


@pytest.mark.parametrize(
    ("method", "body", "where", "problem"),
    [
        pytest.param(
            "retrieve",
            {**STD_EXPERIMENT, "archived": False},
            "response",
            "field 'archived' is not in the spec",
            id="undeclared-field",
        ),
        pytest.param(
            "retrieve",
            {**STD_EXPERIMENT, "id": "7"},
            "response.id",
            "'7' (str) is not int",
            id="string-id",
        ),
        pytest.param(
            "retrieve",
            {**STD_EXPERIMENT, "id": True},
            "response.id",
            "True (bool) is not int",
            id="boolean-id",
        ),
        pytest.param(
            "list_page",
            {**PAGE, "results": [{**STD_EXPERIMENT, "name": 5}]},
            "response.results[0].name",
            "5 (int) is not str",
            id="nested-type",
        ),
        pytest.param(
            "list_page",
            {**PAGE, "next": 3},
            "response.next_",
            "3 (int) is not null or str",
            id="nullable-link",
        ),
        pytest.param(
            "list_page",
            {**PAGE, "total": 1},
            "response",
            "field 'total' is not in the spec",
            id="undeclared-page-field",
        ),
    ],
)
async def test_strict_mode_raises_naming_the_place(
    kind: str, method: str, body: Any, where: str, problem: str
) -> None:
    # The mock answers what the spec says: an answer off the spec needs a scripted transport.
    args = (1,) if method == "retrieve" else ()
    async with open_client(kind, api_key="k", handler=answer(body), strict=True) as client:
        with pytest.raises(StrictResponseError) as caught:
            await call(client, method, *args)
        lenient = await call(client.with_options(strict=False), method, *args)

    assert (caught.value.where, caught.value.problem) == (where, problem)
    assert caught.value.status_code == 200
    assert f"Response does not match the spec at {where}: {problem}" in str(caught.value)
    assert lenient is not None


async def test_strict_mode_keeps_free_form_variant_keys(kind: str) -> None:
    variants = {"control": {"rollout_percentage": "50", "anything": [1, {"x": None}]}}
    body = {**STD_EXPERIMENT, "variants": variants}
    async with open_client(kind, api_key="k", handler=answer(body), strict=True) as client:
        experiment = await call(client, "retrieve", 1)
    assert experiment.variants["control"]["anything"] == [1, {"x": None}]


def test_closed_models_are_the_response_schemas_without_additional_properties() -> None:
    schemas = yaml.safe_load((ROOT / "openapi.yaml").read_text())["components"]["schemas"]
    reachable: set[str] = set()
    pending = ["WebExperiment", "PaginatedWebExperimentList"]
    while pending:
        name = pending.pop()
        if name in reachable:
            continue
        reachable.add(name)
        pending += [ref.rsplit("/", 1)[1] for ref in _refs(schemas[name])]
    closed = {
        name
        for name in reachable
        if "properties" in schemas[name] and schemas[name].get("additionalProperties") is not True
    }

    assert closed == {model.__name__ for model in CLOSED_MODELS}


def _refs(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        found = [schema["$ref"]] if "$ref" in schema else []
        return found + [ref for value in schema.values() for ref in _refs(value)]
    if isinstance(schema, list):
        return [ref for value in schema for ref in _refs(value)]
    return []
