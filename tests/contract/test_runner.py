"""The runner's interface: configuration errors, exclusions table, settings round trip."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from contract_tests.exclusions import EXCLUSIONS, OPERATION_IDS, OPERATIONS
from contract_tests.runner import keyword_expression
from contract_tests.settings import REPO_ROOT, SPEC_PATH, SettingsError, SuiteSettings
from contract_tests.targets import live_target
from posthog_mock.testing import MockServer
from tests.contract.conftest import live_env, run_contract


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "POSTHOG_HOST, POSTHOG_PROJECT_ID, POSTHOG_PERSONAL_API_KEY"),
        (
            {"POSTHOG_HOST": "https://us.posthog.com"},
            "POSTHOG_PROJECT_ID, POSTHOG_PERSONAL_API_KEY",
        ),
        ({"POSTHOG_HOST": "h", "POSTHOG_PROJECT_ID": "1"}, "POSTHOG_PERSONAL_API_KEY"),
    ],
)
def test_live_target_names_missing_variables(env: dict[str, str], missing: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(f"contract-live needs {missing} (nothing")):
        live_target(env, command="make contract-live")


def test_live_run_without_variables_prints_one_line_and_sends_nothing() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTHOG_")}
    # An unroutable proxy would make any request fail loudly; none may be attempted.
    env["HTTPS_PROXY"] = env["HTTP_PROXY"] = "http://127.0.0.1:9"
    completed = subprocess.run(
        [sys.executable, "-m", "contract_tests", "--live"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.strip().splitlines() == [
        "error: python -m contract_tests --live needs --host or POSTHOG_HOST, --project-id or"
        " POSTHOG_PROJECT_ID, --api-key or POSTHOG_PERSONAL_API_KEY (nothing was sent)"
    ]


def test_settings_round_trip_through_one_file(tmp_path: Path) -> None:
    settings = SuiteSettings(
        mode="live",
        base_url="https://us.posthog.com",
        api_key="phx_k",
        project_id="7",
        seed=42,
        max_examples=9,
        max_creates=25,
        prefix="p-",
        requests_per_minute=400,
        read_only_key="phx_r",
        baseline_file=tmp_path / "baseline.json",
    )
    path = tmp_path / "settings.json"
    settings.save(path)
    assert SuiteSettings.load(path) == settings
    assert path.stat().st_mode & 0o777 == 0o600


def test_unreadable_settings_file_names_the_entry_point(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="runs through `python -m contract_tests`"):
        SuiteSettings.load(tmp_path / "missing.json")


def test_every_exclusion_names_a_known_operation_a_reason_and_a_section() -> None:
    for exclusion in EXCLUSIONS:
        assert exclusion.operation_id in OPERATION_IDS
        assert len(exclusion.reason) > 40
        assert exclusion.reference.startswith("§")
    assert len({(e.operation_id, e.check) for e in EXCLUSIONS}) == len(EXCLUSIONS)


def test_operations_table_is_openapi_yaml_in_its_order() -> None:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    in_spec = [
        (operation["operationId"], (method.upper(), path))
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in ("get", "put", "post", "delete", "patch")
    ]
    assert in_spec == list(OPERATIONS.items())


@pytest.mark.parametrize(
    ("test_name", "expression"),
    [
        (
            "test_operation[GET /api/projects/{project_id}/web_experiments/]",
            "test_operation[GET and web_experiments/]",
        ),
        (
            "test_operation[DELETE /api/projects/{project_id}/web_experiments/{id}/]",
            "test_operation[DELETE and not web_experiments/]",
        ),
        ("TestStateful::runTest", "runTest"),
    ],
)
def test_only_turns_summary_names_into_keyword_expressions(test_name: str, expression: str) -> None:
    assert keyword_expression(test_name) == expression


# A module of the checkout the suite's process loads, with literals that fit the spec's fields.
LOCAL_LITERALS = """
WORDS = ("alpha", "beta", "x", "yy", "control", "test", "#id", ".cls", "<b>", "0", "-1", "null")
NUMBERS = (3, 17, 42, 99, 101, 255, 1000, -1, -100, 65535, 2**31, 2**53, 10**6)
"""


@pytest.mark.slow
def test_same_seed_reproduces_the_run_whatever_local_code_is_loaded(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTHOG_", "CONTRACT_"))}
    # The second run loads one more local module into the suite's process (as a checkout, a
    # conftest or an edit would): Hypothesis mixes such modules' literals into generation.
    (tmp_path / "local_literals.py").write_text(LOCAL_LITERALS, encoding="utf-8")
    with_module = {**env, "PYTEST_PLUGINS": "local_literals", "PYTHONPATH": str(tmp_path)}
    states = []
    for attempt, run_env in (("first", env), ("second", with_module)):
        reports = tmp_path / attempt
        result = run_contract(
            ["--seed", "99", "--max-examples", "5", "--reports-dir", str(reports)], run_env
        )
        assert result.returncode == 0, result.output[-4000:]
        assert "seed 99" in result.output
        states.append(json.loads((reports / "contract-state.json").read_text()))
        states.append(json.loads((reports / "contract-results.json").read_text()))
    first, first_results, second, second_results = states
    assert first["requests_sent"] == second["requests_sent"]
    assert [e["name"] for e in first["created"]] == [e["name"] for e in second["created"]]
    requests_of = [
        [(f["request"], f["status_code"], f["occurrences"]) for f in r["failures"]]
        for r in (first_results, second_results)
    ]
    assert requests_of[0] == requests_of[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _live_run_output(env: dict[str, str], tmp_path: Path) -> tuple[int, str, str]:
    completed = subprocess.run(
        [sys.executable, "-m", "contract_tests", "--live", "--reports-dir", str(tmp_path)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return completed.returncode, completed.stdout, completed.stderr


def test_unreachable_host_ends_in_one_line_naming_the_variable(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    returncode, stdout, stderr = _live_run_output(live_env(url), tmp_path)
    assert (returncode, stdout) == (4, "")
    assert stderr.splitlines() == [
        f"error: cannot reach {url} (Connection refused); check POSTHOG_HOST (scheme, host,"
        " port) and that the server is running"
    ]


def test_refused_key_ends_in_one_line_naming_the_key(
    mock_server: MockServer, tmp_path: Path
) -> None:
    env = live_env(str(mock_server.base_url).rstrip("/"))
    env["POSTHOG_PERSONAL_API_KEY"] = "phx_not_a_key"
    returncode, stdout, stderr = _live_run_output(env, tmp_path)
    assert (returncode, stdout) == (4, "")
    assert stderr.splitlines() == [
        "error: PostHog refused POSTHOG_PERSONAL_API_KEY (401 'Personal API key found in"
        " request Authorization header is invalid.'); check the key"
    ]


def test_refused_read_only_key_ends_in_one_line_naming_it(
    mock_server: MockServer, tmp_path: Path
) -> None:
    env = live_env(str(mock_server.base_url).rstrip("/"))
    env["POSTHOG_READ_ONLY_API_KEY"] = "phx_not_a_key"
    returncode, _, stderr = _live_run_output(env, tmp_path)
    assert returncode == 4
    assert stderr.splitlines() == [
        "error: PostHog refused POSTHOG_READ_ONLY_API_KEY (401 'Personal API key found in"
        " request Authorization header is invalid.'); check the key"
    ]


def test_wrong_project_ends_in_one_line(mock_server: MockServer, tmp_path: Path) -> None:
    env = live_env(str(mock_server.base_url).rstrip("/"))
    env["POSTHOG_PROJECT_ID"] = "999"
    returncode, _, stderr = _live_run_output(env, tmp_path)
    assert returncode == 4
    base_url = env["POSTHOG_HOST"]
    assert stderr.splitlines() == [
        f"error: project 999 not found at {base_url}; check POSTHOG_PROJECT_ID"
    ]


def test_host_that_is_not_posthog_ends_in_one_line(mock_server: MockServer, tmp_path: Path) -> None:
    url = str(mock_server.base_url).rstrip("/") + "/elsewhere"
    returncode, _, stderr = _live_run_output(live_env(url), tmp_path)
    assert returncode == 4
    assert len(stderr.splitlines()) == 1
    assert stderr.startswith(f"error: {url} does not answer like PostHog (GET ")
    assert stderr.rstrip().endswith("check POSTHOG_HOST")
