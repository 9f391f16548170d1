"""Fixtures: the pytest plugin's mocks (real HTTP on free ports, real SQLite files), by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from posthog_mock.testing import MockServer
from tests.mock.helpers import MULTI_CONFIG


@pytest.fixture(scope="session")
def default_server(posthog_mock_server: MockServer) -> MockServer:
    """One server with the built-in defaults for the whole session (the plugin's)."""
    return posthog_mock_server


@pytest.fixture(scope="session")
def multi_server(posthog_mock_factory: Callable[..., MockServer]) -> MockServer:
    """A server with three projects and keys of every kind."""
    return posthog_mock_factory(config=MULTI_CONFIG)


@pytest.fixture(scope="session")
def strict_server(posthog_mock_factory: Callable[..., MockServer]) -> MockServer:
    """A server with the built-in defaults in strict mode (a 400 where PostHog answers 500)."""
    return posthog_mock_factory(strict=True)


@pytest.fixture(scope="session")
def recorded_server(posthog_mock_factory: Callable[..., MockServer]) -> MockServer:
    """A server answering as the recorded PostHog, `2025-08`."""
    return posthog_mock_factory(posthog_version="2025-08")


def _session_client(server: MockServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with loopback_client(server, headers) as http:
        yield http


@pytest.fixture(scope="session")
def _strict_client(strict_server: MockServer) -> Iterator[httpx.Client]:
    yield from _session_client(strict_server)


@pytest.fixture(scope="session")
def _recorded_client(recorded_server: MockServer) -> Iterator[httpx.Client]:
    yield from _session_client(recorded_server)


@pytest.fixture
def strict_client(strict_server: MockServer, _strict_client: httpx.Client) -> httpx.Client:
    """An authenticated client for the (freshly reset) strict server."""
    strict_server.reset()
    return _strict_client


@pytest.fixture
def recorded_client(recorded_server: MockServer, _recorded_client: httpx.Client) -> httpx.Client:
    """An authenticated client for the (freshly reset) `2025-08` server."""
    recorded_server.reset()
    return _recorded_client


@pytest.fixture
def server(posthog_mock: MockServer) -> MockServer:
    """The default server, emptied before the test (the plugin's `posthog_mock`)."""
    return posthog_mock


@pytest.fixture
def multi(multi_server: MockServer) -> MockServer:
    """The multi-project server, emptied before the test."""
    multi_server.reset()
    return multi_server


def loopback_client(server: MockServer, headers: dict[str, str] | None = None) -> httpx.Client:
    """An httpx client for a loopback server (no CA bundle: plain HTTP only)."""
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=30, verify=False)


@pytest.fixture(scope="session")
def _default_clients(default_server: MockServer) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    headers = {"Authorization": f"Bearer {default_server.api_key}"}
    with loopback_client(default_server, headers) as auth, loopback_client(default_server) as anon:
        yield auth, anon


@pytest.fixture(scope="session")
def _multi_client(multi_server: MockServer) -> Iterator[httpx.Client]:
    with loopback_client(multi_server) as http:
        yield http


@pytest.fixture
def client(server: MockServer, _default_clients: tuple[httpx.Client, httpx.Client]) -> httpx.Client:
    """An authenticated client for the (freshly reset) default server."""
    return _default_clients[0]


@pytest.fixture
def anon(server: MockServer, _default_clients: tuple[httpx.Client, httpx.Client]) -> httpx.Client:
    """A client without credentials for the (freshly reset) default server."""
    return _default_clients[1]


@pytest.fixture
def multi_client(multi: MockServer, _multi_client: httpx.Client) -> httpx.Client:
    """A client without default credentials for the (freshly reset) multi-project server."""
    return _multi_client
