"""The public API as a ``mypy --strict`` user sees it: exact types, checked statically and run."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from typing import assert_type

import httpx
import pytest

from posthog_web_experiments import (
    APIError,
    AsyncPostHogWebExperiments,
    PaginatedWebExperimentList,
    PostHogWebExperiments,
    RateLimitError,
    WebExperiment,
    WebExperimentCreateParams,
    WebExperimentPartialUpdateParams,
    WebExperimentUpdateParams,
)

from .fault_server import STD_EXPERIMENT

pytestmark = pytest.mark.anyio

PAGE = {"count": 1, "next": None, "previous": None, "results": [STD_EXPERIMENT]}


def answer(request: httpx.Request) -> httpx.Response:
    if request.method == "DELETE":
        return httpx.Response(204)
    if request.url.path.endswith("/web_experiments/") and request.method == "GET":
        return httpx.Response(200, json=PAGE)
    return httpx.Response(201 if request.method == "POST" else 200, json=STD_EXPERIMENT)


BODY: WebExperimentCreateParams = {
    "name": "n",
    "variants": {"control": {"rollout_percentage": 100}},
}
PUT_BODY: WebExperimentUpdateParams = {
    "name": "n",
    "variants": {"control": {"rollout_percentage": 100}},
}
PATCH_BODY: WebExperimentPartialUpdateParams = {
    "variants": {"control": {"rollout_percentage": 100}}
}


def test_sync_surface_types() -> None:
    transport = httpx.MockTransport(answer)
    with PostHogWebExperiments(
        api_key="k", host="http://h", http_client=httpx.Client(transport=transport)
    ) as client:
        assert_type(client, PostHogWebExperiments)
        assert_type(client.create(BODY), WebExperiment)
        assert_type(client.retrieve(1, timeout=1.0, max_retries=0), WebExperiment)
        assert_type(client.update(1, PUT_BODY, project_id=2), WebExperiment)
        assert_type(client.partial_update(1, PATCH_BODY), WebExperiment)
        assert_type(client.list_page(limit=1, offset=0), PaginatedWebExperimentList)
        assert_type(client.iter_pages(limit=1), Iterator[PaginatedWebExperimentList])
        assert_type(client.iter_experiments(limit=1), Iterator[WebExperiment])
        assert_type(client.delete(1), None)
        assert_type(client.with_options(max_retries=0), PostHogWebExperiments)
        assert [e.id for e in client.iter_experiments()] == [1]


async def test_async_surface_types() -> None:
    transport = httpx.MockTransport(answer)
    async with AsyncPostHogWebExperiments(
        api_key="k", host="http://h", http_client=httpx.AsyncClient(transport=transport)
    ) as client:
        assert_type(client, AsyncPostHogWebExperiments)
        assert_type(await client.create(BODY), WebExperiment)
        assert_type(await client.retrieve(1, timeout=1.0, max_retries=0), WebExperiment)
        assert_type(await client.update(1, PUT_BODY, project_id=2), WebExperiment)
        assert_type(await client.partial_update(1, PATCH_BODY), WebExperiment)
        assert_type(await client.list_page(limit=1, offset=0), PaginatedWebExperimentList)
        assert_type(client.iter_pages(limit=1), AsyncIterator[PaginatedWebExperimentList])
        assert_type(client.iter_experiments(limit=1), AsyncIterator[WebExperiment])
        assert_type(await client.delete(1), None)
        assert_type(client.with_options(max_retries=0), AsyncPostHogWebExperiments)
        assert [e.id async for e in client.iter_experiments()] == [1]


def test_error_attributes_types() -> None:
    response = httpx.Response(
        429,
        json={"type": "throttled_error", "code": "throttled", "detail": "d", "attr": None},
        request=httpx.Request("GET", "http://h/x"),
    )
    error = RateLimitError(response, None, "d")
    assert isinstance(error, APIError)
    assert_type(error.status_code, int)
    assert_type(error.type, str | None)
    assert_type(error.code, str | None)
    assert_type(error.detail, str)
    assert_type(error.attr, str | None)
    assert_type(error.method, str)
    assert_type(error.url, str)
    assert_type(error.response, httpx.Response)
    assert_type(error.retry_after, float | None)


def public_methods(cls: type[object]) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_") or name == "__init__"
    }


def test_sync_and_async_clients_have_the_same_surface() -> None:
    sync = public_methods(PostHogWebExperiments)
    async_ = public_methods(AsyncPostHogWebExperiments)
    assert sorted(sync) == sorted(async_)
    for name, signature in sync.items():
        other = async_[name]
        assert list(signature.parameters) == list(other.parameters), name
        sync_defaults = {
            k: p.default
            for k, p in signature.parameters.items()
            if k not in {"http_client", "sleep"}
        }
        async_defaults = {
            k: p.default for k, p in other.parameters.items() if k not in {"http_client", "sleep"}
        }
        assert sync_defaults == async_defaults, name
