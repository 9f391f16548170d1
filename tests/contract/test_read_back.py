"""A live run reads back every write: a stored value that breaks reads is deleted at once and
reported as a PostHog defect; a run killed mid-create is cleaned up by the next run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract_tests.settings import REPO_ROOT
from contract_tests.targets import MOCK_FULL_KEY
from live_road.bodies import body_findings
from posthog_mock.testing import MockServer
from tests.contract.conftest import live_env, run_contract
from tests.contract.mutating_proxy import DROP_CONNECTION, Exchange, Mutant, mutating_proxy

# The chosen value: the name the run gives its first pool experiment (`--prefix` + "pool 1").
PREFIX = "contract-marker-"
MARKER = f"{PREFIX}pool 1"
RUN_ARGS = ["--live", "--max-examples", "3", "--requests-per-minute", "0"]


def _holds_marker(exchange: Exchange) -> bool:
    body = exchange.json()
    if not isinstance(body, dict):
        return False
    items = body.get("results") if "results" in body else [body]
    return any(isinstance(i, dict) and i.get("name") == MARKER for i in items or [])


def breaks_reads(log: list[tuple[str, str, int]], status: int) -> Mutant:
    """A server that stores everything, but answers reads of the marked experiment with `status`."""

    def on_response(exchange: Exchange) -> Exchange:
        if exchange.method == "GET" and 200 <= exchange.status < 300 and _holds_marker(exchange):
            exchange = replace(exchange, status=status, headers=[], body=b"")
        log.append((exchange.method, exchange.path, exchange.status))
        return exchange

    return Mutant("breaks_reads", "stored value breaks reads", on_response=on_response)


def experiments(client: httpx.Client) -> list[dict[str, Any]]:
    body = client.get("/api/projects/1/web_experiments/", params={"limit": 1000}).json()
    results: list[dict[str, Any]] = body["results"]
    return results


def flags(client: httpx.Client) -> list[dict[str, Any]]:
    body = client.get("/api/projects/1/feature_flags/", params={"limit": 1000}).json()
    results: list[dict[str, Any]] = body["results"]
    return results


@pytest.mark.slow
@pytest.mark.parametrize(
    ("status", "read"),
    [
        pytest.param(500, "answered 500", id="500"),
        pytest.param(DROP_CONNECTION, "no answer", id="dropped-connection"),
    ],
)
def test_write_that_breaks_reads_is_deleted_within_one_request_and_reported(
    mock_server: MockServer, mock_client: httpx.Client, tmp_path: Path, status: int, read: str
) -> None:
    log: list[tuple[str, str, int]] = []
    with mutating_proxy(mock_server.base_url, breaks_reads(log, status)) as url:
        result = run_contract(
            [*RUN_ARGS, "--seed", "4", "--prefix", PREFIX, "--reports-dir", str(tmp_path)],
            live_env(url),
        )

    create = next(i for i, (m, p, s) in enumerate(log) if m == "POST" and s == 201 and i > 1)
    marked_id = json.loads((tmp_path / "live-journal.json").read_text())["read_breaks"][0][
        "experiment_id"
    ]
    item = f"/api/projects/1/web_experiments/{marked_id}/"
    first_read = next(i for i, (m, p, _) in enumerate(log) if m == "GET" and p == item)
    # The write that stored it, one read that failed, then the delete: nothing in between.
    assert first_read > create
    assert log[first_read][2] == status
    assert log[first_read + 1][:2] == ("DELETE", item)
    assert log[first_read + 1][2] == 204
    # After the delete the experiment never fails a read again (the mock's own 500s to bad
    # input, which PostHog answers 500 too, concern other requests).
    assert not any(p == item and s in (500, DROP_CONNECTION) for _, p, s in log[first_read + 1 :])
    assert [e["name"] for e in experiments(mock_client)] == []
    assert result.returncode == 3, result.output[-4000:]
    assert "DEFECT stored_value_breaks_reads on web_experiments_create" in result.output
    assert (
        f"experiment {marked_id} was deleted at once; the list then answered 200" in result.output
    )
    assert read in result.output
    recorded = json.loads((tmp_path / "contract-results.json").read_text())["failures"]
    defects = [f for f in recorded if f["check"] == "stored_value_breaks_reads"]
    assert [(f["category"], f["operation"]) for f in defects] == [
        ("defect", "web_experiments_create")
    ]


@pytest.mark.slow
def test_read_break_is_never_baselined(mock_server: MockServer, tmp_path: Path) -> None:
    baseline_file = tmp_path / "known.json"
    log: list[tuple[str, str, int]] = []
    with mutating_proxy(mock_server.base_url, breaks_reads(log, 500)) as url:
        env = live_env(url)
        args = [*RUN_ARGS, "--seed", "4", "--prefix", PREFIX, "--reports-dir", str(tmp_path)]
        recording = run_contract([*args, "--baseline", str(baseline_file)], env)
        applying = run_contract([*args, "--baseline", str(baseline_file)], env)
    known = json.loads(baseline_file.read_text())["defects"]
    assert all(entry["check"] != "stored_value_breaks_reads" for entry in known)
    assert recording.returncode == 3, recording.output[-4000:]
    assert applying.returncode == 3, applying.output[-4000:]


def held_create(release: threading.Event, stored: threading.Event) -> Mutant:
    """A server that stores the marked create but holds its answer until `release`."""

    def on_response(exchange: Exchange) -> Exchange:
        sent = exchange.request_json()
        if exchange.method == "POST" and isinstance(sent, dict) and sent.get("name") == MARKER:
            stored.set()
            release.wait(120)
        return exchange

    return Mutant("held_create", "killed mid-create", on_response=on_response)


@pytest.mark.slow
def test_run_killed_mid_create_is_cleaned_by_the_next_run(
    mock_server: MockServer, mock_client: httpx.Client, tmp_path: Path
) -> None:
    release, stored = threading.Event(), threading.Event()
    state_file = tmp_path / "live-journal.json"
    with mutating_proxy(mock_server.base_url, held_create(release, stored)) as url:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "contract_tests",
                *RUN_ARGS,
                "--seed",
                "4",
                "--prefix",
                PREFIX,
                "--reports-dir",
                str(tmp_path),
            ],
            env=live_env(url),
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            assert stored.wait(120)
            journal = json.loads(state_file.read_text())
            assert [p["name"] for p in journal["pending"]] == [MARKER]
        finally:
            os.killpg(process.pid, signal.SIGKILL)  # runner and pytest child: nothing cleans
            process.wait()
            release.set()
        left = [e for e in experiments(mock_client) if e["name"] == MARKER]
        assert len(left) == 1
        flag_key = left[0]["feature_flag_key"]
        assert flag_key in [f["key"] for f in flags(mock_client)]

        # The next run addresses the server as the journal does (a journal of another host
        # or project is never resumed there).
        result = run_contract(
            [*RUN_ARGS, "--seed", "5", "--prefix", PREFIX, "--reports-dir", str(tmp_path)],
            live_env(url),
        )

    assert result.returncode == 0, result.output[-4000:]
    assert f"resumed the journal of an earlier run ({state_file})" in result.output
    assert f"found [{left[0]['id']}]" in result.output
    assert experiments(mock_client) == []
    assert flags(mock_client) == []
    soft_deleted = httpx.get(
        f"{mock_server.base_url}/api/projects/1/feature_flags/{_flag_id(mock_server, flag_key)}/",
        headers={"Authorization": f"Bearer {MOCK_FULL_KEY}"},
    ).json()
    assert soft_deleted["deleted"] is True
    assert "none left" in result.output


def _flag_id(server: MockServer, key: str) -> int:
    rows = httpx.get(f"{server.base_url}/_mock/feature_flags").json()["results"]
    return int(next(row["id"] for row in rows if row["key"] == key))


def test_destructive_probes_are_refused_on_posthog_cloud(tmp_path: Path) -> None:
    env = {**live_env("https://eu.posthog.com"), "POSTHOG_DESTRUCTIVE_PROBES": "1"}
    result = run_contract(["--live", "--reports-dir", str(tmp_path)], env)
    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1] == (
        "error: --destructive-probes is refused on PostHog Cloud (eu.posthog.com): the probes"
        " store values that break every read of the project's web experiments until deleted;"
        " use a disposable server (a local PostHog, a staging instance)"
    )
    assert not (tmp_path / "live-journal.json").exists()


def breaks_like_posthog(exchange: Exchange) -> Exchange:
    """Reads of a stored value hazards.py names fail as on PostHog: 500, or no answer."""
    body = exchange.json()
    if exchange.method != "GET" or not 200 <= exchange.status < 300 or not isinstance(body, dict):
        return exchange
    items = body.get("results") if "results" in body else [body]
    findings = [
        hazard.name
        for item in items or []
        if isinstance(item, dict)
        for hazard, _ in body_findings(item)
    ]
    if "nesting_too_deep" in findings:
        return replace(exchange, status=DROP_CONNECTION)
    if findings:
        return replace(exchange, status=500, headers=[], body=b"<html>Server Error</html>")
    return exchange


@pytest.mark.slow
def test_destructive_probes_report_each_class_as_a_posthog_defect(
    mock_server: MockServer, mock_client: httpx.Client, tmp_path: Path
) -> None:
    mutant = Mutant("breaks_like_posthog", "hazards", on_response=breaks_like_posthog)
    with mutating_proxy(mock_server.base_url, mutant) as url:
        result = run_contract(
            [*RUN_ARGS, "--seed", "2", "--destructive-probes", "--reports-dir", str(tmp_path)],
            live_env(url),
        )
    breaks = json.loads((tmp_path / "live-journal.json").read_text())["read_breaks"]
    assert sorted(b["hazards"][0].split(" at ")[0] for b in breaks) == [
        "nesting_too_deep",
        "number_beyond_64_bits",
        "number_beyond_64_bits",
    ]
    assert all(b["deleted"] and b["list_after"] == "200" for b in breaks)
    assert experiments(mock_client) == []
    assert result.returncode == 3, result.output[-4000:]
