"""`python -m live_road clean`: the clean-up of any tool's journal, on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from live_road.__main__ import main
from live_road.facts import Target
from live_road.journal import Journal
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
