"""Every recording replayed on fresh mocks of each profile; the tables generated from them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parity.corpus import SCENARIOS
from parity.executor import describe_request
from parity.model import Scenario
from parity.replay import (
    COVERAGE_PATH,
    DOCS_PATH,
    ScenarioReplay,
    attribute_changes,
    check_explained,
    coverage,
    generate,
    lost_coverage,
    recorded,
    replay_profiles,
)
from parity.snapshots import SNAPSHOT_DIR, dump_snapshot, load_snapshot
from parity.targets import RECORDED_PROFILE

Replays = dict[str, dict[str, ScenarioReplay]]


@pytest.fixture(scope="module")
def reference() -> dict[str, list[dict[str, Any]]]:
    return recorded(SCENARIOS)


@pytest.fixture(scope="module")
def replays(reference: dict[str, list[dict[str, Any]]]) -> Replays:
    return replay_profiles(reference)


def test_every_scenario_has_a_snapshot_and_every_snapshot_a_scenario() -> None:
    recorded_names = sorted(path.stem for path in SNAPSHOT_DIR.glob("*.json"))
    assert recorded_names == sorted(s.name for s in SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_recorded_profile_answers_as_recorded(scenario: Scenario, replays: Replays) -> None:
    result = replays[RECORDED_PROFILE][scenario.name]
    assert result.error is None
    assert not result.differences, result.report("snapshot", RECORDED_PROFILE)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_snapshot_is_stable_bytes_and_names_what_it_was_recorded_against(
    scenario: Scenario,
) -> None:
    path = SNAPSHOT_DIR / f"{scenario.name}.json"
    snapshot = load_snapshot(scenario.name)

    assert dump_snapshot(snapshot) == path.read_text(encoding="utf-8")
    assert snapshot["recorded_against"]["server"].startswith(
        "PostHog 29dbf9d2d99362379373a38a4c3b917760c993bc"
    )
    assert "overrides" not in snapshot
    # Recorded from the corpus as it is: a changed step needs `make parity-record` again.
    assert [e["request"] for e in snapshot["exchanges"]] == [
        describe_request(step) for step in scenario.steps
    ]


@pytest.mark.slow
def test_current_differs_from_the_recording_only_where_one_change_explains_it(
    reference: dict[str, list[dict[str, Any]]], replays: Replays
) -> None:
    # Raises TableError naming every step of `current` that no single change explains.
    check_explained(attribute_changes(replays, reference))


def test_committed_coverage_is_what_the_recordings_generate_and_no_cell_lost_steps(
    reference: dict[str, list[dict[str, Any]]], replays: Replays
) -> None:
    fresh = coverage(reference, replays)
    committed = json.loads(COVERAGE_PATH.read_text(encoding="utf-8"))

    assert lost_coverage(committed, fresh) == [], "a recorded cell lost coverage"
    assert COVERAGE_PATH.read_text(encoding="utf-8") == json.dumps(fresh, indent=2) + "\n", (
        "parity/coverage.json is stale: run python -m parity tables"
    )


@pytest.mark.slow
def test_committed_tables_of_the_docs_are_what_the_recordings_generate(
    reference: dict[str, list[dict[str, Any]]], replays: Replays
) -> None:
    tables = generate(reference, replays)
    document = DOCS_PATH.read_text(encoding="utf-8")
    assert document == tables.document(document), (
        "docs/parity.md's generated tables are stale: run python -m parity tables"
    )
