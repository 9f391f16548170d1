"""Stubs, seeding and request matchers through the plugin's fixtures, bad input included."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from posthog_mock.config import parse_config
from posthog_mock.seeding import SeedError
from posthog_mock.testing import MockServer, MockServerError, free_port
from posthog_mock.transport import InMemoryMock
from posthog_mock.verification import RequestMatcher, json_differences
from tests.test_readme import USER_PYTEST_OPTIONS

LIST = "/api/projects/@current/web_experiments/"
CONTROL = {"control": {"rollout_percentage": 100}}


def invalid(detail: str, attr: str) -> dict[str, Any]:
    return {"type": "validation_error", "code": "invalid_input", "detail": detail, "attr": attr}


@pytest.fixture
def http(posthog_mock_in_memory: InMemoryMock) -> httpx.Client:
    return posthog_mock_in_memory.http_client()


def test_stub_without_status_is_refused_and_adds_nothing(http: httpx.Client) -> None:
    response = http.post("/_mock/stubs", json={"method": "GET", "path": LIST, "json": {}})

    assert response.status_code == 400
    assert response.json() == invalid(
        "status: is required (the status code to answer, 200 to 599)", "status"
    )
    assert http.get("/_mock/stubs").json() == {"count": 0, "results": []}


def test_stub_list_with_one_bad_entry_adds_none(http: httpx.Client) -> None:
    good = {"path": LIST, "status": 200, "json": {"count": 0}}
    bad = {"path": "/_mock/health", "status": 200}

    response = http.post("/_mock/stubs", json=[good, bad])

    assert response.json() == invalid(
        "[1].path: the mock's own endpoints under /_mock/ cannot be stubbed", "[1].path"
    )
    assert http.get("/_mock/stubs").json()["count"] == 0


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ({"path": LIST, "status": 99}, "status: must be an integer from 200 to 599, got 99"),
        (
            {"path": "api", "status": 200},
            "path: must be a path starting with / (a glob may use *), got 'api'",
        ),
        (
            {"path": LIST, "status": 200, "times": 0},
            "times: must be a positive integer or null (always), got 0",
        ),
        (
            {"path": LIST, "status": 200, "json": 1, "body": "x"},
            "body: give either json or body, not both",
        ),
        (
            {"path": LIST, "status": 200, "match_headers": {"a": 1}},
            "match_headers: must be an object of names to str values",
        ),
    ],
)
def test_bad_stub_is_refused_naming_the_field(
    posthog_mock_in_memory: InMemoryMock, spec: dict[str, Any], error: str
) -> None:
    with pytest.raises(MockServerError) as refused:
        posthog_mock_in_memory.stub(spec.pop("method", None), **spec)

    assert str(refused.value) == f"stub refused: {error}"
    assert posthog_mock_in_memory.stubs == []


def test_stub_matches_body_query_headers_and_counts(
    posthog_mock_in_memory: InMemoryMock, http: httpx.Client
) -> None:
    posthog_mock_in_memory.stub(
        "POST",
        "/api/projects/*/web_experiments/",
        match_json={"name": "Stubbed"},
        match_query={"source": "ci"},
        match_headers={"X-Team": "growth"},
        status=201,
        json={"id": 42},
        headers={"X-Stub": "yes"},
        times=2,
    )
    body = {"name": "Stubbed", "variants": CONTROL}
    headers = {"X-Team": "growth"}

    unmatched = http.post(LIST, json=body, params={"source": "cd"}, headers=headers)
    first = http.post(LIST, json=body, params={"source": "ci"}, headers=headers)
    second = http.post(LIST, json=body, params={"source": "ci"}, headers=headers)
    third = http.post(LIST, json=body, params={"source": "ci"}, headers=headers)

    assert unmatched.status_code == 201
    assert unmatched.json()["name"] == "Stubbed"
    assert (first.json(), first.headers["x-stub"]) == ({"id": 42}, "yes")
    assert second.json() == {"id": 42}
    assert third.json()["name"] == "Stubbed"
    (listed,) = posthog_mock_in_memory.stubs
    assert (listed["answered"], listed["remaining"]) == (2, 0)
    assert [r.fault for r in posthog_mock_in_memory.requests] == [None, "stub", "stub", None]


def test_reset_clears_stubs(posthog_mock_in_memory: InMemoryMock, http: httpx.Client) -> None:
    posthog_mock_in_memory.stub(None, LIST, status=500, body="down", times=None)
    assert http.get(LIST).text == "down"

    posthog_mock_in_memory.reset()

    assert posthog_mock_in_memory.stubs == []
    assert http.get(LIST).status_code == 200


def test_seed_with_bad_variant_is_refused_and_stores_nothing(http: httpx.Client) -> None:
    entries = [
        {"name": "Fine", "variants": CONTROL},
        {"name": "Broken", "variants": {"control": {}}},
    ]

    response = http.post("/_mock/seed", json=entries)

    assert response.status_code == 400
    assert response.json() == invalid(
        "[1].variants: Experiment variant 'control' does not have any rollout percentage",
        "[1].variants",
    )
    assert http.get(LIST).json()["count"] == 0


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ({"variants": CONTROL}, "[0].name: This field is required."),
        (
            {"name": "X", "variants": CONTROL, "colour": "red"},
            "[0].colour: unknown field"
            " (fields: name, variants, created_at, feature_flag_key, project)",
        ),
        (
            {"name": "X", "variants": CONTROL, "project": 7},
            "[0].project: must be a configured project (1)",
        ),
        (
            {"name": "X", "variants": CONTROL, "created_at": "soon"},
            "[0].created_at: Datetime has wrong format. Use one of these formats instead:"
            " YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
        ),
    ],
)
def test_bad_seed_is_refused_naming_entry_and_field(
    posthog_mock_in_memory: InMemoryMock, entry: dict[str, Any], error: str
) -> None:
    with pytest.raises(MockServerError) as refused:
        posthog_mock_in_memory.seed(entry)

    assert str(refused.value) == f"seed refused: {error}"
    assert posthog_mock_in_memory.requests == []


def test_seed_refuses_a_taken_flag_key(posthog_mock_in_memory: InMemoryMock) -> None:
    posthog_mock_in_memory.seed(name="A", variants=CONTROL, feature_flag_key="shared")

    with pytest.raises(MockServerError) as refused:
        posthog_mock_in_memory.seed(name="B", variants=CONTROL, feature_flag_key="shared")

    assert str(refused.value) == (
        "seed refused: [0].feature_flag_key: a feature flag with key 'shared' already exists"
    )


SEEDED_CONFIG = """
[[projects]]
id = 1

[[keys]]
value = "phx_seeded_key"
scopes = ["*"]

[[experiments]]
name = "From config"
created_at = "2024-05-01T00:00:00Z"
feature_flag_key = "from-config"

[experiments.variants.control]
rollout_percentage = 100
"""


def test_config_experiments_are_seeded_at_start_and_after_reset(
    posthog_mock_factory: Callable[..., MockServer],
) -> None:
    mock = posthog_mock_factory(config=SEEDED_CONFIG)
    with mock.http_client() as client:
        client.post(LIST, json={"name": "Mine", "variants": CONTROL})
        mock.reset()
        (seeded,) = client.get(LIST).json()["results"]

    assert (seeded["name"], seeded["feature_flag_key"]) == ("From config", "from-config")
    assert seeded["created_at"].startswith("2024-05-01T00:00:00")


def test_config_experiment_with_bad_variant_is_a_clear_error() -> None:
    config = parse_config(
        {
            "projects": [{"id": 1}],
            "experiments": [{"name": "Bad", "variants": {"test": {"rollout_percentage": 1}}}],
        }
    )

    with pytest.raises(SeedError) as refused:
        InMemoryMock(config)

    assert (
        str(refused.value) == "experiments[0].variants: Experiment should contain a control variant"
    )


def test_seed_file_with_bad_variant_stops_the_server_at_start(tmp_path: Path) -> None:
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps([{"name": "Bad", "variants": {"control": "all"}}]))
    database = tmp_path / "mock.sqlite3"

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "posthog_mock",
            "--port",
            "1",
            "--db",
            str(database),
            "--seed-file",
            str(seed_file),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr == (
        "posthog_mock: error: experiments[0].variants:"
        " Experiment variant 'control' should be a dictionary\n"
    )
    assert not database.exists()


def test_seed_file_loads_json_and_toml(tmp_path: Path) -> None:
    from posthog_mock.seeding import load_seed_file

    (tmp_path / "a.json").write_text(
        json.dumps({"experiments": [{"name": "J", "variants": CONTROL}]})
    )
    (tmp_path / "b.toml").write_text(
        '[[experiments]]\nname = "T"\nvariants = {control = {rollout_percentage = 100}}\n'
    )
    (tmp_path / "c.json").write_text("[1]")

    assert load_seed_file(tmp_path / "a.json")[0]["name"] == "J"
    assert load_seed_file(tmp_path / "b.toml")[0]["name"] == "T"
    with pytest.raises(SeedError) as refused:
        load_seed_file(tmp_path / "c.json")
    assert str(refused.value) == f"{tmp_path / 'c.json'}: experiments[0]: must be an object"


def test_json_differences_names_each_path() -> None:
    sent = {"name": "A", "variants": {"control": {"rollout_percentage": 50}}, "extra": 1}
    wanted = {"name": "B", "variants": {"control": {"rollout_percentage": 40}, "test": {}}}

    assert json_differences(sent, wanted, subset=True) == [
        'name: expected "B", got "A"',
        "variants.control.rollout_percentage: expected 40, got 50",
        "variants.test: missing (expected {})",
    ]
    assert json_differences(sent, {"name": "A"}, subset=False) == [
        "variants: not expected",
        "extra: not expected",
    ]
    assert RequestMatcher(json_contains={"flag": True}).describe() == (
        'any request with a JSON body containing {"flag": true}'
    )


def test_order_failure_shows_the_closest_later_request(
    posthog_mock_in_memory: InMemoryMock, http: httpx.Client
) -> None:
    http.get(LIST, params={"limit": "5"})

    with pytest.raises(AssertionError) as failed:
        posthog_mock_in_memory.assert_requested_in_order(
            {"method": "GET", "path": LIST, "query": {"limit": "10"}}
        )

    assert str(failed.value) == (
        "expected these requests in order; step 1 of 1 not found after the start:\n"
        f"  -> 1. GET {LIST} with query {{'limit': '10'}}\n"
        f"Closest: 1. GET {LIST}?limit=5 -> 200\n"
        "  - query limit: expected 10, got 5\n"
        "The mock received 1:\n"
        f"  1. GET {LIST}?limit=5 -> 200"
    )


FAILING_ASSERTION = """
def test_sent_the_wrong_name(posthog_mock, posthog_client):
    posthog_client.create({"name": "Sent", "variants": {"control": {"rollout_percentage": 100}}})
    posthog_mock.assert_requested("POST", "*/web_experiments/", json_contains={"name": "Wanted"})
"""


@pytest.mark.parametrize("mode", ["in-memory", "in-process"])
def test_failed_assertion_shows_its_message_once_without_library_source(
    pytester: pytest.Pytester, mode: str
) -> None:
    pytester.makepyfile(test_failing=FAILING_ASSERTION)

    result = pytester.runpytest_inprocess(*USER_PYTEST_OPTIONS, f"--posthog-mock-mode={mode}")

    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    # The failure report, not pytest's own summary: on CI (the CI variable set)
    # pytest repeats each failure's whole message there.
    report = output.split("short test summary info")[0]
    assert report.count('- name: expected "Wanted", got "Sent"') == 1
    assert "__tracebackhide__" not in output
    assert "def assert_requested" not in output
    assert "def check_requested" not in output
    assert "raise RequestAssertionError" not in output


@pytest.mark.anyio
async def test_async_client_meets_broken_connections_as_on_a_socket(
    posthog_mock_in_memory: InMemoryMock,
) -> None:
    posthog_mock_in_memory.add_fault("reset", times=1)
    posthog_mock_in_memory.add_fault("empty", times=1)
    posthog_mock_in_memory.add_fault("truncate", times=1)
    async with posthog_mock_in_memory.async_http_client(timeout=1.0) as http:
        with pytest.raises(httpx.ReadError):
            await http.get(LIST)
        with pytest.raises(httpx.RemoteProtocolError) as empty:
            await http.get(LIST)
        with pytest.raises(httpx.RemoteProtocolError) as truncated:
            await http.get(LIST)
        answered = await http.get(LIST)

    assert str(empty.value) == "Server disconnected without sending a response."
    assert str(truncated.value).startswith(
        "peer closed connection without sending complete message body: received"
    )
    assert answered.json()["count"] == 0
    statuses = [(r.status, r.fault) for r in posthog_mock_in_memory.requests]
    assert statuses == [(None, "reset"), (None, "empty"), (200, "truncate"), (200, None)]


@pytest.mark.anyio
async def test_sync_client_works_inside_async_code(posthog_mock_in_memory: InMemoryMock) -> None:
    with posthog_mock_in_memory.http_client() as http:
        assert http.get("/_mock/health").json() == {"status": "ok"}


def test_delay_longer_than_the_read_timeout_times_out(posthog_mock_in_memory: InMemoryMock) -> None:
    posthog_mock_in_memory.add_fault("delay", seconds=5, times=1)

    with posthog_mock_in_memory.http_client(timeout=0.1) as http, pytest.raises(httpx.ReadTimeout):
        http.get(LIST)

    assert [r.status for r in posthog_mock_in_memory.requests] == [None]


def test_in_memory_mock_keeps_its_state_between_clients(
    posthog_mock_in_memory: InMemoryMock,
) -> None:
    with posthog_mock_in_memory.http_client() as first:
        first.post(LIST, json={"name": "Kept", "variants": CONTROL})
    with httpx.Client(
        transport=posthog_mock_in_memory.transport,
        base_url=posthog_mock_in_memory.base_url,
        headers={"Authorization": f"Bearer {posthog_mock_in_memory.api_key}"},
    ) as second:
        assert [e["name"] for e in second.get(LIST).json()["results"]] == ["Kept"]


@pytest.mark.slow  # starts a server process
def test_seed_file_is_stored_at_start(tmp_path: Path) -> None:
    seed_file = tmp_path / "seed.toml"
    seed_file.write_text(
        '[[experiments]]\nname = "From file"\nfeature_flag_key = "from-file"\n'
        "variants = {control = {rollout_percentage = 100}}\n"
    )
    port = free_port()
    command = [sys.executable, "-m", "posthog_mock", "--port", str(port), "--db", ":memory:"]
    server = subprocess.Popen(
        [*command, "--seed-file", str(seed_file)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        banner = [server.stdout.readline() for _ in range(7)]
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": "Bearer phx_mock_default_key"},
        ) as http:
            page = _wait_for_list(http)
    finally:
        server.terminate()
        server.communicate(timeout=10)

    assert "  seeded experiments: 1 (into an empty database)\n" in banner
    assert [(e["name"], e["feature_flag_key"]) for e in page["results"]] == [
        ("From file", "from-file")
    ]


def _wait_for_list(http: httpx.Client) -> dict[str, Any]:
    for _ in range(200):
        try:
            page: dict[str, Any] = http.get(LIST).json()
        except httpx.TransportError:
            time.sleep(0.05)
            continue
        return page
    raise AssertionError("the mock did not answer")
