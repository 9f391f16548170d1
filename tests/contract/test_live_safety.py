"""Live mode is safe: foreign experiments stay byte-identical, the run cleans up after itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract_tests.settings import REPO_ROOT
from contract_tests.targets import MOCK_CONFIG, MOCK_FULL_KEY
from posthog_mock.testing import MockServer
from tests.contract.conftest import live_env, run_contract

SEEDED = 5
SEED_BODY: dict[str, Any] = {
    "variants": {
        "control": {"rollout_percentage": 70, "transforms": []},
        "test": {"rollout_percentage": 30, "transforms": [{"selector": "h1", "text": "Hi"}]},
    },
    "created_at": "2024-05-01T12:00:00.000001Z",
}


def seed_experiments(client: httpx.Client) -> list[int]:
    ids = []
    for index in range(SEEDED):
        response = client.post(
            "/_mock/projects/1/web_experiments/",
            json={**SEED_BODY, "name": f"Customer experiment {index}"},
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def snapshot(client: httpx.Client, ids: list[int]) -> dict[int, bytes]:
    return {i: client.get(f"/api/projects/1/web_experiments/{i}/").content for i in ids}


def listed_ids(client: httpx.Client) -> list[int]:
    body = client.get("/api/projects/1/web_experiments/", params={"limit": 10_000}).json()
    return sorted(item["id"] for item in body["results"])


@pytest.mark.slow
def test_live_mode_leaves_experiments_it_did_not_create_byte_identical(
    mock_server: MockServer, mock_client: httpx.Client, tmp_path: Path
) -> None:
    seeded = seed_experiments(mock_client)
    before = snapshot(mock_client, seeded)

    result = run_contract(
        [
            "--live",
            "--seed",
            "3",
            "--max-examples",
            "5",
            "--requests-per-minute",
            "0",
            "--reports-dir",
            str(tmp_path),
        ],
        live_env(mock_server.base_url),
    )

    assert result.returncode == 0, result.output[-4000:]
    assert snapshot(mock_client, seeded) == before
    assert listed_ids(mock_client) == seeded
    state = json.loads((tmp_path / "live-journal.json").read_text())
    created = state["created"]
    assert 0 < len(created) <= 25
    assert all(item["deleted"] for item in created)
    assert all(item["name"].startswith("contract-suite-") for item in created)
    assert all(item["flag_deleted"] for item in created)
    assert f"Feature flags of the run's experiments: {len(created)} soft-deleted, none left" in (
        result.output
    )
    # What is left is exactly the flags of the experiments the run did not create.
    remaining = mock_client.get("/api/projects/1/feature_flags/").json()["results"]
    assert sorted(flag["experiment_set"][0] for flag in remaining) == seeded


EXPERIMENT_ONLY_KEY = "phx_contract_experiments_only"


@pytest.mark.slow
def test_key_without_flag_scopes_names_every_flag_it_left_and_the_scope(tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(
        MOCK_CONFIG
        + f'\n[[keys]]\nvalue = "{EXPERIMENT_ONLY_KEY}"\nscopes = ["experiment:write"]\n'
        "current_project = 1\n",
        encoding="utf-8",
    )
    with MockServer.start(db_path=tmp_path / "mock.db", config_path=config, in_process=True) as m:
        env = {
            **live_env(m.base_url, read_only=False),
            "POSTHOG_PERSONAL_API_KEY": EXPERIMENT_ONLY_KEY,
        }
        args = ["--live", "--seed", "3", "--max-examples", "3", "--requests-per-minute", "0"]
        limited = run_contract([*args, "--reports-dir", str(tmp_path)], env)
        journal = json.loads((tmp_path / "live-journal.json").read_text())
        full = run_contract(
            [*args, "--reports-dir", str(tmp_path)], live_env(m.base_url, read_only=False)
        )
        left_after = httpx.get(
            f"{m.base_url}/api/projects/1/feature_flags/",
            headers={"Authorization": f"Bearer {MOCK_FULL_KEY}"},
        ).json()
        final = json.loads((tmp_path / "live-journal.json").read_text())

    keys = [item["feature_flag_key"] for item in journal["created"]]
    assert keys
    lines = limited.output.rstrip().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Feature flags left behind"))
    assert "the key lacks feature_flag:write" in lines[header]
    assert lines[header + 1 : header + 1 + len(keys)] == [f"    {key}" for key in keys]
    assert journal["flag_scope_missing"] is True
    # The next run, with a key that may, soft-deletes the flags the earlier one left.
    assert f"soft-deleted {len(keys)} feature flags earlier runs left" in full.output
    assert left_after["count"] == 0, (left_after, final, full.output[-3000:])


@pytest.mark.slow
def test_interrupted_live_run_deletes_what_it_created(
    mock_server: MockServer, mock_client: httpx.Client, tmp_path: Path
) -> None:
    seeded = seed_experiments(mock_client)
    state_file = tmp_path / "live-journal.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "contract_tests",
            "--live",
            "--seed",
            "5",
            "--max-examples",
            "50",
            "--requests-per-minute",
            "600",
            "--reports-dir",
            str(tmp_path),
        ],
        env=live_env(mock_server.base_url),
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if state_file.exists() and json.loads(state_file.read_text() or "{}").get("created"):
            break
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    output, _ = process.communicate(timeout=120)

    assert process.returncode == 130, output[-4000:]
    assert output.rstrip().splitlines()[-1] == "INTERRUPTED (exit 130)"
    assert listed_ids(mock_client) == seeded
    assert "Experiments created:" in output


# Loaded by every Python process of the run (PYTHONPATH): in the suite's pytest process, the
# first check result recorded makes an object whose finalizer presses Ctrl-C, the way a signal
# handled while the garbage collector finalizes something is lost (Python drops an exception
# raised in a finalizer). pytest would report it and run the next tests.
CTRL_C_IN_A_FINALIZER = """
import functools, importlib.abc, importlib.util, os, signal, sys


class Finalized:
    def __del__(self):
        os.killpg(os.getpgrp(), signal.SIGINT)


class PressCtrlCInAFinalizer(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "contract_tests.hooks":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            record = module.record_check_results

            @functools.wraps(record)
            def record_once_then_press(*args, **kwargs):
                record(*args, **kwargs)
                if not getattr(sys, "ctrl_c_pressed", False):
                    sys.ctrl_c_pressed = True
                    Finalized()

            module.record_check_results = record_once_then_press

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, PressCtrlCInAFinalizer())
"""


@pytest.mark.slow
def test_a_ctrl_c_lost_in_a_finalizer_still_stops_the_run(
    mock_server: MockServer, mock_client: httpx.Client, tmp_path: Path
) -> None:
    seeded = seed_experiments(mock_client)
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(CTRL_C_IN_A_FINALIZER)
    env = live_env(mock_server.base_url)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(inject), env.get("PYTHONPATH")]))
    reports = tmp_path / "reports"
    command = [sys.executable, "-m", "contract_tests", "--live", "--seed", "5"]
    command += [
        "--max-examples",
        "50",
        "--requests-per-minute",
        "600",
        "--reports-dir",
        str(reports),
    ]
    result = subprocess.run(
        command,
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        timeout=300,
        check=False,
    )
    output = result.stdout

    assert "KeyboardInterrupt: SIGINT during" in output, output[-4000:]
    assert result.returncode == 130, output[-4000:]
    assert output.rstrip().splitlines()[-1] == "INTERRUPTED (exit 130)"
    # The suite stopped after the test the Ctrl-C came in, and deleted what it created.
    tests = json.loads((reports / "contract-results.json").read_text())["tests"]
    assert [test["name"] for test in tests] == [
        "test_operation[GET /api/projects/{project_id}/web_experiments/]"
    ]
    assert listed_ids(mock_client) == seeded
