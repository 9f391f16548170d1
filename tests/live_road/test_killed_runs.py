"""A run of each live tool killed right after its first create is cleaned by another tool's run.

Every tool writes the one journal (`reports/live-journal.json` of its working folder; the
contract suite's `--reports-dir`); the next run of any tool resumes it before sending anything.
The server is the mock over real HTTP on loopback, set up as parity's recordings were.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from parity.targets import MOCK_KEYS, MOCK_PROJECTS, mock_config_toml
from posthog_mock.testing import MockServer

pytestmark = pytest.mark.slow

ALL = MOCK_KEYS["all"][0]
COMMANDS = {
    "contract-live": [
        "-m",
        "contract_tests",
        "--live",
        "--max-examples",
        "2",
        "--requests-per-minute",
        "0",
        "--reports-dir",
        "reports",
    ],
    "parity-live": ["-m", "parity", "live", "put_replaces", "--requests-per-minute", "0"],
    "parity-fuzz": [
        "-m",
        "parity.fuzz",
        "--max-examples",
        "1",
        "--no-mutations",
        "--requests-per-minute",
        "0",
    ],
    "parity-surface": ["-m", "parity", "surface", "--max-requests", "40"],
}


def environment(base_url: str) -> dict[str, str]:
    """The live tools' variables for the mock, keys by role."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTHOG_", "PARITY_"))}
    env.update(
        {
            "POSTHOG_HOST": base_url,
            "POSTHOG_PROJECT_ID": str(MOCK_PROJECTS["main"]),
            "PARITY_OTHER_PROJECT_ID": str(MOCK_PROJECTS["other"]),
            "POSTHOG_PERSONAL_API_KEY": ALL,
            "PARITY_READ_KEY": MOCK_KEYS["read"][0],
            "PARITY_WRITE_KEY": MOCK_KEYS["write"][0],
        }
    )
    return env


def left_on(base_url: str) -> dict[str, int]:
    """Experiments of both projects and flags not soft-deleted of the main one."""
    headers = {"Authorization": f"Bearer {ALL}"}
    counts = {}
    for role in ("main", "other"):
        url = f"{base_url}/api/projects/{MOCK_PROJECTS[role]}/web_experiments/"
        counts[f"experiments {role}"] = httpx.get(url, headers=headers).json()["count"]
    flags = f"{base_url}/api/projects/{MOCK_PROJECTS['main']}/feature_flags/"
    counts["flags"] = httpx.get(flags, headers=headers).json()["count"]
    return counts


@pytest.mark.parametrize(
    ("killed", "following"),
    [
        ("contract-live", "parity-live"),
        ("parity-live", "parity-surface"),
        ("parity-fuzz", "contract-live"),
        ("parity-surface", "parity-live"),
    ],
)
def test_a_run_killed_after_its_first_create_is_cleaned_by_another_tool(
    tmp_path: Path, killed: str, following: str
) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(mock_config_toml(rate_limit=False), encoding="utf-8")
    journal = tmp_path / "reports" / "live-journal.json"
    with MockServer.start(config_path=config, in_process=True) as server:
        base = str(server.base_url).rstrip("/")
        env = environment(base)
        process = subprocess.Popen(
            [sys.executable, *COMMANDS[killed]],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 240
        seen: dict[str, object] = {}
        try:
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    seen = json.loads(journal.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    seen = {}
                if seen.get("created") or seen.get("pending"):
                    break
                time.sleep(0.01)
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert seen.get("created") or seen.get("pending"), f"{killed} created nothing"
        assert sum(left_on(base).values()) > 0 or seen.get("pending")

        cleaning = subprocess.run(
            [sys.executable, *COMMANDS[following]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

        output = cleaning.stdout + cleaning.stderr
        # What the killed run left: experiments (resumed and deleted) or, when it had deleted
        # them itself before the kill, their flags (soft-deleted).
        resumed = ("resumed the journal of an earlier run", "feature flags earlier runs left")
        assert any(line in output for line in resumed), output[-3000:]
        assert left_on(base) == {"experiments main": 0, "experiments other": 0, "flags": 0}
