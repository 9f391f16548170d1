"""`python -m live_road clean`: the clean-up of any tool's journal, on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from live_road.__main__ import main
from live_road.facts import Target
from live_road.journal import Journal, JournalBusyError, hold, release
from live_road.policy import Policy
from live_road.transport import open_session
from tests.live_road.server import ALL_KEY, EXPERIMENT_KEY, live_flags, serve


def test_clean_deletes_what_a_run_left_and_names_flags_it_cannot_remove(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "live-journal.json"
    with serve() as (base, state):
        journal = Journal(path, tool="parity-fuzz", base_url=base, project_id="1")
        session, _ = open_session(Target(base, "1"), journal, Policy.live_guarded(max_creates=2))
        created = session.post(
            f"{base}/api/projects/1/web_experiments/",
            json={"name": "left", "variants": {}},
            headers={"Authorization": f"Bearer {ALL_KEY}"},
        ).json()
        monkeypatch.setenv("POSTHOG_HOST", base)
        monkeypatch.setenv("POSTHOG_PROJECT_ID", "1")
        monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", EXPERIMENT_KEY)

        without_flag_scope = main(["clean", "--journal", str(path)])
        first = capsys.readouterr().out
        monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", ALL_KEY)
        with_flag_scope = main(["clean", "--journal", str(path)])
        second = capsys.readouterr().out

        assert state.experiments == {}
        assert live_flags(state) == []

    key = created["feature_flag_key"]
    assert without_flag_scope == 5
    assert first == (
        f"resumed the journal of an earlier run ({path}): experiments [{created['id']}]"
        " deleted (created by parity-fuzz)\n"
        "Feature flags left behind (1; 0 soft-deleted; the key lacks feature_flag:write, the"
        ' scope that would let the run soft-delete them (PATCH {"deleted": true})):\n'
        f"    {key}\n"
    )
    assert with_flag_scope == 0
    assert second == (
        f"soft-deleted 1 feature flags earlier runs left: ['{key}']\n"
        "Feature flags of the run's experiments: 1 soft-deleted, none left\n"
    )


def test_clean_without_the_variables_says_which_to_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("POSTHOG_HOST", "POSTHOG_PROJECT_ID", "POSTHOG_PERSONAL_API_KEY"):
        monkeypatch.delenv(name, raising=False)

    assert main(["clean"]) == 2
    assert capsys.readouterr().err == (
        "error: set POSTHOG_HOST, POSTHOG_PROJECT_ID, POSTHOG_PERSONAL_API_KEY\n"
    )


HOLDER = """
import sys, time
from pathlib import Path
from live_road.journal import hold
hold(Path(sys.argv[1]), "parity-fuzz")
print("holding", flush=True)
time.sleep(120)
"""


def test_a_journal_in_use_by_a_running_tool_is_refused_until_that_run_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "live-journal.json"
    with serve() as (base, state):
        journal = Journal(path, tool="parity-fuzz", base_url=base, project_id="1")
        session, _ = open_session(Target(base, "1"), journal, Policy.live_guarded(max_creates=2))
        session.post(
            f"{base}/api/projects/1/web_experiments/",
            json={"name": "in flight", "variants": {}},
            headers={"Authorization": f"Bearer {ALL_KEY}"},
        )
        for name, value in (("POSTHOG_HOST", base), ("POSTHOG_PROJECT_ID", "1")):
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", ALL_KEY)
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline() == "holding\n"
            requests_before = len(state.log)

            refused = main(["clean", "--journal", str(path)])
            error = capsys.readouterr().err

            # Refused before sending anything: the running tool's experiment is untouched.
            assert refused == 2
            assert len(state.log) == requests_before
            assert len(state.experiments) == 1
        finally:
            holder.kill()  # SIGKILL: the system frees the lock with the process
            holder.communicate()
        cleaned = main(["clean", "--journal", str(path)])
        assert state.experiments == {}

    assert error == (
        f"error: the journal {path} is in use by another live run (parity-fuzz, pid"
        f" {holder.pid}, since {error.split('since ')[1].split(')')[0]}): wait for it to end (a"
        " run in another folder keeps a journal of its own)\n"
    )
    assert cleaned == 0


def test_one_process_holds_a_journal_again_and_gives_it_up(tmp_path: Path) -> None:
    path = tmp_path / "live-journal.json"
    hold(path, "contract")
    hold(path, "contract")
    check = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path;"
        " from live_road.journal import hold; hold(Path(sys.argv[1]))",
        str(path),
    ]

    busy = subprocess.run(check, capture_output=True, text=True, check=False)
    release(path)
    free = subprocess.run(check, capture_output=True, text=True, check=False)

    assert JournalBusyError.__name__ in busy.stderr
    assert "(contract, pid " in busy.stderr
    assert free.returncode == 0, free.stderr
