"""Lazy pagination: follows ``next``, one page in memory, never leaves the client's host."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from posthog_web_experiments import PaginatedWebExperimentList, WebExperiment
from posthog_web_experiments._pagination import next_offset

from .conftest import call, collect, open_client
from .fault_server import STD_EXPERIMENT

pytestmark = pytest.mark.anyio

HOST = "http://posthog.test"


class FakeList:
    """Serves ``total`` experiments with PostHog's limit/offset rules and absolute links."""

    def __init__(self, total: int, link_host: str = HOST) -> None:
        self.total = total
        self.link_host = link_host
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        query = parse_qs(request.url.query.decode())
        limit = int(query.get("limit", ["100"])[0])
        offset = int(query.get("offset", ["0"])[0])
        ids = range(self.total - offset, max(self.total - offset - limit, 0), -1)
        base = f"{self.link_host}/api/projects/1/web_experiments/"
        following = offset + limit
        body = {
            "count": self.total,
            "next": f"{base}?limit={limit}&offset={following}" if following < self.total else None,
            "previous": None,
            "results": [{**STD_EXPERIMENT, "id": i} for i in ids],
        }
        return httpx.Response(200, json=body)


@pytest.mark.parametrize(("total", "limit", "pages"), [(0, 7, 1), (7, 7, 1), (250, 7, 36)])
async def test_iter_experiments_walks_every_page_lazily(
    kind: str, total: int, limit: int, pages: int
) -> None:
    fake = FakeList(total)
    async with open_client(kind, handler=fake, api_key="k", host=HOST, project_id=1) as client:
        iterator = client.iter_experiments(limit=limit)
        assert fake.requests == []  # nothing fetched before iteration starts
        experiments = await collect(iterator)
    assert [e.id for e in experiments] == list(range(total, 0, -1))
    assert len(fake.requests) == pages
    assert {r.url.params["limit"] for r in fake.requests} == {str(limit)}


async def test_iter_pages_starts_at_offset_and_yields_pages(kind: str) -> None:
    fake = FakeList(20)
    async with open_client(kind, handler=fake, api_key="k", host=HOST, project_id=1) as client:
        pages = await collect(client.iter_pages(limit=5, offset=10))
    assert [len(page.results) for page in pages] == [5, 5]
    assert [r.url.params["offset"] for r in fake.requests] == ["10", "15"]


async def test_next_link_host_is_never_contacted(kind: str) -> None:
    fake = FakeList(10, link_host="http://attacker.example")
    async with open_client(kind, handler=fake, api_key="k", host=HOST, project_id=1) as client:
        experiments = await collect(client.iter_experiments(limit=3))
    assert len(experiments) == 10
    assert {r.url.host for r in fake.requests} == {"posthog.test"}


async def test_list_page_returns_the_generated_page_model(kind: str) -> None:
    fake = FakeList(3)
    async with open_client(kind, handler=fake, api_key="k", host=HOST, project_id=1) as client:
        page = await call(client, "list_page", limit=1, offset=1)
    assert isinstance(page, PaginatedWebExperimentList)
    assert (page.count, page.next_, [e.id for e in page.results]) == (
        3,
        f"{HOST}/api/projects/1/web_experiments/?limit=1&offset=2",
        [2],
    )


def page(next_: str | None, results: int = 2) -> PaginatedWebExperimentList:
    body: dict[str, Any] = {
        "count": 100,
        "next": next_,
        "previous": None,
        "results": [STD_EXPERIMENT] * results,
    }
    return PaginatedWebExperimentList.from_dict(body)


@pytest.mark.parametrize(
    ("current", "offset", "expected"),
    [
        pytest.param(page(None), 0, None, id="last-page"),
        pytest.param(page("http://h/?limit=2&offset=2"), 0, 2, id="offset-from-link"),
        pytest.param(page("http://h/?limit=2"), 4, 6, id="link-without-offset-counts-results"),
        pytest.param(page("http://h/?offset=abc"), 4, 6, id="garbled-offset-counts-results"),
        pytest.param(page("http://h/?offset=4"), 4, None, id="link-not-advancing-stops"),
        pytest.param(page("http://h/?offset=8", results=0), 4, None, id="empty-page-stops"),
    ],
)
def test_next_offset_follows_link_safely(
    current: PaginatedWebExperimentList, offset: int, expected: int | None
) -> None:
    assert next_offset(current, offset) == expected


async def test_experiments_of_pages_already_read_are_released(kind: str) -> None:
    fake = FakeList(30)
    refs: list[weakref.ref[WebExperiment]] = []
    leaked: list[int] = []

    def observe(experiment: WebExperiment) -> None:
        index = len(refs)
        if index % 5 == 0:  # first item of a page: every earlier page must be gone
            gc.collect()
            leaked.extend(i for i, ref in enumerate(refs) if ref() is not None)
        refs.append(weakref.ref(experiment))

    async with open_client(kind, handler=fake, api_key="k", host=HOST, project_id=1) as client:
        iterator = client.iter_experiments(limit=5)
        if isinstance(iterator, Iterator):
            for experiment in iterator:
                observe(experiment)
                del experiment
        else:
            async for experiment in iterator:
                observe(experiment)
                del experiment
    assert (len(refs), leaked) == (30, [])
