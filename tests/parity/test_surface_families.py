"""The surface families: each varies widely, the corpus samples every input, mocks agree."""

from __future__ import annotations

import pytest
import requests

from parity.corpus import SCENARIOS
from parity.fuzz import tally
from parity.lockstep import AS_WRITTEN, Lockstep, Sides
from parity.surface import Probes
from parity.surface_families import FAMILIES, Case, P, run_family, sample
from parity.targets import mock_target

CORPUS_AREAS = {
    "repeated_headers": "surface_headers",
    "routes": "surface_paths",
    "odd_segments": "surface_odd_bytes",
    "credentials": "surface_credentials",
    "datetimes": "surface_datetimes",
    "cors": "surface_cors",
    "mixed_nesting": "surface_nesting",
}


def _inputs(cases: list[Case]) -> set[str]:
    return {case.rule.removesuffix(" without a key") for case in cases}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_varies_widely(family: str) -> None:
    cases = FAMILIES[family]()

    assert len(cases) >= 70
    assert len(_inputs(cases)) >= 15
    reads_back = {"GET"} if any(case.read_back for case in cases) else set()
    assert len({case.method for case in cases} | reads_back) >= 2


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_sample_keeps_every_input_of_a_family(family: str) -> None:
    cases = FAMILIES[family]()

    assert _inputs(sample(cases, 1)) == _inputs(cases)
    assert len(sample(cases, 2)) >= len(sample(cases, 1))


@pytest.mark.parametrize(("family", "area"), sorted(CORPUS_AREAS.items()))
def test_corpus_creates_only_through_the_list_route(family: str, area: str) -> None:
    scenarios = [s for s in SCENARIOS if s.area == area]

    assert scenarios, f"no scenario records the {family} family"
    for scenario in scenarios:
        for step in scenario.steps:
            if step.method == "POST":
                assert step.path.split("?", 1)[0] == P, (scenario.name, step.path)


@pytest.mark.parametrize("families", [("repeated_headers", "credentials"), ("datetimes",)])
def test_families_find_no_difference_between_two_mocks(families: tuple[str, ...]) -> None:
    with (
        mock_target() as reference,
        mock_target() as other,
        requests.Session() as reference_session,
        requests.Session() as other_session,
    ):
        lockstep = Lockstep(
            Sides(reference, reference_session, other, other_session), rules=AS_WRITTEN
        )
        probes = Probes(lockstep, seed=1)
        for name in families:
            run_family(probes, FAMILIES[name]())
        probes.cleanup()

    assert lockstep.sent >= 100
    assert tally(lockstep).differences == 0
