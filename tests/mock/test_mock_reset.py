"""Resetting a running mock: after soft-deleted flags, and from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from posthog_mock.testing import MockServer, free_port

ROOT = Path(__file__).resolve().parents[2]
P = "/api/projects/1"
CONTROL = {"control": {"rollout_percentage": 100}}


def soft_deleted_flag(client: httpx.Client) -> None:
    """Create and delete an experiment, then soft-delete the flag PostHog keeps for it."""
    created = client.post(f"{P}/web_experiments/", json={"name": "kept flag", "variants": CONTROL})
    key = created.json()["feature_flag_key"]
    assert client.delete(f"{P}/web_experiments/{created.json()['id']}/").status_code == 204
    (flag,) = client.get(f"{P}/feature_flags/", params={"search": key}).json()["results"]
    patched = client.patch(f"{P}/feature_flags/{flag['id']}/", json={"deleted": True})
    assert patched.status_code == 200, patched.text


def test_reset_after_a_soft_deleted_flag_empties_the_mock(tmp_path: Path) -> None:
    with (
        MockServer.start(db_path=tmp_path / "db.sqlite3", in_process=True) as server,
        httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}
        ) as client,
    ):
        soft_deleted_flag(client)

        reset = httpx.post(f"{server.base_url}/_mock/reset")

        assert (reset.status_code, reset.text) == (204, "")
        assert httpx.get(f"{server.base_url}/_mock/feature_flags").json() == {
            "count": 0,
            "results": [],
        }


def test_make_mock_reset_uses_the_port_of_mock_args(tmp_path: Path) -> None:
    with MockServer.start(db_path=tmp_path / "db.sqlite3", in_process=True) as server:
        port = int(str(server.base_url).rstrip("/").rsplit(":", 1)[1])
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}
        ) as client:
            client.post(f"{P}/web_experiments/", json={"name": "gone", "variants": CONTROL})

            done = subprocess.run(
                ["make", "--no-print-directory", "mock-reset", f"MOCK_ARGS=--port {port}"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )

            assert done.returncode == 0, done.stdout + done.stderr
            assert done.stdout.splitlines()[-1] == (
                f"posthog_mock at http://127.0.0.1:{port} reset: no experiments, flags, faults"
                " or journal"
            )
            assert client.get(f"{P}/web_experiments/").json()["count"] == 0


def test_reset_of_a_mock_that_is_not_running_says_so_in_one_line() -> None:
    port = free_port()

    done = subprocess.run(
        [sys.executable, "-m", "posthog_mock", "--port", str(port), "--reset"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"posthog_mock: error: cannot reset the mock at http://127.0.0.1:{port}:"
        " [Errno 111] Connection refused\n"
    )
