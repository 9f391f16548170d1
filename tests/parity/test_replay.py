"""Every parity scenario against a fresh mock, compared with the snapshot recorded on PostHog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from parity.corpus import SCENARIOS
from parity.executor import Executor, describe_request, plain_executor
from parity.model import Scenario
from parity.snapshots import SNAPSHOT_DIR, compare_with_snapshot, dump_snapshot, load_snapshot
from parity.targets import ParityTarget, mock_target
from parity.transformers import normalise

# Recorded on PostHog, not yet reproduced by the mock: it stores these values but still reads
# them back. Removed when the mock's version profiles break reads like PostHog.
AWAITING_MOCK_PROFILES = frozenset(
    {
        "read_breaking_float_read_as_big_int",
        "read_breaking_nesting_breaks_list",
        "read_breaking_integer_beyond_64_bits",
    }
)
REPLAYED = [
    pytest.param(
        s,
        id=s.name,
        marks=pytest.mark.xfail(
            reason="awaiting the mock's version profiles: PostHog cannot read these values"
            " back, the mock still can",
            strict=True,
        ),
    )
    if s.name in AWAITING_MOCK_PROFILES
    else pytest.param(s, id=s.name)
    for s in SCENARIOS
]


@pytest.fixture(scope="module")
def mock() -> Iterator[tuple[ParityTarget, Executor]]:
    with mock_target() as target, plain_executor(target) as executor:
        yield target, executor


def test_every_scenario_has_a_snapshot_and_every_snapshot_a_scenario() -> None:
    recorded = sorted(path.stem for path in SNAPSHOT_DIR.glob("*.json"))
    assert recorded == sorted(s.name for s in SCENARIOS)


@pytest.mark.parametrize("scenario", REPLAYED)
def test_mock_matches_snapshot(scenario: Scenario, mock: tuple[ParityTarget, Executor]) -> None:
    target, executor = mock
    snapshot = load_snapshot(scenario.name)
    run = executor.run(scenario)
    assert run.error is None
    assert run.not_run is None
    exchanges = normalise([e.as_json() for e in run.exchanges], target)
    comparison = compare_with_snapshot(snapshot, exchanges)
    assert not comparison.differences, comparison.report(scenario.name)


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
    assert [o["reason"] for o in snapshot["overrides"] if not o["reason"]] == []
    # Recorded from the corpus as it is: a changed step needs `make parity-record` again.
    assert [e["request"] for e in snapshot["exchanges"]] == [
        describe_request(step) for step in scenario.steps
    ]
