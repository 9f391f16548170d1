"""Every code block in README.md is exercised: Python and TOML for real, shell lines via make."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contract_tests.exclusions import OPERATION_IDS
from contract_tests.summary import BUILTIN_CHECKS, OWN_CHECKS
from posthog_mock.testing import MockServer

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<code>.*?)^```$", re.DOTALL | re.MULTILINE)
# Targets that CI runs itself (`make check` and its parts), that start long-running servers or
# that need a live PostHog or wrk: the test proves the target exists and its recipe expands
# (`make --dry-run`); the tests of each feature run the real thing.
DRY_RUN_TARGETS = {
    "check", "contract", "contract-live", "lint", "generate", "check-generated",
    "mock", "bench-mock", "bench-sdk", "parity-record", "parity-live", "parity-fuzz",
}  # fmt: skip


def blocks(*languages: str) -> list[Any]:
    """README code blocks of the given languages, as pytest params named by their line."""
    return [
        pytest.param(match["code"], id=f"README.md:{README.count(chr(10), 0, match.start()) + 1}")
        for match in FENCE.finditer(README)
        if match["lang"] in languages
    ]


def shell_commands(code: str) -> Iterator[list[str]]:
    """The commands of a shell block, one per line, without comments."""
    for raw in code.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            yield shlex.split(line)


def test_readme_code_blocks_are_of_known_kinds() -> None:
    languages = [match["lang"] for match in FENCE.finditer(README)]
    assert set(languages) == {"python", "sh", "toml", "text"}
    assert "CONTRACT_SECTION" not in README


def test_tree_block_names_paths_that_exist() -> None:
    tree = next(match["code"] for match in FENCE.finditer(README) if match["lang"] == "text")
    paths = [line.split()[0] for line in tree.splitlines() if line.strip()]
    assert "openapi.yaml" in paths
    assert [path for path in paths if not (ROOT / path).exists()] == []


def test_sample_summary_lists_the_suite_checks_and_operations() -> None:
    sample = next(
        match["code"]
        for match in FENCE.finditer(README)
        if match["lang"] == "text" and match["code"].startswith("Contract suite against")
    )
    rows = [line.split()[0] for line in sample.splitlines() if line.startswith("  ")]
    assert rows == [*BUILTIN_CHECKS, *OWN_CHECKS]
    header = next(line for line in sample.splitlines() if line.startswith("web_experiments_*"))
    assert ["web_experiments_" + name for name in header.split()[1:]] == list(OPERATION_IDS)


@pytest.fixture(scope="module")
def mock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    """One mock server for every README example."""
    with MockServer.start(db_path=tmp_path_factory.mktemp("readme") / "mock.db") as server:
        yield server


@pytest.mark.parametrize("code", blocks("python"))
def test_python_block_runs_against_the_mock(
    code: str, mock_server: MockServer, tmp_path: Path
) -> None:
    mock_server.reset()
    assert mock_server.api_key is not None
    env = {
        **os.environ,
        "POSTHOG_HOST": mock_server.base_url,
        "POSTHOG_PERSONAL_API_KEY": mock_server.api_key,
        "POSTHOG_PROJECT_ID": str(mock_server.project_id),
    }
    env.pop("POSTHOG_LOG", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("code", blocks("toml"))
def test_toml_block_is_a_config_the_mock_starts_with(code: str, tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(code, encoding="utf-8")
    tomllib.loads(code)
    with MockServer.start(config_path=config) as server:
        assert server.api_key == tomllib.loads(code)["keys"][0]["value"]


@pytest.mark.parametrize("code", blocks("sh"))
def test_shell_block_make_targets_work(code: str) -> None:
    commands = list(shell_commands(code))
    assert commands
    for command in commands:
        assert command[0] == "make", f"README shell lines are make commands: {command}"
        targets = [word for word in command[1:] if "=" not in word]
        variables = [word for word in command[1:] if "=" in word]
        for target in targets or ["help"]:
            dry_run = ["--dry-run"] if target in DRY_RUN_TARGETS else []
            result = subprocess.run(
                ["make", *dry_run, target, *variables],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert result.returncode == 0, (command, result.stdout, result.stderr)
            if target == "help":
                assert "check" in result.stdout
