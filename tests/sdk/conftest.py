"""Fixtures for the SDK tests: the fault-injecting server, the mock server, sync/async clients."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

import attrs
import httpx
import pytest

from posthog_mock.testing import MockServer
from posthog_web_experiments import (
    AsyncPostHogWebExperiments,
    PostHogWebExperiments,
    RetryPolicy,
)

from .fault_server import FaultServer, run_fault_server

AnyClient = PostHogWebExperiments | AsyncPostHogWebExperiments
T = TypeVar("T")

# Deterministic backoff for assertions: 0.5, 1.0, 2.0 ... seconds.
NO_JITTER = RetryPolicy(jitter=0.0)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """Run a test once with the sync client and once with the async one."""
    return cast(str, request.param)


@attrs.define
class FakeClock:
    """Records the waits the SDK asks for instead of sleeping."""

    waits: list[float] = attrs.field(factory=list)

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    with run_fault_server() as server:
        yield server


@asynccontextmanager
async def open_client(
    kind: str,
    *,
    clock: FakeClock | None = None,
    handler: Callable[[httpx.Request], httpx.Response] | None = None,
    **options: Any,
) -> AsyncIterator[AnyClient]:
    """Open the sync or async client with the same options; both are closed afterwards.

    ``handler`` answers requests in-process through ``httpx.MockTransport`` instead of a socket.
    """
    options.setdefault("retry", NO_JITTER)
    transport = httpx.MockTransport(handler) if handler is not None else None
    if kind == "sync":
        if clock is not None:
            options["sleep"] = clock.sleep
        with contextlib.ExitStack() as stack:
            if transport is not None:
                options["http_client"] = stack.enter_context(httpx.Client(transport=transport))
            with PostHogWebExperiments(**options) as client:
                yield client
    else:
        if clock is not None:
            options["sleep"] = clock.asleep
        async with contextlib.AsyncExitStack() as astack:
            if transport is not None:
                options["http_client"] = await astack.enter_async_context(
                    httpx.AsyncClient(transport=transport)
                )
            async with AsyncPostHogWebExperiments(**options) as async_client:
                yield async_client


async def call(client: object, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call a client (or `with_raw_response`) method by name, awaiting it when async."""
    result = getattr(client, method)(*args, **kwargs)
    if inspect.isawaitable(result):
        return await result
    return result


async def collect(items: Iterator[T] | AsyncIterator[T]) -> list[T]:
    """Drain a sync or async iterator into a list."""
    if isinstance(items, Iterator):
        return list(items)
    return [item async for item in items]


def api_key_of(server: MockServer) -> str:
    """The mock's configured key (always set for the configurations used here)."""
    assert server.api_key is not None
    return server.api_key


@pytest.fixture(scope="session")
def mock_server_session(posthog_mock_server: MockServer) -> MockServer:
    """One mock server for the whole session (the pytest plugin's)."""
    return posthog_mock_server


@pytest.fixture
def mock_server(posthog_mock: MockServer) -> MockServer:
    """The session's mock server, emptied before each test (the plugin's `posthog_mock`)."""
    return posthog_mock


LIMITS_CONFIG = """
[server]
rate_limit = true

[[projects]]
id = 1

[[projects]]
id = 2
accessible = false

[[keys]]
value = "phx_sdk_full"
scopes = ["*"]

[[keys]]
value = "phx_sdk_read_only"
scopes = ["experiment:read"]
"""


@pytest.fixture(scope="session")
def limited_mock_session(posthog_mock_factory: Callable[..., MockServer]) -> MockServer:
    """A mock with rate limiting on, a read-only key and an inaccessible project 2."""
    return posthog_mock_factory(config=LIMITS_CONFIG)


@pytest.fixture
def limited_mock(limited_mock_session: MockServer) -> MockServer:
    """The limited mock, emptied (and its rate-limit history forgotten) before each test."""
    limited_mock_session.reset()
    return limited_mock_session


@pytest.fixture
def mock_options(mock_server: MockServer) -> dict[str, Any]:
    """Client arguments pointing at the mock server."""
    return {
        "api_key": api_key_of(mock_server),
        "host": mock_server.base_url,
        "project_id": mock_server.project_id,
    }
