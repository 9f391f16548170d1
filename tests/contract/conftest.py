"""Fixtures of the suite's own tests: a real posthog_mock with the suite's keys, a runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from contract_tests.settings import REPO_ROOT
from contract_tests.targets import MOCK_CONFIG, MOCK_FULL_KEY, MOCK_READ_ONLY_KEY
from posthog_mock.testing import MockServer


@dataclass(frozen=True)
class RunResult:
    """What one `python -m contract_tests` run printed and returned."""

    returncode: int
    output: str


@contextmanager
def suite_mock(
    directory: Path, posthog_version: str | None = None, *, strict: bool | None = None
) -> Iterator[MockServer]:
    """A fresh posthog_mock with the suite's three keys, its files in `directory` (in-process)."""
    config = directory / "mock.toml"
    config.write_text(MOCK_CONFIG, encoding="utf-8")
    with MockServer.start(
        db_path=directory / "mock.db",
        config_path=config,
        in_process=True,
        posthog_version=posthog_version,
        strict=strict,
    ) as server:
        yield server


@pytest.fixture
def mock_server(tmp_path: Path) -> Iterator[MockServer]:
    """A fresh posthog_mock with the suite's three keys, on a free loopback port."""
    with suite_mock(tmp_path) as server:
        yield server


@pytest.fixture
def mock_client(mock_server: MockServer) -> Iterator[httpx.Client]:
    """An httpx client for the mock, authenticated with the all-scopes key."""
    with httpx.Client(
        base_url=mock_server.base_url,
        headers={"Authorization": f"Bearer {MOCK_FULL_KEY}"},
        timeout=30,
    ) as client:
        yield client


def live_env(base_url: str, *, read_only: bool = True) -> dict[str, str]:
    """Environment for `--live` against `base_url`, project 1, with the suite's mock keys."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("POSTHOG_", "CONTRACT_"))
    }
    env.update(
        POSTHOG_HOST=base_url,
        POSTHOG_PROJECT_ID="1",
        POSTHOG_PERSONAL_API_KEY=MOCK_FULL_KEY,
    )
    if read_only:
        env["POSTHOG_READ_ONLY_API_KEY"] = MOCK_READ_ONLY_KEY
    return env


def run_contract(args: list[str], env: dict[str, str], timeout: float = 300) -> RunResult:
    """Run `python -m contract_tests` as a user would, and capture its output."""
    completed = subprocess.run(
        [sys.executable, "-m", "contract_tests", *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return RunResult(completed.returncode, completed.stdout + completed.stderr)
