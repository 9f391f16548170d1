"""Pointing the suite from the command line: server options, pacing, usage errors, first run."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.runner import build_parser, settings_for
from contract_tests.settings import (
    DEFAULT_LIVE_MAX_CREATES,
    DEFAULT_LIVE_REQUESTS_PER_MINUTE,
    REPO_ROOT,
    SettingsError,
)
from contract_tests.targets import MOCK_FULL_KEY, TargetInfo, live_target
from posthog_mock.testing import MockServer, free_port
from tests.contract.conftest import run_contract

SERVER = {
    "POSTHOG_HOST": "http://127.0.0.1:9",
    "POSTHOG_PROJECT_ID": "1",
    "POSTHOG_PERSONAL_API_KEY": "phx_env",
}


def clean_env() -> dict[str, str]:
    """The environment less POSTHOG_*, CONTRACT_* and PYTEST_ADDOPTS (the outer run's options)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("POSTHOG_", "CONTRACT_")) and k != "PYTEST_ADDOPTS"
    }


def quiet_env() -> dict[str, str]:
    """`clean_env` with an unroutable proxy: no request may be attempted."""
    env = clean_env()
    env["HTTPS_PROXY"] = env["HTTP_PROXY"] = "http://127.0.0.1:9"
    return env


def run_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m contract_tests ARGS` from the checkout."""
    return subprocess.run(
        [sys.executable, "-m", "contract_tests", *args],
        env=env or quiet_env(),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_options_win_over_variables_and_current_project_is_accepted() -> None:
    options = {"--host": "http://127.0.0.1:8010/", "--project-id": "@current", "--api-key": "k"}

    target = live_target(SERVER, options)

    assert target == TargetInfo("http://127.0.0.1:8010", "@current", "k", None)


def test_read_only_key_comes_from_its_option_or_its_variable() -> None:
    from_variable = live_target({**SERVER, "POSTHOG_READ_ONLY_API_KEY": "phx_read"})
    from_option = live_target(SERVER, {"--read-only-api-key": "phx_option"})

    assert (from_variable.read_only_key, from_option.read_only_key) == ("phx_read", "phx_option")


def test_missing_server_values_name_option_and_variable() -> None:
    with pytest.raises(SettingsError) as raised:
        live_target({}, {"--host": "http://h"}, command="posthog-contract")

    assert str(raised.value) == (
        "posthog-contract needs --project-id or POSTHOG_PROJECT_ID, --api-key or"
        " POSTHOG_PERSONAL_API_KEY (nothing was sent)"
    )


def test_project_that_is_neither_numeric_nor_current_is_refused() -> None:
    with pytest.raises(SettingsError) as raised:
        live_target({**SERVER, "POSTHOG_PROJECT_ID": "my-project"})

    assert str(raised.value) == (
        "the project (--project-id or POSTHOG_PROJECT_ID) must be a numeric project id or"
        " @current (the key's current project), not 'my-project'"
    )


@pytest.mark.parametrize(
    ("args", "host", "paced"),
    [
        (["--host", "http://127.0.0.1:8010"], "http://127.0.0.1:8010", False),
        (["--live"], "http://127.0.0.1:8010", True),
        (["--live", "--own-server"], "http://127.0.0.1:8010", False),
        (["--host", "https://eu.posthog.com"], "https://eu.posthog.com", True),
        (["--live"], "https://us.posthog.com", True),
    ],
)
def test_pacing_and_create_budget_apply_to_cloud_and_live_unless_own_server(
    args: list[str], host: str, paced: bool
) -> None:
    settings = settings_for(build_parser().parse_args(args), TargetInfo(host, "1", "k"))

    expected = (
        (DEFAULT_LIVE_REQUESTS_PER_MINUTE, DEFAULT_LIVE_MAX_CREATES) if paced else (None,) * 2
    )
    assert (settings.requests_per_minute, settings.max_creates) == expected
    assert settings.mode == "live"


def test_own_server_is_refused_for_posthog_cloud() -> None:
    completed = run_command(
        "--host", "https://us.posthog.com", "--project-id", "1", "--api-key", "k", "--own-server"
    )

    assert (completed.returncode, completed.stdout) == (2, "")
    assert completed.stderr.splitlines() == [
        "error: --own-server is refused for PostHog Cloud (us.posthog.com): nobody owns it"
        " alone, so the run stays paced (400 requests a minute) with its create budget"
    ]


def test_only_that_matches_no_test_is_a_usage_error() -> None:
    completed = run_command("--only", "test_operation[GET /nowhere]")

    assert (completed.returncode, completed.stdout) == (2, "")
    assert completed.stderr.splitlines() == [
        "error: --only 'test_operation[GET /nowhere]' matches no test of the suite; its tests"
        " are: 'test_operation[GET /api/projects/{project_id}/web_experiments/]',"
        " 'test_operation[POST /api/projects/{project_id}/web_experiments/]',"
        " 'test_operation[GET /api/projects/{project_id}/web_experiments/{id}/]',"
        " 'test_operation[PUT /api/projects/{project_id}/web_experiments/{id}/]',"
        " 'test_operation[PATCH /api/projects/{project_id}/web_experiments/{id}/]',"
        " 'test_operation[DELETE /api/projects/{project_id}/web_experiments/{id}/]',"
        " 'TestStateful::runTest'"
    ]


def test_server_options_without_a_server_are_a_usage_error() -> None:
    completed = run_command("--api-key", "phx_key", "--project-id", "@current")

    assert (completed.returncode, completed.stdout) == (2, "")
    assert completed.stderr.splitlines()[-1] == (
        "python -m contract_tests: error: --project-id, --api-key: only for a server run, with"
        " --host URL (or --live and POSTHOG_HOST); without them the run checks an embedded mock"
    )


def test_make_target_errors_name_the_target_and_its_variables() -> None:
    completed = run_command("--command-name", "make contract-live", "--live")

    assert (completed.returncode, completed.stdout) == (2, "")
    assert completed.stderr.splitlines() == [
        "error: make contract-live needs POSTHOG_HOST, POSTHOG_PROJECT_ID,"
        " POSTHOG_PERSONAL_API_KEY (nothing was sent)"
    ]


@pytest.mark.slow
def test_host_options_check_a_running_mock_with_the_current_project(
    mock_server: MockServer, tmp_path: Path
) -> None:
    host = str(mock_server.base_url).rstrip("/")
    args = ["--host", host, "--project-id", "@current", "--api-key", MOCK_FULL_KEY]

    result = run_contract(
        [*args, "--max-examples", "5", "--reports-dir", str(tmp_path)], clean_env()
    )

    assert result.returncode == 0, result.output[-4000:]
    assert f"Contract suite against {host} (live)" in result.output
    # Unpaced and unbounded: the run may create more than the live budget of 25.
    assert "creates skipped (budget)" not in result.output
    assert "replay the run:  python -m contract_tests --host" not in result.output or (
        f"--host {host} --project-id @current --max-examples 5" in result.output
    )


DOC = REPO_ROOT / "docs" / "conformance.md"
DOC_SEED = "1485077655"


def comparable(text: str, reports: Path) -> list[str]:
    """Lines of a run's output as the docs may show them: numbers, ports, rule widths aside."""
    lines = []
    for raw in text.replace(str(reports), "reports").splitlines():
        line = re.sub(r" \(\d+:\d\d:\d\d\)$", "", raw)  # pytest adds (h:mm:ss) past a minute
        # pytest pads its rules to the terminal width: one dash or many, they are one rule.
        line = re.sub(r"^[-=]+(?= )|(?<= )[-=]+$|^[-=]{3,}$", "---", line)
        line = re.sub(r"\d+", "N", line).rstrip()
        if line and line != "---":
            lines.append(line)
    return lines


def documented_run() -> str:
    """The two text blocks of docs/conformance.md that show what `make contract` prints."""
    section = DOC.read_text(encoding="utf-8").split("`make contract` prints what pytest says", 1)[1]
    blocks: list[str] = re.findall(r"```text\n(.*?)```", section, re.DOTALL)
    return blocks[0] + blocks[1]


@pytest.mark.slow
def test_embedded_run_reports_known_defects_as_expected_failures_as_documented(
    tmp_path: Path,
) -> None:
    args = ["--command-name", "make contract", "--seed", DOC_SEED, "--reports-dir", str(tmp_path)]
    result = run_contract(args, clean_env())

    assert result.returncode == 0, result.output[-4000:]
    assert re.search(r"\bfailed\b", result.output, re.IGNORECASE) is None
    assert "Traceback" not in result.output
    xfails = re.findall(r"^XFAIL (.+?) - known PostHog defect: (.+)$", result.output, re.MULTILINE)
    assert xfails, result.output
    assert f"{len(xfails)} xfailed (known PostHog defects only)" in result.output
    assert re.search(r"PASSED \(\d+ known defects\) \(exit 0\)$", result.output.rstrip())
    # On a difference: `python scripts/document_contract_run.py` writes the run into the docs.
    assert comparable(result.output, tmp_path) == comparable(documented_run(), tmp_path)


def test_unreachable_host_given_as_an_option_names_the_option() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    completed = run_command(
        "--host", url, "--project-id", "1", "--api-key", "phx_key", env=clean_env()
    )

    assert (completed.returncode, completed.stdout) == (4, "")
    assert completed.stderr.splitlines() == [
        f"error: cannot reach {url} (Connection refused); check --host (scheme, host, port) and"
        " that the server is running"
    ]


def test_conformance_doc_lists_every_option_of_the_command() -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    sentence = text.split("`python -m contract_tests --help` lists them all:", 1)[1]
    listed = re.findall(r"`(--[a-z-]+)`", sentence.split(". ", 1)[0])
    options = {
        option
        for action in build_parser()._actions
        if action.help != argparse.SUPPRESS
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }

    assert sorted(listed) == sorted(options)
