"""The live road's policies against a real HTTP server on loopback, faults chosen per test."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from live_road.cleanup import delete_leftovers, flag_lines, resume, start
from live_road.facts import Target
from live_road.journal import Journal, JournalTargetError
from live_road.policy import Policy, UnsafeRequestRefusedError
from live_road.transport import open_session
from tests.live_road.server import (
    ALL_KEY,
    EXPERIMENT_KEY,
    READ_KEY,
    Faults,
    live_flags,
    serve,
)

VARIANTS = {"control": {"rollout_percentage": 100}}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_write_after_which_reads_break_is_deleted_at_once_and_recorded(tmp_path: Path) -> None:
    with serve(Faults(breaks_reads_after="poison")) as (base, state):
        session, transport = open_session(
            Target(base, "1"), Journal(tmp_path / "j.json"), Policy.live_guarded(max_creates=5)
        )
        fine = session.post(
            f"{base}/api/projects/1/web_experiments/",
            json={"name": "fine", "variants": VARIANTS},
            headers=auth(ALL_KEY),
        )
        broken = session.post(
            f"{base}/api/projects/1/web_experiments/",
            json={"name": "poisoned", "variants": {"control": {"x": "poison"}}},
            headers=auth(ALL_KEY),
        )

        assert (fine.status_code, broken.status_code) == (201, 201)
        assert list(state.experiments) == [fine.json()["id"]]  # the poisoned one is gone
        (brk,) = transport.journal.read_breaks
        assert brk.experiment_id == broken.json()["id"]
        assert brk.read == f"GET /api/projects/1/web_experiments/{brk.experiment_id}/ answered 500"
        assert (brk.deleted, brk.list_after) == (True, "200")
        assert Journal.load(tmp_path / "j.json").read_breaks[0].deleted


@pytest.mark.parametrize("header", [False, True], ids=["detail", "retry-after"])
def test_a_429_storm_is_waited_out_and_each_wait_journaled(tmp_path: Path, header: bool) -> None:
    slept: list[float] = []
    with serve(Faults(throttle_first=4, retry_after_header=header)) as (base, state):
        session, transport = open_session(
            Target(base, "1"),
            Journal(tmp_path / "j.json"),
            Policy.live_guarded(max_creates=1),
            sleep=slept.append,
        )
        answer = session.get(f"{base}/api/projects/1/web_experiments/", headers=auth(ALL_KEY))

    assert answer.status_code == 200
    assert slept == [0.0] * 4
    assert transport.journal.throttled_waits == [0.0] * 4
    assert [status for _, _, status in state.log] == [429, 429, 429, 429, 200]


def test_a_read_only_policy_sends_reads_once_and_refuses_writes(tmp_path: Path) -> None:
    with serve(Faults(throttle_first=1)) as (base, state):
        session, _ = open_session(
            Target(base, "1"), Journal(tmp_path / "j.json"), Policy.read_only()
        )
        answer = session.get(f"{base}/api/projects/1/web_experiments/", headers=auth(ALL_KEY))
        with pytest.raises(UnsafeRequestRefusedError, match="only reads are sent"):
            session.post(f"{base}/api/projects/1/web_experiments/", json={"name": "n"})

    assert answer.status_code == 429
    assert len(state.log) == 1


def test_a_create_dropped_after_storing_is_adopted_and_cleaned_by_the_next_run(
    tmp_path: Path,
) -> None:
    path = tmp_path / "live-journal.json"
    with serve(Faults(drop_after_storing="dropped")) as (base, state):
        target = Target(base, "1")
        _, session, transport = start(
            path, target, ALL_KEY, Policy.live_guarded(max_creates=5), tool="first"
        )
        with pytest.raises(requests.ConnectionError):
            session.post(
                f"{base}/api/projects/1/web_experiments/",
                json={"name": " dropped ", "variants": VARIANTS},
                headers=auth(ALL_KEY),
            )
        assert [p.name for p in Journal.load(path).pending] == ["dropped"]
        (stored,) = state.experiments

        # The next run (any tool) resumes the journal before it sends anything of its own.
        lines, _, _ = start(path, target, ALL_KEY, Policy.live_guarded(max_creates=5), tool="next")

        assert state.experiments == {}
        assert live_flags(state) == []
        assert lines == [
            f"resumed the journal of an earlier run ({path}): experiments [{stored}] deleted"
            f" (created by first); of its creates without an answer ['dropped'], found [{stored}]",
            f"soft-deleted 1 feature flags earlier runs left: ['flag-{stored}']",
        ]
    del transport


def test_a_key_without_flag_scope_names_every_flag_left_and_the_next_run_removes_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "live-journal.json"
    with serve() as (base, state):
        target = Target(base, "1")
        _, session, transport = start(
            path, target, EXPERIMENT_KEY, Policy.live_guarded(max_creates=5), tool="first"
        )
        for name in ("a", "b"):
            session.post(
                f"{base}/api/projects/1/web_experiments/",
                json={"name": name, "variants": VARIANTS},
                headers=auth(EXPERIMENT_KEY),
            )
        assert delete_leftovers(transport, EXPERIMENT_KEY) == []
        left = live_flags(state)

        assert state.experiments == {}
        assert flag_lines(transport.journal) == [
            "Feature flags left behind (2; 0 soft-deleted; the key lacks feature_flag:write,"
            ' the scope that would let the run soft-delete them (PATCH {"deleted": true})):',
            *(f"    {key}" for key in left),
        ]

        lines, earlier = resume(path, target, ALL_KEY)

        assert live_flags(state) == []
        assert lines == [f"soft-deleted 2 feature flags earlier runs left: {left}"]
        assert earlier.flags_left() == []


def test_the_flag_a_failed_create_left_without_an_experiment_is_found_and_soft_deleted(
    tmp_path: Path,
) -> None:
    with serve(Faults(flag_then_500="half made")) as (base, state):
        _, session, transport = start(
            tmp_path / "j.json",
            Target(base, "1"),
            ALL_KEY,
            Policy.live_guarded(max_creates=5),
            tool="t",
        )
        answer = session.post(
            f"{base}/api/projects/1/web_experiments/",
            json={"name": "half made", "variants": VARIANTS},
            headers=auth(ALL_KEY),
        )
        assert (answer.status_code, state.experiments, len(live_flags(state))) == (500, {}, 1)

        assert delete_leftovers(transport, ALL_KEY) == []

        assert live_flags(state) == []
        assert flag_lines(transport.journal) == [
            "Feature flags of the run's experiments: 1 soft-deleted, none left"
        ]


@pytest.mark.parametrize("policy", ["live-guarded", "own-server"])
def test_a_create_answered_without_a_readable_id_is_found_by_name_and_cleaned(
    tmp_path: Path, policy: str
) -> None:
    with serve(Faults(html_answer="html")) as (base, state):
        chosen = (
            Policy.own_server(base, max_creates=5)
            if policy == "own-server"
            else Policy.live_guarded(max_creates=5)
        )
        _, session, transport = start(
            tmp_path / "j.json", Target(base, "1"), ALL_KEY, chosen, tool="t"
        )
        answer = session.post(
            f"{base}/api/projects/1/web_experiments/",
            json={"name": "html", "variants": VARIANTS},
            headers=auth(ALL_KEY),
        )
        assert (answer.status_code, len(state.experiments)) == (201, 1)

        assert delete_leftovers(transport, ALL_KEY) == []

        assert (state.experiments, live_flags(state)) == ({}, [])


def test_a_create_on_the_list_with_a_format_suffix_is_journaled_and_cleaned(
    tmp_path: Path,
) -> None:
    with serve() as (base, state):
        session, transport = open_session(
            Target(base, "1"), Journal(tmp_path / "j.json"), Policy.live_guarded(max_creates=1)
        )
        created = session.post(
            f"{base}/api/projects/1/web_experiments.json",
            json={"name": "suffixed", "variants": VARIANTS},
            headers=auth(ALL_KEY),
        )
        with pytest.raises(UnsafeRequestRefusedError, match="may create at most 1"):
            session.post(
                f"{base}/api/projects/1/web_experiments.json",
                json={"name": "second", "variants": VARIANTS},
                headers=auth(ALL_KEY),
            )

        assert list(transport.journal.created) == [created.json()["id"]]
        assert delete_leftovers(transport, ALL_KEY) == []
        assert (state.experiments, live_flags(state)) == ({}, [])


def test_flags_of_experiments_made_in_another_project_are_soft_deleted_there(
    tmp_path: Path,
) -> None:
    with serve() as (base, state):
        session, transport = open_session(
            Target(base, "1"), Journal(tmp_path / "j.json"), Policy.live_guarded(max_creates=5)
        )
        session.post(
            f"{base}/api/projects/2/web_experiments/",
            json={"name": "elsewhere", "variants": VARIANTS},
            headers=auth(ALL_KEY),
        )

        assert delete_leftovers(transport, ALL_KEY) == []

        assert (state.experiments, live_flags(state)) == ({}, [])
        patched = [path for method, path, _ in state.log if method == "PATCH"]
        assert patched == ["/api/projects/2/feature_flags/1100/"]


def test_a_read_only_key_creates_nothing_and_leaves_no_pending_create(tmp_path: Path) -> None:
    with serve() as (base, state):
        session, transport = open_session(
            Target(base, "1"), Journal(tmp_path / "j.json"), Policy.live_guarded(max_creates=5)
        )
        answer = session.post(
            f"{base}/api/projects/1/web_experiments/",
            json={"name": "n", "variants": VARIANTS},
            headers=auth(READ_KEY),
        )

    assert answer.status_code == 403
    assert answer.json() == {"detail": "API key missing required scope 'experiment:write'"}
    assert (transport.journal.created, transport.journal.pending) == ({}, [])
    assert state.experiments == {}


@pytest.mark.parametrize(
    "url", ["https://us.posthog.com", "https://eu.posthog.com/", "https://X.PostHog.com."]
)
def test_own_server_is_refused_for_posthog_cloud(url: str) -> None:
    with pytest.raises(UnsafeRequestRefusedError) as caught:
        Policy.own_server(url, max_creates=None)

    host = url.split("//")[1].rstrip("/.").lower()
    assert str(caught.value) == (
        f"{url} is PostHog Cloud ({host}): the guard stays on for it (no own-server)"
    )


def test_own_server_sends_what_the_guard_refuses_to_its_own_origin_only(tmp_path: Path) -> None:
    with serve() as (base, state):
        session, transport = open_session(
            Target(base, "1"),
            Journal(tmp_path / "j.json"),
            Policy.own_server(base, max_creates=None),
        )
        patched = session.patch(f"{base}/api/projects/1/web_experiments/", headers=auth(ALL_KEY))
        with pytest.raises(UnsafeRequestRefusedError, match="not the target"):
            session.get("http://127.0.0.1:9/api/projects/1/web_experiments/")
        created = session.post(
            f"{base}/api/projects/%2B1/web_experiments/",
            json={"name": "n", "variants": VARIANTS},
            headers=auth(ALL_KEY),
        )

    assert patched.status_code == 400
    # A create on any route form is journaled, in the project `int()` reads.
    (experiment,) = transport.journal.created.values()
    assert (experiment.id, experiment.project) == (created.json()["id"], "1")
    del state


def test_a_journal_of_another_server_is_not_resumed_there(tmp_path: Path) -> None:
    path = tmp_path / "live-journal.json"
    with serve() as (base, _):
        _, session, _ = start(
            path, Target(base, "1"), ALL_KEY, Policy.live_guarded(max_creates=1), tool="t"
        )
        session.post(
            f"{base}/api/projects/1/web_experiments/",
            json={"name": "n", "variants": VARIANTS},
            headers=auth(ALL_KEY),
        )

    with pytest.raises(JournalTargetError) as caught:
        resume(path, Target("http://127.0.0.1:9", "1"), ALL_KEY)

    assert str(caught.value) == (
        f"the journal {path} holds unfinished work on {base} project 1: clean it there first"
        " (python -m live_road clean) or use another journal"
    )
