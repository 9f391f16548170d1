"""Fixtures: real `python -m posthog_mock` subprocesses on free ports with real SQLite files."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from posthog_mock.testing import MockServer
from tests.mock.helpers import MULTI_CONFIG


@pytest.fixture(scope="session")
def default_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    """One server with the built-in defaults for the whole session."""
    db = tmp_path_factory.mktemp("default") / "mock.sqlite3"
    with MockServer.start(db_path=db) as server:
        yield server


@pytest.fixture(scope="session")
def multi_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    """A server with three projects and keys of every kind."""
    folder = tmp_path_factory.mktemp("multi")
    config = folder / "mock.toml"
    config.write_text(MULTI_CONFIG)
    with MockServer.start(db_path=folder / "mock.sqlite3", config_path=config) as server:
        yield server


@pytest.fixture
def server(default_server: MockServer) -> MockServer:
    """The default server, emptied before the test."""
    default_server.reset()
    return default_server


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
