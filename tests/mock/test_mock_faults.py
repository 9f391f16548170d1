"""Faults on demand: what a client sees over real HTTP for each kind, trigger and target."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from posthog_mock.cli import build_parser, with_cli_options
from posthog_mock.config import ConfigError, default_config, load_config
from posthog_mock.faults import FaultSet, FaultSpecError, parse_fault
from posthog_mock.testing import MockServer, free_port

LIST = "/api/projects/@current/web_experiments/"
SERVER_ERROR = {"type": "server_error", "code": "error", "detail": "A server error occurred."}
BODY = {"name": "Faulted", "variants": {"control": {"rollout_percentage": 100}}}


def envelope(**fields: Any) -> dict[str, Any]:
    return {**SERVER_ERROR, "attr": None, **fields}


def created_id(client: httpx.Client) -> int:
    response = client.post(LIST, json=BODY)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_status_fault_answers_posthogs_server_error_envelope(
    server: MockServer, client: httpx.Client, status: int
) -> None:
    server.add_fault("status", status=status, times=1)

    response = client.get(LIST)

    assert response.status_code == status
    assert response.json() == envelope()
    assert client.get(LIST).status_code == 200


def test_throttle_fault_answers_posthogs_429_with_retry_after(
    server: MockServer, client: httpx.Client
) -> None:
    server.add_fault("throttle", retry_after=7, times=1)

    response = client.get(LIST)

    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json() == {
        "type": "throttled_error",
        "code": "throttled",
        "detail": "Request was throttled. Expected available in 7 seconds.",
        "attr": None,
    }


def test_times_fails_the_next_n_matching_requests_only(
    server: MockServer, client: httpx.Client
) -> None:
    server.add_fault("status", status=503, times=2)

    statuses = [client.get(LIST).status_code for _ in range(4)]

    assert statuses == [503, 503, 200, 200]
    (rule,) = server.faults
    assert (rule["matched"], rule["fired"], rule["remaining"]) == (2, 2, 0)


def test_every_fails_each_nth_matching_request(server: MockServer, client: httpx.Client) -> None:
    server.add_fault("status", status=500, every=3)

    statuses = [client.get(LIST).status_code for _ in range(7)]

    assert statuses == [200, 200, 500, 200, 200, 500, 200]


def test_probability_under_a_seed_repeats_exactly(server: MockServer, client: httpx.Client) -> None:
    runs = []
    for _ in range(2):
        server.clear_faults()
        server.add_fault("status", status=502, probability=0.5, seed=42)
        runs.append([client.get(LIST).status_code for _ in range(20)])

    assert runs[0] == runs[1]
    assert {200, 502} == set(runs[0])


def test_method_and_route_choose_the_requests(server: MockServer, client: httpx.Client) -> None:
    experiment_id = created_id(client)
    server.add_fault("status", status=503, method="GET", route="detail")

    assert client.get(f"{LIST}{experiment_id}/").status_code == 503
    assert client.get(LIST).status_code == 200
    assert client.delete(f"{LIST}{experiment_id}/").status_code == 204


def test_list_route_covers_create_on_the_collection(
    server: MockServer, client: httpx.Client
) -> None:
    server.add_fault("status", status=500, method="POST", route="list", times=1)

    assert client.post(LIST, json=BODY).status_code == 500
    # Not handled: the faulted create never reached the handler, the retry is the only one.
    assert client.post(LIST, json=BODY).status_code == 201
    assert client.get(LIST).json()["count"] == 1


def test_handled_status_fault_runs_the_handler_then_loses_the_answer(
    server: MockServer, client: httpx.Client
) -> None:
    server.add_fault("status", status=502, method="POST", handled=True, times=1)

    assert client.post(LIST, json=BODY).status_code == 502
    assert client.get(LIST).json()["count"] == 1


def test_mock_endpoints_are_never_faulted(server: MockServer, client: httpx.Client) -> None:
    server.add_fault("status", status=503)

    assert client.get("/_mock/health").status_code == 200
    assert client.get("/_mock/config").status_code == 200
    assert client.get(LIST).status_code == 503


def test_reset_clears_faults(server: MockServer, client: httpx.Client) -> None:
    server.add_fault("status", status=503)

    server.reset()

    assert server.faults == []
    assert client.get(LIST).status_code == 200


def test_fault_context_manager_removes_its_rule_on_exit(
    server: MockServer, client: httpx.Client
) -> None:
    with server.fault("status", status=504) as rule:
        assert client.get(LIST).status_code == 504
        assert [r["id"] for r in server.faults] == [rule["id"]]

    assert server.faults == []
    assert client.get(LIST).status_code == 200


def test_first_rule_that_fires_decides(server: MockServer, client: httpx.Client) -> None:
    server.add_fault("status", status=500, times=1)
    server.add_fault("status", status=503, times=1)

    assert [client.get(LIST).status_code for _ in range(3)] == [500, 503, 200]


def test_reset_fault_is_a_connection_reset_before_any_byte(
    server: MockServer, client: httpx.Client
) -> None:
    server.add_fault("reset", times=1)

    with pytest.raises(httpx.ReadError, match="Connection reset by peer"):
        client.get(LIST)
    assert client.get(LIST).status_code == 200


def test_empty_fault_closes_without_an_answer(server: MockServer, client: httpx.Client) -> None:
    server.add_fault("empty", times=1)

    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        client.get(LIST)
    assert client.get(LIST).status_code == 200


def test_truncate_fault_cuts_the_body_short_of_its_length(
    server: MockServer, client: httpx.Client
) -> None:
    server.add_fault("truncate", truncate_at=5, times=1)

    with pytest.raises(httpx.RemoteProtocolError, match=r"received 5 bytes, expected 52"):
        client.get(LIST)
    assert client.get(LIST).status_code == 200


def test_hang_fault_answers_nothing_until_the_client_gives_up(
    server: MockServer, client: httpx.Client
) -> None:
    server.add_fault("hang", times=1)

    with pytest.raises(httpx.ReadTimeout):
        client.get(LIST, timeout=0.2)
    assert client.get(LIST).status_code == 200


def test_delay_and_slow_body_still_answer_in_full(server: MockServer, client: httpx.Client) -> None:
    server.add_fault("delay", seconds=0.01, max_seconds=0.02, times=1)
    server.add_fault("slow_body", bytes_per_second=1000, times=1)

    first, second = client.get(LIST), client.get(LIST)

    assert (
        first.json()
        == second.json()
        == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
    )
    faults = [r.fault for r in server.requests]
    assert faults == ["delay", "slow_body"]


def test_random_delay_is_drawn_from_the_rules_seed() -> None:
    draws = []
    for _ in range(2):
        faults = FaultSet((parse_fault({"kind": "delay", "seconds": 1, "max_seconds": 2}),))
        (rule,) = faults.list()
        draws.append([rule.delay() for _ in range(5)])

    assert draws[0] == draws[1]
    assert all(1 <= d <= 2 for d in draws[0])


def test_faults_endpoint_lists_adds_and_clears(server: MockServer, client: httpx.Client) -> None:
    added = client.post("/_mock/faults", json=[{"kind": "empty"}, {"kind": "hang", "seconds": 1}])
    assert added.status_code == 201
    assert [rule["kind"] for rule in added.json()] == ["empty", "hang"]

    listed = client.get("/_mock/faults").json()
    assert listed["count"] == 2
    assert listed["results"][0] == {
        "id": added.json()[0]["id"],
        "kind": "empty",
        "method": None,
        "route": "any",
        "handled": False,
        "times": None,
        "every": None,
        "probability": None,
        "seed": 0,
        "matched": 0,
        "fired": 0,
        "remaining": None,
    }

    assert client.delete("/_mock/faults").status_code == 204
    assert client.get("/_mock/faults").json() == {"count": 0, "results": []}


def test_deleting_an_unknown_fault_is_404(client: httpx.Client) -> None:
    response = client.delete("/_mock/faults/999999")

    assert response.status_code == 404
    assert response.json() == {
        "type": "invalid_request",
        "code": "not_found",
        "detail": "No fault with this id.",
        "attr": None,
    }


@pytest.mark.parametrize(
    ("body", "attr", "detail"),
    [
        pytest.param(
            {"kind": "boom"},
            "kind",
            "kind: must be one of status, throttle, delay, slow_body, reset, empty, truncate,"
            " hang, got 'boom'",
            id="kind",
        ),
        pytest.param(
            {"kind": "status", "status": 404},
            "status",
            "status: must be one of 500, 502, 503, 504",
            id="status",
        ),
        pytest.param(
            {"kind": "status", "times": 0}, "times", "times: must be at least 1, got 0", id="times"
        ),
        pytest.param(
            {"kind": "status", "route": "all"},
            "route",
            "route: must be one of any, list, detail, got 'all'",
            id="route",
        ),
        pytest.param(
            {"kind": "reset", "bytes_per_second": 5},
            "bytes_per_second",
            "bytes_per_second: does not apply to kind 'reset'",
            id="misplaced",
        ),
        pytest.param(
            {"kind": "status", "every": 2, "probability": 0.5},
            "probability",
            "probability: cannot be combined with every",
            id="every-and-probability",
        ),
        pytest.param(
            {"kind": "delay"}, "seconds", "seconds: is required for kind 'delay'", id="delay"
        ),
        pytest.param(
            [{"kind": "empty"}, {"kind": "status", "method": "FETCH"}],
            "[1].method",
            "[1].method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS or null",
            id="list-index",
        ),
    ],
)
def test_bad_fault_is_400_naming_the_field(
    server: MockServer, client: httpx.Client, body: Any, attr: str, detail: str
) -> None:
    response = client.post("/_mock/faults", json=body)

    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "code": "invalid_input",
        "detail": detail,
        "attr": attr,
    }
    assert server.faults == []


def test_unknown_fault_field_is_named() -> None:
    with pytest.raises(FaultSpecError) as caught:
        parse_fault({"kind": "status", "stauts": 503})

    assert caught.value.field == "stauts"


def test_config_faults_are_installed_at_start(tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(
        '[[projects]]\nid = 1\n\n[[keys]]\nvalue = "phx_k"\n\n'
        '[[faults]]\nkind = "status"\nstatus = 503\nmethod = "GET"\ntimes = 1\n',
        encoding="utf-8",
    )
    with MockServer.start(config_path=config, in_process=True) as server:
        url = f"{server.base_url}{LIST}"
        headers = {"Authorization": "Bearer phx_k"}

        assert httpx.get(url, headers=headers).status_code == 503
        assert httpx.get(url, headers=headers).status_code == 200


def test_config_fault_errors_name_the_table(tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text('[[projects]]\nid = 1\n\n[[faults]]\nkind = "status"\nstatus = 418\n')

    with pytest.raises(ConfigError, match=r"faults\[0\]\.status: must be one of 500"):
        load_config(config)


def test_cli_fault_options_add_rules() -> None:
    args = build_parser().parse_args(
        ["--fault", '{"kind": "throttle", "retry_after": 2}', "--journal-size", "5"]
    )

    config = with_cli_options(default_config(), args.fault, args.journal_size)

    assert [spec.kind for spec in config.faults] == ["throttle"]
    assert config.journal_size == 5
    with pytest.raises(ConfigError, match=r"--fault #1\[0\]\.kind"):
        with_cli_options(default_config(), ['{"kind": "x"}'], None)
    with pytest.raises(ConfigError, match="--fault #1 is not JSON"):
        with_cli_options(default_config(), ["{"], None)


@pytest.mark.slow
def test_cli_fault_reaches_the_subprocess_server() -> None:
    port = free_port()
    rule = json.dumps({"kind": "status", "status": 504, "times": 1})
    command = [sys.executable, "-m", "posthog_mock", "--port", str(port), "--db", ":memory:"]
    process = subprocess.Popen(
        [*command, "--fault", rule], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/_mock/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        headers = {"Authorization": "Bearer phx_mock_default_key"}

        assert httpx.get(base + LIST, headers=headers).status_code == 504
        assert httpx.get(base + LIST, headers=headers).status_code == 200
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert '  fault: {"kind": "status"' in output


@pytest.mark.parametrize("kind", ["reset", "empty"])
def test_connection_faults_of_an_in_process_mock_leave_no_descriptor_behind(
    tmp_path: Path, kind: str
) -> None:
    # The in-process mock finds the request's socket among the process's descriptors: each one
    # it looks at and cannot use must be closed again, or every fault doubles them.
    with (
        MockServer.start(tmp_path / "db.sqlite3", in_process=True) as server,
        httpx.Client(headers={"Authorization": f"Bearer {server.api_key}"}) as client,
    ):
        url = f"{server.base_url}/api/projects/@current/web_experiments/"
        client.get(url)
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(5):
            server.add_fault(kind, times=1)
            with pytest.raises(httpx.TransportError):
                client.get(url)
        assert client.get(url).status_code == 200

        assert len(os.listdir("/proc/self/fd")) <= before + 2
