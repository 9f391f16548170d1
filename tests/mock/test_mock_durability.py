"""Persistence across restarts, SIGKILL during writes and concurrent writers (real SQLite files)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from posthog_mock.testing import MockServer
from tests.mock.helpers import STD

P = "/api/projects/1/web_experiments/"
AUTH = {"Authorization": "Bearer phx_mock_default_key"}


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[MockServer]:
    """A server of its own on a new database file."""
    server = MockServer(db_path=tmp_path / "mock.sqlite3")
    server.launch()
    try:
        yield server
    finally:
        server.stop()


def client_for(server: MockServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers=AUTH, timeout=30, verify=False)


def test_data_survives_restart(fresh: MockServer) -> None:
    with client_for(fresh) as http:
        created = [http.post(P, json={**STD, "name": f"n{i}"}).json() for i in range(5)]
        http.delete(f"{P}{created[0]['id']}/")
        http.patch(
            f"{P}{created[1]['id']}/", json={"variants": {"control": {"rollout_percentage": 100}}}
        )
        before = http.get(P).json()
        flags_before = http.get("/_mock/feature_flags").json()

    fresh.restart()

    with client_for(fresh) as http:
        assert http.get(P).json() == before
        assert http.get("/_mock/feature_flags").json() == flags_before
        assert http.get(f"{P}{created[0]['id']}/").status_code == 404
        new = http.post(P, json=STD).json()
    assert new["id"] > max(e["id"] for e in created)


def test_database_is_in_wal_mode(fresh: MockServer, tmp_path: Path) -> None:
    with client_for(fresh) as http:
        http.post(P, json=STD)

    assert (tmp_path / "mock.sqlite3-wal").exists()


@pytest.mark.slow
def test_sigkill_during_concurrent_creates_loses_nothing_acknowledged(fresh: MockServer) -> None:
    acknowledged: list[dict[str, object]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(worker: int) -> None:
        with client_for(fresh) as http:
            for i in range(100_000):
                if stop.is_set():
                    return
                try:
                    response = http.post(P, json={**STD, "name": f"w{worker}-{i}"})
                except httpx.TransportError:
                    return
                if response.status_code == 201:
                    with lock:
                        acknowledged.append(response.json())

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    fresh.kill()
    stop.set()
    for thread in threads:
        thread.join(30)

    assert len(acknowledged) > 50
    fresh.restart()
    with client_for(fresh) as http:
        listed = http.get(P, params={"limit": 1_000_000}).json()
    stored = {e["id"]: e for e in listed["results"]}
    missing = [e["id"] for e in acknowledged if stored.get(e["id"]) != e]
    assert missing == []
    assert len(stored) == listed["count"]
    assert len({e["feature_flag_key"] for e in stored.values()}) == len(stored)


@pytest.mark.slow
def test_eight_clients_times_500_creates_give_exactly_4000(fresh: MockServer) -> None:
    def create_many(worker: int) -> list[tuple[int, int, str]]:
        out = []
        with client_for(fresh) as http:
            for i in range(500):
                response = http.post(P, json={**STD, "name": f"Client {worker} #{i}"})
                body = response.json() if response.status_code == 201 else {}
                out.append(
                    (response.status_code, body.get("id", -1), body.get("feature_flag_key", ""))
                )
        return out

    with ThreadPoolExecutor(8) as pool:
        results = [row for rows in pool.map(create_many, range(8)) for row in rows]

    statuses = {status for status, _, _ in results}
    assert statuses == {201}
    assert len({i for _, i, _ in results}) == 4000
    assert len({k for _, _, k in results}) == 4000
    with client_for(fresh) as http:
        listed = http.get(P, params={"limit": 5000}).json()
        flags = http.get("/_mock/feature_flags").json()
    assert listed["count"] == 4000
    assert {e["id"] for e in listed["results"]} == {i for _, i, _ in results}
    assert flags["count"] == 4000
    assert len({f["key"] for f in flags["results"]}) == 4000


def test_two_servers_on_one_database_file_share_data(fresh: MockServer, tmp_path: Path) -> None:
    with MockServer.start(db_path=tmp_path / "mock.sqlite3") as second:
        with client_for(fresh) as first_http:
            created = first_http.post(P, json=STD).json()
        with client_for(second) as second_http:
            assert second_http.get(f"{P}{created['id']}/").json() == created
            other = second_http.post(P, json=STD).json()
    assert other["id"] != created["id"]


def test_memory_database_starts_empty_each_time() -> None:
    with MockServer.start() as server, client_for(server) as http:
        http.post(P, json=STD)
        assert http.get(P).json()["count"] == 1
        server.restart()
        assert http.get(P).json()["count"] == 0
