"""Routing, mock-only endpoints, rate limits and the command line of the running mock."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from posthog_mock.profiles import CHANGES, CHANGES_BY_ID
from posthog_mock.testing import MockServer, MockServerError, free_port
from tests.mock.helpers import err
from tests.payloads import STD

P = "/api/projects/1/web_experiments/"
ENDPOINT_NOT_FOUND = err("invalid_request", "not_found", "Endpoint not found.")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/",
        "/api/projects/1/",
        "/api/projects/1/experiments/",
        "/api/projects/1/web_experiments/1/extra/",
        "/api/projects/1/web_experiments//",
        "/api/projects/1.json/web_experiments/",
        "/_mock/",
        "/_mock/nope",
    ],
)
def test_unknown_route_returns_404_endpoint_not_found(anon: httpx.Client, path: str) -> None:
    response = anon.get(path)

    assert response.status_code == 404
    assert response.json() == ENDPOINT_NOT_FOUND


def test_health_returns_200(anon: httpx.Client) -> None:
    assert anon.get("/_mock/health").json() == {"status": "ok"}


def test_mock_endpoint_with_wrong_method_returns_405(anon: httpx.Client) -> None:
    response = anon.delete("/_mock/health")

    assert response.status_code == 405
    assert response.json() == err(
        "invalid_request", "method_not_allowed", 'Method "DELETE" not allowed.'
    )
    assert response.headers["allow"] == "GET, HEAD"


def test_reset_wipes_experiments_and_flags(client: httpx.Client, anon: httpx.Client) -> None:
    client.post(P, json=STD)

    assert anon.post("/_mock/reset").status_code == 204

    assert client.get(P).json()["count"] == 0
    assert anon.get("/_mock/feature_flags").json() == {"count": 0, "results": []}


def test_configured_max_body_bytes_applies(multi_client: httpx.Client) -> None:
    response = multi_client.post(
        P, json={"name": "x" * 5000}, headers={"Authorization": "Bearer phx_all"}
    )

    assert response.status_code == 413
    assert response.json() == err(
        "invalid_request", "payload_too_large", "Request body exceeded 4096 bytes."
    )


def test_mock_config_lists_projects_and_keys(anon: httpx.Client) -> None:
    body = anon.get("/_mock/config").json()

    assert body["projects"] == [{"id": 1, "accessible": True}]
    assert body["keys"] == [
        {"value": "phx_mock_default_key", "scopes": ["*"], "projects": None, "current_project": 1}
    ]
    assert (body["posthog_version"], body["strict"]) == ("2026-05", False)
    assert body["changes"] == sorted(CHANGES_BY_ID)
    assert body["evidence"] == [change.to_json() for change in CHANGES]


def test_mock_config_names_the_version_and_strict_mode(
    recorded_server: MockServer, strict_server: MockServer
) -> None:
    recorded = httpx.get(f"{recorded_server.base_url}/_mock/config").json()
    strict = httpx.get(f"{strict_server.base_url}/_mock/config").json()

    assert (
        recorded["posthog_version"],
        recorded["changes"],
        recorded["evidence"],
        recorded["strict"],
    ) == ("2025-08", [], [], False)
    assert (strict["posthog_version"], strict["strict"]) == ("2026-05", True)


def test_seed_into_unknown_project_returns_404(anon: httpx.Client) -> None:
    response = anon.post("/_mock/projects/9/web_experiments", json=STD)

    assert response.json() == err("invalid_request", "not_found", "Project not found.")


def test_seed_with_taken_id_returns_409(anon: httpx.Client, client: httpx.Client) -> None:
    created = client.post(P, json=STD).json()

    response = anon.post("/_mock/projects/1/web_experiments", json={**STD, "id": created["id"]})

    assert response.status_code == 409
    assert response.json() == err(
        "invalid_request", "conflict", "An experiment with this id exists."
    )


def test_seed_with_taken_flag_key_returns_400_unique(
    anon: httpx.Client, client: httpx.Client
) -> None:
    created = client.post(P, json=STD).json()

    response = anon.post(
        "/_mock/projects/1/web_experiments",
        json={**STD, "feature_flag_key": created["feature_flag_key"]},
    )

    assert response.json() == err(
        "validation_error", "unique", "There is already a feature flag with this key.", "key"
    )


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    folder = tmp_path_factory.mktemp("limited")
    config = folder / "mock.toml"
    config.write_text(
        "[server]\nrate_limit = true\n[[projects]]\nid = 1\n"
        '[[keys]]\nvalue = "phx_a"\n[[keys]]\nvalue = "phx_b"\n[[keys]]\nvalue = "phx_read"\n'
        'scopes = ["experiment:read"]\n'
    )
    with MockServer.start(db_path=folder / "db.sqlite3", config_path=config) as server:
        yield server


def test_rate_limit_answers_429_after_480_requests_a_minute(limited: MockServer) -> None:
    auth = {"Authorization": "Bearer phx_a"}
    with httpx.Client(base_url=limited.base_url, headers=auth, verify=False) as http:
        statuses = [http.get(P).status_code for _ in range(480)]
        throttled = http.get(P)
        other_key = http.get(P, headers={"Authorization": "Bearer phx_b"})
        denied = http.post(P, json=STD, headers={"Authorization": "Bearer phx_read"})

    assert set(statuses) == {200}
    assert throttled.status_code == 429
    body = throttled.json()
    assert {k: v for k, v in body.items() if k != "detail"} == {
        "type": "throttled_error",
        "code": "throttled",
        "attr": None,
    }
    assert body["detail"] in {
        f"Request was throttled. Expected available in {n} seconds." for n in range(2, 61)
    } | {"Request was throttled. Expected available in 1 second."}
    assert throttled.headers["retry-after"] == body["detail"].split(" in ")[1].split(" ")[0]
    assert other_key.status_code == 200
    assert denied.status_code == 403


def test_rate_limit_off_by_default(client: httpx.Client) -> None:
    statuses = {client.get("/api/projects/1/web_experiments/1/").status_code for _ in range(500)}

    assert statuses == {404}


def run_cli(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "posthog_mock", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param("[[projects]\n", "is not valid TOML", id="not-toml"),
        pytest.param("", "at least one [[projects]] entry", id="no-projects"),
        pytest.param(
            "[[projects]]\nid = 'x'\n", "projects[0].id must be a positive integer", id="bad-id"
        ),
        pytest.param(
            "[[projects]]\nid = 1\n[[keys]]\nvalue = 'k'\nscopes = ['nope']\n",
            "keys[0].scopes: unknown scope 'nope'",
            id="bad-scope",
        ),
        pytest.param(
            "[[projects]]\nid = 1\n[[keys]]\nvalue = 'k'\nprojects = [2]\n",
            "keys[0].projects: 2 is not a configured project",
            id="unknown-project",
        ),
        pytest.param(
            "[server]\nrate_limit = 'yes'\n[[projects]]\nid = 1\n",
            "server.rate_limit must be true or false",
            id="bad-rate-limit",
        ),
        pytest.param(
            "[server]\nmax_body_bytes = 0\n[[projects]]\nid = 1\n",
            "server.max_body_bytes must be a positive integer",
            id="bad-max-body",
        ),
        pytest.param(
            "[server]\ntypo = 1\n[[projects]]\nid = 1\n",
            "unknown key(s) in [server]: typo",
            id="unknown-key",
        ),
    ],
)
def test_bad_config_exits_2_with_one_line_message(
    tmp_path: Path, config: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(config)

    result = run_cli("--config", str(path), "--db", ":memory:", "--port", str(free_port()))

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("--config", str(tmp_path / "missing.toml"), "--db", ":memory:")

    assert result.returncode == 2
    assert "cannot read config" in result.stderr
    assert "Traceback" not in result.stderr


def test_busy_port_exits_2_with_clear_message() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]

        result = run_cli("--port", str(port), "--db", ":memory:")

    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"posthog_mock: error: cannot listen on 127.0.0.1:{port}: address already in use"
    )


def test_port_used_by_another_mock_exits_2(server: MockServer) -> None:
    result = run_cli("--port", str(server.port), "--db", ":memory:")

    assert result.returncode == 2
    assert "address already in use" in result.stderr


@pytest.mark.parametrize(
    "db",
    [
        pytest.param("/proc/posthog_mock.sqlite3", id="unwritable-dir"),
        pytest.param("/dev/null/x/mock.sqlite3", id="under-a-file"),
    ],
)
def test_unwritable_database_exits_2(db: str) -> None:
    result = run_cli("--db", db, "--port", str(free_port()))

    assert result.returncode == 2
    assert result.stderr.startswith("posthog_mock: error: cannot use database")
    assert "Traceback" not in result.stderr


def test_database_path_that_is_a_directory_exits_2(tmp_path: Path) -> None:
    result = run_cli("--db", str(tmp_path), "--port", str(free_port()))

    assert result.returncode == 2
    assert result.stderr.startswith("posthog_mock: error: cannot use database")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_server_cleanly(tmp_path: Path, signum: signal.Signals) -> None:
    server = MockServer(db_path=tmp_path / "db.sqlite3")
    server.launch()
    assert server.process is not None
    output_before = server.output()

    server.process.send_signal(signum)
    code = server.process.wait(15)

    output = server.output()
    server.stop()
    assert code == 0
    assert "Traceback" not in output
    assert output.rstrip().endswith("posthog_mock stopped")
    assert "posthog_mock listening on http://127.0.0.1:" in output_before
    assert "API key: phx_mock_default_key" in output_before


def test_mock_server_with_bad_config_raises_with_process_output(tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text("[[projects]]\nid = 0\n")
    server = MockServer(config_path=config)

    with pytest.raises(MockServerError, match=r"projects\[0\]\.id must be a positive integer"):
        server.launch()


def test_mock_server_on_busy_fixed_port_fails_fast() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        server = MockServer(port=holder.getsockname()[1])
        started = time.monotonic()

        with pytest.raises(MockServerError, match="address already in use"):
            server.launch()

    assert time.monotonic() - started < 10


def test_mock_server_start_failure_includes_process_output(tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text("[[projects]]\nid = 1\n")
    config_server = MockServer(db_path="/proc/nope.sqlite3", config_path=config)

    with pytest.raises(MockServerError, match="cannot use database"):
        config_server.launch()
