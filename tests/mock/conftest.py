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


@pytest.fixture
def client(server: MockServer) -> Iterator[httpx.Client]:
    """An authenticated client for the default server."""
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:
        yield http


@pytest.fixture
def anon(server: MockServer) -> Iterator[httpx.Client]:
    """A client without credentials for the default server."""
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        yield http


@pytest.fixture
def multi_client(multi: MockServer) -> Iterator[httpx.Client]:
    """A client without default credentials for the multi-project server."""
    with httpx.Client(base_url=multi.base_url, timeout=10) as http:
        yield http
